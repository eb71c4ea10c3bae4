//! AES-CTR (SP 800-38A §6.5) on a byte-enabled stream, with GCM's counter
//! (SP 800-38D): the counter block is a 96-bit nonce ‖ a 32-bit counter,
//! and only the low 32 bits count (inc32, wrapping).
//!
//! A message: `start` with the initial counter block, then beats on `s_*`
//! with `s_keep` (whole beats but the last) and `s_last` on the final
//! one; every beat comes out on `m_*` with the same `keep` and `last`,
//! the bytes beyond `keep` zero. A message with no bytes is one beat with
//! `s_keep = 0` and `s_last`. Encryption and decryption are the same.
//!
//! The counter runs ahead: from `start`, counter blocks enter the AES core
//! whenever it takes one, so on the pipelined core a beat passes every
//! cycle once the first keystream block is out (AES latency + 1 cycles
//! after `start`); on the iterative core one beat per Nr + 1 cycles. At
//! the last beat the keystream computed beyond the message is dropped
//! (`flush`), so the next message needs only a new `start`, and a new key
//! only waits for the current message to end. `zeroize` clears keys, the
//! counter and the output register.
//!
//! The Verilog is the design (the glue in `hdl()`), verified in Verilator
//! cosimulation against the golden model; rust-hdl's simulation of this
//! block holds its outputs low.

use crate::aes_iterative::{AesCore, AesIterative};
use crate::aes_pipelined::AesPipelined;
use crate::aes_serial::AesSerial;
use crate::byte_mask::ByteMask;
use crate::sub_bytes::SboxForm;
use rust_hdl::prelude::*;

/// AES-CTR on the AES core `A` ([`AesIterative`], [`AesPipelined`] or
/// [`AesSerial`]).
#[derive(LogicBlock)]
pub struct Ctr<A: AesCore> {
    pub clock: Signal<In, Clock>,
    /// Clear keys, the counter and the output.
    pub zeroize: Signal<In, Bit>,
    /// Cipher key, byte 0 in `key[255:248]`; AES-128 uses `key[255:128]`.
    pub key: Signal<In, Bits<256>>,
    pub key_valid: Signal<In, Bit>,
    /// A key can be taken (between messages).
    pub key_ready: Signal<Out, Bit>,
    pub key_loaded: Signal<Out, Bit>,
    /// Initial counter block (nonce ‖ counter), byte 0 in `counter[127:120]`.
    pub counter: Signal<In, Bits<128>>,
    pub start_valid: Signal<In, Bit>,
    /// Low while `key_valid` is high (a key load comes first).
    pub start_ready: Signal<Out, Bit>,
    pub s_data: Signal<In, Bits<128>>,
    pub s_keep: Signal<In, Bits<16>>,
    pub s_last: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// `s_data` XOR the keystream, bytes beyond `m_keep` zero.
    pub m_data: Signal<Out, Bits<128>>,
    pub m_keep: Signal<Out, Bits<16>>,
    pub m_last: Signal<Out, Bit>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    aes: A,
    inmask: ByteMask,
}

impl Ctr<AesIterative> {
    pub fn iterative(key_bits: usize, form: SboxForm) -> Self {
        Ctr::with(AesIterative::new(key_bits, form))
    }
}

impl Ctr<AesPipelined> {
    pub fn pipelined(key_bits: usize, form: SboxForm, stages_per_round: usize) -> Self {
        Ctr::with(AesPipelined::new(key_bits, form, stages_per_round))
    }
}

impl Ctr<AesSerial> {
    pub fn serial(key_bits: usize, form: SboxForm) -> Self {
        Ctr::with(AesSerial::new(key_bits, form))
    }
}

impl<A: AesCore> Ctr<A> {
    fn with(aes: A) -> Self {
        Ctr {
            clock: Default::default(),
            zeroize: Default::default(),
            key: Default::default(),
            key_valid: Default::default(),
            key_ready: Default::default(),
            key_loaded: Default::default(),
            counter: Default::default(),
            start_valid: Default::default(),
            start_ready: Default::default(),
            s_data: Default::default(),
            s_keep: Default::default(),
            s_last: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            m_data: Default::default(),
            m_keep: Default::default(),
            m_last: Default::default(),
            m_valid: Default::default(),
            m_ready: Default::default(),
            aes,
            inmask: Default::default(),
        }
    }
}

impl<A: AesCore> Logic for Ctr<A> {
    fn update(&mut self) {
        self.aes.set_clock(self.clock.val());
        self.inmask.keep.next = self.s_keep.val();
    }

    fn connect(&mut self) {
        for s in [
            &mut self.key_ready,
            &mut self.key_loaded,
            &mut self.start_ready,
            &mut self.s_ready,
            &mut self.m_last,
            &mut self.m_valid,
        ] {
            s.connect();
        }
        self.m_data.connect();
        self.m_keep.connect();
        self.aes.claim_inputs();
        self.inmask.keep.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            r#"reg running;
reg [127:0] ctr, out_data;
reg [15:0] out_keep;
reg out_last, out_valid;
initial begin
  running = 0; ctr = 0; out_data = 0; out_keep = 0; out_last = 0; out_valid = 0;
end
wire empty = inmask$count == 5'd0;
wire out_free = ~out_valid | m_ready;
wire take = s_valid & s_ready;
wire kr = ~running & aes$key_ready & ~zeroize;
always @(*) begin
  aes$clock = clock;
  aes$zeroize = zeroize;
  aes$key = key;
  aes$key_valid = key_valid & kr;
  aes$flush = take & s_last;
  aes$s_data = ctr;
  aes$s_valid = running;
  aes$m_ready = take & ~empty;
  inmask$keep = s_keep;
  key_ready = kr;
  key_loaded = aes$key_loaded;
  start_ready = ~running & aes$key_loaded & ~key_valid & ~zeroize;
  s_ready = running & out_free & (empty | aes$m_valid) & ~zeroize;
  m_data = out_data;
  m_keep = out_keep;
  m_last = out_last;
  m_valid = out_valid;
end
always @(posedge clock) begin
  if (m_ready) out_valid <= 1'b0;
  if (aes$s_valid & aes$s_ready) ctr[31:0] <= ctr[31:0] + 32'd1;
  if (start_valid & start_ready) begin
    ctr <= counter;
    running <= 1'b1;
  end
  if (take) begin
    out_data <= (s_data ^ aes$m_data) & inmask$mask;
    out_keep <= s_keep;
    out_last <= s_last;
    out_valid <= 1'b1;
    if (s_last) running <= 1'b0;
  end
  if (zeroize) begin
    running <= 1'b0;
    ctr <= 128'd0;
    out_data <= 128'd0;
    out_keep <= 16'd0;
    out_valid <= 1'b0;
  end
end
"#
            .to_string(),
        )
    }
}
