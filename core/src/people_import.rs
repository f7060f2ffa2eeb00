//! Bringing people (and their referrals) in from the spreadsheets therapists
//! already keep: CSV files in whatever encoding an older program saved them,
//! and Excel workbooks (.xlsx).
//!
//! Three steps, so the therapist sees everything before anything is saved:
//! [`read_table`] reads the file (nothing is checked yet), [`guess_mapping`]
//! suggests which column holds what, [`Store::preview_import`] checks every row
//! against the records already kept, and [`Store::import_people`] checks them
//! all again and saves the good rows in one transaction. Preview and import
//! use the same checks, and those end with the store's own rules for a person
//! and a referral, so a row the preview calls ready imports.
//!
//! Nothing in a file is ever run: Excel formulas are not evaluated, and a cell
//! that looks like one is a problem, never stored.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::Connection;

use crate::error::{CoreError, Result};
use crate::model::{
    AttendeeInput, ColumnMapping, Consent, ImportField, ImportOutcome, ImportPreview,
    ImportPreviewRow, ImportProblem, ImportTable, ImportTableRow, ReferralInput, ReferralReason,
    ReferralSource,
};
use crate::store::{attendees, referrals, today, Store};
use crate::validate::{fmt_date, single_line, MAX_TEXT};

/// The largest file read (a list of people is far smaller).
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// The most people imported at once (rows below the header).
pub const MAX_ROWS: usize = 20_000;
/// The most columns read.
pub const MAX_COLUMNS: usize = 100;
/// The most an .xlsx file's parts may hold unpacked, all together (a
/// workbook is a zip archive of XML). A list of 20,000 people holds a few
/// tens of MB.
pub const MAX_UNPACKED_BYTES: u64 = 100 * 1024 * 1024;
/// How many rows a preview shows as they would be imported.
pub const PREVIEW_ROWS: usize = 50;

const NOBODY: &str = "There is nobody to import in this file.";
const DAY_FIRST: &str = "Dates are read day first, as 31/01/1950.";

fn file_error(message: impl Into<String>) -> CoreError {
    CoreError::invalid("file", message)
}

fn unreadable(why: &str) -> CoreError {
    file_error(format!(
        "This file could not be read as a spreadsheet: {why}"
    ))
}

fn too_many_rows() -> CoreError {
    file_error(format!(
        "This file has more than {} rows. Refrain imports at most {} people at a time: split \
         the list into smaller files and import each one.",
        thousands(MAX_ROWS),
        thousands(MAX_ROWS)
    ))
}

// ---------------------------------------------------------------------------
// Reading the file
// ---------------------------------------------------------------------------

/// A row with something in it: its number in the file and its non-empty
/// cells (column index, trimmed text).
struct RawRow {
    row: u32,
    cells: Vec<(usize, String)>,
}

struct RawSheet {
    sheet_name: Option<String>,
    encoding: Option<String>,
    rows: Vec<RawRow>,
}

