#![allow(dead_code)]
//! Shared by the emitted-Verilog tests: where Verilator is, writing an
//! emitted design to a folder, and running a testbench in Icarus (where
//! present) and in Verilator.

use csi2sec_hdl::emit::Module;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn verilator() -> PathBuf {
    let root = std::env::var("VERILATOR_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../.venv/lib/python3.11/site-packages/verilator")
        });
    let bin = root.join("bin/verilator");
    assert!(
        bin.exists(),
        "Verilator not found at {} (make test installs it into .venv/)",
        bin.display()
    );
    bin
}

/// Write `mods` into `dir` (emptied first); the file paths.
pub fn write(dir: &Path, mods: &[Module]) -> Vec<PathBuf> {
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

/// Run testbench `tb` (module `tb`) over `files` in Icarus, if present,
/// and in Verilator; each simulator's name and standard output.
pub fn run_tb(name: &str, dir: &Path, tb: &str, files: &[PathBuf]) -> Vec<(String, Vec<u8>)> {
    let tbf = dir.join("tb.v");
    std::fs::write(&tbf, tb).unwrap();
    let mut runs = Vec::new();
    match Command::new("iverilog")
        .args(["-g2012", "-o"])
        .arg(dir.join("tb.vvp"))
        .arg(&tbf)
        .args(files)
        .output()
    {
        Ok(o) => {
            assert!(
                o.status.success(),
                "{name}: iverilog tb:\n{}",
                String::from_utf8_lossy(&o.stderr)
            );
            let run = Command::new("vvp")
                .arg(dir.join("tb.vvp"))
                .output()
                .unwrap();
            runs.push((format!("{name} in Icarus"), run.stdout));
        }
        Err(_) => eprintln!("{name}: Icarus Verilog not found: Icarus simulation skipped"),
    }
    let v = verilator();
    let root = v.parent().unwrap().parent().unwrap();
    let obj = dir.join("obj_dir");
    let out = Command::new(&v)
        .env("VERILATOR_ROOT", root)
        // No precompiled header: its build races (as in the cosimulation models).
        .args([
            "--binary",
            "-j",
            "2",
            "-Wno-fatal",
            "-CFLAGS",
            "-std=c++20 -fcoroutines",
            "-MAKEFLAGS",
            "CFG_CXXFLAGS_PCH_I=-include",
        ])
        .args(["--top-module", "tb", "-Mdir"])
        .arg(&obj)
        .arg(&tbf)
        .args(files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{name}: verilator --binary:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(obj.join("Vtb")).output().unwrap();
    runs.push((format!("{name} in Verilator"), run.stdout));
    // The object directory holds ~100 MB of precompiled headers: keep the
    // disk of a CI machine for what the next test needs.
    let _ = std::fs::remove_dir_all(&obj);
    runs
}
