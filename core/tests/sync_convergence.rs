//! The sync engine's convergence, as a property test: three laptops make
//! random changes while apart (marks, edits of the same person, new people,
//! notes drafted, signed and amended, archiving, erasing, moving someone
//! between groups, snapshots that replace a laptop's own files) and exchange
//! files in random orders, late and partly.
//! At the end every laptop that holds a space holds the same records for it
//! (a canonical dump compared byte for byte), every store passes its
//! integrity check, no signed note changed, no erased person came back, and
//! no mark was lost without a decision recorded.
//!
//! `REFRAIN_SYNC_SCHEDULES` sets how many seeded schedules run (CI runs the
//! default; the benchmark-sized run is thousands); `REFRAIN_SYNC_SEED`
//! replays one (or starts the run there). A failure prints its seed.

use std::collections::{BTreeMap, BTreeSet};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use refrain_core::model::*;
use refrain_core::sync::{group_space, OFFICE};
use refrain_core::Store;

use crate::support::session_on;
use crate::sync::{carry, files_under, group, input_of, key_folder, person, some_keys, Laptop};

const DEFAULT_SCHEDULES: u64 = 200;
const MARKS: [Option<Mark>; 6] = [
    Some(Mark::Present),
    Some(Mark::Late),
    Some(Mark::LeftEarly),
    Some(Mark::Absent),
    Some(Mark::Apologies),
    None,
];

struct World {
    keys: tempfile::TempDir,
    laptop_keys: Vec<tempfile::TempDir>,
    laptops: Vec<Laptop>,
    /// The spaces each laptop holds.
    holds: Vec<Vec<String>>,
    groups: Vec<Group>,
    sessions: Vec<(String, Session)>, // (group id, session)
    practitioner: String,
    /// Each laptop's last local mark per (session, person).
    local_marks: Vec<BTreeMap<(String, String), Option<Mark>>>,
    /// Every signed version of each note: (note id) -> bodies.
    signed: BTreeMap<String, BTreeSet<String>>,
    erased: BTreeSet<String>,
    log: Vec<String>,
}

fn world() -> World {
    let mut office = Laptop::new();
    let practitioner = office
        .store
        .create_practitioner(&PractitionerInput {
            name: "Sam Okafor".into(),
            hcpc_number: "AS12345".into(),
        })
        .unwrap();
    let g1 = group(&mut office.store, "Tuesday Sing-along");
    let g2 = group(&mut office.store, "Friday Drop-in");
    let mut sessions = Vec::new();
    for (g, names) in [
        (
            &g1,
            &["Ada Lovelace", "Brenda Okafor", "Cyril Mbeki", "Dora Jones"][..],
        ),
        (&g2, &["Enid Blyton", "Frank Ocean", "Gita Rao"][..]),
    ] {
        for n in names {
            let p = person(&mut office.store, n);
            office.store.add_member(&g.id, &p.id, "2026-01-05").unwrap();
        }
        for date in ["2026-11-03", "2026-11-10"] {
            sessions.push((g.id.clone(), session_on(&mut office.store, g, date)));
        }
    }
    // One person in both groups.
    let both = person(&mut office.store, "Hal Incandenza");
    office
        .store
        .add_member(&g1.id, &both.id, "2026-01-05")
        .unwrap();
    office
        .store
        .add_member(&g2.id, &both.id, "2026-01-05")
        .unwrap();

    let s1 = group_space(&g1.id);
    let s2 = group_space(&g2.id);
    let keys = key_folder(&[OFFICE, &s1, &s2]);
    let holds = vec![
        vec![OFFICE.to_string(), s1.clone(), s2.clone()],
        vec![s1.clone()],
        vec![s1.clone(), s2.clone()],
    ];
    let laptop_keys: Vec<_> = holds
        .iter()
        .map(|h| {
            some_keys(
                keys.path(),
                &h.iter().map(String::as_str).collect::<Vec<_>>(),
            )
        })
        .collect();
    let mut laptops = vec![office, Laptop::new(), Laptop::new()];
    laptops[0].sync(laptop_keys[0].path());
    let (office, others) = laptops.split_at_mut(1);
    for (laptop, keys) in others.iter_mut().zip(&laptop_keys[1..]) {
        carry(office[0].folder.path(), laptop.folder.path());
        laptop.sync(keys.path());
    }
    World {
        keys,
        laptop_keys,
        laptops,
        holds,
        groups: vec![g1, g2],
        sessions,
        practitioner: practitioner.id,
        local_marks: vec![BTreeMap::new(); 3],
        signed: BTreeMap::new(),
        erased: BTreeSet::new(),
        log: Vec::new(),
    }
}

