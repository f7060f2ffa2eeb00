//! A person's music life story and their avoid list, and the avoid rule
//! applied to what is about to be played: a session's music, a playlist, a
//! track from the library.

use chrono::Datelike;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::groups::MEMBER_ON;
use super::sql::{new_id, now};
use super::{attendees, today, Store};
use crate::avoid;
use crate::error::{CoreError, Result};
use crate::model::{
    AvoidEntry, AvoidFlag, AvoidInput, AvoidKind, MusicStory, MusicStoryInput, Track,
};
use crate::validate::{self, fmt_date};

/// The earliest birth year accepted (the schema checks it too).
const EARLIEST_BIRTH_YEAR: i32 = 1850;

fn kind_from_db(s: &str) -> AvoidKind {
    if s == "artist" {
        AvoidKind::Artist
    } else {
        AvoidKind::Song
    }
}

fn kind_to_db(k: AvoidKind) -> &'static str {
    match k {
        AvoidKind::Song => "song",
        AvoidKind::Artist => "artist",
    }
}

const AVOID_COLUMNS: &str = "v.id, v.attendee_id, v.kind, v.track_id, v.title, v.artist, v.why,
        v.created_at";

fn avoid_from_row(r: &Row<'_>) -> rusqlite::Result<AvoidEntry> {
    Ok(AvoidEntry {
        id: r.get(0)?,
        attendee_id: r.get(1)?,
        kind: kind_from_db(&r.get::<_, String>(2)?),
        track_id: r.get(3)?,
        title: r.get(4)?,
        artist: r.get(5)?,
        why: r.get(6)?,
        created_at: r.get(7)?,
    })
}

