//! GHASH (SP 800-38D §6.4) at one block per cycle: `Y = Σ X_i · H^(n-i+1)`
//! over a message of n whole blocks, on a multiplier pipelined in P stages
//! ([`GfMulPipelined`]), so the feedback loop is P registers long and not
//! the critical path.
//!
//! **A free-running ring.** No register of the datapath has an enable:
//! the multiplier's P stages hold P accumulators (slots) that go round
//! every cycle, whether a block came or not, so no handshake signal fans
//! out to the thousands of registers of the multiplier (on ECP5 that fan-out
//! was the critical path). A slot visited at cycle t takes
//! `V ← (V ⊕ X_t) · H^m_t`, where X_t is the block that reaches the ring
//! at t (zero if none) and m_t is the number of blocks that reach it in
//! the P cycles t … t+P−1, the slot's window until its next visit. Each
//! block is then multiplied, over its slot's later visits, by H to the
//! number of blocks from itself to the end: `Y = Σ X_i · H^(n-i+1)` is the
//! XOR of the P slots once the last block has passed, whatever the gaps
//! between the blocks. Blocks reach the ring through a line of P + 2
//! registers, so each m is known two cycles before its visit (it is
//! counted into a register, then selects H^0 = 1, H^1 … H^P into one); a visit whose window holds the message's
//! last block is the slot's last: its product is XORed into the result
//! and dropped from the ring, which is empty again P cycles after the
//! last block, ready for the next message.
//!
//! The powers H^2..H^P are computed on `h` load as one-block messages
//! through the same ring (`GHASH_H(H^(k-1)) = H^k`).
//!
//! Cycles: a message of n blocks takes n cycles (a block every cycle,
//! bubbles cost nothing), then 2P + 3 cycles until `y_valid`
//! ([`Ghash::tail_cycles`]); a hash-key load (P − 1)(2P + 4) + 3
//! ([`Ghash::key_cycles`]). P = 1 is the plain single-multiplier GHASH.
//!
//! Blocks are whole: the user pads (GCM pads AAD and text to 16 bytes and
//! appends the length block). `zeroize` clears H and its powers, the
//! accumulated result and `y` at once, then sweeps zeros through the line
//! and the ring: `h_ready` returns after [`Ghash::zeroize_cycles`].

use crate::gf_mul_pipelined::GfMulPipelined;
use crate::kept_reg::kept_bit;
use rust_hdl::prelude::*;

/// GHASH, one block per cycle.
#[derive(LogicBlock)]
pub struct Ghash {
    pub clock: Signal<In, Clock>,
    /// Clear H and all state (one cycle).
    pub zeroize: Signal<In, Bit>,
    /// Hash key H, taken on `h_valid && h_ready`.
    pub h: Signal<In, Bits<128>>,
    pub h_valid: Signal<In, Bit>,
    /// High between messages (and before the first key).
    pub h_ready: Signal<Out, Bit>,
    /// H and its powers are ready: messages are taken.
    pub h_loaded: Signal<Out, Bit>,
    /// Message block, GCM byte order (byte 0 in `s_data[127:120]`).
    pub s_data: Signal<In, Bits<128>>,
    /// The message's final block.
    pub s_last: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// GHASH of the message, held until `y_ready` (zero otherwise, but
    /// for the two cycles after it is taken).
    pub y: Signal<Out, Bits<128>>,
    pub y_valid: Signal<Out, Bit>,
    pub y_ready: Signal<In, Bit>,
    mul: GfMulPipelined,
    _p: usize,
    _m: GhashModel,
}

/// The Rust model's state (the Verilog holds the same registers).
#[derive(Clone, Debug, Default)]
struct GhashModel {
    hp: Vec<u128>,
    loaded: bool,
    busy: bool,
    msg: Vec<u128>,
    y: Option<u128>,
    /// Cycles left until the result (flush and drain).
    wait: usize,
}

impl Ghash {
    /// Mark every input as driven by the parent (custom glue that drives
    /// GHASH from its own Verilog).
    pub fn claim_inputs(&mut self) {
        for s in [
            &mut self.zeroize,
            &mut self.h_valid,
            &mut self.s_last,
            &mut self.s_valid,
            &mut self.y_ready,
        ] {
            s.connect();
        }
        self.clock.connect();
        self.h.connect();
        self.s_data.connect();
    }

