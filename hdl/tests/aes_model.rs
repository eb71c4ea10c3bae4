//! The pipelined AES core's rust-hdl model (its `update()`; the Verilog
//! is tested in Verilator and Icarus) against the golden model: a key
//! load, blocks streamed with the sink stopped past the queue's depth,
//! then drained; every block once, in order.

use csi2sec_hdl::aes_pipelined::AesPipelined;
use csi2sec_hdl::sub_bytes::SboxForm;
use csi2sec_sim::steps::aes_encrypt_trace;
use rust_hdl::prelude::*;

fn aes(key: &[u8], block: u128) -> u128 {
    u128::from_be_bytes(*aes_encrypt_trace(key, &block.to_be_bytes()).last().unwrap())
}

#[test]
fn pipelined_model_matches_the_golden_model() {
    let key = [0x2bu8; 16];
    let depth = AesPipelined::queue_depth(128, SboxForm::Rom, 1);
    let blocks: Vec<u128> = (0..2 * depth as u128).map(|i| i * 0x1111_0001).collect();
    let want: Vec<u128> = blocks.iter().map(|&b| aes(&key, b)).collect();
    let mut uut = AesPipelined::new(128, SboxForm::Rom, 1);
    uut.connect_all();
    let mut sim = Simulation::new();
    sim.add_clock(5, |x: &mut Box<AesPipelined>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut sim: Sim<AesPipelined>| {
        let mut x = sim.init()?;
        // AES-128 keys sit in key[255:128], byte 0 first.
        let hi: Bits<256> = csi2sec_hdl::bits::from_u128(u128::from_be_bytes(key));
        x.key.next = hi << 128;
        x.key_valid.next = true;
        wait_clock_cycle!(sim, clock, x);
        x.key_valid.next = false;
        let mut n = 0;
        while !x.key_loaded.val() {
            wait_clock_cycle!(sim, clock, x);
            n += 1;
            sim_assert!(sim, n < 100, x);
        }
        // The sink stopped: exactly `depth` blocks are taken.
        let (mut taken, mut out) = (0usize, Vec::new());
        x.m_ready.next = false;
        for cycle in 0..6 * depth {
            if cycle == 3 * depth {
                sim_assert_eq!(sim, taken, depth, x);
                x.m_ready.next = true;
            }
            x.s_valid.next = taken < blocks.len();
            x.s_data.next = csi2sec_hdl::bits::from_u128(*blocks.get(taken).unwrap_or(&0));
            x = sim.wait(0, x)?;
            let take = x.s_valid.val() && x.s_ready.val();
            if x.m_valid.val() && x.m_ready.val() {
                out.push(x.m_data.val().to_u128());
            }
            taken += usize::from(take);
            wait_clock_cycle!(sim, clock, x);
        }
        sim_assert_eq!(sim, out.len(), want.len(), x);
        for (o, w) in out.iter().zip(&want) {
            sim_assert_eq!(sim, *o, *w, x);
        }
        sim.done(x)
    });
    sim.run(Box::new(uut), 1_000_000).unwrap();
}
