//! One AES round after SubBytes (FIPS-197 §5.1): ShiftRows, MixColumns
//! (skipped in the last round) and AddRoundKey. Combinational.
//!
//! State order: byte `i` of the block (row `i % 4`, column `i / 4`) is
//! `s[127-8i : 120-8i]`, so the block's first byte is the most significant.

use rust_hdl::prelude::*;

/// `xtime`: multiplication by x in GF(2^8) mod x^8 + x^4 + x^3 + x + 1.
pub fn xtime(a: u8) -> u8 {
    (a << 1) ^ if a & 0x80 != 0 { 0x1b } else { 0 }
}

/// ShiftRows: byte `r + 4c` of the output is byte `r + 4((c + r) mod 4)`.
pub fn shift_rows_source(i: usize) -> usize {
    let (r, c) = (i % 4, i / 4);
    r + 4 * ((c + r) % 4)
}

/// The model: `(last ? SR(s) : MC(SR(s))) ^ rk` on 16-byte arrays.
pub fn round(s: [u8; 16], rk: [u8; 16], last: bool) -> [u8; 16] {
    let sr: [u8; 16] = std::array::from_fn(|i| s[shift_rows_source(i)]);
    std::array::from_fn(|i| {
        let (r, c) = (i % 4, i / 4);
        let a = |j: usize| sr[4 * c + (r + j) % 4];
        let mixed = xtime(a(0)) ^ xtime(a(1)) ^ a(1) ^ a(2) ^ a(3);
        (if last { sr[i] } else { mixed }) ^ rk[i]
    })
}

/// ShiftRows, MixColumns unless `last`, AddRoundKey.
#[derive(LogicBlock, Default)]
pub struct RoundFunction {
    /// State after SubBytes.
    pub s: Signal<In, Bits<128>>,
    /// Round key.
    pub rk: Signal<In, Bits<128>>,
    /// Last round: no MixColumns.
    pub last: Signal<In, Bit>,
    /// State after the round.
    pub y: Signal<Out, Bits<128>>,
}

impl Logic for RoundFunction {
    fn update(&mut self) {
        let s = self.s.val().to_u128().to_be_bytes();
        let rk = self.rk.val().to_u128().to_be_bytes();
        self.y.next = crate::bits::from_u128(u128::from_be_bytes(round(s, rk, self.last.val())));
    }

    fn connect(&mut self) {
        self.y.connect();
    }

    fn hdl(&self) -> Verilog {
        let byte = |sig: &str, i: usize| format!("{sig}[{}:{}]", 127 - 8 * i, 120 - 8 * i);
        let sr: Vec<String> = (0..16).map(|i| byte("s", shift_rows_source(i))).collect();
        let mc: Vec<String> = (0..16)
            .map(|i| {
                let (r, c) = (i % 4, i / 4);
                let a = |j: usize| byte("sr", 4 * c + (r + j) % 4);
                format!(
                    "xtime({}) ^ xtime({}) ^ {} ^ {} ^ {}",
                    a(0),
                    a(1),
                    a(1),
                    a(2),
                    a(3)
                )
            })
            .collect();
        Verilog::Custom(format!(
            "function automatic [7:0] xtime(input [7:0] a);\n  xtime = {{a[6:0], 1'b0}} ^ (a[7] ? 8'h1b : 8'h00);\nendfunction\n\
             wire [127:0] sr = {{{}}};\n\
             wire [127:0] mc = {{{}}};\n\
             always @(*) y = (last ? sr : mc) ^ rk;\n",
            sr.join(", "),
            mc.join(",\n  ")
        ))
    }
}
