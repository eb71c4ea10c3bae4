//! The port list of an emitted module, read from its declarations.

/// Port direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    In,
    Out,
}

/// One port of the top module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub name: String,
    pub dir: Dir,
    pub width: usize,
}

impl Port {
    /// Number of 32-bit words that carry the port.
    pub fn words(&self) -> usize {
        self.width.div_ceil(32)
    }
}

/// Ports of `module_text` (rust-hdl's non-ANSI style: `input wire [W-1:0]
/// name;` / `output reg name;` declarations), in declaration order.
pub fn ports(module_text: &str) -> Vec<Port> {
    let mut out = Vec::new();
    for line in module_text.lines().map(str::trim) {
        // Port declarations only (`input wire`, `output reg|wire`), not
        // the arguments of functions in a custom body.
        let dir = if line.starts_with("input wire") {
            Dir::In
        } else if line.starts_with("output reg") || line.starts_with("output wire") {
            Dir::Out
        } else {
            continue;
        };
        let decl = line.trim_end_matches(';');
        let width = match (decl.find('['), decl.find(':')) {
            (Some(a), Some(b)) if b > a => decl[a + 1..b]
                .trim()
                .parse::<usize>()
                .map(|m| m + 1)
                .unwrap_or(1),
            _ => 1,
        };
        let name = decl.split_whitespace().last().unwrap_or("").to_string();
        out.push(Port { name, dir, width });
    }
    out
}

/// An instance of `m` connecting every port (checked against its
/// declarations).
pub fn instance(
    m: &crate::emit::Module,
    inst: &str,
    conns: &[(&str, &str)],
) -> Result<String, String> {
    let ps = ports(&m.text);
    for p in &ps {
        if !conns.iter().any(|(n, _)| *n == p.name) {
            return Err(format!("{}: port {} not connected", m.name, p.name));
        }
    }
    for (n, _) in conns {
        if !ps.iter().any(|p| p.name == *n) {
            return Err(format!("{}: no port {n}", m.name));
        }
    }
    let c: Vec<String> = conns.iter().map(|(p, s)| format!(".{p}({s})")).collect();
    Ok(format!("{} {inst}({});\n", m.name, c.join(", ")))
}

/// The Verilog range of a `w`-bit signal (`[w-1:0] `, nothing for 1 bit).
pub fn range(w: usize) -> String {
    if w > 1 {
        format!("[{}:0] ", w - 1)
    } else {
        String::new()
    }
}

/// The non-ANSI declaration of port `p` (as an `input wire` or `output
/// wire`), `w` bits wide: the lines a wrapper top writes for its ports.
pub fn declaration(p: &Port, w: usize) -> String {
    let dir = if p.dir == Dir::In { "input" } else { "output" };
    format!("  {dir} wire {}{};\n", range(w), p.name)
}
