//! The shell's side of music: the player (owned by the core's audio engine,
//! reported to the window as `player-state` events) and imports (run off the
//! UI thread, reported as `import-progress` events, cancellable).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use refrain_audio::{Player, QueueItem};
use refrain_core::model::{ImportReport, PlayerState};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::AppError;
use crate::state::AppState;

pub const PLAYER_EVENT: &str = "player-state";
pub const IMPORT_EVENT: &str = "import-progress";

/// Sends the player's state to the window, once the window's app is known.
type StateSink = Arc<OnceLock<Box<dyn Fn(PlayerState) + Send + Sync>>>;

pub struct MusicState {
    pub player: Player,
    sink: StateSink,
    import_cancel: AtomicBool,
    import_running: AtomicBool,
}

impl MusicState {
    /// Starts the player. Its state changes go nowhere until [`connect`].
    ///
    /// [`connect`]: MusicState::connect
    pub fn start() -> Self {
        let sink: StateSink = Arc::new(OnceLock::new());
        let to_window = sink.clone();
        let player = Player::spawn(move |state: PlayerState| {
            if let Some(send) = to_window.get() {
                send(state);
            }
        });
        MusicState {
            player,
            sink,
            import_cancel: AtomicBool::new(false),
            import_running: AtomicBool::new(false),
        }
    }

    /// From now on, every state change goes to the window as a `player-state` event.
    pub fn connect<R: Runtime>(&self, app: &AppHandle<R>) {
        let handle = app.clone();
        let _ = self.sink.set(Box::new(move |state| {
            let _ = handle.emit(PLAYER_EVENT, state);
        }));
    }

    pub fn cancel_import(&self) {
        self.import_cancel.store(true, Ordering::Relaxed);
    }
}

/// The sample music that ships with the app: `REFRAIN_SAMPLE_MUSIC_DIR` if
/// set, else the installed resources, else (a build run from the source
/// tree) the repository's `assets/music`.
pub fn sample_music_dir<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("REFRAIN_SAMPLE_MUSIC_DIR") {
        return Some(PathBuf::from(dir));
    }
    let bundled = app.path().resource_dir().ok().map(|d| d.join("music"));
    let source_tree = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/music");
    [bundled, Some(source_tree)]
        .into_iter()
        .flatten()
        .find(|d| d.is_dir())
}

/// Imports files and folders into the library, one at a time, holding the
/// store only to record each file. Blocks: call it off the UI thread.
pub fn import<R: Runtime>(
    app: &AppHandle<R>,
    paths: Vec<PathBuf>,
) -> Result<ImportReport, AppError> {
    let music = app.state::<MusicState>();
    let state = app.state::<AppState>();
    if music.import_running.swap(true, Ordering::SeqCst) {
        return Err(AppError::Busy(
            "An import is already running. Wait for it to finish, or cancel it.".into(),
        ));
    }
    music.import_cancel.store(false, Ordering::Relaxed);
    let library = state.with(|s| Ok(s.library_dir()));
    let result = library.and_then(|library| {
        refrain_audio::music_import::import(
            &paths,
            &library,
            &music.import_cancel,
            |p| {
                let _ = app.emit(IMPORT_EVENT, p);
            },
            |prepared| state.with(|s| s.add_track(prepared)),
        )
    });
    music.import_running.store(false, Ordering::SeqCst);
    result
}

/// The queue for a playlist, with each track's file.
pub fn playlist_queue(
    state: &AppState,
    playlist_id: &str,
) -> Result<(String, Vec<QueueItem>), AppError> {
    state.with(|s| {
        let playlist = s.playlist(playlist_id)?;
        let mut queue = Vec::with_capacity(playlist.entries.len());
        for e in playlist.entries {
            let path = s.track_path(&e.track.id)?;
            queue.push(QueueItem {
                track: e.track,
                path,
            });
        }
        Ok((playlist.name, queue))
    })
}
