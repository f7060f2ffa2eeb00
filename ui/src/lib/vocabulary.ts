// Generated from core/src/labels.rs. Do not edit by hand:
// run `REFRAIN_UPDATE_BINDINGS=1 cargo test --test main bindings` after changing a label.

import type {
  BandLevel,
  DeclineReason,
  InformationNeed,
  ListeningPlace,
  LyricsRights,
  Mark,
  PlaylistKind,
  PrescriptionPurpose,
  PrescriptionStatus,
  Rater,
  ReferralReason,
  ReferralSource,
  ReferralStatus,
  RefusalReason,
  SessionStatus,
  Timing,
} from './bindings';

export const MARKS: readonly Mark[] = ["present", "late", "leftEarly", "absent", "apologies"];
/** A mark on the register. */
export const MARK_LABELS: Readonly<Record<Mark, string>> = {
  present: "Present",
  late: "Late",
  leftEarly: "Left early",
  absent: "Absent",
  apologies: "Apologies",
};

/** The marks that count as attended (in the room, for however long). */
export const ATTENDED_MARKS: readonly Mark[] = ["present", "late", "leftEarly"];

export const SESSION_STATUSES: readonly SessionStatus[] = ["planned", "held", "cancelled"];
/** Whether a session is planned, held or cancelled. */
export const SESSION_STATUS_LABELS: Readonly<Record<SessionStatus, string>> = {
  planned: "Planned",
  held: "Held",
  cancelled: "Cancelled",
};

export const REFERRAL_SOURCES: readonly ReferralSource[] = ["gpLinkWorker", "socialPrescriber", "localOrganisation", "careHome", "memoryClinic", "selfOrFamily", "other"];
/** Who referred a person. */
export const REFERRAL_SOURCE_LABELS: Readonly<Record<ReferralSource, string>> = {
  gpLinkWorker: "GP link worker",
  socialPrescriber: "Social prescriber",
  localOrganisation: "Local organisation",
  careHome: "Care home",
  memoryClinic: "Memory clinic",
  selfOrFamily: "Self or family",
  other: "Other",
};

export const REFERRAL_REASONS: readonly ReferralReason[] = ["loneliness", "anxiety", "depression", "dementiaOrMemoryLoss", "other"];
/** Why a person was referred. */
export const REFERRAL_REASON_LABELS: Readonly<Record<ReferralReason, string>> = {
  loneliness: "Loneliness",
  anxiety: "Anxiety",
  depression: "Low mood or depression",
  dementiaOrMemoryLoss: "Dementia or memory loss",
  other: "Other",
};

export const REFERRAL_STATUSES: readonly ReferralStatus[] = ["received", "contacted", "accepted", "declined", "started", "completed", "withdrawn"];
/** Where a referral stands. */
export const REFERRAL_STATUS_LABELS: Readonly<Record<ReferralStatus, string>> = {
  received: "Received",
  contacted: "Contacted",
  accepted: "Accepted",
  declined: "Declined",
  started: "Started",
  completed: "Completed",
  withdrawn: "Withdrawn",
};

export const DECLINE_REASONS: readonly DeclineReason[] = ["notSuitable", "noPlace", "couldNotContact", "personDeclined", "other"];
/** Why a referral was declined. */
export const DECLINE_REASON_LABELS: Readonly<Record<DeclineReason, string>> = {
  notSuitable: "Not suitable for the group",
  noPlace: "No place in the group",
  couldNotContact: "Could not contact the person",
  personDeclined: "The person declined",
  other: "Other",
};

export const PRESCRIPTION_PURPOSES: readonly PrescriptionPurpose[] = ["calm", "sleep", "mood", "reminiscence", "connection", "other"];
/** What a prescribed playlist is for. */
export const PRESCRIPTION_PURPOSE_LABELS: Readonly<Record<PrescriptionPurpose, string>> = {
  calm: "Calm before a hard time of day",
  sleep: "Sleep",
  mood: "Mood",
  reminiscence: "Reminiscence",
  connection: "Connection with family",
  other: "Other",
};

export const PRESCRIPTION_STATUSES: readonly PrescriptionStatus[] = ["requested", "beingBuilt", "tried", "handedOver", "reviewed"];
/** Where a playlist prescription stands. */
export const PRESCRIPTION_STATUS_LABELS: Readonly<Record<PrescriptionStatus, string>> = {
  requested: "Requested",
  beingBuilt: "Being built",
  tried: "Tried",
  handedOver: "Handed over",
  reviewed: "Reviewed",
};

export const INFORMATION_NEEDS: readonly InformationNeed[] = ["largePrint", "easyRead", "contactViaCarer", "interpreter", "hearingLoop"];
/** A communication or information need (the Accessible Information Standard). */
export const INFORMATION_NEED_LABELS: Readonly<Record<InformationNeed, string>> = {
  largePrint: "Large print",
  easyRead: "Easy read",
  contactViaCarer: "Contact through their carer",
  interpreter: "Interpreter",
  hearingLoop: "Hearing loop",
};

export const LISTENING_PLACES: readonly ListeningPlace[] = ["session", "home"];
/** Where a song was heard. */
export const LISTENING_PLACE_LABELS: Readonly<Record<ListeningPlace, string>> = {
  session: "In a session",
  home: "At home",
};

export const LYRICS_RIGHTS: readonly LyricsRights[] = ["publicDomain", "licensed", "unknown"];
/** Who holds the rights to a song's words. */
export const LYRICS_RIGHTS_LABELS: Readonly<Record<LyricsRights, string>> = {
  publicDomain: "Public domain",
  licensed: "Licensed by the practice",
  unknown: "Not known yet",
};

/** The carers' guide's response scale, 0 (no recognition) to 5 (a specific memory). */
export const RESPONSE_SCALE: readonly string[] = ["No recognition", "Slight interest", "Weak familiarity (a face, humming)", "\"I may have heard this\"", "\"I've known this a long time\"", "A specific memory (\"I heard this when…\")"];

/** Why a music file was not added to the library, inside a sentence. */
export const REFUSAL_REASON_LABELS: Readonly<Record<RefusalReason, string>> = {
  notAudio: "not a music file",
  unsupportedCodec: "a kind of music file Refrain can't play",
  corrupt: "the file is damaged",
  unreadable: "the file couldn't be read",
};

/** A group's setlist or a person's playlist. */
export const PLAYLIST_KIND_LABELS: Readonly<Record<PlaylistKind, string>> = {
  setlist: "Setlist",
  personal: "Playlist",
};

export const RATERS: readonly Rater[] = ["self", "therapist", "carer", "staff"];
/** Who rated, as a choice in a list ("Carer"). */
export const RATER_LABELS: Readonly<Record<Rater, string>> = {
  self: "Themself",
  therapist: "Therapist",
  carer: "Carer",
  staff: "Staff",
};

/** Who rated, in a sentence ("usually rated by a carer"). */
export const RATER_WORDS: Readonly<Record<Rater, string>> = {
  self: "the person themself",
  therapist: "the therapist",
  carer: "a carer",
  staff: "a member of staff",
};

export const TIMINGS: readonly Timing[] = ["before", "after", "intake", "review", "discharge"];
/** When a score was taken. */
export const TIMING_LABELS: Readonly<Record<Timing, string>> = {
  before: "Before the session",
  after: "After the session",
  intake: "Intake",
  review: "Review",
  discharge: "Discharge",
};

/** The ONS's own words for its bands. */
export const BAND_LABELS: Readonly<Record<BandLevel, string>> = {
  veryLow: "very low",
  low: "low",
  medium: "medium",
  high: "high",
  veryHigh: "very high",
};
