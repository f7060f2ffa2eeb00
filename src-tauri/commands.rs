//! Tauri commands. Each one only unpacks its arguments, calls the core and maps
//! the error; every rule lives in refrain-core. They run off the main thread
//! (`async`), so a slow disk never freezes the window.

use std::path::PathBuf;

use refrain_audio::QueueItem;
use refrain_core::model::*;
use refrain_core::outcomes::{CustomInstrumentInput, Instrument};
use refrain_core::store::today;
use tauri::{AppHandle, Runtime, State};

use crate::error::AppError;
use crate::music::{self, MusicState};
use crate::people::{self, ImportFile};
use crate::reports;
use crate::state::{AppState, VaultCreated, VaultStatus};
use crate::team::{self, TeamState};
use refrain_core::team::{
    ChangedElsewhere, Invitation, JoinRequest, PendingRequest, SeenRecord, TeamOverview, TeamStatus,
};
use refrain_core::{CoreError, Store};
use tauri::Manager;
use zeroize::Zeroizing;

type Res<T> = Result<T, AppError>;

#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> Res<StoreInfo> {
    state.with(|s| s.info())
}

#[tauri::command(async)]
pub fn load_demo_data<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Res<()> {
    let music = music::sample_music_dir(&app);
    state.with(|s| refrain_audio::music_import::seed_demo(s, today(), music.as_deref()))
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
    decline_reason: Option<DeclineReason>,
) -> Res<Referral> {
    state.with(|s| s.set_referral_status(&referral_id, status, &changed_on, &note, decline_reason))
}

#[tauri::command(async)]
pub fn referrals_awaiting_reply(state: State<'_, AppState>) -> Res<AwaitingReplies> {
    state.with(|s| s.referrals_awaiting_reply())
}

#[tauri::command(async)]
pub fn episode_measures_due(state: State<'_, AppState>) -> Res<Vec<EpisodeDue>> {
    state.with(|s| s.episode_measures_due())
}

#[tauri::command(async)]
pub fn practice_settings(state: State<'_, AppState>) -> Res<PracticeSettings> {
    state.with(|s| s.practice_settings())
}

#[tauri::command(async)]
pub fn set_practice_settings(
    state: State<'_, AppState>,
    input: PracticeSettings,
) -> Res<PracticeSettings> {
    state.with(|s| s.set_practice_settings(&input))
}

#[tauri::command(async)]
pub fn practice_details(state: State<'_, AppState>) -> Res<PracticeDetails> {
    state.with(|s| s.practice_details())
}

#[tauri::command(async)]
pub fn set_practice_details(
    state: State<'_, AppState>,
    input: PracticeDetails,
) -> Res<PracticeDetails> {
    state.with(|s| s.set_practice_details(&input))
}

