//! Importing people from spreadsheets: files written here in every encoding
//! and shape therapists' programs save, checked row by row and saved whole or
//! not at all.

use std::path::{Path, PathBuf};

use refrain_core::model::*;
use refrain_core::people_import::{column_letter, guess_mapping, read_table, MAX_ROWS};
use refrain_core::store::DB_FILE;
use refrain_core::{CoreError, Store};
use rusqlite::Connection;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use tempfile::TempDir;

use crate::support::store;

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn count(dir: &TempDir, table: &str) -> i64 {
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn message(err: CoreError) -> String {
    match err {
        CoreError::Invalid { message, .. } => message,
        other => panic!("expected a message for the person, got {other:?}"),
    }
}

fn read_err(path: &Path) -> String {
    message(read_table(path).expect_err("the file must be refused"))
}

fn messages(preview: &ImportPreview) -> Vec<&str> {
    preview
        .problems
        .iter()
        .map(|p| p.message.as_str())
        .collect()
}

/// Reads `path`, guesses the columns and previews.
fn preview_of(store: &Store, path: &Path) -> (ImportTable, ColumnMapping, ImportPreview) {
    let table = read_table(path).unwrap();
    let mapping = guess_mapping(&table.headers);
    let preview = store.preview_import(&table, &mapping).unwrap();
    (table, mapping, preview)
}

fn no_progress() -> impl FnMut(usize, usize) {
    |_, _| {}
}

fn person(store: &mut Store, name: &str, dob: &str) -> Attendee {
    store
        .create_attendee(&AttendeeInput {
            full_name: name.into(),
            date_of_birth: dob.into(),
            ..Default::default()
        })
        .unwrap()
}

fn find(store: &Store, name: &str) -> AttendeeDetail {
    let hits = store.search_attendees(name, true).unwrap();
    let hit = hits
        .iter()
        .find(|a| a.full_name == name)
        .unwrap_or_else(|| panic!("{name} was not imported: {hits:?}"));
    store.attendee_detail(&hit.id).unwrap()
}

const GOOD: &str = "\
Name,Known as,DOB,Phone,Email,Carer,Consent,Referred by,Referral date,Reasons,Shoe size
Margaret Ellis,Peggy,02/03/1948,07700 900123,peggy@example.org,Jim Ellis,yes,GP,14/01/2025,\"Loneliness; low mood\",5
Arthur Bennett,,1951-11-30,+44 7700 900456,,,no,,,,9
\"Doreen Walsh, MBE\",Dor,3 Feb 1940,,,,Y,Self referral,2025-02-01,bereavement,6
";

#[test]
fn a_good_csv_is_read_guessed_previewed_and_imported() {
    let (dir, mut store) = store();
    let path = write(dir.path(), "people.csv", GOOD);
    let (table, mapping, preview) = preview_of(&store, &path);
    assert_eq!(table.file_name, "people.csv");
    assert_eq!(table.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(table.sheet_name, None);
    assert_eq!(table.header_row, 1);
    assert_eq!(table.rows.len(), 3);
    assert_eq!(table.rows[0].row, 2);
    assert_eq!(table.rows[2].cells[0], "Doreen Walsh, MBE");
    {
        use ImportField::*;
        assert_eq!(
            mapping.columns,
            vec![
                Some(FullName),
                Some(PreferredName),
                Some(DateOfBirth),
                Some(Phone),
                Some(Email),
                Some(CarerName),
                Some(ConsentParticipation),
                Some(ReferralSource),
                Some(ReferralReceivedOn),
                Some(ReferralReasons),
                None,
            ]
        );
    }
    assert_eq!(messages(&preview), Vec::<&str>::new());
    assert_eq!(
        (
            preview.total_rows,
            preview.ready_rows,
            preview.problem_rows,
            preview.rows.len()
        ),
        (3, 3, 0, 3)
    );
    assert_eq!(preview.rows[0].person.date_of_birth, "1948-03-02");
    assert!(preview.rows[0].ready);
    assert_eq!(preview.rows[1].referral, None);
    // The preview saved nothing.
    assert_eq!(count(&dir, "attendee"), 0);

    let mut calls = Vec::new();
    let outcome = store
        .import_people(&table, &mapping, false, &mut |done, total| {
            calls.push((done, total))
        })
        .unwrap();
    assert_eq!(
        outcome,
        ImportOutcome {
            people_added: 3,
            referrals_added: 2,
            rows_skipped: 0
        }
    );
    assert_eq!(calls.first(), Some(&(0, 3)));
    assert_eq!(calls.last(), Some(&(3, 3)));

    let peggy = find(&store, "Margaret Ellis");
    let a = &peggy.attendee;
    assert_eq!(a.preferred_name, "Peggy");
    assert_eq!(a.date_of_birth.as_deref(), Some("1948-03-02"));
    assert_eq!(a.phone, "07700 900123");
    assert_eq!(a.email, "peggy@example.org");
    assert_eq!(a.carer_name, "Jim Ellis");
    assert!(a.consent_participation.given);
    assert_eq!(peggy.referrals.len(), 1);
    let r = &peggy.referrals[0];
    assert_eq!(r.source, ReferralSource::GpLinkWorker);
    assert_eq!(r.received_on, "2025-01-14");
    assert_eq!(
        r.reasons,
        vec![ReferralReason::Depression, ReferralReason::Loneliness]
    );
    assert_eq!(r.status, ReferralStatus::Received);

    let arthur = find(&store, "Arthur Bennett");
    assert_eq!(arthur.attendee.phone, "+44 7700 900456");
    assert!(!arthur.attendee.consent_participation.given);
    assert!(arthur.referrals.is_empty());

    let doreen = find(&store, "Doreen Walsh, MBE");
    assert_eq!(doreen.attendee.date_of_birth.as_deref(), Some("1940-02-03"));
    let r = &doreen.referrals[0];
    assert_eq!(r.source, ReferralSource::SelfOrFamily);
    assert_eq!(r.reasons, vec![ReferralReason::Other]);
    assert_eq!(r.reason_notes, "bereavement");

    // Every insert is in the audit log.
    assert!(count(&dir, "audit_log") >= 3 + 2);
}

#[test]
fn a_semicolon_csv_from_european_excel_is_read() {
    let (dir, mut store) = store();
    let path = write(
        dir.path(),
        "people.csv",
        "Full name;Date of birth;Notes\r\nAnn Hill;01.02.1950;likes hymns, and Elvis\r\nBob Stone;;\r\n",
    );
    let (table, mapping, preview) = preview_of(&store, &path);
    assert_eq!(table.headers, ["Full name", "Date of birth", "Notes"]);
    assert_eq!(table.rows[0].cells[2], "likes hymns, and Elvis");
    assert_eq!(preview.ready_rows, 2);
    store
        .import_people(&table, &mapping, false, &mut no_progress())
        .unwrap();
    let ann = find(&store, "Ann Hill").attendee;
    assert_eq!(ann.date_of_birth.as_deref(), Some("1950-02-01"));
    assert_eq!(ann.notes, "likes hymns, and Elvis");
}

#[test]
fn a_tab_separated_txt_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "people.txt",
        "Name\tTel\nAnn Hill\t01234 567890\n",
    );
    let table = read_table(&path).unwrap();
    assert_eq!(table.headers, ["Name", "Tel"]);
    assert_eq!(table.rows[0].cells, ["Ann Hill", "01234 567890"]);
}

