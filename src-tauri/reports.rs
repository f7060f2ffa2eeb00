//! Saving reports from the window: off the UI thread, with `export-progress`
//! events, into the path the therapist chose or the reports folder. The store
//! is held only while the records are read, never while the file is laid out.

use std::path::PathBuf;

use refrain_core::model::{ExportDone, ExportFormat, ExportProgress, ReportRequest};
use refrain_core::{paths, report, CoreError};
use tauri::{AppHandle, Emitter, Runtime};

use crate::error::AppError;
use crate::state::AppState;

pub const EXPORT_EVENT: &str = "export-progress";

/// Makes and saves one report. Blocks: call it off the UI thread.
pub fn export<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    request: &ReportRequest,
    format: ExportFormat,
    path: Option<PathBuf>,
) -> Result<ExportDone, AppError> {
    let mut progress = |done: u32, total: u32, stage: &str| {
        let _ = app.emit(
            EXPORT_EVENT,
            ExportProgress {
                done,
                total,
                stage: stage.to_string(),
            },
        );
    };
    // Only reading the records holds the store; laying the report out (the
    // slow part: a year of every group's registers as Excel takes about half
    // a second) and writing it run after, while other commands carry on.
    let (prepared, target) = state.with(|s| {
        let prepared = report::read(s, request, format, &mut progress)?;
        let target = match &path {
            Some(p) => p.clone(),
            None => {
                let dir = paths::exports_dir().ok_or_else(|| {
                    CoreError::Report("no folder to save reports in could be found".into())
                })?;
                report::path_in_folder(s, request, format, &dir)?
            }
        };
        Ok((prepared, target))
    })?;
    Ok(prepared.save(&target, &mut progress)?)
}
