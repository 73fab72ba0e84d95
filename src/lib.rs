//! parley: an event-sourced negotiation journal.
#![forbid(unsafe_code)]

pub mod clock;
mod error;
pub mod journal;
pub mod model;
pub mod projection;
pub mod store;
pub mod synth;

pub use error::{Error, Result};
pub mod report;
