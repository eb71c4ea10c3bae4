//! AES-GCM (SP 800-38D) encrypt and decrypt with tag check, 96-bit IVs,
//! AAD and text of any length with byte enables, on the iterative AES
//! core and a single-cycle GF(2^128) multiplier. GMAC is GCM with AAD only.
//!
//! A message: one `start` (IV and direction), then beats
//! on `s_*`: AAD beats (`s_aad` high) then text beats; `s_last` on the
//! message's final beat. Every beat is whole (`s_keep = 16'hffff`) except
//! the last AAD beat and the last text beat. A message with neither AAD
//! nor text is one beat with `s_keep = 0` and `s_last`.
//!
//! Text comes out on `m_*` (ciphertext when encrypting, plaintext when
//! decrypting), one beat per text beat with the same `keep`, `m_last` on
//! the beat that had `s_last`; AAD is not echoed. Then `tag` with
//! `tag_valid` until `tag_ready`: the tag with the bytes beyond
//! `tag_keep` zeroed, and `tag_pass`, true when those bytes equal
//! `tag_in`'s (read while `tag_valid`). Decrypted text is released before
//! the tag is checked, as in any streaming GCM: the consumer discards it
//! when `tag_pass` is low.
//!
//! Throughput: one text block per Nr + 1 cycles (the keystream block for
//! the next counter is computed while the current one waits), one AAD
//! block per cycle. Key load: the AES key expansion, then `H = E_K(0)`.
//! `zeroize` clears keys, H, the hash state and every output register.

use crate::aes_iterative::AesIterative;
use crate::byte_mask::ByteMask;
use crate::gf_mul::GfMul;
use crate::sub_bytes::SboxForm;
use rust_hdl::prelude::*;

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum GcmState {
    /// No key.
    Init,
    /// Computing H = E_K(0).
    HashKey,
    /// Waiting for `start`.
    Idle,
    /// Encrypting J0 (for the tag).
    Start,
    /// Taking beats.
    Data,
    /// GHASH of the length block.
    Final,
    /// Tag out.
    Tag,
}

/// AES-GCM engine (iterative AES).
#[derive(LogicBlock)]
pub struct Gcm {
    pub clock: Signal<In, Clock>,
    /// Clear keys, H and state.
    pub zeroize: Signal<In, Bit>,
    /// Cipher key, byte 0 in `key[255:248]`; AES-128 uses `key[255:128]`.
    pub key: Signal<In, Bits<256>>,
    pub key_valid: Signal<In, Bit>,
    /// A key can be taken (between messages).
    pub key_ready: Signal<Out, Bit>,
    /// Round keys and H are ready.
    pub key_loaded: Signal<Out, Bit>,
    /// Message start: 96-bit IV, byte 0 in `iv[95:88]`.
    pub iv: Signal<In, Bits<96>>,
    /// Decrypt (text in is ciphertext) when high.
    pub decrypt: Signal<In, Bit>,
    pub start_valid: Signal<In, Bit>,
    /// Low while `key_valid` is high (a key load comes first).
    pub start_ready: Signal<Out, Bit>,
    /// Input beats.
    pub s_data: Signal<In, Bits<128>>,
    pub s_keep: Signal<In, Bits<16>>,
    /// This beat is AAD.
    pub s_aad: Signal<In, Bit>,
    pub s_last: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// Text out (bytes beyond `m_keep` are zero).
    pub m_data: Signal<Out, Bits<128>>,
    pub m_keep: Signal<Out, Bits<16>>,
    pub m_last: Signal<Out, Bit>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    /// Tag (truncated to `tag_keep`), and the check against `tag_in`.
    pub tag: Signal<Out, Bits<128>>,
    pub tag_pass: Signal<Out, Bit>,
    pub tag_valid: Signal<Out, Bit>,
    pub tag_ready: Signal<In, Bit>,
    /// Tag bytes kept and compared (`keep` convention: 16'hffff all 16,
    /// 16'hfff0 the first 12), read while `tag_valid`.
    pub tag_keep: Signal<In, Bits<16>>,
    /// Expected tag for decryption, read while `tag_valid`.
    pub tag_in: Signal<In, Bits<128>>,
    aes: AesIterative,
    gmul: GfMul,
    inmask: ByteMask,
    tagmask: ByteMask,
    state: DFF<GcmState>,
    h: DFF<Bits<128>>,
    h_req: DFF<Bit>,
    ctr: DFF<Bits<128>>,
    ej0: DFF<Bits<128>>,
    ej0_ok: DFF<Bit>,
    y: DFF<Bits<128>>,
    len_a: DFF<Bits<32>>,
    len_c: DFF<Bits<32>>,
    dec: DFF<Bit>,
    out_data: DFF<Bits<128>>,
    out_keep: DFF<Bits<16>>,
    out_last: DFF<Bit>,
    out_valid: DFF<Bit>,
    take: Signal<Local, Bit>,
    masked: Signal<Local, Bits<128>>,
    text: Signal<Local, Bits<128>>,
    full_tag: Signal<Local, Bits<128>>,
    ctr_lo: Signal<Local, Bits<32>>,
}

