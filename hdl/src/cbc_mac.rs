//! The CMAC suites' MAC unit of the TX and RX (spec §5: `tag =
//! MSB_T(AES-CMAC_K(M))`), with no cipher of its own: it chains blocks
//! through the top's AES core (`a_*` out, `r_*` back), so a CMAC
//! instance has one AES core, as a GMAC one does.
//!
//! Its stream side is GHASH's ([`crate::ghash::Ghash`]), so the tops'
//! control drives either unit alike: records and trailers as whole
//! blocks on `s_*`, then one beat with `s_last` whose data is ignored
//! (where GHASH takes its length block). A scope's M is records of whole
//! blocks (record header, covered bytes padded with zeros) and trailer
//! blocks (spec §4), so M is a non-empty multiple of 16 bytes and its
//! last block is always whole: CMAC's last block is XORed with K1 and K2
//! is never used. The unit holds each block until the next beat shows
//! whether it was the last.
//!
//! A data-type scope (spec §4) is built a record at a time, records of
//! other scopes in between: a record's last block comes with `s_last`
//! and `s_part` (a partial close): it is a data block, chained without
//! K1, and `y` is the chaining value, which the top keeps and XORs into
//! the scope's next first block (CBC-MAC resumed). GHASH needs no such
//! flag (its `y` after the last data block is the value to resume from).
//!
//! Key: `h` takes L = E_K(0) (the same request a GMAC top makes for H)
//! and keeps K1 = dbl(L). `zeroize` clears K1, the chaining value, the
//! held block and the tag in one cycle.
//!
//! Throughput: one block per AES latency + 1 cycles (the chain is a
//! feedback loop through the core): 12 cycles per block on the iterative
//! AES-128 core.

use rust_hdl::prelude::*;

/// CBC-MAC with CMAC's last-block K1, on the parent's AES core.
#[derive(LogicBlock)]
pub struct CbcMac {
    pub clock: Signal<In, Clock>,
    /// Clear K1 and all state (one cycle).
    pub zeroize: Signal<In, Bit>,
    /// L = E_K(0), AES byte order (byte 0 in `h[127:120]`), taken on
    /// `h_valid`.
    pub h: Signal<In, Bits<128>>,
    pub h_valid: Signal<In, Bit>,
    /// Always high (K1 is one shift and XOR away).
    pub h_ready: Signal<Out, Bit>,
    /// K1 is held: messages are taken.
    pub h_loaded: Signal<Out, Bit>,
    /// Message block, AES byte order; with `s_last`, the close (data
    /// ignored).
    pub s_data: Signal<In, Bits<128>>,
    pub s_last: Signal<In, Bit>,
    /// With `s_last`: a partial close; this beat is a data block, chained
    /// without K1, and `y` is the chaining value after it.
    pub s_part: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// The full 16-byte CMAC, AES byte order, held until `y_ready`.
    pub y: Signal<Out, Bits<128>>,
    pub y_valid: Signal<Out, Bit>,
    pub y_ready: Signal<In, Bit>,
    /// Block to encrypt (chain ⊕ block [⊕ K1]), to the AES core's input.
    pub a_data: Signal<Out, Bits<128>>,
    pub a_valid: Signal<Out, Bit>,
    pub a_ready: Signal<In, Bit>,
    /// The AES core's output; taken while `r_ready` (a block in flight).
    pub r_data: Signal<In, Bits<128>>,
    pub r_valid: Signal<In, Bit>,
    pub r_ready: Signal<Out, Bit>,
    k1: DFF<Bits<128>>,
    loaded: DFF<Bit>,
    hold: DFF<Bits<128>>,
    held: DFF<Bit>,
    busy: DFF<Bit>,
    fin: DFF<Bit>,
    /// A partial close is due: the held block goes out by itself, then `y`.
    pend: DFF<Bit>,
    chain: DFF<Bits<128>>,
    tag: DFF<Bits<128>>,
    tag_valid: DFF<Bit>,
    free: Signal<Local, Bit>,
    poly: Constant<Bits<128>>,
}

