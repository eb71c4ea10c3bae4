//! Every emitted design lints clean with `verilator --lint-only -Wall`
//! (with the waivers written beside it) and compiles with `iverilog
//! -g2012` (skipped, with a message, where Icarus is absent).

use csi2sec_hdl::emit::{Module, emit, waivers};
use csi2sec_hdl::sbox_bram::SboxBram;
use csi2sec_hdl::sbox_logic::SboxLogic;
use csi2sec_hdl::sbox_rom::SboxRom;
use csi2sec_hdl::sub_bytes::{SboxForm, SubBytes};
use rust_hdl::prelude::*;
mod common;
use common::{run_tb, verilator, write};
use std::path::PathBuf;
use std::process::Command;

/// A testbench that drives every input byte and prints `x y` lines; for a
/// registered S-box the output is read one clock later.
fn sbox_testbench(top: &str, latency: usize, with_en: bool) -> String {
    let registered = latency > 0;
    let clock = if registered { "reg clock = 0;\n  " } else { "" };
    let port = match (registered, with_en) {
        (false, _) => "",
        (true, false) => ".clock(clock), ",
        (true, true) => ".clock(clock), .en(1'b1), ",
    };
    let step = if registered {
        "clock = 1; #1; clock = 0; #1; ".repeat(latency)
    } else {
        "#1;".to_string()
    };
    format!(
        "`timescale 1ns/1ps\nmodule tb;\n  {clock}reg [7:0] x;\n  wire [7:0] y;\n  integer i;\n  {top} dut({port}.x(x), .y(y));\n  initial begin\n    for (i = 0; i < 256; i = i + 1) begin\n      x = i[7:0]; {step}\n      $display(\"%02x %02x\", x, y);\n    end\n    $finish;\n  end\nendmodule\n"
    )
}

/// Every `x y` line of a run is the S-box of FIPS-197; all 256 present.
fn check_sbox_run(who: &str, stdout: &[u8]) {
    let text = String::from_utf8_lossy(stdout);
    let mut seen = 0;
    for l in text.lines().filter(|l| l.len() == 5) {
        let (x, y) = (
            u8::from_str_radix(&l[..2], 16).unwrap(),
            u8::from_str_radix(&l[3..], 16).unwrap(),
        );
        assert_eq!(y, csi2sec_sim::steps::sbox(x), "{who}: x = {x:02x}");
        seen += 1;
    }
    assert_eq!(seen, 256, "{who}: {text}");
}

/// Run the emitted S-box in Icarus (if present) and in Verilator.
fn simulate_sbox(name: &str, mods: &[Module], latency: usize, with_en: bool) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("emitted")
        .join(name);
    let files: Vec<PathBuf> = mods
        .iter()
        .map(|m| dir.join(format!("{}.v", m.name)))
        .collect();
    for (who, stdout) in run_tb(
        name,
        &dir,
        &sbox_testbench(&mods[0].name, latency, with_en),
        &files,
    ) {
        check_sbox_run(&who, &stdout);
    }
}

fn check(name: &str, mods: Vec<Module>) {
    assert!(mods.iter().all(|m| m.name.starts_with("csi2sec_")
        && !m.text.contains('$')
        && !m.text.contains("module top")));
    lint_and_compile(name, &mods, None);
}

