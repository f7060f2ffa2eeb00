//! Referrals, their history of statuses, and the rules for answering them in
//! time: a referral waits for an answer (accepted or declined) from the day
//! it is received, and is overdue once the practice's deadline has passed.

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};

use super::sql::{new_id, now};
use super::{attendees, instruments, today, Store};
use crate::error::{CoreError, Result};
use crate::model::{
    AwaitingReferral, AwaitingReplies, DeclineReason, PracticeSettings, Referral, ReferralInput,
    ReferralReason, ReferralStatus, ReferralStatusChange,
};
use crate::validate::{self, fmt_date};

/// The first-answer deadline when the practice has not set one: two weeks,
/// as social prescribing platforms expect (they decline a referral a
/// provider leaves unanswered that long).
pub const DEFAULT_RESPONSE_DAYS: u32 = 14;
/// The longest deadline a practice may set.
pub const MAX_RESPONSE_DAYS: u32 = 90;
const RESPONSE_DAYS_KEY: &str = "referral_response_days";
const EPISODE_INSTRUMENT_KEY: &str = "episode_instrument";

/// Statuses that answer a referral: after one of these it no longer waits.
/// (Contacted is a step towards an answer, not one; withdrawn is the
/// referrer's doing and ends the wait without an answer.)
pub const ANSWERS: [ReferralStatus; 4] = [
    ReferralStatus::Accepted,
    ReferralStatus::Declined,
    ReferralStatus::Started,
    ReferralStatus::Completed,
];

/// The last day to answer a referral received on `received` in time.
pub fn due_on(received: NaiveDate, response_days: u32) -> NaiveDate {
    received + Days::new(u64::from(response_days))
}

/// Whether a referral received on `received`, still unanswered on `on`, is
/// overdue: the day after its due day.
pub fn is_overdue(received: NaiveDate, response_days: u32, on: NaiveDate) -> bool {
    on > due_on(received, response_days)
}

/// Whether an answer given on `answered` was in time.
pub fn answered_in_time(received: NaiveDate, response_days: u32, answered: NaiveDate) -> bool {
    answered <= due_on(received, response_days)
}

pub(crate) fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM practice_setting WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

pub(crate) fn put_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO practice_setting (key, value, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
         WHERE value IS NOT excluded.value",
        params![key, value, now()],
    )?;
    Ok(())
}

pub(crate) fn settings(conn: &Connection) -> Result<PracticeSettings> {
    let days = setting(conn, RESPONSE_DAYS_KEY)?;
    // A measure since removed falls back to ONS4.
    let episode = setting(conn, EPISODE_INSTRUMENT_KEY)?
        .filter(|k| matches!(instruments::current(conn, k), Ok(Some(_))))
        .unwrap_or_else(|| crate::outcomes::ONS4.to_string());
    Ok(PracticeSettings {
        referral_response_days: days
            .and_then(|d| d.parse().ok())
            .filter(|d| (1..=MAX_RESPONSE_DAYS).contains(d))
            .unwrap_or(DEFAULT_RESPONSE_DAYS),
        episode_instrument_key: episode,
    })
}

fn set_settings(conn: &Connection, input: &PracticeSettings) -> Result<PracticeSettings> {
    let days = input.referral_response_days;
    if !(1..=MAX_RESPONSE_DAYS).contains(&days) {
        return Err(CoreError::invalid(
            "referralResponseDays",
            format!("Choose a number of days from 1 to {MAX_RESPONSE_DAYS}."),
        ));
    }
    let key = input.episode_instrument_key.trim();
    if instruments::current(conn, key)?.is_none() {
        return Err(CoreError::invalid(
            "episodeInstrumentKey",
            "Choose one of the measures Refrain knows.",
        ));
    }
    instruments::usable(conn, key, "chosen for the start and the end of referrals")?;
    put_setting(conn, RESPONSE_DAYS_KEY, &days.to_string())?;
    put_setting(conn, EPISODE_INSTRUMENT_KEY, key)?;
    settings(conn)
}

/// The first answer in a referral's history, if any.
pub fn first_answer(history: &[ReferralStatusChange]) -> Option<&ReferralStatusChange> {
    history.iter().find(|h| ANSWERS.contains(&h.status))
}

/// The days a referral's episode covers: from the day it was received to
/// the day it ended (completed, withdrawn or declined, as it stands now),
/// or to today while it is open. Both days included; `None` for no end.
pub fn episode_span(r: &Referral) -> (String, Option<String>) {
    let ended = matches!(
        r.status,
        ReferralStatus::Completed | ReferralStatus::Withdrawn | ReferralStatus::Declined
    );
    let end = ended
        .then(|| {
            r.history
                .iter()
                .filter(|h| h.status == r.status)
                .map(|h| h.changed_on.clone())
                .max()
        })
        .flatten();
    (r.received_on.clone(), end)
}

