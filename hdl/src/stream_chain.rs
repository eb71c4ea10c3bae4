//! Several streams (`--streams N`): N one-stream TX (or RX) cores in a
//! chain, one security context each.
//!
//! Every core protects (or verifies) the packets of the stream its
//! context names and passes every other packet through unchanged
//! (spec §2: streams are independent, and a packet of a stream with no
//! context passes through), so N cores in series treat each stream as a
//! lone core would, in the input's packet order, whatever the
//! interleaving. A packet a core passes through keeps its `tuser` (the
//! TX's incomplete flag, the RX's verdicts: the cores' `s_axis_tuser`),
//! so the chain's output carries every core's findings.
//!
//! Registers: core k's APB registers are bank k, at `k << 12` (`paddr`
//! grows by the bank bits); an address past the last bank is refused
//! (`pslverr`). `rekey_needed` and `alarm` are the OR of the cores'.
//!
//! Cost: N cores' area (each with its AES core and MAC unit), and a few
//! cycles of latency per core; throughput is a core's (a core passes a
//! packet of another stream at one beat per cycle). A shared-engine
//! version is the way to many streams in little area.

use crate::emit::Module;
use crate::ports::{declaration, instance, ports, range};

/// The chain top `csi2sec_<name>` of `n` copies of `core` (a one-stream
/// design, top first); top first.
pub fn chain(core: Vec<Module>, name: &str, config: &str, n: usize) -> Result<Vec<Module>, String> {
    if !(2..=16).contains(&n) {
        return Err(format!("{n} streams: a chain has 2 to 16 cores"));
    }
    let top = format!("csi2sec_{name}");
    let c = core.first().ok_or("no core module")?;
    let cp = ports(&c.text);
    let bank_bits = (n as u32).next_power_of_two().trailing_zeros() as usize;
    let addr_bits = 12 + bank_bits;
    let width = |name: &str| cp.iter().find(|p| p.name == name).map(|p| p.width);
    let names: Vec<&str> = cp.iter().map(|p| p.name.as_str()).collect();
    let mut v = format!(
        "// {top}: {n} streams, one context each: {n} cores {core} in a chain\n\
         // (csi2sec stream_chain); core k's registers at k << 12.\nmodule {top}({});\n",
        names.join(", "),
        core = c.name
    );
    for p in &cp {
        v += &declaration(
            p,
            if p.name == "paddr" {
                addr_bits
            } else {
                p.width
            },
        );
    }
    // Stream k of the chain: s_axis into core k is c{k}_*, c{n} the output.
    let stream = [
        ("tdata", 128),
        ("tkeep", 16),
        ("tlast", 1),
        ("tuser", 0),
        ("tvalid", 1),
        ("tready", 1),
    ];
    let user_in = width("s_axis_tuser").ok_or("core without s_axis_tuser")?;
    let user_out = width("m_axis_tuser").ok_or("core without m_axis_tuser")?;
    if user_out != user_in {
        // (TX: the 1-bit flag; RX: 8 bits of verdicts; the same on both
        // sides of a core.)
        return Err(format!(
            "{}: s_axis_tuser ({user_in}) and m_axis_tuser ({user_out}) differ",
            c.name
        ));
    }
    for k in 1..n {
        for (s, w) in stream {
            // Between cores the user channel is the upstream core's output.
            let w = if s == "tuser" { user_out } else { w };
            v += &format!("wire {}c{k}_{s};\n", range(w));
        }
    }
    v += &format!(
        "wire [{bb}:0] bank = paddr[{hi}:12];\nwire [{m}:0] pready_k, pslverr_k{rekey}{alarm};\n",
        bb = bank_bits - 1,
        hi = addr_bits - 1,
        m = n - 1,
        rekey = if width("rekey_needed").is_some() {
            ", rekey_k"
        } else {
            ""
        },
        alarm = if width("alarm").is_some() {
            ", alarm_k"
        } else {
            ""
        },
    );
    for k in 0..n {
        v += &format!("wire [31:0] prdata_{k};\n");
    }
    for k in 0..n {
        let at = |s: &str, end: usize| -> String {
            // Core k's input is the chain's input for k = 0; its output is
            // the chain's output for k = n - 1.
            if end == 0 && k == 0 {
                format!("s_axis_{s}")
            } else if end == 1 && k == n - 1 {
                format!("m_axis_{s}")
            } else {
                format!("c{}_{s}", k + end)
            }
        };
        let mut conns: Vec<(String, String)> = Vec::new();
        for p in &cp {
            let sig = match p.name.as_str() {
                n if n.starts_with("s_axis_") => at(&n[7..], 0),
                n if n.starts_with("m_axis_") => at(&n[7..], 1),
                "psel" => format!("psel & bank == {}'d{k}", bank_bits),
                "paddr" => "paddr[11:0]".to_string(),
                "prdata" => format!("prdata_{k}"),
                "pready" => format!("pready_k[{k}]"),
                "pslverr" => format!("pslverr_k[{k}]"),
                "rekey_needed" => format!("rekey_k[{k}]"),
                "alarm" => format!("alarm_k[{k}]"),
                other => other.to_string(),
            };
            conns.push((p.name.clone(), sig));
        }
        let conns: Vec<(&str, &str)> = conns
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        v += &instance(c, &format!("stream{k}"), &conns)?;
    }
    // The bank's read data and response; past the last bank, an error.
    let pick = |at: &dyn Fn(usize) -> String, none: &str| -> String {
        let mut e = none.to_string();
        for k in (0..n).rev() {
            e = format!("bank == {bank_bits}'d{k} ? {} : {e}", at(k));
        }
        e
    };
    v += &format!(
        "assign prdata = {};\nassign pready = {};\nassign pslverr = {};\n",
        pick(&|k| format!("prdata_{k}"), "32'd0"),
        pick(&|k| format!("pready_k[{k}]"), "1'b1"),
        pick(&|k| format!("pslverr_k[{k}]"), "psel"),
    );
    if width("rekey_needed").is_some() {
        v += "assign rekey_needed = |rekey_k;\n";
    }
    if width("alarm").is_some() {
        v += "assign alarm = |alarm_k;\n";
    }
    v += "endmodule";
    let mut out = vec![Module::generated(&top, config, &v)];
    out.extend(core);
    Ok(out)
}
