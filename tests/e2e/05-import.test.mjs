// Importing people from a spreadsheet, end to end, in the real app: the
// therapist chooses a CSV file in the system's own file window (driven here
// with xdotool, as a person would type a path into it), sees every problem
// with its row and column, imports the ready rows and skips the bad one, and
// finds the new people on the Attendees screen. The preview and the outcome
// pass an axe-core audit (axe.mjs; 08-accessibility audits the other screens).
//
// Run through tests/e2e/run.sh after the earlier scenarios.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { newSession } from './webdriver.mjs';
import { assertAccessible } from './axe.mjs';
import { IMPORTED, chooseInFileWindow, closeApp, control, heading, nav, openRecords, press, scenario, use } from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const DATA_DIR = process.env.REFRAIN_DATA_DIR;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;
const shot = (name) => app.screenshot(join(ARTIFACTS, name));

before(() => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must point at the app (run tests/e2e/run.sh)');
  assert.ok(DATA_DIR, 'REFRAIN_DATA_DIR must be set (run tests/e2e/run.sh)');
});

after(async () => {
  await closeApp(app, join(ARTIFACTS, 'import-failure.png'));
  app = null;
});

/** The spreadsheet, beside the data folder (not in it). */
function writeSpreadsheet() {
  const dir = join(dirname(DATA_DIR), 'spreadsheets');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'New referrals.csv');
  writeFileSync(
    file,
    [
      'Name,DOB,Phone,Referred by,Referral date',
      `${IMPORTED[0]},14/03/1946,07700 900123,GP link worker,02/11/2026`,
      'Cyril Nobody,31/02/1950,,,',
      `${IMPORTED[1]},1 Feb 1939,,Memory clinic,05/11/2026`,
      '',
    ].join('\r\n'),
  );
  return file;
}

const step = scenario();

test('import people from a spreadsheet, skipping the row with a problem', { timeout: 180_000 }, async (t) => {
  const file = writeSpreadsheet();

  await step(t, 'choose the spreadsheet in the system’s file window', async () => {
    app = await newSession(APP);
    use(app);
    await openRecords();
    await nav('Attendees');
    await press('Import from a spreadsheet…');
    await heading('Import people from a spreadsheet');
    await press('Choose a spreadsheet…');
    await chooseInFileWindow(app, 'Choose the spreadsheet of people', file, join(ARTIFACTS, '05-import-file-window.png'));
    const name = await app.waitForXPath("//*[@data-testid='import-file-name']", {
      timeout: 20_000,
      message: 'the file to be read',
    });
    assert.equal((await name.getText()).trim(), 'New referrals.csv');
  });

  await step(t, 'the problem is named by its row and column, and blocks a full import', async () => {
    const problem = await app.waitForXPath(
      "//tr[@data-testid='import-problem'][contains(., '31/02/1950')]",
      { message: 'the bad date in the list of problems' },
    );
    const [row, column] = await problem.findElements('xpath', './td');
    assert.equal((await row.getText()).trim(), '3', 'the row as the spreadsheet numbers it');
    assert.equal((await column.getText()).trim(), 'B (DOB)', 'the column, by letter and heading');
    const all = await control('Import 2 people', { startsWith: true }).catch(() => null);
    if (all) assert.equal(await all.getProperty('disabled'), true, 'a full import waits for the file to be clean');
    await app.executeScript('arguments[0].scrollIntoView({ block: "center" })', [problem]);
    await shot('05-import-preview.png');
    await assertAccessible(app, 'Import people: the preview, with a problem');
  });

  await step(t, 'leave out the bad row and import the rest', async () => {
    await (await app.waitForXPath("//label[starts-with(normalize-space(.), 'Leave out the')]")).click();
    await press('Import the 2 ready rows and skip the rest');
    const done = await app.waitForXPath("//h2[normalize-space(.)='Import finished']", {
      timeout: 30_000,
      message: 'the import to finish',
    });
    const [card] = await done.findElements('xpath', './..');
    const text = await card.getText();
    assert.match(text, /2 people added/);
    assert.match(text, /2 referrals/);
    assert.match(text, /1 row/);
    await shot('05-import-done.png');
    await assertAccessible(app, 'Import people: finished');
  });

  await step(t, 'the new people are on the Attendees screen, the skipped one is not', async () => {
    await press('Back to Attendees');
    await heading('Attendees');
    for (const name of IMPORTED) await app.waitForXPath(`//a[normalize-space(.)='${name}']`, { message: name });
    const nobody = await app.findElements('xpath', "//a[normalize-space(.)='Cyril Nobody']");
    assert.equal(nobody.length, 0, 'nothing from the row with a problem');
  });
});
