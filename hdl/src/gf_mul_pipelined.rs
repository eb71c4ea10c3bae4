//! Pipelined GF(2^128) multiplier (GCM's field, [`crate::gf_mul`]): a
//! two-level Karatsuba product and the reduction ([`crate::karatsuba`]),
//! with `stages` register stages: 1, the output only; 2, also the nine
//! leaf products; 3, also the 255-bit product; 4, also the leaves'
//! operands; more, delay on the inputs. A product is on `z` `stages`
//! advances (`en` edges) after its operands were taken; one pair of
//! operands per advance. `clear` empties every stage (the products in
//! flight become zero). The ports use GCM's reflected order (the most
//! significant bit of a block is the coefficient of x^0).

use crate::karatsuba::{self, Cuts};
use rust_hdl::prelude::*;

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
        Verilog::Custom(karatsuba::verilog(Cuts::stages(self._pipe.len())))
    }
}
