//! Reports and exports, on a small register worked out by hand: the CSV
//! against a golden file, the Excel file read back cell by cell with
//! calamine, PDFs read back with poppler's `pdftotext`, the programme
//! summary's figures, the referrer's feedback (refused without consent),
//! subject access, and erasure (counts kept, the person gone from the file).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::session_on;
use calamine::{open_workbook, Data, Reader, Xlsx};
use refrain_core::model::*;
use refrain_core::outcomes::*;
use refrain_core::report::{self, register};
use refrain_core::Store;
use tempfile::TempDir;

const HYPERLINK: &str = "=HYPERLINK(\"http://x\")";

struct Fixture {
    dir: TempDir,
    store: Store,
    choir: Group,
    ada: Attendee,
    siobhan: Attendee,
    zoe: Attendee,
    /// 2025-01-07, 01-14 (cancelled), 01-21, 01-28, 02-04 (never held).
    sessions: Vec<Session>,
}

fn person(store: &mut Store, name: &str) -> Attendee {
    store
        .create_attendee(&AttendeeInput {
            full_name: name.into(),
            ..Default::default()
        })
        .unwrap()
}

fn mark(store: &mut Store, s: &Session, p: &Attendee, m: Mark) {
    store.set_mark(&s.id, &p.id, Some(m)).unwrap();
}

/// The register worked out by hand (see the module's tests for the figures):
///
/// | person    | 7 Jan   | 14 Jan | 21 Jan     | 28 Jan | 4 Feb | came/expected |
/// | Ada       | present | canc.  | apologies  | present |      | 2/3 |
/// | Siobhán   | late    | canc.  | left early | (left)  |      | 2/2 |
/// | Zoë       | (not yet) |      | present    | late    |      | 2/2 |
/// | =HYPER..  | absent  | canc.  | not marked | present |      | 1/3 |
/// | Walter    |         |        | walk-in    |         |      | 1/1 |
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    let venue = store
        .create_venue(&VenueInput {
            name: "Northfield Community Centre".into(),
            ..Default::default()
        })
        .unwrap();
    let choir = store
        .create_group(&GroupInput {
            name: "Tuesday Choir".into(),
            venue_id: Some(venue.id.clone()),
            weekday: Some(Weekday::Tuesday),
            start_time: "10:30".into(),
            end_time: "12:00".into(),
            ..Default::default()
        })
        .unwrap();
    let ada = person(&mut store, "Ada Lovelace");
    let siobhan = person(&mut store, "Siobhán Ní Bhriain");
    let zoe = person(&mut store, "Zoë Adams");
    let formula = person(&mut store, HYPERLINK);
    let walter = person(&mut store, "Walter Walk-in");
    store.add_member(&choir.id, &ada.id, "2025-01-01").unwrap();
    let m = store
        .add_member(&choir.id, &siobhan.id, "2025-01-01")
        .unwrap();
    store.add_member(&choir.id, &zoe.id, "2025-01-15").unwrap();
    store
        .add_member(&choir.id, &formula.id, "2025-01-01")
        .unwrap();
    let sessions: Vec<Session> = [
        "2025-01-07",
        "2025-01-14",
        "2025-01-21",
        "2025-01-28",
        "2025-02-04",
    ]
    .iter()
    .map(|d| session_on(&mut store, &choir, d))
    .collect();
    store.cancel_session(&sessions[1].id, "Snow").unwrap();

    mark(&mut store, &sessions[0], &ada, Mark::Present);
    mark(&mut store, &sessions[0], &siobhan, Mark::Late);
    mark(&mut store, &sessions[0], &formula, Mark::Absent);

    mark(&mut store, &sessions[2], &ada, Mark::Apologies);
    mark(&mut store, &sessions[2], &siobhan, Mark::LeftEarly);
    mark(&mut store, &sessions[2], &zoe, Mark::Present);
    store
        .add_walk_in(
            &sessions[2].id,
            &WalkIn::Existing {
                attendee_id: walter.id.clone(),
            },
            false,
        )
        .unwrap();

    store.end_membership(&m.id, "2025-01-22").unwrap();
    mark(&mut store, &sessions[3], &ada, Mark::Present);
    mark(&mut store, &sessions[3], &zoe, Mark::Late);
    mark(&mut store, &sessions[3], &formula, Mark::Present);

    Fixture {
        dir,
        store,
        choir,
        ada,
        siobhan,
        zoe,
        sessions,
    }
}

fn fixed_stamp() -> ReportStamp {
    ReportStamp {
        produced_at: "3 Feb 2025 09:15".into(),
        produced_by: "Sam Okafor".into(),
        app_version: "0.1.0".into(),
        records_as_of: String::new(),
    }
}

fn january(f: &Fixture) -> RegisterReport {
    let mut r = f
        .store
        .register_report(&f.choir.id, "2025-01-01", "2025-02-28")
        .unwrap();
    r.stamp = fixed_stamp();
    r
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reports")
        .join(name)
}

/// Compares `bytes` with a golden file; `REFRAIN_UPDATE_GOLDEN=1` rewrites it
/// (then read the diff before committing).
fn assert_golden(name: &str, bytes: &[u8]) {
    let path = golden(name);
    if std::env::var_os("REFRAIN_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (REFRAIN_UPDATE_GOLDEN=1 writes it)",
            path.display()
        )
    });
    if want != bytes {
        panic!(
            "{name} differs from its golden file.\n--- golden\n{}\n--- made\n{}",
            String::from_utf8_lossy(&want),
            String::from_utf8_lossy(bytes)
        );
    }
}

fn pdf_text(bytes: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.pdf");
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: scripts/setup.sh installs it");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn st(v: &str) -> Data {
    Data::String(v.into())
}

fn n(v: f64) -> Data {
    Data::Float(v)
}

// ---------------------------------------------------------------------------
// The register.

#[test]
fn the_register_is_counted_as_worked_out_by_hand() {
    let f = fixture();
    let r = january(&f);
    assert_eq!(r.group_name, "Tuesday Choir");
    assert_eq!(r.venue, "Northfield Community Centre");
    assert_eq!(r.sessions.len(), 5);
    let names: Vec<&str> = r.people.iter().map(|p| p.full_name.as_str()).collect();
    assert_eq!(
        names,
        [
            HYPERLINK,
            "Ada Lovelace",
            "Siobhán Ní Bhriain",
            "Walter Walk-in",
            "Zoë Adams"
        ]
    );
    let totals: Vec<(u32, u32)> = r.people.iter().map(|p| (p.attended, p.expected)).collect();
    assert_eq!(totals, [(1, 3), (2, 3), (2, 2), (1, 1), (2, 2)]);
    let per_session: Vec<(u32, u32)> = r
        .sessions
        .iter()
        .map(|s| (s.attended, s.expected))
        .collect();
    assert_eq!(per_session, [(2, 3), (0, 0), (3, 5), (3, 3), (0, 0)]);
    assert_eq!((r.attended, r.expected), (8, 11));
    assert!((r.rate.unwrap() - 800.0 / 11.0).abs() < 1e-9);

    // The screens count each held session the same way.
    for (i, s) in f
        .store
        .sessions_of_group(&f.choir.id, 100)
        .unwrap()
        .iter()
        .enumerate()
    {
        let col = r.sessions.iter().find(|c| c.session_id == s.id).unwrap();
        if s.status == SessionStatus::Held {
            assert_eq!(
                (col.attended, col.expected),
                (s.attended_count, s.expected_count),
                "{i}"
            );
        }
    }

    let walter = &r.people[3];
    assert_eq!(
        walter.cells[2],
        RegisterCell::Marked {
            mark: Mark::Present,
            walk_in: true
        }
    );
    let ada = &r.people[1];
    assert_eq!(ada.cells[1], RegisterCell::Cancelled);
    assert_eq!(ada.cells[4], RegisterCell::Planned);
    assert_eq!(r.people[0].cells[2], RegisterCell::NotMarked);
    assert_eq!(
        r.people[2].cells[3],
        RegisterCell::NotMember,
        "Siobhán had left"
    );
    assert_eq!(
        r.people[4].cells[0],
        RegisterCell::NotMember,
        "Zoë had not joined"
    );
}

