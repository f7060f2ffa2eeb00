//! Backups, rotation, restoring and damaged stores, on real files in
//! temporary folders. The CLI's backups are tested with the CLI.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use refrain_core::model::*;
use refrain_core::store::backup::{
    self, backups_dir, list_backups, newest_good_backup, parse_backup_name, restore,
    rotation_deletes, BackupKind,
};
use refrain_core::store::{today, DB_FILE, SCHEMA_VERSION};
use refrain_core::{CoreError, Store};
use rusqlite::Connection;

fn seeded(dir: &Path) -> Store {
    let mut store = Store::open_in_dir(dir).unwrap();
    refrain_core::demo::seed(&mut store, today()).unwrap();
    store
}

fn venue(store: &mut Store, name: &str) {
    store
        .create_venue(&VenueInput {
            name: name.into(),
            ..Default::default()
        })
        .unwrap();
}

fn venue_names(store: &Store) -> BTreeSet<String> {
    store
        .list_venues(true)
        .unwrap()
        .into_iter()
        .map(|v| v.name)
        .collect()
}

/// Every row of every table, in a stable order, as text.
fn dump(path: &Path) -> Vec<(String, Vec<String>)> {
    let conn =
        Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table'
               AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    let mut row = Vec::new();
                    for i in 0..n {
                        row.push(format!("{:?}", r.get::<_, rusqlite::types::Value>(i)?));
                    }
                    Ok(row.join("|"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            rows.sort();
            (t, rows)
        })
        .collect()
}

fn names_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn at(s: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap())
}

fn user_version(path: &Path) -> u32 {
    Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// A closed, compact store (no free pages, no WAL) holding the sample data.
fn closed_seeded_store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    drop(seeded(dir.path()));
    let db = dir.path().join(DB_FILE);
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch("VACUUM").unwrap();
    drop(conn);
    assert!(!dir.path().join("refrain.db-wal").exists());
    (dir, db)
}

// ---------------------------------------------------------------------------
// Making backups

#[test]
fn a_backup_opens_and_holds_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = seeded(dir.path());
    venue(&mut store, "Hall after the seed");
    let out = tempfile::tempdir().unwrap();
    let path = store.backup_to(out.path()).unwrap();

    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        matches!(
            parse_backup_name(&name),
            Some((BackupKind::Manual, None, _))
        ),
        "{name}"
    );
    assert_eq!(names_in(out.path()), BTreeSet::from([name]));
    assert_eq!(user_version(&path), SCHEMA_VERSION);

    // The same rows in every table, including the sample data's notes.
    let live = dump(&dir.path().join(DB_FILE));
    let copy = dump(&path);
    assert!(live
        .iter()
        .any(|(t, rows)| t == "attendee" && rows.len() == 15));
    assert_eq!(live, copy);

    // And it opens as a store (on a copy, so the backup itself stays as made).
    let other = tempfile::tempdir().unwrap();
    std::fs::copy(&path, other.path().join(DB_FILE)).unwrap();
    let reopened = Store::open_in_dir(other.path()).unwrap();
    assert!(reopened.check().unwrap().integrity_ok);
    assert!(venue_names(&reopened).contains("Hall after the seed"));
}

#[test]
fn a_copy_that_fails_its_check_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = seeded(dir.path());
    let out = tempfile::tempdir().unwrap();

    // The copy is damaged between writing and checking it.
    let err = store
        .backup_to_tampered(out.path(), &|tmp| {
            let len = std::fs::metadata(tmp).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(tmp).unwrap();
            f.set_len(len / 2).unwrap();
        })
        .unwrap_err();
    assert_eq!(err.code(), "backup_failed", "{err}");
    assert!(err.to_string().contains("did not pass its check"), "{err}");
    assert!(
        names_in(out.path()).is_empty(),
        "{:?}",
        names_in(out.path())
    );

    // The same call without damage does leave one (so the hook is the cause).
    store.backup_to_tampered(out.path(), &|_| {}).unwrap();
    assert_eq!(names_in(out.path()).len(), 1);
}