/// Verilator `-Wall` lint (with the waivers) and Icarus compile of
/// `mods` (the top first), in their own directory; with `define`, that
/// macro defined and `extra` (name, text) written beside them.
fn lint_and_compile(name: &str, mods: &[Module], define: Option<(&str, &str)>) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("emitted")
        .join(name);
    let mut files = write(&dir, mods);
    let mut flags: Vec<String> = Vec::new();
    if let Some((macro_name, extra)) = define {
        let f = dir.join("extra.v");
        std::fs::write(&f, extra).unwrap();
        files.push(f);
        flags.push(format!("-D{macro_name}"));
    }
    let vlt = dir.join("waivers.vlt");
    std::fs::write(&vlt, waivers()).unwrap();
    let v = verilator();
    let root = v.parent().unwrap().parent().unwrap();
    let out = Command::new(&v)
        .env("VERILATOR_ROOT", root)
        .args(["--lint-only", "-Wall", "--top-module", &mods[0].name])
        .args(&flags)
        .args(&files)
        .arg(&vlt)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{name}: verilator:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    match Command::new("iverilog")
        .args(["-g2012", "-o"])
        .arg(dir.join("a.out"))
        .args(&flags)
        .args(&files)
        .output()
    {
        Ok(o) => {
            assert!(
                o.status.success(),
                "{name}: iverilog:\n{}",
                String::from_utf8_lossy(&o.stderr)
            );
            // Only the compile matters here; the image is ~10 MB.
            let _ = std::fs::remove_file(dir.join("a.out"));
        }
        Err(_) => eprintln!("{name}: Icarus Verilog (iverilog) not found: compile check skipped"),
    }
}

/// Each S-box form: emitted, linted, compiled, and its Verilog (not only
/// rust-hdl's model of it) run on all 256 inputs in two simulators.
#[test]
fn sboxes_lint_compile_and_simulate() {
    /// `u` emitted as `name`.
    fn emitted<U: Block>(mut u: U, name: &str) -> Vec<Module> {
        u.connect_all();
        emit(&u, name, &name.replace('_', " ")).unwrap()
    }
    // (name, modules, cycles from x to y, whether it has an `en` port)
    for (name, mods, latency, with_en) in [
        (
            "sbox_rom",
            emitted(SboxRom::default(), "sbox_rom"),
            0,
            false,
        ),
        (
            "sbox_logic",
            emitted(SboxLogic::default(), "sbox_logic"),
            0,
            false,
        ),
        (
            "sbox_bram",
            emitted(SboxBram::default(), "sbox_bram"),
            1,
            false,
        ),
        // The `rom` lookup split across two registers (three stages per
        // round): half tables, then the select by bit 7.
        (
            "sbox_rom_split",
            emitted(
                SubBytes::<8>::with_output_register(SboxForm::Rom),
                "sbox_rom_split",
            ),
            2,
            true,
        ),
    ] {
        check(name, mods.clone());
        simulate_sbox(name, &mods, latency, with_en);
    }
}

/// Every configuration `csi2sec generate` accepts: emitted, linted with
/// its waivers and compiled by Icarus.
#[test]
fn every_engine_configuration_lints_and_compiles() {
    let all = csi2sec_hdl::config::EngineConfig::all();
    for cfg in &all {
        check(&cfg.name, cfg.emit().unwrap());
    }
    assert_eq!(all.len(), 86, "configurations");
}

/// The GF(2^128) multipliers alone: pipelined at several depths and
/// digit-serial at several digit sizes.
#[test]
fn multipliers_lint_and_compile() {
    use csi2sec_hdl::gf_mul_pipelined::GfMulPipelined;
    use csi2sec_hdl::gf_mul_serial::GfMulSerial;
    for s in [1, 2, 3, 4, 5] {
        let mut u = GfMulPipelined::new(s);
        u.connect_all();
        check(
            &format!("gfmul_pipe{s}"),
            emit(&u, &format!("gfmul_pipe{s}"), "multiplier").unwrap(),
        );
    }
    for d in [1, 8, 32] {
        let mut u = GfMulSerial::new(d);
        u.connect_all();
        check(
            &format!("gfmul_serial{d}"),
            emit(&u, &format!("gfmul_serial{d}"), "multiplier").unwrap(),
        );
    }
}

