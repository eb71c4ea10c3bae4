//! Seeded random security contexts and interleaved packet streams, for
//! property tests here and cosimulation later. The same seed gives the
//! same context and stream on every machine.

use crate::context::{Context, FramePolicy, KeySlot, Protocol, StreamContext, TagMode};
use crate::crypto::{SecretKey, Suite};
use crate::packet::{self, DT_BLANKING, DT_EMBEDDED, DT_FE, DT_FS, DT_LE, DT_LS, DT_NULL, Header};

/// SplitMix64.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

/// A random valid context with 1..=`max_streams` streams; `exhaust` lets
/// frame counters start near 2^32 - 1.
pub fn context(rng: &mut Rng, protocol: Protocol, max_streams: usize, exhaust: bool) -> Context {
    let vcx = rng.chance(75);
    let control_dt = if rng.chance(70) {
        0x13
    } else {
        rng.pick(&[0x14, 0x30, 0x37, 0x3f])
    };
    let mut numbers: Vec<u8> = (0..if vcx { 16 } else { 4 }).collect();
    let n = 1 + rng.below(max_streams.min(numbers.len()) as u64) as usize;
    let mut streams = Vec::new();
    for _ in 0..n {
        let stream = numbers.remove(rng.below(numbers.len() as u64) as usize);
        let suite = rng.pick(&Suite::ALL);
        let tag_mode = match protocol {
            Protocol::Fsed => TagMode::Frame,
            Protocol::Sep => rng.pick(&[TagMode::Frame, TagMode::Message, TagMode::DataType]),
        };
        let nkeys = 1 + rng.below(2) as usize;
        let keys: Vec<KeySlot> = (0..nkeys)
            .map(|i| KeySlot {
                key_id: (rng.below(128) as u8) * 2 + i as u8,
                key: SecretKey::new(rng.bytes(suite.key_len())),
            })
            .collect();
        let active_key_id = keys[0].key_id;
        let sv_choices: &[u8] = if suite.is_gmac() {
            &[1, 2, 3, 4, 5]
        } else {
            &[2, 3, 4, 5]
        };
        let frames = (0..1 + rng.below(3))
            .map(|_| FramePolicy {
                sv: [
                    rng.pick(sv_choices),
                    rng.pick(sv_choices),
                    rng.pick(sv_choices),
                ],
                key_id: keys[rng.below(nkeys as u64) as usize].key_id,
            })
            .collect();
        let frame_counter = match rng.below(10) {
            0 if exhaust => u32::MAX - rng.below(3) as u32,
            1 => 0,
            _ => (rng.next_u64() as u32 >> 1) >> rng.below(31),
        };
        streams.push(StreamContext {
            stream,
            suite,
            tag_mode,
            tag_len: rng.pick(&[8, 12, 16]),
            crc32: rng.chance(50),
            stride: rng.pick(&[1, 2, 3, 255]),
            window: (rng.below(40) as u16, rng.below(60) as u16),
            keys,
            active_key_id,
            frame_counter,
            frames,
        });
    }
    Context {
        protocol,
        vcx,
        control_dt,
        streams,
    }
}

/// Data types a random frame's classified packets use.
const IMAGE_DTS: [u8; 6] = [0x2A, 0x2B, 0x2C, 0x1E, 0x24, 0x30];

/// Packets of a few random frames of one stream (never control DT).
fn stream_packets(
    rng: &mut Rng,
    stream: u8,
    control_dt: u8,
    frames: usize,
    shape: Shape,
) -> Vec<Vec<u8>> {
    let max_len = shape.max_len;
    let mut pk = Vec::new();
    let long = |rng: &mut Rng, dt: u8, pk: &mut Vec<Vec<u8>>| {
        let len = rng.below(max_len as u64 + 1) as usize;
        let mut p = Vec::new();
        packet::write_long(
            &mut p,
            Header::for_stream(stream, dt, 0),
            &[&rng.bytes(len)],
            0,
        );
        pk.push(p);
    };
    let short = |dt: u8, wc: u16, pk: &mut Vec<Vec<u8>>| {
        let mut p = Vec::new();
        packet::write_short(&mut p, Header::for_stream(stream, dt, wc));
        pk.push(p);
    };
    if rng.chance(20) {
        let dt = rng.pick(&IMAGE_DTS);
        if dt != control_dt {
            long(rng, dt, &mut pk); // outside any frame
        }
    }
    for f in 0..frames {
        let number = (f + 1) as u16;
        short(DT_FS, number, &mut pk);
        for _ in 0..rng.below(3) {
            long(rng, DT_EMBEDDED, &mut pk);
        }
        let dts: Vec<u8> = (0..1 + rng.below(2))
            .map(|_| rng.pick(&IMAGE_DTS))
            .filter(|&d| d != control_dt)
            .collect();
        for line in 0..rng.below(6) {
            if rng.chance(15) {
                short(DT_LS, line as u16, &mut pk);
            }
            if rng.chance(10) {
                let dt = rng.pick(&[DT_NULL, DT_BLANKING]);
                long(rng, dt, &mut pk);
            }
            if let Some(&dt) = dts.get(rng.below(dts.len().max(1) as u64) as usize) {
                long(rng, dt, &mut pk);
            }
            if rng.chance(15) {
                short(DT_LE, line as u16, &mut pk);
            }
        }
        for _ in 0..rng.below(3) {
            long(rng, DT_EMBEDDED, &mut pk);
        }
        if shape.abandon && rng.chance(10) && f + 1 < frames {
            continue; // no FE: the next FS abandons this frame
        }
        short(DT_FE, number, &mut pk);
    }
    pk
}

/// The shape of random streams.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Longest payload.
    pub max_len: usize,
    /// Let some frames end without FE (abandoned by the next FS).
    pub abandon: bool,
}

/// A random stream for `ctx`: a few frames on each configured stream and
/// sometimes on one that is not, interleaved packet by packet.
pub fn stream(rng: &mut Rng, ctx: &Context, shape: Shape) -> Vec<u8> {
    let mut queues: Vec<Vec<Vec<u8>>> = ctx
        .streams
        .iter()
        .map(|s| {
            let frames = 1 + rng.below(3) as usize;
            stream_packets(rng, s.stream, ctx.control_dt, frames, shape)
        })
        .collect();
    let limit = if ctx.vcx { 16 } else { 4 };
    if let Some(free) = (0..limit).find(|n| ctx.stream(*n).is_none()) {
        if rng.chance(30) {
            queues.push(stream_packets(rng, free, ctx.control_dt, 1, shape));
        }
    }
    for q in &mut queues {
        q.reverse();
    }
    let mut out = Vec::new();
    while queues.iter().any(|q| !q.is_empty()) {
        let live: Vec<usize> = (0..queues.len())
            .filter(|&i| !queues[i].is_empty())
            .collect();
        let i = rng.pick(&live);
        out.extend(queues[i].pop().expect("non-empty"));
    }
    out
}
