use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{named_params, params, Connection, OptionalExtension, Row};

use super::sql::{new_id, now};
use super::{groups, today, venues, Store};
use crate::error::{CoreError, Result};
use crate::model::{Session, SessionInput, SessionStatus, Weekday};
use crate::validate::{self, fmt_date};

/// The most sessions one "plan sessions" can create: a year of weekly meetings.
pub const MAX_GENERATE: u32 = 52;

const SELECT: &str = "SELECT s.id, s.group_id, g.name, s.date, s.start_time, s.end_time,
        s.venue_id, v.name, s.status, s.cancel_reason, s.facilitators,
        (SELECT count(*) FROM attendance a WHERE a.session_id = s.id),
        (SELECT count(*) FROM attendance a WHERE a.session_id = s.id
            AND a.mark IN ('present', 'late', 'left_early')),
        -- Expected: members on the day, plus people marked who were not members
        -- (walk-ins). Each person once. Two index ranges instead of an OR, and
        -- no temporary set, so a week of sessions stays quick.
        ((SELECT count(*) FROM membership m WHERE m.group_id = s.group_id
               AND m.left_on IS NULL AND m.joined_on <= s.date)
         + (SELECT count(*) FROM membership m WHERE m.group_id = s.group_id
               AND m.left_on > s.date AND m.joined_on <= s.date)
         + (SELECT count(*) FROM attendance a WHERE a.session_id = s.id
               AND NOT EXISTS (SELECT 1 FROM membership m
                                WHERE m.attendee_id = a.attendee_id AND m.group_id = s.group_id
                                  AND m.joined_on <= s.date
                                  AND (m.left_on IS NULL OR m.left_on > s.date)))),
        s.setlist_id, p.name, m.id, m.name,
        s.created_at, s.updated_at
    FROM session s
    JOIN practice_group g ON g.id = s.group_id
    LEFT JOIN venue v ON v.id = s.venue_id
    LEFT JOIN playlist p ON p.id = s.setlist_id
    -- The session's music (see Session::music_id). Each step only looks
    -- further when the one before found nothing; a group with no setlists
    -- costs three index lookups.
    LEFT JOIN playlist m ON m.id = coalesce(
        (SELECT s.setlist_id
          WHERE EXISTS (SELECT 1 FROM playlist_entry e WHERE e.playlist_id = s.setlist_id)),
        (SELECT u.setlist_id FROM session u
          WHERE u.group_id = s.group_id AND u.setlist_id IS NOT NULL AND u.date <= s.date
            AND u.archived_at IS NULL
            AND EXISTS (SELECT 1 FROM playlist_entry e WHERE e.playlist_id = u.setlist_id)
          ORDER BY u.date DESC, u.start_time DESC LIMIT 1),
        (SELECT l.id FROM playlist l
          WHERE l.group_id = s.group_id AND l.kind = 'setlist' AND l.archived_at IS NULL
            AND EXISTS (SELECT 1 FROM playlist_entry e WHERE e.playlist_id = l.id)
          ORDER BY l.updated_at DESC, l.id DESC LIMIT 1))";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        id: r.get(0)?,
        group_id: r.get(1)?,
        group_name: r.get(2)?,
        date: r.get(3)?,
        start_time: r.get(4)?,
        end_time: r.get(5)?,
        venue_id: r.get(6)?,
        venue_name: r.get(7)?,
        status: r.get(8)?,
        cancel_reason: r.get(9)?,
        facilitators: r.get(10)?,
        marked_count: r.get(11)?,
        attended_count: r.get(12)?,
        expected_count: r.get(13)?,
        setlist_id: r.get(14)?,
        setlist_name: r.get(15)?,
        music_id: r.get(16)?,
        music_name: r.get(17)?,
        created_at: r.get(18)?,
        updated_at: r.get(19)?,
    })
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Session> {
    conn.query_row(
        &format!("{SELECT} WHERE s.id = ?1 AND s.archived_at IS NULL"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or(CoreError::NotFound { what: "session" })
}

/// A group's sessions from `on` forward (soonest first) or before it (most
/// recent first).
pub(crate) fn of_group(
    conn: &Connection,
    group_id: &str,
    on: &str,
    upcoming: bool,
    limit: u32,
) -> Result<Vec<Session>> {
    let sql = if upcoming {
        format!(
            "{SELECT} WHERE s.group_id = :group AND s.date >= :on AND s.archived_at IS NULL
             ORDER BY s.date, s.start_time LIMIT :limit"
        )
    } else {
        format!(
            "{SELECT} WHERE s.group_id = :group AND s.date < :on AND s.archived_at IS NULL
             ORDER BY s.date DESC, s.start_time DESC LIMIT :limit"
        )
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        named_params! {":group": group_id, ":on": on, ":limit": limit},
        from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn date_taken(conn: &Connection, group_id: &str, date: &str, start: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM session WHERE group_id = ?1 AND date = ?2 AND start_time = ?3
                        AND archived_at IS NULL)",
        params![group_id, date, start],
        |r| r.get(0),
    )?)
}

fn insert(
    conn: &Connection,
    group_id: &str,
    date: &str,
    start: &str,
    end: &str,
    venue_id: Option<&str>,
    facilitators: &str,
) -> Result<String> {
    let id = new_id();
    conn.execute(
        "INSERT INTO session (id, group_id, date, start_time, end_time, venue_id, status,
             facilitators, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'planned', ?7, ?8, ?8)",
        params![
            id,
            group_id,
            date,
            start,
            end,
            venue_id,
            facilitators,
            now()
        ],
    )?;
    Ok(id)
}