impl Gcm {
    pub fn new(key_bits: usize, form: SboxForm) -> Self {
        Gcm {
            clock: Default::default(),
            zeroize: Default::default(),
            key: Default::default(),
            key_valid: Default::default(),
            key_ready: Default::default(),
            key_loaded: Default::default(),
            iv: Default::default(),
            decrypt: Default::default(),
            start_valid: Default::default(),
            start_ready: Default::default(),
            s_data: Default::default(),
            s_keep: Default::default(),
            s_aad: Default::default(),
            s_last: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            m_data: Default::default(),
            m_keep: Default::default(),
            m_last: Default::default(),
            m_valid: Default::default(),
            m_ready: Default::default(),
            tag: Default::default(),
            tag_pass: Default::default(),
            tag_valid: Default::default(),
            tag_ready: Default::default(),
            tag_keep: Default::default(),
            tag_in: Default::default(),
            aes: AesIterative::new(key_bits, form),
            gmul: Default::default(),
            inmask: Default::default(),
            tagmask: Default::default(),
            state: Default::default(),
            h: Default::default(),
            h_req: Default::default(),
            ctr: Default::default(),
            ej0: Default::default(),
            ej0_ok: Default::default(),
            y: Default::default(),
            len_a: Default::default(),
            len_c: Default::default(),
            dec: Default::default(),
            out_data: Default::default(),
            out_keep: Default::default(),
            out_last: Default::default(),
            out_valid: Default::default(),
            take: Default::default(),
            masked: Default::default(),
            text: Default::default(),
            full_tag: Default::default(),
            ctr_lo: Default::default(),
        }
    }
}

