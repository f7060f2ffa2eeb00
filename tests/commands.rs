//! The commands as the UI calls them: through Tauri's IPC on the mock runtime,
//! with camelCase arguments in and `{code, message, field}` errors out.
//! `App` is the harness the other command tests share.

use refrain_app::error::CommandError;
use refrain_app::state::AppState;
use refrain_app::state::{VaultCreated, VaultStatus};
use refrain_core::model::*;
use refrain_core::vault::{self, KdfParams, StoreKey};
use refrain_core::Store;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::WebviewWindow;

pub(crate) struct App {
    _dir: tempfile::TempDir,
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

impl App {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::from_store(Store::open_in_dir(dir.path()).unwrap());
        Self::with_state(dir, state)
    }

    fn with_state(dir: tempfile::TempDir, state: AppState) -> Self {
        let app = refrain_app::with_app(mock_builder(), state)
            .build(mock_context(noop_assets()))
            .unwrap();
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        App {
            _dir: dir,
            _app: app,
            window,
        }
    }

    pub(crate) fn call(&self, cmd: &str, args: Value) -> Result<Value, CommandError> {
        self.call_raw(cmd, args).map_err(|e| {
            serde_json::from_value(e.clone()).unwrap_or_else(|_| panic!("untyped error: {e}"))
        })
    }

    fn call_raw(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        crate::ipc::invoke(&self.window, cmd, args)
    }

    pub(crate) fn ok<T: DeserializeOwned>(&self, cmd: &str, args: Value) -> T {
        let v = self
            .call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e:?}"));
        serde_json::from_value(v).unwrap()
    }
}

#[test]
fn a_register_is_taken_through_the_commands() {
    let app = App::new();
    let info: StoreInfo = app.ok("app_info", json!({}));
    assert!(info.is_empty);

    let group: Group = app.ok(
        "create_group",
        json!({"input": {"name": "Tuesday Sing-along", "weekday": "tuesday",
                         "startTime": "10:30", "endTime": "12:00"}}),
    );
    let mut ids = Vec::new();
    for name in ["Margaret Ellis", "Arthur Bennett"] {
        let p: Attendee = app.ok("create_attendee", json!({"input": {"fullName": name}}));
        let _: Membership = app.ok(
            "add_member",
            json!({"groupId": group.id, "attendeeId": p.id, "joinedOn": "2025-01-01"}),
        );
        ids.push(p.id);
    }
    let session: Session = app.ok(
        "create_session",
        json!({"input": {"groupId": group.id, "date": "2025-03-04", "startTime": "10:30", "endTime": "12:00"}}),
    );
    let reg: Register = app.ok(
        "set_mark",
        json!({"sessionId": session.id, "attendeeId": ids[0], "mark": "leftEarly"}),
    );
    assert_eq!(
        reg.entries
            .iter()
            .find(|e| e.attendee_id == ids[0])
            .unwrap()
            .mark,
        Some(Mark::LeftEarly)
    );
    let _: Register = app.ok(
        "set_mark",
        json!({"sessionId": session.id, "attendeeId": ids[0], "mark": null}),
    );
    let note: Note = app.ok(
        "save_note_draft",
        json!({"sessionId": session.id, "attendeeId": null, "body": "Daisy Bell", "authorId": null}),
    );
    assert_eq!(note.body, "Daisy Bell");

    let reg: Register = app.ok("get_register", json!({"sessionId": session.id}));
    assert_eq!(reg.entries.len(), 2);
    assert!(reg.entries.iter().all(|e| e.mark.is_none()));
    let notes: SessionNotes = app.ok("session_notes", json!({"sessionId": session.id}));
    assert_eq!(notes.group_note.unwrap().body, "Daisy Bell");
}

#[test]
fn validation_errors_name_the_field_they_belong_to() {
    let app = App::new();
    let err = app
        .call(
            "create_group",
            json!({"input": {"name": "Drop-in", "startTime": "14:00", "endTime": "13:00"}}),
        )
        .unwrap_err();
    assert_eq!(
        err,
        CommandError {
            code: refrain_core::error::ErrorCode::Invalid,
            message: "The end time must be after the start time.".into(),
            field: Some("endTime".into()),
        }
    );
    let err = app
        .call("create_attendee", json!({"input": {"fullName": "  "}}))
        .unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.field.as_deref()),
        ("invalid", Some("fullName"))
    );
}

#[test]
fn missing_records_and_conflicts_have_their_own_codes() {
    let app = App::new();
    let err = app
        .call("get_group", json!({"id": "no-such-id"}))
        .unwrap_err();
    assert_eq!(err.code, "not_found");
    assert!(err.field.is_none());

    let _: () = app.ok("load_demo_data", json!({}));
    let err = app.call("load_demo_data", json!({})).unwrap_err();
    assert_eq!(err.code, "conflict");
    let groups: Vec<Group> = app.ok("list_groups", json!({"includeArchived": false}));
    assert_eq!(groups.len(), 2);
}

const PASS: &str = "blue kettle orchard";

fn fast() -> KdfParams {
    KdfParams::insecure_for_tests()
}

/// An encrypted store in `dir` holding the sample data, closed; its key.
fn encrypted_seeded(dir: &std::path::Path) -> StoreKey {
    let created = vault::create(dir, PASS, fast()).unwrap();
    let mut store = Store::open_in_dir_keyed(dir, &created.key).unwrap();
    refrain_core::demo::seed(&mut store, refrain_core::store::today()).unwrap();
    store.backup_to(&store.backups_dir()).unwrap();
    created.key.clone()
}

