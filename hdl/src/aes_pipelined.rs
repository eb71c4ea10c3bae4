//! AES encryption core, fully pipelined: Nr unrolled rounds, one block per
//! cycle in steady state.
//!
//! Stage structure, round `r` = 1..Nr: a registered SubBytes (the S-box
//! register is the stage register, so the `bram` form costs no extra
//! cycle), then ShiftRows/MixColumns/AddRoundKey in logic. With
//! `stages_per_round = 2` a second register follows the round function,
//! halving the logic between registers. The last round's result goes into
//! the output register.
//!
//! With `bram` S-boxes the lookup has an output register of its own (the
//! block RAM's clock-to-output is slow: ECP5 DP16KD), so the S-box takes
//! two cycles. Latency = Nr·(S-box registers) + (stages − 1)·(Nr − 1) + 1:
//!
//! | stages per round | S-box | latency (cycles) | AES-128 | AES-256 |
//! |---|---|---|---|---|
//! | 1 | rom, logic | Nr + 1   | 11 | 15 |
//! | 2 | rom, logic | 2·Nr     | 20 | 28 |
//! | 1 | bram       | 2·Nr + 1 | 21 | 29 |
//! | 2 | bram       | 3·Nr     | 30 | 42 |
//!
//! Flow control is a global advance: every stage moves when the output
//! register is empty or taken (`adv = !m_valid | m_ready`), so `s_ready`
//! follows `m_ready` in the same cycle; bubbles travel as cleared valid
//! bits. The round keys are held in registers (all are read every cycle).
//!
//! Keys: as the iterative core (21 cycles AES-128, 28 AES-256), but a key
//! is taken only when no block is inside the pipeline (the output register
//! may still hold one). `flush` drops every block inside the pipeline and
//! in the output register in one cycle (a user that runs ahead, such as a
//! counter-mode keystream, discards what it no longer needs). `zeroize`
//! also clears every state register within two cycles (the block-RAM
//! S-box has two registers), and the round keys in Nr + 1 cycles
//! (`key_ready` returns when done).

use crate::key_expansion::KeyExpansion;
use crate::round_function::RoundFunction;
use crate::sub_bytes::{SboxForm, SubBytes};
use rust_hdl::prelude::*;

/// Pipelined AES-128/256 encryption core.
#[derive(LogicBlock)]
pub struct AesPipelined {
    pub clock: Signal<In, Clock>,
    /// Clear keys and state (see the module documentation for the cycles).
    pub zeroize: Signal<In, Bit>,
    /// Drop every block in flight and the output (keys kept).
    pub flush: Signal<In, Bit>,
    /// Cipher key, byte 0 in `key[255:248]`; AES-128 uses `key[255:128]`.
    pub key: Signal<In, Bits<256>>,
    pub key_valid: Signal<In, Bit>,
    /// High when a key can be taken (pipeline empty, no expansion running).
    pub key_ready: Signal<Out, Bit>,
    /// The round keys of the last key are loaded.
    pub key_loaded: Signal<Out, Bit>,
    /// Plaintext block, byte 0 in `s_data[127:120]`.
    pub s_data: Signal<In, Bits<128>>,
    pub s_valid: Signal<In, Bit>,
    /// Depends on `m_ready` in the same cycle (global advance).
    pub s_ready: Signal<Out, Bit>,
    /// Ciphertext block, held until `m_ready`.
    pub m_data: Signal<Out, Bits<128>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    kexp: KeyExpansion,
    sub: Vec<SubBytes<128>>,
    rf: Vec<RoundFunction>,
    _stages: usize,
    _rk: Vec<u128>,
    /// Valid bit of each stage register: S-box registers, then (two stages
    /// per round) the round registers.
    _v: Vec<bool>,
    _mid: Vec<u128>,
    _out: u128,
    _out_valid: bool,
    _zero_d: bool,
}

