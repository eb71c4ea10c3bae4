//! Crypto of the suites on RustCrypto (spec §5): AES-128/256, CTR, GMAC,
//! CMAC, tag truncation and constant-time comparison; and GCM for the
//! known-answer runners.

use aes::cipher::{
    BlockCipherEncrypt, InnerIvInit, KeyInit, StreamCipher, StreamCipherCoreWrapper as Ctr32,
};
use aes::{Aes128, Aes256};
use cmac::digest::InnerInit;
use cmac::{Cmac, Mac};
use ghash::GHash;
use ghash::universal_hash::UniversalHash;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// A ciphersuite (spec §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Suite {
    Gmac128 = 0,
    Gmac256 = 1,
    Cmac128 = 2,
    Cmac256 = 3,
}

impl Suite {
    pub const ALL: [Suite; 4] = [
        Suite::Gmac128,
        Suite::Gmac256,
        Suite::Cmac128,
        Suite::Cmac256,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }
    pub fn from_code(c: u8) -> Option<Suite> {
        Suite::ALL.get(c as usize).copied()
    }
    pub fn key_len(self) -> usize {
        match self {
            Suite::Gmac128 | Suite::Cmac128 => 16,
            Suite::Gmac256 | Suite::Cmac256 => 32,
        }
    }
    pub fn is_gmac(self) -> bool {
        matches!(self, Suite::Gmac128 | Suite::Gmac256)
    }
    pub fn name(self) -> &'static str {
        match self {
            Suite::Gmac128 => "gmac-128",
            Suite::Gmac256 => "gmac-256",
            Suite::Cmac128 => "cmac-128",
            Suite::Cmac256 => "cmac-256",
        }
    }
    pub fn from_name(s: &str) -> Option<Suite> {
        Suite::ALL.into_iter().find(|x| x.name() == s)
    }
}

/// Secret key bytes: zeroised on drop, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Zeroizing<Vec<u8>>);

impl SecretKey {
    pub fn new(bytes: Vec<u8>) -> Self {
        SecretKey(Zeroizing::new(bytes))
    }
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({} bytes, redacted)", self.0.len())
    }
}

/// An expanded AES key (128 or 256 bits).
#[derive(Clone)]
pub enum Aes {
    A128(Aes128),
    A256(Aes256),
}

impl std::fmt::Debug for Aes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Aes::A128(_) => "Aes128(redacted)",
            Aes::A256(_) => "Aes256(redacted)",
        })
    }
}

/// A key of a length other than 16 or 32 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("AES key of {0} bytes (16 or 32 expected)")]
pub struct BadKeyLength(pub usize);

impl Aes {
    pub fn new(key: &[u8]) -> Result<Aes, BadKeyLength> {
        match key.len() {
            16 => Ok(Aes::A128(Aes128::new_from_slice(key).expect("16"))),
            32 => Ok(Aes::A256(Aes256::new_from_slice(key).expect("32"))),
            n => Err(BadKeyLength(n)),
        }
    }

    pub fn encrypt(&self, block: &[u8; 16]) -> [u8; 16] {
        let mut b = (*block).into();
        match self {
            Aes::A128(c) => c.encrypt_block(&mut b),
            Aes::A256(c) => c.encrypt_block(&mut b),
        }
        b.into()
    }

    /// XOR `data` with the CTR keystream that starts at counter block
    /// `cb` and increments its last 32 bits (big-endian) per block.
    pub fn ctr32_xor(&self, cb: &[u8; 16], data: &mut [u8]) {
        match self {
            Aes::A128(c) => Ctr32::from_core(
                ctr::CtrCore::<Aes128, ctr::flavors::Ctr32BE>::inner_iv_init(c.clone(), cb.into()),
            )
            .apply_keystream(data),
            Aes::A256(c) => Ctr32::from_core(
                ctr::CtrCore::<Aes256, ctr::flavors::Ctr32BE>::inner_iv_init(c.clone(), cb.into()),
            )
            .apply_keystream(data),
        }
    }
}

/// GHASH with buffering of partial blocks.
#[derive(Clone)]
struct GhashStream {
    g: GHash,
    buf: [u8; 16],
    fill: usize,
    len: u64,
}

impl GhashStream {
    fn new(h: &[u8; 16]) -> Self {
        GhashStream {
            g: GHash::new(h.into()),
            buf: [0; 16],
            fill: 0,
            len: 0,
        }
    }

