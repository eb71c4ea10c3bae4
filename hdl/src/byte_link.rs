//! What the byte-serial TX and RX ([`crate::tx_byte`], [`crate::rx_byte`])
//! share, as Verilog: the top's frame (register file, wire layouts,
//! context checks), and the engine fragment: the frame key into the
//! column-serial AES core, the CMAC absorber, and the output queue.
//!
//! The byte-serial blocks are the smallest configuration (`--width 1`),
//! made for the iCE40 UP5K: one byte per beat, so every layout is a byte
//! select and every check a byte compare, one per cycle. They apply the
//! efficiency suite in its frame tag mode only: SEP or FSED,
//! CMAC-128 or CMAC-256, frame tags of 16, 12 or 8 bytes, SV-2 to SV-5 (stride and
//! window included), VCX on or off, no CRC-32, one stream. A context
//! outside that sets `STATUS.config_error` and the stream passes through.
//!
//! CMAC over byte records: every scope's message in frame mode is whole
//! blocks (records are zero-padded to 16 bytes, the trailer is 16), so
//! only K1 is ever needed: L = E_K(0) on each key load, K1 = dbl(L)
//! (kept in a 16-byte block RAM), XORed into the trailer, the last
//! block, a byte at a time. The chain
//! value and the block being absorbed share one register, the core's
//! state ([`crate::aes_chain::AesChain`]): each byte is XORed into it,
//! and the sixteenth starts the core.
//!
//! Signals of the engine fragment (the control drives the first group):
//!
//! | signal | dir | meaning |
//! |---|---|---|
//! | `kl_go`, `kl_slot` | in | load key slot `kl_slot` into the core (then L, K1) |
//! | `mac_clear` | in | start a new scope (drops a block in flight) |
//! | `mac_v`, `mac_d`, `mac_fin` | in | a byte of the scope; `mac_fin`: of its last block |
//! | `mac_rdy` | out | the byte is taken this cycle if `mac_v` |
//! | `tag_v`, `tag_byte` | out | the scope's CMAC is in the core, `tag_byte` its next byte |
//! | `tag_step` | in | step to the tag's next byte (from byte 0; at most sixteen) |
//! | `key_ok`, `key_cur` | out | the core holds slot `key_cur`'s key, and K1 |
//! | `o_push`, `o_data`, `o_last`, `o_user` | in | a byte for the output (only when `o_free`) |
//! | `o_free` | out | the output queue has room (from registers only) |

use crate::link_config::Suites;
use crate::regs::{RegisterMap, Side};

/// The register map of a byte-serial block: the side's, with event
/// counters 16 bits wide (every counter bit costs an iCE40 logic cell or
/// two) and the key slots in a memory, read a word a cycle into the
/// core's key expansion (block RAM, where two 256-bit registers took 512
/// logic cells).
pub fn register_map(side: Side) -> RegisterMap {
    RegisterMap::of(side)
        .with_counter_bits(16)
        .with_key_memory()
}

/// What a byte-serial TX or RX applies beyond its core (both sides alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// FSED instead of SEP (spec §5.2).
    pub fsed: bool,
    /// SV-4 windows applied (else a configuration error, and no window
    /// compares built: `--no-window`).
    pub window: bool,
}

/// The module body of a byte-serial TX or RX top (`opts`: SEP or FSED,
/// SV-4 windows or not): the protocol, wire layouts, the
/// register file of `side` with its hooks, the context checks (and
/// `cfg_bad`: those, or what the byte-serial blocks do not apply), the
/// engine fragment, then `control` (and its signals read in part:
/// `unused`, a list that starts with a comma).
pub fn top_verilog(
    side: Side,
    key_bits: usize,
    opts: Options,
    control: &str,
    unused: &str,
) -> String {
    let Options { fsed, window } = opts;
    let mut v =
        crate::link_glue::top_frame(&register_map(side), key_bits, Suites::Cmac, fsed, false);
    v += "// The byte-serial blocks: frame tags, no CRC-32; SV-4 only where SV4.\n";
    v += &format!("localparam SV4 = 1'b{};\n", window as u8);
    v += "wire cfg_bad = config_error | config_tag_mode != 2'd0 | config_crc32\n  \
          | ~SV4 & (next_frame_sv_top == 4'd4 | next_frame_sv_middle == 4'd4 | next_frame_sv_bottom == 4'd4);\n";
    let uw = match side {
        Side::Tx => 1,
        Side::Rx => 8,
    };
    v += &format!("localparam UW = {uw};\n");
    v += ENGINE;

    v += &control
        .replace("@BYTE_INPUT@\n", INPUT)
        .replace("@CLASSIFY@", crate::policy::classification())
        .replace("@CLASSIFY_STEP@", crate::policy::classification_step());
    v += &format!(
        "/* verilator lint_off UNUSEDSIGNAL */\nwire byte_unused = &{{1'b0, s_axis_tkeep, paddr[1:0], hin$ecc, \
         hout$fixed, hout$corrected, hout$uncorrectable, h_enc{unused}}};\n/* verilator lint_on UNUSEDSIGNAL */\n"
    );
    v
}