/// The app as it starts on `dir` (locked, or asking for a first passphrase).
fn app_on(dir: &std::path::Path) -> App {
    let state = AppState::open_in_with(Some(dir.to_path_buf()), fast());
    App::with_state(tempfile::tempdir().unwrap(), state)
}

#[test]
fn a_store_that_could_not_be_opened_is_reported_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let key = encrypted_seeded(dir.path());
    // A file as a newer Refrain would leave it.
    let conn = rusqlite::Connection::open(dir.path().join(refrain_core::store::DB_FILE)).unwrap();
    key.apply(&conn).unwrap();
    conn.pragma_update(
        None,
        "user_version",
        refrain_core::store::SCHEMA_VERSION + 5,
    )
    .unwrap();
    drop(conn);

    let app = app_on(dir.path());
    let _: VaultStatus = app.ok("vault_unlock", json!({"passphrase": PASS}));
    let err = app.call("app_info", json!({})).unwrap_err();
    assert_eq!(err.code, "newer_schema");
    assert!(err.message.contains("Please update Refrain"));
    let err = app
        .call("list_groups", json!({"includeArchived": false}))
        .unwrap_err();
    assert_eq!(err.code, "newer_schema");
}

#[test]
fn the_first_passphrase_the_lock_and_the_recovery_key_through_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_on(dir.path());
    let status: VaultStatus = app.ok("vault_status", json!({}));
    assert_eq!(status.state, "new");
    assert_eq!(
        app.call("app_info", json!({})).unwrap_err().code,
        "needs_passphrase"
    );

    let err = app
        .call(
            "vault_create",
            json!({"passphrase": "short", "remember": false}),
        )
        .unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.field.as_deref()),
        ("invalid", Some("passphrase"))
    );

    let created: VaultCreated = app.ok(
        "vault_create",
        json!({"passphrase": PASS, "remember": false}),
    );
    assert_eq!(created.status.state, "unlocked");
    assert_eq!(created.recovery_key.split('-').count(), 13);
    let _: Venue = app.ok("create_venue", json!({"input": {"name": "Church hall"}}));

    // Locked: every command says so, and nothing is readable.
    let _: Value = app.ok("vault_lock", json!({}));
    assert_eq!(
        app.ok::<VaultStatus>("vault_status", json!({})).state,
        "locked"
    );
    let err = app
        .call("list_venues", json!({"includeArchived": true}))
        .unwrap_err();
    assert_eq!(err.code, "locked");

    let err = app
        .call("vault_unlock", json!({"passphrase": "blue kettle"}))
        .unwrap_err();
    assert_eq!(err.code, "wrong_passphrase");
    assert!(
        err.message.contains("Nothing has been changed"),
        "{}",
        err.message
    );
    let status: VaultStatus = app.ok("vault_unlock", json!({"passphrase": PASS}));
    assert_eq!(status.state, "unlocked");
    let venues: Vec<Venue> = app.ok("list_venues", json!({"includeArchived": true}));
    assert_eq!(venues.len(), 1);

    // Changing the passphrase needs the current one.
    let err = app
        .call(
            "vault_change_passphrase",
            json!({"current": "nope nope", "newPassphrase": "green door key"}),
        )
        .unwrap_err();
    assert_eq!(err.code, "wrong_passphrase");
    let _: Value = app.ok(
        "vault_change_passphrase",
        json!({"current": PASS, "newPassphrase": "green door key"}),
    );
    let _: Value = app.ok("vault_lock", json!({}));
    assert_eq!(
        app.call("vault_unlock", json!({"passphrase": PASS}))
            .unwrap_err()
            .code,
        "wrong_passphrase"
    );

    // Forgotten: the recovery key opens it and sets a new one.
    let err = app
        .call(
            "vault_recover",
            json!({"recoveryKey": "AAAA-BBBB", "newPassphrase": "fresh words here"}),
        )
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("recoveryKey"));
    let status: VaultStatus = app.ok(
        "vault_recover",
        json!({"recoveryKey": created.recovery_key, "newPassphrase": "fresh words here"}),
    );
    assert_eq!(status.state, "unlocked");
    let venues: Vec<Venue> = app.ok("list_venues", json!({"includeArchived": true}));
    assert_eq!(venues.len(), 1);

    let err = app
        .call("vault_set_idle_lock", json!({"minutes": 7}))
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("idleLockMinutes"));
    let status: VaultStatus = app.ok("vault_set_idle_lock", json!({"minutes": 5}));
    assert_eq!(status.idle_lock_minutes, 5);
}

#[test]
fn an_earlier_versions_plain_store_is_encrypted_when_the_passphrase_is_set() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open_in_dir(dir.path()).unwrap();
        refrain_core::demo::seed(&mut store, refrain_core::store::today()).unwrap();
    }
    let app = app_on(dir.path());
    assert_eq!(
        app.ok::<VaultStatus>("vault_status", json!({})).state,
        "unencrypted"
    );
    let _: VaultCreated = app.ok(
        "vault_create",
        json!({"passphrase": PASS, "remember": false}),
    );
    let people: Vec<AttendeeSummary> = app.ok(
        "list_attendees",
        json!({"query": "", "includeArchived": false}),
    );
    assert_eq!(people.len(), 15);
    assert!(!vault::is_plain_sqlite(
        &dir.path().join(refrain_core::store::DB_FILE)
    ));
}

