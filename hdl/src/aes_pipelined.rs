//! AES encryption core, fully pipelined: Nr unrolled rounds, one block per
//! cycle in steady state.
//!
//! Stage structure, round `r` = 1..Nr: a registered SubBytes (the S-box
//! register is the stage register, so the `bram` form costs no extra
//! cycle), then ShiftRows/MixColumns/AddRoundKey in logic. With
//! `stages_per_round = 2` a second register follows the round function,
//! halving the logic between registers, and the initial AddRoundKey has a
//! register of its own too, so that every S-box reads a register and no
//! stage holds more than an S-box or a round function. The last round's
//! result is written into the output queue.
//!
//! With `bram` S-boxes the lookup has an output register of its own (the
//! block RAM's clock-to-output is slow: ECP5 DP16KD), so the S-box takes
//! two cycles. `stages_per_round = 3` (`rom` S-boxes only) is the two
//! stages above with the lookup itself split across two registers: two
//! 128-entry half tables, then the select by the byte's bit 7
//! ([`SubBytes::with_output_register`]), so that no stage holds more than
//! a 7-input function or a round function. Latency = Nr·(S-box registers)
//! + Nr·(a round register: stages ≥ 2) + 3, and one more where the queue
//! has 64 entries (its head passes a second two-entry buffer, below):
//!
//! | stages per round | S-box | latency (cycles) | AES-128 | AES-256 | queue |
//! |---|---|---|---|---|---|
//! | 1 | rom, logic | Nr + 3   | 13 | 17 | 16, 32 |
//! | 2 | rom, logic | 2·Nr + 3 (+1) | 23 | 32 | 32, 64 |
//! | 1 | bram       | 2·Nr + 3 (+1) | 23 | 32 | 32, 64 |
//! | 2 | bram       | 3·Nr + 4 | 34 | 46 | 64 |
//! | 3 | rom        | 3·Nr + 4 | 34 | 46 | 64 |
//!
//! (The last two cycles are the queue's: the last round's block is
//! registered before it is written into the queue, so the queue's write
//! address and data come from registers; and the queue's head moves into
//! an output register, so `m_data` is a register.)
//!
//! Flow control: the pipeline never stalls. Every stage moves on every
//! edge (the S-box registers and block RAMs have no clock enable), and
//! bubbles travel as cleared valid bits. The blocks leave the last round
//! into an output queue of Q entries (the power of two ≥ latency + 2,
//! the last column above; distributed RAM on FPGAs), and `s_ready` is a
//! credit check: a block is taken while fewer than Q blocks are inside the
//! pipeline and the queue together. So `s_ready` does not depend on
//! `m_ready`, no signal fans out from the sink to the pipeline, and a sink
//! that is always ready sees one block per cycle. (A block's credit
//! returns the cycle after it leaves, from a register: a block holds it
//! latency + 2 cycles, which Q covers.) The round keys are held
//! in registers (all are read every cycle).
//!
//! Keys: the iterative core's expansion (21 cycles AES-128, 28 AES-256)
//! after a cycle in the key register, then Nr + 3 cycles for the round
//! keys to reach their registers along the write chain: 35 and 46
//! cycles from `key_valid` to `key_loaded` (`bram` S-boxes: 45 and 59).
//! A key
//! is taken only when no block is inside the pipeline (the queue may still
//! hold some, computed under the old key). `flush` drops every block in
//! the pipeline and the queue in one cycle (a user that runs ahead, such
//! as a counter-mode keystream, discards what it no longer needs).
//! `zeroize` starts a sweep of Z cycles (the `sweep_cycles` figure): the
//! key expansion overwrites the round keys with zeros (Nr + 1 cycles),
//! zeros enter the pipeline instead of blocks, so every stage register
//! is overwritten by values computed from a zero block under zero keys,
//! and the queue's entries are overwritten with zeros, one per cycle.
//! Z = max(Q, Nr + 3 + latency). The sweep reaches the pipeline's input
//! and the queue's write port through two registers each (they are far
//! apart on an FPGA), so it acts there two cycles late, for Z cycles;
//! `key_ready` returns when both ends are done (Z + 5 cycles after
//! `zeroize`; Z + 7 with the head buffer, whose two buffers take the
//! swept queue's zeros two cycles later). No clear signal fans out to the
//! stages: the only zeroize mux is at the pipeline's input. The output
//! buffers' entries are zeroed the cycle after `zeroize` (a registered
//! wipe per 32-bit lane); what they take from the queue during the sweep
//! is overwritten by its zeros, so by `key_ready` every entry, and
//! `m_data`, holds zero.

use crate::key_expansion::KeyExpansion;
use crate::round_function::RoundFunction;
use crate::sub_bytes::{SboxForm, SubBytes};
use rust_hdl::prelude::*;

/// Lanes of the output queue (16 bits each).
const LANES: usize = 8;

