//! The register in the room through the commands, as the window calls them:
//! "everyone else is here" and its undo, and the music a session plays.

use refrain_core::model::*;
use refrain_core::store::today;
use serde_json::json;

use crate::commands::App;

/// A group of three members and its session today.
fn group_meeting_today(app: &App) -> (Group, Vec<Attendee>, Session) {
    let group: Group = app.ok(
        "create_group",
        json!({"input": {"name": "Wednesday Welcome Choir", "startTime": "09:30", "endTime": "10:30"}}),
    );
    let mut people = Vec::new();
    for name in ["Agnes Mwangi", "Bernard Hollis", "Cecily Ward"] {
        let p: Attendee = app.ok("create_attendee", json!({"input": {"fullName": name}}));
        let _: Membership = app.ok(
            "add_member",
            json!({"groupId": group.id, "attendeeId": p.id, "joinedOn": "2025-01-01"}),
        );
        people.push(p);
    }
    let session: Session = app.ok(
        "create_session",
        json!({"input": {"groupId": group.id, "date": today().format("%Y-%m-%d").to_string(),
                         "startTime": "09:30", "endTime": "10:30"}}),
    );
    (group, people, session)
}

#[test]
fn everyone_else_is_here_and_its_undo_through_the_commands() {
    let app = App::new();
    let (_g, people, session) = group_meeting_today(&app);
    let reg: Register = app.ok(
        "set_mark",
        json!({"sessionId": session.id, "attendeeId": people[1].id, "mark": "late"}),
    );
    assert_eq!(reg.unmarked_count, 2);

    let here: EveryoneHere = app.ok(
        "mark_everyone_else_present",
        json!({"sessionId": session.id}),
    );
    assert_eq!(
        here.attendee_ids,
        [people[0].id.clone(), people[2].id.clone()]
    );
    assert_eq!(here.register.unmarked_count, 0);
    let marks: Vec<Option<Mark>> = here.register.entries.iter().map(|e| e.mark).collect();
    assert_eq!(
        marks,
        [Some(Mark::Present), Some(Mark::Late), Some(Mark::Present)]
    );

    // Again: nobody is left, said in the core's words.
    let err = app
        .call(
            "mark_everyone_else_present",
            json!({"sessionId": session.id}),
        )
        .unwrap_err();
    assert_eq!(err.code.as_str(), "conflict");
    assert_eq!(err.message, "Everyone on this register is already marked.");

    let undone: EveryoneHereUndone = app.ok(
        "undo_everyone_else_present",
        json!({"sessionId": session.id, "markIds": here.mark_ids}),
    );
    assert_eq!(undone.cleared, here.attendee_ids);
    assert!(undone.kept.is_empty());
    let marks: Vec<Option<Mark>> = undone.register.entries.iter().map(|e| e.mark).collect();
    assert_eq!(marks, [None, Some(Mark::Late), None]);
}

#[test]
fn the_week_says_which_music_each_session_plays() {
    let app = App::new();
    let (group, _people, session) = group_meeting_today(&app);
    let week: Vec<Session> = app.ok("this_week", json!({}));
    assert_eq!(week[0].music_id, None, "no setlists yet");

    let setlist: Playlist = app.ok(
        "create_playlist",
        json!({"kind": "setlist", "input": {"name": "Welcome songs", "groupId": group.id}}),
    );
    let week: Vec<Session> = app.ok("this_week", json!({}));
    assert_eq!(
        week[0].music_id, None,
        "an empty setlist is nothing to play"
    );

    let dir = tempfile::tempdir().unwrap();
    let song = dir.path().join("Oh Susanna.wav");
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/music");
    std::fs::copy(samples.join("Oh Susanna.wav"), &song).unwrap();
    let report: ImportReport = app.ok("import_tracks", json!({"paths": [song]}));
    let _: Playlist = app.ok(
        "add_to_playlist",
        json!({"playlistId": setlist.id, "trackId": report.imported[0].id, "note": ""}),
    );

    // Attached to no session, the group's one setlist is its usual music:
    // today's session plays it.
    let week: Vec<Session> = app.ok("this_week", json!({}));
    assert_eq!(week[0].id, session.id);
    assert_eq!(week[0].setlist_id, None);
    assert_eq!(week[0].music_id.as_deref(), Some(setlist.id.as_str()));
    assert_eq!(week[0].music_name.as_deref(), Some("Welcome songs"));
}