#[test]
fn malformed_arguments_are_refused_not_panicked_on() {
    // Tauri refuses arguments that don't fit the command's types before the
    // command runs; the UI's api module turns that into a CommandError.
    let app = App::new();
    let err = app
        .call_raw(
            "set_mark",
            json!({"sessionId": "x", "attendeeId": "y", "mark": "asleep"}),
        )
        .unwrap_err();
    assert!(err.as_str().unwrap_or_default().contains("mark"), "{err}");
    // The app still answers afterwards.
    let info: StoreInfo = app.ok("app_info", json!({}));
    assert!(info.is_empty);
}

#[test]
fn music_goes_through_the_commands_with_typed_errors() {
    let app = App::new();
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("Shopping list.mp3");
    std::fs::write(&fake, "eggs, milk, tea bags\n").unwrap();
    let song = dir.path().join("Oh Susanna.wav");
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/music");
    std::fs::copy(samples.join("Oh Susanna.wav"), &song).unwrap();

    let report: ImportReport = app.ok("import_tracks", json!({"paths": [fake, song]}));
    assert_eq!(report.imported.len(), 1);
    assert_eq!(report.imported[0].title, "Oh! Susanna");
    assert_eq!(report.refused.len(), 1);
    assert_eq!(report.refused[0].reason, RefusalReason::NotAudio);
    let track = &report.imported[0];

    // A setlist needs its group; the error names the field.
    let err = app
        .call(
            "create_playlist",
            json!({"kind": "setlist", "input": {"name": "Warm-ups"}}),
        )
        .unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.field.as_deref()),
        ("invalid", Some("groupId"))
    );

    // The player answers every command with its state, never a panic, even
    // with no sound output here.
    let state: PlayerState = app.ok("player_state", json!({}));
    assert!(matches!(
        state.status,
        PlayerStatus::Idle | PlayerStatus::NoOutput
    ));
    let err = app
        .call("play_track", json!({"trackId": "no-such-track"}))
        .unwrap_err();
    assert_eq!(err.code, "not_found");
    match app.call("play_track", json!({"trackId": track.id})) {
        Ok(v) => {
            let s: PlayerState = serde_json::from_value(v).unwrap();
            assert_eq!(s.track.map(|t| t.id), Some(track.id.clone()));
        }
        Err(e) => assert_eq!(e.code, "no_output", "{e:?}"),
    }
    let state: PlayerState = app.ok("player_set_volume", json!({"volume": 7.0}));
    assert_eq!(state.volume, 1.0, "volume is clamped to 100%");
    let _: PlayerState = app.ok("player_stop", json!({}));
}

/// A group with one person marked present in one session, through the commands.
fn group_with_one_present(app: &App) -> (Group, Session, String) {
    let group: Group = app.ok(
        "create_group",
        json!({"input": {"name": "Drop-in", "weekday": "monday",
                         "startTime": "14:00", "endTime": "15:30"}}),
    );
    let p: Attendee = app.ok(
        "create_attendee",
        json!({"input": {"fullName": "Doreen Hale"}}),
    );
    let _: Membership = app.ok(
        "add_member",
        json!({"groupId": group.id, "attendeeId": p.id, "joinedOn": "2025-01-01"}),
    );
    let session: Session = app.ok(
        "create_session",
        json!({"input": {"groupId": group.id, "date": "2025-03-03", "startTime": "14:00", "endTime": "15:30"}}),
    );
    let _: Register = app.ok(
        "set_mark",
        json!({"sessionId": session.id, "attendeeId": p.id, "mark": "present"}),
    );
    (group, session, p.id)
}

#[test]
fn outcomes_go_through_the_commands_with_typed_errors() {
    let app = App::new();
    let (group, session, person) = group_with_one_present(&app);
    let chosen: Vec<GroupInstrument> = app.ok(
        "set_group_instruments",
        json!({"groupId": group.id,
               "choices": [{"instrumentKey": "ucl-umbrella-generic", "rater": "self"}]}),
    );
    assert_eq!(chosen.len(), 1);

    let answers = |values: [i32; 6]| {
        let keys = [
            "active",
            "alert",
            "enthusiastic",
            "excited",
            "happy",
            "inspired",
        ];
        keys.iter()
            .zip(values)
            .map(|(k, v)| json!({"itemKey": k, "value": v}))
            .collect::<Vec<_>>()
    };
    for (timing, values) in [
        ("before", [2, 2, 3, 2, 1, 2]),
        ("after", [4, 3, 4, 4, 3, 3]),
    ] {
        let set: ScoreSet = app.ok(
            "record_scores",
            json!({"input": {"attendeeId": person, "sessionId": session.id,
                   "instrumentKey": "ucl-umbrella-generic", "timing": timing,
                   "rater": "self", "answers": answers(values)}}),
        );
        assert!(matches!(
            set.scored,
            refrain_core::outcomes::Scored::Complete { .. }
        ));
    }
    let sheet: ScoreSheet = app.ok("score_sheet", json!({"sessionId": session.id}));
    assert_eq!(sheet.rows.len(), 1);
    let summary = &sheet.summaries[0];
    assert_eq!(summary.counted, 1);
    assert!((summary.pre_mean.unwrap() - 2.0).abs() < 1e-9);
    assert!((summary.post_mean.unwrap() - 3.5).abs() < 1e-9);

    // A value off the scale is refused with the field it belongs to.
    let err = app
        .call(
            "record_scores",
            json!({"input": {"attendeeId": person, "sessionId": session.id,
                   "instrumentKey": "ucl-umbrella-generic", "timing": "before",
                   "rater": "self", "answers": [{"itemKey": "happy", "value": 9}]}}),
        )
        .unwrap_err();
    assert_eq!(err.code, "invalid");
    assert_eq!(err.field.as_deref(), Some("answers"));
    // ... and the earlier answers are untouched.
    let sheet: ScoreSheet = app.ok("score_sheet", json!({"sessionId": session.id}));
    assert_eq!(sheet.summaries[0].counted, 1);
}