/// Pipelined AES-128/256 encryption core.
#[derive(LogicBlock)]
pub struct AesPipelined {
    pub clock: Signal<In, Clock>,
    /// Clear keys and state (see the module documentation for the cycles).
    pub zeroize: Signal<In, Bit>,
    /// Drop every block in the pipeline and the output queue (keys kept).
    pub flush: Signal<In, Bit>,
    /// Cipher key, byte 0 in `key[255:248]`; AES-128 uses `key[255:128]`.
    pub key: Signal<In, Bits<256>>,
    pub key_valid: Signal<In, Bit>,
    /// High when a key can be taken (pipeline empty, no expansion or
    /// zeroize sweep running).
    pub key_ready: Signal<Out, Bit>,
    /// The round keys of the last key are loaded.
    pub key_loaded: Signal<Out, Bit>,
    /// Plaintext block, byte 0 in `s_data[127:120]`.
    pub s_data: Signal<In, Bits<128>>,
    pub s_valid: Signal<In, Bit>,
    /// Credit left (fewer than Q blocks inside); independent of `m_ready`.
    pub s_ready: Signal<Out, Bit>,
    /// Ciphertext block at the head of the output queue, held until
    /// `m_ready`.
    pub m_data: Signal<Out, Bits<128>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    kexp: KeyExpansion,
    /// The S-boxes: `_copies` per round (round r's are r·copies ..).
    sub: Vec<SubBytes<128>>,
    rf: Vec<RoundFunction>,
    _stages: usize,
    /// Copies of each round register (two stages per round, `rom`
    /// S-boxes: 2, each feeding four output bits of every S-box; else 1).
    _copies: usize,
    _rk: Vec<u128>,
    /// The expansion's write, one cycle late (address, round key).
    _rkw: Vec<Option<(usize, u128)>>,
    /// The expansion's `valid`, delayed Nr + 3 cycles.
    _kv: Vec<bool>,
    /// Valid bit of each stage register: S-box registers, then (two stages
    /// per round) the input and round registers.
    _v: Vec<bool>,
    _mid: Vec<u128>,
    /// The output queue, its write and read pointers (one bit wider than
    /// the address), the credits used, and the zeroize sweep's count.
    _q: Vec<u128>,
    _wp: usize,
    /// The write pointer a cycle late: what the sink sees.
    _wpv: usize,
    /// The queue's registered write (address, block).
    _qw: Option<(usize, u128)>,
    _rp: usize,
    /// The output buffer (its head on `m_data`).
    _ob: std::collections::VecDeque<u128>,
    /// With a 64-entry queue, the two-entry buffer between the queue's
    /// head and `_ob` (`None` otherwise).
    _ob0: Option<std::collections::VecDeque<u128>>,
    _cnt: usize,
    /// A block left the output at the last edge (the credit returns then).
    _pop_q: bool,
    _zc: usize,
    /// `sweeping` one and two cycles late (the sweep's ends act then).
    /// `sweeping` one, two (and with the head buffer three, four) cycles
    /// late.
    _swd: Vec<bool>,
    _sweep: usize,
    /// `key_ready`'s register.
    _kr: bool,
    /// `zeroize` and `flush` of the last edge (they act a cycle late).
    _zq: bool,
    _fq: bool,
    /// The key taken at the last edge, for the expansion.
    _key_q: Bits<256>,
    _load_q: bool,
}

