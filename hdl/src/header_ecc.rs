//! CSI-2 packet-header ECC6 (spec §1): checks and corrects a received
//! header and gives it back with a fresh ECC; the same block computes the
//! ECC of a header being built. Combinational.
//!
//! `header` holds the four header bytes in AXI4-Stream order: DI in
//! `[7:0]`, WC in `[23:8]` (little-endian, as on the wire), E in `[31:24]`.
//! With `vcx_on` the ECC covers 26 data bits (`DI | WC << 8 | E[7:6] <<
//! 24`), else 24 and `E[7:6]` must be zero. The column table is the
//! golden model's (`csi2sec_sim::ecc::COLUMNS`).

use csi2sec_sim::ecc::{COLUMNS, ecc6};
use rust_hdl::prelude::*;

/// Header check and correction.
#[derive(LogicBlock, Default)]
pub struct HeaderEcc {
    /// Header bytes as received: DI `[7:0]`, WC `[23:8]`, E `[31:24]`.
    pub header: Signal<In, Bits<32>>,
    /// VC extension on (26 data bits; stream = VC + 4·VCX).
    pub vcx_on: Signal<In, Bit>,
    /// The header with its data corrected and a fresh `E` (VCX bits and ECC6).
    pub fixed: Signal<Out, Bits<32>>,
    /// ECC6 of the data bits as given (to build a header, ignore `E[5:0]`).
    pub ecc: Signal<Out, Bits<6>>,
    /// A 1-bit error was corrected (in the data or in the ECC bits).
    pub corrected: Signal<Out, Bit>,
    /// The header cannot be trusted: a 2-bit (or worse) error, or
    /// `E[7:6] != 0` with VCX off.
    pub uncorrectable: Signal<Out, Bit>,
}

impl Logic for HeaderEcc {
    fn update(&mut self) {
        let h = self.header.val().to_u64() as u32;
        let vcx = self.vcx_on.val();
        let d = (h & 0xff_ffff) | if vcx { (h >> 30) << 24 } else { 0 };
        let calc = ecc6(d);
        self.ecc.next = (calc as u64).into();
        let syn = ((h >> 24) as u8 & 0x3f) ^ calc;
        let bit = COLUMNS
            .iter()
            .take(if vcx { 26 } else { 24 })
            .position(|&c| c == syn);
        let bad = (!vcx && h >> 30 != 0) || (syn != 0 && syn.count_ones() != 1 && bit.is_none());
        let fixed = match bit {
            Some(i) if syn.count_ones() != 1 => d ^ (1 << i),
            _ => d,
        };
        self.fixed.next = (((fixed & 0xff_ffff) | (fixed >> 24) << 30 | (ecc6(fixed) as u32) << 24)
            as u64)
            .into();
        self.corrected.next = syn != 0 && !bad;
        self.uncorrectable.next = bad;
    }

    fn connect(&mut self) {
        self.fixed.connect();
        self.ecc.connect();
        self.corrected.connect();
        self.uncorrectable.connect();
    }

    fn hdl(&self) -> Verilog {
        let mut v = String::from(
            "wire [25:0] d = {vcx_on ? header[31:30] : 2'b00, header[23:0]};\nwire [5:0] calc;\n",
        );
        for b in 0..6 {
            let t: Vec<String> = (0..26)
                .filter(|&i| COLUMNS[i] >> b & 1 == 1)
                .map(|i| format!("d[{i}]"))
                .collect();
            v += &format!("assign calc[{b}] = {};\n", t.join(" ^ "));
        }
        v += "wire [5:0] syn = header[29:24] ^ calc;\nreg [25:0] flip;\nreg one_bit;\n";
        v += "always @(*) begin\n  flip = 26'd0;\n  case (syn)\n";
        for (i, c) in COLUMNS.iter().enumerate() {
            let guard = if i >= 24 {
                "vcx_on ? (26'd1 << "
            } else {
                "(26'd1 << "
            };
            let tail = if i >= 24 { ") : 26'd0" } else { ")" };
            v += &format!("    6'h{c:02x}: flip = {guard}{i}{tail};\n");
        }
        v += "    default: flip = 26'd0;\n  endcase\n";
        v += "  one_bit = syn == 6'h01 || syn == 6'h02 || syn == 6'h04 || syn == 6'h08 || syn == 6'h10 || syn == 6'h20;\n";
        v += "  ecc = calc;\n";
        v += "  uncorrectable = (~vcx_on & (header[31:30] != 2'b00)) | (syn != 6'd0 & ~one_bit & flip == 26'd0);\n";
        v += "  corrected = syn != 6'd0 & ~uncorrectable;\n";
        // A corrected data bit leaves the received ECC right; otherwise the
        // recomputed one is.
        v += "  fixed = {(d[25:24] ^ flip[25:24]), (flip != 26'd0) ? header[29:24] : calc, header[23:0] ^ flip[23:0]};\nend\n";
        Verilog::Custom(v)
    }
}
