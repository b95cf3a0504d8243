//! The command line's shape.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Needlepoint: microneedling treatment planning for clinics.
#[derive(Debug, Parser)]
#[command(name = "needlepoint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Screen an intake and print the treatment plan.
    Plan {
        /// Output: `text` to print for the practitioner, `json` as the plan contract defines.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// A clinic's protocol folder; its files replace the built-in ones of the same name.
        #[arg(long, value_name = "DIR")]
        protocol: Option<PathBuf>,
        /// The intake: a .json or .toml file, or `-` for JSON on standard input.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Work with protocol folders.
    Protocol {
        #[command(subcommand)]
        command: ProtocolCommand,
    },
    /// Run the clinic's web application and API.
    Serve(ServerArgs),
    /// Start the server on a fresh data folder seeded with a demo clinic, and print the logins.
    Demo {
        /// Address to listen on.
        #[arg(long, env = "NEEDLEPOINT_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Fill a database with synthetic clients, screened intakes, plans and signed sessions, made
    /// through the clinical engine and the store as real ones are; for benchmarks and demos at volume.
    Seed {
        #[command(flatten)]
        db: DatabaseArgs,
        /// How many clients to add.
        #[arg(long, default_value_t = 1000)]
        clients: u32,
        /// How many treatment sessions (booked, charted and signed) to add across them.
        #[arg(long, default_value_t = 0)]
        sessions: u32,
    },
    /// Move a whole clinic from one database to another (SQLite to PostgreSQL or back), then check
    /// every table's rows and digest on both sides. Stop the servers first; the target must be
    /// empty (a new SQLite file is created; a PostgreSQL database must exist).
    Copy {
        /// sqlite://PATH or postgres://USER@HOST/DATABASE
        #[arg(long, value_name = "URL")]
        from: String,
        /// sqlite://PATH or postgres://USER@HOST/DATABASE
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Take a consistent copy of the clinic's database while it runs, with a manifest of every
    /// table's rows and digest beside it (FILE.sums.json).
    Backup {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The backup file to create; it must not exist.
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Restore a backup into a data folder that has no database yet, checking it against its
    /// manifest before and after. Stop the server first.
    Restore {
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Apply the database migrations now (the server also applies them at start).
    Migrate {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Check the database: SQLite's integrity and foreign-key checks, and the audit chain.
    Verify {
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

/// Where the server listens and keeps its data. Each setting can also come from an environment
/// variable or from a TOML file (`--config`, or `needlepoint.toml` in the data folder).
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// Address to listen on.
    #[arg(long, env = "NEEDLEPOINT_LISTEN")]
    pub listen: Option<String>,
    /// Folder for the database and files; created on first start.
    #[arg(long, env = "NEEDLEPOINT_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL; by default an SQLite file in the data folder.
    #[arg(long, env = "NEEDLEPOINT_DATABASE_URL")]
    pub database_url: Option<String>,
    /// A TOML file with `listen`, `data_dir`, `database_url`, `secure_cookies`, `clinic_name`,
    /// `clinic_phone` (printed on the client's aftercare), `time_zone`.
    #[arg(long, env = "NEEDLEPOINT_CONFIG")]
    pub config: Option<PathBuf>,
    /// Mark cookies Secure (set this when users reach the server over HTTPS).
    #[arg(long, env = "NEEDLEPOINT_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// A clinic's protocol folder laid over the built-in protocol.
    #[arg(long, env = "NEEDLEPOINT_PROTOCOL")]
    pub protocol: Option<PathBuf>,
    /// The clinic's time zone (e.g. Europe/London) until the owner sets it in the app; the
    /// server's own zone when neither is set.
    #[arg(long, env = "NEEDLEPOINT_TIME_ZONE")]
    pub time_zone: Option<String>,
    /// Migrate without PostgreSQL's advisory lock (for PostgreSQL-compatible engines that have
    /// none); then start one server first and the others once it has migrated.
    #[arg(long, env = "NEEDLEPOINT_SINGLE_MIGRATOR")]
    pub single_migrator: bool,
}

/// Which database a command works on.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// Folder of the default SQLite database (`needlepoint.db`) and the clinic's files.
    #[arg(long, env = "NEEDLEPOINT_DATA_DIR", default_value = "./needlepoint-data")]
    pub data_dir: PathBuf,
    /// sqlite://PATH or postgres://USER@HOST/DATABASE; by default the data folder's SQLite file.
    #[arg(long, env = "NEEDLEPOINT_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Migrate without PostgreSQL's advisory lock (for engines that have none).
    #[arg(long, env = "NEEDLEPOINT_SINGLE_MIGRATOR")]
    pub single_migrator: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[command(flatten)]
        db: DatabaseArgs,
        #[arg(long)]
        email: String,
        /// owner, practitioner or front_desk
        #[arg(long)]
        role: String,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verify the audit log's hash chain: an edited, inserted or deleted entry is reported.
    Verify {
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProtocolCommand {
    /// Validate a protocol folder; report every problem with file, line and field.
    Check {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Write the built-in protocol's files into a folder, as a starting point for a clinic's own.
    Export {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Print the whole protocol for its medical director: every option, zone, concern, device,
    /// question, rule, wait, step and care item with its sources and evidence tags.
    Show {
        /// `text` to read or print, `json` for other programs.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// A clinic's protocol folder; the built-in protocol when left out.
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Compare a clinic's protocol folder with the built-in protocol, entry by entry.
    Diff {
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}
