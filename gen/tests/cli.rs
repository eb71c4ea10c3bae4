//! The `csi2sec` command line as a user meets it: files in and out, exit
//! codes, one-line errors that name the field, atomic outputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_csi2sec"))
}

/// A fresh folder under target/ for one test.
fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into(),
        String::from_utf8_lossy(&stderr).into(),
    )
}

fn spec_dir() -> PathBuf {
    std::env::var("CSI2SEC_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec"))
}

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel)
}

/// `generate` with each of `cases`' arguments exits 2, its message naming
/// the word given.
fn generate_refuses(out: &Path, cases: &[(Vec<&str>, &str)]) {
    for (args, word) in cases {
        let (code, _, err) = run(bin().arg("generate").args(args).arg("--out").arg(out));
        assert!(code == 2 && err.contains(word), "{args:?}: {err}");
    }
}

#[test]
fn every_spec_example_through_files() {
    let d = dir("examples");
    let mut n = 0;
    for e in std::fs::read_dir(spec_dir().join("examples")).unwrap() {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(e.unwrap().path()).unwrap()).unwrap();
        let name = v["name"].as_str().unwrap();
        let ctx = d.join(format!("{name}.ctx.json"));
        std::fs::write(&ctx, v["config"].to_string()).unwrap();
        let input = d.join(format!("{name}.in"));
        std::fs::write(
            &input,
            hex::decode(v["input_hex"].as_str().unwrap()).unwrap(),
        )
        .unwrap();
        let wire = d.join(format!("{name}.wire"));
        let (code, _, err) = run(bin()
            .args(["protect", "--context"])
            .arg(&ctx)
            .arg(&input)
            .arg(&wire));
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(
            hex::encode(std::fs::read(&wire).unwrap()),
            v["output_hex"].as_str().unwrap(),
            "{name}"
        );
        let back = d.join(format!("{name}.back"));
        let report = d.join(format!("{name}.report.json"));
        let (code, out, _) = run(bin()
            .args(["verify", "--context"])
            .arg(&ctx)
            .arg(&wire)
            .arg(&back)
            .arg("--report")
            .arg(&report));
        // The exit code follows the verdicts of the report.
        let r: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        let frames = r["frames"].as_array().unwrap();
        assert!(!frames.is_empty(), "{name}");
        let good =
            |v: &serde_json::Value| matches!(v["verdict"].as_str(), Some("ok" | "unprotected"));
        let all_good = frames.iter().all(good) && r["packets"].as_array().unwrap().iter().all(good);
        assert_eq!(code, if all_good { 0 } else { 1 }, "{name}: {out}");
        assert_eq!(
            out.lines().filter(|l| l.starts_with("stream ")).count(),
            frames.len(),
            "{name}: one line per frame"
        );
        // The RX gives back the input (the one example with an input
        // error comes back with its corrected header).
        if name != "sep-gmac128-input-errors" {
            assert_eq!(
                std::fs::read(&back).unwrap(),
                std::fs::read(&input).unwrap(),
                "{name}"
            );
        }
        n += 1;
    }
    assert!(n >= 9);
}

const CTX: &str = r#"{"protocol": "sep", "streams": [{"stream": 0, "suite": "gmac-128",
  "keys": [{"key_id": 1, "key": "000102030405060708090a0b0c0d0e0f"}], "active_key_id": 1,
  "frames": [{"sv": [2, 1, 2]}]}]}"#;

/// A context with one edit applied.
fn bad_context(d: &Path, name: &str, edit: impl Fn(&mut serde_json::Value)) -> PathBuf {
    let mut v: serde_json::Value = serde_json::from_str(CTX).unwrap();
    edit(&mut v);
    let p = d.join(format!("{name}.json"));
    std::fs::write(&p, v.to_string()).unwrap();
    p
}

#[test]
fn bad_contexts_are_one_line_naming_the_field_exit_2() {
    let d = dir("bad-contexts");
    let input = d.join("in.bin");
    std::fs::write(&input, [0x00, 0x01, 0x00, 0x1A]).unwrap();
    let cases: Vec<(&str, Box<dyn Fn(&mut serde_json::Value)>, &str)> = vec![
        (
            "unknown-field",
            Box::new(|v| v["streams"][0]["colour"] = "red".into()),
            "colour",
        ),
        (
            "missing-key",
            Box::new(|v| {
                v["streams"][0].as_object_mut().unwrap().remove("keys");
            }),
            "streams[0].keys",
        ),
        (
            "sv1-cmac",
            Box::new(|v| {
                v["streams"][0]["suite"] = "cmac-128".into();
            }),
            "streams[0].frames[0].sv[1]",
        ),
        (
            "key-length",
            Box::new(|v| v["streams"][0]["keys"][0]["key"] = "0011".into()),
            "streams[0].keys[0].key",
        ),
        (
            "stride-0",
            Box::new(|v| v["streams"][0]["stride"] = 0.into()),
            "streams[0].stride",
        ),
        (
            "control-dt",
            Box::new(|v| v["control_dt"] = 0x10.into()),
            "control_dt",
        ),
    ];
    for (name, edit, field) in cases {
        let ctx = bad_context(&d, name, edit);
        for cmd in ["protect", "verify"] {
            let out = d.join(format!("{name}.{cmd}.out"));
            let (code, _, err) = run(bin()
                .arg(cmd)
                .arg("--context")
                .arg(&ctx)
                .arg(&input)
                .arg(&out));
            assert_eq!(code, 2, "{name}: {err}");
            assert_eq!(err.lines().count(), 1, "{name}: {err}");
            assert!(err.contains(field), "{name}: {err}");
            assert!(!err.contains("000102030405"), "a key leaked: {err}");
            assert!(!out.exists(), "{name}: output written");
        }
    }
}

