//! What the TX and RX cosimulation tests share: the spec's worked
//! examples, generated frame streams and contexts.

#![allow(dead_code)]

use csi2sec_hdl::regs::Side;
use csi2sec_sim::context::Context;
use csi2sec_sim::frames::{FrameSpec, PixelFormat, generate};
use csi2sec_testbench::drive::Stalls;
use csi2sec_testbench::link::rtl_streams;
use std::path::PathBuf;

fn spec_dir() -> PathBuf {
    std::env::var("CSI2SEC_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec"))
}

/// A spec example: its name, context, TX input and TX output.
pub struct Example {
    pub name: String,
    pub ctx: Context,
    pub input: Vec<u8>,
    pub output: Vec<u8>,
}

/// The spec examples this version's RTL TX and RX both apply, at least.
const IN_RTL_SUBSET: &[&str] = &[
    "sep-cmac128-datatype-keyswitch",
    "sep-gmac128-frame-two-streams",
    "sep-gmac256-datatype-two-frames",
    "fsed-cmac256-sv3-no-crc-unprotected-frame",
    "fsed-gmac128-sv1-middle",
    "fsed-gmac256-counter-exhaustion",
    "sep-cmac256-message-partial",
    "sep-gmac128-input-errors",
    "sep-gmac128-message-sv3-sv4-lsle",
];

/// The spec examples this version's RTL of `side` applies (the others
/// are named on stderr with the reason).
pub fn spec_examples(side: Side) -> Vec<Example> {
    let mut paths: Vec<_> = std::fs::read_dir(spec_dir().join("examples"))
        .expect("spec examples")
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let ctx = Context::from_value(&v["config"]).expect("context");
        let name = v["name"].as_str().unwrap().to_string();
        if let Err(why) = rtl_streams(&ctx, side) {
            eprintln!("{name}: skipped: {why}");
            continue;
        }
        let hex = |k: &str| hex::decode(v[k].as_str().unwrap()).unwrap();
        out.push(Example {
            input: hex("input_hex"),
            output: hex("output_hex"),
            name,
            ctx,
        });
    }
    // A change that drops an example from the subset must be seen.
    for want in IN_RTL_SUBSET {
        assert!(
            out.iter().any(|e| e.name == *want),
            "spec example {want} is no longer applied by the RTL"
        );
    }
    out
}

/// `n` frames of `width`×`height` RAW10 on stream 0, one embedded line
/// above and below.
pub fn frames(width: usize, height: usize, n: usize, seed: u64) -> Vec<u8> {
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

/// A SEP GMAC-128 context on stream 0, stride 2, whose frames alternate
/// between `sv` and [2, 3, 5].
pub fn context(mode: &str, sv: [u8; 3], crc32: bool, tag_len: usize) -> Context {
    let text = format!(
        r#"{{"protocol": "sep", "streams": [{{"stream": 0, "suite": "gmac-128", "tag_mode": "{mode}", "tag_len": {tag_len},
            "crc32": {crc32}, "stride": 2, "keys": [{{"key_id": 1, "key": "000102030405060708090a0b0c0d0e0f"}}],
            "active_key_id": 1, "frames": [{{"sv": [{}, {}, {}]}}, {{"sv": [2, 3, 5]}}]}}]}}"#,
        sv[0], sv[1], sv[2]
    );
    Context::from_json(&text).expect("context")
}

/// The contexts the TX and RX tests both run on 50-byte lines: message
/// and frame tags, CRC-32 on and off, tag lengths 16/12/8, SV mixes, and
/// SV-4 windows starting mid-block, block-aligned and clipped to WC, and
/// past the end (covered but empty). Each with its name and tag mode.
pub fn mode_contexts() -> Vec<(String, &'static str, Context)> {
    [
        ("message", [1, 3, 2], true, 12, (0, 0)),
        ("message", [5, 1, 3], false, 8, (0, 0)),
        ("frame", [3, 3, 1], true, 8, (0, 0)),
        ("message", [4, 1, 4], true, 12, (5, 37)),
        ("frame", [4, 4, 2], false, 16, (16, 1000)),
        ("frame", [4, 3, 4], true, 8, (60, 10)),
    ]
    .into_iter()
    .map(|(mode, sv, crc, t, window)| {
        let mut ctx = context(mode, sv, crc, t);
        ctx.streams[0].window = window;
        (
            format!("{mode} {sv:?} crc32={crc} T={t} window={window:?}"),
            mode,
            ctx,
        )
    })
    .collect()
}