/// Reads a spreadsheet: `.csv` or `.txt` (comma, semicolon or tab separated;
/// UTF-8, UTF-16 or Windows-1252) or `.xlsx` (the first sheet with anything
/// in it). The first row with anything in it holds the headings; blank rows
/// are left out, and every row keeps its number in the file. Nothing is
/// checked yet beyond the file being readable and within the limits.
pub fn read_table(path: &Path) -> Result<ImportTable> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let is_xlsx = match ext.as_str() {
        "csv" | "txt" => false,
        "xlsx" => true,
        _ => {
            return Err(file_error(format!(
                "Refrain can import people from CSV files (.csv or .txt) and Excel workbooks \
                 (.xlsx). Open “{file_name}” in your spreadsheet program and save it as one \
                 of those."
            )))
        }
    };
    let size = std::fs::metadata(path)?.len();
    if size > MAX_FILE_BYTES {
        return Err(file_error(format!(
            "“{file_name}” is larger than {} MB, too large for a list of people. Leave out the \
             columns and sheets that are not needed, or split the list into smaller files.",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let sheet = if is_xlsx {
        read_xlsx(path)?
    } else {
        read_csv(&std::fs::read(path)?)?
    };
    build_table(file_name, sheet)
}

fn build_table(file_name: String, sheet: RawSheet) -> Result<ImportTable> {
    let mut rows = sheet.rows.into_iter();
    let Some(header) = rows.next() else {
        return Err(file_error(NOBODY));
    };
    let data: Vec<RawRow> = rows.collect();
    if data.is_empty() {
        return Err(file_error(NOBODY));
    }
    if data.len() > MAX_ROWS {
        return Err(too_many_rows());
    }
    let width = std::iter::once(&header)
        .chain(&data)
        .filter_map(|r| r.cells.iter().map(|(c, _)| c + 1).max())
        .max()
        .unwrap_or(0);
    if width > MAX_COLUMNS {
        return Err(file_error(format!(
            "This sheet has something in column {}, beyond the {MAX_COLUMNS} columns Refrain \
             reads. Remove what is there, or copy the list of people to a sheet of its own.",
            column_letter(width - 1)
        )));
    }
    let dense = |r: RawRow| {
        let mut cells = vec![String::new(); width];
        for (c, text) in r.cells {
            cells[c] = text;
        }
        cells
    };
    Ok(ImportTable {
        file_name,
        sheet_name: sheet.sheet_name,
        encoding: sheet.encoding,
        header_row: header.row,
        headers: dense(header),
        rows: data
            .into_iter()
            .map(|r| ImportTableRow {
                row: r.row,
                cells: dense(r),
            })
            .collect(),
    })
}

/// A cell's text: trimmed, and cut just past the longest text the store
/// keeps (so a longer cell is still reported as too long, but a hostile file
/// can't fill memory).
fn clean_cell(text: &str) -> String {
    let t = text.trim();
    match t.char_indices().nth(MAX_TEXT + 1) {
        Some((cut, _)) => t[..cut].to_string(),
        None => t.to_string(),
    }
}

fn sparse(cells: impl IntoIterator<Item = String>) -> Vec<(usize, String)> {
    cells
        .into_iter()
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

/// The text of a CSV file and the name of its encoding: a byte order mark
/// says UTF-8 or UTF-16; without one, text that is valid UTF-8 is UTF-8,
/// UTF-16 is recognised by its zero bytes, and anything else is read as
/// Windows-1252 (what Excel on Windows saves as "CSV").
fn decode(bytes: &[u8]) -> (String, &'static str) {
    use encoding_rs::{UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        let name = if enc == UTF_8 {
            "UTF-8 with BOM"
        } else {
            "UTF-16"
        };
        return (text.into_owned(), name);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), "UTF-8");
    }
    // UTF-16 without a mark: every other byte of plain text is zero.
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let zeros = |offset: usize| {
        sample
            .iter()
            .skip(offset)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let half = sample.len() / 2;
    if half >= 2 {
        if zeros(1) * 10 >= half * 9 && zeros(0) == 0 {
            return (
                UTF_16LE.decode_without_bom_handling(bytes).0.into_owned(),
                "UTF-16",
            );
        }
        if zeros(0) * 10 >= half * 9 && zeros(1) == 0 {
            return (
                UTF_16BE.decode_without_bom_handling(bytes).0.into_owned(),
                "UTF-16",
            );
        }
    }
    (
        WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
        "Windows-1252",
    )
}

/// Text that holds control characters (other than tabs and line breaks) or
/// undecodable bytes is not a CSV file, whatever its name.
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut odd = 0usize;
    for c in text.chars().take(64 * 1024) {
        if c == '\0' {
            return true;
        }
        total += 1;
        if (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFD}' {
            odd += 1;
        }
    }
    odd * 100 > total
}

/// The separator the heading row uses most (outside quotes): comma,
/// semicolon (Excel in much of Europe) or tab. Comma when none is used.
fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let mut seen_text = false;
    for c in text.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\n' if !in_quotes && seen_text => break,
            ',' if !in_quotes => counts[0] += 1,
            ';' if !in_quotes => counts[1] += 1,
            '\t' if !in_quotes => counts[2] += 1,
            c if !c.is_whitespace() => seen_text = true,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

fn read_csv(bytes: &[u8]) -> Result<RawSheet> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(unreadable(
            "it is an Excel workbook with a name ending in .csv. Rename it to end in .xlsx, or \
             save it from your spreadsheet program as CSV.",
        ));
    }
    let (text, encoding) = decode(bytes);
    if looks_binary(&text) {
        return Err(unreadable(
            "it holds something other than text, so it is not a CSV file. Open it in your \
             spreadsheet program and save it as CSV or as an Excel workbook (.xlsx).",
        ));
    }
    // Line breaks from old Macs: a lone carriage return ends each row.
    let text = if text.contains('\r') && !text.contains('\n') {
        text.replace('\r', "\n")
    } else {
        text
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    // Line breaks inside quoted cells so far: a spreadsheet program shows
    // such a record as one row, so they don't count towards row numbers.
    let mut inner_breaks = 0u64;
    let mut last = (0u64, false);
    for record in reader.records() {
        let record = record.map_err(|e| unreadable(&e.to_string()))?;
        // The reader reports where it was when it began looking for the
        // record, before the empty lines it passes over.
        let (line, byte) = record
            .position()
            .map(|p| (p.line(), p.byte()))
            .unwrap_or((1, 0));
        let skipped = text
            .as_bytes()
            .iter()
            .skip(usize::try_from(byte).unwrap_or(usize::MAX))
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .filter(|b| **b == b'\n')
            .count() as u64;
        let row = (line + skipped).saturating_sub(inner_breaks);
        let breaks: usize = record.iter().map(|f| f.matches('\n').count()).sum();
        inner_breaks += breaks as u64;
        last = (row, breaks > 0);
        let cells = sparse(record.iter().map(clean_cell));
        if cells.is_empty() {
            continue;
        }
        if rows.len() > MAX_ROWS {
            return Err(too_many_rows());
        }
        rows.push(RawRow {
            row: u32::try_from(row).unwrap_or(u32::MAX),
            cells,
        });
    }
    // A quote opened and never closed swallows the rest of the file into
    // one cell of the last row.
    if last.1 && text.matches('"').count() % 2 == 1 {
        return Err(unreadable(&format!(
            "a quotation mark (\") in row {} is never closed, so everything after it runs into \
             one cell. Check that row in your spreadsheet program, save the file again and \
             import it once more.",
            last.0
        )));
    }
    Ok(RawSheet {
        sheet_name: None,
        encoding: Some(encoding.to_string()),
        rows,
    })
}

fn read_xlsx(path: &Path) -> Result<RawSheet> {
    // Read once (the size is checked already), so what is checked here is
    // what the workbook reader reads.
    let bytes = std::fs::read(path)?;
    let Some(unpacked) = unpacked_size(&bytes) else {
        return Err(not_a_workbook());
    };
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(file_error(format!(
            "This spreadsheet is too large to import: opened up, it holds more than {} MB, far \
             more than a list of people. Copy the list of people into a new workbook, or save \
             it as CSV, and import that.",
            MAX_UNPACKED_BYTES / (1024 * 1024)
        )));
    }
    // The workbook reader works on whatever the file holds; should it ever
    // panic on a damaged file, that is reported like any unreadable file.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_xlsx_inner(bytes)))
        .unwrap_or_else(|_| Err(not_a_workbook()))
}

/// What the parts of a zip archive (an .xlsx file) say they hold unpacked,
/// added up, as the zip reader under the workbook reader reads the archive's
/// directory; `None` when it is no zip archive. A 400 KB file can hold 400 MB
/// of repeated XML, which the workbook reader would unpack whole (the shared
/// strings at opening, then a sheet) before anything could look at it; the
/// zip reader stops with an error at a part's stated size, so the stated
/// sizes are what can be unpacked.
fn unpacked_size(bytes: &[u8]) -> Option<u64> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        total = total.saturating_add(archive.by_index_raw(i).ok()?.size());
    }
    Some(total)
}

fn not_a_workbook() -> CoreError {
    unreadable(
        "it is not an Excel workbook (.xlsx), or it is damaged. Open it in your spreadsheet \
         program and save it again as an Excel workbook or as CSV.",
    )
}