#[test]
fn a_corrupt_stream_names_the_byte_and_leaves_no_output() {
    let d = dir("corrupt");
    let ctx = d.join("ctx.json");
    std::fs::write(&ctx, CTX).unwrap();
    // FS, then a long packet whose header has a 2-bit error, at byte 4.
    let mut s = vec![0x00, 0x01, 0x00, 0x1A];
    let mut h = csi2sec_sim::packet::Header::for_stream(0, 0x2B, 4).encode();
    h[0] ^= 0x03;
    s.extend(h);
    s.extend([1, 2, 3, 4, 0, 0]);
    let input = d.join("in.bin");
    std::fs::write(&input, &s).unwrap();
    let out = d.join("out.bin");
    std::fs::write(&out, b"stale from an earlier run").unwrap();
    let (code, _, err) = run(bin()
        .args(["protect", "--context"])
        .arg(&ctx)
        .arg(&input)
        .arg(&out));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("byte 4") && err.contains("ECC"), "{err}");
    assert!(!out.exists(), "a failed run left a stale output");
    // Truncated: the RX writes what it released and judges the open frame.
    let wire = d.join("wire.bin");
    std::fs::write(&input, [0x00, 0x01, 0x00, 0x1A, 0x2B, 0x10, 0x00]).unwrap();
    let (code, out_text, _) = run(bin()
        .args(["verify", "--context"])
        .arg(&ctx)
        .arg(&input)
        .arg(&wire));
    assert_eq!(code, 1);
    assert!(
        out_text.contains("format_error") && out_text.contains("byte 4"),
        "{out_text}"
    );
}

#[test]
fn a_tampered_stream_exits_1() {
    let d = dir("tampered");
    let ctx = d.join("ctx.json");
    std::fs::write(&ctx, CTX).unwrap();
    let input = d.join("in.bin");
    let (code, _, err) = run(bin()
        .args([
            "frames", "--width", "64", "--height", "8", "--format", "raw8", "--frames", "2",
        ])
        .arg(&input));
    assert_eq!(code, 0, "{err}");
    let wire = d.join("wire.bin");
    assert_eq!(
        run(bin()
            .args(["protect", "--context"])
            .arg(&ctx)
            .arg(&input)
            .arg(&wire))
        .0,
        0
    );
    let back = d.join("back.bin");
    let (code, out, _) = run(bin()
        .args(["verify", "--context"])
        .arg(&ctx)
        .arg(&wire)
        .arg(&back));
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.ends_with(" ok")).count(),
        2,
        "{out}"
    );
    assert_eq!(
        std::fs::read(&back).unwrap(),
        std::fs::read(&input).unwrap()
    );
    let mut w = std::fs::read(&wire).unwrap();
    let at = 4 + 4 + 12 + 3; // a byte of the first embedded line's payload
    w[at] ^= 0x10;
    std::fs::write(&wire, &w).unwrap();
    let (code, out, _) = run(bin()
        .args(["verify", "--context"])
        .arg(&ctx)
        .arg(&wire)
        .arg(&back));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("format_error"), "{out}"); // the CRC-16 no longer matches
}

#[test]
fn frames_checks_its_options() {
    let d = dir("frames");
    let out = d.join("f.bin");
    for (args, needle) in [
        (
            vec![
                "--width", "10", "--height", "2", "--format", "raw10", "--frames", "1",
            ],
            "--width",
        ),
        (
            vec![
                "--width", "8", "--height", "2", "--format", "raw9", "--frames", "1",
            ],
            "--format",
        ),
        (
            vec![
                "--width",
                "8",
                "--height",
                "2",
                "--format",
                "raw8",
                "--frames",
                "1",
                "--embedded",
                "x",
            ],
            "--embedded",
        ),
        (
            vec![
                "--width", "8", "--height", "2", "--format", "raw8", "--frames", "1", "--stream",
                "4", "--no-vcx",
            ],
            "--stream",
        ),
    ] {
        let (code, _, err) = run(bin().arg("frames").args(&args).arg(&out));
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(needle), "{err}");
    }
    let (code, _, _) = run(bin()
        .arg("frames")
        .args([
            "--width", "8", "--height", "2", "--format", "yuv422", "--frames", "3", "--stream", "9",
        ])
        .arg(&out));
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read(&out).unwrap().len(),
        3 * (8 + (2 + 2 + 2) * 22)
    );
}

