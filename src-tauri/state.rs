//! The app's state: the one open store, behind a lock so there is one writer.

use std::sync::Mutex;

use refrain_core::{CoreError, Store};

use crate::error::AppError;

pub struct AppState {
    store: Result<Mutex<Store>, (&'static str, String)>,
}

impl AppState {
    /// Opens the store in the data folder. A failure (a newer version's data,
    /// a damaged file) is kept and reported by every command, so the window
    /// still opens and says what is wrong.
    pub fn open() -> Self {
        let store = match refrain_core::paths::data_dir() {
            None => Err(("no_data_dir", AppError::NoDataDir.to_string())),
            Some(dir) => Store::open_in_dir(&dir).map_err(|e| (e.code(), e.to_string())),
        };
        AppState {
            store: store.map(Mutex::new),
        }
    }

    pub fn from_store(store: Store) -> Self {
        AppState {
            store: Ok(Mutex::new(store)),
        }
    }

    /// Runs `f` with the store, mapping its error for the UI.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, CoreError>,
    ) -> Result<T, AppError> {
        let lock = self
            .store
            .as_ref()
            .map_err(|(code, message)| AppError::StoreUnavailable {
                code,
                message: message.clone(),
            })?;
        // Every write is one transaction, so a panic elsewhere cannot leave
        // the store half written: a poisoned lock is safe to take over.
        let mut store = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut store).map_err(AppError::from)
    }
}
