//! `csi2sec report fpga`: every `report.json` under `build/synth/` as
//! `doc/results.md` (a table per target: LUT, FF, BRAM, DSP, Fmax, bits
//! per cycle, Gb/s at Fmax) and `doc/results.svg` (throughput against
//! LUTs, log–log).
//!
//! The rows already in `doc/results.md` are kept (measured on other
//! machines and days, they are the committed record) and its notes, the
//! text between the chart and the first table; a `report.json` replaces
//! the row of its target and configuration. So the chart always shows
//! every row of the tables.

use csi2sec_hdl::config::EngineConfig;
use csi2sec_hdl::link_config::LinkConfig;
use csi2sec_hdl::regs::Side;
use serde_json::Value;
use std::path::Path;

/// Bits per cycle of a configuration by its name: 128 bits over its
/// steady-state cycles per block (engines: their documented figure; TX
/// and RX: [`LinkConfig::cycles_per_block`]; the board self-test: its
/// CMAC link's).
pub fn bits_per_cycle(config: &str) -> Option<f64> {
    if config == "cmac-selftest" {
        let c = csi2sec_hdl::selftest::link_config(Side::Tx);
        return Some(128.0 / c.cycles_per_block() as f64);
    }
    for side in [Side::Tx, Side::Rx] {
        if let Some(c) = LinkConfig::all(side).into_iter().find(|c| c.name == config) {
            return Some(128.0 / c.cycles_per_block() as f64);
        }
    }
    EngineConfig::all()
        .into_iter()
        .find(|c| c.name == config)
        .map(|c| 128.0 / c.figures().cycles_per_block as f64)
}

/// One measured row.
struct Row {
    target: String,
    config: String,
    lut: u64,
    ff: u64,
    bram: u64,
    dsp: u64,
    fmax: Option<f64>,
    fits: bool,
    bits: Option<f64>,
    date: String,
}

impl Row {
    fn gbps(&self) -> Option<f64> {
        Some(self.fmax? * self.bits? / 1e3)
    }
}

fn rows(root: &Path) -> Vec<Row> {
    let mut out = Vec::new();
    let Ok(targets) = std::fs::read_dir(root) else {
        return out;
    };
    for t in targets.flatten() {
        let Ok(configs) = std::fs::read_dir(t.path()) else {
            continue;
        };
        for c in configs.flatten() {
            let p = c.path().join("report.json");
            let Some(r) = std::fs::read_to_string(&p)
                .ok()
                .and_then(|s| serde_json::from_str::<Value>(&s).ok())
            else {
                continue;
            };
            let date = r["date"]
                .as_str()
                .map(String::from)
                .or_else(|| {
                    std::fs::metadata(&p)
                        .and_then(|m| m.modified())
                        .ok()
                        .map(|m| {
                            let d = m
                                .duration_since(std::time::UNIX_EPOCH)
                                .unwrap_or_default()
                                .as_secs()
                                / 86_400;
                            civil(d as i64)
                        })
                })
                .unwrap_or_default();
            let n = |k: &str| r[k].as_u64().unwrap_or(0);
            let config = r["config"].as_str().unwrap_or("?").to_string();
            // (An ECP5 speed grade other than 6, the default, is a
            // target of its own: `ecp5-85f (speed 8)`.)
            let target = r["target"].as_str().unwrap_or("?");
            let target = match r["speed_grade"].as_u64() {
                Some(g) if g != 6 => format!("{target} (speed {g})"),
                _ => target.to_string(),
            };
            out.push(Row {
                target,
                bits: bits_per_cycle(&config),
                config,
                lut: n("lut"),
                ff: n("ff"),
                bram: n("bram"),
                dsp: n("dsp"),
                fmax: r["fmax_mhz"].as_f64(),
                fits: r["fits"].as_bool() == Some(true),
                date,
            });
        }
    }
    out.sort_by(|a, b| (&a.target, a.lut).cmp(&(&b.target, b.lut)));
    out
}

