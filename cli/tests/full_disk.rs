//! A full disk, simulated with a file-size limit (`ulimit -f`, with SIGXFSZ
//! ignored so that a write past the limit fails with EFBIG, as a write to a
//! full disk fails with ENOSPC): the change or the backup is refused with a
//! clear message, nothing half written is left, and the store is as it was.
#![cfg(unix)]

use std::path::Path;
use std::process::Command;

use refrain_core::store::backup::backups_dir;
use refrain_core::store::DB_FILE;
use refrain_core::vault;
use refrain_core::Store;

use crate::support::PASS;

/// refrain-cli with at most `limit_kib` KiB in any file it writes.
fn cli_limited(dir: &Path, limit_kib: u64, args: &[&str]) -> (bool, String) {
    let exe = env!("CARGO_BIN_EXE_refrain-cli");
    // bash counts -f in 1024-byte blocks.
    let script = format!("trap '' XFSZ; ulimit -f {limit_kib}; exec \"$0\" \"$@\"");
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg(exe)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("REFRAIN_PASSPHRASE", PASS)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn open(dir: &Path) -> Store {
    let key = vault::unlock(dir, PASS).unwrap();
    Store::open_in_dir_keyed(dir, &key).unwrap()
}

#[test]
fn a_change_that_does_not_fit_on_the_disk_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cli_limited(dir.path(), 100_000, &["init"]).0);
    // No file may grow past 48 KiB: the empty store opens (reading needs no
    // room), but the sample data's transaction does not fit in the WAL.
    let (ok, err) = cli_limited(dir.path(), 48, &["seed-demo"]);
    assert!(!ok, "seeding should fail on a full disk");
    assert!(
        err.contains("full") || err.contains("too large") || err.contains("disk"),
        "a message that says why: {err}"
    );
    let store = open(dir.path());
    assert!(
        store.is_empty().unwrap(),
        "nothing of the refused change was kept"
    );
    assert!(store.check().unwrap().integrity_ok);
    drop(store);
    // With room again, the same change goes through.
    assert!(cli_limited(dir.path(), 100_000, &["seed-demo"]).0);
    assert!(!open(dir.path()).is_empty().unwrap());
}

#[test]
fn a_backup_onto_a_full_disk_leaves_no_file_and_the_store_untouched() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cli_limited(dir.path(), 100_000, &["seed-demo"]).0);
    let before = std::fs::read(dir.path().join(DB_FILE)).unwrap();
    let usb = tempfile::tempdir().unwrap();
    // The copy needs about the store's size; allow a third of it.
    let limit = before.len() as u64 / 1024 / 3;
    let (ok, err) = cli_limited(dir.path(), limit, &["backup", usb.path().to_str().unwrap()]);
    assert!(!ok, "the backup should fail");
    assert!(err.contains("could not be made"), "{err}");
    assert_eq!(
        std::fs::read_dir(usb.path()).unwrap().count(),
        0,
        "no half backup left"
    );
    assert_eq!(std::fs::read(dir.path().join(DB_FILE)).unwrap(), before);
    assert!(
        !backups_dir(dir.path()).exists()
            || std::fs::read_dir(backups_dir(dir.path())).unwrap().count() == 0
    );
    assert!(open(dir.path()).check().unwrap().integrity_ok);
}
