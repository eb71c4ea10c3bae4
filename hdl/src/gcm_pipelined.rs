//! AES-GCM at one block per cycle: the pipelined AES core runs the counter
//! ahead of the data, and GHASH takes a block per cycle on its pipelined
//! multiplier. The ports and the message protocol are those of the
//! iterative engine ([`crate::gcm`]): `start` (IV, direction), AAD beats
//! then text beats with `s_keep` and `s_last`, text out on `m_*`, the tag
//! and its check on `tag_*`.
//!
//! Timing: on `start`, E_K(J0) and the keystream of J0+1, J0+2, ... enter
//! the AES pipeline one per cycle, through a two-entry buffer (one cycle);
//! AAD beats are taken at once, one per cycle; text beats one per cycle
//! as soon as their keystream is out of the pipeline (the first one
//! AES-latency + 2 cycles after `start`). The
//! keystream computed beyond the message's end is dropped (`flush`). After
//! the last beat, the length block enters GHASH (every block into GHASH
//! passes a register first), and the tag follows after GHASH's tail. Back-to-back messages need only a new
//! `start`; a new key only waits for the current message to end.
//!
//! Key load: the AES key expansion, H = E_K(0) through the pipeline, then
//! GHASH's powers of H. `zeroize` clears keys, H, the counter, E_K(J0),
//! the hash state and every output register.
//!
//! The Verilog is the design (control in `hdl()`); it is verified in
//! Verilator cosimulation against the golden model and the known-answer
//! files. rust-hdl's simulation of this block holds its outputs low.

use crate::aes_iterative::AesCore;
use crate::aes_pipelined::AesPipelined;
use crate::byte_mask::ByteMask;
use crate::ghash::Ghash;
use crate::kept_reg::kept_bit;
use crate::sub_bytes::SboxForm;
use rust_hdl::prelude::*;

/// The input buffer's entry: data, byte mask and GHASH mask (3 × 128
/// bits, by 32-bit word), then keep (16), the byte count (5), aad, last,
/// empty.
const IB_WIDTH: usize = 3 * 128 + 16 + 5 + 3;

/// AES-GCM engine, one block per cycle.
#[derive(LogicBlock)]
pub struct GcmPipelined {
    pub clock: Signal<In, Clock>,
    /// Clear keys, H and state.
    pub zeroize: Signal<In, Bit>,
    /// Cipher key, byte 0 in `key[255:248]`; AES-128 uses `key[255:128]`.
    pub key: Signal<In, Bits<256>>,
    pub key_valid: Signal<In, Bit>,
    /// A key can be taken (between messages).
    pub key_ready: Signal<Out, Bit>,
    /// Round keys, H and its powers are ready.
    pub key_loaded: Signal<Out, Bit>,
    /// Message start: 96-bit IV, byte 0 in `iv[95:88]`.
    pub iv: Signal<In, Bits<96>>,
    /// Decrypt (text in is ciphertext) when high.
    pub decrypt: Signal<In, Bit>,
    pub start_valid: Signal<In, Bit>,
    /// Low while `key_valid` is high (a key load comes first).
    pub start_ready: Signal<Out, Bit>,
    /// Input beats.
    pub s_data: Signal<In, Bits<128>>,
    pub s_keep: Signal<In, Bits<16>>,
    /// This beat is AAD.
    pub s_aad: Signal<In, Bit>,
    pub s_last: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// Text out (bytes beyond `m_keep` are zero).
    pub m_data: Signal<Out, Bits<128>>,
    pub m_keep: Signal<Out, Bits<16>>,
    pub m_last: Signal<Out, Bit>,
    pub m_valid: Signal<Out, Bit>,
    pub m_ready: Signal<In, Bit>,
    /// Tag (truncated to `tag_keep`), and the check against `tag_in`.
    pub tag: Signal<Out, Bits<128>>,
    pub tag_pass: Signal<Out, Bit>,
    pub tag_valid: Signal<Out, Bit>,
    pub tag_ready: Signal<In, Bit>,
    /// Tag bytes kept and compared, read while `tag_valid`.
    pub tag_keep: Signal<In, Bits<16>>,
    /// Expected tag for decryption, read while `tag_valid`.
    pub tag_in: Signal<In, Bits<128>>,
    aes: AesPipelined,
    gh: Ghash,
    inmask: ByteMask,
    tagmask: ByteMask,
}