#[test]
fn notes_are_signed_and_amended_through_the_commands() {
    let app = App::new();
    let (_group, session, person) = group_with_one_present(&app);
    let me: Practitioner = app.ok(
        "create_practitioner",
        json!({"input": {"name": "Sam Okafor", "hcpcNumber": "as 12345"}}),
    );
    assert_eq!(me.hcpc_number, "AS12345");

    let draft: Note = app.ok(
        "save_note_draft",
        json!({"sessionId": session.id, "attendeeId": person,
               "body": "Sang the whole of Daisy Bell.", "authorId": me.id}),
    );
    assert!(draft.signed.is_none());
    let signed: Note = app.ok(
        "sign_note",
        json!({"noteId": draft.id, "practitionerId": me.id}),
    );
    assert_eq!(signed.signed.as_ref().unwrap().hcpc_number, "AS12345");

    let err = app
        .call(
            "save_note_draft",
            json!({"sessionId": session.id, "attendeeId": person,
                   "body": "changed", "authorId": me.id}),
        )
        .unwrap_err();
    assert_eq!(err.code, "note_signed");

    let amended: Note = app.ok(
        "amend_note",
        json!({"noteId": draft.id, "practitionerId": me.id,
               "body": "Also Pack Up Your Troubles.", "reason": "Left out"}),
    );
    assert_eq!(amended.body, "Sang the whole of Daisy Bell.");
    assert_eq!(amended.amendments.len(), 1);

    let hits: Vec<NoteHit> = app.ok(
        "search_notes",
        json!({"query": "troubles", "practitionerId": me.id}),
    );
    assert_eq!(hits.len(), 1);
    assert!(hits[0].in_amendment);
}

#[test]
fn changes_are_logged_under_whoever_is_using_refrain() {
    let app = App::new();
    let me: Practitioner = app.ok(
        "create_practitioner",
        json!({"input": {"name": "Sam Okafor", "hcpcNumber": "AS12345"}}),
    );
    app.ok::<()>("set_actor", json!({"practitionerId": me.id}));
    let venue: Venue = app.ok("create_venue", json!({"input": {"name": "Church hall"}}));
    app.ok::<()>("archive_venue", json!({"id": venue.id}));
    app.ok::<()>("set_actor", json!({"practitionerId": null}));
    app.ok::<Venue>("create_venue", json!({"input": {"name": "Day centre"}}));

    let latest: Vec<AuditEntry> = app.ok(
        "audit_log",
        json!({"recordId": null, "practitionerId": null, "limit": 50}),
    );
    assert_eq!(latest.len(), 4);
    assert_eq!(latest[0].practitioner_id, None);
    assert_eq!(latest[1].action, AuditAction::Archived);
    assert_eq!(latest[1].practitioner_name.as_deref(), Some("Sam Okafor"));
    assert_eq!(latest[1].what, "venue");

    let history: Vec<AuditEntry> = app.ok(
        "audit_log",
        json!({"recordId": venue.id, "practitionerId": me.id, "limit": 50}),
    );
    let actions: Vec<AuditAction> = history.iter().map(|e| e.action).collect();
    assert_eq!(actions, [AuditAction::Archived, AuditAction::Created]);

    let err = app
        .call(
            "audit_log",
            json!({"recordId": null, "practitionerId": null, "limit": 0}),
        )
        .unwrap_err();
    assert_eq!(err.code, "invalid");
    assert_eq!(err.field.as_deref(), Some("limit"));
}

#[test]
fn backups_are_made_listed_and_restored_through_the_commands() {
    let app = App::new();
    app.ok::<Venue>("create_venue", json!({"input": {"name": "Church hall"}}));

    // Into a folder the person picked, and into the backups folder.
    let picked = tempfile::tempdir().unwrap();
    let path: String = app.ok(
        "backup_now",
        json!({"dir": picked.path().display().to_string()}),
    );
    assert!(std::path::Path::new(&path).starts_with(picked.path()));
    assert!(std::path::Path::new(&path).exists());
    let in_backups: String = app.ok("backup_now", json!({"dir": ""}));
    let list: Vec<refrain_core::store::backup::BackupInfo> = app.ok("list_backups", json!({}));
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].path, in_backups);
    assert_eq!(
        list[0].kind,
        refrain_core::store::backup::BackupKind::Manual
    );

    app.ok::<Venue>("create_venue", json!({"input": {"name": "Day centre"}}));
    let report: Value = app.ok("restore_backup", json!({"path": path}));
    assert!(report["replacedMovedTo"]
        .as_str()
        .unwrap()
        .contains("replaced-"));
    // The store was reopened on the restored data.
    let venues: Vec<Venue> = app.ok("list_venues", json!({"includeArchived": true}));
    let names: Vec<&str> = venues.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["Church hall"]);

    // A file that isn't a backup is refused, typed, and the store carries on.
    let junk = picked.path().join("junk.db");
    std::fs::write(&junk, b"nothing like a database").unwrap();
    let err = app
        .call(
            "restore_backup",
            json!({"path": junk.display().to_string()}),
        )
        .unwrap_err();
    assert_eq!(err.code, "backup_failed");
    let venues: Vec<Venue> = app.ok("list_venues", json!({"includeArchived": true}));
    assert_eq!(venues.len(), 1);
}

