//! The file port: photos and other files the clinic keeps go through a [`FileStore`], so that
//! where they live (a folder now; object storage later) is the deployment's choice.
//!
//! Files are content-addressed: a file's address is the SHA-256 of its bytes. Storing the same
//! bytes twice keeps one file, a file never changes under its address, and checking a file is
//! hashing it again.

use async_trait::async_trait;

/// A stored file: its address (SHA-256, hex) and size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub address: String,
    pub bytes: u64,
}

/// The outcome of checking every file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileCheck {
    pub files: u64,
    pub bytes: u64,
    /// Addresses whose content no longer hashes to the address.
    pub damaged: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("`{0}` is not a file address (64 hexadecimal digits)")]
    BadAddress(String),
    #[error("no file storage is set up on this server")]
    Unconfigured,
    /// The write did not happen (or did not reach the disk); nothing was stored.
    #[error("file storage failed: {0}")]
    Io(String),
}

/// Whether `address` can name a file: a SHA-256 in lower-case hex.
pub fn is_address(address: &str) -> bool {
    address.len() == 64
        && address
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[async_trait]
pub trait FileStore: Send + Sync + 'static {
    /// Stores the bytes durably and returns their address.
    async fn put(&self, bytes: Vec<u8>) -> Result<StoredFile, FileError>;
    /// The bytes at `address`, or `None` when there is no such file.
    async fn get(&self, address: &str) -> Result<Option<Vec<u8>>, FileError>;
    /// Hashes every file again.
    async fn check(&self) -> Result<FileCheck, FileError>;
}

/// The stand-in until a server is given somewhere to keep files: every call says so.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoFileStorage;

#[async_trait]
impl FileStore for NoFileStorage {
    async fn put(&self, _bytes: Vec<u8>) -> Result<StoredFile, FileError> {
        Err(FileError::Unconfigured)
    }
    async fn get(&self, _address: &str) -> Result<Option<Vec<u8>>, FileError> {
        Err(FileError::Unconfigured)
    }
    async fn check(&self) -> Result<FileCheck, FileError> {
        Err(FileError::Unconfigured)
    }
}
