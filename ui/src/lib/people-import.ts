// Small pure helpers for the "Import people from a spreadsheet" screen: the
// words it shows. Every check of the file itself is the core's.
import type { ImportField, ImportOutcome, ImportPreviewRow, ImportProblem, ImportTable } from './bindings';
import { REFERRAL_REASON_LABELS, REFERRAL_SOURCE_LABELS } from './labels';
import { formatDateShort } from './dates';

/** Up to `count` values from a column, the first non-empty ones, each cut short when long. */
export function sampleValues(table: ImportTable, column: number, count = 3): string[] {
  const out: string[] = [];
  for (const r of table.rows) {
    const v = (r.cells[column] ?? '').trim();
    if (!v) continue;
    out.push(v.length > 40 ? `${v.slice(0, 39)}…` : v);
    if (out.length >= count) break;
  }
  return out;
}

/** Where the file's people came from: "UTF-8 text" or "the sheet “Referrals”". */
export function readAs(table: ImportTable): string {
  if (table.sheetName) return `the sheet “${table.sheetName}”`;
  if (table.encoding) return `${table.encoding} text`;
  return '';
}

/**
 * A problem's message without the "Row 7, column C (Date of birth): " the
 * screen already shows in its own columns. Unchanged when it doesn't start so.
 */
export function problemText(p: ImportProblem): string {
  const prefixes = [p.column ? `Row ${p.row}, column ${p.column}: ` : null, `Row ${p.row}: `];
  for (const prefix of prefixes) {
    if (prefix && p.message.startsWith(prefix)) {
      const rest = p.message.slice(prefix.length);
      return rest.charAt(0).toUpperCase() + rest.slice(1);
    }
  }
  return p.message;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "23 people added, 4 referrals. 2 rows skipped." */
export function outcomeSentence(o: ImportOutcome): string {
  let s = `${count(o.peopleAdded, 'person', 'people')} added`;
  if (o.referralsAdded > 0) s += `, ${count(o.referralsAdded, 'referral', 'referrals')}`;
  s += '.';
  if (o.rowsSkipped > 0) s += ` ${count(o.rowsSkipped, 'row', 'rows')} with problems skipped.`;
  return s;
}

/** "1 person" or "23 people". */
export const people = (n: number) => count(n, 'person', 'people');
/** "1 row" or "4 rows". */
export const rows = (n: number) => count(n, 'row', 'rows');

const yesNo = (given: boolean) => (given ? 'Yes' : 'No');
const date = (iso: string) => (iso ? formatDateShort(iso) : '');

/** What a preview row holds for one field, as the screen shows it. */
export function previewValue(r: ImportPreviewRow, field: ImportField): string {
  const p = r.person;
  const ref = r.referral;
  switch (field) {
    case 'fullName':
      return p.fullName;
    case 'preferredName':
      return p.preferredName;
    case 'dateOfBirth':
      return date(p.dateOfBirth);
    case 'phone':
      return p.phone;
    case 'email':
      return p.email;
    case 'carerName':
      return p.carerName;
    case 'accessNeeds':
      return p.accessNeeds;
    case 'communicationNeeds':
      return p.communicationNeeds;
    case 'notes':
      return p.notes;
    case 'consentParticipation':
      return yesNo(p.consentParticipation.given);
    case 'consentShareOutcomes':
      return yesNo(p.consentShareOutcomes.given);
    case 'referralSource':
      return ref ? REFERRAL_SOURCE_LABELS[ref.source] : '';
    case 'referrerName':
      return ref?.referrerName ?? '';
    case 'referrerOrganisation':
      return ref?.referrerOrganisation ?? '';
    case 'referralReceivedOn':
      return ref ? date(ref.receivedOn) : '';
    case 'referralReasons': {
      if (!ref) return '';
      const reasons = ref.reasons.map((x) => REFERRAL_REASON_LABELS[x]);
      if (ref.reasonNotes) reasons.push(ref.reasonNotes);
      return reasons.join(', ');
    }
  }
}