#[test]
fn a_backup_into_a_folder_that_cannot_be_made_fails_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let store = seeded(dir.path());
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, b"not a folder").unwrap();
    let err = store.backup_to(&blocker.join("backups")).unwrap_err();
    assert_eq!(err.code(), "backup_failed", "{err}");
}

#[test]
fn two_backups_in_the_same_second_get_different_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = seeded(dir.path());
    // Made on request: never rotated, so both stay.
    let out = tempfile::tempdir().unwrap();
    let made: Vec<PathBuf> = (0..3)
        .map(|_| store.backup_to(out.path()).unwrap())
        .collect();
    assert_eq!(names_in(out.path()).len(), 3);
    assert!(made.iter().all(|p| p.exists()));

    // Automatic ones in the same second: the later is "-2", and it is the
    // one rotation keeps as the newest of the day.
    let now = at("2026-03-01 10:00:00");
    let a = store.auto_backup(now).unwrap().unwrap();
    venue(&mut store, "Another hall");
    let b = store.auto_backup(now).unwrap().unwrap();
    assert!(
        b.to_string_lossy().ends_with("-100000-2.db"),
        "{}",
        b.display()
    );
    assert!(!a.exists() && b.exists());
}

// ---------------------------------------------------------------------------
// Automatic backups

#[test]
fn automatic_backups_are_made_only_after_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = seeded(dir.path());
    let t0 = at("2026-03-01 10:00:00");
    let first = store.auto_backup(t0).unwrap();
    assert!(first.is_some(), "no backup yet, so one is made");
    assert_eq!(
        store.auto_backup(t0 + Duration::hours(3)).unwrap(),
        None,
        "nothing changed"
    );

    venue(&mut store, "Church hall");
    let second = store.auto_backup(t0 + Duration::hours(6)).unwrap().unwrap();
    assert!(dump(&second)
        .iter()
        .any(|(t, rows)| t == "venue" && rows.iter().any(|r| r.contains("Church hall"))));
    assert_eq!(store.auto_backup(t0 + Duration::hours(9)).unwrap(), None);

    // A write by another program (the CLI) on the same file is seen too.
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    refrain_core::store::register_sql_functions(&conn).unwrap();
    conn.execute(
        "UPDATE venue SET address = 'High Street' WHERE name = 'Church hall'",
        [],
    )
    .unwrap();
    drop(conn);
    assert!(store
        .auto_backup(t0 + Duration::hours(12))
        .unwrap()
        .is_some());

    // After closing and opening again with nothing changed: none.
    drop(store);
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    assert_eq!(store.auto_backup(t0 + Duration::hours(15)).unwrap(), None);
    venue(&mut store, "Day centre");
    assert!(store
        .auto_backup(t0 + Duration::hours(18))
        .unwrap()
        .is_some());

    // A change made while Refrain was closed (after its last backup) is seen
    // on the first call after opening.
    drop(store);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    refrain_core::store::register_sql_functions(&conn).unwrap();
    conn.execute(
        "UPDATE venue SET address = 'Mill Lane' WHERE name = 'Day centre'",
        [],
    )
    .unwrap();
    drop(conn);
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    assert!(store
        .auto_backup(t0 + Duration::hours(21))
        .unwrap()
        .is_some());

    // Five were made over two days; rotation keeps the newest of each day.
    let autos: Vec<String> = list_backups(dir.path())
        .unwrap()
        .into_iter()
        .filter(|b| b.kind == BackupKind::Auto)
        .map(|b| b.file_name)
        .collect();
    assert_eq!(
        autos,
        [
            "refrain-auto-2026-03-02-070000.db",
            "refrain-auto-2026-03-01-220000.db"
        ]
    );
}

