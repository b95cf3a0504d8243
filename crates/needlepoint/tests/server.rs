//! The server commands as an operator runs them: first start with a one-time set-up link, users
//! added from the command line, the audit log verified (and a tampered one caught), and a clean
//! shutdown on SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use common::{add_user, needlepoint};
use std::time::{Duration, Instant};

fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("needlepoint-server-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

struct Server {
    child: Child,
    lines: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `needlepoint serve` on a free port and reads what it prints until it listens.
fn serve(dir: &PathBuf) -> Server {
    let mut child = needlepoint()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        lines.push(line.trim().to_string());
        // The set-up link, when there is one, is printed first; "listening on" comes last.
        if line.contains("listening on") {
            break;
        }
    }
    Server { child, lines }
}

fn base(server: &Server) -> String {
    let line = server
        .lines
        .iter()
        .find(|l| l.contains("listening on"))
        .expect("address printed");
    line.rsplit(' ').next().unwrap().to_string()
}

#[test]
fn first_start_prints_a_one_time_setup_link_that_creates_the_owner() {
    let dir = data_dir("setup");
    let server = serve(&dir);
    let base = base(&server);
    let link = server
        .lines
        .iter()
        .find_map(|l| l.split_whitespace().find(|w| w.contains("/setup/")))
        .expect("a set-up link is printed on first start")
        .to_string();
    let client = reqwest::blocking::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(client.get(format!("{base}/readyz")).send().unwrap().status(), 200);
    assert_eq!(client.get(&link).send().unwrap().status(), 200);
    let created = client
        .post(&link)
        .form(&[
            ("email", "owner@clinic.test"),
            ("password", "a long enough password"),
        ])
        .send()
        .unwrap();
    assert_eq!(created.status(), 303);
    assert_eq!(
        client
            .get(format!("{base}/api/v1/users"))
            .send()
            .unwrap()
            .status(),
        200,
        "signed in as owner"
    );
    // The link works once.
    assert_eq!(reqwest::blocking::get(&link).unwrap().status(), 404);
    drop(server);

    // A second start has users: no link.
    let again = serve(&dir);
    assert!(
        !again.lines.iter().any(|l| l.contains("/setup/")),
        "{:?}",
        again.lines
    );
    drop(again);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn users_are_added_from_the_command_line_with_the_password_on_stdin() {
    let dir = data_dir("user-add");
    let mut child = needlepoint()
        .args([
            "user",
            "add",
            "--email",
            "desk@clinic.test",
            "--role",
            "front_desk",
            "--password-stdin",
            "--data-dir",
        ])
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("added desk@clinic.test (front_desk)"));

    let short = needlepoint()
        .args([
            "user",
            "add",
            "--email",
            "x@clinic.test",
            "--role",
            "owner",
            "--password-stdin",
            "--data-dir",
        ])
        .arg(&dir)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = {
        let mut short = short;
        short.stdin.take().unwrap().write_all(b"short\n").unwrap();
        short.wait_with_output().unwrap()
    };
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--password: at least 12 characters"));

    let bad_role = needlepoint()
        .args([
            "user",
            "add",
            "--email",
            "y@clinic.test",
            "--role",
            "boss",
            "--password-stdin",
            "--data-dir",
        ])
        .arg(&dir)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(bad_role.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn audit_verify_passes_an_intact_log_and_catches_a_tampered_one() {
    let dir = data_dir("audit");
    let mut child = needlepoint()
        .args([
            "user",
            "add",
            "--email",
            "o@clinic.test",
            "--role",
            "owner",
            "--password-stdin",
            "--data-dir",
        ])
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    assert!(child.wait().unwrap().success());

    let ok = needlepoint()
        .args(["audit", "verify", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("chain intact"));

    // Tamper with the file directly, as someone with disk access might.
    let db = dir.join("needlepoint.db");
    let status = Command::new("python3")
        .arg("-c")
        .arg("import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE audit_log SET detail='changed' WHERE seq=1\"); c.commit()")
        .arg(&db)
        .status();
    if !status.is_ok_and(|s| s.success()) {
        println!("skipped the tampering half: python3 with sqlite3 is not available");
        return;
    }
    let broken = needlepoint()
        .args(["audit", "verify", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&broken.stderr).contains("entry 1"),
        "{}",
        String::from_utf8_lossy(&broken.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_database_scheme_or_a_missing_file_never_starts_an_empty_clinic() {
    let out = needlepoint()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "mysql://x/y",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported scheme `mysql`"));
    let missing = std::env::temp_dir().join("needlepoint-does-not-exist-12345.db");
    let out = needlepoint()
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url"])
        .arg(format!("sqlite://{}", missing.display()))
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(!missing.exists(), "a typo must not create a database");
}

#[cfg(unix)]
#[test]
fn sigterm_shuts_the_server_down_cleanly() {
    let dir = data_dir("sigterm");
    let mut server = serve(&dir);
    let pid = server.child.id();
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
            break;
        }
        assert!(Instant::now() < deadline, "did not stop within 10 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 12 defect 1 / issue 13 item 1: started as a person or a service manager starts it (the
/// default log level, output to a file), the server logs from its worker threads while it serves
/// and stops within seconds of SIGTERM, answering what was in flight. It used to hang: the command
/// line held the standard output's lock for the whole run, so the first line a worker logged
/// waited for ever.
#[cfg(unix)]
#[test]
fn started_with_default_logging_it_keeps_answering_and_stops_on_sigterm() {
    let dir = data_dir("service");
    let log_path = std::env::temp_dir().join(format!("needlepoint-service-{}.log", std::process::id()));
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = needlepoint()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&dir)
        .env_remove("RUST_LOG")
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let base = loop {
        let text = std::fs::read_to_string(&log_path).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains("listening on")) {
            break line.rsplit(' ').next().unwrap().to_string();
        }
        assert!(Instant::now() < deadline, "never listened: {text}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    // Requests that log (a refusal, a page) from worker threads, several at once.
    let answered: Vec<_> = (0..8)
        .map(|i| {
            let (http, base) = (http.clone(), base.clone());
            std::thread::spawn(move || {
                let path = if i % 2 == 0 { "/api/v1/clients" } else { "/healthz" };
                http.get(format!("{base}{path}"))
                    .send()
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    for request in answered {
        let status = request.join().unwrap();
        assert!(matches!(status, Ok(200 | 401)), "{status:?}");
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "still running 5 s after SIGTERM; log:\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(text.contains("shutting down"), "{text}");
    let _ = std::fs::remove_file(&log_path);
    let _ = std::fs::remove_dir_all(&dir);
}

fn call(request: reqwest::blocking::RequestBuilder) -> serde_json::Value {
    let response = request.send().unwrap();
    let status = response.status();
    let body: serde_json::Value = response.json().unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

#[test]
fn a_server_killed_mid_charting_keeps_every_saved_field() {
    use serde_json::json;
    let dir = data_dir("crash");
    std::fs::create_dir_all(&dir).unwrap();
    let password = "a long enough password";
    add_user(&dir, "owner@clinic.test", "owner", password);
    let mut server = serve(&dir);
    let api = |path: &str| format!("{}{path}", base(&server));
    let http = reqwest::blocking::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    call(
        http.post(api("/api/v1/session"))
            .json(&json!({ "email": "owner@clinic.test", "password": password })),
    );
    let owner = call(http.get(api("/api/v1/users")));
    let owner_id = owner["users"].as_array().or(owner.as_array()).unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    call(
        http.put(api(&format!("/api/v1/practitioners/{owner_id}/licence")))
            .json(&json!({ "licence_type": "Physician", "max_depth_mm": 2.5 })),
    );
    let room = call(http.post(api("/api/v1/rooms")).json(&json!({ "name": "Room 1" })));
    let device = call(
        http.post(api("/api/v1/devices"))
            .json(&json!({ "name": "Pen", "model": "pen", "serial": "P-1", "min_mm": 0.25, "max_mm": 2.5 })),
    );
    let client = call(
        http.post(api("/api/v1/clients"))
            .json(&json!({ "given_name": "Ana", "family_name": "Silva", "birth_date": "1990-04-02" })),
    );
    let client_id = client["id"].as_str().unwrap();
    call(http.post(api(&format!("/api/v1/clients/{client_id}/intakes"))).json(&json!({
        "date": "2026-12-07", "client": { "birth_date": "1990-04-02", "fitzpatrick": 2 },
        "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 }, "areas": ["forehead"], "concerns": ["fine_lines"]
    })));
    let template = call(http.get(api("/api/v1/consent-templates/treatment")));
    call(
        http.post(api(&format!("/api/v1/clients/{client_id}/consents")))
            .json(&json!({ "kind": "treatment", "template_id": template["id"], "signer_name": "Ana Silva" })),
    );
    let booked = call(http.post(api("/api/v1/appointments")).json(&json!({
        "client_id": client_id, "practitioner_id": owner_id, "room_id": room["id"], "device_id": device["id"], "starts_at": "2026-12-07T10:00"
    })));
    let appointment = booked["appointment"]["id"].as_str().unwrap();
    let checked = call(
        http.post(api(&format!("/api/v1/appointments/{appointment}/check-in")))
            .json(&json!({ "version": 1, "changes": {} })),
    );
    let chart = checked["chart_id"].as_str().unwrap().to_string();
    // Two saves, as a tablet makes them field by field.
    call(
        http.put(api(&format!("/api/v1/charts/{chart}")))
            .json(&json!({ "version": 1, "chart": { "photos_taken": true } })),
    );
    let saved = call(http.put(api(&format!("/api/v1/charts/{chart}"))).json(&json!({ "version": 2, "chart": {
        "photos_taken": true, "cleansed": true, "cartridge": { "lot": "C-9", "expiry": "2027-05-31", "sterile_pack_intact": true }
    } })));
    assert_eq!(saved["version"], 3);

    // The process dies: no graceful shutdown, nothing flushed on the way out.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    server = serve(&dir);
    let api = |path: &str| format!("{}{path}", base(&server));
    let http = reqwest::blocking::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    call(
        http.post(api("/api/v1/session"))
            .json(&json!({ "email": "owner@clinic.test", "password": password })),
    );
    let after = call(http.get(api(&format!("/api/v1/charts/{chart}"))));
    assert_eq!(after["version"], 3);
    assert_eq!(after["chart"]["cartridge"]["lot"], "C-9");
    assert_eq!(after["chart"]["cleansed"], true);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

fn run(args: &[&str], dir: Option<&PathBuf>) -> (bool, String) {
    let mut command = needlepoint();
    command.args(args);
    if let Some(dir) = dir {
        command.arg("--data-dir").arg(dir);
    }
    let out = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn a_backup_taken_while_serving_restores_and_verifies_and_a_damaged_one_is_refused() {
    let dir = data_dir("backup-source");
    let restored = data_dir("backup-restored");
    let damaged_target = data_dir("backup-damaged");
    let file = std::env::temp_dir().join(format!("needlepoint-backup-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(format!("{}.sums.json", file.display()));
    let (ok, text) = run(&["migrate"], Some(&dir));
    assert!(ok && text.contains("now at version 3"), "{text}");
    let (ok, text) = run(&["seed", "--clients", "40"], Some(&dir));
    assert!(ok, "{text}");

    // Online: the server keeps the database open while the backup is taken.
    let server = serve(&dir);
    let (ok, text) = run(&["backup", "--to", file.to_str().unwrap()], Some(&dir));
    assert!(ok, "{text}");
    assert!(text.contains("clients") && text.contains("40 rows"), "{text}");
    drop(server);

    let (ok, text) = run(&["restore", "--from", file.to_str().unwrap()], Some(&restored));
    assert!(ok, "{text}");
    assert!(text.contains("every table matches the manifest"), "{text}");
    let (ok, text) = run(&["verify"], Some(&restored));
    assert!(ok, "{text}");
    assert!(
        text.contains("integrity and foreign keys: ok") && text.contains("chain intact"),
        "{text}"
    );
    // Never over an existing clinic.
    let (ok, text) = run(&["restore", "--from", file.to_str().unwrap()], Some(&restored));
    assert!(!ok && text.contains("exists"), "{text}");

    // A backup changed after it was taken no longer matches its manifest.
    rusqlite::Connection::open(&file)
        .unwrap()
        .execute("UPDATE clients SET given_name = 'X' WHERE rowid = 1", [])
        .unwrap();
    let (ok, text) = run(
        &["restore", "--from", file.to_str().unwrap()],
        Some(&damaged_target),
    );
    assert!(
        !ok && text.contains("does not match its manifest: clients"),
        "{text}"
    );
    for d in [&dir, &restored, &damaged_target] {
        let _ = std::fs::remove_dir_all(d);
    }
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(format!("{}.sums.json", file.display()));
}
