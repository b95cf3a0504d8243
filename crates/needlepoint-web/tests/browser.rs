//! The main journey in a real browser (headless Chromium through chromedriver), on a
//! tablet-sized window: sign in, create a client, fill the intake on the zone map, see the plan,
//! sign consent. Every page on the way is checked with axe-core for WCAG 2.1 AA violations.
//!
//! Needs `chromium` and `chromium-driver` (Debian packages) and axe-core from npm; `.ci/run`
//! installs them. Without them the test prints why it is skipped, unless
//! `NEEDLEPOINT_REQUIRE_BROWSER=1` (set by `.ci/run`), which turns a missing tool into a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a panic in a test is a failing test

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

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

#[tokio::test]
async fn the_main_journey_works_in_a_real_browser_and_every_page_is_accessible() {
    let (chromium, driver_path, axe) = match tools() {
        Ok(tools) => tools,
        Err(reason) => {
            if std::env::var("NEEDLEPOINT_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!("browser test required but cannot run: {reason}");
            }
            println!("skipped: the browser test needs Chromium, chromedriver and axe-core: {reason}");
            return;
        }
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
