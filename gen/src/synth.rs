//! Synthesis and place-and-route of an engine configuration with the open
//! tools: Yosys (`synth_ecp5`, `synth_ice40`, `synth_xilinx -flatten`) for
//! LUT/FF/BRAM/DSP, nextpnr for Fmax on the Lattice parts. The IP sits in
//! a three-pin harness ([`csi2sec_hdl::synth_wrap`]) and keeps its
//! hierarchy, so its own cells are counted apart from the harness.
//!
//! A board self-test ([`csi2sec_hdl::selftest`]) is synthesised as it
//! goes on the board instead: its own top with the board's pins, placed
//! and routed with the board's constraints file at the board's clock, and
//! packed into a bitstream (`icepack`, `ecppack`).
//!
//! Results go to `build/synth/<target>/<config>/report.json` with the tool
//! logs and the exact commands, which run from that directory (the YoWASP
//! tools open only paths below the current directory).

use csi2sec_hdl::config::EngineConfig;
use csi2sec_hdl::ports::ports;
use csi2sec_hdl::selftest::Board;
use csi2sec_hdl::synth_wrap::{WRAPPER, fmax_wrapper};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A synthesis target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Ecp5_85f,
    Ecp5_25f,
    Ice40Up5k,
    Ice40Hx8k,
    Xc7a35t,
}

impl Target {
    pub const ALL: [Target; 5] = [
        Target::Ecp5_85f,
        Target::Ecp5_25f,
        Target::Ice40Up5k,
        Target::Ice40Hx8k,
        Target::Xc7a35t,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Ecp5_85f => "ecp5-85f",
            Target::Ecp5_25f => "ecp5-25f",
            Target::Ice40Up5k => "ice40-up5k",
            Target::Ice40Hx8k => "ice40-hx8k",
            Target::Xc7a35t => "xc7a35t",
        }
    }

    /// The target names, for messages.
    pub fn names() -> String {
        Target::ALL.map(Target::name).join(", ")
    }

    pub fn parse(s: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == s)
    }

    fn is_ice40(self) -> bool {
        matches!(self, Target::Ice40Up5k | Target::Ice40Hx8k)
    }

    fn synth_cmd(self) -> &'static str {
        match self {
            Target::Ecp5_85f | Target::Ecp5_25f => "synth_ecp5",
            Target::Ice40Up5k | Target::Ice40Hx8k => "synth_ice40",
            Target::Xc7a35t => "synth_xilinx -flatten -family xc7",
        }
    }

    /// nextpnr binary and its part options, for the Lattice targets.
    fn pnr(self) -> Option<(&'static str, &'static [&'static str])> {
        match self {
            // ULX3S: LFE5U-85F-6BG381C; OrangeCrab r0.2: LFE5U-25F-8MG285C.
            Target::Ecp5_85f => Some(("nextpnr-ecp5", &["--85k", "--package", "CABGA381"])),
            Target::Ecp5_25f => Some(("nextpnr-ecp5", &["--25k", "--package", "CSFBGA285"])),
            // iCEBreaker: iCE40UP5K-SG48; iCE40-HX8K breakout: CT256.
            Target::Ice40Up5k => Some(("nextpnr-ice40", &["--up5k", "--package", "sg48"])),
            Target::Ice40Hx8k => Some(("nextpnr-ice40", &["--hx8k", "--package", "ct256"])),
            Target::Xc7a35t => None,
        }
    }
}

