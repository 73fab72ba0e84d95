//! Rendering for people: terminal tables now; charts and the HTML report build on it.

pub mod narrative;
pub mod table;

pub use table::{Align, Table};
