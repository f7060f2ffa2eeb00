//! Clinical notes: a session's group note and a note about each person
//! present. A note is a draft (saved on every pause in typing) until a
//! practitioner with an HCPC registration number signs it; from then on it is
//! final (the schema's triggers refuse any change or removal) and corrections
//! are added beside it as amendments. Notes and amendments are found by words
//! through the `note_text` full-text index.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::sql::{new_id, note_id, now};
use super::{groups, practitioners, register, Store};
use crate::error::{CoreError, Result};
use crate::model::{Amendment, Mark, Note, NoteHit, Practitioner, SessionNotes, Signature};
use crate::validate;

/// What the schema's triggers abort with when anything tries to change or
/// remove a signed note or an amendment.
const SIGNED_IS_FINAL: &str = "refrain: signed note is final";
/// What the schema's trigger aborts with when an amendment is added to a draft.
const ONLY_SIGNED_AMENDED: &str = "refrain: only a signed note is amended";

/// The most search results returned, newest first.
pub const MAX_HITS: u32 = 100;
/// Words of a search beyond this many are ignored.
const MAX_QUERY_WORDS: usize = 16;
/// Characters of one search word beyond this many are ignored.
const MAX_QUERY_WORD: usize = 64;

fn draft_not_amendable() -> CoreError {
    CoreError::Conflict(
        "This note is still a draft, so you can change it directly. Amendments are only for \
         signed notes."
            .into(),
    )
}

/// Turns the triggers' refusals into the typed errors a therapist can act on;
/// every other error passes through unchanged.
pub(crate) fn typed(e: CoreError) -> CoreError {
    if let CoreError::Database(rusqlite::Error::SqliteFailure(_, Some(msg))) = &e {
        if msg.contains(SIGNED_IS_FINAL) {
            return CoreError::NoteSigned;
        }
        if msg.contains(ONLY_SIGNED_AMENDED) {
            return draft_not_amendable();
        }
    }
    e
}

/// The name a note shows for its person: the preferred name if any.
const ATTENDEE_NAME: &str = "CASE WHEN a.id IS NULL THEN NULL
                                  WHEN trim(a.preferred_name) <> '' THEN a.preferred_name
                                  ELSE a.full_name END";

fn note_select() -> String {
    format!(
        "SELECT n.id, n.session_id, n.attendee_id, {ATTENDEE_NAME}, n.body, n.signed_by,
                n.signer_name, n.signer_hcpc, n.signed_at, n.created_at, n.updated_at,
                ns.date, ng.name
         FROM note n
         JOIN session ns ON ns.id = n.session_id
         JOIN practice_group ng ON ng.id = ns.group_id
         LEFT JOIN attendee a ON a.id = n.attendee_id"
    )
}

