//! The audio engine through the core's public API: reading files (`probe`),
//! decoding them (`TrackDecoder`), hostile files, the player's queue, and the
//! real output path (rodio → cpal → ALSA) captured into a file.
//!
//! Tests that use ALSA run in a child process (this test binary, run again
//! for one test) so that each gets its own ALSA configuration: ALSA reads its
//! configuration once per process. The capture goes into a named pipe that
//! the test reads at its own pace; ALSA's `null` device does not keep time,
//! so the reader is the clock: the sound system can only run as far ahead as
//! the test lets it, which makes pause, seek and fade checks independent of
//! how busy the machine is.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use refrain_audio::{probe, AudioError, Output, Player, QueueItem, TrackDecoder};
use refrain_core::model::{PlayerState, PlayerStatus, Track};
use rodio::Source;

// ---------------------------------------------------------------------------
// Fixtures and helpers
// ---------------------------------------------------------------------------

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio")
        .join(name)
}

/// What make.sh put in each fixture.
struct Fixture {
    file: &'static str,
    format: &'static str,
    hz: f64,
    ms: u32,
    channels: u32,
    title: Option<&'static str>,
    artist: Option<&'static str>,
    year: Option<i32>,
    lossless: bool,
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        file: "untitled-tone.wav",
        format: "wav",
        hz: 440.0,
        ms: 1000,
        channels: 1,
        title: None,
        artist: None,
        year: None,
        lossless: true,
    },
    Fixture {
        file: "daisy-bell.flac",
        format: "flac",
        hz: 550.0,
        ms: 1500,
        channels: 2,
        title: Some("Daisy Bell"),
        artist: Some("Harry Dacre"),
        year: Some(1892),
        lossless: true,
    },
    Fixture {
        file: "tipperary.mp3",
        format: "mp3",
        hz: 660.0,
        ms: 1200,
        channels: 1,
        title: Some("It's a Long Way to Tipperary"),
        artist: Some("Jack Judge"),
        year: Some(1912),
        lossless: false,
    },
    Fixture {
        file: "frere-jacques.ogg",
        format: "ogg",
        hz: 770.0,
        ms: 1300,
        channels: 2,
        title: Some("Frère Jacques"),
        artist: Some("Traditional"),
        year: Some(1811),
        lossless: false,
    },
    Fixture {
        file: "harvest-moon.m4a",
        format: "m4a",
        hz: 880.0,
        ms: 1000,
        channels: 1,
        title: Some("Shine On, Harvest Moon"),
        artist: Some("Nora Bayes"),
        year: Some(1908),
        lossless: false,
    },
    // Apple Lossless, as iTunes libraries hold it.
    Fixture {
        file: "moon-river.m4a",
        format: "m4a",
        hz: 990.0,
        ms: 1000,
        channels: 1,
        title: Some("Moon River"),
        artist: Some("Andy Williams"),
        year: Some(1961),
        lossless: true,
    },
];

/// Every sample of a decoder, interleaved; panics if it never ends.
fn decode_all(decoder: &mut TrackDecoder, limit_samples: usize) -> Vec<f32> {
    let mut out = Vec::new();
    for s in decoder.by_ref() {
        out.push(s);
        assert!(out.len() <= limit_samples, "the decoder does not end");
    }
    out
}

fn channel(samples: &[f32], channels: usize, which: usize) -> Vec<f32> {
    samples
        .iter()
        .skip(which)
        .step_by(channels)
        .copied()
        .collect()
}

/// Frequency by counting rising zero crossings.
fn frequency(samples: &[f32], rate: f64) -> f64 {
    let rising = samples
        .windows(2)
        .filter(|w| w[0] <= 0.0 && w[1] > 0.0)
        .count();
    rising as f64 * rate / samples.len() as f64
}

fn peak(samples: &[f32]) -> f32 {
    samples.iter().fold(0.0f32, |m, s| m.max(s.abs()))
}

/// Writes a mono 16-bit WAV: each `(hz, seconds)` in turn, continuous phase.
fn write_tone_wav(path: &Path, segments: &[(f64, f64)], amplitude: f64) {
    let rate = 44_100u32;
    let mut pcm: Vec<u8> = Vec::new();
    let mut phase = 0.0f64;
    for &(hz, seconds) in segments {
        let n = (seconds * f64::from(rate)).round() as usize;
        for _ in 0..n {
            let v = (phase.sin() * amplitude * 32767.0).round() as i16;
            pcm.extend_from_slice(&v.to_le_bytes());
            phase += std::f64::consts::TAU * hz / f64::from(rate);
        }
    }
    let mut b = Vec::with_capacity(44 + pcm.len());
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + pcm.len() as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes()); // PCM
    b.extend_from_slice(&1u16.to_le_bytes()); // mono
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * 2).to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(pcm.len() as u32).to_le_bytes());
    b.extend_from_slice(&pcm);
    fs::write(path, b).unwrap();
}

fn track(title: &str, format: &str) -> Track {
    Track {
        id: format!("id-{title}"),
        title: title.into(),
        artist: String::new(),
        album: String::new(),
        year: None,
        duration_ms: None,
        sample_rate: None,
        channels: None,
        format: format.into(),
        original_name: format!("{title}.{format}"),
        tags: vec![],
        missing: false,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

fn item(path: &Path, title: &str) -> QueueItem {
    let format = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    QueueItem {
        track: track(title, &format),
        path: path.to_path_buf(),
    }
}

/// Every state the player reported, to wait on and look back over.
#[derive(Clone, Default)]
struct Recorder(Arc<(Mutex<Vec<PlayerState>>, Condvar)>);

impl Recorder {
    fn callback(&self) -> impl Fn(PlayerState) + Send + 'static {
        let me = self.clone();
        move |s| {
            me.0 .0.lock().unwrap().push(s);
            me.0 .1.notify_all();
        }
    }

    fn all(&self) -> Vec<PlayerState> {
        self.0 .0.lock().unwrap().clone()
    }

    /// Waits (up to a generous deadline) for a reported state, from the
    /// `from`-th on, that satisfies `what`.
    fn wait_from(&self, from: usize, what: impl Fn(&PlayerState) -> bool) -> PlayerState {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut states = self.0 .0.lock().unwrap();
        loop {
            if let Some(s) = states.iter().skip(from).find(|s| what(s)) {
                return s.clone();
            }
            let now = Instant::now();
            assert!(
                now < deadline,
                "timed out waiting; states so far: {:#?}",
                states.iter().rev().take(5).collect::<Vec<_>>()
            );
            states = self.0 .1.wait_timeout(states, deadline - now).unwrap().0;
        }
    }

    fn len(&self) -> usize {
        self.0 .0.lock().unwrap().len()
    }

    fn wait(&self, what: impl Fn(&PlayerState) -> bool) -> PlayerState {
        self.wait_from(0, what)
    }
}

// ---------------------------------------------------------------------------
// Reading and decoding files
// ---------------------------------------------------------------------------

#[test]
fn every_fixture_probes_with_its_tags_and_length() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    for f in FIXTURES {
        let info = probe(&fixture(f.file)).unwrap_or_else(|e| panic!("{}: {e}", f.file));
        assert_eq!(info.format, f.format, "{}", f.file);
        assert_eq!(info.title.as_deref(), f.title, "{}", f.file);
        assert_eq!(info.artist.as_deref(), f.artist, "{}", f.file);
        assert_eq!(info.year, f.year, "{}", f.file);
        let album = f.title.map(|_| "Refrain Test Tones");
        assert_eq!(info.album.as_deref(), album, "{}", f.file);
        assert_eq!(info.sample_rate, Some(44_100), "{}", f.file);
        assert_eq!(info.channels, Some(f.channels), "{}", f.file);
        assert_eq!(info.readable_ms, None, "{}: whole, not flagged", f.file);
        let ms = info
            .duration_ms
            .unwrap_or_else(|| panic!("{}: no length", f.file));
        assert!(
            ms.abs_diff(f.ms) <= 50,
            "{}: {ms} ms, expected {} ms",
            f.file,
            f.ms
        );
    }
}

