//! The iterative AES core, emitted and built by Verilator, against the
//! golden model: FIPS-197 Appendix C, random blocks streamed four ways,
//! key changes between blocks, zeroize mid-stream; cycles per block and
//! key-load cycles measured.

use csi2sec_hdl::config::{Arch, BlockKind, EngineConfig};
use csi2sec_hdl::sub_bytes::SboxForm;
use csi2sec_sim::random::Rng;
use csi2sec_sim::steps::aes_encrypt_trace;
use csi2sec_testbench::drive::{BlockPorts, Stalls, load_key, stream_blocks as stream};
use csi2sec_testbench::model::{Built, build};

fn model(key_bits: usize, form: SboxForm) -> Built {
    build(&EngineConfig::new(BlockKind::Aes, key_bits, Arch::Iterative, form).emit().unwrap()).unwrap()
}

fn aes(key: &[u8], block: u128) -> u128 {
    u128::from_be_bytes(*aes_encrypt_trace(key, &block.to_be_bytes()).last().unwrap())
}

#[test]
fn fips197_appendix_c() {
    let pt = 0x00112233445566778899aabbccddeeffu128;
    for (kb, ct) in [(128, 0x69c4e0d86a7b0430d8cdb78070b4c55au128), (256, 0x8ea2b7ca516745bfeafc49904b496089u128)] {
        let key: Vec<u8> = (0..kb / 8).map(|i| i as u8).collect();
        for form in SboxForm::ALL {
            let b = model(kb, form);
            let p = BlockPorts::of(&b);
            let mut dut = b.instance();
            let load = load_key(&mut dut, &p.k, &key);
            assert_eq!(load as usize, EngineConfig::new(BlockKind::Aes, kb, Arch::Iterative, form).figures().key_load_cycles, "key-load cycles, AES-{kb}");
            let (out, _) = stream(&mut dut, &p, &[pt], Stalls::None, &mut Rng::new(1));
            assert_eq!(out, vec![ct], "AES-{kb} {form:?}");
        }
    }
}

#[test]
fn random_blocks_four_ways_with_key_changes() {
    for kb in [128, 256] {
        let b = model(kb, SboxForm::Rom);
        let p = BlockPorts::of(&b);
        let mut dut = b.instance();
        let mut rng = Rng::new(kb as u64);
        for stalls in Stalls::ALL {
            for _ in 0..3 {
                let key = rng.bytes(kb / 8);
                load_key(&mut dut, &p.k, &key);
                let blocks: Vec<u128> = (0..40).map(|_| u128::from_be_bytes(rng.bytes(16).try_into().unwrap())).collect();
                let (out, cycles) = stream(&mut dut, &p, &blocks, stalls, &mut rng);
                let want: Vec<u128> = blocks.iter().map(|&x| aes(&key, x)).collect();
                assert_eq!(out, want, "AES-{kb} {stalls:?}");
                if stalls == Stalls::None {
                    let nr = kb / 32 + 6;
                    // Nr + 1 cycles per block, plus the last block's drain.
                    assert!(cycles <= (nr as u64 + 1) * 40 + 2, "AES-{kb}: {cycles} cycles for 40 blocks");
                }
            }
        }
    }
}

#[test]
fn zeroize_mid_stream_clears_keys_and_output() {
    let b = model(128, SboxForm::Bram);
    let p = BlockPorts::of(&b);
    let mut dut = b.instance();
    let key = [7u8; 16];
    load_key(&mut dut, &p.k, &key);
    dut.set(p.s_data, 1);
    dut.set(p.s_valid, 1);
    dut.set(p.m_ready, 0);
    dut.tick(5);
    dut.set(p.s_valid, 0);
    dut.set(p.zeroize, 1);
    dut.tick(1);
    dut.set(p.zeroize, 0);
    dut.eval();
    assert_eq!(dut.get(p.k.key_loaded), 0, "key_loaded drops at once");
    assert_eq!(dut.get(p.m_valid), 0, "no output after zeroize");
    assert_eq!(dut.get(p.s_ready), 0, "no block taken without a key");
    // Within Nr + 1 cycles the core is ready for a new key.
    let mut n = 0;
    while dut.get(p.k.key_ready) == 0 {
        dut.tick(1);
        dut.eval();
        n += 1;
        assert!(n <= 11, "zeroize took more than Nr + 1 cycles");
    }
    // Nothing comes out; a new key works.
    dut.set(p.m_ready, 1);
    dut.tick(20);
    dut.eval();
    assert_eq!(dut.get(p.m_valid), 0);
    let key2 = [9u8; 16];
    load_key(&mut dut, &p.k, &key2);
    let (out, _) = stream(&mut dut, &p, &[5], Stalls::None, &mut Rng::new(3));
    assert_eq!(out, vec![aes(&key2, 5)]);
}
