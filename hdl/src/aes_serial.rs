//! AES encryption core, column-serial: four S-boxes and one MixColumns
//! column, for the smallest parts (iCE40 UP5K), where the iterative core's
//! sixteen S-boxes and 128-bit round function do not fit beside a link.
//!
//! Each round reads the state's four diagonals one per cycle (that read
//! is ShiftRows: row r of column j comes from column j + r), looks up
//! their four bytes in the S-boxes (registered: the result is there the
//! next cycle), mixes the column and adds the round-key word, and shifts
//! the new column into a three-column register; the fourth new column and
//! those three replace the state. A round is 5 cycles, the initial
//! AddRoundKey a round of its own (its columns pass a register in place
//! of the S-boxes), so `m_valid` rises 5·(Nr + 1) + 1 cycles after the
//! accepting edge, counted as for the other cores: 56 for AES-128, 76 for
//! AES-256. The state is the output register: the next block is taken
//! the cycle after the output is, 5·(Nr + 1) + 2 cycles per block with a
//! sink always ready.
//!
//! Round keys: 4·(Nr + 1) 32-bit words in a memory with a registered read
//! port (two iCE40 EBR, one ECP5 DP16KD), one word read per cycle as the
//! columns need them. The key expansion writes them a word at a time on
//! key load, through the same four S-boxes, from a shift register of the
//! last Nk words (the key as taken): Nk cycles for the key's own words,
//! then 2 per word (the S-box lookup, then the write): 85 cycles for
//! AES-128, 113 for AES-256, counted from the key handshake's edge to
//! `key_loaded` (the tests check these figures).
//!
//! `flush` (one cycle) drops the block in flight and the output, keeping
//! the keys. `zeroize` (one cycle) drops the block and the output, clears
//! `key_loaded`, the state and the key register at once, then overwrites
//! the round-key memory a word per cycle: `key_ready` returns 4·(Nr + 1)
//! + 2 cycles after the zeroize edge (46 for AES-128, 62 for AES-256).
//!
//! Its chaining form, [`crate::aes_chain::AesChain`], takes the key a
//! word a cycle during those first Nk cycles, from `key[255:224]` (the
//! byte-serial blocks keep their key slots in block RAM and feed it so),
//! and absorbs bytes into its state in place of `s_data`; its state is
//! in four small memories, one per row.
//!
//! The ports are those of [`crate::aes_iterative::AesIterative`]. The
//! Verilog is the design (`hdl()`), verified in Verilator cosimulation
//! against the golden model and FIPS-197; rust-hdl's simulation of this
//! block holds its outputs low.

use crate::sub_bytes::{SboxForm, SubBytes};
use rust_hdl::prelude::*;

/// Column-serial AES-128/256 encryption core.
#[derive(LogicBlock)]
pub struct AesSerial {
    pub clock: Signal<In, Clock>,
    /// Clear keys and state (see the module documentation for the cycles).
    pub zeroize: Signal<In, Bit>,
    /// Drop the block in flight and the output (keys kept), one cycle.
    pub flush: Signal<In, Bit>,
    /// Cipher key, byte 0 in `key[255:248]`; AES-128 uses `key[255:128]`.
    pub key: Signal<In, Bits<256>>,
    pub key_valid: Signal<In, Bit>,
    /// High when a key can be taken (no block in flight, no expansion or
    /// zeroize running).
    pub key_ready: Signal<Out, Bit>,
    /// The round keys of the last key are loaded.
    pub key_loaded: Signal<Out, Bit>,
    /// Plaintext block, byte 0 in `s_data[127:120]`.
    pub s_data: Signal<In, Bits<128>>,
    pub s_valid: Signal<In, Bit>,
    /// High when idle with a key and the last output taken.
    pub s_ready: Signal<Out, Bit>,
    /// Ciphertext block, held until `m_ready`.
    pub m_data: Signal<Out, Bits<128>>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub(crate) sub: SubBytes<32>,
    pub(crate) _key_bits: usize,
}

impl AesSerial {
    pub fn new(key_bits: usize, form: SboxForm) -> Self {
        assert!(key_bits == 128 || key_bits == 256, "AES-128 or AES-256");
        AesSerial {
            clock: Default::default(),
            zeroize: Default::default(),
            flush: Default::default(),
            key: Default::default(),
            key_valid: Default::default(),
            key_ready: Default::default(),
            key_loaded: Default::default(),
            s_data: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            m_data: Default::default(),
            m_valid: Default::default(),
            m_ready: Default::default(),
            sub: SubBytes::new(form),
            _key_bits: key_bits,
        }
    }

