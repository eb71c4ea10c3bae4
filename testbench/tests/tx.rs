//! The RTL TX against the golden model, frame by frame: the spec's
//! worked examples that this version's RTL can apply, and generated
//! frame streams with random contexts, every run compared byte for byte
//! with `csi2sec_sim::tx::protect`.

mod common;

use common::{
    assert_same, both_suite_cases, cmac_contexts, context, dt_contexts, frames, fs_packet,
    fsed_contexts, fsed_input, mode_contexts, same_in_icarus, spec_examples, three_dt_frames,
    two_stream_context, two_stream_input,
};
use csi2sec_hdl::config::Arch;
use csi2sec_hdl::link_config::LinkConfig;
use csi2sec_hdl::regs::Side;
use csi2sec_sim::context::Context;
use csi2sec_testbench::drive::Stalls;
use csi2sec_testbench::link::{
    LinkRun, RunOptions, build_link, config_at, config_for, packet_list, packets, run_link,
    run_link_packets,
};

/// Run `input` through the RTL TX for `ctx` and compare with the model.
fn check(
    name: &str,
    ctx: &Context,
    input: &[u8],
    arch: Arch,
    stalls: Stalls,
    expected: Option<&[u8]>,
) -> LinkRun {
    check_at(name, ctx, input, (arch, 16), stalls, expected)
}

/// As [`check`], on the TX of that AES core and stream width.
fn check_at(
    name: &str,
    ctx: &Context,
    input: &[u8],
    (arch, width): (Arch, usize),
    stalls: Stalls,
    expected: Option<&[u8]>,
) -> LinkRun {
    let cfg = config_at(ctx, Side::Tx, arch, width).expect("config");
    check_on(name, ctx, input, &cfg, stalls, expected)
}

/// As [`check`], on the TX configuration `cfg`.
fn check_on(
    name: &str,
    ctx: &Context,
    input: &[u8],
    cfg: &LinkConfig,
    stalls: Stalls,
    expected: Option<&[u8]>,
) -> LinkRun {
    let (model, counters) = csi2sec_sim::tx::protect(ctx, input).expect("model");
    assert!(
        counters.packets_protected > 0 && model != input,
        "{name}: the context protects nothing"
    );
    if let Some(e) = expected {
        assert_eq!(model, e, "{name}: the model disagrees with the example");
    }
    let b = build_link(cfg).expect("build");
    // Every run is replayed in Icarus too.
    let pkts: Vec<Vec<u8>> = packet_list(input, ctx.vcx);
    let run = run_link_packets(
        &b,
        Side::Tx,
        ctx,
        &pkts,
        RunOptions::new(stalls, 7).recorded(),
    )
    .unwrap_or_else(|e| panic!("{name} {stalls:?}: {e}"));
    same_in_icarus(&format!("{name} ({stalls:?})"), &b, &run);
    assert_same(
        &format!("{name} ({}, {stalls:?})", cfg.name),
        &run.output,
        &model,
    );
    let get = |n: &str| {
        run.counters
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| *v as u64)
            .unwrap()
    };
    assert_eq!(
        get("frames_protected"),
        counters.frames_protected,
        "{name}: frames_protected"
    );
    assert_eq!(
        get("packets_protected"),
        counters.packets_protected,
        "{name}: packets_protected"
    );
    assert_eq!(
        get("dt_conflict"),
        counters.dt_conflict,
        "{name}: dt_conflict"
    );
    assert_eq!(
        get("input_crc_error"),
        counters.input_crc_error,
        "{name}: input_crc_error"
    );
    assert_eq!(
        get("input_ecc_corrected"),
        counters.input_ecc_corrected,
        "{name}: input_ecc_corrected"
    );
    assert_eq!(run.flagged(), 0, "{name}: packets flagged incomplete");
    // Packet starts, for the latency figure: one per packet each way.
    assert_eq!(
        run.in_starts.len(),
        packets(input, ctx.vcx).len(),
        "{name}: input packet starts"
    );
    assert_eq!(
        run.out_starts.len(),
        packets(&model, ctx.vcx).len(),
        "{name}: output packet starts"
    );
    eprintln!(
        "{name} ({}, {stalls:?}): {} bytes in, {} out, {} packets protected, {} cycles, {:.2} input beats/cycle",
        cfg.name,
        input.len(),
        run.output.len(),
        counters.packets_protected,
        run.cycles,
        run.in_beats as f64 / run.cycles as f64
    );
    run
}