impl Default for CbcMac {
    fn default() -> Self {
        CbcMac {
            clock: Default::default(),
            zeroize: Default::default(),
            h: Default::default(),
            h_valid: Default::default(),
            h_ready: Default::default(),
            h_loaded: Default::default(),
            s_data: Default::default(),
            s_last: Default::default(),
            s_part: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            y: Default::default(),
            y_valid: Default::default(),
            y_ready: Default::default(),
            a_data: Default::default(),
            a_valid: Default::default(),
            a_ready: Default::default(),
            r_data: Default::default(),
            r_valid: Default::default(),
            r_ready: Default::default(),
            k1: Default::default(),
            loaded: Default::default(),
            hold: Default::default(),
            held: Default::default(),
            busy: Default::default(),
            fin: Default::default(),
            pend: Default::default(),
            chain: Default::default(),
            tag: Default::default(),
            tag_valid: Default::default(),
            free: Default::default(),
            poly: Constant::new(0x87.into()),
        }
    }
}

impl CbcMac {
    /// Mark every input as driven by the parent (custom glue).
    pub fn claim_inputs(&mut self) {
        for s in [
            &mut self.zeroize,
            &mut self.h_valid,
            &mut self.s_last,
            &mut self.s_part,
            &mut self.s_valid,
            &mut self.y_ready,
            &mut self.a_ready,
            &mut self.r_valid,
        ] {
            s.connect();
        }
        self.clock.connect();
        self.h.connect();
        self.s_data.connect();
        self.r_data.connect();
    }
}

impl Logic for CbcMac {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, k1, loaded, hold, held, busy, fin, pend, chain, tag, tag_valid
        );
        // Nothing in flight, no tag waiting: the next beat can be taken.
        self.free.next = self.loaded.q.val()
            & !self.busy.q.val()
            & !self.fin.q.val()
            & !self.tag_valid.q.val()
            & !self.pend.q.val();
        if self.s_last.val() & !self.s_part.val() & !self.pend.q.val() {
            self.a_data.next = self.chain.q.val() ^ self.hold.q.val() ^ self.k1.q.val();
        } else {
            self.a_data.next = self.chain.q.val() ^ self.hold.q.val();
        }
        // A beat sends the held block on, so it needs the core; a partial
        // close sends its last block by itself once the core is free.
        self.a_valid.next = (self.s_valid.val() & self.free.val() & self.held.q.val())
            | (self.pend.q.val() & !self.busy.q.val());
        self.s_ready.next = self.free.val() & (!self.held.q.val() | self.a_ready.val());
        self.r_ready.next = self.busy.q.val();
        self.y.next = self.tag.q.val();
        self.y_valid.next = self.tag_valid.q.val();
        self.h_ready.next = true;
        self.h_loaded.next = self.loaded.q.val();
        if self.s_valid.val() & self.s_ready.val() {
            if self.held.q.val() {
                self.busy.d.next = true;
            }
            if self.s_last.val() & !self.s_part.val() {
                self.held.d.next = false;
                if self.held.q.val() {
                    self.fin.d.next = true;
                } else {
                    // An empty message (never sent by the tops): tag 0.
                    self.tag.d.next = 0.into();
                    self.tag_valid.d.next = true;
                }
            } else {
                self.hold.d.next = self.s_data.val();
                self.held.d.next = true;
                if self.s_last.val() {
                    self.pend.d.next = true;
                }
            }
        }
        if self.pend.q.val() & !self.busy.q.val() & self.a_ready.val() {
            self.pend.d.next = false;
            self.held.d.next = false;
            self.busy.d.next = true;
            self.fin.d.next = true;
        }
        if self.r_valid.val() & self.busy.q.val() {
            self.busy.d.next = false;
            if self.fin.q.val() {
                self.tag.d.next = self.r_data.val();
                self.tag_valid.d.next = true;
                self.fin.d.next = false;
                self.chain.d.next = 0.into();
            } else {
                self.chain.d.next = self.r_data.val();
            }
        }
        if self.tag_valid.q.val() & self.y_ready.val() {
            self.tag_valid.d.next = false;
        }
        if self.h_valid.val() {
            if self.h.val().get_bit(127) {
                self.k1.d.next = (self.h.val() << 1) ^ self.poly.val();
            } else {
                self.k1.d.next = self.h.val() << 1;
            }
            self.loaded.d.next = true;
        }
        if self.zeroize.val() {
            self.k1.d.next = 0.into();
            self.loaded.d.next = false;
            self.hold.d.next = 0.into();
            self.held.d.next = false;
            self.busy.d.next = false;
            self.fin.d.next = false;
            self.pend.d.next = false;
            self.chain.d.next = 0.into();
            self.tag.d.next = 0.into();
            self.tag_valid.d.next = false;
        }
    }
}
