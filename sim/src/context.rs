//! The security context (spec §3, §8): the JSON file every tool takes, and
//! its validation. Errors name the field and the reason; keys are never
//! printed.

use crate::crypto::{SecretKey, Suite};
use serde::Deserialize;
use serde_json::Value;

/// SEP (per-packet wrapping) or FSED (added packets), one per instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Sep,
    Fsed,
}

/// Where tags go (spec §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagMode {
    Frame = 0,
    Message = 1,
    DataType = 2,
}

impl TagMode {
    pub fn name(self) -> &'static str {
        match self {
            TagMode::Frame => "frame",
            TagMode::Message => "message",
            TagMode::DataType => "data-type",
        }
    }
}

/// Tag length code of the config byte: 16 → 0, 12 → 1, 8 → 2.
pub fn tag_len_code(len: usize) -> u8 {
    match len {
        16 => 0,
        12 => 1,
        _ => 2,
    }
}

/// Tag length of a code, if the code is valid.
pub fn tag_len_of_code(code: u8) -> Option<usize> {
    [16, 12, 8].get(code as usize).copied()
}

/// One key slot.
#[derive(Clone, Debug)]
pub struct KeySlot {
    pub key_id: u8,
    pub key: SecretKey,
}

/// Per-frame settings: SV of the top, middle and bottom blocks, key_id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FramePolicy {
    pub sv: [u8; 3],
    pub key_id: u8,
}

/// The context of one stream.
#[derive(Clone, Debug)]
pub struct StreamContext {
    pub stream: u8,
    pub suite: Suite,
    pub tag_mode: TagMode,
    pub tag_len: usize,
    pub crc32: bool,
    pub stride: u8,
    /// SV-4 window: offset, length.
    pub window: (u16, u16),
    pub keys: Vec<KeySlot>,
    pub active_key_id: u8,
    pub frame_counter: u32,
    pub frames: Vec<FramePolicy>,
}

impl StreamContext {
    /// The `frames` entry of the frame with counter `fc` (spec §3).
    pub fn policy(&self, fc: u32) -> FramePolicy {
        let i = fc.wrapping_sub(self.frame_counter) as usize % self.frames.len();
        self.frames[i]
    }

    pub fn key(&self, key_id: u8) -> Option<&SecretKey> {
        self.keys
            .iter()
            .find(|k| k.key_id == key_id)
            .map(|k| &k.key)
    }
}

/// A whole security context.
#[derive(Clone, Debug)]
pub struct Context {
    pub protocol: Protocol,
    pub vcx: bool,
    pub control_dt: u8,
    pub streams: Vec<StreamContext>,
}

/// A context error: the field (a JSON path) and the reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ContextError {
    pub field: String,
    pub reason: String,
}

fn err<T>(field: impl Into<String>, reason: impl Into<String>) -> Result<T, ContextError> {
    Err(ContextError {
        field: field.into(),
        reason: reason.into(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContext {
    protocol: Value,
    vcx: Option<Value>,
    control_dt: Option<Value>,
    streams: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStream {
    stream: Option<Value>,
    suite: Option<Value>,
    tag_mode: Option<Value>,
    tag_len: Option<Value>,
    crc32: Option<Value>,
    stride: Option<Value>,
    window: Option<Value>,
    keys: Option<Value>,
    active_key_id: Option<Value>,
    frame_counter: Option<Value>,
    frames: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    key_id: Option<Value>,
    key: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrame {
    sv: Option<Value>,
    key_id: Option<Value>,
}

fn uint(v: &Value, field: &str, lo: u64, hi: u64) -> Result<u64, ContextError> {
    match v.as_u64() {
        Some(n) if (lo..=hi).contains(&n) => Ok(n),
        Some(n) => err(field, format!("{n} is outside {lo}..{hi}")),
        None => err(
            field,
            format!("expected an integer in {lo}..{hi}, found {v}"),
        ),
    }
}

fn string<'a>(v: &'a Value, field: &str) -> Result<&'a str, ContextError> {
    v.as_str()
        .map_or_else(|| err(field, format!("expected a string, found {v}")), Ok)
}

fn boolean(v: &Value, field: &str) -> Result<bool, ContextError> {
    v.as_bool().map_or_else(
        || err(field, format!("expected true or false, found {v}")),
        Ok,
    )
}

fn array<'a>(v: &'a Value, field: &str) -> Result<&'a Vec<Value>, ContextError> {
    v.as_array()
        .map_or_else(|| err(field, format!("expected an array, found {v}")), Ok)
}

fn strip_serde(e: serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) if e.line() == 0 => s[..i].to_string(),
        _ => s,
    }
}