/// A tool: the YoWASP build in the workspace `.venv/` (installed by `make
/// tools`), else one on PATH. `CSI2SEC_<NAME>` overrides it (the name in
/// capitals, `-` as `_`: `CSI2SEC_YOSYS=/usr/bin/yosys`, a native build
/// several times faster; `CSI2SEC_NEXTPNR_ECP5`, `CSI2SEC_ECPPACK`, ...).
fn tool(name: &str) -> Result<(PathBuf, String), String> {
    let var = format!("CSI2SEC_{}", name.to_uppercase().replace('-', "_"));
    if let Some(t) = std::env::var_os(&var) {
        let t = PathBuf::from(t);
        return Ok((t.clone(), t.display().to_string()));
    }
    let venv = csi2sec_testbench::model::workspace()
        .join(".venv/bin")
        .join(format!("yowasp-{name}"));
    if venv.exists() {
        return Ok((venv, format!("yowasp-{name}")));
    }
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .find_map(|d| {
            [format!("yowasp-{name}"), name.to_string()]
                .into_iter()
                .map(|n| d.join(n))
                .find(|p| p.exists())
        });
    found.map(|p| (p.clone(), p.file_name().unwrap_or_default().to_string_lossy().into_owned())).ok_or_else(|| {
        format!("{name} not found: `make tools` installs yowasp-{name} into .venv/ (pip install yowasp-{name})")
    })
}

fn run(dir: &Path, bin: &Path, args: &[String]) -> Result<(), String> {
    let out = Command::new(bin)
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| format!("running {}: {e}", bin.display()))?;
    if !out.status.success() {
        let tail: String = String::from_utf8_lossy(&out.stderr)
            .lines()
            .rev()
            .take(15)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        return Err(format!(
            "{} failed in {}:\n{tail}",
            bin.display(),
            dir.display()
        ));
    }
    Ok(())
}

/// Cell counts of module `top` in a Yosys log's last `stat` report.
fn cells(log: &str, top: &str) -> std::collections::BTreeMap<String, u64> {
    let mut out = std::collections::BTreeMap::new();
    let head = format!("=== {top} ===");
    let Some(at) = log.rfind(&head) else {
        return out;
    };
    for line in log[at + head.len()..].lines().skip(1) {
        let t = line.trim();
        if t.starts_with("===") || t.starts_with("design hierarchy") {
            break;
        }
        // "NAME COUNT" (older Yosys) or "COUNT NAME" (0.5x and later).
        let w: Vec<&str> = t.split_whitespace().collect();
        if let [a, b] = w[..] {
            match (a.parse::<u64>(), b.parse::<u64>()) {
                (Ok(n), Err(_)) if !b.starts_with('$') => {
                    out.insert(b.to_string(), n);
                }
                (Err(_), Ok(n)) if !a.starts_with('$') => {
                    out.insert(a.to_string(), n);
                }
                _ => {}
            }
        }
    }
    for k in ["wires", "ports", "cells", "memories", "processes"] {
        out.remove(k);
    }
    out
}

/// LUT, FF, BRAM and DSP counts of the target's cell library.
fn resources(t: Target, c: &std::collections::BTreeMap<String, u64>) -> (u64, u64, u64, u64) {
    let sum =
        |f: &dyn Fn(&str) -> bool| c.iter().filter(|(k, _)| f(k)).map(|(_, v)| v).sum::<u64>();
    match t {
        Target::Ecp5_85f | Target::Ecp5_25f => (
            sum(&|k| k == "LUT4")
                + 2 * sum(&|k| k == "CCU2C")
                + 4 * sum(&|k| k == "TRELLIS_DPR16X4"),
            sum(&|k| k == "TRELLIS_FF"),
            sum(&|k| k == "DP16KD"),
            sum(&|k| k.starts_with("MULT18X18")),
        ),
        Target::Ice40Up5k | Target::Ice40Hx8k => (
            sum(&|k| k == "SB_LUT4"),
            sum(&|k| k.starts_with("SB_DFF")),
            sum(&|k| k.starts_with("SB_RAM40") || k == "SB_SPRAM256KA"),
            sum(&|k| k == "SB_MAC16"),
        ),
        Target::Xc7a35t => (
            sum(&|k| k.starts_with("LUT"))
                + sum(&|k| k.starts_with("RAM") && !k.starts_with("RAMB")),
            sum(&|k| k.starts_with("FD")),
            sum(&|k| k.starts_with("RAMB18")) + 2 * sum(&|k| k.starts_with("RAMB36")),
            sum(&|k| k.starts_with("DSP48")),
        ),
    }
}

