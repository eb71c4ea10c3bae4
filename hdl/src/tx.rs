//! `csi2sec_tx`: the sensor-side block that adds csi2sec/1 security to a
//! CSI-2 packet stream (spec §2–§5.1): SEP wrapping with GMAC or CMAC
//! tags and SV-1 AES-CTR encryption (GMAC suites).
//!
//! Streams are AXI4-Stream, 16 bytes per beat, one CSI-2 packet per
//! `tlast` burst, byte `i` on `tdata[8i+7:8i]` (spec §7). Registers are
//! on APB3 ([`crate::regs`]). `m_axis_tuser` is high on the last beat
//! of a packet that went out incomplete (its input was cut short).
//!
//! Datapath: the input enters a register slice ([`AxisSlice`]: every
//! input port is registered, with the beat's byte count); then
//! [`BodyAligner`] splits each input packet into its header and
//! its body realigned to payload byte 0; the control below classifies
//! the packet (spec §2), builds the SEP header and the record header
//! ([`crate::wire_layout`]), runs the payload through the AES core as CTR
//! keystream (SV-1) and the records through [`Ghash`](crate::ghash::Ghash), and hands the
//! output's parts (header, SEP header, payload, CRC-32, tag, CRC-16) to
//! [`BytePacker`], which packs them into beats. The CRCs are
//! steps over the parts as they pass ([`crate::crc_step::CrcSplit`]); [`HeaderEcc`] checks the
//! input headers and builds the output ones.
//!
//! GMAC (spec §5): H = E_K(0) on each key load; each scope's E_K(J0)
//! through the same AES core, ahead of its keystream; tag =
//! MSB_T(E_K(J0) ⊕ GHASH_H(records ‖ [trailer] ‖ length block)).
//! CMAC: L = E_K(0) on each key load, K1 = dbl(L); the records and the
//! trailer chained through the same AES core by [`CbcMac`]; tag =
//! MSB_T(CMAC). The MAC unit is the type parameter `M`.
//!
//! FSED (spec §5.2, chosen at generation): classified packets keep their
//! header and WC (SV-1 payloads encrypted, CRC-16 rebuilt); an
//! FSED-Header (the frame block) follows each FS of a protected frame;
//! the frame block enters the MAC ahead of the frame's first record; an
//! FSED-Tag (trailer and tag) and, with crc32, an FSED-Safety packet
//! (CRC-32, count and bytes of the frame's classified payloads) go out
//! before the FE.
//!
//! This version: SEP or FSED, GMAC-128, GMAC-256, CMAC-128 or CMAC-256
//! (the IP's suite and key size), tag modes
//! frame and message (SEP), SV-1 to SV-5, CRC-32 on or off, VCX on or off,
//! one configured stream (any stream number; the others pass through).
//! A context it cannot apply sets `STATUS.config_error`, and the stream
//! then passes through unprotected.
//!
//! The Verilog is the design; it is verified frame by frame against the
//! golden model in Verilator cosimulation (`testbench/tests/tx.rs`).
//! rust-hdl's simulation of this block holds its outputs low.

use crate::aes_iterative::AesCore;
use crate::axis_slice::AxisSlice;
use crate::body_aligner::BodyAligner;
use crate::byte_packer::BytePacker;
use crate::cbc_mac::CbcMac;
use crate::header_ecc::HeaderEcc;
use crate::link_glue::MacUnit;
use rust_hdl::prelude::*;

/// The TX, on AES core `A` with MAC unit `M` (GHASH for the GMAC
/// suites, [`CbcMac`] for the CMAC suites).
#[derive(LogicBlock)]
pub struct Tx<A: AesCore, M: MacUnit> {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: drops the packets in progress, zeroises the key
    /// slots and the engines, and sets every register to its reset value.
    pub reset: Signal<In, Bit>,
    /// Input CSI-2 packets (from the sensor).
    pub s_axis_tdata: Signal<In, Bits<128>>,
    pub s_axis_tkeep: Signal<In, Bits<16>>,
    pub s_axis_tlast: Signal<In, Bit>,
    /// On a last beat: the packet is incomplete (from an upstream TX of
    /// a chain, [`crate::stream_chain`]); a packet this TX passes through
    /// keeps the flag. 0 for a stand-alone TX.
    pub s_axis_tuser: Signal<In, Bit>,
    pub s_axis_tvalid: Signal<In, Bit>,
    pub s_axis_tready: Signal<Out, Bit>,
    /// Protected CSI-2 packets (to the PHY).
    pub m_axis_tdata: Signal<Out, Bits<128>>,
    pub m_axis_tkeep: Signal<Out, Bits<16>>,
    pub m_axis_tlast: Signal<Out, Bit>,
    /// On the last beat: the packet went out incomplete.
    pub m_axis_tuser: Signal<Out, Bit>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tready: Signal<In, Bit>,
    /// APB3 register port (see the register map).
    pub psel: Signal<In, Bit>,
    pub penable: Signal<In, Bit>,
    pub pwrite: Signal<In, Bit>,
    pub paddr: Signal<In, Bits<12>>,
    pub pwdata: Signal<In, Bits<32>>,
    pub prdata: Signal<Out, Bits<32>>,
    pub pready: Signal<Out, Bit>,
    pub pslverr: Signal<Out, Bit>,
    /// The frame counter is exhausted (STATUS.rekey_needed).
    pub rekey_needed: Signal<Out, Bit>,
    in_slice: AxisSlice,
    al: BodyAligner,
    hin: HeaderEcc,
    hout: HeaderEcc,
    pk: BytePacker,
    aes: A,
    gh: M,
    _key_bits: usize,
    _fsed: bool,
    _dt_scopes: usize,
}

