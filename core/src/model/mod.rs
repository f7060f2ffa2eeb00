//! The domain's records as they cross into the UI and the CLI.
//!
//! Every type here derives `ts_rs::TS`, so the UI's TypeScript types are generated
//! from these definitions (see `bindings.rs`). Field names are camelCase on the wire.
//! Dates are ISO `YYYY-MM-DD` strings, times `HH:MM`, timestamps RFC 3339 UTC.
//! Input types carry dates and times as plain strings on purpose: the core parses
//! them, so that "31 February" is refused here with a message, not in the UI.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A place where groups meet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Venue {
    pub id: String,
    pub name: String,
    pub address: String,
    /// Parking, hearing loop, step-free access and the like.
    pub access_notes: String,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct VenueInput {
    pub name: String,
    pub address: String,
    pub access_notes: String,
}

/// Day of the week a group usually meets, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// A group as listed on the Groups screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: String,
    pub name: String,
    pub description: String,
    pub venue_id: Option<String>,
    pub venue_name: Option<String>,
    pub weekday: Option<Weekday>,
    /// `HH:MM`
    pub start_time: Option<String>,
    /// `HH:MM`
    pub end_time: Option<String>,
    pub capacity: Option<u32>,
    pub facilitators: String,
    /// Who the group is for, in words (for a directory listing); may be
    /// empty.
    pub eligibility: String,
    /// The youngest age the group takes, if it has one.
    pub minimum_age: Option<u32>,
    /// The oldest age the group takes, if it has one.
    pub maximum_age: Option<u32>,
    pub archived: bool,
    /// People who are members today.
    pub member_count: u32,
    /// Date of the next planned session, if any.
    pub next_session: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct GroupInput {
    pub name: String,
    pub description: String,
    pub venue_id: Option<String>,
    pub weekday: Option<Weekday>,
    /// `HH:MM`, or empty.
    pub start_time: String,
    /// `HH:MM`, or empty.
    pub end_time: String,
    pub capacity: Option<u32>,
    pub facilitators: String,
    /// Who the group is for, in words, or empty.
    pub eligibility: String,
    pub minimum_age: Option<u32>,
    pub maximum_age: Option<u32>,
}

/// A person in a group, with the dates they joined and left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    pub id: String,
    pub group_id: String,
    pub group_name: String,
    pub attendee_id: String,
    pub attendee_name: String,
    pub joined_on: String,
    pub left_on: Option<String>,
    /// The person's information needs, shown beside their name.
    pub information_needs: InformationNeeds,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GroupDetail {
    pub group: Group,
    /// Current members, by name.
    pub members: Vec<Membership>,
    /// People who have left, most recent first.
    pub former_members: Vec<Membership>,
    /// Sessions from today on, soonest first.
    pub upcoming: Vec<Session>,
    /// Sessions before today, most recent first.
    pub past: Vec<Session>,
}

/// One kind of consent and when it was given or withdrawn.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Consent {
    pub given: bool,
    /// The date consent was given or withdrawn (`YYYY-MM-DD`), if recorded.
    pub date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Attendee {
    pub id: String,
    pub full_name: String,
    pub preferred_name: String,
    pub date_of_birth: Option<String>,
    pub phone: String,
    pub email: String,
    /// A carer or companion who comes along.
    pub carer_name: String,
    pub access_needs: String,
    pub communication_needs: String,
    /// The Accessible Information Standard's flags: how to give them
    /// information and how to reach them.
    pub information_needs: InformationNeeds,
    pub notes: String,
    pub consent_participation: Consent,
    pub consent_media: Consent,
    pub consent_share_outcomes: Consent,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct AttendeeInput {
    pub full_name: String,
    pub preferred_name: String,
    /// `YYYY-MM-DD`, or empty.
    pub date_of_birth: String,
    pub phone: String,
    pub email: String,
    pub carer_name: String,
    pub access_needs: String,
    pub communication_needs: String,
    pub information_needs: InformationNeeds,
    pub notes: String,
    pub consent_participation: Consent,
    pub consent_media: Consent,
    pub consent_share_outcomes: Consent,
}

/// A person's communication and information needs, as the Accessible
/// Information Standard (NHS England, DCB1605) asks them to be recorded:
/// flags that every screen showing the person shows, and that what Refrain
/// prints for them honours (large print makes every document for them
/// 16 pt or larger).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct InformationNeeds {
    pub large_print: bool,
    pub easy_read: bool,
    /// Information goes to, and contact is made through, their carer.
    pub contact_via_carer: bool,
    pub interpreter: bool,
    /// The language to interpret into (British Sign Language included);
    /// needed when `interpreter` is set, empty otherwise.
    pub interpreter_language: String,
    pub hearing_loop: bool,
}

