//! Targeted cases of spec §2 and §6 that random streams do not reach:
//! control-DT conflicts, oversize packets, replay.

mod common;
use csi2sec_sim::context::Context;
use csi2sec_sim::packet::{self, DT_FE, DT_FS, Header};
use csi2sec_sim::{Verdict, protect, verify};

fn ctx(mode: &str, control_dt: u8) -> Context {
    Context::from_json(&format!(
        r#"{{"protocol": "sep", "control_dt": {control_dt}, "streams": [{{"stream": 1, "suite": "gmac-128", "tag_mode": "{mode}",
        "crc32": true, "keys": [{{"key_id": 4, "key": "000102030405060708090a0b0c0d0e0f"}}], "active_key_id": 4}}]}}"#
    ))
    .unwrap()
}

/// A frame on stream 1 with long packets of the given (DT, length).
fn frame(number: u16, packets: &[(u8, usize)]) -> Vec<u8> {
    let mut s = Vec::new();
    packet::write_short(&mut s, Header::for_stream(1, DT_FS, number));
    for (i, &(dt, len)) in packets.iter().enumerate() {
        let payload: Vec<u8> = (0..len).map(|j| (i * 31 + j) as u8).collect();
        packet::write_long(&mut s, Header::for_stream(1, dt, 0), &[&payload], 0);
    }
    packet::write_short(&mut s, Header::for_stream(1, DT_FE, number));
    s
}

#[test]
fn control_dt_from_the_sensor_is_dropped_and_counted() {
    let c = ctx("frame", 0x30);
    let mut input = Vec::new();
    packet::write_long(&mut input, Header::for_stream(1, 0x30, 0), &[&[1, 2, 3]], 0); // outside a frame
    input.extend(frame(1, &[(0x2B, 40), (0x30, 8), (0x2B, 40)]));
    packet::write_long(&mut input, Header::for_stream(2, 0x30, 0), &[&[9]], 0); // unconfigured stream: passes
    let (wire, counters) = protect(&c, &input).unwrap();
    assert_eq!(counters.dt_conflict, 2);
    let (back, report) = verify(&c, &wire);
    assert_eq!(back, common::normalised(&c, &input));
    assert_eq!(
        report.frames.iter().map(|f| f.verdict).collect::<Vec<_>>(),
        [Verdict::Ok]
    );
}

#[test]
fn an_oversize_packet_is_dropped_and_the_receiver_notices() {
    // 65535 - 12 (SEP header) - 4 (CRC-32) < 65530: this one cannot be wrapped.
    let big = 65530;
    for (mode, want) in [
        ("frame", Verdict::AuthFail),
        ("data-type", Verdict::AuthFail),
        ("message", Verdict::AuthFail),
    ] {
        let c = ctx(mode, 0x13);
        let input = frame(1, &[(0x2B, 16), (0x2B, big), (0x2B, 16)]);
        let (wire, counters) = protect(&c, &input).unwrap();
        assert_eq!(counters.oversize, 1, "{mode}");
        let (back, report) = verify(&c, &wire);
        // The receiver gives back all but the dropped packet...
        let mut expect = Vec::new();
        for p in packet::PacketReader::new(&input, true)
            .map(Result::unwrap)
            .filter(|p| p.payload.len() != big)
        {
            p.write_as_received(&mut expect);
        }
        assert_eq!(back, expect, "{mode}");
        // ...and the frame (or, in message mode, the next packet) is not ok.
        let verdicts: Vec<Verdict> = report
            .frames
            .iter()
            .map(|f| f.verdict)
            .chain(report.packets.iter().map(|p| p.verdict))
            .collect();
        assert!(verdicts.contains(&want), "{mode}: {verdicts:?}");
        // A packet that fits exactly is not oversize.
        let fits = 65535 - 12 - 4 - if mode == "message" { 16 } else { 0 };
        let (_, c2) = protect(&c, &frame(1, &[(0x2B, fits)])).unwrap();
        assert_eq!(c2.oversize, 0, "{mode}");
        let (_, c3) = protect(&c, &frame(1, &[(0x2B, fits + 1)])).unwrap();
        assert_eq!(c3.oversize, 1, "{mode}");
    }
}

#[test]
fn a_replayed_frame_is_caught() {
    let c = ctx("frame", 0x13);
    let input = [frame(1, &[(0x2B, 20)]), frame(2, &[(0x2B, 20)])].concat();
    let (wire, _) = protect(&c, &input).unwrap();
    // Send frame 1 again after frame 2.
    let first_len = wire.len() / 2;
    let replayed = [&wire[..], &wire[..first_len]].concat();
    let (_, report) = verify(&c, &replayed);
    let v: Vec<Verdict> = report.frames.iter().map(|f| f.verdict).collect();
    assert_eq!(v, [Verdict::Ok, Verdict::Ok, Verdict::Replay]);
}
