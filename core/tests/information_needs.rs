//! The Accessible Information Standard's flags (kept like the person's
//! other clinical details, shown on the register, honoured in print) and
//! the Open Referral UK listing of the practice's groups.

use std::process::Command;

use crate::support::{session_on, store};
use refrain_core::model::*;
use refrain_core::report::{self, oruk};
use refrain_core::Store;

fn large_print_needs() -> InformationNeeds {
    InformationNeeds {
        large_print: true,
        contact_via_carer: true,
        interpreter: true,
        interpreter_language: "Polish".into(),
        ..Default::default()
    }
}

fn person(store: &mut Store, name: &str, needs: InformationNeeds) -> Attendee {
    store
        .create_attendee(&AttendeeInput {
            full_name: name.into(),
            information_needs: needs,
            consent_share_outcomes: Consent {
                given: true,
                date: Some("2025-01-02".into()),
            },
            ..Default::default()
        })
        .unwrap()
}

/// A group with a held session both people came to, and a referral each.
fn group_with(store: &mut Store, people: &[&Attendee]) -> (Group, Session) {
    let venue = store
        .create_venue(&VenueInput {
            name: "Northfield Community Centre".into(),
            address: "1 High Street, Northfield".into(),
            access_notes: "Step-free. Hearing loop in the hall.".into(),
        })
        .unwrap();
    let group = store
        .create_group(&GroupInput {
            name: "Tuesday Singers".into(),
            description: "Singing for anyone who likes to sing.".into(),
            venue_id: Some(venue.id),
            weekday: Some(Weekday::Tuesday),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap();
    let session = session_on(store, &group, "2025-01-07");
    for p in people {
        store.add_member(&group.id, &p.id, "2025-01-07").unwrap();
        store
            .add_referral(&ReferralInput {
                attendee_id: p.id.clone(),
                source: ReferralSource::GpLinkWorker,
                referrer_name: "Chris Doyle".into(),
                referrer_organisation: "Mill Lane Surgery".into(),
                received_on: "2025-01-02".into(),
                reasons: vec![ReferralReason::Loneliness],
                reason_notes: String::new(),
            })
            .unwrap();
        store
            .set_mark(&session.id, &p.id, Some(Mark::Present))
            .unwrap();
    }
    (group, session)
}

/// The heights of the words pdftotext finds in a PDF (its -bbox output),
/// in points: a word's box is its font's ascent and descent, a little more
/// than its size.
fn word_heights(pdf: &[u8]) -> Vec<f64> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-bbox", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: scripts/setup.sh installs it");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let attr = |name: &str| -> f64 {
                let start = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                let rest = &l[start..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            };
            attr("yMax") - attr("yMin")
        })
        .collect()
}

/// A personal playlist of one song (its file in the library) for `p`, so
/// a hand-over pack can be made for them.
fn give_a_playlist(store: &mut Store, p: &Attendee) {
    let hash = format!("{:0>64}", p.id.replace('-', ""));
    let file_name = format!("{hash}.mp3");
    let library = store.library_dir();
    std::fs::create_dir_all(&library).unwrap();
    std::fs::write(library.join(&file_name), b"not really music").unwrap();
    let (track, _) = store
        .add_track(&NewTrack {
            title: format!("Moon River ({})", p.full_name),
            artist: "Andy Williams".into(),
            album: String::new(),
            year: Some(1961),
            duration_ms: Some(163_000),
            sample_rate: Some(44_100),
            channels: Some(2),
            format: "mp3".into(),
            original_name: "Moon River.mp3".into(),
            content_hash: hash,
            file_name,
            size_bytes: 16,
        })
        .unwrap();
    crate::support::playlist_of(
        store,
        PlaylistKind::Personal,
        &p.id,
        "Calm songs",
        &[&track],
    );
}

