//! Byte packer: packs chunks of 0 to 16 bytes into 16-byte AXI4-Stream
//! beats, one packet per `last`. A packet is built from its parts
//! (header, SEP header, payload, CRC-32, tag, CRC-16) whatever their
//! lengths; the packer places each part right after the previous one.
//!
//! A chunk's bytes are `s_data[8i+7:8i]` for `i < s_count`; beats come out
//! in AXI4-Stream order with `m_keep` all ones except on the packet's
//! last beat. One chunk per cycle in and one beat per cycle out; the last
//! full beat of a packet is held until the packet's `last` chunk shows
//! whether more follows, and the packet's final beat takes one cycle in
//! which no chunk is taken. `m_user` on a packet's last beat is the OR
//! of `s_user` over its chunks (the TX flags a packet cut short, the RX
//! gives its verdicts); it is zero on other beats.
//!
//! `s_ready` depends on `m_ready` in the same cycle (a beat leaving frees
//! room for a chunk): the consumer must not make `m_ready` depend on
//! `s_valid`.

use rust_hdl::prelude::*;

/// Chunks in, 16-byte beats out.
#[derive(LogicBlock, Default)]
pub struct BytePacker {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: drops the packet being packed.
    pub reset: Signal<In, Bit>,
    pub s_data: Signal<In, Bits<128>>,
    /// Bytes in this chunk, 0..16.
    pub s_count: Signal<In, Bits<5>>,
    /// The packet's final chunk.
    pub s_last: Signal<In, Bit>,
    /// Sideband, ORed over the packet's chunks.
    pub s_user: Signal<In, Bits<8>>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    pub m_data: Signal<Out, Bits<128>>,
    pub m_keep: Signal<Out, Bits<16>>,
    pub m_last: Signal<Out, Bit>,
    /// Sideband of the packet, on its last beat.
    pub m_user: Signal<Out, Bits<8>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
}

impl Logic for BytePacker {
    // The Verilog is the design; it is verified in Verilator cosimulation.
    fn update(&mut self) {}

    fn connect(&mut self) {
        self.s_ready.connect();
        self.m_data.connect();
        self.m_keep.connect();
        self.m_last.connect();
        self.m_user.connect();
        self.m_valid.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            r#"reg [255:0] buffer;
reg [5:0] fill;
reg closing;
reg [7:0] user;
initial begin
  buffer = 256'd0; fill = 6'd0; closing = 1'b0; user = 8'd0;
  m_data = 128'd0; m_keep = 16'd0; m_last = 1'b0; m_user = 8'd0; m_valid = 1'b0;
end
wire out_free = ~m_valid | m_ready;
// A beat leaves: a full one while more than 16 bytes wait, or the
// packet's final one once its last chunk is in.
wire emit = out_free & ((fill > 6'd16) | (closing & fill != 6'd0));
wire final_beat = closing & fill <= 6'd16;
wire [5:0] after = emit ? (final_beat ? 6'd0 : fill - 6'd16) : fill;
wire [255:0] rest = emit ? {128'd0, buffer[255:128]} : buffer;
wire [127:0] chunk;
genvar g;
generate for (g = 0; g < 16; g = g + 1) begin : mask
  assign chunk[8*g+7:8*g] = ({1'b0, s_count} > g) ? s_data[8*g+7:8*g] : 8'd0;
end endgenerate
wire [4:0] count = s_count > 5'd16 ? 5'd16 : s_count;
always @(*) s_ready = ~reset & ~closing & after <= 6'd16;
wire take = s_valid & s_ready;
always @(posedge clock) begin
  if (m_ready) m_valid <= 1'b0;
  if (emit) begin
    m_data <= buffer[127:0];
    m_keep <= final_beat ? (16'hffff >> (6'd16 - fill)) : 16'hffff;
    m_last <= final_beat;
    m_user <= final_beat ? user : 8'd0;
    m_valid <= 1'b1;
  end
  buffer <= rest | (take ? ({128'd0, chunk} << {after, 3'b000}) : 256'd0);
  fill <= after + (take ? {1'b0, count} : 6'd0);
  if ((emit & final_beat) | (closing & fill == 6'd0)) begin
    closing <= 1'b0;
    user <= 8'd0;
  end
  if (take) begin
    if (s_last) closing <= 1'b1;
    user <= user | s_user;
  end
  if (reset) begin
    buffer <= 256'd0;
    fill <= 6'd0;
    closing <= 1'b0;
    user <= 8'd0;
    m_valid <= 1'b0;
  end
end
"#
            .to_string(),
        )
    }
}
