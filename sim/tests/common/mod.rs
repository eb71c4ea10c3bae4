#![allow(dead_code)]
//! Shared helpers of the integration tests.

use std::path::PathBuf;

/// The spec folder: `$CSI2SEC_SPEC_DIR`, else `shared/spec` beside the repository.
pub fn spec_dir() -> PathBuf {
    if let Ok(d) = std::env::var("CSI2SEC_SPEC_DIR") {
        return PathBuf::from(d);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec")
}

pub struct Example {
    pub name: String,
    pub config: serde_json::Value,
    pub input: Vec<u8>,
    pub output: Vec<u8>,
}

/// Every worked example of the spec; panics if there are none.
pub fn examples() -> Vec<Example> {
    let dir = spec_dir().join("examples");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "spec examples at {}: {e} (set CSI2SEC_SPEC_DIR)",
                dir.display()
            )
        })
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no examples in {}", dir.display());
    paths
        .iter()
        .map(|p| {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            Example {
                name: v["name"].as_str().unwrap().to_string(),
                config: v["config"].clone(),
                input: hex::decode(v["input_hex"].as_str().unwrap()).unwrap(),
                output: hex::decode(v["output_hex"].as_str().unwrap()).unwrap(),
            }
        })
        .collect()
}

/// Packets of a stream as hex lines, for readable diffs.
pub fn packets_hex(data: &[u8], vcx: bool) -> Vec<String> {
    csi2sec_sim::packet::PacketReader::new(data, vcx)
        .map(|p| match p {
            Ok(p) => {
                let end = p.offset
                    + if p.header.is_long() {
                        6 + p.payload.len()
                    } else {
                        4
                    };
                hex::encode(&data[p.offset..end])
            }
            Err(e) => format!("error: {e}"),
        })
        .collect()
}

/// The input as the RX gives it back: 1-bit header errors corrected,
/// control-DT packets of configured streams gone (the TX drops them).
pub fn normalised(ctx: &csi2sec_sim::Context, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in csi2sec_sim::packet::PacketReader::new(input, ctx.vcx) {
        let p = p.unwrap();
        let h = p.header;
        if h.dt == ctx.control_dt && ctx.stream(h.stream()).is_some() {
            continue;
        }
        p.write_as_received(&mut out);
    }
    out
}

/// Recompute the CRC-16 of the long packet that holds byte `at`, as an
/// attacker who changed that byte would.
pub fn repair_crc16(data: &mut [u8], at: usize, vcx: bool) {
    let spans: Vec<(usize, usize)> = csi2sec_sim::packet::PacketReader::new(data, vcx)
        .filter_map(|p| p.ok())
        .filter(|p| p.header.is_long())
        .map(|p| (p.offset + 4, p.offset + 4 + p.payload.len()))
        .collect();
    let (a, b) = *spans
        .iter()
        .find(|(a, b)| (*a..*b).contains(&at))
        .expect("byte inside a payload");
    let c = csi2sec_sim::crc::crc16(&data[a..b]);
    data[b..b + 2].copy_from_slice(&c.to_le_bytes());
}

/// What an attacker does to downgrade a protected stream: every SEP header
/// claims SV-5, uncovered, unencrypted; message tags are stripped; SEP tag
/// packets and FSED-Tags are removed; FSED-Headers claim SV 5/5/5; ECC,
/// CRC-16 and CRC-32 are repaired.
pub fn downgrade(ctx: &csi2sec_sim::Context, wire: &[u8]) -> Vec<u8> {
    use csi2sec_sim::context::Protocol;
    use csi2sec_sim::layout::{self, FrameBlock, RecordHeader};
    use csi2sec_sim::packet::{self, DT_BLANKING, DT_NULL};
    let mut out = Vec::new();
    let mut in_frame = [false; 16];
    for p in packet::PacketReader::new(wire, ctx.vcx) {
        let p = p.unwrap();
        let h = p.header;
        let configured = ctx.stream(h.stream()).is_some();
        let pl = p.payload;
        match h.dt {
            packet::DT_FS => in_frame[h.stream() as usize] = true,
            packet::DT_FE => in_frame[h.stream() as usize] = false,
            _ => {}
        }
        let open = in_frame[h.stream() as usize];
        if !configured || !open || !h.is_long() || h.dt == DT_NULL || h.dt == DT_BLANKING {
            p.write_as_received(&mut out);
            continue;
        }
        if h.dt == ctx.control_dt {
            match pl.first() {
                Some(&layout::TRAILER_ID) => continue,
                Some(&layout::FRAME_BLOCK_ID) => {
                    let mut fb = FrameBlock::parse(pl).unwrap();
                    fb.sv = [5, 5, 5];
                    fb.config &= !1;
                    packet::write_long(&mut out, h, &[&fb.to_bytes()], 0);
                }
                _ => packet::write_long(&mut out, h, &[pl], 0),
            }
            continue;
        }
        if ctx.protocol == Protocol::Fsed {
            packet::write_long(&mut out, h, &[pl], 0);
            continue;
        }
        let sep: [u8; 12] = pl[..12].try_into().unwrap();
        let mut rh = RecordHeader::from_sep_header(&sep, h.di(), h.vcx, 0);
        let cfg = layout::parse_config(rh.config);
        let t = csi2sec_sim::context::tag_len_of_code(cfg.tag_len_code).unwrap();
        let tag_here = cfg.tag_mode == 1 && rh.covered;
        let wc0 = pl.len() - 12 - layout::sep_footer_len(cfg.crc32, tag_here, t);
        let data = &pl[12..12 + wc0];
        rh.sv = 5;
        rh.covered = false;
        rh.config &= !1;
        let new_sep = rh.sep_header();
        let crc = if cfg.crc32 {
            csi2sec_sim::crc::crc32(&[&new_sep[..], data].concat())
                .to_le_bytes()
                .to_vec()
        } else {
            vec![]
        };
        packet::write_long(&mut out, h, &[&new_sep, data, &crc], 0);
    }
    out
}
