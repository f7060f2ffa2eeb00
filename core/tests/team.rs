//! Team sharing, part 2: a team of laptops. The office creates the team,
//! laptops join in person by a code, the office chooses which groups each
//! receives, keys are wrapped to each laptop, and removing a laptop cuts it
//! off and makes it remove its copy. Laptops exchange files through a hub
//! folder (what Syncthing or a synced folder carries), here by copying.

use std::path::Path;

use refrain_core::model::*;
use refrain_core::sync::group_space;
use refrain_core::team::{CarryRoster, Invitation, JoinRequest, TeamSyncReport};
use refrain_core::Store;
use tempfile::TempDir;

use crate::support::session_on;
use crate::sync::{carry, files_under, group, mark_of, person};

/// One laptop of the team: its data folder and its copy of the team's
/// folder.
struct Member {
    data: TempDir,
    folder: TempDir,
    store: Store,
}

impl Member {
    fn new() -> Member {
        let data = tempfile::tempdir().unwrap();
        let folder = tempfile::tempdir().unwrap();
        let store = Store::open_in_dir(data.path()).unwrap();
        Member {
            data,
            folder,
            store,
        }
    }

    fn sync(&mut self) -> TeamSyncReport {
        let r = self.store.team_sync(self.folder.path()).unwrap();
        if let Some(s) = &r.sync {
            assert!(s.refused.is_empty(), "{:?}", s.refused);
        }
        r
    }

    /// Whether any file in this laptop's data folder holds `text`.
    fn data_holds(&self, text: &str) -> bool {
        files_under(self.data.path()).iter().any(|f| {
            let bytes = std::fs::read(f).unwrap();
            memchr::memmem::find(&bytes, text.as_bytes()).is_some()
        })
    }
}

/// The hub: every laptop's files end up there and come back from there.
struct Team {
    hub: TempDir,
    office: Member,
    a: Member,
    b: Member,
    thursday: Group,
    wednesday: Group,
    session: Session,
    people: Vec<Attendee>,
}

fn through_hub(hub: &Path, m: &mut Member) {
    carry(m.folder.path(), hub);
    carry(hub, m.folder.path());
}

impl Team {
    /// Each laptop syncs with the hub in turn, `rounds` times.
    fn exchange(&mut self, rounds: usize) {
        for _ in 0..rounds {
            for m in [&mut self.office, &mut self.a, &mut self.b] {
                if m.store.team_status().unwrap().unwrap().removed_at.is_some() {
                    continue;
                }
                through_hub(self.hub.path(), m);
                m.sync();
                through_hub(self.hub.path(), m);
            }
        }
    }
}

fn join(office: &mut Member, hub: &Path, laptop: &mut Member, name: &str, spaces: &[String]) {
    join_carried(office, hub, laptop, name, spaces, None)
}

fn join_carried(
    office: &mut Member,
    hub: &Path,
    laptop: &mut Member,
    name: &str,
    spaces: &[String],
    carrier: Option<&str>,
) {
    let invitation = office.store.team_invitation().unwrap();
    // Carried in person as a small file.
    let file = laptop.data.path().join("../invitation.json");
    std::fs::write(&file, serde_json::to_vec(&invitation).unwrap()).unwrap();
    let read: Invitation = Store::team_read_invitation(&file).unwrap();
    assert_eq!(read, invitation);
    let request = laptop.store.team_join(&read, name, carrier).unwrap();
    let shown = laptop.store.team_status().unwrap().unwrap().code;
    assert_eq!(shown, request.code());

    let waiting = laptop.sync();
    assert!(waiting.waiting_for_office);
    assert!(
        files_under(laptop.folder.path())
            .iter()
            .all(|f| f.extension().is_some_and(|e| e == "json")),
        "a laptop not yet accepted writes only its request"
    );
    through_hub(hub, laptop);
    through_hub(hub, office);
    let pending = office.store.team_requests(office.folder.path()).unwrap();
    let mine = pending
        .iter()
        .find(|p| p.request.device == request.device)
        .expect("the office sees the request");
    assert_eq!(mine.code, shown);
    office
        .store
        .team_accept(&mine.request, &shown.to_lowercase(), spaces)
        .unwrap();
    assert!(office
        .store
        .team_requests(office.folder.path())
        .unwrap()
        .iter()
        .all(|p| p.request.device != request.device));
}

