//! The shell's error: what a command returns when it fails. It crosses the IPC
//! boundary as `{code, message, field}` (the `CommandError` TypeScript type),
//! never as a bare string and never as a panic.

use refrain_audio::AudioError;
use refrain_core::error::ErrorCode;
use refrain_core::CoreError;
use serde::{Serialize, Serializer};
use ts_rs::TS;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Core(#[from] CoreError),

    /// The store could not be opened at start-up; every command reports why.
    #[error("{message}")]
    StoreUnavailable { code: ErrorCode, message: String },

    #[error(
        "Refrain could not find a folder to keep its data in. Set REFRAIN_DATA_DIR to a folder."
    )]
    NoDataDir,

    /// The player or a music file (no output, a missing or broken file).
    #[error(transparent)]
    Audio(#[from] AudioError),

    /// The OS keychain refused to remember or forget the key.
    #[error(
        "The computer's keychain could not be used: {0}. Your passphrase still opens Refrain."
    )]
    Keychain(String),

    /// Something that runs one at a time is already running.
    #[error("{0}")]
    Busy(String),
}

/// The wire form of [`AppError`].
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, TS)]
pub struct CommandError {
    /// Stable and machine-readable: one of [`ErrorCode`] (the one list of
    /// codes, in refrain-core).
    pub code: ErrorCode,
    /// A sentence for the person using the app.
    pub message: String,
    /// For `invalid`: the input field (camelCase) the message belongs beside.
    pub field: Option<String>,
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Core(e) => e.error_code(),
            AppError::StoreUnavailable { code, .. } => *code,
            AppError::NoDataDir => ErrorCode::NoDataDir,
            AppError::Audio(e) => e.error_code(),
            AppError::Keychain(_) => ErrorCode::Keychain,
            AppError::Busy(_) => ErrorCode::Busy,
        }
    }

    pub fn to_wire(&self) -> CommandError {
        CommandError {
            code: self.code(),
            message: self.to_string(),
            field: match self {
                AppError::Core(e) => e.field().map(str::to_string),
                _ => None,
            },
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_wire().serialize(serializer)
    }
}
