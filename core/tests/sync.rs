//! Team sharing's engine: capture, change files, apply, the merge rules,
//! spaces and snapshots, with stores exchanging files through plain
//! folders (no network).

use std::path::{Path, PathBuf};

use refrain_core::model::*;
use refrain_core::sync::{self, group_space, Keys, SpaceKey, OFFICE};
use refrain_core::Store;
use tempfile::TempDir;

use crate::support::session_on;

/// One laptop: its own data folder and its own view of the shared folder.
pub struct Laptop {
    pub data: TempDir,
    pub folder: TempDir,
    pub store: Store,
}

impl Laptop {
    pub fn new() -> Laptop {
        let data = tempfile::tempdir().unwrap();
        let folder = tempfile::tempdir().unwrap();
        let store = Store::open_in_dir(data.path()).unwrap();
        Laptop {
            data,
            folder,
            store,
        }
    }

    pub fn sync(&mut self, keys: &Path) -> sync::SyncReport {
        let keys = Keys::from_dir(keys).unwrap();
        let report = self.store.sync_folder(self.folder.path(), &keys).unwrap();
        assert!(report.refused.is_empty(), "{:?}", report.refused);
        report
    }
}

/// Every file under `from` copied to the same place under `to` (what the
/// carrier does); files already there are left alone.
pub fn carry(from: &Path, to: &Path) -> usize {
    let mut n = 0;
    for file in files_under(from) {
        let rel = file.strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if !dest.exists() {
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(&file, &dest).unwrap();
            n += 1;
        }
    }
    n
}

pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// A key folder holding keys for `spaces`.
pub fn key_folder(spaces: &[&str]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for s in spaces {
        SpaceKey::generate()
            .unwrap()
            .write_new(&dir.path().join(format!("{s}.key")))
            .unwrap();
    }
    dir
}

/// Copies some of `from`'s key files into a new key folder.
pub fn some_keys(from: &Path, spaces: &[&str]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for s in spaces {
        std::fs::copy(
            from.join(format!("{s}.key")),
            dir.path().join(format!("{s}.key")),
        )
        .unwrap();
    }
    dir
}

pub fn person(store: &mut Store, name: &str) -> Attendee {
    store
        .create_attendee(&AttendeeInput {
            full_name: name.into(),
            phone: "07700 900123".into(),
            ..Default::default()
        })
        .unwrap()
}

pub fn group(store: &mut Store, name: &str) -> Group {
    store
        .create_group(&GroupInput {
            name: name.into(),
            ..Default::default()
        })
        .unwrap()
}

pub fn mark_of(store: &Store, session: &str, person: &str) -> Option<Mark> {
    store
        .register(session)
        .unwrap()
        .entries
        .into_iter()
        .find(|e| e.attendee_id == person)
        .and_then(|e| e.mark)
}

/// An office laptop with one group, two people in it and a session, shared
/// with a therapist's laptop that holds only the group's space.
pub struct TwoLaptops {
    pub keys: TempDir,
    pub therapist_keys: TempDir,
    pub office: Laptop,
    pub therapist: Laptop,
    pub group: Group,
    pub session: Session,
    pub people: Vec<Attendee>,
}

pub fn two_laptops() -> TwoLaptops {
    let mut office = Laptop::new();
    let g = group(&mut office.store, "Singing for the Brain");
    let a = person(&mut office.store, "Ada Lovelace");
    let b = person(&mut office.store, "Brenda Okafor");
    for p in [&a, &b] {
        office.store.add_member(&g.id, &p.id, "2026-01-05").unwrap();
    }
    let session = session_on(&mut office.store, &g, "2026-11-02");
    let space = group_space(&g.id);
    let keys = key_folder(&[OFFICE, &space]);
    KEYS_DIR.with(|k| *k.borrow_mut() = Some(keys.path().to_path_buf()));
    let therapist_keys = some_keys(keys.path(), &[&space]);
    office.sync(keys.path());
    let mut therapist = Laptop::new();
    carry(office.folder.path(), therapist.folder.path());
    therapist.sync(therapist_keys.path());
    TwoLaptops {
        keys,
        therapist_keys,
        office,
        therapist,
        group: g,
        session,
        people: vec![a, b],
    }
}