fn team() -> Team {
    let mut office = Member::new();
    let thursday = group(&mut office.store, "Thursday Singing for the Brain");
    let wednesday = group(&mut office.store, "Wednesday Drop-in");
    let ada = person(&mut office.store, "Ada Lovelace");
    let brenda = person(&mut office.store, "Brenda Okafor");
    let winifred = person(&mut office.store, "Winifred Atwell");
    for p in [&ada, &brenda] {
        office
            .store
            .add_member(&thursday.id, &p.id, "2026-01-05")
            .unwrap();
    }
    office
        .store
        .add_member(&wednesday.id, &winifred.id, "2026-01-05")
        .unwrap();
    let session = session_on(&mut office.store, &thursday, "2026-11-05");
    office
        .store
        .team_create("Hall Lane Music", "Office laptop", None)
        .unwrap();

    let hub = tempfile::tempdir().unwrap();
    let mut a = Member::new();
    let mut b = Member::new();
    let (thu, wed) = (group_space(&thursday.id), group_space(&wednesday.id));
    join(
        &mut office,
        hub.path(),
        &mut a,
        "Therapist A",
        &[thu.clone(), wed],
    );
    join(&mut office, hub.path(), &mut b, "Therapist B", &[thu]);
    let mut t = Team {
        hub,
        office,
        a,
        b,
        thursday,
        wednesday,
        session,
        people: vec![ada, brenda, winifred],
    };
    t.exchange(2);
    t
}

#[test]
fn with_no_team_nothing_is_shared_or_written() {
    let mut m = Member::new();
    group(&mut m.store, "Drop-in");
    assert!(m.store.team_status().unwrap().is_none());
    let err = m.store.team_sync(m.folder.path()).unwrap_err();
    assert_eq!(err.code(), "sync_failed");
    assert!(files_under(m.folder.path()).is_empty());
    assert!(!m.store.sync_enabled());
}

#[test]
fn the_office_shares_groups_by_choice_and_every_laptop_converges() {
    let mut t = team();
    let session = t.session.id.clone();
    let (ada, brenda) = (t.people[0].id.clone(), t.people[1].id.clone());

    // A receives both groups, B only Thursday's.
    for m in [&t.a, &t.b] {
        let status = m.store.team_status().unwrap().unwrap();
        assert!(status.accepted);
        assert_eq!(status.laptops.len(), 3, "the roster reached every laptop");
        assert_eq!(m.store.register(&session).unwrap().entries.len(), 2);
    }
    assert!(t.a.store.group(&t.wednesday.id).is_ok());
    assert!(t.b.store.group(&t.wednesday.id).is_err());
    // B's data folder holds none of the Wednesday group's people or its name.
    assert!(t.a.data_holds("Winifred Atwell"));
    assert!(!t.b.data_holds("Winifred"));
    assert!(!t.b.data_holds("Wednesday Drop-in"));
    assert!(t.b.data_holds("Brenda Okafor"));

    // The office's Team screen: who receives what.
    let status = t.office.store.team_status().unwrap().unwrap();
    let b_row = status
        .laptops
        .iter()
        .find(|l| l.name == "Therapist B")
        .unwrap();
    assert_eq!(
        b_row
            .spaces
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        ["Thursday Singing for the Brain"]
    );

    // A and B mark the same person while apart, then meet again through
    // the hub: both show the same register, and the mark that lost is in
    // the decisions list.
    t.a.store
        .set_mark(&session, &ada, Some(Mark::Present))
        .unwrap();
    t.b.store
        .set_mark(&session, &ada, Some(Mark::Absent))
        .unwrap();
    t.b.store
        .set_mark(&session, &brenda, Some(Mark::Present))
        .unwrap();
    t.exchange(2);
    let on_a = mark_of(&t.a.store, &session, &ada);
    assert_eq!(on_a, mark_of(&t.b.store, &session, &ada));
    assert_eq!(on_a, mark_of(&t.office.store, &session, &ada));
    assert_eq!(
        mark_of(&t.office.store, &session, &brenda),
        Some(Mark::Present)
    );
    let decided = [&t.a, &t.b, &t.office].iter().any(|m| {
        m.store
            .sync_decisions(50)
            .unwrap()
            .iter()
            .any(|d| d.table == "attendance")
    });
    assert!(decided, "the overwritten mark is listed");

    // A session A adds is counted at the office.
    let added = session_on(&mut t.a.store, &t.thursday, "2026-11-12");
    t.exchange(2);
    let summary = t
        .office
        .store
        .programme_summary(&[t.thursday.id.clone()], "2026-11-01", "2026-11-30", "")
        .unwrap();
    let office_sessions = t
        .office
        .store
        .sessions_of_group(&t.thursday.id, 50)
        .unwrap();
    assert!(office_sessions.iter().any(|s| s.id == added.id));
    assert!(format!("{summary:?}").contains("2026-11-12") || office_sessions.len() == 2);

    // The hub holds no name and no note text.
    t.b.store
        .save_note_draft(
            &session,
            Some(&brenda),
            "Sang every verse of Moon River",
            None,
        )
        .unwrap();
    t.exchange(1);
    for f in files_under(t.hub.path()) {
        let bytes = std::fs::read(&f).unwrap();
        for secret in [
            "Ada",
            "Lovelace",
            "Brenda",
            "Winifred",
            "Moon River",
            "Thursday",
        ] {
            assert!(
                memchr::memmem::find(&bytes, secret.as_bytes()).is_none(),
                "{secret} in {}",
                f.display()
            );
        }
    }
}

