// The whole app against the app's real commands: first run, sample data, a
// register, and adding a member. Checks the screens and the core fit together.
import { afterEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import * as api from '../lib/api';
import { todayIso } from '../lib/dates';
import { startRealBackend } from './real-backend';
import App from '../App.svelte';
import { router } from '../lib/router.svelte';
import { player } from '../lib/player.svelte';

let dispose: () => void = () => {};

function start() {
  const backend = startRealBackend();
  api.setInvoker(backend.invoke);
  api.setEventSource(backend.listen);
  dispose = backend.dispose;
  player.reset();
  router.go('#/today');
  render(App);
  return { user: userEvent.setup(), backend };
}

afterEach(() => dispose());

const SAMPLE_GROUP = 'Thursday Singing for the Brain';

/**
 * After the sample data is loaded: makes sure the sample singing group meets
 * today (the sample's sessions fall on Thursdays, and a register can only say
 * who came once the day has come), then shows Today again.
 */
async function sessionToday(user: ReturnType<typeof userEvent.setup>) {
  const today = todayIso();
  const week = await api.thisWeek();
  if (!week.some((s) => s.groupName === SAMPLE_GROUP && s.date === today && s.status !== 'cancelled')) {
    const group = (await api.listGroups(false)).find((g) => g.name === SAMPLE_GROUP)!;
    await api.createSession({ groupId: group.id, date: today, startTime: '19:00', endTime: '20:00', venueId: null, facilitators: '' });
  }
  const nav = within(screen.getByRole('navigation', { name: 'Main' }));
  await user.click(nav.getByRole('link', { name: 'Groups' }));
  await screen.findByRole('heading', { level: 1, name: 'Groups' });
  await user.click(nav.getByRole('link', { name: 'Today' }));
}

describe('Refrain app (real commands)', () => {
  it('has the nav links and the music player', async () => {
    start();
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((l) => l.textContent?.trim())).toEqual([
      'Today',
      'Groups',
      'Attendees',
      'Notes',
      'Measures',
      'Reports',
      'Music',
      'Venues',
      'Therapists',
      'Team',
      'Backups',
      'Security',
    ]);
    // With no team, the menu's foot says the records stay here.
    expect(within(nav).getByText('Your records stay on this computer.')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Music player' })).getByText('Nothing playing')).toBeTruthy();
    for (const name of ['Today', 'Groups', 'Attendees', 'Venues']) {
      expect(within(nav).getByRole('link', { name })).toBeTruthy();
    }
    await screen.findByRole('button', { name: 'Load sample data' });
  });

  it('loads sample data, opens a register and marks someone present', async () => {
    const { user } = start();
    await user.click(await screen.findByRole('button', { name: 'Load sample data' }));
    await screen.findAllByRole('link', { name: /^Open register for Thursday Singing for the Brain on / });
    await sessionToday(user);
    const open = await screen.findAllByRole('link', { name: /^Open register for Thursday Singing for the Brain on / });
    const todays = open.find((l) => l.classList.contains('is-today'))!;
    await user.click(todays);
    await screen.findByRole('heading', { level: 1, name: SAMPLE_GROUP });
    const present = await screen.findByRole('button', { name: 'Present Margaret Ellis' });
    await user.click(present);
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Present Margaret Ellis' }).getAttribute('aria-pressed')).toBe('true'),
    );
    // The keyboard works on the same screen.
    const arthur = screen.getAllByTestId('register-row').find((r) => r.getAttribute('aria-label') === 'Arthur Bennett')!;
    arthur.focus();
    await user.keyboard('l');
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Late Arthur Bennett' }).getAttribute('aria-pressed')).toBe('true'),
    );
  });

  it('creates a group, adds a new person and an existing one, and plans sessions', async () => {
    const { user } = start();
    await user.click(await screen.findByRole('button', { name: 'Create a group' }));
    await user.type(await screen.findByLabelText('Group name'), 'Friday Friends');
    await user.selectOptions(screen.getByLabelText('Usual day'), 'Friday');
    await user.type(screen.getByLabelText('Start time'), '10:00');
    await user.type(screen.getByLabelText('End time'), '11:00');
    await user.click(screen.getByRole('button', { name: 'Save group' }));
    await screen.findByRole('heading', { level: 1, name: 'Friday Friends' });

    // Someone new, created inline.
    await user.click(screen.getByRole('button', { name: 'Add member' }));
    let dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText('Full name'), 'Margaret Ellis');
    await user.click(within(dialog).getByRole('button', { name: 'Add to group' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByRole('link', { name: 'Margaret Ellis' })).toBeTruthy();

    // Someone already in Refrain, found by search.
    await api.createAttendee({ ...(await import('../lib/input')).emptyAttendeeInput(), fullName: 'Arthur Bennett' });
    await user.click(screen.getByRole('button', { name: 'Add member' }));
    dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText('Find a person'), 'Arth');
    await user.click(await within(dialog).findByRole('button', { name: /^Add Arthur Bennett\b/ }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByRole('link', { name: 'Arthur Bennett' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Plan sessions' }));
    await waitFor(() => expect(screen.getAllByRole('link', { name: /^Open register for Friday Friends on Friday / })).toHaveLength(6));
  });

  it('shows a core validation message beside the session Date field', async () => {
    const { user } = start();
    await user.click(await screen.findByRole('button', { name: 'Create a group' }));
    await user.type(await screen.findByLabelText('Group name'), 'Choir');
    await user.click(screen.getByRole('button', { name: 'Save group' }));
    await screen.findByRole('heading', { level: 1, name: 'Choir' });
    // The same date and time twice: the core names the "date" field.
    for (let i = 0; i < 2; i++) {
      await user.click(screen.getByRole('button', { name: 'New session' }));
      const dialog = screen.getByRole('dialog');
      await user.type(within(dialog).getByLabelText('Date'), '2026-11-20');
      await user.type(within(dialog).getByLabelText('Start time'), '10:00');
      await user.type(within(dialog).getByLabelText('End time'), '11:00');
      await user.click(within(dialog).getByRole('button', { name: 'Create session' }));
      if (i === 0) await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    }
    const date = within(screen.getByRole('dialog')).getByLabelText('Date');
    await waitFor(() => expect(date.getAttribute('aria-invalid')).toBe('true'));
    const msg = document.getElementById(date.getAttribute('aria-describedby')!.split(' ').pop()!)!;
    expect(msg.textContent).toBe('Choir already has a session on 2026-11-20 at 10:00.');
    expect(document.activeElement).toBe(date);
  });

  it('adds the sample music, plays a track, and keeps playing across screens', async () => {
    const { user } = start();
    await user.click(await screen.findByRole('link', { name: 'Music' }));
    await user.click(await screen.findByRole('button', { name: 'Add the sample music' }));
    expect(await screen.findByRole('heading', { name: 'Import finished' })).toBeTruthy();
    expect(screen.getByText(/4 added, 0 already in the library/)).toBeTruthy();
    await user.click(await screen.findByRole('button', { name: 'Play Daisy Bell (A Bicycle Built for Two)' }));
    const bar = () => within(screen.getByRole('region', { name: 'Music player' }));
    await waitFor(() => expect(bar().getByText('Daisy Bell (A Bicycle Built for Two)')).toBeTruthy());
    expect(bar().getByRole('button', { name: 'Pause' })).toBeTruthy();

    await user.click(screen.getByRole('link', { name: 'Groups' }));
    await screen.findByRole('heading', { level: 1, name: 'Groups' });
    expect(bar().getByText('Daisy Bell (A Bicycle Built for Two)')).toBeTruthy();
    expect(bar().getByRole('button', { name: 'Pause' })).toBeTruthy();
  });

  it('makes a setlist for a group, fills it, and plays it from the register', async () => {
    const { user } = start();
    await user.click(await screen.findByRole('button', { name: 'Load sample data' }));
    await screen.findAllByRole('link', { name: /^Open register for Thursday Singing for the Brain on / });
    await api.importSampleMusic();

    await user.click(screen.getByRole('link', { name: 'Groups' }));
    await user.click(await screen.findByRole('link', { name: SAMPLE_GROUP }));
    await user.click(await screen.findByRole('button', { name: 'New setlist' }));
    await user.type(within(screen.getByRole('dialog')).getByLabelText('Setlist name'), 'Spring term');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Create setlist' }));
    await screen.findByRole('heading', { level: 1, name: 'Spring term' });

    await user.click(screen.getByRole('button', { name: 'Add tracks' }));
    const dialog = screen.getByRole('dialog');
    await user.click(await within(dialog).findByRole('button', { name: /^Add Daisy Bell\b/ }));
    await user.click(await within(dialog).findByRole('button', { name: /^Add Oh! Susanna\b/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.getAllByTestId('entry-row')).toHaveLength(2));

    await sessionToday(user);
    const open = await screen.findAllByRole('link', { name: /^Open register for Thursday Singing for the Brain on / });
    await user.click(open.find((l) => l.classList.contains('is-today'))!);
    await user.click(await screen.findByRole('button', { name: 'Session and music' }));
    const select = await screen.findByLabelText('Setlist for this session');
    await waitFor(() => expect((select as HTMLSelectElement).disabled).toBe(false));
    await user.selectOptions(select, 'Spring term (2 tracks)');
    await user.click(await screen.findByRole('button', { name: 'Play Spring term' }));
    const bar = within(screen.getByRole('region', { name: 'Music player' }));
    await waitFor(() => expect(bar.getByText('Spring term, 1 of 2')).toBeTruthy());
    expect(bar.getByText('Daisy Bell (A Bicycle Built for Two)')).toBeTruthy();
  });

  it("plays today's music from Today with one press: the group's usual setlist, the core's choice", async () => {
    const { user } = start();
    await user.click(await screen.findByRole('button', { name: 'Load sample data' }));
    await screen.findAllByRole('link', { name: /^Open register for Thursday Singing for the Brain on / });
    await sessionToday(user);
    const play = await screen.findByRole('button', {
      name: 'Play Thursday warm-ups and favourites for Thursday Singing for the Brain',
    });
    await user.click(play);
    const bar = within(screen.getByRole('region', { name: 'Music player' }));
    await waitFor(() => expect(bar.getByText('Thursday warm-ups and favourites, 1 of 4')).toBeTruthy());
  });

  it('marks everyone else present in one press, keeping the marks already made, and undoes it', async () => {
    const { user } = start();
    await user.click(await screen.findByRole('button', { name: 'Load sample data' }));
    await screen.findAllByRole('link', { name: /^Open register for Thursday Singing for the Brain on / });
    await sessionToday(user);
    const open = await screen.findAllByRole('link', { name: /^Open register for Thursday Singing for the Brain on / });
    await user.click(open.find((l) => l.classList.contains('is-today'))!);
    await screen.findByRole('heading', { level: 1, name: SAMPLE_GROUP });
    const pressed = (name: string) => screen.getByRole('button', { name }).getAttribute('aria-pressed');
    await user.click(await screen.findByRole('button', { name: 'Late Arthur Bennett' }));
    await waitFor(() => expect(pressed('Late Arthur Bennett')).toBe('true'));
    await user.click(screen.getByRole('button', { name: 'Everyone else is here' }));
    await waitFor(() => expect(pressed('Present Margaret Ellis')).toBe('true'));
    expect(pressed('Late Arthur Bennett')).toBe('true');
    const rows = screen.getAllByTestId('register-row');
    const summary = document.querySelector('.register-summary')!.textContent!.replace(/\s+/g, ' ').trim();
    expect(summary).toBe(`${rows.length} present, ${rows.length} of ${rows.length} marked`);
    expect(screen.queryByRole('button', { name: 'Everyone else is here' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Undo everyone else is here' }));
    await waitFor(() => expect(pressed('Present Margaret Ellis')).toBe('false'));
    expect(pressed('Late Arthur Bennett')).toBe('true');
    expect(document.querySelector('.register-summary')!.textContent!.replace(/\s+/g, ' ').trim()).toBe(
      `1 present, 1 of ${rows.length} marked`,
    );
  });
});