/// Every document Refrain makes for one person, as laid out and as printed
/// (the hand-over pack's sheet from their playlist, [`give_a_playlist`]).
fn documents_for(
    store: &Store,
    p: &Attendee,
) -> Vec<(&'static str, refrain_pdf::Document, Vec<u8>)> {
    let playlist = &store
        .list_playlists(Some(PlaylistKind::Personal), None, Some(&p.id))
        .unwrap()[0];
    let pack = refrain_core::handover::prepare(
        store,
        &HandoverInput {
            playlist_id: playlist.id.clone(),
            print_name: false,
            when_to_play: "In the evening".into(),
            how_long: "About 3 minutes".into(),
            helps_with: "Calm".into(),
            if_upset: "Stop the music".into(),
            contact: "Sam Okafor, 01632 960 555".into(),
        },
    )
    .unwrap();
    let feedback = store.referrer_feedback(&p.id, "Came every week.").unwrap();
    let access = store.subject_access(&p.id).unwrap();
    let requests = [
        ReportRequest::ReferrerFeedback {
            attendee_id: p.id.clone(),
            summary: "Came every week.".into(),
        },
        ReportRequest::SubjectAccess {
            attendee_id: p.id.clone(),
        },
    ];
    let pdf =
        |r: &ReportRequest| report::make(store, r, ExportFormat::Pdf, &mut |_, _, _| {}).unwrap();
    vec![
        (
            "feedback for the referrer",
            report::referrer::document(&feedback),
            pdf(&requests[0]),
        ),
        (
            "subject access",
            report::subject_access::document(&access),
            pdf(&requests[1]),
        ),
        (HANDOVER, pack.document().clone(), pack.pdf().to_vec()),
    ]
}

/// The hand-over pack's sheet: large print for everyone (it goes to a
/// family or a care home), so for them too.
const HANDOVER: &str = "the hand-over pack's sheet";

