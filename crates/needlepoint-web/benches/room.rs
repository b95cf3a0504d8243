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

use needlepoint_domain::protocol::Protocol;
use needlepoint_store::Store;
use needlepoint_store_sqlite::SqliteStore;
use needlepoint_web::{AppState, WebConfig};
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

// The same allocator as the `needlepoint` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Counts the SQL statements sqlx runs (it logs each one under `sqlx::query`).
static STATEMENTS: AtomicUsize = AtomicUsize::new(0);

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

const PASSWORD: &str = "bench password 1";
const SESSIONS_PER_CLIENT: usize = 10;
const APPOINTMENT_COLUMNS: &str = "id, client_id, intake_id, practitioner_id, room_id, device_id, starts_at, ends_at, zones_json, status, version, created_by, created_at, updated_at";
const SIGNED_CHART_COLUMNS: &str =
    "id, appointment_id, client_id, chart_json, version, signed_by, signed_at, created_at, updated_at";

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn report(name: &str, mut samples: Vec<Duration>, elapsed: Duration) {
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

async fn bulk(pool: &sqlx::SqlitePool, table: &str, columns: &str, rows: Vec<Vec<Value>>) {
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

fn time_of(hour_index: usize) -> (String, String) {
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

fn chart_json(index: usize, depth: f64) -> String {
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
struct Seeded {
    clients: usize,
    sessions: usize,
    /// Charts checked in and open, one per writer.
    open: Vec<String>,
}

async fn run(sessions: usize) {
    let dir = std::env::temp_dir().join(format!("needlepoint-bench-room-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    fsync_latency(&dir);
    let store = Arc::new(
        SqliteStore::open(&format!("sqlite://{}", dir.join("bench.db").display()), true)
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
                needlepoint_store_postgres::PgStore::open(
                    scratch.url(),
                    needlepoint_store_postgres::PgOptions::default(),
                )
                .await
                .unwrap(),
            );
            let started = Instant::now();
            let sums = needlepoint_store_sql::transfer::copy(store.as_ref(), pg.as_ref(), &mut Quiet)
                .await
                .unwrap();
            let rows: u64 = sums.iter().map(|s| s.rows).sum();
            let took = started.elapsed().as_secs_f64();
            println!(
                "copy SQLite → PostgreSQL: {rows} rows in {took:.1} s ({:.0} rows/s), every table checked",
                rows as f64 / took
            );
            sqlx::query("ANALYZE").execute(pg.pool()).await.unwrap();
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

/// Seeds the SQLite store: staff and rooms through the API, then clients, intakes and signed
/// sessions straight into the tables.
async fn seed(store: &Arc<SqliteStore>, sessions: usize) -> Seeded {
    let state = AppState::start(
        store.clone() as Arc<dyn Store>,
        Arc::new(Protocol::embedded().unwrap()),
        WebConfig::default(),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(needlepoint_web::serve(listener, state, std::future::pending()));
    let owner = needlepoint_web::create_user(store.as_ref(), None, "owner@bench.test", "owner", PASSWORD)
        .await
        .unwrap();
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let ok = |r: reqwest::Response| async move {
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        assert!(status.is_success(), "{status}: {body}");
        body
    };
    ok(http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "email": "owner@bench.test", "password": PASSWORD }))
        .send()
        .await
        .unwrap())
    .await;

    // The clinic through the API, one real client with a real intake, so the stored plan is the engine's.
    let owner_id = owner.id.clone();
    ok(http
        .put(format!("{base}/api/v1/practitioners/{owner_id}/licence"))
        .json(&json!({ "licence_type": "Physician", "max_depth_mm": 2.5 }))
        .send()
        .await
        .unwrap())
    .await;
    let room = ok(http
        .post(format!("{base}/api/v1/rooms"))
        .json(&json!({ "name": "Room 1" }))
        .send()
        .await
        .unwrap())
    .await;
    let device = ok(http
        .post(format!("{base}/api/v1/devices"))
        .json(&json!({ "name": "Pen", "model": "pen", "serial": "BENCH-1", "min_mm": 0.25, "max_mm": 2.5 }))
        .send()
        .await
        .unwrap())
    .await;
    for (name, use_for) in [("Sterile HA glide", "glide"), ("Calming balm", "post_procedure")] {
        ok(http
            .post(format!("{base}/api/v1/formulary"))
            .json(&json!({ "name": name, "use": use_for }))
            .send()
            .await
            .unwrap())
        .await;
    }
    let template = ok(http
        .post(format!("{base}/api/v1/clients"))
        .json(&json!({ "given_name": "Template", "family_name": "Client", "birth_date": "1988-02-14" }))
        .send()
        .await
        .unwrap())
    .await;
    let template_id = template["id"].as_str().unwrap().to_string();
    let intake = ok(http
        .post(format!("{base}/api/v1/clients/{template_id}/intakes"))
        .json(&json!({
            "date": "2026-12-07", "client": { "birth_date": "1988-02-14", "fitzpatrick": 2 },
            "device": { "class": "pen", "min_mm": 0.25, "max_mm": 2.5 },
            "areas": ["forehead", "cheeks"], "concerns": ["acne_scars"]
        }))
        .send()
        .await
        .unwrap())
    .await;
    let intake_record = store
        .intake(intake["intake_id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let (intake_json, plan_json) = (intake_record.intake.to_string(), intake_record.plan.to_string());
    let (room_id, device_id) = (
        room["id"].as_str().unwrap().to_string(),
        device["id"].as_str().unwrap().to_string(),
    );

    // A million sessions, straight into the tables (the API would take hours): clients, their
    // intakes, appointments, signed charts and the lot index.
    let clients = sessions.div_ceil(SESSIONS_PER_CLIENT);
    let pool = store.pool();
    let started = Instant::now();
    let now = "2026-11-24T00:00:00Z";
    for batch in (0..clients).collect::<Vec<_>>().chunks(20_000) {
        let mut client_rows = Vec::new();
        let mut intake_rows = Vec::new();
        for &c in batch {
            let id = format!("bench-client-{c:07}");
            client_rows.push(vec![
                json!(id),
                json!(format!("Given{c}")),
                json!(format!("Family{c}")),
                json!("1988-02-14"),
                json!(format!("c{c}@example.com")),
                json!(format!("+4477009{c:05}")),
                json!(format!("given{c}")),
                json!(format!("family{c}")),
                json!(format!("c{c}@example.com")),
                json!(format!("4477009{c:05}").chars().rev().collect::<String>()),
                json!(1),
                json!(0),
                json!(now),
                json!(now),
            ]);
            intake_rows.push(vec![
                json!(format!("bench-intake-{c:07}")),
                json!(id),
                json!(1),
                json!(intake_json),
                json!(plan_json),
                json!("proceed"),
                json!("bench"),
                json!(owner_id),
                json!(now),
            ]);
        }
        bulk(pool, "clients", "id, given_name, family_name, birth_date, email, phone, given_key, family_key, email_key, phone_key, version, archived, created_at, updated_at", client_rows).await;
        bulk(pool, "intakes", "id, client_id, number, intake_json, plan_json, decision, protocol_version, created_by, created_at", intake_rows).await;
    }
    for batch in (0..sessions).collect::<Vec<_>>().chunks(20_000) {
        let (mut appointments, mut charts, mut lots) = (Vec::new(), Vec::new(), Vec::new());
        for &s in batch {
            let c = s / SESSIONS_PER_CLIENT;
            let (start, end) = time_of(s);
            let (client, appointment, chart) = (
                format!("bench-client-{c:07}"),
                format!("bench-appt-{s:07}"),
                format!("bench-chart-{s:07}"),
            );
            appointments.push(vec![
                json!(appointment),
                json!(client),
                json!(format!("bench-intake-{c:07}")),
                json!(owner_id),
                json!(room_id),
                json!(device_id),
                json!(start),
                json!(end),
                json!("[\"forehead\",\"cheeks\"]"),
                json!("done"),
                json!(1),
                json!(owner_id),
                json!(now),
                json!(now),
            ]);
            charts.push(vec![
                json!(chart),
                json!(appointment),
                json!(client),
                json!(chart_json(s, 1.0)),
                json!(3),
                json!(owner_id),
                json!(now),
                json!(now),
                json!(now),
            ]);
            let day = &start[..10];
            for (lot, kind, product) in [
                (format!("C-{}", s / 50), "cartridge", "needle cartridge"),
                (format!("G-{}", s / 500), "glide", "Sterile HA glide"),
                (format!("P-{}", s / 1000), "post_procedure", "Calming balm"),
            ] {
                lots.push(vec![
                    json!(lot),
                    json!(kind),
                    json!(product),
                    json!(chart),
                    json!(client),
                    json!(day),
                ]);
            }
        }
        bulk(pool, "appointments", APPOINTMENT_COLUMNS, appointments).await;
        bulk(pool, "charts", SIGNED_CHART_COLUMNS, charts).await;
        bulk(
            pool,
            "lot_uses",
            "lot, kind, product, chart_id, client_id, used_on",
            lots,
        )
        .await;
    }
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    println!(
        "seeded {clients} clients and {sessions} signed sessions ({} lot uses) in {:.0} s",
        sessions * 3,
        started.elapsed().as_secs_f64()
    );

    // Client 0 gets 500 sessions more, for the history test (client 1 keeps its 10).
    let busy_client = "bench-client-0000000";
    let mut extra = (Vec::new(), Vec::new());
    for k in 0..500usize {
        let s = sessions + k;
        let (start, end) = time_of(s);
        let (appointment, chart) = (format!("bench-appt-x{k:04}"), format!("bench-chart-x{k:04}"));
        extra.0.push(vec![
            json!(appointment),
            json!(busy_client),
            json!("bench-intake-0000000"),
            json!(owner_id),
            json!(room_id),
            json!(device_id),
            json!(start),
            json!(end),
            json!("[\"forehead\",\"cheeks\"]"),
            json!("done"),
            json!(1),
            json!(owner_id),
            json!(now),
            json!(now),
        ]);
        extra.1.push(vec![
            json!(chart),
            json!(appointment),
            json!(busy_client),
            json!(chart_json(s, 1.0)),
            json!(3),
            json!(owner_id),
            json!(now),
            json!(now),
            json!(now),
        ]);
    }
    bulk(pool, "appointments", APPOINTMENT_COLUMNS, extra.0).await;
    bulk(pool, "charts", SIGNED_CHART_COLUMNS, extra.1).await;
    // Sixteen open charts, one per writer of the save test.
    let mut open = Vec::new();
    for w in 0..16usize {
        // Clients of their own, away from the history test's client 0, whatever the size.
        let c = (1000 + w) % clients;
        let client = format!("bench-client-{c:07}");
        let (start, end) = time_of(sessions + 1000 + w);
        let (appointment, chart) = (
            format!("bench-appt-open{w:02}"),
            format!("bench-chart-open{w:02}"),
        );
        bulk(
            pool,
            "appointments",
            APPOINTMENT_COLUMNS,
            vec![vec![
                json!(appointment),
                json!(client),
                json!(format!("bench-intake-{c:07}")),
                json!(owner_id),
                json!(room_id),
                json!(device_id),
                json!(start),
                json!(end),
                json!("[\"forehead\",\"cheeks\"]"),
                json!("checked_in"),
                json!(2),
                json!(owner_id),
                json!(now),
                json!(now),
            ]],
        )
        .await;
        bulk(
            pool,
            "charts",
            "id, appointment_id, client_id, chart_json, version, created_at, updated_at",
            vec![vec![
                json!(chart),
                json!(appointment),
                json!(client),
                json!("{}"),
                json!(1),
                json!(now),
                json!(now),
            ]],
        )
        .await;
        open.push(chart);
    }
    Seeded {
        clients,
        sessions,
        open,
    }
}

/// Every measurement, against a server of its own over `store`.
async fn measure(engine: &str, store: Arc<dyn Store>, sqlite: Option<Arc<SqliteStore>>, seeded: &Seeded) {
    println!("== {engine}");
    let state = AppState::start(
        store.clone(),
        Arc::new(Protocol::embedded().unwrap()),
        WebConfig::default(),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(needlepoint_web::serve(listener, state, std::future::pending()));
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let signed_in = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "email": "owner@bench.test", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert!(signed_in.status().is_success());
    let ok = |r: reqwest::Response| async move {
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "{status}: {text}");
        text
    };
    let clients = seeded.clients;

    // Client search, one at a time: by family name prefix, by two names, by the phone's ending.
    let mut samples = Vec::new();
    let started = Instant::now();
    for i in 0..1000usize {
        let c = (i * 7919) % clients;
        let query = match i % 3 {
            0 => format!("family{}", c / 10),
            1 => format!("given{c} family{c}"),
            _ => format!("9{c:05}"),
        };
        let t = Instant::now();
        let body = ok(http
            .get(format!("{base}/api/v1/clients"))
            .query(&[("q", &query)])
            .send()
            .await
            .unwrap())
        .await;
        samples.push(t.elapsed());
        assert!(body.contains("bench-client-"), "{query} finds someone");
    }
    report(&format!("{engine}: client search"), samples, started.elapsed());

    // A client's page (HTML: details, intakes, sessions, consents), one at a time.
    let mut samples = Vec::new();
    let started = Instant::now();
    for i in 0..1000usize {
        let c = 2 + (i * 7919) % (clients - 2);
        let t = Instant::now();
        ok(http
            .get(format!("{base}/clients/bench-client-{c:07}"))
            .send()
            .await
            .unwrap())
        .await;
        samples.push(t.elapsed());
    }
    report(&format!("{engine}: a client's page"), samples, started.elapsed());

    // Authenticated reads at 64 connections for 10 s (every read audited).
    let deadline = Instant::now() + Duration::from_secs(10);
    let started = Instant::now();
    let readers: Vec<_> = (0..64usize)
        .map(|r| {
            let (http, base) = (http.clone(), base.clone());
            tokio::spawn(async move {
                let mut samples = Vec::new();
                let mut n = r;
                while Instant::now() < deadline {
                    n = (n + 7919) % clients;
                    let t = Instant::now();
                    let response = http
                        .get(format!("{base}/api/v1/clients/bench-client-{n:07}"))
                        .send()
                        .await
                        .unwrap();
                    assert!(response.status().is_success());
                    response.bytes().await.unwrap();
                    samples.push(t.elapsed());
                }
                samples
            })
        })
        .collect();
    let mut samples = Vec::new();
    for reader in readers {
        samples.extend(reader.await.unwrap());
    }
    report(
        &format!("{engine}: authenticated reads, 64 connections"),
        samples,
        started.elapsed(),
    );

    // Lot look-up: cartridge lots (50 sessions each) and glide lots (500 each), one at a time.
    for (kind, prefix, lots_count) in [
        ("cartridge", "C", seeded.sessions / 50),
        ("glide", "G", seeded.sessions / 500),
    ] {
        let mut samples = Vec::new();
        let started = Instant::now();
        for i in 0..1000usize {
            let lot = format!("{prefix}-{}", (i * 7919) % lots_count.max(1));
            let t = Instant::now();
            let body = ok(http
                .get(format!("{base}/api/v1/lots/{lot}"))
                .send()
                .await
                .unwrap())
            .await;
            samples.push(t.elapsed());
            assert!(body.contains(&lot), "{lot} has uses");
        }
        let each = if kind == "glide" { 500 } else { 50 };
        report(
            &format!("{engine}: lot look-up, {kind} lots ({each} uses each)"),
            samples,
            started.elapsed(),
        );
    }

    // A client's chart history: statements for a client with 10 sessions, then one with 510.
    let statements_for = |client: &'static str| {
        let (http, base, sqlite) = (http.clone(), base.clone(), sqlite.clone());
        async move {
            tokio::time::sleep(Duration::from_millis(100)).await; // let earlier audit batches land
            let count = || {
                STATEMENTS.load(Ordering::SeqCst) as u64 + sqlite.as_ref().map_or(0, |s| s.read_statements())
            };
            let before = count();
            let t = Instant::now();
            let response = http
                .get(format!("{base}/api/v1/clients/{client}/charts"))
                .send()
                .await
                .unwrap();
            let body: Value = response.json().await.unwrap();
            let took = t.elapsed();
            tokio::time::sleep(Duration::from_millis(100)).await; // and this request's audit batch
            (count() - before, body.as_array().unwrap().len(), took)
        }
    };
    let (small, small_rows, small_time) = statements_for("bench-client-0000001").await;
    let (large, large_rows, large_time) = statements_for("bench-client-0000000").await;
    println!(
        "{engine}: chart history: {small} SQL statements for {small_rows} sessions ({:.1} ms), {large} for {large_rows} sessions ({:.1} ms)",
        small_time.as_secs_f64() * 1000.0,
        large_time.as_secs_f64() * 1000.0
    );
    assert_eq!(
        small, large,
        "the statement count must not grow with the sessions"
    );

    // Chart saves at 16 writers: tablets at a human pace (each saves a field every 250 ms, faster
    // than anyone types and taps), then writers saving back to back (the server's ceiling).
    for (label, pause) in [
        ("paced, each every 250 ms", Some(Duration::from_millis(250))),
        ("back to back", None),
    ] {
        let samples = save_load(&http, &base, &seeded.open, pause).await;
        report(
            &format!("{engine}: chart saves, 16 concurrent writers, {label}"),
            samples.0,
            samples.1,
        );
    }
}

/// Each of the open charts gets its own writer for 15 seconds; returns every save's latency.
async fn save_load(
    http: &reqwest::Client,
    base: &str,
    open: &[String],
    pause: Option<Duration>,
) -> (Vec<Duration>, Duration) {
    let deadline = Instant::now() + Duration::from_secs(15);
    let started = Instant::now();
    let mut writers = Vec::new();
    for (w, chart) in open.iter().cloned().enumerate() {
        let http = http.clone();
        let base = base.to_string();
        writers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let current: Value = http.get(format!("{base}/api/v1/charts/{chart}")).send().await.unwrap().json().await.unwrap();
            let mut version = current["version"].as_i64().unwrap();
            let mut n = 0usize;
            if let Some(pause) = pause {
                // Spread the tablets over the pause so they do not all save at the same instant.
                tokio::time::sleep(pause * u32::try_from(w).unwrap() / 16).await;
            }
            while Instant::now() < deadline {
                n += 1;
                let depth = 0.5 + (n % 10) as f64 * 0.05; // one field changes each save
                let body: Value = json!({ "version": version, "chart": serde_json::from_str::<Value>(&chart_json(n, depth)).unwrap() });
                let t = Instant::now();
                let response = http.put(format!("{base}/api/v1/charts/{chart}")).json(&body).send().await.unwrap();
                let status = response.status();
                let saved: Value = response.json().await.unwrap();
                samples.push(t.elapsed());
                assert!(status.is_success(), "{status}: {saved}");
                version = saved["version"].as_i64().unwrap();
                if let Some(pause) = pause {
                    tokio::time::sleep(pause.saturating_sub(t.elapsed())).await;
                }
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for writer in writers {
        samples.extend(writer.await.unwrap());
    }
    (samples, started.elapsed())
}
