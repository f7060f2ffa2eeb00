//! The track library's records: tracks, their tags, and finding them.
//! The files themselves are looked at and copied by the audio crate
//! (`refrain_audio::music_import`), which hands the store a plain [`NewTrack`].

use std::path::PathBuf;

use rusqlite::{named_params, params, Connection, OptionalExtension, Row};

use super::sql::{like_pattern, now};
use super::Store;
use crate::error::{CoreError, Result};
use crate::model::{NewTrack, Track};
use crate::validate;

/// The library folder's name inside the data folder.
pub const LIBRARY_DIR: &str = "library";

pub(crate) const TRACK_COLUMNS: &str = "t.id, t.title, t.artist, t.album, t.year, t.duration_ms,
        t.sample_rate, t.channels, t.format, t.original_name,
        (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM track_tag WHERE track_id = t.id ORDER BY tag)),
        t.created_at, t.updated_at, t.file_name";

/// Maps a row selected with [`TRACK_COLUMNS`] starting at column `at`.
pub(crate) fn track_from_row(
    r: &Row<'_>,
    at: usize,
    library: &std::path::Path,
) -> rusqlite::Result<Track> {
    let tags: Option<String> = r.get(at + 10)?;
    let file_name: String = r.get(at + 13)?;
    Ok(Track {
        id: r.get(at)?,
        title: r.get(at + 1)?,
        artist: r.get(at + 2)?,
        album: r.get(at + 3)?,
        year: r.get(at + 4)?,
        duration_ms: r.get(at + 5)?,
        sample_rate: r.get(at + 6)?,
        channels: r.get(at + 7)?,
        format: r.get(at + 8)?,
        original_name: r.get(at + 9)?,
        tags: tags
            .map(|t| t.split('\u{1f}').map(str::to_string).collect())
            .unwrap_or_default(),
        missing: !library.join(&file_name).is_file(),
        created_at: r.get(at + 11)?,
        updated_at: r.get(at + 12)?,
    })
}

pub(crate) fn get(conn: &Connection, library: &std::path::Path, id: &str) -> Result<Track> {
    conn.query_row(
        &format!("SELECT {TRACK_COLUMNS} FROM track t WHERE t.id = ?1"),
        [id],
        |r| track_from_row(r, 0, library),
    )
    .optional()?
    .ok_or(CoreError::NotFound { what: "track" })
}

/// Cleans a list of tags: trimmed, lower case, no empties, no repeats, sorted.
pub fn clean_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().to_lowercase();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > 40 {
            return Err(CoreError::invalid(
                "tags",
                format!("“{t}” is too long for a tag (40 characters at most)."),
            ));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out.sort();
    Ok(out)
}

impl Store {
    /// The folder holding the library's copies of music files.
    pub fn library_dir(&self) -> PathBuf {
        self.path()
            .parent()
            .map(|p| p.join(LIBRARY_DIR))
            .unwrap_or_else(|| PathBuf::from(LIBRARY_DIR))
    }

    pub fn track(&self, id: &str) -> Result<Track> {
        get(self.conn(), &self.library_dir(), id)
    }

    /// The library's file for a track (which may be missing).
    pub fn track_path(&self, id: &str) -> Result<PathBuf> {
        let file_name: String = self
            .conn()
            .query_row("SELECT file_name FROM track WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(CoreError::NotFound { what: "track" })?;
        Ok(self.library_dir().join(file_name))
    }

    /// Records a file already copied into the library as a track. Returns the track and whether it
    /// is new; a file whose content is already in the library returns the
    /// existing track (restored if it had been archived).
    pub fn add_track(&mut self, t: &NewTrack) -> Result<(Track, bool)> {
        let library = self.library_dir();
        self.write(|tx| {
            let existing: Option<(String, bool)> = tx
                .query_row(
                    "SELECT id, archived_at IS NOT NULL FROM track WHERE content_hash = ?1",
                    [&t.content_hash],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((id, archived)) = existing {
                if archived {
                    tx.execute(
                        "UPDATE track SET archived_at = NULL, updated_at = ?2 WHERE id = ?1",
                        params![id, now()],
                    )?;
                }
                return Ok((get(tx, &library, &id)?, false));
            }
            let id = super::sql::track_id(&t.content_hash);
            tx.execute(
                "INSERT INTO track (id, title, artist, album, year, duration_ms, sample_rate, channels,
                     format, original_name, content_hash, file_name, size_bytes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
                params![
                    id,
                    t.title,
                    t.artist,
                    t.album,
                    t.year,
                    t.duration_ms,
                    t.sample_rate,
                    t.channels,
                    t.format,
                    t.original_name,
                    t.content_hash,
                    t.file_name,
                    t.size_bytes as i64,
                    now()
                ],
            )?;
            Ok((get(tx, &library, &id)?, true))
        })
    }

    /// Tracks whose title or artist contains `query`, optionally with a tag,
    /// by title.
    pub fn list_tracks(&self, query: &str, tag: &str) -> Result<Vec<Track>> {
        let library = self.library_dir();
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {TRACK_COLUMNS} FROM track t
             WHERE t.archived_at IS NULL
               AND (:pattern = '%%' OR t.title LIKE :pattern ESCAPE '\\'
                    OR t.artist LIKE :pattern ESCAPE '\\')
               AND (:tag = '' OR EXISTS (SELECT 1 FROM track_tag g WHERE g.track_id = t.id AND g.tag = :tag))
             ORDER BY t.title COLLATE NOCASE, t.artist COLLATE NOCASE
             LIMIT 2000"
        ))?;
        let rows = stmt.query_map(
            named_params! {":pattern": like_pattern(query), ":tag": tag.trim().to_lowercase()},
            |r| track_from_row(r, 0, &library),
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every tag in use, alphabetically.
    pub fn list_tags(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT DISTINCT g.tag FROM track_tag g JOIN track t ON t.id = g.track_id
             WHERE t.archived_at IS NULL ORDER BY g.tag",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Replaces a track's tags.
    pub fn set_track_tags(&mut self, track_id: &str, tags: &[String]) -> Result<Track> {
        let tags = clean_tags(tags)?;
        let library = self.library_dir();
        self.write(|tx| {
            get(tx, &library, track_id)?;
            tx.execute("DELETE FROM track_tag WHERE track_id = ?1", [track_id])?;
            let ts = now();
            for tag in &tags {
                tx.execute(
                    "INSERT INTO track_tag (track_id, tag, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                    params![track_id, tag, ts],
                )?;
            }
            tx.execute("UPDATE track SET updated_at = ?2 WHERE id = ?1", params![track_id, ts])?;
            get(tx, &library, track_id)
        })
    }

    /// Changes a track's title and artist (e.g. to correct a file's tags).
    pub fn rename_track(&mut self, track_id: &str, title: &str, artist: &str) -> Result<Track> {
        let title = validate::name("title", "a title", title)?;
        let artist = validate::short_text("artist", "the artist", artist)?;
        let library = self.library_dir();
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE track SET title = ?2, artist = ?3, updated_at = ?4 WHERE id = ?1",
                params![track_id, title, artist, now()],
            )?;
            if n == 0 {
                return Err(CoreError::NotFound { what: "track" });
            }
            get(tx, &library, track_id)
        })
    }

    /// Takes a track out of the library's lists. Playlists keep it, and
    /// importing the same file again brings it back.
    pub fn archive_track(&mut self, track_id: &str) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE track SET archived_at = ?2, updated_at = ?2 WHERE id = ?1",
                params![track_id, now()],
            )?;
            if n == 0 {
                return Err(CoreError::NotFound { what: "track" });
            }
            Ok(())
        })
    }
}
