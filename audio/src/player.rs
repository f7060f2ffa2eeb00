//! The player's thread: it owns the sound output (a rodio device sink, which
//! must stay on the thread that made it), the queue and the song playing, and
//! answers the commands `Player` sends it. The output is closed when nothing
//! has been heard for a while and opened again for the next song.
//!
//! The song itself is a `Controlled` source in rodio's mixer, decoded on the
//! sound system's thread. The player thread steers it only through atomics in
//! a shared `Control` and never waits for the sound system: a stalled or lost
//! device cannot freeze the commands.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rodio::cpal::traits::HostTrait;
use rodio::mixer::Mixer;
use rodio::{
    ChannelCount, CpalErrorKind, DeviceTrait, MixerDeviceSink, Sample, SampleRate, Source,
};

use super::probe::frames_to_ms;
use super::source::{frames_to_duration, TrackDecoder};
use super::{AudioError, QueueItem};
use refrain_core::model::{PlayerState, PlayerStatus};

/// Where the player's sound goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    /// The system's default sound output (speakers, headphones).
    #[default]
    System,
    /// No sound card: a clock takes the sound at a real device's pace (48 kHz
    /// stereo) and discards it. Everything else behaves as with `System`. For
    /// tests and benchmarks.
    Silent,
}

/// The player thread wakes this often while playing, and reports the state.
const TICK: Duration = Duration::from_millis(200);
/// How long the player waits before looking for a sound output again, while
/// it has none, after `looks` looks in a row found none. Speakers plugged in
/// are found within 3 s at first; after that it looks less and less often,
/// since each look asks the sound system to open a device (about 10 ms of a
/// core through ALSA): every 3 s for ever was 0.3% of a core on a laptop
/// with no sound output, with nothing playing, the whole of the player's
/// idle cost (docs/performance.md, "Fourth round"). Pressing Play or "Try
/// again" looks at once, and starts the quick looks again.
pub(crate) fn look_for_output_after(looks: u32) -> Duration {
    match looks {
        0..=9 => Duration::from_secs(3),
        10..=27 => Duration::from_secs(10),
        _ => Duration::from_secs(30),
    }
}
/// With nothing to play (stopped, at the end of a queue, or not yet asked to
/// play) the sound output is closed after this long, and opened again for
/// the next song. An open output is fed silence all the time: on a laptop
/// that is about 1% of a core, and its sound server's too, for nothing.
const CLOSE_STOPPED_OUTPUT_AFTER: Duration = Duration::from_secs(5);
/// Paused, the output is closed after this long (the song is opened again at
/// its place on resume). Longer than when stopped: a short pause carries on
/// from the very sample it stopped at.
const CLOSE_PAUSED_OUTPUT_AFTER: Duration = Duration::from_secs(30);
/// "Previous" restarts the song when it is further in than this.
const RESTART_THRESHOLD_MS: u32 = 3000;
/// Volume changes, pauses and stops ramp over this long, so they never click.
const RAMP: Duration = Duration::from_millis(10);
/// Controls are looked at every this many frames (about 1.3 ms at 48 kHz).
const CONTROL_EVERY: u32 = 64;

const OUTPUT_LOST: &str = "The sound output stopped working. Check the speakers or headphones are plugged in, then try again.";

// ---------------------------------------------------------------------------
// Messages between `Player` and its thread
// ---------------------------------------------------------------------------

pub(crate) enum Cmd {
    State,
    Play {
        queue_name: String,
        queue: Vec<QueueItem>,
        start_index: usize,
        sent_at: Instant,
    },
    Pause,
    Resume,
    Stop,
    Next,
    Previous,
    BackTo(String),
    Seek(u32),
    SetVolume(f32),
    FadeOut(u32),
    SetLooping(bool),
    RetryOutput,
    KeepOutputOpen {
        stopped: Duration,
        paused: Duration,
    },
}

pub(crate) enum Msg {
    Call(Cmd, mpsc::Sender<Result<PlayerState, AudioError>>),
    /// Which song Previous would go back to (see `Player::previous_goes_to`).
    PreviousGoesTo(mpsc::Sender<Option<QueueItem>>),
    /// A song's source ended (its music is over, it broke, or it faded out).
    SourceEnded(u64),
    /// The sound system reported that the output is gone.
    OutputLost {
        epoch: u64,
        detail: String,
    },
    Shutdown(mpsc::Sender<()>),
}

/// What the `Player` handle can read without asking the thread.
pub(crate) struct Shared {
    last: Mutex<PlayerState>,
    latency: Mutex<Option<(Instant, Arc<Control>)>>,
    /// Whether the sound output is open now.
    output_open: AtomicBool,
}

