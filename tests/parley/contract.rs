//! The log contract suite ([`parley::store::contract`]) against every implementation of
//! [`parley::store::Log`] in parley: one line each.

use parley::store::contract::{MemoryFixture, SledFixture};

use super::pg::PgFixture;

parley::contract_suite!(sled, SledFixture::new());
parley::contract_suite!(memory, MemoryFixture::default());
// `PgFixture::new()` is `None` when PostgreSQL is missing outside CI (it said so): skip.
parley::contract_suite!(
    postgres,
    match PgFixture::new() {
        Some(f) => f,
        None => return,
    }
);
