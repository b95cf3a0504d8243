//! The storage suite: every engine passes the same tests. SQLite always runs; PostgreSQL runs when
//! `NEEDLEPOINT_TEST_PG_URL` is set (each test in a database of its own, dropped afterwards).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests: a panic is a failing test

mod accounts;
mod book;
mod clients;
mod concurrency;
mod records;
mod support;
mod transfer;

use needlepoint_store_conformance::{Engine, fresh, postgres_server};

/// Each test, once per engine: `sqlite::name` and `postgres::name`.
macro_rules! on_every_engine {
    ($($module:ident :: $name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$module::$name(super::fresh(super::Engine::Sqlite).await.unwrap()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Err(why) = super::postgres_server() {
                        println!("{why}");
                        return;
                    }
                    super::$module::$name(super::fresh(super::Engine::Postgres).await.unwrap()).await;
                }
            )*
        }
    };
}

on_every_engine!(
    accounts::users_are_unique_by_email_whatever_the_case,
    accounts::sessions_and_setup_tokens,
    clients::client_edits_need_the_current_version,
    clients::client_search_by_name_phone_email_and_birth_date,
    records::intakes_are_numbered_per_client_and_read_back_typed,
    records::consent_texts_are_versioned_and_consents_withdrawn_once,
    records::rooms_devices_and_the_formulary_refuse_duplicates,
    records::settings_and_aftercare_links,
    book::bookings_that_overlap_clash_and_cancelled_ones_do_not,
    book::a_signed_chart_never_changes_and_takes_amendments,
    concurrency::concurrent_edits_give_one_success_and_conflicts,
    concurrency::concurrent_writes_keep_one_valid_audit_chain,
    concurrency::a_failed_write_in_a_batch_leaves_the_others_and_the_chain,
    concurrency::every_audited_write_is_in_the_chain_and_tampering_shows,
    transfer::a_copy_to_either_engine_holds_every_row,
);
