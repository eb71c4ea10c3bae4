//! The GCM and CMAC engines in cosimulation, behind the same
//! [`KatEngine`] trait as the golden model, so one runner drives both.
//!
//! Each engine loads a key only when it changes, streams the message as
//! valid/ready beats (with the chosen [`Stalls`]), fills the disabled
//! bytes of partial beats with junk (the RTL must mask them), and checks
//! the protocol as it goes: nothing is emitted after a message's last
//! beat, and the tag comes once.

use crate::drive::{KeyPorts, Stalls, load_key};
use crate::model::{BuildError, Built, Dut, build};
use csi2sec_hdl::config::{Arch, BlockKind, EngineConfig};
use csi2sec_hdl::sub_bytes::SboxForm;
use csi2sec_sim::kat::KatEngine;
use csi2sec_sim::random::Rng;

/// Build the engine configuration `block` (GCM or CMAC) on `arch` (one
/// register stage per round when pipelined).
pub fn build_engine(
    block: BlockKind,
    key_bits: usize,
    arch: Arch,
    form: SboxForm,
) -> Result<Built, BuildError> {
    build_engine_staged(block, key_bits, arch, form, 1)
}

/// [`build_engine`] with `stages` register stages per AES round.
pub fn build_engine_staged(
    block: BlockKind,
    key_bits: usize,
    arch: Arch,
    form: SboxForm,
    stages: usize,
) -> Result<Built, BuildError> {
    build(
        &EngineConfig::new(block, key_bits, arch, form)
            .with_stages(stages)
            .emit()
            .map_err(BuildError)?,
    )
}

/// `keep` for the first `n` bytes of a beat.
pub fn keep(n: usize) -> u128 {
    (0xffffu128 << (16 - n.min(16))) & 0xffff
}

/// One beat: `bytes` (at most 16) in the top lanes, junk in the rest.
fn beat(bytes: &[u8], rng: &mut Rng) -> u128 {
    let mut b: [u8; 16] = rng.bytes(16).try_into().expect("16");
    b[..bytes.len()].copy_from_slice(bytes);
    u128::from_be_bytes(b)
}

/// A loaded engine instance with its port indices.
pub struct Engine<'a> {
    pub dut: Dut<'a>,
    k: KeyPorts,
    key: Option<Vec<u8>>,
    p: std::collections::HashMap<&'static str, usize>,
    pub stalls: Stalls,
    pub rng: Rng,
    /// Cycles spent in key loads.
    pub key_cycles: u64,
}

