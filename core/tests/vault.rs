//! Encryption at rest, on real files: setting a passphrase, unlocking, a
//! wrong passphrase, changing it, the recovery key, encrypting an earlier
//! version's plain store (and its backups) in place, interrupted encryption,
//! damaged encrypted files, and encrypted backups and restores. After each,
//! no file in the data folder holds a sample name in readable form.

use std::fs;
use std::path::{Path, PathBuf};

use refrain_core::store::backup::{self, backups_dir, restore, verify_backup};
use refrain_core::store::{today, DB_FILE};
use refrain_core::vault::{self, KdfParams, StoreKey, VaultState, KEYS_FILE};
use refrain_core::{CoreError, Store};

const PASS: &str = "blue kettle orchard";

fn fast() -> KdfParams {
    KdfParams::insecure_for_tests()
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                dirs.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// The files under `dir` in which any sample name (or a word of a sample
/// note) can be read, in UTF-8 or UTF-16.
fn readable_names(dir: &Path) -> Vec<String> {
    let mut needles: Vec<Vec<u8>> = Vec::new();
    for name in refrain_core::demo::names() {
        needles.push(name.as_bytes().to_vec());
        needles.push(name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect());
    }
    needles.push(b"clapping rhythm".to_vec());
    let mut hits = Vec::new();
    for path in files_under(dir) {
        let bytes = fs::read(&path).unwrap();
        for n in &needles {
            if memchr::memmem::find(&bytes, n).is_some() {
                hits.push(format!(
                    "{} holds {:?}",
                    path.display(),
                    String::from_utf8_lossy(n)
                ));
                break;
            }
        }
    }
    hits
}

fn seeded_encrypted(dir: &Path) -> (StoreKey, String) {
    let created = vault::create(dir, PASS, fast()).unwrap();
    let mut store = Store::open_in_dir_keyed(dir, &created.key).unwrap();
    refrain_core::demo::seed(&mut store, today()).unwrap();
    (created.key, created.recovery_key.to_string())
}

fn people(store: &Store) -> usize {
    store
        .check()
        .unwrap()
        .counts
        .iter()
        .find(|(t, _)| t == "attendee")
        .unwrap()
        .1 as usize
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|p| {
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect()
}

#[test]
fn a_new_store_is_encrypted_from_the_first_write_including_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(vault::state(dir.path()).unwrap(), VaultState::New);
    let created = vault::create(dir.path(), PASS, fast()).unwrap();
    assert_eq!(vault::state(dir.path()).unwrap(), VaultState::Locked);
    let mut store = Store::open_in_dir_keyed(dir.path(), &created.key).unwrap();
    refrain_core::demo::seed(&mut store, today()).unwrap();
    // While open, the WAL holds the latest writes: it is encrypted too.
    assert!(dir.path().join(format!("{DB_FILE}-wal")).exists());
    assert_eq!(readable_names(dir.path()), Vec::<String>::new());
    assert!(!vault::is_plain_sqlite(&dir.path().join(DB_FILE)));
    // The keys file holds no key in the clear.
    let keys = fs::read_to_string(dir.path().join(KEYS_FILE)).unwrap();
    assert!(!keys
        .to_lowercase()
        .contains(&created.key.to_hex().to_lowercase()[..]));
    drop(store);
    assert_eq!(readable_names(dir.path()), Vec::<String>::new());

    // Without the key, SQLite can't read it at all.
    let err = Store::open_in_dir(dir.path()).err().unwrap();
    assert_eq!(err.code(), "store_damaged", "{err}");
}

#[test]
fn the_passphrase_unlocks_and_a_wrong_one_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _) = seeded_encrypted(dir.path());
    let before = snapshot(dir.path());
    for wrong in ["blue kettle orcharD", "", "blue kettle orchard "] {
        let err = vault::unlock(dir.path(), wrong).err().unwrap();
        assert!(
            matches!(err, CoreError::WrongPassphrase),
            "{wrong:?}: {err}"
        );
        assert_eq!(err.code(), "wrong_passphrase");
    }
    assert!(
        snapshot(dir.path()) == before,
        "a wrong passphrase changed a file"
    );

    let key = vault::unlock(dir.path(), PASS).unwrap();
    let store = Store::open_in_dir_keyed(dir.path(), &key).unwrap();
    assert!(people(&store) > 10);
}

