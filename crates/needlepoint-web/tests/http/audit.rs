//! The audit chain records reads and writes and shows tampering.

use crate::common::spawn;
use serde_json::Value;

#[tokio::test]
async fn the_audit_chain_records_reads_and_writes_and_detects_tampering() {
    let app = spawn().await;
    let owner = app.signed_in("owner").await;
    let desk = app.signed_in("front_desk").await;
    let id = app.new_client(&desk).await["id"].as_str().unwrap().to_string();
    desk.get(app.url(&format!("/api/v1/clients/{id}")))
        .send()
        .await
        .unwrap();

    let entries: Value = owner
        .get(app.url(&format!("/api/v1/audit?client_id={id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"client.create") && actions.contains(&"client.read"),
        "{actions:?}"
    );
    assert!(
        entries.to_string().find("Silva").is_none(),
        "no health or personal data in the audit detail"
    );

    let verified: Value = owner
        .get(app.url("/api/v1/audit/verify"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verified["valid"], true, "{verified}");
    assert!(verified["entries"].as_u64().unwrap() >= 5);

    app.db
        .execute("UPDATE audit_log SET outcome = 'ok' , detail = 'edited' WHERE seq = 3")
        .await
        .unwrap();
    let verified: Value = owner
        .get(app.url("/api/v1/audit/verify"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verified["valid"], false);
    assert!(
        verified["problem"].as_str().unwrap().contains("entry 3"),
        "{verified}"
    );
}

#[tokio::test]
async fn a_deleted_audit_entry_is_detected() {
    let app = spawn().await;
    let owner = app.signed_in("owner").await;
    app.new_client(&owner).await;
    app.db
        .execute("DELETE FROM audit_log WHERE seq = 2")
        .await
        .unwrap();
    let verified: Value = owner
        .get(app.url("/api/v1/audit/verify"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verified["valid"], false);
    assert!(
        verified["problem"]
            .as_str()
            .unwrap()
            .contains("removed or inserted"),
        "{verified}"
    );
}
