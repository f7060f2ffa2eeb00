//! Playlist prescriptions: a referral's request for a personal playlist,
//! what it is for, what the referrer knows and says to avoid, and its status
//! (requested, being built, tried, handed over, reviewed) with every date.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::sql::{new_id, now};
use super::{referrals, today, Store};
use crate::error::{CoreError, Result};
use crate::model::{
    PlaylistPrescription, PrescriptionInput, PrescriptionPurpose, PrescriptionStatus,
    PrescriptionStatusChange, Referral, WaitingPrescription,
};
use crate::validate::{self, fmt_date};
use crate::Labelled;

/// Read with [`from_row`]; `l` is the prescription's playlist.
const COLUMNS: &str = "p.id, p.referral_id, p.purposes, p.purpose_notes, p.known_story,
        p.avoid_notes, p.status, p.playlist_id, l.name, p.created_at, p.updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<PlaylistPrescription> {
    let purposes: String = r.get(2)?;
    Ok(PlaylistPrescription {
        id: r.get(0)?,
        referral_id: r.get(1)?,
        purposes: serde_json::from_str::<Vec<String>>(&purposes)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| PrescriptionPurpose::from_db(s))
            .collect(),
        purpose_notes: r.get(3)?,
        known_story: r.get(4)?,
        avoid_notes: r.get(5)?,
        status: r.get(6)?,
        history: Vec::new(),
        playlist_id: r.get(7)?,
        playlist_name: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

fn history(conn: &Connection, id: &str) -> Result<Vec<PrescriptionStatusChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT status, changed_on, note, created_at FROM prescription_status_change
         WHERE prescription_id = ?1 ORDER BY changed_on, created_at",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(PrescriptionStatusChange {
            status: r.get(0)?,
            changed_on: r.get(1)?,
            note: r.get(2)?,
            recorded_at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn with_history(conn: &Connection, mut p: PlaylistPrescription) -> Result<PlaylistPrescription> {
    p.history = history(conn, &p.id)?;
    Ok(p)
}

/// The prescription that came with a referral, if any.
pub(crate) fn of_referral(
    conn: &Connection,
    referral_id: &str,
) -> Result<Option<PlaylistPrescription>> {
    let found = conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM playlist_prescription p
                 LEFT JOIN playlist l ON l.id = p.playlist_id
                 WHERE p.referral_id = ?1"
            ),
            [referral_id],
            from_row,
        )
        .optional()?;
    found.map(|p| with_history(conn, p)).transpose()
}

