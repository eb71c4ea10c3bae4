//! One step of a reflected CRC (CRC-16/MCRF4XX of CSI-2, CRC-32/ISO-HDLC
//! of the SEP footer) over a beat of up to 16 bytes, of which the first
//! `count` are taken. Combinational.
//!
//! Byte `i` of the beat is `data[8i+7:8i]` (AXI4-Stream order) and bytes
//! go into the CRC in that order, least significant bit first. The step is
//! the GF(2)-linear map of a full beat applied to the beat with the bytes
//! beyond `count` zeroed, then the inverse of the `16 − count` zero bytes
//! that this appended: a CRC register after `d || 0^k` is `Z^k` times the
//! register after `d`, and `Z` (one zero byte) is invertible for any
//! polynomial with a constant term. So one 16-byte XOR network serves
//! every count; the 16 corrections are small `w × w` matrices.
//!
//! `state` and `next` hold the running register (no final XOR); a CRC-16
//! uses their low 16 bits.

use csi2sec_sim::crc::ReflectedCrc;
use rust_hdl::prelude::*;

/// A reflected CRC of the golden model with its register width.
#[derive(Clone, Copy)]
pub struct Reflected {
    pub crc: &'static ReflectedCrc,
    /// Register width in bits (16 or 32).
    pub width: usize,
}

/// CSI-2's packet-footer CRC-16 (spec §1).
pub const CRC16: Reflected = Reflected {
    crc: &csi2sec_sim::crc::CRC16,
    width: 16,
};
/// The SEP footer's CRC-32 (spec §5.1).
pub const CRC32: Reflected = Reflected {
    crc: &csi2sec_sim::crc::CRC32,
    width: 32,
};

impl Reflected {
    /// The register after `bytes` from register `s` (no final XOR).
    pub fn update(&self, s: u32, bytes: &[u8]) -> u32 {
        self.crc.update(s, bytes)
    }

    /// Columns of `next = F(state, data)` for a full beat of `n` bytes:
    /// `state` bits first (`width` of them), then `8n` data bits.
    fn beat_columns(&self, n: usize) -> Vec<u32> {
        let mut cols: Vec<u32> = (0..self.width)
            .map(|i| self.update(1 << i, &vec![0; n]))
            .collect();
        for k in 0..8 * n {
            let mut d = vec![0u8; n];
            d[k / 8] = 1 << (k % 8);
            cols.push(self.update(0, &d));
        }
        cols
    }

    /// The `width × width` matrix (as columns) that undoes `k` zero bytes.
    fn unzero(&self, k: usize) -> Vec<u32> {
        let w = self.width;
        let z: Vec<u32> = (0..w).map(|i| self.update(1 << i, &vec![0; k])).collect();
        invert(&z, w)
    }
}

/// Inverse of a `w × w` GF(2) matrix given by columns (Gauss–Jordan).
fn invert(cols: &[u32], w: usize) -> Vec<u32> {
    // Rows of [A | I].
    let mut rows: Vec<(u32, u32)> = (0..w)
        .map(|r| ((0..w).fold(0, |a, c| a | ((cols[c] >> r) & 1) << c), 1 << r))
        .collect();
    for c in 0..w {
        let p = (c..w)
            .find(|&r| rows[r].0 >> c & 1 == 1)
            .expect("a CRC's zero-byte map is invertible");
        rows.swap(c, p);
        for r in 0..w {
            if r != c && rows[r].0 >> c & 1 == 1 {
                rows[r].0 ^= rows[c].0;
                rows[r].1 ^= rows[c].1;
            }
        }
    }
    // The inverse's rows are the right halves; return its columns.
    (0..w)
        .map(|c| (0..w).fold(0, |a, r| a | ((rows[r].1 >> c) & 1) << r))
        .collect()
}

/// One CRC step over a 16-byte beat with a byte count.
#[derive(LogicBlock)]
pub struct CrcStep {
    /// Running register before the beat (low `width` bits used).
    pub state: Signal<In, Bits<32>>,
    /// The beat, byte `i` in `data[8i+7:8i]`.
    pub data: Signal<In, Bits<128>>,
    /// Bytes taken from the beat, 0..16 (0 leaves the register as is).
    pub count: Signal<In, Bits<5>>,
    /// Running register after the beat.
    pub next: Signal<Out, Bits<32>>,
    _crc: Reflected,
}