/// What a directory listing will leave out, in words (a group with no
/// venue or weekly day, no website): shown before it is saved.
#[tauri::command(async)]
pub fn directory_gaps(state: State<'_, AppState>) -> Res<Vec<String>> {
    state.with(|s| Ok(refrain_core::report::oruk::gaps(&s.directory_listing()?)))
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
pub fn mark_everyone_else_present(
    state: State<'_, AppState>,
    session_id: String,
) -> Res<EveryoneHere> {
    state.with(|s| s.mark_everyone_else_present(&session_id))
}

#[tauri::command(async)]
pub fn undo_everyone_else_present(
    state: State<'_, AppState>,
    session_id: String,
    mark_ids: Vec<String>,
) -> Res<EveryoneHereUndone> {
    state.with(|s| s.undo_everyone_else_present(&session_id, &mark_ids))
}

// ---------------------------------------------------------------------------
// Music: the library

#[tauri::command(async)]
pub fn list_tracks(state: State<'_, AppState>, query: String, tag: String) -> Res<Vec<Track>> {
    state.with(|s| s.list_tracks(&query, &tag))
}

#[tauri::command(async)]
pub fn list_tags(state: State<'_, AppState>) -> Res<Vec<String>> {
    state.with(|s| s.list_tags())
}

#[tauri::command(async)]
pub fn set_track_tags(
    state: State<'_, AppState>,
    track_id: String,
    tags: Vec<String>,
) -> Res<Track> {
    state.with(|s| s.set_track_tags(&track_id, &tags))
}

#[tauri::command(async)]
pub fn archive_track(state: State<'_, AppState>, id: String) -> Res<()> {
    state.with(|s| s.archive_track(&id))
}

#[tauri::command(async)]
pub fn track_lyrics(state: State<'_, AppState>, track_id: String) -> Res<Option<Lyrics>> {
    state.with(|s| s.track_lyrics(&track_id))
}

#[tauri::command(async)]
pub fn set_track_lyrics(
    state: State<'_, AppState>,
    track_id: String,
    input: LyricsInput,
) -> Res<Option<Lyrics>> {
    state.with(|s| s.set_track_lyrics(&track_id, &input))
}

/// A playlist's songs with words that may be shown, and those held back.
#[tauri::command(async)]
pub fn songbook_contents(state: State<'_, AppState>, playlist_id: String) -> Res<Songbook> {
    state.with(|s| s.songbook_contents(&playlist_id))
}

/// The words to show a room; refused while any song's rights are not known.
#[tauri::command(async)]
pub fn songbook(state: State<'_, AppState>, playlist_id: String) -> Res<Songbook> {
    state.with(|s| s.songbook(&playlist_id))
}

#[tauri::command(async)]
pub fn import_tracks<R: Runtime>(app: AppHandle<R>, paths: Vec<PathBuf>) -> Res<ImportReport> {
    music::import(&app, paths)
}

#[tauri::command(async)]
pub fn import_sample_music<R: Runtime>(app: AppHandle<R>) -> Res<ImportReport> {
    let dir = music::sample_music_dir(&app).ok_or_else(|| {
        AppError::Busy("The sample music is not installed with this copy of Refrain.".into())
    })?;
    music::import(&app, vec![dir])
}

#[tauri::command]
pub fn cancel_import(music: State<'_, MusicState>) {
    music.cancel_import();
}

// ---------------------------------------------------------------------------
// Music: playlists

#[tauri::command(async)]
pub fn list_playlists(
    state: State<'_, AppState>,
    kind: Option<PlaylistKind>,
    group_id: Option<String>,
    attendee_id: Option<String>,
) -> Res<Vec<PlaylistSummary>> {
    state.with(|s| s.list_playlists(kind, group_id.as_deref(), attendee_id.as_deref()))
}

#[tauri::command(async)]
pub fn get_playlist(state: State<'_, AppState>, id: String) -> Res<Playlist> {
    state.with(|s| s.playlist(&id))
}

#[tauri::command(async)]
pub fn create_playlist(
    state: State<'_, AppState>,
    kind: PlaylistKind,
    input: PlaylistInput,
) -> Res<Playlist> {
    state.with(|s| s.create_playlist(kind, &input))
}

#[tauri::command(async)]
pub fn rename_playlist(state: State<'_, AppState>, id: String, name: String) -> Res<Playlist> {
    state.with(|s| s.rename_playlist(&id, &name))
}

#[tauri::command(async)]
pub fn archive_playlist(state: State<'_, AppState>, id: String) -> Res<()> {
    state.with(|s| s.archive_playlist(&id))
}

#[tauri::command(async)]
pub fn add_to_playlist(
    state: State<'_, AppState>,
    playlist_id: String,
    track_id: String,
    note: String,
) -> Res<Playlist> {
    state.with(|s| s.add_to_playlist(&playlist_id, &track_id, &note))
}

#[tauri::command(async)]
pub fn remove_from_playlist(state: State<'_, AppState>, entry_id: String) -> Res<Playlist> {
    state.with(|s| s.remove_from_playlist(&entry_id))
}

#[tauri::command(async)]
pub fn move_playlist_entry(
    state: State<'_, AppState>,
    entry_id: String,
    to_position: u32,
) -> Res<Playlist> {
    state.with(|s| s.move_playlist_entry(&entry_id, to_position))
}

#[tauri::command(async)]
pub fn set_entry_note(state: State<'_, AppState>, entry_id: String, note: String) -> Res<Playlist> {
    state.with(|s| s.set_entry_note(&entry_id, &note))
}

#[tauri::command(async)]
pub fn attach_setlist(
    state: State<'_, AppState>,
    session_id: String,
    playlist_id: Option<String>,
) -> Res<Session> {
    state.with(|s| s.attach_setlist(&session_id, playlist_id.as_deref()))
}

// ---------------------------------------------------------------------------
// Music: the player. Every command answers with the player's new state.

#[tauri::command(async)]
pub fn player_state(music: State<'_, MusicState>) -> PlayerState {
    music.player.state()
}

#[tauri::command(async)]
pub fn play_playlist(
    state: State<'_, AppState>,
    music: State<'_, MusicState>,
    playlist_id: String,
    start_index: u32,
) -> Res<PlayerState> {
    let (name, queue) = music::playlist_queue(&state, &playlist_id)?;
    Ok(music.player.play(name, queue, start_index as usize)?)
}

#[tauri::command(async)]
pub fn play_track(
    state: State<'_, AppState>,
    music: State<'_, MusicState>,
    track_id: String,
) -> Res<PlayerState> {
    let item = state.with(|s| {
        Ok(QueueItem {
            track: s.track(&track_id)?,
            path: s.track_path(&track_id)?,
        })
    })?;
    let name = item.track.title.clone();
    Ok(music.player.play(name, vec![item], 0)?)
}

#[tauri::command(async)]
pub fn player_pause(music: State<'_, MusicState>) -> PlayerState {
    music.player.pause()
}

#[tauri::command(async)]
pub fn player_resume(music: State<'_, MusicState>) -> PlayerState {
    music.player.resume()
}

#[tauri::command(async)]
pub fn player_stop(music: State<'_, MusicState>) -> PlayerState {
    music.player.stop()
}

#[tauri::command(async)]
pub fn player_next(music: State<'_, MusicState>) -> PlayerState {
    music.player.next()
}

#[tauri::command(async)]
pub fn player_previous(music: State<'_, MusicState>) -> PlayerState {
    music.player.previous()
}

/// Previous, once the therapist has agreed to go back to `track_id` (asked
/// by `previous_avoid_flags`): there, however long the answer took.
#[tauri::command(async)]
pub fn player_back_to(music: State<'_, MusicState>, track_id: String) -> PlayerState {
    music.player.back_to(track_id)
}

#[tauri::command(async)]
pub fn player_seek(music: State<'_, MusicState>, position_ms: u32) -> PlayerState {
    music.player.seek(position_ms)
}

#[tauri::command(async)]
pub fn player_set_volume(music: State<'_, MusicState>, volume: f32) -> PlayerState {
    music.player.set_volume(volume)
}

#[tauri::command(async)]
pub fn player_fade_out(music: State<'_, MusicState>, ms: u32) -> PlayerState {
    music.player.fade_out(ms)
}

#[tauri::command(async)]
pub fn player_set_looping(music: State<'_, MusicState>, looping: bool) -> PlayerState {
    music.player.set_looping(looping)
}

#[tauri::command(async)]
pub fn player_retry_output(music: State<'_, MusicState>) -> PlayerState {
    music.player.retry_output()
}

// ---------------------------------------------------------------------------
// Practitioners and clinical notes

#[tauri::command(async)]
pub fn list_practitioners(state: State<'_, AppState>) -> Res<Vec<Practitioner>> {
    state.with(|s| s.list_practitioners())
}

#[tauri::command(async)]
pub fn create_practitioner(
    state: State<'_, AppState>,
    input: PractitionerInput,
) -> Res<Practitioner> {
    state.with(|s| s.create_practitioner(&input))
}

#[tauri::command(async)]
pub fn update_practitioner(
    state: State<'_, AppState>,
    id: String,
    input: PractitionerInput,
) -> Res<Practitioner> {
    state.with(|s| s.update_practitioner(&id, &input))
}

#[tauri::command(async)]
pub fn archive_practitioner(state: State<'_, AppState>, id: String) -> Res<()> {
    state.with(|s| s.archive_practitioner(&id))
}

#[tauri::command(async)]
pub fn session_notes(state: State<'_, AppState>, session_id: String) -> Res<SessionNotes> {
    state.with(|s| s.session_notes(&session_id))
}

#[tauri::command(async)]
pub fn save_note_draft(
    state: State<'_, AppState>,
    session_id: String,
    attendee_id: Option<String>,
    body: String,
    author_id: Option<String>,
) -> Res<Note> {
    state.with(|s| {
        s.save_note_draft(
            &session_id,
            attendee_id.as_deref(),
            &body,
            author_id.as_deref(),
        )
    })
}

#[tauri::command(async)]
pub fn sign_note(
    state: State<'_, AppState>,
    note_id: String,
    practitioner_id: String,
) -> Res<Note> {
    state.with(|s| s.sign_note(&note_id, &practitioner_id))
}

#[tauri::command(async)]
pub fn amend_note(
    state: State<'_, AppState>,
    note_id: String,
    practitioner_id: String,
    body: String,
    reason: String,
) -> Res<Note> {
    state.with(|s| s.amend_note(&note_id, &practitioner_id, &body, &reason))
}

// ---------------------------------------------------------------------------
// A person's music life story and the music they must not hear.

#[tauri::command(async)]
pub fn get_music_story(state: State<'_, AppState>, attendee_id: String) -> Res<MusicStory> {
    state.with(|s| s.music_story(&attendee_id))
}

#[tauri::command(async)]
pub fn save_music_story(
    state: State<'_, AppState>,
    attendee_id: String,
    input: MusicStoryInput,
) -> Res<MusicStory> {
    state.with(|s| s.save_music_story(&attendee_id, &input))
}

#[tauri::command(async)]
pub fn add_avoid(
    state: State<'_, AppState>,
    attendee_id: String,
    input: AvoidInput,
) -> Res<MusicStory> {
    state.with(|s| s.add_avoid(&attendee_id, &input))
}

#[tauri::command(async)]
pub fn remove_avoid(state: State<'_, AppState>, id: String) -> Res<MusicStory> {
    state.with(|s| s.remove_avoid(&id))
}

#[tauri::command(async)]
pub fn music_suggestions(state: State<'_, AppState>, attendee_id: String) -> Res<MusicSuggestions> {
    state.with(|s| s.music_suggestions(&attendee_id))
}

#[tauri::command(async)]
pub fn prescribe_playlist(
    state: State<'_, AppState>,
    referral_id: String,
    input: PrescriptionInput,
) -> Res<Referral> {
    state.with(|s| s.prescribe_playlist(&referral_id, &input))
}

#[tauri::command(async)]
pub fn update_prescription(
    state: State<'_, AppState>,
    prescription_id: String,
    input: PrescriptionInput,
) -> Res<Referral> {
    state.with(|s| s.update_prescription(&prescription_id, &input))
}

#[tauri::command(async)]
pub fn set_prescription_status(
    state: State<'_, AppState>,
    prescription_id: String,
    status: PrescriptionStatus,
    changed_on: String,
    note: String,
) -> Res<Referral> {
    state.with(|s| s.set_prescription_status(&prescription_id, status, &changed_on, &note))
}

#[tauri::command(async)]
pub fn set_prescription_playlist(
    state: State<'_, AppState>,
    prescription_id: String,
    playlist_id: Option<String>,
) -> Res<Referral> {
    state.with(|s| s.set_prescription_playlist(&prescription_id, playlist_id.as_deref()))
}

#[tauri::command(async)]
pub fn waiting_prescriptions(state: State<'_, AppState>) -> Res<Vec<WaitingPrescription>> {
    state.with(|s| s.waiting_prescriptions())
}

#[tauri::command(async)]
pub fn log_listening(state: State<'_, AppState>, input: ListeningInput) -> Res<Listening> {
    state.with(|s| s.log_listening(&input))
}

#[tauri::command(async)]
pub fn playlist_responses(
    state: State<'_, AppState>,
    playlist_id: String,
) -> Res<Vec<TrackResponse>> {
    state.with(|s| s.playlist_responses(&playlist_id))
}

#[tauri::command(async)]
pub fn order_playlist_by_response(
    state: State<'_, AppState>,
    playlist_id: String,
) -> Res<Playlist> {
    state.with(|s| s.order_playlist_by_response(&playlist_id))
}

#[tauri::command(async)]
pub fn avoid_after_distress(
    state: State<'_, AppState>,
    entry_id: String,
    why: String,
) -> Res<Playlist> {
    state.with(|s| s.avoid_after_distress(&entry_id, &why))
}

#[tauri::command(async)]
pub fn own_playlists_with_track(
    state: State<'_, AppState>,
    attendee_id: String,
    track_id: String,
) -> Res<Vec<PlaylistSummary>> {
    state.with(|s| s.own_playlists_with_track(&attendee_id, &track_id))
}

#[tauri::command(async)]
pub fn after_distress(
    state: State<'_, AppState>,
    attendee_id: String,
    track_id: String,
    avoid_why: Option<String>,
    take_off: bool,
) -> Res<Vec<PlaylistSummary>> {
    state.with(|s| s.after_distress(&attendee_id, &track_id, avoid_why.as_deref(), take_off))
}

#[tauri::command(async)]
pub fn set_playlist_review(
    state: State<'_, AppState>,
    playlist_id: String,
    review_on: String,
) -> Res<Playlist> {
    state.with(|s| s.set_playlist_review(&playlist_id, &review_on))
}

#[tauri::command(async)]
pub fn reviews_due(state: State<'_, AppState>) -> Res<Vec<ReviewDue>> {
    state.with(|s| s.reviews_due())
}

/// The usage plan offered for a hand-over pack (from the prescription).
#[tauri::command(async)]
pub fn handover_plan(state: State<'_, AppState>, playlist_id: String) -> Res<HandoverPlan> {
    state.with(|s| refrain_core::handover::plan(s, &playlist_id))
}

/// Writes a personal playlist's hand-over pack into a new folder inside
/// `folder`. The store is held only while the pack is read and laid out,
/// never while the music is copied.
#[tauri::command(async)]
pub fn write_handover_pack(
    state: State<'_, AppState>,
    input: HandoverInput,
    folder: PathBuf,
) -> Res<HandoverDone> {
    let pack = state.with(|s| refrain_core::handover::prepare(s, &input))?;
    Ok(pack.write_to(&folder)?)
}

#[tauri::command(async)]
pub fn session_avoid_flags(state: State<'_, AppState>, session_id: String) -> Res<Vec<AvoidFlag>> {
    state.with(|s| s.session_avoid_flags(&session_id))
}

#[tauri::command(async)]
pub fn playlist_avoid_flags(
    state: State<'_, AppState>,
    playlist_id: String,
) -> Res<Vec<AvoidFlag>> {
    state.with(|s| s.playlist_avoid_flags(&playlist_id))
}

#[tauri::command(async)]
pub fn play_avoid_flags(
    state: State<'_, AppState>,
    track_ids: Vec<String>,
    session_id: Option<String>,
) -> Res<Vec<AvoidFlag>> {
    state.with(|s| s.play_avoid_flags(&track_ids, session_id.as_deref()))
}

#[tauri::command(async)]
pub fn playlist_play_avoid_flags(
    state: State<'_, AppState>,
    playlist_id: String,
    start_index: u32,
    session_id: Option<String>,
) -> Res<Vec<AvoidFlag>> {
    state.with(|s| s.playlist_play_avoid_flags(&playlist_id, start_index, session_id.as_deref()))
}

/// The song Previous would go back to, checked against who may hear the
/// music in the player (the playlist `playlist_id` played for `session_id`):
/// nothing when Previous would start the playing song again.
#[tauri::command(async)]
pub fn previous_avoid_flags(
    state: State<'_, AppState>,
    music: State<'_, MusicState>,
    playlist_id: Option<String>,
    session_id: Option<String>,
) -> Res<Vec<AvoidFlag>> {
    match music.player.previous_goes_to() {
        Some(item) => state.with(|s| {
            s.going_back_avoid_flags(
                &item.track.id,
                playlist_id.as_deref(),
                session_id.as_deref(),
            )
        }),
        None => Ok(Vec::new()),
    }
}

#[tauri::command(async)]
pub fn person_notes(state: State<'_, AppState>, attendee_id: String) -> Res<Vec<Note>> {
    state.with(|s| s.person_notes(&attendee_id))
}

#[tauri::command(async)]
pub fn search_notes(
    state: State<'_, AppState>,
    query: String,
    practitioner_id: Option<String>,
) -> Res<Vec<NoteHit>> {
    state.with(|s| s.search_notes(&query, practitioner_id.as_deref()))
}

// ---------------------------------------------------------------------------
// The audit log

/// Who is using Refrain from now on (`None`: no one chosen); every change is
/// logged under their id.
#[tauri::command(async)]
pub fn set_actor(state: State<'_, AppState>, practitioner_id: Option<String>) -> Res<()> {
    state.with(|s| {
        s.set_actor(practitioner_id);
        Ok(())
    })
}

/// The audit log, newest first: one record's history, one practitioner's
/// changes, or everything.
#[tauri::command(async)]
pub fn audit_log(
    state: State<'_, AppState>,
    record_id: Option<String>,
    practitioner_id: Option<String>,
    limit: u32,
) -> Res<Vec<AuditEntry>> {
    state.with(|s| {
        s.audit_log(&AuditFilter {
            record_id,
            practitioner_id,
            limit,
        })
    })
}

// ---------------------------------------------------------------------------
// Outcome measures

#[tauri::command(async)]
pub fn list_instruments(state: State<'_, AppState>) -> Res<Vec<Instrument>> {
    state.with(|s| s.list_instruments())
}

#[tauri::command(async)]
pub fn create_custom_instrument(
    state: State<'_, AppState>,
    input: CustomInstrumentInput,
) -> Res<Instrument> {
    state.with(|s| s.create_custom_instrument(&input))
}

#[tauri::command(async)]
pub fn update_custom_instrument(
    state: State<'_, AppState>,
    key: String,
    input: CustomInstrumentInput,
) -> Res<Instrument> {
    state.with(|s| s.update_custom_instrument(&key, &input))
}

#[tauri::command(async)]
pub fn archive_custom_instrument(state: State<'_, AppState>, key: String) -> Res<()> {
    state.with(|s| s.archive_custom_instrument(&key))
}

#[tauri::command(async)]
pub fn group_instruments(
    state: State<'_, AppState>,
    group_id: String,
) -> Res<Vec<GroupInstrument>> {
    state.with(|s| s.group_instruments(&group_id))
}

#[tauri::command(async)]
pub fn set_group_instruments(
    state: State<'_, AppState>,
    group_id: String,
    choices: Vec<GroupInstrumentChoice>,
) -> Res<Vec<GroupInstrument>> {
    state.with(|s| s.set_group_instruments(&group_id, &choices))
}

#[tauri::command(async)]
pub fn record_scores(state: State<'_, AppState>, input: ScoreSetInput) -> Res<ScoreSet> {
    state.with(|s| s.record_scores(&input))
}

#[tauri::command(async)]
pub fn archive_score_set(state: State<'_, AppState>, id: String) -> Res<()> {
    state.with(|s| s.archive_score_set(&id))
}

#[tauri::command(async)]
pub fn score_sheet(state: State<'_, AppState>, session_id: String) -> Res<ScoreSheet> {
    state.with(|s| s.score_sheet(&session_id))
}

#[tauri::command(async)]
pub fn person_outcomes(state: State<'_, AppState>, attendee_id: String) -> Res<PersonOutcomes> {
    state.with(|s| s.person_outcomes(&attendee_id))
}

#[tauri::command(async)]
pub fn group_outcomes(
    state: State<'_, AppState>,
    group_id: String,
    from: String,
    to: String,
) -> Res<GroupOutcomes> {
    state.with(|s| s.group_outcomes(&group_id, &from, &to))
}

// ---------------------------------------------------------------------------
// Backups

/// Writes a checked backup into `dir` (the folder the person picked; empty
/// means the data folder's `backups/`) and returns the new file's path.
#[tauri::command(async)]
pub fn backup_now(state: State<'_, AppState>, dir: String) -> Res<String> {
    state.with(|s| {
        let dir = if dir.trim().is_empty() {
            s.backups_dir()
        } else {
            PathBuf::from(dir)
        };
        s.backup_to(&dir).map(|p| p.display().to_string())
    })
}

/// The backups in the data folder's `backups/`, newest first. Works when the
/// store could not be opened.
#[tauri::command(async)]
pub fn list_backups(
    state: State<'_, AppState>,
) -> Res<Vec<refrain_core::store::backup::BackupInfo>> {
    Ok(refrain_core::store::backup::list_backups(
        &state.data_dir()?,
    )?)
}

/// Puts a backup in place of the store (closing and reopening it). Works when
/// the store could not be opened, e.g. because it is damaged.
#[tauri::command(async)]
pub fn restore_backup(
    state: State<'_, AppState>,
    path: String,
) -> Res<refrain_core::store::backup::RestoreReport> {
    state.restore(std::path::Path::new(&path))
}

// --- Encryption and the lock -------------------------------------------------
// Passphrases arrive as plain strings over the local IPC channel and are
// wiped from memory as soon as the vault has used them.

#[tauri::command(async)]
pub fn vault_status(state: State<'_, AppState>) -> Res<VaultStatus> {
    state.vault_status()
}

#[tauri::command(async)]
pub fn vault_create(
    state: State<'_, AppState>,
    passphrase: String,
    remember: bool,
) -> Res<VaultCreated> {
    let passphrase = Zeroizing::new(passphrase);
    state.vault_create(&passphrase, remember)
}

#[tauri::command(async)]
pub fn vault_unlock(state: State<'_, AppState>, passphrase: String) -> Res<VaultStatus> {
    let passphrase = Zeroizing::new(passphrase);
    state.vault_unlock(&passphrase)
}

#[tauri::command(async)]
pub fn vault_recover(
    state: State<'_, AppState>,
    recovery_key: String,
    new_passphrase: String,
) -> Res<VaultStatus> {
    let (recovery_key, new_passphrase) =
        (Zeroizing::new(recovery_key), Zeroizing::new(new_passphrase));
    state.vault_recover(&recovery_key, &new_passphrase)
}

#[tauri::command(async)]
pub fn vault_lock(state: State<'_, AppState>) -> Res<()> {
    state.vault_lock()
}

#[tauri::command(async)]
pub fn vault_change_passphrase(
    state: State<'_, AppState>,
    current: String,
    new_passphrase: String,
) -> Res<()> {
    let (current, new_passphrase) = (Zeroizing::new(current), Zeroizing::new(new_passphrase));
    state.vault_change_passphrase(&current, &new_passphrase)
}

#[tauri::command(async)]
pub fn vault_set_remember(state: State<'_, AppState>, remember: bool) -> Res<VaultStatus> {
    state.vault_set_remember(remember)
}

#[tauri::command(async)]
pub fn vault_set_idle_lock(state: State<'_, AppState>, minutes: u32) -> Res<VaultStatus> {
    state.vault_set_idle_lock(minutes)
}

#[tauri::command(async)]
pub fn vault_show_recovery_key(state: State<'_, AppState>, passphrase: String) -> Res<String> {
    let passphrase = Zeroizing::new(passphrase);
    state.vault_recovery_key(&passphrase)
}

// ---------------------------------------------------------------------------
// Reports, subject access and erasure.

#[tauri::command(async)]
pub fn register_report(
    state: State<'_, AppState>,
    group_id: String,
    from: String,
    to: String,
) -> Res<RegisterReport> {
    state.with(|s| s.register_report(&group_id, &from, &to))
}

#[tauri::command(async)]
pub fn programme_summary(
    state: State<'_, AppState>,
    group_ids: Vec<String>,
    from: String,
    to: String,
    narrative: String,
) -> Res<ProgrammeSummary> {
    state.with(|s| s.programme_summary(&group_ids, &from, &to, &narrative))
}

/// Saves a report: to `path` when the therapist chose one, else into the
/// reports folder under its own name. Progress goes out as `export-progress`.
#[tauri::command(async)]
pub fn export_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: ReportRequest,
    format: ExportFormat,
    path: Option<PathBuf>,
) -> Res<ExportDone> {
    reports::export(&app, &state, &request, format, path)
}

