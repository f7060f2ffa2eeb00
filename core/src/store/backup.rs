//! Backups and restoring them.
//!
//! A backup is a whole, checked SQLite file: `VACUUM INTO` a temporary file
//! beside its final place, fsync it, open it and check it (integrity and
//! schema version), and only then rename it to its backup name and fsync the
//! folder. Nothing half-written ever carries a backup name.
//!
//! Names (times in UTC):
//! - `refrain-auto-YYYY-MM-DD-HHMMSS.db`: automatic, in `<data>/backups/`, rotated;
//! - `refrain-before-vN-YYYY-MM-DD-HHMMSS.db`: taken before updating the data to
//!   schema version N, never rotated;
//! - `refrain-YYYY-MM-DD-HHMMSS.db`: made on request ("Back up now"), never rotated.
//!
//! A second backup in the same second gets `-2`, `-3`... before `.db`.
//! Rotation only ever deletes automatic backups, and only by their names.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Store, DB_FILE, SCHEMA_VERSION};
use crate::error::{CoreError, Result};
use crate::vault::{is_plain_sqlite, StoreKey};

/// The folder inside the data folder that holds automatic backups.
pub const BACKUPS_DIR: &str = "backups";

/// How many automatic backups rotation keeps: the newest of each of the last
/// `KEEP_DAILY` days that have backups, of the last `KEEP_WEEKLY` ISO weeks and
/// of the last `KEEP_MONTHLY` months (and always the newest).
pub const KEEP_DAILY: usize = 12;
pub const KEEP_WEEKLY: usize = 10;
pub const KEEP_MONTHLY: usize = 9;

const TIME_FORMAT: &str = "%Y-%m-%d-%H%M%S";
const TEMP_PREFIX: &str = ".refrain-backup-";
const TEMP_SUFFIX: &str = ".tmp";

/// Tables every Refrain store has since schema version 1.
const OUR_TABLES: [&str; 5] = [
    "venue",
    "practice_group",
    "attendee",
    "session",
    "attendance",
];

/// `<data dir>/backups`.
pub fn backups_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(BACKUPS_DIR)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum BackupKind {
    /// Made by the app (on closing, every few hours); rotated.
    Auto,
    /// Made before the data was updated to a newer schema; kept.
    BeforeMigration,
    /// Made on request; kept.
    Manual,
}

/// One backup file, as listed for restoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupInfo {
    pub path: String,
    pub file_name: String,
    /// When it was made (UTC, RFC 3339), from its name.
    pub time: String,
    pub size_bytes: u64,
    pub kind: BackupKind,
    /// For `beforeMigration`: the schema version the data was about to be
    /// updated to.
    pub before_version: Option<u32>,
}

/// What `restore` did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    pub restored_from: String,
    /// The restored file's schema version (it is updated when next opened).
    pub schema_version: u32,
    /// Where the data it replaced was moved (`backups/replaced-<time>/`), if
    /// there was any.
    pub replaced_moved_to: Option<String>,
}

