import { describe, expect, it } from 'vitest';
import { nextPlace, placeOfTrack, previousPlace, START, stepOfKey, type WordsBook } from '../lib/words';

const book: WordsBook = {
  songs: [
    { trackId: 'daisy', verses: ['There is a flower', 'Daisy, Daisy'] },
    { trackId: 'tipperary', verses: ['Up to mighty London'] },
    { trackId: 'susanna', verses: ['I come from Alabama', 'Oh! Susanna', 'It rained all night'] },
  ],
};

describe('the words shown to the room, a verse at a time', () => {
  it('moves on through each verse, then to the next song, and stops at the last verse', () => {
    const seen = [START];
    for (let i = 0; i < 7; i++) seen.push(nextPlace(book, seen[seen.length - 1]));
    expect(seen).toEqual([
      { song: 0, verse: 0 },
      { song: 0, verse: 1 },
      { song: 1, verse: 0 },
      { song: 2, verse: 0 },
      { song: 2, verse: 1 },
      { song: 2, verse: 2 },
      { song: 2, verse: 2 },
      { song: 2, verse: 2 },
    ]);
  });

  it("goes back a verse, then to the previous song's last verse, and stops at the first", () => {
    expect(previousPlace(book, { song: 2, verse: 1 })).toEqual({ song: 2, verse: 0 });
    expect(previousPlace(book, { song: 2, verse: 0 })).toEqual({ song: 1, verse: 0 });
    expect(previousPlace(book, { song: 1, verse: 0 })).toEqual({ song: 0, verse: 1 });
    expect(previousPlace(book, START)).toEqual(START);
  });

  it('follows the setlist: the song now playing starts at its first verse', () => {
    expect(placeOfTrack(book, 'susanna')).toEqual({ song: 2, verse: 0 });
    expect(placeOfTrack(book, 'not-in-the-book')).toBeNull();
    expect(placeOfTrack(book, null)).toBeNull();
  });

  it('a place beyond a changed book starts again from the top', () => {
    expect(nextPlace({ songs: [] }, { song: 3, verse: 1 })).toEqual(START);
    expect(previousPlace(book, { song: 9, verse: 0 })).toEqual(START);
  });

  it('takes one key for each step, and leaves keys held with Ctrl, Alt or Cmd alone', () => {
    const key = (k: string, mods: Partial<KeyboardEvent> = {}) =>
      stepOfKey({ key: k, ctrlKey: false, altKey: false, metaKey: false, ...mods });
    expect(key('ArrowRight')).toBe(1);
    expect(key(' ')).toBe(1);
    expect(key('PageDown')).toBe(1);
    expect(key('ArrowLeft')).toBe(-1);
    expect(key('PageUp')).toBe(-1);
    expect(key('a')).toBe(0);
    expect(key('Enter')).toBe(0);
    expect(key('ArrowRight', { altKey: true })).toBe(0);
    expect(key('ArrowLeft', { ctrlKey: true })).toBe(0);
  });
});
