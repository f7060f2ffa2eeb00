//! Reports as data: what a register, a programme summary and a referrer's
//! feedback say, before they are written as CSV, Excel or PDF (`crate::report`).
//! The UI shows the same figures on screen that the files hold.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    AttendanceHistoryEntry, Attendee, EpisodeLine, EpisodeOutcome, Mark, Membership, Referral,
    ReferralStatusChange, SessionStatus,
};
use super::{Note, PersonOutcomes};
use crate::outcomes::{Change, Rater};

/// The file a report is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Pdf,
    Json,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Pdf => "pdf",
            ExportFormat::Json => "json",
        }
    }
}

/// A report to make, as the app and the CLI ask for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum ReportRequest {
    /// One group's attendance register (CSV, Excel or PDF).
    Register {
        group_id: String,
        from: String,
        to: String,
    },
    /// Every group's register with sessions in the period: one Excel sheet
    /// per group, or one CSV file holding each in turn.
    AllRegisters { from: String, to: String },
    /// A funder's summary of some groups (PDF or Excel).
    Programme {
        group_ids: Vec<String>,
        from: String,
        to: String,
        #[serde(default)]
        narrative: String,
    },
    /// Feedback for a person's referrer (PDF); needs their consent.
    ReferrerFeedback {
        attendee_id: String,
        #[serde(default)]
        summary: String,
    },
    /// Everything held about one person (JSON or PDF).
    SubjectAccess { attendee_id: String },
    /// The practice's groups as an Open Referral UK listing (JSON), for a
    /// social prescribing directory.
    Directory {},
    /// A playlist's songs' words as a large-print song book (PDF); refused
    /// while any song's words have rights not known.
    SongBook { playlist_id: String },
}

/// Who made a report, when, and with which version of Refrain: printed on
/// every report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportStamp {
    /// Local date and time, e.g. `23 Nov 2026 17:40`.
    pub produced_at: String,
    /// The practitioner using Refrain; empty when no one was chosen.
    pub produced_by: String,
    pub app_version: String,
    /// On a laptop in a team: how recent the records from the team's other
    /// laptops are ("Records from the team's other laptops as of: ...").
    /// Empty without a team.
    #[serde(default)]
    pub records_as_of: String,
}

/// One column of a register: a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegisterSession {
    pub session_id: String,
    pub date: String,
    pub start_time: String,
    pub status: SessionStatus,
    /// People who came (present, late or left early).
    pub attended: u32,
    /// People expected: members on the day and walk-ins. Counted only for
    /// held sessions (0 for planned and cancelled ones).
    pub expected: u32,
}

/// One cell of a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    rename_all = "camelCase",
    tag = "kind",
    rename_all_fields = "camelCase"
)]
pub enum RegisterCell {
    /// Not a member on that date, and not there.
    NotMember,
    /// A member, but the session was cancelled.
    Cancelled,
    /// A member of a session not yet held.
    Planned,
    /// A member of a held session with no mark recorded.
    NotMarked,
    /// A mark; `walk_in` when the person was not a member on that date.
    Marked { mark: Mark, walk_in: bool },
}

/// One row of a register: a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegisterPerson {
    pub attendee_id: String,
    pub full_name: String,
    /// One per session, in the sessions' order.
    pub cells: Vec<RegisterCell>,
    /// Held sessions this person came to.
    pub attended: u32,
    /// Held sessions this person was expected at (a member on the day, or
    /// came as a walk-in).
    pub expected: u32,
    /// `attended / expected` as a percentage; `None` when expected is 0.
    pub rate: Option<f64>,
}

/// The attendance register of one group over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegisterReport {
    pub group_id: String,
    pub group_name: String,
    /// The group's usual venue, else the venues its sessions used.
    pub venue: String,
    /// `YYYY-MM-DD`, both included.
    pub from: String,
    pub to: String,
    pub sessions: Vec<RegisterSession>,
    /// By name.
    pub people: Vec<RegisterPerson>,
    pub attended: u32,
    pub expected: u32,
    pub rate: Option<f64>,
    pub stamp: ReportStamp,
}