impl AesPipelined {
    /// `stages_per_round`: 1 or 2.
    pub fn new(key_bits: usize, form: SboxForm, stages_per_round: usize) -> Self {
        assert!(
            stages_per_round == 1 || stages_per_round == 2,
            "1 or 2 register stages per round"
        );
        let nr = key_bits / 32 + 6;
        AesPipelined {
            clock: Default::default(),
            zeroize: Default::default(),
            flush: Default::default(),
            key: Default::default(),
            key_valid: Default::default(),
            key_ready: Default::default(),
            key_loaded: Default::default(),
            s_data: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            m_data: Default::default(),
            m_valid: Default::default(),
            m_ready: Default::default(),
            // Block-RAM S-boxes get an output register, here too.
            kexp: if form == SboxForm::Bram {
                KeyExpansion::with_slow_sbox(key_bits, form)
            } else {
                KeyExpansion::new(key_bits, form)
            },
            sub: (0..nr)
                .map(|_| {
                    if form == SboxForm::Bram {
                        SubBytes::with_output_register(form)
                    } else {
                        SubBytes::new(form)
                    }
                })
                .collect(),
            rf: (0..nr).map(|_| RoundFunction::default()).collect(),
            _stages: stages_per_round,
            _rk: vec![0; nr + 1],
            _v: vec![false; nr * Self::sbox_latency(form) + (stages_per_round - 1) * (nr - 1)],
            _mid: vec![0; (stages_per_round - 1) * (nr - 1)],
            _out: 0,
            _out_valid: false,
            _zero_d: false,
        }
    }

    fn nr(&self) -> usize {
        self.sub.len()
    }

    /// S-box register stages: block RAM reads get an output register.
    fn sbox_latency(form: SboxForm) -> usize {
        if form == SboxForm::Bram { 2 } else { 1 }
    }

    /// Cycles from a block's accepting edge to its result on `m_data`.
    pub fn latency(key_bits: usize, form: SboxForm, stages_per_round: usize) -> usize {
        let nr = key_bits / 32 + 6;
        nr * Self::sbox_latency(form) + (stages_per_round - 1) * (nr - 1) + 1
    }
}

impl Logic for AesPipelined {
    fn update(&mut self) {
        let nr = self.nr();
        let two = self._stages == 2;
        let adv = !self._out_valid || self.m_ready.val();
        let empty = !self._v.iter().any(|&v| v);
        let kidle = !self.kexp.busy.val();
        let (zero, flush) = (self.zeroize.val(), self.flush.val());
        // The S-box registers are wiped for two cycles (two registers in
        // the block-RAM form).
        let wipe = zero | self._zero_d;
        self.kexp.clock.next = self.clock.val();
        self.kexp.key.next = self.key.val();
        self.kexp.clear.next = zero;
        self.kexp.load.next = self.key_valid.val() & empty & kidle & !zero;
        self.key_ready.next = empty & kidle & !zero;
        self.key_loaded.next = self.kexp.valid.val();
        let s_ready = adv & self.kexp.valid.val() & !self.key_valid.val() & !zero & !flush;
        self.s_ready.next = s_ready;
        self.m_data.next = crate::bits::from_u128(self._out);
        self.m_valid.next = self._out_valid;
        let rk = |i: usize| crate::bits::from_u128::<128>(self._rk[i]);
        for r in 0..nr {
            let x = if wipe {
                0
            } else if r == 0 {
                self.s_data.val().to_u128() ^ self._rk[0]
            } else if two {
                self._mid[r - 1]
            } else {
                self.rf[r - 1].y.val().to_u128()
            };
            self.sub[r].clock.next = self.clock.val();
            self.sub[r].en.next = adv | wipe;
            self.sub[r].x.next = crate::bits::from_u128(x);
            self.rf[r].s.next = self.sub[r].y.val();
            self.rf[r].rk.next = rk(r + 1);
            self.rf[r].last.next = r == nr - 1;
        }
        if self.clock.pos_edge() {
            self._zero_d = zero;
            if self.kexp.we.val() {
                let w = self.kexp.waddr.val().index();
                if w <= nr {
                    self._rk[w] = self.kexp.wdata.val().to_u128();
                }
            }
            if adv {
                // Valid bits: S-box stage r follows the stage before it.
                let take = self.s_valid.val() & s_ready;
                let old = self._v.clone();
                let mut prev = take;
                let mut k = 0;
                for r in 0..nr {
                    for _ in 0..self.sub[r].latency() {
                        self._v[k] = prev;
                        prev = old[k];
                        k += 1;
                    }
                    if two && r < nr - 1 {
                        self._v[k] = prev;
                        self._mid[r] = self.rf[r].y.val().to_u128();
                        prev = old[k];
                        k += 1;
                    }
                }
                self._out = self.rf[nr - 1].y.val().to_u128();
                self._out_valid = prev;
            }
            if zero | flush {
                self._v.iter_mut().for_each(|v| *v = false);
                self._out_valid = false;
            }
            if wipe {
                self._mid.iter_mut().for_each(|m| *m = 0);
                self._out = 0;
            }
        }
    }

