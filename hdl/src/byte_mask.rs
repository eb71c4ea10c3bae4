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
    let count = count_of(keep);
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

/// The byte count of a contiguous `keep` (its number of ones), decoded
/// from the thermometer code rather than added up: `keep[16 - k]` says
/// "at least k bytes", so each bit of the count is an OR of two-input
/// terms (two LUT levels; a 16-input adder was five levels and a carry
/// chain, the pipelined GCM's worst path from its input on ECP5). For a
/// `keep` that is not contiguous the count is this function, not the
/// number of ones (such a `keep` is outside every port's contract).
pub fn count_of(keep: u16) -> u8 {
    // g(k): at least k bytes (g(0) = 1, g(17) = 0).
    let g = |k: usize| match k {
        0 => true,
        1..=16 => keep >> (16 - k) & 1 == 1,
        _ => false,
    };
    // Bit b: the count's residue mod 2^(b+1) is at least 2^b.
    (0..5).fold(0u8, |c, b| {
        let step = 1usize << (b + 1);
        let on = (1usize << b..=16)
            .step_by(step)
            .any(|m| g(m) & !g(m + (1 << b)));
        c | u8::from(on) << b
    })
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
        // The count's bits as [`count_of`] decodes them (bit 4 first).
        let count: Vec<String> = (0..5)
            .rev()
            .map(|b| {
                let terms: Vec<String> = (1usize << b..=16)
                    .step_by(1 << (b + 1))
                    .map(|m| match m + (1 << b) {
                        17.. => format!("keep[{}]", 16 - m),
                        n => format!("(keep[{}] & ~keep[{}])", 16 - m, 16 - n),
                    })
                    .collect();
                terms.join(" | ")
            })
            .collect();
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
            "always @(*) begin\n  mask = {{{}}};\n  count = {{{}}};\n  pad = {{{}}};\nend\n",
            mask.join(", "),
            count.join(",\n    "),
            pad.join(",\n    ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::{count_of, model};

    #[test]
    fn the_count_is_the_number_of_enabled_bytes_of_every_contiguous_keep() {
        for n in 0..=16u32 {
            let keep = (0xffff_0000u32 >> n) as u16;
            assert_eq!(keep.count_ones(), n);
            assert_eq!(u32::from(count_of(keep)), n, "keep {keep:04x}");
            assert_eq!(model(keep).0.count_ones(), 8 * n);
        }
    }

    /// The emitted Verilog and the model that rust-hdl's simulation runs
    /// agree on every keep, a gap or not; with the test above, the
    /// Verilog's count is the number of enabled bytes of every contiguous
    /// keep (the engines' cosimulation reaches only some counts).
    #[test]
    fn the_verilog_count_is_count_of() {
        // The emitted expression, evaluated bit by bit for every keep.
        let v = match <super::ByteMask as rust_hdl::prelude::Logic>::hdl(&Default::default()) {
            rust_hdl::prelude::Verilog::Custom(v) => v,
            _ => unreachable!(),
        };
        let body = v.split("count = {").nth(1).unwrap().split("};").next().unwrap();
        let bits: Vec<&str> = body.split(",\n").map(str::trim).collect();
        assert_eq!(bits.len(), 5);
        for keep in 0..=u16::MAX {
            let k = |j: usize| keep >> j & 1 == 1;
            let mut c = 0u8;
            for (i, expr) in bits.iter().enumerate() {
                let on = expr.split(" | ").any(|t| {
                    let idx: Vec<usize> = t
                        .split("keep[")
                        .skip(1)
                        .map(|x| x.split(']').next().unwrap().parse().unwrap())
                        .collect();
                    match idx[..] {
                        [a] => k(a),
                        [a, b] => k(a) & !k(b),
                        _ => panic!("term {t}"),
                    }
                });
                c |= u8::from(on) << (4 - i);
            }
            assert_eq!(c, count_of(keep), "keep {keep:04x}");
        }
    }
}
