//! The real app's commands for the UI's own tests: the same handler, state and
//! core as the desktop app, on Tauri's mock runtime, spoken to as JSON lines.
//! The UI's Vitest suites that exercise whole screens run against this, so
//! they test the app's rules and messages, not a stand-in's.
//!
//! Each line read on stdin is `{"id": N, "cmd": "...", "args": {...}}`; each
//! answer on stdout is `{"id": N, "ok": value}` or `{"id": N, "err": {code,
//! message, field}}`, and every event the app emits arrives as
//! `{"event": "...", "payload": value}`. Requests are answered concurrently
//! (a long import does not hold up its own cancel), as in the app.
//!
//! The data lives in a fresh temporary folder, removed on exit, and the music
//! plays in real time into a pipe that nothing hears. With
//! `--vault` the app starts as on a first run (a passphrase to set, with the
//! key derivation made fast for tests); otherwise the records are open in a
//! plain store.
//!
//! Built by `cargo test` (an example of the app package):
//! `target/debug/examples/ui-bridge`.

use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};

use refrain_app::state::AppState;
use refrain_core::vault::KdfParams;
use refrain_core::Store;
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{Listener, WebviewWindow};

mod ipc;

/// Every event the app emits to the window.
const EVENTS: &[&str] = &[
    "player-state",
    "import-progress",
    "export-progress",
    "people-import-progress",
];

/// A sound output that plays in real time into nothing: ALSA writes the
/// samples (48 kHz stereo float) into a named pipe, and a thread here reads
/// them at the pace a sound card would. Tests have no speakers, and the
/// player must still play, pause and move on as in a room.
fn silent_output(dir: &std::path::Path) -> std::path::PathBuf {
    let fifo = dir.join("sound.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo (coreutils)");
    assert!(made.success(), "mkfifo failed");
    let config = dir.join("asound.conf");
    std::fs::write(
        &config,
        format!(
            r#"pcm.!default {{
    type plug
    slave {{
        pcm {{ type file slave.pcm {{ type null }} file "{}" format "raw" }}
        format FLOAT_LE
        rate 48000
        channels 2
    }}
}}
"#,
            fifo.display()
        ),
    )
    .expect("the sound output's configuration");
    std::thread::spawn(move || {
        use std::io::Read;
        // Opening blocks until ALSA opens the pipe to write; then 10 ms of
        // sound every 10 ms, for as long as the app runs.
        let Ok(mut pipe) = std::fs::File::open(&fifo) else {
            return;
        };
        let mut buf = vec![0u8; 48_000 * 2 * 4 / 100];
        loop {
            let started = std::time::Instant::now();
            match pipe.read(&mut buf) {
                Ok(0) => {
                    // The player closed its output; wait for it to open again.
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    match std::fs::File::open(&fifo) {
                        Ok(p) => pipe = p,
                        Err(_) => return,
                    }
                }
                Ok(_) => {
                    let left =
                        std::time::Duration::from_millis(10).saturating_sub(started.elapsed());
                    std::thread::sleep(left);
                }
                Err(_) => return,
            }
        }
    });
    config
}

fn main() {
    let vault = std::env::args().any(|a| a == "--vault");
    let dir = tempfile::tempdir().expect("a temporary folder");
    // Before the player thread starts and ALSA reads its configuration.
    std::env::set_var("ALSA_CONFIG_PATH", silent_output(dir.path()));
    let data = dir.path().join("data");
    let state = if vault {
        AppState::open_in_with(Some(data), KdfParams::insecure_for_tests())
    } else {
        AppState::from_store(Store::open_in_dir(&data).expect("a new store"))
    };
    let app = refrain_app::with_app(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .expect("the app builds on the mock runtime");
    let window: WebviewWindow<MockRuntime> =
        tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("the main window");

    let out = Arc::new(Mutex::new(std::io::stdout()));
    let say = {
        let out = Arc::clone(&out);
        move |v: Value| {
            let mut o = out.lock().unwrap();
            let _ = writeln!(o, "{v}");
            let _ = o.flush();
        }
    };
    for event in EVENTS {
        let say = say.clone();
        let name = event.to_string();
        app.listen_any(*event, move |e| {
            let payload: Value = serde_json::from_str(e.payload()).unwrap_or(Value::Null);
            say(json!({"event": name, "payload": payload}));
        });
    }

    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let request: Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("ui-bridge: not JSON: {e}");
                continue;
            }
        };
        let window = window.clone();
        let say = say.clone();
        std::thread::spawn(move || {
            let id = request["id"].clone();
            let cmd = request["cmd"].as_str().unwrap_or_default().to_string();
            let args = match &request["args"] {
                Value::Null => json!({}),
                a => a.clone(),
            };
            match ipc::invoke(&window, &cmd, args) {
                Ok(value) => say(json!({"id": id, "ok": value})),
                Err(err) => say(json!({"id": id, "err": err})),
            }
        });
    }
    drop(app);
    drop(dir);
}
