//! Every worked example of the spec, byte for byte, through TX and RX.

mod common;
use csi2sec_sim::Context;

#[test]
fn tx_reproduces_every_example() {
    let mut failed = Vec::new();
    for ex in common::examples() {
        let ctx = Context::from_value(&ex.config).unwrap_or_else(|e| panic!("{}: {e}", ex.name));
        let (out, _) = csi2sec_sim::protect(&ctx, &ex.input).unwrap_or_else(|e| panic!("{}: {e}", ex.name));
        if out != ex.output {
            let got = common::packets_hex(&out, ctx.vcx);
            let want = common::packets_hex(&ex.output, ctx.vcx);
            eprintln!("== {}", ex.name);
            for i in 0..got.len().max(want.len()) {
                let g = got.get(i).map_or("-", |s| s);
                let w = want.get(i).map_or("-", |s| s);
                if g != w {
                    eprintln!("packet {i}\n  got  {g}\n  want {w}");
                }
            }
            failed.push(ex.name);
        }
    }
    assert!(failed.is_empty(), "TX differs on {failed:?}");
}
