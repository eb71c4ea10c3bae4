//! The register maps of the TX and the RX (APB3, 32-bit registers, byte
//! addresses): one table per side from which the register file's
//! Verilog, the Markdown page, the C header and the JSON description are
//! all written, so they cannot disagree. The two sides share the context
//! registers (CONFIG, WINDOW, NEXT_FRAME, key slots) and differ in their
//! status and counters.
//!
//! APB: `psel`, `penable`, `pwrite`, `paddr[11:0]`, `pwdata`, `prdata`,
//! `pready` (always high: no wait states), `pslverr` (an address with no
//! register). Writes to read-only registers are ignored; key words read
//! as zero.

/// How software reaches a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read and write.
    Rw,
    /// Read only: status from the datapath.
    Ro,
    /// Read only: an event counter (cleared by CTRL.counters_clear).
    Counter,
    /// Write only; reads give zero (key material).
    Wo,
    /// Write 1 to a bit for a one-cycle command; reads give zero.
    Pulse,
}

impl Access {
    pub fn name(self) -> &'static str {
        match self {
            Access::Rw => "RW",
            Access::Ro => "RO",
            Access::Counter => "RO (counter)",
            Access::Wo => "WO",
            Access::Pulse => "W1P",
        }
    }
}

/// A field of a register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub lsb: u32,
    pub width: u32,
    /// Value after reset.
    pub reset: u32,
    pub doc: String,
}

/// One 32-bit register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Register {
    pub name: String,
    pub offset: u32,
    pub access: Access,
    pub doc: String,
    pub fields: Vec<Field>,
}

impl Register {
    /// The field `name`; panics if absent (a generator bug).
    pub fn field(&self, name: &str) -> &Field {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{}: no field {name}", self.name))
    }

    /// A value from field values: `(field, value)` pairs, the rest 0;
    /// panics on a value wider than its field (a caller bug).
    pub fn pack(&self, fields: &[(&str, u32)]) -> u32 {
        fields.iter().fold(0, |a, (n, v)| {
            let f = self.field(n);
            let mask = ((1u64 << f.width) - 1) as u32;
            assert!(
                *v <= mask,
                "{}.{n} = {v}: wider than {} bits",
                self.name,
                f.width
            );
            a | (v & mask) << f.lsb
        })
    }

    /// Value after reset.
    pub fn reset(&self) -> u32 {
        self.fields.iter().fold(0, |a, f| a | f.reset << f.lsb)
    }

    /// Bits that hold state (the defined fields).
    pub fn mask(&self) -> u32 {
        self.fields
            .iter()
            .fold(0, |a, f| a | (((1u64 << f.width) - 1) as u32) << f.lsb)
    }
}

fn f(name: &str, lsb: u32, width: u32, reset: u32, doc: &str) -> Field {
    Field {
        name: name.into(),
        lsb,
        width,
        reset,
        doc: doc.into(),
    }
}

fn reg(name: &str, offset: u32, access: Access, doc: &str, fields: Vec<Field>) -> Register {
    Register {
        name: name.into(),
        offset,
        access,
        doc: doc.into(),
        fields,
    }
}

/// Identification value of `ID`: "CS" and the wire-format version 1.
pub const ID_VALUE: u32 = 0x4353_0001;

/// TX event counters, in register order (offsets from 0x80).
pub const TX_COUNTERS: &[(&str, &str)] = &[
    (
        "frames_protected",
        "Frames closed at their FE with protection applied.",
    ),
    (
        "frames_abandoned",
        "Frames abandoned by an FS before their FE (no tag sent).",
    ),
    ("packets_protected", "Classified packets sent protected."),
    (
        "dt_conflict",
        "Control-DT packets from the sensor, dropped.",
    ),
    (
        "oversize",
        "Packets whose SEP-wrapped length would exceed 65535, dropped.",
    ),
    (
        "input_ecc_corrected",
        "Input headers with a corrected 1-bit ECC error.",
    ),
    (
        "input_ecc_error",
        "Input headers with an uncorrectable ECC error, dropped.",
    ),
    (
        "input_crc_error",
        "Input long packets whose CRC-16 failed (the error is propagated).",
    ),
    (
        "input_length_error",
        "Input packets whose tlast disagrees with their WC (cut short or too long).",
    ),
    (
        "frames_started",
        "FS of the configured stream taken (the frame counter advanced): firmware writes NEXT_FRAME for the next FS after this moves.",
    ),
    (
        "dt_scope_overflow",
        "Data-type mode: covered packets of a data type beyond the instance's scopes per frame (their records are in no tag).",
    ),
];

