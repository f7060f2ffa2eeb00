// Closing the loop with a link worker, end to end, in the real app: a
// referral from a GP link worker arrives for a new person, dated fifteen days
// ago; Today's "Awaiting a reply" shows it overdue; the therapist accepts it
// with a note for the referrer, and it leaves the list; the person's page
// keeps the answer. She comes to her first session; Today offers ONS4 at the
// start and it is taken; the referral is completed and her page offers ONS4
// at the end; the pairing shows the change. With her consent the message
// back is saved as a PDF (read back with pdftotext: the four headings) and as
// JSON (read back: the headings and the verified SNOMED CT codes). Her
// information needs (large print, an interpreter) are recorded and shown on
// her page and the register, and the message back is then printed with no
// word under 16 pt. The practice's groups are saved as an Open Referral UK
// listing, holding nothing about the people. Every new window is
// photographed and audited with axe-core.
//
// Run through tests/e2e/run.sh (alone: REFRAIN_E2E_ONLY=10).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { newSession, xpathLiteral } from './webdriver.mjs';
import { assertAccessible } from './axe.mjs';
import { choose, closeApp, control, fill, heading, nav, noDialog, openRecords, press, scenario, use } from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const EXPORTS = process.env.REFRAIN_EXPORTS_DIR;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';

const PERSON = 'Rosa Lindqvist';
const REFERRER = 'Chris Doyle';
const SURGERY = 'Mill Lane Surgery';
const NOTE = 'Starts at the Wednesday drop-in next week';
const GROUP = 'Wednesday Welcome Songs';
const MEASURE = 'ONS4 personal wellbeing';
const QUESTIONS = ['satisfied', 'worthwhile', 'happy', 'anxious'];
const START = [4, 5, 3, 7];
const END = [7, 7, 6, 3];

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

/** Answer the open ONS4 window, question by question, as a person would. */
async function answerOns4(values) {
  for (let i = 0; i < QUESTIONS.length; i++) {
    const option = await app.waitForXPath(
      `//dialog[@open]//fieldset[contains(legend, ${xpathLiteral(QUESTIONS[i])})]` +
        `//label[.//span[contains(@class, 'scale-value') and normalize-space(.)=${xpathLiteral(String(values[i]))}]]`,
      { message: `the answer ${values[i]} to "${QUESTIONS[i]}"` },
    );
    await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [option]);
    await option.click();
  }
  await app.waitForXPath(`//dialog[@open]//*[@role='status' and normalize-space(.)='4 of 4 answered.']`);
}

/** Save a report from the open page, and the new file's path. */
async function saveReport(button, prefix, ext) {
  const before = new Set(existsSync(EXPORTS) ? readdirSync(EXPORTS) : []);
  await press(button);
  let name = null;
  await app.waitFor(
    () => {
      if (!existsSync(EXPORTS)) return false;
      name = readdirSync(EXPORTS).find((f) => !before.has(f) && f.startsWith(prefix) && f.endsWith(ext)) ?? null;
      return name !== null;
    },
    { timeout: 30_000, message: `${prefix}…${ext} in the reports folder` },
  );
  return join(EXPORTS, name);
}

before(() => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must point at the app (run tests/e2e/run.sh)');
  assert.ok(EXPORTS, 'REFRAIN_EXPORTS_DIR must be set (run tests/e2e/run.sh)');
});

after(async () => {
  await closeApp(app, join(ARTIFACTS, 'referrals-failure.png'));
  app = null;
});

const step = scenario();

