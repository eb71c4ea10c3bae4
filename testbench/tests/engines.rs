//! GCM and CMAC engines in cosimulation against the golden model: random
//! messages of the lengths that matter (0, 1, 15, 16, 17, 31, 32, 33 and
//! up to 4 KiB), each run four ways (no stalls, source idle, sink
//! back-pressure, both); back-to-back messages with key and IV changes;
//! truncated tags; tampered tags fail; zeroize mid-message.

use csi2sec_hdl::config::{Arch, BlockKind, EngineConfig};
use csi2sec_hdl::sub_bytes::SboxForm;
use csi2sec_sim::crypto::{Aes, cmac, gcm_encrypt};
use csi2sec_sim::random::Rng;
use csi2sec_testbench::drive::Stalls;
use csi2sec_testbench::engines::{Engine, build_engine};

const LENGTHS: [usize; 10] = [0, 1, 15, 16, 17, 31, 32, 33, 100, 4096];

#[test]
fn gcm_matches_the_model_four_ways() {
    for (kb, arch) in [
        (128, Arch::Iterative),
        (256, Arch::Iterative),
        (128, Arch::Pipelined),
        (256, Arch::Pipelined),
    ] {
        let built = build_engine(BlockKind::Gcm, kb, arch, SboxForm::Rom).unwrap();
        for stalls in Stalls::ALL {
            let mut e = Engine::new(&built, stalls, 7);
            let mut rng = Rng::new(kb as u64 + 1);
            for (i, &tl) in LENGTHS.iter().enumerate() {
                let al = LENGTHS[(i * 3 + 1) % 9]; // AAD lengths 0..33 and 100
                let key = rng.bytes(kb / 8);
                let iv: [u8; 12] = rng.bytes(12).try_into().unwrap();
                let (aad, pt) = (rng.bytes(al), rng.bytes(tl));
                let (ct, tag) = gcm_encrypt(&Aes::new(&key).unwrap(), &iv, &aad, &pt);
                let (out, t, _) = e.gcm(&key, &iv, false, &aad, &pt, &tag);
                assert_eq!(
                    (out, t),
                    (ct.clone(), tag),
                    "encrypt AES-{kb} {arch:?} {stalls:?} aad {al} text {tl}"
                );
                let (back, _, pass) = e.gcm(&key, &iv, true, &aad, &ct, &tag);
                assert!(
                    pass && back == pt,
                    "decrypt AES-{kb} {arch:?} {stalls:?} aad {al} text {tl}"
                );
                // A wrong tag fails; a 12-byte truncated tag passes.
                let mut bad = tag;
                bad[rng.below(16) as usize] ^= 1 << rng.below(8);
                assert!(
                    !e.gcm(&key, &iv, true, &aad, &ct, &bad).2,
                    "tampered tag passed"
                );
                assert!(
                    e.gcm(&key, &iv, true, &aad, &ct, &tag[..12]).2,
                    "12-byte tag"
                );
            }
        }
    }
}

#[test]
fn gcm_back_to_back_iv_changes_same_key_and_zeroize() {
    for arch in [Arch::Iterative, Arch::Pipelined] {
        gcm_back_to_back(arch);
    }
}

fn gcm_back_to_back(arch: Arch) {
    let built = build_engine(BlockKind::Gcm, 128, arch, SboxForm::Bram).unwrap();
    let mut e = Engine::new(&built, Stalls::Both, 3);
    let mut rng = Rng::new(11);
    let key = rng.bytes(16);
    for _ in 0..6 {
        let iv: [u8; 12] = rng.bytes(12).try_into().unwrap();
        let (al, tl) = (rng.below(40) as usize, rng.below(70) as usize);
        let (aad, pt) = (rng.bytes(al), rng.bytes(tl));
        let (ct, tag) = gcm_encrypt(&Aes::new(&key).unwrap(), &iv, &aad, &pt);
        assert_eq!(e.gcm(&key, &iv, false, &aad, &pt, &tag), (ct, tag, true));
    }
    // Zeroize in the middle of a message: nothing more comes out, and the
    // next message under a new key is right.
    e.key(&key);
    e.zeroize();
    let key2 = rng.bytes(16);
    let iv = [5u8; 12];
    let pt = rng.bytes(50);
    let (ct, tag) = gcm_encrypt(&Aes::new(&key2).unwrap(), &iv, &[], &pt);
    assert_eq!(e.gcm(&key2, &iv, false, &[], &pt, &tag), (ct, tag, true));
}

