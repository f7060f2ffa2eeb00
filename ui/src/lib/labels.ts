// Plain words for the values the core sends as camelCase strings. The words
// themselves are generated from the core (vocabulary.ts, from
// core/src/labels.rs), so the screens, the reports and the CLI say the same.
import type { InformationNeeds, Mark } from './bindings';
import { ATTENDED_MARKS, INFORMATION_NEEDS, INFORMATION_NEED_LABELS } from './vocabulary';

export {
  MARKS,
  MARK_LABELS,
  SESSION_STATUS_LABELS,
  REFERRAL_SOURCES,
  REFERRAL_SOURCE_LABELS,
  REFERRAL_REASONS,
  REFERRAL_REASON_LABELS,
  REFERRAL_STATUSES,
  REFERRAL_STATUS_LABELS,
  DECLINE_REASONS,
  DECLINE_REASON_LABELS,
  REFUSAL_REASON_LABELS,
  PLAYLIST_KIND_LABELS,
  LYRICS_RIGHTS,
  LYRICS_RIGHTS_LABELS,
  PRESCRIPTION_PURPOSES,
  PRESCRIPTION_PURPOSE_LABELS,
  PRESCRIPTION_STATUSES,
  PRESCRIPTION_STATUS_LABELS,
  LISTENING_PLACES,
  LISTENING_PLACE_LABELS,
  RESPONSE_SCALE,
  INFORMATION_NEEDS,
  INFORMATION_NEED_LABELS,
} from './vocabulary';

/** A person's information needs in words, in the core's order; the
 *  interpreter with its language ("Interpreter: Polish"), as the reports say it. */
export function informationNeedWords(n: InformationNeeds): string[] {
  return INFORMATION_NEEDS.filter((k) => n[k]).map((k) =>
    k === 'interpreter' && n.interpreterLanguage
      ? `${INFORMATION_NEED_LABELS[k]}: ${n.interpreterLanguage}`
      : INFORMATION_NEED_LABELS[k],
  );
}

/** The key that marks a register row, shown in the keyboard tip. */
export const MARK_KEYS: Record<Mark, string> = {
  present: 'P',
  late: 'L',
  leftEarly: 'E',
  absent: 'A',
  apologies: 'S',
};

/** Whether the mark means the person was in the room (for counts), as the core counts it. */
export function attended(mark: Mark | null): boolean {
  return mark !== null && ATTENDED_MARKS.includes(mark);
}

/** The name to greet someone by: preferred name, else full name. */
export function callName(p: { preferredName: string; fullName: string }): string {
  return p.preferredName.trim() || p.fullName;
}
