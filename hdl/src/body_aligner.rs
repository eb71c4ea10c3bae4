//! Body aligner: splits each CSI-2 packet of a 16-byte AXI4-Stream into
//! its 4-byte header and its body (payload, CRC-16 and anything after),
//! the body realigned so that payload byte `16k + i` is byte `i` of body
//! item `k`: the counter blocks of SV-1, the 16-byte blocks of a record
//! and the payload beats of the output all fall on item boundaries.
//!
//! Out: first a header item (`m_hdr`, the header in `m_data[31:0]`,
//! `h_side` beside it, `m_count` 4), then the body items (`m_count`
//! bytes from byte 0, 16 but on the last); `m_last` on the packet's
//! final item (the header item of a short packet). One input beat per
//! cycle; a packet whose last beat holds more than 4 bytes takes one
//! cycle more. Input beats are whole (16 bytes) but the last, whose
//! bytes are contiguous from byte 0; each comes with its byte count
//! (`s_count`, from a register: the TX's input slice,
//! [`crate::axis_slice`]), so no population count of `tkeep` is on the
//! path into the items.
//!
//! Payload count: with each header the aligner takes the packet's word
//! count (`s_wc`, the corrected WC) and gives every body item its payload
//! bytes (`m_pay` = min(payload left, `m_count`), the rest being CRC-16
//! or excess bytes) and whether the payload is complete after it
//! (`m_pay_end`), both registers: a consumer's byte selects and CRC counts
//! then start from flip-flops, not from a compare of its own.

use rust_hdl::prelude::*;

/// Header and realigned body of each packet.
#[derive(LogicBlock, Default)]
pub struct BodyAligner {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: drops the packet in progress.
    pub reset: Signal<In, Bit>,
    pub s_data: Signal<In, Bits<128>>,
    /// The beat's bytes (16 but on the last beat), from byte 0.
    pub s_count: Signal<In, Bits<5>>,
    pub s_last: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// Side information of the header on `s_data[31:0]` (read on a
    /// packet's first beat): it goes out beside the header, in
    /// `m_data[127:32]` of the header item (0 if unused). The TX puts
    /// the header's ECC check there, so that the check runs the cycle
    /// before the header is decided.
    pub h_side: Signal<In, Bits<96>>,
    /// The packet's word count (read on a packet's first beat, as
    /// `h_side`): the payload bytes its body items are counted against.
    pub s_wc: Signal<In, Bits<16>>,
    pub m_data: Signal<Out, Bits<128>>,
    /// Bytes in the item, from byte 0.
    pub m_count: Signal<Out, Bits<5>>,
    /// Payload bytes in a body item (from byte 0; 0 on a header item).
    pub m_pay: Signal<Out, Bits<5>>,
    /// No payload byte is left after this body item.
    pub m_pay_end: Signal<Out, Bit>,
    /// The item is a packet header.
    pub m_hdr: Signal<Out, Bit>,
    pub m_last: Signal<Out, Bit>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
}

impl Logic for BodyAligner {
    // The Verilog is the design; it is verified in Verilator cosimulation.
    fn update(&mut self) {}

    fn connect(&mut self) {
        self.s_ready.connect();
        self.m_data.connect();
        self.m_count.connect();
        self.m_pay.connect();
        self.m_pay_end.connect();
        self.m_hdr.connect();
        self.m_last.connect();
        self.m_valid.connect();
    }

    fn hdl(&self) -> Verilog {
        let buf = crate::buffer2::verilog("ab", 141, "ab_din", "ab_push", "ab_pop", "reset", None);
        Verilog::Custom(format!(
            r#"reg [95:0] hold;
reg [4:0] hold_n;
reg in_packet, flush;
// Payload bytes of the packet still to come in later items.
reg [16:0] left;
initial begin
  hold = 96'd0; hold_n = 5'd0; in_packet = 1'b0; flush = 1'b0; left = 17'd0;
end
wire [4:0] n = s_count;
wire [4:0] rest_n = n > 5'd4 ? n - 5'd4 : 5'd0;
wire [4:0] head_n = n > 5'd4 ? 5'd4 : n;
// The items wait in a two-entry buffer (buffer2.rs): the consumer's
// `m_ready` reaches its pointers only, not the enables of the 128-bit
// entries, and `s_ready` comes from registers.
wire ab_push, ab_pop;
wire [140:0] ab_din;
{buf}always @(*) s_ready = ~reset & ~ab_full & ~flush;
wire take = s_valid & s_ready;
assign ab_push = take | (flush & ~ab_full & ~reset);
assign ab_pop = m_ready & ab_valid;
// The item written: a packet's header (with its side information), a
// body item (four bytes of this beat after twelve held), or the held
// bytes after the last beat (flush); its payload bytes and what is left
// after it.
wire i_hdr = ~flush & ~in_packet;
wire [4:0] item_n = flush ? hold_n : i_hdr ? head_n : hold_n + head_n;
wire [4:0] item_pay = i_hdr ? 5'd0 : left > {{12'd0, item_n}} ? item_n : left[4:0];
wire [16:0] left_after = left - {{12'd0, item_pay}};
wire [127:0] i_data = flush ? {{32'd0, hold}} : i_hdr ? {{h_side, s_data[31:0]}} : {{s_data[31:0], hold}};
wire i_last = flush | (s_last & rest_n == 5'd0);
assign ab_din = {{~i_hdr & left_after == 17'd0, item_pay, i_hdr, i_last, item_n, i_data}};
always @(*) begin
  m_data = ab_out[127:0];
  m_count = ab_out[132:128];
  m_last = ab_out[133];
  m_hdr = ab_out[134];
  m_pay = ab_out[139:135];
  m_pay_end = ab_out[140];
  m_valid = ab_valid;
end
always @(posedge clock) begin
  if (ab_push) left <= i_hdr ? {{1'b0, s_wc}} : left_after;
  if (flush & ~ab_full) begin
    flush <= 1'b0;
    in_packet <= 1'b0;
  end
  if (take) begin
    hold <= s_data[127:32];
    hold_n <= rest_n;
    in_packet <= ~s_last | rest_n != 5'd0;
    flush <= s_last & rest_n != 5'd0;
  end
  if (reset) begin
    in_packet <= 1'b0;
    flush <= 1'b0;
  end
end
"#,
            buf = buf
        ))
    }
}
