//! Frame bookkeeping shared by TX and RX: partitions, line indices and
//! message counters (spec §2), and MAC scopes over records (spec §4).

use crate::crypto::{MacKey, MacState};
use crate::layout::{ZERO_PAD, pad_len};
use crate::packet::DT_EMBEDDED;

/// Top (FP-2), middle (FP-3) or bottom (FP-4) block, as an index into `sv`.
pub type Block = usize;

/// Where each classified packet of a frame falls.
#[derive(Clone, Debug, Default)]
pub struct Partition {
    seen_middle: bool,
    lines: [u32; 3],
    messages: u32,
}

/// A classified packet's place in its frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub block: Block,
    pub line_index: u32,
    pub message_counter: u32,
}

impl Partition {
    /// Assign the next classified packet of DT `dt`.
    pub fn classify(&mut self, dt: u8) -> Place {
        let block = if dt == DT_EMBEDDED {
            if self.seen_middle { 2 } else { 0 }
        } else {
            self.seen_middle = true;
            1
        };
        let place = Place {
            block,
            line_index: self.lines[block],
            message_counter: self.messages,
        };
        self.lines[block] += 1;
        self.messages = self.messages.wrapping_add(1);
        place
    }

    /// Classified packets so far.
    pub fn messages(&self) -> u32 {
        self.messages
    }
}

/// One MAC scope: its MAC state and the counts its trailer carries.
#[derive(Clone)]
pub struct Scope {
    mac: MacState,
    pub records: u32,
    pub bytes: u32,
}

impl Scope {
    pub fn new(key: &MacKey, nonce: [u8; 12]) -> Scope {
        Scope {
            mac: key.start(nonce),
            records: 0,
            bytes: 0,
        }
    }

    /// Feed a block that is not a record (the FSED frame block).
    pub fn prefix(&mut self, block: &[u8; 16]) {
        self.mac.update(block);
    }

    /// Feed a record: RH, covered bytes, zero padding.
    pub fn record(&mut self, rh: &[u8; 16], covered: &[u8]) {
        self.mac.update(rh);
        self.mac.update(covered);
        self.mac.update(&ZERO_PAD[..pad_len(covered.len())]);
        self.records += 1;
        self.bytes = self.bytes.wrapping_add(covered.len() as u32);
    }

    /// Close with the trailer block; the full 16-byte tag.
    pub fn finish(mut self, trailer: &[u8; 16]) -> [u8; 16] {
        self.mac.update(trailer);
        self.mac.finish()
    }

    /// The tag of a scope that has no trailer (message scope).
    pub fn finish_bare(self) -> [u8; 16] {
        self.mac.finish()
    }
}

/// The data-type scopes of a frame, in the order of their first record.
#[derive(Clone, Default)]
pub struct DtScopes(pub Vec<(u8, Scope)>);

impl DtScopes {
    pub fn get_or_start(&mut self, dt: u8, start: impl FnOnce() -> Scope) -> &mut Scope {
        let i = match self.0.iter().position(|(d, _)| *d == dt) {
            Some(i) => i,
            None => {
                self.0.push((dt, start()));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }
}

use crate::context::{StreamContext, TagMode};
use crate::layout::{ScopeKind, tag_nonce, trailer};

/// All MAC scopes of one frame of one stream, by tag mode (spec §4, §5).
#[derive(Clone)]
pub struct FrameMacs {
    key: MacKey,
    stream: u8,
    key_id: u8,
    fc: u32,
    mode: TagMode,
    frame: Scope,
    dts: DtScopes,
    records: u32,
}

impl FrameMacs {
    /// Scopes of the frame with counter `fc` under `key_id`; FSED passes
    /// its frame block, which opens the frame scope.
    pub fn new(
        key: &MacKey,
        s: &StreamContext,
        key_id: u8,
        fc: u32,
        frame_block: Option<&[u8; 16]>,
    ) -> FrameMacs {
        let mut frame = Scope::new(key, tag_nonce(s.stream, key_id, ScopeKind::Frame, fc, 0));
        if let Some(fb) = frame_block {
            frame.prefix(fb);
        }
        FrameMacs {
            key: key.clone(),
            stream: s.stream,
            key_id,
            fc,
            mode: s.tag_mode,
            frame,
            dts: DtScopes::default(),
            records: 0,
        }
    }

    /// Add a packet's record; in message mode, its full tag.
    pub fn add(&mut self, rh: &[u8; 16], covered: &[u8], dt: u8, mc: u32) -> Option<[u8; 16]> {
        self.records += 1;
        match self.mode {
            TagMode::Frame => self.frame.record(rh, covered),
            TagMode::DataType => {
                let (key, stream, key_id, fc) = (&self.key, self.stream, self.key_id, self.fc);
                self.dts
                    .get_or_start(dt, || {
                        Scope::new(
                            key,
                            tag_nonce(stream, key_id, ScopeKind::DataType, fc, dt as u32),
                        )
                    })
                    .record(rh, covered)
            }
            TagMode::Message => {
                let mut s = Scope::new(
                    &self.key,
                    tag_nonce(self.stream, self.key_id, ScopeKind::Message, self.fc, mc),
                );
                s.record(rh, covered);
                return Some(s.finish_bare());
            }
        }
        None
    }

    /// Records added so far.
    pub fn records(&self) -> u32 {
        self.records
    }

    /// Close the frame: `(trailer, full tag)` of every scope with a record,
    /// in order (none in message mode).
    pub fn close(self, frame_number: u16) -> Vec<([u8; 16], [u8; 16])> {
        let stream = self.stream;
        let close = |kind: ScopeKind, dt: u8, s: Scope| {
            let t = trailer(kind, dt, stream, frame_number, s.records, s.bytes);
            (t, s.finish(&t))
        };
        match self.mode {
            TagMode::Frame if self.frame.records > 0 => {
                vec![close(ScopeKind::Frame, 0, self.frame)]
            }
            TagMode::DataType => self
                .dts
                .0
                .into_iter()
                .map(|(dt, s)| close(ScopeKind::DataType, dt, s))
                .collect(),
            _ => Vec::new(),
        }
    }
}
