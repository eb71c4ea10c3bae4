//! CRC-16/MCRF4XX (the CSI-2 packet footer) and CRC-32/ISO-HDLC (the
//! csi2sec FuSa CRC), spec §1 and §5.1.
//!
//! Both are reflected CRCs, so one slicing-by-8 engine serves both: the
//! register is kept in the low bits of a `u32` and shifted right.

use std::sync::OnceLock;

/// A reflected CRC with slicing-by-16 tables.
pub struct ReflectedCrc {
    tables: [[u32; 256]; 16],
    init: u32,
    xorout: u32,
    /// Matrix k (as 32 columns) maps a register across 2^k zero bytes;
    /// built on first use.
    zero_matrices: OnceLock<Box<[[u32; 32]; 64]>>,
}

impl ReflectedCrc {
    const fn new(poly_reflected: u32, init: u32, xorout: u32) -> Self {
        let mut tables = [[0u32; 256]; 16];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    (c >> 1) ^ poly_reflected
                } else {
                    c >> 1
                };
                k += 1;
            }
            tables[0][i] = c;
            i += 1;
        }
        let mut t = 1;
        while t < 16 {
            let mut i = 0;
            while i < 256 {
                let prev = tables[t - 1][i];
                tables[t][i] = (prev >> 8) ^ tables[0][(prev & 0xff) as usize];
                i += 1;
            }
            t += 1;
        }
        ReflectedCrc {
            tables,
            init,
            xorout,
            zero_matrices: OnceLock::new(),
        }
    }

    /// The register value before any byte.
    pub fn init(&self) -> u32 {
        self.init
    }

    /// Feed `data` into the running register `crc` (not yet XORed out).
    pub fn update(&self, mut crc: u32, data: &[u8]) -> u32 {
        let t = &self.tables;
        let mut chunks = data.chunks_exact(16);
        for c in &mut chunks {
            let lo = crc ^ u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            crc = t[15][(lo & 0xff) as usize]
                ^ t[14][((lo >> 8) & 0xff) as usize]
                ^ t[13][((lo >> 16) & 0xff) as usize]
                ^ t[12][(lo >> 24) as usize]
                ^ t[11][c[4] as usize]
                ^ t[10][c[5] as usize]
                ^ t[9][c[6] as usize]
                ^ t[8][c[7] as usize]
                ^ t[7][c[8] as usize]
                ^ t[6][c[9] as usize]
                ^ t[5][c[10] as usize]
                ^ t[4][c[11] as usize]
                ^ t[3][c[12] as usize]
                ^ t[2][c[13] as usize]
                ^ t[1][c[14] as usize]
                ^ t[0][c[15] as usize];
        }
        for &b in chunks.remainder() {
            crc = (crc >> 8) ^ t[0][((crc ^ b as u32) & 0xff) as usize];
        }
        crc
    }

    /// The register after `n` zero bytes from register `v`: the linear
    /// part of the CRC, so that for any data `d` of length `n`,
    /// `update(v, d) == update(init, d) ^ zeros(v ^ init, n)`. This lets a
    /// CRC over `prefix || d` be had from a CRC over `d` alone, in
    /// O(log n) (GF(2) matrices of 2^k zero bytes).
    pub fn zeros(&self, mut v: u32, n: usize) -> u32 {
        let mut k = 0;
        let mut n = n;
        while n != 0 {
            if n & 1 == 1 {
                let m = &self.zero_matrices()[k];
                let mut r = 0;
                let mut bits = v;
                while bits != 0 {
                    r ^= m[bits.trailing_zeros() as usize];
                    bits &= bits - 1;
                }
                v = r;
            }
            n >>= 1;
            k += 1;
        }
        v
    }

    fn zero_matrices(&self) -> &[[u32; 32]; 64] {
        self.zero_matrices.get_or_init(|| {
            let mut m = [[0u32; 32]; 64];
            for j in 0..32 {
                m[0][j] = self.update(1 << j, &[0]);
            }
            for k in 1..64 {
                for j in 0..32 {
                    let col = m[k - 1][j];
                    m[k][j] = (0..32)
                        .filter(|b| col >> b & 1 == 1)
                        .fold(0, |a, b| a ^ m[k - 1][b]);
                }
            }
            Box::new(m)
        })
    }

    /// The final value of a running register.
    pub fn finish(&self, crc: u32) -> u32 {
        crc ^ self.xorout
    }

    /// The CRC of `data` in one call.
    pub fn checksum(&self, data: &[u8]) -> u32 {
        self.finish(self.update(self.init, data))
    }
}

