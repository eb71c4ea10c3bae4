//! The GF(2^128) multipliers and GHASH, emitted and built by Verilator,
//! against the golden model (`steps::gf128_mul`, `steps::ghash`) on random
//! operands and messages: the pipelined multiplier at depths 1 to 5 (every cut of its datapath) with
//! random advance patterns and a clear, the digit-serial one at two digit
//! sizes, and GHASH (P = 1, 2, 3) at one block per cycle, four ways.

use csi2sec_hdl::config::{Arch, BlockKind, EngineConfig};
use csi2sec_hdl::emit::emit;
use csi2sec_hdl::gf_mul_pipelined::GfMulPipelined;
use csi2sec_hdl::gf_mul_serial::GfMulSerial;
use csi2sec_hdl::ghash::Ghash;
use csi2sec_hdl::sub_bytes::SboxForm;
use csi2sec_sim::random::Rng;
use csi2sec_sim::steps::{gf128_mul, ghash};
use csi2sec_testbench::drive::{KeyPorts, Stalls, load_key};
use csi2sec_testbench::engines::ghash_message as hash;
use csi2sec_testbench::model::{Built, build};
use rust_hdl::prelude::*;

fn built<U: Block>(mut u: U, name: &str) -> Built {
    u.connect_all();
    build(&emit(&u, name, name).unwrap()).unwrap()
}

fn r128(rng: &mut Rng) -> u128 {
    u128::from_be_bytes(rng.bytes(16).try_into().unwrap())
}

#[test]
fn pipelined_multiplier_random_operands_and_clear() {
    for s in [1, 2, 3, 4, 5] {
        let b = built(GfMulPipelined::new(s), &format!("tb_gfmul_pipe{s}"));
        let (en, clear, x, y, z) = (
            b.port("en"),
            b.port("clear"),
            b.port("x"),
            b.port("y"),
            b.port("z"),
        );
        let mut dut = b.instance();
        let mut rng = Rng::new(s as u64);
        let mut taken: Vec<(u128, u128)> = Vec::new();
        for cycle in 0..600 {
            let go = rng.chance(70);
            let clr = cycle == 300;
            let (a, c) = (r128(&mut rng), r128(&mut rng));
            dut.set(en, go as u128);
            dut.set(clear, clr as u128);
            dut.set(x, a);
            dut.set(y, c);
            dut.tick(1);
            if go {
                taken.push((a, c));
            }
            if clr {
                taken.clear();
            }
            dut.eval();
            // The product of the pair taken `s` advances ago (zero after a clear).
            let want = if taken.len() >= s {
                let (a, c) = taken[taken.len() - s];
                gf128_mul(a, c)
            } else {
                0
            };
            assert_eq!(dut.get(z), want, "depth {s}, cycle {cycle}");
        }
    }
}

#[test]
fn digit_serial_multiplier_random_operands() {
    for d in [8, 32] {
        let b = built(GfMulSerial::new(d), &format!("tb_gfmul_serial{d}"));
        let (start, x, y, ready, z, zv) = (
            b.port("start"),
            b.port("x"),
            b.port("y"),
            b.port("ready"),
            b.port("z"),
            b.port("z_valid"),
        );
        let mut dut = b.instance();
        let mut rng = Rng::new(d as u64);
        for _ in 0..50 {
            let (a, c) = (r128(&mut rng), r128(&mut rng));
            dut.set(x, a);
            dut.set(y, c);
            dut.set(start, 1);
            dut.eval();
            assert_eq!(dut.get(ready), 1);
            dut.tick(1);
            dut.set(start, 0);
            dut.set(x, r128(&mut rng));
            let mut n = 0;
            dut.eval();
            while dut.get(zv) == 0 {
                dut.tick(1);
                dut.eval();
                n += 1;
                assert!(n <= 200, "no product");
            }
            assert_eq!(n, GfMulSerial::cycles(d), "cycles per product, digit {d}");
            assert_eq!(dut.get(z), gf128_mul(a, c), "digit {d}");
        }
    }
}

#[test]
fn ghash_one_block_per_cycle_against_the_model() {
    let configs: Vec<(usize, Built)> = vec![
        (
            1,
            build(
                &EngineConfig::new(BlockKind::Ghash, 128, Arch::Iterative, SboxForm::Rom)
                    .emit()
                    .unwrap(),
            )
            .unwrap(),
        ),
        (
            csi2sec_hdl::config::GHASH_PIPELINE,
            build(
                &EngineConfig::new(BlockKind::Ghash, 128, Arch::Pipelined, SboxForm::Rom)
                    .emit()
                    .unwrap(),
            )
            .unwrap(),
        ),
        (3, built(Ghash::new(3), "tb_ghash3")),
    ];
    for (p, b) in &configs {
        let p = *p;
        let mut dut = b.instance();
        let k = KeyPorts::named(b, "h");
        let mut rng = Rng::new(p as u64 + 10);
        for stalls in Stalls::ALL {
            let h = rng.bytes(16);
            let cycles = load_key(&mut dut, &k, &h);
            assert_eq!(
                cycles as usize,
                Ghash::key_cycles(p),
                "hash-key load, P = {p}"
            );
            for n in [1, 2, 3, 4, 5, 7, 16, 33, 64] {
                let blocks: Vec<u128> = (0..n).map(|_| r128(&mut rng)).collect();
                let bytes: Vec<u8> = blocks.iter().flat_map(|b| b.to_be_bytes()).collect();
                let want = u128::from_be_bytes(ghash(&h.clone().try_into().unwrap(), &bytes));
                let (got, cycles) = hash(&mut dut, b, &blocks, stalls, &mut rng);
                assert_eq!(got, want, "P = {p}, {n} blocks, {stalls:?}");
                if stalls == Stalls::None {
                    assert_eq!(
                        cycles as usize,
                        n + Ghash::tail_cycles(p),
                        "P = {p}, {n} blocks: one block per cycle, then the tail"
                    );
                }
            }
        }
        // zeroize clears H: no message is taken until a new one.
        let z = b.port("zeroize");
        dut.set(z, 1);
        dut.tick(1);
        dut.set(z, 0);
        dut.eval();
        assert_eq!(dut.get(b.port("h_loaded")), 0);
        assert_eq!(dut.get(b.port("s_ready")), 0);
    }
}
