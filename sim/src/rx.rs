//! RX, the SoC side (spec §6): verifies, decrypts and strips csi2sec/1.
//!
//! It decodes what the wire says (SEP headers, FSED-Header, wire key_id
//! and counters), so that it gives back exactly what the TX was given, and
//! judges every frame against its own context, never against the wire.

use crate::context::{Context, FramePolicy, Protocol, StreamContext, TagMode, tag_len_of_code};
use crate::crc::{CRC16, Crc32};
use crate::crypto::{KeyRing, tag_matches};
use crate::layout::{self, FrameBlock, RecordHeader, SEP_HEADER_LEN};
use crate::packet::{
    self, DT_BLANKING, DT_FE, DT_FS, DT_NULL, Header, PacketReader, ParseError, RawPacket,
};
use crate::scope::{FrameMacs, Partition};
use serde::Serialize;
use std::collections::HashMap;

/// Verdicts of spec §6, in order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    FormatError,
    PolicyViolation,
    MissingTag,
    AuthFail,
    Replay,
    Unprotected,
    Ok,
}

impl Verdict {
    pub const ALL: [Verdict; 7] = [
        Verdict::FormatError,
        Verdict::PolicyViolation,
        Verdict::MissingTag,
        Verdict::AuthFail,
        Verdict::Replay,
        Verdict::Unprotected,
        Verdict::Ok,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Verdict::FormatError => "format_error",
            Verdict::PolicyViolation => "policy_violation",
            Verdict::MissingTag => "missing_tag",
            Verdict::AuthFail => "auth_fail",
            Verdict::Replay => "replay",
            Verdict::Unprotected => "unprotected",
            Verdict::Ok => "ok",
        }
    }

    /// Ok or unprotected: nothing wrong was found.
    pub fn is_good(self) -> bool {
        matches!(self, Verdict::Ok | Verdict::Unprotected)
    }
}

/// The verdict of one frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FrameVerdict {
    pub stream: u8,
    /// The frame counter (none for a SEP frame without classified packets,
    /// or an FSED frame without a valid FSED-Header).
    pub frame_counter: Option<u32>,
    /// The frame number of the FS.
    pub frame_number: u16,
    pub verdict: Verdict,
    /// What decided a verdict other than ok.
    pub reason: String,
    /// Byte offset of the packet that closed the frame.
    pub offset: usize,
}

/// The verdict of one classified packet (message tag mode).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PacketVerdict {
    pub stream: u8,
    pub frame_counter: Option<u32>,
    pub message_counter: u32,
    pub dt: u8,
    pub verdict: Verdict,
    pub reason: String,
    pub offset: usize,
}

/// RX counters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RxCounters {
    pub control_outside_frame: u64,
    pub released_as_received: u64,
    pub input_ecc_corrected: u64,
}

/// Everything an RX run found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RxReport {
    pub frames: Vec<FrameVerdict>,
    pub packets: Vec<PacketVerdict>,
    pub counters: RxCounters,
    /// Why processing stopped early, if it did.
    pub stopped: Option<String>,
}

impl RxReport {
    /// True if every frame and packet verdict is ok or unprotected.
    pub fn all_good(&self) -> bool {
        self.frames.iter().all(|f| f.verdict.is_good())
            && self.packets.iter().all(|p| p.verdict.is_good())
    }
}

/// The first reason found for each verdict class.
#[derive(Clone, Debug, Default)]
struct Findings {
    first: [Option<String>; 4],
}

