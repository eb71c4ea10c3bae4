//! The Verilog of the GF(2^128) multipliers' datapath ([`crate::gf_mul`],
//! [`crate::gf_mul_pipelined`]): a two-level Karatsuba carry-less product
//! and GCM's reduction, written in GCM's reflected bit order so that no
//! bit is reversed on the way in or out.
//!
//! **Product.** A port word `X` holds the coefficient of x^t in bit
//! `127 - t`. The integer carry-less product `Q = X ⊗ Y` (255 bits) then
//! holds the coefficient of x^t in bit `254 - t`, whichever order the
//! words are read in, so Karatsuba applies to the words as they are:
//! `A·B = A1B1·2^n ⊕ ((A1⊕A0)(B1⊕B0) ⊕ A1B1 ⊕ A0B0)·2^(n/2) ⊕ A0B0`.
//! Two levels give nine 32×32 leaf products (9,216 AND terms against the
//! schoolbook's 16,384), each of which reads only 64 operand bits: the
//! leaves place and route as nine local clusters instead of one network
//! in which every operand bit reaches every output bit.
//!
//! **Reduction.** `Q[254:127]` is the low half, reflected as the output
//! wants it; the high half `H = {Q[126:0], 0}` (coefficient of x^(128+j)
//! in bit `127 - j`) is multiplied by x^7 + x^2 + x + 1 (x^128's residue;
//! multiplying by x^k is a right shift by k in reflected order) in a
//! 136-bit word whose low 8 bits catch x^128..x^133, and those are folded
//! once more.
//!
//! **Pipelining.** The datapath is pre-add → leaves → combine → reduce.
//! [`Cuts`] places registers between those phases; every register moves
//! on `en` and is zeroed by `clear` (a zero product). The deepest cut set
//! also splits each leaf in two: sixteen partial products of two terms
//! each (`b[2g]·a·x^2g ⊕ b[2g+1]·a·x^(2g+1)`, one LUT4 per bit) are
//! registered, then XORed; and the leaves' operand registers are
//! replicated, each copy feeding a quarter of the leaf's output bits, so
//! that no operand bit drives more than sixteen LUTs (on ECP5 the
//! operands' fan-out routes were the critical path: 126 MHz with the
//! whole leaf in one stage, 148 MHz split and replicated, for the
//! multiplier alone). Yosys keeps the copies (`(* keep *)` on their
//! `always` blocks; `opt_merge` would fold them back into one).

/// Where the register stages go (`en` moves them all, `clear` zeroes them).
#[derive(Clone, Copy, Debug, Default)]
pub struct Cuts {
    /// Registers on `x` and `y` before anything else.
    pub input_delay: usize,
    /// A register on the leaves' operands (after the pre-add XORs).
    pub after_preadd: bool,
    /// A register on the nine leaf products.
    pub after_leaves: bool,
    /// A register on the 255-bit product before the reduction.
    pub after_combine: bool,
    /// Registers on each leaf's two-term partial products, and
    /// [`REPLICAS`] copies of the leaves' operand registers (with
    /// `after_preadd`).
    pub partials: bool,
    /// The output `z` is a register (else it is combinational).
    pub registered_output: bool,
}

impl Cuts {
    /// The cuts of an `s`-stage multiplier (the output register is one):
    /// 1: output only; 2: + leaves; 3: + combine; 4: + pre-add; 5: +
    /// partial products (and replicated operands); more: the rest as input
    /// delay.
    pub fn stages(s: usize) -> Self {
        assert!(s >= 1, "at least the output register");
        Cuts {
            input_delay: s.saturating_sub(5),
            after_preadd: s >= 4,
            after_leaves: s >= 2,
            after_combine: s >= 3,
            partials: s >= 5,
            registered_output: true,
        }
    }

    /// No register: `z` follows `x` and `y` combinationally.
    pub fn combinational() -> Self {
        Cuts::default()
    }
}