/// Every referral not yet answered nor withdrawn, of people not archived,
/// the longest waiting first, as it stands on `on`.
pub(crate) fn awaiting(conn: &Connection, on: NaiveDate) -> Result<AwaitingReplies> {
    let days = settings(conn)?.referral_response_days;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.id, r.attendee_id, a.full_name, r.source, r.referrer_name,
                r.referrer_organisation, r.received_on, {}
         FROM referral r JOIN attendee a ON a.id = r.attendee_id
         WHERE r.archived_at IS NULL AND a.archived_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM referral_status_change c
                            WHERE c.referral_id = r.id
                              AND c.status IN ('accepted', 'declined', 'started', 'completed',
                                               'withdrawn'))
         ORDER BY r.received_on, a.full_name COLLATE NOCASE, r.id",
        super::attendees::NEEDS_COLUMNS
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            super::attendees::needs_at(r, 7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (referral_id, attendee_id, full_name, source, name, organisation, received_on, needs) =
            row?;
        let received = validate::date("receivedOn", &received_on)?;
        out.push(AwaitingReferral {
            referral_id,
            attendee_id,
            full_name,
            source,
            referrer: referrer_words(&name, &organisation),
            due_on: fmt_date(due_on(received, days)),
            days_waiting: (on - received).num_days().max(0) as u32,
            overdue: is_overdue(received, days, on),
            received_on,
            information_needs: needs,
        });
    }
    Ok(AwaitingReplies {
        response_days: days,
        overdue: out.iter().filter(|r| r.overdue).count() as u32,
        referrals: out,
    })
}

