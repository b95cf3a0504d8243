//! Argon2id password hashes (PHC strings), computed off the async runtime: a hash takes tens of
//! milliseconds of CPU and must not stall other requests.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

/// The shortest password accepted.
pub const MIN_PASSWORD_LENGTH: usize = 12;

fn hasher() -> Argon2<'static> {
    // OWASP's recommended minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password on a blocking thread.
pub async fn hash_password(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        // A fresh random salt each time (the operating system's generator).
        hasher()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Checks a password against a stored hash on a blocking thread. A malformed hash never matches.
pub async fn verify_password(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || {
        hasher()
            .verify_password(password.as_bytes(), stored.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random password, made once, to check unknown accounts against: an unknown email
/// takes as long as a wrong password.
pub async fn dummy_hash() -> String {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            let random = super::random_token().unwrap_or_else(|_| "needlepoint".into());
            hash_password(random).await.unwrap_or_default()
        })
        .await
        .clone()
}