impl GcmPipelined {
    /// `stages_per_round`: AES register stages per round (1 or 2);
    /// `ghash_stages`: the GHASH multiplier's depth.
    pub fn new(
        key_bits: usize,
        form: SboxForm,
        stages_per_round: usize,
        ghash_stages: usize,
    ) -> Self {
        GcmPipelined {
            clock: Default::default(),
            zeroize: Default::default(),
            key: Default::default(),
            key_valid: Default::default(),
            key_ready: Default::default(),
            key_loaded: Default::default(),
            iv: Default::default(),
            decrypt: Default::default(),
            start_valid: Default::default(),
            start_ready: Default::default(),
            s_data: Default::default(),
            s_keep: Default::default(),
            s_aad: Default::default(),
            s_last: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            m_data: Default::default(),
            m_keep: Default::default(),
            m_last: Default::default(),
            m_valid: Default::default(),
            m_ready: Default::default(),
            tag: Default::default(),
            tag_pass: Default::default(),
            tag_valid: Default::default(),
            tag_ready: Default::default(),
            tag_keep: Default::default(),
            tag_in: Default::default(),
            aes: AesPipelined::new(key_bits, form, stages_per_round),
            gh: Ghash::new(ghash_stages),
            inmask: Default::default(),
            tagmask: Default::default(),
        }
    }
}

impl Logic for GcmPipelined {
    fn update(&mut self) {
        self.aes.set_clock(self.clock.val());
        self.gh.clock.next = self.clock.val();
        self.inmask.keep.next = self.s_keep.val();
        self.tagmask.keep.next = self.tag_keep.val();
    }

    fn connect(&mut self) {
        for s in [
            &mut self.key_ready,
            &mut self.key_loaded,
            &mut self.start_ready,
            &mut self.s_ready,
            &mut self.m_last,
            &mut self.m_valid,
            &mut self.tag_pass,
            &mut self.tag_valid,
        ] {
            s.connect();
        }
        self.m_data.connect();
        self.m_keep.connect();
        self.tag.connect();
        self.aes.claim_inputs();
        self.gh.claim_inputs();
        self.inmask.keep.connect();
        self.tagmask.keep.connect();
    }