impl Logic for Gcm {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, state, h, h_req, ctr, ej0, ej0_ok, y, len_a, len_c, dec, out_data,
            out_keep, out_last, out_valid
        );
        self.aes.clock.next = self.clock.val();
        self.aes.zeroize.next = self.zeroize.val();
        self.aes.flush.next = false;
        self.aes.key.next = self.key.val();
        self.aes.key_valid.next = false;
        self.aes.s_valid.next = false;
        self.aes.s_data.next = self.ctr.q.val();
        self.aes.m_ready.next = false;
        self.inmask.keep.next = self.s_keep.val();
        self.tagmask.keep.next = self.tag_keep.val();
        self.masked.next = self.s_data.val() & self.inmask.mask.val();
        // Text out: the beat XOR the keystream waiting in the AES output.
        self.text.next = self.masked.val() ^ (self.aes.m_data.val() & self.inmask.mask.val());
        self.gmul.y.next = self.h.q.val();
        if self.s_aad.val() | self.dec.q.val() {
            self.gmul.x.next = self.y.q.val() ^ self.masked.val();
        } else {
            self.gmul.x.next = self.y.q.val() ^ self.text.val();
        }
        // inc32: the low 32 bits wrap on their own.
        self.ctr_lo.next = self.ctr.q.val().get_bits::<32>(0) + 1;
        self.full_tag.next = self.y.q.val() ^ self.ej0.q.val();
        self.tag.next = self.full_tag.val() & self.tagmask.mask.val();
        self.tag_pass.next =
            ((self.full_tag.val() ^ self.tag_in.val()) & self.tagmask.mask.val()) == 0;
        self.tag_valid.next = self.state.q.val() == GcmState::Tag;
        self.m_data.next = self.out_data.q.val();
        self.m_keep.next = self.out_keep.q.val();
        self.m_last.next = self.out_last.q.val();
        self.m_valid.next = self.out_valid.q.val();
        if self.m_ready.val() {
            self.out_valid.d.next = false;
        }
        self.key_ready.next = ((self.state.q.val() == GcmState::Idle)
            | (self.state.q.val() == GcmState::Init))
            & self.aes.key_ready.val()
            & !self.aes.m_valid.val()
            & !self.zeroize.val();
        self.key_loaded.next =
            (self.state.q.val() != GcmState::Init) & (self.state.q.val() != GcmState::HashKey);
        self.start_ready.next = false;
        self.s_ready.next = false;
        self.take.next = false;
        match self.state.q.val() {
            GcmState::Init => {
                if self.key_valid.val() & self.key_ready.val() {
                    self.aes.key_valid.next = true;
                    self.h_req.d.next = false;
                    self.state.d.next = GcmState::HashKey;
                }
            }
            GcmState::HashKey => {
                self.aes.s_data.next = 0.into();
                self.aes.s_valid.next = !self.h_req.q.val() & self.aes.key_loaded.val();
                if self.aes.s_ready.val() {
                    self.h_req.d.next = true;
                }
                if self.aes.m_valid.val() {
                    self.aes.m_ready.next = true;
                    self.h.d.next = self.aes.m_data.val();
                    self.state.d.next = GcmState::Idle;
                }
            }
            GcmState::Idle => {
                // Drop the keystream block left from the last message.
                self.aes.m_ready.next = true;
                self.start_ready.next = self.aes.key_ready.val()
                    & !self.aes.m_valid.val()
                    & !self.key_valid.val()
                    & !self.zeroize.val();
                if self.key_valid.val() & self.key_ready.val() {
                    self.aes.key_valid.next = true;
                    self.h_req.d.next = false;
                    self.state.d.next = GcmState::HashKey;
                } else if self.start_valid.val() & self.start_ready.val() {
                    // J0 = IV || 0^31 || 1.
                    self.ctr.d.next = (bit_cast::<128, 96>(self.iv.val()) << 32) | 1;
                    self.dec.d.next = self.decrypt.val();
                    self.y.d.next = 0.into();
                    self.len_a.d.next = 0.into();
                    self.len_c.d.next = 0.into();
                    self.ej0_ok.d.next = false;
                    self.state.d.next = GcmState::Start;
                }
            }
            GcmState::Start => {
                self.aes.s_valid.next = true;
                if self.aes.s_ready.val() {
                    self.ctr.d.next =
                        ((self.ctr.q.val() >> 32) << 32) | bit_cast::<128, 32>(self.ctr_lo.val());
                    self.state.d.next = GcmState::Data;
                }
            }
            GcmState::Data => {
                // Keystream for the next counter whenever the AES core is free.
                self.aes.s_valid.next = true;
                if self.aes.s_ready.val() {
                    self.ctr.d.next =
                        ((self.ctr.q.val() >> 32) << 32) | bit_cast::<128, 32>(self.ctr_lo.val());
                }
                if !self.ej0_ok.q.val() {
                    if self.aes.m_valid.val() {
                        self.aes.m_ready.next = true;
                        self.ej0.d.next = self.aes.m_data.val();
                        self.ej0_ok.d.next = true;
                    }
                } else {
                    self.s_ready.next =
                        self.aes.m_valid.val() & (!self.out_valid.q.val() | self.m_ready.val());
                    self.take.next = self.s_valid.val() & self.s_ready.val();
                }
                if self.take.val() {
                    if self.inmask.count.val() != 0 {
                        self.y.d.next = self.gmul.z.val();
                    }
                    if self.s_aad.val() {
                        self.len_a.d.next =
                            self.len_a.q.val() + bit_cast::<32, 5>(self.inmask.count.val());
                    } else {
                        self.len_c.d.next =
                            self.len_c.q.val() + bit_cast::<32, 5>(self.inmask.count.val());
                        self.aes.m_ready.next = true;
                        if self.inmask.count.val() != 0 {
                            self.out_data.d.next = self.text.val();
                            self.out_keep.d.next = self.s_keep.val();
                            self.out_last.d.next = self.s_last.val();
                            self.out_valid.d.next = true;
                        }
                    }
                    if self.s_last.val() {
                        self.state.d.next = GcmState::Final;
                    }
                }
            }
            GcmState::Final => {
                // len(A) || len(C) in bits.
                self.gmul.x.next = self.y.q.val()
                    ^ (bit_cast::<128, 32>(self.len_a.q.val()) << 67)
                    ^ (bit_cast::<128, 32>(self.len_c.q.val()) << 3);
                self.y.d.next = self.gmul.z.val();
                self.state.d.next = GcmState::Tag;
            }
            GcmState::Tag => {
                self.aes.m_ready.next = true;
                if self.tag_ready.val() {
                    self.state.d.next = GcmState::Idle;
                }
            }
            _ => {
                self.state.d.next = GcmState::Init;
            }
        }
        if self.zeroize.val() {
            self.state.d.next = GcmState::Init;
            self.h.d.next = 0.into();
            self.ctr.d.next = 0.into();
            self.ej0.d.next = 0.into();
            self.ej0_ok.d.next = false;
            self.y.d.next = 0.into();
            self.out_data.d.next = 0.into();
            self.out_valid.d.next = false;
        }
    }
}
