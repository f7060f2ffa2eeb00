// Changes a screen sends to the core one at a time, in the order they were
// made. Only the newest answer is shown, so a slow reply can't undo a later
// change; after a failure the screen is refreshed from the core once nothing
// else is on its way.
import { toCommandError } from './errors';
import { notices } from './notices.svelte';

export interface SerialChanges<T> {
  /** Send one change after those before it; resolves with the core's answer. */
  queued(op: () => Promise<T>): Promise<T>;
  /** Say what went wrong, and show the core's own state again. */
  failed(e: unknown): Promise<void>;
}

export function serialChanges<T>(apply: (answer: T) => void, reload: () => Promise<T>): SerialChanges<T> {
  let chain: Promise<unknown> = Promise.resolve();
  let inFlight = 0;
  return {
    queued(op) {
      inFlight += 1;
      const p = chain.then(op);
      chain = p.catch(() => undefined);
      return p.then(
        (r) => {
          inFlight -= 1;
          if (inFlight === 0) apply(r);
          return r;
        },
        (e) => {
          inFlight -= 1;
          throw e;
        },
      );
    },
    async failed(e) {
      notices.error(toCommandError(e).message);
      if (inFlight === 0) {
        try {
          apply(await reload());
        } catch {
          // The error above already says something went wrong.
        }
      }
    },
  };
}

export interface LatestSaver<V> {
  /**
   * Save `value` after whatever is on its way. While a save is on its way only
   * the newest value waits behind it (older waiting values are never sent).
   * Resolves once nothing is waiting or on its way.
   */
  save(value: V): Promise<void>;
  /** Resolves once nothing is waiting or on its way. */
  settled(): Promise<void>;
  /** A save is on its way or waiting. */
  busy(): boolean;
}

/**
 * Saves a value that keeps changing, like a draft as it is typed: one save at
 * a time, in the order they were asked for, and a burst of changes made while
 * a save is on its way goes as one save of the newest value. Each answer is
 * handed to `saved` with the value it was for and whether a newer value is
 * still to go (`newest` false), so an older answer never overwrites newer
 * typing.
 */
export function latestSaver<V, T>(
  send: (value: V) => Promise<T>,
  on: {
    saved: (value: V, answer: T, newest: boolean) => void;
    failed: (value: V, error: unknown, newest: boolean) => void;
  },
): LatestSaver<V> {
  let waiting: { value: V } | null = null;
  let running: Promise<void> | null = null;

  async function pump(): Promise<void> {
    try {
      while (waiting) {
        const { value } = waiting;
        waiting = null;
        try {
          const answer = await send(value);
          on.saved(value, answer, waiting === null);
        } catch (e) {
          on.failed(value, e, waiting === null);
        }
      }
    } finally {
      running = null;
    }
  }

  return {
    save(value) {
      waiting = { value };
      running ??= pump();
      return running;
    },
    settled() {
      return running ?? Promise.resolve();
    },
    busy() {
      return running !== null;
    },
  };
}