/// The leaves' paths: `h`igh halves, `l`ow halves, `m`id (their XOR).
const PARTS: [char; 3] = ['h', 'l', 'm'];
/// Operand width at the leaves.
const LEAF: usize = 32;

/// The tree's nodes at `depth` (0: the root ""), as (path, operand width).
fn nodes(depth: usize) -> Vec<(String, usize)> {
    let mut level = vec![(String::new(), 128usize)];
    for _ in 0..depth {
        level = level
            .iter()
            .flat_map(|(p, n)| PARTS.iter().map(move |c| (format!("{p}{c}"), n / 2)))
            .collect();
    }
    level
}

/// Depth of the leaves (two levels: 128 → 64 → 32).
fn leaf_depth() -> usize {
    (128 / LEAF).trailing_zeros() as usize
}

/// Copies of each leaf operand register with [`Cuts::partials`].
pub const REPLICAS: usize = 4;

/// A register bank: `name <= src` on `en`, zero on `clear`.
fn register(v: &mut String, width: usize, name: &str, src: &str) {
    register_attr(v, width, name, src, "");
}

/// The same with an attribute on its `always` block.
fn register_attr(v: &mut String, width: usize, name: &str, src: &str, attr: &str) {
    *v += &format!(
        "reg [{m}:0] {name};\ninitial {name} = {width}'d0;\n{attr}always @(posedge clock) begin\n  \
         if (en) {name} <= {src};\n  if (clear) {name} <= {width}'d0;\nend\n",
        m = width - 1
    );
}

