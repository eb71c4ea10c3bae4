//! Known-answer runners: NIST CAVP response files (GCM encrypt/decrypt,
//! CMAC generate/verify) and Wycheproof JSON (AES-GCM, AES-CMAC,
//! AES-GMAC), run through any [`KatEngine`]: the golden model here, the
//! RTL engines in cosimulation.

use crate::crypto::{self, Aes};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What a known-answer test needs of an implementation. Keys are 16 or
/// 32 bytes, IVs 96 bits; tags come back whole (16 bytes).
pub trait KatEngine {
    /// GCM-AE: ciphertext and tag.
    fn gcm_encrypt(
        &mut self,
        key: &[u8],
        iv: &[u8; 12],
        aad: &[u8],
        pt: &[u8],
    ) -> (Vec<u8>, [u8; 16]);
    /// GCM-AD with a tag of `tag.len()` bytes: the plaintext, or `None`.
    fn gcm_decrypt(
        &mut self,
        key: &[u8],
        iv: &[u8; 12],
        aad: &[u8],
        ct: &[u8],
        tag: &[u8],
    ) -> Option<Vec<u8>>;
    /// AES-CMAC.
    fn cmac(&mut self, key: &[u8], msg: &[u8]) -> [u8; 16];
}

/// The golden model.
pub struct Model;

impl KatEngine for Model {
    fn gcm_encrypt(
        &mut self,
        key: &[u8],
        iv: &[u8; 12],
        aad: &[u8],
        pt: &[u8],
    ) -> (Vec<u8>, [u8; 16]) {
        crypto::gcm_encrypt(&Aes::new(key).expect("16 or 32"), iv, aad, pt)
    }
    fn gcm_decrypt(
        &mut self,
        key: &[u8],
        iv: &[u8; 12],
        aad: &[u8],
        ct: &[u8],
        tag: &[u8],
    ) -> Option<Vec<u8>> {
        crypto::gcm_decrypt(&Aes::new(key).expect("16 or 32"), iv, aad, ct, tag)
    }
    fn cmac(&mut self, key: &[u8], msg: &[u8]) -> [u8; 16] {
        crypto::cmac(&Aes::new(key).expect("16 or 32"), msg)
    }
}

/// Counts of one file (or of all).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
    /// Why cases were skipped, with counts.
    pub skip_reasons: BTreeMap<String, u64>,
    /// The first failures, described.
    pub failures: Vec<String>,
}

impl Tally {
    fn pass(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
            if self.failures.len() < 10 {
                self.failures.push(what());
            }
        }
    }
    fn skip(&mut self, why: &str) {
        self.skipped += 1;
        *self.skip_reasons.entry(why.to_string()).or_default() += 1;
    }
    pub fn add(&mut self, o: &Tally) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
        for (k, v) in &o.skip_reasons {
            *self.skip_reasons.entry(k.clone()).or_default() += v;
        }
        self.failures.extend(o.failures.iter().cloned());
    }
    /// `N passed, M failed, K skipped`.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        );
        if !self.skip_reasons.is_empty() {
            let why: Vec<String> = self
                .skip_reasons
                .iter()
                .map(|(k, v)| format!("{v} {k}"))
                .collect();
            let _ = write!(s, " ({})", why.join("; "));
        }
        s
    }
}

/// A file that is not a known-answer format this runner reads.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KatError(pub String);

fn key_ok(key: &[u8], t: &mut Tally) -> bool {
    match key.len() {
        16 | 32 => true,
        24 => {
            t.skip("AES-192");
            false
        }
        n => {
            t.skip(&format!("key of {} bits", n * 8));
            false
        }
    }
}

fn iv96(iv: &[u8], t: &mut Tally) -> Option<[u8; 12]> {
    match iv.try_into() {
        Ok(a) => Some(a),
        Err(_) => {
            t.skip("IV not 96 bits");
            None
        }
    }
}

/// Run one file; the format is told by its contents.
pub fn run_file(name: &str, text: &str, engine: &mut dyn KatEngine) -> Result<Tally, KatError> {
    if text.trim_start().starts_with('{') {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| KatError(format!("{name}: not valid JSON: {e}")))?;
        return run_wycheproof(name, &v, engine);
    }
    run_cavp(name, text, engine)
}

/// A CAVP record: its `key = value` lines, with the section's `[...]`.
type Record = BTreeMap<String, String>;

fn cavp_records(text: &str) -> Vec<Record> {
    let mut out = Vec::new();
    let mut section = Record::new();
    let mut cur: Option<Record> = None;
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') {
            continue;
        }
        if let Some(inner) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            if let Some(r) = cur.take() {
                out.push(r);
            }
            if let Some((k, v)) = inner.split_once('=') {
                section.insert(k.trim().to_string(), v.trim().to_string());
            }
            continue;
        }
        if line.is_empty() {
            if let Some(r) = cur.take() {
                out.push(r);
            }
            continue;
        }
        let (k, v) = match line.split_once('=') {
            Some((k, v)) => (k.trim().to_string(), v.trim().to_string()),
            None => (line.to_string(), String::new()), // "FAIL"
        };
        if k == "Count" {
            if let Some(r) = cur.take() {
                out.push(r);
            }
            cur = Some(section.clone());
        }
        if let Some(r) = cur.as_mut() {
            r.insert(k, v);
        }
    }
    out.extend(cur);
    out
}

fn hexf(r: &Record, k: &str) -> Result<Vec<u8>, String> {
    let v = r.get(k).ok_or_else(|| format!("no {k}"))?;
    hex::decode(v).map_err(|_| format!("{k} is not hex"))
}

