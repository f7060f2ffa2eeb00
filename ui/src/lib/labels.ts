// Plain words for the values the core sends as camelCase strings.
import type {
  Mark,
  PlaylistKind,
  ReferralReason,
  ReferralSource,
  ReferralStatus,
  RefusalReason,
  SessionStatus,
} from './bindings';

export const MARKS: readonly Mark[] = ['present', 'late', 'leftEarly', 'absent', 'apologies'];

export const MARK_LABELS: Record<Mark, string> = {
  present: 'Present',
  late: 'Late',
  leftEarly: 'Left early',
  absent: 'Absent',
  apologies: 'Apologies',
};

/** The key that marks a register row, shown in the keyboard tip. */
export const MARK_KEYS: Record<Mark, string> = {
  present: 'P',
  late: 'L',
  leftEarly: 'E',
  absent: 'A',
  apologies: 'S',
};

/** Whether the mark means the person was in the room (for counts). */
export function attended(mark: Mark | null): boolean {
  return mark === 'present' || mark === 'late' || mark === 'leftEarly';
}

export const SESSION_STATUS_LABELS: Record<SessionStatus, string> = {
  planned: 'Planned',
  held: 'Held',
  cancelled: 'Cancelled',
};

export const REFERRAL_SOURCES: readonly ReferralSource[] = [
  'gpLinkWorker',
  'socialPrescriber',
  'localOrganisation',
  'careHome',
  'memoryClinic',
  'selfOrFamily',
  'other',
];

export const REFERRAL_SOURCE_LABELS: Record<ReferralSource, string> = {
  gpLinkWorker: 'GP link worker',
  socialPrescriber: 'Social prescriber',
  localOrganisation: 'Local organisation',
  careHome: 'Care home',
  memoryClinic: 'Memory clinic',
  selfOrFamily: 'Self or family',
  other: 'Other',
};

export const REFERRAL_REASONS: readonly ReferralReason[] = [
  'loneliness',
  'anxiety',
  'depression',
  'dementiaOrMemoryLoss',
  'other',
];

export const REFERRAL_REASON_LABELS: Record<ReferralReason, string> = {
  loneliness: 'Loneliness',
  anxiety: 'Anxiety',
  depression: 'Depression',
  dementiaOrMemoryLoss: 'Dementia or memory loss',
  other: 'Other',
};

export const REFERRAL_STATUSES: readonly ReferralStatus[] = [
  'received',
  'contacted',
  'accepted',
  'declined',
  'started',
  'completed',
  'withdrawn',
];

export const REFERRAL_STATUS_LABELS: Record<ReferralStatus, string> = {
  received: 'Received',
  contacted: 'Contacted',
  accepted: 'Accepted',
  declined: 'Declined',
  started: 'Started',
  completed: 'Completed',
  withdrawn: 'Withdrawn',
};

/** The name to greet someone by: preferred name, else full name. */
export function callName(p: { preferredName: string; fullName: string }): string {
  return p.preferredName.trim() || p.fullName;
}

export const REFUSAL_REASON_LABELS: Record<RefusalReason, string> = {
  notAudio: 'not a music file',
  unsupportedCodec: "a kind of music file Refrain can't play",
  corrupt: 'the file is damaged',
  unreadable: "the file couldn't be read",
};

export const PLAYLIST_KIND_LABELS: Record<PlaylistKind, string> = {
  setlist: 'Setlist',
  personal: 'Playlist',
};
