//! Staff accounts: passwords, sign-in and its throttle, sessions, the first owner's set-up link.

pub mod password;
pub mod sessions;
pub mod setup;
pub mod throttle;
pub mod users;

use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// 32 random bytes, hex: session tokens, set-up links, aftercare links.
pub fn random_token() -> AppResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

/// What is stored in place of a token: its SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn secrets_match(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// An email as accounts are keyed by it: trimmed and lower-cased, once for every use.
pub fn normalised_email(email: &str) -> String {
    email.trim().to_lowercase()
}
