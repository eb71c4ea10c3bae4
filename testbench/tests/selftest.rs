//! The board self-test top in Verilator: the frame source, the CMAC TX
//! and RX, the checker and the UART, with the UART's lines decoded here
//! at 115200 baud, the LEDs read, and the tamper button pressed.

use csi2sec_hdl::selftest::{BAUD, Board, Options, emit_core};
use csi2sec_testbench::model::build;

/// Decodes 8N1 from the UART pin, one sample per clock cycle.
struct Uart {
    div: u64,
    /// Cycles since the start bit's falling edge, while receiving.
    at: Option<u64>,
    byte: u8,
    line: String,
}

impl Uart {
    /// One sample; a finished line (without "\r\n") when it ends.
    fn sample(&mut self, pin: bool) -> Option<String> {
        match self.at {
            None if !pin => self.at = Some(0),
            None => {}
            Some(t) => {
                // Bit k (0 start, 1..8 data, 9 stop) is read mid-bit.
                let mid = |k: u64| k * self.div + self.div / 2;
                for k in 1..=8 {
                    if t == mid(k) {
                        self.byte = self.byte >> 1 | (pin as u8) << 7;
                    }
                }
                if t == mid(0) {
                    assert!(!pin, "UART: start bit too short");
                }
                if t == mid(9) {
                    assert!(pin, "UART: no stop bit after {:?}", self.line);
                    self.at = None;
                    match self.byte {
                        b'\n' => {
                            return Some(std::mem::take(&mut self.line).trim_end().to_string());
                        }
                        b => self.line.push(b as char),
                    }
                    return None;
                }
                self.at = Some(t + 1);
            }
        }
        None
    }
}

#[test]
fn the_icebreaker_self_test_prints_a_line_per_frame_and_catches_the_tamper() {
    let board = Board::by_name("icebreaker").unwrap();
    let mods = emit_core(&board, Options { gap: 300 }).expect("self-test");
    let b = build(&mods).expect("build");
    let mut d = b.instance();
    let (tamper, tx, ok, fail) = (
        b.port("tamper"),
        b.port("uart_tx"),
        b.port("led_ok"),
        b.port("led_fail"),
    );
    let mut uart = Uart {
        div: ((board.core_hz + BAUD / 2) / BAUD) as u64,
        at: None,
        byte: 0,
        line: String::new(),
    };
    let mut lines = Vec::new();
    let mut leds = Vec::new();
    let mut press = None;
    d.set(tamper, 0);
    for cycle in 0..2_000_000u64 {
        d.tick(1);
        if let Some(l) = uart.sample(d.get(tx) != 0) {
            eprintln!("UART: {l}");
            lines.push(l);
            leds.push((d.get(ok), d.get(fail)));
            // After the third line, press the tamper button for 10 cycles.
            if lines.len() == 3 {
                press = Some(cycle);
            }
            if lines.len() == 5 {
                break;
            }
        }
        if let Some(p) = press {
            d.set(tamper, (cycle - p < 10) as u128);
        }
    }
    assert_eq!(
        lines,
        [
            "s0 fc=00000001 ok   ok=0001 fail=0000",
            "s0 fc=00000002 ok   ok=0002 fail=0000",
            "s0 fc=00000003 ok   ok=0003 fail=0000",
            "s0 fc=00000004 auth ok=0003 fail=0001",
            "s0 fc=00000005 ok   ok=0004 fail=0001",
        ],
        "UART lines"
    );
    assert_eq!(
        leds,
        [(1, 0), (1, 0), (1, 0), (0, 1), (1, 0)],
        "LEDs ok, fail"
    );
}