/// A person's avoid list, oldest first.
pub(crate) fn avoid_list(conn: &Connection, attendee_id: &str) -> Result<Vec<AvoidEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {AVOID_COLUMNS} FROM music_avoid v
         WHERE v.attendee_id = ?1 AND v.archived_at IS NULL
         ORDER BY v.created_at, v.id"
    ))?;
    let rows = stmt.query_map([attendee_id], avoid_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn year_of(date: &str) -> Option<i32> {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .map(|d| d.year())
}

/// The person's music life story (an empty one when nothing is recorded).
pub(crate) fn get(conn: &Connection, attendee_id: &str) -> Result<MusicStory> {
    let person = attendees::get(conn, attendee_id)?;
    let from_dob = person.date_of_birth.as_deref().and_then(year_of);
    type Row8 = (
        Option<i32>,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    );
    let row: Option<Row8> = conn
        .query_row(
            "SELECT birth_year, places, languages, music_meant, favourite_genres,
                    favourite_artists, favourite_songs, how_they_listen, updated_at
             FROM music_story WHERE attendee_id = ?1",
            [attendee_id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            },
        )
        .optional()?;
    let (year_alone, places, languages, meant, genres, artists, songs, listen, updated) = match row
    {
        Some((y, a, b, c, d, e, f, g, u)) => (y, a, b, c, d, e, f, g, Some(u)),
        None => Default::default(),
    };
    let birth_year = from_dob.or(year_alone);
    Ok(MusicStory {
        attendee_id: attendee_id.to_string(),
        birth_year,
        birth_year_from_date_of_birth: from_dob.is_some(),
        reminiscence_from: birth_year.map(|y| y + 10),
        reminiscence_to: birth_year.map(|y| y + 30),
        places,
        languages,
        music_meant: meant,
        favourite_genres: genres,
        favourite_artists: artists,
        favourite_songs: songs,
        how_they_listen: listen,
        avoid: avoid_list(conn, attendee_id)?,
        updated_at: updated,
    })
}

/// A person's story has one id wherever it is written, so two laptops that
/// each start one for the same person (team sharing) make one story.
fn story_id(attendee_id: &str) -> String {
    format!("{attendee_id}/music-story")
}

fn refuse_erased(conn: &Connection, attendee_id: &str) -> Result<()> {
    attendees::get(conn, attendee_id)?;
    if super::erasure::is_erased(conn, attendee_id)? {
        return Err(CoreError::Conflict(
            "This person's record was erased on request, so it can't be changed.".into(),
        ));
    }
    Ok(())
}

fn clean_birth_year(input: &str, date_of_birth: Option<&str>) -> Result<Option<i32>> {
    let typed = input.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let this_year = today().year();
    let year: i32 = typed
        .parse()
        .ok()
        .filter(|y| (EARLIEST_BIRTH_YEAR..=this_year).contains(y))
        .ok_or_else(|| {
            CoreError::invalid(
                "birthYear",
                format!(
                    "Please enter the year they were born as four figures, \
                     {EARLIEST_BIRTH_YEAR} to {this_year} (for example 1941)."
                ),
            )
        })?;
    if let Some(dob) = date_of_birth.and_then(year_of) {
        if dob != year {
            return Err(CoreError::invalid(
                "birthYear",
                format!(
                    "Their record's date of birth says they were born in {dob}. \
                     Leave the year empty, or correct the date of birth."
                ),
            ));
        }
        // The date of birth says it already: keep one source of truth.
        return Ok(None);
    }
    Ok(Some(year))
}

fn clean_avoid(conn: &Connection, input: &AvoidInput) -> Result<(Option<String>, String, String)> {
    let why = validate::long_text("why", "why", &input.why)?;
    if why.trim().is_empty() {
        return Err(CoreError::invalid(
            "why",
            "Please say why it should be avoided, so that whoever plays music for them knows.",
        ));
    }
    match input.kind {
        AvoidKind::Artist => {
            let artist = validate::short_text("artist", "the artist", &input.artist)?;
            if artist.trim().is_empty() {
                return Err(CoreError::invalid(
                    "artist",
                    "Please enter the artist to avoid.",
                ));
            }
            Ok((None, String::new(), artist))
        }
        AvoidKind::Song => {
            if let Some(track_id) = input.track_id.as_deref().filter(|t| !t.is_empty()) {
                let (title, artist): (String, String) = conn
                    .query_row(
                        "SELECT title, artist FROM track WHERE id = ?1",
                        [track_id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?
                    .ok_or(CoreError::NotFound { what: "track" })?;
                return Ok((Some(track_id.to_string()), title, artist));
            }
            let title = validate::short_text("title", "the song's title", &input.title)?;
            if title.trim().is_empty() {
                return Err(CoreError::invalid(
                    "title",
                    "Please enter the song's title, or choose it from the library.",
                ));
            }
            let artist = validate::short_text("artist", "the artist", &input.artist)?;
            Ok((None, title, artist))
        }
    }
}

/// Everyone on a session's register who may be in the room: members on the
/// day and walk-ins, less those marked absent or sending apologies.
fn people_at_session(conn: &Connection, session_id: &str) -> Result<Vec<(String, String)>> {
    let (group_id, date): (String, String) = conn
        .query_row(
            "SELECT group_id, date FROM session WHERE id = ?1",
            [session_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or(CoreError::NotFound { what: "session" })?;
    let sql = format!(
        "SELECT a.id, a.full_name FROM attendee a
         WHERE a.id NOT IN (SELECT attendee_id FROM erasure)
           AND (a.id IN (SELECT m.attendee_id FROM membership m
                          WHERE m.group_id = :group AND {MEMBER_ON})
                OR a.id IN (SELECT attendee_id FROM attendance WHERE session_id = :session))
           AND a.id NOT IN (SELECT attendee_id FROM attendance
                             WHERE session_id = :session AND mark IN ('absent', 'apologies'))
         ORDER BY a.full_name COLLATE NOCASE"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        rusqlite::named_params! { ":group": group_id, ":session": session_id, ":on": date },
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The current members of a group.
fn members_today(conn: &Connection, group_id: &str) -> Result<Vec<(String, String)>> {
    let sql = format!(
        "SELECT a.id, a.full_name FROM attendee a
         WHERE a.id NOT IN (SELECT attendee_id FROM erasure)
           AND a.id IN (SELECT m.attendee_id FROM membership m
                         WHERE m.group_id = :group AND {MEMBER_ON})
         ORDER BY a.full_name COLLATE NOCASE"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        rusqlite::named_params! { ":group": group_id, ":on": fmt_date(today()) },
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The person, and everyone in a group with them today (a personal
/// playlist may be played in the room).
fn person_and_their_groups(conn: &Connection, attendee_id: &str) -> Result<Vec<(String, String)>> {
    let sql = format!(
        "SELECT a.id, a.full_name FROM attendee a
         WHERE a.id NOT IN (SELECT attendee_id FROM erasure)
           AND (a.id = :person
                OR a.id IN (SELECT m.attendee_id FROM membership m
                             WHERE {MEMBER_ON}
                               AND m.group_id IN (SELECT m2.group_id FROM membership m2
                                                   WHERE m2.attendee_id = :person
                                                     AND (m2.left_on IS NULL OR m2.left_on > :on)
                                                     AND m2.joined_on <= :on)))
         ORDER BY a.id = :person DESC, a.full_name COLLATE NOCASE"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        rusqlite::named_params! { ":person": attendee_id, ":on": fmt_date(today()) },
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every track of `tracks` that someone of `people` must avoid, in the
/// tracks' order, each with whose entry it matches.
pub(crate) fn flags(
    conn: &Connection,
    people: &[(String, String)],
    tracks: &[(String, String, String)],
) -> Result<Vec<AvoidFlag>> {
    let mut out = Vec::new();
    let lists: Vec<(&(String, String), Vec<AvoidEntry>)> = people
        .iter()
        .map(|p| Ok((p, avoid_list(conn, &p.0)?)))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter(|(_, l)| !l.is_empty())
        .collect();
    for (track_id, title, artist) in tracks {
        for ((attendee_id, name), list) in &lists {
            for entry in list {
                if avoid::matches(entry, track_id, title, artist) {
                    out.push(AvoidFlag {
                        track_id: track_id.clone(),
                        track_title: title.clone(),
                        attendee_id: attendee_id.clone(),
                        attendee_name: name.clone(),
                        entry: entry.clone(),
                    });
                }
            }
        }
    }
    Ok(out)
}

fn playlist_tracks(conn: &Connection, playlist_id: &str) -> Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.title, t.artist FROM playlist_entry e JOIN track t ON t.id = e.track_id
         WHERE e.playlist_id = ?1 ORDER BY e.position",
    )?;
    let rows = stmt.query_map([playlist_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds an entry to a person's avoid list inside a change; false (and
/// nothing written) when it is already there.
pub(crate) fn add_avoid_in(tx: &Connection, attendee_id: &str, input: &AvoidInput) -> Result<bool> {
    refuse_erased(tx, attendee_id)?;
    let person = attendees::get(tx, attendee_id)?;
    if person.archived {
        return Err(CoreError::Conflict(
            "This record is archived, so it can't be changed.".into(),
        ));
    }
    let (track_id, title, artist) = clean_avoid(tx, input)?;
    let already = avoid_list(tx, attendee_id)?.into_iter().any(|e| {
        e.kind == input.kind
            && match input.kind {
                AvoidKind::Artist => avoid::normalise(&e.artist) == avoid::normalise(&artist),
                AvoidKind::Song => {
                    (track_id.is_some() && e.track_id == track_id)
                        || (avoid::normalise(&e.title) == avoid::normalise(&title)
                            && avoid::normalise(&e.artist) == avoid::normalise(&artist))
                }
            }
    });
    if already {
        return Ok(false);
    }
    tx.execute(
        "INSERT INTO music_avoid (id, attendee_id, kind, track_id, title, artist, why,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![
            new_id(),
            attendee_id,
            kind_to_db(input.kind),
            track_id,
            title,
            artist,
            input.why.trim(),
            now()
        ],
    )?;
    Ok(true)
}

impl Store {
    /// A person's music life story and avoid list.
    pub fn music_story(&self, attendee_id: &str) -> Result<MusicStory> {
        if super::erasure::is_erased(self.conn(), attendee_id)? {
            return Err(CoreError::Conflict(
                "This person's record was erased on request.".into(),
            ));
        }
        get(self.conn(), attendee_id)
    }

    /// Saves the music life story (all of it, as typed).
    pub fn save_music_story(
        &mut self,
        attendee_id: &str,
        input: &MusicStoryInput,
    ) -> Result<MusicStory> {
        let text = |field: &'static str, what: &str, v: &str| validate::long_text(field, what, v);
        let places = text("places", "where they grew up and lived", &input.places)?;
        let languages = text("languages", "languages and heritage", &input.languages)?;
        let meant = text("musicMeant", "what music meant to them", &input.music_meant)?;
        let genres = text(
            "favouriteGenres",
            "the favourite genres",
            &input.favourite_genres,
        )?;
        let artists = text(
            "favouriteArtists",
            "the favourite artists",
            &input.favourite_artists,
        )?;
        let songs = text(
            "favouriteSongs",
            "the favourite songs",
            &input.favourite_songs,
        )?;
        let listen = text(
            "howTheyListen",
            "how they like to listen",
            &input.how_they_listen,
        )?;
        self.write(|tx| {
            refuse_erased(tx, attendee_id)?;
            let person = attendees::get(tx, attendee_id)?;
            if person.archived {
                return Err(CoreError::Conflict(
                    "This record is archived, so it can't be changed.".into(),
                ));
            }
            let year = clean_birth_year(&input.birth_year, person.date_of_birth.as_deref())?;
            let ts = now();
            tx.execute(
                "INSERT INTO music_story (id, attendee_id, birth_year, places, languages,
                     music_meant, favourite_genres, favourite_artists, favourite_songs,
                     how_they_listen, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)
                 ON CONFLICT (attendee_id) DO UPDATE SET
                     birth_year = excluded.birth_year, places = excluded.places,
                     languages = excluded.languages, music_meant = excluded.music_meant,
                     favourite_genres = excluded.favourite_genres,
                     favourite_artists = excluded.favourite_artists,
                     favourite_songs = excluded.favourite_songs,
                     how_they_listen = excluded.how_they_listen,
                     updated_at = excluded.updated_at",
                params![
                    story_id(attendee_id),
                    attendee_id,
                    year,
                    places,
                    languages,
                    meant,
                    genres,
                    artists,
                    songs,
                    listen,
                    ts
                ],
            )?;
            get(tx, attendee_id)
        })
    }

    /// Adds a song or an artist to a person's avoid list.
    pub fn add_avoid(&mut self, attendee_id: &str, input: &AvoidInput) -> Result<MusicStory> {
        self.write(|tx| {
            if !add_avoid_in(tx, attendee_id, input)? {
                return Err(CoreError::Conflict(
                    "That is already on their list of music to avoid.".into(),
                ));
            }
            get(tx, attendee_id)
        })
    }

    /// Takes a song or an artist off the avoid list (kept in the record as
    /// archived, with its history in the audit log).
    pub fn remove_avoid(&mut self, avoid_id: &str) -> Result<MusicStory> {
        self.write(|tx| {
            let attendee_id: String = tx
                .query_row(
                    "SELECT attendee_id FROM music_avoid WHERE id = ?1 AND archived_at IS NULL",
                    [avoid_id],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(CoreError::NotFound {
                    what: "entry on the avoid list",
                })?;
            refuse_erased(tx, &attendee_id)?;
            let ts = now();
            tx.execute(
                "UPDATE music_avoid SET archived_at = ?2, updated_at = ?2 WHERE id = ?1",
                params![avoid_id, ts],
            )?;
            get(tx, &attendee_id)
        })
    }

    /// The session's music checked against the avoid lists of everyone who
    /// may be in the room (members on the day and walk-ins, less those
    /// absent or sending apologies).
    pub fn session_avoid_flags(&self, session_id: &str) -> Result<Vec<AvoidFlag>> {
        let people = people_at_session(self.conn(), session_id)?;
        let music = super::sessions::get(self.conn(), session_id)?.music_id;
        let tracks = match music {
            Some(p) => playlist_tracks(self.conn(), &p)?,
            None => Vec::new(),
        };
        flags(self.conn(), &people, &tracks)
    }

    /// A playlist checked against the avoid lists of the people it may be
    /// played to: a setlist's group members today; for a personal playlist,
    /// its person and everyone in a group with them today.
    pub fn playlist_avoid_flags(&self, playlist_id: &str) -> Result<Vec<AvoidFlag>> {
        let people = self.people_a_playlist_is_for(playlist_id)?;
        let tracks = playlist_tracks(self.conn(), playlist_id)?;
        flags(self.conn(), &people, &tracks)
    }

    /// The people a playlist is made for: a setlist's group members today;
    /// for a personal playlist, its person and everyone in a group with
    /// them today.
    fn people_a_playlist_is_for(&self, playlist_id: &str) -> Result<Vec<(String, String)>> {
        let (group, person): (Option<String>, Option<String>) = self
            .conn()
            .query_row(
                "SELECT group_id, attendee_id FROM playlist WHERE id = ?1",
                [playlist_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(CoreError::NotFound { what: "playlist" })?;
        let people = match (group, person) {
            (Some(g), _) => members_today(self.conn(), &g)?,
            (None, Some(p)) => person_and_their_groups(self.conn(), &p)?,
            (None, None) => Vec::new(),
        };
        Ok(people)
    }

    /// Who may hear what is played now: the people at `session_id` when
    /// given, else everyone at today's sessions.
    fn people_in_the_room(&self, session_id: Option<&str>) -> Result<Vec<(String, String)>> {
        let sessions: Vec<String> = match session_id {
            Some(s) => vec![s.to_string()],
            None => self
                .conn()
                .prepare_cached(
                    "SELECT id FROM session WHERE date = ?1 AND status != 'cancelled'
                       AND archived_at IS NULL",
                )?
                .query_map([fmt_date(today())], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
        };
        let mut people: Vec<(String, String)> = Vec::new();
        for s in sessions {
            for p in people_at_session(self.conn(), &s)? {
                if !people.iter().any(|q| q.0 == p.0) {
                    people.push(p);
                }
            }
        }
        Ok(people)
    }

    /// Tracks checked before they are played: against the people at
    /// `session_id` when given, else against everyone at today's sessions.
    pub fn play_avoid_flags(
        &self,
        track_ids: &[String],
        session_id: Option<&str>,
    ) -> Result<Vec<AvoidFlag>> {
        let people = self.people_in_the_room(session_id)?;
        let library = self.library_dir();
        let tracks: Vec<(String, String, String)> = track_ids
            .iter()
            .map(|id| {
                let t: Track = super::library::get(self.conn(), &library, id)?;
                Ok((t.id, t.title, t.artist))
            })
            .collect::<Result<_>>()?;
        flags(self.conn(), &people, &tracks)
    }

    /// A playlist checked before it is played from `start_index` (0-based)
    /// on: its tracks from there, against the same people as
    /// [`Store::play_avoid_flags`]; with no session, also against the
    /// people it is made for (as [`Store::playlist_avoid_flags`]), so a
    /// person's own playlist asks first on a day without a session.
    pub fn playlist_play_avoid_flags(
        &self,
        playlist_id: &str,
        start_index: u32,
        session_id: Option<&str>,
    ) -> Result<Vec<AvoidFlag>> {
        let exists: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM playlist WHERE id = ?1 AND archived_at IS NULL)",
            [playlist_id],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(CoreError::NotFound { what: "playlist" });
        }
        let people = self.people_hearing_a_playlist(playlist_id, session_id)?;
        let tracks: Vec<_> = playlist_tracks(self.conn(), playlist_id)?
            .into_iter()
            .skip(start_index as usize)
            .collect();
        flags(self.conn(), &people, &tracks)
    }

    /// The people a playlist played now may reach: those of
    /// [`Store::play_avoid_flags`]; with no session, also whoever it is made
    /// for (played from its own page, on a day with a session or without).
    fn people_hearing_a_playlist(
        &self,
        playlist_id: &str,
        session_id: Option<&str>,
    ) -> Result<Vec<(String, String)>> {
        let mut people = self.people_in_the_room(session_id)?;
        if session_id.is_none() {
            for p in self.people_a_playlist_is_for(playlist_id)? {
                if !people.iter().any(|q| q.0 == p.0) {
                    people.push(p);
                }
            }
        }
        Ok(people)
    }

    /// A song the player is about to go back to (Previous), from music
    /// played for `session_id` (else today): checked as
    /// [`Store::play_avoid_flags`], and when that music is the playlist
    /// `playlist_id`, against the same people as
    /// [`Store::playlist_play_avoid_flags`]. Playing a list from one of its
    /// songs asks only about that song and those after it, so going back
    /// asks here.
    pub fn going_back_avoid_flags(
        &self,
        track_id: &str,
        playlist_id: Option<&str>,
        session_id: Option<&str>,
    ) -> Result<Vec<AvoidFlag>> {
        let people = match playlist_id {
            Some(p) => self.people_hearing_a_playlist(p, session_id)?,
            None => self.people_in_the_room(session_id)?,
        };
        let t: Track = super::library::get(self.conn(), &self.library_dir(), track_id)?;
        flags(self.conn(), &people, &[(t.id, t.title, t.artist)])
    }
}
