//! Erasure on request (the right to be forgotten): one person's personal
//! data removed in one transaction, keeping only what past sessions need to
//! keep their counts. The person's row stays as an anonymous placeholder
//! ("Erased person 3F2A") so that registers, attendance rates and session
//! totals do not change; everything else about them is deleted: their
//! details and consents, referrals and their history (with any playlist
//! prescription), outcome scores,
//! clinical notes with amendments (and their search index entries),
//! personal playlists, and their music life story with its avoid list. Current memberships end today. The reason, the date
//! and who did it are kept in `erasure`, and the audit log records it.
//!
//! Older backups still hold the person until they rotate out; the screen
//! says so.

use rusqlite::{params, Connection, OptionalExtension};

use super::sql::now;
use super::{today, Store};
use crate::error::{CoreError, Result};
use crate::model::Erasure;
use crate::validate::{self, fmt_date};

fn count(conn: &Connection, sql: &str, id: &str) -> Result<u32> {
    Ok(conn.query_row(sql, [id], |r| r.get(0))?)
}

fn plural(n: u32, one: &str, many: &str) -> Option<String> {
    match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    }
}

pub(crate) fn is_erased(conn: &Connection, attendee_id: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM erasure WHERE attendee_id = ?1)",
        [attendee_id],
        |r| r.get(0),
    )?)
}

fn erase(
    conn: &Connection,
    attendee_id: &str,
    reason: &str,
    practitioner: Option<&str>,
) -> Result<Vec<String>> {
    let found: Option<String> = conn
        .query_row(
            "SELECT full_name FROM attendee WHERE id = ?1",
            [attendee_id],
            |r| r.get(0),
        )
        .optional()?;
    if found.is_none() {
        return Err(CoreError::NotFound { what: "person" });
    }
    if is_erased(conn, attendee_id)? {
        return Err(CoreError::Conflict(
            "This person's record has already been erased.".into(),
        ));
    }
    let reason = validate::long_text("reason", "the reason", reason)?;
    if reason.trim().is_empty() {
        return Err(CoreError::invalid(
            "reason",
            "Please give the reason for erasing this record (for example, \"asked in writing on 3 March\").",
        ));
    }

    let removed: Vec<String> = [
        plural(
            count(
                conn,
                "SELECT count(*) FROM referral WHERE attendee_id = ?1",
                attendee_id,
            )?,
            "referral",
            "referrals",
        ),
        plural(
            count(
                conn,
                "SELECT count(*) FROM score_set WHERE attendee_id = ?1",
                attendee_id,
            )?,
            "set of outcome scores",
            "sets of outcome scores",
        ),
        plural(
            count(
                conn,
                "SELECT count(*) FROM note WHERE attendee_id = ?1",
                attendee_id,
            )?,
            "clinical note",
            "clinical notes",
        ),
        plural(
            count(
                conn,
                "SELECT count(*) FROM note_amendment m JOIN note n ON n.id = m.note_id
                 WHERE n.attendee_id = ?1",
                attendee_id,
            )?,
            "amendment",
            "amendments",
        ),
        plural(
            count(
                conn,
                "SELECT count(*) FROM music_story WHERE attendee_id = ?1",
                attendee_id,
            )?,
            "music life story",
            "music life stories",
        ),
        plural(
            count(
                conn,
                "SELECT count(*) FROM music_avoid WHERE attendee_id = ?1",
                attendee_id,
            )?,
            "song or artist to avoid",
            "songs or artists to avoid",
        ),
        plural(
            count(
                conn,
                "SELECT count(*) FROM listening WHERE attendee_id = ?1",
                attendee_id,
            )?,
            "entry in the listening log",
            "entries in the listening log",
        ),
        plural(
            count(
                conn,
                "SELECT count(*) FROM playlist WHERE attendee_id = ?1",
                attendee_id,
            )?,
            "personal playlist",
            "personal playlists",
        ),
    ]
    .into_iter()
    .flatten()
    .collect();

    let ts = now();
    let day = fmt_date(today());
    let id = attendee_id;

    delete_personal_records(conn, id)?;
    // Memberships: past ones stay (past sessions count who was expected);
    // one that has not started yet goes; a current one ends today.
    conn.execute(
        "DELETE FROM membership WHERE attendee_id = ?1 AND joined_on > ?2",
        params![id, day],
    )?;
    conn.execute(
        "UPDATE membership SET left_on = ?2, updated_at = ?3
          WHERE attendee_id = ?1 AND (left_on IS NULL OR left_on > ?2)",
        params![id, day, ts],
    )?;

    let tag: String = id
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_uppercase();
    conn.execute(
        "UPDATE attendee SET full_name = ?2, preferred_name = '', date_of_birth = NULL,
             phone = '', email = '', carer_name = '', access_needs = '',
             communication_needs = '', notes = '',
             needs_large_print = 0, needs_easy_read = 0, needs_contact_via_carer = 0,
             needs_interpreter = 0, interpreter_language = '', needs_hearing_loop = 0,
             consent_participation = 0, consent_participation_on = NULL,
             consent_media = 0, consent_media_on = NULL,
             consent_share_outcomes = 0, consent_share_outcomes_on = NULL,
             archived_at = coalesce(archived_at, ?3), updated_at = ?3
         WHERE id = ?1",
        params![id, format!("Erased person {tag}"), ts],
    )?;
    conn.execute(
        "INSERT INTO erasure (attendee_id, erased_at, reason, practitioner_id, created_at,
             updated_at)
         VALUES (?1, ?2, ?3, ?4, ?2, ?2)",
        params![id, ts, reason, practitioner],
    )?;
    // Notes: now that the erasure is recorded, the schema lets their signed
    // notes and amendments go.
    delete_notes(conn, id)?;
    Ok(removed)
}

