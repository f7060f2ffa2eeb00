//! The audit log through the core's public API, on real SQLite files: every
//! kind of change is logged once with whoever was using Refrain then, a
//! refused change logs nothing, the log holds no names or words, and a v4
//! store gains the log keeping its records.

use refrain_core::model::*;
use refrain_core::store::{DB_FILE, SCHEMA_VERSION};
use refrain_core::Store;
use rusqlite::Connection;
use tempfile::TempDir;

use crate::support::store;

fn raw(dir: &TempDir) -> Connection {
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    refrain_core::store::register_sql_functions(&conn).unwrap();
    conn
}

fn log(store: &Store) -> Vec<AuditEntry> {
    store
        .audit_log(&AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .unwrap()
}

fn count(store: &Store) -> usize {
    log(store).len()
}

/// The entries written by `f`, oldest first, as (table, record, action,
/// practitioner).
fn logged_by(
    store: &mut Store,
    f: impl FnOnce(&mut Store),
) -> Vec<(String, String, AuditAction, Option<String>)> {
    let before = count(store);
    f(store);
    let mut new: Vec<_> = log(store)
        .into_iter()
        .take(count(store) - before)
        .map(|e| (e.record_table, e.record_id, e.action, e.practitioner_id))
        .collect();
    new.reverse();
    new
}

fn practitioner(store: &mut Store, name: &str) -> Practitioner {
    store
        .create_practitioner(&PractitionerInput {
            name: name.into(),
            hcpc_number: "AS12345".into(),
        })
        .unwrap()
}

fn person(store: &mut Store, name: &str) -> Attendee {
    store
        .create_attendee(&AttendeeInput {
            full_name: name.into(),
            ..Default::default()
        })
        .unwrap()
}

/// A group with one member and a session on 2025-03-06 she came to.
fn group_with_session(store: &mut Store, who: &Attendee) -> (Group, Session) {
    let group = store
        .create_group(&GroupInput {
            name: "Thursday Singing".into(),
            weekday: Some(Weekday::Thursday),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap();
    store.add_member(&group.id, &who.id, "2025-01-01").unwrap();
    let session = store
        .create_session(&SessionInput {
            group_id: group.id.clone(),
            date: "2025-03-06".into(),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap();
    store
        .set_mark(&session.id, &who.id, Some(Mark::Present))
        .unwrap();
    (group, session)
}

fn one(
    entries: Vec<(String, String, AuditAction, Option<String>)>,
) -> (String, String, AuditAction, Option<String>) {
    assert_eq!(entries.len(), 1, "{entries:?}");
    entries.into_iter().next().unwrap()
}

#[test]
fn each_change_is_logged_once_with_who_made_it() {
    let (_dir, mut store) = store();
    // No one chosen yet.
    let sam = practitioner(&mut store, "Sam Okafor");
    let first = log(&store);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].practitioner_id, None);
    assert_eq!(first[0].practitioner_name, None);
    assert_eq!(first[0].record_table, "practitioner");
    assert_eq!(first[0].record_id, sam.id);
    assert_eq!(first[0].action, AuditAction::Created);
    assert_eq!(first[0].what, "therapist's profile");

    store.set_actor(Some(sam.id.clone()));
    let mut venue_id = String::new();
    let entry = one(logged_by(&mut store, |s| {
        venue_id = s
            .create_venue(&VenueInput {
                name: "Church hall".into(),
                ..Default::default()
            })
            .unwrap()
            .id;
    }));
    assert_eq!(
        entry,
        (
            "venue".into(),
            venue_id.clone(),
            AuditAction::Created,
            Some(sam.id.clone())
        )
    );
    let entry = one(logged_by(&mut store, |s| {
        s.update_venue(
            &venue_id,
            &VenueInput {
                name: "Church hall".into(),
                address: "High Street".into(),
                ..Default::default()
            },
        )
        .unwrap();
    }));
    assert_eq!(entry.2, AuditAction::Changed);
    let entry = one(logged_by(&mut store, |s| {
        s.archive_venue(&venue_id).unwrap()
    }));
    assert_eq!(entry.2, AuditAction::Archived);
    // Bringing it back is a change.
    let entry = one(logged_by(&mut store, |s| {
        s.restore_venue(&venue_id).unwrap()
    }));
    assert_eq!(entry.2, AuditAction::Changed);

    // Someone else takes over the laptop.
    let priya = practitioner(&mut store, "Priya Shah");
    store.set_actor(Some(priya.id.clone()));
    let mut margaret = None;
    let entry = one(logged_by(&mut store, |s| {
        margaret = Some(person(s, "Margaret Ellis"))
    }));
    let margaret = margaret.unwrap();
    assert_eq!(
        entry,
        (
            "attendee".into(),
            margaret.id.clone(),
            AuditAction::Created,
            Some(priya.id.clone())
        )
    );
    let (_group, session) = group_with_session(&mut store, &margaret);

    // A register mark changed (and the session, held once anyone came, is
    // brought up to date).
    let entries = logged_by(&mut store, |s| {
        s.set_mark(&session.id, &margaret.id, Some(Mark::Late))
            .unwrap();
    });
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0].0, "attendance");
    assert_eq!(entries[0].2, AuditAction::Changed);
    assert_eq!(entries[1].0, "session");
    assert_eq!(entries[1].1, session.id);
    assert!(entries
        .iter()
        .all(|e| e.3.as_deref() == Some(priya.id.as_str())));

    // A note: drafted, signed, amended.
    let mut note_id = String::new();
    let entry = one(logged_by(&mut store, |s| {
        note_id = s
            .save_note_draft(
                &session.id,
                Some(&margaret.id),
                "Sang along to Jerusalem.",
                Some(&priya.id),
            )
            .unwrap()
            .id;
    }));
    assert_eq!(
        entry,
        (
            "note".into(),
            note_id.clone(),
            AuditAction::Created,
            Some(priya.id.clone())
        )
    );
    // Saved again and again as Priya types: logged once, not once per save.
    let entries = logged_by(&mut store, |s| {
        for text in [
            "Sang along to Jerusalem. T",
            "Sang along to Jerusalem. Tea.",
        ] {
            s.save_note_draft(&session.id, Some(&margaret.id), text, Some(&priya.id))
                .unwrap();
        }
    });
    assert!(
        entries.is_empty(),
        "autosaves within minutes of the last entry: {entries:?}"
    );
    // Someone else changing the draft is logged.
    store.set_actor(Some(sam.id.clone()));
    let entry = one(logged_by(&mut store, |s| {
        s.save_note_draft(
            &session.id,
            Some(&margaret.id),
            "Sang along. Tea after.",
            None,
        )
        .unwrap();
    }));
    assert_eq!(entry.2, AuditAction::Changed);
    assert_eq!(entry.3.as_deref(), Some(sam.id.as_str()));
    let entry = one(logged_by(&mut store, |s| {
        s.sign_note(&note_id, &sam.id).unwrap();
    }));
    assert_eq!(
        entry,
        (
            "note".into(),
            note_id.clone(),
            AuditAction::Signed,
            Some(sam.id.clone())
        )
    );
    let entry = one(logged_by(&mut store, |s| {
        s.amend_note(&note_id, &sam.id, "Also hummed.", "Left out")
            .unwrap();
    }));
    assert_eq!(
        entry,
        (
            "note".into(),
            note_id.clone(),
            AuditAction::Amended,
            Some(sam.id.clone())
        )
    );

    // No one chosen again.
    store.set_actor(None);
    let entry = one(logged_by(&mut store, |s| {
        s.archive_attendee(&margaret.id).unwrap()
    }));
    assert_eq!(
        entry,
        (
            "attendee".into(),
            margaret.id.clone(),
            AuditAction::Archived,
            None
        )
    );

    // One record's history, newest first, with names joined in.
    let history = store
        .audit_log(&AuditFilter {
            record_id: Some(note_id.clone()),
            practitioner_id: None,
            limit: 50,
        })
        .unwrap();
    let actions: Vec<_> = history.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::Amended,
            AuditAction::Signed,
            AuditAction::Changed,
            AuditAction::Created
        ]
    );
    assert_eq!(history[0].practitioner_name.as_deref(), Some("Sam Okafor"));
    assert_eq!(history[3].practitioner_name.as_deref(), Some("Priya Shah"));
    assert!(history.iter().all(|e| e.what == "clinical note"));

    // One practitioner's changes; and the limit.
    let sams = store
        .audit_log(&AuditFilter {
            record_id: None,
            practitioner_id: Some(sam.id.clone()),
            limit: 1000,
        })
        .unwrap();
    assert!(!sams.is_empty());
    assert!(sams
        .iter()
        .all(|e| e.practitioner_id.as_deref() == Some(sam.id.as_str())));
    assert_eq!(sams[0].action, AuditAction::Amended);
    let latest = store
        .audit_log(&AuditFilter {
            limit: 2,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(latest.len(), 2);
    assert_eq!(latest[0].action, AuditAction::Archived);
    let err = store
        .audit_log(&AuditFilter {
            limit: 0,
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("limit"));
}

#[test]
fn a_refused_change_logs_nothing() {
    let (dir, mut store) = store();
    let margaret = person(&mut store, "Margaret Ellis");
    let (_group, session) = group_with_session(&mut store, &margaret);
    let before = count(&store);

    // Refused by the core's rules before anything is written.
    let err = store
        .sign_note("no-such-note", "no-such-practitioner")
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(count(&store), before);

    // Refused half way: the walk-in's person and mark were written (and
    // logged) before joining the group failed, and all of it is rolled back.
    raw(&dir)
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
    assert_eq!(count(&store), before);
}

#[test]
fn the_log_holds_no_names_or_words() {
    let (dir, mut store) = store();
    let sam = practitioner(&mut store, "Sam Okafor");
    store.set_actor(Some(sam.id.clone()));
    let margaret = store
        .create_attendee(&AttendeeInput {
            full_name: "Margaret Ellis".into(),
            preferred_name: "Peggy".into(),
            ..Default::default()
        })
        .unwrap();
    let (_group, session) = group_with_session(&mut store, &margaret);
    let note = store
        .save_note_draft(
            &session.id,
            Some(&margaret.id),
            "Tearful during Danny Boy.",
            Some(&sam.id),
        )
        .unwrap();
    store.sign_note(&note.id, &sam.id).unwrap();
    store
        .amend_note(&note.id, &sam.id, "Settled afterwards.", "Omitted")
        .unwrap();

    let conn = raw(&dir);
    let mut stmt = conn
        .prepare(
            "SELECT at || '|' || ifnull(practitioner_id, '') || '|' || record_table || '|'
                    || record_id || '|' || action FROM audit_log",
        )
        .unwrap();
    let text: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(text.len() >= 8, "{text:?}");
    let all = text.join("\n").to_lowercase();
    for secret in [
        "margaret", "ellis", "peggy", "sam", "okafor", "tearful", "danny", "settled", "omitted",
        "thursday",
    ] {
        assert!(!all.contains(secret), "{secret} in the audit log:\n{all}");
    }
}

#[test]
fn a_v4_store_gains_the_log_and_keeps_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    {
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        refrain_core::store::schema::migrations()
            .to_version(&mut conn, 4)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO practitioner (id, name, hcpc_number, created_at, updated_at)
                 VALUES ('p', 'Sam Okafor', 'AS12345', 't', 't');
             INSERT INTO practice_group (id, name, created_at, updated_at)
                 VALUES ('g', 'Tuesday Sing-along', 't', 't');
             INSERT INTO attendee (id, full_name, created_at, updated_at)
                 VALUES ('a1', 'Margaret Ellis', 't', 't');",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(SCHEMA_VERSION, 16);
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.practitioner("p").unwrap().name, "Sam Okafor");
    assert_eq!(store.attendee("a1").unwrap().full_name, "Margaret Ellis");
    assert_eq!(store.list_groups(false).unwrap().len(), 1);
    // Nothing was logged by the update itself; changes from now on are.
    assert!(log(&store).is_empty());
    store.set_actor(Some("p".into()));
    store.archive_attendee("a1").unwrap();
    let entries = log(&store);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].practitioner_name.as_deref(), Some("Sam Okafor"));
    assert_eq!(entries[0].action, AuditAction::Archived);
    assert_eq!(entries[0].what, "person");
    assert!(store.check().unwrap().integrity_ok);
}

