//! Stream drivers: valid/ready sources and sinks with optional random
//! stalls, and the key-load sequence shared by every engine.

use crate::model::Dut;
use csi2sec_sim::random::Rng;

/// How a stream test stalls: the four ways every stream test runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stalls {
    /// Source always valid, sink always ready.
    None,
    /// The source drops `valid` at random.
    SourceIdle,
    /// The sink drops `ready` at random.
    SinkBackPressure,
    /// Both.
    Both,
}

impl Stalls {
    pub const ALL: [Stalls; 4] = [Stalls::None, Stalls::SourceIdle, Stalls::SinkBackPressure, Stalls::Both];

    /// Whether the source offers a beat this cycle.
    pub fn source_on(self, rng: &mut Rng) -> bool {
        !matches!(self, Stalls::SourceIdle | Stalls::Both) || !rng.chance(40)
    }

    /// Whether the sink takes a beat this cycle.
    pub fn sink_on(self, rng: &mut Rng) -> bool {
        !matches!(self, Stalls::SinkBackPressure | Stalls::Both) || !rng.chance(40)
    }
}

/// Port indices of the key-load interface.
pub struct KeyPorts {
    pub key: usize,
    pub key_valid: usize,
    pub key_ready: usize,
    pub key_loaded: usize,
}

/// Load `key` (16 or 32 bytes) and wait for `key_loaded`; the cycles from
/// the accepted `key_valid` to `key_loaded`. Panics after 1000 cycles.
pub fn load_key(dut: &mut Dut, p: &KeyPorts, key: &[u8]) -> u64 {
    let mut k = [0u8; 32];
    k[..key.len()].copy_from_slice(key);
    dut.set_bytes(p.key, &k);
    dut.set(p.key_valid, 1);
    for _ in 0..1000 {
        dut.eval();
        if dut.get(p.key_ready) == 1 {
            break;
        }
        dut.tick(1);
    }
    dut.tick(1);
    dut.set(p.key_valid, 0);
    let start = dut.cycles;
    for _ in 0..1000 {
        dut.eval();
        if dut.get(p.key_loaded) == 1 {
            return dut.cycles - start + 1;
        }
        dut.tick(1);
    }
    panic!("key_loaded never rose");
}