impl<'a> Engine<'a> {
    pub fn new(b: &'a Built, stalls: Stalls, seed: u64) -> Engine<'a> {
        let names: &[&'static str] = &[
            "zeroize",
            "iv",
            "decrypt",
            "tag_keep",
            "start_valid",
            "start_ready",
            "s_data",
            "s_keep",
            "s_aad",
            "s_last",
            "s_valid",
            "s_ready",
            "m_data",
            "m_keep",
            "m_last",
            "m_valid",
            "m_ready",
            "tag",
            "tag_pass",
            "tag_valid",
            "tag_ready",
            "tag_in",
        ];
        let p = names
            .iter()
            .filter(|n| b.ports.iter().any(|q| q.name == **n))
            .map(|&n| (n, b.port(n)))
            .collect();
        Engine {
            dut: b.instance(),
            k: KeyPorts::of(b),
            key: None,
            p,
            stalls,
            rng: Rng::new(seed),
            key_cycles: 0,
        }
    }

    fn set(&mut self, n: &str, v: u128) {
        let i = self.p[n];
        self.dut.set(i, v);
    }

    fn get(&self, n: &str) -> u128 {
        self.dut.get(self.p[n])
    }

    /// Load `key` unless it is already loaded.
    pub fn key(&mut self, key: &[u8]) {
        if self.key.as_deref() != Some(key) {
            self.key_cycles += load_key(&mut self.dut, &self.k, key);
            self.key = Some(key.to_vec());
        }
    }

    /// Pulse `zeroize` for one cycle; the key must be loaded again.
    pub fn zeroize(&mut self) {
        self.set("zeroize", 1);
        self.dut.tick(1);
        self.set("zeroize", 0);
        self.key = None;
    }

    /// Offer `beats` as (data, keep, aad, last); collect text beats and the
    /// tag. Returns (text bytes, tag, pass).
    fn run(
        &mut self,
        beats: &[(u128, usize, bool, bool)],
        tag_in: u128,
        tag_keep: u128,
    ) -> (Vec<u8>, u128, bool) {
        let has_aad = self.p.contains_key("s_aad");
        self.set("tag_in", tag_in);
        self.set("tag_keep", tag_keep);
        let (mut sent, mut text, mut ended) = (0, Vec::new(), false);
        let start = self.dut.cycles;
        loop {
            assert!(
                self.dut.cycles - start < 200 * (beats.len() as u64 + 4),
                "engine stuck"
            );
            let offer = sent < beats.len() && self.stalls.source_on(&mut self.rng);
            let (d, n, aad, last) = if offer {
                beats[sent]
            } else {
                (0, 0, false, false)
            };
            self.set("s_valid", offer as u128);
            self.set("s_data", d);
            self.set("s_keep", keep(n));
            if has_aad {
                self.set("s_aad", aad as u128);
            }
            self.set("s_last", last as u128);
            let take = self.stalls.sink_on(&mut self.rng);
            if self.p.contains_key("m_ready") {
                self.set("m_ready", take as u128);
            }
            self.set("tag_ready", take as u128);
            self.dut.eval();
            if offer && self.get("s_ready") == 1 {
                sent += 1;
            }
            if self.p.contains_key("m_valid") && take && self.get("m_valid") == 1 {
                assert!(!ended, "text beat after the message's last");
                let n = (self.get("m_keep") as u16).count_ones() as usize;
                assert!(
                    n > 0 && keep(n) == self.get("m_keep"),
                    "m_keep not contiguous"
                );
                let data = self.get("m_data");
                assert_eq!(data & !mask(n), 0, "bytes beyond m_keep not zero");
                text.extend_from_slice(&data.to_be_bytes()[..n]);
                ended |= self.get("m_last") == 1;
            }
            if take && self.get("tag_valid") == 1 {
                assert_eq!(sent, beats.len(), "tag before the last beat was taken");
                let (tag, pass) = (self.get("tag"), self.get("tag_pass") == 1);
                self.dut.tick(1);
                self.set("s_valid", 0);
                self.set("tag_ready", 0);
                self.dut.eval();
                assert_eq!(self.get("tag_valid"), 0, "tag offered twice");
                return (text, tag, pass);
            }
            self.dut.tick(1);
        }
    }

    /// GCM: start a message, stream AAD and text, return (text, tag, pass).
    pub fn gcm(
        &mut self,
        key: &[u8],
        iv: &[u8; 12],
        decrypt: bool,
        aad: &[u8],
        text: &[u8],
        tag: &[u8],
    ) -> (Vec<u8>, [u8; 16], bool) {
        self.key(key);
        self.set(
            "iv",
            u128::from_be_bytes(std::array::from_fn(|i| if i < 4 { 0 } else { iv[i - 4] })),
        );
        self.set("decrypt", decrypt as u128);
        self.set("start_valid", 1);
        let mut n = 0;
        loop {
            self.dut.eval();
            let ready = self.get("start_ready") == 1;
            self.dut.tick(1);
            if ready {
                break;
            }
            n += 1;
            assert!(n < 1000, "start_ready never rose");
        }
        self.set("start_valid", 0);
        let mut beats: Vec<(u128, usize, bool, bool)> = Vec::new();
        for c in aad.chunks(16) {
            beats.push((beat(c, &mut self.rng), c.len(), true, false));
        }
        for c in text.chunks(16) {
            beats.push((beat(c, &mut self.rng), c.len(), false, false));
        }
        if beats.is_empty() {
            beats.push((beat(&[], &mut self.rng), 0, false, false));
        }
        beats.last_mut().expect("one").3 = true;
        let (tag_in, tkeep) = tag_word(tag);
        let (out, t, pass) = self.run(&beats, tag_in, tkeep);
        assert_eq!(out.len(), text.len(), "text out length");
        (out, t.to_be_bytes(), pass)
    }

    /// CMAC of `msg`; (tag truncated to `tag.len()` bytes, pass against `tag`).
    pub fn cmac(&mut self, key: &[u8], msg: &[u8], tag: &[u8]) -> ([u8; 16], bool) {
        self.key(key);
        let mut beats: Vec<(u128, usize, bool, bool)> = msg
            .chunks(16)
            .map(|c| (beat(c, &mut self.rng), c.len(), false, false))
            .collect();
        if beats.is_empty() {
            beats.push((beat(&[], &mut self.rng), 0, false, false));
        }
        beats.last_mut().expect("one").3 = true;
        let (tag_in, tkeep) = tag_word(tag);
        let (_, t, pass) = self.run(&beats, tag_in, tkeep);
        (t.to_be_bytes(), pass)
    }
}

/// One message through the RTL: (output bytes, cycles from start to the last beat out).
pub fn ctr_message(
    dut: &mut Dut,
    b: &Built,
    counter: [u8; 16],
    data: &[u8],
    stalls: Stalls,
    rng: &mut Rng,
) -> (Vec<u8>, u64) {
    let p = |n: &str| b.port(n);
    dut.set(p("counter"), u128::from_be_bytes(counter));
    dut.set(p("start_valid"), 1);
    let t0 = dut.cycles;
    loop {
        dut.eval();
        let ok = dut.get(p("start_ready")) == 1;
        dut.tick(1);
        if ok {
            break;
        }
        assert!(dut.cycles - t0 < 200, "start_ready never rose");
    }
    dut.set(p("start_valid"), 0);
    let beats: Vec<&[u8]> = if data.is_empty() {
        vec![&[]]
    } else {
        data.chunks(16).collect()
    };
    let (mut sent, mut out, mut ended) = (0, Vec::new(), false);
    while !ended {
        assert!(
            dut.cycles - t0 < 100 * (beats.len() as u64 + 20),
            "CTR stuck"
        );
        let offer = sent < beats.len() && stalls.source_on(rng);
        let mut w: [u8; 16] = rng.bytes(16).try_into().expect("16");
        if offer {
            w[..beats[sent].len()].copy_from_slice(beats[sent]);
        }
        dut.set(p("s_valid"), offer as u128);
        dut.set(p("s_data"), u128::from_be_bytes(w));
        dut.set(p("s_keep"), if offer { keep(beats[sent].len()) } else { 0 });
        dut.set(p("s_last"), (offer && sent == beats.len() - 1) as u128);
        let take = stalls.sink_on(rng);
        dut.set(p("m_ready"), take as u128);
        dut.eval();
        if offer && dut.get(p("s_ready")) == 1 {
            sent += 1;
        }
        if take && dut.get(p("m_valid")) == 1 {
            let n = (dut.get(p("m_keep")) as u16).count_ones() as usize;
            assert_eq!(dut.get(p("m_keep")), keep(n), "m_keep");
            let d = dut.get(p("m_data")).to_be_bytes();
            assert!(
                d[n..].iter().all(|&x| x == 0),
                "bytes beyond m_keep not zero"
            );
            out.extend_from_slice(&d[..n]);
            ended = dut.get(p("m_last")) == 1;
        }
        dut.tick(1);
    }
    let cycles = dut.cycles - t0;
    dut.set(p("s_valid"), 0);
    dut.set(p("m_ready"), 1);
    for _ in 0..30 {
        dut.eval();
        assert_eq!(dut.get(p("m_valid")), 0, "a beat after the last");
        dut.tick(1);
    }
    (out, cycles)
}

/// One message through GHASH: blocks as valid/ready beats, `s_last` on
/// the final one; the result and the cycles from the first offer to
/// `y_valid`.
pub fn ghash_message(
    dut: &mut Dut,
    b: &Built,
    blocks: &[u128],
    stalls: Stalls,
    rng: &mut Rng,
) -> (u128, u64) {
    let (sd, sl, sv, sr) = (
        b.port("s_data"),
        b.port("s_last"),
        b.port("s_valid"),
        b.port("s_ready"),
    );
    let (y, yv, yr) = (b.port("y"), b.port("y_valid"), b.port("y_ready"));
    let start = dut.cycles;
    let mut sent = 0;
    loop {
        assert!(
            dut.cycles - start < 50 * (blocks.len() as u64 + 10),
            "GHASH stuck"
        );
        let offer = sent < blocks.len() && stalls.source_on(rng);
        dut.set(sv, offer as u128);
        dut.set(
            sd,
            if offer {
                blocks[sent]
            } else {
                u128::from_be_bytes(rng.bytes(16).try_into().expect("16"))
            },
        );
        dut.set(sl, (offer && sent == blocks.len() - 1) as u128);
        let take = stalls.sink_on(rng);
        dut.set(yr, take as u128);
        dut.eval();
        if offer && dut.get(sr) == 1 {
            sent += 1;
        }
        if dut.get(yv) == 1 {
            assert_eq!(sent, blocks.len(), "y before the last block");
            let cycles = dut.cycles - start;
            if take {
                let v = dut.get(y);
                dut.tick(1);
                dut.set(sv, 0);
                dut.eval();
                assert_eq!(dut.get(yv), 0, "y given twice");
                return (v, cycles);
            }
        }
        dut.tick(1);
    }
}

/// `0xff` in the first `n` bytes.
fn mask(n: usize) -> u128 {
    if n == 0 { 0 } else { !0u128 << (128 - 8 * n) }
}

/// A tag of 1..16 bytes as (word, keep).
fn tag_word(tag: &[u8]) -> (u128, u128) {
    let mut b = [0u8; 16];
    b[..tag.len().min(16)].copy_from_slice(&tag[..tag.len().min(16)]);
    (u128::from_be_bytes(b), keep(tag.len().min(16)))
}

/// The RTL engines as a [`KatEngine`]: GCM and CMAC for AES-128 and
/// AES-256, built on first use.
pub struct RtlKat {
    arch: Arch,
    form: SboxForm,
    /// AES register stages per round of the pipelined GCM.
    stages: usize,
    stalls: Stalls,
    built: std::collections::HashMap<(BlockKind, usize), Box<Built>>,
    engines: std::collections::HashMap<(BlockKind, usize), Engine<'static>>,
    /// Simulated cycles, over all engines.
    pub cycles: u64,
}

impl RtlKat {
    /// GCM files run on `arch` (iterative or pipelined; serial: the
    /// iterative GCM); CMAC files on the iterative engine, or the serial
    /// one with `arch` serial.
    pub fn new(arch: Arch, form: SboxForm, stalls: Stalls) -> RtlKat {
        RtlKat {
            arch,
            form,
            stages: 1,
            stalls,
            built: Default::default(),
            engines: Default::default(),
            cycles: 0,
        }
    }