#[test]
fn kat_reports_counts_and_fails_on_a_wrong_answer() {
    let files = [
        "vectors/nist/CMACVerAES-SP800-38B-examples.rsp",
        "vectors/wycheproof/aes_gmac_test.json",
    ];
    let (code, out, _) = run(bin().arg("kat").args(files.map(repo)));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.lines()
            .any(|l| l == "total: 154 passed, 0 failed, 276 skipped"),
        "{out}"
    );
    assert!(
        out.contains("skipped (") && out.contains("IV not 96 bits"),
        "{out}"
    );
    let d = dir("kat");
    let text = std::fs::read_to_string(repo(files[0])).unwrap().replacen(
        "Result = P\n",
        "Result = F\n",
        1,
    );
    let doctored = d.join("doctored.rsp");
    std::fs::write(&doctored, text).unwrap();
    let (code, out, _) = run(bin().arg("kat").arg(&doctored));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("1 failed"), "{out}");
    let (code, _, err) = run(bin().arg("kat").arg(repo("Cargo.toml")));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn kat_rtl_runs_the_same_files_through_the_engines() {
    let files = [
        "vectors/nist/CMACVerAES-SP800-38B-examples.rsp",
        "vectors/wycheproof/aes_gmac_test.json",
    ];
    let (code, out, err) = run(bin()
        .args(["kat", "--rtl", "--sbox", "bram"])
        .args(files.map(repo)));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.lines()
            .any(|l| l == "total: 154 passed, 0 failed, 276 skipped"),
        "{out}"
    );
    assert!(
        err.contains("through the RTL") && err.contains("cycles simulated"),
        "{err}"
    );
    // A wrong expected answer fails through the RTL as well.
    let d = dir("kat_rtl");
    let text = std::fs::read_to_string(repo(files[0])).unwrap().replacen(
        "Result = P\n",
        "Result = F\n",
        1,
    );
    let doctored = d.join("doctored.rsp");
    std::fs::write(&doctored, text).unwrap();
    let (code, out, _) = run(bin()
        .args(["kat", "--rtl", "--sbox", "bram"])
        .arg(&doctored));
    assert_eq!(code, 1, "{out}");
    let (code, _, err) = run(bin()
        .args(["kat", "--rtl", "--sbox", "flash"])
        .arg(repo(files[0])));
    assert!(code == 2 && err.contains("--sbox flash"), "{err}");
}

#[test]
fn generate_pipelined_ctr_and_ghash() {
    let d = dir("generate_pipelined");
    for args in [
        ["--block", "gcm", "--arch", "pipelined", "--stages", "2"],
        ["--block", "ctr", "--arch", "pipelined", "--stages", "1"],
        ["--block", "ghash", "--arch", "pipelined", "--stages", "1"],
    ] {
        let out = d.join(args[1]);
        let (code, _, err) = run(bin().arg("generate").args(args).arg("--out").arg(&out));
        assert_eq!(code, 0, "{args:?}: {err}");
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(m["parameters"]["arch"], "pipelined", "{args:?}");
        assert_eq!(m["figures_cycles"]["cycles_per_block"], 1, "{args:?}");
    }
}

#[test]
fn generate_writes_the_ip_directory() {
    let d = dir("generate");
    let out = d.join("ip");
    let (code, stdout, err) = run(bin()
        .args([
            "generate",
            "--block",
            "gcm",
            "--key-bits",
            "256",
            "--sbox",
            "logic",
            "--name",
            "my_gcm",
            "--out",
        ])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("top csi2sec_my_gcm"), "{stdout}");
    for f in [
        "csi2sec_my_gcm.v",
        "my_gcm.f",
        "my_gcm.core",
        "manifest.json",
        "waivers.vlt",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["top"], "csi2sec_my_gcm");
    assert_eq!(m["parameters"]["key_bits"], 256);
    assert_eq!(m["figures_cycles"]["cycles_per_block"], 15);
    let ports = m["ports"].as_array().unwrap();
    let port = |n: &str| {
        ports
            .iter()
            .find(|p| p["name"] == n)
            .unwrap_or_else(|| panic!("port {n}"))
    };
    assert_eq!(port("key")["width"], 256);
    assert_eq!(port("s_keep")["width"], 16);
    assert_eq!(port("tag_pass")["direction"], "output");
    // Every Verilog file is listed, named csi2sec_*, with the header; none is `top`.
    let list = std::fs::read_to_string(out.join("my_gcm.f")).unwrap();
    let files: Vec<&str> = list.lines().filter(|l| !l.starts_with("//")).collect();
    assert_eq!(files.len(), m["files"].as_array().unwrap().len());
    for f in &files {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(
            f.starts_with("csi2sec_my_gcm")
                && text.contains("do not edit")
                && text.contains("sbox=logic"),
            "{f}"
        );
        assert!(!text.contains('$') && !text.contains("module top"), "{f}");
    }
    // Refusals: exit 2 with the option named.
    generate_refuses(
        &d.join("x"),
        &[
            (vec!["--block", "sha"], "--block sha"),
            (
                vec!["--block", "aes", "--key-bits", "192"],
                "--key-bits 192",
            ),
            (vec!["--block", "aes", "--sbox", "x"], "--sbox x"),
            (vec!["--block", "aes", "--name", "a-b"], "--name"),
            (vec!["--block", "cmac", "--arch", "pipelined"], "CBC-MAC"),
            (vec!["--block", "aes", "--stages", "2"], "--stages 2"),
            (
                vec!["--block", "aes", "--arch", "pipelined", "--stages", "4"],
                "--stages 4",
            ),
            (
                vec![
                    "--block",
                    "gcm",
                    "--arch",
                    "pipelined",
                    "--stages",
                    "3",
                    "--sbox",
                    "bram",
                ],
                "--stages 3 --sbox bram",
            ),
            (
                vec!["--block", "tx", "--arch", "pipelined", "--stages", "3"],
                "--stages 3: for the engines",
            ),
            (
                vec!["--block", "gcm", "--arch", "serial"],
                "--block gcm --arch serial",
            ),
            (
                vec!["--block", "tx", "--arch", "serial"],
                "--arch serial --suites gmac",
            ),
            (
                vec!["--block", "aes", "--arch", "serial", "--stages", "2"],
                "--stages 2: only with --arch pipelined",
            ),
        ],
    );
}

