//! Any bytes as one of a protocol folder's files: the protocol loads or is refused with every
//! problem listed, never a panic; a protocol that loads plans an example intake.
//! Run briefly: `cargo +nightly fuzz run protocol_loader -- -max_total_time=60`
#![no_main]

use libfuzzer_sys::fuzz_target;
use needlepoint_domain::engine;
use needlepoint_domain::intake::parse;
use needlepoint_domain::protocol::{EMBEDDED, Protocol};

const EXAMPLE: &str = include_str!("../../examples/full-face.json");

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut files = EMBEDDED.to_vec();
    let index = usize::from(which) % files.len();
    files[index].text = text;
    match Protocol::from_files(&files) {
        Ok(protocol) => {
            if let Ok(intake) = parse::from_json(EXAMPLE, &protocol) {
                let _ = engine::plan(&protocol, &intake);
            }
        }
        Err(problems) => assert!(!problems.is_empty()),
    }
});
