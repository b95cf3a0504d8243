//! Running the `needlepoint` binary as an operator does, for the process-level tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // shared by several test files; a panic in a test is a failing test

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

pub fn needlepoint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_needlepoint"))
}

/// `needlepoint user add`, the password on standard input.
pub fn add_user(dir: &Path, email: &str, role: &str, password: &str) {
    let mut child = needlepoint()
        .args([
            "user",
            "add",
            "--email",
            email,
            "--role",
            role,
            "--password-stdin",
            "--data-dir",
        ])
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}
