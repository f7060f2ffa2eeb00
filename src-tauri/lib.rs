//! Refrain's desktop shell: window set-up, app state and thin commands over
//! refrain-core. No rule of the domain lives here.

pub mod backup;
pub mod bindings;
pub mod commands;
pub mod error;
pub mod keychain;
pub mod music;
pub mod people;
pub mod reports;
pub mod state;
pub mod team;

use state::AppState;
use tauri::Manager;

/// Gives a builder Refrain's state and commands, on any Tauri runtime (the
/// real one, or the mock runtime in tests).
pub fn with_app<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    state: AppState,
) -> tauri::Builder<R> {
    builder
        .manage(state)
        // The player lives as long as the app, whatever screen is showing.
        .manage(music::MusicState::start())
        .manage(team::TeamState::default())
        .setup(|app| {
            app.state::<music::MusicState>().connect(app.handle());
            backup::start(app.handle());
            team::start(app.handle());
            Ok(())
        })
        // Every `#[tauri::command]` in commands.rs, listed by build.rs (the
        // same list gives the permissions and the UI's TypeScript contract).
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handler.rs")))
}

pub fn run() {
    draw_without_compositing();
    // The single-instance plugin goes first: a second launch hands over to
    // the running Refrain (which comes to the front) and ends before it
    // opens anything. Two windows on one store would only confuse.
    let builder =
        tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }));
    with_app(builder, AppState::open())
        .plugin(tauri_plugin_dialog::init())
        .build(tauri::generate_context!("tauri.conf.json"))
        .expect("error while running Refrain")
        .run(|app, event| {
            // A backup as Refrain closes, if anything changed since the last.
            if let tauri::RunEvent::Exit = event {
                backup::on_exit(app);
                // Refrain's own Syncthing ends with Refrain.
                app.state::<team::TeamState>().stop_carrier();
            }
        });
}

/// The variable WebKitGTK reads to draw a window without its compositing
/// mode.
const COMPOSITING_SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Draws the window without WebKitGTK's compositing mode, unless whoever
/// started Refrain said otherwise (`WEBKIT_DISABLE_COMPOSITING_MODE=0` keeps
/// it). Refrain's pages are forms and lists; while music plays only the
/// player's time text and slider change, once a second. In compositing mode
/// each of those changes recomposites the whole window through OpenGL (in
/// software where there is no GPU driver), and the web process loads an
/// OpenGL stack; without it WebKit paints just the changed area.
/// `docs/performance.md` ("Drawing without compositing") has the
/// measurements: playing on the Music screen went from 7.75% of a core to
/// 3.95%, and all processes' memory from about 660 to about 460 MB.
///
/// Called first in `run()`, before any thread is started, so setting the
/// process's environment is sound; WebKit's processes inherit it.
fn draw_without_compositing() {
    if cfg!(target_os = "linux") && std::env::var_os(COMPOSITING_SWITCH).is_none() {
        std::env::set_var(COMPOSITING_SWITCH, "1");
    }
}