/// What a backup file's name says: its kind, the version it preceded (for
/// before-migration copies) and its time. `None` for any name not ours.
pub fn parse_backup_name(name: &str) -> Option<(BackupKind, Option<u32>, NaiveDateTime)> {
    let rest = name.strip_prefix("refrain-")?.strip_suffix(".db")?;
    let (kind, before, rest) = if let Some(r) = rest.strip_prefix("auto-") {
        (BackupKind::Auto, None, r)
    } else if let Some(r) = rest.strip_prefix("before-v") {
        let (n, r) = r.split_once('-')?;
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        (BackupKind::BeforeMigration, Some(n.parse().ok()?), r)
    } else {
        (BackupKind::Manual, None, rest)
    };
    // "YYYY-MM-DD-HHMMSS" is 17 characters, optionally "-N" after it.
    if rest.len() < 17 || !rest.is_char_boundary(17) {
        return None;
    }
    let (time, extra) = rest.split_at(17);
    if !extra.is_empty() {
        let n = extra.strip_prefix('-')?;
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let time = NaiveDateTime::parse_from_str(time, TIME_FORMAT).ok()?;
    Some((kind, before, time))
}

/// Which automatic backups to delete, given every file name in the backups
/// folder with its time. Pure: only names that are our automatic backups are
/// ever returned. Kept: the newest; the newest of each of the last
/// [`KEEP_DAILY`] days that have backups; the newest of each of the last
/// [`KEEP_WEEKLY`] ISO weeks; the newest of each of the last [`KEEP_MONTHLY`]
/// months.
pub fn rotation_deletes(files: &[(String, NaiveDateTime)]) -> Vec<String> {
    let mut autos: Vec<&(String, NaiveDateTime)> = files
        .iter()
        .filter(|(name, _)| matches!(parse_backup_name(name), Some((BackupKind::Auto, _, _))))
        .collect();
    // Newest first; within one second "-2" is newer than none, "-3" than "-2".
    autos.sort_by(|a, b| {
        (b.1, same_second_number(&b.0), &b.0).cmp(&(a.1, same_second_number(&a.0), &a.0))
    });

    let mut keep: HashSet<&str> = HashSet::new();
    if let Some(newest) = autos.first() {
        keep.insert(&newest.0);
    }
    let mut tier = |limit: usize, bucket: &dyn Fn(&NaiveDateTime) -> (i32, u32)| {
        let mut seen: Vec<(i32, u32)> = Vec::new();
        for (name, time) in &autos {
            let b = bucket(time);
            if seen.contains(&b) {
                continue;
            }
            if seen.len() == limit {
                break;
            }
            seen.push(b);
            keep.insert(name);
        }
    };
    tier(KEEP_DAILY, &|t| (t.year(), t.ordinal()));
    tier(KEEP_WEEKLY, &|t| {
        let w = t.iso_week();
        (w.year(), w.week())
    });
    tier(KEEP_MONTHLY, &|t| (t.year(), t.month()));

    autos
        .iter()
        .filter(|(name, _)| !keep.contains(name.as_str()))
        .map(|(name, _)| name.clone())
        .collect()
}

/// 1 for `...-HHMMSS.db`, N for `...-HHMMSS-N.db`.
fn same_second_number(name: &str) -> u32 {
    let stem = name.strip_suffix(".db").unwrap_or(name);
    match stem.rsplit_once('-') {
        Some((_, n)) if n.len() < 6 && !n.is_empty() => n.parse().unwrap_or(1),
        _ => 1,
    }
}

/// Every backup in `<data dir>/backups/`, newest first.
pub fn list_backups(data_dir: &Path) -> Result<Vec<BackupInfo>> {
    let dir = backups_dir(data_dir);
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out: Vec<(NaiveDateTime, BackupInfo)> = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((kind, before_version, time)) = parse_backup_name(&name) else {
            continue;
        };
        let meta = entry.metadata()?;
        if !meta.is_file() {
            continue;
        }
        out.push((
            time,
            BackupInfo {
                path: entry.path().display().to_string(),
                file_name: name,
                time: time.and_utc().to_rfc3339(),
                size_bytes: meta.len(),
                kind,
                before_version,
            },
        ));
    }
    out.sort_by(|a, b| {
        let key = |x: &(NaiveDateTime, BackupInfo)| {
            (
                x.0,
                same_second_number(&x.1.file_name),
                x.1.file_name.clone(),
            )
        };
        key(b).cmp(&key(a))
    });
    Ok(out.into_iter().map(|(_, i)| i).collect())
}

/// The newest backup in `<data dir>/backups/` that passes the same checks as
/// restoring it would.
pub fn newest_good_backup(data_dir: &Path, key: Option<&StoreKey>) -> Result<Option<BackupInfo>> {
    for info in list_backups(data_dir)? {
        if verify_backup(Path::new(&info.path), key).is_ok() {
            return Ok(Some(info));
        }
    }
    Ok(None)
}

