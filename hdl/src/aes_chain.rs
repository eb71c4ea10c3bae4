//! The column-serial AES core ([`crate::aes_serial`]) in its chaining
//! form, for the byte-serial TX and RX's CMAC: the chain value lives in
//! the core's state register instead of a register of its own. Each byte
//! of the message is XORed into the state's top byte and the state
//! rotated a byte left (`x_valid`, `x_data`), so after sixteen bytes the
//! state is chain ⊕ block in AES byte order; `s_valid` then encrypts the
//! state in place (the same rounds, cycles and latency as the core), and
//! `m_data` shows it, the next chain value or the tag.
//!
//! `flush` drops a block in flight and zeroes the state (a new message);
//! a key load zeroes it too (so that E_K(0) follows a load directly).
//! The key comes a word a cycle (see `key`). `x_valid` is for an idle core only (`s_ready`, or no key
//! loaded yet): the blocks using it hold it off while a block is in flight.

use crate::sub_bytes::{SboxForm, SubBytes};
use rust_hdl::prelude::*;

/// Column-serial AES-128/256 with the CMAC chain in its state.
#[derive(LogicBlock)]
pub struct AesChain {
    pub clock: Signal<In, Clock>,
    /// Clear keys and state (as the column-serial core).
    pub zeroize: Signal<In, Bit>,
    /// Drop the block in flight and the output, zero the state; one cycle.
    pub flush: Signal<In, Bit>,
    /// Key word i on `key[255:224]` in the i-th cycle after the key
    /// handshake's edge (the rest unused).
    pub key: Signal<In, Bits<256>>,
    pub key_valid: Signal<In, Bit>,
    pub key_ready: Signal<Out, Bit>,
    pub key_loaded: Signal<Out, Bit>,
    /// Absorb `x_data` into the state (idle core only).
    pub x_valid: Signal<In, Bit>,
    pub x_data: Signal<In, Bits<8>>,
    /// Encrypt the state in place.
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// The state, byte 0 in `m_data[127:120]`.
    pub m_data: Signal<Out, Bits<128>>,
    /// The state holds the last block's ciphertext, until `m_ready`.
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub(crate) sub: SubBytes<32>,
    pub(crate) _key_bits: usize,
}

impl AesChain {
    pub fn new(key_bits: usize, form: SboxForm) -> Self {
        assert!(key_bits == 128 || key_bits == 256, "AES-128 or AES-256");
        AesChain {
            clock: Default::default(),
            zeroize: Default::default(),
            flush: Default::default(),
            key: Default::default(),
            key_valid: Default::default(),
            key_ready: Default::default(),
            key_loaded: Default::default(),
            x_valid: Default::default(),
            x_data: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            m_data: Default::default(),
            m_valid: Default::default(),
            m_ready: Default::default(),
            sub: SubBytes::new(form),
            _key_bits: key_bits,
        }
    }
}
