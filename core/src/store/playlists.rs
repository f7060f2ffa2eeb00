//! Playlists: a group's setlists and a person's own music, as ordered lists
//! of tracks with a note per entry.

use rusqlite::{named_params, params, Connection, OptionalExtension};

use super::library::{track_from_row, TRACK_COLUMNS};
use super::sql::{new_id, now};
use super::{attendees, groups, sessions, Store};
use crate::error::{CoreError, Result};
use crate::model::{
    Playlist, PlaylistEntry, PlaylistInput, PlaylistKind, PlaylistSummary, Session,
};
use crate::validate;

fn kind_from_db(s: &str) -> PlaylistKind {
    if s == "setlist" {
        PlaylistKind::Setlist
    } else {
        PlaylistKind::Personal
    }
}

fn kind_to_db(k: PlaylistKind) -> &'static str {
    match k {
        PlaylistKind::Setlist => "setlist",
        PlaylistKind::Personal => "personal",
    }
}

pub(crate) fn get(conn: &Connection, library: &std::path::Path, id: &str) -> Result<Playlist> {
    let head = conn
        .query_row(
            "SELECT id, kind, name, group_id, attendee_id, created_at, updated_at, review_on
             FROM playlist WHERE id = ?1 AND archived_at IS NULL",
            [id],
            |r| {
                Ok(Playlist {
                    id: r.get(0)?,
                    kind: kind_from_db(&r.get::<_, String>(1)?),
                    name: r.get(2)?,
                    group_id: r.get(3)?,
                    attendee_id: r.get(4)?,
                    entries: Vec::new(),
                    review_on: r.get(7)?,
                    created_at: r.get(5)?,
                    updated_at: r.get(6)?,
                })
            },
        )
        .optional()?;
    let mut playlist = head.ok_or(CoreError::NotFound { what: "playlist" })?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT e.id, e.position, e.note, {TRACK_COLUMNS}
         FROM playlist_entry e JOIN track t ON t.id = e.track_id
         WHERE e.playlist_id = ?1 ORDER BY e.position"
    ))?;
    let rows = stmt.query_map([id], |r| {
        Ok(PlaylistEntry {
            id: r.get(0)?,
            position: r.get(1)?,
            note: r.get(2)?,
            track: track_from_row(r, 3, library)?,
        })
    })?;
    playlist.entries = rows.collect::<rusqlite::Result<_>>()?;
    Ok(playlist)
}

struct EntryRef {
    playlist_id: String,
    position: u32,
}

fn entry(conn: &Connection, entry_id: &str) -> Result<EntryRef> {
    conn.query_row(
        "SELECT e.playlist_id, e.position FROM playlist_entry e
         JOIN playlist p ON p.id = e.playlist_id
         WHERE e.id = ?1 AND p.archived_at IS NULL",
        [entry_id],
        |r| {
            Ok(EntryRef {
                playlist_id: r.get(0)?,
                position: r.get(1)?,
            })
        },
    )
    .optional()?
    .ok_or(CoreError::NotFound {
        what: "playlist entry",
    })
}

fn touch(conn: &Connection, playlist_id: &str) -> Result<()> {
    conn.execute(
        "UPDATE playlist SET updated_at = ?2 WHERE id = ?1",
        params![playlist_id, now()],
    )?;
    Ok(())
}

fn length(conn: &Connection, playlist_id: &str) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM playlist_entry WHERE playlist_id = ?1",
        [playlist_id],
        |r| r.get(0),
    )?)
}

pub(crate) fn create(
    conn: &Connection,
    kind: PlaylistKind,
    input: &PlaylistInput,
) -> Result<String> {
    let name = validate::name(
        "name",
        if kind == PlaylistKind::Setlist {
            "a name for the setlist"
        } else {
            "a name for the playlist"
        },
        &input.name,
    )?;
    let (group_id, attendee_id) = match kind {
        PlaylistKind::Setlist => {
            let g = input
                .group_id
                .as_deref()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    CoreError::invalid("groupId", "Choose the group this setlist is for.")
                })?;
            groups::check_active(conn, g)?;
            (Some(g.to_string()), None)
        }
        PlaylistKind::Personal => {
            let a = input
                .attendee_id
                .as_deref()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    CoreError::invalid("attendeeId", "Choose whose playlist this is.")
                })?;
            attendees::get(conn, a)?;
            (None, Some(a.to_string()))
        }
    };
    let id = new_id();
    conn.execute(
        "INSERT INTO playlist (id, kind, name, group_id, attendee_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![id, kind_to_db(kind), name, group_id, attendee_id, now()],
    )?;
    Ok(id)
}