/// Referrals received in a period, counted by where they came from and the
/// status each has now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReferralCount {
    /// The plain label ("GP link worker").
    pub source: String,
    /// In the order of `ProgrammeSummary::referral_statuses`.
    pub by_status: Vec<u32>,
    pub total: u32,
}

/// How quickly the referrals received in a period were answered and the
/// people came: days are counted from the day a referral was received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReferralTiming {
    /// The practice's deadline for a first answer, in days.
    pub response_days: u32,
    /// Referrals counted (the summary's referrals).
    pub referrals: u32,
    /// Of those, answered (accepted, declined, started or completed) by now.
    pub answered: u32,
    /// Of those answered, answered within the deadline.
    pub answered_in_time: u32,
    /// Median days to the first answer; `None` when none was answered.
    pub median_days_to_answer: Option<f64>,
    /// Not answered, and past the deadline today.
    pub overdue: u32,
    /// Referrals whose person came to a session of these groups on or
    /// after the day it was received.
    pub came: u32,
    /// Of those who came, how many first came within the practice's
    /// deadline (the same count of days as for an answer).
    pub came_in_time: u32,
    /// Median days from receiving the referral to the first session attended.
    pub median_days_to_first_session: Option<f64>,
}

/// The programme's referrals measured at the start and the end of their
/// episodes, for one measure and one kind of rater.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EpisodeChange {
    pub instrument_name: String,
    pub rater: Rater,
    /// Referrals with a start measure.
    pub started: u32,
    /// Of those, with an end measure too: the pairs the lines are the means of.
    pub both: u32,
    /// Mean start, end and change over the pairs, per item or overall.
    pub lines: Vec<EpisodeLine>,
}

/// The before/after change on one item (or the whole measure).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WellbeingLine {
    /// "Overall" or the item's words.
    pub label: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub change: Option<Change>,
}

/// One measure's before/after change across the programme, for one kind of
/// rater (self-ratings and proxy ratings are never mixed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WellbeingChange {
    pub instrument_name: String,
    pub instrument_version: String,
    pub rater: Rater,
    /// The scale's range, for charts.
    pub scale_min: i32,
    pub scale_max: i32,
    /// Person-sessions with complete answers before and after.
    pub counted: u32,
    pub improved: u32,
    pub same: u32,
    pub worse: u32,
    /// The overall line first, then each item in the measure's order.
    pub lines: Vec<WellbeingLine>,
}

/// What a funder asks of a programme: any set of groups over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProgrammeSummary {
    pub group_names: Vec<String>,
    pub from: String,
    pub to: String,
    /// Every session in the period, whatever became of it.
    pub sessions_planned: u32,
    pub sessions_held: u32,
    pub sessions_cancelled: u32,
    /// Planned sessions not (yet) held or cancelled.
    pub sessions_not_yet_held: u32,
    /// People who came to at least one session.
    pub unique_participants: u32,
    /// Of those, people who came to three or more.
    pub participants_three_or_more: u32,
    pub attended: u32,
    pub expected: u32,
    pub attendance_rate: Option<f64>,
    /// People who were members at any time in the period.
    pub members_in_period: u32,
    /// Of those, still members on the last day of the period.
    pub members_retained: u32,
    pub retention_rate: Option<f64>,
    /// The statuses counted, as plain labels, in order.
    pub referral_statuses: Vec<String>,
    pub referrals: Vec<ReferralCount>,
    pub referrals_total: u32,
    pub referral_timing: ReferralTiming,
    /// Start and end measures of the referrals counted above.
    pub episodes: Vec<EpisodeChange>,
    pub wellbeing: Vec<WellbeingChange>,
    pub narrative: String,
    pub stamp: ReportStamp,
}