    /// `stages`: the multiplier's pipeline depth P (1 to 8).
    pub fn new(stages: usize) -> Self {
        Ghash {
            clock: Default::default(),
            zeroize: Default::default(),
            h: Default::default(),
            h_valid: Default::default(),
            h_ready: Default::default(),
            h_loaded: Default::default(),
            s_data: Default::default(),
            s_last: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            y: Default::default(),
            y_valid: Default::default(),
            y_ready: Default::default(),
            mul: GfMulPipelined::new(stages),
            _p: stages,
            _m: GhashModel::default(),
        }
    }

    /// Cycles from the accepted last block to `y_valid`: P + 2 through
    /// the input line, P through the multiplier, 1 into the result's
    /// register, 1 into `y`.
    pub fn tail_cycles(stages: usize) -> usize {
        2 * stages + 3
    }

    /// Cycles from the accepted `h_valid` to `h_loaded`: H into its
    /// register, then P − 1 powers of H, each a one-block message of
    /// 2P + 4 cycles, and (P > 1) the power select's register.
    pub fn key_cycles(stages: usize) -> usize {
        (stages - 1) * (2 * stages + 4) + 2 + usize::from(stages > 1)
    }

    /// Cycles of the zeroize sweep (zeroize to `h_ready`): the input line
    /// emptied (P + 2), what it held dropped from the ring at its next
    /// visit (P), the multiplier's stages refilled from zeros (P), and one.
    pub fn zeroize_cycles(stages: usize) -> usize {
        3 * stages + 3
    }
}

impl Logic for Ghash {
    /// A transaction-level model with the Verilog's cycle counts; the
    /// multiplier child is left idle (the Verilog uses it).
    fn update(&mut self) {
        let p = self._p;
        let m = &mut self._m;
        let msg_open = !m.msg.is_empty() || m.busy || m.y.is_some();
        let h_ready = !msg_open && m.wait == 0 && !self.zeroize.val();
        let s_ready = m.loaded && !m.busy && m.y.is_none() && m.wait == 0 && !self.zeroize.val();
        self.h_ready.next = h_ready;
        self.h_loaded.next = m.loaded && m.wait == 0;
        self.s_ready.next = s_ready;
        self.y_valid.next = m.y.is_some() && m.wait == 0;
        self.y.next = crate::bits::from_u128(if m.wait == 0 { m.y.unwrap_or(0) } else { 0 });
        self.mul.clock.next = self.clock.val();
        self.mul.en.next = false;
        self.mul.clear.next = false;
        self.mul.x.next = 0.into();
        self.mul.y.next = 0.into();
        if self.clock.pos_edge() {
            if m.wait > 0 {
                m.wait -= 1;
            } else if m.y.is_some() && self.y_ready.val() {
                m.y = None;
                m.busy = false;
            } else if self.h_valid.val() && h_ready {
                let h = self.h.val().to_u128();
                m.hp = (1..=p)
                    .scan(0u128, |acc, k| {
                        *acc = if k == 1 {
                            h
                        } else {
                            crate::gf_mul::model(*acc, h)
                        };
                        Some(*acc)
                    })
                    .collect();
                m.loaded = true;
                m.wait = Ghash::key_cycles(p) - 1;
            } else if self.s_valid.val() && s_ready {
                m.msg.push(self.s_data.val().to_u128());
                if self.s_last.val() {
                    let h = m.hp[0];
                    let y = m
                        .msg
                        .iter()
                        .fold(0u128, |acc, &x| crate::gf_mul::model(acc ^ x, h));
                    m.msg.clear();
                    m.busy = true;
                    m.y = Some(y);
                    m.wait = Ghash::tail_cycles(p) - 1;
                }
            }
            if self.zeroize.val() {
                *m = GhashModel::default();
                m.wait = Ghash::zeroize_cycles(p);
            }
        }
    }

    fn connect(&mut self) {
        for s in [
            &mut self.h_ready,
            &mut self.h_loaded,
            &mut self.s_ready,
            &mut self.y_valid,
        ] {
            s.connect();
        }
        self.y.connect();
        self.mul.clock.connect();
        self.mul.en.connect();
        self.mul.clear.connect();
        self.mul.x.connect();
        self.mul.y.connect();
    }

