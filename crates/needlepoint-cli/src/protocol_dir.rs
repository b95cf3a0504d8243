//! Protocol folders on disk: a clinic's files over the built-in ones.

use std::path::{Path, PathBuf};

use needlepoint_domain::protocol::{EMBEDDED, FILE_NAMES, Protocol, ProtocolFile};

use crate::error::CliError;

/// The built-in protocol, or a clinic's folder laid over it.
pub fn load(dir: Option<&Path>) -> Result<Protocol, CliError> {
    match dir {
        None => Protocol::embedded().map_err(|problems| CliError::Protocol { problems }),
        Some(dir) => load_folder(dir),
    }
}

/// Reads every file of a clinic's folder; files it leaves out come from the built-in protocol.
/// Files in the folder that are not protocol files are reported, so a misnamed file is never
/// silently ignored.
pub fn load_folder(dir: &Path) -> Result<Protocol, CliError> {
    let entries = std::fs::read_dir(dir).map_err(|source| CliError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut stray = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| CliError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") && !FILE_NAMES.contains(&name.as_str()) {
            stray.push(name);
        }
    }
    let mut texts: Vec<(&str, String, String)> = Vec::new();
    for name in FILE_NAMES {
        let path = dir.join(name);
        if path.exists() {
            let text = std::fs::read_to_string(&path).map_err(|source| CliError::Read {
                path: path.clone(),
                source,
            })?;
            texts.push((name, path.display().to_string(), text));
        }
    }
    let mut files: Vec<ProtocolFile<'_>> = EMBEDDED
        .iter()
        .filter(|f| !texts.iter().any(|(name, _, _)| *name == f.name))
        .copied()
        .collect();
    files.extend(
        texts
            .iter()
            .map(|(name, origin, text)| ProtocolFile { name, origin, text }),
    );
    let stray_origins: Vec<String> = stray.iter().map(|n| dir.join(n).display().to_string()).collect();
    files.extend(
        stray
            .iter()
            .zip(&stray_origins)
            .map(|(name, origin)| ProtocolFile {
                name,
                origin,
                text: "",
            }),
    );
    Protocol::from_files(&files).map_err(|problems| CliError::Protocol { problems })
}

/// Writes the built-in files into `dir` (created if needed); never overwrites a file.
pub fn export(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let existing: Vec<&str> = FILE_NAMES
        .iter()
        .copied()
        .filter(|n| dir.join(n).exists())
        .collect();
    if !existing.is_empty() {
        return Err(CliError::ProtocolFolder {
            path: dir.to_path_buf(),
            message: format!("already holds {}; not overwriting", existing.join(", ")),
        });
    }
    let mut written = Vec::new();
    for file in EMBEDDED {
        let path = dir.join(file.name);
        std::fs::write(&path, file.text).map_err(|source| CliError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}
