//! Property tests over random contexts and interleaved streams (proptest
//! picks the seeds; `csi2sec_sim::random` builds contexts and streams).

mod common;
use csi2sec_sim::context::{Context, Protocol};
use csi2sec_sim::random::{self, Rng, Shape};
use csi2sec_sim::tx::{CoverageTrace, Tx};
use csi2sec_sim::{Verdict, packet, verify};
use proptest::prelude::*;

fn protocol(p: bool) -> Protocol {
    if p { Protocol::Fsed } else { Protocol::Sep }
}

/// TX with the coverage trace.
fn protect_traced(ctx: &Context, input: &[u8]) -> (Vec<u8>, CoverageTrace) {
    let mut tx = Tx::new(ctx);
    tx.trace = Some(CoverageTrace::default());
    let mut out = Vec::new();
    for p in packet::PacketReader::new(input, ctx.vcx) {
        tx.packet(&p.unwrap(), &mut out);
    }
    (out, tx.trace.unwrap())
}

/// A random context and stream from a seed.
fn setup(
    seed: u64,
    fsed: bool,
    max_streams: usize,
    exhaust: bool,
    shape: Shape,
) -> (Context, Vec<u8>, Rng) {
    let mut rng = Rng::new(seed);
    let ctx = random::context(&mut rng, protocol(fsed), max_streams, exhaust);
    let input = random::stream(&mut rng, &ctx, shape);
    (ctx, input, rng)
}

/// FS packets of configured streams: the frames the RX must judge.
fn frames_in(ctx: &Context, input: &[u8]) -> usize {
    packet::PacketReader::new(input, ctx.vcx)
        .map(Result::unwrap)
        .filter(|p| p.header.dt == packet::DT_FS && ctx.stream(p.header.stream()).is_some())
        .count()
}