/// One of the Accessible Information Standard's flags, for its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum InformationNeed {
    LargePrint,
    EasyRead,
    ContactViaCarer,
    Interpreter,
    HearingLoop,
}

impl InformationNeeds {
    /// The flags set, in the order screens show them.
    pub fn flags(&self) -> Vec<InformationNeed> {
        [
            (self.large_print, InformationNeed::LargePrint),
            (self.easy_read, InformationNeed::EasyRead),
            (self.contact_via_carer, InformationNeed::ContactViaCarer),
            (self.interpreter, InformationNeed::Interpreter),
            (self.hearing_loop, InformationNeed::HearingLoop),
        ]
        .into_iter()
        .filter_map(|(on, need)| on.then_some(need))
        .collect()
    }

    /// The smallest text size, in points, of any document made for this
    /// person: 16 for large print, 0 (the standard sizes) otherwise.
    pub fn min_text_size(&self) -> f32 {
        if self.large_print {
            LARGE_PRINT_PT
        } else {
            0.0
        }
    }
}

/// Large print: no text in a document for the person smaller than this, in
/// points.
pub const LARGE_PRINT_PT: f32 = 16.0;

/// A line in the Attendees list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttendeeSummary {
    pub id: String,
    pub full_name: String,
    pub preferred_name: String,
    /// Names of the groups the person is in today.
    pub groups: Vec<String>,
    pub archived: bool,
    /// Shown beside the name in the people list.
    pub information_needs: InformationNeeds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReferralSource {
    GpLinkWorker,
    SocialPrescriber,
    LocalOrganisation,
    CareHome,
    MemoryClinic,
    SelfOrFamily,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReferralReason {
    Loneliness,
    Anxiety,
    Depression,
    DementiaOrMemoryLoss,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReferralStatus {
    Received,
    Contacted,
    Accepted,
    Declined,
    Started,
    Completed,
    Withdrawn,
}

/// Why a referral was declined: said to the referrer with the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DeclineReason {
    NotSuitable,
    NoPlace,
    CouldNotContact,
    PersonDeclined,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReferralStatusChange {
    pub status: ReferralStatus,
    /// The date the change happened (`YYYY-MM-DD`).
    pub changed_on: String,
    pub note: String,
    /// Set when the change is a decline (required for new declines).
    pub decline_reason: Option<DeclineReason>,
    pub recorded_at: String,
}

/// Settings that hold for the whole practice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PracticeSettings {
    /// Days a new referral may wait for its first answer (accepted or
    /// declined) before it is overdue. Two weeks unless changed.
    pub referral_response_days: u32,
    /// The measure taken at the start and the end of every referral's
    /// episode (ONS4 unless changed).
    #[serde(default = "default_episode_instrument")]
    pub episode_instrument_key: String,
}

/// What a directory needs to list the practice (the Open Referral UK
/// export): its public name, a line about it, and how to reach it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct PracticeDetails {
    pub name: String,
    /// A sentence or two about the practice, for a directory.
    pub description: String,
    pub email: String,
    pub phone: String,
    /// `https://...`, or empty.
    pub website: String,
}

fn default_episode_instrument() -> String {
    crate::outcomes::ONS4.to_string()
}

impl Default for PracticeSettings {
    /// Two weeks to answer; ONS4 at the start and the end.
    fn default() -> Self {
        PracticeSettings {
            referral_response_days: 14,
            episode_instrument_key: default_episode_instrument(),
        }
    }
}

/// One line of a start-and-end pairing: an item (or the overall score).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EpisodeLine {
    /// "Overall" or the item's words.
    pub label: String,
    pub start: Option<f64>,
    pub end: Option<f64>,
    /// End minus start, when both were taken.
    pub change: Option<f64>,
    /// A fall is the better way (ONS4's anxiety question).
    pub lower_is_better: bool,
    /// Whether the change is for the better; `None` with no change or no pair.
    pub better: Option<bool>,
}

impl EpisodeLine {
    pub fn new(
        label: String,
        start: Option<f64>,
        end: Option<f64>,
        change: Option<f64>,
        lower_is_better: bool,
    ) -> Self {
        let better = change
            .filter(|c| *c != 0.0)
            .map(|c| (c > 0.0) != lower_is_better);
        EpisodeLine {
            label,
            start,
            end,
            change,
            lower_is_better,
            better,
        }
    }
}