fn read_xlsx_inner(bytes: Vec<u8>) -> Result<RawSheet> {
    use calamine::Reader;
    let mut book =
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| not_a_workbook())?;
    for name in book.sheet_names() {
        let mut cells = match book.worksheet_cells_reader(&name) {
            Ok(cells) => cells,
            // A chart sheet, a sheet that isn't there or one without cells:
            // nothing to read.
            Err(
                calamine::XlsxError::NotAWorksheet(_)
                | calamine::XlsxError::WorksheetNotFound(_)
                | calamine::XlsxError::XmlEof(_),
            ) => continue,
            // A sheet that can't be unpacked or read is damaged: reading
            // the next one instead would leave its people out unsaid.
            Err(_) => return Err(not_a_workbook()),
        };
        let mut grid: BTreeMap<u32, Vec<(usize, String)>> = BTreeMap::new();
        while let Some(cell) = cells
            .next_cell_with_formula()
            .map_err(|_| not_a_workbook())?
        {
            let (row, col) = cell.pos;
            // Formulas are never run: the cell holds the formula itself, so
            // the checks report it.
            let text = match cell.formula.as_deref().map(str::trim) {
                Some(f) if !f.is_empty() => format!("={}", f.trim_start_matches('=')),
                _ => cell_text(&cell.value),
            };
            let text = clean_cell(&text);
            if text.is_empty() {
                continue;
            }
            let Ok(col) = usize::try_from(col) else {
                continue;
            };
            grid.entry(row).or_default().push((col, text));
            if grid.len() > MAX_ROWS + 1 {
                return Err(too_many_rows());
            }
        }
        if !grid.is_empty() {
            return Ok(RawSheet {
                sheet_name: Some(name),
                encoding: None,
                rows: grid
                    .into_iter()
                    .map(|(row, cells)| RawRow {
                        row: row.saturating_add(1),
                        cells,
                    })
                    .collect(),
            });
        }
    }
    Ok(RawSheet {
        sheet_name: None,
        encoding: None,
        rows: Vec::new(),
    })
}

/// A cell's value as text: dates as `YYYY-MM-DD`, whole numbers without a
/// decimal point (so phone numbers stay digits), errors as Excel shows them.
fn cell_text(value: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, h, min, _, _) = dt.to_ymd_hms_milli();
            if dt.as_f64() < 1.0 {
                // A time of day with no date.
                format!("{h:02}:{min:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02}")
            }
        }
        DataRef::DateTime(dt) => number_text(dt.as_f64()),
        DataRef::DateTimeIso(s) => match s.get(..10) {
            Some(day) if NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok() => day.to_string(),
            _ => s.clone(),
        },
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

// ---------------------------------------------------------------------------
// Guessing which column holds what
// ---------------------------------------------------------------------------

/// A heading reduced to its letters and digits, lower case, without anything
/// in brackets: "Date of birth (dd/mm/yyyy)" → "dateofbirth".
fn heading_key(heading: &str) -> String {
    let mut depth = 0u32;
    let mut out = String::new();
    for c in heading.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

#[rustfmt::skip]
const HEADINGS: &[(ImportField, &[&str])] = &[
    (ImportField::FullName, &[
        "fullname", "name", "names", "participant", "participantname", "attendee", "attendeename",
        "client", "clientname", "person", "personname", "member", "membername", "patient",
        "patientname", "serviceuser", "serviceusername",
    ]),
    (ImportField::PreferredName, &[
        "preferredname", "knownas", "nickname", "prefers", "preferred", "likestobecalled",
        "preferredtobecalled", "callthem",
    ]),
    (ImportField::DateOfBirth, &["dob", "dateofbirth", "birthdate", "birthday", "born", "datebirth"]),
    (ImportField::Phone, &[
        "phone", "tel", "telephone", "mobile", "phonenumber", "telephonenumber", "mobilenumber",
        "telno", "mob", "landline", "contactnumber", "phoneno", "number",
    ]),
    (ImportField::Email, &["email", "emailaddress", "mail", "emails"]),
    (ImportField::CarerName, &[
        "carer", "carername", "carersname", "carerorcompanion", "companion", "companionname",
        "carercompanion",
    ]),
    (ImportField::AccessNeeds, &[
        "accessneeds", "access", "accessibility", "mobility", "accessrequirements",
    ]),
    (ImportField::CommunicationNeeds, &[
        "communicationneeds", "communication", "communicationrequirements",
    ]),
    (ImportField::Notes, &[
        "notes", "note", "comments", "comment", "otherinformation", "additionalinformation",
        "info", "information",
    ]),
    (ImportField::ConsentParticipation, &[
        "consent", "consentparticipation", "consenttoparticipate", "consenttotakepart",
        "participationconsent", "consentgiven", "consented",
    ]),
    (ImportField::ConsentShareOutcomes, &[
        "consentshareoutcomes", "consenttoshareoutcomes", "shareoutcomes", "outcomesconsent",
        "consenttoshare", "sharingconsent",
    ]),
    (ImportField::ReferralSource, &[
        "referralsource", "referredby", "source", "referredfrom", "referralfrom", "referral",
        "howreferred", "referralroute", "sourceofreferral",
    ]),
    (ImportField::ReferrerName, &[
        "referrer", "referrername", "referrersname", "nameofreferrer", "referringperson",
        "referredbyname",
    ]),
    (ImportField::ReferrerOrganisation, &[
        "organisation", "organization", "referrerorganisation", "referrerorganization",
        "referringorganisation", "referringorganization", "referrersorganisation", "agency",
        "service",
    ]),
    (ImportField::ReferralReceivedOn, &[
        "referraldate", "datereferred", "referralreceived", "referralreceivedon", "datereceived",
        "received", "datereferralreceived", "referredon", "dateofreferral",
    ]),
    (ImportField::ReferralReasons, &[
        "reason", "reasons", "referralreason", "referralreasons", "reasonforreferral",
        "reasonsforreferral", "reasonreferred",
    ]),
];

/// Words that often start a heading without changing what it means:
/// "Client DOB", "Participant email".
const HEADING_PREFIXES: &[&str] = &["participant", "client", "attendee", "person", "member"];

fn field_for_heading(heading: &str) -> Option<ImportField> {
    let key = heading_key(heading);
    if key.is_empty() {
        return None;
    }
    let lookup = |k: &str| {
        HEADINGS
            .iter()
            .find(|(_, names)| names.contains(&k))
            .map(|(f, _)| *f)
    };
    lookup(&key).or_else(|| {
        HEADING_PREFIXES
            .iter()
            .filter_map(|p| key.strip_prefix(p))
            .filter(|rest| !rest.is_empty())
            .find_map(lookup)
    })
}

/// Which column holds what, guessed from the headings (any case, spaces and
/// punctuation ignored). Each field goes to the first column that names it;
/// a heading not recognised is not imported until the therapist chooses.
pub fn guess_mapping(headers: &[String]) -> ColumnMapping {
    let mut used = Vec::new();
    let columns = headers
        .iter()
        .map(|h| {
            let f = field_for_heading(h)?;
            if used.contains(&f) {
                return None;
            }
            used.push(f);
            Some(f)
        })
        .collect();
    ColumnMapping { columns }
}

// ---------------------------------------------------------------------------
// Values as UK spreadsheets hold them
// ---------------------------------------------------------------------------

/// The spreadsheet letter of a 0-based column: 0 → A, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A value as quoted in a message: at most 60 characters.
/// A column as the screens and problems name it: its letter, and its heading
/// when it has one ("C (DOB)").
pub fn column_name(headers: &[String], index: usize) -> String {
    match headers.get(index).map(String::as_str).unwrap_or("") {
        "" => column_letter(index),
        heading => format!("{} ({})", column_letter(index), shown(heading)),
    }
}

/// Every column's name ([`column_name`]), in order.
pub fn column_names(headers: &[String]) -> Vec<String> {
    (0..headers.len())
        .map(|i| column_name(headers, i))
        .collect()
}

fn shown(v: &str) -> String {
    let one_line: String = v
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match one_line.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

#[rustfmt::skip]
const MONTHS: [&str; 12] = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
];

/// A month by its name or the first three letters or more of it ("Feb",
/// "Sept", "February").
fn month_number(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(w))
        .map(|i| i as u32 + 1)
}