test('a referral arrives, waits, is accepted, is measured at the start and the end, and the message back is saved', { timeout: 420_000 }, async (t) => {
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

  await step(t, 'she comes to her first session', async () => {
    await nav('Groups');
    await press('New group');
    await heading('New group');
    await fill('Group name', GROUP);
    await press('Save group');
    await heading(GROUP);
    await press('Add member');
    await fill('Find a person', 'Lindqvist');
    // Let the search finish first (as 01 does): a click while the list is
    // still shrinking can land on the wrong spot.
    await app.waitFor(
      async () => {
        const listed = await app.findElements('xpath', "//dialog[@open]//ul[contains(@class, 'picker-list')]/li");
        const offered = await app.findElements('xpath', "//dialog[@open]//ul[contains(@class, 'picker-list')]/li/button");
        if (listed.length !== 1 || offered.length !== 1) return false;
        const words = await app.executeScript('return arguments[0].textContent.replace(/\\s+/g, " ").trim();', [offered[0]]);
        return words.startsWith(`Add ${PERSON}`);
      },
      { message: `the search to offer only ${PERSON}` },
    );
    await press(`Add ${PERSON}`, { startsWith: true });
    await noDialog();
    await press('New session');
    await fill('Date', TODAY);
    await fill('Start time', '13:30');
    await fill('End time', '15:00');
    await press('Create session');
    await noDialog();
    await press('Open register', { startsWith: true });
    await heading(GROUP);
    const present = await app.waitForXPath(`//button[@aria-label=${xpathLiteral(`Present ${PERSON}`)}]`);
    // Her first session: the register itself offers her start measure.
    await app.waitForXPath(
      `//li[@data-testid='register-row'][@aria-label=${xpathLiteral(PERSON)}]//button[starts-with(@aria-label, 'Start measure due:') and contains(@aria-label, ${xpathLiteral(`, for ${PERSON}.`)})]`,
      { message: 'the start measure offered beside her on the register' },
    );
    await shot('10-register-start-measure.png');
    await present.click();
    await app.waitFor(async () => (await present.getAttribute('aria-pressed')) === 'true', { message: 'marked present' });
  });

  await step(t, 'Today offers ONS4 at the start, and it is taken', async () => {
    await nav('Today');
    const take = `Take ${MEASURE} at the start for ${PERSON}`;
    const button = await app.waitForXPath(`//button[@aria-label=${xpathLiteral(take)}]`, { message: take });
    await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [button]);
    await shot('10-measures-due.png');
    await assertAccessible(app, 'Today, with a start measure due');
    await button.click();
    await app.waitForXPath(
      `//dialog[@open]//h2[normalize-space(.)=${xpathLiteral(`${MEASURE} at the start for ${PERSON}`)}]`,
    );
    await answerOns4(START);
    await shot('10-ons4-start.png');
    await assertAccessible(app, 'taking ONS4 at the start of a referral');
    await press('Save answers');
    await noDialog();
  });

  await step(t, 'the referral is completed, and ONS4 at the end is offered there and then', async () => {
    await nav('Attendees');
    await (await app.waitForXPath(`//main//a[normalize-space(.)=${xpathLiteral(PERSON)}]`)).click();
    await heading(PERSON);
    await press('Change status of the referral received', { startsWith: true });
    await choose('New status', 'Completed');
    await press('Save status');
    // Ended: the end measure opens at once, "at the end" already chosen.
    await app.waitForXPath(`//dialog[@open]//h2[normalize-space(.)=${xpathLiteral(`${MEASURE} at the end for ${PERSON}`)}]`);
    await answerOns4(END);
    await press('Save answers');
    await noDialog();
    const table = await app.waitForXPath(`//table[caption[contains(., ${xpathLiteral(`${MEASURE} at the start and the end`)})]]`);
    await app.waitFor(async () => (await table.getText()).includes('+3 (better)'), { message: 'the change, paired' });
    const text = (await table.getText()).replace(/\s+/g, ' ');
    assert.match(text, /−4 \(better\)/, 'less anxious is better');
    await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [table]);
    await shot('10-start-and-end.png');
    await assertAccessible(app, "a person's page with a referral measured at the start and the end");
  });

  await step(t, 'with her consent, the message back is saved as a PDF and as JSON', async () => {
    await press('Edit record');
    await (await app.waitForXPath("//label[normalize-space(.)='Consent to share outcomes with the referrer']")).click();
    await press('Save attendee');
    await fill('Your summary for the referrer', 'Rosa has settled in and sings with the group.');
    const pdfFile = await saveReport('Save PDF of the feedback', 'Feedback', '.pdf');
    const pdf = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    const headings = ['The person', 'Needs and concerns', 'Support offered', 'Outcomes', 'SNOMED CT codes'];
    const lines = pdf.split('\n').map((l) => l.trim());
    const at = headings.map((h) => lines.indexOf(h));
    assert.ok(at.every((i, n) => i >= 0 && (n === 0 || i > at[n - 1])), `the four headings in order, then the codes:\n${pdf}`);
    for (const want of [PERSON, `${REFERRER}, ${SURGERY}`, NOTE, '+3 (better)', 'Rosa has settled in', '871731000000106']) {
      assert.ok(pdf.replace(/\s+/g, ' ').includes(want), `${want} in the PDF:\n${pdf}`);
    }
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', pdfFile, join(ARTIFACTS, '10-message-back-pdf')]);

    const jsonFile = await saveReport('Save JSON of the feedback', 'Feedback', '.json');
    const json = JSON.parse(readFileSync(jsonFile, 'utf8'));
    assert.equal(json.person.name, PERSON);
    assert.equal(json.needsAndConcerns.referralReceivedOn, RECEIVED);
    assert.equal(json.supportOffered.answer.status, 'accepted');
    assert.equal(json.supportOffered.answer.note, NOTE);
    assert.equal(json.supportOffered.sessionsAttended, 1);
    assert.deepEqual(
      json.outcomes.startAndEnd.lines.map((l) => [l.start, l.end]),
      START.map((v, i) => [v, END[i]]),
    );
    assert.deepEqual(
      json.codes.map((c) => [c.heading, c.code]),
      [
        ['needsAndConcerns', '871731000000106'],
        ['supportOffered', '302257006'],
      ],
    );
    await shot('10-message-back-saved.png');
  });

  await step(t, 'her information needs: large print and an interpreter, on her page and the register', async () => {
    await press('Edit record');
    await (await app.waitForXPath("//label[normalize-space(.)='Large print']")).click();
    await (await app.waitForXPath("//label[normalize-space(.)='Interpreter']")).click();
    await fill("Interpreter's language", 'Swedish');
    await shot('10-information-needs-form.png');
    await assertAccessible(app, "a person's information needs, being recorded");
    await press('Save attendee');
    const sign = await app.waitForXPath(`//ul[@aria-label=${xpathLiteral(`Information needs of ${PERSON}`)}]`);
    const signs = await app.findElements('xpath', `//ul[@aria-label=${xpathLiteral(`Information needs of ${PERSON}`)}]/li`);
    assert.deepEqual(await Promise.all(signs.map((li) => li.getText())), ['Large print', 'Interpreter: Swedish']);
    await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [sign]);
    await shot('10-information-needs-page.png');
    await assertAccessible(app, "a person's page with information needs");

    await nav('Groups');
    await (await app.waitForXPath(`//main//a[normalize-space(.)=${xpathLiteral(GROUP)}]`)).click();
    await heading(GROUP);
    await press('Open register', { startsWith: true });
    const row = await app.waitForXPath(`//li[@data-testid='register-row' and @aria-label=${xpathLiteral(PERSON)}]`);
    await app.waitFor(async () => (await row.getText()).includes('Interpreter: Swedish'), { message: 'the sign on the register' });
    assert.match((await row.getText()).replace(/\s+/g, ' '), /Large print/);
    await shot('10-information-needs-register.png');
    await assertAccessible(app, 'the register with a person who needs large print');
  });

  await step(t, 'the message back for her is printed large: no word under 16 pt', async () => {
    await nav('Attendees');
    await (await app.waitForXPath(`//main//a[normalize-space(.)=${xpathLiteral(PERSON)}]`)).click();
    await heading(PERSON);
    await fill('Your summary for the referrer', 'Rosa has settled in and sings with the group.');
    const pdfFile = await saveReport('Save PDF of the feedback', 'Feedback', '.pdf');
    // pdftotext's word boxes are as tall as each font's ascent and descent:
    // a little more than the size in points.
    const boxes = execFileSync('pdftotext', ['-bbox', pdfFile, '-'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim().startsWith('<word '))
      .map((l) => {
        const attr = (n) => Number(l.match(new RegExp(`${n}="([0-9.]+)"`))[1]);
        return attr('yMax') - attr('yMin');
      });
    assert.ok(boxes.length > 50, `words read back: ${boxes.length}`);
    // (To a hundredth of a point: the boxes are computed in floating point.)
    assert.ok(Math.min(...boxes) >= 15.99, `the smallest word is ${Math.min(...boxes)} pt tall`);
    const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    assert.ok(text.includes('Large print, Interpreter: Swedish'), `her needs named in the message back:\n${text}`);
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', pdfFile, join(ARTIFACTS, '10-message-back-large-print')]);
  });

  await step(t, "the practice's groups saved as an Open Referral UK listing, with nothing about the people", async () => {
    await nav('Reports');
    await heading('Reports');
    await fill('Practice name', 'Hall Lane Music');
    await fill('Website', 'not a website');
    await press("Save the practice's details");
    await app.waitForXPath("//p[contains(@class, 'field-error') and contains(., 'website address')]", {
      message: "the core's word beside the website",
    });
    await fill('Website', 'example.org');
    await fill('Email', 'groups@example.org');
    await press("Save the practice's details");
    const gaps = await app.waitForXPath("//div[@data-testid='directory-gaps']");
    assert.match((await gaps.getText()).replace(/\s+/g, ' '), new RegExp(`${GROUP} has no venue`));
    await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [gaps]);
    await shot('10-directory-listing.png');
    await assertAccessible(app, 'Reports, with the directory listing');
    const file = await saveReport('Save JSON of the directory listing', 'Open Referral UK listing', '.json');
    const raw = readFileSync(file, 'utf8');
    const services = JSON.parse(raw);
    const names = services.map((s) => s.name);
    assert.ok(names.includes(GROUP), `${GROUP} listed: ${names}`);
    for (const s of services) {
      for (const field of ['id', 'name', 'status']) assert.ok(s[field], `${s.name}: ${field}`);
      for (const field of ['id', 'name', 'description']) assert.ok(s.organization[field], `organization ${field}`);
      assert.equal(s.url, 'https://example.org/');
    }
    for (const privateWord of [PERSON, REFERRER, 'Swedish']) {
      assert.ok(!raw.includes(privateWord), `${privateWord} is not in the listing`);
    }
  });
});
