//! Both engines carry the same schema: the same migration versions, and after migrating, the same
//! tables with the same columns. The PostgreSQL half needs `NEEDLEPOINT_TEST_PG_URL` (set by
//! `.ci/run`); it runs in a fresh database of its own, dropped afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

use std::collections::BTreeMap;

use needlepoint_store_sqlite::SqliteEngine;
use sqlx::{Connection, PgConnection, Row};

#[test]
fn both_engines_have_the_same_migration_versions() {
    assert_eq!(
        needlepoint_store_postgres::migration_versions(),
        SqliteEngine::migration_versions()
    );
}

/// table → sorted column names, from a migrated SQLite file.
async fn sqlite_schema() -> BTreeMap<String, Vec<String>> {
    let dir = std::env::temp_dir().join(format!("needlepoint-schema-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("schema.db");
    needlepoint_store_sqlite::open(&format!("sqlite://{}", path.display()), true)
        .await
        .unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut schema = BTreeMap::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables {
        let mut columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        columns.sort();
        schema.insert(table, columns);
    }
    let _ = std::fs::remove_dir_all(&dir);
    schema
}

#[tokio::test]
async fn postgres_migrates_to_the_same_tables_and_columns_as_sqlite() {
    let Ok(url) = std::env::var("NEEDLEPOINT_TEST_PG_URL") else {
        println!(
            "skipped: set NEEDLEPOINT_TEST_PG_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run the PostgreSQL half"
        );
        return;
    };
    let name = format!("needlepoint_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    let pool = sqlx::PgPool::connect(&format!("{base}/{name}")).await.unwrap();
    needlepoint_store_postgres::migrate(&pool, false).await.unwrap();
    // Twice is harmless: applied migrations are skipped.
    needlepoint_store_postgres::migrate(&pool, false).await.unwrap();
    let rows = sqlx::query(
        "SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations' ORDER BY table_name, column_name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut postgres: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows {
        postgres
            .entry(row.get("table_name"))
            .or_default()
            .push(row.get("column_name"));
    }
    pool.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    assert_eq!(postgres, sqlite_schema().await);
}
