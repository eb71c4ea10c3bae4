//! AES key expansion (FIPS-197 §5.2), run once per key load; the round
//! keys are written one per write cycle into a round-key store
//! ([`crate::round_keys`]), so the core never recomputes them.
//!
//! Each round key after the first takes two cycles: SubWord through a
//! registered 4-byte S-box, then the word XOR chain. Load time from the
//! `load` pulse to `valid`: AES-128 21 cycles, AES-256 28 cycles.
//! `clear` overwrites every round key with zeros: Nr + 1 cycles.
//!
//! The key port is 256 bits wide, key byte 0 in `key[255:248]`; AES-128
//! uses `key[255:128]`.
//!
//! The state machine is one-hot in the Verilog: every register enable is
//! a state bit, an input (`load`, `clear`) or one gate of them, so no
//! state decode runs into the 256 key registers' enables (on ECP5 the
//! decoded enables were the pipelined core's critical path: 13.5 ns). The
//! rust-hdl `update()` is the model of the same cycles; the Verilog is
//! tested in Verilator through every AES core.

use crate::sub_bytes::{SboxForm, SubBytes};
use rust_hdl::prelude::*;

/// The expansion's states.
#[derive(Copy, Clone, PartialEq, Eq, Debug, Default)]
pub enum KeyState {
    #[default]
    Idle,
    /// AES-256: write the second round key (the key's second half).
    WriteSecond,
    /// SubWord of the last word of the newest round key.
    Sub,
    /// The S-box's output register (block-RAM S-boxes of the pipelined core).
    SubWait,
    /// XOR chain; write the new round key.
    Step,
    /// Zeroize: write zeros over every round key.
    Clear,
}

/// AES key expansion into a round-key store.
#[derive(LogicBlock)]
pub struct KeyExpansion {
    pub clock: Signal<In, Clock>,
    /// Cipher key, byte 0 in the most significant bits.
    pub key: Signal<In, Bits<256>>,
    /// Start an expansion (sampled when idle).
    pub load: Signal<In, Bit>,
    /// Zeroize: abort and overwrite every round key with zeros.
    pub clear: Signal<In, Bit>,
    /// An expansion or a clear is running.
    pub busy: Signal<Out, Bit>,
    /// All round keys are in the store.
    pub valid: Signal<Out, Bit>,
    /// Store write port.
    pub we: Signal<Out, Bit>,
    pub waddr: Signal<Out, Bits<4>>,
    pub wdata: Signal<Out, Bits<128>>,
    sub: SubBytes<32>,
    _aes256: bool,
    /// The S-box has an output register: SubWord takes two cycles.
    _slow: bool,
    /// `load` comes a cycle ahead of the start (see [`Self::with_early_load`]).
    _early: bool,
    _nr: u8,
    _m: KeyModel,
}

/// The model's registers (the Verilog holds the same).
#[derive(Clone, Debug, Default)]
struct KeyModel {
    state: KeyState,
    /// The round key before the newest (AES-256 chains from it).
    older: u128,
    /// The newest round key.
    newest: u128,
    /// Index of the round key being produced.
    idx: u8,
    rcon: u8,
    ok: bool,
    /// Early load: the expansion starts at this edge (a register).
    start_r: bool,
}

impl KeyExpansion {
    /// The same with a two-cycle S-box (a block-RAM read and an output
    /// register): one more cycle per SubWord, so AES-128 loads in 31 cycles
    /// and AES-256 in 41.
    pub fn with_slow_sbox(key_bits: usize, form: SboxForm) -> Self {
        KeyExpansion {
            sub: SubBytes::with_output_register(form),
            _slow: true,
            ..KeyExpansion::new(key_bits, form)
        }
    }

    /// `load` a cycle ahead: the expansion starts at the edge after the
    /// one that samples `load` (with `key` as it is then), from a register
    /// of its own, so no gate runs from the `load` input into the enables
    /// and write-data selects of the key registers (on ECP5 that gate's
    /// fan-out was the pipelined core's critical path, 10.3 ns). The
    /// caller gives `load` the cycle before it would otherwise and `key`
    /// a cycle late (a register that follows the key port).
    pub fn with_early_load(mut self) -> Self {
        self._early = true;
        self
    }

