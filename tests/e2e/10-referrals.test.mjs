// Referrals answered in time, end to end, in the real app: a referral from a
// GP link worker arrives for a new person, dated fifteen days ago; Today's
// "Awaiting a reply" shows it overdue; the therapist accepts it with a note
// for the referrer, and it leaves the list; the person's page keeps the
// answer, dated, in the referral's history. The deadline's window and the
// answer's are photographed and audited with axe-core.
//
// Run through tests/e2e/run.sh (alone: REFRAIN_E2E_ONLY=10).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { newSession, xpathLiteral } from './webdriver.mjs';
import { assertAccessible } from './axe.mjs';
import { choose, closeApp, control, fill, heading, nav, noDialog, openRecords, press, scenario, use } from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';

const PERSON = 'Rosa Lindqvist';
const REFERRER = 'Chris Doyle';
const SURGERY = 'Mill Lane Surgery';
const NOTE = 'Starts at the Wednesday drop-in next week';

const pad = (n) => String(n).padStart(2, '0');
const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const now = new Date();
const TODAY = iso(now);
const RECEIVED = iso(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 15));

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;
const shot = (name) => app.screenshot(join(ARTIFACTS, name));

/** The "Awaiting a reply" entry for a person, as its words read. */
async function entryText(person) {
  const li = await app.waitForXPath(
    `//section[@aria-labelledby='awaiting-title']//li[.//a[normalize-space(.)=${xpathLiteral(person)}]]`,
    { message: `${person} awaiting a reply` },
  );
  await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [li]);
  return (await li.getText()).replace(/\s+/g, ' ');
}

before(() => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must point at the app (run tests/e2e/run.sh)');
});

after(async () => {
  await closeApp(app, join(ARTIFACTS, 'referrals-failure.png'));
  app = null;
});

const step = scenario();

test('a referral arrives, waits past its deadline, and is accepted', { timeout: 240_000 }, async (t) => {
  await step(t, 'a referral arrives for a new person, fifteen days ago', async () => {
    app = await newSession(APP);
    use(app);
    await openRecords();
    await control('Load sample data', { timeout: 20_000 }).catch(() => null); // not offered: records already
    await nav('Attendees');
    await press('New attendee');
    await heading('New attendee');
    await fill('Full name', PERSON);
    await press('Save attendee');
    await heading(PERSON);
    await press('Add referral');
    await choose('Referred by', 'GP link worker');
    await fill("Referrer's name", REFERRER);
    await fill('Organisation', SURGERY);
    await fill('Date received', RECEIVED);
    await press('Save referral');
    await noDialog();
  });

  await step(t, 'Today shows it awaiting a reply, overdue', async () => {
    await nav('Today');
    await app.waitForXPath("//h2[normalize-space(.)='Awaiting a reply']");
    const text = await entryText(PERSON);
    assert.match(text, /waiting 15 days/);
    assert.match(text, /Overdue: was due/);
    assert.match(text, new RegExp(`GP link worker: ${REFERRER}, ${SURGERY}`));
    await shot('10-awaiting-a-reply.png');
    await assertAccessible(app, 'Today, with referrals awaiting a reply');
  });

  await step(t, "the practice's referral settings, in their own window", async () => {
    await press('Referral settings');
    await app.waitForXPath("//dialog[@open]//h2[normalize-space(.)='Referral settings']");
    await app.waitForXPath("//dialog[@open]//option[normalize-space(.)='ONS4 personal wellbeing']");
    await shot('10-referral-settings.png');
    await assertAccessible(app, 'the referral settings');
    await press('Cancel');
    await noDialog();
  });

  await step(t, 'the therapist accepts it, with a note for the referrer', async () => {
    await press(`Accept the referral for ${PERSON}`);
    await app.waitForXPath(`//dialog[@open]//h2[normalize-space(.)=${xpathLiteral(`Accept the referral for ${PERSON}`)}]`);
    await fill('Date accepted', TODAY);
    await fill('Note for the referrer', NOTE);
    await shot('10-accept.png');
    await assertAccessible(app, 'accepting a referral');
    await press('Accept the referral');
    await noDialog();
    await app.waitFor(
      async () =>
        (
          await app.findElements(
            'xpath',
            `//section[@aria-labelledby='awaiting-title']//a[normalize-space(.)=${xpathLiteral(PERSON)}]`,
          )
        ).length === 0,
      { message: `${PERSON} off the list` },
    );
  });

  await step(t, "the person's page keeps the answer, dated, in the referral's history", async () => {
    await nav('Attendees');
    await (await app.waitForXPath(`//main//a[normalize-space(.)=${xpathLiteral(PERSON)}]`)).click();
    await heading(PERSON);
    const history = await app.waitForXPath("//h4[normalize-space(.)='History']/following-sibling::ol[1]");
    await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [history]);
    const text = (await history.getText()).replace(/\s+/g, ' ');
    assert.match(text, /^Received on .+Accepted on .+: Starts at the Wednesday drop-in next week$/);
    await shot('10-history.png');
  });
});