/// The rows and the notes of an existing `results.md`.
fn from_markdown(md: &str) -> (Vec<Row>, String) {
    let mut rows = Vec::new();
    let mut target = String::new();
    for line in md.lines() {
        if let Some(t) = line.strip_prefix("## ") {
            target = t.trim().to_string();
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // "| a | … | j |": 10 cells between the outer bars.
        if target.is_empty() || cells.len() != 12 || cells[1] == "configuration" {
            continue;
        }
        let n = |k: usize| cells[k].parse::<u64>().ok();
        let (Some(lut), Some(ff), Some(bram), Some(dsp)) = (n(2), n(3), n(4), n(5)) else {
            continue;
        };
        let config = cells[1].to_string();
        rows.push(Row {
            target: target.clone(),
            bits: bits_per_cycle(&config).or_else(|| cells[7].parse().ok()),
            config,
            lut,
            ff,
            bram,
            dsp,
            fmax: cells[6].parse().ok(),
            fits: cells[9] == "yes",
            date: cells[10].to_string(),
        });
    }
    let notes = md
        .split_once(CHART)
        .map(|(_, rest)| rest.split("\n## ").next().unwrap_or("").trim().to_string())
        .unwrap_or_default();
    (rows, notes)
}

/// `rows` with `newer` in place of the rows of the same target and
/// configuration, sorted by target and LUTs.
fn merge(mut rows: Vec<Row>, newer: Vec<Row>) -> Vec<Row> {
    rows.retain(|r| {
        !newer
            .iter()
            .any(|n| n.target == r.target && n.config == r.config)
    });
    rows.extend(newer);
    rows.sort_by(|a, b| (&a.target, a.lut).cmp(&(&b.target, b.lut)));
    rows
}

/// The chart's line in the Markdown page.
const CHART: &str = "![Throughput against LUTs](results.svg)";

/// Today's date (UTC), for the reports.
pub fn today() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
        / 86_400;
    civil(d as i64)
}

/// The date of day `d` since 1970-01-01 (proleptic Gregorian).
fn civil(d: i64) -> String {
    let z = d + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + (month <= 2) as i64;
    format!("{year:04}-{month:02}-{day:02}")
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map(|x| format!("{x:.digits$}"))
        .unwrap_or_else(|| "—".into())
}

/// The Markdown page, with `notes` under the chart.
fn markdown(rows: &[Row], notes: &str) -> String {
    let mut md = String::from(
        "# FPGA results\n\n\
         Written by `csi2sec report fpga` from every `build/synth/<target>/<config>/report.json` \
         (`make synth TARGET=… CONFIG=…`, `csi2sec synth`, `csi2sec report engines --synth`). \
         LUT: LUT4 on ECP5 and iCE40 (carry cells counted as two), LUT6 on the XC7A35T; \
         BRAM: DP16KD, SB_RAM40_4K, RAMB18. Fmax from nextpnr (Lattice parts only: no open \
         place and route for the 7 series is packaged; the Xilinx rows are Yosys estimates for \
         a netlist that Vivado can take). Bits per cycle: 128 over the configuration's \
         steady-state cycles per 16-byte block, measured in cosimulation. Gb/s: at Fmax. \
         Each report.json names its commands; the date is the report's. Rows already in this \
         page are kept until a report.json of the same target and configuration replaces \
         them.\n\n",
    );
    md += CHART;
    md += "\n";
    if !notes.is_empty() {
        md += &format!("\n{notes}\n");
    }
    let mut targets: Vec<&str> = rows.iter().map(|r| r.target.as_str()).collect();
    targets.dedup();
    for t in targets {
        md += &format!(
            "\n## {t}\n\n| configuration | LUT | FF | BRAM | DSP | Fmax (MHz) | bits/cycle | Gb/s at Fmax | fits | measured |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n"
        );
        for r in rows.iter().filter(|r| r.target == t) {
            md += &format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                r.config,
                r.lut,
                r.ff,
                r.bram,
                r.dsp,
                opt(r.fmax, 1),
                opt(r.bits, 1),
                opt(r.gbps(), 2),
                if r.fits { "yes" } else { "no" },
                r.date
            );
        }
    }
    md
}