fn run_cavp(name: &str, text: &str, engine: &mut dyn KatEngine) -> Result<Tally, KatError> {
    let records = cavp_records(text);
    let kind = match records.first() {
        Some(r) if r.contains_key("Msg") && r.contains_key("Mac") => "cmac",
        Some(r) if r.contains_key("IV") && r.contains_key("Tag") && r.contains_key("CT") => "gcm",
        _ => {
            return Err(KatError(format!(
                "{name}: not a CAVP GCM or CMAC response file"
            )));
        }
    };
    let mut t = Tally::default();
    for r in &records {
        let count = r.get("Count").cloned().unwrap_or_default();
        let mut case = || -> Result<(), String> {
            let key = hexf(r, "Key")?;
            if !key_ok(&key, &mut t) {
                return Ok(());
            }
            if kind == "cmac" {
                let mlen: usize = r
                    .get("Mlen")
                    .and_then(|m| m.parse().ok())
                    .ok_or("no Mlen")?;
                let msg = hexf(r, "Msg")?;
                let msg = msg.get(..mlen).ok_or("Msg shorter than Mlen")?;
                let mac = hexf(r, "Mac")?;
                let ok = crypto::tag_matches(&engine.cmac(&key, msg), &mac);
                match r.get("Result").map(|s| s.starts_with('P')) {
                    None | Some(true) => {
                        t.pass(ok, || format!("{name} Count {count}: CMAC differs"))
                    }
                    Some(false) => t.pass(!ok, || {
                        format!("{name} Count {count}: a wrong MAC verified")
                    }),
                }
                return Ok(());
            }
            let Some(iv) = iv96(&hexf(r, "IV")?, &mut t) else {
                return Ok(());
            };
            let (aad, ct, tag) = (hexf(r, "AAD")?, hexf(r, "CT")?, hexf(r, "Tag")?);
            if r.contains_key("FAIL") {
                let got = engine.gcm_decrypt(&key, &iv, &aad, &ct, &tag);
                t.pass(got.is_none(), || {
                    format!("{name} Count {count}: a FAIL case decrypted")
                });
            } else {
                let pt = hexf(r, "PT")?;
                let (c, full) = engine.gcm_encrypt(&key, &iv, &aad, &pt);
                let dec = engine.gcm_decrypt(&key, &iv, &aad, &ct, &tag);
                t.pass(
                    c == ct && crypto::tag_matches(&full, &tag) && dec.as_deref() == Some(&pt[..]),
                    || format!("{name} Count {count}: ciphertext, tag or plaintext differs"),
                );
            }
            Ok(())
        };
        case().map_err(|e| KatError(format!("{name} Count {count}: {e}")))?;
    }
    Ok(t)
}

fn jhex(v: &Value, k: &str) -> Result<Vec<u8>, String> {
    hex::decode(v[k].as_str().ok_or_else(|| format!("no {k}"))?)
        .map_err(|_| format!("{k} is not hex"))
}

fn run_wycheproof(name: &str, v: &Value, engine: &mut dyn KatEngine) -> Result<Tally, KatError> {
    let alg = v["algorithm"].as_str().unwrap_or("");
    if !["AES-GCM", "AES-CMAC", "AES-GMAC"].contains(&alg) {
        return Err(KatError(format!(
            "{name}: Wycheproof algorithm \"{alg}\" is not AES-GCM, AES-CMAC or AES-GMAC"
        )));
    }
    let mut t = Tally::default();
    for g in v["testGroups"].as_array().into_iter().flatten() {
        let tag_bytes = g["tagSize"].as_u64().unwrap_or(128) as usize / 8;
        for c in g["tests"].as_array().into_iter().flatten() {
            let id = c["tcId"].as_u64().unwrap_or(0);
            let valid = c["result"].as_str() != Some("invalid");
            let mut case = || -> Result<(), String> {
                let key = jhex(c, "key")?;
                if !key_ok(&key, &mut t) {
                    return Ok(());
                }
                let tag = jhex(c, "tag")?;
                let what = || {
                    format!(
                        "{name} tcId {id} ({}): result differs",
                        c["result"].as_str().unwrap_or("?")
                    )
                };
                match alg {
                    "AES-CMAC" => {
                        let full = engine.cmac(&key, &jhex(c, "msg")?);
                        let ok = tag.len() == tag_bytes && crypto::tag_matches(&full, &tag);
                        t.pass(ok == valid, what);
                    }
                    "AES-GMAC" => {
                        let Some(iv) = iv96(&jhex(c, "iv")?, &mut t) else {
                            return Ok(());
                        };
                        let (_, full) = engine.gcm_encrypt(&key, &iv, &jhex(c, "msg")?, &[]);
                        let ok = tag.len() == tag_bytes && crypto::tag_matches(&full, &tag);
                        t.pass(ok == valid, what);
                    }
                    _ => {
                        let Some(iv) = iv96(&jhex(c, "iv")?, &mut t) else {
                            return Ok(());
                        };
                        let (aad, msg, ct) = (jhex(c, "aad")?, jhex(c, "msg")?, jhex(c, "ct")?);
                        let dec = engine.gcm_decrypt(&key, &iv, &aad, &ct, &tag);
                        if valid {
                            let (c2, full) = engine.gcm_encrypt(&key, &iv, &aad, &msg);
                            t.pass(
                                c2 == ct
                                    && crypto::tag_matches(&full, &tag)
                                    && dec.as_deref() == Some(&msg[..]),
                                what,
                            );
                        } else {
                            t.pass(dec.is_none(), what);
                        }
                    }
                }
                Ok(())
            };
            case().map_err(|e| KatError(format!("{name} tcId {id}: {e}")))?;
        }
    }
    Ok(t)
}
