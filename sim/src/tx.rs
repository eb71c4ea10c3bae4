//! TX, the sensor side (spec §2–§5): inserts csi2sec/1 protection into a
//! raw CSI-2 packet stream.

use crate::context::{Context, Protocol, StreamContext};
use crate::crc::{Crc32, crc16, crc16_around};
use crate::crypto::{KeyRing, MacKey};
use crate::layout::{self, FrameBlock, RecordHeader, SEP_HEADER_LEN};
use crate::packet::{
    self, DT_BLANKING, DT_FE, DT_FS, DT_NULL, Header, PacketReader, ParseError, RawPacket,
};
use crate::scope::{FrameMacs, Partition};
use serde::Serialize;
use std::borrow::Cow;

/// TX counters (spec §2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TxCounters {
    pub frames_protected: u64,
    pub frames_abandoned: u64,
    pub packets_protected: u64,
    pub dt_conflict: u64,
    pub oversize: u64,
    pub input_ecc_corrected: u64,
    pub input_ecc_error: u64,
    pub input_crc_error: u64,
    /// Streams whose frame counter is exhausted.
    pub rekey_needed: Vec<u8>,
}

struct TxFrame {
    fc: u32,
    frame_number: u16,
    sv: [u8; 3],
    key_id: u8,
    key: MacKey,
    part: Partition,
    macs: FrameMacs,
    safety: Crc32,
    safety_bytes: u32,
}

struct TxStream {
    ctx: StreamContext,
    keys: KeyRing,
    last_fc: Option<u32>,
    exhausted: bool,
    frame: Option<TxFrame>,
}

/// Where the payload bytes of protected packets went in the output:
/// covered (a change must be caught) and not covered (SV-5, SV-3 lines
/// off the stride, bytes outside the SV-4 window).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoverageTrace {
    pub covered: Vec<std::ops::Range<usize>>,
    pub uncovered: Vec<std::ops::Range<usize>>,
}

/// The TX of one context.
pub struct Tx {
    protocol: Protocol,
    control_dt: u8,
    streams: Vec<Option<TxStream>>,
    pub counters: TxCounters,
    /// Filled when set to `Some` (tests and cosimulation).
    pub trace: Option<CoverageTrace>,
}

impl Tx {
    pub fn new(ctx: &Context) -> Tx {
        let mut streams: Vec<Option<TxStream>> = (0..16).map(|_| None).collect();
        for s in &ctx.streams {
            streams[s.stream as usize] = Some(TxStream {
                ctx: s.clone(),
                keys: KeyRing::new(s),
                last_fc: None,
                exhausted: false,
                frame: None,
            });
        }
        Tx {
            protocol: ctx.protocol,
            control_dt: ctx.control_dt,
            streams,
            counters: TxCounters::default(),
            trace: None,
        }
    }

    /// Process one input packet, appending what goes out to `out`.
    pub fn packet(&mut self, p: &RawPacket, out: &mut Vec<u8>) {
        let h = p.header;
        if p.ecc != crate::ecc::EccOutcome::Clean {
            self.counters.input_ecc_corrected += 1;
        }
        let Some(st) = self.streams[h.stream() as usize].as_mut() else {
            return p.write_as_received(out);
        };
        match h.dt {
            DT_FS => {
                if st.frame.take().is_some() {
                    self.counters.frames_abandoned += 1;
                }
                let fc = match st.last_fc {
                    None => st.ctx.frame_counter,
                    Some(u32::MAX) => {
                        st.exhausted = true;
                        if !self.counters.rekey_needed.contains(&st.ctx.stream) {
                            self.counters.rekey_needed.push(st.ctx.stream);
                        }
                        u32::MAX
                    }
                    Some(c) => c + 1,
                };
                st.last_fc = Some(fc);
                let policy = st.ctx.policy(fc);
                let sv = if st.exhausted { [5, 5, 5] } else { policy.sv };
                let key = st
                    .keys
                    .get(policy.key_id)
                    .expect("validated key_id")
                    .clone();
                p.write_as_received(out);
                let fb = (self.protocol == Protocol::Fsed)
                    .then(|| FrameBlock::expected(&st.ctx, sv, policy.key_id, fc).to_bytes());
                if let Some(fb) = &fb {
                    packet::write_long(out, control_header(&st.ctx, self.control_dt), &[fb], 0);
                }
                let macs = FrameMacs::new(&key, &st.ctx, policy.key_id, fc, fb.as_ref());
                st.frame = Some(TxFrame {
                    fc,
                    frame_number: h.wc,
                    sv,
                    key_id: policy.key_id,
                    key,
                    part: Partition::default(),
                    macs,
                    safety: Crc32::default(),
                    safety_bytes: 0,
                });
            }
            DT_FE => {
                if let Some(f) = st.frame.take() {
                    close_frame(self.protocol, self.control_dt, &st.ctx, f, out);
                    self.counters.frames_protected += 1;
                }
                p.write_as_received(out);
            }
            dt if dt == self.control_dt => self.counters.dt_conflict += 1,
            _ if !h.is_long() => p.write_as_received(out),
            dt => {
                // One CRC-16 pass: the input check, and (for classified
                // packets) the CRC of the data as sent.
                let crc_err = p.crc ^ crc16(p.payload);
                if crc_err != 0 {
                    self.counters.input_crc_error += 1;
                }
                match st.frame.as_mut() {
                    Some(f) if dt != DT_NULL && dt != DT_BLANKING => {
                        if protect_packet(
                            self.protocol,
                            &st.ctx,
                            f,
                            p,
                            crc_err,
                            out,
                            self.trace.as_mut(),
                        ) {
                            self.counters.packets_protected += 1;
                        } else {
                            self.counters.oversize += 1;
                        }
                    }
                    _ => p.write_as_received(out),
                }
            }
        }
    }
}

