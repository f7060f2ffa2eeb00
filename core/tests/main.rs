//! The core's tests, one binary (linking SQLCipher and the report writers
//! once): the rules and the store, on real files.

mod support;

mod audit;
mod backup;
mod crash;
mod handover;
mod information_needs;
mod lyrics;
mod music_story;
mod notes;
mod outcomes;
mod people_import;
mod referrals;
mod reports;
mod room;
mod scores;
mod store;
mod sync;
mod sync_convergence;
mod sync_crash;
mod team;
mod vault;
