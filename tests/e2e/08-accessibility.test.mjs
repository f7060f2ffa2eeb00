// Accessibility, end to end: every screen a therapist can reach in the real
// window, audited with axe-core against WCAG 2.0, 2.1 and 2.2 A and AA (see
// axe.mjs). Each screen is its own test: a screen with a problem fails with
// every problem listed (rule, impact, where, the element), and the rest are
// still audited. Screenshots of each screen land in tests/artifacts/ (08-*),
// and a summary of what was audited in tests/artifacts/accessibility.txt.
//
// Run through tests/e2e/run.sh. After the earlier scenarios it audits their
// records; on its own (REFRAIN_E2E_ONLY=08) it sets a passphrase and loads
// the sample data first, so the door's first screens are audited too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newSession, xpathLiteral } from './webdriver.mjs';
import { audit, axeVersion, describe, TAGS } from './axe.mjs';
import { choose, closeApp, control, fill, heading, nav, noDialog, openRecords, press, use } from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';

/** The group and person to audit: the earlier scenarios' own, else the sample data's. */
const GROUPS = ['Tuesday Sing-along', 'Thursday Singing for the Brain'];
const PERSON = 'Margaret Ellis';

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;

/** What each screen's audit found, for the summary file. */
const audited = [];

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

before(() => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must be the app (run tests/e2e/run.sh)');
});

after(async () => {
  const lines = audited.map(({ screen, violations }) => {
    const n = violations.reduce((k, v) => k + v.nodes.length, 0);
    return n === 0 ? `ok    ${screen}` : `FAIL  ${screen}: ${n}\n${describe(violations)}`;
  });
  writeFileSync(
    join(ARTIFACTS, 'accessibility.txt'),
    `axe-core ${axeVersion()}, ${TAGS.join(', ')}: ${audited.length} screens\n${lines.join('\n')}\n`,
  );
  await closeApp(app, join(ARTIFACTS, 'accessibility-failure.png'));
  app = null;
});

/**
 * The scenario's steps. `screen(t, name, reach)`: `reach` gets there (a
 * failure there skips the steps after it, which need it), then the screen is
 * photographed and audited (a failure there is this screen's alone). `found`
 * gives an audit already made (the door's screens are audited on the way
 * through). `go(t, name, fn)` is a step with no audit.
 */
function steps() {
  let broken = null;
  const skip = () => (broken ? `could not get there after "${broken}" failed` : false);
  const reaching = async (name, fn) => {
    try {
      await fn();
    } catch (e) {
      broken = name;
      throw e;
    }
  };
  const go = (t, name, fn) => t.test(name, { skip: skip() }, () => reaching(name, fn));
  const screen = (t, name, reach, found = null) =>
    t.test(name, { skip: skip() }, async () => {
      await reaching(name, reach);
      let violations = found?.();
      if (!violations) {
        await app.screenshot(join(ARTIFACTS, `08-${slug(name)}.png`));
        violations = await audit(app);
      }
      audited.push({ screen: name, violations });
      const n = violations.reduce((k, v) => k + v.nodes.length, 0);
      assert.equal(n, 0, `${name}: axe found ${n} accessibility problem${n === 1 ? '' : 's'}:\n${describe(violations)}`);
    });
  return { go, screen };
}

/** The first of `names` that is a link on the screen. */
async function firstLink(names) {
  return app.waitFor(
    async () => {
      for (const name of names) {
        const found = await app.findElements('xpath', `//main//a[normalize-space(.)=${xpathLiteral(name)}]`);
        if (found.length > 0) return found[0];
      }
      return null;
    },
    { message: `a link to one of ${names.join(', ')}` },
  );
}

/** Close the open dialog with its Close button. */
async function closeDialog() {
  await press('Close');
  await noDialog();
}

const { go, screen: step } = steps();

