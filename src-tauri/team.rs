//! Team sharing while the app runs: a background thread syncs the team's
//! folder every little while, and at once when asked. It holds the store's
//! lock only while the core syncs; commands run off the main thread, so
//! the window never waits on it, and the music has threads of its own.
//! With no team set up, the thread does nothing at all.

use std::path::PathBuf;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;

use refrain_core::team::TeamOverview;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::AppError;
use crate::state::AppState;

/// How often a team laptop syncs while Refrain is open.
pub const INTERVAL: Duration = Duration::from_secs(15);

/// The event the window hears after each sync: the Team screen's overview.
pub const TEAM_EVENT: &str = "team-synced";

/// Wakes the background thread for a sync now.
#[derive(Default)]
pub struct TeamState {
    wake: Mutex<Option<Sender<()>>>,
}

impl TeamState {
    pub fn sync_soon(&self) {
        if let Some(tx) = self.wake.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            let _ = tx.send(());
        }
    }
}

/// Refrain's own folder for the team's files (carried by Syncthing), used
/// unless the team points at a folder the charity already syncs.
pub fn own_folder(state: &AppState) -> Result<PathBuf, AppError> {
    Ok(state.data_dir()?.join("team-files"))
}

/// Starts the background thread.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let (tx, rx) = channel::<()>();
    *app.state::<TeamState>()
        .wake
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(tx);
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("refrain-team".into())
        .spawn(move || loop {
            match rx.recv_timeout(INTERVAL) {
                Ok(()) | Err(RecvTimeoutError::Timeout) => sync_once(&app),
                Err(RecvTimeoutError::Disconnected) => return,
            }
        });
    if let Err(e) = spawned {
        eprintln!("refrain: team sharing could not start: {e}");
    }
}

/// One sync, if this laptop is in a team and sharing is not paused; the
/// window hears how it went.
pub fn sync_once<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let Ok(default) = own_folder(&state) else {
        return;
    };
    let folder = state.with(|s| {
        Ok(match s.team_status()? {
            Some(t) if t.removed_at.is_none() && !t.paused => s.team_folder(&default)?,
            _ => None,
        })
    });
    let Ok(Some(folder)) = folder else {
        return;
    };
    // A failed sync is remembered by the core for the freshness line, and
    // tried again next time.
    let _ = state.with(|s| s.team_sync(&folder));
    if let Ok(Some(overview)) = overview(&state) {
        let _ = app.emit(TEAM_EVENT, overview);
    }
}

/// The Team screen's overview.
pub fn overview(state: &AppState) -> Result<Option<TeamOverview>, AppError> {
    let default = own_folder(state)?;
    state.with(|s| match s.team_folder(&default)? {
        Some(folder) => s.team_overview(&folder),
        None => Ok(None),
    })
}
