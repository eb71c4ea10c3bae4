//! `csi2sec`: the command line of the csi2sec kit.
//!
//! Exit codes: 0 success (every verdict ok or unprotected), 1 a verdict
//! that is not, or a failed known-answer case, 2 a usage, context or I/O
//! error.

use clap::{Parser, Subcommand};
use csi2sec_hdl::config::{Arch, BlockKind, EngineConfig};
use csi2sec_hdl::link_config::{LinkConfig, Protocol, Suites};
use csi2sec_hdl::regs::Side;
use csi2sec_hdl::selftest::Board;
use csi2sec_hdl::sub_bytes::SboxForm;
use csi2sec_sim::context::Context;
use csi2sec_sim::frames::{self, FrameSpec, PixelFormat};
use csi2sec_sim::kat::{self, Tally};
use csi2sec_sim::rx::{RxReport, Verdict};
use csi2sec_testbench::drive::Stalls;
use csi2sec_testbench::engines::RtlKat;
use std::path::{Path, PathBuf};

mod fpga_report;
mod ip;
mod synth;
mod timing_paths;
mod wave;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "csi2sec",
    version,
    about = "csi2sec/1 CSI-2 security: golden model, vector runners and RTL generation"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// TX: protect a raw CSI-2 packet stream (spec §8).
    Protect {
        /// Security context (JSON, spec §8).
        #[arg(long)]
        context: PathBuf,
        /// Raw CSI-2 packet stream in.
        input: PathBuf,
        /// Protected stream out.
        output: PathBuf,
    },
    /// RX: verify, decrypt and strip; one line per frame.
    Verify {
        #[arg(long)]
        context: PathBuf,
        input: PathBuf,
        output: PathBuf,
        /// Write every verdict and counter as JSON.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Make a synthetic sensor stream.
    Frames {
        #[arg(long)]
        width: usize,
        #[arg(long)]
        height: usize,
        /// raw8, raw10, raw12, yuv422 or rgb888.
        #[arg(long)]
        format: String,
        #[arg(long)]
        frames: usize,
        /// Stream number (VC + 4·VCX).
        #[arg(long, default_value_t = 0)]
        stream: u8,
        /// Embedded-data lines above and below the image: TOP,BOTTOM.
        #[arg(long, default_value = "2,2")]
        embedded: String,
        /// Shifts the test pattern.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Streams without the VC extension (0..3).
        #[arg(long)]
        no_vcx: bool,
        output: PathBuf,
    },
    /// Run NIST CAVP (.rsp) and Wycheproof (.json) known-answer files.
    Kat {
        /// Run through the RTL engines in Verilator cosimulation (GCM files
        /// through the GCM engine, CMAC files through the CMAC engine).
        #[arg(long)]
        rtl: bool,
        /// With --rtl: AES architecture: iterative, pipelined (GCM files; CMAC
        /// files run on the iterative engine) or serial (CMAC files; GCM
        /// files run on the iterative engine).
        #[arg(long, default_value = "iterative")]
        arch: String,
        /// With --rtl: S-box form (rom, logic, bram).
        #[arg(long, default_value = "rom")]
        sbox: String,
        /// With --rtl --arch pipelined: AES register stages per round of
        /// the GCM engine (1, 2, or 3 with rom S-boxes).
        #[arg(long, default_value_t = 1)]
        stages: usize,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Figures of the engines, measured in cosimulation.
    Report {
        /// engines (cosimulated figures; --synth: synthesis), fpga
        /// (every build/synth/*/*/report.json into doc/results.md and
        /// doc/results.svg), or timing (the late registers of a nextpnr
        /// report written with --detailed-timing-report: FILE).
        what: String,
        /// With timing: nextpnr's JSON report (e.g.
        /// build/synth/ecp5-85f/tx_sep_gmac128_w16_pipelined_rom/pnr.json).
        file: Option<PathBuf>,
        /// With timing: the clock the endpoints are measured against.
        #[arg(long, default_value_t = 150.0)]
        freq: f64,
        /// Synthesise instead (Yosys LUT/FF/BRAM on ECP5, iCE40 and
        /// Xilinx 7; nextpnr Fmax on LFE5U-85F), results cached in
        /// build/synth/ (--fresh runs the tools again).
        #[arg(long)]
        synth: bool,
        /// With --synth: run the tools even where a report.json exists.
        #[arg(long)]
        fresh: bool,
    },
    /// Synthesise one configuration for one target; writes
    /// build/synth/<target>/<name>/report.json.
    Synth {
        /// ecp5-85f, ecp5-25f, ice40-up5k, ice40-hx8k or xc7a35t.
        #[arg(long, default_value = "ecp5-85f")]
        target: String,
        /// A named configuration: tx (the default TX), rx (the default
        /// RX), or a name from `generate` (e.g. gcm128_pipelined_rom,
        /// tx_sep_gmac128_w16_iterative_bram). Default: tx.
        #[arg(long, conflicts_with = "block")]
        config: Option<String>,
        /// An engine instead (with --key-bits, --arch, --stages, --sbox).
        #[arg(long)]
        block: Option<String>,
        #[arg(long, default_value_t = 128)]
        key_bits: usize,
        #[arg(long, default_value = "iterative")]
        arch: String,
        #[arg(long, default_value_t = 1)]
        stages: usize,
        #[arg(long, default_value = "rom")]
        sbox: String,
        /// nextpnr target clock, MHz.
        #[arg(long, default_value_t = 150.0)]
        freq: f64,
        /// Root of the results.
        #[arg(long, default_value = "build/synth")]
        out: PathBuf,
        /// Synthesis only (no nextpnr).
        #[arg(long)]
        no_pnr: bool,
        /// Place and route once per seed 1..=N and keep the best (each
        /// seed's Fmax is in the report).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=16))]
        seeds: u32,
        /// nextpnr's timing-driven rip-up (`--tmg-ripup`): for designs
        /// near `--freq` (the pipelined engines: +15-20%); far below it,
        /// router2 reroutes for up to 1,500 iterations. A seed on which
        /// nextpnr fails with it runs again without it.
        #[arg(long)]
        tmg_ripup: bool,
        /// nextpnr's placer: heap (analytic, with a heavier timing weight
        /// on ECP5) or static (electrostatic).
        #[arg(long, default_value = "heap")]
        placer: String,
        /// ECP5 speed grade: 6 (the default, the ULX3S's part), 7 or 8.
        #[arg(long)]
        speed: Option<u8>,
    },
    /// Draw chosen signals of a VCD (`cosim --vcd`) as a cycle-by-cycle
    /// timing diagram (SVG): a column per rising edge of the clock, each
    /// signal as that edge samples it.
    Wave {
        /// The VCD.
        #[arg(long)]
        vcd: PathBuf,
        /// Signals, comma-separated (names as in the VCD, found from the
        /// top scope down; or a dotted path).
        #[arg(long, value_delimiter = ',', required = true)]
        signals: Vec<String>,
        /// The clock.
        #[arg(long, default_value = "clock")]
        clock: String,
        /// First rising edge drawn (0: the first in the file).
        #[arg(long, default_value_t = 0)]
        from: u64,
        /// Edges drawn.
        #[arg(long, default_value_t = 120)]
        cycles: u64,
        /// Title line.
        #[arg(long, default_value = "")]
        title: String,
        /// Also print the samples as text (a line per signal).
        #[arg(long)]
        text: bool,
        /// The SVG.
        output: PathBuf,
    },
    /// Pack a bitstream of a board's self-test (synthesis, place and
    /// route with the board's constraints, icepack or ecppack).
    Bitstream {
        /// icebreaker, ulx3s or orangecrab.
        #[arg(long)]
        board: String,
        /// Root of the results (the bitstream is in
        /// <out>/<target>/cmac-selftest/).
        #[arg(long, default_value = "build/synth")]
        out: PathBuf,
    },
    /// Stream a raw CSI-2 packet stream through the RTL TX in Verilator
    /// cosimulation (the configuration that covers the context is built
    /// and cached under target/), programmed through its register port as
    /// firmware would. Exit codes as protect.
    Cosim {
        #[arg(long)]
        context: PathBuf,
        /// Through the RTL RX instead (IN is then a protected stream).
        #[arg(long)]
        rx: bool,
        /// Drop tvalid and tready at random with this probability (0..1).
        #[arg(long, default_value_t = 0.0)]
        stall: f64,
        /// Write a waveform (VCD, for GTKWave) of the run.
        #[arg(long)]
        vcd: Option<PathBuf>,
        /// AES architecture of the RTL.
        #[arg(long, default_value = "pipelined")]
        arch: String,
        /// Stream width of the RTL in bytes (4, 8 or 16; 1: the
        /// byte-serial TX or RX, on the column-serial core whatever --arch).
        #[arg(long, default_value_t = 16)]
        width: usize,
        /// S-box form of the RTL: rom, logic or bram.
        #[arg(long, default_value = "rom")]
        sbox: String,
        input: PathBuf,
        output: PathBuf,
    },
    /// Emit Verilog IP for one engine or TX configuration.
    Generate {
        /// aes, ctr, ghash, gmac, gcm, cmac, tx, rx, or selftest (a
        /// board's self-test top, with --board).
        #[arg(long)]
        block: String,
        /// selftest: icebreaker, ulx3s, orangecrab or arty.
        #[arg(long)]
        board: Option<String>,
        /// 128 or 256.
        #[arg(long, default_value_t = 128)]
        key_bits: usize,
        /// iterative, pipelined or serial (engines aes, ctr, cmac; default:
        /// iterative for engines, pipelined for the TX).
        #[arg(long)]
        arch: Option<String>,
        /// TX: sep or fsed.
        #[arg(long, default_value = "sep")]
        protocol: String,
        /// TX and RX: stream width in bytes (4, 8 or 16; 1: byte-serial,
        /// with --suites cmac --arch serial --dt-scopes 0).
        #[arg(long, default_value_t = 16)]
        width: usize,
        /// TX: streams with a security context (1..16).
        #[arg(long, default_value_t = 1)]
        streams: usize,
        /// TX and RX, byte-serial: leave SV-4 windows out (a frame with an
        /// SV-4 block is a configuration error; the window compares are not
        /// built).
        #[arg(long)]
        no_window: bool,
        /// TX and RX: the most data-type scopes per frame (data-type tag
        /// mode; 1..8).
        #[arg(long, default_value_t = 4)]
        dt_scopes: usize,
        /// TX: gmac, cmac or both.
        #[arg(long, default_value = "gmac")]
        suites: String,
        /// Pipelined: register stages per AES round (1 or 2; engines with
        /// `rom` S-boxes: 3).
        #[arg(long, default_value_t = 1)]
        stages: usize,
        /// rom, logic or bram.
        #[arg(long, default_value = "rom")]
        sbox: String,
        /// Module prefix: the top is csi2sec_<NAME> (default <block><bits>_<arch>_<sbox>).
        #[arg(long)]
        name: Option<String>,
        /// Output directory (created).
        #[arg(long)]
        out: PathBuf,
    },
}

/// A failure that ends the run with exit code 2.
struct Fail(String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Fail {
        Fail(e.to_string())
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Fail> {
    std::fs::read(path).map_err(|e| Fail(format!("{}: {e}", path.display())))
}

fn load_context(path: &Path) -> Result<Context, Fail> {
    let text = String::from_utf8(read(path)?)
        .map_err(|_| Fail(format!("{}: not UTF-8 text", path.display())))?;
    Context::from_json(&text).map_err(|e| Fail(format!("{}: {e}", path.display())))
}

/// Write through a temporary file in the same folder and rename, so a
/// failed run never leaves a partial or stale output.
fn write_atomic(path: &Path, data: &[u8]) -> Result<(), Fail> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| Fail(format!("{}: not a file name", path.display())))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, data).map_err(|e| Fail(format!("{}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Fail(format!("{}: {e}", path.display()))
    })
}

fn rate(bytes: usize, secs: f64) -> String {
    format!(
        "{bytes} bytes in {:.1} ms ({:.0} MB/s)",
        secs * 1e3,
        bytes as f64 / secs.max(1e-9) / 1e6
    )
}

fn protect(context: &Path, input: &Path, output: &Path) -> Result<ExitCode, Fail> {
    let ctx = load_context(context)?;
    let data = read(input)?;
    let t = Instant::now();
    let (out, c) =
        csi2sec_sim::protect(&ctx, &data).map_err(|e| Fail(format!("{}: {e}", input.display())))?;
    let secs = t.elapsed().as_secs_f64();
    write_atomic(output, &out)?;
    eprintln!(
        "protect: {} frames, {} packets protected; dt_conflict {}, oversize {}, input ECC corrected {}, input CRC errors {}{}",
        c.frames_protected,
        c.packets_protected,
        c.dt_conflict,
        c.oversize,
        c.input_ecc_corrected,
        c.input_crc_error,
        if c.rekey_needed.is_empty() {
            String::new()
        } else {
            format!(", REKEY NEEDED on streams {:?}", c.rekey_needed)
        }
    );
    eprintln!("protect: {}", rate(data.len(), secs));
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &RxReport) {
    for f in &r.frames {
        let fc = f.frame_counter.map_or("-".to_string(), |c| c.to_string());
        let why = if f.reason.is_empty() {
            String::new()
        } else {
            format!(" ({})", f.reason)
        };
        println!(
            "stream {:2}  frame_counter {fc:>10}  frame {:5}  {}{why}",
            f.stream,
            f.frame_number,
            f.verdict.name()
        );
    }
    if !r.packets.is_empty() {
        let mut counts = std::collections::BTreeMap::new();
        for p in &r.packets {
            *counts.entry(p.verdict.name()).or_insert(0) += 1;
        }
        println!("message verdicts: {counts:?}");
        for p in r.packets.iter().filter(|p| !p.verdict.is_good()).take(20) {
            println!(
                "  stream {} message {} (byte {}): {} ({})",
                p.stream,
                p.message_counter,
                p.offset,
                p.verdict.name(),
                p.reason
            );
        }
    }
    if let Some(s) = &r.stopped {
        println!("stopped: {s}");
    }
}

fn verify(
    context: &Path,
    input: &Path,
    output: &Path,
    report: Option<&Path>,
) -> Result<ExitCode, Fail> {
    let ctx = load_context(context)?;
    let data = read(input)?;
    let t = Instant::now();
    let (out, r) = csi2sec_sim::verify(&ctx, &data);
    let secs = t.elapsed().as_secs_f64();
    write_atomic(output, &out)?;
    if let Some(p) = report {
        write_atomic(p, serde_json::to_string_pretty(&r)?.as_bytes())?;
    }
    print_report(&r);
    let bad = r.frames.iter().filter(|f| !f.verdict.is_good()).count();
    let ok = r.frames.iter().filter(|f| f.verdict == Verdict::Ok).count();
    eprintln!(
        "verify: {} frames, {ok} ok, {bad} not ok; {}",
        r.frames.len(),
        rate(data.len(), secs)
    );
    Ok(if r.all_good() && r.stopped.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn make_frames(spec: FrameSpec, vcx: bool, output: &Path) -> Result<ExitCode, Fail> {
    spec.validate(vcx).map_err(Fail)?;
    let mut out = Vec::new();
    frames::generate(&spec, &mut out);
    write_atomic(output, &out)?;
    eprintln!(
        "frames: {} frames of {}x{} on stream {}, {} bytes",
        spec.frames,
        spec.width,
        spec.height,
        spec.stream,
        out.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn parse_engine(
    block: &str,
    key_bits: usize,
    arch: &str,
    stages: usize,
    sbox: &str,
    name: Option<String>,
) -> Result<EngineConfig, Fail> {
    let block = BlockKind::parse(block).ok_or_else(|| {
        Fail(format!(
            "--block {block}: expected aes, ctr, ghash, gmac, gcm or cmac"
        ))
    })?;
    let arch = parse_arch(arch)?;
    let sbox = parse_sbox(sbox)?;
    let mut cfg = EngineConfig::new(block, key_bits, arch, sbox).with_stages(stages);
    if let Some(n) = name {
        cfg.name = n;
    }
    cfg.check().map_err(Fail)?;
    Ok(cfg)
}

/// Write an IP directory (engine or TX) and list what it holds.
fn generate(
    info: &ip::IpInfo,
    modules: Result<Vec<csi2sec_hdl::emit::Module>, String>,
    out: &Path,
) -> Result<ExitCode, Fail> {
    let modules = modules.map_err(Fail)?;
    let files =
        ip::write(info, &modules, out).map_err(|e| Fail(format!("{}: {e}", out.display())))?;
    println!(
        "generate: {} modules, top csi2sec_{}, in {}",
        modules.len(),
        info.name,
        out.display()
    );
    for f in files {
        println!("  {f}");
    }
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::too_many_arguments)]
fn parse_link(
    side: Side,
    protocol: &str,
    width: usize,
    (streams, dt_scopes, window): (usize, usize, bool),
    suites: &str,
    key_bits: usize,
    arch: &str,
    stages: usize,
    sbox: &str,
    name: Option<String>,
) -> Result<LinkConfig, Fail> {
    let mut cfg = LinkConfig::default_of(side);
    cfg.protocol = Protocol::parse(protocol)
        .ok_or_else(|| Fail(format!("--protocol {protocol}: expected sep or fsed")))?;
    cfg.suites = Suites::parse(suites)
        .ok_or_else(|| Fail(format!("--suites {suites}: expected gmac, cmac or both")))?;
    cfg.arch = parse_arch(arch)?;
    cfg.sbox = parse_sbox(sbox)?;
    cfg.width = width;
    cfg.streams = streams;
    cfg.dt_scopes = dt_scopes;
    cfg.window = window;
    cfg.key_bits = key_bits;
    cfg.stages = stages;
    cfg.name = name.unwrap_or_else(|| cfg.default_name());
    cfg.check().map_err(Fail)?;
    Ok(cfg)
}

/// A board's self-test top as an IP directory, with the board's pin and
/// clock file.
fn generate_selftest(board: Option<&str>, out: &Path) -> Result<ExitCode, Fail> {
    let name = board.ok_or_else(|| {
        Fail("--block selftest needs --board icebreaker|ulx3s|orangecrab|arty".into())
    })?;
    let b = Board::by_name(name).map_err(Fail)?;
    let o = csi2sec_hdl::selftest::Options { gap: b.board_gap() };
    let modules = csi2sec_hdl::selftest::emit_board(&b, o);
    generate(&ip::selftest_info(&b), modules, out)
}

/// The board self-test's configuration name (CMAC-128 TX and RX).
const SELFTEST: &str = "cmac-selftest";

/// The board of a synthesis target, for the self-test.
fn board_for(t: synth::Target) -> Result<Board, Fail> {
    csi2sec_hdl::selftest::BOARDS
        .into_iter()
        .find(|b| b.target == t.name())
        .ok_or_else(|| {
            Fail(format!(
                "--target {}: no board of this version has it (the self-test boards: icebreaker ice40-up5k, ulx3s ecp5-85f, orangecrab ecp5-25f, arty xc7a35t)",
                t.name()
            ))
        })
}

/// Synthesise a board's self-test (with `seeds` > 0: placed and routed
/// at the board's clock with its constraints, once per seed, and the best
/// packed into a bitstream).
fn synth_board(b: &Board, t: synth::Target, out: &Path, seeds: u32) -> Result<ExitCode, Fail> {
    let o = csi2sec_hdl::selftest::Options { gap: b.board_gap() };
    let modules = csi2sec_hdl::selftest::emit_board(b, o).map_err(Fail)?;
    let description = format!(
        "{} self-test: frame source, {} and {}, checker, UART ({})",
        b.name,
        csi2sec_hdl::selftest::link_config(Side::Tx).describe(),
        csi2sec_hdl::selftest::link_config(Side::Rx).name,
        b.constraints
    );
    eprintln!(
        "synth: the {} self-test ({SELFTEST}) for {} (Yosys, then nextpnr and the packer on Lattice parts; minutes)",
        b.name,
        t.name()
    );
    let pnr = synth::Pnr::new(b.core_hz as f64 / 1e6, seeds);
    let r = synth::synth_modules(SELFTEST, &description, &modules, t, out, pnr, Some(b))
        .map_err(Fail)?;
    println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
    if r["fits"] == false {
        let cells = match &r["logic_cells"] {
            c if c.is_object() => format!(
                ", {} logic cells of {} after packing",
                c["used"], c["capacity"]
            ),
            _ => String::new(),
        };
        return Err(Fail(format!(
            "the {} self-test does not fit the {}: {} LUT of {}, {} BRAM of {}{cells} (report in {})",
            b.name,
            t.name(),
            r["lut"],
            r["capacity"]["lut"],
            r["bram"],
            r["capacity"]["bram"],
            r["directory"].as_str().unwrap_or("")
        )));
    }
    // A bitstream that misses its clock is kept, but not passed as good.
    if r["timing_met"] == false {
        eprintln!(
            "csi2sec: the {} self-test misses timing: Fmax {:.1} MHz against the board's {} MHz; the bitstream in {} may not work on the board",
            b.name,
            r["fmax_mhz"].as_f64().unwrap_or(0.0),
            r["freq_mhz"],
            r["directory"].as_str().unwrap_or("")
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// A configuration by name, emitted: `tx` and `rx` (the defaults), or
/// any name `generate` gives an engine or a TX/RX configuration.
fn named_design(name: &str) -> Result<(String, String, Vec<csi2sec_hdl::emit::Module>), Fail> {
    let link = |c: LinkConfig| -> Result<_, Fail> {
        Ok((c.name.clone(), c.describe(), c.emit().map_err(Fail)?))
    };
    match name {
        "tx" => return link(LinkConfig::default_tx()),
        "rx" => return link(LinkConfig::default_rx()),
        SELFTEST => {
            return Err(Fail(format!(
                "--config {SELFTEST}: a board design; `csi2sec synth --config {SELFTEST} --target` with a board's target"
            )));
        }
        _ => {}
    }
    for side in [Side::Tx, Side::Rx] {
        if let Some(c) = LinkConfig::all(side).into_iter().find(|c| c.name == name) {
            return link(c);
        }
    }
    if let Some(c) = EngineConfig::all().into_iter().find(|c| c.name == name) {
        return Ok((c.name.clone(), c.describe(), c.emit().map_err(Fail)?));
    }
    Err(Fail(format!(
        "--config {name}: expected tx, rx, or a configuration name as `generate` writes it (e.g. gcm128_pipelined_rom, tx_sep_gmac128_w16_iterative_bram)"
    )))
}

/// `csi2sec cosim`: the RTL TX (or, with `--rx`, the RTL RX) on a file.
fn cosim(
    context: &Path,
    rx: bool,
    stall: f64,
    vcd: Option<&Path>,
    (arch, width, sbox): (&str, usize, &str),
    input: &Path,
    output: &Path,
) -> Result<ExitCode, Fail> {
    use csi2sec_testbench::link;
    if !(0.0..1.0).contains(&stall) {
        return Err(Fail(format!(
            "--stall {stall}: expected a probability in [0, 1)"
        )));
    }
    let arch = parse_arch(arch)?;
    let side = if rx { Side::Rx } else { Side::Tx };
    let ctx = load_context(context)?;
    let data = read(input)?;
    let mut cfg = link::config_at(&ctx, side, arch, width).map_err(Fail)?;
    cfg.sbox = parse_sbox(sbox)?;
    cfg.name = cfg.default_name();
    cfg.check().map_err(Fail)?;
    eprintln!(
        "cosim: building {} (Verilator; cached under target/cosim/)",
        cfg.name
    );
    let built = link::build_link_with(&cfg, vcd.is_some()).map_err(|e| Fail(e.to_string()))?;
    let stalls = if stall > 0.0 {
        Stalls::Percent((stall * 100.0).round() as u8)
    } else {
        Stalls::None
    };
    let t = Instant::now();
    let run = link::run_link(
        &built,
        side,
        &ctx,
        &data,
        link::RunOptions {
            vcd,
            ..link::RunOptions::new(stalls, 1)
        },
    )
    .map_err(Fail)?;
    let secs = t.elapsed().as_secs_f64();
    write_atomic(output, &run.output)?;
    let c = |n: &str| {
        run.counters
            .iter()
            .find(|(k, _)| k == n)
            .map_or(0, |(_, v)| *v)
    };
    let mut good = true;
    if rx {
        let (frames, packets) = run.verdicts();
        for (i, v) in frames.iter().enumerate() {
            println!("frame {i}: {}", v.name());
        }
        let bad_packets = packets.iter().filter(|v| !v.is_good()).count();
        if !packets.is_empty() {
            println!("packets: {} verdicts, {bad_packets} not ok", packets.len());
        }
        good = frames.iter().all(|v| v.is_good()) && bad_packets == 0;
        eprintln!(
            "cosim: RTL RX {}: {} frames, {} ok; control outside a frame {}, released as received {}, input ECC corrected {}",
            cfg.name,
            frames.len(),
            c("frames_ok"),
            c("control_outside_frame"),
            c("released_as_received"),
            c("input_ecc_corrected"),
        );
    } else {
        eprintln!(
            "cosim: RTL TX {}: {} frames, {} packets protected; dt_conflict {}, oversize {}, input ECC corrected {}, input CRC errors {}{}",
            cfg.name,
            c("frames_protected"),
            c("packets_protected"),
            c("dt_conflict"),
            c("oversize"),
            c("input_ecc_corrected"),
            c("input_crc_error"),
            if run.status & 4 != 0 {
                ", REKEY NEEDED"
            } else {
                ""
            }
        );
    }
    eprintln!(
        "cosim: {} cycles, {:.3} input beats/cycle, {:.2} output bytes/cycle, {:.0} k cycles/s simulated",
        run.cycles,
        run.in_beats as f64 / run.cycles.max(1) as f64,
        run.output.len() as f64 / run.cycles.max(1) as f64,
        run.cycles as f64 / secs / 1e3
    );
    // First-byte latency: the FS (a header passing), the first long
    // packet (wrapped or unwrapped).
    // The first waits for the key schedule and H of the first frame.
    let long: Vec<usize> = link::packets(&data, ctx.vcx)
        .iter()
        .enumerate()
        .filter(|(_, p)| p.len() > 4)
        .map(|(k, _)| k)
        .take(2)
        .collect();
    // FSED: the TX's FSED-Header after the FS shifts the output by one.
    let shift = usize::from(!rx && ctx.protocol == csi2sec_sim::context::Protocol::Fsed);
    let lat = |i: usize| long.get(i).and_then(|&k| run.latency_to(k, k + shift));
    if let (Some(fs), Some(l0), Some(l1)) = (run.latency(0), lat(0), lat(1)) {
        let why = if rx {
            ""
        } else {
            " (the TX's first waits for its key schedule and H or L)"
        };
        eprintln!(
            "cosim: first-byte latency (a packet's first beat in to its first beat out): FS {fs} cycles; long packets: first {l0}, second {l1} cycles{why}"
        );
    }
    if let Some(p) = vcd {
        eprintln!("cosim: waveform in {} (open it with gtkwave)", p.display());
    }
    Ok(if good {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The configurations `report engines --synth` synthesises, and where;
/// the last flag: place and route (Lattice targets).
fn synth_matrix() -> Vec<(EngineConfig, Vec<synth::Target>, bool)> {
    use synth::Target::*;
    let c = |b, a, s| EngineConfig::new(b, 128, a, s);
    vec![
        (
            c(BlockKind::Cmac, Arch::Iterative, SboxForm::Bram),
            vec![Ice40Up5k, Ecp5_85f],
            true,
        ),
        (
            c(BlockKind::Aes, Arch::Iterative, SboxForm::Bram),
            vec![Ice40Up5k, Ecp5_85f],
            true,
        ),
        (
            c(BlockKind::Aes, Arch::Iterative, SboxForm::Rom),
            vec![Ecp5_85f, Xc7a35t],
            true,
        ),
        // GHASH alone (the free-running ring of P = 6 slots, Karatsuba
        // multiplier with registered partial products).
        (
            c(BlockKind::Ghash, Arch::Pipelined, SboxForm::Rom),
            vec![Ecp5_85f],
            true,
        ),
        // The iterative GCM routes since the Karatsuba multiplier.
        (
            c(BlockKind::Gcm, Arch::Iterative, SboxForm::Bram),
            vec![Ecp5_85f],
            true,
        ),
        (
            c(BlockKind::Aes, Arch::Pipelined, SboxForm::Bram).with_stages(2),
            vec![Ecp5_85f],
            true,
        ),
        // The pipelined AES and GCM with `rom` S-boxes: the 150 MHz
        // configuration (block RAM spreads the rounds over the device).
        (
            c(BlockKind::Aes, Arch::Pipelined, SboxForm::Rom).with_stages(2),
            vec![Ecp5_85f],
            true,
        ),
        (
            c(BlockKind::Gcm, Arch::Pipelined, SboxForm::Rom).with_stages(2),
            vec![Ecp5_85f],
            true,
        ),
        // Three stages per round: the S-box lookup split across two
        // registers.
        (
            c(BlockKind::Aes, Arch::Pipelined, SboxForm::Rom).with_stages(3),
            vec![Ecp5_85f],
            true,
        ),
        (
            c(BlockKind::Gcm, Arch::Pipelined, SboxForm::Rom).with_stages(3),
            vec![Ecp5_85f],
            true,
        ),
        // The column-serial AES and CMAC: the smallest, for the UP5K.
        (
            c(BlockKind::Cmac, Arch::Serial, SboxForm::Bram),
            vec![Ice40Up5k, Ecp5_85f],
            true,
        ),
        (
            c(BlockKind::Aes, Arch::Serial, SboxForm::Bram),
            vec![Ice40Up5k],
            true,
        ),
        // The pipelined GCM with `bram` S-boxes (false): router2 had 14,556
        // overused wires after 50 minutes (2026-11-22); see the README.
        (
            c(BlockKind::Gcm, Arch::Pipelined, SboxForm::Bram).with_stages(2),
            vec![Ecp5_85f],
            false,
        ),
    ]
}

fn report_synth(fresh: bool) -> Result<ExitCode, Fail> {
    let root = PathBuf::from("build/synth");
    let mut rows = Vec::new();
    for (cfg, targets, pnr) in synth_matrix() {
        for t in targets {
            let cached = root.join(t.name()).join(&cfg.name).join("report.json");
            let r: serde_json::Value = match std::fs::read_to_string(&cached)
                .ok()
                .and_then(|s| serde_json::from_str(&s).ok())
            {
                Some(r) if !fresh => r,
                _ => {
                    eprintln!(
                        "report: synthesising {} for {} (minutes)",
                        cfg.name,
                        t.name()
                    );
                    let p = synth::Pnr::new(150.0, u32::from(pnr));
                    synth::synth(&cfg, t, &root, p).map_err(Fail)?
                }
            };
            rows.push(r);
        }
    }
    println!("| configuration | target | LUT | FF | BRAM | Fmax (MHz) | fits | measured |");
    println!("|---|---|---:|---:|---:|---:|---|---|");
    for r in &rows {
        let fmax = r["fmax_mhz"]
            .as_f64()
            .map(|f| format!("{f:.1}"))
            .unwrap_or_else(|| "—".into());
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r["config"].as_str().unwrap_or("?"),
            r["target"].as_str().unwrap_or("?"),
            r["lut"],
            r["ff"],
            r["bram"],
            fmax,
            if r["fits"].as_bool() == Some(true) {
                "yes"
            } else {
                "no"
            },
            r["date"].as_str().unwrap_or("?")
        );
    }
    println!(
        "\nLUT: LUT4 on ECP5 and iCE40 (ECP5 carry cells count 2), LUT1-6 on Xilinx 7; the IP alone, outside the measurement harness. Fmax: nextpnr on the whole harnessed design, the best of the seeds in its report.json. Commands to reproduce each row:"
    );
    for r in &rows {
        for c in r["commands"].as_array().into_iter().flatten() {
            println!(
                "  ({}) {}",
                r["directory"].as_str().unwrap_or("?"),
                c.as_str().unwrap_or("?")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `csi2sec report timing`: the registers whose inputs arrive after the
/// period of `freq` MHz in a nextpnr report, latest first (Markdown).
fn report_timing(file: &Path, freq: f64) -> Result<ExitCode, Fail> {
    if !(freq.is_finite() && freq > 0.0) {
        return Err(Fail(format!("--freq {freq}: expected a positive frequency in MHz")));
    }
    let rep: serde_json::Value = serde_json::from_slice(&read(file)?)
        .map_err(|e| Fail(format!("{}: {e}", file.display())))?;
    let late = timing_paths::late_endpoints(&rep, 1000.0 / freq).ok_or_else(|| {
        Fail(format!(
            "{}: no detailed net timings (run nextpnr with --detailed-timing-report)",
            file.display()
        ))
    })?;
    print!("{}", late.markdown(&file.display().to_string()));
    Ok(ExitCode::SUCCESS)
}

fn report(what: &str, synth: bool, fresh: bool) -> Result<ExitCode, Fail> {
    if what == "fpga" {
        let n = fpga_report::write(Path::new("build/synth"), Path::new("doc")).map_err(Fail)?;
        eprintln!("report: {n} results from build/synth/ in doc/results.md and doc/results.svg");
        return Ok(ExitCode::SUCCESS);
    }
    if what != "engines" {
        return Err(Fail(format!("report {what}: expected `engines`, `fpga` or `timing`")));
    }
    if synth {
        return report_synth(fresh);
    }
    let mut rows = Vec::new();
    for block in [
        BlockKind::Aes,
        BlockKind::Ctr,
        BlockKind::Ghash,
        BlockKind::Gcm,
        BlockKind::Cmac,
    ] {
        for kb in [128, 256] {
            if block == BlockKind::Ghash {
                // No AES inside: one row per architecture.
                if kb == 128 {
                    for arch in [Arch::Iterative, Arch::Pipelined] {
                        let cfg = EngineConfig::new(block, kb, arch, SboxForm::Rom);
                        eprintln!("report: {}", cfg.name);
                        rows.push(
                            csi2sec_testbench::report::measure(&cfg)
                                .map_err(|e| Fail(e.to_string()))?,
                        );
                    }
                }
                continue;
            }
            let mut cfgs: Vec<EngineConfig> = [SboxForm::Rom, SboxForm::Bram]
                .map(|s| EngineConfig::new(block, kb, Arch::Iterative, s))
                .into();
            if block == BlockKind::Ctr {
                cfgs.truncate(1);
            }
            if block != BlockKind::Cmac {
                cfgs.push(EngineConfig::new(block, kb, Arch::Pipelined, SboxForm::Rom));
                if block != BlockKind::Ctr {
                    for stages in [2, 3] {
                        cfgs.push(
                            EngineConfig::new(block, kb, Arch::Pipelined, SboxForm::Rom)
                                .with_stages(stages),
                        );
                    }
                }
            }
            if matches!(block, BlockKind::Aes | BlockKind::Ctr | BlockKind::Cmac) {
                cfgs.push(EngineConfig::new(block, kb, Arch::Serial, SboxForm::Bram));
            }
            for cfg in cfgs {
                eprintln!("report: {}", cfg.name);
                rows.push(
                    csi2sec_testbench::report::measure(&cfg).map_err(|e| Fail(e.to_string()))?,
                );
            }
        }
    }
    print!("{}", csi2sec_testbench::report::table(&rows));
    println!(
        "\nCycles measured in Verilator cosimulation, no stalls, 4 KiB messages (AES: 256 blocks); AES latency from the accepting edge to a valid result; CTR/GHASH/GCM/CMAC overhead: the cycles a message takes beyond its blocks (start, pipeline fill, E_K(J0), length block, GHASH tail, tag). Verilator cycles/s depend on the machine."
    );
    Ok(ExitCode::SUCCESS)
}

/// `--sbox`: rom, logic or bram.
fn parse_sbox(s: &str) -> Result<SboxForm, Fail> {
    SboxForm::parse(s).ok_or_else(|| Fail(format!("--sbox {s}: expected rom, logic or bram")))
}

/// `--arch`.
fn parse_arch(arch: &str) -> Result<Arch, Fail> {
    Arch::parse(arch).ok_or_else(|| {
        Fail(format!(
            "--arch {arch}: expected iterative, pipelined or serial"
        ))
    })
}

fn run_kat(
    rtl: bool,
    arch: &str,
    sbox: &str,
    stages: usize,
    files: &[PathBuf],
) -> Result<ExitCode, Fail> {
    let mut total = Tally::default();
    let mut rtl_engine = if rtl {
        // Checked here so a bad option fails before any build.
        // (The serial core serves CMAC only: its GCM files run on the
        // iterative GCM.)
        let block = if arch == "serial" { "cmac" } else { "gcm" };
        let cfg = parse_engine(block, 128, arch, stages, sbox, None)?;
        csi2sec_testbench::model::verilator().map_err(|e| Fail(format!("kat --rtl: {e}")))?;
        Some(RtlKat::new(cfg.arch, cfg.sbox, Stalls::None).with_stages(stages))
    } else {
        None
    };
    let t = Instant::now();
    for f in files {
        let text = String::from_utf8(read(f)?)
            .map_err(|_| Fail(format!("{}: not UTF-8 text", f.display())))?;
        let engine: &mut dyn kat::KatEngine = match rtl_engine.as_mut() {
            Some(e) => e,
            None => &mut kat::Model,
        };
        let tally = kat::run_file(&f.display().to_string(), &text, engine)?;
        println!("{}: {}", f.display(), tally.summary());
        for fl in &tally.failures {
            println!("  FAILED {fl}");
        }
        total.add(&tally);
    }
    if !total.skip_reasons.is_empty() {
        let why: Vec<String> = total
            .skip_reasons
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        println!("skipped: {}", why.join("; "));
    }
    println!(
        "total: {} passed, {} failed, {} skipped",
        total.passed, total.failed, total.skipped
    );
    match &rtl_engine {
        Some(e) => eprintln!(
            "kat: {:.2} s through the RTL ({arch}{} {sbox} S-boxes, Verilator), {} cycles simulated, builds included",
            t.elapsed().as_secs_f64(),
            if arch == "pipelined" {
                format!(" with {stages}-stage rounds,")
            } else {
                String::new()
            },
            e.cycles
        ),
        None => eprintln!("kat: {:.2} s (golden model)", t.elapsed().as_secs_f64()),
    }
    Ok(if total.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stale = match &cli.cmd {
        Cmd::Protect { output, .. }
        | Cmd::Verify { output, .. }
        | Cmd::Frames { output, .. }
        | Cmd::Cosim { output, .. }
        | Cmd::Wave { output, .. } => Some(output.clone()),
        Cmd::Kat { .. }
        | Cmd::Generate { .. }
        | Cmd::Report { .. }
        | Cmd::Synth { .. }
        | Cmd::Bitstream { .. } => None,
    };
    let r = match cli.cmd {
        Cmd::Protect {
            context,
            input,
            output,
        } => protect(&context, &input, &output),
        Cmd::Verify {
            context,
            input,
            output,
            report,
        } => verify(&context, &input, &output, report.as_deref()),
        Cmd::Frames {
            width,
            height,
            format,
            frames,
            stream,
            embedded,
            seed,
            no_vcx,
            output,
        } => (|| {
            let format = PixelFormat::from_name(&format).ok_or_else(|| {
                Fail(format!(
                    "--format {format}: expected raw8, raw10, raw12, yuv422 or rgb888"
                ))
            })?;
            let (top, bottom) = embedded
                .split_once(',')
                .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
                .ok_or_else(|| {
                    Fail(format!(
                        "--embedded {embedded}: expected TOP,BOTTOM (two counts)"
                    ))
                })?;
            let spec = FrameSpec {
                width,
                height,
                format,
                frames,
                stream,
                embedded_top: top,
                embedded_bottom: bottom,
                seed,
            };
            make_frames(spec, !no_vcx, &output)
        })(),
        Cmd::Kat {
            rtl,
            arch,
            sbox,
            stages,
            files,
        } => run_kat(rtl, &arch, &sbox, stages, &files),
        Cmd::Report {
            what,
            file,
            freq,
            synth,
            fresh,
        } => match (what.as_str(), file) {
            ("timing", Some(f)) => report_timing(&f, freq),
            ("timing", None) => Err(Fail(
                "report timing: give nextpnr's JSON report (written with --detailed-timing-report)".into(),
            )),
            (_, Some(f)) => Err(Fail(format!(
                "report {what}: takes no file ({})",
                f.display()
            ))),
            _ => report(&what, synth, fresh),
        },
        Cmd::Synth {
            target,
            config,
            block,
            key_bits,
            arch,
            stages,
            sbox,
            freq,
            out,
            no_pnr,
            seeds,
            tmg_ripup,
            placer,
            speed,
        } => (|| {
            let static_placer = match placer.as_str() {
                "heap" => false,
                "static" => true,
                p => return Err(Fail(format!("--placer {p}: expected heap or static"))),
            };
            let seeds = if no_pnr { 0 } else { seeds };
            let t = synth::Target::parse(&target).ok_or_else(|| {
                Fail(format!(
                    "--target {target}: expected one of {}",
                    synth::Target::names()
                ))
            })?;
            if let Some(g) = speed {
                if !t.name().starts_with("ecp5") || !(6..=8).contains(&g) {
                    return Err(Fail(format!(
                        "--speed {g}: an ECP5 speed grade (6, 7 or 8), for an ecp5 target"
                    )));
                }
            }
            if config.as_deref() == Some(SELFTEST) {
                let b = board_for(t)?;
                return synth_board(&b, t, &out, seeds);
            }
            let (name, description, modules) = match block {
                Some(block) => {
                    let cfg = parse_engine(&block, key_bits, &arch, stages, &sbox, None)?;
                    (cfg.name.clone(), cfg.describe(), cfg.emit().map_err(Fail)?)
                }
                None => named_design(config.as_deref().unwrap_or("tx"))?,
            };
            eprintln!(
                "synth: {name} for {} (Yosys, then nextpnr on Lattice parts; minutes)",
                t.name()
            );
            let pnr = synth::Pnr {
                tmg_ripup,
                static_placer,
                speed,
                ..synth::Pnr::new(freq, seeds)
            };
            let r = synth::synth_modules(&name, &description, &modules, t, &out, pnr, None)
                .map_err(Fail)?;
            println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
            Ok(ExitCode::SUCCESS)
        })(),
        Cmd::Wave {
            vcd,
            signals,
            clock,
            from,
            cycles,
            title,
            text,
            output,
        } => (|| {
            if cycles == 0 || cycles > 2000 {
                return Err(Fail(format!("--cycles {cycles}: expected 1 to 2000")));
            }
            let rows = wave::sample(&vcd, &clock, &signals, from, cycles).map_err(Fail)?;
            let n = rows[0].2.len();
            write_atomic(&output, wave::svg(&title, from, &rows).as_bytes())?;
            if text {
                print!("{}", wave::text(&rows));
            }
            eprintln!(
                "wave: {} signals, edges {from}..{} in {}",
                rows.len(),
                from + n as u64,
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        })(),
        Cmd::Bitstream { board, out } => (|| {
            let b = Board::by_name(&board).map_err(Fail)?;
            let t = synth::Target::parse(b.target).expect("board target");
            if t.name() == "xc7a35t" {
                return Err(Fail(format!(
                    "--board {board}: no open place and route for the XC7A35T is packaged; `csi2sec synth --target xc7a35t --config {SELFTEST}` writes the netlist for Vivado"
                )));
            }
            synth_board(&b, t, &out, 1)
        })(),
        Cmd::Cosim {
            context,
            rx,
            stall,
            vcd,
            arch,
            width,
            sbox,
            input,
            output,
        } => cosim(
            &context,
            rx,
            stall,
            vcd.as_deref(),
            (&arch, width, &sbox),
            &input,
            &output,
        ),
        Cmd::Generate {
            block,
            board,
            key_bits,
            arch,
            protocol,
            width,
            streams,
            no_window,
            dt_scopes,
            suites,
            stages,
            sbox,
            name,
            out,
        } => {
            if block == "selftest" {
                generate_selftest(board.as_deref(), &out)
            } else if let Some(b) = board {
                Err(Fail(format!(
                    "--board {b}: only with --block selftest (the board self-test tops)"
                )))
            } else if block == "tx" || block == "rx" {
                let side = if block == "tx" { Side::Tx } else { Side::Rx };
                parse_link(
                    side,
                    &protocol,
                    width,
                    (streams, dt_scopes, !no_window),
                    &suites,
                    key_bits,
                    arch.as_deref().unwrap_or("pipelined"),
                    stages,
                    &sbox,
                    name,
                )
                .and_then(|cfg| generate(&ip::link_info(&cfg), cfg.emit(), &out))
            } else {
                parse_engine(
                    &block,
                    key_bits,
                    arch.as_deref().unwrap_or("iterative"),
                    stages,
                    &sbox,
                    name,
                )
                .and_then(|cfg| generate(&ip::engine_info(&cfg), cfg.emit(), &out))
            }
        }
    };
    match r {
        Ok(code) => code,
        Err(Fail(msg)) => {
            // A failed run leaves no output at all, not even an old one.
            if let Some(out) = stale {
                let _ = std::fs::remove_file(out);
            }
            eprintln!("csi2sec: error: {msg}");
            ExitCode::from(2)
        }
    }
}
