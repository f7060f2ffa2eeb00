//! The store's encryption at rest: its key, and the small keys file that
//! holds it wrapped by the therapist's passphrase.
//!
//! - The store (and every backup) is a SQLCipher database encrypted with a
//!   random 256-bit **store key**, given to SQLCipher as a raw key.
//! - `refrain-keys.json`, beside the store, holds that key encrypted
//!   (XChaCha20-Poly1305) under a key derived from the passphrase with
//!   Argon2id. A wrong passphrase fails the AEAD tag, so it is told apart from
//!   a damaged store and nothing is ever opened with a wrong key. Changing the
//!   passphrase rewraps the store key: the data is not rewritten.
//! - The **recovery key** shown once at set-up is the store key itself, in
//!   base32 groups. It opens the store and any backup on any computer, even
//!   when the keys file is lost, and sets a new passphrase when the old one
//!   is forgotten.
//! - A store from an earlier, unencrypted Refrain is encrypted in place:
//!   exported into a new encrypted file, checked table by table, then swapped
//!   in; the plain file is overwritten before it is deleted. The same is done
//!   for plain backups. Every step can be interrupted: the next unlock
//!   finishes the job, and the plain data is never lost before its encrypted
//!   copy is checked and in place.
//!
//! Nothing here knows of the OS keychain: the app keeps the store key there
//! when asked to, through its own shell.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{CoreError, Result};
use crate::store::backup::{self, backups_dir};
use crate::store::DB_FILE;

/// The keys file's name inside the data folder.
pub const KEYS_FILE: &str = "refrain-keys.json";

/// Shortest passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Idle time before the app locks itself, unless the therapist chose another.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;

/// The choices offered for the idle lock, in minutes.
pub const IDLE_LOCK_CHOICES: [u32; 6] = [2, 5, 10, 15, 30, 60];

const KEYS_FORMAT: u32 = 1;
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";
/// What a plain file being replaced by its encrypted copy is called while its
/// bytes are overwritten.
const PLAIN_OLD_SUFFIX: &str = ".plain-old";
const ENCRYPTING_SUFFIX: &str = ".encrypting";

/// The store's 256-bit key. Wiped from memory when dropped.
#[derive(Clone)]
pub struct StoreKey(Zeroizing<[u8; 32]>);

impl StoreKey {
    /// A new random key.
    pub fn generate() -> Result<Self> {
        let mut k = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut k[..])
            .map_err(|e| CoreError::Io(std::io::Error::other(e.to_string())))?;
        Ok(StoreKey(k))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        StoreKey(Zeroizing::new(bytes))
    }

    /// The key as SQLCipher's raw-key literal, `x'…'`.
    fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "x'{}'",
            data_encoding::HEXUPPER.encode(&self.0[..])
        ))
    }

    /// The key as hex text, for the OS keychain.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(data_encoding::HEXLOWER.encode(&self.0[..]))
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = Zeroizing::new(
            data_encoding::HEXLOWER_PERMISSIVE
                .decode(text.trim().as_bytes())
                .ok()?,
        );
        let arr: [u8; 32] = bytes.as_slice().try_into().ok()?;
        Some(StoreKey::from_bytes(arr))
    }

    /// The recovery key: the store key in base32, in groups of four.
    pub fn recovery_key(&self) -> Zeroizing<String> {
        let plain = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&self.0[..]));
        let grouped: String = plain
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).expect("base32 is ASCII"))
            .collect::<Vec<_>>()
            .join("-");
        Zeroizing::new(grouped)
    }

    /// Reads a recovery key as a person types it: any case, with or without
    /// dashes and spaces, and with 0, 1 and 8 taken for O, I and B (base32
    /// has no such digits).
    pub fn from_recovery_key(text: &str) -> Result<Self> {
        let cleaned: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| match c.to_ascii_uppercase() {
                    '0' => 'O',
                    '1' => 'I',
                    '8' => 'B',
                    other => other,
                })
                .collect(),
        );
        let wrong = || {
            CoreError::invalid(
                "recoveryKey",
                "That is not a recovery key: it should be 13 groups of 4 letters and digits, \
             as shown when Refrain was set up.",
            )
        };
        if cleaned.len() != 52 {
            return Err(wrong());
        }
        let bytes = Zeroizing::new(
            data_encoding::BASE32_NOPAD
                .decode(cleaned.as_bytes())
                .map_err(|_| wrong())?,
        );
        let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| wrong())?;
        Ok(StoreKey::from_bytes(arr))
    }

    /// A check value that shows whether a key is this store's without
    /// revealing anything of the key (a keyed BLAKE3 hash of a constant).
    fn check_value(&self) -> String {
        blake3::keyed_hash(&self.0, b"refrain store key check v1")
            .to_hex()
            .to_string()
    }

    /// Sets this key on a freshly opened connection (before anything else).
    pub fn apply(&self, conn: &Connection) -> rusqlite::Result<()> {
        // SQLCipher otherwise logs every failed page decryption to stderr.
        let _ = conn.pragma_update(None, "cipher_log_level", "NONE");
        conn.pragma_update(None, "key", &*self.pragma_value())
    }
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(…)")
    }
}

