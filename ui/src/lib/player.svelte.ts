// The music player's state for the whole app. It lives outside every screen,
// so moving between screens never interrupts or resets it. The state comes
// from the core's "player-state" event and from the answer to each call.
import type { AvoidFlag, PlayerState } from './bindings';
import * as api from './api';
import { toCommandError } from './errors';
import { idlePlayerState } from './music';
import { notices } from './notices.svelte';

/** The whole second a position falls in: what the screen shows of it. */
const second = (ms: number) => Math.floor(ms / 1000);

/** Whether two states differ in anything but the position. */
function sameButPosition(a: PlayerState, b: PlayerState): boolean {
  return (
    a.status === b.status &&
    sameTrack(a.track, b.track) &&
    a.durationMs === b.durationMs &&
    a.volume === b.volume &&
    a.looping === b.looping &&
    a.queueIndex === b.queueIndex &&
    a.queueLength === b.queueLength &&
    a.queueName === b.queueName &&
    a.message === b.message
  );
}

function sameTrack(a: PlayerState['track'], b: PlayerState['track']): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

const documentHidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden';

/** Music someone in the room must not hear, waiting for the therapist's answer. */
export type AskFirst = { flags: AvoidFlag[]; answer: (play: boolean) => void };

class Player {
  /**
   * What the screen shows. It changes only when something shown changes: a
   * new status, track, volume or message, or the position's whole second.
   * Each change re-renders the player and repaints the window, and the
   * player reports its position five times a second while playing, so the
   * other reports are kept in `latest` without touching the screen. Nothing
   * here changes while the window is hidden or minimised.
   */
  state = $state.raw<PlayerState>(idlePlayerState());
  /** Set while the therapist is asked before playing music someone must avoid. */
  askFirst = $state<AskFirst | null>(null);
  /** Set once the first state has arrived from the core. */
  ready = $state(false);

  /** The last state the core sent, shown or not (plain, not reactive). */
  latest: PlayerState = idlePlayerState();

  /** The playlist now in the player (null: a single track), and the session it was played for (null: today's). */
  private playedFor: { playlistId: string | null; sessionId: string | null } = { playlistId: null, sessionId: null };
  private unlisten: api.Unlisten | null = null;
  private starting = false;
  private hidden = false;

