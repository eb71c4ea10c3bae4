//! # csi2sec-sim — the golden model of csi2sec/1
//!
//! A bit-exact software model of the CSI-2 security wire format of
//! `shared/spec/wire-format.md`: the CSI-2 packet layer ([`packet`],
//! [`ecc`], [`crc`]), the crypto of the four suites ([`crypto`]) and the
//! step functions the RTL is compared with ([`steps`]), the security
//! context ([`context`]), every wire layout ([`layout`]), the TX
//! ([`tx::protect`]) and the RX ([`rx::verify`]).

pub mod context;
pub mod crc;
pub mod crypto;
pub mod ecc;
pub mod frames;
pub mod kat;
pub mod layout;
pub mod packet;
pub mod random;
pub mod rx;
pub mod scope;
pub mod steps;
pub mod tx;

pub use context::Context;
pub use rx::{Verdict, verify};
pub use tx::protect;
