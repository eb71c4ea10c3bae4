//! Digit-serial GF(2^128) multiplier (GCM's field, [`crate::gf_mul`]) for
//! small configurations: `digit` bits of `x` per cycle, Horner's rule from
//! the highest coefficient, `128 / digit` cycles per product (16 for a
//! digit of 8), about `digit / 128` of the single-cycle multiplier's AND
//! and XOR gates.
//!
//! `start` (when `ready`) takes `x` and `y`; `z_valid` rises when the
//! product is on `z` and holds until the next `start`.

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

/// Digit-serial GF(2^128) multiplier.
#[derive(LogicBlock)]
pub struct GfMulSerial {
    pub clock: Signal<In, Clock>,
    /// Take `x` and `y` (ignored while busy).
    pub start: Signal<In, Bit>,
    pub x: Signal<In, Bits<128>>,
    pub y: Signal<In, Bits<128>>,
    /// Idle: a `start` is taken.
    pub ready: Signal<Out, Bit>,
    /// `x · y` of the last start, valid while `z_valid`.
    pub z: Signal<Out, Bits<128>>,
    pub z_valid: Signal<Out, Bit>,
    _digit: usize,
    /// Model: (x, y, cycles left, done).
    _job: (u128, u128, usize, bool),
}

impl GfMulSerial {
    /// `digit`: bits per cycle, a power of two from 1 to 64.
    pub fn new(digit: usize) -> Self {
        assert!(
            digit.is_power_of_two() && digit <= 64,
            "digit: a power of two up to 64"
        );
        GfMulSerial {
            clock: Default::default(),
            start: Default::default(),
            x: Default::default(),
            y: Default::default(),
            ready: Default::default(),
            z: Default::default(),
            z_valid: Default::default(),
            _digit: digit,
            _job: (0, 0, 0, false),
        }
    }

    /// Cycles per product.
    pub fn cycles(digit: usize) -> usize {
        128 / digit
    }
}

impl Logic for GfMulSerial {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let (x, y, left, done) = self._job;
            if left > 0 {
                self._job = (x, y, left - 1, left == 1);
            } else if self.start.val() {
                self._job = (
                    self.x.val().to_u128(),
                    self.y.val().to_u128(),
                    128 / self._digit,
                    false,
                );
            } else {
                self._job = (x, y, 0, done);
            }
        }
        let (x, y, left, done) = self._job;
        self.ready.next = left == 0;
        self.z_valid.next = done;
        self.z.next = crate::bits::from_u128(if done { crate::gf_mul::model(x, y) } else { 0 });
    }

    fn connect(&mut self) {
        self.ready.connect();
        self.z.connect();
        self.z_valid.connect();
    }

    fn hdl(&self) -> Verilog {
        let d = self._digit;
        let n = 128 / d;
        let cw = (n + 1).next_power_of_two().trailing_zeros() as usize + 1;
        let masks = reduction_masks();
        let mut v = String::new();
        v += "wire [127:0] xn, yn;\ngenvar g;\ngenerate for (g = 0; g < 128; g = g + 1) begin : nat\n  assign xn[g] = x[127 - g];\n  assign yn[g] = y[127 - g];\nend endgenerate\n";
        v += &format!(
            "reg [127:0] xs, ys, acc;\nreg [{hi}:0] left;\nreg done;\ninitial begin xs = 0; ys = 0; acc = 0; left = 0; done = 0; end\n",
            hi = cw - 1
        );
        // One Horner step: acc·x^d + (top digit of xs)·ys, reduced.
        let terms: Vec<String> = (0..d)
            .map(|k| {
                format!(
                    "(xs[{}] ? ({{{d}'d0, ys}} << {k}) : {w}'d0)",
                    128 - d + k,
                    w = 128 + d
                )
            })
            .collect();
        v += &format!(
            "wire [{}:0] wide = ({{acc, {d}'d0}})\n  ^ {};\n",
            127 + d,
            terms.join("\n  ^ ")
        );
        let red: Vec<String> = (0..128)
            .map(|r| {
                let mut t = vec![format!("wide[{r}]")];
                t.extend(
                    (128..128 + d)
                        .filter(|&j| (masks[j] >> r) & 1 == 1)
                        .map(|j| format!("wide[{j}]")),
                );
                t.join(" ^ ")
            })
            .collect();
        let rev: Vec<String> = (0..128).rev().map(|r| format!("  {}", red[r])).collect();
        v += &format!("wire [127:0] step = {{\n{}\n}};\n", rev.join(",\n"));
        v += "wire [127:0] zr;\ngenerate for (g = 0; g < 128; g = g + 1) begin : refl\n  assign zr[g] = acc[127 - g];\nend endgenerate\n";
        v += &format!(
            "always @(*) begin\n  ready = left == {cw}'d0;\n  z_valid = done;\n  z = done ? zr : 128'd0;\nend\n\
             always @(posedge clock) begin\n  if (left != {cw}'d0) begin\n    acc <= step;\n    xs <= {{xs[{}:0], {d}'d0}};\n    \
             left <= left - {cw}'d1;\n    done <= left == {cw}'d1;\n  end else if (start) begin\n    \
             xs <= xn;\n    ys <= yn;\n    acc <= 128'd0;\n    left <= {cw}'d{n};\n    done <= 1'b0;\n  end\nend\n",
            127 - d
        );
        Verilog::Custom(v)
    }
}
