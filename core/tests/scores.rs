//! Outcome scores in the store: recording answers before and after sessions
//! and at intake, review and discharge; the therapist's own measures and their
//! versions; a group's choice of instruments; and the session, person and group
//! views, with numbers worked by hand. Real store files in temporary folders.

use refrain_core::model::*;
use refrain_core::outcomes::*;
use refrain_core::store::DB_FILE;
use refrain_core::{CoreError, Store};
use rusqlite::Connection;
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Helpers.

struct Fixture {
    dir: TempDir,
    store: Store,
    group: Group,
    session: Session,
    people: Vec<Attendee>,
}

fn group_input(name: &str) -> GroupInput {
    GroupInput {
        name: name.into(),
        weekday: Some(Weekday::Thursday),
        start_time: "10:30".into(),
        end_time: "12:00".into(),
        ..Default::default()
    }
}

fn session_on(store: &mut Store, group: &Group, date: &str) -> Session {
    store
        .create_session(&SessionInput {
            group_id: group.id.clone(),
            date: date.into(),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap()
}

/// A group whose members (full name, preferred name) joined on 2025-01-01, and
/// a session on Thursday 2025-03-06 where nobody is marked yet.
fn fixture(names: &[(&str, &str)]) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    let group = store
        .create_group(&group_input("Thursday Singing"))
        .unwrap();
    let people: Vec<Attendee> = names
        .iter()
        .map(|(full, preferred)| {
            store
                .create_attendee(&AttendeeInput {
                    full_name: (*full).into(),
                    preferred_name: (*preferred).into(),
                    ..Default::default()
                })
                .unwrap()
        })
        .collect();
    for p in &people {
        store.add_member(&group.id, &p.id, "2025-01-01").unwrap();
    }
    let session = session_on(&mut store, &group, "2025-03-06");
    Fixture {
        dir,
        store,
        group,
        session,
        people,
    }
}

fn mark(store: &mut Store, session: &Session, person: &Attendee, mark: Mark) {
    store.set_mark(&session.id, &person.id, Some(mark)).unwrap();
}

fn count(dir: &TempDir, sql: &str) -> i64 {
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Rows in the score tables: sets, answers, and sets not archived.
fn score_rows(dir: &TempDir) -> (i64, i64, i64) {
    (
        count(dir, "SELECT count(*) FROM score_set"),
        count(dir, "SELECT count(*) FROM score_answer"),
        count(
            dir,
            "SELECT count(*) FROM score_set WHERE archived_at IS NULL",
        ),
    )
}

/// Answers to every item of `instrument`, in order, with these values.
fn answers(instrument: &Instrument, values: &[i32]) -> Vec<Response> {
    assert_eq!(instrument.items.len(), values.len(), "one value per item");
    instrument
        .items
        .iter()
        .zip(values)
        .map(|(i, &v)| Response::new(i.key.clone(), v))
        .collect()
}

fn ucl(values: &[i32]) -> Vec<Response> {
    answers(&builtin(UCL_UMBRELLA_GENERIC).unwrap(), values)
}

fn session_input(
    person: &Attendee,
    session: &Session,
    key: &str,
    timing: Timing,
    rater: Rater,
    answers: Vec<Response>,
) -> ScoreSetInput {
    ScoreSetInput {
        attendee_id: person.id.clone(),
        session_id: Some(session.id.clone()),
        instrument_key: key.into(),
        timing,
        rater,
        rater_name: String::new(),
        taken_on: None,
        answers,
    }
}

fn person_input(
    person: &Attendee,
    key: &str,
    timing: Timing,
    taken_on: Option<&str>,
    answers: Vec<Response>,
) -> ScoreSetInput {
    ScoreSetInput {
        attendee_id: person.id.clone(),
        session_id: None,
        instrument_key: key.into(),
        timing,
        rater: Rater::SelfReport,
        rater_name: String::new(),
        taken_on: taken_on.map(String::from),
        answers,
    }
}

fn invalid(err: CoreError) -> (&'static str, String) {
    assert_eq!(err.code(), "invalid", "{err}");
    (err.field().expect("a field"), err.to_string())
}

fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-9,
        "expected {expected}, got {actual}"
    );
}

fn close_opt(actual: Option<f64>, expected: f64) {
    close(actual.expect("a value"), expected);
}

fn mean_of(set: &ScoreSet) -> f64 {
    set.scored.score().expect("a complete set").mean().unwrap()
}

fn choose(store: &mut Store, group: &Group, choices: &[(&str, Rater)]) -> Vec<GroupInstrument> {
    let choices: Vec<GroupInstrumentChoice> = choices
        .iter()
        .map(|(key, rater)| GroupInstrumentChoice {
            instrument_key: (*key).into(),
            rater: *rater,
        })
        .collect();
    store.set_group_instruments(&group.id, &choices).unwrap()
}

fn custom_input(name: &str, items: &[&str]) -> CustomInstrumentInput {
    CustomInstrumentInput {
        name: name.into(),
        items: items.iter().map(|s| (*s).into()).collect(),
        scale_min: 0,
        scale_max: 4,
        min_label: "not at all".into(),
        max_label: "very much".into(),
        lower_is_better: false,
    }
}

// ---------------------------------------------------------------------------
// A session's score sheet.