    fn hdl(&self) -> Verilog {
        // The input beats and the text out each pass a two-entry buffer
        // ([`crate::buffer2`]): whether a beat is consumed depends on
        // registers only, and no handshake reaches the enables of the
        // wide registers.
        let ib = crate::buffer2::verilog(
            "ib",
            IB_WIDTH,
            "ib_din",
            "take",
            "consume",
            "zq",
            Some("zeroize"),
        );
        let cb = crate::buffer2::verilog(
            "cb",
            128,
            "cb_din",
            "cb_push",
            "cb_valid & aes$s_ready",
            "zq | flq",
            Some("zeroize | done"),
        );
        let ob = crate::buffer2::verilog(
            "ob",
            145,
            "ob_din",
            "opush",
            "m_valid & m_ready",
            "zq",
            Some("zeroize"),
        );
        let ej0_lanes = lane_writes("ej0", 128, "cap_ej0", "zeroize", "mq");
        // (Written through WAITY and, from the registered enables, once
        // more in TAG's first cycle, with the same value: GHASH holds its
        // result two cycles after `done` takes it. Without `done` in the
        // enables, GHASH's `y_valid` reaches no lane: 8.2 ns on ECP5.)
        let tag_lanes = lane_writes(
            "tag_r",
            128,
            "state == LEN | state == WAITY",
            "(state == TAG & tag_ready) | zeroize",
            "gh$y ^ ej0",
        );
        // (`iv_r` is cleared for E_K(0) from KLD, the state after a key
        // is taken, not from the key handshake: that reads GHASH's and the
        // core's readiness, and from them to the twelve lanes' clears was
        // the three-stage GCM's worst path on ECP5, 9.4 ns. HKEY asks for
        // E_K(0) only when the round keys are loaded, 35 cycles on.)
        let iv_lanes = lane_writes(
            "iv_r",
            96,
            "start_valid & start_ready",
            "state == KLD | zeroize",
            "iv_p",
        );
        // The input buffer's entry: per 32-bit word of the beat, the data,
        // its byte mask and its GHASH mask side by side, each 32 bits (a
        // lane of the buffer, with its own copy of the head select), so
        // the bits that make a byte of text come out of neighbouring
        // lanes (a keep bit's lane selected for the byte masks of a data
        // lane across the buffer: 8.9 ns on ECP5); above them keep, count,
        // aad, last, empty.
        let word = |j: usize| format!("{}:{}", 32 * j + 31, 32 * j);
        // Part `k` (0 data, 1 mask, 2 GHASH mask) of word `j` in the entry.
        let part = |k: usize, j: usize| {
            format!("ib_out[{}:{}]", 96 * j + 95 - 32 * k, 96 * j + 64 - 32 * k)
        };
        let mut ib_words = Vec::new();
        let (mut hb_words, mut hb_mask, mut hb_gmask) = (Vec::new(), Vec::new(), Vec::new());
        for j in (0..4).rev() {
            ib_words.push(format!(
                "in_data[{w}], inmask$mask[{w}], in_gmask[{w}]",
                w = word(j)
            ));
            hb_words.push(part(0, j));
            hb_mask.push(part(1, j));
            hb_gmask.push(part(2, j));
        }
        let (ib_words, hb_words, hb_mask, hb_gmask) = (
            ib_words.join(", "),
            hb_words.join(", "),
            hb_mask.join(", "),
            hb_gmask.join(", "),
        );
        let (mut gl_regs, mut gq_lanes) = (String::new(), String::new());
        for k in 0..4 {
            let (hi, lo) = (32 * k + 31, 32 * k);
            gl_regs += &kept_bit(&format!("gl{k}"), "len_next");
            gq_lanes +=
                &format!("  gq_d[{hi}:{lo}] <= gl{k} ? gq_len[{hi}:{lo}] : gq_txt[{hi}:{lo}];\n");
        }
        let fedq = kept_bit("fedq", "fed & ~stc");
        let (ibm, kl, ch, cl, fl) = (
            IB_WIDTH - 1,
            IB_WIDTH - 16,
            IB_WIDTH - 17,
            IB_WIDTH - 21,
            IB_WIDTH - 22,
        );
        Verilog::Custom(format!(
            r#"localparam NOKEY = 3'd0, HKEY = 3'd1, IDLE = 3'd2, DATA = 3'd3, LEN = 3'd4, WAITY = 3'd5, TAG = 3'd6, KLD = 3'd7;
reg [2:0] state;
reg hreq, hgot, dec, feeding, fed, stc, ej0_ok, ej0_ok2, in_open, zq, flq, kld;
reg [95:0] iv_r;
reg [31:0] ctr, len_a, len_c;
reg [127:0] ej0, tag_r;
initial begin
  state = NOKEY; hreq = 0; hgot = 0; dec = 0; feeding = 0; fed = 0; stc = 0; ej0_ok = 0; ej0_ok2 = 0; in_open = 0; zq = 0; flq = 0; kld = 0;
  iv_r = 0; ctr = 0; len_a = 0; len_c = 0; ej0 = 0; tag_r = 0;
end
// Input beats, as they enter the buffer: data masked to its enables,
// keep, byte count (both from `inmask`, on the input side: the count's
// adder tree then is not on the path into the length counters), aad,
// last, empty.
wire take = s_valid & s_ready;
wire consume;
// `gkeep`: the bytes whose keystream XOR goes into GHASH too (text of an
// encryption; none for AAD or a decryption, whose GHASH input is the beat
// as received), fixed as the beat enters (`dec` holds through a message),
// so GHASH's input takes no select from the head's flags: as one select
// of all 128 bits from the head's AAD flag it was the GCM's critical path
// (10.1 ns on ECP5).
wire [127:0] in_data = s_data & inmask$mask;
wire [127:0] in_gmask = inmask$mask & {{128{{~s_aad & ~dec}}}};
wire [{ibm}:0] ib_din = {{s_keep, inmask$count, s_aad, s_last, s_keep == 16'd0, {ib_words}}};
{ib}wire [127:0] hb_data = {{{hb_words}}};
wire [15:0] hb_keep = ib_out[{ibm}:{kl}];
wire [4:0] hb_count = ib_out[{ch}:{cl}];
wire hb_aad = ib_out[{fl}];
wire hb_last = ib_out[{fl} - 1];
wire hb_empty = ib_out[{fl} - 2];
wire [127:0] hb_mask = {{{hb_mask}}};
wire [127:0] hb_gmask = {{{hb_gmask}}};
wire [127:0] masked = hb_data;
wire [127:0] text = masked ^ (aes$m_data & hb_mask);
wire hb_text = ~hb_aad & ~hb_empty;
wire ks_ok = ej0_ok & aes$m_valid;
// Text out: text, keep, last.
wire opush = consume & hb_text;
wire [144:0] ob_din = {{text, hb_keep, hb_last}};
{ob}// (`fed`: E_K(J0) has been requested; no beat, and so not the last, is
// taken before. Read a cycle later, from `fedq`, a register of its own
// beside the consume decision: `fed` is set from the AES core's
// `s_ready`, which pulls it towards the core; read directly, its route
// across the device was the GCM's worst path on ECP5, 3.3 of 9.3 ns.)
{fedq}assign consume = ib_valid & state == DATA & fedq & (hb_aad | hb_empty | (ks_ok & ~ob_full));
// E_K(J0) is the first block out of the pipeline after start.
wire cap_ej0 = ~ej0_ok & aes$m_valid & (state == DATA | state == LEN | state == WAITY);
wire kr = (state == NOKEY | state == IDLE) & aes$key_ready & gh$h_ready & ~zeroize;
wire done = state == WAITY & gh$y_valid & ej0_ok2;
// The blocks into GHASH pass a register (`gq_d` is written every cycle;
// `gq_v` says whether it holds a block): the text's masking and XOR and
// the choice of block do not run on into GHASH's input line. GHASH takes
// a block whenever it is in a message (its `s_ready` is high from the
// key's load to the message's last block).
// The length block or the beat, chosen per 32-bit lane by a register of
// its own that says the state is LEN (set from the next state): `state ==
// LEN` decoded and routed to all 128 bits was 11.7 ns on ECP5.
// The lengths count a cycle behind the beats (`lq_*`: the last beat's
// bytes, registered as it is consumed; the consume decision then reaches
// three registers, not two 32-bit adders' enables), and the length
// block takes the pending count in (`len_a_now`, `len_c_now`).
reg lq_a, lq_c;
reg [4:0] lq_n;
initial begin lq_a = 1'b0; lq_c = 1'b0; lq_n = 5'd0; end
always @(posedge clock) begin
  lq_a <= state == DATA & consume & hb_aad;
  lq_c <= state == DATA & consume & ~hb_aad;
  lq_n <= hb_count;
end
wire [31:0] len_a_now = len_a + (lq_a ? {{27'd0, lq_n}} : 32'd0);
wire [31:0] len_c_now = len_c + (lq_c ? {{27'd0, lq_n}} : 32'd0);
wire [127:0] gq_len = {{29'd0, len_a_now, 3'd0, 29'd0, len_c_now, 3'd0}};
wire [127:0] gq_txt = masked ^ (aes$m_data & hb_gmask);
wire len_next = ~zeroize & ((state == DATA & consume & hb_last) | (state == LEN & ~gh$s_ready));
{gl_regs}reg [127:0] gq_d;
reg gq_v, gq_l;
initial begin
  gq_d = 128'd0;
  gq_v = 1'b0;
  gq_l = 1'b0;
end
always @(posedge clock) begin
{gq_lanes}  gq_v <= ((state == LEN & gh$s_ready) | (consume & ~hb_empty)) & ~zeroize;
  gq_l <= state == LEN & gh$s_ready;
  if (zq) gq_d <= 128'd0;
end
// E_K(J0) is taken a cycle after it leaves the AES (from `mq`, which
// follows the AES output), by registered enables, one per 8 bits;
// `ej0_ok2` says it is there.
reg [127:0] mq;
initial mq = 128'd0;
always @(posedge clock) mq <= aes$m_data;
{ej0_lanes}// The IV: `iv_p` follows the port; `iv_r` takes it the cycle after the
// start (or zero after a key load or zeroize), by registered enables per
// 8 bits (the start handshake, from the ports, reached the 96 enables
// in 12.8 ns on ECP5).
reg [95:0] iv_p;
initial iv_p = 96'd0;
always @(posedge clock) iv_p <= iv;
{iv_lanes}// The counter blocks reach the AES core through a two-entry buffer,
// so that the core's `s_ready` (its credit count, key and flush state)
// reaches the buffer's pointers only, not the counter's 32 enables and
// the GCM's control across the device (12.6 ns on ECP5, 11.0 of route).
// It is emptied with the core, at `flq` and `zq`.
wire [127:0] cb_din = {{iv_r, ctr}};
wire cb_want = state == HKEY ? ~hreq & aes$key_loaded : feeding;
wire cb_push;
{cb}assign cb_push = cb_want & ~cb_full;
// The tag register, by registered enables per 8 bits: written every
// cycle of WAITY (the write at `done` is the tag: GHASH's result XOR
// E_K(J0); the one after it writes the same), cleared the cycle after the
// tag is taken or zeroize.
{tag_lanes}
always @(*) begin
  aes$clock = clock;
  aes$zeroize = zeroize;
  aes$key = key;
  // (The key goes to the AES core the cycle after it is taken, from
  // KLD: the core's key_valid, which its s_ready reads, is a state
  // decode, not the port and the handshake. The core's key register
  // follows the port a cycle behind, so it loads the key as taken.)
  // (From `kld`, a register of its own that is high in KLD: the state
  // decoded into the core's `s_ready` and on into the counter buffer's
  // head copies was the three-stage GCM's worst path on ECP5, 6.8 ns on
  // speed grade 8.)
  aes$key_valid = kld;
  aes$flush = flq;
  aes$s_data = cb_out;
  aes$s_valid = cb_valid;
  // (In HKEY GHASH is ready for H: HKEY is entered only when it is,
  // and it stays so until it takes H; GHASH's readiness is not on the
  // path into the AES's output pointers.)
  aes$m_ready = cap_ej0 | opush | (state == HKEY & hreq & ~hgot);
  gh$clock = clock;
  gh$zeroize = zeroize;
  gh$h = aes$m_data;
  gh$h_valid = state == HKEY & hreq & ~hgot & aes$m_valid;
  gh$s_data = gq_d;
  gh$s_valid = gq_v;
  gh$s_last = gq_l;
  gh$y_ready = done;
  inmask$keep = s_keep;
  tagmask$keep = tag_keep;
  key_ready = kr;
  key_loaded = state != NOKEY & state != HKEY & state != KLD;
  start_ready = state == IDLE & ~key_valid & ~zeroize;
  s_ready = in_open & ~ib_full & ~zeroize & ~zq;
  m_data = ob_out[144:17];
  m_keep = ob_out[16:1];
  m_last = ob_out[0];
  m_valid = ob_valid;
  tag = tag_r & tagmask$mask;
  tag_pass = ((tag_r ^ tag_in) & tagmask$mask) == 128'd0;
  tag_valid = state == TAG;
end
// (Each block's zeroize register is its own: merged, one register
// would serve both ends of the device.)
(* keep *) always @(posedge clock) zq <= zeroize;
// `kld`: the state is KLD (it is entered from the key handshake and left
// the cycle after).
(* keep *) always @(posedge clock) kld <= (state == NOKEY | state == IDLE) & key_valid & kr;
always @(posedge clock) begin
  // The keystream beyond the message is flushed a cycle after the tag
  // is ready, from a register (no new block enters before).
  flq <= done & ~zeroize;
  // (`cb_push & feeding`, without the state: HKEY, where `cb_want`
  // reads the state, never has `feeding`. From the state through
  // `cb_want` into the counter's 32 enables was the GCM's worst path on
  // ECP5, 8.2 ns.)
  if (feeding & ~cb_full) ctr <= ctr + 32'd1;
  if (cap_ej0) ej0_ok <= 1'b1;
  ej0_ok2 <= ej0_ok;
  len_a <= len_a_now;
  len_c <= len_c_now;
  if (take & s_last) in_open <= 1'b0;
  // The counter blocks start the cycle after `iv_r` is written.
  stc <= start_valid & start_ready;
  // (Before any beat is consumed or any block leaves the pipeline: the
  // input buffer is empty that cycle, and `feeding` starts now.)
  if (stc) begin
    feeding <= 1'b1;
    ctr <= 32'd1;
    len_a <= 32'd0;
    len_c <= 32'd0;
    ej0_ok <= 1'b0;
    fed <= 1'b0;
  end
  // (From registers: in DATA, `cb_push & feeding` is `feeding & ~cb_full`.)
  if (feeding & ~cb_full & state == DATA) fed <= 1'b1;
  case (state)
    NOKEY, IDLE:
      if (key_valid & kr) begin
        hreq <= 1'b0;
        hgot <= 1'b0;
        state <= KLD;
      end else if (start_valid & start_ready) begin
        // (The counters and flags of the message are reset the cycle
        // after, from `stc`: the handshake reaches only these.)
        dec <= decrypt;
        in_open <= 1'b1;
        state <= DATA;
      end
    KLD: begin
      // E_K(0): the counter block is zero while HKEY (`iv_r` below; the
      // counter is cleared here, from the state, not by the handshake).
      ctr <= 32'd0;
      state <= HKEY;
    end
    HKEY: begin
      if (cb_push) hreq <= 1'b1;
      if (gh$h_valid & gh$h_ready) hgot <= 1'b1;
      if (hgot & gh$h_loaded) state <= IDLE;
    end
    DATA:
      if (consume) begin
        if (hb_last) begin
          feeding <= 1'b0;
          state <= LEN;
        end
      end
    LEN: if (gh$s_ready) state <= WAITY;
    WAITY: if (done) state <= TAG;
    TAG: if (tag_ready) state <= IDLE;
    default: state <= NOKEY;
  endcase
  if (zeroize) begin
    state <= NOKEY;
    feeding <= 1'b0;
    ej0_ok <= 1'b0;
    in_open <= 1'b0;
  end
  // The wide registers (and the buffers) are cleared a cycle later,
  // from `zq`.
  if (zq) ctr <= 32'd0;
end
"#
        ))
    }
}

/// Bits of a wide register under one pair of registered enables (see
/// [`lane_writes`]). 32 bits each left the pipelined GCM's worst path a
/// clear enable's 9.5 ns route across the device to its lane's set/reset
/// (seed 1, 5ec02e7, 95.6 MHz): with 8, each pair fits beside its two
/// slices.
const LANE: usize = 8;

/// Verilog writing register `reg` (`bits` wide, a multiple of [`LANE`])
/// by registered enables, one pair per lane, set a cycle ahead: in the
/// cycle after `clear` held, the lane is zeroed; else in the cycle after
/// `write` held, it takes its bits of `src` (an expression; each lane
/// takes its slice of it through a wire). No handshake then reaches the
/// enables of the wide register, and each lane's enables sit beside it.
fn lane_writes(reg: &str, bits: usize, write: &str, clear: &str, src: &str) -> String {
    let mut v = format!("wire [{}:0] {reg}_src = {src};\n", bits - 1);
    for k in 0..bits / LANE {
        let (hi, lo) = (LANE * k + LANE - 1, LANE * k);
        v += &format!(
            "reg {reg}_w{k}, {reg}_c{k};\ninitial begin\n  {reg}_w{k} = 1'b0;\n  {reg}_c{k} = 1'b0;\nend\n\
             (* keep *) always @(posedge clock) {reg}_w{k} <= {write};\n\
             (* keep *) always @(posedge clock) {reg}_c{k} <= {clear};\n\
             always @(posedge clock)\n  if ({reg}_c{k}) {reg}[{hi}:{lo}] <= {LANE}'d0;\n  \
             else if ({reg}_w{k}) {reg}[{hi}:{lo}] <= {reg}_src[{hi}:{lo}];\n"
        );
    }
    v
}
