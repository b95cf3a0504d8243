//! The protocol's files and the copies embedded in the binary.

/// One protocol file: its name in a protocol folder, where it came from (for messages) and its text.
#[derive(Clone, Copy, Debug)]
pub struct ProtocolFile<'a> {
    pub name: &'a str,
    pub origin: &'a str,
    pub text: &'a str,
}

/// The files a protocol consists of. A clinic's folder may hold any of them; the rest come from the
/// embedded defaults.
pub const FILE_NAMES: [&str; 10] = [
    "protocol.toml",
    "sources.toml",
    "zones.toml",
    "concerns.toml",
    "devices.toml",
    "questions.toml",
    "screening.toml",
    "procedure.toml",
    "planning.toml",
    "care.toml",
];

macro_rules! embedded_file {
    ($name:literal) => {
        ProtocolFile {
            name: $name,
            origin: concat!("embedded:", $name),
            text: include_str!(concat!("../../../../protocol/", $name)),
        }
    };
}

/// The default protocol, compiled in from the repository's `protocol/` folder.
pub const EMBEDDED: [ProtocolFile<'static>; 10] = [
    embedded_file!("protocol.toml"),
    embedded_file!("sources.toml"),
    embedded_file!("zones.toml"),
    embedded_file!("concerns.toml"),
    embedded_file!("devices.toml"),
    embedded_file!("questions.toml"),
    embedded_file!("screening.toml"),
    embedded_file!("procedure.toml"),
    embedded_file!("planning.toml"),
    embedded_file!("care.toml"),
];
