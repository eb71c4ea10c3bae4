//! Round-key store for the iterative core: a (Nr+1)×128 memory with one
//! write port and one registered read port, which synthesis maps to block
//! RAM (iCE40 EBR, ECP5 DP16KD) or to LUT RAM. `rdata` is the round key at
//! the `raddr` of the last rising edge.

use rust_hdl::prelude::*;

/// (Nr+1) round keys, registered read.
#[derive(LogicBlock)]
pub struct RoundKeyRam {
    pub clock: Signal<In, Clock>,
    pub we: Signal<In, Bit>,
    pub waddr: Signal<In, Bits<4>>,
    pub wdata: Signal<In, Bits<128>>,
    pub raddr: Signal<In, Bits<4>>,
    pub rdata: Signal<Out, Bits<128>>,
    _mem: Vec<Bits<128>>,
}

impl RoundKeyRam {
    /// A store for `depth` round keys (11 or 15).
    pub fn new(depth: usize) -> Self {
        RoundKeyRam {
            clock: Default::default(),
            we: Default::default(),
            waddr: Default::default(),
            wdata: Default::default(),
            raddr: Default::default(),
            rdata: Default::default(),
            _mem: vec![Bits::default(); depth],
        }
    }
}

impl Logic for RoundKeyRam {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let depth = self._mem.len();
            self.rdata.next = self
                ._mem
                .get(self.raddr.val().index())
                .copied()
                .unwrap_or_default();
            let w = self.waddr.val().index();
            if self.we.val() && w < depth {
                self._mem[w] = self.wdata.val();
            }
        }
    }

    fn connect(&mut self) {
        self.rdata.connect();
    }

    fn hdl(&self) -> Verilog {
        let last = self._mem.len() - 1;
        Verilog::Custom(format!(
            "reg [127:0] mem [0:{last}];\n\
             always @(posedge clock) begin\n\
             \x20 if (we) mem[waddr] <= wdata;\n\
             \x20 rdata <= mem[raddr];\n\
             end\n"
        ))
    }
}
