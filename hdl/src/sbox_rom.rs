//! AES S-box as a case table (LUTs on FPGAs). Combinational.

use rust_hdl::prelude::*;

/// The 256 S-box values: the inverse in GF(2^8) computed as x^254 (by
/// square-and-multiply, so 0 maps to 0), then the affine map with 0x63.
/// (The golden model finds inverses by search instead; the tests compare
/// the two derivations on all 256 inputs.)
pub fn table() -> [u8; 256] {
    // Multiply by x (0x02) with the AES polynomial x^8 + x^4 + x^3 + x + 1.
    let xtime = |a: u8| (a << 1) ^ (0x1b * (a >> 7));
    let mul = |a: u8, b: u8| {
        (0..8)
            .fold((0u8, a), |(p, a), i| (p ^ (a * (b >> i & 1)), xtime(a)))
            .0
    };
    std::array::from_fn(|x| {
        let x = x as u8;
        // x^254 = x^(2+4+8+16+32+64+128).
        let (inv, _) = (1..8).fold((1u8, mul(x, x)), |(acc, sq), _| (mul(acc, sq), mul(sq, sq)));
        inv ^ inv.rotate_left(1)
            ^ inv.rotate_left(2)
            ^ inv.rotate_left(3)
            ^ inv.rotate_left(4)
            ^ 0x63
    })
}

/// S-box as a case table (combinational).
#[derive(LogicBlock)]
pub struct SboxRom {
    /// Input byte.
    pub x: Signal<In, Bits<8>>,
    /// S-box of `x`, in the same cycle.
    pub y: Signal<Out, Bits<8>>,
    _table: Box<[u8; 256]>,
}

impl Default for SboxRom {
    fn default() -> Self {
        SboxRom {
            x: Default::default(),
            y: Default::default(),
            _table: Box::new(table()),
        }
    }
}

impl Logic for SboxRom {
    fn update(&mut self) {
        self.y.next = (self._table[self.x.val().to_u64() as usize] as u64).into();
    }

    fn connect(&mut self) {
        self.y.connect();
    }

    fn hdl(&self) -> Verilog {
        let cases: String = self
            ._table
            .iter()
            .enumerate()
            .map(|(i, v)| format!("  8'h{i:02x}: y = 8'h{v:02x};\n"))
            .collect();
        Verilog::Custom(format!(
            "always @(*) begin\n case (x)\n{cases}  default: y = 8'h00;\n endcase\nend\n"
        ))
    }
}
