// The register, end to end, in the real app: a therapist sets up a group with
// three people, takes the register for today's session, writes the group note,
// closes Refrain, opens it again and finds everything as they left it.
//
// Run through tests/e2e/run.sh, which starts Xvfb and tauri-driver and gives
// the app a fresh, empty data folder (REFRAIN_DATA_DIR).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newSession, byName, xpathLiteral } from './webdriver.mjs';
import { choose, closeApp, control, field, fill, heading, nav, noDialog, press, scenario, scripted, use, openRecords } from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const DATA_DIR = process.env.REFRAIN_DATA_DIR;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';

const GROUP = 'Tuesday Sing-along';
const PEOPLE = ['Margaret Ellis', 'Arthur Bennett', 'Doreen Walsh'];
const NOTE = 'We sang Daisy Bell.';
const DB = join(DATA_DIR ?? '', 'refrain.db');

// Today by the test's clock, as the app reckons it (local time).
const now = new Date();
const pad = (n) => String(n).padStart(2, '0');
const TODAY = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;

const shot = (name) => app.screenshot(join(ARTIFACTS, name));

async function markButton(mark, person) {
  return app.waitForXPath(`//button[@aria-label=${xpathLiteral(`${mark} ${person}`)}]`);
}

async function waitPressed(mark, person) {
  const b = await markButton(mark, person);
  await app.waitFor(async () => (await b.getAttribute('aria-pressed')) === 'true', {
    message: `${mark} ${person} to be pressed`,
  });
}

/** The marks that are pressed on the register, as "Mark Person" strings. */
async function pressedMarks() {
  const pressed = await app.findElements(
    'xpath',
    "//*[@data-testid='register-row']//button[@aria-pressed='true']",
  );
  const labels = [];
  for (const b of pressed) {
    const l = await b.getAttribute('aria-label');
    if (!l.startsWith('Carer came')) labels.push(l);
  }
  return labels.sort();
}

/** For the screenshots: put away the "Saved"/"added" notices and scroll to the top. */
async function showRegister() {
  for (const b of await app.findElements('xpath', "//*[@role='status']//button[normalize-space(.)='Dismiss']")) {
    await b.click();
  }
  await app.executeScript("document.querySelector('.main-scroll')?.scrollTo(0, 0);");
}

async function showNote() {
  const note = await field('Group note');
  await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [note]);
}

async function registerRows() {
  const rows = await app.findElements('xpath', "//*[@data-testid='register-row']");
  const names = [];
  for (const r of rows) names.push(await r.getAttribute('aria-label'));
  return names.sort();
}

// ---- Set-up and tear-down ------------------------------------------------

before(() => {
  assert.ok(APP, 'REFRAIN_APP_BIN must be set (run tests/e2e/run.sh)');
  assert.ok(DATA_DIR, 'REFRAIN_DATA_DIR must be set (run tests/e2e/run.sh)');
  assert.ok(existsSync(APP), `no app binary at ${APP}`);
});

after(async () => {
  if (scripted.size > 0) console.log(`# typing or clicking did not work in ${[...scripted].join(', ')}; set by script`);
  await closeApp(app, join(ARTIFACTS, 'failure.png'));
  app = null;
});

// ---- The scenario --------------------------------------------------------

const step = scenario();