/// CMAC contexts for the TX and RX tests (CMAC-128, the iCE40 self-test's
/// suite): frame and message tags, CRC-32 on and off, tag lengths, SV-2
/// to SV-5 with a window. Each with its name and tag mode.
pub fn cmac_contexts() -> Vec<(String, &'static str, Context)> {
    [
        ("frame", [2, 3, 2], true, 16, (0, 0)),
        ("message", [4, 2, 5], false, 8, (3, 20)),
        ("frame", [3, 4, 3], false, 12, (16, 1000)),
    ]
    .into_iter()
    .map(|(mode, sv, crc, t, window)| {
        let mut ctx = context(mode, sv, crc, t);
        ctx.streams[0].suite = csi2sec_sim::crypto::Suite::Cmac128;
        ctx.streams[0].window = window;
        (
            format!("CMAC-128 {mode} {sv:?} crc32={crc} T={t} window={window:?}"),
            mode,
            ctx,
        )
    })
    .collect()
}

/// Data-type tag mode contexts (SEP): GMAC-128 with SV-1 and CRC-32,
/// SV-3/4 with a window and a 12-byte tag, CMAC-128 with an 8-byte tag.
pub fn dt_contexts() -> Vec<(String, Context)> {
    [
        ([2, 1, 2], true, 16, (0, 0), false),
        ([4, 3, 4], false, 12, (5, 37), false),
        ([2, 2, 3], true, 8, (0, 0), true),
    ]
    .into_iter()
    .map(|(sv, crc, t, window, cmac)| {
        let mut ctx = context("data-type", sv, crc, t);
        ctx.streams[0].window = window;
        if cmac {
            ctx.streams[0].suite = csi2sec_sim::crypto::Suite::Cmac128;
        }
        let suite = if cmac { "CMAC-128" } else { "GMAC-128" };
        (
            format!("data-type {suite} {sv:?} crc32={crc} T={t} window={window:?}"),
            ctx,
        )
    })
    .collect()
}

/// `n` frames whose lines alternate RAW10 (DT 0x2B) and RAW8 (DT 0x2A)
/// between embedded lines (DT 0x12) above and below: three data types
/// interleaved in each frame, so three data-type scopes.
pub fn three_dt_frames(width: usize, height: usize, n: usize, seed: u64) -> Vec<u8> {
    let gen_of = |format: &str, seed: u64| frame_packets(format, 0, (width, height), n, seed);
    let (a, b) = (gen_of("raw10", seed), gen_of("raw8", seed + 1));
    let line = |p: &Vec<u8>, dt: u8| p.len() > 4 && p[0] & 0x3f == dt;
    let b_lines: Vec<&Vec<u8>> = b.iter().filter(|p| line(p, 0x2a)).collect();
    let mut out = Vec::new();
    let mut k = 0;
    for p in &a {
        out.extend_from_slice(p);
        if line(p, 0x2b) {
            out.extend_from_slice(b_lines[k]);
            k += 1;
        }
    }
    out
}

/// `n` frames of `format` on `stream`, one embedded line above and below,
/// as packets.
fn frame_packets(
    format: &str,
    stream: u8,
    (width, height): (usize, usize),
    n: usize,
    seed: u64,
) -> Vec<Vec<u8>> {
    let spec = FrameSpec {
        width,
        height,
        format: PixelFormat::from_name(format).unwrap(),
        frames: n,
        stream,
        embedded_top: 1,
        embedded_bottom: 1,
        seed,
    };
    let mut out = Vec::new();
    generate(&spec, &mut out);
    csi2sec_testbench::link::packet_list(&out, true)
}

/// The contexts an instance with both suite families runs (GMAC and CMAC,
/// data-type and message tags), and its configuration of `side`.
pub fn both_suite_cases(
    side: Side,
) -> (csi2sec_hdl::link_config::LinkConfig, Vec<(String, Context)>) {
    let mut cfg = csi2sec_hdl::link_config::LinkConfig::default_of(side);
    cfg.suites = csi2sec_hdl::link_config::Suites::Both;
    cfg.arch = csi2sec_hdl::config::Arch::Iterative;
    cfg.name = cfg.default_name();
    let (_, gmac) = dt_contexts().remove(0);
    let (_, cmac_dt) = dt_contexts().remove(2);
    let (name, _, cmac) = cmac_contexts().remove(1);
    let cases = vec![
        ("GMAC-128 data-type".to_string(), gmac),
        ("CMAC-128 data-type".to_string(), cmac_dt),
        (name, cmac),
    ];
    (cfg, cases)
}

/// Two streams, interleaved packet by packet: stream 0 (RAW10 frames
/// with embedded lines) and stream 5 (RAW8, another key): `n` frames each.
pub fn two_stream_input(n: usize, seed: u64) -> Vec<u8> {
    let gen_of =
        |format: &str, stream: u8, seed: u64| frame_packets(format, stream, (40, 5), n, seed);
    let (a, b) = (gen_of("raw10", 0, seed), gen_of("raw8", 5, seed + 1));
    let mut out = Vec::new();
    for i in 0..a.len().max(b.len()) {
        for p in [a.get(i), b.get(i)].into_iter().flatten() {
            out.extend_from_slice(p);
        }
    }
    out
}