#[test]
fn a_sessions_summary_matches_the_numbers_worked_by_hand() {
    let mut f = fixture(&[
        ("Margaret Ellis", ""),
        ("Arthur Bennett", ""),
        ("Doreen Walsh", "Dot"),
        ("Zoe Price", ""),
        ("Walter Grant", ""),
    ]);
    let [margaret, arthur, doreen, zoe, walter] = [0, 1, 2, 3, 4].map(|i| f.people[i].clone());
    choose(
        &mut f.store,
        &f.group,
        &[(UCL_UMBRELLA_GENERIC, Rater::SelfReport)],
    );
    mark(&mut f.store, &f.session, &margaret, Mark::Present);
    mark(&mut f.store, &f.session, &arthur, Mark::Late);
    mark(&mut f.store, &f.session, &doreen, Mark::LeftEarly);
    mark(&mut f.store, &f.session, &zoe, Mark::Present);
    mark(&mut f.store, &f.session, &walter, Mark::Absent);

    let mut save = |p: &Attendee, timing: Timing, rater: Rater, values: Vec<Response>| {
        f.store
            .record_scores(&session_input(
                p,
                &f.session,
                UCL_UMBRELLA_GENERIC,
                timing,
                rater,
                values,
            ))
            .unwrap()
    };
    // Self-rated, items in the order Active, Alert, Enthusiastic, Excited,
    // Happy, Inspired:
    // Arthur:   before 2 3 2 3 2 3 = 15, mean 2.5; after 4 4 3 4 4 5 = 24, mean 4.0
    //           → +1.5 points, +60 %, improved.
    // Dot:      before 3 × 6 = 18, mean 3.0; after the same → same.
    // Margaret: before 4 × 6 = 24, mean 4.0; after 3 4 3 4 3 4 = 21, mean 3.5
    //           → −0.5, worse.
    // Zoe:      before 1 × 6; after only Active, Alert, Enthusiastic → left out.
    save(
        &arthur,
        Timing::Before,
        Rater::SelfReport,
        ucl(&[2, 3, 2, 3, 2, 3]),
    );
    save(
        &arthur,
        Timing::After,
        Rater::SelfReport,
        ucl(&[4, 4, 3, 4, 4, 5]),
    );
    save(&doreen, Timing::Before, Rater::SelfReport, ucl(&[3; 6]));
    save(&doreen, Timing::After, Rater::SelfReport, ucl(&[3; 6]));
    save(&margaret, Timing::Before, Rater::SelfReport, ucl(&[4; 6]));
    save(
        &margaret,
        Timing::After,
        Rater::SelfReport,
        ucl(&[3, 4, 3, 4, 3, 4]),
    );
    save(&zoe, Timing::Before, Rater::SelfReport, ucl(&[1; 6]));
    let partial = save(
        &zoe,
        Timing::After,
        Rater::SelfReport,
        vec![
            Response::new("enthusiastic", 2),
            Response::new("active", 2),
            Response::new("alert", 2),
        ],
    );
    // Arthur's carer rated him before only: kept apart from his own ratings.
    save(&arthur, Timing::Before, Rater::Carer, ucl(&[2; 6]));

    // The partial row is kept, in item order, and never scored.
    let missing: Vec<&str> = partial
        .scored
        .missing()
        .iter()
        .map(|m| m.key.as_str())
        .collect();
    assert_eq!(missing, ["excited", "happy", "inspired"]);
    assert!(partial.scored.score().is_none());
    let keys: Vec<&str> = partial
        .answers
        .iter()
        .map(|a| a.item_key.as_str())
        .collect();
    assert_eq!(keys, ["active", "alert", "enthusiastic"]);
    assert_eq!(
        count(&f.dir, "SELECT count(*) FROM score_set WHERE complete = 0"),
        1
    );

    let sheet = f.store.score_sheet(&f.session.id).unwrap();
    assert_eq!(sheet.session_id, f.session.id);
    assert_eq!(sheet.choices.len(), 1);
    assert_eq!(sheet.choices[0].rater, Rater::SelfReport);
    assert_eq!(sheet.instruments[0].key, UCL_UMBRELLA_GENERIC);
    // Present, late and left early; the absent Walter has no row. By full name,
    // shown by preferred name.
    let names: Vec<&str> = sheet.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["Arthur Bennett", "Dot", "Margaret Ellis", "Zoe Price"]
    );
    let arthur_row = &sheet.rows[0];
    let timings: Vec<(Timing, Rater)> = arthur_row
        .sets
        .iter()
        .map(|s| (s.timing, s.rater))
        .collect();
    assert_eq!(
        timings,
        [
            (Timing::Before, Rater::SelfReport),
            (Timing::Before, Rater::Carer),
            (Timing::After, Rater::SelfReport)
        ]
    );
    close(mean_of(&arthur_row.sets[0]), 2.5);
    assert_eq!(arthur_row.sets[0].taken_on, "2025-03-06");
    let zoe_after = sheet.rows[3]
        .sets
        .iter()
        .find(|s| s.timing == Timing::After)
        .unwrap();
    assert!(matches!(zoe_after.scored, Scored::Incomplete { .. }));

    assert_eq!(sheet.summaries.len(), 2, "self and carer apart");
    let own = &sheet.summaries[0];
    assert_eq!(own.rater, Rater::SelfReport);
    assert_eq!(own.instrument_key, UCL_UMBRELLA_GENERIC);
    assert_eq!(own.instrument_version, "1");
    assert_eq!(own.counted, 3);
    // Group before: (15 + 18 + 24) / 18 = 57/18 = 3.1666…; after (24 + 18 + 21)
    // / 18 = 63/18 = 3.5; change 6/18 = 0.333… points, 6/57 = 10.526…%.
    close_opt(own.pre_mean, 57.0 / 18.0);
    close_opt(own.post_mean, 3.5);
    let change = own.change.unwrap();
    close(change.points, 1.0 / 3.0);
    close_opt(change.percent, 600.0 / 57.0);
    assert_eq!((own.improved, own.same, own.worse), (1, 1, 1));
    // Active: before (2 + 3 + 4) / 3 = 3, after (4 + 3 + 3) / 3 = 3.333…
    assert_eq!(own.items[0].item_key, "active");
    close_opt(own.items[0].pre_mean, 3.0);
    close_opt(own.items[0].post_mean, 10.0 / 3.0);
    // Inspired: before (3 + 3 + 4) / 3, after (5 + 3 + 4) / 3 = 4.
    close_opt(own.items[5].pre_mean, 10.0 / 3.0);
    close_opt(own.items[5].post_mean, 4.0);
    let arthur_change = own
        .people
        .iter()
        .find(|p| p.person_id == arthur.id)
        .unwrap();
    close(arthur_change.change.points, 1.5);
    close_opt(arthur_change.change.percent, 60.0);
    assert_eq!(arthur_change.direction, Direction::Improved);
    assert_eq!(own.left_out.len(), 1);
    assert_eq!(own.left_out[0].person_id, zoe.id);
    assert!(own.left_out[0].missing_pre.is_empty());
    assert_eq!(own.left_out[0].missing_post.len(), 3);

    let carer = &sheet.summaries[1];
    assert_eq!(carer.rater, Rater::Carer);
    assert_eq!(carer.counted, 0);
    assert_eq!(carer.pre_mean, None);
    assert_eq!(carer.left_out[0].person_id, arthur.id);
}

