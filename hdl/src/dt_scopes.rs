//! Data-type tag mode (spec §4, §5.1): the MAC scopes of a frame, one per
//! data type in the order of its first record, as Verilog fragments the
//! TX and the RX both include, so that sender and receiver build the same
//! scopes.
//!
//! One MAC unit serves every scope: records of different data types
//! interleave in a frame, so each record is MACed as a message of its
//! own, resumed from and closed into its scope's value:
//!
//! - the record's first block (its RH) goes in XORed with the scope's
//!   value `sc_s` (0 for a new scope), and its last block comes with
//!   `s_last` (and, for [`CbcMac`](crate::cbc_mac::CbcMac), `s_part`: a
//!   partial close, no K1);
//! - the unit's `y` is then the scope's value after the record: GHASH
//!   resumed by XOR into the next first block gives `GHASH(M_1 ‖ M_2)`
//!   since `GHASH(Y; X ‖ …) = GHASH((Y ⊕ X) ‖ …)`; the CMAC unit's `y`
//!   after a partial close is the CBC chaining value, resumed the same
//!   way;
//! - at FE each scope is closed in order: its trailer block (XORed with
//!   its value) and the length block (GMAC: with E_K(J0) of the scope's
//!   nonce, scope code 2, index = DT) or CMAC's K1 close, the tag into
//!   `sc_tag`; the SEP tag packet then carries `trailer ‖ tag` per scope.
//!
//! A record costs the unit's closing latency once more than in frame mode
//! (the next covered packet's RH waits for the value: `dt_wait`). A frame
//! with more data types than the instance's scopes (`--dt-scopes`, the
//! generation parameter) cannot be tagged in full: the records of the
//! extra types go into no scope (the TX counts `dt_scope_overflow`; the
//! receiver's tags then fail).
//!
//! Names the fragments use from the tops: `h_dt`, `wn_len` and `wn_len_q`
//! (the covered bytes of the packet at its header, and a cycle later),
//! `p_dt` and `p_rb` (the packet's record joins a scope, its blocks),
//! `cbytes` (the frame's covered bytes), `stream8`, `kid`, `fc`, `fnum`,
//! `aes_idle`, the J0 request registers and the states `DTJ`, `TRAIL`.

/// The most data-type scopes an instance can hold.
pub const MAX_SCOPES: usize = 8;

