//! The core's tests, one binary (linking SQLCipher and the report writers
//! once): the rules and the store, on real files.

mod support;

mod audit;
mod backup;
mod crash;
mod import;
mod notes;
mod outcomes;
mod reports;
mod scores;
mod store;
mod vault;