/// The Argon2id cost of turning a passphrase into a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl Default for KdfParams {
    /// 64 MiB, 3 passes, 1 lane: OWASP's Argon2id guidance and then some,
    /// about half a second on a modest laptop.
    fn default() -> Self {
        KdfParams {
            m_kib: 64 * 1024,
            t: 3,
            p: 1,
        }
    }
}

impl KdfParams {
    /// A cheap setting for tests only: never for a real store.
    #[doc(hidden)]
    pub fn insecure_for_tests() -> Self {
        KdfParams {
            m_kib: 64,
            t: 1,
            p: 1,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug)]
struct WrappedKey {
    kdf: String,
    params: KdfParams,
    salt: String,
    nonce: String,
    wrapped: String,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
struct KeysFile {
    format: u32,
    store_id: String,
    created: String,
    /// A keyed hash that tells whether a key (from a recovery key) is this
    /// store's; see `StoreKey::check_value`.
    key_check: String,
    passphrase: WrappedKey,
    #[serde(default = "default_idle")]
    idle_lock_minutes: u32,
}

impl KeysFile {
    /// A new keys file for `key` (a new store id), wrapped by `passphrase`.
    fn new(key: &StoreKey, passphrase: &str, params: KdfParams) -> Result<Self> {
        let store_id = uuid::Uuid::now_v7().to_string();
        Ok(KeysFile {
            format: KEYS_FORMAT,
            created: chrono::Utc::now().to_rfc3339(),
            key_check: key.check_value(),
            passphrase: wrap(key, passphrase, &store_id, params)?,
            store_id,
            idle_lock_minutes: DEFAULT_IDLE_LOCK_MINUTES,
        })
    }
}

fn default_idle() -> u32 {
    DEFAULT_IDLE_LOCK_MINUTES
}

/// Where the data folder stands, before anything is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultState {
    /// Nothing yet: the first run. A passphrase must be set.
    New,
    /// A store from an earlier Refrain that is not encrypted: a passphrase
    /// must be set, and the store is then encrypted in place.
    Unencrypted,
    /// Encrypted and locked: the passphrase (or recovery key) opens it.
    Locked,
    /// Encrypted, but the keys file is missing: only the recovery key opens
    /// it (then a new passphrase is set).
    KeysMissing,
}

fn keys_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEYS_FILE)
}

/// True when the file at `path` starts with SQLite's plain header (so it is
/// not encrypted). Missing or empty files are not plain.
pub fn is_plain_sqlite(path: &Path) -> bool {
    let mut header = [0u8; 16];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut header))
        .is_ok_and(|()| &header == PLAIN_HEADER)
}

/// Where `data_dir` stands (see [`VaultState`]).
pub fn state(data_dir: &Path) -> Result<VaultState> {
    let db = data_dir.join(DB_FILE);
    let has_db = fs::metadata(&db).is_ok_and(|m| m.len() > 0);
    let has_keys = keys_path(data_dir).exists();
    Ok(match (has_keys, has_db) {
        (true, _) => VaultState::Locked,
        (false, false) => VaultState::New,
        (false, true) if is_plain_sqlite(&db) => VaultState::Unencrypted,
        (false, true) => VaultState::KeysMissing,
    })
}