#[test]
fn an_erasure_at_the_office_removes_the_person_from_every_laptop() {
    let mut t = team();
    let ada = t.people[0].id.clone();
    t.office
        .store
        .erase_attendee(&ada, "Asked to be forgotten")
        .unwrap();
    t.exchange(2);
    for m in [&t.a, &t.b] {
        assert_ne!(m.store.attendee(&ada).unwrap().full_name, "Ada Lovelace");
    }
}

#[test]
fn a_wrong_code_is_refused_and_accepts_nothing() {
    let mut office = Member::new();
    office
        .store
        .team_create("Hall Lane Music", "Office", None)
        .unwrap();
    let invitation = office.store.team_invitation().unwrap();
    let mut laptop = Member::new();
    let request = laptop
        .store
        .team_join(&invitation, "Therapist C", None)
        .unwrap();

    // A request swapped on the way (another key) shows another code.
    let mut swapped: JoinRequest = request.clone();
    swapped.public_key = office.store.team_invitation().unwrap().office_public_key;
    assert_ne!(swapped.code(), request.code());
    let err = office
        .store
        .team_accept(&swapped, &request.code(), &[])
        .unwrap_err();
    assert_eq!(err.code(), "invalid");
    let err = office
        .store
        .team_accept(&request, "AAAA-AAAA", &[])
        .unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert_eq!(
        office.store.team_status().unwrap().unwrap().laptops.len(),
        1,
        "nothing was accepted"
    );
    // Joining twice, or creating a team on a laptop already in one, is refused.
    assert!(laptop.store.team_join(&invitation, "Again", None).is_err());
    assert!(laptop.store.team_create("Another", "Me", None).is_err());
}

#[test]
fn a_key_wrapped_by_a_stranger_is_not_taken() {
    let mut t = team();
    // A stranger's team (its own office) wraps a key to A's laptop and puts
    // it where A looks.
    let mut stranger = Member::new();
    let g = group(&mut stranger.store, "Stranger's group");
    stranger
        .store
        .team_create("Elsewhere", "Stranger", None)
        .unwrap();
    let a_request = t.a.store.team_join_request().unwrap();
    let mut forged = a_request.clone();
    forged.team_id = stranger.store.team_invitation().unwrap().team_id;
    stranger
        .store
        .team_accept(&forged, &forged.code(), &[group_space(&g.id)])
        .unwrap();
    stranger.sync();
    for f in files_under(stranger.folder.path()) {
        if f.extension().is_some_and(|e| e == "key")
            && f.to_string_lossy().contains(&a_request.device)
        {
            let rel = f.strip_prefix(stranger.folder.path()).unwrap();
            let dest = t.a.folder.path().join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(&f, &dest).unwrap();
        }
    }
    let r = t.a.sync();
    assert!(r.keys_received.is_empty(), "{:?}", r.keys_received);
    assert!(t.a.store.group(&g.id).is_err());
}