/// Every spec example this RTL applies, on the AES core `arch`: the
/// model's TX output byte for byte.
fn spec_examples_on(arch: Arch) {
    for e in spec_examples(Side::Tx) {
        check(
            &e.name,
            &e.ctx,
            &e.input,
            arch,
            Stalls::None,
            Some(&e.output),
        );
    }
}

#[test]
fn spec_examples_the_rtl_applies() {
    spec_examples_on(Arch::Iterative);
}

/// The examples on the pipelined core (`make regress`; `make test`
/// covers the pipelined TX with the other tests' contexts).
#[test]
#[ignore]
fn spec_examples_on_the_pipelined_core() {
    spec_examples_on(Arch::Pipelined);
}

#[test]
fn frame_streams_match_the_model_four_ways() {
    let input = frames(64, 6, 3, 1);
    let ctx = context("frame", [2, 1, 2], false, 16);
    for stalls in Stalls::ALL {
        check("frame-mode", &ctx, &input, Arch::Iterative, stalls, None);
    }
}

/// The 4- and 8-byte-wide TX (the 16-byte core between the width
/// adapters): frame tags with SV-1 four ways, message tags with a window
/// and CRC-32, and an FSED example.
#[test]
fn narrow_widths_match_the_model() {
    let input = frames(64, 6, 2, 11);
    let ctx = context("frame", [2, 1, 2], false, 16);
    for width in [4, 8] {
        for stalls in Stalls::ALL {
            let run = check_at(
                "frame-mode",
                &ctx,
                &input,
                (Arch::Iterative, width),
                stalls,
                None,
            );
            assert!(
                run.in_beats as usize >= input.len() / width,
                "beats of {width} bytes"
            );
        }
    }
    let (name, _, ctx) = mode_contexts().remove(3);
    check_at(
        &name,
        &ctx,
        &input,
        (Arch::Iterative, 8),
        Stalls::Both,
        None,
    );
    // 1920-byte lines, SV-2: the core has cycles to spare, so the narrow
    // input runs at about one beat per cycle (the protocol's bytes aside).
    let lines = frames(1536, 4, 1, 13);
    let ctx = context("frame", [2, 2, 2], false, 16);
    let run = check_at(
        "1920-byte lines",
        &ctx,
        &lines,
        (Arch::Iterative, 4),
        Stalls::None,
        None,
    );
    let rate = run.in_beats as f64 / run.cycles as f64;
    assert!(rate > 0.95, "{rate:.3} input beats/cycle at width 4");
}

/// Data-type tag mode: three data types interleaved in each frame,
/// GMAC and CMAC, SV mixes with CRC-32 and a window; four ways on the
/// iterative core, and on the pipelined one.
#[test]
fn data_type_mode_matches_the_model() {
    let input = three_dt_frames(40, 5, 2, 21);
    for (i, (name, ctx)) in dt_contexts().into_iter().enumerate() {
        let ways: &[Stalls] = if i == 0 {
            &Stalls::ALL
        } else {
            &[Stalls::Both]
        };
        for &stalls in ways {
            check(&name, &ctx, &input, Arch::Iterative, stalls, None);
        }
        if i != 2 {
            check(&name, &ctx, &input, Arch::Pipelined, Stalls::Both, None);
        }
    }
}