impl TwoLaptops {
    /// Both laptops write, exchange and apply, twice (so each sees the
    /// other's answer).
    pub fn exchange(&mut self) {
        for _ in 0..2 {
            self.office.sync(self.keys.path());
            self.therapist.sync(self.therapist_keys.path());
            carry(self.office.folder.path(), self.therapist.folder.path());
            carry(self.therapist.folder.path(), self.office.folder.path());
            self.office.sync(self.keys.path());
            self.therapist.sync(self.therapist_keys.path());
        }
    }

    pub fn space(&self) -> String {
        group_space(&self.group.id)
    }

    pub fn assert_same(&self) {
        let space = self.space();
        assert_eq!(
            self.office.store.sync_canonical_dump(&space).unwrap(),
            self.therapist.store.sync_canonical_dump(&space).unwrap(),
            "the two laptops hold different records for the group"
        );
    }
}

#[test]
fn with_no_space_joined_nothing_is_captured_or_written() {
    let mut laptop = Laptop::new();
    let g = group(&mut laptop.store, "Drop-in");
    let p = person(&mut laptop.store, "Ada Lovelace");
    laptop.store.add_member(&g.id, &p.id, "2026-01-05").unwrap();
    assert!(!laptop.store.sync_enabled());
    let status = laptop.store.sync_status().unwrap();
    assert!(status.device.is_none());
    assert!(status.spaces.is_empty());
    assert!(files_under(laptop.folder.path()).is_empty());
}

#[test]
fn every_table_is_either_shared_or_this_laptops_own() {
    let laptop = Laptop::new();
    let conn = rusqlite::Connection::open(laptop.data.path().join("refrain.db")).unwrap();
    assert_eq!(
        sync::unclassified_tables(&conn).unwrap(),
        Vec::<String>::new(),
        "a table is missing from sync::tables::SYNCED or LOCAL"
    );
}

#[test]
fn a_new_laptop_gets_the_group_and_a_mark_travels_back() {
    let mut t = two_laptops();
    t.assert_same();
    let reg = t.therapist.store.register(&t.session.id).unwrap();
    assert_eq!(
        reg.entries.len(),
        2,
        "the therapist's laptop has the group's register"
    );

    t.therapist
        .store
        .set_mark(&t.session.id, &t.people[0].id, Some(Mark::Present))
        .unwrap();
    t.exchange();
    assert_eq!(
        mark_of(&t.office.store, &t.session.id, &t.people[0].id),
        Some(Mark::Present)
    );
    t.assert_same();
}

#[test]
fn a_refused_change_sends_nothing() {
    let mut t = two_laptops();
    let status = t.therapist.store.sync_status().unwrap();
    let before: u32 = status.spaces.iter().map(|s| s.unsent).sum();
    // A signed-note rule refusal: nothing committed, nothing captured.
    let err = t
        .therapist
        .store
        .add_member(&t.group.id, "no-such-person", "2026-01-05")
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    let after: u32 = t
        .therapist
        .store
        .sync_status()
        .unwrap()
        .spaces
        .iter()
        .map(|s| s.unsent)
        .sum();
    assert_eq!(before, after);
}