#[test]
fn saving_a_session_set_again_replaces_it_and_saving_it_empty_archives_it() {
    let mut f = fixture(&[("Margaret Ellis", "")]);
    let margaret = f.people[0].clone();
    mark(&mut f.store, &f.session, &margaret, Mark::Present);
    let input = |values: Vec<Response>| {
        session_input(
            &margaret,
            &f.session,
            UCL_UMBRELLA_GENERIC,
            Timing::Before,
            Rater::SelfReport,
            values,
        )
    };

    let first = f.store.record_scores(&input(ucl(&[2; 6]))).unwrap();
    close(mean_of(&first), 2.0);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let second = f.store.record_scores(&input(ucl(&[4; 6]))).unwrap();
    assert_eq!(second.id, first.id);
    assert_eq!(second.created_at, first.created_at);
    assert_ne!(second.updated_at, first.updated_at);
    close(mean_of(&second), 4.0);
    assert_eq!(
        score_rows(&f.dir),
        (1, 6, 1),
        "one set, its answers replaced"
    );

    // A partial save replaces it too: the items left out are gone.
    let third = f
        .store
        .record_scores(&input(vec![Response::new("happy", 5)]))
        .unwrap();
    assert_eq!(third.id, first.id);
    assert_eq!(third.scored.missing().len(), 5);
    assert_eq!(score_rows(&f.dir), (1, 1, 1));

    // The same person rated by a carer is a set of its own.
    let mut by_carer = input(ucl(&[3; 6]));
    by_carer.rater = Rater::Carer;
    by_carer.rater_name = "  Jean, daughter ".into();
    let carer_set = f.store.record_scores(&by_carer).unwrap();
    assert_ne!(carer_set.id, first.id);
    assert_eq!(carer_set.rater_name, "Jean, daughter");

    // Cleared: archived, not deleted, and gone from the sheet.
    let cleared = f.store.record_scores(&input(Vec::new())).unwrap();
    assert_eq!(cleared.id, first.id);
    assert!(cleared.answers.is_empty());
    assert_eq!(cleared.scored.missing().len(), 6);
    assert_eq!(score_rows(&f.dir), (2, 7, 1));
    let sheet = f.store.score_sheet(&f.session.id).unwrap();
    let sets = &sheet.rows[0].sets;
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0].id, carer_set.id);

    // Saving again after clearing starts a new set.
    let again = f.store.record_scores(&input(ucl(&[1; 6]))).unwrap();
    assert_ne!(again.id, first.id);
    assert_eq!(score_rows(&f.dir), (3, 13, 2));

    // Clearing a row that holds nothing is refused.
    let mut nothing = input(Vec::new());
    nothing.timing = Timing::After;
    assert_eq!(
        invalid(f.store.record_scores(&nothing).unwrap_err()).0,
        "answers"
    );

    // Archiving a set by its id.
    f.store.archive_score_set(&carer_set.id).unwrap();
    let sheet = f.store.score_sheet(&f.session.id).unwrap();
    assert_eq!(sheet.rows[0].sets.len(), 1);
    assert_eq!(sheet.rows[0].sets[0].id, again.id);
    assert_eq!(
        f.store.archive_score_set("no-such-set").unwrap_err().code(),
        "not_found"
    );
    assert_eq!(score_rows(&f.dir), (3, 13, 1));
}

