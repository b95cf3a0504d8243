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
    /// Fill a data folder with synthetic clients, for benchmarks and demos at volume.
    Seed {
        #[arg(long, env = "NEEDLEPOINT_DATA_DIR", default_value = "./needlepoint-data")]
        data_dir: PathBuf,
        /// How many clients to add.
        #[arg(long, default_value_t = 1000)]
        clients: u32,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Take a consistent copy of the clinic's database while it runs, with a manifest of every
    /// table's rows and digest beside it (FILE.sums.json).
    Backup {
        #[arg(long, env = "NEEDLEPOINT_DATA_DIR", default_value = "./needlepoint-data")]
        data_dir: PathBuf,
        /// The backup file to create; it must not exist.
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Restore a backup into a data folder that has no database yet, checking it against its
    /// manifest before and after. Stop the server first.
    Restore {
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        #[arg(long, env = "NEEDLEPOINT_DATA_DIR", default_value = "./needlepoint-data")]
        data_dir: PathBuf,
    },
    /// Apply the database migrations now (the server also applies them at start).
    Migrate {
        #[arg(long, env = "NEEDLEPOINT_DATA_DIR", default_value = "./needlepoint-data")]
        data_dir: PathBuf,
        #[arg(long, env = "NEEDLEPOINT_DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Check the database: SQLite's integrity and foreign-key checks, and the audit chain.
    Verify {
        #[arg(long, env = "NEEDLEPOINT_DATA_DIR", default_value = "./needlepoint-data")]
        data_dir: PathBuf,
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
    /// `clinic_phone` (printed on the client's aftercare).
    #[arg(long, env = "NEEDLEPOINT_CONFIG")]
    pub config: Option<PathBuf>,
    /// Mark cookies Secure (set this when users reach the server over HTTPS).
    #[arg(long, env = "NEEDLEPOINT_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// A clinic's protocol folder laid over the built-in protocol.
    #[arg(long, env = "NEEDLEPOINT_PROTOCOL")]
    pub protocol: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long, env = "NEEDLEPOINT_DATA_DIR", default_value = "./needlepoint-data")]
        data_dir: PathBuf,
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
        #[arg(long, env = "NEEDLEPOINT_DATA_DIR", default_value = "./needlepoint-data")]
        data_dir: PathBuf,
        #[arg(long, env = "NEEDLEPOINT_DATABASE_URL")]
        database_url: Option<String>,
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}