fn check_passphrase(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(CoreError::invalid(
            "passphrase",
            format!(
                "The passphrase needs at least {MIN_PASSPHRASE_CHARS} characters. Three random \
                 words you will remember make a strong one."
            ),
        ));
    }
    if passphrase.trim().is_empty() {
        return Err(CoreError::invalid(
            "passphrase",
            "The passphrase can't be only spaces.",
        ));
    }
    Ok(())
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| CoreError::Io(std::io::Error::other(e.to_string())))?;
    Ok(b)
}

fn derive(passphrase: &str, salt: &[u8], params: KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    let p = argon2::Params::new(params.m_kib, params.t, params.p, Some(32))
        .map_err(|e| CoreError::KeysFile(format!("its key settings are not usable ({e})")))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, &mut out[..])
        .map_err(|e| CoreError::KeysFile(format!("the passphrase could not be used ({e})")))?;
    Ok(out)
}

fn aad(store_id: &str) -> Vec<u8> {
    format!("refrain passphrase slot v1 {store_id}").into_bytes()
}

fn wrap(key: &StoreKey, passphrase: &str, store_id: &str, params: KdfParams) -> Result<WrappedKey> {
    let salt: [u8; 16] = random()?;
    let nonce: [u8; 24] = random()?;
    let kek = derive(passphrase, &salt, params)?;
    let cipher = XChaCha20Poly1305::new((&*kek).into());
    let wrapped = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &key.0[..],
                aad: &aad(store_id),
            },
        )
        .map_err(|_| CoreError::KeysFile("the key could not be wrapped".into()))?;
    let hex = |b: &[u8]| data_encoding::HEXLOWER.encode(b);
    Ok(WrappedKey {
        kdf: "argon2id".into(),
        params,
        salt: hex(&salt),
        nonce: hex(&nonce),
        wrapped: hex(&wrapped),
    })
}

fn unwrap(slot: &WrappedKey, passphrase: &str, store_id: &str) -> Result<StoreKey> {
    let bad = |what: &str| CoreError::KeysFile(format!("its {what} is not readable"));
    if slot.kdf != "argon2id" {
        return Err(bad("key setting"));
    }
    let unhex = |s: &str| data_encoding::HEXLOWER_PERMISSIVE.decode(s.as_bytes());
    let salt = unhex(&slot.salt).map_err(|_| bad("salt"))?;
    let nonce = unhex(&slot.nonce).map_err(|_| bad("nonce"))?;
    let wrapped = unhex(&slot.wrapped).map_err(|_| bad("wrapped key"))?;
    if nonce.len() != 24 {
        return Err(bad("nonce"));
    }
    let kek = derive(passphrase, &salt, slot.params)?;
    let cipher = XChaCha20Poly1305::new((&*kek).into());
    let mut plain = cipher
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &wrapped,
                aad: &aad(store_id),
            },
        )
        .map_err(|_| CoreError::WrongPassphrase)?;
    let arr: Result<[u8; 32]> = plain.as_slice().try_into().map_err(|_| bad("wrapped key"));
    plain.zeroize();
    Ok(StoreKey::from_bytes(arr?))
}

fn read_keys(data_dir: &Path) -> Result<KeysFile> {
    let path = keys_path(data_dir);
    let text = fs::read_to_string(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CoreError::KeysFile("it is missing".into()),
        _ => CoreError::KeysFile(e.to_string()),
    })?;
    let keys: KeysFile = serde_json::from_str(&text)
        .map_err(|e| CoreError::KeysFile(format!("it is not readable ({e})")))?;
    if keys.format > KEYS_FORMAT {
        return Err(CoreError::KeysFile(
            "it was written by a newer version of Refrain".into(),
        ));
    }
    Ok(keys)
}

/// Writes the keys file the safe way: a temporary file, fsynced, renamed
/// over the old one, and the folder fsynced.
fn write_keys(data_dir: &Path, keys: &KeysFile) -> Result<()> {
    fs::create_dir_all(data_dir)?;
    let path = keys_path(data_dir);
    let tmp = data_dir.join(format!("{KEYS_FILE}.tmp"));
    let text = serde_json::to_string_pretty(keys).expect("keys serialise");
    let written = (|| -> std::io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, &path)?;
        backup::sync_dir(data_dir)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    Ok(written?)
}

