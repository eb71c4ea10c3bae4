//! The AXI4-Stream register slice (`axis_slice.rs`) emitted and built by
//! Verilator: random beats under random source and sink stalls come out
//! in order, none lost or duplicated, with their byte counts; a beat per
//! cycle when neither side stalls; `s_ready` does not follow `m_ready`
//! within a cycle (a register drives it); `reset` empties it.

use csi2sec_hdl::axis_slice::AxisSlice;
use csi2sec_hdl::emit::emit;
use csi2sec_sim::random::Rng;
use csi2sec_testbench::model::build;
use rust_hdl::prelude::*;

#[test]
fn beats_in_order_under_stalls_and_reset() {
    let mut u = AxisSlice::default();
    u.connect_all();
    let b = build(&emit(&u, "tb_axis_slice", "register slice").unwrap()).unwrap();
    let p = |n: &str| b.port(n);
    let (reset, sd, sk, sl, su, sv, sr) = (
        p("reset"),
        p("s_data"),
        p("s_keep"),
        p("s_last"),
        p("s_user"),
        p("s_valid"),
        p("s_ready"),
    );
    let (md, mc, ml, mu, mv, mr) = (
        p("m_data"),
        p("m_count"),
        p("m_last"),
        p("m_user"),
        p("m_valid"),
        p("m_ready"),
    );
    let mut dut = b.instance();
    dut.set(reset, 1);
    dut.tick(1);
    dut.set(reset, 0);
    let mut rng = Rng::new(7);
    for (src, sink) in [(100, 100), (60, 100), (100, 55), (50, 50)] {
        let mut sent: Vec<(u128, u128, u128, u128)> = Vec::new();
        let mut got = Vec::new();
        let mut offered: Option<(u128, u128, u128, u128)> = None;
        let cycles = 2000u64;
        for _ in 0..cycles {
            if offered.is_none() && rng.chance(src) {
                let keep = rng.below(1 << 16) as u128;
                let beat = u128::from_be_bytes(rng.bytes(16).try_into().unwrap());
                offered = Some((beat, keep, rng.below(2) as u128, rng.below(256) as u128));
            }
            let take = rng.chance(sink);
            dut.set(sv, offered.is_some() as u128);
            if let Some((d, k, l, us)) = offered {
                dut.set(sd, d);
                dut.set(sk, k);
                dut.set(sl, l);
                dut.set(su, us);
            }
            dut.set(mr, 0);
            dut.eval();
            let ready = dut.get(sr);
            dut.set(mr, take as u128);
            dut.eval();
            assert_eq!(dut.get(sr), ready, "s_ready follows m_ready within a cycle");
            if take && dut.get(mv) == 1 {
                got.push((dut.get(md), dut.get(mc), dut.get(ml), dut.get(mu)));
            }
            if ready == 1 {
                if let Some(o) = offered.take() {
                    sent.push(o);
                }
            }
            dut.tick(1);
        }
        // Drain.
        dut.set(sv, 0);
        dut.set(mr, 1);
        for _ in 0..4 {
            dut.eval();
            if dut.get(mv) == 1 {
                got.push((dut.get(md), dut.get(mc), dut.get(ml), dut.get(mu)));
            }
            dut.tick(1);
        }
        let want: Vec<_> = sent
            .iter()
            .map(|&(d, k, l, u)| (d, k.count_ones() as u128, l, u))
            .collect();
        assert_eq!(got.len(), want.len(), "beats out ({src}%, {sink}%)");
        assert_eq!(got, want, "beats in order ({src}%, {sink}%)");
        if (src, sink) == (100, 100) {
            assert!(
                sent.len() as u64 >= cycles - 2,
                "a beat per cycle: {}",
                sent.len()
            );
        }
    }
    // Reset drops what is held.
    dut.set(sv, 1);
    dut.set(mr, 0);
    dut.tick(3);
    dut.eval();
    assert_eq!(dut.get(mv), 1);
    dut.set(reset, 1);
    dut.tick(1);
    dut.set(reset, 0);
    dut.set(sv, 0);
    dut.eval();
    assert_eq!(dut.get(mv), 0, "reset empties the slice");
}
