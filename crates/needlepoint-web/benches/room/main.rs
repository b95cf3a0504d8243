//! The speed goals of issues 4 and 5 at 100,000 clients and a million charted sessions, against
//! the real server (in this process, release build) on a random port, on each engine:
//! - client search p95, a client's page p95, authenticated reads at 64 connections;
//! - lot look-up p95 (`GET /api/v1/lots/{lot}`);
//! - a client's chart history in a number of SQL statements that does not grow with the number
//!   of sessions (`GET /api/v1/clients/{id}/charts`, statements counted from sqlx's own log);
//! - saving a chart at 16 concurrent writers (`PUT /api/v1/charts/{id}`, every save durable);
//! - on PostgreSQL, first `copy` of the whole clinic from the seeded SQLite file (rows/s);
//! - the disk's fsync latency, beside the write figures.
//!
//! Run: `cargo bench -p needlepoint-web --bench room` (SESSIONS=1000000 by default; seeding takes a
//! few minutes). PostgreSQL runs too when NEEDLEPOINT_TEST_PG_URL names a server (a scratch
//! database is made and dropped). Results go to BENCHMARKS.md by hand, with the machine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a bench that cannot run should stop loudly

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use needlepoint_app::accounts::users::{self, NewAccount};
use needlepoint_app::{Actor, ClinicConfig, Context};
use needlepoint_domain::protocol::Protocol;
use needlepoint_store::Store;
use needlepoint_store_sqlite::SqliteStore;
use needlepoint_web::{AppState, WebConfig};
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

mod measure;
mod seed;

use measure::measure;
use seed::seed;

// The same allocator as the `needlepoint` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Counts the SQL statements sqlx runs (it logs each one under `sqlx::query`).
pub(crate) static STATEMENTS: AtomicUsize = AtomicUsize::new(0);

struct CountStatements;

/// Collects an event's fields as text.
struct Text(String);