#[test]
fn a_windows_1252_file_keeps_its_accents() {
    let (dir, store) = store();
    let mut bytes = b"Name,Known as\n".to_vec();
    bytes.extend(b"Zo\xEB Smith,Zo\xEB\n");
    bytes.extend(b"Siobh\xE1n Kelly,\x93Shiv\x94\n");
    let path = write(dir.path(), "people.csv", bytes);
    let (table, _, preview) = preview_of(&store, &path);
    assert_eq!(table.encoding.as_deref(), Some("Windows-1252"));
    assert_eq!(table.rows[0].cells, ["Zoë Smith", "Zoë"]);
    assert_eq!(table.rows[1].cells, ["Siobhán Kelly", "“Shiv”"]);
    assert_eq!(preview.ready_rows, 2);
}

#[test]
fn utf8_with_a_byte_order_mark_still_matches_the_first_heading() {
    let (dir, store) = store();
    let path = write(
        dir.path(),
        "people.csv",
        "\u{FEFF}Name,Phone\nZoë Smith,01234 567890\n",
    );
    let (table, mapping, preview) = preview_of(&store, &path);
    assert_eq!(table.encoding.as_deref(), Some("UTF-8 with BOM"));
    assert_eq!(table.headers[0], "Name");
    assert_eq!(mapping.columns[0], Some(ImportField::FullName));
    assert_eq!(preview.rows[0].person.full_name, "Zoë Smith");
}

#[test]
fn utf16_files_are_read_with_or_without_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Name\tDOB\r\nSiobhán Kelly\t01/02/1950\r\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let table = read_table(&write(dir.path(), "le.csv", &le)).unwrap();
    assert_eq!(table.encoding.as_deref(), Some("UTF-16"));
    assert_eq!(table.headers, ["Name", "DOB"]);
    assert_eq!(table.rows[0].cells, ["Siobhán Kelly", "01/02/1950"]);

    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let table = read_table(&write(dir.path(), "be.csv", &be)).unwrap();
    assert_eq!(table.rows[0].cells[0], "Siobhán Kelly");

    let bare: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let table = read_table(&write(dir.path(), "bare.csv", &bare)).unwrap();
    assert_eq!(table.encoding.as_deref(), Some("UTF-16"));
    assert_eq!(table.rows[0].cells[0], "Siobhán Kelly");
}

#[test]
fn an_empty_file_or_one_with_only_headings_has_nobody_to_import() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("empty.csv", ""),
        ("blank.csv", " \n\r\n,,\n"),
        ("header.csv", "Name,Phone\n"),
        ("header-and-blanks.csv", "Name,Phone\n,\n\n"),
    ] {
        assert_eq!(
            read_err(&write(dir.path(), name, bytes)),
            "There is nobody to import in this file.",
            "{name}"
        );
    }
    let mut book = Workbook::new();
    book.add_worksheet().write_string(0, 0, "Name").unwrap();
    let path = dir.path().join("header.xlsx");
    book.save(&path).unwrap();
    assert_eq!(read_err(&path), "There is nobody to import in this file.");
    let mut book = Workbook::new();
    book.add_worksheet();
    let path = dir.path().join("empty.xlsx");
    book.save(&path).unwrap();
    assert_eq!(read_err(&path), "There is nobody to import in this file.");
}

#[test]
fn an_unclosed_quote_is_reported_with_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "people.csv",
        "Name,Phone\nAnn Hill,0123\n\"Bob Stone,0456\nCarl Jones,0789\n",
    );
    assert_eq!(
        read_err(&path),
        "This file could not be read as a spreadsheet: a quotation mark (\") in row 3 is never \
         closed, so everything after it runs into one cell. Check that row in your spreadsheet \
         program, save the file again and import it once more."
    );
    // A quote inside a cell that doesn't start with one is just a character.
    let path = write(
        dir.path(),
        "inches.csv",
        "Name,Notes\nAnn Hill,uses a 6\" cushion\n",
    );
    let table = read_table(&path).unwrap();
    assert_eq!(table.rows[0].cells[1], "uses a 6\" cushion");
}