/// The prescription's referral, its person, and the date it was requested.
fn owner(conn: &Connection, prescription_id: &str) -> Result<(String, String, String)> {
    conn.query_row(
        "SELECT p.referral_id, r.attendee_id,
                (SELECT min(changed_on) FROM prescription_status_change c
                  WHERE c.prescription_id = p.id)
         FROM playlist_prescription p JOIN referral r ON r.id = p.referral_id
         WHERE p.id = ?1",
        [prescription_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()?
    .ok_or(CoreError::NotFound {
        what: "playlist prescription",
    })
}

fn changeable(conn: &Connection, attendee_id: &str) -> Result<()> {
    if super::erasure::is_erased(conn, attendee_id)? {
        return Err(CoreError::Conflict(
            "This person's record was erased on request, so it can't be changed.".into(),
        ));
    }
    if super::attendees::get(conn, attendee_id)?.archived {
        return Err(CoreError::Conflict(
            "This record is archived, so it can't be changed.".into(),
        ));
    }
    Ok(())
}

fn insert_status(
    conn: &Connection,
    id: &str,
    status: PrescriptionStatus,
    on: &str,
    note: &str,
) -> Result<()> {
    let ts = now();
    conn.execute(
        "INSERT INTO prescription_status_change (id, prescription_id, status, changed_on, note,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![new_id(), id, status, on, note, ts],
    )?;
    conn.execute(
        "UPDATE playlist_prescription SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, status, ts],
    )?;
    Ok(())
}

fn past_date(field: &'static str, value: &str, not_before: &str, what: &str) -> Result<String> {
    let on = validate::date(field, value)?;
    if on > today() {
        return Err(CoreError::invalid(
            field,
            "The date can't be in the future.",
        ));
    }
    let on = fmt_date(on);
    if on.as_str() < not_before {
        return Err(CoreError::invalid(
            field,
            format!("The date can't be before {what} ({not_before})."),
        ));
    }
    Ok(on)
}

/// What a prescription says, checked: purposes (as stored), notes.
struct Checked {
    purposes: String,
    purpose_notes: String,
    known_story: String,
    avoid_notes: String,
}

impl Checked {
    fn of(input: &PrescriptionInput) -> Result<Checked> {
        let mut purposes: Vec<&str> = input.purposes.iter().map(|p| p.as_db()).collect();
        purposes.sort_unstable();
        purposes.dedup();
        if purposes.is_empty() {
            return Err(CoreError::invalid(
                "purposes",
                "Choose what the playlist is for.",
            ));
        }
        let purpose_notes =
            validate::long_text("purposeNotes", "what it is for", &input.purpose_notes)?;
        if input.purposes.contains(&PrescriptionPurpose::Other) && purpose_notes.trim().is_empty() {
            return Err(CoreError::invalid(
                "purposeNotes",
                "Please say what else the playlist is for.",
            ));
        }
        Ok(Checked {
            purposes: serde_json::to_string(&purposes).unwrap_or_else(|_| "[]".into()),
            purpose_notes,
            known_story: validate::long_text(
                "knownStory",
                "what the referrer knows",
                &input.known_story,
            )?,
            avoid_notes: validate::long_text("avoidNotes", "what to avoid", &input.avoid_notes)?,
        })
    }
}

impl Store {
    /// Adds a playlist prescription to a referral (one per referral), its
    /// first status "requested" on the date given.
    pub fn prescribe_playlist(
        &mut self,
        referral_id: &str,
        input: &PrescriptionInput,
    ) -> Result<Referral> {
        self.write(|tx| {
            let referral = referrals::get(tx, referral_id)?;
            changeable(tx, &referral.attendee_id)?;
            if referral.prescription.is_some() {
                return Err(CoreError::Conflict(
                    "This referral already has a playlist prescription.".into(),
                ));
            }
            let checked = Checked::of(input)?;
            let on = past_date(
                "requestedOn",
                &input.requested_on,
                &referral.received_on,
                "the referral was received",
            )?;
            // One per referral, with one id wherever it is written (team
            // sharing: two laptops recording it make one prescription).
            let id = format!("{referral_id}/prescription");
            let ts = now();
            tx.execute(
                "INSERT INTO playlist_prescription (id, referral_id, purposes, purpose_notes,
                     known_story, avoid_notes, status, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'requested', ?7, ?7)",
                params![
                    id,
                    referral_id,
                    checked.purposes,
                    checked.purpose_notes,
                    checked.known_story,
                    checked.avoid_notes,
                    ts
                ],
            )?;
            insert_status(tx, &id, PrescriptionStatus::Requested, &on, "")?;
            referrals::get(tx, referral_id)
        })
    }

    /// Changes what a saved prescription says: what it is for, what the
    /// referrer knows, what to avoid. Its status and dates stay as they are
    /// (the date requested is the first status in its history); the change
    /// is in the audit log.
    pub fn update_prescription(
        &mut self,
        prescription_id: &str,
        input: &PrescriptionInput,
    ) -> Result<Referral> {
        self.write(|tx| {
            let (referral_id, attendee_id, _) = owner(tx, prescription_id)?;
            changeable(tx, &attendee_id)?;
            let checked = Checked::of(input)?;
            tx.execute(
                "UPDATE playlist_prescription SET purposes = ?2, purpose_notes = ?3,
                     known_story = ?4, avoid_notes = ?5, updated_at = ?6
                 WHERE id = ?1",
                params![
                    prescription_id,
                    checked.purposes,
                    checked.purpose_notes,
                    checked.known_story,
                    checked.avoid_notes,
                    now()
                ],
            )?;
            referrals::get(tx, &referral_id)
        })
    }

    /// Moves a prescription to a new status on a date; every change is kept.
    pub fn set_prescription_status(
        &mut self,
        prescription_id: &str,
        status: PrescriptionStatus,
        changed_on: &str,
        note: &str,
    ) -> Result<Referral> {
        self.write(|tx| {
            let (referral_id, attendee_id, requested_on) = owner(tx, prescription_id)?;
            changeable(tx, &attendee_id)?;
            let current: PrescriptionStatus = tx.query_row(
                "SELECT status FROM playlist_prescription WHERE id = ?1",
                [prescription_id],
                |r| r.get(0),
            )?;
            if current == status {
                return Err(CoreError::invalid(
                    "status",
                    format!(
                        "The prescription is already \"{}\".",
                        status.label().to_lowercase()
                    ),
                ));
            }
            let on = past_date("changedOn", changed_on, &requested_on, "it was requested")?;
            let note = validate::long_text("note", "the note", note)?;
            insert_status(tx, prescription_id, status, &on, &note)?;
            referrals::get(tx, &referral_id)
        })
    }

    /// Says which of the person's own playlists answers the prescription
    /// (or none).
    pub fn set_prescription_playlist(
        &mut self,
        prescription_id: &str,
        playlist_id: Option<&str>,
    ) -> Result<Referral> {
        self.write(|tx| {
            let (referral_id, attendee_id, _) = owner(tx, prescription_id)?;
            changeable(tx, &attendee_id)?;
            if let Some(p) = playlist_id {
                let theirs: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM playlist WHERE id = ?1 AND attendee_id = ?2
                                      AND archived_at IS NULL)",
                    params![p, attendee_id],
                    |r| r.get(0),
                )?;
                if !theirs {
                    return Err(CoreError::invalid(
                        "playlistId",
                        "Choose one of this person's own playlists.",
                    ));
                }
            }
            tx.execute(
                "UPDATE playlist_prescription SET playlist_id = ?2, updated_at = ?3 WHERE id = ?1",
                params![prescription_id, playlist_id, now()],
            )?;
            referrals::get(tx, &referral_id)
        })
    }

    /// Prescriptions still waiting (requested, or being built), longest
    /// waiting first; none for archived or erased people.
    pub fn waiting_prescriptions(&self) -> Result<Vec<WaitingPrescription>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS}, (SELECT min(changed_on) FROM prescription_status_change c
                          WHERE c.prescription_id = p.id) AS requested_on,
                    a.id, a.full_name, r.referrer_name, r.referrer_organisation, r.source
             FROM playlist_prescription p
             LEFT JOIN playlist l ON l.id = p.playlist_id
             JOIN referral r ON r.id = p.referral_id
             JOIN attendee a ON a.id = r.attendee_id
             WHERE p.status IN ('requested', 'being_built')
               AND r.archived_at IS NULL AND a.archived_at IS NULL
               AND a.id NOT IN (SELECT attendee_id FROM erasure)
             ORDER BY requested_on, a.full_name COLLATE NOCASE"
        ))?;
        let today = today();
        let rows = stmt.query_map([], |r| {
            let prescription = from_row(r)?;
            let requested_on: String = r.get(11)?;
            let name: String = r.get(14)?;
            let org: String = r.get(15)?;
            let source: crate::model::ReferralSource = r.get(16)?;
            let referred_by = [name.trim(), org.trim()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            let days = chrono::NaiveDate::parse_from_str(&requested_on, "%Y-%m-%d")
                .map(|d| (today - d).num_days().max(0) as u32)
                .unwrap_or(0);
            Ok(WaitingPrescription {
                prescription,
                attendee_id: r.get(12)?,
                attendee_name: r.get(13)?,
                referred_by: if referred_by.is_empty() {
                    source.label().to_string()
                } else {
                    referred_by
                },
                requested_on,
                days_waiting: days,
            })
        })?;
        let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        for w in &mut out {
            w.prescription.history = history(self.conn(), &w.prescription.id)?;
        }
        Ok(out)
    }
}
