// Dates in British style ("Thursday 19 November 2026") and 24-hour times.
// Dates travel as ISO "YYYY-MM-DD" strings and are never shifted by time zone.
import type { Weekday } from './bindings';

export const WEEKDAYS: readonly Weekday[] = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
];

const WEEKDAY_NAMES: Record<Weekday, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
};

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function weekdayName(d: Weekday | null | undefined): string {
  return d ? WEEKDAY_NAMES[d] : '';
}

/** Plural form for "on Thursdays". */
export function weekdayPlural(d: Weekday | null | undefined): string {
  return d ? `${WEEKDAY_NAMES[d]}s` : '';
}

type Ymd = { y: number; m: number; d: number };

export function parseIsoDate(s: string | null | undefined): Ymd | null {
  if (!s) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return null;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > days) return null;
  return { y, m: mo, d };
}

export function isIsoDate(s: string | null | undefined): boolean {
  return parseIsoDate(s) !== null;
}

/** Monday = 0 … Sunday = 6, computed in UTC so the local zone can't shift it. */
function weekdayIndex({ y, m, d }: Ymd): number {
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

export function weekdayOf(iso: string): Weekday | null {
  const p = parseIsoDate(iso);
  return p ? WEEKDAYS[weekdayIndex(p)] : null;
}

/** "Thursday 19 November 2026". Falls back to the input if it isn't a date. */
export function formatDate(iso: string | null | undefined): string {
  const p = parseIsoDate(iso);
  if (!p) return iso ?? '';
  return `${WEEKDAY_NAMES[WEEKDAYS[weekdayIndex(p)]]} ${p.d} ${MONTHS[p.m - 1]} ${p.y}`;
}

/** "19 November 2026" (no weekday), for dates of birth and joined dates. */
export function formatDateShort(iso: string | null | undefined): string {
  const p = parseIsoDate(iso);
  if (!p) return iso ?? '';
  return `${p.d} ${MONTHS[p.m - 1]} ${p.y}`;
}

/** "Thu 19 Nov", for compact lists. */
export function formatDayShort(iso: string | null | undefined): string {
  const p = parseIsoDate(iso);
  if (!p) return iso ?? '';
  const wd = WEEKDAY_NAMES[WEEKDAYS[weekdayIndex(p)]].slice(0, 3);
  return `${wd} ${p.d} ${MONTHS[p.m - 1].slice(0, 3)}`;
}

/** "14:00" from "14:00" or "14:00:00"; 24-hour, never am/pm. */
export function formatTime(t: string | null | undefined): string {
  if (!t) return '';
  const m = /^(\d{1,2}):(\d{2})/.exec(t.trim());
  if (!m) return t;
  return `${m[1].padStart(2, '0')}:${m[2]}`;
}

/** "14:00 to 15:30" (words, so screen readers say it well). */
export function formatTimeRange(start: string | null | undefined, end: string | null | undefined): string {
  const s = formatTime(start);
  const e = formatTime(end);
  if (s && e) return `${s} to ${e}`;
  return s || e;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Today's date in the computer's own time zone, as "YYYY-MM-DD". */
export function todayIso(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Adds whole days to an ISO date. */
export function addDays(iso: string, days: number): string {
  const p = parseIsoDate(iso);
  if (!p) return iso;
  const dt = new Date(Date.UTC(p.y, p.m - 1, p.d + days));
  return `${dt.getUTCFullYear()}-${pad(dt.getUTCMonth() + 1)}-${pad(dt.getUTCDate())}`;
}

/** The Monday of the week containing `iso`. */
export function mondayOf(iso: string): string {
  const p = parseIsoDate(iso);
  if (!p) return iso;
  return addDays(iso, -weekdayIndex(p));
}

/** An RFC 3339 timestamp as local "19 November 2026 at 14:05". */
export function formatTimestamp(ts: string | null | undefined): string {
  if (!ts) return '';
  const dt = new Date(ts);
  if (Number.isNaN(dt.getTime())) return ts;
  return `${dt.getDate()} ${MONTHS[dt.getMonth()]} ${dt.getFullYear()} at ${pad(dt.getHours())}:${pad(dt.getMinutes())}`;
}

/** The same day `n` months earlier (the last day of that month when it is shorter). */
export function monthsBefore(iso: string, n: number): string {
  const p = parseIsoDate(iso);
  if (!p) return iso;
  const first = new Date(Date.UTC(p.y, p.m - 1 - n, 1));
  const y = first.getUTCFullYear();
  const m = first.getUTCMonth();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = Math.min(p.d, last);
  return `${y}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
