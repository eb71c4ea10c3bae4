//! Engine configurations: what `csi2sec generate` can emit, their names,
//! and their documented figures.

use crate::aes_iterative::AesIterative;
use crate::cmac::Cmac;
use crate::emit::{Module, emit};
use crate::gcm::Gcm;
use crate::sub_bytes::SboxForm;
use rust_hdl::prelude::*;

/// An engine block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockKind {
    Aes,
    Ctr,
    Ghash,
    Gmac,
    Gcm,
    Cmac,
}

impl BlockKind {
    pub const ALL: [BlockKind; 6] = [BlockKind::Aes, BlockKind::Ctr, BlockKind::Ghash, BlockKind::Gmac, BlockKind::Gcm, BlockKind::Cmac];

    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Aes => "aes",
            BlockKind::Ctr => "ctr",
            BlockKind::Ghash => "ghash",
            BlockKind::Gmac => "gmac",
            BlockKind::Gcm => "gcm",
            BlockKind::Cmac => "cmac",
        }
    }

    pub fn parse(s: &str) -> Option<BlockKind> {
        BlockKind::ALL.into_iter().find(|b| b.name() == s)
    }
}

/// AES architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arch {
    Iterative,
    Pipelined,
}

impl Arch {
    pub fn name(self) -> &'static str {
        match self {
            Arch::Iterative => "iterative",
            Arch::Pipelined => "pipelined",
        }
    }

    pub fn parse(s: &str) -> Option<Arch> {
        [Arch::Iterative, Arch::Pipelined].into_iter().find(|a| a.name() == s)
    }
}

/// One engine configuration.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EngineConfig {
    pub block: BlockKind,
    pub key_bits: usize,
    pub arch: Arch,
    pub sbox: SboxForm,
    /// Module name prefix: the top is `csi2sec_<name>`.
    pub name: String,
}

/// Documented figures of a configuration, in cycles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figures {
    /// Steady-state cycles per 16-byte block, no stalls.
    pub cycles_per_block: usize,
    /// From the accepted `key_valid` to `key_loaded`.
    pub key_load_cycles: usize,
    /// From a block's accepting edge to the first cycle its result is valid.
    pub latency: usize,
    /// `zeroize` to `key_ready` again (keys overwritten).
    pub zeroize_cycles: usize,
}

impl EngineConfig {
    /// A configuration with the default name `<block><key bits>_<arch>_<sbox>`.
    pub fn new(block: BlockKind, key_bits: usize, arch: Arch, sbox: SboxForm) -> EngineConfig {
        let name = format!("{}{key_bits}_{}_{}", block.name(), arch.name(), sbox.name());
        EngineConfig { block, key_bits, arch, sbox, name }
    }

    /// One line describing the configuration (written in every file header).
    pub fn describe(&self) -> String {
        format!("block={} key_bits={} arch={} sbox={} name={}", self.block.name(), self.key_bits, self.arch.name(), self.sbox.name(), self.name)
    }

    /// Whether this version can emit it; if not, why.
    pub fn check(&self) -> Result<(), String> {
        if self.key_bits != 128 && self.key_bits != 256 {
            return Err(format!("--key-bits {}: expected 128 or 256", self.key_bits));
        }
        if self.name.is_empty() || !self.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("--name {:?}: letters, digits and _ only", self.name));
        }
        if self.arch == Arch::Pipelined {
            return Err("--arch pipelined: not in this version yet; iterative is (see the README's status)".into());
        }
        if matches!(self.block, BlockKind::Ctr | BlockKind::Ghash) {
            return Err(format!(
                "--block {}: no stand-alone block in this version yet; it is inside --block gcm (see the README's status)",
                self.block.name()
            ));
        }
        Ok(())
    }

    /// Emit the configuration's modules (top first).
    pub fn emit(&self) -> Result<Vec<Module>, String> {
        self.check()?;
        let cfg = self.describe();
        match self.block {
            BlockKind::Aes => {
                let mut u = AesIterative::new(self.key_bits, self.sbox);
                u.connect_all();
                emit(&u, &self.name, &cfg)
            }
            // GMAC is GCM with AAD only; the engine is the same.
            BlockKind::Gcm | BlockKind::Gmac => {
                let mut u = Gcm::new(self.key_bits, self.sbox);
                u.connect_all();
                emit(&u, &self.name, &cfg)
            }
            BlockKind::Cmac => {
                let mut u = Cmac::new(self.key_bits, self.sbox);
                u.connect_all();
                emit(&u, &self.name, &cfg)
            }
            BlockKind::Ctr | BlockKind::Ghash => Err(format!("--block {}: not in this version", self.block.name())),
        }
    }

    /// The documented figures (the cosimulation tests check them).
    pub fn figures(&self) -> Figures {
        let nr = self.key_bits / 32 + 6;
        let expand = if self.key_bits == 128 { 21 } else { 28 };
        // GCM and CMAC add E_K(0) (H or L) after the expansion.
        let key_load_cycles = if self.block == BlockKind::Aes { expand } else { expand + nr + 2 };
        Figures { cycles_per_block: nr + 1, key_load_cycles, latency: nr + 1, zeroize_cycles: nr + 2 }
    }
}