/// The engine fragment (see the module documentation).
const ENGINE: &str = r#"// ---- Byte-serial engine (byte_link.rs).
// CRC-16/MCRF4XX (spec §1), one byte.
function [15:0] crc16_byte(input [15:0] c, input [7:0] b);
  integer i;
  reg [15:0] x;
  begin
    x = c ^ {8'd0, b};
    for (i = 0; i < 8; i = i + 1) x = x[0] ? ((x >> 1) ^ 16'h8408) : (x >> 1);
    crc16_byte = x;
  end
endfunction
// Byte i of a 16-byte value in AXI byte order.
function [7:0] byte_of(input [127:0] x, input [3:0] i);
  byte_of = x[{i, 3'd0} +: 8];
endfunction
// The key: slot kl_slot into the core, then L = E_K(0), K1 = dbl(L).
// ks: 0 idle, 1 key handshake, 2 expansion, 3 E_K(0) in, 4 E_K(0) out,
// 5 K1 written, byte kc a cycle, as the core's pointer steps through L.
// The core takes the key a word a cycle from the handshake's edge on
// (`key[255:224]`): the key memory's registered read is a word ahead,
// word kc of the slot. (kc counts the words in 2, the bytes in 5.)
reg [2:0] ks;
reg [3:0] kc;
reg key_ok, key_cur;
assign key_raddr = {key_cur, ks == 3'd2 ? kc[2:0] : 3'd0};
// K1: a 16-byte memory (block RAM), its registered read a byte ahead of
// the absorb (byte mb_next); wiped a byte a cycle (k1z; 16: done) after
// a zeroize or CTRL.load.
// (Its read is not used in the cycles K1 is written or wiped:
// `no_rw_check`.)
(* no_rw_check *) reg [7:0] k1m [0:15];
reg [7:0] k1_q;
reg [4:0] k1z;
integer k1_init;
initial begin
  for (k1_init = 0; k1_init < 16; k1_init = k1_init + 1) k1m[k1_init] = 8'd0;
  k1_q = 8'd0; k1z = 5'd16;
end
// CMAC: the chain value XOR the block being absorbed is the core's state
// (AES byte order; read a byte at a time at its pointer: the tag once
// tag_v, stepped by tag_step); the bytes of the block so far, a block
// waiting for the core, in the core, the last block's, the tag is in the
// core.
wire [7:0] tag_byte = aes$m_byte;
reg [3:0] mb;
reg m_go, m_busy, m_fin, tag_v;
initial begin
  ks = 3'd0; kc = 4'd0; key_ok = 1'b0; key_cur = 1'b0; mb = 4'd0;
  m_go = 1'b0; m_busy = 1'b0; m_fin = 1'b0; tag_v = 1'b0;
end
reg kl_go, kl_slot, mac_clear, mac_v, mac_fin, tag_step;
reg [7:0] mac_d;
wire zero_keys = reset | ctrl_clear;
// (A byte taken with mac_clear is lost with the scope: the clear wins.)
wire mac_rdy = key_ok & ks == 3'd0 & ~m_go & ~m_busy;
wire mac_take = mac_v & mac_rdy;
// (The byte count's next value, which the K1 read addresses.)
wire [3:0] mb_next = mac_clear | zero_keys | ctrl_load ? 4'd0 : mb + {3'd0, mac_take};
// Byte kc of dbl(L), the core's pointer at L[kc]: L[kc] << 1 with the
// next byte's top bit; the last byte takes L[0]'s top bit (then next in
// line) and 0x87 if it is set.
wire [7:0] k1_dbl = {aes$m_byte[6:0], aes$m_next_top} ^ (kc == 4'd15 & aes$m_next_top ? 8'h86 : 8'h00);
wire k1_we = ks == 3'd5 | ~k1z[4];
always @(posedge clock) begin
  if (k1_we) k1m[ks == 3'd5 ? kc : k1z[3:0]] <= ks == 3'd5 ? k1_dbl : 8'd0;
  k1_q <= k1m[mb_next];
end
always @(*) begin
  aes$clock = clock;
  aes$zeroize = zero_keys;
  // (A new scope zeroes the state, as does the end of E_K(0) once K1 is
  // taken; CTRL.load drops whatever the core holds. A scope cleared during
  // a key load starts from the zero state the load leaves.)
  aes$flush = ctrl_load | mac_clear & ks == 3'd0 | ks == 3'd5 & kc == 4'd15;
  aes$key = {key_rdata, 224'd0};
  aes$key_valid = ks == 3'd1;
  aes$s_valid = (ks == 3'd3) | (ks == 3'd0 & m_go);
  // (E_K(0): the state is zero then, zeroed by the key load. The
  // pointer steps without a change over L, for K1, and over the tag.)
  aes$x_valid = mac_take | ks == 3'd5 | tag_step;
  aes$x_data = {8{mac_take}} & (mac_d ^ (mac_fin ? k1_q : 8'd0));
  aes$m_ready = ks == 3'd4 | m_busy;
end
always @(posedge clock) begin
  case (ks)
    3'd1: if (aes$key_ready) begin
      ks <= 3'd2;
      kc <= 4'd1;
    end
    3'd2: begin
      kc <= kc + 4'd1;
      if (aes$key_loaded) ks <= 3'd3;
    end
    3'd3: if (aes$s_ready) ks <= 3'd4;
    3'd4: if (aes$m_valid) begin
      ks <= 3'd5;
      kc <= 4'd0;
    end
    3'd5: begin
      kc <= kc + 4'd1;
      if (kc == 4'd15) begin
        key_ok <= 1'b1;
        ks <= 3'd0;
      end
    end
    default: if (kl_go) begin
      ks <= 3'd1;
      key_cur <= kl_slot;
      key_ok <= 1'b0;
    end
  endcase
  mb <= mb_next;
  if (mac_take & mb == 4'd15) begin
    m_go <= 1'b1;
    m_fin <= mac_fin;
  end
  if (ks == 3'd0 & m_go & aes$s_ready) begin
    m_go <= 1'b0;
    m_busy <= 1'b1;
  end
  if (m_busy & aes$m_valid) begin
    m_busy <= 1'b0;
    tag_v <= m_fin;
  end
  if (mac_clear) begin
    m_go <= 1'b0;
    m_busy <= 1'b0;
    tag_v <= 1'b0;
  end
  if (~k1z[4] & ks != 3'd5) k1z <= k1z + 5'd1;
  if (zero_keys | ctrl_load) begin
    key_ok <= 1'b0;
    ks <= 3'd0;
    k1z <= 5'd0;
    m_go <= 1'b0;
    m_busy <= 1'b0;
    tag_v <= 1'b0;
  end
end
// Output queue: two bytes, so that the control pushes on a registered
// `o_free` and nothing runs from m_axis_tready back into the control.
reg o_push, o_last;
reg [7:0] o_data;
reg [UW-1:0] o_user;
reg [7:0] oq_d0, oq_d1;
reg oq_l0, oq_l1;
reg [UW-1:0] oq_u0, oq_u1;
reg [1:0] oq_n;
initial begin
  oq_d0 = 8'd0; oq_d1 = 8'd0; oq_l0 = 1'b0; oq_l1 = 1'b0; oq_u0 = 0; oq_u1 = 0; oq_n = 2'd0;
end
wire o_free = oq_n != 2'd2;
wire o_pop = m_axis_tready & oq_n != 2'd0;
always @(*) begin
  m_axis_tdata = oq_d0;
  m_axis_tkeep = 1'b1;
  m_axis_tlast = oq_l0;
  m_axis_tuser = oq_u0;
  m_axis_tvalid = oq_n != 2'd0;
end
always @(posedge clock) begin
  if (o_pop) begin
    oq_d0 <= oq_d1;
    oq_l0 <= oq_l1;
    oq_u0 <= oq_u1;
  end
  if (o_push) begin
    if (oq_n == 2'd0 | (oq_n == 2'd1 & o_pop)) begin
      oq_d0 <= o_data;
      oq_l0 <= o_last;
      oq_u0 <= o_user;
    end else begin
      oq_d1 <= o_data;
      oq_l1 <= o_last;
      oq_u1 <= o_user;
    end
  end
  oq_n <= oq_n + {1'b0, o_push} - {1'b0, o_pop};
  if (reset) oq_n <= 2'd0;
end
"#;

/// What the TX and the RX control both read, declared after their own
/// registers (`@BYTE_INPUT@`): the input handshake; the frame state of the
/// configured stream; the input packet's
/// header, taken a byte a cycle while the control's `hdr_take` is high
/// (`hdr_done`: its fourth byte; `hdr_runt`: a packet that ended before
/// it), checked and corrected (`hf` and its fields); the header the
/// control builds (`hb_raw`, which it assigns) with a fresh ECC; the
/// byte index `ob` of the part going out; the CRC-16s (of the received
/// payload, of the output's, the received one) and the one that goes out,
/// an input error carried over; the SV-4 window of a payload of `wc` bytes.
const INPUT: &str = r#"// ---- Input header, built headers, CRC-16s, window (byte_link.rs).
wire s_take = s_axis_tvalid & s_axis_tready;
wire [7:0] s_byte = s_axis_tdata;
// The frame of the configured stream: counters (frame, message; records
// and their covered bytes), the FS frame number, the SV of each block,
// key_id and key slot, each block's line-index phase (SV-3).
reg [31:0] fc, mc, recs, cbytes;
reg [15:0] fnum;
reg [3:0] sv_top, sv_mid, sv_bot;
reg [7:0] kid, ph_top, ph_mid, ph_bot;
reg kslot;
initial begin
  fc = 32'd0; mc = 32'd0; recs = 32'd0; cbytes = 32'd0; fnum = 16'd0;
  sv_top = 4'd0; sv_mid = 4'd0; sv_bot = 4'd0; kid = 8'd0; ph_top = 8'd0; ph_mid = 8'd0; ph_bot = 8'd0;
  kslot = 1'b0;
end
wire hdr_take;
wire [31:0] hb_raw;
reg [31:0] hdr;
reg [1:0] hb;
reg hdr_last;
reg [UW-1:0] hdr_user;
reg [3:0] ob;
reg [15:0] crc_i, crc_o, crc_rx;
initial begin
  hdr = 32'd0; hb = 2'd0; hdr_last = 1'b0; hdr_user = 0; ob = 4'd0;
  crc_i = 16'd0; crc_o = 16'd0; crc_rx = 16'd0;
end
wire hdr_done = hdr_take & hb == 2'd3;
wire hdr_runt = hdr_take & s_axis_tlast & hb != 2'd3;
always @(posedge clock) begin
  if (hdr_take) begin
    hdr[{hb, 3'd0} +: 8] <= s_byte;
    hb <= hb + 2'd1;
    if (hb == 2'd3) begin
      hdr_last <= s_axis_tlast;
      hdr_user <= s_axis_tuser;
    end else if (s_axis_tlast) hb <= 2'd0;
  end
  if (reset) hb <= 2'd0;
end
wire active = config_enable & loaded & ~cfg_bad;
// The header, corrected, with a fresh ECC.
wire [31:0] hf = hin$fixed;
wire [5:0] h_dt = hf[5:0];
wire [15:0] h_wc = hf[23:8];
wire [3:0] h_stream = {hf[31:30], hf[7:6]};
wire h_long = h_dt >= 6'h10;
wire h_mine = active & h_stream == config_stream;
// The frame's key slot: the one whose key_id is next_frame.key_id.
wire slot_of_next = ~(key0_id_valid & key0_id_key_id == next_frame_key_id);
always @(*) begin
  hin$header = hdr;
  hin$vcx_on = config_vcx;
  hout$header = hb_raw;
  hout$vcx_on = config_vcx;
end
wire [31:0] hbuilt = {hb_raw[31:30], hout$ecc, hb_raw[23:0]};
wire [7:0] hf_byte = hf[{ob[1:0], 3'd0} +: 8];
wire [7:0] hb_byte = hbuilt[{ob[1:0], 3'd0} +: 8];
wire [15:0] crc_out = crc_o ^ crc_rx ^ crc_i;
wire [7:0] crc_byte = ob[0] ? crc_out[15:8] : crc_out[7:0];
// The SV-4 window (spec §3) of a payload of wc bytes: [start, end); the
// whole payload under the other SVs.
wire [16:0] w_off17 = {1'b0, window_offset};
wire [16:0] w_end17 = {1'b0, window_offset} + {1'b0, window_length};
function [16:0] win_start(input [15:0] wc, input sv4);
  win_start = ~(SV4 & sv4) ? 17'd0 : w_off17 < {1'b0, wc} ? w_off17 : {1'b0, wc};
endfunction
function [16:0] win_end(input [15:0] wc, input sv4);
  win_end = SV4 & sv4 & w_end17 < {1'b0, wc} ? w_end17 : {1'b0, wc};
endfunction
"#;
