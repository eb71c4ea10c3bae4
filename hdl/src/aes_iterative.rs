//! AES encryption core, iterative: one round per cycle on a 128-bit state.
//!
//! A block is taken on `s_valid && s_ready`, and its ciphertext appears on
//! `m_data` Nr cycles later; the next block can be taken one cycle after
//! that, so a stream runs at Nr + 1 cycles per block (11 for AES-128, 15
//! for AES-256). The state register is the S-box output register, so the
//! `bram` S-box form costs no extra cycle.
//!
//! Keys: `key_valid && key_ready` starts the key expansion (21 cycles for
//! AES-128, 28 for AES-256); `key_ready` is high when no block is in flight
//! and no expansion runs; `s_ready` stays low until `key_loaded`. A new key
//! can follow any block without a reset.
//!
//! `flush` (one cycle) drops the block in flight and the output and keeps
//! the keys (a counter-mode user that ran ahead discards what it no longer
//! needs). `zeroize` (one cycle) drops the block in flight and the output, clears
//! `key_loaded` at once, and overwrites every round key with zeros within
//! Nr + 1 cycles (`key_ready` returns when done). While idle the S-boxes
//! take zero, so the state register keeps nothing of the last block nor
//! of a round key read during the wipe (`tests/aes.rs` reads every
//! register and memory after a zeroize).

use crate::key_expansion::KeyExpansion;
use crate::round_function::RoundFunction;
use crate::round_keys::RoundKeyRam;
use crate::sub_bytes::{SboxForm, SubBytes};
use rust_hdl::prelude::*;

/// Iterative AES-128/256 encryption core.
#[derive(LogicBlock)]
pub struct AesIterative {
    pub clock: Signal<In, Clock>,
    /// Clear keys and state (see the module documentation for the cycles).
    pub zeroize: Signal<In, Bit>,
    /// Drop the block in flight and the output (keys kept), one cycle.
    pub flush: Signal<In, Bit>,
    /// Cipher key, byte 0 in `key[255:248]`; AES-128 uses `key[255:128]`.
    pub key: Signal<In, Bits<256>>,
    pub key_valid: Signal<In, Bit>,
    /// High when a key can be taken (idle, no expansion running).
    pub key_ready: Signal<Out, Bit>,
    /// The round keys of the last key are loaded.
    pub key_loaded: Signal<Out, Bit>,
    /// Plaintext block, byte 0 in `s_data[127:120]`.
    pub s_data: Signal<In, Bits<128>>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// Ciphertext block, held until `m_ready`.
    pub m_data: Signal<Out, Bits<128>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    kexp: KeyExpansion,
    keys: RoundKeyRam,
    sub: SubBytes<128>,
    rf: RoundFunction,
    busy: DFF<Bit>,
    round: DFF<Bits<4>>,
    out: DFF<Bits<128>>,
    out_valid: DFF<Bit>,
    idle: Signal<Local, Bit>,
    nr: Constant<Bits<4>>,
}

impl AesIterative {
    pub fn new(key_bits: usize, form: SboxForm) -> Self {
        let nr = key_bits / 32 + 6;
        AesIterative {
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
            kexp: KeyExpansion::new(key_bits, form),
            keys: RoundKeyRam::new(nr + 1),
            sub: SubBytes::new(form),
            rf: RoundFunction::default(),
            busy: Default::default(),
            round: Default::default(),
            out: Default::default(),
            out_valid: Default::default(),
            idle: Default::default(),
            nr: Constant::new((nr as u64).into()),
        }
    }
}

