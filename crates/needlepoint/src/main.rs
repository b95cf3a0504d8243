//! The `needlepoint` binary: everything happens in `needlepoint-cli`.

// Requests allocate many small buffers (JSON, SQLite rows) on every core; mimalloc's per-thread
// heaps took durable chart saves from 3,243 to about 4,500 a second (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    needlepoint_cli::run(std::env::args_os())
}