#[test]
fn refused_answers_write_nothing() {
    let mut f = fixture(&[
        ("Margaret Ellis", "Peggy"),
        ("Arthur Bennett", ""),
        ("Doreen Walsh", ""),
    ]);
    let [margaret, arthur, doreen] = [0, 1, 2].map(|i| f.people[i].clone());
    mark(&mut f.store, &f.session, &margaret, Mark::Present);
    mark(&mut f.store, &f.session, &arthur, Mark::Absent);
    let cancelled = session_on(&mut f.store, &f.group, "2025-03-13");
    f.store
        .cancel_session(&cancelled.id, "Hall flooded")
        .unwrap();

    let ok = |timing| {
        session_input(
            &margaret,
            &f.session,
            UCL_UMBRELLA_GENERIC,
            timing,
            Rater::SelfReport,
            ucl(&[3; 6]),
        )
    };
    let kept = f.store.record_scores(&ok(Timing::Before)).unwrap();
    let before = score_rows(&f.dir);
    assert_eq!(before, (1, 6, 1));

    let mut cases: Vec<(&str, ScoreSetInput, &str, Option<&str>)> = Vec::new();
    let mut out_of_range = ok(Timing::After);
    out_of_range.answers[0].value = 6;
    cases.push((
        "out of range",
        out_of_range,
        "invalid",
        Some("Active must be between 1 and 5."),
    ));
    let mut unknown_item = ok(Timing::After);
    unknown_item.answers.push(Response::new("sleepy", 3));
    cases.push(("unknown item", unknown_item, "invalid", None));
    let mut repeated = ok(Timing::After);
    repeated.answers.push(Response::new("happy", 2));
    cases.push((
        "repeated item",
        repeated,
        "invalid",
        Some("Happy has two answers. Please keep only one."),
    ));
    // Replacing a saved set with a bad value leaves the saved one whole.
    let mut bad_replace = ok(Timing::Before);
    bad_replace.answers[5].value = 0;
    cases.push(("bad replacement", bad_replace, "invalid", None));
    let mut unmarked = ok(Timing::Before);
    unmarked.attendee_id = doreen.id.clone();
    cases.push((
        "not marked",
        unmarked,
        "invalid",
        Some(
            "Doreen Walsh is not marked as present in this session, so their scores can't be \
             recorded.",
        ),
    ));
    let mut absent = ok(Timing::Before);
    absent.attendee_id = arthur.id.clone();
    cases.push((
        "absent",
        absent,
        "invalid",
        Some(
            "Arthur Bennett is not marked as present in this session, so their scores can't be \
             recorded.",
        ),
    ));
    let mut in_cancelled = ok(Timing::Before);
    in_cancelled.session_id = Some(cancelled.id.clone());
    cases.push((
        "cancelled session",
        in_cancelled,
        "conflict",
        Some("This session was cancelled, so no scores can be recorded for it."),
    ));
    let mut no_session = ok(Timing::After);
    no_session.session_id = None;
    cases.push((
        "before/after without a session",
        no_session,
        "invalid",
        None,
    ));
    cases.push(("intake with a session", ok(Timing::Intake), "invalid", None));
    let mut midas_self = ok(Timing::Before);
    midas_self.instrument_key = MIDAS.into();
    midas_self.answers = answers(&builtin(MIDAS).unwrap(), &[50; 5]);
    cases.push((
        "MiDAS rated by the person",
        midas_self,
        "invalid",
        Some(
            "MiDAS (Music in Dementia Assessment Scales) is rated by the therapist or a member \
             of staff, not by the person themself.",
        ),
    ));
    let mut unknown_person = ok(Timing::After);
    unknown_person.attendee_id = "nobody".into();
    cases.push(("unknown person", unknown_person, "not_found", None));
    let mut unknown_session = ok(Timing::After);
    unknown_session.session_id = Some("no-session".into());
    cases.push(("unknown session", unknown_session, "not_found", None));
    let mut unknown_instrument = ok(Timing::After);
    unknown_instrument.instrument_key = "custom-nothing".into();
    cases.push(("unknown instrument", unknown_instrument, "not_found", None));
    cases.push((
        "empty intake",
        person_input(&margaret, SWEMWBS, Timing::Intake, None, Vec::new()),
        "invalid",
        Some("Please answer at least one item before saving."),
    ));
    let swemwbs = builtin(SWEMWBS).unwrap();
    cases.push((
        "a date that does not exist",
        person_input(
            &margaret,
            SWEMWBS,
            Timing::Intake,
            Some("2025-02-30"),
            answers(&swemwbs, &[3; 7]),
        ),
        "invalid",
        None,
    ));
    cases.push((
        "a date to come",
        person_input(
            &margaret,
            SWEMWBS,
            Timing::Review,
            Some("2199-01-01"),
            answers(&swemwbs, &[3; 7]),
        ),
        "invalid",
        None,
    ));

    for (what, input, code, message) in cases {
        let err = f
            .store
            .record_scores(&input)
            .expect_err(&format!("{what} must be refused"));
        assert_eq!(err.code(), code, "{what}: {err}");
        if let Some(message) = message {
            assert_eq!(err.to_string(), message, "{what}");
        }
        assert_eq!(score_rows(&f.dir), before, "{what} wrote something");
    }

    let fields = |input: ScoreSetInput, store: &mut Store| {
        invalid(store.record_scores(&input).unwrap_err()).0
    };
    let mut out_of_range = ok(Timing::After);
    out_of_range.answers[2].value = 9;
    assert_eq!(fields(out_of_range, &mut f.store), "answers");
    let mut no_session = ok(Timing::Before);
    no_session.session_id = None;
    assert_eq!(fields(no_session, &mut f.store), "sessionId");
    let mut midas_self = ok(Timing::Before);
    midas_self.instrument_key = MIDAS.into();
    midas_self.answers = answers(&builtin(MIDAS).unwrap(), &[50; 5]);
    assert_eq!(fields(midas_self, &mut f.store), "rater");
    let mut absent = ok(Timing::Before);
    absent.attendee_id = arthur.id.clone();
    assert_eq!(fields(absent, &mut f.store), "attendeeId");
    assert_eq!(
        fields(
            person_input(
                &margaret,
                SWEMWBS,
                Timing::Intake,
                Some("2025-02-30"),
                answers(&swemwbs, &[3; 7])
            ),
            &mut f.store
        ),
        "takenOn"
    );

    // The set saved first is untouched.
    let sheet = f.store.score_sheet(&f.session.id).unwrap();
    assert_eq!(sheet.rows.len(), 1, "only Peggy is in the room");
    assert_eq!(sheet.rows[0].name, "Peggy");
    assert_eq!(sheet.rows[0].sets, vec![kept]);
}

// ---------------------------------------------------------------------------
// A person's outcomes.

