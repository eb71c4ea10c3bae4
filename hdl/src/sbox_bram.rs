//! AES S-box as a registered lookup, which synthesis maps to block RAM on
//! iCE40 and ECP5. One cycle of latency: `y` is the S-box of the `x` of the
//! previous clock edge.

use crate::sbox_rom::table;
use rust_hdl::prelude::*;

/// S-box as a registered (block-RAM) lookup.
#[derive(LogicBlock)]
pub struct SboxBram {
    pub clock: Signal<In, Clock>,
    /// Input byte, sampled at the rising edge.
    pub x: Signal<In, Bits<8>>,
    /// S-box of the `x` sampled at the last rising edge.
    pub y: Signal<Out, Bits<8>>,
    _table: Box<[u8; 256]>,
}

impl Default for SboxBram {
    fn default() -> Self {
        SboxBram {
            clock: Default::default(),
            x: Default::default(),
            y: Default::default(),
            _table: Box::new(table()),
        }
    }
}

impl Logic for SboxBram {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self.y.next = (self._table[self.x.val().to_u64() as usize] as u64).into();
        }
    }

    fn connect(&mut self) {
        self.y.connect();
    }

    fn hdl(&self) -> Verilog {
        let init: String = self
            ._table
            .iter()
            .enumerate()
            .map(|(i, v)| format!("  mem[{i}] = 8'h{v:02x};\n"))
            .collect();
        Verilog::Custom(format!(
            "reg [7:0] mem [0:255];\ninitial begin\n{init}end\nalways @(posedge clock) y <= mem[x];\n"
        ))
    }
}
