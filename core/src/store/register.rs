//! The session register: who is expected, how each person took part, walk-ins
//! and the group note.

use rusqlite::{named_params, params, Connection, OptionalExtension};

use super::groups::{self, MEMBER_ON};
use super::sql::{mark_id, now};
use super::{attendees, sessions, today, Store};
use crate::error::{CoreError, Result};
use crate::model::{
    EveryoneHere, EveryoneHereUndone, Mark, Register, RegisterEntry, Session, SessionStatus, WalkIn,
};
use crate::validate::{self, fmt_date};

fn entries(conn: &Connection, session: &Session) -> Result<Vec<RegisterEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "WITH people AS (
             SELECT m.attendee_id AS id FROM membership m
              WHERE m.group_id = :group AND {MEMBER_ON}
             UNION
             SELECT attendee_id FROM attendance WHERE session_id = :session
         )
         SELECT a.id, a.full_name, a.preferred_name, a.carer_name, a.access_needs,
                a.communication_needs, t.mark, coalesce(t.carer_present, 0),
                coalesce(t.walk_in, 0), a.needs_large_print, a.needs_easy_read,
                a.needs_contact_via_carer, a.needs_interpreter, a.interpreter_language,
                a.needs_hearing_loop
         FROM people p
         JOIN attendee a ON a.id = p.id
         LEFT JOIN attendance t ON t.session_id = :session AND t.attendee_id = a.id
         WHERE a.archived_at IS NULL OR t.id IS NOT NULL
         ORDER BY coalesce(t.walk_in, 0), a.full_name COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map(
        named_params! {":group": session.group_id, ":on": session.date, ":session": session.id},
        |r| {
            Ok(RegisterEntry {
                attendee_id: r.get(0)?,
                full_name: r.get(1)?,
                preferred_name: r.get(2)?,
                carer_name: r.get(3)?,
                access_needs: r.get(4)?,
                communication_needs: r.get(5)?,
                information_needs: crate::model::InformationNeeds {
                    large_print: r.get(9)?,
                    easy_read: r.get(10)?,
                    contact_via_carer: r.get(11)?,
                    interpreter: r.get(12)?,
                    interpreter_language: r.get(13)?,
                    hearing_loop: r.get(14)?,
                },
                mark: r.get(6)?,
                carer_present: r.get(7)?,
                walk_in: r.get(8)?,
                measure_due: None,
            })
        },
    )?;
    let mut entries: Vec<RegisterEntry> = rows.collect::<rusqlite::Result<_>>()?;
    // A start measure is offered once the session's day has come.
    if session.date <= fmt_date(today()) && session.status != SessionStatus::Cancelled {
        let ids: Vec<String> = entries.iter().map(|e| e.attendee_id.clone()).collect();
        let mut due = super::episodes::start_due_at(conn, &ids, &session.date)?;
        for e in &mut entries {
            e.measure_due = due.remove(&e.attendee_id);
        }
    }
    Ok(entries)
}

fn register(conn: &Connection, session_id: &str) -> Result<Register> {
    let session = sessions::get(conn, session_id)?;
    let group_archived: bool = conn.query_row(
        "SELECT archived_at IS NOT NULL FROM practice_group WHERE id = ?1",
        [&session.group_id],
        |r| r.get(0),
    )?;
    let entries = entries(conn, &session)?;
    Ok(Register {
        can_record_who_came: check_mark_fits_date(&session, Mark::Present).is_ok(),
        unmarked_count: entries.iter().filter(|e| e.mark.is_none()).count() as u32,
        session,
        group_archived,
        entries,
    })
}

/// A session whose register may be changed: it exists, is not cancelled, and
/// its group is active.
fn open_session(conn: &Connection, session_id: &str) -> Result<Session> {
    let session = sessions::get(conn, session_id)?;
    groups::check_active(conn, &session.group_id)?;
    if session.status == SessionStatus::Cancelled {
        return Err(CoreError::Conflict(
            "This session was cancelled, so its register can't be marked.".into(),
        ));
    }
    Ok(session)
}