#[test]
fn short_passphrases_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let err = vault::create(dir.path(), "short", fast()).err().unwrap();
    assert_eq!(err.field(), Some("passphrase"));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    // And a second set-up over an encrypted folder is refused.
    seeded_encrypted(dir.path());
    let err = vault::create(dir.path(), "another passphrase", fast())
        .err()
        .unwrap();
    assert_eq!(err.code(), "conflict");
}

#[test]
fn changing_the_passphrase_rewraps_the_key_without_rewriting_the_records() {
    let dir = tempfile::tempdir().unwrap();
    seeded_encrypted(dir.path());
    let db = fs::read(dir.path().join(DB_FILE)).unwrap();

    let err = vault::change_passphrase(dir.path(), "not the passphrase", "new words here", fast())
        .err()
        .unwrap();
    assert!(matches!(err, CoreError::WrongPassphrase));
    let err = vault::change_passphrase(dir.path(), PASS, "tiny", fast())
        .err()
        .unwrap();
    assert_eq!(err.field(), Some("newPassphrase"));

    vault::change_passphrase(dir.path(), PASS, "new words here", fast()).unwrap();
    assert!(matches!(
        vault::unlock(dir.path(), PASS),
        Err(CoreError::WrongPassphrase)
    ));
    let key = vault::unlock(dir.path(), "new words here").unwrap();
    assert_eq!(fs::read(dir.path().join(DB_FILE)).unwrap(), db);
    assert!(people(&Store::open_in_dir_keyed(dir.path(), &key).unwrap()) > 10);
}

#[test]
fn the_recovery_key_sets_a_new_passphrase_even_without_the_keys_file() {
    let dir = tempfile::tempdir().unwrap();
    let (_, recovery) = seeded_encrypted(dir.path());
    let other = tempfile::tempdir().unwrap();
    let (_, other_recovery) = seeded_encrypted(other.path());

    // Another store's recovery key is refused, and so is a mistyped one.
    let err = vault::recover(dir.path(), &other_recovery, "fresh start words", fast())
        .err()
        .unwrap();
    assert!(matches!(err, CoreError::WrongRecoveryKey), "{err}");
    let err = vault::recover(dir.path(), "ABCD-1234", "fresh start words", fast())
        .err()
        .unwrap();
    assert_eq!(err.field(), Some("recoveryKey"));

    // Typed in lower case with spaces: it still reads.
    let typed = recovery.to_lowercase().replace('-', " ");
    let key = vault::recover(dir.path(), &typed, "fresh start words", fast()).unwrap();
    assert!(people(&Store::open_in_dir_keyed(dir.path(), &key).unwrap()) > 10);
    assert!(matches!(
        vault::unlock(dir.path(), PASS),
        Err(CoreError::WrongPassphrase)
    ));
    vault::unlock(dir.path(), "fresh start words").unwrap();

    // The keys file lost (the data folder copied without it): only the
    // recovery key opens the store, and it writes a new keys file.
    fs::remove_file(dir.path().join(KEYS_FILE)).unwrap();
    assert_eq!(vault::state(dir.path()).unwrap(), VaultState::KeysMissing);
    let err = vault::recover(dir.path(), &other_recovery, "fresh start words", fast())
        .err()
        .unwrap();
    assert!(matches!(err, CoreError::WrongRecoveryKey));
    assert!(!dir.path().join(KEYS_FILE).exists());
    vault::recover(dir.path(), &recovery, "third time lucky", fast()).unwrap();
    assert_eq!(vault::state(dir.path()).unwrap(), VaultState::Locked);
    let key = vault::unlock(dir.path(), "third time lucky").unwrap();
    assert!(people(&Store::open_in_dir_keyed(dir.path(), &key).unwrap()) > 10);
}