#[test]
fn rows_keep_their_numbers_past_blank_rows_and_cells_over_several_lines() {
    let (dir, store) = store();
    let path = write(
        dir.path(),
        "people.csv",
        "\nName,Notes,DOB\nAnn Hill,\"first line\nsecond line\",01/01/1950\n\n,,\nBob Stone,,31/02/1950\n",
    );
    let (table, _, preview) = preview_of(&store, &path);
    assert_eq!(table.header_row, 2);
    assert_eq!(
        table.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        vec![3, 6]
    );
    assert_eq!(table.rows[0].cells[1], "first line\nsecond line");
    // The same with Windows line endings.
    let crlf = write(
        dir.path(),
        "crlf.csv",
        "\r\nName,Notes,DOB\r\nAnn Hill,\"first line\r\nsecond line\",01/01/1950\r\n\r\n,,\r\nBob Stone,,31/02/1950\r\n",
    );
    let crlf = read_table(&crlf).unwrap();
    assert_eq!(crlf.header_row, 2);
    assert_eq!(
        crlf.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        vec![3, 6]
    );
    // And with the lone carriage returns of old Macs.
    let cr = write(dir.path(), "cr.csv", "Name,DOB\rAnn Hill,\r\rBob Stone,\r");
    let cr = read_table(&cr).unwrap();
    assert_eq!(
        cr.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        vec![2, 4]
    );
    assert_eq!(
        messages(&preview),
        [
            "Row 6, column C (DOB): “31/02/1950” is not a date that exists. Dates are read day \
          first, as 31/01/1950."
        ]
    );
}

#[test]
fn a_file_over_the_row_or_size_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Name\n");
    for i in 0..=MAX_ROWS {
        text.push_str(&format!("Person {i}\n"));
    }
    assert_eq!(
        read_err(&write(dir.path(), "many.csv", &text)),
        "This file has more than 20,000 rows. Refrain imports at most 20,000 people at a time: \
         split the list into smaller files and import each one."
    );
    // Exactly the limit is fine.
    let at_limit: String = text
        .lines()
        .take(MAX_ROWS + 1)
        .map(|l| format!("{l}\n"))
        .collect();
    let table = read_table(&write(dir.path(), "limit.csv", at_limit)).unwrap();
    assert_eq!(table.rows.len(), MAX_ROWS);

    let big = dir.path().join("big.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(21 * 1024 * 1024)
        .unwrap();
    assert!(
        read_err(&big).contains("larger than 20 MB"),
        "{}",
        read_err(&big)
    );

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Name").unwrap();
    for i in 1..=(MAX_ROWS as u32 + 1) {
        sheet.write_string(i, 0, format!("Person {i}")).unwrap();
    }
    let path = dir.path().join("many.xlsx");
    book.save(&path).unwrap();
    assert!(read_err(&path).contains("more than 20,000 rows"));
}

#[test]
fn a_cell_longer_than_the_store_keeps_is_a_problem_at_its_row_and_column() {
    let (dir, store) = store();
    let long_name = "n".repeat(201);
    let long_notes = "x".repeat(200_000);
    let path = write(
        dir.path(),
        "people.csv",
        format!("Name,Known as,Notes\nAnn Hill,{long_name},\nBob Stone,,{long_notes}\n"),
    );
    let (_, _, preview) = preview_of(&store, &path);
    assert_eq!(
        messages(&preview),
        [
            "Row 2, column B (Known as): The preferred name is too long: please keep it under \
             200 characters.",
            "Row 3, column C (Notes): The notes is too long to save (100000 characters at most).",
        ]
    );
    assert_eq!(preview.problems[1].column.as_deref(), Some("C (Notes)"));
    assert_eq!(preview.problems[1].field, Some(ImportField::Notes));
    assert_eq!(preview.problems[1].row, 3);
}

#[test]
fn formulas_in_a_csv_are_problems_and_never_stored() {
    let (dir, mut store) = store();
    let path = write(
        dir.path(),
        "people.csv",
        "Name,Phone,Notes\n\
         \"=HYPERLINK(\"\"http://example.com\"\",\"\"Ann\"\")\",0123,\n\
         Bob Stone,@SUM(1),\n\
         Carl Jones,+44 7700 900123,- likes Elvis\n\
         Dee Lane,-,\n",
    );
    let (table, mapping, preview) = preview_of(&store, &path);
    assert_eq!(
        messages(&preview),
        [
            "Row 2, column A (Name): “=HYPERLINK(\"http://example.com\",\"Ann\")” looks like a \
             spreadsheet formula, which Refrain does not take. Type the value itself, or take \
             the = off the start.",
            "Row 3, column B (Phone): “@SUM(1)” looks like a spreadsheet formula, which Refrain \
             does not take. Type the value itself, or take the @ off the start.",
            "Row 4, column C (Notes): “- likes Elvis” looks like a spreadsheet formula, which \
             Refrain does not take. Type the value itself, or take the - off the start.",
        ]
    );
    assert_eq!(preview.ready_rows, 1);
    let outcome = store
        .import_people(&table, &mapping, true, &mut no_progress())
        .unwrap();
    assert_eq!(outcome.people_added, 1);
    assert_eq!(outcome.rows_skipped, 3);
    let people = store.search_attendees("", true).unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].full_name, "Dee Lane");
}

