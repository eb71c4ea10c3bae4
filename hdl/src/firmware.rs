//! What firmware writes through the APB register port to apply a
//! security context (the testbench's driver and the board self-test's
//! sequencer both use these, so they program the IP the same way).

use crate::regs::RegisterMap;
use csi2sec_sim::context::{Context, StreamContext, TagMode, tag_len_code};

/// The writes (offset, value), in order, that apply the context of
/// stream `s`: CONFIG (enable last), WINDOW, FC_INIT (TX), the key slots,
/// CONFIG with enable, then CTRL.load. NEXT_FRAME is written per frame
/// ([`next_frame_write`]).
pub fn context_writes(map: &RegisterMap, ctx: &Context, s: &StreamContext) -> Vec<(u32, u32)> {
    let mode = match s.tag_mode {
        TagMode::Frame => 0,
        TagMode::Message => 1,
        TagMode::DataType => 2,
    };
    let cfg = |enable: u32| {
        vec![
            ("enable", enable),
            ("vcx", ctx.vcx as u32),
            ("control_dt", ctx.control_dt as u32),
            ("stream", s.stream as u32),
            ("suite", s.suite.code() as u32),
            ("tag_mode", mode),
            ("tag_len", tag_len_code(s.tag_len) as u32),
            ("crc32", s.crc32 as u32),
            ("stride", s.stride as u32),
        ]
    };
    let w = |name: &str, fields: &[(&str, u32)]| {
        let r = map.register(name);
        (r.offset, r.pack(fields))
    };
    let mut out = vec![
        w("config", &cfg(0)),
        w(
            "window",
            &[("offset", s.window.0 as u32), ("length", s.window.1 as u32)],
        ),
    ];
    if map.has("fc_init") {
        out.push(w("fc_init", &[("value", s.frame_counter)]));
    }
    for (i, k) in s.keys.iter().enumerate().take(2) {
        let key = k.key.expose();
        for word in 0..8 {
            let v = (0..4).fold(0u32, |a, b| {
                a << 8 | *key.get(4 * word + b).unwrap_or(&0) as u32
            });
            out.push((map.register(&format!("key{i}_w{word}")).offset, v));
        }
        out.push(w(
            &format!("key{i}_id"),
            &[("key_id", k.key_id as u32), ("valid", 1)],
        ));
    }
    out.push(w("config", &cfg(1)));
    out.push(w("ctrl", &[("load", 1)]));
    out
}

/// The NEXT_FRAME write (offset, value) with the policy of the frame
/// whose counter is `fc` (the context's `frames` list).
pub fn next_frame_write(map: &RegisterMap, s: &StreamContext, fc: u32) -> (u32, u32) {
    let pol = s.policy(fc);
    let r = map.register("next_frame");
    (
        r.offset,
        r.pack(&[
            ("sv_top", pol.sv[0] as u32),
            ("sv_middle", pol.sv[1] as u32),
            ("sv_bottom", pol.sv[2] as u32),
            ("key_id", pol.key_id as u32),
        ]),
    )
}