/// A session whose register can take what happened to `attendee_id` in it
/// (how a song went for them): the register can be marked, its day has
/// come, and they are on it.
pub(crate) fn check_can_record_for(
    conn: &Connection,
    session_id: &str,
    attendee_id: &str,
) -> Result<Session> {
    let session = open_session(conn, session_id)?;
    let person = attendees::get(conn, attendee_id)?;
    if session.date > fmt_date(today()) {
        return Err(CoreError::Conflict(format!(
            "This session is on {}, which hasn't come yet, so nothing can be recorded from \
             its register.",
            session.date
        )));
    }
    let member = is_member_on(conn, &session.group_id, attendee_id, &session.date)?;
    if !member && !has_row(conn, session_id, attendee_id)? {
        return Err(CoreError::Conflict(format!(
            "{} isn't on this register. Add them as a walk-in instead.",
            person.full_name
        )));
    }
    Ok(session)
}

fn is_member_on(conn: &Connection, group_id: &str, attendee_id: &str, on: &str) -> Result<bool> {
    Ok(conn.query_row(
        &format!(
            "SELECT EXISTS (SELECT 1 FROM membership m
                             WHERE m.group_id = :group AND m.attendee_id = :person AND {MEMBER_ON})"
        ),
        named_params! {":group": group_id, ":person": attendee_id, ":on": on},
        |r| r.get(0),
    )?)
}

fn has_row(conn: &Connection, session_id: &str, attendee_id: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM attendance WHERE session_id = ?1 AND attendee_id = ?2)",
        params![session_id, attendee_id],
        |r| r.get(0),
    )?)
}

fn check_mark_fits_date(session: &Session, mark: Mark) -> Result<()> {
    if mark.attended() && session.date > fmt_date(today()) {
        return Err(CoreError::Conflict(format!(
            "This session is on {}, which hasn't come yet. You can record apologies or an \
             absence ahead of time, but not who came.",
            session.date
        )));
    }
    Ok(())
}

/// A session is "held" once anyone has been marked as attending.
fn refresh_status(conn: &Connection, session_id: &str) -> Result<()> {
    conn.execute(
        "UPDATE session SET
             status = CASE WHEN EXISTS (SELECT 1 FROM attendance WHERE session_id = ?1
                                         AND mark IN ('present', 'late', 'left_early'))
                           THEN 'held' ELSE 'planned' END,
             updated_at = ?2
         WHERE id = ?1 AND status != 'cancelled'",
        params![session_id, now()],
    )?;
    Ok(())
}

fn insert_mark(
    conn: &Connection,
    session_id: &str,
    attendee_id: &str,
    mark: Mark,
    walk_in: bool,
) -> Result<()> {
    let ts = now();
    conn.execute(
        "INSERT INTO attendance (id, session_id, attendee_id, mark, walk_in, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT (session_id, attendee_id) DO UPDATE SET mark = excluded.mark,
             updated_at = excluded.updated_at",
        params![mark_id(session_id, attendee_id), session_id, attendee_id, mark, walk_in, ts],
    )?;
    Ok(())
}

/// Marks one person on a session's register; `None` clears their mark (and
/// takes a walk-in off the register).
pub(crate) fn set_mark(
    conn: &Connection,
    session_id: &str,
    attendee_id: &str,
    mark: Option<Mark>,
) -> Result<()> {
    let session = open_session(conn, session_id)?;
    let person = attendees::get(conn, attendee_id)?;
    let member = is_member_on(conn, &session.group_id, attendee_id, &session.date)?;
    let on_register = member || has_row(conn, session_id, attendee_id)?;
    if !on_register {
        return Err(CoreError::Conflict(format!(
            "{} isn't on this register. Add them as a walk-in instead.",
            person.full_name
        )));
    }
    match mark {
        Some(mark) => {
            check_mark_fits_date(&session, mark)?;
            insert_mark(conn, session_id, attendee_id, mark, !member)?;
        }
        None => {
            conn.execute(
                "DELETE FROM attendance WHERE session_id = ?1 AND attendee_id = ?2",
                params![session_id, attendee_id],
            )?;
        }
    }
    refresh_status(conn, session_id)
}