#[test]
fn the_register_csv_matches_its_golden_file() {
    let f = fixture();
    let csv = register::to_csv(&january(&f)).unwrap();
    assert_golden("register.csv", &csv);
    // A formula-like name can't run in a spreadsheet.
    let text = String::from_utf8(csv).unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
    assert!(text.starts_with('\u{feff}'));
}

#[test]
fn a_shorter_period_leaves_out_the_sessions_outside_it() {
    let f = fixture();
    let r = f
        .store
        .register_report(&f.choir.id, "2025-01-20", "2025-01-31")
        .unwrap();
    assert_eq!(r.sessions.len(), 2);
    assert_eq!((r.attended, r.expected), (6, 8));
    assert!(r.people.iter().all(|p| p.cells.len() == 2));
}

#[test]
fn a_bad_period_is_refused_in_plain_words() {
    let f = fixture();
    let e = f
        .store
        .register_report(&f.choir.id, "2025-02-01", "2025-01-01")
        .unwrap_err();
    assert_eq!(e.code(), "invalid");
    assert!(e.to_string().contains("on or after its start"), "{e}");
    let e = f
        .store
        .register_report(&f.choir.id, "2025-02-30", "2025-03-01")
        .unwrap_err();
    assert_eq!(e.field(), Some("from"));
    let e = f
        .store
        .register_report("no-such-group", "2025-01-01", "2025-03-01")
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
}

#[test]
fn the_register_xlsx_reads_back_cell_by_cell() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.xlsx");
    std::fs::write(&path, register::to_xlsx(&january(&f)).unwrap()).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["Tuesday Choir"]);
    let range = book.worksheet_range("Tuesday Choir").unwrap();
    // The heading.
    assert_eq!(cell(&range, 0, 0), st("Attendance register: Tuesday Choir"));
    assert_eq!(cell(&range, 1, 1), st("Northfield Community Centre"));
    assert_eq!(cell(&range, 2, 1), st("1 Jan 2025 to 28 Feb 2025"));
    assert_eq!(
        cell(&range, 3, 1),
        st("3 Feb 2025 09:15 by Sam Okafor with Refrain 0.1.0")
    );
    // The table.
    let h = register::XLSX_HEADER_ROW;
    let header: Vec<Data> = (0..9).map(|c| cell(&range, h, c)).collect();
    assert_eq!(
        header,
        [
            st("Person"),
            st("2025-01-07"),
            st("2025-01-14 (cancelled)"),
            st("2025-01-21"),
            st("2025-01-28"),
            st("2025-02-04 (not held)"),
            st("Attended"),
            st("Expected"),
            st("Attendance rate (%)"),
        ]
    );
    // Excel keeps a formula-like name as text (written as a string cell).
    assert_eq!(cell(&range, h + 1, 0), st(HYPERLINK));
    let ada: Vec<Data> = (0..9).map(|c| cell(&range, h + 2, c)).collect();
    assert_eq!(
        ada,
        [
            st("Ada Lovelace"),
            st("present"),
            st("cancelled"),
            st("apologies"),
            st("present"),
            Data::Empty,
            n(2.0),
            n(3.0),
            n(66.7),
        ]
    );
    assert_eq!(cell(&range, h + 4, 3), st("walk-in"));
    assert_eq!(cell(&range, h + 3, 1), st("late"));
    assert_eq!(cell(&range, h + 3, 3), st("left early"));
    // Totals: per session, then overall.
    let came: Vec<Data> = (0..9).map(|c| cell(&range, h + 6, c)).collect();
    assert_eq!(
        came,
        [
            st("Attended (per session)"),
            n(2.0),
            Data::Empty,
            n(3.0),
            n(3.0),
            Data::Empty,
            n(8.0),
            n(11.0),
            n(72.7),
        ]
    );
    assert_eq!(cell(&range, h + 7, 3), n(5.0));

    // The header row and names are frozen: the sheet's XML says so.
    let xml = sheet_xml(&path, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains(r#"<pane xSplit="1" ySplit="6" topLeftCell="B7" activePane="bottomRight" state="frozen"/>"#),
        "{xml}"
    );
}

fn sheet_xml(path: &Path, member: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = String::new();
    zip.by_name(member)
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    out
}

#[test]
fn the_register_pdf_names_group_venue_and_period_on_every_page() {
    let f = fixture();
    let pages = pdf_text(&register::to_pdf(&january(&f)).unwrap());
    assert!(!pages.is_empty());
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("Attendance register: Tuesday Choir"),
            "page {i}: {page}"
        );
        assert!(page.contains("Northfield Community Centre"), "page {i}");
        assert!(page.contains("1 Jan 2025 to 28 Feb 2025"), "page {i}");
        assert!(
            page.contains(&format!("Page {} of {}", i + 1, pages.len())),
            "page {i}"
        );
    }
    let all = pages.join("\n");
    for name in [
        "Ada Lovelace",
        "Siobhán Ní Bhriain",
        "Zoë Adams",
        "Walter Walk-in",
    ] {
        assert!(all.contains(name), "{name} missing:\n{all}");
    }
    assert!(all.contains("Sam Okafor"));
    assert!(all.contains("8 of 11 expected places (72.7%)"), "{all}");
}

/// 30 people and 50 weekly sessions: the register runs over several A4
/// landscape pages, the header and each person's name on every page their
/// row is on, and every session's column somewhere.
#[test]
fn a_register_of_30_people_and_50_sessions_spans_pages_correctly() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    let group = store
        .create_group(&GroupInput {
            name: "Big Sing".into(),
            ..Default::default()
        })
        .unwrap();
    let people: Vec<Attendee> = (0..30)
        .map(|i| person(&mut store, &format!("Person {i:02} Surname")))
        .collect();
    for p in &people {
        store.add_member(&group.id, &p.id, "2024-01-01").unwrap();
    }
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
    let mut dates = Vec::new();
    for w in 0..50 {
        let d = start + chrono::Duration::weeks(w);
        let s = session_on(&mut store, &group, &d.format("%Y-%m-%d").to_string());
        for (i, p) in people.iter().enumerate() {
            let m = if (i + w as usize).is_multiple_of(4) {
                Mark::Absent
            } else {
                Mark::Present
            };
            store.set_mark(&s.id, &p.id, Some(m)).unwrap();
        }
        dates.push(d);
    }
    let r = store
        .register_report(&group.id, "2024-01-01", "2024-12-31")
        .unwrap();
    assert_eq!(r.sessions.len(), 50);
    let bytes = register::to_pdf(&r).unwrap();

    let dir2 = tempfile::tempdir().unwrap();
    let file = dir2.path().join("big.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let info = Command::new("pdfinfo").arg(&file).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    assert!(info.contains("841.89 x 595.2"), "A4 landscape: {info}");

    let pages = pdf_text(&bytes);
    assert!(
        pages.len() >= 2,
        "50 sessions can't fit one page: {} pages",
        pages.len()
    );
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains("Attendance register: Big Sing"), "page {i}");
        assert!(
            page.contains(&format!("Page {} of {}", i + 1, pages.len())),
            "page {i}"
        );
    }
    // Every page with a person's row names the person; every row is somewhere.
    let table_pages: Vec<&String> = pages.iter().filter(|p| p.contains("Person 00")).collect();
    assert!(
        table_pages.len() >= 2,
        "the names repeat on each slice of columns"
    );
    for page in &table_pages {
        let header = page
            .lines()
            .any(|l| l.trim_start().starts_with("Person") && !l.contains("Surname"));
        assert!(header, "the header row repeats on every page:\n{page}");
    }
    let all = pages.join("\n");
    for p in &people {
        assert!(all.contains(&p.full_name), "{} missing", p.full_name);
    }
    // Every session's heading appears (as "2 Jan", "9 Jan", ...).
    for d in &dates {
        let label = d.format("%-d %b").to_string();
        assert!(all.contains(&label), "session {label} missing");
    }
    // The totals are there.
    assert_eq!(r.expected, 1500);
    assert!(
        all.contains(&format!("{} of 1500 expected places", r.attended)),
        "{all}"
    );
}

