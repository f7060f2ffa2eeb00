//! Saving reports from the window: off the UI thread, with `export-progress`
//! events, into the path the therapist chose or the reports folder.

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
    state.with(|s| match &path {
        Some(p) => report::export(s, request, format, p, &mut progress),
        None => {
            let dir = paths::exports_dir().ok_or_else(|| {
                CoreError::Report("no folder to save reports in could be found".into())
            })?;
            report::export_to_folder(s, request, format, &dir, &mut progress)
        }
    })
}
