// The music player's state for the whole app. It lives outside every screen,
// so moving between screens never interrupts or resets it. The state comes
// from the core's "player-state" event and from the answer to each call.
import type { PlayerState } from './bindings';
import * as api from './api';
import { toCommandError } from './errors';
import { idlePlayerState } from './music';
import { notices } from './notices.svelte';

class Player {
  state = $state<PlayerState>(idlePlayerState());
  /** Set once the first state has arrived from the core. */
  ready = $state(false);

  private unlisten: api.Unlisten | null = null;
  private starting = false;

  /** Subscribe to the core's player events (once). Returns how to stop. */
  start(): () => void {
    if (this.starting) return () => {};
    this.starting = true;
    let stopped = false;
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
      this.unlisten?.();
      this.unlisten = null;
      this.starting = false;
    };
  }

  apply(s: PlayerState | null | undefined): void {
    if (!s) return;
    this.state = s;
    this.ready = true;
  }

  /** Back to nothing playing (tests). */
  reset(): void {
    this.state = idlePlayerState();
    this.ready = false;
  }

  get playing(): boolean {
    return this.state.status === 'playing';
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

  playPlaylist(playlistId: string, startIndex = 0) {
    return this.run(() => api.playPlaylist(playlistId, startIndex));
  }
  playTrack(trackId: string) {
    return this.run(() => api.playTrack(trackId));
  }
  /** The Play/Pause button: pause when playing, otherwise carry on. */
  toggle() {
    if (this.state.status === 'playing') return this.run(() => api.playerPause());
    if (!this.state.track) return Promise.resolve(false);
    return this.run(() => api.playerResume());
  }
  stop() {
    return this.run(() => api.playerStop());
  }
  next() {
    return this.run(() => api.playerNext());
  }
  previous() {
    return this.run(() => api.playerPrevious());
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