#[test]
fn generate_tx_writes_the_register_map_and_refuses_what_it_lacks() {
    let d = dir("generate_tx");
    let out = d.join("ip");
    let (code, _, err) = run(bin()
        .args(["generate", "--block", "tx", "--arch", "iterative", "--out"])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["top"], "csi2sec_tx_sep_gmac128_w16_iterative_rom");
    assert_eq!(m["parameters"]["protocol"], "sep");
    let ports: Vec<&str> = m["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for p in [
        "s_axis_tdata",
        "m_axis_tready",
        "psel",
        "prdata",
        "rekey_needed",
    ] {
        assert!(ports.contains(&p), "port {p} missing from {ports:?}");
    }
    let md = std::fs::read_to_string(out.join("registers.md")).unwrap();
    assert!(md.contains("| 0x014 | NEXT_FRAME |"), "{md}");
    let h = std::fs::read_to_string(out.join("tx_sep_gmac128_w16_iterative_rom_regs.h")).unwrap();
    assert!(
        h.contains("#define CSI2SEC_TX_CONFIG_STREAM_SHIFT 8u"),
        "{h}"
    );
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("registers.json")).unwrap())
            .unwrap();
    assert_eq!(j["bus"], "APB3");
    for (args, why) in [
        (
            &["--width", "5"][..],
            "expected 1 (byte-serial), 4, 8 or 16",
        ),
        (
            &["--width", "1"][..],
            "--width 1: the byte-serial TX and RX take --suites cmac --arch serial --dt-scopes 0",
        ),
        (&["--streams", "17"][..], "expected 1 to 16"),
        (&["--dt-scopes", "9"][..], "(no data-type mode) to 8"),
        (&["--suites", "aes"][..], "expected gmac, cmac or both"),
    ] {
        let (code, _, err) = run(bin()
            .args(["generate", "--block", "tx"])
            .args(args)
            .arg("--out")
            .arg(d.join("no")));
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(why), "{args:?}: {err}");
    }
    // Width 4: the narrow top, its adapters and the core, in the file list
    // and the manifest.
    let (code, _, err) = run(bin()
        .args([
            "generate",
            "--block",
            "rx",
            "--width",
            "4",
            "--arch",
            "iterative",
        ])
        .arg("--out")
        .arg(d.join("w4")));
    assert_eq!(code, 0, "{err}");
    let f = std::fs::read_to_string(d.join("w4/rx_sep_gmac128_w4_iterative_rom.f")).unwrap();
    for m in [
        "csi2sec_rx_sep_gmac128_w4_iterative_rom.v",
        "_width_up.v",
        "_width_down.v",
        "_w4_iterative_rom_core.v",
    ] {
        assert!(f.lines().any(|l| l.ends_with(m)), "{m} not in {f}");
    }
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("w4/manifest.json")).unwrap())
            .unwrap();
    let width = |n: &str| {
        j["ports"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == n)
            .unwrap_or_else(|| panic!("port {n}"))["width"]
            .clone()
    };
    assert_eq!(
        (
            width("s_axis_tdata"),
            width("m_axis_tkeep"),
            width("m_axis_tuser")
        ),
        (32.into(), 4.into(), 8.into())
    );
    // FSED: both sides.
    let (code, _, err) = run(bin()
        .args([
            "generate",
            "--block",
            "tx",
            "--protocol",
            "fsed",
            "--arch",
            "iterative",
        ])
        .arg("--out")
        .arg(d.join("fsed")));
    assert_eq!(code, 0, "{err}");
    let top = std::fs::read_to_string(d.join("fsed/csi2sec_tx_fsed_gmac128_w16_iterative_rom.v"))
        .unwrap();
    assert!(top.contains("protocol=fsed") && top.contains("localparam FSED = 1'b1;"));
    let (code, _, err) = run(bin()
        .args([
            "generate",
            "--block",
            "rx",
            "--protocol",
            "fsed",
            "--arch",
            "iterative",
        ])
        .arg("--out")
        .arg(d.join("fsed-rx")));
    assert_eq!(code, 0, "{err}");
    assert!(
        d.join("fsed-rx/csi2sec_rx_fsed_gmac128_w16_iterative_rom.v")
            .exists()
    );
}

