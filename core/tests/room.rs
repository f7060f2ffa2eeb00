//! The register in the room: "everyone else is here" and its undo, and the
//! music a session plays (its own setlist, else the group's usual one).

use refrain_core::model::*;
use refrain_core::Store;

use crate::support::{session_on, store};

fn person(store: &mut Store, name: &str) -> Attendee {
    store
        .create_attendee(&AttendeeInput {
            full_name: name.into(),
            ..Default::default()
        })
        .unwrap()
}

fn group(store: &mut Store, name: &str) -> Group {
    store
        .create_group(&GroupInput {
            name: name.into(),
            weekday: Some(Weekday::Thursday),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap()
}

/// A group whose five members joined on 2025-01-01, and its session on
/// Thursday 2025-03-06. The people are in the register's (alphabetical) order.
fn five_members(store: &mut Store) -> (Group, Vec<Attendee>, Session) {
    let g = group(store, "Thursday Singing");
    let people: Vec<Attendee> = [
        "Arthur Bennett",
        "Doreen Walsh",
        "Harold Price",
        "Joan Whitaker",
        "Margaret Ellis",
    ]
    .iter()
    .map(|n| person(store, n))
    .collect();
    for p in &people {
        store.add_member(&g.id, &p.id, "2025-01-01").unwrap();
    }
    let s = session_on(store, &g, "2025-03-06");
    (g, people, s)
}

fn mark_of(reg: &Register, attendee: &Attendee) -> Option<Mark> {
    reg.entries
        .iter()
        .find(|e| e.attendee_id == attendee.id)
        .unwrap_or_else(|| panic!("{} is on the register", attendee.full_name))
        .mark
}

fn ids(people: &[&Attendee]) -> Vec<String> {
    people.iter().map(|p| p.id.clone()).collect()
}

#[test]
fn everyone_else_is_here_marks_only_the_unmarked_and_undo_clears_exactly_those() {
    let (_dir, mut store) = store();
    let (g, p, s) = five_members(&mut store);
    let (arthur, doreen, harold, joan, margaret) = (&p[0], &p[1], &p[2], &p[3], &p[4]);
    // Someone who left before the day, and an archived member: not on the
    // register, so never marked.
    let leaver = person(&mut store, "Frank Osei");
    let m = store.add_member(&g.id, &leaver.id, "2025-01-01").unwrap();
    store.end_membership(&m.id, "2025-02-01").unwrap();
    let archived = person(&mut store, "Irene Hughes");
    store.add_member(&g.id, &archived.id, "2025-01-01").unwrap();
    store.archive_attendee(&archived.id).unwrap();

    store.set_mark(&s.id, &doreen.id, Some(Mark::Late)).unwrap();
    let reg = store
        .set_mark(&s.id, &joan.id, Some(Mark::Apologies))
        .unwrap();
    assert_eq!(reg.unmarked_count, 3, "the register says who is left");

    let here = store.mark_everyone_else_present(&s.id).unwrap();
    assert_eq!(here.attendee_ids, ids(&[arthur, harold, margaret]));
    assert_eq!(here.mark_ids.len(), 3);
    let reg = &here.register;
    assert_eq!(reg.unmarked_count, 0);
    assert_eq!(mark_of(reg, arthur), Some(Mark::Present));
    assert_eq!(mark_of(reg, harold), Some(Mark::Present));
    assert_eq!(mark_of(reg, margaret), Some(Mark::Present));
    assert_eq!(
        mark_of(reg, doreen),
        Some(Mark::Late),
        "already marked: untouched"
    );
    assert_eq!(
        mark_of(reg, joan),
        Some(Mark::Apologies),
        "already marked: untouched"
    );
    assert!(reg.entries.iter().all(|e| e.attendee_id != leaver.id));
    assert!(reg.entries.iter().all(|e| e.attendee_id != archived.id));
    assert_eq!(reg.session.status, SessionStatus::Held);
    assert_eq!(reg.session.attended_count, 4);

    // Nobody is left: said in words, and nothing changes.
    let err = store.mark_everyone_else_present(&s.id).unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(
        err.to_string(),
        "Everyone on this register is already marked."
    );

    // Harold's carer came: his mark has been changed since, so undo keeps it.
    store.set_carer_present(&s.id, &harold.id, true).unwrap();
    let undone = store
        .undo_everyone_else_present(&s.id, &here.mark_ids)
        .unwrap();
    assert_eq!(undone.cleared, ids(&[arthur, margaret]));
    assert_eq!(undone.kept, ids(&[harold]));
    let reg = &undone.register;
    assert_eq!(mark_of(reg, arthur), None);
    assert_eq!(mark_of(reg, margaret), None);
    assert_eq!(mark_of(reg, harold), Some(Mark::Present));
    assert_eq!(mark_of(reg, doreen), Some(Mark::Late));
    assert_eq!(mark_of(reg, joan), Some(Mark::Apologies));
    assert_eq!(reg.unmarked_count, 2);

    // Margaret is marked again by hand: a second undo of the same marks
    // leaves her mark, which it did not make, alone.
    store
        .set_mark(&s.id, &margaret.id, Some(Mark::Present))
        .unwrap();
    let again = store
        .undo_everyone_else_present(&s.id, &here.mark_ids)
        .unwrap();
    assert!(again.cleared.is_empty());
    assert_eq!(mark_of(&again.register, margaret), Some(Mark::Present));
}

#[test]
fn undo_after_everyone_is_unmarked_again_makes_the_session_planned() {
    let (_dir, mut store) = store();
    let (_g, _p, s) = five_members(&mut store);
    let here = store.mark_everyone_else_present(&s.id).unwrap();
    assert_eq!(here.attendee_ids.len(), 5);
    assert_eq!(here.register.session.status, SessionStatus::Held);
    let undone = store
        .undo_everyone_else_present(&s.id, &here.mark_ids)
        .unwrap();
    assert_eq!(undone.cleared.len(), 5);
    assert_eq!(undone.register.unmarked_count, 5);
    assert_eq!(undone.register.session.status, SessionStatus::Planned);
    assert_eq!(undone.register.session.marked_count, 0);
}

#[test]
fn undo_only_clears_marks_on_its_own_session() {
    let (_dir, mut store) = store();
    let (g, _p, s) = five_members(&mut store);
    let other = session_on(&mut store, &g, "2025-03-13");
    let here = store.mark_everyone_else_present(&s.id).unwrap();
    let undone = store
        .undo_everyone_else_present(&other.id, &here.mark_ids)
        .unwrap();
    assert!(undone.cleared.is_empty() && undone.kept.is_empty());
    assert_eq!(store.register(&s.id).unwrap().unmarked_count, 0);
}

#[test]
fn everyone_else_is_here_is_refused_before_the_day_and_on_closed_registers() {
    let (_dir, mut store) = store();
    let (g, p, _s) = five_members(&mut store);

    let future = session_on(&mut store, &g, "2199-01-07");
    store
        .set_mark(&future.id, &p[0].id, Some(Mark::Apologies))
        .unwrap();
    let err = store.mark_everyone_else_present(&future.id).unwrap_err();
    assert!(err.to_string().contains("hasn't come yet"), "{err}");
    let reg = store.register(&future.id).unwrap();
    assert_eq!(reg.unmarked_count, 4, "nothing was written");
    assert_eq!(reg.session.status, SessionStatus::Planned);

    let snowed = session_on(&mut store, &g, "2025-03-20");
    store.cancel_session(&snowed.id, "Snow").unwrap();
    let err = store.mark_everyone_else_present(&snowed.id).unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");

    let held = session_on(&mut store, &g, "2025-03-27");
    let here = store.mark_everyone_else_present(&held.id).unwrap();
    store.archive_group(&g.id).unwrap();
    let err = store.mark_everyone_else_present(&held.id).unwrap_err();
    assert_eq!(err.code(), "conflict");
    let err = store
        .undo_everyone_else_present(&held.id, &here.mark_ids)
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(store.register(&held.id).unwrap().unmarked_count, 0);
}

fn track(store: &mut Store, title: &str) -> Track {
    store
        .add_track(&NewTrack {
            title: title.into(),
            artist: String::new(),
            album: String::new(),
            year: None,
            duration_ms: Some(60_000),
            sample_rate: Some(48_000),
            channels: Some(2),
            format: "ogg".into(),
            original_name: format!("{title}.ogg"),
            content_hash: blake_like(title),
            file_name: format!("{}.ogg", blake_like(title)),
            size_bytes: 1000,
        })
        .unwrap()
        .0
}

/// A stand-in content hash, different for each title.
fn blake_like(title: &str) -> String {
    title.bytes().map(|b| format!("{b:02x}")).collect()
}

fn setlist(store: &mut Store, g: &Group, name: &str, tracks: &[&Track]) -> Playlist {
    let list = store
        .create_playlist(
            PlaylistKind::Setlist,
            &PlaylistInput {
                name: name.into(),
                group_id: Some(g.id.clone()),
                attendee_id: None,
            },
        )
        .unwrap();
    for t in tracks {
        store.add_to_playlist(&list.id, &t.id, "").unwrap();
    }
    list
}

fn music(store: &Store, s: &Session) -> Option<String> {
    store.session(&s.id).unwrap().music_name
}

#[test]
fn a_session_plays_its_own_setlist_else_the_groups_usual_one() {
    let (_dir, mut store) = store();
    let g = group(&mut store, "Thursday Singing");
    let march = session_on(&mut store, &g, "2025-03-06");
    let april = session_on(&mut store, &g, "2025-04-03");
    let may = session_on(&mut store, &g, "2025-05-01");
    assert_eq!(music(&store, &april), None, "no setlists: no music");

    let daisy = track(&mut store, "Daisy Bell");
    let bonnie = track(&mut store, "My Bonnie");
    // An empty setlist is nothing to play.
    let empty = setlist(&mut store, &g, "Still to fill", &[]);
    assert_eq!(music(&store, &april), None);

    // The group's one setlist with music is its usual one.
    let warm_ups = setlist(&mut store, &g, "Warm-ups", &[&daisy]);
    let session_now = store.session(&april.id).unwrap();
    assert_eq!(session_now.music_id.as_deref(), Some(warm_ups.id.as_str()));
    assert_eq!(session_now.music_name.as_deref(), Some("Warm-ups"));
    assert_eq!(session_now.setlist_id, None, "nothing is attached by this");

    // Sea songs were played in March: from then on they are the usual ones,
    // even though Warm-ups changes after.
    let sea = setlist(&mut store, &g, "Sea songs", &[&bonnie]);
    store.add_to_playlist(&warm_ups.id, &bonnie.id, "").unwrap();
    store.attach_setlist(&march.id, Some(&sea.id)).unwrap();
    assert_eq!(music(&store, &april).as_deref(), Some("Sea songs"));
    assert_eq!(music(&store, &may).as_deref(), Some("Sea songs"));

    // April's own setlist comes first; May follows April, the latest before it.
    store.attach_setlist(&april.id, Some(&warm_ups.id)).unwrap();
    assert_eq!(music(&store, &april).as_deref(), Some("Warm-ups"));
    assert_eq!(music(&store, &may).as_deref(), Some("Warm-ups"));
    assert_eq!(music(&store, &march).as_deref(), Some("Sea songs"));

    // A session's own setlist with nothing in it falls back to the usual one.
    store.attach_setlist(&may.id, Some(&empty.id)).unwrap();
    let may_now = store.session(&may.id).unwrap();
    assert_eq!(may_now.setlist_name.as_deref(), Some("Still to fill"));
    assert_eq!(may_now.music_name.as_deref(), Some("Warm-ups"));

    // Another group's setlists are never this group's music.
    let other = group(&mut store, "Friday Friends");
    let friday = session_on(&mut store, &other, "2025-04-04");
    assert_eq!(music(&store, &friday), None);

    // The week's sessions say the same as each session.
    let week = store
        .sessions_in_week(chrono::NaiveDate::from_ymd_opt(2025, 4, 3).unwrap())
        .unwrap();
    let names: Vec<(&str, Option<&str>)> = week
        .iter()
        .map(|s| (s.group_name.as_str(), s.music_name.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("Thursday Singing", Some("Warm-ups")),
            ("Friday Friends", None)
        ]
    );

    // An archived setlist lets go of its sessions: the music moves on.
    store.archive_playlist(&warm_ups.id).unwrap();
    assert_eq!(music(&store, &april).as_deref(), Some("Sea songs"));
    assert_eq!(music(&store, &may).as_deref(), Some("Sea songs"));
}