/// CRC-16/MCRF4XX: poly 0x1021 reflected, init 0xFFFF, no final XOR.
pub static CRC16: ReflectedCrc = ReflectedCrc::new(0x8408, 0xFFFF, 0);
/// CRC-32/ISO-HDLC (zlib's crc32).
pub static CRC32: ReflectedCrc = ReflectedCrc::new(0xEDB8_8320, 0xFFFF_FFFF, 0xFFFF_FFFF);

/// CSI-2 payload CRC-16.
pub fn crc16(data: &[u8]) -> u16 {
    CRC16.checksum(data) as u16
}

/// CRC-16 of `prefix || data`, given `crc16_data` = the CRC-16 of `data`
/// alone, then `suffix`: one pass over `data` serves an input check and
/// the CRC of a wrapped payload.
pub fn crc16_around(prefix: &[u8], crc16_data: u16, data_len: usize, suffix: &[u8]) -> u16 {
    let s1 = CRC16.update(CRC16.init(), prefix);
    let s2 = crc16_data as u32 ^ CRC16.zeros(s1 ^ CRC16.init(), data_len);
    CRC16.update(s2, suffix) as u16
}

/// csi2sec FuSa CRC-32.
pub fn crc32(data: &[u8]) -> u32 {
    CRC32.checksum(data)
}

/// A running CRC-32 over pieces of a message.
#[derive(Clone, Copy, Debug)]
pub struct Crc32 {
    reg: u32,
}

impl Default for Crc32 {
    fn default() -> Self {
        Crc32 { reg: CRC32.init() }
    }
}

impl Crc32 {
    pub fn update(&mut self, data: &[u8]) {
        self.reg = CRC32.update(self.reg, data);
    }
    pub fn value(&self) -> u32 {
        CRC32.finish(self.reg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit-serial definition, written from the polynomial, to check the tables.
    fn bitwise(poly: u32, init: u32, xorout: u32, data: &[u8]) -> u32 {
        let mut c = init;
        for &b in data {
            c ^= b as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { (c >> 1) ^ poly } else { c >> 1 };
            }
        }
        c ^ xorout
    }

    #[test]
    fn spec_check_values() {
        let v = hex::decode("FF0000001EF01EC74F8278C582E08C70D23C78E9FF000001").unwrap();
        assert_eq!(crc16(&v), 0xE569);
        assert_eq!(crc16(&[]), 0xFFFF);
    }

    #[test]
    fn catalogue_check_values() {
        assert_eq!(crc16(b"123456789"), 0x6F91);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn slicing_matches_bitwise_at_every_length_and_split() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 37 + 11) as u8).collect();
        for n in 0..data.len() {
            assert_eq!(
                crc16(&data[..n]) as u32,
                bitwise(0x8408, 0xFFFF, 0, &data[..n])
            );
            assert_eq!(crc32(&data[..n]), bitwise(0xEDB88320, !0, !0, &data[..n]));
        }
        for (a, b) in [(0, 0), (3, 17), (12, 300), (1, 1)] {
            for crc in [&CRC16, &CRC32] {
                let direct = crc.update(crc.update(crc.init(), &data[..a]), &data[a..b]);
                let s1 = crc.update(crc.init(), &data[..a]);
                let via_zeros =
                    crc.update(crc.init(), &data[a..b]) ^ crc.zeros(s1 ^ crc.init(), b - a);
                assert_eq!(direct, via_zeros, "{a}..{b}");
            }
        }
        let mut r = Crc32::default();
        r.update(&data[..13]);
        r.update(&data[13..]);
        assert_eq!(r.value(), crc32(&data));
    }
}
