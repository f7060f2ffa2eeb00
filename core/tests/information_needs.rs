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

/// Every object of `kind` in the listing has the fields the ORUK schema
/// requires of it, none empty.
fn assert_required(kind: &str, obj: &serde_json::Value) {
    let (_, required) = oruk::REQUIRED
        .iter()
        .find(|(k, _)| *k == kind)
        .unwrap_or_else(|| panic!("{kind} is not in the required-field table"));
    for field in *required {
        let v = &obj[*field];
        let filled = match v {
            serde_json::Value::String(s) => !s.trim().is_empty(),
            serde_json::Value::Null => false,
            _ => true,
        };
        assert!(filled, "{kind} lacks its required {field}: {obj}");
    }
    let id = obj["id"].as_str().unwrap();
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "{kind}'s id {id} is a UUID"
    );
}

#[test]
fn the_groups_export_as_an_open_referral_uk_listing_with_every_required_field() {
    let (_dir, mut store) = store();
    let eve = person(&mut store, "Eve Marsh", large_print_needs());
    let (singers, _) = group_with(&mut store, &[&eve]);
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
    // Only JSON.
    store.set_practice_details(&details()).unwrap();
    let err = report::make(&store, &request, ExportFormat::Pdf, &mut |_, _, _| {}).unwrap_err();
    assert_eq!(err.field(), Some("format"));

    let bytes = report::make(&store, &request, ExportFormat::Json, &mut |_, _, _| {}).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let services: Vec<serde_json::Value> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(services.len(), 2);
    for s in &services {
        assert_required("service", s);
        assert!(oruk::SERVICE_STATUSES.contains(&s["status"].as_str().unwrap()));
        assert_required("organization", &s["organization"]);
        assert_eq!(s["organization"]["id"], s["organization_id"]);
        for c in s["contacts"].as_array().unwrap() {
            assert_required("contact", c);
        }
        for sal in s["service_at_locations"].as_array().into_iter().flatten() {
            assert_required("service_at_location", sal);
            assert_required("location", &sal["location"]);
        }
        for sch in s["schedules"].as_array().into_iter().flatten() {
            assert_required("schedule", sch);
            assert!(oruk::SCHEDULE_FREQUENCIES.contains(&sch["freq"].as_str().unwrap()));
        }
        assert_eq!(s["url"], "https://example.org/groups");
        assert_eq!(s["email"], "groups@example.org");
        assert!(s["description"].as_str().unwrap().contains("01632 960000"));
    }
    let singing = services.iter().find(|s| s["id"] == singers.id).unwrap();
    let place = &singing["service_at_locations"][0]["location"];
    assert_eq!(place["name"], "Northfield Community Centre");
    assert!(place["description"]
        .as_str()
        .unwrap()
        .contains("1 High Street"));
    let week = &singing["schedules"][0];
    assert_eq!(
        (week["byday"].as_str(), week["opens_at"].as_str()),
        (Some("TU"), Some("10:30"))
    );
    let bare = services.iter().find(|s| s["id"] == drop_in.id).unwrap();
    assert!(bare.get("service_at_locations").is_none());
    assert!(bare.get("schedules").is_none());
    let listing = store.directory_listing().unwrap();
    let gaps = oruk::gaps(&listing);
    assert!(gaps
        .iter()
        .any(|g| g.contains("Drop-in by arrangement has no venue")));
    assert!(gaps.iter().any(|g| g.contains("no weekly day")));

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
