//! TX and RX configurations: what `csi2sec generate --block tx|rx` can
//! emit.

use crate::aes_iterative::{AesCore, AesIterative};
use crate::aes_pipelined::AesPipelined;
use crate::aes_serial::AesSerial;
use crate::config::{Arch, GHASH_PIPELINE};
use crate::emit::{Module, emit};
use crate::ghash::Ghash;
use crate::mac_both::MacBoth;
use crate::regs::Side;
use crate::rx::Rx;
use crate::rx_byte::RxByte;
use crate::sub_bytes::SboxForm;
use crate::tx::Tx;
use crate::tx_byte::TxByte;
use rust_hdl::prelude::*;

/// Security protocol of an instance (spec §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    Sep,
    Fsed,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Sep => "sep",
            Protocol::Fsed => "fsed",
        }
    }

    pub fn parse(s: &str) -> Option<Protocol> {
        [Protocol::Sep, Protocol::Fsed]
            .into_iter()
            .find(|p| p.name() == s)
    }
}

/// MAC suites an instance includes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Suites {
    Gmac,
    Cmac,
    Both,
}

impl Suites {
    pub fn name(self) -> &'static str {
        match self {
            Suites::Gmac => "gmac",
            Suites::Cmac => "cmac",
            Suites::Both => "both",
        }
    }

    pub fn parse(s: &str) -> Option<Suites> {
        [Suites::Gmac, Suites::Cmac, Suites::Both]
            .into_iter()
            .find(|p| p.name() == s)
    }
}

/// One TX or RX configuration.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LinkConfig {
    /// TX (sensor side) or RX (SoC side).
    pub side: Side,
    pub protocol: Protocol,
    /// Stream width in bytes (4, 8 or 16; 1: the byte-serial TX and RX,
    /// [`crate::byte_link`]).
    pub width: usize,
    /// Streams with a security context (1..16).
    pub streams: usize,
    /// The most data-type scopes per frame (data-type tag mode, 1..8; 0:
    /// no data-type mode, and none of its area).
    pub dt_scopes: usize,
    pub suites: Suites,
    pub key_bits: usize,
    pub arch: Arch,
    pub sbox: SboxForm,
    /// AES register stages per round (pipelined).
    pub stages: usize,
    /// SV-4 windows (spec §3) applied; without them (byte-serial only,
    /// `--no-window`) a frame with an SV-4 block is a configuration error
    /// and the window compares are not built.
    pub window: bool,
    /// Module name prefix: the top is `csi2sec_<name>`.
    pub name: String,
}

impl LinkConfig {
    /// The README's default TX: SEP, GMAC-128, width 16, pipelined AES
    /// with `rom` S-boxes.
    pub fn default_tx() -> LinkConfig {
        LinkConfig::default_of(Side::Tx)
    }

    /// The README's default RX, the TX's counterpart.
    pub fn default_rx() -> LinkConfig {
        LinkConfig::default_of(Side::Rx)
    }

    /// The default configuration of a side.
    pub fn default_of(side: Side) -> LinkConfig {
        let mut c = LinkConfig {
            side,
            protocol: Protocol::Sep,
            width: 16,
            streams: 1,
            dt_scopes: 4,
            suites: Suites::Gmac,
            key_bits: 128,
            arch: Arch::Pipelined,
            sbox: SboxForm::Rom,
            stages: 1,
            window: true,
            name: String::new(),
        };
        c.name = c.default_name();
        c
    }

    /// `<side>_<protocol>_<suites><key bits>_w<width>[_s<streams>]_<arch>_<sbox>[_nowin]`.
    pub fn default_name(&self) -> String {
        let arch = match (self.arch, self.stages) {
            (Arch::Pipelined, 2) => "pipelined2".to_string(),
            (a, _) => a.name().to_string(),
        };
        // (Several streams: `_s<N>` after the width.)
        let streams = if self.streams > 1 {
            format!("_s{}", self.streams)
        } else {
            String::new()
        };
        format!(
            "{}_{}_{}{}_w{}{streams}_{}_{}{}",
            self.side.name(),
            self.protocol.name(),
            self.suites.name(),
            self.key_bits,
            self.width,
            arch,
            self.sbox.name(),
            if self.window { "" } else { "_nowin" }
        )
    }

    /// The register map of this configuration: the side's, with 16-bit
    /// event counters on the byte-serial blocks.
    pub fn register_map(&self) -> crate::regs::RegisterMap {
        if self.width == 1 {
            crate::byte_link::register_map(self.side)
        } else {
            crate::regs::RegisterMap::of(self.side)
        }
    }

