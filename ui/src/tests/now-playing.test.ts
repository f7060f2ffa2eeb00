import { describe, expect, it } from 'vitest';
import { isLeaveKey } from '../lib/now-playing.svelte';
import { router, paths } from '../lib/router.svelte';

const key = (k: string, mods: Partial<KeyboardEvent> = {}) =>
  isLeaveKey({ key: k, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...mods });

describe('Now playing, locked for the person', () => {
  it('is left only with Ctrl + Shift + E, not a key or a shortcut pressed by chance', () => {
    expect(key('E', { ctrlKey: true, shiftKey: true })).toBe(true);
    expect(key('e', { ctrlKey: true, shiftKey: true })).toBe(true);
    expect(key('e')).toBe(false);
    expect(key('Escape')).toBe(false);
    expect(key('e', { ctrlKey: true })).toBe(false);
    expect(key('E', { shiftKey: true })).toBe(false);
    expect(key('l', { ctrlKey: true, shiftKey: true })).toBe(false);
    expect(key('E', { ctrlKey: true, shiftKey: true, altKey: true })).toBe(false);
  });

  it('holds the address: moving elsewhere does nothing until released', () => {
    router.hold(paths.nowPlaying());
    expect(router.route).toEqual({ name: 'now-playing' });
    router.go(paths.today());
    expect(router.route).toEqual({ name: 'now-playing' });
    router.release();
    router.go(paths.music());
    expect(router.route).toEqual({ name: 'music' });
  });
});
