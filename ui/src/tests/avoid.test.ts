// Avoid means avoid, everywhere, over the app's real commands: a song on
// someone's avoid list is flagged on the register (whose, and why) and in the
// setlist editor, playing it from the register, the setlist or the library
// asks first, and it is never suggested for their own playlist. The core
// decides what matches; the screens show it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import * as api from '../lib/api';
import { personInput } from './fixtures';
import { todayIso } from '../lib/dates';
import { startRealBackend, type RealBackend } from './real-backend';
import App from '../App.svelte';
import { router } from '../lib/router.svelte';
import { player } from '../lib/player.svelte';

let backend: RealBackend;

beforeEach(() => {
  backend = startRealBackend();
  api.setInvoker(backend.invoke);
  api.setEventSource(backend.listen);
  player.reset();
  localStorage.clear();
});
afterEach(async () => {
  await api.playerStop().catch(() => {});
  backend.dispose();
});

const WHY = 'Her late husband sang it to her';

/** A group meeting today with two members, its setlist (Daisy Bell, then Tipperary), and Dolores's avoid list. */
async function room() {
  await api.importSampleMusic();
  const tracks = await api.listTracks('', '');
  const daisy = tracks.find((t) => t.title.startsWith('Daisy Bell'))!;
  const tipperary = tracks.find((t) => t.title.includes('Tipperary'))!;
  const group = await api.createGroup({
    name: 'Thursday Sing-along',
    description: '',
    venueId: null,
    weekday: null,
    startTime: '',
    endTime: '',
    capacity: null,
    facilitators: '',
    eligibility: '',
    minimumAge: null,
    maximumAge: null,
  });
  const dolly = await api.createAttendee(personInput('Dolores Byrne', { preferredName: 'Dolly' }));
  const arthur = await api.createAttendee(personInput('Arthur Bennett'));
  for (const p of [dolly, arthur]) await api.addMember(group.id, p.id, '2025-01-01');
  const session = await api.createSession({
    groupId: group.id,
    date: todayIso(),
    startTime: '10:30',
    endTime: '12:00',
    venueId: null,
    facilitators: '',
  });
  const setlist = await api.createPlaylist('setlist', { name: 'Spring songs', groupId: group.id, attendeeId: null });
  await api.addToPlaylist(setlist.id, daisy.id, '');
  await api.addToPlaylist(setlist.id, tipperary.id, '');
  await api.attachSetlist(session.id, setlist.id);
  // Typed, as the family said it: the library's "Daisy Bell (A Bicycle Built
  // for Two)" matches it.
  await api.addAvoid(dolly.id, { kind: 'song', trackId: null, title: 'daisy bell', artist: '', why: WHY });
  return { session, setlist, dolly, arthur, daisy, tipperary };
}

async function playing(): Promise<boolean> {
  return (await api.playerState()).status === 'playing';
}

