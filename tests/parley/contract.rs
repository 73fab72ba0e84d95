//! The log contract suite ([`parley::store::contract`]) against every implementation of
//! [`parley::store::Log`] in parley: one line each.

use parley::store::contract::{MemoryFixture, SledFixture};

parley::contract_suite!(sled, SledFixture::new());
parley::contract_suite!(memory, MemoryFixture::default());
