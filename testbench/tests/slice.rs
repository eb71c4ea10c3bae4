//! The AXI4-Stream register slice (`axis_slice.rs`) emitted and built by
//! Verilator: random beats under random source and sink stalls come out
//! in order, none lost or duplicated, with their byte counts; a beat per
//! cycle when neither side stalls; `s_ready` does not follow `m_ready`
//! within a cycle (a register drives it); `reset` empties it. Each beat's
//! payload count (`m_pay`) is checked against a model of the packets the
//! beats form: `s_wc` and `s_long` are random on every beat and must be
//! read on a packet's first beat only.

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
    let (swc, slong, mpay) = (p("s_wc"), p("s_long"), p("m_pay"));
    let (md, mc, ml, mu, mv, mr) = (
        p("m_data"),
        p("m_count"),
        p("m_last"),
        p("m_user"),
        p("m_valid"),
        p("m_ready"),
    );
    let out = |d: &csi2sec_testbench::model::Dut| -> (u128, u128, u128, u128, u128) {
        (d.get(md), d.get(mc), d.get(ml), d.get(mu), d.get(mpay))
    };
    let mut dut = b.instance();
    dut.set(reset, 1);
    dut.tick(1);
    dut.set(reset, 0);
    let mut rng = Rng::new(7);
    // The packet model of `m_pay`: (first beat next, payload bytes left).
    let mut pc = (true, 0u128);
    for (src, sink) in [(100, 100), (60, 100), (100, 55), (50, 50)] {
        let mut sent: Vec<Beat> = Vec::new();
        let mut got = Vec::new();
        let mut offered: Option<Beat> = None;
        let cycles = 2000u64;
        for _ in 0..cycles {
            if offered.is_none() && rng.chance(src) {
                let keep = rng.below(1 << 16) as u128;
                let beat = u128::from_be_bytes(rng.bytes(16).try_into().unwrap());
                offered = Some(Beat {
                    data: beat,
                    keep,
                    last: rng.chance(30) as u128,
                    user: rng.below(256) as u128,
                    wc: rng.below(48) as u128,
                    long: rng.below(2) as u128,
                });
            }
            let take = rng.chance(sink);
            dut.set(sv, offered.is_some() as u128);
            if let Some(o) = offered {
                dut.set(sd, o.data);
                dut.set(sk, o.keep);
                dut.set(sl, o.last);
                dut.set(su, o.user);
                dut.set(swc, o.wc);
                dut.set(slong, o.long);
            }
            dut.set(mr, 0);
            dut.eval();
            let ready = dut.get(sr);
            dut.set(mr, take as u128);
            dut.eval();
            assert_eq!(dut.get(sr), ready, "s_ready follows m_ready within a cycle");
            if take && dut.get(mv) == 1 {
                got.push(out(&dut));
            }
            if ready == 1
                && let Some(o) = offered.take()
            {
                sent.push(o);
            }
            dut.tick(1);
        }
        // Drain.
        dut.set(sv, 0);
        dut.set(mr, 1);
        for _ in 0..4 {
            dut.eval();
            if dut.get(mv) == 1 {
                got.push(out(&dut));
            }
            dut.tick(1);
        }
        let want: Vec<_> = sent
            .iter()
            .map(|b| {
                let n = b.keep.count_ones() as u128;
                let pay = if pc.0 {
                    let total = if b.long == 1 { b.wc } else { 0 };
                    let pay = n.saturating_sub(4).min(total);
                    pc.1 = total - pay;
                    pay
                } else {
                    let pay = n.min(pc.1);
                    pc.1 -= pay;
                    pay
                };
                pc.0 = b.last == 1;
                (b.data, n, b.last, b.user, pay)
            })
            .collect();
        assert_eq!(got.len(), want.len(), "beats out ({src}%, {sink}%)");
        if let Some(i) = (0..got.len()).find(|&i| got[i] != want[i]) {
            panic!(
                "beat {i} ({src}%, {sink}%): got (data, count, last, user, pay) {:x?}, want {:x?}",
                got[i], want[i]
            );
        }
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

/// A beat offered to the slice, with the header fields it is offered
/// with (`wc`, `long`: read only on a packet's first beat).
#[derive(Clone, Copy, Debug)]
struct Beat {
    data: u128,
    keep: u128,
    last: u128,
    user: u128,
    wc: u128,
    long: u128,
}