pub(crate) fn set_carer_present(
    conn: &Connection,
    session_id: &str,
    attendee_id: &str,
    present: bool,
) -> Result<()> {
    open_session(conn, session_id)?;
    let person = attendees::get(conn, attendee_id)?;
    let n = conn.execute(
        "UPDATE attendance SET carer_present = ?3, updated_at = ?4
         WHERE session_id = ?1 AND attendee_id = ?2",
        params![session_id, attendee_id, present, now()],
    )?;
    if n == 0 {
        return Err(CoreError::Conflict(format!(
            "Mark whether {} came before noting their carer.",
            person.preferred_name_or_full()
        )));
    }
    Ok(())
}

pub(crate) fn add_walk_in(
    conn: &Connection,
    session_id: &str,
    walk_in: &WalkIn,
    join_group: bool,
) -> Result<()> {
    let session = open_session(conn, session_id)?;
    check_mark_fits_date(&session, Mark::Present)?;
    let person = match walk_in {
        WalkIn::Existing { attendee_id } => {
            let p = attendees::get(conn, attendee_id)?;
            if p.archived {
                return Err(CoreError::Conflict(format!(
                    "{}'s record is archived. Restore it first.",
                    p.full_name
                )));
            }
            p
        }
        WalkIn::New { attendee } => attendees::create(conn, attendee)?,
    };
    let member = is_member_on(conn, &session.group_id, &person.id, &session.date)?;
    if member || has_row(conn, session_id, &person.id)? {
        return Err(CoreError::Conflict(format!(
            "{} is already on this register.",
            person.full_name
        )));
    }
    insert_mark(conn, session_id, &person.id, Mark::Present, true)?;
    if join_group {
        let on = validate::date("date", &session.date)?;
        groups::add_member(conn, &session.group_id, &person.id, on)?;
    }
    refresh_status(conn, session_id)
}

/// Marks everyone on the register who has no mark yet present: the members
/// on the day with no line on the register. People already marked are left
/// as they are. Returns who was marked and the marks made.
fn mark_everyone_else_present(
    conn: &Connection,
    session_id: &str,
) -> Result<(Vec<String>, Vec<String>)> {
    let session = open_session(conn, session_id)?;
    check_mark_fits_date(&session, Mark::Present)?;
    let unmarked: Vec<String> = entries(conn, &session)?
        .into_iter()
        .filter(|e| e.mark.is_none())
        .map(|e| e.attendee_id)
        .collect();
    if unmarked.is_empty() {
        return Err(CoreError::Conflict(
            "Everyone on this register is already marked.".into(),
        ));
    }
    let ts = now();
    let mut marks = Vec::with_capacity(unmarked.len());
    let mut insert = conn.prepare_cached(
        "INSERT INTO attendance (id, session_id, attendee_id, mark, walk_in, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 0, ?5, ?5)",
    )?;
    for attendee_id in &unmarked {
        let id = mark_id(session_id, attendee_id);
        insert.execute(params![id, session_id, attendee_id, Mark::Present, ts])?;
        marks.push(id);
    }
    refresh_status(conn, session_id)?;
    Ok((unmarked, marks))
}

