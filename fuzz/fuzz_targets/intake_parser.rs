//! Any bytes, read as a JSON or TOML intake: refused with errors or planned, never a panic.
//! Run briefly: `cargo +nightly fuzz run intake_parser fuzz/corpus examples -- -max_total_time=60`
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use needlepoint_domain::engine;
use needlepoint_domain::intake::parse;
use needlepoint_domain::protocol::Protocol;

/// Loaded once: validating the protocol costs about a millisecond, the parse a few microseconds.
fn protocol() -> Option<&'static Protocol> {
    static PROTOCOL: OnceLock<Option<Protocol>> = OnceLock::new();
    PROTOCOL.get_or_init(|| Protocol::embedded().ok()).as_ref()
}

fuzz_target!(|data: &[u8]| {
    let (Ok(text), Some(protocol)) = (std::str::from_utf8(data), protocol()) else {
        return;
    };
    for parsed in [parse::from_json(text, protocol), parse::from_toml(text, protocol)] {
        if let Ok(intake) = parsed {
            let plan = engine::plan(protocol, &intake);
            let _ = serde_json::to_string(&plan);
        }
    }
});
