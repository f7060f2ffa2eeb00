// Stepping through a song book's words a verse at a time, for the words
// shown to the room. The core splits each song into verses; this only moves
// from one to the next, across songs in the playlist's order.

export type WordsBook = { songs: ReadonlyArray<{ trackId: string; verses: readonly string[] }> };
export type Place = { song: number; verse: number };

export const START: Place = { song: 0, verse: 0 };

/** The next verse: on in this song, else the next song's first, else where it is. */
export function nextPlace(book: WordsBook, at: Place): Place {
  const song = book.songs[at.song];
  if (!song) return START;
  if (at.verse + 1 < song.verses.length) return { song: at.song, verse: at.verse + 1 };
  if (at.song + 1 < book.songs.length) return { song: at.song + 1, verse: 0 };
  return at;
}

/** The verse before: back in this song, else the previous song's last, else where it is. */
export function previousPlace(book: WordsBook, at: Place): Place {
  if (!book.songs[at.song]) return START;
  if (at.verse > 0) return { song: at.song, verse: at.verse - 1 };
  if (at.song > 0) {
    const before = book.songs[at.song - 1];
    return { song: at.song - 1, verse: Math.max(0, before.verses.length - 1) };
  }
  return at;
}

/** The first verse of the song for a track now playing, or null when it is not in the book. */
export function placeOfTrack(book: WordsBook, trackId: string | null | undefined): Place | null {
  if (!trackId) return null;
  const song = book.songs.findIndex((s) => s.trackId === trackId);
  return song < 0 ? null : { song, verse: 0 };
}

/**
 * The step a key asks for: Right arrow, Space or Page Down on (1), Left
 * arrow or Page Up back (-1), anything else nothing (0). A key held with
 * Ctrl, Alt or Cmd is left alone.
 */
export function stepOfKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>): 1 | -1 | 0 {
  if (e.ctrlKey || e.altKey || e.metaKey) return 0;
  switch (e.key) {
    case 'ArrowRight':
    case ' ':
    case 'PageDown':
      return 1;
    case 'ArrowLeft':
    case 'PageUp':
      return -1;
    default:
      return 0;
  }
}