impl World {
    fn holds_group(&self, l: usize, group_id: &str) -> bool {
        self.holds[l].contains(&group_space(group_id)) || self.holds[l].iter().any(|s| s == OFFICE)
    }

    fn sessions_of(&self, l: usize) -> Vec<String> {
        self.sessions
            .iter()
            .filter(|(g, _)| self.holds_group(l, g))
            .map(|(_, s)| s.id.clone())
            .collect()
    }

    fn people_on(&self, l: usize) -> Vec<String> {
        let store = &self.laptops[l].store;
        let mut ids = Vec::new();
        for g in &self.groups {
            if let Ok(d) = store.group_detail(&g.id) {
                ids.extend(d.members.into_iter().map(|m| m.attendee_id));
            }
        }
        ids.sort();
        ids.dedup();
        ids.retain(|id| !self.erased.contains(id));
        ids
    }

    fn sync(&mut self, l: usize) {
        let keys = self.laptop_keys[l].path().to_path_buf();
        self.laptops[l].sync(&keys);
    }

    /// Some of `from`'s files reach `to` (a random part: late and out of order).
    fn deliver_some(&mut self, rng: &mut SmallRng, from: usize, to: usize) {
        let src = self.laptops[from].folder.path().to_path_buf();
        let dst = self.laptops[to].folder.path().to_path_buf();
        for file in files_under(&src) {
            if rng.gen_bool(0.5) {
                let rel = file.strip_prefix(&src).unwrap();
                let dest = dst.join(rel);
                if !dest.exists() {
                    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
                    std::fs::copy(&file, &dest).unwrap();
                }
            }
        }
    }

