//! Reports and exports: attendance registers, programme summaries for
//! funders, feedback for referrers and subject access, built as data by the
//! store (`store/reports.rs`) and written here as CSV (`csv`), Excel
//! (`rust_xlsxwriter`) or PDF (the `refrain-pdf` crate's page layout).
//!
//! Every file is written whole or not at all: into a temporary file beside
//! the target, synced, then renamed over it (`write_file`). A report names its
//! period, when and by whom it was made, and Refrain's version.

pub mod oruk;
pub mod programme;
pub mod referrer;
pub mod register;
pub mod songbook;
pub mod subject_access;

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{CoreError, Result};
use crate::model::{ExportDone, ExportFormat, ReportRequest, ReportStamp};
use crate::Store;

/// The PDF metadata's creator: Refrain and its version.
pub(crate) fn creator() -> String {
    format!("Refrain {}", crate::VERSION)
}

/// Called as a long export goes: `(done, total, what is being done)`.
pub type Progress<'a> = &'a mut dyn FnMut(u32, u32, &str);

/// The formats each report can be saved as, the first being the usual one.
pub fn formats(request: &ReportRequest) -> &'static [ExportFormat] {
    use ExportFormat::*;
    match request {
        ReportRequest::Register { .. } => &[Pdf, Xlsx, Csv],
        ReportRequest::AllRegisters { .. } => &[Xlsx, Csv],
        ReportRequest::Programme { .. } => &[Pdf, Xlsx],
        ReportRequest::ReferrerFeedback { .. } => &[Pdf, Json],
        ReportRequest::SubjectAccess { .. } => &[Pdf, Json],
        ReportRequest::Directory { .. } => &[Json],
        ReportRequest::SongBook { .. } => &[Pdf],
    }
}

fn what(request: &ReportRequest) -> &'static str {
    match request {
        ReportRequest::Register { .. } => "An attendance register",
        ReportRequest::AllRegisters { .. } => "Every group's register",
        ReportRequest::Programme { .. } => "A programme summary",
        ReportRequest::ReferrerFeedback { .. } => "Feedback for a referrer",
        ReportRequest::SubjectAccess { .. } => "What Refrain holds about a person",
        ReportRequest::Directory { .. } => "A directory listing",
        ReportRequest::SongBook { .. } => "A song book",
    }
}

fn format_name(f: ExportFormat) -> &'static str {
    match f {
        ExportFormat::Csv => "CSV",
        ExportFormat::Xlsx => "Excel",
        ExportFormat::Pdf => "PDF",
        ExportFormat::Json => "JSON",
    }
}

/// A report read from the store and ready to be laid out: it holds only
/// plain data, so the slow part (laying out a PDF or an Excel workbook) runs
/// without the store, and every other command can use the store meanwhile.
#[derive(Debug, Clone)]
pub struct Prepared {
    format: ExportFormat,
    data: Data,
}

#[derive(Debug, Clone)]
enum Data {
    Register(Box<crate::model::RegisterReport>),
    AllRegisters(Vec<crate::model::RegisterReport>),
    Programme(Box<crate::model::ProgrammeSummary>),
    Feedback(Box<crate::model::ReferrerFeedback>),
    SubjectAccess(Box<crate::model::SubjectAccess>),
    Directory(Box<crate::model::DirectoryListing>),
    SongBook(Box<crate::model::Songbook>),
}

/// Reads what a report needs from the store (the only part that needs it),
/// after checking the report can be saved as `format`.
pub fn read(
    store: &Store,
    request: &ReportRequest,
    format: ExportFormat,
    progress: Progress<'_>,
) -> Result<Prepared> {
    let allowed = formats(request);
    if !allowed.contains(&format) {
        let names: Vec<&str> = allowed.iter().map(|f| format_name(*f)).collect();
        return Err(CoreError::invalid(
            "format",
            format!("{} can be saved as {}.", what(request), names.join(" or ")),
        ));
    }
    progress(0, 3, "Reading the records");
    let data = match request {
        ReportRequest::Register { group_id, from, to } => {
            Data::Register(Box::new(store.register_report(group_id, from, to)?))
        }
        ReportRequest::AllRegisters { from, to } => {
            Data::AllRegisters(store.all_registers(from, to, &mut |done, total| {
                progress(done, total.max(1) * 3, "Reading each group's register")
            })?)
        }
        ReportRequest::Programme {
            group_ids,
            from,
            to,
            narrative,
        } => Data::Programme(Box::new(
            store.programme_summary(group_ids, from, to, narrative)?,
        )),
        ReportRequest::ReferrerFeedback {
            attendee_id,
            summary,
        } => Data::Feedback(Box::new(store.referrer_feedback(attendee_id, summary)?)),
        ReportRequest::SubjectAccess { attendee_id } => {
            Data::SubjectAccess(Box::new(store.subject_access(attendee_id)?))
        }
        ReportRequest::Directory {} => Data::Directory(Box::new(store.directory_listing()?)),
        ReportRequest::SongBook { playlist_id } => {
            Data::SongBook(Box::new(store.songbook(playlist_id)?))
        }
    };
    Ok(Prepared { format, data })
}

