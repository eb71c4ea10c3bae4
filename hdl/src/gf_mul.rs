//! Multiplication in GF(2^128) as GCM defines it (SP 800-38D §6.3): bit
//! order reflected, the most significant bit of a block is the
//! coefficient of x^0, reduction by x^128 + x^7 + x^2 + x + 1 (a right
//! shift XOR `0xe1 << 120`). Single-cycle: a full combinational
//! multiplier; the model is the standard shift-and-add loop, the Verilog a
//! two-level Karatsuba product and the reduction ([`crate::karatsuba`]).

use rust_hdl::prelude::*;

/// The model.
pub fn model(x: u128, y: u128) -> u128 {
    let (mut z, mut v) = (0u128, y);
    for i in 0..128 {
        if (x >> (127 - i)) & 1 == 1 {
            z ^= v;
        }
        v = (v >> 1) ^ if v & 1 == 1 { 0xe1u128 << 120 } else { 0 };
    }
    z
}

/// `z = x · y` in GF(2^128), combinational.
#[derive(LogicBlock, Default)]
pub struct GfMul {
    pub x: Signal<In, Bits<128>>,
    pub y: Signal<In, Bits<128>>,
    pub z: Signal<Out, Bits<128>>,
}

impl Logic for GfMul {
    fn update(&mut self) {
        self.z.next = crate::bits::from_u128(model(self.x.val().to_u128(), self.y.val().to_u128()));
    }

    fn connect(&mut self) {
        self.z.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(crate::karatsuba::verilog(
            crate::karatsuba::Cuts::combinational(),
        ))
    }
}