/// A plain store from an earlier version, with a plain backup and a plain
/// pre-migration copy.
fn plain_store(dir: &Path) -> usize {
    let mut store = Store::open_in_dir(dir).unwrap();
    refrain_core::demo::seed(&mut store, today()).unwrap();
    store.backup_to(&backups_dir(dir)).unwrap();
    let n = people(&store);
    drop(store);
    assert!(
        !readable_names(dir).is_empty(),
        "the plain store should be readable"
    );
    n
}

#[test]
fn an_earlier_plain_store_and_its_backups_are_encrypted_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let n = plain_store(dir.path());
    assert_eq!(vault::state(dir.path()).unwrap(), VaultState::Unencrypted);

    let created = vault::create(dir.path(), PASS, fast()).unwrap();
    assert_eq!(readable_names(dir.path()), Vec::<String>::new());
    let leftovers: Vec<_> = files_under(dir.path())
        .into_iter()
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".encrypting") || n.ends_with(".plain-old")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let store = Store::open_in_dir_keyed(dir.path(), &created.key).unwrap();
    assert_eq!(people(&store), n);
    assert!(store.check().unwrap().integrity_ok);
    let backups = backup::list_backups(dir.path()).unwrap();
    assert_eq!(backups.len(), 1);
    verify_backup(Path::new(&backups[0].path), Some(&created.key)).unwrap();
    assert!(verify_backup(Path::new(&backups[0].path), None).is_err());
}

#[test]
fn an_interrupted_encryption_is_finished_by_the_next_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let n = plain_store(dir.path());
    let db = dir.path().join(DB_FILE);
    let plain = fs::read(&db).unwrap();
    let created = vault::create(dir.path(), PASS, fast()).unwrap();

    // As if the power failed after the keys file was written but before the
    // encrypted copy replaced the plain store, with a half-written copy.
    fs::write(&db, &plain).unwrap();
    fs::write(
        dir.path().join(format!("{DB_FILE}.encrypting")),
        b"half a file",
    )
    .unwrap();
    // ...and as if an earlier run died after swapping, before overwriting.
    fs::write(dir.path().join(format!("{DB_FILE}.plain-old")), &plain).unwrap();
    assert_eq!(vault::state(dir.path()).unwrap(), VaultState::Locked);
    let err = Store::open_in_dir_keyed(dir.path(), &created.key)
        .err()
        .unwrap();
    assert_eq!(
        err.code(),
        "open_failed",
        "a plain store is never used as if encrypted"
    );

    let key = vault::unlock(dir.path(), PASS).unwrap();
    assert_eq!(readable_names(dir.path()), Vec::<String>::new());
    assert_eq!(
        files_under(dir.path())
            .iter()
            .filter(|p| p.to_string_lossy().contains(".encrypting")
                || p.to_string_lossy().contains(".plain-old"))
            .count(),
        0
    );
    let store = Store::open_in_dir_keyed(dir.path(), &key).unwrap();
    assert_eq!(people(&store), n);
}

