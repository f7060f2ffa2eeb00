//! Refrain's audio engine: reading a file's facts (`probe`), decoding it as
//! a stream (symphonia), the player (rodio output on its own thread), and
//! bringing music files into the library (`music_import`).
//!
//! It uses refrain-core's plain model types (tracks, the player's state) and
//! hands the store plain records ([`refrain_core::model::NewTrack`]); the
//! store never depends on this crate. Nothing here knows of Tauri: the player
//! reports its state through a callback, and the shell forwards that to the
//! window.

pub mod music_import;
mod player;
mod probe;
mod source;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use thiserror::Error;

use refrain_core::error::ErrorCode;
use refrain_core::model::{PlayerState, RefusalReason, Track};

pub use player::Output;
pub use source::TrackDecoder;

/// What a music file says about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AudioInfo {
    pub title: Option<String>,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub year: Option<i32>,
    /// The length the container gives (else as far as the music goes).
    pub duration_ms: Option<u32>,
    /// How much music could be read, when it falls well short of the
    /// length the container gives: the file may be damaged (cut short).
    pub readable_ms: Option<u32>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u32>,
    /// The container as the library names it: `wav`, `flac`, `mp3`, `ogg` or `m4a`.
    pub format: &'static str,
}

/// Why a file cannot be read or played, in plain words.
#[derive(Debug, Clone, Error)]
pub enum AudioError {
    #[error("This is not a music file Refrain can read.")]
    NotAudio,
    #[error("This music is in a format Refrain cannot play ({0}).")]
    UnsupportedCodec(String),
    #[error("This music file is damaged and cannot be played.")]
    Corrupt,
    #[error("The music file could not be found. It may have been moved or deleted.")]
    Missing,
    #[error("The music file could not be read: {0}")]
    Unreadable(String),
    #[error(
        "No sound output found. Check the speakers or headphones are plugged in, then try again."
    )]
    NoOutput,
    #[error("{0}")]
    Invalid(String),
}

impl AudioError {
    /// A stable, machine-readable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code, as the contract's type.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            AudioError::NotAudio => ErrorCode::NotAudio,
            AudioError::UnsupportedCodec(_) => ErrorCode::UnsupportedCodec,
            AudioError::Corrupt => ErrorCode::Corrupt,
            AudioError::Missing => ErrorCode::MissingFile,
            AudioError::Unreadable(_) => ErrorCode::Unreadable,
            AudioError::NoOutput => ErrorCode::NoOutput,
            AudioError::Invalid(_) => ErrorCode::Invalid,
        }
    }

    /// How an import reports this error, if it is about the file.
    pub fn refusal_reason(&self) -> Option<RefusalReason> {
        match self {
            AudioError::NotAudio => Some(RefusalReason::NotAudio),
            AudioError::UnsupportedCodec(_) => Some(RefusalReason::UnsupportedCodec),
            AudioError::Corrupt => Some(RefusalReason::Corrupt),
            AudioError::Missing | AudioError::Unreadable(_) => Some(RefusalReason::Unreadable),
            AudioError::NoOutput | AudioError::Invalid(_) => None,
        }
    }
}

/// Reads a file's tags and stream facts, decoding enough to be sure it is
/// playable music.
///
/// The container is recognised from the file's content, not its name. Never
/// panics, whatever the bytes: a file that is not music, or is damaged, gives
/// the matching `AudioError`.
pub fn probe(path: &Path) -> Result<AudioInfo, AudioError> {
    probe::probe(path)
}

/// One entry of the player's queue: the track, and its file in the library.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub track: Track,
    pub path: PathBuf,
}

/// The music player. It runs on its own thread, owns the output stream and
/// takes commands through a channel; every command answers with the new
/// state, and the state is also sent to `on_state` on every change and at
/// least four times a second while playing. The output stream is open only
/// while there is something to hear, and a few seconds after.
///
/// Nothing stops the music for good: a missing or damaged file is reported in
/// `message` and the player moves on to the next track; with no sound output
/// it waits in `NoOutput` and tries again when asked. Dropping the player
/// stops the music and ends its thread.
pub struct Player {
    tx: mpsc::Sender<player::Msg>,
    shared: Arc<player::Shared>,
    thread: Option<JoinHandle<()>>,
}

/// How long a command may take before the caller gets the last known state
/// instead (a file on a slow USB stick, a sound system that hangs).
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

impl Player {
    /// Starts the player on the system's default output. With no output
    /// device it still starts, in `NoOutput`, and tries again when asked.
    pub fn spawn(on_state: impl Fn(PlayerState) + Send + 'static) -> Player {
        Player::spawn_with_output(Output::System, on_state)
    }

    /// Starts the player on the given output (`Output::Silent` runs the
    /// whole player at a real device's pace with no sound card, for tests and
    /// benchmarks).
    pub fn spawn_with_output(
        output: Output,
        on_state: impl Fn(PlayerState) + Send + 'static,
    ) -> Player {
        let (tx, shared, thread) = player::start(output, Box::new(on_state));
        Player { tx, shared, thread }
    }