// ---------------------------------------------------------------------------
// Exports as files.

#[test]
fn exports_are_written_whole_and_refuse_what_they_cannot_make() {
    let f = fixture();
    let out = tempfile::tempdir().unwrap();
    let request = ReportRequest::Register {
        group_id: f.choir.id.clone(),
        from: "2025-01-01".into(),
        to: "2025-02-28".into(),
    };
    let mut steps = Vec::new();
    let path = out.path().join("r.csv");
    let done = report::export(
        &f.store,
        &request,
        ExportFormat::Csv,
        &path,
        &mut |d, t, what| steps.push((d, t, what.to_string())),
    )
    .unwrap();
    assert_eq!(done.bytes, std::fs::metadata(&path).unwrap().len());
    assert_eq!(
        steps.last().unwrap().0,
        steps.last().unwrap().1,
        "progress reaches the end"
    );

    // A format the report has no use for: refused, nothing written.
    let json = out.path().join("r.json");
    let e = report::export(
        &f.store,
        &request,
        ExportFormat::Json,
        &json,
        &mut |_, _, _| {},
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid");
    assert!(e.to_string().contains("PDF or Excel or CSV"), "{e}");
    assert!(!json.exists());

    // A folder that is not there: refused, and no temporary file anywhere.
    let missing = out.path().join("nowhere/r.csv");
    let e = report::export(
        &f.store,
        &request,
        ExportFormat::Csv,
        &missing,
        &mut |_, _, _| {},
    )
    .unwrap_err();
    assert_eq!(e.code(), "report_failed", "{e}");
    let left: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only r.csv: {left:?}");

    // The suggested name says what and when.
    assert_eq!(
        report::suggested_file_name(&f.store, &request, ExportFormat::Pdf).unwrap(),
        "Register Tuesday Choir 2025-01-01 to 2025-02-28.pdf"
    );
}

#[test]
fn every_groups_register_goes_into_one_workbook() {
    let mut f = fixture();
    let other = f
        .store
        .create_group(&GroupInput {
            name: "Friday: Drop-in/Social".into(),
            ..Default::default()
        })
        .unwrap();
    let s = session_on(&mut f.store, &other, "2025-01-10");
    f.store
        .add_member(&other.id, &f.ada.id, "2025-01-01")
        .unwrap();
    mark(&mut f.store, &s, &f.ada, Mark::Present);
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("all.xlsx");
    report::export(
        &f.store,
        &ReportRequest::AllRegisters {
            from: "2025-01-01".into(),
            to: "2025-01-31".into(),
        },
        ExportFormat::Xlsx,
        &path,
        &mut |_, _, _| {},
    )
    .unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    // Sheet names can't hold ':' or '/'.
    assert_eq!(
        book.sheet_names(),
        ["Friday  Drop-in Social", "Tuesday Choir"]
    );
    let range = book.worksheet_range("Friday  Drop-in Social").unwrap();
    assert_eq!(
        cell(&range, register::XLSX_HEADER_ROW + 1, 0),
        st("Ada Lovelace")
    );

    let csv = out.path().join("all.csv");
    report::export(
        &f.store,
        &ReportRequest::AllRegisters {
            from: "2025-01-01".into(),
            to: "2025-01-31".into(),
        },
        ExportFormat::Csv,
        &csv,
        &mut |_, _, _| {},
    )
    .unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.matches('\u{feff}').count(), 1);
    assert_eq!(text.matches("Attendance register,").count(), 2);
}

// ---------------------------------------------------------------------------
// The programme summary.

fn ucl(values: &[i32]) -> Vec<Response> {
    builtin(UCL_UMBRELLA_GENERIC)
        .unwrap()
        .items
        .iter()
        .zip(values)
        .map(|(i, &v)| Response::new(i.key.clone(), v))
        .collect()
}

fn scores(store: &mut Store, p: &Attendee, s: &Session, timing: Timing, values: &[i32]) {
    store
        .record_scores(&ScoreSetInput {
            attendee_id: p.id.clone(),
            session_id: Some(s.id.clone()),
            instrument_key: UCL_UMBRELLA_GENERIC.into(),
            timing,
            rater: Rater::SelfReport,
            rater_name: String::new(),
            taken_on: None,
            answers: ucl(values),
        })
        .unwrap();
}

fn referral(store: &mut Store, p: &Attendee, source: ReferralSource, on: &str) -> Referral {
    store
        .add_referral(&ReferralInput {
            attendee_id: p.id.clone(),
            source,
            referrer_name: "Priya Shah".into(),
            referrer_organisation: "Northfield Surgery".into(),
            received_on: on.into(),
            reasons: vec![ReferralReason::Loneliness],
            reason_notes: String::new(),
        })
        .unwrap()
}

/// Referrals and scores on top of the register.
fn programme_fixture() -> (Fixture, Attendee, Attendee) {
    let mut f = fixture();
    let r = referral(
        &mut f.store,
        &f.ada,
        ReferralSource::GpLinkWorker,
        "2025-01-02",
    );
    f.store
        .set_referral_status(&r.id, ReferralStatus::Started, "2025-01-07", "", None)
        .unwrap();
    referral(
        &mut f.store,
        &f.zoe,
        ReferralSource::SocialPrescriber,
        "2025-01-10",
    );
    // Waiting for a group: counted.
    let fay = person(&mut f.store, "Fay Waiting");
    referral(
        &mut f.store,
        &fay,
        ReferralSource::MemoryClinic,
        "2025-01-20",
    );
    // In another group only: not this programme's.
    let other = f
        .store
        .create_group(&GroupInput {
            name: "Elsewhere".into(),
            ..Default::default()
        })
        .unwrap();
    let gil = person(&mut f.store, "Gil Elsewhere");
    f.store
        .add_member(&other.id, &gil.id, "2025-01-01")
        .unwrap();
    referral(
        &mut f.store,
        &gil,
        ReferralSource::GpLinkWorker,
        "2025-01-05",
    );
    // Before the period: not counted.
    referral(
        &mut f.store,
        &f.siobhan,
        ReferralSource::CareHome,
        "2024-12-01",
    );

    let s0 = f.sessions[0].clone();
    let s2 = f.sessions[2].clone();
    let (ada, zoe) = (f.ada.clone(), f.zoe.clone());
    scores(&mut f.store, &ada, &s0, Timing::Before, &[2; 6]);
    scores(&mut f.store, &ada, &s0, Timing::After, &[4; 6]);
    scores(&mut f.store, &zoe, &s2, Timing::Before, &[3; 6]);
    scores(&mut f.store, &zoe, &s2, Timing::After, &[3; 6]);
    (f, fay, gil)
}

#[test]
fn a_referral_in_the_period_counts_for_the_group_its_person_joins_after_it() {
    let (mut f, _, _) = programme_fixture();
    let elsewhere = f
        .store
        .list_groups(false)
        .unwrap()
        .into_iter()
        .find(|g| g.name == "Elsewhere")
        .unwrap()
        .id;
    // Referred in January; joined the choir in February.
    let hana = person(&mut f.store, "Hana Later");
    referral(
        &mut f.store,
        &hana,
        ReferralSource::GpLinkWorker,
        "2025-01-25",
    );
    f.store
        .add_member(&f.choir.id, &hana.id, "2025-02-10")
        .unwrap();
    // Referred in January; joined the other group in February.
    let ivo = person(&mut f.store, "Ivo Elsewhere Later");
    referral(
        &mut f.store,
        &ivo,
        ReferralSource::GpLinkWorker,
        "2025-01-26",
    );
    f.store
        .add_member(&elsewhere, &ivo.id, "2025-02-11")
        .unwrap();
    let total = |groups: &[String]| {
        f.store
            .programme_summary(groups, "2025-01-01", "2025-01-31", "")
            .unwrap()
            .referrals_total
    };
    // The choir's three as worked out by hand, and Hana's; not Ivo's.
    assert_eq!(total(std::slice::from_ref(&f.choir.id)), 4);
    // The other group: Gil's and Ivo's, and Fay's (waiting for a group).
    assert_eq!(total(std::slice::from_ref(&elsewhere)), 3);
}

