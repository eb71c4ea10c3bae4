//! A gate-level netlist of 2-input XOR, XNOR and AND gates over named
//! wires, written as equations `out = a ^ b` (XOR), `out = a # b` (XNOR),
//! `out = a & b` (AND). The same netlist is evaluated in simulation and
//! emitted as Verilog, so the two cannot drift apart.

/// Gate kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Xor,
    Xnor,
    And,
}

/// One gate: `out = a op b`, operands as indices into the wire list.
#[derive(Clone, Copy, Debug)]
pub struct Gate {
    pub out: usize,
    pub a: usize,
    pub b: usize,
    pub op: Op,
}

/// A parsed netlist: inputs first, then every gate output in order.
#[derive(Clone, Debug)]
pub struct Netlist {
    pub wires: Vec<String>,
    pub inputs: usize,
    pub gates: Vec<Gate>,
    pub outputs: Vec<usize>,
}

impl Netlist {
    /// Parse equations; `inputs` and `outputs` name the ports in order.
    /// Panics on a malformed netlist (they are compile-time constants).
    pub fn parse(inputs: &[&str], outputs: &[&str], text: &str) -> Netlist {
        let mut wires: Vec<String> = inputs.iter().map(|s| s.to_string()).collect();
        let find = |w: &Vec<String>, n: &str| {
            w.iter()
                .position(|x| x == n)
                .unwrap_or_else(|| panic!("netlist: {n} used before it is driven"))
        };
        let mut gates = Vec::new();
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
        {
            let (out, rhs) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("netlist: {line}"));
            let t: Vec<&str> = rhs.split_whitespace().collect();
            let [a, op, b] = t[..] else {
                panic!("netlist: {line}")
            };
            let op = match op {
                "^" => Op::Xor,
                "#" => Op::Xnor,
                "&" => Op::And,
                _ => panic!("netlist: {line}"),
            };
            let (a, b) = (find(&wires, a), find(&wires, b));
            let out_name = out.trim().to_string();
            assert!(
                !wires.contains(&out_name),
                "netlist: {out_name} driven twice"
            );
            wires.push(out_name);
            gates.push(Gate {
                out: wires.len() - 1,
                a,
                b,
                op,
            });
        }
        let outputs = outputs.iter().map(|o| find(&wires, o)).collect();
        Netlist {
            wires,
            inputs: inputs.len(),
            gates,
            outputs,
        }
    }

    /// Evaluate on input bits; the output bits in order.
    pub fn eval(&self, inputs: &[bool]) -> Vec<bool> {
        let mut v = vec![false; self.wires.len()];
        v[..self.inputs].copy_from_slice(inputs);
        for g in &self.gates {
            let (a, b) = (v[g.a], v[g.b]);
            v[g.out] = match g.op {
                Op::Xor => a ^ b,
                Op::Xnor => !(a ^ b),
                Op::And => a & b,
            };
        }
        self.outputs.iter().map(|&o| v[o]).collect()
    }

    /// Verilog for the gates: one `wire` per gate, prefixed so names cannot
    /// clash with ports. Inputs must already be declared as wires
    /// `<prefix><input name>`.
    pub fn verilog(&self, prefix: &str) -> String {
        self.gates
            .iter()
            .map(|g| {
                let (o, a, b) = (&self.wires[g.out], &self.wires[g.a], &self.wires[g.b]);
                match g.op {
                    Op::Xor => format!("wire {prefix}{o} = {prefix}{a} ^ {prefix}{b};\n"),
                    Op::Xnor => format!("wire {prefix}{o} = ~({prefix}{a} ^ {prefix}{b});\n"),
                    Op::And => format!("wire {prefix}{o} = {prefix}{a} & {prefix}{b};\n"),
                }
            })
            .collect()
    }

    /// Gates by kind: (XOR + XNOR, AND).
    pub fn counts(&self) -> (usize, usize) {
        let and = self.gates.iter().filter(|g| g.op == Op::And).count();
        (self.gates.len() - and, and)
    }
}