/// One instance with both suite families (`--suites both`): GMAC and
/// CMAC contexts, frame, message and data-type tags, through the same
/// model (the context's suite chooses the MAC unit).
#[test]
fn both_suites_in_one_instance() {
    let (cfg, mut cases) = both_suite_cases(Side::Tx);
    cases.push((
        "GMAC-128 frame".into(),
        context("frame", [1, 2, 3], true, 12),
    ));
    let input = three_dt_frames(40, 5, 2, 24);
    for (name, ctx) in cases {
        check_on(&name, &ctx, &input, &cfg, Stalls::Both, None);
    }
    for e in spec_examples(Side::Tx) {
        if e.name.starts_with("sep-") && e.name.contains("128") && e.ctx.streams.len() == 1 {
            check_on(
                &e.name,
                &e.ctx,
                &e.input,
                &cfg,
                Stalls::None,
                Some(&e.output),
            );
        }
    }
}

/// Two streams interleaved packet by packet through a chain of two cores
/// (`--streams 2`; GMAC and CMAC, so both suite families): frame tags on
/// one, message and data-type tags on the other, four ways; and at width 8.
#[test]
fn two_streams_interleaved_match_the_model() {
    let input = two_stream_input(2, 31);
    for mode in ["message", "data-type"] {
        let ctx = two_stream_context(mode);
        let ways: &[Stalls] = if mode == "message" {
            &Stalls::ALL
        } else {
            &[Stalls::Both]
        };
        for &stalls in ways {
            check(
                &format!("two streams, {mode}"),
                &ctx,
                &input,
                Arch::Iterative,
                stalls,
                None,
            );
        }
    }
}

/// An FSED example at width 4 and two streams at width 8 (`make regress`:
/// four more models to build; `make test` runs the adapters and the chain
/// on SEP at 4, 8 and 16).
#[test]
#[ignore]
fn fsed_narrow_and_two_streams_narrow() {
    let e = spec_examples(Side::Tx)
        .into_iter()
        .find(|e| e.name == "fsed-gmac128-sv1-middle")
        .expect("example");
    check_at(
        &e.name,
        &e.ctx,
        &e.input,
        (Arch::Iterative, 4),
        Stalls::None,
        Some(&e.output),
    );
    let input = two_stream_input(2, 31);
    let ctx = two_stream_context("frame");
    check_at(
        "two streams at width 8",
        &ctx,
        &input,
        (Arch::Iterative, 8),
        Stalls::Both,
        None,
    );
}

/// A frame with more data types than the instance has scopes: counted,
/// and the frame's tag packet carries the scopes it could hold.
#[test]
fn data_types_beyond_the_scopes_are_counted() {
    let input = three_dt_frames(40, 5, 1, 22);
    let (_, ctx) = dt_contexts().remove(0);
    // The TX of `scopes` data-type scopes on `input`.
    let run_with = |scopes: usize| {
        let mut cfg = config_for(&ctx, Side::Tx, Arch::Iterative).unwrap();
        cfg.dt_scopes = scopes;
        cfg.name = format!("{}_dt{scopes}", cfg.name);
        let b = build_link(&cfg).expect("build");
        csi2sec_testbench::link::run_link(
            &b,
            Side::Tx,
            &ctx,
            &input,
            RunOptions::new(Stalls::None, 1),
        )
        .expect("run")
    };
    let run = run_with(2);
    let get = |n: &str| {
        run.counters
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| *v)
            .unwrap()
    };
    // The RAW8 lines (the third type) overflow: one per RAW10 line.
    let raw8 = packets(&input, true)
        .iter()
        .filter(|p| p.len() > 4 && p[0] & 0x3f == 0x2a)
        .count();
    assert_eq!(get("dt_scope_overflow") as usize, raw8);
    let (model, _) = csi2sec_sim::tx::protect(&ctx, &input).unwrap();
    assert_eq!(
        run.output.len() + 16 + 16,
        model.len(),
        "one tag entry (trailer and 16-byte tag) fewer"
    );
    // An instance with no scopes (`--dt-scopes 0`) refuses the context:
    // STATUS.config_error, and the stream passes through unprotected.
    let run = run_with(0);
    assert_eq!(
        (run.status & 3, &run.output),
        (2, &input),
        "config_error, passed through"
    );
}