impl Shared {
    pub(crate) fn last_state(&self) -> PlayerState {
        self.last
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    pub(crate) fn stopped_working(&self) -> PlayerState {
        let mut s = self.last_state();
        s.status = PlayerStatus::Stopped;
        s.message = Some("The music player stopped working. Please restart Refrain.".into());
        s
    }

    pub(crate) fn output_open(&self) -> bool {
        self.output_open.load(Ordering::Acquire)
    }

    pub(crate) fn start_latency(&self) -> Option<Duration> {
        let guard = self.latency.lock().ok()?;
        let (sent, control) = guard.as_ref()?;
        control
            .first_sample
            .get()
            .map(|first| first.saturating_duration_since(*sent))
    }

    fn set(&self, state: &PlayerState) {
        match self.last.lock() {
            Ok(mut s) => *s = state.clone(),
            Err(e) => *e.into_inner() = state.clone(),
        }
    }
}

fn initial_state() -> PlayerState {
    PlayerState {
        status: PlayerStatus::Idle,
        track: None,
        position_ms: 0,
        duration_ms: None,
        volume: 1.0,
        looping: false,
        queue_index: None,
        queue_length: 0,
        queue_name: String::new(),
        message: None,
    }
}

/// Starts the thread. If the system cannot even start a thread, the handle
/// still works: every command answers that the player stopped working.
pub(crate) fn start(
    output: Output,
    on_state: Box<dyn Fn(PlayerState) + Send>,
) -> (mpsc::Sender<Msg>, Arc<Shared>, Option<JoinHandle<()>>) {
    let (tx, rx) = mpsc::channel();
    let shared = Arc::new(Shared {
        last: Mutex::new(initial_state()),
        latency: Mutex::new(None),
        output_open: AtomicBool::new(false),
    });
    let thread_tx = tx.clone();
    let thread_shared = shared.clone();
    let thread = std::thread::Builder::new()
        .name("refrain-player".into())
        .spawn(move || {
            let mut engine = Engine::new(output, thread_tx, on_state, thread_shared);
            engine.run(rx);
        })
        .ok();
    (tx, shared, thread)
}

// ---------------------------------------------------------------------------
// The song in the mixer, and how the player steers it
// ---------------------------------------------------------------------------

/// Shared between the player thread and the song's source.
pub(crate) struct Control {
    generation: u64,
    paused: AtomicBool,
    /// Gain (f32 bits) the volume setting asks for.
    gain: AtomicU32,
    looping: AtomicBool,
    /// End now (after a short ramp, so it does not click).
    stop: AtomicBool,
    /// A fade-out asked for, in ms (0: none).
    fade_ms: AtomicU32,
    /// Frames of music played, from the start of the song.
    position: AtomicU64,
    finished: AtomicBool,
    faded_out: AtomicBool,
    error: Mutex<Option<AudioError>>,
    first_sample: OnceLock<Instant>,
    wake: mpsc::Sender<Msg>,
}

impl Control {
    fn new(
        generation: u64,
        volume: f32,
        looping: bool,
        paused: bool,
        wake: mpsc::Sender<Msg>,
    ) -> Control {
        Control {
            generation,
            paused: AtomicBool::new(paused),
            gain: AtomicU32::new(gain_for(volume).to_bits()),
            looping: AtomicBool::new(looping),
            stop: AtomicBool::new(false),
            fade_ms: AtomicU32::new(0),
            position: AtomicU64::new(0),
            finished: AtomicBool::new(false),
            faded_out: AtomicBool::new(false),
            error: Mutex::new(None),
            first_sample: OnceLock::new(),
            wake,
        }
    }
}

/// The volume slider (0 to 1) as a gain: squared, so that the slider's
/// travel sounds even (halfway is clearly quieter, not nearly as loud).
fn gain_for(volume: f32) -> f32 {
    volume * volume
}

struct Fade {
    done: u64,
    total: u64,
}

/// A song as the mixer plays it: the decoder, with pause, volume, looping,
/// fade-out and stop applied frame by frame, and its position reported.
struct Controlled {
    decoder: TrackDecoder,
    control: Arc<Control>,
    channels: usize,
    rate: SampleRate,
    frame: Vec<Sample>,
    /// The next sample of `frame` to hand out.
    index: usize,
    gain: f32,
    target: f32,
    /// Largest gain change per frame (a full swing takes `RAMP`).
    step: f32,
    paused: bool,
    stopping: bool,
    looping: bool,
    fade: Option<Fade>,
    countdown: u32,
    started: bool,
    ended: bool,
}

impl Controlled {
    fn new(decoder: TrackDecoder, control: Arc<Control>, ramp_in: bool) -> Controlled {
        let channels = usize::from(decoder.channel_count().max(1));
        let rate = decoder.sample_rate();
        let step = 1.0 / (rate.get() as f32 * RAMP.as_secs_f32()).max(1.0);
        let target = f32::from_bits(control.gain.load(Ordering::Relaxed));
        let paused = control.paused.load(Ordering::Relaxed);
        let gain = if ramp_in || paused { 0.0 } else { target };
        Controlled {
            decoder,
            channels,
            rate,
            frame: vec![0.0; channels],
            index: channels,
            gain,
            target,
            step,
            paused,
            stopping: false,
            looping: control.looping.load(Ordering::Relaxed),
            fade: None,
            countdown: 0,
            started: false,
            ended: false,
            control,
        }
    }

    fn poll_controls(&mut self) {
        let c = &self.control;
        self.paused = c.paused.load(Ordering::Relaxed);
        self.target = f32::from_bits(c.gain.load(Ordering::Relaxed));
        self.looping = c.looping.load(Ordering::Relaxed);
        if c.stop.load(Ordering::Relaxed) {
            self.stopping = true;
        }
        let fade_ms = c.fade_ms.swap(0, Ordering::Relaxed);
        if fade_ms > 0 && self.fade.is_none() {
            let total = u64::from(fade_ms) * u64::from(self.rate.get()) / 1000;
            self.fade = Some(Fade {
                done: 0,
                total: total.max(1),
            });
        }
        c.position
            .store(self.decoder.position_frames(), Ordering::Relaxed);
    }

