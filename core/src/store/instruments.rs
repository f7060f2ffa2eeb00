//! Instruments in the store: the therapist's own measures (every version kept,
//! so old answers are always scored by the definition they were taken with) and
//! the instruments each group uses before and after its sessions.

use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension};

use super::sql::{new_id, now};
use super::{groups, Store};
use crate::error::{CoreError, Result};
use crate::model::{GroupInstrument, GroupInstrumentChoice};
use crate::outcomes::{self, CustomInstrumentInput, Instrument, Rater};

/// The longest slug taken from a measure's name for its key.
const MAX_SLUG: usize = 40;

/// An instrument as it stands now, and whether it has been archived.
pub(crate) struct Current {
    pub instrument: Instrument,
    pub archived: bool,
}

fn to_json(instrument: &Instrument) -> Result<String> {
    serde_json::to_string(instrument)
        .map_err(|e| CoreError::Database(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))
}

fn from_json(definition: &str) -> Result<Instrument> {
    serde_json::from_str(definition).map_err(|e| {
        CoreError::Database(rusqlite::Error::FromSqlConversionFailure(
            0,
            Type::Text,
            Box::new(e),
        ))
    })
}

/// A given version of an instrument: a built-in by its published versions, a
/// custom measure from its stored definitions (archived or not), so that old
/// answers are scored with the version they were taken with.
pub(crate) fn instrument_version(
    conn: &Connection,
    key: &str,
    version: &str,
) -> Result<Instrument> {
    if let Some(builtin) = outcomes::builtin_version(key, version) {
        return Ok(builtin);
    }
    let Ok(number) = version.trim().parse::<i64>() else {
        return Err(CoreError::NotFound { what: "measure" });
    };
    let definition: Option<String> = conn
        .prepare_cached("SELECT definition FROM custom_instrument WHERE key = ?1 AND version = ?2")?
        .query_row(params![key, number], |r| r.get(0))
        .optional()?;
    match definition {
        Some(d) => from_json(&d),
        None => Err(CoreError::NotFound { what: "measure" }),
    }
}

/// The newest version of an instrument (a built-in, or a custom measure even
/// if archived), or `None` when no instrument has this key.
pub(crate) fn current(conn: &Connection, key: &str) -> Result<Option<Current>> {
    if let Some(instrument) = outcomes::builtin(key) {
        return Ok(Some(Current {
            instrument,
            archived: false,
        }));
    }
    let row: Option<(String, bool)> = conn
        .prepare_cached(
            "SELECT definition, archived_at IS NOT NULL FROM custom_instrument
             WHERE key = ?1 ORDER BY version DESC LIMIT 1",
        )?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(definition, archived)| {
        Ok(Current {
            instrument: from_json(&definition)?,
            archived,
        })
    })
    .transpose()
}

/// The newest version of an instrument, which must exist.
pub(crate) fn get_current(conn: &Connection, key: &str) -> Result<Current> {
    current(conn, key)?.ok_or(CoreError::NotFound { what: "measure" })
}

/// The newest version of an instrument that may still be used for new answers
/// or chosen for a group: it exists and is not archived.
pub(crate) fn usable(conn: &Connection, key: &str, for_what: &str) -> Result<Instrument> {
    let found = get_current(conn, key)?;
    if found.archived {
        return Err(CoreError::Conflict(format!(
            "“{}” is archived, so it can't be {for_what}.",
            found.instrument.name
        )));
    }
    Ok(found.instrument)
}

fn list(conn: &Connection) -> Result<Vec<Instrument>> {
    let mut out: Vec<Instrument> = Vec::new();
    for b in outcomes::builtins() {
        if !out.iter().any(|i| i.key == b.key) {
            out.extend(outcomes::builtin(&b.key));
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT c.definition FROM custom_instrument c
         WHERE c.archived_at IS NULL
           AND c.version = (SELECT max(v.version) FROM custom_instrument v WHERE v.key = c.key)",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut custom = Vec::new();
    for row in rows {
        custom.push(from_json(&row?)?);
    }
    custom.sort_by(|a: &Instrument, b: &Instrument| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.key.cmp(&b.key))
    });
    out.extend(custom);
    Ok(out)
}

