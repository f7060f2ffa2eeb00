// The playlist editor against a mocked api: reordering by keyboard, buttons
// and dragging (with focus kept on the moved row), notes, removing, adding.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Playlist } from '../lib/bindings';
import { playerState, playlist, playlistEntry, playlistSummary, track } from './fixtures';

vi.mock('../lib/api', () => ({
  // No one has music to avoid here (music-story.test.ts and avoid.test.ts test the flags).
  sessionAvoidFlags: vi.fn(async () => []),
  playlistAvoidFlags: vi.fn(async () => []),
  playAvoidFlags: vi.fn(async () => []),
  playlistPlayAvoidFlags: vi.fn(async () => []),
  getPlaylist: vi.fn(),
  listPlaylists: vi.fn(),
  movePlaylistEntry: vi.fn(),
  removeFromPlaylist: vi.fn(),
  setEntryNote: vi.fn(),
  addToPlaylist: vi.fn(),
  renamePlaylist: vi.fn(),
  archivePlaylist: vi.fn(),
  listTracks: vi.fn(),
  playPlaylist: vi.fn(),
}));

import * as api from '../lib/api';
import PlaylistEditor from '../screens/PlaylistEditor.svelte';

const m = vi.mocked(api);

/** The core keeps the playlist and answers each change with all of it. */
function core(start: Playlist = playlist()) {
  let current = structuredClone(start);
  const answer = () => {
    current.entries = current.entries.map((e, i) => ({ ...e, position: i }));
    return structuredClone(current);
  };
  m.getPlaylist.mockImplementation(async () => answer());
  m.movePlaylistEntry.mockImplementation(async (entryId, to) => {
    const from = current.entries.findIndex((e) => e.id === entryId);
    const [e] = current.entries.splice(from, 1);
    current.entries.splice(to, 0, e);
    return answer();
  });
  m.removeFromPlaylist.mockImplementation(async (entryId) => {
    current.entries = current.entries.filter((e) => e.id !== entryId);
    return answer();
  });
  m.setEntryNote.mockImplementation(async (entryId, note) => {
    current.entries.find((e) => e.id === entryId)!.note = note;
    return answer();
  });
  m.addToPlaylist.mockImplementation(async (_p, trackId) => {
    current.entries.push(playlistEntry(`E${current.entries.length + 10}`, track({ id: trackId, title: 'Moon River' })));
    return answer();
  });
  m.renamePlaylist.mockImplementation(async (_id, name) => {
    current = { ...current, name };
    return answer();
  });
}

async function open() {
  render(PlaylistEditor, { id: 'PL1' });
  await screen.findAllByTestId('entry-row');
  return userEvent.setup();
}

const rows = () => screen.getAllByTestId('entry-row');
const row = (title: string) => rows().find((r) => r.getAttribute('aria-label')?.endsWith(`. ${title}`))!;
const order = () => rows().map((r) => r.getAttribute('aria-label'));

beforeEach(() => {
  vi.clearAllMocks();
  core();
  m.listPlaylists.mockResolvedValue([playlistSummary()]);
  m.playPlaylist.mockResolvedValue(playerState());
});