fn verdicts(ctx: &Context, wire: &[u8]) -> (Vec<Verdict>, Vec<Verdict>) {
    let (_, r) = verify(ctx, wire);
    (
        r.frames.iter().map(|f| f.verdict).collect(),
        r.packets.iter().map(|p| p.verdict).collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// RX(TX(x)) == x, and every verdict is ok or unprotected.
    #[test]
    fn rx_of_tx_gives_back_the_input(seed: u64, fsed: bool) {
        let (ctx, input, _rng) = setup(seed, fsed, 4, false, Shape { max_len: 80, abandon: false });
        let (wire, counters) = csi2sec_sim::protect(&ctx, &input).unwrap();
        prop_assert_eq!(counters.oversize + counters.dt_conflict, 0);
        let (back, report) = verify(&ctx, &wire);
        prop_assert_eq!(back, common::normalised(&ctx, &input));
        prop_assert!(report.stopped.is_none());
        for f in &report.frames {
            prop_assert!(f.verdict.is_good(), "{:?}", f);
        }
        for p in &report.packets {
            prop_assert!(p.verdict.is_good(), "{:?}", p);
        }
        // One verdict per frame: none lost, none duplicated.
        prop_assert_eq!(report.frames.len(), frames_in(&ctx, &input));
    }

    /// With abandoned frames and exhausted counters the data still come
    /// back unchanged; only the verdicts say what happened.
    #[test]
    fn rx_gives_back_data_of_abandoned_and_exhausted_frames(seed: u64, fsed: bool) {
        let (ctx, input, _rng) = setup(seed, fsed, 3, true, Shape { max_len: 40, abandon: true });
        let (wire, _) = csi2sec_sim::protect(&ctx, &input).unwrap();
        let (back, report) = verify(&ctx, &wire);
        prop_assert_eq!(back, common::normalised(&ctx, &input));
        prop_assert_eq!(report.frames.len(), frames_in(&ctx, &input));
        // Frames sent after exhaustion repeat counter 0xFFFFFFFF and are
        // never ok: per stream, at most one ok frame carries it.
        for s in &ctx.streams {
            let ok_at_max = report.frames.iter().filter(|f| f.stream == s.stream && f.frame_counter == Some(u32::MAX) && f.verdict == Verdict::Ok).count();
            prop_assert!(ok_at_max <= 1, "stream {}: {} ok frames at 0xFFFFFFFF", s.stream, ok_at_max);
        }
    }

    /// Flipping any bit of a covered byte (CRC-16 repaired) is caught.
    #[test]
    fn a_changed_covered_byte_is_caught(seed: u64, fsed: bool, pick: u64, bit in 0u8..8) {
        let (ctx, input, _rng) = setup(seed, fsed, 3, false, Shape { max_len: 60, abandon: false });
        let (mut wire, trace) = protect_traced(&ctx, &input);
        let bytes: Vec<usize> = trace.covered.iter().flat_map(|r| r.clone()).collect();
        prop_assume!(!bytes.is_empty());
        let at = bytes[(pick % bytes.len() as u64) as usize];
        wire[at] ^= 1 << bit;
        common::repair_crc16(&mut wire, at, ctx.vcx);
        let (frames, packets) = verdicts(&ctx, &wire);
        prop_assert!(frames.iter().chain(&packets).any(|v| !v.is_good()), "{:?} {:?}", frames, packets);
    }

    /// Bytes that no variant covers change without a non-ok verdict
    /// (CRC-32 off: the FuSa CRC would see them).
    #[test]
    fn an_uncovered_byte_changes_freely(seed: u64, fsed: bool, pick: u64, bit in 0u8..8) {
        let (mut ctx, input, _rng) = setup(seed, fsed, 3, false, Shape { max_len: 60, abandon: false });
        ctx.streams.iter_mut().for_each(|s| s.crc32 = false);
        let (mut wire, trace) = protect_traced(&ctx, &input);
        let bytes: Vec<usize> = trace.uncovered.iter().flat_map(|r| r.clone()).collect();
        prop_assume!(!bytes.is_empty());
        let before = verdicts(&ctx, &wire);
        let at = bytes[(pick % bytes.len() as u64) as usize];
        wire[at] ^= 1 << bit;
        common::repair_crc16(&mut wire, at, ctx.vcx);
        prop_assert_eq!(verdicts(&ctx, &wire), before);
    }

    /// Claiming SV-5 and stripping the tags (ECC, CRC-16, CRC-32 repaired)
    /// leaves no verdict ok.
    #[test]
    fn a_downgrade_is_caught(seed: u64, fsed: bool) {
        let (ctx, input, _rng) = setup(seed, fsed, 3, false, Shape { max_len: 60, abandon: false });
        let (wire, _) = csi2sec_sim::protect(&ctx, &input).unwrap();
        let down = common::downgrade(&ctx, &wire);
        let (frames, packets) = verdicts(&ctx, &down);
        prop_assert!(frames.iter().chain(&packets).all(|v| *v != Verdict::Ok), "{:?} {:?}", frames, packets);
        // ...and the attacker's stream really is well formed.
        let (_, r) = verify(&ctx, &down);
        prop_assert!(r.stopped.is_none());
    }

    /// Random bytes and cut streams give errors, never panics.
    #[test]
    fn garbage_and_truncation_never_panic(seed: u64, fsed: bool, cut: u64, noise in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut rng = Rng::new(seed);
        let ctx = random::context(&mut rng, protocol(fsed), 2, true);
        let _ = verify(&ctx, &noise);
        let _ = csi2sec_sim::protect(&ctx, &noise);
        let input = random::stream(&mut rng, &ctx, Shape { max_len: 40, abandon: true });
        let (wire, _) = csi2sec_sim::protect(&ctx, &input).unwrap();
        let at = (cut % (wire.len() as u64 + 1)) as usize;
        let (_, r) = verify(&ctx, &wire[..at]);
        let inside_packet = packet::PacketReader::new(&wire[..at], ctx.vcx).any(|p| p.is_err());
        prop_assert_eq!(r.stopped.is_some(), inside_packet);
        let mut flipped = wire.clone();
        for _ in 0..4 {
            let i = rng.below(flipped.len().max(1) as u64) as usize;
            if let Some(b) = flipped.get_mut(i) { *b ^= 1 << rng.below(8); }
        }
        let _ = verify(&ctx, &flipped);
    }
}
