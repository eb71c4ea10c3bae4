//! Byte enables to masks. `keep[15]` enables byte 0 of a 128-bit beat
//! (`data[127:120]`), `keep[0]` byte 15 (`data[7:0]`): bit `j` of `keep`
//! covers `data[8j+7:8j]`, as AXI4-Stream's `tkeep`, with the message's
//! first byte in the most significant lane. Enables are contiguous from
//! byte 0 (`16'hffff`, `16'hfffe`, ..., `16'h8000`, `16'h0000`).
//! Combinational.

use rust_hdl::prelude::*;

/// The model: (mask, count, pad) of a contiguous `keep`.
pub fn model(keep: u16) -> (u128, u8, u128) {
    let mask = (0..16).fold(0u128, |m, j| {
        if keep >> j & 1 == 1 {
            m | 0xffu128 << (8 * j)
        } else {
            m
        }
    });
    let count = keep.count_ones() as u8;
    let pad = (0..16).fold(0u128, |p, b| {
        let here = keep >> (15 - b) & 1 == 0;
        let prev = b == 0 || keep >> (16 - b) & 1 == 1;
        if here && prev {
            p | 0x80u128 << (120 - 8 * b)
        } else {
            p
        }
    });
    (mask, count, pad)
}

/// Masks of a byte-enable word.
#[derive(LogicBlock, Default)]
pub struct ByteMask {
    /// Byte enables, bit 15 for byte 0.
    pub keep: Signal<In, Bits<16>>,
    /// `8'hff` in every enabled byte.
    pub mask: Signal<Out, Bits<128>>,
    /// Number of enabled bytes, 0..16.
    pub count: Signal<Out, Bits<5>>,
    /// `8'h80` in the first disabled byte (the 10* padding of CMAC); zero
    /// when all 16 are enabled.
    pub pad: Signal<Out, Bits<128>>,
}

impl Logic for ByteMask {
    fn update(&mut self) {
        let (mask, count, pad) = model(self.keep.val().to_u64() as u16);
        self.mask.next = crate::bits::from_u128(mask);
        self.count.next = (count as u64).into();
        self.pad.next = crate::bits::from_u128(pad);
    }

    fn connect(&mut self) {
        self.mask.connect();
        self.count.connect();
        self.pad.connect();
    }

    fn hdl(&self) -> Verilog {
        let mask: Vec<String> = (0..16)
            .rev()
            .map(|j| format!("{{8{{keep[{j}]}}}}"))
            .collect();
        let count: Vec<String> = (0..16).map(|j| format!("{{4'd0, keep[{j}]}}")).collect();
        let pad: Vec<String> = (0..16)
            .map(|b| {
                let prev = if b == 0 {
                    String::new()
                } else {
                    format!(" && keep[{}]", 16 - b)
                };
                format!("((!keep[{}]{prev}) ? 8'h80 : 8'h00)", 15 - b)
            })
            .collect();
        Verilog::Custom(format!(
            "always @(*) begin\n  mask = {{{}}};\n  count = {};\n  pad = {{{}}};\nend\n",
            mask.join(", "),
            count.join(" + "),
            pad.join(",\n    ")
        ))
    }
}
