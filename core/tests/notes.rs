//! Practitioners and clinical notes through the core's public API, on real
//! SQLite files in temporary folders: drafts, signing, amendments, what the
//! database itself refuses, search, and notes carried over from schema v3.

use refrain_core::model::*;
use refrain_core::store::{DB_FILE, SCHEMA_VERSION};
use refrain_core::{CoreError, Store};
use rusqlite::Connection;
use tempfile::TempDir;

use crate::support::{session_on, store};

fn raw(dir: &TempDir) -> Connection {
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    // The audit log's triggers call Refrain's SQL functions.
    refrain_core::store::register_sql_functions(&conn).unwrap();
    conn
}

fn count(dir: &TempDir, table: &str) -> i64 {
    raw(dir)
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn person(store: &mut Store, name: &str, preferred: &str) -> Attendee {
    store
        .create_attendee(&AttendeeInput {
            full_name: name.into(),
            preferred_name: preferred.into(),
            ..Default::default()
        })
        .unwrap()
}

fn practitioner(store: &mut Store, name: &str, hcpc: &str) -> Practitioner {
    store
        .create_practitioner(&PractitionerInput {
            name: name.into(),
            hcpc_number: hcpc.into(),
        })
        .unwrap()
}

/// A group of three members and one session on 2025-03-06 where Margaret
/// (known as Peggy) and Arthur came and Doreen sent apologies.
fn group_with_session(store: &mut Store) -> (Group, Vec<Attendee>, Session) {
    let group = store
        .create_group(&GroupInput {
            name: "Thursday Singing".into(),
            weekday: Some(Weekday::Thursday),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap();
    let people = vec![
        person(store, "Margaret Ellis", "Peggy"),
        person(store, "arthur Bennett", ""),
        person(store, "Doreen Walsh", ""),
    ];
    for p in &people {
        store.add_member(&group.id, &p.id, "2025-01-01").unwrap();
    }
    let session = session_on(store, &group, "2025-03-06");
    store
        .set_mark(&session.id, &people[0].id, Some(Mark::Present))
        .unwrap();
    store
        .set_mark(&session.id, &people[1].id, Some(Mark::Late))
        .unwrap();
    store
        .set_mark(&session.id, &people[2].id, Some(Mark::Apologies))
        .unwrap();
    (group, people, session)
}

fn field_of(err: &CoreError) -> &'static str {
    match err {
        CoreError::Invalid { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn hcpc_numbers_are_normalised_and_bad_ones_refused() {
    let (dir, mut store) = store();
    let p = practitioner(&mut store, "  Alex Morgan ", " as 123 45 ");
    assert_eq!(p.name, "Alex Morgan");
    assert_eq!(p.hcpc_number, "AS12345");
    let student = practitioner(&mut store, "Sam Student", "   ");
    assert_eq!(student.hcpc_number, "");
    assert_eq!(
        practitioner(&mut store, "Pat Physio", "ph123456").hcpc_number,
        "PH123456"
    );

    for bad in [
        "12345", "A12345", "ASX12345", "AS", "AS12", "AS12345X", "AS-12345", "AS 12a45",
    ] {
        let err = store
            .create_practitioner(&PractitionerInput {
                name: "Someone".into(),
                hcpc_number: bad.into(),
            })
            .unwrap_err();
        assert_eq!(err.code(), "invalid", "{bad}");
        assert_eq!(field_of(&err), "hcpcNumber", "{bad}");
        assert!(err.to_string().contains("AS12345"), "{bad}: {err}");
    }
    let err = store
        .create_practitioner(&PractitionerInput {
            name: "  ".into(),
            hcpc_number: "AS12345".into(),
        })
        .unwrap_err();
    assert_eq!(field_of(&err), "name");
    assert_eq!(count(&dir, "practitioner"), 3, "refusals write nothing");

    let err = store
        .update_practitioner(
            &p.id,
            &PractitionerInput {
                name: "Alex Morgan".into(),
                hcpc_number: "nope".into(),
            },
        )
        .unwrap_err();
    assert_eq!(field_of(&err), "hcpcNumber");
    assert_eq!(store.practitioner(&p.id).unwrap().hcpc_number, "AS12345");

    let updated = store
        .update_practitioner(
            &student.id,
            &PractitionerInput {
                name: "Sam Student".into(),
                hcpc_number: "as 54321".into(),
            },
        )
        .unwrap();
    assert_eq!(updated.hcpc_number, "AS54321");

    store.archive_practitioner(&student.id).unwrap();
    let names: Vec<String> = store
        .list_practitioners()
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Alex Morgan", "Pat Physio"]);
    assert_eq!(
        store
            .update_practitioner(&student.id, &PractitionerInput::default())
            .unwrap_err()
            .code(),
        "invalid"
    );
    assert_eq!(
        store
            .update_practitioner(
                &student.id,
                &PractitionerInput {
                    name: "Sam".into(),
                    hcpc_number: String::new()
                }
            )
            .unwrap_err()
            .code(),
        "conflict"
    );
    assert_eq!(
        store.archive_practitioner("nobody").unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn saving_a_draft_twice_keeps_one_note_with_the_new_text() {
    let (dir, mut store) = store();
    let (_g, people, session) = group_with_session(&mut store);
    let alex = practitioner(&mut store, "Alex Morgan", "AS12345");

    let first = store
        .save_note_draft(&session.id, Some(&people[0].id), "Hummed", Some(&alex.id))
        .unwrap();
    assert_eq!(first.attendee_name.as_deref(), Some("Peggy"));
    assert!(first.signed.is_none());
    std::thread::sleep(std::time::Duration::from_millis(5));
    let second = store
        .save_note_draft(
            &session.id,
            Some(&people[0].id),
            "Sang every verse of Daisy Bell.",
            Some(&alex.id),
        )
        .unwrap();
    assert_eq!(second.id, first.id);
    assert_eq!(second.created_at, first.created_at);
    assert!(second.updated_at > first.updated_at);
    assert_eq!(second.body, "Sang every verse of Daisy Bell.");

    // The group note is one per session too, and may be cleared.
    store
        .save_note_draft(&session.id, None, "Good energy.", None)
        .unwrap();
    let cleared = store.save_note_draft(&session.id, None, "", None).unwrap();
    assert_eq!(cleared.body, "");
    assert_eq!(
        store
            .session_notes(&session.id)
            .unwrap()
            .group_note
            .unwrap()
            .body,
        ""
    );

    store
        .save_note_draft(&session.id, Some(&people[1].id), "Arrived late.", None)
        .unwrap();
    assert_eq!(count(&dir, "note"), 3);
    let notes = store.session_notes(&session.id).unwrap();
    assert_eq!(notes.group_note.as_ref().unwrap().body, "");
    let bodies: Vec<(&str, &str)> = notes
        .person_notes
        .iter()
        .map(|n| (n.attendee_name.as_deref().unwrap(), n.body.as_str()))
        .collect();
    // The register's order: by full name, whatever the case.
    assert_eq!(
        bodies,
        [
            ("arthur Bennett", "Arrived late."),
            ("Peggy", "Sang every verse of Daisy Bell.")
        ]
    );
    // The search index follows the draft: the old text is no longer found.
    assert!(store
        .search_notes("hummed", Some(&alex.id))
        .unwrap()
        .is_empty());
    assert_eq!(
        store.search_notes("Daisy", Some(&alex.id)).unwrap().len(),
        1
    );

    // Too long is refused beside the field, and nothing changes.
    let err = store
        .save_note_draft(&session.id, None, &"x".repeat(100_001), None)
        .unwrap_err();
    assert_eq!(field_of(&err), "body");
    assert_eq!(
        store
            .session_notes(&session.id)
            .unwrap()
            .group_note
            .unwrap()
            .body,
        ""
    );
}

#[test]
fn a_note_about_someone_not_present_is_refused_and_nothing_is_written() {
    let (dir, mut store) = store();
    let (group, people, session) = group_with_session(&mut store);
    let err = store
        .save_note_draft(&session.id, Some(&people[2].id), "Was she there?", None)
        .unwrap_err();
    assert_eq!(field_of(&err), "attendeeId");
    assert_eq!(
        err.to_string(),
        "Doreen Walsh is not marked as present in this session, so a note about them can't be \
         added."
    );
    // Someone never marked at all.
    let other = person(&mut store, "Sam Walker", "");
    assert_eq!(
        field_of(
            &store
                .save_note_draft(&session.id, Some(&other.id), "x", None)
                .unwrap_err()
        ),
        "attendeeId"
    );
    assert_eq!(
        store
            .save_note_draft("no-such-session", None, "x", None)
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        store
            .save_note_draft(&session.id, Some("nobody"), "x", None)
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        store
            .save_note_draft(&session.id, None, "x", Some("nobody"))
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(count(&dir, "note"), 0);
    assert_eq!(count(&dir, "note_text"), 0);

    // An archived group's notes can't be changed.
    store
        .save_note_draft(&session.id, None, "Before archiving.", None)
        .unwrap();
    store.archive_group(&group.id).unwrap();
    let err = store
        .save_note_draft(&session.id, None, "After archiving.", None)
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("archived"), "{err}");
    assert_eq!(
        store
            .session_notes(&session.id)
            .unwrap()
            .group_note
            .unwrap()
            .body,
        "Before archiving."
    );
}

#[test]
fn signing_keeps_the_name_and_number_signed_with() {
    let (_dir, mut store) = store();
    let (_g, people, session) = group_with_session(&mut store);
    let alex = practitioner(&mut store, "Alex Morgan", "AS12345");
    let draft = store
        .save_note_draft(
            &session.id,
            Some(&people[1].id),
            "Joined in the round.",
            None,
        )
        .unwrap();
    let signed = store.sign_note(&draft.id, &alex.id).unwrap();
    let sig = signed.signed.clone().expect("signed");
    assert_eq!(sig.practitioner_id, alex.id);
    assert_eq!(sig.name, "Alex Morgan");
    assert_eq!(sig.hcpc_number, "AS12345");
    assert!(sig.at.ends_with('Z') && sig.at.len() >= 20, "{}", sig.at);
    assert_eq!(signed.body, "Joined in the round.");

    store
        .update_practitioner(
            &alex.id,
            &PractitionerInput {
                name: "Alex Morgan-Hughes".into(),
                hcpc_number: "AS99999".into(),
            },
        )
        .unwrap();
    let notes = store.session_notes(&session.id).unwrap();
    assert_eq!(notes.person_notes[0].signed.as_ref(), Some(&sig));
    store.archive_practitioner(&alex.id).unwrap();
    assert_eq!(store.note(&draft.id).unwrap().signed, Some(sig));

    // Signing twice is refused.
    let bea = practitioner(&mut store, "Bea Lund", "AS22222");
    let err = store.sign_note(&draft.id, &bea.id).unwrap_err();
    assert_eq!(err.code(), "note_signed");
}

#[test]
fn signing_needs_words_and_a_registered_active_practitioner() {
    let (_dir, mut store) = store();
    let (_g, _people, session) = group_with_session(&mut store);
    let alex = practitioner(&mut store, "Alex Morgan", "AS12345");
    let student = practitioner(&mut store, "Sam Student", "");
    let blank = store
        .save_note_draft(&session.id, None, "  \n\t ", None)
        .unwrap();
    let err = store.sign_note(&blank.id, &alex.id).unwrap_err();
    assert_eq!(field_of(&err), "body");
    assert_eq!(err.to_string(), "There is nothing to sign yet.");

    let draft = store
        .save_note_draft(&session.id, None, "A calm session.", None)
        .unwrap();
    let err = store.sign_note(&draft.id, &student.id).unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(
        err.to_string(),
        "Add your HCPC registration number to your profile before signing."
    );
    assert_eq!(
        store.sign_note(&draft.id, "nobody").unwrap_err().code(),
        "not_found"
    );
    assert_eq!(
        store.sign_note("no-note", &alex.id).unwrap_err().code(),
        "not_found"
    );
    let gone = practitioner(&mut store, "Gone Away", "AS33333");
    store.archive_practitioner(&gone.id).unwrap();
    assert_eq!(
        store.sign_note(&draft.id, &gone.id).unwrap_err().code(),
        "conflict"
    );
    assert!(store.note(&draft.id).unwrap().signed.is_none());
    // Still a draft, so still editable.
    store
        .save_note_draft(&session.id, None, "A calm session, lots of humming.", None)
        .unwrap();
    assert!(store
        .sign_note(&draft.id, &alex.id)
        .unwrap()
        .signed
        .is_some());
}

#[test]
fn a_signed_note_is_final_in_the_store_and_in_the_database_itself() {
    let (dir, mut store) = store();
    let (_g, people, session) = group_with_session(&mut store);
    let alex = practitioner(&mut store, "Alex Morgan", "AS12345");
    let group_note = store
        .save_note_draft(&session.id, None, "Original group note.", Some(&alex.id))
        .unwrap();
    store.sign_note(&group_note.id, &alex.id).unwrap();
    let person_note = store
        .save_note_draft(&session.id, Some(&people[0].id), "Original.", None)
        .unwrap();
    store.sign_note(&person_note.id, &alex.id).unwrap();

    let err = store
        .save_note_draft(&session.id, Some(&people[0].id), "Changed.", None)
        .unwrap_err();
    assert_eq!(err.code(), "note_signed");
    assert_eq!(
        err.to_string(),
        "This note is signed, so it can't be changed. Add an amendment instead."
    );
    // The group note goes the same way.
    let err = store
        .save_note_draft(&session.id, None, "Changed group note.", None)
        .unwrap_err();
    assert_eq!(err.code(), "note_signed");
    assert_eq!(
        store
            .session_notes(&session.id)
            .unwrap()
            .group_note
            .unwrap()
            .body,
        "Original group note."
    );

    store
        .amend_note(&person_note.id, &alex.id, "Also hummed.", "Left out")
        .unwrap();

    // Straight to the database, past the store's rules.
    let conn = raw(&dir);
    let refused = |sql: &str| {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(
            err.to_string().contains("refrain: signed note is final"),
            "{sql}: {err}"
        );
    };
    refused("UPDATE note SET body = 'Tampered.'");
    refused("UPDATE note SET signed_at = NULL, signed_by = NULL");
    refused("DELETE FROM note");
    refused("UPDATE note_amendment SET body = 'Tampered.'");
    refused("UPDATE note_amendment SET reason = 'Tampered.'");
    refused("DELETE FROM note_amendment");
    // An amendment can't be slipped onto a draft either.
    let draft = store
        .save_note_draft(&session.id, Some(&people[1].id), "Draft.", None)
        .unwrap();
    let err = conn
        .execute(
            "INSERT INTO note_amendment (id, note_id, body, reason, author_id, author_name,
                                         author_hcpc, created_at, updated_at)
             VALUES ('x', ?1, 'b', 'r', ?2, 'n', 'h', 't', 't')",
            [&draft.id, &alex.id],
        )
        .unwrap_err();
    assert!(err.to_string().contains("only a signed note"), "{err}");
    drop(conn);

    let notes = store.session_notes(&session.id).unwrap();
    assert_eq!(notes.group_note.unwrap().body, "Original group note.");
    let peggy = &notes.person_notes[1];
    assert_eq!(peggy.attendee_name.as_deref(), Some("Peggy"));
    assert_eq!(peggy.body, "Original.");
    assert_eq!(peggy.amendments.len(), 1);
    assert_eq!(peggy.amendments[0].body, "Also hummed.");
    assert_eq!(count(&dir, "note"), 3);
}

#[test]
fn amendments_are_kept_oldest_first_beside_the_unchanged_note() {
    let (_dir, mut store) = store();
    let (_g, people, session) = group_with_session(&mut store);
    let alex = practitioner(&mut store, "Alex Morgan", "AS12345");
    let bea = practitioner(&mut store, "Bea Lund", "AS22222");
    let note = store
        .save_note_draft(&session.id, Some(&people[0].id), "Sang two songs.", None)
        .unwrap();
    store.sign_note(&note.id, &alex.id).unwrap();
    for (i, who) in [&alex, &bea, &alex].iter().enumerate() {
        let n = store
            .amend_note(
                &note.id,
                &who.id,
                &format!("Amendment {}", i + 1),
                &format!("  Reason {}  ", i + 1),
            )
            .unwrap();
        assert_eq!(n.amendments.len(), i + 1);
    }
    let got = store.note(&note.id).unwrap();
    assert_eq!(got.body, "Sang two songs.");
    let list: Vec<(&str, &str, &str)> = got
        .amendments
        .iter()
        .map(|a| (a.body.as_str(), a.reason.as_str(), a.author.name.as_str()))
        .collect();
    assert_eq!(
        list,
        [
            ("Amendment 1", "Reason 1", "Alex Morgan"),
            ("Amendment 2", "Reason 2", "Bea Lund"),
            ("Amendment 3", "Reason 3", "Alex Morgan")
        ]
    );
    assert!(got.amendments.iter().all(|a| a.note_id == note.id));
    assert_eq!(got.amendments[1].author.hcpc_number, "AS22222");
    // The same through the session's and the person's notes.
    assert_eq!(
        store.session_notes(&session.id).unwrap().person_notes[0].amendments,
        got.amendments
    );
    assert_eq!(store.person_notes(&people[0].id).unwrap()[0], got);

    // Body and reason are both needed; a practitioner without a number can't amend.
    let err = store
        .amend_note(&note.id, &alex.id, " ", "Reason")
        .unwrap_err();
    assert_eq!(field_of(&err), "body");
    let err = store
        .amend_note(&note.id, &alex.id, "Text", "\n")
        .unwrap_err();
    assert_eq!(field_of(&err), "reason");
    let student = practitioner(&mut store, "Sam Student", "");
    let err = store
        .amend_note(&note.id, &student.id, "Text", "Reason")
        .unwrap_err();
    assert!(
        err.to_string().contains("HCPC registration number"),
        "{err}"
    );
    assert_eq!(store.note(&note.id).unwrap().amendments.len(), 3);
}

#[test]
fn a_draft_is_edited_not_amended() {
    let (dir, mut store) = store();
    let (_g, _people, session) = group_with_session(&mut store);
    let alex = practitioner(&mut store, "Alex Morgan", "AS12345");
    let draft = store
        .save_note_draft(&session.id, None, "Draft text.", None)
        .unwrap();
    let err = store
        .amend_note(&draft.id, &alex.id, "More.", "Forgot")
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("still a draft"), "{err}");
    assert_eq!(count(&dir, "note_amendment"), 0);
    assert_eq!(
        store
            .amend_note("no-note", &alex.id, "More.", "Forgot")
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[test]
fn a_draft_is_there_after_the_app_closes_and_opens_again() {
    let (dir, mut store) = store();
    let (_g, people, session) = group_with_session(&mut store);
    let alex = practitioner(&mut store, "Alex Morgan", "AS12345");
    let first = store
        .save_note_draft(
            &session.id,
            Some(&people[1].id),
            "Arthur chose the first song and",
            Some(&alex.id),
        )
        .unwrap();
    drop(store);

    let mut store = Store::open_in_dir(dir.path()).unwrap();
    let notes = store.session_notes(&session.id).unwrap();
    assert_eq!(notes.person_notes.len(), 1);
    assert_eq!(notes.person_notes[0], first);
    // Typing carries on into the same note.
    let more = store
        .save_note_draft(
            &session.id,
            Some(&people[1].id),
            "Arthur chose the first song and led it.",
            Some(&alex.id),
        )
        .unwrap();
    assert_eq!(more.id, first.id);
    assert_eq!(count(&dir, "note"), 1);
    assert_eq!(
        store.search_notes("led", Some(&alex.id)).unwrap()[0].note_id,
        first.id
    );
}

#[test]
fn a_persons_notes_come_newest_session_first() {
    let (_dir, mut store) = store();
    let (group, people, first) = group_with_session(&mut store);
    let later = session_on(&mut store, &group, "2025-03-13");
    store
        .set_mark(&later.id, &people[0].id, Some(Mark::LeftEarly))
        .unwrap();
    store
        .save_note_draft(&first.id, Some(&people[0].id), "First week.", None)
        .unwrap();
    store
        .save_note_draft(&later.id, Some(&people[0].id), "Second week.", None)
        .unwrap();
    store
        .save_note_draft(&later.id, None, "Group note, not Peggy's.", None)
        .unwrap();
    let bodies: Vec<String> = store
        .person_notes(&people[0].id)
        .unwrap()
        .into_iter()
        .map(|n| n.body)
        .collect();
    assert_eq!(bodies, ["Second week.", "First week."]);
    assert!(store.person_notes(&people[2].id).unwrap().is_empty());
    assert_eq!(
        store.person_notes("nobody").unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn search_finds_words_in_notes_and_amendments_the_user_may_see() {
    let (_dir, mut store) = store();
    let (group, people, first) = group_with_session(&mut store);
    let later = session_on(&mut store, &group, "2025-03-13");
    store
        .set_mark(&later.id, &people[0].id, Some(Mark::Present))
        .unwrap();
    let alex = practitioner(&mut store, "Alex Morgan", "AS12345");
    let bea = practitioner(&mut store, "Bea Lund", "AS22222");

    let signed = store
        .save_note_draft(&first.id, None, "We sang Daisy Bell twice.", Some(&bea.id))
        .unwrap();
    store.sign_note(&signed.id, &bea.id).unwrap();
    store
        .amend_note(&signed.id, &bea.id, "Tea at the Café afterwards.", "Missed")
        .unwrap();
    store
        .save_note_draft(&later.id, None, "DAISY again, with shakers.", None)
        .unwrap();
    store
        .save_note_draft(
            &later.id,
            Some(&people[0].id),
            "Peggy played the tambourine.",
            Some(&alex.id),
        )
        .unwrap();
    store
        .save_note_draft(
            &first.id,
            Some(&people[1].id),
            "Arthur tried the harmonica.",
            Some(&bea.id),
        )
        .unwrap();

    // Case and accents don't matter; newest session first; snippets mark the words.
    let hits = store.search_notes("daisy", Some(&alex.id)).unwrap();
    let found: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| (h.session_date.as_str(), h.snippet.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("2025-03-13", "\u{2}DAISY\u{3} again, with shakers."),
            ("2025-03-06", "We sang \u{2}Daisy\u{3} Bell twice.")
        ]
    );
    assert_eq!(hits[1].group_name, "Thursday Singing");
    assert!(hits[1].signed && !hits[0].signed);
    let cafe = store.search_notes("CAFE", None).unwrap();
    assert_eq!(cafe.len(), 1);
    assert!(cafe[0].in_amendment);
    assert_eq!(cafe[0].note_id, signed.id);
    assert!(
        cafe[0].snippet.contains("\u{2}Café\u{3}"),
        "{}",
        cafe[0].snippet
    );
    assert_eq!(store.search_notes("café tea", None).unwrap().len(), 1);
    assert_eq!(store.search_notes("café daisy", None).unwrap().len(), 0);

    // The last word may be unfinished; drafts are only found by whoever started them.
    let mine = store.search_notes("tambou", Some(&alex.id)).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].attendee_name.as_deref(), Some("Peggy"));
    assert_eq!(mine[0].attendee_id.as_deref(), Some(people[0].id.as_str()));
    assert!(store
        .search_notes("tambou", Some(&bea.id))
        .unwrap()
        .is_empty());
    assert!(store.search_notes("tambou", None).unwrap().is_empty());
    assert!(store
        .search_notes("tambou ", Some(&alex.id))
        .unwrap()
        .is_empty());
    assert!(store
        .search_notes("harmonica", Some(&alex.id))
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .search_notes("harmonica", Some(&bea.id))
            .unwrap()
            .len(),
        1
    );
    // Signed notes are found by everyone.
    assert_eq!(
        store.search_notes("twice", Some(&alex.id)).unwrap().len(),
        1
    );

    // Archived people and archived groups drop out.
    store.archive_attendee(&people[0].id).unwrap();
    assert!(store
        .search_notes("tambourine", Some(&alex.id))
        .unwrap()
        .is_empty());
    assert_eq!(store.search_notes("shakers", None).unwrap().len(), 1);
    store.archive_group(&group.id).unwrap();
    assert!(store
        .search_notes("daisy", Some(&bea.id))
        .unwrap()
        .is_empty());
}

#[test]
fn search_takes_any_text_without_error() {
    let (_dir, mut store) = store();
    let (_g, _people, session) = group_with_session(&mut store);
    store
        .save_note_draft(
            &session.id,
            None,
            "Near the end, Doreen and Arthur sang \"Moon River\" (a request) * 2.",
            None,
        )
        .unwrap();
    let long = "river ".repeat(20_000);
    let huge_word = "r".repeat(100_000);
    for q in [
        "",
        "   ",
        "\"",
        "\"\"",
        "*",
        "**",
        "AND (",
        "AND",
        "OR",
        "NOT",
        "NEAR(",
        "NEAR(a b, 2)",
        "moon OR",
        "(river",
        "river)",
        "body:river",
        "-river",
        "^river",
        "{river}",
        "'",
        "\\",
        "river\"",
        "\u{0301}",
        "🎵",
        "moon river\u{0}",
        &long,
        &huge_word,
    ] {
        let got = store.search_notes(q, None);
        assert!(got.is_ok(), "{q:.40}: {got:?}");
    }
    assert!(store.search_notes("", None).unwrap().is_empty());
    // Operators typed as words are looked for as words.
    assert_eq!(store.search_notes("near AND", None).unwrap().len(), 1);
    assert_eq!(store.search_notes("\"moon river\"", None).unwrap().len(), 1);
    assert_eq!(store.search_notes("(a request)", None).unwrap().len(), 1);
    assert_eq!(store.search_notes("river NOT", None).unwrap().len(), 0);
    assert_eq!(store.search_notes(&long, None).unwrap().len(), 1);
}

#[test]
fn a_group_note_from_schema_v3_becomes_the_group_draft_and_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    {
        let mut conn = Connection::open(&path).unwrap();
        refrain_core::store::schema::migrations()
            .to_version(&mut conn, 3)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO practice_group (id, name, created_at, updated_at)
                 VALUES ('g', 'Tuesday Sing-along', 't', 't');
             INSERT INTO attendee (id, full_name, created_at, updated_at)
                 VALUES ('a1', 'Margaret Ellis', 't', 't');
             INSERT INTO membership (id, group_id, attendee_id, joined_on, created_at, updated_at)
                 VALUES ('m1', 'g', 'a1', '2025-01-01', 't', 't');
             INSERT INTO session (id, group_id, date, start_time, end_time, status, created_at, updated_at)
                 VALUES ('s', 'g', '2025-03-04', '10:30', '12:00', 'held', 't', 't');
             INSERT INTO attendance (id, session_id, attendee_id, mark, walk_in, created_at, updated_at)
                 VALUES ('x1', 's', 'a1', 'present', 0, 't', 't');
             INSERT INTO session_note (id, session_id, body, created_at, updated_at)
                 VALUES ('n', 's', 'Everyone joined in with Jerusalem.', '2025-03-04T12:00:00.000Z',
                         '2025-03-04T12:05:00.000Z');",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let notes = store.session_notes("s").unwrap();
    let group_note = notes.group_note.expect("the v3 note");
    assert_eq!(group_note.id, "n");
    assert_eq!(group_note.body, "Everyone joined in with Jerusalem.");
    assert_eq!(group_note.created_at, "2025-03-04T12:00:00.000Z");
    assert!(group_note.signed.is_none());
    assert!(notes.person_notes.is_empty());
    let hits = store.search_notes("jerusalem", None).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].note_id, "n");
    assert_eq!(hits[0].group_name, "Tuesday Sing-along");

    // It carries on as a draft and can be signed.
    store
        .save_note_draft(
            "s",
            None,
            "Everyone joined in with Jerusalem. Tea after.",
            None,
        )
        .unwrap();
    let alex = practitioner(&mut store, "Alex Morgan", "AS12345");
    let signed = store.sign_note("n", &alex.id).unwrap();
    assert_eq!(signed.body, "Everyone joined in with Jerusalem. Tea after.");
    assert_eq!(store.search_notes("tea", None).unwrap().len(), 1);
    assert!(store.check().unwrap().integrity_ok);
}

/// A search first looks through the most recently written matches; when
/// those hold too few notes the searcher may see (here: another therapist's
/// drafts), it looks through every match, so older notes are still found.
#[test]
fn search_finds_older_notes_behind_many_newer_hidden_ones() {
    let (_dir, mut store) = store();
    let (group, _people, first) = group_with_session(&mut store);
    let alex = practitioner(&mut store, "Alex Morgan", "AS12345");
    let bea = practitioner(&mut store, "Bea Khan", "AS54321");
    // Alex's signed group note, written first.
    let old = store
        .save_note_draft(&first.id, None, "The kazoo band played.", Some(&alex.id))
        .unwrap();
    store.sign_note(&old.id, &alex.id).unwrap();

    // Then more than a search's first window of Bea's drafts with the word.
    let people: Vec<Attendee> = (0..10)
        .map(|i| person(&mut store, &format!("Member {i:02}"), ""))
        .collect();
    for p in &people {
        store.add_member(&group.id, &p.id, "2025-01-01").unwrap();
    }
    let mut drafts = 0;
    for week in 0..42u32 {
        let date = chrono::NaiveDate::from_ymd_opt(2025, 4, 3).unwrap()
            + chrono::Days::new(7 * u64::from(week));
        let session = session_on(&mut store, &group, &date.format("%Y-%m-%d").to_string());
        for p in &people {
            store
                .set_mark(&session.id, &p.id, Some(Mark::Present))
                .unwrap();
            store
                .save_note_draft(&session.id, Some(&p.id), "Kazoo again.", Some(&bea.id))
                .unwrap();
            drafts += 1;
        }
    }
    assert!(drafts > 4 * 100, "more drafts than the first window");

    let hits = store.search_notes("kazoo", Some(&alex.id)).unwrap();
    assert_eq!(
        hits.len(),
        1,
        "only Alex's own signed note is Alex's to see"
    );
    assert_eq!(hits[0].note_id, old.id);
    assert_eq!(hits[0].snippet, "The \u{2}kazoo\u{3} band played.");
    // Bea sees her newest drafts first, a page of them.
    let hits = store.search_notes("kazoo", Some(&bea.id)).unwrap();
    assert_eq!(hits.len(), 100);
    assert!(hits
        .windows(2)
        .all(|w| w[0].session_date >= w[1].session_date));
    assert_eq!(hits[0].session_date, "2026-01-15");
}