#[test]
fn a_change_made_while_a_backup_is_checked_is_backed_up_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = seeded(dir.path());
    let t0 = at("2026-03-01 10:00:00");
    let pending = store.start_auto_backup(t0).unwrap().unwrap();
    // The store carries on while the copy is checked.
    venue(&mut store, "Written meanwhile");
    let done = pending.finish().unwrap();
    store.auto_backup_done(&done);
    assert!(!dump(&done.path)
        .iter()
        .any(|(t, rows)| t == "venue" && rows.iter().any(|r| r.contains("Written meanwhile"))));
    let next = store.auto_backup(t0 + Duration::days(1)).unwrap().unwrap();
    assert!(dump(&next)
        .iter()
        .any(|(t, rows)| t == "venue" && rows.iter().any(|r| r.contains("Written meanwhile"))));
    assert_eq!(store.auto_backup(t0 + Duration::days(2)).unwrap(), None);

    // A backup started and then dropped leaves no file behind.
    venue(&mut store, "Another");
    let before = names_in(&backups_dir(dir.path()));
    drop(
        store
            .start_auto_backup(t0 + Duration::days(3))
            .unwrap()
            .unwrap(),
    );
    assert_eq!(names_in(&backups_dir(dir.path())), before);
}

// ---------------------------------------------------------------------------
// Rotation

