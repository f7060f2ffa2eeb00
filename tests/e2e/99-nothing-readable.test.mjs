// Last, with Refrain closed: no file the app wrote holds a name or a note in
// readable form. Every file under the data folder (the store, its WAL,
// backups, the keys file) and the folders where the window keeps its own
// data and cache (run.sh points XDG_DATA_HOME, XDG_CACHE_HOME and
// XDG_CONFIG_HOME into the test's work folder) is searched for the sample
// people's and referrers' names and what the earlier scenarios typed
// (readable.mjs), in UTF-8 and UTF-16. It runs after every other scenario,
// the team's included, so the team's files and its Syncthing's are searched
// too. The reports 05-reports saved (which hold names, as asked) are only in
// the reports folder, whole. A shared copy of the records is searched in
// 11-shared-copy-unreadable.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { filesUnder, needles } from './readable.mjs';

const DATA_DIR = process.env.REFRAIN_DATA_DIR;

test('no file Refrain wrote holds a name or a note in readable form', () => {
  assert.ok(DATA_DIR, 'REFRAIN_DATA_DIR must be set (run tests/e2e/run.sh)');
  const wanted = needles();
  const roots = [DATA_DIR, process.env.XDG_DATA_HOME, process.env.XDG_CACHE_HOME, process.env.XDG_CONFIG_HOME];
  const files = roots.flatMap(filesUnder);
  // The store, its keys and at least one backup were written.
  const names = files.map((f) => f.slice(DATA_DIR.length));
  assert.ok(names.some((f) => f.endsWith('refrain.db')), `the store is among ${names.join(', ')}`);
  assert.ok(names.some((f) => f.endsWith('refrain-keys.json')), 'the keys file');
  assert.ok(names.some((f) => /backups\/refrain-.*\.db$/.test(f)), 'a backup');

  const found = [];
  let bytes = 0;
  for (const file of files) {
    const content = readFileSync(file);
    bytes += statSync(file).size;
    for (const { n, bytes: b } of wanted) if (content.includes(b)) found.push(`${file}: ${n}`);
  }
  console.log(`# searched ${files.length} files (${(bytes / 1e6).toFixed(1)} MB) for ${wanted.length} names and notes`);
  assert.deepEqual(found, [], 'readable personal data on disk');
});

test('reports went only where they were saved, with nothing half-written left', () => {
  const exportsDir = process.env.REFRAIN_EXPORTS_DIR;
  assert.ok(exportsDir && existsSync(exportsDir), 'the reports folder (05-reports saved into it)');
  const saved = filesUnder(exportsDir).map((f) => f.slice(exportsDir.length + 1));
  assert.ok(saved.length >= 4, `the saved reports: ${saved.join(', ')}`);
  // Reports are written to a temporary file beside the target, then renamed.
  assert.deepEqual(
    saved.filter((f) => f.startsWith('.') || f.endsWith('.part')),
    [],
    'no temporary export file left behind',
  );
  // No copy of a report anywhere the app keeps its own files.
  const roots = [DATA_DIR, process.env.XDG_DATA_HOME, process.env.XDG_CACHE_HOME, process.env.XDG_CONFIG_HOME];
  // The team's own files (its join requests, Syncthing's state: JSON, and
  // searched for names above) are not reports.
  const team = [join(DATA_DIR, 'team-files'), join(DATA_DIR, 'syncthing')].map((d) => d + '/');
  const stray = roots
    .flatMap(filesUnder)
    .filter((f) => /\.(pdf|xlsx|csv|json)$/.test(f) && !f.endsWith('refrain-keys.json'))
    .filter((f) => !team.some((d) => f.startsWith(d)));
  assert.deepEqual(stray, [], 'no report among the app\'s own files');
});