#[tauri::command(async)]
pub fn report_file_name(
    state: State<'_, AppState>,
    request: ReportRequest,
    format: ExportFormat,
) -> Res<String> {
    state.with(|s| refrain_core::report::suggested_file_name(s, &request, format))
}

#[tauri::command(async)]
pub fn erase_attendee(state: State<'_, AppState>, id: String, reason: String) -> Res<Erasure> {
    state.with(|s| s.erase_attendee(&id, &reason))
}

// ---------------------------------------------------------------------------
// Importing people from a spreadsheet.

/// Reads a CSV or Excel file of people, with its columns as guessed.
#[tauri::command(async)]
pub fn read_import_file(path: PathBuf) -> Res<ImportFile> {
    people::read(&path)
}

/// What importing would do under this choice of columns; nothing is saved.
#[tauri::command(async)]
pub fn preview_import(
    state: State<'_, AppState>,
    table: ImportTable,
    mapping: ColumnMapping,
) -> Res<ImportPreview> {
    state.with(|s| s.preview_import(&table, &mapping))
}

/// Imports the people (all or, with `skip_bad_rows`, the rows without
/// problems). Progress goes out as `people-import-progress`.
#[tauri::command(async)]
pub fn import_people<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    table: ImportTable,
    mapping: ColumnMapping,
    skip_bad_rows: bool,
) -> Res<ImportOutcome> {
    people::import_people(&app, &state, &table, &mapping, skip_bad_rows)
}

