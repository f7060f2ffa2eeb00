use rusqlite::{params, Connection, OptionalExtension, Row};

use super::sql::{new_id, now};
use super::Store;
use crate::error::{CoreError, Result};
use crate::model::{Venue, VenueInput};
use crate::validate;

const SELECT: &str = "SELECT id, name, address, access_notes, archived_at IS NOT NULL,
                             created_at, updated_at FROM venue";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Venue> {
    Ok(Venue {
        id: r.get(0)?,
        name: r.get(1)?,
        address: r.get(2)?,
        access_notes: r.get(3)?,
        archived: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

struct Clean {
    name: String,
    address: String,
    access_notes: String,
}

fn clean(input: &VenueInput) -> Result<Clean> {
    Ok(Clean {
        name: validate::name("name", "the venue's name", &input.name)?,
        address: validate::long_text("address", "the address", input.address.trim())?,
        access_notes: validate::long_text("accessNotes", "the access notes", &input.access_notes)?,
    })
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Venue> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or(CoreError::NotFound { what: "venue" })
}

pub(crate) fn create(conn: &Connection, input: &VenueInput) -> Result<Venue> {
    let c = clean(input)?;
    let id = new_id();
    let ts = now();
    conn.execute(
        "INSERT INTO venue (id, name, address, access_notes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![id, c.name, c.address, c.access_notes, ts],
    )?;
    get(conn, &id)
}

/// Checks that a venue chosen for a group or session exists and is in use.
pub(crate) fn check_usable(conn: &Connection, field: &'static str, id: &str) -> Result<()> {
    let archived: Option<bool> = conn
        .query_row(
            "SELECT archived_at IS NOT NULL FROM venue WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    match archived {
        None => Err(CoreError::invalid(field, "That venue could not be found.")),
        Some(true) => Err(CoreError::invalid(
            field,
            "That venue has been archived. Restore it on the Venues screen, or choose another.",
        )),
        Some(false) => Ok(()),
    }
}

impl Store {
    pub fn list_venues(&self, include_archived: bool) -> Result<Vec<Venue>> {
        let sql =
            format!("{SELECT} WHERE (?1 OR archived_at IS NULL) ORDER BY name COLLATE NOCASE");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([include_archived], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn venue(&self, id: &str) -> Result<Venue> {
        get(self.conn(), id)
    }

    pub fn create_venue(&mut self, input: &VenueInput) -> Result<Venue> {
        self.write(|tx| create(tx, input))
    }

    pub fn update_venue(&mut self, id: &str, input: &VenueInput) -> Result<Venue> {
        let c = clean(input)?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE venue SET name = ?2, address = ?3, access_notes = ?4, updated_at = ?5
                 WHERE id = ?1",
                params![id, c.name, c.address, c.access_notes, now()],
            )?;
            if n == 0 {
                return Err(CoreError::NotFound { what: "venue" });
            }
            get(tx, id)
        })
    }

    /// Archives a venue: it stays on past sessions but is no longer offered.
    pub fn archive_venue(&mut self, id: &str) -> Result<()> {
        self.set_venue_archived(id, true)
    }

    pub fn restore_venue(&mut self, id: &str) -> Result<()> {
        self.set_venue_archived(id, false)
    }

    fn set_venue_archived(&mut self, id: &str, archived: bool) -> Result<()> {
        self.write(|tx| {
            let ts = now();
            let n = tx.execute(
                "UPDATE venue SET archived_at = CASE WHEN ?2 THEN ?3 END, updated_at = ?3
                 WHERE id = ?1",
                params![id, archived, ts],
            )?;
            if n == 0 {
                return Err(CoreError::NotFound { what: "venue" });
            }
            Ok(())
        })
    }
}
