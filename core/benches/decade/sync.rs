//! `--sync`: team sharing on the decade dataset, side by side in one run.
//!
//! - What capture adds to `set_mark` and `save_note_draft`: the same calls
//!   with capture on and off, in alternating rounds (goal: under 1 ms added
//!   at the 95th percentile).
//! - A snapshot of the busiest group's space and of the office's: the time to
//!   make it, its size, and the time for an empty store to apply the
//!   office's, beside the time a backup (`VACUUM INTO`) of the same store
//!   takes (goal: the whole decade on a new office laptop within 60 s, and
//!   within twice the backup's time).
//! - A busy day: 2,000 changes in 50 change files, applied (goal: within
//!   1 s), and the bytes a day of changes adds to a space.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use refrain_core::model::Mark;
use refrain_core::store::DB_FILE;
use refrain_core::sync::{group_space, Keys, SpaceKey, OFFICE};
use refrain_core::Store;
use rusqlite::Connection;
use serde_json::{json, Value};

use super::Res;

const ROUNDS: usize = 10;
const CALLS: usize = 40;
const DAY_FILES: usize = 50;
const DAY_CHANGES: usize = 2_000;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

fn size_of_tree(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            total += if p.is_dir() {
                size_of_tree(&p)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            };
        }
    }
    total
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_in(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn key_dir(dir: &Path, spaces: &[&str], from: Option<&Path>) -> Res<Keys> {
    std::fs::create_dir_all(dir)?;
    for s in spaces {
        let path = dir.join(format!("{s}.key"));
        match from {
            Some(src) => {
                std::fs::copy(src.join(format!("{s}.key")), &path)?;
            }
            None => SpaceKey::generate()?.write_new(&path)?,
        }
    }
    Ok(Keys::from_dir(dir)?)
}

pub fn run(dataset: &Path, out_dir: &Path) -> Res<Value> {
    let work = out_dir.join("sync-work");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    let office_dir = work.join("office");
    std::fs::create_dir_all(&office_dir)?;
    std::fs::copy(dataset.join(DB_FILE), office_dir.join(DB_FILE))?;
    let folder = work.join("shared");

    // The yardstick: a backup of the same store (close to copying it).
    let backup_path = work.join("backup.db");
    let started = Instant::now();
    Connection::open(office_dir.join(DB_FILE))?
        .execute("VACUUM INTO ?1", [backup_path.to_string_lossy().as_ref()])?;
    let backup_s = started.elapsed().as_secs_f64();
    let backup_bytes = std::fs::metadata(&backup_path)?.len();
    std::fs::remove_file(&backup_path)?;
    println!(
        "Backup (VACUUM INTO) of the decade store: {backup_s:.1} s, {} MB",
        backup_bytes / 1_000_000
    );

    let busiest: String = Connection::open(office_dir.join(DB_FILE))?.query_row(
        "SELECT group_id FROM membership GROUP BY group_id ORDER BY count(*) DESC LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    let group = group_space(&busiest);

    let mut office = Store::open_in_dir(&office_dir)?;
    let all_keys = work.join("keys");
    let group_keys = key_dir(&all_keys, &[OFFICE, &group], None)?;
    drop(group_keys);
    let only_group = key_dir(&work.join("keys-group"), &[&group], Some(&all_keys))?;
    let started = Instant::now();
    office.sync_folder(&folder, &only_group)?;
    let group_snap_s = started.elapsed().as_secs_f64();
    let group_snap_bytes = size_of_tree(&folder.join(&group));
    println!(
        "Snapshot of the busiest group's space: {group_snap_s:.2} s, {} kB",
        group_snap_bytes / 1000
    );

    let both = Keys::from_dir(&all_keys)?;
    let started = Instant::now();
    office.sync_folder(&folder, &both)?;
    let office_snap_s = started.elapsed().as_secs_f64();
    let office_snap_bytes = size_of_tree(&folder.join(OFFICE));
    println!(
        "Snapshot of the office's space: {office_snap_s:.1} s, {} MB",
        office_snap_bytes / 1_000_000
    );

    let newcomer_dir = work.join("newcomer");
    let mut newcomer = Store::open_in_dir(&newcomer_dir)?;
    let only_office = key_dir(&work.join("keys-office"), &[OFFICE], Some(&all_keys))?;
    let started = Instant::now();
    let report = newcomer.sync_folder(&folder, &only_office)?;
    let apply_s = started.elapsed().as_secs_f64();
    if !report.refused.is_empty() {
        return Err(format!("the snapshot was refused: {:?}", report.refused).into());
    }
    println!(
        "A new office laptop applies it: {apply_s:.1} s ({:.2}x the backup)",
        apply_s / backup_s
    );

    // What capture adds, on and off in alternating rounds.
    let (session, people): (String, Vec<String>) = {
        let conn = Connection::open(office_dir.join(DB_FILE))?;
        let session: String = conn.query_row(
            "SELECT s.id FROM session s WHERE s.group_id = ?1 AND s.status != 'cancelled'
              AND s.date <= date('now')
              ORDER BY s.date DESC LIMIT 1",
            [&busiest],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare(
            "SELECT attendee_id FROM attendance WHERE session_id = ?1 ORDER BY attendee_id",
        )?;
        let people = stmt
            .query_map([&session], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        (session, people)
    };
    if people.is_empty() {
        return Err("the busiest group's latest session has no marks".into());
    }
    let marks = [Mark::Present, Mark::Late, Mark::Absent, Mark::Present];
    let mut mark_on = Vec::new();
    let mut mark_off = Vec::new();
    let mut draft_on = Vec::new();
    let mut draft_off = Vec::new();
    let mut body = String::from("Sang well today.");
    for round in 0..ROUNDS {
        for capture in if round % 2 == 0 {
            [false, true]
        } else {
            [true, false]
        } {
            office.sync_pause_capture(!capture)?;
            for i in 0..CALLS {
                let who = &people[i % people.len()];
                let started = Instant::now();
                office.set_mark(&session, who, Some(marks[(round + i) % marks.len()]))?;
                let t = ms(started.elapsed());
                if capture {
                    mark_on.push(t)
                } else {
                    mark_off.push(t)
                }
                body.push_str(" More words.");
                let started = Instant::now();
                office.save_note_draft(&session, None, &body, None)?;
                let t = ms(started.elapsed());
                if capture {
                    draft_on.push(t)
                } else {
                    draft_off.push(t)
                }
            }
        }
    }
    office.sync_pause_capture(false)?;
    let row = |name: &str, on: &mut Vec<f64>, off: &mut Vec<f64>| {
        let (on50, on95) = (percentile(on, 0.5), percentile(on, 0.95));
        let (off50, off95) = (percentile(off, 0.5), percentile(off, 0.95));
        println!(
            "{name}: capture off p50 {off50:.2} ms p95 {off95:.2} ms; on p50 {on50:.2} ms p95 {on95:.2} ms; added at p95 {:.2} ms",
            on95 - off95
        );
        json!({"offP50": off50, "offP95": off95, "onP50": on50, "onP95": on95, "addedP95": on95 - off95})
    };
    let set_mark = row("set_mark", &mut mark_on, &mut mark_off);
    let save_draft = row("save_note_draft", &mut draft_on, &mut draft_off);

    // A busy day: 2,000 changes written as 50 files.
    office.sync_flush(&folder, &both)?;
    let before: Vec<PathBuf> = files_in(&folder.join(OFFICE));
    let sessions: Vec<String> = {
        let conn = Connection::open(office_dir.join(DB_FILE))?;
        let mut stmt = conn.prepare(
            "SELECT s.id FROM session s WHERE s.status != 'cancelled' AND s.date <= date('now')
              AND EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id)
              ORDER BY s.date DESC LIMIT 10",
        )?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        ids
    };
    let mut day: Vec<(String, Vec<String>)> = Vec::new();
    for s in &sessions {
        let reg = office.register(s)?;
        day.push((
            s.clone(),
            reg.entries.into_iter().map(|e| e.attendee_id).collect(),
        ));
    }
    let mut n = 0;
    for f in 0..DAY_FILES {
        for i in 0..DAY_CHANGES / DAY_FILES {
            let (s, who) = &day[(f + i) % day.len()];
            if who.is_empty() {
                continue;
            }
            let p = &who[i % who.len()];
            if i % 10 == 9 {
                office.save_note_draft(s, None, &format!("Busy day note {f}-{i}"), None)?;
            } else {
                office.set_mark(s, p, Some(marks[(f + i) % marks.len()]))?;
            }
            n += 1;
        }
        office.sync_flush(&folder, &both)?;
    }
    let day_files: Vec<PathBuf> = files_in(&folder.join(OFFICE))
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    let day_bytes: u64 = day_files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let started = Instant::now();
    let report = newcomer.sync_folder(&folder, &only_office)?;
    let day_apply_s = started.elapsed().as_secs_f64();
    println!(
        "A busy day: {n} changes in {} files ({} kB) applied in {:.0} ms",
        report.files_applied,
        day_bytes / 1000,
        day_apply_s * 1000.0
    );

    Ok(json!({
        "backup": {"seconds": backup_s, "bytes": backup_bytes},
        "groupSnapshot": {"seconds": group_snap_s, "bytes": group_snap_bytes},
        "officeSnapshot": {"seconds": office_snap_s, "bytes": office_snap_bytes},
        "newOfficeLaptop": {"seconds": apply_s, "timesBackup": apply_s / backup_s},
        "setMark": set_mark,
        "saveNoteDraft": save_draft,
        "busyDay": {"changes": n, "files": report.files_applied, "bytes": day_bytes, "applySeconds": day_apply_s},
    }))
}
