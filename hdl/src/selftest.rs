//! The board self-test: a synthetic CSI-2 frame source → `csi2sec_tx` →
//! the wire → `csi2sec_rx` → a checker that compares what the RX gives
//! back with what the source sent, and a UART (115200 8N1) that prints
//! one line per frame:
//!
//! ```text
//! s0 fc=00000001 ok   ok=0001 fail=0000
//! ```
//!
//! (stream, frame counter, verdict, running counts of good and failed
//! frames, in hex). The verdict word is the RX's frame verdict (`ok`,
//! `fmt`, `pol`, `miss`, `auth`, `repl`, `unpr`), or `data` when the RX
//! said ok but gave back other bytes. LEDs: heartbeat (about 1 Hz), the
//! last frame ok, the last frame failed. The tamper button flips one
//! payload bit of a covered line on the wire in the next frame and
//! repairs that packet's CRC-16, as an attacker would: the RX must say
//! `auth`.
//!
//! At power-up a sequencer programs both blocks through their APB ports
//! with the writes firmware makes ([`crate::firmware`]); then the source
//! sends one frame, waits for the RX's verdict and its UART line to go
//! out, waits `gap` cycles, and sends the next. The frame is a ROM of AXI beats made
//! by the golden model's frame generator, so its ECCs and CRCs are right
//! by construction; the checker reads the same ROM. The tamper masks are
//! worked out here from the golden model's TX output, and checked: the
//! model's RX must give the tampered frame `auth_fail` and the next one
//! `ok`.
//!
//! All boards use the CMAC efficiency suite (`cmac-selftest`: the
//! byte-serial TX and RX, `--width 1`, on the column-serial AES core with
//! `bram` S-boxes, without SV-4 windows: `--no-window`), frame tags, SV-2
//! everywhere.
//! The frame ROM is a memory read a cycle ahead (block RAM), at the
//! link's width.

use crate::config::Arch;
use crate::emit::Module;
use crate::firmware::{context_writes, next_frame_write};
use crate::link_config::{LinkConfig, Suites};
use crate::ports::instance;
use crate::regs::{RegisterMap, Side};
use crate::sub_bytes::SboxForm;
use csi2sec_sim::context::Context;
use csi2sec_sim::crc::CRC16;
use csi2sec_sim::frames::{FrameSpec, PixelFormat, generate};
use csi2sec_sim::packet::PacketReader;
use csi2sec_sim::rx::Verdict;

/// A board's self-test build: clock and the I/O it uses (names as in its
/// constraints file; `true`: active low).
#[derive(Clone, Copy, Debug)]
pub struct Board {
    pub name: &'static str,
    /// The board's oscillator.
    pub clk_hz: u32,
    /// The self-test's clock: the oscillator, or a PLL's output below the
    /// TX and RX's Fmax (see the README's board self-test).
    pub core_hz: u32,
    /// Synthesis target (`csi2sec synth --target`).
    pub target: &'static str,
    /// Pin and clock file, relative to the repository.
    pub constraints: &'static str,
    pub tamper: (&'static str, bool),
    pub heartbeat: (&'static str, bool),
    pub ok: (&'static str, bool),
    pub fail: (&'static str, bool),
}

/// The boards of `constraints/`.
pub const BOARDS: [Board; 4] = [
    Board {
        name: "icebreaker",
        clk_hz: 12_000_000,
        core_hz: 12_000_000,
        target: "ice40-up5k",
        constraints: "constraints/icebreaker.pcf",
        tamper: ("btn_tamper_n", true),
        heartbeat: ("led_heartbeat", false),
        ok: ("led_ok_n", true),
        fail: ("led_fail_n", true),
    },
    Board {
        name: "ulx3s",
        clk_hz: 25_000_000,
        core_hz: 25_000_000,
        target: "ecp5-85f",
        constraints: "constraints/ulx3s.lpf",
        tamper: ("btn_tamper", false),
        heartbeat: ("led_heartbeat", false),
        ok: ("led_ok", false),
        fail: ("led_fail", false),
    },
    Board {
        name: "orangecrab",
        clk_hz: 48_000_000,
        core_hz: 12_000_000,
        target: "ecp5-25f",
        constraints: "constraints/orangecrab.lpf",
        tamper: ("btn_tamper_n", true),
        heartbeat: ("led_heartbeat_n", true),
        ok: ("led_ok_n", true),
        fail: ("led_fail_n", true),
    },
    Board {
        name: "arty",
        clk_hz: 100_000_000,
        core_hz: 12_500_000,
        target: "xc7a35t",
        constraints: "constraints/arty-a7-35t.xdc",
        tamper: ("btn_tamper", false),
        heartbeat: ("led_heartbeat", false),
        ok: ("led_ok", false),
        fail: ("led_fail", false),
    },
];

impl Board {
    pub fn by_name(name: &str) -> Result<Board, String> {
        BOARDS
            .iter()
            .copied()
            .find(|b| b.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = BOARDS.iter().map(|b| b.name).collect();
                format!("--board {name}: expected one of {}", names.join(", "))
            })
    }

    /// The top module's name.
    pub fn top(&self) -> String {
        format!("csi2sec_selftest_{}", self.name)
    }

    /// Cycles between frames on the board: a quarter second (4 lines a
    /// second on the UART).
    pub fn board_gap(&self) -> u32 {
        self.core_hz / 4
    }
}

/// The UART's bit rate.
pub const BAUD: u32 = 115_200;

/// The self-test's security context: CMAC-128, frame tags of 16 bytes,
/// no CRC-32 (so a tampered covered byte is an `auth` verdict), SV-2 in
/// every block, frame counter from 1.
pub fn context() -> Context {
    Context::from_json(
        r#"{"protocol": "sep", "vcx": false, "control_dt": 19, "streams": [{"stream": 0,
            "suite": "cmac-128", "tag_mode": "frame", "tag_len": 16, "crc32": false, "stride": 1,
            "keys": [{"key_id": 1, "key": "2b7e151628aed2a6abf7158809cf4f3c"}],
            "active_key_id": 1, "frame_counter": 1, "frames": [{"sv": [2, 2, 2]}]}]}"#,
    )
    .expect("self-test context")
}