    /// Fills `frame` with the next frame. `false` when the song is over.
    fn next_frame(&mut self) -> bool {
        if !self.started {
            self.started = true;
            let _ = self.control.first_sample.set(Instant::now());
        }
        if self.countdown == 0 {
            self.countdown = CONTROL_EVERY;
            self.poll_controls();
        }
        self.countdown -= 1;

        let target = if self.paused || self.stopping {
            0.0
        } else {
            self.target
        };
        if self.gain < target {
            self.gain = (self.gain + self.step).min(target);
        } else if self.gain > target {
            self.gain = (self.gain - self.step).max(target);
        }
        if self.stopping && (self.gain <= 0.0 || self.paused) {
            return false;
        }
        if self.paused && self.gain <= 0.0 {
            // Paused: silence, and the music waits where it is.
            self.frame.iter_mut().for_each(|s| *s = 0.0);
            return true;
        }
        let mut fade_gain = 1.0;
        if let Some(fade) = &mut self.fade {
            fade.done += 1;
            if fade.done >= fade.total {
                self.control.faded_out.store(true, Ordering::Relaxed);
                return false;
            }
            // Eases out: quick at first, gentle into silence.
            let left = 1.0 - fade.done as f32 / fade.total as f32;
            fade_gain = left * left;
        }
        let gain = self.gain * fade_gain;
        if !self.read_frame() {
            // The music is over: round again when looping.
            let again = self.looping
                && self.decoder.error().is_none()
                && self.decoder.seek(Duration::ZERO).is_ok()
                && self.read_frame();
            if !again {
                return false;
            }
        }
        self.frame.iter_mut().for_each(|s| *s *= gain);
        true
    }

    fn read_frame(&mut self) -> bool {
        for i in 0..self.channels {
            match self.decoder.next() {
                Some(s) => self.frame[i] = s,
                None => return false,
            }
        }
        true
    }

    fn finish(&mut self) {
        if self.ended {
            return;
        }
        self.ended = true;
        let c = &self.control;
        c.position
            .store(self.decoder.position_frames(), Ordering::Relaxed);
        if let Some(e) = self.decoder.error() {
            if let Ok(mut slot) = c.error.lock() {
                *slot = Some(e.clone());
            }
        }
        c.finished.store(true, Ordering::Release);
        let _ = c.wake.send(Msg::SourceEnded(c.generation));
    }
}

impl Iterator for Controlled {
    type Item = Sample;

