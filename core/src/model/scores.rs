//! Outcome scores as recorded: who was rated with which instrument, when, by
//! whom, and what the numbers say for a person, a session and a group.
//!
//! Instruments and their scoring are in `crate::outcomes`; these are the
//! records the store keeps and the views it builds from them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::outcomes::{Change, GroupSummary, Instrument, Rater, Response, Scored};

/// When a set of answers was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Timing {
    /// At the start of a session (needs the session, and the person present).
    Before,
    /// At the end of a session (needs the session, and the person present).
    After,
    /// When the person joined.
    Intake,
    /// At a review.
    Review,
    /// When the person left the group or service.
    Discharge,
}

impl Timing {
    /// Before and after belong to a session; the others to the person.
    pub fn is_session(self) -> bool {
        matches!(self, Timing::Before | Timing::After)
    }
}

/// One instrument a group uses before and after its sessions, and who usually
/// rates with it there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GroupInstrument {
    pub instrument_key: String,
    /// The instrument's name (latest version), for lists.
    pub name: String,
    /// Who rates by default in the quick entry grid (can be changed per person).
    pub rater: Rater,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GroupInstrumentChoice {
    pub instrument_key: String,
    pub rater: Rater,
}

/// A set of answers to record (or, for a session's before/after, to replace:
/// there is one set per person, session, instrument, timing and rater).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScoreSetInput {
    pub attendee_id: String,
    /// Required for before/after, absent otherwise.
    pub session_id: Option<String>,
    pub instrument_key: String,
    pub timing: Timing,
    pub rater: Rater,
    /// Who gave a proxy rating ("Jean, daughter"); empty for self-report.
    #[serde(default)]
    pub rater_name: String,
    /// `YYYY-MM-DD`: for intake/review/discharge (today when absent); a
    /// session's sets take the session's date.
    #[serde(default)]
    pub taken_on: Option<String>,
    /// Possibly partial: a set missing items is kept, shown as incomplete and
    /// never scored. An empty list for a session set removes that set.
    pub answers: Vec<Response>,
}

/// A recorded set of answers and what it scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScoreSet {
    pub id: String,
    pub attendee_id: String,
    pub session_id: Option<String>,
    pub instrument_key: String,
    pub instrument_version: String,
    pub timing: Timing,
    pub rater: Rater,
    pub rater_name: String,
    pub taken_on: String,
    /// In the instrument's item order.
    pub answers: Vec<Response>,
    /// The score, or the items still missing.
    pub scored: Scored,
    pub created_at: String,
    pub updated_at: String,
}

/// One person on a session's score sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScoreSheetRow {
    pub attendee_id: String,
    /// Preferred name if any, else full name.
    pub name: String,
    /// Every before/after set recorded for this person in this session.
    pub sets: Vec<ScoreSet>,
}

/// The quick entry grid of one session: the group's instruments, a row per
/// person present, and the session's group summary so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScoreSheet {
    pub session_id: String,
    /// The group's choice, in its order.
    pub choices: Vec<GroupInstrument>,
    /// The definitions (current versions) of the chosen instruments.
    pub instruments: Vec<Instrument>,
    /// People marked present, late or left early, in the register's order.
    pub rows: Vec<ScoreSheetRow>,
    /// For each mean-scored instrument and rater with any answers: the
    /// session's before/after summary.
    pub summaries: Vec<GroupSummary>,
}

/// One session's before and after for one person, instrument and rater.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionPrePost {
    pub session_id: String,
    pub date: String,
    pub group_name: String,
    pub rater: Rater,
    /// The person's score before (mean, or metric for SWEMWBS); `None` when
    /// not taken or incomplete.
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub change: Option<Change>,
}

/// Everything one instrument says about one person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PersonInstrumentHistory {
    /// The current version (older sets keep and show their own version).
    pub instrument: Instrument,
    /// Every set, oldest first.
    pub sets: Vec<ScoreSet>,
    /// Per session, oldest first (mean-scored instruments).
    pub sessions: Vec<SessionPrePost>,
}

/// A person's outcomes: every instrument they were rated with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PersonOutcomes {
    pub attendee_id: String,
    pub instruments: Vec<PersonInstrumentHistory>,
}

/// One session's summaries, for a group's chart over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionSummary {
    pub session_id: String,
    pub date: String,
    pub summaries: Vec<GroupSummary>,
}

/// A group's outcomes on one mean-scored instrument over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GroupInstrumentOutcome {
    pub instrument: Instrument,
    /// Over the whole period, one per rater (self and proxy ratings apart).
    /// Every person-session pair with complete answers before and after counts
    /// once.
    pub summaries: Vec<GroupSummary>,
    /// Session by session, oldest first; sessions with no answers are left out.
    pub sessions: Vec<SessionSummary>,
}

/// What a group's before/after measures say over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GroupOutcomes {
    pub group_id: String,
    /// `YYYY-MM-DD`, both included.
    pub from: String,
    pub to: String,
    pub instruments: Vec<GroupInstrumentOutcome>,
}
