//! Cosimulation of the RTL TX (`csi2sec_tx`) and RX (`csi2sec_rx`):
//! program a security context through the APB register port as firmware
//! would, stream a raw CSI-2 packet stream through the block, and collect
//! what comes out with its `tuser` per packet.
//!
//! Firmware's part at each FS of the configured stream: the frame's
//! policy (SV per block and key_id, from the context's `frames` list) is
//! written to `NEXT_FRAME` once the previous FS has been applied
//! (`FRAMES_STARTED` counts them), before the FS enters the block. The
//! k-th frame's policy is the entry of frame counter `frame_counter + k`
//! (the counter the TX gives it; the RX's model selects the entry by the
//! counter on the wire, the same one while no frame is lost).

use crate::drive::Stalls;
use crate::model::{BuildError, Built, Dut, build_with};
use csi2sec_hdl::config::Arch;
use csi2sec_hdl::firmware::{context_writes, next_frame_write};
use csi2sec_hdl::link_config::{LinkConfig, Suites};
use csi2sec_hdl::regs::{RegisterMap, Side};
use csi2sec_sim::context::{Context, Protocol, StreamContext};
use csi2sec_sim::crypto::Suite;
use csi2sec_sim::packet::{DT_FS, Header, PacketReader};
use csi2sec_sim::random::Rng;
use csi2sec_sim::rx::Verdict;

/// Build (or find in the cache) the Verilator model of a TX or RX
/// configuration.
pub fn build_link(cfg: &LinkConfig) -> Result<Built, BuildError> {
    build_link_with(cfg, false)
}

/// As [`build_link`]; with `trace`, a model that can dump a VCD waveform.
pub fn build_link_with(cfg: &LinkConfig, trace: bool) -> Result<Built, BuildError> {
    let mods = cfg.emit().map_err(BuildError)?;
    build_with(&mods, trace)
}

/// A configuration of `side` that can apply `ctx` (the default one with
/// the key size and AES architecture asked for), or why none can.
pub fn config_for(ctx: &Context, side: Side, arch: Arch) -> Result<LinkConfig, String> {
    config_at(ctx, side, arch, 16)
}

/// As [`config_for`], `width` bytes wide (4, 8 or 16; 1: the byte-serial
/// block, on the column-serial core whatever `arch`).
pub fn config_at(
    ctx: &Context,
    side: Side,
    arch: Arch,
    width: usize,
) -> Result<LinkConfig, String> {
    let ss = rtl_streams(ctx, side)?;
    let mut c = LinkConfig::default_of(side);
    c.width = width;
    c.streams = ss.len();
    if ctx.protocol == Protocol::Fsed {
        c.protocol = csi2sec_hdl::link_config::Protocol::Fsed;
    }
    c.arch = arch;
    if width == 1 {
        // The byte-serial blocks: the column-serial core, no data-type
        // scopes (byte_link.rs).
        c.arch = Arch::Serial;
        c.dt_scopes = 0;
    }
    c.key_bits = key_bits(&ss[0]);
    let cmac = |s: &StreamContext| matches!(s.suite, Suite::Cmac128 | Suite::Cmac256);
    c.suites = match (ss.iter().any(cmac), ss.iter().all(cmac)) {
        (true, true) => Suites::Cmac,
        (true, false) => Suites::Both,
        _ => Suites::Gmac,
    };
    c.name = c.default_name();
    Ok(c)
}

fn key_bits(s: &StreamContext) -> usize {
    if matches!(s.suite, Suite::Gmac256 | Suite::Cmac256) {
        256
    } else {
        128
    }
}

/// The stream contexts of `ctx`, if this version's RTL of `side` can
/// apply them: one core per stream (a chain, up to 16), all of one key
/// size (one AES core size per instance).
pub fn rtl_streams(ctx: &Context, side: Side) -> Result<&[StreamContext], String> {
    let why = |m: &str| {
        Err(format!(
            "this version's {} RTL cannot apply the context: {m} (the golden model can)",
            side.name().to_uppercase()
        ))
    };
    if ctx.streams.is_empty() || ctx.streams.len() > 16 {
        return why(&format!("{} streams (it holds 1 to 16)", ctx.streams.len()));
    }
    if ctx
        .streams
        .iter()
        .any(|s| key_bits(s) != key_bits(&ctx.streams[0]))
    {
        return why("streams of 128- and 256-bit suites (an instance has one AES key size)");
    }
    Ok(&ctx.streams)
}

