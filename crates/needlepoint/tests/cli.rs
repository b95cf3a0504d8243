//! The `needlepoint` binary as a user runs it: every example plans, the printed and JSON plans are
//! pinned by snapshots, and bad input exits with status 2 and one line per problem.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn needlepoint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_needlepoint"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn examples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo().join("examples"))
        .expect("examples folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") || n.ends_with(".toml"))
        .collect();
    names.sort();
    names
}

#[test]
fn the_examples_cover_what_the_issue_asks_for() {
    let names = examples();
    for needed in [
        "fine-lines.json",
        "acne-scars.toml",
        "deferral.json",
        "zone-exclusion.json",
        "scalp.json",
    ] {
        assert!(names.contains(&needed.to_string()), "missing example {needed}");
    }
}

#[test]
fn every_example_plans_in_text_and_json() {
    for name in examples() {
        let path = format!("examples/{name}");
        let text = needlepoint(&["plan", &path]);
        assert!(text.status.success(), "{name}: {}", stderr(&text));
        insta::assert_snapshot!(format!("text__{name}"), stdout(&text));

        let json = needlepoint(&["plan", "--format", "json", &path]);
        assert!(json.status.success(), "{name}: {}", stderr(&json));
        let plan: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
        // The contract's names are all there.
        for key in ["screening", "zones", "session", "series", "care"] {
            assert!(plan.get(key).is_some(), "{name}: no {key}");
        }
        for finding in plan["screening"]["findings"].as_array().into_iter().flatten() {
            assert!(
                finding["sources"].as_array().is_some_and(|s| !s.is_empty()),
                "{name}: {finding}"
            );
        }
        insta::assert_json_snapshot!(format!("json__{name}"), plan);
    }
}