#[test]
fn a_damaged_store_can_still_be_restored_through_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let key = encrypted_seeded(dir.path());
    // Damage the middle of the (compacted, closed) encrypted file.
    let db = dir.path().join(refrain_core::store::DB_FILE);
    let conn = rusqlite::Connection::open(&db).unwrap();
    key.apply(&conn).unwrap();
    conn.execute_batch("VACUUM").unwrap();
    drop(conn);
    let mut bytes = std::fs::read(&db).unwrap();
    let middle = (bytes.len() / 4096 / 2) * 4096;
    for b in &mut bytes[middle + 64..middle + 72] {
        *b ^= 0xff;
    }
    std::fs::write(&db, bytes).unwrap();

    let app = app_on(dir.path());
    // The passphrase is right; the store behind it is damaged.
    let status: VaultStatus = app.ok("vault_unlock", json!({"passphrase": PASS}));
    assert_eq!(status.state, "unlocked");
    let err = app.call("app_info", json!({})).unwrap_err();
    assert_eq!(err.code, "store_damaged");
    assert!(
        err.message.contains("restoring a backup"),
        "{}",
        err.message
    );

    let list: Vec<refrain_core::store::backup::BackupInfo> = app.ok("list_backups", json!({}));
    assert_eq!(list.len(), 1);
    let _: Value = app.ok("restore_backup", json!({"path": list[0].path}));
    let info: StoreInfo = app.ok("app_info", json!({}));
    assert!(!info.is_empty);
    let people: Vec<AttendeeSummary> = app.ok(
        "list_attendees",
        json!({"query": "", "includeArchived": false}),
    );
    assert_eq!(people.len(), 15);
}

#[test]
fn the_apps_automatic_backup_copies_under_the_lock_and_checks_outside_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::from_store(Store::open_in_dir(dir.path()).unwrap());
    state
        .with(|s| {
            s.create_venue(&VenueInput {
                name: "Church hall".into(),
                ..Default::default()
            })
        })
        .unwrap();
    let made = state.auto_backup().unwrap().unwrap();
    assert!(made.starts_with(dir.path().join("backups")));
    assert_eq!(state.auto_backup().unwrap(), None, "nothing changed since");
    let list = refrain_core::store::backup::list_backups(dir.path()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].kind, refrain_core::store::backup::BackupKind::Auto);
}

#[test]
fn reports_are_shown_saved_and_refused_through_the_commands() {
    let app = App::new();
    let (group, _, person) = group_with_one_present(&app);
    let register: RegisterReport = app.ok(
        "register_report",
        json!({"groupId": group.id, "from": "2025-03-01", "to": "2025-03-31"}),
    );
    assert_eq!((register.attended, register.expected), (1, 1));
    assert_eq!(register.people[0].full_name, "Doreen Hale");

    // Saved where asked, whole.
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("register.csv");
    let done: ExportDone = app.ok(
        "export_report",
        json!({"request": {"kind": "register", "groupId": group.id, "from": "2025-03-01", "to": "2025-03-31"},
               "format": "csv", "path": path}),
    );
    assert_eq!(done.bytes, std::fs::metadata(&path).unwrap().len());
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("Doreen Hale,present,1,1,100.0"));

    // A bad period: a typed error beside its field, nothing written.
    let bad = out.path().join("bad.pdf");
    let e = app
        .call(
            "export_report",
            json!({"request": {"kind": "register", "groupId": group.id, "from": "2025-03-31", "to": "2025-03-01"},
                   "format": "pdf", "path": bad}),
        )
        .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.field.as_deref()),
        ("invalid", Some("to"))
    );
    assert!(!bad.exists());

    // Feedback without consent: refused, nothing written.
    let e = app
        .call(
            "export_report",
            json!({"request": {"kind": "referrerFeedback", "attendeeId": person, "summary": ""},
                   "format": "pdf", "path": bad}),
        )
        .unwrap_err();
    assert_eq!(e.code, "conflict");
    assert!(!bad.exists());

    let name: String = app.ok(
        "report_file_name",
        json!({"request": {"kind": "subjectAccess", "attendeeId": person}, "format": "json"}),
    );
    assert_eq!(name, "Subject access Doreen Hale.json");
}

#[test]
fn erasure_goes_through_the_commands() {
    let app = App::new();
    let (group, _, person) = group_with_one_present(&app);
    let e = app
        .call("erase_attendee", json!({"id": person, "reason": " "}))
        .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.field.as_deref()),
        ("invalid", Some("reason"))
    );
    let erased: Erasure = app.ok(
        "erase_attendee",
        json!({"id": person, "reason": "Asked by phone"}),
    );
    assert_eq!(erased.reason, "Asked by phone");
    let detail: AttendeeDetail = app.ok("get_attendee", json!({"id": person}));
    assert!(detail.attendee.full_name.starts_with("Erased person"));
    assert!(detail.erasure.is_some());
    let register: RegisterReport = app.ok(
        "register_report",
        json!({"groupId": group.id, "from": "2025-03-01", "to": "2025-03-31"}),
    );
    assert_eq!(
        (register.attended, register.expected),
        (1, 1),
        "the count stands"
    );
}

