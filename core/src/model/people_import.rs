//! Bringing people in from a spreadsheet (CSV or Excel): what was read, which
//! column holds what, what an import would do and what it did.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{AttendeeInput, ReferralInput};

/// What a column of the spreadsheet holds. A column mapped to nothing
/// (`null` in [`ColumnMapping`]) is not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ImportField {
    FullName,
    PreferredName,
    DateOfBirth,
    Phone,
    Email,
    CarerName,
    AccessNeeds,
    CommunicationNeeds,
    Notes,
    /// Yes or no.
    ConsentParticipation,
    /// Yes or no.
    ConsentShareOutcomes,
    ReferralSource,
    ReferrerName,
    ReferrerOrganisation,
    ReferralReceivedOn,
    /// Several reasons separated by commas or semicolons.
    ReferralReasons,
}

impl ImportField {
    /// Every field, in the order the UI offers them.
    pub const ALL: [ImportField; 16] = [
        ImportField::FullName,
        ImportField::PreferredName,
        ImportField::DateOfBirth,
        ImportField::Phone,
        ImportField::Email,
        ImportField::CarerName,
        ImportField::AccessNeeds,
        ImportField::CommunicationNeeds,
        ImportField::Notes,
        ImportField::ConsentParticipation,
        ImportField::ConsentShareOutcomes,
        ImportField::ReferralSource,
        ImportField::ReferrerName,
        ImportField::ReferrerOrganisation,
        ImportField::ReferralReceivedOn,
        ImportField::ReferralReasons,
    ];

    /// The field's name in plain words, as the import screen shows it.
    pub fn label(self) -> &'static str {
        match self {
            ImportField::FullName => "Full name",
            ImportField::PreferredName => "Preferred name",
            ImportField::DateOfBirth => "Date of birth",
            ImportField::Phone => "Phone",
            ImportField::Email => "Email",
            ImportField::CarerName => "Carer or companion",
            ImportField::AccessNeeds => "Access needs",
            ImportField::CommunicationNeeds => "Communication needs",
            ImportField::Notes => "Notes",
            ImportField::ConsentParticipation => "Consent to take part (yes/no)",
            ImportField::ConsentShareOutcomes => "Consent to share outcomes (yes/no)",
            ImportField::ReferralSource => "Referral source",
            ImportField::ReferrerName => "Referrer's name",
            ImportField::ReferrerOrganisation => "Referrer's organisation",
            ImportField::ReferralReceivedOn => "Date referral received",
            ImportField::ReferralReasons => "Reasons for referral",
        }
    }
}

/// One row of the spreadsheet that holds something.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportTableRow {
    /// The row's number as the spreadsheet program shows it (the header is
    /// usually row 1). Blank rows are left out but still counted.
    pub row: u32,
    /// One text per column, trimmed; as many as there are headers.
    pub cells: Vec<String>,
}

/// A spreadsheet as it was read, before anything is checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportTable {
    /// The file's name (not its full path).
    pub file_name: String,
    /// For an Excel workbook: the sheet that was read (the first with
    /// anything in it).
    pub sheet_name: Option<String>,
    /// For a CSV file: how its text was encoded ("UTF-8", "UTF-8 with BOM",
    /// "UTF-16", "Windows-1252").
    pub encoding: Option<String>,
    /// The row holding the column headings (the first row with anything in it).
    pub header_row: u32,
    /// The column headings, trimmed (empty for a column without one).
    pub headers: Vec<String>,
    pub rows: Vec<ImportTableRow>,
}

/// For each column of an [`ImportTable`], in order, what it holds (`None`:
/// not imported).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ColumnMapping {
    pub columns: Vec<Option<ImportField>>,
}

/// Something in the file that stops a row from being imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProblem {
    /// The row's number as the spreadsheet program shows it.
    pub row: u32,
    /// The column's letter and heading, e.g. "C (Date of birth)", when the
    /// problem is in one cell.
    pub column: Option<String>,
    pub field: Option<ImportField>,
    /// The whole sentence, e.g. "Row 7, column C (Date of birth): “31/02/1950”
    /// is not a date that exists. Dates are read day first, as 31/01/1950."
    pub message: String,
}

/// One row as it would be imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreviewRow {
    pub row: u32,
    /// The person as they would be recorded (dates as `YYYY-MM-DD`).
    pub person: AttendeeInput,
    /// The referral that would be recorded with them (its `attendeeId` is
    /// empty until the person exists).
    pub referral: Option<ReferralInput>,
    /// No problems: the row would be imported.
    pub ready: bool,
}

/// What importing would do, checked against the records already kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    /// The first rows (at most 50) as they would be imported.
    pub rows: Vec<ImportPreviewRow>,
    /// Rows with anything in them (the header not counted).
    pub total_rows: u32,
    /// Rows that would be imported.
    pub ready_rows: u32,
    /// Rows with at least one problem.
    pub problem_rows: u32,
    /// Every problem in the file, by row.
    pub problems: Vec<ImportProblem>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    pub people_added: u32,
    pub referrals_added: u32,
    /// Rows with problems that were left out.
    pub rows_skipped: u32,
}
