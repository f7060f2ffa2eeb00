//! Capture: while sharing is on, every `Store::write()` records its row
//! changes with SQLite's session extension, and before the transaction
//! commits, turns them into row images for each space this laptop holds and
//! puts them in the outbox, in the same transaction. A change that is
//! refused or rolled back leaves nothing in the outbox; a change that
//! committed is in the outbox even if the laptop dies before the change
//! files are written.

use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::hooks::Action;
use rusqlite::session::Session;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};

use super::hlc::{wall_ms, Hlc};
use super::rows::{pk_text, Entry, RowImage, Val};
use super::tables::{self, group_space, Columns, Route, SYNCED};
use crate::error::{CoreError, Result};

/// What a laptop that shares needs at hand for every write.
#[derive(Debug, Clone)]
pub struct Capture {
    pub device: String,
    /// The spaces this laptop holds.
    pub spaces: Vec<String>,
    pub clock: Hlc,
    /// Added to this computer's clock (tests of a laptop whose clock is wrong).
    pub skew_ms: i64,
}

impl Capture {
    /// Sharing is on once this laptop holds a space.
    pub fn load(conn: &Connection) -> Result<Option<Capture>> {
        let mut stmt = conn.prepare("SELECT id FROM sync_space ORDER BY id")?;
        let spaces = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        if spaces.is_empty() {
            return Ok(None);
        }
        let device = state(conn, "device")?
            .ok_or_else(|| CoreError::Sync("this laptop's sharing id is missing".into()))?;
        let clock = match state(conn, "clock")? {
            Some(c) => Hlc::parse(&c)?,
            None => Hlc::zero(),
        };
        Ok(Some(Capture {
            device,
            spaces,
            clock,
            skew_ms: 0,
        }))
    }

    /// The next stamp, remembered in the same transaction.
    pub fn tick(&mut self, conn: &Connection) -> Result<Hlc> {
        self.clock = self.clock.tick(self.now_ms(), &self.device);
        set_state(conn, "clock", &self.clock.to_string())?;
        Ok(self.clock.clone())
    }
}

impl Capture {
    /// This laptop's wall clock, as it reads (with any skew a test gave it).
    pub fn now_ms(&self) -> u64 {
        (wall_ms() as i64).saturating_add(self.skew_ms).max(0) as u64
    }
}