#[test]
fn a_therapists_own_group_reaches_the_office_and_can_be_shared_with_a_co_facilitator() {
    let mut t = team();
    let monday = group(&mut t.a.store, "Monday Memory Cafe");
    let cara = person(&mut t.a.store, "Cara Mensah");
    t.a.store
        .add_member(&monday.id, &cara.id, "2026-11-02")
        .unwrap();
    t.exchange(2);
    assert_eq!(
        t.office.store.group(&monday.id).unwrap().name,
        "Monday Memory Cafe"
    );
    assert!(t.b.store.group(&monday.id).is_err());

    // B can't share a group it does not receive.
    let b_id = t.b.store.team_status().unwrap().unwrap().device;
    let a_id = t.a.store.team_status().unwrap().unwrap().device;
    assert!(t
        .b
        .store
        .team_share(&a_id, &group_space(&t.wednesday.id))
        .is_err());
    // A shares its group with B, its co-facilitator.
    t.a.store
        .team_share(&b_id, &group_space(&monday.id))
        .unwrap();
    t.exchange(2);
    assert_eq!(
        t.b.store.group(&monday.id).unwrap().name,
        "Monday Memory Cafe"
    );
    assert!(t.b.data_holds("Cara Mensah"));
}

#[test]
fn a_group_no_longer_shared_is_removed_from_that_laptop_only() {
    let mut t = team();
    let a_id = t.a.store.team_status().unwrap().unwrap().device;
    let session = t.session.id.clone();
    let brenda = t.people[1].id.clone();
    t.a.store
        .set_mark(&session, &brenda, Some(Mark::Present))
        .unwrap();
    t.a.store
        .save_note_draft(&session, Some(&brenda), "Hummed along to Moon River", None)
        .unwrap();
    t.office
        .store
        .team_unshare(&a_id, &group_space(&t.thursday.id))
        .unwrap();
    t.exchange(2);
    // A's mark made before it was cut off still reached the office.
    assert_eq!(
        mark_of(&t.office.store, &session, &brenda),
        Some(Mark::Present)
    );
    assert!(t.a.store.group(&t.thursday.id).is_err());
    assert!(t.a.store.group(&t.wednesday.id).is_ok());
    assert!(!t.a.data_holds("Brenda Okafor"));
    assert!(!t.a.data_holds("Moon River"));
    assert!(t.b.store.group(&t.thursday.id).is_ok());
    assert!(t.b.data_holds("Brenda Okafor"));
}

#[test]
fn a_removed_laptop_gets_no_new_changes_and_removes_its_copy() {
    let mut t = team();
    let b_id = t.b.store.team_status().unwrap().unwrap().device;
    let session = t.session.id.clone();
    let ada = t.people[0].id.clone();
    t.office.store.team_remove(&b_id).unwrap();

    // The office and A go on; B is away meanwhile.
    for m in [&mut t.office, &mut t.a] {
        through_hub(t.hub.path(), m);
        m.sync();
        through_hub(t.hub.path(), m);
    }
    t.office
        .store
        .set_mark(&session, &ada, Some(Mark::Late))
        .unwrap();
    for _ in 0..2 {
        for m in [&mut t.office, &mut t.a] {
            through_hub(t.hub.path(), m);
            m.sync();
            through_hub(t.hub.path(), m);
        }
    }
    assert_eq!(mark_of(&t.a.store, &session, &ada), Some(Mark::Late));

    // What the office wrote after removing B is sealed with keys B never
    // received: copying it all to B and opening it with B's keys gives
    // nothing new.
    let before = mark_of(&t.b.store, &session, &ada);
    carry(t.hub.path(), t.b.folder.path());
    let r = t.b.store.team_sync(t.b.folder.path()).unwrap();
    assert!(r.removed_from_team, "{:?}", r.words());
    assert_ne!(before, Some(Mark::Late));
    // Its copy of the team's groups is gone.
    assert!(t.b.store.group(&t.thursday.id).is_err());
    assert!(!t.b.data_holds("Brenda Okafor"));
    assert!(!t.b.data_holds("Ada Lovelace"));
    let status = t.b.store.team_status().unwrap().unwrap();
    assert!(status.removed_at.is_some());
    assert!(t.b.store.team_sync(t.b.folder.path()).is_err());

    // The office's roster says so; A still converges with the office.
    let office = t.office.store.team_status().unwrap().unwrap();
    let row = office.laptops.iter().find(|l| l.id == b_id).unwrap();
    assert!(row.removed_at.is_some());
    assert!(row.spaces.is_empty());
}