    fn step(&mut self, rng: &mut SmallRng, i: usize) {
        let l = rng.gen_range(0..3);
        let roll = rng.gen_range(0..100);
        let sessions = self.sessions_of(l);
        let people = self.people_on(l);
        if people.is_empty() || sessions.is_empty() {
            return;
        }
        let session = sessions[rng.gen_range(0..sessions.len())].clone();
        let p = people[rng.gen_range(0..people.len())].clone();
        let store: &mut Store = &mut self.laptops[l].store;
        let result: Result<(), refrain_core::CoreError> = match roll {
            0..=29 => {
                let on_register = store
                    .register(&session)
                    .map(|r| {
                        r.entries
                            .iter()
                            .map(|e| e.attendee_id.clone())
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                if on_register.is_empty() {
                    return;
                }
                let who = on_register[rng.gen_range(0..on_register.len())].clone();
                if self.erased.contains(&who) {
                    return;
                }
                let mark = MARKS[rng.gen_range(0..MARKS.len())];
                self.log
                    .push(format!("{i}: laptop {l} marks {who} {mark:?}"));
                let before = crate::sync::mark_of(store, &session, &who);
                let r = store.set_mark(&session, &who, mark).map(|_| ());
                if r.is_ok() && before != mark {
                    self.local_marks[l].insert((session.clone(), who), mark);
                }
                r
            }
            30..=44 => {
                let Ok(a) = store.attendee(&p) else { return };
                let mut input = input_of(&a);
                if rng.gen_bool(0.5) {
                    input.phone = format!("07700 9{:05}", rng.gen_range(0..99999));
                } else {
                    input.notes = format!("Likes the {}th song", rng.gen_range(0..50));
                }
                self.log.push(format!("{i}: laptop {l} edits {p}"));
                store.update_attendee(&p, &input).map(|_| ())
            }
            45..=56 => {
                let body = format!("Sang along, laptop {l} step {i}");
                self.log
                    .push(format!("{i}: laptop {l} drafts a note on {p}"));
                store
                    .save_note_draft(&session, Some(&p), &body, Some(&self.practitioner))
                    .map(|_| ())
            }
            57..=66 => {
                let Ok(notes) = store.session_notes(&session) else {
                    return;
                };
                let drafts: Vec<_> = notes
                    .person_notes
                    .iter()
                    .filter(|n| n.signed.is_none())
                    .map(|n| n.id.clone())
                    .collect();
                if drafts.is_empty() {
                    return;
                }
                let id = drafts[rng.gen_range(0..drafts.len())].clone();
                // The signer needs the person present.
                if let Ok(n) = store.note(&id) {
                    if let Some(who) = &n.attendee_id {
                        let _ = store.set_mark(&session, who, Some(Mark::Present));
                        self.local_marks[l]
                            .insert((session.clone(), who.clone()), Some(Mark::Present));
                    }
                }
                self.log.push(format!("{i}: laptop {l} signs {id}"));
                match store.sign_note(&id, &self.practitioner) {
                    Ok(n) => {
                        self.signed
                            .entry(n.id.clone())
                            .or_default()
                            .insert(n.body.clone());
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            67..=71 => {
                let signed: Vec<_> = store
                    .person_notes(&p)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|n| n.signed.is_some())
                    .collect();
                let Some(n) = signed.first() else { return };
                self.log.push(format!("{i}: laptop {l} amends {}", n.id));
                store
                    .amend_note(
                        &n.id,
                        &self.practitioner,
                        "Correction: it was a Tuesday",
                        "a wrong day",
                    )
                    .map(|_| ())
            }
            72..=77 => {
                let archived = store.attendee(&p).map(|a| a.archived).unwrap_or(false);
                self.log
                    .push(format!("{i}: laptop {l} archives/restores {p}"));
                if archived {
                    store.restore_attendee(&p)
                } else {
                    store.archive_attendee(&p)
                }
            }
            78..=84 => {
                let groups: Vec<_> = self
                    .groups
                    .iter()
                    .filter(|g| self.holds_group(l, &g.id))
                    .cloned()
                    .collect();
                let g = &groups[rng.gen_range(0..groups.len())];
                let store = &mut self.laptops[l].store;
                let new = person(store, &format!("New Person {l}-{i}"));
                self.log
                    .push(format!("{i}: laptop {l} adds {} to {}", new.id, g.name));
                store.add_member(&g.id, &new.id, "2026-10-01").map(|_| ())
            }
            85..=90 if l != 1 => {
                // Move someone from the first group to the second.
                let Ok(d) = store.group_detail(&self.groups[0].id) else {
                    return;
                };
                let Some(m) = d
                    .members
                    .iter()
                    .find(|m| !self.erased.contains(&m.attendee_id))
                else {
                    return;
                };
                self.log
                    .push(format!("{i}: laptop {l} moves {}", m.attendee_id));
                let who = m.attendee_id.clone();
                store.end_membership(&m.id, "2026-11-20").and_then(|_| {
                    store
                        .add_member(&self.groups[1].id, &who, "2026-11-21")
                        .map(|_| ())
                })
            }
            91..=92 if self.erased.len() < 2 => {
                self.log.push(format!("{i}: laptop {l} erases {p}"));
                let r = store.erase_attendee(&p, "asked in writing").map(|_| ());
                if r.is_ok() {
                    self.erased.insert(p.clone());
                }
                r
            }
            93..=94 => {
                // Compaction: a snapshot replaces this laptop's own files,
                // some of which the others have not had yet.
                self.log.push(format!("{i}: laptop {l} writes a snapshot"));
                let keys = refrain_core::sync::Keys::from_dir(self.laptop_keys[l].path()).unwrap();
                let folder = self.laptops[l].folder.path().to_path_buf();
                self.laptops[l]
                    .store
                    .sync_snapshot(&folder, &keys)
                    .map(|_| ())
            }
            _ => {
                // An exchange: this laptop writes and reads; some files move.
                self.log.push(format!("{i}: laptop {l} syncs"));
                self.sync(l);
                let other = (l + rng.gen_range(1..3)) % 3;
                self.deliver_some(rng, l, other);
                self.deliver_some(rng, other, l);
                Ok(())
            }
        };
        if let Err(e) = result {
            // Rules may refuse (a signed note, an archived person, a clash);
            // the engine itself must never fail.
            assert!(
                !matches!(e.code(), "database" | "sync_failed" | "store_damaged"),
                "step {i}: {e}"
            );
        }
    }

    fn settle(&mut self) {
        for _ in 0..3 {
            for l in 0..3 {
                self.sync(l);
            }
            for a in 0..3 {
                for b in 0..3 {
                    if a != b {
                        let (from, to) = (
                            self.laptops[a].folder.path().to_path_buf(),
                            self.laptops[b].folder.path().to_path_buf(),
                        );
                        carry(&from, &to);
                    }
                }
            }
            for l in 0..3 {
                self.sync(l);
            }
        }
    }

    fn check(&self) {
        let spaces: BTreeSet<&String> = self.holds.iter().flatten().collect();
        for space in spaces {
            let holders: Vec<usize> = (0..3).filter(|l| self.holds[*l].contains(space)).collect();
            let dumps: Vec<String> = holders
                .iter()
                .map(|l| self.laptops[*l].store.sync_canonical_dump(space).unwrap())
                .collect();
            for (n, d) in dumps.iter().enumerate().skip(1) {
                if *d != dumps[0] {
                    let count = |text: &str| {
                        let mut m: BTreeMap<String, usize> = BTreeMap::new();
                        for line in text.lines() {
                            *m.entry(line.to_string()).or_default() += 1;
                        }
                        m
                    };
                    let (ca, cb) = (count(&dumps[0]), count(d));
                    let a: BTreeSet<String> = ca.iter().map(|(l, n)| format!("{n}x {l}")).collect();
                    let b: BTreeSet<String> = cb.iter().map(|(l, n)| format!("{n}x {l}")).collect();
                    panic!(
                        "space {space}: laptops {} and {} differ.\nonly in the first: {:#?}\nonly in the second: {:#?}",
                        holders[0],
                        holders[n],
                        a.difference(&b).collect::<Vec<_>>(),
                        b.difference(&a).collect::<Vec<_>>()
                    );
                }
            }
        }
        for (l, laptop) in self.laptops.iter().enumerate() {
            let store = &laptop.store;
            let report = store.check().unwrap();
            assert!(report.integrity_ok, "laptop {l}: {:?}", report.problems);
            for id in &self.erased {
                if let Ok(a) = store.attendee(id) {
                    assert!(
                        a.full_name.starts_with("Erased person"),
                        "laptop {l}: {id} came back"
                    );
                    assert!(
                        store.person_notes(id).unwrap().is_empty(),
                        "laptop {l}: {id}'s notes"
                    );
                }
            }
            for (id, versions) in &self.signed {
                if let Ok(n) = store.note(id) {
                    if n.attendee_id
                        .as_ref()
                        .is_some_and(|p| self.erased.contains(p))
                    {
                        continue;
                    }
                    assert!(
                        n.signed.is_some(),
                        "laptop {l}: signed note {id} is a draft again"
                    );
                    assert!(
                        versions.contains(&n.body),
                        "laptop {l}: signed note {id} changed"
                    );
                }
            }
            let decisions = store.sync_decisions(100_000).unwrap();
            for ((session, who), mark) in &self.local_marks[l] {
                let now = crate::sync::mark_of(store, session, who);
                if now != *mark {
                    let key = format!("[\"{session}/{who}\"]");
                    assert!(
                        decisions.iter().any(|d| d.key == key),
                        "laptop {l}: the mark {mark:?} for {who} became {now:?} with no decision"
                    );
                }
            }
        }
    }
}

fn schedule(seed: u64) -> Vec<String> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut w = world();
    let steps = rng.gen_range(20..45);
    for i in 0..steps {
        w.step(&mut rng, i);
    }
    w.settle();
    let log = w.log.clone();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| w.check()));
    if let Err(e) = r {
        eprintln!("steps of the failing schedule:\n{}", log.join("\n"));
        std::panic::resume_unwind(e);
    }
    let _ = &w.keys;
    log
}

#[test]
fn three_laptops_converge_whatever_the_order_of_delivery() {
    let schedules = std::env::var("REFRAIN_SYNC_SCHEDULES")
        .ok()
        .and_then(|n| n.parse().ok());
    let (first, count) = match std::env::var("REFRAIN_SYNC_SEED") {
        Ok(s) => (s.parse::<u64>().expect("a number"), schedules.unwrap_or(1)),
        Err(_) => (1, schedules.unwrap_or(DEFAULT_SCHEDULES)),
    };
    for seed in first..first + count {
        let r = std::panic::catch_unwind(|| schedule(seed));
        if r.is_err() {
            panic!("the schedule with seed {seed} failed: replay it with REFRAIN_SYNC_SEED={seed}");
        }
    }
}
