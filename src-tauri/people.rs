//! Importing people from a spreadsheet through the window: reading the file
//! (with the columns as guessed), and the import itself, which reports its
//! progress as `people-import-progress` events. Every rule is the core's.

use std::path::Path;
use std::time::{Duration, Instant};

use refrain_core::model::{ColumnMapping, ImportField, ImportOutcome, ImportTable};
use refrain_core::people_import;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Runtime};
use ts_rs::TS;

use crate::error::AppError;
use crate::state::AppState;

pub const PEOPLE_IMPORT_EVENT: &str = "people-import-progress";

/// How often, at most, progress goes to the window (the last step always does).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// A field the therapist can choose for a column, with its name in plain words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportFieldChoice {
    pub field: ImportField,
    pub label: String,
}

/// A spreadsheet read for importing people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportFile {
    pub table: ImportTable,
    /// Which column holds what, as guessed from the headings.
    pub mapping: ColumnMapping,
    /// Every field a column can be imported as, in the order to offer them.
    pub fields: Vec<ImportFieldChoice>,
    /// Each column's name as the problems give it ("C (DOB)").
    pub column_names: Vec<String>,
}

/// Progress of a running import of people: `done` of `total` rows saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PeopleImportProgress {
    pub done: u32,
    pub total: u32,
}

/// Reads the file and guesses its columns. Touches no records.
pub fn read(path: &Path) -> Result<ImportFile, AppError> {
    let table = people_import::read_table(path)?;
    let mapping = people_import::guess_mapping(&table.headers);
    let fields = ImportField::ALL
        .iter()
        .map(|&field| ImportFieldChoice {
            field,
            label: field.label().to_string(),
        })
        .collect();
    Ok(ImportFile {
        column_names: people_import::column_names(&table.headers),
        table,
        mapping,
        fields,
    })
}

/// Imports the people of `table` (see `Store::import_people`). Blocks: call
/// it off the UI thread.
pub fn import_people<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    table: &ImportTable,
    mapping: &ColumnMapping,
    skip_bad_rows: bool,
) -> Result<ImportOutcome, AppError> {
    let mut last: Option<Instant> = None;
    let mut progress = |done: usize, total: usize| {
        let due = last.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY);
        if due || done == total {
            last = Some(Instant::now());
            let _ = app.emit(
                PEOPLE_IMPORT_EVENT,
                PeopleImportProgress {
                    done: done as u32,
                    total: total as u32,
                },
            );
        }
    };
    state.with(|s| s.import_people(table, mapping, skip_bad_rows, &mut progress))
}