/// The distinct designs: GMAC and the GHASH variants that give the same
/// Verilog are left out, and every architecture is there.
#[test]
fn configuration_matrix_is_the_distinct_designs() {
    use csi2sec_hdl::config::{BlockKind, EngineConfig};
    let all = EngineConfig::all();
    let names: std::collections::HashSet<_> = all.iter().map(|c| c.name.clone()).collect();
    assert_eq!(names.len(), all.len());
    // AES, CTR, GCM: 2 key sizes × (3 S-box forms × (iterative,
    // pipelined, pipelined2) + pipelined3 with rom S-boxes); AES and CTR
    // also serial (2 × 3); CMAC: iterative and serial (2 × 2 × 3).
    let count = |b: BlockKind| all.iter().filter(|c| c.block == b).count();
    assert_eq!(count(BlockKind::Aes), 26);
    assert_eq!(count(BlockKind::Ctr), 26);
    assert_eq!(count(BlockKind::Gcm), 20);
    assert_eq!(count(BlockKind::Cmac), 12);
    assert_eq!(count(BlockKind::Ghash), 2);
    assert_eq!(count(BlockKind::Gmac), 0);
}

/// Emitted Verilog outside the engine matrix: GHASH at P = 3 (cosimulated
/// in the testbench) and the place-and-route harness around an engine.
#[test]
fn ghash3_and_the_synthesis_harness_lint_and_compile() {
    use csi2sec_hdl::config::{Arch, BlockKind, EngineConfig};
    use csi2sec_hdl::ghash::Ghash;
    use csi2sec_hdl::ports::ports;
    use csi2sec_hdl::synth_wrap::{WRAPPER, fmax_wrapper};
    let mut g = Ghash::new(3);
    g.connect_all();
    check("ghash_p3", emit(&g, "ghash_p3", "ghash P=3").unwrap());
    let ip = EngineConfig::new(BlockKind::Cmac, 128, Arch::Iterative, SboxForm::Bram)
        .emit()
        .unwrap();
    let wrap = Module {
        name: WRAPPER.to_string(),
        text: fmax_wrapper(&ip[0].name, &ports(&ip[0].text)),
    };
    let mut mods = vec![wrap];
    mods.extend(ip);
    check("synth_wrap", mods);
}

/// The configurations of `side` that `keep` picks.
fn link_configurations(side: csi2sec_hdl::regs::Side, keep: impl Fn(&str) -> bool) {
    let all = csi2sec_hdl::link_config::LinkConfig::all(side);
    let fsed = all
        .iter()
        .filter(|c| c.name.contains("_fsed_") && c.width != 1)
        .count();
    let bytes = all.iter().filter(|c| c.width == 1).count();
    assert_eq!(bytes, 12, "byte-serial configurations");
    assert_eq!(
        all.len() - fsed - bytes,
        36,
        "SEP configurations, 16 bytes wide"
    );
    assert_eq!(fsed, 36, "FSED configurations");
    for c in all {
        if keep(&c.name) {
            check(&c.name.clone(), c.emit().expect("emit"));
        }
    }
}

/// FSED configurations in `make test` (each side): both MAC units, both
/// AES cores, both key sizes, the three S-box forms (the control is the
/// SEP one's with `FSED` set; `make regress` lints all 36 of each side).
const FSED_SAMPLE: &[&str] = &[
    "fsed_gmac128_w16_pipelined_rom",
    "fsed_gmac256_w16_iterative_bram",
    "fsed_cmac128_w16_iterative_bram",
    "fsed_cmac256_w16_pipelined_logic",
    "fsed_cmac128_w16_serial_bram",
];

/// Every SEP configuration, the FSED sample and the byte-serial FSED TX.
fn sampled(name: &str) -> bool {
    name.contains("_sep_") || name.contains("_w1_") || FSED_SAMPLE.iter().any(|s| name.ends_with(s))
}

#[test]
fn tx_configurations_lint_and_compile() {
    link_configurations(csi2sec_hdl::regs::Side::Tx, sampled);
}

#[test]
fn rx_configurations_lint_and_compile() {
    link_configurations(csi2sec_hdl::regs::Side::Rx, sampled);
}