#[test]
fn message_mode_crc32_tag_lengths_and_windows() {
    let input = frames(40, 5, 2, 2);
    for (name, _, ctx) in mode_contexts() {
        check(&name, &ctx, &input, Arch::Pipelined, Stalls::Both, None);
    }
}

#[test]
fn cmac_contexts_on_the_iterative_core() {
    let input = frames(40, 5, 2, 4);
    for (name, _, ctx) in cmac_contexts() {
        check(&name, &ctx, &input, Arch::Iterative, Stalls::Both, None);
    }
}

#[test]
fn fsed_contexts_match_the_model() {
    let input = fsed_input();
    for (name, ctx, ways) in fsed_contexts() {
        for &stalls in ways {
            check(&name, &ctx, &input, Arch::Iterative, stalls, None);
        }
    }
}

/// A CMAC-128 TX on AES core `arch`, on `lines` 1920-byte lines (SV-2
/// everywhere: 121 record blocks a line): the model's bytes, at the
/// documented cycles per block.
fn cmac_full_lines_at_the_documented_rate(arch: Arch, lines: usize) {
    let input = frames(1536, lines, 1, 6);
    let (_, _, mut ctx) = cmac_contexts().remove(0);
    ctx.streams[0].frames = context("frame", [2, 2, 2], false, 16).streams[0]
        .frames
        .clone();
    let name = format!("CMAC-128 full lines, {arch:?}");
    let cfg = config_for(&ctx, Side::Tx, arch).unwrap();
    at_the_documented_rate(&name, &ctx, &input, &cfg);
}

/// `input` through TX configuration `cfg`: the model's bytes, at the
/// configuration's documented cycles per block.
fn at_the_documented_rate(name: &str, ctx: &Context, input: &[u8], cfg: &LinkConfig) {
    let run = check_on(name, ctx, input, cfg, Stalls::None, None);
    let cpb = cfg.cycles_per_block() as f64;
    // Input bytes per cycle: at most one block per cpb cycles; the
    // record headers and tags cost a little more.
    let rate = input.len() as f64 / run.cycles as f64;
    assert!(
        rate <= 16.0 / cpb && rate > 16.0 / (cpb + 1.0),
        "{name}: {rate:.4} input bytes/cycle against {cpb} cycles per block"
    );
}

#[test]
fn cmac_on_full_lines_takes_the_documented_cycles_per_block() {
    cmac_full_lines_at_the_documented_rate(Arch::Iterative, 4);
}

#[test]
fn cmac_contexts_on_the_serial_core() {
    // The column-serial AES under the CMAC unit: the same bytes as the
    // model in every CMAC context, with stalls both ways; on 1920-byte
    // lines, the documented cycles per block.
    let input = frames(40, 5, 2, 4);
    for (name, _, ctx) in cmac_contexts() {
        check(&name, &ctx, &input, Arch::Serial, Stalls::Both, None);
    }
    cmac_full_lines_at_the_documented_rate(Arch::Serial, 2);
}

#[test]
fn byte_serial_tx_on_full_lines_takes_the_documented_cycles_per_block() {
    let (_, mut ctx) = common::byte_contexts().remove(0);
    ctx.streams[0].frames.truncate(1);
    let cfg = common::byte_config_for(&ctx, Side::Tx);
    at_the_documented_rate(
        "byte-serial CMAC-128 full lines",
        &ctx,
        &frames(1536, 2, 1, 6),
        &cfg,
    );
}

