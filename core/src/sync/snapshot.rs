//! Snapshots: every row of a space as of one clock, in one file, so a new
//! laptop starts from it instead of replaying years of change files, and a
//! laptop can replace its own old files with one.
//!
//! Inside the sealed, deflated file the rows are JSON lines, written and
//! read as a stream (a decade of an office is over a million rows):
//!
//! ```text
//! {"snapshot":{"space":..,"device":..,"schema":8,"hlc":".."}}
//! {"erasure":<entry>}          an erased person: anonymous record, memberships, erasure
//! {"table":"attendance","cols":["id","session_id",...]}
//! {"r":[[values...],{"3":"<clock>"},"<person>"]}   one row; clocks only where set
//! {"d":["attendance",[key...],"<clock>"]}          a deletion
//! ```
//!
//! Erasures come first, so a laptop that still holds an erased person's
//! records makes its copy match the eraser's before the rows arrive; the
//! people erased are in it only as their anonymous record.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::apply::{self, Source};
use super::capture;
use super::rows::{Entry, RowImage, Val};
use super::tables::{self, OFFICE, SYNCED};
use crate::error::{CoreError, Result};

#[derive(Serialize, Deserialize)]
pub struct Header {
    pub space: String,
    pub device: String,
    pub schema: u32,
    pub hlc: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Line {
    Snapshot(Header),
    Erasure(Entry),
    Table { table: String, cols: Vec<String> },
    R(Vec<Val>, Option<BTreeMap<usize, String>>, Option<String>),
    D(String, Vec<Val>, String),
}

fn put(out: &mut impl Write, line: &Line) -> Result<()> {
    serde_json::to_writer(&mut *out, line).map_err(|e| CoreError::Sync(e.to_string()))?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes the snapshot of `space` as this store holds it; returns the
/// deflated lines and the number of rows.
pub fn write(conn: &Connection, header: Header) -> Result<(Vec<u8>, usize)> {
    let space = header.space.clone();
    let hlc = header.hlc.clone();
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    put(&mut z, &Line::Snapshot(header))?;
    let mut count = 0;

    // The team's own space holds no records about people, so no erasures.
    let erasures = if space == tables::TEAM {
        Vec::new()
    } else {
        capture::images_where(conn, "erasure", "1", None)?
    };
    for erasure in erasures {
        let Some(person) = erasure.p.clone() else {
            continue;
        };
        let mut rows = capture::images_where(conn, "attendee", "id = ?1", Some(&person))?;
        for m in capture::images_where(conn, "membership", "attendee_id = ?1", Some(&person))? {
            if tables::space_takes(&space, &tables::route(conn, &m)?) {
                rows.push(m);
            }
        }
        rows.push(erasure);
        put(
            &mut z,
            &Line::Erasure(Entry {
                hlc: hlc.clone(),
                actor: None,
                erases: None,
                rows,
            }),
        )?;
    }

    for table in SYNCED {
        let cols = tables::columns(conn, table)?;
        put(
            &mut z,
            &Line::Table {
                table: table.to_string(),
                cols: cols.names.clone(),
            },
        )?;
        let clocked: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sync_clock WHERE tbl = ?1)",
            [table],
            |r| r.get(0),
        )?;
        let mut clocks_of =
            conn.prepare_cached("SELECT col, hlc FROM sync_clock WHERE tbl = ?1 AND pk = ?2")?;
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}"))?;
        let mut rows = stmt.query([])?;
        let n = cols.names.len();
        while let Some(r) = rows.next()? {
            let values: Vec<Val> = (0..n)
                .map(|i| r.get_ref(i).map(Val::from_ref))
                .collect::<rusqlite::Result<_>>()?;
            let k: Vec<Val> = cols.pk.iter().map(|i| values[*i].clone()).collect();
            let mut clocks = BTreeMap::new();
            if clocked {
                let pk = super::rows::pk_text(&k);
                let found = clocks_of
                    .query_map(params![table, pk], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                for (col, h) in found {
                    if let Some(i) = cols.names.iter().position(|c| *c == col) {
                        clocks.insert(i, h);
                    }
                }
            }
            let img = RowImage {
                t: table.to_string(),
                k,
                p: None,
                del: None,
                c: cols
                    .names
                    .iter()
                    .cloned()
                    .zip(values)
                    .map(|(c, v)| (c, v, String::new()))
                    .collect(),
            };
            let person = tables::person_of(conn, &img)?;
            if space != OFFICE && !tables::space_takes(&space, &tables::route(conn, &img)?) {
                continue;
            }
            let values = img.c.into_iter().map(|(_, v, _)| v).collect();
            put(
                &mut z,
                &Line::R(values, (!clocks.is_empty()).then_some(clocks), person),
            )?;
            count += 1;
        }
    }

    let mut stmt = conn.prepare("SELECT tbl, pk, hlc FROM sync_tombstone")?;
    let tombs = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (t, pk, h) in tombs {
        let k: Vec<Val> = serde_json::from_str(&pk).unwrap_or_default();
        put(&mut z, &Line::D(t, k, h))?;
    }
    Ok((z.finish()?, count))
}