// ---------------------------------------------------------------------------
// Team sharing (team.rs runs the syncs).

/// The Team screen: this laptop, the team's laptops and what each
/// receives, laptops waiting to join, and what the merge rules decided.
/// `None` with no team.
#[tauri::command(async)]
pub fn team_overview(state: State<'_, AppState>) -> Res<Option<TeamOverview>> {
    team::overview(&state)
}

/// Makes this laptop the office of a new team.
#[tauri::command(async)]
pub fn team_create(
    state: State<'_, AppState>,
    team: State<'_, TeamState>,
    team_name: String,
    laptop_name: String,
) -> Res<TeamStatus> {
    let carrier = team.carrier_id(&state, &laptop_name);
    let status = state.with(|s| s.team_create(&team_name, &laptop_name, carrier.as_deref()))?;
    team.sync_soon();
    Ok(status)
}

/// Writes the office's invitation for a laptop to join (to a USB stick).
#[tauri::command(async)]
pub fn team_write_invitation(state: State<'_, AppState>, path: PathBuf) -> Res<Invitation> {
    state.with(|s| s.team_write_invitation(&path))
}

/// Joins the team of an invitation file; the status holds the code to read
/// to the office.
#[tauri::command(async)]
pub fn team_join(
    state: State<'_, AppState>,
    team: State<'_, TeamState>,
    invitation_path: PathBuf,
    laptop_name: String,
) -> Res<TeamStatus> {
    let invitation = Store::team_read_invitation(&invitation_path)?;
    let carrier = team.carrier_id(&state, &laptop_name);
    state.with(|s| s.team_join(&invitation, &laptop_name, carrier.as_deref()))?;
    team.sync_soon();
    state
        .with(|s| s.team_status())?
        .ok_or_else(|| AppError::from(CoreError::Sync("the team was not saved".into())))
}