/// RX event counters, in register order (offsets from 0x80). The first
/// seven count frame verdicts, in the order of their codes on `tuser`.
pub const RX_COUNTERS: &[(&str, &str)] = &[
    ("frames_format_error", "Frames judged format_error."),
    ("frames_policy_violation", "Frames judged policy_violation."),
    ("frames_missing_tag", "Frames judged missing_tag."),
    ("frames_auth_fail", "Frames judged auth_fail."),
    ("frames_replay", "Frames judged replay."),
    ("frames_unprotected", "Frames judged unprotected."),
    ("frames_ok", "Frames judged ok."),
    (
        "packets_ok",
        "Message tag mode: classified packets judged ok.",
    ),
    (
        "packets_not_ok",
        "Message tag mode: classified packets judged anything but ok or unprotected.",
    ),
    (
        "control_outside_frame",
        "Control-DT packets of the stream outside a frame, dropped.",
    ),
    (
        "released_as_received",
        "Classified packets too short for the SEP header and footer they announce, released as received.",
    ),
    (
        "input_ecc_corrected",
        "Input headers with a corrected 1-bit ECC error.",
    ),
    (
        "input_ecc_error",
        "Input headers with an uncorrectable ECC error, dropped (format_error for the open frame).",
    ),
    (
        "input_length_error",
        "Input packets whose tlast disagrees with their WC (format_error for the open frame).",
    ),
    (
        "frames_started",
        "FS of the configured stream taken: firmware writes NEXT_FRAME for the next FS after this moves.",
    ),
];

/// Which block a register map belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    Tx,
    Rx,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Tx => "tx",
            Side::Rx => "rx",
        }
    }

    /// The event counters of this side.
    pub fn counters(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Side::Tx => TX_COUNTERS,
            Side::Rx => RX_COUNTERS,
        }
    }
}

