//! Tauri commands. Each one only unpacks its arguments, calls the core and maps
//! the error; every rule lives in refrain-core. They run off the main thread
//! (`async`), so a slow disk never freezes the window.

use refrain_core::model::*;
use refrain_core::store::today;
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

type Res<T> = Result<T, AppError>;

#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> Res<StoreInfo> {
    state.with(|s| s.info())
}

#[tauri::command(async)]
pub fn load_demo_data(state: State<'_, AppState>) -> Res<()> {
    state.with(|s| refrain_core::demo::seed(s, today(), None))
}

#[tauri::command(async)]
pub fn list_venues(state: State<'_, AppState>, include_archived: bool) -> Res<Vec<Venue>> {
    state.with(|s| s.list_venues(include_archived))
}

#[tauri::command(async)]
pub fn create_venue(state: State<'_, AppState>, input: VenueInput) -> Res<Venue> {
    state.with(|s| s.create_venue(&input))
}

#[tauri::command(async)]
pub fn update_venue(state: State<'_, AppState>, id: String, input: VenueInput) -> Res<Venue> {
    state.with(|s| s.update_venue(&id, &input))
}

#[tauri::command(async)]
pub fn archive_venue(state: State<'_, AppState>, id: String) -> Res<()> {
    state.with(|s| s.archive_venue(&id))
}

#[tauri::command(async)]
pub fn restore_venue(state: State<'_, AppState>, id: String) -> Res<()> {
    state.with(|s| s.restore_venue(&id))
}

#[tauri::command(async)]
pub fn list_groups(state: State<'_, AppState>, include_archived: bool) -> Res<Vec<Group>> {
    state.with(|s| s.list_groups(include_archived))
}

#[tauri::command(async)]
pub fn get_group(state: State<'_, AppState>, id: String) -> Res<GroupDetail> {
    state.with(|s| s.group_detail(&id))
}

#[tauri::command(async)]
pub fn create_group(state: State<'_, AppState>, input: GroupInput) -> Res<Group> {
    state.with(|s| s.create_group(&input))
}

#[tauri::command(async)]
pub fn update_group(state: State<'_, AppState>, id: String, input: GroupInput) -> Res<Group> {
    state.with(|s| s.update_group(&id, &input))
}

#[tauri::command(async)]
pub fn archive_group(state: State<'_, AppState>, id: String) -> Res<()> {
    state.with(|s| s.archive_group(&id))
}

#[tauri::command(async)]
pub fn restore_group(state: State<'_, AppState>, id: String) -> Res<()> {
    state.with(|s| s.restore_group(&id))
}

#[tauri::command(async)]
pub fn add_member(
    state: State<'_, AppState>,
    group_id: String,
    attendee_id: String,
    joined_on: String,
) -> Res<Membership> {
    state.with(|s| s.add_member(&group_id, &attendee_id, &joined_on))
}

#[tauri::command(async)]
pub fn end_membership(
    state: State<'_, AppState>,
    membership_id: String,
    left_on: String,
) -> Res<()> {
    state.with(|s| s.end_membership(&membership_id, &left_on))
}

#[tauri::command(async)]
pub fn list_attendees(
    state: State<'_, AppState>,
    query: String,
    include_archived: bool,
) -> Res<Vec<AttendeeSummary>> {
    state.with(|s| s.search_attendees(&query, include_archived))
}

#[tauri::command(async)]
pub fn get_attendee(state: State<'_, AppState>, id: String) -> Res<AttendeeDetail> {
    state.with(|s| s.attendee_detail(&id))
}

#[tauri::command(async)]
pub fn create_attendee(state: State<'_, AppState>, input: AttendeeInput) -> Res<Attendee> {
    state.with(|s| s.create_attendee(&input))
}

#[tauri::command(async)]
pub fn update_attendee(
    state: State<'_, AppState>,
    id: String,
    input: AttendeeInput,
) -> Res<Attendee> {
    state.with(|s| s.update_attendee(&id, &input))
}

#[tauri::command(async)]
pub fn archive_attendee(state: State<'_, AppState>, id: String) -> Res<()> {
    state.with(|s| s.archive_attendee(&id))
}

#[tauri::command(async)]
pub fn restore_attendee(state: State<'_, AppState>, id: String) -> Res<()> {
    state.with(|s| s.restore_attendee(&id))
}

#[tauri::command(async)]
pub fn add_referral(state: State<'_, AppState>, input: ReferralInput) -> Res<Referral> {
    state.with(|s| s.add_referral(&input))
}

#[tauri::command(async)]
pub fn set_referral_status(
    state: State<'_, AppState>,
    referral_id: String,
    status: ReferralStatus,
    changed_on: String,
    note: String,
) -> Res<Referral> {
    state.with(|s| s.set_referral_status(&referral_id, status, &changed_on, &note))
}

#[tauri::command(async)]
pub fn create_session(state: State<'_, AppState>, input: SessionInput) -> Res<Session> {
    state.with(|s| s.create_session(&input))
}

#[tauri::command(async)]
pub fn generate_sessions(
    state: State<'_, AppState>,
    group_id: String,
    from: String,
    count: u32,
) -> Res<Vec<Session>> {
    state.with(|s| s.generate_sessions(&group_id, &from, count))
}

#[tauri::command(async)]
pub fn cancel_session(state: State<'_, AppState>, id: String, reason: String) -> Res<Session> {
    state.with(|s| s.cancel_session(&id, &reason))
}

#[tauri::command(async)]
pub fn this_week(state: State<'_, AppState>) -> Res<Vec<Session>> {
    state.with(|s| s.sessions_in_week(today()))
}

#[tauri::command(async)]
pub fn get_register(state: State<'_, AppState>, session_id: String) -> Res<Register> {
    state.with(|s| s.register(&session_id))
}

#[tauri::command(async)]
pub fn set_mark(
    state: State<'_, AppState>,
    session_id: String,
    attendee_id: String,
    mark: Option<Mark>,
) -> Res<Register> {
    state.with(|s| s.set_mark(&session_id, &attendee_id, mark))
}

#[tauri::command(async)]
pub fn set_carer_present(
    state: State<'_, AppState>,
    session_id: String,
    attendee_id: String,
    present: bool,
) -> Res<Register> {
    state.with(|s| s.set_carer_present(&session_id, &attendee_id, present))
}

#[tauri::command(async)]
pub fn add_walk_in(
    state: State<'_, AppState>,
    session_id: String,
    walk_in: WalkIn,
    join_group: bool,
) -> Res<Register> {
    state.with(|s| s.add_walk_in(&session_id, &walk_in, join_group))
}

#[tauri::command(async)]
pub fn save_session_note(
    state: State<'_, AppState>,
    session_id: String,
    body: String,
) -> Res<SessionNote> {
    state.with(|s| s.save_session_note(&session_id, &body))
}