    /// Cycles from `load` to `valid`.
    pub fn load_cycles(key_bits: usize, slow: bool) -> usize {
        let base = if key_bits == 128 { 21 } else { 28 };
        // One SubWord per round key after the key's own.
        let subs = if key_bits == 128 { 10 } else { 13 };
        if slow { base + subs } else { base }
    }

    pub fn new(key_bits: usize, form: SboxForm) -> Self {
        assert!(key_bits == 128 || key_bits == 256, "AES-128 or AES-256");
        KeyExpansion {
            clock: Default::default(),
            key: Default::default(),
            load: Default::default(),
            clear: Default::default(),
            busy: Default::default(),
            valid: Default::default(),
            we: Default::default(),
            waddr: Default::default(),
            wdata: Default::default(),
            sub: SubBytes::new(form),
            _aes256: key_bits == 256,
            _slow: false,
            _early: false,
            _nr: (key_bits / 32 + 6) as u8,
            _m: KeyModel::default(),
        }
    }

    /// AES-256 alternates RotWord+Rcon (even round keys) with SubWord alone.
    fn rot(&self) -> bool {
        !self._aes256 || self._m.idx & 1 == 0
    }

    /// The next round key from the S-box output `y`: word j is
    /// b0 ^ .. ^ bj ^ t.
    fn next_key(&self, y: u32) -> u128 {
        let m = &self._m;
        let t = if self.rot() {
            y ^ (u32::from(m.rcon) << 24)
        } else {
            y
        };
        let base = if self._aes256 { m.older } else { m.newest };
        let tt = u128::from(t);
        base ^ (base >> 32)
            ^ (base >> 64)
            ^ (base >> 96)
            ^ tt
            ^ (tt << 32)
            ^ (tt << 64)
            ^ (tt << 96)
    }
}

impl Logic for KeyExpansion {
    fn update(&mut self) {
        let m = self._m.clone();
        let key = self.key.val();
        let key_hi = key.get_bits::<128>(128).to_u128();
        let key_lo = key.get_bits::<128>(0).to_u128();
        let y = self.sub.y.val().to_u128() as u32;
        let next_key = self.next_key(y);
        let start = if self._early {
            m.start_r
        } else {
            m.state == KeyState::Idle && self.load.val()
        };
        let w3 = m.newest as u32;
        self.sub.clock.next = self.clock.val();
        self.sub.en.next = matches!(m.state, KeyState::Sub | KeyState::SubWait | KeyState::Clear);
        // (Through a clear `newest` is zero.)
        self.sub.x.next = (if self.rot() {
            u128::from(w3.rotate_left(8))
        } else {
            u128::from(w3)
        } as u64)
            .into();
        self.we.next = start
            || matches!(
                m.state,
                KeyState::WriteSecond | KeyState::Step | KeyState::Clear
            );
        self.waddr.next = (if start { 0 } else { u64::from(m.idx) }).into();
        self.wdata.next = crate::bits::from_u128(if start {
            key_hi
        } else {
            match m.state {
                KeyState::WriteSecond => m.newest,
                KeyState::Clear => 0,
                _ => next_key,
            }
        });
        self.busy.next = m.state != KeyState::Idle;
        self.valid.next = m.ok;
        if self.clock.pos_edge() {
            let rot = self.rot();
            let (aes256, slow, nr) = (self._aes256, self._slow, self._nr);
            let s = &mut self._m;
            match m.state {
                KeyState::Idle => {
                    if start {
                        s.older = key_hi;
                        s.newest = if aes256 { key_lo } else { key_hi };
                        s.state = if aes256 {
                            KeyState::WriteSecond
                        } else {
                            KeyState::Sub
                        };
                        s.idx = 1;
                        s.rcon = 1;
                        s.ok = false;
                    }
                }
                KeyState::WriteSecond => {
                    s.idx = 2;
                    s.state = KeyState::Sub;
                }
                KeyState::Sub => {
                    s.state = if slow {
                        KeyState::SubWait
                    } else {
                        KeyState::Step
                    };
                }
                KeyState::SubWait => s.state = KeyState::Step,
                KeyState::Step => {
                    s.older = m.newest;
                    s.newest = next_key;
                    if rot {
                        s.rcon = (m.rcon << 1) ^ if m.rcon & 0x80 != 0 { 0x1b } else { 0 };
                    }
                    s.idx = m.idx + 1;
                    if m.idx == nr {
                        s.ok = true;
                        s.state = KeyState::Idle;
                    } else {
                        s.state = KeyState::Sub;
                    }
                }
                KeyState::Clear => {
                    s.idx = m.idx + 1;
                    if m.idx == nr {
                        s.state = KeyState::Idle;
                    }
                }
            }
            // (Early load: the start register takes `load` where the
            // expansion will be idle; a clear resets it below.)
            s.start_r = self._early && s.state == KeyState::Idle && self.load.val();
            if self.clear.val() {
                *s = KeyModel {
                    state: KeyState::Clear,
                    ..KeyModel::default()
                };
            }
        }
    }