/// The context of [`two_stream_input`]: stream 0 GMAC-128 frame tags with
/// SV-1 and CRC-32; stream 5 CMAC-128 (key_id 2) with `mode` tags, SV-3
/// and SV-4 (a window), and a 12-byte tag.
pub fn two_stream_context(mode: &str) -> Context {
    let mut ctx = context("frame", [2, 1, 2], true, 16);
    let mut b = context(mode, [4, 3, 2], false, 12).streams.remove(0);
    b.stream = 5;
    b.suite = csi2sec_sim::crypto::Suite::Cmac128;
    b.window = (3, 21);
    for k in &mut b.keys {
        k.key_id = 2;
    }
    b.active_key_id = 2;
    for f in &mut b.frames {
        f.key_id = 2;
    }
    b.frame_counter = 77;
    ctx.streams.push(b);
    ctx
}

/// The index of the packet that starts frame `n` (its FS, stream 0).
pub fn fs_packet(pkts: &[Vec<u8>], n: usize) -> usize {
    (0..pkts.len())
        .filter(|&i| pkts[i].len() == 4 && pkts[i][0] & 0x3f == 0)
        .nth(n)
        .expect("FS")
}

/// Panic, showing where, unless the RTL's output equals the model's.
pub fn assert_same(what: &str, rtl: &[u8], model: &[u8]) {
    if rtl == model {
        return;
    }
    let at = rtl
        .iter()
        .zip(model)
        .position(|(a, b)| a != b)
        .unwrap_or(rtl.len().min(model.len()));
    panic!(
        "{what}: RTL output differs from the model at byte {at} (RTL {} bytes, model {})\nRTL   {}\nmodel {}",
        rtl.len(),
        model.len(),
        hex::encode(&rtl[at.saturating_sub(8)..(at + 24).min(rtl.len())]),
        hex::encode(&model[at.saturating_sub(8)..(at + 24).min(model.len())]),
    );
}

thread_local! {
    /// This test (the harness runs each in a thread of its own) has had
    /// a run replayed in Icarus.
    static REPLAYED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The longest run replayed in Icarus.
const MAX_ICARUS_CYCLES: usize = 2000;

/// Replay the first recorded run (of at most [`MAX_ICARUS_CYCLES`]) of
/// each test in Icarus Verilog and
/// require the same output stream as Verilator's (skipped, with a
/// message, without Icarus). Icarus runs the pipelined designs at a few
/// hundred cycles per second: one run per test keeps `make test` short.
pub fn same_in_icarus(
    name: &str,
    b: &csi2sec_testbench::model::Built,
    run: &csi2sec_testbench::link::LinkRun,
) {
    if REPLAYED.with(|r| r.get()) {
        return;
    }
    // SV-1 on full lines runs at ~20 cycles/s in Icarus.
    if run.stimulus.len() > MAX_ICARUS_CYCLES {
        eprintln!(
            "{name}: {} cycles: too long to replay in Icarus (at most {MAX_ICARUS_CYCLES})",
            run.stimulus.len()
        );
        return;
    }
    REPLAYED.with(|r| r.set(true));
    let t = std::time::Instant::now();
    match csi2sec_testbench::link::replay_in_icarus(b, run) {
        Ok(true) => eprintln!(
            "{name}: Icarus Verilog agrees with Verilator ({} cycles, {:.1} s)",
            run.stimulus.len(),
            t.elapsed().as_secs_f64()
        ),
        Ok(false) => {
            eprintln!("{name}: Icarus Verilog (iverilog) not found: second-simulator run skipped")
        }
        Err(e) => panic!("{name}: {e}"),
    }
}

/// FSED contexts (frame tags only) for the TX and RX tests, on
/// [`fsed_input`]: GMAC-128 with SV-1 and the FSED-Safety packet, SV-3/4/5
/// with a window and no CRC-32, CMAC-128 with a 12-byte tag. (Built from
/// [`context`], whose key is 16 bytes: a 256-bit suite here would be an
/// invalid context.) Each with its name and the stall patterns to run:
/// the first four ways, the others with both kinds of stall.
pub fn fsed_contexts() -> Vec<(String, Context, &'static [Stalls])> {
    use csi2sec_sim::context::Protocol;
    use csi2sec_sim::crypto::Suite;
    [
        (Suite::Gmac128, [2, 1, 2], true, 16, (0, 0)),
        (Suite::Gmac128, [3, 4, 5], false, 8, (5, 37)),
        (Suite::Cmac128, [2, 3, 4], true, 12, (16, 1000)),
    ]
    .into_iter()
    .enumerate()
    .map(|(k, (suite, sv, crc, t, window))| {
        let mut ctx = context("frame", sv, crc, t);
        ctx.protocol = Protocol::Fsed;
        ctx.streams[0].suite = suite;
        ctx.streams[0].window = window;
        let ways: &'static [Stalls] = if k == 0 {
            &Stalls::ALL
        } else {
            &[Stalls::Both]
        };
        (
            format!("FSED {suite:?} {sv:?} crc32={crc} T={t} window={window:?}"),
            ctx,
            ways,
        )
    })
    .collect()
}