pub(crate) fn add(conn: &Connection, playlist_id: &str, track_id: &str, note: &str) -> Result<()> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM playlist WHERE id = ?1 AND archived_at IS NULL)",
        [playlist_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(CoreError::NotFound { what: "playlist" });
    }
    let track: Option<bool> = conn
        .query_row(
            "SELECT archived_at IS NOT NULL FROM track WHERE id = ?1",
            [track_id],
            |r| r.get(0),
        )
        .optional()?;
    match track {
        None => return Err(CoreError::NotFound { what: "track" }),
        Some(true) => {
            return Err(CoreError::Conflict(
                "That track has been removed from the library.".into(),
            ))
        }
        Some(false) => {}
    }
    let note = validate::short_text("note", "the note", note)?;
    let position = length(conn, playlist_id)?;
    let ts = now();
    conn.execute(
        "INSERT INTO playlist_entry (id, playlist_id, track_id, position, note, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![new_id(), playlist_id, track_id, position, note, ts],
    )?;
    touch(conn, playlist_id)
}

/// Takes an entry off its playlist, closing the gap; returns the playlist's id.
pub(crate) fn remove_entry(conn: &Connection, entry_id: &str) -> Result<String> {
    let e = entry(conn, entry_id)?;
    conn.execute("DELETE FROM playlist_entry WHERE id = ?1", [entry_id])?;
    conn.execute(
        "UPDATE playlist_entry SET position = position - 1, updated_at = ?3
         WHERE playlist_id = ?1 AND position > ?2",
        params![e.playlist_id, e.position, now()],
    )?;
    touch(conn, &e.playlist_id)?;
    Ok(e.playlist_id)
}

impl Store {
    pub fn playlist(&self, id: &str) -> Result<Playlist> {
        get(self.conn(), &self.library_dir(), id)
    }