/// Throughput (Gb/s at Fmax) against LUTs, log–log, one point per row
/// with an Fmax.
fn svg(rows: &[Row]) -> String {
    let (w, h, l, b, top, right) = (900.0, 560.0, 80.0, 60.0, 30.0, 260.0);
    let pts: Vec<(&Row, f64, f64)> = rows
        .iter()
        .filter_map(|r| Some((r, (r.lut.max(1)) as f64, r.gbps()?)))
        .collect();
    let (x0, x1) = (100f64.log10(), 1e6f64.log10());
    let (y0, y1) = (0.01f64.log10(), 100f64.log10());
    let sx = |x: f64| l + (x.log10() - x0) / (x1 - x0) * (w - l - right);
    let sy = |y: f64| h - b - (y.log10() - y0) / (y1 - y0) * (h - b - top);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">
<rect width="{w}" height="{h}" fill="white"/>
<text x="{}" y="18" text-anchor="middle" font-size="14">csi2sec: throughput at Fmax against LUTs (nextpnr, Lattice parts)</text>
"#,
        (w - right + l) / 2.0
    );
    for e in 2..=6 {
        let x = sx(10f64.powi(e));
        s += &format!(
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">10^{e}</text>\n",
            h - b,
            h - b + 16.0
        );
    }
    for e in -2..=2 {
        let y = sy(10f64.powi(e));
        s += &format!(
            "<line x1=\"{l}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            w - right,
            l - 6.0,
            y + 4.0,
            10f64.powi(e)
        );
    }
    s += &format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">LUTs</text>\n<text x=\"18\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {:.1})\">Gb/s at Fmax</text>\n",
        (w - right + l) / 2.0,
        h - 16.0,
        (h - b + top) / 2.0,
        (h - b + top) / 2.0
    );
    let colour = |t: &str| match t {
        "ecp5-85f" => "#1f77b4",
        "ecp5-85f (speed 8)" => "#17becf",
        "ecp5-25f" => "#2ca02c",
        "ice40-up5k" => "#d62728",
        "ice40-hx8k" => "#9467bd",
        _ => "#7f7f7f",
    };
    for (i, (r, x, y)) in pts.iter().enumerate() {
        let (px, py) = (sx(*x), sy(*y));
        s += &format!(
            "<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"5\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            colour(&r.target),
            px + 7.0,
            py + 4.0,
            i + 1
        );
        s += &format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{}\">{}: {} ({})</text>\n",
            w - right + 10.0,
            top + 14.0 * (i as f64 + 1.0),
            colour(&r.target),
            i + 1,
            r.config,
            r.target
        );
    }
    s + "</svg>\n"
}

/// Write `doc/results.md` and `doc/results.svg` under `doc`; the number
/// of rows.
pub fn write(root: &Path, doc: &Path) -> Result<usize, String> {
    let (kept, notes) = std::fs::read_to_string(doc.join("results.md"))
        .map(|md| from_markdown(&md))
        .unwrap_or_default();
    let rows = merge(kept, rows(root));
    if rows.is_empty() {
        return Err(format!(
            "{}: no report.json (run `make synth` first) and no rows in {}",
            root.display(),
            doc.join("results.md").display()
        ));
    }
    std::fs::create_dir_all(doc).map_err(|e| format!("{}: {e}", doc.display()))?;
    for (f, text) in [
        ("results.md", markdown(&rows, &notes)),
        ("results.svg", svg(&rows)),
    ] {
        let p = doc.join(f);
        std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    Ok(rows.len())
}
