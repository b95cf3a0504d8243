//! Clients: versioned edits, archiving, search.

use needlepoint_store::*;
use needlepoint_store_conformance::TestStore;

use crate::support::*;

pub async fn client_edits_need_the_current_version(t: TestStore) {
    let store = t.store.as_ref();
    let c = client(store, "Ana", "Silva").await;
    assert_eq!(c.version, 1);
    let edit = async |fields: ClientFields, version: i64, id: &ClientId| {
        store
            .update_client(
                id,
                version,
                fields,
                at(),
                audit(AuditAction::ClientUpdate, Some(id)),
            )
            .await
    };
    let edited = edit(
        fields("Ana", "Silva Costa", Some("+44 7700 900123"), None),
        1,
        &c.id,
    )
    .await
    .unwrap();
    assert_eq!(
        (edited.version, edited.fields.family_name.as_str()),
        (2, "Silva Costa")
    );
    let stale = edit(fields("X", "Y", None, None), 1, &c.id).await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { current: 2 })),
        "{stale:?}"
    );
    let missing = edit(fields("X", "Y", None, None), 1, &ClientId::new()).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    let archived = store
        .archive_client(&c.id, 2, at(), audit(AuditAction::ClientArchive, Some(&c.id)))
        .await
        .unwrap();
    assert!(archived.archived && archived.version == 3);
    assert_eq!(store.client(&c.id).await.unwrap(), Some(archived));
    assert_eq!(store.count_clients().await.unwrap(), 1);
    assert_eq!(
        chain_is_valid(store).await,
        3,
        "create, update and archive; not the refusals"
    );
}

pub async fn client_search_by_name_phone_email_and_birth_date(t: TestStore) {
    let store = t.store.as_ref();
    for (given, family, phone, email) in [
        ("Ana", "Silva", Some("+44 7700 900123"), Some("ana@example.com")),
        ("Ana Maria", "Santos", Some("07700 900456"), None),
        ("Bruno", "Silveira", None, Some("Bruno@Example.com")),
        ("Zoe", "Ávila", None, None),
    ] {
        add_client(store, fields(given, family, phone, email)).await;
    }
    let search = |text: &str| {
        let query = ClientQuery {
            text: text.into(),
            include_archived: false,
            limit: 50,
        };
        async move {
            store
                .search_clients(&query)
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.fields.full_name())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("silv").await, ["Ana Silva", "Bruno Silveira"]);
    assert_eq!(search("ana").await, ["Ana Maria Santos", "Ana Silva"]);
    assert_eq!(search("silva ana").await, ["Ana Silva"]);
    assert_eq!(search("ana s").await, ["Ana Maria Santos", "Ana Silva"]);
    assert_eq!(search("900123").await, ["Ana Silva"]);
    assert_eq!(search("07700 900456").await, ["Ana Maria Santos"]);
    assert_eq!(search("bruno@example.com").await, ["Bruno Silveira"]);
    assert_eq!(search("1990-04-12").await.len(), 4);
    assert_eq!(search("ávila").await, ["Zoe Ávila"]);
    assert_eq!(
        search("").await.first().map(String::as_str),
        Some("Ana Maria Santos")
    );
    assert!(search("nobody").await.is_empty());
}
