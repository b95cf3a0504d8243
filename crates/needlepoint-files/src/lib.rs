//! Files in a folder: `ab/cdef…` under the root, named by the SHA-256 of their content.
//!
//! A write goes to a temporary file, is fsynced, renamed into place and the folder fsynced, so
//! that a file acknowledged is a file on disk, and a crash leaves either the whole file or none
//! (temporary leftovers are cleared at open). Several servers share files by sharing the folder
//! (a network file system) until object storage implements the same [`FileStore`].

use std::io::Write;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use needlepoint_store::files::{FileCheck, FileError, FileStore, StoredFile, is_address};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug)]
pub struct LocalFiles {
    root: PathBuf,
}

fn io(context: &str, error: std::io::Error) -> FileError {
    FileError::Io(format!("{context}: {error}"))
}

fn address_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn sync_dir(dir: &Path) -> Result<(), FileError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io(&format!("syncing {}", dir.display()), e))
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, FileError> + Send + 'static,
) -> Result<T, FileError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| FileError::Io(e.to_string()))?
}

impl LocalFiles {
    /// Opens (creating) the folder and clears writes a crash left half-done.
    pub fn open(root: impl Into<PathBuf>) -> Result<LocalFiles, FileError> {
        let root = root.into();
        let temporary = root.join("tmp");
        std::fs::create_dir_all(&temporary).map_err(|e| io(&format!("creating {}", root.display()), e))?;
        for leftover in std::fs::read_dir(&temporary).map_err(|e| io("reading tmp", e))? {
            let leftover = leftover.map_err(|e| io("reading tmp", e))?;
            std::fs::remove_file(leftover.path()).map_err(|e| io("clearing tmp", e))?;
        }
        Ok(LocalFiles { root })
    }

    fn path_of(&self, address: &str) -> PathBuf {
        self.root.join(&address[..2]).join(&address[2..])
    }

    fn put_now(&self, bytes: &[u8]) -> Result<StoredFile, FileError> {
        let address = address_of(bytes);
        let stored = StoredFile {
            address: address.clone(),
            bytes: bytes.len() as u64,
        };
        let path = self.path_of(&address);
        if path.exists() {
            return Ok(stored);
        }
        let temporary = self.root.join("tmp").join(uuid::Uuid::new_v4().to_string());
        let mut file = std::fs::File::create(&temporary).map_err(|e| io("creating a file", e))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| io("writing a file", e))?;
        let folder = path.parent().unwrap_or(&self.root).to_path_buf();
        std::fs::create_dir_all(&folder).map_err(|e| io("creating a folder", e))?;
        std::fs::rename(&temporary, &path).map_err(|e| io("putting a file in place", e))?;
        sync_dir(&folder)?;
        sync_dir(&self.root)?;
        Ok(stored)
    }

    fn check_now(&self) -> Result<FileCheck, FileError> {
        let mut check = FileCheck::default();
        let shards = std::fs::read_dir(&self.root).map_err(|e| io("reading the files", e))?;
        for shard in shards {
            let shard = shard.map_err(|e| io("reading the files", e))?;
            let prefix = shard.file_name().to_string_lossy().into_owned();
            if prefix == "tmp" || !shard.path().is_dir() {
                continue;
            }
            for file in std::fs::read_dir(shard.path()).map_err(|e| io("reading the files", e))? {
                let file = file.map_err(|e| io("reading the files", e))?;
                let address = format!("{prefix}{}", file.file_name().to_string_lossy());
                let bytes = std::fs::read(file.path()).map_err(|e| io("reading a file", e))?;
                check.files += 1;
                check.bytes += bytes.len() as u64;
                if address_of(&bytes) != address {
                    check.damaged.push(address);
                }
            }
        }
        check.damaged.sort();
        Ok(check)
    }
}

#[async_trait]
impl FileStore for LocalFiles {
    async fn put(&self, bytes: Vec<u8>) -> Result<StoredFile, FileError> {
        let files = self.clone();
        blocking(move || files.put_now(&bytes)).await
    }

    async fn get(&self, address: &str) -> Result<Option<Vec<u8>>, FileError> {
        if !is_address(address) {
            return Err(FileError::BadAddress(address.to_string()));
        }
        let path = self.path_of(address);
        blocking(move || match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io("reading a file", e)),
        })
        .await
    }

    async fn check(&self) -> Result<FileCheck, FileError> {
        let files = self.clone();
        blocking(move || files.check_now()).await
    }
}
