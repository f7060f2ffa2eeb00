//! The core's one error type. Every rule the core enforces fails with one of these,
//! in words a therapist can act on; the shell maps them to `{code, message, field}`.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use ts_rs::TS;

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal,)+) => {
        /// Every error code that crosses into the UI, stable and
        /// machine-readable: the core's, the audio engine's, the shell's and
        /// the two the UI makes itself. The one list of them; the UI's
        /// `ErrorCode` type is generated from it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* #[serde(rename = $code)] $variant,)+
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The code as it is sent ("not_found").
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }
        }
    };
}

error_codes! {
    /// Input that breaks a rule; `field` says which.
    Invalid = "invalid",
    Conflict = "conflict",
    NotFound = "not_found",
    NoteSigned = "note_signed",
    NewerSchema = "newer_schema",
    OpenFailed = "open_failed",
    MigrationFailed = "migration_failed",
    StoreDamaged = "store_damaged",
    BackupFailed = "backup_failed",
    Database = "database",
    DiskFull = "disk_full",
    WrongPassphrase = "wrong_passphrase",
    WrongRecoveryKey = "wrong_recovery_key",
    KeysUnusable = "keys_unusable",
    ReportFailed = "report_failed",
    Io = "io",
    /// The store before it is open: no passphrase set yet.
    NeedsPassphrase = "needs_passphrase",
    /// The store before it is open: locked.
    Locked = "locked",
    /// The store is closed while a backup is restored.
    Restoring = "restoring",
    Keychain = "keychain",
    /// Team sharing: a sync folder, key or change file that can't be used.
    SyncFailed = "sync_failed",
    NoDataDir = "no_data_dir",
    /// Something that runs one at a time is already running.
    Busy = "busy",
    NotAudio = "not_audio",
    UnsupportedCodec = "unsupported_codec",
    Corrupt = "corrupt",
    MissingFile = "missing_file",
    Unreadable = "unreadable",
    /// No sound output could be opened.
    NoOutput = "no_output",
    /// The UI's own: it could not reach the app's side at all.
    NoBackend = "no_backend",
    /// The UI's own: a failure that came without a code.
    Unknown = "unknown",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[derive(Debug, Error)]
pub enum CoreError {
    /// Input that breaks a rule. `field` names the input field (camelCase, as the
    /// UI sends it) so the message can be shown beside it.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },

    /// The request clashes with what is already recorded (e.g. a person already on
    /// the register, an archived group).
    #[error("{0}")]
    Conflict(String),

    /// Something tried to change a signed note, which is final.
    #[error("This note is signed, so it can't be changed. Add an amendment instead.")]
    NoteSigned,

    #[error("That {what} could not be found. It may have been removed on another screen.")]
    NotFound { what: &'static str },

    #[error(
        "This data was written by a newer version of Refrain (data version {found}; this \
         version understands up to {supported}). Please update Refrain. Nothing has been changed."
    )]
    NewerSchema { found: u32, supported: u32 },

    #[error("The data file could not be opened: {0}")]
    Open(String),

    #[error(
        "The data could not be updated to this version of Refrain: {0}. Nothing has been changed."
    )]
    Migration(String),

    /// The data file is damaged (SQLite found it corrupt, or it is not a
    /// database at all). Nothing is written to it; a backup can be restored.
    #[error(
        "Refrain's data file is damaged, so it can't be used safely ({0}). Nothing has been \
         changed. Your records can be brought back by restoring a backup."
    )]
    Damaged(String),

    /// A backup could not be made, or a file offered for restoring is not a
    /// usable backup. Nothing half-written is left behind.
    #[error("{0}")]
    Backup(String),

    #[error("Something went wrong while saving or reading: {0}")]
    Database(rusqlite::Error),

    /// The disk is full: the change was not saved (its transaction rolled
    /// back), and nothing else changed.
    #[error(
        "There is no room left on this computer's disk, so this was not saved. Nothing has been \
         changed. Free some space (or empty the bin) and try again."
    )]
    DiskFull,

    /// The passphrase does not open the keys file. Nothing was touched.
    #[error(
        "That passphrase is not right. Nothing has been changed. Check Caps Lock and try again."
    )]
    WrongPassphrase,

    /// A well-formed recovery key that is not this store's.
    #[error(
        "That recovery key does not open these records. Check each group against the copy \
         you wrote down or printed."
    )]
    WrongRecoveryKey,

    /// The keys file (the store's key, wrapped by the passphrase) can't be
    /// used. The store is untouched; the recovery key still opens it.
    #[error(
        "Refrain's keys file can't be used: {0}. Your records are untouched; your recovery key \
         opens them and lets you set a new passphrase."
    )]
    KeysFile(String),

    /// A report or export could not be made or saved. Nothing half-written
    /// is left where it was to be saved.
    #[error("The report could not be made: {0}. Nothing has been saved.")]
    Report(String),

    /// Team sharing could not go ahead (no key for a space, a key file
    /// that can't be used, a sync folder that can't be read). Nothing in the
    /// records was changed by the attempt.
    #[error("{0}")]
    Sync(String),

    #[error("A file could not be read or written: {0}")]
    Io(#[from] std::io::Error),
}

impl CoreError {
    /// A stable, machine-readable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code, as the contract's type.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            CoreError::Invalid { .. } => ErrorCode::Invalid,
            CoreError::Conflict(_) => ErrorCode::Conflict,
            CoreError::NoteSigned => ErrorCode::NoteSigned,
            CoreError::NotFound { .. } => ErrorCode::NotFound,
            CoreError::NewerSchema { .. } => ErrorCode::NewerSchema,
            CoreError::Open(_) => ErrorCode::OpenFailed,
            CoreError::Migration(_) => ErrorCode::MigrationFailed,
            CoreError::Damaged(_) => ErrorCode::StoreDamaged,
            CoreError::Backup(_) => ErrorCode::BackupFailed,
            CoreError::Database(_) => ErrorCode::Database,
            CoreError::DiskFull => ErrorCode::DiskFull,
            CoreError::WrongPassphrase => ErrorCode::WrongPassphrase,
            CoreError::WrongRecoveryKey => ErrorCode::WrongRecoveryKey,
            CoreError::KeysFile(_) => ErrorCode::KeysUnusable,
            CoreError::Report(_) => ErrorCode::ReportFailed,
            CoreError::Sync(_) => ErrorCode::SyncFailed,
            CoreError::Io(_) => ErrorCode::Io,
        }
    }

    /// The input field a validation message belongs beside, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            CoreError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        CoreError::Invalid {
            field,
            message: message.into(),
        }
    }
}

impl From<rusqlite::Error> for CoreError {
    /// SQLite's "corrupt" and "not a database" mean the file is damaged, and
    /// are reported as such wherever they surface (opening, a query, a backup).
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                CoreError::Damaged(e.to_string())
            }
            Some(rusqlite::ErrorCode::DiskFull) => CoreError::DiskFull,
            _ => CoreError::Database(e),
        }
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

impl From<refrain_pdf::PdfError> for CoreError {
    fn from(e: refrain_pdf::PdfError) -> Self {
        CoreError::Report(e.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_named_as_such() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        let e = CoreError::from(full);
        assert_eq!(e.code(), "disk_full");
        assert!(e.to_string().contains("no room left"), "{e}");
    }
}