fn auto_name(t: NaiveDateTime) -> String {
    format!("refrain-auto-{}.db", t.format("%Y-%m-%d-%H%M%S"))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Two years of backups, two a day (10:00 and 18:00), plus files that are not
/// automatic backups.
fn two_years() -> Vec<(String, NaiveDateTime)> {
    let mut files = Vec::new();
    let mut d = day(2024, 1, 1);
    while d <= day(2025, 12, 31) {
        for h in [10, 18] {
            let t = d.and_hms_opt(h, 0, 0).unwrap();
            files.push((auto_name(t), t));
        }
        d = d.succ_opt().unwrap();
    }
    files
}

fn foreign() -> Vec<(String, NaiveDateTime)> {
    let old = day(2024, 1, 1).and_hms_opt(0, 0, 0).unwrap();
    [
        "refrain.db",
        "notes.txt",
        "refrain-2024-01-01-000000.db",
        "refrain-before-v4-2024-01-01-000000.db",
        "refrain-auto-2024-01-01-100000.db.bak",
        "refrain-auto-2024-01-01.db",
        "refrain-auto-garbage-000000.db",
        "refrain-auto-2024-01-01-100000-x.db",
        "my-refrain-auto-2024-01-01-100000.db",
    ]
    .iter()
    .map(|n| (n.to_string(), old))
    .collect()
}

#[test]
fn rotation_keeps_the_newest_of_each_day_week_and_month_and_nothing_foreign() {
    let mut files = two_years();
    files.extend(foreign());
    let deleted: BTreeSet<String> = rotation_deletes(&files).into_iter().collect();
    let kept: BTreeSet<NaiveDate> = files
        .iter()
        .filter(|(n, _)| !deleted.contains(n) && n.starts_with("refrain-auto-"))
        .filter(|(n, _)| parse_backup_name(n).is_some())
        .map(|(_, t)| {
            assert_eq!(t.format("%H").to_string(), "18", "the newest of its day");
            t.date()
        })
        .collect();

    // Daily: the last 12 days.
    let daily: BTreeSet<NaiveDate> = (20..=31).map(|d| day(2025, 12, d)).collect();
    // Weekly (ISO weeks): 2025-12-31 is in week 1 of 2026; the rest end on Sundays.
    let weekly: BTreeSet<NaiveDate> = [
        day(2025, 12, 31),
        day(2025, 12, 28),
        day(2025, 12, 21),
        day(2025, 12, 14),
        day(2025, 12, 7),
        day(2025, 11, 30),
        day(2025, 11, 23),
        day(2025, 11, 16),
        day(2025, 11, 9),
        day(2025, 11, 2),
    ]
    .into();
    // Monthly: the last day of each of the last 9 months.
    let monthly: BTreeSet<NaiveDate> = [
        day(2025, 12, 31),
        day(2025, 11, 30),
        day(2025, 10, 31),
        day(2025, 9, 30),
        day(2025, 8, 31),
        day(2025, 7, 31),
        day(2025, 6, 30),
        day(2025, 5, 31),
        day(2025, 4, 30),
    ]
    .into();
    for (tier, want) in [
        ("daily", &daily),
        ("weekly", &weekly),
        ("monthly", &monthly),
    ] {
        assert!(
            want.is_subset(&kept),
            "{tier}: missing {:?}",
            want.difference(&kept).collect::<Vec<_>>()
        );
    }
    let all: BTreeSet<NaiveDate> = daily
        .iter()
        .chain(&weekly)
        .chain(&monthly)
        .copied()
        .collect();
    assert_eq!(kept, all, "nothing beyond the three tiers");
    // 12 days + 7 more Sundays (Nov 2 .. Dec 14) + 7 more month ends (Apr .. Oct).
    assert_eq!(
        kept.len(),
        26,
        "{:?}",
        kept.difference(&all).collect::<Vec<_>>()
    );

    // Only automatic backups are ever deleted.
    for (name, _) in foreign() {
        assert!(!deleted.contains(&name), "{name} must never be deleted");
    }
    assert_eq!(deleted.len(), two_years().len() - 26);
}

#[test]
fn rotation_with_gaps_counts_days_that_have_backups() {
    // A backup every tenth day for a year: the daily tier reaches back over
    // 12 such days (120 days), so it keeps all of them from that time.
    let mut files = Vec::new();
    let mut d = day(2025, 1, 1);
    while d <= day(2025, 12, 31) {
        let t = d.and_hms_opt(9, 30, 0).unwrap();
        files.push((auto_name(t), t));
        d += Duration::days(10);
    }
    let deleted: BTreeSet<String> = rotation_deletes(&files).into_iter().collect();
    let kept: Vec<NaiveDate> = files
        .iter()
        .filter(|(n, _)| !deleted.contains(n))
        .map(|(_, t)| t.date())
        .collect();
    let newest_12: Vec<NaiveDate> = files[files.len() - 12..]
        .iter()
        .map(|(_, t)| t.date())
        .collect();
    for d in &newest_12 {
        assert!(kept.contains(d), "{d} is one of the 12 newest days");
    }
    // Monthly reaches back 9 months: April's last backup is the oldest kept.
    assert_eq!(kept.first(), Some(&day(2025, 4, 21)));
    // A single backup is always kept.
    let one = vec![files[0].clone()];
    assert!(rotation_deletes(&one).is_empty());
}

#[test]
fn automatic_backups_rotate_in_the_folder_and_leave_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = seeded(dir.path());
    let backups = backups_dir(dir.path());
    std::fs::create_dir_all(&backups).unwrap();
    // A year of old automatic backups (as names) and files that aren't ours.
    let mut d = day(2025, 1, 1);
    let long_ago =
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_735_700_000);
    while d <= day(2025, 12, 31) {
        let t = d.and_hms_opt(12, 0, 0).unwrap();
        let f = std::fs::File::create(backups.join(auto_name(t))).unwrap();
        f.set_modified(long_ago).unwrap();
        d = d.succ_opt().unwrap();
    }
    let foreign_names = [
        "notes.txt",
        "refrain-2025-01-01-000000.db",
        "refrain-before-v4-2025-01-01-000000.db",
        "refrain-auto-2025-01-01-120000.db.bak",
    ];
    for n in foreign_names {
        std::fs::write(backups.join(n), b"keep me").unwrap();
    }
    let new = store
        .auto_backup(at("2026-01-01 09:00:00"))
        .unwrap()
        .unwrap();
    let left = names_in(&backups);
    for n in foreign_names {
        assert!(left.contains(n), "{n} was deleted");
    }
    assert!(left.contains(&new.file_name().unwrap().to_string_lossy().into_owned()));
    let autos: Vec<&String> = left
        .iter()
        .filter(|n| matches!(parse_backup_name(n), Some((BackupKind::Auto, _, _))))
        .collect();
    // The new one (2026-01-01, in ISO week 1 of 2026 with Dec 29-31), days
    // 2025-12-21..31 (11), Sundays 2025-11-02..12-14 (7 more weeks) and the
    // ends of May..Oct 2025 (6 more months).
    assert_eq!(autos.len(), 1 + 11 + 7 + 6, "{autos:?}");
    assert!(!left.contains("refrain-auto-2025-06-15-120000.db"));
    assert!(left.contains("refrain-auto-2025-06-30-120000.db"));
    assert!(!left.contains("refrain-auto-2025-03-31-120000.db"));
}

