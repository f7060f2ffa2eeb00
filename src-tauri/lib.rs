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

use state::AppState;
use tauri::Manager;

/// Every command the UI may call, for the builder and the tests.
#[macro_export]
macro_rules! refrain_handler {
    () => {
        tauri::generate_handler![
            $crate::commands::app_info,
            $crate::commands::register_report,
            $crate::commands::programme_summary,
            $crate::commands::export_report,
            $crate::commands::report_file_name,
            $crate::commands::erase_attendee,
            $crate::commands::read_import_file,
            $crate::commands::preview_import,
            $crate::commands::import_people,
            $crate::commands::load_demo_data,
            $crate::commands::list_venues,
            $crate::commands::create_venue,
            $crate::commands::update_venue,
            $crate::commands::archive_venue,
            $crate::commands::restore_venue,
            $crate::commands::list_groups,
            $crate::commands::get_group,
            $crate::commands::create_group,
            $crate::commands::update_group,
            $crate::commands::archive_group,
            $crate::commands::restore_group,
            $crate::commands::add_member,
            $crate::commands::end_membership,
            $crate::commands::list_attendees,
            $crate::commands::get_attendee,
            $crate::commands::create_attendee,
            $crate::commands::update_attendee,
            $crate::commands::archive_attendee,
            $crate::commands::restore_attendee,
            $crate::commands::add_referral,
            $crate::commands::set_referral_status,
            $crate::commands::create_session,
            $crate::commands::generate_sessions,
            $crate::commands::cancel_session,
            $crate::commands::this_week,
            $crate::commands::get_register,
            $crate::commands::set_mark,
            $crate::commands::set_carer_present,
            $crate::commands::add_walk_in,
            $crate::commands::list_tracks,
            $crate::commands::list_tags,
            $crate::commands::set_track_tags,
            $crate::commands::archive_track,
            $crate::commands::import_tracks,
            $crate::commands::import_sample_music,
            $crate::commands::cancel_import,
            $crate::commands::list_playlists,
            $crate::commands::get_playlist,
            $crate::commands::create_playlist,
            $crate::commands::rename_playlist,
            $crate::commands::archive_playlist,
            $crate::commands::add_to_playlist,
            $crate::commands::remove_from_playlist,
            $crate::commands::move_playlist_entry,
            $crate::commands::set_entry_note,
            $crate::commands::attach_setlist,
            $crate::commands::player_state,
            $crate::commands::play_playlist,
            $crate::commands::play_track,
            $crate::commands::player_pause,
            $crate::commands::player_resume,
            $crate::commands::player_stop,
            $crate::commands::player_next,
            $crate::commands::player_previous,
            $crate::commands::player_seek,
            $crate::commands::player_set_volume,
            $crate::commands::player_fade_out,
            $crate::commands::player_set_looping,
            $crate::commands::player_retry_output,
            $crate::commands::list_practitioners,
            $crate::commands::create_practitioner,
            $crate::commands::update_practitioner,
            $crate::commands::archive_practitioner,
            $crate::commands::session_notes,
            $crate::commands::save_note_draft,
            $crate::commands::sign_note,
            $crate::commands::amend_note,
            $crate::commands::person_notes,
            $crate::commands::search_notes,
            $crate::commands::set_actor,
            $crate::commands::audit_log,
            $crate::commands::list_instruments,
            $crate::commands::create_custom_instrument,
            $crate::commands::update_custom_instrument,
            $crate::commands::archive_custom_instrument,
            $crate::commands::group_instruments,
            $crate::commands::set_group_instruments,
            $crate::commands::record_scores,
            $crate::commands::archive_score_set,
            $crate::commands::score_sheet,
            $crate::commands::person_outcomes,
            $crate::commands::group_outcomes,
            $crate::commands::backup_now,
            $crate::commands::list_backups,
            $crate::commands::restore_backup,
            $crate::commands::vault_status,
            $crate::commands::vault_create,
            $crate::commands::vault_unlock,
            $crate::commands::vault_recover,
            $crate::commands::vault_lock,
            $crate::commands::vault_change_passphrase,
            $crate::commands::vault_set_remember,
            $crate::commands::vault_set_idle_lock,
            $crate::commands::vault_show_recovery_key,
        ]
    };
}

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
        .setup(|app| {
            app.state::<music::MusicState>().connect(app.handle());
            backup::start(app.handle());
            Ok(())
        })
        .invoke_handler(refrain_handler!())
}

pub fn run() {
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
            }
        });
}