impl Logic for AesIterative {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, busy, round, out, out_valid);
        self.kexp.clock.next = self.clock.val();
        self.keys.clock.next = self.clock.val();
        self.sub.clock.next = self.clock.val();
        self.kexp.key.next = self.key.val();
        self.kexp.clear.next = self.zeroize.val();
        self.keys.we.next = self.kexp.we.val();
        self.keys.waddr.next = self.kexp.waddr.val();
        self.keys.wdata.next = self.kexp.wdata.val();
        self.rf.s.next = self.sub.y.val();
        self.rf.rk.next = self.keys.rdata.val();
        self.rf.last.next = self.round.q.val() == self.nr.val();
        self.idle.next = !self.busy.q.val() & !self.kexp.busy.val();
        self.key_ready.next = self.idle.val() & !self.zeroize.val();
        self.kexp.load.next = self.key_valid.val() & self.idle.val() & !self.zeroize.val();
        self.s_ready.next = self.idle.val()
            & self.kexp.valid.val()
            & !self.key_valid.val()
            & !self.zeroize.val()
            & !self.flush.val();
        self.key_loaded.next = self.kexp.valid.val();
        self.m_data.next = self.out.q.val();
        self.m_valid.next = self.out_valid.q.val();
        // Defaults: idle, reading round key 0 for the next block.
        self.keys.raddr.next = 0.into();
        self.sub.en.next = true;
        // Idle, the S-boxes take zero: their output register (the state)
        // keeps nothing of the last block, nor of a round key read while
        // `zeroize` wipes them.
        self.sub.x.next = 0.into();
        if self.m_ready.val() {
            self.out_valid.d.next = false;
        }
        if self.busy.q.val() {
            if self.round.q.val() == self.nr.val() {
                if !self.out_valid.q.val() | self.m_ready.val() {
                    self.out.d.next = self.rf.y.val();
                    self.out_valid.d.next = true;
                    self.busy.d.next = false;
                } else {
                    // Output full: hold the state and the round key.
                    self.keys.raddr.next = self.nr.val();
                    self.sub.en.next = false;
                }
            } else {
                self.sub.x.next = self.rf.y.val();
                self.keys.raddr.next = self.round.q.val() + 1;
                self.round.d.next = self.round.q.val() + 1;
            }
        } else if self.s_valid.val() & self.s_ready.val() {
            // Initial AddRoundKey with round key 0, read while idle.
            self.sub.x.next = self.s_data.val() ^ self.keys.rdata.val();
            self.keys.raddr.next = 1.into();
            self.round.d.next = 1.into();
            self.busy.d.next = true;
        }
        if self.flush.val() {
            self.busy.d.next = false;
            self.round.d.next = 0.into();
            self.out_valid.d.next = false;
        }
        if self.zeroize.val() {
            self.busy.d.next = false;
            self.round.d.next = 0.into();
            self.out.d.next = 0.into();
            self.out_valid.d.next = false;
            self.sub.x.next = 0.into();
        }
    }
}

/// What a mode of operation needs of an AES core whose ports it drives
/// from custom glue: the two cores have the same ports (`clock`,
/// `zeroize`, `flush`, `key*`, `s_*`, `m_*`).
pub trait AesCore: Block {
    /// Mark every input as driven by the parent.
    fn claim_inputs(&mut self);
    /// Pass the clock on (the parent's rust-hdl model).
    fn set_clock(&mut self, clock: Clock);
}

macro_rules! aes_core {
    // `$data`: the data inputs (the chaining core absorbs bytes instead
    // of taking blocks).
    ($t:ty $(, $data:ident)*) => {
        impl AesCore for $t {
            fn claim_inputs(&mut self) {
                for s in [
                    &mut self.zeroize,
                    &mut self.flush,
                    &mut self.key_valid,
                    &mut self.s_valid,
                    &mut self.m_ready,
                ] {
                    s.connect();
                }
                self.clock.connect();
                self.key.connect();
                $(self.$data.connect();)*
            }
            fn set_clock(&mut self, clock: Clock) {
                self.clock.next = clock;
            }
        }
    };
}
aes_core!(AesIterative, s_data);
aes_core!(crate::aes_pipelined::AesPipelined, s_data);
aes_core!(crate::aes_serial::AesSerial, s_data);
aes_core!(crate::aes_chain::AesChain, x_valid, x_data);
