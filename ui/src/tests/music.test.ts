// The Music screen against a mocked api: importing (progress, cancelling, the
// report in words), the track list, and editing tags.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { ImportProgress, ImportReport } from '../lib/bindings';
import { track } from './fixtures';

vi.mock('../lib/api', () => ({
  // No one has music to avoid here (music-story.test.ts and avoid.test.ts test the flags).
  sessionAvoidFlags: vi.fn(async () => []),
  playlistAvoidFlags: vi.fn(async () => []),
  playAvoidFlags: vi.fn(async () => []),
  playlistPlayAvoidFlags: vi.fn(async () => []),
  listTracks: vi.fn(),
  listTags: vi.fn(),
  setTrackTags: vi.fn(),
  archiveTrack: vi.fn(),
  importTracks: vi.fn(),
  importSampleMusic: vi.fn(),
  cancelImport: vi.fn(),
  onImportProgress: vi.fn(),
  pickMusicFiles: vi.fn(),
  pickMusicFolder: vi.fn(),
  playTrack: vi.fn(),
}));

import * as api from '../lib/api';
import { importer } from '../lib/importer.svelte';
import { parseTags } from '../lib/music';
import Music from '../screens/Music.svelte';

const m = vi.mocked(api);
let progress: (p: ImportProgress) => void = () => {};
const unlisten = vi.fn();

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const LIBRARY = [
  track(),
  track({ id: 'T2', title: 'Greensleeves', artist: 'Traditional', format: 'mp3', tags: ['calming'], durationMs: 203_000 }),
  track({ id: 'T3', title: 'Moon River', artist: '', format: 'm4a', tags: [], missing: true }),
];

beforeEach(() => {
  vi.clearAllMocks();
  importer.reset();
  m.listTracks.mockResolvedValue(LIBRARY);
  m.listTags.mockResolvedValue(['1950s', 'calming', 'warm-up']);
  m.onImportProgress.mockImplementation(async (handler) => {
    progress = handler;
    return unlisten;
  });
  m.cancelImport.mockResolvedValue(null);
});

describe('parseTags', () => {
  it('trims, drops empty ones and keeps each tag once (first spelling wins)', () => {
    expect(parseTags('  warm-up , 1950s,warm-up, , Calming ,calming,')).toEqual(['warm-up', '1950s', 'Calming']);
    expect(parseTags('sing   along')).toEqual(['sing along']);
    expect(parseTags(' , ')).toEqual([]);
  });
});

describe('the library', () => {
  it('lists title, artist, length, type and tags, and marks a missing file', async () => {
    render(Music);
    const rows = await screen.findAllByTestId('track-row');
    expect(rows).toHaveLength(3);
    const daisy = within(rows[0]);
    expect(daisy.getByText('Daisy Bell')).toBeTruthy();
    expect(daisy.getByText('Harry Dacre')).toBeTruthy();
    expect(daisy.getByText('2:34')).toBeTruthy();
    expect(daisy.getByText('FLAC')).toBeTruthy();
    expect(daisy.getByText('warm-up')).toBeTruthy();
    const moon = within(rows[2]);
    expect(moon.getByText('File missing')).toBeTruthy();
    expect((moon.getByRole('button', { name: 'Play Moon River' }) as HTMLButtonElement).disabled).toBe(true);

    m.playTrack.mockResolvedValue({} as never);
    await userEvent.setup().click(daisy.getByRole('button', { name: 'Play Daisy Bell' }));
    expect(m.playTrack).toHaveBeenCalledWith('T1');
  });

  it('filters by tag at once, and searches after typing stops', async () => {
    render(Music);
    await screen.findAllByTestId('track-row');
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Tag'), 'calming');
    expect(m.listTracks).toHaveBeenLastCalledWith('', 'calming');
    m.listTracks.mockClear();
    await user.type(screen.getByLabelText('Search music'), 'moon');
    await waitFor(() => expect(m.listTracks).toHaveBeenCalledTimes(1));
    expect(m.listTracks).toHaveBeenCalledWith('moon', 'calming');
  });

  it('offers the sample music prominently when the library is empty', async () => {
    m.listTracks.mockResolvedValue([]);
    render(Music);
    const button = await screen.findByRole('button', { name: 'Add the sample music' });
    expect(button.classList.contains('big-choice-button')).toBe(true);
    expect(screen.getAllByRole('button', { name: 'Add the sample music' })).toHaveLength(1);
  });
});

