//! The core's one error type. Every rule the core enforces fails with one of these,
//! in words a therapist can act on; the shell maps them to `{code, message, field}`.

use thiserror::Error;

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

    /// A report could not be laid out or written as a file (a PDF, say).
    #[error("The report could not be made: {0}")]
    Report(String),

    #[error("A file could not be read or written: {0}")]
    Io(#[from] std::io::Error),
}

impl CoreError {
    /// A stable, machine-readable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Invalid { .. } => "invalid",
            CoreError::Conflict(_) => "conflict",
            CoreError::NoteSigned => "note_signed",
            CoreError::NotFound { .. } => "not_found",
            CoreError::NewerSchema { .. } => "newer_schema",
            CoreError::Open(_) => "open_failed",
            CoreError::Migration(_) => "migration_failed",
            CoreError::Damaged(_) => "store_damaged",
            CoreError::Backup(_) => "backup_failed",
            CoreError::Database(_) => "database",
            CoreError::DiskFull => "disk_full",
            CoreError::WrongPassphrase => "wrong_passphrase",
            CoreError::WrongRecoveryKey => "wrong_recovery_key",
            CoreError::KeysFile(_) => "keys_unusable",
            CoreError::Report(_) => "report_failed",
            CoreError::Io(_) => "io",
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