/// Port indices of the TX or RX (they share their port names).
struct Ports {
    reset: usize,
    s_data: usize,
    s_keep: usize,
    s_last: usize,
    s_valid: usize,
    s_ready: usize,
    m_data: usize,
    m_keep: usize,
    m_last: usize,
    m_user: usize,
    m_valid: usize,
    m_ready: usize,
    psel: usize,
    penable: usize,
    pwrite: usize,
    paddr: usize,
    pwdata: usize,
    prdata: usize,
    pslverr: usize,
    /// The RX's alarm output.
    alarm: Option<usize>,
}

impl Ports {
    fn of(b: &Built) -> Ports {
        Ports {
            reset: b.port("reset"),
            s_data: b.port("s_axis_tdata"),
            s_keep: b.port("s_axis_tkeep"),
            s_last: b.port("s_axis_tlast"),
            s_valid: b.port("s_axis_tvalid"),
            s_ready: b.port("s_axis_tready"),
            m_data: b.port("m_axis_tdata"),
            m_keep: b.port("m_axis_tkeep"),
            m_last: b.port("m_axis_tlast"),
            m_user: b.port("m_axis_tuser"),
            m_valid: b.port("m_axis_tvalid"),
            m_ready: b.port("m_axis_tready"),
            psel: b.port("psel"),
            penable: b.port("penable"),
            pwrite: b.port("pwrite"),
            paddr: b.port("paddr"),
            pwdata: b.port("pwdata"),
            prdata: b.port("prdata"),
            pslverr: b.port("pslverr"),
            alarm: b.ports.iter().position(|p| p.name == "alarm"),
        }
    }
}

/// What a run gave.
#[derive(Clone, Debug, Default)]
pub struct LinkRun {
    /// The output stream, packets back to back.
    pub output: Vec<u8>,
    /// `m_axis_tuser` of each output packet's last beat, in order.
    pub users: Vec<u8>,
    /// RX: pulses of `alarm` (frame verdicts other than ok or unprotected).
    pub alarms: usize,
    /// With [`run_link_reset`]: output bytes (and `users` entries) before
    /// the reset.
    pub reset_at: Option<(usize, usize)>,
    /// Clock cycles from the first input beat to the last output beat.
    pub cycles: u64,
    /// Input beats taken.
    pub in_beats: u64,
    /// The event counters, by name (register order).
    pub counters: Vec<(String, u32)>,
    /// STATUS after the run.
    pub status: u32,
    /// The cycle each input packet's first beat was taken, in order.
    pub in_starts: Vec<u64>,
    /// The cycle each output packet's first beat was given, in order.
    pub out_starts: Vec<u64>,
    /// With `RunOptions::record`: the inputs of every cycle.
    pub stimulus: Vec<String>,
    /// With `RunOptions::after`: the cycle (index into `stimulus`) its
    /// writes start at.
    pub after_at: Option<usize>,
}

impl LinkRun {
    /// Cycles from input packet `k`'s first beat taken to output packet
    /// `k`'s first beat given: the first-byte latency, where the block
    /// maps input packet `k` to output packet `k` (SEP, before the first
    /// tag packet).
    pub fn latency(&self, k: usize) -> Option<u64> {
        self.latency_to(k, k)
    }

    /// Cycles from input packet `k`'s first beat taken to output packet
    /// `out`'s first beat given (FSED TX: `out` = `k` + 1 after the first
    /// FS and its FSED-Header).
    pub fn latency_to(&self, k: usize, out: usize) -> Option<u64> {
        Some(self.out_starts.get(out)? - self.in_starts.get(k)?)
    }

    /// TX: output packets flagged incomplete (`tuser` bit 0).
    pub fn flagged(&self) -> usize {
        self.users.iter().filter(|&&u| u & 1 == 1).count()
    }