fn note_from_row(r: &Row<'_>) -> rusqlite::Result<Note> {
    let signed_by: Option<String> = r.get(5)?;
    let signed = match signed_by {
        Some(practitioner_id) => Some(Signature {
            practitioner_id,
            name: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
            hcpc_number: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
            at: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Note {
        id: r.get(0)?,
        session_id: r.get(1)?,
        session_date: r.get(11)?,
        group_name: r.get(12)?,
        attendee_id: r.get(2)?,
        attendee_name: r.get(3)?,
        body: r.get(4)?,
        signed,
        amendments: Vec::new(),
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

const AMENDMENT_SELECT: &str =
    "SELECT m.id, m.note_id, m.body, m.reason, m.author_id, m.author_name, m.author_hcpc,
            m.created_at
     FROM note_amendment m";

fn amendment_from_row(r: &Row<'_>) -> rusqlite::Result<Amendment> {
    Ok(Amendment {
        id: r.get(0)?,
        note_id: r.get(1)?,
        body: r.get(2)?,
        reason: r.get(3)?,
        author: Signature {
            practitioner_id: r.get(4)?,
            name: r.get(5)?,
            hcpc_number: r.get(6)?,
            at: r.get(7)?,
        },
    })
}

/// Notes chosen by `note_tail` (a `WHERE … ORDER BY …` over `note n`, `attendee
/// a` and whatever it joins), with the amendments chosen by `amendment_tail`
/// (a `JOIN`/`WHERE` over `note_amendment m`) attached, oldest first.
fn notes_with_amendments(
    conn: &Connection,
    note_tail: &str,
    amendment_tail: &str,
    param: &str,
) -> Result<Vec<Note>> {
    let mut stmt = conn.prepare_cached(&format!("{} {note_tail}", note_select()))?;
    let mut notes: Vec<Note> = stmt
        .query_map([param], note_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    if notes.iter().all(|n| n.signed.is_none()) {
        // Only a signed note has amendments.
        return Ok(notes);
    }
    let at: HashMap<String, usize> = notes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.clone(), i))
        .collect();
    let mut stmt = conn.prepare_cached(&format!(
        "{AMENDMENT_SELECT} {amendment_tail} ORDER BY m.created_at, m.id"
    ))?;
    let rows = stmt.query_map([param], amendment_from_row)?;
    for row in rows {
        let amendment = row?;
        if let Some(&i) = at.get(&amendment.note_id) {
            notes[i].amendments.push(amendment);
        }
    }
    Ok(notes)
}

pub(crate) fn get(conn: &Connection, note_id: &str) -> Result<Note> {
    notes_with_amendments(conn, "WHERE n.id = ?1", "WHERE m.note_id = ?1", note_id)?
        .pop()
        .ok_or(CoreError::NotFound { what: "note" })
}

/// The group of a session that exists (sessions that were removed are not
/// found).
fn group_of_session(conn: &Connection, session_id: &str) -> Result<String> {
    conn.query_row(
        "SELECT group_id FROM session WHERE id = ?1 AND archived_at IS NULL",
        [session_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(CoreError::NotFound { what: "session" })
}

/// Fails unless the person exists, is not archived and was marked as there
/// (present, late or left early) in the session.
fn check_present(conn: &Connection, session_id: &str, attendee_id: &str) -> Result<()> {
    let row: Option<(String, String, bool, Option<Mark>)> = conn
        .query_row(
            "SELECT a.full_name, a.preferred_name, a.archived_at IS NOT NULL, t.mark
             FROM attendee a
             LEFT JOIN attendance t ON t.session_id = ?1 AND t.attendee_id = a.id
             WHERE a.id = ?2",
            params![session_id, attendee_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((full_name, preferred_name, archived, mark)) = row else {
        return Err(CoreError::NotFound { what: "person" });
    };
    if archived {
        return Err(CoreError::Conflict(format!(
            "{full_name}'s record is archived. Restore it first."
        )));
    }
    if !mark.is_some_and(Mark::attended) {
        let name = register::call_name(&full_name, &preferred_name);
        return Err(CoreError::invalid(
            "attendeeId",
            format!(
                "{name} is not marked as present in this session, so a note about them can't be \
                 added."
            ),
        ));
    }
    Ok(())
}

/// A practitioner who may sign or amend: active, with a registration number.
fn signer(conn: &Connection, practitioner_id: &str, doing: &str) -> Result<Practitioner> {
    let p = practitioners::active(conn, practitioner_id)?;
    if p.hcpc_number.trim().is_empty() {
        return Err(CoreError::Conflict(format!(
            "Add your HCPC registration number to your profile before {doing}."
        )));
    }
    Ok(p)
}

/// What signing and amending need to know about a note.
struct Head {
    session_id: String,
    attendee_id: Option<String>,
    signed: bool,
    body: String,
}

fn head(conn: &Connection, note_id: &str) -> Result<Head> {
    conn.query_row(
        "SELECT session_id, attendee_id, signed_at IS NOT NULL, body FROM note WHERE id = ?1",
        [note_id],
        |r| {
            Ok(Head {
                session_id: r.get(0)?,
                attendee_id: r.get(1)?,
                signed: r.get(2)?,
                body: r.get(3)?,
            })
        },
    )
    .optional()?
    .ok_or(CoreError::NotFound { what: "note" })
}

/// Saves a draft (creating it if this is the first save) and returns its id.
/// One note per person per session, one group note (`attendee_id` `None`).
pub(crate) fn save_draft(
    conn: &Connection,
    session_id: &str,
    attendee_id: Option<&str>,
    body: &str,
    author_id: Option<&str>,
) -> Result<String> {
    let body = validate::long_text("body", "the note", body)?;
    let group_id = group_of_session(conn, session_id)?;
    groups::check_active(conn, &group_id)?;
    if let Some(person) = attendee_id {
        check_present(conn, session_id, person)?;
    }
    if let Some(author) = author_id {
        practitioners::active(conn, author)?;
    }
    // `ifnull(attendee_id, '')` is how the one-note-per-person index reads it.
    let existing: Option<(String, bool, bool)> = conn
        .query_row(
            "SELECT id, signed_at IS NOT NULL, body = ?3 FROM note
             WHERE session_id = ?1 AND ifnull(attendee_id, '') = ?2",
            params![session_id, attendee_id.unwrap_or(""), body],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let ts = now();
    match existing {
        Some((_, true, _)) => Err(CoreError::NoteSigned),
        Some((id, false, unchanged)) => {
            if unchanged {
                // Leave the body (and so the search index) alone.
                conn.execute(
                    "UPDATE note SET updated_at = ?2, author_id = coalesce(author_id, ?3)
                     WHERE id = ?1",
                    params![id, ts, author_id],
                )?;
            } else {
                conn.execute(
                    "UPDATE note SET body = ?2, updated_at = ?3,
                                     author_id = coalesce(author_id, ?4)
                     WHERE id = ?1",
                    params![id, body, ts, author_id],
                )?;
            }
            Ok(id)
        }
        None => {
            let id = note_id(session_id, attendee_id);
            conn.execute(
                "INSERT INTO note (id, session_id, attendee_id, author_id, body, created_at,
                                   updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                params![id, session_id, attendee_id, author_id, body, ts],
            )?;
            Ok(id)
        }
    }
}

pub(crate) fn sign(conn: &Connection, note_id: &str, practitioner_id: &str) -> Result<()> {
    let note = head(conn, note_id)?;
    if note.signed {
        return Err(CoreError::NoteSigned);
    }
    groups::check_active(conn, &group_of_session(conn, &note.session_id)?)?;
    if let Some(person) = &note.attendee_id {
        check_present(conn, &note.session_id, person)?;
    }
    if note.body.trim().is_empty() {
        return Err(CoreError::invalid("body", "There is nothing to sign yet."));
    }
    let p = signer(conn, practitioner_id, "signing")?;
    conn.execute(
        "UPDATE note SET signed_at = ?2, signed_by = ?3, signer_name = ?4, signer_hcpc = ?5,
                         author_id = coalesce(author_id, ?3), updated_at = ?2
         WHERE id = ?1 AND signed_at IS NULL",
        params![note_id, now(), p.id, p.name, p.hcpc_number],
    )?;
    Ok(())
}

fn amend(
    conn: &Connection,
    note_id: &str,
    practitioner_id: &str,
    body: &str,
    reason: &str,
) -> Result<()> {
    let note = head(conn, note_id)?;
    if !note.signed {
        return Err(draft_not_amendable());
    }
    let body = validate::long_text("body", "the amendment", body)?;
    if body.trim().is_empty() {
        return Err(CoreError::invalid(
            "body",
            "Please write the amendment: what the note should say.",
        ));
    }
    let reason = validate::long_text("reason", "the reason", reason)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CoreError::invalid(
            "reason",
            "Please say why you are amending this note.",
        ));
    }
    groups::check_active(conn, &group_of_session(conn, &note.session_id)?)?;
    let p = signer(conn, practitioner_id, "amending a signed note")?;
    let ts = now();
    conn.execute(
        "INSERT INTO note_amendment (id, note_id, body, reason, author_id, author_name,
                                     author_hcpc, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![
            new_id(),
            note_id,
            body,
            reason,
            p.id,
            p.name,
            p.hcpc_number,
            ts
        ],
    )?;
    Ok(())
}

/// The user's words as an FTS5 query that can never be FTS5 syntax: each word
/// a quoted string (quotes doubled), all of them required, the last one
/// matched as the start of a word while it is still being typed. `None` when
/// there is nothing to look for.
pub(crate) fn fts_query(query: &str) -> Option<String> {
    // A NUL would end the query early inside FTS5: control characters
    // separate words like spaces do.
    let gap = |c: char| c.is_whitespace() || c.is_control();
    let words: Vec<String> = query
        .split(gap)
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(MAX_QUERY_WORDS)
        .map(|w| w.chars().take(MAX_QUERY_WORD).collect())
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push('"');
        out.push_str(&w.replace('"', "\"\""));
        out.push('"');
    }
    if !query.ends_with(gap) {
        out.push('*');
    }
    Some(out)
}

/// How many of the most recently written matches a search looks through
/// first. Sorting every match by session date (a common word is in tens of
/// thousands of notes after some years) would take hundreds of milliseconds;
/// notes are written during or soon after their session, so the newest
/// sessions' notes are among the last written. Only when this window holds
/// too few visible matches is every match sorted.
const SEARCH_WINDOW: i64 = 2 * MAX_HITS as i64;

fn search(conn: &Connection, query: &str, practitioner_id: Option<&str>) -> Result<Vec<NoteHit>> {
    let Some(fts) = fts_query(query) else {
        return Ok(Vec::new());
    };
    let hits = search_window(conn, &fts, practitioner_id, SEARCH_WINDOW)?;
    if hits.len() < MAX_HITS as usize {
        // Too few visible notes in the window: if there are more matches
        // than it held, look through all of them.
        let matches: i64 = conn.query_row(
            "SELECT count(*) FROM (SELECT 1 FROM note_text WHERE note_text MATCH ?1 LIMIT ?2)",
            params![fts, SEARCH_WINDOW + 1],
            |r| r.get(0),
        )?;
        if matches > SEARCH_WINDOW {
            return search_window(conn, &fts, practitioner_id, -1);
        }
    }
    Ok(hits)
}

/// The visible matches among the `window` most recently written ones (all of
/// them when `window` is -1), newest session first, at most `MAX_HITS`. The
/// full-text index hands its matches over newest first and stops at the
/// window, so only the window's rows get an extract and are joined and
/// sorted (CROSS JOIN keeps the window as the outer loop).
fn search_window(
    conn: &Connection,
    fts: &str,
    practitioner_id: Option<&str>,
    window: i64,
) -> Result<Vec<NoteHit>> {
    let mut stmt = conn.prepare_cached(&format!(
        "WITH recent AS (
             SELECT note_id, amendment_id,
                    snippet(note_text, 2, char(2), char(3), '…', 16) AS snip
               FROM note_text
              WHERE note_text MATCH ?1 ORDER BY rowid DESC LIMIT ?3
         )
         SELECT t.note_id, n.session_id, s.date, s.group_id, g.name, n.attendee_id,
                {ATTENDEE_NAME}, t.amendment_id IS NOT NULL, n.signed_at IS NOT NULL, t.snip
         FROM recent t
         CROSS JOIN note n ON n.id = t.note_id
         CROSS JOIN session s ON s.id = n.session_id
         CROSS JOIN practice_group g ON g.id = s.group_id
         LEFT JOIN attendee a ON a.id = n.attendee_id
         WHERE s.archived_at IS NULL
           AND g.archived_at IS NULL
           AND (n.attendee_id IS NULL OR a.archived_at IS NULL)
           AND (n.signed_at IS NOT NULL OR n.author_id IS NULL OR n.author_id = ?2)
         ORDER BY s.date DESC, s.start_time DESC, n.attendee_id IS NOT NULL,
                  a.full_name COLLATE NOCASE, n.id, t.amendment_id IS NOT NULL, t.amendment_id
         LIMIT {MAX_HITS}"
    ))?;
    let rows = stmt.query_map(params![fts, practitioner_id, window], |r| {
        Ok(NoteHit {
            note_id: r.get(0)?,
            session_id: r.get(1)?,
            session_date: r.get(2)?,
            group_id: r.get(3)?,
            group_name: r.get(4)?,
            attendee_id: r.get(5)?,
            attendee_name: r.get(6)?,
            in_amendment: r.get(7)?,
            signed: r.get(8)?,
            snippet: r
                .get::<_, String>(9)?
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every note about a person (drafts included, with amendments), newest
/// session first.
pub(crate) fn all_of_person(conn: &Connection, attendee_id: &str) -> Result<Vec<Note>> {
    let known: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM attendee WHERE id = ?1)",
        [attendee_id],
        |r| r.get(0),
    )?;
    if !known {
        return Err(CoreError::NotFound { what: "person" });
    }
    notes_with_amendments(
        conn,
        "JOIN session s ON s.id = n.session_id
         WHERE n.attendee_id = ?1
         ORDER BY s.date DESC, s.start_time DESC, n.id",
        "JOIN note n ON n.id = m.note_id WHERE n.attendee_id = ?1",
        attendee_id,
    )
}

impl Store {
    /// A session's group note and every note about a person in it (in the
    /// register's order), each with its signature and amendments.
    pub fn session_notes(&self, session_id: &str) -> Result<SessionNotes> {
        let conn = self.conn();
        group_of_session(conn, session_id)?;
        let notes = notes_with_amendments(
            conn,
            "LEFT JOIN attendance t ON t.session_id = n.session_id AND t.attendee_id = n.attendee_id
             WHERE n.session_id = ?1
             ORDER BY n.attendee_id IS NOT NULL, coalesce(t.walk_in, 0),
                      a.full_name COLLATE NOCASE, n.id",
            "JOIN note n ON n.id = m.note_id WHERE n.session_id = ?1",
            session_id,
        )?;
        let mut group_note = None;
        let mut person_notes = Vec::with_capacity(notes.len());
        for note in notes {
            if note.attendee_id.is_none() {
                group_note = Some(note);
            } else {
                person_notes.push(note);
            }
        }
        Ok(SessionNotes {
            session_id: session_id.to_string(),
            group_note,
            person_notes,
        })
    }

    /// One note, with its signature and amendments.
    pub fn note(&self, note_id: &str) -> Result<Note> {
        get(self.conn(), note_id)
    }

    /// Saves the draft of a session's group note (`attendee_id` `None`) or of
    /// the note about one person present, creating it on the first save.
    /// `author_id` is the practitioner writing it; the first one to save it
    /// stays its author. A signed note is refused: it is final.
    pub fn save_note_draft(
        &mut self,
        session_id: &str,
        attendee_id: Option<&str>,
        body: &str,
        author_id: Option<&str>,
    ) -> Result<Note> {
        self.write(|tx| {
            let id = save_draft(tx, session_id, attendee_id, body, author_id)?;
            get(tx, &id)
        })
        .map_err(typed)
    }

    /// Signs a draft: from now on it is final. The practitioner's name and
    /// HCPC registration number are kept with the signature as they are now.
    pub fn sign_note(&mut self, note_id: &str, practitioner_id: &str) -> Result<Note> {
        self.write(|tx| {
            sign(tx, note_id, practitioner_id)?;
            get(tx, note_id)
        })
        .map_err(typed)
    }

    /// Adds an amendment beside a signed note (the note itself never changes).
    pub fn amend_note(
        &mut self,
        note_id: &str,
        practitioner_id: &str,
        body: &str,
        reason: &str,
    ) -> Result<Note> {
        self.write(|tx| {
            amend(tx, note_id, practitioner_id, body, reason)?;
            get(tx, note_id)
        })
        .map_err(typed)
    }

    /// Every note about a person, newest session first.
    pub fn person_notes(&self, attendee_id: &str) -> Result<Vec<Note>> {
        all_of_person(self.conn(), attendee_id)
    }
    /// Notes and amendments containing the words of `query` (any case, with
    /// or without accents; the last word may be unfinished), newest session
    /// first, at most [`MAX_HITS`]. Leaves out notes about archived people,
    /// notes of archived groups, and drafts started by another practitioner
    /// than `practitioner_id`.
    pub fn search_notes(&self, query: &str, practitioner_id: Option<&str>) -> Result<Vec<NoteHit>> {
        search(self.conn(), query, practitioner_id)
    }
}

#[cfg(test)]
mod tests {
    use super::{fts_query, typed, SIGNED_IS_FINAL};
    use crate::error::CoreError;

    #[test]
    fn the_triggers_refusal_becomes_the_typed_error() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        // As the schema's triggers do.
        conn.execute_batch(&format!(
            "CREATE TABLE t (x); CREATE TRIGGER t_final BEFORE INSERT ON t
             BEGIN SELECT RAISE(ABORT, '{SIGNED_IS_FINAL}'); END;"
        ))
        .unwrap();
        let err: CoreError = conn
            .execute("INSERT INTO t VALUES (1)", [])
            .unwrap_err()
            .into();
        assert_eq!(typed(err).code(), "note_signed");
        let other: CoreError = conn
            .execute("INSERT INTO nowhere VALUES (1)", [])
            .unwrap_err()
            .into();
        assert_eq!(typed(other).code(), "database");
    }

    #[test]
    fn search_words_become_quoted_strings() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("\" * ( )"), None);
        assert_eq!(
            fts_query("Daisy bell").as_deref(),
            Some("\"Daisy\" \"bell\"*")
        );
        assert_eq!(fts_query("AND (").as_deref(), Some("\"AND\"*"));
        assert_eq!(fts_query("a\0b").as_deref(), Some("\"a\" \"b\"*"));
        assert_eq!(
            fts_query("say \"hi\" ").as_deref(),
            Some("\"say\" \"\"\"hi\"\"\"")
        );
    }
}
