//! CSI-2 packet layer (spec §1): headers, short and long packets, and a
//! streaming parser over raw byte streams that never panics.

use crate::crc::crc16;
use crate::ecc::{self, EccOutcome};

/// Frame Start.
pub const DT_FS: u8 = 0x00;
/// Frame End.
pub const DT_FE: u8 = 0x01;
/// Line Start.
pub const DT_LS: u8 = 0x02;
/// Line End.
pub const DT_LE: u8 = 0x03;
/// Null long packet (pass-through, never protected).
pub const DT_NULL: u8 = 0x10;
/// Blanking long packet (pass-through, never protected).
pub const DT_BLANKING: u8 = 0x11;
/// Embedded 8-bit data (top and bottom blocks).
pub const DT_EMBEDDED: u8 = 0x12;
/// Default control DT (generic long packet 1).
pub const DT_CONTROL_DEFAULT: u8 = 0x13;

/// A decoded CSI-2 packet header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header {
    /// Virtual channel, 0..3.
    pub vc: u8,
    /// Data type, 0x00..0x3F.
    pub dt: u8,
    /// Word count (long) or short-packet data field.
    pub wc: u16,
    /// VC extension bits, 0..3 (0 when VCX is off).
    pub vcx: u8,
}

impl Header {
    /// Header of a packet on `stream` (0..15 with VCX, 0..3 without).
    pub fn for_stream(stream: u8, dt: u8, wc: u16) -> Header {
        Header {
            vc: stream & 3,
            dt: dt & 0x3f,
            wc,
            vcx: (stream >> 2) & 3,
        }
    }

    pub fn di(&self) -> u8 {
        (self.vc & 3) << 6 | (self.dt & 0x3f)
    }

    /// Stream number `VC + 4·VCX`.
    pub fn stream(&self) -> u8 {
        self.vc + 4 * self.vcx
    }

    pub fn is_long(&self) -> bool {
        self.dt >= 0x10
    }

    /// The 26-bit ECC data word.
    pub fn data_word(&self) -> u32 {
        self.di() as u32 | (self.wc as u32) << 8 | ((self.vcx & 3) as u32) << 24
    }

    /// The four header bytes with a freshly computed ECC.
    pub fn encode(&self) -> [u8; 4] {
        let d = self.data_word();
        let [di, wc0, wc1, _] = d.to_le_bytes();
        [di, wc0, wc1, (self.vcx & 3) << 6 | ecc::ecc6(d)]
    }

    /// Decode four header bytes. With `vcx` off the ECC covers 24 bits and
    /// `E[7:6]` must be zero. `Err` carries the syndrome of an
    /// uncorrectable header.
    pub fn decode(b: [u8; 4], vcx: bool) -> Result<(Header, EccOutcome), HeaderError> {
        let (d, bits) = if vcx {
            (u32::from_le_bytes([b[0], b[1], b[2], b[3] >> 6]), 26)
        } else {
            if b[3] >> 6 != 0 {
                return Err(HeaderError::VcxBitsSet(b[3] >> 6));
            }
            (u32::from_le_bytes([b[0], b[1], b[2], 0]), 24)
        };
        let (d, outcome) =
            ecc::correct(d, b[3] & 0x3f, bits).map_err(HeaderError::Uncorrectable)?;
        let h = Header {
            vc: (d >> 6 & 3) as u8,
            dt: (d & 0x3f) as u8,
            wc: (d >> 8) as u16,
            vcx: (d >> 24 & 3) as u8,
        };
        Ok((h, outcome))
    }
}

/// Why a header could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderError {
    /// ECC syndrome of a 2-or-more-bit error.
    Uncorrectable(u8),
    /// VCX off but E[7:6] is not zero.
    VcxBitsSet(u8),
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderError::Uncorrectable(s) => {
                write!(f, "uncorrectable ECC error (syndrome 0x{s:02x})")
            }
            HeaderError::VcxBitsSet(v) => write!(f, "E[7:6] = {v} with VCX off"),
        }
    }
}

/// One packet as read from a byte stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawPacket<'a> {
    /// Byte offset of the header in the stream.
    pub offset: usize,
    /// The corrected header.
    pub header: Header,
    pub ecc: EccOutcome,
    /// Payload (empty for short packets).
    pub payload: &'a [u8],
    /// Received CRC-16 (long packets; 0 for short).
    pub crc: u16,
}

impl RawPacket<'_> {
    /// Append the packet as received, its header re-encoded (so a
    /// corrected 1-bit ECC error goes out corrected, and a CRC-16 error
    /// goes out as it came in).
    pub fn write_as_received(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.header.encode());
        if self.header.is_long() {
            out.extend_from_slice(self.payload);
            out.extend_from_slice(&self.crc.to_le_bytes());
        }
    }

    /// `received CRC XOR CRC of the received payload`: 0 when intact.
    pub fn crc_error(&self) -> u16 {
        if self.header.is_long() {
            self.crc ^ crc16(self.payload)
        } else {
            0
        }
    }
}