/// One measure for a referrer: the score at the start and the latest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackMeasure {
    pub instrument_name: String,
    pub rater: Rater,
    pub first_on: String,
    pub first: String,
    pub latest_on: Option<String>,
    pub latest: Option<String>,
    pub change: Option<Change>,
}

/// The four headings of the PRSB social prescribing message back to a GP and
/// a referrer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum MessageHeading {
    Person,
    NeedsAndConcerns,
    SupportOffered,
    Outcomes,
}

/// A SNOMED CT code in a message back, under its heading, with the public
/// sources it was checked against (only verified codes are ever written).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CodedEntry {
    pub heading: MessageHeading,
    pub system: String,
    pub code: String,
    pub term: String,
    pub checked_against: Vec<String>,
}

/// Feedback for the person who referred someone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReferrerFeedback {
    pub attendee_id: String,
    pub full_name: String,
    pub date_of_birth: Option<String>,
    /// How the person needs information given (large print makes the PDF
    /// large print).
    pub information_needs: super::InformationNeeds,
    /// "Name, organisation" of the latest referral, if any.
    pub referred_by: String,
    /// Where the latest referral came from, and why.
    pub referral_source: Option<super::ReferralSource>,
    pub reasons: Vec<super::ReferralReason>,
    pub reason_notes: String,
    pub referred_on: Option<String>,
    /// The first answer given to that referral (accepted or declined, with
    /// its date and, for a decline, the reason); `None` while unanswered.
    pub answer: Option<ReferralStatusChange>,
    /// The practice's measure at the start and the end of that referral.
    pub episode: Option<EpisodeOutcome>,
    pub groups: Vec<String>,
    /// Dates attended, oldest first, with the group.
    pub attended: Vec<AttendanceHistoryEntry>,
    pub sessions_offered: u32,
    pub measures: Vec<FeedbackMeasure>,
    pub summary: String,
    /// The SNOMED CT codes that apply, verified ones only.
    pub codes: Vec<CodedEntry>,
    /// The playlist prescription on the latest referral, answered: where it
    /// stands, with every date.
    pub prescription: Option<super::PlaylistPrescription>,
    /// How many songs the prescribed playlist holds, once one is chosen.
    pub prescribed_songs: Option<u32>,
    pub stamp: ReportStamp,
}

/// What the Open Referral UK export lists: the practice (as the
/// organisation), its groups running now (as services) and their venues
/// (as locations). Nothing about any person who comes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryListing {
    pub organization_id: String,
    pub practice: super::PracticeDetails,
    pub groups: Vec<super::Group>,
    pub venues: Vec<super::Venue>,
    pub stamp: ReportStamp,
}

/// Everything Refrain holds about one person, for a subject access request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SubjectAccess {
    pub attendee: Attendee,
    pub referrals: Vec<Referral>,
    pub memberships: Vec<Membership>,
    /// Oldest first.
    pub attendance: Vec<AttendanceHistoryEntry>,
    pub outcomes: PersonOutcomes,
    /// With amendments; drafts included (they are held too).
    pub notes: Vec<Note>,
    /// Names of the personal playlists held for this person.
    pub playlists: Vec<String>,
    /// Their music life story and the music they must not hear.
    pub music_story: super::MusicStory,
    /// How songs went for them, newest first.
    pub listening: Vec<super::Listening>,
    pub audit: Vec<super::AuditEntry>,
    pub stamp: ReportStamp,
}

/// Where an export was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportDone {
    pub path: String,
    pub bytes: u64,
}

/// How far a long export has got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgress {
    pub done: u32,
    pub total: u32,
    /// What is being done, in plain words ("Reading the register").
    pub stage: String,
}

/// A person's record erased on request: when, why and by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Erasure {
    pub attendee_id: String,
    pub erased_at: String,
    pub reason: String,
    pub practitioner_name: Option<String>,
    /// What was removed, for the confirmation ("3 referrals, 12 score sets, ...").
    pub removed: Vec<String>,
}