/// `custom-` and the name in lower-case letters and digits joined by hyphens,
/// or a short random id when the name has none of those.
fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
        if s.len() >= MAX_SLUG {
            break;
        }
    }
    let s = s.trim_matches('-');
    if s.is_empty() {
        let id = new_id().replace('-', "");
        format!("custom-{}", &id[id.len() - 8..])
    } else {
        format!("custom-{s}")
    }
}

fn key_taken(conn: &Connection, key: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM custom_instrument WHERE key = ?1)",
        [key],
        |r| r.get(0),
    )?)
}

fn unique_key(conn: &Connection, name: &str) -> Result<String> {
    let base = slug(name);
    let mut key = base.clone();
    let mut n = 2;
    while key_taken(conn, &key)? || outcomes::builtin(&key).is_some() {
        key = format!("{base}-{n}");
        n += 1;
    }
    Ok(key)
}

fn insert_version(conn: &Connection, instrument: &Instrument, version: i64) -> Result<()> {
    let ts = now();
    conn.execute(
        "INSERT INTO custom_instrument (id, key, version, definition, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![new_id(), instrument.key, version, to_json(instrument)?, ts],
    )?;
    Ok(())
}

fn create_custom(conn: &Connection, input: &CustomInstrumentInput) -> Result<Instrument> {
    let key = unique_key(conn, &input.name)?;
    let instrument = outcomes::custom_instrument(&key, "1", input)?;
    insert_version(conn, &instrument, 1)?;
    Ok(instrument)
}

/// A custom measure that may be changed: it exists, is the therapist's own, and
/// is not archived. Returns its newest version and that version's number.
fn changeable(conn: &Connection, key: &str, what: &str) -> Result<(Instrument, i64)> {
    if let Some(b) = outcomes::builtin(key) {
        return Err(CoreError::Conflict(format!(
            "“{}” is a published measure, so it can't be {what}. You can define a measure of \
             your own instead.",
            b.name
        )));
    }
    let row: Option<(i64, String, bool)> = conn
        .prepare_cached(
            "SELECT version, definition, archived_at IS NOT NULL FROM custom_instrument
             WHERE key = ?1 ORDER BY version DESC LIMIT 1",
        )?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((version, definition, archived)) = row else {
        return Err(CoreError::NotFound { what: "measure" });
    };
    let instrument = from_json(&definition)?;
    if archived {
        return Err(CoreError::Conflict(format!(
            "“{}” is archived, so it can't be {what}.",
            instrument.name
        )));
    }
    Ok((instrument, version))
}

fn update_custom(
    conn: &Connection,
    key: &str,
    input: &CustomInstrumentInput,
) -> Result<Instrument> {
    let (latest, version) = changeable(conn, key, "changed")?;
    let next = version + 1;
    let instrument = outcomes::custom_instrument(key, &next.to_string(), input)?;
    // Saving the same definition again is not a new version.
    let unchanged = Instrument {
        version: latest.version.clone(),
        ..instrument.clone()
    };
    if unchanged == latest {
        return Ok(latest);
    }
    insert_version(conn, &instrument, next)?;
    Ok(instrument)
}

fn archive_custom(conn: &Connection, key: &str) -> Result<()> {
    changeable(conn, key, "archived")?;
    let ts = now();
    conn.execute(
        "UPDATE custom_instrument SET archived_at = ?2, updated_at = ?2
         WHERE key = ?1 AND archived_at IS NULL",
        params![key, ts],
    )?;
    Ok(())
}

fn group_exists(conn: &Connection, group_id: &str) -> Result<()> {
    let found: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM practice_group WHERE id = ?1)",
        [group_id],
        |r| r.get(0),
    )?;
    if found {
        Ok(())
    } else {
        Err(CoreError::NotFound { what: "group" })
    }
}

/// A group's chosen instruments in their order, leaving out any archived since
/// they were chosen. The group must exist.
pub(crate) fn of_group(conn: &Connection, group_id: &str) -> Result<Vec<GroupInstrument>> {
    group_exists(conn, group_id)?;
    Ok(choices_with_definitions(conn, group_id)?
        .into_iter()
        .map(|(choice, _)| choice)
        .collect())
}