/// The multiplier body: inputs `x`, `y` (and `clock`, `en`, `clear` when
/// any cut is a register), output `z` (a `reg` set in an `always` block,
/// as rust-hdl declares outputs).
pub fn verilog(c: Cuts) -> String {
    let mut v = String::new();
    // Input delay line.
    let (mut xs, mut ys) = ("x".to_string(), "y".to_string());
    for i in 0..c.input_delay {
        register(&mut v, 128, &format!("xd{i}"), &xs);
        register(&mut v, 128, &format!("yd{i}"), &ys);
        (xs, ys) = (format!("xd{i}"), format!("yd{i}"));
    }
    // Pre-add: every node's operands, down to the leaves.
    v += &format!("wire [127:0] ka_ = {xs};\nwire [127:0] kb_ = {ys};\n");
    for d in 1..=leaf_depth() {
        for (p, n) in nodes(d) {
            let (parent, last) = p.split_at(p.len() - 1);
            let half = |o: &str| match last {
                "h" => format!("k{o}_{parent}[{}:{}]", 2 * n - 1, n),
                "l" => format!("k{o}_{parent}[{}:0]", n - 1),
                _ => format!(
                    "k{o}_{parent}[{}:{}] ^ k{o}_{parent}[{}:0]",
                    2 * n - 1,
                    n,
                    n - 1
                ),
            };
            v += &format!(
                "wire [{m}:0] ka_{p} = {};\nwire [{m}:0] kb_{p} = {};\n",
                half("a"),
                half("b"),
                m = n - 1
            );
        }
    }
    // Leaves (operands registered first if cut there).
    for (p, n) in nodes(leaf_depth()) {
        let w = 2 * n - 1;
        let name = if c.after_leaves {
            format!("lq_{p}")
        } else {
            format!("q_{p}")
        };
        let term = |a: &str, b: &str, i: usize| {
            format!("({b}[{i}] ? ({{{}'d0, {a}}} << {i}) : {w}'d0)", n - 1)
        };
        if c.partials && c.after_preadd {
            // Copy r of the operands serves output bits [lo(r), lo(r+1)).
            let lo = |r: usize| r * w / REPLICAS;
            for r in 0..REPLICAS {
                for (o, k) in [("a", "ka"), ("b", "kb")] {
                    register_attr(
                        &mut v,
                        n,
                        &format!("r{o}_{p}_{r}"),
                        &format!("{k}_{p}"),
                        "(* keep *) ",
                    );
                }
            }
            // Partial product g: terms 2g and 2g + 1, each output range
            // from its own copy of the operands.
            for g in 0..n / 2 {
                let parts: Vec<String> = (0..REPLICAS)
                    .rev()
                    .map(|r| {
                        let (a, b) = (format!("ra_{p}_{r}"), format!("rb_{p}_{r}"));
                        // Each copy serves only its own output bits.
                        v += &format!(
                            "/* verilator lint_off UNUSEDSIGNAL */\nwire [{}:0] pc_{p}_{g}_{r} = {} ^ {};\n\
                             /* verilator lint_on UNUSEDSIGNAL */\n",
                            w - 1,
                            term(&a, &b, 2 * g),
                            term(&a, &b, 2 * g + 1)
                        );
                        format!("pc_{p}_{g}_{r}[{}:{}]", lo(r + 1) - 1, lo(r))
                    })
                    .collect();
                register(
                    &mut v,
                    w,
                    &format!("pp_{p}_{g}"),
                    &format!("{{{}}}", parts.join(", ")),
                );
            }
            let sum: Vec<String> = (0..n / 2).map(|g| format!("pp_{p}_{g}")).collect();
            v += &format!("wire [{}:0] {name} = {};\n", w - 1, sum.join(" ^ "));
        } else {
            let (a, b) = if c.after_preadd {
                register(&mut v, n, &format!("ra_{p}"), &format!("ka_{p}"));
                register(&mut v, n, &format!("rb_{p}"), &format!("kb_{p}"));
                (format!("ra_{p}"), format!("rb_{p}"))
            } else {
                (format!("ka_{p}"), format!("kb_{p}"))
            };
            let terms: Vec<String> = (0..n).map(|i| term(&a, &b, i)).collect();
            v += &format!("wire [{}:0] {name} = {};\n", w - 1, terms.join("\n  ^ "));
        }
        if c.after_leaves {
            register(&mut v, w, &format!("q_{p}"), &name);
        }
    }
    // Combine, leaves to root.
    for d in (0..leaf_depth()).rev() {
        for (p, n) in nodes(d) {
            let h = n / 2;
            let w = 2 * n - 1;
            v += &format!(
                "wire [{}:0] q_{p} = {{q_{p}h, {n}'d0}}\n  ^ {{{h}'d0, q_{p}m ^ q_{p}h ^ q_{p}l, {h}'d0}}\n  ^ {{{n}'d0, q_{p}l}};\n",
                w - 1
            );
        }
    }
    let q = if c.after_combine {
        register(&mut v, 255, "qr", "q_");
        "qr"
    } else {
        "q_"
    };
    // Reduction (reflected order).
    v += &format!("wire [135:0] ke = {{{q}[126:0], 9'd0}};\n");
    v += "wire [135:0] kf = ke ^ (ke >> 1) ^ (ke >> 2) ^ (ke >> 7);\n";
    v += "wire [127:0] ko = {kf[7:0], 120'd0};\n";
    v += &format!(
        "wire [127:0] zr = {q}[254:127] ^ kf[135:8] ^ ko ^ (ko >> 1) ^ (ko >> 2) ^ (ko >> 7);\n"
    );
    if c.registered_output {
        v += "initial z = 128'd0;\nalways @(posedge clock) begin\n  if (en) z <= zr;\n  if (clear) z <= 128'd0;\nend\n";
    } else {
        v += "always @(*) z = zr;\n";
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nine_leaves_of_32_bits() {
        assert_eq!(leaf_depth(), 2);
        let leaves = nodes(2);
        assert_eq!(leaves.len(), 9);
        assert!(leaves.iter().all(|(_, n)| *n == 32));
    }

    #[test]
    fn cuts_per_stage_count() {
        let regs = |c: Cuts| {
            c.input_delay
                + [
                    c.after_preadd,
                    c.after_leaves,
                    c.after_combine,
                    c.partials,
                    c.registered_output,
                ]
                .iter()
                .filter(|b| **b)
                .count()
        };
        for s in 1..=8 {
            assert_eq!(regs(Cuts::stages(s)), s, "{s} stages");
        }
    }
}