fn day_number(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| w.strip_suffix(s))
        .unwrap_or(&w);
    if digits.is_empty() || digits.len() > 2 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

enum DateForm {
    Parts(i32, u32, u32),
    ShortYear,
    Unknown,
}

fn date_parts(v: &str) -> DateForm {
    let tokens: Vec<&str> = v
        .split(|c: char| matches!(c, '/' | '.' | '-' | ',') || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let [a, b, c] = tokens[..] else {
        return DateForm::Unknown;
    };
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    let num = |t: &str| t.parse::<u32>().ok();
    if digits(a) && digits(b) && digits(c) {
        if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
            // 1950-03-02, 1950/3/2
            if let (Ok(y), Some(m), Some(d)) = (a.parse::<i32>(), num(b), num(c)) {
                return DateForm::Parts(y, m, d);
            }
        } else if a.len() <= 2 && b.len() <= 2 {
            if c.len() == 4 {
                // 02/03/1950, 2.3.1950, 02-03-1950: day first.
                if let (Ok(y), Some(m), Some(d)) = (c.parse::<i32>(), num(b), num(a)) {
                    return DateForm::Parts(y, m, d);
                }
            } else if c.len() <= 2 {
                return DateForm::ShortYear;
            }
        }
        return DateForm::Unknown;
    }
    // 3 Feb 1950, 3rd February 1950, 03-Feb-1950; February 3, 1950.
    let (day, month) = match (day_number(a), month_number(b)) {
        (Some(d), Some(m)) => (d, m),
        _ => match (month_number(a), day_number(b)) {
            (Some(m), Some(d)) => (d, m),
            _ => return DateForm::Unknown,
        },
    };
    if !digits(c) {
        return DateForm::Unknown;
    }
    if c.len() <= 2 {
        return DateForm::ShortYear;
    }
    match c.parse::<i32>() {
        Ok(y) if c.len() == 4 => DateForm::Parts(y, month, day),
        _ => DateForm::Unknown,
    }
}

/// A date as UK spreadsheets hold it (2 February 1950 as 1950-02-02,
/// 02/02/1950, 2/2/1950, 02-02-1950, 02.02.1950, "2 Feb 1950"; a time after
/// it is ignored), as `YYYY-MM-DD`. Numbers are always read day first; the
/// error is the message to show.
pub fn parse_uk_date(value: &str) -> std::result::Result<String, String> {
    let v = value.trim();
    // A time after the date, as some programs write: "02/02/1950 00:00".
    let is_time = |t: &str| {
        let t = t.trim();
        t.contains(':')
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
    };
    let date = match v.rsplit_once(' ').or_else(|| v.split_once('T')) {
        Some((d, t)) if is_time(t) => d.trim(),
        _ => v,
    };
    let not_understood = || {
        format!(
            "“{}” is not a date Refrain understands. {DAY_FIRST}",
            shown(v)
        )
    };
    match date_parts(date) {
        DateForm::Parts(y, m, d) => match NaiveDate::from_ymd_opt(y, m, d) {
            Some(day) if (1900..=2200).contains(&y) => Ok(fmt_date(day)),
            _ => Err(format!(
                "“{}” is not a date that exists. {DAY_FIRST}",
                shown(v)
            )),
        },
        DateForm::ShortYear => Err(format!(
            "“{}” has a two-figure year. Please write the year in full, as 31/01/1950.",
            shown(v)
        )),
        DateForm::Unknown => Err(not_understood()),
    }
}