/// Clears the marks "everyone else is here" made (`mark_ids`), except those
/// changed since (the audit log has more than their making), which are kept.
/// Marks already cleared, or not on this session's register, are passed over.
/// Returns the people cleared and the people kept.
fn undo_everyone_else_present(
    conn: &Connection,
    session_id: &str,
    mark_ids: &[String],
) -> Result<(Vec<String>, Vec<String>)> {
    open_session(conn, session_id)?;
    let (mut cleared, mut kept) = (Vec::new(), Vec::new());
    let mut find = conn.prepare_cached(
        "SELECT t.attendee_id,
                EXISTS (SELECT 1 FROM audit_log l
                         WHERE l.record_table = 'attendance' AND l.record_id = t.id
                           AND l.action != 'created')
         FROM attendance t WHERE t.id = ?1 AND t.session_id = ?2",
    )?;
    for mark_id in mark_ids {
        let found: Option<(String, bool)> = find
            .query_row(params![mark_id, session_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match found {
            None => {}
            Some((attendee_id, true)) => kept.push(attendee_id),
            Some((attendee_id, false)) => {
                conn.execute("DELETE FROM attendance WHERE id = ?1", [mark_id])?;
                cleared.push(attendee_id);
            }
        }
    }
    refresh_status(conn, session_id)?;
    Ok((cleared, kept))
}

impl Store {
    pub fn register(&self, session_id: &str) -> Result<Register> {
        register(self.conn(), session_id)
    }

    /// Marks one person on a session's register; `None` clears their mark
    /// (and takes a walk-in off the register). Returns the updated register.
    pub fn set_mark(
        &mut self,
        session_id: &str,
        attendee_id: &str,
        mark: Option<Mark>,
    ) -> Result<Register> {
        self.write(|tx| {
            set_mark(tx, session_id, attendee_id, mark)?;
            register(tx, session_id)
        })
    }

    /// Records whether the person's carer or companion came too.
    pub fn set_carer_present(
        &mut self,
        session_id: &str,
        attendee_id: &str,
        present: bool,
    ) -> Result<Register> {
        self.write(|tx| {
            set_carer_present(tx, session_id, attendee_id, present)?;
            register(tx, session_id)
        })
    }

    /// "Everyone else is here": marks every member on the register who has
    /// no mark yet present, in one change, leaving everyone already marked as
    /// they are. Refused before the session's day, on a cancelled session or
    /// an archived group, and when nobody is left unmarked.
    pub fn mark_everyone_else_present(&mut self, session_id: &str) -> Result<EveryoneHere> {
        self.write(|tx| {
            let (attendee_ids, mark_ids) = mark_everyone_else_present(tx, session_id)?;
            Ok(EveryoneHere {
                register: register(tx, session_id)?,
                attendee_ids,
                mark_ids,
            })
        })
    }

    /// Undoes "everyone else is here": clears the marks it made (`mark_ids`,
    /// from [`EveryoneHere`]) that nobody has changed since; a mark changed
    /// since (another mark, a carer noted) is kept.
    pub fn undo_everyone_else_present(
        &mut self,
        session_id: &str,
        mark_ids: &[String],
    ) -> Result<EveryoneHereUndone> {
        self.write(|tx| {
            let (cleared, kept) = undo_everyone_else_present(tx, session_id, mark_ids)?;
            Ok(EveryoneHereUndone {
                register: register(tx, session_id)?,
                cleared,
                kept,
            })
        })
    }

    /// Adds someone who is not a member to the register, marked present. A
    /// person already on the register is refused, so nobody is counted twice.
    /// A new person is created in the same transaction.
    pub fn add_walk_in(
        &mut self,
        session_id: &str,
        walk_in: &WalkIn,
        join_group: bool,
    ) -> Result<Register> {
        self.write(|tx| {
            add_walk_in(tx, session_id, walk_in, join_group)?;
            register(tx, session_id)
        })
    }
}

/// The name to use when speaking to or about someone: their preferred name,
/// else their full name.
pub(crate) fn call_name<'a>(full_name: &'a str, preferred_name: &'a str) -> &'a str {
    match preferred_name.trim() {
        "" => full_name,
        preferred => preferred,
    }
}

impl crate::model::Attendee {
    /// The name to use when speaking to or about the person.
    pub fn preferred_name_or_full(&self) -> &str {
        call_name(&self.full_name, &self.preferred_name)
    }
}
