//! Step functions that the RTL engines are compared with block by block.
//!
//! These are written from FIPS-197, SP 800-38B and SP 800-38D, not from the
//! RustCrypto crates, and the tests check them against those crates.
//!
//! Bit and byte order:
//! - AES state: the 16 input bytes fill the state column by column
//!   (`s[r][c] = in[r + 4c]`); blocks are kept as byte arrays in that order.
//! - GF(2^128) (GCM): a block is read as a big-endian `u128`; its most
//!   significant bit is the coefficient of x^0 ("reflected" order), so
//!   multiplication by x is a right shift, reduced with `0xE1 << 120`.
//! - inc32 adds 1 mod 2^32 to the last four bytes, big-endian.
//! - CMAC doubling reads the block as a big-endian `u128` and shifts left,
//!   reduced with 0x87.

/// The AES S-box, computed from its definition: multiplicative inverse in
/// GF(2^8) mod x^8+x^4+x^3+x+1, then the affine map with constant 0x63.
pub fn sbox(x: u8) -> u8 {
    let inv = if x == 0 {
        0
    } else {
        (1..=255u8).find(|&y| gf8_mul(x, y) == 1).unwrap_or(0)
    };
    let mut s = inv;
    let mut r = inv;
    for _ in 0..4 {
        r = r.rotate_left(1);
        s ^= r;
    }
    s ^ 0x63
}

/// Multiplication in GF(2^8) with the AES polynomial.
pub fn gf8_mul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        a = (a << 1) ^ if a & 0x80 != 0 { 0x1b } else { 0 };
        b >>= 1;
    }
    p
}

fn sbox_table() -> [u8; 256] {
    std::array::from_fn(|i| sbox(i as u8))
}

/// AES round keys (FIPS-197 §5.2): 11 for AES-128, 15 for AES-256.
pub fn aes_round_keys(key: &[u8]) -> Vec<[u8; 16]> {
    let nk = key.len() / 4;
    assert!(nk == 4 || nk == 8, "AES-128 or AES-256 key");
    let nr = nk + 6;
    let sb = sbox_table();
    let mut w: Vec<[u8; 4]> = key.chunks(4).map(|c| [c[0], c[1], c[2], c[3]]).collect();
    let mut rcon = 1u8;
    for i in nk..4 * (nr + 1) {
        let mut t = w[i - 1];
        if i % nk == 0 {
            t = [
                sb[t[1] as usize] ^ rcon,
                sb[t[2] as usize],
                sb[t[3] as usize],
                sb[t[0] as usize],
            ];
            rcon = gf8_mul(rcon, 2);
        } else if nk > 6 && i % nk == 4 {
            t = t.map(|b| sb[b as usize]);
        }
        let p = w[i - nk];
        w.push(std::array::from_fn(|j| p[j] ^ t[j]));
    }
    w.chunks(4)
        .map(|c| std::array::from_fn(|i| c[i / 4][i % 4]))
        .collect()
}

/// AES encryption with every intermediate state: entry 0 is the input
/// after the initial AddRoundKey, entry r the state after round r; the
/// last entry is the ciphertext.
pub fn aes_encrypt_trace(key: &[u8], block: &[u8; 16]) -> Vec<[u8; 16]> {
    let rk = aes_round_keys(key);
    let nr = rk.len() - 1;
    let sb = sbox_table();
    let mut s: [u8; 16] = std::array::from_fn(|i| block[i] ^ rk[0][i]);
    let mut trace = vec![s];
    for (round, k) in rk.iter().enumerate().skip(1) {
        // SubBytes and ShiftRows: row r of column c comes from column c + r.
        let t: [u8; 16] = std::array::from_fn(|i| {
            let (r, c) = (i % 4, i / 4);
            sb[s[r + 4 * ((c + r) % 4)] as usize]
        });
        s = if round < nr {
            std::array::from_fn(|i| {
                let (r, c) = (i % 4, i / 4);
                let col = &t[4 * c..4 * c + 4];
                gf8_mul(col[r], 2)
                    ^ gf8_mul(col[(r + 1) % 4], 3)
                    ^ col[(r + 2) % 4]
                    ^ col[(r + 3) % 4]
                    ^ k[i]
            })
        } else {
            std::array::from_fn(|i| t[i] ^ k[i])
        };
        trace.push(s);
    }
    trace
}

/// Multiplication in GF(2^128) of GCM (SP 800-38D Algorithm 1).
pub fn gf128_mul(x: u128, y: u128) -> u128 {
    let mut z = 0u128;
    let mut v = y;
    for i in 0..128 {
        if (x >> (127 - i)) & 1 == 1 {
            z ^= v;
        }
        v = if v & 1 == 1 {
            (v >> 1) ^ (0xE1u128 << 120)
        } else {
            v >> 1
        };
    }
    z
}

/// The GHASH subkey `H = E_K(0^128)`.
pub fn ghash_h(key: &[u8]) -> [u8; 16] {
    *aes_encrypt_trace(key, &[0; 16]).last().expect("rounds")
}

/// GHASH over whole blocks with the reference multiplier.
pub fn ghash(h: &[u8; 16], blocks: &[u8]) -> [u8; 16] {
    assert!(blocks.len() % 16 == 0, "whole blocks");
    let h = u128::from_be_bytes(*h);
    let y = blocks.chunks(16).fold(0u128, |y, b| {
        gf128_mul(y ^ u128::from_be_bytes(b.try_into().expect("16")), h)
    });
    y.to_be_bytes()
}

/// `inc32`: the last 32 bits plus one, mod 2^32.
pub fn inc32(block: &[u8; 16]) -> [u8; 16] {
    let mut b = *block;
    let c = u32::from_be_bytes([b[12], b[13], b[14], b[15]]).wrapping_add(1);
    b[12..].copy_from_slice(&c.to_be_bytes());
    b
}