impl Prepared {
    /// The report's bytes, in memory (exports are at most a few megabytes).
    pub fn lay_out(&self, progress: Progress<'_>) -> Result<Vec<u8>> {
        use ExportFormat::*;
        progress(1, 3, "Laying out the report");
        match (&self.data, self.format) {
            (Data::Register(r), Csv) => register::to_csv(r),
            (Data::Register(r), Xlsx) => register::to_xlsx(r),
            (Data::Register(r), _) => register::to_pdf(r),
            (Data::AllRegisters(rs), Csv) => register::to_csv_many(rs),
            (Data::AllRegisters(rs), _) => register::to_xlsx_many(rs),
            (Data::Programme(s), Xlsx) => programme::to_xlsx(s),
            (Data::Programme(s), _) => programme::to_pdf(s),
            (Data::Feedback(f), Json) => referrer::to_json(f),
            (Data::Feedback(f), _) => referrer::to_pdf(f),
            (Data::SubjectAccess(s), Json) => subject_access::to_json(s),
            (Data::SubjectAccess(s), _) => subject_access::to_pdf(s),
            (Data::Directory(l), _) => oruk::to_json(l),
            (Data::SongBook(b), _) => songbook::to_pdf(b),
        }
    }

    /// Lays the report out and writes it to `path`, whole or not at all.
    pub fn save(&self, path: &Path, progress: Progress<'_>) -> Result<ExportDone> {
        let bytes = self.lay_out(progress)?;
        progress(2, 3, "Saving");
        let done = write_file(path, &bytes)?;
        progress(3, 3, "Saved");
        Ok(done)
    }
}

/// Makes a report from the store and writes it to `path` as `format`, whole
/// or not at all. `progress` hears each step.
pub fn export(
    store: &Store,
    request: &ReportRequest,
    format: ExportFormat,
    path: &Path,
    progress: Progress<'_>,
) -> Result<ExportDone> {
    read(store, request, format, progress)?.save(path, progress)
}

/// The report's bytes, in memory.
pub fn make(
    store: &Store,
    request: &ReportRequest,
    format: ExportFormat,
    progress: Progress<'_>,
) -> Result<Vec<u8>> {
    read(store, request, format, progress)?.lay_out(progress)
}

/// A file name to offer when saving: what the report is, for whom or what,
/// and its period ("Register Singing for the Brain 2026-01-01 to 2026-03-31.pdf").
pub fn suggested_file_name(
    store: &Store,
    request: &ReportRequest,
    format: ExportFormat,
) -> Result<String> {
    let stem = match request {
        ReportRequest::Register { group_id, from, to } => format!(
            "Register {} {from} to {to}",
            file_safe(&store.group(group_id)?.name)
        ),
        ReportRequest::AllRegisters { from, to } => format!("Registers {from} to {to}"),
        ReportRequest::Programme { from, to, .. } => format!("Programme summary {from} to {to}"),
        ReportRequest::ReferrerFeedback { attendee_id, .. } => format!(
            "Feedback {}",
            file_safe(&store.attendee(attendee_id)?.full_name)
        ),
        ReportRequest::SubjectAccess { attendee_id } => format!(
            "Subject access {}",
            file_safe(&store.attendee(attendee_id)?.full_name)
        ),
        ReportRequest::Directory {} => {
            let name = store.practice_details()?.name;
            if name.is_empty() {
                "Open Referral UK listing".to_string()
            } else {
                format!("Open Referral UK listing {}", file_safe(&name))
            }
        }
        ReportRequest::SongBook { playlist_id } => {
            file_safe(&store.songbook_contents(playlist_id)?.title.replace(':', ""))
        }
    };
    Ok(format!("{stem}.{}", format.extension()))
}

/// A path in `dir` named `name` that is not taken yet: "Report.pdf", else
/// "Report (2).pdf", "Report (3).pdf"...
pub fn free_path(dir: &Path, name: &str) -> std::path::PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s, format!(".{e}")),
        None => (name, String::new()),
    };
    (2..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Where a report goes in `dir` under its suggested name, without replacing
/// a file already there ("… (2).pdf"); the folder is made if need be.
pub fn path_in_folder(
    store: &Store,
    request: &ReportRequest,
    format: ExportFormat,
    dir: &Path,
) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| {
        CoreError::Report(format!(
            "the folder {} could not be made ({e})",
            dir.display()
        ))
    })?;
    let name = suggested_file_name(store, request, format)?;
    Ok(free_path(dir, &name))
}

