//! Fixtures shared by the core's tests.

use refrain_core::model::{Group, Session, SessionInput};
use refrain_core::Store;
use tempfile::TempDir;

/// A new, empty store in its own temporary folder (kept as long as the
/// `TempDir` lives).
pub fn store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    (dir, store)
}

/// A session of `group` on `date` (`YYYY-MM-DD`), 10:30 to 12:00.
pub fn session_on(store: &mut Store, group: &Group, date: &str) -> Session {
    store
        .create_session(&SessionInput {
            group_id: group.id.clone(),
            date: date.into(),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap()
}
