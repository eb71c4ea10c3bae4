//! Protect and verify throughput of the golden model on a synthetic
//! 1920×1080 RAW10 stream of 4 frames, per suite and SV, beside RustCrypto's
//! `aes-gcm` encrypting the same bytes in the same run. Figures are printed
//! as ratios to that reference, so they compare across machines.
//!
//! `cargo bench -p csi2sec-sim` (or `make bench`).

use aes_gcm::aead::{AeadInOut, KeyInit};
use csi2sec_sim::context::Context;
use csi2sec_sim::frames::{FrameSpec, PixelFormat, generate};
use std::time::Instant;

/// Best of `n` runs, in seconds.
fn best<T>(n: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn context(suite: &str, sv: u8, crc32: bool) -> Context {
    let key = if suite.ends_with("256") { "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4" } else { "000102030405060708090a0b0c0d0e0f" };
    Context::from_json(&format!(
        r#"{{"protocol": "sep", "streams": [{{"stream": 0, "suite": "{suite}", "crc32": {crc32},
        "keys": [{{"key_id": 1, "key": "{key}"}}], "active_key_id": 1, "frames": [{{"sv": [{sv}, {sv}, {sv}]}}]}}]}}"#
    ))
    .unwrap()
}

fn main() {
    let runs = std::env::var("BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(7);
    let spec = FrameSpec { width: 1920, height: 1080, format: PixelFormat::Raw10, frames: 4, stream: 0, embedded_top: 2, embedded_bottom: 2, seed: 0 };
    let mut input = Vec::new();
    generate(&spec, &mut input);
    let n = input.len();
    let gcm = aes_gcm::Aes128Gcm::new_from_slice(&[7; 16]).unwrap();
    let mut buf = input.clone();
    let t_ref = best(runs, || gcm.encrypt_inout_detached(&[1; 12].into(), &[], (&mut buf[..]).into()).unwrap());
    let ref_mbs = n as f64 / t_ref / 1e6;
    println!("input: 4 frames of 1920x1080 RAW10, {n} bytes; best of {runs} runs");
    println!("reference: aes-gcm 0.11 AES-128-GCM encrypt of the same bytes: {ref_mbs:.0} MB/s (= 1.00)");
    println!();
    println!("| suite | SV | crc32 | protect MB/s | protect / aes-gcm | verify MB/s | verify / aes-gcm |");
    println!("|---|---|---|---|---|---|---|");
    for suite in ["gmac-128", "gmac-256", "cmac-128", "cmac-256"] {
        for sv in 1..=5u8 {
            if sv == 1 && suite.starts_with("cmac") {
                continue;
            }
            for crc32 in [false, true] {
                if crc32 && !(sv == 2 && suite == "gmac-128") {
                    continue;
                }
                let ctx = context(suite, sv, crc32);
                let (wire, _) = csi2sec_sim::protect(&ctx, &input).unwrap();
                let tp = best(runs, || csi2sec_sim::protect(&ctx, &input).unwrap());
                let tv = best(runs, || csi2sec_sim::verify(&ctx, &wire));
                let (p, v) = (n as f64 / tp / 1e6, n as f64 / tv / 1e6);
                println!("| {suite} | {sv} | {} | {p:.0} | {:.2} | {v:.0} | {:.2} |", if crc32 { "on" } else { "off" }, p / ref_mbs, v / ref_mbs);
            }
        }
    }
}