    fn connect(&mut self) {
        for s in [
            &mut self.key_ready,
            &mut self.key_loaded,
            &mut self.s_ready,
            &mut self.m_valid,
        ] {
            s.connect();
        }
        self.m_data.connect();
        self.kexp.clock.connect();
        self.kexp.key.connect();
        self.kexp.clear.connect();
        self.kexp.load.connect();
        for r in 0..self.sub.len() {
            self.sub[r].clock.connect();
            self.sub[r].en.connect();
            self.sub[r].x.connect();
            self.rf[r].s.connect();
            self.rf[r].rk.connect();
            self.rf[r].last.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        let nr = self.nr();
        let two = self._stages == 2;
        let nv = self._v.len();
        let mut v = String::new();
        for i in 0..=nr {
            v += &format!("reg [127:0] rk{i};\n");
        }
        v += &format!("reg [{}:0] v;\n", nv - 1);
        if two {
            for r in 1..nr {
                v += &format!("reg [127:0] mid{r};\n");
            }
        }
        v += "reg [127:0] out_data;\nreg out_valid;\n";
        // Power-up state (FPGA flip-flops take it from the bitstream).
        v += &format!(
            "initial begin\n  v = {nv}'d0;\n  out_valid = 1'b0;\n  out_data = 128'd0;\nend\n"
        );
        v += "wire adv = ~out_valid | m_ready;\nwire empty = ~|v;\nwire kidle = ~kexp$busy;\n";
        // S-box registers are wiped for two cycles (two in the block-RAM form).
        v += "reg zero_d;\ninitial zero_d = 1'b0;\nalways @(posedge clock) zero_d <= zeroize;\nwire wipe = zeroize | zero_d;\n";
        v += "always @(*) begin\n";
        v += "  kexp$clock = clock;\n  kexp$key = key;\n  kexp$clear = zeroize;\n";
        v += "  kexp$load = key_valid & empty & kidle & ~zeroize;\n";
        v += "  key_ready = empty & kidle & ~zeroize;\n  key_loaded = kexp$valid;\n";
        v += "  s_ready = adv & kexp$valid & ~key_valid & ~zeroize & ~flush;\n";
        v += "  m_data = out_data;\n  m_valid = out_valid;\n";
        for r in 0..nr {
            let x = if r == 0 {
                "s_data ^ rk0".to_string()
            } else if two {
                format!("mid{r}")
            } else {
                format!("rf${}$y", r - 1)
            };
            v += &format!(
                "  sub${r}$clock = clock;\n  sub${r}$en = adv | wipe;\n  sub${r}$x = wipe ? 128'd0 : {x};\n  \
                 rf${r}$s = sub${r}$y;\n  rf${r}$rk = rk{};\n  rf${r}$last = 1'b{};\n",
                r + 1,
                u8::from(r == nr - 1)
            );
        }
        v += "end\n";
        // Round-key registers, written by the expansion.
        v += "always @(posedge clock) begin\n  if (kexp$we) case (kexp$waddr)\n";
        for i in 0..=nr {
            v += &format!("    4'd{i}: rk{i} <= kexp$wdata;\n");
        }
        v += "    default: ;\n  endcase\nend\n";
        // Valid bits and round registers; the valid chain is
        // {out_valid, v[nv-1], ..., v[0]} with s_valid & s_ready entering at v[0].
        v += "always @(posedge clock) begin\n  if (adv) begin\n";
        v += &format!("    v <= {{v[{}:0], s_valid & s_ready}};\n", nv - 2);
        if two {
            for r in 1..nr {
                v += &format!("    mid{r} <= rf${}$y;\n", r - 1);
            }
        }
        v += &format!(
            "    out_data <= rf${}$y;\n    out_valid <= v[{}];\n  end\n",
            nr - 1,
            nv - 1
        );
        v += &format!(
            "  if (zeroize | flush) begin\n    v <= {nv}'d0;\n    out_valid <= 1'b0;\n  end\n"
        );
        v += "  if (wipe) begin\n";
        if two {
            for r in 1..nr {
                v += &format!("    mid{r} <= 128'd0;\n");
            }
        }
        v += "    out_data <= 128'd0;\n  end\nend\n";
        Verilog::Custom(v)
    }
}