/// Header of a control packet of this stream (length set on writing).
fn control_header(s: &StreamContext, control_dt: u8) -> Header {
    Header::for_stream(s.stream, control_dt, 0)
}

/// Protect one classified packet; false if it was dropped as oversize.
fn protect_packet(
    protocol: Protocol,
    s: &StreamContext,
    f: &mut TxFrame,
    p: &RawPacket,
    crc_err: u16,
    out: &mut Vec<u8>,
    trace: Option<&mut CoverageTrace>,
) -> bool {
    let h = p.header;
    let place = f.part.classify(h.dt);
    let sv = f.sv[place.block];
    let wc = p.payload.len();
    let cov = layout::coverage(sv, s.stride, place.line_index, s.window, wc);
    let data: Cow<[u8]> = if sv == 1 {
        let mut d = p.payload.to_vec();
        let cb = layout::ctr_block(s.stream, f.key_id, f.fc, place.message_counter);
        f.key.aes().ctr32_xor(&cb, &mut d);
        Cow::Owned(d)
    } else {
        Cow::Borrowed(p.payload)
    };
    // CRC-16 of the data as sent: the input's (one pass, shared with the
    // input check) unless SV-1 changed them.
    let crc16_data = if sv == 1 {
        crc16(&data)
    } else {
        p.crc ^ crc_err
    };
    let rh = RecordHeader {
        di: h.di(),
        vcx: h.vcx,
        wc: h.wc,
        version: layout::VERSION,
        covered: cov.is_some(),
        reserved_bit: false,
        sv,
        config: layout::config_byte(s, sv == 1),
        key_id: f.key_id,
        stream: s.stream,
        frame_counter: f.fc,
        message_counter: place.message_counter,
    };
    let tag = cov.clone().and_then(|r| {
        f.macs
            .add(&rh.to_bytes(), &data[r], h.dt, place.message_counter)
    });
    let data_at = out.len()
        + 4
        + if protocol == Protocol::Sep {
            SEP_HEADER_LEN
        } else {
            0
        };
    match protocol {
        Protocol::Fsed => {
            f.safety.update(&data);
            f.safety_bytes = f.safety_bytes.wrapping_add(wc as u32);
            packet::write_long_with_crc(out, h, &[&data], crc16_data ^ crc_err);
        }
        Protocol::Sep => {
            let tag = tag.as_ref().map_or(&[][..], |t| &t[..s.tag_len]);
            let footer = layout::sep_footer_len(s.crc32, !tag.is_empty(), s.tag_len);
            if wc + SEP_HEADER_LEN + footer > u16::MAX as usize {
                return false;
            }
            let sep = rh.sep_header();
            let crc = if s.crc32 {
                let mut c = Crc32::default();
                c.update(&sep);
                c.update(&data);
                c.value().to_le_bytes().to_vec()
            } else {
                Vec::new()
            };
            let crc16 =
                crc16_around(&sep, crc16_data, data.len(), &[&crc[..], tag].concat()) ^ crc_err;
            packet::write_long_with_crc(out, h, &[&sep, &data, &crc, tag], crc16);
        }
    }
    if let Some(t) = trace {
        let at = |a: usize, b: usize| data_at + a..data_at + b;
        let gaps = match &cov {
            None => vec![(0, wc)],
            Some(r) => {
                if !r.is_empty() {
                    t.covered.push(at(r.start, r.end));
                }
                vec![(0, r.start), (r.end, wc)]
            }
        };
        t.uncovered.extend(
            gaps.into_iter()
                .filter(|(a, b)| a < b)
                .map(|(a, b)| at(a, b)),
        );
    }
    true
}

/// Emit a frame's closing control packets (spec §5.1, §5.2).
fn close_frame(
    protocol: Protocol,
    control_dt: u8,
    s: &StreamContext,
    f: TxFrame,
    out: &mut Vec<u8>,
) {
    let ch = control_header(s, control_dt);
    let count = f.part.messages();
    let entries = f.macs.close(f.frame_number);
    let tagged: Vec<Vec<u8>> = entries
        .iter()
        .map(|(t, tag)| [&t[..], &tag[..s.tag_len]].concat())
        .collect();
    match protocol {
        Protocol::Sep => {
            if !tagged.is_empty() {
                let refs: Vec<&[u8]> = tagged.iter().map(|v| &v[..]).collect();
                packet::write_long(out, ch, &refs, 0);
            }
        }
        Protocol::Fsed => {
            if let Some(t) = tagged.first() {
                packet::write_long(out, ch, &[t], 0);
            }
            if s.crc32 {
                let sp = layout::safety_payload(f.safety.value(), count, f.safety_bytes);
                packet::write_long(out, ch, &[&sp], 0);
            }
        }
    }
}

/// Why a TX run stopped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProtectError {
    #[error("{0}")]
    Input(#[from] ParseError),
}

/// Protect a whole raw packet stream.
pub fn protect(ctx: &Context, input: &[u8]) -> Result<(Vec<u8>, TxCounters), ProtectError> {
    let mut tx = Tx::new(ctx);
    let mut out = Vec::with_capacity(input.len() + input.len() / 64 + 64);
    for p in PacketReader::new(input, ctx.vcx) {
        match p {
            Ok(p) => tx.packet(&p, &mut out),
            Err(e) => {
                if matches!(e, ParseError::Header { .. }) {
                    tx.counters.input_ecc_error += 1;
                }
                return Err(e.into());
            }
        }
    }
    Ok((out, tx.counters))
}
