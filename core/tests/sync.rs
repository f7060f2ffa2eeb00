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

    pub fn reopen(&mut self) {
        let dir = self.data.path().to_path_buf();
        self.store = Store::open_in_dir(&dir).unwrap();
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
        notes: a.notes.clone(),
        consent_participation: a.consent_participation.clone(),
        consent_media: a.consent_media.clone(),
        consent_share_outcomes: a.consent_share_outcomes.clone(),
    }
}
