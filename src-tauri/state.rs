//! The app's state: the one open store, behind a lock so there is one writer.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use refrain_core::store::backup::{self, RestoreReport};
use refrain_core::{CoreError, Store};

use crate::error::AppError;

/// A store that could not be opened: its error's code and message.
type Unavailable = (&'static str, String);

pub struct AppState {
    /// The data folder (`None` when none could be found).
    data_dir: Option<PathBuf>,
    /// The open store, or why it could not be opened. Behind one lock so a
    /// restore can close it, replace the file and open it again while every
    /// command waits.
    store: Mutex<Result<Store, Unavailable>>,
}

impl AppState {
    /// Opens the store in the data folder. A failure (a newer version's data,
    /// a damaged file) is kept and reported by every command, so the window
    /// still opens and says what is wrong (and a backup can be restored).
    pub fn open() -> Self {
        Self::open_in(refrain_core::paths::data_dir())
    }

    /// `open` for a given data folder.
    pub fn open_in(data_dir: Option<PathBuf>) -> Self {
        let store = match &data_dir {
            None => Err(("no_data_dir", AppError::NoDataDir.to_string())),
            Some(dir) => Store::open_in_dir(dir).map_err(unavailable),
        };
        AppState {
            data_dir,
            store: Mutex::new(store),
        }
    }

    pub fn from_store(store: Store) -> Self {
        AppState {
            data_dir: store.path().parent().map(Path::to_path_buf),
            store: Mutex::new(Ok(store)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Result<Store, Unavailable>> {
        // Every write is one transaction, so a panic elsewhere cannot leave
        // the store half written: a poisoned lock is safe to take over.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` with the store, mapping its error for the UI.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, CoreError>,
    ) -> Result<T, AppError> {
        let mut guard = self.lock();
        match &mut *guard {
            Ok(store) => f(store).map_err(AppError::from),
            Err((code, message)) => Err(AppError::StoreUnavailable {
                code,
                message: message.clone(),
            }),
        }
    }

    /// The data folder; works whether or not the store opened.
    pub fn data_dir(&self) -> Result<PathBuf, AppError> {
        self.data_dir.clone().ok_or(AppError::NoDataDir)
    }

    /// An automatic backup if something changed (see `Store::auto_backup`).
    /// The store's lock is held only while the data is copied; the copy is
    /// checked and named with the lock released, so the window carries on.
    pub fn auto_backup(&self) -> Result<Option<PathBuf>, AppError> {
        let Some(pending) = self.with(|s| s.start_auto_backup(chrono::Utc::now()))? else {
            return Ok(None);
        };
        let done = pending.finish()?;
        self.with(|s| {
            s.auto_backup_done(&done);
            Ok(())
        })?;
        Ok(Some(done.path))
    }

    /// Closes the store, puts `backup` in its place and opens it again. Works
    /// when the store could not be opened (a damaged file) too. Whatever
    /// happens, the store is opened again afterwards: the restored data, or
    /// the data as it was when the restore was refused.
    pub fn restore(&self, backup: &Path) -> Result<RestoreReport, AppError> {
        let dir = self.data_dir()?;
        // Refuse a bad file before closing anything.
        backup::verify_backup(backup)?;
        let mut guard = self.lock();
        // Whoever is using Refrain carries on after the restore.
        let actor = guard.as_ref().ok().and_then(Store::actor);
        // Closing the connection (dropping the store) checkpoints its WAL.
        *guard = Err((
            "restoring",
            "A backup is being restored. Please try again in a moment.".into(),
        ));
        let result = backup::restore(&dir, backup);
        *guard = Store::open_in_dir(&dir).map_err(unavailable);
        if let Ok(store) = &*guard {
            store.set_actor(actor);
        }
        let report = result?;
        match &*guard {
            Ok(_) => Ok(report),
            Err((code, message)) => Err(AppError::StoreUnavailable {
                code,
                message: message.clone(),
            }),
        }
    }
}

fn unavailable(e: CoreError) -> Unavailable {
    (e.code(), e.to_string())
}
