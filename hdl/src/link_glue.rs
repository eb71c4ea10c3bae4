//! What the TX and RX tops share around their control: the register file
//! and its datapath hooks, key loading (key slot → AES key schedule → H
//! into GHASH), the AES request bookkeeping common to both (E_K(J0) and H
//! capture, blocks in flight), the wiring of the AES core, GHASH and the
//! byte packer, the abort of a MAC message, and the MAC unit of the
//! suites ([`MacUnit`]: GHASH for GMAC, [`CbcMac`] on the top's AES core
//! for CMAC). Each top's control text places these with markers;
//! [`top_verilog`] assembles the module body.
//!
//! The names the fragments use are the tops' own: `st` and the states
//! `HDR`, `KEY`, `KEYH`, `ABORT`, `ABORTY`, `TRAIL`, `TLEN`, `TTAG` and
//! `AFTER_TAG`; `kslot`, `key_ok`, `key_cur`,
//! `h_got`, `req_h`, `req_j0`, `h_wait`, `j0_wait`, `j0_ok`, `ej0`,
//! `tag_r`, `ks_left`, `outstanding`, `frame_open`, `gh_open`,
//! `gh_blocks`; the output chunk `ch_*`.

use crate::byte_packer::BytePacker;
use crate::cbc_mac::CbcMac;
use crate::ghash::Ghash;
use crate::header_ecc::HeaderEcc;
use crate::link_config::Suites;
use crate::mac_both::MacBoth;
use crate::regs::{RegisterMap, Side};
use rust_hdl::prelude::*;

/// Claim the inputs of the child blocks both tops drive from their
/// Verilog: the byte packer and the header ECC checker and builder
/// (rust-hdl's `connect`).
pub fn connect_children(pk: &mut BytePacker, headers: [&mut HeaderEcc; 2]) {
    for s in [
        &mut pk.reset,
        &mut pk.s_last,
        &mut pk.s_valid,
        &mut pk.m_ready,
    ] {
        s.connect();
    }
    pk.clock.connect();
    pk.s_data.connect();
    pk.s_count.connect();
    pk.s_user.connect();
    connect_headers(headers);
}

/// Claim the inputs of a top's header ECC checker and builder.
pub fn connect_headers(headers: [&mut HeaderEcc; 2]) {
    for h in headers {
        h.header.connect();
        h.vcx_on.connect();
    }
}

/// The MAC unit a top drives as its child `gh`: GHASH for the GMAC
/// suites, [`CbcMac`] for the CMAC suites. Both take records as whole
/// blocks and close a message with an `s_last` beat.
pub trait MacUnit: Block {
    /// The suite families it serves: GMAC (GHASH), CMAC (no nonce, no
    /// E_K(J0); the unit uses the top's AES core), or both.
    const SUITES: Suites;
    /// Mark every input as driven by the parent.
    fn claim_inputs(&mut self);
    /// Pass the clock on (the parent's rust-hdl model).
    fn set_clock(&mut self, clock: Clock);
}

impl MacUnit for Ghash {
    const SUITES: Suites = Suites::Gmac;
    fn claim_inputs(&mut self) {
        Ghash::claim_inputs(self)
    }
    fn set_clock(&mut self, clock: Clock) {
        self.clock.next = clock;
    }
}

impl MacUnit for CbcMac {
    const SUITES: Suites = Suites::Cmac;
    fn claim_inputs(&mut self) {
        CbcMac::claim_inputs(self)
    }
    fn set_clock(&mut self, clock: Clock) {
        self.clock.next = clock;
    }
}

impl MacUnit for MacBoth {
    const SUITES: Suites = Suites::Both;
    fn claim_inputs(&mut self) {
        MacBoth::claim_inputs(self)
    }
    fn set_clock(&mut self, clock: Clock) {
        self.clock.next = clock;
    }
}

/// The MAC's wires for the GMAC suites: the tag is E_K(J0) ⊕ GHASH and
/// needs E_K(J0) (`mac_nonce`); GHASH never uses the AES core.
const MAC_GMAC: &str = r#"// MAC: GMAC (spec §5), tag = E_K(J0) ^ GHASH.
localparam MAC_CMAC = 1'b0;
wire [127:0] mac_y = gh$y ^ ej0;
wire mac_nonce = j0_ok;
wire mac_busy = 1'b0;
wire mac_a_valid = 1'b0;
wire [127:0] mac_a_data = 128'd0;
// (GHASH needs no partial-close flag: see dt_scopes.rs.)
/* verilator lint_off UNUSEDSIGNAL */
wire mac_part_unused = mac_part;
/* verilator lint_on UNUSEDSIGNAL */
"#;

