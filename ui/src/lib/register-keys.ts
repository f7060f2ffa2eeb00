// The register's keyboard: which key does what on a focused row.
import type { Mark } from './bindings';

export type RegisterAction =
  | { type: 'mark'; mark: Mark }
  | { type: 'carer' }
  /** How the song playing went for the person: 0 to 5, or D when it upset them. */
  | { type: 'response'; response: number | null; distress: boolean }
  | { type: 'move'; to: 'next' | 'previous' | 'first' | 'last' };

const MARK_BY_KEY: Record<string, Mark> = {
  p: 'present',
  l: 'late',
  e: 'leftEarly',
  a: 'absent',
  s: 'apologies',
};

export type KeyLike = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>;

/** Null when the key means nothing on the register (so the browser keeps it). */
export function registerAction(e: KeyLike): RegisterAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case 'ArrowDown':
      return { type: 'move', to: 'next' };
    case 'ArrowUp':
      return { type: 'move', to: 'previous' };
    case 'Home':
      return { type: 'move', to: 'first' };
    case 'End':
      return { type: 'move', to: 'last' };
  }
  if (e.key.length !== 1) return null;
  const k = e.key.toLowerCase();
  if (k === 'j') return { type: 'move', to: 'next' };
  if (k === 'k') return { type: 'move', to: 'previous' };
  if (k === 'c') return { type: 'carer' };
  if (k >= '0' && k <= '5') return { type: 'response', response: Number(k), distress: false };
  if (k === 'd') return { type: 'response', response: null, distress: true };
  const mark = MARK_BY_KEY[k];
  return mark ? { type: 'mark', mark } : null;
}

/** Index after a move, clamped to the list. */
export function moveIndex(current: number, to: 'next' | 'previous' | 'first' | 'last', length: number): number {
  if (length === 0) return -1;
  switch (to) {
    case 'next':
      return Math.min(current + 1, length - 1);
    case 'previous':
      return Math.max(current - 1, 0);
    case 'first':
      return 0;
    case 'last':
      return length - 1;
  }
}

/**
 * The next person after `current` with no mark yet, going round to the top;
 * -1 when everyone else is marked. A mark by key moves there.
 */
export function nextUnmarked(entries: ReadonlyArray<{ mark: Mark | null }>, current: number): number {
  const n = entries.length;
  for (let step = 1; step < n; step++) {
    const i = (current + step) % n;
    if (entries[i].mark === null) return i;
  }
  return -1;
}