#[test]
fn a_bad_date_is_reported_with_its_row_and_column() {
    let (dir, store) = store();
    let mut text = String::from("Name,Phone,Date of birth\n");
    for name in [
        "Ann Hill",
        "Bob Stone",
        "Carl Jones",
        "Dee Lane",
        "Eve Moss",
    ] {
        text.push_str(&format!("{name},,01/01/1950\n"));
    }
    text.push_str("Fay Lord,,31/02/1950\nGus Hart,,02/13/1950\nHal Finn,,soon\nIvy Ash,,1/2/50\n");
    let path = write(dir.path(), "people.csv", text);
    let (_, _, preview) = preview_of(&store, &path);
    assert_eq!(
        messages(&preview),
        [
            "Row 7, column C (Date of birth): “31/02/1950” is not a date that exists. Dates are \
             read day first, as 31/01/1950.",
            "Row 8, column C (Date of birth): “02/13/1950” is not a date that exists. Dates are \
             read day first, as 31/01/1950.",
            "Row 9, column C (Date of birth): “soon” is not a date Refrain understands. Dates \
             are read day first, as 31/01/1950.",
            "Row 10, column C (Date of birth): “1/2/50” has a two-figure year. Please write the \
             year in full, as 31/01/1950.",
        ]
    );
    let p = &preview.problems[0];
    assert_eq!(
        (p.row, p.column.as_deref(), p.field),
        (7, Some("C (Date of birth)"), Some(ImportField::DateOfBirth))
    );
    assert_eq!((preview.ready_rows, preview.problem_rows), (5, 4));
}

#[test]
fn the_store_rules_are_checked_and_every_problem_of_a_row_reported() {
    let (dir, store) = store();
    let path = write(
        dir.path(),
        "people.csv",
        "Name,DOB,Email,Consent\n\
         Ann Hill,01/01/2150,ann at example,maybe\n\
         ,01/01/1950,,\n",
    );
    let (_, _, preview) = preview_of(&store, &path);
    assert_eq!(
        messages(&preview),
        [
            "Row 2, column D (Consent): “maybe” is not yes or no. Write yes or no, or leave the \
             cell empty for no.",
            "Row 2, column B (DOB): The date of birth can't be in the future.",
            "Row 2, column C (Email): That doesn't look like an email address.",
            "Row 3, column A (Name): There is no full name in this row.",
        ]
    );
}

#[test]
fn referral_sources_and_dates_are_checked() {
    let (dir, store) = store();
    let path = write(
        dir.path(),
        "people.csv",
        "Name,Referral source,Referral date,Referrer,Reasons\n\
         Ann Hill,Dr Who,01/01/2025,,\n\
         Bob Stone,Link worker,,,\n\
         Carl Jones,,01/01/2025,,\n\
         Dee Lane,,,Sam Green,\n\
         Eve Moss,Care home,01/01/2025,,other\n\
         Fay Lord,memory clinic,01/01/2025,Dr Rao,Dementia; anxiety\n",
    );
    let (_, _, preview) = preview_of(&store, &path);
    assert_eq!(
        messages(&preview),
        [
            "Row 2, column B (Referral source): “Dr Who” is not a referral source Refrain \
             knows. Use one of: GP link worker, social prescriber, local organisation, care \
             home, memory clinic, self or family, other.",
            "Row 3, column C (Referral date): A referral needs the date it was received.",
            "Row 4, column B (Referral source): A referral needs its source: who referred the \
             person, such as a GP link worker.",
            "Row 5, column D (Referrer): Details of a referral need its source and the date it \
             was received.",
            "Row 6, column E (Reasons): Please say what the other reason is.",
        ]
    );
    let fay = preview.rows.iter().find(|r| r.row == 7).unwrap();
    assert!(fay.ready);
    let referral = fay.referral.as_ref().unwrap();
    assert_eq!(referral.source, ReferralSource::MemoryClinic);
    assert_eq!(referral.referrer_name, "Dr Rao");
    assert_eq!(
        referral.reasons,
        vec![
            ReferralReason::DementiaOrMemoryLoss,
            ReferralReason::Anxiety
        ]
    );
}

#[test]
fn people_already_in_refrain_or_twice_in_the_file_are_problems() {
    let (dir, mut store) = store();
    person(&mut store, "Margaret Jones", "1948-03-02");
    person(&mut store, "Arthur Bennett", "");
    let path = write(
        dir.path(),
        "people.csv",
        "Name,DOB\n\
         margaret  JONES,02/03/1948\n\
         Margaret Jones,04/05/1960\n\
         Arthur Bennett,01/01/1950\n\
         Doreen Walsh,01/01/1940\n\
         Carl Jones,\n\
         doreen walsh,1940-01-01\n\
         Doreen Walsh,02/02/1941\n\
         Carl  Jones,03/03/1933\n",
    );
    let (table, mapping, preview) = preview_of(&store, &path);
    assert_eq!(
        messages(&preview),
        [
            "Row 2, column A (Name): Already in Refrain: “Margaret Jones” (born 1948-03-02). \
             Remove the row, or skip rows with problems.",
            "Row 4, column A (Name): Already in Refrain: “Arthur Bennett”. Remove the row, or \
             skip rows with problems.",
            "Row 7, column A (Name): “doreen walsh” is also on row 5, as the same person. \
             Remove one of the two rows.",
            "Row 9, column A (Name): “Carl  Jones” is also on row 6, as the same person. \
             Remove one of the two rows.",
        ]
    );
    // Same name, another date of birth: another person.
    assert!(preview.rows.iter().find(|r| r.row == 3).unwrap().ready);
    assert!(preview.rows.iter().find(|r| r.row == 8).unwrap().ready);
    let outcome = store
        .import_people(&table, &mapping, true, &mut no_progress())
        .unwrap();
    assert_eq!((outcome.people_added, outcome.rows_skipped), (4, 4));
    // Importing the same file again: everyone is already there.
    let preview = store.preview_import(&table, &mapping).unwrap();
    assert_eq!(preview.ready_rows, 0);
}