/// The MAC's wires for the CMAC suites: the tag is the CMAC itself, no
/// nonce; the unit's blocks go through the AES core (`mac_a_*` in,
/// `mac_busy` while one is in flight).
const MAC_CMAC: &str = r#"// MAC: CMAC (spec §5), tag = AES-CMAC_K(M); the chain runs through the AES core.
localparam MAC_CMAC = 1'b1;
wire [127:0] mac_y = gh$y;
wire mac_nonce = 1'b1;
wire mac_busy = gh$r_ready;
wire mac_a_valid = gh$a_valid & ~req_h;
wire [127:0] mac_a_data = gh$a_data;
/* verilator lint_off UNUSEDSIGNAL */
wire mac_unused = &{1'b0, ej0, j0_ok};
/* verilator lint_on UNUSEDSIGNAL */
"#;

/// The MAC's wires with both families: the context's suite chooses
/// (`MAC_CMAC` is then a wire, not a constant).
const MAC_BOTH: &str = r#"// MAC: GMAC or CMAC as the context's suite says (spec §5).
wire MAC_CMAC = config_suite[1];
wire [127:0] mac_y = MAC_CMAC ? gh$y : gh$y ^ ej0;
wire mac_nonce = MAC_CMAC | j0_ok;
wire mac_busy = gh$r_ready;
wire mac_a_valid = gh$a_valid & ~req_h;
wire [127:0] mac_a_data = gh$a_data;
"#;

/// The CMAC unit's AES ports (inside `always @(*)`); `aes_open` is the
/// top's gate on new AES requests.
const CMAC_WIRING: &str = r#"  gh$s_part = mac_part;
  gh$a_ready = aes$s_ready & aes_open & ~req_h;
  gh$r_data = aes$m_data;
  gh$r_valid = aes$m_valid & ~h_wait;
"#;

/// Key slot of the next frame; E_K(J0), H and keystream as they leave
/// the AES core.
const KEY_WIRES: &str = r#"// Key slot of the next frame.
wire slot0_hit = key0_id_valid & key0_id_key_id == next_frame_key_id;
wire slot1_hit = key1_id_valid & key1_id_key_id == next_frame_key_id;
wire key_write = apb_write & paddr[11:2] >= 10'd8 & paddr[11:2] <= 10'd25;
// What leaves the AES core: H (key load), E_K(J0), keystream, in request order.
wire [127:0] ks = rev16(aes$m_data);
wire cap_j0 = j0_wait & aes$m_valid;
wire cap_h = h_wait & aes$m_valid & gh$h_ready;
"#;

/// Wiring of the byte packer, the AES core's key port and GHASH's key
/// port (inside `always @(*)`).
const ENGINE_WIRING: &str = r#"  pk$clock = clock;
  pk$reset = reset;
  pk$s_data = ch_data;
  pk$s_count = ch_count;
  pk$s_last = ch_last;
  pk$s_valid = ch_valid;
  pk$m_ready = m_axis_tready;
  m_axis_tdata = pk$m_data;
  m_axis_tkeep = pk$m_keep;
  m_axis_tlast = pk$m_last;
  m_axis_tvalid = pk$m_valid;
  aes$clock = clock;
  aes$zeroize = reset | ctrl_clear;
  aes$key = kslot ? key1 : key0;
  aes$key_valid = st == KEY;
  gh$clock = clock;
  gh$zeroize = reset | ctrl_clear;
  gh$h = aes$m_data;
  gh$h_valid = h_wait & aes$m_valid;
"#;

/// Blocks in flight, E_K(J0) and H captured, a key written (inside
/// `always @(posedge clock)`).
const AES_CAPTURE: &str = r#"  outstanding <= outstanding + {7'd0, aes$s_valid & aes$s_ready} - {7'd0, aes$m_valid & aes$m_ready};
  if (cap_j0) begin
    ej0 <= aes$m_data;
    j0_wait <= 1'b0;
    j0_ok <= 1'b1;
  end
  if (cap_h) h_wait <= 1'b0;
  if (gh$h_valid & gh$h_ready) h_got <= 1'b1;
  if (key_write) key_ok <= 1'b0;
"#;

/// The close of a frame scope (case arms): the trailer block and the
/// length block (or CMAC's close) into the MAC, then the tag into `tag_r`
/// (data-type mode: into `sc_tag`, and on to the next scope's `DTJ`),
/// and on to the top's `AFTER_TAG` state.
const CLOSE_STATES: &str = r#"    TRAIL: if (gh$s_ready) begin
      gh_blocks <= gh_blocks + 32'd1;
      st <= TLEN;
    end
    TLEN: if (gh$s_ready) st <= TTAG;
    TTAG: if (gh$y_valid & mac_nonce) begin
      tag_r <= rev16(mac_y);
      sc_tag[sc_kk] <= rev16(mac_y);
      j0_ok <= 1'b0;
      gh_open <= 1'b0;
      gh_blocks <= 32'd0;
      if (close_more) begin
        sc_k <= sc_k + 4'd1;
        st <= DTJ;
      end else begin
        sc_k <= 4'd0;
        st <= AFTER_TAG;
      end
    end
"#;

/// Key load (KEY: the schedule; KEYH: H = E_K(0) into GHASH) and the
/// abort of a GHASH message whose tag is not wanted (case arms).
const KEY_ABORT_STATES: &str = r#"    KEY: if (aes$key_ready) begin
      key_ok <= 1'b0;
      h_got <= 1'b0;
      req_h <= 1'b1;
      h_wait <= 1'b1;
      st <= KEYH;
    end
    KEYH: if (h_got & ~h_wait & gh$h_loaded) begin
      key_ok <= 1'b1;
      key_cur <= kslot;
      st <= HDR;
    end
    ABORT: if (gh$s_ready) st <= ABORTY;
    ABORTY: if (gh$y_valid) begin
      gh_open <= 1'b0;
      gh_blocks <= 32'd0;
      j0_ok <= 1'b0;
      st <= HDR;
    end
"#;

/// What reset and CTRL.clear both drop (inside `if (reset | ctrl_clear)`).
const ENGINE_RESET: &str = r#"    st <= HDR;
    frame_open <= 1'b0;
    gh_open <= 1'b0;
    key_ok <= 1'b0;
    req_h <= 1'b0; req_j0 <= 1'b0; h_wait <= 1'b0; j0_wait <= 1'b0; j0_ok <= 1'b0;
    ks_left <= 13'd0;
    outstanding <= 8'd0;
    ej0 <= 128'd0;
    tag_r <= 128'd0;
    dt_wait <= 1'b0;
    sc_n <= 4'd0;
    sc_k <= 4'd0;
"#;

/// Declarations the control needs ahead of its chunk select and of
/// [`out_stage`]: the stage's ready, and how the output CRC-16 takes a
/// chunk (`cx_mode`).
pub const OUT_DECL: &str =
    "// The output stage takes a chunk (`ck_ready`; link_glue.rs, `out_stage`),
// and how the output CRC-16 takes it (`cx_mode`): CK_SKIP not covered
// (headers); CK_ON covered; CK_NEW the first covered chunk of a packet;
// CK_SEP the header then the first covered bytes (SEP header; none after
// FSED's or the RX's header, whose CRC-16 then starts).
wire ck_ready;
localparam [1:0] CK_SKIP = 2'd0, CK_ON = 2'd1, CK_NEW = 2'd2, CK_SEP = 2'd3;
";

/// The output CRC-16 stage: the chunks of the control pass a two-entry
/// buffer ([`crate::buffer2`]) on their way to the packer, and the
/// output's CRC-16 steps over each as it leaves the buffer, in two halves
/// ([`crate::crc_step::CrcSplit`]): the network of the chunk's bytes is
/// registered from the buffer's head every cycle (`o_m`, with its count
/// and whether it starts the CRC), and the cycle after, that register is
/// folded into the CRC (`o_now`). Neither the control's state decode
/// and chunk select nor the packer's ready runs into the CRC step, and
/// the control sees a registered ready (`ck_ready`). A CRC-16 chunk is a
/// placeholder the stage fills with the CRC of the chunks before it,
/// XOR its `cx_x` (an input CRC error carried over); so is the TX's
/// CRC-32 part (`cx_crc32`: its CRC-32 steps behind, and the part
/// leaves once no step is pending, `k32_busy`). A CRC-16
/// chunk leaves only when no fold is pending (`o_v` low: it waits a
/// cycle after the packet's last covered chunk), so it is filled from
/// the register `crc16o` and the fold network does not reach the
/// packer's shifter.
pub fn out_stage() -> String {
    let buf = crate::buffer2::verilog(
        "cb",
        162,
        "cb_din",
        "cx_valid & ck_ready",
        "ch_go & pk$s_ready",
        "reset",
        None,
    );
    let crc = crate::crc_step::CrcSplit {
        crc: crate::crc_step::CRC16,
        prefix: "o",
    }
    .staged(
        "o_data",
        "o_count",
        "ch_go & pk$s_ready & q_mode != CK_SKIP & ~reset",
        "q_mode == CK_NEW | q_mode == CK_SEP",
        "crc16o",
    );
    format!(
        r#"// ---- Output CRC-16 stage (link_glue.rs, `out_stage`).
wire [161:0] cb_din = {{cx_data, cx_count, cx_mode, cx_x, cx_crc32, cx_crc, cx_last, cx_user}};
// The head chunk goes to the packer (a CRC-16 chunk once its CRC is in).
wire ch_go;
{buf}assign ck_ready = ~cb_full;
wire [127:0] q_raw = cb_out[161:34];
wire [4:0] q_count = cb_out[33:29];
wire [1:0] q_mode = cb_out[28:27];
wire [15:0] q_x = cb_out[26:11];
wire q_crc32 = cb_out[10];
wire q_crc = cb_out[9];
// (The TX's CRC-32 part, filled here: its `crc32` steps a cycle behind.)
wire [127:0] q_data = q_crc32 ? {{96'd0, ~crc32}} : q_raw;
// The bytes the CRC takes (after the header of a CK_SEP chunk).
wire [127:0] o_data = q_mode == CK_SEP ? {{32'd0, q_raw[127:32]}} : q_data;
wire [4:0] o_count = q_mode == CK_SEP ? q_count - 5'd4 : q_count;
// (`o_v`: a covered chunk left the buffer.)
{crc}always @(posedge clock) crc16o <= o_now;
assign ch_go = cb_valid & ~(q_crc & o_v) & ~(q_crc32 & k32_busy);
wire [127:0] ch_data = q_crc ? {{112'd0, crc16o ^ q_x}} : q_data;
wire [4:0] ch_count = q_count;
wire ch_last = cb_out[8], ch_valid = ch_go;
wire [7:0] ch_user = cb_out[7:0];
"#
    )
}

/// The input CRC-16 check (both tops), split in two across a register
/// as the output's is ([`crate::crc_step::CrcSplit`]): the network of the
/// item's payload bytes is registered each cycle, and folded into
/// `crc16i` the cycle after. The top declares `crc16i` and drives the
/// wires `c16i_data` (the item, payload from byte 0), `c16i_count` (its
/// payload bytes), `c16i_take` (the item is taken) and `c16i_first` (it
/// is its packet's first); it reads `i_now`, the CRC of the payload
/// taken so far (the pending fold included).
fn input_crc16() -> String {
    let crc = crate::crc_step::CrcSplit {
        crc: crate::crc_step::CRC16,
        prefix: "i",
    };
    format!(
        "// ---- Input CRC-16 check (link_glue.rs, `input_crc16`).\n{}\
         always @(posedge clock) crc16i <= i_now;\n",
        crc.staged(
            "c16i_data",
            "c16i_count",
            "c16i_take",
            "c16i_first",
            "crc16i"
        )
    )
}

/// The CRC-32 (both tops: the SEP footer's; FSED: the frame's
/// classified payloads), split in two across a register as the CRC-16s
/// are: the network of the bytes taken is registered with their count,
/// and folded into `crc32` the cycle after. The top drives `l32_src` (the
/// bytes, from byte 0), `l32_cnt` (how many), `l32_take` (they are taken)
/// and `l32_first` (they start the CRC), and writes `crc32 <= k32_now`
/// (a frame's reset after it, FSED); `k32_busy` says a step is pending.
///
/// With `input_stage` (the TX) those four inputs are registered first, so
/// the network reads flip-flops (the state's selects of the bytes and
/// their count do not reach it), and `crc32` has a step's bytes two
/// cycles after they are taken: the output stage holds the footer's
/// CRC-32 part until no step is pending (`k32_busy`).
fn crc32_split(input_stage: bool) -> String {
    let crc = crate::crc_step::CrcSplit {
        crc: crate::crc_step::CRC32,
        prefix: "k32",
    };
    // The network's inputs: the top's wires, or their registered copies.
    let (stage, ins, busy) = if input_stage {
        (
            "reg [127:0] l32q_src;\nreg [4:0] l32q_cnt;\nreg l32q_take, l32q_first;\n\
             initial begin\n  l32q_src = 128'd0; l32q_cnt = 5'd0; l32q_take = 1'b0; l32q_first = 1'b0;\nend\n\
             always @(posedge clock) begin\n  l32q_src <= l32_src;\n  l32q_cnt <= l32_cnt;\n  \
             l32q_take <= l32_take & ~reset;\n  l32q_first <= l32_first;\nend\n",
            "l32q",
            "l32q_take | k32_v",
        )
    } else {
        ("", "l32", "k32_v")
    };
    format!(
        "// ---- CRC-32 (link_glue.rs, `crc32_split`).\n{stage}{}wire k32_busy = {busy};\n",
        crc.staged(
            &format!("{ins}_src"),
            &format!("{ins}_cnt"),
            &format!("{ins}_take"),
            &format!("{ins}_first"),
            "crc32"
        )
    )
}

/// What every TX and RX top's body begins with (the 16-byte ones and the
/// byte-serial ones): the protocol (`localparam FSED`), wire layouts, the
/// register file `map` with its hooks (`inc_<counter>`, `ro_status`,
/// `ro_frame_counter`), and the context checks.
pub fn top_frame(
    map: &RegisterMap,
    key_bits: usize,
    suites: Suites,
    fsed: bool,
    data_type: bool,
) -> String {
    let incs: Vec<String> = map
        .side
        .counters()
        .iter()
        .map(|(n, _)| format!("inc_{n}"))
        .collect();
    let mut v = format!(
        "// Protocol of the instance (spec §5.1, §5.2).\nlocalparam FSED = 1'b{};\n",
        fsed as u8
    );
    v += &crate::wire_layout::verilog();
    v += &format!(
        "reg {};\nwire [31:0] ro_status, ro_frame_counter;\n",
        incs.join(", ")
    );
    if map.key_memory {
        v += "wire [3:0] key_raddr;\n";
    }
    v += &map.verilog();
    v += &crate::policy::context_checks(key_bits, suites, fsed, data_type);
    v
}

/// The module body of a TX or RX top: the protocol (`localparam FSED`),
/// wire layouts, the register file of `side` with its hooks
/// (`inc_<counter>`, `ro_status`, `ro_frame_counter`), the context checks
/// for `key_bits`, then `control` with its markers replaced.
pub fn top_verilog(
    side: Side,
    key_bits: usize,
    suites: Suites,
    fsed: bool,
    dt_scopes: usize,
    control: &str,
) -> String {
    let mut v = top_frame(
        &RegisterMap::of(side),
        key_bits,
        suites,
        fsed,
        dt_scopes > 0,
    );
    let (mac, wiring) = match suites {
        Suites::Cmac => (MAC_CMAC, format!("{ENGINE_WIRING}{CMAC_WIRING}")),
        Suites::Gmac => (MAC_GMAC, ENGINE_WIRING.to_string()),
        Suites::Both => (
            MAC_BOTH,
            format!("{ENGINE_WIRING}{CMAC_WIRING}  gh$cmac = MAC_CMAC;\n"),
        ),
    };
    v += &control
        .replace("@CLASSIFY@", crate::policy::classification())
        .replace("@CLASSIFY_STEP@", crate::policy::classification_step())
        .replace("@KEY_WIRES@\n", &format!("{KEY_WIRES}{mac}"))
        .replace("@ENGINE_WIRING@\n", &wiring)
        .replace(
            "@AES_CAPTURE@\n",
            &format!("{AES_CAPTURE}{}", crate::dt_scopes::CAPTURE),
        )
        .replace("@DT_SCOPES@\n", &crate::dt_scopes::declarations(dt_scopes))
        .replace("@DT_JOIN@", crate::dt_scopes::JOIN)
        .replace("@DT_RB@\n", crate::dt_scopes::RECORD_BLOCKS)
        .replace("@KEY_ABORT_STATES@\n", KEY_ABORT_STATES)
        .replace(
            "@ENGINE_RESET@\n",
            &format!("{ENGINE_RESET}{}", crate::dt_scopes::CLEAR),
        )
        .replace("@RECORD_WINDOW@\n", crate::record_window::VERILOG)
        .replace("@OUT_DECL@\n", OUT_DECL)
        .replace("@OUT_STAGE@\n", &out_stage())
        .replace("@INPUT_CRC16@\n", &input_crc16())
        .replace("@CRC32_SPLIT@\n", &crc32_split(side == Side::Tx))
        .replace(
            "@CLOSE_STATES@\n",
            &format!("{}{CLOSE_STATES}", crate::dt_scopes::CLOSE_START),
        );
    for m in [
        "@CLASSIFY",
        "@KEY_",
        "@ENGINE_",
        "@AES_",
        "@RECORD_",
        "@CLOSE_",
        "@DT_",
        "@OUT_",
        "@INPUT_",
        "@CRC32_",
    ] {
        assert!(!v.contains(m), "glue marker {m}… not replaced");
    }
    v
}