    fn call(&self, command: player::Cmd) -> Result<PlayerState, AudioError> {
        let (reply_tx, reply_rx) = mpsc::channel();
        if self.tx.send(player::Msg::Call(command, reply_tx)).is_err() {
            return Ok(self.shared.stopped_working());
        }
        match reply_rx.recv_timeout(REPLY_TIMEOUT) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => Ok(self.shared.last_state()),
            Err(mpsc::RecvTimeoutError::Disconnected) => Ok(self.shared.stopped_working()),
        }
    }

    fn command(&self, command: player::Cmd) -> PlayerState {
        self.call(command)
            .unwrap_or_else(|_| self.shared.last_state())
    }

    pub fn state(&self) -> PlayerState {
        self.command(player::Cmd::State)
    }

    /// Plays `queue` from `start_index`; `queue_name` is shown (a setlist's name).
    ///
    /// An empty queue or an index past its end is refused (`Invalid`). With
    /// no sound output the player first tries to open one; if there is still
    /// none, the answer is the `NoOutput` state with its message.
    pub fn play(
        &self,
        queue_name: String,
        queue: Vec<QueueItem>,
        start_index: usize,
    ) -> Result<PlayerState, AudioError> {
        if queue.is_empty() {
            return Err(AudioError::Invalid(
                "There is nothing in this list to play.".into(),
            ));
        }
        if start_index >= queue.len() {
            return Err(AudioError::Invalid(format!(
                "There is no song number {} in this list: it has {} song{}.",
                start_index + 1,
                queue.len(),
                if queue.len() == 1 { "" } else { "s" }
            )));
        }
        self.call(player::Cmd::Play {
            queue_name,
            queue,
            start_index,
            sent_at: Instant::now(),
        })
    }
    pub fn pause(&self) -> PlayerState {
        self.command(player::Cmd::Pause)
    }
    /// Carries on after a pause (or after the sound output came back).
    pub fn resume(&self) -> PlayerState {
        self.command(player::Cmd::Resume)
    }
    pub fn stop(&self) -> PlayerState {
        self.command(player::Cmd::Stop)
    }
    pub fn next(&self) -> PlayerState {
        self.command(player::Cmd::Next)
    }
    /// Back to the start of the song if more than three seconds in (like
    /// every player), otherwise to the song before.
    pub fn previous(&self) -> PlayerState {
        self.command(player::Cmd::Previous)
    }
    /// The song [`Player::previous`] would go back to, when it is another
    /// song than the one in the player now; `None` when Previous would start
    /// the current song again, or nothing is queued. So that the song can be
    /// checked (e.g. against avoid lists) before Previous is carried out. The
    /// answer is for this moment: as a song plays on, Previous only moves
    /// towards starting it again, never to another song.
    ///
    /// Once the song has been agreed to, [`Player::back_to`] goes there even
    /// if the song playing has gone past three seconds meanwhile.
    pub fn previous_goes_to(&self) -> Option<QueueItem> {
        let (reply_tx, reply_rx) = mpsc::channel();
        self.tx.send(player::Msg::PreviousGoesTo(reply_tx)).ok()?;
        reply_rx.recv_timeout(REPLY_TIMEOUT).ok().flatten()
    }
    /// Previous, once the song it was going back to (`track_id`, from
    /// [`Player::previous_goes_to`]) has been agreed to: back to the song
    /// before the one playing if it is still that track, however far into
    /// the playing song the answer came; otherwise as [`Player::previous`].
    pub fn back_to(&self, track_id: String) -> PlayerState {
        self.command(player::Cmd::BackTo(track_id))
    }
    pub fn seek(&self, position_ms: u32) -> PlayerState {
        self.command(player::Cmd::Seek(position_ms))
    }
    /// 0.0 to 1.0 (clamped).
    pub fn set_volume(&self, volume: f32) -> PlayerState {
        self.command(player::Cmd::SetVolume(volume))
    }
    /// Fades to silence over `over_ms`, then stops. The volume setting is
    /// untouched: the next song plays at it.
    pub fn fade_out(&self, over_ms: u32) -> PlayerState {
        self.command(player::Cmd::FadeOut(over_ms))
    }
    /// Plays the current song over and over (a warm-up vamp) until turned off.
    pub fn set_looping(&self, looping: bool) -> PlayerState {
        self.command(player::Cmd::SetLooping(looping))
    }
    /// Tries to open the sound output again (after "No sound output found").
    pub fn retry_output(&self) -> PlayerState {
        self.command(player::Cmd::RetryOutput)
    }

    /// How long the sound output stays open with nothing to hear: `stopped`
    /// after a stop, the end of a queue or since the player started (5 s
    /// unless set), `paused` during a pause (30 s). After that the output is
    /// closed, so that neither the app nor the sound system keeps working
    /// for silence, and the next song opens it again (a paused song at its
    /// place). Nothing the player reports changes when it closes.
    pub fn keep_output_open(&self, stopped: Duration, paused: Duration) -> PlayerState {
        self.command(player::Cmd::KeepOutputOpen { stopped, paused })
    }

    /// Whether the sound output is open now (it is closed while nothing
    /// plays, see [`Player::keep_output_open`], and while there is none).
    pub fn output_open(&self) -> bool {
        self.shared.output_open()
    }

    /// How long the last `play` took to be heard: from the call to the first
    /// sample of its song handed to the sound output. `None` until that
    /// sample has gone out. For diagnostics and the benchmark.
    pub fn start_latency(&self) -> Option<Duration> {
        self.shared.start_latency()
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        let (ack_tx, ack_rx) = mpsc::channel();
        if self.tx.send(player::Msg::Shutdown(ack_tx)).is_ok()
            && ack_rx.recv_timeout(Duration::from_secs(5)).is_ok()
        {
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
        // Otherwise the thread is stuck in the sound system: leave it be
        // rather than hang whoever drops the player.
    }
}