/// Accepts a laptop waiting to join, by the code on its screen, giving it
/// these spaces (`office`, `group-<id>`).
#[tauri::command(async)]
pub fn team_accept(
    state: State<'_, AppState>,
    team: State<'_, TeamState>,
    laptop: String,
    code: String,
    spaces: Vec<String>,
) -> Res<()> {
    let default = team::own_folder(&state)?;
    state.with(|s| {
        let folder = s.team_folder(&default)?.unwrap_or(default.clone());
        s.team_accept_waiting(&folder, &laptop, &code, &spaces)
    })?;
    team.sync_soon();
    Ok(())
}

/// Shares a space with one of the team's laptops.
#[tauri::command(async)]
pub fn team_share(
    state: State<'_, AppState>,
    team: State<'_, TeamState>,
    laptop: String,
    space: String,
) -> Res<()> {
    state.with(|s| s.team_share(&laptop, &space))?;
    team.sync_soon();
    Ok(())
}

/// Stops sharing a space with a laptop (office).
#[tauri::command(async)]
pub fn team_unshare(
    state: State<'_, AppState>,
    team: State<'_, TeamState>,
    laptop: String,
    space: String,
) -> Res<()> {
    state.with(|s| s.team_unshare(&laptop, &space))?;
    team.sync_soon();
    Ok(())
}