    /// One line describing the configuration (written in every file header).
    pub fn describe(&self) -> String {
        format!(
            "block={} protocol={} width={} streams={} dt_scopes={} suites={} key_bits={} arch={} stages={} sbox={}{} name={}",
            self.side.name(),
            self.protocol.name(),
            self.width,
            self.streams,
            self.dt_scopes,
            self.suites.name(),
            self.key_bits,
            self.arch.name(),
            self.stages,
            self.sbox.name(),
            if self.window { "" } else { " window=off" },
            self.name
        )
    }

    /// Every design of a side this version emits: GMAC with key sizes ×
    /// AES architectures (pipelined with 1 and 2 stages per round) ×
    /// S-box forms; CMAC with key sizes × iterative, pipelined (1
    /// stage) and serial × S-box forms; each in SEP and FSED; then the
    /// byte-serial ones ([`LinkConfig::byte_serial`]).
    pub fn all(side: Side) -> Vec<LinkConfig> {
        let mut out = Vec::new();
        for protocol in [Protocol::Sep, Protocol::Fsed] {
            out.extend(Self::all_of(side, protocol));
        }
        out.extend(Self::byte_serial(side));
        out
    }

    /// The byte-serial designs of a side (`--width 1`): SEP and FSED,
    /// CMAC-128 and CMAC-256, on the column-serial core in each S-box
    /// form.
    pub fn byte_serial(side: Side) -> Vec<LinkConfig> {
        let mut out = Vec::new();
        for protocol in [Protocol::Sep, Protocol::Fsed] {
            for key_bits in [128, 256] {
                for sbox in SboxForm::ALL {
                    let mut c = LinkConfig {
                        protocol,
                        width: 1,
                        dt_scopes: 0,
                        suites: Suites::Cmac,
                        key_bits,
                        arch: Arch::Serial,
                        sbox,
                        ..LinkConfig::default_of(side)
                    };
                    c.name = c.default_name();
                    out.push(c);
                }
            }
        }
        out
    }

    fn all_of(side: Side, protocol: Protocol) -> Vec<LinkConfig> {
        let mut out = Vec::new();
        for suites in [Suites::Gmac, Suites::Cmac] {
            for key_bits in [128, 256] {
                for (arch, stages) in [
                    (Arch::Iterative, 1),
                    (Arch::Pipelined, 1),
                    (Arch::Pipelined, 2),
                    (Arch::Serial, 1),
                ] {
                    // CMAC: no two-stage rounds (its chain cannot fill
                    // them); the serial core: CMAC only.
                    if (suites == Suites::Cmac && stages == 2)
                        || (suites != Suites::Cmac && arch == Arch::Serial)
                    {
                        continue;
                    }
                    for sbox in SboxForm::ALL {
                        let mut c = LinkConfig {
                            protocol,
                            suites,
                            key_bits,
                            arch,
                            stages,
                            sbox,
                            ..LinkConfig::default_of(side)
                        };
                        c.name = c.default_name();
                        out.push(c);
                    }
                }
            }
        }
        out
    }

    /// Cycles per 16-byte block of protected payload in steady state, as
    /// measured in cosimulation: GMAC on the pipelined core 1 (SV-1 on
    /// 1920-byte lines: 0.95+ input beats per cycle); GMAC on the
    /// iterative core Nr + 1 (SV-1: the keystream bounds it); CMAC
    /// Nr + 2 on the iterative or pipelined core (the chain through the
    /// core: 12 cycles for AES-128, 16 for AES-256), 5·(Nr + 1) + 2 on
    /// the serial one (57 and 77); byte-serial 16 more (the block's bytes
    /// absorbed one a cycle before the core starts).
    pub fn cycles_per_block(&self) -> usize {
        let nr = if self.key_bits == 256 { 14 } else { 10 };
        if self.width == 1 {
            // Byte-serial: a block's 16 bytes absorbed, then the core's
            // (73 cycles for AES-128: 0.22 bytes per cycle measured).
            return 16 + AesSerial::cycles_per_block(self.key_bits);
        }
        match (self.suites, self.arch) {
            // (The serial core's own bubble, the cycle its output is
            // taken, is the one the chain costs the iterative core.)
            (Suites::Cmac, Arch::Serial) => AesSerial::cycles_per_block(self.key_bits),
            (Suites::Cmac, _) => nr + 2,
            (_, Arch::Pipelined) => 1,
            (_, Arch::Iterative | Arch::Serial) => nr + 1,
        }
    }