/// What setting up encryption gives back: the key to open the store with,
/// and the recovery key to show once.
pub struct Created {
    pub key: StoreKey,
    pub recovery_key: Zeroizing<String>,
}

/// Sets up encryption for `data_dir` with `passphrase`: a new store key and
/// keys file. An unencrypted store from an earlier Refrain (and its backups)
/// is then encrypted in place. Refused when the folder is already encrypted.
pub fn create(data_dir: &Path, passphrase: &str, params: KdfParams) -> Result<Created> {
    check_passphrase(passphrase)?;
    match state(data_dir)? {
        VaultState::New | VaultState::Unencrypted => {}
        VaultState::Locked | VaultState::KeysMissing => {
            return Err(CoreError::Conflict(
                "Refrain's records here are already protected by a passphrase.".into(),
            ))
        }
    }
    let key = StoreKey::generate()?;
    let keys = KeysFile::new(&key, passphrase, params)?;
    // The keys file first: from here on, unlocking finishes any encryption
    // that is interrupted below.
    write_keys(data_dir, &keys)?;
    finish_encryption(data_dir, &key)?;
    Ok(Created {
        recovery_key: key.recovery_key(),
        key,
    })
}

/// The store key, from the passphrase. A wrong passphrase is
/// [`CoreError::WrongPassphrase`] and touches nothing. Any encryption left
/// unfinished (an interrupted upgrade) is finished.
pub fn unlock(data_dir: &Path, passphrase: &str) -> Result<StoreKey> {
    let keys = read_keys(data_dir)?;
    let key = unwrap(&keys.passphrase, passphrase, &keys.store_id)?;
    finish_encryption(data_dir, &key)?;
    Ok(key)
}

/// Uses a key found elsewhere (the OS keychain): it must be this store's.
/// Any encryption left unfinished is finished.
pub fn unlock_with_key(data_dir: &Path, key: &StoreKey) -> Result<()> {
    if !is_store_key(data_dir, key) {
        return Err(CoreError::WrongRecoveryKey);
    }
    finish_encryption(data_dir, key)
}

/// The store key, from the recovery key; then `new_passphrase` replaces the
/// passphrase (or, when the keys file was lost, a new one is written).
pub fn recover(
    data_dir: &Path,
    recovery_key: &str,
    new_passphrase: &str,
    params: KdfParams,
) -> Result<StoreKey> {
    let key = StoreKey::from_recovery_key(recovery_key)?;
    check_passphrase(new_passphrase)?;
    let keys = match read_keys(data_dir) {
        Ok(keys) => {
            if keys.key_check != key.check_value() {
                return Err(CoreError::WrongRecoveryKey);
            }
            KeysFile {
                passphrase: wrap(&key, new_passphrase, &keys.store_id, params)?,
                ..keys
            }
        }
        Err(CoreError::KeysFile(_)) => {
            // No (usable) keys file: the store itself tells whether the key
            // is right.
            if !opens_with(&data_dir.join(DB_FILE), &key) {
                return Err(CoreError::WrongRecoveryKey);
            }
            KeysFile::new(&key, new_passphrase, params)?
        }
        Err(e) => return Err(e),
    };
    write_keys(data_dir, &keys)?;
    finish_encryption(data_dir, &key)?;
    Ok(key)
}

/// Replaces the passphrase. The current one must be given; the data is not
/// rewritten (the store key stays, wrapped anew).
pub fn change_passphrase(
    data_dir: &Path,
    current: &str,
    new_passphrase: &str,
    params: KdfParams,
) -> Result<()> {
    check_passphrase(new_passphrase).map_err(|e| match e {
        CoreError::Invalid { message, .. } => CoreError::invalid("newPassphrase", message),
        other => other,
    })?;
    let keys = read_keys(data_dir)?;
    let key = unwrap(&keys.passphrase, current, &keys.store_id)?;
    let keys = KeysFile {
        passphrase: wrap(&key, new_passphrase, &keys.store_id, params)?,
        ..keys
    };
    write_keys(data_dir, &keys)
}

/// The recovery key again (for a lost copy), for whoever knows the
/// passphrase.
pub fn recovery_key(data_dir: &Path, passphrase: &str) -> Result<Zeroizing<String>> {
    let keys = read_keys(data_dir)?;
    Ok(unwrap(&keys.passphrase, passphrase, &keys.store_id)?.recovery_key())
}

