//! Plans rendered for people.

pub mod text;
