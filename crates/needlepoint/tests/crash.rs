//! Crash safety: the server is killed with SIGKILL at random moments while clients write, then
//! restarted. Every write that was answered 2xx must be there afterwards, and the database and
//! the audit chain must verify. Runs until at least 2,000 writes were acknowledged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{add_user, needlepoint};

const PASSWORD: &str = "a long enough password";
const WRITERS: usize = 8;
const TARGET: usize = 2_000;

/// Starts the server and returns it with its address.
fn serve(dir: &Path) -> (Child, String) {
    let mut child = needlepoint()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap() > 0 {
        if line.contains("listening on") {
            let address = line.trim().rsplit(' ').next().unwrap().to_string();
            return (child, address);
        }
        line.clear();
    }
    drop_server(child);
    panic!("the server did not start");
}

/// A small deterministic generator for the kill moments (no dependency for ten lines).
struct Moments(u64);

impl Moments {
    fn next_millis(&mut self, low: u64, high: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        low + (self.0 >> 33) % (high - low)
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_write() {
    let dir = std::env::temp_dir().join(format!("needlepoint-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    add_user(&dir, "desk@clinic.test", "front_desk", PASSWORD);

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    println!("kill moments seed: {seed}");
    let mut moments = Moments(seed);
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let started = Instant::now();
    let mut rounds = 0;
    while acknowledged.lock().unwrap().len() < TARGET {
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "too slow: {} acknowledged",
            acknowledged.lock().unwrap().len()
        );
        rounds += 1;
        let (mut server, address) = serve(&dir);
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (address, acknowledged, stop) = (address.clone(), acknowledged.clone(), stop.clone());
                std::thread::spawn(move || {
                    let http = reqwest::blocking::Client::builder()
                        .cookie_store(true)
                        .timeout(Duration::from_secs(5))
                        .build()
                        .unwrap();
                    let login = http
                        .post(format!("{address}/api/v1/session"))
                        .json(&serde_json::json!({ "email": "desk@clinic.test", "password": PASSWORD }))
                        .send();
                    if !login.is_ok_and(|r| r.status().is_success()) {
                        return;
                    }
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        n += 1;
                        let response = http
                            .post(format!("{address}/api/v1/clients"))
                            .json(&serde_json::json!({
                                "given_name": format!("W{w}"), "family_name": format!("N{n}"), "birth_date": "1990-01-01"
                            }))
                            .send();
                        // Only a complete 2xx answer counts as acknowledged; a cut connection does not.
                        let Ok(response) = response else { return };
                        if !response.status().is_success() {
                            continue;
                        }
                        let Ok(body) = response.json::<serde_json::Value>() else { return };
                        if let Some(id) = body["id"].as_str() {
                            acknowledged.lock().unwrap().push(id.to_string());
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(moments.next_millis(300, 1500)));
        server.kill().unwrap(); // SIGKILL: no shutdown, nothing flushed on the way out
        server.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.join().unwrap();
        }
    }

    // After the last kill: every acknowledged client is in the database.
    let db: PathBuf = dir.join("needlepoint.db");
    let (server, _) = serve(&dir); // a restart recovers the WAL
    drop_server(server);
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut statement = conn.prepare("SELECT 1 FROM clients WHERE id = ?1").unwrap();
    let acknowledged = acknowledged.lock().unwrap();
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !statement.exists([id.as_str()]).unwrap())
        .collect();
    println!(
        "{} acknowledged writes over {rounds} kills; {} missing",
        acknowledged.len(),
        missing.len()
    );
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    drop(statement);
    drop(conn);
    let verify = needlepoint()
        .args(["verify", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(
        verify.status.success() && text.contains("chain intact"),
        "{text}{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn drop_server(mut server: Child) {
    let _ = server.kill();
    let _ = server.wait();
}
