//! AXI4-Stream register slice for a 16-byte stream: every output comes
//! from a register, and `s_ready` from a register and `reset` only, so no
//! combinational path crosses it in either direction (data forward, ready
//! backward), at full throughput (a beat per cycle). Two entries: the output register and a skid register
//! that catches the beat accepted in the cycle the sink stalls.
//!
//! The slice also counts the beat's enabled bytes on the way in
//! (`m_count`, the population count of `s_keep`), so the block behind it
//! starts its byte arithmetic from a register.
//!
//! And it counts each beat's CSI-2 payload bytes (`m_pay`): a packet's
//! first beat holds its 4-byte header, and `s_wc` and `s_long` (the
//! corrected header's WC, and whether it is a long packet, read on that
//! beat) say how many payload bytes follow; each beat carries those of
//! its bytes that are payload (0 for a short packet), so the RX's input
//! CRC-16 check takes its byte count from a register.
//!
//! `reset` empties both entries (the beats in them are dropped) and holds
//! `s_ready` low for that cycle.
//!
//! The Verilog is the design (as the TX's and the RX's it sits in, at
//! their inputs; the TX ties `s_wc` and `s_long` low, its aligner
//! counting payload per item); it is cosimulated under random stalls and
//! reset in `testbench/tests/slice.rs`.

use rust_hdl::prelude::*;

/// Register slice (see the module documentation).
#[derive(LogicBlock, Default)]
pub struct AxisSlice {
    pub clock: Signal<In, Clock>,
    /// Synchronous: empties the slice.
    pub reset: Signal<In, Bit>,
    pub s_data: Signal<In, Bits<128>>,
    /// Byte enables (any pattern: `m_count` is their number).
    pub s_keep: Signal<In, Bits<16>>,
    pub s_last: Signal<In, Bit>,
    pub s_user: Signal<In, Bits<8>>,
    pub s_valid: Signal<In, Bit>,
    /// The word count of the packet whose first beat is on `s_data`
    /// (read on a packet's first beat only).
    pub s_wc: Signal<In, Bits<16>>,
    /// That packet is a long one (read with `s_wc`).
    pub s_long: Signal<In, Bit>,
    /// High when the skid entry is free (a register), low during `reset`.
    pub s_ready: Signal<Out, Bit>,
    pub m_data: Signal<Out, Bits<128>>,
    /// The number of enabled bytes of the beat (0..16).
    pub m_count: Signal<Out, Bits<5>>,
    /// The payload bytes of the beat (after the header on a first beat,
    /// before the CRC-16).
    pub m_pay: Signal<Out, Bits<5>>,
    pub m_last: Signal<Out, Bit>,
    pub m_user: Signal<Out, Bits<8>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
}

impl AxisSlice {
    /// Mark every input as driven by the parent (the TX's and RX's
    /// Verilog drives the slice).
    pub fn claim_inputs(&mut self) {
        for s in [
            &mut self.reset,
            &mut self.s_last,
            &mut self.s_valid,
            &mut self.m_ready,
            &mut self.s_long,
        ] {
            s.connect();
        }
        self.clock.connect();
        self.s_data.connect();
        self.s_keep.connect();
        self.s_user.connect();
        self.s_wc.connect();
    }
}

impl Logic for AxisSlice {
    // Verilog only: see the module documentation.
    fn update(&mut self) {}

    fn connect(&mut self) {
        for s in [&mut self.s_ready, &mut self.m_last, &mut self.m_valid] {
            s.connect();
        }
        self.m_data.connect();
        self.m_count.connect();
        self.m_pay.connect();
        self.m_user.connect();
    }

    fn hdl(&self) -> Verilog {
        let count: Vec<String> = (0..16).map(|j| format!("{{4'd0, s_keep[{j}]}}")).collect();
        Verilog::Custom(format!(
            "wire [4:0] in_n = {count};\n\
             // Payload bytes: the packet's first beat (pc_first) starts the\n\
             // count from its WC; pc_left is what is left after a beat.\n\
             reg pc_first;\nreg [16:0] pc_left;\ninitial begin pc_first = 1'b1; pc_left = 17'd0; end\n\
             wire [4:0] pc_after_hdr = in_n > 5'd4 ? in_n - 5'd4 : 5'd0;\n\
             wire [4:0] pc_pay = pc_first ? (~s_long ? 5'd0 : {{11'd0, pc_after_hdr}} < s_wc ? pc_after_hdr : s_wc[4:0])\n\
             \x20                            : {{12'd0, in_n}} < pc_left ? in_n : pc_left[4:0];\n\
             // The beat as held: payload count, user, last, count, data.\n\
             wire [146:0] in_beat = {{pc_pay, s_user, s_last, in_n, s_data}};\n\
             reg [146:0] out_beat, skid_beat;\nreg out_valid, skid_valid;\n\
             initial begin out_beat = 0; skid_beat = 0; out_valid = 0; skid_valid = 0; end\n\
             wire take_in = s_ready & s_valid;\nwire out_free = m_ready | ~out_valid;\n\
             always @(posedge clock) begin\n\
             \x20 if (take_in) begin\n\
             \x20   pc_first <= s_last;\n\
             \x20   pc_left <= (pc_first ? (s_long ? {{1'b0, s_wc}} : 17'd0) : pc_left) - {{12'd0, pc_pay}};\n\
             \x20 end\n\
             \x20 if (reset) pc_first <= 1'b1;\n\
             \x20 if (out_free) begin\n\
             \x20   // The output takes the skid beat first, else the input.\n\
             \x20   out_valid <= skid_valid | take_in;\n\
             \x20   out_beat <= skid_valid ? skid_beat : in_beat;\n\
             \x20   skid_valid <= 1'b0;\n\
             \x20 end else if (take_in) begin\n\
             \x20   skid_valid <= 1'b1;\n\
             \x20   skid_beat <= in_beat;\n\
             \x20 end\n\
             \x20 if (reset) begin out_valid <= 1'b0; skid_valid <= 1'b0; end\n\
             end\n\
             always @(*) begin\n\
             \x20 // A beat comes in only while the skid entry is free.\n  s_ready = ~skid_valid & ~reset;\n  m_valid = out_valid;\n  m_data = out_beat[127:0];\n\
             \x20 m_count = out_beat[132:128];\n  m_last = out_beat[133];\n  m_user = out_beat[141:134];\n  m_pay = out_beat[146:142];\n\
             end\n",
            count = count.join(" + ")
        ))
    }
}