#[test]
fn freshness_is_said_in_words() {
    use chrono::{Local, TimeZone};
    use refrain_core::team::freshness_words;
    let now = Local.with_ymd_and_hms(2026, 12, 3, 15, 0, 0).unwrap(); // a Thursday
    let at = |d: u32, h: u32, m: u32| {
        Local
            .with_ymd_and_hms(2026, 12, d, h, m, 0)
            .unwrap()
            .with_timezone(&chrono::Utc)
            .to_rfc3339()
    };
    let words = |synced: Option<String>, problem: Option<&str>| {
        freshness_words(now, false, false, true, synced.as_deref(), problem)
    };
    assert_eq!(words(Some(at(3, 14, 57)), None), "Synced 3 minutes ago.");
    assert_eq!(words(Some(at(3, 14, 59)), None), "Synced 1 minute ago.");
    assert_eq!(words(Some(at(3, 15, 0)), None), "Synced just now.");
    assert_eq!(words(Some(at(3, 9, 5)), None), "Synced at 09:05.");
    assert_eq!(
        words(Some(at(1, 16, 0)), Some("No connection to the hub")),
        "Not synced since Tuesday: no connection to the hub."
    );
    assert_eq!(
        words(Some(at(2, 10, 0)), None),
        "Not synced since yesterday."
    );
    assert_eq!(words(None, None), "Not synced yet.");
    assert_eq!(
        freshness_words(now, false, true, true, Some(&at(3, 14, 57)), None),
        "Sharing is paused. Synced 3 minutes ago."
    );
    assert_eq!(
        freshness_words(now, false, false, false, None, None),
        "Waiting for the office to accept this laptop."
    );
}

#[test]
fn a_sync_that_fails_is_remembered_for_the_freshness_line_and_pause_is_kept() {
    let mut office = Member::new();
    office
        .store
        .team_create("Hall Lane Music", "Office", None)
        .unwrap();
    office.sync();
    let status = office.store.team_status().unwrap().unwrap();
    assert!(status.synced_at.is_some());
    assert!(
        status.freshness.starts_with("Synced"),
        "{}",
        status.freshness
    );

    // A folder that is a file can't be used: the sync fails and says why.
    let not_a_folder = office.data.path().join("not-a-folder");
    std::fs::write(&not_a_folder, b"x").unwrap();
    assert!(office.store.team_sync(&not_a_folder).is_err());
    let status = office.store.team_status().unwrap().unwrap();
    assert!(
        status.freshness.starts_with("Not synced since"),
        "{}",
        status.freshness
    );
    assert!(status.sync_problem.is_some());

    office.store.team_set_paused(true).unwrap();
    assert!(office.store.team_status().unwrap().unwrap().paused);
    office.store.team_set_paused(false).unwrap();
    assert!(!office.store.team_status().unwrap().unwrap().paused);
    assert!(office
        .store
        .team_set_folder(Some(Path::new("relative/folder")))
        .is_err());
}

#[test]
fn a_laptop_joining_after_an_erasure_starts_from_the_snapshot() {
    // The office erased someone of the group (a therapist named as the
    // eraser) before the laptop joined: the group's snapshot carries the
    // erasure first, and the team's space none.
    let mut office = Member::new();
    let thursday = group(&mut office.store, "Thursday Singing for the Brain");
    let ada = person(&mut office.store, "Ada Lovelace");
    let brenda = person(&mut office.store, "Brenda Okafor");
    for p in [&ada, &brenda] {
        office
            .store
            .add_member(&thursday.id, &p.id, "2026-01-05")
            .unwrap();
    }
    let sam = office
        .store
        .create_practitioner(&PractitionerInput {
            name: "Sam Jones".into(),
            ..Default::default()
        })
        .unwrap();
    office.store.set_actor(Some(sam.id.clone()));
    office
        .store
        .erase_attendee(&ada.id, "Asked to be forgotten")
        .unwrap();
    office
        .store
        .team_create("Hall Lane Music", "Office", None)
        .unwrap();

    let hub = tempfile::tempdir().unwrap();
    let mut a = Member::new();
    join(
        &mut office,
        hub.path(),
        &mut a,
        "Therapist A",
        &[group_space(&thursday.id)],
    );
    for _ in 0..2 {
        for m in [&mut office, &mut a] {
            through_hub(hub.path(), m);
            m.sync();
            through_hub(hub.path(), m);
        }
    }
    assert_eq!(
        a.store.group(&thursday.id).unwrap().name,
        "Thursday Singing for the Brain"
    );
    assert_eq!(
        a.store.attendee(&brenda.id).unwrap().full_name,
        "Brenda Okafor"
    );
    assert_ne!(a.store.attendee(&ada.id).unwrap().full_name, "Ada Lovelace");
    assert!(!a.data_holds("Lovelace"));
}