#[test]
fn the_container_is_recognised_by_content_not_name() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let disguised = dir.path().join("really-a-flac.mp3");
    fs::copy(fixture("daisy-bell.flac"), &disguised).unwrap();
    assert_eq!(probe(&disguised).unwrap().format, "flac");
    let no_extension = dir.path().join("song");
    fs::copy(fixture("harvest-moon.m4a"), &no_extension).unwrap();
    assert_eq!(probe(&no_extension).unwrap().format, "m4a");
}

#[test]
fn every_fixture_decodes_to_its_tone_and_length() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    for f in FIXTURES {
        let mut d = TrackDecoder::open(&fixture(f.file)).unwrap();
        assert_eq!(d.sample_rate().get(), 44_100);
        assert_eq!(u32::from(d.channels().get()), f.channels, "{}", f.file);
        let ch = usize::from(d.channels().get());
        let samples = decode_all(&mut d, 10_000_000);
        assert!(d.error().is_none(), "{}: {:?}", f.file, d.error());
        let frames = samples.len() / ch;
        let ms = frames as f64 * 1000.0 / 44_100.0;
        // AAC in MP4 keeps its encoder's priming and padding (symphonia does
        // not read MP4 edit lists): about 45 ms more than the music.
        assert!(
            (ms - f64::from(f.ms)).abs() <= 50.0,
            "{}: decoded {ms:.1} ms",
            f.file
        );
        assert_eq!(d.position_frames() as usize, frames);
        for c in 0..ch {
            let left = channel(&samples, ch, c);
            // The middle of the tone, away from the encoders' edges.
            let middle = &left[4410..frames - 4410];
            let hz = frequency(middle, 44_100.0);
            assert!(
                (hz - f.hz).abs() / f.hz < 0.02,
                "{} channel {c}: {hz:.1} Hz",
                f.file
            );
            let p = peak(middle);
            // ffmpeg's sine source is at 1/8 of full scale.
            // (ffmpeg's upmix to stereo lowers each channel by 3 dB.)
            assert!((0.08..0.15).contains(&p), "{}: peak {p}", f.file);
        }
    }
}

#[test]
fn seeking_lands_on_the_target() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    for f in FIXTURES {
        let path = fixture(f.file);
        let mut whole = TrackDecoder::open(&path).unwrap();
        let ch = usize::from(whole.channels().get());
        let reference = decode_all(&mut whole, 10_000_000);
        let total = reference.len() / ch;
        let length = f64::from(f.ms) / 1000.0;
        for target in [0.25, length / 2.0, length - 0.3, 0.05] {
            let target_frame = (target * 44_100.0_f64).round() as usize;
            let mut d = TrackDecoder::open(&path).unwrap();
            // A few samples in first, as the player would be.
            for _ in 0..(ch * 100) {
                d.next();
            }
            d.try_seek(Duration::from_secs_f64(target)).unwrap();
            assert_eq!(
                d.position_frames() as usize,
                target_frame,
                "{} reported position",
                f.file
            );
            let rest = decode_all(&mut d, 10_000_000);
            // Where it really landed: what is left of the music says.
            let landed = total - rest.len() / ch;
            let off_ms = (landed as f64 - target_frame as f64).abs() * 1000.0 / 44_100.0;
            assert!(
                off_ms <= 50.0,
                "{} at {target:.2} s: landed {off_ms:.1} ms away",
                f.file
            );
            if f.lossless {
                // Lossless music must match sample for sample.
                assert_eq!(landed, target_frame, "{}", f.file);
                assert_eq!(&rest[..], &reference[landed * ch..], "{}", f.file);
            } else {
                // Lossy decoders warm up for a frame after a jump; past that
                // the music is the same as decoding from the start.
                let warm = 4096 * ch;
                let n = rest.len().saturating_sub(warm).min(8192);
                if n > 0 {
                    let a = &rest[warm..warm + n];
                    let b = &reference[landed * ch + warm..landed * ch + warm + n];
                    let err = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f32>() / n as f32;
                    let level = b.iter().map(|y| y * y).sum::<f32>() / n as f32;
                    assert!(
                        err < level * 0.01,
                        "{} at {target:.2} s: the music differs ({err} vs {level})",
                        f.file
                    );
                }
            }
        }
        // Past the end: the music is simply over.
        let mut d = TrackDecoder::open(&path).unwrap();
        d.try_seek(Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("{}: {e:?}", f.file));
        assert!(
            decode_all(&mut d, 10_000_000).len() <= 4096 * ch,
            "{}",
            f.file
        );
    }
}

#[test]
fn a_generated_tone_decodes_exactly() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("steps.wav");
    write_tone_wav(&path, &[(440.0, 1.0), (880.0, 1.0)], 0.5);
    let info = probe(&path).unwrap();
    assert_eq!(
        (info.duration_ms, info.title, info.format),
        (Some(2000), None, "wav")
    );
    let mut d = TrackDecoder::open(&path).unwrap();
    d.try_seek(Duration::from_millis(1500)).unwrap();
    let rest = decode_all(&mut d, 1_000_000);
    assert_eq!(rest.len(), 22_050);
    assert!((frequency(&rest, 44_100.0) - 880.0).abs() < 880.0 * 0.02);
}

// ---------------------------------------------------------------------------
// Hostile files
// ---------------------------------------------------------------------------

/// A small deterministic pseudo-random generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const FILE_ERRORS: &[&str] = &[
    "not_audio",
    "unsupported_codec",
    "corrupt",
    "missing_file",
    "unreadable",
];

/// Probes and fully decodes a file; it may play or not, but must never panic
/// or hang, and a refusal is a file error with a refusal reason.
fn must_not_break(path: &Path, what: &str) -> Result<(), AudioError> {
    let probed = probe(path);
    if let Err(e) = &probed {
        assert!(FILE_ERRORS.contains(&e.code()), "{what}: {e:?}");
        assert!(e.refusal_reason().is_some(), "{what}: {e:?}");
        assert!(!e.to_string().is_empty());
    }
    match TrackDecoder::open(path) {
        Ok(mut d) => {
            // At most a minute of stereo: nothing here is longer.
            let n = d.by_ref().take(44_100 * 2 * 60).count();
            assert!(n < 44_100 * 2 * 60, "{what}: the decoder does not end");
            if let Some(e) = d.error() {
                assert!(FILE_ERRORS.contains(&e.code()), "{what}: {e:?}");
            }
        }
        Err(e) => assert!(FILE_ERRORS.contains(&e.code()), "{what}: {e:?}"),
    }
    probed.map(|_| ())
}

fn hostile_versions_of(file: &str, seed: u64) {
    let bytes = fs::read(fixture(file)).unwrap();
    let ext = Path::new(file).extension().unwrap().to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("hostile.{ext}"));
    let mut rng = Rng(seed);
    // A few bytes cannot be music.
    for cut in 0..12 {
        fs::write(&path, &bytes[..cut]).unwrap();
        assert!(
            must_not_break(&path, &format!("{file} cut at {cut}")).is_err(),
            "{file} cut at {cut}"
        );
    }
    // Truncated: everywhere in the first 2 KB (headers), then anywhere. A
    // cut after the headers may still be (shorter) music.
    for i in 0..120 {
        let cut = if i < 60 {
            rng.below(2048.min(bytes.len()))
        } else {
            rng.below(bytes.len())
        };
        fs::write(&path, &bytes[..cut]).unwrap();
        must_not_break(&path, &format!("{file} cut at {cut}")).ok();
    }
    // Bytes changed: a few, many, in the headers or anywhere.
    for i in 0..120 {
        let mut m = bytes.clone();
        let changes = 1 + rng.below(if i % 2 == 0 { 4 } else { 64 });
        let span = if i % 3 == 0 {
            512.min(m.len())
        } else {
            m.len()
        };
        for _ in 0..changes {
            let at = rng.below(span);
            m[at] = rng.next() as u8;
        }
        fs::write(&path, &m).unwrap();
        must_not_break(
            &path,
            &format!("{file} with {changes} bytes changed (#{i})"),
        )
        .ok();
    }
}

