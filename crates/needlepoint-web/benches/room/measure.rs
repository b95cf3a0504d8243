//! Every measurement, against a server of its own over a store of either engine.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use needlepoint_store::Store;
use needlepoint_store_sqlite::SqliteStore;
use serde_json::{Value, json};

use crate::{PASSWORD, STATEMENTS, Seeded, chart_json, report};

/// Every measurement, against a server of its own over `store`.
#[allow(
    clippy::too_many_lines,
    reason = "a benchmark runs its steps in one place, in order"
)]
pub(crate) async fn measure(
    engine: &str,
    store: Arc<dyn Store>,
    sqlite: Option<Arc<SqliteStore>>,
    seeded: &Seeded,
) {
    println!("== {engine}");
    let base = crate::server(store).await;
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
                STATEMENTS.load(Ordering::SeqCst) as u64
                    + sqlite.as_ref().map_or(0, |s| s.engine().read_statements())
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
