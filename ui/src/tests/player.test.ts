// The mini player against a mocked api: what it shows for a PlayerState, and
// which command each control sends.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { PlayerState } from '../lib/bindings';
import { playerState, track } from './fixtures';

vi.mock('../lib/api', () => ({
  onPlayerState: vi.fn(),
  playerState: vi.fn(),
  playerPause: vi.fn(),
  playerResume: vi.fn(),
  playerStop: vi.fn(),
  playerNext: vi.fn(),
  playerPrevious: vi.fn(),
  previousAvoidFlags: vi.fn(async () => []),
  playerSeek: vi.fn(),
  playerSetVolume: vi.fn(),
  playerFadeOut: vi.fn(),
  playerSetLooping: vi.fn(),
  playerRetryOutput: vi.fn(),
}));

import * as api from '../lib/api';
import { player } from '../lib/player.svelte';
import { formatDuration } from '../lib/music';
import MiniPlayer from '../lib/components/MiniPlayer.svelte';

const m = vi.mocked(api);
let emit: (s: PlayerState) => void = () => {};
let stop: () => void = () => {};

/** Renders the player subscribed to the (mocked) "player-state" event. */
async function open(initial: PlayerState = playerState({ status: 'idle', track: null })) {
  m.onPlayerState.mockImplementation(async (handler) => {
    emit = handler;
    return () => {
      emit = () => {};
    };
  });
  m.playerState.mockResolvedValue(initial);
  render(MiniPlayer);
  stop = player.start();
  await waitFor(() => expect(player.ready).toBe(true));
  return userEvent.setup();
}

/** Each command answers with the state it would leave the player in. */
function answers(fn: (typeof m)[keyof typeof m], s: PlayerState) {
  (fn as ReturnType<typeof vi.fn>).mockResolvedValue(s);
}

const region = () => screen.getByRole('region', { name: 'Music player' });

beforeEach(() => {
  vi.clearAllMocks();
  player.reset();
});
afterEach(() => stop());

describe('formatDuration', () => {
  it('writes times as m:ss, and h:mm:ss past an hour', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65_400)).toBe('1:05');
    expect(formatDuration(184_999)).toBe('3:04');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(null)).toBe('--:--');
  });
});

