// ---- RX control (spec §6). Included in the body of the RX top by hdl/src/rx.rs.
localparam HDR = 5'd0, PASS = 5'd1, DROP = 5'd2, KEY = 5'd3, KEYH = 5'd4, WBODY = 5'd5, WLEN = 5'd6,
           WTAG = 5'd7, WCRC = 5'd8, WTRUNC = 5'd9, TRAIL = 5'd10, TLEN = 5'd11, TTAG = 5'd12,
           TBODY = 5'd13, TEVAL = 5'd14, ABORT = 5'd15, ABORTY = 5'd16, WFL = 5'd17,
           // FSED (spec §5.2, §6): the FSED-Header and FSED-Safety walked and
           // judged; the frame block into the MAC ahead of the first record.
           FBODY = 5'd18, FEVAL = 5'd19, SBODY = 5'd20, SEVAL = 5'd21, RFB = 5'd22,
           // Data-type mode: the close of each scope begins (dt_scopes.rs).
           DTJ = 5'd23;
// The frame scope's tag is compared with the tag packet's entry (TBODY, TEVAL).
localparam AFTER_TAG = TBODY;
reg [4:0] st;
// Context and frame state of the configured stream.
reg loaded, policy_error, frame_open, want_key, fc_known, seen_mid, closing, tp_seen;
reg f_fmt, f_pol, f_auth, gh_open, h_got;
reg [31:0] fc, mc, recs, cbytes, gh_blocks;
reg [15:0] fnum;
reg [3:0] sv_top, sv_mid, sv_bot;
reg [7:0] kid, ph_top, ph_mid, ph_bot;
reg kslot, key_ok, key_cur;
// FSED: the FSED-Header is still due (first after FS); the frame is
// released as received (no valid FSED-Header); FSED-Safety seen; the
// wire frame block's stream, key_id and SVs (decryption); payload bytes
// of the classified packets (crc32 is then the frame's CRC-32); the
// keystream of an FSED payload straddles beats (ks_hold: the last 4
// bytes of the previous block).
reg fh_want, fraw, safety_seen;
reg [7:0] fb_stream, fb_kid;
reg [3:0] fb_sv_top, fb_sv_mid, fb_sv_bot;
reg [31:0] tbytes, ks_hold;
reg [12:0] p_blocks;
// Replay state: the last accepted frame counter per key slot.
reg [1:0] acc_valid;
reg [31:0] acc_fc0, acc_fc1;
reg [2:0] last_verdict;
reg verdict_valid, alarm_r;
// The wrapped packet in progress: expected coverage, decryption, wire
// footer, message-mode tag, findings.
reg p_cov, p_dec, p_crc32, p_tag_chk, p_fmt, p_pol, p_auth;
// Its record goes into the MAC (p_gh); data-type mode: its record blocks
// after the RH still to go (the last one closes the record; scope p_sc).
reg p_gh, p_dt;
reg [12:0] p_rb;
// The tag packet in progress.
reg p_tp_single, p_tp_exp;
// Walk of every packet: offset of the next beat, end of the payload as
// received (4 + WC), the data bytes of a wrapped packet from the next
// beat on (its data ends at 16 + its original WC; 0 once past), and the
// bytes after the data (CRC-32, tag; a tag packet's entry).
reg [16:0] off, pl_end, dleft;
// Where those bytes start, from the next beat's offset (signed; the
// start minus off).
reg [17:0] tdiff;
// The payload's end from the next beat's offset (pl_end - off; negative
// once past it).
reg [17:0] pdiff;
reg [383:0] tail;
reg [15:0] crc_rx, crc16i, crc16o;
reg [31:0] crc32;
// The CRC-32 (SEP footer; FSED: the frame's classified payloads) steps a
// cycle behind, in two halves (link_glue.rs, `crc32_split`): the network
// of the bytes taken (`l32_*`, below) is registered as they are taken,
// then folded into crc32. A wrapped packet's footer is compared once the
// last step is in (WCRC waits for it, `k32_v`, where the packet has a
// CRC-32).
reg w_long, w_chk, w_bad, check;
// AES requests: H, E_K(J0), keystream; in order through the core.
reg req_h, req_j0, h_wait, j0_wait, j0_ok;
reg [127:0] j0, ej0, tag_r;
reg [95:0] ks_prefix;
reg [31:0] ks_ctr;
reg [12:0] ks_left;
reg [7:0] outstanding;
// Run-ahead keystream: the blocks past the current packet's are a guess
// (spec), or left over from a guess that was too long (junk).
reg spec, junk;
initial begin
  st = HDR; loaded = 0; policy_error = 0; frame_open = 0; want_key = 0; fc_known = 0; seen_mid = 0; closing = 0;
  tp_seen = 0; f_fmt = 0; f_pol = 0; f_auth = 0; gh_open = 0; h_got = 0;
  fc = 0; mc = 0; recs = 0; cbytes = 0; gh_blocks = 0; fnum = 0; sv_top = 0; sv_mid = 0; sv_bot = 0;
  kid = 0; ph_top = 0; ph_mid = 0; ph_bot = 0; kslot = 0; key_ok = 0; key_cur = 0;
  acc_valid = 0; acc_fc0 = 0; acc_fc1 = 0; last_verdict = 0; verdict_valid = 0; alarm_r = 0;
  p_cov = 0; p_dec = 0; p_crc32 = 0; p_tag_chk = 0; p_fmt = 0; p_pol = 0; p_auth = 0; p_gh = 0; p_dt = 0; p_rb = 0;
  p_tp_single = 0; p_tp_exp = 0;
  off = 0; pl_end = 0; dleft = 0; pdiff = 0; tdiff = 0; tail = 0; crc_rx = 0; crc16i = 0; crc16o = 0; crc32 = 0;
  w_long = 0; w_chk = 0; w_bad = 0; check = 0;
  req_h = 0; req_j0 = 0; h_wait = 0; j0_wait = 0; j0_ok = 0; j0 = 0; ej0 = 0; tag_r = 0;
  ks_prefix = 0; ks_ctr = 0; ks_left = 0; outstanding = 0; spec = 0; junk = 0;
  fh_want = 0; fraw = 0; safety_seen = 0; fb_stream = 0; fb_kid = 0; fb_sv_top = 0; fb_sv_mid = 0; fb_sv_bot = 0;
  tbytes = 0; ks_hold = 0; p_blocks = 0;
end

