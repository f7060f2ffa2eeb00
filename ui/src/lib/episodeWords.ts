// A start-and-end line in words, as the files write it: a number to two
// places at most, a change with its sign and which way it went.
import type { EpisodeLine } from './bindings';

export const episodeNumber = (v: number | null) => (v === null ? '–' : String(Number(v.toFixed(2))));

const sign = (v: number) => (v > 0 ? `+${episodeNumber(v)}` : v < 0 ? `−${episodeNumber(-v)}` : '0');

export const changeWords = (l: EpisodeLine) =>
  l.change === null ? '' : l.better === null ? 'no change' : `${sign(l.change)} (${l.better ? 'better' : 'worse'})`;
