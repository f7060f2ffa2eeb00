// What must never be readable in a file Refrain or its sharing wrote: the
// sample people's and referrers' names (read from core/src/demo.rs) and what
// the scenarios typed about people, as UTF-8 and UTF-16 needles. Used by
// 11-shared-copy-unreadable and 99-nothing-readable.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMPORTED } from './person.mjs';

/** The sample data's names, straight from the core's source. */
export function demoNames() {
  const src = readFileSync(join(import.meta.dirname, '../../core/src/demo.rs'), 'utf8');
  const names = [...src.matchAll(/(?:full_name|referrer):\s*"([^"]+)"/g)].map((m) => m[1]);
  assert.ok(names.length >= 20, `found only ${names.length} sample names in demo.rs`);
  return [...new Set(names)];
}

/** What the earlier scenarios typed that must not be readable. */
export const TYPED = [
  // 03 and 09: notes and a group.
  'We sang Daisy Bell.',
  'Doreen led the second verse',
  'Tuesday Sing-along',
  'Sam Okafor',
  // 05: the people imported.
  ...IMPORTED,
  // 07-personal-music: a referral's prescription, the music life story, the
  // avoid list's reason and the listening log.
  'Priya Shah',
  'Half an hour before her bath',
  'Her late husband',
  'Grew up in Bootle',
  'Sang in the chapel choir',
  'Hummed along and smiled',
  'Pack given to her son',
  'Feeling calm before bathing',
  // 10-referrals: the person, the referrer, the answer and the summary.
  'Rosa Lindqvist',
  'Chris Doyle',
  'Starts at the Wednesday drop-in next week',
  'Rosa has settled in',
];

export function filesUnder(dir) {
  const out = [];
  if (!dir || !existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

export function needles() {
  return [...demoNames(), ...TYPED].flatMap((n) => [
    { n, bytes: Buffer.from(n, 'utf8') },
    { n: `${n} (UTF-16)`, bytes: Buffer.from(n, 'utf16le') },
  ]);
}