#[test]
fn a_persons_intake_review_and_session_scores_come_back_scored() {
    let mut f = fixture(&[("Margaret Ellis", "")]);
    let margaret = f.people[0].clone();
    let swemwbs = builtin(SWEMWBS).unwrap();
    let ons4 = builtin(ONS4).unwrap();

    // SWEMWBS intake: 7 × 3 = raw 21 → metric 19.25.
    let intake = f
        .store
        .record_scores(&person_input(
            &margaret,
            SWEMWBS,
            Timing::Intake,
            Some("2025-01-10"),
            answers(&swemwbs, &[3; 7]),
        ))
        .unwrap();
    assert_eq!(intake.taken_on, "2025-01-10");
    assert_eq!(intake.session_id, None);
    assert_eq!(
        intake.scored.score().unwrap().raw_and_metric(),
        Some((21, 19.25))
    );
    // ONS4 intake: satisfied 8 (high), worthwhile 7 (high), happy 9 (very
    // high), anxious 2 (low).
    f.store
        .record_scores(&person_input(
            &margaret,
            ONS4,
            Timing::Intake,
            Some("2025-01-12"),
            answers(&ons4, &[8, 7, 9, 2]),
        ))
        .unwrap();
    // A session's before and after with SWEMWBS: raw 21 → 19.25, raw 28 → 25.03.
    mark(&mut f.store, &f.session, &margaret, Mark::Present);
    f.store
        .record_scores(&session_input(
            &margaret,
            &f.session,
            SWEMWBS,
            Timing::After,
            Rater::SelfReport,
            answers(&swemwbs, &[4; 7]),
        ))
        .unwrap();
    f.store
        .record_scores(&session_input(
            &margaret,
            &f.session,
            SWEMWBS,
            Timing::Before,
            Rater::SelfReport,
            answers(&swemwbs, &[3; 7]),
        ))
        .unwrap();
    // Review with no date: today. 7 × 5 = raw 35 → 35.00. Each call is a new set.
    for _ in 0..2 {
        f.store
            .record_scores(&person_input(
                &margaret,
                SWEMWBS,
                Timing::Review,
                None,
                answers(&swemwbs, &[5; 7]),
            ))
            .unwrap();
    }

    let outcomes = f.store.person_outcomes(&margaret.id).unwrap();
    assert_eq!(outcomes.attendee_id, margaret.id);
    let keys: Vec<&str> = outcomes
        .instruments
        .iter()
        .map(|h| h.instrument.key.as_str())
        .collect();
    assert_eq!(keys, [SWEMWBS, ONS4], "in the order first used");

    let sw = &outcomes.instruments[0];
    let timings: Vec<Timing> = sw.sets.iter().map(|s| s.timing).collect();
    assert_eq!(
        timings,
        [
            Timing::Intake,
            Timing::Before,
            Timing::After,
            Timing::Review,
            Timing::Review
        ],
        "oldest first, before ahead of after"
    );
    let metrics: Vec<f64> = sw
        .sets
        .iter()
        .map(|s| s.scored.score().unwrap().raw_and_metric().unwrap().1)
        .collect();
    assert_eq!(metrics, [19.25, 19.25, 25.03, 35.0, 35.0]);
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(sw.sets[3].taken_on, today);
    assert_eq!(sw.sessions.len(), 1);
    let s = &sw.sessions[0];
    assert_eq!(s.session_id, f.session.id);
    assert_eq!(s.date, "2025-03-06");
    assert_eq!(s.group_name, "Thursday Singing");
    assert_eq!(s.rater, Rater::SelfReport);
    assert_eq!((s.before, s.after), (Some(19.25), Some(25.03)));
    // 25.03 − 19.25 = 5.78 points; 5.78 / 19.25 = 30.0259…%.
    let change = s.change.unwrap();
    close(change.points, 25.03 - 19.25);
    close_opt(change.percent, (25.03 - 19.25) / 19.25 * 100.0);

    let o = &outcomes.instruments[1];
    assert_eq!(o.sets.len(), 1);
    assert!(o.sessions.is_empty(), "ONS4 is reported item by item");
    let bands: Vec<Option<BandLevel>> = o.sets[0]
        .scored
        .score()
        .unwrap()
        .items()
        .unwrap()
        .iter()
        .map(|i| i.band)
        .collect();
    assert_eq!(
        bands,
        [
            Some(BandLevel::High),
            Some(BandLevel::High),
            Some(BandLevel::VeryHigh),
            Some(BandLevel::Low)
        ]
    );

    assert_eq!(
        f.store.person_outcomes("nobody").unwrap_err().code(),
        "not_found"
    );
}

// ---------------------------------------------------------------------------
// The therapist's own measures.