/// The table whose rows are being read: its name, the snapshot's columns,
/// where the local primary key's columns are among them, whether the local
/// table was empty (then rows are inserted without looking for a local
/// copy), and the INSERT for its rows.
struct Current {
    table: String,
    cols: Vec<String>,
    pk: Vec<usize>,
    empty: bool,
    sql: String,
}

/// Applies a snapshot's deflated lines (inside the caller's transaction).
/// Returns the snapshot's clock.
pub fn apply(
    conn: &Connection,
    plain: &[u8],
    space: &str,
    device: &str,
    schema: u32,
) -> Result<String> {
    let damaged = || CoreError::Sync("its contents are damaged".into());
    let reader = std::io::BufReader::new(flate2::read::DeflateDecoder::new(plain));
    let src = Source {
        device,
        actor: None,
    };
    let mut header: Option<Header> = None;
    let mut current: Option<Current> = None;
    let mut erasures: Vec<Entry> = Vec::new();
    for line in reader.lines() {
        let line = line.map_err(|_| damaged())?;
        if line.is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(&line).map_err(|_| damaged())?;
        match parsed {
            Line::Snapshot(h) => {
                if h.space != space || h.device != device || h.schema != schema {
                    return Err(CoreError::Sync(
                        "it says it belongs somewhere other than where it was found".into(),
                    ));
                }
                header = Some(h);
            }
            _ if header.is_none() => return Err(damaged()),
            // The erasures are written first, and their rows name records
            // that come after them (the therapist who erased, the group of
            // a membership): they are applied once those tables are in,
            // before the first table of people's records.
            Line::Erasure(entry) => erasures.push(entry),
            Line::Table { table, cols } => {
                if tables::rank(&table) >= tables::rank("attendee") {
                    for entry in erasures.drain(..) {
                        apply::apply_entry(conn, &entry, device, Some(space))?;
                    }
                }
                if !SYNCED.contains(&table.as_str()) {
                    current = None;
                    continue;
                }
                let local = tables::columns(conn, &table)?;
                let pk: Option<Vec<usize>> = local
                    .pk
                    .iter()
                    .map(|i| cols.iter().position(|c| *c == local.names[*i]))
                    .collect();
                let Some(pk) = pk else {
                    current = None;
                    continue;
                };
                let empty: bool = conn
                    .query_row(&format!("SELECT 1 FROM {table} LIMIT 1"), [], |_| Ok(()))
                    .optional()?
                    .is_none()
                    && conn
                        .query_row(
                            "SELECT 1 FROM sync_tombstone WHERE tbl = ?1 LIMIT 1",
                            [&table],
                            |_| Ok(()),
                        )
                        .optional()?
                        .is_none();
                let names: Vec<&str> = cols.iter().map(String::as_str).collect();
                let sql = apply::insert_sql(&table, &names);
                current = Some(Current {
                    table,
                    cols,
                    pk,
                    empty,
                    sql,
                });
            }
            Line::R(values, clocks, person) => {
                let Some(Current {
                    table,
                    cols,
                    pk,
                    empty,
                    sql,
                }) = &current
                else {
                    continue;
                };
                let clocks = clocks.unwrap_or_default();
                // A table that was empty here: the row goes straight in
                // (unless it is about an erased person, or its parent is not
                // here yet: then it is merged like any other).
                if *empty
                    && clocks.is_empty()
                    && (person.is_none() || table == "attendance")
                    && apply::insert_values(conn, sql, &values)?
                {
                    continue;
                }
                let img = RowImage {
                    t: table.clone(),
                    k: pk
                        .iter()
                        .map(|i| values.get(*i).cloned().unwrap_or(Val::Null))
                        .collect(),
                    p: person,
                    del: None,
                    c: cols
                        .iter()
                        .cloned()
                        .zip(values)
                        .enumerate()
                        .map(|(i, (c, v))| (c, v, clocks.get(&i).cloned().unwrap_or_default()))
                        .collect(),
                };
                if *empty {
                    apply::insert_fresh(conn, sql, &img, &src)?;
                } else {
                    apply::merge_row(conn, &img, &src, &[])?;
                }
            }
            Line::D(t, k, h) => {
                let img = RowImage {
                    t,
                    k,
                    p: None,
                    del: Some(h),
                    c: Vec::new(),
                };
                apply::merge_row(conn, &img, &src, &[])?;
            }
        }
    }
    let header = header.ok_or_else(damaged)?;
    for entry in erasures.drain(..) {
        apply::apply_entry(conn, &entry, device, Some(space))?;
    }
    apply::retry_parked(conn)?;
    Ok(header.hlc)
}

/// A snapshot's lines as text (tests look for what must not be there).
#[doc(hidden)]
pub fn text(plain: &[u8]) -> Result<String> {
    let mut out = String::new();
    std::io::Read::read_to_string(&mut flate2::read::DeflateDecoder::new(plain), &mut out)?;
    Ok(out)
}
