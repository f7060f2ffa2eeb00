//! Practitioners: the people who use Refrain and sign notes, each with their
//! name and HCPC registration number.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::sql::{new_id, now};
use super::Store;
use crate::error::{CoreError, Result};
use crate::model::{Practitioner, PractitionerInput};
use crate::validate;

const SELECT: &str = "SELECT id, name, hcpc_number, archived_at IS NOT NULL, created_at, updated_at
                      FROM practitioner";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Practitioner> {
    Ok(Practitioner {
        id: r.get(0)?,
        name: r.get(1)?,
        hcpc_number: r.get(2)?,
        archived: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Practitioner> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or(CoreError::NotFound {
            what: "practitioner",
        })
}

/// A practitioner who may write, sign or amend notes now: known and not
/// archived.
pub(crate) fn active(conn: &Connection, id: &str) -> Result<Practitioner> {
    let p = get(conn, id)?;
    if p.archived {
        return Err(CoreError::Conflict(format!(
            "{}'s profile is archived, so it can't be used to write or sign notes.",
            p.name
        )));
    }
    Ok(p)
}

/// The shortest and longest run of digits accepted after the two letters.
const HCPC_DIGITS: std::ops::RangeInclusive<usize> = 4..=8;

/// An HCPC registration number: two letters then digits (arts therapists'
/// numbers start `AS`, e.g. `AS12345`). Spaces are dropped and letters made
/// capitals; empty means none.
pub fn hcpc_number(value: &str) -> Result<String> {
    let v: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    if v.is_empty() {
        return Ok(v);
    }
    let letters = v.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    let digits = v.len() - letters;
    let well_formed = letters == 2
        && HCPC_DIGITS.contains(&digits)
        && v[letters..].chars().all(|c| c.is_ascii_digit());
    if !well_formed {
        let shown = value.trim();
        return Err(CoreError::invalid(
            "hcpcNumber",
            format!(
                "“{shown}” doesn't look like an HCPC registration number. It is two letters then \
                 digits, like AS12345 for an arts therapist. Leave it empty if you are not \
                 registered."
            ),
        ));
    }
    Ok(v)
}

struct Clean {
    name: String,
    hcpc_number: String,
}

fn clean(input: &PractitionerInput) -> Result<Clean> {
    Ok(Clean {
        name: validate::name("name", "a name", &input.name)?,
        hcpc_number: hcpc_number(&input.hcpc_number)?,
    })
}

fn insert(conn: &Connection, c: &Clean) -> Result<Practitioner> {
    let id = new_id();
    let ts = now();
    conn.execute(
        "INSERT INTO practitioner (id, name, hcpc_number, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![id, c.name, c.hcpc_number, ts],
    )?;
    get(conn, &id)
}

pub(crate) fn create(conn: &Connection, input: &PractitionerInput) -> Result<Practitioner> {
    insert(conn, &clean(input)?)
}

impl Store {
    /// Practitioners who are not archived, by name.
    pub fn list_practitioners(&self) -> Result<Vec<Practitioner>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{SELECT} WHERE archived_at IS NULL ORDER BY name COLLATE NOCASE, id"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn practitioner(&self, id: &str) -> Result<Practitioner> {
        get(self.conn(), id)
    }

    pub fn create_practitioner(&mut self, input: &PractitionerInput) -> Result<Practitioner> {
        let c = clean(input)?;
        self.write(|tx| insert(tx, &c))
    }

    /// Changes a practitioner's name or registration number. Notes already
    /// signed keep the name and number they were signed with.
    pub fn update_practitioner(
        &mut self,
        id: &str,
        input: &PractitionerInput,
    ) -> Result<Practitioner> {
        let c = clean(input)?;
        self.write(|tx| {
            active(tx, id)?;
            tx.execute(
                "UPDATE practitioner SET name = ?2, hcpc_number = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, c.name, c.hcpc_number, now()],
            )?;
            get(tx, id)
        })
    }

    /// Takes a practitioner off the list. Their signatures stay on the notes
    /// they signed.
    pub fn archive_practitioner(&mut self, id: &str) -> Result<()> {
        self.write(|tx| {
            get(tx, id)?;
            let ts = now();
            tx.execute(
                "UPDATE practitioner SET archived_at = ?2, updated_at = ?2
                 WHERE id = ?1 AND archived_at IS NULL",
                params![id, ts],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::hcpc_number;

    #[test]
    fn hcpc_numbers_are_normalised_or_refused() {
        assert_eq!(hcpc_number(" as 12345 ").unwrap(), "AS12345");
        assert_eq!(hcpc_number("").unwrap(), "");
        assert_eq!(hcpc_number("PH123456").unwrap(), "PH123456");
        for bad in [
            "12345", "A12345", "ASX12345", "AS12", "AS12345X", "AS-12345", "ÄS12345",
        ] {
            let err = hcpc_number(bad).unwrap_err();
            assert_eq!(err.field(), Some("hcpcNumber"), "{bad}");
        }
    }
}
