//! Where a placed design misses its clock: the register endpoints of
//! nextpnr's `--detailed-timing-report` whose arrival is later than the
//! clock period, grouped by the register they belong to.
//!
//! nextpnr prints one critical path; timing closure needs the whole
//! picture (is it one register's input logic, or a hundred groups each
//! a little late?). The report's `detailed_net_timings` list, for every
//! timing endpoint (a register's data, enable or reset input, a RAM's
//! write port), the net that reaches it and its arrival time there
//! (`delay`: min and max, in ns, from the launching clock edge). Yosys
//! names a flip-flop cell after its signal (`ip.j0_TRELLIS_FF_Q_52`,
//! `x_SB_DFFE_Q_3`), so the group is the cell's name up to the mapping
//! suffix: the register `ip.j0`, with its 128 bits.

use serde_json::{Value, json};
use std::collections::HashMap;

/// The late endpoints of one register.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The register (hierarchical, as Yosys named it).
    pub register: String,
    /// The latest arrival among its endpoints, ns.
    pub worst_ns: f64,
    /// Its endpoints later than the period.
    pub endpoints: usize,
}

/// The late endpoints of a placed design.
#[derive(Debug, Clone, PartialEq)]
pub struct Late {
    /// The clock period they are measured against, ns.
    pub period_ns: f64,
    /// Register endpoints in the report, and how many are late.
    pub endpoints: usize,
    pub late: usize,
    /// The groups, latest first.
    pub groups: Vec<Group>,
}

/// The register a flip-flop or block-RAM cell belongs to: its name up
/// to the technology mapping's suffix.
fn register_of(cell: &str) -> &str {
    let cut = [
        "_TRELLIS_FF_Q",
        "_SB_DFF",
        "_DP16KD",
        "_SB_RAM40",
        "_TRELLIS_RAMW",
        "_TRELLIS_DPR16X4",
    ]
    .iter()
    .filter_map(|s| cell.find(s))
    .min();
    match cut {
        Some(i) if i > 0 => &cell[..i],
        _ => cell,
    }
}

/// The late endpoints in `report` (nextpnr's JSON report written with
/// `--detailed-timing-report`) at `period_ns`; `None` if the report has
/// no detailed net timings.
pub fn late_endpoints(report: &Value, period_ns: f64) -> Option<Late> {
    let nets = report.get("detailed_net_timings")?.as_array()?;
    let (mut endpoints, mut late) = (0, 0);
    let mut groups: HashMap<&str, Group> = HashMap::new();
    for n in nets {
        for e in n["endpoints"].as_array().into_iter().flatten() {
            let (Some(cell), Some(port)) = (e["cell"].as_str(), e["port"].as_str()) else {
                continue;
            };
            if port.starts_with("CLK") || port.ends_with("CLK") {
                continue;
            }
            // (`delay` is [min, max]; older nextpnr writes one number.)
            let arrival = match &e["delay"] {
                Value::Array(a) => a.iter().filter_map(Value::as_f64).reduce(f64::max),
                d => d.as_f64(),
            };
            let Some(arrival) = arrival else { continue };
            endpoints += 1;
            if arrival <= period_ns {
                continue;
            }
            late += 1;
            let r = register_of(cell);
            let g = groups.entry(r).or_insert_with(|| Group {
                register: r.to_string(),
                worst_ns: arrival,
                endpoints: 0,
            });
            g.worst_ns = g.worst_ns.max(arrival);
            g.endpoints += 1;
        }
    }
    let mut groups: Vec<Group> = groups.into_values().collect();
    groups.sort_by(|a, b| {
        b.worst_ns
            .total_cmp(&a.worst_ns)
            .then_with(|| a.register.cmp(&b.register))
    });
    Some(Late {
        period_ns,
        endpoints,
        late,
        groups,
    })
}

impl Late {
    /// The summary for report.json: the counts and the first `n` groups.
    pub fn to_json(&self, n: usize) -> Value {
        json!({
            "period_ns": self.period_ns,
            "register_endpoints": self.endpoints,
            "late_endpoints": self.late,
            "late_groups": self.groups.len(),
            "worst": self.groups.iter().take(n).map(|g| json!({
                "register": g.register,
                "worst_ns": (g.worst_ns * 100.0).round() / 100.0,
                "endpoints": g.endpoints,
            })).collect::<Vec<_>>(),
        })
    }

    /// A Markdown page: every group, latest first.
    pub fn markdown(&self, title: &str) -> String {
        let mut s = format!(
            "# Late endpoints: {title}\n\n{} of {} register endpoints arrive later than the \
             {:.2} ns period, in {} registers (nextpnr's detailed timing report; arrival \
             from the launching clock edge, setup not included).\n\n\
             | register | worst arrival (ns) | late endpoints |\n|---|---:|---:|\n",
            self.late,
            self.endpoints,
            self.period_ns,
            self.groups.len()
        );
        for g in &self.groups {
            s += &format!(
                "| `{}` | {:.2} | {} |\n",
                g.register, g.worst_ns, g.endpoints
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(driver: &str, port: &str, ends: &[(&str, &str, f64)]) -> Value {
        json!({
            "driver": driver, "port": port, "net": format!("{driver}.{port}"),
            "endpoints": ends.iter().map(|(c, p, d)| json!({"cell": c, "port": p, "delay": [d / 2.0, d]})).collect::<Vec<_>>(),
        })
    }

    #[test]
    fn groups_late_register_endpoints_by_register() {
        let r = json!({"detailed_net_timings": [
            // A LUT's output to register inputs and a block RAM's.
            net("lut_a", "F", &[
                ("ip.j0_TRELLIS_FF_Q_1", "DI", 9.0),
                ("ip.j0_TRELLIS_FF_Q_2", "CE", 8.0),
                ("ip.crc_TRELLIS_FF_Q", "M", 7.5),
                ("ram_DP16KD", "ADA3", 12.0),
            ]),
            // A clock is not a timing endpoint.
            net("clk", "O", &[("ip.j0_TRELLIS_FF_Q_1", "CLK", 20.0)]),
            net("lut_b", "F", &[("ip.crc_TRELLIS_FF_Q", "DI", 5.0)]),
        ]});
        let late = late_endpoints(&r, 6.67).unwrap();
        assert_eq!(late.endpoints, 5, "the clock is not an endpoint");
        assert_eq!(late.late, 4);
        let got: Vec<(&str, f64, usize)> = late
            .groups
            .iter()
            .map(|g| (g.register.as_str(), g.worst_ns, g.endpoints))
            .collect();
        assert_eq!(got, [("ram", 12.0, 1), ("ip.j0", 9.0, 2), ("ip.crc", 7.5, 1)]);
        let j = late.to_json(2);
        assert_eq!(j["late_groups"], 3);
        assert_eq!(j["worst"].as_array().unwrap().len(), 2);
        assert!(late.markdown("x").contains("| `ip.j0` | 9.00 | 2 |"));
    }

    #[test]
    fn a_report_without_detail_has_no_answer() {
        assert_eq!(late_endpoints(&json!({"fmax": {}}), 5.0), None);
    }

    #[test]
    fn register_names_lose_the_mapping_suffix() {
        assert_eq!(register_of("ip.aes.sub_0.y_TRELLIS_FF_Q_95"), "ip.aes.sub_0.y");
        assert_eq!(register_of("x_SB_DFFE_Q_3"), "x");
        assert_eq!(register_of("plain"), "plain");
    }
}