#[test]
fn information_needs_are_kept_checked_audited_exported_and_erased_with_the_person() {
    let (_dir, mut store) = store();
    let eve = person(&mut store, "Eve Marsh", large_print_needs());
    assert_eq!(eve.information_needs, large_print_needs());

    // An interpreter needs its language; the refusal names the field and
    // writes nothing.
    let mut input = AttendeeInput {
        full_name: "Eve Marsh".into(),
        information_needs: InformationNeeds {
            interpreter: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let err = store.update_attendee(&eve.id, &input).unwrap_err();
    assert_eq!(err.field(), Some("interpreterLanguage"));
    assert_eq!(
        store.attendee(&eve.id).unwrap().information_needs,
        large_print_needs()
    );
    // A language with no interpreter is not kept.
    input.information_needs = InformationNeeds {
        hearing_loop: true,
        interpreter_language: "Welsh".into(),
        ..Default::default()
    };
    let changed = store.update_attendee(&eve.id, &input).unwrap();
    assert!(changed.information_needs.hearing_loop);
    assert!(!changed.information_needs.large_print);
    assert_eq!(changed.information_needs.interpreter_language, "");
    input.information_needs = large_print_needs();
    store.update_attendee(&eve.id, &input).unwrap();

    // Audited like every change to the person's record.
    let trail = store.person_audit(&eve.id).unwrap();
    let changes = trail
        .iter()
        .filter(|e| e.record_table == "attendee" && e.action == AuditAction::Changed)
        .count();
    assert_eq!(changes, 2);

    // On the register, beside the name.
    let (_group, session) = group_with(&mut store, &[&eve]);
    let register = store.register(&session.id).unwrap();
    assert_eq!(register.entries[0].information_needs, large_print_needs());

    // In the subject access export, as data and as words.
    let json = report::make(
        &store,
        &ReportRequest::SubjectAccess {
            attendee_id: eve.id.clone(),
        },
        ExportFormat::Json,
        &mut |_, _, _| {},
    )
    .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(value["attendee"]["informationNeeds"]["largePrint"], true);
    assert_eq!(
        value["attendee"]["informationNeeds"]["interpreterLanguage"],
        "Polish"
    );
    assert_eq!(
        refrain_core::labels::information_need_words(&large_print_needs()),
        [
            "Large print",
            "Contact through their carer",
            "Interpreter: Polish"
        ]
    );

    // Erased with the person.
    store
        .erase_attendee(&eve.id, "Asked to be forgotten")
        .unwrap();
    let erased = store.attendee(&eve.id).unwrap();
    assert_eq!(erased.information_needs, InformationNeeds::default());
}

#[test]
fn large_print_follows_the_person_into_every_document_made_for_them() {
    let (_dir, mut store) = store();
    let eve = person(&mut store, "Eve Marsh", large_print_needs());
    let tom = person(&mut store, "Tom Reed", InformationNeeds::default());
    group_with(&mut store, &[&eve, &tom]);
    give_a_playlist(&mut store, &eve);
    give_a_playlist(&mut store, &tom);

    let documents = documents_for(&store, &eve);
    assert!(documents.iter().any(|(what, _, _)| *what == HANDOVER));
    for (what, doc, pdf) in documents {
        // The layout's own measure: nothing under 16 pt anywhere.
        let smallest = refrain_pdf::smallest_text_size(&doc).unwrap().unwrap();
        assert!(smallest >= LARGE_PRINT_PT, "{what}: {smallest} pt");
        // The printed file agrees.
        let heights = word_heights(&pdf);
        assert!(!heights.is_empty(), "{what}: no text read back");
        let shortest = heights.iter().copied().fold(f64::MAX, f64::min);
        assert!(shortest >= 16.0, "{what}: a word {shortest} pt tall");
    }
    // The feedback says so too, for the link worker.
    let f = store.referrer_feedback(&eve.id, "").unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&report::referrer::to_json(&f).unwrap()).unwrap();
    assert_eq!(json["person"]["informationNeeds"]["largePrint"], true);
    assert_eq!(json["person"]["informationNeedLabels"][0], "Large print");

    // Someone without the flag gets standard print.
    for (what, doc, pdf) in documents_for(&store, &tom) {
        if what == HANDOVER {
            let smallest = refrain_pdf::smallest_text_size(&doc).unwrap().unwrap();
            assert!(smallest >= LARGE_PRINT_PT, "{what}: {smallest} pt");
            continue;
        }
        let smallest = refrain_pdf::smallest_text_size(&doc).unwrap().unwrap();
        assert!(smallest < 12.0, "{what}: standard print, {smallest} pt");
        let shortest = word_heights(&pdf).into_iter().fold(f64::MAX, f64::min);
        assert!(shortest < 16.0, "{what}: standard print, {shortest} pt");
    }
}

/// The practice's details, as a directory needs them.
fn details() -> PracticeDetails {
    PracticeDetails {
        name: "Northfield Music Therapy".into(),
        description: String::new(),
        email: "groups@example.org".into(),
        phone: "01632 960000".into(),
        website: "example.org/groups".into(),
    }
}

#[test]
fn the_practice_details_are_checked_field_by_field() {
    let (_dir, mut store) = store();
    for (field, bad) in [
        (
            "email",
            PracticeDetails {
                email: "groups at example".into(),
                ..details()
            },
        ),
        (
            "website",
            PracticeDetails {
                website: "not a website".into(),
                ..details()
            },
        ),
        (
            "website",
            PracticeDetails {
                website: "ftp://example.org".into(),
                ..details()
            },
        ),
        (
            "phone",
            PracticeDetails {
                phone: "call me".into(),
                ..details()
            },
        ),
    ] {
        let err = store.set_practice_details(&bad).unwrap_err();
        assert_eq!(err.field(), Some(field), "{bad:?}");
        assert_eq!(
            store.practice_details().unwrap(),
            PracticeDetails::default()
        );
    }
    let saved = store.set_practice_details(&details()).unwrap();
    assert_eq!(saved.website, "https://example.org/groups");
    assert_eq!(saved.name, "Northfield Music Therapy");
}

/// The Open Referral UK schemas kept with the tests (see the README
/// beside them for where each came from).
fn oruk_schema(file: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/oruk")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the listing uses {file}, which is not kept here ({e})"));
    serde_json::from_str(&text).unwrap()
}