#[test]
fn hostile_wav() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    hostile_versions_of("untitled-tone.wav", 0x9e37_79b9_7f4a_7c15);
}
#[test]
fn hostile_flac() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    hostile_versions_of("daisy-bell.flac", 0xd1b5_4a32_d192_ed03);
}
#[test]
fn hostile_mp3() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    hostile_versions_of("tipperary.mp3", 0x8cb9_2ba7_2f3d_8dd7);
}
#[test]
fn hostile_ogg() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    hostile_versions_of("frere-jacques.ogg", 0x2545_f491_4f6c_dd1d);
}
#[test]
fn hostile_m4a() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    hostile_versions_of("harvest-moon.m4a", 0x5851_f42d_4c95_7f2d);
}

#[test]
fn files_that_are_not_music_are_refused_plainly() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(42);
    let random: Vec<u8> = (0..65_536).map(|_| rng.next() as u8).collect();
    let png =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1f\xf3\xffa".to_vec();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("text", b"eggs, milk, tea bags\n".to_vec()),
        // A text about music files: the containers' markers, but no music.
        ("notes", b"Notes: WAV files start RIFF....WAVE, FLAC ones fLaC, Ogg ones OggS\0\x02, M4A \0\0\0\x20ftypM4A.\n".repeat(20)),
        ("empty", vec![]),
        ("png", png),
        ("zeros", vec![0; 10_000]),
        ("random", random),
    ];
    for ext in ["wav", "flac", "mp3", "ogg", "m4a", "aac"] {
        for (name, bytes) in &cases {
            let path = dir.path().join(format!("{name}.{ext}"));
            fs::write(&path, bytes).unwrap();
            let err = must_not_break(&path, &format!("{name}.{ext}")).expect_err("not music");
            if *name != "random" {
                assert!(matches!(err, AudioError::NotAudio), "{name}.{ext}: {err:?}");
                assert_eq!(
                    err.to_string(),
                    "This is not a music file Refrain can read."
                );
            }
        }
        // A folder with a music file's name.
        let folder = dir.path().join(format!("folder.{ext}"));
        fs::create_dir(&folder).unwrap();
        assert!(probe(&folder).is_err());
        assert!(TrackDecoder::open(&folder).is_err());
    }
    let gone = probe(&dir.path().join("gone.mp3")).unwrap_err();
    assert!(matches!(gone, AudioError::Missing), "{gone:?}");
    assert!(matches!(
        TrackDecoder::open(&dir.path().join("gone.mp3")),
        Err(AudioError::Missing)
    ));
    // The header of a WAV with nothing after it: the music is missing.
    let wav = fs::read(fixture("untitled-tone.wav")).unwrap();
    let header = dir.path().join("header-only.wav");
    fs::write(&header, &wav[..44]).unwrap();
    assert!(
        matches!(probe(&header), Err(AudioError::Corrupt)),
        "{:?}",
        probe(&header)
    );
}

// ---------------------------------------------------------------------------
// The player's queue (on the silent output: real timing, no sound card)
// ---------------------------------------------------------------------------

fn silent_player() -> (Player, Recorder) {
    let rec = Recorder::default();
    let player = Player::spawn_with_output(Output::Silent, rec.callback());
    (player, rec)
}

#[test]
fn play_refuses_an_empty_queue_or_a_wrong_start_in_plain_words() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (player, _) = silent_player();
    let e = player.play("Warm-ups".into(), vec![], 0).unwrap_err();
    assert_eq!(e.code(), "invalid");
    assert!(e.to_string().contains("nothing in this list"), "{e}");
    let queue = vec![item(&fixture("untitled-tone.wav"), "Tone")];
    let e = player.play("Warm-ups".into(), queue, 3).unwrap_err();
    assert_eq!(e.code(), "invalid");
    assert!(e.to_string().contains("no song number 4"), "{e}");
    // The player is none the worse.
    assert_eq!(player.state().status, PlayerStatus::Idle);
}

#[test]
fn a_missing_or_damaged_song_is_reported_and_the_queue_moves_on() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.flac");
    let flac = fs::read(fixture("daisy-bell.flac")).unwrap();
    fs::write(&broken, &flac[..60]).unwrap();
    let (player, rec) = silent_player();
    let queue = vec![
        item(&fixture("untitled-tone.wav"), "Tone"),
        item(&dir.path().join("gone.mp3"), "Daisy Bell"),
        item(&broken, "Pack Up Your Troubles"),
        item(&fixture("harvest-moon.m4a"), "Shine On, Harvest Moon"),
    ];
    let s = player.play("Thursday".into(), queue, 0).unwrap();
    assert_eq!(
        (s.status, s.queue_index, s.queue_length),
        (PlayerStatus::Playing, Some(0), 4)
    );
    assert_eq!(s.queue_name, "Thursday");
    assert_eq!(s.message, None);

    let moved = rec.wait(|s| s.queue_index == Some(3) && s.status == PlayerStatus::Playing);
    let message = moved
        .message
        .expect("a message about the songs that could not play");
    assert!(
        message.contains("“Daisy Bell” could not be played: the music file could not be found"),
        "{message}"
    );
    assert!(
        message.contains("“Pack Up Your Troubles” could not be played"),
        "{message}"
    );
    assert!(message.contains("damaged"), "{message}");
    assert_eq!(moved.track.unwrap().title, "Shine On, Harvest Moon");

    let end = rec.wait(|s| s.status == PlayerStatus::Stopped);
    assert_eq!((end.queue_index, end.track), (None, None));
    // Every command still works afterwards.
    let again = player
        .play(
            "Thursday".into(),
            vec![item(&fixture("tipperary.mp3"), "Tipperary")],
            0,
        )
        .unwrap();
    assert_eq!(again.status, PlayerStatus::Playing);
    assert_eq!(again.message, None);
}

#[test]
fn a_queue_of_only_broken_songs_stops_cleanly() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("list.mp3");
    fs::write(&text, "not music").unwrap();
    let (player, _) = silent_player();
    let s = player
        .play(
            "Broken".into(),
            vec![
                item(&dir.path().join("gone.wav"), "Gone"),
                item(&text, "List"),
            ],
            0,
        )
        .unwrap();
    assert_eq!(s.status, PlayerStatus::Stopped);
    let m = s.message.unwrap();
    assert!(
        m.contains("“Gone” could not be played") && m.contains("“List” could not be played"),
        "{m}"
    );
    assert!(m.contains("no more songs"), "{m}");
}

