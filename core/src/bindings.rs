//! TypeScript declarations for every core type that crosses into the UI.
//!
//! The desktop shell adds its own (the command error) and writes the whole set
//! to `ui/src/lib/bindings.ts`; a test fails when that file is stale.

use ts_rs::{Config, TS};

use crate::error::ErrorCode;
use crate::model::*;
use crate::outcomes::*;
use crate::store::backup::{BackupInfo, BackupKind, RestoreReport};
use crate::sync::{SyncDecision, SyncReport};
use crate::team::*;

/// The ts-rs settings used for every declaration: 64-bit integers become
/// `number` (counts never come near 2^53).
pub fn config() -> Config {
    Config::new().with_large_int("number")
}

/// `export type X = ...;` for `T`.
pub fn declare<T: TS>(cfg: &Config) -> String {
    format!("export {}", T::decl(cfg))
}

macro_rules! declare_all {
    ($cfg:expr; $($ty:ty),+ $(,)?) => { vec![$(declare::<$ty>($cfg)),+] };
}

/// Declarations of the core's IPC types, in a stable order.
pub fn core_declarations(cfg: &Config) -> Vec<String> {
    declare_all!(cfg;
        Venue, VenueInput, Weekday, Group, GroupInput, Membership, GroupDetail, Consent,
        Attendee, AttendeeInput, InformationNeeds, InformationNeed, AttendeeSummary, ReferralSource, ReferralReason,
        ReferralStatus, DeclineReason, ReferralStatusChange, Referral, ReferralInput,
        PracticeSettings, PracticeDetails, AwaitingReferral, AwaitingReplies, ReferralTiming, EpisodeLine,
        EpisodeOutcome, EpisodeChange, EpisodeDue,
        AttendanceHistoryEntry, AttendeeDetail, SessionStatus, Session, SessionInput, Mark,
        RegisterEntry, Register, EveryoneHere, EveryoneHereUndone, WalkIn, StoreInfo, CheckReport, Track, RefusalReason,
        RefusedFile, DamagedFile, ImportReport, ImportProgress, PlaylistKind, PlaylistEntry, Playlist,
        PlaylistSummary, PlaylistInput, PlayerStatus, PlayerState,
        // Outcome measures: instruments as data, answers and their scores.
        Rater, Origin, Scale, ScalePoint, BandLevel, Band, Item, Scoring, MetricPoint, Instrument,
        CustomInstrumentInput, Response, MissingItem, Checked, Scored, PersonScore, ScoreResult,
        ItemResult, Change, Direction, PrePost, PersonChange, ItemSummary, LeftOut, GroupSummary,
        // Recorded scores and what they say.
        Timing, GroupInstrument, GroupInstrumentChoice, ScoreSetInput, ScoreSet, ScoreSheetRow,
        ScoreSheet, SessionPrePost, PersonInstrumentHistory, PersonOutcomes, SessionSummary,
        GroupInstrumentOutcome, GroupOutcomes,
        // Practitioners and clinical notes.
        Practitioner, PractitionerInput, Signature, Amendment, Note, SessionNotes, NoteHit,
        // A person's music life story and the music they must not hear.
        MusicStory, MusicStoryInput, AvoidKind, AvoidEntry, AvoidInput, AvoidFlag, Suggestion,
        NamedSong, MusicSuggestions, PrescriptionPurpose, PrescriptionStatus,
        PrescriptionStatusChange, PlaylistPrescription, PrescriptionInput, WaitingPrescription,
        ListeningPlace, Listening, ListeningInput, TrackResponse, ReviewDue, HandoverInput,
        HandoverPlan, HandoverDone,
        // Songs' words for sing-alongs.
        LyricsRights, Lyrics, LyricsInput, SongbookSong, SongRef, Songbook,
        // Backups.
        BackupKind, BackupInfo, RestoreReport,
        // The audit log.
        AuditAction, AuditFilter, AuditEntry,
        // Reports, exports and erasure.
        ExportFormat, ReportRequest, ReportStamp, RegisterSession, RegisterCell, RegisterPerson,
        RegisterReport, ReferralCount, WellbeingLine, WellbeingChange, ProgrammeSummary,
        FeedbackMeasure, MessageHeading, CodedEntry, ReferrerFeedback, SubjectAccess, ExportDone, ExportProgress, Erasure,
        // Importing people from a spreadsheet.
        ImportField, ImportTableRow, ImportTable, ColumnMapping, ImportProblem, ImportPreviewRow,
        ImportPreview, ImportOutcome,
        // Every error code a command can fail with.
        SyncReport, SyncDecision, Invitation, JoinRequest, PendingRequest, SpaceName, TeamLaptop,
        TeamStatus, TeamSyncReport, TeamDecision, TeamOverview, TeamArrival, SeenRecord, ChangedElsewhere,
        ErrorCode,
    )
}