impl<A: AesCore> Tx<A, CbcMac> {
    /// CMAC suites on AES core `aes`.
    pub fn cmac(aes: A, key_bits: usize) -> Self {
        Tx::new(aes, CbcMac::default(), key_bits)
    }
}

impl<A: AesCore, M: MacUnit> Tx<A, M> {
    pub fn new(aes: A, gh: M, key_bits: usize) -> Self {
        Tx {
            clock: Default::default(),
            reset: Default::default(),
            s_axis_tdata: Default::default(),
            s_axis_tkeep: Default::default(),
            s_axis_tlast: Default::default(),
            s_axis_tuser: Default::default(),
            s_axis_tvalid: Default::default(),
            s_axis_tready: Default::default(),
            m_axis_tdata: Default::default(),
            m_axis_tkeep: Default::default(),
            m_axis_tlast: Default::default(),
            m_axis_tuser: Default::default(),
            m_axis_tvalid: Default::default(),
            m_axis_tready: Default::default(),
            psel: Default::default(),
            penable: Default::default(),
            pwrite: Default::default(),
            paddr: Default::default(),
            pwdata: Default::default(),
            prdata: Default::default(),
            pready: Default::default(),
            pslverr: Default::default(),
            rekey_needed: Default::default(),
            in_slice: Default::default(),
            al: Default::default(),
            hin: Default::default(),
            hout: Default::default(),
            pk: Default::default(),
            aes,
            gh,
            _key_bits: key_bits,
            _fsed: false,
            _dt_scopes: 4,
        }
    }

    /// The FSED protocol instead of SEP (spec §5.2).
    pub fn fsed(mut self, on: bool) -> Self {
        self._fsed = on;
        self
    }

    /// The most data-type scopes a frame can have (data-type tag mode;
    /// [`crate::dt_scopes`]).
    pub fn dt_scopes(mut self, n: usize) -> Self {
        self._dt_scopes = n;
        self
    }
}

impl<A: AesCore, M: MacUnit> Logic for Tx<A, M> {
    fn update(&mut self) {
        self.aes.set_clock(self.clock.val());
        self.gh.set_clock(self.clock.val());
        self.al.clock.next = self.clock.val();
        self.in_slice.clock.next = self.clock.val();
        self.pk.clock.next = self.clock.val();
    }

    fn connect(&mut self) {
        for s in [
            &mut self.s_axis_tready,
            &mut self.m_axis_tlast,
            &mut self.m_axis_tuser,
            &mut self.m_axis_tvalid,
            &mut self.pready,
            &mut self.pslverr,
            &mut self.rekey_needed,
        ] {
            s.connect();
        }
        self.m_axis_tdata.connect();
        self.m_axis_tkeep.connect();
        self.prdata.connect();
        self.aes.claim_inputs();
        self.gh.claim_inputs();
        self.in_slice.claim_inputs();
        let a = &mut self.al;
        for s in [&mut a.reset, &mut a.s_last, &mut a.s_valid, &mut a.m_ready] {
            s.connect();
        }
        a.clock.connect();
        a.s_data.connect();
        a.s_count.connect();
        a.h_side.connect();
        a.s_wc.connect();
        crate::link_glue::connect_children(&mut self.pk, [&mut self.hin, &mut self.hout]);
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(crate::link_glue::top_verilog(
            crate::regs::Side::Tx,
            self._key_bits,
            M::SUITES,
            self._fsed,
            self._dt_scopes,
            CONTROL,
        ))
    }
}

/// The TX control and datapath glue.
const CONTROL: &str = r#"// ---- TX control.
localparam HDR = 5'd0, PASS = 5'd1, DROP = 5'd2, KEY = 5'd3, KEYH = 5'd4, PSEP = 5'd5, PBODY = 5'd6,
           PCRC32 = 5'd7, PLEN = 5'd8, PTAG = 5'd9, PCRC16 = 5'd10, PTRUNC = 5'd11, TRAIL = 5'd12,
           TLEN = 5'd13, TTAG = 5'd14, CHDR = 5'd15, CTRL = 5'd16, CTAGO = 5'd17, CCRC = 5'd18,
           FEOUT = 5'd19, ABORT = 5'd20, ABORTY = 5'd21, PWFL = 5'd22,
           // FSED (spec §5.2): the FSED-Header after FS; the frame block into
           // the MAC ahead of the first record; the FSED-Safety packet.
           FHH = 5'd23, FHB = 5'd24, FHC = 5'd25, PFB = 5'd26, SHDR = 5'd27, SBODY = 5'd28, SCRC = 5'd29,
           // Data-type mode: the close of each scope begins (dt_scopes.rs).
           DTJ = 5'd30;