describe('importing', () => {
  it('shows progress, can be cancelled, and reports refusals in plain words', async () => {
    m.listTracks.mockResolvedValue([]);
    m.pickMusicFiles.mockResolvedValue(['/music/Daisy Bell.flac', '/music/list.txt']);
    const done = deferred<ImportReport>();
    m.importTracks.mockReturnValue(done.promise);
    render(Music);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Import files' }));
    await waitFor(() => expect(m.importTracks).toHaveBeenCalledWith(['/music/Daisy Bell.flac', '/music/list.txt']));
    // The event subscription starts before the import, so no progress is missed.
    expect(m.onImportProgress.mock.invocationCallOrder[0]).toBeLessThan(m.importTracks.mock.invocationCallOrder[0]);

    progress({ done: 12, total: 40, current: 'Daisy Bell.flac' });
    const bar = await screen.findByRole('progressbar');
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('12'));
    expect(bar.getAttribute('aria-valuemax')).toBe('40');
    expect(bar.getAttribute('aria-valuetext')).toBe('12 of 40: Daisy Bell.flac');
    expect(screen.getByText('12 of 40: Daisy Bell.flac')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Import files' }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Cancel import' }));
    expect(m.cancelImport).toHaveBeenCalledTimes(1);

    m.listTracks.mockResolvedValue([track()]);
    done.resolve({
      imported: [track(), track({ id: 'T5', title: 'Greensleeves' })],
      alreadyThere: [track({ id: 'T6', title: 'Moon River' })],
      refused: [
        { fileName: 'list.txt', reason: 'notAudio', message: 'This is a text file.' },
        { fileName: 'show.wma', reason: 'unsupportedCodec', message: 'Windows Media Audio.' },
        { fileName: 'tape.mp3', reason: 'corrupt', message: 'It stops halfway.' },
        { fileName: 'locked.ogg', reason: 'unreadable', message: 'Permission denied.' },
      ],
      mayBeDamaged: [
        {
          fileName: 'Greensleeves.flac',
          trackId: 'T5',
          listedMs: 12_000,
          readableMs: 186,
          message: 'Greensleeves.flac may be damaged: only 0:00.2 could be read (it says 0:12).',
        },
      ],
      cancelled: true,
    });
    const report = (await screen.findByRole('heading', { name: 'Import cancelled' })).closest('section')!;
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(unlisten).toHaveBeenCalled();
    const text = report.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain('2 added, 1 already in the library, 4 not added.');
    expect(text).toContain('list.txt: not a music file. This is a text file.');
    expect(text).toContain("show.wma: a kind of music file Refrain can't play. Windows Media Audio.");
    expect(text).toContain('tape.mp3: the file is damaged. It stops halfway.');
    expect(text).toContain("locked.ogg: the file couldn't be read. Permission denied.");
    expect(text).toContain('stopped before every file was looked at');
    // Added, and flagged in the core's words.
    expect(text).toContain(
      'One file may be damaged Added all the same. Try playing it before a session; a copy from the original CD or download may be whole. Greensleeves.flac may be damaged: only 0:00.2 could be read (it says 0:12).',
    );
    // The list reloads with what was added.
    expect(await screen.findByText('Daisy Bell')).toBeTruthy();
  });

  it('does nothing when the file window is closed without choosing', async () => {
    m.pickMusicFolder.mockResolvedValue(null);
    render(Music);
    await screen.findAllByTestId('track-row');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Import a folder' }));
    await waitFor(() => expect(m.pickMusicFolder).toHaveBeenCalled());
    expect(m.importTracks).not.toHaveBeenCalled();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('says why an import could not start', async () => {
    m.importSampleMusic.mockRejectedValue({ code: 'busy', message: 'An import is already running.', field: null });
    render(Music);
    await screen.findAllByTestId('track-row');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Add the sample music' }));
    expect((await screen.findByRole('alert')).textContent).toContain('An import is already running.');
  });
});

describe('editing tags', () => {
  it('sends the trimmed, de-duplicated list', async () => {
    m.setTrackTags.mockImplementation(async (id, tags) => track({ id, tags }));
    render(Music);
    await screen.findAllByTestId('track-row');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Edit tags for Daisy Bell' }));
    const dialog = screen.getByRole('dialog', { name: 'Tags for Daisy Bell' });
    const input = within(dialog).getByLabelText('Tags') as HTMLInputElement;
    expect(input.value).toBe('warm-up');
    await user.clear(input);
    await user.type(input, '  warm-up , 1950s,Warm-up, , calming ,');
    await user.click(within(dialog).getByRole('button', { name: 'Save tags' }));
    await waitFor(() => expect(m.setTrackTags).toHaveBeenCalledWith('T1', ['warm-up', '1950s', 'calming']));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('suggests tags already in use, and finishes a word being typed', async () => {
    m.setTrackTags.mockImplementation(async (id, tags) => track({ id, tags }));
    render(Music);
    await screen.findAllByTestId('track-row');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Edit tags for Daisy Bell' }));
    const dialog = screen.getByRole('dialog');
    // "warm-up" is already chosen, so only the others are offered.
    expect(within(dialog).queryByRole('button', { name: 'Add tag warm-up' })).toBeNull();
    const input = within(dialog).getByLabelText('Tags') as HTMLInputElement;
    await user.type(input, ', cal');
    expect(within(dialog).queryByRole('button', { name: 'Add tag 1950s' })).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Add tag calming' }));
    expect(input.value).toBe('warm-up, calming, ');
    expect(document.activeElement).toBe(input);
    await user.click(within(dialog).getByRole('button', { name: 'Save tags' }));
    await waitFor(() => expect(m.setTrackTags).toHaveBeenCalledWith('T1', ['warm-up', 'calming']));
  });

  it('shows a message about the tags beside the Tags box', async () => {
    m.setTrackTags.mockRejectedValue({ code: 'invalid', message: 'That tag is too long.', field: 'tags' });
    render(Music);
    await screen.findAllByTestId('track-row');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Edit tags for Daisy Bell' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Save tags' }));
    const input = within(dialog).getByLabelText('Tags');
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    expect(within(dialog).getByText('That tag is too long.')).toBeTruthy();
  });
});