#[test]
fn next_previous_seek_and_stop() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.wav");
    write_tone_wav(&long, &[(440.0, 8.0)], 0.3);
    let (player, rec) = silent_player();
    let queue = vec![
        item(&fixture("daisy-bell.flac"), "Daisy Bell"),
        item(&long, "Long"),
        item(&fixture("tipperary.mp3"), "Tipperary"),
    ];
    let goes_to = || player.previous_goes_to().map(|q| q.track.title);
    assert_eq!(goes_to(), None, "nothing queued");
    player.play("Set".into(), queue, 0).unwrap();
    let s = player.next();
    assert_eq!((s.status, s.queue_index), (PlayerStatus::Playing, Some(1)));
    assert_eq!(s.duration_ms, Some(8000));
    assert_eq!(goes_to().as_deref(), Some("Daisy Bell"));

    // Seek, then "previous" when more than 3 s in restarts the song.
    let s = player.seek(5000);
    assert!(s.position_ms.abs_diff(5000) <= 50, "{s:?}");
    let n = rec.len();
    rec.wait_from(n, |s| s.position_ms >= 5100);
    assert_eq!(goes_to(), None, "the same song again");
    // Going back to Daisy Bell agreed to (an avoid list's question answered
    // while the song played on past three seconds): it goes there. For a
    // track that is not the one before, it is Previous.
    let s = player.back_to("id-Daisy Bell".into());
    assert_eq!(s.queue_index, Some(0));
    let s = player.next();
    assert_eq!(s.queue_index, Some(1));
    let s = player.seek(5000);
    assert!(s.position_ms.abs_diff(5000) <= 50, "{s:?}");
    let s = player.back_to("id-Tipperary".into());
    assert_eq!(s.queue_index, Some(1));
    assert!(s.position_ms < 500, "{s:?}");
    // Near the start, "previous" goes to the song before.
    assert_eq!(goes_to().as_deref(), Some("Daisy Bell"));
    let s = player.previous();
    assert_eq!(s.queue_index, Some(0));
    assert_eq!(s.track.as_ref().unwrap().title, "Daisy Bell");
    // At the first song, it restarts it.
    assert_eq!(goes_to(), None, "the first song again");
    let s = player.previous();
    assert_eq!((s.status, s.queue_index), (PlayerStatus::Playing, Some(0)));

    // Pause holds the place; next while paused stays paused.
    let n = rec.len();
    rec.wait_from(n, |s| s.position_ms >= 200);
    let paused = player.pause();
    assert_eq!(paused.status, PlayerStatus::Paused);
    let later = player.state();
    assert_eq!(later.position_ms, paused.position_ms);
    let s = player.next();
    assert_eq!(
        (s.status, s.queue_index, s.position_ms),
        (PlayerStatus::Paused, Some(1), 0)
    );
    let s = player.resume();
    assert_eq!(s.status, PlayerStatus::Playing);

    let s = player.stop();
    assert_eq!(
        (s.status, s.position_ms, s.queue_index),
        (PlayerStatus::Stopped, 0, Some(1))
    );
    // Stopped, next just moves along; resume plays from there.
    let s = player.next();
    assert_eq!((s.status, s.queue_index), (PlayerStatus::Stopped, Some(2)));
    let s = player.resume();
    assert_eq!((s.status, s.queue_index), (PlayerStatus::Playing, Some(2)));
    // Next at the last song ends the queue.
    let s = player.next();
    assert_eq!((s.status, s.queue_index), (PlayerStatus::Stopped, None));
}

#[test]
fn the_state_is_reported_while_playing() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (player, rec) = silent_player();
    player
        .play(
            "Set".into(),
            vec![item(&fixture("daisy-bell.flac"), "Daisy Bell")],
            0,
        )
        .unwrap();
    let end = rec.wait(|s| s.status == PlayerStatus::Stopped);
    assert_eq!(end.position_ms, 0);
    let playing: Vec<u32> = rec
        .all()
        .iter()
        .filter(|s| s.status == PlayerStatus::Playing)
        .map(|s| s.position_ms)
        .collect();
    // A 1.5 s song, reported at least every 200 ms: several reports, each
    // further on.
    assert!(playing.len() >= 3, "{playing:?}");
    assert!(playing.windows(2).all(|w| w[0] <= w[1]), "{playing:?}");
    assert!(*playing.last().unwrap() >= 400, "{playing:?}");
}

#[test]
fn looping_replays_the_song_until_turned_off() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (player, rec) = silent_player();
    let s = player.set_looping(true);
    assert!(s.looping);
    player
        .play(
            "Vamp".into(),
            vec![item(&fixture("untitled-tone.wav"), "Vamp")],
            0,
        )
        .unwrap();
    // Round the 1 s song at least twice.
    let n = rec.len();
    rec.wait_from(n, |s| s.position_ms >= 600);
    let n = rec.len();
    rec.wait_from(n, |s| {
        s.position_ms < 400 && s.status == PlayerStatus::Playing
    });
    let n = rec.len();
    rec.wait_from(n, |s| s.position_ms >= 600);
    let n = rec.len();
    let s = rec.wait_from(n, |s| s.position_ms < 400);
    assert_eq!((s.status, s.queue_index), (PlayerStatus::Playing, Some(0)));
    let s = player.set_looping(false);
    assert!(!s.looping);
    let end = rec.wait(|s| s.status == PlayerStatus::Stopped);
    assert!(!end.looping);
}

#[test]
fn volume_is_clamped_and_kept_across_songs() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (player, rec) = silent_player();
    assert_eq!(player.set_volume(1.7).volume, 1.0);
    assert_eq!(player.set_volume(-0.3).volume, 0.0);
    assert_eq!(player.set_volume(f32::NAN).volume, 0.0);
    assert_eq!(player.set_volume(0.6).volume, 0.6);
    let queue = vec![
        item(&fixture("untitled-tone.wav"), "One"),
        item(&fixture("harvest-moon.m4a"), "Two"),
    ];
    assert_eq!(player.play("Set".into(), queue, 0).unwrap().volume, 0.6);
    let second = rec.wait(|s| s.queue_index == Some(1));
    assert_eq!(second.volume, 0.6);
    let s = player.set_looping(true);
    assert!(s.looping && s.volume == 0.6);
}

#[test]
fn fade_out_stops_and_the_next_song_plays_at_the_volume_set() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (player, rec) = silent_player();
    player.set_volume(0.8);
    player
        .play(
            "Set".into(),
            vec![item(&fixture("daisy-bell.flac"), "Daisy Bell")],
            0,
        )
        .unwrap();
    let n = rec.len();
    rec.wait_from(n, |s| s.position_ms >= 100);
    let s = player.fade_out(400);
    assert_eq!(s.status, PlayerStatus::Playing, "fading");
    let stopped = rec.wait(|s| s.status == PlayerStatus::Stopped);
    assert_eq!(stopped.volume, 0.8);
    // It stopped before the song's end: the fade ended it.
    let last_playing = rec
        .all()
        .iter()
        .filter(|s| s.status == PlayerStatus::Playing)
        .map(|s| s.position_ms)
        .max();
    assert!(last_playing.unwrap() < 1400, "{last_playing:?}");
    let s = player
        .play(
            "Set".into(),
            vec![item(&fixture("tipperary.mp3"), "Tipperary")],
            0,
        )
        .unwrap();
    assert_eq!((s.status, s.volume), (PlayerStatus::Playing, 0.8));
    // Paused, a fade has nothing to fade: it stops.
    player.pause();
    assert_eq!(player.fade_out(2000).status, PlayerStatus::Stopped);
}

/// Waits (up to a generous deadline) until `what` holds; whether it did.
fn eventually(what: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if what() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    what()
}

#[test]
fn the_output_is_closed_while_nothing_plays_and_opened_again_to_play() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (player, rec) = silent_player();
    let queue = vec![item(&fixture("untitled-tone.wav"), "Tone")];
    player.play("Set".into(), queue.clone(), 0).unwrap();
    rec.wait(|s| s.status == PlayerStatus::Stopped);
    // The end of the queue: a few seconds later nothing is kept running
    // for silence, and nothing the player shows changes.
    assert!(
        eventually(|| !player.output_open()),
        "the output stayed open with nothing to play"
    );
    let s = player.state();
    assert_eq!(
        (s.status, s.message.as_deref(), s.queue_length),
        (PlayerStatus::Stopped, None, 1),
        "{s:?}"
    );
    // The next song opens it again and plays.
    let n = rec.len();
    let s = player.play("Set".into(), queue, 0).unwrap();
    assert_eq!(s.status, PlayerStatus::Playing, "{s:?}");
    assert!(player.output_open());
    let s = rec.wait_from(n, |s| {
        s.position_ms >= 300 || s.status != PlayerStatus::Playing
    });
    assert_eq!(s.status, PlayerStatus::Playing, "{s:?}");
    // A stop closes it too.
    player.stop();
    assert!(eventually(|| !player.output_open()));
}

