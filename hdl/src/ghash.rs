//! GHASH (SP 800-38D §6.4) at one block per cycle: `Y = Σ X_i · H^(n-i+1)`
//! over a message of n whole blocks, on a multiplier pipelined in P stages
//! ([`GfMulPipelined`]), so the feedback loop is P registers long and not
//! the critical path.
//!
//! The P stages hold P interleaved accumulators (block i joins accumulator
//! i mod P) that multiply by H^P. The last P blocks must be multiplied by
//! H^P, ..., H^1 instead, so blocks wait in a (P-1)-block delay line before
//! entering the multiplier; `s_last` marks a message's final block, and
//! then the line empties through the multiplier with the falling powers,
//! and the P accumulators are XORed into `y`. The powers H^2..H^P are
//! computed on `h` load, through the same multiplier.
//!
//! Cycles: a message of n blocks takes n cycles (one block per cycle),
//! then 2P - 1 cycles until `y_valid`. Hash-key load: (P-1)(P+1) cycles.
//! P = 1 is the plain single-multiplier GHASH.
//!
//! Blocks are whole: the user pads (GCM pads AAD and text to 16 bytes and
//! appends the length block). `zeroize` clears H, its powers, the delay
//! line, the accumulators and `y` in one cycle.

use crate::gf_mul_pipelined::GfMulPipelined;
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
    /// GHASH of the message, held until `y_ready`.
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

    /// Cycles from the accepted last block to `y_valid`.
    pub fn tail_cycles(stages: usize) -> usize {
        2 * stages - 1
    }

    /// Cycles from the accepted `h_valid` to `h_loaded`.
    pub fn key_cycles(stages: usize) -> usize {
        (stages - 1) * (stages + 1) + 1
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
        v += "localparam NOKEY = 3'd0, POW = 3'd1, RUN = 3'd2, FLUSH = 3'd3, DRAIN = 3'd4, OUT = 3'd5;\n";
        v += "reg [2:0] state;\nreg [3:0] cnt, k;\nreg open;\nreg [127:0] yacc, yout;\n";
        for i in 1..=p {
            v += &format!("reg [127:0] hp{i};\n");
        }
        for i in 0..p.saturating_sub(1) {
            v += &format!("reg [127:0] dl{i};\n");
        }
        // Power-up state.
        v += "initial begin\n  state = NOKEY;\n  cnt = 0;\n  k = 0;\n  open = 0;\n  yacc = 0;\n  yout = 0;\n";
        for i in 1..=p {
            v += &format!("  hp{i} = 0;\n");
        }
        for i in 0..p.saturating_sub(1) {
            v += &format!("  dl{i} = 0;\n");
        }
        v += "end\n";
        // The block leaving the delay line (the input itself when P = 1).
        let oldest = if p > 1 {
            format!("dl{}", p - 2)
        } else {
            "s_data".to_string()
        };
        // H^(P-1-cnt) during the flush; H^k-1 during the power computation.
        let pick = |sel: &str, n: usize| -> String {
            let mut e = String::from("128'd0");
            for i in (1..=n).rev() {
                e = format!("({sel} == 4'd{i}) ? hp{i} : {e}");
            }
            e
        };
        v += &format!("wire [3:0] fexp = 4'd{} - cnt;\n", p.saturating_sub(1));
        v += &format!("wire [127:0] hflush = {};\n", pick("fexp", p));
        v += &format!("wire [127:0] hprev = {};\n", pick("(k - 4'd1)", p));
        v += "wire push = s_valid & s_ready;\n";
        v += "always @(*) begin\n";
        v += "  h_ready = ~open & (state == NOKEY | state == RUN) & ~zeroize;\n";
        v += "  h_loaded = state == RUN | state == FLUSH | state == DRAIN | state == OUT;\n";
        v += "  s_ready = state == RUN & ~zeroize;\n";
        v += "  y_valid = state == OUT;\n  y = state == OUT ? yout : 128'd0;\n";
        v += "  mul$clock = clock;\n  mul$clear = zeroize;\n  mul$en = 1'b0;\n  mul$x = 128'd0;\n";
        v += &format!("  mul$y = hp{p};\n");
        v += "  case (state)\n";
        v += "    POW: begin\n      mul$en = 1'b1;\n      mul$y = hp1;\n      if (cnt == 4'd0) mul$x = hprev;\n    end\n";
        v += &format!(
            "    RUN: begin\n      mul$en = push;\n      mul$x = mul$z ^ {oldest};\n    end\n"
        );
        v += &format!(
            "    FLUSH: begin\n      mul$en = 1'b1;\n      mul$x = mul$z ^ {oldest};\n      mul$y = hflush;\n    end\n"
        );
        v += "    DRAIN: begin\n      mul$en = 1'b1;\n      mul$clear = zeroize | cnt == 4'd";
        v += &format!("{};\n    end\n", p - 1);
        v += "    default: ;\n  endcase\nend\n";
        // Registers.
        let shift_in = |src: &str| -> String {
            let mut s = String::new();
            if p > 1 {
                s += &format!("dl0 <= {src}; ");
                for i in 1..p - 1 {
                    s += &format!("dl{i} <= dl{}; ", i - 1);
                }
            }
            s
        };
        v += "always @(posedge clock) begin\n  case (state)\n";
        v += "    NOKEY: ;\n";
        v += &format!(
            "    POW: if (cnt == 4'd{p}) begin\n      cnt <= 4'd0;\n      k <= k + 4'd1;\n      case (k)\n{}        default: ;\n      endcase\n      \
             if (k == 4'd{p}) state <= RUN;\n    end else cnt <= cnt + 4'd1;\n",
            (2..=p)
                .map(|i| format!("        4'd{i}: hp{i} <= mul$z;\n"))
                .collect::<String>()
        );
        v += &format!(
            "    RUN: if (push) begin\n      {}open <= 1'b1;\n      if (s_last) begin\n        cnt <= 4'd0;\n        yacc <= 128'd0;\n        state <= {};\n      end\n    end\n",
            shift_in("s_data"),
            if p > 1 { "FLUSH" } else { "DRAIN" }
        );
        v += &format!(
            "    FLUSH: begin\n      {}cnt <= cnt + 4'd1;\n      if (cnt == 4'd{}) begin\n        cnt <= 4'd0;\n        state <= DRAIN;\n      end\n    end\n",
            shift_in("128'd0"),
            p.saturating_sub(2)
        );
        v += &format!(
            "    DRAIN: begin\n      yacc <= yacc ^ mul$z;\n      cnt <= cnt + 4'd1;\n      if (cnt == 4'd{}) begin\n        yout <= yacc ^ mul$z;\n        state <= OUT;\n      end\n    end\n",
            p - 1
        );
        v += "    OUT: if (y_ready) begin\n      state <= RUN;\n      open <= 1'b0;\n      yout <= 128'd0;\n    end\n";
        v += "    default: state <= NOKEY;\n  endcase\n";
        v += "  if (h_valid & h_ready) begin\n    hp1 <= h;\n    k <= 4'd2;\n    cnt <= 4'd0;\n";
        v += &format!(
            "    state <= {};\n  end\n",
            if p > 1 { "POW" } else { "RUN" }
        );
        v += "  if (zeroize) begin\n    state <= NOKEY;\n    open <= 1'b0;\n    cnt <= 4'd0;\n    yacc <= 128'd0;\n    yout <= 128'd0;\n";
        for i in 1..=p {
            v += &format!("    hp{i} <= 128'd0;\n");
        }
        for i in 0..p.saturating_sub(1) {
            v += &format!("    dl{i} <= 128'd0;\n");
        }
        v += "  end\nend\n";
        Verilog::Custom(v)
    }
}
