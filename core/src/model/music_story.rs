//! A person's music life story, and the songs and artists they must not hear.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the therapist knows of a person's life in music, kept like a
/// clinical record (encrypted, audited, in the subject access export, erased
/// with the person). Free text throughout: the songs named need not be in
/// the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MusicStory {
    pub attendee_id: String,
    /// The year they were born: from the date of birth when it is recorded,
    /// else the year alone recorded here.
    pub birth_year: Option<i32>,
    /// True when `birth_year` comes from the record's date of birth.
    pub birth_year_from_date_of_birth: bool,
    /// The calendar years they were 10 and 30: their reminiscence years, the
    /// music they are most likely to remember.
    pub reminiscence_from: Option<i32>,
    pub reminiscence_to: Option<i32>,
    /// Where they grew up and lived.
    pub places: String,
    /// Languages and heritage.
    pub languages: String,
    /// What music meant to them: an instrument, a choir, dancing.
    pub music_meant: String,
    pub favourite_genres: String,
    pub favourite_artists: String,
    /// Songs named, one a line; they need not be in the library.
    pub favourite_songs: String,
    /// Headphones, speaker, hearing aids, who presses play.
    pub how_they_listen: String,
    /// Songs and artists to avoid, each with why, oldest first.
    pub avoid: Vec<AvoidEntry>,
    /// When the story was last saved; `None` when nothing is recorded yet.
    pub updated_at: Option<String>,
}

/// What the therapist types into the music life story.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct MusicStoryInput {
    /// The year they were born, when only the year is known (`1941`), or
    /// empty. Ignored in favour of the date of birth when that is recorded,
    /// and refused when it disagrees with it.
    pub birth_year: String,
    pub places: String,
    pub languages: String,
    pub music_meant: String,
    pub favourite_genres: String,
    pub favourite_artists: String,
    pub favourite_songs: String,
    pub how_they_listen: String,
}

/// Whether an entry on the avoid list is one song or everything by an artist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AvoidKind {
    Song,
    Artist,
}

/// A song or an artist a person must not hear, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AvoidEntry {
    pub id: String,
    pub attendee_id: String,
    pub kind: AvoidKind,
    /// The library's track, when the song was chosen from it.
    pub track_id: Option<String>,
    /// The song's title (empty for an artist).
    pub title: String,
    /// The artist (may be empty for a song typed without one).
    pub artist: String,
    pub why: String,
    pub created_at: String,
}

/// A song or an artist to add to someone's avoid list: a track from the
/// library (`trackId`), or a title and artist as typed, or an artist alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AvoidInput {
    pub kind: AvoidKind,
    #[serde(default)]
    pub track_id: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub artist: String,
    #[serde(default)]
    pub why: String,
}

/// A track that someone must not hear: who, what on their list it matches
/// and why. Shown to the therapist only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AvoidFlag {
    pub track_id: String,
    pub track_title: String,
    pub attendee_id: String,
    pub attendee_name: String,
    pub entry: AvoidEntry,
}

/// A track from the library that may suit a person, and why: the core's
/// reasons in plain words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    pub track: super::Track,
    /// Why it is suggested, strongest first ("Named as a favourite song",
    /// "By Vera Lynn, a favourite artist", "From 1952, when they were 11").
    pub reasons: Vec<String>,
    /// Already in one of their personal playlists.
    pub in_their_playlists: bool,
}

/// A song named in the life story, as typed: a title, and an artist when
/// written "Title - Artist".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NamedSong {
    pub title: String,
    pub artist: String,
}

/// Help to build a person's playlist from their music life story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MusicSuggestions {
    pub attendee_id: String,
    /// Best first: named favourites, then favourite artists, their
    /// reminiscence years and favourite genres. Never anything on their
    /// avoid list.
    pub suggestions: Vec<Suggestion>,
    /// Favourite songs named in the life story that are not in the library
    /// yet: the "to find" list.
    pub to_find: Vec<NamedSong>,
    /// Tracks that would have been suggested but are on their avoid list.
    pub left_out_as_avoided: u32,
}

/// What a prescribed playlist is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum PrescriptionPurpose {
    Calm,
    Sleep,
    Mood,
    Reminiscence,
    Connection,
    Other,
}

/// Where a playlist prescription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum PrescriptionStatus {
    Requested,
    BeingBuilt,
    Tried,
    HandedOver,
    Reviewed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrescriptionStatusChange {
    pub status: PrescriptionStatus,
    /// The date it happened (`YYYY-MM-DD`).
    pub changed_on: String,
    pub note: String,
    pub recorded_at: String,
}