impl CrcStep {
    pub fn new(crc: Reflected) -> CrcStep {
        CrcStep {
            state: Default::default(),
            data: Default::default(),
            count: Default::default(),
            next: Default::default(),
            _crc: crc,
        }
    }
}

impl Logic for CrcStep {
    fn update(&mut self) {
        let c = self._crc;
        let n = (self.count.val().to_u64() as usize).min(16);
        let d = self.data.val();
        let bytes: Vec<u8> = (0..n)
            .map(|i| d.get_bits::<8>(8 * i).to_u64() as u8)
            .collect();
        let mask = if c.width == 32 {
            u32::MAX
        } else {
            (1 << c.width) - 1
        };
        let s = self.state.val().to_u64() as u32 & mask;
        self.next.next = (c.update(s, &bytes) as u64).into();
    }

    fn connect(&mut self) {
        self.next.connect();
    }

    fn hdl(&self) -> Verilog {
        // The two halves of [`CrcSplit`] back to back. (Each network bit
        // is one parity of masked words: Verilator evaluates a row in a
        // few word operations where a chain of single-bit XORs cost one
        // extract per term; synthesis sees the same XOR of the bits.)
        let w = self._crc.width;
        let split = CrcSplit {
            crc: self._crc,
            prefix: "c",
        };
        let mut v = String::new();
        if w < 32 {
            v += "/* verilator lint_off UNUSEDSIGNAL */\nwire [31:0] state_all = state;\n/* verilator lint_on UNUSEDSIGNAL */\n";
        }
        v += &split.data_half("data", "count");
        v += &split.fold_half(&format!("state[{}:0]", w - 1), "c_m", "count");
        v += &if w < 32 {
            format!("always @(*) next = {{{}'d0, c_next}};\n", 32 - w)
        } else {
            "always @(*) next = c_next;\n".to_string()
        };
        Verilog::Custom(v)
    }
}

/// A CRC step split across a register, as inline Verilog (module-body
/// items) for a block that registers between the two halves.
///
/// The step of [`CrcStep`] is `next = U(16 − k) · (Z¹⁶ · state ⊕ m)`, where
/// `m` is the full-beat network of the beat with the bytes beyond `k`
/// zeroed and `U(j)` undoes `j` zero bytes. `m` does not depend on the
/// running register: the first half computes it from the beat
/// (`{p}_m`, from `data` and `count`, expressions), to be registered; the
/// second half (`{p}_next`) folds a registered `m` and its count into the
/// register: a fixed `w × w` network, an XOR, and a select of the count's
/// `U`. The loop through the register is then the second half alone.
pub struct CrcSplit {
    pub crc: Reflected,
    /// Prefix of the wires declared.
    pub prefix: &'static str,
}

impl CrcSplit {
    fn hex(x: u128, bits: usize) -> String {
        format!("{bits}'h{x:0width$x}", width = bits / 4)
    }

    /// First half: declares `{p}_m` (`w` bits), the network of the beat
    /// `data` (128 bits) with its bytes from `count` on zeroed.
    pub fn data_half(&self, data: &str, count: &str) -> String {
        let (p, w) = (self.prefix, self.crc.width);
        let cols = self.crc.beat_columns(16);
        let mut v = format!(
            "wire [127:0] {p}_d;\ngenvar {p}_g;\n\
             generate for ({p}_g = 0; {p}_g < 16; {p}_g = {p}_g + 1) begin : {p}_take\n  \
             assign {p}_d[8*{p}_g+7:8*{p}_g] = ({count} > {p}_g) ? {data}[8*{p}_g+7:8*{p}_g] : 8'd0;\n\
             end endgenerate\nwire [{}:0] {p}_m;\n",
            w - 1
        );
        for j in 0..w {
            let md = cols[w..]
                .iter()
                .enumerate()
                .filter(|(_, col)| *col >> j & 1 == 1)
                .fold(0u128, |a, (i, _)| a | 1 << i);
            v += &format!("assign {p}_m[{j}] = ^({p}_d & {});\n", Self::hex(md, 128));
        }
        v
    }

