//! AES-CMAC (SP 800-38B) on the iterative or the column-serial AES core
//! ([`AesSerial`], for the smallest parts): subkeys K1 and K2
//! computed in hardware at key load (L = E_K(0), K1 = dbl(L), K2 =
//! dbl(K1)), the last block XORed with K1 when whole, or padded with
//! 10* and XORed with K2 when partial or empty; tags truncated to
//! `tag_keep` and checked against `tag_in`.
//!
//! A message is a run of beats on `s_*`, whole (`s_keep = 16'hffff`)
//! except the one with `s_last`, which has 0..16 bytes (an empty message
//! is one beat with `s_keep = 0`). The tag is held on `tag` with
//! `tag_valid` until `tag_ready`; `tag_pass` is high when the `tag_keep`
//! bytes equal `tag_in`'s (read while `tag_valid`).
//!
//! Throughput: iterative, one block per Nr + 1 cycles (the next block is
//! taken in the cycle the previous block's cipher output appears);
//! serial, one per 5·(Nr + 1) + 1 (the core takes the next block the cycle
//! after its output). `zeroize`
//! clears keys, subkeys, the chaining value and the tag.

use crate::aes_iterative::AesIterative;
use crate::aes_serial::AesSerial;
use crate::byte_mask::ByteMask;
use crate::sub_bytes::SboxForm;
use rust_hdl::prelude::*;

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum CmacState {
    /// No key.
    Init,
    /// Computing L = E_K(0).
    Subkey,
    /// Taking beats.
    Data,
    /// Tag out.
    Tag,
}