/// [`export`] into `dir` under the report's suggested name.
pub fn export_to_folder(
    store: &Store,
    request: &ReportRequest,
    format: ExportFormat,
    dir: &Path,
    progress: Progress<'_>,
) -> Result<ExportDone> {
    let path = path_in_folder(store, request, format, dir)?;
    export(store, request, format, &path, progress)
}

/// Writes `bytes` to `path` whole or not at all: a temporary file in the same
/// folder, synced to disk, then renamed over the target. A failure leaves no
/// temporary file and the old file (if any) untouched.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<ExportDone> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let failed = |e: std::io::Error| {
        if e.raw_os_error() == Some(28) {
            CoreError::DiskFull
        } else {
            CoreError::Report(format!("it could not be saved in {} ({e})", dir.display()))
        }
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".refrain-export-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(failed)?;
    tmp.write_all(bytes).map_err(failed)?;
    tmp.as_file().sync_all().map_err(failed)?;
    tmp.persist(path).map_err(|e| failed(e.error))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(ExportDone {
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
    })
}

/// The stamp for a report made now by `produced_by`.
pub fn stamp(produced_by: Option<String>) -> ReportStamp {
    ReportStamp {
        produced_at: chrono::Local::now().format("%-d %b %Y %H:%M").to_string(),
        produced_by: produced_by.unwrap_or_default(),
        app_version: crate::VERSION.to_string(),
        records_as_of: String::new(),
    }
}

/// "7 Jan 2026" from `2026-01-07`; the text as given if it is not a date.
pub fn long_date(iso: &str) -> String {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| d.format("%-d %b %Y").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

/// "1 Jan 2026 to 31 Mar 2026".
pub fn period(from: &str, to: &str) -> String {
    format!("{} to {}", long_date(from), long_date(to))
}

/// A percentage with one decimal place ("85.7"), or empty.
pub fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{r:.1}")).unwrap_or_default()
}

/// `part / whole` as a percentage, `None` when `whole` is 0.
pub fn rate(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) * 100.0 / f64::from(whole))
}

/// A score or mean with up to two decimal places, trailing zeros dropped.
pub fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A change in points with its sign ("+1.25", "−0.5", "0").
pub fn signed(v: f64) -> String {
    let n = number(v.abs());
    if n == "0" {
        n
    } else if v > 0.0 {
        format!("+{n}")
    } else {
        format!("−{n}")
    }
}

/// A text cell safe to open in a spreadsheet: a cell beginning with `=`, `+`,
/// `-`, `@`, tab or carriage return would be run as a formula by Excel, so it
/// gets a leading apostrophe (the OWASP advice for CSV injection).
pub fn spreadsheet_text(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// "23 Nov 2026 17:40 by Sam Okafor with Refrain 0.1.0".
/// "23 Nov 2026 17:40 with Refrain 0.1.0" when no one was chosen.
pub fn stamp_text(stamp: &ReportStamp) -> String {
    if stamp.produced_by.trim().is_empty() {
        format!("{} with Refrain {}", stamp.produced_at, stamp.app_version)
    } else {
        format!(
            "{} by {} with Refrain {}",
            stamp.produced_at, stamp.produced_by, stamp.app_version
        )
    }
}

/// "Produced 23 Nov 2026 17:40 by Sam Okafor with Refrain 0.1.0".
/// In a team, followed by how recent the other laptops' records are.
pub fn stamp_line(stamp: &ReportStamp) -> String {
    if stamp.records_as_of.is_empty() {
        format!("Produced {}", stamp_text(stamp))
    } else {
        format!("Produced {}. {}", stamp_text(stamp), stamp.records_as_of)
    }
}

/// Every report's PDF footer: a reminder of what it holds.
pub const CONFIDENTIAL: &str = "Confidential: holds personal information. Keep it safe.";

/// A name made safe for a file name on every system: letters, digits,
/// spaces, dots, hyphens and underscores kept, anything else a hyphen.
pub fn file_safe(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim().trim_start_matches('.').trim();
    if s.is_empty() {
        "report".into()
    } else {
        s.chars().take(80).collect()
    }
}

/// Maps an Excel writer failure to the core's error.
pub(crate) fn xlsx_failed(e: rust_xlsxwriter::XlsxError) -> CoreError {
    CoreError::Report(format!("the Excel file could not be made ({e})"))
}

/// Maps a CSV writer failure to the core's error.
pub(crate) fn csv_failed(e: impl std::fmt::Display) -> CoreError {
    CoreError::Report(format!("the CSV file could not be made ({e})"))
}
