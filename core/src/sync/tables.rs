//! Which tables travel, in which order, and to which spaces each row goes.
//!
//! A space is the office's (`office`: everything) or a group's
//! (`group-<id>`: the group, its sessions and registers, its setlists and
//! measures, the people in it with their referrals, scores, the notes about
//! them and their music life stories). The library (venues, practitioners, tracks, measures'
//! definitions) goes to every space, as groups' records refer to it.

use rusqlite::{Connection, OptionalExtension};

use super::rows::{RowImage, Val};
use crate::error::Result;

/// The synced tables, parents before children (rows are applied in this
/// order, deletions in the reverse order).
pub const SYNCED: &[&str] = &[
    // The team's own space: the team, its laptops, who receives what.
    "team_info",
    "team_device",
    "team_grant",
    "venue",
    "practitioner",
    "practice_group",
    "attendee",
    "track",
    "track_tag",
    "track_lyrics",
    "custom_instrument",
    // The practice's settings (the referral deadline, the start and end
    // measure): the same for every laptop of the practice.
    "practice_setting",
    "group_instrument",
    "playlist",
    "playlist_entry",
    "session",
    "membership",
    "attendance",
    "referral",
    "referral_status_change",
    "playlist_prescription",
    "prescription_status_change",
    "score_set",
    "score_answer",
    "note",
    "note_amendment",
    "music_story",
    "music_avoid",
    "listening",
    "erasure",
];

/// Tables that are only this laptop's and never leave it: the audit log
/// (each laptop's own record of what happened to its copy, including what
/// arrived by sync), the notes' search index, and the sync bookkeeping.
/// Settings, keys and who is using Refrain here live outside the store.
pub const LOCAL: &[&str] = &[
    "audit_log",
    "note_text",
    "note_text_key",
    "sync_state",
    "sync_space",
    "sync_clock",
    "sync_tombstone",
    "sync_outbox",
    "sync_file",
    "sync_parked",
    "sync_decision",
    // This laptop's place in the team, its key pair and the space keys
    // given to it.
    "team_self",
    "team_space_key",
    // When this laptop last showed a record, for the sign on one changed
    // elsewhere since.
    "record_seen",
];

/// True for the search index's own shadow tables (`note_text_data`, ...).
pub fn is_search_shadow(table: &str) -> bool {
    table.starts_with("note_text_") && table != "note_text_key"
}

pub fn rank(table: &str) -> usize {
    SYNCED
        .iter()
        .position(|t| *t == table)
        .unwrap_or(usize::MAX)
}

/// The office's space.
pub const OFFICE: &str = "office";

/// The team's own space: the team's laptops and who receives which space.
/// Every laptop of the team holds it; it holds no records about people.
pub const TEAM: &str = "team";

/// A group's space.
pub fn group_space(group_id: &str) -> String {
    format!("group-{group_id}")
}

/// Where a row goes: every space, or the spaces of these groups (the
/// office's space always takes it).
#[derive(Debug, PartialEq)]
pub enum Route {
    Everywhere,
    Groups(Vec<String>),
    /// The team's own space only (and the office's).
    Team,
}

fn text(row: &RowImage, col: &str) -> Option<String> {
    row.col(col).and_then(Val::as_text).map(str::to_string)
}