/// Removes a laptop from the team (office).
#[tauri::command(async)]
pub fn team_remove(
    state: State<'_, AppState>,
    team: State<'_, TeamState>,
    laptop: String,
) -> Res<()> {
    state.with(|s| s.team_remove(&laptop))?;
    team.sync_soon();
    Ok(())
}

/// The charity's always-on hub (office): its Syncthing device ID and
/// address; both empty for none.
#[tauri::command(async)]
pub fn team_set_hub(
    state: State<'_, AppState>,
    team: State<'_, TeamState>,
    hub_id: String,
    address: String,
) -> Res<()> {
    state.with(|s| s.team_set_hub(&hub_id, &address))?;
    team.sync_soon();
    Ok(())
}

/// Writes this laptop's request to join to a file, for the office (when
/// the two share no folder yet).
#[tauri::command(async)]
pub fn team_write_request(state: State<'_, AppState>, path: PathBuf) -> Res<JoinRequest> {
    state.with(|s| s.team_write_request(&path))
}

/// The office takes a laptop's request to join from a file brought in
/// person; it then waits to be accepted by its code.
#[tauri::command(async)]
pub fn team_take_request(state: State<'_, AppState>, path: PathBuf) -> Res<PendingRequest> {
    let default = team::own_folder(&state)?;
    state.with(|s| {
        let folder = s.team_folder(&default)?.unwrap_or(default.clone());
        s.team_take_request(&folder, &path)
    })
}

