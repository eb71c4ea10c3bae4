//! AES-CTR, iterative and pipelined, against a counter-mode keystream from
//! the golden model's AES: random messages of the lengths that matter,
//! four ways, back-to-back with counter and key changes, the 32-bit
//! counter wrapping, zeroize mid-message; one block per cycle pipelined.

use csi2sec_hdl::config::{Arch, BlockKind, EngineConfig};
use csi2sec_hdl::sub_bytes::SboxForm;
use csi2sec_sim::random::Rng;
use csi2sec_sim::steps::{aes_encrypt_trace, inc32};
use csi2sec_testbench::drive::{KeyPorts, Stalls, load_key};
use csi2sec_testbench::engines::ctr_message as run;
use csi2sec_testbench::model::build;

/// The model: `data` XOR AES_K(counter), AES_K(inc32(counter)), ...
fn ctr_model(key: &[u8], counter: [u8; 16], data: &[u8]) -> Vec<u8> {
    let mut c = counter;
    let mut out = Vec::new();
    for chunk in data.chunks(16) {
        let ks = *aes_encrypt_trace(key, &c).last().unwrap();
        out.extend(chunk.iter().zip(ks).map(|(d, k)| d ^ k));
        c = inc32(&c);
    }
    out
}

const LENGTHS: [usize; 10] = [0, 1, 15, 16, 17, 31, 32, 33, 100, 4096];

#[test]
fn ctr_matches_the_model_four_ways() {
    for (kb, arch, form) in [
        (128, Arch::Iterative, SboxForm::Rom),
        (256, Arch::Iterative, SboxForm::Bram),
        (128, Arch::Pipelined, SboxForm::Rom),
        (256, Arch::Pipelined, SboxForm::Rom),
        (128, Arch::Serial, SboxForm::Bram),
        (256, Arch::Serial, SboxForm::Logic),
    ] {
        let cfg = EngineConfig::new(BlockKind::Ctr, kb, arch, form);
        let b = build(&cfg.emit().unwrap()).unwrap();
        let k = KeyPorts::of(&b);
        let mut dut = b.instance();
        let mut rng = Rng::new(kb as u64 + 5);
        for stalls in Stalls::ALL {
            for &len in &LENGTHS {
                // A new key every other message; a counter near the wrap.
                let key = rng.bytes(kb / 8);
                if len % 2 == 0 {
                    assert_eq!(
                        load_key(&mut dut, &k, &key) as usize,
                        cfg.figures().key_load_cycles
                    );
                } else {
                    load_key(&mut dut, &k, &key);
                }
                let mut counter: [u8; 16] = rng.bytes(16).try_into().unwrap();
                if len == 100 {
                    counter[12..].copy_from_slice(&[0xff, 0xff, 0xff, 0xfe]);
                }
                let data = rng.bytes(len);
                let (out, cycles) = run(&mut dut, &b, counter, &data, stalls, &mut rng);
                assert_eq!(
                    out,
                    ctr_model(&key, counter, &data),
                    "{} {stalls:?} length {len}",
                    cfg.name
                );
                if stalls == Stalls::None && len == 4096 {
                    let f = cfg.figures();
                    let bound = (256 * f.cycles_per_block + f.latency + 4) as u64;
                    assert!(
                        cycles <= bound,
                        "{}: {cycles} cycles for 256 blocks (bound {bound})",
                        cfg.name
                    );
                }
                // Back to back: the same key, a new counter.
                let counter2: [u8; 16] = rng.bytes(16).try_into().unwrap();
                let data2 = rng.bytes(33);
                let (out2, _) = run(&mut dut, &b, counter2, &data2, stalls, &mut rng);
                assert_eq!(
                    out2,
                    ctr_model(&key, counter2, &data2),
                    "{} back to back",
                    cfg.name
                );
            }
        }
        // Zeroize in the middle of a message: no more output, no key.
        let (z, sv) = (b.port("zeroize"), b.port("s_valid"));
        dut.set(b.port("counter"), 1);
        dut.set(b.port("start_valid"), 1);
        dut.tick(2);
        dut.set(b.port("start_valid"), 0);
        dut.set(sv, 1);
        dut.set(b.port("s_keep"), 0xffff);
        dut.set(b.port("m_ready"), 0);
        dut.tick(30);
        dut.set(sv, 0);
        dut.set(z, 1);
        dut.tick(1);
        dut.set(z, 0);
        dut.set(b.port("m_ready"), 1);
        for _ in 0..40 {
            dut.eval();
            assert_eq!(dut.get(b.port("m_valid")), 0, "output after zeroize");
            assert_eq!(dut.get(k.key_loaded), 0, "key after zeroize");
            dut.tick(1);
        }
        let key = rng.bytes(kb / 8);
        load_key(&mut dut, &k, &key);
        let data = rng.bytes(40);
        let (out, _) = run(&mut dut, &b, [9; 16], &data, Stalls::Both, &mut rng);
        assert_eq!(
            out,
            ctr_model(&key, [9; 16], &data),
            "{} after zeroize",
            cfg.name
        );
    }
}
