//! The wire-format layouts the TX builds (spec §4, §5), in one place, as
//! Verilog functions for the TX datapath: record header, SEP header,
//! FSED frame block, trailer block, FSED-Safety payload, tag nonce J0,
//! SV-1 counter block, GHASH length block.
//! A member with the real MIPI layouts changes them here (and in the
//! golden model's `layout.rs`).
//!
//! Every 16-byte value is in AXI4-Stream byte order: byte `i` of the
//! block (as numbered in the spec's tables) is bits `[8i+7:8i]`, so a
//! Verilog concatenation lists byte 15 first. Big-endian fields go
//! through `bswap32`.

/// Version field of the SEP header (bits 7:6 of its byte 0).
pub const VERSION: u8 = 0b01;
/// Domain byte of tag nonces and of SV-1 counter blocks.
pub const DOMAIN_TAG: u8 = 0x02;
pub const DOMAIN_CTR: u8 = 0x01;
/// First byte of a trailer block.
pub const TRAILER_ID: u8 = 0xFE;
/// First byte of an FSED frame block (the FSED-Header payload).
pub const FRAME_BLOCK_ID: u8 = 0xFA;
/// First byte of an FSED-Safety payload.
pub const SAFETY_ID: u8 = 0xC5;

/// The functions, for inclusion in a module body.
pub fn verilog() -> String {
    format!(
        r#"// ---- Wire-format layouts (spec §4, §5): AXI byte order, byte 15 first.
function [31:0] bswap32(input [31:0] x);
  bswap32 = {{x[7:0], x[15:8], x[23:16], x[31:24]}};
endfunction
// GCM byte order (byte 0 in bits 127:120) <-> AXI byte order.
function [127:0] rev16(input [127:0] x);
  integer i;
  begin
    for (i = 0; i < 16; i = i + 1) rev16[8*i +: 8] = x[8*(15-i) +: 8];
  end
endfunction
// Record header RH (§4): DI, VCX, WC (LE), then the SEP header (bytes 4..15):
// version|covered|0|SV, config byte, key_id, stream, frame counter (BE),
// message counter (BE).
function [127:0] record_header(input [7:0] di, input [1:0] vcx, input [15:0] wc, input covered, input [3:0] sv,
                               input [7:0] config_byte, input [7:0] key_id, input [7:0] stream, input [31:0] fc,
                               input [31:0] mc);
  record_header = {{bswap32(mc), bswap32(fc), stream, key_id, config_byte, 2'b{version:02b}, covered, 1'b0, sv,
                   wc, 6'd0, vcx, di}};
endfunction
// Trailer block (§4): 0xFE, scope, DT, stream, frame number (LE), 0, 0,
// records (BE), covered bytes (BE).
function [127:0] trailer_block(input [7:0] scope, input [7:0] dt, input [7:0] stream, input [15:0] frame_number,
                               input [31:0] records, input [31:0] bytes);
  trailer_block = {{bswap32(bytes), bswap32(records), 16'd0, frame_number, stream, dt, scope, 8'h{trailer:02x}}};
endfunction
// FSED frame block (§4): 0xFA, stream, key_id, config byte, SV top |
// SV middle << 4, SV bottom, stride, 0, window offset (LE), window length
// (LE), frame counter (BE).
function [127:0] frame_block(input [7:0] stream, input [7:0] key_id, input [7:0] config_byte, input [3:0] sv_top,
                             input [3:0] sv_mid, input [3:0] sv_bot, input [7:0] stride, input [15:0] w_off,
                             input [15:0] w_len, input [31:0] fc);
  frame_block = {{bswap32(fc), w_len, w_off, 8'd0, stride, 4'd0, sv_bot, sv_mid, sv_top, config_byte, key_id, stream,
                 8'h{frame:02x}}};
endfunction
// FSED-Safety payload (§5.2): 0xC5, 0, 0, 0, CRC-32 (LE), classified
// packets (BE), their payload bytes (BE).
function [127:0] safety_block(input [31:0] crc, input [31:0] count, input [31:0] bytes);
  safety_block = {{bswap32(bytes), bswap32(count), crc, 24'd0, 8'h{safety:02x}}};
endfunction
// J0 of a GMAC tag (§5): nonce (stream, key_id, 0x02, scope, frame
// counter BE, index BE) || 00000001.
function [127:0] tag_j0(input [7:0] stream, input [7:0] key_id, input [7:0] scope, input [31:0] fc, input [31:0] index);
  tag_j0 = {{32'h01000000, bswap32(index), bswap32(fc), scope, 8'h{dtag:02x}, key_id, stream}};
endfunction
// SV-1 counter block prefix (§5): stream, key_id, 0x01, 0x00, frame
// counter BE, message counter BE; block j appends (j + 1) BE.
function [95:0] ctr_prefix(input [7:0] stream, input [7:0] key_id, input [31:0] fc, input [31:0] mc);
  ctr_prefix = {{bswap32(mc), bswap32(fc), 8'h00, 8'h{dctr:02x}, key_id, stream}};
endfunction
// GHASH length block of AAD-only GMAC: len(A) in bits (BE 64) || 0.
function [127:0] length_block(input [31:0] blocks);
  length_block = {{64'd0, bswap32({{blocks[24:0], 7'd0}}), bswap32({{25'd0, blocks[31:25]}})}};
endfunction
"#,
        version = VERSION,
        trailer = TRAILER_ID,
        frame = FRAME_BLOCK_ID,
        safety = SAFETY_ID,
        dtag = DOMAIN_TAG,
        dctr = DOMAIN_CTR
    )
}