/// Checks `value` against `schema` as JSON Schema reads it, for what the
/// ORUK files use: `$ref` to a sibling file, `type`, `required` (present
/// and not empty), `enum`, `allOf`, `properties` and `items`. Every
/// problem goes into `problems`, with where it is.
fn check_against(
    schema: &serde_json::Value,
    value: &serde_json::Value,
    at: &str,
    problems: &mut Vec<String>,
) {
    use serde_json::Value;
    if let Some(file) = schema.get("$ref").and_then(Value::as_str) {
        check_against(&oruk_schema(file), value, at, problems);
        return;
    }
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        let ok = match kind {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "number" => value.is_number(),
            "integer" => value.is_i64() || value.is_u64(),
            "boolean" => value.is_boolean(),
            other => panic!("the walker does not know the type {other}"),
        };
        if !ok {
            problems.push(format!("{at} is not of type {kind}: {value}"));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            problems.push(format!("{at} is {value}, not one of {allowed:?}"));
        }
    }
    for sub in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        check_against(sub, value, at, problems);
    }
    if let Some(obj) = value.as_object() {
        for field in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let field = field.as_str().unwrap();
            let filled = match obj.get(field) {
                None | Some(Value::Null) => false,
                Some(Value::String(s)) => !s.trim().is_empty(),
                Some(_) => true,
            };
            if !filled {
                problems.push(format!("{at} lacks its required {field}"));
            }
        }
        let props = schema.get("properties").and_then(Value::as_object);
        for (key, v) in obj {
            if let Some(sub) = props.and_then(|p| p.get(key)) {
                check_against(sub, v, &format!("{at}.{key}"), problems);
            }
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
        for (i, v) in list.iter().enumerate() {
            check_against(items, v, &format!("{at}[{i}]"), problems);
        }
    }
}

/// Every problem the UK profile's service schema finds in one service.
fn oruk_problems(service: &serde_json::Value) -> Vec<String> {
    let mut problems = Vec::new();
    check_against(
        &oruk_schema("service.json"),
        service,
        "service",
        &mut problems,
    );
    problems
}

#[test]
fn the_schema_walker_finds_what_the_profile_requires() {
    // The walker itself: a service missing what the profile requires, or
    // with a field of the wrong type, is caught.
    let bad = serde_json::json!({
        "id": "ac148810-d857-441c-9679-408f346de14b",
        "name": "",
        "status": "open",
        "minimum_age": "18",
        "schedules": [{"id": "48102e86-bb50-41c4-8f1e-e269368c41d1", "freq": "DAILY"}],
        "organization": {"id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "name": "X"},
    });
    let problems = oruk_problems(&bad);
    for expected in [
        "service lacks its required name",
        "service lacks its required url",
        "service.status is \"open\"",
        "service.minimum_age is not of type number",
        "service.schedules[0].freq is \"DAILY\"",
        "service.schedules[0] lacks its required url",
        "service.organization lacks its required description",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(expected)),
            "{expected} not in {problems:#?}"
        );
    }
}

#[test]
fn the_uk_offset_follows_the_clocks() {
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    // 2026: British Summer Time from 29 March to 25 October.
    assert_eq!(oruk::uk_offset(d("2026-01-15")), "+00:00");
    assert_eq!(oruk::uk_offset(d("2026-03-28")), "+00:00");
    assert_eq!(oruk::uk_offset(d("2026-03-29")), "+01:00");
    assert_eq!(oruk::uk_offset(d("2026-07-01")), "+01:00");
    assert_eq!(oruk::uk_offset(d("2026-10-24")), "+01:00");
    assert_eq!(oruk::uk_offset(d("2026-10-25")), "+00:00");
    assert_eq!(oruk::uk_offset(d("2026-12-31")), "+00:00");
}