/// "Name, organisation", leaving out what is blank.
pub fn referrer_words(name: &str, organisation: &str) -> String {
    [name.trim(), organisation.trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

const SELECT: &str = "SELECT id, attendee_id, source, referrer_name, referrer_organisation,
        received_on, reasons, reason_notes, status, created_at, updated_at
    FROM referral";

fn history(conn: &Connection, referral_id: &str) -> Result<Vec<ReferralStatusChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT status, changed_on, note, decline_reason, created_at FROM referral_status_change
         WHERE referral_id = ?1 ORDER BY changed_on, created_at",
    )?;
    let rows = stmt.query_map([referral_id], |r| {
        Ok(ReferralStatusChange {
            status: r.get(0)?,
            changed_on: r.get(1)?,
            note: r.get(2)?,
            decline_reason: r.get(3)?,
            recorded_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn query(conn: &Connection, clause: &str, arg: &str) -> Result<Vec<Referral>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} {clause}"))?;
    let rows = stmt.query_map([arg], |r| {
        let reasons: String = r.get(6)?;
        Ok(Referral {
            id: r.get(0)?,
            attendee_id: r.get(1)?,
            source: r.get(2)?,
            referrer_name: r.get(3)?,
            referrer_organisation: r.get(4)?,
            received_on: r.get(5)?,
            reasons: serde_json::from_str::<Vec<String>>(&reasons)
                .unwrap_or_default()
                .iter()
                .filter_map(|s| ReferralReason::from_db(s))
                .collect(),
            reason_notes: r.get(7)?,
            status: r.get(8)?,
            history: Vec::new(),
            prescription: None,
            created_at: r.get(9)?,
            updated_at: r.get(10)?,
        })
    })?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    for referral in &mut out {
        referral.history = history(conn, &referral.id)?;
        referral.prescription = super::prescriptions::of_referral(conn, &referral.id)?;
    }
    Ok(out)
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Referral> {
    query(conn, "WHERE id = ?1", id)?
        .pop()
        .ok_or(CoreError::NotFound { what: "referral" })
}

/// A person's referrals, newest first.
pub(crate) fn of_attendee(conn: &Connection, attendee_id: &str) -> Result<Vec<Referral>> {
    query(
        conn,
        "WHERE attendee_id = ?1 AND archived_at IS NULL ORDER BY received_on DESC, created_at DESC",
        attendee_id,
    )
}

fn insert_status(
    conn: &Connection,
    referral_id: &str,
    status: ReferralStatus,
    on: &str,
    note: &str,
    decline_reason: Option<DeclineReason>,
) -> Result<()> {
    let ts = now();
    conn.execute(
        "INSERT INTO referral_status_change
             (id, referral_id, status, changed_on, note, decline_reason, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![new_id(), referral_id, status, on, note, decline_reason, ts],
    )?;
    conn.execute(
        "UPDATE referral SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![referral_id, status, ts],
    )?;
    Ok(())
}

pub(crate) struct CleanReferral {
    received_on: String,
    /// JSON array of the reasons as stored.
    reasons: String,
    reason_notes: String,
    referrer_name: String,
    referrer_organisation: String,
}

/// The referral as it would be saved, or the first rule it breaks (also what
/// an import checks each row with; the person is not looked at).
pub(crate) fn clean(input: &ReferralInput) -> Result<CleanReferral> {
    let received = validate::date("receivedOn", &input.received_on)?;
    if received > today() {
        return Err(CoreError::invalid(
            "receivedOn",
            "The date received can't be in the future.",
        ));
    }
    let mut reasons: Vec<&str> = input.reasons.iter().map(|r| r.as_db()).collect();
    reasons.sort_unstable();
    reasons.dedup();
    let reason_notes =
        validate::long_text("reasonNotes", "the notes on reasons", &input.reason_notes)?;
    if input.reasons.contains(&ReferralReason::Other) && reason_notes.trim().is_empty() {
        return Err(CoreError::invalid(
            "reasonNotes",
            "Please say what the other reason is.",
        ));
    }
    Ok(CleanReferral {
        received_on: fmt_date(received),
        reasons: serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into()),
        reason_notes,
        referrer_name: validate::short_text(
            "referrerName",
            "the referrer's name",
            &input.referrer_name,
        )?,
        referrer_organisation: validate::short_text(
            "referrerOrganisation",
            "the organisation",
            &input.referrer_organisation,
        )?,
    })
}

/// Records a referral, its first status ("received") dated the day it came in.
pub(crate) fn create(conn: &Connection, input: &ReferralInput) -> Result<Referral> {
    attendees::get(conn, &input.attendee_id)?;
    let c = clean(input)?;
    let id = new_id();
    let ts = now();
    conn.execute(
        "INSERT INTO referral (id, attendee_id, source, referrer_name, referrer_organisation,
             received_on, reasons, reason_notes, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'received', ?9, ?9)",
        params![
            id,
            input.attendee_id,
            input.source,
            c.referrer_name,
            c.referrer_organisation,
            c.received_on,
            c.reasons,
            c.reason_notes,
            ts
        ],
    )?;
    insert_status(
        conn,
        &id,
        ReferralStatus::Received,
        &c.received_on,
        "",
        None,
    )?;
    get(conn, &id)
}

pub(crate) fn set_status(
    conn: &Connection,
    referral_id: &str,
    status: ReferralStatus,
    changed_on: &str,
    note: &str,
    decline_reason: Option<DeclineReason>,
) -> Result<Referral> {
    let current: Option<(String, ReferralStatus)> = conn
        .query_row(
            "SELECT received_on, status FROM referral WHERE id = ?1",
            [referral_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (received_on, current) = current.ok_or(CoreError::NotFound { what: "referral" })?;
    let on = validate::date("changedOn", changed_on)?;
    if on > today() {
        return Err(CoreError::invalid(
            "changedOn",
            "The date of the change can't be in the future.",
        ));
    }
    let on = fmt_date(on);
    if on < received_on {
        return Err(CoreError::invalid(
            "changedOn",
            format!("The date can't be before the referral was received ({received_on})."),
        ));
    }
    if current == status {
        return Err(CoreError::invalid(
            "status",
            "The referral already has that status.",
        ));
    }
    let note = validate::long_text("note", "the note", note)?;
    match (status, decline_reason) {
        (ReferralStatus::Declined, None) => {
            return Err(CoreError::invalid(
                "declineReason",
                "Please choose why the referral is declined: the referrer is told.",
            ))
        }
        (ReferralStatus::Declined, Some(DeclineReason::Other)) if note.trim().is_empty() => {
            return Err(CoreError::invalid(
                "note",
                "Please say why the referral is declined: the referrer is told.",
            ))
        }
        (ReferralStatus::Declined, _) | (_, None) => {}
        (_, Some(_)) => {
            return Err(CoreError::invalid(
                "declineReason",
                "A reason is given only when a referral is declined.",
            ))
        }
    }
    insert_status(conn, referral_id, status, &on, &note, decline_reason)?;
    get(conn, referral_id)
}

impl Store {
    pub fn add_referral(&mut self, input: &ReferralInput) -> Result<Referral> {
        self.write(|tx| create(tx, input))
    }

    /// Moves a referral to a new status on a date; every change is kept. A
    /// decline needs its reason (and a note when the reason is "other").
    pub fn set_referral_status(
        &mut self,
        referral_id: &str,
        status: ReferralStatus,
        changed_on: &str,
        note: &str,
        decline_reason: Option<DeclineReason>,
    ) -> Result<Referral> {
        self.write(|tx| set_status(tx, referral_id, status, changed_on, note, decline_reason))
    }

    /// The practice's settings (defaults where none were set).
    pub fn practice_settings(&self) -> Result<PracticeSettings> {
        settings(self.conn())
    }

    /// Changes the practice's settings.
    pub fn set_practice_settings(&mut self, input: &PracticeSettings) -> Result<PracticeSettings> {
        self.write(|tx| set_settings(tx, input))
    }

    /// Referrals waiting for a first answer, as they stand today.
    pub fn referrals_awaiting_reply(&self) -> Result<AwaitingReplies> {
        awaiting(self.conn(), today())
    }
}