#[test]
fn full_lines_at_width_16() {
    // 1536 RAW10 pixels: 1920-byte lines, as in the throughput figure.
    let input = frames(1536, 8, 2, 3);
    let ctx = context("frame", [1, 1, 1], false, 16);
    check(
        "1920-byte lines SV-1",
        &ctx,
        &input,
        Arch::Pipelined,
        Stalls::None,
        None,
    );
}

/// Offset of the `n`-th FS (0-based) in a raw stream.
fn nth_fs(stream: &[u8], n: usize) -> usize {
    let pkts: Vec<Vec<u8>> = packet_list(stream, true);
    pkts[..fs_packet(&pkts, n)].iter().map(|p| p.len()).sum()
}

#[test]
fn malformed_input_is_counted_and_the_next_frame_goes_through() {
    let ctx = context("frame", [2, 1, 2], true, 16);
    malformed_input_on(&ctx, &config_for(&ctx, Side::Tx, Arch::Pipelined).unwrap());
}

#[test]
fn malformed_input_on_the_byte_serial_tx() {
    let (_, ctx) = common::byte_contexts().remove(0);
    malformed_input_on(&ctx, &common::byte_config(Side::Tx));
}

/// A line cut short and a header with a 2-bit ECC error in frame 1 of
/// two, on TX configuration `cfg` for `ctx`: both counted, the cut packet
/// flagged, frame 2 the model's byte for byte.
fn malformed_input_on(ctx: &Context, cfg: &LinkConfig) {
    let input = frames(64, 6, 2, 4);
    let (model, _) = csi2sec_sim::tx::protect(ctx, &input).expect("model");
    let mut pkts: Vec<Vec<u8>> = packet_list(&input, true);
    // In frame 1: a line cut short (tlast before its WC bytes), and a
    // header with a 2-bit ECC error (dropped: its WC cannot be trusted).
    let long: Vec<usize> = (0..pkts.len()).filter(|&i| pkts[i].len() > 40).collect();
    let cut = long[2];
    let n = pkts[cut].len();
    pkts[cut].truncate(n - 10);
    pkts[long[3]][1] ^= 0x03;
    let b = build_link(cfg).expect("build");
    for stalls in [Stalls::None, Stalls::Both] {
        let run = run_link_packets(
            &b,
            Side::Tx,
            ctx,
            &pkts,
            RunOptions::new(stalls, 11).recorded(),
        )
        .expect("run");
        same_in_icarus(&format!("malformed ({stalls:?})"), &b, &run);
        let get = |n: &str| {
            run.counters
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| *v)
                .unwrap()
        };
        assert_eq!(get("input_length_error"), 1, "{stalls:?}");
        assert_eq!(get("input_ecc_error"), 1, "{stalls:?}");
        assert_eq!(
            run.flagged(),
            1,
            "{stalls:?}: the cut packet goes out flagged"
        );
        // Frame 2 is the model's frame 2, byte for byte.
        let frame2 = &model[nth_fs(&model, 1)..];
        assert!(
            frame2.len() > 500 && run.output.ends_with(frame2),
            "{stalls:?}: frame 2 differs from the model's"
        );
        assert!(
            run.output.len() < model.len(),
            "{stalls:?}: frame 1 lost bytes"
        );
    }
}

#[test]
fn the_icarus_replay_sees_a_changed_input() {
    // The second-simulator check can fail: the same run with one input
    // bit inverted in every cycle no longer matches Verilator's output.
    let e = &spec_examples(Side::Tx)[0];
    let cfg = config_for(&e.ctx, Side::Tx, Arch::Iterative).expect("config");
    let b = build_link(&cfg).expect("build");
    let pkts: Vec<Vec<u8>> = packet_list(&e.input, e.ctx.vcx);
    let mut run = run_link_packets(
        &b,
        Side::Tx,
        &e.ctx,
        &pkts,
        RunOptions::new(Stalls::None, 7).recorded(),
    )
    .unwrap();
    if !csi2sec_testbench::icarus::available() {
        eprintln!("Icarus Verilog (iverilog) not found: skipped");
        return;
    }
    for l in &mut run.stimulus {
        let k = l.len() / 2;
        let flipped = if &l[k..k + 1] == "0" { "1" } else { "0" };
        l.replace_range(k..k + 1, flipped);
    }
    let r = csi2sec_testbench::link::replay_in_icarus(&b, &run);
    assert!(r.is_err(), "{r:?}");
}