/// The scope table and its lookup for an instance of `d` scopes
/// (declarations; after `h_dt`, `stream8` and `fnum`).
pub fn declarations(d: usize) -> String {
    assert!(d <= MAX_SCOPES, "data-type scopes: 0 to {MAX_SCOPES}");
    // The tables have a power-of-two number of entries (an index of `a`
    // bits addresses all of them); `d` of them are used. With none, data-
    // type mode is a configuration error and `dt_mode` a constant 0, so
    // synthesis removes the tables and everything that reads them.
    let size = d.next_power_of_two().max(2);
    let room = if d == 0 {
        "sc_hit & DT_SCOPES != 4'd0"
    } else {
        "sc_hit | sc_n < DT_SCOPES"
    };
    let dt_mode = if d == 0 {
        "1'b0; // (no data-type scopes in this instance)"
    } else {
        "config_tag_mode == 2'd2;"
    };
    let a = size.trailing_zeros();
    format!(
        r#"// ---- Data-type scopes (spec §4): the frame's scopes, in the order of
// their first record; value, counts, blocks and tag of each.
localparam [3:0] DT_SCOPES = 4'd{d};
localparam DT_IDX = {a};
localparam DT_SIZE = {size};
wire dt_mode = {dt_mode}
reg [5:0] sc_dt [0:{m}];
reg [127:0] sc_s [0:{m}];
reg [31:0] sc_recs [0:{m}];
reg [31:0] sc_bytes [0:{m}];
reg [31:0] sc_blocks [0:{m}];
reg [127:0] sc_tag [0:{m}];
// Scopes open, the scope being closed or sent, the scope of the packet
// in progress, the scope whose value the MAC unit is computing (dt_wait).
reg [3:0] sc_n, sc_k;
reg [DT_IDX-1:0] p_sc, y_sc;
reg dt_wait;
// A covered record's header was taken last cycle (rec_up, set by the
// top): its bytes go into the frame's count, and in data-type mode (p_dt)
// its counts into its scope p_sc (open before it: p_hit), this cycle,
// from registers (wn_len_q, p_rb), not in the header's cycle.
reg rec_up, p_hit;
integer sc_init, sc_z;
initial begin
  sc_n = 4'd0; sc_k = 4'd0; p_sc = {a}'d0; y_sc = {a}'d0; dt_wait = 1'b0;
  rec_up = 1'b0; p_hit = 1'b0;
  for (sc_init = 0; sc_init < {size}; sc_init = sc_init + 1) begin
    sc_dt[sc_init] = 6'd0; sc_s[sc_init] = 128'd0; sc_recs[sc_init] = 32'd0; sc_bytes[sc_init] = 32'd0;
    sc_blocks[sc_init] = 32'd0; sc_tag[sc_init] = 128'd0;
  end
end
// The scope of DT h_dt: open (sc_hit), or the next one.
reg sc_hit;
reg [DT_IDX-1:0] sc_idx;
integer sc_j;
always @(*) begin
  sc_hit = 1'b0;
  sc_idx = sc_n[DT_IDX-1:0];
  for (sc_j = 0; sc_j < {d}; sc_j = sc_j + 1)
    if (~sc_hit & sc_j < {{28'd0, sc_n}} & sc_dt[sc_j] == h_dt) begin
      sc_hit = 1'b1;
      sc_idx = DT_IDX'(sc_j);
    end
end
wire sc_room = {room};
wire [DT_IDX-1:0] sc_kk = sc_k[DT_IDX-1:0];
wire [127:0] sc_trailer = trailer_block(8'd2, {{2'd0, sc_dt[sc_kk]}}, stream8, fnum, sc_recs[sc_kk], sc_bytes[sc_kk]);
// Another scope to close (or send) after scope sc_k.
wire close_more = dt_mode & sc_k + 4'd1 < sc_n;
// The MAC inputs of scope sc_k's close (TRAIL: its trailer resumed from
// its value; TLEN: its blocks, trailer included), registered every
// cycle: a close always passes DTJ first, and from then on sc_k, the
// tables and the value hold still, so the table reads do not run into
// the MAC's input select.
reg [127:0] dt_trail_q;
reg [31:0] dt_blocks_q;
initial begin
  dt_trail_q = 128'd0;
  dt_blocks_q = 32'd0;
end
always @(posedge clock) begin
  dt_trail_q <= rev16(sc_trailer) ^ sc_s[sc_kk];
  dt_blocks_q <= sc_blocks[sc_kk] + 32'd1;
end
"#,
        m = size - 1
    )
}

/// Record blocks after the RH of the packet at its header (after the
/// record window, which gives `wn_len`).
pub const RECORD_BLOCKS: &str = "wire [12:0] sc_rb = 13'((wn_len + 17'd15) >> 4);\n";

/// A covered packet's record joins its scope (inside `always @(posedge
/// clock)`, under the top's condition for a covered packet at its
/// header, where the top also writes `p_sc <= sc_idx`, `p_rb <= sc_rb`,
/// `p_dt` and `rec_up`; `sc_room` checked by the caller). The scope's
/// counts follow a cycle later ([`CAPTURE`]), so the header's decode does not run into
/// the tables' adders and writes; the next join reads them no earlier
/// than that.
///
/// A new scope's value is not cleared here: the first block of a record
/// resumes the value only where the scope was open (`sc_hit`, in the RX
/// at the header; `p_hit`, registered here, in the TX), so the header's decision reaches no enable
/// of the 128-bit values (it was the TX's worst path, 21.7 ns, through
/// their set/reset).
pub const JOIN: &str = r#"sc_dt[sc_idx] <= h_dt;
          if (~sc_hit) sc_n <= sc_n + 4'd1;
          p_hit <= sc_hit;"#;

/// Reset and CTRL.clear (inside `if (reset | ctrl_clear)`) clear the
/// scopes' values, GHASH states under H as sensitive as the MAC unit's
/// own, and their tags: the RX's are the tags it computed, for a failed
/// frame the right one.
pub const CLEAR: &str = "    for (sc_z = 0; sc_z < DT_SIZE; sc_z = sc_z + 1) begin\n      \
     sc_s[sc_z] <= 128'd0;\n      sc_tag[sc_z] <= 128'd0;\n    end\n";

/// The counts of the covered record whose header was taken last cycle
/// (the frame's; in data-type mode its scope's), and the scope's value
/// after a record, from the MAC unit (inside `always @(posedge clock)`,
/// before the state machine, which sets `rec_up` again).
pub const CAPTURE: &str = r#"  rec_up <= 1'b0;
  if (rec_up) cbytes <= cbytes + {15'd0, wn_len_q};
  if (rec_up & p_dt) begin
    sc_recs[p_sc] <= (p_hit ? sc_recs[p_sc] : 32'd0) + 32'd1;
    sc_bytes[p_sc] <= (p_hit ? sc_bytes[p_sc] : 32'd0) + {15'd0, wn_len_q};
    sc_blocks[p_sc] <= (p_hit ? sc_blocks[p_sc] : 32'd0) + 32'd1 + {19'd0, p_rb};
  end
  if (dt_wait & gh$y_valid) begin
    sc_s[y_sc] <= gh$y;
    dt_wait <= 1'b0;
  end
"#;

/// The close of scope `sc_k` begins (case arm): once the core is idle
/// and the last record's value is in, E_K(J0) of the scope (GMAC), then
/// the trailer.
///
/// (`j0` is read only while `req_j0` is set, so it is written every
/// cycle of DTJ until its request goes out: the core's idle test, a long
/// function of the AES bookkeeping, does not reach its 128 enables.)
pub const CLOSE_START: &str = r#"    DTJ: begin
      if (~req_j0) j0 <= tag_j0(stream8, kid, 8'd2, fc, {26'd0, sc_dt[sc_kk]});
      if (aes_idle & ~dt_wait) begin
        if (~MAC_CMAC) begin
          req_j0 <= 1'b1;
          j0_wait <= 1'b1;
          j0_ok <= 1'b0;
        end
        st <= TRAIL;
      end
    end
"#;
