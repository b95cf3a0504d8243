//! Protocol versions (issue 11): every plan is stamped with the protocol's name, version and a
//! digest of its content, and a clinic's edited protocol cannot keep the built-in's name and
//! version.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use needlepoint_domain::plan::{Plan, ProtocolStamp};
use serde_json::json;

use common::{embedded_text as embedded, files_with as with};

#[test]
fn every_plan_is_stamped_with_the_protocols_name_version_and_content_digest() {
    let p = common::protocol();
    assert!(p.digest.starts_with("sha256:"), "{}", p.digest);
    assert_eq!(p.digest.len(), "sha256:".len() + 64);
    let plan = common::plan(json!({}));
    assert_eq!(
        plan.protocol,
        ProtocolStamp {
            name: p.name.clone(),
            version: p.version.clone(),
            digest: p.digest.clone(),
        }
    );
    assert_eq!(plan.protocol, p.stamp());
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["protocol"]["digest"], p.digest.as_str());
    assert!(p.stamp().to_string().contains(&p.digest[..15]), "{}", p.stamp());
}

/// The digest is of the content, not of its layout: comments and spacing do not change it; a
/// figure does.
#[test]
fn the_digest_follows_the_content_not_its_layout() {
    let built_in = common::protocol().digest;
    let reformatted = embedded("zones.toml")
        .replace(
            "# Treatment zones.",
            "# Treatment zones, reviewed by our director.",
        )
        .replacen("min_mm = 0.25", "min_mm   =   0.25", 1);
    assert_eq!(with(&[("zones.toml", reformatted)]).unwrap().digest, built_in);

    let manifest = embedded("protocol.toml").replace("version = \"", "version = \"clinic-");
    let edited = embedded("zones.toml").replacen("max_mm = 0.75", "max_mm = 0.7", 1);
    let clinic = with(&[("zones.toml", edited), ("protocol.toml", manifest)]).unwrap();
    assert_ne!(clinic.digest, built_in);
    assert!(clinic.version.starts_with("clinic-"));
}

/// A clinic's edited protocol that kept the built-in's name and version would stamp its plans as
/// the built-in's: the loader refuses it (so `protocol check`, `plan --protocol` and the server all
/// refuse it), naming what to change.
#[test]
fn an_edited_protocol_cannot_keep_the_built_in_name_and_version() {
    let edited = embedded("zones.toml").replacen("max_mm = 0.75", "max_mm = 0.7", 1);
    let problems = with(&[("zones.toml", edited.clone())]).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("embedded:protocol.toml")
            && problems[0].contains("version")
            && problems[0].contains("give this protocol its own name or version"),
        "{problems:#?}"
    );
    let renamed = embedded("protocol.toml").replace(
        "name = \"Needlepoint default protocol\"",
        "name = \"Rose Clinic\"",
    );
    assert!(with(&[("zones.toml", edited), ("protocol.toml", renamed)]).is_ok());
}

/// Plans stored before the digest existed still read back.
#[test]
fn a_plan_stored_without_a_digest_still_reads() {
    let mut stored = serde_json::to_value(common::plan(json!({}))).unwrap();
    stored["protocol"].as_object_mut().unwrap().remove("digest");
    let read: Plan = serde_json::from_value(stored).unwrap();
    assert_eq!(read.protocol.digest, "");
}
