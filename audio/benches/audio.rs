//! The audio engine's figures: how soon a song is heard, how fast each format
//! decodes (beside ffmpeg), and how much memory a long file takes.
//!
//!     cargo bench -p refrain-core --bench audio
//!
//! Sound goes to ALSA's `null` device (set up for this process through
//! ALSA_CONFIG_PATH), which takes samples as fast as they come: the figures
//! are the engine's own, with no sound card's buffering on top. Set
//! REFRAIN_BENCH_REAL_OUTPUT=1 to use the system's default output instead
//! (you will hear tones). The long test files are generated with ffmpeg into
//! a temporary folder; without ffmpeg those parts are skipped, saying so.
//! See docs/audio.md.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use refrain_audio::{probe, Player, QueueItem, TrackDecoder};
use refrain_core::model::{PlayerStatus, Track};

/// Goals, from the design: a song is heard within 20 ms of "play"; a
/// 60-minute file adds less than 5 MB while it plays.
const START_GOAL_MS: f64 = 20.0;
const MEMORY_GOAL_MB: f64 = 5.0;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio");
    [
        "untitled-tone.wav",
        "daisy-bell.flac",
        "tipperary.mp3",
        "frere-jacques.ogg",
        "harvest-moon.m4a",
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect()
}

fn ffmpeg_available() -> bool {
    Command::new("ffmpeg")
        .arg("-version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn ffmpeg(args: &[&str]) -> bool {
    Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Something like music for the encoders: two tones a fifth apart, slowly
/// beating, with a little noise (a pure tone flatters lossy encoders).
fn music_source(seconds: u32) -> Vec<String> {
    let d = seconds.to_string();
    vec![
        "-f".into(),
        "lavfi".into(),
        "-i".into(),
        format!("sine=frequency=440:sample_rate=44100:duration={d}"),
        "-f".into(),
        "lavfi".into(),
        "-i".into(),
        format!("sine=frequency=661:sample_rate=44100:duration={d}"),
        "-f".into(),
        "lavfi".into(),
        "-i".into(),
        format!("anoisesrc=color=pink:amplitude=0.02:sample_rate=44100:duration={d}"),
        "-filter_complex".into(),
        "[0][1][2]amix=inputs=3,pan=stereo|c0=c0|c1=c0".into(),
    ]
}

fn make(path: &Path, seconds: u32, codec: &[&str]) -> bool {
    let mut args = music_source(seconds);
    args.extend(codec.iter().map(|s| s.to_string()));
    args.push(path.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ffmpeg(&args)
}

fn track(path: &Path) -> QueueItem {
    let now = String::new();
    QueueItem {
        track: Track {
            id: path.display().to_string(),
            title: path.file_stem().unwrap().to_string_lossy().into_owned(),
            artist: String::new(),
            album: String::new(),
            year: None,
            duration_ms: None,
            sample_rate: None,
            channels: None,
            format: path.extension().unwrap().to_string_lossy().into_owned(),
            original_name: String::new(),
            tags: vec![],
            missing: false,
            created_at: now.clone(),
            updated_at: now,
        },
        path: path.to_path_buf(),
    }
}

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the kernel's peak-RSS mark (VmHWM) to the current RSS.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn wait_for(player: &Player, what: impl Fn(PlayerStatus) -> bool, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if what(player.state().status) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

// ---------------------------------------------------------------------------

fn start_latency() {
    println!("\n(a) From play to the first sample handed to the output");
    let player = Player::spawn(|_| {});
    if player.state().status == PlayerStatus::NoOutput {
        println!("    skipped: no sound output could be opened");
        return;
    }
    let files = fixtures();
    let mut ms = Vec::new();
    // A first play warms the file cache and the decoders' tables.
    let _ = player.play("warm".into(), vec![track(&files[0])], 0);
    for round in 0..10 {
        for f in &files {
            player.stop();
            let t = Instant::now();
            if player.play("bench".into(), vec![track(f)], 0).is_err() {
                continue;
            }
            while player.start_latency().is_none() && t.elapsed() < Duration::from_secs(5) {
                std::hint::spin_loop();
            }
            if let Some(latency) = player.start_latency() {
                ms.push(latency.as_secs_f64() * 1000.0);
            }
            let _ = round;
        }
    }
    player.stop();
    ms.sort_by(f64::total_cmp);
    if ms.is_empty() {
        println!("    no sample reached the output");
        return;
    }
    println!(
        "    {} plays of the five fixtures: median {:.2} ms, 95th percentile {:.2} ms, worst {:.2} ms (goal < {START_GOAL_MS} ms) {}",
        ms.len(),
        percentile(&ms, 0.5),
        percentile(&ms, 0.95),
        ms[ms.len() - 1],
        if percentile(&ms, 0.95) < START_GOAL_MS { "ok" } else { "OVER GOAL" }
    );
}

/// The same, when the player has closed its output (nothing played for a
/// while): the time to open the output again comes on top.
fn start_latency_after_close() {
    println!("\n(a2) From play to the first sample, the output closed before each play");
    let player = Player::spawn(|_| {});
    if player.state().status == PlayerStatus::NoOutput {
        println!("    skipped: no sound output could be opened");
        return;
    }
    // Closed as soon as nothing plays.
    player.keep_output_open(Duration::ZERO, Duration::ZERO);
    let files = fixtures();
    let _ = player.play("warm".into(), vec![track(&files[0])], 0);
    let mut ms = Vec::new();
    for _ in 0..4 {
        for f in &files {
            player.stop();
            let t = Instant::now();
            while player.output_open() && t.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(5));
            }
            if player.output_open() {
                println!("    the output did not close");
                return;
            }
            let t = Instant::now();
            if player.play("bench".into(), vec![track(f)], 0).is_err() {
                continue;
            }
            while player.start_latency().is_none() && t.elapsed() < Duration::from_secs(5) {
                std::hint::spin_loop();
            }
            if let Some(latency) = player.start_latency() {
                ms.push(latency.as_secs_f64() * 1000.0);
            }
        }
    }
    player.stop();
    ms.sort_by(f64::total_cmp);
    if ms.is_empty() {
        println!("    no sample reached the output");
        return;
    }
    println!(
        "    {} plays of the five fixtures: median {:.2} ms, 95th percentile {:.2} ms, worst {:.2} ms (goal < {START_GOAL_MS} ms) {}",
        ms.len(),
        percentile(&ms, 0.5),
        percentile(&ms, 0.95),
        ms[ms.len() - 1],
        if percentile(&ms, 0.95) < START_GOAL_MS { "ok" } else { "OVER GOAL" }
    );
}

/// Decodes a whole file the way the player does; returns (seconds of audio, time taken).
fn decode(path: &Path) -> Option<(f64, Duration)> {
    let t = Instant::now();
    let mut d = TrackDecoder::open(path).ok()?;
    let rate = d.sample_rate_hz();
    let mut sum = 0.0f32;
    for s in d.by_ref() {
        sum += s;
    }
    black_box(sum);
    let elapsed = t.elapsed();
    Some((d.position_frames() as f64 / f64::from(rate), elapsed))
}

/// ffmpeg's own time (its `-benchmark` rtime, without process start-up) to
/// decode the same file, on one thread.
fn ffmpeg_decode(path: &Path) -> Option<Duration> {
    let out = Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-nostdin",
            "-benchmark",
            "-threads",
            "1",
            "-i",
        ])
        .arg(path)
        .args(["-f", "null", "-"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let rtime = text.split("rtime=").nth(1)?.split('s').next()?;
    rtime
        .trim()
        .parse::<f64>()
        .ok()
        .map(Duration::from_secs_f64)
}

fn throughput(work: &Path, have_ffmpeg: bool) {
    println!("\n(b) Decoding speed (whole file, one thread; x = times faster than real time)");
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    if have_ffmpeg {
        let long: &[(&str, &[&str])] = &[
            ("wav", &["-c:a", "pcm_s16le"]),
            ("flac", &["-c:a", "flac"]),
            ("mp3", &["-c:a", "libmp3lame", "-b:a", "192k"]),
            ("ogg", &["-c:a", "libvorbis", "-q:a", "5"]),
            ("m4a", &["-c:a", "aac", "-b:a", "192k"]),
        ];
        for (ext, codec) in long {
            let path = work.join(format!("five-minutes.{ext}"));
            if make(&path, 300, codec) {
                files.push((format!("{ext}, 5 min stereo"), path));
            } else {
                println!("    could not make a 5-minute {ext} with ffmpeg");
            }
        }
    } else {
        println!(
            "    ffmpeg not found: timing the short fixtures only, and no comparison with ffmpeg"
        );
        for f in fixtures() {
            files.push((
                format!("{} (fixture)", f.file_name().unwrap().to_string_lossy()),
                f,
            ));
        }
    }
    println!(
        "    {:<22} {:>9} {:>10} {:>9} {:>12} {:>9}",
        "file", "audio", "Refrain", "x", "ffmpeg", "ratio"
    );
    for (label, path) in &files {
        // Best of three, after one run to warm the file cache.
        let _ = decode(path);
        let runs: Vec<(f64, Duration)> = (0..3).filter_map(|_| decode(path)).collect();
        let Some((secs, ours)) = runs.iter().min_by_key(|r| r.1).copied() else {
            println!("    {label}: could not be decoded");
            continue;
        };
        let theirs = if have_ffmpeg {
            (0..3).filter_map(|_| ffmpeg_decode(path)).min()
        } else {
            None
        };
        let (theirs_text, ratio_text) = match theirs {
            Some(t) => (
                format!("{:.1} ms", t.as_secs_f64() * 1000.0),
                format!("{:.2}", ours.as_secs_f64() / t.as_secs_f64().max(1e-9)),
            ),
            None => ("-".into(), "-".into()),
        };
        println!(
            "    {:<22} {:>8.1}s {:>7.1} ms {:>8.0}x {:>12} {:>9}",
            label,
            secs,
            ours.as_secs_f64() * 1000.0,
            secs / ours.as_secs_f64().max(1e-9),
            theirs_text,
            ratio_text
        );
    }
    if have_ffmpeg {
        println!("    ratio = Refrain's time / ffmpeg's (below 1: Refrain is faster). ffmpeg: `ffmpeg -benchmark -threads 1 -i FILE -f null -`, its rtime.");
    }
}

fn memory(work: &Path, have_ffmpeg: bool) {
    println!("\n(c) Memory while decoding and playing a 60-minute FLAC");
    if !have_ffmpeg {
        println!("    skipped: ffmpeg not found (it makes the 60-minute file)");
        return;
    }
    let path = work.join("sixty-minutes.flac");
    let t = Instant::now();
    if !make(&path, 3600, &["-c:a", "flac"]) {
        println!("    skipped: ffmpeg could not make the file");
        return;
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "    made a {:.0} MB, 60-minute stereo FLAC in {:.1} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    match probe(&path) {
        Ok(info) => println!(
            "    probe: {:?} ms, {:?} Hz, {:?} channels",
            info.duration_ms, info.sample_rate, info.channels
        ),
        Err(e) => println!("    probe failed: {e}"),
    }

    // Decoding it all, straight through.
    let Some(before) = status_kb("VmRSS:") else {
        println!("    skipped: /proc/self/status not readable");
        return;
    };
    let peak_reset = reset_peak();
    let mut sampled_peak = before;
    let t = Instant::now();
    let Ok(mut d) = TrackDecoder::open(&path) else {
        println!("    the file could not be opened");
        return;
    };
    let mut n: u64 = 0;
    let mut sum = 0.0f32;
    for s in d.by_ref() {
        sum += s;
        n += 1;
        if n.is_multiple_of(44_100 * 2 * 30) {
            sampled_peak = sampled_peak.max(status_kb("VmRSS:").unwrap_or(0));
        }
    }
    black_box(sum);
    let took = t.elapsed();
    let hwm = if peak_reset {
        status_kb("VmHWM:")
    } else {
        None
    };
    let peak = hwm.unwrap_or(0).max(sampled_peak);
    let growth = mb(peak.saturating_sub(before));
    println!(
        "    decoding: {:.0} min of music in {:.1} s; RSS {:.1} MB before, peak {:.1} MB: +{:.2} MB (goal < {MEMORY_GOAL_MB} MB) {}",
        n as f64 / 2.0 / 44_100.0 / 60.0,
        took.as_secs_f64(),
        mb(before),
        mb(peak),
        growth,
        if growth < MEMORY_GOAL_MB { "ok" } else { "OVER GOAL" }
    );
    drop(d);

    // Playing it through the player: the null output takes samples as fast
    // as they come, so the hour goes by in well under a minute.
    let player = Player::spawn(|_| {});
    if player.state().status == PlayerStatus::NoOutput {
        println!("    playing: skipped, no sound output could be opened");
        return;
    }
    std::thread::sleep(Duration::from_millis(200));
    let before = status_kb("VmRSS:").unwrap_or(0);
    let peak_reset = reset_peak();
    let t = Instant::now();
    if player.play("bench".into(), vec![track(&path)], 0).is_err() {
        println!("    playing: the player refused the file");
        return;
    }
    let mut sampled_peak = before;
    let mut last_position = 0;
    let finished = loop {
        let s = player.state();
        sampled_peak = sampled_peak.max(status_kb("VmRSS:").unwrap_or(0));
        if s.status == PlayerStatus::Stopped {
            break true;
        }
        last_position = s.position_ms;
        if t.elapsed() > Duration::from_secs(180) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let took = t.elapsed();
    let hwm = if peak_reset {
        status_kb("VmHWM:")
    } else {
        None
    };
    let peak = hwm.unwrap_or(0).max(sampled_peak);
    let growth = mb(peak.saturating_sub(before));
    let played = if finished {
        "the whole hour".to_string()
    } else {
        format!("{:.0} min", last_position as f64 / 60_000.0)
    };
    println!(
        "    playing: {played} in {:.1} s; RSS {:.1} MB before, peak {:.1} MB: +{:.2} MB (goal < {MEMORY_GOAL_MB} MB) {}",
        took.as_secs_f64(),
        mb(before),
        mb(peak),
        growth,
        if growth < MEMORY_GOAL_MB { "ok" } else { "OVER GOAL" }
    );
    // Seeking about the hour.
    if player.play("bench".into(), vec![track(&path)], 0).is_ok() {
        let t = Instant::now();
        for ms in [30 * 60_000, 59 * 60_000, 10_000, 45 * 60_000] {
            player.seek(ms);
        }
        println!(
            "    four seeks across the hour: {:.1} ms in all",
            t.elapsed().as_secs_f64() * 1000.0
        );
        player.stop();
    }
    let _ = wait_for(
        &player,
        |s| s == PlayerStatus::Stopped,
        Duration::from_secs(5),
    );
}

fn main() {
    // `cargo bench` passes --bench; a filter argument is not used.
    let work = tempfile::tempdir().expect("a temporary folder");
    if std::env::var_os("REFRAIN_BENCH_REAL_OUTPUT").is_none() {
        let conf = work.path().join("asound.conf");
        std::fs::write(&conf, "pcm.!default { type null }\n").expect("ALSA configuration");
        // Before anything opens ALSA (it reads its configuration once), and
        // before any thread starts.
        std::env::set_var("ALSA_CONFIG_PATH", &conf);
    }
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!("Refrain audio benchmark: {cpu}, {cores} cores");
    println!(
        "Output: {}",
        if std::env::var_os("REFRAIN_BENCH_REAL_OUTPUT").is_some() {
            "the system's default"
        } else {
            "ALSA null device"
        }
    );
    let have_ffmpeg = ffmpeg_available();
    if !have_ffmpeg {
        println!(
            "ffmpeg not found: the comparison with ffmpeg and the 60-minute file are skipped."
        );
    }
    let t = Instant::now();
    memory(work.path(), have_ffmpeg);
    start_latency();
    start_latency_after_close();
    throughput(work.path(), have_ffmpeg);
    println!("\nDone in {:.0} s.", t.elapsed().as_secs_f64());
}
