//! The column-serial AES core ([`crate::aes_serial`]) in a chaining
//! form, for the byte-serial TX and RX's CMAC: the chain value is the
//! core's state, and the state lives in four small memories, one per row
//! (block RAM on iCE40 and ECP5), instead of 256 flip-flops.
//!
//! - `x_valid`, `x_data`: each byte of the message is XORed into the
//!   state byte at the pointer, which then moves on a byte (AES byte
//!   order: byte k is row k mod 4 of column k / 4). After sixteen bytes
//!   the state is chain ⊕ block and the pointer is back at byte 0;
//!   `s_valid` then encrypts the state in place.
//! - `m_byte` is the state byte at the pointer, `m_next_top` the top bit
//!   of the one after it (what CMAC's doubling needs). The tag is read a
//!   byte at a time by stepping the pointer with `x_valid` and a zero
//!   `x_data`.
//! - `flush` drops a block in flight and zeroes the state (a new
//!   message); a key load zeroes it too, so that E_K(0) follows a load
//!   directly. Zero is a flag (`fresh`: the state reads as zero until
//!   all sixteen bytes are written or a block is taken), not a write.
//! - `zeroize` also sets the flag, and the state memories are overwritten
//!   with zeros while the round-key memory is (the same cycles).
//!
//! The rounds are the column-serial core's, with the same latency
//! (5·(Nr + 1) + 1 cycles to `m_valid`): each round reads its four
//! diagonals one per cycle from the memories (each row its own address:
//! ShiftRows), the S-boxes' registered lookup follows the memories'
//! registered read, and each new column is written to the other half of
//! the memories (two banks) two cycles after its read. The next round's
//! first diagonal is read while the last column is written: its row 3
//! comes from the column itself (`byp`). Round 0 reads the columns
//! straight, a cycle later, so that every round writes its columns at the
//! same phases. The last round's fourth column is written in the cycle
//! `m_valid` rises (`wfin`), when the pointer is not moved.
//!
//! The key comes a word a cycle (see `key`). `x_valid` is for an idle
//! core only (`s_ready`, or no key loaded yet, and not the cycle
//! `m_valid` rises): the blocks using it hold it off while a block is in
//! flight.

use crate::aes_serial::KeyExpansion;
use crate::sub_bytes::{SboxForm, SubBytes};
use rust_hdl::prelude::*;

/// Column-serial AES-128/256 with the CMAC chain in its state.
#[derive(LogicBlock)]
pub struct AesChain {
    pub clock: Signal<In, Clock>,
    /// Clear keys and state (as the column-serial core).
    pub zeroize: Signal<In, Bit>,
    /// Drop the block in flight and the output, zero the state; one cycle.
    pub flush: Signal<In, Bit>,
    /// Key word i on `key[255:224]` in the i-th cycle after the key
    /// handshake's edge (the rest unused).
    pub key: Signal<In, Bits<256>>,
    pub key_valid: Signal<In, Bit>,
    pub key_ready: Signal<Out, Bit>,
    pub key_loaded: Signal<Out, Bit>,
    /// Absorb `x_data` into the state (idle core only).
    pub x_valid: Signal<In, Bit>,
    pub x_data: Signal<In, Bits<8>>,
    /// Encrypt the state in place.
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// The state's byte at the pointer (zero after `flush`, until written).
    pub m_byte: Signal<Out, Bits<8>>,
    /// The top bit of the state's byte after it (byte 0 after byte 15).
    pub m_next_top: Signal<Out, Bit>,
    /// The state holds the last block's ciphertext, until `m_ready`.
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    pub(crate) sub: SubBytes<32>,
    pub(crate) _key_bits: usize,
}

impl AesChain {
    pub fn new(key_bits: usize, form: SboxForm) -> Self {
        assert!(key_bits == 128 || key_bits == 256, "AES-128 or AES-256");
        AesChain {
            clock: Default::default(),
            zeroize: Default::default(),
            flush: Default::default(),
            key: Default::default(),
            key_valid: Default::default(),
            key_ready: Default::default(),
            key_loaded: Default::default(),
            x_valid: Default::default(),
            x_data: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            m_byte: Default::default(),
            m_next_top: Default::default(),
            m_valid: Default::default(),
            m_ready: Default::default(),
            sub: SubBytes::new(form),
            _key_bits: key_bits,
        }
    }
}

