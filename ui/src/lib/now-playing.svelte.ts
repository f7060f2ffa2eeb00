// The person's Now playing screen: whether it is open, the therapist's
// question before it opens, and the key combination that leaves it. While it
// is open the window fills the screen, the address is held (going back does
// nothing) and the rest of Refrain's keys do nothing.
import * as api from './api';
import { parseRoute, paths, router } from './router.svelte';

/** What the therapist holds and presses to leave: not something a tap, or a person pressing keys at random, will do. */
export const LEAVE_KEYS = 'Ctrl + Shift + E';
export const LEAVE_KEYS_ARIA = 'Control+Shift+E';

/** Whether a key press is the way out of Now playing. */
export function isLeaveKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey'>): boolean {
  return e.ctrlKey && e.shiftKey && !e.altKey && !e.metaKey && e.key.toLowerCase() === 'e';
}

class NowPlaying {
  /** Open: the screen shows only the song and its two buttons. */
  open = $state(false);
  /** The therapist is being told how to leave before it opens. */
  asking = $state(false);
  /** Where to go back to on leaving. */
  private from = paths.today();

  constructor() {
    // Opened again after the window was reloaded: still locked.
    if (typeof location !== 'undefined' && parseRoute(location.hash).name === 'now-playing') {
      this.open = true;
      router.hold(paths.nowPlaying());
      void api.setFullscreen(true);
    }
  }

  /** Shows the therapist how to leave, then opens on their say. */
  ask(): void {
    this.asking = true;
  }

  enter(): void {
    this.asking = false;
    if (this.open) return;
    const here = typeof location !== 'undefined' ? location.hash : '';
    this.from = here && parseRoute(here).name !== 'now-playing' ? here : paths.today();
    this.open = true;
    router.hold(paths.nowPlaying());
    void api.setFullscreen(true);
  }

  leave(): void {
    if (!this.open) return;
    this.open = false;
    router.release();
    void api.setFullscreen(false);
    router.go(this.from);
  }
}

export const nowPlaying = new NowPlaying();
