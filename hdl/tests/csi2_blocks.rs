//! The TX's combinational CSI-2 blocks, as emitted Verilog, in two
//! simulators (Icarus where present, and Verilator) against the golden
//! model: the header ECC check/correction on clean headers and on every
//! 1- and 2-bit error of random headers, VCX on and off; the CRC-16 and
//! CRC-32 beat steps on random registers and beats at every byte count.

use csi2sec_hdl::crc_step::{CRC16, CRC32, CrcStep, Reflected};
use csi2sec_hdl::emit::{Module, emit};
use csi2sec_hdl::header_ecc::HeaderEcc;
use csi2sec_sim::ecc::EccOutcome;
use csi2sec_sim::packet::Header;
use csi2sec_sim::random::Rng;
use rust_hdl::prelude::*;
mod common;
use common::{run_tb, write};
use std::path::PathBuf;

/// Drive `top`'s inputs (name, width) from each vector (the inputs packed,
/// first port in the top bits, as hex) and return, per simulator, the
/// outputs (packed the same way) as hex, one per vector.
fn simulate(
    name: &str,
    mods: &[Module],
    inputs: &[(&str, usize)],
    outputs: &[(&str, usize)],
    vectors: &[String],
) -> Vec<(String, Vec<String>)> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("csi2_blocks")
        .join(name);
    let files = write(&dir, mods);
    let win: usize = inputs.iter().map(|p| p.1).sum();
    let vec_file = dir.join("vectors.hex");
    std::fs::write(&vec_file, vectors.join("\n") + "\n").unwrap();
    let decl: String = inputs
        .iter()
        .map(|(n, w)| format!("  reg [{}:0] {n};\n", w - 1))
        .chain(
            outputs
                .iter()
                .map(|(n, w)| format!("  wire [{}:0] {n};\n", w - 1)),
        )
        .collect();
    // Inputs named `_…` pad the vector and are not connected.
    let conns: Vec<String> = inputs
        .iter()
        .chain(outputs)
        .filter(|(n, _)| !n.starts_with('_'))
        .map(|(n, _)| format!(".{n}({n})"))
        .collect();
    let ins: Vec<&str> = inputs.iter().map(|p| p.0).collect();
    let outs: Vec<&str> = outputs.iter().map(|p| p.0).collect();
    let tb = format!(
        "`timescale 1ns/1ps\nmodule tb;\n{decl}  reg [{}:0] v [0:{}];\n  integer i;\n  {} dut({});\n  initial begin\n    $readmemh(\"{}\", v);\n    for (i = 0; i < {}; i = i + 1) begin\n      {{{}}} = v[i];\n      #1;\n      $display(\"OUT %h\", {{{}}});\n    end\n    $finish;\n  end\nendmodule\n",
        win - 1,
        vectors.len() - 1,
        mods[0].name,
        conns.join(", "),
        vec_file.display(),
        vectors.len(),
        ins.join(", "),
        outs.join(", ")
    );
    let lines = |stdout: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(stdout)
            .lines()
            .filter_map(|l| l.strip_prefix("OUT "))
            .map(|l| l.trim().to_string())
            .collect()
    };
    let runs: Vec<(String, Vec<String>)> = run_tb(name, &dir, &tb, &files)
        .into_iter()
        .map(|(who, out)| (who, lines(&out)))
        .collect();
    for (who, outs) in &runs {
        assert_eq!(
            outs.len(),
            vectors.len(),
            "{name} in {who}: {} outputs for {} vectors",
            outs.len(),
            vectors.len()
        );
    }
    runs
}

fn emitted<U: Block>(mut u: U, name: &str) -> Vec<Module> {
    u.connect_all();
    emit(&u, name, "test").expect("emit")
}