#[test]
fn a_damaged_encrypted_store_is_reported_as_damaged_never_as_a_wrong_passphrase() {
    type Damage = fn(&Path);
    let damages: [(&str, Damage); 3] = [
        ("flipped header bytes", |p| flip(p, 5)),
        ("flipped page bytes", |p| flip(p, 4096 + 200)),
        ("truncated", |p| {
            let f = fs::OpenOptions::new().write(true).open(p).unwrap();
            let len = f.metadata().unwrap().len();
            f.set_len(len / 2 + 100).unwrap();
        }),
    ];
    for (what, damage) in damages {
        let dir = tempfile::tempdir().unwrap();
        let (key, _) = seeded_encrypted(dir.path());
        // Fold everything into the main file (as closing does).
        Store::open_in_dir_keyed(dir.path(), &key).unwrap();
        let db = dir.path().join(DB_FILE);
        damage(&db);
        // The passphrase is still right: the keys file is untouched.
        let key = vault::unlock(dir.path(), PASS).unwrap();
        let err = match Store::open_in_dir_keyed(dir.path(), &key) {
            Err(e) => e,
            // A flipped byte in a page the open does not read shows up in
            // the full check.
            Ok(store) => {
                let report = store.check();
                match report {
                    Ok(r) if !r.integrity_ok => CoreError::Damaged(r.problems.join("; ")),
                    Ok(_) => panic!("{what}: the damage went unnoticed"),
                    Err(e) => e,
                }
            }
        };
        assert_eq!(err.code(), "store_damaged", "{what}: {err}");
        let newest = backup::newest_good_backup(dir.path(), Some(&key)).unwrap();
        assert!(newest.is_none(), "no backups were made in this test");
    }
}

fn flip(path: &Path, at: u64) {
    let mut bytes = fs::read(path).unwrap();
    bytes[at as usize] ^= 0x5a;
    fs::write(path, bytes).unwrap();
}

#[test]
fn backups_are_encrypted_and_restore_only_with_this_stores_key() {
    let dir = tempfile::tempdir().unwrap();
    let (key, _) = seeded_encrypted(dir.path());
    let store = Store::open_in_dir_keyed(dir.path(), &key).unwrap();
    let usb = tempfile::tempdir().unwrap();
    let copy = store.backup_to(usb.path()).unwrap();
    let n = people(&store);
    drop(store);
    assert_eq!(readable_names(usb.path()), Vec::<String>::new());
    verify_backup(&copy, Some(&key)).unwrap();

    // A backup of another store (another key) is refused; nothing changes.
    let other = tempfile::tempdir().unwrap();
    let (other_key, _) = seeded_encrypted(other.path());
    let other_copy = Store::open_in_dir_keyed(other.path(), &other_key)
        .unwrap()
        .backup_to(usb.path())
        .unwrap();
    let before = fs::read(dir.path().join(DB_FILE)).unwrap();
    let err = restore(dir.path(), &other_copy, Some(&key)).err().unwrap();
    assert_eq!(err.code(), "backup_failed", "{err}");
    assert!(
        err.to_string()
            .contains("not encrypted with this store's key"),
        "{err}"
    );
    assert_eq!(fs::read(dir.path().join(DB_FILE)).unwrap(), before);

    restore(dir.path(), &copy, Some(&key)).unwrap();
    let store = Store::open_in_dir_keyed(dir.path(), &key).unwrap();
    assert_eq!(people(&store), n);
    // The store it replaced is kept aside, still encrypted.
    drop(store);
    assert_eq!(readable_names(dir.path()), Vec::<String>::new());
}

#[test]
fn a_plain_backup_from_an_earlier_version_is_encrypted_as_it_is_restored() {
    let old = tempfile::tempdir().unwrap();
    let n = plain_store(old.path());
    let plain_backup = backup::list_backups(old.path()).unwrap()[0].path.clone();

    let dir = tempfile::tempdir().unwrap();
    let created = vault::create(dir.path(), PASS, fast()).unwrap();
    Store::open_in_dir_keyed(dir.path(), &created.key).unwrap();
    restore(dir.path(), Path::new(&plain_backup), Some(&created.key)).unwrap();
    assert_eq!(readable_names(dir.path()), Vec::<String>::new());
    let store = Store::open_in_dir_keyed(dir.path(), &created.key).unwrap();
    assert_eq!(people(&store), n);
}