#[test]
fn a_mark_changed_on_both_laptops_takes_the_later_and_keeps_the_other_in_the_decisions() {
    let mut t = two_laptops();
    let (s, p) = (t.session.id.clone(), t.people[1].id.clone());
    t.office.store.set_mark(&s, &p, Some(Mark::Absent)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    t.therapist
        .store
        .set_mark(&s, &p, Some(Mark::Late))
        .unwrap();
    t.exchange();
    for laptop in [&t.office, &t.therapist] {
        assert_eq!(mark_of(&laptop.store, &s, &p), Some(Mark::Late));
    }
    let decisions = t.office.store.sync_decisions(10).unwrap();
    assert!(
        decisions.iter().any(|d| d.kind == "overwritten"
            && d.detail.contains("absent")
            && d.detail.contains("late")),
        "{decisions:?}"
    );
    let kept = t.therapist.store.sync_decisions(10).unwrap();
    assert!(kept.iter().any(|d| d.kind == "kept"), "{kept:?}");
    t.assert_same();
}

#[test]
fn a_person_edited_on_both_laptops_merges_column_by_column() {
    let mut t = two_laptops();
    let id = t.people[0].id.clone();
    let mut on_office: AttendeeInput = input_of(&t.office.store.attendee(&id).unwrap());
    on_office.phone = "01632 960001".into();
    t.office.store.update_attendee(&id, &on_office).unwrap();
    let mut on_laptop: AttendeeInput = input_of(&t.therapist.store.attendee(&id).unwrap());
    on_laptop.access_needs = "Uses a wheelchair".into();
    t.therapist.store.update_attendee(&id, &on_laptop).unwrap();
    t.exchange();
    for laptop in [&t.office, &t.therapist] {
        let a = laptop.store.attendee(&id).unwrap();
        assert_eq!(a.phone, "01632 960001");
        assert_eq!(a.access_needs, "Uses a wheelchair");
    }
    t.assert_same();
}

pub fn input_of(a: &Attendee) -> AttendeeInput {
    AttendeeInput {
        full_name: a.full_name.clone(),
        preferred_name: a.preferred_name.clone(),
        date_of_birth: a.date_of_birth.clone().unwrap_or_default(),
        phone: a.phone.clone(),
        email: a.email.clone(),
        carer_name: a.carer_name.clone(),
        access_needs: a.access_needs.clone(),
        communication_needs: a.communication_needs.clone(),
        information_needs: a.information_needs.clone(),
        notes: a.notes.clone(),
        consent_participation: a.consent_participation.clone(),
        consent_media: a.consent_media.clone(),
        consent_share_outcomes: a.consent_share_outcomes.clone(),
    }
}

/// The therapist marks two people, syncing after each, so two change files
/// wait in their folder; returns them, oldest first.
fn two_change_files(t: &mut TwoLaptops) -> Vec<PathBuf> {
    let s = t.session.id.clone();
    let before: Vec<PathBuf> = files_under(t.therapist.folder.path());
    t.therapist
        .store
        .set_mark(&s, &t.people[0].id, Some(Mark::Present))
        .unwrap();
    t.therapist.sync(t.therapist_keys.path());
    t.therapist
        .store
        .set_mark(&s, &t.people[1].id, Some(Mark::Late))
        .unwrap();
    t.therapist.sync(t.therapist_keys.path());
    let files: Vec<PathBuf> = files_under(t.therapist.folder.path())
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    files
}

/// Carries the therapist's files to the office with the first one spoiled
/// by `spoil` (which gets the path it will have in the office's folder),
/// then syncs the office.
fn office_gets_spoiled(t: &mut TwoLaptops, spoil: impl FnOnce(&Path, &Path)) -> sync::SyncReport {
    let files = two_change_files(t);
    let from = t.therapist.folder.path().to_path_buf();
    let to = t.office.folder.path().to_path_buf();
    let first = to.join(files[0].strip_prefix(&from).unwrap());
    let second = to.join(files[1].strip_prefix(&from).unwrap());
    std::fs::create_dir_all(second.parent().unwrap()).unwrap();
    std::fs::copy(&files[1], &second).unwrap();
    spoil(&files[0], &first);
    let keys = Keys::from_dir(t.keys.path()).unwrap();
    t.office.store.sync_folder(&to, &keys).unwrap()
}

fn assert_refused_and_later_applied(t: &TwoLaptops, report: &sync::SyncReport, why: &str) {
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert!(report.refused[0].1.contains(why), "{report:?}");
    let s = &t.session.id;
    assert_eq!(
        mark_of(&t.office.store, s, &t.people[0].id),
        None,
        "nothing of it applied"
    );
    assert_eq!(
        mark_of(&t.office.store, s, &t.people[1].id),
        Some(Mark::Late),
        "the file after it was applied"
    );
    let words = report.words().join("\n");
    assert!(
        words.contains("Refused") && words.contains("set aside"),
        "{words}"
    );
    let status = t.office.store.sync_status().unwrap();
    assert!(status.spaces.iter().any(|s| !s.refused.is_empty()));
}

#[test]
fn a_truncated_change_file_is_refused_and_the_next_one_applied() {
    let mut t = two_laptops();
    let report = office_gets_spoiled(&mut t, |src, dest| {
        let bytes = std::fs::read(src).unwrap();
        std::fs::write(dest, &bytes[..bytes.len() / 2]).unwrap();
    });
    assert_refused_and_later_applied(&t, &report, "cut short, altered");
}

#[test]
fn a_bit_flipped_change_file_is_refused() {
    let mut t = two_laptops();
    let report = office_gets_spoiled(&mut t, |src, dest| {
        let mut bytes = std::fs::read(src).unwrap();
        let n = bytes.len() - 20;
        bytes[n] ^= 0x01;
        std::fs::write(dest, &bytes).unwrap();
    });
    assert_refused_and_later_applied(&t, &report, "altered");
}

#[test]
fn a_renamed_change_file_is_refused() {
    let mut t = two_laptops();
    let report = office_gets_spoiled(&mut t, |src, dest| {
        let renamed = dest.with_file_name("000000000001-0000.rfc");
        std::fs::copy(src, renamed).unwrap();
    });
    assert_refused_and_later_applied(&t, &report, "renamed");
}

#[test]
fn a_change_file_sealed_with_another_key_is_refused() {
    let mut t = two_laptops();
    let report = office_gets_spoiled(&mut t, |src, dest| {
        let bytes = std::fs::read(src).unwrap();
        let name = file_name_of(dest);
        let right = SpaceKey::read(&t_key(src)).unwrap();
        let contents = sync::file::open(&name, &bytes, &right, u32::MAX).unwrap();
        let forged = sync::file::seal(&name, &contents, &SpaceKey::generate().unwrap()).unwrap();
        std::fs::write(dest, forged).unwrap();
    });
    assert_refused_and_later_applied(&t, &report, "another key");
}

#[test]
fn a_change_file_copied_in_from_another_space_is_refused_and_named() {
    let mut t = two_laptops();
    let space = t.space();
    let report = office_gets_spoiled(&mut t, |src, dest| {
        // The group's file put in the office space's folder.
        let rel: PathBuf = dest
            .components()
            .rev()
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let root = dest.ancestors().nth(3).unwrap();
        let moved = root.join(OFFICE).join(rel);
        std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
        std::fs::copy(src, &moved).unwrap();
    });
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert!(report.refused[0].1.contains(&space), "{report:?}");
    // The group's own copy never arrived, so its mark is not there.
    assert_eq!(
        mark_of(&t.office.store, &t.session.id, &t.people[0].id),
        None
    );
}

#[test]
fn a_change_file_from_a_newer_refrain_is_kept_for_later() {
    let mut t = two_laptops();
    let report = office_gets_spoiled(&mut t, |src, dest| {
        let bytes = std::fs::read(src).unwrap();
        let name = file_name_of(dest);
        let key = SpaceKey::read(&t_key(src)).unwrap();
        let mut contents = sync::file::open(&name, &bytes, &key, u32::MAX).unwrap();
        contents.schema = refrain_core::store::SCHEMA_VERSION + 1;
        std::fs::write(dest, sync::file::seal(&name, &contents, &key).unwrap()).unwrap();
    });
    assert!(report.refused.is_empty(), "{report:?}");
    assert_eq!(report.held.len(), 1, "{report:?}");
    assert!(
        report.held[0].1.contains("made by a newer Refrain")
            && report.held[0].1.contains("update this laptop"),
        "{report:?}"
    );
    assert_eq!(
        mark_of(&t.office.store, &t.session.id, &t.people[0].id),
        None
    );
    assert_eq!(
        mark_of(&t.office.store, &t.session.id, &t.people[1].id),
        Some(Mark::Late)
    );
    // It stays held: tried again at every sync, never dropped.
    let again = t.office.sync(t.keys.path());
    assert_eq!(again.held.len(), 1);
}

/// The key file for the space a therapist's change file belongs to (the
/// tests keep every key in the office's key folder).
fn t_key(file: &Path) -> PathBuf {
    let space = file
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .file_name()
        .unwrap();
    KEYS_DIR
        .with(|k| k.borrow().clone().unwrap())
        .join(format!("{}.key", space.to_str().unwrap()))
}

thread_local! {
    static KEYS_DIR: std::cell::RefCell<Option<PathBuf>> = const { std::cell::RefCell::new(None) };
}

fn file_name_of(path: &Path) -> sync::file::FileName {
    let part = |n: usize| {
        path.ancestors()
            .nth(n)
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string()
    };
    let fname = part(0);
    let (stem, ext) = fname.rsplit_once('.').unwrap();
    sync::file::FileName {
        space: part(2),
        device: part(1),
        stem: stem.into(),
        ext: ext.into(),
    }
}

#[test]
fn the_same_file_twice_changes_nothing() {
    let mut t = two_laptops();
    two_change_files(&mut t);
    carry(t.therapist.folder.path(), t.office.folder.path());
    let first = t.office.sync(t.keys.path());
    assert_eq!(first.files_applied, 2);
    let dump = t.office.store.sync_canonical_dump(&t.space()).unwrap();
    // Forget that they were applied: the same files again.
    let conn = rusqlite::Connection::open(t.office.data.path().join("refrain.db")).unwrap();
    conn.execute("DELETE FROM sync_file WHERE state = 'applied'", [])
        .unwrap();
    drop(conn);
    let again = t.office.sync(t.keys.path());
    assert!(again.files_applied >= 2);
    assert_eq!(
        t.office.store.sync_canonical_dump(&t.space()).unwrap(),
        dump
    );
}

#[test]
fn change_files_and_snapshots_hold_nothing_readable() {
    let mut t = two_laptops();
    let id = t.people[0].id.clone();
    let mut input = input_of(&t.office.store.attendee(&id).unwrap());
    input.notes = "Afraid of thunderstorms".into();
    t.office.store.update_attendee(&id, &input).unwrap();
    t.therapist
        .store
        .set_mark(&t.session.id, &id, Some(Mark::Present))
        .unwrap();
    t.therapist
        .store
        .save_note_draft(&t.session.id, Some(&id), "Tearful during Danny Boy", None)
        .unwrap();
    t.exchange();
    let keys = Keys::from_dir(t.keys.path()).unwrap();
    t.office
        .store
        .sync_snapshot(t.office.folder.path(), &keys)
        .unwrap();
    let mut files = files_under(t.office.folder.path());
    files.extend(files_under(t.therapist.folder.path()));
    assert!(files
        .iter()
        .any(|f| f.extension().is_some_and(|e| e == "rfs")));
    for f in &files {
        let bytes = std::fs::read(f).unwrap().to_ascii_lowercase();
        let name = f.to_string_lossy().to_lowercase();
        for secret in [
            "ada",
            "lovelace",
            "brenda",
            "okafor",
            "thunderstorms",
            "tearful",
            "danny",
            "07700",
        ] {
            assert!(
                memchr::memmem::find(&bytes, secret.as_bytes()).is_none(),
                "{secret} in {}",
                f.display()
            );
            assert!(!name.contains(secret), "{secret} in a file's name");
        }
    }
}

#[test]
fn a_new_laptop_starts_from_a_snapshot_after_the_office_compacts_its_files() {
    let mut t = two_laptops();
    for (i, p) in t.people.clone().iter().enumerate() {
        let m = if i == 0 {
            Mark::Present
        } else {
            Mark::Apologies
        };
        t.office
            .store
            .set_mark(&t.session.id, &p.id, Some(m))
            .unwrap();
        t.office.sync(t.keys.path());
    }
    let keys = Keys::from_dir(t.keys.path()).unwrap();
    let written = t
        .office
        .store
        .sync_snapshot(t.office.folder.path(), &keys)
        .unwrap();
    assert_eq!(written.len(), 2, "one snapshot per space held");
    let device = t.office.store.sync_status().unwrap().device.unwrap();
    for space in [OFFICE.to_string(), t.space()] {
        let own: Vec<_> = files_under(&t.office.folder.path().join(&space).join(&device));
        assert_eq!(own.len(), 1, "only the snapshot is left: {own:?}");
        assert!(own[0].extension().is_some_and(|e| e == "rfs"));
    }
    let mut newcomer = Laptop::new();
    carry(t.office.folder.path(), newcomer.folder.path());
    let report = newcomer.sync(t.keys.path());
    assert!(report.files_applied >= 2, "{report:?}");
    for space in [OFFICE.to_string(), t.space()] {
        assert_eq!(
            newcomer.store.sync_canonical_dump(&space).unwrap(),
            t.office.store.sync_canonical_dump(&space).unwrap()
        );
    }
    assert_eq!(
        mark_of(&newcomer.store, &t.session.id, &t.people[1].id),
        Some(Mark::Apologies)
    );
    // A snapshot is a copy, not a change made here: its rows are not logged
    // one by one, and the flag that quiets the log is gone afterwards.
    let conn = rusqlite::Connection::open(newcomer.data.path().join("refrain.db")).unwrap();
    let logged: i64 = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(logged, 0);
    drop(conn);
    let p = t.people[0].id.clone();
    newcomer
        .store
        .set_mark(&t.session.id, &p, Some(Mark::Late))
        .unwrap();
    let audit = newcomer.store.person_audit(&p).unwrap();
    assert!(!audit.is_empty(), "changes made here are logged as always");
}

#[test]
fn an_erased_person_is_in_no_snapshot_made_after_the_erasure_and_stays_erased() {
    let mut t = two_laptops();
    let ada = t.people[0].id.clone();
    // The therapist, offline, writes about Ada while the office erases her.
    t.therapist
        .store
        .set_mark(&t.session.id, &ada, Some(Mark::Present))
        .unwrap();
    t.therapist
        .store
        .save_note_draft(&t.session.id, Some(&ada), "Sang Calon Lân", None)
        .unwrap();
    let mut input = input_of(&t.therapist.store.attendee(&ada).unwrap());
    input.phone = "01632 960999".into();
    t.therapist.store.update_attendee(&ada, &input).unwrap();
    t.office
        .store
        .erase_attendee(&ada, "asked in writing")
        .unwrap();
    t.exchange();
    for laptop in [&t.office, &t.therapist] {
        let a = laptop.store.attendee(&ada).unwrap();
        assert!(a.full_name.starts_with("Erased person"), "{}", a.full_name);
        assert_eq!(a.phone, "");
        assert!(laptop.store.person_notes(&ada).unwrap().is_empty());
    }
    t.assert_same();
    let decisions = t.office.store.sync_decisions(50).unwrap();
    assert!(
        decisions.iter().any(|d| d.kind == "dropped"),
        "{decisions:?}"
    );
    let erased_here = t.therapist.store.sync_decisions(50).unwrap();
    assert!(
        erased_here.iter().any(|d| d.kind == "erased"),
        "{erased_here:?}"
    );

    let keys = Keys::from_dir(t.keys.path()).unwrap();
    let snaps = t
        .office
        .store
        .sync_snapshot(t.office.folder.path(), &keys)
        .unwrap();
    for snap in snaps {
        let name = file_name_of(&snap);
        let key = keys.get(&name.space).unwrap();
        let (plain, _) =
            sync::file::open_bytes(&name, &std::fs::read(&snap).unwrap(), key, u32::MAX).unwrap();
        let text = sync::snapshot::text(&plain).unwrap();
        assert!(
            text.contains("Erased person"),
            "the anonymous record is there"
        );
        for secret in ["Ada Lovelace", "Calon", "01632 960999"] {
            assert!(
                !text.contains(secret),
                "{secret} in a snapshot made after the erasure"
            );
        }
    }
}

#[test]
fn a_wrong_key_file_for_a_joined_space_is_refused_before_anything_changes() {
    let mut t = two_laptops();
    let wrong = key_folder(&[&t.space()]);
    let keys = Keys::from_dir(wrong.path()).unwrap();
    let err = t
        .therapist
        .store
        .sync_folder(t.therapist.folder.path(), &keys)
        .unwrap_err();
    assert_eq!(err.code(), "sync_failed");
    assert!(err.to_string().contains("not the key"), "{err}");
}

#[test]
fn a_v7_store_moves_over_with_marks_and_memberships_on_their_natural_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("refrain.db");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        refrain_core::store::register_sql_functions(&conn).unwrap();
        refrain_core::store::schema::migrations()
            .to_version(&mut conn, 7)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO practice_group (id, name, created_at, updated_at) VALUES ('g', 'Choir', 't', 't');
             INSERT INTO attendee (id, full_name, created_at, updated_at) VALUES ('a', 'Ada', 't', 't');
             INSERT INTO membership (id, group_id, attendee_id, joined_on, created_at, updated_at)
                 VALUES ('m-random', 'g', 'a', '2026-01-05', 't', 't');
             INSERT INTO session (id, group_id, date, start_time, end_time, status, created_at, updated_at)
                 VALUES ('s', 'g', '2026-02-03', '10:00', '11:00', 'held', 't', 't');
             INSERT INTO attendance (id, session_id, attendee_id, mark, created_at, updated_at)
                 VALUES ('x-random', 's', 'a', 'present', 't', 't');
             INSERT INTO track (id, title, format, original_name, content_hash, file_name,
                                size_bytes, created_at, updated_at)
                 VALUES ('t-random', 'Daisy Bell', 'mp3', 'daisy.mp3', 'abc123', 'abc123.mp3', 10, 't', 't');
             INSERT INTO track_tag (track_id, tag, created_at, updated_at)
                 VALUES ('t-random', 'waltz', 't', 't');
             INSERT INTO playlist (id, kind, name, group_id, created_at, updated_at)
                 VALUES ('pl', 'setlist', 'Choir songs', 'g', 't', 't');
             INSERT INTO playlist_entry (id, playlist_id, track_id, position, created_at, updated_at)
                 VALUES ('pe', 'pl', 't-random', 0, 't', 't');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        refrain_core::store::SCHEMA_VERSION
    );
    assert_eq!(mark_of(&store, "s", "a"), Some(Mark::Present));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let ids: (String, String) = conn
        .query_row(
            "SELECT (SELECT id FROM attendance), (SELECT id FROM membership)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(ids, ("s/a".into(), "g/a/2026-01-05".into()));
    let track: (String, String, String) = conn
        .query_row(
            "SELECT (SELECT id FROM track), (SELECT track_id FROM track_tag),
                    (SELECT track_id FROM playlist_entry)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        track,
        (
            "track-abc123".into(),
            "track-abc123".into(),
            "track-abc123".into()
        ),
        "a track is keyed by its content, and its tags and playlist entries follow"
    );
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE record_id IN ('s/a', 'g/a/2026-01-05')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 2, "the audit log follows the new keys");
    let stray: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE record_id IN ('x-random', 'm-random')
                OR action = 'changed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        stray, 0,
        "no old keys left and the move is not logged as an edit"
    );
}