#[test]
fn a_long_pause_closes_the_output_and_resume_carries_on_from_the_place() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first.wav"), dir.path().join("second.wav"));
    write_tone_wav(&first, &[(440.0, 8.0)], 0.3);
    write_tone_wav(&second, &[(550.0, 8.0)], 0.3);
    let (player, rec) = silent_player();
    player.keep_output_open(Duration::from_secs(5), Duration::from_millis(300));
    let queue = vec![item(&first, "First"), item(&second, "Second")];
    player.play("Set".into(), queue, 0).unwrap();
    rec.wait(|s| s.position_ms >= 300);
    let paused = player.pause();
    assert_eq!(paused.status, PlayerStatus::Paused);
    assert!(
        eventually(|| !player.output_open()),
        "the output stayed open through a long pause"
    );
    let s = player.state();
    assert_eq!(
        (s.status, s.position_ms, s.queue_index),
        (PlayerStatus::Paused, paused.position_ms, Some(0)),
        "the place is held"
    );

    // Resume opens the output again and carries on from the place.
    let n = rec.len();
    let s = player.resume();
    assert_eq!(s.status, PlayerStatus::Playing, "{s:?}");
    assert!(player.output_open());
    assert!(
        s.position_ms >= paused.position_ms && s.position_ms < paused.position_ms + 200,
        "{s:?} after {paused:?}"
    );
    let s = rec.wait_from(n, |s| {
        s.position_ms >= paused.position_ms + 300 || s.status != PlayerStatus::Playing
    });
    assert_eq!((s.status, s.queue_index), (PlayerStatus::Playing, Some(0)));

    // Paused and closed, the queue still moves, and the volume is kept.
    player.pause();
    assert!(eventually(|| !player.output_open()));
    player.set_volume(0.5);
    let s = player.next();
    assert_eq!(
        (s.status, s.queue_index, s.position_ms),
        (PlayerStatus::Paused, Some(1), 0)
    );
    let s = player.resume();
    assert_eq!(
        (s.status, s.queue_index, s.volume),
        (PlayerStatus::Playing, Some(1), 0.5)
    );
    // A fade-out while paused and closed stops, as it does while open.
    player.pause();
    assert!(eventually(|| !player.output_open()));
    let s = player.fade_out(1000);
    assert_eq!((s.status, s.position_ms), (PlayerStatus::Stopped, 0));
}

#[test]
fn dropping_the_player_ends_its_thread_promptly() {
    let _alongside = crate::ALSA_ALONE.read().unwrap_or_else(|e| e.into_inner());
    let (player, _) = silent_player();
    player
        .play(
            "Set".into(),
            vec![item(&fixture("daisy-bell.flac"), "Daisy Bell")],
            0,
        )
        .unwrap();
    let t = Instant::now();
    drop(player);
    assert!(t.elapsed() < Duration::from_secs(5));
}

// ---------------------------------------------------------------------------
// The real output path: rodio → cpal → ALSA, captured
// ---------------------------------------------------------------------------

#[cfg(target_os = "linux")]
mod alsa {
    use super::*;
    use std::io::Read;
    use std::process::{Command, Stdio};

    const CHILD: &str = "REFRAIN_AUDIO_TEST_CHILD";
    /// What the capture holds: ALSA's plug converts whatever rodio chose into
    /// this, so the test knows the format for certain.
    const RATE: f64 = 48_000.0;
    const BYTES_PER_FRAME: usize = 8; // 2 channels of f32