#[test]
fn the_groups_export_as_an_open_referral_uk_listing_that_meets_the_schema() {
    let (_dir, mut store) = store();
    let eve = person(&mut store, "Eve Marsh", large_print_needs());
    let (singers, _) = group_with(&mut store, &[&eve]);
    // Who the group is for, in words and ages.
    let mut input = GroupInput {
        name: singers.name.clone(),
        description: singers.description.clone(),
        venue_id: singers.venue_id.clone(),
        weekday: singers.weekday,
        start_time: "10:30".into(),
        end_time: "12:00".into(),
        eligibility: "Adults who enjoy singing, whatever their voice.".into(),
        minimum_age: Some(18),
        maximum_age: Some(17),
        ..Default::default()
    };
    let err = store.update_group(&singers.id, &input).unwrap_err();
    assert_eq!(err.field(), Some("maximumAge"));
    input.maximum_age = Some(200);
    assert_eq!(
        store.update_group(&singers.id, &input).unwrap_err().field(),
        Some("maximumAge")
    );
    input.maximum_age = None;
    let singers = store.update_group(&singers.id, &input).unwrap();
    assert_eq!(singers.minimum_age, Some(18));
    assert_eq!(
        store.group(&singers.id).unwrap().eligibility,
        "Adults who enjoy singing, whatever their voice."
    );
    // A group with no venue and no weekly day is still listed.
    let drop_in = store
        .create_group(&GroupInput {
            name: "Drop-in by arrangement".into(),
            ..Default::default()
        })
        .unwrap();
    let request = ReportRequest::Directory {};

    // Without the practice's name there is nothing to list it under.
    let err = report::make(&store, &request, ExportFormat::Json, &mut |_, _, _| {}).unwrap_err();
    assert!(err.to_string().contains("Practice details"), "{err}");
    // Without a website, which the profile requires, it says so plainly
    // rather than write a listing a directory would refuse.
    store
        .set_practice_details(&PracticeDetails {
            website: String::new(),
            ..details()
        })
        .unwrap();
    let err = report::make(&store, &request, ExportFormat::Json, &mut |_, _, _| {}).unwrap_err();
    assert_eq!(err.field(), Some("website"), "{err}");
    assert!(
        err.to_string().contains("needs the practice's website"),
        "{err}"
    );
    let listing = store.directory_listing().unwrap();
    assert!(oruk::gaps(&listing)
        .iter()
        .any(|g| g.contains("no website")));
    // Only JSON.
    store.set_practice_details(&details()).unwrap();
    let err = report::make(&store, &request, ExportFormat::Pdf, &mut |_, _, _| {}).unwrap_err();
    assert_eq!(err.field(), Some("format"));

    let bytes = report::make(&store, &request, ExportFormat::Json, &mut |_, _, _| {}).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let services: Vec<serde_json::Value> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(services.len(), 2);
    for s in &services {
        // The real schema's required fields and types, all the way down.
        let problems = oruk_problems(s);
        assert!(problems.is_empty(), "{problems:#?}");
        // Every id is a UUID, as the schema's format says.
        let mut ids = vec![&s["id"], &s["organization"]["id"]];
        ids.extend(s["contacts"].as_array().unwrap().iter().map(|c| &c["id"]));
        for sal in s["service_at_locations"].as_array().into_iter().flatten() {
            ids.extend([&sal["id"], &sal["location"]["id"]]);
        }
        for sch in s["schedules"].as_array().into_iter().flatten() {
            ids.push(&sch["id"]);
        }
        for id in ids {
            let id = id.as_str().unwrap();
            assert!(uuid::Uuid::parse_str(id).is_ok(), "{id} is a UUID");
        }
        assert_eq!(s["organization"]["id"], s["organization_id"]);
        assert_eq!(s["url"], "https://example.org/groups");
        assert_eq!(s["email"], "groups@example.org");
        assert!(s["description"].as_str().unwrap().contains("01632 960000"));
    }
    let singing = services.iter().find(|s| s["id"] == singers.id).unwrap();
    let place = &singing["service_at_locations"][0]["location"];
    assert_eq!(place["name"], "Northfield Community Centre");
    assert_eq!(place["location_type"], "physical");
    assert!(place["description"]
        .as_str()
        .unwrap()
        .contains("1 High Street"));
    // Eligibility: the ages in their fields, the words in the description.
    assert_eq!(singing["minimum_age"], 18);
    assert!(singing.get("maximum_age").is_none());
    assert!(singing["description"].as_str().unwrap().contains(
        "Who it is for: Adults who enjoy singing, whatever their voice. Ages 18 and over."
    ));
    // Times with the UK's offset on the day of the listing, as the schema
    // asks ("HH:MM" and an offset from UTC).
    let offset = oruk::uk_offset(refrain_core::store::today());
    let week = &singing["schedules"][0];
    assert_eq!(week["byday"], "TU");
    assert_eq!(week["opens_at"], format!("10:30{offset}"));
    assert_eq!(week["closes_at"], format!("12:00{offset}"));
    let bare = services.iter().find(|s| s["id"] == drop_in.id).unwrap();
    assert!(bare.get("service_at_locations").is_none());
    assert!(bare.get("schedules").is_none());
    assert!(bare.get("minimum_age").is_none());
    let listing = store.directory_listing().unwrap();
    let gaps = oruk::gaps(&listing);
    assert!(gaps
        .iter()
        .any(|g| g.contains("Drop-in by arrangement has no venue")));
    assert!(gaps.iter().any(|g| g.contains("no weekly day")));
    assert!(!gaps.iter().any(|g| g.contains("no website")));

    // The same ids every time, so a directory updates its records.
    let again = report::make(&store, &request, ExportFormat::Json, &mut |_, _, _| {}).unwrap();
    assert_eq!(again, bytes);

    // Nothing about the people who come.
    for private in ["Eve Marsh", "Chris Doyle", "Polish", &eve.id] {
        assert!(!text.contains(private), "{private} is in the listing");
    }
    assert!(oruk::SCHEMA_SOURCE.contains("OpenReferralUK/uk-profile"));
}