/// A referral's episode measured at the start and the end: the practice's
/// measure, the first complete answers taken at intake on or after the
/// referral arrived, and the latest complete answers at discharge after them
/// (by the same rater).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EpisodeOutcome {
    pub referral_id: String,
    pub instrument_key: String,
    pub instrument_name: String,
    pub rater: Option<crate::outcomes::Rater>,
    pub start_on: Option<String>,
    pub end_on: Option<String>,
    /// One line per item for a measure reported item by item, else the
    /// overall score.
    pub lines: Vec<EpisodeLine>,
    /// What is due now: `intake` once the person has come to a session since
    /// the referral and no start was taken; `discharge` once the referral is
    /// completed or withdrawn with a start but no end.
    pub due: Option<Timing>,
}

/// A start or end measure due now, as listed on Today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EpisodeDue {
    pub attendee_id: String,
    pub full_name: String,
    pub referral_id: String,
    pub instrument_key: String,
    pub instrument_name: String,
    /// `intake` (the start) or `discharge` (the end).
    pub due: Timing,
    /// The person's information needs, shown beside their name.
    pub information_needs: InformationNeeds,
}

/// A referral that has had no answer yet, as listed on Today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AwaitingReferral {
    pub referral_id: String,
    pub attendee_id: String,
    pub full_name: String,
    pub source: ReferralSource,
    /// "Name, organisation", either may be missing; empty when neither was recorded.
    pub referrer: String,
    pub received_on: String,
    /// The last day to answer in time (`YYYY-MM-DD`).
    pub due_on: String,
    /// Whole days since it was received (0 on the day).
    pub days_waiting: u32,
    /// Past the deadline with no answer.
    pub overdue: bool,
    /// The person's information needs, shown beside their name.
    pub information_needs: InformationNeeds,
}