#[test]
fn the_idle_lock_time_is_kept_with_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    seeded_encrypted(dir.path());
    assert_eq!(
        vault::idle_lock_minutes(dir.path()),
        vault::DEFAULT_IDLE_LOCK_MINUTES
    );
    vault::set_idle_lock_minutes(dir.path(), 5).unwrap();
    assert_eq!(vault::idle_lock_minutes(dir.path()), 5);
    let err = vault::set_idle_lock_minutes(dir.path(), 0).err().unwrap();
    assert_eq!(err.field(), Some("idleLockMinutes"));
    // The passphrase still works after the keys file was rewritten.
    vault::unlock(dir.path(), PASS).unwrap();
}

#[test]
fn the_default_memory_hard_setting_round_trips() {
    // The default Argon2id setting, once: a sanity check that it is the
    // memory-hard one (64 MiB), not a test of speed.
    assert_eq!(KdfParams::default().m_kib, 64 * 1024);
    let dir = tempfile::tempdir().unwrap();
    let created = vault::create(dir.path(), PASS, KdfParams::default()).unwrap();
    let key = vault::unlock(dir.path(), PASS).unwrap();
    assert_eq!(key.to_hex().as_str(), created.key.to_hex().as_str());
}

#[test]
fn an_encrypted_backup_from_each_rotation_tier_restores_its_own_day() {
    use chrono::{Duration, TimeZone, Utc};
    use refrain_core::model::VenueInput;

    let dir = tempfile::tempdir().unwrap();
    let (key, _) = seeded_encrypted(dir.path());
    let mut store = Store::open_in_dir_keyed(dir.path(), &key).unwrap();
    // A change every other week for a year, then every day for two weeks, each
    // followed by the automatic backup (named by its day), which rotates
    // the folder.
    let start = Utc.with_ymd_and_hms(2025, 9, 1, 17, 0, 0).unwrap();
    let weekly = (0..26).map(|w| start + Duration::days(14 * w));
    let daily = (1..=14).map(|d| start + Duration::days(14 * 25 + d));
    let days: Vec<_> = weekly.chain(daily).collect();
    for day in &days {
        store
            .create_venue(&VenueInput {
                name: format!("Hall {}", day.format("%Y-%m-%d")),
                ..Default::default()
            })
            .unwrap();
        store.auto_backup(*day).unwrap().expect("something changed");
    }
    drop(store);
    let n = days.len();
    let newest = *days.last().unwrap();
    let kept = backup::list_backups(dir.path()).unwrap();
    // At most the newest, 12 days, 10 weeks and 9 months.
    assert!(
        kept.len() < n && kept.len() <= 32,
        "rotation keeps {} of {n}",
        kept.len()
    );

    let age = |b: &backup::BackupInfo| {
        newest
            - chrono::DateTime::parse_from_rfc3339(&b.time)
                .unwrap()
                .with_timezone(&Utc)
    };
    let daily = kept
        .iter()
        .find(|b| age(b) == Duration::days(4))
        .expect("a daily backup");
    let weekly = kept
        .iter()
        .find(|b| age(b) > Duration::days(20) && age(b) < Duration::days(70))
        .expect("a weekly backup");
    let monthly = kept
        .iter()
        .find(|b| age(b) > Duration::days(120))
        .expect("a monthly backup");
    assert_eq!(
        readable_names(&backups_dir(dir.path())),
        Vec::<String>::new()
    );
    for b in [daily, weekly, monthly] {
        restore(dir.path(), Path::new(&b.path), Some(&key)).unwrap();
        let store = Store::open_in_dir_keyed(dir.path(), &key).unwrap();
        let halls: Vec<String> = store
            .list_venues(true)
            .unwrap()
            .into_iter()
            .map(|v| v.name)
            .filter(|n| n.starts_with("Hall "))
            .collect();
        let made = chrono::DateTime::parse_from_rfc3339(&b.time).unwrap();
        let latest = halls.iter().max().unwrap();
        assert_eq!(
            latest,
            &format!("Hall {}", made.format("%Y-%m-%d")),
            "{}",
            b.file_name
        );
    }
}
