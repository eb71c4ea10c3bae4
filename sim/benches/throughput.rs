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

/// Best of `n` runs of `f` and of `reference`, alternated so that both
/// see the same machine load; in seconds.
fn best_pair<A, B>(
    n: usize,
    mut f: impl FnMut() -> A,
    mut reference: impl FnMut() -> B,
) -> (f64, f64) {
    let time = |g: &mut dyn FnMut()| {
        let t = Instant::now();
        g();
        t.elapsed().as_secs_f64()
    };
    let (mut a, mut b) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..n {
        a = a.min(time(&mut || {
            std::hint::black_box(f());
        }));
        b = b.min(time(&mut || {
            std::hint::black_box(reference());
        }));
    }
    (a, b)
}

fn context(suite: &str, sv: u8, crc32: bool) -> Context {
    let key = if suite.ends_with("256") {
        "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"
    } else {
        "000102030405060708090a0b0c0d0e0f"
    };
    Context::from_json(&format!(
        r#"{{"protocol": "sep", "streams": [{{"stream": 0, "suite": "{suite}", "crc32": {crc32},
        "keys": [{{"key_id": 1, "key": "{key}"}}], "active_key_id": 1, "frames": [{{"sv": [{sv}, {sv}, {sv}]}}]}}]}}"#
    ))
    .unwrap()
}

fn main() {
    let runs = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let spec = FrameSpec {
        width: 1920,
        height: 1080,
        format: PixelFormat::Raw10,
        frames: 4,
        stream: 0,
        embedded_top: 2,
        embedded_bottom: 2,
        seed: 0,
    };
    let mut input = Vec::new();
    generate(&spec, &mut input);
    let n = input.len();
    let gcm = aes_gcm::Aes128Gcm::new_from_slice(&[7; 16]).unwrap();
    let mut buf = input.clone();
    let mut reference = || {
        gcm.encrypt_inout_detached(&[1; 12].into(), &[], (&mut buf[..]).into())
            .unwrap()
    };
    let mb = |t: f64| n as f64 / t / 1e6;
    println!(
        "input: 4 frames of 1920x1080 RAW10, {n} bytes; best of {runs} runs, each alternated with the reference"
    );
    println!(
        "reference: aes-gcm 0.11 AES-128-GCM encrypting the same bytes as one message, measured beside every row"
    );
    println!();
    println!(
        "| suite | SV | crc32 | protect / aes-gcm | verify / aes-gcm | protect MB/s | verify MB/s | aes-gcm MB/s |"
    );
    println!("|---|---|---|---|---|---|---|---|");
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
                let (tp, r1) = best_pair(
                    runs,
                    || csi2sec_sim::protect(&ctx, &input).unwrap(),
                    &mut reference,
                );
                let (tv, r2) = best_pair(runs, || csi2sec_sim::verify(&ctx, &wire), &mut reference);
                let r = r1.min(r2);
                println!(
                    "| {suite} | {sv} | {} | {:.2} | {:.2} | {:.0} | {:.0} | {:.0} |",
                    if crc32 { "on" } else { "off" },
                    r / tp,
                    r / tv,
                    mb(tp),
                    mb(tv),
                    mb(r)
                );
            }
        }
    }
}
