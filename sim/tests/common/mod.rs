#![allow(dead_code)]
//! Shared helpers of the integration tests.

use std::path::PathBuf;

/// The spec folder: `$CSI2SEC_SPEC_DIR`, else `shared/spec` beside the repository.
pub fn spec_dir() -> PathBuf {
    if let Ok(d) = std::env::var("CSI2SEC_SPEC_DIR") {
        return PathBuf::from(d);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec")
}

pub struct Example {
    pub name: String,
    pub config: serde_json::Value,
    pub input: Vec<u8>,
    pub output: Vec<u8>,
}

/// Every worked example of the spec; panics if there are none.
pub fn examples() -> Vec<Example> {
    let dir = spec_dir().join("examples");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("spec examples at {}: {e} (set CSI2SEC_SPEC_DIR)", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no examples in {}", dir.display());
    paths
        .iter()
        .map(|p| {
            let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            Example {
                name: v["name"].as_str().unwrap().to_string(),
                config: v["config"].clone(),
                input: hex::decode(v["input_hex"].as_str().unwrap()).unwrap(),
                output: hex::decode(v["output_hex"].as_str().unwrap()).unwrap(),
            }
        })
        .collect()
}

/// Packets of a stream as hex lines, for readable diffs.
pub fn packets_hex(data: &[u8], vcx: bool) -> Vec<String> {
    csi2sec_sim::packet::PacketReader::new(data, vcx)
        .map(|p| match p {
            Ok(p) => {
                let end = p.offset + if p.header.is_long() { 6 + p.payload.len() } else { 4 };
                hex::encode(&data[p.offset..end])
            }
            Err(e) => format!("error: {e}"),
        })
        .collect()
}