/// Checks a file offered as a backup without changing it: it opens read-only,
/// SQLite's integrity check says ok, it has Refrain's tables and its schema
/// version is one this Refrain understands. Returns that version. An
/// encrypted backup is opened with `key`; a plain one (from an earlier
/// Refrain) needs none.
pub fn verify_backup(path: &Path, key: Option<&StoreKey>) -> Result<u32> {
    let unusable = |why: String| {
        CoreError::Backup(format!(
            "{} can't be used as a backup: {why}.",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string())
        ))
    };
    let meta = fs::metadata(path).map_err(|e| unusable(e.to_string()))?;
    if !meta.is_file() || meta.len() == 0 {
        return Err(unusable("it is not a Refrain data file".into()));
    }
    let version = check_copy(path, key).map_err(|why| {
        if key.is_some() && !is_plain_sqlite(path) && why.contains("not a database") {
            unusable("it is damaged, or it is not encrypted with this store's key".into())
        } else {
            unusable(why)
        }
    })?;
    if version > SCHEMA_VERSION {
        return Err(CoreError::NewerSchema {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(version)
}

/// Opens `path` read-only and checks it; `Err` holds the reason in words.
fn check_copy(path: &Path, key: Option<&StoreKey>) -> std::result::Result<u32, String> {
    check_copy_with(path, "integrity_check", key)
}

/// Opens a data file (the store or a backup) with `key`, unless the file is
/// a plain SQLite file from an earlier, unencrypted Refrain.
pub(crate) fn open_data_file(
    path: &Path,
    flags: OpenFlags,
    key: Option<&StoreKey>,
) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, flags)?;
    if let Some(key) = key {
        if !is_plain_sqlite(path) {
            key.apply(&conn)?;
        }
    }
    Ok(conn)
}

/// `check_copy` with SQLite's `integrity_check` or the faster `quick_check`
/// (which skips comparing indexes with their tables).
fn check_copy_with(
    path: &Path,
    pragma: &str,
    key: Option<&StoreKey>,
) -> std::result::Result<u32, String> {
    let conn = open_data_file(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        key,
    )
    .map_err(|e| e.to_string())?;
    let problems = integrity_problems(&conn, pragma).map_err(|e| e.to_string())?;
    if !problems.is_empty() {
        return Err(format!("it is damaged ({})", problems.join("; ")));
    }
    let ours: i64 = conn
        .query_row(
            &format!(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ({})",
                OUR_TABLES.map(|t| format!("'{t}'")).join(", ")
            ),
            [],
            |r| r.get(0),
        )
        .map_err(|e| e.to_string())?;
    if ours != OUR_TABLES.len() as i64 {
        return Err("it does not hold Refrain's records".into());
    }
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| e.to_string())
}

/// The rows of `PRAGMA integrity_check` / `quick_check` other than "ok".
pub(crate) fn integrity_problems(conn: &Connection, pragma: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}"))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut problems = Vec::new();
    for row in rows {
        let row = row?;
        if row != "ok" {
            problems.push(row);
        }
    }
    Ok(problems)
}

/// Runs `PRAGMA quick_check` on the file at `path` (opened without creating
/// it). `Some` says what is damaged; `None` when it is sound or when the check
/// could not say (the file can't be opened, is locked...), so that such
/// errors are never mistaken for damage.
pub(crate) fn quick_check_file(path: &Path, key: Option<&StoreKey>) -> Option<String> {
    let conn = open_data_file(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        key,
    )
    .ok()?;
    match integrity_problems(&conn, "quick_check") {
        Ok(problems) if problems.is_empty() => None,
        Ok(problems) => Some(problems.join("; ")),
        // SQLCipher reports a page that fails its authentication check as a
        // plain SQLITE_ERROR; with the right key (the keys file proved it),
        // that is damage too.
        Err(e) if key.is_some() && e.sqlite_error_code() == Some(rusqlite::ErrorCode::Unknown) => {
            Some(format!("a page failed its check ({e})"))
        }
        Err(e) => match CoreError::from(e) {
            CoreError::Damaged(why) => Some(why),
            _ => None,
        },
    }
}

