//! NIST CAVP and Wycheproof files through the golden model, and the
//! model's GCM/GMAC cross-checked with RustCrypto's `aes-gcm`.

use aes_gcm::aead::{AeadInOut, KeyInit};
use csi2sec_sim::crypto::{Aes, gcm_encrypt, gmac};
use csi2sec_sim::kat::{self, KatEngine, Model, Tally};
use csi2sec_sim::random::Rng;
use std::path::PathBuf;

fn vectors(rel: &str) -> (String, String) {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../vectors")
        .join(rel);
    (
        rel.to_string(),
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
}

fn run(rel: &str, engine: &mut dyn KatEngine) -> Tally {
    let (name, text) = vectors(rel);
    kat::run_file(&name, &text, engine).unwrap()
}

/// (file, cases that must pass)
const FILES: [(&str, u64); 6] = [
    ("nist/gcmEncryptExtIV128.rsp", 2625),
    ("nist/gcmDecrypt128.rsp", 2625),
    ("nist/CMACVerAES-SP800-38B-examples.rsp", 16),
    ("wycheproof/aes_gcm_test.json", 133),
    ("wycheproof/aes_cmac_test.json", 204),
    ("wycheproof/aes_gmac_test.json", 138),
];

#[test]
fn every_applicable_case_passes_through_the_model() {
    for (f, at_least) in FILES {
        let t = run(f, &mut Model);
        eprintln!("{f}: {}", t.summary());
        assert_eq!(t.failed, 0, "{f}: {:?}", t.failures);
        assert_eq!(t.passed, at_least, "{f}: passed count");
    }
}

/// An engine with a fault: the runner must see it.
struct Faulty;
impl KatEngine for Faulty {
    fn gcm_encrypt(&mut self, k: &[u8], iv: &[u8; 12], a: &[u8], p: &[u8]) -> (Vec<u8>, [u8; 16]) {
        let (c, mut t) = Model.gcm_encrypt(k, iv, a, p);
        t[0] ^= 1;
        (c, t)
    }
    fn gcm_decrypt(
        &mut self,
        k: &[u8],
        iv: &[u8; 12],
        a: &[u8],
        c: &[u8],
        t: &[u8],
    ) -> Option<Vec<u8>> {
        Model.gcm_decrypt(k, iv, a, c, t).or(Some(vec![]))
    }
    fn cmac(&mut self, k: &[u8], m: &[u8]) -> [u8; 16] {
        let mut t = Model.cmac(k, m);
        t[15] ^= 0x80;
        t
    }
}

#[test]
fn a_faulty_engine_fails_every_file() {
    for (f, _) in FILES {
        assert!(run(f, &mut Faulty).failed > 0, "{f} did not notice a fault");
    }
}

#[test]
fn skips_are_explained() {
    let t = run("nist/gcmEncryptExtIV128.rsp", &mut Model);
    assert_eq!(t.skip_reasons.get("IV not 96 bits"), Some(&5250));
    let t = run("wycheproof/aes_cmac_test.json", &mut Model);
    assert!(t.skip_reasons.contains_key("AES-192"));
}

#[test]
fn gcm_and_gmac_equal_aes_gcm() {
    let mut rng = Rng::new(7);
    for len in [0usize, 1, 15, 16, 17, 31, 32, 33, 100, 4096] {
        for klen in [16, 32] {
            let key = rng.bytes(klen);
            let iv: [u8; 12] = rng.bytes(12).try_into().unwrap();
            let aad = rng.bytes(len);
            let pt = rng.bytes(len / 2);
            let aes = Aes::new(&key).unwrap();
            let (ct, tag) = gcm_encrypt(&aes, &iv, &aad, &pt);
            let mut buf = pt.clone();
            let want_tag: [u8; 16] = if klen == 16 {
                let c = aes_gcm::Aes128Gcm::new_from_slice(&key).unwrap();
                c.encrypt_inout_detached(&iv.into(), &aad, (&mut buf[..]).into())
                    .unwrap()
                    .into()
            } else {
                let c = aes_gcm::Aes256Gcm::new_from_slice(&key).unwrap();
                c.encrypt_inout_detached(&iv.into(), &aad, (&mut buf[..]).into())
                    .unwrap()
                    .into()
            };
            assert_eq!((ct, tag), (buf, want_tag), "len {len} key {klen}");
            // GMAC: GCM with an empty plaintext.
            let mut empty: [u8; 0] = [];
            let g: [u8; 16] = if klen == 16 {
                aes_gcm::Aes128Gcm::new_from_slice(&key)
                    .unwrap()
                    .encrypt_inout_detached(&iv.into(), &aad, (&mut empty[..]).into())
                    .unwrap()
                    .into()
            } else {
                aes_gcm::Aes256Gcm::new_from_slice(&key)
                    .unwrap()
                    .encrypt_inout_detached(&iv.into(), &aad, (&mut empty[..]).into())
                    .unwrap()
                    .into()
            };
            assert_eq!(gmac(&aes, &iv, &aad), g);
        }
    }
}