#[test]
fn example_decisions_are_the_ones_each_example_illustrates() {
    let decision = |name: &str| {
        let out = needlepoint(&["plan", "--format", "json", &format!("examples/{name}")]);
        let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        plan["screening"]["decision"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(decision("fine-lines.json"), "proceed");
    assert_eq!(decision("deferral.json"), "defer");
    assert_eq!(decision("zone-exclusion.json"), "proceed_with_precautions");
    assert_eq!(decision("not-candidate.json"), "not_candidate");
    assert_eq!(decision("refer.json"), "refer");
    assert_eq!(decision("nothing-to-plan.json"), "defer");
}

fn write_temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("needlepoint-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn plan_file(path: &Path) -> Output {
    needlepoint(&["plan", path.to_str().expect("utf-8 path")])
}

#[test]
fn bad_input_exits_2_with_one_line_per_problem_naming_file_and_field() {
    let path = write_temp(
        "bad.json",
        r#"{
          "date": "2026-02-30",
          "client": { "birth_date": "1990-01-01", "fitzpatrick": 7 },
          "device": { "class": "pen", "min_mm": 2.0, "max_mm": 0.5 },
          "areas": ["forehead", "elbow"],
          "concerns": ["fine_lines"]
        }"#,
    );
    let out = plan_file(&path);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    let lines: Vec<String> = stderr(&out).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    let file = path.display().to_string();
    assert!(
        lines.iter().all(|l| l.starts_with(&format!("{file}: "))),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(": date: expected a date that exists"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(": client.fitzpatrick: expected a whole number from 1 to 6"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(": device.max_mm: must not be below min_mm"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(": areas[1]: unknown zone \"elbow\"; valid zone ids: forehead"))
    );
}

#[test]
fn unreadable_files_exit_2() {
    let not_json = write_temp("broken.json", "{ this is not json");
    let out = plan_file(&not_json);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not valid JSON at line 1"),
        "{}",
        stderr(&out)
    );

    let out = needlepoint(&["plan", "examples/does-not-exist.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("examples/does-not-exist.json: cannot read"),
        "{}",
        stderr(&out)
    );

    let wrong_kind = write_temp("intake.txt", "{}");
    let out = plan_file(&wrong_kind);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("expected a .json or .toml intake file"));

    let out = needlepoint(&["plan", "--format", "pdf", "examples/fine-lines.json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown option value is a usage error"
    );
}

#[test]
fn the_embedded_protocol_exports_and_checks_clean() {
    let dir = std::env::temp_dir().join(format!("needlepoint-protocol-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dir_arg = dir.to_str().expect("utf-8");
    let out = needlepoint(&["protocol", "export", dir_arg]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 10, "one line per protocol file");
    let again = needlepoint(&["protocol", "export", dir_arg]);
    assert_eq!(again.status.code(), Some(2), "export never overwrites");

    let out = needlepoint(&["protocol", "check", dir_arg]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("is valid"));
    assert!(stdout(&out).contains("Digest: sha256:"), "{}", stdout(&out));

    // An edited protocol that keeps the built-in's name and version is refused (issue 11).
    let zones = dir.join("zones.toml");
    let text = std::fs::read_to_string(&zones).expect("read");
    std::fs::write(&zones, text.replacen("max_mm = 0.75", "max_mm = 0.6", 1)).expect("write");
    let out = needlepoint(&["protocol", "check", dir_arg]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("protocol.toml")
            && stderr(&out).contains("give this protocol its own name or version"),
        "{}",
        stderr(&out)
    );
    let manifest = dir.join("protocol.toml");
    let renamed = std::fs::read_to_string(&manifest).expect("read").replace(
        "name = \"Needlepoint default protocol\"",
        "name = \"Rose Clinic protocol\"",
    );
    std::fs::write(&manifest, renamed).expect("write");

    // Break one figure: the check names file, line and field; planning with it refuses to start.
    let broken = text.replacen("max_mm = 0.75", "max_mm = 0.1", 1);
    std::fs::write(&zones, &broken).expect("write");
    let line = broken
        .lines()
        .position(|l| l.contains("max_mm = 0.1"))
        .map(|i| i + 1)
        .expect("line");
    let out = needlepoint(&["protocol", "check", dir_arg]);
    assert_eq!(out.status.code(), Some(2));
    let expected = format!(
        "{}:{line}: zone[forehead].max_mm: must not be below min_mm (0.25 mm)",
        zones.display()
    );
    assert_eq!(stderr(&out).trim(), expected);
    let out = needlepoint(&["plan", "--protocol", dir_arg, "examples/fine-lines.json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a broken protocol never loads silently"
    );

    // A clinic's own wording and figures take effect.
    std::fs::write(&zones, text.replacen("max_mm = 0.75", "max_mm = 0.6", 1)).expect("write");
    let out = needlepoint(&[
        "plan",
        "--format",
        "json",
        "--protocol",
        dir_arg,
        "examples/fine-lines.json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(plan["zones"][0]["zone"], "forehead");
    assert_eq!(plan["zones"][0]["depth_mm"]["max"], 0.6);

    // A stray file in the folder is reported, not ignored.
    std::fs::write(dir.join("zone.toml"), "").expect("write");
    let out = needlepoint(&["protocol", "check", dir_arg]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("zone.toml: not a protocol file"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reading_json_from_standard_input_works() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_needlepoint"))
        .args(["plan", "--format", "json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let intake = std::fs::read(repo().join("examples/fine-lines.json")).expect("read");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&intake)
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(plan["screening"]["decision"], "proceed");
}

/// `needlepoint protocol show` prints the whole protocol for its medical director, and `protocol
/// diff DIR` compares a clinic's folder with the built-in protocol (issue 11).
#[test]
fn the_protocol_shows_itself_and_a_clinics_folder_compares_with_the_built_in_one() {
    let out = needlepoint(&["protocol", "show"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for heading in [
        "OPTIONS",
        "ZONES",
        "INTAKE QUESTIONS",
        "SCREENING RULES",
        "WAITING PERIODS",
        "CARE",
        "SOURCES",
    ] {
        assert!(text.contains(&format!("\n{heading}\n")), "{heading} missing");
    }
    assert!(text.contains("PROTOCOL: Needlepoint default protocol"));
    assert!(text.contains("    bounds: 0.25-0.75 mm"));
    let json = needlepoint(&["protocol", "show", "--format", "json"]);
    let description: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(description["sections"][0]["id"], "options");

    let dir = std::env::temp_dir().join(format!("needlepoint-protocol-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let dir_arg = dir.to_str().expect("utf-8");
    let built_in_zones = std::fs::read_to_string(repo().join("protocol/zones.toml")).expect("read");
    std::fs::write(
        dir.join("zones.toml"),
        built_in_zones.replacen("max_mm = 0.75", "max_mm = 0.7", 1),
    )
    .expect("write");
    std::fs::write(
        dir.join("protocol.toml"),
        "name = \"Rose Clinic protocol\"\nversion = \"3\"\n",
    )
    .expect("write");
    let out = needlepoint(&["protocol", "diff", dir_arg]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("To:   Rose Clinic protocol 3 (sha256:"), "{text}");
    assert!(text.contains("  changed: Forehead (forehead)"), "{text}");
    assert!(text.contains("    bounds: 0.25-0.75 mm -> 0.25-0.7 mm"), "{text}");
    let json = needlepoint(&["protocol", "diff", "--format", "json", dir_arg]);
    let diff: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(diff["changes"][0]["section"], "zones");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 11: a clinic adds a question and a screening rule that uses it in its protocol folder,
/// and the command line reads intakes answering it and screens them, with no change to the code.
/// (Reference §2.2, line 209: "Waxing in area | DEFER | 1 week".)
#[test]
fn a_clinics_folder_adds_a_question_and_a_rule_with_no_code() {
    let dir = std::env::temp_dir().join(format!("needlepoint-protocol-question-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let built_in = |name: &str| std::fs::read_to_string(repo().join("protocol").join(name)).expect("read");
    let question = "\n[[question]]\nid = \"waxing_last\"\nanswer = \"date\"\nlabel = \"Last waxing on the area\"\nwording = \"When did you last have the area waxed?\"\nblank_means = \"never\"\nsources = [\"S76\"]\nevidence = [\"K\"]\n";
    let rule = "\n[[rule]]\nid = \"waxing_recent\"\neffect = \"defer\"\nwhen = { history_date = \"waxing_last\", wait_days = 7 }\nmessage = \"Waxing on the area in the last week: wait a week.\"\nsources = [\"S76\"]\nevidence = [\"K\"]\n";
    std::fs::write(dir.join("questions.toml"), built_in("questions.toml") + question).expect("write");
    std::fs::write(dir.join("screening.toml"), built_in("screening.toml") + rule).expect("write");
    std::fs::write(
        dir.join("protocol.toml"),
        "name = \"Rose Clinic protocol\"\nversion = \"5\"\n",
    )
    .expect("write");
    let intake = write_temp(
        "waxed.json",
        r#"{ "date": "2026-12-01", "client": { "birth_date": "1990-04-02", "fitzpatrick": 2 },
             "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
             "areas": ["forehead"], "concerns": ["fine_lines"],
             "history": { "waxing_last": "2026-11-28" } }"#,
    );
    let dir_arg = dir.to_str().expect("utf-8");
    let intake_arg = intake.to_str().expect("utf-8");
    let out = needlepoint(&["plan", "--format", "json", "--protocol", dir_arg, intake_arg]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(plan["screening"]["decision"], "defer");
    assert_eq!(plan["screening"]["defer_until"], "2026-12-05");
    assert_eq!(plan["screening"]["findings"][0]["rule"], "waxing_recent");
    // The built-in protocol does not know the question: refused, naming the field.
    let out = needlepoint(&["plan", intake_arg]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("history.waxing_last: unknown field"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