pub fn state(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set_state(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Starts recording the synced tables' changes on `conn` (inside the
/// write's transaction).
pub fn begin(conn: &Connection) -> Result<Session<'_>> {
    let mut session = Session::new(conn)?;
    for table in SYNCED {
        session.attach(Some(*table))?;
    }
    Ok(session)
}

struct Change {
    table: String,
    pk: Vec<Val>,
    action: Action,
    changed: Vec<usize>,
    old: Vec<Val>,
}

/// Turns what `session` recorded into the outbox's entries, one per space
/// this laptop holds that takes any of it.
pub fn finish(
    conn: &Connection,
    cap: &mut Capture,
    session: &mut Session<'_>,
    actor: Option<String>,
) -> Result<()> {
    if session.is_empty() {
        return Ok(());
    }
    let changeset = session.changeset()?;
    let mut changes = Vec::new();
    let mut iter = changeset.iter()?;
    while let Some(item) = iter.next()? {
        let op = item.op()?;
        let n = op.number_of_columns() as usize;
        let pk_flags = item.pk()?.to_vec();
        let action = op.code();
        let table = op.table_name().to_string();
        let mut pk = Vec::new();
        let mut changed = Vec::new();
        let mut old = Vec::new();
        for i in 0..n {
            let newv = match action {
                Action::SQLITE_DELETE => None,
                _ => item.new_value(i).ok().map(Val::from_ref),
            };
            let oldv = match action {
                Action::SQLITE_INSERT => None,
                _ => item.old_value(i).ok().map(Val::from_ref),
            };
            if pk_flags.get(i).copied().unwrap_or(0) != 0 {
                pk.push(newv.clone().or_else(|| oldv.clone()).unwrap_or(Val::Null));
            }
            if newv.is_some() {
                changed.push(i);
            }
            old.push(oldv.unwrap_or(Val::Null));
        }
        changes.push(Change {
            table,
            pk,
            action,
            changed,
            old,
        });
    }
    drop(iter);
    if changes.is_empty() {
        return Ok(());
    }
    let hlc = cap.tick(conn)?.to_string();

    let mut routed: Vec<(RowImage, Route)> = Vec::new();
    let mut erases = None;
    let mut arrivals: Vec<(String, String)> = Vec::new(); // (group, person)
    for change in changes {
        let cols = tables::columns(conn, &change.table)?;
        let pk = pk_text(&change.pk);
        if matches!(change.action, Action::SQLITE_DELETE) {
            let old = RowImage {
                t: change.table.clone(),
                k: change.pk.clone(),
                p: None,
                del: None,
                c: cols
                    .names
                    .iter()
                    .cloned()
                    .zip(change.old)
                    .map(|(c, v)| (c, v, String::new()))
                    .collect(),
            };
            let person = tables::person_of(conn, &old)?;
            let route = tables::route(conn, &old)?;
            conn.execute(
                "DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2",
                params![change.table, pk],
            )?;
            conn.execute(
                "INSERT INTO sync_tombstone (tbl, pk, hlc) VALUES (?1, ?2, ?3)
                 ON CONFLICT (tbl, pk) DO UPDATE SET hlc = max(hlc, excluded.hlc)",
                params![change.table, pk, hlc],
            )?;
            routed.push((
                RowImage {
                    t: change.table,
                    k: change.pk,
                    p: person,
                    del: Some(hlc.clone()),
                    c: Vec::new(),
                },
                route,
            ));
            continue;
        }
        {
            let mut stamp = conn.prepare_cached(
                "INSERT INTO sync_clock (tbl, pk, col, hlc) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc = excluded.hlc",
            )?;
            for i in &change.changed {
                stamp.execute(params![change.table, pk, cols.names[*i], hlc])?;
            }
        }
        let Some(image) = image(conn, &change.table, &cols, &change.pk)? else {
            continue;
        };
        // A walk-in comes to a session of a group they are not a member of:
        // like someone joining, they and their records go to its space.
        if change.table == "attendance"
            && matches!(change.action, Action::SQLITE_INSERT)
            && image.col("walk_in") == Some(&Val::Int(1))
        {
            let session = image.col("session_id").and_then(Val::as_text);
            let group: Option<String> = match session {
                Some(s) => conn
                    .query_row("SELECT group_id FROM session WHERE id = ?1", [s], |r| {
                        r.get(0)
                    })
                    .optional()?,
                None => None,
            };
            if let (Some(g), Some(p)) = (group, image.col("attendee_id").and_then(Val::as_text)) {
                arrivals.push((g, p.to_string()));
            }
        }
        if change.table == "membership" && matches!(change.action, Action::SQLITE_INSERT) {
            if let (Some(g), Some(p)) = (
                image.col("group_id").and_then(Val::as_text),
                image.col("attendee_id").and_then(Val::as_text),
            ) {
                arrivals.push((g.to_string(), p.to_string()));
            }
        }
        if change.table == "erasure" && matches!(change.action, Action::SQLITE_INSERT) {
            erases = image.p.clone();
        }
        let route = tables::route(conn, &image)?;
        routed.push((image, route));
    }

    if let Some(person) = &erases {
        // The erasure travels with the anonymous record and every membership
        // as left here, to every space.
        for img in person_images(conn, "attendee", "id = ?1", person)?
            .into_iter()
            .chain(person_images(
                conn,
                "membership",
                "attendee_id = ?1",
                person,
            )?)
        {
            if !routed
                .iter()
                .any(|(r, _)| r.t == img.t && r.k == img.k && r.del.is_none())
            {
                routed.push((img, Route::Everywhere));
            }
        }
    }

    let mut stmt = conn.prepare_cached("INSERT INTO sync_outbox (space, entry) VALUES (?1, ?2)")?;
    for space in &cap.spaces {
        let mut rows: Vec<RowImage> = routed
            .iter()
            // An erasure goes to every space of records; the team's own
            // space holds none.
            .filter(|(_, route)| {
                (erases.is_some() && space != tables::TEAM) || tables::space_takes(space, route)
            })
            .map(|(img, _)| img.clone())
            .collect();
        for (group, person) in &arrivals {
            if *space == group_space(group) {
                rows.extend(person_bundle(conn, person)?);
            }
        }
        if rows.is_empty() {
            continue;
        }
        let entry = Entry {
            hlc: hlc.clone(),
            actor: actor.clone(),
            erases: erases.clone(),
            rows,
        };
        let bytes = serde_json::to_vec(&entry).map_err(|e| CoreError::Sync(e.to_string()))?;
        stmt.execute(params![space, bytes])?;
    }
    Ok(())
}

/// A row's image as stored now, with each column's clock; `None` when the
/// row is not there.
pub fn image(
    conn: &Connection,
    table: &str,
    cols: &Columns,
    pk: &[Val],
) -> Result<Option<RowImage>> {
    let filter: Vec<String> = cols
        .pk
        .iter()
        .enumerate()
        .map(|(n, i)| format!("{} = ?{}", cols.names[*i], n + 1))
        .collect();
    let sql = format!("SELECT * FROM {table} WHERE {}", filter.join(" AND "));
    let mut stmt = conn.prepare_cached(&sql)?;
    let values: Option<Vec<Val>> = stmt
        .query_row(params_from_iter(pk.iter().map(Val::to_value)), |r| {
            (0..cols.names.len())
                .map(|i| r.get_ref(i).map(Val::from_ref))
                .collect()
        })
        .optional()?;
    let Some(values) = values else {
        return Ok(None);
    };
    let mut img = with_clocks(conn, table, cols, values)?;
    img.p = tables::person_of(conn, &img)?;
    Ok(Some(img))
}

fn with_clocks(
    conn: &Connection,
    table: &str,
    cols: &Columns,
    values: Vec<Val>,
) -> Result<RowImage> {
    let k: Vec<Val> = cols.pk.iter().map(|i| values[*i].clone()).collect();
    let pk = pk_text(&k);
    let mut stmt =
        conn.prepare_cached("SELECT col, hlc FROM sync_clock WHERE tbl = ?1 AND pk = ?2")?;
    let clocks: Vec<(String, String)> = stmt
        .query_map(params![table, pk], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let c = cols
        .names
        .iter()
        .cloned()
        .zip(values)
        .map(|(name, v)| {
            let clock = clocks
                .iter()
                .find(|(c, _)| *c == name)
                .map(|(_, h)| h.clone())
                .unwrap_or_default();
            (name, v, clock)
        })
        .collect();
    Ok(RowImage {
        t: table.to_string(),
        k,
        p: None,
        del: None,
        c,
    })
}

/// Every row of `table` matching `filter` (SQL, one parameter), as images.
pub fn images_where(
    conn: &Connection,
    table: &str,
    filter: &str,
    param: Option<&str>,
) -> Result<Vec<RowImage>> {
    let cols = tables::columns(conn, table)?;
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} WHERE {filter}"))?;
    let n = cols.names.len();
    let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Vec<Val>> {
        (0..n).map(|i| r.get_ref(i).map(Val::from_ref)).collect()
    };
    let rows: Vec<Vec<Val>> = match param {
        Some(p) => stmt
            .query_map([p], read)?
            .collect::<rusqlite::Result<_>>()?,
        None => stmt.query_map([], read)?.collect::<rusqlite::Result<_>>()?,
    };
    let mut out = Vec::with_capacity(rows.len());
    for values in rows {
        let mut img = with_clocks(conn, table, &cols, values)?;
        img.p = tables::person_of(conn, &img)?;
        out.push(img);
    }
    Ok(out)
}

fn person_images(
    conn: &Connection,
    table: &str,
    filter: &str,
    person: &str,
) -> Result<Vec<RowImage>> {
    images_where(conn, table, filter, Some(person))
}

/// What a group's space needs of a person when they join the group: their
/// record, referrals, scores outside sessions, personal playlists and
/// personal music (life story, avoid list, listening log, prescriptions).
pub fn person_bundle(conn: &Connection, person: &str) -> Result<Vec<RowImage>> {
    let mut rows = person_images(conn, "attendee", "id = ?1", person)?;
    rows.extend(person_images(conn, "referral", "attendee_id = ?1", person)?);
    rows.extend(person_images(
        conn,
        "referral_status_change",
        "referral_id IN (SELECT id FROM referral WHERE attendee_id = ?1)",
        person,
    )?);
    rows.extend(person_images(
        conn,
        "score_set",
        "attendee_id = ?1 AND session_id IS NULL",
        person,
    )?);
    rows.extend(person_images(
        conn,
        "score_answer",
        "score_set_id IN (SELECT id FROM score_set WHERE attendee_id = ?1 AND session_id IS NULL)",
        person,
    )?);
    rows.extend(person_images(conn, "playlist", "attendee_id = ?1", person)?);
    rows.extend(person_images(
        conn,
        "playlist_entry",
        "playlist_id IN (SELECT id FROM playlist WHERE attendee_id = ?1)",
        person,
    )?);
    // Their music life story, what to avoid, how songs went, and any
    // playlist prescribed for them (after the playlists it may name).
    rows.extend(person_images(
        conn,
        "music_story",
        "attendee_id = ?1",
        person,
    )?);
    rows.extend(person_images(
        conn,
        "music_avoid",
        "attendee_id = ?1",
        person,
    )?);
    rows.extend(person_images(
        conn,
        "listening",
        "attendee_id = ?1",
        person,
    )?);
    rows.extend(person_images(
        conn,
        "playlist_prescription",
        "referral_id IN (SELECT id FROM referral WHERE attendee_id = ?1)",
        person,
    )?);
    rows.extend(person_images(
        conn,
        "prescription_status_change",
        "prescription_id IN (SELECT p.id FROM playlist_prescription p
                               JOIN referral r ON r.id = p.referral_id
                              WHERE r.attendee_id = ?1)",
        person,
    )?);
    Ok(rows)
}
