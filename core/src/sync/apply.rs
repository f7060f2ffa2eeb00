//! Applying other laptops' entries: the merge rules, the same on every
//! laptop.
//!
//! - Column by column, the later clock wins (ties cannot happen: a clock
//!   names its device). A column changed on one side only keeps that side's
//!   value, because the other side's clock for it is older.
//! - A register mark overwritten, or an incoming mark that lost, is written
//!   to the decisions list with who made it, so no mark goes silently.
//! - A signed note is final: an incoming change to it is refused and
//!   recorded; a draft that races a signature loses to the signature.
//!   Amendments are rows of their own and never conflict.
//! - Erasure wins: the erasure's own entry makes this copy match the
//!   eraser's (the anonymous record, the memberships, the personal records
//!   removed), and any later change about the erased person is dropped; only
//!   register marks are kept, anonymous, so the counts stay right.
//! - A deletion wins over the columns it is later than.
//! - A row whose parent has not arrived yet waits (`sync_parked`) and is
//!   tried again after each file.

use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

use super::capture::image;
use super::rows::{Entry, RowImage, Val};
use super::tables::{self, SYNCED};
use crate::error::{CoreError, Result};

/// Who an entry came from, for the decisions list.
pub struct Source<'a> {
    pub device: &'a str,
    pub actor: Option<&'a str>,
}

/// What one row's merge came to.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Applied,
    Unchanged,
    Parked,
    Dropped,
    Refused,
}

pub fn decide(
    conn: &Connection,
    src: &Source<'_>,
    row: &RowImage,
    kind: &str,
    detail: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_decision (at, device, actor, tbl, pk, kind, detail)
         VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?1, ?2, ?3, ?4, ?5, ?6)",
        params![src.device, src.actor, row.t, row.pk_text(), kind, detail],
    )?;
    Ok(())
}

fn is_erased(conn: &Connection, person: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM erasure WHERE attendee_id = ?1)",
        [person],
        |r| r.get(0),
    )?)
}