#[test]
fn generate_writes_a_board_self_test_with_its_constraints() {
    let d = dir("generate_selftest");
    for (board, file) in [
        ("icebreaker", "icebreaker.pcf"),
        ("ulx3s", "ulx3s.lpf"),
        ("orangecrab", "orangecrab.lpf"),
        ("arty", "arty-a7-35t.xdc"),
    ] {
        let out = d.join(board);
        let (code, _, err) = run(bin()
            .args(["generate", "--block", "selftest", "--board", board, "--out"])
            .arg(&out));
        assert_eq!(code, 0, "{board}: {err}");
        let top = format!("csi2sec_selftest_{board}");
        assert!(out.join(format!("{top}.v")).exists(), "{board}");
        let pins = std::fs::read_to_string(out.join(file)).unwrap();
        assert_eq!(
            pins,
            std::fs::read_to_string(repo(&format!("constraints/{file}"))).unwrap(),
            "{board}: the constraints as constraints/ holds them"
        );
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(m["top"], top.as_str());
        assert_eq!(m["parameters"]["board"], board);
    }
    generate_refuses(
        &d.join("refused"),
        &[
            (vec!["--block", "selftest"], "needs --board"),
            (
                vec!["--block", "selftest", "--board", "de10"],
                "--board de10",
            ),
            (
                vec!["--block", "tx", "--board", "ulx3s"],
                "only with --block selftest",
            ),
        ],
    );
}

#[test]
fn cosim_refuses_what_this_version_lacks() {
    let d = dir("cosim_refusals");
    let input = d.join("in.bin");
    std::fs::write(&input, [0u8, 1, 0, 0x1A]).unwrap();
    let dt = bad_context(&d, "two-key-sizes", |v| {
        let mut second = v["streams"][0].clone();
        second["stream"] = 1.into();
        second["suite"] = "gmac-256".into();
        second["keys"][0]["key"] =
            "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f".into();
        v["streams"].as_array_mut().unwrap().push(second);
    });
    let (code, _, err) = run(bin()
        .arg("cosim")
        .arg("--context")
        .arg(&dt)
        .arg(&input)
        .arg(d.join("o.bin")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("one AES key size"), "{err}");
    assert!(!d.join("o.bin").exists());
    let good = bad_context(&d, "good", |_| {});
    let (code, _, err) = run(bin()
        .args(["cosim", "--width", "5", "--context"])
        .arg(&good)
        .arg(&input)
        .arg(d.join("o.bin")));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("expected 1 (byte-serial), 4, 8 or 16"),
        "{err}"
    );
    assert!(!d.join("o.bin").exists());
}

#[test]
fn cosim_rx_gives_back_the_input_and_exits_1_on_a_tampered_stream() {
    let d = dir("cosim_rx");
    let ctx = repo("vectors/contexts/demo-sep-gmac128.json");
    let (input, wire, back) = (d.join("in.bin"), d.join("wire.bin"), d.join("back.bin"));
    let (code, _, err) = run(bin()
        .args([
            "frames", "--width", "64", "--height", "6", "--format", "raw10", "--frames", "2",
        ])
        .arg(&input));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(bin()
        .arg("protect")
        .arg("--context")
        .arg(&ctx)
        .arg(&input)
        .arg(&wire));
    assert_eq!(code, 0, "{err}");
    let vcd = d.join("rx.vcd");
    let (code, out, err) = run(bin()
        .arg("cosim")
        .arg("--rx")
        .arg("--vcd")
        .arg(&vcd)
        .arg("--context")
        .arg(&ctx)
        .arg(&wire)
        .arg(&back));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("frame 1: ok"), "{out}");
    let wave = std::fs::read_to_string(&vcd).expect("the waveform");
    assert!(
        wave.contains("$timescale") && wave.contains("m_axis_tuser"),
        "a VCD of the RX ports"
    );
    assert_eq!(
        std::fs::read(&back).unwrap(),
        std::fs::read(&input).unwrap()
    );
    // The first frame's tag packet, one tag byte changed: auth_fail, exit 1.
    let mut w = std::fs::read(&wire).unwrap();
    let tag_packet = csi2sec_sim::packet::PacketReader::new(&w, true)
        .map(|p| p.expect("packet"))
        .find(|p| p.header.dt == 0x13)
        .expect("a SEP tag packet")
        .offset;
    w[tag_packet + 4 + 20] ^= 1;
    let c = csi2sec_sim::crc::CRC16.update(
        csi2sec_sim::crc::CRC16.init(),
        &w[tag_packet + 4..tag_packet + 36],
    ) as u16;
    w[tag_packet + 36..tag_packet + 38].copy_from_slice(&c.to_le_bytes());
    std::fs::write(&wire, &w).unwrap();
    let (code, out, err) = run(bin()
        .arg("cosim")
        .arg("--rx")
        .arg("--context")
        .arg(&ctx)
        .arg(&wire)
        .arg(&back));
    assert_eq!(code, 1, "{out} {err}");
    assert!(out.contains("frame 0: auth_fail"), "{out}");
}

