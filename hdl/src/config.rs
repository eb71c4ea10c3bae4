//! Engine configurations: what `csi2sec generate` can emit, their names,
//! and their documented figures.

use crate::aes_iterative::AesIterative;
use crate::aes_pipelined::AesPipelined;
use crate::aes_serial::AesSerial;
use crate::cmac::{Cmac, CmacSerial};
use crate::ctr::Ctr;
use crate::emit::{Module, emit};
use crate::gcm::Gcm;
use crate::gcm_pipelined::GcmPipelined;
use crate::ghash::Ghash;
use crate::key_expansion::KeyExpansion;
use crate::sub_bytes::SboxForm;
use rust_hdl::prelude::*;

/// Register stages of the GF(2^128) multiplier in pipelined GHASH (the
/// number of interleaved accumulators).
pub const GHASH_PIPELINE: usize = 6;

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
    pub const ALL: [BlockKind; 6] = [
        BlockKind::Aes,
        BlockKind::Ctr,
        BlockKind::Ghash,
        BlockKind::Gmac,
        BlockKind::Gcm,
        BlockKind::Cmac,
    ];

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
    /// One round per cycle on a 128-bit state.
    Iterative,
    /// Fully unrolled, one block per cycle.
    Pipelined,
    /// Column-serial: four S-boxes, a round in 5 cycles (the smallest).
    Serial,
}

impl Arch {
    pub fn name(self) -> &'static str {
        match self {
            Arch::Iterative => "iterative",
            Arch::Pipelined => "pipelined",
            Arch::Serial => "serial",
        }
    }

    pub fn parse(s: &str) -> Option<Arch> {
        [Arch::Iterative, Arch::Pipelined, Arch::Serial]
            .into_iter()
            .find(|a| a.name() == s)
    }
}