/// Every FSED TX and RX configuration (`make regress`).
#[test]
#[ignore]
fn every_fsed_configuration_lints_and_compiles() {
    let fsed = |n: &str| n.contains("_fsed_");
    link_configurations(csi2sec_hdl::regs::Side::Tx, fsed);
    link_configurations(csi2sec_hdl::regs::Side::Rx, fsed);
}

/// Each board's self-test top (the board's pins, the core, its TX and RX).
#[test]
fn board_self_tests_lint_and_compile() {
    use csi2sec_hdl::selftest::{BOARDS, Options, emit_board};
    for b in BOARDS {
        let o = Options { gap: b.board_gap() };
        let mods = emit_board(&b, o).expect("self-test");
        check(&b.top(), mods.clone());
        synthesis_branch(&b.top(), &mods);
    }
}

/// The vendor clock primitives the board tops instantiate under
/// `ifdef SYNTHESIS`, as interfaces: the ports and parameters of Lattice's
/// EHXPLLL (ECP5 sysCLOCK PLL) and Xilinx's MMCME2_BASE and BUFG (7
/// series), outputs tied so that lint sees them driven. The checks see
/// whether the tops' instances name existing ports and parameters.
const VENDOR_STUBS: &str = r#"/* verilator lint_off DECLFILENAME */
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module EHXPLLL #(
  parameter CLKI_DIV = 1, parameter CLKFB_DIV = 1, parameter CLKOP_DIV = 8, parameter CLKOS_DIV = 8,
  parameter CLKOS2_DIV = 8, parameter CLKOS3_DIV = 8, parameter CLKOP_ENABLE = "ENABLED",
  parameter CLKOS_ENABLE = "DISABLED", parameter CLKOS2_ENABLE = "DISABLED", parameter CLKOS3_ENABLE = "DISABLED",
  parameter CLKOP_CPHASE = 0, parameter CLKOS_CPHASE = 0, parameter CLKOS2_CPHASE = 0, parameter CLKOS3_CPHASE = 0,
  parameter CLKOP_FPHASE = 0, parameter CLKOS_FPHASE = 0, parameter CLKOS2_FPHASE = 0, parameter CLKOS3_FPHASE = 0,
  parameter FEEDBK_PATH = "CLKOP", parameter CLKOP_TRIM_POL = "RISING", parameter CLKOP_TRIM_DELAY = 0,
  parameter CLKOS_TRIM_POL = "RISING", parameter CLKOS_TRIM_DELAY = 0, parameter OUTDIVIDER_MUXA = "DIVA",
  parameter OUTDIVIDER_MUXB = "DIVB", parameter OUTDIVIDER_MUXC = "DIVC", parameter OUTDIVIDER_MUXD = "DIVD",
  parameter PLL_LOCK_MODE = 0, parameter PLL_LOCK_DELAY = 200, parameter STDBY_ENABLE = "DISABLED",
  parameter REFIN_RESET = "DISABLED", parameter SYNC_ENABLE = "DISABLED", parameter INT_LOCK_STICKY = "ENABLED",
  parameter DPHASE_SOURCE = "DISABLED", parameter PLLRST_ENA = "DISABLED", parameter INTFB_WAKE = "DISABLED"
) (
  input CLKI, input CLKFB, input PHASESEL1, input PHASESEL0, input PHASEDIR, input PHASESTEP,
  input PHASELOADREG, input STDBY, input PLLWAKESYNC, input RST, input ENCLKOP, input ENCLKOS,
  input ENCLKOS2, input ENCLKOS3, output CLKOP, output CLKOS, output CLKOS2, output CLKOS3,
  output LOCK, output INTLOCK, output REFCLK, output CLKINTFB
);
  assign {CLKOP, CLKOS, CLKOS2, CLKOS3, REFCLK, CLKINTFB} = {6{CLKI}};
  assign {LOCK, INTLOCK} = 2'b11;