/// The id that names this store's key in the OS keychain.
pub fn store_id(data_dir: &Path) -> Result<String> {
    Ok(read_keys(data_dir)?.store_id)
}

/// True when `key` is this store's key (checked against the keys file).
pub fn is_store_key(data_dir: &Path, key: &StoreKey) -> bool {
    read_keys(data_dir).is_ok_and(|k| k.key_check == key.check_value())
}

/// Minutes of no use before the app locks itself.
pub fn idle_lock_minutes(data_dir: &Path) -> u32 {
    read_keys(data_dir)
        .map(|k| k.idle_lock_minutes)
        .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES)
}

pub fn set_idle_lock_minutes(data_dir: &Path, minutes: u32) -> Result<()> {
    if !IDLE_LOCK_CHOICES.contains(&minutes) {
        return Err(CoreError::invalid(
            "idleLockMinutes",
            format!("Choose one of {IDLE_LOCK_CHOICES:?} minutes."),
        ));
    }
    let keys = read_keys(data_dir)?;
    write_keys(
        data_dir,
        &KeysFile {
            idle_lock_minutes: minutes,
            ..keys
        },
    )
}

/// True when the database at `path` opens and reads with `key`.
fn opens_with(path: &Path, key: &StoreKey) -> bool {
    let Ok(conn) = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return false;
    };
    key.apply(&conn).is_ok()
        && conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                r.get::<_, i64>(0)
            })
            .is_ok()
}

/// Encrypts whatever is still plain in `data_dir` (the store and its
/// backups), and clears away what an interrupted encryption left.
fn finish_encryption(data_dir: &Path, key: &StoreKey) -> Result<()> {
    let db = data_dir.join(DB_FILE);
    clean_leftovers(data_dir);
    if is_plain_sqlite(&db) {
        encrypt_file_in_place(&db, key)?;
    }
    let backups = backups_dir(data_dir);
    for path in plain_files_under(&backups) {
        encrypt_file_in_place(&path, key)?;
    }
    Ok(())
}

/// Every plain SQLite file under `dir` (backups, and stores set aside by a
/// restore), leftovers of ours excepted.
fn plain_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            out.extend(plain_files_under(&path));
        } else if kind.is_file() && is_plain_sqlite(&path) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(PLAIN_OLD_SUFFIX) && !name.ends_with(ENCRYPTING_SUFFIX) {
                out.push(path);
            }
        }
    }
    out
}

/// Removes half-made encrypted copies, and overwrites then deletes plain
/// files already replaced by their encrypted copies.
fn clean_leftovers(data_dir: &Path) {
    let mut dirs = vec![data_dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                dirs.push(path);
            } else if name.ends_with(ENCRYPTING_SUFFIX) {
                let _ = fs::remove_file(&path);
            } else if name.ends_with(PLAIN_OLD_SUFFIX) {
                let _ = shred(&path);
            }
        }
    }
}

/// Overwrites a file's bytes with zeros, syncs, and deletes it. (On an SSD
/// or a copy-on-write file system the old blocks may survive elsewhere; the
/// store itself being encrypted is what protects the data.)
fn shred(path: &Path) -> std::io::Result<()> {
    let len = fs::metadata(path)?.len();
    {
        let mut f = fs::OpenOptions::new().write(true).open(path)?;
        let zeros = vec![0u8; 1 << 20];
        let mut left = len;
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            f.write_all(&zeros[..n])?;
            left -= n as u64;
        }
        f.sync_all()?;
    }
    fs::remove_file(path)
}