/// The folder the team's files go through: one the charity already syncs,
/// or none for Refrain's own.
#[tauri::command(async)]
pub fn team_set_folder(
    state: State<'_, AppState>,
    team: State<'_, TeamState>,
    path: Option<PathBuf>,
) -> Res<()> {
    state.with(|s| s.team_set_folder(path.as_deref()))?;
    team.sync_soon();
    Ok(())
}

/// Pauses or resumes sharing on this laptop.
#[tauri::command(async)]
pub fn team_set_paused(
    state: State<'_, AppState>,
    team: State<'_, TeamState>,
    paused: bool,
) -> Res<()> {
    state.with(|s| s.team_set_paused(paused))?;
    if !paused {
        team.sync_soon();
    }
    Ok(())
}

/// Whether another of the team's laptops changed this person's record or
/// this register since this laptop last showed it (and notes it is shown
/// now).
#[tauri::command(async)]
pub fn changed_elsewhere(
    state: State<'_, AppState>,
    what: SeenRecord,
    id: String,
) -> Res<Option<ChangedElsewhere>> {
    state.with(|s| s.changed_elsewhere(what, &id))
}

/// Syncs now, and gives the Team screen's overview after it.
#[tauri::command(async)]
pub fn team_sync_now<R: Runtime>(app: AppHandle<R>) -> Res<Option<TeamOverview>> {
    app.state::<TeamState>().sync_and_wait(&app);
    team::overview(&app.state::<AppState>())
}