    pub(crate) fn nr(key_bits: usize) -> usize {
        key_bits / 32 + 6
    }

    /// Cycles from the accepting edge to `m_valid`.
    pub fn latency(key_bits: usize) -> usize {
        5 * (Self::nr(key_bits) + 1) + 1
    }

    /// Cycles per block with a source and a sink always ready.
    pub fn cycles_per_block(key_bits: usize) -> usize {
        Self::latency(key_bits) + 1
    }

    /// Cycles from the key handshake's edge to `key_loaded`.
    pub fn key_load_cycles(key_bits: usize) -> usize {
        let (nk, words) = (key_bits / 32, 4 * (Self::nr(key_bits) + 1));
        1 + nk + 2 * (words - nk)
    }

    /// Cycles from the zeroize edge to `key_ready`.
    pub fn zeroize_cycles(key_bits: usize) -> usize {
        4 * (Self::nr(key_bits) + 1) + 2
    }
}

/// The Logic of the column-serial core and of its chaining form (the
/// same outputs and S-box; `$body`: the Verilog body of a key size).
macro_rules! serial_logic {
    ($t:ty, $body:path $(, $data:ident)*) => {
        impl Logic for $t {
            fn update(&mut self) {
                self.sub.clock.next = self.clock.val();
            }

            fn connect(&mut self) {
                for s in [
                    &mut self.key_ready,
                    &mut self.key_loaded,
                    &mut self.s_ready,
                    &mut self.m_valid,
                ] {
                    s.connect();
                }
                $(self.$data.connect();)*
                self.sub.clock.connect();
                self.sub.en.connect();
                self.sub.x.connect();
            }

            fn hdl(&self) -> Verilog {
                Verilog::Custom($body(self._key_bits))
            }
        }
    };
}
serial_logic!(AesSerial, core_verilog, m_data);
serial_logic!(
    crate::aes_chain::AesChain,
    crate::aes_chain::chain_verilog,
    m_byte,
    m_next_top
);

/// The key expansion that the column-serial core and its chaining form
/// share, as Verilog fragments for their bodies (which declare `busy`,
/// `outv`, `rnd`, `ph` and drive `sub$x`). `word_key`: the key comes a
/// word a cycle on `key[255:224]` (the chaining form), else whole at the
/// handshake.
pub(crate) struct KeyExpansion {
    /// Parameters, registers, the round-key memory, initial values.
    pub decl: String,
    /// `idle`, `kload`, MixColumns of `sub$y` (`mixed`), the key word.
    pub wires: String,
    /// The round-key memory's read address when no block is in flight.
    rk_idle: String,
    /// The expansion's and the wipe's steps (in the sequential block).
    pub steps: String,
    /// What `zeroize` clears of the key (in the sequential block).
    pub clear: String,
}