/// The register table of a side.
fn registers(side: Side) -> Vec<Register> {
    let mut r = vec![
        reg(
            "id",
            0x00,
            Access::Ro,
            "Identification.",
            vec![f(
                "value",
                0,
                32,
                ID_VALUE,
                "0x43530001: csi2sec, wire format 1.",
            )],
        ),
        reg(
            "ctrl",
            0x04,
            Access::Pulse,
            "Commands.",
            vec![
                f(
                    "load",
                    0,
                    1,
                    0,
                    "Apply the context: the next FS uses FC_INIT; clears rekey_needed.",
                ),
                f(
                    "clear",
                    1,
                    1,
                    0,
                    "Zeroise both key slots and all that derives from them (round keys, H, K1, E_K(J0), keystream, computed tags), and clear CONFIG.enable.",
                ),
                f("counters_clear", 2, 1, 0, "Clear every event counter."),
            ],
        ),
        reg(
            "config",
            0x08,
            Access::Rw,
            "The stream's security context (static while the stream runs).",
            vec![
                f(
                    "enable",
                    0,
                    1,
                    0,
                    "Protect the configured stream; off: every packet passes through.",
                ),
                f(
                    "vcx",
                    1,
                    1,
                    1,
                    "VC extension: 26-bit ECC, streams 0..15 (off: 24-bit ECC, streams 0..3).",
                ),
                f("control_dt", 2, 6, 0x13, "Control data type, 0x13..0x3F."),
                f(
                    "stream",
                    8,
                    4,
                    0,
                    "Stream number (VC + 4·VCX) this context protects.",
                ),
                f(
                    "suite",
                    12,
                    2,
                    0,
                    "0 GMAC-128, 1 GMAC-256 (must match the IP's key size).",
                ),
                f(
                    "tag_mode",
                    14,
                    2,
                    0,
                    "0 frame, 1 message (SEP); FSED: 0 only.",
                ),
                f("tag_len", 16, 2, 0, "0: 16 bytes, 1: 12, 2: 8."),
                f(
                    "crc32",
                    18,
                    1,
                    0,
                    "FuSa CRC-32: in every SEP footer; FSED: the FSED-Safety packet of each frame.",
                ),
                f("stride", 24, 8, 1, "SV-3 line stride, 1..255."),
            ],
        ),
        reg(
            "window",
            0x0C,
            Access::Rw,
            "SV-4 byte window: the payload bytes [offset, offset + length) (clipped to WC) are covered.",
            vec![
                f("offset", 0, 16, 0, "First covered byte."),
                f("length", 16, 16, 0, "Covered bytes."),
            ],
        ),
        reg(
            "fc_init",
            0x10,
            Access::Rw,
            "Frame counter of the first frame after CTRL.load.",
            vec![f("value", 0, 32, 1, "")],
        ),
        reg(
            "next_frame",
            0x14,
            Access::Rw,
            "Policy of the next frame, taken at each FS (double-buffered: a write applies from the next FS on).",
            vec![
                f("sv_top", 0, 4, 2, "SV of the top block (FP-2), 1..5."),
                f("sv_middle", 4, 4, 2, "SV of the middle block (FP-3)."),
                f("sv_bottom", 8, 4, 2, "SV of the bottom block (FP-4)."),
                f(
                    "key_id",
                    16,
                    8,
                    0,
                    "key_id of the frame (a valid key slot must hold it).",
                ),
            ],
        ),
        reg(
            "status",
            0x18,
            Access::Ro,
            "State of the stream.",
            vec![
                f("enabled", 0, 1, 0, "CONFIG.enable and a context loaded."),
                f(
                    "config_error",
                    1,
                    1,
                    0,
                    "The context is not one this IP can apply (see the register map page).",
                ),
                f(
                    "rekey_needed",
                    2,
                    1,
                    0,
                    "The frame counter is exhausted: frames go out as SV-5.",
                ),
                f("frame_open", 3, 1, 0, "Between an FS and its FE."),
                f(
                    "key_loaded",
                    4,
                    1,
                    0,
                    "The engines hold the key of key_slot.",
                ),
                f("key_slot", 5, 1, 0, "Slot of the current frame's key."),
            ],
        ),
        reg(
            "frame_counter",
            0x1C,
            Access::Ro,
            "Frame counter of the current (or last) frame.",
            vec![f("value", 0, 32, 0, "")],
        ),
    ];
    for slot in 0..2u32 {
        let base = 0x20 + slot * 0x24;
        r.push(reg(
            &format!("key{slot}_id"),
            base,
            Access::Rw,
            &format!("Key slot {slot}: its key_id and whether it holds a key."),
            vec![
                f("key_id", 0, 8, 0, ""),
                f(
                    "valid",
                    8,
                    1,
                    0,
                    "The slot holds a key (cleared by CTRL.clear and reset).",
                ),
            ],
        ));
        for w in 0..8u32 {
            r.push(reg(
                &format!("key{slot}_w{w}"),
                base + 4 + 4 * w,
                Access::Wo,
                &format!("Key slot {slot}, key bytes {}..{} (byte {} in bits 31:24); AES-128 uses words 0..3.", 4 * w, 4 * w + 3, 4 * w),
                vec![f("value", 0, 32, 0, "")],
            ));
        }
    }
    if side == Side::Rx {
        r.retain(|x| x.name != "fc_init");
        for x in r.iter_mut() {
            match x.name.as_str() {
                "ctrl" => {
                    x.fields[0].doc =
                        "Apply the context and forget the accepted frame counters (replay state).".into()
                }
                "frame_counter" => x.doc = "Frame counter of the current (or last) frame, from its first classified packet.".into(),
                "status" => {
                    x.fields[2] = f(
                        "verdict_valid",
                        2,
                        1,
                        0,
                        "A frame verdict has been given since CTRL.load.",
                    );
                    x.fields.push(f(
                        "last_verdict",
                        8,
                        3,
                        0,
                        "Code of the last frame verdict (0 format_error .. 6 ok, as on tuser).",
                    ));
                }
                _ => {}
            }
        }
    }
    for (i, (name, doc)) in side.counters().iter().enumerate() {
        r.push(reg(
            name,
            0x80 + 4 * i as u32,
            Access::Counter,
            doc,
            vec![f("value", 0, 32, 0, "")],
        ));
    }
    r
}

