//! Record blocks of a covered packet (spec §3, §4): the packet's covered
//! bytes, packed from a 16-byte boundary after its record header, as the
//! 16-byte blocks GHASH takes. Shared by the TX and the RX (a Verilog
//! fragment both tops include), so that the two sides cut records alike.
//!
//! Under SV-1, 2 and 3 the covered bytes are the whole payload, and a
//! payload beat is a record block as it stands. Under SV-4 they are the
//! payload bytes `[min(offset, WC), min(offset + length, WC))`: bytes
//! outside the window are masked off, and when the window starts at
//! `s = offset mod 16 ≠ 0`, block `k` joins bytes `s..15` of one beat with
//! bytes `0..s-1` of the next: a beat's masked bytes wait in `wn_carry`,
//! and the block whose second half never comes (the packet ends) is the
//! flush block `wn_tail`, one more GHASH entry after the last beat.
//!
//! Driven by the top (wires it declares before the fragment):
//!
//! | wire | width | meaning |
//! |---|---|---|
//! | `wn_load` | 1 | a covered packet's header is taken this cycle |
//! | `wn_sv4` | 1 | …and its block is SV-4 |
//! | `wn_wc` | 16 | …and its payload length (the original WC) |
//! | `wn_base` | 17 | where payload byte 0 sits in the beats (0; 4 for an FSED RX, whose beats are the packet's) |
//! | `wn_take` | 1 | a payload beat is taken this cycle |
//! | `wn_k` | 5 | the bytes the beat's position moves on when it is taken (16 but on the last) |
//! | `wn_data` | 128 | its payload bytes as the MAC sees them, zero past its end |
//! | `wn_n` | 5 | the number of its payload bytes |
//!
//! Given back: `wn_len` (covered bytes of the packet being loaded, for the
//! trailer; `wn_len_q`: the same a cycle later, so that the counts it
//! goes into do not add in the header's cycle), `wn_valid` and `wn_block` (the block this beat gives GHASH),
//! `wn_pend_after` (a flush block is due if the beat taken now is the
//! packet's last) and `wn_tail` (that block, the cycle after).
//!
//! The window is held relative to the beat at hand (`wn_rs`, `wn_re`:
//! its start and end minus the beat's position, signed), moved on by
//! `wn_k` with each beat taken: a byte is in the window by comparing its
//! index in the beat (a constant) with those registers, and no position
//! arithmetic runs into the mask and the MAC's input.

/// The Verilog fragment (module-body items, with its own `always`).
pub const VERILOG: &str = r#"// ---- Record blocks of a covered packet (SV-4 byte window).
reg [17:0] wn_rs, wn_re;
reg [3:0] wn_s;
reg [127:0] wn_carry;
reg wn_pend;
reg [16:0] wn_len_q;
initial begin
  wn_rs = 0; wn_re = 0; wn_s = 0; wn_carry = 0; wn_pend = 0; wn_len_q = 0;
end
wire [16:0] wn_wc17 = {1'b0, wn_wc};
wire [16:0] wn_off = {1'b0, window_offset};
wire [16:0] wn_end = {1'b0, window_offset} + {1'b0, window_length};
wire [16:0] wn_ws_h = wn_sv4 ? (wn_off < wn_wc17 ? wn_off : wn_wc17) : 17'd0;
wire [16:0] wn_we_h = wn_sv4 ? (wn_end < wn_wc17 ? wn_end : wn_wc17) : wn_wc17;
wire [16:0] wn_len = wn_we_h - wn_ws_h;
// Byte j of the beat is at or after the window's start (wn_rs <= j), and
// before its end (j < wn_re); wn_rs, wn_re signed.
function wn_ge(input [17:0] r, input [4:0] j);
  wn_ge = r[17] | (r[16:5] == 12'd0 & r[4:0] <= j);
endfunction
function wn_lt(input [17:0] r, input [4:0] j);
  wn_lt = ~r[17] & (r[16:5] != 12'd0 | r[4:0] > j);
endfunction
wire [127:0] wn_mask;
genvar wn_g;
generate for (wn_g = 0; wn_g < 16; wn_g = wn_g + 1) begin : wn_m
  assign wn_mask[8*wn_g+7:8*wn_g] = {8{wn_ge(wn_rs, 5'(wn_g)) & wn_lt(wn_re, 5'(wn_g))}};
end endgenerate
wire [127:0] wn_md = wn_data & wn_mask;
wire [7:0] wn_sh_lo = {1'b0, wn_s, 3'd0};
wire [7:0] wn_sh_hi = {5'd16 - {1'b0, wn_s}, 3'd0};
wire [127:0] wn_tail = wn_carry >> wn_sh_lo;
wire [127:0] wn_block = wn_s == 4'd0 ? wn_md : wn_tail | (wn_md << wn_sh_hi);
wire wn_valid = wn_n != 5'd0 & (wn_s == 4'd0 ? wn_ge(wn_rs, 5'd0) & wn_lt(wn_re, 5'd0) : wn_pend);
// The block starting in this beat (at byte s) is in the window.
wire wn_pend_next = wn_s != 4'd0 & wn_ge(wn_rs, {1'b0, wn_s}) & wn_lt(wn_re, {1'b0, wn_s});
// After the beat taken now, a flush block is due (if it is the last).
wire wn_pend_after = wn_n != 5'd0 ? wn_pend_next : wn_pend;
always @(posedge clock) begin
  wn_len_q <= wn_len;
  if (wn_load) begin
    // (The packet's first payload beat is at position 0.)
    wn_rs <= {1'b0, wn_ws_h + wn_base};
    wn_re <= {1'b0, wn_we_h + wn_base};
    wn_s <= wn_ws_h[3:0] + wn_base[3:0];
    wn_pend <= 1'b0;
  end else if (wn_take) begin
    wn_rs <= wn_rs - {13'd0, wn_k};
    wn_re <= wn_re - {13'd0, wn_k};
    if (wn_n != 5'd0) begin
      wn_carry <= wn_md;
      wn_pend <= wn_pend_next;
    end
  end
end
"#;