/// Copies the database behind `conn` to `dir/<stem>-<time>.db` the safe way
/// (see the module's documentation) and returns the new file's path. The copy
/// must have schema version `expected_version`. `tamper` runs on the temporary
/// file before it is checked (tests use it to prove a failed check leaves
/// nothing behind).
#[allow(clippy::too_many_arguments)]
pub(crate) fn copy_checked(
    conn: &Connection,
    key: Option<&StoreKey>,
    dir: &Path,
    stem: &str,
    now: DateTime<Utc>,
    expected_version: u32,
    tamper: &dyn Fn(&Path),
) -> Result<PathBuf> {
    let tmp = copy_to_temp(conn, dir)?;
    check_and_name(&tmp, key, dir, stem, now, expected_version, tamper)
}

fn backup_failed(dir: &Path, why: String) -> CoreError {
    CoreError::Backup(format!(
        "The backup could not be made in {}: {why}. Nothing was saved there.",
        dir.display()
    ))
}

/// The first half of [`copy_checked`], the only part that needs the
/// connection: `VACUUM INTO` a temporary file in `dir`, fsynced.
fn copy_to_temp(conn: &Connection, dir: &Path) -> Result<PathBuf> {
    let failed = |why: String| backup_failed(dir, why);
    fs::create_dir_all(dir).map_err(|e| failed(e.to_string()))?;
    let tmp = dir.join(format!(
        "{TEMP_PREFIX}{}{TEMP_SUFFIX}",
        uuid::Uuid::now_v7().simple()
    ));
    let tmp_str = tmp
        .to_str()
        .ok_or_else(|| failed("the folder's name is not valid text".into()))?;
    let result = (|| -> Result<()> {
        // VACUUM INTO reads one consistent snapshot (a read transaction, so
        // writers are not blocked under WAL) and writes a compact copy.
        conn.execute("VACUUM INTO ?1", [tmp_str])
            .map_err(|e| match CoreError::from(e) {
                d @ CoreError::Damaged(_) => d,
                other => failed(other.to_string()),
            })?;
        File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| failed(e.to_string()))
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// The second half: check the temporary copy, then rename it to
/// `<stem>-<time>.db` and fsync the folder. On any failure the temporary file
/// is removed.
fn check_and_name(
    tmp: &Path,
    key: Option<&StoreKey>,
    dir: &Path,
    stem: &str,
    now: DateTime<Utc>,
    expected_version: u32,
    tamper: &dyn Fn(&Path),
) -> Result<PathBuf> {
    let failed = |why: String| backup_failed(dir, why);
    let result = (|| -> Result<PathBuf> {
        tamper(tmp);
        let version = check_copy(tmp, key)
            .map_err(|why| failed(format!("the copy did not pass its check: {why}")))?;
        if version != expected_version {
            return Err(failed(format!(
                "the copy has data version {version}, expected {expected_version}"
            )));
        }
        let target = free_name(dir, stem, now);
        fs::rename(tmp, &target).map_err(|e| failed(e.to_string()))?;
        sync_dir(dir).map_err(|e| failed(e.to_string()))?;
        Ok(target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(tmp);
    }
    result
}

/// An automatic backup that has been copied but not yet checked and named
/// (see [`Store::start_auto_backup`]). Checking needs no store, so the app
/// does it without holding the store's lock. Dropping it unfinished removes
/// the temporary file.
pub struct PendingBackup {
    tmp: Option<PathBuf>,
    key: Option<StoreKey>,
    dir: PathBuf,
    now: DateTime<Utc>,
    expected_version: u32,
    marker: (u64, u64, i64),
}

/// A finished automatic backup: hand it to [`Store::auto_backup_done`].
pub struct FinishedBackup {
    pub path: PathBuf,
    marker: (u64, u64, i64),
}

impl PendingBackup {
    /// Checks the copy, gives it its name, then rotates the folder.
    pub fn finish(mut self) -> Result<FinishedBackup> {
        let tmp = self.tmp.take().expect("not finished twice");
        let path = check_and_name(
            &tmp,
            self.key.as_ref(),
            &self.dir,
            "refrain-auto",
            self.now,
            self.expected_version,
            &|_| {},
        )?;
        rotate(&self.dir);
        Ok(FinishedBackup {
            path,
            marker: self.marker,
        })
    }
}

impl Drop for PendingBackup {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = fs::remove_file(tmp);
        }
    }
}

/// `dir/<stem>-<time>.db`, or with `-2`, `-3`... if that name is taken.
fn free_name(dir: &Path, stem: &str, now: DateTime<Utc>) -> PathBuf {
    let time = now.format(TIME_FORMAT);
    let first = dir.join(format!("{stem}-{time}.db"));
    if !first.exists() {
        return first;
    }
    (2u32..)
        .map(|n| dir.join(format!("{stem}-{time}-{n}.db")))
        .find(|p| !p.exists())
        .expect("some suffix is free")
}

/// Makes a rename or a new file in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

fn mtime(path: &Path) -> Option<std::time::SystemTime> {
    fs::metadata(path).ok()?.modified().ok()
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

impl Store {
    /// `<data dir>/backups` for this store.
    pub fn backups_dir(&self) -> PathBuf {
        backups_dir(self.path.parent().unwrap_or(Path::new(".")))
    }

    /// Writes a checked copy of the store to `dir` as
    /// `refrain-YYYY-MM-DD-HHMMSS.db` (UTC) and returns its path.
    pub fn backup_to(&self, dir: &Path) -> Result<PathBuf> {
        copy_checked(
            &self.conn,
            self.key.as_ref(),
            dir,
            "refrain",
            Utc::now(),
            self.schema_version()?,
            &|_| {},
        )
    }

    /// `backup_to`, with `tamper` run on the temporary copy before its check.
    /// Only for tests that prove a failed check leaves nothing behind.
    #[doc(hidden)]
    pub fn backup_to_tampered(&self, dir: &Path, tamper: &dyn Fn(&Path)) -> Result<PathBuf> {
        copy_checked(
            &self.conn,
            self.key.as_ref(),
            dir,
            "refrain",
            Utc::now(),
            self.schema_version()?,
            tamper,
        )
    }

    /// An automatic backup into `<data dir>/backups/`, only when something
    /// changed since the newest backup there; then old automatic backups are
    /// rotated away. Returns the new backup's path, or `None` when nothing
    /// changed.
    ///
    /// "Changed" cannot miss a write: within this run it compares the count
    /// of `write()` calls, SQLite's total changes on this connection and
    /// `PRAGMA data_version` (which moves when another connection, such as
    /// the CLI, commits). On the first call after opening it compares the
    /// data file's and its WAL's modification times with the newest backup's.
    pub fn auto_backup(&mut self, now: DateTime<Utc>) -> Result<Option<PathBuf>> {
        let Some(pending) = self.start_auto_backup(now)? else {
            return Ok(None);
        };
        let done = pending.finish()?;
        self.auto_backup_done(&done);
        Ok(Some(done.path))
    }

    /// The part of [`Store::auto_backup`] that needs the store: decides
    /// whether anything changed and, if so, copies the data to a temporary
    /// file. Finish it with [`PendingBackup::finish`] (no store needed, so a
    /// caller can let go of its lock for the check, which is most of the time
    /// on a large store), then [`Store::auto_backup_done`].
    pub fn start_auto_backup(&mut self, now: DateTime<Utc>) -> Result<Option<PendingBackup>> {
        let dir = self.backups_dir();
        let marker = self.change_marker()?;
        let changed = match self.backed_up {
            Some(at) => at != marker,
            None => self.changed_since_newest_backup(&dir),
        };
        if !changed {
            self.backed_up = Some(marker);
            return Ok(None);
        }
        // Move everything into the main file first, so that its modification
        // time is older than the backup's and closing writes nothing more:
        // the next run then sees no change unless there is one.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        let expected_version = self.schema_version()?;
        let tmp = copy_to_temp(&self.conn, &dir)?;
        Ok(Some(PendingBackup {
            tmp: Some(tmp),
            key: self.key.clone(),
            dir,
            now,
            expected_version,
            marker,
        }))
    }

    /// Records that `done` holds the data as it was when it was started, so
    /// the next automatic backup waits for a change after that. (A change
    /// made while it was being checked is still seen.)
    pub fn auto_backup_done(&mut self, done: &FinishedBackup) {
        self.backed_up = Some(done.marker);
    }

    fn change_marker(&self) -> Result<(u64, u64, i64)> {
        let data_version: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok((self.writes, self.conn.total_changes(), data_version))
    }

    fn changed_since_newest_backup(&self, dir: &Path) -> bool {
        let newest = fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            // Only automatic backups: only Refrain makes those, each from the
            // data as it was then (a file copied in could be newer than it).
            .filter(|e| {
                matches!(
                    parse_backup_name(&e.file_name().to_string_lossy()),
                    Some((BackupKind::Auto, _, _))
                )
            })
            .filter_map(|e| e.metadata().ok()?.modified().ok())
            .max();
        let Some(newest) = newest else {
            return true;
        };
        let wal = with_suffix(&self.path, "-wal");
        let wal_time = match fs::metadata(&wal) {
            Ok(m) if m.len() > 0 => m.modified().ok(),
            _ => None,
        };
        let data_time = [mtime(&self.path), wal_time].into_iter().flatten().max();
        // Unknown times count as a change: an extra backup is harmless.
        data_time.is_none_or(|t| t >= newest)
    }
}

/// Deletes the automatic backups rotation no longer keeps, and temporary
/// files of ours left by an interrupted backup more than an hour ago. A file
/// that can't be deleted stays (an extra backup is harmless).
fn rotate(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
            let old = entry
                .metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600);
            if old {
                let _ = fs::remove_file(entry.path());
            }
            continue;
        }
        if let Some((_, _, time)) = parse_backup_name(&name) {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                files.push((name, time));
            }
        }
    }
    for name in rotation_deletes(&files) {
        let _ = fs::remove_file(dir.join(name));
    }
}