#[test]
fn people_are_imported_from_a_spreadsheet_through_the_commands() {
    use refrain_app::people::{ImportFile, PeopleImportProgress};
    use std::sync::{Arc, Mutex};
    use tauri::Listener;

    let app = App::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Referrals.csv");
    std::fs::write(
        &path,
        "Full name,Date of birth,Referral source,Referral date\n\
         Margaret Ellis,02/03/1948,GP link worker,14/01/2025\n\
         Arthur Bennett,31/02/1950,,\n\
         Doreen Walsh,03/02/1940,,\n",
    )
    .unwrap();

    // Read: the table, the columns as guessed, and every field to offer.
    let file: ImportFile = app.ok("read_import_file", json!({ "path": path }));
    assert_eq!(file.table.file_name, "Referrals.csv");
    assert_eq!(file.table.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(file.table.rows.len(), 3);
    assert_eq!(
        file.mapping.columns,
        vec![
            Some(ImportField::FullName),
            Some(ImportField::DateOfBirth),
            Some(ImportField::ReferralSource),
            Some(ImportField::ReferralReceivedOn),
        ]
    );
    assert_eq!(file.fields.len(), ImportField::ALL.len());
    assert_eq!(file.fields[0].label, "Full name");

    // A file Refrain can't read is refused in words, beside no field but the file.
    let odd = dir.path().join("people.pdf");
    std::fs::write(&odd, "%PDF").unwrap();
    let err = app
        .call("read_import_file", json!({ "path": odd }))
        .unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.field.as_deref()),
        ("invalid", Some("file"))
    );

    // Preview: the bad date is found at its row and column.
    let args = json!({ "table": file.table, "mapping": file.mapping });
    let preview: ImportPreview = app.ok("preview_import", args.clone());
    assert_eq!(
        (preview.total_rows, preview.ready_rows, preview.problem_rows),
        (3, 2, 1)
    );
    assert_eq!(preview.problems.len(), 1);
    let problem = &preview.problems[0];
    assert_eq!(problem.row, 3);
    assert_eq!(problem.column.as_deref(), Some("B (Date of birth)"));
    assert_eq!(problem.field, Some(ImportField::DateOfBirth));
    assert!(problem
        .message
        .starts_with("Row 3, column B (Date of birth)"));

    // A mapping without the name is refused, beside the mapping.
    let err = app
        .call(
            "preview_import",
            json!({ "table": file.table, "mapping": { "columns": [null, "dateOfBirth", null, null] } }),
        )
        .unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.field.as_deref()),
        ("invalid", Some("mapping"))
    );

    let progress = Arc::new(Mutex::new(Vec::<PeopleImportProgress>::new()));
    let seen = progress.clone();
    app._app.listen("people-import-progress", move |e| {
        seen.lock()
            .unwrap()
            .push(serde_json::from_str(e.payload()).unwrap());
    });

    // With a problem and no skipping, nobody is imported.
    let mut refused = args.clone();
    refused["skipBadRows"] = json!(false);
    let err = app.call("import_people", refused).unwrap_err();
    assert_eq!(err.code, "invalid");
    assert!(
        err.message.contains("nobody was imported"),
        "{}",
        err.message
    );
    let people: Vec<AttendeeSummary> = app.ok(
        "list_attendees",
        json!({ "query": "", "includeArchived": true }),
    );
    assert!(people.is_empty());

    // Skipping the bad rows imports the others, with the referral.
    let mut skipping = args;
    skipping["skipBadRows"] = json!(true);
    let outcome: ImportOutcome = app.ok("import_people", skipping);
    assert_eq!(
        outcome,
        ImportOutcome {
            people_added: 2,
            referrals_added: 1,
            rows_skipped: 1
        }
    );
    let people: Vec<AttendeeSummary> = app.ok(
        "list_attendees",
        json!({ "query": "", "includeArchived": true }),
    );
    let mut names: Vec<_> = people.iter().map(|p| p.full_name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["Doreen Walsh", "Margaret Ellis"]);
    let last = progress.lock().unwrap().last().cloned();
    assert_eq!(last, Some(PeopleImportProgress { done: 2, total: 2 }));
}

#[test]
fn referrals_are_answered_in_time_through_the_commands() {
    let app = App::new();
    let p: Attendee = app.ok(
        "create_attendee",
        json!({"input": {"fullName": "Ann Waiting"}}),
    );
    let received =
        refrain_core::validate::fmt_date(refrain_core::store::today() - chrono::Days::new(15));
    let r: Referral = app.ok(
        "add_referral",
        json!({"input": {"attendeeId": p.id, "source": "gpLinkWorker",
                         "referrerName": "Chris Doyle", "receivedOn": received}}),
    );
    let list: AwaitingReplies = app.ok("referrals_awaiting_reply", json!({}));
    assert_eq!((list.response_days, list.overdue), (14, 1));
    assert_eq!(list.referrals[0].days_waiting, 15);

    // A decline without its reason names the field; nothing is written.
    let err = app
        .call(
            "set_referral_status",
            json!({"referralId": r.id, "status": "declined", "changedOn": received,
                   "note": "", "declineReason": null}),
        )
        .unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.field.as_deref()),
        ("invalid", Some("declineReason"))
    );
    let declined: Referral = app.ok(
        "set_referral_status",
        json!({"referralId": r.id, "status": "declined", "changedOn": received,
               "note": "", "declineReason": "couldNotContact"}),
    );
    assert_eq!(
        declined.history.last().unwrap().decline_reason,
        Some(DeclineReason::CouldNotContact)
    );
    let list: AwaitingReplies = app.ok("referrals_awaiting_reply", json!({}));
    assert!(list.referrals.is_empty());

    let err = app
        .call(
            "set_practice_settings",
            json!({"input": {"referralResponseDays": 0}}),
        )
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("referralResponseDays"));
    let s: PracticeSettings = app.ok(
        "set_practice_settings",
        json!({"input": {"referralResponseDays": 10}}),
    );
    assert_eq!(s.referral_response_days, 10);
    let s: PracticeSettings = app.ok("practice_settings", json!({}));
    assert_eq!(s.referral_response_days, 10);
    assert_eq!(s.episode_instrument_key, "ons4", "ONS4 unless chosen");
    let err = app
        .call(
            "set_practice_settings",
            json!({"input": {"referralResponseDays": 10, "episodeInstrumentKey": "nope"}}),
        )
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("episodeInstrumentKey"));
    let due: Vec<EpisodeDue> = app.ok("episode_measures_due", json!({}));
    assert!(due.is_empty(), "declined, and never came: nothing due");
}