describe('mini player', () => {
  it('says "Nothing playing" until there is a track', async () => {
    await open();
    expect(within(region()).getByText('Nothing playing')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Play' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('slider', { name: 'Position' }) as HTMLInputElement).disabled).toBe(true);
  });

  it('shows the title, artist, queue place and time from the player-state event', async () => {
    await open();
    emit(playerState({ positionMs: 65_400 }));
    await screen.findByText('Daisy Bell');
    const r = within(region());
    expect(r.getByText('Harry Dacre')).toBeTruthy();
    expect(r.getByText('Thursday setlist, 2 of 8')).toBeTruthy();
    expect(screen.getByTestId('player-time').textContent!.replace(/\s+/g, ' ').trim()).toBe('1:05 / 2:34');
    const slider = screen.getByRole('slider', { name: 'Position' }) as HTMLInputElement;
    expect(slider.max).toBe('154000');
    expect(slider.getAttribute('aria-valuetext')).toBe('1 minute 5 seconds of 2 minutes 34 seconds');
    // A later event moves the time on.
    emit(playerState({ positionMs: 125_000 }));
    await waitFor(() => expect(screen.getByTestId('player-time').textContent).toContain('2:05 / 2:34'));
  });

  it('Pause sends player_pause and Play sends player_resume, following the answers', async () => {
    const user = await open(playerState());
    answers(m.playerPause, playerState({ status: 'paused' }));
    answers(m.playerResume, playerState({ status: 'playing' }));
    await user.click(screen.getByRole('button', { name: 'Pause' }));
    expect(m.playerPause).toHaveBeenCalledTimes(1);
    expect(m.playerResume).not.toHaveBeenCalled();
    await user.click(await screen.findByRole('button', { name: 'Play' }));
    expect(m.playerResume).toHaveBeenCalledTimes(1);
    expect(await screen.findByRole('button', { name: 'Pause' })).toBeTruthy();
  });

  it('Space on the player toggles, but never inside a text box elsewhere', async () => {
    const user = await open(playerState());
    const box = document.createElement('input');
    document.body.appendChild(box);
    answers(m.playerPause, playerState({ status: 'paused' }));
    box.focus();
    await user.keyboard(' ');
    expect(m.playerPause).not.toHaveBeenCalled();
    screen.getByRole('slider', { name: 'Position' }).focus();
    await user.keyboard(' ');
    expect(m.playerPause).toHaveBeenCalledTimes(1);
    box.remove();
  });

  it('the Position slider sends player_seek in milliseconds', async () => {
    await open(playerState());
    answers(m.playerSeek, playerState({ positionMs: 90_000 }));
    const slider = screen.getByRole('slider', { name: 'Position' }) as HTMLInputElement;
    await fireEvent.input(slider, { target: { value: '90000' } });
    await fireEvent.change(slider);
    await waitFor(() => expect(m.playerSeek).toHaveBeenCalledWith(90_000));
    await waitFor(() => expect(screen.getByTestId('player-time').textContent).toContain('1:30 / 2:34'));
  });

  it('Volume, Loop this track, Fade out, Stop, Next and Previous each send their command', async () => {
    const user = await open(playerState());
    answers(m.playerSetVolume, playerState({ volume: 0.5 }));
    answers(m.playerSetLooping, playerState({ looping: true }));
    answers(m.playerFadeOut, playerState());
    answers(m.playerNext, playerState({ queueIndex: 2 }));
    answers(m.playerPrevious, playerState());
    answers(m.playerStop, playerState({ status: 'stopped', positionMs: 0 }));

    await fireEvent.input(screen.getByRole('slider', { name: 'Volume' }), { target: { value: '50' } });
    await waitFor(() => expect(m.playerSetVolume).toHaveBeenCalledWith(0.5));

    const loop = screen.getByRole('button', { name: 'Loop this track' });
    expect(loop.getAttribute('aria-pressed')).toBe('false');
    await user.click(loop);
    expect(m.playerSetLooping).toHaveBeenCalledWith(true);
    await waitFor(() => expect(loop.getAttribute('aria-pressed')).toBe('true'));

    await user.click(screen.getByRole('button', { name: 'Fade out' }));
    expect(m.playerFadeOut).toHaveBeenCalledWith(4000);
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(m.playerNext).toHaveBeenCalledTimes(1);
    // Previous first asks whether the song it goes back to must be avoided.
    await user.click(screen.getByRole('button', { name: 'Previous' }));
    await waitFor(() => expect(m.playerPrevious).toHaveBeenCalledTimes(1));
    expect(m.previousAvoidFlags).toHaveBeenCalledWith(null, null);
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(m.playerStop).toHaveBeenCalledTimes(1);
  });

  it('with no sound output, says so and "Try again" calls player_retry_output', async () => {
    const user = await open();
    emit(playerState({ status: 'noOutput', message: 'The speaker was unplugged.' }));
    expect(await screen.findByText('No sound output found.')).toBeTruthy();
    const status = within(region()).getByRole('status');
    expect(status.textContent).toBe('The speaker was unplugged.');
    answers(m.playerRetryOutput, playerState({ status: 'paused', message: null }));
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(m.playerRetryOutput).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByText('No sound output found.')).toBeNull());
    expect(within(region()).getByRole('status').textContent).toBe('');
  });

  it('a failed command is explained in words, not thrown', async () => {
    const user = await open(playerState({ status: 'paused', track: track({ missing: true }) }));
    m.playerResume.mockRejectedValue({ code: 'missing', message: 'That file is missing.', field: null });
    await user.click(screen.getByRole('button', { name: 'Play' }));
    const { notices } = await import('../lib/notices.svelte');
    await waitFor(() => expect(notices.items.map((n) => n.text)).toContain('That file is missing.'));
  });

  it('the time shown changes once a second, not with every report of the position', async () => {
    await open(playerState({ positionMs: 65_000 }));
    await screen.findByText('Daisy Bell');
    const changes = watch(region());
    const slider = screen.getByRole('slider', { name: 'Position' }) as HTMLInputElement;
    const sliderMoves = countValueWrites(slider);
    for (const ms of [65_200, 65_400, 65_600, 65_800]) emit(playerState({ positionMs: ms }));
    await tick();
    expect(changes()).toEqual([]);
    expect(sliderMoves()).toBe(0);
    expect(player.latest.positionMs).toBe(65_800);
    expect(player.state.positionMs).toBe(65_000);

    emit(playerState({ positionMs: 66_000 }));
    await waitFor(() => expect(screen.getByTestId('player-time').textContent).toContain('1:06 / 2:34'));
    expect(sliderMoves()).toBe(1);
    expect(slider.value).toBe('66000');
    expect(slider.getAttribute('aria-valuetext')).toBe('1 minute 6 seconds of 2 minutes 34 seconds');
    // Only the position's own row changed: the time and the slider.
    const touched = changes();
    expect(touched.length).toBeGreaterThan(0);
    for (const el of touched) expect(el.closest('.player-seek'), outline(el)).not.toBeNull();
  });

  it('changes nothing on screen while the window is hidden, and is right again when it is shown', async () => {
    await open(playerState({ positionMs: 10_000 }));
    await screen.findByText('Daisy Bell');
    setHidden(true);
    const changes = watch(region());
    for (let ms = 10_200; ms <= 70_000; ms += 200) emit(playerState({ positionMs: ms }));
    emit(playerState({ positionMs: 70_200, status: 'paused' }));
    await tick();
    expect(changes()).toEqual([]);
    expect(screen.getByTestId('player-time').textContent).toContain('0:10 / 2:34');
    expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy();

    // Shown again: the latest state at once, then a fresh one from the core.
    m.playerState.mockResolvedValue(playerState({ positionMs: 125_000, status: 'paused' }));
    setHidden(false);
    expect(await screen.findByRole('button', { name: 'Play' })).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('player-time').textContent).toContain('2:05 / 2:34'));
    expect(m.playerState).toHaveBeenCalledTimes(2);
  });
});