@OUT_DECL@
wire active = config_enable & loaded & ~config_error;
wire message_mode = config_tag_mode == 2'd1;
// The packet in progress has a message tag scope of its own.
wire p_msg = message_mode & p_cov;

// Input beat.
// Every input port enters a register slice first (`in_slice`, axis_slice.rs):
// nothing combinational runs from the input ports, or back to the
// input's ready, and the beat's byte count comes from a register.
always @(*) begin
  in_slice$clock = clock;
  in_slice$reset = reset;
  in_slice$s_data = s_axis_tdata;
  in_slice$s_keep = s_axis_tkeep;
  in_slice$s_last = s_axis_tlast;
  in_slice$s_user = s_axis_tuser;
  in_slice$s_valid = s_axis_tvalid;
  hin_s$header = s_axis_tdata[31:0];
  hin_s$vcx_on = config_vcx;
  in_slice$s_wc = hin_s$fixed[23:8];
  in_slice$s_long = hin_s$fixed[5:0] >= 6'h10;
  s_axis_tready = in_slice$s_ready;
end
wire in_valid = in_slice$m_valid;
wire in_last = in_slice$m_last;
wire [127:0] in_data = in_slice$m_data;
wire [4:0] in_count = in_slice$m_count;
wire [7:0] in_user = in_slice$m_user;

// The header (corrected), from a register: the ECC check of the beat
// at the input is registered each cycle (d_hf), and a header is looked
// at once the check is of its beat (hd_ok: the beat was there, not
// taken, the cycle before, and no register write came in between).
// (d_pl4: the end of its payload, 4 + WC.)
reg [31:0] d_hf;
reg [16:0] d_pl4;
reg d_bad, d_corrected, hd_ok;
// (And, for a wrapped packet, what its SEP header gives from the same
// beat: the original WC and whether the WC holds the SEP overhead.)
reg [15:0] d_w_wc0;
reg d_w_fit;
initial begin
  d_hf = 32'd0; d_pl4 = 17'd0; d_bad = 1'b0; d_corrected = 1'b0; hd_ok = 1'b0;
  d_w_wc0 = 16'd0; d_w_fit = 1'b0;
end
wire [31:0] hf = d_hf;
wire [5:0] h_dt = hf[5:0];
wire [15:0] h_wc = hf[23:8];
wire [1:0] h_vcx = hf[31:30];
wire [3:0] h_stream = {h_vcx, hf[7:6]};
wire h_bad = d_bad;
wire h_long = h_dt >= 6'h10;
wire h_mine = active & h_stream == config_stream;
// A header is looked at once the previous packet's checks are in.
wire hv = st == HDR & in_valid & ~check & ~want_key & hd_ok;
@CLASSIFY@
@DT_SCOPES@
// The packet's record goes into the MAC: covered, and in data-type mode
// a scope to hold it (hdr_dt).
wire hdr_dt = dt_mode & h_cov & sc_room;
wire h_gh = h_cov & (~dt_mode | sc_room);
// The SEP header as the wire gives it (spec §4, §5.1): RH bytes 4..15
// are bytes 4..15 of a wrapped packet's first beat.
wire [7:0] w_cfg = in_data[47:40];
wire [7:0] w_kid = in_data[55:48];
wire [7:0] w_stream = in_data[63:56];
wire [31:0] w_fc = bswap32(in_data[95:64]);
wire [31:0] w_mc = bswap32(in_data[127:96]);
wire w_cov = in_data[37];
wire w_crc32 = w_cfg[1];
wire w_tag_here = w_cfg[5:4] == 2'd1 & w_cov;
wire [4:0] w_tbytes = w_cfg[3:2] == 2'd0 ? 5'd16 : w_cfg[3:2] == 2'd1 ? 5'd12 : 5'd8;
wire [16:0] w_over = 17'd12 + (w_crc32 ? 17'd4 : 17'd0) + (w_tag_here ? {12'd0, w_tbytes} : 17'd0);
wire w_decodable = FSED ? ~fraw & ~fh_want & fc_known
                         : w_cfg[3:2] != 2'd3 & d_w_fit & in_count == 5'd16 & ~in_last;