test('take the register, close Refrain, and find it all again', { timeout: 180_000 }, async (t) => {
  await step(t, 'first run: a passphrase, the recovery key, then the empty state', async () => {
    assert.ok(!existsSync(DB), `the data folder should start empty, but ${DB} exists`);
    app = await newSession(APP);
    use(app);
    await openRecords({ shot });
    await control('Create a group', { timeout: 20_000 });
    await control('Load sample data');
    // The app made its store in the folder it was given, not the user's own.
    await app.waitFor(() => existsSync(DB), { message: `the store at ${DB}` });
    await shot('01-first-run.png');
  });

  await step(t, 'create the group', async () => {
    await press('Create a group');
    await heading('New group');
    await fill('Group name', GROUP);
    await fill('Description', 'Songs from the shows and the music halls.');
    await choose('Usual day', 'Tuesday');
    await fill('Start time', '10:30');
    await fill('End time', '12:00');
    await fill('Facilitators', 'Sam and Priya');
    await shot('02-group-form.png');
    await press('Save group');
    await heading(GROUP);
  });

  await step(t, 'add three attendees', async () => {
    for (const person of PEOPLE) {
      await nav('Attendees');
      await press('New attendee');
      await heading('New attendee');
      await fill('Full name', person);
      await fill('Preferred name', person.split(' ')[0]);
      await press('Save attendee');
      await heading(person);
    }
    await nav('Attendees');
    for (const person of PEOPLE) await app.waitForXPath(`//a[normalize-space(.)=${xpathLiteral(person)}]`);
    await shot('03-attendees.png');
  });

  await step(t, 'add them to the group', async () => {
    await nav('Groups');
    await press(GROUP);
    await heading(GROUP);
    for (const person of PEOPLE) {
      await press('Add member');
      const surname = person.split(' ')[1];
      await fill('Find a person', surname);
      // Let the search finish first: clicking while the list is still shrinking
      // can land on the wrong spot. Count every person listed, not only those
      // with an Add button: people already in the group are listed without one,
      // so the last person is the only one "offered" before the search is done.
      await app.waitFor(
        async () => {
          // Each offer is a button named by its own words: "Add <name> ...".
          const offered = [];
          for (const b of await app.findElements('xpath', "//dialog[@open]//ul[contains(@class, 'picker-list')]/li/button")) {
            offered.push(await app.executeScript('return arguments[0].textContent.replace(/\\s+/g, " ").trim();', [b]));
          }
          const listed = await app.findElements('xpath', "//dialog[@open]//ul[contains(@class, 'picker-list')]/li");
          return listed.length === 1 && offered.length === 1 && offered[0].startsWith(`Add ${person}`);
        },
        { message: `the search for ${surname} to offer only ${person}` },
      );
      await press(`Add ${person}`, { startsWith: true });
      await noDialog();
      await app.waitForXPath(`//a[normalize-space(.)=${xpathLiteral(person)}]`);
    }
    await app.waitForXPath("//h2[starts-with(normalize-space(.), 'Members (3')]");
    await shot('04-members.png');
  });

  await step(t, "plan today's session and open its register", async () => {
    await press('New session');
    await fill('Date', TODAY);
    await fill('Start time', '10:30');
    await fill('End time', '12:00');
    await press('Create session');
    await noDialog();
    await shot('05-session.png');
    await press('Open register', { startsWith: true });
    await heading(GROUP);
    await app.waitFor(async () => (await registerRows()).length === 3, { message: 'three people on the register' });
    assert.deepEqual(await registerRows(), [...PEOPLE].sort());
  });

  await step(t, 'mark attendance by mouse and keyboard', async () => {
    // Margaret: a click.
    await (await markButton('Present', 'Margaret Ellis')).click();
    await waitPressed('Present', 'Margaret Ellis');

    // Arthur: focus his row and press L, as a therapist would with the keyboard.
    const arthur = await app.waitForXPath(`//*[@data-testid='register-row' and @aria-label='Arthur Bennett']`);
    await app.executeScript('arguments[0].focus()', [arthur]);
    await app.keys('l');
    await waitPressed('Late', 'Arthur Bennett');

    // Doreen: a click.
    await (await markButton('Apologies', 'Doreen Walsh')).click();
    await waitPressed('Apologies', 'Doreen Walsh');

    assert.deepEqual(await pressedMarks(), ['Apologies Doreen Walsh', 'Late Arthur Bennett', 'Present Margaret Ellis']);
  });

  await step(t, 'write the group note', async () => {
    const note = await fill('Group note', NOTE);
    await press('Save note');
    await app.waitForXPath("//*[@role='status' and normalize-space(.)='Saved']", { message: 'the note to say Saved' });
    assert.equal(await note.getProperty('value'), NOTE);
    await showRegister();
    await shot('register.png');
    await showNote();
    await shot('register-note.png');
  });

  await step(t, 'close Refrain', async () => {
    await app.deleteSession();
    app = null;
    assert.ok(existsSync(DB), `the store should be at ${DB}`);
    assert.ok(statSync(DB).size > 0, 'the store should not be empty');
  });

  await step(t, 'open Refrain again and find everything', async () => {
    app = await newSession(APP);
    use(app);
    await openRecords();
    // Not the first-run welcome any more.
    await heading('This week');
    assert.equal((await app.findElements('xpath', byName('Create a group'))).length, 0);
    await nav('Groups');
    await press(GROUP);
    await heading(GROUP);
    for (const person of PEOPLE) await app.waitForXPath(`//a[normalize-space(.)=${xpathLiteral(person)}]`);
    await press('Open register', { startsWith: true });
    await heading(GROUP);
    await app.waitFor(async () => (await registerRows()).length === 3, { message: 'three people on the register' });
    assert.deepEqual(await registerRows(), [...PEOPLE].sort());
    await waitPressed('Present', 'Margaret Ellis');
    await waitPressed('Late', 'Arthur Bennett');
    await waitPressed('Apologies', 'Doreen Walsh');
    assert.deepEqual(await pressedMarks(), ['Apologies Doreen Walsh', 'Late Arthur Bennett', 'Present Margaret Ellis']);
    const note = await field('Group note');
    await app.waitFor(async () => (await note.getProperty('value')) === NOTE, { message: 'the saved note' });
    await showRegister();
    await shot('register-after-restart.png');
    await showNote();
    await shot('register-note-after-restart.png');
    await app.deleteSession();
    app = null;
  });
});