    fn capture_config(fifo: &Path) -> String {
        format!(
            r#"pcm.!default {{
    type plug
    slave {{
        pcm {{
            type file
            slave.pcm {{ type null }}
            file "{}"
            format "raw"
        }}
        format FLOAT_LE
        rate 48000
        channels 2
    }}
}}
"#,
            fifo.display()
        )
    }

    /// A default output on a sound card that does not exist.
    const NO_DEVICE_CONFIG: &str =
        "pcm.!default { type hw card 7 device 0 }\nctl.!default { type hw card 7 }\n";

    /// Runs `body` in a child process whose ALSA reads `config` (written with
    /// the child's folder). In the child, `body` gets that folder.
    fn in_child(test: &str, config: impl Fn(&Path) -> String, body: impl FnOnce(&Path)) {
        if let Ok(dir) = std::env::var(CHILD) {
            body(Path::new(&dir));
            return;
        }
        let _alone = crate::ALSA_ALONE.write().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("asound.conf");
        fs::write(&conf, config(dir.path())).unwrap();
        let fifo = dir.path().join("capture.fifo");
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        let out = fs::File::create(dir.path().join("child.log")).unwrap();
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, dir.path())
            .env("ALSA_CONFIG_PATH", &conf)
            .env("HOME", dir.path())
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(180);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let log = fs::read_to_string(dir.path().join("child.log")).unwrap_or_default();
        match status {
            Some(s) if s.success() && log.contains("test result: ok. 1 passed") => {}
            Some(s) => panic!("{test} failed in its child process ({s}):\n{log}"),
            None => panic!("{test} timed out in its child process:\n{log}"),
        }
    }

    /// The test's end of the named pipe ALSA writes into. From the first
    /// sound on it reads only as much as it is allowed, so the sound system
    /// runs only as far as the test lets it.
    ///
    /// Until then it reads freely and keeps only the last tenth of a second
    /// of silence. While an output opens, cpal lets its writing thread go and
    /// then asks ALSA the stream's state, which waits for ALSA's lock; a
    /// writing thread blocked on a full pipe holds that lock, so a pipe the
    /// test did not read could hang the player whenever it opened the output
    /// (seen once in CI, on a busy machine). Music reaches the output only
    /// after it has opened, so reading freely until then keeps the test in
    /// charge of everything it measures.
    struct Capture {
        state: Arc<(Mutex<CaptureState>, Condvar)>,
        thread: Option<std::thread::JoinHandle<()>>,
    }

    struct CaptureState {
        allowed_bytes: usize,
        bytes: Vec<u8>,
        /// Nothing but silence has come out yet (see [`Capture`]).
        until_sound: bool,
        /// Read and throw away everything (while the player shuts down).
        drain: bool,
        closed: bool,
    }

    /// Waits, a minute at most, until `done` holds for what was captured;
    /// fails if the output closes first, or with `late`'s words.
    fn wait<'a>(
        cv: &Condvar,
        mut s: std::sync::MutexGuard<'a, CaptureState>,
        done: impl Fn(&CaptureState) -> bool,
        late: impl Fn(&CaptureState) -> String,
    ) -> std::sync::MutexGuard<'a, CaptureState> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done(&s) {
            let now = Instant::now();
            assert!(!s.closed, "the output closed");
            assert!(now < deadline, "{}", late(&s));
            s = cv.wait_timeout(s, deadline - now).unwrap().0;
        }
        s
    }

    /// Silence kept before the first sound: a tenth of a second.
    const LEAD_FRAMES: usize = 4_800;

    impl CaptureState {
        /// Before the first sound: drops all but the last [`LEAD_FRAMES`] of
        /// silence; at the first sound, starts reading only as far as allowed.
        fn keep_from_first_sound(&mut self) {
            let whole = self.bytes.len() / BYTES_PER_FRAME * BYTES_PER_FRAME;
            let first_sound = self.bytes[..whole]
                .chunks_exact(BYTES_PER_FRAME)
                .position(|frame| {
                    frame
                        .chunks_exact(4)
                        .any(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]) != 0.0)
                });
            let silent = first_sound.unwrap_or(whole / BYTES_PER_FRAME);
            let dropped = silent.saturating_sub(LEAD_FRAMES);
            self.bytes.drain(..dropped * BYTES_PER_FRAME);
            if first_sound.is_some() {
                self.until_sound = false;
                self.allowed_bytes = self.bytes.len();
            }
        }
    }

    impl Capture {
        fn open(dir: &Path) -> Capture {
            let fifo = dir.join("capture.fifo");
            let state = Arc::new((
                Mutex::new(CaptureState {
                    allowed_bytes: 0,
                    bytes: Vec::new(),
                    until_sound: true,
                    drain: false,
                    closed: false,
                }),
                Condvar::new(),
            ));
            let shared = state.clone();
            let thread = std::thread::spawn(move || {
                // Blocks until ALSA opens the pipe for writing.
                let mut file = fs::File::open(&fifo).unwrap();
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    let want = {
                        let (lock, cv) = &*shared;
                        let mut s = lock.lock().unwrap();
                        while !s.drain && !s.until_sound && s.bytes.len() >= s.allowed_bytes {
                            s = cv.wait(s).unwrap();
                        }
                        if s.drain || s.until_sound {
                            buf.len()
                        } else {
                            (s.allowed_bytes - s.bytes.len()).min(buf.len())
                        }
                    };
                    let n = file.read(&mut buf[..want]).unwrap_or(0);
                    let (lock, cv) = &*shared;
                    let mut s = lock.lock().unwrap();
                    if n == 0 {
                        s.closed = true;
                        cv.notify_all();
                        return;
                    }
                    if !s.drain {
                        s.bytes.extend_from_slice(&buf[..n]);
                        if s.until_sound {
                            s.keep_from_first_sound();
                        }
                    }
                    cv.notify_all();
                }
            });
            Capture {
                state,
                thread: Some(thread),
            }
        }

        fn frames(&self) -> usize {
            self.state.0.lock().unwrap().bytes.len() / BYTES_PER_FRAME
        }

        /// Waits for the first sound if none has come out yet, then lets the
        /// sound system run `frames` further, and waits until they are
        /// captured.
        fn advance(&self, frames: usize) {
            let (lock, cv) = &*self.state;
            let s = lock.lock().unwrap();
            let mut s = wait(cv, s, |s| !s.until_sound, |_| "no sound came out".into());
            s.allowed_bytes =
                s.bytes.len() / BYTES_PER_FRAME * BYTES_PER_FRAME + frames * BYTES_PER_FRAME;
            cv.notify_all();
            let _captured = wait(
                cv,
                s,
                |s| s.bytes.len() >= s.allowed_bytes,
                |s| {
                    format!(
                        "the sound output did not run ({} of {} bytes)",
                        s.bytes.len(),
                        s.allowed_bytes
                    )
                },
            );
        }

        /// Advances in small steps until `what` holds for the left channel.
        fn advance_until(&self, limit_frames: usize, what: impl Fn(&[f32]) -> bool) {
            let start = self.frames();
            while !what(&self.left()) {
                assert!(
                    self.frames() - start < limit_frames,
                    "not heard within {limit_frames} frames"
                );
                self.advance(1024);
            }
        }

        fn samples(&self) -> Vec<f32> {
            let s = self.state.0.lock().unwrap();
            s.bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()
        }

        fn left(&self) -> Vec<f32> {
            self.samples().into_iter().step_by(2).collect()
        }

        /// Reads until a fifth of a second has sounded, and checks that the
        /// last stretch of sound is a tone of `hz` (within `tolerance`, a
        /// fraction of it).
        fn hears_tone(&self, hz: f64, tolerance: f64) {
            self.advance_until((RATE * 5.0) as usize, |l| {
                heard_frames(l) as f64 >= RATE * 0.2
            });
            let left = self.left();
            let (a, b) = *sounding(&left).last().unwrap();
            let got = frequency(&left[a..b], RATE);
            assert!((got - hz).abs() <= hz * tolerance, "{got:.1} Hz");
        }

        /// Lets the sound system run freely until ALSA closes the pipe (the
        /// player closed its output), and says whether it did in time.
        fn until_closed(mut self) -> bool {
            let (lock, cv) = &*self.state;
            let mut s = lock.lock().unwrap();
            s.drain = true;
            cv.notify_all();
            let deadline = Instant::now() + Duration::from_secs(60);
            while !s.closed {
                let now = Instant::now();
                if now >= deadline {
                    return false;
                }
                s = cv.wait_timeout(s, deadline - now).unwrap().0;
            }
            drop(s);
            if let Some(t) = self.thread.take() {
                t.join().unwrap();
            }
            true
        }

        /// Lets the sound system run freely and drops `player`, then waits
        /// for ALSA to close the pipe.
        fn finish(mut self, player: Player) {
            {
                let (lock, cv) = &*self.state;
                lock.lock().unwrap().drain = true;
                cv.notify_all();
            }
            drop(player);
            if let Some(t) = self.thread.take() {
                t.join().unwrap();
            }
        }
    }

    const LOUD: f32 = 0.01;

    /// Stretches of sound (start, end) in frames, split by 10 ms or more of silence.
    fn sounding(left: &[f32]) -> Vec<(usize, usize)> {
        let gap = (RATE / 100.0) as usize;
        let mut out: Vec<(usize, usize)> = Vec::new();
        let mut quiet = gap;
        for (i, s) in left.iter().enumerate() {
            if s.abs() > LOUD {
                if quiet >= gap {
                    out.push((i, i + 1));
                } else if let Some(last) = out.last_mut() {
                    last.1 = i + 1;
                }
                quiet = 0;
            } else {
                quiet += 1;
            }
        }
        out
    }

    fn heard_frames(left: &[f32]) -> usize {
        sounding(left).iter().map(|(a, b)| b - a).sum()
    }

    fn seconds(frames: usize) -> f64 {
        frames as f64 / RATE
    }

    fn wav_in(dir: &Path, name: &str, segments: &[(f64, f64)]) -> PathBuf {
        let path = dir.join(name);
        write_tone_wav(&path, segments, 0.5);
        path
    }

    fn system_player(dir: &Path) -> (Player, Recorder, Capture) {
        let capture = Capture::open(dir);
        let rec = Recorder::default();
        let player = Player::spawn(rec.callback());
        // The capture reads only as far as the test allows, so the output
        // must not close behind a test's back (closing waits for the sound
        // system's thread, which waits for the test to read).
        let long = Duration::from_secs(600);
        let s = player.keep_output_open(long, long);
        assert_ne!(s.status, PlayerStatus::NoOutput, "{s:?}");
        (player, rec, capture)
    }

    #[test]
    fn a_tone_comes_out_whole_at_its_pitch() {
        in_child(
            "playback::alsa::a_tone_comes_out_whole_at_its_pitch",
            |d| capture_config(&d.join("capture.fifo")),
            |dir| {
                let wav = wav_in(dir, "a440.wav", &[(440.0, 1.0)]);
                let (player, rec, capture) = system_player(dir);
                let s = player
                    .play("Test".into(), vec![item(&wav, "A 440")], 0)
                    .unwrap();
                assert_eq!(s.status, PlayerStatus::Playing);
                // Enough for the tone and some after.
                capture.advance((RATE * 2.5) as usize);
                rec.wait(|s| s.status == PlayerStatus::Stopped);
                let samples = capture.samples();
                let left = capture.left();
                let spans = sounding(&left);
                assert_eq!(spans.len(), 1, "one unbroken tone: {spans:?}");
                let (a, b) = spans[0];
                let length = seconds(b - a);
                assert!((length - 1.0).abs() <= 0.05, "{length:.3} s");
                let hz = frequency(&left[a..b], RATE);
                assert!((hz - 440.0).abs() <= 440.0 * 0.02, "{hz:.1} Hz");
                let p = peak(&left[a..b]);
                assert!((p - 0.5).abs() < 0.03, "peak {p}");
                // A mono song comes out of both speakers alike.
                let right: Vec<f32> = samples.iter().skip(1).step_by(2).copied().collect();
                assert_eq!(&left[a..b], &right[a..b]);
                // Before and after: true silence.
                assert!(left[..a].iter().chain(&left[b..]).all(|s| s.abs() < 1e-4));
                capture.finish(player);
            },
        );
    }

    #[test]
    fn pause_holds_the_music_and_resume_carries_on() {
        in_child(
            "playback::alsa::pause_holds_the_music_and_resume_carries_on",
            |d| capture_config(&d.join("capture.fifo")),
            |dir| {
                let wav = wav_in(dir, "a440-3s.wav", &[(440.0, 3.0)]);
                let (player, rec, capture) = system_player(dir);
                player
                    .play("Test".into(), vec![item(&wav, "A 440")], 0)
                    .unwrap();
                capture.advance_until((RATE * 5.0) as usize, |l| {
                    heard_frames(l) as f64 >= RATE * 0.3
                });
                let paused = player.pause();
                assert_eq!(paused.status, PlayerStatus::Paused);
                let before = capture.frames();
                // Two seconds of output while paused.
                capture.advance((RATE * 2.0) as usize);
                let left = capture.left();
                // What was already on its way may still come out, ending in a
                // short ramp; after that, nothing but silence, for well over a
                // second.
                let last_sound = left.iter().rposition(|s| *s != 0.0).unwrap();
                assert!(
                    last_sound < before + (RATE * 0.6) as usize,
                    "music kept coming while paused"
                );
                assert!(left.len() - last_sound > (RATE * 1.4) as usize);
                assert_eq!(
                    player.state().position_ms,
                    paused.position_ms,
                    "the place is held"
                );

                let resumed = player.resume();
                assert_eq!(resumed.status, PlayerStatus::Playing);
                capture.advance((RATE * 4.0) as usize);
                rec.wait(|s| s.status == PlayerStatus::Stopped);
                let left = capture.left();
                let spans = sounding(&left);
                assert_eq!(spans.len(), 2, "{spans:?}");
                // Nothing lost and nothing repeated: three seconds in all.
                let heard = seconds(heard_frames(&left));
                assert!((heard - 3.0).abs() <= 0.05, "{heard:.3} s heard");
                for (a, b) in spans {
                    let hz = frequency(&left[a + 960..b - 960], RATE);
                    assert!((hz - 440.0).abs() <= 440.0 * 0.02, "{hz:.1} Hz");
                }
                capture.finish(player);
            },
        );
    }

    /// The frequency of each 20 ms of sound, from the spacing of its waves:
    /// 0 for silence.
    fn pitches(left: &[f32]) -> Vec<f64> {
        left.chunks((RATE / 50.0) as usize)
            .map(|w| {
                let rising: Vec<usize> = (1..w.len())
                    .filter(|&i| w[i - 1] <= 0.0 && w[i] > 0.0)
                    .collect();
                if peak(w) < 0.1 || rising.len() < 3 {
                    return 0.0;
                }
                RATE * (rising.len() - 1) as f64 / (rising[rising.len() - 1] - rising[0]) as f64
            })
            .collect()
    }

    #[test]
    fn seeking_plays_from_the_new_place() {
        in_child(
            "playback::alsa::seeking_plays_from_the_new_place",
            |d| capture_config(&d.join("capture.fifo")),
            |dir| {
                // One second of A 440, then one of A 880.
                let wav = wav_in(dir, "steps.wav", &[(440.0, 1.0), (880.0, 1.0)]);
                let (player, rec, capture) = system_player(dir);
                player
                    .play("Test".into(), vec![item(&wav, "Steps")], 0)
                    .unwrap();
                capture.advance_until((RATE * 5.0) as usize, |l| {
                    heard_frames(l) as f64 >= RATE * 0.2
                });
                let s = player.seek(1500);
                assert_eq!(s.status, PlayerStatus::Playing);
                assert!(s.position_ms.abs_diff(1500) <= 50, "{s:?}");
                capture.advance((RATE * 3.0) as usize);
                rec.wait(|s| s.status == PlayerStatus::Stopped);
                let p = pitches(&capture.left());
                let is = |hz: f64, want: f64| (hz - want).abs() <= want * 0.05;
                let first_high = p
                    .iter()
                    .position(|hz| is(*hz, 880.0))
                    .expect("the 880 Hz half");
                // Only the low half before the jump, only the high half after
                // (the window holding the jump's short crossfade is a mixture).
                let before = &p[..first_high.saturating_sub(1)];
                assert!(
                    before.iter().all(|hz| *hz == 0.0 || is(*hz, 440.0)),
                    "{p:?}"
                );
                // The jump came well before the low half's end (1 s).
                assert!(
                    before.iter().filter(|hz| is(**hz, 440.0)).count() < 40,
                    "{p:?}"
                );
                assert!(
                    p[first_high..]
                        .iter()
                        .all(|hz| *hz == 0.0 || is(*hz, 880.0) || *hz > 440.0 * 1.5),
                    "{p:?}"
                );
                // From 1.5 s to the end is half a second of 880 Hz: walk back
                // from the end of the sound while the waves are 880 Hz ones.
                let left = capture.left();
                let end = sounding(&left).last().unwrap().1;
                let rising: Vec<usize> = (1..end)
                    .filter(|&i| left[i - 1] <= 0.0 && left[i] > 0.0)
                    .collect();
                let short = (RATE / 660.0) as usize; // between the two periods
                let mut k = rising.len() - 1;
                while k > 0 && rising[k] - rising[k - 1] < short {
                    k -= 1;
                }
                let high = seconds(end - rising[k]);
                assert!((high - 0.5).abs() <= 0.05, "{high:.3} s of 880 Hz");
                capture.finish(player);
            },
        );
    }

    #[test]
    fn fade_out_ramps_down_to_silence_then_the_volume_is_back() {
        in_child(
            "playback::alsa::fade_out_ramps_down_to_silence_then_the_volume_is_back",
            |d| capture_config(&d.join("capture.fifo")),
            |dir| {
                let wav = wav_in(dir, "a440-4s.wav", &[(440.0, 4.0)]);
                let (player, rec, capture) = system_player(dir);
                player
                    .play("Test".into(), vec![item(&wav, "A 440")], 0)
                    .unwrap();
                capture.advance_until((RATE * 5.0) as usize, |l| {
                    heard_frames(l) as f64 >= RATE * 0.3
                });
                assert_eq!(player.fade_out(1000).status, PlayerStatus::Playing);
                capture.advance((RATE * 3.0) as usize);
                let stopped = rec.wait(|s| s.status == PlayerStatus::Stopped);
                assert_eq!(stopped.volume, 1.0);
                let left = capture.left();
                let spans = sounding(&left);
                assert_eq!(spans.len(), 1, "{spans:?}");
                let (a, b) = spans[0];
                // Peaks of each 20 ms: full, then falling, never rising, to silence.
                let w = (RATE / 50.0) as usize;
                let peaks: Vec<f32> = left[a..b].chunks(w).map(peak).collect();
                let falling = peaks.iter().position(|p| *p < 0.45).expect("a fade");
                assert!(peaks[..falling].iter().all(|p| *p > 0.45));
                assert!(
                    peaks[falling..].windows(2).all(|x| x[1] <= x[0] + 0.005),
                    "{peaks:?}"
                );
                let fade_s = seconds((peaks.len() - falling) * w);
                assert!((0.8..1.1).contains(&fade_s), "faded over {fade_s:.2} s");
                assert!(seconds(b - a) < 2.0, "it stopped early");
                let last = left.iter().rposition(|s| *s != 0.0).unwrap();
                assert!(
                    seconds(last - b) < 0.3,
                    "the quiet end of the fade, then silence"
                );

                // The next song plays at the volume set, not at the fade's end.
                player.set_volume(0.5);
                let before = capture.frames();
                player
                    .play("Test".into(), vec![item(&wav, "A 440")], 0)
                    .unwrap();
                capture.advance_until((RATE * 5.0) as usize, |l| {
                    heard_frames(&l[before.min(l.len())..]) as f64 >= RATE * 0.3
                });
                let left = capture.left();
                let p = peak(&left[before..]);
                // Volume 0.5 is a gain of 0.25: a peak of 0.125.
                assert!((p - 0.125).abs() < 0.01, "peak {p}");
                player.stop();
                capture.finish(player);
            },
        );
    }

    /// Makes `config` ALSA's configuration from now on (ALSA rereads a
    /// configuration file that changed).
    fn replace_config(dir: &Path, config: &str) {
        let next = dir.join("asound.conf.new");
        fs::write(&next, config).unwrap();
        fs::rename(&next, dir.join("asound.conf")).unwrap();
    }

    #[test]
    fn the_output_is_let_go_while_nothing_plays_and_opened_again_to_play() {
        in_child(
            "playback::alsa::the_output_is_let_go_while_nothing_plays_and_opened_again_to_play",
            |d| capture_config(&d.join("capture.fifo")),
            |dir| {
                let wav = wav_in(dir, "a440.wav", &[(440.0, 1.0)]);
                let tone = || vec![item(&wav, "A 440")];
                // While the test reads what a song played, the output stays
                // open (the pipe is read only as far as the test allows);
                // after, it may close half a second after the music ends.
                let (long, short) = (Duration::from_secs(600), Duration::from_millis(500));
                let capture = Capture::open(dir);
                let rec = Recorder::default();
                let player = Player::spawn(rec.callback());
                player.keep_output_open(long, long);
                player.play("Test".into(), tone(), 0).unwrap();
                capture.advance((RATE * 2.5) as usize);
                rec.wait(|s| s.status == PlayerStatus::Stopped);
                // Nothing to play: the player closes the output, and ALSA
                // closes the pipe it was writing silence into.
                player.keep_output_open(short, long);
                assert!(capture.until_closed(), "the output was never closed");
                assert!(!player.output_open());
                let s = player.state();
                assert_eq!((s.status, s.message), (PlayerStatus::Stopped, None));

                // Play opens it again, and the song comes out whole.
                let capture = Capture::open(dir);
                let n = rec.len();
                player.keep_output_open(long, long);
                let s = player.play("Test".into(), tone(), 0).unwrap();
                assert_eq!(s.status, PlayerStatus::Playing, "{s:?}");
                capture.advance((RATE * 2.5) as usize);
                rec.wait_from(n, |s| s.status == PlayerStatus::Stopped);
                let left = capture.left();
                let spans = sounding(&left);
                assert_eq!(spans.len(), 1, "one unbroken tone: {spans:?}");
                let (a, b) = spans[0];
                let length = seconds(b - a);
                assert!((length - 1.0).abs() <= 0.05, "{length:.3} s");
                let hz = frequency(&left[a..b], RATE);
                assert!((hz - 440.0).abs() <= 440.0 * 0.02, "{hz:.1} Hz");
                player.keep_output_open(short, long);
                assert!(capture.until_closed(), "the output was never closed");

                // Unplugged while nothing played: the next play says so, as
                // when there was no output at all, and everything answers.
                replace_config(dir, NO_DEVICE_CONFIG);
                let s = player.play("Test".into(), tone(), 0).unwrap();
                assert_eq!(s.status, PlayerStatus::NoOutput, "{s:?}");
                let message = s.message.unwrap();
                assert!(message.starts_with("No sound output found."), "{message}");
                assert_eq!(s.track.unwrap().title, "A 440");
                for s in [player.next(), player.seek(300), player.retry_output()] {
                    assert_eq!(s.status, PlayerStatus::NoOutput, "{s:?}");
                }

                // Plugged in again: found, and the song plays. (Kept open
                // from here: the capture reads only once the song plays.)
                player.keep_output_open(long, long);
                replace_config(dir, &capture_config(&dir.join("capture.fifo")));
                let capture = Capture::open(dir);
                assert!(
                    eventually(|| player.state().status != PlayerStatus::NoOutput),
                    "the output was not found again"
                );
                let s = player.resume();
                assert_eq!(s.status, PlayerStatus::Playing, "{s:?}");
                capture.hears_tone(440.0, 0.02);
                capture.finish(player);
            },
        );
    }

    #[test]
    fn with_no_sound_card_the_player_says_so_and_keeps_working() {
        in_child(
            "playback::alsa::with_no_sound_card_the_player_says_so_and_keeps_working",
            |_| NO_DEVICE_CONFIG.to_string(),
            |dir| {
                let rec = Recorder::default();
                let player = Player::spawn(rec.callback());
                let s = player.state();
                assert_eq!(s.status, PlayerStatus::NoOutput);
                let message = s.message.unwrap();
                assert!(message.starts_with("No sound output found."), "{message}");
                assert!(
                    rec.all().iter().any(|s| s.status == PlayerStatus::NoOutput),
                    "reported too"
                );

                let queue = vec![
                    item(&fixture("daisy-bell.flac"), "Daisy Bell"),
                    item(&fixture("tipperary.mp3"), "Tipperary"),
                ];
                let s = player.play("Thursday".into(), queue, 0).unwrap();
                assert_eq!(s.status, PlayerStatus::NoOutput);
                assert!(s
                    .message
                    .as_deref()
                    .unwrap()
                    .starts_with("No sound output found."));
                assert_eq!(
                    (s.queue_index, s.track.unwrap().title.as_str()),
                    (Some(0), "Daisy Bell")
                );
                // Every command answers, none panics.
                for s in [
                    player.pause(),
                    player.resume(),
                    player.next(),
                    player.previous(),
                    player.seek(500),
                    player.set_volume(0.4),
                    player.set_looping(true),
                    player.fade_out(500),
                    player.retry_output(),
                    player.stop(),
                ] {
                    assert_eq!(s.status, PlayerStatus::NoOutput, "{s:?}");
                }
                assert_eq!(player.state().volume, 0.4);

                // Speakers plugged in: the configuration now has a working
                // output (ALSA rereads a configuration file that changed).
                let fifo = dir.join("capture.fifo");
                let next = dir.join("asound.conf.new");
                fs::write(&next, capture_config(&fifo)).unwrap();
                fs::rename(&next, dir.join("asound.conf")).unwrap();
                let capture = Capture::open(dir);
                // The player finds it by itself, without "Try again".
                let deadline = std::time::Instant::now() + Duration::from_secs(15);
                while player.state().status == PlayerStatus::NoOutput {
                    assert!(
                        std::time::Instant::now() < deadline,
                        "the new output was not found"
                    );
                    std::thread::sleep(Duration::from_millis(100));
                }
                let s = player.state();
                assert_eq!(s.status, PlayerStatus::Paused, "{s:?}");
                assert_eq!(s.message, None);
                assert!(
                    rec.all().iter().any(|r| r.status == PlayerStatus::Paused),
                    "the window is told the output is back"
                );
                let s = player.resume();
                assert_eq!(s.status, PlayerStatus::Playing, "{s:?}");
                capture.hears_tone(550.0, 0.03);
                capture.finish(player);
            },
        );
    }
}