#[test]
fn one_persons_audit_trail_covers_their_records_and_no_one_elses() {
    let (_dir, mut store) = store();
    refrain_core::demo::seed(&mut store, refrain_core::store::today()).unwrap();
    let people = store.search_attendees("", false).unwrap();
    let margaret = people
        .iter()
        .find(|p| p.full_name == "Margaret Ellis")
        .unwrap();
    let arthur = people
        .iter()
        .find(|p| p.full_name == "Arthur Bennett")
        .unwrap();
    let trail = store.person_audit(&margaret.id).unwrap();
    let tables: std::collections::BTreeSet<&str> =
        trail.iter().map(|e| e.record_table.as_str()).collect();
    for t in [
        "attendee",
        "referral",
        "referral_status_change",
        "membership",
        "attendance",
    ] {
        assert!(tables.contains(t), "{t} missing from {tables:?}");
    }
    assert!(trail.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
    // Nothing of Arthur's: his record and his marks are someone else's.
    let his = store.person_audit(&arthur.id).unwrap();
    let mine: std::collections::BTreeSet<&str> =
        trail.iter().map(|e| e.record_id.as_str()).collect();
    assert!(his.iter().all(|e| !mine.contains(e.record_id.as_str())));
    assert!(trail.iter().all(|e| e.record_id != arthur.id));
    // An unknown person is refused, not answered with an empty trail.
    assert_eq!(
        store.person_audit("no-such-person").unwrap_err().code(),
        "not_found"
    );
}
