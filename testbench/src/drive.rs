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
    /// Both, each side stalling with this probability in percent.
    Percent(u8),
}

impl Stalls {
    pub const ALL: [Stalls; 4] = [
        Stalls::None,
        Stalls::SourceIdle,
        Stalls::SinkBackPressure,
        Stalls::Both,
    ];

    /// Whether the source offers a beat this cycle.
    pub fn source_on(self, rng: &mut Rng) -> bool {
        match self {
            Stalls::Percent(p) => !rng.chance(p as u64),
            _ => !matches!(self, Stalls::SourceIdle | Stalls::Both) || !rng.chance(40),
        }
    }

    /// Whether the sink takes a beat this cycle.
    pub fn sink_on(self, rng: &mut Rng) -> bool {
        match self {
            Stalls::Percent(p) => !rng.chance(p as u64),
            _ => !matches!(self, Stalls::SinkBackPressure | Stalls::Both) || !rng.chance(40),
        }
    }
}

/// Port indices of the key-load interface.
pub struct KeyPorts {
    pub key: usize,
    pub key_valid: usize,
    pub key_ready: usize,
    pub key_loaded: usize,
}

impl KeyPorts {
    pub fn of(b: &crate::model::Built) -> KeyPorts {
        KeyPorts {
            key: b.port("key"),
            key_valid: b.port("key_valid"),
            key_ready: b.port("key_ready"),
            key_loaded: b.port("key_loaded"),
        }
    }

    /// The same interface under another name: `h`, `h_valid`, `h_ready`,
    /// `h_loaded` for GHASH's hash key.
    pub fn named(b: &crate::model::Built, key: &str) -> KeyPorts {
        KeyPorts {
            key: b.port(key),
            key_valid: b.port(&format!("{key}_valid")),
            key_ready: b.port(&format!("{key}_ready")),
            key_loaded: b.port(&format!("{key}_loaded")),
        }
    }
}

/// Load `key` (at most the port's width; a shorter key in the top bytes)
/// and wait for `key_loaded`; the cycles from the accepted `key_valid` to
/// `key_loaded`. Panics after 1000 cycles.
pub fn load_key(dut: &mut Dut, p: &KeyPorts, key: &[u8]) -> u64 {
    let mut k = vec![0u8; dut.width(p.key) / 8];
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

/// Port indices of a block core (the AES engine).
pub struct BlockPorts {
    pub k: KeyPorts,
    pub s_data: usize,
    pub s_valid: usize,
    pub s_ready: usize,
    pub m_data: usize,
    pub m_valid: usize,
    pub m_ready: usize,
    pub zeroize: usize,
}

impl BlockPorts {
    pub fn of(b: &crate::model::Built) -> BlockPorts {
        BlockPorts {
            k: KeyPorts::of(b),
            s_data: b.port("s_data"),
            s_valid: b.port("s_valid"),
            s_ready: b.port("s_ready"),
            m_data: b.port("m_data"),
            m_valid: b.port("m_valid"),
            m_ready: b.port("m_ready"),
            zeroize: b.port("zeroize"),
        }
    }
}

/// Stream `blocks` through a block core; the outputs in order and the
/// cycles taken. Checks that nothing is left over after the last block.
pub fn stream_blocks(
    dut: &mut Dut,
    p: &BlockPorts,
    blocks: &[u128],
    stalls: Stalls,
    rng: &mut Rng,
) -> (Vec<u128>, u64) {
    let start = dut.cycles;
    let (mut sent, mut out) = (0, Vec::new());
    while out.len() < blocks.len() {
        assert!(
            dut.cycles - start < 100 * (blocks.len() as u64 + 10),
            "stream stuck"
        );
        let offer = sent < blocks.len() && stalls.source_on(rng);
        dut.set(p.s_valid, offer as u128);
        dut.set(p.s_data, if offer { blocks[sent] } else { 0 });
        let take = stalls.sink_on(rng);
        dut.set(p.m_ready, take as u128);
        dut.eval();
        if offer && dut.get(p.s_ready) == 1 {
            sent += 1;
        }
        if take && dut.get(p.m_valid) == 1 {
            out.push(dut.get(p.m_data));
        }
        dut.tick(1);
    }
    let cycles = dut.cycles - start;
    dut.set(p.s_valid, 0);
    dut.set(p.m_ready, 1);
    for _ in 0..40 {
        dut.eval();
        assert_eq!(dut.get(p.m_valid), 0, "a block left over after the last");
        dut.tick(1);
    }
    (out, cycles)
}
