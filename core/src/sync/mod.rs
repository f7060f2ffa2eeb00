//! Team sharing, part 1: the sync engine. Records move between a team's
//! laptops as encrypted change files in a folder that something else carries
//! (Syncthing, a synced cloud folder, a USB stick); every laptop keeps
//! working with no network at all.
//!
//! - `capture`: SQLite's session extension records each `Store::write()`'s
//!   row changes; they become row images in the outbox, in the same
//!   transaction.
//! - `file`: change files and snapshots, compressed and sealed with the
//!   space's key (XChaCha20-Poly1305).
//! - `apply`: the merge rules, the same on every laptop.
//! - `tables`: which tables travel and which space each row goes to.
//! - `hlc`: the hybrid logical clock.
//!
//! With no space joined, nothing is captured and nothing is written.
//! docs/team-sharing.md explains the design and its guarantees.

pub(crate) mod apply;
pub(crate) mod capture;
pub mod file;
pub mod hlc;
pub mod rows;
pub mod snapshot;
pub mod tables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

pub use file::SpaceKey;
pub use tables::{group_space, OFFICE, TEAM};

use self::capture::{set_state, state, Capture};
use self::file::{Contents, FileName, Refusal};
use self::hlc::{wall_ms, Hlc};
use self::rows::{Entry, RowImage, Val};
use crate::error::{CoreError, Result};
use crate::store::{Store, SCHEMA_VERSION};

/// At most this many transactions go in one change file, so a busy session
/// makes a handful of files and no file is huge.
pub const ENTRIES_PER_FILE: usize = 2_000;

/// A file once opened: a change file's entries, or a snapshot's
/// compressed lines and schema version.
enum Opened {
    Changes(Contents),
    Snapshot((Vec<u8>, u32)),
}

/// The space keys this laptop has been given, by space: every generation
/// it holds, oldest first. New files are sealed with the newest.
#[derive(Default)]
pub struct Keys(BTreeMap<String, Vec<SpaceKey>>);

/// Whether `space` is a well-formed space name (`office`, `team` or
/// `group-<id>`).
pub fn is_space_name(space: &str) -> bool {
    space == OFFICE
        || space == TEAM
        || space.strip_prefix("group-").is_some_and(|id| {
            !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

impl Keys {
    /// Reads every `<space>.key` file in `dir`.
    pub fn from_dir(dir: &Path) -> Result<Keys> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            CoreError::Sync(format!(
                "The key folder {} can't be read: {e}",
                dir.display()
            ))
        })?;
        let mut keys = Keys::default();
        for entry in entries {
            let path = entry?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("key") {
                continue;
            }
            let Some(space) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if !is_space_name(space) {
                return Err(CoreError::Sync(format!(
                    "{} is not named after a space (office.key or group-<id>.key).",
                    path.display()
                )));
            }
            keys.insert(space, SpaceKey::read(&path)?);
        }
        Ok(keys)
    }

    /// Adds a key (replacing one of the same generation).
    pub fn insert(&mut self, space: &str, key: SpaceKey) {
        let list = self.0.entry(space.to_string()).or_default();
        list.retain(|k| k.generation() != key.generation());
        list.push(key);
        list.sort_by_key(SpaceKey::generation);
    }

    /// The newest key of `space`: what new files are sealed with.
    pub fn get(&self, space: &str) -> Option<&SpaceKey> {
        self.0.get(space).and_then(|l| l.last())
    }

    /// The key of `space` of one generation.
    pub fn generation(&self, space: &str, generation: u32) -> Option<&SpaceKey> {
        self.0
            .get(space)?
            .iter()
            .find(|k| k.generation() == generation)
    }

    /// The oldest key of `space` held: the space's first key for a laptop
    /// given every generation, which tells the space apart.
    pub fn first(&self, space: &str) -> Option<&SpaceKey> {
        self.0.get(space).and_then(|l| l.first())
    }

    pub fn spaces(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// What one sync did, for saying in words.
#[derive(Debug, Default, Serialize, Clone, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    pub joined: Vec<String>,
    pub files_written: usize,
    pub changes_written: usize,
    pub files_applied: usize,
    pub from_devices: Vec<String>,
    /// (file, why), never applied.
    pub refused: Vec<(String, String)>,
    /// (file, why), kept to apply after an update.
    pub held: Vec<(String, String)>,
    pub decisions: usize,
    pub waiting: usize,
    pub clock_warning: Option<String>,
}

impl SyncReport {
    pub fn words(&self) -> Vec<String> {
        let mut out = Vec::new();
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        for space in &self.joined {
            out.push(format!("Joined the space \"{space}\"."));
        }
        if self.files_written > 0 {
            out.push(format!(
                "Wrote {} ({}).",
                plural(self.files_written, "change file", "change files"),
                plural(self.changes_written, "change", "changes")
            ));
        } else {
            out.push("No new changes from this laptop to write.".into());
        }
        if self.files_applied > 0 {
            out.push(format!(
                "Applied {} from {}.",
                plural(self.files_applied, "file", "files"),
                plural(self.from_devices.len(), "other laptop", "other laptops")
            ));
        } else {
            out.push("Nothing new from other laptops.".into());
        }
        if self.decisions > 0 {
            out.push(format!(
                "{} by the merge rules (see `sync status`).",
                plural(self.decisions, "decision was made", "decisions were made")
            ));
        }
        if self.waiting > 0 {
            out.push(format!(
                "{} waiting for records that have not arrived yet.",
                plural(self.waiting, "change is", "changes are")
            ));
        }
        for (file, why) in &self.held {
            out.push(format!("Kept {file} for later: {why}"));
        }
        for (file, why) in &self.refused {
            out.push(format!("Refused {file}: {why}. It was set aside."));
        }
        if let Some(w) = &self.clock_warning {
            out.push(w.clone());
        }
        out
    }
}

/// Where sharing stands on this laptop.
#[derive(Debug, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub device: Option<String>,
    pub spaces: Vec<SpaceStatus>,
    pub clock_warning: Option<String>,
    pub decisions: Vec<SyncDecision>,
}