// The original WC (FSED: the wire's), from the check stage's register.
wire [15:0] w_wc0 = FSED ? h_wc : d_w_wc0;
wire [12:0] w_blocks = 13'(({1'b0, w_wc0} + 17'd15) >> 4);
// What the context expects of this packet.
wire [31:0] frame_fc = fc_known ? fc : w_fc;
wire [127:0] rh_exp = record_header(hf[7:0], h_vcx, w_wc0, h_cov, blk_sv, config_byte | {7'd0, h_enc}, kid,
                                    stream8, frame_fc, mc);
wire [7:0] cur_kid = kslot ? key1_id_key_id : key0_id_key_id;

// Header decisions (spec §2, §6).
wire h_ok = hv & ~h_bad;
wire fs_mine = h_ok & h_mine & h_dt == 6'h00;
wire fe_mine = h_ok & h_mine & h_dt == 6'h01 & frame_open;
wire in_frame = h_ok & h_mine & frame_open & h_dt != 6'h00 & h_dt != 6'h01;
wire is_ctl = h_long & h_dt == config_control_dt;
wire hdr_ctl = in_frame & is_ctl;
// FSED control packets (spec §5.2): told apart by their first byte.
wire [7:0] ctl_id = in_data[39:32];
wire fh_ok = FSED & hdr_ctl & fh_want & ctl_id == 8'hfa & h_wc == 16'd16 & in_count > 5'd4;
wire sf_ok = FSED & hdr_ctl & ~fh_want & ~fraw & ~safety_seen & ctl_id == 8'hc5 & h_wc == 16'd16 & in_count > 5'd4;
// A packet of the frame after its closing control packets (the
// FSED-Safety may follow the FSED-Tag).
wire late = closing & ~sf_ok;
wire ctl_out = h_ok & h_mine & ~frame_open & is_ctl;
wire hdr_wrap = in_frame & h_class & w_decodable;
wire hdr_raw = in_frame & h_class & ~w_decodable;
wire close_now = (fs_mine & frame_open) | fe_mine;
// A SEP tag packet (spec §5.1): in place, first byte 0xFE, a non-zero
// multiple of 16 + T bytes.
wire [15:0] tp_entry = {11'd0, tag_bytes} + 16'd16;
// Entries of 32 = 2^5, 28 = 4 * 7 and 24 = 8 * 3 bytes: the odd factor by
// digit sums (4 = 1 mod 3, 8 = 1 mod 7), so no divider is built.
function mult3(input [12:0] x);
  reg [4:0] t;
  integer i;
  begin
    t = {4'd0, x[12]};
    for (i = 0; i < 6; i = i + 1) t = t + {3'd0, x[2*i +: 2]};
    mult3 = t == 5'd0 || t == 5'd3 || t == 5'd6 || t == 5'd9 || t == 5'd12 || t == 5'd15 || t == 5'd18;
  end
endfunction
function mult7(input [13:0] x);
  reg [5:0] t;
  integer i;
  begin
    t = {4'd0, x[13:12]};
    for (i = 0; i < 4; i = i + 1) t = t + {3'd0, x[3*i +: 3]};
    mult7 = t == 6'd0 || t == 6'd7 || t == 6'd14 || t == 6'd21 || t == 6'd28;
  end
endfunction
wire tp_len_ok = h_wc != 16'd0 & (tag_bytes == 5'd16 ? h_wc[4:0] == 5'd0
                                 : tag_bytes == 5'd12 ? h_wc[1:0] == 2'd0 & mult7(h_wc[15:2])
                                 : h_wc[2:0] == 3'd0 & mult3(h_wc[15:3]));
wire tp_ok = hdr_ctl & ~closing & in_count > 5'd4 & ctl_id == 8'hfe
           & (FSED ? ~fh_want & ~fraw & h_wc == tp_entry : tp_len_ok);
// A control packet the frame takes; one it drops unjudged (FSED, a frame
// released as received).
wire ctl_ok = tp_ok | fh_ok | sf_ok;
wire ctl_quiet = FSED & fraw & ~fh_want;
wire tp_exp_now = (config_tag_mode == 2'd0 & recs != 32'd0) | (dt_mode & sc_n != 4'd0);
wire hdr_pass = h_ok & ~hdr_wrap & ~hdr_ctl & ~ctl_out;
wire hdr_drop = hv & (h_bad | ctl_out | (hdr_ctl & ~ctl_ok));
// A frame closes once its GHASH is idle; an FS waits for the AES core
// (the next frame may load another key).
wire pass_ok = ck_ready & ~(close_now & (gh_open | dt_wait)) & ~(fs_mine & ~aes_idle);
// (Data-type mode: a record's RH waits for the value of the previous
// record's scope.)
wire gh_in = gh$s_ready & ~dt_wait;
wire wrap_ok = ck_ready & (~h_gh | gh_in);
// FSED: a covered packet's frame block goes into the MAC first (RFB).
wire fb_first = FSED & hdr_wrap & h_gh & ~gh_open;
wire hdr_take = (hdr_pass & pass_ok) | hdr_drop | ctl_ok | (hdr_wrap & wrap_ok & ~fb_first);
wire close_take = close_now & hdr_pass & pass_ok;
wire fs_take = fs_mine & hdr_pass & pass_ok;
// The verdict of the frame being closed (spec §6: the first that applies).
wire replay_hit = kslot ? acc_valid[1] & fc <= acc_fc1 : acc_valid[0] & fc <= acc_fc0;
// FSED at the close: an absent FSED-Header; an absent FSED-Safety where
// crc32 is on (missing_tag at an abandoning FS).
wire fsed_fmt = FSED & (fh_want | (~fraw & config_crc32 & ~safety_seen & ~fs_mine));
wire fsed_missing = FSED & ~fh_want & ~fraw & config_crc32 & ~safety_seen & fs_mine;
wire missing = tp_exp_now & ~tp_seen | fsed_missing;
wire [2:0] f_verdict = f_fmt | fsed_fmt ? 3'd0 : f_pol ? 3'd1 : missing ? 3'd2 : f_auth ? 3'd3
                     : (fc_known & replay_hit) ? 3'd4 : recs == 32'd0 ? 3'd5 : 3'd6;
@KEY_WIRES@

// AES core.
wire aes_idle = ~req_h & ~req_j0 & ks_left == 13'd0 & outstanding == 8'd0;
wire ks_ok = aes$m_valid & ~h_wait & ~j0_wait;
// The block (FSED: the wire frame block's SV) of the packet at the header.
wire [3:0] fb_blk_sv = blk == 2'd0 ? fb_sv_top : blk == 2'd1 ? fb_sv_mid : fb_sv_bot;
// The wrapped packet is decrypted: SV-1 on the wire (GMAC suites), under the frame's key.
wire w_dec = (FSED ? fb_blk_sv == 4'd1 & fb_kid == cur_kid : w_cfg[0] & w_kid == cur_kid) & key_ok & ~MAC_CMAC;
// Run-ahead keystream (SEP, frame tags, GMAC): once every block of the
// current SV-1 packet is requested, the first blocks of the next one are
// requested on the guess that it is this frame's next SV-1 packet, as
// long as this one (message counter + 1). A header that matches the guess
// takes them (and any blocks past its length become junk); any other
// header, or a key change, flushes the core. So consecutive SV-1 lines do
// not wait the AES latency each.
wire [95:0] ks_guess = {bswap32(bswap32(ks_prefix[95:64]) + 32'd1), ks_prefix[63:0]};
wire spec_hit = spec & ~junk & ~FSED & hdr_wrap & w_dec & ks_prefix == ctr_prefix(w_stream, w_kid, w_fc, w_mc);
wire spec_kill = (spec | junk) & ((hv & ~spec_hit) | (st == HDR & want_key));
// A keystream block enters the core this cycle (after H and E_K(J0)).
wire ks_take = aes$s_valid & aes$s_ready & ~mac_a_valid & ~req_h & ~req_j0;
// Guessed blocks requested, this cycle's included.
wire [12:0] spec_req = ks_ctr[12:0] - 13'd1 + {12'd0, ks_take};
// New requests enter the core (not while a truncated packet flushes it).
wire aes_open = aes$key_loaded & st != WTRUNC;
// Nothing left in the core for a truncated packet.
wire core_quiet = ks_left == 13'd0 & ~j0_wait & ~mac_busy;

// Walk of the current beat: its packet offset and what it holds.
wire [16:0] b_off = st == HDR ? 17'd0 : off;
wire [16:0] b_end = b_off + {12'd0, in_count};
wire [16:0] cur_pl_end = st == HDR ? d_pl4 : pl_end;
wire cur_long = st == HDR ? h_long : w_long;
wire len_bad = b_end != (cur_long ? cur_pl_end + 17'd2 : 17'd4);
// The payload's end relative to this beat (pd: registers, so no offset
// arithmetic runs into the byte selects below).
wire [17:0] pd = st == HDR ? {1'b0, d_pl4} : pdiff;
// The beat's payload bytes as received (the CRC-16 check), counted as
// the beat entered the input slice (0 for a short packet; a long one
// whose header is uncorrectable is not checked).
wire [4:0] c16i_count = in_slice$m_pay;
// (The first beat of a packet holds its header: HDR, and FSED's WBODY.)
wire [127:0] c16i_data = b_off == 17'd0 ? {32'd0, in_data[127:32]} : in_data;
wire c16i_first = b_off == 17'd0;
// The received CRC-16 bytes: at pd and pd + 1 in this beat.
wire [17:0] pd1 = pd + 18'd1;
wire [3:0] cr0 = pd[3:0];
wire [3:0] cr1 = pd1[3:0];
wire cr0_in = ~pd[17] & pd[16:5] == 12'd0 & pd[4:0] < in_count;
wire cr1_in = ~pd1[17] & pd1[16:5] == 12'd0 & pd1[4:0] < in_count;
wire [15:0] crc_rx_next = {cr1_in ? in_data[8*cr1 +: 8] : crc_rx[15:8],
                           cr0_in ? in_data[8*cr0 +: 8] : crc_rx[7:0]};
// The bytes after the data (CRC-32 and tag of a wrapped packet, the
// first entry of a tag packet), up to 48 (data-type mode: an entry of at
// most 32 bytes and what its last beat holds of the next).
// Their start relative to this beat (HDR: a tag packet's first entry at
// byte 4; none in another header's beat).
wire [17:0] td = st == HDR ? (hdr_ctl ? 18'd4 : 18'h10000) : tdiff;
wire [383:0] tail_base = st == HDR ? 384'd0 : tail;
wire [383:0] tail_next;
// The data of a wrapped packet in this beat (SEP: it starts on a beat;
// FSED: at byte 4 of the first, after the header).
// (From `dleft`, a register: no offset arithmetic runs into the CRC
// steps' byte counts.)
wire d_sh = FSED & b_off == 17'd0;
wire [4:0] d_upto = dleft[16:5] != 12'd0 | dleft[4:0] >= in_count ? in_count : dleft[4:0];
wire [4:0] n_data = ~d_sh ? d_upto : d_upto > 5'd4 ? d_upto - 5'd4 : 5'd0;
wire [127:0] dmask;
genvar g;
generate
  for (g = 0; g < 48; g = g + 1) begin : tl
    // The byte's place in the beat: in it when 0 <= pos < the beat's
    // count, and before the payload's end (pos < pd), from registers
    // kept relative to the beat (`tdiff`, `pdiff`): no offset arithmetic
    // from the state runs into the 96 compares (the sums `b_end`, then
    // the start of the bytes from the state, were the RX's worst path
    // on ECP5).
    wire [17:0] pos = td + 18'(g);
    wire here = ~pos[17] & pos[16:5] == 12'd0 & pos[4:0] < in_count
              & ~pd[17] & (pd[16:5] != 12'd0 | pos[4:0] < pd[4:0]);
    assign tail_next[8*g+7:8*g] = here ? in_data[8*pos[3:0] +: 8] : tail_base[8*g+7:8*g];
  end
  for (g = 0; g < 16; g = g + 1) begin : dm
    assign dmask[8*g+7:8*g] = {8{d_sh ? g >= 4 & 5'(g) < n_data + 5'd4 : 5'(g) < n_data}};
  end
endgenerate
wire [127:0] cipher = in_data & dmask;
// FSED: payload byte j is at packet byte 4 + j, so a beat takes block
// k's bytes 0..11 and block k-1's bytes 12..15.
wire [127:0] ks_al = FSED ? {ks[95:0], ks_hold} : ks;
wire [127:0] plain_u = (in_data ^ (p_dec ? ks_al : 128'd0)) & dmask;
// The data from bit 0 (FSED's first beat drops its header).
wire [127:0] plain = d_sh ? plain_u >> 32 : plain_u;
// The CRC-32 step takes the first n_data bytes of what it is given: the
// beats go to it unmasked (the mask's compares are not on its path).
wire [127:0] crc_cipher = d_sh ? in_data >> 32 : in_data;
// This beat takes a keystream block (FSED: while blocks remain).
wire ks_need = p_dec & (FSED ? b_off[16:4] < p_blocks : n_data != 5'd0);
// Record blocks of the wrapped packet (its data starts at offset 16).
wire wn_load, wn_take;
wire wn_sv4 = blk_sv == 4'd4;
wire [15:0] wn_wc = w_wc0;
wire [4:0] wn_k = in_count;
wire [16:0] wn_base = FSED ? 17'd4 : 17'd0;
wire [127:0] wn_data = cipher;
wire [4:0] wn_n = n_data;
@RECORD_WINDOW@
@DT_RB@
wire gh_beat = p_gh & wn_valid;
// Data-type mode: this block is the record's last (a partial close).
wire mac_part = (st == HDR & hdr_dt & sc_rb == 13'd0) | (p_dt & (st == WBODY | st == WFL) & p_rb == 13'd1);
wire dt_last_take = mac_part & gh$s_valid & gh$s_ready;
wire body_go = in_valid & (n_data == 5'd0 | ((~ks_need | ks_ok) & (~gh_beat | gh$s_ready) & ck_ready));
wire body_take = st == WBODY & body_go;
assign wn_load = hdr_take & hdr_wrap;
assign wn_take = body_take;
// (FSED: a wrapped packet's first beat is walked in WBODY, which gives
// its data after the header.)
wire walk_take = (st == HDR & hdr_take & ~(FSED & hdr_wrap)) | (st == PASS & in_valid & ck_ready)
               | ((st == DROP | st == FBODY | st == SBODY) & in_valid) | (st == TBODY & in_valid & ~ent_ready) | body_take;
wire c16i_take = walk_take;
@INPUT_CRC16@
wire [15:0] crc_err = crc_rx ^ i_now;
// The CRC-32's bytes: the SEP header, then the data as received.
wire [127:0] l32_src = st == HDR ? {32'd0, in_data[127:32]} : crc_cipher;
wire [4:0] l32_cnt = st == HDR ? 5'd12 : n_data;
wire l32_take = (hdr_take & hdr_wrap & ~FSED) | (st == WBODY & body_take & n_data != 5'd0);
wire l32_first = st == HDR;
@CRC32_SPLIT@
// The header check stage (d_hf, hd_ok above).
always @(posedge clock) begin
  d_hf <= hin$fixed;
  d_pl4 <= 17'd4 + {1'b0, hin$fixed[23:8]};
  d_bad <= hin$uncorrectable;
  d_corrected <= hin$corrected;
  d_w_wc0 <= hin$fixed[23:8] - w_over[15:0];
  d_w_fit <= {1'b0, hin$fixed[23:8]} >= w_over;
  hd_ok <= in_valid & ~walk_take & ~apb_write & ~reset;
end

// The end of a wrapped packet: its findings and its verdict (message mode).
wire [127:0] tmask = tag_bytes == 5'd16 ? {128{1'b1}} : tag_bytes == 5'd12 ? {32'd0, {96{1'b1}}} : {64'd0, {64{1'b1}}};
wire [127:0] wire_tag = p_crc32 ? tail[159:32] : tail[127:0];
wire [127:0] tag_calc = rev16(mac_y);
wire tag_ok = ((tag_calc ^ wire_tag) & tmask) == 128'd0;
// The packet's CRC-32 has taken its last step (or it has none).
wire crc32_in = ~(k32_v & p_crc32);
wire w_fmt = p_fmt | w_bad | crc_err != 16'd0 | (p_crc32 & tail[31:0] != ~crc32);
wire [2:0] p_verdict = w_fmt ? 3'd0 : p_pol ? 3'd1 : p_auth ? 3'd3 : (fc_known & replay_hit) ? 3'd4
                     : ~p_cov ? 3'd5 : 3'd6;
wire trunc_go = ck_ready & core_quiet;
// The tag packet's entry against the rebuilt trailer and the tag.
wire [127:0] trailer = trailer_block(8'd0, 8'd0, stream8, fnum, recs, cbytes);
wire tp_auth_fail = ~p_tp_exp | ~p_tp_single
                  | (~dt_mode & (tail[127:0] != trailer | ((tail[255:128] ^ tag_r) & tmask) != 128'd0));
// Data-type mode: the tag packet's entry sc_k is in (tail), and against
// scope sc_k's rebuilt trailer and tag.
// (Its end, from the next beat's offset: the entry is in when that is
// not after the next beat, nor after the payload's end.)
wire [17:0] ent_end = tdiff + {2'd0, tp_entry};
// (ent_end <= pdiff as signed numbers: their sign bits flipped, compared
// unsigned.)
wire ent_in_pl = {~ent_end[17], ent_end[16:0]} <= {~pdiff[17], pdiff[16:0]};
wire ent_ready = dt_mode & p_tp_exp & sc_k < sc_n & (ent_end[17] | ent_end == 18'd0) & ent_in_pl;
// tdiff: a header sets the start (a tag packet's first entry at 4, else
// after the data, at 16 + WC0), an entry judged moves it on, every beat
// walked moves the beat on.
wire ent_fire = (st == TBODY | st == TEVAL) & ent_ready;
wire [17:0] t_hdr = hdr_ctl ? 18'd4 : 18'd16 + {2'd0, w_wc0};
wire [17:0] td_moved = st == HDR ? t_hdr : tdiff + (ent_fire ? {2'd0, tp_entry} : 18'd0);
wire ent_bad = tail[127:0] != sc_trailer | ((tail[255:128] ^ sc_tag[sc_kk]) & tmask) != 128'd0;
// FSED: the frame block the context expects (the wire's frame counter),
// and the FSED-Safety payload from the RX's own counts.
wire any_sv1 = sv_top == 4'd1 | sv_mid == 4'd1 | sv_bot == 4'd1;
wire fb_reserved_ok = tail[47:44] == 4'd0 & tail[63:56] == 8'd0;
wire [127:0] sf_exp = safety_block(~crc32, mc, tbytes);
// (With the frame's counter: the wire's, once the FSED-Header is in; at
// FEVAL the counter bytes are not compared.)
wire [127:0] fb_exp = frame_block(stream8, kid, config_byte | {7'd0, any_sv1}, sv_top, sv_mid, sv_bot, config_stride,
                                  window_offset, window_length, fc);

// Output chunks.
reg [127:0] cx_data;
reg [4:0] cx_count;
reg [7:0] cx_user;
reg cx_last, cx_valid, cx_crc;
reg [1:0] cx_mode;
reg [15:0] cx_x;
always @(*) begin
  cx_data = 128'd0; cx_count = 5'd0; cx_user = 8'd0; cx_last = 1'b0; cx_valid = 1'b0;
  cx_mode = CK_SKIP; cx_crc = 1'b0; cx_x = 16'd0;
  case (st)
    HDR: begin
      // (A wrapped packet's header starts the output CRC-16.)
      cx_mode = hdr_wrap ? CK_SEP : CK_SKIP;
      cx_data = hdr_wrap ? {96'd0, h_vcx, hout$ecc, w_wc0, hf[7:0]} : {in_data[127:32], hf};
      // (FSED: w_wc0 is the wire's WC, and the header goes out as received.)
      cx_count = hdr_wrap ? 5'd4 : in_count;
      cx_last = ~hdr_wrap & in_last;
      cx_user = close_now ? {3'd0, f_verdict, 2'b01} : (hdr_raw & message_mode) ? 8'b00000010
              : hdr_pass & in_last ? in_user : 8'd0;
      cx_valid = (hdr_pass & ~(close_now & gh_open) & ~(fs_mine & ~aes_idle))
               | (hdr_wrap & (~h_gh | gh_in) & ~fb_first);
    end
    PASS: begin
      cx_data = in_data;
      cx_count = in_count;
      cx_last = in_last;
      cx_user = in_last ? in_user : 8'd0;
      cx_valid = in_valid;
    end
    WBODY: begin
      cx_mode = CK_ON;
      cx_data = plain;
      cx_count = n_data;
      cx_valid = in_valid & n_data != 5'd0 & (~p_dec | ks_ok) & (~gh_beat | gh$s_ready);
    end
    WCRC: begin
      cx_crc = 1'b1;
      cx_x = crc_err;
      cx_count = 5'd2;
      cx_last = 1'b1;
      cx_user = message_mode ? {3'd0, p_verdict, 2'b10} : 8'd0;
      cx_valid = crc32_in;
    end
    WTRUNC: begin
      cx_last = 1'b1;
      cx_user = message_mode ? 8'b00000010 : 8'd0;
      cx_valid = core_quiet;
    end
    default: ;
  endcase
end
// (No CRC-32 part goes out of the RX.)
wire cx_crc32 = 1'b0;
@OUT_STAGE@
// Outputs of the shared blocks that this configuration does not read.
/* verilator lint_off UNUSEDSIGNAL */
wire unused = &{1'b0, hin$ecc, hin_s$ecc, hin_s$corrected, hin_s$uncorrectable, hin_s$fixed[31:24], hin_s$fixed[7:6], hout$fixed, hout$corrected, hout$uncorrectable,
                paddr[1:0], stream_vcx, w_cfg[7:6]};
/* verilator lint_on UNUSEDSIGNAL */

always @(*) begin
  in_slice$m_ready = walk_take;
  hin$header = in_data[31:0];
  hin$vcx_on = config_vcx;
  hout$header = {h_vcx, 6'd0, w_wc0, hf[7:0]};
  hout$vcx_on = config_vcx;
  // CRCs: the check over the payload as received; the SEP CRC-32 over
  // SEP header and data as received; the output CRC-16 over the data
  // given back.
  // Output; the AES core and GHASH (key ports: see the glue).
@ENGINE_WIRING@
  pk$s_user = ch_user;
  m_axis_tuser = pk$m_user;
  // AES core: key load, then H, E_K(J0)s and keystream in request order.
  aes$flush = (st == WTRUNC & core_quiet) | spec_kill;
  aes$s_data = mac_a_valid ? mac_a_data : rev16(req_h ? 128'd0 : req_j0 ? j0 : {bswap32(ks_ctr), ks_prefix});
  aes$s_valid = (req_h | req_j0 | ks_left != 13'd0 | mac_a_valid) & aes_open;
  // (Keystream is never taken with CMAC: no path from the body to the core.)
  aes$m_ready = cap_j0 | cap_h | (body_take & ks_need & n_data != 5'd0 & ~MAC_CMAC) | (mac_busy & ~h_wait);
  // GHASH: the records the context expects, the trailer, the length block.
  // (Data-type mode: a record's last block closes it, and its first
  // resumes its scope's value; a scope's trailer resumes it too.)
  gh$s_last = st == WLEN | st == TLEN | st == ABORT | mac_part;
  gh$s_data = st == HDR ? rev16(rh_exp) ^ (hdr_dt & sc_hit ? sc_s[sc_idx] : 128'd0) : st == WBODY ? rev16(wn_block)
            : st == WFL ? rev16(wn_tail)
            : st == TRAIL ? (dt_mode ? dt_trail_q : rev16(trailer))
            : st == RFB ? rev16(fb_exp)
            : st == TLEN ? rev16(length_block(dt_mode ? dt_blocks_q : gh_blocks))
            : st == WLEN ? rev16(length_block(gh_blocks)) : 128'd0;
  gh$s_valid = (hv & hdr_wrap & h_gh & ~dt_wait & ck_ready & ~fb_first) | st == RFB
             | (st == WBODY & gh_beat & in_valid & (~p_dec | ks_ok) & ck_ready)
             | st == WFL | st == TRAIL | st == TLEN | st == ABORT | (st == WLEN);
  gh$y_ready = (st == WTAG & mac_nonce) | (st == TTAG & mac_nonce) | st == ABORTY | dt_wait;
  alarm = alarm_r;
end

// Status registers the register file reads.
assign ro_status = {21'd0, last_verdict, 2'd0, kslot, key_ok, frame_open, verdict_valid, config_error | policy_error, active};
assign ro_frame_counter = fc;
always @(*) begin
  inc_frames_format_error = close_take & f_verdict == 3'd0;
  inc_frames_policy_violation = close_take & f_verdict == 3'd1;
  inc_frames_missing_tag = close_take & f_verdict == 3'd2;
  inc_frames_auth_fail = close_take & f_verdict == 3'd3;
  inc_frames_replay = close_take & f_verdict == 3'd4;
  inc_frames_unprotected = close_take & f_verdict == 3'd5;
  inc_frames_ok = close_take & f_verdict == 3'd6;
  inc_packets_ok = message_mode & st == WCRC & ck_ready & crc32_in & p_verdict == 3'd6;
  inc_packets_not_ok = message_mode & ((st == WCRC & ck_ready & crc32_in & p_verdict < 3'd5)
                                     | (hdr_raw & hdr_take) | (st == WTRUNC & trunc_go));
  inc_control_outside_frame = ctl_out;
  inc_released_as_received = hdr_raw & hdr_take;
  inc_input_ecc_corrected = hdr_take & ~h_bad & d_corrected;
  inc_input_ecc_error = hv & h_bad;
  inc_input_length_error = (check & w_bad) | (hdr_take & ~h_bad & ~h_long & in_last & len_bad);
  inc_frames_started = fs_take;
end

always @(posedge clock) begin
  check <= 1'b0;
  // (Before the frame's reset of crc32 at FS below, which wins.)
  crc32 <= k32_now;
  alarm_r <= close_take & f_verdict < 3'd5;
  // AES bookkeeping.
  if (aes$s_valid & aes$s_ready & ~mac_a_valid) begin
    if (req_h) req_h <= 1'b0;
    else if (req_j0) req_j0 <= 1'b0;
  end
  if (ks_take) begin
    ks_left <= ks_left - 13'd1;
    ks_ctr <= ks_ctr + 32'd1;
  end
@AES_CAPTURE@
  // Run-ahead: a guess at the next packet's keystream, as long as this
  // packet (at most 32 blocks); or the flush of a wrong one.
  if (spec_kill) begin
    spec <= 1'b0;
    junk <= 1'b0;
    ks_left <= 13'd0;
    outstanding <= 8'd0;
  end else if (st == WBODY & p_dec & ~spec & ~junk & ks_left == 13'd0 & ~FSED
               & config_tag_mode == 2'd0 & ~MAC_CMAC) begin
    spec <= 1'b1;
    ks_left <= p_blocks < 13'd32 ? p_blocks : 13'd32;
    ks_ctr <= 32'd1;
    ks_prefix <= ks_guess;
  end
  if (ctrl_load) begin
    loaded <= 1'b1;
    policy_error <= 1'b0;
    acc_valid <= 2'b00;
    verdict_valid <= 1'b0;
  end
  // The walk of every packet.
  if (body_take & ks_need & n_data != 5'd0) ks_hold <= ks[127:96];
  if (walk_take) tdiff <= td_moved - {13'd0, in_count};
  else if (st == HDR & hdr_take) tdiff <= t_hdr;
  else if (ent_fire) tdiff <= td_moved;
  if (walk_take) begin
    off <= b_end;
    pdiff <= pd - {13'd0, in_count};
    dleft <= dleft > {12'd0, in_count} ? dleft - {12'd0, in_count} : 17'd0;
    crc_rx <= crc_rx_next;
    tail <= tail_next;
    if (in_last) begin
      w_bad <= (st == HDR ? ~h_bad : 1'b1) & len_bad;
      if (st == HDR ? h_long & ~h_bad : w_long) check <= 1'b1;
    end
  end
  if (check & w_chk & (w_bad | crc_err != 16'd0)) f_fmt <= 1'b1;
  case (st)
    HDR: begin
      if (~check & want_key & aes_idle) begin
        want_key <= 1'b0;
        st <= KEY;
      end
      if (hdr_take) begin
        pl_end <= d_pl4;
        w_long <= h_long & ~h_bad;
        w_chk <= in_frame & h_long & ~hdr_wrap & ~hdr_ctl;
        // (SEP: the first beat, 16 bytes, is the header's; FSED: it is
        // walked again, from offset 0.)
        dleft <= ~hdr_wrap ? 17'd0 : FSED ? 17'd4 + {1'b0, w_wc0} : {1'b0, w_wc0};
        if (in_frame & late) f_fmt <= 1'b1;
        if ((h_bad & frame_open) | (hdr_ctl & ~ctl_ok & ~ctl_quiet)) f_fmt <= 1'b1;
        // FSED: the first packet after FS must be a valid FSED-Header;
        // else the frame is released as received (spec §6).
        if (in_frame & fh_want) begin
          fh_want <= 1'b0;
          if (~fh_ok) begin
            fraw <= 1'b1;
            f_fmt <= 1'b1;
          end
        end
        // FSED: a wrapped packet's first beat is walked again in WBODY.
        if (FSED & hdr_wrap) begin
          off <= 17'd0;
          pdiff <= {1'b0, d_pl4};
        end
      end
      if (hv & fb_first & ~check) st <= RFB;
      if (close_take) begin
        // The frame's verdict goes out on this FE or FS.
        last_verdict <= f_verdict;
        verdict_valid <= 1'b1;
        frame_open <= 1'b0;
        if (f_verdict == 3'd6) begin
          if (kslot) begin
            acc_valid[1] <= 1'b1;
            acc_fc1 <= fc;
          end else begin
            acc_valid[0] <= 1'b1;
            acc_fc0 <= fc;
          end
        end
      end
      if (fs_take) begin
        // FS (spec §6): a new frame under the policy of NEXT_FRAME.
        frame_open <= slot0_hit | slot1_hit;
        policy_error <= ~(slot0_hit | slot1_hit);
        want_key <= (slot0_hit | slot1_hit) & ~(key_ok & key_cur == (slot1_hit & ~slot0_hit));
        fnum <= h_wc;
        {sv_top, sv_mid, sv_bot} <= {next_frame_sv_top, next_frame_sv_middle, next_frame_sv_bottom};
        kid <= next_frame_key_id;
        kslot <= slot1_hit & ~slot0_hit;
        fc_known <= 1'b0; closing <= 1'b0; tp_seen <= 1'b0; f_fmt <= 1'b0; f_pol <= 1'b0; f_auth <= 1'b0;
        fh_want <= FSED & (slot0_hit | slot1_hit); fraw <= 1'b0; safety_seen <= 1'b0;
        tbytes <= 32'd0; crc32 <= 32'hffffffff;
        mc <= 32'd0; recs <= 32'd0; cbytes <= 32'd0; gh_blocks <= 32'd0; seen_mid <= 1'b0;
        ph_top <= 8'd0; ph_mid <= 8'd0; ph_bot <= 8'd0;
        sc_n <= 4'd0; sc_k <= 4'd0;
      end
      if (hv & (fs_mine & frame_open | fe_mine) & gh_open & aes_idle) st <= ABORT;
      if (hdr_take & (hdr_wrap | hdr_raw)) begin
        mc <= mc + 32'd1;
        @CLASSIFY_STEP@
      end
      if (hdr_take & hdr_raw) f_fmt <= 1'b1;
      if (hdr_take & hdr_wrap) begin
        p_cov <= h_cov;
        p_gh <= h_gh;
        p_dt <= hdr_dt;
        p_sc <= sc_idx;
        p_rb <= sc_rb;
        // Data-type mode: a record of a type beyond the scopes cannot be
        // verified.
        if (dt_mode & h_cov & ~sc_room) f_auth <= 1'b1;
        if (hdr_dt) begin
          @DT_JOIN@
        end
        p_dec <= w_dec;
        p_crc32 <= ~FSED & w_crc32;
        p_tag_chk <= ~FSED & w_tag_here & w_cfg[3:2] == config_tag_len;
        p_fmt <= closing;
        // (FSED: no SEP header; the frame block was judged at FEVAL.)
        p_pol <= ~FSED & (in_data[63:32] != rh_exp[63:32] | (fc_known & w_fc != fc));
        p_auth <= ~FSED & w_mc != mc;
        p_blocks <= w_blocks;
        if (FSED) tbytes <= tbytes + {16'd0, h_wc};
        if (h_cov) begin
          recs <= recs + 32'd1;
          rec_up <= 1'b1;
          gh_open <= 1'b1;
          gh_blocks <= gh_blocks + 32'd1;
        end
        if (~fc_known) begin
          fc_known <= 1'b1;
          fc <= w_fc;
        end
        if (~fc_known & config_tag_mode == 2'd0 & ~MAC_CMAC) begin
          req_j0 <= 1'b1;
          j0 <= tag_j0(stream8, kid, 8'd0, w_fc, 32'd0);
          j0_wait <= 1'b1;
          j0_ok <= 1'b0;
        end
        if (message_mode & h_cov & ~MAC_CMAC) begin
          req_j0 <= 1'b1;
          j0 <= tag_j0(stream8, kid, 8'd1, frame_fc, mc);
          j0_wait <= 1'b1;
          j0_ok <= 1'b0;
        end
        if (w_dec & spec_hit) begin
          // The guess was right: its blocks are this packet's first.
          ks_left <= w_blocks > spec_req ? w_blocks - spec_req : 13'd0;
          junk <= w_blocks < spec_req;
        end else if (w_dec) begin
          ks_left <= w_blocks;
          ks_ctr <= 32'd1;
          ks_prefix <= FSED ? ctr_prefix(fb_stream, fb_kid, fc, mc) : ctr_prefix(w_stream, w_kid, w_fc, w_mc);
        end
        spec <= 1'b0;
        st <= WBODY;
      end else if (hdr_take & tp_ok) begin
        // (Data-type mode: an entry per scope, the scopes' tags first.)
        p_tp_single <= h_wc == (dt_mode ? {12'd0, sc_n} * tp_entry : tp_entry);
        p_tp_exp <= tp_exp_now;
        st <= in_last ? TEVAL : tp_exp_now ? (dt_mode ? DTJ : TRAIL) : TBODY;
      end else if (hdr_take & fh_ok) begin
        st <= in_last ? FEVAL : FBODY;
      end else if (hdr_take & sf_ok) begin
        st <= in_last ? SEVAL : SBODY;
      end else if (hdr_take & ~in_last) begin
        st <= hdr_pass ? PASS : DROP;
      end
    end
    PASS: if (in_valid & ck_ready & in_last) st <= HDR;
    DROP: if (in_valid & in_last) st <= HDR;
@KEY_ABORT_STATES@
    WBODY: if (body_take) begin
      if (gh_beat) begin
        gh_blocks <= gh_blocks + 32'd1;
        p_rb <= p_rb - 13'd1;
      end
      if (in_last & dleft > {12'd0, in_count}) begin
        ks_left <= 13'd0;
        st <= WTRUNC;
      end else if (in_last) st <= p_gh & wn_pend_after ? WFL : p_msg ? WLEN : WCRC;
    end
    WFL: if (gh$s_ready) begin
      gh_blocks <= gh_blocks + 32'd1;
      p_rb <= p_rb - 13'd1;
      st <= p_msg ? WLEN : WCRC;
    end
    WLEN: if (gh$s_ready) st <= WTAG;
    WTAG: if (gh$y_valid & mac_nonce) begin
      if (p_tag_chk & ~tag_ok) p_auth <= 1'b1;
      j0_ok <= 1'b0;
      gh_open <= 1'b0;
      gh_blocks <= 32'd0;
      st <= WCRC;
    end
    WCRC: if (ck_ready & crc32_in) begin
      if (w_fmt) f_fmt <= 1'b1;
      if (p_pol) f_pol <= 1'b1;
      if (p_auth) f_auth <= 1'b1;
      st <= HDR;
    end
    WTRUNC: if (trunc_go) begin
      // The keystream still in the core is dropped (flush); a message
      // scope in progress is closed and its tag dropped.
      outstanding <= 8'd0;
      spec <= 1'b0;
      junk <= 1'b0;
      f_fmt <= 1'b1;
      if (p_pol) f_pol <= 1'b1;
      if (p_auth) f_auth <= 1'b1;
      // (Data-type mode: a record cut before its last block is closed
      // and dropped.)
      st <= p_msg | (p_dt & gh_open) ? ABORT : HDR;
    end
@CLOSE_STATES@
    TBODY: if (in_valid & in_last & ~ent_ready) st <= TEVAL;
    FBODY: if (in_valid & in_last) st <= FEVAL;
    SBODY: if (in_valid & in_last) st <= SEVAL;
    FEVAL: begin
      // The FSED-Header (spec §6 items 2 and 3): its reserved bytes, then
      // the frame block against the context's; the frame counter from it.
      if (w_bad | crc_err != 16'd0) f_fmt <= 1'b1;
      if (~fb_reserved_ok) begin
        fraw <= 1'b1;
        f_fmt <= 1'b1;
      end else begin
        if (tail[95:0] != fb_exp[95:0]) f_pol <= 1'b1;
        fc <= bswap32(tail[127:96]);
        fc_known <= 1'b1;
        fb_stream <= tail[15:8];
        fb_kid <= tail[23:16];
        {fb_sv_bot, fb_sv_mid, fb_sv_top} <= tail[43:32];
        if (~MAC_CMAC) begin
          req_j0 <= 1'b1;
          j0 <= tag_j0(stream8, kid, 8'd0, bswap32(tail[127:96]), 32'd0);
          j0_wait <= 1'b1;
          j0_ok <= 1'b0;
        end
      end
      st <= HDR;
    end
    SEVAL: begin
      // The FSED-Safety: reserved bytes, then CRC-32, count and bytes
      // against the RX's own (where the context has crc32 on).
      if (w_bad | crc_err != 16'd0) f_fmt <= 1'b1;
      if (tail[31:8] != 24'd0) f_fmt <= 1'b1;
      else begin
        safety_seen <= 1'b1;
        closing <= 1'b1;
        if (config_crc32 & tail[127:0] != sf_exp) f_fmt <= 1'b1;
        if (~config_crc32) f_pol <= 1'b1;
      end
      st <= HDR;
    end
    RFB: if (gh$s_ready) begin
      gh_open <= 1'b1;
      gh_blocks <= gh_blocks + 32'd1;
      st <= HDR;
    end
    TEVAL: if (~ent_ready) begin
      // The tag packet (spec §6 items 2 and 5).
      if (w_bad | crc_err != 16'd0) f_fmt <= 1'b1;
      if (tp_auth_fail) f_auth <= 1'b1;
      closing <= 1'b1;
      tp_seen <= 1'b1;
      st <= HDR;
    end
    default: st <= HDR;
  endcase
  // Data-type mode: an entry of the tag packet is in: judged, then the
  // next one's bytes move to the front.
  if ((st == TBODY | st == TEVAL) & ent_ready) begin
    if (ent_bad) f_auth <= 1'b1;
    tail <= tail >> {tp_entry, 3'd0};
    sc_k <= sc_k + 4'd1;
  end
  // Data-type mode: the record's last block is in; its scope's value
  // comes out of the MAC unit next.
  if (dt_last_take) begin
    dt_wait <= 1'b1;
    y_sc <= st == HDR ? sc_idx : p_sc;
    gh_open <= 1'b0;
  end
  if (reset | ctrl_clear) begin
@ENGINE_RESET@
    // (The last keystream bytes of an FSED payload straddling beats.)
    ks_hold <= 32'd0;
    want_key <= 1'b0;
    spec <= 1'b0;
    junk <= 1'b0;
  end
  if (reset) begin
    loaded <= 1'b0;
    policy_error <= 1'b0;
    acc_valid <= 2'b00;
    verdict_valid <= 1'b0;
    check <= 1'b0;
  end
end
