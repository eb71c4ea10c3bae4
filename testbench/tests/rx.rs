//! The RTL RX against the golden model's RX (`csi2sec_sim::rx::verify`),
//! frame by frame: what it gives back byte for byte, and every frame and
//! packet verdict on `tuser`. Streams come from the model's TX (and from
//! the RTL TX in the loop test), then are tampered with, downgraded,
//! replayed or broken the ways spec §6 names.

use csi2sec_hdl::config::Arch;
use csi2sec_hdl::regs::Side;
use csi2sec_sim::context::Context;
use csi2sec_sim::crc::CRC16;
use csi2sec_sim::frames::{FrameSpec, PixelFormat, generate};
use csi2sec_sim::rx::Verdict;
use csi2sec_testbench::drive::Stalls;
use csi2sec_testbench::link::{
    LinkRun, build_link, config_for, packets, rtl_stream, run_link, run_link_packets,
};
use std::path::PathBuf;

fn spec_dir() -> PathBuf {
    std::env::var("CSI2SEC_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec"))
}

fn frames(width: usize, height: usize, n: usize, seed: u64) -> Vec<u8> {
    let spec = FrameSpec {
        width,
        height,
        format: PixelFormat::from_name("raw10").unwrap(),
        frames: n,
        stream: 0,
        embedded_top: 1,
        embedded_bottom: 1,
        seed,
    };
    let mut out = Vec::new();
    generate(&spec, &mut out);
    out
}

fn context(mode: &str, sv: [u8; 3], crc32: bool, tag_len: usize) -> Context {
    let text = format!(
        r#"{{"protocol": "sep", "streams": [{{"stream": 0, "suite": "gmac-128", "tag_mode": "{mode}", "tag_len": {tag_len},
            "crc32": {crc32}, "stride": 2, "keys": [{{"key_id": 1, "key": "000102030405060708090a0b0c0d0e0f"}}],
            "active_key_id": 1, "frames": [{{"sv": [{}, {}, {}]}}, {{"sv": [2, 3, 5]}}]}}]}}"#,
        sv[0], sv[1], sv[2]
    );
    Context::from_json(&text).expect("context")
}

/// Run the protected `wire` through the RTL RX for `ctx` and compare its
/// output and verdicts with the model's RX. Returns the run.
fn check(name: &str, ctx: &Context, wire: &[u8], arch: Arch, stalls: Stalls) -> LinkRun {
    let pkts: Vec<Vec<u8>> = packets(wire, ctx.vcx).iter().map(|p| p.to_vec()).collect();
    check_packets(name, ctx, wire, &pkts, arch, stalls)
}

/// As [`check`], with the stream already cut into AXI bursts.
fn check_packets(
    name: &str,
    ctx: &Context,
    wire: &[u8],
    pkts: &[Vec<u8>],
    arch: Arch,
    stalls: Stalls,
) -> LinkRun {
    let (model, report) = csi2sec_sim::rx::verify(ctx, wire);
    let cfg = config_for(ctx, Side::Rx, arch).expect("config");
    let b = build_link(&cfg).expect("build");
    let run = run_link_packets(&b, Side::Rx, ctx, pkts, stalls, 5)
        .unwrap_or_else(|e| panic!("{name} {stalls:?}: {e}"));
    if run.output != model {
        let at = run
            .output
            .iter()
            .zip(&model)
            .position(|(a, b)| a != b)
            .unwrap_or(run.output.len().min(model.len()));
        panic!(
            "{name} ({}, {stalls:?}): RTL RX output differs from the model at byte {at} (RTL {} bytes, model {})\nRTL   {}\nmodel {}",
            cfg.name,
            run.output.len(),
            model.len(),
            hex::encode(&run.output[at.saturating_sub(8)..(at + 24).min(run.output.len())]),
            hex::encode(&model[at.saturating_sub(8)..(at + 24).min(model.len())]),
        );
    }
    let (fv, pv) = run.verdicts();
    let want_f: Vec<Verdict> = report.frames.iter().map(|f| f.verdict).collect();
    let want_p: Vec<Verdict> = report.packets.iter().map(|p| p.verdict).collect();
    // The model also judges a frame left open at the end of the input.
    let closed = &want_f[..fv.len().min(want_f.len())];
    assert_eq!(
        fv,
        closed,
        "{name} ({stalls:?}): frame verdicts (model reasons: {:?})",
        report.frames.iter().map(|f| &f.reason).collect::<Vec<_>>()
    );
    assert!(
        want_f.len() - fv.len() <= 1,
        "{name}: the RTL gave {} frame verdicts, the model {}",
        fv.len(),
        want_f.len()
    );
    assert_eq!(
        pv,
        want_p,
        "{name} ({stalls:?}): packet verdicts (model reasons: {:?})",
        report.packets.iter().map(|p| &p.reason).collect::<Vec<_>>()
    );
    eprintln!(
        "{name} ({}, {stalls:?}): {} bytes in, {} out, frames {:?}, {} packet verdicts, {} cycles, {:.2} input beats/cycle",
        cfg.name,
        wire.len(),
        run.output.len(),
        fv.iter().map(|v| v.name()).collect::<Vec<_>>(),
        pv.len(),
        run.cycles,
        run.in_beats as f64 / run.cycles as f64
    );
    run
}

fn protect(ctx: &Context, input: &[u8]) -> Vec<u8> {
    csi2sec_sim::tx::protect(ctx, input).expect("model TX").0
}

#[test]
fn round_trip_four_ways() {
    let input = frames(64, 6, 3, 1);
    let ctx = context("frame", [2, 1, 2], false, 16);
    let wire = protect(&ctx, &input);
    for stalls in Stalls::ALL {
        let run = check("frame-mode", &ctx, &wire, Arch::Iterative, stalls);
        assert_eq!(run.output, input, "the RX gives back the TX's input");
        assert_eq!(run.verdicts().0, vec![Verdict::Ok; 3]);
    }
}
