//! The `needlepoint` binary: everything happens in `needlepoint-cli`.

fn main() -> std::process::ExitCode {
    needlepoint_cli::run(std::env::args_os())
}