/// `cmac-selftest`: the TX or RX of the self-test (CMAC-128, column-serial
/// AES, `bram` S-boxes).
pub fn link_config(side: Side) -> LinkConfig {
    let mut c = LinkConfig::default_of(side);
    c.suites = Suites::Cmac;
    c.arch = Arch::Serial;
    c.sbox = SboxForm::Bram;
    // Frame tags only: no data-type scopes (their tables cost LUTs the
    // iCE40 does not have).
    c.dt_scopes = 0;
    // A byte a beat (byte_link.rs): the UP5K's LUTs. No SV-4 windows: the
    // self-test's frames are SV-2, and the compares cost about 300 LUT4.
    c.width = 1;
    c.window = false;
    c.name = c.default_name();
    c
}

/// The frame the source sends: 24×4 RAW10 (30-byte lines) with one
/// embedded line above and below, on stream 0.
pub fn frame() -> Vec<u8> {
    let spec = FrameSpec {
        width: 24,
        height: 4,
        format: PixelFormat::from_name("raw10").expect("raw10"),
        frames: 1,
        stream: 0,
        embedded_top: 1,
        embedded_bottom: 1,
        seed: 7,
    };
    let mut out = Vec::new();
    generate(&spec, &mut out);
    out
}

/// The packets of a raw stream.
fn packets(stream: &[u8]) -> Vec<Vec<u8>> {
    PacketReader::new(stream, false)
        .map_while(Result::ok)
        .map(|p| {
            let n = if p.header.is_long() {
                6 + p.payload.len()
            } else {
                4
            };
            stream[p.offset..p.offset + n].to_vec()
        })
        .collect()
}

/// AXI beats of packets, `w` bytes wide: (data, byte 0 in bits 7:0;
/// keep; last).
fn beats(pkts: &[Vec<u8>], w: usize) -> Vec<(u128, u16, bool)> {
    let mut out = Vec::new();
    for p in pkts {
        let n = p.len().div_ceil(w);
        for (i, c) in p.chunks(w).enumerate() {
            let d = c.iter().rev().fold(0u128, |a, &b| a << 8 | b as u128);
            out.push((d, ((1u32 << c.len()) - 1) as u16, i + 1 == n));
        }
    }
    out
}

/// The tamper: (link beat index in the frame, XOR mask) pairs that flip
/// bit 0 of payload byte 5 of the first pixel line (covered) and repair
/// its CRC-16; checked against the golden model. Beats `w` bytes wide.
fn tamper_masks(ctx: &Context, frame: &[u8], w: usize) -> Result<Vec<(usize, u128)>, String> {
    let two = [frame, frame].concat();
    let (wire, _) = csi2sec_sim::tx::protect(ctx, &two).map_err(|e| e.to_string())?;
    let pkts = packets(&wire);
    // Frame 0 on the wire: up to the second FS.
    let fs: Vec<usize> = (0..pkts.len())
        .filter(|&i| pkts[i].len() == 4 && pkts[i][0] & 0x3f == 0)
        .collect();
    let f0 = &pkts[..fs[1]];
    // The first pixel line: the first long packet of DT 0x2B.
    let k = f0
        .iter()
        .position(|p| p.len() > 4 && p[0] & 0x3f == 0x2b)
        .ok_or("no pixel line")?;
    let mut bad = f0.to_vec();
    let p = &mut bad[k];
    // Header 4, SEP header 12, then the payload as sent.
    p[4 + 12 + 5] ^= 1;
    let end = p.len() - 2;
    let crc = CRC16.update(CRC16.init(), &p[4..end]) as u16;
    p[end..].copy_from_slice(&crc.to_le_bytes());
    let masks: Vec<(usize, u128)> = beats(f0, w)
        .iter()
        .zip(beats(&bad, w))
        .enumerate()
        .filter(|(_, (a, b))| a.0 != b.0)
        .map(|(i, (a, b))| (i, a.0 ^ b.0))
        .collect();
    // The model's RX on the tampered frame, then a clean one.
    let tampered: Vec<u8> = bad
        .concat()
        .into_iter()
        .chain(pkts[fs[1]..].concat())
        .collect();
    let (_, report) = csi2sec_sim::rx::verify(ctx, &tampered);
    let v: Vec<Verdict> = report.frames.iter().map(|f| f.verdict).collect();
    if v != [Verdict::AuthFail, Verdict::Ok] {
        return Err(format!("self-test tamper: the model's RX gives {v:?}"));
    }
    Ok(masks)
}

