//! `needlepoint serve` and `needlepoint demo`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use needlepoint_app::accounts::setup;
use needlepoint_app::{ClinicConfig, Context, demo};
use needlepoint_store::Store;
use needlepoint_web::{AppState, WebConfig};
use serde::Deserialize;

use crate::args::ServerArgs;
use crate::database::{self, Location, OpenOptions};
use crate::error::CliError;
use crate::protocol_dir;

/// Settings from an optional TOML file; command-line flags and environment variables win.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    secure_cookies: Option<bool>,
    clinic_name: Option<String>,
    clinic_phone: Option<String>,
    time_zone: Option<String>,
    protocol: Option<PathBuf>,
}

pub struct Settings {
    pub listen: String,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub secure_cookies: bool,
    pub clinic_name: String,
    pub clinic_phone: Option<String>,
    pub time_zone: Option<String>,
    pub protocol: Option<PathBuf>,
    pub single_migrator: bool,
}

fn read_file_settings(path: &Path) -> Result<FileSettings, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| CliError::Config(format!("{}: {}", path.display(), e.message())))
}

pub fn settings(args: ServerArgs) -> Result<Settings, CliError> {
    let default_dir = PathBuf::from("./needlepoint-data");
    let file = match (&args.config, &args.data_dir) {
        (Some(path), _) => read_file_settings(path)?,
        (None, dir) => {
            let candidate = dir
                .clone()
                .unwrap_or_else(|| default_dir.clone())
                .join("needlepoint.toml");
            if candidate.exists() {
                read_file_settings(&candidate)?
            } else {
                FileSettings::default()
            }
        }
    };
    Ok(Settings {
        listen: args
            .listen
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".into()),
        data_dir: args.data_dir.or(file.data_dir).unwrap_or(default_dir),
        database_url: args.database_url.or(file.database_url),
        secure_cookies: args.secure_cookies.or(file.secure_cookies).unwrap_or(false),
        clinic_name: file.clinic_name.unwrap_or_else(|| "Needlepoint clinic".into()),
        clinic_phone: file.clinic_phone,
        time_zone: args.time_zone.or(file.time_zone),
        protocol: args.protocol.or(file.protocol),
        single_migrator: args.single_migrator,
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Server(format!("cannot start the runtime: {e}")))
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if std::env::var("NEEDLEPOINT_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Resolves on SIGINT or SIGTERM. The handlers are registered here, before the server says it is
/// listening, so a signal that arrives at once still shuts down cleanly.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (mut interrupt, mut terminate) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let interrupted = async {
                match interrupt.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let terminated = async {
                match terminate.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! { () = interrupted => {}, () = terminated => {} }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}

async fn run(settings: Settings, demo: bool) -> Result<(), CliError> {
    let protocol = protocol_dir::load(settings.protocol.as_deref())?;
    let location = Location::from_args(&settings.data_dir, settings.database_url.as_deref())?;
    let options = OpenOptions {
        single_migrator: settings.single_migrator,
    };
    let store: Arc<dyn Store> = database::open(&location, options).await?.store;
    tracing::info!(database = %location.describe(), "database open");
    if let Some(zone) = &settings.time_zone
        && jiff::tz::TimeZone::get(zone).is_err()
    {
        return Err(CliError::Config(format!(
            "--time-zone {zone}: not a time zone; use a name such as Europe/London"
        )));
    }
    let config = ClinicConfig {
        clinic_name: settings.clinic_name,
        clinic_phone: settings.clinic_phone,
        time_zone: settings.time_zone,
        ..ClinicConfig::default()
    };
    let files = needlepoint_files::LocalFiles::open(settings.data_dir.join("files"))
        .map_err(|e| CliError::Server(e.to_string()))?;
    let ctx = Context::start(store.clone(), Arc::new(protocol), config)
        .await
        .map_err(|e| CliError::Server(e.to_string()))?
        .with_files(Arc::new(files));
    let web = WebConfig {
        secure_cookies: settings.secure_cookies,
    };
    let state = AppState::new(ctx.clone(), web);
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .map_err(|e| CliError::Server(format!("cannot listen on {}: {e}", settings.listen)))?;
    let address = listener
        .local_addr()
        .map_err(|e| CliError::Server(e.to_string()))?;
    let shutdown = shutdown_signal();
    if demo {
        let logins = demo::seed(&ctx)
            .await
            .map_err(|e| CliError::Server(e.to_string()))?;
        println!("Needlepoint demo clinic: http://{address}/login");
        println!(
            "Data folder (delete it when done): {}",
            settings.data_dir.display()
        );
        println!("Logins (password for all: {}):", demo::DEMO_PASSWORD);
        for login in logins {
            println!("  {:<14} {}", login.role, login.email);
        }
        println!(
            "A treatment day is booked: sign in as the practitioner and open http://{address}/calendar \
             to check a client in, chart, sign and print the aftercare."
        );
        println!("Press Ctrl-C to stop.");
    } else {
        if let Some(link) = setup::link(&ctx)
            .await
            .map_err(|e| CliError::Server(e.to_string()))?
        {
            println!(
                "First start: create the owner account at http://{address}{link} (valid for 24 hours, once)"
            );
        }
        println!("Needlepoint is listening on http://{address}");
    }
    tracing::info!(%address, "listening");
    needlepoint_web::serve(listener, state, shutdown)
        .await
        .map_err(|e| CliError::Server(e.to_string()))
}

pub fn serve(args: ServerArgs) -> Result<(), CliError> {
    init_logging();
    let settings = settings(args)?;
    runtime()?.block_on(run(settings, false))
}

pub fn demo(listen: &str) -> Result<(), CliError> {
    init_logging();
    let stamp = jiff::Timestamp::now().as_second();
    let data_dir = std::env::temp_dir().join(format!("needlepoint-demo-{stamp}-{}", std::process::id()));
    let settings = Settings {
        listen: listen.to_string(),
        data_dir,
        database_url: None,
        secure_cookies: false,
        clinic_name: "Needlepoint demo clinic".into(),
        clinic_phone: Some("020 7946 0000".into()),
        time_zone: None,
        protocol: None,
        single_migrator: false,
    };
    runtime()?.block_on(run(settings, true))
}

pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, CliError> {
    Ok(runtime()?.block_on(future))
}