    fn update(&mut self, mut data: &[u8]) {
        self.len += data.len() as u64;
        if self.fill > 0 {
            let n = (16 - self.fill).min(data.len());
            self.buf[self.fill..self.fill + n].copy_from_slice(&data[..n]);
            self.fill += n;
            data = &data[n..];
            if self.fill < 16 {
                return;
            }
            self.g.update_padded(&self.buf);
            self.fill = 0;
        }
        let whole = data.len() & !15;
        self.g.update_padded(&data[..whole]);
        let tail = &data[whole..];
        self.buf[..tail.len()].copy_from_slice(tail);
        self.fill = tail.len();
    }

    /// Zero-pad what is buffered (the end of a GCM A or C string).
    fn pad(&mut self) {
        if self.fill > 0 {
            self.g.update_padded(&self.buf[..self.fill]);
            self.fill = 0;
        }
    }

    fn finish(mut self, len_a: u64, len_c: u64) -> [u8; 16] {
        self.pad();
        let mut l = [0u8; 16];
        l[..8].copy_from_slice(&(len_a * 8).to_be_bytes());
        l[8..].copy_from_slice(&(len_c * 8).to_be_bytes());
        self.g.update_padded(&l);
        self.g.finalize().into()
    }
}

/// The MAC of one suite and key, ready to start scopes.
#[derive(Clone)]
pub struct MacKey {
    aes: Aes,
    h: [u8; 16],
    gmac: bool,
}

impl std::fmt::Debug for MacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "MacKey({}, redacted)",
            if self.gmac { "gmac" } else { "cmac" }
        )
    }
}

impl MacKey {
    pub fn new(suite: Suite, key: &[u8]) -> Result<MacKey, BadKeyLength> {
        if key.len() != suite.key_len() {
            return Err(BadKeyLength(key.len()));
        }
        let aes = Aes::new(key)?;
        let h = aes.encrypt(&[0; 16]);
        Ok(MacKey {
            aes,
            h,
            gmac: suite.is_gmac(),
        })
    }

    pub fn aes(&self) -> &Aes {
        &self.aes
    }

    /// Start a MAC scope. `nonce` is used by GMAC suites only.
    pub fn start(&self, nonce: [u8; 12]) -> MacState {
        if self.gmac {
            MacState(MacInner::Gmac {
                g: GhashStream::new(&self.h),
                ej0: self.aes.encrypt(&j0(&nonce)),
            })
        } else {
            MacState(MacInner::Cmac(Box::new(match &self.aes {
                Aes::A128(c) => CmacAny::A128(Cmac::<Aes128>::inner_init(c.clone())),
                Aes::A256(c) => CmacAny::A256(Cmac::<Aes256>::inner_init(c.clone())),
            })))
        }
    }
}

#[derive(Clone)]
enum CmacAny {
    A128(Cmac<Aes128>),
    A256(Cmac<Aes256>),
}

/// The key slots of a stream, expanded once: `(key_id, MacKey)`.
#[derive(Clone, Debug)]
pub struct KeyRing(Vec<(u8, MacKey)>);

impl KeyRing {
    pub fn new(s: &crate::context::StreamContext) -> KeyRing {
        KeyRing(
            s.keys
                .iter()
                .map(|k| {
                    (
                        k.key_id,
                        MacKey::new(s.suite, k.key.expose()).expect("validated key length"),
                    )
                })
                .collect(),
        )
    }
    pub fn get(&self, key_id: u8) -> Option<&MacKey> {
        self.0.iter().find(|(id, _)| *id == key_id).map(|(_, k)| k)
    }
}

/// A MAC scope being computed.
#[derive(Clone)]
pub struct MacState(MacInner);

#[derive(Clone)]
enum MacInner {
    /// GMAC: GHASH over A, and E_K(J0).
    Gmac {
        g: GhashStream,
        ej0: [u8; 16],
    },
    Cmac(Box<CmacAny>),
}

