//! Every emitted design lints clean with `verilator --lint-only -Wall`
//! (with the waivers written beside it) and compiles with `iverilog
//! -g2012` (skipped, with a message, where Icarus is absent).

use csi2sec_hdl::emit::{Module, emit};
use csi2sec_hdl::sbox_bram::SboxBram;
use csi2sec_hdl::sbox_logic::SboxLogic;
use csi2sec_hdl::sbox_rom::SboxRom;
use rust_hdl::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn verilator() -> PathBuf {
    let root = std::env::var("VERILATOR_ROOT").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/lib/python3.11/site-packages/verilator")
    });
    let bin = root.join("bin/verilator");
    assert!(bin.exists(), "Verilator not found at {} (make test installs it into .venv/)", bin.display());
    bin
}

fn write(dir: &Path, mods: &[Module]) -> Vec<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    mods.iter()
        .map(|m| {
            let p = dir.join(format!("{}.v", m.name));
            std::fs::write(&p, &m.text).unwrap();
            p
        })
        .collect()
}

fn check(name: &str, mods: Vec<Module>) {
    assert!(mods.iter().all(|m| m.name.starts_with("csi2sec_") && !m.text.contains('$') && !m.text.contains("module top")));
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("emitted").join(name);
    let files = write(&dir, &mods);
    let v = verilator();
    let root = v.parent().unwrap().parent().unwrap();
    let out = Command::new(&v)
        .env("VERILATOR_ROOT", root)
        .args(["--lint-only", "-Wall", "--top-module", &mods[0].name])
        .args(&files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{name}: verilator:\n{}", String::from_utf8_lossy(&out.stderr));
    match Command::new("iverilog").args(["-g2012", "-o"]).arg(dir.join("a.out")).args(&files).output() {
        Ok(o) => assert!(o.status.success(), "{name}: iverilog:\n{}", String::from_utf8_lossy(&o.stderr)),
        Err(_) => eprintln!("{name}: Icarus Verilog (iverilog) not found: compile check skipped"),
    }
}

#[test]
fn sboxes_lint_and_compile() {
    check("sbox_rom", emit(&{ let mut u = SboxRom::default(); u.connect_all(); u }, "sbox_rom", "sbox rom").unwrap());
    check("sbox_logic", emit(&{ let mut u = SboxLogic::default(); u.connect_all(); u }, "sbox_logic", "sbox logic").unwrap());
    check("sbox_bram", emit(&{ let mut u = SboxBram::default(); u.connect_all(); u }, "sbox_bram", "sbox bram").unwrap());
}
