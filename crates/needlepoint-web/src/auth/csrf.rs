//! CSRF protection. Two layers: every state-changing request from a browser must come from our
//! own origin (Fetch Metadata and Origin checks, in middleware), and every form carries the
//! session's CSRF token.

/// Compares two tokens in time that does not depend on where they differ.
pub fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