#[test]
fn an_import_refused_for_problems_leaves_the_store_exactly_as_it_was() {
    let (dir, mut store) = store();
    person(&mut store, "Margaret Jones", "1948-03-02");
    let path = write(
        dir.path(),
        "people.csv",
        "Name,DOB,Referred by,Referral date\n\
         Ann Hill,01/01/1950,GP,01/01/2025\n\
         Bob Stone,31/02/1950,,\n\
         Margaret Jones,02/03/1948,,\n",
    );
    let (table, mapping, preview) = preview_of(&store, &path);
    assert_eq!(preview.problem_rows, 2);
    let before: Vec<i64> = [
        "attendee",
        "referral",
        "referral_status_change",
        "audit_log",
    ]
    .iter()
    .map(|t| count(&dir, t))
    .collect();
    let err = store
        .import_people(&table, &mapping, false, &mut no_progress())
        .unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert_eq!(
        err.to_string(),
        "2 problems were found in 2 rows, so nobody was imported. Correct them in the file and \
         import it again, or choose to skip the rows with problems."
    );
    let after: Vec<i64> = [
        "attendee",
        "referral",
        "referral_status_change",
        "audit_log",
    ]
    .iter()
    .map(|t| count(&dir, t))
    .collect();
    assert_eq!(before, after);
    assert_eq!(store.check().unwrap().problems, Vec::<String>::new());
}

#[test]
fn skipping_bad_rows_imports_only_the_clean_ones_in_one_go() {
    let (dir, mut store) = store();
    let path = write(
        dir.path(),
        "people.csv",
        "Name,DOB,Referred by,Referral date\n\
         Ann Hill,01/01/1950,GP,01/01/2025\n\
         Bob Stone,31/02/1950,,\n\
         Carl Jones,,care home,02/01/2025\n\
         Dee Lane,,Dr Who,02/01/2025\n",
    );
    let (table, mapping, _) = preview_of(&store, &path);
    let audit_before = count(&dir, "audit_log");
    let outcome = store
        .import_people(&table, &mapping, true, &mut no_progress())
        .unwrap();
    assert_eq!(
        outcome,
        ImportOutcome {
            people_added: 2,
            referrals_added: 2,
            rows_skipped: 2
        }
    );
    let mut names: Vec<String> = store
        .search_attendees("", true)
        .unwrap()
        .into_iter()
        .map(|a| a.full_name)
        .collect();
    names.sort();
    assert_eq!(names, ["Ann Hill", "Carl Jones"]);
    assert_eq!(count(&dir, "referral"), 2);
    assert!(count(&dir, "audit_log") >= audit_before + 4);
}

#[test]
fn the_preview_shows_fifty_rows_but_every_problem() {
    let (dir, store) = store();
    let mut text = String::from("Name,DOB\n");
    for i in 0..80 {
        let dob = if i == 75 { "32/01/1950" } else { "01/01/1950" };
        text.push_str(&format!("Person {i},{dob}\n"));
    }
    let path = write(dir.path(), "people.csv", text);
    let (_, _, preview) = preview_of(&store, &path);
    assert_eq!(preview.rows.len(), 50);
    assert_eq!(preview.total_rows, 80);
    assert_eq!(preview.problems.len(), 1);
    assert_eq!(preview.problems[0].row, 77);
}

#[test]
fn the_mapping_must_fit_the_file_and_name_a_full_name_column() {
    let (dir, mut store) = store();
    let path = write(dir.path(), "people.csv", "Who,Phone\nAnn Hill,0123\n");
    let table = read_table(&path).unwrap();
    let mapping = guess_mapping(&table.headers);
    assert_eq!(mapping.columns, vec![None, Some(ImportField::Phone)]);
    let err = store.preview_import(&table, &mapping).unwrap_err();
    assert_eq!(err.field(), Some("mapping"));
    assert_eq!(
        err.to_string(),
        "Choose which column holds each person's full name."
    );
    let err = store
        .import_people(&table, &mapping, true, &mut no_progress())
        .unwrap_err();
    assert_eq!(err.field(), Some("mapping"));

    let twice = ColumnMapping {
        columns: vec![Some(ImportField::FullName), Some(ImportField::FullName)],
    };
    assert_eq!(
        message(store.preview_import(&table, &twice).unwrap_err()),
        "“Full name” is chosen for two columns (A and B). Choose it for one column only."
    );
    let short = ColumnMapping {
        columns: vec![Some(ImportField::FullName)],
    };
    assert_eq!(
        store.preview_import(&table, &short).unwrap_err().field(),
        Some("mapping")
    );

    // Chosen by hand, it imports.
    let chosen = ColumnMapping {
        columns: vec![Some(ImportField::FullName), Some(ImportField::Phone)],
    };
    let outcome = store
        .import_people(&table, &chosen, false, &mut no_progress())
        .unwrap();
    assert_eq!(outcome.people_added, 1);
}

fn date_format() -> Format {
    Format::new().set_num_format("dd/mm/yyyy")
}

