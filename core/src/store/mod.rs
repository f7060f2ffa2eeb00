//! The care-record store: one SQLite file (SQLCipher build), opened by one
//! writer. Every write runs in a transaction and is on disk (WAL, synchronous =
//! FULL) before the call returns, so anything reported as saved survives a
//! crash or a flat battery.

pub(crate) mod attendees;
pub mod audit;
pub mod backup;
pub(crate) mod episodes;
pub(crate) mod erasure;
pub(crate) mod groups;
pub(crate) mod instruments;
pub mod library;
pub(crate) mod listening;
pub mod lyrics;
pub(crate) mod music_story;
pub(crate) mod notes;
pub(crate) mod playlists;
pub(crate) mod practice;
pub(crate) mod practitioners;
pub(crate) mod prescriptions;
pub(crate) mod referrals;
pub(crate) mod register;
pub(crate) mod reports;
pub mod schema;
pub(crate) mod scores;
pub(crate) mod sessions;
pub mod sql;
pub mod suggestions;
pub(crate) mod venues;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, Transaction};

use crate::error::{CoreError, Result};
use crate::model::{CheckReport, StoreInfo};
use crate::vault::StoreKey;

pub use audit::register_sql_functions;
pub use schema::SCHEMA_VERSION;

/// The database file's name inside the data folder.
pub const DB_FILE: &str = "refrain.db";

/// Above this size the full `PRAGMA quick_check` is not run on every open (it
/// reads every page: about 1 s warm and over 20 s from a cold disk for the
/// decade benchmark's 475 MB store); it then runs only when opening or
/// updating fails, and every backup checks its copy in full.
pub const QUICK_CHECK_ON_OPEN_MAX_BYTES: u64 = 64 * 1024 * 1024;

pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// Successful `write()`s since opening (automatic backups use it to see
    /// that something changed).
    writes: u64,
    /// The change marker when the last automatic backup was made (or found
    /// not needed); `None` until the first one in this run.
    backed_up: Option<(u64, u64, i64)>,
    /// Who is making changes (`set_actor`), read by the `refrain_actor()`
    /// SQL function that the audit log's triggers call.
    actor: audit::Actor,
    /// The encryption key the store was opened with (`None` for a plain
    /// store: tests, tools, and an earlier version's file before it is
    /// encrypted). Backups are checked with it.
    key: Option<StoreKey>,
    /// Team sharing: set while this laptop holds a space, and then every
    /// `write()` captures its changes into the outbox (`crate::sync`).
    pub(crate) sync: Option<crate::sync::capture::Capture>,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`, bringing its schema up to
    /// date. A store written by a newer Refrain is refused untouched.
    pub fn open_in_dir(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        Self::open(&dir.join(DB_FILE))
    }

    /// `open_in_dir` for an encrypted store (see [`crate::vault`]).
    pub fn open_in_dir_keyed(dir: &Path, key: &StoreKey) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        Self::open_keyed(&dir.join(DB_FILE), key)
    }

    /// Opens (creating if needed) the encrypted store at `path` with `key`.
    /// A plain (unencrypted) file is refused: [`crate::vault`] encrypts it
    /// first.
    pub fn open_keyed(path: &Path, key: &StoreKey) -> Result<Self> {
        if crate::vault::is_plain_sqlite(path) {
            return Err(CoreError::Open(
                "the data file is not encrypted yet; set a passphrase first".into(),
            ));
        }
        Self::open_with(path, Some(key))
    }

    /// Opens (creating if needed) the store at `path`.
    ///
    /// An existing file that turns out to be damaged is refused with
    /// [`CoreError::Damaged`] and left as it is (never replaced by an empty
    /// store). Before an older store is updated to this schema, a checked
    /// copy goes to `backups/refrain-before-v{SCHEMA_VERSION}-<time>.db`.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, None)
    }

    fn open_with(path: &Path, key: Option<&StoreKey>) -> Result<Self> {
        let existing = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        Self::open_checked(path, existing, key).map_err(|e| match e {
            CoreError::Damaged(_) | CoreError::NewerSchema { .. } | CoreError::Backup(_) => e,
            // Any other failure on an existing file: find out whether the file
            // is damaged, which is what the person needs to know.
            other if existing => match backup::quick_check_file(path, key) {
                Some(why) => CoreError::Damaged(why),
                None => other,
            },
            other => other,
        })
    }

    fn open_checked(path: &Path, existing: bool, key: Option<&StoreKey>) -> Result<Self> {
        if existing {
            backup::header_check(path).map_err(CoreError::Damaged)?;
        }
        let flags = if existing {
            // An existing file must never be silently replaced by a new one.
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let open_failed = |e: rusqlite::Error| match CoreError::from(e) {
            d @ CoreError::Damaged(_) => d,
            other => CoreError::Open(format!("{}: {other}", path.display())),
        };
        let conn = Connection::open_with_flags(path, flags).map_err(open_failed)?;
        if let Some(key) = key {
            key.apply(&conn).map_err(open_failed)?;
        }
        conn.busy_timeout(Duration::from_secs(5))?;
        // Room for every statement the screens and team sharing's merge use
        // over and over (the default of 16 would prepare them again and
        // again while a snapshot is applied).
        conn.set_prepared_statement_cache_capacity(128);
        let actor = audit::Actor::default();
        audit::register_actor(&conn, actor.clone())?;

        // Refuse a newer schema before anything else touches the file: even
        // switching the journal mode would be a change.
        let found: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(open_failed)?;
        if found > SCHEMA_VERSION {
            return Err(CoreError::NewerSchema {
                found,
                supported: SCHEMA_VERSION,
            });
        }

        if existing {
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            if size <= QUICK_CHECK_ON_OPEN_MAX_BYTES {
                let problems = backup::integrity_problems(&conn, "quick_check")?;
                if !problems.is_empty() {
                    return Err(CoreError::Damaged(problems.join("; ")));
                }
            } else {
                // At least the schema must read back.
                conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                    r.get::<_, i64>(0)
                })?;
            }
        }

        // A copy of the data as it was, before it is updated.
        if existing && found > 0 && found < SCHEMA_VERSION {
            let dir = backup::backups_dir(path.parent().unwrap_or(Path::new(".")));
            backup::copy_checked(
                &conn,
                key,
                &dir,
                &format!("refrain-before-v{SCHEMA_VERSION}"),
                chrono::Utc::now(),
                found,
                &|_| {},
            )
            .map_err(|e| match e {
                CoreError::Backup(why) => {
                    CoreError::Migration(format!("a safety copy could not be made first ({why})"))
                }
                other => other,
            })?;
        }

        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;

        let mut conn = conn;
        schema::migrations()
            .to_latest(&mut conn)
            .map_err(|e| CoreError::Migration(e.to_string()))?;
        let sync = crate::sync::capture::Capture::load(&conn)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            writes: 0,
            backed_up: None,
            actor,
            key: key.cloned(),
            sync,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one transaction: all of it is saved, or none of it.
    /// While this laptop shares records, the transaction's changes to the
    /// synced tables are captured into the outbox inside it (`crate::sync`).
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
        let out = match self.sync.as_mut() {
            None => f(&tx)?,
            Some(capture) => {
                let mut session = crate::sync::capture::begin(&tx)?;
                let out = f(&tx)?;
                let actor = self
                    .actor
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .clone();
                crate::sync::capture::finish(&tx, capture, &mut session, actor)?;
                drop(session);
                out
            }
        };
        tx.commit()?;
        self.writes += 1;
        Ok(out)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub(crate) fn actor_handle(&self) -> &audit::Actor {
        &self.actor
    }

    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// True when nothing has been recorded yet (the first-run state).
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM practice_group)
                AND NOT EXISTS (SELECT 1 FROM attendee)
                AND NOT EXISTS (SELECT 1 FROM venue)",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn info(&self) -> Result<StoreInfo> {
        Ok(StoreInfo {
            app_version: crate::VERSION.to_string(),
            schema_version: self.schema_version()?,
            data_dir: self
                .path
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            is_empty: self.is_empty()?,
        })
    }

    /// SQLite's integrity and foreign-key checks, the schema version and the
    /// number of records of each kind.
    pub fn check(&self) -> Result<CheckReport> {
        let mut problems: Vec<String> = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for row in rows {
            let row = row?;
            if row != "ok" {
                problems.push(row);
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "{} row {} points to a missing {}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?
            ))
        })?;
        for row in rows {
            problems.push(row?);
        }
        let mut counts = Vec::new();
        for table in [
            "venue",
            "practice_group",
            "attendee",
            "referral",
            "membership",
            "session",
            "attendance",
            "note",
            "note_amendment",
            "score_set",
            "practitioner",
            "track",
            "playlist",
            "playlist_entry",
            "music_story",
            "music_avoid",
            "playlist_prescription",
            "listening",
        ] {
            let n: i64 =
                self.conn
                    .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
            counts.push((table.to_string(), n.max(0) as u64));
        }
        Ok(CheckReport {
            schema_version: self.schema_version()?,
            integrity_ok: problems.is_empty(),
            problems,
            counts,
        })
    }
}

/// Today's date on this computer's clock.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}
