// A team, end to end: in the office's real window the therapist starts a
// team, saves an invitation in the system's own save window, and accepts a
// therapist's laptop by the code that laptop shows, giving it one group. The
// therapist's laptop is a second copy of Refrain over its own data folder,
// driven through refrain-cli (its window would add nothing here); the team's
// files go through the office's own team folder, which the laptop also
// uses, as Syncthing or a charity's synced folder would carry them. The laptop then holds that group and no other, and the Team
// screen shows both laptops and how fresh the records are. Every new screen
// is audited with axe-core.
//
// Run through tests/e2e/run.sh after the earlier scenarios (it uses their
// sample groups). It needs no network: the folder is on this machine.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { newSession, xpathLiteral } from './webdriver.mjs';
import { assertAccessible } from './axe.mjs';
import { chooseInFileWindow, closeApp, fill, heading, nav, openRecords, press, scenario, use } from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
/** The app itself (REFRAIN_APP_BIN is the tracing wrapper): refrain-cli is beside it. */
const CLI = join(dirname(process.env.REFRAIN_E2E_APP_UNTRACED || APP || '.'), 'refrain-cli');
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';
const LAPTOP = 'Therapist A laptop';

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;
let work = '';
const shot = (name) => app.screenshot(join(ARTIFACTS, name));

/** refrain-cli over the therapist's laptop's own data folder. */
function laptopCli(...args) {
  return execFileSync(CLI, ['--data-dir', join(work, 'laptop'), ...args], {
    encoding: 'utf8',
    // The laptop's records are encrypted with their own passphrase.
    env: { ...process.env, REFRAIN_DATA_DIR: '', REFRAIN_PASSPHRASE: 'laptop a quiet harbour lantern' },
  });
}

before(() => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must point at the app (run tests/e2e/run.sh)');
  assert.ok(existsSync(CLI), `refrain-cli beside the app (${CLI}); cargo test builds it`);
  work = mkdtempSync(join(tmpdir(), 'refrain-e2e-team-'));
});

after(async () => {
  await closeApp(app, join(ARTIFACTS, 'team-failure.png'));
  app = null;
  if (work && !process.env.REFRAIN_E2E_KEEP) rmSync(work, { recursive: true, force: true });
});

const step = scenario();

test('the office starts a team and accepts a laptop that receives one group', { timeout: 240_000 }, async (t) => {
  // The office's own folder for the team's files; the laptop reads and
  // writes the same folder, as Syncthing or a synced folder would make it.
  const shared = join(process.env.REFRAIN_DATA_DIR, 'team-files');
  const invitation = join(work, 'invitation.json');
  let code = '';
  let group = '';

  await step(t, 'no team yet: the Team screen says nothing is shared', async () => {
    app = await newSession(APP);
    use(app);
    await openRecords();
    // Run on its own (REFRAIN_E2E_ONLY=12), the records start empty: the
    // sample data gives the office its groups.
    const sample = await app.findElements('xpath', "//button[normalize-space(.)='Load sample data']");
    if (sample.length > 0) {
      await press('Load sample data');
      await heading('This week');
    }
    await nav('Team');
    await heading('Team');
    await app.waitForXPath("//*[contains(., 'This laptop is not in a team')]");
    await shot('12-team-none.png');
    await assertAccessible(app, 'Team (no team yet)');
  });

  await step(t, 'start the team at the office', async () => {
    await fill("The team's name", 'Hall Lane Music');
    await fill("The office laptop's name", 'Office laptop');
    await press('Start the team');
    await app.waitForXPath("//h2[normalize-space(.)='Hall Lane Music: this laptop']", {
      timeout: 20_000,
      message: 'the team to be set up',
    });
    await app.waitForXPath("//nav[@aria-label='Main']//a[starts-with(normalize-space(.), 'Shared with Hall Lane Music.')]", {
      timeout: 30_000,
      message: 'the freshness line in the menu',
    });
  });

  await step(t, 'save an invitation in the system\'s save window', async () => {
    await press('Save an invitation…');
    await chooseInFileWindow(app, 'Save the invitation on a USB stick', invitation, join(ARTIFACTS, '12-team-save-window.png'), {
      save: true,
    });
    await app.waitForXPath("//*[starts-with(normalize-space(.), 'Invitation saved.')]", {
      timeout: 20_000,
      message: 'the invitation to be saved',
    });
    const saved = JSON.parse(readFileSync(invitation, 'utf8'));
    assert.equal(saved.teamName, 'Hall Lane Music');
    assert.ok(!JSON.stringify(saved).match(/Margaret|Ellis/), 'the invitation holds no one\'s name');
  });

  await step(t, 'the therapist\'s laptop joins with it and shows a code', async () => {
    const out = laptopCli('team', 'join', '--invitation', invitation, '--laptop', LAPTOP);
    code = /Read this code to the office: (\S+)/.exec(out)?.[1] ?? '';
    assert.match(code, /^[2-9A-Z]{4}-[2-9A-Z]{4}$/, out);
    assert.match(laptopCli('team', 'sync', '--folder', shared), /Waiting for the office/);
  });

  await step(t, 'the office sees it waiting, types its code and gives it one group', async () => {
    await press('Sync now');
    await app.waitForXPath(`//button[normalize-space(.)=${xpathLiteral(`Accept ${LAPTOP}`)}]`, {
      timeout: 30_000,
      message: 'the laptop waiting to join',
    });
    const form = `//form[.//button[normalize-space(.)=${xpathLiteral(`Accept ${LAPTOP}`)}]]`;
    const first = await app.waitForXPath(`${form}//fieldset//label[1]`);
    group = (await first.getText()).trim();
    await fill(`The code on ${LAPTOP}'s screen`, code.toLowerCase());
    await (await app.waitForXPath(`${form}//fieldset//label[1]/input`)).click();
    await shot('12-team-waiting.png');
    await assertAccessible(app, 'Team (a laptop waiting to join)');
    await press(`Accept ${LAPTOP}`);
    await app.waitForXPath("//*[starts-with(normalize-space(.), 'Accepted.')]", { timeout: 20_000 });
    await press('Sync now');
    await app.waitForXPath(
      `//table//tr[th[contains(., ${xpathLiteral(LAPTOP)})]][td[contains(., ${xpathLiteral(group)})]]`,
      { timeout: 30_000, message: 'the laptop listed with its group' },
    );
  });

  await step(t, 'the laptop receives that group, and only that one', async () => {
    laptopCli('team', 'sync', '--folder', shared);
    laptopCli('team', 'sync', '--folder', shared);
    const groups = JSON.parse(laptopCli('list', 'groups', '--json')).map((g) => g.name);
    assert.deepEqual(groups, [group]);
    assert.match(laptopCli('team', 'status'), new RegExp(`Office laptop`));
    // Back at the office, the next sync hears from the laptop.
    await press('Sync now');
    await app.waitForXPath("//dd[contains(@class, 'team-freshness')][starts-with(normalize-space(.), 'Synced')]", {
      timeout: 30_000,
    });
    await shot('12-team.png');
    await assertAccessible(app, 'Team (the office with a laptop)');
  });
});