/// Puts `backup` in place of the store in `data_dir`. The caller must have
/// closed its `Store`.
///
/// The backup is checked before anything is touched (a damaged backup, one
/// from a newer Refrain or a file that isn't Refrain's is refused). It is
/// copied to a temporary file in the data folder and fsynced; then the
/// current `refrain.db` (with its `-wal` and `-shm`) is moved into
/// `backups/replaced-<time>/`, the copy renamed to `refrain.db` and the folder
/// fsynced. If anything fails after the current data was moved aside, it is
/// put back. Opening the store afterwards updates an older backup's schema
/// (after making its own before-migration copy).
///
/// With `key` (an encrypted store), a plain backup from an earlier Refrain
/// is encrypted on its way in; an encrypted one must be this store's.
pub fn restore(data_dir: &Path, backup: &Path, key: Option<&StoreKey>) -> Result<RestoreReport> {
    let schema_version = verify_backup(backup, key)?;
    let failed = |why: String| {
        CoreError::Backup(format!(
            "The backup could not be restored: {why}. Your current data has not been changed."
        ))
    };
    fs::create_dir_all(data_dir).map_err(|e| failed(e.to_string()))?;
    let db = data_dir.join(DB_FILE);
    let tmp = data_dir.join(format!(
        ".refrain-restore-{}{TEMP_SUFFIX}",
        uuid::Uuid::now_v7().simple()
    ));

    // 1. A checked copy in the data folder, before anything is moved.
    let copied = (|| -> Result<()> {
        copy_file_synced(backup, &tmp).map_err(|e| failed(e.to_string()))?;
        if let Some(key) = key {
            if is_plain_sqlite(&tmp) {
                crate::vault::encrypt_file_in_place(&tmp, key)
                    .map_err(|e| failed(e.to_string()))?;
            }
        }
        // The backup itself passed the full check above; the copy of it gets
        // the quick one (about 0.6 s instead of 8 s for the decade store).
        let v = check_copy_with(&tmp, "quick_check", key)
            .map_err(|why| failed(format!("the copy was not sound: {why}")))?;
        if v != schema_version {
            return Err(failed("the copy differs from the backup".into()));
        }
        Ok(())
    })();
    if let Err(e) = copied {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }

    // 2. Move the current data aside, all of its files together.
    let now = Utc::now();
    let companions: Vec<PathBuf> = ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|s| with_suffix(&db, s))
        .filter(|p| p.exists())
        .collect();
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut aside_dir = None;
    if !companions.is_empty() {
        let backups = backups_dir(data_dir);
        let mut aside = backups.join(format!("replaced-{}", now.format(TIME_FORMAT)));
        let mut n = 2;
        while aside.exists() {
            aside = backups.join(format!("replaced-{}-{n}", now.format(TIME_FORMAT)));
            n += 1;
        }
        let moving = (|| -> std::io::Result<()> {
            fs::create_dir_all(&aside)?;
            for from in &companions {
                let to = aside.join(from.file_name().expect("a file name"));
                fs::rename(from, &to)?;
                moved.push((from.clone(), to));
            }
            sync_dir(&aside)?;
            sync_dir(data_dir)
        })();
        if let Err(e) = moving {
            put_back(&moved, data_dir);
            let _ = fs::remove_file(&tmp);
            return Err(failed(format!(
                "the current data could not be moved aside: {e}"
            )));
        }
        aside_dir = Some(aside);
    }

    // 3. The copy becomes the store.
    let placed = fs::rename(&tmp, &db).and_then(|()| sync_dir(data_dir));
    if let Err(e) = placed {
        if !moved.is_empty() {
            // Our copy (if it got there) is replaced by the original.
            put_back(&moved, data_dir);
        } else {
            let _ = fs::remove_file(&db);
        }
        let _ = fs::remove_file(&tmp);
        return Err(failed(e.to_string()));
    }
    Ok(RestoreReport {
        restored_from: backup.display().to_string(),
        schema_version,
        replaced_moved_to: aside_dir.map(|d| d.display().to_string()),
    })
}