#[test]
fn xlsx_date_cells_and_numeric_phone_numbers_are_read_as_written() {
    let (dir, mut store) = store();
    let mut book = Workbook::new();
    // An empty first sheet is passed over.
    book.add_worksheet().set_name("Notes").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Group list").unwrap();
    for (c, h) in [
        "Name",
        "DOB",
        "Mobile",
        "Referral date",
        "Referred by",
        "Count",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let fmt = date_format();
    sheet.write_string(1, 0, "Zoë Smith").unwrap();
    sheet
        .write_date_with_format(1, 1, ExcelDateTime::from_ymd(1948, 3, 2).unwrap(), &fmt)
        .unwrap();
    sheet.write_number(1, 2, 7_700_900_123.0).unwrap();
    sheet
        .write_date_with_format(1, 3, ExcelDateTime::from_ymd(2025, 1, 14).unwrap(), &fmt)
        .unwrap();
    sheet.write_string(1, 4, "Social prescriber").unwrap();
    sheet.write_number(1, 5, 2.5).unwrap();
    // Row 3 left blank; row 4 a number that is not a UK number without its 0.
    sheet.write_string(3, 0, "Siobhán Kelly").unwrap();
    sheet.write_string(3, 1, "03/02/1950").unwrap();
    sheet.write_number(3, 2, 441_234_567_890.0).unwrap();
    let path = dir.path().join("people.xlsx");
    book.save(&path).unwrap();

    let (table, mapping, preview) = preview_of(&store, &path);
    assert_eq!(table.sheet_name.as_deref(), Some("Group list"));
    assert_eq!(table.encoding, None);
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[0].row, 2);
    assert_eq!(
        table.rows[0].cells,
        [
            "Zoë Smith",
            "1948-03-02",
            "7700900123",
            "2025-01-14",
            "Social prescriber",
            "2.5"
        ]
    );
    assert_eq!(table.rows[1].row, 4);
    assert_eq!(table.rows[1].cells[2], "441234567890");
    assert_eq!(messages(&preview), Vec::<&str>::new());
    store
        .import_people(&table, &mapping, false, &mut no_progress())
        .unwrap();
    let zoe = find(&store, "Zoë Smith");
    assert_eq!(zoe.attendee.date_of_birth.as_deref(), Some("1948-03-02"));
    assert_eq!(zoe.attendee.phone, "07700900123");
    assert_eq!(zoe.referrals[0].source, ReferralSource::SocialPrescriber);
    assert_eq!(zoe.referrals[0].received_on, "2025-01-14");
    let siobhan = find(&store, "Siobhán Kelly");
    assert_eq!(siobhan.attendee.phone, "441234567890");
    assert_eq!(
        siobhan.attendee.date_of_birth.as_deref(),
        Some("1950-02-03")
    );
}

#[test]
fn a_formula_cell_in_a_workbook_is_a_problem_and_never_run() {
    let (dir, mut store) = store();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Name").unwrap();
    sheet.write_string(0, 1, "Notes").unwrap();
    sheet.write_string(1, 0, "Ann Hill").unwrap();
    sheet
        .write_formula(1, 1, "=HYPERLINK(\"http://example.com\",\"click\")")
        .unwrap();
    sheet.write_string(2, 0, "Bob Stone").unwrap();
    sheet.write_string(2, 1, "=1+1").unwrap();
    sheet.write_formula(3, 0, "=\"Carl\"&\" Jones\"").unwrap();
    sheet.set_formula_result(3, 0, "Carl Jones");
    let path = dir.path().join("people.xlsx");
    book.save(&path).unwrap();

    let (table, mapping, preview) = preview_of(&store, &path);
    assert_eq!(
        messages(&preview),
        [
            "Row 2, column B (Notes): “=HYPERLINK(\"http://example.com\",\"click\")” looks like \
             a spreadsheet formula, which Refrain does not take. Type the value itself, or take \
             the = off the start.",
            "Row 3, column B (Notes): “=1+1” looks like a spreadsheet formula, which Refrain \
             does not take. Type the value itself, or take the = off the start.",
            "Row 4, column A (Name): “=\"Carl\"&\" Jones\"” looks like a spreadsheet formula, \
             which Refrain does not take. Type the value itself, or take the = off the start.",
        ]
    );
    let outcome = store
        .import_people(&table, &mapping, true, &mut no_progress())
        .unwrap();
    assert_eq!((outcome.people_added, outcome.rows_skipped), (0, 3));
    assert_eq!(count(&dir, "attendee"), 0);
}

/// A small deterministic generator for the fuzzing below (xorshift).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[test]
fn random_bytes_or_a_damaged_workbook_are_refused_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut noise = Noise(0x5EED_1234_ABCD_0001);
    for i in 0..60 {
        let len = 1 + (noise.next() % 4096) as usize;
        let mut bytes = noise.bytes(len);
        if i % 5 == 0 {
            // Looks like a zip at first glance.
            bytes.splice(0..0, b"PK\x03\x04".iter().copied());
        }
        for ext in ["csv", "xlsx"] {
            let path = write(dir.path(), &format!("noise{i}.{ext}"), &bytes);
            let msg = read_err(&path);
            assert!(
                msg.starts_with("This file could not be read as a spreadsheet: ")
                    || msg == "There is nobody to import in this file.",
                "{ext} {i}: {msg}"
            );
        }
    }
    assert_eq!(
        read_err(&write(dir.path(), "zip.csv", b"PK\x03\x04rest of a zip")),
        "This file could not be read as a spreadsheet: it is an Excel workbook with a name \
         ending in .csv. Rename it to end in .xlsx, or save it from your spreadsheet program as \
         CSV."
    );

    // A real workbook, cut short and with bytes changed.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Name").unwrap();
    sheet.write_string(1, 0, "Ann Hill").unwrap();
    let good = book.save_to_buffer().unwrap();
    for cut in [10, good.len() / 3, good.len() / 2, good.len() - 10] {
        let path = write(dir.path(), "cut.xlsx", &good[..cut]);
        assert!(read_err(&path).starts_with("This file could not be read as a spreadsheet: "));
    }
    for i in 0..40 {
        let mut bad = good.clone();
        for _ in 0..8 {
            let at = 30 + (noise.next() as usize % (bad.len() - 30));
            bad[at] = noise.next() as u8;
        }
        let path = write(dir.path(), &format!("bad{i}.xlsx"), &bad);
        // Either refused plainly or (when the change hit nothing that matters) read.
        if let Err(e) = read_table(&path) {
            assert_eq!(e.code(), "invalid", "{e}");
        }
    }
}

