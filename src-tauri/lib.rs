//! Refrain's desktop shell: window set-up, app state and thin commands over
//! refrain-core. No rule of the domain lives here.

pub mod bindings;
pub mod commands;
pub mod error;
// pending: pub mod music;
pub mod state;

use state::AppState;

/// Every command the UI may call, for the builder and the tests.
#[macro_export]
macro_rules! refrain_handler {
    () => {
        tauri::generate_handler![
            $crate::commands::app_info,
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
            $crate::commands::save_session_note,
        ]
    };
}

/// Gives a builder Refrain's state and commands, on any Tauri runtime (the
/// real one, or the mock runtime in tests).
pub fn with_app<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    state: AppState,
) -> tauri::Builder<R> {
    builder.manage(state).invoke_handler(refrain_handler!())
}

pub fn run() {
    with_app(tauri::Builder::default(), AppState::open())
        .run(tauri::generate_context!("tauri.conf.json"))
        .expect("error while running Refrain");
}
