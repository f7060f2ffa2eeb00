//! The audit log: who changed which record, and when. Triggers (schema v5)
//! write it in the same transaction as the change, so a refused change logs
//! nothing. The practitioner comes from `refrain_actor()`, an SQL function
//! registered on the connection that returns whoever `Store::set_actor` last
//! named. The log holds ids, never a name or a note's words.

use std::sync::{Arc, Mutex};

use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection, Row};

use super::Store;
use crate::error::{CoreError, Result};
use crate::model::{AuditAction, AuditEntry, AuditFilter};

/// Who is making changes through a connection: shared between the store and
/// the `refrain_actor()` SQL function.
pub(crate) type Actor = Arc<Mutex<Option<String>>>;

/// The most entries one call returns.
pub const AUDIT_LIMIT_MAX: u32 = 1000;

/// Every audited table and the plain word for its records.
const TABLES: &[(&str, &str)] = &[
    ("venue", "venue"),
    ("practice_group", "group"),
    ("attendee", "person"),
    ("referral", "referral"),
    ("referral_status_change", "referral status"),
    ("membership", "group membership"),
    ("session", "session"),
    ("attendance", "register mark"),
    ("note", "clinical note"),
    ("score_set", "set of scores"),
    ("practitioner", "therapist's profile"),
    ("playlist", "playlist"),
    ("track", "track"),
    ("track_lyrics", "song's words"),
    ("group_instrument", "group's choice of measures"),
    ("custom_instrument", "measure"),
    ("music_story", "music life story"),
    ("music_avoid", "music to avoid"),
    ("playlist_prescription", "playlist prescription"),
    ("listening", "listening log entry"),
    ("prescription_status_change", "playlist prescription status"),
];

/// The plain word for a record of `table`.
pub fn what(table: &str) -> &'static str {
    TABLES
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, w)| *w)
        .unwrap_or("record")
}

/// Registers `refrain_actor()` on `conn`, answering with what `actor` holds.
pub(crate) fn register_actor(conn: &Connection, actor: Actor) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "refrain_actor",
        0,
        // Not deterministic: the answer changes when someone else is chosen.
        // Innocuous: it only reads a value, so triggers may call it.
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_INNOCUOUS,
        move |_ctx| {
            Ok(actor
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone())
        },
    )
}

/// Registers Refrain's SQL functions on a connection opened without
/// [`Store`] (tools, tests), so writes to audited tables work; they are
/// logged with no practitioner.
pub fn register_sql_functions(conn: &Connection) -> rusqlite::Result<()> {
    register_actor(conn, Actor::default())
}

fn action_from_db(s: &str) -> Option<AuditAction> {
    Some(match s {
        "created" => AuditAction::Created,
        "changed" => AuditAction::Changed,
        "archived" => AuditAction::Archived,
        "signed" => AuditAction::Signed,
        "amended" => AuditAction::Amended,
        "removed" => AuditAction::Removed,
        _ => return None,
    })
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    let table: String = r.get(3)?;
    let action: String = r.get(5)?;
    Ok(AuditEntry {
        at: r.get(0)?,
        practitioner_id: r.get(1)?,
        practitioner_name: r.get(2)?,
        what: what(&table).to_string(),
        record_table: table,
        record_id: r.get(4)?,
        action: action_from_db(&action).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                5,
                rusqlite::types::Type::Text,
                format!("unknown audit action {action:?}").into(),
            )
        })?,
    })
}

impl Store {
    /// Who is making changes from now on (`None`: no one chosen). Every
    /// change's audit entry names them.
    pub fn set_actor(&self, practitioner_id: Option<String>) {
        *self
            .actor
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) =
            practitioner_id.filter(|id| !id.trim().is_empty());
    }

    /// Who is making changes now.
    pub fn actor(&self) -> Option<String> {
        self.actor
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The audit log, newest first: one record's history, one
    /// practitioner's changes, or everything; at most `filter.limit` entries
    /// (1 to 1000).
    pub fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        if filter.limit == 0 || filter.limit > AUDIT_LIMIT_MAX {
            return Err(CoreError::invalid(
                "limit",
                format!("Between 1 and {AUDIT_LIMIT_MAX} changes can be shown at once."),
            ));
        }
        // Naming every table lets SQLite use the (record_table, record_id)
        // index for one record's history.
        let tables = TABLES
            .iter()
            .map(|(t, _)| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT a.at, a.practitioner_id, p.name, a.record_table, a.record_id, a.action
               FROM audit_log a
               LEFT JOIN practitioner p ON p.id = a.practitioner_id
              WHERE (?1 IS NULL OR (a.record_table IN ({tables}) AND a.record_id = ?1))
                AND (?2 IS NULL OR a.practitioner_id = ?2)
              ORDER BY a.at DESC, a.id DESC
              LIMIT ?3"
        ))?;
        let rows = stmt.query_map(
            params![filter.record_id, filter.practitioner_id, filter.limit],
            from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// Every audit entry about one person's records, oldest first: their
    /// record, referrals and referral statuses, memberships, register marks,
    /// notes (with amendments) and scores. This goes into what Refrain holds
    /// about them (a subject access request), and `refrain-cli audit
    /// --person` prints it.
    pub fn person_audit(&self, attendee_id: &str) -> Result<Vec<AuditEntry>> {
        self.attendee(attendee_id)?;
        let mut stmt = self.conn().prepare_cached(
            "WITH theirs (record_table, record_id) AS (
                 SELECT 'attendee', ?1
                 UNION ALL SELECT 'referral', id FROM referral WHERE attendee_id = ?1
                 UNION ALL SELECT 'referral_status_change', c.id
                             FROM referral_status_change c
                             JOIN referral r ON r.id = c.referral_id
                            WHERE r.attendee_id = ?1
                 UNION ALL SELECT 'membership', id FROM membership WHERE attendee_id = ?1
                 UNION ALL SELECT 'attendance', id FROM attendance WHERE attendee_id = ?1
                 UNION ALL SELECT 'note', id FROM note WHERE attendee_id = ?1
                 UNION ALL SELECT 'score_set', id FROM score_set WHERE attendee_id = ?1
                 UNION ALL SELECT 'music_story', id FROM music_story WHERE attendee_id = ?1
                 UNION ALL SELECT 'music_avoid', id FROM music_avoid WHERE attendee_id = ?1
                 UNION ALL SELECT 'listening', id FROM listening WHERE attendee_id = ?1
                 UNION ALL SELECT 'playlist_prescription', p.id FROM playlist_prescription p
                             JOIN referral r ON r.id = p.referral_id WHERE r.attendee_id = ?1
                 UNION ALL SELECT 'prescription_status_change', c.id
                             FROM prescription_status_change c
                             JOIN playlist_prescription p ON p.id = c.prescription_id
                             JOIN referral r ON r.id = p.referral_id WHERE r.attendee_id = ?1
             )
             SELECT a.at, a.practitioner_id, p.name, a.record_table, a.record_id, a.action
               FROM theirs t
               JOIN audit_log a ON a.record_table = t.record_table AND a.record_id = t.record_id
               LEFT JOIN practitioner p ON p.id = a.practitioner_id
              ORDER BY a.at, a.id",
        )?;
        let rows = stmt.query_map([attendee_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