/** Every element whose text, children or attributes change from now on. */
function watch(root: Element): () => Element[] {
  const seen = new Set<Element>();
  const observer = new MutationObserver((records) => {
    for (const r of records) seen.add(r.target instanceof Element ? r.target : r.target.parentElement!);
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  return () => {
    for (const r of observer.takeRecords()) seen.add(r.target instanceof Element ? r.target : r.target.parentElement!);
    return [...seen];
  };
}

/** Counts the times a slider's value is set (a property, so no DOM mutation shows it). */
function countValueWrites(input: HTMLInputElement): () => number {
  const own = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!;
  let writes = 0;
  Object.defineProperty(input, 'value', {
    configurable: true,
    get() {
      return own.get!.call(this);
    },
    set(v) {
      writes++;
      own.set!.call(this, v);
    },
  });
  return () => writes;
}

const outline = (el: Element) => el.outerHTML.slice(0, 120);

/** Let the events and Svelte's updates run. */
const tick = () => new Promise((r) => setTimeout(r, 20));

let hiddenNow = false;
/** As the browser does when the window is minimised or shown again. */
function setHidden(hidden: boolean) {
  hiddenNow = hidden;
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hiddenNow ? 'hidden' : 'visible') });
  document.dispatchEvent(new Event('visibilitychange'));
}

afterEach(() => {
  hiddenNow = false;
});

