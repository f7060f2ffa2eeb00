// Last, with Refrain closed: no file the app wrote holds a name or a note in
// readable form. Every file under the data folder (the store, its WAL,
// backups, the keys file) and the folders where the window keeps its own
// data and cache (run.sh points XDG_DATA_HOME, XDG_CACHE_HOME and
// XDG_CONFIG_HOME into the test's work folder) is searched for the sample
// people's and referrers' names (read from core/src/demo.rs) and the notes
// the earlier tests typed, in UTF-8 and UTF-16. The reports 05-reports saved
// (which hold names, as asked) are only in the reports folder, whole.
// Then a copy of the records is shared through a folder with refrain-cli
// (team sharing's change files and a snapshot): none of those files holds a
// name or a note either.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { IMPORTED, PASSPHRASE } from './person.mjs';

const DATA_DIR = process.env.REFRAIN_DATA_DIR;

/** The sample data's names, straight from the core's source. */
function demoNames() {
  const src = readFileSync(join(import.meta.dirname, '../../core/src/demo.rs'), 'utf8');
  const names = [...src.matchAll(/(?:full_name|referrer):\s*"([^"]+)"/g)].map((m) => m[1]);
  assert.ok(names.length >= 20, `found only ${names.length} sample names in demo.rs`);
  return [...new Set(names)];
}

/** What the earlier scenarios typed that must not be readable. */
const TYPED = ['We sang Daisy Bell.', 'Doreen led the second verse', 'Tuesday Sing-along', 'Sam Okafor', ...IMPORTED];

function filesUnder(dir) {
  const out = [];
  if (!dir || !existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

function needles() {
  return [...demoNames(), ...TYPED].flatMap((n) => [
    { n, bytes: Buffer.from(n, 'utf8') },
    { n: `${n} (UTF-16)`, bytes: Buffer.from(n, 'utf16le') },
  ]);
}

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
  const stray = roots.flatMap(filesUnder).filter((f) => /\.(pdf|xlsx|csv|json)$/.test(f) && !f.endsWith('refrain-keys.json'));
  assert.deepEqual(stray, [], 'no report among the app\'s own files');
});

test('change files and a snapshot of these records hold no name or note', () => {
  const app = process.env.REFRAIN_E2E_APP_UNTRACED || process.env.REFRAIN_APP_BIN;
  const cli = join(dirname(app), 'refrain-cli');
  assert.ok(existsSync(cli), `refrain-cli beside the app (${cli}); cargo test builds it`);
  const work = mkdtempSync(join(tmpdir(), 'refrain-e2e-sync-'));
  try {
    // A copy, so the app's own records never join a space.
    const data = join(work, 'data');
    cpSync(DATA_DIR, data, { recursive: true });
    const keys = join(work, 'keys');
    const shared = join(work, 'shared');
    const run = (...args) =>
      execFileSync(cli, ['--data-dir', data, ...args], {
        env: { ...process.env, REFRAIN_PASSPHRASE: PASSPHRASE },
        encoding: 'utf8',
      });
    run('sync', 'new-key', '--office', '--keys', keys);
    const said = run('sync', '--folder', shared, '--keys', keys);
    assert.match(said, /Joined the space "office"/);
    assert.match(run('snapshot', '--folder', shared, '--keys', keys), /Snapshot written/);
    const files = filesUnder(shared);
    assert.ok(files.some((f) => f.endsWith('.rfs')), `a snapshot among ${files.join(', ')}`);
    const wanted = needles();
    const found = [];
    for (const file of files) {
      const content = readFileSync(file);
      for (const { n, bytes: b } of wanted) if (content.includes(b) || file.includes(n)) found.push(`${file}: ${n}`);
    }
    console.log(`# searched ${files.length} sync files for ${wanted.length} names and notes`);
    assert.deepEqual(found, [], 'readable personal data in the sync folder');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