/// Verilog hex literal of width `w`.
fn lit(w: usize, v: u128) -> String {
    format!("{w}'h{v:x}")
}

/// A `case` ROM as a Verilog function.
fn rom(name: &str, out_w: usize, in_w: usize, rows: &[(usize, String)]) -> String {
    let mut v = format!(
        "function [{}:0] {name}(input [{}:0] i);\n  case (i)\n",
        out_w - 1,
        in_w - 1
    );
    for (i, r) in rows {
        v += &format!("    {in_w}'d{i}: {name} = {r};\n");
    }
    v += &format!("    default: {name} = {out_w}'d0;\n  endcase\nendfunction\n");
    v
}

/// Address bits of a ROM of `n` rows.
fn rom_bits(n: usize) -> usize {
    n.next_power_of_two().trailing_zeros().max(1) as usize
}

/// A ROM as a Verilog memory with its contents (rows past `rows`: zero),
/// for a registered read: block RAM on the FPGAs.
fn rom_memory(name: &str, out_w: usize, rows: &[(usize, String)]) -> String {
    let depth = 1 << rom_bits(rows.len());
    let mut v = format!(
        "reg [{}:0] {name} [0:{}];\ninteger {name}_i;\ninitial begin\n  for ({name}_i = 0; {name}_i < {depth}; {name}_i = {name}_i + 1) {name}[{name}_i] = {out_w}'d0;\n",
        out_w - 1,
        depth - 1
    );
    for (i, r) in rows {
        v += &format!("  {name}[{i}] = {r};\n");
    }
    v + "end\n"
}

/// A character of the UART line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineChar {
    /// Itself.
    Lit(u8),
    /// Hex digit `k` of `{fc, n_ok, n_fail}` (nibble 0: the lowest).
    Hex(usize),
    /// Byte `k` of the verdict word `p_word` (0: the first, bits 31:24).
    Word(usize),
}

/// The UART line's characters: literals, the frame counter `fc` and the
/// counts `n_ok`, `n_fail` in hex, the verdict word.
fn line_chars(stream: u8) -> Vec<LineChar> {
    let mut c: Vec<LineChar> = Vec::new();
    let lit = |s: &str| -> Vec<LineChar> { s.bytes().map(LineChar::Lit).collect() };
    // Digits from the most significant; `top`: the nibble index of the
    // first.
    let hex = |top: usize, digits: usize| -> Vec<LineChar> {
        (0..digits).map(|d| LineChar::Hex(top - d)).collect()
    };
    c.extend(lit(&format!("s{stream:x} fc=")));
    c.extend(hex(15, 8));
    c.extend(lit(" "));
    c.extend((0..4).map(LineChar::Word));
    c.extend(lit(" ok="));
    c.extend(hex(7, 4));
    c.extend(lit(" fail="));
    c.extend(hex(3, 4));
    c.extend(lit("\r\n"));
    c
}

/// The line's character table, per `pc`: its kind (0 literal, 1 hex
/// digit, 2 verdict byte), the literal, the digit or byte index. One
/// digit select and one hex conversion serve every digit.
fn char_case(chars: &[LineChar]) -> String {
    chars
        .iter()
        .enumerate()
        .map(|(i, ch)| {
            let (kind, lit, k) = match *ch {
                LineChar::Lit(b) => (0, b, 0),
                LineChar::Hex(k) => (1, 0, k),
                LineChar::Word(k) => (2, 0, k),
            };
            format!(
                "    6'd{i}: begin c_kind = 2'd{kind}; c_lit = 8'h{lit:02x}; c_k = 4'd{k}; end\n"
            )
        })
        .collect()
}

/// How the self-test is built: `gap` cycles between frames (the board's
/// [`Board::board_gap`], or fewer in simulation).
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub gap: u32,
}