// The frame scope's tag goes out in a tag packet (CHDR..CCRC).
localparam AFTER_TAG = CHDR;
reg [4:0] st;
// Context and frame state of the configured stream.
reg loaded, started, exhausted, frame_open, seen_mid, policy_error, frame_sv1;
reg [31:0] fc, mc, recs, cbytes, gh_blocks;
// FSED: payload bytes of the frame's classified packets (crc32 is then
// the frame's FSED-Safety CRC-32).
reg [31:0] tbytes;
reg [15:0] fnum;
reg [3:0] sv_top, sv_mid, sv_bot;
reg [7:0] kid, ph_top, ph_mid, ph_bot;
reg kslot, key_ok, key_cur;
reg gh_open, h_got;
// The packet being protected.
reg [127:0] p_rh;
reg [31:0] p_hdr;
reg p_enc, p_tag_here, p_over;
// Its record goes into the MAC (p_gh: covered, and in data-type mode a
// scope to hold it); data-type mode: the record blocks after the RH still
// to go (the last one closes the record). Its scope: p_sc, open before
// this record or not (p_hit; dt_scopes.rs).
reg p_gh, p_dt;
reg [12:0] p_rb;
// Body walk (every packet): received CRC-16. (The payload bytes of each
// item come counted from the aligner, `al$m_pay`: the byte selects and
// the CRC steps' byte count start from its registers.)
reg [1:0] crc_n;
reg [15:0] crc_rx, crc16i, crc16o;
reg [31:0] crc32;
// The CRC-32 (SEP footer; FSED: the frame's classified payloads) steps
// two cycles behind, in two halves (link_glue.rs, `crc32_split`): the
// SEP header's and the payload items' bytes (`l32_*`, below) are
// registered as they are taken, their network the cycle after, and it is
// folded into `crc32` the cycle after that, so the loop through `crc32`
// is the fold alone. The footer's CRC-32 part is a placeholder the
// output stage fills (`cx_crc32`) once the last step is in (`k32_busy`
// low); FSED reads `crc32` in its FSED-Safety packet, cycles after the
// frame's last payload.
reg walk_long, walk_mine, walk_bad, check;
// AES requests: H, E_K(J0), keystream; in order through the core.
reg req_h, req_j0, h_wait, j0_wait, j0_ok, want_j0;
reg [127:0] j0, ej0, tag_r;
reg [95:0] ks_prefix;
reg [31:0] ks_ctr;
reg [12:0] ks_left, ks_own;
reg [7:0] outstanding;
// Keystream run ahead (frame mode): blocks of the next packet's message
// counter issued before its header is seen (spec_n), and blocks issued
// that no packet uses, dropped as they come out (ks_drop).
reg [5:0] spec_n;
reg [6:0] ks_drop;
initial begin
  st = HDR; loaded = 0; started = 0; exhausted = 0; frame_open = 0; seen_mid = 0; policy_error = 0;
  frame_sv1 = 0; fc = 0; mc = 0; tbytes = 0; recs = 0; cbytes = 0; gh_blocks = 0; fnum = 0; sv_top = 0; sv_mid = 0; sv_bot = 0;
  kid = 0; ph_top = 0; ph_mid = 0; ph_bot = 0; kslot = 0; key_ok = 0; key_cur = 0; gh_open = 0; h_got = 0;
  p_rh = 0; p_hdr = 0; p_enc = 0; p_tag_here = 0; p_over = 0; p_gh = 0; p_dt = 0; p_rb = 0;
  crc_n = 0; crc_rx = 0; crc16i = 0; crc16o = 0; crc32 = 0; walk_long = 0; walk_mine = 0; walk_bad = 0; check = 0;
  req_h = 0; req_j0 = 0; h_wait = 0; j0_wait = 0; j0_ok = 0; want_j0 = 0;
  j0 = 0; ej0 = 0; tag_r = 0; ks_prefix = 0; ks_ctr = 0; ks_left = 0; outstanding = 0;
  ks_own = 0; spec_n = 0; ks_drop = 0;
end

wire active = config_enable & loaded & ~config_error;
// The input's tuser of each packet (its last beat), kept until the
// packet's last item: a packet passed through keeps an upstream flag.
reg in_user;
initial in_user = 1'b0;
always @(posedge clock) if (al$s_valid & al$s_ready & al$s_last) in_user <= in_slice$m_user[0];

@OUT_DECL@
// Header decode stage: what a header item decides is worked out the
// cycle it arrives and registered (d_*); the header is decided from the
// next cycle on (hd_ok). Nothing it reads changes in between: the
// packet and frame state change only when a header is taken, and a
// register write starts the decode again.
reg hd_ok, d_cov, d_enc, d_class, d_tag_here;
reg [3:0] d_blk_sv;
reg [17:0] d_wc_out;
reg [12:0] d_need;
initial begin
  hd_ok = 1'b0; d_cov = 1'b0; d_enc = 1'b0; d_class = 1'b0; d_tag_here = 1'b0;
  d_blk_sv = 4'd0; d_wc_out = 18'd0; d_need = 13'd0;
end

