// A copy of the records the earlier scenarios left (every kind of record,
// personal music and referrals included) is shared through a folder with
// refrain-cli: none of team sharing's change files, nor a snapshot, holds a
// name or a note in readable form. It runs before the team scenario (12), so
// the copy is not yet in a team.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PASSPHRASE } from './person.mjs';
import { filesUnder, needles } from './readable.mjs';

const DATA_DIR = process.env.REFRAIN_DATA_DIR;

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