#[test]
fn walk_ins_travel_with_the_group_whose_session_they_came_to() {
    // One walk-in before the laptop joins (in the group's snapshot), one
    // after (in a change file); someone from another group walks in too.
    let mut t = team();
    let session = t.session.id.clone();
    let winifred = t.people[2].id.clone(); // a member of Wednesday's group only
    t.office
        .store
        .add_walk_in(
            &session,
            &WalkIn::Existing {
                attendee_id: winifred.clone(),
            },
            false,
        )
        .unwrap();
    let register = t
        .office
        .store
        .add_walk_in(
            &session,
            &WalkIn::New {
                attendee: Box::new(AttendeeInput {
                    full_name: "Dorothy Walker".into(),
                    ..Default::default()
                }),
            },
            false,
        )
        .unwrap();
    let dorothy = register
        .entries
        .iter()
        .find(|e| e.full_name == "Dorothy Walker")
        .unwrap()
        .attendee_id
        .clone();
    t.exchange(2);
    for m in [&t.a, &t.b] {
        let on_b = m.store.register(&session).unwrap();
        assert_eq!(
            on_b.entries.len(),
            4,
            "the two members and the two walk-ins"
        );
        assert_eq!(
            m.store.attendee(&dorothy).unwrap().full_name,
            "Dorothy Walker"
        );
        assert_eq!(
            m.store.attendee(&winifred).unwrap().full_name,
            "Winifred Atwell"
        );
    }
    // A laptop that joins now starts from the group's snapshot, walk-ins in it.
    let mut c = Member::new();
    let thu = group_space(&t.thursday.id);
    join(&mut t.office, t.hub.path(), &mut c, "Therapist C", &[thu]);
    for _ in 0..2 {
        for m in [&mut t.office, &mut c] {
            through_hub(t.hub.path(), m);
            m.sync();
            through_hub(t.hub.path(), m);
        }
    }
    assert_eq!(c.store.register(&session).unwrap().entries.len(), 4);
    assert_eq!(
        c.store.attendee(&dorothy).unwrap().full_name,
        "Dorothy Walker"
    );
}

#[test]
fn the_offices_reports_say_as_of_when_each_laptops_records_are() {
    let mut t = team();
    let session = t.session.id.clone();
    let (ada, brenda) = (t.people[0].id.clone(), t.people[1].id.clone());
    t.a.store
        .set_mark(&session, &ada, Some(Mark::Present))
        .unwrap();
    let before_b = t
        .office
        .store
        .programme_summary(&[t.thursday.id.clone()], "2026-11-01", "2026-11-30", "")
        .unwrap();
    assert!(
        refrain_core::report::stamp_line(&before_b.stamp)
            .contains("Therapist B, no changes from it yet"),
        "{}",
        refrain_core::report::stamp_line(&before_b.stamp)
    );
    t.b.store
        .set_mark(&session, &brenda, Some(Mark::Late))
        .unwrap();
    t.exchange(2);
    let summary = t
        .office
        .store
        .programme_summary(&[t.thursday.id.clone()], "2026-11-01", "2026-11-30", "")
        .unwrap();
    let line = refrain_core::report::stamp_line(&summary.stamp);
    assert!(
        line.contains("Records from the team's other laptops as of: Therapist A, "),
        "{line}"
    );
    assert!(line.contains("; Therapist B, "), "{line}");
    assert!(!line.contains("no changes from it yet"), "{line}");
    // Printed at the foot of the programme summary's PDF.
    let pdf = refrain_core::report::programme::to_pdf(&summary).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.pdf");
    std::fs::write(&path, pdf).unwrap();
    let text = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap()
        .stdout;
    let text = String::from_utf8(text)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("Records from the team's other laptops as of"),
        "{text}"
    );

    // Without a team, reports say nothing of the kind.
    let alone = Member::new();
    assert_eq!(alone.store.report_stamp().records_as_of, "");
}

/// A Syncthing device ID of one letter repeated (the format only: the
/// carrier checks the check characters).
fn carrier_id(c: char) -> String {
    vec![c.to_string().repeat(7); 8].join("-")
}