/// Encrypts the plain SQLite file at `path` with `key`, in place:
/// `sqlcipher_export` into `<path>.encrypting`, which is fsynced and checked
/// (integrity, and the same rows in every table); then the plain file gets a
/// second name (`.plain-old`), the encrypted copy is renamed over `path` and
/// the folder fsynced; last, the plain bytes are overwritten and deleted.
pub(crate) fn encrypt_file_in_place(path: &Path, key: &StoreKey) -> Result<()> {
    let failed = |why: String| {
        CoreError::Backup(format!(
            "{} could not be encrypted: {why}. It has been left as it was.",
            path.file_name().unwrap_or_default().to_string_lossy()
        ))
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!("{name}{ENCRYPTING_SUFFIX}"));
    let old = dir.join(format!("{name}{PLAIN_OLD_SUFFIX}"));
    let _ = fs::remove_file(&tmp);

    let exported = (|| -> Result<()> {
        // CREATE so that the attached encrypted copy can be made (`path`
        // itself exists: it was found to be a plain SQLite file).
        let plain = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        plain.busy_timeout(std::time::Duration::from_secs(5))?;
        // Everything into the main file, so that the WAL holds nothing.
        let _ = plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        let problems = backup::integrity_problems(&plain, "quick_check")?;
        if !problems.is_empty() {
            return Err(failed(format!("it is damaged ({})", problems.join("; "))));
        }
        let version: i64 = plain.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tmp_str = tmp
            .to_str()
            .ok_or_else(|| failed("its name is not valid text".into()))?;
        plain.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            [tmp_str, &*key.pragma_value()],
        )?;
        plain.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        plain.execute_batch(&format!("PRAGMA encrypted.user_version = {version}"))?;
        plain.execute_batch("DETACH DATABASE encrypted")?;
        File::open(&tmp)?.sync_all()?;

        let enc = Connection::open_with_flags(
            &tmp,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        key.apply(&enc)?;
        let problems = backup::integrity_problems(&enc, "integrity_check")?;
        if !problems.is_empty() {
            return Err(failed(format!(
                "the encrypted copy is damaged ({})",
                problems.join("; ")
            )));
        }
        let v2: i64 = enc.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if v2 != version || row_counts(&plain)? != row_counts(&enc)? {
            return Err(failed("the encrypted copy does not match".into()));
        }
        Ok(())
    })();
    if let Err(e) = exported {
        let _ = fs::remove_file(&tmp);
        return Err(match e {
            CoreError::Backup(_) => e,
            other => failed(other.to_string()),
        });
    }

    let swapped = (|| -> std::io::Result<()> {
        let _ = fs::remove_file(&old);
        fs::hard_link(path, &old)?;
        fs::rename(&tmp, path)?;
        backup::sync_dir(dir)
    })();
    if let Err(e) = swapped {
        let _ = fs::remove_file(&tmp);
        // If the rename did not happen, `path` is still the plain file and
        // `old` only a second name for it.
        if is_plain_sqlite(path) {
            let _ = fs::remove_file(&old);
        }
        return Err(failed(e.to_string()));
    }
    for suffix in ["-wal", "-shm"] {
        let companion = dir.join(format!("{name}{suffix}"));
        if companion.exists() {
            let _ = shred(&companion);
        }
    }
    shred(&old).map_err(|e| failed(format!("the plain copy could not be removed ({e})")))?;
    Ok(())
}

/// Each table's name and row count, for comparing two copies.
fn row_counts(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for name in names {
        let n: i64 = conn.query_row(
            &format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\"")),
            [],
            |r| r.get(0),
        )?;
        out.push((name, n));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_keys_read_back_as_typed() {
        let key = StoreKey::generate().unwrap();
        let shown = key.recovery_key();
        assert_eq!(shown.split('-').count(), 13);
        let typed = shown.to_lowercase().replace('-', " ").replace('o', "0");
        let back = StoreKey::from_recovery_key(&typed).unwrap();
        assert_eq!(back.0[..], key.0[..]);
        assert!(StoreKey::from_recovery_key("ABCD-EFGH").is_err());
    }

    #[test]
    fn wrapped_keys_open_only_with_their_passphrase_and_store() {
        let key = StoreKey::generate().unwrap();
        let p = KdfParams::insecure_for_tests();
        let slot = wrap(&key, "correct horse battery", "store-1", p).unwrap();
        assert_eq!(
            unwrap(&slot, "correct horse battery", "store-1").unwrap().0[..],
            key.0[..]
        );
        assert!(matches!(
            unwrap(&slot, "correct horse batterY", "store-1"),
            Err(CoreError::WrongPassphrase)
        ));
        // A slot copied into another store's keys file does not open.
        assert!(matches!(
            unwrap(&slot, "correct horse battery", "store-2"),
            Err(CoreError::WrongPassphrase)
        ));
    }
}
