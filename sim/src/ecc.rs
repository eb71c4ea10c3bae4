//! CSI-2 packet-header ECC6 (spec §1): a Hsiao SEC-DED code over 24 data
//! bits (DI, WC) or 26 with the VC extension (VCX).
//!
//! Every column has odd weight, so a 1-bit error gives a syndrome equal to
//! one data column or of weight 1 (an ECC bit), and a 2-bit error gives a
//! non-zero even-weight syndrome, which is neither: it is always flagged.

/// ECC6 column of data bit `i` (D0..D25).
pub const COLUMNS: [u8; 26] = [
    0x07, 0x0B, 0x0D, 0x0E, 0x13, 0x15, 0x16, 0x19, // D0..D7
    0x1A, 0x1C, 0x23, 0x25, 0x26, 0x29, 0x2A, 0x2C, // D8..D15
    0x31, 0x32, 0x34, 0x38, 0x1F, 0x2F, 0x37, 0x3B, // D16..D23
    0x3D, 0x3E, // D24, D25 (VCX)
];

/// ECC6 of the data word `d` (`DI | WC << 8 | VCX << 24`).
pub fn ecc6(d: u32) -> u8 {
    // Byte-wise tables: four lookups instead of 26 bit tests.
    static T: [[u8; 256]; 4] = {
        let mut t = [[0u8; 256]; 4];
        let mut byte = 0;
        while byte < 4 {
            let mut v = 0;
            while v < 256 {
                let mut e = 0u8;
                let mut b = 0;
                while b < 8 {
                    let i = byte * 8 + b;
                    if (v >> b) & 1 == 1 && i < 26 {
                        e ^= COLUMNS[i];
                    }
                    b += 1;
                }
                t[byte][v] = e;
                v += 1;
            }
            byte += 1;
        }
        t
    };
    T[0][(d & 0xff) as usize]
        ^ T[1][((d >> 8) & 0xff) as usize]
        ^ T[2][((d >> 16) & 0xff) as usize]
        ^ T[3][((d >> 24) & 0x03) as usize]
}

/// What decoding did to a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EccOutcome {
    /// Syndrome 0.
    Clean,
    /// A 1-bit error in data bit `n` (0..25) was corrected.
    CorrectedData(u8),
    /// A 1-bit error in ECC bit `n` (0..5); the data stand.
    CorrectedEcc(u8),
}

/// Decode the data word from `d` (as received) and the received ECC6.
/// `data_bits` is 26 with VCX, 24 without. Returns the corrected word, or
/// the syndrome when the error cannot be corrected.
pub fn correct(d: u32, received_ecc: u8, data_bits: usize) -> Result<(u32, EccOutcome), u8> {
    let syndrome = (received_ecc ^ ecc6(d)) & 0x3f;
    if syndrome == 0 {
        return Ok((d, EccOutcome::Clean));
    }
    if syndrome.count_ones() == 1 {
        return Ok((d, EccOutcome::CorrectedEcc(syndrome.trailing_zeros() as u8)));
    }
    // Data bit of each syndrome, or 0xff.
    static BIT_OF: [u8; 64] = {
        let mut t = [0xffu8; 64];
        let mut i = 0;
        while i < 26 {
            t[COLUMNS[i] as usize] = i as u8;
            i += 1;
        }
        t
    };
    match BIT_OF[syndrome as usize] {
        i if (i as usize) < data_bits => Ok((d ^ (1 << i), EccOutcome::CorrectedData(i))),
        _ => Err(syndrome),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ecc_bitwise(d: u32) -> u8 {
        (0..26)
            .filter(|i| d >> i & 1 == 1)
            .fold(0, |e, i| e ^ COLUMNS[i])
    }

    #[test]
    fn table_matches_columns() {
        for i in 0..26 {
            assert_eq!(ecc6(1 << i), COLUMNS[i]);
        }
        for d in [0u32, 0x3ff_ffff, 0x123_4567, 0x2aa_aaaa] {
            assert_eq!(ecc6(d), ecc_bitwise(d));
        }
    }

    #[test]
    fn columns_are_distinct_odd_weight() {
        for (i, &c) in COLUMNS.iter().enumerate() {
            assert_eq!(c.count_ones() % 2, 1, "column {i}");
            assert!(c.count_ones() >= 3, "column {i}");
            for &o in &COLUMNS[..i] {
                assert_ne!(c, o);
            }
        }
    }
}
