//! `csi2sec_rx`, byte-serial (`--width 1`): the RX for the smallest parts.
//! One byte per AXI4-Stream beat, the ports, `tuser` verdict code and
//! register map of the 16-byte RX ([`crate::rx::Rx`]); what it applies:
//! [`crate::byte_link`].
//!
//! Each input packet's header is taken and decided; then:
//! - a wrapped packet: its SEP header is taken (12 bytes), each byte
//!   compared with the one the context expects as it comes (version,
//!   covered bit, SV, config byte, key_id, stream: policy_violation; the
//!   frame counter: taken from the frame's first classified packet, then
//!   compared; the message counter: auth_fail); the footer's length is
//!   read from the wire's config byte and covered bit (decode as sent);
//!   then the original header goes out while the record header the
//!   context expects (the wire's frame counter) enters the CMAC, the payload goes out (its covered bytes, by the RX's own line
//!   indices and window, into the CMAC), the footer is skipped, and the
//!   CRC-16 goes out recomputed (the TX's propagated error undone);
//! - the SEP tag packet: dropped; its trailer compared with the one the
//!   RX rebuilds (which goes into the CMAC, with K1), its tag with the
//!   CMAC, byte by byte, the differences ORed (constant time);
//! - FS and FE of a frame: the frame's verdict on the packet's last byte
//!   (`m_axis_tuser`, as the 16-byte RX's), in the spec's order.
//!
//! FSED (`--protocol fsed`): the FSED-Header first after each FS (its
//! frame block checked, its policy fields compared, its frame counter
//! taken, the expected block first into the CMAC; without a valid one
//! the frame is released as received, format_error), classified packets
//! as received with their records into the CMAC, the FSED-Tag as a tag
//! packet of one entry, an FSED-Safety a policy_violation (no CRC-32 in
//! the context); every control packet dropped.
//!
//! Differences from the golden model, on malformed input only: a
//! classified packet whose WC is under 12 is released as received, but
//! one whose WC covers the SEP header and not the footer it announces is
//! dropped (format_error either way); a packet cut short (`tlast` before
//! its WC) ends there, with `tlast`, and bytes past its CRC-16 are
//! dropped (format_error, `input_length_error`).

use crate::aes_chain::AesChain;
use crate::aes_iterative::AesCore;
use crate::header_ecc::HeaderEcc;
use crate::regs::Side;
use rust_hdl::prelude::*;

/// The byte-serial RX, on the column-serial AES core.
#[derive(LogicBlock)]
pub struct RxByte {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: drops the packet in progress, zeroises the key
    /// slots and the core, forgets the replay state, and sets every
    /// register to its reset value.
    pub reset: Signal<In, Bit>,
    /// Protected CSI-2 packets (from the PHY), a byte per beat.
    pub s_axis_tdata: Signal<In, Bits<8>>,
    /// Always 1 at this width (ignored).
    pub s_axis_tkeep: Signal<In, Bits<1>>,
    pub s_axis_tlast: Signal<In, Bit>,
    /// On a last byte: verdicts from upstream, kept on the packets passed
    /// through.
    pub s_axis_tuser: Signal<In, Bits<8>>,
    pub s_axis_tvalid: Signal<In, Bit>,
    pub s_axis_tready: Signal<Out, Bit>,
    /// The original CSI-2 packets (to the SoC).
    pub m_axis_tdata: Signal<Out, Bits<8>>,
    /// Always 1.
    pub m_axis_tkeep: Signal<Out, Bits<1>>,
    pub m_axis_tlast: Signal<Out, Bit>,
    /// On a last byte: bit 0 a frame verdict, bits 4:2 its code (0
    /// format_error, 1 policy_violation, 2 missing_tag, 3 auth_fail, 4
    /// replay, 5 unprotected, 6 ok).
    pub m_axis_tuser: Signal<Out, Bits<8>>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tready: Signal<In, Bit>,
    /// APB3 register port (the RX register map).
    pub psel: Signal<In, Bit>,
    pub penable: Signal<In, Bit>,
    pub pwrite: Signal<In, Bit>,
    pub paddr: Signal<In, Bits<12>>,
    pub pwdata: Signal<In, Bits<32>>,
    pub prdata: Signal<Out, Bits<32>>,
    pub pready: Signal<Out, Bit>,
    pub pslverr: Signal<Out, Bit>,
    /// One-cycle pulse with each frame verdict that is not ok or
    /// unprotected.
    pub alarm: Signal<Out, Bit>,
    hin: HeaderEcc,
    hout: HeaderEcc,
    aes: AesChain,
    _key_bits: usize,
    _opts: crate::byte_link::Options,
}