    /// Whether this version can emit it; if not, why.
    pub fn check(&self) -> Result<(), String> {
        crate::config::check_common(self.key_bits, self.arch, self.stages, self.sbox, &self.name)?;
        if self.stages == 3 {
            return Err(
                "--stages 3: for the engines (generate --block); the TX and RX \
                        take 1 or 2 register stages per round"
                    .into(),
            );
        }
        if self.arch == Arch::Serial && self.suites != Suites::Cmac {
            return Err(format!(
                "--arch serial --suites {}: the column-serial core serves the CMAC suites \
                 (--suites cmac); GMAC's keystream and GHASH take iterative or pipelined",
                self.suites.name()
            ));
        }
        if ![1, 4, 8, 16].contains(&self.width) {
            return Err(format!(
                "--width {}: expected 1 (byte-serial), 4, 8 or 16 bytes",
                self.width
            ));
        }
        if self.width == 1 {
            // The byte-serial TX and RX (byte_link.rs).
            let mut why = Vec::new();
            if self.suites != Suites::Cmac {
                why.push("--suites cmac");
            }
            if self.arch != Arch::Serial {
                why.push("--arch serial");
            }
            if self.streams != 1 {
                why.push("--streams 1");
            }
            if self.dt_scopes != 0 {
                why.push("--dt-scopes 0");
            }
            if !why.is_empty() {
                return Err(format!(
                    "--width 1: the byte-serial TX and RX take {} (frame tags on the \
                     column-serial CMAC core)",
                    why.join(" ")
                ));
            }
        }
        if !self.window && self.width != 1 {
            return Err(
                "--no-window: only the byte-serial TX and RX (--width 1) leave SV-4 out".into(),
            );
        }
        if self.dt_scopes > crate::dt_scopes::MAX_SCOPES {
            return Err(format!(
                "--dt-scopes {}: expected 0 (no data-type mode) to {}",
                self.dt_scopes,
                crate::dt_scopes::MAX_SCOPES
            ));
        }
        if !(1..=16).contains(&self.streams) {
            return Err(format!("--streams {}: expected 1 to 16", self.streams));
        }
        // What this version's RTL implements (the golden model does all).
        Ok(())
    }

    /// Emit the configuration's modules (top first). Widths 4 and 8: the
    /// 16-byte core `csi2sec_<name>_core` inside the width adapters
    /// ([`crate::stream_width`]).
    pub fn emit(&self) -> Result<Vec<Module>, String> {
        self.check()?;
        if self.width == 1 {
            let (k, aes) = (
                self.key_bits,
                crate::aes_chain::AesChain::new(self.key_bits, self.sbox),
            );
            let opts = crate::byte_link::Options {
                fsed: self.protocol == Protocol::Fsed,
                window: self.window,
            };
            return match self.side {
                Side::Tx => go(TxByte::new(aes, k, opts), self),
                Side::Rx => go(RxByte::new(aes, k, opts), self),
            };
        }
        if self.width != 16 {
            let core = LinkConfig {
                width: 16,
                name: format!("{}_core", self.name),
                ..self.clone()
            };
            return crate::stream_width::narrow(
                core.emit()?,
                &self.name,
                &self.describe(),
                self.width,
            );
        }
        if self.streams > 1 {
            let core = LinkConfig {
                streams: 1,
                name: format!("{}_stream", self.name),
                ..self.clone()
            };
            return crate::stream_chain::chain(
                core.emit()?,
                &self.name,
                &self.describe(),
                self.streams,
            );
        }
        // The side and MAC unit around an AES core.
        fn with_core<A: AesCore>(aes: A, c: &LinkConfig) -> Result<Vec<Module>, String> {
            let (k, gh) = (c.key_bits, GHASH_PIPELINE);
            let (fsed, d) = (c.protocol == Protocol::Fsed, c.dt_scopes);
            let p = if c.arch == Arch::Pipelined { gh } else { 1 };
            match (c.side, c.suites) {
                (Side::Tx, Suites::Cmac) => go(Tx::cmac(aes, k).fsed(fsed).dt_scopes(d), c),
                (Side::Rx, Suites::Cmac) => go(Rx::cmac(aes, k).fsed(fsed).dt_scopes(d), c),
                (Side::Tx, Suites::Gmac) => {
                    go(Tx::new(aes, Ghash::new(p), k).fsed(fsed).dt_scopes(d), c)
                }
                (Side::Rx, Suites::Gmac) => {
                    go(Rx::new(aes, Ghash::new(p), k).fsed(fsed).dt_scopes(d), c)
                }
                (Side::Tx, Suites::Both) => {
                    go(Tx::new(aes, MacBoth::new(p), k).fsed(fsed).dt_scopes(d), c)
                }
                (Side::Rx, Suites::Both) => {
                    go(Rx::new(aes, MacBoth::new(p), k).fsed(fsed).dt_scopes(d), c)
                }
            }
        }
        let (k, s, n) = (self.key_bits, self.sbox, self.stages);
        match self.arch {
            Arch::Pipelined => with_core(AesPipelined::new(k, s, n), self),
            Arch::Iterative => with_core(AesIterative::new(k, s), self),
            Arch::Serial => with_core(AesSerial::new(k, s), self),
        }
    }
}

/// Emit a top block as configuration `c`.
fn go<U: Block>(mut u: U, c: &LinkConfig) -> Result<Vec<Module>, String> {
    u.connect_all();
    emit(&u, &c.name, &c.describe())
}