/// The self-test core module `csi2sec_selftest_<board>_core` (ports
/// `clock`, `tamper`, `uart_tx`, `led_heartbeat`, `led_ok`, `led_fail`,
/// all active high) and the modules of its TX and RX, core first.
pub fn emit_core(board: &Board, o: Options) -> Result<Vec<Module>, String> {
    let ctx = context();
    let s = &ctx.streams[0];
    let (txc, rxc) = (link_config(Side::Tx), link_config(Side::Rx));
    let tx = txc.emit()?;
    let rx = rxc.emit()?;
    let frame = frame();
    // The stream width: data, keep and ROM row widths.
    let w = txc.width;
    let (dw, row_w) = (8 * w, 1 + w + 8 * w);
    let src = beats(&packets(&frame), w);
    let masks = tamper_masks(&ctx, &frame, w)?;
    // A packet's first beat that starts an FS (a 4-byte packet of DT 0).
    let fs_beat = |data: &str, keep: &str| {
        if w == 1 {
            format!("{data}[5:0] == 6'd0")
        } else {
            format!("{keep} == {w}'h{:x} & {data}[5:0] == 6'd0", 0xf)
        }
    };
    // APB writes: {rx, addr[11:0], data}.
    let mut writes = Vec::new();
    for (side, bit) in [(Side::Tx, 0u128), (Side::Rx, 1)] {
        let map = RegisterMap::of(side);
        let mut w = context_writes(&map, &ctx, s);
        w.insert(w.len() - 1, next_frame_write(&map, s, s.frame_counter));
        writes.extend(
            w.into_iter()
                .map(|(a, d)| bit << 44 | (a as u128) << 32 | d as u128),
        );
    }
    let div = (board.core_hz + BAUD / 2) / BAUD;
    let hb = 32 - board.core_hz.leading_zeros() as usize - 1;
    let chars = line_chars(s.stream);
    // {last, keep, data}, as a concatenation.
    let src_rows: Vec<(usize, String)> = src
        .iter()
        .enumerate()
        .map(|(i, &(d, k, l))| {
            let row = format!("{{1'b{}, {}, {}}}", l as u8, lit(w, k as u128), lit(dw, d));
            (i, row)
        })
        .collect();
    let apb_rows: Vec<(usize, String)> = writes.iter().map(|&w| lit(45, w)).enumerate().collect();
    let mask_rows: Vec<(usize, String)> = masks.iter().map(|&(i, m)| (i, lit(dw, m))).collect();
    // The gap counter's width: enough for GAP.
    let gap_bits = (32 - o.gap.leading_zeros()).max(1) as usize;
    let name = format!("{}_core", board.top());
    let mut v = format!(
        r#"// {name}: csi2sec board self-test core for {board} ({clk} Hz): frame source -> TX -> wire -> RX -> checker, UART {baud} 8N1.
module {name}(clock, tamper, uart_tx, led_heartbeat, led_ok, led_fail);
  /// The board clock ({clk} Hz).
  input wire clock;
  /// High (synchronised here): tamper with the next frame on the wire.
  input wire tamper;
  /// One line per frame, {baud} 8N1.
  output reg uart_tx;
  /// About 1 Hz.
  output reg led_heartbeat;
  /// The last frame was ok.
  output reg led_ok;
  /// The last frame failed.
  output reg led_fail;
localparam [9:0] N_SRC = 10'd{n_src};
localparam [5:0] N_APB = 6'd{n_apb}, LINE = 6'd{line};
localparam [15:0] DIV = 16'd{div};
localparam [{gw1}:0] GAP = {gw}'d{gap};
localparam [31:0] FC_INIT = 32'd{fc_init};
{src_rom}{apb_rom}{mask_rom}function [7:0] hex(input [3:0] n);
  hex = n < 4'd10 ? 8'h30 + {{4'd0, n}} : 8'h57 + {{4'd0, n}};
endfunction
function [31:0] word(input [2:0] code, input data_bad);
  case (code)
    3'd0: word = "fmt ";
    3'd1: word = "pol ";
    3'd2: word = "miss";
    3'd3: word = "auth";
    3'd4: word = "repl";
    3'd5: word = "unpr";
    default: word = data_bad ? "data" : "ok  ";
  endcase
endfunction
// Power-on reset (16 cycles).
reg [4:0] por;
wire rst = ~por[4];
always @(posedge clock) if (rst) por <= por + 5'd1;
// The TX and RX.
wire [{dw1}:0] tx_m_tdata, rx_m_tdata;
wire [{w1}:0] tx_m_tkeep, rx_m_tkeep;
wire [7:0] rx_m_tuser;
wire tx_s_tready, tx_m_tlast, tx_m_tuser, tx_m_tvalid, rx_s_tready, rx_m_tlast, rx_m_tvalid;
wire [31:0] tx_prdata, rx_prdata;
wire tx_pready, tx_pslverr, rx_pready, rx_pslverr, rekey_needed, alarm;
reg [{dw1}:0] src_data;
reg [{w1}:0] src_keep;
reg src_last, src_valid;
reg psel_tx, psel_rx, penable;
reg [11:0] paddr;
reg [31:0] pwdata;
wire [{dw1}:0] link_data;
{tx_inst}{rx_inst}// Sequencer: the context writes, through APB.
reg [5:0] ai;
reg aph;
wire prog_done = ai == N_APB;
wire [44:0] aw = apb_write(ai);
always @(*) begin
  psel_tx = ~rst & ~prog_done & ~aw[44];
  psel_rx = ~rst & ~prog_done & aw[44];
  penable = aph;
  paddr = aw[43:32];
  pwdata = aw[31:0];
end
always @(posedge clock) begin
  if (rst) begin
    ai <= 6'd0;
    aph <= 1'b0;
  end else if (~prog_done) begin
    if (~aph) aph <= 1'b1;
    else if (aw[44] ? rx_pready : tx_pready) begin
      aph <= 1'b0;
      ai <= ai + 6'd1;
    end
  end
end
// Source: one frame, then its verdict and line, then GAP cycles.
localparam S_PROG = 2'd0, S_SEND = 2'd1, S_WAIT = 2'd2, S_GAP = 2'd3;
reg [1:0] ss;
reg [9:0] si;
reg [{gw1}:0] gap;
reg [1:0] btn;
reg btn_q, armed, tamper_frame;
// The frame ROM, read a cycle ahead into `sb` (a block RAM with its
// registered read; `src_next`: the row after a beat taken).
wire [9:0] src_next = ss == S_SEND & tx_s_tready ? (si == N_SRC - 10'd1 ? 10'd0 : si + 10'd1) : si;
reg [{row1}:0] sb;
always @(posedge clock) sb <= src_mem[src_next[{ab1}:0]];
always @(*) begin
  src_data = sb[{dw1}:0];
  src_keep = sb[{k1}:{dw}];
  src_last = sb[{row1}];
  src_valid = ss == S_SEND;
end
// Link: the TX's output into the RX, with the tamper masks on a tampered frame.
reg l_first;
reg [9:0] wb;
wire l_fs = l_first & {l_fs};
wire [9:0] wb_now = l_fs ? 10'd0 : wb;
assign link_data = tx_m_tdata ^ (tamper_frame ? tamper_mask(wb_now) : {dw}'d0);
// Checker: the RX's output against the source ROM.
reg c_first, mism;
reg [9:0] rb;
wire c_fs = c_first & {c_fs};
wire [9:0] rb_now = c_fs ? 10'd0 : rb;
// The checker's copy of the frame ROM, read a cycle ahead as the
// source's (row 0, the FS, is a constant: a frame's first beat reads it).
wire [9:0] chk_next = rx_m_tvalid ? rb_now + 10'd1 : rb;
reg [{row1}:0] eb_q;
always @(posedge clock) eb_q <= chk_mem[chk_next[{ab1}:0]];
wire [{row1}:0] eb = c_fs ? {row0} : eb_q;
wire [{dw1}:0] kmask;
genvar g;
generate for (g = 0; g < {w}; g = g + 1) begin : km
  assign kmask[8*g+7:8*g] = {{8{{rx_m_tkeep[g]}}}};
end endgenerate
wire beat_bad = rb_now >= N_SRC | rx_m_tkeep != eb[{k1}:{dw}] | rx_m_tlast != eb[{row1}]
              | ((rx_m_tdata ^ eb[{dw1}:0]) & kmask) != {dw}'d0;
wire frame_end = rx_m_tvalid & rx_m_tlast & rx_m_tuser[0];
wire frame_ok = rx_m_tuser[4:2] == 3'd6 & ~(mism | beat_bad);
// The line being printed: the frame counter (stepped when its line is
// out), the verdict word, the counts (the line goes out before the next
// frame is sent).
reg [31:0] fc, p_word;
reg [15:0] n_ok, n_fail;
reg line_req, printing;
reg [5:0] pc;
reg [1:0] c_kind;
reg [7:0] c_lit;
reg [3:0] c_k;
always @(*) begin
  c_kind = 2'd0; c_lit = 8'h20; c_k = 4'd0;
  case (pc)
{char_case}    default: ;
  endcase
end
wire [63:0] digits = {{fc, n_ok, n_fail}};
wire [3:0] nib = digits[{{c_k, 2'b00}} +: 4];
wire [7:0] ch = c_kind == 2'd1 ? hex(nib) : c_kind == 2'd2 ? p_word[{{~c_k[1:0], 3'b000}} +: 8] : c_lit;
// UART: start bit, 8 data bits LSB first, stop bit.
reg [9:0] ush;
reg [3:0] ubits;
reg [15:0] udiv;
wire uidle = ubits == 4'd0;
reg [{hb}:0] beat;
always @(posedge clock) begin
  beat <= beat + {hbw}'d1;
  led_heartbeat <= beat[{hb}];
  uart_tx <= uidle ? 1'b1 : ush[0];
  btn <= {{btn[0], tamper}};
  btn_q <= btn[1];
  if (btn[1] & ~btn_q) armed <= 1'b1;
  // Source.
  case (ss)
    S_PROG: if (prog_done & ~rst) begin
      ss <= S_SEND;
    end
    S_SEND: if (tx_s_tready) begin
      if (si == N_SRC - 10'd1) begin
        si <= 10'd0;
        ss <= S_WAIT;
      end else si <= si + 10'd1;
    end
    S_WAIT: if (frame_end) begin
      gap <= {gw}'d0;
      ss <= S_GAP;
    end
    default: if (~line_req & ~printing & uidle) begin
      if (gap >= GAP) begin
        ss <= S_SEND;
        tamper_frame <= armed;
        armed <= 1'b0;
      end else gap <= gap + {gw}'d1;
    end
  endcase
  // Link beat index.
  if (tx_m_tvalid & rx_s_tready) begin
    l_first <= tx_m_tlast;
    wb <= wb_now + 10'd1;
  end
  // Checker.
  if (rx_m_tvalid) begin
    c_first <= rx_m_tlast;
    rb <= rb_now + 10'd1;
    if (beat_bad) mism <= 1'b1;
  end
  if (frame_end) begin
    mism <= 1'b0;
    p_word <= word(rx_m_tuser[4:2], mism | beat_bad);
    if (frame_ok) n_ok <= n_ok + 16'd1;
    else n_fail <= n_fail + 16'd1;
    led_ok <= frame_ok;
    led_fail <= ~frame_ok;
    line_req <= 1'b1;
  end
  // Printer and UART.
  if (~printing & line_req) begin
    printing <= 1'b1;
    line_req <= 1'b0;
    pc <= 6'd0;
  end else if (printing & uidle) begin
    ush <= {{1'b1, ch, 1'b0}};
    ubits <= 4'd10;
    udiv <= 16'd0;
    pc <= pc + 6'd1;
    if (pc == LINE - 6'd1) begin
      printing <= 1'b0;
      fc <= fc + 32'd1;
    end
  end
  if (~uidle) begin
    if (udiv == DIV - 16'd1) begin
      udiv <= 16'd0;
      ush <= {{1'b1, ush[9:1]}};
      ubits <= ubits - 4'd1;
    end else udiv <= udiv + 16'd1;
  end
  if (rst) begin
    ss <= S_PROG;
    si <= 10'd0;
    l_first <= 1'b1;
    c_first <= 1'b1;
    mism <= 1'b0;
    armed <= 1'b0;
    tamper_frame <= 1'b0;
    line_req <= 1'b0;
    printing <= 1'b0;
    ubits <= 4'd0;
  end
end
initial begin
  por = 5'd0;
  ai = 6'd0;
  aph = 1'b0;
  ss = S_PROG;
  si = 10'd0;
  sb = {row_w}'d0;
  eb_q = {row_w}'d0;
  gap = {gw}'d0;
  btn = 2'd0;
  btn_q = 1'b0;
  armed = 1'b0;
  tamper_frame = 1'b0;
  l_first = 1'b1;
  wb = 10'd0;
  c_first = 1'b1;
  mism = 1'b0;
  rb = 10'd0;
  fc = FC_INIT;
  p_word = 32'd0;
  n_ok = 16'd0;
  n_fail = 16'd0;
  line_req = 1'b0;
  printing = 1'b0;
  pc = 6'd0;
  ush = 10'h3ff;
  ubits = 4'd0;
  udiv = 16'd0;
  beat = {hbw}'d0;
  uart_tx = 1'b1;
  led_heartbeat = 1'b0;
  led_ok = 1'b0;
  led_fail = 1'b0;
end
// Outputs the self-test does not read.
/* verilator lint_off UNUSEDSIGNAL */
wire unused = &{{1'b0{rom_hi}, tx_m_tuser, rx_m_tuser[7:5], rx_m_tuser[1], tx_prdata, rx_prdata, tx_pslverr, rx_pslverr, rekey_needed, alarm}};
/* verilator lint_on UNUSEDSIGNAL */
endmodule
"#,
        board = board.name,
        clk = board.core_hz,
        baud = BAUD,
        n_src = src.len(),
        hbw = hb + 1,
        n_apb = writes.len(),
        gap = o.gap,
        line = chars.len(),
        fc_init = s.frame_counter,
        src_rom =
            rom_memory("src_mem", row_w, &src_rows) + &rom_memory("chk_mem", row_w, &src_rows),
        ab1 = rom_bits(src_rows.len()) - 1,
        row_w = row_w,
        rom_hi = if rom_bits(src_rows.len()) < 10 {
            format!(
                ", src_next[9:{0}], chk_next[9:{0}]",
                rom_bits(src_rows.len())
            )
        } else {
            String::new()
        },
        row0 = src_rows[0].1,
        apb_rom = rom("apb_write", 45, 6, &apb_rows),
        gw = gap_bits,
        gw1 = gap_bits - 1,
        mask_rom = rom("tamper_mask", dw, 10, &mask_rows),
        dw = dw,
        dw1 = dw - 1,
        w = w,
        w1 = w - 1,
        k1 = dw + w - 1,
        row1 = row_w - 1,
        l_fs = fs_beat("tx_m_tdata", "tx_m_tkeep"),
        c_fs = fs_beat("rx_m_tdata", "rx_m_tkeep"),
        char_case = char_case(&chars),
        tx_inst = instance(
            &tx[0],
            "tx",
            &[
                ("clock", "clock"),
                ("reset", "rst"),
                ("s_axis_tdata", "src_data"),
                ("s_axis_tkeep", "src_keep"),
                ("s_axis_tlast", "src_last"),
                ("s_axis_tuser", "1'b0"),
                ("s_axis_tvalid", "src_valid"),
                ("s_axis_tready", "tx_s_tready"),
                ("m_axis_tdata", "tx_m_tdata"),
                ("m_axis_tkeep", "tx_m_tkeep"),
                ("m_axis_tlast", "tx_m_tlast"),
                ("m_axis_tuser", "tx_m_tuser"),
                ("m_axis_tvalid", "tx_m_tvalid"),
                ("m_axis_tready", "rx_s_tready"),
                ("psel", "psel_tx"),
                ("penable", "penable"),
                ("pwrite", "1'b1"),
                ("paddr", "paddr"),
                ("pwdata", "pwdata"),
                ("prdata", "tx_prdata"),
                ("pready", "tx_pready"),
                ("pslverr", "tx_pslverr"),
                ("rekey_needed", "rekey_needed"),
            ]
        )?,
        rx_inst = instance(
            &rx[0],
            "rx",
            &[
                ("clock", "clock"),
                ("reset", "rst"),
                ("s_axis_tdata", "link_data"),
                ("s_axis_tkeep", "tx_m_tkeep"),
                ("s_axis_tlast", "tx_m_tlast"),
                ("s_axis_tuser", "8'd0"),
                ("s_axis_tvalid", "tx_m_tvalid"),
                ("s_axis_tready", "rx_s_tready"),
                ("m_axis_tdata", "rx_m_tdata"),
                ("m_axis_tkeep", "rx_m_tkeep"),
                ("m_axis_tlast", "rx_m_tlast"),
                ("m_axis_tuser", "rx_m_tuser"),
                ("m_axis_tvalid", "rx_m_tvalid"),
                ("m_axis_tready", "1'b1"),
                ("psel", "psel_rx"),
                ("penable", "penable"),
                ("pwrite", "1'b1"),
                ("paddr", "paddr"),
                ("pwdata", "pwdata"),
                ("prdata", "rx_prdata"),
                ("pready", "rx_pready"),
                ("pslverr", "rx_pslverr"),
                ("alarm", "alarm"),
            ]
        )?,
    );
    v = v.replace("\n\n\n", "\n\n");
    let mut out = vec![Module { name, text: v }];
    out.extend(tx);
    out.extend(rx);
    Ok(out)
}

/// The core's clock from the board's (`clock`): the oscillator itself,
/// or a PLL (ECP5 EHXPLLL, Xilinx MMCME2) in synthesis and, in simulation
/// and lint, the oscillator divided by the same power of two.
fn clocking(b: &Board) -> Result<String, String> {
    if b.core_hz == b.clk_hz {
        return Ok("wire clock = clk;\n".into());
    }
    let ratio = b.clk_hz / b.core_hz;
    if !ratio.is_power_of_two() || ratio * b.core_hz != b.clk_hz {
        return Err(format!(
            "{}: core clock {} Hz is not the oscillator over a power of two",
            b.name, b.core_hz
        ));
    }
    let bits = ratio.trailing_zeros();
    let mhz = |hz: u32| format!("{}", hz as f64 / 1e6);
    let pll = if b.target.starts_with("ecp5") {
        // fout = fin * CLKFB_DIV / CLKI_DIV, VCO = fout * CLKOP_DIV in
        // 400..800 MHz, nearest 600 (the ECP5 sysCLOCK PLL guide; as ecppll).
        let (ci, cf, co) = (1..=128u32)
            .flat_map(|ci| (1..=80u32).map(move |cf| (ci, cf)))
            .filter(|&(ci, cf)| b.clk_hz as u64 * cf as u64 == b.core_hz as u64 * ci as u64)
            .find_map(|(ci, cf)| {
                (1..=128u32)
                    .filter(|&co| {
                        (400_000_000..=800_000_000).contains(&(b.core_hz as u64 * co as u64))
                    })
                    .min_by_key(|&co| (b.core_hz as i64 * co as i64 - 600_000_000).abs())
                    .map(|co| (ci, cf, co))
            })
            .ok_or_else(|| format!("{}: no PLL setting for {} Hz", b.name, b.core_hz))?;
        format!(
            "// The PLL's other outputs are not used (every pin is named).\n\
             /* verilator lint_off UNUSEDSIGNAL */\nwire [6:0] pll_unused;\n\
             (* FREQUENCY_PIN_CLKI=\"{fin}\" *) (* FREQUENCY_PIN_CLKOP=\"{fout}\" *)\n\
             EHXPLLL #(.PLLRST_ENA(\"DISABLED\"), .INTFB_WAKE(\"DISABLED\"), .STDBY_ENABLE(\"DISABLED\"),\n\
             \x20 .DPHASE_SOURCE(\"DISABLED\"), .OUTDIVIDER_MUXA(\"DIVA\"), .CLKOP_ENABLE(\"ENABLED\"),\n\
             \x20 .CLKI_DIV({ci}), .CLKFB_DIV({cf}), .CLKOP_DIV({co}), .CLKOP_CPHASE({ph}), .CLKOP_FPHASE(0),\n\
             \x20 .FEEDBK_PATH(\"CLKOP\"))\n\
             \x20 pll(.RST(1'b0), .STDBY(1'b0), .CLKI(clk), .CLKOP(clock), .CLKFB(clock), .PHASESEL0(1'b0),\n\
             \x20     .PHASESEL1(1'b0), .PHASEDIR(1'b1), .PHASESTEP(1'b1), .PHASELOADREG(1'b1),\n\
             \x20     .PLLWAKESYNC(1'b0), .ENCLKOP(1'b0), .ENCLKOS(1'b0), .ENCLKOS2(1'b0), .ENCLKOS3(1'b0),\n\
             \x20     .CLKOS(pll_unused[0]), .CLKOS2(pll_unused[1]), .CLKOS3(pll_unused[2]), .LOCK(pll_unused[3]),\n\
             \x20     .INTLOCK(pll_unused[4]), .REFCLK(pll_unused[5]), .CLKINTFB(pll_unused[6]));\n\
             /* verilator lint_on UNUSEDSIGNAL */\n",
            fin = mhz(b.clk_hz),
            fout = mhz(b.core_hz),
            ph = co / 2 - 1,
        )
    } else {
        // MMCM: VCO = fin * 8 (800 MHz from 100), out = VCO / (8 * ratio).
        format!(
            "wire clk_fb, clk_mmcm;\n\
             // The MMCM's other outputs are not used (every pin is named).\n\
             /* verilator lint_off UNUSEDSIGNAL */\nwire [11:0] mmcm_unused;\n\
             MMCME2_BASE #(.CLKIN1_PERIOD({period:.1}), .CLKFBOUT_MULT_F(8.0), .CLKOUT0_DIVIDE_F({div:.1}), .DIVCLK_DIVIDE(1))\n\
             \x20 mmcm(.CLKIN1(clk), .CLKFBIN(clk_fb), .CLKFBOUT(clk_fb), .CLKOUT0(clk_mmcm), .RST(1'b0), .PWRDWN(1'b0),\n\
             \x20      .CLKFBOUTB(mmcm_unused[0]), .CLKOUT0B(mmcm_unused[1]), .CLKOUT1(mmcm_unused[2]),\n\
             \x20      .CLKOUT1B(mmcm_unused[3]), .CLKOUT2(mmcm_unused[4]), .CLKOUT2B(mmcm_unused[5]),\n\
             \x20      .CLKOUT3(mmcm_unused[6]), .CLKOUT3B(mmcm_unused[7]), .CLKOUT4(mmcm_unused[8]),\n\
             \x20      .CLKOUT5(mmcm_unused[9]), .CLKOUT6(mmcm_unused[10]), .LOCKED(mmcm_unused[11]));\n\
             /* verilator lint_on UNUSEDSIGNAL */\n\
             BUFG bufg(.I(clk_mmcm), .O(clock));\n",
            period = 1e9 / b.clk_hz as f64,
            div = (8 * ratio) as f64,
        )
    };
    Ok(format!(
        "// The self-test runs at {core} MHz (below the TX and RX's Fmax), from the\n\
         // {osc} MHz oscillator.\nwire clock;\n`ifdef SYNTHESIS\n{pll}`else\n\
         // Simulation and lint: the oscillator divided by {ratio}, as the PLL does.\n\
         reg [{m}:0] clk_div;\ninitial clk_div = {bits}'d0;\nalways @(posedge clk) clk_div <= clk_div + {bits}'d1;\n\
         assign clock = clk_div[{m}];\n`endif\n",
        core = mhz(b.core_hz),
        osc = mhz(b.clk_hz),
        m = bits - 1,
    ))
}

/// The board's top `csi2sec_selftest_<board>` (its pins by the names of
/// its constraints file, polarities applied) and every module below it.
pub fn emit_board(board: &Board, o: Options) -> Result<Vec<Module>, String> {
    let core = emit_core(board, o)?;
    let pin = |(n, low): (&str, bool)| (n.to_string(), if low { "~" } else { "" });
    let (t, h, k, f) = (
        pin(board.tamper),
        pin(board.heartbeat),
        pin(board.ok),
        pin(board.fail),
    );
    let top = board.top();
    let text = format!(
        r#"// {top}: csi2sec self-test for {name} (pins as in {cons}).
module {top}(clk, {t}, uart_tx, {h}, {k}, {f});
  input wire clk;
  input wire {t};
  output wire uart_tx;
  output wire {h};
  output wire {k};
  output wire {f};
{clocking}wire hb, ok, fail;
assign {h} = {hl}hb;
assign {k} = {kl}ok;
assign {f} = {fl}fail;
{core} core(.clock(clock), .tamper({tl}{t}), .uart_tx(uart_tx), .led_heartbeat(hb), .led_ok(ok), .led_fail(fail));
endmodule
"#,
        name = board.name,
        cons = board.constraints,
        clocking = clocking(board)?,
        core = core[0].name,
        t = t.0,
        tl = t.1,
        h = h.0,
        hl = h.1,
        k = k.0,
        kl = k.1,
        f = f.0,
        fl = f.1,
    );
    let mut out = vec![Module { name: top, text }];
    out.extend(core);
    Ok(out)
}