describe('playlist editor', () => {
  it('shows the name, the group, and the tracks in order with numbers', async () => {
    await open();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Spring term');
    expect(await screen.findAllByRole('link', { name: 'Thursday Singing for the Brain' })).not.toHaveLength(0);
    expect(order()).toEqual(['1. Daisy Bell', '2. Pack Up Your Troubles', '3. Greensleeves']);
    expect(within(row('Daisy Bell')).getByText('Harry Dacre,', { exact: false })).toBeTruthy();
    expect(m.listPlaylists).toHaveBeenCalledWith('setlist', 'G1', null);
  });

  it('Alt+Down and Alt+Up move the focused row, send the 0-based position, and keep focus on it', async () => {
    const user = await open();
    row('Daisy Bell').focus();
    await user.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(m.movePlaylistEntry).toHaveBeenLastCalledWith('E1', 1);
    expect(order()).toEqual(['1. Pack Up Your Troubles', '2. Daisy Bell', '3. Greensleeves']);
    await waitFor(() => expect(document.activeElement).toBe(row('Daisy Bell')));

    await user.keyboard('{Alt>}{ArrowDown}{/Alt}');
    await waitFor(() => expect(m.movePlaylistEntry).toHaveBeenLastCalledWith('E1', 2));
    await waitFor(() => expect(document.activeElement).toBe(row('Daisy Bell')));
    // Already last: nothing to send.
    await user.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(m.movePlaylistEntry).toHaveBeenCalledTimes(2);

    await user.keyboard('{Alt>}{ArrowUp}{/Alt}');
    await waitFor(() => expect(m.movePlaylistEntry).toHaveBeenLastCalledWith('E1', 1));
    await waitFor(() => expect(order()).toEqual(['1. Pack Up Your Troubles', '2. Daisy Bell', '3. Greensleeves']));
    expect(document.activeElement).toBe(row('Daisy Bell'));
  });

  it('plain arrow keys are left alone', async () => {
    const user = await open();
    row('Daisy Bell').focus();
    await user.keyboard('{ArrowDown}');
    expect(m.movePlaylistEntry).not.toHaveBeenCalled();
  });

  it('"Move … up" keeps focus on the same button, or on the row once it reaches the top', async () => {
    const user = await open();
    const up = () => screen.getByRole('button', { name: 'Move Greensleeves up' });
    await user.click(up());
    expect(m.movePlaylistEntry).toHaveBeenLastCalledWith('E3', 1);
    await waitFor(() => expect(document.activeElement).toBe(up()));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(m.movePlaylistEntry).toHaveBeenLastCalledWith('E3', 0));
    expect(order()[0]).toBe('1. Greensleeves');
    // At the top "up" is turned off, so focus goes to the row itself.
    expect((up() as HTMLButtonElement).disabled).toBe(true);
    await waitFor(() => expect(document.activeElement).toBe(row('Greensleeves')));
  });

  it('dragging a row below another sends the position where it lands', async () => {
    await open();
    const dataTransfer = { setData: vi.fn(), setDragImage: vi.fn(), effectAllowed: '', dropEffect: '' };
    const handle = row('Daisy Bell').querySelector('.drag-handle')!;
    await fireEvent.dragStart(handle, { dataTransfer });
    // jsdom has no layout, so any point counts as the lower half of the row.
    await fireEvent.dragOver(row('Greensleeves'), { dataTransfer, clientY: 5 });
    expect(row('Greensleeves').classList.contains('drop-after')).toBe(true);
    await fireEvent.drop(row('Greensleeves'), { dataTransfer });
    expect(m.movePlaylistEntry).toHaveBeenCalledWith('E1', 2);
    await waitFor(() => expect(order()).toEqual(['1. Pack Up Your Troubles', '2. Greensleeves', '3. Daisy Bell']));
    expect(document.querySelector('.drop-after, .drop-before')).toBeNull();
  });

  it('saves a note on Enter and on leaving the box, only when it changed', async () => {
    const user = await open();
    const note = screen.getByLabelText('Note for Daisy Bell');
    await user.type(note, 'sings along, key of G{Enter}');
    await waitFor(() => expect(m.setEntryNote).toHaveBeenCalledWith('E1', 'sings along, key of G'));
    await user.tab(); // leaving without another change sends nothing more
    expect(m.setEntryNote).toHaveBeenCalledTimes(1);
    const other = screen.getByLabelText('Note for Greensleeves');
    await user.type(other, 'quiet ending');
    await user.click(document.body);
    await waitFor(() => expect(m.setEntryNote).toHaveBeenLastCalledWith('E3', 'quiet ending'));
  });

  it('removes a track and moves focus to the next row', async () => {
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'Remove Daisy Bell' }));
    expect(m.removeFromPlaylist).toHaveBeenCalledWith('E1');
    expect(order()).toEqual(['1. Pack Up Your Troubles', '2. Greensleeves']);
    expect(document.activeElement).toBe(row('Pack Up Your Troubles'));
  });

  it('plays the setlist, or from a chosen track', async () => {
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'Play setlist' }));
    expect(m.playPlaylist).toHaveBeenLastCalledWith('PL1', 0);
    await user.click(screen.getByRole('button', { name: 'Play from here: Greensleeves' }));
    expect(m.playPlaylist).toHaveBeenLastCalledWith('PL1', 2);
  });

  it('adds tracks found in the library', async () => {
    m.listTracks.mockResolvedValue([track({ id: 'T9', title: 'Moon River', artist: 'Henry Mancini' })]);
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'Add tracks' }));
    const dialog = screen.getByRole('dialog', { name: 'Add music to Spring term' });
    await user.type(within(dialog).getByLabelText('Find music'), 'moon');
    await waitFor(() => expect(m.listTracks).toHaveBeenLastCalledWith('moon', ''));
    await user.click(within(dialog).getByRole('button', { name: /^Add Moon River / }));
    expect(m.addToPlaylist).toHaveBeenCalledWith('PL1', 'T9', '');
    await waitFor(() => expect(order()).toContain('4. Moon River'));
  });

  it('renames, with the message beside the name box when the core refuses', async () => {
    const user = await open();
    m.renamePlaylist.mockRejectedValueOnce({ code: 'invalid', message: 'That name is too long.', field: 'name' });
    await user.click(screen.getByRole('button', { name: 'Rename' }));
    const dialog = screen.getByRole('dialog');
    const name = within(dialog).getByLabelText('Setlist name');
    await user.clear(name);
    await user.type(name, 'Summer');
    await user.click(within(dialog).getByRole('button', { name: 'Save name' }));
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'));
    core();
    await user.click(within(dialog).getByRole('button', { name: 'Save name' }));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Summer'));
  });

  it('asks before archiving', async () => {
    m.archivePlaylist.mockResolvedValue(null);
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'Archive setlist' }));
    expect(m.archivePlaylist).not.toHaveBeenCalled();
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Yes, archive' }));
    expect(m.archivePlaylist).toHaveBeenCalledWith('PL1');
    await waitFor(() => expect(location.hash).toBe('#/groups/G1'));
  });
});
