//! Writers at once: versioned edits, one audit chain across two stores (two servers), a failing
//! write beside others in one batch, and tampering that the chain shows.

use std::sync::Arc;

use needlepoint_store::chain::{ChainBreak, verify_in_pages, verify_store};
use needlepoint_store::*;
use needlepoint_store_conformance::{Engine, TestStore};

use crate::support::*;

pub async fn concurrent_edits_give_one_success_and_conflicts(t: TestStore) {
    let store = t.store.clone();
    let c = client(store.as_ref(), "Ana", "Silva").await;
    let mut edits = Vec::new();
    for n in 0..12 {
        let (store, id) = (store.clone(), c.id.clone());
        edits.push(tokio::spawn(async move {
            store
                .update_client(
                    &id,
                    1,
                    fields("Ana", &format!("Silva {n}"), None, None),
                    at(),
                    audit(AuditAction::ClientUpdate, Some(&id)),
                )
                .await
        }));
    }
    let mut won = 0;
    for edit in edits {
        match edit.await.unwrap() {
            Ok(client) => {
                won += 1;
                assert_eq!(client.version, 2);
            }
            Err(StoreError::Conflict { current: 2 }) => {}
            Err(other) => panic!("neither a success nor a conflict: {other:?}"),
        }
    }
    assert_eq!(won, 1, "exactly one edit of version 1 wins");
    assert_eq!(store.client(&c.id).await.unwrap().unwrap().version, 2);
}

pub async fn concurrent_writes_keep_one_valid_audit_chain(t: TestStore) {
    // Two stores on one database, as two servers would be.
    let second: Arc<dyn Store> = match t.engine {
        Engine::Sqlite => Arc::new(needlepoint_store_sqlite::open(&t.url, false).await.unwrap()),
        Engine::Postgres => Arc::new(
            needlepoint_store_postgres::open(&t.url, needlepoint_store_postgres::PgOptions::default())
                .await
                .unwrap(),
        ),
    };
    let mut writers = Vec::new();
    for (n, store) in [t.store.clone(), second].into_iter().cycle().take(8).enumerate() {
        writers.push(tokio::spawn(async move {
            for i in 0..25 {
                let c = add_client(
                    store.as_ref(),
                    fields(&format!("Writer{n}"), &format!("Client{i}"), None, None),
                )
                .await;
                store
                    .append_audit(vec![
                        audit(AuditAction::ClientRead, Some(&c.id)),
                        audit(AuditAction::ClientRead, Some(&c.id)),
                    ])
                    .await
                    .unwrap();
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    assert_eq!(t.store.count_clients().await.unwrap(), 200);
    assert_eq!(chain_is_valid(t.store.as_ref()).await, 600);
}

pub async fn a_failed_write_in_a_batch_leaves_the_others_and_the_chain(t: TestStore) {
    // Twenty rooms at once, half of them with a name already taken: the group writer gives each
    // its own savepoint, so the refusals roll back alone (with their audit entries) and the
    // others commit.
    let store = t.store.clone();
    let mut writes = Vec::new();
    for n in 0..20 {
        let store = store.clone();
        writes.push(tokio::spawn(async move {
            let name = if n % 2 == 0 {
                "Same room".to_string()
            } else {
                format!("Room {n}")
            };
            store
                .create_room(
                    Room {
                        id: RoomId::new(),
                        name,
                        created_at: at(),
                    },
                    audit(AuditAction::RoomCreate, None),
                )
                .await
        }));
    }
    let mut created = 0;
    for write in writes {
        match write.await.unwrap() {
            Ok(_) => created += 1,
            Err(StoreError::Duplicate(message)) => assert!(message.contains("Same room"), "{message}"),
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(created, 11, "ten distinct names and the first of the same one");
    assert_eq!(store.rooms().await.unwrap().len(), 11);
    assert_eq!(
        chain_is_valid(store.as_ref()).await,
        11,
        "one entry per write that stands"
    );
}

pub async fn every_audited_write_is_in_the_chain_and_tampering_shows(t: TestStore) {
    let store = t.store.as_ref();
    let c = client(store, "Ana", "Silva").await;
    store
        .update_client(
            &c.id,
            1,
            fields("Ana", "Costa", None, None),
            at(),
            audit(AuditAction::ClientUpdate, Some(&c.id)),
        )
        .await
        .unwrap();
    let filter = AuditFilter {
        client_id: Some(c.id.clone()),
        user_id: None,
        limit: 10,
    };
    let actions: Vec<_> = store
        .audit_entries(&filter)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["client.update", "client.create"], "newest first");
    // The chain is read page by page: a page boundary changes nothing.
    for n in 0..5 {
        store
            .append_audit(
                (0..n)
                    .map(|_| audit(AuditAction::ClientRead, Some(&c.id)))
                    .collect(),
            )
            .await
            .unwrap();
    }
    assert_eq!(verify_in_pages(store, 3).await.unwrap(), Ok(12));
    // Tampering shows.
    t.execute("UPDATE audit_log SET detail = 'edited' WHERE seq = 1")
        .await
        .unwrap();
    assert_eq!(
        verify_store(store).await.unwrap(),
        Err(ChainBreak::Edited { seq: 1 })
    );
    assert_eq!(
        verify_in_pages(store, 2).await.unwrap(),
        Err(ChainBreak::Edited { seq: 1 })
    );
}