/// Letters and digits only, lower case, words separated by one space.
fn words(v: &str) -> String {
    v.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn parse_yes_no(v: &str) -> Option<bool> {
    match words(v).as_str() {
        "yes" | "y" | "true" | "1" | "x" | "given" | "agreed" | "consented" | "ok" | "signed" => {
            Some(true)
        }
        "" if v.trim().chars().all(|c| matches!(c, '✓' | '✔')) && !v.trim().is_empty() => {
            Some(true)
        }
        "" | "no" | "n" | "false" | "0" | "not given" | "declined" | "refused" | "withdrawn" => {
            Some(false)
        }
        _ => None,
    }
}

/// A referral source as it reads inside a sentence: the app's own label
/// (`Labelled::label`), lower case but for "GP".
pub fn referral_source_label(source: ReferralSource) -> String {
    let label = crate::Labelled::label(source);
    if label.starts_with("GP") {
        label.to_string()
    } else {
        label.to_lowercase()
    }
}

#[rustfmt::skip]
const SOURCES: &[(ReferralSource, &[&str])] = &[
    (ReferralSource::GpLinkWorker, &[
        "gp link worker", "gp", "link worker", "gp surgery", "gp practice", "surgery", "doctor",
        "gp linkworker", "linkworker",
    ]),
    (ReferralSource::SocialPrescriber, &[
        "social prescriber", "social prescribing", "social prescribing link worker",
        "social prescribing service",
    ]),
    (ReferralSource::LocalOrganisation, &[
        "local organisation", "local organization", "charity", "community organisation",
        "community group", "voluntary organisation", "third sector", "council",
        "local authority", "organisation",
    ]),
    (ReferralSource::CareHome, &["care home", "nursing home", "residential home", "residential care"]),
    (ReferralSource::MemoryClinic, &[
        "memory clinic", "memory service", "memory assessment service", "memory team",
    ]),
    (ReferralSource::SelfOrFamily, &[
        "self or family", "self", "self referral", "self referred", "family", "family member",
        "friend", "carer", "family or friend", "self family",
    ]),
    (ReferralSource::Other, &["other"]),
];

fn parse_source(v: &str) -> Option<ReferralSource> {
    let key = words(v);
    SOURCES
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|(s, _)| *s)
}

#[rustfmt::skip]
const REASONS: &[(ReferralReason, &[&str])] = &[
    (ReferralReason::Loneliness, &[
        "loneliness", "lonely", "isolation", "social isolation", "isolated", "socially isolated",
    ]),
    (ReferralReason::Anxiety, &["anxiety", "anxious", "worry"]),
    (ReferralReason::Depression, &["depression", "depressed", "low mood"]),
    (ReferralReason::DementiaOrMemoryLoss, &[
        "dementia or memory loss", "dementia", "memory loss", "memory", "alzheimers",
        "alzheimer s", "memory problems", "cognitive impairment",
    ]),
    (ReferralReason::Other, &["other"]),
];

/// Reasons separated by commas or semicolons. A reason Refrain has no name
/// for is kept in words, as an "other" reason.
fn parse_reasons(v: &str) -> (Vec<ReferralReason>, String) {
    let mut reasons = Vec::new();
    let mut other = Vec::new();
    for part in v.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let key = words(part);
        match REASONS
            .iter()
            .find(|(_, names)| names.contains(&key.as_str()))
        {
            Some((r, _)) => {
                if !reasons.contains(r) {
                    reasons.push(*r);
                }
            }
            None => other.push(part.to_string()),
        }
    }
    if !other.is_empty() && !reasons.contains(&ReferralReason::Other) {
        reasons.push(ReferralReason::Other);
    }
    (reasons, other.join("; "))
}

/// A cell a spreadsheet program would run as a formula: it starts with `=`,
/// or with `+`, `-` or `@` followed by more than a phone number, a number or
/// a date.
pub fn looks_like_formula(v: &str) -> bool {
    let mut chars = v.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str().trim();
    match first {
        '=' => !rest.is_empty(),
        '+' | '-' | '@' => {
            !rest.is_empty()
                && !rest.chars().all(|c| {
                    c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '-' | '.' | '/' | '+')
                })
        }
        _ => false,
    }
}

/// Names compared for duplicates: any case, spaces between words only.
fn name_key(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// Checking rows (the same for the preview and the import)
// ---------------------------------------------------------------------------

struct CheckedRow {
    row: u32,
    person: AttendeeInput,
    referral: Option<ReferralInput>,
    problems: Vec<ImportProblem>,
}

/// The mapping checked against the table: one entry per column, each field
/// once at most, a full name column.
fn check_mapping(table: &ImportTable, mapping: &ColumnMapping) -> Result<()> {
    if mapping.columns.len() != table.headers.len() {
        return Err(CoreError::invalid(
            "mapping",
            "The choice of columns does not match this file. Read the file again and choose \
             the columns once more.",
        ));
    }
    for (i, f) in mapping.columns.iter().enumerate() {
        let Some(f) = f else { continue };
        if let Some(j) = mapping.columns[i + 1..].iter().position(|g| g == &Some(*f)) {
            return Err(CoreError::invalid(
                "mapping",
                format!(
                    "“{}” is chosen for two columns ({} and {}). Choose it for one column only.",
                    f.label(),
                    column_letter(i),
                    column_letter(i + 1 + j)
                ),
            ));
        }
    }
    if !mapping.columns.contains(&Some(ImportField::FullName)) {
        return Err(CoreError::invalid(
            "mapping",
            "Choose which column holds each person's full name.",
        ));
    }
    Ok(())
}

/// Whether `field` is free text, kept over several lines as written. Every
/// other field is one line, as the store keeps it (a list of reasons is
/// split into reasons, and what is left kept as the referral's notes).
fn is_free_text(field: ImportField) -> bool {
    matches!(
        field,
        ImportField::AccessNeeds
            | ImportField::CommunicationNeeds
            | ImportField::Notes
            | ImportField::ReferralReasons
    )
}

/// The field of an import a store rule's input field belongs to.
fn import_field_of(store_field: &str) -> Option<ImportField> {
    Some(match store_field {
        "fullName" => ImportField::FullName,
        "preferredName" => ImportField::PreferredName,
        "dateOfBirth" => ImportField::DateOfBirth,
        "phone" => ImportField::Phone,
        "email" => ImportField::Email,
        "carerName" => ImportField::CarerName,
        "accessNeeds" => ImportField::AccessNeeds,
        "communicationNeeds" => ImportField::CommunicationNeeds,
        "notes" => ImportField::Notes,
        "consentParticipation" => ImportField::ConsentParticipation,
        "consentShareOutcomes" => ImportField::ConsentShareOutcomes,
        "receivedOn" => ImportField::ReferralReceivedOn,
        "referrerName" => ImportField::ReferrerName,
        "referrerOrganisation" => ImportField::ReferrerOrganisation,
        "reasonNotes" => ImportField::ReferralReasons,
        _ => return None,
    })
}

/// One row of a table under a mapping: reads each cell and collects its
/// problems.
struct RowCheck<'a> {
    table: &'a ImportTable,
    mapping: &'a ColumnMapping,
    row: u32,
    cells: &'a [String],
    problems: Vec<ImportProblem>,
}