    /// RX: the frame verdicts and the packet verdicts, in output order,
    /// decoded from `tuser` (bit 0 frame, bit 1 packet, bits 4:2 code).
    pub fn verdicts(&self) -> (Vec<Verdict>, Vec<Verdict>) {
        let code = |u: u8| Verdict::ALL.get((u >> 2 & 7) as usize).copied();
        let pick = |bit: u8| {
            self.users
                .iter()
                .filter(|&&u| u & bit != 0)
                .map(|&u| {
                    code(u)
                        .unwrap_or_else(|| panic!("tuser {u:#04x}: verdict code 7 is not defined"))
                })
                .collect()
        };
        (pick(1), pick(2))
    }
}

/// A running TX or RX model with its APB port.
pub struct LinkDut<'a> {
    pub dut: Dut<'a>,
    p: Ports,
    pub map: RegisterMap,
    /// RX: `alarm` pulses seen so far.
    pub alarms: usize,
    /// Register banks (the streams of a chain; 1 for one stream).
    pub banks: usize,
}

impl<'a> LinkDut<'a> {
    /// A fresh instance, reset for two cycles.
    pub fn new(b: &'a Built, side: Side) -> LinkDut<'a> {
        Self::new_with(b, side, false)
    }

    /// As [`LinkDut::new`]; with `record`, every cycle's inputs are
    /// recorded from the reset on (for [`replay_in_icarus`]).
    pub fn new_with(b: &'a Built, side: Side, record: bool) -> LinkDut<'a> {
        let p = Ports::of(b);
        let mut dut = b.instance();
        if record {
            dut.record();
        }
        dut.set(p.reset, 1);
        dut.set(p.m_ready, 1);
        dut.tick(2);
        dut.set(p.reset, 0);
        dut.tick(1);
        LinkDut {
            dut,
            p,
            map: RegisterMap::of(side),
            alarms: 0,
            banks: 1,
        }
    }

    /// One APB transfer (setup and access phases): a write of `data`, or
    /// a read; gives `prdata`. An address with no register (`pslverr`)
    /// is a caller's bug.
    fn apb(&mut self, addr: u32, data: Option<u32>) -> u32 {
        let (d, p) = (&mut self.dut, &self.p);
        // Streams hold still during register access.
        d.set(p.s_valid, 0);
        d.set(p.m_ready, 0);
        d.set(p.psel, 1);
        d.set(p.pwrite, data.is_some() as u128);
        d.set(p.paddr, addr as u128);
        d.set(p.pwdata, data.unwrap_or(0) as u128);
        d.set(p.penable, 0);
        self.tick();
        let (d, p) = (&mut self.dut, &self.p);
        d.set(p.penable, 1);
        d.eval();
        assert_eq!(
            d.get(p.pslverr),
            0,
            "APB access to 0x{addr:03x}: no register"
        );
        let v = d.get(p.prdata) as u32;
        self.tick();
        let (d, p) = (&mut self.dut, &self.p);
        d.set(p.psel, 0);
        d.set(p.penable, 0);
        d.set(p.pwrite, 0);
        v
    }

    /// One clock cycle, counting the RX's `alarm` pulses (register
    /// accesses included: the block runs on while firmware reads).
    fn tick(&mut self) {
        self.dut.tick(1);
        if let Some(a) = self.p.alarm {
            self.alarms += self.dut.get(a) as usize;
        }
    }

    /// APB write.
    pub fn write(&mut self, addr: u32, data: u32) {
        self.apb(addr, Some(data));
    }

    /// APB read.
    pub fn read(&mut self, addr: u32) -> u32 {
        self.apb(addr, None)
    }

    /// Write fields of register `name`: `(field, value)` pairs, the rest 0.
    pub fn write_fields(&mut self, name: &str, fields: &[(&str, u32)]) {
        let r = self.map.register(name).clone();
        self.write(r.offset, r.pack(fields));
    }

    pub fn read_reg(&mut self, name: &str) -> u32 {
        self.read(self.map.register(name).offset)
    }

    /// Program the security context of `s` as firmware would
    /// ([`context_writes`]) into register bank `k` (the k-th core
    /// of a chain, [`csi2sec_hdl::stream_chain`]).
    pub fn program_bank(&mut self, k: usize, ctx: &Context, s: &StreamContext) {
        for (a, v) in context_writes(&self.map, ctx, s) {
            self.write(((k as u32) << 12) + a, v);
        }
    }

    /// Program stream k of `ss` into bank k.
    pub fn program_all(&mut self, ctx: &Context, ss: &[StreamContext]) {
        for (k, s) in ss.iter().enumerate() {
            self.program_bank(k, ctx, s);
        }
    }

    /// Program `writes` if given, else stream k of `ss` into bank k.
    fn program(&mut self, ctx: &Context, ss: &[StreamContext], writes: Option<&[(u32, u32)]>) {
        match writes {
            Some(w) => w.iter().for_each(|&(a, v)| self.write(a, v)),
            None => self.program_all(ctx, ss),
        }
    }

    /// The event counters (of a chain: summed over its banks).
    pub fn counters(&mut self) -> Vec<(String, u32)> {
        let names: Vec<(String, u32)> = self
            .map
            .side
            .counters()
            .iter()
            .map(|(n, _)| (n.to_string(), self.map.register(n).offset))
            .collect();
        let mut out = Vec::new();
        for (n, off) in names {
            let mut v = 0u32;
            for k in 0..self.banks {
                v = v.wrapping_add(self.read(((k as u32) << 12) + off));
            }
            out.push((n, v));
        }
        out
    }
}

/// The input split into packets (lengths from their decoded headers).
/// Stops at the first packet the model cannot parse, as the model does.
pub fn packets(input: &[u8], vcx: bool) -> Vec<&[u8]> {
    PacketReader::new(input, vcx)
        .map_while(Result::ok)
        .map(|p| {
            &input[p.offset
                ..p.offset
                    + if p.header.is_long() {
                        6 + p.payload.len()
                    } else {
                        4
                    }]
        })
        .collect()
}

/// How a run drives the block, beyond the stream itself.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions<'a> {
    /// Stalls on the input and output streams.
    pub stalls: Stalls,
    /// Seed of the stall pattern.
    pub seed: u64,
    /// Write a VCD waveform of the whole run here (the model must be built
    /// with tracing: [`build_link_with`]).
    pub vcd: Option<&'a std::path::Path>,
    /// Before this packet goes in (once the output has drained), pulse
    /// `reset` and program the context again, as firmware would.
    pub reset_before: Option<usize>,
    /// Keep every cycle's inputs in `stimulus` (for [`replay_in_icarus`]).
    pub record: bool,
    /// Program with these APB writes (offset, value) in place of the
    /// context's ([`context_writes`]), at the start and after a reset.
    pub program: Option<&'a [(u32, u32)]>,
    /// Once the output has drained: these APB writes, then 400 idle
    /// cycles (a `CTRL.clear` and its wipe, say); `LinkRun::after_at`
    /// is the recorded cycle they start at.
    pub after: Option<&'a [(u32, u32)]>,
}

impl RunOptions<'_> {
    /// `stalls` with `seed`; no waveform, no reset, not recorded.
    pub fn new(stalls: Stalls, seed: u64) -> Self {
        RunOptions {
            stalls,
            seed,
            vcd: None,
            reset_before: None,
            record: false,
            program: None,
            after: None,
        }
    }