    /// The pipelined GCM with `stages` AES register stages per round.
    pub fn with_stages(mut self, stages: usize) -> RtlKat {
        self.stages = stages;
        self
    }

    fn engine(
        &mut self,
        block: BlockKind,
        key_bits: usize,
    ) -> Result<&mut Engine<'static>, BuildError> {
        if !self.engines.contains_key(&(block, key_bits)) {
            // CMAC: iterative or serial; GCM: iterative or pipelined (the
            // serial core has no GCM: its GCM files run on the iterative).
            let (arch, stages) = match (block, self.arch) {
                (BlockKind::Cmac, Arch::Serial) => (Arch::Serial, 1),
                (BlockKind::Cmac, _) | (_, Arch::Iterative | Arch::Serial) => (Arch::Iterative, 1),
                (_, arch) => (arch, self.stages),
            };
            let built = Box::new(build_engine_staged(
                block, key_bits, arch, self.form, stages,
            )?);
            // SAFETY: the Built is boxed and kept in `self.built` for as long
            // as `self.engines` (dropped first, see Drop) holds its instance.
            let r: &'static Built = unsafe { &*(built.as_ref() as *const Built) };
            self.built.insert((block, key_bits), built);
            self.engines.insert(
                (block, key_bits),
                Engine::new(r, self.stalls, key_bits as u64),
            );
        }
        Ok(self.engines.get_mut(&(block, key_bits)).expect("inserted"))
    }