impl<'a> RowCheck<'a> {
    fn column_of(&self, field: ImportField) -> Option<usize> {
        self.mapping.columns.iter().position(|f| *f == Some(field))
    }

    fn column_name(&self, index: usize) -> String {
        column_name(&self.table.headers, index)
    }

    /// A problem in the column holding `field` (or with the row as a whole
    /// when that field has no column).
    fn problem(&mut self, field: Option<ImportField>, message: &str) {
        let column = field.and_then(|f| self.column_of(f));
        let (column, text) = match column {
            Some(c) => {
                let name = self.column_name(c);
                let text = format!("Row {}, column {name}: {message}", self.row);
                (Some(name), text)
            }
            None => (None, format!("Row {}: {message}", self.row)),
        };
        self.problems.push(ImportProblem {
            row: self.row,
            column,
            field,
            message: text,
        });
    }

    /// The cell of `field`, trimmed, and on one line unless the field holds
    /// free text (as the store keeps it: see `validate::single_line`); empty
    /// when there is no such column or the cell holds a formula (reported
    /// once, here).
    fn text(&mut self, field: ImportField) -> String {
        let Some(c) = self.column_of(field) else {
            return String::new();
        };
        let cell = self.cells.get(c).map(String::as_str).unwrap_or("");
        let v = if is_free_text(field) {
            cell.trim().to_string()
        } else {
            single_line(cell)
        };
        if looks_like_formula(&v) {
            self.problem(
                Some(field),
                &format!(
                    "“{}” looks like a spreadsheet formula, which Refrain does not take. Type \
                     the value itself, or take the {} off the start.",
                    shown(&v),
                    v.chars().next().unwrap_or('=')
                ),
            );
            return String::new();
        }
        v
    }

    fn date(&mut self, field: ImportField) -> String {
        let v = self.text(field);
        if v.is_empty() {
            return v;
        }
        match parse_uk_date(&v) {
            Ok(d) => d,
            Err(message) => {
                self.problem(Some(field), &message);
                String::new()
            }
        }
    }

    fn yes_no(&mut self, field: ImportField) -> bool {
        let v = self.text(field);
        match parse_yes_no(&v) {
            Some(b) => b,
            None => {
                self.problem(
                    Some(field),
                    &format!(
                        "“{}” is not yes or no. Write yes or no, or leave the cell empty for no.",
                        shown(&v)
                    ),
                );
                false
            }
        }
    }

    /// The person in the row, checked by the store's own rules.
    fn person(&mut self) -> AttendeeInput {
        let mut phone = self.text(ImportField::Phone);
        // A UK number saved as a number loses its leading 0.
        if phone.len() == 10 && phone.chars().all(|c| c.is_ascii_digit()) && !phone.starts_with('0')
        {
            phone.insert(0, '0');
        }
        let person = AttendeeInput {
            full_name: self.text(ImportField::FullName),
            preferred_name: self.text(ImportField::PreferredName),
            date_of_birth: self.date(ImportField::DateOfBirth),
            phone,
            email: self.text(ImportField::Email),
            carer_name: self.text(ImportField::CarerName),
            access_needs: self.text(ImportField::AccessNeeds),
            communication_needs: self.text(ImportField::CommunicationNeeds),
            information_needs: Default::default(),
            notes: self.text(ImportField::Notes),
            consent_participation: Consent {
                given: self.yes_no(ImportField::ConsentParticipation),
                date: None,
            },
            consent_media: Consent::default(),
            consent_share_outcomes: Consent {
                given: self.yes_no(ImportField::ConsentShareOutcomes),
                date: None,
            },
        };
        let name_has_formula = self
            .problems
            .iter()
            .any(|p| p.field == Some(ImportField::FullName));
        if person.full_name.is_empty() && !name_has_formula {
            self.problem(
                Some(ImportField::FullName),
                "There is no full name in this row.",
            );
        }
        // The store's rules, every one: each time one fails, report it and
        // look again without that value.
        let mut trial = person.clone();
        if trial.full_name.is_empty() {
            trial.full_name = "-".into();
        }
        for _ in 0..ImportField::ALL.len() {
            let Err(e) = attendees::clean(&trial) else {
                break;
            };
            let CoreError::Invalid { field, message } = e else {
                break;
            };
            let field = import_field_of(field);
            self.problem(field, &message);
            match field {
                Some(ImportField::FullName) => trial.full_name = "-".into(),
                Some(ImportField::PreferredName) => trial.preferred_name.clear(),
                Some(ImportField::DateOfBirth) => trial.date_of_birth.clear(),
                Some(ImportField::Phone) => trial.phone.clear(),
                Some(ImportField::Email) => trial.email.clear(),
                Some(ImportField::CarerName) => trial.carer_name.clear(),
                Some(ImportField::AccessNeeds) => trial.access_needs.clear(),
                Some(ImportField::CommunicationNeeds) => trial.communication_needs.clear(),
                Some(ImportField::Notes) => trial.notes.clear(),
                _ => break,
            }
        }
        person
    }

