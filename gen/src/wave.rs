//! `csi2sec wave`: a cycle-by-cycle timing diagram (SVG) of chosen
//! signals from a VCD that `csi2sec cosim --vcd` (or any simulator)
//! wrote, for documents and reviews where a waveform viewer is not at
//! hand.
//!
//! Each column is one rising edge of the clock, and shows every signal's
//! value as that edge samples it (the value in effect just before the
//! edge's own changes). One-bit signals are drawn as high/low lines,
//! wider ones as boxes with their value in hex where it changes; `x`/`z`
//! bits show grey.

use std::collections::HashMap;
use std::io::BufReader;
use std::path::Path;
use vcd::{Command, IdCode, ScopeItem, Value};

/// A signal's value at one edge: `None` where any bit is x or z.
type Sample = Option<u128>;

/// The samples of `signals` (names as in the VCD, searched from the top
/// scope down, the shallowest first; or a dotted path) at every rising
/// edge of `clock` from edge `from` on, at most `cycles` of them.
pub fn sample(
    vcd: &Path,
    clock: &str,
    signals: &[String],
    from: u64,
    cycles: u64,
) -> Result<Vec<(String, u32, Vec<Sample>)>, String> {
    let file = std::fs::File::open(vcd).map_err(|e| format!("{}: {e}", vcd.display()))?;
    let mut parser = vcd::Parser::new(BufReader::new(file));
    let header = parser
        .parse_header()
        .map_err(|e| format!("{}: not a VCD: {e}", vcd.display()))?;
    let find = |name: &str| -> Result<(IdCode, u32), String> {
        // Breadth-first over the scopes: the shallowest one under which
        // the (dotted) path names a variable.
        let path: Vec<&str> = name.split('.').collect();
        let mut level: Vec<&[ScopeItem]> = vec![&header.items];
        while !level.is_empty() {
            let mut next = Vec::new();
            for items in level {
                if let Some(v) = find_in(items, &path) {
                    return Ok((v.code, v.size));
                }
                for item in items {
                    if let ScopeItem::Scope(s) = item {
                        next.push(&s.children[..]);
                    }
                }
            }
            level = next;
        }
        Err(format!("{}: no signal {name}", vcd.display()))
    };
    let (clk, _) = find(clock)?;
    let wanted: Vec<(String, IdCode, u32)> = signals
        .iter()
        .map(|s| find(s).map(|(c, w)| (s.clone(), c, w)))
        .collect::<Result<_, _>>()?;
    for (name, _, w) in &wanted {
        if *w > 128 {
            return Err(format!("{name}: {w} bits (at most 128 are drawn)"));
        }
    }
    let mut cur: HashMap<IdCode, Sample> = HashMap::new();
    let mut before = cur.clone();
    let mut clk_val = false;
    let mut edge = 0u64;
    let mut out: Vec<Vec<Sample>> = vec![Vec::new(); wanted.len()];
    for cmd in parser {
        let cmd = cmd.map_err(|e| format!("{}: {e}", vcd.display()))?;
        match cmd {
            Command::Timestamp(_) => before = cur.clone(),
            Command::ChangeScalar(id, v) => {
                if id == clk {
                    let high = v == Value::V1;
                    if high && !clk_val {
                        if edge >= from && edge < from + cycles {
                            for (k, (_, code, _)) in wanted.iter().enumerate() {
                                out[k].push(before.get(code).copied().flatten());
                            }
                        }
                        edge += 1;
                    }
                    clk_val = high;
                }
                cur.insert(id, bits(&[v]));
            }
            Command::ChangeVector(id, v) => {
                cur.insert(id, bits(&v));
            }
            _ => {}
        }
        if edge >= from + cycles {
            break;
        }
    }
    if out.first().is_none_or(|c| c.is_empty()) {
        return Err(format!(
            "{}: no rising edge of {clock} from edge {from} on ({edge} in the file)",
            vcd.display()
        ));
    }
    Ok(wanted
        .into_iter()
        .zip(out)
        .map(|((name, _, w), s)| (name, w, s))
        .collect())
}

