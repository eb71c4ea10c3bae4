//! `csi2sec_tx`, byte-serial (`--width 1`): the TX for the smallest parts.
//! One byte per AXI4-Stream beat (spec §7 with a width of 1), one packet
//! per `tlast` burst, the ports and register map of the 16-byte TX
//! ([`crate::tx::Tx`]). What it applies, and how the CMAC runs over bytes:
//! [`crate::byte_link`].
//!
//! Each input packet's header is taken (4 cycles) and decided in one
//! cycle; then the packet is walked a byte per cycle:
//! - pass-through and FS/FE: the header (corrected, fresh ECC), then the
//!   rest as received;
//! - classified, in a frame: the new header (WC + 12) while the record
//!   header's first four bytes enter the CMAC, the SEP header (to the
//!   output and the CMAC), the payload (to the output; the covered bytes
//!   to the CMAC), the CRC-16 (recomputed, the input's error propagated),
//!   then the record's zero padding into the CMAC;
//! - FE of a frame with records: first the SEP tag packet (header,
//!   trailer into the CMAC with K1, the tag once the core gives it,
//!   CRC-16), then the FE.
//!
//! FSED (`--protocol fsed`, spec §5.2): classified packets go out as
//! received (header corrected, fresh ECC; the CRC-16 as received) while
//! their records enter the CMAC; after each FS of the stream the
//! FSED-Header goes out, its frame block the scope's first CMAC block;
//! before the FE the FSED-Tag (the tag packet's layout with the frame
//! scope alone). No FSED-Safety: CRC-32 is not applied.
//!
//! The CMAC takes a block per 16 bytes and the core needs 57 cycles for
//! it (AES-128), so a frame's covered bytes go in at 16/58 byte per
//! cycle; the input waits (`s_axis_tready` low) meanwhile.
//!
//! Input checks as the 16-byte TX's: an uncorrectable header is dropped
//! and counted; a control-DT packet of the stream is dropped; a packet
//! whose wrapped WC would pass 65535 is dropped but its record still
//! enters the CMAC. A packet cut short (its `tlast` before its CRC-16)
//! goes out cut, with `m_axis_tuser` high on its last byte, and its
//! frame gets no tag packet (its later packets are wrapped as usual) (the RX then says `missing_tag`); bytes past
//! a packet's CRC-16 are dropped. Both are counted (`input_length_error`).

use crate::aes_chain::AesChain;
use crate::aes_iterative::AesCore;
use crate::header_ecc::HeaderEcc;
use crate::regs::Side;
use rust_hdl::prelude::*;

/// The byte-serial TX, on the column-serial AES core.
#[derive(LogicBlock)]
pub struct TxByte {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: drops the packet in progress, zeroises the key
    /// slots and the core, and sets every register to its reset value.
    pub reset: Signal<In, Bit>,
    /// Input CSI-2 packets (from the sensor), a byte per beat.
    pub s_axis_tdata: Signal<In, Bits<8>>,
    /// Always 1 at this width (ignored).
    pub s_axis_tkeep: Signal<In, Bits<1>>,
    pub s_axis_tlast: Signal<In, Bit>,
    /// On a last byte: the packet is incomplete (upstream); kept on the
    /// packets passed through.
    pub s_axis_tuser: Signal<In, Bit>,
    pub s_axis_tvalid: Signal<In, Bit>,
    pub s_axis_tready: Signal<Out, Bit>,
    /// Protected CSI-2 packets (to the PHY).
    pub m_axis_tdata: Signal<Out, Bits<8>>,
    /// Always 1.
    pub m_axis_tkeep: Signal<Out, Bits<1>>,
    pub m_axis_tlast: Signal<Out, Bit>,
    /// On the last byte: the packet went out incomplete.
    pub m_axis_tuser: Signal<Out, Bit>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tready: Signal<In, Bit>,
    /// APB3 register port (the TX register map).
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
    hin: HeaderEcc,
    hout: HeaderEcc,
    aes: AesChain,
    _key_bits: usize,
    _opts: crate::byte_link::Options,
}

