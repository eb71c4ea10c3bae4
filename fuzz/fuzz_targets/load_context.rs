//! The context loader on arbitrary text: an error or a context, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(ctx) = csi2sec_sim::Context::from_json(text) {
            // A loaded context survives its own round trip.
            let again = csi2sec_sim::Context::from_value(&ctx.to_json()).expect("round trip");
            assert_eq!(again.to_json(), ctx.to_json());
        }
    }
});