/// The variable that `path` (scope names, then the variable's) names
/// from `items` down.
fn find_in<'a>(items: &'a [ScopeItem], path: &[&str]) -> Option<&'a vcd::Var> {
    match path {
        [name] => items.iter().find_map(|i| match i {
            ScopeItem::Var(v) if v.reference == *name => Some(v),
            _ => None,
        }),
        [scope, rest @ ..] => items.iter().find_map(|i| match i {
            ScopeItem::Scope(s) if s.identifier == *scope => find_in(&s.children, rest),
            _ => None,
        }),
        [] => None,
    }
}

/// A VCD vector (most significant bit first) as a number.
fn bits(v: &[Value]) -> Sample {
    let mut n = 0u128;
    for b in v {
        n = n << 1
            | match b {
                Value::V0 => 0,
                Value::V1 => 1,
                _ => return None,
            };
    }
    Some(n)
}

/// The diagram: a row per signal, a column per edge; `first` numbers the
/// first column.
pub fn svg(title: &str, first: u64, rows: &[(String, u32, Vec<Sample>)]) -> String {
    const CW: usize = 14; // column width
    const RH: usize = 26; // row height
    const LW: usize = 150; // label width
    const TOP: usize = 44;
    let n = rows.iter().map(|r| r.2.len()).max().unwrap_or(0);
    let width = LW + n * CW + 10;
    let height = TOP + rows.len() * RH + 10;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"monospace\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"6\" y=\"16\" font-size=\"13\">{}</text>\n",
        escape(title)
    );
    // Cycle grid and numbers every 10 edges.
    for c in 0..n {
        let x = LW + c * CW;
        let edge = first + c as u64;
        let (stroke, label) = if edge.is_multiple_of(10) {
            ("#bbb", true)
        } else {
            ("#eee", false)
        };
        s += &format!(
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{stroke}\"/>\n",
            TOP - 8,
            height - 6
        );
        if label {
            s += &format!(
                "<text x=\"{}\" y=\"{}\" fill=\"#666\">{edge}</text>\n",
                x + 2,
                TOP - 12
            );
        }
    }
    for (r, (name, w, samples)) in rows.iter().enumerate() {
        let y0 = TOP + r * RH;
        let (hi, lo) = (y0 + 4, y0 + RH - 6);
        s += &format!(
            "<text x=\"6\" y=\"{}\">{}</text>\n",
            (hi + lo) / 2 + 4,
            escape(name)
        );
        let mut c = 0;
        while c < samples.len() {
            // A run of equal samples.
            let mut e = c + 1;
            while e < samples.len() && samples[e] == samples[c] {
                e += 1;
            }
            let (x0, x1) = (LW + c * CW, LW + e * CW);
            match (samples[c], *w) {
                (None, _) => {
                    s += &format!(
                        "<rect x=\"{x0}\" y=\"{hi}\" width=\"{}\" height=\"{}\" fill=\"#ddd\"/>\n",
                        x1 - x0,
                        lo - hi
                    )
                }
                (Some(v), 1) => {
                    let y = if v == 1 { hi } else { lo };
                    s += &format!(
                        "<line x1=\"{x0}\" y1=\"{y}\" x2=\"{x1}\" y2=\"{y}\" stroke=\"#1f5fa8\" stroke-width=\"1.6\"/>\n"
                    );
                    if c > 0 && samples[c - 1].is_some() {
                        s += &format!(
                            "<line x1=\"{x0}\" y1=\"{hi}\" x2=\"{x0}\" y2=\"{lo}\" stroke=\"#1f5fa8\" stroke-width=\"1.6\"/>\n"
                        );
                    }
                }
                (Some(v), w) => {
                    let mid = (hi + lo) / 2;
                    let text = format!("{v:0digits$x}", digits = (w as usize).div_ceil(4));
                    // (The value as a tooltip too, for boxes too narrow.)
                    s += &format!(
                        "<polygon points=\"{},{mid} {},{hi} {},{hi} {},{mid} {},{lo} {},{lo}\" fill=\"#eef4fb\" stroke=\"#1f5fa8\"><title>{} = {text}</title></polygon>\n",
                        x0,
                        x0 + 3,
                        x1 - 3,
                        x1,
                        x1 - 3,
                        x0 + 3,
                        escape(name)
                    );
                    if (x1 - x0) >= 7 * text.len() + 6 {
                        s += &format!("<text x=\"{}\" y=\"{}\">{text}</text>\n", x0 + 4, mid + 4);
                    }
                }
            }
            c = e;
        }
    }
    s + "</svg>\n"
}

