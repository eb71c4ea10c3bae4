//! What the TX and the RX decide alike from the context registers, as
//! Verilog fragments both tops include, so that the sender's and the
//! receiver's policy cannot drift apart:
//!
//! - [`context_checks`]: `config_error`, a context this IP cannot apply
//!   (spec §3's configuration errors, and what this version lacks);
//! - [`classification`]: the partition of a classified packet (spec §2:
//!   top, middle, bottom block), its line-index phase for SV-3 and
//!   whether the context covers and encrypts it (spec §3's SV table).
//!
//! Both read the register file's fields (`config_*`, `next_frame_*`) and
//! the top's frame state: `seen_mid` (a middle-block packet came in this
//! frame), `sv_top/sv_mid/sv_bot` (the frame's SV per block) and the
//! phases `ph_top/ph_mid/ph_bot` (line index mod stride, per block).

use crate::link_config::Suites;

/// `config_error` and the derived context wires (`tag_bytes`,
/// `config_byte`, `stream8`, `stream_vcx`), for an IP of `key_bits` and
/// the GMAC suite, the CMAC suite or both, SEP or (`fsed`) FSED. SV-1 is a
/// configuration error with CMAC, and a tag mode other than frame with
/// FSED (spec §3), and data-type mode in an instance without its scopes
/// (`data_type` false).
pub fn context_checks(key_bits: usize, suites: Suites, fsed: bool, data_type: bool) -> String {
    // The suite codes of the instance (spec §3): bit 0 the key size, bit
    // 1 CMAC.
    let k = (key_bits == 256) as u8;
    let suite_bad = match suites {
        Suites::Gmac => format!("config_suite != 2'd{k}"),
        Suites::Cmac => format!("config_suite != 2'd{}", 2 + k),
        Suites::Both => format!("config_suite[0] != 1'b{k}"),
    };
    let sv1_bad = match suites {
        Suites::Gmac => "",
        Suites::Cmac => "sv == 4'd1 || ",
        Suites::Both => "(config_suite[1] && sv == 4'd1) || ",
    };
    let modes = if fsed {
        "config_tag_mode != 2'd0"
    } else if data_type {
        "config_tag_mode > 2'd2"
    } else {
        "config_tag_mode > 2'd1"
    };
    format!(
        r#"// ---- Context checks (STATUS.config_error): what this IP cannot apply.
function sv_bad(input [3:0] sv);
  sv_bad = {sv1_bad}sv == 4'd0 || sv > 4'd5;
endfunction
wire config_error = {suite_bad} || {modes} || config_tag_len == 2'd3
  || config_stride == 8'd0 || config_control_dt < 6'h13
  || sv_bad(next_frame_sv_top) || sv_bad(next_frame_sv_middle) || sv_bad(next_frame_sv_bottom);
wire [4:0] tag_bytes = config_tag_len == 2'd0 ? 5'd16 : config_tag_len == 2'd1 ? 5'd12 : 5'd8;
wire [7:0] config_byte = {{config_suite, config_tag_mode, config_tag_len, config_crc32, 1'b0}};
wire [7:0] stream8 = {{4'd0, config_stream}};
wire [1:0] stream_vcx = config_vcx ? config_stream[3:2] : 2'b00;
"#
    )
}

/// The classification of the packet whose data type is `h_dt` (spec §2,
/// §3): `h_class` (classified), `blk` (0 top, 1 middle, 2 bottom),
/// `blk_sv`, `blk_ph`, `blk_ph_next`, `h_cov` (the context covers it),
/// `h_enc` (SV-1).
pub fn classification() -> &'static str {
    r#"// ---- Classification and coverage of a packet (spec §2, §3).
wire h_class = h_long & h_dt != 6'h10 & h_dt != 6'h11 & h_dt != config_control_dt;
wire [1:0] blk = h_dt == 6'h12 ? (seen_mid ? 2'd2 : 2'd0) : 2'd1;
wire [3:0] blk_sv = blk == 2'd0 ? sv_top : blk == 2'd1 ? sv_mid : sv_bot;
wire [7:0] blk_ph = blk == 2'd0 ? ph_top : blk == 2'd1 ? ph_mid : ph_bot;
wire [7:0] blk_ph_next = blk_ph + 8'd1 == config_stride ? 8'd0 : blk_ph + 8'd1;
wire h_cov = blk_sv == 4'd1 | blk_sv == 4'd2 | (blk_sv == 4'd3 & blk_ph == 8'd0) | blk_sv == 4'd4;
wire h_enc = blk_sv == 4'd1;
"#
}

/// Advance the frame's classification state past a classified packet
/// (inside an `always @(posedge clock)` block).
pub fn classification_step() -> &'static str {
    r#"if (h_dt != 6'h12) seen_mid <= 1'b1;
        case (blk)
          2'd0: ph_top <= blk_ph_next;
          2'd1: ph_mid <= blk_ph_next;
          default: ph_bot <= blk_ph_next;
        endcase"#
}