#[test]
fn the_practice_details_and_the_directory_listing_go_through_the_commands() {
    let app = App::new();
    let (_group, _session, doreen) = group_with_one_present(&app);
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("listing.json");
    let request = json!({"request": {"kind": "directory"}, "format": "json", "path": path});

    // No practice name yet: refused in words, nothing written.
    let e = app.call("export_report", request.clone()).unwrap_err();
    assert!(e.message.contains("Practice details"), "{}", e.message);
    assert!(!path.exists());

    let e = app
        .call(
            "set_practice_details",
            json!({"input": {"name": "Hall Lane Music", "website": "not a site"}}),
        )
        .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.field.as_deref()),
        ("invalid", Some("website"))
    );
    let saved: PracticeDetails = app.ok(
        "set_practice_details",
        json!({"input": {"name": "Hall Lane Music", "email": "hello@example.org",
                         "phone": "", "website": "example.org", "description": ""}}),
    );
    assert_eq!(saved.website, "https://example.org/");
    let read: PracticeDetails = app.ok("practice_details", json!({}));
    assert_eq!(read, saved);

    let gaps: Vec<String> = app.ok("directory_gaps", json!({}));
    assert!(gaps.iter().all(|g| !g.contains("website")), "{gaps:?}");
    let done: ExportDone = app.ok("export_report", request);
    assert_eq!(done.bytes, std::fs::metadata(&path).unwrap().len());
    let listing: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(listing.len(), 1);
    assert_eq!(listing[0]["organization"]["name"], "Hall Lane Music");
    assert!(!std::fs::read_to_string(&path).unwrap().contains(&doreen));
    let name: String = app.ok(
        "report_file_name",
        json!({"request": {"kind": "directory"}, "format": "json"}),
    );
    assert_eq!(name, "Open Referral UK listing Hall Lane Music.json");
}

#[test]
fn the_music_life_story_and_the_avoid_list_go_through_the_commands() {
    let app = App::new();
    let (group, session, doreen) = group_with_one_present(&app);
    let dir = tempfile::tempdir().unwrap();
    let song = dir.path().join("Oh Susanna.wav");
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/music");
    std::fs::copy(samples.join("Oh Susanna.wav"), &song).unwrap();
    let report: ImportReport = app.ok("import_tracks", json!({"paths": [song]}));
    let track = report.imported[0].clone();

    // The year alone; a bad one is refused beside its field.
    let err = app
        .call(
            "save_music_story",
            json!({"attendeeId": doreen, "input": {"birthYear": "nineteen forty"}}),
        )
        .unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.field.as_deref()),
        ("invalid", Some("birthYear"))
    );
    let story: MusicStory = app.ok(
        "save_music_story",
        json!({"attendeeId": doreen, "input": {"birthYear": "1940",
               "favouriteSongs": "Oh! Susanna", "howTheyListen": "Speaker"}}),
    );
    assert_eq!(story.reminiscence_from, Some(1950));
    assert_eq!(story.reminiscence_to, Some(1970));

    // An avoid entry needs why; then the song is flagged everywhere it is
    // about to be played, with whose it is and why.
    let err = app
        .call(
            "add_avoid",
            json!({"attendeeId": doreen, "input": {"kind": "song", "trackId": track.id}}),
        )
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("why"));
    let story: MusicStory = app.ok(
        "add_avoid",
        json!({"attendeeId": doreen, "input": {"kind": "song", "trackId": track.id,
               "why": "Her father sang it"}}),
    );
    assert_eq!(story.avoid.len(), 1);
    let got: MusicStory = app.ok("get_music_story", json!({"attendeeId": doreen}));
    assert_eq!(got, story);

    let setlist: Playlist = app.ok(
        "create_playlist",
        json!({"kind": "setlist", "input": {"name": "Warm-ups", "groupId": group.id}}),
    );
    let _: Playlist = app.ok(
        "add_to_playlist",
        json!({"playlistId": setlist.id, "trackId": track.id, "note": ""}),
    );
    let flags: Vec<AvoidFlag> = app.ok("playlist_avoid_flags", json!({"playlistId": setlist.id}));
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].attendee_name, "Doreen Hale");
    assert_eq!(flags[0].entry.why, "Her father sang it");
    let _: Session = app.ok(
        "attach_setlist",
        json!({"sessionId": session.id, "playlistId": setlist.id}),
    );
    let flags: Vec<AvoidFlag> = app.ok("session_avoid_flags", json!({"sessionId": session.id}));
    assert_eq!(flags.len(), 1);
    let flags: Vec<AvoidFlag> = app.ok(
        "play_avoid_flags",
        json!({"trackIds": [track.id], "sessionId": session.id}),
    );
    assert_eq!(flags[0].track_id, track.id);

    let story: MusicStory = app.ok("remove_avoid", json!({"id": story.avoid[0].id}));
    assert!(story.avoid.is_empty());
    let flags: Vec<AvoidFlag> = app.ok("session_avoid_flags", json!({"sessionId": session.id}));
    assert!(flags.is_empty());
}