#[test]
fn a_laptop_whose_clock_is_days_out_still_orders_changes_after_what_it_saw_and_is_told() {
    let mut t = two_laptops();
    let (s, p) = (t.session.id.clone(), t.people[0].id.clone());
    // The office's clock is three days fast.
    t.office.store.sync_skew_clock(3 * 24 * 3600 * 1000);
    t.office.store.set_mark(&s, &p, Some(Mark::Absent)).unwrap();
    t.office.sync(t.keys.path());
    carry(t.office.folder.path(), t.therapist.folder.path());
    let report = t.therapist.sync(t.therapist_keys.path());
    let warning = report.clock_warning.clone().expect("the therapist is told");
    assert!(warning.contains("3 days ahead"), "{warning}");
    assert!(report
        .words()
        .iter()
        .any(|w| w.contains("check the date and time")));
    // Having seen the office's change, the therapist's next change is
    // ordered after it although their clock reads three days earlier.
    t.therapist
        .store
        .set_mark(&s, &p, Some(Mark::Present))
        .unwrap();
    t.exchange();
    for laptop in [&t.office, &t.therapist] {
        assert_eq!(mark_of(&laptop.store, &s, &p), Some(Mark::Present));
    }
    t.assert_same();
    assert!(t
        .therapist
        .store
        .sync_status()
        .unwrap()
        .clock_warning
        .is_some());
}

