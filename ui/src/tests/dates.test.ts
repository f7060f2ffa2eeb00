import { describe, expect, it } from 'vitest';
import {
  addDays,
  formatDate,
  formatDateShort,
  formatDayShort,
  formatTime,
  formatTimeRange,
  isIsoDate,
  mondayOf,
  todayIso,
  weekdayOf,
} from '../lib/dates';

describe('formatDate', () => {
  it('writes dates the British way with the right weekday', () => {
    expect(formatDate('2026-11-19')).toBe('Thursday 19 November 2026');
    expect(formatDate('2026-11-20')).toBe('Friday 20 November 2026');
    expect(formatDate('2024-02-29')).toBe('Thursday 29 February 2024');
    expect(formatDate('2027-01-01')).toBe('Friday 1 January 2027');
  });

  it('is not shifted by the time zone', () => {
    // Midnight UTC dates are where naive Date parsing goes wrong west of Greenwich.
    expect(formatDate('2026-03-29')).toBe('Sunday 29 March 2026');
    expect(formatDate('2026-10-25')).toBe('Sunday 25 October 2026');
  });

  it('leaves things that are not dates alone', () => {
    expect(formatDate('2026-02-31')).toBe('2026-02-31');
    expect(formatDate('')).toBe('');
    expect(formatDate(null)).toBe('');
  });

  it('has shorter forms', () => {
    expect(formatDateShort('2026-11-19')).toBe('19 November 2026');
    expect(formatDayShort('2026-11-19')).toBe('Thu 19 Nov');
  });
});

describe('times', () => {
  it('uses the 24-hour clock', () => {
    expect(formatTime('14:00')).toBe('14:00');
    expect(formatTime('9:05')).toBe('09:05');
    expect(formatTime('18:30:00')).toBe('18:30');
    expect(formatTimeRange('14:00', '15:30')).toBe('14:00 to 15:30');
    expect(formatTimeRange('14:00', null)).toBe('14:00');
    expect(formatTimeRange(null, null)).toBe('');
  });
});

describe('date arithmetic', () => {
  it('validates ISO dates', () => {
    expect(isIsoDate('2026-11-20')).toBe(true);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('20/11/2026')).toBe(false);
  });

  it('finds weekdays and Mondays', () => {
    expect(weekdayOf('2026-11-19')).toBe('thursday');
    expect(mondayOf('2026-11-22')).toBe('2026-11-16');
    expect(mondayOf('2026-11-16')).toBe('2026-11-16');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it("gives today's local date", () => {
    expect(todayIso(new Date(2026, 10, 5, 23, 59))).toBe('2026-11-05');
  });
});