#[derive(Debug, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SpaceStatus {
    pub space: String,
    pub joined_at: String,
    /// Changes captured here and not yet written to a change file.
    pub unsent: u32,
    pub files_applied: u32,
    pub last_applied_at: Option<String>,
    pub refused: Vec<(String, String)>,
    pub held: Vec<(String, String)>,
}

#[derive(Debug, Serialize, Clone, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncDecision {
    pub at: String,
    pub device: String,
    pub actor: Option<String>,
    pub table: String,
    pub key: String,
    pub kind: String,
    pub detail: String,
}

pub(crate) fn new_device_id() -> Result<String> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| CoreError::Sync(e.to_string()))?;
    Ok(data_encoding::HEXLOWER.encode(&b))
}

fn now_text() -> String {
    crate::store::sql::now()
}

impl Store {
    /// Whether this laptop shares records (holds at least one space).
    pub fn sync_enabled(&self) -> bool {
        self.sync.is_some()
    }

    /// Turns capture on or off for this run only (the benchmark measures
    /// what capture adds, side by side).
    #[doc(hidden)]
    pub fn sync_pause_capture(&mut self, paused: bool) -> Result<()> {
        self.sync = if paused {
            None
        } else {
            Capture::load(self.conn())?
        };
        Ok(())
    }

    /// Makes this laptop's clock read `ms` fast (negative: slow), for tests
    /// of laptops whose clocks are wrong. Only while sharing is on.
    #[doc(hidden)]
    pub fn sync_skew_clock(&mut self, ms: i64) {
        if let Some(c) = self.sync.as_mut() {
            c.skew_ms = ms;
        }
    }

