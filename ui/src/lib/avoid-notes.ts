// A prescription's "what to avoid" is free text from the referrer. To put it
// on the person's avoid list, it is cut into likely entries that only fill in
// the avoid form: the therapist reads, corrects and confirms each one (with
// its reason) and the core checks it as any other entry. Nothing here
// decides what is avoided.
import type { AvoidKind } from './bindings';

export type AvoidDraft = { kind: AvoidKind; title: string; artist: string; why: string };

/** The reason kept when the referrer gave none with an entry. */
export function referrerReason(receivedOn: string): string {
  return `The referrer asked for it to be avoided (referral received ${receivedOn}).`;
}

const ARTIST_ONLY = /^(?:anything|everything|all|any songs?|songs|music)\s+(?:by|from)\s+(.+)$/i;
const SONG_BY = /^(.+)\s+by\s+(.+)$/i; // the last "by": "Stand by Me by Ben E. King"

function tidy(s: string): string {
  let t = s
    .trim()
    .replace(/^(?:[-*•–—]|\d+[.)])\s+/, '') // a list's bullet or number
    .replace(/^avoid\s+/i, '')
    .trim();
  const quoted = t.match(/^["‘“'](.+?)["’”']?[.,]?$/);
  if (quoted) t = quoted[1];
  return t.replace(/[.,]$/, '').trim();
}

/** Cut one part into what to avoid and why (after a colon,
 * "because", or in brackets at the end). */
function split(part: string): { what: string; why: string } {
  const bracket = part.match(/^(.*?)\s*\(([^()]+)\)\s*\.?$/);
  if (bracket && bracket[1].trim()) return { what: bracket[1], why: bracket[2] };
  const m = part.match(/^(.*?)(?::\s+|\s+because\s+)(.+)$/i);
  if (m && m[1].trim()) return { what: m[1], why: m[2] };
  return { what: part, why: '' };
}

function sentence(s: string): string {
  const t = s.trim().replace(/\.$/, '');
  return t ? t.charAt(0).toUpperCase() + t.slice(1) + '.' : '';
}

/** The referrer's note cut into drafts of avoid entries, one a line or a
 * part between semicolons; `receivedOn` names the referral in the reason
 * when the note gives none. */
export function avoidDrafts(note: string, receivedOn: string): AvoidDraft[] {
  const drafts: AvoidDraft[] = [];
  for (const raw of note.split(/[\n;]+/)) {
    if (!raw.trim()) continue;
    const { what, why } = split(raw.trim());
    const thing = tidy(what);
    if (!thing) continue;
    const reason = sentence(why) || referrerReason(receivedOn);
    const artistOnly = thing.match(ARTIST_ONLY);
    if (artistOnly) {
      drafts.push({ kind: 'artist', title: '', artist: tidy(artistOnly[1]), why: reason });
      continue;
    }
    const by = thing.match(SONG_BY);
    if (by) {
      drafts.push({ kind: 'song', title: tidy(by[1]), artist: tidy(by[2]), why: reason });
      continue;
    }
    drafts.push({ kind: 'song', title: thing, artist: '', why: reason });
  }
  return drafts;
}