/// `cosim --width 1`: the byte-serial TX gives the model's output, the
/// byte-serial RX gives back the TX's input, both through the CLI.
#[test]
fn cosim_the_byte_serial_tx_and_rx() {
    let d = dir("cosim_byte");
    let ctx = d.join("ctx.json");
    std::fs::write(
        &ctx,
        r#"{"protocol": "sep", "streams": [{"stream": 0, "suite": "cmac-128", "tag_mode": "frame",
            "tag_len": 12, "crc32": false, "keys": [{"key_id": 1, "key": "2b7e151628aed2a6abf7158809cf4f3c"}],
            "active_key_id": 1, "frames": [{"sv": [2, 3, 2]}]}]}"#,
    )
    .unwrap();
    let (input, model, wire, back) = (
        d.join("in.bin"),
        d.join("model.bin"),
        d.join("wire.bin"),
        d.join("back.bin"),
    );
    let (code, _, err) = run(bin()
        .args([
            "frames", "--width", "32", "--height", "4", "--format", "raw8", "--frames", "2",
        ])
        .arg(&input));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(bin()
        .arg("protect")
        .arg("--context")
        .arg(&ctx)
        .arg(&input)
        .arg(&model));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(bin()
        .args(["cosim", "--width", "1", "--sbox", "bram", "--vcd"])
        .arg(d.join("tx.vcd"))
        .arg("--context")
        .arg(&ctx)
        .arg(&input)
        .arg(&wire));
    assert_eq!(code, 0, "{out} {err}");
    // Its waveform, drawn; a signal it does not have refused.
    let (code, out, err) = run(bin()
        .args(["wave", "--vcd"])
        .arg(d.join("tx.vcd"))
        .args([
            "--signals",
            "s_axis_tvalid,m_axis_tdata",
            "--cycles",
            "40",
            "--text",
        ])
        .arg(d.join("tx.svg")));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("s_axis_tvalid: ") && out.contains("\nm_axis_tdata: "),
        "{out}"
    );
    let svg = std::fs::read_to_string(d.join("tx.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains(">m_axis_tdata<"));
    let (code, _, err) = run(bin()
        .args(["wave", "--vcd"])
        .arg(d.join("tx.vcd"))
        .args(["--signals", "s_axis_tvalid,nope"])
        .arg(d.join("no.svg")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no signal nope"), "{err}");
    assert!(!d.join("no.svg").exists());
    assert_eq!(
        std::fs::read(&wire).unwrap(),
        std::fs::read(&model).unwrap()
    );
    let (code, out, err) = run(bin()
        .args(["cosim", "--rx", "--width", "1", "--context"])
        .arg(&ctx)
        .arg(&wire)
        .arg(&back));
    assert_eq!(code, 0, "{out} {err}");
    assert!(out.contains("frame 1: ok"), "{out}");
    assert_eq!(
        std::fs::read(&back).unwrap(),
        std::fs::read(&input).unwrap()
    );
    let (code, _, err) = run(bin()
        .args(["cosim", "--sbox", "lut", "--context"])
        .arg(&ctx)
        .arg(&input)
        .arg(&wire));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--sbox lut: expected rom, logic or bram"),
        "{err}"
    );
}

#[test]
fn synth_refuses_unknown_targets_and_configurations_before_any_tool_runs() {
    let d = dir("synth_refuses");
    for (args, want) in [
        (
            vec!["--target", "ecp5-45f"],
            "expected one of ecp5-85f, ecp5-25f, ice40-up5k, ice40-hx8k, xc7a35t",
        ),
        (
            vec!["--config", "tx_fsed_cmac"],
            "--config tx_fsed_cmac: expected tx, rx",
        ),
        (
            vec!["--config", "cmac-selftest", "--target", "ice40-hx8k"],
            "no board of this version has it",
        ),
        (
            vec!["--target", "ecp5-85f", "--placer", "sa"],
            "--placer sa: expected heap or static",
        ),
    ] {
        let (code, _, err) = run(bin().arg("synth").args(&args).arg("--out").arg(&d));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
    }
    // A seed count outside 1..=16 (clap's message names the option).
    for n in ["0", "17", "x"] {
        let (code, _, err) = run(bin().args(["synth", "--seeds", n]).arg("--out").arg(&d));
        assert_eq!(code, 2, "--seeds {n}: {err}");
        assert!(err.contains("--seeds"), "--seeds {n}: {err}");
    }
    for (board, want) in [
        (
            "icestick",
            "expected one of icebreaker, ulx3s, orangecrab, arty",
        ),
        ("arty", "no open place and route for the XC7A35T"),
    ] {
        let (code, _, err) = run(bin()
            .args(["bitstream", "--board", board])
            .arg("--out")
            .arg(&d));
        assert_eq!(code, 2, "{board}: {err}");
        assert!(err.contains(want), "{board}: {err}");
    }
    // Nothing was written for a refused configuration.
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
}

#[test]
fn report_fpga_tables_every_report_json() {
    let d = dir("report_fpga");
    let synth = d.join("build/synth/ice40-up5k/cmac128_iterative_bram");
    std::fs::create_dir_all(&synth).unwrap();
    std::fs::write(
        synth.join("report.json"),
        r#"{"target": "ice40-up5k", "config": "cmac128_iterative_bram", "lut": 2478, "ff": 929,
            "bram": 28, "dsp": 0, "fmax_mhz": 27.2, "fits": true, "date": "2026-11-21"}"#,
    )
    .unwrap();
    // The committed page: a row the report replaces, a row it keeps, and
    // notes under the chart.
    std::fs::create_dir_all(d.join("doc")).unwrap();
    std::fs::write(
        d.join("doc/results.md"),
        "# FPGA results\n\nintro\n\n![Throughput against LUTs](results.svg)\n\nNotes kept.\n\n\
         ## ecp5-85f\n\n| configuration | LUT | FF | BRAM | DSP | Fmax (MHz) | bits/cycle | Gb/s at Fmax | fits | measured |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---|---|\n\
         | aes128_iterative_bram | 1718 | 406 | 20 | 0 | 67.7 | 11.6 | 0.79 | yes | 2026-11-21 |\n\n\
         ## ice40-up5k\n\n| configuration | LUT | FF | BRAM | DSP | Fmax (MHz) | bits/cycle | Gb/s at Fmax | fits | measured |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---|---|\n\
         | cmac128_iterative_bram | 9999 | 1 | 1 | 0 | 1.0 | 11.6 | 0.01 | yes | 2026-01-01 |\n",
    )
    .unwrap();
    // The same configuration on speed grade 8: a target of its own.
    let fast = d.join("build/synth/ecp5-85f/aes128_iterative_bram");
    std::fs::create_dir_all(&fast).unwrap();
    std::fs::write(
        fast.join("report.json"),
        r#"{"target": "ecp5-85f", "config": "aes128_iterative_bram", "lut": 1718, "ff": 406,
            "bram": 20, "dsp": 0, "fmax_mhz": 80.0, "fits": true, "date": "2026-12-07",
            "speed_grade": 8}"#,
    )
    .unwrap();
    let (code, _, err) = run(bin().args(["report", "fpga"]).current_dir(&d));
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(d.join("doc/results.md")).unwrap();
    assert!(
        md.contains("## ecp5-85f (speed 8)\n")
            && md.contains("| aes128_iterative_bram | 1718 | 406 | 20 | 0 | 80.0 |"),
        "{md}"
    );
    assert!(
        md.contains("| aes128_iterative_bram | 1718 | 406 | 20 | 0 | 67.7 | 11.6 | 0.79 | yes | 2026-11-21 |")
            && md.contains("Notes kept.")
            && !md.contains("9999"),
        "{md}"
    );
    // 128 bits per 11 cycles (the iterative CMAC engine), at 27.2 MHz.
    assert!(
        md.contains("| cmac128_iterative_bram | 2478 | 929 | 28 | 0 | 27.2 | 11.6 | 0.32 | yes | 2026-11-21 |"),
        "{md}"
    );
    let svg = std::fs::read_to_string(d.join("doc/results.svg")).unwrap();
    assert!(
        svg.contains("<circle")
            && svg.contains("cmac128_iterative_bram")
            && svg.contains("aes128_iterative_bram"),
        "{svg}"
    );
    // Nothing to report: an error, no files.
    let e = dir("report_fpga_empty");
    let (code, _, err) = run(bin().args(["report", "fpga"]).current_dir(&e));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no report.json"), "{err}");
    assert!(!e.join("doc").exists());
}