    /// The same, recorded.
    pub fn recorded(self) -> Self {
        RunOptions {
            record: true,
            ..self
        }
    }
}

/// The packets of a stream, each as its own byte vector.
pub fn packet_list(input: &[u8], vcx: bool) -> Vec<Vec<u8>> {
    packets(input, vcx)
        .into_iter()
        .map(|p| p.to_vec())
        .collect()
}

/// Stream `input` through a TX or RX programmed with `ctx` (whose
/// streams the RTL supports; see [`rtl_streams`]), one AXI4-Stream burst
/// per packet.
pub fn run_link(
    b: &Built,
    side: Side,
    ctx: &Context,
    input: &[u8],
    o: RunOptions,
) -> Result<LinkRun, String> {
    run_link_packets(b, side, ctx, &packet_list(input, ctx.vcx), o)
}

/// Stream `pkts` through the block, each as one AXI4-Stream burst,
/// whatever its header says (a packet may be cut short or corrupt).
pub fn run_link_packets(
    b: &Built,
    side: Side,
    ctx: &Context,
    pkts: &[Vec<u8>],
    o: RunOptions,
) -> Result<LinkRun, String> {
    let RunOptions {
        stalls,
        seed,
        vcd,
        reset_before,
        record,
        program,
        after,
    } = o;
    let ss = rtl_streams(ctx, side)?.to_vec();
    let mut t = LinkDut::new_with(b, side, record);
    t.banks = ss.len();
    // Bytes per beat: the instance's stream width (4, 8 or 16).
    let w = t.dut.width(t.p.s_data) / 8;
    let reset_beat =
        reset_before.map(|k| pkts[..k].iter().map(|p| p.len().div_ceil(w)).sum::<usize>());
    // Per stream (register bank k): FSes before a reset.
    let mut fs_base = vec![0usize; ss.len()];
    if let Some(path) = vcd {
        t.dut.trace(path).map_err(|e| e.to_string())?;
    }
    t.program(ctx, &ss, program);
    let fs_reg = t.map.register("frames_started").offset;
    let mut rng = Rng::new(seed);
    // Beats of every packet, with the stream (bank) and index of the FS
    // packets of the configured streams (their header decoding clean or
    // corrected).
    let mut beats: Vec<(u128, u16, bool, Option<(usize, usize)>)> = Vec::new();
    let mut fs_index = vec![0usize; ss.len()];
    for bytes in pkts {
        let fs_of = Header::decode([bytes[0], bytes[1], bytes[2], bytes[3]], ctx.vcx)
            .ok()
            .filter(|(h, _)| bytes.len() >= 4 && h.dt == DT_FS)
            .and_then(|(h, _)| ss.iter().position(|s| s.stream == h.stream()));
        let n = bytes.len().div_ceil(w);
        for (k, c) in bytes.chunks(w).enumerate() {
            let data = c
                .iter()
                .enumerate()
                .fold(0u128, |a, (i, &b)| a | (b as u128) << (8 * i));
            let keep = ((1u32 << c.len()) - 1) as u16;
            let fs = fs_of.filter(|_| k == 0).map(|j| (j, fs_index[j]));
            beats.push((data, keep, k + 1 == n, fs));
        }
        if let Some(j) = fs_of {
            fs_index[j] += 1;
        }
    }
    let mut run = LinkRun::default();
    let mut fc: Vec<Option<u32>> = vec![None; ss.len()];
    let (mut sent, mut idle, mut first, mut last_out) = (0usize, 0u64, None, 0u64);
    let mut last_in = 0u64;
    let mut cur = Vec::new();
    let mut out_open = false;
    let limit = 200 * beats.len() as u64 + 100_000;
    loop {
        // Reset in mid-stream, once the output has drained; firmware
        // programs the context again.
        let mut hold = false;
        if reset_beat == Some(sent) && run.reset_at.is_none() {
            hold = true;
            if idle > 100 {
                let d = &mut t.dut;
                d.set(t.p.s_valid, 0);
                d.set(t.p.reset, 1);
                d.tick(2);
                d.set(t.p.reset, 0);
                d.tick(1);
                t.program(ctx, &ss, program);
                for (j, base) in fs_base.iter_mut().enumerate() {
                    *base = beats[sent..]
                        .iter()
                        .find_map(|b| b.3.filter(|f| f.0 == j).map(|f| f.1))
                        .unwrap_or(0);
                }
                fc = vec![None; ss.len()];
                if !cur.is_empty() {
                    return Err(format!(
                        "{} output bytes of a packet half sent at the reset",
                        cur.len()
                    ));
                }
                run.reset_at = Some((run.output.len(), run.users.len()));
                hold = false;
            }
        }
        // Firmware: the next frame's policy, once the previous FS is applied.
        if let Some((_, _, _, Some((j, k)))) = beats.get(sent).copied() {
            let bank = (j as u32) << 12;
            if t.read(bank + fs_reg) as usize + fs_base[j] == k {
                let this = match fc[j] {
                    None => ss[j].frame_counter,
                    Some(u32::MAX) => u32::MAX,
                    Some(c) => c + 1,
                };
                let (a, v) = next_frame_write(&t.map, &ss[j], this);
                t.write(bank + a, v);
                fc[j] = Some(this);
                beats[sent].3 = None;
            }
        }
        let d = &mut t.dut;
        let offer =
            !hold && sent < beats.len() && beats[sent].3.is_none() && stalls.source_on(&mut rng);
        if offer {
            let (data, keep, last, _) = beats[sent];
            d.set(t.p.s_data, data);
            d.set(t.p.s_keep, keep as u128);
            d.set(t.p.s_last, last as u128);
        }
        d.set(t.p.s_valid, offer as u128);
        let take = stalls.sink_on(&mut rng);
        d.set(t.p.m_ready, take as u128);
        d.eval();
        if offer && d.get(t.p.s_ready) == 1 {
            if sent == 0 || beats[sent - 1].2 {
                run.in_starts.push(d.cycles);
            }
            sent += 1;
            run.in_beats += 1;
            last_in = d.cycles;
            first.get_or_insert(d.cycles);
        }
        if take && d.get(t.p.m_valid) == 1 {
            let data = d.get(t.p.m_data);
            let keep = d.get(t.p.m_keep) as u16;
            if cur.is_empty() && !out_open {
                run.out_starts.push(d.cycles);
                out_open = true;
            }
            for i in 0..w {
                if keep >> i & 1 == 1 {
                    cur.push((data >> (8 * i)) as u8);
                }
            }
            if d.get(t.p.m_last) == 1 {
                run.users.push(d.get(t.p.m_user) as u8);
                run.output.append(&mut cur);
                out_open = false;
            }
            last_out = d.cycles;
            idle = 0;
        } else {
            idle += 1;
        }
        t.tick();
        let d = &mut t.dut;
        // (Done: every beat sent, and nothing out for 300 cycles since
        // the last one went in: a long packet dropped from the output
        // leaves no output while it is taken.)
        if sent == beats.len() && idle > 300 && d.cycles > last_in + 300 {
            break;
        }
        if d.cycles > limit {
            return Err(format!(
                "{} stuck: {sent} of {} input beats taken, {} output bytes",
                side.name().to_uppercase(),
                beats.len(),
                run.output.len()
            ));
        }
    }
    t.dut.set(t.p.s_valid, 0);
    if let Some(writes) = after {
        run.after_at = Some(t.dut.recorded_cycles());
        for &(a, v) in writes {
            t.write(a, v);
        }
        for _ in 0..400 {
            t.tick();
        }
    }
    run.cycles = last_out.saturating_sub(first.unwrap_or(0)) + 1;
    run.counters = t.counters();
    run.alarms = t.alarms;
    run.status = t.read_reg("status");
    run.stimulus = t.dut.stimulus();
    if !cur.is_empty() {
        return Err(format!("{} output bytes without tlast", cur.len()));
    }
    Ok(run)
}

/// Replay a recorded run (`RunOptions::record`) in Icarus Verilog
/// and compare its output stream with Verilator's: `Ok(false)` if Icarus
/// is not installed, `Ok(true)` if the two agree byte for byte and on
/// every `tuser`.
pub fn replay_in_icarus(b: &Built, run: &LinkRun) -> Result<bool, String> {
    if run.stimulus.is_empty() {
        return Err("the run was not recorded".into());
    }
    let Some(ic) = crate::icarus::replay(b, &run.stimulus)? else {
        return Ok(false);
    };
    if ic.output != run.output {
        let at = ic
            .output
            .iter()
            .zip(&run.output)
            .position(|(a, b)| a != b)
            .unwrap_or(ic.output.len().min(run.output.len()));
        return Err(format!(
            "{}: Icarus and Verilator differ at output byte {at} ({} and {} bytes)",
            b.top,
            ic.output.len(),
            run.output.len()
        ));
    }
    if ic.users != run.users {
        return Err(format!("{}: Icarus and Verilator differ on tuser", b.top));
    }
    Ok(true)
}