/// What is wrong at a byte offset of a raw stream.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("byte {offset}: packet header: {error}")]
    Header { offset: usize, error: HeaderError },
    #[error("byte {offset}: stream ends inside a packet ({need} bytes announced, {have} present)")]
    Truncated {
        offset: usize,
        need: usize,
        have: usize,
    },
}

impl ParseError {
    pub fn offset(&self) -> usize {
        match self {
            ParseError::Header { offset, .. } | ParseError::Truncated { offset, .. } => *offset,
        }
    }
}

/// Streaming parser: packets back to back, no PHY sync bytes. Yields at
/// most one error, then ends.
pub struct PacketReader<'a> {
    data: &'a [u8],
    pos: usize,
    vcx: bool,
    failed: bool,
}

impl<'a> PacketReader<'a> {
    pub fn new(data: &'a [u8], vcx: bool) -> Self {
        PacketReader {
            data,
            pos: 0,
            vcx,
            failed: false,
        }
    }
}

impl<'a> Iterator for PacketReader<'a> {
    type Item = Result<RawPacket<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.data.len() {
            return None;
        }
        let offset = self.pos;
        let rest = &self.data[offset..];
        let fail = |this: &mut Self, e| {
            this.failed = true;
            Some(Err(e))
        };
        if rest.len() < 4 {
            return fail(
                self,
                ParseError::Truncated {
                    offset,
                    need: 4,
                    have: rest.len(),
                },
            );
        }
        let (header, ecc) = match Header::decode([rest[0], rest[1], rest[2], rest[3]], self.vcx) {
            Ok(x) => x,
            Err(error) => return fail(self, ParseError::Header { offset, error }),
        };
        if !header.is_long() {
            self.pos += 4;
            return Some(Ok(RawPacket {
                offset,
                header,
                ecc,
                payload: &[],
                crc: 0,
            }));
        }
        let need = 4 + header.wc as usize + 2;
        if rest.len() < need {
            return fail(
                self,
                ParseError::Truncated {
                    offset,
                    need,
                    have: rest.len(),
                },
            );
        }
        let payload = &rest[4..need - 2];
        let crc = u16::from_le_bytes([rest[need - 2], rest[need - 1]]);
        self.pos += need;
        Some(Ok(RawPacket {
            offset,
            header,
            ecc,
            payload,
            crc,
        }))
    }
}

/// Append a short packet.
pub fn write_short(out: &mut Vec<u8>, h: Header) {
    out.extend_from_slice(&h.encode());
}

/// Append a long packet whose payload is given in pieces; `crc_xor` is
/// XORed into the computed CRC-16 (propagation of an input CRC error).
pub fn write_long(out: &mut Vec<u8>, h: Header, pieces: &[&[u8]], crc_xor: u16) {
    let start = out.len() + 4;
    write_long_with_crc(out, h, pieces, 0);
    let end = out.len() - 2;
    let crc = crc16(&out[start..end]) ^ crc_xor;
    out[end..].copy_from_slice(&crc.to_le_bytes());
}

/// Append a long packet with a CRC-16 the caller computed.
pub fn write_long_with_crc(out: &mut Vec<u8>, h: Header, pieces: &[&[u8]], crc: u16) {
    let len: usize = pieces.iter().map(|p| p.len()).sum();
    debug_assert!(len <= u16::MAX as usize);
    let h = Header {
        wc: len as u16,
        ..h
    };
    out.extend_from_slice(&h.encode());
    for p in pieces {
        out.extend_from_slice(p);
    }
    out.extend_from_slice(&crc.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_header_check_values() {
        assert_eq!(
            Header::for_stream(0, DT_FS, 1).encode(),
            [0x00, 0x01, 0x00, 0x1A]
        );
        assert_eq!(
            Header::for_stream(0, 0x2B, 0x0C80).encode(),
            [0x2B, 0x80, 0x0C, 0x37]
        );
        assert_eq!(
            Header::for_stream(5, 0x2B, 0x0C80).encode(),
            [0x6B, 0x80, 0x0C, 0x5C]
        );
    }

    #[test]
    fn parser_reports_truncation_and_bad_headers_without_panicking() {
        let mut s = Vec::new();
        write_short(&mut s, Header::for_stream(0, DT_FS, 1));
        write_long(&mut s, Header::for_stream(0, 0x2A, 0), &[&[1, 2, 3]], 0);
        let all: Vec<_> = PacketReader::new(&s, true).collect();
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|p| p.as_ref().unwrap().crc_error() == 0));
        let cut: Vec<_> = PacketReader::new(&s[..s.len() - 1], true).collect();
        assert_eq!(
            cut[1],
            Err(ParseError::Truncated {
                offset: 4,
                need: 9,
                have: 8
            })
        );
        let mut bad = s.clone();
        bad[5] ^= 0x03; // two bits of WC
        let r: Vec<_> = PacketReader::new(&bad, true).collect();
        assert!(matches!(r[1], Err(ParseError::Header { offset: 4, .. })));
        assert_eq!(r.len(), 2);
    }
}