fn object<T: for<'de> Deserialize<'de>>(v: &Value, field: &str) -> Result<T, ContextError> {
    T::deserialize(v).map_err(|e| ContextError {
        field: field.into(),
        reason: strip_serde(e),
    })
}

impl Context {
    /// Parse and validate a context file's text.
    pub fn from_json(text: &str) -> Result<Context, ContextError> {
        let v: Value = serde_json::from_str(text).map_err(|e| ContextError {
            field: "(file)".into(),
            reason: format!("not valid JSON: {e}"),
        })?;
        Context::from_value(&v)
    }

    /// Validate a parsed context.
    pub fn from_value(v: &Value) -> Result<Context, ContextError> {
        let raw: RawContext = object(v, "(top level)")?;
        let protocol = match string(&raw.protocol, "protocol")? {
            "sep" => Protocol::Sep,
            "fsed" => Protocol::Fsed,
            other => {
                return err(
                    "protocol",
                    format!("\"{other}\" is not \"sep\" or \"fsed\""),
                );
            }
        };
        let vcx = raw.vcx.as_ref().map_or(Ok(true), |v| boolean(v, "vcx"))?;
        let control_dt = match &raw.control_dt {
            None => 0x13,
            Some(v) => uint(v, "control_dt", 0, 255).and_then(|n| {
                if (0x13..=0x3f).contains(&n) {
                    Ok(n as u8)
                } else {
                    err(
                        "control_dt",
                        format!("{n} (0x{n:02x}) is outside 0x13..0x3F"),
                    )
                }
            })?,
        };
        let list = array(&raw.streams, "streams")?;
        if list.is_empty() {
            return err("streams", "at least one stream is required");
        }
        let mut streams: Vec<StreamContext> = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let sc = parse_stream(s, &format!("streams[{i}]"), protocol, vcx)?;
            if streams.iter().any(|o| o.stream == sc.stream) {
                return err(
                    format!("streams[{i}].stream"),
                    format!("stream {} appears twice", sc.stream),
                );
            }
            streams.push(sc);
        }
        Ok(Context {
            protocol,
            vcx,
            control_dt,
            streams,
        })
    }

    pub fn stream(&self, stream: u8) -> Option<&StreamContext> {
        self.streams.iter().find(|s| s.stream == stream)
    }

    /// The context as JSON (keys included: for writing context files).
    pub fn to_json(&self) -> Value {
        use serde_json::json;
        json!({
            "protocol": match self.protocol { Protocol::Sep => "sep", Protocol::Fsed => "fsed" },
            "vcx": self.vcx,
            "control_dt": self.control_dt,
            "streams": self.streams.iter().map(|s| json!({
                "stream": s.stream,
                "suite": s.suite.name(),
                "tag_mode": s.tag_mode.name(),
                "tag_len": s.tag_len,
                "crc32": s.crc32,
                "stride": s.stride,
                "window": [s.window.0, s.window.1],
                "keys": s.keys.iter().map(|k| json!({"key_id": k.key_id, "key": hex::encode(k.key.expose())})).collect::<Vec<_>>(),
                "active_key_id": s.active_key_id,
                "frame_counter": s.frame_counter,
                "frames": s.frames.iter().map(|f| json!({"sv": f.sv, "key_id": f.key_id})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }
}

fn required<'a>(v: &'a Option<Value>, field: String) -> Result<(&'a Value, String), ContextError> {
    match v {
        Some(v) => Ok((v, field)),
        None => err(field, "missing (required)"),
    }
}

fn parse_stream(
    v: &Value,
    at: &str,
    protocol: Protocol,
    vcx: bool,
) -> Result<StreamContext, ContextError> {
    let raw: RawStream = object(v, at)?;
    let f = |name: &str| format!("{at}.{name}");
    let (sv, field) = required(&raw.stream, f("stream"))?;
    let stream = uint(sv, &field, 0, if vcx { 15 } else { 3 }).map_err(|e| {
        if vcx {
            e
        } else {
            ContextError {
                reason: format!("{} (VCX is off: streams 0..3)", e.reason),
                ..e
            }
        }
    })? as u8;
    let (sv, field) = required(&raw.suite, f("suite"))?;
    let suite_name = string(sv, &field)?;
    let suite = Suite::from_name(suite_name).map_or_else(
        || {
            err(
                &field,
                format!("\"{suite_name}\" is not one of gmac-128, gmac-256, cmac-128, cmac-256"),
            )
        },
        Ok,
    )?;
    let tag_mode = match raw
        .tag_mode
        .as_ref()
        .map(|v| string(v, &f("tag_mode")))
        .transpose()?
    {
        None | Some("frame") => TagMode::Frame,
        Some("message") => TagMode::Message,
        Some("data-type") => TagMode::DataType,
        Some(o) => {
            return err(
                f("tag_mode"),
                format!("\"{o}\" is not frame, message or data-type"),
            );
        }
    };
    if protocol == Protocol::Fsed && tag_mode != TagMode::Frame {
        return err(
            f("tag_mode"),
            format!(
                "FSED supports only the frame tag mode, not {}",
                tag_mode.name()
            ),
        );
    }
    let tag_len = match &raw.tag_len {
        None => 16,
        Some(v) => match v.as_u64() {
            Some(n @ (8 | 12 | 16)) => n as usize,
            _ => return err(f("tag_len"), format!("{v} is not 16, 12 or 8")),
        },
    };
    let crc32 = raw
        .crc32
        .as_ref()
        .map_or(Ok(false), |v| boolean(v, &f("crc32")))?;
    let stride = match &raw.stride {
        None => 1,
        Some(v) => uint(v, &f("stride"), 1, 255)? as u8,
    };
    let window = match &raw.window {
        None => (0, 0),
        Some(v) => {
            let a = array(v, &f("window"))?;
            if a.len() != 2 {
                return err(
                    f("window"),
                    format!("expected [offset, length], found {} values", a.len()),
                );
            }
            (
                uint(&a[0], &f("window[0]"), 0, 65535)? as u16,
                uint(&a[1], &f("window[1]"), 0, 65535)? as u16,
            )
        }
    };
    let (kv, field) = required(&raw.keys, f("keys"))?;
    let klist = array(kv, &field)?;
    if klist.is_empty() || klist.len() > 2 {
        return err(
            field,
            format!(
                "{} keys given; one or two key slots are required",
                klist.len()
            ),
        );
    }
    let mut keys: Vec<KeySlot> = Vec::new();
    for (j, k) in klist.iter().enumerate() {
        let kat = format!("{at}.keys[{j}]");
        let rk: RawKey = object(k, &kat)?;
        let (idv, idf) = required(&rk.key_id, format!("{kat}.key_id"))?;
        let key_id = uint(idv, &idf, 0, 255)? as u8;
        if keys.iter().any(|o| o.key_id == key_id) {
            return err(idf, format!("key_id {key_id} is used by two slots"));
        }
        let (hv, hf) = required(&rk.key, format!("{kat}.key"))?;
        let text = string(hv, &hf)?;
        let bytes = hex::decode(text).map_err(|_| ContextError {
            field: hf.clone(),
            reason: "not a hex string".into(),
        })?;
        if bytes.len() != suite.key_len() {
            return err(
                hf,
                format!(
                    "{} bytes; {} needs a {}-byte key",
                    bytes.len(),
                    suite.name(),
                    suite.key_len()
                ),
            );
        }
        keys.push(KeySlot {
            key_id,
            key: SecretKey::new(bytes),
        });
    }
    let has_key = |id: u8| keys.iter().any(|k| k.key_id == id);
    let (av, af) = required(&raw.active_key_id, f("active_key_id"))?;
    let active_key_id = uint(av, &af, 0, 255)? as u8;
    if !has_key(active_key_id) {
        return err(af, format!("key_id {active_key_id} has no key in keys"));
    }
    let frame_counter = match &raw.frame_counter {
        None => 1,
        Some(v) => uint(v, &f("frame_counter"), 0, u32::MAX as u64)? as u32,
    };
    let frames = match &raw.frames {
        None => vec![FramePolicy {
            sv: [2, 2, 2],
            key_id: active_key_id,
        }],
        Some(v) => {
            let list = array(v, &f("frames"))?;
            if list.is_empty() {
                return err(f("frames"), "at least one entry is required");
            }
            let mut out = Vec::new();
            for (j, e) in list.iter().enumerate() {
                let fat = format!("{at}.frames[{j}]");
                let rf: RawFrame = object(e, &fat)?;
                let (svv, svf) = required(&rf.sv, format!("{fat}.sv"))?;
                let a = array(svv, &svf)?;
                if a.len() != 3 {
                    return err(
                        svf,
                        format!("expected [top, middle, bottom], found {} values", a.len()),
                    );
                }
                let mut sv = [0u8; 3];
                for b in 0..3 {
                    let bf = format!("{fat}.sv[{b}]");
                    sv[b] = uint(&a[b], &bf, 1, 5)? as u8;
                    if sv[b] == 1 && !suite.is_gmac() {
                        return err(
                            bf,
                            format!("SV-1 (encryption) needs a GMAC suite, not {}", suite.name()),
                        );
                    }
                }
                let key_id = match &rf.key_id {
                    None => active_key_id,
                    Some(v) => {
                        let kf = format!("{fat}.key_id");
                        let id = uint(v, &kf, 0, 255)? as u8;
                        if !has_key(id) {
                            return err(kf, format!("key_id {id} has no key in keys"));
                        }
                        id
                    }
                };
                out.push(FramePolicy { sv, key_id });
            }
            out
        }
    };
    Ok(StreamContext {
        stream,
        suite,
        tag_mode,
        tag_len,
        crc32,
        stride,
        window,
        keys,
        active_key_id,
        frame_counter,
        frames,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"protocol": "sep", "streams": [{"stream": 5, "suite": "cmac-256",
        "tag_mode": "message", "tag_len": 8, "crc32": true, "stride": 2, "window": [4, 16],
        "keys": [{"key_id": 7, "key": "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"}],
        "active_key_id": 7, "frame_counter": 41,
        "frames": [{"sv": [4, 3, 5]}, {"sv": [2, 2, 2], "key_id": 7}]}]}"#;

    fn fails(patch: impl Fn(&mut Value)) -> ContextError {
        let mut v: Value = serde_json::from_str(GOOD).unwrap();
        patch(&mut v);
        Context::from_value(&v).unwrap_err()
    }

    #[test]
    fn good_context_round_trips() {
        let c = Context::from_json(GOOD).unwrap();
        assert_eq!(c.control_dt, 0x13);
        let s = &c.streams[0];
        assert_eq!(
            (s.stream, s.tag_len, s.stride, s.window),
            (5, 8, 2, (4, 16))
        );
        assert_eq!(s.policy(41).sv, [4, 3, 5]);
        assert_eq!(s.policy(42).sv, [2, 2, 2]);
        assert_eq!(s.policy(43).sv, [4, 3, 5]);
        assert_eq!(s.policy(40).sv, [2, 2, 2]); // (40 - 41) mod 2^32 is odd
        let again = Context::from_value(&c.to_json()).unwrap();
        assert_eq!(again.to_json(), c.to_json());
    }

    #[test]
    fn errors_name_the_field() {
        let e = fails(|v| v["streams"][0]["colour"] = 1.into());
        assert!(
            e.field == "streams[0]" && e.reason.contains("colour"),
            "{e}"
        );
        let e = fails(|v| {
            v["streams"][0]
                .as_object_mut()
                .unwrap()
                .remove("keys")
                .map(|_| ())
                .unwrap()
        });
        assert_eq!(e.field, "streams[0].keys");
        let e = fails(|v| v["streams"][0]["suite"] = "gmac-128".into());
        assert!(
            e.field == "streams[0].keys[0].key" && e.reason.contains("32 bytes"),
            "{e}"
        );
        let e = fails(|v| v["streams"][0]["frames"][0]["sv"][0] = 1.into());
        assert_eq!(e.field, "streams[0].frames[0].sv[0]");
        let e = fails(|v| v["streams"][0]["stride"] = 0.into());
        assert_eq!(e.field, "streams[0].stride");
        let e = fails(|v| v["protocol"] = "fsed".into());
        assert_eq!(e.field, "streams[0].tag_mode");
        let e = fails(|v| v["control_dt"] = 0x12.into());
        assert_eq!(e.field, "control_dt");
        let e = fails(|v| v["streams"][0]["frames"][1]["key_id"] = 8.into());
        assert_eq!(e.field, "streams[0].frames[1].key_id");
        let e = fails(|v| v["vcx"] = false.into());
        assert_eq!(e.field, "streams[0].stream");
        let e = fails(|v| v["streams"][0]["keys"][0]["key"] = "zz".into());
        assert!(!e.to_string().contains("603deb"));
    }
}