impl AesPipelined {
    /// `stages_per_round`: 1 or 2, or 3 with `rom` S-boxes.
    pub fn new(key_bits: usize, form: SboxForm, stages_per_round: usize) -> Self {
        assert!(
            (1..=3).contains(&stages_per_round) && (stages_per_round < 3 || form == SboxForm::Rom),
            "1 or 2 register stages per round, or 3 with rom S-boxes"
        );
        let nr = key_bits / 32 + 6;
        let copies = Self::copies(form, stages_per_round);
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
            // Block-RAM S-boxes get an output register, here too. The
            // expansion takes `load` a cycle ahead (its start is a
            // register; the key comes from `key_q`).
            kexp: if form == SboxForm::Bram {
                KeyExpansion::with_slow_sbox(key_bits, form)
            } else {
                KeyExpansion::new(key_bits, form)
            }
            .with_early_load(),
            sub: (0..nr * copies)
                .map(|_| {
                    if Self::sbox_latency(form, stages_per_round) == 2 {
                        SubBytes::with_output_register(form)
                    } else {
                        SubBytes::new(form)
                    }
                })
                .collect(),
            rf: (0..nr).map(|_| RoundFunction::default()).collect(),
            _stages: stages_per_round,
            _copies: copies,
            _rk: vec![0; nr + 1],
            _rkw: vec![None; nr + 2],
            _kv: vec![false; nr + 3],
            _v: vec![
                false;
                nr * Self::sbox_latency(form, stages_per_round)
                    + Self::round_regs(stages_per_round) * nr
            ],
            _mid: vec![0; Self::round_regs(stages_per_round) * nr],
            _q: vec![0; Self::queue_depth(key_bits, form, stages_per_round)],
            _wp: 0,
            _wpv: 0,
            _qw: None,
            _rp: 0,
            _ob: Default::default(),
            _ob0: Self::head_buffer(key_bits, form, stages_per_round).then(Default::default),
            _cnt: 0,
            _pop_q: false,
            _zc: 0,
            _swd: vec![false; Self::sweep_tail(key_bits, form, stages_per_round)],
            _sweep: Self::sweep_cycles(key_bits, form, stages_per_round),
            _kr: true,
            _zq: false,
            _fq: false,
            _key_q: 0.into(),
            _load_q: false,
        }
    }

    fn nr(&self) -> usize {
        self.rf.len()
    }

    /// Copies of each round register: with two stages per round and `rom`
    /// S-boxes a round register's byte reaches some 150 LUT4s of ROM
    /// (the AES's critical path on ECP5: 4.9 ns of route); two copies,
    /// each read by the S-box lookups of four output bits, share them out
    /// (Yosys drops each copy's S-box logic for the bits it does not
    /// feed). Measured on ECP5-85F, AES-128, seeds 1-3: one copy 125.1,
    /// 121.6, 122.0 MHz; two 123.5, 129.4, 130.1; four (two bits each)
    /// 112.1, 109.9, 115.2, as the S-box output registers spread with
    /// their copies and the route from them into MixColumns grew.
    /// (Three stages: the same two copies, each now read by the half
    /// tables of four output bits.)
    fn copies(form: SboxForm, stages_per_round: usize) -> usize {
        if form == SboxForm::Rom && stages_per_round >= 2 {
            2
        } else {
            1
        }
    }

    /// S-box register stages: block RAM reads get an output register, and
    /// three stages per round split the `rom` lookup across two.
    fn sbox_latency(form: SboxForm, stages_per_round: usize) -> usize {
        if form == SboxForm::Bram || stages_per_round == 3 {
            2
        } else {
            1
        }
    }

    /// Round registers per round (after the round function): one with two
    /// or three stages per round.
    fn round_regs(stages_per_round: usize) -> usize {
        usize::from(stages_per_round >= 2)
    }

    /// Cycles from a block's accepting edge to its result on `m_data`.
    pub fn latency(key_bits: usize, form: SboxForm, stages_per_round: usize) -> usize {
        Self::base_latency(key_bits, form, stages_per_round)
            + usize::from(Self::head_buffer(key_bits, form, stages_per_round))
    }

    /// The latency without the head buffer.
    fn base_latency(key_bits: usize, form: SboxForm, stages_per_round: usize) -> usize {
        let nr = key_bits / 32 + 6;
        nr * Self::sbox_latency(form, stages_per_round)
            + Self::round_regs(stages_per_round) * nr
            + 3
    }

    /// Cycles `key_ready` waits after the sweep's last: its two ends act
    /// two cycles late; with the head buffer, the queue's zeros take two
    /// more to reach `m_data`.
    fn sweep_tail(key_bits: usize, form: SboxForm, stages_per_round: usize) -> usize {
        if Self::head_buffer(key_bits, form, stages_per_round) {
            4
        } else {
            2
        }
    }

    /// Cycles from the `zeroize` edge to `key_ready`: its register, the
    /// sweep, its tail, `key_ready`'s register.
    pub fn zeroize_cycles(key_bits: usize, form: SboxForm, stages_per_round: usize) -> usize {
        Self::sweep_cycles(key_bits, form, stages_per_round)
            + 3
            + Self::sweep_tail(key_bits, form, stages_per_round)
    }

    /// Whether the queue's head passes a second two-entry buffer before
    /// the output buffer (one cycle more): with a 64-entry queue, whose
    /// read is four banks of distributed RAM and their select, from the
    /// read address through the RAM into the output buffer was the
    /// three-stage GCM's most common failing path on ECP5 (157 endpoints,
    /// up to 9.0 ns). The buffer is a stage of registers between them,
    /// with handshakes from registers on both sides.
    fn head_buffer(key_bits: usize, form: SboxForm, stages_per_round: usize) -> bool {
        (Self::base_latency(key_bits, form, stages_per_round) + 2).next_power_of_two() >= 64
    }

    /// Cycles from `key_valid` accepted to `key_loaded`: the key's
    /// register, the expansion, then Nr + 3 cycles for its last write to
    /// reach the far rounds through the write chain.
    pub fn key_load_cycles(key_bits: usize, form: SboxForm) -> usize {
        let nr = key_bits / 32 + 6;
        1 + KeyExpansion::load_cycles(key_bits, form == SboxForm::Bram) + nr + 3
    }

    /// Cycles of the zeroize sweep: the queue's entries, and zeros fed
    /// through the pipeline until every stage holds only values computed
    /// after the round keys were cleared (Nr + 3 cycles, then the latency).
    pub fn sweep_cycles(key_bits: usize, form: SboxForm, stages_per_round: usize) -> usize {
        let nr = key_bits / 32 + 6;
        Self::queue_depth(key_bits, form, stages_per_round)
            .max(nr + 3 + Self::latency(key_bits, form, stages_per_round))
    }

    /// Entries of the output queue (= the credits): the power of two at
    /// or above latency + 2, so that a sink that is always ready never
    /// runs the credits out.
    pub fn queue_depth(key_bits: usize, form: SboxForm, stages_per_round: usize) -> usize {
        (Self::latency(key_bits, form, stages_per_round) + 2).next_power_of_two()
    }
}

