//! The app's state: the one open store and its key, behind a lock so there is
//! one writer; locking, unlocking and restoring close and reopen it.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use refrain_core::error::ErrorCode;
use refrain_core::store::backup::{self, RestoreReport};
use refrain_core::vault::{self, KdfParams, StoreKey, VaultState};
use refrain_core::{CoreError, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::AppError;
use crate::keychain;

/// A store that could not be opened: its error's code and message.
type Unavailable = (ErrorCode, String);

pub struct AppState {
    /// The data folder (`None` when none could be found).
    data_dir: Option<PathBuf>,
    /// The open store and its key, behind one lock so there is one writer
    /// and so that locking, unlocking and restoring close and open the store
    /// while every command waits.
    inner: Mutex<Inner>,
    /// The Argon2id cost for new passphrases (tests use a cheap one).
    kdf: KdfParams,
}

struct Inner {
    /// The open store, or why there is none (locked, damaged...).
    store: Result<Store, Unavailable>,
    /// The store key while unlocked (kept when the store itself could not be
    /// opened, so that a backup can still be restored). Wiped on lock.
    key: Option<StoreKey>,
}

/// Where the records stand, for the UI's first screen and its lock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VaultStatus {
    /// `new` (set a passphrase), `unencrypted` (an earlier version's store:
    /// set a passphrase to encrypt it), `locked`, `keysMissing` (only the
    /// recovery key opens it) or `unlocked`.
    pub state: String,
    /// The OS keychain answers, so "remember on this computer" can be offered.
    pub keychain_available: bool,
    /// The store key is remembered in the OS keychain.
    pub remembered: bool,
    pub idle_lock_minutes: u32,
    pub idle_lock_choices: Vec<u32>,
    pub min_passphrase_chars: u32,
}

/// What setting a passphrase gives back: the recovery key, to show once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VaultCreated {
    pub recovery_key: String,
    pub status: VaultStatus,
}

const LOCKED: ErrorCode = ErrorCode::Locked;

fn locked() -> Unavailable {
    (
        LOCKED,
        "Refrain is locked. Unlock it with your passphrase to see your records.".into(),
    )
}

impl AppState {
    /// Looks at the data folder. An encrypted store whose key is remembered
    /// in the OS keychain is opened at once; otherwise Refrain starts locked
    /// (or asks for a first passphrase) and every command says so.
    pub fn open() -> Self {
        Self::open_in(refrain_core::paths::data_dir())
    }

    /// `open` for a given data folder.
    pub fn open_in(data_dir: Option<PathBuf>) -> Self {
        Self::open_in_with(data_dir, KdfParams::default())
    }

    /// `open_in` with the Argon2id cost for passphrases set here.
    pub fn open_in_with(data_dir: Option<PathBuf>, kdf: KdfParams) -> Self {
        let mut inner = Inner {
            store: Err(locked()),
            key: None,
        };
        match &data_dir {
            None => inner.store = Err((ErrorCode::NoDataDir, AppError::NoDataDir.to_string())),
            Some(dir) => match vault::state(dir) {
                Ok(VaultState::New | VaultState::Unencrypted) => {
                    inner.store = Err((
                        ErrorCode::NeedsPassphrase,
                        "Choose a passphrase to protect the records first.".into(),
                    ))
                }
                Ok(VaultState::KeysMissing) => {
                    inner.store = Err(unavailable(CoreError::KeysFile("it is missing".into())))
                }
                Ok(VaultState::Locked) => {
                    let remembered = vault::store_id(dir)
                        .ok()
                        .and_then(|id| keychain::get(&id).ok().flatten())
                        .filter(|key| vault::unlock_with_key(dir, key).is_ok());
                    if let Some(key) = remembered {
                        inner.store = Store::open_in_dir_keyed(dir, &key).map_err(unavailable);
                        inner.key = Some(key);
                    }
                }
                Err(e) => inner.store = Err(unavailable(e)),
            },
        }
        AppState {
            data_dir,
            inner: Mutex::new(inner),
            kdf,
        }
    }

