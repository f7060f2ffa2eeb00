//! Automatic backups while the app runs: one when it closes, and at most
//! every three hours while it is open, each only when something changed (the
//! core decides that, and rotates old ones away).

use std::time::{Duration, SystemTime};

use tauri::{AppHandle, Manager, Runtime};

use crate::error::AppError;
use crate::state::AppState;

/// The longest time between automatic backups while Refrain is open.
pub const INTERVAL: Duration = Duration::from_secs(3 * 60 * 60);

/// How often the background thread looks at the clock. Wall-clock time is
/// used, so time spent asleep (a closed laptop lid) counts.
const TICK: Duration = Duration::from_secs(60);

/// Starts the background thread. It takes the store's lock only while a
/// backup is being made.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("refrain-backups".into())
        .spawn(move || {
            let mut last = SystemTime::now();
            loop {
                std::thread::sleep(TICK);
                let due = match SystemTime::now().duration_since(last) {
                    Ok(elapsed) => elapsed >= INTERVAL,
                    // The clock went back: start counting again from now.
                    Err(_) => {
                        last = SystemTime::now();
                        false
                    }
                };
                if due {
                    backup_now_if_changed(&app);
                    last = SystemTime::now();
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("refrain: automatic backups could not start: {e}");
    }
}

/// The backup made as the app closes (on the exit event, before the process
/// ends; it may take a moment on a large store, which is fine while closing).
pub fn on_exit<R: Runtime>(app: &AppHandle<R>) {
    backup_now_if_changed(app);
}

fn backup_now_if_changed<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    // A store that failed to open (or is being restored) has nothing to back
    // up; a failed backup leaves no file and is tried again next time.
    match state.auto_backup() {
        Ok(_) | Err(AppError::StoreUnavailable { .. }) => {}
        Err(e) => eprintln!("refrain: automatic backup failed: {e}"),
    }
}
