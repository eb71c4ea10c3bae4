//! Every worked example of the spec, byte for byte, through TX and RX.

mod common;
use csi2sec_sim::Context;

#[test]
fn tx_reproduces_every_example() {
    let mut failed = Vec::new();
    for ex in common::examples() {
        let ctx = Context::from_value(&ex.config).unwrap_or_else(|e| panic!("{}: {e}", ex.name));
        let (out, _) =
            csi2sec_sim::protect(&ctx, &ex.input).unwrap_or_else(|e| panic!("{}: {e}", ex.name));
        if out != ex.output {
            let got = common::packets_hex(&out, ctx.vcx);
            let want = common::packets_hex(&ex.output, ctx.vcx);
            eprintln!("== {}", ex.name);
            for i in 0..got.len().max(want.len()) {
                let g = got.get(i).map_or("-", |s| s);
                let w = want.get(i).map_or("-", |s| s);
                if g != w {
                    eprintln!("packet {i}\n  got  {g}\n  want {w}");
                }
            }
            failed.push(ex.name);
        }
    }
    assert!(failed.is_empty(), "TX differs on {failed:?}");
}

#[test]
fn rx_gives_back_every_example_input() {
    for ex in common::examples() {
        let ctx = Context::from_value(&ex.config).unwrap();
        let (back, report) = csi2sec_sim::verify(&ctx, &ex.output);
        let verdicts: Vec<String> = report
            .frames
            .iter()
            .map(|f| {
                format!(
                    "s{} fc{:?} {} {}",
                    f.stream,
                    f.frame_counter,
                    f.verdict.name(),
                    f.reason
                )
            })
            .collect();
        let frames: Vec<&str> = report.frames.iter().map(|f| f.verdict.name()).collect();
        let packets: Vec<&str> = report.packets.iter().map(|p| p.verdict.name()).collect();
        let (want_frames, want_packets) = expected_verdicts(&ex.name);
        assert_eq!(
            (frames, packets),
            (want_frames, want_packets),
            "{}: {verdicts:?}",
            ex.name
        );
        let want = common::normalised(&ctx, &ex.input);
        assert_eq!(
            common::packets_hex(&back, ctx.vcx),
            common::packets_hex(&want, ctx.vcx),
            "{}",
            ex.name
        );
    }
}

/// The verdicts spec §6 gives each example (frames, then message-mode packets).
fn expected_verdicts(name: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    let (ok, un) = ("ok", "unprotected");
    match name {
        "fsed-cmac256-sv3-no-crc-unprotected-frame" => (vec![ok, un], vec![]),
        "fsed-gmac128-sv1-middle" => (vec![ok], vec![]),
        // The third frame is sent after exhaustion with SV 5/5/5 forced.
        "fsed-gmac256-counter-exhaustion" => (vec![ok, ok, "policy_violation"], vec![]),
        "sep-cmac128-datatype-keyswitch" => (vec![ok, ok], vec![]),
        "sep-cmac256-message-partial" => (vec![ok], vec![ok, ok, un, ok, un]),
        "sep-gmac128-frame-two-streams" => (vec![ok, ok], vec![]),
        // The input's CRC-16 error is propagated to the RX.
        "sep-gmac128-input-errors" => (vec!["format_error"], vec![]),
        "sep-gmac128-message-sv3-sv4-lsle" => (
            vec![ok, ok],
            vec![ok, ok, ok, un, un, ok, un, ok, ok, un, un, ok],
        ),
        "sep-gmac256-datatype-two-frames" => (vec![ok, ok], vec![]),
        other => panic!("no expected verdicts for new example {other}: add them here"),
    }
}