fn is_fk_failure(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

/// Applies one entry from another laptop; `scope` is the space of the
/// snapshot it came in, if it did.
pub fn apply_entry(
    conn: &Connection,
    entry: &Entry,
    device: &str,
    scope: Option<&str>,
) -> Result<()> {
    let src = Source {
        device,
        actor: entry.actor.as_deref(),
    };
    // An erasure arrives in its own entry, or in a snapshot made after it.
    // Its images of the person's record and memberships are the eraser's,
    // and are taken as they are even where the erasure is already known (a
    // snapshot of another space may have brought it first).
    let mut erasing: Vec<String> = Vec::new();
    for row in entry
        .rows
        .iter()
        .filter(|r| r.t == "erasure" && r.del.is_none())
    {
        if let Some(person) = &row.p {
            let known = is_erased(conn, person)?;
            apply_erasure(conn, entry, person, &src, known, scope)?;
            erasing.push(person.clone());
        }
    }
    let mut rows: Vec<&RowImage> = entry.rows.iter().collect();
    // Parents first; deletions after, children first.
    rows.sort_by_key(|r| match r.del {
        None => (0, tables::rank(&r.t)),
        Some(_) => (1, usize::MAX - tables::rank(&r.t)),
    });
    for row in rows {
        merge_row(conn, row, &src, &erasing)?;
    }
    Ok(())
}

/// Tries every row waiting for its parent again.
pub fn retry_parked(conn: &Connection) -> Result<usize> {
    let mut applied = 0;
    loop {
        let parked: Vec<(String, String, Vec<u8>)> = {
            let mut stmt = conn.prepare("SELECT tbl, pk, row FROM sync_parked")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows
        };
        let mut progress = false;
        let mut parked = parked;
        parked.sort_by_key(|(t, _, _)| tables::rank(t));
        for (tbl, pk, bytes) in parked {
            let Ok((row, device, actor)) =
                serde_json::from_slice::<(RowImage, String, Option<String>)>(&bytes)
            else {
                conn.execute(
                    "DELETE FROM sync_parked WHERE tbl = ?1 AND pk = ?2",
                    params![tbl, pk],
                )?;
                continue;
            };
            conn.execute(
                "DELETE FROM sync_parked WHERE tbl = ?1 AND pk = ?2",
                params![tbl, pk],
            )?;
            let src = Source {
                device: &device,
                actor: actor.as_deref(),
            };
            if merge_row(conn, &row, &src, &[])? != Outcome::Parked {
                progress = true;
                applied += 1;
            }
        }
        if !progress {
            return Ok(applied);
        }
    }
}

fn park(conn: &Connection, row: &RowImage, src: &Source<'_>) -> Result<Outcome> {
    let pk = row.pk_text();
    // Two waiting images of one row: keep the later clock of each column.
    let earlier: Option<Vec<u8>> = conn
        .query_row(
            "SELECT row FROM sync_parked WHERE tbl = ?1 AND pk = ?2",
            params![row.t, pk],
            |r| r.get(0),
        )
        .optional()?;
    let mut merged = row.clone();
    if let Some(bytes) = earlier {
        if let Ok((old, _, _)) =
            serde_json::from_slice::<(RowImage, String, Option<String>)>(&bytes)
        {
            for (col, val, clock) in merged.c.iter_mut() {
                if let Some((_, v, h)) = old.c.iter().find(|(c, _, _)| c == col) {
                    if h > clock {
                        *val = v.clone();
                        *clock = h.clone();
                    }
                }
            }
        }
    }
    let bytes = serde_json::to_vec(&(merged, src.device, src.actor))
        .map_err(|e| CoreError::Sync(e.to_string()))?;
    conn.execute(
        "INSERT INTO sync_parked (tbl, pk, row) VALUES (?1, ?2, ?3)
         ON CONFLICT (tbl, pk) DO UPDATE SET row = excluded.row",
        params![row.t, pk, bytes],
    )?;
    Ok(Outcome::Parked)
}

fn set_clocks(conn: &Connection, row: &RowImage, only: Option<&[usize]>) -> Result<()> {
    let pk = row.pk_text();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO sync_clock (tbl, pk, col, hlc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc = excluded.hlc",
    )?;
    for (i, (col, _, clock)) in row.c.iter().enumerate() {
        if clock.is_empty() || only.is_some_and(|o| !o.contains(&i)) {
            continue;
        }
        stmt.execute(params![row.t, pk, col, clock])?;
    }
    Ok(())
}

fn pk_filter(cols: &tables::Columns, first: usize) -> String {
    cols.pk
        .iter()
        .enumerate()
        .map(|(n, i)| format!("{} = ?{}", cols.names[*i], first + n))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The INSERT statement for a row with these columns.
pub fn insert_sql(table: &str, names: &[&str]) -> String {
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names.join(", "),
        marks.join(", ")
    )
}

fn insert_row(conn: &Connection, row: &RowImage) -> rusqlite::Result<usize> {
    let names: Vec<&str> = row.c.iter().map(|(c, _, _)| c.as_str()).collect();
    insert_row_with(conn, &insert_sql(&row.t, &names), row)
}

fn insert_row_with(conn: &Connection, sql: &str, row: &RowImage) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?
        .execute(params_from_iter(row.c.iter().map(|(_, v, _)| v.to_value())))
}

fn describe(v: &Val) -> String {
    match v {
        Val::Null => "none".into(),
        Val::Int(i) => i.to_string(),
        Val::Real(r) => r.to_string(),
        Val::Text(t) => t.replace('_', " "),
        Val::Blob(_) => "data".into(),
    }
}

