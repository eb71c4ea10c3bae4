//! SubBytes over a `W`-bit word (16 bytes for the AES state, 4 for the key
//! schedule's SubWord), registered: `y` is the S-box of every byte of the
//! `x` sampled at the last rising edge where `en` was high. The register is
//! part of the S-box in all three forms, so the AES datapath has the same
//! timing whichever form is chosen:
//! - `rom`: a 256-entry constant table per byte (LUTs),
//! - `logic`: the Boyar–Peralta 113-gate circuit per byte (small for ASIC),
//! - `bram`: one 256×8 memory per byte with a registered read port, which
//!   synthesis maps to block RAM (iCE40 EBR, ECP5 DP16KD).
//!
//! Byte order: byte 0 is the most significant byte of `x` (`x[W-1:W-8]`).

use crate::sbox_logic::netlist;
use crate::sbox_rom::table;
use rust_hdl::prelude::*;

/// How the S-boxes are built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SboxForm {
    Rom,
    Logic,
    Bram,
}

impl SboxForm {
    pub const ALL: [SboxForm; 3] = [SboxForm::Rom, SboxForm::Logic, SboxForm::Bram];

    pub fn name(self) -> &'static str {
        match self {
            SboxForm::Rom => "rom",
            SboxForm::Logic => "logic",
            SboxForm::Bram => "bram",
        }
    }

    pub fn parse(s: &str) -> Option<SboxForm> {
        SboxForm::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// Registered SubBytes on a `W`-bit word.
#[derive(LogicBlock)]
pub struct SubBytes<const W: usize> {
    pub clock: Signal<In, Clock>,
    /// Load enable: `y` holds while low.
    pub en: Signal<In, Bit>,
    /// Input word, byte 0 in the most significant bits.
    pub x: Signal<In, Bits<W>>,
    /// S-box of every byte of `x`, one cycle later.
    pub y: Signal<Out, Bits<W>>,
    _form: SboxForm,
    _table: Box<[u8; 256]>,
    /// A second register after the lookup (latency 2).
    _out_reg: bool,
    _q: u128,
}

impl<const W: usize> SubBytes<W> {
    pub fn new(form: SboxForm) -> Self {
        assert!(
            W % 8 == 0 && W <= 128,
            "SubBytes on whole bytes, at most 16"
        );
        SubBytes {
            clock: Default::default(),
            en: Default::default(),
            x: Default::default(),
            y: Default::default(),
            _form: form,
            _table: Box::new(table()),
            _out_reg: false,
            _q: 0,
        }
    }

    /// The same with a second register after the lookup: `y` is two `en`
    /// edges after `x`. For block RAM, whose clock-to-output is slow
    /// (ECP5 DP16KD), this gives the read a cycle of its own. For `rom`,
    /// the lookup itself is split across the two registers: the first
    /// cycle reads two 128-entry half tables (x[7] = 0 and x[7] = 1, each
    /// output bit a 7-input function: one ECP5 PFU, LUT4s and their wide
    /// multiplexers, where the 256-entry table's 8-input functions took
    /// two PFUs and a LUT after them), the second selects with x[7].
    pub fn with_output_register(form: SboxForm) -> Self {
        SubBytes {
            _out_reg: true,
            ..SubBytes::new(form)
        }
    }

    /// Cycles from `x` to `y`.
    pub fn latency(&self) -> usize {
        1 + usize::from(self._out_reg)
    }

    /// The `rom` lookup in two registered halves (see
    /// [`SubBytes::with_output_register`]): `lo` and `hi` hold every byte's
    /// two half-table reads, `b7` its bit 7, and `y` the one `b7` selects.
    fn split_rom(table: &[u8; 256]) -> String {
        let n = W / 8;
        let mut v = String::new();
        for (half, t) in [("SBOX_L", &table[..128]), ("SBOX_H", &table[128..])] {
            v += &format!("(* rom_style = \"logic\" *)\nreg [7:0] {half} [0:127];\n");
            v += "initial begin\n";
            for (i, s) in t.iter().enumerate() {
                v += &format!("  {half}[{i}] = 8'h{s:02x};\n");
            }
            v += "end\n";
        }
        v += &format!(
            "reg [{m}:0] lo, hi;\nreg [{}:0] b7;\ninitial begin\n  lo = 0;\n  hi = 0;\n  b7 = 0;\nend\n",
            n - 1,
            m = W - 1
        );
        v += "always @(posedge clock) if (en) begin\n";
        for k in 0..n {
            let (h, l) = (W - 1 - 8 * k, W - 8 - 8 * k);
            let idx = format!("x[{}:{l}]", h - 1);
            v += &format!(
                "  lo[{h}:{l}] <= SBOX_L[{idx}];\n  hi[{h}:{l}] <= SBOX_H[{idx}];\n  b7[{}] <= x[{h}];\n",
                n - 1 - k
            );
        }
        // (One assignment per 32-bit word, as below.)
        v += "end\nalways @(posedge clock) if (en) begin\n";
        for j in 0..n.div_ceil(4) {
            let bytes: Vec<String> = (4 * j..(4 * j + 4).min(n))
                .map(|k| {
                    let (h, l) = (W - 1 - 8 * k, W - 8 - 8 * k);
                    format!("b7[{}] ? hi[{h}:{l}] : lo[{h}:{l}]", n - 1 - k)
                })
                .collect();
            v += &format!(
                "  y[{}:{}] <= {{{}}};\n",
                W - 1 - 32 * j,
                W - 32 * j - 8 * bytes.len(),
                bytes.join(", ")
            );
        }
        v += "end\n";
        v
    }

    /// Verilog slice of byte `k` of a `W`-bit signal.
    fn byte(sig: &str, k: usize) -> String {
        format!("{sig}[{}:{}]", W - 1 - 8 * k, W - 8 - 8 * k)
    }
}

impl<const W: usize> Logic for SubBytes<W> {
    fn update(&mut self) {
        if self.clock.pos_edge() && self.en.val() {
            let x = self.x.val().to_u128();
            let y = (0..W / 8).fold(0u128, |acc, k| {
                let b = (x >> (W - 8 - 8 * k)) as u8;
                acc | (self._table[b as usize] as u128) << (W - 8 - 8 * k)
            });
            if self._out_reg {
                self.y.next = crate::bits::from_u128(self._q);
                self._q = y;
            } else {
                self.y.next = crate::bits::from_u128(y);
            }
        }
    }

    fn connect(&mut self) {
        self.y.connect();
    }

    fn hdl(&self) -> Verilog {
        if self._out_reg && self._form == SboxForm::Rom {
            return Verilog::Custom(Self::split_rom(&self._table));
        }
        let n = W / 8;
        let mut v = String::new();
        let outs: Vec<String>;
        match self._form {
            SboxForm::Rom => {
                // A 256-entry ROM array read with the byte as index:
                // Verilator reads it as a C array (a 256-way `case` became
                // a tree of eight data-dependent branches per lookup:
                // half of a TX simulation), and Yosys maps it, as
                // `rom_style = "logic"` asks, to one mux tree per bit that
                // ABC reduces to about 150 ECP5 LUT4 per S-box. (A packed
                // 2,048-bit constant indexed by `{a, 3'b000}` is as quick
                // in Verilator but becomes a 2,048-bit shifter per lookup
                // in Yosys: the 168 of a pipelined AES took 17 GB and
                // did not finish in 25 minutes.)
                v += "(* rom_style = \"logic\" *)\nreg [7:0] SBOX_T [0:255];\ninitial begin\n";
                for (i, s) in self._table.iter().enumerate() {
                    v += &format!("  SBOX_T[{i}] = 8'h{s:02x};\n");
                }
                v += "end\n";
                outs = (0..n)
                    .map(|k| format!("SBOX_T[{}]", Self::byte("x", k)))
                    .collect();
            }
            SboxForm::Logic => {
                let net = netlist();
                for k in 0..n {
                    let p = format!("b{k}_");
                    for i in 0..8 {
                        v += &format!("wire {p}U{i} = x[{}];\n", W - 1 - 8 * k - i);
                    }
                    v += &net.verilog(&p);
                }
                outs = (0..n)
                    .map(|k| {
                        format!(
                            "{{{}}}",
                            (0..8)
                                .map(|i| format!("b{k}_S{i}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                    .collect();
            }
            SboxForm::Bram => {
                for k in 0..n {
                    // Without the attribute, Yosys maps a 2-Kbit table to
                    // LUTs (measured: no DP16KD on ECP5).
                    v += &format!(
                        "(* rom_style = \"block\", ram_style = \"block\" *)\nreg [7:0] mem{k} [0:255];\ninitial begin\n"
                    );
                    for (i, s) in self._table.iter().enumerate() {
                        v += &format!("  mem{k}[{i}] = 8'h{s:02x};\n");
                    }
                    v += "end\n";
                }
                outs = (0..n)
                    .map(|k| format!("mem{k}[{}]", Self::byte("x", k)))
                    .collect();
            }
        }
        // One assignment per 32-bit word: Verilator builds a word from four
        // bytes with plain integer operations, where a 16-byte
        // concatenation into a wide value calls its generic bit inserter
        // (measured: the S-boxes' inserts were 8% of a TX simulation).
        let words = |dst: &str| -> String {
            outs.chunks(4)
                .enumerate()
                .map(|(j, w)| {
                    format!(
                        "  {dst}[{}:{}] <= {{{}}};\n",
                        W - 1 - 32 * j,
                        W - 32 - 32 * j,
                        w.join(", ")
                    )
                })
                .collect()
        };
        if self._out_reg {
            v += &format!("reg [{}:0] q;\ninitial q = 0;\n", W - 1);
            v += &format!(
                "always @(posedge clock) if (en) begin\n{}  y <= q;\nend\n",
                words("q")
            );
        } else {
            v += &format!("always @(posedge clock) if (en) begin\n{}end\n", words("y"));
        }
        Verilog::Custom(v)
    }
}
