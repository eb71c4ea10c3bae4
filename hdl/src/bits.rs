//! Conversions between `u128` and rust-hdl's `Bits<N>` (whose literals
//! are at most 64 bits wide).

use rust_hdl::prelude::*;

/// The low `N` bits of `v` as `Bits<N>`.
pub fn from_u128<const N: usize>(v: u128) -> Bits<N> {
    let v = if N < 128 { v & ((1u128 << N) - 1) } else { v };
    let lo: Bits<N> = ((v as u64) as LiteralType).into();
    if N <= 64 {
        return lo;
    }
    let hi: Bits<N> = (((v >> 64) as u64) as LiteralType).into();
    (hi << 64) | lo
}