/// Merges one row image. `erasing`: the people this row's entry erases.
pub fn merge_row(
    conn: &Connection,
    row: &RowImage,
    src: &Source<'_>,
    erasing: &[String],
) -> Result<Outcome> {
    if !SYNCED.contains(&row.t.as_str()) {
        decide(
            conn,
            src,
            row,
            "refused",
            "a kind of record this version does not share",
        )?;
        return Ok(Outcome::Refused);
    }
    let cols = tables::columns(conn, &row.t)?;
    if let Some(person) = &row.p {
        let forced_by_erasure = erasing.contains(person)
            && matches!(row.t.as_str(), "attendee" | "membership" | "erasure");
        if row.t != "attendance" && !forced_by_erasure && is_erased(conn, person)? {
            if row.del.is_none()
                && image(conn, &row.t, &cols, &row.k)?.is_none_or(|local| {
                    local
                        .c
                        .iter()
                        .map(|(c, v, _)| (c, v))
                        .ne(row.c.iter().map(|(c, v, _)| (c, v)))
                })
            {
                decide(
                    conn,
                    src,
                    row,
                    "dropped",
                    "A change about a person whose record was erased was not applied.",
                )?;
            }
            return Ok(Outcome::Dropped);
        }
        if forced_by_erasure {
            return Ok(Outcome::Unchanged); // done by apply_erasure
        }
    }
    let pk = row.pk_text();
    let local = image(conn, &row.t, &cols, &row.k)?;
    let tomb: Option<String> = conn
        .query_row(
            "SELECT hlc FROM sync_tombstone WHERE tbl = ?1 AND pk = ?2",
            params![row.t, pk],
            |r| r.get(0),
        )
        .optional()?;

    if let Some(del) = &row.del {
        if tomb.as_deref().is_none_or(|t| t < del.as_str()) {
            conn.execute(
                "INSERT INTO sync_tombstone (tbl, pk, hlc) VALUES (?1, ?2, ?3)
                 ON CONFLICT (tbl, pk) DO UPDATE SET hlc = max(hlc, excluded.hlc)",
                params![row.t, pk, del],
            )?;
        }
        let Some(local) = local else {
            return Ok(Outcome::Unchanged);
        };
        if local.top_clock() >= del.as_str() {
            return Ok(Outcome::Unchanged); // changed here after it was deleted there
        }
        let sql = format!("DELETE FROM {} WHERE {}", row.t, pk_filter(&cols, 1));
        match conn.execute(&sql, params_from_iter(row.k.iter().map(Val::to_value))) {
            Ok(_) => {
                conn.execute(
                    "DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2",
                    params![row.t, pk],
                )?;
                if row.t == "attendance" {
                    let was = local.col("mark").map(describe).unwrap_or_default();
                    decide(
                        conn,
                        src,
                        row,
                        "overwritten",
                        &format!("Mark \"{was}\" cleared"),
                    )?;
                }
                Ok(Outcome::Applied)
            }
            Err(e) => {
                decide(conn, src, row, "refused", &refusal(&e))?;
                Ok(Outcome::Refused)
            }
        }
    } else if let Some(local) = local {
        merge_columns(conn, row, &local, &cols, src)
    } else {
        if tomb
            .as_deref()
            .is_some_and(|t| t >= row.top_clock() && !row.top_clock().is_empty())
        {
            return Ok(Outcome::Unchanged); // deleted after this image was made
        }
        match insert_row(conn, row) {
            Ok(_) => {
                set_clocks(conn, row, None)?;
                if row.t == "attendance" && tomb.is_some() {
                    let now = row.col("mark").map(describe).unwrap_or_default();
                    decide(
                        conn,
                        src,
                        row,
                        "overwritten",
                        &format!("A cleared mark was set again, to \"{now}\", on another laptop"),
                    )?;
                }
                Ok(Outcome::Applied)
            }
            Err(e) if is_fk_failure(&e) => park(conn, row, src),
            Err(e) if row.t == "score_set" && e.to_string().contains("UNIQUE") => {
                score_clash(conn, row, src)
            }
            Err(e) => {
                decide(conn, src, row, "refused", &refusal(&e))?;
                Ok(Outcome::Refused)
            }
        }
    }
}

