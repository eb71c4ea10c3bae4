//! AES S-box as a case table (LUTs on FPGAs). Combinational.

use rust_hdl::prelude::*;

/// The 256 S-box values, from their definition (inverse in GF(2^8), then
/// the affine map with 0x63).
pub fn table() -> [u8; 256] {
    fn mul(mut a: u8, mut b: u8) -> u8 {
        let mut p = 0;
        while b != 0 {
            if b & 1 != 0 {
                p ^= a;
            }
            a = (a << 1) ^ if a & 0x80 != 0 { 0x1b } else { 0 };
            b >>= 1;
        }
        p
    }
    std::array::from_fn(|x| {
        let inv = if x == 0 { 0 } else { (1..=255u8).find(|&y| mul(x as u8, y) == 1).unwrap_or(0) };
        inv ^ inv.rotate_left(1) ^ inv.rotate_left(2) ^ inv.rotate_left(3) ^ inv.rotate_left(4) ^ 0x63
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
        SboxRom { x: Default::default(), y: Default::default(), _table: Box::new(table()) }
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
        let cases: String = self._table.iter().enumerate().map(|(i, v)| format!("  8'h{i:02x}: y = 8'h{v:02x};\n")).collect();
        Verilog::Custom(format!("always @(*) begin\n case (x)\n{cases}  default: y = 8'h00;\n endcase\nend\n"))
    }
}