/// A group's chosen instruments in their order with their current definitions,
/// leaving out any archived since they were chosen.
pub(crate) fn choices_with_definitions(
    conn: &Connection,
    group_id: &str,
) -> Result<Vec<(GroupInstrument, Instrument)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT instrument_key, rater FROM group_instrument WHERE group_id = ?1
         ORDER BY position, instrument_key",
    )?;
    let rows = stmt
        .query_map([group_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Rater>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (key, rater) in rows {
        let Some(found) = current(conn, &key)? else {
            continue;
        };
        if found.archived {
            continue;
        }
        out.push((
            GroupInstrument {
                instrument_key: key,
                name: found.instrument.name.clone(),
                rater,
            },
            found.instrument,
        ));
    }
    Ok(out)
}

pub(crate) fn set_group(
    conn: &Connection,
    group_id: &str,
    choices: &[GroupInstrumentChoice],
) -> Result<Vec<GroupInstrument>> {
    groups::check_active(conn, group_id)?;
    for (i, choice) in choices.iter().enumerate() {
        let instrument = usable(conn, &choice.instrument_key, "chosen for a group")?;
        if choices[..i]
            .iter()
            .any(|c| c.instrument_key == choice.instrument_key)
        {
            return Err(CoreError::invalid(
                "choices",
                format!(
                    "“{}” is chosen twice. Please choose each measure once.",
                    instrument.name
                ),
            ));
        }
        outcomes::check_rater(&instrument, choice.rater)?;
    }
    let ts = now();
    // Drop what is no longer chosen, then keep or add the rest in the new order
    // (a choice kept keeps its `created_at`).
    let before: Vec<String> = conn
        .prepare_cached("SELECT instrument_key FROM group_instrument WHERE group_id = ?1")?
        .query_map([group_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for key in before {
        if !choices.iter().any(|c| c.instrument_key == key) {
            conn.execute(
                "DELETE FROM group_instrument WHERE group_id = ?1 AND instrument_key = ?2",
                params![group_id, key],
            )?;
        }
    }
    let mut upsert = conn.prepare_cached(
        "INSERT INTO group_instrument
             (group_id, instrument_key, rater, position, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (group_id, instrument_key) DO UPDATE SET
             rater = excluded.rater, position = excluded.position,
             updated_at = excluded.updated_at
         WHERE rater IS NOT excluded.rater OR position IS NOT excluded.position",
    )?;
    for (position, choice) in choices.iter().enumerate() {
        upsert.execute(params![
            group_id,
            choice.instrument_key,
            choice.rater,
            position as i64,
            ts
        ])?;
    }
    of_group(conn, group_id)
}

impl Store {
    /// Every instrument that can be chosen: the built-ins (newest version of
    /// each), then the therapist's own measures (newest version, not archived)
    /// by name.
    pub fn list_instruments(&self) -> Result<Vec<Instrument>> {
        list(self.conn())
    }

    /// Saves a therapist's own measure as version 1, under a key made from its
    /// name (`custom-…`, unique).
    pub fn create_custom_instrument(
        &mut self,
        input: &CustomInstrumentInput,
    ) -> Result<Instrument> {
        self.write(|tx| create_custom(tx, input))
    }

    /// Saves a new version of a therapist's own measure; answers already taken
    /// keep the version they were taken with. Saving an unchanged definition
    /// returns the current version without adding one.
    pub fn update_custom_instrument(
        &mut self,
        key: &str,
        input: &CustomInstrumentInput,
    ) -> Result<Instrument> {
        self.write(|tx| update_custom(tx, key, input))
    }

    /// Retires a therapist's own measure: it is no longer listed, chosen or used
    /// for new answers, but answers taken with it are still read and scored.
    pub fn archive_custom_instrument(&mut self, key: &str) -> Result<()> {
        self.write(|tx| archive_custom(tx, key))
    }

    /// The instruments a group uses, in its order.
    pub fn group_instruments(&self, group_id: &str) -> Result<Vec<GroupInstrument>> {
        of_group(self.conn(), group_id)
    }

    /// Replaces a group's choice of instruments, in the order given.
    pub fn set_group_instruments(
        &mut self,
        group_id: &str,
        choices: &[GroupInstrumentChoice],
    ) -> Result<Vec<GroupInstrument>> {
        self.write(|tx| set_group(tx, group_id, choices))
    }
}