    #[inline]
    fn next(&mut self) -> Option<Sample> {
        if self.ended {
            return None;
        }
        if self.index >= self.channels {
            // Whatever happens in here, the sound system's thread must not
            // die: a panic ends this song (reported as damaged).
            let more = catch_unwind(AssertUnwindSafe(|| self.next_frame())).unwrap_or_else(|_| {
                if let Ok(mut slot) = self.control.error.lock() {
                    *slot = Some(AudioError::Corrupt);
                }
                false
            });
            if !more {
                self.finish();
                return None;
            }
            self.index = 0;
        }
        let s = self.frame[self.index];
        self.index += 1;
        Some(s)
    }
}

impl Source for Controlled {
    fn current_span_len(&self) -> Option<usize> {
        None
    }
    fn channels(&self) -> ChannelCount {
        self.decoder.channels()
    }
    fn sample_rate(&self) -> SampleRate {
        self.rate
    }
    fn total_duration(&self) -> Option<Duration> {
        None
    }
}

// ---------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------

/// A clock standing in for a sound card: takes 48 kHz stereo from the mixer
/// at real-time pace and drops it.
struct SilentClock {
    mixer: Mixer,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SilentClock {
    const RATE: u32 = 48_000;

    fn start() -> Result<SilentClock, String> {
        let rate = SampleRate::new(Self::RATE).ok_or("bad rate")?;
        let channels = ChannelCount::new(2).ok_or("bad channels")?;
        let (mixer, mut source) = rodio::mixer::mixer(channels, rate);
        let stop = Arc::new(AtomicBool::new(false));
        let stop_clock = stop.clone();
        let thread = std::thread::Builder::new()
            .name("refrain-silent-output".into())
            .spawn(move || {
                let start = Instant::now();
                let mut taken: u64 = 0;
                // Like a device, it never catches up more than a buffer's worth.
                let max_behind = u64::from(Self::RATE) / 5;
                while !stop_clock.load(Ordering::Relaxed) {
                    let due = (start.elapsed().as_nanos() * u128::from(Self::RATE) / 1_000_000_000)
                        as u64;
                    taken = taken.max(due.saturating_sub(max_behind));
                    while taken < due {
                        source.next();
                        source.next();
                        taken += 1;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(SilentClock {
            mixer,
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for SilentClock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

enum OutputHandle {
    Device(MixerDeviceSink),
    Silent(SilentClock),
}

impl OutputHandle {
    fn mixer(&self) -> &Mixer {
        match self {
            OutputHandle::Device(sink) => sink.mixer(),
            OutputHandle::Silent(clock) => &clock.mixer,
        }
    }
}

/// Errors from the sound system that mean the output is gone. Others (an
/// underrun, a refused real-time priority) are glitches it recovers from.
fn is_fatal(kind: CpalErrorKind) -> bool {
    matches!(
        kind,
        CpalErrorKind::DeviceNotAvailable
            | CpalErrorKind::HostUnavailable
            | CpalErrorKind::StreamInvalidated
            | CpalErrorKind::PermissionDenied
    )
}

/// Opens the default output device, or failing that any other real one,
/// with an error callback that tells the player thread when it is lost.
fn open_device(tx: &mpsc::Sender<Msg>, epoch: u64) -> Result<MixerDeviceSink, String> {
    let tx = tx.clone();
    let on_error = move |err: rodio::CpalError| {
        if is_fatal(err.kind()) {
            let _ = tx.send(Msg::OutputLost {
                epoch,
                detail: err.to_string(),
            });
        }
    };
    let first = rodio::DeviceSinkBuilder::from_default_device()
        .map_err(|e| e.to_string())
        .and_then(|b| {
            b.with_error_callback(on_error.clone())
                .open_sink_or_fallback()
                .map_err(|e| e.to_string())
        });
    let mut sink = match first {
        Ok(sink) => sink,
        Err(first_error) => {
            let devices = rodio::cpal::default_host()
                .output_devices()
                .map_err(|_| first_error.clone())?;
            devices
                .filter(|d| {
                    d.description()
                        .map(|desc| desc.driver().is_some_and(|drv| drv != "null"))
                        .unwrap_or(false)
                })
                .find_map(|d| {
                    rodio::DeviceSinkBuilder::from_device(d)
                        .ok()?
                        .with_error_callback(on_error.clone())
                        .open_sink_or_fallback()
                        .ok()
                })
                .ok_or(first_error)?
        }
    };
    sink.log_on_drop(false);
    Ok(sink)
}

// ---------------------------------------------------------------------------
// The engine: state and commands, on the player thread
// ---------------------------------------------------------------------------

struct Live {
    control: Arc<Control>,
    rate: u32,
}

struct Engine {
    tx: mpsc::Sender<Msg>,
    on_state: Box<dyn Fn(PlayerState) + Send>,
    shared: Arc<Shared>,
    output_kind: Output,
    output: Option<OutputHandle>,
    /// Counts outputs opened, so that a late error from an old one is ignored.
    epoch: u64,
    /// Counts songs started, so that a late "ended" from an old one is ignored.
    generation: u64,
    queue_name: String,
    queue: Vec<QueueItem>,
    index: Option<usize>,
    status: PlayerStatus,
    live: Option<Live>,
    /// Where to carry on from when there is no live song (stopped, or the
    /// output was lost).
    held_ms: u32,
    duration_ms: Option<u32>,
    volume: f32,
    looping: bool,
    message: Option<String>,
    last_report: Instant,
    /// When the output was last looked for, to look again now and then.
    last_output_try: Instant,
    /// Looks in a row that found no output (see [`look_for_output_after`]).
    output_looks: u32,
    /// Since when nothing has been heard (stopped, idle or paused) with the
    /// output open; `None` while the music plays or the output is closed.
    quiet_since: Option<Instant>,
    close_stopped_after: Duration,
    close_paused_after: Duration,
}

impl Engine {
    fn new(
        output_kind: Output,
        tx: mpsc::Sender<Msg>,
        on_state: Box<dyn Fn(PlayerState) + Send>,
        shared: Arc<Shared>,
    ) -> Engine {
        Engine {
            tx,
            on_state,
            shared,
            output_kind,
            output: None,
            epoch: 0,
            generation: 0,
            queue_name: String::new(),
            queue: Vec::new(),
            index: None,
            status: PlayerStatus::Idle,
            live: None,
            held_ms: 0,
            duration_ms: None,
            volume: 1.0,
            looping: false,
            message: None,
            last_report: Instant::now(),
            last_output_try: Instant::now(),
            output_looks: 0,
            quiet_since: None,
            close_stopped_after: CLOSE_STOPPED_OUTPUT_AFTER,
            close_paused_after: CLOSE_PAUSED_OUTPUT_AFTER,
        }
    }

    fn run(&mut self, rx: mpsc::Receiver<Msg>) {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            if !self.ensure_output() {
                self.status = PlayerStatus::NoOutput;
                self.message = Some(AudioError::NoOutput.to_string());
            }
        }));
        self.report();
        loop {
            self.guarded_quietly(|e| e.close_output_when_quiet());
            let wait = self.next_wake();
            match rx.recv_timeout(wait) {
                Ok(Msg::Call(cmd, reply)) => {
                    let result = catch_unwind(AssertUnwindSafe(|| self.handle(cmd)))
                        .unwrap_or_else(|_| {
                            self.recover(
                                "Something went wrong in the music player. It has been reset.",
                            );
                            Ok(self.state())
                        });
                    if result.is_ok() {
                        self.report();
                    }
                    let _ = reply.send(result);
                }
                Ok(Msg::PreviousGoesTo(reply)) => {
                    let item = self
                        .previous_index()
                        .filter(|i| Some(*i) != self.index)
                        .and_then(|i| self.queue.get(i).cloned());
                    let _ = reply.send(item);
                }
                Ok(Msg::SourceEnded(generation)) => {
                    self.guarded(|e| e.source_ended(generation));
                }
                Ok(Msg::OutputLost { epoch, detail }) => {
                    self.guarded(|e| e.output_lost(epoch, &detail));
                }
                Ok(Msg::Shutdown(ack)) => {
                    self.shutdown();
                    let _ = ack.send(());
                    return;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    self.shutdown();
                    return;
                }
            }
            // A song that ended without its message getting through.
            if let Some(generation) = self.live.as_ref().and_then(|l| {
                l.control
                    .finished
                    .load(Ordering::Acquire)
                    .then_some(l.control.generation)
            }) {
                self.guarded(|e| e.source_ended(generation));
            }
            // Speakers plugged in later are found without being asked.
            if self.status == PlayerStatus::NoOutput
                && self.last_output_try.elapsed() >= look_for_output_after(self.output_looks)
            {
                let found = catch_unwind(AssertUnwindSafe(|| self.output_found()));
                if matches!(found, Ok(true)) {
                    self.report();
                }
            }
            if self.status == PlayerStatus::Playing && self.last_report.elapsed() >= TICK {
                self.report();
            }
        }
    }

    /// How long the thread may sleep before it has something to do.
    fn next_wake(&self) -> Duration {
        if self.status == PlayerStatus::Playing {
            return TICK.saturating_sub(self.last_report.elapsed());
        }
        let mut wait = if self.status == PlayerStatus::NoOutput {
            // Until the next look for an output.
            look_for_output_after(self.output_looks)
                .saturating_sub(self.last_output_try.elapsed())
                .max(Duration::from_millis(10))
        } else if self.live.is_some() {
            Duration::from_secs(1)
        } else {
            // Closed and nothing to do: only a command wakes the thread.
            Duration::from_secs(3600)
        };
        if let Some(since) = self.quiet_since {
            wait = wait.min(self.close_after().saturating_sub(since.elapsed()));
        }
        wait
    }

    /// How long the output stays open in the player's present state.
    fn close_after(&self) -> Duration {
        if self.status == PlayerStatus::Paused && self.live.is_some() {
            self.close_paused_after
        } else {
            self.close_stopped_after
        }
    }

    /// Closes the output once nothing has been heard for a while; the next
    /// song opens it again. Paused, the song's place is kept (`held_ms`) and
    /// the song is opened there again on resume.
    fn close_output_when_quiet(&mut self) {
        let quiet = self.output.is_some()
            && match self.status {
                PlayerStatus::Playing => false,
                PlayerStatus::Paused => true,
                _ => self.live.is_none(),
            };
        if !quiet {
            self.quiet_since = None;
            return;
        }
        let since = *self.quiet_since.get_or_insert_with(Instant::now);
        if since.elapsed() < self.close_after() {
            return;
        }
        if self.status == PlayerStatus::Paused {
            // `held_ms` is already where the pause was asked for.
            self.stop_live();
        }
        if self.live.is_some() {
            return;
        }
        self.set_output(None);
        self.quiet_since = None;
    }

    /// Runs an event handler; a panic resets the player instead of ending it.
    fn guarded(&mut self, f: impl FnOnce(&mut Engine)) {
        if catch_unwind(AssertUnwindSafe(|| f(self))).is_err() {
            self.recover("Something went wrong in the music player. It has been reset.");
        }
        self.report();
    }

    /// Runs housekeeping that changes nothing the window shows; a panic
    /// resets the player as in [`Engine::guarded`].
    fn guarded_quietly(&mut self, f: impl FnOnce(&mut Engine)) {
        if catch_unwind(AssertUnwindSafe(|| f(self))).is_err() {
            self.recover("Something went wrong in the music player. It has been reset.");
            self.report();
        }
    }

    fn recover(&mut self, message: &str) {
        self.stop_live();
        // The output may be closed only because nothing played: that is not
        // "no output".
        self.status = if self.output.is_some() || self.status != PlayerStatus::NoOutput {
            PlayerStatus::Stopped
        } else {
            PlayerStatus::NoOutput
        };
        self.held_ms = 0;
        self.message = Some(message.to_string());
    }

    fn shutdown(&mut self) {
        self.stop_live();
        self.set_output(None);
    }

    fn report(&mut self) {
        let state = self.state();
        self.shared.set(&state);
        self.last_report = Instant::now();
        let on_state = &self.on_state;
        let _ = catch_unwind(AssertUnwindSafe(|| on_state(state)));
    }

    /// Where Previous goes: the start of the song playing if more than
    /// three seconds in (or it is the first), otherwise the song before.
    fn previous_index(&self) -> Option<usize> {
        let i = self.index?;
        if self.position_ms() > RESTART_THRESHOLD_MS || i == 0 {
            Some(i)
        } else {
            Some(i - 1)
        }
    }

    fn position_ms(&self) -> u32 {
        // Paused, the place is the one where the pause was asked for (the
        // music's short ramp to silence goes on a few ms past it).
        if self.status == PlayerStatus::Paused {
            return self.held_ms;
        }
        match &self.live {
            Some(live) => frames_to_ms(live.control.position.load(Ordering::Relaxed), live.rate),
            None => self.held_ms,
        }
    }

    fn state(&self) -> PlayerState {
        let track = self
            .index
            .and_then(|i| self.queue.get(i))
            .map(|q| q.track.clone());
        let position_ms = if track.is_some() {
            self.position_ms()
        } else {
            0
        };
        PlayerState {
            status: self.status,
            duration_ms: if track.is_some() {
                self.duration_ms
            } else {
                None
            },
            track,
            position_ms: self.duration_ms.map_or(position_ms, |d| position_ms.min(d)),
            volume: self.volume,
            looping: self.looping,
            queue_index: self.index.map(|i| i as u32),
            queue_length: self.queue.len() as u32,
            queue_name: self.queue_name.clone(),
            message: self.message.clone(),
        }
    }

    // --- output -----------------------------------------------------------

    /// Opens the output if there is none. `false` if there is still none.
    fn ensure_output(&mut self) -> bool {
        if self.output.is_some() {
            return true;
        }
        self.epoch += 1;
        let epoch = self.epoch;
        let opened = catch_unwind(AssertUnwindSafe(|| match self.output_kind {
            Output::System => open_device(&self.tx, epoch).map(OutputHandle::Device),
            Output::Silent => SilentClock::start().map(OutputHandle::Silent),
        }))
        .unwrap_or_else(|_| Err("the sound system failed".into()));
        match opened {
            Ok(output) => {
                self.set_output(Some(output));
                true
            }
            Err(_) => false,
        }
    }

    /// Opens or closes the output (dropping it closes it), and says so to
    /// whoever asks the handle. Closing, the handle says so before the output
    /// is let go, so that whoever sees the device let go (ALSA closing its
    /// file) already reads it as closed.
    fn set_output(&mut self, output: Option<OutputHandle>) {
        let open = output.is_some();
        if !open {
            self.shared.output_open.store(false, Ordering::Release);
        }
        drop(std::mem::replace(&mut self.output, output));
        self.shared.output_open.store(open, Ordering::Release);
    }

    /// Tries to open the output again; when it opens, the player is ready to
    /// carry on where the music was (paused), or idle.
    fn output_found(&mut self) -> bool {
        self.last_output_try = Instant::now();
        if !self.ensure_output() {
            self.output_looks = self.output_looks.saturating_add(1);
            return false;
        }
        self.output_looks = 0;
        self.message = None;
        self.status = if self.index.is_some() {
            PlayerStatus::Paused
        } else if self.queue.is_empty() {
            PlayerStatus::Idle
        } else {
            PlayerStatus::Stopped
        };
        true
    }

    fn no_output(&mut self) {
        self.status = PlayerStatus::NoOutput;
        self.message = Some(AudioError::NoOutput.to_string());
    }

    fn output_lost(&mut self, epoch: u64, _detail: &str) {
        if epoch != self.epoch || self.output.is_none() {
            return;
        }
        self.held_ms = self.position_ms();
        self.stop_live();
        self.set_output(None);
        self.status = PlayerStatus::NoOutput;
        self.message = Some(OUTPUT_LOST.to_string());
    }

    // --- songs ------------------------------------------------------------

    fn stop_live(&mut self) {
        if let Some(live) = self.live.take() {
            live.control.stop.store(true, Ordering::Relaxed);
        }
    }

    fn title(&self, i: usize) -> String {
        self.queue
            .get(i)
            .map(|q| q.track.title.trim().to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| {
                self.queue
                    .get(i)
                    .map(|q| file_label(&q.path))
                    .unwrap_or_else(|| "This song".into())
            })
    }

    /// Starts song `i` at `at_ms` into the mixer.
    fn start_one(&mut self, i: usize, at_ms: u32, paused: bool) -> Result<(), AudioError> {
        let item = self
            .queue
            .get(i)
            .ok_or_else(|| AudioError::Invalid("That song is not in the list.".into()))?;
        let mut decoder = TrackDecoder::open(&item.path)?;
        if at_ms > 0 {
            decoder.seek(Duration::from_millis(u64::from(at_ms)))?;
        }
        let Some(output) = &self.output else {
            return Err(AudioError::NoOutput);
        };
        self.generation += 1;
        let control = Arc::new(Control::new(
            self.generation,
            self.volume,
            self.looping,
            paused,
            self.tx.clone(),
        ));
        control
            .position
            .store(decoder.position_frames(), Ordering::Relaxed);
        let rate = decoder.sample_rate_hz();
        let duration = decoder
            .total_frames()
            .map(|n| {
                frames_to_duration(n, rate)
                    .as_millis()
                    .min(u128::from(u32::MAX)) as u32
            })
            .or(item.track.duration_ms);
        output
            .mixer()
            .add(Controlled::new(decoder, control.clone(), at_ms > 0));
        self.live = Some(Live { control, rate });
        self.duration_ms = duration;
        Ok(())
    }

    /// Plays from song `i` on: a song that cannot be played is reported and
    /// the next one tried. Without an output, the player waits on song `i`.
    fn start_from(&mut self, mut i: usize, mut at_ms: u32, paused: bool) -> Option<usize> {
        self.stop_live();
        // Closed while nothing played: opened again here.
        if !self.ensure_output() {
            self.index = Some(i);
            self.held_ms = at_ms;
            self.duration_ms = self.queue.get(i).and_then(|q| q.track.duration_ms);
            self.no_output();
            return None;
        }
        let mut failures = Vec::new();
        while i < self.queue.len() {
            match self.start_one(i, at_ms, paused) {
                Ok(()) => {
                    self.index = Some(i);
                    self.held_ms = at_ms;
                    self.status = if paused {
                        PlayerStatus::Paused
                    } else {
                        PlayerStatus::Playing
                    };
                    if !failures.is_empty() {
                        self.message = Some(failures.join(" "));
                    }
                    return Some(i);
                }
                Err(AudioError::NoOutput) => {
                    self.index = Some(i);
                    self.no_output();
                    return None;
                }
                Err(e) => {
                    failures.push(format!(
                        "“{}” could not be played: {}",
                        self.title(i),
                        lower_first(&e.to_string())
                    ));
                    i += 1;
                    at_ms = 0;
                }
            }
        }
        self.end_of_queue();
        if !failures.is_empty() {
            failures.push("There are no more songs in this list.".into());
            self.message = Some(failures.join(" "));
        }
        None
    }

    fn end_of_queue(&mut self) {
        self.stop_live();
        self.index = None;
        self.held_ms = 0;
        self.duration_ms = None;
        self.status = PlayerStatus::Stopped;
    }

    fn source_ended(&mut self, generation: u64) {
        let Some(live) = &self.live else { return };
        if live.control.generation != generation {
            return;
        }
        let control = live.control.clone();
        self.live = None;
        if control.faded_out.load(Ordering::Relaxed) {
            self.status = PlayerStatus::Stopped;
            self.held_ms = 0;
            return;
        }
        let error = control.error.lock().ok().and_then(|e| e.clone());
        let i = self.index.unwrap_or(0);
        if let Some(e) = error {
            self.message = Some(format!(
                "“{}” stopped part-way: {}",
                self.title(i),
                lower_first(&e.to_string())
            ));
        }
        if i + 1 < self.queue.len() {
            let keep = self.message.take();
            // Paused just as the song ended: the next one waits, paused.
            let paused = self.status == PlayerStatus::Paused;
            self.start_from(i + 1, 0, paused);
            self.message = match (keep, self.message.take()) {
                (Some(a), Some(b)) => Some(format!("{a} {b}")),
                (a, b) => a.or(b),
            };
        } else {
            self.end_of_queue();
        }
    }

    // --- commands ---------------------------------------------------------

    fn handle(&mut self, cmd: Cmd) -> Result<PlayerState, AudioError> {
        match cmd {
            Cmd::State => {}
            Cmd::Play {
                queue_name,
                queue,
                start_index,
                sent_at,
            } => {
                if queue.is_empty() || start_index >= queue.len() {
                    return Err(AudioError::Invalid("That song is not in the list.".into()));
                }
                self.message = None;
                self.stop_live();
                self.queue_name = queue_name;
                self.queue = queue;
                if !self.ensure_output() {
                    self.index = Some(start_index);
                    self.held_ms = 0;
                    self.duration_ms = self.queue[start_index].track.duration_ms;
                    self.no_output();
                } else if self.start_from(start_index, 0, false).is_some() {
                    if let (Ok(mut slot), Some(live)) = (self.shared.latency.lock(), &self.live) {
                        *slot = Some((sent_at, live.control.clone()));
                    }
                }
            }
            Cmd::Pause => {
                if self.status == PlayerStatus::Playing {
                    if let Some(live) = &self.live {
                        live.control.paused.store(true, Ordering::Relaxed);
                        self.held_ms = self.position_ms();
                        self.status = PlayerStatus::Paused;
                    }
                }
            }
            Cmd::Resume => self.resume(),
            Cmd::Stop => {
                self.message = None;
                if self.index.is_some() || self.live.is_some() {
                    self.stop_live();
                    self.held_ms = 0;
                    if self.status != PlayerStatus::NoOutput {
                        self.status = PlayerStatus::Stopped;
                    }
                }
            }
            Cmd::Next => {
                self.message = None;
                if let Some(i) = self.index {
                    if i + 1 < self.queue.len() {
                        self.go_to(i + 1, 0);
                    } else if self.status != PlayerStatus::NoOutput {
                        self.end_of_queue();
                    }
                }
            }
            Cmd::Previous => {
                self.message = None;
                if let Some(i) = self.previous_index() {
                    self.go_to(i, 0);
                }
            }
            Cmd::BackTo(track_id) => {
                self.message = None;
                let before = self
                    .index
                    .and_then(|i| i.checked_sub(1))
                    .filter(|b| self.queue.get(*b).is_some_and(|q| q.track.id == track_id));
                if let Some(i) = before.or_else(|| self.previous_index()) {
                    self.go_to(i, 0);
                }
            }
            Cmd::Seek(ms) => {
                self.message = None;
                if let Some(i) = self.index {
                    let ms = self.duration_ms.map_or(ms, |d| ms.min(d));
                    self.go_to(i, ms);
                }
            }
            Cmd::SetVolume(v) => {
                if !v.is_nan() {
                    self.volume = v.clamp(0.0, 1.0);
                }
                if let Some(live) = &self.live {
                    live.control
                        .gain
                        .store(gain_for(self.volume).to_bits(), Ordering::Relaxed);
                }
            }
            Cmd::FadeOut(ms) => match (&self.live, self.status) {
                (Some(live), PlayerStatus::Playing) if ms > 0 => {
                    live.control.fade_ms.store(ms, Ordering::Relaxed);
                }
                (Some(_), _) => {
                    self.stop_live();
                    self.held_ms = 0;
                    self.status = PlayerStatus::Stopped;
                }
                // Paused long enough for the output to be closed: as above.
                (None, PlayerStatus::Paused) => {
                    self.held_ms = 0;
                    self.status = PlayerStatus::Stopped;
                }
                _ => {}
            },
            Cmd::SetLooping(on) => {
                self.looping = on;
                if let Some(live) = &self.live {
                    live.control.looping.store(on, Ordering::Relaxed);
                }
            }
            Cmd::RetryOutput => {
                // Only when there is no output: one closed because nothing
                // played is opened again for the next song. Asked, the
                // player looks often again.
                self.output_looks = 0;
                if self.status == PlayerStatus::NoOutput && !self.output_found() {
                    self.no_output();
                }
            }
            Cmd::KeepOutputOpen { stopped, paused } => {
                self.close_stopped_after = stopped;
                self.close_paused_after = paused;
            }
        }
        Ok(self.state())
    }

    fn resume(&mut self) {
        match self.status {
            PlayerStatus::Paused => {
                if let Some(live) = &self.live {
                    live.control.paused.store(false, Ordering::Relaxed);
                    self.status = PlayerStatus::Playing;
                } else if let Some(i) = self.index {
                    self.start_from(i, self.held_ms, false);
                }
            }
            PlayerStatus::NoOutput | PlayerStatus::Stopped => {
                let Some(i) = self.index else { return };
                if !self.ensure_output() {
                    self.no_output();
                    return;
                }
                self.message = None;
                self.start_from(i, self.held_ms, false);
            }
            PlayerStatus::Idle | PlayerStatus::Playing => {}
        }
    }

    /// Moves to song `i` at `at_ms`, keeping whether the music plays: playing
    /// carries on playing, paused stays paused, stopped just moves.
    fn go_to(&mut self, i: usize, at_ms: u32) {
        match self.status {
            PlayerStatus::Playing | PlayerStatus::Paused if self.live.is_some() => {
                let paused = self.status == PlayerStatus::Paused;
                if i == self.index.unwrap_or(usize::MAX) {
                    // Same song, new place: a fresh decoder there replaces
                    // the old one; if the file has gone, the old one plays on.
                    match self.reopen_at(i, at_ms, paused) {
                        Ok(()) => {}
                        Err(e) => {
                            self.message = Some(format!(
                                "Could not move within “{}”: {}",
                                self.title(i),
                                lower_first(&e.to_string())
                            ))
                        }
                    }
                } else {
                    self.start_from(i, at_ms, paused);
                }
            }
            _ => {
                // Not playing: remember where to start.
                self.stop_live();
                self.index = Some(i);
                self.held_ms = at_ms;
                self.duration_ms = self.queue.get(i).and_then(|q| q.track.duration_ms);
                if self.status == PlayerStatus::Playing {
                    self.status = PlayerStatus::Stopped;
                }
            }
        }
    }

    fn reopen_at(&mut self, i: usize, at_ms: u32, paused: bool) -> Result<(), AudioError> {
        let old = self.live.take();
        match self.start_one(i, at_ms, paused) {
            Ok(()) => {
                if let Some(old) = old {
                    old.control.stop.store(true, Ordering::Relaxed);
                }
                self.held_ms = at_ms;
                Ok(())
            }
            Err(e) => {
                self.live = old;
                Err(e)
            }
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn file_label(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "This song".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use refrain_core::model::Track;

    /// When the player, with no sound output, looks for one again: the
    /// moments of its looks over `span`, the first at 0.
    fn looks_within(span: Duration) -> Vec<Duration> {
        let mut at = Duration::ZERO;
        let mut looks = Vec::new();
        while at < span {
            looks.push(at);
            at += look_for_output_after(looks.len() as u32 - 1);
        }
        looks
    }

    #[test]
    fn speakers_plugged_in_soon_are_found_within_seconds_and_a_long_absence_costs_little() {
        // The first half minute: a look at least every 3 s.
        let early = looks_within(Duration::from_secs(30));
        assert!(early.len() >= 10, "{early:?}");
        assert!(early
            .windows(2)
            .all(|w| w[1] - w[0] <= Duration::from_secs(3)));
        // An hour with no output: at most 150 looks, against 1,200 at one
        // every 3 s; and never more than 30 s between two.
        let hour = looks_within(Duration::from_secs(3600));
        assert!(hour.len() <= 150, "{} looks in an hour", hour.len());
        assert!(hour
            .windows(2)
            .all(|w| w[1] - w[0] <= Duration::from_secs(30)));
    }

    /// A mono 16-bit WAV of a 440 Hz tone.
    fn tone_wav(path: &Path, seconds: f32) {
        let rate = 44_100u32;
        let n = (rate as f32 * seconds) as u32;
        let mut b = Vec::new();
        b.extend_from_slice(b"RIFF");
        b.extend_from_slice(&(36 + n * 2).to_le_bytes());
        b.extend_from_slice(b"WAVEfmt ");
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&rate.to_le_bytes());
        b.extend_from_slice(&(rate * 2).to_le_bytes());
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(&16u16.to_le_bytes());
        b.extend_from_slice(b"data");
        b.extend_from_slice(&(n * 2).to_le_bytes());
        for i in 0..n {
            let v = (i as f32 / rate as f32 * 440.0 * std::f32::consts::TAU).sin() * 0.5;
            b.extend_from_slice(&((v * 32767.0) as i16).to_le_bytes());
        }
        std::fs::write(path, b).unwrap();
    }

    fn item(path: &Path, title: &str) -> QueueItem {
        QueueItem {
            track: Track {
                id: title.into(),
                title: title.into(),
                artist: String::new(),
                album: String::new(),
                year: None,
                duration_ms: None,
                sample_rate: None,
                channels: None,
                format: "wav".into(),
                original_name: String::new(),
                tags: vec![],
                missing: false,
                created_at: String::new(),
                updated_at: String::new(),
            },
            path: path.to_path_buf(),
        }
    }

    fn wait_for(player: &super::super::Player, what: impl Fn(&PlayerState) -> bool) -> PlayerState {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = player.state();
            if what(&s) || Instant::now() > deadline {
                return s;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn losing_the_output_mid_song_waits_and_carries_on_after_retry() {
        let dir = tempfile::tempdir().unwrap();
        let wav = dir.path().join("tone.wav");
        tone_wav(&wav, 3.0);
        let player = super::super::Player::spawn_with_output(Output::Silent, |_| {});
        player
            .play("Warm-ups".into(), vec![item(&wav, "Daisy Bell")], 0)
            .unwrap();
        let s = wait_for(&player, |s| s.position_ms >= 300);
        assert_eq!(s.status, PlayerStatus::Playing);

        // What the sound system's error callback sends when the device goes:
        // first from an output opened before this one (ignored), then from
        // this one (the first output the player opened).
        player
            .tx
            .send(Msg::OutputLost {
                epoch: 0,
                detail: "old".into(),
            })
            .unwrap();
        assert_eq!(
            player.state().status,
            PlayerStatus::Playing,
            "a stale error is ignored"
        );
        player
            .tx
            .send(Msg::OutputLost {
                epoch: 1,
                detail: "unplugged".into(),
            })
            .unwrap();
        let lost = wait_for(&player, |s| s.status == PlayerStatus::NoOutput);
        assert_eq!(lost.status, PlayerStatus::NoOutput);
        assert!(
            lost.message
                .as_deref()
                .unwrap()
                .contains("sound output stopped working"),
            "{lost:?}"
        );
        let held = lost.position_ms;
        assert!(held >= 300, "{lost:?}");

        // Every command still answers.
        assert_eq!(player.pause().status, PlayerStatus::NoOutput);
        assert_eq!(player.next().status, PlayerStatus::NoOutput);
        assert_eq!(player.seek(held).status, PlayerStatus::NoOutput);

        let back = player.retry_output();
        assert_eq!(back.status, PlayerStatus::Paused);
        assert_eq!(back.message, None);
        assert_eq!(back.position_ms, held);
        let playing = player.resume();
        assert_eq!(playing.status, PlayerStatus::Playing);
        assert!(
            playing.position_ms >= held && playing.position_ms < held + 200,
            "{playing:?}"
        );
    }

    #[test]
    fn the_player_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<super::super::Player>();
    }

    #[test]
    fn only_lost_devices_are_fatal() {
        assert!(is_fatal(CpalErrorKind::DeviceNotAvailable));
        assert!(!is_fatal(CpalErrorKind::Xrun));
        assert!(!is_fatal(CpalErrorKind::RealtimeDenied));
    }

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(lower_first("The music file"), "the music file");
        assert_eq!(lower_first(""), "");
    }
}
