// Backups, end to end, in the real app: a therapist makes a backup from the
// Backups screen, sees it listed, restores it, and finds their records as
// they were (the window reloads onto the restored store).
//
// Run through tests/e2e/run.sh after the earlier scenarios (it uses their data).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { newSession } from './webdriver.mjs';
import { closeApp, control, heading, nav, press, scenario, use, openRecords } from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const DATA_DIR = process.env.REFRAIN_DATA_DIR;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';
const GROUP = 'Tuesday Sing-along';

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;

const shot = (name) => app.screenshot(join(ARTIFACTS, name));

before(() => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must point at the app (run tests/e2e/run.sh)');
  assert.ok(DATA_DIR, 'REFRAIN_DATA_DIR must be set (run tests/e2e/run.sh)');
});

after(async () => {
  await closeApp(app, join(ARTIFACTS, 'backups-failure.png'));
  app = null;
});

const step = scenario();

test('back up from the window, then restore that backup', { timeout: 180_000 }, async (t) => {
  let made = '';

  await step(t, 'back up now', async () => {
    app = await newSession(APP);
    use(app);
    await openRecords();
    await nav('Backups');
    await press('Back up now');
    const done = await app.waitForXPath("//*[starts-with(normalize-space(.), 'Backup saved as ')]", {
      timeout: 20_000,
      message: 'the backup to be made',
    });
    made = /Backup saved as (\S+?)\.?$/.exec((await done.getText()).trim())?.[1] ?? '';
    assert.match(made, /^refrain-.*\.db$/, `the file named: ${await done.getText()}`);
    // It is really there, under that name, in the app's backups folder.
    const files = readdirSync(join(DATA_DIR, 'backups'));
    assert.ok(files.includes(made), `${made} in ${files.join(', ')}`);
    await app.waitForXPath("//*[@aria-label='Backups, newest first']//li[contains(., 'Made by you')]");
    await shot('backups.png');
  });

  await step(t, 'restore it, and the records are still there', async () => {
    const restore = await app.waitForXPath(
      "//*[@aria-label='Backups, newest first']//li[contains(., 'Made by you')]//button[starts-with(@aria-label, 'Restore this backup')]",
    );
    await restore.click();
    await press('Yes, restore it');
    await app.waitForXPath("//*[starts-with(normalize-space(.), 'Your records are back as they were')]", {
      timeout: 30_000,
      message: 'the notice after the restore',
    });
    await shot('backups-restored.png');
    await nav('Groups');
    await control(GROUP);
    await press(GROUP);
    await heading(GROUP);
    // What was there before the restore was kept aside, not deleted.
    const aside = readdirSync(join(DATA_DIR, 'backups')).filter((f) => f.startsWith('replaced-'));
    assert.equal(aside.length, 1, `one folder of replaced records, found ${aside.join(', ')}`);
  });
});
