//! Accounts, sessions, set-up links.

use needlepoint_store::*;
use needlepoint_store_conformance::TestStore;

use crate::support::*;

pub async fn users_are_unique_by_email_whatever_the_case(t: TestStore) {
    let store = t.store.as_ref();
    let owner = user(store, "Owner@Clinic.test", Role::Owner).await;
    let again = store
        .create_user(
            NewUser {
                id: UserId::new(),
                email: "owner@clinic.TEST".into(),
                role: Role::Owner,
                password_hash: "x".into(),
                created_at: at(),
            },
            audit(AuditAction::UserCreate, None),
        )
        .await;
    assert!(
        matches!(&again, Err(StoreError::Duplicate(m)) if m.contains("owner@clinic.TEST")),
        "{again:?}"
    );
    let found = store.user_by_email(" owner@clinic.test").await.unwrap().unwrap();
    assert_eq!(found, owner);
    assert_eq!(store.user(&owner.id).await.unwrap(), Some(owner.clone()));
    user(store, "desk@clinic.test", Role::FrontDesk).await;
    let emails: Vec<_> = store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.email)
        .collect();
    assert_eq!(emails, ["desk@clinic.test", "Owner@Clinic.test"]);
    assert_eq!(store.count_users().await.unwrap(), 2);
    assert_eq!(
        chain_is_valid(store).await,
        2,
        "a failed write leaves no audit entry"
    );
}

pub async fn sessions_and_setup_tokens(t: TestStore) {
    let store = t.store.as_ref();
    let owner = user(store, "owner@clinic.test", Role::Owner).await;
    store
        .create_session(NewSession {
            token_hash: "hash-1".into(),
            user_id: owner.id.clone(),
            csrf_token: "csrf".into(),
            created_at: 1_000,
        })
        .await
        .unwrap();
    store.touch_session("hash-1", 1_500).await.unwrap();
    let (session, who) = store.session("hash-1").await.unwrap().unwrap();
    assert_eq!(
        (session.created_at, session.last_seen_at, who.id),
        (1_000, 1_500, owner.id)
    );
    assert_eq!(session.csrf_token, "csrf");
    store.delete_session("hash-1").await.unwrap();
    assert!(store.session("hash-1").await.unwrap().is_none());

    store.create_setup_token("setup", 10_000).await.unwrap();
    assert!(
        !store.consume_setup_token("setup", 20_000, 3_600).await.unwrap(),
        "expired"
    );
    assert!(store.consume_setup_token("setup", 10_100, 3_600).await.unwrap());
    assert!(
        !store.consume_setup_token("setup", 10_200, 3_600).await.unwrap(),
        "used once"
    );
    assert!(!store.consume_setup_token("other", 10_100, 3_600).await.unwrap());
}