/// Stand-ins for Yosys, nextpnr-ecp5 and ecppack (`CSI2SEC_<TOOL>`): each
/// writes the files the flow reads. nextpnr achieves `FAKE_FMAX` MHz, and
/// fails whenever it is given `--tmg-ripup` while `FAKE_RIPUP_FAILS` is set.
fn fake_tools(d: &Path) -> Vec<(&'static str, PathBuf)> {
    use std::os::unix::fs::PermissionsExt;
    let scripts = [
        (
            "CSI2SEC_YOSYS",
            "yosys",
            r#"while [ $# -gt 0 ]; do case "$1" in -l) log=$2; shift;; -p) script=$2; shift;; esac; shift; done
name=$(printf '%s' "$script" | sed -n 's/.*keep_hierarchy 1 \([A-Za-z0-9_]*\).*/\1/p')
[ -n "$name" ] || name=$(printf '%s' "$script" | sed -n 's/.*hierarchy -top \([A-Za-z0-9_]*\);.*/\1/p')
printf '=== %s ===\n\n   Number of cells: 150\n     LUT4 100\n     TRELLIS_FF 50\n' "$name" > "$log"
echo '{}' > netlist.json
"#,
        ),
        (
            "CSI2SEC_NEXTPNR_ECP5",
            "nextpnr",
            r#"ripup=0
while [ $# -gt 0 ]; do case "$1" in --report) rep=$2; shift;; -l) log=$2; shift;; --textcfg) cfg=$2; shift;; --tmg-ripup) ripup=1;; esac; shift; done
if [ $ripup = 1 ] && [ -n "$FAKE_RIPUP_FAILS" ]; then echo 'fake nextpnr: rip-up failed' >&2; exit 1; fi
echo "fake nextpnr, ripup $ripup" > "$log"
printf '{"fmax": {"clk": {"achieved": %s, "constraint": 25.0}}}\n' "$FAKE_FMAX" > "$rep"
[ -z "$cfg" ] || echo config > "$cfg"
"#,
        ),
        ("CSI2SEC_ECPPACK", "ecppack", "echo bitstream > \"$2\"\n"),
    ];
    scripts
        .into_iter()
        .map(|(var, name, body)| {
            let p = d.join(name);
            std::fs::write(&p, format!("#!/bin/sh\n{body}")).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
            (var, p)
        })
        .collect()
}

#[test]
fn synth_falls_back_without_ripup_and_bitstream_flags_a_timing_miss() {
    let d = dir("synth_fake_tools");
    let tools = fake_tools(&d);
    let with_tools = |c: &mut Command| {
        for (var, p) in &tools {
            c.env(var, p);
        }
    };
    let report = |path: PathBuf| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    // nextpnr fails with --tmg-ripup: each seed runs again without it.
    let out = d.join("ripup");
    let mut c = bin();
    with_tools(&mut c);
    let (code, _, err) = run(c
        .args([
            "synth",
            "--target",
            "ecp5-85f",
            "--block",
            "ghash",
            "--arch",
            "pipelined",
        ])
        .args(["--seeds", "2", "--tmg-ripup", "--placer", "static"])
        .args(["--speed", "8"])
        .env("FAKE_FMAX", "140.5")
        .env("FAKE_RIPUP_FAILS", "1")
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("again without it").count(), 2, "{err}");
    let dirs: Vec<_> = std::fs::read_dir(out.join("ecp5-85f")).unwrap().collect();
    assert_eq!(dirs.len(), 1);
    let r = report(dirs[0].as_ref().unwrap().path().join("report.json"));
    assert_eq!(r["lut"], 100, "{r}");
    assert_eq!(r["fmax_mhz"], 140.5, "{r}");
    // The default clock asked is 150 MHz: a measurement, not an error.
    assert_eq!(r["timing_met"], false, "{r}");
    for s in r["seeds"].as_array().unwrap() {
        assert_eq!(s["tmg_ripup"], false, "{r}");
        assert_eq!(s["placer"], "static", "{r}");
    }
    let cmds: Vec<&str> = r["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .filter(|c| c.contains("--seed"))
        .collect();
    assert_eq!(cmds.len(), 4, "{cmds:?}");
    assert_eq!(cmds.iter().filter(|c| c.contains("--tmg-ripup")).count(), 2);
    // `--placer static` replaces the heap placer's weights; `--speed 8`
    // reaches every run and the report.
    assert!(
        cmds.iter().all(|c| c.contains("--placer static")
            && !c.contains("--placer-heap")
            && c.contains("--speed 8")),
        "{cmds:?}"
    );
    assert_eq!(r["speed_grade"], 8, "{r}");
    // A speed grade is ECP5's alone.
    let mut c = bin();
    with_tools(&mut c);
    let (code, _, err) = run(c
        .args([
            "synth",
            "--target",
            "ice40-up5k",
            "--block",
            "aes",
            "--speed",
            "8",
        ])
        .arg("--out")
        .arg(d.join("speed")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--speed 8"), "{err}");
    assert!(!d.join("speed").exists());
    // A board's bitstream below the board's clock (ULX3S) is written and
    // reported, with exit code 1; at or above it, 0.
    for (fmax, want_code, met) in [("11.0", 1, false), ("31.0", 0, true)] {
        let out = d.join(format!("board{fmax}"));
        let mut c = bin();
        with_tools(&mut c);
        let (code, _, err) = run(c
            .args(["bitstream", "--board", "ulx3s"])
            .env("FAKE_FMAX", fmax)
            .arg("--out")
            .arg(&out));
        assert_eq!(code, want_code, "{fmax}: {err}");
        assert_eq!(err.contains("misses timing"), !met, "{fmax}: {err}");
        let dir = out.join("ecp5-85f/cmac-selftest");
        assert!(dir.join("design.bit").exists(), "{fmax}");
        let r = report(dir.join("report.json"));
        assert_eq!(r["timing_met"], met, "{r}");
    }
}

#[test]
fn report_timing_lists_the_late_registers_and_refuses_other_files() {
    let d = dir("report-timing");
    // Two nets of a nextpnr report written with --detailed-timing-report:
    // three register bits, two of them late at 100 MHz (10 ns).
    let rep = d.join("pnr.json");
    std::fs::write(
        &rep,
        r#"{"fmax": {}, "detailed_net_timings": [
  {"driver": "a", "port": "F", "net": "a", "event": "", "endpoints": [
    {"cell": "ip.st_TRELLIS_FF_Q_1", "port": "DI", "event": "", "delay": [3.0, 12.5]},
    {"cell": "ip.st_TRELLIS_FF_Q_2", "port": "CE", "event": "", "delay": [3.0, 9.0]}]},
  {"driver": "b", "port": "F", "net": "b", "event": "", "endpoints": [
    {"cell": "ip.crc_TRELLIS_FF_Q", "port": "M", "event": "", "delay": [1.0, 10.5]}]}]}"#,
    )
    .unwrap();
    let (code, out, err) = run(bin().args(["report", "timing", "--freq", "100"]).arg(&rep));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 of 3 register endpoints"), "{out}");
    let st = out.find("| `ip.st` | 12.50 | 1 |").expect(&out);
    let crc = out.find("| `ip.crc` | 10.50 | 1 |").expect(&out);
    assert!(st < crc, "latest first: {out}");
    // No file, a report without detail, a file that is not JSON, no clock.
    let plain = d.join("plain.json");
    std::fs::write(&plain, r#"{"fmax": {}}"#).unwrap();
    for (args, needle) in [
        (vec!["report", "timing"], "give nextpnr's JSON report"),
        (vec!["report", "timing", plain.to_str().unwrap()], "--detailed-timing-report"),
        (vec!["report", "timing", "Cargo.toml"], "Cargo.toml"),
        (vec!["report", "timing", "--freq", "0", rep.to_str().unwrap()], "--freq 0"),
        (vec!["report", "fpga", rep.to_str().unwrap()], "takes no file"),
    ] {
        let (code, out, err) = run(bin().args(&args));
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(needle) && err.lines().count() == 1, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
    }
}