/// Logic cells available (fit check): ECP5-85F 83,640 LUT4; UP5K 5,280;
/// XC7A35T 20,800 LUT6.
fn capacity(t: Target) -> (u64, u64) {
    match t {
        Target::Ecp5_85f => (83_640, 208),
        Target::Ecp5_25f => (24_288, 56),
        Target::Ice40Up5k => (5_280, 30),
        Target::Ice40Hx8k => (7_680, 32),
        Target::Xc7a35t => (20_800, 100),
    }
}

/// Synthesise (and place and route, once per seed 1..=`seeds`; none
/// with 0) `cfg` for `t` in `root/<target>/<name>`; the report, with the
/// best seed's Fmax.
pub fn synth(cfg: &EngineConfig, t: Target, root: &Path, pnr: Pnr) -> Result<Value, String> {
    synth_modules(&cfg.name, &cfg.describe(), &cfg.emit()?, t, root, pnr, None)
}

/// How nextpnr runs.
#[derive(Clone, Copy, Debug)]
pub struct Pnr {
    /// Target clock, MHz.
    pub freq: f64,
    /// One run per seed 1..=`seeds` (0: no place and route).
    pub seeds: u32,
    /// `--tmg-ripup`: router2 rips up and reroutes the arcs of paths that
    /// fail `freq`. On the pipelined engines, whose worst paths were one
    /// LUT and up to 7 ns of detoured route, it took the GHASH from 124.1
    /// to 150.8 MHz and the AES-128 from 125.3 to 144.4 on the same
    /// netlists. But while paths fail router2 goes on rerouting them, up
    /// to 1,500 iterations (over an hour on the pipelined GCM at 150
    /// MHz), so it is for designs near `freq`. A seed on which nextpnr
    /// fails with it is placed and routed again without it.
    pub tmg_ripup: bool,
    /// nextpnr's `static` (electrostatic) placer instead of `heap`.
    pub static_placer: bool,
    /// ECP5 speed grade (6, 7 or 8; nextpnr's `--speed`); `None`: 6, the
    /// ULX3S's part.
    pub speed: Option<u8>,
}

impl Pnr {
    /// `freq` MHz, `seeds` seeds, the heap placer, no rip-up, speed grade 6.
    pub fn new(freq: f64, seeds: u32) -> Pnr {
        Pnr {
            freq,
            seeds,
            tmg_ripup: false,
            static_placer: false,
            speed: None,
        }
    }
}