    /// Joins each space that `keys` has a key for and this laptop does not
    /// hold yet; refuses a key that is not the one a space was joined with.
    fn sync_join(&mut self, keys: &Keys) -> Result<Vec<String>> {
        let mut joined = Vec::new();
        for space in keys.spaces() {
            let key = keys.first(space).expect("listed");
            let known: Option<String> = self
                .conn()
                .query_row(
                    "SELECT key_check FROM sync_space WHERE id = ?1",
                    [space],
                    |r| r.get(0),
                )
                .optional()?;
            match known {
                Some(check) if check == key.check() => {}
                // Joined with the first key; the first held now is a later
                // one (it was handed over without the older ones).
                Some(_) if key.generation() > 1 => {}
                Some(_) => {
                    return Err(CoreError::Sync(format!(
                        "The key file for \"{space}\" is not the key this laptop shares that \
                         space with. Nothing was changed."
                    )))
                }
                None => {
                    let conn = self.conn();
                    if state(conn, "device")?.is_none() {
                        set_state(conn, "device", &new_device_id()?)?;
                    }
                    conn.execute(
                        "INSERT INTO sync_space (id, key_check, joined_at) VALUES (?1, ?2, ?3)",
                        params![space, key.check(), now_text()],
                    )?;
                    joined.push(space.to_string());
                }
            }
        }
        let skew = self.sync.as_ref().map_or(0, |c| c.skew_ms);
        self.sync = Capture::load(self.conn())?;
        if let Some(c) = self.sync.as_mut() {
            c.skew_ms = skew;
        }
        Ok(joined)
    }

    /// Reloads what capture needs after spaces were left.
    pub(crate) fn sync_reload(&mut self) -> Result<()> {
        let skew = self.sync.as_ref().map_or(0, |c| c.skew_ms);
        self.sync = Capture::load(self.conn())?;
        if let Some(c) = self.sync.as_mut() {
            c.skew_ms = skew;
        }
        Ok(())
    }

    fn held_spaces(&self) -> Vec<String> {
        self.sync
            .as_ref()
            .map(|c| c.spaces.clone())
            .unwrap_or_default()
    }

    fn device(&self) -> Result<String> {
        self.sync
            .as_ref()
            .map(|c| c.device.clone())
            .ok_or_else(|| CoreError::Sync("This laptop does not share any records yet.".into()))
    }

    /// Writes this laptop's changes to `folder`, applies what is new there,
    /// and says what happened. Joins the spaces `keys` names first (a new
    /// space starts with a snapshot of what this laptop holds for it).
    pub fn sync_folder(&mut self, folder: &Path, keys: &Keys) -> Result<SyncReport> {
        std::fs::create_dir_all(folder).map_err(|e| {
            CoreError::Sync(format!(
                "The sync folder {} can't be used: {e}",
                folder.display()
            ))
        })?;
        let mut report = SyncReport {
            joined: self.sync_join(keys)?,
            ..SyncReport::default()
        };
        for space in report.joined.clone() {
            self.write_snapshot(folder, keys, &space, false)?;
        }
        let (files, changes) = self.sync_flush(folder, keys)?;
        report.files_written = files;
        report.changes_written = changes;
        self.sync_apply(folder, keys, &mut report)?;
        Ok(report)
    }