    fn total(&self) -> u64 {
        self.engines.values().map(|e| e.dut.cycles).sum()
    }

    fn gcm(
        &mut self,
        key: &[u8],
        iv: &[u8; 12],
        dec: bool,
        aad: &[u8],
        text: &[u8],
        tag: &[u8],
    ) -> (Vec<u8>, [u8; 16], bool) {
        let e = self
            .engine(BlockKind::Gcm, key.len() * 8)
            .unwrap_or_else(|e| panic!("{e}"));
        let r = e.gcm(key, iv, dec, aad, text, tag);
        self.cycles = self.total();
        r
    }
}

impl Drop for RtlKat {
    fn drop(&mut self) {
        self.engines.clear();
    }
}

impl KatEngine for RtlKat {
    fn gcm_encrypt(
        &mut self,
        key: &[u8],
        iv: &[u8; 12],
        aad: &[u8],
        pt: &[u8],
    ) -> (Vec<u8>, [u8; 16]) {
        let (ct, tag, _) = self.gcm(key, iv, false, aad, pt, &[0; 16]);
        (ct, tag)
    }

    fn gcm_decrypt(
        &mut self,
        key: &[u8],
        iv: &[u8; 12],
        aad: &[u8],
        ct: &[u8],
        tag: &[u8],
    ) -> Option<Vec<u8>> {
        let (pt, _, pass) = self.gcm(key, iv, true, aad, ct, tag);
        pass.then_some(pt)
    }

    fn cmac(&mut self, key: &[u8], msg: &[u8]) -> [u8; 16] {
        let e = self
            .engine(BlockKind::Cmac, key.len() * 8)
            .unwrap_or_else(|e| panic!("{e}"));
        let (tag, _) = e.cmac(key, msg, &[0; 16]);
        self.cycles = self.total();
        tag
    }
}