    /// The referral in the row, if it has a source or a date received.
    fn referral(&mut self) -> Option<ReferralInput> {
        let source_text = self.text(ImportField::ReferralSource);
        let has_date = self
            .column_of(ImportField::ReferralReceivedOn)
            .and_then(|c| self.cells.get(c))
            .is_some_and(|v| !v.trim().is_empty());
        let received_on = self.date(ImportField::ReferralReceivedOn);
        let referrer_name = self.text(ImportField::ReferrerName);
        let referrer_organisation = self.text(ImportField::ReferrerOrganisation);
        let reasons_text = self.text(ImportField::ReferralReasons);
        let has_source = !source_text.is_empty()
            || self
                .problems
                .iter()
                .any(|p| p.field == Some(ImportField::ReferralSource));
        if !has_source && !has_date {
            if let Some(f) = [
                (ImportField::ReferrerName, &referrer_name),
                (ImportField::ReferrerOrganisation, &referrer_organisation),
                (ImportField::ReferralReasons, &reasons_text),
            ]
            .iter()
            .find(|(_, v)| !v.is_empty())
            .map(|(f, _)| *f)
            {
                self.problem(
                    Some(f),
                    "Details of a referral need its source and the date it was received.",
                );
            }
            return None;
        }
        let source = if source_text.is_empty() {
            if !has_source {
                let at = if self.column_of(ImportField::ReferralSource).is_some() {
                    ImportField::ReferralSource
                } else {
                    ImportField::ReferralReceivedOn
                };
                self.problem(
                    Some(at),
                    "A referral needs its source: who referred the person, such as a GP link \
                     worker.",
                );
            }
            ReferralSource::Other
        } else {
            match parse_source(&source_text) {
                Some(s) => s,
                None => {
                    let known: Vec<String> = SOURCES
                        .iter()
                        .map(|(s, _)| referral_source_label(*s))
                        .collect();
                    self.problem(
                        Some(ImportField::ReferralSource),
                        &format!(
                            "“{}” is not a referral source Refrain knows. Use one of: {}.",
                            shown(&source_text),
                            known.join(", ")
                        ),
                    );
                    ReferralSource::Other
                }
            }
        };
        if !has_date {
            let at = if self.column_of(ImportField::ReferralReceivedOn).is_some() {
                ImportField::ReferralReceivedOn
            } else {
                ImportField::ReferralSource
            };
            self.problem(Some(at), "A referral needs the date it was received.");
        }
        let (reasons, reason_notes) = parse_reasons(&reasons_text);
        let referral = ReferralInput {
            attendee_id: String::new(),
            source,
            referrer_name,
            referrer_organisation,
            received_on: received_on.clone(),
            reasons,
            reason_notes,
        };
        // The store's rules, as for the person.
        let mut trial = referral.clone();
        if trial.received_on.is_empty() {
            trial.received_on = fmt_date(today());
        }
        for _ in 0..5 {
            let Err(e) = referrals::clean(&trial) else {
                break;
            };
            let CoreError::Invalid { field, message } = e else {
                break;
            };
            let field = import_field_of(field);
            self.problem(field, &message);
            match field {
                Some(ImportField::ReferralReceivedOn) => trial.received_on = fmt_date(today()),
                Some(ImportField::ReferrerName) => trial.referrer_name.clear(),
                Some(ImportField::ReferrerOrganisation) => trial.referrer_organisation.clear(),
                Some(ImportField::ReferralReasons) => {
                    trial.reasons.clear();
                    trial.reason_notes.clear();
                }
                _ => break,
            }
        }
        Some(referral)
    }
}