#[test]
fn the_same_scores_recorded_on_two_laptops_keep_the_first_and_archive_the_other_everywhere() {
    use refrain_core::outcomes::{builtin, Rater, Response, UCL_UMBRELLA_GENERIC};
    let mut t = two_laptops();
    let items = builtin(UCL_UMBRELLA_GENERIC).unwrap().items;
    let input = |v: i32| ScoreSetInput {
        attendee_id: t.people[0].id.clone(),
        session_id: Some(t.session.id.clone()),
        instrument_key: UCL_UMBRELLA_GENERIC.into(),
        timing: Timing::Before,
        rater: Rater::SelfReport,
        rater_name: String::new(),
        taken_on: None,
        answers: items
            .iter()
            .map(|i| Response::new(i.key.clone(), v))
            .collect(),
    };
    let (first, second) = (input(2), input(4));
    for laptop in [&mut t.office, &mut t.therapist] {
        laptop
            .store
            .set_mark(&t.session.id, &t.people[0].id, Some(Mark::Present))
            .unwrap();
    }
    let a = t.office.store.record_scores(&first).unwrap();
    let b = t.therapist.store.record_scores(&second).unwrap();
    assert!(a.id < b.id, "UUIDv7: the office's was recorded first");
    t.exchange();
    t.assert_same();
    for laptop in [&t.office, &t.therapist] {
        let sheet = laptop.store.score_sheet(&t.session.id).unwrap();
        let text = serde_json::to_string(&sheet).unwrap();
        assert!(text.contains(&a.id), "the first recorded stands");
        assert!(!text.contains(&b.id), "the other is archived");
        let decisions = laptop.store.sync_decisions(20).unwrap();
        assert!(decisions
            .iter()
            .any(|d| d.detail.contains("first recorded stands")));
    }
}

