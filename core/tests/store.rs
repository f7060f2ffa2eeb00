//! The store and the domain's rules, through the core's public API, on real
//! SQLite files in temporary folders.

use refrain_core::model::*;
use refrain_core::store::{DB_FILE, SCHEMA_VERSION};
use refrain_core::{CoreError, Store};
use rusqlite::Connection;
use tempfile::TempDir;

use crate::support::store;

fn group_input(name: &str) -> GroupInput {
    GroupInput {
        name: name.into(),
        weekday: Some(Weekday::Thursday),
        start_time: "10:30".into(),
        end_time: "12:00".into(),
        facilitators: "Alex Morgan".into(),
        ..Default::default()
    }
}

fn person(store: &mut Store, name: &str) -> Attendee {
    store
        .create_attendee(&AttendeeInput {
            full_name: name.into(),
            ..Default::default()
        })
        .unwrap()
}

/// A group with three members who joined on 2025-01-01 and one session on
/// Thursday 2025-03-06.
fn group_with_session(store: &mut Store) -> (Group, Vec<Attendee>, Session) {
    let group = store
        .create_group(&group_input("Thursday Singing"))
        .unwrap();
    let people: Vec<Attendee> = ["Margaret Ellis", "Arthur Bennett", "Doreen Walsh"]
        .iter()
        .map(|n| person(store, n))
        .collect();
    for p in &people {
        store.add_member(&group.id, &p.id, "2025-01-01").unwrap();
    }
    let session = store
        .create_session(&SessionInput {
            group_id: group.id.clone(),
            date: "2025-03-06".into(),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap();
    (group, people, session)
}

fn count(dir: &TempDir, table: &str) -> i64 {
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn field_of(err: CoreError) -> String {
    match err {
        CoreError::Invalid { field, .. } => field.to_string(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_new_file_is_migrated_to_the_current_schema_with_safe_settings() {
    let (dir, store) = store();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(store.is_empty().unwrap());
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let report = store.check().unwrap();
    assert!(report.integrity_ok, "{:?}", report.problems);
    assert_eq!(report.schema_version, SCHEMA_VERSION);
    // Opening again is a no-op migration.
    drop(store);
    let again = Store::open_in_dir(dir.path()).unwrap();
    assert_eq!(again.schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn a_store_from_a_newer_version_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE future_thing (x TEXT); PRAGMA user_version = {};",
            SCHEMA_VERSION + 1
        ))
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open_in_dir(dir.path())
        .err()
        .expect("newer schema must be refused");
    assert!(matches!(err, CoreError::NewerSchema { found, supported }
        if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION));
    assert_eq!(err.code(), "newer_schema");
    assert!(err.to_string().contains("newer version of Refrain"));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file must not be modified"
    );
    assert!(!dir.path().join(format!("{DB_FILE}-wal")).exists());
}

#[test]
fn everything_recorded_is_there_after_reopening() {
    let (dir, mut store) = store();
    let (group, people, session) = group_with_session(&mut store);
    store
        .set_mark(&session.id, &people[0].id, Some(Mark::Present))
        .unwrap();
    store
        .set_mark(&session.id, &people[1].id, Some(Mark::Apologies))
        .unwrap();
    store
        .save_note_draft(&session.id, None, "Daisy Bell went down well.", None)
        .unwrap();
    drop(store);

    let store = Store::open_in_dir(dir.path()).unwrap();
    let reg = store.register(&session.id).unwrap();
    assert_eq!(reg.session.group_name, group.name);
    assert_eq!(reg.session.status, SessionStatus::Held);
    let marks: Vec<(&str, Option<Mark>)> = reg
        .entries
        .iter()
        .map(|e| (e.full_name.as_str(), e.mark))
        .collect();
    assert_eq!(
        marks,
        vec![
            ("Arthur Bennett", Some(Mark::Apologies)),
            ("Doreen Walsh", None),
            ("Margaret Ellis", Some(Mark::Present)),
        ]
    );
    let notes = store.session_notes(&session.id).unwrap();
    assert_eq!(notes.group_note.unwrap().body, "Daisy Bell went down well.");
}

#[test]
fn empty_names_are_refused_beside_their_field() {
    let (_dir, mut store) = store();
    assert_eq!(
        field_of(store.create_group(&group_input("   ")).unwrap_err()),
        "name"
    );
    assert_eq!(
        field_of(
            store
                .create_attendee(&AttendeeInput::default())
                .unwrap_err()
        ),
        "fullName"
    );
    assert_eq!(
        field_of(store.create_venue(&VenueInput::default()).unwrap_err()),
        "name"
    );
    assert!(
        store.is_empty().unwrap(),
        "nothing is written for refused input"
    );
}

#[test]
fn end_before_start_is_refused_for_groups_and_sessions() {
    let (_dir, mut store) = store();
    let mut input = group_input("Drop-in");
    input.end_time = "09:00".into();
    assert_eq!(field_of(store.create_group(&input).unwrap_err()), "endTime");

    let group = store.create_group(&group_input("Drop-in")).unwrap();
    let err = store
        .create_session(&SessionInput {
            group_id: group.id,
            date: "2025-03-06".into(),
            start_time: "14:00".into(),
            end_time: "13:00".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "The end time must be after the start time."
    );
    assert_eq!(field_of(err), "endTime");
}

#[test]
fn dates_that_do_not_exist_are_refused() {
    let (dir, mut store) = store();
    let group = store.create_group(&group_input("Drop-in")).unwrap();
    let err = store
        .create_session(&SessionInput {
            group_id: group.id.clone(),
            date: "2025-02-29".into(),
            start_time: "10:00".into(),
            end_time: "11:00".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "2025-02-29 is not a date that exists.");
    let p = person(&mut store, "Joan Whitaker");
    assert_eq!(
        field_of(
            store
                .add_member(&group.id, &p.id, "2025-04-31")
                .unwrap_err()
        ),
        "joinedOn"
    );
    let err = store
        .create_attendee(&AttendeeInput {
            full_name: "Frank Osei".into(),
            date_of_birth: "1945-13-14".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(field_of(err), "dateOfBirth");
    assert_eq!(count(&dir, "session"), 0);
    assert_eq!(count(&dir, "membership"), 0);
}

#[test]
fn nobody_is_on_a_register_twice() {
    let (dir, mut store) = store();
    let (_group, people, session) = group_with_session(&mut store);
    // A member can't be added again as a walk-in.
    let err = store
        .add_walk_in(
            &session.id,
            &WalkIn::Existing {
                attendee_id: people[0].id.clone(),
            },
            false,
        )
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(
        err.to_string(),
        "Margaret Ellis is already on this register."
    );

    // A walk-in can't be added twice.
    let visitor = person(&mut store, "Irene Hughes");
    let walk_in = WalkIn::Existing {
        attendee_id: visitor.id.clone(),
    };
    store.add_walk_in(&session.id, &walk_in, false).unwrap();
    let err = store.add_walk_in(&session.id, &walk_in, false).unwrap_err();
    assert_eq!(err.to_string(), "Irene Hughes is already on this register.");

    // Marking again changes the mark; it never adds a second line.
    store
        .set_mark(&session.id, &people[0].id, Some(Mark::Present))
        .unwrap();
    let reg = store
        .set_mark(&session.id, &people[0].id, Some(Mark::Late))
        .unwrap();
    assert_eq!(reg.entries.len(), 4);
    assert_eq!(
        reg.entries
            .iter()
            .filter(|e| e.attendee_id == people[0].id)
            .count(),
        1
    );
    assert_eq!(count(&dir, "attendance"), 2);
}

#[test]
fn an_archived_group_cannot_be_changed() {
    let (_dir, mut store) = store();
    let (group, people, session) = group_with_session(&mut store);
    store.archive_group(&group.id).unwrap();
    let outsider = person(&mut store, "Stanley Cooper");

    let refusals = [
        store
            .add_member(&group.id, &outsider.id, "2025-02-01")
            .map(|_| ()),
        store
            .set_mark(&session.id, &people[0].id, Some(Mark::Present))
            .map(|_| ()),
        store
            .save_note_draft(&session.id, None, "note", None)
            .map(|_| ()),
        store
            .generate_sessions(&group.id, "2025-03-01", 4)
            .map(|_| ()),
        store
            .update_group(&group.id, &group_input("New name"))
            .map(|_| ()),
        store
            .create_session(&SessionInput {
                group_id: group.id.clone(),
                date: "2025-03-13".into(),
                start_time: "10:30".into(),
                end_time: "12:00".into(),
                ..Default::default()
            })
            .map(|_| ()),
    ];
    for r in refusals {
        let err = r.unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert!(err.to_string().contains("is archived"), "{err}");
    }
    // Its history is still readable, and it can be restored.
    assert!(store.register(&session.id).unwrap().group_archived);
    assert!(store.list_groups(false).unwrap().is_empty());
    assert_eq!(store.list_groups(true).unwrap().len(), 1);
    store.restore_group(&group.id).unwrap();
    store
        .set_mark(&session.id, &people[0].id, Some(Mark::Present))
        .unwrap();
}

#[test]
fn weekly_sessions_are_generated_on_the_usual_day_skipping_existing_ones() {
    let (_dir, mut store) = store();
    let group = store
        .create_group(&group_input("Thursday Singing"))
        .unwrap();
    // 2025-03-03 is a Monday; the group meets on Thursdays.
    let made = store.generate_sessions(&group.id, "2025-03-03", 4).unwrap();
    let dates: Vec<&str> = made.iter().map(|s| s.date.as_str()).collect();
    assert_eq!(
        dates,
        ["2025-03-06", "2025-03-13", "2025-03-20", "2025-03-27"]
    );
    assert!(made
        .iter()
        .all(|s| s.start_time == "10:30" && s.end_time == "12:00"));
    assert!(made
        .iter()
        .all(|s| s.status == SessionStatus::Planned && s.facilitators == "Alex Morgan"));

    // Asking again from the same day adds only the weeks not yet planned.
    let more = store.generate_sessions(&group.id, "2025-03-06", 6).unwrap();
    let dates: Vec<&str> = more.iter().map(|s| s.date.as_str()).collect();
    assert_eq!(dates, ["2025-04-03", "2025-04-10"]);

    assert_eq!(
        field_of(store.generate_sessions(&group.id, "", 0).unwrap_err()),
        "count"
    );
    assert_eq!(
        field_of(store.generate_sessions(&group.id, "", 53).unwrap_err()),
        "count"
    );
    let no_day = store
        .create_group(&GroupInput {
            name: "Pop-up".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        field_of(store.generate_sessions(&no_day.id, "", 3).unwrap_err()),
        "weekday"
    );
}

#[test]
fn the_register_lists_members_on_the_day_then_walk_ins() {
    let (_dir, mut store) = store();
    let (group, people, session) = group_with_session(&mut store);
    let unmarked = store.register(&session.id).unwrap();
    let mut ids: Vec<&str> = unmarked
        .entries
        .iter()
        .map(|e| e.attendee_id.as_str())
        .collect();
    let mut expected: Vec<&str> = people.iter().map(|p| p.id.as_str()).collect();
    ids.sort_unstable();
    expected.sort_unstable();
    assert_eq!(ids, expected, "exactly the members on the day");
    assert_eq!(unmarked.session.expected_count, 3);
    let late_joiner = person(&mut store, "Harold Price");
    store
        .add_member(&group.id, &late_joiner.id, "2025-03-07")
        .unwrap();
    let leaver = person(&mut store, "Joan Whitaker");
    let m = store
        .add_member(&group.id, &leaver.id, "2025-01-01")
        .unwrap();
    store.end_membership(&m.id, "2025-02-01").unwrap();

    let visitor = person(&mut store, "Frank Osei");
    let reg = store
        .add_walk_in(
            &session.id,
            &WalkIn::Existing {
                attendee_id: visitor.id.clone(),
            },
            true,
        )
        .unwrap();
    let names: Vec<(&str, bool)> = reg
        .entries
        .iter()
        .map(|e| (e.full_name.as_str(), e.walk_in))
        .collect();
    assert_eq!(
        names,
        [
            ("Arthur Bennett", false),
            ("Doreen Walsh", false),
            ("Margaret Ellis", false),
            ("Frank Osei", true)
        ]
    );
    assert_eq!(reg.entries[3].mark, Some(Mark::Present));
    assert_eq!(reg.session.status, SessionStatus::Held);
    // "Also add them to the group" made Frank a member from that day.
    let detail = store.group_detail(&group.id).unwrap();
    assert!(detail
        .members
        .iter()
        .any(|m| m.attendee_id == visitor.id && m.joined_on == "2025-03-06"));

    // Someone who is not on the register can't be marked.
    let err = store
        .set_mark(&session.id, &late_joiner.id, Some(Mark::Present))
        .unwrap_err();
    assert!(err.to_string().contains("isn't on this register"));

    // A new person can walk in, created with their mark in one step.
    let reg = store
        .add_walk_in(
            &session.id,
            &WalkIn::New {
                attendee: Box::new(AttendeeInput {
                    full_name: "Emily Fraser".into(),
                    ..Default::default()
                }),
            },
            false,
        )
        .unwrap();
    let emily = reg
        .entries
        .iter()
        .find(|e| e.full_name == "Emily Fraser")
        .expect("Emily is listed");
    assert!(emily.walk_in);
    assert_eq!(reg.session.expected_count, 5);

    // Clearing a walk-in's mark takes them off the register...
    let emily_id = emily.attendee_id.clone();
    let reg = store.set_mark(&session.id, &emily_id, None).unwrap();
    assert!(reg.entries.iter().all(|e| e.attendee_id != emily_id));
    // ...but Frank joined the group that day, so he stays, unmarked.
    let reg = store.set_mark(&session.id, &visitor.id, None).unwrap();
    let frank = reg
        .entries
        .iter()
        .find(|e| e.attendee_id == visitor.id)
        .expect("Frank is a member now");
    assert_eq!(frank.mark, None);
}

#[test]
fn carers_are_noted_only_for_marked_people() {
    let (_dir, mut store) = store();
    let (_g, people, session) = group_with_session(&mut store);
    let err = store
        .set_carer_present(&session.id, &people[0].id, true)
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    store
        .set_mark(&session.id, &people[0].id, Some(Mark::Present))
        .unwrap();
    let reg = store
        .set_carer_present(&session.id, &people[0].id, true)
        .unwrap();
    let entry = reg
        .entries
        .iter()
        .find(|e| e.attendee_id == people[0].id)
        .unwrap();
    assert!(entry.carer_present);
}

#[test]
fn cancelled_and_future_sessions_limit_what_can_be_marked() {
    let (_dir, mut store) = store();
    let (group, people, session) = group_with_session(&mut store);
    let err = store.cancel_session(&session.id, "  ").unwrap_err();
    assert_eq!(field_of(err), "reason");
    let cancelled = store.cancel_session(&session.id, "Hall flooded").unwrap();
    assert_eq!(cancelled.status, SessionStatus::Cancelled);
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("Hall flooded"));
    let err = store
        .set_mark(&session.id, &people[0].id, Some(Mark::Present))
        .unwrap_err();
    assert!(err.to_string().contains("cancelled"));

    let future = store
        .create_session(&SessionInput {
            group_id: group.id.clone(),
            date: "2199-01-01".into(),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap();
    let err = store
        .set_mark(&future.id, &people[0].id, Some(Mark::Present))
        .unwrap_err();
    assert!(err.to_string().contains("hasn't come yet"));
    let reg = store
        .set_mark(&future.id, &people[0].id, Some(Mark::Apologies))
        .unwrap();
    assert_eq!(
        reg.session.status,
        SessionStatus::Planned,
        "apologies alone don't make a session held"
    );
    // The register says so, for the screen to offer only what can be recorded.
    assert!(!reg.can_record_who_came);
    assert!(store.register(&session.id).unwrap().can_record_who_came);
}

#[test]
fn a_session_with_marks_cannot_be_cancelled() {
    let (_dir, mut store) = store();
    let (_g, people, session) = group_with_session(&mut store);
    store
        .set_mark(&session.id, &people[0].id, Some(Mark::Present))
        .unwrap();
    assert_eq!(
        store
            .cancel_session(&session.id, "Snow")
            .unwrap_err()
            .code(),
        "conflict"
    );
}

#[test]
fn referral_status_changes_are_all_kept_in_order() {
    let (_dir, mut store) = store();
    let p = person(&mut store, "Sarah Collins");
    let referral = store
        .add_referral(&ReferralInput {
            attendee_id: p.id.clone(),
            source: ReferralSource::GpLinkWorker,
            referrer_name: "Chris Doyle".into(),
            referrer_organisation: "Mill Lane Surgery".into(),
            received_on: "2025-01-10".into(),
            reasons: vec![
                ReferralReason::Loneliness,
                ReferralReason::Anxiety,
                ReferralReason::Loneliness,
            ],
            reason_notes: String::new(),
        })
        .unwrap();
    assert_eq!(referral.status, ReferralStatus::Received);
    assert_eq!(
        referral.reasons,
        [ReferralReason::Anxiety, ReferralReason::Loneliness]
    );
    store
        .set_referral_status(
            &referral.id,
            ReferralStatus::Contacted,
            "2025-01-12",
            "Phoned",
            None,
        )
        .unwrap();
    let r = store
        .set_referral_status(
            &referral.id,
            ReferralStatus::Accepted,
            "2025-01-20",
            "",
            None,
        )
        .unwrap();
    assert_eq!(r.status, ReferralStatus::Accepted);
    let history: Vec<(ReferralStatus, &str)> = r
        .history
        .iter()
        .map(|h| (h.status, h.changed_on.as_str()))
        .collect();
    assert_eq!(
        history,
        [
            (ReferralStatus::Received, "2025-01-10"),
            (ReferralStatus::Contacted, "2025-01-12"),
            (ReferralStatus::Accepted, "2025-01-20"),
        ]
    );
    assert_eq!(r.history[1].note, "Phoned");
    let err = store
        .set_referral_status(
            &referral.id,
            ReferralStatus::Started,
            "2025-01-01",
            "",
            None,
        )
        .unwrap_err();
    assert_eq!(field_of(err), "changedOn");
    let detail = store.attendee_detail(&p.id).unwrap();
    assert_eq!(detail.referrals.len(), 1);
    assert_eq!(detail.referrals[0].history.len(), 3);
}

#[test]
fn people_are_found_by_any_part_of_either_name() {
    let (_dir, mut store) = store();
    let mut input = AttendeeInput {
        full_name: "Margaret Ellis".into(),
        ..Default::default()
    };
    input.preferred_name = "Peggy".into();
    store.create_attendee(&input).unwrap();
    person(&mut store, "Arthur Bennett");
    person(&mut store, "100% Real Name");
    let names = |q: &str, store: &Store| -> Vec<String> {
        store
            .search_attendees(q, false)
            .unwrap()
            .into_iter()
            .map(|a| a.full_name)
            .collect()
    };
    assert_eq!(names("peg", &store), ["Margaret Ellis"]);
    assert_eq!(names("ELL", &store), ["Margaret Ellis"]);
    assert_eq!(
        names("%", &store),
        ["100% Real Name"],
        "LIKE wildcards are matched literally"
    );
    assert_eq!(names("", &store).len(), 3);
}

#[test]
fn archived_people_leave_the_list_but_keep_their_history() {
    let (_dir, mut store) = store();
    let (_g, people, session) = group_with_session(&mut store);
    store
        .set_mark(&session.id, &people[2].id, Some(Mark::Present))
        .unwrap();
    store.archive_attendee(&people[2].id).unwrap();
    assert_eq!(store.search_attendees("", false).unwrap().len(), 2);
    assert_eq!(store.search_attendees("", true).unwrap().len(), 3);
    let reg = store.register(&session.id).unwrap();
    assert!(
        reg.entries.iter().any(|e| e.attendee_id == people[2].id),
        "marked people stay on past registers"
    );
    assert_eq!(
        store
            .attendee_detail(&people[2].id)
            .unwrap()
            .attendance
            .len(),
        1
    );
}

#[test]
fn a_failed_write_leaves_nothing_half_written() {
    let (dir, mut store) = store();
    let (_g, _people, session) = group_with_session(&mut store);
    let before = (count(&dir, "attendee"), count(&dir, "attendance"));
    // Make the last step of a walk-in (joining the group) fail, as a full disk would.
    Connection::open(dir.path().join(DB_FILE))
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER fail_join BEFORE INSERT ON membership
             BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;",
        )
        .unwrap();
    let err = store
        .add_walk_in(
            &session.id,
            &WalkIn::New {
                attendee: Box::new(AttendeeInput {
                    full_name: "Gareth Jones".into(),
                    ..Default::default()
                }),
            },
            true,
        )
        .unwrap_err();
    assert_eq!(err.code(), "database");
    assert_eq!((count(&dir, "attendee"), count(&dir, "attendance")), before);
}

#[test]
fn sample_data_loads_once_into_an_empty_store() {
    let (_dir, mut store) = store();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 19).unwrap();
    refrain_core::demo::seed(&mut store, today).unwrap();
    let groups = store.list_groups(false).unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        ["Thursday Singing for the Brain", "Wednesday Drop-in"]
    );
    let week = store.sessions_in_week(today).unwrap();
    assert_eq!(week.len(), 2, "each group meets once this week");
    let singing = store.sessions_of_group(&groups[0].id, 100).unwrap();
    let held: Vec<&Session> = singing
        .iter()
        .filter(|s| s.status == SessionStatus::Held)
        .collect();
    assert_eq!(held.len(), 4);
    assert!(held.iter().all(|s| s.attended_count > 0));

    // The programme summary shows what outcomes look like: each group's
    // umbrella before and after, varied (better, the same, now and then
    // worse), and ONS4 paired at the start and the end.
    let ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
    // The Reports screen's usual period: this month and the two before.
    let from = "2026-09-01";
    let summary = store
        .programme_summary(&ids, from, &today.to_string(), "")
        .unwrap();
    let mut names: Vec<&str> = summary
        .wellbeing
        .iter()
        .map(|w| w.instrument_name.as_str())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "UCL positive wellbeing umbrella (generic)",
            "UCL positive wellbeing umbrella (older adult)"
        ]
    );
    for w in &summary.wellbeing {
        assert!(
            w.counted >= 10,
            "{}: {} person-sessions",
            w.instrument_name,
            w.counted
        );
        assert!(
            w.improved > w.worse,
            "{}: mostly better after",
            w.instrument_name
        );
        assert!(
            w.same + w.worse > 0,
            "{}: not all better",
            w.instrument_name
        );
        let overall = &w.lines[0];
        assert!(overall.before.unwrap() >= 1.0 && overall.after.unwrap() <= 5.0);
    }
    let ons4: Vec<_> = summary
        .episodes
        .iter()
        .filter(|e| e.instrument_name == "ONS4 personal wellbeing")
        .collect();
    let started: u32 = ons4.iter().map(|e| e.started).sum();
    let both: u32 = ons4.iter().map(|e| e.both).sum();
    assert!(started >= 8, "most referred people have a start: {started}");
    assert_eq!(both, 3, "three referrals ended with an end measure");
    // Today's "Measures due" is not swamped: only the newest person's start.
    let due = store.episode_measures_due().unwrap();
    let due_names: Vec<&str> = due.iter().map(|d| d.full_name.as_str()).collect();
    assert_eq!(due_names, ["Emily Fraser"]);
    // A few people's information needs, and the practice's public details
    // for the directory listing.
    let people = store.search_attendees("Margaret", false).unwrap();
    let margaret = store.attendee(&people[0].id).unwrap();
    assert!(margaret.information_needs.large_print);
    assert!(!store.practice_details().unwrap().name.is_empty());

    let report = store.check().unwrap();
    assert!(report.integrity_ok);
    let err = refrain_core::demo::seed(&mut store, today).unwrap_err();
    assert_eq!(err.code(), "conflict");
}

#[test]
fn a_store_from_an_older_version_is_brought_up_to_date_with_its_records() {
    // A store as schema v2 left it: a group of three members (one who has
    // left), a session with a member and a walk-in marked.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        refrain_core::store::schema::migrations()
            .to_version(&mut conn, 2)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO practice_group (id, name, created_at, updated_at)
                 VALUES ('g', 'Tuesday Sing-along', 't', 't');
             INSERT INTO attendee (id, full_name, created_at, updated_at) VALUES
                 ('a1', 'Margaret Ellis', 't', 't'), ('a2', 'Arthur Bennett', 't', 't'),
                 ('a3', 'Doreen Walsh', 't', 't'), ('w', 'Sam Walker', 't', 't');
             INSERT INTO membership (id, group_id, attendee_id, joined_on, left_on, created_at, updated_at) VALUES
                 ('m1', 'g', 'a1', '2025-01-01', NULL, 't', 't'),
                 ('m2', 'g', 'a2', '2025-01-01', '2025-06-01', 't', 't'),
                 ('m3', 'g', 'a3', '2025-02-01', NULL, 't', 't');
             INSERT INTO session (id, group_id, date, start_time, end_time, status, created_at, updated_at)
                 VALUES ('s', 'g', '2025-03-04', '10:30', '12:00', 'held', 't', 't');
             INSERT INTO attendance (id, session_id, attendee_id, mark, walk_in, created_at, updated_at) VALUES
                 ('x1', 's', 'a1', 'present', 0, 't', 't'),
                 ('x2', 's', 'w', 'present', 1, 't', 't');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let session = store.session("s").unwrap();
    // Three members on the day (Arthur left later) and the walk-in.
    assert_eq!(
        (
            session.marked_count,
            session.attended_count,
            session.expected_count
        ),
        (2, 2, 4)
    );
    let detail = store.attendee_detail("a1").unwrap();
    assert_eq!(detail.attendance.len(), 1);
    assert!(store.check().unwrap().integrity_ok);
}

/// The message and field of a refusal.
fn refusal(err: CoreError) -> (String, String) {
    match err {
        CoreError::Invalid { field, message } => (field.to_string(), message),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

const HIDDEN: &str = "has a hidden character in it that Refrain can't keep, perhaps copied \
                      from another program. Please type it again.";

#[test]
fn one_line_fields_are_saved_on_one_line_and_hidden_characters_refused_beside_the_field() {
    let (dir, mut store) = store();
    // A person: names, phone and email on one line; notes keep their lines.
    let ann = store
        .create_attendee(&AttendeeInput {
            full_name: "Ann\nLee".into(),
            preferred_name: "Nan\t".into(),
            phone: "07700\r\n900123".into(),
            carer_name: " Jim \n Lee ".into(),
            notes: "Likes to sit near the door.\n\tPrefers tea.".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ann.full_name, "Ann Lee");
    assert_eq!(ann.preferred_name, "Nan");
    assert_eq!(ann.phone, "07700 900123");
    assert_eq!(ann.carer_name, "Jim Lee");
    assert_eq!(ann.notes, "Likes to sit near the door.\n\tPrefers tea.");
    for (input, field, what) in [
        (
            AttendeeInput {
                full_name: "Ann\u{0}Lee".into(),
                ..Default::default()
            },
            "fullName",
            "The person's full name",
        ),
        (
            AttendeeInput {
                full_name: "Bob Stone".into(),
                email: "bob@example.org\u{7}".into(),
                ..Default::default()
            },
            "email",
            "The email address",
        ),
        (
            AttendeeInput {
                full_name: "Bob Stone".into(),
                notes: "page one\u{c}page two".into(),
                ..Default::default()
            },
            "notes",
            "The notes",
        ),
    ] {
        let (f, message) = refusal(store.create_attendee(&input).unwrap_err());
        assert_eq!(f, field);
        assert_eq!(message, format!("{what} {HIDDEN}"));
    }
    let (f, _) = refusal(
        store
            .update_attendee(
                &ann.id,
                &AttendeeInput {
                    full_name: "Ann\u{1b}[2JLee".into(),
                    ..Default::default()
                },
            )
            .unwrap_err(),
    );
    assert_eq!(f, "fullName");
    assert_eq!(count(&dir, "attendee"), 1);

    // A venue: its name on one line, its address over several.
    let venue = store
        .create_venue(&VenueInput {
            name: "St Mark's\nChurch Hall".into(),
            address: "1 High Street\nMilltown".into(),
            access_notes: String::new(),
        })
        .unwrap();
    assert_eq!(venue.name, "St Mark's Church Hall");
    assert_eq!(venue.address, "1 High Street\nMilltown");
    let err = store
        .create_venue(&VenueInput {
            name: "Hall\u{0}".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(field_of(err), "name");

    // A group, its facilitators and a setlist.
    let group = store
        .create_group(&GroupInput {
            facilitators: "Alex Morgan\tSam Jones".into(),
            description: "Songs we know.\nAll welcome.".into(),
            ..group_input("Thursday\r\nSinging")
        })
        .unwrap();
    assert_eq!(group.name, "Thursday Singing");
    assert_eq!(group.facilitators, "Alex Morgan Sam Jones");
    assert_eq!(group.description, "Songs we know.\nAll welcome.");
    let setlist = store
        .create_playlist(
            PlaylistKind::Setlist,
            &PlaylistInput {
                name: "Warm\nups".into(),
                group_id: Some(group.id.clone()),
                attendee_id: None,
            },
        )
        .unwrap();
    assert_eq!(setlist.name, "Warm ups");
    let (f, message) = refusal(
        store
            .rename_playlist(&setlist.id, "Warm\u{0}ups")
            .unwrap_err(),
    );
    assert_eq!((f.as_str(), message), ("name", format!("A name {HIDDEN}")));

    // A referral's referrer.
    let referral = store
        .add_referral(&ReferralInput {
            attendee_id: ann.id.clone(),
            source: ReferralSource::GpLinkWorker,
            referrer_name: "Dr\nPatel".into(),
            referrer_organisation: String::new(),
            received_on: "2025-01-10".into(),
            reasons: vec![ReferralReason::Loneliness],
            reason_notes: String::new(),
        })
        .unwrap();
    assert_eq!(referral.referrer_name, "Dr Patel");
    let err = store
        .add_referral(&ReferralInput {
            attendee_id: ann.id.clone(),
            source: ReferralSource::GpLinkWorker,
            referrer_name: String::new(),
            referrer_organisation: "Mill Lane\u{0} Surgery".into(),
            received_on: "2025-01-10".into(),
            reasons: vec![ReferralReason::Loneliness],
            reason_notes: String::new(),
        })
        .unwrap_err();
    assert_eq!(field_of(err), "referrerOrganisation");

    // A practitioner.
    let sam = store
        .create_practitioner(&PractitionerInput {
            name: "Sam\nJones".into(),
            hcpc_number: String::new(),
        })
        .unwrap();
    assert_eq!(sam.name, "Sam Jones");
    let err = store
        .create_practitioner(&PractitionerInput {
            name: "Sam\u{7f}".into(),
            hcpc_number: String::new(),
        })
        .unwrap_err();
    assert_eq!(field_of(err), "name");

    // A therapist's own measure: its items and labels.
    let custom =
        |items: Vec<&str>, min_label: &str| refrain_core::outcomes::CustomInstrumentInput {
            name: "Calm\nand connected".into(),
            items: items.into_iter().map(String::from).collect(),
            scale_min: 0,
            scale_max: 10,
            min_label: min_label.into(),
            max_label: "very much".into(),
            lower_is_better: false,
        };
    let measure = store
        .create_custom_instrument(&custom(
            vec!["Calm\nand settled", "Connected"],
            "not\tat all",
        ))
        .unwrap();
    assert_eq!(measure.name, "Calm and connected");
    assert_eq!(measure.items[0].text, "Calm and settled");
    assert_eq!(measure.scale.min_label.as_deref(), Some("not at all"));
    let err = store
        .create_custom_instrument(&custom(vec!["Calm\u{0}"], "not at all"))
        .unwrap_err();
    assert_eq!(field_of(err), "items");
    let err = store
        .create_custom_instrument(&custom(vec!["Calm"], "not\u{1b}at all"))
        .unwrap_err();
    assert_eq!(field_of(err), "minLabel");
}