    /// Playlists, optionally only of one kind, group or person; by name.
    pub fn list_playlists(
        &self,
        kind: Option<PlaylistKind>,
        group_id: Option<&str>,
        attendee_id: Option<&str>,
    ) -> Result<Vec<PlaylistSummary>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.kind, p.name, p.group_id, g.name, p.attendee_id, a.full_name,
                    (SELECT count(*) FROM playlist_entry e WHERE e.playlist_id = p.id),
                    (SELECT coalesce(sum(t.duration_ms), 0) FROM playlist_entry e
                       JOIN track t ON t.id = e.track_id WHERE e.playlist_id = p.id)
             FROM playlist p
             LEFT JOIN practice_group g ON g.id = p.group_id
             LEFT JOIN attendee a ON a.id = p.attendee_id
             WHERE p.archived_at IS NULL
               AND (:kind IS NULL OR p.kind = :kind)
               AND (:group IS NULL OR p.group_id = :group)
               AND (:person IS NULL OR p.attendee_id = :person)
             ORDER BY p.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map(
            named_params! {
                ":kind": kind.map(kind_to_db),
                ":group": group_id,
                ":person": attendee_id,
            },
            |r| {
                Ok(PlaylistSummary {
                    id: r.get(0)?,
                    kind: kind_from_db(&r.get::<_, String>(1)?),
                    name: r.get(2)?,
                    group_id: r.get(3)?,
                    group_name: r.get(4)?,
                    attendee_id: r.get(5)?,
                    attendee_name: r.get(6)?,
                    track_count: r.get(7)?,
                    duration_ms: r.get::<_, i64>(8)?.clamp(0, u32::MAX as i64) as u32,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn create_playlist(
        &mut self,
        kind: PlaylistKind,
        input: &PlaylistInput,
    ) -> Result<Playlist> {
        let library = self.library_dir();
        self.write(|tx| {
            let id = create(tx, kind, input)?;
            get(tx, &library, &id)
        })
    }

    pub fn rename_playlist(&mut self, id: &str, name: &str) -> Result<Playlist> {
        let name = validate::name("name", "a name", name)?;
        let library = self.library_dir();
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE playlist SET name = ?2, updated_at = ?3 WHERE id = ?1 AND archived_at IS NULL",
                params![id, name, now()],
            )?;
            if n == 0 {
                return Err(CoreError::NotFound { what: "playlist" });
            }
            get(tx, &library, id)
        })
    }

    /// Archives a playlist; sessions it was attached to let go of it.
    pub fn archive_playlist(&mut self, id: &str) -> Result<()> {
        self.write(|tx| {
            let ts = now();
            let n = tx.execute(
                "UPDATE playlist SET archived_at = ?2, updated_at = ?2 WHERE id = ?1 AND archived_at IS NULL",
                params![id, ts],
            )?;
            if n == 0 {
                return Err(CoreError::NotFound { what: "playlist" });
            }
            tx.execute("UPDATE session SET setlist_id = NULL, updated_at = ?2 WHERE setlist_id = ?1", params![id, ts])?;
            Ok(())
        })
    }

    /// Adds a track at the end of a playlist.
    pub fn add_to_playlist(
        &mut self,
        playlist_id: &str,
        track_id: &str,
        note: &str,
    ) -> Result<Playlist> {
        let library = self.library_dir();
        self.write(|tx| {
            add(tx, playlist_id, track_id, note)?;
            get(tx, &library, playlist_id)
        })
    }

    pub fn remove_from_playlist(&mut self, entry_id: &str) -> Result<Playlist> {
        let library = self.library_dir();
        self.write(|tx| {
            let playlist_id = remove_entry(tx, entry_id)?;
            get(tx, &library, &playlist_id)
        })
    }

    /// Moves an entry to `to_position` (0-based; past the end means last),
    /// shifting the others.
    pub fn move_playlist_entry(&mut self, entry_id: &str, to_position: u32) -> Result<Playlist> {
        let library = self.library_dir();
        self.write(|tx| {
            let e = entry(tx, entry_id)?;
            let last = length(tx, &e.playlist_id)?.saturating_sub(1);
            let to = to_position.min(last);
            let ts = now();
            if to < e.position {
                tx.execute(
                    "UPDATE playlist_entry SET position = position + 1, updated_at = ?4
                     WHERE playlist_id = ?1 AND position >= ?2 AND position < ?3",
                    params![e.playlist_id, to, e.position, ts],
                )?;
            } else if to > e.position {
                tx.execute(
                    "UPDATE playlist_entry SET position = position - 1, updated_at = ?4
                     WHERE playlist_id = ?1 AND position > ?2 AND position <= ?3",
                    params![e.playlist_id, e.position, to, ts],
                )?;
            }
            tx.execute(
                "UPDATE playlist_entry SET position = ?2, updated_at = ?3 WHERE id = ?1",
                params![entry_id, to, ts],
            )?;
            touch(tx, &e.playlist_id)?;
            get(tx, &library, &e.playlist_id)
        })
    }

    pub fn set_entry_note(&mut self, entry_id: &str, note: &str) -> Result<Playlist> {
        let note = validate::short_text("note", "the note", note)?;
        let library = self.library_dir();
        self.write(|tx| {
            let e = entry(tx, entry_id)?;
            tx.execute(
                "UPDATE playlist_entry SET note = ?2, updated_at = ?3 WHERE id = ?1",
                params![entry_id, note, now()],
            )?;
            touch(tx, &e.playlist_id)?;
            get(tx, &library, &e.playlist_id)
        })
    }

    /// Attaches one of the group's setlists to a session (or detaches it).
    pub fn attach_setlist(
        &mut self,
        session_id: &str,
        playlist_id: Option<&str>,
    ) -> Result<Session> {
        self.write(|tx| {
            let session = sessions::get(tx, session_id)?;
            groups::check_active(tx, &session.group_id)?;
            if let Some(p) = playlist_id {
                let group: Option<Option<String>> = tx
                    .query_row(
                        "SELECT group_id FROM playlist WHERE id = ?1 AND archived_at IS NULL",
                        [p],
                        |r| r.get(0),
                    )
                    .optional()?;
                match group {
                    None => return Err(CoreError::NotFound { what: "setlist" }),
                    Some(g) if g.as_deref() != Some(session.group_id.as_str()) => {
                        return Err(CoreError::invalid(
                            "playlistId",
                            "Choose one of this group's setlists.",
                        ))
                    }
                    Some(_) => {}
                }
            }
            tx.execute(
                "UPDATE session SET setlist_id = ?2, updated_at = ?3 WHERE id = ?1",
                params![session_id, playlist_id, now()],
            )?;
            sessions::get(tx, session_id)
        })
    }
}