/// Every row of `table` under `mapping`, with its problems, checked against
/// the people already in the store behind `conn`.
fn check_rows(
    conn: &Connection,
    table: &ImportTable,
    mapping: &ColumnMapping,
) -> Result<Vec<CheckedRow>> {
    check_mapping(table, mapping)?;
    let mut existing: HashMap<String, Vec<(String, Option<String>)>> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT full_name, date_of_birth FROM attendee")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        for row in rows {
            let (name, dob) = row?;
            existing
                .entry(name_key(&name))
                .or_default()
                .push((name, dob));
        }
    }
    let same_person = |a: &str, b: &str| a.is_empty() || b.is_empty() || a == b;
    let mut seen: HashMap<String, Vec<(u32, String)>> = HashMap::new();
    let mut out = Vec::with_capacity(table.rows.len());
    for r in &table.rows {
        let mut check = RowCheck {
            table,
            mapping,
            row: r.row,
            cells: &r.cells,
            problems: Vec::new(),
        };
        let person = check.person();
        let referral = check.referral();
        let key = name_key(&person.full_name);
        if !key.is_empty() {
            let dob = person.date_of_birth.as_str();
            let known = existing.get(&key).and_then(|people| {
                people
                    .iter()
                    .find(|(_, d)| same_person(d.as_deref().unwrap_or(""), dob))
            });
            if let Some((name, born)) = known {
                let born = born
                    .as_ref()
                    .map(|d| format!(" (born {d})"))
                    .unwrap_or_default();
                check.problem(
                    Some(ImportField::FullName),
                    &format!(
                        "Already in Refrain: “{}”{born}. Remove the row, or skip rows with \
                         problems.",
                        shown(name)
                    ),
                );
            }
            let earlier = seen.entry(key).or_default();
            if let Some((row, _)) = earlier.iter().find(|(_, d)| same_person(d, dob)) {
                let row = *row;
                check.problem(
                    Some(ImportField::FullName),
                    &format!(
                        "“{}” is also on row {row}, as the same person. Remove one of the two \
                         rows.",
                        shown(&person.full_name)
                    ),
                );
            }
            earlier.push((r.row, dob.to_string()));
        }
        let problems = check.problems;
        out.push(CheckedRow {
            row: r.row,
            person,
            referral,
            problems,
        });
    }
    Ok(out)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Store {
    /// What importing `table` under `mapping` would do: every row checked as
    /// the import will check it, against the people already recorded.
    /// Nothing is saved.
    pub fn preview_import(
        &self,
        table: &ImportTable,
        mapping: &ColumnMapping,
    ) -> Result<ImportPreview> {
        let checked = check_rows(self.conn(), table, mapping)?;
        let problem_rows = checked.iter().filter(|r| !r.problems.is_empty()).count();
        let total_rows = checked.len();
        let mut problems = Vec::new();
        let mut rows = Vec::new();
        for (i, r) in checked.into_iter().enumerate() {
            let ready = r.problems.is_empty();
            problems.extend(r.problems);
            if i < PREVIEW_ROWS {
                rows.push(ImportPreviewRow {
                    row: r.row,
                    person: r.person,
                    referral: r.referral,
                    ready,
                });
            }
        }
        Ok(ImportPreview {
            rows,
            total_rows: total_rows as u32,
            ready_rows: (total_rows - problem_rows) as u32,
            problem_rows: problem_rows as u32,
            problems,
        })
    }

    /// Imports the people (and referrals) of `table`, checking every row
    /// again. With problems and `skip_bad_rows` false nothing is saved;
    /// otherwise every good row is saved in one transaction (all of them or,
    /// should anything fail, none). `on_progress(done, total)` is called as
    /// rows are saved.
    pub fn import_people(
        &mut self,
        table: &ImportTable,
        mapping: &ColumnMapping,
        skip_bad_rows: bool,
        on_progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportOutcome> {
        self.write(|tx| {
            let checked = check_rows(tx, table, mapping)?;
            let bad_rows = checked.iter().filter(|r| !r.problems.is_empty()).count();
            if bad_rows > 0 && !skip_bad_rows {
                let problems: usize = checked.iter().map(|r| r.problems.len()).sum();
                return Err(file_error(format!(
                    "{} found in {}, so nobody was imported. Correct them in the file and \
                     import it again, or choose to skip the rows with problems.",
                    plural(problems, "problem was", "problems were"),
                    plural(bad_rows, "row", "rows"),
                )));
            }
            let good: Vec<&CheckedRow> = checked.iter().filter(|r| r.problems.is_empty()).collect();
            let total = good.len();
            on_progress(0, total);
            let mut outcome = ImportOutcome {
                rows_skipped: bad_rows as u32,
                ..Default::default()
            };
            let at_row = |row: u32, e: CoreError| match e {
                CoreError::Invalid { field, message } => {
                    CoreError::invalid(field, format!("Row {row}: {message}"))
                }
                other => other,
            };
            for (i, r) in good.iter().enumerate() {
                let person = attendees::create(tx, &r.person).map_err(|e| at_row(r.row, e))?;
                outcome.people_added += 1;
                if let Some(referral) = &r.referral {
                    let referral = ReferralInput {
                        attendee_id: person.id,
                        ..referral.clone()
                    };
                    referrals::create(tx, &referral).map_err(|e| at_row(r.row, e))?;
                    outcome.referrals_added += 1;
                }
                on_progress(i + 1, total);
            }
            Ok(outcome)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_run_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(51), "AZ");
        assert_eq!(column_letter(52), "BA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn uk_dates_are_read_day_first() {
        for (text, want) in [
            ("1950-02-03", "1950-02-03"),
            ("03/02/1950", "1950-02-03"),
            ("3/2/1950", "1950-02-03"),
            ("03-02-1950", "1950-02-03"),
            ("03.02.1950", "1950-02-03"),
            ("3 Feb 1950", "1950-02-03"),
            ("3rd February 1950", "1950-02-03"),
            ("03-Feb-1950", "1950-02-03"),
            ("February 3, 1950", "1950-02-03"),
            ("3 Sept 1950", "1950-09-03"),
            ("03/02/1950 00:00", "1950-02-03"),
            ("1950-02-03T00:00:00", "1950-02-03"),
            ("29/02/1952", "1952-02-29"),
        ] {
            assert_eq!(parse_uk_date(text).as_deref(), Ok(want), "{text}");
        }
        assert_eq!(
            parse_uk_date("31/02/1950").unwrap_err(),
            "“31/02/1950” is not a date that exists. Dates are read day first, as 31/01/1950."
        );
        assert!(parse_uk_date("02/13/1950")
            .unwrap_err()
            .contains("not a date that exists"));
        assert!(parse_uk_date("3/2/50")
            .unwrap_err()
            .contains("year in full"));
        assert!(parse_uk_date("soon")
            .unwrap_err()
            .contains("not a date Refrain understands"));
        assert!(parse_uk_date("1850-01-01").is_err());
    }

    #[test]
    fn formulas_are_told_from_phone_numbers() {
        for f in [
            "=1+1",
            "=HYPERLINK(\"x\")",
            "@SUM(1)",
            "+cmd|' /C calc'!A0",
            "-2+3*cmd",
        ] {
            assert!(looks_like_formula(f), "{f}");
        }
        for ok in [
            "+44 7700 900123",
            "-",
            "-5",
            "+(0)20 7946 0000",
            "Ann",
            "",
            "1950-01-01",
        ] {
            assert!(!looks_like_formula(ok), "{ok}");
        }
    }

    #[test]
    fn headings_are_matched_loosely() {
        let h = |s: &str| field_for_heading(s);
        assert_eq!(h("Full Name"), Some(ImportField::FullName));
        assert_eq!(h("  NAME "), Some(ImportField::FullName));
        assert_eq!(h("D.O.B."), Some(ImportField::DateOfBirth));
        assert_eq!(
            h("Date of birth (dd/mm/yyyy)"),
            Some(ImportField::DateOfBirth)
        );
        assert_eq!(h("Client DOB"), Some(ImportField::DateOfBirth));
        assert_eq!(h("E-mail"), Some(ImportField::Email));
        assert_eq!(h("Tel."), Some(ImportField::Phone));
        assert_eq!(h("Known as"), Some(ImportField::PreferredName));
        assert_eq!(h("Referred by"), Some(ImportField::ReferralSource));
        assert_eq!(h("Carer's name"), Some(ImportField::CarerName));
        assert_eq!(h("Shoe size"), None);
        assert_eq!(h(""), None);
    }

    #[test]
    fn sources_and_reasons_are_matched_by_their_usual_names() {
        assert_eq!(parse_source("GP"), Some(ReferralSource::GpLinkWorker));
        assert_eq!(
            parse_source("Link Worker"),
            Some(ReferralSource::GpLinkWorker)
        );
        assert_eq!(
            parse_source("Social prescriber"),
            Some(ReferralSource::SocialPrescriber)
        );
        assert_eq!(
            parse_source("self-referral"),
            Some(ReferralSource::SelfOrFamily)
        );
        assert_eq!(
            parse_source("Memory clinic"),
            Some(ReferralSource::MemoryClinic)
        );
        assert_eq!(parse_source("Dr Who"), None);
        let (reasons, notes) = parse_reasons("Loneliness; low mood, bereavement");
        assert_eq!(
            reasons,
            vec![
                ReferralReason::Loneliness,
                ReferralReason::Depression,
                ReferralReason::Other
            ]
        );
        assert_eq!(notes, "bereavement");
    }

    #[test]
    fn delimiters_are_sniffed_from_the_heading_row() {
        assert_eq!(sniff_delimiter("Name,Phone\n"), b',');
        assert_eq!(sniff_delimiter("Name;Phone;\"a,b\"\n"), b';');
        assert_eq!(sniff_delimiter("\n\nName\tPhone\n"), b'\t');
        assert_eq!(sniff_delimiter("Name\n"), b',');
    }
}