test('every screen passes an axe-core audit (WCAG 2.2 AA)', { timeout: 420_000 }, async (t) => {
  /** The door's screens, audited as openRecords passes through them. */
  const door = new Map();
  const doorShot = async (name) => {
    await app.screenshot(join(ARTIFACTS, `08-door-${name.replace(/^00-/, '')}`));
    door.set(name, await audit(app));
  };
  let firstRun = false;

  await go(t, 'open Refrain', async () => {
    app = await newSession(APP);
    use(app);
    const h1 = await app.waitForXPath('//h1', { timeout: 30_000, message: 'the first screen' });
    firstRun = (await h1.getText()).trim() !== 'Refrain is locked';
    await openRecords({ shot: doorShot });
  });
  const DOOR = {
    '00-set-passphrase.png': 'the door: choosing a passphrase',
    '00-recovery-key.png': 'the door: the recovery key shown once',
    '00-locked.png': 'the door: locked',
  };
  for (const [name, screen] of Object.entries(DOOR)) {
    if (door.has(name)) await step(t, screen, async () => {}, () => door.get(name));
  }

  if (firstRun) {
    await step(t, 'Today, before any records (the sample data offered)', async () => {
      await control('Load sample data', { timeout: 20_000 });
    });
    await step(t, 'Today, with the sample data', async () => {
      await press('Load sample data');
      await heading('This week');
    });
  } else {
    await step(t, 'Today', async () => {
      await heading('This week');
    });
  }

  await step(t, 'the "Who is using Refrain?" window', async () => {
    await (
      await app.waitForXPath(
        "//button[@aria-label='Change who is using Refrain' or @aria-label='Choose who is using Refrain']",
      )
    ).click();
    await app.waitForXPath("//dialog[@open]//h2[normalize-space(.)='Who is using Refrain?']");
  });

  await step(t, 'Groups', async () => {
    await closeDialog();
    await nav('Groups');
  });

  await step(t, 'New group', async () => {
    await press('New group');
    await heading('New group');
  });

  let group = '';
  await step(t, "a group's page", async () => {
    await nav('Groups');
    const link = await firstLink(GROUPS);
    group = (await link.getText()).trim();
    await link.click();
    await heading(group);
    // Its outcomes card and sessions have loaded; the photograph shows the sessions.
    const session = await app.waitForXPath("//main//a[starts-with(normalize-space(.), 'Open register for')]");
    await app.executeScript('arguments[0].scrollIntoView({ block: "center" })', [session]);
  });

  await step(t, "a group's page: adding a member", async () => {
    await press('Add member');
    await app.waitForXPath(`//dialog[@open]//h2[normalize-space(.)=${xpathLiteral(`Add a member to ${group}`)}]`);
  });

  await step(t, "a group's page: choosing measures", async () => {
    await closeDialog();
    await press('Choose measures');
    await control('Save measures');
  });

  let playlist = '';
  await step(t, 'a playlist (the setlist editor)', async () => {
    await press('Cancel');
    const link = await app.waitForXPath("//main//section[contains(@class, 'playlists-card')]//li//a");
    playlist = (await link.getText()).trim();
    await link.click();
    await heading(playlist);
  });

  await step(t, 'a playlist: adding tracks', async () => {
    await press('Add tracks');
    await control('Done');
  });

  await step(t, 'the session register', async () => {
    await press('Done');
    await nav('Today');
    await press('Open register', { startsWith: true });
    await app.waitForXPath("//*[@data-testid='register-row']", { message: 'the register' });
    await app.waitForXPath("//h2[normalize-space(.)='Wellbeing before and after']").catch(() => null);
  });

  await step(t, 'the session register: its session and music, and the keys, open', async () => {
    await press('Session and music');
    await app.waitForXPath("//label[normalize-space(.)='Setlist for this session']", { message: 'the session and music' });
    const keys = await app.findElements('xpath', "//main//button[normalize-space(.)='Keys']");
    if (keys.length > 0) await keys[0].click();
  });

  await step(t, 'the session register: arrivals', async () => {
    await press('Session and music');
    await press('Arrivals');
    await app.waitForXPath("//h2[starts-with(normalize-space(.), 'Still to come')]", { message: 'the arrivals' });
  });

  await go(t, 'back to the list', async () => {
    await press('List');
    await app.waitForXPath("//*[@data-testid='register-row']", { message: 'the list' });
  });

  await step(t, 'the session register: adding a walk-in', async () => {
    const add = await control('Add walk-in');
    if (await add.getProperty('disabled')) return; // a session still to come: nothing to add yet
    await add.click();
    await app.waitForXPath("//dialog[@open]//h2[normalize-space(.)='Add a walk-in']");
  });

  await step(t, 'People (Attendees)', async () => {
    if ((await app.findElements('xpath', '//dialog[@open]')).length > 0) await closeDialog();
    await nav('Attendees');
  });

  await step(t, 'New attendee', async () => {
    await press('New attendee');
    await heading('New attendee');
  });

  await step(t, 'Import people from a spreadsheet', async () => {
    await nav('Attendees');
    await press('Import from a spreadsheet…');
    await heading('Import people from a spreadsheet');
  });

  await step(t, "a person's page", async () => {
    await nav('Attendees');
    await (await firstLink([PERSON])).click();
    await heading(PERSON);
    const access = await app.waitForXPath("//h3[normalize-space(.)='Everything Refrain holds about them']");
    await app.executeScript('arguments[0].scrollIntoView({ block: "center" })', [access]);
  });

  await step(t, "a person's page: editing the record", async () => {
    await press('Edit record');
    await control('Save attendee');
  });

  await step(t, "a person's page: editing the music life story", async () => {
    await press('Cancel');
    await press('Edit music life story');
    const save = await control('Save music life story');
    await app.executeScript('arguments[0].scrollIntoView({ block: "center" })', [save]);
  });

  await step(t, "a person's page: adding music to avoid", async () => {
    await press('Cancel');
    await press('Add music to avoid');
    await control('Add to the avoid list');
  });

  await step(t, 'Notes', async () => {
    await closeDialog();
    await nav('Notes');
  });

  await step(t, 'Notes: found', async () => {
    await fill('Find in notes', 'sang');
    await app.waitForXPath("//ol[@aria-label='Notes found']/li", { timeout: 20_000, message: 'notes found' });
  });

  await step(t, 'Measures', async () => {
    await nav('Measures');
  });

  await step(t, 'Measures: making your own', async () => {
    await press('Make your own measure');
    await control('Add another item');
  });

  await step(t, 'Reports', async () => {
    await press('Cancel');
    await nav('Reports');
  });

  await step(t, 'Reports: a register shown', async () => {
    await choose('Group', group);
    await press('Show the register');
    const summary = await app.waitForXPath("//*[@data-testid='register-summary']", { message: 'the register' });
    await app.executeScript('arguments[0].scrollIntoView({ block: "start" })', [summary]);
  });

  await step(t, 'Music', async () => {
    await nav('Music');
    await app.waitForXPath("//main//button[starts-with(@aria-label, 'Play ')]", { message: 'the library' });
  });

  await step(t, 'Venues', async () => {
    await nav('Venues');
  });

  await step(t, 'Venues: a new venue', async () => {
    await press('New venue');
    await control('Cancel');
  });

  await step(t, 'Therapists', async () => {
    await press('Cancel');
    await nav('Therapists');
  });

  await step(t, 'Therapists: adding one', async () => {
    await press('Add a therapist');
    await control('Save');
  });

  await step(t, 'Backups', async () => {
    await press('Cancel');
    await nav('Backups');
  });

  await step(t, 'Security', async () => {
    await nav('Security');
  });

  await step(t, 'the door: locked again', async () => {
    await press('Lock now');
    await heading('Refrain is locked');
  });

  await step(t, 'the door: a wrong passphrase refused', async () => {
    await fill('Passphrase', 'not the passphrase');
    await press('Unlock');
    await app.waitForXPath("//*[@role='alert' or contains(@class, 'field-error')][normalize-space(.)!='']", {
      timeout: 20_000,
      message: 'the refusal',
    });
  });

  await step(t, 'the door: the recovery key', async () => {
    await press('Forgotten your passphrase?');
    await heading('Open with your recovery key');
  });

  await go(t, 'and the records open again', async () => {
    await press('Back to the passphrase');
    await heading('Refrain is locked');
    await openRecords();
  });
});