impl Logic for AesPipelined {
    fn update(&mut self) {
        let nr = self.nr();
        let round_reg = self._stages >= 2;
        // (A round register after the round function: two or three stages.)
        let depth = self._q.len();
        let empty = !self._v.iter().any(|&v| v);
        let kidle = !self.kexp.busy.val();
        let (zero, flush) = (self.zeroize.val(), self.flush.val());
        let (zq, fq) = (self._zq, self._fq);
        let sweeping = self._zc != 0;
        self.kexp.clock.next = self.clock.val();
        self.kexp.key.next = self._key_q;
        self.kexp.clear.next = zq;
        let kr = self._kr && !zero && !zq;
        // (Early: the cycle before `load_q`. `zq` need not mask it: a
        // clear keeps the expansion from starting.)
        self.kexp.load.next = self.key_valid.val() && self._kr && !zero;
        self.key_ready.next = kr;
        let keys_ok = self.kexp.valid.val() && *self._kv.last().unwrap() && !self._load_q;
        self.key_loaded.next = keys_ok && !zq;
        let s_ready =
            self._cnt < depth && keys_ok && !self.key_valid.val() && !zero && !flush && !zq && !fq;
        self.s_ready.next = s_ready;
        let m_valid = !self._ob.is_empty() && !zq && !fq;
        self.m_data.next = crate::bits::from_u128(self._ob.front().copied().unwrap_or(0));
        self.m_valid.next = m_valid;
        // The queue's head moves into the two-entry output buffer when
        // that has room.
        // (With the head buffer `_ob0`, the queue's head moves into it,
        // and from it into `_ob`.)
        let mv = self._ob0.as_ref().is_some_and(|b| !b.is_empty()) && self._ob.len() < 2;
        let rd = self._wpv != self._rp
            && match &self._ob0 {
                Some(b) => b.len() < 2,
                None => self._ob.len() < 2,
            };
        let rk = |i: usize| crate::bits::from_u128::<128>(self._rk[i]);
        for r in 0..nr {
            let x = if round_reg {
                self._mid[r]
            } else if r == 0 {
                if sweeping {
                    0
                } else {
                    self.s_data.val().to_u128() ^ self._rk[0]
                }
            } else {
                self.rf[r - 1].y.val().to_u128()
            };
            let cs = self._copies;
            for c in 0..cs {
                let sb = &mut self.sub[r * cs + c];
                sb.clock.next = self.clock.val();
                sb.en.next = true;
                sb.x.next = crate::bits::from_u128(x);
            }
            // (The copies are equal: the first gives the round its bytes.)
            self.rf[r].s.next = self.sub[r * cs].y.val();
            self.rf[r].rk.next = rk(r + 1);
            self.rf[r].last.next = r == nr - 1;
        }
        if self.clock.pos_edge() {
            // The write chain: its head holds the expansion's last write,
            // link r (entry r + 1) the write of r + 2 edges ago.
            for (r, w) in self._rkw.iter().skip(1).enumerate() {
                if let Some((a, d)) = *w {
                    if a == r {
                        self._rk[r] = d;
                    }
                }
            }
            self._rkw.rotate_right(1);
            self._rkw[0] = self.kexp.we.val().then(|| {
                (
                    self.kexp.waddr.val().index(),
                    self.kexp.wdata.val().to_u128(),
                )
            });
            self._kv.rotate_right(1);
            self._kv[0] = self.kexp.valid.val();
            // Valid bits: each stage takes the one before it.
            let take = self.s_valid.val() & s_ready;
            let load = self.key_valid.val() && kr;
            let swept = !sweeping && !self._swd.iter().any(|&d| d);
            self._kr = empty && kidle && swept && !zero && !zq && !load && !self._load_q && !take;
            self._swd.rotate_right(1);
            self._swd[0] = sweeping;
            // The key waits a cycle in a register (which follows the key
            // port) before the expansion takes it.
            self._key_q = self.key.val();
            self._load_q = load && !zero;
            let pop = !self._ob.is_empty() && self.m_ready.val();
            let push = *self._v.last().unwrap();
            self._v.rotate_right(1);
            self._v[0] = take;
            if round_reg {
                self._mid[0] = if sweeping {
                    0
                } else {
                    self.s_data.val().to_u128() ^ self._rk[0]
                };
                for r in 1..nr {
                    self._mid[r] = self.rf[r - 1].y.val().to_u128();
                }
            }
            // The queue is written a cycle after the last round, from
            // registers; the block is visible to the sink from then on.
            if let Some((a, d)) = self._qw.take() {
                self._q[a] = d;
            }
            if sweeping {
                self._qw = Some(((self._zc - 1) % depth, 0));
                self._zc -= 1;
            } else if push {
                self._qw = Some((self._wp % depth, self.rf[nr - 1].y.val().to_u128()));
            }
            self._wpv = self._wp;
            self._wp = (self._wp + usize::from(push)) % (2 * depth);
            if pop {
                self._ob.pop_front();
            }
            let head = self._q[self._rp % depth];
            match self._ob0.as_mut() {
                Some(b) => {
                    if mv {
                        self._ob.push_back(b.pop_front().expect("mv: not empty"));
                    }
                    if rd {
                        b.push_back(head);
                    }
                }
                None => {
                    if rd {
                        self._ob.push_back(head);
                    }
                }
            }
            self._rp = (self._rp + usize::from(rd)) % (2 * depth);
            self._cnt = self._cnt + usize::from(take) - usize::from(self._pop_q);
            self._pop_q = pop && !zq && !fq;
            if zq | fq {
                self._v.iter_mut().for_each(|v| *v = false);
                (self._wp, self._wpv, self._rp, self._cnt) = (0, 0, 0, 0);
                self._ob.clear();
                if let Some(b) = self._ob0.as_mut() {
                    b.clear();
                }
            }
            if zq {
                self._zc = self._sweep;
            }
            (self._zq, self._fq) = (zero, flush);
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
        for sb in self.sub.iter_mut() {
            sb.clock.connect();
            sb.en.connect();
            sb.x.connect();
        }
        for r in 0..self.rf.len() {
            self.rf[r].s.connect();
            self.rf[r].rk.connect();
            self.rf[r].last.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        let nr = self.nr();
        let round_reg = self._stages >= 2;
        let nv = self._v.len();
        let depth = self._q.len();
        let a = depth.trailing_zeros() as usize;
        let mut v = String::new();
        for i in 0..=nr {
            v += &format!("reg [127:0] rk{i};\n");
        }
        v += &format!("reg [{}:0] v;\n", nv - 1);
        let cs = self._copies;
        // Round register r, copy c.
        let mid = |r: usize, c: usize| {
            if cs == 1 {
                format!("mid{r}")
            } else {
                format!("mid{r}_{c}")
            }
        };
        if round_reg {
            for r in 0..nr {
                for c in 0..cs {
                    v += &format!("reg [127:0] {};\n", mid(r, c));
                }
            }
        }
        // The output queue: pointers one bit wider than the address; `cnt`
        // counts the blocks inside (pipeline and queue), `zc` the cycles
        // the zeroize sweep has still to run.
        // The queue is eight lanes of 16 bits, each with its own copies of
        // the write and read addresses (one address register reaching the
        // 64 distributed-RAM cells of a 128-bit queue across the device
        // was a 9 ns route on ECP5).
        for k in 0..LANES {
            v += &format!("reg [15:0] q{k} [0:{}];\n", depth - 1);
        }
        // (`pop_q`: a block left the output at the last edge. Its credit
        // returns a cycle late, so the sink's `m_ready` reaches only the
        // output buffer, not the credit count's adder: in the GCM that
        // path, from its consumer's state, was 10.3 ns on ECP5. A pop in
        // a cycle that clears the count is part of the clear.)
        v += &format!("reg [{a}:0] wp, rp, cnt, zc;\nreg pop_q;\ninitial pop_q = 1'b0;\n");
        // Power-up state (FPGA flip-flops and distributed RAM take it from
        // the bitstream).
        v += &format!(
            "integer i;\ninitial begin\n  v = {nv}'d0;\n  wp = {w}'d0;\n  rp = {w}'d0;\n  cnt = {w}'d0;\n  zc = {w}'d0;\n  \
             for (i = 0; i < {depth}; i = i + 1) begin\n{}  end\nend\n",
            (0..LANES)
                .map(|k| format!("    q{k}[i] = 16'd0;\n"))
                .collect::<String>(),
            w = a + 1
        );
        // `sweeping` is a register (high while `zc` counts down), not an OR
        // of `zc`'s bits: it selects the first round's input.
        v += "reg sweeping;\ninitial sweeping = 1'b0;\nwire empty = ~|v;\nwire kidle = ~kexp$busy;\n";
        // The sweep acts at both ends of the pipeline, which spans much of
        // an FPGA: at the first round's input (`swm`: zeros enter) and at
        // the queue's write port (`swq`: zeros written at the addresses
        // `zc` counts). Each end takes `sweeping` through two registers
        // (the middle one between the control and that end), then one copy
        // per 16-bit lane; the queue's end delays `zc` the same. The sweep
        // thus acts two cycles after `sweeping` and as long (no block can
        // be taken then: the keys are cleared). One `sweeping` register
        // routed to 256 data bits at both ends: 9.6 ns on ECP5; one copy
        // per lane fed from a gate at the control: 14.2 ns in the GCM.
        v += &format!(
            "reg swm_m, swq_m;\nreg [{am}:0] zc_m, zc_q;\ninitial begin\n  swm_m = 1'b0;\n  swq_m = 1'b0;\n  zc_m = 0;\n  zc_q = 0;\nend\n\
             (* keep *) always @(posedge clock) swm_m <= sweeping;\n\
             (* keep *) always @(posedge clock) swq_m <= sweeping;\n\
             always @(posedge clock) begin\n  zc_m <= zc[{am}:0];\n  zc_q <= zc_m;\nend\n",
            am = a - 1
        );
        for k in 0..LANES {
            v += &format!(
                "reg swm{k}, swq{k};\ninitial begin\n  swm{k} = 1'b0;\n  swq{k} = 1'b0;\nend\n\
                 (* keep *) always @(posedge clock) swm{k} <= swm_m;\n\
                 (* keep *) always @(posedge clock) swq{k} <= swq_m;\n"
            );
        }
        let first_in = {
            let lanes: Vec<String> = (0..LANES)
                .rev()
                .map(|k| {
                    format!(
                        "(s_data[{h}:{l}] ^ rk0[{h}:{l}]) & {{16{{~swm{k}}}}}",
                        h = 16 * k + 15,
                        l = 16 * k
                    )
                })
                .collect();
            format!("{{{}}}", lanes.join(", "))
        };
        v += &format!("wire push = v[{}];\n", nv - 1);
        // (`pop` reads the buffer's own valid: while `zq` or `fq` holds
        // `m_valid` low, the state it counts is being cleared anyway.)
        // (`take` counts a block without the `zeroize` and `flush` ports'
        // terms of `s_ready`: in a cycle where either is high, whatever
        // `take` says is cleared at the next edge, by `zq` or `fq`, with
        // the valid bits and the credits. The ports then reach only
        // `s_ready`, not the credit count's adder: from the GCM's flush
        // through `take` into `cnt` was 9.2 ns on ECP5.)
        v += "wire pop, s_open;\nwire take = s_valid & s_open;\n";
        // The output: the queue's head moves into a two-entry buffer
        // ([`crate::buffer2`]) when that has room, so `m_data` comes from
        // registers (not through the distributed RAM's read multiplexers
        // from `rp`) and `m_ready` reaches only the buffer's pointers.
        // `ram_has` (the queue holds a block not yet read: the write
        // pointer a cycle late != rp) is a register, computed from the
        // next values.
        // (`rp1` = `rp` + 1, a register: the next read pointer is a
        // select between the two, with no adder after `rd`; from `rd`
        // through `rp + rd`'s carry chain into the compare was the AES's
        // worst path on ECP5 with three stages per round, 7.3 ns.)
        v += &format!(
            "reg ram_has;\nreg [{a}:0] rp1;\ninitial begin\n  ram_has = 1'b0;\n  rp1 = {w}'d1;\nend\nwire rd;\n\
             wire [{a}:0] rp_next = rd ? rp1 : rp;\n\
             always @(posedge clock) begin\n  ram_has <= wp != rp_next;\n  if (zfo) ram_has <= 1'b0;\nend\n",
            w = a + 1
        );
        for k in 0..LANES {
            v += &format!(
                "reg [{am}:0] qr{k};\nreg zf{k};\ninitial begin\n  qr{k} = {a}'d0;\n  zf{k} = 1'b0;\nend\n\
                 (* keep *) always @(posedge clock) zf{k} <= zeroize | flush;\n\
                 (* keep *) always @(posedge clock) qr{k} <= zf{k} ? {a}'d0 : rp_next[{am}:0];\n",
                am = a - 1,
            );
        }
        let lanes: Vec<String> = (0..LANES).rev().map(|k| format!("q{k}[qr{k}]")).collect();
        v += &format!("wire [127:0] qhead = {{{}}};\n", lanes.join(", "));
        if self._ob0.is_some() {
            v += "wire ob0_mv;\n";
            v += &crate::buffer2::verilog(
                "ob0",
                128,
                "qhead",
                "rd",
                "ob0_mv",
                "zfo",
                Some("zeroize"),
            );
            v += &crate::buffer2::verilog(
                "ob",
                128,
                "ob0_out",
                "ob0_mv",
                "pop",
                "zfo",
                Some("zeroize"),
            );
            v += "assign ob0_mv = ob0_valid & ~ob_full;\n\
                  assign rd = ram_has & ~ob0_full;\nassign pop = ob_valid & m_ready;\n";
        } else {
            v += &crate::buffer2::verilog("ob", 128, "qhead", "rd", "pop", "zfo", Some("zeroize"));
            v += "assign rd = ram_has & ~ob_full;\nassign pop = ob_valid & m_ready;\n";
        }
        // `key_ready` from a register: what held at the last edge, when no
        // block and no key was taken then (either would end it). A cycle
        // late where the pipeline empties, but no control path runs from
        // the valid bits, the sweep and the expansion's state into the
        // expansion's clock enables within a cycle.
        // `zeroize` and `flush` act a cycle late, from registers (`zq`,
        // `fq`): they clear state all over the pipeline, and the input
        // ports now feed only the handshakes here. Meanwhile `s_ready`,
        // `m_valid`, `key_ready` and `key_loaded` are held low.
        // (`zfo`: `zq | fq` for the output's end, a register of its own.)
        v += "reg zq, fq, zfo;\ninitial begin\n  zq = 1'b0;\n  fq = 1'b0;\n  zfo = 1'b0;\nend\n\
              (* keep *) always @(posedge clock) zq <= zeroize;\n(* keep *) always @(posedge clock) fq <= flush;\n\
              (* keep *) always @(posedge clock) zfo <= zeroize | flush;\n";
        v += "reg kr_q;\ninitial kr_q = 1'b1;\nwire kr = kr_q & ~zeroize & ~zq;\n";
        v += "reg load_q;\nreg [255:0] key_q;\ninitial begin\n  load_q = 1'b0;\n  key_q = 256'd0;\nend\n";
        v += "wire load = key_valid & kr;\n";
        // (`sw_d1`, `sw_d2`: `sweeping` one and two cycles late; the
        // sweep's ends are done when both are low.)
        // (With the head buffer, `sw_d3`, `sw_d4` as well: the swept
        // queue's zeros reach `m_data` through two buffers.)
        let tail = self._swd.len();
        let sw: Vec<String> = (1..=tail).map(|k| format!("sw_d{k}")).collect();
        v += &format!(
            "reg {};\ninitial begin\n{}end\nalways @(posedge clock) begin\n  sw_d1 <= sweeping;\n{}end\n",
            sw.join(", "),
            sw.iter()
                .map(|n| format!("  {n} = 1'b0;\n"))
                .collect::<String>(),
            (2..=tail)
                .map(|k| format!("  sw_d{k} <= sw_d{};\n", k - 1))
                .collect::<String>()
        );
        v += &format!(
            "always @(posedge clock) kr_q <= empty & kidle & ~sweeping & {} & ~zeroize & ~zq & ~load & ~load_q & ~take;\n",
            sw.iter()
                .map(|n| format!("~{n}"))
                .collect::<Vec<_>>()
                .join(" & ")
        );
        // The key waits a cycle in a register before the expansion takes
        // it (no path from `key_valid` to the expansion's write data).
        // (`key_q` follows the key port: it holds no more than the port
        // does, and it is zero a cycle after the port is. Masking it with
        // `key_valid` put the handshake's logic, which in the GCM comes
        // from its state and the engines' readiness, on the 256 resets:
        // 14.2 ns on ECP5.)
        v += "always @(posedge clock) begin\n  load_q <= load & ~zeroize;\n  \
              key_q <= key;\nend\n";
        v += "always @(*) begin\n";
        v += "  kexp$clock = clock;\n  kexp$key = key_q;\n  kexp$clear = zq;\n";
        // (`zq`, the expansion's clear, keeps it from starting anyway.
        // Not gated by `zeroize`: with it the input port reached the
        // round-key registers' enables through the expansion's start, the
        // pipelined GCM's worst path on ECP5 (2026-12-06). A zeroize in
        // the cycle of a load: `key_ready` is low, so no key is taken,
        // and the expansion that starts is cleared from the next cycle,
        // by `zq`.)
        v += "  kexp$load = key_valid & kr_q;\n";
        v += "  key_ready = kr;\n  key_loaded = keys_ok & ~zq;\n";
        v += &format!("  s_ready = s_open & ~zeroize & ~flush;\n");
        v += "  m_data = ob_out;\n  m_valid = ob_valid & ~zfo;\n";
        for r in 0..nr {
            for c in 0..cs {
                let x = if round_reg {
                    mid(r, c)
                } else if r == 0 {
                    first_in.clone()
                } else {
                    format!("rf${}$y", r - 1)
                };
                let i = r * cs + c;
                v += &format!(
                    "  sub${i}$clock = clock;\n  sub${i}$en = 1'b1;\n  sub${i}$x = {x};\n"
                );
            }
            // Copy c gives bits 4c to 4c + 3 of every byte (masks: word
            // operations in Verilator, wires in synthesis).
            let s = if cs == 1 {
                format!("sub${r}$y")
            } else {
                (0..cs)
                    .map(|c| {
                        let m: u128 = 0x0f0f_0f0f_0f0f_0f0f_0f0f_0f0f_0f0f_0f0f << (4 * c);
                        format!("(sub${}$y & 128'h{m:032x})", r * cs + c)
                    })
                    .collect::<Vec<_>>()
                    .join(" | ")
            };
            v += &format!(
                "  rf${r}$s = {s};\n  rf${r}$rk = rk{};\n  rf${r}$last = 1'b{};\n",
                r + 1,
                u8::from(r == nr - 1)
            );
        }
        v += "end\n";
        // Round-key registers, written by the expansion through a chain of
        // registers that runs along the rounds: link r passes the write
        // on to link r + 1 and writes round key r when it is addressed. A
        // write reaches round key r after r + 1 cycles, and no net runs
        // from the expansion to rounds across the device (one write
        // register for every round key routed at 77 MHz on ECP5: 12.4 ns
        // of route to the far rounds).
        // Each link's write is decoded a link ahead, into four enable
        // registers, one per 32-bit quarter of the round key. The chain's
        // head (`rkh_*`) takes the expansion's write by the expansion, so
        // the write-data select (the start, from a register there) does not
        // reach across to the first link (9.5 ns of route in the GCM).
        v += "reg rkh_we;\nreg [3:0] rkh_a;\nreg [127:0] rkh_d;\n\
              initial begin\n  rkh_we = 1'b0;\n  rkh_a = 4'd0;\n  rkh_d = 128'd0;\nend\n\
              always @(posedge clock) begin\n  rkh_we <= kexp$we;\n  rkh_a <= kexp$waddr;\n  rkh_d <= kexp$wdata;\nend\n";
        for i in 0..=nr {
            v += &format!("reg [127:0] rkc_d{i};\ninitial rkc_d{i} = 128'd0;\n");
            if i < nr {
                v += &format!(
                    "reg rkc_we{i};\nreg [3:0] rkc_a{i};\ninitial begin\n  rkc_we{i} = 1'b0;\n  rkc_a{i} = 4'd0;\nend\n"
                );
            }
        }
        v += "always @(posedge clock) begin\n  rkc_we0 <= rkh_we;\n  rkc_a0 <= rkh_a;\n  rkc_d0 <= rkh_d;\n";
        for i in 1..=nr {
            if i < nr {
                v += &format!(
                    "  rkc_we{i} <= rkc_we{j};\n  rkc_a{i} <= rkc_a{j};\n",
                    j = i - 1
                );
            }
            v += &format!("  rkc_d{i} <= rkc_d{};\n", i - 1);
        }
        v += "end\n";
        for i in 0..=nr {
            let dec = if i == 0 {
                "rkh_we & rkh_a == 4'd0".to_string()
            } else {
                format!("rkc_we{j} & rkc_a{j} == 4'd{i}", j = i - 1)
            };
            for c in 0..4 {
                let (hi, lo) = (32 * c + 31, 32 * c);
                v += &crate::kept_reg::kept_bit(&format!("rke{i}_{c}"), &dec);
                v += &format!(
                    "always @(posedge clock) if (rke{i}_{c}) rk{i}[{hi}:{lo}] <= rkc_d{i}[{hi}:{lo}];\n"
                );
            }
        }
        // The round keys are all written Nr + 3 cycles after the
        // expansion's last write: `keys_ok` waits for that.
        v += &format!(
            "reg [{m}:0] kv;\ninitial kv = {w}'d0;\nalways @(posedge clock) kv <= {{kv[{l}:0], kexp$valid}};\n\
             wire keys_ok = kexp$valid & kv[{m}] & ~load_q;\n\
             assign s_open = ~cnt[{a}] & keys_ok & ~key_valid & ~zq & ~fq;\n",
            m = nr + 2,
            w = nr + 3,
            l = nr + 1
        );
        // The queue's one write port: the last round's block, or a zero
        // while sweeping (no block is in flight then).
        // Written from registers a cycle after the last round (the write
        // address and data reach every cell of the distributed RAM across
        // the device); the block is readable from the cycle after, as
        // `ram_has` (from `wp`, a cycle late) says.
        v += &format!(
            "reg [127:0] qw_d;\ninitial qw_d = 128'd0;\n\
             always @(posedge clock) qw_d <= {{{}}};\n",
            (0..LANES)
                .rev()
                .map(|k| format!(
                    "rf${l}$y[{h}:{lo}] & {{16{{~swq{k}}}}}",
                    l = nr - 1,
                    h = 16 * k + 15,
                    lo = 16 * k
                ))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for k in 0..LANES {
            v += &format!(
                "reg qw_en{k};\nreg [{am}:0] qw_a{k};\ninitial begin\n  qw_en{k} = 1'b0;\n  qw_a{k} = {a}'d0;\nend\n\
                 (* keep *) always @(posedge clock) begin\n  qw_en{k} <= push | swq{k};\n  \
                 qw_a{k} <= swq{k} ? zc_q - {a}'d1 : wp[{am}:0];\nend\n\
                 always @(posedge clock) if (qw_en{k}) q{k}[qw_a{k}] <= qw_d[{hi}:{lo}];\n",
                am = a - 1,
                hi = 16 * k + 15,
                lo = 16 * k
            );
        }
        // Valid bits (s_valid & s_ready enters at v[0]), round registers,
        // pointers and credits.
        v += "always @(posedge clock) begin\n";
        v += &format!("  v <= {{v[{}:0], take}};\n", nv - 2);
        if round_reg && cs == 1 {
            v += &format!("  mid0 <= {first_in};\n");
            for r in 1..nr {
                v += &format!("  mid{r} <= rf${}$y;\n", r - 1);
            }
        }
        v += &format!(
            "  wp <= wp + {{{a}'d0, push}};\n  if (rd) begin\n    rp <= rp1;\n    rp1 <= rp1 + {{{a}'d0, 1'b1}};\n  end\n  \
             cnt <= cnt + {{{a}'d0, take}} - {{{a}'d0, pop_q}};\n  \
             pop_q <= pop & ~zq & ~fq;\n  \
             if (sweeping) zc <= zc - {{{a}'d0, 1'b1}};\n  \
             if (sweeping & zc == {w}'d1) sweeping <= 1'b0;\n",
            w = a + 1
        );
        v += &format!(
            "  if (zq | fq) begin\n    v <= {nv}'d0;\n    wp <= {w}'d0;\n    rp <= {w}'d0;\n    rp1 <= {w}'d1;\n    cnt <= {w}'d0;\n  end\n",
            w = a + 1
        );
        v += &format!(
            "  if (zq) begin\n    zc <= {}'d{};\n    sweeping <= 1'b1;\n  end\n",
            a + 1,
            self._sweep
        );
        v += "end\n";
        // The round registers' copies, each in an always block of its own
        // with `keep` (else Yosys's opt_merge makes them one again).
        if round_reg && cs > 1 {
            for c in 0..cs {
                v += &format!(
                    "(* keep *) always @(posedge clock) {} <= {first_in};\n",
                    mid(0, c)
                );
                for r in 1..nr {
                    v += &format!(
                        "(* keep *) always @(posedge clock) {} <= rf${}$y;\n",
                        mid(r, c),
                        r - 1
                    );
                }
            }
        }
        Verilog::Custom(v)
    }
}