impl TxByte {
    pub fn new(aes: AesChain, key_bits: usize, opts: crate::byte_link::Options) -> Self {
        TxByte {
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
            hin: Default::default(),
            hout: Default::default(),
            aes,
            _key_bits: key_bits,
            _opts: opts,
        }
    }
}

impl Logic for TxByte {
    fn update(&mut self) {
        self.aes.set_clock(self.clock.val());
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
        crate::link_glue::connect_headers([&mut self.hin, &mut self.hout]);
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(crate::byte_link::top_verilog(
            Side::Tx,
            self._key_bits,
            self._opts,
            CONTROL,
            "",
        ))
    }
}

/// The TX control.
const CONTROL: &str = r#"// ---- Byte-serial TX control (tx_byte.rs).
localparam T_HDR = 4'd0, T_DEC = 4'd1, T_KEY = 4'd2, T_PH = 4'd3, T_COPY = 4'd4, T_DROP = 4'd5,
           T_WH = 4'd6, T_WP = 4'd7, T_WC = 4'd8, T_WO = 4'd9, T_PAD = 4'd10,
           T_TH = 4'd11, T_TT = 4'd12, T_TW = 4'd13, T_TG = 4'd14, T_TC = 4'd15;
reg [3:0] st;
// Context and frame state of the configured stream.
reg loaded, started, exhausted, frame_open, seen_mid;
// FSED: the FSED-Header is due after the FS goes out (p_fh); the control
// packet going out is the FSED-Header (c_fh), not the FSED-Tag or SEP
// tag packet.
reg p_fh, c_fh;
// A packet of the frame was cut short: the frame gets no tag packet.
reg f_cut;
// A long packet of the stream passed through: its CRC-16 is checked.
reg p_chk;
// The packet being wrapped: SV, covered, oversize (not sent), input
// bytes past its CRC-16 to drop; payload length, output WC, payload
// bytes taken, covered window [p_ws, p_we).
reg [3:0] p_sv;
reg p_cov, p_over, p_extra;
reg [15:0] p_wc, o_wc, pc;
reg [16:0] p_ws, p_we;
initial begin
  st = T_HDR;
  loaded = 1'b0; started = 1'b0; exhausted = 1'b0; frame_open = 1'b0; seen_mid = 1'b0;
  p_fh = 1'b0; c_fh = 1'b0; f_cut = 1'b0; p_chk = 1'b0;
  p_sv = 4'd0; p_cov = 1'b0; p_over = 1'b0; p_extra = 1'b0; p_wc = 16'd0; o_wc = 16'd0; pc = 16'd0;
  p_ws = 17'd0; p_we = 17'd0;