// ---------------------------------------------------------------------------
// Before a schema update

/// A store as schema v3 left it, with a group and a person.
fn v3_store(dir: &Path) -> PathBuf {
    let path = dir.join(DB_FILE);
    let mut conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    refrain_core::store::schema::migrations()
        .to_version(&mut conn, 3)
        .unwrap();
    conn.execute_batch(
        "INSERT INTO practice_group (id, name, created_at, updated_at)
             VALUES ('g', 'Tuesday Sing-along', 't', 't');
         INSERT INTO attendee (id, full_name, created_at, updated_at)
             VALUES ('a1', 'Margaret Ellis', 't', 't');",
    )
    .unwrap();
    path
}

#[test]
fn a_copy_is_made_before_an_older_store_is_updated() {
    const { assert!(SCHEMA_VERSION > 3, "this test needs a v3 store to be older") };
    let dir = tempfile::tempdir().unwrap();
    let path = v3_store(dir.path());
    let before = dump(&path);

    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let list = list_backups(dir.path()).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let copy = &list[0];
    assert_eq!(copy.kind, BackupKind::BeforeMigration);
    assert_eq!(copy.before_version, Some(SCHEMA_VERSION));
    assert!(copy
        .file_name
        .starts_with(&format!("refrain-before-v{SCHEMA_VERSION}-")));
    assert_eq!(user_version(Path::new(&copy.path)), 3);
    assert_eq!(dump(Path::new(&copy.path)), before);

    // Opening the now-current store again makes no more copies.
    drop(store);
    drop(Store::open(&path).unwrap());
    assert_eq!(list_backups(dir.path()).unwrap().len(), 1);
}

#[test]
fn no_copy_is_made_for_a_new_or_current_store() {
    let dir = tempfile::tempdir().unwrap();
    drop(seeded(dir.path()));
    drop(Store::open_in_dir(dir.path()).unwrap());
    assert!(list_backups(dir.path()).unwrap().is_empty());
    assert!(!backups_dir(dir.path()).exists());
}

// ---------------------------------------------------------------------------
// Restoring

#[test]
fn each_kind_of_backup_can_be_restored() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = seeded(dir.path());
    venue(&mut store, "One");
    let auto = store
        .auto_backup(at("2026-01-01 10:00:00"))
        .unwrap()
        .unwrap();
    venue(&mut store, "Two");
    let manual = store.backup_to(&store.backups_dir()).unwrap();
    venue(&mut store, "Three");
    drop(store);

    let report = restore(dir.path(), &auto, None).unwrap();
    assert_eq!(report.schema_version, SCHEMA_VERSION);
    let aside = PathBuf::from(report.replaced_moved_to.unwrap());
    assert!(aside.starts_with(backups_dir(dir.path())));
    assert!(aside.join(DB_FILE).exists());
    let store = Store::open_in_dir(dir.path()).unwrap();
    let names = venue_names(&store);
    assert!(names.contains("One") && !names.contains("Two"), "{names:?}");
    drop(store);

    // The data it replaced is whole, and restoring it brings "Three" back.
    let replaced = Store::open(&aside.join(DB_FILE)).unwrap();
    assert!(venue_names(&replaced).contains("Three"));
    drop(replaced);

    restore(dir.path(), &manual, None).unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    let names = venue_names(&store);
    assert!(
        names.contains("Two") && !names.contains("Three"),
        "{names:?}"
    );
    assert!(store.check().unwrap().integrity_ok);
    drop(store);

    // The listing knows them (and ignores the replaced-… folders).
    let kinds: Vec<BackupKind> = list_backups(dir.path())
        .unwrap()
        .iter()
        .map(|b| b.kind)
        .collect();
    assert!(kinds.contains(&BackupKind::Auto) && kinds.contains(&BackupKind::Manual));
    assert_eq!(kinds.len(), 2);
}