    /// An already open (plain) store: for tests of the commands.
    pub fn from_store(store: Store) -> Self {
        AppState {
            data_dir: store.path().parent().map(Path::to_path_buf),
            inner: Mutex::new(Inner {
                store: Ok(store),
                key: None,
            }),
            kdf: KdfParams::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every write is one transaction, so a panic elsewhere cannot leave
        // the store half written: a poisoned lock is safe to take over.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Where the records stand.
    pub fn vault_status(&self) -> Result<VaultStatus, AppError> {
        let dir = self.data_dir()?;
        let guard = self.lock();
        let state = if guard.key.is_some() || guard.store.is_ok() {
            "unlocked"
        } else {
            match vault::state(&dir)? {
                VaultState::New => "new",
                VaultState::Unencrypted => "unencrypted",
                VaultState::Locked => "locked",
                VaultState::KeysMissing => "keysMissing",
            }
        };
        drop(guard);
        let keychain_available = keychain::available();
        let remembered = keychain_available
            && vault::store_id(&dir)
                .ok()
                .and_then(|id| keychain::get(&id).ok().flatten())
                .is_some();
        Ok(VaultStatus {
            state: state.into(),
            keychain_available,
            remembered,
            idle_lock_minutes: vault::idle_lock_minutes(&dir),
            idle_lock_choices: vault::IDLE_LOCK_CHOICES.to_vec(),
            min_passphrase_chars: vault::MIN_PASSPHRASE_CHARS as u32,
        })
    }

    /// Opens the store with `key` (after the vault has accepted it).
    fn open_with_key(&self, dir: &Path, key: StoreKey) {
        let mut guard = self.lock();
        guard.store = Store::open_in_dir_keyed(dir, &key).map_err(unavailable);
        guard.key = Some(key);
    }

    /// Sets the first passphrase (encrypting an earlier version's store in
    /// place) and opens the store; returns the recovery key to show once.
    pub fn vault_create(&self, passphrase: &str, remember: bool) -> Result<VaultCreated, AppError> {
        let dir = self.data_dir()?;
        let created = vault::create(&dir, passphrase, self.kdf)?;
        if remember {
            if let Ok(id) = vault::store_id(&dir) {
                // Not remembering is safe: the passphrase still opens it.
                let _ = keychain::set(&id, &created.key);
            }
        }
        let recovery_key = created.recovery_key.to_string();
        self.open_with_key(&dir, created.key.clone());
        Ok(VaultCreated {
            recovery_key,
            status: self.vault_status()?,
        })
    }

    pub fn vault_unlock(&self, passphrase: &str) -> Result<VaultStatus, AppError> {
        let dir = self.data_dir()?;
        let key = vault::unlock(&dir, passphrase)?;
        self.open_with_key(&dir, key);
        self.vault_status()
    }

    /// Opens with the recovery key and sets a new passphrase.
    pub fn vault_recover(
        &self,
        recovery_key: &str,
        new_passphrase: &str,
    ) -> Result<VaultStatus, AppError> {
        let dir = self.data_dir()?;
        let key = vault::recover(&dir, recovery_key, new_passphrase, self.kdf)?;
        self.open_with_key(&dir, key);
        self.vault_status()
    }

    /// Locks: a backup if anything changed, then the store is closed and its
    /// key wiped from memory. The music is not the store's and plays on.
    pub fn vault_lock(&self) -> Result<(), AppError> {
        let _ = self.auto_backup();
        let mut guard = self.lock();
        if guard.key.is_none() && guard.store.is_ok() {
            // A plain store (tests) has nothing to lock with.
            return Ok(());
        }
        guard.store = Err(locked());
        guard.key = None;
        Ok(())
    }

    pub fn vault_change_passphrase(&self, current: &str, new: &str) -> Result<(), AppError> {
        let dir = self.data_dir()?;
        vault::change_passphrase(&dir, current, new, self.kdf)?;
        Ok(())
    }

    /// Remembers the store key in the OS keychain, or forgets it.
    pub fn vault_set_remember(&self, remember: bool) -> Result<VaultStatus, AppError> {
        let dir = self.data_dir()?;
        let id = vault::store_id(&dir)?;
        let result = if remember {
            let guard = self.lock();
            let key = guard
                .key
                .clone()
                .ok_or_else(|| AppError::StoreUnavailable {
                    code: LOCKED,
                    message: locked().1,
                })?;
            drop(guard);
            keychain::set(&id, &key)
        } else {
            keychain::forget(&id)
        };
        result.map_err(AppError::Keychain)?;
        self.vault_status()
    }

    /// The recovery key again, for whoever knows the passphrase.
    pub fn vault_recovery_key(&self, passphrase: &str) -> Result<String, AppError> {
        let dir = self.data_dir()?;
        Ok(vault::recovery_key(&dir, passphrase)?.to_string())
    }

    pub fn vault_set_idle_lock(&self, minutes: u32) -> Result<VaultStatus, AppError> {
        let dir = self.data_dir()?;
        vault::set_idle_lock_minutes(&dir, minutes)?;
        self.vault_status()
    }

    /// Runs `f` with the store, mapping its error for the UI.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, CoreError>,
    ) -> Result<T, AppError> {
        let mut guard = self.lock();
        match &mut guard.store {
            Ok(store) => f(store).map_err(AppError::from),
            Err((code, message)) => Err(AppError::StoreUnavailable {
                code: *code,
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
        let mut guard = self.lock();
        let key = guard.key.clone();
        if key.is_none() && guard.store.is_err() {
            let (code, message) = guard.store.as_ref().err().cloned().unwrap_or_else(locked);
            return Err(AppError::StoreUnavailable { code, message });
        }
        // Refuse a bad file (or another store's) before closing anything.
        backup::verify_backup(backup, key.as_ref())?;
        // Whoever is using Refrain carries on after the restore.
        let actor = guard.store.as_ref().ok().and_then(Store::actor);
        // Closing the connection (dropping the store) checkpoints its WAL.
        guard.store = Err((
            ErrorCode::Restoring,
            "A backup is being restored. Please try again in a moment.".into(),
        ));
        let result = backup::restore(&dir, backup, key.as_ref());
        guard.store = match &key {
            Some(key) => Store::open_in_dir_keyed(&dir, key),
            None => Store::open_in_dir(&dir),
        }
        .map_err(unavailable);
        if let Ok(store) = &guard.store {
            store.set_actor(actor);
        }
        let report = result?;
        match &guard.store {
            Ok(_) => Ok(report),
            Err((code, message)) => Err(AppError::StoreUnavailable {
                code: *code,
                message: message.clone(),
            }),
        }
    }
}

fn unavailable(e: CoreError) -> Unavailable {
    (e.error_code(), e.to_string())
}
