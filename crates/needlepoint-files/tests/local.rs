#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests: a panic is a failing test

use needlepoint_files::LocalFiles;
use needlepoint_store::files::{FileError, FileStore};

fn folder(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("needlepoint-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test]
async fn files_are_stored_once_by_content_read_back_and_checked() {
    let dir = folder("roundtrip");
    let files = LocalFiles::open(&dir).unwrap();
    let photo = b"not really a photo".to_vec();
    let stored = files.put(photo.clone()).await.unwrap();
    assert_eq!(stored.address.len(), 64);
    assert_eq!(stored.bytes, photo.len() as u64);
    assert_eq!(
        files.put(photo.clone()).await.unwrap(),
        stored,
        "the same bytes are one file"
    );
    files.put(b"another".to_vec()).await.unwrap();
    assert_eq!(files.get(&stored.address).await.unwrap(), Some(photo));
    assert_eq!(files.get(&"0".repeat(64)).await.unwrap(), None);
    assert!(matches!(
        files.get("../../etc/passwd").await,
        Err(FileError::BadAddress(_))
    ));

    let check = files.check().await.unwrap();
    assert_eq!((check.files, check.damaged.len()), (2, 0));
    // A file changed on disk no longer matches its address.
    let path = dir.join(&stored.address[..2]).join(&stored.address[2..]);
    std::fs::write(&path, b"tampered").unwrap();
    assert_eq!(
        files.check().await.unwrap().damaged,
        std::slice::from_ref(&stored.address)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_write_a_crash_left_half_done_is_cleared_at_open() {
    let dir = folder("leftover");
    LocalFiles::open(&dir).unwrap();
    std::fs::write(dir.join("tmp").join("half-written"), b"half").unwrap();
    let files = LocalFiles::open(&dir).unwrap();
    assert_eq!(std::fs::read_dir(dir.join("tmp")).unwrap().count(), 0);
    assert_eq!(files.check().await.unwrap().files, 0);
    let _ = std::fs::remove_dir_all(&dir);
}