#[test]
fn a_before_update_copy_is_restored_and_updated_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = v3_store(dir.path());
    let mut store = Store::open(&path).unwrap();
    venue(&mut store, "Added after the update");
    drop(store);
    let copy = list_backups(dir.path()).unwrap()[0].clone();
    assert_eq!(copy.kind, BackupKind::BeforeMigration);

    let report = restore(dir.path(), Path::new(&copy.path), None).unwrap();
    assert_eq!(report.schema_version, 3);
    assert_eq!(user_version(&path), 3);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(venue_names(&store).is_empty());
    assert_eq!(
        store.attendee_detail("a1").unwrap().attendee.full_name,
        "Margaret Ellis"
    );
    // Updating the restored file made its own copy first.
    let before = list_backups(dir.path())
        .unwrap()
        .into_iter()
        .filter(|b| b.kind == BackupKind::BeforeMigration)
        .count();
    assert_eq!(before, 2);
}

#[test]
fn a_bad_or_newer_backup_is_refused_without_touching_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = seeded(dir.path());
    let good = store.backup_to(&store.backups_dir()).unwrap();
    drop(store);
    let db = dir.path().join(DB_FILE);
    let bytes = std::fs::read(&db).unwrap();
    let listing = names_in(dir.path());
    let backups_listing = names_in(&backups_dir(dir.path()));
    let scratch = tempfile::tempdir().unwrap();

    // Damaged: a middle page flipped.
    let damaged = scratch.path().join("damaged.db");
    std::fs::copy(&good, &damaged).unwrap();
    flip_middle_page(&damaged);
    // From a newer Refrain.
    let newer = scratch.path().join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    // Not Refrain's at all, and not a database at all.
    let other = scratch.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let text = scratch.path().join("text.db");
    std::fs::write(&text, vec![b'x'; 4096]).unwrap();
    let missing = scratch.path().join("missing.db");

    for (file, code) in [
        (&damaged, "backup_failed"),
        (&newer, "newer_schema"),
        (&other, "backup_failed"),
        (&text, "backup_failed"),
        (&missing, "backup_failed"),
    ] {
        let err = restore(dir.path(), file, None).unwrap_err();
        assert_eq!(err.code(), code, "{}: {err}", file.display());
        assert_eq!(std::fs::read(&db).unwrap(), bytes, "{}", file.display());
        assert_eq!(names_in(dir.path()), listing);
        assert_eq!(names_in(&backups_dir(dir.path())), backups_listing);
    }
    // The good one is found as the newest good backup, and still restores.
    assert_eq!(
        newest_good_backup(dir.path(), None).unwrap().unwrap().path,
        good.display().to_string()
    );
    restore(dir.path(), &good, None).unwrap();
    assert!(
        Store::open_in_dir(dir.path())
            .unwrap()
            .check()
            .unwrap()
            .integrity_ok
    );
}

// ---------------------------------------------------------------------------
// Damaged stores

/// Flips the first bytes of a b-tree page in the middle of the file (its page
/// header), which SQLite's checks notice.
fn flip_middle_page(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let page_size = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    let pages = bytes.len() / page_size;
    assert!(pages >= 8, "too small to have a middle: {pages} pages");
    let page = (pages / 2..pages)
        .find(|p| matches!(bytes[p * page_size], 2 | 5 | 10 | 13))
        .expect("a b-tree page");
    for b in &mut bytes[page * page_size..page * page_size + 8] {
        *b ^= 0xff;
    }
    std::fs::write(path, bytes).unwrap();
}