endmodule
module MMCME2_BASE #(
  parameter BANDWIDTH = "OPTIMIZED", parameter real CLKFBOUT_MULT_F = 5.0, parameter real CLKFBOUT_PHASE = 0.0,
  parameter real CLKIN1_PERIOD = 0.0, parameter real CLKOUT0_DIVIDE_F = 1.0, parameter real CLKOUT0_DUTY_CYCLE = 0.5,
  parameter real CLKOUT0_PHASE = 0.0, parameter integer CLKOUT1_DIVIDE = 1, parameter integer CLKOUT2_DIVIDE = 1,
  parameter integer CLKOUT3_DIVIDE = 1, parameter CLKOUT4_CASCADE = "FALSE", parameter integer CLKOUT4_DIVIDE = 1,
  parameter integer CLKOUT5_DIVIDE = 1, parameter integer CLKOUT6_DIVIDE = 1, parameter integer DIVCLK_DIVIDE = 1,
  parameter real REF_JITTER1 = 0.01, parameter STARTUP_WAIT = "FALSE"
) (
  output CLKFBOUT, output CLKFBOUTB, output CLKOUT0, output CLKOUT0B, output CLKOUT1, output CLKOUT1B,
  output CLKOUT2, output CLKOUT2B, output CLKOUT3, output CLKOUT3B, output CLKOUT4, output CLKOUT5,
  output CLKOUT6, output LOCKED, input CLKFBIN, input CLKIN1, input PWRDWN, input RST
);
  assign {CLKFBOUT, CLKFBOUTB, CLKOUT0, CLKOUT0B, CLKOUT1, CLKOUT1B, CLKOUT2, CLKOUT2B, CLKOUT3, CLKOUT3B,
          CLKOUT4, CLKOUT5, CLKOUT6} = {13{CLKIN1}};
  assign LOCKED = 1'b1;
endmodule
module BUFG(output O, input I);
  assign O = I;
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
"#;

/// A board top's `ifdef SYNTHESIS` branch (the PLL or MMCM): linted by
/// Verilator and compiled by Icarus with SYNTHESIS defined, against the
/// vendor interfaces above.
fn synthesis_branch(name: &str, mods: &[Module]) {
    lint_and_compile(
        &format!("{name}_synthesis"),
        mods,
        Some(("SYNTHESIS", VENDOR_STUBS)),
    );
}

/// The 4- and 8-byte-wide TX and RX (the 16-byte core between the width
/// adapters): SEP and FSED, both MAC units; instances with both suite
/// families; chains of 2 and 3 stream cores.
#[test]
fn narrow_both_suite_and_chain_configurations_lint_and_compile() {
    use csi2sec_hdl::link_config::{LinkConfig, Protocol, Suites};
    use csi2sec_hdl::regs::Side;
    for side in [Side::Tx, Side::Rx] {
        for (width, protocol, suites, streams) in [
            (4, Protocol::Sep, Suites::Gmac, 1),
            (8, Protocol::Fsed, Suites::Cmac, 1),
            (16, Protocol::Sep, Suites::Both, 1),
            (8, Protocol::Fsed, Suites::Both, 1),
            (16, Protocol::Sep, Suites::Both, 2),
            (4, Protocol::Sep, Suites::Gmac, 3),
        ] {
            let mut c = LinkConfig {
                width,
                protocol,
                suites,
                streams,
                arch: csi2sec_hdl::config::Arch::Iterative,
                ..LinkConfig::default_of(side)
            };
            c.name = c.default_name();
            let mods = c.emit().expect("emit");
            let p = csi2sec_hdl::ports::ports(&mods[0].text);
            let w = |n: &str| p.iter().find(|q| q.name == n).expect(n).width;
            assert_eq!(
                (w("s_axis_tdata"), w("m_axis_tkeep")),
                (8 * width, width),
                "{}",
                c.name
            );
            assert_eq!(mods[0].name, format!("csi2sec_{}", c.name));
            check(&c.name.clone(), mods);
        }
    }
}
