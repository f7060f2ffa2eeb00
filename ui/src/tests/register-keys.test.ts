import { describe, expect, it } from 'vitest';
import { moveIndex, nextUnmarked, registerAction } from '../lib/register-keys';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('registerAction', () => {
  it.each([
    ['p', 'present'],
    ['P', 'present'],
    ['l', 'late'],
    ['e', 'leftEarly'],
    ['a', 'absent'],
    ['s', 'apologies'],
  ])('%s marks %s', (k, mark) => {
    expect(registerAction(key(k))).toEqual({ type: 'mark', mark });
  });

  it('0 to 5 give a response to the song playing, D that it upset them', () => {
    for (const n of [0, 1, 2, 3, 4, 5]) {
      expect(registerAction(key(String(n)))).toEqual({ type: 'response', response: n, distress: false });
    }
    expect(registerAction(key('d'))).toEqual({ type: 'response', response: null, distress: true });
    expect(registerAction(key('D'))).toEqual({ type: 'response', response: null, distress: true });
    expect(registerAction(key('6'))).toBeNull();
  });

  it('c toggles the carer', () => {
    expect(registerAction(key('c'))).toEqual({ type: 'carer' });
  });

  it('moves with arrows, j/k, Home and End', () => {
    expect(registerAction(key('ArrowDown'))).toEqual({ type: 'move', to: 'next' });
    expect(registerAction(key('j'))).toEqual({ type: 'move', to: 'next' });
    expect(registerAction(key('ArrowUp'))).toEqual({ type: 'move', to: 'previous' });
    expect(registerAction(key('k'))).toEqual({ type: 'move', to: 'previous' });
    expect(registerAction(key('Home'))).toEqual({ type: 'move', to: 'first' });
    expect(registerAction(key('End'))).toEqual({ type: 'move', to: 'last' });
  });

  it('leaves shortcuts with modifiers, and other keys, to the browser', () => {
    expect(registerAction(key('p', { ctrlKey: true }))).toBeNull();
    expect(registerAction(key('a', { metaKey: true }))).toBeNull();
    expect(registerAction(key('Enter'))).toBeNull();
    expect(registerAction(key(' '))).toBeNull();
    expect(registerAction(key('Tab'))).toBeNull();
    expect(registerAction(key('x'))).toBeNull();
  });
});

describe('moveIndex', () => {
  it('stays inside the list', () => {
    expect(moveIndex(0, 'previous', 3)).toBe(0);
    expect(moveIndex(2, 'next', 3)).toBe(2);
    expect(moveIndex(1, 'next', 3)).toBe(2);
    expect(moveIndex(1, 'first', 3)).toBe(0);
    expect(moveIndex(0, 'last', 3)).toBe(2);
    expect(moveIndex(0, 'next', 0)).toBe(-1);
  });
});

describe('nextUnmarked', () => {
  const marks = (...m: (string | null)[]) => m.map((mark) => ({ mark: mark as never }));

  it('is the next person with no mark, passing over people already marked', () => {
    expect(nextUnmarked(marks(null, 'present', 'late', null, null), 0)).toBe(3);
    expect(nextUnmarked(marks('present', null, null), 1)).toBe(2);
  });

  it('goes round to the top for someone missed higher up', () => {
    expect(nextUnmarked(marks(null, 'present', 'present', 'apologies'), 3)).toBe(0);
    expect(nextUnmarked(marks('present', null, 'late', 'present'), 2)).toBe(1);
  });

  it('is -1 when everyone else is marked, whether or not the current one is', () => {
    expect(nextUnmarked(marks('present', 'late', 'apologies'), 1)).toBe(-1);
    expect(nextUnmarked(marks('present', null, 'apologies'), 1)).toBe(-1);
    expect(nextUnmarked(marks(null), 0)).toBe(-1);
    expect(nextUnmarked(marks(), 0)).toBe(-1);
  });
});