#[test]
fn other_kinds_of_file_are_refused_naming_the_kinds_accepted() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["people.xls", "people.ods", "people.pdf", "people"] {
        let path = write(dir.path(), name, "Name\nAnn\n");
        let msg = read_err(&path);
        assert!(
            msg.starts_with(
                "Refrain can import people from CSV files (.csv or .txt) and Excel workbooks \
                 (.xlsx)."
            ),
            "{name}: {msg}"
        );
    }
    // A missing file is an error, not a panic.
    assert_eq!(
        read_table(&dir.path().join("gone.csv")).unwrap_err().code(),
        "io"
    );
}

#[test]
fn column_letters_in_messages_go_past_z() {
    assert_eq!(column_letter(27), "AB");
    let (dir, store) = store();
    let mut headers: Vec<String> = (0..27).map(|i| format!("Extra {i}")).collect();
    headers.push("DOB".into());
    headers.insert(0, "Name".into());
    let mut row: Vec<String> = vec![String::new(); 29];
    row[0] = "Ann Hill".into();
    row[28] = "yesterday".into();
    let path = write(
        dir.path(),
        "wide.csv",
        format!("{}\n{}\n", headers.join(","), row.join(",")),
    );
    let (_, _, preview) = preview_of(&store, &path);
    assert_eq!(preview.problems[0].column.as_deref(), Some("AC (DOB)"));
}