/// The chaining core's body.
pub(crate) fn chain_verilog(kb: usize) -> String {
    let k = KeyExpansion::new(kb, true);
    // Per row r: its memory (two banks of four columns), registered read
    // `q{r}` at `ra{r}`, one write port (declared after the column).
    // Block RAM even this small (Yosys would build 64 flip-flops); no read
    // that is used meets a write to its address (row 3 of the first
    // diagonal does, and comes from `byp`): `no_rw_check`.
    let (mut rows, mut writes) = (String::new(), String::new());
    for r in 0..4 {
        let hi = 31 - 8 * r;
        // (Row 3's first byte at or after the pointer is in the pointer's
        // column.)
        let ahead = if r == 3 {
            String::new()
        } else {
            format!(" + {{1'b0, 2'd{r} < p_next[1:0]}}")
        };
        rows += &format!(
            "(* ram_style = \"block\", no_rw_check *) reg [7:0] sm{r} [0:7];\nreg [7:0] q{r};\n\
             wire [2:0] ra{r} = rd_col ? {{bk, ph[1:0] - 2'd1}} : rd_diag ? {{bk, ph[1:0] + 2'd{r}}}\n  \
             : {{ib, p_next[3:2]{ahead}}};\n"
        );
        writes += &format!(
            r#"wire we{r} = zbusy | cv | x_valid & p[1:0] == 2'd{r};
wire [2:0] wa{r} = zbusy ? zi[2:0] : cv ? {{wb, cj}} : {{bk, p[3:2]}};
wire [7:0] wd{r} = zbusy ? 8'd0 : cv ? col[{hi}:{lo}] : xb;
always @(posedge clock) begin
  if (we{r}) sm{r}[wa{r}] <= wd{r};
  q{r} <= sm{r}[ra{r}];
end
"#,
            lo = hi - 7
        );
    }
    format!(
        r#"{decl}// Block: `busy` while a block is in flight, round `rnd`, phase `ph`
// (0..4); `bk`: the bank the state is read from; `outv`: the state holds
// the ciphertext. State: the pointer `p`, `fresh` (reads as zero), `zr`
// (the block in flight was taken fresh).
reg busy, outv, wfin, bk, fresh, zr;
reg [3:0] rnd, p;
reg [2:0] ph;
reg [7:0] byp;
initial begin
  busy = 0; outv = 0; wfin = 0; bk = 0; fresh = 1; zr = 0;
  rnd = 0; p = 0; ph = 0; byp = 0;
end
{wires}wire take = s_valid & s_ready;
wire [3:0] p_next = flush | kload | zeroize ? 4'd0 : p + {{3'd0, x_valid}};
// Reads: round 0's columns straight (ph 1..4), the other rounds'
// diagonals (ph 0..3), else the first byte at or after the pointer in
// each row (the bank written last while the last round runs).
wire rd_col = busy & rnd == 4'd0;
wire rd_diag = busy & rnd != 4'd0 & ph != 3'd4;
wire ib = busy ? ~bk : bk;
// The column being computed (`cv`): of the reads two cycles back, column
// `cj` of round 0 (`c_first`), of the last round (`c_last`) or between,
// written to bank `wb`.
wire cv = busy & (ph >= 3'd2 | ph == 3'd0 & rnd != 4'd0) | wfin;
wire c_first = rnd == 4'd0 | rnd == 4'd1 & ph == 3'd0;
wire c_last = wfin | rnd == NR & ph != 3'd0;
wire [1:0] cj = ph == 3'd0 ? 2'd3 : ph[1:0] - 2'd2;
wire wb = ph == 3'd0 ? bk : ~bk;
{rows}integer sm_init;
initial begin
  q0 = 0; q1 = 0; q2 = 0; q3 = 0;
  for (sm_init = 0; sm_init < 8; sm_init = sm_init + 1) begin
    sm0[sm_init] = 0; sm1[sm_init] = 0; sm2[sm_init] = 0; sm3[sm_init] = 0;
  end
end
// (Row 3 of the first diagonal, read at phase 0 as it was written: the
// column itself, `byp`.)
wire [31:0] q = {{q0, q1, q2, busy & rnd != 4'd0 & ph == 3'd1 ? byp : q3}};
wire [31:0] col = (c_first ? (zr ? 32'd0 : q) : c_last ? sub$y : mixed) ^ rk_q;
wire [7:0] qp = p[1:0] == 2'd0 ? q0 : p[1:0] == 2'd1 ? q1 : p[1:0] == 2'd2 ? q2 : q3;
wire qn = p[1:0] == 2'd0 ? q1[7] : p[1:0] == 2'd1 ? q2[7] : p[1:0] == 2'd2 ? q3[7] : q0[7];
// The absorbed byte's new value.
wire [7:0] xb = m_byte ^ x_data;
{writes}always @(*) begin
{control}  m_byte = fresh ? 8'd0 : qp;
  m_next_top = ~fresh & qn;
  m_valid = outv;
end
// (Its word is read the cycle before the column that adds it.)
{rk_port}always @(posedge clock) begin
  p <= p_next;
  byp <= col[7:0];
  wfin <= 1'b0;
  if (m_ready) outv <= 1'b0;
  if (x_valid & p == 4'd15) fresh <= 1'b0;
  if (take) begin
    busy <= 1'b1;
    rnd <= 4'd0;
    ph <= 3'd0;
    zr <= fresh;
    fresh <= 1'b0;
  end
  if (busy) begin
    if (ph == 3'd4) begin
      ph <= 3'd0;
      bk <= ~bk;
      if (rnd == NR) begin
        busy <= 1'b0;
        outv <= 1'b1;
        wfin <= 1'b1;
      end else rnd <= rnd + 4'd1;
    end else ph <= ph + 3'd1;
  end
{steps}  if (flush | kload) fresh <= 1'b1;
  if (flush) begin
    busy <= 1'b0;
    outv <= 1'b0;
  end
  if (zeroize) begin
    busy <= 1'b0;
    outv <= 1'b0;
    fresh <= 1'b1;
{clear}  end
end
"#,
        decl = k.decl,
        wires = k.wires,
        control = k.control("q"),
        rk_port = k.round_key_port("{rnd, 2'd0} + {3'd0, ph} - 6'd1"),
        steps = k.steps,
        clear = k.clear,
    )
}