#[test]
fn a_playlist_prescription_goes_through_the_commands() {
    let app = App::new();
    let (_group, _session, doreen) = group_with_one_present(&app);
    let received = refrain_core::validate::fmt_date(refrain_core::store::today());
    let referral: Referral = app.ok(
        "add_referral",
        json!({"input": {"attendeeId": doreen, "source": "memoryClinic",
               "receivedOn": received}}),
    );
    let err = app
        .call(
            "prescribe_playlist",
            json!({"referralId": referral.id, "input": {"requestedOn": received}}),
        )
        .unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.field.as_deref()),
        ("invalid", Some("purposes"))
    );
    let referral: Referral = app.ok(
        "prescribe_playlist",
        json!({"referralId": referral.id, "input": {"purposes": ["calm", "connection"],
               "avoidNotes": "No hymns", "requestedOn": received}}),
    );
    let p = referral.prescription.unwrap();
    assert_eq!(p.status, PrescriptionStatus::Requested);
    let waiting: Vec<WaitingPrescription> = app.ok("waiting_prescriptions", json!({}));
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].referred_by, "Memory clinic");

    let list: Playlist = app.ok(
        "create_playlist",
        json!({"kind": "personal", "input": {"name": "Doreen's calm", "attendeeId": doreen}}),
    );
    let referral: Referral = app.ok(
        "set_prescription_playlist",
        json!({"prescriptionId": p.id, "playlistId": list.id}),
    );
    assert_eq!(
        referral.prescription.unwrap().playlist_name.as_deref(),
        Some("Doreen's calm")
    );
    let referral: Referral = app.ok(
        "set_prescription_status",
        json!({"prescriptionId": p.id, "status": "handedOver", "changedOn": received,
               "note": "Given to her son"}),
    );
    assert_eq!(
        referral.prescription.unwrap().status,
        PrescriptionStatus::HandedOver
    );
    let waiting: Vec<WaitingPrescription> = app.ok("waiting_prescriptions", json!({}));
    assert!(waiting.is_empty());

    // Changed after it was saved; its status stays.
    let err = app
        .call(
            "update_prescription",
            json!({"prescriptionId": p.id, "input": {"purposes": ["other"]}}),
        )
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("purposeNotes"));
    let referral: Referral = app.ok(
        "update_prescription",
        json!({"prescriptionId": p.id, "input": {"purposes": ["calm"],
               "purposeNotes": "Before her bath"}}),
    );
    let changed = referral.prescription.unwrap();
    assert_eq!(changed.purposes, [PrescriptionPurpose::Calm]);
    assert_eq!(changed.status, PrescriptionStatus::HandedOver);

    // The hand-over pack's plan comes from the prescription; an empty
    // playlist is not written anywhere.
    let plan: HandoverPlan = app.ok("handover_plan", json!({"playlistId": list.id}));
    assert_eq!(
        plan.helps_with,
        "Calm before a hard time of day: Before her bath"
    );
    let stick = tempfile::tempdir().unwrap();
    let err = app
        .call(
            "write_handover_pack",
            json!({"input": {"playlistId": list.id, "ifUpset": "Stop it", "contact": "Sam"},
                   "folder": stick.path()}),
        )
        .unwrap_err();
    assert_eq!(err.code, "conflict");
    assert!(err.message.contains("no songs yet"), "{}", err.message);
    assert_eq!(std::fs::read_dir(stick.path()).unwrap().count(), 0);
}

#[test]
fn a_songs_words_and_the_song_book_go_through_the_commands() {
    let app = App::new();
    let dir = tempfile::tempdir().unwrap();
    let song = dir.path().join("Oh Susanna.wav");
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/music");
    std::fs::copy(samples.join("Oh Susanna.wav"), &song).unwrap();
    let report: ImportReport = app.ok("import_tracks", json!({"paths": [song]}));
    let track = report.imported[0].clone();
    let group: Group = app.ok(
        "create_group",
        json!({"input": {"name": "Tuesday Singers"}}),
    );
    let list: Playlist = app.ok(
        "create_playlist",
        json!({"kind": "setlist", "input": {"name": "Warm-ups", "groupId": group.id}}),
    );
    let _: Value = app.ok(
        "add_to_playlist",
        json!({"playlistId": list.id, "trackId": track.id, "note": ""}),
    );

    let none: Option<Lyrics> = app.ok("track_lyrics", json!({"trackId": track.id}));
    assert_eq!(none, None);
    let kept: Option<Lyrics> = app.ok(
        "set_track_lyrics",
        json!({"trackId": track.id, "input": {"words": "Oh! Susanna,\n\ndon't you cry", "rights": "unknown"}}),
    );
    assert!(!kept.unwrap().may_show);
    // A rights value the core does not know is refused, not guessed.
    assert!(app
        .call_raw(
            "set_track_lyrics",
            json!({"trackId": track.id, "input": {"words": "La", "rights": "probably fine"}}),
        )
        .is_err());

    let contents: Songbook = app.ok("songbook_contents", json!({"playlistId": list.id}));
    assert_eq!(contents.unknown_rights.len(), 1);
    let err = app
        .call("songbook", json!({"playlistId": list.id}))
        .unwrap_err();
    assert_eq!(err.code, "conflict");
    assert!(err.message.contains("“Oh! Susanna”"), "{}", err.message);

    let _: Option<Lyrics> = app.ok(
        "set_track_lyrics",
        json!({"trackId": track.id, "input": {"words": "Oh! Susanna,\n\ndon't you cry", "rights": "publicDomain", "credit": "Stephen Foster"}}),
    );
    let book: Songbook = app.ok("songbook", json!({"playlistId": list.id}));
    assert_eq!(book.songs[0].verses, ["Oh! Susanna,", "don't you cry"]);
    assert_eq!(
        book.songs[0].credit_line,
        "Words: Stephen Foster. Public domain."
    );
}
