// Small helpers for music: times as m:ss, tags typed as a comma-separated list.
import type { PlayerState, Track } from './bindings';

/** 83000 -> "1:23"; 3723000 -> "1:02:03"; null -> "--:--". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '--:--';
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "3:05" read aloud: "3 minutes 5 seconds". */
export function spokenDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return 'unknown length';
  const total = Math.floor(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  const part = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  if (m === 0) return part(s, 'second');
  return s === 0 ? part(m, 'minute') : `${part(m, 'minute')} ${part(s, 'second')}`;
}

/**
 * "warm-up,  1950s , Calming, warm-up," -> ["warm-up", "1950s", "Calming"]:
 * trimmed, inner spaces tidied, empty ones dropped, and each tag once
 * (ignoring capitals; the first spelling wins).
 */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim().replace(/\s+/g, ' ');
    if (!tag) continue;
    const key = tag.toLocaleLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

export function formatTags(tags: readonly string[]): string {
  return tags.join(', ');
}

/** "FLAC", "MP3". */
export function formatName(format: string): string {
  return format.toUpperCase();
}

export function trackLine(t: Pick<Track, 'title' | 'artist'>): string {
  return t.artist ? `${t.title}, ${t.artist}` : t.title;
}

export function idlePlayerState(): PlayerState {
  return {
    status: 'idle',
    track: null,
    positionMs: 0,
    durationMs: null,
    volume: 1,
    looping: false,
    queueIndex: null,
    queueLength: 0,
    queueName: '',
    message: null,
  };
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