#[test]
fn header_ecc_corrects_and_flags_as_the_model_does() {
    let mods = emitted(HeaderEcc::default(), "hecc");
    let mut rng = Rng::new(5);
    let (mut vectors, mut expected) = (Vec::new(), Vec::new());
    for vcx in [true, false] {
        for _ in 0..12 {
            let h = Header::for_stream(
                rng.below(if vcx { 16 } else { 4 }) as u8,
                rng.below(64) as u8,
                rng.below(65536) as u16,
            );
            let clean = u32::from_le_bytes(h.encode());
            // Clean, every 1-bit error and a spread of 2-bit errors.
            let mut errs = vec![0u32];
            errs.extend((0..32).map(|i| 1u32 << i));
            errs.extend(
                (0..32).flat_map(|i| ((i + 1)..32).step_by(5).map(move |j| 1u32 << i | 1u32 << j)),
            );
            for e in errs {
                let w = clean ^ e;
                vectors.push(format!("{:09x}", (w as u64) << 1 | vcx as u64));
                let (fixed, corrected, bad) = match Header::decode(w.to_le_bytes(), vcx) {
                    Ok((h, o)) => (
                        u32::from_le_bytes(h.encode()),
                        o != EccOutcome::Clean,
                        false,
                    ),
                    Err(_) => (0, false, true),
                };
                expected.push((fixed, corrected, bad));
            }
        }
    }
    let runs = simulate(
        "hecc",
        &mods,
        &[("header", 32), ("vcx_on", 1)],
        &[("fixed", 32), ("corrected", 1), ("uncorrectable", 1)],
        &vectors,
    );
    for (who, outs) in runs {
        for (k, (o, (fixed, corrected, bad))) in outs.iter().zip(&expected).enumerate() {
            let v = u64::from_str_radix(o, 16)
                .unwrap_or_else(|_| panic!("{who}: vector {k}: output {o}"));
            let (f, c, u) = ((v >> 2) as u32, v >> 1 & 1 == 1, v & 1 == 1);
            assert_eq!(u, *bad, "{who}: vector {k} ({}): uncorrectable", vectors[k]);
            if !bad {
                assert_eq!(
                    (f, c),
                    (*fixed, *corrected),
                    "{who}: vector {k} ({}): fixed header, corrected",
                    vectors[k]
                );
            }
        }
    }
}

fn crc_vectors(c: Reflected, rng: &mut Rng) -> (Vec<String>, Vec<u32>) {
    let (mut vectors, mut expected) = (Vec::new(), Vec::new());
    let mask = if c.width == 32 {
        u32::MAX
    } else {
        (1 << c.width) - 1
    };
    for count in 0..=16usize {
        for _ in 0..8 {
            let state = rng.next_u64() as u32 & mask;
            let data = rng.bytes(16);
            // Packed: state (32), data (byte 15 first, as tdata[127:0]), count (5 bits, in 8).
            let mut hex = format!("{state:08x}");
            for b in data.iter().rev() {
                hex += &format!("{b:02x}");
            }
            vectors.push(format!("{hex}{:02x}", count));
            expected.push(c.update(state, &data[..count]) & mask);
        }
    }
    (vectors, expected)
}

#[test]
fn crc_steps_equal_the_model_at_every_byte_count() {
    let mut rng = Rng::new(9);
    for (name, c) in [("crc16", CRC16), ("crc32", CRC32)] {
        let mods = emitted(CrcStep::new(c), name);
        let (vectors, expected) = crc_vectors(c, &mut rng);
        // The count port is 5 bits; the vector's last byte carries it in 8.
        let runs = simulate(
            name,
            &mods,
            &[("state", 32), ("data", 128), ("_pad", 3), ("count", 5)],
            &[("next", 32)],
            &vectors,
        );
        for (who, outs) in runs {
            for (k, (o, e)) in outs.iter().zip(&expected).enumerate() {
                assert_eq!(
                    u32::from_str_radix(o, 16).unwrap(),
                    *e,
                    "{who} {name}: vector {k} ({})",
                    vectors[k]
                );
            }
        }
    }
}
