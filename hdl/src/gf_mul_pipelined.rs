//! Pipelined GF(2^128) multiplier (GCM's field, [`crate::gf_mul`]): the
//! 128×128 carry-less product is split by the bits of `x` into `stages`
//! chunks, one per register stage; the last stage adds its chunk and
//! reduces by x^128 + x^7 + x^2 + x + 1. A product is on `z` `stages`
//! advances (`en` edges) after its operands were taken; one pair of
//! operands per advance. `clear` empties every stage (the products in
//! flight become zero).
//!
//! Inside, coefficients are in natural order (`c[t]` is the coefficient
//! of x^t); the ports use GCM's reflected order (the most significant bit
//! of a block is the coefficient of x^0).

use rust_hdl::prelude::*;

/// x^t mod the GCM polynomial, for t in 0..255, as a 128-bit mask of
/// natural-order coefficients (bit r = coefficient of x^r).
pub fn reduction_masks() -> Vec<u128> {
    // Each step multiplies by x: shift up, fold x^128 = x^7 + x^2 + x + 1.
    std::iter::successors(Some(1u128), |&v| {
        Some((v << 1) ^ if v >> 127 == 1 { 0x87 } else { 0 })
    })
    .take(255)
    .collect()
}

/// Pipelined GF(2^128) multiplier: `z = x · y`, `stages` advances later.
#[derive(LogicBlock)]
pub struct GfMulPipelined {
    pub clock: Signal<In, Clock>,
    /// Advance: take `x`, `y` and move every stage.
    pub en: Signal<In, Bit>,
    /// Empty every stage (products in flight become zero).
    pub clear: Signal<In, Bit>,
    pub x: Signal<In, Bits<128>>,
    pub y: Signal<In, Bits<128>>,
    /// The product of the operands taken `stages` advances ago.
    pub z: Signal<Out, Bits<128>>,
    _pipe: Vec<(u128, u128)>,
}

impl GfMulPipelined {
    /// `stages`: 1 to 8 register stages (1: a registered single-cycle multiplier).
    pub fn new(stages: usize) -> Self {
        assert!((1..=8).contains(&stages), "1 to 8 stages");
        GfMulPipelined {
            clock: Default::default(),
            en: Default::default(),
            clear: Default::default(),
            x: Default::default(),
            y: Default::default(),
            z: Default::default(),
            _pipe: vec![(0, 0); stages],
        }
    }

    /// Chunk `k` of `stages`: the natural-order coefficient indices of `x`.
    fn chunk(k: usize, stages: usize) -> std::ops::Range<usize> {
        k * 128 / stages..(k + 1) * 128 / stages
    }
}

impl Logic for GfMulPipelined {
    fn update(&mut self) {
        // Model: the operands travel down the pipe; the product of the
        // pair at the end is on `z`.
        if self.clock.pos_edge() {
            if self.en.val() {
                self._pipe.rotate_right(1);
                self._pipe[0] = (self.x.val().to_u128(), self.y.val().to_u128());
            }
            if self.clear.val() {
                self._pipe.iter_mut().for_each(|p| *p = (0, 0));
            }
        }
        let (x, y) = *self._pipe.last().expect("stages");
        self.z.next = crate::bits::from_u128(crate::gf_mul::model(x, y));
    }

    fn connect(&mut self) {
        self.z.connect();
    }

    fn hdl(&self) -> Verilog {
        let s = self._pipe.len();
        let masks = reduction_masks();
        let mut v = String::new();
        // Natural order: xn[i] is the coefficient of x^i.
        v += "wire [127:0] xn, yn;\ngenvar g;\ngenerate for (g = 0; g < 128; g = g + 1) begin : nat\n  \
              assign xn[g] = x[127 - g];\n  assign yn[g] = y[127 - g];\nend endgenerate\n";
        // Stage k: operands xk, yk (k = 0: the ports), partial sum pk.
        for k in 0..s {
            let (xs, ys, acc) = if k == 0 {
                ("xn".to_string(), "yn".to_string(), "255'd0".to_string())
            } else {
                (format!("x{k}"), format!("y{k}"), format!("p{k}"))
            };
            // The zero-extended operand once per stage (Verilator then
            // shifts one wide value instead of building one per term).
            v += &format!("wire [254:0] e{k} = {{127'd0, {ys}}};\n");
            let terms: Vec<String> = Self::chunk(k, s)
                .map(|i| format!("({xs}[{i}] ? (e{k} << {i}) : 255'd0)"))
                .collect();
            v += &format!("wire [254:0] c{k} = {acc}\n  ^ {};\n", terms.join("\n  ^ "));
            if k + 1 < s {
                let n = k + 1;
                // Only the bits of x that later stages use travel on.
                let lo = Self::chunk(n, s).start;
                let w = 128 - lo;
                v += &format!(
                    "reg [127:{lo}] x{n};\nreg [127:0] y{n};\nreg [254:0] p{n};\ninitial begin x{n} = 0; y{n} = 0; p{n} = 0; end\n"
                );
                v += &format!(
                    "always @(posedge clock) begin\n  if (en) begin x{n} <= {xs}[127:{lo}]; y{n} <= {ys}; p{n} <= c{k}; end\n  \
                     if (clear) begin x{n} <= {w}'d0; y{n} <= 128'd0; p{n} <= 255'd0; end\nend\n"
                );
            }
        }
        // Reduction of the last stage's sum, back to reflected order.
        let last = s - 1;
        let mut red = Vec::new();
        for r in 0..128 {
            let mut t: Vec<String> = vec![format!("c{last}[{r}]")];
            t.extend(
                (128..255)
                    .filter(|&j| (masks[j] >> r) & 1 == 1)
                    .map(|j| format!("c{last}[{j}]")),
            );
            red.push(format!("{}", t.join(" ^ ")));
        }
        // zr is in reflected order: zr[127 - r] = reduced coefficient r.
        let bits: Vec<String> = (0..128).map(|i| format!("  {}", red[i])).collect();
        v += &format!("wire [127:0] zr = {{\n{}\n}};\n", bits.join(",\n"));
        v += "initial z = 128'd0;\nalways @(posedge clock) begin\n  if (en) z <= zr;\n  if (clear) z <= 128'd0;\nend\n";
        Verilog::Custom(v)
    }
}