/// CMAC doubling in GF(2^128) with R = 0x87.
pub fn dbl(b: &[u8; 16]) -> [u8; 16] {
    let v = u128::from_be_bytes(*b);
    ((v << 1) ^ if v >> 127 == 1 { 0x87 } else { 0 }).to_be_bytes()
}

/// CMAC subkeys `(K1, K2)` (SP 800-38B §6.1).
pub fn cmac_subkeys(key: &[u8]) -> ([u8; 16], [u8; 16]) {
    let l = ghash_h(key); // E_K(0^128), the same block.
    let k1 = dbl(&l);
    (k1, dbl(&k1))
}

/// CMAC with the subkeys above and the reference AES (SP 800-38B §6.2).
pub fn cmac_ref(key: &[u8], msg: &[u8]) -> [u8; 16] {
    let (k1, k2) = cmac_subkeys(key);
    let n = msg.len().div_ceil(16).max(1);
    let mut c = [0u8; 16];
    for i in 0..n {
        let chunk = &msg[16 * i..msg.len().min(16 * i + 16)];
        let mut m = [0u8; 16];
        m[..chunk.len()].copy_from_slice(chunk);
        if i == n - 1 {
            let k = if chunk.len() == 16 {
                k1
            } else {
                m[chunk.len()] = 0x80;
                k2
            };
            m.iter_mut().zip(k).for_each(|(a, b)| *a ^= b);
        }
        let x: [u8; 16] = std::array::from_fn(|j| c[j] ^ m[j]);
        c = *aes_encrypt_trace(key, &x).last().expect("rounds");
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Aes, MacKey, Suite, gcm_encrypt};

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn fips197_appendix_c() {
        let pt: [u8; 16] = h("00112233445566778899aabbccddeeff").try_into().unwrap();
        let k128 = h("000102030405060708090a0b0c0d0e0f");
        let k256 = h("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        assert_eq!(
            aes_encrypt_trace(&k128, &pt).last().unwrap().to_vec(),
            h("69c4e0d86a7b0430d8cdb78070b4c55a")
        );
        assert_eq!(
            aes_encrypt_trace(&k256, &pt).last().unwrap().to_vec(),
            h("8ea2b7ca516745bfeafc49904b496089")
        );
        // FIPS-197 A.1: the last round key of 2b7e1516...
        let rk = aes_round_keys(&h("2b7e151628aed2a6abf7158809cf4f3c"));
        assert_eq!(rk[10].to_vec(), h("d014f9a8c9ee2589e13f0cc8b6630ca6"));
        assert_eq!(sbox(0x53), 0xed);
        assert_eq!(sbox(0x00), 0x63);
    }

    #[test]
    fn reference_aes_equals_rustcrypto() {
        for seed in 0..64u8 {
            for len in [16, 32] {
                let key: Vec<u8> = (0..len)
                    .map(|i| seed.wrapping_mul(31).wrapping_add(i as u8 * 7))
                    .collect();
                let pt: [u8; 16] = std::array::from_fn(|i| seed ^ (i as u8 * 13));
                assert_eq!(
                    *aes_encrypt_trace(&key, &pt).last().unwrap(),
                    Aes::new(&key).unwrap().encrypt(&pt)
                );
            }
        }
    }

    #[test]
    fn gf128_and_ghash_equal_rustcrypto() {
        // GCM with empty plaintext: tag = GHASH_H(A || len) ^ E(J0).
        let key = h("feffe9928665731c6d6a8f9467308308");
        let aes = Aes::new(&key).unwrap();
        let iv: [u8; 12] = h("cafebabefacedbaddecaf888").try_into().unwrap();
        let aad: Vec<u8> = (0..48u8).collect();
        let (_, tag) = gcm_encrypt(&aes, &iv, &aad, &[]);
        let hh = ghash_h(&key);
        let mut blocks = aad.clone();
        let mut len = [0u8; 16];
        len[..8].copy_from_slice(&(aad.len() as u64 * 8).to_be_bytes());
        blocks.extend_from_slice(&len);
        let s = ghash(&hh, &blocks);
        let ej0 = aes.encrypt(&crate::crypto::j0(&iv));
        let want: [u8; 16] = std::array::from_fn(|i| s[i] ^ ej0[i]);
        assert_eq!(tag, want);
        // x * 1 = x, with 1 = 0x80..00 in reflected order.
        assert_eq!(gf128_mul(0x1234, 1u128 << 127), 0x1234);
    }

    #[test]
    fn cmac_reference_equals_rustcrypto() {
        for len in [0usize, 1, 15, 16, 17, 31, 32, 33, 64] {
            let msg: Vec<u8> = (0..len as u8).collect();
            for suite in [Suite::Cmac128, Suite::Cmac256] {
                let key = vec![0x5a; suite.key_len()];
                let mut s = MacKey::new(suite, &key).unwrap().start([0; 12]);
                s.update(&msg);
                assert_eq!(cmac_ref(&key, &msg), s.finish(), "len {len}");
            }
        }
        // SP 800-38B D.1 subkeys.
        let (k1, k2) = cmac_subkeys(&h("2b7e151628aed2a6abf7158809cf4f3c"));
        assert_eq!(k1.to_vec(), h("fbeed618357133667c85e08f7236a8de"));
        assert_eq!(k2.to_vec(), h("f7ddac306ae266ccf90bc11ee46d513b"));
    }

    #[test]
    fn inc32_wraps() {
        let b = [0xff; 16];
        let n = inc32(&b);
        assert_eq!(&n[..12], &[0xff; 12]);
        assert_eq!(&n[12..], &[0; 4]);
    }
}