    fn hdl(&self) -> Verilog {
        let p = self._p;
        let mut v = String::new();
        v += "localparam NOKEY = 3'd0, POW = 3'd1, RUN = 3'd2, WAIT = 3'd3, OUT = 3'd4, ZERO = 3'd5, LOADH = 3'd6;\n";
        // GCM's 1 (the coefficient of x^0 in the most significant bit).
        v += "localparam [127:0] ONE = {1'b1, 127'd0};\n";
        v += &format!(
            "reg [2:0] state;\nreg [4:0] cnt;\nreg [3:0] k;\nreg open, pend, ow;\nreg [{}:0] pw;\nreg [127:0] yacc, yout, yop, pres;\n",
            p - 1
        );
        // The newest entry of the input line.
        let n = p + 1;
        for i in 1..=p {
            v += &format!("reg [127:0] hp{i};\n");
        }
        // The input line: P + 2 entries, entry 0 at the ring's input.
        // (Entries 0 and 1 need no valid bit: their data is zero when
        // empty, and the count reads entries 2 and up.)
        for i in 0..=n {
            v += &format!("reg [127:0] dd{i};\nreg dl{i};\n");
        }
        for i in 2..=n {
            v += &format!("reg dv{i};\n");
        }
        // The final and last flags of the slots in the multiplier.
        // (Entries 0..P-2: the flags of the slot at the multiplier's
        // output are taken a cycle ahead, from entry P-2 or the input.)
        if p > 1 {
            v += &format!(
                "reg [{m}:0] fin, lst;\ninitial begin\n  fin = 0;\n  lst = 0;\nend\n",
                m = p - 2
            );
        }
        v += "initial begin\n  state = NOKEY; cnt = 0; k = 0; open = 0; pend = 0; ow = 0; pw = 0;\n  yacc = 0; yout = 0; yop = ONE; pres = 0;\n";
        for i in 1..=p {
            v += &format!("  hp{i} = 0;\n");
        }
        for i in 0..=n {
            v += &format!("  dd{i} = 0; dl{i} = 0;\n");
        }
        for i in 2..=n {
            v += &format!("  dv{i} = 0;\n");
        }
        v += "end\n";
        // The power a slot is multiplied by: H^m, m = the blocks in the
        // window of the next P visits. The line's entries 2..P+1 are
        // entries 0..P-1 two edges later: their count, one-hot, is in `mq`
        // (bit i: m = i; bit 0 selects ONE), then the power it selects
        // goes into `yop`, so that neither the count nor its compare is on
        // the path into the 128 bits of `yop`. The count is kept, not
        // summed: each edge the window gains the newest entry's valid
        // (`dv{n}`) and loses entry 2's, both known a cycle ahead (`mup`,
        // `mdn`), so `mq` shifts up, down or stays (one LUT5 per bit;
        // a sum of the P valid bits and its compare fanned out to the
        // copies of `mq` took 10.0 ns on ECP5, 8.5 of route).
        // `mq` is kept in sixteen copies, one per 8 bits of `yop`, each
        // bit of `ynext` an AND-OR of P + 1 terms, two LUT4 levels (a
        // binary count fanned out to the 128 multiplexers across the
        // multiplier: 8.6 ns of route on ECP5; eight copies with a compare
        // per bit: 8.1 ns); the shift's inputs in four copies, one per
        // four copies of `mq`.
        for q in 0..4 {
            v += &format!(
                "reg mup{q}, mdn{q};\ninitial begin\n  mup{q} = 1'b0;\n  mdn{q} = 1'b0;\nend\n"
            );
        }
        let mut chunks = Vec::new();
        for c in (0..16).rev() {
            let (hi, lo) = (8 * c + 7, 8 * c);
            let q = c / 4;
            v += &format!(
                "reg [{p}:0] mq{c};\ninitial mq{c} = {w}'d1;\n(* keep *) always @(posedge clock)\n  \
                 if (mup{q}) mq{c} <= {{mq{c}[{pm}:0], 1'b0}};\n  else if (mdn{q}) mq{c} <= {{1'b0, mq{c}[{p}:1]}};\n",
                w = p + 1,
                pm = p - 1
            );
            let mut terms = vec![format!("({{8{{mq{c}[0]}}}} & ONE[{hi}:{lo}])")];
            for i in 1..=p {
                terms.push(format!("({{8{{mq{c}[{i}]}}}} & hp{i}[{hi}:{lo}])"));
            }
            v += &format!("wire [7:0] yn{c} = {};\n", terms.join(" | "));
            chunks.push(format!("yn{c}"));
        }
        v += &format!("wire [127:0] ynext = {{{}}};\n", chunks.join(", "));
        let window: Vec<String> = (0..p).map(|i| format!("dl{i}")).collect();
        v += &format!("wire fin_in = {};\n", window.join(" | "));
        v += "wire [127:0] res = yacc ^ mul$z;\n";
        // Drop the slot at the ring's input: its value is final (extracted
        // into the result), or a zeroize sweep runs. A register, set a
        // cycle ahead, since it selects 128 bits of the ring.
        let fin_pre = if p > 1 {
            format!("fin[{}]", p - 2)
        } else {
            "fin_in".to_string()
        };
        // In eight copies, one per 16 bits (one register routed to all
        // 128 selects took 7.6 ns on ECP5).
        v += &format!(
            "wire drop_nx = {fin_pre} | zeroize | (state == ZERO & cnt != 5'd{});\n",
            Ghash::zeroize_cycles(p) - 1
        );
        for c in 0..8 {
            v += &kept_bit(&format!("drop{c}"), "drop_nx");
        }
        // H^(k-1) for the power being computed: H, then each power as it
        // is written (a register, not a select of the powers by k).
        v += "reg [127:0] hprev;\ninitial hprev = 128'd0;\n";
        // The hash key waits a cycle in `hq` (which follows the `h` port:
        // a mask by `h_valid` put that port's fan-out to 128 resets on
        // the path, 6.5 ns of route on ECP5; `hq` holds no more than the
        // port does) and is written by registered enables (two copies); `zeroize` clears the key registers a cycle late, from
        // `zq`; `yout` is cleared two cycles after it is taken: no
        // input port reaches the enables of the wide registers.
        // `zq` in five copies: the control's (`zqc`) and one per 32-bit
        // quarter of `hprev`'s clear (`zq0`..`zq3`, below), each placed
        // near what it drives.
        v += "reg [127:0] hq;\nreg zqc, fl;\n\
              initial begin\n  hq = 128'd0; zqc = 1'b0; fl = 1'b0;\nend\n\
              (* keep *) always @(posedge clock) zqc <= zeroize;\n";

        v += "reg in_pow;\ninitial in_pow = 1'b0;\nwire feed = state == POW & ~pend;\n";
        // `in_pow` selects the power being fed into the line: high in
        // POW (and the cycle after it, when `s_ready` waits for it). The
        // line's newest entry reads it in eight copies, one per 16 bits
        // (one register routed to the 128 selects: 8.8 ns on ECP5).
        let in_pow_d = if p > 1 {
            "state == LOADH | state == POW"
        } else {
            "1'b0"
        };
        for c in 0..8 {
            v += &kept_bit(&format!("inp{c}"), in_pow_d);
        }
        v += "wire push = s_valid & s_ready;\n";
        // The count's shift: up when the newest entry is valid and entry 2
        // (leaving the window) is not, down the other way round.
        for q in 0..4 {
            v += &format!(
                "(* keep *) always @(posedge clock) begin\n  mup{q} <= (feed | push) & ~dv2;\n  mdn{q} <= ~(feed | push) & dv2;\nend\n"
            );
        }
        // `dvc`: copies of the newest entry's valid, one per 16 bits of
        // the entry after it (which it zeroes unless valid).
        for c in 0..8 {
            v += &kept_bit(&format!("dvc{c}"), "feed | push");
        }
        v += "always @(*) begin\n";
        // (Not masked by `zeroize` itself: a key taken in that cycle is
        // dropped, zeroize having priority over the load.)
        v += "  h_ready = ~open & (state == NOKEY | state == RUN) & ~zqc;\n";
        v += "  h_loaded = (state == RUN & ~in_pow) | state == WAIT | state == OUT;\n";
        v += "  s_ready = state == RUN & ~in_pow & ~zeroize;\n";
        // `y` is `yout` itself: written when the result is ready, zeroed
        // two cycles after it is taken (no select on the 128 outputs).
        v += "  y_valid = state == OUT;\n  y = yout;\n";
        v += "  mul$clock = clock;\n  mul$clear = 1'b0;\n  mul$en = 1'b1;\n";
        let lanes: Vec<String> = (0..8)
            .rev()
            .map(|c| {
                format!(
                    "(mul$z[{h}:{l}] & {{16{{~drop{c}}}}})",
                    h = 16 * c + 15,
                    l = 16 * c
                )
            })
            .collect();
        v += &format!("  mul$x = {{{}}} ^ dd0;\n", lanes.join(", "));
        v += "  mul$y = yop;\nend\n";
        // Free-running registers: the line, the power, the flags.
        v += "always @(posedge clock) begin\n";
        // The newest entry takes the input every cycle; the next one
        // zeroes it unless it is valid (no select from the handshake fans
        // out to the 128 bits).
        v += &format!(
            "  dd{n} <= {{{}}};\n  dv{n} <= feed | push;\n  dl{n} <= feed | (push & s_last);\n",
            (0..8)
                .rev()
                .map(|c| format!(
                    "inp{c} ? hprev[{h}:{l}] : s_data[{h}:{l}]",
                    h = 16 * c + 15,
                    l = 16 * c
                ))
                .collect::<Vec<_>>()
                .join(", ")
        );

        for i in 0..n {
            if i + 1 == n {
                // (`dvc`: copies of `dv{n}`, one per 16 bits.)
                let lanes: Vec<String> = (0..8)
                    .rev()
                    .map(|c| {
                        format!(
                            "dd{n}[{h}:{l}] & {{16{{dvc{c}}}}}",
                            h = 16 * c + 15,
                            l = 16 * c
                        )
                    })
                    .collect();
                v += &format!("  dd{i} <= {{{}}}; dl{i} <= dl{n};\n", lanes.join(", "));
            } else {
                v += &format!("  dd{i} <= dd{n}; dl{i} <= dl{n};\n", n = i + 1);
            }
            if i > 1 {
                v += &format!("  dv{i} <= dv{n};\n", n = i + 1);
            }
        }
        v += &format!("  in_pow <= {in_pow_d};\n");
        v += "  yop <= ynext;\n";
        if p > 2 {
            v += &format!(
                "  fin <= {{fin[{m}:0], fin_in}};\n  lst <= {{lst[{m}:0], dl0}};\n",
                m = p - 3
            );
        } else if p == 2 {
            v += "  fin <= fin_in;\n  lst <= dl0;\n";
        }

        v += "  hq <= h;\n";

        // The result waits a cycle in `pres`; the writes that take it
        // (a power of H, `yout`) are enabled by registers.
        v += "  pres <= res;\n  ow <= state == WAIT & fl & ~zeroize;\n";
        // `fl`: the message's last slot is at the multiplier's output
        // (fin_out & lst_out), from a register near the control.
        if p > 1 {
            v += &format!("  fl <= fin[{m}] & lst[{m}];\n", m = p - 2);
        } else {
            v += "  fl <= fin_in & dl0;\n";
        }
        v += &format!(
            "  pw <= {{{}}};\n",
            (2..=p)
                .rev()
                .map(|i| format!("state == POW & fl & k == 4'd{i} & ~zeroize"))
                .chain(std::iter::once("1'b0".to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        );

        // `hprev` is written from two halves, each with its own enable and
        // select registers (`hw*`: H taken or a power written; `hs*`: which).

        v += "  case (state)\n";
        v += "    NOKEY: ;\n";
        v += &format!(
            "    POW: begin\n      if (feed) pend <= 1'b1;\n      if (|pw) begin\n        pend <= 1'b0;\n        k <= k + 4'd1;\n        \
             if (k == 4'd{p}) state <= RUN;\n      end\n    end\n"
        );
        v += "    RUN: if (push) begin\n      open <= 1'b1;\n      if (s_last) state <= WAIT;\n    end\n";
        v += "    WAIT: if (ow) state <= OUT;\n";
        v += "    OUT: if (y_ready) begin\n      state <= RUN;\n      open <= 1'b0;\n    end\n";
        v += &format!(
            "    ZERO: begin\n      cnt <= cnt + 5'd1;\n      if (cnt == 5'd{}) state <= NOKEY;\n    end\n",
            Ghash::zeroize_cycles(p) - 1
        );
        v += &format!(
            "    LOADH: state <= {};\n",
            if p > 1 { "POW" } else { "RUN" }
        );
        v += "    default: state <= NOKEY;\n  endcase\n";
        v += "  if (h_valid & h_ready) begin\n    k <= 4'd2;\n    pend <= 1'b0;\n    state <= LOADH;\n  end\n";
        v += "  if (zeroize) begin\n    state <= ZERO;\n    cnt <= 5'd0;\n    open <= 1'b0;\n  end\n";
        v += "end\n";
        // The accumulator: written when a slot's value is final (`fin_out`:
        // zero after a message's last block, else the sum), or zeroed at
        // zeroize and at the end of its sweep, by enable and zero
        // registers per 16 bits set a cycle ahead (one `fin` register and
        // the clears routed to all 128 bits: 7.6 ns on ECP5).
        let (fin_nx, lst_nx) = if p > 1 {
            (format!("fin[{}]", p - 2), format!("lst[{}]", p - 2))
        } else {
            ("fin_in".to_string(), "dl0".to_string())
        };
        let zend_nx = format!("state == ZERO & cnt == 5'd{}", Ghash::zeroize_cycles(p) - 2);
        for c in 0..8 {
            let (hi, lo) = (16 * c + 15, 16 * c);
            v += &format!(
                "reg yw{c}, yz{c};\ninitial begin\n  yw{c} = 1'b0;\n  yz{c} = 1'b0;\nend\n\
                 (* keep *) always @(posedge clock) yw{c} <= {fin_nx} | ({zend_nx}) | zeroize;\n\
                 (* keep *) always @(posedge clock) yz{c} <= {lst_nx} | ({zend_nx}) | zeroize;\n\
                 always @(posedge clock) if (yw{c}) yacc[{hi}:{lo}] <= res[{hi}:{lo}] & {{16{{~yz{c}}}}};\n"
            );
        }
        // The wide registers that take a result, a key or a clear: each
        // 32-bit quarter has its own enable and select registers, set a
        // cycle ahead (a single enable of 128 flip-flops spread over the
        // multiplier routed in 6 to 8 ns on ECP5). Quarter c of register
        // R: `R_w{c}` writes, `R_s{c}` selects the first source (else
        // zero, or the second).
        // (`ytk`: the result was taken at the last edge. The clear of
        // `yout` waits a cycle in it, so the consumer's `y_ready`, which in
        // the GCM comes from its state across the device, reaches one
        // register here, not the four quarters' enables: 10.7 ns on ECP5.)
        v += &crate::kept_reg::kept_bit("ytk", "state == OUT & y_ready");
        let accept = "h_valid & h_ready & ~zeroize";
        let powr = |i: usize| format!("state == POW & fl & k == 4'd{i} & ~zeroize");
        let mut wide = vec![
            (
                "yout".to_string(),
                "(state == WAIT & fl & ~zeroize) | ytk | zeroize".to_string(),
                "state == WAIT & fl & ~zeroize".to_string(),
                "pres".to_string(),
                None,
            ),
            (
                "hp1".to_string(),
                format!("({accept}) | zeroize"),
                format!("{accept}"),
                "hq".to_string(),
                None,
            ),
            (
                "hprev".to_string(),
                format!("({accept}) | (state == POW & fl & ~zeroize) | zeroize"),
                format!("{accept}"),
                "hq".to_string(),
                Some("hprev_b".to_string()),
            ),
        ];
        // (One `zq` routed to the 128 selects was the pipelined GCM's
        // worst path on ECP5, 10.6 ns.)
        for c in 0..4 {
            v += &crate::kept_reg::kept_bit(&format!("zq{c}"), "zeroize");
        }
        v += &format!(
            "wire [127:0] hprev_b = {{{}}};\n",
            (0..4)
                .rev()
                .map(|c| format!("pres[{}:{}] & {{32{{~zq{c}}}}}", 32 * c + 31, 32 * c))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for i in 2..=p {
            wide.push((
                format!("hp{i}"),
                format!("({}) | zeroize", powr(i)),
                powr(i),
                "pres".to_string(),
                None,
            ));
        }
        for (r, we, sel, a, b) in &wide {
            for c in 0..4 {
                let (hi, lo) = (32 * c + 31, 32 * c);
                let other = match b {
                    Some(b) => format!("{b}[{hi}:{lo}]"),
                    None => "32'd0".to_string(),
                };
                v += &format!(
                    "reg {r}_w{c}, {r}_s{c};\ninitial begin\n  {r}_w{c} = 1'b0;\n  {r}_s{c} = 1'b0;\nend\n\
                     (* keep *) always @(posedge clock) begin\n  {r}_w{c} <= {we};\n  {r}_s{c} <= {sel};\nend\n\
                     always @(posedge clock) if ({r}_w{c}) {r}[{hi}:{lo}] <= {r}_s{c} ? {a}[{hi}:{lo}] : {other};\n"
                );
            }
        }
        Verilog::Custom(v)
    }
}