  /** Subscribe to the core's player events (once). Returns how to stop. */
  start(): () => void {
    if (this.starting) return () => {};
    this.starting = true;
    let stopped = false;
    this.hidden = documentHidden();
    const onVisibility = () => {
      const hidden = documentHidden();
      if (hidden === this.hidden) return;
      this.hidden = hidden;
      if (hidden || stopped) return;
      // Back in sight: show where the music is now.
      this.show(this.latest);
      api.playerState().then(
        (s) => this.apply(s),
        () => {},
      );
    };
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisibility);
    void (async () => {
      try {
        const un = await api.onPlayerState((s) => this.apply(s));
        if (stopped) un();
        else this.unlisten = un;
      } catch {
        // No events: the answers to calls still keep the player up to date.
      }
      if (stopped) return;
      try {
        this.apply(await api.playerState());
      } catch {
        // Shown as "Nothing playing" until something is played.
      }
    })();
    return () => {
      stopped = true;
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisibility);
      this.unlisten?.();
      this.unlisten = null;
      this.starting = false;
    };
  }

  /** A state from the core (an event or a command's answer). */
  apply(s: PlayerState | null | undefined): void {
    if (!s) return;
    this.latest = s;
    if (!this.hidden) this.show(s);
  }

  private show(s: PlayerState): void {
    const shown = this.state;
    if (this.ready && sameButPosition(shown, s) && second(shown.positionMs) === second(s.positionMs)) return;
    // Keep the same track object when it has not changed, so that nothing
    // that shows only the track is worked out again.
    this.state = shown.track && sameTrack(shown.track, s.track) ? { ...s, track: shown.track } : s;
    this.ready = true;
  }

  /** Back to nothing playing (tests). */
  reset(): void {
    this.state = idlePlayerState();
    this.latest = idlePlayerState();
    this.ready = false;
    this.askFirst?.answer(false);
    this.askFirst = null;
    this.playedFor = { playlistId: null, sessionId: null };
  }

  get playing(): boolean {
    return this.latest.status === 'playing';
  }

  /** Runs a player command; problems are shown in words, never thrown. */
  private async run(op: () => Promise<PlayerState>): Promise<boolean> {
    try {
      this.apply(await op());
      return true;
    } catch (e) {
      notices.error(toCommandError(e).message);
      return false;
    }
  }

  /** Shows the flags and waits for "Play anyway" (true) or "Don't play" (false). */
  private ask(flags: AvoidFlag[]): Promise<boolean> {
    this.askFirst?.answer(false);
    return new Promise((resolve) => {
      let answered = false;
      this.askFirst = {
        flags,
        answer: (play) => {
          if (answered) return;
          answered = true;
          this.askFirst = null;
          resolve(play);
        },
      };
    });
  }

  /**
   * Asks the core whether anyone in the room must not hear this music; if so,
   * asks the therapist first. A check that fails never keeps the music from
   * playing (the therapist is told).
   */
  private async checked(
    check: () => Promise<AvoidFlag[]>,
    op: () => Promise<PlayerState>,
    agreed: (flags: AvoidFlag[]) => Promise<PlayerState> = op,
  ): Promise<boolean> {
    let flags: AvoidFlag[] = [];
    try {
      flags = await check();
    } catch (e) {
      notices.error(`Refrain could not check the music against people's avoid lists: ${toCommandError(e).message}`);
    }
    if (flags.length === 0) return this.run(op);
    if (!(await this.ask(flags))) return false;
    return this.run(() => agreed(flags));
  }

  /** Plays a playlist from `startIndex`, asking first if someone at `sessionId` (else today) must avoid any of it. */
  async playPlaylist(playlistId: string, startIndex = 0, sessionId: string | null = null) {
    const played = await this.checked(
      () => api.playlistPlayAvoidFlags(playlistId, startIndex, sessionId),
      () => api.playPlaylist(playlistId, startIndex),
    );
    if (played) this.playedFor = { playlistId, sessionId };
    return played;
  }
  /** Plays one track, asking first as `playPlaylist` does. */
  async playTrack(trackId: string, sessionId: string | null = null) {
    const played = await this.checked(
      () => api.playAvoidFlags([trackId], sessionId),
      () => api.playTrack(trackId),
    );
    if (played) this.playedFor = { playlistId: null, sessionId };
    return played;
  }
  /** The Play/Pause button: pause when playing, otherwise carry on. */
  toggle() {
    const s = this.latest;
    if (s.status === 'playing') return this.run(() => api.playerPause());
    if (!s.track) return Promise.resolve(false);
    // A paused song carries on. A stopped one starts again, and may since
    // have gone on someone's avoid list: it is asked about first, as any
    // music about to play.
    if (s.status === 'paused') return this.run(() => api.playerResume());
    const trackId = s.track.id;
    return this.checked(
      () => api.playAvoidFlags([trackId], null),
      () => api.playerResume(),
    );
  }
  stop() {
    return this.run(() => api.playerStop());
  }
  next() {
    return this.run(() => api.playerNext());
  }
  /**
   * Back to the start of the song, or to the song before: a song before the
   * one the list was played from was never asked about, so the song Previous
   * goes back to is asked about first, as any music about to play. Once
   * agreed, it goes to that song, however long the answer took (Previous
   * itself would by then start the playing song again).
   */
  previous() {
    const { playlistId, sessionId } = this.playedFor;
    return this.checked(
      () => api.previousAvoidFlags(playlistId, sessionId),
      () => api.playerPrevious(),
      (flags) => api.playerBackTo(flags[0].trackId),
    );
  }
  seek(positionMs: number) {
    return this.run(() => api.playerSeek(positionMs));
  }
  setVolume(volume: number) {
    return this.run(() => api.playerSetVolume(volume));
  }
  fadeOut(ms = 4000) {
    return this.run(() => api.playerFadeOut(ms));
  }
  setLooping(looping: boolean) {
    return this.run(() => api.playerSetLooping(looping));
  }
  retryOutput() {
    return this.run(() => api.playerRetryOutput());
  }
}

export const player = new Player();