#[test]
fn the_programme_summary_counts_as_worked_out_by_hand() {
    let (f, _, _) = programme_fixture();
    let s = f
        .store
        .programme_summary(
            std::slice::from_ref(&f.choir.id),
            "2025-01-01",
            "2025-01-31",
            "People said the singing lifted them.",
        )
        .unwrap();
    assert_eq!(s.group_names, ["Tuesday Choir"]);
    assert_eq!(
        (
            s.sessions_planned,
            s.sessions_held,
            s.sessions_cancelled,
            s.sessions_not_yet_held
        ),
        (4, 3, 1, 0)
    );
    assert_eq!(s.unique_participants, 5);
    assert_eq!(s.participants_three_or_more, 0);
    assert_eq!((s.attended, s.expected), (8, 11));
    assert_eq!((s.members_in_period, s.members_retained), (4, 3));
    assert_eq!(s.retention_rate, Some(75.0));

    assert_eq!(s.referrals_total, 3);
    let by: Vec<(&str, u32)> = s
        .referrals
        .iter()
        .map(|r| (r.source.as_str(), r.total))
        .collect();
    assert_eq!(
        by,
        [
            ("GP link worker", 1),
            ("Social prescriber", 1),
            ("Memory clinic", 1)
        ]
    );
    let started = s
        .referral_statuses
        .iter()
        .position(|x| x == "Started")
        .unwrap();
    assert_eq!(s.referrals[0].by_status[started], 1);

    // Ada's was answered (started) after 5 days and she came that day; Zoë's
    // and Fay's were never answered and are long overdue; Zoë came 11 days
    // after hers.
    let t = &s.referral_timing;
    assert_eq!((t.response_days, t.referrals), (14, 3));
    assert_eq!((t.answered, t.answered_in_time, t.overdue), (1, 1, 2));
    assert_eq!(t.median_days_to_answer, Some(5.0));
    assert_eq!((t.came, t.median_days_to_first_session), (2, Some(8.0)));
    assert_eq!(t.came_in_time, 2, "Ada after 5 days, Zoë after 11");

    assert_eq!(s.wellbeing.len(), 1);
    let w = &s.wellbeing[0];
    assert_eq!(w.counted, 2);
    assert_eq!((w.improved, w.same, w.worse), (1, 1, 0));
    let overall = &w.lines[0];
    assert_eq!(overall.label, "Overall");
    assert_eq!((overall.before, overall.after), (Some(2.5), Some(3.5)));
    let change = overall.change.unwrap();
    assert_eq!(change.points, 1.0);
    assert_eq!(change.percent, Some(40.0));
    assert_eq!(w.lines.len(), 1 + 6, "overall and each item");
}

#[test]
fn the_programme_summary_in_excel_and_pdf() {
    let (f, _, _) = programme_fixture();
    let request = ReportRequest::Programme {
        group_ids: vec![f.choir.id.clone()],
        from: "2025-01-01".into(),
        to: "2025-01-31".into(),
        narrative: "People said the singing lifted them.".into(),
    };
    let out = tempfile::tempdir().unwrap();
    let xlsx = out.path().join("p.xlsx");
    report::export(
        &f.store,
        &request,
        ExportFormat::Xlsx,
        &xlsx,
        &mut |_, _, _| {},
    )
    .unwrap();
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Summary", "Referrals", "Wellbeing", "Start and end"]
    );
    let sum = book.worksheet_range("Summary").unwrap();
    let find = |label: &str| -> Data {
        (0..sum.height() as u32)
            .find(|r| cell(&sum, *r, 0) == st(label))
            .map(|r| cell(&sum, r, 1))
            .unwrap_or_else(|| panic!("{label} missing"))
    };
    assert_eq!(find("Sessions held"), n(3.0));
    assert_eq!(find("Unique participants"), n(5.0));
    assert_eq!(find("Attendance rate (%)"), n(72.7));
    assert_eq!(find("Retention (%)"), n(75.0));
    assert_eq!(
        find("In the therapist's words"),
        st("People said the singing lifted them.")
    );
    let refs = book.worksheet_range("Referrals").unwrap();
    assert_eq!(cell(&refs, 1, 0), st("GP link worker"));
    assert_eq!(cell(&refs, 4, 0), st("Total"));
    assert_eq!(cell(&refs, 4, 8), n(3.0));
    let wb = book.worksheet_range("Wellbeing").unwrap();
    assert_eq!(cell(&wb, 2, 0), st("Overall"));
    assert_eq!(
        (
            cell(&wb, 2, 1),
            cell(&wb, 2, 2),
            cell(&wb, 2, 3),
            cell(&wb, 2, 4)
        ),
        (n(2.5), n(3.5), n(1.0), n(40.0))
    );
    // A native chart is in the workbook.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    assert!(zip.by_name("xl/charts/chart1.xml").is_ok());

    let pdf = report::make(&f.store, &request, ExportFormat::Pdf, &mut |_, _, _| {}).unwrap();
    let all = pdf_text(&pdf).join("\n");
    for want in [
        "Programme summary",
        "Tuesday Choir",
        "1 Jan 2025 to 31 Jan 2025",
        "People said the singing lifted them.",
        "GP link worker",
        "Memory clinic",
        "72.7%",
        "75.0%",
        "+40%",
        "Before",
        "After",
    ] {
        assert!(all.contains(want), "{want} missing:\n{all}");
    }
}