fn shared_with(roster: &CarryRoster, space: &str) -> Vec<String> {
    let mut with = roster
        .spaces
        .iter()
        .find(|(s, _)| s == space)
        .unwrap_or_else(|| panic!("{space} is not carried: {roster:?}"))
        .1
        .clone();
    with.sort();
    with
}

#[test]
fn syncthing_carries_each_space_only_to_the_laptops_that_receive_it_and_the_hub() {
    let mut office = Member::new();
    let thursday = group(&mut office.store, "Thursday Singing for the Brain");
    let wednesday = group(&mut office.store, "Wednesday Drop-in");
    let (o, a_id, b_id, hub_id) = (
        carrier_id('O'),
        carrier_id('A'),
        carrier_id('B'),
        carrier_id('H'),
    );
    office
        .store
        .team_create("Hall Lane Music", "Office", Some(&o))
        .unwrap();
    // The hub needs both its ID and its address, and an ID that cannot be
    // one is refused in words.
    let half = office.store.team_set_hub(&hub_id, "").unwrap_err();
    assert!(half.to_string().contains("address"), "{half}");
    let bad = office
        .store
        .team_set_hub("not-an-id", "tcp://hub.example.org:22000")
        .unwrap_err();
    assert!(
        bad.to_string().contains("not a Syncthing device ID"),
        "{bad}"
    );
    let bad = office
        .store
        .team_set_hub(&hub_id, "hub.example.org")
        .unwrap_err();
    assert!(bad.to_string().contains("tcp://"), "{bad}");
    let hub_address = "tcp://hub.example.org:22000";
    office
        .store
        .team_set_hub(&hub_id.to_lowercase(), hub_address)
        .unwrap();
    let invitation = office.store.team_invitation().unwrap();
    assert_eq!(invitation.office_carrier_id.as_deref(), Some(o.as_str()));
    assert_eq!(invitation.hub_id.as_deref(), Some(hub_id.as_str()));

    // A laptop that has joined but is not accepted yet reaches the office
    // and the hub with the team's own space only.
    let hub = tempfile::tempdir().unwrap();
    let mut a = Member::new();
    let mut b = Member::new();
    let (thu, wed) = (group_space(&thursday.id), group_space(&wednesday.id));
    let inv = office.store.team_invitation().unwrap();
    let mut c = Member::new();
    c.store
        .team_join(&inv, "Not yet", Some(&carrier_id('C')))
        .unwrap();
    let waiting = c.store.team_carry_roster().unwrap().unwrap();
    assert_eq!(waiting.spaces.len(), 1);
    assert_eq!(shared_with(&waiting, "team"), [hub_id.clone(), o.clone()]);
    assert_eq!(waiting.hub, Some((hub_id.clone(), hub_address.to_string())));
    // Its request's code covers its Syncthing ID: a request naming another
    // ID is refused.
    let mut swapped = c.store.team_join_request().unwrap();
    let code = swapped.code();
    swapped.carrier_id = Some(carrier_id('Z'));
    assert!(office.store.team_accept(&swapped, &code, &[]).is_err());

    join_carried(
        &mut office,
        hub.path(),
        &mut a,
        "Therapist A",
        &[thu.clone(), wed.clone()],
        Some(&a_id),
    );
    join_carried(
        &mut office,
        hub.path(),
        &mut b,
        "Therapist B",
        std::slice::from_ref(&thu),
        Some(&b_id),
    );
    let roster = office.store.team_carry_roster().unwrap().unwrap();
    assert_eq!(roster.carrier_id, o);
    assert_eq!(
        shared_with(&roster, "team"),
        [a_id.clone(), b_id.clone(), hub_id.clone()]
    );
    assert_eq!(
        shared_with(&roster, &thu),
        [a_id.clone(), b_id.clone(), hub_id.clone()]
    );
    assert_eq!(shared_with(&roster, &wed), [a_id.clone(), hub_id.clone()]);
    assert_eq!(
        shared_with(&roster, "office"),
        std::slice::from_ref(&hub_id)
    );

    for _ in 0..2 {
        for m in [&mut office, &mut a, &mut b] {
            through_hub(hub.path(), m);
            m.sync();
            through_hub(hub.path(), m);
        }
    }
    // B carries the Thursday group and the team's space, never Wednesday's
    // or the office's.
    let on_b = b.store.team_carry_roster().unwrap().unwrap();
    let spaces: Vec<&str> = on_b.spaces.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(spaces, ["team", thu.as_str()]);
    assert_eq!(
        shared_with(&on_b, &thu),
        [a_id.clone(), hub_id.clone(), o.clone()]
    );
    let on_a = a.store.team_carry_roster().unwrap().unwrap();
    assert_eq!(shared_with(&on_a, &wed), [hub_id.clone(), o.clone()]);

    // Paused, or a folder the charity syncs chosen: Syncthing carries
    // nothing.
    b.store.team_set_paused(true).unwrap();
    assert!(b.store.team_carry_roster().unwrap().is_none());
    b.store.team_set_paused(false).unwrap();
    b.store.team_set_folder(Some(b.folder.path())).unwrap();
    assert!(b.store.team_carry_roster().unwrap().is_none());
    b.store.team_set_folder(None).unwrap();

    // Removed, B is no longer given anything.
    let b_device = b.store.team_status().unwrap().unwrap().device;
    office.store.team_remove(&b_device).unwrap();
    let roster = office.store.team_carry_roster().unwrap().unwrap();
    assert_eq!(shared_with(&roster, &thu), [a_id.clone(), hub_id.clone()]);
    assert!(roster.peers.iter().all(|(id, _)| *id != b_id));
}