/// As [`synth`], for any emitted design: `modules` (the top first), named
/// `name` and described by `description` in the report. With `board`, the
/// top is that board's (no harness): its constraints go to nextpnr, and a
/// design that places and routes is packed into a bitstream.
pub fn synth_modules(
    name: &str,
    description: &str,
    modules: &[csi2sec_hdl::emit::Module],
    t: Target,
    root: &Path,
    pnr: Pnr,
    board: Option<&Board>,
) -> Result<Value, String> {
    let Pnr { freq, seeds, .. } = pnr;
    let dir = root.join(t.name()).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("ip")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let top = modules[0].name.clone();
    let mut files = Vec::new();
    for m in modules {
        let f = format!("ip/{}.v", m.name);
        std::fs::write(dir.join(&f), &m.text).map_err(|e| e.to_string())?;
        files.push(f);
    }
    // The IP in the harness, its own cells counted; or the board's top.
    let script = match board {
        None => {
            std::fs::write(
                dir.join("wrap.v"),
                fmax_wrapper(&top, &ports(&modules[0].text)),
            )
            .map_err(|e| e.to_string())?;
            files.push("wrap.v".into());
            format!(
                "read_verilog -sv {}; hierarchy -top {WRAPPER}; setattr -mod -set keep_hierarchy 1 {top}; {} -top {WRAPPER} -json netlist.json; stat",
                files.join(" "),
                t.synth_cmd()
            )
        }
        // (On iCE40 the self-test maps without carry chains: at the
        // board's 12 MHz they buy nothing, and on the UP5K they took 320
        // logic cells, 240 carry-only and 80 to legalise the chains, for
        // 18 LUT4 saved. `-dff`: ABC maps with the flip-flops in view,
        // which YoWASP's Yosys 0.70 needs to fit the UP5K: 4,681 logic
        // cells where it made 5,282 without, 2026-12-07.)
        Some(_) => format!(
            "read_verilog -sv {}; hierarchy -top {top}; {}{} -top {top} -json netlist.json; stat",
            files.join(" "),
            t.synth_cmd(),
            if t.is_ice40() { " -nocarry -dff" } else { "" }
        ),
    };
    let (yosys, yname) = tool("yosys")?;
    let yargs = vec![
        "-q".to_string(),
        "-l".into(),
        "yosys.log".into(),
        "-p".into(),
        script.clone(),
    ];
    let mut commands = vec![format!("{yname} -q -l yosys.log -p '{script}'")];
    let t0 = std::time::Instant::now();
    run(&dir, &yosys, &yargs)?;
    let log = std::fs::read_to_string(dir.join("yosys.log")).map_err(|e| e.to_string())?;
    let c = cells(&log, &top);
    if c.is_empty() {
        return Err(format!(
            "{}: no cell statistics for {top} in yosys.log",
            dir.display()
        ));
    }
    let (lut, ff, bram, dsp) = resources(t, &c);
    let (cap_lut, cap_bram) = capacity(t);
    let mut fits = lut <= cap_lut && bram <= cap_bram;
    // iCE40: a logic cell holds one LUT4 and one flip-flop, and a
    // flip-flop that no LUT feeds, or a carry without its LUT, takes a
    // cell of its own, so LUT4s alone can fit where cells do not.
    // nextpnr's packer counts them (a second); a design over the part's
    // cells is not placed.
    let mut logic_cells = Value::Null;
    if let Some((tool_name, part)) = t
        .pnr()
        .filter(|(n, _)| *n == "nextpnr-ice40" && seeds > 0 && fits)
    {
        let (bin, pname) = tool(tool_name)?;
        let mut args: Vec<String> = part.iter().map(|s| s.to_string()).collect();
        args.extend(
            [
                "--json",
                "netlist.json",
                "--pack-only",
                "--quiet",
                "-l",
                "pack.log",
            ]
            .map(String::from),
        );
        commands.push(format!("{pname} {}", args.join(" ")));
        run(&dir, &bin, &args)?;
        let log = std::fs::read_to_string(dir.join("pack.log")).map_err(|e| e.to_string())?;
        if let Some((used, cap)) = packed_cells(&log) {
            logic_cells = json!({"used": used, "capacity": cap});
            fits &= used <= cap;
        }
    }
    let mut fmax = Value::Null;
    let mut bitstream = Value::Null;
    let mut late = Value::Null;
    // A design that cannot fit is not placed (nextpnr would stop, and the
    // report would be lost): its report says so.
    let placed = match (t.pnr(), seeds > 0, fits) {
        (None, _, _) => "no open place and route for this part",
        (_, false, _) => "not asked (--no-pnr)",
        (_, true, false) => "not attempted: the design does not fit the part",
        (_, true, true) => "nextpnr",
    };
    let mut seed_results = Vec::new();
    if let Some((tool_name, part)) = t.pnr().filter(|_| seeds > 0 && fits) {
        let (bin, pname) = tool(tool_name)?;
        let mut base: Vec<String> = part.iter().map(|s| s.to_string()).collect();
        let mut pack = None;
        if let Some(b) = board {
            // The board's pins; the placed design for the packer.
            let ext = Path::new(b.constraints)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("");
            let cons = format!("board.{ext}");
            let src = csi2sec_testbench::model::workspace().join(b.constraints);
            std::fs::copy(&src, dir.join(&cons)).map_err(|e| format!("{}: {e}", src.display()))?;
            let (flag, packer, image, placed_file) = match tool_name {
                "nextpnr-ice40" => ("--asc", "icepack", "design.bin", "design.asc"),
                _ => ("--textcfg", "ecppack", "design.bit", "design.config"),
            };
            base.extend([format!("--{ext}"), cons]);
            pack = Some((flag, packer, placed_file, image));
        }
        // router2: router1 did not converge on the pipelined GCM in 10 minutes.
        base.extend(
            [
                "--json",
                "netlist.json",
                "--freq",
                &format!("{freq}"),
                "--timing-allow-fail",
                "--quiet",
                "--router",
                "router2",
                // Every net's endpoints with their arrival times: the late
                // registers go to timing.md (timing_paths.rs).
                "--detailed-timing-report",
            ]
            .map(String::from),
        );
        if let Some(g) = pnr.speed {
            base.extend(["--speed".to_string(), g.to_string()]);
        }
        if pnr.static_placer {
            // The electrostatic placer: on the three-stage pipelined GCM
            // (2026-12-07, the same netlist) 109.5 MHz against the heap
            // placer's 97.6 and 102.0 (seeds 1 and 2).
            base.extend(["--placer", "static"].map(String::from));
        } else if tool_name == "nextpnr-ecp5" {
            // A heavier timing weight in the analytic placer (default 10
            // and criticality exponent 2): the control nets that reach a
            // whole pipeline are placed with it. Measured on the same
            // netlists: pipelined AES-128 99.9 → 110.9 MHz, pipelined
            // GHASH 91.9 → 134.6 MHz.
            base.extend(
                [
                    "--placer-heap-timingweight",
                    "40",
                    "--placer-heap-critexp",
                    "4",
                ]
                .map(String::from),
            );
        }
        // One run per seed (placement starts from the seed: on the
        // pipelined AES-128, seeds 1 and 2 gave 96.9 and 122.0 MHz); the
        // best is kept as pnr.json, pnr.log (and the bitstream).
        let mut best: Option<(u32, f64)> = None;
        for seed in 1..=seeds {
            let mut args = base.clone();
            let (rep, log) = (format!("pnr_s{seed}.json"), format!("pnr_s{seed}.log"));
            args.extend([
                "--report".into(),
                rep.clone(),
                "-l".into(),
                log,
                "--seed".into(),
                seed.to_string(),
            ]);
            if let Some((flag, _, placed_file, _)) = pack {
                args.extend([flag.to_string(), format!("s{seed}_{placed_file}")]);
            }
            let mut ripup = pnr.tmg_ripup;
            if ripup {
                args.push("--tmg-ripup".into());
            }
            commands.push(format!("{pname} {}", args.join(" ")));
            if let Err(e) = run(&dir, &bin, &args) {
                if !ripup {
                    return Err(e);
                }
                // The seed again without the timing-driven rip-up.
                eprintln!("synth: seed {seed}: nextpnr --tmg-ripup failed; again without it");
                args.retain(|a| a != "--tmg-ripup");
                ripup = false;
                commands.push(format!("{pname} {}", args.join(" ")));
                run(&dir, &bin, &args)?;
            }
            let rep: Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join(&rep)).map_err(|e| e.to_string())?,
            )
            .map_err(|e| format!("{rep}: {e}"))?;
            let f = rep["fmax"].as_object().and_then(|m| {
                m.values()
                    .filter_map(|v| v["achieved"].as_f64())
                    .reduce(f64::min)
            });
            seed_results.push(json!({
                "seed": seed,
                "fmax_mhz": f,
                "tmg_ripup": ripup,
                "placer": if pnr.static_placer { "static" } else { "heap" },
            }));
            if let Some(f) = f {
                if best.is_none_or(|(_, b)| f > b) {
                    best = Some((seed, f));
                }
            }
        }
        let keep = best.map(|(s, _)| s).unwrap_or(1);
        for (from, to) in [
            (format!("pnr_s{keep}.json"), "pnr.json"),
            (format!("pnr_s{keep}.log"), "pnr.log"),
        ] {
            std::fs::copy(dir.join(&from), dir.join(to)).map_err(|e| format!("{from}: {e}"))?;
        }
        fmax = best.map(|(_, f)| Value::from(f)).unwrap_or(Value::Null);
        // The kept seed's late registers, if it missed the clock.
        if best.is_some_and(|(_, f)| f < freq) {
            let rep: Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join("pnr.json")).map_err(|e| e.to_string())?,
            )
            .map_err(|e| format!("pnr.json: {e}"))?;
            if let Some(l) = crate::timing_paths::late_endpoints(&rep, 1000.0 / freq) {
                std::fs::write(dir.join("timing.md"), l.markdown(&name))
                    .map_err(|e| format!("timing.md: {e}"))?;
                late = l.to_json(12);
            }
        }
        if let Some((_, packer, placed_file, image)) = pack {
            let from = format!("s{keep}_{placed_file}");
            std::fs::rename(dir.join(&from), dir.join(placed_file))
                .map_err(|e| format!("{from}: {e}"))?;
            let (pk, pkname) = tool(packer)?;
            let pargs = vec![placed_file.to_string(), image.to_string()];
            commands.push(format!("{pkname} {placed_file} {image}"));
            run(&dir, &pk, &pargs)?;
            bitstream = Value::from(dir.join(image).display().to_string());
        }
    }
    let harness = match board {
        None => "IP inside a three-pin harness (inputs from a shift chain, outputs registered and XOR-reduced); counts are the IP's alone, Fmax is the whole design's".to_string(),
        Some(b) => format!("the {} board's self-test top with its pins ({}); counts are the whole design's", b.name, b.constraints),
    };
    let report = json!({
        "target": t.name(),
        "config": name,
        "description": description,
        "lut": lut,
        "ff": ff,
        "bram": bram,
        "dsp": dsp,
        "fmax_mhz": fmax,
        // Placed and routed: Fmax at or above the clock asked for.
        "timing_met": fmax.as_f64().map(|f| f >= freq),
        "freq_mhz": fmax.as_f64().map(|_| freq),
        // (ECP5: nextpnr's speed grade; 6 unless `--speed`.)
        "speed_grade": t.name().starts_with("ecp5").then(|| pnr.speed.unwrap_or(6)),
        "fits": fits,
        "logic_cells": logic_cells,
        "place_and_route": placed,
        "seeds": seed_results,
        // Timing missed: the registers whose inputs arrive late (all of
        // them in timing.md).
        "late": late,
        "capacity": {"lut": cap_lut, "bram": cap_bram},
        "cells": c,
        "harness": harness,
        "bitstream": bitstream,
        "tool_seconds": t0.elapsed().as_secs(),
        "date": crate::fpga_report::today(),
        "commands": commands,
        "directory": dir.display().to_string(),
    });
    std::fs::write(
        dir.join("report.json"),
        serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
    )
    .map_err(|e| e.to_string())?;
    Ok(report)
}

/// The logic cells nextpnr-ice40's packer used and the part's, from its
/// log (`ICESTORM_LC:  6357/  5280  120%`).
fn packed_cells(log: &str) -> Option<(u64, u64)> {
    let l = log.lines().find(|l| l.contains("ICESTORM_LC:"))?;
    let (used, cap) = l.split("ICESTORM_LC:").nth(1)?.split_once('/')?;
    let cap = cap.split_whitespace().next()?;
    Some((used.trim().parse().ok()?, cap.parse().ok()?))
}

#[cfg(test)]
mod packed_tests {
    #[test]
    fn packed_cells_reads_the_packer_log() {
        let log = "Info: Device utilisation:\nInfo: \t         ICESTORM_LC:    6357/   5280   120%\nInfo: \t        ICESTORM_RAM:      20/     30    66%\n";
        assert_eq!(super::packed_cells(log), Some((6357, 5280)));
        assert_eq!(super::packed_cells("Info: nothing\n"), None);
    }
}