    fn connect(&mut self) {
        for s in [&mut self.busy, &mut self.valid, &mut self.we] {
            s.connect();
        }
        self.waddr.connect();
        self.wdata.connect();
        self.sub.clock.connect();
        self.sub.en.connect();
        self.sub.x.connect();
    }

    fn hdl(&self) -> Verilog {
        let (aes256, slow, nr) = (u8::from(self._aes256), u8::from(self._slow), self._nr);
        // The key registers (`older`, `newest`) load the key at the start
        // and the next round key at each step, and take zeros through the
        // clear's cycles: bits `hi:lo` under enable `ce` and selects
        // `st` (start), `sp` (step).
        let key_regs = |hi: usize, lo: usize, ce: &str, st: &str, sp: &str| {
            let (khi, klo, w) = (hi + 128, lo + 128, hi - lo + 1);
            format!(
                "always @(posedge clock) if ({ce}) begin\n\
                 \x20 older[{hi}:{lo}] <= {st} ? key[{khi}:{klo}] : {sp} ? newest[{hi}:{lo}] : {w}'d0;\n\
                 \x20 newest[{hi}:{lo}] <= {st} ? (AES256 ? key[{hi}:{lo}] : key[{khi}:{klo}]) : {sp} ? next_key[{hi}:{lo}] : {w}'d0;\n\
                 end\n"
            )
        };
        let starts = if self._early {
            // Early load: `start` is a register, set where `load` comes
            // while the expansion will be idle at the next edge (a clear
            // makes it busy); each 32-bit quarter of the key registers
            // has its enable and selects in registers of its own, set
            // from the next state (as one gate of the states, placed
            // between the expansion and the round-key chain's head, the
            // enable took 9.9 ns on ECP5; as one register for all 256
            // bits, 8.8 ns).
            let mut v = String::from(
                "reg start_r;\ninitial start_r = 1'b0;\nwire start = start_r;\n\
                 wire idle_next = ~clear & ((s_idle & ~start) | ((s_step | s_clr) & idx == NR));\n\
                 wire start_d = idle_next & load;\n\
                 wire step_d = ~clear & ((s_sub & ~SLOW) | s_subw);\n\
                 wire ce_d = start_d | step_d | clear | (s_clr & idx != NR);\n\
                 always @(posedge clock) start_r <= start_d;\n",
            );
            for c in 0..4 {
                v += &format!(
                    "(* keep *) reg kq_ce{c}, kq_st{c}, kq_sp{c};\n\
                     initial begin\n  kq_ce{c} = 1'b0;\n  kq_st{c} = 1'b0;\n  kq_sp{c} = 1'b0;\nend\n\
                     (* keep *) always @(posedge clock) kq_ce{c} <= ce_d;\n\
                     (* keep *) always @(posedge clock) kq_st{c} <= start_d;\n\
                     (* keep *) always @(posedge clock) kq_sp{c} <= step_d;\n"
                );
                v += &key_regs(
                    32 * c + 31,
                    32 * c,
                    &format!("kq_ce{c}"),
                    &format!("kq_st{c}"),
                    &format!("kq_sp{c}"),
                );
            }
            v
        } else {
            String::from("wire start = s_idle & load;\n")
                + &key_regs(127, 0, "start | s_step | s_clr", "start", "s_step")
        };
        Verilog::Custom(format!(
            r#"localparam AES256 = 1'b{aes256}, SLOW = 1'b{slow};
localparam [3:0] NR = 4'd{nr};
// One-hot state.
reg s_idle, s_ws, s_sub, s_subw, s_step, s_clr;
reg [127:0] older, newest;
reg [3:0] idx;
reg [7:0] rcon;
reg ok;
initial begin
  s_idle = 1'b1; s_ws = 1'b0; s_sub = 1'b0; s_subw = 1'b0; s_step = 1'b0; s_clr = 1'b0;
  older = 128'd0; newest = 128'd0; idx = 4'd0; rcon = 8'd0; ok = 1'b0;
end
// AES-256 alternates RotWord+Rcon (even round keys) with SubWord alone.
wire rot = ~AES256 | ~idx[0];
wire [31:0] w3 = newest[31:0];
wire [31:0] t = rot ? (sub$y ^ {{rcon, 24'd0}}) : sub$y;
wire [127:0] base = AES256 ? older : newest;
wire [127:0] tt = {{96'd0, t}};
// Word j of the next round key is b0 ^ .. ^ bj ^ t.
wire [127:0] next_key = base ^ (base >> 32) ^ (base >> 64) ^ (base >> 96) ^ tt ^ (tt << 32) ^ (tt << 64) ^ (tt << 96);
{starts}always @(*) begin
  sub$clock = clock;
  sub$en = s_sub | s_subw | s_clr;
  // (Through a clear the S-box takes the last word of `newest`, zero
  // from the clear's second cycle: its output register holds no key
  // material after the clear. Zeroing the input here put a gate in front
  // of every S-box ROM input: 7.3 ns on ECP5.)
  sub$x = rot ? {{w3[23:0], w3[31:24]}} : w3;
  we = start | s_ws | s_step | s_clr;
  waddr = start ? 4'd0 : idx;
  wdata = start ? key[255:128] : s_ws ? newest : s_clr ? 128'd0 : next_key;
  busy = ~s_idle;
  valid = ok;
end
always @(posedge clock) begin
  if (start) begin
    idx <= 4'd1;
    rcon <= 8'd1;
    ok <= 1'b0;
    s_idle <= 1'b0;
    if (AES256) s_ws <= 1'b1; else s_sub <= 1'b1;
  end
  if (s_ws) begin
    idx <= 4'd2;
    s_ws <= 1'b0;
    s_sub <= 1'b1;
  end
  if (s_sub) begin
    s_sub <= 1'b0;
    if (SLOW) s_subw <= 1'b1; else s_step <= 1'b1;
  end
  if (s_subw) begin
    s_subw <= 1'b0;
    s_step <= 1'b1;
  end
  if (s_step) begin
    if (rot) rcon <= {{rcon[6:0], 1'b0}} ^ (rcon[7] ? 8'h1b : 8'h00);
    idx <= idx + 4'd1;
    s_step <= 1'b0;
    if (idx == NR) begin
      ok <= 1'b1;
      s_idle <= 1'b1;
    end else s_sub <= 1'b1;
  end
  if (s_clr) begin
    idx <= idx + 4'd1;
    if (idx == NR) begin
      s_clr <= 1'b0;
      s_idle <= 1'b1;
    end
  end
  if (clear) begin
    s_idle <= 1'b0; s_ws <= 1'b0; s_sub <= 1'b0; s_subw <= 1'b0; s_step <= 1'b0; s_clr <= 1'b1;
    idx <= 4'd0; rcon <= 8'd0; ok <= 1'b0;
  end
end
"#
        ))
    }
}
