//! Refrain's core: the domain, its rules, the care-record store, reports,
//! the people import and the vault.
//!
//! This crate must never depend on Tauri or any UI toolkit, nor on the audio
//! engine (`refrain-audio` depends on it, not the other way round): the
//! desktop shell, the CLI and the benchmarks all use it through the same API.
//! See ARCHITECTURE.md for the code map.

pub mod avoid;
pub mod bindings;
pub mod demo;
pub mod error;
pub mod handover;
pub mod labels;
pub mod model;
pub mod outcomes;
pub mod paths;
pub mod people_import;
pub mod report;
pub mod snomed;
pub mod store;
pub mod sync;
pub mod team;
pub mod validate;
pub mod vault;

pub use error::{CoreError, Result};
pub use labels::Labelled;
pub use store::Store;

/// This build's version, shown in the app and stamped on exports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