fn assert_damaged_and_untouched(dir: &Path, db: &Path) {
    let before = std::fs::read(db).unwrap();
    let err = match Store::open(db) {
        Ok(_) => panic!("a damaged store was opened"),
        Err(e) => e,
    };
    assert_eq!(err.code(), "store_damaged", "{err}");
    assert!(matches!(err, CoreError::Damaged(_)));
    assert!(err.to_string().contains("damaged"), "{err}");
    assert!(err.to_string().contains("restoring a backup"), "{err}");
    // Never replaced by a new, empty store; never written.
    assert_eq!(std::fs::read(db).unwrap(), before);
    assert!(Store::open_in_dir(dir).is_err());
    assert_eq!(std::fs::read(db).unwrap(), before);
}

#[test]
fn a_store_with_a_damaged_header_is_reported_as_damaged() {
    let (dir, db) = closed_seeded_store();
    let mut bytes = std::fs::read(&db).unwrap();
    for b in &mut bytes[0..16] {
        *b ^= 0x5a;
    }
    std::fs::write(&db, bytes).unwrap();
    assert_damaged_and_untouched(dir.path(), &db);
}

#[test]
fn a_store_with_a_damaged_page_is_reported_as_damaged() {
    let (dir, db) = closed_seeded_store();
    flip_middle_page(&db);
    assert_damaged_and_untouched(dir.path(), &db);
}

#[test]
fn a_store_cut_to_half_its_length_is_reported_as_damaged() {
    let (dir, db) = closed_seeded_store();
    let len = std::fs::metadata(&db).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&db)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    assert_damaged_and_untouched(dir.path(), &db);
}

#[test]
fn a_damaged_store_is_brought_back_from_its_newest_good_backup() {
    let (dir, db) = closed_seeded_store();
    let mut store = Store::open(&db).unwrap();
    venue(&mut store, "Kept safe");
    let good = store
        .auto_backup(at("2026-02-01 10:00:00"))
        .unwrap()
        .unwrap();
    drop(store);
    flip_middle_page(&db);
    assert_eq!(Store::open(&db).err().unwrap().code(), "store_damaged");

    let newest = newest_good_backup(dir.path(), None).unwrap().unwrap();
    assert_eq!(newest.path, good.display().to_string());
    let report = restore(dir.path(), &good, None).unwrap();
    let store = Store::open(&db).unwrap();
    assert!(venue_names(&store).contains("Kept safe"));
    // The damaged file is kept aside, not deleted.
    let aside = PathBuf::from(report.replaced_moved_to.unwrap()).join(DB_FILE);
    assert_eq!(Store::open(&aside).err().unwrap().code(), "store_damaged");
}

#[test]
fn backup_names_are_read_strictly() {
    assert!(matches!(
        parse_backup_name("refrain-auto-2026-01-02-030405.db"),
        Some((BackupKind::Auto, None, t)) if t == day(2026, 1, 2).and_hms_opt(3, 4, 5).unwrap()
    ));
    assert!(matches!(
        parse_backup_name("refrain-before-v12-2026-01-02-030405-3.db"),
        Some((BackupKind::BeforeMigration, Some(12), _))
    ));
    assert!(matches!(
        parse_backup_name("refrain-2026-01-02-030405.db"),
        Some((BackupKind::Manual, None, _))
    ));
    for bad in [
        "refrain.db",
        "refrain-2026-13-02-030405.db",
        "refrain-auto-2026-01-02-030405.db-wal",
        "refrain-before-v-2026-01-02-030405.db",
        "refrain-2026-01-02-030405-.db",
        "Refrain-2026-01-02-030405.db",
    ] {
        assert!(parse_backup_name(bad).is_none(), "{bad}");
    }
    let _ = backup::KEEP_DAILY;
}