/// Every referral waiting for an answer, the longest waiting first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AwaitingReplies {
    pub response_days: u32,
    pub referrals: Vec<AwaitingReferral>,
    pub overdue: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Referral {
    pub id: String,
    pub attendee_id: String,
    pub source: ReferralSource,
    pub referrer_name: String,
    pub referrer_organisation: String,
    pub received_on: String,
    pub reasons: Vec<ReferralReason>,
    /// Free text when a reason is "other".
    pub reason_notes: String,
    /// The latest status.
    pub status: ReferralStatus,
    /// Every status with its date, oldest first.
    pub history: Vec<ReferralStatusChange>,
    /// A request for a personal playlist that came with the referral.
    pub prescription: Option<PlaylistPrescription>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReferralInput {
    pub attendee_id: String,
    pub source: ReferralSource,
    #[serde(default)]
    pub referrer_name: String,
    #[serde(default)]
    pub referrer_organisation: String,
    /// `YYYY-MM-DD`
    pub received_on: String,
    #[serde(default)]
    pub reasons: Vec<ReferralReason>,
    #[serde(default)]
    pub reason_notes: String,
}

/// A session's attendance for one person, as shown in their history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceHistoryEntry {
    pub session_id: String,
    pub group_name: String,
    pub date: String,
    pub mark: Mark,
    pub carer_present: bool,
    pub walk_in: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttendeeDetail {
    pub attendee: Attendee,
    pub referrals: Vec<Referral>,
    /// Every membership, current ones first.
    pub memberships: Vec<Membership>,
    /// Most recent first.
    pub attendance: Vec<AttendanceHistoryEntry>,
    /// Set when the record was erased on request: only the anonymous
    /// placeholder is left.
    pub erasure: Option<Erasure>,
    /// Each referral's start and end measures, in the order of `referrals`.
    pub episodes: Vec<EpisodeOutcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SessionStatus {
    Planned,
    Held,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    pub group_id: String,
    pub group_name: String,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub venue_id: Option<String>,
    pub venue_name: Option<String>,
    pub status: SessionStatus,
    pub cancel_reason: Option<String>,
    pub facilitators: String,
    /// How many people have a mark on the register.
    pub marked_count: u32,
    /// How many of those were there (present, late or left early).
    pub attended_count: u32,
    /// How many people are on the register: members on the day, and walk-ins.
    pub expected_count: u32,
    /// The setlist attached to this session, if any.
    pub setlist_id: Option<String>,
    pub setlist_name: Option<String>,
    /// The music to play for this session: its own setlist when that has
    /// music in it, else the group's usual one (the setlist of its latest
    /// session up to this one that had one with music, else its setlist with
    /// music changed most recently). None when the group has no music yet.
    pub music_id: Option<String>,
    pub music_name: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionInput {
    pub group_id: String,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`
    pub start_time: String,
    /// `HH:MM`
    pub end_time: String,
    /// Defaults to the group's usual venue when empty.
    pub venue_id: Option<String>,
    /// Defaults to the group's facilitators when empty.
    pub facilitators: String,
}

/// How a person took part in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Mark {
    Present,
    Late,
    LeftEarly,
    Absent,
    Apologies,
}

impl Mark {
    /// Whether the person was in the room for at least part of the session.
    pub fn attended(self) -> bool {
        matches!(self, Mark::Present | Mark::Late | Mark::LeftEarly)
    }
}

/// One line of a session's register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegisterEntry {
    pub attendee_id: String,
    pub full_name: String,
    pub preferred_name: String,
    pub carer_name: String,
    pub access_needs: String,
    pub communication_needs: String,
    pub information_needs: InformationNeeds,
    /// None until the person is marked.
    pub mark: Option<Mark>,
    pub carer_present: bool,
    /// Not a member of the group on the session's date.
    pub walk_in: bool,
    /// The start measure of the person's referral, when it is due at this
    /// session (it was referred before it and no start measure has been
    /// taken since): offered beside them, for the therapist.
    pub measure_due: Option<EpisodeDue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Register {
    pub session: Session,
    pub group_archived: bool,
    /// Whether who came can be recorded: not before the session's day (only
    /// apologies and absences can be recorded ahead of time).
    pub can_record_who_came: bool,
    /// How many people on the register have no mark yet: the people
    /// "everyone else is here" would mark present.
    pub unmarked_count: u32,
    /// Members on the session's date, then walk-ins, each by name.
    pub entries: Vec<RegisterEntry>,
}

/// What "everyone else is here" did: the register after it, and the marks it
/// made, so that exactly those can be undone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EveryoneHere {
    pub register: Register,
    /// The people it marked present (attendee ids, in register order).
    pub attendee_ids: Vec<String>,
    /// The marks it made, to hand back to undo.
    pub mark_ids: Vec<String>,
}

/// What undoing "everyone else is here" did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EveryoneHereUndone {
    pub register: Register,
    /// The people whose marks were cleared (attendee ids).
    pub cleared: Vec<String>,
    /// The people whose marks were changed after being set, so were left as
    /// they are (attendee ids).
    pub kept: Vec<String>,
}

/// Someone joining a session's register who is not a member of the group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum WalkIn {
    /// A person already in Refrain.
    Existing { attendee_id: String },
    /// A new person, created together with their mark. (Boxed: the record is
    /// much larger than an id; the wire form is the same.)
    New { attendee: Box<AttendeeInput> },
}

/// Facts about the store, for the About panel and `refrain-cli check`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StoreInfo {
    pub app_version: String,
    pub schema_version: u32,
    pub data_dir: String,
    pub is_empty: bool,
}

/// Result of `refrain-cli check` and the app's health check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    pub schema_version: u32,
    pub integrity_ok: bool,
    /// What SQLite's integrity and foreign-key checks reported, if anything.
    pub problems: Vec<String>,
    pub counts: Vec<(String, u64)>,
}

// ---------------------------------------------------------------------------
// Music: the track library, playlists and the player.
// ---------------------------------------------------------------------------

/// A piece of music in the library. Its file is a copy kept in the library
/// folder, named by its content hash, so the same file is stored once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Track {
    pub id: String,
    pub title: String,
    pub artist: String,
    pub album: String,
    pub year: Option<i32>,
    pub duration_ms: Option<u32>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u32>,
    /// `wav`, `flac`, `mp3`, `ogg` or `m4a`.
    pub format: String,
    /// The file's name when it was imported.
    pub original_name: String,
    pub tags: Vec<String>,
    /// The library's copy of the file is gone (deleted or damaged on disk).
    pub missing: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// A music file already looked at and copied into the library folder, as
/// the store records it (`Store::add_track`). The audio crate makes these;
/// the store never looks inside a music file.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTrack {
    /// The file's own title, or its name without the extension.
    pub title: String,
    pub artist: String,
    pub album: String,
    pub year: Option<i32>,
    pub duration_ms: Option<u32>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u32>,
    /// `wav`, `flac`, `mp3`, `ogg` or `m4a`.
    pub format: String,
    /// The file's name when it was imported.
    pub original_name: String,
    /// blake3 of the content, hex: the same music is stored once.
    pub content_hash: String,
    /// The copy's name in the library folder.
    pub file_name: String,
    pub size_bytes: u64,
}

/// Why a file was not added to the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RefusalReason {
    NotAudio,
    UnsupportedCodec,
    Corrupt,
    Unreadable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RefusedFile {
    /// The file's name (not its full path).
    pub file_name: String,
    pub reason: RefusalReason,
    /// What went wrong, in plain words.
    pub message: String,
}

/// What an import did, file by file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub imported: Vec<Track>,
    /// Files whose music was already in the library.
    pub already_there: Vec<Track>,
    pub refused: Vec<RefusedFile>,
    /// Files added whose container says more than could be read: they may
    /// be damaged (a copy cut short).
    pub may_be_damaged: Vec<DamagedFile>,
    /// The import was cancelled before every file was looked at.
    pub cancelled: bool,
}

/// A file added to the library that may be damaged: its container gives a
/// length (the one listed) but far less music could be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DamagedFile {
    /// The file's name (not its full path).
    pub file_name: String,
    pub track_id: String,
    /// The length the file gives, as listed.
    pub listed_ms: u32,
    /// How much music could be read.
    pub readable_ms: u32,
    /// In plain words: "… may be damaged: only 0:00.2 could be read (it says 0:12)."
    pub message: String,
}

/// Progress of a running import, sent several times a second.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
    /// The file being looked at now.
    pub current: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum PlaylistKind {
    /// An ordered list of tracks for a group's sessions.
    Setlist,
    /// Songs that matter to one person.
    Personal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistEntry {
    pub id: String,
    /// 0-based place in the playlist.
    pub position: u32,
    pub track: Track,
    /// E.g. "sings along, key of G".
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Playlist {
    pub id: String,
    pub kind: PlaylistKind,
    pub name: String,
    /// For a setlist: its group.
    pub group_id: Option<String>,
    /// For a personal playlist: whose it is.
    pub attendee_id: Option<String>,
    pub entries: Vec<PlaylistEntry>,
    /// For a personal playlist: when to look again at how it is working
    /// (`YYYY-MM-DD`); shown on Today from that day.
    pub review_on: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A playlist in a list, without its entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistSummary {
    pub id: String,
    pub kind: PlaylistKind,
    pub name: String,
    pub group_id: Option<String>,
    pub group_name: Option<String>,
    pub attendee_id: Option<String>,
    pub attendee_name: Option<String>,
    pub track_count: u32,
    pub duration_ms: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct PlaylistInput {
    pub name: String,
    /// Required for a setlist.
    pub group_id: Option<String>,
    /// Required for a personal playlist.
    pub attendee_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum PlayerStatus {
    /// Nothing loaded.
    Idle,
    Playing,
    Paused,
    /// The queue finished or was stopped.
    Stopped,
    /// No sound output could be opened; the player retries when asked.
    NoOutput,
}

/// What the player is doing. The player reports it on every change and five
/// times a second while playing; the window is sent a change at once and a
/// moving position once a second (`src-tauri/music.rs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlayerState {
    pub status: PlayerStatus,
    pub track: Option<Track>,
    pub position_ms: u32,
    pub duration_ms: Option<u32>,
    /// 0.0 to 1.0.
    pub volume: f32,
    pub looping: bool,
    /// The playing track's place in the queue, and the queue's length.
    pub queue_index: Option<u32>,
    pub queue_length: u32,
    /// Where the queue came from, e.g. a setlist's name.
    pub queue_name: String,
    /// A plain message when something went wrong ("That file is missing…").
    pub message: Option<String>,
}

/// What was done to a record, as the audit log says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AuditAction {
    Created,
    Changed,
    Archived,
    Signed,
    Amended,
    Removed,
}

/// Which entries of the audit log to read. `limit` is at most 1000.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct AuditFilter {
    /// One record's history (a note's includes its amendments).
    pub record_id: Option<String>,
    /// One practitioner's changes.
    pub practitioner_id: Option<String>,
    pub limit: u32,
}

/// One change in the audit log: who (a practitioner, or no one chosen), which
/// record, what was done and when. Never a person's name or a note's words;
/// the practitioner's name is looked up when the log is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub at: String,
    pub practitioner_id: Option<String>,
    /// `None` when no one was chosen or the practitioner is unknown.
    pub practitioner_name: Option<String>,
    pub record_table: String,
    pub record_id: String,
    pub action: AuditAction,
    /// The kind of record in plain words: "person", "register mark",
    /// "clinical note"...
    pub what: String,
}

mod lyrics;
mod music_story;
mod notes;
mod people_import;
mod report;
mod scores;

pub use lyrics::*;
pub use music_story::*;
pub use notes::*;
pub use people_import::*;
pub use report::*;
pub use scores::*;