#[test]
fn every_shared_table_says_which_spaces_its_rows_go_to() {
    let laptop = Laptop::new();
    let conn = rusqlite::Connection::open(laptop.data.path().join("refrain.db")).unwrap();
    for table in sync::tables::SYNCED {
        let row = sync::rows::RowImage {
            t: table.to_string(),
            k: vec![sync::rows::Val::Text("x".into())],
            p: None,
            del: None,
            c: Vec::new(),
        };
        assert!(
            sync::tables::route(&conn, &row).is_ok(),
            "{table} has no route in sync::tables::route"
        );
    }
}

#[test]
fn the_same_song_brought_in_on_two_laptops_is_one_track() {
    let mut t = two_laptops();
    let song = NewTrack {
        title: "Daisy Bell".into(),
        artist: String::new(),
        album: String::new(),
        year: Some(1892),
        duration_ms: Some(150_000),
        sample_rate: Some(44_100),
        channels: Some(2),
        format: "mp3".into(),
        original_name: "daisy.mp3".into(),
        content_hash: "d41d8cd98f00b204e9800998ecf8427e".into(),
        file_name: "d41d8cd98f00b204e9800998ecf8427e.mp3".into(),
        size_bytes: 1234,
    };
    let (a, _) = t.office.store.add_track(&song).unwrap();
    let (b, _) = t.therapist.store.add_track(&song).unwrap();
    assert_eq!(a.id, b.id, "keyed by the file's content");
    t.exchange();
    t.assert_same();
    for laptop in [&t.office, &t.therapist] {
        let decisions = laptop.store.sync_decisions(20).unwrap();
        assert!(
            !decisions.iter().any(|d| d.kind == "refused"),
            "{decisions:?}"
        );
    }
}