#[test]
fn answers_are_counted_in_days_across_a_month_boundary() {
    let (mut f, fay, _) = programme_fixture();
    let zoe_ref = f.store.attendee_detail(&f.zoe.id).unwrap().referrals[0].clone();
    let fay_ref = f.store.attendee_detail(&fay.id).unwrap().referrals[0].clone();
    // 10 Jan to 3 Feb: 24 days, late.
    f.store
        .set_referral_status(
            &zoe_ref.id,
            ReferralStatus::Declined,
            "2025-02-03",
            "",
            Some(DeclineReason::NoPlace),
        )
        .unwrap();
    // 20 Jan to 2 Feb: 13 days, in time.
    f.store
        .set_referral_status(
            &fay_ref.id,
            ReferralStatus::Accepted,
            "2025-02-02",
            "",
            None,
        )
        .unwrap();
    // 31 Jan to 14 Feb: 14 days, the last day in time; a step of "contacted"
    // on the way is not an answer.
    let hal = person(&mut f.store, "Hal Lastday");
    let r = referral(
        &mut f.store,
        &hal,
        ReferralSource::GpLinkWorker,
        "2025-01-31",
    );
    f.store
        .set_referral_status(&r.id, ReferralStatus::Contacted, "2025-02-01", "", None)
        .unwrap();
    f.store
        .set_referral_status(&r.id, ReferralStatus::Accepted, "2025-02-14", "", None)
        .unwrap();
    // First sessions across the month's end: Fay (20 Jan) and Hal (31 Jan)
    // join on the last day of January and first come on 4 Feb, after 15
    // days (late) and 4 (in time).
    let feb4 = f.sessions[4].clone();
    for p in [&fay, &hal] {
        f.store
            .add_member(&f.choir.id, &p.id, "2025-01-31")
            .unwrap();
        mark(&mut f.store, &feb4, p, Mark::Present);
    }

    let january = f
        .store
        .programme_summary(
            std::slice::from_ref(&f.choir.id),
            "2025-01-01",
            "2025-01-31",
            "",
        )
        .unwrap();
    let t = &january.referral_timing;
    assert_eq!((t.referrals, t.answered, t.overdue), (4, 4, 0));
    assert_eq!(
        t.answered_in_time, 3,
        "Ada 5, Fay 13 and Hal 14 days; Zoë 24"
    );
    assert_eq!(t.median_days_to_answer, Some(13.5));
    assert_eq!(t.came, 4);
    assert_eq!(t.came_in_time, 3, "Ada 5, Zoë 11 and Hal 4 days; Fay 15");
    assert_eq!(t.median_days_to_first_session, Some(8.0), "4, 5, 11, 15");
    // February received none of them.
    let february = f
        .store
        .programme_summary(
            std::slice::from_ref(&f.choir.id),
            "2025-02-01",
            "2025-02-28",
            "",
        )
        .unwrap();
    assert_eq!(february.referral_timing.referrals, 0);
    assert_eq!(february.referral_timing.median_days_to_answer, None);

    // A practice with a 10-day deadline: Fay's 13 days are late too.
    f.store
        .set_practice_settings(&PracticeSettings {
            referral_response_days: 10,
            ..Default::default()
        })
        .unwrap();
    let request = ReportRequest::Programme {
        group_ids: vec![f.choir.id.clone()],
        from: "2025-01-01".into(),
        to: "2025-01-31".into(),
        narrative: String::new(),
    };
    let pdf = report::make(&f.store, &request, ExportFormat::Pdf, &mut |_, _, _| {}).unwrap();
    let all = pdf_text(&pdf).join(" ");
    let all = all.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Answered within 10 days",
        "1 of 4 referrals; 4 answered in all, median 13.5 days to an answer",
        "First session within 10 days",
        "2 of 4 referrals; 4 came to a session in all, median 8 days from the referral",
    ] {
        assert!(all.contains(want), "{want} missing:\n{all}");
    }
}

/// ONS4 for a person outside a session (satisfied, worthwhile, happy, anxious).
fn ons4(store: &mut Store, p: &Attendee, timing: Timing, on: &str, values: [i32; 4]) {
    let keys = ["satisfied", "worthwhile", "happy", "anxious"];
    store
        .record_scores(&ScoreSetInput {
            attendee_id: p.id.clone(),
            session_id: None,
            instrument_key: ONS4.into(),
            timing,
            rater: Rater::SelfReport,
            rater_name: String::new(),
            taken_on: Some(on.into()),
            answers: keys
                .iter()
                .zip(values)
                .map(|(k, v)| Response::new(*k, v))
                .collect(),
        })
        .unwrap();
}

#[test]
fn start_and_end_measures_are_due_in_turn_and_paired_for_the_referrer_and_the_funder() {
    let (mut f, fay, _) = programme_fixture();
    let due =
        |store: &Store, who: &Attendee| store.attendee_detail(&who.id).unwrap().episodes[0].due;
    // Ada and Zoë came to sessions after their referrals: a start is due.
    // Fay has not come yet: nothing is due.
    assert_eq!(due(&f.store, &f.ada), Some(Timing::Intake));
    assert_eq!(due(&f.store, &f.zoe), Some(Timing::Intake));
    assert_eq!(due(&f.store, &fay), None);
    let listed: Vec<(String, Timing)> = f
        .store
        .episode_measures_due()
        .unwrap()
        .into_iter()
        .map(|d| (d.full_name, d.due))
        .collect();
    assert_eq!(
        listed,
        [
            ("Ada Lovelace".to_string(), Timing::Intake),
            ("Siobhán Ní Bhriain".to_string(), Timing::Intake),
            ("Zoë Adams".to_string(), Timing::Intake),
        ],
        "by name; Siobhán's December referral too"
    );
    let ada = f.ada.clone();
    // An intake before the referral arrived is not its start.
    ons4(
        &mut f.store,
        &ada,
        Timing::Intake,
        "2024-12-20",
        [1, 1, 1, 9],
    );
    assert_eq!(due(&f.store, &ada), Some(Timing::Intake));
    ons4(
        &mut f.store,
        &ada,
        Timing::Intake,
        "2025-01-07",
        [4, 5, 3, 7],
    );
    assert_eq!(due(&f.store, &ada), None, "started; not ended yet");
    let referral = f.store.attendee_detail(&ada.id).unwrap().referrals[0].clone();
    f.store
        .set_referral_status(
            &referral.id,
            ReferralStatus::Completed,
            "2025-01-28",
            "",
            None,
        )
        .unwrap();
    assert_eq!(due(&f.store, &ada), Some(Timing::Discharge));
    assert_eq!(
        f.store.episode_measures_due().unwrap()[0].due,
        Timing::Discharge
    );
    ons4(
        &mut f.store,
        &ada,
        Timing::Discharge,
        "2025-01-28",
        [7, 7, 6, 3],
    );
    let episode = f.store.attendee_detail(&ada.id).unwrap().episodes[0].clone();
    assert_eq!(episode.due, None);
    assert_eq!(
        (episode.start_on.as_deref(), episode.end_on.as_deref()),
        (Some("2025-01-07"), Some("2025-01-28"))
    );
    type Pair = (Option<f64>, Option<f64>, Option<f64>, bool);
    let pairs: Vec<Pair> = episode
        .lines
        .iter()
        .map(|l| (l.start, l.end, l.change, l.lower_is_better))
        .collect();
    assert_eq!(
        pairs,
        [
            (Some(4.0), Some(7.0), Some(3.0), false),
            (Some(5.0), Some(7.0), Some(2.0), false),
            (Some(3.0), Some(6.0), Some(3.0), false),
            (Some(7.0), Some(3.0), Some(-4.0), true),
        ]
    );
    // Zoë: a start only.
    let zoe = f.zoe.clone();
    ons4(
        &mut f.store,
        &zoe,
        Timing::Intake,
        "2025-01-21",
        [5, 5, 5, 5],
    );

    let s = f
        .store
        .programme_summary(
            std::slice::from_ref(&f.choir.id),
            "2025-01-01",
            "2025-01-31",
            "",
        )
        .unwrap();
    assert_eq!(s.episodes.len(), 1);
    let e = &s.episodes[0];
    assert_eq!(e.instrument_name, "ONS4 personal wellbeing");
    assert_eq!((e.started, e.both), (2, 1), "Zoë has no end yet");
    assert_eq!(
        (e.lines[0].start, e.lines[0].end, e.lines[0].change),
        (Some(4.0), Some(7.0), Some(3.0)),
        "means over the pairs only"
    );

    // The referrer sees the pairing, with which way is better.
    let mut input = AttendeeInput {
        full_name: ada.full_name.clone(),
        ..Default::default()
    };
    input.consent_share_outcomes = Consent {
        given: true,
        date: Some("2025-01-02".into()),
    };
    f.store.update_attendee(&ada.id, &input).unwrap();
    let request = ReportRequest::ReferrerFeedback {
        attendee_id: ada.id.clone(),
        summary: String::new(),
    };
    let pdf = report::make(&f.store, &request, ExportFormat::Pdf, &mut |_, _, _| {}).unwrap();
    let all = pdf_text(&pdf).join(" ");
    let all = all.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "ONS4 personal wellbeing at the start and the end of the referral",
        "Taken at the start on 7 Jan 2025 and at the end on 28 Jan 2025 (self-rated).",
        "+3 (better)",
        "−4 (better)",
    ] {
        assert!(all.contains(want), "{want} missing:\n{all}");
    }
    let pdf = report::make(
        &f.store,
        &ReportRequest::Programme {
            group_ids: vec![f.choir.id.clone()],
            from: "2025-01-01".into(),
            to: "2025-01-31".into(),
            narrative: String::new(),
        },
        ExportFormat::Pdf,
        &mut |_, _, _| {},
    )
    .unwrap();
    let all = pdf_text(&pdf).join(" ");
    let all = all.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        all.contains("2 referrals measured at the start, 1 at the start and the end"),
        "{all}"
    );
}

