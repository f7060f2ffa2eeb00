//! Recorded outcome answers and what they say: a session's score sheet, a
//! person's outcomes over time and a group's outcomes over a period.
//!
//! Rules kept here (the instruments and their scoring are in `crate::outcomes`):
//! - A set is stored with the instrument version it was taken with and is
//!   always scored by that version.
//! - Before/after sets belong to a session and to someone marked present, late
//!   or left early on its register; there is one per person, session,
//!   instrument, timing and rater. Saving it again replaces its answers; saving
//!   it empty archives it.
//! - Intake, review and discharge sets belong to the person; each is a new set.
//! - A partly filled set is kept (`complete = 0`) and shown as incomplete,
//!   never scored or counted.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::instruments::{self, instrument_version};
use super::sql::{new_id, now};
use super::{attendees, groups, register, today, Store};
use crate::error::{CoreError, Result};
use crate::model::{
    Attendee, GroupInstrumentOutcome, GroupOutcomes, PersonInstrumentHistory, PersonOutcomes,
    ScoreSet, ScoreSetInput, ScoreSheet, ScoreSheetRow, SessionPrePost, SessionStatus,
    SessionSummary, Timing,
};
use crate::outcomes::{
    self, Change, Checked, GroupSummary, Instrument, MissingItem, PrePost, Rater, Response, Scored,
    Scoring,
};
use crate::validate::{self, fmt_date};

/// The marks that put a person in the room.
const ATTENDED: &str = "('present', 'late', 'left_early')";

const SET_COLUMNS: &str = "s.id, s.attendee_id, s.session_id, s.instrument_key,
    s.instrument_version, s.timing, s.rater, s.rater_name, s.taken_on, s.created_at,
    s.updated_at";

/// A stored set before its answers are read and scored.
struct SetRow {
    id: String,
    attendee_id: String,
    session_id: Option<String>,
    instrument_key: String,
    instrument_version: String,
    timing: Timing,
    rater: Rater,
    rater_name: String,
    taken_on: String,
    created_at: String,
    updated_at: String,
}