impl RxByte {
    pub fn new(aes: AesChain, key_bits: usize, opts: crate::byte_link::Options) -> Self {
        RxByte {
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
            alarm: Default::default(),
            hin: Default::default(),
            hout: Default::default(),
            aes,
            _key_bits: key_bits,
            _opts: opts,
        }
    }
}

impl Logic for RxByte {
    fn update(&mut self) {
        self.aes.set_clock(self.clock.val());
    }

    fn connect(&mut self) {
        for s in [
            &mut self.s_axis_tready,
            &mut self.m_axis_tlast,
            &mut self.m_axis_tvalid,
            &mut self.pready,
            &mut self.pslverr,
            &mut self.alarm,
        ] {
            s.connect();
        }
        self.m_axis_tdata.connect();
        self.m_axis_tkeep.connect();
        self.m_axis_tuser.connect();
        self.prdata.connect();
        self.aes.claim_inputs();
        crate::link_glue::connect_headers([&mut self.hin, &mut self.hout]);
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(crate::byte_link::top_verilog(
            Side::Rx,
            self._key_bits,
            self._opts,
            CONTROL,
            ", stream_vcx, w_b0[7:6], w_b0[4:0], w_cfg[7:6], w_cfg[0]",
        ))
    }
}

/// The RX control.
const CONTROL: &str = r#"// ---- Byte-serial RX control (rx_byte.rs).
localparam R_HDR = 4'd0, R_DEC = 4'd1, R_KEY = 4'd2, R_PH = 4'd3, R_COPY = 4'd4, R_DROP = 4'd5,
           R_WS = 4'd6, R_WR = 4'd7, R_WP = 4'd8, R_WF = 4'd9, R_WC = 4'd10, R_WO = 4'd11,
           R_PAD = 4'd12, R_TB = 4'd13, R_TC = 4'd14;
reg [3:0] st;
// Context and frame state of the configured stream; the frame's
// findings (format, policy, auth); the tag packet came.
reg loaded, frame_open, fc_known, seen_mid, tp_seen, f_fmt, f_pol, f_auth;
// Replay state: the last accepted frame counter per key slot, in a
// two-word memory (block RAM: 64 flip-flops fewer), read at `kslot` a
// cycle behind (a verdict never follows a write or a slot change by one
// cycle, so the read that meets a write is not used: `no_rw_check`).
reg [1:0] acc_valid;
(* ram_style = "block", no_rw_check *) reg [31:0] acc_fc [0:1];
reg [31:0] acc_q;
reg [2:0] last_verdict;
reg verdict_valid, alarm_r;
// tuser of the packet's last output byte.
reg [7:0] o_uv;
// The packet in progress: SV, expected coverage, a long packet passed
// through has its CRC-16 checked, bytes past its CRC-16; wire WC,
// original WC, bytes walked, footer length; the wire SEP header's first
// two bytes (they give the footer's length).
reg [3:0] p_sv;
reg p_cov, p_chk, p_extra;
reg [15:0] p_wc, p_len, pc;
reg [4:0] p_foot;
reg [7:0] w_b0, w_cfg;
// The tag packet: position in its entry, more than one entry, tag bytes'
// differences.
reg [5:0] e_pos;
reg t_multi;
reg [7:0] t_diff;
// FSED (spec §5.2, §6): the FSED-Header is still due (first after FS);
// the frame is released as received (no valid FSED-Header); the
// FSED-Safety came; the control packet's kind (0 tag entry, 1 FSED-Header,
// 2 FSED-Safety, 3 another: format_error); its frame block is malformed.
reg fh_want, fraw, sf_seen, fb_bad;
reg [1:0] c_mode;
initial begin
  st = R_HDR;
  loaded = 1'b0; frame_open = 1'b0; fc_known = 1'b0; seen_mid = 1'b0; tp_seen = 1'b0;
  f_fmt = 1'b0; f_pol = 1'b0; f_auth = 1'b0;
  acc_valid = 2'd0; acc_fc[0] = 32'd0; acc_fc[1] = 32'd0; acc_q = 32'd0; last_verdict = 3'd0;
  verdict_valid = 1'b0; alarm_r = 1'b0; o_uv = 8'd0;
  p_sv = 4'd0; p_cov = 1'b0; p_chk = 1'b0; p_extra = 1'b0; p_wc = 16'd0; p_len = 16'd0; pc = 16'd0;
  p_foot = 5'd0; w_b0 = 8'd0; w_cfg = 8'd0;
  fh_want = 1'b0; fraw = 1'b0; sf_seen = 1'b0; fb_bad = 1'b0; c_mode = 2'd0;
  e_pos = 6'd0; t_multi = 1'b0; t_diff = 8'd0;