fn one(conn: &Connection, sql: &str, id: &Option<String>) -> Result<Option<String>> {
    let Some(id) = id else { return Ok(None) };
    Ok(conn
        .query_row(sql, [id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// The groups a person's records go to: those they are or were a member
/// of, and those whose sessions they came to as a walk-in or have scores or
/// notes from (their register lines, scores and notes are the group's).
pub fn person_groups(conn: &Connection, person: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT group_id FROM membership WHERE attendee_id = ?1
         UNION SELECT s.group_id FROM attendance a JOIN session s ON s.id = a.session_id
                WHERE a.attendee_id = ?1
         UNION SELECT s.group_id FROM score_set x JOIN session s ON s.id = x.session_id
                WHERE x.attendee_id = ?1
         UNION SELECT s.group_id FROM note n JOIN session s ON s.id = n.session_id
                WHERE n.attendee_id = ?1",
    )?;
    let groups = stmt
        .query_map([person], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(groups)
}

fn session_group(conn: &Connection, session: &Option<String>) -> Result<Option<String>> {
    one(conn, "SELECT group_id FROM session WHERE id = ?1", session)
}

/// The person a row is about, if any (the erasure rule drops changes about
/// an erased person). Deleted rows carry it from their last image.
pub fn person_of(conn: &Connection, row: &RowImage) -> Result<Option<String>> {
    Ok(match row.t.as_str() {
        "attendee" => row.k.first().and_then(Val::as_text).map(str::to_string),
        "membership" | "attendance" | "referral" | "score_set" | "note" | "playlist"
        | "music_story" | "music_avoid" | "listening" | "erasure" => text(row, "attendee_id"),
        "referral_status_change" | "playlist_prescription" => one(
            conn,
            "SELECT attendee_id FROM referral WHERE id = ?1",
            &text(row, "referral_id"),
        )?,
        "prescription_status_change" => one(
            conn,
            "SELECT r.attendee_id FROM playlist_prescription p
               JOIN referral r ON r.id = p.referral_id WHERE p.id = ?1",
            &text(row, "prescription_id"),
        )?,
        "score_answer" => one(
            conn,
            "SELECT attendee_id FROM score_set WHERE id = ?1",
            &row.k.first().and_then(Val::as_text).map(str::to_string),
        )?,
        "note_amendment" => one(
            conn,
            "SELECT attendee_id FROM note WHERE id = ?1",
            &text(row, "note_id"),
        )?,
        "playlist_entry" => one(
            conn,
            "SELECT attendee_id FROM playlist WHERE id = ?1",
            &text(row, "playlist_id"),
        )?,
        _ => None,
    })
}

/// The groups whose spaces a row goes to. A row whose parent can't be found
/// (a deletion after its parent went) goes everywhere: it carries only ids.
pub fn route(conn: &Connection, row: &RowImage) -> Result<Route> {
    let groups = |g: Option<String>| match g {
        Some(g) => Route::Groups(vec![g]),
        None => Route::Everywhere,
    };
    let of_person = |p: Option<String>| -> Result<Route> {
        Ok(match p {
            Some(p) => Route::Groups(person_groups(conn, &p)?),
            None => Route::Everywhere,
        })
    };
    Ok(match row.t.as_str() {
        "practice_group" => groups(row.k.first().and_then(Val::as_text).map(str::to_string)),
        "group_instrument" | "session" | "membership" => groups(text(row, "group_id")),
        "attendance" | "note" => groups(session_group(conn, &text(row, "session_id"))?),
        "note_amendment" => groups(one(
            conn,
            "SELECT s.group_id FROM note n JOIN session s ON s.id = n.session_id WHERE n.id = ?1",
            &text(row, "note_id"),
        )?),
        "attendee"
        | "referral"
        | "referral_status_change"
        | "playlist_prescription"
        | "prescription_status_change"
        | "music_story"
        | "music_avoid"
        | "listening" => of_person(person_of(conn, row)?)?,
        "score_set" => match session_group(conn, &text(row, "session_id"))? {
            Some(g) => Route::Groups(vec![g]),
            None => of_person(text(row, "attendee_id"))?,
        },
        "score_answer" => {
            let set = row.k.first().and_then(Val::as_text).map(str::to_string);
            let session = one(conn, "SELECT session_id FROM score_set WHERE id = ?1", &set)?;
            match session_group(conn, &session)? {
                Some(g) => Route::Groups(vec![g]),
                None => of_person(person_of(conn, row)?)?,
            }
        }
        "playlist" => match text(row, "group_id") {
            Some(g) => Route::Groups(vec![g]),
            None => of_person(text(row, "attendee_id"))?,
        },
        "playlist_entry" => {
            let list = text(row, "playlist_id");
            match one(conn, "SELECT group_id FROM playlist WHERE id = ?1", &list)? {
                Some(g) => Route::Groups(vec![g]),
                None => of_person(person_of(conn, row)?)?,
            }
        }
        // The library, erasures (which carry no personal data), and the
        // practice's settings (the same for every laptop of the practice).
        "venue" | "practitioner" | "track" | "track_tag" | "track_lyrics" | "custom_instrument"
        | "erasure" | "practice_setting" => Route::Everywhere,
        "team_info" | "team_device" | "team_grant" => Route::Team,
        // A new synced table must say where its rows go (a test routes a
        // row of every synced table).
        other => {
            return Err(crate::error::CoreError::Sync(format!(
                "the shared table {other} has no route to its spaces"
            )))
        }
    })
}

/// Whether a space takes a row with this route.
pub fn space_takes(space: &str, route: &Route) -> bool {
    if space == OFFICE {
        return true;
    }
    if space == TEAM {
        return *route == Route::Team;
    }
    match route {
        Route::Everywhere => true,
        Route::Groups(groups) => groups.iter().any(|g| group_space(g) == space),
        Route::Team => false,
    }
}

/// A table's columns, in order, and which of them make its primary key.
pub struct Columns {
    pub names: Vec<String>,
    /// Indices into `names`, in primary-key order.
    pub pk: Vec<usize>,
}

pub fn columns(conn: &Connection, table: &str) -> Result<Columns> {
    let mut stmt = conn.prepare_cached(&format!("PRAGMA table_info({table})"))?;
    let mut cols: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let names: Vec<String> = cols.iter().map(|(n, _)| n.clone()).collect();
    let mut pk: Vec<(i64, usize)> = cols
        .drain(..)
        .enumerate()
        .filter(|(_, (_, k))| *k > 0)
        .map(|(i, (_, k))| (k, i))
        .collect();
    pk.sort();
    Ok(Columns {
        names,
        pk: pk.into_iter().map(|(_, i)| i).collect(),
    })
}