#[test]
fn answers_taken_with_an_older_version_of_a_custom_measure_keep_that_version() {
    let mut f = fixture(&[("Margaret Ellis", "")]);
    let margaret = f.people[0].clone();
    mark(&mut f.store, &f.session, &margaret, Mark::Present);

    let v1 = f
        .store
        .create_custom_instrument(&custom_input(
            "Connection with others",
            &["Connected", "Calm", "Heard"],
        ))
        .unwrap();
    assert_eq!(v1.key, "custom-connection-with-others");
    assert_eq!(v1.version, "1");
    assert_eq!(v1.origin, Origin::Custom);
    let listed = f.store.list_instruments().unwrap();
    let builtin_keys: Vec<&str> = listed
        .iter()
        .filter(|i| i.origin == Origin::BuiltIn)
        .map(|i| i.key.as_str())
        .collect();
    assert_eq!(
        builtin_keys,
        [
            UCL_UMBRELLA_GENERIC,
            UCL_UMBRELLA_OLDER_ADULT,
            ONS4,
            SWEMWBS,
            MIDAS
        ]
    );
    assert_eq!(listed.last().unwrap(), &v1);

    // Under v1: an intake (4, 2, 3: mean 3) and a session's before (1, 1, 1).
    let intake = f
        .store
        .record_scores(&person_input(
            &margaret,
            &v1.key,
            Timing::Intake,
            Some("2025-02-01"),
            answers(&v1, &[4, 2, 3]),
        ))
        .unwrap();
    close(mean_of(&intake), 3.0);
    let before = f
        .store
        .record_scores(&session_input(
            &margaret,
            &f.session,
            &v1.key,
            Timing::Before,
            Rater::SelfReport,
            answers(&v1, &[1, 1, 1]),
        ))
        .unwrap();
    assert_eq!(before.instrument_version, "1");

    let v2 = f
        .store
        .update_custom_instrument(
            &v1.key,
            &custom_input(
                "Connection with others",
                &["Connected", "Calm", "Heard", "Hopeful"],
            ),
        )
        .unwrap();
    assert_eq!(
        (v2.key.as_str(), v2.version.as_str()),
        (v1.key.as_str(), "2")
    );
    assert_eq!(v2.items.len(), 4);
    // Saving the same definition again adds no version.
    let same = f
        .store
        .update_custom_instrument(
            &v1.key,
            &custom_input(
                "Connection with others",
                &["Connected", "Calm", "Heard", "Hopeful"],
            ),
        )
        .unwrap();
    assert_eq!(same.version, "2");
    assert_eq!(count(&f.dir, "SELECT count(*) FROM custom_instrument"), 2);
    let listed: Vec<Instrument> = f
        .store
        .list_instruments()
        .unwrap()
        .into_iter()
        .filter(|i| i.origin == Origin::Custom)
        .collect();
    assert_eq!(
        listed,
        vec![v2.clone()],
        "only the current version is listed"
    );

    // The session's before, saved again, keeps v1 (its three items complete it).
    let resaved = f
        .store
        .record_scores(&session_input(
            &margaret,
            &f.session,
            &v1.key,
            Timing::Before,
            Rater::SelfReport,
            answers(&v1, &[2, 2, 2]),
        ))
        .unwrap();
    assert_eq!(resaved.id, before.id);
    assert_eq!(resaved.instrument_version, "1");
    close(mean_of(&resaved), 2.0);
    assert_eq!(
        count(
            &f.dir,
            &format!("SELECT complete FROM score_set WHERE id = '{}'", before.id)
        ),
        1,
        "complete by the version it was taken with"
    );
    // v2's fourth item is not an item of the version this set was taken with.
    let (field, message) = invalid(
        f.store
            .record_scores(&session_input(
                &margaret,
                &f.session,
                &v1.key,
                Timing::Before,
                Rater::SelfReport,
                answers(&v2, &[3, 3, 3, 3]),
            ))
            .unwrap_err(),
    );
    assert_eq!(field, "answers");
    assert!(message.contains("“item-4” is not an item of"), "{message}");
    // A new set is taken with v2: three answers leave "Hopeful" missing.
    let review = f
        .store
        .record_scores(&person_input(
            &margaret,
            &v1.key,
            Timing::Review,
            Some("2025-04-01"),
            answers(&v1, &[4, 4, 4]),
        ))
        .unwrap();
    assert_eq!(review.instrument_version, "2");
    let missing: Vec<&str> = review
        .scored
        .missing()
        .iter()
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(missing, ["Hopeful"]);

    let outcomes = f.store.person_outcomes(&margaret.id).unwrap();
    let history = &outcomes.instruments[0];
    assert_eq!(history.instrument, v2, "the current definition");
    let versions: Vec<&str> = history
        .sets
        .iter()
        .map(|s| s.instrument_version.as_str())
        .collect();
    assert_eq!(versions, ["1", "1", "2"]);
    close(mean_of(&history.sets[0]), 3.0);
    assert_eq!(
        history.sets[0].scored.score().unwrap().instrument_version,
        "1"
    );

    // The session's after is taken with v2: both are shown, but no change is
    // worked out between two versions of the measure.
    let after = f
        .store
        .record_scores(&session_input(
            &margaret,
            &f.session,
            &v1.key,
            Timing::After,
            Rater::SelfReport,
            answers(&v2, &[4, 4, 4, 4]),
        ))
        .unwrap();
    assert_eq!(after.instrument_version, "2");
    let outcomes = f.store.person_outcomes(&margaret.id).unwrap();
    let session = &outcomes.instruments[0].sessions[0];
    close_opt(session.before, 2.0);
    close_opt(session.after, 4.0);
    assert_eq!(
        session.change, None,
        "v1 before and v2 after are not compared"
    );

    // Another measure with the same name gets a key of its own; refusals come
    // from the measure's own rules or say what cannot be done.
    let twin = f
        .store
        .create_custom_instrument(&custom_input("Connection with others", &["Together"]))
        .unwrap();
    assert_eq!(twin.key, "custom-connection-with-others-2");
    let (field, _) = invalid(
        f.store
            .create_custom_instrument(&custom_input("  ", &["Calm"]))
            .unwrap_err(),
    );
    assert_eq!(field, "name");
    let (field, _) = invalid(
        f.store
            .update_custom_instrument(&v1.key, &custom_input("Connection", &[]))
            .unwrap_err(),
    );
    assert_eq!(field, "items");
    assert_eq!(
        f.store
            .update_custom_instrument("custom-nothing", &custom_input("X", &["Y"]))
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        f.store
            .update_custom_instrument(ONS4, &custom_input("X", &["Y"]))
            .unwrap_err()
            .code(),
        "conflict"
    );
    assert_eq!(count(&f.dir, "SELECT count(*) FROM custom_instrument"), 3);
}

#[test]
fn an_archived_custom_measure_is_not_offered_but_its_answers_still_read() {
    let mut f = fixture(&[("Margaret Ellis", "")]);
    let margaret = f.people[0].clone();
    let measure = f
        .store
        .create_custom_instrument(&custom_input("Calm", &["Calm", "Settled"]))
        .unwrap();
    choose(
        &mut f.store,
        &f.group,
        &[
            (UCL_UMBRELLA_GENERIC, Rater::SelfReport),
            (measure.key.as_str(), Rater::Therapist),
        ],
    );
    let mut rated = person_input(
        &margaret,
        &measure.key,
        Timing::Intake,
        Some("2025-02-01"),
        answers(&measure, &[1, 3]),
    );
    rated.rater = Rater::Therapist;
    f.store.record_scores(&rated).unwrap();

    f.store.archive_custom_instrument(&measure.key).unwrap();
    assert!(!f
        .store
        .list_instruments()
        .unwrap()
        .iter()
        .any(|i| i.key == measure.key));
    let chosen: Vec<String> = f
        .store
        .group_instruments(&f.group.id)
        .unwrap()
        .into_iter()
        .map(|g| g.instrument_key)
        .collect();
    assert_eq!(chosen, [UCL_UMBRELLA_GENERIC]);
    let err = f
        .store
        .set_group_instruments(
            &f.group.id,
            &[GroupInstrumentChoice {
                instrument_key: measure.key.clone(),
                rater: Rater::Therapist,
            }],
        )
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(
        err.to_string(),
        "“Calm” is archived, so it can't be chosen for a group."
    );
    let before = score_rows(&f.dir);
    let err = f.store.record_scores(&rated).unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(score_rows(&f.dir), before);
    assert_eq!(
        f.store
            .update_custom_instrument(&measure.key, &custom_input("Calm", &["Calm"]))
            .unwrap_err()
            .code(),
        "conflict"
    );
    assert_eq!(
        f.store
            .archive_custom_instrument(SWEMWBS)
            .unwrap_err()
            .code(),
        "conflict"
    );

    // The answers taken with it still read and score: (1 + 3) / 2 = 2.
    let outcomes = f.store.person_outcomes(&margaret.id).unwrap();
    assert_eq!(outcomes.instruments[0].instrument.key, measure.key);
    let set = &outcomes.instruments[0].sets[0];
    assert_eq!(set.rater, Rater::Therapist);
    close(mean_of(set), 2.0);
}

// ---------------------------------------------------------------------------
// A group's choice.

