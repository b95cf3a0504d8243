//! Plans and protocols rendered for people.

pub mod protocol;
pub mod text;