/// The samples as text: a line per signal, its runs as `value*edges`
/// (hex; `x` for x or z).
pub fn text(rows: &[(String, u32, Vec<Sample>)]) -> String {
    let mut out = String::new();
    for (name, _, samples) in rows {
        let mut runs: Vec<String> = Vec::new();
        let mut c = 0;
        while c < samples.len() {
            let mut e = c + 1;
            while e < samples.len() && samples[e] == samples[c] {
                e += 1;
            }
            let v = samples[c].map_or("x".to_string(), |v| format!("{v:x}"));
            runs.push(if e - c > 1 {
                format!("{v}*{}", e - c)
            } else {
                v
            });
            c = e;
        }
        out += &format!("{name}: {}\n", runs.join(" "));
    }
    out
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A VCD as `cosim --vcd` writes it: before each rising edge the
    /// clock low and the edge's inputs, then the edge and its outputs.
    const VCD: &str = "$timescale 1ps $end
$scope module TOP $end
$var wire 1 ! clock $end
$var wire 1 \" valid $end
$var wire 8 # data [7:0] $end
$scope module dut $end
$var wire 4 $ st [3:0] $end
$upscope $end
$upscope $end
$enddefinitions $end
#0
0!
0\"
b0 #
b0 $
#1
1!
#2
0!
1\"
b10101011 #
#3
1!
b1 $
#4
0!
0\"
bx #
#5
1!
b10 $
";

    #[test]
    fn samples_each_edge_as_it_sees_the_signals() {
        let p = std::env::temp_dir().join(format!("csi2sec-wave-{}.vcd", std::process::id()));
        std::fs::write(&p, VCD).unwrap();
        let names: Vec<String> = ["valid", "data", "st", "dut.st"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let rows = sample(&p, "clock", &names, 0, 10).unwrap();
        // Edges at #1, #3, #5: each sees the values set before it.
        assert_eq!(rows[0].2, vec![Some(0), Some(1), Some(0)]);
        assert_eq!(rows[1].2, vec![Some(0), Some(0xab), None]);
        assert_eq!(rows[2].2, vec![Some(0), Some(0), Some(1)]);
        assert_eq!(rows[3].2, rows[2].2, "a dotted path finds the same signal");
        assert_eq!((rows[1].1, rows[2].1), (8, 4));
        let later = sample(&p, "clock", &names[..1], 1, 1).unwrap();
        assert_eq!(later[0].2, vec![Some(1)]);
        let e = sample(&p, "clock", &["ready".to_string()], 0, 10).unwrap_err();
        assert!(e.ends_with("no signal ready"), "{e}");
        let e = sample(&p, "clock", &names[..1], 7, 10).unwrap_err();
        assert!(
            e.contains("no rising edge of clock from edge 7 on (3 in the file)"),
            "{e}"
        );
        let svg = svg("t", 0, &rows);
        assert!(svg.contains(">valid<") && svg.contains("<title>data = ab</title>"));
        assert!(svg.contains("#ddd"), "x drawn grey");
        assert_eq!(text(&rows[..2]), "valid: 0 1 0\ndata: 0 ab x\n");
        std::fs::remove_file(&p).ok();
    }
}