#[test]
fn a_groups_choice_keeps_its_order_and_refuses_what_cannot_be_used() {
    let mut f = fixture(&[]);
    assert!(f.store.group_instruments(&f.group.id).unwrap().is_empty());
    let chosen = choose(
        &mut f.store,
        &f.group,
        &[
            (SWEMWBS, Rater::SelfReport),
            (MIDAS, Rater::Therapist),
            (UCL_UMBRELLA_GENERIC, Rater::Carer),
        ],
    );
    let summary: Vec<(&str, &str, Rater)> = chosen
        .iter()
        .map(|c| (c.instrument_key.as_str(), c.name.as_str(), c.rater))
        .collect();
    assert_eq!(
        summary,
        [
            (
                SWEMWBS,
                "SWEMWBS (Short Warwick-Edinburgh Mental Wellbeing Scale)",
                Rater::SelfReport
            ),
            (
                MIDAS,
                "MiDAS (Music in Dementia Assessment Scales)",
                Rater::Therapist
            ),
            (
                UCL_UMBRELLA_GENERIC,
                "UCL positive wellbeing umbrella (generic)",
                Rater::Carer
            ),
        ]
    );
    assert_eq!(f.store.group_instruments(&f.group.id).unwrap(), chosen);

    let reordered = choose(
        &mut f.store,
        &f.group,
        &[
            (UCL_UMBRELLA_GENERIC, Rater::SelfReport),
            (SWEMWBS, Rater::SelfReport),
        ],
    );
    let keys: Vec<(&str, Rater)> = reordered
        .iter()
        .map(|c| (c.instrument_key.as_str(), c.rater))
        .collect();
    assert_eq!(
        keys,
        [
            (UCL_UMBRELLA_GENERIC, Rater::SelfReport),
            (SWEMWBS, Rater::SelfReport)
        ]
    );
    assert_eq!(
        count(&f.dir, "SELECT count(*) FROM group_instrument"),
        2,
        "MiDAS is no longer chosen"
    );

    let choice = |key: &str, rater| GroupInstrumentChoice {
        instrument_key: key.into(),
        rater,
    };
    let refusals: Vec<(&str, String, Vec<GroupInstrumentChoice>, &str)> = vec![
        (
            "twice",
            f.group.id.clone(),
            vec![choice(ONS4, Rater::SelfReport), choice(ONS4, Rater::Carer)],
            "invalid",
        ),
        (
            "MiDAS by the person",
            f.group.id.clone(),
            vec![
                choice(ONS4, Rater::SelfReport),
                choice(MIDAS, Rater::SelfReport),
            ],
            "invalid",
        ),
        (
            "unknown measure",
            f.group.id.clone(),
            vec![choice("custom-nothing", Rater::SelfReport)],
            "not_found",
        ),
        (
            "unknown group",
            "no-group".into(),
            vec![choice(ONS4, Rater::SelfReport)],
            "not_found",
        ),
    ];
    for (what, group_id, choices, code) in refusals {
        let err = f
            .store
            .set_group_instruments(&group_id, &choices)
            .expect_err(what);
        assert_eq!(err.code(), code, "{what}: {err}");
        assert_eq!(
            f.store.group_instruments(&f.group.id).unwrap(),
            reordered,
            "{what} changed the choice"
        );
    }
    let err = f
        .store
        .set_group_instruments(
            &f.group.id,
            &[choice(ONS4, Rater::SelfReport), choice(ONS4, Rater::Carer)],
        )
        .unwrap_err();
    assert_eq!(
        invalid(err),
        (
            "choices",
            "“ONS4 personal wellbeing” is chosen twice. Please choose each measure once.".into()
        )
    );
    let (field, message) = invalid(
        f.store
            .set_group_instruments(&f.group.id, &[choice(MIDAS, Rater::SelfReport)])
            .unwrap_err(),
    );
    assert_eq!(field, "rater");
    assert!(message.contains("not by the person themself"), "{message}");
    assert_eq!(
        f.store.group_instruments("no-group").unwrap_err().code(),
        "not_found"
    );

    // An archived group's choice can't be changed; an empty choice clears it.
    let other = f.store.create_group(&group_input("Friday Songs")).unwrap();
    choose(&mut f.store, &other, &[(ONS4, Rater::SelfReport)]);
    assert!(choose(&mut f.store, &other, &[]).is_empty());
    f.store.archive_group(&other.id).unwrap();
    assert_eq!(
        f.store
            .set_group_instruments(&other.id, &[choice(ONS4, Rater::SelfReport)])
            .unwrap_err()
            .code(),
        "conflict"
    );
}

// ---------------------------------------------------------------------------
// A group over a period.