impl Findings {
    fn note(&mut self, v: Verdict, why: impl FnOnce() -> String) {
        let i = v as usize;
        if i < 4 && self.first[i].is_none() {
            self.first[i] = Some(why());
        }
    }
    fn format(&mut self, why: &str) {
        self.note(Verdict::FormatError, || why.to_string());
    }
    fn policy(&mut self, why: String) {
        self.note(Verdict::PolicyViolation, || why);
    }
    fn missing(&mut self, why: &str) {
        self.note(Verdict::MissingTag, || why.to_string());
    }
    fn auth(&mut self, why: String) {
        self.note(Verdict::AuthFail, || why);
    }
    fn merge(&mut self, o: &Findings) {
        for (i, r) in o.first.iter().enumerate() {
            if self.first[i].is_none() {
                self.first[i].clone_from(r);
            }
        }
    }
    fn worst(&self) -> Option<(Verdict, String)> {
        self.first
            .iter()
            .enumerate()
            .find_map(|(i, r)| r.as_ref().map(|r| (Verdict::ALL[i], r.clone())))
    }
}

/// Name the first field where the wire differs from the context.
fn differing(fields: &[(&str, u64, u64)]) -> Option<String> {
    fields
        .iter()
        .find(|(_, w, e)| w != e)
        .map(|(n, w, e)| format!("{n}: wire {w:#x}, context expects {e:#x}"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Closing {
    /// No closing control packet yet.
    Body,
    /// After the SEP tag packet or the FSED-Tag.
    AfterTag,
    /// After the FSED-Safety.
    AfterSafety,
}

/// What the context expects of a frame once its counter is known.
struct Expect {
    policy: FramePolicy,
    macs: FrameMacs,
}

struct RxFrame {
    frame_number: u16,
    fc: Option<u32>,
    exp: Option<Expect>,
    part: Partition,
    find: Findings,
    closing: Closing,
    tag_packet: Option<Vec<u8>>,
    safety_seen: bool,
    any_packet: bool,
    /// FSED: the wire frame block.
    wire_block: Option<FrameBlock>,
    /// FSED: no valid FSED-Header first after FS: released as received.
    raw: bool,
    safety: Crc32,
    safety_bytes: u32,
}

impl RxFrame {
    fn new(frame_number: u16) -> RxFrame {
        RxFrame {
            frame_number,
            fc: None,
            exp: None,
            part: Partition::default(),
            find: Findings::default(),
            closing: Closing::Body,
            tag_packet: None,
            safety_seen: false,
            any_packet: false,
            wire_block: None,
            raw: false,
            safety: Crc32::default(),
            safety_bytes: 0,
        }
    }
}

struct RxStream {
    ctx: StreamContext,
    keys: KeyRing,
    /// Last accepted frame counter per key_id.
    accepted: HashMap<u8, u32>,
    frame: Option<RxFrame>,
}

impl RxStream {
    fn expect(&self, fc: u32, frame_block: Option<&[u8; 16]>) -> Expect {
        let policy = self.ctx.policy(fc);
        let key = self.keys.get(policy.key_id).expect("validated key_id");
        Expect {
            policy,
            macs: FrameMacs::new(key, &self.ctx, policy.key_id, fc, frame_block),
        }
    }

    fn is_replay(&self, key_id: u8, fc: u32) -> bool {
        self.accepted.get(&key_id).is_some_and(|&last| fc <= last)
    }
}

/// The RX of one context.
pub struct Rx {
    protocol: Protocol,
    control_dt: u8,
    streams: Vec<Option<RxStream>>,
    pub report: RxReport,
}

impl Rx {
    pub fn new(ctx: &Context) -> Rx {
        let mut streams: Vec<Option<RxStream>> = (0..16).map(|_| None).collect();
        for s in &ctx.streams {
            streams[s.stream as usize] = Some(RxStream {
                ctx: s.clone(),
                keys: KeyRing::new(s),
                accepted: HashMap::new(),
                frame: None,
            });
        }
        Rx {
            protocol: ctx.protocol,
            control_dt: ctx.control_dt,
            streams,
            report: RxReport::default(),
        }
    }

    /// Process one received packet, appending what is released to `out`.
    pub fn packet(&mut self, p: &RawPacket, out: &mut Vec<u8>) {
        let h = p.header;
        if p.ecc != crate::ecc::EccOutcome::Clean {
            self.report.counters.input_ecc_corrected += 1;
        }
        let Some(st) = self.streams[h.stream() as usize].as_mut() else {
            return p.write_as_received(out);
        };
        match h.dt {
            DT_FS => {
                if let Some(f) = st.frame.take() {
                    let v = finish(self.protocol, st, f, true, p.offset);
                    self.report.frames.push(v);
                }
                st.frame = Some(RxFrame::new(h.wc));
                p.write_as_received(out);
            }
            DT_FE => {
                if let Some(f) = st.frame.take() {
                    let v = finish(self.protocol, st, f, false, p.offset);
                    self.report.frames.push(v);
                }
                p.write_as_received(out);
            }
            _ => {
                let Some(f) = st.frame.as_mut() else {
                    if h.dt == self.control_dt {
                        self.report.counters.control_outside_frame += 1;
                    } else {
                        p.write_as_received(out);
                    }
                    return;
                };
                let classified = h.is_long()
                    && h.dt != DT_NULL
                    && h.dt != DT_BLANKING
                    && h.dt != self.control_dt;
                // Classified packets check their CRC-16 in the same pass
                // that serves their output CRC.
                if !classified && p.crc_error() != 0 {
                    f.find.format("CRC-16 error in a long packet");
                }
                if h.dt == self.control_dt {
                    return control_packet(self.protocol, st, p);
                }
                if self.protocol == Protocol::Fsed && !f.any_packet {
                    f.raw = true;
                    f.find
                        .format("absent FSED-Header: the first packet after FS is not one");
                }
                f.any_packet = true;
                if f.closing != Closing::Body {
                    f.find.format("a packet after the closing control packets");
                }
                if !classified {
                    return p.write_as_received(out);
                }
                if self.protocol == Protocol::Sep {
                    sep_classified(st, p, out, &mut self.report);
                } else {
                    fsed_classified(st, p, out, &mut self.report.counters);
                }
            }
        }
    }

    /// End of input: every open frame ends with format_error.
    pub fn finish_input(&mut self, why: &str, offset: usize) {
        for st in self.streams.iter_mut().flatten() {
            if let Some(mut f) = st.frame.take() {
                f.find.format(why);
                let v = finish(self.protocol, st, f, false, offset);
                self.report.frames.push(v);
            }
        }
    }
}

fn control_packet(protocol: Protocol, st: &mut RxStream, p: &RawPacket) {
    let first_packet = {
        let f = st.frame.as_mut().expect("in a frame");
        let first = !f.any_packet;
        f.any_packet = true;
        first
    };
    let pl = p.payload;
    if protocol == Protocol::Fsed && first_packet {
        match FrameBlock::parse(pl) {
            Some(fb) => {
                let fc = fb.frame_counter;
                let policy = st.ctx.policy(fc);
                let want = FrameBlock::expected(&st.ctx, policy.sv, policy.key_id, fc);
                let exp = st.expect(fc, Some(&want.to_bytes()));
                let f = st.frame.as_mut().expect("in a frame");
                if let Some(d) = frame_block_difference(&fb, &want) {
                    f.find.policy(format!("FSED-Header {d}"));
                }
                f.fc = Some(fc);
                f.exp = Some(exp);
                f.wire_block = Some(fb);
            }
            None => {
                let f = st.frame.as_mut().expect("in a frame");
                f.raw = true;
                f.find
                    .format("invalid FSED-Header (length, first byte or reserved bytes)");
            }
        }
        return;
    }
    let f = st.frame.as_mut().expect("in a frame");
    if f.raw {
        return;
    }
    let t = match (protocol, f.wire_block) {
        (Protocol::Fsed, Some(fb)) => {
            tag_len_of_code(layout::parse_config(fb.config).tag_len_code).unwrap_or(st.ctx.tag_len)
        }
        _ => st.ctx.tag_len,
    };
    match (protocol, pl.first().copied()) {
        (Protocol::Fsed, Some(layout::FRAME_BLOCK_ID)) => f.find.format("FSED-Header out of place"),
        (_, Some(layout::TRAILER_ID)) => {
            let entry = layout::BLOCK_LEN + t;
            let len_ok = match protocol {
                Protocol::Sep => !pl.is_empty() && pl.len() % entry == 0,
                Protocol::Fsed => pl.len() == entry,
            };
            if f.closing != Closing::Body {
                f.find.format("tag packet out of place");
            } else if !len_ok {
                f.find.format("tag packet of the wrong length");
            } else {
                f.tag_packet = Some(pl.to_vec());
                f.closing = Closing::AfterTag;
            }
        }
        (Protocol::Fsed, Some(layout::SAFETY_ID)) => {
            if f.closing == Closing::AfterSafety {
                f.find.format("FSED-Safety out of place");
            } else if !layout::safety_well_formed(pl) {
                f.find
                    .format("FSED-Safety of the wrong length or with reserved bytes set");
            } else {
                f.closing = Closing::AfterSafety;
                f.safety_seen = true;
                let want =
                    layout::safety_payload(f.safety.value(), f.part.messages(), f.safety_bytes);
                // The RX keeps the CRC-32 only where its context has crc32 on.
                if st.ctx.crc32 && pl != want {
                    f.find.format("FSED-Safety CRC-32, count or length differs");
                }
                if !st.ctx.crc32 {
                    f.find
                        .policy("FSED-Safety present; the context has crc32 off".into());
                }
            }
        }
        _ => f.find.format("control packet of unknown kind"),
    }
}

fn frame_block_difference(w: &FrameBlock, e: &FrameBlock) -> Option<String> {
    differing(&[
        ("stream", w.stream as u64, e.stream as u64),
        ("key_id", w.key_id as u64, e.key_id as u64),
        ("config byte", w.config as u64, e.config as u64),
        ("SV top", w.sv[0] as u64, e.sv[0] as u64),
        ("SV middle", w.sv[1] as u64, e.sv[1] as u64),
        ("SV bottom", w.sv[2] as u64, e.sv[2] as u64),
        ("stride", w.stride as u64, e.stride as u64),
        ("window offset", w.window.0 as u64, e.window.0 as u64),
        ("window length", w.window.1 as u64, e.window.1 as u64),
    ])
}

/// The record header the context expects for a packet.
fn expected_rh(
    ctx: &StreamContext,
    h: Header,
    wc: usize,
    sv: u8,
    covered: bool,
    key_id: u8,
    fc: u32,
    mc: u32,
) -> RecordHeader {
    RecordHeader {
        di: h.di(),
        vcx: h.vcx,
        wc: wc as u16,
        version: layout::VERSION,
        covered,
        reserved_bit: false,
        sv,
        config: layout::config_byte(ctx, sv == 1),
        key_id,
        stream: ctx.stream,
        frame_counter: fc,
        message_counter: mc,
    }
}

fn sep_classified(st: &mut RxStream, p: &RawPacket, out: &mut Vec<u8>, report: &mut RxReport) {
    let h = p.header;
    let message_mode = st.ctx.tag_mode == TagMode::Message;
    let f = st.frame.as_mut().expect("in a frame");
    let place = f.part.classify(h.dt);
    let mut pf = Findings::default();
    if f.closing != Closing::Body {
        pf.format("a packet after the SEP tag packet");
    }
    let pl = p.payload;
    // Decode what the wire announces.
    let decoded = (|| {
        let sep: [u8; 12] = pl.get(..SEP_HEADER_LEN)?.try_into().ok()?;
        let wire = RecordHeader::from_sep_header(&sep, h.di(), h.vcx, 0);
        let cfg = layout::parse_config(wire.config);
        let t = tag_len_of_code(cfg.tag_len_code)?;
        let tag_here = cfg.tag_mode == TagMode::Message as u8 && wire.covered;
        let footer = layout::sep_footer_len(cfg.crc32, tag_here, t);
        let wc0 = pl.len().checked_sub(SEP_HEADER_LEN + footer)?;
        Some((sep, wire, cfg, wc0, tag_here))
    })();
    let Some((sep, wire, cfg, wc0, tag_here)) = decoded else {
        if p.crc_error() != 0 {
            pf.format("CRC-16 error");
        }
        pf.format("WC too short for the SEP header and footer it announces");
        report.counters.released_as_received += 1;
        p.write_as_received(out);
        return finish_packet(
            st,
            pf,
            place.message_counter,
            None,
            h.dt,
            p.offset,
            report,
            message_mode,
        );
    };
    let data = &pl[SEP_HEADER_LEN..SEP_HEADER_LEN + wc0];
    let after = &pl[SEP_HEADER_LEN + wc0..];
    // One CRC-16 pass: the check of the payload as received, and the CRC
    // of the data alone for the released packet.
    let s1 = CRC16.update(CRC16.init(), &sep);
    let s2 = CRC16.update(s1, data);
    let crc_err = p.crc ^ CRC16.update(s2, after) as u16;
    let crc16_data = (s2 ^ CRC16.zeros(s1 ^ CRC16.init(), wc0)) as u16;
    if crc_err != 0 {
        pf.format("CRC-16 error");
    }
    if cfg.crc32 {
        let mut c = Crc32::default();
        c.update(&sep);
        c.update(data);
        if after[..4] != c.value().to_le_bytes() {
            pf.format("SEP CRC-32 error");
        }
    }
    let wire_tag = if tag_here {
        &after[4 * cfg.crc32 as usize..]
    } else {
        &[][..]
    };
    let fc = match f.fc {
        None => {
            f.fc = Some(wire.frame_counter);
            wire.frame_counter
        }
        Some(fc) => {
            if fc != wire.frame_counter {
                pf.policy(format!(
                    "frame counter {:#x} differs from the frame's {:#x}",
                    wire.frame_counter, fc
                ));
            }
            fc
        }
    };
    if f.exp.is_none() {
        let e = st.expect(fc, None);
        st.frame.as_mut().expect("in a frame").exp = Some(e);
    }
    let f = st.frame.as_mut().expect("in a frame");
    let exp = f.exp.as_mut().expect("set above");
    let sv = exp.policy.sv[place.block];
    let cov = layout::coverage(sv, st.ctx.stride, place.line_index, st.ctx.window, wc0);
    let want = expected_rh(
        &st.ctx,
        h,
        wc0,
        sv,
        cov.is_some(),
        exp.policy.key_id,
        fc,
        place.message_counter,
    );
    if let Some(d) = differing(&[
        ("version", wire.version as u64, want.version as u64),
        ("reserved bit 4", wire.reserved_bit as u64, 0),
        ("covered bit", wire.covered as u64, want.covered as u64),
        ("SV", wire.sv as u64, want.sv as u64),
        ("config byte", wire.config as u64, want.config as u64),
        ("key_id", wire.key_id as u64, want.key_id as u64),
        ("stream", wire.stream as u64, want.stream as u64),
    ]) {
        pf.policy(format!("SEP header {d}"));
    }
    if wire.message_counter != place.message_counter {
        pf.auth(format!(
            "message counter {} where the RX counts {}",
            wire.message_counter, place.message_counter
        ));
    }
    if let Some(r) = cov.clone() {
        if let Some(full) = exp
            .macs
            .add(&want.to_bytes(), &data[r], h.dt, place.message_counter)
        {
            if tag_here
                && wire_tag.len() == st.ctx.tag_len
                && !tag_matches(&full[..st.ctx.tag_len], wire_tag)
            {
                pf.auth(format!(
                    "message tag mismatch (message counter {})",
                    place.message_counter
                ));
            }
        }
    }
    match st.keys.get(wire.key_id).filter(|_| cfg.enc) {
        Some(k) => {
            let mut plain = data.to_vec();
            let cb = layout::ctr_block(
                wire.stream,
                wire.key_id,
                wire.frame_counter,
                wire.message_counter,
            );
            k.aes().ctr32_xor(&cb, &mut plain);
            packet::write_long(out, h, &[&plain], crc_err);
        }
        None => packet::write_long_with_crc(out, h, &[data], crc16_data ^ crc_err),
    }
    let good = if cov.is_some() {
        Verdict::Ok
    } else {
        Verdict::Unprotected
    };
    finish_packet(
        st,
        pf,
        place.message_counter,
        Some((fc, good)),
        h.dt,
        p.offset,
        report,
        message_mode,
    );
}

/// Fold a packet's findings into its frame and, in message mode, record
/// the packet's own verdict.
#[allow(clippy::too_many_arguments)]
fn finish_packet(
    st: &mut RxStream,
    pf: Findings,
    mc: u32,
    fc_and_good: Option<(u32, Verdict)>,
    dt: u8,
    offset: usize,
    report: &mut RxReport,
    message_mode: bool,
) {
    let f = st.frame.as_mut().expect("in a frame");
    f.find.merge(&pf);
    if !message_mode {
        return;
    }
    let key_id = f.exp.as_ref().map(|e| e.policy.key_id);
    let (verdict, reason) = match (pf.worst(), fc_and_good) {
        (Some((v, r)), _) => (v, r),
        (None, Some((fc, good))) => {
            if key_id.is_some_and(|k| st.is_replay(k, fc)) {
                (
                    Verdict::Replay,
                    format!("frame counter {fc} not above the last accepted"),
                )
            } else {
                (good, String::new())
            }
        }
        (None, None) => (Verdict::FormatError, "undecodable".into()),
    };
    report.packets.push(PacketVerdict {
        stream: st.ctx.stream,
        frame_counter: fc_and_good.map(|x| x.0),
        message_counter: mc,
        dt,
        verdict,
        reason,
        offset,
    });
}

fn fsed_classified(st: &mut RxStream, p: &RawPacket, out: &mut Vec<u8>, counters: &mut RxCounters) {
    let h = p.header;
    let ctx_crc32 = st.ctx.crc32;
    let f = st.frame.as_mut().expect("in a frame");
    let place = f.part.classify(h.dt);
    if f.raw {
        counters.released_as_received += 1;
        return p.write_as_received(out);
    }
    let (Some(fb), Some(exp)) = (f.wire_block, f.exp.as_mut()) else {
        counters.released_as_received += 1;
        return p.write_as_received(out);
    };
    let pl = p.payload;
    let crc_err = p.crc_error();
    if crc_err != 0 {
        f.find.format("CRC-16 error in a long packet");
    }
    if ctx_crc32 {
        f.safety.update(pl);
    }
    f.safety_bytes = f.safety_bytes.wrapping_add(pl.len() as u32);
    let sv = exp.policy.sv[place.block];
    let cov = layout::coverage(sv, st.ctx.stride, place.line_index, st.ctx.window, pl.len());
    let fc = fb.frame_counter;
    if let Some(r) = cov.clone() {
        let want = expected_rh(
            &st.ctx,
            h,
            pl.len(),
            sv,
            true,
            exp.policy.key_id,
            fc,
            place.message_counter,
        );
        exp.macs
            .add(&want.to_bytes(), &pl[r], h.dt, place.message_counter);
    }
    match st.keys.get(fb.key_id).filter(|_| fb.sv[place.block] == 1) {
        Some(k) => {
            let mut plain = pl.to_vec();
            k.aes().ctr32_xor(
                &layout::ctr_block(fb.stream, fb.key_id, fc, place.message_counter),
                &mut plain,
            );
            packet::write_long(out, h, &[&plain], crc_err);
        }
        None => p.write_as_received(out),
    }
}

/// Judge a frame at its FE, at the FS that abandons it, or at the end of
/// the input.
fn finish(
    protocol: Protocol,
    st: &mut RxStream,
    f: RxFrame,
    abandoned: bool,
    offset: usize,
) -> FrameVerdict {
    let ctx = &st.ctx;
    let mut find = f.find;
    let t = ctx.tag_len;
    let mut expected_records = 0;
    let mut key_id = None;
    match f.exp {
        Some(exp) => {
            expected_records = exp.macs.records();
            key_id = Some(exp.policy.key_id);
            let entries = exp.macs.close(f.frame_number);
            match &f.tag_packet {
                None if !entries.is_empty() => find.missing(if abandoned {
                    "no tag packet before the FS that abandoned the frame"
                } else {
                    "no tag packet before FE"
                }),
                None => {}
                Some(_) if entries.is_empty() => {
                    find.auth("a tag packet where no record is expected".into())
                }
                Some(tp) => {
                    let n = tp.len() / (layout::BLOCK_LEN + t);
                    if n != entries.len() || tp.len() % (layout::BLOCK_LEN + t) != 0 {
                        find.auth(format!(
                            "tag packet has {n} entries; the context expects {}",
                            entries.len()
                        ));
                    } else {
                        for (i, (tr, tag)) in entries.iter().enumerate() {
                            let e = &tp[i * (16 + t)..(i + 1) * (16 + t)];
                            if e[..16] != tr[..] {
                                find.auth(format!(
                                    "trailer of tag entry {i} differs from the rebuilt one"
                                ));
                            } else if !tag_matches(&tag[..t], &e[16..]) {
                                find.auth(format!("tag mismatch in tag entry {i}"));
                            }
                        }
                    }
                }
            }
        }
        None => {
            if f.tag_packet.is_some() {
                find.auth("a tag packet where no record is expected".into());
            }
        }
    }
    if protocol == Protocol::Fsed && !f.raw {
        if !f.any_packet {
            find.format("absent FSED-Header");
        } else if ctx.crc32 && !f.safety_seen {
            if abandoned {
                find.missing("no FSED-Safety before the FS that abandoned the frame");
            } else {
                find.format("absent FSED-Safety (the context has crc32 on)");
            }
        }
    }
    let (verdict, reason) = match find.worst() {
        Some(x) => x,
        None => match (f.fc, key_id) {
            (Some(fc), Some(k)) if st.is_replay(k, fc) => (
                Verdict::Replay,
                format!("frame counter {fc} not above the last accepted"),
            ),
            _ if expected_records == 0 => (Verdict::Unprotected, String::new()),
            _ => (Verdict::Ok, String::new()),
        },
    };
    if verdict == Verdict::Ok {
        if let (Some(fc), Some(k)) = (f.fc, key_id) {
            st.accepted.insert(k, fc);
        }
    }
    FrameVerdict {
        stream: ctx.stream,
        frame_counter: f.fc,
        frame_number: f.frame_number,
        verdict,
        reason,
        offset,
    }
}

/// Verify a whole raw packet stream: the released bytes and the report.
pub fn verify(ctx: &Context, input: &[u8]) -> (Vec<u8>, RxReport) {
    let mut rx = Rx::new(ctx);
    let mut out = Vec::with_capacity(input.len());
    for p in PacketReader::new(input, ctx.vcx) {
        match p {
            Ok(p) => rx.packet(&p, &mut out),
            Err(e) => {
                let why = match &e {
                    ParseError::Header { .. } => "uncorrectable packet header",
                    ParseError::Truncated { .. } => "stream ends inside a packet",
                };
                rx.report.stopped = Some(e.to_string());
                rx.finish_input(why, e.offset());
                return (out, rx.report);
            }
        }
    }
    rx.finish_input("stream ends inside the frame", input.len());
    (out, rx.report)
}