describe('avoid means avoid', () => {
  it('flags the song on the register with whose and why, and asks before the session’s music plays', async () => {
    const { session, dolly } = await room();
    router.go(`#/sessions/${session.id}`);
    render(App);
    const user = userEvent.setup();

    const banner = await screen.findByRole('note', { name: /Music to avoid/ });
    expect(banner.textContent).toContain('Spring songs');
    expect(banner.textContent).toContain('Daisy Bell');
    expect(banner.textContent).toContain('Dolores Byrne');
    expect(banner.textContent).toContain(WHY);
    const row = (name: string) => screen.getAllByTestId('register-row').find((r) => r.getAttribute('aria-label') === name)!;
    expect(within(row('Dolores Byrne')).getByText('Avoid: Daisy Bell (A Bicycle Built for Two)').getAttribute('title')).toBe(WHY);
    expect(within(row('Arthur Bennett')).queryByText(/Avoid/)).toBeNull();

    // Arrivals may face the room: nothing there says whose list, or why.
    await user.click(screen.getByRole('button', { name: 'Arrivals' }));
    await waitFor(() => expect(screen.queryByRole('note', { name: /Music to avoid/ })).toBeNull());
    expect(screen.getByRole('main').textContent).not.toContain(WHY);
    expect(screen.getByRole('main').textContent).not.toMatch(/Music to avoid|Avoid:/);
    await user.click(screen.getByRole('button', { name: 'List' }));
    await screen.findByRole('note', { name: /Music to avoid/ });

    // Playing asks first; "Don't play" plays nothing.
    await user.click(screen.getByRole('button', { name: 'Session and music' }));
    await user.click(await screen.findByRole('button', { name: 'Play Spring songs' }));
    let dialog = within(await screen.findByRole('dialog', { name: 'Someone here must not hear this' }));
    expect(dialog.getByText(/on Dolores Byrne's avoid list/)).toBeTruthy();
    expect(dialog.getByText(`Why: ${WHY}`)).toBeTruthy();
    await user.click(dialog.getByRole('button', { name: "Don't play" }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await playing()).toBe(false);

    // "Play anyway" plays it.
    await user.click(screen.getByRole('button', { name: 'Play Spring songs' }));
    dialog = within(await screen.findByRole('dialog', { name: 'Someone here must not hear this' }));
    await user.click(dialog.getByRole('button', { name: 'Play anyway' }));
    await waitFor(async () => expect(await playing()).toBe(true));
    await api.playerStop();

    // Dolly sends apologies: she won't be in the room, so no flag.
    await user.click(within(row('Dolores Byrne')).getByRole('button', { name: 'Apologies Dolores Byrne' }));
    await waitFor(() => expect(screen.queryByRole('note', { name: /Music to avoid/ })).toBeNull());
    await user.click(screen.getByRole('button', { name: 'Play Spring songs' }));
    await waitFor(async () => expect(await playing()).toBe(true));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(dolly.id).toBeTruthy();
  });

  it('flags the song in the setlist editor, asks before playing it there or from the library, and not for the songs after it', async () => {
    const { setlist } = await room();
    router.go(`#/playlists/${setlist.id}`);
    render(App);
    const user = userEvent.setup();

    await screen.findByText(/1 track on someone's avoid list/);
    const rows = await screen.findAllByTestId('entry-row');
    expect(within(rows[0]).getByText(/On Dolores Byrne's avoid list/).textContent).toContain(WHY);
    expect(within(rows[1]).queryByText(/avoid list/)).toBeNull();

    // From the second track on, nothing to avoid: it plays straight away.
    await user.click(within(rows[1]).getByRole('button', { name: /^Play from here/ }));
    await waitFor(async () => expect(await playing()).toBe(true));
    expect(screen.queryByRole('dialog')).toBeNull();
    // Previous would go back to the song before it, never asked about: it
    // asks now, and "Don't play" leaves Tipperary playing.
    const mini = within(await screen.findByTestId('mini-player'));
    await user.click(mini.getByRole('button', { name: 'Previous' }));
    let ask = within(await screen.findByRole('dialog', { name: 'Someone here must not hear this' }));
    expect(ask.getByText('Daisy Bell (A Bicycle Built for Two)')).toBeTruthy();
    expect(ask.getByText(/on Dolores Byrne's avoid list/)).toBeTruthy();
    expect(ask.getByText(`Why: ${WHY}`)).toBeTruthy();
    await user.click(ask.getByRole('button', { name: "Don't play" }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    let now = await api.playerState();
    expect([now.status, now.queueIndex, now.track?.title]).toEqual(['playing', 1, "It's a Long Way to Tipperary"]);
    // "Play anyway" goes back to it, even when Tipperary has played on past
    // three seconds while the question was read (Previous alone would start
    // Tipperary again by then).
    await user.click(mini.getByRole('button', { name: 'Previous' }));
    ask = within(await screen.findByRole('dialog', { name: 'Someone here must not hear this' }));
    await api.playerSeek(5000);
    await user.click(ask.getByRole('button', { name: 'Play anyway' }));
    await waitFor(async () => expect((await api.playerState()).queueIndex).toBe(0));
    now = await api.playerState();
    expect([now.status, now.track?.title]).toEqual(['playing', 'Daisy Bell (A Bicycle Built for Two)']);
    await api.playerStop();

    await user.click(screen.getByRole('button', { name: 'Play setlist' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Someone here must not hear this' }));
    await user.click(dialog.getByRole('button', { name: "Don't play" }));
    expect(await playing()).toBe(false);

    // The library, with the group meeting today.
    router.go('#/music');
    await user.click(await screen.findByRole('button', { name: 'Play Daisy Bell (A Bicycle Built for Two)' }));
    await screen.findByRole('dialog', { name: 'Someone here must not hear this' });
    await user.click(screen.getByRole('button', { name: "Don't play" }));
    await user.click(screen.getByRole('button', { name: "Play It's a Long Way to Tipperary" }));
    await waitFor(async () => expect(await playing()).toBe(true));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('a stopped song put on an avoid list since is asked about before the player plays it again', async () => {
    const { dolly, tipperary } = await room();
    router.go('#/music');
    render(App);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: "Play It's a Long Way to Tipperary" }));
    await waitFor(async () => expect(await playing()).toBe(true));
    // Paused and played again: it carries on, nothing asked.
    const player = within(await screen.findByTestId('mini-player'));
    await user.click(await player.findByRole('button', { name: 'Pause' }));
    await user.click(await player.findByRole('button', { name: 'Play' }));
    await waitFor(async () => expect(await playing()).toBe(true));
    expect(screen.queryByRole('dialog')).toBeNull();
    // Stopped, then it upsets Dolly: Play asks first.
    await user.click(await player.findByRole('button', { name: 'Stop' }));
    await waitFor(async () => expect((await api.playerState()).status).toBe('stopped'));
    await api.addAvoid(dolly.id, { kind: 'song', trackId: tipperary.id, title: '', artist: '', why: 'It upset her today' });
    await user.click(await player.findByRole('button', { name: 'Play' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Someone here must not hear this' }));
    expect(dialog.getByText('Why: It upset her today')).toBeTruthy();
    await user.click(dialog.getByRole('button', { name: "Don't play" }));
    expect(await playing()).toBe(false);
  });
});

describe('suggestions', () => {
  it('builds a personal playlist from the life story: best first with why, songs to find, nothing to avoid', async () => {
    await api.importSampleMusic();
    const winnie = await api.createAttendee(personInput('Winifred Okoro', { preferredName: 'Winnie' }));
    await api.saveMusicStory(winnie.id, {
      birthYear: '1895',
      places: '',
      languages: '',
      musicMeant: '',
      favouriteGenres: '',
      favouriteArtists: 'Stephen Foster',
      favouriteSongs: 'Daisy Bell\nKeep the Home Fires Burning - Ivor Novello',
      howTheyListen: '',
    });
    await api.addAvoid(winnie.id, { kind: 'song', trackId: null, title: 'Daisy Bell', artist: '', why: 'Her sister’s song' });
    const list = await api.createPlaylist('personal', { name: "Winnie's songs", groupId: null, attendeeId: winnie.id });
    router.go(`#/playlists/${list.id}`);
    render(App);
    const user = userEvent.setup();

    const card = within(await screen.findByRole('region', { name: 'Suggestions for Winifred Okoro' }));
    const suggested = await card.findByRole('list', { name: 'Suggested music' });
    const items = within(suggested).getAllByRole('listitem').map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    expect(items).toEqual([
      'Oh! Susanna Stephen Foster, 1848 By Stephen Foster, a favourite artist. Add',
      "It's a Long Way to Tipperary Jack Judge and Harry Williams, 1912 From 1912, when they were 17. Add",
    ]);
    // Named, but on her avoid list: neither suggested nor looked for.
    expect(card.getByText("1 track left out: on Winifred Okoro's avoid list.")).toBeTruthy();
    expect(within(card.getByRole('list', { name: 'To find' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Keep the Home Fires Burning, Ivor Novello',
    ]);

    await user.click(card.getByRole('button', { name: 'Add Oh! Susanna' }));
    await screen.findByRole('listitem', { name: '1. Oh! Susanna' });
    await waitFor(() => expect(card.getByRole('button', { name: 'Added: Oh! Susanna is in this playlist' })).toBeTruthy());
  });
});