/// The byte-serial TX (`--width 1`, the self-tests') against the model:
/// its contexts, four ways, two frames each (the second switches SVs).
#[test]
fn byte_serial_tx_matches_the_model() {
    for (name, ctx) in common::byte_contexts() {
        let cfg = common::byte_config_for(&ctx, Side::Tx);
        let input = frames(40, 3, 2, 5);
        for stalls in Stalls::ALL {
            check_on(&name, &ctx, &input, &cfg, stalls, None);
        }
        // A frame short enough for the Icarus replay (2,000 cycles).
        let run = check_on(&name, &ctx, &frames(8, 1, 1, 3), &cfg, Stalls::None, None);
        assert!(run.cycles < 2000, "{name}: {} cycles", run.cycles);
    }
}

/// CTRL.clear zeroises the byte-serial blocks' key slots (a memory
/// there, wiped a word a cycle behind a valid bit per word): firmware
/// programs key A, clears, and writes back a context with key B of which
/// it leaves out words 4..7 (CMAC-256). The TX must protect with B's first
/// half and zeros, as the model does with that key. Words 3..0 are written
/// right after the clear, ahead of the wipe, which must leave them.
#[test]
fn byte_serial_clear_zeroises_the_key_slots() {
    use csi2sec_hdl::firmware::context_writes;
    use csi2sec_sim::crypto::{SecretKey, Suite};
    let (name, ctx_a) = common::byte_contexts()
        .into_iter()
        .find(|(_, c)| c.streams[0].suite == Suite::Cmac256)
        .expect("a CMAC-256 context");
    let key_b: Vec<u8> = (0..32u8).map(|i| 0xA5 ^ i.wrapping_mul(7)).collect();
    let with_key = |k: Vec<u8>| {
        let mut c = ctx_a.clone();
        c.streams[0].keys[0].key = SecretKey::new(k);
        c
    };
    let ctx_b = with_key(key_b.clone());
    let ctx_half = with_key(key_b[..16].iter().copied().chain([0u8; 16]).collect());
    let map = csi2sec_hdl::byte_link::register_map(Side::Tx);
    let ctrl = map.register("ctrl");
    let word = |w: usize| map.register(&format!("key0_w{w}")).offset;
    let b_writes = context_writes(&map, &ctx_b, &ctx_b.streams[0]);
    // A, the clear, then B's words 3, 2, 1, 0 at once (ahead of the wipe,
    // which must pass over them), then the rest of B but words 4..7.
    let mut writes = context_writes(&map, &ctx_a, &ctx_a.streams[0]);
    writes.push((ctrl.offset, ctrl.pack(&[("clear", 1)])));
    for w in (0..4).rev() {
        writes.extend(b_writes.iter().filter(|(a, _)| *a == word(w)));
    }
    let key_words: Vec<u32> = (0..8).map(word).collect();
    writes.extend(b_writes.iter().filter(|(a, _)| !key_words.contains(a)));
    let input = frames(40, 3, 2, 5);
    let (model, _) = csi2sec_sim::tx::protect(&ctx_half, &input).expect("model");
    let (with_b, _) = csi2sec_sim::tx::protect(&ctx_b, &input).expect("model");
    let (with_a, _) = csi2sec_sim::tx::protect(&ctx_a, &input).expect("model");
    assert!(
        model != with_b && model != with_a,
        "{name}: the key slot 0 words do not matter"
    );
    let b = build_link(&common::byte_config_for(&ctx_a, Side::Tx)).expect("build");
    let run = run_link_packets(
        &b,
        Side::Tx,
        &ctx_a,
        &packet_list(&input, ctx_a.vcx),
        RunOptions {
            program: Some(&writes),
            ..RunOptions::new(Stalls::Both, 3)
        },
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_same(&format!("{name}: after CTRL.clear"), &run.output, &model);
}

/// The byte-serial TX on random contexts of its kind and random streams
/// (packets outside frames, LS/LE, null and blanking lines, abandoned
/// frames, another stream interleaved, key slots switched between
/// frames, counters near exhaustion), against the model.
#[test]
fn byte_serial_tx_on_random_streams() {
    random_streams_through_the_byte_tx(0xB7E5, csi2sec_sim::context::Protocol::Sep);
}

/// 48 random contexts and streams of `protocol` through the byte-serial
/// TX, against the model (those that protect something: at least half).
fn random_streams_through_the_byte_tx(seed: u64, protocol: csi2sec_sim::context::Protocol) {
    let mut checked = 0;
    for (k, (ctx, input)) in common::byte_random_streams(seed, protocol, 48)
        .into_iter()
        .enumerate()
    {
        let (model, c) = csi2sec_sim::tx::protect(&ctx, &input).expect("model");
        if c.packets_protected == 0 || model == input {
            continue;
        }
        let cfg = common::byte_config_for(&ctx, Side::Tx);
        let name = format!("{protocol:?} random {k}");
        check_on(&name, &ctx, &input, &cfg, Stalls::ALL[k % 4], None);
        checked += 1;
    }
    assert!(
        checked >= 24,
        "only {checked} random streams protect anything"
    );
}

/// The byte-serial TX with input CRC-16 errors: on a wrapped line (the
/// error propagated into the CRC it sends) and on a blanking packet (DT
/// 0x11) in the frame, passed through as received; both counted as the
/// model counts them.
#[test]
fn byte_serial_tx_propagates_input_crc_errors() {
    use csi2sec_sim::packet::{Header, write_long};
    let (name, ctx) = common::byte_contexts().remove(0);
    let cfg = common::byte_config_for(&ctx, Side::Tx);
    let mut pkts = packet_list(&frames(24, 3, 1, 6), ctx.vcx);
    let mut blank = Vec::new();
    write_long(
        &mut blank,
        Header::for_stream(0, 0x11, 0),
        &[&[0x55u8; 9]],
        0,
    );
    pkts.insert(2, blank);
    // Their last CRC byte: the blanking packet's, and a pixel line's.
    for k in [2, 4] {
        assert!(pkts[k].len() > 6, "packet {k} is long");
        *pkts[k].last_mut().unwrap() ^= 0x5a;
    }
    let input = pkts.concat();
    let (_, c) = csi2sec_sim::tx::protect(&ctx, &input).expect("model");
    assert_eq!(c.input_crc_error, 2, "the model counts both");
    check_on(
        &format!("{name}, CRC-16 errors"),
        &ctx,
        &input,
        &cfg,
        Stalls::Both,
        None,
    );
}

/// The byte-serial FSED TX: the spec example of its kind
/// (`fsed-cmac256-sv3-no-crc-unprotected-frame`) byte for byte four
/// ways, and 48 random FSED contexts and streams against the model.
#[test]
fn byte_serial_fsed_tx() {
    let e = spec_examples(Side::Tx)
        .into_iter()
        .find(|e| e.name == "fsed-cmac256-sv3-no-crc-unprotected-frame")
        .expect("the example");
    let cfg = common::byte_config_for(&e.ctx, Side::Tx);
    for stalls in Stalls::ALL {
        check_on(&e.name, &e.ctx, &e.input, &cfg, stalls, Some(&e.output));
    }
    random_streams_through_the_byte_tx(0xF5ED, csi2sec_sim::context::Protocol::Fsed);
}

/// Contexts the byte-serial TX and RX do not apply (message and
/// data-type tags, CRC-32, a GMAC suite): STATUS.config_error, and the
/// stream passes through unprotected, both ways. Without SV-4 windows
/// (`--no-window`, the board self-tests' blocks), a frame with an SV-4
/// block too; SV-2, -3 and -5 frames still match the model there.
#[test]
fn byte_serial_blocks_refuse_other_contexts_and_pass_through() {
    let cmac = |mut c: Context| {
        c.streams[0].suite = csi2sec_sim::crypto::Suite::Cmac128;
        c
    };
    let input = frames(16, 2, 1, 3);
    let sv4 = cmac(context("frame", [2, 4, 2], false, 16));
    for side in [Side::Tx, Side::Rx] {
        let cfg = csi2sec_hdl::selftest::link_config(side);
        assert!(!cfg.window && cfg.name.ends_with("_nowin"), "{}", cfg.name);
        let b = build_link(&cfg).expect("build");
        let run = run_link(&b, side, &sv4, &input, RunOptions::new(Stalls::None, 1)).expect("run");
        assert_eq!(
            (run.status & 3, &run.output),
            (2, &input),
            "SV-4 on the {side:?} without windows: config_error, passed through"
        );
    }
    check_on(
        "byte-serial without windows, SV [3, 5, 2]",
        &cmac(context("frame", [3, 5, 2], false, 12)),
        &frames(40, 3, 2, 5),
        &csi2sec_hdl::selftest::link_config(Side::Tx),
        Stalls::Both,
        None,
    );
    let refused = [
        context("message", [2, 2, 2], false, 16),
        context("data-type", [2, 2, 2], false, 16),
        context("frame", [2, 2, 2], true, 16),
        context("frame", [2, 2, 2], false, 16),
    ];
    for (k, mut ctx) in refused.into_iter().enumerate() {
        if k < 3 {
            ctx.streams[0].suite = csi2sec_sim::crypto::Suite::Cmac128;
        }
        for side in [Side::Tx, Side::Rx] {
            let b = build_link(&common::byte_config(side)).expect("build");
            let run =
                run_link(&b, side, &ctx, &input, RunOptions::new(Stalls::None, 1)).expect("run");
            assert_eq!(
                (run.status & 3, &run.output),
                (2, &input),
                "context {k} on the {side:?}: config_error, passed through"
            );
        }
    }
}

#[test]
fn an_oversize_line_after_a_full_one_under_back_pressure() {
    // Spec §2: a packet too long to wrap (WC + 16 > 65535 with CRC-32 on)
    // enters the MAC and is dropped from the output. The line before it
    // goes out whole, its CRC-32 footer too, while the sink holds it back
    // and the oversize line is already being taken.
    use csi2sec_sim::packet::{Header, write_long, write_short};
    let mut input = Vec::new();
    for f in 1..=3u16 {
        write_short(&mut input, Header::for_stream(0, 0x00, f));
        for (i, len) in [64usize, 65_520, 48, 65_520, 32].into_iter().enumerate() {
            let data: Vec<u8> = (0..len).map(|k| (k * 7 + i * 13 + f as usize) as u8).collect();
            write_long(&mut input, Header::for_stream(0, 0x2B, len as u16), &[&data], 0);
        }
        write_short(&mut input, Header::for_stream(0, 0x01, f));
    }
    let ctx = context("frame", [2, 2, 2], true, 16);
    let (_, counters) = csi2sec_sim::tx::protect(&ctx, &input).expect("model");
    assert_eq!(counters.oversize, 6, "the model drops the long lines");
    // (Percent(90): the sink is held back nine cycles in ten, so the
    // output parts of the line before wait while the long line is taken.)
    for stalls in [Stalls::None, Stalls::Both, Stalls::Percent(90)] {
        check(
            &format!("oversize lines ({stalls:?})"),
            &ctx,
            &input,
            Arch::Pipelined,
            stalls,
            None,
        );
    }
}