// One description for both cores: a type per core (rust-hdl's derive and
// `hdl_gen` need the concrete child type; the two cores' ports have the
// same names).
macro_rules! cmac_engine {
    ($(#[$doc:meta])* $name:ident, $core:ty) => {
$(#[$doc])*
#[derive(LogicBlock)]
pub struct $name {
    pub clock: Signal<In, Clock>,
    /// Clear keys, subkeys and state.
    pub zeroize: Signal<In, Bit>,
    /// Cipher key, byte 0 in `key[255:248]`; AES-128 uses `key[255:128]`.
    pub key: Signal<In, Bits<256>>,
    pub key_valid: Signal<In, Bit>,
    /// A key can be taken (between messages).
    pub key_ready: Signal<Out, Bit>,
    /// Round keys and subkeys are ready.
    pub key_loaded: Signal<Out, Bit>,
    /// Message beats, byte 0 in `s_data[127:120]`, `s_keep[15]` for byte 0.
    pub s_data: Signal<In, Bits<128>>,
    pub s_keep: Signal<In, Bits<16>>,
    pub s_last: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// Tag bytes kept and compared (16'hffff: all 16; 16'hff00: the first 8).
    pub tag_keep: Signal<In, Bits<16>>,
    /// Tag, bytes beyond `tag_keep` zeroed.
    pub tag: Signal<Out, Bits<128>>,
    pub tag_pass: Signal<Out, Bit>,
    pub tag_valid: Signal<Out, Bit>,
    pub tag_ready: Signal<In, Bit>,
    /// Expected tag, read while `tag_valid`.
    pub tag_in: Signal<In, Bits<128>>,
    aes: $core,
    inmask: ByteMask,
    tagmask: ByteMask,
    state: DFF<CmacState>,
    k1: DFF<Bits<128>>,
    req: DFF<Bit>,
    busy: DFF<Bit>,
    last: DFF<Bit>,
    chain: DFF<Bits<128>>,
    full_tag: DFF<Bits<128>>,
    k2: Signal<Local, Bits<128>>,
    l_dbl: Signal<Local, Bits<128>>,
    prev: Signal<Local, Bits<128>>,
    block: Signal<Local, Bits<128>>,
    poly: Constant<Bits<128>>,
}

impl $name {
    fn with(aes: $core) -> Self {
        $name {
            clock: Default::default(),
            zeroize: Default::default(),
            key: Default::default(),
            key_valid: Default::default(),
            key_ready: Default::default(),
            key_loaded: Default::default(),
            s_data: Default::default(),
            s_keep: Default::default(),
            s_last: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            tag_keep: Default::default(),
            tag: Default::default(),
            tag_pass: Default::default(),
            tag_valid: Default::default(),
            tag_ready: Default::default(),
            tag_in: Default::default(),
            aes,
            inmask: Default::default(),
            tagmask: Default::default(),
            state: Default::default(),
            k1: Default::default(),
            req: Default::default(),
            busy: Default::default(),
            last: Default::default(),
            chain: Default::default(),
            full_tag: Default::default(),
            k2: Default::default(),
            l_dbl: Default::default(),
            prev: Default::default(),
            block: Default::default(),
            poly: Constant::new(0x87.into()),
        }
    }
}

impl Logic for $name {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, state, k1, req, busy, last, chain, full_tag);
        self.aes.clock.next = self.clock.val();
        self.aes.zeroize.next = self.zeroize.val();
        self.aes.flush.next = false;
        self.aes.key.next = self.key.val();
        self.aes.key_valid.next = false;
        self.aes.m_ready.next = true;
        self.inmask.keep.next = self.s_keep.val();
        self.tagmask.keep.next = self.tag_keep.val();
        // dbl: shift left, reduce with 0x87 when the top bit falls out.
        if self.aes.m_data.val().get_bit(127) {
            self.l_dbl.next = (self.aes.m_data.val() << 1) ^ self.poly.val();
        } else {
            self.l_dbl.next = self.aes.m_data.val() << 1;
        }
        if self.k1.q.val().get_bit(127) {
            self.k2.next = (self.k1.q.val() << 1) ^ self.poly.val();
        } else {
            self.k2.next = self.k1.q.val() << 1;
        }
        // The chaining value: the cipher output arriving now, or the held one.
        if self.aes.m_valid.val() {
            self.prev.next = self.aes.m_data.val();
        } else {
            self.prev.next = self.chain.q.val();
        }
        if !self.s_last.val() {
            self.block.next = self.s_data.val();
        } else if self.inmask.count.val() == 16 {
            self.block.next = self.s_data.val() ^ self.k1.q.val();
        } else {
            self.block.next = (self.s_data.val() & self.inmask.mask.val())
                ^ self.inmask.pad.val()
                ^ self.k2.val();
        }
        self.aes.s_data.next = self.prev.val() ^ self.block.val();
        self.aes.s_valid.next = false;
        self.s_ready.next = false;
        self.tag.next = self.full_tag.q.val() & self.tagmask.mask.val();
        self.tag_pass.next =
            ((self.full_tag.q.val() ^ self.tag_in.val()) & self.tagmask.mask.val()) == 0;
        self.tag_valid.next = self.state.q.val() == CmacState::Tag;
        self.key_ready.next = (self.state.q.val() != CmacState::Subkey)
            & (self.state.q.val() != CmacState::Tag)
            & !self.busy.q.val()
            & self.aes.key_ready.val()
            & !self.zeroize.val();
        self.key_loaded.next =
            (self.state.q.val() == CmacState::Data) | (self.state.q.val() == CmacState::Tag);
        if self.aes.m_valid.val() {
            self.chain.d.next = self.aes.m_data.val();
            self.busy.d.next = false;
        }
        match self.state.q.val() {
            CmacState::Subkey => {
                self.aes.s_data.next = 0.into();
                self.aes.s_valid.next = !self.req.q.val() & self.aes.key_loaded.val();
                if self.aes.s_ready.val() {
                    self.req.d.next = true;
                }
                if self.aes.m_valid.val() {
                    self.k1.d.next = self.l_dbl.val();
                    self.chain.d.next = 0.into();
                    self.state.d.next = CmacState::Data;
                }
            }
            CmacState::Data => {
                if self.busy.q.val() & self.aes.m_valid.val() & self.last.q.val() {
                    // The message's last block: the tag.
                    self.full_tag.d.next = self.aes.m_data.val();
                    self.chain.d.next = 0.into();
                    self.state.d.next = CmacState::Tag;
                } else if !self.busy.q.val() | self.aes.m_valid.val() {
                    self.s_ready.next = self.aes.s_ready.val();
                    self.aes.s_valid.next = self.s_valid.val();
                    if self.s_valid.val() & self.aes.s_ready.val() {
                        self.busy.d.next = true;
                        self.last.d.next = self.s_last.val();
                    }
                }
            }
            CmacState::Tag => {
                if self.tag_ready.val() {
                    self.state.d.next = CmacState::Data;
                }
            }
            _ => {}
        }
        if self.key_valid.val() & self.key_ready.val() {
            self.aes.key_valid.next = true;
            self.req.d.next = false;
            self.state.d.next = CmacState::Subkey;
        }
        if self.zeroize.val() {
            self.state.d.next = CmacState::Init;
            self.k1.d.next = 0.into();
            self.chain.d.next = 0.into();
            self.full_tag.d.next = 0.into();
            self.busy.d.next = false;
            self.last.d.next = false;
        }
    }
}
    };
}
cmac_engine!(
    /// AES-CMAC engine on the iterative AES core.
    Cmac,
    AesIterative
);
cmac_engine!(
    /// AES-CMAC engine on the column-serial AES core (the smallest parts).
    CmacSerial,
    AesSerial
);

impl Cmac {
    pub fn new(key_bits: usize, form: SboxForm) -> Self {
        Cmac::with(AesIterative::new(key_bits, form))
    }
}

impl CmacSerial {
    pub fn new(key_bits: usize, form: SboxForm) -> Self {
        CmacSerial::with(AesSerial::new(key_bits, form))
    }
}