impl KeyExpansion {
    pub(crate) fn new(kb: usize, word_key: bool) -> Self {
        let wk = word_key;
        let nk = kb / 32;
        let nr = AesSerial::nr(kb);
        let words = 4 * (nr + 1);
        // The key words: top (w[i - Nk]), bottom (w[i - 1]): from `kr`, the
        // last Nk words; in word mode `kr` is w[i - 1] alone and w[i - Nk]
        // is read back from the round-key memory a cycle ahead (its read
        // port is free during the expansion), Nk - 1 words fewer.
        let (ktop, kr_next, kr_bits, rk_idle) = if wk {
            (
                "rk_q".to_string(),
                "kword".to_string(),
                32,
                format!("ki - 6'd{nk}"),
            )
        } else {
            (
                format!("kr[{}:{}]", kb - 1, kb - 32),
                format!("{{kr[{}:0], kword}}", kb - 33),
                kb,
                "6'd0".to_string(),
            )
        };
        let sub_word4 = if nk == 8 {
            "kpos == 3'd4 ? sub$y : "
        } else {
            ""
        };
        // (AES-128 takes `key[255:128]`; Verilator's lint passes signals
        // named `unused*`.)
        let unused = if wk {
            "wire unused_key_lo = ^key[223:0];\n"
        } else if kb == 128 {
            "wire unused_key_lo = ^key[127:0];\n"
        } else {
            ""
        };
        // The key's own words: from the port (word mode) or from `kr`,
        // loaded whole at the handshake.
        let (kword, kr_load) = if wk {
            (
                format!("kcopy ? key[255:224] : {ktop} ^ kt_val"),
                String::new(),
            )
        } else {
            (
                format!("{ktop} ^ (kcopy ? 32'd0 : kt_val)"),
                format!("    kr <= key[255:{}];\n", 256 - kb),
            )
        };
        let krm = kr_bits - 1;
        KeyExpansion {
            decl: format!(
                r#"{unused}localparam NR = 4'd{nr}, LASTW = 6'd{lastw}, NKM = 3'd{nkm};
// Key expansion: `kbusy` while it runs (`kcopy`: the key's own words,
// `kt`: the S-box lookup's cycle), word `ki`, its place `kpos` in the
// key; `zbusy` while the round-key memory is wiped (word `zi`).
reg loaded, kbusy, kcopy, kt, zbusy;
reg [2:0] kpos;
reg [5:0] ki, zi;
reg [7:0] rcon;
reg [31:0] rk_q;
reg [{krm}:0] kr;
// (No word is read in the cycle it is written, or the read is not used:
// `no_rw_check` spares Yosys the logic that would order the two.)
(* no_rw_check *) reg [31:0] rkm [0:63];
initial begin
  loaded = 0; kbusy = 0; kcopy = 0; kt = 0; zbusy = 0;
  kpos = 0; ki = 0; zi = 0; rcon = 0; rk_q = 0; kr = 0;
end
"#,
                lastw = words - 1,
                nkm = nk - 1,
            ),
            wires: format!(
                r#"wire idle = ~busy & ~kbusy & ~zbusy;
wire kload = key_valid & idle & ~zeroize;
// MixColumns of the S-box outputs.
wire [7:0] a0 = sub$y[31:24], a1 = sub$y[23:16], a2 = sub$y[15:8], a3 = sub$y[7:0];
wire [7:0] x0 = {{a0[6:0], 1'b0}} ^ (a0[7] ? 8'h1b : 8'h00);
wire [7:0] x1 = {{a1[6:0], 1'b0}} ^ (a1[7] ? 8'h1b : 8'h00);
wire [7:0] x2 = {{a2[6:0], 1'b0}} ^ (a2[7] ? 8'h1b : 8'h00);
wire [7:0] x3 = {{a3[6:0], 1'b0}} ^ (a3[7] ? 8'h1b : 8'h00);
wire [31:0] mixed = {{x0 ^ x1 ^ a1 ^ a2 ^ a3, a0 ^ x1 ^ x2 ^ a2 ^ a3, a0 ^ a1 ^ x2 ^ x3 ^ a3, x0 ^ a0 ^ a1 ^ a2 ^ x3}};
// Key expansion: w[i] = w[i - Nk] ^ T(w[i - 1]); `kr` holds the last Nk
// words, w[i - Nk] on top (word mode: w[i - 1]; w[i - Nk] is rk_q).
wire [31:0] kbot = kr[31:0];
wire [31:0] kt_val = kpos == 3'd0 ? sub$y ^ {{rcon, 24'd0}} : {sub_word4}kbot;
wire [31:0] kword = {kword};
wire kwrite = kbusy & (kcopy | kt);
"#
            ),
            rk_idle,
            steps: format!(
                r#"  if (kload) begin
{kr_load}    kbusy <= 1'b1;
    kcopy <= 1'b1;
    kt <= 1'b0;
    ki <= 6'd0;
    kpos <= 3'd0;
    rcon <= 8'h01;
    loaded <= 1'b0;
  end
  if (kbusy) begin
    if (kcopy | kt) begin
      kr <= {kr_next};
      ki <= ki + 6'd1;
      kpos <= kpos == NKM ? 3'd0 : kpos + 3'd1;
      if (~kcopy & kpos == 3'd0) rcon <= {{rcon[6:0], 1'b0}} ^ (rcon[7] ? 8'h1b : 8'h00);
      if (kpos == NKM) kcopy <= 1'b0;
      if (ki == LASTW) begin
        kbusy <= 1'b0;
        loaded <= 1'b1;
      end
    end
    kt <= ~kcopy & ~kt;
  end
  if (zbusy) begin
    zi <= zi + 6'd1;
    if (zi == LASTW) zbusy <= 1'b0;
  end
"#
            ),
            clear: format!(
                "    loaded <= 1'b0;\n    kbusy <= 1'b0;\n    zbusy <= 1'b1;\n    zi <= 6'd0;\n    \
                 kr <= {kr_bits}'d0;\n    rcon <= 8'd0;\n"
            ),
        }
    }
}

impl KeyExpansion {
    /// The outputs both forms share and the S-box's input (`sbox_in`
    /// while a block is in flight, else the expansion's word), in the
    /// body's combinational block (which drives the data outputs).
    pub(crate) fn control(&self, sbox_in: &str) -> String {
        format!(
            r#"  sub$clock = clock;
  sub$en = 1'b1;
  sub$x = 32'd0;
  if (busy) sub$x = {sbox_in};
  else if (kbusy) sub$x = kpos == 3'd0 ? {{kbot[23:0], kbot[31:24]}} : kbot;
  key_ready = idle & ~zeroize;
  key_loaded = loaded;
  s_ready = idle & loaded & ~outv & ~key_valid & ~zeroize & ~flush;
"#
        )
    }

    /// The round-key memory's ports: one write (expansion, zeroize), one
    /// registered read (`busy_addr`: the word the next column adds).
    pub(crate) fn round_key_port(&self, busy_addr: &str) -> String {
        format!(
            r#"// The round-key memory: one write port (expansion, zeroize), one
// registered read (the word the next column adds).
always @(posedge clock) begin
  if (zbusy) rkm[zi] <= 32'd0;
  else if (kwrite) rkm[ki] <= kword;
  rk_q <= rkm[busy ? {busy_addr} : {idle}];
end
"#,
            idle = self.rk_idle
        )
    }
}

/// The column-serial core's body.
fn core_verilog(kb: usize) -> String {
    let k = KeyExpansion::new(kb, false);
    // Byte r (0 = top) of column c of the state `st`.
    let byte = |c: usize, r: usize| {
        let hi = 127 - 32 * c - 8 * r;
        format!("st[{hi}:{}]", hi - 7)
    };
    // Row r of the column read at phase `ph`: column ph (round 0, the
    // columns themselves) or ph + r (the diagonals: ShiftRows).
    let mut rows = String::new();
    for r in 0..4 {
        let cases: Vec<String> = (0..4)
            .map(|c| format!("    2'd{c}: rd{r} = {};", byte(c, r)))
            .collect();
        rows += &format!(
            "reg [7:0] rd{r};\nwire [1:0] rc{r} = ph[1:0] + (rnd == 4'd0 ? 2'd0 : 2'd{r});\n\
             always @(*)\n  case (rc{r})\n{}\n  endcase\n",
            cases.join("\n")
        );
    }
    format!(
        r#"{decl}// Block: `busy` while a block is in flight, round `rnd` (0: the initial
// AddRoundKey), phase `ph` (0..3 read column/diagonal ph, 1..4 write new
// column ph - 1); `outv`: `st` holds the ciphertext.
reg busy, outv;
reg [3:0] rnd;
reg [2:0] ph;
reg [127:0] st;
reg [95:0] nx;
reg [31:0] cq;
initial begin
  busy = 0; outv = 0; rnd = 0; ph = 0; st = 0; nx = 0; cq = 0;
end
{wires}wire take = s_valid & s_ready;
{rows}wire [31:0] rd = {{rd0, rd1, rd2, rd3}};
// The new column: MixColumns (not in the last round; round 0 takes the
// column itself, from `cq`), plus the round-key word.
wire [31:0] col = (rnd == 4'd0 ? cq : rnd == NR ? sub$y : mixed) ^ rk_q;
always @(*) begin
{control}  m_data = st;
  m_valid = outv;
end
{rk_port}always @(posedge clock) begin
  if (m_ready) outv <= 1'b0;
  if (take) begin
    st <= s_data;
    busy <= 1'b1;
    rnd <= 4'd0;
    ph <= 3'd0;
  end
  if (busy) begin
    if (rnd == 4'd0) cq <= rd;
    if (ph == 3'd4) begin
      st <= {{nx, col}};
      ph <= 3'd0;
      if (rnd == NR) begin
        busy <= 1'b0;
        outv <= 1'b1;
      end else rnd <= rnd + 4'd1;
    end else begin
      ph <= ph + 3'd1;
      if (ph != 3'd0) nx <= {{nx[63:0], col}};
    end
  end
{steps}  if (flush) begin
    busy <= 1'b0;
    outv <= 1'b0;
  end
  if (zeroize) begin
    busy <= 1'b0;
    outv <= 1'b0;
{clear}    st <= 128'd0;
    nx <= 96'd0;
    cq <= 32'd0;
  end
end
"#,
        decl = k.decl,
        wires = k.wires,
        control = k.control("rd"),
        rk_port = k.round_key_port("{rnd, 2'd0} + {3'd0, ph}"),
        steps = k.steps,
        clear = k.clear,
    )
}