#[test]
fn line_breaks_in_one_line_cells_become_spaces_and_other_control_characters_are_problems() {
    let (dir, mut store) = store();
    // Cells over several lines, as a spreadsheet program saves them in quotes.
    let path = write(
        dir.path(),
        "people.csv",
        "Name,Known as,Phone,Notes,Referred by,Referral date,Referrer\n\
         \"Ann\nLee\",\"Nan\t\",\"07700\r\n900123\",\"first line\nsecond line\",GP,01/02/2025,\"Dr\n  Patel\"\n\
         \"Bob\u{7}Stone\",,,,,,\n",
    );
    let (table, mapping, preview) = preview_of(&store, &path);
    // The table is the file as read; the preview is what would be saved.
    assert_eq!(table.rows[0].cells[0], "Ann\nLee");
    let ann = &preview.rows[0];
    assert_eq!(ann.person.full_name, "Ann Lee");
    assert_eq!(ann.person.preferred_name, "Nan");
    assert_eq!(ann.person.phone, "07700 900123");
    assert_eq!(ann.person.notes, "first line\nsecond line");
    assert_eq!(ann.referral.as_ref().unwrap().referrer_name, "Dr Patel");
    assert!(ann.ready);
    assert_eq!(
        messages(&preview),
        [
            "Row 3, column A (Name): The person's full name has a hidden character in it that \
          Refrain can't keep, perhaps copied from another program. Please type it again."
        ]
    );
    assert_eq!(preview.problems[0].field, Some(ImportField::FullName));

    let outcome = store
        .import_people(&table, &mapping, true, &mut no_progress())
        .unwrap();
    assert_eq!((outcome.people_added, outcome.rows_skipped), (1, 1));
    let saved = find(&store, "Ann Lee");
    assert_eq!(saved.attendee.preferred_name, "Nan");
    assert_eq!(saved.attendee.phone, "07700 900123");
    assert_eq!(saved.attendee.notes, "first line\nsecond line");
    assert_eq!(saved.referrals[0].referrer_name, "Dr Patel");
    // The same person typed into the form, over two lines, is the same
    // person: the form and the import keep a name by one rule.
    let typed = store
        .create_attendee(&AttendeeInput {
            full_name: "Ann\r\nLee".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(typed.full_name, saved.attendee.full_name);
    assert_eq!(count(&dir, "attendee"), 2);
}

#[test]
fn a_workbook_cell_over_two_lines_is_one_line_and_a_hidden_character_a_problem() {
    let (dir, mut store) = store();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Name", "Phone", "Access needs", "Notes"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    // Alt+Enter in a cell is a line break.
    sheet.write_string(1, 0, "Cara\nJones").unwrap();
    sheet.write_string(1, 1, "\t07700 900789").unwrap();
    sheet.write_string(1, 2, "Wheelchair\nNo stairs").unwrap();
    sheet.write_string(2, 0, "Dan Evans").unwrap();
    sheet.write_string(2, 3, "seen\u{0}before").unwrap();
    let path = dir.path().join("people.xlsx");
    book.save(&path).unwrap();

    let (table, mapping, preview) = preview_of(&store, &path);
    assert_eq!(preview.rows[0].person.full_name, "Cara Jones");
    assert_eq!(preview.rows[0].person.phone, "07700 900789");
    assert_eq!(preview.rows[0].person.access_needs, "Wheelchair\nNo stairs");
    assert_eq!(
        messages(&preview),
        [
            "Row 3, column D (Notes): The notes has a hidden character in it that Refrain can't \
          keep, perhaps copied from another program. Please type it again."
        ]
    );
    let err = store
        .import_people(&table, &mapping, false, &mut no_progress())
        .unwrap_err();
    assert!(message(err).contains("nobody was imported"));
    assert_eq!(count(&dir, "attendee"), 0);
    store
        .import_people(&table, &mapping, true, &mut no_progress())
        .unwrap();
    let cara = find(&store, "Cara Jones");
    assert_eq!(cara.attendee.access_needs, "Wheelchair\nNo stairs");
    assert_eq!(count(&dir, "attendee"), 1);
}

/// A minimal workbook, a sheet "People" with a heading and Ann Hill and a
/// second sheet "More" with nothing in it, where `big_part` (one of its
/// parts) has `filler` XML comments added until it holds at least `size`
/// bytes. Written part by part with deflate, as Excel does; the filler is
/// one repeated line, so hundreds of MB make a file of a few hundred KB.
fn workbook(path: &Path, big_part: &str, size: usize) {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    const TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml";
    let parts: Vec<(&str, String, &str)> = vec![
        (
            "[Content_Types].xml",
            format!(
                "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
                 <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
                 <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
                 <Override PartName=\"/xl/workbook.xml\" ContentType=\"{TYPE}.sheet.main+xml\"/>\
                 <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"{TYPE}.worksheet+xml\"/>\
                 <Override PartName=\"/xl/worksheets/sheet2.xml\" ContentType=\"{TYPE}.worksheet+xml\"/>\
                 <Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"{TYPE}.sharedStrings+xml\"/>\
                 </Types>"
            ),
            "",
        ),
        (
            "_rels/.rels",
            format!(
                "<Relationships xmlns=\"{PKG}\"><Relationship Id=\"rId1\" \
                 Type=\"{REL}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
            ),
            "",
        ),
        (
            "xl/workbook.xml",
            format!(
                "<workbook xmlns=\"{MAIN}\" xmlns:r=\"{REL}\"><sheets>\
                 <sheet name=\"People\" sheetId=\"1\" r:id=\"rId1\"/>\
                 <sheet name=\"More\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>"
            ),
            "",
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "<Relationships xmlns=\"{PKG}\">\
                 <Relationship Id=\"rId1\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
                 <Relationship Id=\"rId2\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet2.xml\"/>\
                 <Relationship Id=\"rId3\" Type=\"{REL}/sharedStrings\" Target=\"sharedStrings.xml\"/>\
                 </Relationships>"
            ),
            "",
        ),
        (
            "xl/sharedStrings.xml",
            format!(
                "<sst xmlns=\"{MAIN}\" count=\"2\" uniqueCount=\"2\">\
                 <si><t>Name</t></si><si><t>Ann Hill</t></si>"
            ),
            "</sst>",
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                "<worksheet xmlns=\"{MAIN}\"><sheetData>\
                 <row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>\
                 <row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c></row>"
            ),
            "</sheetData></worksheet>",
        ),
        (
            "xl/worksheets/sheet2.xml",
            format!("<worksheet xmlns=\"{MAIN}\"><sheetData>"),
            "</sheetData></worksheet>",
        ),
    ];
    let filler = "<!-- padding padding padding padding padding padding padding -->\n".repeat(1024);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, head, tail) in &parts {
        zip.start_file(*name, options).unwrap();
        let mut written = 0;
        zip.write_all(head.as_bytes()).unwrap();
        if *name == big_part {
            while written < size {
                zip.write_all(filler.as_bytes()).unwrap();
                written += filler.len();
            }
        }
        zip.write_all(tail.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn a_workbook_that_unpacks_to_hundreds_of_megabytes_is_refused_before_it_is_unpacked() {
    let (dir, _store) = store();
    const MB: usize = 1024 * 1024;
    let too_large =
        "This spreadsheet is too large to import: opened up, it holds more than 100 MB, \
                     far more than a list of people. Copy the list of people into a new \
                     workbook, or save it as CSV, and import that.";
    // The workbook itself, with a little filler, is read.
    let small = dir.path().join("small.xlsx");
    workbook(&small, "xl/worksheets/sheet1.xml", MB);
    let table = read_table(&small).unwrap();
    assert_eq!(table.sheet_name.as_deref(), Some("People"));
    assert_eq!(table.rows[0].cells, ["Ann Hill"]);

    // 400 MB of sheet in a file of a few hundred KB.
    let bomb = dir.path().join("bomb.xlsx");
    workbook(&bomb, "xl/worksheets/sheet1.xml", 400 * MB);
    let file_size = std::fs::metadata(&bomb).unwrap().len();
    assert!(file_size < 4 * MB as u64, "{file_size}");
    let started = std::time::Instant::now();
    let err = read_table(&bomb).unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.field(), Some("file"));
    assert_eq!(message(err), too_large);
    assert!(took < std::time::Duration::from_secs(1), "{took:?}");

    // A file whose records claim a smaller size than its sheet unpacks to
    // passes the count, but is not unpacked past the size it claims.
    let mut bytes = std::fs::read(&bomb).unwrap();
    let name = b"xl/worksheets/sheet1.xml";
    let record = bytes
        .windows(4)
        .enumerate()
        .position(|(at, w)| {
            w == b"PK\x01\x02" && bytes.get(at + 46..at + 46 + name.len()) == Some(name)
        })
        .unwrap();
    let claimed = 4096u32.to_le_bytes();
    bytes[record + 24..record + 28].copy_from_slice(&claimed);
    let local = u32::from_le_bytes(bytes[record + 42..record + 46].try_into().unwrap()) as usize;
    assert_eq!(&bytes[local..local + 4], b"PK\x03\x04");
    bytes[local + 22..local + 26].copy_from_slice(&claimed);
    let lying = write(dir.path(), "lying.xlsx", &bytes);
    let started = std::time::Instant::now();
    let msg = read_err(&lying);
    let took = started.elapsed();
    assert!(
        msg.starts_with("This file could not be read as a spreadsheet: "),
        "{msg}"
    );
    assert!(took < std::time::Duration::from_secs(1), "{took:?}");

    // The shared strings (read as the workbook is opened) and every sheet,
    // not only the one with people in it, count.
    for part in ["xl/sharedStrings.xml", "xl/worksheets/sheet2.xml"] {
        let path = dir.path().join("part.xlsx");
        workbook(&path, part, 101 * MB);
        assert_eq!(read_err(&path), too_large, "{part}");
    }
    assert_eq!(count(&dir, "attendee"), 0);
}