/// The key slots as a memory (see [`RegisterMap::with_key_memory`]):
/// `words`: each key word's `paddr[11:2]` and its index in the memory.
fn key_memory_verilog(words: &[(u32, u32)]) -> String {
    let key_cases: String = words
        .iter()
        .map(|(a, i)| format!("    10'd{a}: key_widx = 4'd{i};\n"))
        .collect();
    let hits: String = words
        .iter()
        .map(|(a, _)| format!(", paddr[11:2] == 10'd{a}"))
        .collect();
    format!(
        r#"// Key slots: a 16-word memory, word w of slot s at 8s + w; kval: the
// words written since the last clear (the others read as zero); kwipe:
// the next word the clear overwrites (16: done).
reg [3:0] key_widx;
always @(*)
  case (paddr[11:2])
{key_cases}    default: key_widx = 4'd0;
  endcase
wire key_write = psel & penable & pwrite & |{{1'b0{hits}}};
// (A word written in the cycle the core reads it reads as either value,
// or neither: that is a key changed during its own load. `no_rw_check`
// spares Yosys the logic that would order the two; a cleared word still
// reads zero, through its valid bit.)
(* no_rw_check *) reg [31:0] kmem [0:15];
reg [15:0] kval;
reg [4:0] kwipe;
reg [31:0] kmem_q;
reg kval_q;
integer ki_init;
initial begin
  for (ki_init = 0; ki_init < 16; ki_init = ki_init + 1) kmem[ki_init] = 32'd0;
  kval = 16'd0; kwipe = 5'd16; kmem_q = 32'd0; kval_q = 1'b0;
end
// One write port: an APB key write, else the wipe's word.
wire km_we = key_write | ~kwipe[4] & ~kval[kwipe[3:0]];
wire [3:0] km_wa = key_write ? key_widx : kwipe[3:0];
always @(posedge clock) if (km_we) kmem[km_wa] <= key_write ? pwdata : 32'd0;
always @(posedge clock) begin
  if (key_write) kval[key_widx] <= 1'b1;
  else if (~kwipe[4]) kwipe <= kwipe + 5'd1;
  if (ctrl_clear | reset) begin
    kval <= 16'd0;
    kwipe <= 5'd0;
  end
  kmem_q <= kmem[key_raddr];
  kval_q <= kval[key_raddr] & ~(ctrl_clear | reset);
end
wire [31:0] key_rdata = kval_q ? kmem_q : 32'd0;
"#,
    )
}

/// A side's register map.
#[derive(Clone, Debug)]
pub struct RegisterMap {
    pub side: Side,
    pub registers: Vec<Register>,
    /// The key slots are a 16-word memory (block RAM) read a word at a
    /// time, not two 256-bit registers (see [`RegisterMap::with_key_memory`]).
    pub key_memory: bool,
}

impl RegisterMap {
    pub fn of(side: Side) -> RegisterMap {
        RegisterMap {
            side,
            registers: registers(side),
            key_memory: false,
        }
    }

    /// The same map with event counters `bits` wide (read zero-extended;
    /// they wrap at 2^bits): 16 on the byte-serial blocks, where every
    /// counter bit costs an iCE40 logic cell or two.
    pub fn with_counter_bits(mut self, bits: u32) -> RegisterMap {
        assert!((1..=32).contains(&bits), "counter width");
        for r in self
            .registers
            .iter_mut()
            .filter(|r| r.access == Access::Counter)
        {
            r.fields[0].width = bits;
            if bits < 32 {
                r.doc += &format!(" {bits} bits wide here (wraps).");
            }
        }
        self
    }

    /// The same map with the key slots in a memory: word `w` of slot `s` at
    /// index `8·s + w`, read through a registered port (`key_raddr` in,
    /// which the datapath drives; `key_rdata` out, the word addressed at
    /// the last edge). On the byte-serial blocks, where the AES core takes
    /// its key a word a cycle, this puts 512 key bits in block RAM instead
    /// of logic cells. Zeroisation (reset, CTRL.clear) is immediate as
    /// seen from the ports: every word reads as zero until written again
    /// (a valid bit per word); the memory itself is overwritten with zeros
    /// within 16 cycles, skipping the words written since, so no write is
    /// lost and the APB port keeps no wait states.
    pub fn with_key_memory(mut self) -> RegisterMap {
        self.key_memory = true;
        self
    }

    /// The register `name`; panics if absent (a caller's bug).
    pub fn register(&self, name: &str) -> &Register {
        self.registers
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("no {} register {name}", self.side.name()))
    }

    /// Whether the map has register `name`.
    pub fn has(&self, name: &str) -> bool {
        self.registers.iter().any(|r| r.name == name)
    }

    /// The register file as Verilog, for the TX top (which has the APB
    /// ports). It declares `<reg>_<field>` wires for RW fields, the 256-bit
    /// key slots `key0`, `key1`, the pulses `ctrl_<field>`, and reads
    /// `ro_<reg>` (32-bit, RO registers but `id`) and `inc_<counter>` (one-cycle
    /// increments, counted the cycle after), which the datapath declares.
    /// `clear_keys` zeroises.
    pub fn verilog(&self) -> String {
        let regs = &self.registers;
        let mut v = String::from("// ---- Register file (APB3), from the register table.\n");
        let mut reads = Vec::new();
        let mut writes = String::new();
        let mut resets = String::new();
        let mut decl = String::new();
        let mut key_words = Vec::new();
        for r in regs {
            let hit = format!("(paddr[11:2] == 10'd{})", r.offset / 4);
            match r.access {
                Access::Rw => {
                    decl += &format!("reg [31:0] r_{};\n", r.name);
                    resets += &format!("    r_{} <= 32'h{:08x};\n", r.name, r.reset());
                    writes += &format!(
                        "    if ({hit}) r_{} <= pwdata & 32'h{:08x};\n",
                        r.name,
                        r.mask()
                    );
                    reads.push(format!("{hit} ? r_{}", r.name));
                    for fl in &r.fields {
                        decl += &format!(
                            "wire [{}:0] {}_{} = r_{}[{}:{}];\n",
                            fl.width - 1,
                            r.name,
                            fl.name,
                            r.name,
                            fl.lsb + fl.width - 1,
                            fl.lsb
                        );
                    }
                }
                Access::Ro if r.name == "id" => reads.push(format!("{hit} ? 32'h{ID_VALUE:08x}")),
                Access::Ro => reads.push(format!("{hit} ? ro_{}", r.name)),
                Access::Counter => {
                    let n = r.fields[0].width;
                    decl += &format!("reg [{}:0] cnt_{};\n", n - 1, r.name);
                    resets += &format!("    cnt_{} <= {n}'d0;\n", r.name);
                    if n < 32 {
                        reads.push(format!("{hit} ? {{{}'d0, cnt_{}}}", 32 - n, r.name));
                    } else {
                        reads.push(format!("{hit} ? cnt_{}", r.name));
                    }
                }
                Access::Wo => {
                    let slot: u32 = r.name[3..4].parse().expect("key slot");
                    let w: u32 = r.name[6..].parse().expect("key word");
                    if self.key_memory {
                        key_words.push((r.offset / 4, 8 * slot + w));
                    } else {
                        writes += &format!(
                            "    if ({hit}) key{slot}[{}:{}] <= pwdata;\n",
                            255 - 32 * w,
                            224 - 32 * w
                        );
                    }
                }
                Access::Pulse => {
                    for fl in &r.fields {
                        decl += &format!("reg ctrl_{};\n", fl.name);
                    }
                }
            }
        }
        let ctrl = regs
            .iter()
            .find(|r| r.access == Access::Pulse)
            .expect("ctrl");
        v += "/* verilator lint_off UNUSEDSIGNAL */\n";
        v += &decl;
        v += "/* verilator lint_on UNUSEDSIGNAL */\n";
        if self.key_memory {
            v += &key_memory_verilog(&key_words);
        } else {
            v += "reg [255:0] key0, key1;\n";
        }
        let known: Vec<String> = regs
            .iter()
            .map(|r| format!("paddr[11:2] == 10'd{}", r.offset / 4))
            .collect();
        v += &format!("wire apb_known = {};\n", known.join(" | "));
        v += "wire apb_write = psel & penable & pwrite;\n";
        v += "always @(*) begin\n  pready = 1'b1;\n  pslverr = psel & penable & ~apb_known;\n";
        v += &format!("  prdata = {} : 32'd0;\nend\n", reads.join(" :\n    "));
        let mut init = String::new();
        init += &resets.replace("    ", "  ").replace("<=", "=");
        if !self.key_memory {
            init += "  key0 = 256'd0;\n  key1 = 256'd0;\n";
        }
        for fl in &ctrl.fields {
            init += &format!("  ctrl_{} = 1'b0;\n", fl.name);
        }
        let incs: Vec<String> = self
            .side
            .counters()
            .iter()
            .map(|(name, _)| format!("inc_q_{name}"))
            .collect();
        v += &format!("reg {};\n", incs.join(", "));
        for q in &incs {
            init += &format!("  {q} = 1'b0;\n");
        }
        v += &format!("initial begin\n{init}end\n");
        v += "always @(posedge clock) begin\n";
        for fl in &ctrl.fields {
            v += &format!(
                "  ctrl_{} <= apb_write & paddr[11:2] == 10'd{} & pwdata[{}];\n",
                fl.name,
                ctrl.offset / 4,
                fl.lsb
            );
        }
        v += "  if (apb_write) begin\n";
        v += &writes;
        v += "  end\n";
        // Each event is registered before its counter counts it (a cycle
        // later): the datapath's decisions, long functions of its state,
        // reach one flip-flop each instead of a counter's 32 enables.
        let n = self.register(self.side.counters()[0].0).fields[0].width;
        for (name, _) in self.side.counters() {
            v += &format!(
                "  inc_q_{name} <= inc_{name} & ~reset;\n  if (inc_q_{name}) cnt_{name} <= cnt_{name} + {n}'d1;\n"
            );
        }
        v += "  if (ctrl_counters_clear | reset) begin\n";
        for (name, _) in self.side.counters() {
            v += &format!("    cnt_{name} <= {n}'d0;\n");
        }
        v += "  end\n  if (ctrl_clear | reset) begin\n";
        if !self.key_memory {
            v += "    key0 <= 256'd0;\n    key1 <= 256'd0;\n";
        }
        v += "    r_key0_id <= 32'd0;\n    r_key1_id <= 32'd0;\n    r_config[0] <= 1'b0;\n  end\n";
        v += "  if (reset) begin\n";
        for r in regs.iter().filter(|r| r.access == Access::Rw) {
            v += &format!("    r_{} <= 32'h{:08x};\n", r.name, r.reset());
        }
        v += "  end\nend\n";
        v
    }

    /// The register map as a Markdown page.
    pub fn markdown(&self) -> String {
        let mut m = format!(
            "# csi2sec {} registers (APB3)\n\nGenerated by csi2sec from its register table — do not edit.\n\n\
         32-bit registers at byte addresses; `pready` is always high; an address with no register answers with \
         `pslverr`. Key words are write-only and read as zero; reset and `CTRL.clear` zeroise them.\n\n\
         | offset | register | access | reset | description |\n|---|---|---|---|---|\n",
            self.side.name().to_uppercase()
        );
        if self.key_memory {
            m = m.replace(
                "zeroise them.\n",
                "zeroise them. (Here the key slots are a block-RAM memory: after a clear every key word \
                 reads as zero to the core at once, and the memory is overwritten within 16 cycles, \
                 skipping the words written since.)\n",
            );
        }
        for r in &self.registers {
            m += &format!(
                "| 0x{:03X} | {} | {} | 0x{:08X} | {} |\n",
                r.offset,
                r.name.to_uppercase(),
                r.access.name(),
                r.reset(),
                r.doc
            );
        }
        m += "\n## Fields\n";
        for r in self.registers.iter().filter(|r| r.fields.len() > 1) {
            m += &format!(
                "\n### {} (0x{:03X})\n\n| bits | field | reset | description |\n|---|---|---|---|\n",
                r.name.to_uppercase(),
                r.offset
            );
            for fl in &r.fields {
                let bits = if fl.width == 1 {
                    format!("{}", fl.lsb)
                } else {
                    format!("{}:{}", fl.lsb + fl.width - 1, fl.lsb)
                };
                m += &format!("| {bits} | {} | 0x{:X} | {} |\n", fl.name, fl.reset, fl.doc);
            }
        }
        m
    }

    /// The register map as a C header.
    pub fn c_header(&self) -> String {
        let up = self.side.name().to_uppercase();
        let mut h = format!(
            "/* csi2sec {up} registers (APB3). Generated by csi2sec from its register table — do not edit. */\n\
         #ifndef CSI2SEC_{up}_REGS_H\n#define CSI2SEC_{up}_REGS_H\n\n",
        );
        for r in &self.registers {
            let n = r.name.to_uppercase();
            h += &format!(
                "#define CSI2SEC_{up}_{n} 0x{:03X}u /* {} */\n",
                r.offset,
                r.access.name()
            );
            if r.fields.len() > 1 {
                for fl in &r.fields {
                    let fname = fl.name.to_uppercase();
                    h += &format!("#define CSI2SEC_{up}_{n}_{fname}_SHIFT {}u\n", fl.lsb);
                    h += &format!(
                        "#define CSI2SEC_{up}_{n}_{fname}_MASK 0x{:08X}u\n",
                        (((1u64 << fl.width) - 1) as u32) << fl.lsb
                    );
                }
            }
        }
        h += "\n#endif\n";
        h
    }

    /// The register map as JSON (for drivers and tests).
    pub fn json(&self) -> String {
        let regs: Vec<String> = self.registers
        .iter()
        .map(|r| {
            let fields: Vec<String> = r
                .fields
                .iter()
                .map(|fl| {
                    format!(
                        "{{\"name\": \"{}\", \"lsb\": {}, \"width\": {}, \"reset\": {}}}",
                        fl.name, fl.lsb, fl.width, fl.reset
                    )
                })
                .collect();
            format!(
                "    {{\"name\": \"{}\", \"offset\": {}, \"access\": \"{}\", \"fields\": [{}]}}",
                r.name,
                r.offset,
                r.access.name(),
                fields.join(", ")
            )
        })
        .collect();
        format!(
            "{{\n  \"bus\": \"APB3\",\n  \"data_bits\": 32,\n  \"registers\": [\n{}\n  ]\n}}\n",
            regs.join(",\n")
        )
    }
}
