//! The main journeys in a real browser (headless Chromium through chromedriver), on a
//! tablet-sized window. The front of house: sign in, create a client, fill the intake on the zone
//! map, see the plan, sign consent. The treatment room: check in, chart three zones (saved as it
//! goes), sign, print the aftercare and open the client's link. Every page on the way is checked
//! with axe-core for WCAG 2.1 AA violations.
//!
//! Needs `chromium` and `chromium-driver` (Debian packages) and axe-core from npm; `.ci/run`
//! installs them. Without them the test prints why it is skipped, unless
//! `NEEDLEPOINT_REQUIRE_BROWSER=1` (set by `.ci/run`), which turns a missing tool into a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::clinic::{DAY, booking, planned_client_on, send, set_up};
use common::{PASSWORD, spawn};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tool(env: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    path.exists().then_some(path)
}

fn axe_path() -> Option<PathBuf> {
    let default = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/browser-tools/node_modules/axe-core/axe.min.js");
    tool("NEEDLEPOINT_AXE_JS", default.to_str().unwrap_or(""))
}

/// The tools, or the reason the test cannot run.
fn tools() -> Result<(PathBuf, PathBuf, String), String> {
    let chromium =
        tool("NEEDLEPOINT_CHROMIUM", "/usr/bin/chromium").ok_or("no Chromium at /usr/bin/chromium")?;
    let driver = tool("NEEDLEPOINT_CHROMEDRIVER", "/usr/bin/chromedriver")
        .ok_or("no chromedriver at /usr/bin/chromedriver")?;
    let axe = axe_path()
        .ok_or("no axe-core (npm install axe-core into target/browser-tools, or set NEEDLEPOINT_AXE_JS)")?;
    Ok((
        chromium,
        driver,
        std::fs::read_to_string(axe).map_err(|e| e.to_string())?,
    ))
}