/// A request on a referral (from a link worker, memory clinic or care home)
/// for a personal playlist: what it is for, what the referrer knows, what to
/// avoid, and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistPrescription {
    pub id: String,
    pub referral_id: String,
    pub purposes: Vec<PrescriptionPurpose>,
    /// More on what it is for ("before her bath at 7 pm").
    pub purpose_notes: String,
    /// What the referrer knows of the person's music life story.
    pub known_story: String,
    /// What the referrer says to avoid, and why.
    pub avoid_notes: String,
    /// The latest status.
    pub status: PrescriptionStatus,
    /// Every status with its date, oldest first (the first is "requested").
    pub history: Vec<PrescriptionStatusChange>,
    /// The personal playlist made for it, once chosen.
    pub playlist_id: Option<String>,
    pub playlist_name: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct PrescriptionInput {
    pub purposes: Vec<PrescriptionPurpose>,
    pub purpose_notes: String,
    pub known_story: String,
    pub avoid_notes: String,
    /// `YYYY-MM-DD`: when it was requested (not before the referral came in).
    pub requested_on: String,
}

/// A playlist prescription still waiting (requested, or being built), for
/// Today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WaitingPrescription {
    pub prescription: PlaylistPrescription,
    pub attendee_id: String,
    pub attendee_name: String,
    /// "Name, organisation" of the referrer, or the source's label.
    pub referred_by: String,
    /// When it was requested (`YYYY-MM-DD`).
    pub requested_on: String,
    /// Days since it was requested.
    pub days_waiting: u32,
}

/// Where a song was heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ListeningPlace {
    Session,
    Home,
}

/// How a song went for a person, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Listening {
    pub id: String,
    pub attendee_id: String,
    pub track_id: String,
    pub track_title: String,
    /// `YYYY-MM-DD`
    pub heard_on: String,
    pub place: ListeningPlace,
    /// On the guide's scale: 0 no recognition, 1 slight interest, 2 weak
    /// familiarity, 3 "I may have heard this", 4 "I've known this a long
    /// time", 5 a specific memory.
    pub response: Option<u8>,
    pub distress: bool,
    pub note: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListeningInput {
    pub attendee_id: String,
    pub track_id: String,
    /// `YYYY-MM-DD`; empty means today (or the session's day).
    #[serde(default)]
    pub heard_on: String,
    pub place: ListeningPlace,
    /// Recorded from this session's register: the entry takes the
    /// session's date and is refused where the register can't be marked
    /// (a cancelled session, an archived group, a day not yet come, a
    /// person not on it).
    #[serde(default)]
    #[ts(optional)]
    pub session_id: Option<String>,
    #[serde(default)]
    pub response: Option<u8>,
    #[serde(default)]
    pub distress: bool,
    #[serde(default)]
    pub note: String,
}

/// How one song of a personal playlist has gone so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TrackResponse {
    pub track_id: String,
    /// Times it was recorded.
    pub times: u32,
    /// The mean of the responses given (distress alone gives none).
    pub average_response: Option<f32>,
    /// Times it caused distress.
    pub distressed: u32,
    /// The latest entry, if any.
    pub last: Option<Listening>,
}

/// A personal playlist whose review date has come, for Today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewDue {
    pub playlist_id: String,
    pub playlist_name: String,
    pub attendee_id: String,
    pub attendee_name: String,
    /// `YYYY-MM-DD`
    pub review_on: String,
}

/// What the therapist writes on a hand-over pack's printed sheet, and
/// whether the person's name goes on it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct HandoverInput {
    pub playlist_id: String,
    /// Print the person's name on the sheet (left off unless asked).
    pub print_name: bool,
    pub when_to_play: String,
    pub how_long: String,
    pub helps_with: String,
    /// What to do if the music upsets them (needed).
    pub if_upset: String,
    /// Who to contact with questions (needed).
    pub contact: String,
}

/// The usage plan offered for a hand-over pack before the therapist writes
/// it: what the playlist was prescribed for, and how long it plays.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HandoverPlan {
    pub helps_with: String,
    pub how_long: String,
    /// Where the pack goes unless the therapist chooses another folder or a
    /// USB stick: the reports folder.
    pub folder: String,
    /// The person's communication and information needs (the Accessible
    /// Information Standard's flags), printed on the sheet under "Who to
    /// contact".
    pub information_needs: super::InformationNeeds,
}

/// A hand-over pack written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HandoverDone {
    /// The pack's new folder.
    pub folder: String,
    pub songs: u32,
    pub bytes: u64,
}