#[test]
fn a_carried_sync_without_a_connection_says_so_and_keeps_the_last_sync_time() {
    let mut office = Member::new();
    office
        .store
        .team_create("Hall Lane Music", "Office", Some(&carrier_id('O')))
        .unwrap();
    let folder = office.folder.path().to_path_buf();
    office.store.team_sync_carried(&folder, None).unwrap();
    let synced = office.store.team_status().unwrap().unwrap().synced_at;
    assert!(synced.is_some());
    office
        .store
        .team_sync_carried(&folder, Some("no connection to the hub"))
        .unwrap();
    let status = office.store.team_status().unwrap().unwrap();
    assert_eq!(status.synced_at, synced, "not counted as synced");
    assert!(
        status.freshness.starts_with("Not synced since")
            && status.freshness.ends_with("no connection to the hub."),
        "{}",
        status.freshness
    );
}

#[test]
fn a_record_changed_on_another_laptop_since_it_was_last_opened_carries_a_sign() {
    let mut t = team();
    let ada = t.people[0].id.clone();
    let session = t.session.id.clone();
    use refrain_core::team::SeenRecord::{Person, Register};
    // The first time a record is shown here there is nothing to compare.
    assert_eq!(t.b.store.changed_elsewhere(Person, &ada).unwrap(), None);
    assert_eq!(
        t.b.store.changed_elsewhere(Register, &session).unwrap(),
        None
    );
    // Nothing changed since: no sign.
    assert_eq!(t.b.store.changed_elsewhere(Person, &ada).unwrap(), None);

    // A edits Ada's record and marks her; B's own change carries no sign.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut input = AttendeeInput {
        full_name: "Ada Lovelace".into(),
        phone: "07700 900999".into(),
        ..Default::default()
    };
    t.a.store.update_attendee(&ada, &input).unwrap();
    t.a.store
        .set_mark(&session, &ada, Some(Mark::Apologies))
        .unwrap();
    t.exchange(2);
    let sign =
        t.b.store
            .changed_elsewhere(Person, &ada)
            .unwrap()
            .expect("a sign on Ada's record");
    assert_eq!(sign.by, ["Therapist A"]);
    assert!(sign.at > sign.since, "{sign:?}");
    let sign =
        t.b.store
            .changed_elsewhere(Register, &session)
            .unwrap()
            .expect("a sign on the register");
    assert_eq!(sign.by, ["Therapist A"]);
    // Shown once, the sign goes.
    assert_eq!(t.b.store.changed_elsewhere(Person, &ada).unwrap(), None);
    assert_eq!(
        t.b.store.changed_elsewhere(Register, &session).unwrap(),
        None
    );

    // B's own edit is not "elsewhere".
    std::thread::sleep(std::time::Duration::from_millis(5));
    input.phone = "07700 900111".into();
    t.b.store.update_attendee(&ada, &input).unwrap();
    assert_eq!(t.b.store.changed_elsewhere(Person, &ada).unwrap(), None);

    // Without a team nothing is noted or signed.
    let mut alone = Member::new();
    let p = person(&mut alone.store, "Solo Person");
    assert_eq!(alone.store.changed_elsewhere(Person, &p.id).unwrap(), None);
}