end
@BYTE_INPUT@
assign hdr_take = st == T_HDR & s_take;
@CLASSIFY@// The frame counter of an FS, and whether it is past exhaustion.
wire ex_next = exhausted | (started & fc == 32'hFFFFFFFF);
wire [16:0] pc17 = {1'b0, pc};
// (Without SV-4 every covered payload byte is in.)
wire in_win = p_cov & (~SV4 | pc17 >= p_ws & pc17 < p_we);
// The record header (spec §4) of the packet being wrapped, and the
// trailer (scope 0) of the frame.
wire [127:0] rh = record_header(hf[7:0], hf[31:30], p_wc, p_cov, p_sv, config_byte, kid, stream8, fc, mc);
wire [127:0] trailer = trailer_block(8'd0, 8'd0, stream8, fnum, recs, cbytes);
// The control packet's 16-byte block: the FSED frame block (spec §4), or
// the trailer.
wire [127:0] cblock = c_fh ? frame_block(stream8, kid, config_byte, sv_top, sv_mid, sv_bot, config_stride,
                                         window_offset, window_length, fc) : trailer;
// Headers built here: the wrapped packet's (WC + 12; FSED: WC) and the
// control packets' (control DT; WC = 16 + T, the FSED-Header's 16), with
// the stream's VCX.
wire tag_pkt = st == T_TH;
wire [5:0] c_wc = c_fh ? 6'd16 : {1'b0, tag_bytes} + 6'd16;
assign hb_raw = tag_pkt ? {stream_vcx, 6'd0, 10'd0, c_wc, config_stream[1:0], config_control_dt}
                        : {hf[31:30], 6'd0, o_wc, hf[7:0]};
wire [7:0] crc_o_byte = ob[0] ? crc_o[15:8] : crc_o[7:0];
// The output's CRC-16 over the byte going out (every byte it covers is
// the one pushed in that cycle): one CRC step, not one per part.
wire [15:0] crc_o_next = crc16_byte(crc_o, o_data);
// A wrapped packet's output goes out unless it is oversize.
wire w_out_ok = p_over | o_free;
always @(*) begin
  s_axis_tready = 1'b0;
  o_push = 1'b0; o_data = 8'd0; o_last = 1'b0; o_user = 1'b0;
  mac_v = 1'b0; mac_d = 8'd0; mac_fin = 1'b0;
  case (st)
    T_HDR, T_DROP: s_axis_tready = 1'b1;
    T_WC: begin
      // (A packet cut at its CRC-16 still ends on the output.)
      s_axis_tready = o_free;
      o_push = cut & ~p_over; o_data = s_byte; o_last = 1'b1; o_user = 1'b1;
    end
    T_COPY: begin
      s_axis_tready = o_free;
      o_push = s_take; o_data = s_byte; o_last = s_axis_tlast; o_user = s_axis_tuser;
    end
    T_PH: begin
      o_push = o_free; o_data = hf_byte; o_last = ob[1:0] == 2'd3 & hdr_last; o_user = hdr_user;
    end
    T_WH: begin
      mac_v = p_cov & w_out_ok; mac_d = byte_of(rh, ob);
      // (FSED: the header alone goes out; the record header is the MAC's.)
      o_push = ~p_over & o_free & (~p_cov | mac_rdy) & (~FSED | ob < 4'd4);
      o_data = ob < 4'd4 ? hb_byte : byte_of(rh, ob);
    end
    T_WP: begin
      s_axis_tready = w_out_ok & (~in_win | mac_rdy);
      o_push = s_take & ~p_over; o_data = s_byte;
      o_last = s_axis_tlast; o_user = s_axis_tlast;
      mac_v = s_take & in_win; mac_d = s_byte;
    end
    T_WO: begin
      o_push = ~p_over & o_free; o_data = crc_byte; o_last = ob[0];
    end
    T_PAD: mac_v = p_cov & mb != 4'd0;
    T_TH: begin
      o_push = o_free; o_data = hb_byte;
    end
    T_TT: begin
      mac_v = o_free; mac_d = byte_of(cblock, ob); mac_fin = ~c_fh;
      o_push = o_free & mac_rdy; o_data = byte_of(cblock, ob);
    end
    T_TG: begin
      o_push = o_free; o_data = tag_byte;
    end
    T_TC: begin
      o_push = o_free; o_data = crc_o_byte; o_last = ob[0];
    end
    default: ;
  endcase
end
// The header decision (T_DEC).
wire dec = st == T_DEC;
wire bad_hdr = hin$uncorrectable;
wire is_fs = dec & ~bad_hdr & h_mine & h_dt == 6'h00;
wire is_fe = dec & ~bad_hdr & h_mine & h_dt == 6'h01 & frame_open;
wire is_conflict = dec & ~bad_hdr & h_mine & h_long & h_dt == config_control_dt;
wire is_wrap = dec & ~bad_hdr & h_mine & h_class & frame_open;
// The packet's end: its CRC-16 out (or its padding in).
wire w_end_now = st == T_PAD & (~p_cov | mb == 4'd0);
wire cut = s_take & s_axis_tlast & (st == T_WP & pc != p_wc - 16'd1 | st == T_WC & ob[0] == 1'b0);
always @(*) begin
  inc_frames_protected = is_fe;
  inc_frames_abandoned = is_fs & frame_open;
  inc_frames_started = is_fs;
  inc_packets_protected = w_end_now & ~p_over;
  inc_oversize = w_end_now & p_over;
  inc_dt_conflict = is_conflict;
  inc_input_ecc_corrected = dec & hin$corrected;
  inc_input_ecc_error = dec & bad_hdr;
  inc_input_crc_error = st == T_WO & ob == 4'd0 & crc_rx != crc_i
    | st == T_COPY & s_take & p_chk & pc == p_wc + 16'd1 & {s_byte, crc_rx[7:0]} != crc_i;
  inc_input_length_error = cut | hdr_runt
    | (st == T_WO & ob == 4'd0 & p_extra);
  inc_dt_scope_overflow = 1'b0;
  kl_go = ks == 3'd0 & (is_fs & (~key_ok | key_cur != slot_of_next)
                        | st == T_KEY & (~key_ok | key_cur != kslot));
  kl_slot = slot_of_next;
  mac_clear = is_fs | cut;
  tag_step = st == T_TG & o_free;
  rekey_needed = exhausted;
end
assign ro_status = {26'd0, kslot, key_ok, frame_open, exhausted, cfg_bad, active};
assign ro_frame_counter = fc;
always @(posedge clock) begin
  case (st)
    T_HDR: if (hdr_done) st <= T_DEC;
    T_DEC: begin
      ob <= 4'd0;
      crc_o <= 16'hFFFF;
      crc_i <= 16'hFFFF;
      if (bad_hdr | is_conflict) st <= hdr_last ? T_HDR : T_DROP;
      else if (is_fs) begin
        if (~started) fc <= fc_init_value;
        else if (fc != 32'hFFFFFFFF) fc <= fc + 32'd1;
        started <= 1'b1;
        exhausted <= ex_next;
        sv_top <= ex_next ? 4'd5 : next_frame_sv_top;
        sv_mid <= ex_next ? 4'd5 : next_frame_sv_middle;
        sv_bot <= ex_next ? 4'd5 : next_frame_sv_bottom;
        kid <= next_frame_key_id;
        kslot <= slot_of_next;
        fnum <= h_wc;
        frame_open <= 1'b1;
        f_cut <= 1'b0;
        p_fh <= FSED;
        seen_mid <= 1'b0;
        ph_top <= 8'd0; ph_mid <= 8'd0; ph_bot <= 8'd0;
        mc <= 32'd0; recs <= 32'd0; cbytes <= 32'd0;
        st <= kl_go | ks != 3'd0 ? T_KEY : T_PH;
      end else if (is_fe) begin
        frame_open <= 1'b0;
        st <= recs != 32'd0 & ~f_cut ? T_TH : T_PH;
      end else if (is_wrap) begin
        p_sv <= blk_sv;
        p_cov <= h_cov;
        p_wc <= h_wc;
        o_wc <= FSED ? h_wc : h_wc + 16'd12;
        p_over <= ~FSED & h_wc > 16'd65523;
        p_ws <= win_start(h_wc, blk_sv == 4'd4);
        p_we <= win_end(h_wc, blk_sv == 4'd4);
        pc <= 16'd0;
        @CLASSIFY_STEP@
        st <= T_WH;
      end else begin
        // Passed through: a long packet of the stream has its CRC-16 checked.
        p_chk <= h_mine & h_long;
        p_wc <= h_wc;
        pc <= 16'd0;
        st <= T_PH;
      end
    end
    T_KEY: if (ks == 3'd0 & key_ok & key_cur == kslot) st <= T_PH;
    T_PH: if (o_free) begin
      ob <= ob + 4'd1;
      if (ob[1:0] == 2'd3) begin
        ob <= 4'd0;
        st <= hdr_last ? (p_fh ? T_TH : T_HDR) : T_COPY;
        if (hdr_last) begin
          c_fh <= p_fh;
          p_fh <= 1'b0;
        end
      end
    end
    T_COPY: if (s_take) begin
      pc <= pc + 16'd1;
      if (pc < p_wc) crc_i <= crc16_byte(crc_i, s_byte);
      if (pc == p_wc) crc_rx[7:0] <= s_byte;
      if (s_axis_tlast) begin
        st <= p_fh ? T_TH : T_HDR;
        c_fh <= p_fh;
        p_fh <= 1'b0;
      end
    end
    T_DROP: if (s_take & s_axis_tlast) st <= T_HDR;
    T_WH: if (w_out_ok & (~p_cov | mac_rdy)) begin
      if (ob >= 4'd4 & ~FSED) crc_o <= crc_o_next;
      ob <= ob + 4'd1;
      if (ob == 4'd15) begin
        ob <= 4'd0;
        st <= p_wc == 16'd0 ? T_WC : T_WP;
      end
    end
    T_WP: if (s_take) begin
      crc_o <= crc_o_next;
      crc_i <= crc16_byte(crc_i, s_byte);
      if (in_win) cbytes <= cbytes + 32'd1;
      pc <= pc + 16'd1;
      if (cut) begin
        f_cut <= 1'b1;
        st <= T_HDR;
      end else if (pc == p_wc - 16'd1) st <= T_WC;
    end
    T_WC: if (s_take) begin
      crc_rx[{ob[0], 3'd0} +: 8] <= s_byte;
      ob <= ob + 4'd1;
      if (cut) begin
        f_cut <= 1'b1;
        st <= T_HDR;
      end else if (ob[0]) begin
        p_extra <= ~s_axis_tlast;
        ob <= 4'd0;
        st <= T_WO;
      end
    end
    T_WO: if (w_out_ok) begin
      ob <= ob + 4'd1;
      if (ob[0]) begin
        ob <= 4'd0;
        st <= T_PAD;
      end
    end
    T_PAD: if (w_end_now) begin
      mc <= mc + 32'd1;
      if (p_cov) recs <= recs + 32'd1;
      st <= p_extra ? T_DROP : T_HDR;
    end
    T_TH: if (o_free) begin
      ob <= ob + 4'd1;
      if (ob[1:0] == 2'd3) begin
        ob <= 4'd0;
        st <= T_TT;
      end
    end
    T_TT: if (o_free & mac_rdy) begin
      crc_o <= crc_o_next;
      ob <= ob + 4'd1;
      if (ob == 4'd15) begin
        ob <= 4'd0;
        st <= c_fh ? T_TC : T_TW;
      end
    end
    T_TW: if (tag_v) st <= T_TG;
    T_TG: if (o_free) begin
      crc_o <= crc_o_next;
      ob <= ob + 4'd1;
      if ({1'b0, ob} == tag_bytes - 5'd1) begin
        ob <= 4'd0;
        st <= T_TC;
      end
    end
    T_TC: if (o_free) begin
      ob <= ob + 4'd1;
      if (ob[0]) begin
        ob <= 4'd0;
        // The FSED-Header ends there; a tag packet precedes the FE.
        st <= c_fh ? T_HDR : T_PH;
        c_fh <= 1'b0;
      end
    end
    default: st <= T_HDR;
  endcase
  if (ctrl_load) begin
    loaded <= 1'b1;
    started <= 1'b0;
    exhausted <= 1'b0;
    frame_open <= 1'b0;
  end
  if (reset | ctrl_clear) frame_open <= 1'b0;
  if (reset) begin
    p_fh <= 1'b0;
    c_fh <= 1'b0;
  end
  if (reset) begin
    st <= T_HDR; loaded <= 1'b0; started <= 1'b0; exhausted <= 1'b0;
    fc <= 32'd0; mc <= 32'd0; recs <= 32'd0; cbytes <= 32'd0;
  end
end
"#;