#[test]
fn a_groups_outcomes_count_person_session_pairs_and_keep_raters_apart() {
    let mut f = fixture(&[("Arthur Bennett", ""), ("Doreen Walsh", "")]);
    let [arthur, doreen] = [0, 1].map(|i| f.people[i].clone());
    let calm = f
        .store
        .create_custom_instrument(&custom_input("Calm", &["Calm"]))
        .unwrap();
    choose(
        &mut f.store,
        &f.group,
        &[
            (UCL_UMBRELLA_GENERIC, Rater::SelfReport),
            (SWEMWBS, Rater::SelfReport),
            (calm.key.as_str(), Rater::SelfReport),
        ],
    );
    let s1 = f.session.clone();
    let s2 = session_on(&mut f.store, &f.group, "2025-03-13");
    let s3 = session_on(&mut f.store, &f.group, "2025-03-20");
    let outside = session_on(&mut f.store, &f.group, "2025-04-03");
    for s in [&s1, &s2, &s3, &outside] {
        mark(&mut f.store, s, &arthur, Mark::Present);
        mark(&mut f.store, s, &doreen, Mark::Present);
    }
    let mut save = |p: &Attendee, s: &Session, timing, rater, values: Vec<Response>| {
        f.store
            .record_scores(&session_input(
                p,
                s,
                UCL_UMBRELLA_GENERIC,
                timing,
                rater,
                values,
            ))
            .unwrap();
    };
    use Rater::{Carer, SelfReport};
    use Timing::{After, Before};
    // Session 1: Arthur 2 → 3 (self), Doreen 4 → 4 (self), Arthur 1 → 3 (carer).
    save(&arthur, &s1, Before, SelfReport, ucl(&[2; 6]));
    save(&arthur, &s1, After, SelfReport, ucl(&[3; 6]));
    save(&doreen, &s1, Before, SelfReport, ucl(&[4; 6]));
    save(&doreen, &s1, After, SelfReport, ucl(&[4; 6]));
    save(&arthur, &s1, Before, Carer, ucl(&[1; 6]));
    save(&arthur, &s1, After, Carer, ucl(&[3; 6]));
    // Session 2: Arthur 3 → 5 (self); Doreen 2 → only Active (left out).
    save(&arthur, &s2, Before, SelfReport, ucl(&[3; 6]));
    save(&arthur, &s2, After, SelfReport, ucl(&[5; 6]));
    save(&doreen, &s2, Before, SelfReport, ucl(&[2; 6]));
    save(
        &doreen,
        &s2,
        After,
        SelfReport,
        vec![Response::new("active", 1)],
    );
    // Session 3: no answers. Outside the period: Arthur 1 → 5.
    save(&arthur, &outside, Before, SelfReport, ucl(&[1; 6]));
    save(&arthur, &outside, After, SelfReport, ucl(&[5; 6]));

    let outcomes = f
        .store
        .group_outcomes(&f.group.id, "2025-03-01", "2025-03-31")
        .unwrap();
    assert_eq!(outcomes.group_id, f.group.id);
    assert_eq!(
        (outcomes.from.as_str(), outcomes.to.as_str()),
        ("2025-03-01", "2025-03-31")
    );
    // SWEMWBS has no group mean; the chosen custom measure is there with no
    // answers yet.
    let keys: Vec<&str> = outcomes
        .instruments
        .iter()
        .map(|i| i.instrument.key.as_str())
        .collect();
    assert_eq!(keys, [UCL_UMBRELLA_GENERIC, calm.key.as_str()]);
    assert!(outcomes.instruments[1].summaries.is_empty());
    assert!(outcomes.instruments[1].sessions.is_empty());

    let ucl_outcome = &outcomes.instruments[0];
    let raters: Vec<Rater> = ucl_outcome.summaries.iter().map(|s| s.rater).collect();
    assert_eq!(raters, [SelfReport, Carer]);
    // Self, over the period: pairs (Arthur, 1), (Doreen, 1), (Arthur, 2) are
    // counted; (Doreen, 2) is left out. Before (2 + 4 + 3) / 3 = 3, after
    // (3 + 4 + 5) / 3 = 4: +1 point, +33.3…%; improved 2, same 1.
    let own = &ucl_outcome.summaries[0];
    assert_eq!(own.counted, 3);
    close_opt(own.pre_mean, 3.0);
    close_opt(own.post_mean, 4.0);
    close(own.change.unwrap().points, 1.0);
    close_opt(own.change.unwrap().percent, 100.0 / 3.0);
    assert_eq!((own.improved, own.same, own.worse), (2, 1, 0));
    let counted: Vec<&str> = own.people.iter().map(|p| p.person_id.as_str()).collect();
    assert_eq!(counted, [&arthur.id, &doreen.id, &arthur.id]);
    assert_eq!(own.left_out.len(), 1);
    assert_eq!(own.left_out[0].person_id, doreen.id);
    // Carer: Arthur in session 1 only, 1 → 3: +2 points, +200%.
    let carer = &ucl_outcome.summaries[1];
    assert_eq!(carer.counted, 1);
    close_opt(carer.pre_mean, 1.0);
    close_opt(carer.post_mean, 3.0);
    close_opt(carer.change.unwrap().percent, 200.0);

    // Session by session, oldest first, session 3 (no answers) left out.
    let dates: Vec<&str> = ucl_outcome
        .sessions
        .iter()
        .map(|s| s.date.as_str())
        .collect();
    assert_eq!(dates, ["2025-03-06", "2025-03-13"]);
    let first = &ucl_outcome.sessions[0];
    assert_eq!(first.session_id, s1.id);
    assert_eq!(first.summaries.len(), 2);
    // Session 1, self: before (2 + 4) / 2 = 3, after (3 + 4) / 2 = 3.5.
    assert_eq!(first.summaries[0].counted, 2);
    close_opt(first.summaries[0].pre_mean, 3.0);
    close_opt(first.summaries[0].post_mean, 3.5);
    assert_eq!(first.summaries[1].rater, Carer);
    let second = &ucl_outcome.sessions[1];
    assert_eq!(second.summaries.len(), 1);
    assert_eq!(second.summaries[0].counted, 1);
    assert_eq!(second.summaries[0].left_out[0].person_id, doreen.id);

    // The session outside the period counts when the period includes it:
    // self before (2 + 4 + 3 + 1) / 4 = 2.5, after (3 + 4 + 5 + 5) / 4 = 4.25.
    let longer = f
        .store
        .group_outcomes(&f.group.id, "2025-03-01", "2025-04-30")
        .unwrap();
    let own = &longer.instruments[0].summaries[0];
    assert_eq!(own.counted, 4);
    close_opt(own.pre_mean, 2.5);
    close_opt(own.post_mean, 4.25);

    // A single day works; periods that end before they start do not.
    let one_day = f
        .store
        .group_outcomes(&f.group.id, "2025-03-13", "2025-03-13")
        .unwrap();
    assert_eq!(one_day.instruments[0].sessions.len(), 1);
    assert_eq!(one_day.instruments[0].summaries[0].counted, 1);
    let (field, _) = invalid(
        f.store
            .group_outcomes(&f.group.id, "2025-03-31", "2025-03-01")
            .unwrap_err(),
    );
    assert_eq!(field, "to");
    let (field, _) = invalid(
        f.store
            .group_outcomes(&f.group.id, "2025-13-01", "2025-03-01")
            .unwrap_err(),
    );
    assert_eq!(field, "from");
    assert_eq!(
        f.store
            .group_outcomes("no-group", "2025-03-01", "2025-03-31")
            .unwrap_err()
            .code(),
        "not_found"
    );
}
