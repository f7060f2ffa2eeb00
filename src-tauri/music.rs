//! The shell's side of music: the player (owned by the core's audio engine,
//! reported to the window as `player-state` events) and imports (run off the
//! UI thread, reported as `import-progress` events, cancellable).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

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

    /// From now on, the player's state goes to the window as `player-state`
    /// events: every change, but a moving position only once per second
    /// shown (see [`WindowUpdates`]).
    pub fn connect<R: Runtime>(&self, app: &AppHandle<R>) {
        let handle = app.clone();
        let updates = Mutex::new(WindowUpdates::default());
        let _ = self.sink.set(Box::new(move |state| {
            let send = updates
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .wants(&state);
            if send {
                let _ = handle.emit(PLAYER_EVENT, state);
            }
        }));
    }

    pub fn cancel_import(&self) {
        self.import_cancel.store(true, Ordering::Relaxed);
    }
}

/// Which of the player's states are worth sending to the window.
///
/// The player reports its state on every change and five times a second
/// while playing, so that its position is always fresh for the commands'
/// answers. The window shows the position in whole seconds, and every event
/// costs it a script run, a re-render and a repaint: on a laptop that was most
/// of the app's power use while music played. So a state goes to the window
/// when anything but the position changed, or when the position's whole
/// second did (a seek, the next second of the song); the other four of every
/// five are dropped. The window asks for the state afresh whenever it needs
/// more (`player_state`), and each command answers with it.
#[derive(Debug, Default)]
pub struct WindowUpdates {
    last: Option<PlayerState>,
}

impl WindowUpdates {
    /// Whether `state` should go to the window; remembers it if so.
    pub fn wants(&mut self, state: &PlayerState) -> bool {
        let send = match &self.last {
            None => true,
            Some(last) => {
                last.position_ms / 1000 != state.position_ms / 1000
                    || *last
                        != PlayerState {
                            position_ms: last.position_ms,
                            ..state.clone()
                        }
            }
        };
        if send {
            self.last = Some(state.clone());
        }
        send
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