/// Moves files back to where they were (after a failed restore).
fn put_back(moved: &[(PathBuf, PathBuf)], data_dir: &Path) {
    for (from, to) in moved.iter().rev() {
        let _ = fs::rename(to, from);
    }
    let _ = sync_dir(data_dir);
}

fn copy_file_synced(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut src = File::open(from)?;
    let mut dst = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        std::io::Write::write_all(&mut dst, &buf[..n])?;
    }
    dst.sync_all()
}

/// Cheap signs of a damaged file, read from its header without SQLite: too
/// short to be a database, or shorter than its own header says while there is
/// no WAL that could hold the rest. `Err` says what is wrong.
pub(crate) fn header_check(path: &Path) -> std::result::Result<(), String> {
    let Ok(meta) = fs::metadata(path) else {
        return Ok(());
    };
    let len = meta.len();
    if len == 0 {
        return Ok(());
    }
    if len < 512 {
        return Err("the file is too short to be a database".into());
    }
    let mut header = [0u8; 100];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut header))
        .map_err(|e| e.to_string())?;
    if &header[..16] != b"SQLite format 3\0" {
        // Not a plain SQLite header (damaged, or encrypted): SQLite itself
        // tells those apart when the file is opened.
        return Ok(());
    }
    let be32 =
        |i: usize| u32::from_be_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536u64,
        n => n as u64,
    };
    let change_counter = be32(24);
    let pages = be32(28) as u64;
    let valid_for = be32(92);
    let wal_has_frames = fs::metadata(with_suffix(path, "-wal")).is_ok_and(|m| m.len() > 0);
    if !wal_has_frames && pages > 0 && change_counter == valid_for && len < pages * page_size {
        return Err(format!(
            "the file holds {len} bytes but should hold {}",
            pages * page_size
        ));
    }
    Ok(())
}