impl MacState {
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            MacInner::Gmac { g, .. } => g.update(data),
            MacInner::Cmac(c) => match c.as_mut() {
                CmacAny::A128(m) => m.update(data),
                CmacAny::A256(m) => m.update(data),
            },
        }
    }

    /// The full 16-byte tag.
    pub fn finish(self) -> [u8; 16] {
        match self.0 {
            MacInner::Gmac { g, ej0 } => {
                let len = g.len;
                xor16(&g.finish(len, 0), &ej0)
            }
            MacInner::Cmac(c) => match *c {
                CmacAny::A128(m) => m.finalize().into_bytes().into(),
                CmacAny::A256(m) => m.finalize().into_bytes().into(),
            },
        }
    }
}

fn xor16(a: &[u8; 16], b: &[u8; 16]) -> [u8; 16] {
    std::array::from_fn(|i| a[i] ^ b[i])
}

/// `J0 = IV || 0x00000001` for a 96-bit IV.
pub fn j0(iv: &[u8; 12]) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..12].copy_from_slice(iv);
    b[15] = 1;
    b
}

/// Constant-time equality of a received tag and the leftmost bytes of a
/// computed one.
pub fn tag_matches(computed: &[u8], received: &[u8]) -> bool {
    computed.len() >= received.len() && bool::from(computed[..received.len()].ct_eq(received))
}

/// GCM-AE with a 96-bit IV (SP 800-38D): ciphertext and full tag.
pub fn gcm_encrypt(aes: &Aes, iv: &[u8; 12], aad: &[u8], pt: &[u8]) -> (Vec<u8>, [u8; 16]) {
    let j0 = j0(iv);
    let mut ct = pt.to_vec();
    aes.ctr32_xor(&crate::steps::inc32(&j0), &mut ct);
    (ct.clone(), gcm_tag(aes, &j0, aad, &ct))
}

/// GCM-AD with a 96-bit IV: the plaintext if the (possibly truncated)
/// tag matches.
pub fn gcm_decrypt(aes: &Aes, iv: &[u8; 12], aad: &[u8], ct: &[u8], tag: &[u8]) -> Option<Vec<u8>> {
    let j0 = j0(iv);
    if tag.is_empty() || !tag_matches(&gcm_tag(aes, &j0, aad, ct), tag) {
        return None;
    }
    let mut pt = ct.to_vec();
    aes.ctr32_xor(&crate::steps::inc32(&j0), &mut pt);
    Some(pt)
}

fn gcm_tag(aes: &Aes, j0: &[u8; 16], aad: &[u8], ct: &[u8]) -> [u8; 16] {
    let mut g = GhashStream::new(&aes.encrypt(&[0; 16]));
    g.update(aad);
    g.pad();
    g.update(ct);
    xor16(
        &g.finish(aad.len() as u64, ct.len() as u64),
        &aes.encrypt(j0),
    )
}

/// AES-CMAC of a whole message (full 16-byte tag).
pub fn cmac(aes: &Aes, msg: &[u8]) -> [u8; 16] {
    let mk = MacKey {
        aes: aes.clone(),
        h: [0; 16],
        gmac: false,
    };
    let mut s = mk.start([0; 12]);
    s.update(msg);
    s.finish()
}

/// GMAC of a whole message under a 96-bit IV (full 16-byte tag).
pub fn gmac(aes: &Aes, iv: &[u8; 12], msg: &[u8]) -> [u8; 16] {
    gcm_tag(aes, &j0(iv), msg, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_not_printed() {
        let k = SecretKey::new(vec![0xAB; 16]);
        assert!(!format!("{k:?}").to_lowercase().contains("ab"));
        let a = Aes::new(&[0xCD; 32]).unwrap();
        let m = MacKey::new(Suite::Gmac256, &[0xCD; 32]).unwrap();
        let s = format!("{a:?} {m:?}").to_lowercase();
        assert!(!s.contains("cd") && !s.contains("205"), "{s}");
    }

    #[test]
    fn streaming_mac_equals_one_shot_at_every_split() {
        let msg: Vec<u8> = (0..100u8).collect();
        for suite in Suite::ALL {
            let key = vec![7u8; suite.key_len()];
            let mk = MacKey::new(suite, &key).unwrap();
            let mut whole = mk.start([1; 12]);
            whole.update(&msg);
            let whole = whole.finish();
            for split in [0, 1, 15, 16, 17, 50, 99, 100] {
                let mut s = mk.start([1; 12]);
                s.update(&msg[..split]);
                s.update(&msg[split..]);
                assert_eq!(s.finish(), whole, "{suite:?} split {split}");
            }
        }
    }
}
