//! The care-record store: one SQLite file (SQLCipher build), opened by one
//! writer. Every write runs in a transaction and is on disk (WAL, synchronous =
//! FULL) before the call returns, so anything reported as saved survives a
//! crash or a flat battery.

pub(crate) mod attendees;
pub(crate) mod groups;
pub(crate) mod instruments;
pub mod library;
pub(crate) mod notes;
pub(crate) mod playlists;
pub(crate) mod practitioners;
pub(crate) mod referrals;
pub(crate) mod register;
pub mod schema;
pub(crate) mod scores;
pub(crate) mod sessions;
pub mod sql;
pub(crate) mod venues;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, Transaction};

use crate::error::{CoreError, Result};
use crate::model::{CheckReport, StoreInfo};

pub use schema::SCHEMA_VERSION;

/// The database file's name inside the data folder.
pub const DB_FILE: &str = "refrain.db";

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`, bringing its schema up to
    /// date. A store written by a newer Refrain is refused untouched.
    pub fn open_in_dir(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        Self::open(&dir.join(DB_FILE))
    }

    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| CoreError::Open(format!("{}: {e}", path.display())))?;
        conn.busy_timeout(Duration::from_secs(5))?;

        // Refuse a newer schema before anything else touches the file: even
        // switching the journal mode would be a change.
        let found: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| CoreError::Open(format!("{}: {e}", path.display())))?;
        if found > SCHEMA_VERSION {
            return Err(CoreError::NewerSchema {
                found,
                supported: SCHEMA_VERSION,
            });
        }

        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;

        let mut conn = conn;
        schema::migrations()
            .to_latest(&mut conn)
            .map_err(|e| CoreError::Migration(e.to_string()))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one transaction: all of it is saved, or none of it.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
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
