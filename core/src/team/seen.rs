//! The sign on a record someone else changed: a person's page or a
//! session's register that another of the team's laptops changed since this
//! laptop last showed it says so, and by which laptop.
//!
//! Every shared column carries the clock of its last change, with the
//! laptop that made it (`sync_clock`); this laptop keeps, for itself only,
//! when it last showed each record (`record_seen`).

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::error::Result;
use crate::store::Store;
use crate::sync::hlc::{wall_ms, Hlc};

/// What was shown.
#[derive(Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum SeenRecord {
    /// A person's page (their record).
    Person,
    /// A session's register (its marks).
    Register,
}

/// Changed on the team's other laptops since this laptop last showed it.
#[derive(Serialize, Debug, Clone, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangedElsewhere {
    /// The laptops' names.
    pub by: Vec<String>,
    /// When the latest of those changes was made (by that laptop's clock).
    pub at: String,
    /// When this laptop last showed it.
    pub since: String,
}

fn iso(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

impl Store {
    /// Whether the record was changed on another laptop since this laptop
    /// last showed it, and notes that it is being shown now. The first time
    /// a record is shown here there is no sign: nothing was seen before.
    pub fn changed_elsewhere(
        &mut self,
        what: SeenRecord,
        id: &str,
    ) -> Result<Option<ChangedElsewhere>> {
        let (kind, table, pattern) = match what {
            // An attendee's row is keyed by their id.
            SeenRecord::Person => (
                "person",
                "attendee",
                serde_json::to_string(&[id]).unwrap_or_default(),
            ),
            // A mark's key is "<session>/<person>".
            SeenRecord::Register => (
                "register",
                "attendance",
                format!("[\"{}/%", id.replace(['%', '_', '"', '\\'], "")),
            ),
        };
        let me: Option<String> = self
            .conn()
            .query_row(
                "SELECT value FROM sync_state WHERE key = 'device'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        // Not in a team (nor sharing by key files): nothing comes from
        // elsewhere, and nothing is noted.
        let Some(me) = me else {
            return Ok(None);
        };
        let seen: Option<i64> = self
            .conn()
            .query_row(
                "SELECT seen_ms FROM record_seen WHERE what = ?1 AND id = ?2",
                params![kind, id],
                |r| r.get(0),
            )
            .optional()?;
        let now = wall_ms();
        self.conn().execute(
            "INSERT INTO record_seen (what, id, seen_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (what, id) DO UPDATE SET seen_ms = max(seen_ms, excluded.seen_ms)",
            params![kind, id, now as i64],
        )?;
        let Some(seen) = seen else {
            return Ok(None);
        };
        let seen = seen.max(0) as u64;
        let clocks: Vec<String> = self.texts(
            "SELECT hlc FROM sync_clock WHERE tbl = ?1 AND pk LIKE ?2",
            params![table, pattern],
        )?;
        let mut latest = 0;
        let mut devices: Vec<String> = Vec::new();
        for c in clocks {
            let Ok(h) = Hlc::parse(&c) else { continue };
            if h.device == me || h.device.is_empty() || h.millis <= seen {
                continue;
            }
            latest = latest.max(h.millis);
            if !devices.contains(&h.device) {
                devices.push(h.device);
            }
        }
        if devices.is_empty() {
            return Ok(None);
        }
        let mut by = Vec::new();
        for d in devices {
            let name: Option<String> = self
                .conn()
                .query_row("SELECT name FROM team_device WHERE id = ?1", [&d], |r| {
                    r.get(0)
                })
                .optional()?;
            let name = name.unwrap_or_else(|| "another laptop".into());
            if !by.contains(&name) {
                by.push(name);
            }
        }
        by.sort();
        Ok(Some(ChangedElsewhere {
            by,
            at: iso(latest),
            since: iso(seen),
        }))
    }
}