#[test]
fn with_no_group_running_the_listing_says_so() {
    let (_dir, mut store) = store();
    store.set_practice_details(&details()).unwrap();
    let err = store.directory_listing().unwrap_err();
    assert!(err.to_string().contains("no groups running"), "{err}");
}

#[test]
fn a_persons_information_needs_come_with_every_list_they_are_in() {
    let (_dir, mut store) = store();
    let eve = person(&mut store, "Eve Marsh", large_print_needs());
    let (group, _) = group_with(&mut store, &[&eve]);
    let people = store.search_attendees("Eve", false).unwrap();
    assert!(people[0].information_needs.large_print, "the people list");
    let detail = store.group_detail(&group.id).unwrap();
    assert!(
        detail.members[0].information_needs.large_print,
        "a group's members"
    );
    let waiting = store.referrals_awaiting_reply().unwrap();
    let w = waiting
        .referrals
        .iter()
        .find(|r| r.attendee_id == eve.id)
        .unwrap();
    assert!(w.information_needs.large_print, "awaiting a reply");
    let due = store.episode_measures_due().unwrap();
    let d = due.iter().find(|d| d.attendee_id == eve.id).unwrap();
    assert!(d.information_needs.large_print, "measures due");
    assert_eq!(d.information_needs, people[0].information_needs);
}