#[test]
fn a_persons_information_needs_go_with_them_to_a_groups_laptop() {
    let mut t = two_laptops();
    // Someone known to the office only, with large print and an
    // interpreter, joins the group: the group's laptop gets them whole.
    let needs = InformationNeeds {
        large_print: true,
        interpreter: true,
        interpreter_language: "Polish".into(),
        ..Default::default()
    };
    let eva = t
        .office
        .store
        .create_attendee(&AttendeeInput {
            full_name: "Eva Nowak".into(),
            information_needs: needs.clone(),
            ..Default::default()
        })
        .unwrap();
    t.exchange();
    assert!(
        t.therapist.store.attendee(&eva.id).is_err(),
        "not in the group yet"
    );
    t.office
        .store
        .add_member(&t.group.id, &eva.id, "2026-01-05")
        .unwrap();
    t.exchange();
    assert_eq!(
        t.therapist
            .store
            .attendee(&eva.id)
            .unwrap()
            .information_needs,
        needs
    );
    let register = t.therapist.store.register(&t.session.id).unwrap();
    let entry = register
        .entries
        .iter()
        .find(|e| e.attendee_id == eva.id)
        .unwrap();
    assert!(entry.information_needs.large_print);

    // A change made on the group's laptop travels back.
    let mut input = input_of(&t.therapist.store.attendee(&eva.id).unwrap());
    input.information_needs.hearing_loop = true;
    t.therapist.store.update_attendee(&eva.id, &input).unwrap();
    t.exchange();
    assert!(
        t.office
            .store
            .attendee(&eva.id)
            .unwrap()
            .information_needs
            .hearing_loop
    );
    t.assert_same();
}