    /// Second half: declares `{p}_next` (`w` bits), the register `state`
    /// after a beat of `count` bytes whose first half is `m` (all three
    /// expressions; `count` 0 leaves `state` as it is).
    pub fn fold_half(&self, state: &str, m: &str, count: &str) -> String {
        let (p, w) = (self.prefix, self.crc.width);
        let cols = self.crc.beat_columns(16);
        let mut v = format!(
            "wire [{hi}:0] {p}_s = {state};\nwire [{hi}:0] {p}_mm = {m};\nwire [{hi}:0] {p}_f;\n",
            hi = w - 1
        );
        for j in 0..w {
            let ms = cols[..w]
                .iter()
                .enumerate()
                .filter(|(_, col)| *col >> j & 1 == 1)
                .fold(0u128, |a, (i, _)| a | 1 << i);
            v += &format!(
                "assign {p}_f[{j}] = ^({p}_s & {}) ^ {p}_mm[{j}];\n",
                Self::hex(ms, w)
            );
        }
        v += &format!(
            "reg [{}:0] {p}_next;\nalways @(*) begin\n  case ({count})\n    5'd16: {p}_next = {p}_f;\n",
            w - 1
        );
        for n in 1..16 {
            let u = self.crc.unzero(16 - n);
            let bits: Vec<String> = (0..w)
                .rev()
                .map(|r| {
                    let mask = (0..w)
                        .filter(|&k| u[k] >> r & 1 == 1)
                        .fold(0u128, |a, k| a | 1 << k);
                    format!("^({p}_f & {})", Self::hex(mask, w))
                })
                .collect();
            v += &format!("    5'd{n}: {p}_next = {{{}}};\n", bits.join(",\n      "));
        }
        v += &format!("    default: {p}_next = {p}_s;\n  endcase\nend\n");
        v
    }

    /// Both halves with the register between, as a stage of a block
    /// (module-body items). Every cycle `{p}_mr` and `{p}_kr` take the
    /// network and the count of `data` and `count`, `{p}_v` takes `take`
    /// (a step is due) and `{p}_init` takes `first` (it starts the CRC);
    /// `{p}_now` is the running register `reg` with the pending fold in.
    /// The caller writes `reg <= {p}_now` (with what it puts first), and
    /// reads `{p}_now` for the CRC of everything taken so far.
    pub fn staged(&self, data: &str, count: &str, take: &str, first: &str, reg: &str) -> String {
        let (p, w) = (self.prefix, self.crc.width);
        let ones = format!("{w}'h{}", "f".repeat(w / 4));
        format!(
            "{}reg [{hi}:0] {p}_mr;\nreg [4:0] {p}_kr;\nreg {p}_v, {p}_init;\n\
             initial begin\n  {p}_mr = {w}'d0; {p}_kr = 5'd0; {p}_v = 1'b0; {p}_init = 1'b0;\nend\n\
             always @(posedge clock) begin\n  {p}_mr <= {p}_m;\n  {p}_kr <= {count};\n  \
             {p}_v <= {take};\n  {p}_init <= {first};\nend\n{}\
             wire [{hi}:0] {p}_now = {p}_v ? {p}_next : {reg};\n",
            self.data_half(data, count),
            self.fold_half(
                &format!("{p}_init ? {ones} : {reg}"),
                &format!("{p}_mr"),
                &format!("{p}_kr")
            ),
            hi = w - 1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unzero_undoes_zero_bytes() {
        for c in [CRC16, CRC32] {
            for k in 1..16 {
                let m = c.unzero(k);
                for s in [
                    1u32,
                    0x1234,
                    0xFFFF,
                    0xDEAD_BEEF & ((1u64 << c.width) - 1) as u32,
                ] {
                    let z = c.update(s, &vec![0; k]);
                    let back = (0..c.width)
                        .filter(|&i| z >> i & 1 == 1)
                        .fold(0, |a, i| a ^ m[i]);
                    assert_eq!(back, s, "width {} k {k}", c.width);
                }
            }
        }
    }
}