/// Removes a person's referrals (with any playlist prescription), scores,
/// personal playlists, music life story with its avoid list, and listening
/// log: what an erasure removes besides their notes.
/// Team sharing removes the same when an erasure made on another laptop
/// arrives (`crate::sync`).
pub(crate) fn delete_personal_records(conn: &Connection, id: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM prescription_status_change WHERE prescription_id IN
           (SELECT p.id FROM playlist_prescription p JOIN referral r ON r.id = p.referral_id
             WHERE r.attendee_id = ?1)",
        [id],
    )?;
    conn.execute(
        "DELETE FROM playlist_prescription
          WHERE referral_id IN (SELECT id FROM referral WHERE attendee_id = ?1)",
        [id],
    )?;
    conn.execute(
        "DELETE FROM referral_status_change
          WHERE referral_id IN (SELECT id FROM referral WHERE attendee_id = ?1)",
        [id],
    )?;
    conn.execute("DELETE FROM referral WHERE attendee_id = ?1", [id])?;
    conn.execute(
        "DELETE FROM score_answer
          WHERE score_set_id IN (SELECT id FROM score_set WHERE attendee_id = ?1)",
        [id],
    )?;
    conn.execute("DELETE FROM score_set WHERE attendee_id = ?1", [id])?;
    conn.execute(
        "DELETE FROM playlist_entry
          WHERE playlist_id IN (SELECT id FROM playlist WHERE attendee_id = ?1)",
        [id],
    )?;
    conn.execute("DELETE FROM playlist WHERE attendee_id = ?1", [id])?;
    conn.execute("DELETE FROM music_avoid WHERE attendee_id = ?1", [id])?;
    conn.execute("DELETE FROM listening WHERE attendee_id = ?1", [id])?;
    conn.execute("DELETE FROM music_story WHERE attendee_id = ?1", [id])?;
    Ok(())
}

/// Removes a person's notes and amendments, and their words from the search
/// index (signed ones only once the erasure is recorded).
pub(crate) fn delete_notes(conn: &Connection, id: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM note_text WHERE note_id IN (SELECT id FROM note WHERE attendee_id = ?1)",
        [id],
    )?;
    conn.execute(
        "DELETE FROM note_amendment WHERE note_id IN (SELECT id FROM note WHERE attendee_id = ?1)",
        [id],
    )?;
    conn.execute("DELETE FROM note WHERE attendee_id = ?1", [id])?;
    // Merge the search index so no deleted words linger in its segments.
    conn.execute("INSERT INTO note_text (note_text) VALUES ('optimize')", [])?;
    Ok(())
}

impl Store {
    /// Erases one person's personal data on request, with the reason given;
    /// see the module's documentation for what goes and what stays. All of it
    /// happens, or none of it.
    pub fn erase_attendee(&mut self, attendee_id: &str, reason: &str) -> Result<Erasure> {
        let actor = self.actor();
        // Deleted content is overwritten in the file, not only unlinked.
        self.conn().pragma_update(None, "secure_delete", "ON")?;
        let result = self.write(|tx| erase(tx, attendee_id, reason, actor.as_deref()));
        let _ = self.conn().pragma_update(None, "secure_delete", "OFF");
        let removed = result?;
        // Fold the write-ahead log into the main file so no old page of the
        // person's data stays in it.
        let _ = self
            .conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        let mut erasure = self
            .erasure(attendee_id)?
            .ok_or(CoreError::NotFound { what: "erasure" })?;
        erasure.removed = removed;
        Ok(erasure)
    }

    /// When, why and by whom a person's record was erased, if it was.
    pub fn erasure(&self, attendee_id: &str) -> Result<Option<Erasure>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT e.attendee_id, e.erased_at, e.reason, p.name
                 FROM erasure e LEFT JOIN practitioner p ON p.id = e.practitioner_id
                 WHERE e.attendee_id = ?1",
                [attendee_id],
                |r| {
                    Ok(Erasure {
                        attendee_id: r.get(0)?,
                        erased_at: r.get(1)?,
                        reason: r.get(2)?,
                        practitioner_name: r.get(3)?,
                        removed: Vec::new(),
                    })
                },
            )
            .optional()?)
    }
}