#[test]
fn cmac_matches_the_model_four_ways() {
    for (kb, arch, form) in [
        (128, Arch::Iterative, SboxForm::Logic),
        (256, Arch::Iterative, SboxForm::Logic),
        (128, Arch::Serial, SboxForm::Bram),
        (256, Arch::Serial, SboxForm::Rom),
    ] {
        let built = build_engine(BlockKind::Cmac, kb, arch, form).unwrap();
        for stalls in Stalls::ALL {
            let mut e = Engine::new(&built, stalls, 9);
            let mut rng = Rng::new(kb as u64 + 2);
            for &len in &LENGTHS {
                let key = rng.bytes(kb / 8);
                let msg = rng.bytes(len);
                let want = cmac(&Aes::new(&key).unwrap(), &msg);
                let (tag, pass) = e.cmac(&key, &msg, &want);
                assert!(
                    pass && tag == want,
                    "AES-{kb} {arch:?} {stalls:?} length {len}"
                );
                // Truncated to 8 bytes: the rest reads zero, the check passes.
                let (t8, pass8) = e.cmac(&key, &msg, &want[..8]);
                assert!(
                    pass8 && t8[..8] == want[..8] && t8[8..] == [0; 8],
                    "truncated, length {len}"
                );
                let mut bad = want;
                bad[rng.below(8) as usize] ^= 0x40;
                assert!(
                    !e.cmac(&key, &msg, &bad[..8]).1,
                    "tampered tag passed, length {len}"
                );
            }
        }
    }
}

/// The CMAC engine on `arch`: the documented key load (expansion, then L
/// = E_K(0)) and, over a 4 KiB message with no stalls, the documented
/// cycles per block (within 0.05: the message's own overhead).
fn cmac_cycles(kb: usize, arch: Arch, form: SboxForm) {
    let built = build_engine(BlockKind::Cmac, kb, arch, form).unwrap();
    let mut e = Engine::new(&built, Stalls::None, 1);
    let key = vec![1u8; kb / 8];
    e.key(&key);
    let fig = EngineConfig::new(BlockKind::Cmac, kb, arch, form).figures();
    assert_eq!(
        e.key_cycles as usize, fig.key_load_cycles,
        "CMAC AES-{kb} {arch:?} key load"
    );
    let c0 = e.dut.cycles;
    e.cmac(&key, &[0u8; 4096], &[0; 16]);
    let per = (e.dut.cycles - c0) as f64 / 256.0;
    assert!(
        (per - fig.cycles_per_block as f64).abs() <= 0.05,
        "CMAC AES-{kb} {arch:?}: {per:.2} cycles per block, documented {}",
        fig.cycles_per_block
    );
}

#[test]
fn cycles_per_block_iterative() {
    // Steady state over a 4 KiB message, no stalls: Nr + 1 cycles per
    // block for CMAC, at most that for GCM text.
    for kb in [128, 256] {
        let nr = kb / 32 + 6;
        cmac_cycles(kb, Arch::Iterative, SboxForm::Rom);
        let key = vec![1u8; kb / 8];
        let built = build_engine(BlockKind::Gcm, kb, Arch::Iterative, SboxForm::Rom).unwrap();
        let mut e = Engine::new(&built, Stalls::None, 1);
        e.key(&key);
        let fig = EngineConfig::new(BlockKind::Gcm, kb, Arch::Iterative, SboxForm::Rom).figures();
        assert_eq!(
            e.key_cycles as usize, fig.key_load_cycles,
            "GCM AES-{kb} key load"
        );
        let c0 = e.dut.cycles;
        e.gcm(&key, &[0; 12], false, &[], &[0u8; 4096], &[0; 16]);
        let per = (e.dut.cycles - c0) as f64 / 256.0;
        assert!(
            per <= nr as f64 + 1.2,
            "GCM AES-{kb}: {per:.2} cycles per block"
        );
    }
}