async fn start_browser(chromium: &PathBuf, driver: &PathBuf) -> (Driver, Client) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(child);
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=820,1180"]
        }
    });
    let capabilities = capabilities.as_object().cloned().unwrap();
    for _ in 0..100 {
        let connected = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        if let Ok(client) = connected {
            return (driver, client);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not reach chromedriver");
}

/// Runs axe-core on the current page and fails on any WCAG 2.0/2.1 A or AA violation.
async fn assert_accessible(client: &Client, axe: &str, page: &str) {
    let script = format!(
        "{axe}\n;const done = arguments[arguments.length - 1];\
         axe.run(document, {{ runOnly: {{ type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }} }})\
           .then(r => done(r.violations.map(v => ({{ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) }}))))\
           .catch(e => done('axe failed: ' + e));"
    );
    let result = client.execute_async(&script, vec![]).await.expect("axe runs");
    assert_eq!(
        result,
        Value::Array(vec![]),
        "WCAG 2.1 AA violations on {page}: {result:#}"
    );
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits for the next page to show `css` (a click returns before the navigation ends).
async fn wait_for(client: &Client, css: &str) {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"));
}

async fn page_text(client: &Client) -> String {
    client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The tools, or `None` after printing why the test is skipped.
fn tools_or_skip() -> Option<(PathBuf, PathBuf, String)> {
    match tools() {
        Ok(tools) => Some(tools),
        Err(reason) => {
            if std::env::var("NEEDLEPOINT_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!("browser test required but cannot run: {reason}");
            }
            println!("skipped: the browser test needs Chromium, chromedriver and axe-core: {reason}");
            None
        }
    }
}

async fn sign_in(c: &Client, app: &common::TestApp, email: &str) {
    c.goto(&app.url("/login")).await.unwrap();
    fill(c, "#email", email).await;
    fill(c, "#password", PASSWORD).await;
    click(c, "form.card button[type=submit]").await;
    wait_for(c, "form.search").await;
}

/// Sets a field the way a picker would (date and time inputs take no typed text reliably) and
/// fires `change`, as the browser does.
async fn set_value(c: &Client, id: &str, value: &str) {
    c.execute(
        "const f = document.getElementById(arguments[0]); f.value = arguments[1]; f.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![json!(id), json!(value)],
    )
    .await
    .unwrap();
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
async fn the_treatment_room_flow_works_on_a_tablet_and_every_page_is_accessible() {
    let Some((chromium, driver_path, axe)) = tools_or_skip() else {
        return;
    };
    let app = spawn().await;
    let setup = set_up(&app).await;
    let api = app.signed_in("practitioner").await;
    let (client_id, _) =
        planned_client_on(&app, &api, "Maya", 3, true, &["forehead", "cheeks", "chin"]).await;
    let (status, booked) = send(api.post(app.url("/api/v1/appointments")).json(&booking(
        &setup,
        &client_id,
        0,
        0,
        &format!("{DAY}T09:00"),
    )))
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{booked}");
    let appointment_id = booked["appointment"]["id"].as_str().unwrap().to_string();

    let (_driver, c) = start_browser(&chromium, &driver_path).await;
    sign_in(&c, &app, "practitioner@test.clinic").await;

    // The day in the calendar, then the appointment.
    c.goto(&app.url(&format!("/calendar?from={DAY}&days=1")))
        .await
        .unwrap();
    wait_for(&c, "table").await;
    assert!(page_text(&c).await.contains("Maya Okafor"));
    assert_accessible(&c, &axe, "the calendar").await;
    click(&c, &format!("a[href='/appointments/{appointment_id}']")).await;
    wait_for(&c, "#checkin-h").await;
    assert_accessible(&c, &axe, "the appointment page").await;

    // Check in: nothing changed since the last visit.
    click(&c, "form[action$='/check-in'] button[type=submit]").await;
    wait_for(&c, "form.chart").await;
    let chart_url = c.current_url().await.unwrap();
    let chart_id = chart_url.path().trim_start_matches("/charts/").to_string();
    assert_accessible(&c, &axe, "the empty chart").await;

    // Chart the session; every change saves itself.
    for name in ["photos_taken", "cleansed"] {
        click(&c, &format!("input[name={name}]")).await;
    }
    click(
        &c,
        "select#anaesthetic_agent option[value='lidocaine_tetracaine_7']",
    )
    .await;
    fill(&c, "#anaesthetic_concentration", "7%/7%").await;
    for zone in ["forehead", "cheeks", "chin"] {
        click(&c, &format!("input[name=anaesthetic_areas][value={zone}]")).await;
    }
    set_value(&c, "anaesthetic_applied_at", &format!("{DAY}T08:20")).await;
    set_value(&c, "anaesthetic_removed_at", &format!("{DAY}T08:55")).await;
    click(&c, "input[name=removal_and_antisepsis]").await;
    fill(&c, "#device_serial", "SP-1").await;
    fill(&c, "#cartridge_lot", "CART-2211").await;
    set_value(&c, "cartridge_expiry", "2027-09-30").await;
    click(&c, "input[name=cartridge_sterile_pack_intact]").await;
    for (zone, depth) in [("forehead", "0.5"), ("cheeks", "1"), ("chin", "1")] {
        fill(&c, &format!("#zone_{zone}_depth"), depth).await;
        fill(&c, &format!("#zone_{zone}_passes"), "4").await;
        click(&c, &format!("input[name=zone_{zone}_endpoint][value=erythema]")).await;
    }
    click(&c, "select#glide_product option[value='Sterile HA glide']").await;
    fill(&c, "#glide_lot", "G-19").await;
    click(&c, "select#post_product option[value='Calming balm']").await;
    fill(&c, "#post_lot", "B-2").await;
    click(&c, "#notes").await; // leaves the last field, which saves it
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//p[contains(@class, 'save-state') and starts-with(normalize-space(.), 'Saved')]",
        ))
        .await
        .expect("the chart saves itself");

    // A dropped tablet loses nothing: the server already has every field.
    let (_, saved) = send(api.get(app.url(&format!("/api/v1/charts/{chart_id}")))).await;
    assert_eq!(saved["chart"]["zones"].as_array().unwrap().len(), 3, "{saved}");
    assert_eq!(saved["chart"]["post_products"][0]["lot"], "B-2");
    assert!(
        saved["review"]["sign_blockers"].as_array().unwrap().is_empty(),
        "{saved}"
    );
    c.goto(chart_url.as_str()).await.unwrap();
    wait_for(&c, "p.dwell").await;
    let depth = c
        .find(Locator::Css("#zone_cheeks_depth"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        depth.as_deref(),
        Some("1"),
        "the depth typed before the reload is still there"
    );
    assert!(page_text(&c).await.contains("Everything needed is charted."));
    assert_accessible(&c, &axe, "the filled chart").await;

    // Sign, then the aftercare sheet and the client's link.
    click(&c, "form[action$='/sign'] button[type=submit]").await;
    wait_for(&c, "#amend-h").await;
    assert!(page_text(&c).await.contains("Signed"));
    assert_accessible(&c, &axe, "the signed chart").await;
    click(&c, "form[action$='/aftercare-link'] button[type=submit]").await;
    wait_for(&c, "code.link-out").await;
    let link = c
        .find(Locator::Css("code.link-out"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    c.find(Locator::LinkText("Print the aftercare sheet"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, "div.aftercare").await;
    let sheet = page_text(&c).await;
    assert!(
        sheet.contains("What to expect") && sheet.contains("Cheeks (1.0 mm)"),
        "{sheet}"
    );
    assert_accessible(&c, &axe, "the printable aftercare").await;
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url(&link)).await.unwrap();
    wait_for(&c, "div.aftercare").await;
    assert!(page_text(&c).await.contains("Maya Okafor"));
    assert_accessible(&c, &axe, "the client's aftercare link").await;
    c.close().await.unwrap();
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "a journey test reads as one story, step by step"
)]
async fn the_main_journey_works_in_a_real_browser_and_every_page_is_accessible() {
    let Some((chromium, driver_path, axe)) = tools_or_skip() else {
        return;
    };
    let app = spawn().await;
    let (_driver, c) = start_browser(&chromium, &driver_path).await;

    // Sign in.
    c.goto(&app.url("/login")).await.unwrap();
    assert_accessible(&c, &axe, "the sign-in page").await;
    fill(&c, "#email", "practitioner@test.clinic").await;
    fill(&c, "#password", PASSWORD).await;
    click(&c, "form.card button[type=submit]").await;
    wait_for(&c, "form.search").await;
    assert!(c.current_url().await.unwrap().path().starts_with("/clients"));
    assert_accessible(&c, &axe, "the client list").await;

    // Create a client.
    c.find(Locator::LinkText("New client"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, "#given_name").await;
    assert_accessible(&c, &axe, "the new-client form").await;
    fill(&c, "#given_name", "Maya").await;
    fill(&c, "#family_name", "Rossi").await;
    c.execute(
        "document.getElementById('birth_date').value = '1993-07-23';",
        vec![],
    )
    .await
    .unwrap();
    fill(&c, "#phone", "+44 7700 900555").await;
    click(&c, "form.card button[type=submit]").await;
    wait_for(&c, "dl.details").await;
    assert!(page_text(&c).await.contains("Maya Rossi"));
    assert_accessible(&c, &axe, "the client page").await;

    // The intake, areas chosen on the drawn zone map.
    c.find(Locator::LinkText("New intake"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, "form.intake").await;
    assert_accessible(&c, &axe, "the intake form").await;
    c.execute("document.getElementById('date').value = '2026-12-01';", vec![])
        .await
        .unwrap();
    click(&c, "input[name=fitzpatrick][value='3']").await;
    click(&c, "svg.zonemap g[data-zone='forehead'] rect").await;
    click(&c, "svg.zonemap g[data-zone='cheeks'] ellipse").await;
    for zone in ["forehead", "cheeks"] {
        let ticked = c
            .find(Locator::Css(&format!("input[name=area][value={zone}]")))
            .await
            .unwrap()
            .is_selected()
            .await
            .unwrap();
        assert!(ticked, "tapping the map ticks {zone}");
    }
    click(&c, "input[name=concern][value=fine_lines]").await;
    click(&c, "select#device option[value='class:pen']").await;
    fill(&c, "#device_min", "0.25").await;
    fill(&c, "#device_max", "2.5").await;
    click(&c, "form.intake > button").await;
    wait_for(&c, "section.decision").await;

    // The plan.
    let plan = page_text(&c).await;
    assert!(plan.contains("Decision: Proceed"), "{plan}");
    assert!(plan.contains("No valid treatment consent"));
    let coloured = c
        .find(Locator::Css("svg.zonemap g[data-zone='cheeks']"))
        .await
        .unwrap()
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        coloured.contains("depth-"),
        "the map colours the cheeks by depth: {coloured}"
    );
    assert_accessible(&c, &axe, "the plan page").await;

    // Consent, signed on the tablet.
    c.find(Locator::LinkText("Sign treatment consent"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, "#signer_name").await;
    assert_accessible(&c, &axe, "the consent page").await;
    fill(&c, "#signer_name", "Maya Rossi").await;
    click(&c, "form.card button.primary").await;
    wait_for(&c, "#consent-h").await;
    let client_page = page_text(&c).await;
    assert!(client_page.contains("signed by Maya Rossi"), "{client_page}");

    // Back on the plan, it may now proceed.
    c.find(Locator::XPath("//a[starts-with(normalize-space(.), 'Intake 1')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, "section.decision").await;
    assert!(page_text(&c).await.contains("Treatment consent is on file"));
    c.close().await.unwrap();
}
