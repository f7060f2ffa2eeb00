import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { playerState, session } from './fixtures';

vi.mock('../lib/api', () => ({
  // No one has music to avoid here (music-story.test.ts and avoid.test.ts test the flags).
  waitingPrescriptions: vi.fn(async () => []),
  reviewsDue: vi.fn(async () => []),
  sessionAvoidFlags: vi.fn(async () => []),
  playlistAvoidFlags: vi.fn(async () => []),
  playAvoidFlags: vi.fn(async () => []),
  playlistPlayAvoidFlags: vi.fn(async () => []),
  appInfo: vi.fn(),
  thisWeek: vi.fn(),
  loadDemoData: vi.fn(),
  playPlaylist: vi.fn(),
  referralsAwaitingReply: vi.fn(),
  practiceSettings: vi.fn(),
  episodeMeasuresDue: vi.fn(),
  listInstruments: vi.fn(),
}));

import * as api from '../lib/api';
import Today from '../screens/Today.svelte';
import { addDays, todayIso } from '../lib/dates';

const m = vi.mocked(api);
const info = (isEmpty: boolean) => ({ appVersion: '1.0.0', schemaVersion: 1, dataDir: '/tmp', isEmpty });

beforeEach(() => {
  vi.clearAllMocks();
  m.referralsAwaitingReply.mockResolvedValue({ responseDays: 14, referrals: [], overdue: 0 });
  m.practiceSettings.mockResolvedValue({ referralResponseDays: 14, episodeInstrumentKey: 'ons4' });
  m.episodeMeasuresDue.mockResolvedValue([]);
  m.listInstruments.mockResolvedValue([]);
});

describe('Today', () => {
  it('offers "Create a group" and "Load sample data" on first run', async () => {
    m.appInfo.mockResolvedValue(info(true));
    m.thisWeek.mockResolvedValue([]);
    render(Today);
    expect(await screen.findByRole('button', { name: 'Create a group' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Load sample data' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'This week' })).toBeNull();
  });

  it('loads the sample data, then shows the week', async () => {
    m.appInfo.mockResolvedValueOnce(info(true)).mockResolvedValue(info(false));
    m.thisWeek
      .mockResolvedValueOnce([])
      .mockResolvedValue([session({ id: 'S7', date: todayIso(), groupName: 'Singing for the Brain' })]);
    m.loadDemoData.mockResolvedValue(null);
    render(Today);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Load sample data' }));
    expect(m.loadDemoData).toHaveBeenCalledTimes(1);
    await screen.findByRole('heading', { name: 'This week' });
    expect(m.appInfo).toHaveBeenCalledTimes(2);
    const link = screen.getByRole('link', { name: /^Open register for Singing for the Brain on / });
    expect(link.getAttribute('href')).toBe('#/sessions/S7');
    expect(screen.queryByRole('button', { name: 'Load sample data' })).toBeNull();
  });

  it('does not offer the sample data once there are records', async () => {
    m.appInfo.mockResolvedValue(info(false));
    m.thisWeek.mockResolvedValue([
      session({ id: 'S1', date: '2026-11-19', groupName: 'Thursday Singing for the Brain', markedCount: 7, attendedCount: 5, expectedCount: 9 }),
    ]);
    render(Today);
    // The link's name is its own text, and starts with what it does.
    const link = await screen.findByRole('link', {
      name: /^Open register for Thursday Singing for the Brain on Thursday 19 November 2026 14:00 to 15:30 /,
    });
    expect(link.textContent).toContain('5 came, 7 of 9 marked');
    expect(link.textContent).toContain('14:00 to 15:30');
    expect(screen.queryByRole('button', { name: 'Load sample data' })).toBeNull();
  });

  it("plays today's session's music with one press, and opens its register with another", async () => {
    m.appInfo.mockResolvedValue(info(false));
    m.playPlaylist.mockResolvedValue(playerState({ queueName: 'Warm-ups' }));
    m.thisWeek.mockResolvedValue([
      session({ id: 'S1', date: todayIso(), groupName: 'Singing for the Brain', musicId: 'SL1', musicName: 'Warm-ups' }),
    ]);
    render(Today);
    const user = userEvent.setup();
    const play = await screen.findByRole('button', { name: 'Play Warm-ups for Singing for the Brain' });
    await user.click(play);
    expect(m.playPlaylist).toHaveBeenCalledExactlyOnceWith('SL1', 0);
    const open = screen.getByRole('link', { name: /^Open register for Singing for the Brain on / });
    expect(open.getAttribute('href')).toBe('#/sessions/S1');
  });

  it('offers music only for sessions today that are on and have some', async () => {
    m.appInfo.mockResolvedValue(info(false));
    const today = todayIso();
    m.thisWeek.mockResolvedValue([
      session({ id: 'S1', date: today, groupName: 'No music yet' }),
      session({ id: 'S2', date: today, startTime: '16:00', groupName: 'Called off', status: 'cancelled', musicId: 'SL2', musicName: 'Sea songs' }),
      session({ id: 'S3', date: addDays(today, 1), groupName: 'Tomorrow', musicId: 'SL3', musicName: 'Hymns' }),
    ]);
    render(Today);
    await screen.findByRole('link', { name: /^Open register for Tomorrow on / });
    expect(screen.queryByRole('button', { name: /^Play / })).toBeNull();
  });

  it("lists today's sessions first, then the days to come, then the days gone", async () => {
    m.appInfo.mockResolvedValue(info(false));
    const today = todayIso();
    m.thisWeek.mockResolvedValue([
      session({ id: 'S1', date: addDays(today, -1), groupName: 'Yesterday' }),
      session({ id: 'S2', date: addDays(today, 1), groupName: 'Tomorrow' }),
      session({ id: 'S3', date: today, startTime: '15:00', groupName: 'Later today' }),
      session({ id: 'S4', date: today, startTime: '10:00', groupName: 'This morning' }),
    ]);
    render(Today);
    await screen.findByRole('link', { name: /^Open register for Yesterday/ });
    const order = screen.getAllByRole('link').map((l) => l.getAttribute('href'));
    expect(order).toEqual(['#/sessions/S4', '#/sessions/S3', '#/sessions/S2', '#/sessions/S1']);
  });

  it('shows a load failure in words with a way to try again', async () => {
    m.appInfo.mockRejectedValue({ code: 'database', message: 'The data file could not be opened.', field: null });
    m.thisWeek.mockResolvedValue([]);
    render(Today);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The data file could not be opened.');
    m.appInfo.mockResolvedValue(info(true));
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Create a group' })).toBeTruthy());
  });
});