#[test]
fn cycles_per_block_serial_cmac() {
    // The column-serial CMAC: 57 (AES-128) and 77 (AES-256) cycles per
    // block.
    for kb in [128, 256] {
        cmac_cycles(kb, Arch::Serial, SboxForm::Bram);
    }
}

#[test]
fn gcm_pipelined_one_block_per_cycle() {
    // A 4 KiB message, no stalls: one cycle per block in steady state; the
    // message's overhead (start, pipeline fill, length block, GHASH tail,
    // tag) is a fixed number of cycles, reported by `report engines`.
    for kb in [128, 256] {
        let built = build_engine(BlockKind::Gcm, kb, Arch::Pipelined, SboxForm::Rom).unwrap();
        let mut e = Engine::new(&built, Stalls::None, 1);
        let key = vec![2u8; kb / 8];
        e.key(&key);
        let fig = EngineConfig::new(BlockKind::Gcm, kb, Arch::Pipelined, SboxForm::Rom).figures();
        assert_eq!(
            e.key_cycles as usize, fig.key_load_cycles,
            "GCM pipelined AES-{kb} key load"
        );
        let c0 = e.dut.cycles;
        e.gcm(&key, &[0; 12], false, &[], &[0u8; 4096], &[0; 16]);
        let long = e.dut.cycles - c0;
        let c0 = e.dut.cycles;
        e.gcm(&key, &[0; 12], false, &[], &[0u8; 2048], &[0; 16]);
        let short = e.dut.cycles - c0;
        // 128 more blocks cost 128 more cycles.
        assert_eq!(
            long - short,
            128,
            "GCM pipelined AES-{kb}: {long} and {short} cycles for 256 and 128 blocks"
        );
    }
}

/// After a message and `zeroize` with its documented cycles, nothing in
/// the GCM and CMAC engines depends on the key or the data: every
/// register and memory of their Verilog (read in Icarus,
/// [`csi2sec_testbench::icarus::leftovers`]) holds the same after two runs
/// of the same timing with different keys, IVs and messages; before the
/// zeroize they differ.
#[test]
fn zeroize_leaves_nothing_of_the_key_or_the_data() {
    use csi2sec_testbench::icarus::assert_clean;
    for (kind, arch, form) in [
        (BlockKind::Gcm, Arch::Iterative, SboxForm::Bram),
        (BlockKind::Gcm, Arch::Pipelined, SboxForm::Bram),
        (BlockKind::Cmac, Arch::Iterative, SboxForm::Logic),
        (BlockKind::Cmac, Arch::Serial, SboxForm::Bram),
    ] {
        let c = EngineConfig::new(kind, 128, arch, form);
        let built = build_engine(kind, 128, arch, form).unwrap();
        let run = |seed: u64| {
            let mut e = Engine::new(&built, Stalls::None, 5);
            e.dut.record();
            let mut rng = Rng::new(seed);
            let key = rng.bytes(16);
            let (aad, text) = (rng.bytes(20), rng.bytes(45));
            if kind == BlockKind::Gcm {
                let iv: [u8; 12] = rng.bytes(12).try_into().unwrap();
                e.gcm(&key, &iv, false, &aad, &text, &[0; 16]);
            } else {
                e.cmac(&key, &text, &[0; 16]);
            }
            let at = e.dut.recorded_cycles();
            e.zeroize();
            e.dut.tick(c.figures().zeroize_cycles as u64 + 2);
            e.dut.zero_inputs();
            e.dut.tick(2);
            (e.dut.stimulus(), at)
        };
        let (one, two) = (run(1), run(2));
        let what = format!("{}: zeroize", c.name);
        if assert_clean(&built, &what, (&one.0, one.1), (&two.0, two.1), &[]).is_none() {
            return;
        }
    }
}
