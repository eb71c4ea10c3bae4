//! The TX on arbitrary bytes, under a context chosen by the first byte.
#![no_main]
use csi2sec_sim::context::Protocol;
use csi2sec_sim::random::{self, Rng};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&seed, rest)) = data.split_first() else { return };
    let protocol = if seed & 1 == 0 { Protocol::Sep } else { Protocol::Fsed };
    let ctx = random::context(&mut Rng::new(seed as u64), protocol, 3, true);
    let _ = csi2sec_sim::protect(&ctx, rest);
});
