//! The listening log: how each song went for a person (the guide's 0 to 5
//! response, or distress), in a session or at home; a personal playlist put
//! in order of how well its songs worked; and a song that caused distress
//! taken off the playlist and onto the avoid list in one change.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::sql::{new_id, now};
use super::{attendees, today, Store};
use crate::error::{CoreError, Result};
use crate::model::{
    Listening, ListeningInput, ListeningPlace, Playlist, PlaylistKind, PlaylistSummary,
    TrackResponse,
};
use crate::validate::{self, fmt_date};

const COLUMNS: &str = "l.id, l.attendee_id, l.track_id, t.title, l.heard_on, l.place, l.response,
        l.distress, l.note, l.created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Listening> {
    Ok(Listening {
        id: r.get(0)?,
        attendee_id: r.get(1)?,
        track_id: r.get(2)?,
        track_title: r.get(3)?,
        heard_on: r.get(4)?,
        place: r.get(5)?,
        response: r.get(6)?,
        distress: r.get(7)?,
        note: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// Every entry for a person, newest first.
pub(crate) fn of_person(conn: &Connection, attendee_id: &str) -> Result<Vec<Listening>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM listening l JOIN track t ON t.id = l.track_id
         WHERE l.attendee_id = ?1 ORDER BY l.heard_on DESC, l.created_at DESC"
    ))?;
    let rows = stmt.query_map([attendee_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The person a personal playlist is for.
fn owner(conn: &Connection, playlist_id: &str) -> Result<String> {
    let found: Option<Option<String>> = conn
        .query_row(
            "SELECT attendee_id FROM playlist WHERE id = ?1 AND archived_at IS NULL",
            [playlist_id],
            |r| r.get(0),
        )
        .optional()?;
    match found {
        None => Err(CoreError::NotFound { what: "playlist" }),
        Some(None) => Err(CoreError::Conflict(
            "Only a person's own playlist has a listening log.".into(),
        )),
        Some(Some(a)) => Ok(a),
    }
}

fn responses(
    conn: &Connection,
    attendee_id: &str,
    track_ids: &[String],
) -> Result<Vec<TrackResponse>> {
    let all = of_person(conn, attendee_id)?;
    Ok(track_ids
        .iter()
        .map(|id| {
            let mine: Vec<&Listening> = all.iter().filter(|l| &l.track_id == id).collect();
            let given: Vec<f32> = mine
                .iter()
                .filter_map(|l| l.response)
                .map(f32::from)
                .collect();
            TrackResponse {
                track_id: id.clone(),
                times: mine.len() as u32,
                average_response: (!given.is_empty())
                    .then(|| given.iter().sum::<f32>() / given.len() as f32),
                distressed: mine.iter().filter(|l| l.distress).count() as u32,
                last: mine.first().map(|l| (*l).clone()),
            }
        })
        .collect())
}

fn playlist_track_ids(conn: &Connection, playlist_id: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, track_id FROM playlist_entry WHERE playlist_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([playlist_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Records how a song went for a person.
    pub fn log_listening(&mut self, input: &ListeningInput) -> Result<Listening> {
        if let Some(r) = input.response {
            if r > 5 {
                return Err(CoreError::invalid(
                    "response",
                    "A response is from 0 (no recognition) to 5 (a specific memory).",
                ));
            }
        }
        if input.response.is_none() && !input.distress {
            return Err(CoreError::invalid(
                "response",
                "Choose how they responded, from 0 to 5, or that it upset them.",
            ));
        }
        let given = if input.heard_on.trim().is_empty() {
            None
        } else {
            Some(validate::date("heardOn", &input.heard_on)?)
        };
        if given.is_some_and(|on| on > today()) {
            return Err(CoreError::invalid(
                "heardOn",
                "The date can't be in the future.",
            ));
        }
        let note = validate::long_text("note", "the note", &input.note)?;
        self.write(|tx| {
            // From a session's register: on the session's day (a past
            // session's register is recorded on the day it happened), and
            // only where its register can be marked.
            let (on, place) = match &input.session_id {
                Some(session_id) => {
                    let session =
                        super::register::check_can_record_for(tx, session_id, &input.attendee_id)?;
                    let day = validate::date("heardOn", &session.date)?;
                    if given.is_some_and(|g| g != day) {
                        return Err(CoreError::invalid(
                            "heardOn",
                            "Something heard in a session is recorded on the session's day.",
                        ));
                    }
                    (day, ListeningPlace::Session)
                }
                None => (given.unwrap_or_else(today), input.place),
            };
            let person = attendees::get(tx, &input.attendee_id)?;
            if super::erasure::is_erased(tx, &person.id)? || person.archived {
                return Err(CoreError::Conflict(
                    "This person's record can't be changed.".into(),
                ));
            }
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM track WHERE id = ?1)",
                [&input.track_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(CoreError::NotFound { what: "track" });
            }
            let id = new_id();
            tx.execute(
                "INSERT INTO listening (id, attendee_id, track_id, heard_on, place, response,
                     distress, note, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                params![
                    id,
                    input.attendee_id,
                    input.track_id,
                    fmt_date(on),
                    place,
                    input.response,
                    input.distress,
                    note,
                    now()
                ],
            )?;
            Ok(tx.query_row(
                &format!(
                    "SELECT {COLUMNS} FROM listening l JOIN track t ON t.id = l.track_id
                     WHERE l.id = ?1"
                ),
                [&id],
                from_row,
            )?)
        })
    }

    /// How each song of a personal playlist has gone, in the playlist's order.
    pub fn playlist_responses(&self, playlist_id: &str) -> Result<Vec<TrackResponse>> {
        let person = owner(self.conn(), playlist_id)?;
        let ids: Vec<String> = playlist_track_ids(self.conn(), playlist_id)?
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        responses(self.conn(), &person, &ids)
    }

    /// A person's listening log, newest first.
    pub fn person_listening(&self, attendee_id: &str) -> Result<Vec<Listening>> {
        attendees::get(self.conn(), attendee_id)?;
        of_person(self.conn(), attendee_id)
    }

    /// Puts a personal playlist in order of how well its songs worked: the
    /// best average response first; songs not tried yet after them, as they
    /// were; songs that caused distress last.
    pub fn order_playlist_by_response(&mut self, playlist_id: &str) -> Result<Playlist> {
        let library = self.library_dir();
        self.write(|tx| {
            let person = owner(tx, playlist_id)?;
            let entries = playlist_track_ids(tx, playlist_id)?;
            let ids: Vec<String> = entries.iter().map(|(_, t)| t.clone()).collect();
            let scored = responses(tx, &person, &ids)?;
            let mut order: Vec<(usize, &(String, String), &TrackResponse)> = entries
                .iter()
                .zip(scored.iter())
                .enumerate()
                .map(|(i, (e, s))| (i, e, s))
                .collect();
            let rank = |s: &TrackResponse| -> (u8, i64) {
                if s.distressed > 0 {
                    (2, 0)
                } else if let Some(avg) = s.average_response {
                    (0, -((avg * 1000.0) as i64))
                } else {
                    (1, 0)
                }
            };
            order.sort_by_key(|(i, _, s)| (rank(s), *i));
            let ts = now();
            for (pos, (_, (entry_id, _), _)) in order.iter().enumerate() {
                tx.execute(
                    "UPDATE playlist_entry SET position = ?2, updated_at = ?3 WHERE id = ?1",
                    params![entry_id, pos as u32, ts],
                )?;
            }
            tx.execute(
                "UPDATE playlist SET updated_at = ?2 WHERE id = ?1",
                params![playlist_id, ts],
            )?;
            super::playlists::get(tx, &library, playlist_id)
        })
    }

    /// A song that caused distress: off the personal playlist and onto the
    /// person's avoid list, with why, in one change.
    pub fn avoid_after_distress(&mut self, entry_id: &str, why: &str) -> Result<Playlist> {
        let library = self.library_dir();
        self.write(|tx| {
            let (playlist_id, track_id): (String, String) = tx
                .query_row(
                    "SELECT playlist_id, track_id FROM playlist_entry WHERE id = ?1",
                    [entry_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or(CoreError::NotFound {
                    what: "playlist entry",
                })?;
            let person = owner(tx, &playlist_id)?;
            super::playlists::remove_entry(tx, entry_id)?;
            let input = crate::model::AvoidInput {
                kind: crate::model::AvoidKind::Song,
                track_id: Some(track_id),
                title: String::new(),
                artist: String::new(),
                why: why.to_string(),
            };
            super::music_story::add_avoid_in(tx, &person, &input)?;
            super::playlists::get(tx, &library, &playlist_id)
        })
    }
}

impl Store {
    /// The person's own playlists that hold a track: what "take it off
    /// their playlist" would change, offered after the song upset them.
    pub fn own_playlists_with_track(
        &self,
        attendee_id: &str,
        track_id: &str,
    ) -> Result<Vec<PlaylistSummary>> {
        attendees::get(self.conn(), attendee_id)?;
        let mut holds = self.conn().prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM playlist_entry WHERE playlist_id = ?1 AND track_id = ?2)",
        )?;
        let mut out = Vec::new();
        for p in self.list_playlists(Some(PlaylistKind::Personal), None, Some(attendee_id))? {
            if holds.query_row(params![p.id, track_id], |r| r.get::<_, bool>(0))? {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// A song that upset someone (the register's "D"): taken off every one
    /// of their own playlists when `take_off`, and onto their avoid list with
    /// `avoid_why` when given, in one change. Returns the playlists it was
    /// taken off.
    pub fn after_distress(
        &mut self,
        attendee_id: &str,
        track_id: &str,
        avoid_why: Option<&str>,
        take_off: bool,
    ) -> Result<Vec<PlaylistSummary>> {
        if avoid_why.is_none() && !take_off {
            return Err(CoreError::invalid(
                "why",
                "Choose whether to take the song off their playlist, put it on their avoid list, or both.",
            ));
        }
        let lists = if take_off {
            self.own_playlists_with_track(attendee_id, track_id)?
        } else {
            Vec::new()
        };
        self.write(|tx| {
            let person = attendees::get(tx, attendee_id)?;
            if super::erasure::is_erased(tx, &person.id)? || person.archived {
                return Err(CoreError::Conflict(
                    "This person's record can't be changed.".into(),
                ));
            }
            for p in &lists {
                let entries: Vec<String> = tx
                    .prepare_cached(
                        "SELECT id FROM playlist_entry WHERE playlist_id = ?1 AND track_id = ?2",
                    )?
                    .query_map(params![p.id, track_id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for e in entries {
                    super::playlists::remove_entry(tx, &e)?;
                }
            }
            if let Some(why) = avoid_why {
                let input = crate::model::AvoidInput {
                    kind: crate::model::AvoidKind::Song,
                    track_id: Some(track_id.to_string()),
                    title: String::new(),
                    artist: String::new(),
                    why: why.to_string(),
                };
                super::music_story::add_avoid_in(tx, attendee_id, &input)?;
            }
            Ok(())
        })?;
        Ok(lists)
    }

    /// Sets (or clears) when to review a personal playlist.
    pub fn set_playlist_review(&mut self, playlist_id: &str, review_on: &str) -> Result<Playlist> {
        let on = validate::optional_date("reviewOn", review_on)?.map(fmt_date);
        let library = self.library_dir();
        self.write(|tx| {
            let person = owner(tx, playlist_id)?;
            if super::erasure::is_erased(tx, &person)? {
                return Err(CoreError::Conflict(
                    "This person's record was erased on request, so it can't be changed.".into(),
                ));
            }
            tx.execute(
                "UPDATE playlist SET review_on = ?2, updated_at = ?3 WHERE id = ?1",
                params![playlist_id, on, now()],
            )?;
            super::playlists::get(tx, &library, playlist_id)
        })
    }

    /// Personal playlists whose review date has come (today or before),
    /// the longest overdue first; none for archived or erased people.
    pub fn reviews_due(&self) -> Result<Vec<crate::model::ReviewDue>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.name, a.id, a.full_name, p.review_on
             FROM playlist p JOIN attendee a ON a.id = p.attendee_id
             WHERE p.review_on IS NOT NULL AND p.review_on <= ?1 AND p.archived_at IS NULL
               AND a.archived_at IS NULL AND a.id NOT IN (SELECT attendee_id FROM erasure)
             ORDER BY p.review_on, a.full_name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([fmt_date(today())], |r| {
            Ok(crate::model::ReviewDue {
                playlist_id: r.get(0)?,
                playlist_name: r.get(1)?,
                attendee_id: r.get(2)?,
                attendee_name: r.get(3)?,
                review_on: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
