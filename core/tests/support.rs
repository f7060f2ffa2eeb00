//! Fixtures shared by the core's tests.

use refrain_core::Store;
use tempfile::TempDir;

/// A new, empty store in its own temporary folder (kept as long as the
/// `TempDir` lives).
pub fn store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    (dir, store)
}