/// One engine configuration.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EngineConfig {
    pub block: BlockKind,
    pub key_bits: usize,
    pub arch: Arch,
    pub sbox: SboxForm,
    /// Register stages per AES round in the pipelined architecture (1 or 2;
    /// 3 with `rom` S-boxes).
    pub stages: usize,
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
    /// A configuration with the default name (see [`EngineConfig::default_name`]).
    pub fn new(block: BlockKind, key_bits: usize, arch: Arch, sbox: SboxForm) -> EngineConfig {
        let mut c = EngineConfig {
            block,
            key_bits,
            arch,
            sbox,
            stages: 1,
            name: String::new(),
        };
        c.name = c.default_name();
        c
    }

    /// The same configuration with `stages` register stages per round
    /// (pipelined), renamed to its default name.
    pub fn with_stages(mut self, stages: usize) -> EngineConfig {
        self.stages = stages;
        self.name = self.default_name();
        self
    }

    /// `<block><key bits>_<arch>_<sbox>`, the arch `pipelined2` or
    /// `pipelined3` for two or three register stages per round.
    pub fn default_name(&self) -> String {
        format!(
            "{}{}_{}_{}",
            self.block.name(),
            self.key_bits,
            self.arch_label(),
            self.sbox.name()
        )
    }

    fn arch_label(&self) -> String {
        match (self.arch, self.stages) {
            (Arch::Pipelined, s) if s != 1 => format!("pipelined{s}"),
            (a, _) => a.name().to_string(),
        }
    }

    /// One line describing the configuration (written in every file header).
    pub fn describe(&self) -> String {
        format!(
            "block={} key_bits={} arch={} stages={} sbox={} name={}",
            self.block.name(),
            self.key_bits,
            self.arch.name(),
            self.stages,
            self.sbox.name(),
            self.name
        )
    }

    /// Every distinct design this version emits: blocks × key sizes ×
    /// architectures (pipelined with 1, 2 and 3 stages per round) × S-box
    /// forms, without the names that give the same Verilog.
    pub fn all() -> Vec<EngineConfig> {
        let mut out = Vec::new();
        for block in BlockKind::ALL {
            for kb in [128, 256] {
                for (arch, stages) in [
                    (Arch::Iterative, 1),
                    (Arch::Pipelined, 1),
                    (Arch::Pipelined, 2),
                    (Arch::Pipelined, 3),
                    (Arch::Serial, 1),
                ] {
                    for form in SboxForm::ALL {
                        let c = EngineConfig::new(block, kb, arch, form).with_stages(stages);
                        // GMAC is the GCM engine under another name; GHASH
                        // has no AES, so key size and S-box change nothing.
                        let same = block == BlockKind::Gmac
                            || (block == BlockKind::Ghash && (kb != 128 || form != SboxForm::Rom));
                        if c.check().is_ok() && !same {
                            out.push(c);
                        }
                    }
                }
            }
        }
        out
    }

    /// Whether this version can emit it; if not, why.
    pub fn check(&self) -> Result<(), String> {
        check_common(self.key_bits, self.arch, self.stages, self.sbox, &self.name)?;
        if self.stages != 1 && self.block == BlockKind::Ghash {
            return Err(
                "--stages: GHASH has no AES rounds; its pipeline depth is fixed by --arch".into(),
            );
        }
        if self.arch == Arch::Pipelined && matches!(self.block, BlockKind::Cmac) {
            return Err("--block cmac --arch pipelined: CMAC chains every block through AES (CBC-MAC), so a message \
                        cannot fill a pipeline; use --arch iterative (one block per Nr + 1 cycles)"
                .into());
        }
        if self.arch == Arch::Serial
            && !matches!(
                self.block,
                BlockKind::Aes | BlockKind::Ctr | BlockKind::Cmac
            )
        {
            return Err(format!(
                "--block {} --arch serial: the column-serial core serves aes, ctr and cmac (the \
                 small parts' suites); GCM/GMAC and GHASH are iterative or pipelined",
                self.block.name()
            ));
        }
        Ok(())
    }

    /// Emit the configuration's modules (top first).
    pub fn emit(&self) -> Result<Vec<Module>, String> {
        self.check()?;
        fn go<U: Block>(mut u: U, c: &EngineConfig) -> Result<Vec<Module>, String> {
            u.connect_all();
            emit(&u, &c.name, &c.describe())
        }
        let (kb, sbox, stages, piped) = (
            self.key_bits,
            self.sbox,
            self.stages,
            self.arch == Arch::Pipelined,
        );
        let serial = self.arch == Arch::Serial;
        match self.block {
            BlockKind::Aes if serial => go(AesSerial::new(kb, sbox), self),
            BlockKind::Ctr if serial => go(Ctr::serial(kb, sbox), self),
            BlockKind::Cmac if serial => go(CmacSerial::new(kb, sbox), self),
            BlockKind::Aes if piped => go(AesPipelined::new(kb, sbox, stages), self),
            BlockKind::Aes => go(AesIterative::new(kb, sbox), self),
            // GMAC is GCM with AAD only; the engine is the same.
            BlockKind::Gcm | BlockKind::Gmac if piped => {
                go(GcmPipelined::new(kb, sbox, stages, GHASH_PIPELINE), self)
            }
            BlockKind::Gcm | BlockKind::Gmac => go(Gcm::new(kb, sbox), self),
            BlockKind::Cmac => go(Cmac::new(kb, sbox), self),
            BlockKind::Ghash => go(Ghash::new(self.ghash_stages()), self),
            BlockKind::Ctr if piped => go(Ctr::pipelined(kb, sbox, stages), self),
            BlockKind::Ctr => go(Ctr::iterative(kb, sbox), self),
        }
    }

    /// The GHASH multiplier's pipeline depth: 1 iterative, else
    /// [`GHASH_PIPELINE`].
    pub fn ghash_stages(&self) -> usize {
        match self.arch {
            Arch::Iterative | Arch::Serial => 1,
            Arch::Pipelined => GHASH_PIPELINE,
        }
    }

    /// The documented figures (the cosimulation tests check them).
    pub fn figures(&self) -> Figures {
        if self.block == BlockKind::Ghash {
            let p = self.ghash_stages();
            // No AES: the key is H; latency is from the last block to Y.
            return Figures {
                cycles_per_block: 1,
                key_load_cycles: Ghash::key_cycles(p),
                latency: Ghash::tail_cycles(p),
                zeroize_cycles: Ghash::zeroize_cycles(p),
            };
        }
        let nr = self.key_bits / 32 + 6;
        let expand = match self.arch {
            Arch::Pipelined => AesPipelined::key_load_cycles(self.key_bits, self.sbox),
            Arch::Iterative => KeyExpansion::load_cycles(self.key_bits, false),
            Arch::Serial => AesSerial::key_load_cycles(self.key_bits),
        };
        let latency = match self.arch {
            Arch::Pipelined => AesPipelined::latency(self.key_bits, self.sbox, self.stages),
            Arch::Iterative => nr + 1,
            Arch::Serial => AesSerial::latency(self.key_bits),
        };
        // GCM and CMAC on the iterative and serial cores add E_K(0) (H or
        // L) after the expansion: the core's latency and the cycle its
        // output is taken.
        let key_load_cycles = match self.block {
            BlockKind::Aes | BlockKind::Ctr => expand,
            _ => expand + latency + 1,
        };
        match self.arch {
            Arch::Serial => Figures {
                cycles_per_block: AesSerial::cycles_per_block(self.key_bits),
                key_load_cycles,
                latency,
                zeroize_cycles: AesSerial::zeroize_cycles(self.key_bits),
            },
            Arch::Iterative => Figures {
                cycles_per_block: nr + 1,
                key_load_cycles,
                latency,
                zeroize_cycles: nr + 2,
            },
            Arch::Pipelined => Figures {
                cycles_per_block: 1,
                // GCM: H = E_K(0) takes the pipeline's latency, then GHASH
                // computes its powers of H.
                key_load_cycles: match self.block {
                    BlockKind::Aes | BlockKind::Ctr => expand,
                    // (GCM: the key reaches the core the cycle after it
                    // is taken, the engine's KLD state, and E_K(0) passes
                    // the counter blocks' buffer.)
                    _ => {
                        2 * usize::from(matches!(self.block, BlockKind::Gcm | BlockKind::Gmac))
                            + key_load_cycles
                            + Ghash::key_cycles(self.ghash_stages())
                    }
                },
                latency,
                // `zeroize`'s register, the sweep through the pipeline and
                // its queue (whose ends act two cycles late), then
                // `key_ready`'s register.
                zeroize_cycles: AesPipelined::zeroize_cycles(self.key_bits, self.sbox, self.stages),
            },
        }
    }
}

/// The checks every generated block shares: key size, AES register
/// stages, module name.
pub fn check_common(
    key_bits: usize,
    arch: Arch,
    stages: usize,
    sbox: SboxForm,
    name: &str,
) -> Result<(), String> {
    if key_bits != 128 && key_bits != 256 {
        return Err(format!("--key-bits {key_bits}: expected 128 or 256"));
    }
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("--name {name:?}: letters, digits and _ only"));
    }
    if !(1..=3).contains(&stages) {
        return Err(format!(
            "--stages {stages}: expected 1, 2 or 3 register stages per round"
        ));
    }
    if stages != 1 && arch != Arch::Pipelined {
        return Err(format!("--stages {stages}: only with --arch pipelined"));
    }
    if stages == 3 && sbox != SboxForm::Rom {
        return Err(format!(
            "--stages 3 --sbox {}: three stages split the rom S-box's lookup in two; \
             use --sbox rom (bram already reads in two cycles at --stages 2)",
            sbox.name()
        ));
    }
    Ok(())
}