end
@BYTE_INPUT@
assign hdr_take = st == R_HDR & s_take;
// The original header goes out with the original WC (p_len).
assign hb_raw = {hf[31:30], 6'd0, p_len, hf[7:0]};
@CLASSIFY@// The frame's verdict (spec §6), in order.
wire replay_hit = fc_known & acc_valid[kslot] & fc <= acc_q;
// (FSED: a frame with no packet at all lacks its FSED-Header.)
wire absent_fh = FSED & fh_want & ~fraw;
wire [2:0] v_code = f_fmt | absent_fh ? 3'd0 : f_pol ? 3'd1 : (recs != 32'd0 & ~tp_seen) ? 3'd2 : f_auth ? 3'd3
                  : replay_hit ? 3'd4 : recs == 32'd0 ? 3'd5 : 3'd6;
// The covered window of the original WC (SV-4).
wire [16:0] pc17 = {1'b0, pc};
// (Without SV-4 every covered payload byte is in.)
wire in_win = p_cov & (~SV4 | pc17 >= win_start(p_len, p_sv == 4'd4) & pc17 < win_end(p_len, p_sv == 4'd4));
// The record header the context expects (its WC: the original one, once
// the footer is known); the trailer the RX rebuilds; the entry length.
wire [127:0] rh = record_header(hf[7:0], hf[31:30], p_len, p_cov, p_sv, config_byte, kid, stream8, fc, mc);
wire [127:0] trailer = trailer_block(8'd0, 8'd0, stream8, fnum, recs, cbytes);
wire [5:0] entry = {1'b0, tag_bytes} + 6'd16;
// The footer a wire SEP header announces: CRC-32, and a message tag if
// covered in message mode.
wire [4:0] w_tag = w_cfg[3:2] == 2'd0 ? 5'd16 : w_cfg[3:2] == 2'd1 ? 5'd12 : w_cfg[3:2] == 2'd2 ? 5'd8 : 5'd0;
wire [4:0] foot_of = (w_cfg[1] ? 5'd4 : 5'd0) + (w_cfg[5:4] == 2'd1 & w_b0[5] ? w_tag : 5'd0);
// The tag packet's byte waits for the CMAC where it needs it.
wire tb_first = pc < 16'd16;
wire tb_tag = ~tb_first & pc < {10'd0, entry};
// The kind of a control packet, from its first byte (FSED-Header: known
// before it, the first packet after FS); `cm`: this byte's.
// (SEP: only kinds 0 and 3, so that synthesis drops the FSED ones.)
wire [1:0] c_m = FSED ? c_mode : {c_mode != 2'd0, c_mode != 2'd0};
wire [1:0] k0 = c_m == 2'd1 ? 2'd1 : s_byte == 8'hFE ? 2'd0 : FSED & s_byte == 8'hC5 ? 2'd2 : 2'd3;
wire [1:0] cm = pc == 16'd0 ? k0 : c_m;
// The FSED frame block the context expects (its frame counter: the
// wire's, as it comes, bytes 12..15).
wire [127:0] fb_exp = frame_block(stream8, kid, config_byte, sv_top, sv_mid, sv_bot, config_stride,
                                  window_offset, window_length, fc);
wire fb_mac = c_m == 2'd1 & tb_first;
wire tag_mac = cm == 2'd0 & tb_first & recs != 32'd0;
// The byte waits for the CMAC where it needs it (the first byte, whose
// kind is not known yet, waits as a tag's would: no path from tdata).
wire tb_ready = (recs == 32'd0 & c_m != 2'd1) | (tb_first ? mac_rdy : c_m == 2'd0 & tb_tag ? tag_v : 1'b1);
// A packet ends before its WC says.
wire cut = s_take & s_axis_tlast & (st == R_WS | st == R_WP & (pc != p_len - 16'd1 | p_foot != 5'd0)
  | st == R_WF & pc != {11'd0, p_foot} - 16'd1 | st == R_WC & ~ob[0] | st == R_TB & pc != p_wc - 16'd1 | st == R_TC & ~ob[0]);
always @(*) begin
  s_axis_tready = 1'b0;
  o_push = 1'b0; o_data = 8'd0; o_last = 1'b0; o_user = 8'd0;
  mac_v = 1'b0; mac_d = 8'd0; mac_fin = 1'b0;
  case (st)
    R_HDR, R_DROP, R_WS, R_TC: s_axis_tready = 1'b1;
    R_COPY: begin
      s_axis_tready = o_free;
      o_push = s_take; o_data = s_byte; o_last = s_axis_tlast; o_user = s_axis_tuser;
    end
    R_PH: begin
      o_push = o_free; o_data = hf_byte; o_last = ob[1:0] == 2'd3 & hdr_last; o_user = o_uv;
    end
    R_WR: begin
      mac_v = p_cov & (ob >= 4'd4 | o_free); mac_d = byte_of(rh, ob);
      o_push = ob < 4'd4 & o_free & (~p_cov | mac_rdy); o_data = hb_byte;
    end
    R_WP: begin
      s_axis_tready = o_free & (~in_win | mac_rdy);
      o_push = s_take; o_data = s_byte; o_last = s_axis_tlast;
      mac_v = s_take & in_win; mac_d = s_byte;
    end
    R_WF, R_WC: begin
      // (A packet cut in its footer or CRC-16 still ends on the output.)
      s_axis_tready = o_free;
      o_push = cut; o_data = s_byte; o_last = 1'b1;
    end
    R_WO: begin
      o_push = o_free; o_data = crc_byte; o_last = ob[0];
    end
    R_PAD: mac_v = p_cov & mb != 4'd0;
    R_TB: begin
      s_axis_tready = tb_ready;
      mac_v = s_take & (tag_mac | fb_mac);
      mac_d = fb_mac ? (pc >= 16'd12 ? s_byte : byte_of(fb_exp, pc[3:0])) : byte_of(trailer, pc[3:0]);
      mac_fin = ~fb_mac;
    end
    default: ;
  endcase
end
wire dec = st == R_DEC;
wire bad_hdr = hin$uncorrectable;
wire is_fs = dec & ~bad_hdr & h_mine & h_dt == 6'h00;
wire is_fe = dec & ~bad_hdr & h_mine & h_dt == 6'h01 & frame_open;
wire is_ctl = dec & ~bad_hdr & h_mine & h_long & h_dt == config_control_dt;
wire is_wrap = dec & ~bad_hdr & h_mine & h_class & frame_open;
// A verdict: at the FE of an open frame, or the FS that abandons one.
wire verdict = is_fe | is_fs & frame_open;
wire w_end_now = st == R_PAD & (~p_cov | mb == 4'd0);
always @(*) begin
  inc_frames_format_error = verdict & v_code == 3'd0;
  inc_frames_policy_violation = verdict & v_code == 3'd1;
  inc_frames_missing_tag = verdict & v_code == 3'd2;
  inc_frames_auth_fail = verdict & v_code == 3'd3;
  inc_frames_replay = verdict & v_code == 3'd4;
  inc_frames_unprotected = verdict & v_code == 3'd5;
  inc_frames_ok = verdict & v_code == 3'd6;
  inc_packets_ok = 1'b0;
  inc_packets_not_ok = 1'b0;
  inc_control_outside_frame = is_ctl & ~frame_open;
  inc_released_as_received = is_wrap & (FSED ? fraw | fh_want : h_wc < 16'd12);
  inc_input_ecc_corrected = dec & hin$corrected;
  inc_input_ecc_error = dec & bad_hdr;
  inc_input_length_error = cut | hdr_runt
    | (st == R_WO & ob == 4'd0 & p_extra);
  inc_frames_started = is_fs;
  kl_go = ks == 3'd0 & (is_fs & (~key_ok | key_cur != slot_of_next)
                        | st == R_KEY & (~key_ok | key_cur != kslot));
  kl_slot = is_fs ? slot_of_next : kslot;
  mac_clear = is_fs;
  // (A tag byte compared: the core's pointer to the next.)
  tag_step = st == R_TB & s_take & cm == 2'd0 & tb_tag & tag_v;
  alarm = alarm_r;
end
assign ro_status = {21'd0, last_verdict, 2'd0, kslot, key_ok, frame_open, verdict_valid, cfg_bad, active};
assign ro_frame_counter = fc;
always @(posedge clock) begin
  if (verdict & v_code == 3'd6) acc_fc[kslot] <= fc;
  acc_q <= acc_fc[kslot];
end
always @(posedge clock) begin
  alarm_r <= 1'b0;
  if (verdict) begin
    last_verdict <= v_code;
    verdict_valid <= 1'b1;
    alarm_r <= v_code < 3'd5;
    if (v_code == 3'd6) acc_valid[kslot] <= 1'b1;
  end
  if (cut) f_fmt <= 1'b1;
  case (st)
    R_HDR: if (hdr_done) st <= R_DEC;
    R_DEC: begin
      ob <= 4'd0;
      pc <= 16'd0;
      p_wc <= h_wc;
      crc_i <= 16'hFFFF;
      crc_o <= 16'hFFFF;
      o_uv <= verdict ? {3'd0, v_code, 2'b01} : hdr_user;
      // Any packet of the stream in a frame after its closing control
      // packets (tag, FSED-Safety); FSED: one before the FSED-Header.
      if (~bad_hdr & h_mine & frame_open & (tp_seen | sf_seen) & h_dt > 6'h01 & ~is_ctl) f_fmt <= 1'b1;
      if (FSED & ~bad_hdr & h_mine & frame_open & fh_want & h_dt > 6'h01) begin
        fh_want <= 1'b0;
        if (~is_ctl) begin
          fraw <= 1'b1;
          f_fmt <= 1'b1;
        end
      end
      p_chk <= h_mine & h_long & frame_open & ~is_wrap;
      if (bad_hdr) begin
        if (frame_open) f_fmt <= 1'b1;
        st <= hdr_last ? R_HDR : R_DROP;
      end else if (is_fs) begin
        frame_open <= 1'b1;
        fc_known <= 1'b0; seen_mid <= 1'b0; tp_seen <= 1'b0;
        fh_want <= FSED; fraw <= 1'b0; sf_seen <= 1'b0;
        f_fmt <= 1'b0; f_pol <= 1'b0; f_auth <= 1'b0;
        sv_top <= next_frame_sv_top;
        sv_mid <= next_frame_sv_middle;
        sv_bot <= next_frame_sv_bottom;
        kid <= next_frame_key_id;
        kslot <= slot_of_next;
        fnum <= h_wc;
        ph_top <= 8'd0; ph_mid <= 8'd0; ph_bot <= 8'd0;
        mc <= 32'd0; recs <= 32'd0; cbytes <= 32'd0;
        st <= kl_go | ks != 3'd0 ? R_KEY : R_PH;
      end else if (is_fe) begin
        frame_open <= 1'b0;
        st <= R_PH;
      end else if (is_ctl) begin
        if (frame_open & ~fraw) begin
          // (W = 0: a control packet of no kind; an FSED-Header's is
          // judged at its end.)
          if (h_wc == 16'd0 & ~(FSED & fh_want)) f_fmt <= 1'b1;
          c_mode <= FSED & fh_want ? 2'd1 : 2'd0;
          fb_bad <= 1'b0;
          e_pos <= 6'd0;
          t_multi <= 1'b0;
          t_diff <= 8'd0;
          st <= h_wc == 16'd0 ? R_TC : R_TB;
        end else st <= hdr_last ? R_HDR : R_DROP;
      end else if (is_wrap) begin
        p_sv <= blk_sv;
        p_cov <= h_cov;
        @CLASSIFY_STEP@
        if (FSED) begin
          // As received: no SEP header; without a valid FSED-Header, the
          // whole frame as received.
          p_len <= h_wc;
          p_foot <= 5'd0;
          if (fraw | fh_want) begin
            p_chk <= 1'b0;
            st <= R_PH;
          end else st <= R_WR;
        end else if (h_wc < 16'd12) begin
          f_fmt <= 1'b1;
          p_chk <= 1'b0;
          st <= R_PH;
        end else st <= R_WS;
      end else st <= R_PH;
    end
    R_KEY: if (ks == 3'd0 & key_ok & key_cur == kslot) st <= R_PH;
    R_PH: if (o_free) begin
      ob <= ob + 4'd1;
      if (ob[1:0] == 2'd3) begin
        ob <= 4'd0;
        st <= hdr_last ? R_HDR : R_COPY;
      end
    end
    R_COPY: if (s_take) begin
      pc <= pc + 16'd1;
      if (pc < p_wc) crc_i <= crc16_byte(crc_i, s_byte);
      if (pc == p_wc) crc_rx[7:0] <= s_byte;
      if (p_chk & pc == p_wc + 16'd1 & {s_byte, crc_rx[7:0]} != crc_i) f_fmt <= 1'b1;
      if (s_axis_tlast) st <= R_HDR;
    end
    R_DROP: if (s_take & s_axis_tlast) st <= R_HDR;
    R_WS: if (s_take) begin
      crc_i <= crc16_byte(crc_i, s_byte);
      ob <= ob + 4'd1;
      if (ob == 4'd0) w_b0 <= s_byte;
      if (ob == 4'd1) w_cfg <= s_byte;
      if (ob < 4'd4 & s_byte != byte_of(rh, ob + 4'd4)) f_pol <= 1'b1;
      if (ob >= 4'd4 & ob < 4'd8) begin
        if (~fc_known) fc <= {fc[23:0], s_byte};
        else if (s_byte != byte_of(rh, ob + 4'd4)) f_pol <= 1'b1;
      end
      if (ob >= 4'd8 & s_byte != byte_of(rh, ob + 4'd4)) f_auth <= 1'b1;
      if (cut) st <= R_HDR;
      else if (ob == 4'd11) begin
        fc_known <= 1'b1;
        ob <= 4'd0;
        p_foot <= foot_of;
        p_len <= p_wc - 16'd12 - {11'd0, foot_of};
        if (p_wc - 16'd12 < {11'd0, foot_of}) begin
          f_fmt <= 1'b1;
          st <= s_axis_tlast ? R_HDR : R_DROP;
        end else st <= R_WR;
      end
    end
    R_WR: if ((ob >= 4'd4 | o_free) & (~p_cov | mac_rdy)) begin
      ob <= ob + 4'd1;
      if (ob == 4'd15) begin
        ob <= 4'd0;
        st <= p_len != 16'd0 ? R_WP : p_foot != 5'd0 ? R_WF : R_WC;
      end
    end
    R_WP: if (s_take) begin
      crc_i <= crc16_byte(crc_i, s_byte);
      crc_o <= crc16_byte(crc_o, s_byte);
      if (in_win) cbytes <= cbytes + 32'd1;
      pc <= pc + 16'd1;
      if (cut) st <= R_HDR;
      else if (pc == p_len - 16'd1) begin
        pc <= 16'd0;
        st <= p_foot != 5'd0 ? R_WF : R_WC;
      end
    end
    R_WF: if (s_take) begin
      crc_i <= crc16_byte(crc_i, s_byte);
      pc <= pc + 16'd1;
      if (cut) st <= R_HDR;
      else if (pc == {11'd0, p_foot} - 16'd1) st <= R_WC;
    end
    R_WC: if (s_take) begin
      crc_rx[{ob[0], 3'd0} +: 8] <= s_byte;
      ob <= ob + 4'd1;
      if (cut) st <= R_HDR;
      else if (ob[0]) begin
        if ({s_byte, crc_rx[7:0]} != crc_i) f_fmt <= 1'b1;
        p_extra <= ~s_axis_tlast;
        ob <= 4'd0;
        st <= R_WO;
      end
    end
    R_WO: if (o_free) begin
      ob <= ob + 4'd1;
      if (ob[0]) begin
        ob <= 4'd0;
        st <= R_PAD;
      end
    end
    R_PAD: if (w_end_now) begin
      mc <= mc + 32'd1;
      if (p_cov) recs <= recs + 32'd1;
      if (p_extra) f_fmt <= 1'b1;
      st <= p_extra ? R_DROP : R_HDR;
    end
    R_TB: if (s_take) begin
      crc_i <= crc16_byte(crc_i, s_byte);
      pc <= pc + 16'd1;
      e_pos <= e_pos + 6'd1 == entry ? 6'd0 : e_pos + 6'd1;
      if (pc == 16'd0) c_mode <= k0;
      case (cm)
        2'd0: begin
          // A tag entry: out of place after a closing packet; auth_fail
          // where no record is expected.
          if (pc == 16'd0) begin
            if (tp_seen | sf_seen) f_fmt <= 1'b1;
            if (recs == 32'd0) f_auth <= 1'b1;
            tp_seen <= 1'b1;
          end
          if (pc >= {10'd0, entry}) t_multi <= 1'b1;
          if (tb_first & s_byte != byte_of(trailer, pc[3:0])) f_auth <= 1'b1;
          if (tb_tag) t_diff <= t_diff | (s_byte ^ tag_byte);
        end
        2'd1: begin
          // The FSED-Header's frame block: its form, its policy fields
          // against the context's, its frame counter taken.
          if (pc == 16'd0 & s_byte != 8'hFA | pc == 16'd5 & s_byte[7:4] != 4'd0 | pc == 16'd7 & s_byte != 8'd0)
            fb_bad <= 1'b1;
          if (pc >= 16'd1 & pc < 16'd12 & pc != 16'd7 & s_byte != byte_of(fb_exp, pc[3:0])) f_pol <= 1'b1;
          if (pc >= 16'd12 & pc < 16'd16) fc <= {fc[23:0], s_byte};
        end
        2'd2: begin
          // FSED-Safety: present where the context has crc32 off.
          if (pc == 16'd0) begin
            if (sf_seen) f_fmt <= 1'b1;
            sf_seen <= 1'b1;
            f_pol <= 1'b1;
          end
          if (pc >= 16'd1 & pc < 16'd4 & s_byte != 8'd0) f_fmt <= 1'b1;
        end
        default: if (pc == 16'd0) f_fmt <= 1'b1;
      endcase
      if (cut) st <= R_HDR;
      else if (pc == p_wc - 16'd1) st <= R_TC;
    end
    R_TC: if (s_take) begin
      crc_rx[{ob[0], 3'd0} +: 8] <= s_byte;
      ob <= ob + 4'd1;
      if (cut) st <= R_HDR;
      else if (ob[0]) begin
        if ({s_byte, crc_rx[7:0]} != crc_i) f_fmt <= 1'b1;
        case (c_m)
          2'd0: begin
            // SEP: a non-zero multiple of the entry; FSED: one entry.
            if (FSED ? p_wc != {10'd0, entry} : e_pos != 6'd0) f_fmt <= 1'b1;
            if (t_multi | t_diff != 8'd0) f_auth <= 1'b1;
          end
          2'd1: begin
            if (fb_bad | p_wc != 16'd16) begin
              fraw <= 1'b1;
              f_fmt <= 1'b1;
            end else fc_known <= 1'b1;
          end
          2'd2: if (p_wc != 16'd16) f_fmt <= 1'b1;
          default: ;
        endcase
        if (~s_axis_tlast) f_fmt <= 1'b1;
        ob <= 4'd0;
        st <= s_axis_tlast ? R_HDR : R_DROP;
      end
    end
    default: st <= R_HDR;
  endcase
  if (ctrl_load) begin
    loaded <= 1'b1;
    frame_open <= 1'b0;
    acc_valid <= 2'd0;
    verdict_valid <= 1'b0;
  end
  if (reset | ctrl_clear) frame_open <= 1'b0;
  if (reset) begin
    st <= R_HDR; loaded <= 1'b0; acc_valid <= 2'd0; verdict_valid <= 1'b0; last_verdict <= 3'd0;
    fc <= 32'd0; mc <= 32'd0; recs <= 32'd0; cbytes <= 32'd0;
  end
end
"#;
