use rusqlite::{params, Connection, OptionalExtension};

use super::sql::{new_id, now};
use super::{attendees, today, Store};
use crate::error::{CoreError, Result};
use crate::model::{Referral, ReferralInput, ReferralReason, ReferralStatus, ReferralStatusChange};
use crate::validate::{self, fmt_date};

const SELECT: &str = "SELECT id, attendee_id, source, referrer_name, referrer_organisation,
        received_on, reasons, reason_notes, status, created_at, updated_at
    FROM referral";

fn history(conn: &Connection, referral_id: &str) -> Result<Vec<ReferralStatusChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT status, changed_on, note, created_at FROM referral_status_change
         WHERE referral_id = ?1 ORDER BY changed_on, created_at",
    )?;
    let rows = stmt.query_map([referral_id], |r| {
        Ok(ReferralStatusChange {
            status: r.get(0)?,
            changed_on: r.get(1)?,
            note: r.get(2)?,
            recorded_at: r.get(3)?,
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
            created_at: r.get(9)?,
            updated_at: r.get(10)?,
        })
    })?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    for referral in &mut out {
        referral.history = history(conn, &referral.id)?;
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
) -> Result<()> {
    let ts = now();
    conn.execute(
        "INSERT INTO referral_status_change (id, referral_id, status, changed_on, note, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![new_id(), referral_id, status, on, note, ts],
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
    insert_status(conn, &id, ReferralStatus::Received, &c.received_on, "")?;
    get(conn, &id)
}

pub(crate) fn set_status(
    conn: &Connection,
    referral_id: &str,
    status: ReferralStatus,
    changed_on: &str,
    note: &str,
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
    insert_status(conn, referral_id, status, &on, &note)?;
    get(conn, referral_id)
}

impl Store {
    pub fn add_referral(&mut self, input: &ReferralInput) -> Result<Referral> {
        self.write(|tx| create(tx, input))
    }

    /// Moves a referral to a new status on a date; every change is kept.
    pub fn set_referral_status(
        &mut self,
        referral_id: &str,
        status: ReferralStatus,
        changed_on: &str,
        note: &str,
    ) -> Result<Referral> {
        self.write(|tx| set_status(tx, referral_id, status, changed_on, note))
    }
}
