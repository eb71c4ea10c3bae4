//! Every byte layout of csi2sec/1 (spec §3–§5), in one place: the config
//! byte, the record header and SEP header, the frame block, the trailer
//! block, the FSED-Safety payload, tag nonces and CTR counter blocks, and
//! which payload bytes a security variant covers. TX and RX both build and
//! read these through this module only.

use crate::context::{StreamContext, tag_len_code};
use std::ops::Range;

/// Length of the SEP header (RH bytes 4..15).
pub const SEP_HEADER_LEN: usize = 12;
/// Length of a record header, frame block and trailer block.
pub const BLOCK_LEN: usize = 16;
/// Record header byte 4, bits 7:6: version 1.
pub const VERSION: u8 = 0b01;
/// First payload byte of the FSED-Header (the frame block).
pub const FRAME_BLOCK_ID: u8 = 0xFA;
/// First byte of a trailer block (SEP tag packet entries, FSED-Tag).
pub const TRAILER_ID: u8 = 0xFE;
/// First payload byte of the FSED-Safety packet.
pub const SAFETY_ID: u8 = 0xC5;
/// Length of the FSED-Safety payload.
pub const SAFETY_LEN: usize = 16;
/// Nonce domain of tags.
pub const DOMAIN_TAG: u8 = 0x02;
/// Counter-block domain of SV-1 encryption.
pub const DOMAIN_CTR: u8 = 0x01;

/// Scope codes of nonces and trailers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Frame = 0,
    Message = 1,
    DataType = 2,
}

/// `suite << 6 | tag_mode << 4 | taglen_code << 2 | crc32 << 1 | enc`.
pub fn config_byte(s: &StreamContext, enc: bool) -> u8 {
    s.suite.code() << 6
        | (s.tag_mode as u8) << 4
        | tag_len_code(s.tag_len) << 2
        | (s.crc32 as u8) << 1
        | enc as u8
}

/// The fields of a config byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfigFields {
    pub suite: u8,
    pub tag_mode: u8,
    pub tag_len_code: u8,
    pub crc32: bool,
    pub enc: bool,
}

pub fn parse_config(b: u8) -> ConfigFields {
    ConfigFields {
        suite: b >> 6,
        tag_mode: b >> 4 & 3,
        tag_len_code: b >> 2 & 3,
        crc32: b & 2 != 0,
        enc: b & 1 != 0,
    }
}

/// The record header of a packet (spec §4); bytes 4..15 are its SEP header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordHeader {
    pub di: u8,
    pub vcx: u8,
    pub wc: u16,
    pub version: u8,
    pub covered: bool,
    /// Bit 4 of byte 4; zero in every header a TX builds.
    pub reserved_bit: bool,
    pub sv: u8,
    pub config: u8,
    pub key_id: u8,
    pub stream: u8,
    pub frame_counter: u32,
    pub message_counter: u32,
}

impl RecordHeader {
    pub fn to_bytes(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[0] = self.di;
        b[1] = self.vcx & 3;
        b[2..4].copy_from_slice(&self.wc.to_le_bytes());
        b[4..].copy_from_slice(&self.sep_header());
        b
    }

    /// RH bytes 4..15.
    pub fn sep_header(&self) -> [u8; 12] {
        let mut b = [0u8; 12];
        b[0] = (self.version & 3) << 6
            | (self.covered as u8) << 5
            | (self.reserved_bit as u8) << 4
            | (self.sv & 0xf);
        b[1] = self.config;
        b[2] = self.key_id;
        b[3] = self.stream;
        b[4..8].copy_from_slice(&self.frame_counter.to_be_bytes());
        b[8..12].copy_from_slice(&self.message_counter.to_be_bytes());
        b
    }

    /// Read a SEP header; `di`, `vcx` and `wc` come from the packet.
    pub fn from_sep_header(b: &[u8; 12], di: u8, vcx: u8, wc: u16) -> RecordHeader {
        RecordHeader {
            di,
            vcx,
            wc,
            version: b[0] >> 6,
            covered: b[0] & 0x20 != 0,
            reserved_bit: b[0] & 0x10 != 0,
            sv: b[0] & 0xf,
            config: b[1],
            key_id: b[2],
            stream: b[3],
            frame_counter: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            message_counter: u32::from_be_bytes([b[8], b[9], b[10], b[11]]),
        }
    }
}

/// The FSED frame block (spec §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameBlock {
    pub stream: u8,
    pub key_id: u8,
    pub config: u8,
    pub sv: [u8; 3],
    pub stride: u8,
    pub window: (u16, u16),
    pub frame_counter: u32,
}

impl FrameBlock {
    /// The frame block a TX sends for this context, policy and counter.
    pub fn expected(s: &StreamContext, sv: [u8; 3], key_id: u8, fc: u32) -> FrameBlock {
        FrameBlock {
            stream: s.stream,
            key_id,
            config: config_byte(s, sv.contains(&1)),
            sv,
            stride: s.stride,
            window: s.window,
            frame_counter: fc,
        }
    }

    pub fn to_bytes(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[0] = FRAME_BLOCK_ID;
        b[1] = self.stream;
        b[2] = self.key_id;
        b[3] = self.config;
        b[4] = self.sv[0] & 0xf | (self.sv[1] & 0xf) << 4;
        b[5] = self.sv[2] & 0xf;
        b[6] = self.stride;
        b[8..10].copy_from_slice(&self.window.0.to_le_bytes());
        b[10..12].copy_from_slice(&self.window.1.to_le_bytes());
        b[12..16].copy_from_slice(&self.frame_counter.to_be_bytes());
        b
    }

