//! Backups as an administrator makes them with the CLI: backing up, listing,
//! checking and restoring, and a damaged store found and restored.

use std::path::Path;

use refrain_core::store::backup::{backups_dir, list_backups};
use refrain_core::store::DB_FILE;
use rusqlite::Connection;

use crate::support::cli;

/// The names of the files in `dir` (none when it does not exist).
fn names_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_cli_backs_up_lists_checks_and_restores() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(cli(d, &["seed-demo"]).0);

    let (ok, out, _) = cli(d, &["check"]);
    assert!(ok, "{out}");
    assert!(out.contains("newest backup: none yet"), "{out}");
    let (ok, out, _) = cli(d, &["backups"]);
    assert!(ok && out.contains("No backups yet"), "{out}");

    let (ok, out, err) = cli(d, &["backup"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Backup written and checked"), "{out}");
    let made = list_backups(d).unwrap();
    assert_eq!(made.len(), 1);
    assert!(out.contains(&made[0].path), "{out}");

    let elsewhere = tempfile::tempdir().unwrap();
    let (ok, _, _) = cli(d, &["backup", elsewhere.path().to_str().unwrap()]);
    assert!(ok);
    assert_eq!(names_in(elsewhere.path()).len(), 1);

    let (ok, out, _) = cli(d, &["backups"]);
    assert!(ok);
    assert!(
        out.contains("made on request") && out.contains(&made[0].path),
        "{out}"
    );

    let (ok, out, _) = cli(d, &["check"]);
    assert!(ok, "{out}");
    assert!(out.contains("newest backup: good"), "{out}");

    // Damage the store: check says so (and that the backup is good), restore
    // brings it back.
    flip_middle_page_of_closed_store(d);
    let (ok, out, err) = cli(d, &["check"]);
    assert!(!ok);
    assert!(out.contains("store_damaged"), "{out}");
    assert!(err.contains("damaged"), "{err}");
    assert!(out.contains("newest backup: good"), "{out}");
    let (ok, _, err) = cli(d, &["list", "groups"]);
    assert!(!ok && err.contains("damaged"), "{err}");

    let (ok, out, err) = cli(d, &["restore", &made[0].path]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("Restored from") && out.contains("replaced-"),
        "{out}"
    );
    assert!(out.contains("integrity ok"), "{out}");
    let (ok, out, _) = cli(d, &["check"]);
    assert!(ok, "{out}");
    assert!(out.contains("attendee: 15"), "{out}");

    // A file that isn't a backup is refused with a non-zero exit.
    let junk = elsewhere.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, not even close....").unwrap();
    let (ok, _, err) = cli(d, &["restore", junk.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("can't be used as a backup"), "{err}");

    // A bad newest backup makes check fail and names the newest good one.
    let bad = backups_dir(d).join("refrain-2099-01-01-000000.db");
    std::fs::write(&bad, b"garbage").unwrap();
    let (ok, out, _) = cli(d, &["check"]);
    assert!(!ok);
    assert!(out.contains("NOT USABLE"), "{out}");
    assert!(
        out.contains(&format!("newest good backup: {}", made[0].file_name)),
        "{out}"
    );
}

fn flip_middle_page_of_closed_store(dir: &Path) {
    let db = dir.join(DB_FILE);
    let conn = Connection::open(&db).unwrap();
    // The CLI encrypts the stores it creates.
    let key = refrain_core::vault::unlock(dir, crate::support::PASS).unwrap();
    key.apply(&conn).unwrap();
    conn.execute_batch("VACUUM").unwrap();
    drop(conn);
    // An encrypted file has no readable page headers: flip bytes inside the
    // middle page (SQLCipher's 4096-byte pages), which fails its check.
    let mut bytes = std::fs::read(&db).unwrap();
    let pages = bytes.len() / 4096;
    assert!(pages >= 8, "too small to have a middle: {pages} pages");
    for b in &mut bytes[(pages / 2) * 4096 + 64..(pages / 2) * 4096 + 72] {
        *b ^= 0xff;
    }
    std::fs::write(&db, bytes).unwrap();
}
