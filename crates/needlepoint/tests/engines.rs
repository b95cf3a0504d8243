//! Moving and keeping a clinic on either engine, as an operator does it from the command line:
//! a seeded SQLite clinic moves to PostgreSQL with one command and keeps working there; a
//! PostgreSQL backup restores into a new database and verifies. The PostgreSQL halves are skipped
//! (with the reason printed) when `NEEDLEPOINT_TEST_PG_URL` is unset.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use std::time::Duration;

use common::{Place, needlepoint};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PASSWORD: &str = "a long enough password";

#[test]
#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
fn seed_makes_screened_clients_and_signed_sessions_and_copy_moves_them_to_postgres_and_back() {
    let sqlite = Place::new("engines-sqlite", false).unwrap();
    sqlite.add_user("desk@clinic.test", "front_desk", PASSWORD);
    let (ok, text) = sqlite.run(&["seed", "--clients", "60", "--sessions", "90"]);
    assert!(ok, "{text}");
    assert!(
        text.contains("seeded 60 clients") && text.contains("90 signed sessions"),
        "{text}"
    );
    let (ok, text) = sqlite.run(&["verify"]);
    assert!(ok && text.contains("chain intact"), "{text}");
    let seeded = sqlite.client_ids();
    assert_eq!(seeded.len(), 60);

    let Some(postgres) = Place::new("engines-postgres", true) else {
        return;
    };
    let from = format!("sqlite://{}", sqlite.dir.join("needlepoint.db").display());
    let to = postgres.database_url.clone().unwrap();
    let out = needlepoint()
        .args(["copy", "--from", &from, "--to", &to])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("every table matches"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("charts") && l.contains(" 90 rows")),
        "{text}"
    );
    assert_eq!(postgres.client_ids(), seeded);

    // The clinic keeps working on PostgreSQL: the same staff sign in, read and write.
    let (mut server, base) = postgres.serve();
    let http = reqwest::blocking::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let signed_in = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "email": "desk@clinic.test", "password": PASSWORD }))
        .send()
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    let id = seeded.iter().next().unwrap();
    let read = http.get(format!("{base}/api/v1/clients/{id}")).send().unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let made = http
        .post(format!("{base}/api/v1/clients"))
        .json(&json!({ "given_name": "After", "family_name": "Move", "birth_date": "1990-04-02" }))
        .send()
        .unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().unwrap();
    let _ = server.kill();
    let _ = server.wait();
    let (ok, text) = postgres.run(&["verify"]);
    assert!(ok && text.contains("chain intact"), "{text}");

    // And back to a new SQLite file, with the client made on PostgreSQL.
    let back = sqlite.dir.join("back.db");
    let out = needlepoint()
        .args([
            "copy",
            "--from",
            &to,
            "--to",
            &format!("sqlite://{}", back.display()),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = needlepoint()
        .args([
            "audit",
            "verify",
            "--database-url",
            &format!("sqlite://{}", back.display()),
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("chain intact"));
    // Copying into a database that holds a clinic is refused.
    let again = needlepoint()
        .args(["copy", "--from", &from, "--to", &to])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    assert!(made["id"].is_string());
}

#[test]
fn a_postgres_backup_restores_into_a_new_database_and_a_changed_one_is_refused() {
    let Some(source) = Place::new("pg-backup-source", true) else {
        return;
    };
    let (ok, text) = source.run(&["seed", "--clients", "30", "--sessions", "20"]);
    assert!(ok, "{text}");
    let file = source.dir.join("clinic.dump");
    let (ok, text) = source.run(&["backup", "--to", file.to_str().unwrap()]);
    assert!(ok && text.contains("pg_dump"), "{text}");

    let target = Place::new("pg-backup-target", true).unwrap();
    let (ok, text) = target.run(&["restore", "--from", file.to_str().unwrap()]);
    assert!(ok && text.contains("every table matches"), "{text}");
    assert_eq!(target.client_ids(), source.client_ids());
    let (ok, text) = target.run(&["verify"]);
    assert!(ok && text.contains("chain intact"), "{text}");
    // Never over a clinic.
    let (ok, text) = target.run(&["restore", "--from", file.to_str().unwrap()]);
    assert!(!ok && text.contains("not empty"), "{text}");

    // A manifest that no longer matches the file is caught after the restore.
    let manifest = source.dir.join("clinic.dump.sums.json");
    let edited = std::fs::read_to_string(&manifest)
        .unwrap()
        .replacen("\"rows\": 30", "\"rows\": 31", 1);
    std::fs::write(&manifest, edited).unwrap();
    let third = Place::new("pg-backup-third", true).unwrap();
    let (ok, text) = third.run(&["restore", "--from", file.to_str().unwrap()]);
    assert!(!ok && text.contains("does not match"), "{text}");
}

#[test]
fn an_unknown_scheme_is_refused_by_every_database_command() {
    let place = Place::new("engines-scheme", false).unwrap();
    for command in [
        vec!["migrate"],
        vec!["verify"],
        vec!["seed", "--clients", "1"],
        vec!["audit", "verify"],
    ] {
        let out = needlepoint()
            .args(&command)
            .args(["--database-url", "postgress://typo@127.0.0.1/clinic"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("unsupported scheme `postgress`"),
            "{command:?}"
        );
    }
    drop(place);
}

#[test]
fn verify_hashes_every_stored_file_again() {
    use needlepoint_store::files::FileStore;
    let place = Place::new("engines-files", false).unwrap();
    let (ok, text) = place.run(&["migrate"]);
    assert!(ok, "{text}");
    let files = needlepoint_files::LocalFiles::open(place.dir.join("files")).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let stored = runtime.block_on(files.put(b"a before photo".to_vec())).unwrap();
    let (ok, text) = place.run(&["verify"]);
    assert!(
        ok && text.contains("files: 1 (14 bytes), every one matches"),
        "{text}"
    );
    let path = place
        .dir
        .join("files")
        .join(&stored.address[..2])
        .join(&stored.address[2..]);
    std::fs::write(path, b"an edited photo").unwrap();
    let (ok, text) = place.run(&["verify"]);
    assert!(!ok && text.contains(&stored.address), "{text}");
}
