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

use crate::sub_bytes::{SboxForm, SubBytes};
use rust_hdl::prelude::*;

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum KeyState {
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
    state: DFF<KeyState>,
    /// The round key before the newest (AES-256 chains from it).
    older: DFF<Bits<128>>,
    /// The newest round key.
    newest: DFF<Bits<128>>,
    /// Index of the round key being produced.
    idx: DFF<Bits<4>>,
    rcon: DFF<Bits<8>>,
    ok: DFF<Bit>,
    rot: Signal<Local, Bit>,
    t: Signal<Local, Bits<32>>,
    tt: Signal<Local, Bits<128>>,
    base: Signal<Local, Bits<128>>,
    next_key: Signal<Local, Bits<128>>,
    aes256: Constant<Bit>,
    /// The S-box has an output register: SubWord takes two cycles.
    slow: Constant<Bit>,
    /// x^8 = x^4 + x^3 + x + 1 in GF(2^8): xtime's reduction.
    poly: Constant<Bits<8>>,
    nr: Constant<Bits<4>>,
}

impl KeyExpansion {
    /// The same with a two-cycle S-box (a block-RAM read and an output
    /// register): one more cycle per SubWord, so AES-128 loads in 31 cycles
    /// and AES-256 in 41.
    pub fn with_slow_sbox(key_bits: usize, form: SboxForm) -> Self {
        KeyExpansion {
            sub: SubBytes::with_output_register(form),
            slow: Constant::new(true),
            ..KeyExpansion::new(key_bits, form)
        }
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
            state: Default::default(),
            older: Default::default(),
            newest: Default::default(),
            idx: Default::default(),
            rcon: Default::default(),
            ok: Default::default(),
            rot: Default::default(),
            t: Default::default(),
            tt: Default::default(),
            base: Default::default(),
            next_key: Default::default(),
            aes256: Constant::new(key_bits == 256),
            slow: Constant::new(false),
            poly: Constant::new(0x1b.into()),
            nr: Constant::new(((key_bits / 32 + 6) as u64).into()),
        }
    }
}

impl Logic for KeyExpansion {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, state, older, newest, idx, rcon, ok);
        self.sub.clock.next = self.clock.val();
        // AES-256 alternates RotWord+Rcon (even round keys) with SubWord alone.
        self.rot.next = !self.aes256.val() | !self.idx.q.val().get_bit(0);
        self.sub.en.next = false;
        if self.rot.val() {
            self.sub.x.next = (self.newest.q.val().get_bits::<32>(0) << 8)
                | (self.newest.q.val().get_bits::<32>(0) >> 24);
        } else {
            self.sub.x.next = self.newest.q.val().get_bits::<32>(0);
        }
        if self.rot.val() {
            self.t.next = self.sub.y.val() ^ (bit_cast::<32, 8>(self.rcon.q.val()) << 24);
        } else {
            self.t.next = self.sub.y.val();
        }
        self.tt.next = bit_cast::<128, 32>(self.t.val());
        if self.aes256.val() {
            self.base.next = self.older.q.val();
        } else {
            self.base.next = self.newest.q.val();
        }
        // w0 = b0 ^ t, w1 = b1 ^ w0, ...: word j is b0 ^ .. ^ bj ^ t.
        self.next_key.next = self.base.val()
            ^ (self.base.val() >> 32)
            ^ (self.base.val() >> 64)
            ^ (self.base.val() >> 96)
            ^ self.tt.val()
            ^ (self.tt.val() << 32)
            ^ (self.tt.val() << 64)
            ^ (self.tt.val() << 96);
        self.we.next = false;
        self.waddr.next = self.idx.q.val();
        self.wdata.next = self.next_key.val();
        match self.state.q.val() {
            KeyState::Idle => {
                if self.load.val() {
                    self.we.next = true;
                    self.waddr.next = 0.into();
                    self.wdata.next = self.key.val().get_bits::<128>(128);
                    self.older.d.next = self.key.val().get_bits::<128>(128);
                    if self.aes256.val() {
                        self.newest.d.next = self.key.val().get_bits::<128>(0);
                        self.state.d.next = KeyState::WriteSecond;
                    } else {
                        self.newest.d.next = self.key.val().get_bits::<128>(128);
                        self.state.d.next = KeyState::Sub;
                    }
                    self.idx.d.next = 1.into();
                    self.rcon.d.next = 1.into();
                    self.ok.d.next = false;
                }
            }
            KeyState::WriteSecond => {
                self.we.next = true;
                self.wdata.next = self.newest.q.val();
                self.idx.d.next = 2.into();
                self.state.d.next = KeyState::Sub;
            }
            KeyState::Sub => {
                self.sub.en.next = true;
                if self.slow.val() {
                    self.state.d.next = KeyState::SubWait;
                } else {
                    self.state.d.next = KeyState::Step;
                }
            }
            KeyState::SubWait => {
                self.sub.en.next = true;
                self.state.d.next = KeyState::Step;
            }
            KeyState::Step => {
                self.we.next = true;
                self.older.d.next = self.newest.q.val();
                self.newest.d.next = self.next_key.val();
                if self.rot.val() {
                    if self.rcon.q.val().get_bit(7) {
                        self.rcon.d.next = (self.rcon.q.val() << 1) ^ self.poly.val();
                    } else {
                        self.rcon.d.next = self.rcon.q.val() << 1;
                    }
                }
                self.idx.d.next = self.idx.q.val() + 1;
                if self.idx.q.val() == self.nr.val() {
                    self.ok.d.next = true;
                    self.state.d.next = KeyState::Idle;
                } else {
                    self.state.d.next = KeyState::Sub;
                }
            }
            KeyState::Clear => {
                self.we.next = true;
                self.wdata.next = 0.into();
                // Wipe both S-box registers.
                self.sub.x.next = 0.into();
                self.sub.en.next = true;
                self.idx.d.next = self.idx.q.val() + 1;
                if self.idx.q.val() == self.nr.val() {
                    self.state.d.next = KeyState::Idle;
                }
            }
            _ => {
                self.state.d.next = KeyState::Idle;
            }
        }
        if self.clear.val() {
            self.state.d.next = KeyState::Clear;
            self.idx.d.next = 0.into();
            self.older.d.next = 0.into();
            self.newest.d.next = 0.into();
            self.rcon.d.next = 0.into();
            self.ok.d.next = false;
            // (The Clear state wipes the S-box registers from the next
            // cycle on: no path from `clear` through the S-boxes.)
        }
        self.busy.next = self.state.q.val() != KeyState::Idle;
        self.valid.next = self.ok.q.val();
    }
}