/// The stream the FSED contexts protect: 2 frames of 40×5 RAW10.
pub fn fsed_input() -> Vec<u8> {
    frames(40, 5, 2, 8)
}

/// Contexts the byte-serial TX and RX (`--width 1`) apply, for their
/// tests: CMAC-128 frame tags without CRC-32, tag lengths 16/12/8, SV-2
/// to SV-5 (stride 2; windows mid-block and past the end), VCX on and
/// off, CMAC-256 in the last.
pub fn byte_contexts() -> Vec<(String, Context)> {
    [
        ([2, 2, 2], 16, (0, 0), true),
        ([3, 4, 2], 12, (5, 37), true),
        ([5, 3, 4], 8, (60, 10), false),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (sv, t, window, vcx))| {
        let mut ctx = context("frame", sv, false, t);
        // The last one on CMAC-256.
        ctx.streams[0].suite = if i == 2 {
            ctx.streams[0].keys[0].key = csi2sec_sim::crypto::SecretKey::new((0..32).collect());
            csi2sec_sim::crypto::Suite::Cmac256
        } else {
            csi2sec_sim::crypto::Suite::Cmac128
        };
        ctx.streams[0].window = window;
        ctx.vcx = vcx;
        (
            format!(
                "byte-serial {} frame {sv:?} T={t} window={window:?} vcx={vcx}",
                ctx.streams[0].suite.name()
            ),
            ctx,
        )
    })
    .collect()
}

/// The byte-serial configuration of `side`: the board self-tests', with
/// SV-4 windows (which the self-tests leave out).
pub fn byte_config(side: Side) -> csi2sec_hdl::link_config::LinkConfig {
    let mut c = csi2sec_hdl::selftest::link_config(side);
    c.window = true;
    c.name = c.default_name();
    c
}

/// The byte-serial configuration of `side` for `ctx`'s key size and
/// protocol.
pub fn byte_config_for(ctx: &Context, side: Side) -> csi2sec_hdl::link_config::LinkConfig {
    let mut c = byte_config(side);
    if matches!(ctx.streams[0].suite, csi2sec_sim::crypto::Suite::Cmac256) {
        c.key_bits = 256;
    }
    if ctx.protocol == csi2sec_sim::context::Protocol::Fsed {
        c.protocol = csi2sec_hdl::link_config::Protocol::Fsed;
    }
    c.name = c.default_name();
    c
}

/// A random context of the byte-serial blocks' kind for `protocol` (the
/// model's random context with one stream, made CMAC, frame tags, no CRC-32, no
/// SV-1): any stream number, VCX and control DT, two key slots switched
/// between frames, windows, strides, counters near exhaustion.
pub fn byte_random_context_of(
    rng: &mut csi2sec_sim::random::Rng,
    protocol: csi2sec_sim::context::Protocol,
) -> Context {
    use csi2sec_sim::context::TagMode;
    use csi2sec_sim::crypto::Suite;
    let mut ctx = csi2sec_sim::random::context(rng, protocol, 1, true);
    let s = &mut ctx.streams[0];
    s.tag_mode = TagMode::Frame;
    s.crc32 = false;
    s.suite = match s.suite {
        Suite::Gmac128 | Suite::Cmac128 => Suite::Cmac128,
        Suite::Gmac256 | Suite::Cmac256 => Suite::Cmac256,
    };
    for f in s.frames.iter_mut() {
        for sv in f.sv.iter_mut() {
            if *sv == 1 {
                *sv = 2;
            }
        }
    }
    ctx
}

/// `n` random contexts of the byte-serial kind for `protocol`, each with
/// a random stream for it (packets outside frames, LS/LE, null and
/// blanking lines, abandoned frames, another stream interleaved), from
/// `seed`.
pub fn byte_random_streams(
    seed: u64,
    protocol: csi2sec_sim::context::Protocol,
    n: usize,
) -> Vec<(Context, Vec<u8>)> {
    use csi2sec_sim::random::{Rng, Shape, stream};
    let mut rng = Rng::new(seed);
    let shape = Shape {
        max_len: 40,
        abandon: true,
    };
    (0..n)
        .map(|_| {
            let ctx = byte_random_context_of(&mut rng, protocol);
            let input = stream(&mut rng, &ctx, shape);
            (ctx, input)
        })
        .collect()
}