/// Two laptops recorded the same person's scores for the same session,
/// measure, timing and rater while apart: the first recorded (the lower
/// id: ids are UUIDv7) stands and the other is archived, on every laptop
/// alike, and the decision is recorded.
fn score_clash(conn: &Connection, row: &RowImage, src: &Source<'_>) -> Result<Outcome> {
    let text = |c: &str| {
        row.col(c)
            .and_then(Val::as_text)
            .unwrap_or_default()
            .to_string()
    };
    let local: Option<(String, String)> = conn
        .query_row(
            "SELECT id, created_at FROM score_set
              WHERE session_id = ?1 AND attendee_id = ?2 AND instrument_key = ?3
                AND timing = ?4 AND rater = ?5 AND archived_at IS NULL",
            params![
                text("session_id"),
                text("attendee_id"),
                text("instrument_key"),
                text("timing"),
                text("rater")
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((local_id, local_created)) = local else {
        decide(
            conn,
            src,
            row,
            "refused",
            "It clashes with a record made on this laptop.",
        )?;
        return Ok(Outcome::Refused);
    };
    let incoming_id = text("id");
    let cols = tables::columns(conn, "score_set")?;
    let local_img = image(conn, "score_set", &cols, &[Val::Text(local_id.clone())])?
        .ok_or(CoreError::NotFound { what: "score set" })?;
    let clock = row.top_clock().max(local_img.top_clock()).to_string();
    let (winner_created, incoming_wins) = if incoming_id < local_id {
        (text("created_at"), true)
    } else {
        (local_created, false)
    };
    let mut incoming = row.clone();
    if incoming_wins {
        conn.execute(
            "UPDATE score_set SET archived_at = ?2 WHERE id = ?1",
            params![local_id, winner_created],
        )?;
        conn.execute(
            "INSERT INTO sync_clock (tbl, pk, col, hlc) VALUES ('score_set', ?1, 'archived_at', ?2)
             ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc = excluded.hlc",
            params![local_img.pk_text(), clock],
        )?;
    } else {
        for (c, v, h) in incoming.c.iter_mut() {
            if c == "archived_at" {
                *v = Val::Text(winner_created.clone());
                h.clone_from(&clock);
            }
        }
    }
    insert_row(conn, &incoming)?;
    set_clocks(conn, &incoming, None)?;
    decide(
        conn,
        src,
        row,
        "kept",
        "The same scores were recorded on two laptops while they were apart: the first \
         recorded stands and the other is archived.",
    )?;
    Ok(Outcome::Applied)
}

/// Inserts one row's values with `sql` (the table's INSERT for these
/// columns). False when the row could not go in as it is (its parent is not
/// here yet, or it clashes): the caller then merges it.
pub fn insert_values(conn: &Connection, sql: &str, values: &[Val]) -> Result<bool> {
    match conn
        .prepare_cached(sql)?
        .execute(params_from_iter(values.iter()))
    {
        Ok(_) => Ok(true),
        Err(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// A row from a snapshot for a table that was empty here: inserted as it
/// is, unless it is about an erased person (then merged, which drops it).
pub fn insert_fresh(
    conn: &Connection,
    sql: &str,
    row: &RowImage,
    src: &Source<'_>,
) -> Result<Outcome> {
    if let Some(person) = &row.p {
        if row.t != "attendance" && is_erased(conn, person)? {
            return merge_row(conn, row, src, &[]);
        }
    }
    match insert_row_with(conn, sql, row) {
        Ok(_) => {
            set_clocks(conn, row, None)?;
            Ok(Outcome::Applied)
        }
        Err(e) if is_fk_failure(&e) => park(conn, row, src),
        Err(_) => merge_row(conn, row, src, &[]),
    }
}

fn refusal(e: &rusqlite::Error) -> String {
    let text = e.to_string();
    if text.contains("signed note is final") {
        "A change to a signed note was refused: a signed note is final.".into()
    } else if text.contains("UNIQUE") {
        format!("It clashes with a record made on this laptop ({text}).")
    } else {
        format!("It breaks a rule of the records ({text}).")
    }
}

fn merge_columns(
    conn: &Connection,
    row: &RowImage,
    local: &RowImage,
    cols: &tables::Columns,
    src: &Source<'_>,
) -> Result<Outcome> {
    let local_of = |name: &str| local.c.iter().find(|(c, _, _)| c == name);
    let differs = |name: &str, v: &Val| local_of(name).is_none_or(|(_, lv, _)| lv != v);

    if row.t == "note" {
        let here_signed = local.col("signed_at").is_some_and(|v| *v != Val::Null);
        let there_signed = row.col("signed_at").is_some_and(|v| *v != Val::Null);
        if here_signed && there_signed && row.c.iter().any(|(c, v, _)| differs(c, v)) {
            // Two signatures made apart: the earlier one stands everywhere.
            let clock_of = |img: &RowImage| {
                img.c
                    .iter()
                    .find(|(c, _, _)| c == "signed_at")
                    .map(|(_, _, h)| h.clone())
                    .unwrap_or_default()
            };
            if clock_of(row) < clock_of(local) {
                let lost = local.col("body").map(describe).unwrap_or_default();
                conn.execute(
                    "INSERT OR REPLACE INTO sync_state (key, value)
                     VALUES ('replacing_signed_note', ?1)",
                    [local.k.first().and_then(Val::as_text).unwrap_or_default()],
                )?;
                let all: Vec<usize> = (0..row.c.len()).collect();
                let done = update_columns(conn, row, cols, &all);
                conn.execute(
                    "DELETE FROM sync_state WHERE key = 'replacing_signed_note'",
                    [],
                )?;
                done?;
                set_clocks(conn, row, None)?;
                decide(
                    conn,
                    src,
                    row,
                    "overwritten",
                    &format!(
                        "This note was signed on two laptops while they were apart; the \
                         earlier signature stands. The later signed version read: {lost}"
                    ),
                )?;
                return Ok(Outcome::Applied);
            }
        }
        if here_signed {
            if row.c.iter().any(|(c, v, _)| differs(c, v)) {
                decide(
                    conn,
                    src,
                    row,
                    "refused",
                    &format!(
                        "A change to a signed note was refused: a signed note is final. The \
                         other version read: {}",
                        row.col("body").map(describe).unwrap_or_default()
                    ),
                )?;
                return Ok(Outcome::Refused);
            }
            return Ok(Outcome::Unchanged);
        }
        if there_signed {
            // The signature wins over a racing draft, whatever the clocks.
            let lost = local.col("body").map(describe).unwrap_or_default();
            let all: Vec<usize> = (0..row.c.len()).collect();
            update_columns(conn, row, cols, &all)?;
            set_clocks(conn, row, None)?;
            if row.col("body") != local.col("body") {
                decide(
                    conn,
                    src,
                    row,
                    "overwritten",
                    &format!("A draft was replaced by the signed note. The draft read: {lost}"),
                )?;
            }
            return Ok(Outcome::Applied);
        }
    }

    let mut take = Vec::new();
    let mut stamp = Vec::new();
    for (i, (col, val, clock)) in row.c.iter().enumerate() {
        if cols.pk.iter().any(|p| cols.names[*p] == *col) {
            continue;
        }
        let here = local_of(col).map(|(_, _, h)| h.as_str()).unwrap_or("");
        if clock.as_str() > here {
            if differs(col, val) {
                take.push(i);
            } else {
                stamp.push(i);
            }
        } else if row.t == "attendance" && col == "mark" && differs(col, val) && !clock.is_empty() {
            let kept = local_of(col)
                .map(|(_, v, _)| describe(v))
                .unwrap_or_default();
            decide(
                conn,
                src,
                row,
                "kept",
                &format!(
                    "Mark \"{}\" from another laptop was older than \"{kept}\" here, so \
                     \"{kept}\" stands",
                    describe(val)
                ),
            )?;
        }
    }
    if take.is_empty() {
        if !stamp.is_empty() {
            set_clocks(conn, row, Some(&stamp))?;
        }
        return Ok(Outcome::Unchanged);
    }
    match update_columns(conn, row, cols, &take) {
        Ok(()) => {}
        Err(CoreError::Database(e)) if is_fk_failure(&e) => return park(conn, row, src),
        Err(CoreError::Database(e)) => {
            decide(conn, src, row, "refused", &refusal(&e))?;
            return Ok(Outcome::Refused);
        }
        Err(e) => return Err(e),
    }
    stamp.extend(&take);
    set_clocks(conn, row, Some(&stamp))?;
    if row.t == "attendance" {
        if let (Some((_, old, _)), Some(new)) = (local_of("mark"), row.col("mark")) {
            if old != new {
                decide(
                    conn,
                    src,
                    row,
                    "overwritten",
                    &format!(
                        "Mark \"{}\" was replaced by \"{}\"",
                        describe(old),
                        describe(new)
                    ),
                )?;
            }
        }
    }
    Ok(Outcome::Applied)
}

fn update_columns(
    conn: &Connection,
    row: &RowImage,
    cols: &tables::Columns,
    which: &[usize],
) -> Result<()> {
    let sets: Vec<String> = which
        .iter()
        .enumerate()
        .map(|(n, i)| format!("{} = ?{}", row.c[*i].0, n + 1))
        .collect();
    let sql = format!(
        "UPDATE {} SET {} WHERE {}",
        row.t,
        sets.join(", "),
        pk_filter(cols, which.len() + 1)
    );
    let values = which
        .iter()
        .map(|i| row.c[*i].1.to_value())
        .chain(row.k.iter().map(Val::to_value));
    conn.prepare_cached(&sql)?
        .execute(params_from_iter(values))?;
    Ok(())
}

/// Puts a row image in place as it is, whatever the clocks (an erasure's
/// images are the eraser's, the same on every laptop).
fn put_as_is(conn: &Connection, row: &RowImage) -> Result<()> {
    let cols = tables::columns(conn, &row.t)?;
    if image(conn, &row.t, &cols, &row.k)?.is_some() {
        let all: Vec<usize> = (0..row.c.len()).collect();
        update_columns(conn, row, &cols, &all)?;
    } else {
        insert_row(conn, row)?;
    }
    set_clocks(conn, row, None)
}

/// An erasure's own entry: this copy is made to match the eraser's.
fn apply_erasure(
    conn: &Connection,
    entry: &Entry,
    person: &str,
    src: &Source<'_>,
    known: bool,
    scope: Option<&str>,
) -> Result<()> {
    fn find<'e>(entry: &'e Entry, t: &'e str) -> impl Iterator<Item = &'e RowImage> + 'e {
        entry
            .rows
            .iter()
            .filter(move |r| r.t == t && r.del.is_none())
    }
    let Some(record) = find(entry, "attendee").find(|r| r.p.as_deref() == Some(person)) else {
        return Ok(());
    };
    let Some(erasure) = find(entry, "erasure").find(|r| r.p.as_deref() == Some(person)) else {
        return Ok(());
    };
    if !known {
        put_as_is(conn, record)?;
        insert_row(conn, erasure)?;
        set_clocks(conn, erasure, None)?;
        // The personal records, as the eraser removed them.
        conn.execute_batch("PRAGMA secure_delete = ON")?;
        crate::store::erasure::delete_personal_records(conn, person)?;
        crate::store::erasure::delete_notes(conn, person)?;
    }
    // The memberships exactly as the eraser left them.
    let kept: Vec<&RowImage> = find(entry, "membership")
        .filter(|r| r.p.as_deref() == Some(person))
        .collect();
    let mut stmt = conn.prepare("SELECT id, group_id FROM membership WHERE attendee_id = ?1")?;
    let here: Vec<(String, String)> = stmt
        .query_map([person], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // The erasure's own entry carries every membership the eraser had; a
    // snapshot carries every one in its space. A membership here that they
    // do not carry was made elsewhere while the erasure travelled: it goes.
    let covers = |group: &str| match scope {
        _ if entry.erases.as_deref() == Some(person) => true,
        Some(space) => space == tables::OFFICE || tables::group_space(group) == space,
        None => false,
    };
    for (id, group) in here {
        if covers(&group)
            && !kept
                .iter()
                .any(|r| r.k.first().and_then(Val::as_text) == Some(id.as_str()))
        {
            conn.execute("DELETE FROM membership WHERE id = ?1", [&id])?;
        }
    }
    for m in kept {
        // Memberships of groups this laptop does not hold stay out.
        let group_here: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM practice_group WHERE id = ?1)",
            [m.col("group_id").and_then(Val::as_text).unwrap_or_default()],
            |r| r.get(0),
        )?;
        if !group_here {
            continue;
        }
        put_as_is(conn, m)?;
    }
    conn.execute(
        "DELETE FROM sync_parked WHERE row LIKE '%' || ?1 || '%' AND tbl != 'attendance'",
        [person],
    )?;
    if !known {
        decide(
            conn,
            src,
            record,
            "erased",
            "A person's record was erased on another laptop; it is erased here too.",
        )?;
    }
    Ok(())
}
