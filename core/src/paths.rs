//! Where Refrain keeps its data.

use std::path::PathBuf;

/// The app's identifier; the OS data folder holds a folder of this name.
/// Must match `identifier` in tauri.conf.json.
pub const APP_IDENTIFIER: &str = "org.refrain.desktop";

/// Overrides the data folder (tests and administrators use it).
pub const DATA_DIR_ENV: &str = "REFRAIN_DATA_DIR";

/// The data folder: `$REFRAIN_DATA_DIR` when set, otherwise the OS's app data
/// folder (on Linux `~/.local/share/org.refrain.desktop`).
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::data_dir().map(|d| d.join(APP_IDENTIFIER)),
    }
}

/// Overrides the folder reports are saved to by default (tests use it).
pub const EXPORTS_DIR_ENV: &str = "REFRAIN_EXPORTS_DIR";

/// Where reports are saved unless the therapist picks another place:
/// `$REFRAIN_EXPORTS_DIR` when set, else "Refrain reports" in the Documents
/// folder (the home folder when there is none).
pub fn exports_dir() -> Option<PathBuf> {
    match std::env::var_os(EXPORTS_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::document_dir()
            .or_else(dirs::home_dir)
            .map(|d| d.join("Refrain reports")),
    }
}