    fn key_for<'k>(keys: &'k Keys, space: &str) -> Result<&'k SpaceKey> {
        keys.get(space).ok_or_else(|| {
            CoreError::Sync(format!(
                "There is no key for the space \"{space}\" that this laptop shares. Give the \
                 folder with its key file."
            ))
        })
    }

    /// Writes the outbox out as change files, batched. Returns the number of
    /// files and of changes written.
    pub fn sync_flush(&mut self, folder: &Path, keys: &Keys) -> Result<(usize, usize)> {
        let device = self.device()?;
        let mut files = 0;
        let mut changes = 0;
        for space in self.held_spaces() {
            let key = Self::key_for(keys, &space)?;
            loop {
                let batch: Vec<(i64, Vec<u8>)> = {
                    let mut stmt = self.conn().prepare(
                        "SELECT seq, entry FROM sync_outbox WHERE space = ?1 ORDER BY seq LIMIT ?2",
                    )?;
                    let rows = stmt
                        .query_map(params![space, ENTRIES_PER_FILE as i64], |r| {
                            Ok((r.get(0)?, r.get(1)?))
                        })?
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    rows
                };
                if batch.is_empty() {
                    break;
                }
                let entries: Vec<Entry> = batch
                    .iter()
                    .map(|(_, b)| serde_json::from_slice(b))
                    .collect::<std::result::Result<_, _>>()
                    .map_err(|e| CoreError::Sync(format!("the outbox can't be read: {e}")))?;
                let last = Hlc::parse(&entries.last().expect("non-empty").hlc)?;
                let name = FileName {
                    space: space.clone(),
                    device: device.clone(),
                    stem: last.file_stem(),
                    ext: file::CHANGES.into(),
                };
                let path = name.path(folder);
                // A file already there was written before a crash that came
                // before the outbox was emptied: it holds these same entries.
                if !path.exists() {
                    let contents = Contents {
                        kind: "changes".into(),
                        space: space.clone(),
                        device: device.clone(),
                        schema: SCHEMA_VERSION,
                        entries,
                    };
                    let bytes = file::seal(&name, &contents, key)?;
                    file::write_whole(&path, &bytes)?;
                }
                let (first, last_seq) = (batch[0].0, batch[batch.len() - 1].0);
                self.record_written(&name, first, last_seq)?;
                files += 1;
                changes += batch.len();
            }
        }
        Ok((files, changes))
    }

    fn record_written(&mut self, name: &FileName, first: i64, last: i64) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "DELETE FROM sync_outbox WHERE space = ?1 AND seq BETWEEN ?2 AND ?3",
            params![name.space, first, last],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO sync_file (space, device, name, state, at)
             VALUES (?1, ?2, ?3, 'written', ?4)",
            params![name.space, name.device, name.name(), now_text()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The files in `folder` for the spaces held here that are new: not
    /// this laptop's, not applied or refused already; in clock order.
    fn new_files(&self, folder: &Path) -> Result<Vec<(Hlc, FileName)>> {
        let device = self.device()?;
        let mut found = Vec::new();
        for space in self.held_spaces() {
            let Ok(devices) = std::fs::read_dir(folder.join(&space)) else {
                continue;
            };
            for d in devices.flatten() {
                let Some(dev) = d.file_name().to_str().map(str::to_string) else {
                    continue;
                };
                if dev == device || !d.path().is_dir() {
                    continue;
                }
                for f in std::fs::read_dir(d.path())?.flatten() {
                    let fname = f.file_name();
                    let Some(fname) = fname.to_str() else {
                        continue;
                    };
                    let Some((stem, ext)) = fname.rsplit_once('.') else {
                        continue;
                    };
                    if ext != file::CHANGES && ext != file::SNAPSHOT {
                        continue;
                    }
                    let name = FileName {
                        space: space.clone(),
                        device: dev.clone(),
                        stem: stem.to_string(),
                        ext: ext.to_string(),
                    };
                    let done: bool = self.conn().query_row(
                        "SELECT EXISTS (SELECT 1 FROM sync_file WHERE space = ?1 AND device = ?2
                                         AND name = ?3 AND state IN ('applied', 'refused'))",
                        params![space, dev, fname],
                        |r| r.get(0),
                    )?;
                    if done {
                        continue;
                    }
                    // A name that is not a clock sorts last and is refused
                    // when opened.
                    let clock = Hlc::from_file_stem(stem, &dev).unwrap_or(Hlc {
                        millis: u64::MAX,
                        counter: u16::MAX,
                        device: dev.clone(),
                    });
                    found.push((clock, name));
                }
            }
        }
        found.sort();
        Ok(found)
    }

    fn mark_file(&mut self, name: &FileName, state: &str, message: &str) -> Result<()> {
        self.conn().execute(
            "INSERT OR REPLACE INTO sync_file (space, device, name, state, message, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                name.space,
                name.device,
                name.name(),
                state,
                message,
                now_text()
            ],
        )?;
        Ok(())
    }

    /// Applies the new files in `folder`, each in one transaction with the
    /// record that it was applied.
    pub fn sync_apply(
        &mut self,
        folder: &Path,
        keys: &Keys,
        report: &mut SyncReport,
    ) -> Result<()> {
        let device = self.device()?;
        let before: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM sync_decision", [], |r| r.get(0))?;
        for (_, name) in self.new_files(folder)? {
            let label = format!("{}/{}/{}", name.space, name.device, name.name());
            Self::key_for(keys, &name.space)?;
            let bytes = match std::fs::read(name.path(folder)) {
                Ok(b) => b,
                Err(e) => {
                    // Still arriving, or unreadable now: tried again next time.
                    report
                        .held
                        .push((label, format!("it can't be read yet ({e})")));
                    continue;
                }
            };
            // The generation of the space's key it was sealed with: one
            // this laptop has not been given yet is waited for.
            let key = match file::header_of(&bytes, SCHEMA_VERSION) {
                Ok((generation, _)) => match keys.generation(&name.space, generation) {
                    Some(k) => Ok(k),
                    None => {
                        let why = format!(
                            "it was sealed with a key for \"{}\" (generation {generation}) \
                             that has not reached this laptop yet",
                            name.space
                        );
                        self.mark_file(&name, "held", &why)?;
                        report.held.push((label, why));
                        continue;
                    }
                },
                Err(r) => Err(r),
            };
            let opened = key.and_then(|key| {
                if name.ext == file::SNAPSHOT {
                    file::open_bytes(&name, &bytes, key, SCHEMA_VERSION).map(Opened::Snapshot)
                } else {
                    file::open(&name, &bytes, key, SCHEMA_VERSION).map(Opened::Changes)
                }
            });
            let contents = match opened {
                Ok(c) => c,
                Err(Refusal::Newer(v)) => {
                    let why = format!(
                        "made by a newer Refrain (data version {v}; this laptop reads up to \
                         {SCHEMA_VERSION}): update this laptop"
                    );
                    self.mark_file(&name, "held", &why)?;
                    report.held.push((label, why));
                    continue;
                }
                Err(Refusal::Refused(why)) => {
                    let why = format!("{why}{}", self.other_space_hint(&name, &bytes, keys));
                    self.mark_file(&name, "refused", &why)?;
                    report.refused.push((label, why));
                    continue;
                }
            };
            match self.apply_opened(&name, &contents) {
                Ok(top) => {
                    report.files_applied += 1;
                    if !report.from_devices.contains(&name.device) {
                        report.from_devices.push(name.device.clone());
                    }
                    let here = self.sync.as_ref().map_or_else(wall_ms, |c| c.now_ms());
                    if let Some(w) = hlc::drift(&top, here) {
                        set_state(self.conn(), "clock_warning", &w)?;
                        report.clock_warning = Some(w);
                    }
                }
                Err(e) => {
                    let why = format!("it could not be applied ({e}); nothing of it was kept");
                    self.mark_file(&name, "refused", &why)?;
                    report.refused.push((label, why));
                }
            }
        }
        let _ = device;
        let after: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM sync_decision", [], |r| r.get(0))?;
        report.decisions = (after - before).max(0) as usize;
        let erased: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM sync_decision WHERE id > ?1 AND kind = 'erased')",
            [before],
            |r| r.get(0),
        )?;
        if erased {
            // As an erasure made here: no old page of the person's data stays
            // in the write-ahead log.
            let _ = self
                .conn()
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        report.waiting = self
            .conn()
            .query_row("SELECT count(*) FROM sync_parked", [], |r| {
                r.get::<_, i64>(0)
            })? as usize;
        Ok(())
    }

    /// When a file does not open with its space's key, whether it opens with
    /// another space's: then it was copied in from there.
    fn other_space_hint(&self, name: &FileName, bytes: &[u8], keys: &Keys) -> String {
        for other in keys.spaces() {
            if other == name.space {
                continue;
            }
            let moved = FileName {
                space: other.to_string(),
                ..name.clone()
            };
            let Ok((generation, _)) = file::header_of(bytes, u32::MAX) else {
                continue;
            };
            if let Some(k) = keys.generation(other, generation) {
                if file::open(&moved, bytes, k, u32::MAX).is_ok() {
                    return format!(" (it belongs to the space \"{other}\")");
                }
            }
        }
        String::new()
    }

    /// One file, in one transaction with the record that it was applied.
    /// Returns the latest clock it held.
    fn apply_opened(&mut self, name: &FileName, opened: &Opened) -> Result<Hlc> {
        let empty = Contents {
            kind: String::new(),
            space: String::new(),
            device: String::new(),
            schema: 0,
            entries: Vec::new(),
        };
        let (contents, snap) = match opened {
            Opened::Changes(c) => (c, None),
            Opened::Snapshot(s) => (&empty, Some(s)),
        };
        let actor_before = self.actor();
        let mut entries: Vec<&Entry> = contents.entries.iter().collect();
        entries.sort_by(|a, b| a.hlc.cmp(&b.hlc));
        let mut top = Hlc::zero();
        let actor = self.actor_handle().clone();
        let result = (|| -> Result<()> {
            let tx = self.conn_mut().transaction()?;
            if let Some((plain, schema)) = snap {
                // A bigger page cache while a whole space goes in (index
                // pages are touched all over), given back afterwards.
                tx.execute_batch(
                    "PRAGMA cache_size = -131072;
                     INSERT OR REPLACE INTO sync_state (key, value)
                         VALUES ('applying_snapshot', '1');",
                )?;
                let clock = snapshot::apply(&tx, plain, &name.space, &name.device, *schema);
                tx.execute_batch(
                    "DELETE FROM sync_state WHERE key = 'applying_snapshot';
                     PRAGMA cache_size = -2000;",
                )?;
                top = Hlc::parse(&clock?)?;
            }
            for entry in &entries {
                let clock = Hlc::parse(&entry.hlc)?;
                if clock > top {
                    top = clock;
                }
                if let Ok(mut a) = actor.lock() {
                    a.clone_from(&entry.actor);
                }
                apply::apply_entry(&tx, entry, &name.device, None)?;
            }
            apply::retry_parked(&tx)?;
            tx.execute(
                "INSERT OR REPLACE INTO sync_file (space, device, name, state, at)
                 VALUES (?1, ?2, ?3, 'applied', ?4)",
                params![name.space, name.device, name.name(), now_text()],
            )?;
            tx.commit()?;
            Ok(())
        })();
        self.set_actor(actor_before);
        let _ = self.conn().execute_batch("PRAGMA secure_delete = OFF");
        result?;
        if let Some(cap) = self.sync.as_mut() {
            cap.clock = cap.clock.receive(&top, cap.now_ms(), &cap.device.clone());
            let clock = cap.clock.to_string();
            set_state(self.conn(), "clock", &clock)?;
        }
        Ok(top)
    }

    /// Every row of the synced tables that goes to `space` here, as images.
    fn space_rows(&self, space: &str) -> Result<Vec<RowImage>> {
        let conn = self.conn();
        let mut rows = Vec::new();
        for table in tables::SYNCED {
            for img in capture::images_where(conn, table, "1", None)? {
                if space == OFFICE || tables::space_takes(space, &tables::route(conn, &img)?) {
                    rows.push(img);
                }
            }
        }
        Ok(rows)
    }

    /// Writes a snapshot of each space this laptop holds to `folder`, and
    /// removes this laptop's own older files of those spaces, which the
    /// snapshot replaces. Returns the snapshots' paths.
    pub fn sync_snapshot(&mut self, folder: &Path, keys: &Keys) -> Result<Vec<PathBuf>> {
        self.sync_join(keys)?;
        self.sync_flush(folder, keys)?;
        let mut out = Vec::new();
        for space in self.held_spaces() {
            out.extend(self.write_snapshot(folder, keys, &space, true)?);
        }
        Ok(out)
    }

    fn write_snapshot(
        &mut self,
        folder: &Path,
        keys: &Keys,
        space: &str,
        compact: bool,
    ) -> Result<Option<PathBuf>> {
        let device = self.device()?;
        let key = Self::key_for(keys, space)?;
        let clock = {
            let cap = self.sync.as_mut().expect("joined");
            let conn = &self.conn;
            cap.tick(conn)?
        };
        let name = FileName {
            space: space.to_string(),
            device: device.clone(),
            stem: clock.file_stem(),
            ext: file::SNAPSHOT.into(),
        };
        let (plain, rows) = snapshot::write(
            self.conn(),
            snapshot::Header {
                space: space.to_string(),
                device: device.clone(),
                schema: SCHEMA_VERSION,
                hlc: clock.to_string(),
            },
        )?;
        if rows == 0 && !compact {
            return Ok(None);
        }
        let path = name.path(folder);
        file::write_whole(
            &path,
            &file::seal_bytes(&name, SCHEMA_VERSION, &plain, key)?,
        )?;
        self.mark_file(&name, "written", "")?;
        if compact {
            if let Ok(own) = std::fs::read_dir(folder.join(space).join(&device)) {
                for f in own.flatten() {
                    let fname = f.file_name();
                    let Some(fname) = fname.to_str() else {
                        continue;
                    };
                    let Some((stem, ext)) = fname.rsplit_once('.') else {
                        continue;
                    };
                    if (ext == file::CHANGES || ext == file::SNAPSHOT) && stem < name.stem.as_str()
                    {
                        std::fs::remove_file(f.path())?;
                    }
                }
            }
        }
        Ok(Some(path))
    }

    /// Where sharing stands: this laptop, each space it holds, what is
    /// waiting, what was refused, and the merge rules' latest decisions.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let conn = self.conn();
        let mut spaces = Vec::new();
        let mut stmt = conn.prepare("SELECT id, joined_at FROM sync_space ORDER BY id")?;
        let held = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (space, joined_at) in held {
            let unsent: u32 = conn.query_row(
                "SELECT count(*) FROM sync_outbox WHERE space = ?1",
                [&space],
                |r| r.get(0),
            )?;
            let (files_applied, last_applied_at): (u32, Option<String>) = conn.query_row(
                "SELECT count(*), max(at) FROM sync_file WHERE space = ?1 AND state = 'applied'",
                [&space],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let listed = |state: &str| -> Result<Vec<(String, String)>> {
                let mut stmt = conn.prepare(
                    "SELECT device || '/' || name, message FROM sync_file
                      WHERE space = ?1 AND state = ?2 ORDER BY name",
                )?;
                let rows = stmt
                    .query_map(params![space, state], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(rows)
            };
            spaces.push(SpaceStatus {
                refused: listed("refused")?,
                held: listed("held")?,
                space,
                joined_at,
                unsent,
                files_applied,
                last_applied_at,
            });
        }
        Ok(SyncStatus {
            device: state(conn, "device")?,
            spaces,
            clock_warning: state(conn, "clock_warning")?,
            decisions: self.sync_decisions(50)?,
        })
    }

    /// The merge rules' decisions, newest first.
    pub fn sync_decisions(&self, limit: u32) -> Result<Vec<SyncDecision>> {
        let mut stmt = self.conn().prepare(
            "SELECT at, device, actor, tbl, pk, kind, detail FROM sync_decision
              ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok(SyncDecision {
                    at: r.get(0)?,
                    device: r.get(1)?,
                    actor: r.get(2)?,
                    table: r.get(3)?,
                    key: r.get(4)?,
                    kind: r.get(5)?,
                    detail: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Every synced row that goes to `space`, one line each, sorted: two
    /// laptops holding the same records for a space give the same text.
    pub fn sync_canonical_dump(&self, space: &str) -> Result<String> {
        let mut lines: Vec<String> = self
            .space_rows(space)?
            .into_iter()
            .map(|r| {
                let values: Vec<&Val> = r.c.iter().map(|(_, v, _)| v).collect();
                format!(
                    "{}|{}",
                    r.t,
                    serde_json::to_string(&values).unwrap_or_default()
                )
            })
            .collect();
        lines.sort();
        Ok(lines.join("\n"))
    }
}

/// Whether every table of the schema is classified as synced or
/// this laptop's own (a test keeps new tables from being forgotten).
pub fn unclassified_tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names
        .into_iter()
        .filter(|t| {
            !tables::SYNCED.contains(&t.as_str())
                && !tables::LOCAL.contains(&t.as_str())
                && !tables::is_search_shadow(t)
        })
        .collect())
}