#[test]
fn the_practices_start_and_end_measure_is_one_refrain_knows() {
    let (mut f, _, _) = programme_fixture();
    let e = f
        .store
        .set_practice_settings(&PracticeSettings {
            episode_instrument_key: "no-such-measure".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.field(), Some("episodeInstrumentKey"));
    let s = f
        .store
        .set_practice_settings(&PracticeSettings {
            episode_instrument_key: SWEMWBS.into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(s.episode_instrument_key, SWEMWBS);
    let episode = f.store.attendee_detail(&f.ada.id).unwrap().episodes[0].clone();
    assert_eq!(episode.instrument_key, SWEMWBS);
    assert_eq!(episode.lines.len(), 1, "one overall score");
    assert_eq!(episode.lines[0].label, "Overall");
}

// ---------------------------------------------------------------------------
// Feedback for a referrer.

#[test]
fn feedback_for_a_referrer_needs_consent_and_says_what_happened() {
    let (mut f, _, _) = programme_fixture();
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("feedback.pdf");
    let request = ReportRequest::ReferrerFeedback {
        attendee_id: f.zoe.id.clone(),
        summary: "Zoë has come every week and sings out.".into(),
    };
    let e = report::export(
        &f.store,
        &request,
        ExportFormat::Pdf,
        &path,
        &mut |_, _, _| {},
    )
    .unwrap_err();
    assert_eq!(e.code(), "conflict");
    assert!(e.to_string().contains("has not agreed"), "{e}");
    assert!(!path.exists(), "nothing written without consent");

    let mut input = AttendeeInput {
        full_name: f.zoe.full_name.clone(),
        ..Default::default()
    };
    input.consent_share_outcomes = Consent {
        given: true,
        date: Some("2025-01-15".into()),
    };
    f.store.update_attendee(&f.zoe.id, &input).unwrap();

    let fb = f.store.referrer_feedback(&f.zoe.id, "Sings out.").unwrap();
    assert_eq!(fb.referred_by, "Priya Shah, Northfield Surgery");
    assert_eq!(fb.answer, None, "not answered yet");
    let referral_id = f.store.attendee_detail(&f.zoe.id).unwrap().referrals[0]
        .id
        .clone();
    f.store
        .set_referral_status(
            &referral_id,
            ReferralStatus::Accepted,
            "2025-01-14",
            "Phoned; starts on the 21st",
            None,
        )
        .unwrap();
    let fb = f.store.referrer_feedback(&f.zoe.id, "Sings out.").unwrap();
    let answer = fb.answer.unwrap();
    assert_eq!(
        (answer.status, answer.changed_on.as_str()),
        (ReferralStatus::Accepted, "2025-01-14")
    );
    let dates: Vec<&str> = fb.attended.iter().map(|a| a.date.as_str()).collect();
    assert_eq!(dates, ["2025-01-21", "2025-01-28"]);
    assert_eq!(fb.measures.len(), 1);
    assert_eq!(fb.measures[0].first, "mean 3");

    report::export(
        &f.store,
        &request,
        ExportFormat::Pdf,
        &path,
        &mut |_, _, _| {},
    )
    .unwrap();
    let all = pdf_text(&std::fs::read(&path).unwrap()).join("\n");
    for want in [
        "Feedback for the referrer",
        "Zoë Adams",
        "Priya Shah, Northfield Surgery",
        "21 Jan 2025",
        "28 Jan 2025",
        "Zoë has come every week and sings out.",
        "came to 2 of the 2 sessions",
        "Accepted on 14 Jan 2025 (Phoned; starts on the 21st)",
    ] {
        assert!(all.contains(want), "{want} missing:\n{all}");
    }
}

#[test]
fn the_message_back_has_the_four_headings_and_only_verified_codes_in_pdf_and_json() {
    let (mut f, _, _) = programme_fixture();
    let ada = f.ada.clone();
    let request = ReportRequest::ReferrerFeedback {
        attendee_id: ada.id.clone(),
        summary: "Ada sang every week.".into(),
    };
    // Without consent: neither file.
    let out = tempfile::tempdir().unwrap();
    let json_path = out.path().join("message.json");
    let e = report::export(
        &f.store,
        &request,
        ExportFormat::Json,
        &json_path,
        &mut |_, _, _| {},
    )
    .unwrap_err();
    assert_eq!(e.code(), "conflict");
    assert!(!json_path.exists());

    let mut input = AttendeeInput {
        full_name: ada.full_name.clone(),
        ..Default::default()
    };
    input.consent_share_outcomes = Consent {
        given: true,
        date: Some("2025-01-02".into()),
    };
    f.store.update_attendee(&ada.id, &input).unwrap();
    ons4(
        &mut f.store,
        &ada,
        Timing::Intake,
        "2025-01-07",
        [4, 5, 3, 7],
    );
    ons4(
        &mut f.store,
        &ada,
        Timing::Discharge,
        "2025-01-28",
        [7, 7, 6, 3],
    );

    let pdf = report::make(&f.store, &request, ExportFormat::Pdf, &mut |_, _, _| {}).unwrap();
    let lines: Vec<String> = pdf_text(&pdf)
        .join("\n")
        .lines()
        .map(|l| l.trim().to_string())
        .collect();
    let at = |h: &str| {
        lines
            .iter()
            .position(|l| l == h)
            .unwrap_or_else(|| panic!("heading {h} missing:\n{}", lines.join("\n")))
    };
    let order = [
        at("The person"),
        at("Needs and concerns"),
        at("Support offered"),
        at("Outcomes"),
        at("SNOMED CT codes"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let all = lines.join(" ");
    let all = all.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Referral from: GP link worker",
        "Reasons: Loneliness",
        "Our answer: Started on 7 Jan 2025",
        "Groups: Tuesday Choir",
        "+3 (better)",
        "Ada sang every week.",
        "871731000000106",
        "Referral to social prescribing service (procedure)",
        "302257006",
        "Arts-based therapy (regime/therapy)",
    ] {
        assert!(all.contains(want), "{want} missing:\n{all}");
    }

    report::export(
        &f.store,
        &request,
        ExportFormat::Json,
        &json_path,
        &mut |_, _, _| {},
    )
    .unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(json["person"]["name"], "Ada Lovelace");
    assert_eq!(json["needsAndConcerns"]["referralReceivedOn"], "2025-01-02");
    assert_eq!(json["needsAndConcerns"]["reasonLabels"][0], "Loneliness");
    assert_eq!(json["supportOffered"]["answer"]["status"], "started");
    assert_eq!(json["supportOffered"]["sessionsAttended"], 2);
    assert_eq!(json["outcomes"]["startAndEnd"]["measureKey"], "ons4");
    assert_eq!(json["outcomes"]["startAndEnd"]["lines"][3]["change"], -4.0);
    assert_eq!(json["outcomes"]["startAndEnd"]["lines"][3]["better"], true);
    assert_eq!(json["outcomes"]["summary"], "Ada sang every week.");
    let codes: Vec<(&str, &str, &str)> = json["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["heading"].as_str().unwrap(),
                c["code"].as_str().unwrap(),
                c["system"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (
                "needsAndConcerns",
                "871731000000106",
                "http://snomed.info/sct"
            ),
            ("supportOffered", "302257006", "http://snomed.info/sct"),
        ]
    );
    for c in json["codes"].as_array().unwrap() {
        let known = refrain_core::snomed::TABLE
            .iter()
            .find(|k| k.id == c["code"])
            .expect("every code is from the table");
        assert!(known.verified, "only verified codes are written");
        assert_eq!(c["term"], known.term);
        assert!(!c["checkedAgainst"].as_array().unwrap().is_empty());
    }

    // A SWEMWBS episode: its code is not verified, so none is written for it.
    f.store
        .set_practice_settings(&PracticeSettings {
            episode_instrument_key: SWEMWBS.into(),
            ..Default::default()
        })
        .unwrap();
    let fb = f.store.referrer_feedback(&ada.id, "").unwrap();
    assert!(fb
        .codes
        .iter()
        .all(|c| c.code != refrain_core::snomed::SWEMWBS_SCORE.id));
}

#[test]
fn every_code_in_the_table_is_well_formed_and_sourced() {
    // SNOMED CT ids: digits, 6 to 18 long, with a valid Verhoeff check digit.
    fn verhoeff(id: &str) -> bool {
        const D: [[u8; 10]; 10] = [
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
            [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
            [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
            [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
            [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
            [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
            [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
            [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
            [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
            [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
        ];
        const P: [[u8; 10]; 8] = [
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
            [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
            [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
            [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
            [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
            [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
            [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
            [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
        ];
        let mut c = 0u8;
        for (i, ch) in id.bytes().rev().enumerate() {
            c = D[c as usize][P[i % 8][(ch - b'0') as usize] as usize];
        }
        c == 0
    }
    for c in refrain_core::snomed::TABLE {
        assert!(
            (6..=18).contains(&c.id.len()) && c.id.bytes().all(|b| b.is_ascii_digit()),
            "{}",
            c.id
        );
        assert!(verhoeff(c.id), "{} fails its check digit", c.id);
        assert!(
            !c.term.is_empty() && !c.checked_against.is_empty(),
            "{}",
            c.id
        );
    }
}

// ---------------------------------------------------------------------------
// Subject access.

fn signed_note_with_amendment(f: &mut Fixture) -> (Practitioner, Note) {
    let p = f
        .store
        .create_practitioner(&PractitionerInput {
            name: "Sam Okafor".into(),
            hcpc_number: "AS12345".into(),
        })
        .unwrap();
    let note = f
        .store
        .save_note_draft(
            &f.sessions[0].id,
            Some(&f.ada.id),
            "Ada hummed along to Moon River, then sang the chorus.",
            Some(&p.id),
        )
        .unwrap();
    f.store.sign_note(&note.id, &p.id).unwrap();
    let note = f
        .store
        .amend_note(
            &note.id,
            &p.id,
            "It was Blue Moon, not Moon River.",
            "Wrong song",
        )
        .unwrap();
    (p, note)
}

#[test]
fn subject_access_holds_everything_about_the_person() {
    let (mut f, _, _) = programme_fixture();
    signed_note_with_amendment(&mut f);
    let sar = f.store.subject_access(&f.ada.id).unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&report::subject_access::to_json(&sar).unwrap()).unwrap();
    assert_eq!(json["attendee"]["fullName"], "Ada Lovelace");
    assert_eq!(json["referrals"][0]["source"], "gpLinkWorker");
    assert_eq!(json["referrals"][0]["history"].as_array().unwrap().len(), 2);
    assert_eq!(json["attendance"].as_array().unwrap().len(), 3);
    assert_eq!(json["memberships"][0]["groupName"], "Tuesday Choir");
    assert_eq!(
        json["notes"][0]["amendments"][0]["body"],
        "It was Blue Moon, not Moon River."
    );
    assert_eq!(
        json["outcomes"]["instruments"][0]["sets"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let audit = json["audit"].as_array().unwrap();
    assert!(audit
        .iter()
        .any(|e| e["what"] == "clinical note" && e["action"] == "signed"));

    let pdf = report::make(
        &f.store,
        &ReportRequest::SubjectAccess {
            attendee_id: f.ada.id.clone(),
        },
        ExportFormat::Pdf,
        &mut |_, _, _| {},
    )
    .unwrap();
    let all = pdf_text(&pdf).join("\n");
    for want in [
        "What Refrain holds about Ada Lovelace",
        "Ada hummed along to Moon River",
        "It was Blue Moon, not Moon River.",
        "Wrong song",
        "GP link worker",
        "Tuesday Choir",
        "7 Jan 2025",
        "apologies",
        "Every change to their records",
    ] {
        assert!(all.contains(want), "{want} missing:\n{all}");
    }
}

// ---------------------------------------------------------------------------
// Erasure.

fn file_holds(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            if memchr::memmem::find(&bytes, needle.as_bytes()).is_some() {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

#[test]
fn erasure_removes_the_person_and_keeps_past_counts() {
    let (mut f, _, _) = programme_fixture();
    let (p, _) = signed_note_with_amendment(&mut f);
    f.store.set_actor(Some(p.id.clone()));
    let before = january(&f);
    let db_dir = f.dir.path().to_path_buf();
    // This test store is not encrypted, so the search below can fail.
    assert!(!file_holds(&db_dir, "Ada Lovelace").is_empty());

    // No reason: refused, nothing changed.
    let e = f.store.erase_attendee(&f.ada.id, "   ").unwrap_err();
    assert_eq!(e.field(), Some("reason"));
    assert_eq!(
        f.store.attendee(&f.ada.id).unwrap().full_name,
        "Ada Lovelace"
    );

    let erased = f
        .store
        .erase_attendee(&f.ada.id, "Asked in writing on 3 February")
        .unwrap();
    assert_eq!(erased.practitioner_name.as_deref(), Some("Sam Okafor"));
    assert!(
        erased.removed.contains(&"1 referral".to_string()),
        "{:?}",
        erased.removed
    );
    assert!(erased.removed.contains(&"1 clinical note".to_string()));
    assert!(erased.removed.contains(&"1 amendment".to_string()));
    assert!(erased
        .removed
        .contains(&"2 sets of outcome scores".to_string()));

    // The counts of past sessions stand.
    let after = january(&f);
    assert_eq!(
        (after.attended, after.expected),
        (before.attended, before.expected)
    );
    let per = |r: &RegisterReport| {
        r.sessions
            .iter()
            .map(|s| (s.attended, s.expected))
            .collect::<Vec<_>>()
    };
    assert_eq!(per(&after), per(&before));
    assert!(after.people.iter().all(|p| p.full_name != "Ada Lovelace"));
    assert!(after
        .people
        .iter()
        .any(|p| p.full_name.starts_with("Erased person ")));

    // The record is a placeholder; everything else about them is gone.
    let detail = f.store.attendee_detail(&f.ada.id).unwrap();
    assert!(detail.attendee.full_name.starts_with("Erased person "));
    assert!(detail.referrals.is_empty());
    assert_eq!(
        detail.erasure.as_ref().unwrap().reason,
        "Asked in writing on 3 February"
    );
    assert!(f.store.person_notes(&f.ada.id).unwrap().is_empty());
    assert!(f.store.search_notes("Blue Moon", None).unwrap().is_empty());
    assert!(f
        .store
        .search_attendees("", true)
        .unwrap()
        .iter()
        .all(|a| a.id != f.ada.id));
    assert!(f
        .store
        .person_outcomes(&f.ada.id)
        .unwrap()
        .instruments
        .is_empty());

    // Logged, and final.
    let audit = f.store.person_audit(&f.ada.id).unwrap();
    let last = audit.last().unwrap();
    assert_eq!(
        (last.action, last.what.as_str()),
        (AuditAction::Removed, "person")
    );
    assert_eq!(last.practitioner_name.as_deref(), Some("Sam Okafor"));
    let e = f.store.erase_attendee(&f.ada.id, "again").unwrap_err();
    assert_eq!(e.code(), "conflict");
    let e = f
        .store
        .update_attendee(
            &f.ada.id,
            &AttendeeInput {
                full_name: "Ada Lovelace".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "conflict");

    // Not in the file any more: the name, the note and the amendment.
    drop(f.store);
    for needle in ["Ada Lovelace", "Moon River", "Blue Moon"] {
        let found = file_holds(&db_dir, needle);
        assert!(found.is_empty(), "{needle} still in {found:?}");
    }
    // Others are untouched.
    assert!(!file_holds(&db_dir, "Zo\u{eb} Adams").is_empty());
}

#[test]
fn a_report_read_from_the_store_is_laid_out_and_saved_after_the_store_is_closed() {
    // The window reads under the store's lock and lays out after it: what is
    // read must be the whole report, with nothing left to fetch.
    let f = fixture();
    let out = tempfile::tempdir().unwrap();
    let request = ReportRequest::Register {
        group_id: f.choir.id.clone(),
        from: "2025-01-01".into(),
        to: "2025-02-28".into(),
    };
    let whole = report::make(&f.store, &request, ExportFormat::Csv, &mut |_, _, _| {}).unwrap();
    let prepared = report::read(&f.store, &request, ExportFormat::Csv, &mut |_, _, _| {}).unwrap();
    let Fixture { store, dir, .. } = f;
    drop(store);
    drop(dir);
    let path = out.path().join("register.csv");
    let done = prepared.save(&path, &mut |_, _, _| {}).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), whole);
    assert_eq!(done.bytes, whole.len() as u64);

    // A format the report has no use for is refused while reading, before
    // anything is laid out.
    let f = fixture();
    let e = report::read(&f.store, &request, ExportFormat::Json, &mut |_, _, _| {}).unwrap_err();
    assert_eq!(e.code(), "invalid");
    assert_eq!(e.field(), Some("format"));
}

#[test]
fn the_message_back_names_each_group_once_and_offers_only_the_referrals_episode() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    let group = |store: &mut Store, name: &str| {
        store
            .create_group(&GroupInput {
                name: name.into(),
                ..Default::default()
            })
            .unwrap()
    };
    let choir = group(&mut store, "Tuesday Choir");
    let drums = group(&mut store, "Friday Drums");
    let ada = person(&mut store, "Ada Lovelace");
    let mut input = AttendeeInput {
        full_name: ada.full_name.clone(),
        ..Default::default()
    };
    input.consent_share_outcomes = Consent {
        given: true,
        date: Some("2024-10-01".into()),
    };
    store.update_attendee(&ada.id, &input).unwrap();
    // The choir, then the drums, then back to the choir: her memberships
    // read current first, then newest joined (choir, drums, choir).
    let m = store.add_member(&choir.id, &ada.id, "2024-11-01").unwrap();
    store.end_membership(&m.id, "2025-01-05").unwrap();
    let m = store.add_member(&drums.id, &ada.id, "2025-01-06").unwrap();
    let old_choir = session_on(&mut store, &choir, "2024-12-03");
    mark(&mut store, &old_choir, &ada, Mark::Present);
    let drumming = session_on(&mut store, &drums, "2025-01-17");
    mark(&mut store, &drumming, &ada, Mark::Present);
    store.end_membership(&m.id, "2025-01-20").unwrap();
    store.add_member(&choir.id, &ada.id, "2025-02-01").unwrap();
    let back = session_on(&mut store, &choir, "2025-02-04");
    mark(&mut store, &back, &ada, Mark::Present);

    // With no referral, all of it; each group once.
    let fb = store.referrer_feedback(&ada.id, "").unwrap();
    assert_eq!(fb.groups, ["Tuesday Choir", "Friday Drums"]);
    assert_eq!(fb.sessions_offered, 3);

    // An earlier referral, ended; then the one the message answers.
    let first = referral(&mut store, &ada, ReferralSource::GpLinkWorker, "2024-10-20");
    store
        .set_referral_status(&first.id, ReferralStatus::Completed, "2024-12-20", "", None)
        .unwrap();
    let latest = referral(
        &mut store,
        &ada,
        ReferralSource::SocialPrescriber,
        "2025-01-10",
    );
    let fb = store.referrer_feedback(&ada.id, "").unwrap();
    assert_eq!(fb.referred_on.as_deref(), Some("2025-01-10"));
    // Its episode runs from 10 January to now: the December choir session
    // and the choir membership that ended on 5 January belong to the
    // earlier referral.
    let dates: Vec<&str> = fb.attended.iter().map(|a| a.date.as_str()).collect();
    assert_eq!(dates, ["2025-01-17", "2025-02-04"]);
    assert_eq!(fb.sessions_offered, 2);
    assert_eq!(fb.groups, ["Tuesday Choir", "Friday Drums"]);

    // Ended on 31 January: the choir she rejoined after is not part of it.
    store
        .set_referral_status(
            &latest.id,
            ReferralStatus::Completed,
            "2025-01-31",
            "",
            None,
        )
        .unwrap();
    let fb = store.referrer_feedback(&ada.id, "").unwrap();
    let dates: Vec<&str> = fb.attended.iter().map(|a| a.date.as_str()).collect();
    assert_eq!(dates, ["2025-01-17"]);
    assert_eq!(fb.sessions_offered, 1);
    assert_eq!(fb.groups, ["Friday Drums"]);
}

#[test]
fn an_unverified_concept_is_left_out_of_a_message_back() {
    use refrain_core::snomed;
    let unverified: Vec<snomed::Concept> = snomed::TABLE
        .iter()
        .filter(|c| !c.verified)
        .copied()
        .collect();
    assert!(
        !unverified.is_empty(),
        "the table keeps unverified concepts"
    );
    // The same filter every message back goes through.
    let mut wanted = vec![(MessageHeading::SupportOffered, snomed::ARTS_BASED_THERAPY)];
    wanted.extend(unverified.iter().map(|c| (MessageHeading::Outcomes, *c)));
    let entries = snomed::entries(wanted);
    let codes: Vec<&str> = entries.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, [snomed::ARTS_BASED_THERAPY.id]);
    for c in &unverified {
        assert!(!codes.contains(&c.id), "{} was written", c.term);
    }
}

#[test]
fn the_start_measure_is_offered_beside_the_person_on_the_register_of_their_first_session() {
    let (mut f, _, _) = programme_fixture();
    let due_on = |store: &Store, s: &Session, who: &Attendee| {
        store
            .register(&s.id)
            .unwrap()
            .entries
            .into_iter()
            .find(|e| e.attendee_id == who.id)
            .and_then(|e| e.measure_due)
    };
    let (ada, zoe) = (f.ada.clone(), f.zoe.clone());
    let nora = person(&mut f.store, "Nora Noref");
    f.store
        .add_member(&f.choir.id, &nora.id, "2025-01-01")
        .unwrap();
    let (first, third) = (f.sessions[0].clone(), f.sessions[2].clone());
    // Ada, referred on 2 January: at her first session, before any measure.
    let due = due_on(&f.store, &first, &ada).expect("a start measure is due");
    assert_eq!(
        (
            due.instrument_key.as_str(),
            due.instrument_name.as_str(),
            due.due
        ),
        (ONS4, "ONS4 personal wellbeing", Timing::Intake)
    );
    // Someone with no referral: nothing.
    assert_eq!(due_on(&f.store, &first, &nora), None);
    // Zoë, referred on 10 January, is due at her first session on the 21st.
    assert!(due_on(&f.store, &third, &zoe).is_some());
    // Once taken, it is not offered again.
    ons4(
        &mut f.store,
        &ada,
        Timing::Intake,
        "2025-01-07",
        [4, 5, 3, 7],
    );
    assert_eq!(due_on(&f.store, &first, &ada), None);
    assert_eq!(due_on(&f.store, &third, &ada), None);
    // A referral that ended is not measured at its start any more.
    let zoe_ref = f.store.attendee_detail(&zoe.id).unwrap().referrals[0].clone();
    f.store
        .set_referral_status(
            &zoe_ref.id,
            ReferralStatus::Withdrawn,
            "2025-01-20",
            "",
            None,
        )
        .unwrap();
    assert_eq!(due_on(&f.store, &third, &zoe), None);
    // Not before the session's day: a planned session far ahead offers none.
    let later = session_on(&mut f.store, &f.choir, "2099-01-06");
    assert!(f
        .store
        .register(&later.id)
        .unwrap()
        .entries
        .iter()
        .all(|e| e.measure_due.is_none()));
}