pub(crate) fn create(conn: &Connection, input: &SessionInput) -> Result<Session> {
    groups::check_active(conn, &input.group_id)?;
    let group = groups::get(conn, &input.group_id)?;
    let date = fmt_date(validate::date("date", &input.date)?);
    let (start, end) =
        validate::time_span("startTime", &input.start_time, "endTime", &input.end_time)?;
    let venue_id = match input
        .venue_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(v) => {
            venues::check_usable(conn, "venueId", v)?;
            Some(v.to_string())
        }
        None => group.venue_id.clone(),
    };
    let facilitators =
        match validate::short_text("facilitators", "the facilitators", &input.facilitators)? {
            f if f.is_empty() => group.facilitators.clone(),
            f => f,
        };
    if date_taken(conn, &group.id, &date, &start)? {
        return Err(CoreError::invalid(
            "date",
            format!("{} already has a session on {date} at {start}.", group.name),
        ));
    }
    let id = insert(
        conn,
        &group.id,
        &date,
        &start,
        &end,
        venue_id.as_deref(),
        &facilitators,
    )?;
    get(conn, &id)
}

/// The next `count` weekly sessions on the group's usual day and time, on or
/// after `from`; dates that already have a session at that time are skipped.
pub(crate) fn generate(
    conn: &Connection,
    group_id: &str,
    from: NaiveDate,
    count: u32,
) -> Result<Vec<Session>> {
    groups::check_active(conn, group_id)?;
    let group = groups::get(conn, group_id)?;
    if count == 0 || count > MAX_GENERATE {
        return Err(CoreError::invalid(
            "count",
            format!("Choose between 1 and {MAX_GENERATE} sessions."),
        ));
    }
    let (Some(weekday), Some(start), Some(end)) =
        (group.weekday, &group.start_time, &group.end_time)
    else {
        return Err(CoreError::invalid(
            "weekday",
            "Set the group's usual day, start and end time first.",
        ));
    };
    let mut date = next_on_or_after(from, weekday);
    let mut ids = Vec::new();
    let mut made = 0;
    while made < count {
        let d = fmt_date(date);
        if !date_taken(conn, &group.id, &d, start)? {
            ids.push(insert(
                conn,
                &group.id,
                &d,
                start,
                end,
                group.venue_id.as_deref(),
                &group.facilitators,
            )?);
        }
        made += 1;
        date = date + Days::new(7);
    }
    ids.iter().map(|id| get(conn, id)).collect()
}

/// The first date on or after `from` that falls on `weekday`.
pub fn next_on_or_after(from: NaiveDate, weekday: Weekday) -> NaiveDate {
    let want = weekday.to_chrono().num_days_from_monday();
    let have = from.weekday().num_days_from_monday();
    from + Days::new(u64::from((7 + want - have) % 7))
}

impl Store {
    pub fn session(&self, id: &str) -> Result<Session> {
        get(self.conn(), id)
    }

    /// Sessions of active groups in the Monday-to-Sunday week holding `day`.
    pub fn sessions_in_week(&self, day: NaiveDate) -> Result<Vec<Session>> {
        let monday = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
        let sunday = monday + Days::new(6);
        self.sessions_between(monday, sunday)
    }

    /// Sessions of active groups between two dates, inclusive, in time order.
    pub fn sessions_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Session>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{SELECT} WHERE s.date BETWEEN ?1 AND ?2 AND s.archived_at IS NULL
                        AND g.archived_at IS NULL
             ORDER BY s.date, s.start_time, g.name COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map(params![fmt_date(from), fmt_date(to)], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A group's sessions, most recent first (for the CLI and reports).
    pub fn sessions_of_group(&self, group_id: &str, limit: u32) -> Result<Vec<Session>> {
        groups::get(self.conn(), group_id)?;
        let mut stmt = self.conn().prepare_cached(&format!(
            "{SELECT} WHERE s.group_id = ?1 AND s.archived_at IS NULL
             ORDER BY s.date DESC, s.start_time DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![group_id, limit], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn create_session(&mut self, input: &SessionInput) -> Result<Session> {
        self.write(|tx| create(tx, input))
    }

    /// Plans the next `count` weekly sessions from `from` (`YYYY-MM-DD`, or
    /// empty for today).
    pub fn generate_sessions(
        &mut self,
        group_id: &str,
        from: &str,
        count: u32,
    ) -> Result<Vec<Session>> {
        let from = match from.trim() {
            "" => today(),
            f => validate::date("from", f)?,
        };
        self.write(|tx| generate(tx, group_id, from, count))
    }

    /// Cancels a session that has no marks yet; the reason is required.
    pub fn cancel_session(&mut self, id: &str, reason: &str) -> Result<Session> {
        let reason = validate::name("reason", "a reason for cancelling", reason)?;
        self.write(|tx| {
            let session = get(tx, id)?;
            groups::check_active(tx, &session.group_id)?;
            if session.status == SessionStatus::Cancelled {
                return Err(CoreError::Conflict(
                    "This session is already cancelled.".into(),
                ));
            }
            if session.marked_count > 0 {
                return Err(CoreError::Conflict(
                    "This session already has people marked on its register, so it can't be \
                     cancelled. Clear the marks first if it really did not happen."
                        .into(),
                ));
            }
            tx.execute(
                "UPDATE session SET status = 'cancelled', cancel_reason = ?2, updated_at = ?3
                 WHERE id = ?1",
                params![id, reason, now()],
            )?;
            get(tx, id)
        })
    }
}