impl tracing::field::Visit for Text {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={value:?} ", field.name()));
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountStatements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target().starts_with("sqlx::query") {
            let mut text = Text(String::new());
            event.record(&mut text);
            // The background WAL checkpoint runs once a second, whatever the request.
            if !text.0.contains("wal_checkpoint") {
                STATEMENTS.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

pub(crate) const PASSWORD: &str = "bench password 1";
pub(crate) const SESSIONS_PER_CLIENT: usize = 10;
pub(crate) const APPOINTMENT_COLUMNS: &str = "id, client_id, intake_id, practitioner_id, room_id, device_id, starts_at, ends_at, zones_json, status, version, created_by, created_at, updated_at";
pub(crate) const SIGNED_CHART_COLUMNS: &str =
    "id, appointment_id, client_id, chart_json, version, signed_by, signed_at, created_at, updated_at";

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

pub(crate) fn report(name: &str, mut samples: Vec<Duration>, elapsed: Duration) {
    samples.sort();
    println!(
        "{name}: {} requests in {:.1} s ({:.0}/s); p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        samples.len(),
        elapsed.as_secs_f64(),
        samples.len() as f64 / elapsed.as_secs_f64(),
        percentile(&samples, 0.50),
        percentile(&samples, 0.95),
        percentile(&samples, 0.99),
        percentile(&samples, 1.0),
    );
}

pub(crate) async fn bulk(pool: &sqlx::SqlitePool, table: &str, columns: &str, rows: Vec<Vec<Value>>) {
    for chunk in rows.chunks(400) {
        let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!("INSERT INTO {table} ({columns}) "));
        insert.push_values(chunk, |mut row, values| {
            for value in values {
                match value {
                    Value::Null => row.push_bind(None::<String>),
                    Value::Number(n) => row.push_bind(n.as_i64().unwrap()),
                    Value::String(s) => row.push_bind(s.clone()),
                    other => row.push_bind(other.to_string()),
                };
            }
        });
        insert.build().execute(pool).await.unwrap();
    }
}

pub(crate) fn time_of(hour_index: usize) -> (String, String) {
    let start = jiff::civil::date(1990, 1, 1)
        .at(9, 0, 0, 0)
        .checked_add(jiff::Span::new().hours(hour_index as i64))
        .unwrap();
    let end = start.checked_add(jiff::Span::new().minutes(50)).unwrap();
    (
        start.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
        end.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
    )
}

pub(crate) fn chart_json(index: usize, depth: f64) -> String {
    json!({
        "changes_since_last_visit": {}, "photos_taken": true, "cleansed": true,
        "anaesthetic": { "agent": "lidocaine_tetracaine_7", "concentration": "7%/7%", "areas": ["forehead", "cheeks"],
                         "applied_at": "2026-12-07T08:20:00", "removed_at": "2026-12-07T08:55:00", "occlusion": false },
        "removal_and_antisepsis": true, "device_serial": "BENCH-1",
        "cartridge": { "lot": format!("C-{}", index / 50), "expiry": "2199-01-01", "sterile_pack_intact": true },
        "zones": [
            { "zone": "forehead", "actual_depth_mm": 0.5, "passes": 4, "speed": 6, "endpoint": "erythema" },
            { "zone": "cheeks", "actual_depth_mm": depth, "passes": 5, "speed": 8, "endpoint": "pinpoint_bleeding" }
        ],
        "glide": { "product": "Sterile HA glide", "lot": format!("G-{}", index / 500) },
        "post_products": [{ "product": "Calming balm", "lot": format!("P-{}", index / 1000) }],
        "adverse_events": [], "notes": "Tolerated well."
    })
    .to_string()
}

fn main() {
    let sessions: usize = std::env::var("SESSIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    tracing_subscriber::registry()
        .with(tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::DEBUG))
        .with(CountStatements)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(sessions));
}

/// What the measurements need from the seeding.
pub(crate) struct Seeded {
    pub clients: usize,
    pub sessions: usize,
    /// Charts checked in and open, one per writer.
    pub open: Vec<String>,
}

/// A server over `store`, as `needlepoint serve` starts one; its address.
pub(crate) async fn server(store: Arc<dyn Store>) -> String {
    let ctx = Context::start(
        store,
        Arc::new(Protocol::embedded().unwrap()),
        ClinicConfig::default(),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(ctx, WebConfig::default());
    tokio::spawn(needlepoint_web::serve(listener, state, std::future::pending()));
    base
}

/// The owner the bench signs in as.
pub(crate) async fn owner(store: Arc<dyn Store>) -> needlepoint_store::User {
    let ctx = Context::start(
        store,
        Arc::new(Protocol::embedded().unwrap()),
        ClinicConfig::default(),
    )
    .await
    .unwrap();
    let account = NewAccount {
        email: "owner@bench.test".into(),
        role: "owner".into(),
        password: PASSWORD.into(),
    };
    users::create(&ctx, &Actor::Job("bench"), &account).await.unwrap()
}

async fn run(sessions: usize) {
    let dir = std::env::temp_dir().join(format!("needlepoint-bench-room-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    fsync_latency(&dir);
    let store: Arc<SqliteStore> = Arc::new(
        needlepoint_store_sqlite::open(&format!("sqlite://{}", dir.join("bench.db").display()), true)
            .await
            .unwrap(),
    );
    let seeded = seed(&store, sessions).await;
    measure("SQLite", store.clone(), Some(store.clone()), &seeded).await;
    let size = std::fs::metadata(dir.join("bench.db"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!("SQLite database file: {:.0} MiB", size as f64 / 1048576.0);
    match std::env::var("NEEDLEPOINT_TEST_PG_URL") {
        Ok(server) => {
            let scratch = needlepoint_store_postgres::scratch::ScratchDatabase::create(&server)
                .await
                .unwrap();
            let pg = Arc::new(
                needlepoint_store_postgres::open(
                    scratch.url(),
                    needlepoint_store_postgres::PgOptions::default(),
                )
                .await
                .unwrap(),
            );
            let started = Instant::now();
            let sums = needlepoint_store_sql::transfer::copy(store.engine(), pg.engine(), &mut Quiet)
                .await
                .unwrap();
            let rows: u64 = sums.iter().map(|s| s.rows).sum();
            let took = started.elapsed().as_secs_f64();
            println!(
                "copy SQLite → PostgreSQL: {rows} rows in {took:.1} s ({:.0} rows/s), every table checked",
                rows as f64 / took
            );
            sqlx::query("ANALYZE").execute(pg.engine().pool()).await.unwrap();
            measure("PostgreSQL", pg, None, &seeded).await;
        }
        Err(_) => println!("PostgreSQL skipped: set NEEDLEPOINT_TEST_PG_URL to measure it too"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The copy's progress is not shown in a benchmark.
struct Quiet;

impl needlepoint_store_sql::transfer::Progress for Quiet {
    fn start(&mut self, _: u64) {}
    fn copied(&mut self, _: &str, _: u64) {}
    fn verifying(&mut self) {}
}

/// Writes 4 KiB and waits for the disk (fdatasync), 1,000 times: the floor under every durable write.
fn fsync_latency(dir: &std::path::Path) {
    use std::io::Write;
    let path = dir.join("fsync-probe");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = [7u8; 4096];
    let mut samples = Vec::new();
    let started = Instant::now();
    for _ in 0..1000 {
        let t = Instant::now();
        file.write_all(&block).unwrap();
        file.sync_data().unwrap();
        samples.push(t.elapsed());
    }
    report(
        "fsync latency (4 KiB write + fdatasync)",
        samples,
        started.elapsed(),
    );
    let _ = std::fs::remove_file(path);
}
