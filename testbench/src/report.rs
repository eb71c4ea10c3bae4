//! `csi2sec report engines`: figures of each engine configuration,
//! measured in cosimulation: steady-state cycles per block, latency,
//! key-load cycles, and Verilator's speed in cycles per second.

use crate::drive::{BlockPorts, Stalls, load_key, stream_blocks};
use crate::engines::Engine;
use crate::model::{BuildError, build};
use csi2sec_hdl::config::{BlockKind, EngineConfig};
use csi2sec_sim::random::Rng;
use std::time::Instant;

/// One configuration's measured figures.
#[derive(Clone, Debug)]
pub struct Row {
    pub config: EngineConfig,
    /// Steady state, no stalls, over a 4 KiB message (AES: 256 blocks).
    pub cycles_per_block: f64,
    /// AES: from the accepting edge to the first cycle the result is
    /// valid. CTR/GHASH/GCM/CMAC: the cycles a message takes beyond its
    /// blocks (start, pipeline fill, E_K(J0), the length block, GHASH's
    /// tail, the tag handshake).
    pub latency: u64,
    pub key_load: u64,
    /// Simulated cycles per wall-clock second (this machine).
    pub cycles_per_second: f64,
}

/// Measure one configuration (building its model if needed).
pub fn measure(cfg: &EngineConfig) -> Result<Row, BuildError> {
    let built = build(&cfg.emit().map_err(BuildError)?)?;
    let key = vec![0x2bu8; cfg.key_bits / 8];
    let (cycles_per_block, latency, key_load) = match cfg.block {
        BlockKind::Aes => {
            let p = BlockPorts::of(&built);
            let mut dut = built.instance();
            let key_load = load_key(&mut dut, &p.k, &key);
            let mut rng = Rng::new(1);
            let blocks: Vec<u128> = (0..256u128).collect();
            let (_, long) = stream_blocks(&mut dut, &p, &blocks, Stalls::None, &mut rng);
            let (_, short) = stream_blocks(&mut dut, &p, &blocks[..128], Stalls::None, &mut rng);
            // Latency of one block on an idle core.
            dut.set(p.s_data, 7);
            dut.set(p.s_valid, 1);
            dut.eval();
            dut.tick(1);
            dut.set(p.s_valid, 0);
            let mut lat = 1;
            dut.eval();
            while dut.get(p.m_valid) == 0 {
                dut.tick(1);
                dut.eval();
                lat += 1;
            }
            // Cycles per block: 128 more blocks cost 128 × this.
            ((long - short) as f64 / 128.0, lat, key_load)
        }
        BlockKind::Gcm | BlockKind::Gmac | BlockKind::Cmac => {
            let mut e = Engine::new(&built, Stalls::None, 1);
            e.key(&key);
            let msg = vec![0x5au8; 4096];
            let short = [1u8; 16];
            let gcm = cfg.block != BlockKind::Cmac;
            let run = |e: &mut Engine, m: &[u8]| {
                if gcm {
                    e.gcm(&key, &[3; 12], false, &[], m, &[0; 16]);
                } else {
                    e.cmac(&key, m, &[0; 16]);
                }
            };
            let c0 = e.dut.cycles;
            run(&mut e, &msg);
            let c1 = e.dut.cycles;
            run(&mut e, &short);
            let c2 = e.dut.cycles;
            // One block costs its cycles per block plus the latency; two
            // runs give both.
            let per = ((c1 - c0) - (c2 - c1)) as f64 / 255.0;
            let latency = (c2 - c1) as f64 - per;
            (per, latency.round() as u64, e.key_cycles)
        }
        BlockKind::Ctr => {
            let mut dut = built.instance();
            let key_load = load_key(&mut dut, &crate::drive::KeyPorts::of(&built), &key);
            let mut rng = Rng::new(1);
            let (_, long) = crate::engines::ctr_message(
                &mut dut,
                &built,
                [0; 16],
                &[0x5a; 4096],
                Stalls::None,
                &mut rng,
            );
            let (_, short) = crate::engines::ctr_message(
                &mut dut,
                &built,
                [0; 16],
                &[1; 16],
                Stalls::None,
                &mut rng,
            );
            let per = (long - short) as f64 / 255.0;
            (per, (short as f64 - per).round() as u64, key_load)
        }
        BlockKind::Ghash => {
            let mut dut = built.instance();
            let key_load = load_key(
                &mut dut,
                &crate::drive::KeyPorts::named(&built, "h"),
                &key[..16],
            );
            let mut rng = Rng::new(1);
            let blocks: Vec<u128> = (0..256).collect();
            let (_, long) =
                crate::engines::ghash_message(&mut dut, &built, &blocks, Stalls::None, &mut rng);
            let (_, short) = crate::engines::ghash_message(
                &mut dut,
                &built,
                &blocks[..1],
                Stalls::None,
                &mut rng,
            );
            let per = (long - short) as f64 / 255.0;
            (per, (short as f64 - per).round() as u64, key_load)
        }
    };
    // Speed: free-running clock on the same model.
    let mut dut = built.instance();
    let t2 = Instant::now();
    dut.tick(1_000_000);
    let cycles_per_second = 1e6 / t2.elapsed().as_secs_f64();
    Ok(Row {
        config: cfg.clone(),
        cycles_per_block,
        latency,
        key_load,
        cycles_per_second,
    })
}

/// The table as Markdown.
pub fn table(rows: &[Row]) -> String {
    let mut s = String::from(
        "| configuration | cycles/block | bytes/cycle | latency (AES) or per-message overhead | key load | Verilator cycles/s |\n|---|---|---|---|---|---|\n",
    );
    for r in rows {
        s += &format!(
            "| {} | {:.2} | {:.2} | {} | {} | {:.2} M |\n",
            r.config.name,
            r.cycles_per_block,
            16.0 / r.cycles_per_block,
            r.latency,
            r.key_load,
            r.cycles_per_second / 1e6
        );
    }
    s
}