    /// Parse an FSED-Header payload; `None` if its length, first byte or
    /// reserved bits are wrong.
    pub fn parse(p: &[u8]) -> Option<FrameBlock> {
        if p.len() != BLOCK_LEN || p[0] != FRAME_BLOCK_ID || p[5] & 0xf0 != 0 || p[7] != 0 {
            return None;
        }
        Some(FrameBlock {
            stream: p[1],
            key_id: p[2],
            config: p[3],
            sv: [p[4] & 0xf, p[4] >> 4, p[5] & 0xf],
            stride: p[6],
            window: (
                u16::from_le_bytes([p[8], p[9]]),
                u16::from_le_bytes([p[10], p[11]]),
            ),
            frame_counter: u32::from_be_bytes([p[12], p[13], p[14], p[15]]),
        })
    }
}

/// A trailer block closing a frame or data-type scope (spec §4).
pub fn trailer(
    scope: ScopeKind,
    dt: u8,
    stream: u8,
    frame_number: u16,
    records: u32,
    bytes: u32,
) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[0] = TRAILER_ID;
    b[1] = scope as u8;
    b[2] = dt;
    b[3] = stream;
    b[4..6].copy_from_slice(&frame_number.to_le_bytes());
    b[8..12].copy_from_slice(&records.to_be_bytes());
    b[12..16].copy_from_slice(&bytes.to_be_bytes());
    b
}

/// GMAC tag nonce `stream, key_id, 0x02, scope, frame counter, index`.
pub fn tag_nonce(stream: u8, key_id: u8, scope: ScopeKind, fc: u32, index: u32) -> [u8; 12] {
    let mut n = [
        stream,
        key_id,
        DOMAIN_TAG,
        scope as u8,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
    ];
    n[4..8].copy_from_slice(&fc.to_be_bytes());
    n[8..12].copy_from_slice(&index.to_be_bytes());
    n
}

/// SV-1 counter block j = 0: `stream, key_id, 0x01, 0x00, fc, mc, 1`.
pub fn ctr_block(stream: u8, key_id: u8, fc: u32, mc: u32) -> [u8; 16] {
    let mut b = [
        stream, key_id, DOMAIN_CTR, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    ];
    b[4..8].copy_from_slice(&fc.to_be_bytes());
    b[8..12].copy_from_slice(&mc.to_be_bytes());
    b
}

/// FSED-Safety payload: `C5 00 00 00 || CRC-32 LE || count BE || bytes BE`.
pub fn safety_payload(crc: u32, count: u32, bytes: u32) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[0] = SAFETY_ID;
    b[4..8].copy_from_slice(&crc.to_le_bytes());
    b[8..12].copy_from_slice(&count.to_be_bytes());
    b[12..16].copy_from_slice(&bytes.to_be_bytes());
    b
}

/// Whether an FSED-Safety payload is well formed (length, id, reserved).
pub fn safety_well_formed(p: &[u8]) -> bool {
    p.len() == SAFETY_LEN && p[0] == SAFETY_ID && p[1..4] == [0, 0, 0]
}

/// Length of the SEP footer: CRC-32 and, in message mode on a covered
/// packet, the tag.
pub fn sep_footer_len(crc32: bool, tag_here: bool, tag_len: usize) -> usize {
    4 * crc32 as usize + if tag_here { tag_len } else { 0 }
}

/// Zero padding of a record to a multiple of 16 bytes.
pub const ZERO_PAD: [u8; 16] = [0; 16];
pub fn pad_len(n: usize) -> usize {
    (16 - n % 16) % 16
}

/// The payload bytes a packet of WC `wc` contributes under `sv`, or `None`
/// when it is not covered (spec §3).
pub fn coverage(
    sv: u8,
    stride: u8,
    line_index: u32,
    window: (u16, u16),
    wc: usize,
) -> Option<Range<usize>> {
    match sv {
        1 | 2 => Some(0..wc),
        3 if line_index % stride.max(1) as u32 == 0 => Some(0..wc),
        4 => {
            let start = (window.0 as usize).min(wc);
            let end = (window.0 as usize + window.1 as usize).min(wc);
            Some(start..end.max(start))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_of_each_variant() {
        assert_eq!(coverage(1, 1, 7, (0, 0), 10), Some(0..10));
        assert_eq!(coverage(3, 2, 1, (0, 0), 10), None);
        assert_eq!(coverage(3, 2, 2, (0, 0), 10), Some(0..10));
        assert_eq!(coverage(4, 1, 0, (4, 16), 10), Some(4..10));
        assert_eq!(coverage(4, 1, 0, (12, 16), 10), Some(10..10));
        assert_eq!(coverage(4, 1, 0, (65535, 65535), 70000), Some(65535..70000));
        assert_eq!(coverage(5, 1, 0, (0, 0), 10), None);
    }

    #[test]
    fn frame_block_round_trips_and_rejects_reserved_bits() {
        let fb = FrameBlock {
            stream: 3,
            key_id: 200,
            config: 0xc8,
            sv: [3, 3, 3],
            stride: 2,
            window: (1, 2),
            frame_counter: 77,
        };
        let b = fb.to_bytes();
        assert_eq!(FrameBlock::parse(&b), Some(fb));
        let mut bad = b;
        bad[7] = 1;
        assert_eq!(FrameBlock::parse(&bad), None);
    }
}