fn set_row(r: &Row<'_>) -> rusqlite::Result<SetRow> {
    Ok(SetRow {
        id: r.get(0)?,
        attendee_id: r.get(1)?,
        session_id: r.get(2)?,
        instrument_key: r.get(3)?,
        instrument_version: r.get(4)?,
        timing: r.get(5)?,
        rater: r.get(6)?,
        rater_name: r.get(7)?,
        taken_on: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

/// Instrument versions read once per view.
struct Versions<'c> {
    conn: &'c Connection,
    cache: HashMap<(String, String), Instrument>,
}

impl<'c> Versions<'c> {
    fn new(conn: &'c Connection) -> Self {
        Versions {
            conn,
            cache: HashMap::new(),
        }
    }

    fn get(&mut self, key: &str, version: &str) -> Result<&Instrument> {
        let id = (key.to_string(), version.to_string());
        if !self.cache.contains_key(&id) {
            let instrument = instrument_version(self.conn, key, version)?;
            self.cache.insert(id.clone(), instrument);
        }
        Ok(&self.cache[&id])
    }
}

/// Answers in the instrument's item order (any the instrument lacks, last).
fn in_item_order(instrument: &Instrument, answers: &mut [Response]) {
    answers.sort_by_key(|a| {
        (
            instrument
                .items
                .iter()
                .position(|i| i.key == a.item_key)
                .unwrap_or(usize::MAX),
            a.item_key.clone(),
        )
    });
}

fn read_answers(conn: &Connection, set_id: &str) -> Result<Vec<Response>> {
    let mut stmt =
        conn.prepare_cached("SELECT item_key, value FROM score_answer WHERE score_set_id = ?1")?;
    let rows = stmt.query_map([set_id], |r| {
        Ok(Response::new(r.get::<_, String>(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Reads a set's answers and scores them by the version they were taken with.
fn build(conn: &Connection, versions: &mut Versions<'_>, row: SetRow) -> Result<ScoreSet> {
    let instrument = versions.get(&row.instrument_key, &row.instrument_version)?;
    let mut answers = read_answers(conn, &row.id)?;
    in_item_order(instrument, &mut answers);
    let scored = outcomes::score(instrument, row.rater, &answers)?;
    Ok(ScoreSet {
        id: row.id,
        attendee_id: row.attendee_id,
        session_id: row.session_id,
        instrument_key: row.instrument_key,
        instrument_version: row.instrument_version,
        timing: row.timing,
        rater: row.rater,
        rater_name: row.rater_name,
        taken_on: row.taken_on,
        answers,
        scored,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn get_set(conn: &Connection, id: &str) -> Result<ScoreSet> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {SET_COLUMNS} FROM score_set s WHERE s.id = ?1"
        ))?
        .query_row([id], set_row)
        .optional()?
        .ok_or(CoreError::NotFound {
            what: "set of scores",
        })?;
    build(conn, &mut Versions::new(conn), row)
}

/// What the scores need to know of a session.
struct SessionInfo {
    id: String,
    group_id: String,
    date: String,
    status: SessionStatus,
}

fn session_info(conn: &Connection, id: &str) -> Result<SessionInfo> {
    conn.prepare_cached(
        "SELECT id, group_id, date, status FROM session WHERE id = ?1 AND archived_at IS NULL",
    )?
    .query_row([id], |r| {
        Ok(SessionInfo {
            id: r.get(0)?,
            group_id: r.get(1)?,
            date: r.get(2)?,
            status: r.get(3)?,
        })
    })
    .optional()?
    .ok_or(CoreError::NotFound { what: "session" })
}

/// The people marked present, late or left early, in the register's order
/// (members, then walk-ins; each by full name).
fn attended(conn: &Connection, session_id: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.id, a.full_name, a.preferred_name
         FROM attendance t JOIN attendee a ON a.id = t.attendee_id
         WHERE t.session_id = ?1 AND t.mark IN {ATTENDED}
         ORDER BY t.walk_in, a.full_name COLLATE NOCASE, a.id"
    ))?;
    let rows = stmt.query_map([session_id], |r| {
        let (full, preferred): (String, String) = (r.get(1)?, r.get(2)?);
        Ok((
            r.get::<_, String>(0)?,
            register::call_name(&full, &preferred).to_string(),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The before/after sets of a session's people who are marked as attending, in
/// the register's order.
fn session_sets(
    conn: &Connection,
    versions: &mut Versions<'_>,
    session_id: &str,
) -> Result<Vec<ScoreSet>> {
    let rows: Vec<SetRow> = conn
        .prepare_cached(&format!(
            "SELECT {SET_COLUMNS}
             FROM score_set s
             JOIN attendance t ON t.session_id = s.session_id AND t.attendee_id = s.attendee_id
             JOIN attendee a ON a.id = s.attendee_id
             WHERE s.session_id = ?1 AND s.archived_at IS NULL AND t.mark IN {ATTENDED}
             ORDER BY t.walk_in, a.full_name COLLATE NOCASE, a.id, s.instrument_key,
                      s.timing DESC, s.rater"
        ))?
        .query_map([session_id], set_row)?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|row| build(conn, versions, row))
        .collect()
}

fn is_attending(conn: &Connection, session_id: &str, attendee_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM attendance WHERE session_id = ?1 AND attendee_id = ?2
                            AND mark IN {ATTENDED})"
        ))?
        .query_row(params![session_id, attendee_id], |r| r.get(0))?)
}

/// `check_responses`, with its refusals shown beside the answers.
fn check_answers(instrument: &Instrument, answers: &[Response]) -> Result<Checked> {
    outcomes::check_responses(instrument, answers).map_err(|e| match e {
        CoreError::Invalid { message, .. } => CoreError::Invalid {
            field: "answers",
            message,
        },
        other => other,
    })
}

/// The answers to store (in item order) and whether they are complete.
fn checked_answers(instrument: &Instrument, answers: &[Response]) -> Result<(Vec<Response>, bool)> {
    Ok(match check_answers(instrument, answers)? {
        Checked::Complete { responses } => (responses, true),
        Checked::Incomplete { .. } => {
            let mut given = answers.to_vec();
            in_item_order(instrument, &mut given);
            (given, false)
        }
    })
}

fn insert_answers(conn: &Connection, set_id: &str, answers: &[Response], ts: &str) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO score_answer (score_set_id, item_key, value, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )?;
    for a in answers {
        stmt.execute(params![set_id, a.item_key, a.value, ts])?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn insert_set(
    conn: &Connection,
    input: &ScoreSetInput,
    session_id: Option<&str>,
    version: &str,
    rater_name: &str,
    taken_on: &str,
    answers: &[Response],
    complete: bool,
) -> Result<String> {
    let id = new_id();
    let ts = now();
    conn.execute(
        "INSERT INTO score_set (id, attendee_id, session_id, instrument_key, instrument_version,
             timing, rater, rater_name, taken_on, complete, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        params![
            id,
            input.attendee_id,
            session_id,
            input.instrument_key,
            version,
            input.timing,
            input.rater,
            rater_name,
            taken_on,
            complete,
            ts
        ],
    )?;
    insert_answers(conn, &id, answers, &ts)?;
    Ok(id)
}

fn given_session_id(input: &ScoreSetInput) -> Option<&str> {
    input
        .session_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn timing_word(timing: Timing) -> &'static str {
    match timing {
        Timing::Before => "Before",
        Timing::After => "After",
        Timing::Intake => "Intake",
        Timing::Review => "Review",
        Timing::Discharge => "Discharge",
    }
}

pub(crate) fn record(conn: &Connection, input: &ScoreSetInput) -> Result<ScoreSet> {
    let person = attendees::get(conn, &input.attendee_id)?;
    let rater_name = validate::short_text("raterName", "the rater's name", &input.rater_name)?;
    if input.timing.is_session() {
        record_in_session(conn, input, &person, &rater_name)
    } else {
        record_for_person(conn, input, &person, &rater_name)
    }
}

fn record_in_session(
    conn: &Connection,
    input: &ScoreSetInput,
    person: &Attendee,
    rater_name: &str,
) -> Result<ScoreSet> {
    let Some(session_id) = given_session_id(input) else {
        return Err(CoreError::invalid(
            "sessionId",
            "Answers taken before or after a session need that session. Please choose it.",
        ));
    };
    let session = session_info(conn, session_id)?;
    if session.status == SessionStatus::Cancelled {
        return Err(CoreError::Conflict(
            "This session was cancelled, so no scores can be recorded for it.".into(),
        ));
    }
    groups::check_active(conn, &session.group_id)?;
    let current = instruments::get_current(conn, &input.instrument_key)?;
    let existing: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT id, instrument_version FROM score_set
             WHERE session_id = ?1 AND attendee_id = ?2 AND instrument_key = ?3 AND timing = ?4
               AND rater = ?5 AND archived_at IS NULL",
        )?
        .query_row(
            params![
                session.id,
                person.id,
                input.instrument_key,
                input.timing,
                input.rater
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;

    if input.answers.is_empty() {
        // The row was cleared: the set it held is archived, never deleted.
        let Some((id, _)) = existing else {
            return Err(CoreError::invalid(
                "answers",
                "Please answer at least one item before saving.",
            ));
        };
        archive_set(conn, &id)?;
        let mut cleared = get_set(conn, &id)?;
        let instrument =
            instrument_version(conn, &cleared.instrument_key, &cleared.instrument_version)?;
        cleared.answers = Vec::new();
        cleared.scored = Scored::Incomplete {
            missing: instrument
                .items
                .iter()
                .map(|i| MissingItem {
                    key: i.key.clone(),
                    text: i.text.clone(),
                })
                .collect(),
        };
        return Ok(cleared);
    }

    if current.archived {
        return Err(CoreError::Conflict(format!(
            "“{}” is archived, so it can't be used for new answers.",
            current.instrument.name
        )));
    }
    // A set being replaced keeps the version it was first taken with.
    let instrument = match &existing {
        Some((_, version)) => instrument_version(conn, &input.instrument_key, version)?,
        None => current.instrument,
    };
    outcomes::check_rater(&instrument, input.rater)?;
    if !is_attending(conn, &session.id, &person.id)? {
        return Err(CoreError::invalid(
            "attendeeId",
            format!(
                "{} is not marked as present in this session, so their scores can't be recorded.",
                person.preferred_name_or_full()
            ),
        ));
    }
    let (answers, complete) = checked_answers(&instrument, &input.answers)?;
    let id = match existing {
        Some((id, _)) => {
            let ts = now();
            conn.execute(
                "UPDATE score_set SET rater_name = ?2, taken_on = ?3, complete = ?4, updated_at = ?5
                 WHERE id = ?1",
                params![id, rater_name, session.date, complete, ts],
            )?;
            conn.execute("DELETE FROM score_answer WHERE score_set_id = ?1", [&id])?;
            insert_answers(conn, &id, &answers, &ts)?;
            id
        }
        None => insert_set(
            conn,
            input,
            Some(&session.id),
            &instrument.version,
            rater_name,
            &session.date,
            &answers,
            complete,
        )?,
    };
    get_set(conn, &id)
}

fn record_for_person(
    conn: &Connection,
    input: &ScoreSetInput,
    person: &Attendee,
    rater_name: &str,
) -> Result<ScoreSet> {
    if given_session_id(input).is_some() {
        return Err(CoreError::invalid(
            "sessionId",
            format!(
                "{} answers belong to the person, not to a session. Please leave the session \
                 out, or record them as before or after the session.",
                timing_word(input.timing)
            ),
        ));
    }
    if person.archived {
        return Err(CoreError::Conflict(format!(
            "{}'s record is archived. Restore it first.",
            person.full_name
        )));
    }
    let instrument = instruments::usable(conn, &input.instrument_key, "used for new answers")?;
    outcomes::check_rater(&instrument, input.rater)?;
    let taken_on = match input.taken_on.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => {
            let day = validate::date("takenOn", d)?;
            if day > today() {
                return Err(CoreError::invalid(
                    "takenOn",
                    format!(
                        "{} hasn't come yet. Please enter the day the answers were given.",
                        fmt_date(day)
                    ),
                ));
            }
            fmt_date(day)
        }
        None => fmt_date(today()),
    };
    if input.answers.is_empty() {
        return Err(CoreError::invalid(
            "answers",
            "Please answer at least one item before saving.",
        ));
    }
    let (answers, complete) = checked_answers(&instrument, &input.answers)?;
    let id = insert_set(
        conn,
        input,
        None,
        &instrument.version,
        rater_name,
        &taken_on,
        &answers,
        complete,
    )?;
    get_set(conn, &id)
}

fn archive_set(conn: &Connection, id: &str) -> Result<()> {
    let ts = now();
    let n = conn.execute(
        "UPDATE score_set SET archived_at = ?2, updated_at = ?2 WHERE id = ?1 AND archived_at IS NULL",
        params![id, ts],
    )?;
    if n == 0 {
        let found: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM score_set WHERE id = ?1)",
            [id],
            |r| r.get(0),
        )?;
        if !found {
            return Err(CoreError::NotFound {
                what: "set of scores",
            });
        }
    }
    Ok(())
}

fn timing_rank(timing: Timing) -> u8 {
    match timing {
        Timing::Intake => 0,
        Timing::Before => 1,
        Timing::After => 2,
        Timing::Review => 3,
        Timing::Discharge => 4,
    }
}

/// Orders versions by number ("2" before "10").
fn version_order(version: &str) -> (u64, String) {
    (version.parse().unwrap_or(u64::MAX), version.to_string())
}

/// Group summaries of before/after sets of one instrument, one call of
/// `group_summary` per version the sets were taken with (answers taken with
/// different versions are never compared). `person` names the unit counted
/// once per rater (a person, or a person in one session).
fn summaries_of(
    versions: &mut Versions<'_>,
    key: &str,
    sets: &[&ScoreSet],
    person: impl Fn(&ScoreSet) -> String,
) -> Result<Vec<GroupSummary>> {
    let mut by_version: BTreeMap<(u64, String), Vec<PrePost>> = BTreeMap::new();
    let mut index: HashMap<(String, String, Rater), usize> = HashMap::new();
    for set in sets.iter().filter(|s| s.instrument_key == key) {
        let v = version_order(&set.instrument_version);
        let list = by_version.entry(v).or_default();
        let who = person(set);
        let at = *index
            .entry((set.instrument_version.clone(), who.clone(), set.rater))
            .or_insert_with(|| {
                list.push(PrePost {
                    person_id: who,
                    rater: set.rater,
                    pre: Vec::new(),
                    post: Vec::new(),
                });
                list.len() - 1
            });
        match set.timing {
            Timing::Before => list[at].pre = set.answers.clone(),
            Timing::After => list[at].post = set.answers.clone(),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for ((_, version), people) in by_version {
        let instrument = versions.get(key, &version)?;
        if !matches!(instrument.scoring, Scoring::MeanOfItems) {
            continue;
        }
        out.extend(outcomes::group_summary(instrument, &people)?);
    }
    Ok(out)
}

fn is_mean(instrument: &Instrument) -> bool {
    matches!(instrument.scoring, Scoring::MeanOfItems)
}

fn score_sheet(conn: &Connection, session_id: &str) -> Result<ScoreSheet> {
    let session = session_info(conn, session_id)?;
    let chosen = instruments::choices_with_definitions(conn, &session.group_id)?;
    let mut versions = Versions::new(conn);
    let sets = session_sets(conn, &mut versions, &session.id)?;

    // Instruments in the group's order, then any others answered here.
    let mut keys: Vec<String> = chosen
        .iter()
        .map(|(c, _)| c.instrument_key.clone())
        .collect();
    let mut others: Vec<String> = sets
        .iter()
        .map(|s| s.instrument_key.clone())
        .filter(|k| !keys.contains(k))
        .collect();
    others.sort();
    others.dedup();
    keys.extend(others);
    let position = |key: &str| keys.iter().position(|k| k == key).unwrap_or(usize::MAX);

    let mut rows: Vec<ScoreSheetRow> = attended(conn, &session.id)?
        .into_iter()
        .map(|(attendee_id, name)| ScoreSheetRow {
            attendee_id,
            name,
            sets: Vec::new(),
        })
        .collect();
    for set in &sets {
        if let Some(row) = rows.iter_mut().find(|r| r.attendee_id == set.attendee_id) {
            row.sets.push(set.clone());
        }
    }
    for row in &mut rows {
        row.sets
            .sort_by_key(|s| (position(&s.instrument_key), timing_rank(s.timing), s.rater));
    }

    let mut summaries = Vec::new();
    let all: Vec<&ScoreSet> = sets.iter().collect();
    for key in &keys {
        if !is_mean(&instruments::get_current(conn, key)?.instrument) {
            continue;
        }
        summaries.extend(summaries_of(&mut versions, key, &all, |s| {
            s.attendee_id.clone()
        })?);
    }

    let (choices, instruments) = chosen.into_iter().unzip();
    Ok(ScoreSheet {
        session_id: session.id,
        choices,
        instruments,
        rows,
        summaries,
    })
}

/// A set with what the person's page needs of its session.
struct PersonSet {
    set: ScoreSet,
    session_start: String,
    session_date: String,
    group_name: String,
}

/// A set with its session's date, start time and group name (none for intake,
/// review and discharge).
type PersonRow = (SetRow, Option<String>, Option<String>, Option<String>);

pub(crate) fn person_outcomes(conn: &Connection, attendee_id: &str) -> Result<PersonOutcomes> {
    let person = attendees::get(conn, attendee_id)?;
    let rows: Vec<PersonRow> = conn
        .prepare_cached(&format!(
            "SELECT {SET_COLUMNS}, se.date, se.start_time, g.name
             FROM score_set s
             LEFT JOIN session se ON se.id = s.session_id
             LEFT JOIN practice_group g ON g.id = se.group_id
             WHERE s.attendee_id = ?1 AND s.archived_at IS NULL"
        ))?
        .query_map([&person.id], |r| {
            Ok((set_row(r)?, r.get(11)?, r.get(12)?, r.get(13)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut versions = Versions::new(conn);
    let mut sets = Vec::with_capacity(rows.len());
    for (row, date, start, group) in rows {
        let set = build(conn, &mut versions, row)?;
        sets.push(PersonSet {
            session_date: date.unwrap_or_else(|| set.taken_on.clone()),
            session_start: start.unwrap_or_default(),
            group_name: group.unwrap_or_default(),
            set,
        });
    }
    // Oldest first: on one day, intake first and review or discharge last;
    // a session's before ahead of its after.
    sets.sort_by(|a, b| {
        let key = |p: &PersonSet| {
            let phase = match p.set.timing {
                Timing::Intake => 0,
                Timing::Before | Timing::After => 1,
                Timing::Review | Timing::Discharge => 2,
            };
            (
                p.set.taken_on.clone(),
                phase,
                p.session_start.clone(),
                p.set.session_id.clone(),
                timing_rank(p.set.timing),
                p.set.rater,
                p.set.created_at.clone(),
            )
        };
        key(a).cmp(&key(b))
    });

    let mut order: Vec<String> = Vec::new();
    for p in &sets {
        if !order.contains(&p.set.instrument_key) {
            order.push(p.set.instrument_key.clone());
        }
    }
    let mut histories = Vec::with_capacity(order.len());
    for key in order {
        let instrument = instruments::get_current(conn, &key)?.instrument;
        let mine: Vec<&PersonSet> = sets
            .iter()
            .filter(|p| p.set.instrument_key == key)
            .collect();
        let mut sessions: Vec<SessionPrePost> = Vec::new();
        // The version each session's before and after were taken with: a
        // change is only worked out between answers to the same version.
        let mut versions: Vec<[Option<String>; 2]> = Vec::new();
        if !matches!(instrument.scoring, Scoring::ItemByItem) {
            for p in mine.iter().filter(|p| p.set.timing.is_session()) {
                let Some(session_id) = p.set.session_id.clone() else {
                    continue;
                };
                let value = p
                    .set
                    .scored
                    .score()
                    .and_then(|s| s.mean().or(s.raw_and_metric().map(|(_, m)| m)));
                let at = match sessions
                    .iter()
                    .position(|s| s.session_id == session_id && s.rater == p.set.rater)
                {
                    Some(at) => at,
                    None => {
                        sessions.push(SessionPrePost {
                            session_id,
                            date: p.session_date.clone(),
                            group_name: p.group_name.clone(),
                            rater: p.set.rater,
                            before: None,
                            after: None,
                            change: None,
                        });
                        versions.push([None, None]);
                        sessions.len() - 1
                    }
                };
                let version = Some(p.set.instrument_version.clone());
                if p.set.timing == Timing::Before {
                    sessions[at].before = value;
                    versions[at][0] = version;
                } else {
                    sessions[at].after = value;
                    versions[at][1] = version;
                }
            }
            for (s, [before, after]) in sessions.iter_mut().zip(&versions) {
                s.change = if before == after {
                    s.before.zip(s.after).map(|(a, b)| Change::between(a, b))
                } else {
                    None
                };
            }
        }
        histories.push(PersonInstrumentHistory {
            instrument,
            sets: mine.iter().map(|p| p.set.clone()).collect(),
            sessions,
        });
    }
    Ok(PersonOutcomes {
        attendee_id: person.id,
        instruments: histories,
    })
}

/// Separates the attendee id from the session in a person-session key.
const PAIR: char = '\u{1f}';

fn attendee_of(pair: &str) -> String {
    pair.split(PAIR).next().unwrap_or(pair).to_string()
}

fn group_outcomes(
    conn: &Connection,
    group_id: &str,
    from: &str,
    to: &str,
) -> Result<GroupOutcomes> {
    let (from, to) = validate::period(from, to)?;
    let (from, to) = (fmt_date(from), fmt_date(to));
    let found: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM practice_group WHERE id = ?1)",
        [group_id],
        |r| r.get(0),
    )?;
    if !found {
        return Err(CoreError::NotFound { what: "group" });
    }
    let instruments = outcomes_of_groups(conn, &[group_id], &from, &to)?;
    Ok(GroupOutcomes {
        group_id: group_id.to_string(),
        from,
        to,
        instruments,
    })
}

/// The before/after outcomes of every session of these groups from `from`
/// to `to` (checked `YYYY-MM-DD` dates), taken together: one group's for its
/// page, several for a programme's summary. The groups' chosen instruments
/// come first, in order, then any other instrument their sessions used.
pub(crate) fn outcomes_of_groups(
    conn: &Connection,
    group_ids: &[&str],
    from: &str,
    to: &str,
) -> Result<Vec<GroupInstrumentOutcome>> {
    let mut keys: Vec<String> = Vec::new();
    let mut sessions: Vec<(String, String, String)> = Vec::new();
    for group_id in group_ids {
        for (c, _) in instruments::choices_with_definitions(conn, group_id)? {
            if !keys.contains(&c.instrument_key) {
                keys.push(c.instrument_key);
            }
        }
        let mut stmt = conn.prepare_cached(
            "SELECT id, date, start_time FROM session
             WHERE group_id = ?1 AND date >= ?2 AND date <= ?3 AND archived_at IS NULL",
        )?;
        let rows = stmt.query_map(params![group_id, from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        for row in rows {
            sessions.push(row?);
        }
    }
    sessions.sort_by(|a, b| (&a.1, &a.2, &a.0).cmp(&(&b.1, &b.2, &b.0)));
    let mut versions = Versions::new(conn);
    let mut by_session: Vec<(String, String, Vec<ScoreSet>)> = Vec::new();
    for (id, date, _) in sessions {
        let sets = session_sets(conn, &mut versions, &id)?;
        if !sets.is_empty() {
            by_session.push((id, date, sets));
        }
    }

    for (_, _, sets) in &by_session {
        for s in sets {
            if !keys.contains(&s.instrument_key) {
                keys.push(s.instrument_key.clone());
            }
        }
    }

    let mut out = Vec::new();
    for key in keys {
        let instrument = instruments::get_current(conn, &key)?.instrument;
        if !is_mean(&instrument) {
            continue;
        }
        // The whole period: each person-session pair counts once per rater.
        let all: Vec<&ScoreSet> = by_session
            .iter()
            .flat_map(|(_, _, sets)| sets.iter())
            .filter(|s| s.instrument_key == key)
            .collect();
        let mut summaries = summaries_of(&mut versions, &key, &all, |s| {
            format!(
                "{}{PAIR}{}",
                s.attendee_id,
                s.session_id.as_deref().unwrap_or("")
            )
        })?;
        for summary in &mut summaries {
            for p in &mut summary.people {
                p.person_id = attendee_of(&p.person_id);
            }
            for p in &mut summary.left_out {
                p.person_id = attendee_of(&p.person_id);
            }
        }
        let mut per_session = Vec::new();
        for (session_id, date, sets) in &by_session {
            let mine: Vec<&ScoreSet> = sets.iter().filter(|s| s.instrument_key == key).collect();
            if mine.is_empty() {
                continue;
            }
            per_session.push(SessionSummary {
                session_id: session_id.clone(),
                date: date.clone(),
                summaries: summaries_of(&mut versions, &key, &mine, |s| s.attendee_id.clone())?,
            });
        }
        out.push(GroupInstrumentOutcome {
            instrument,
            summaries,
            sessions: per_session,
        });
    }
    Ok(out)
}

impl Store {
    /// Records a set of answers. Before/after answers belong to a session and
    /// a person marked as attending it, one set per person, session,
    /// instrument, timing and rater: saving again replaces its answers, and
    /// saving no answers archives it (the returned set then has no answers).
    /// Intake, review and discharge answers belong to the person; each call
    /// records a new set. A partly answered set is kept and shown as
    /// incomplete, never scored. A refused set writes nothing.
    pub fn record_scores(&mut self, input: &ScoreSetInput) -> Result<ScoreSet> {
        self.write(|tx| record(tx, input))
    }

    /// Archives a set of answers: it is kept but no longer shown or counted.
    pub fn archive_score_set(&mut self, id: &str) -> Result<()> {
        self.write(|tx| archive_set(tx, id))
    }

    /// The quick entry grid of a session: the group's instruments, a row per
    /// person marked present, late or left early, and the session's summaries.
    pub fn score_sheet(&self, session_id: &str) -> Result<ScoreSheet> {
        score_sheet(self.conn(), session_id)
    }

    /// Everything the person's answers say, instrument by instrument (in the
    /// order first used), every set scored by the version it was taken with.
    pub fn person_outcomes(&self, attendee_id: &str) -> Result<PersonOutcomes> {
        person_outcomes(self.conn(), attendee_id)
    }

    /// A group's before/after outcomes between two dates (both included), per
    /// mean-scored instrument and rater, over the period and session by session.
    pub fn group_outcomes(&self, group_id: &str, from: &str, to: &str) -> Result<GroupOutcomes> {
        group_outcomes(self.conn(), group_id, from, to)
    }
}
