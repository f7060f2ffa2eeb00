// The words on a second screen moved on from the therapist's own page: one
// key, as in the words window, but never while typing in a box or in a
// dialog, and only while the words window is open.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Songbook } from '../lib/bindings';

vi.mock('../lib/api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../lib/api')>()),
  songbookContents: vi.fn(),
  songbook: vi.fn(),
  openWordsWindow: vi.fn(),
  stepWordsWindow: vi.fn(),
  onWordsWindowClosed: vi.fn(),
}));
import * as api from '../lib/api';
import SongbookCard from '../lib/components/SongbookCard.svelte';

const m = vi.mocked(api);

const book: Songbook = {
  playlistId: 'p1',
  title: 'Song book: Tuesday Singers',
  songs: [
    {
      trackId: 't1',
      title: 'Daisy Bell',
      artist: '',
      verses: ['There is a flower within my heart', 'Daisy, Daisy'],
      creditLine: 'Words: Harry Dacre, 1892. Public domain.',
    },
  ],
  withoutWords: [],
  unknownRights: [],
};

let closeWindow: () => void = () => {};

beforeEach(() => {
  vi.clearAllMocks();
  m.songbookContents.mockResolvedValue(book);
  m.songbook.mockResolvedValue(book as never);
  m.openWordsWindow.mockResolvedValue();
  m.stepWordsWindow.mockResolvedValue();
  m.onWordsWindowClosed.mockImplementation(async (handler) => {
    closeWindow = handler;
    return () => {};
  });
});

describe('the song book on the playlist page', () => {
  it('moves the words window on and back with one key while it is open', async () => {
    const user = userEvent.setup();
    render(SongbookCard, { playlistId: 'p1', version: 't1' });
    await screen.findByText(/1 song with words/);

    // Before the words window is open, the keys are the page's own.
    await user.keyboard('{ArrowRight}');
    expect(m.stepWordsWindow).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Show the words on a second screen' }));
    await screen.findByRole('button', { name: /^Next verse/ });
    // The keys are said beside the buttons.
    expect(screen.getByTestId('words-keys').textContent).toMatch(/→.*Space.*Page Down.*next verse.*←.*Page Up.*go back/s);

    (document.activeElement as HTMLElement | null)?.blur();
    for (const key of ['{ArrowRight}', ' ', '{PageDown}']) await user.keyboard(key);
    await waitFor(() => expect(m.stepWordsWindow).toHaveBeenCalledTimes(3));
    expect(m.stepWordsWindow.mock.calls.every(([by]) => by === 1)).toBe(true);
    m.stepWordsWindow.mockClear();
    await user.keyboard('{ArrowLeft}{PageUp}');
    await waitFor(() => expect(m.stepWordsWindow).toHaveBeenCalledTimes(2));
    expect(m.stepWordsWindow.mock.calls.every(([by]) => by === -1)).toBe(true);

    // With a modifier held, the key is not the words'.
    m.stepWordsWindow.mockClear();
    await user.keyboard('{Control>}{ArrowRight}{/Control}');
    expect(m.stepWordsWindow).not.toHaveBeenCalled();
  });

  it('leaves the keys alone while the therapist is typing, and once the window closes', async () => {
    const user = userEvent.setup();
    render(SongbookCard, { playlistId: 'p1', version: 't1' });
    await screen.findByText(/1 song with words/);
    await user.click(screen.getByRole('button', { name: 'Show the words on a second screen' }));
    await screen.findByRole('button', { name: /^Next verse/ });

    // Typing in a box on the page: the arrows and Space are the box's.
    const box = document.createElement('input');
    document.body.appendChild(box);
    box.focus();
    await user.keyboard('{ArrowRight} {PageDown}{ArrowLeft}');
    const area = document.createElement('textarea');
    document.body.appendChild(area);
    area.focus();
    await user.keyboard(' {ArrowRight}');
    expect(m.stepWordsWindow).not.toHaveBeenCalled();
    box.remove();
    area.remove();

    // The words window closed: the keys are the page's again.
    closeWindow();
    await waitFor(() => expect(screen.queryByRole('button', { name: /^Next verse/ })).toBeNull());
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    expect(m.stepWordsWindow).not.toHaveBeenCalled();
  });
});
