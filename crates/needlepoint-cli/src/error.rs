//! Everything the command line can fail with, and how each is shown.

use std::path::PathBuf;

use needlepoint_domain::intake::FieldError;
use needlepoint_domain::protocol::ProtocolProblem;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{}: cannot read: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: expected a .json or .toml intake file (or - for JSON on standard input)", path.display())]
    UnknownExtension { path: PathBuf },
    #[error("{} problem(s) in the intake", problems.len())]
    Intake { file: String, problems: Vec<FieldError> },
    #[error("{} problem(s) in the protocol", problems.len())]
    Protocol { problems: Vec<ProtocolProblem> },
    #[error("{}: {message}", path.display())]
    ProtocolFolder { path: PathBuf, message: String },
    #[error("{}: cannot write: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),
    #[error("cannot encode the plan as JSON: {0}")]
    Json(serde_json::Error),
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Server(String),
    #[error("the audit log does not verify: {0}")]
    AuditBroken(String),
}

impl CliError {
    /// 2 for input the user can fix, 1 for anything else.
    pub fn exit_status(&self) -> u8 {
        match self {
            CliError::Output(_)
            | CliError::Json(_)
            | CliError::Write { .. }
            | CliError::Server(_)
            | CliError::AuditBroken(_) => 1,
            _ => 2,
        }
    }

    /// The reader went away (`needlepoint plan ... | head`): nothing worth saying.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            CliError::Output(e) => e.kind() == std::io::ErrorKind::BrokenPipe,
            CliError::Json(e) => e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe),
            _ => false,
        }
    }

    /// The message, one problem per line.
    pub fn lines(&self) -> Vec<String> {
        match self {
            CliError::Intake { file, problems } => problems
                .iter()
                .map(|p| {
                    if p.path.is_empty() {
                        format!("{file}: {}", p.problem)
                    } else {
                        format!("{file}: {}: {}", p.path, p.problem)
                    }
                })
                .collect(),
            CliError::Protocol { problems } => problems.iter().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        }
    }
}