// Input items.
wire it_valid = al$m_valid;
wire it_hdr = al$m_hdr;
wire it_last = al$m_last;
wire [127:0] it_data = al$m_data;
wire [4:0] it_count = al$m_count;
// The header (corrected, fresh ECC), checked as the aligner took it
// (its side information: fixed header, uncorrectable, corrected).
wire [31:0] hf = it_data[63:32];
wire [5:0] h_dt = hf[5:0];
wire [15:0] h_wc = hf[23:8];
wire [1:0] h_vcx = hf[31:30];
wire [3:0] h_stream = {h_vcx, hf[7:6]};
wire h_mine = active & h_stream == config_stream;
wire h_long = h_dt >= 6'h10;
wire h_bad = it_data[64];
// A header item is decided the cycle after it arrives (hd_ok: the
// decode stage below has registered what it decides).
wire is_hdr = st == HDR & it_valid & it_hdr & hd_ok;
@CLASSIFY@wire h_tag_here = config_tag_mode == 2'd1 & h_cov;
// (Both sums are formed from the header and the context; the packet's
// coverage only selects, after the adders.)
wire [17:0] h_wc_base = {2'd0, h_wc} + 18'd12 + (config_crc32 ? 18'd4 : 18'd0);
wire [17:0] h_wc_tag = h_wc_base + {13'd0, tag_bytes};
wire [17:0] h_wc_out = FSED ? {2'd0, h_wc} : h_tag_here ? h_wc_tag : h_wc_base;
@KEY_WIRES@

// AES core.
wire aes_idle = ~req_h & ~req_j0 & ks_left == 13'd0 & outstanding == 8'd0 & ~want_j0 & spec_n == 6'd0;
wire ks_ok = aes$m_valid & ~h_wait & ~j0_wait;
// Run ahead while the frame may need keystream and no header is being
// decided (the header takes spec_n).
wire spec_on = frame_open & frame_sv1 & config_tag_mode == 2'd0 & key_ok & ~want_j0 & ~req_j0 & ~req_h
             & ks_left == 13'd0 & spec_n != 6'd32 & ~(it_valid & it_hdr)
             & (st == HDR | st == PASS | st == DROP | st == PSEP | st == PBODY | st == PCRC32 | st == PCRC16);
// New requests enter the core (not while a truncated packet flushes it).
wire aes_open = aes$key_loaded & st != PTRUNC;
wire drop_now = ks_drop != 7'd0 & ks_own == 13'd0 & aes$m_valid & ~h_wait & ~j0_wait;

// Body walk of the current item.
// Payload bytes in this item: what is left of WC, at most the item's bytes.
wire [4:0] pay_n = al$m_pay;
wire [4:0] extra_n = it_count > pay_n ? it_count - pay_n : 5'd0;
wire [7:0] crc_byte0 = it_data[8*pay_n +: 8];
wire [7:0] crc_byte1 = it_data[8*(pay_n + 5'd1) +: 8];
wire [127:0] pay_mask;
genvar g;
generate for (g = 0; g < 16; g = g + 1) begin : pm
  assign pay_mask[8*g+7:8*g] = {8{pay_n > g}};
end endgenerate
wire [127:0] out_data = (it_data ^ (p_enc ? ks : 128'd0)) & pay_mask;
wire [1:0] crc_take = crc_n == 2'd2 ? 2'd0 : (extra_n >= {3'd0, 2'd2 - crc_n} ? 2'd2 - crc_n : extra_n[1:0]);
wire walk_too_long = extra_n > {3'd0, crc_take};
wire [15:0] crc_rx_next = crc_n == 2'd0 ? (crc_take == 2'd2 ? {crc_byte1, crc_byte0} : {8'd0, crc_byte0})
                                      : (crc_take != 2'd0 ? {crc_byte0, crc_rx[7:0]} : crc_rx);
wire walk_end_ok = al$m_pay_end & crc_n + crc_take == 2'd2 & ~walk_too_long & ~walk_bad;

// Record blocks of the packet being protected.
wire wn_load, wn_take;
wire wn_sv4 = d_blk_sv == 4'd4;
wire [15:0] wn_wc = h_wc;
// (A body item moves the position on by its payload bytes.)
wire [4:0] wn_k = pay_n;
wire [127:0] wn_data = out_data;
wire [4:0] wn_n = pay_n;
wire [16:0] wn_base = 17'd0;
@RECORD_WINDOW@
@DT_SCOPES@
@DT_RB@
// ---- Header decode stage (registers declared above).
always @(posedge clock) begin
  hd_ok <= st == HDR & it_valid & it_hdr & ~al$m_ready & ~apb_write & ~reset;
  d_cov <= h_cov;
  d_enc <= h_enc;
  d_class <= h_class;
  d_tag_here <= h_tag_here;
  d_blk_sv <= blk_sv;
  d_wc_out <= h_wc_out;
  d_need <= need;
end
wire gh_beat = p_gh & wn_valid;
// The MAC takes a packet's first record block once the value of the
// previous record's scope is in (data-type mode).
wire gh_in = gh$s_ready & ~dt_wait;
// Data-type mode: this block is the record's last (a partial close).
wire mac_part = p_dt & ((st == PSEP & p_rb == 13'd0) | ((st == PBODY | st == PWFL) & p_rb == 13'd1));
wire dt_last_take = mac_part & gh$s_valid & gh$s_ready;
// After the body: the flush block of a window, CRC-32, the message tag, CRC-16.
wire [4:0] st_after_flush = FSED ? PCRC16 : config_crc32 ? PCRC32 : p_tag_here ? PLEN : PCRC16;

// A protected body item moves when every consumer it needs can take it.
wire body_go = it_valid & ~it_hdr & (pay_n == 5'd0 |
  ((~p_enc | ks_ok) & (~gh_beat | gh$s_ready) & (p_over | ck_ready)));
wire body_take = st == PBODY & body_go;
wire pass_take = (st == PASS & it_valid & ck_ready) | (st == DROP & it_valid);
// The input CRC-16 check over every packet's payload (c16i_fresh: no item
// of the packet taken yet).
reg c16i_fresh;
initial c16i_fresh = 1'b0;
wire [127:0] c16i_data = it_data;
wire [4:0] c16i_count = pay_n;
wire c16i_take = pass_take | body_take;
wire c16i_first = c16i_fresh;
@INPUT_CRC16@
wire [15:0] crc_err = crc_rx ^ i_now;

// Header decisions.
wire fs_mine = is_hdr & ~h_bad & h_mine & h_dt == 6'h00;
wire fe_close = is_hdr & ~h_bad & h_mine & h_dt == 6'h01 & frame_open;
wire fs_ready = ~(frame_open & gh_open) & aes_idle & ~dt_wait;
wire fs_go = fs_mine & fs_ready & ck_ready;
wire fe_tag = config_tag_mode == 2'd0 & recs != 32'd0;
// Data-type mode: a tag packet with an entry per scope.
wire fe_dt = dt_mode & sc_n != 4'd0;
// FSED: an FSED-Safety packet closes every frame where crc32 is on.
wire fe_safety = FSED & config_crc32;
wire fe_extra = fe_tag | fe_dt | fe_safety;
wire prot_c = is_hdr & ~h_bad & h_mine & frame_open & d_class & ~it_last;
wire prot = prot_c & ks_drop == 7'd0;
wire [12:0] need = 13'(({1'b0, h_wc} + 17'd15) >> 4);
wire conflict = is_hdr & ~h_bad & h_mine & h_long & h_dt == config_control_dt;
wire drop_hdr = is_hdr & h_bad | conflict;
wire pass_hdr = is_hdr & ~h_bad & ~fs_mine & ~(fe_close & fe_extra) & ~prot_c & ~conflict;
wire hdr_take = (pass_hdr & ck_ready) | drop_hdr | prot | fs_go;
wire [15:0] tp_entry = {11'd0, tag_bytes} + 16'd16;
wire [15:0] tagpkt_wc = dt_mode ? {12'd0, sc_n} * tp_entry : tp_entry;
// The header of the control packet going out: the tag packet's, or the
// 16-byte FSED-Header's or FSED-Safety's.
wire [15:0] ctl_wc = st == CHDR ? tagpkt_wc : 16'd16;
wire [127:0] fblock = frame_block(stream8, kid, config_byte | {7'd0, frame_sv1}, sv_top, sv_mid, sv_bot, config_stride,
                                  window_offset, window_length, fc);
wire [7:0] ctrl_di = {config_stream[1:0], config_control_dt};
wire key_need = ~(key_ok & key_cur == (slot1_hit & ~slot0_hit));
assign wn_load = prot;
assign wn_take = body_take;

// Output chunks.
reg [127:0] cx_data;
reg [4:0] cx_count;
reg cx_last, cx_valid, cx_error, cx_crc, cx_crc32;
// How the output CRC-16 takes the chunk (see the stage below).
reg [1:0] cx_mode;
reg [15:0] cx_x;
always @(*) begin
  cx_data = 128'd0; cx_count = 5'd0; cx_last = 1'b0; cx_valid = 1'b0; cx_error = 1'b0;
  cx_mode = CK_SKIP; cx_crc = 1'b0; cx_crc32 = 1'b0; cx_x = 16'd0;
  case (st)
    HDR: begin
      cx_data = {96'd0, hf};
      cx_count = 5'd4;
      cx_last = it_last;
      cx_error = it_last & in_user;
      cx_valid = pass_hdr | fs_mine & fs_ready;
    end
    PASS: begin
      cx_data = it_data;
      cx_count = it_count;
      cx_last = it_last;
      cx_error = it_last & in_user;
      cx_valid = it_valid;
    end
    PSEP: begin
      cx_mode = CK_SEP;
      // SEP: the header and the SEP header; FSED: the header.
      cx_data = {FSED ? 96'd0 : p_rh[127:32], p_hdr[31:30], hout$ecc, p_hdr[23:0]};
      cx_count = FSED ? 5'd4 : 5'd16;
      cx_valid = ~p_over & (~p_gh | gh_in);
    end
    PBODY: begin
      cx_mode = CK_ON;
      cx_data = out_data;
      cx_count = pay_n;
      cx_valid = ~p_over & it_valid & ~it_hdr & pay_n != 5'd0 & (~p_enc | ks_ok) & (~gh_beat | gh$s_ready);
    end
    PCRC32: begin
      cx_mode = CK_ON;
      cx_crc32 = 1'b1;
      cx_count = 5'd4;
      cx_valid = ~p_over;
    end
    PTAG: begin
      cx_mode = CK_ON;
      cx_data = rev16(mac_y);
      cx_count = tag_bytes;
      cx_valid = ~p_over & gh$y_valid & mac_nonce;
    end
    PCRC16: begin
      cx_crc = 1'b1;
      cx_x = crc_err;
      cx_count = 5'd2;
      cx_last = 1'b1;
      cx_valid = ~p_over;
    end
    PTRUNC: begin
      cx_last = 1'b1;
      cx_error = 1'b1;
      cx_valid = ~p_over;
    end
    CHDR, FHH, SHDR: begin
      cx_data = {96'd0, stream_vcx, hout$ecc, ctl_wc, ctrl_di};
      cx_count = 5'd4;
      cx_valid = 1'b1;
    end
    FHB: begin
      cx_mode = CK_NEW;
      cx_data = fblock;
      cx_count = 5'd16;
      cx_valid = 1'b1;
    end
    SBODY: begin
      cx_mode = CK_NEW;
      cx_data = safety_block(~crc32, mc, tbytes);
      cx_count = 5'd16;
      cx_valid = 1'b1;
    end
    CTRL: begin
      cx_mode = sc_k == 4'd0 ? CK_NEW : CK_ON;
      cx_data = dt_mode ? sc_trailer : trailer_block(8'd0, 8'd0, stream8, fnum, recs, cbytes);
      cx_count = 5'd16;
      cx_valid = 1'b1;
    end
    CTAGO: begin
      cx_mode = CK_ON;
      cx_data = dt_mode ? sc_tag[sc_kk] : tag_r;
      cx_count = tag_bytes;
      cx_valid = 1'b1;
    end
    CCRC, FHC, SCRC: begin
      cx_crc = 1'b1;
      cx_count = 5'd2;
      cx_last = 1'b1;
      cx_valid = 1'b1;
    end
    FEOUT: begin
      cx_data = {96'd0, hf};
      cx_count = 5'd4;
      cx_last = 1'b1;
      cx_valid = it_valid & it_hdr;
    end
    default: ;
  endcase
end
wire [7:0] cx_user = {7'd0, cx_error};
@OUT_STAGE@

// Outputs of the shared blocks that this configuration does not read.
/* verilator lint_off UNUSEDSIGNAL */
wire unused = &{1'b0, hin$ecc, hout$fixed, hout$corrected, hout$uncorrectable,
                p_hdr[29:24], paddr[1:0], pk$m_user[7:1], in_slice$m_user[7:1], in_slice$m_pay};
/* verilator lint_on UNUSEDSIGNAL */

always @(*) begin
  // Input.
  al$clock = clock;
  al$reset = reset;
  // Every input port enters a register slice first (`in_slice`,
  // axis_slice.rs): the aligner's byte counts and the header check start
  // from registers, and no path runs back to `s_axis_tready`. (Its
  // payload count is the RX's; the aligner counts per item.)
  in_slice$clock = clock;
  in_slice$reset = reset;
  in_slice$s_data = s_axis_tdata;
  in_slice$s_keep = s_axis_tkeep;
  in_slice$s_last = s_axis_tlast;
  in_slice$s_user = {7'd0, s_axis_tuser};
  in_slice$s_valid = s_axis_tvalid;
  in_slice$s_wc = 16'd0;
  in_slice$s_long = 1'b0;
  in_slice$m_ready = al$s_ready;
  s_axis_tready = in_slice$s_ready;
  al$s_data = in_slice$m_data;
  al$s_count = in_slice$m_count;
  al$s_last = in_slice$m_last;
  al$s_valid = in_slice$m_valid;
  al$m_ready = (st == HDR & hdr_take) | (st == FEOUT & ck_ready) | pass_take | body_take;
  hin$header = in_slice$m_data[31:0];
  hin$vcx_on = config_vcx;
  al$h_side = {62'd0, hin$corrected, hin$uncorrectable, hin$fixed};
  al$s_wc = hin$fixed[23:8];
  // Header builder: the wrapped packet's (PSEP) or the tag packet's.
  hout$vcx_on = config_vcx;
  hout$header = st == PSEP ? {p_hdr[31:30], 6'd0, p_hdr[23:0]}
                           : {stream_vcx, 6'd0, ctl_wc, ctrl_di};
  // CRCs: input check over the payload bytes; CRC-32 over SEP header and
  // payload; CRC-16 of the output over everything after the header.
  // FSED: no SEP header; CRC-32 over the frame's classified payloads.
  // Output; the AES core and GHASH (key ports: see the glue).
@ENGINE_WIRING@
  pk$s_user = ch_user;
  m_axis_tuser = pk$m_user[0];
  // AES core: key load, then H, E_K(J0)s and keystream in request order.
  aes$flush = st == PTRUNC & ks_left == 13'd0 & ~j0_wait & ~mac_busy;
  aes$s_data = mac_a_valid ? mac_a_data
             : rev16(req_h ? 128'd0 : req_j0 ? j0 : ks_left != 13'd0 ? {bswap32(ks_ctr), ks_prefix}
                     : {bswap32({26'd0, spec_n} + 32'd1), ctr_prefix(stream8, kid, fc, mc)});
  aes$s_valid = (req_h | req_j0 | ks_left != 13'd0 | spec_on | mac_a_valid) & aes_open;
  // (Keystream is never taken with CMAC: no path from the body to the core.)
  aes$m_ready = cap_j0 | cap_h | (body_take & p_enc & pay_n != 5'd0 & ~MAC_CMAC) | drop_now | (mac_busy & ~h_wait);
  // GHASH: records, trailer and length block.
  // (Data-type mode: a record's last block closes it, and its first
  // resumes its scope's value; a scope's trailer resumes it too.)
  gh$s_last = st == PLEN | st == TLEN | st == ABORT | mac_part;
  gh$s_data = st == PSEP ? rev16(p_rh) ^ (p_dt & p_hit ? sc_s[p_sc] : 128'd0) : st == PBODY ? rev16(wn_block)
            : st == PWFL ? rev16(wn_tail)
            : st == PFB ? rev16(fblock)
            : st == TRAIL ? (dt_mode ? dt_trail_q : rev16(trailer_block(8'd0, 8'd0, stream8, fnum, recs, cbytes)))
            : st == TLEN ? rev16(length_block(dt_mode ? dt_blocks_q : gh_blocks))
            : st == PLEN ? rev16(length_block(gh_blocks)) : 128'd0;
  gh$s_valid = (st == PSEP & p_gh & ~dt_wait & (p_over | ck_ready))
             | (st == PBODY & gh_beat & it_valid & ~it_hdr & (~p_enc | ks_ok) & (p_over | ck_ready))
             | st == PWFL | st == PFB | st == TRAIL | st == TLEN | st == ABORT | (st == PLEN & p_tag_here);
  gh$y_ready = (st == PTAG & mac_nonce & (p_over | ck_ready)) | (st == TTAG & mac_nonce) | st == ABORTY | dt_wait;
  // Status.
  rekey_needed = exhausted;
end

// Status registers the register file reads.
assign ro_status = {26'd0, kslot, key_ok, frame_open, exhausted, config_error | policy_error, active};
assign ro_frame_counter = fc;
always @(*) begin
  inc_frames_protected = st == FEOUT & it_valid & it_hdr & ck_ready
                       | fe_close & ~fe_extra & ck_ready & st == HDR;
  inc_frames_abandoned = fs_go & frame_open;
  inc_frames_started = fs_go;
  inc_packets_protected = st == PCRC16 & (p_over | ck_ready) & ~p_over;
  inc_dt_conflict = conflict;
  inc_oversize = st == PCRC16 & p_over;
  inc_input_ecc_corrected = al$m_ready & it_valid & it_hdr & ~h_bad & it_data[65];
  inc_input_ecc_error = is_hdr & h_bad;
  inc_input_crc_error = check & walk_long & walk_mine & crc_err != 16'd0;
  inc_input_length_error = check & walk_long & walk_bad;
  inc_dt_scope_overflow = prot & dt_mode & d_cov & ~sc_room;
end

wire [127:0] l32_src = st == PSEP ? {32'd0, p_rh[127:32]} : out_data;
wire [4:0] l32_cnt = st == PSEP ? 5'd12 : pay_n;
// (Not over an oversize packet: it goes nowhere, and the footer of the
// packet before it may still wait in the output stage for `crc32`.)
wire l32_take = (st == PSEP & ~p_over & ck_ready & (~p_gh | gh_in) & ~FSED) | (body_take & pay_n != 5'd0 & ~p_over);
wire l32_first = st == PSEP;
@CRC32_SPLIT@
always @(posedge clock) begin
  check <= 1'b0;
  crc32 <= k32_now;
  // AES bookkeeping.
  if (aes$s_valid & aes$s_ready & ~mac_a_valid) begin
    if (req_h) req_h <= 1'b0;
    else if (req_j0) req_j0 <= 1'b0;
    else if (ks_left != 13'd0) begin
      ks_left <= ks_left - 13'd1;
      ks_ctr <= ks_ctr + 32'd1;
    end else spec_n <= spec_n + 6'd1;
  end
  // (A header that adds blocks to drop counts this one too.)
  if (drop_now) ks_drop <= ks_drop - 7'd1;
  if (body_take & p_enc & pay_n != 5'd0) ks_own <= ks_own - 13'd1;
@AES_CAPTURE@
  if (want_j0 & st == HDR & key_ok) begin
    want_j0 <= 1'b0;
    req_j0 <= 1'b1;
    j0 <= tag_j0(stream8, kid, 8'd0, fc, 32'd0);
    j0_wait <= 1'b1;
    j0_ok <= 1'b0;
  end
  if (ctrl_load) begin
    loaded <= 1'b1;
    started <= 1'b0;
    exhausted <= 1'b0;
    policy_error <= 1'b0;
  end
  // The wide registers of the packet about to be protected are written
  // every cycle of HDR, whatever the header (they are read only after a
  // protected header is taken, in the states that follow): the header
  // decision does not reach their enables. (No keystream request is
  // pending in HDR: a packet's blocks are all requested before its last
  // item is taken.)
  if (st == HDR) begin
    p_hdr <= {h_vcx, 6'd0, d_wc_out[15:0], hf[7:0]};
    p_rh <= record_header(hf[7:0], h_vcx, h_wc, d_cov, d_blk_sv, config_byte | {7'd0, d_enc}, kid, stream8, fc, mc);
    if (ks_left == 13'd0) ks_prefix <= ctr_prefix(stream8, kid, fc, mc);
    // The packet's tag J0 likewise (line tags: the request below is the
    // decision's), unless a J0 waits for the core or the frame's is
    // written now (frame tags; the modes exclude each other).
    if (~req_j0 & ~(want_j0 & key_ok)) j0 <= tag_j0(stream8, kid, 8'd1, fc, mc);
  end
  // Body walk: every packet's items (pass, drop and protect).
  if (is_hdr & hdr_take & st == HDR) begin
    crc_n <= 2'd0;
    crc_rx <= 16'd0;
    c16i_fresh <= 1'b1;
    walk_long <= h_long & ~h_bad;
    walk_mine <= h_mine & ~conflict;
    walk_bad <= h_long & it_last & ~h_bad;
    if (h_long & it_last & ~h_bad) check <= 1'b1;
  end
  if (pass_take | body_take) begin
    crc_n <= crc_n + crc_take;
    crc_rx <= crc_rx_next;
    c16i_fresh <= 1'b0;
    if (it_last) begin
      walk_bad <= ~walk_end_ok;
      check <= 1'b1;
    end
  end
  case (st)
    HDR: if (is_hdr) begin
      if (fs_mine & spec_n != 6'd0) begin
        ks_drop <= ks_drop - {6'd0, drop_now} + {1'b0, spec_n};
        spec_n <= 6'd0;
      end
      if (fs_go) begin
        // FS (spec §2, §3): abandon, advance the frame counter, take the
        // next frame's policy.
        if (started & fc == 32'hffffffff) exhausted <= 1'b1;
        else if (started) fc <= fc + 32'd1;
        else fc <= fc_init_value;
        started <= 1'b1;
        frame_open <= slot0_hit | slot1_hit;
        policy_error <= ~(slot0_hit | slot1_hit);
        fnum <= h_wc;
        {sv_top, sv_mid, sv_bot} <= (started & fc == 32'hffffffff) | exhausted ? {4'd5, 4'd5, 4'd5}
                                   : {next_frame_sv_top, next_frame_sv_middle, next_frame_sv_bottom};
        kid <= next_frame_key_id;
        frame_sv1 <= ~((started & fc == 32'hffffffff) | exhausted)
                   & (next_frame_sv_top == 4'd1 | next_frame_sv_middle == 4'd1 | next_frame_sv_bottom == 4'd1);
        kslot <= slot1_hit & ~slot0_hit;
        mc <= 32'd0; recs <= 32'd0; cbytes <= 32'd0; gh_blocks <= 32'd0; seen_mid <= 1'b0;
        ph_top <= 8'd0; ph_mid <= 8'd0; ph_bot <= 8'd0;
        sc_n <= 4'd0; sc_k <= 4'd0;
        want_j0 <= ~MAC_CMAC & config_tag_mode == 2'd0 & (slot0_hit | slot1_hit);
        // FSED: the FSED-Header first (then the key, if it changes).
        if (FSED & (slot0_hit | slot1_hit)) st <= FHH;
        else if ((slot0_hit | slot1_hit) & key_need) st <= KEY;
      end else if (fs_mine & frame_open & gh_open & aes_idle) begin
        st <= ABORT;
      end else if (fe_close) begin
        ks_drop <= ks_drop - {6'd0, drop_now} + {1'b0, spec_n};
        spec_n <= 6'd0;
        if (fe_tag) st <= TRAIL;
        else if (fe_dt) st <= DTJ;
        else if (fe_safety) st <= SHDR;
        else if (ck_ready) frame_open <= 1'b0;
      end else if (prot) begin
        // (p_hdr, p_rh, ks_prefix and j0 are written every cycle of HDR,
        // below: the last write is this one.)
        p_enc <= d_enc;
        p_tag_here <= d_tag_here;
        p_over <= d_wc_out > 18'd65535;
        p_gh <= d_cov & (~dt_mode | sc_room);
        p_dt <= dt_mode & d_cov & sc_room;
        p_sc <= sc_idx;
        p_rb <= sc_rb;
        if (dt_mode & d_cov & sc_room) begin
          @DT_JOIN@
        end
        mc <= mc + 32'd1;
        tbytes <= tbytes + {16'd0, h_wc};
        @CLASSIFY_STEP@
        if (d_cov) begin
          recs <= recs + 32'd1;
          rec_up <= 1'b1;
        end
        if (d_tag_here & ~MAC_CMAC) begin
          req_j0 <= 1'b1;
          j0_wait <= 1'b1;
          j0_ok <= 1'b0;
        end
        // Keystream: the blocks run ahead serve first; the rest are
        // requested now, or the surplus is dropped.
        spec_n <= 6'd0;
        if (d_enc) begin
          ks_own <= d_need;
          if (d_need > {7'd0, spec_n}) begin
            ks_left <= d_need - {7'd0, spec_n};
            ks_ctr <= {26'd0, spec_n} + 32'd1;
          end else ks_drop <= 7'(spec_n - d_need[5:0]);
        end else ks_drop <= {1'b0, spec_n};
        // FSED: the frame block opens the frame's MAC, before its first record.
        st <= FSED & d_cov & ~gh_open ? PFB : PSEP;
      end else if (pass_hdr & ck_ready & ~it_last) begin
        st <= PASS;
      end else if (drop_hdr & ~it_last) begin
        st <= DROP;
      end
    end
    PASS, DROP: if (pass_take & it_last) st <= HDR;
@KEY_ABORT_STATES@
    PFB: if (gh$s_ready) begin
      gh_open <= 1'b1;
      gh_blocks <= gh_blocks + 32'd1;
      st <= PSEP;
    end
    PSEP: if ((p_over | ck_ready) & (~p_gh | gh_in)) begin
      if (p_gh) begin
        gh_open <= 1'b1;
        gh_blocks <= gh_blocks + 32'd1;
      end
      st <= PBODY;
    end
    PBODY: if (body_take) begin
      if (gh_beat) begin
        gh_blocks <= gh_blocks + 32'd1;
        p_rb <= p_rb - 13'd1;
      end
      if (it_last & ~al$m_pay_end) begin
        ks_left <= 13'd0;
        st <= PTRUNC;
      end else if (it_last) st <= p_gh & wn_pend_after ? PWFL : st_after_flush;
    end
    PWFL: if (gh$s_ready) begin
      gh_blocks <= gh_blocks + 32'd1;
      p_rb <= p_rb - 13'd1;
      st <= st_after_flush;
    end
    PCRC32: if (p_over | ck_ready) st <= p_tag_here ? PLEN : PCRC16;
    PLEN: if (gh$s_ready) st <= PTAG;
    PTAG: if (gh$y_valid & mac_nonce & (p_over | ck_ready)) begin
      j0_ok <= 1'b0;
      gh_open <= 1'b0;
      gh_blocks <= 32'd0;
      st <= PCRC16;
    end
    PCRC16: if (p_over | ck_ready) st <= HDR;
    PTRUNC: if ((p_over | ck_ready) & ks_left == 13'd0 & ~j0_wait & ~mac_busy) begin
      // The keystream still in the core was dropped (flush); a message
      // scope in progress is closed and its tag dropped.
      outstanding <= 8'd0;
      ks_own <= 13'd0;
      ks_drop <= 7'd0;
      spec_n <= 6'd0;
      // (Data-type mode: a record cut before its last block is closed
      // and dropped; its scope's tag then fails at the receiver.)
      st <= p_tag_here | (p_dt & gh_open) ? ABORT : HDR;
    end
@CLOSE_STATES@
    CHDR: if (ck_ready) st <= CTRL;
    CTRL: if (ck_ready) st <= CTAGO;
    CTAGO: if (ck_ready) begin
      // Data-type mode: the next scope's entry, if any.
      if (close_more) begin
        sc_k <= sc_k + 4'd1;
        st <= CTRL;
      end else begin
        sc_k <= 4'd0;
        st <= CCRC;
      end
    end
    CCRC: if (ck_ready) st <= fe_safety ? SHDR : FEOUT;
    FHH: begin
      // FSED: the frame's CRC-32 and byte count start here, not at the FS
      // decision (its enables stay off the header path). Nothing steps
      // the CRC-32 between the FS and this state (no payload is taken),
      // and a frame without FHH has no FSED-Safety packet.
      crc32 <= 32'hffffffff;
      tbytes <= 32'd0;
      if (ck_ready) st <= FHB;
    end
    FHB: if (ck_ready) st <= FHC;
    FHC: if (ck_ready) st <= key_ok & key_cur == kslot ? HDR : KEY;
    SHDR: if (ck_ready) st <= SBODY;
    SBODY: if (ck_ready) st <= SCRC;
    SCRC: if (ck_ready) st <= FEOUT;
    FEOUT: if (it_valid & it_hdr & ck_ready) begin
      frame_open <= 1'b0;
      st <= HDR;
    end
    default: st <= HDR;
  endcase
  // Data-type mode: the record's last block is in; its scope's value
  // comes out of the MAC unit next.
  if (dt_last_take) begin
    dt_wait <= 1'b1;
    y_sc <= p_sc;
    gh_open <= 1'b0;
  end
  if (reset | ctrl_clear) begin
@ENGINE_RESET@
    want_j0 <= 1'b0;
    ks_own <= 13'd0;
    ks_drop <= 7'd0;
    spec_n <= 6'd0;
  end
  if (reset) begin
    loaded <= 1'b0;
    started <= 1'b0;
    exhausted <= 1'b0;
    policy_error <= 1'b0;
  end
end
"#;
