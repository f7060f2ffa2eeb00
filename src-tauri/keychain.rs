//! The OS keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows), through the `keyring` crate's native back ends. It
//! holds the store key only when the therapist asks Refrain to remember it on
//! this computer; then Refrain opens without the passphrase at start. A
//! keychain that can't be reached (no Secret Service running) simply means
//! the offer is not made.

use keyring::Entry;
use refrain_core::paths::APP_IDENTIFIER;
use refrain_core::vault::StoreKey;

fn entry(store_id: &str) -> Result<Entry, String> {
    Entry::new(APP_IDENTIFIER, &format!("store-key-{store_id}")).map_err(|e| e.to_string())
}

/// The remembered key, `Ok(None)` when none is remembered, `Err` when the
/// keychain can't be reached.
pub fn get(store_id: &str) -> Result<Option<StoreKey>, String> {
    match entry(store_id)?.get_password() {
        Ok(hex) => Ok(StoreKey::from_hex(&hex)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

pub fn set(store_id: &str, key: &StoreKey) -> Result<(), String> {
    entry(store_id)?
        .set_password(&key.to_hex())
        .map_err(|e| e.to_string())
}

pub fn forget(store_id: &str) -> Result<(), String> {
    match entry(store_id)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// True when the keychain answers at all.
pub fn available() -> bool {
    // Reading an entry that is not there reaches the keychain without
    // changing it.
    get("availability-check").is_ok()
}
