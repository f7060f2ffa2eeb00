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
