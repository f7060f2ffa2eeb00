// Outcomes and notes, end to end, in the real app: a therapist adds their
// profile, chooses the UCL wellbeing umbrella for their group, takes before
// and after scores for three people in today's session from the register's
// quick-entry grid (typing digits and Tab, as in the room), sees the group's
// change on the group page's chart, then signs the group note and amends it
// and sees the original and the amendment together.
//
// Run through tests/e2e/run.sh after 01-register.test.mjs (it uses that
// test's group, people and today's session).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { newSession, xpathLiteral } from './webdriver.mjs';
import { closeApp, control, fill, heading, nav, noDialog, press, scenario, use, openRecords } from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';

const GROUP = 'Tuesday Sing-along';
const THERAPIST = 'Sam Okafor';
const MEASURE = 'UCL positive wellbeing umbrella (generic)';
const SWEMWBS = 'SWEMWBS (Short Warwick-Edinburgh Mental Wellbeing Scale)';
const ITEMS = ['Active', 'Alert', 'Enthusiastic', 'Excited', 'Happy', 'Inspired'];
// Before and after, item by item, for each person; worked by hand:
// before means 2.0, 3.0, 2.5 -> group 2.5; after 3.5, 3.0, 3.5 -> group 3.333…
// change +0.83 points, +33.3 %; Margaret and Doreen improved, Arthur the same.
// The grid calls people as the register does, by their preferred names.
const SCORES = {
  Margaret: { before: [2, 2, 2, 2, 2, 2], after: [3, 4, 3, 4, 3, 4] },
  Arthur: { before: [3, 3, 3, 3, 3, 3], after: [3, 3, 3, 3, 3, 3] },
  Doreen: { before: [2, 3, 2, 3, 2, 3], after: [4, 3, 4, 3, 4, 3] },
};
const NOTE = 'Everyone sang Daisy Bell; Doreen led the second verse.';
const AMENDMENT = 'Arthur joined in with the chorus too.';
const REASON = 'Left out by mistake.';

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;

const shot = (name) => app.screenshot(join(ARTIFACTS, name));

async function scrollTo(el) {
  await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [el]);
}

async function cell(person, item, timing) {
  return app.waitForXPath(`//input[@aria-label=${xpathLiteral(`${person}, ${item}, ${timing}`)}]`, {
    message: `the ${timing} box for ${person}'s ${item}`,
  });
}

/** The status text of a person's row in the grid. */
async function rowText(person) {
  const row = await app.waitForXPath(`//*[@data-testid='score-row' and @aria-label=${xpathLiteral(person)}]`);
  return (await row.getText()).replace(/\s+/g, ' ');
}

async function chooseTiming(label) {
  const radio = await app.waitForXPath(
    `//fieldset[legend[normalize-space(.)='Answers taken']]//label[normalize-space(.)=${xpathLiteral(label)}]`,
  );
  await radio.click();
}

/** Types one person's answers like a therapist: a digit, Tab, a digit, Tab… */
async function typeRow(person, timing, values) {
  const first = await cell(person, ITEMS[0], timing);
  await scrollTo(first);
  await first.click();
  for (let i = 0; i < values.length; i++) {
    const box = await cell(person, ITEMS[i], timing);
    await box.sendKeys(String(values[i]));
    assert.equal(await box.getProperty('value'), String(values[i]));
    await box.sendKeys('\uE004'); // Tab
  }
}

before(() => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must point at the app (run tests/e2e/run.sh)');
});

after(async () => {
  await closeApp(app, join(ARTIFACTS, 'outcomes-failure.png'));
  app = null;
});

const step = scenario();

test('score a session before and after, see the change, sign and amend a note', { timeout: 240_000 }, async (t) => {
  await step(t, 'add the therapist who will sign', async () => {
    app = await newSession(APP);
    use(app);
    await openRecords();
    await control('Load sample data', { timeout: 20_000 }).catch(() => null); // not offered: 01 left data
    await nav('Therapists');
    await press('Add a therapist');
    await fill('Name', THERAPIST);
    await fill('HCPC registration number', 'as 12345');
    await press('Save');
    // The number is kept as HCPC writes it, and the first therapist is the one using Refrain.
    await app.waitForXPath(`//*[contains(normalize-space(.), 'AS12345')]`);
    await app.waitForXPath(
      `//nav[@aria-label='Main']//*[contains(normalize-space(.), ${xpathLiteral(`Using Refrain: ${THERAPIST}`)})]`,
      { message: 'the therapist shown as using Refrain' },
    );
  });

  await step(t, "choose the group's wellbeing measure", async () => {
    await nav('Groups');
    await press(GROUP);
    await heading(GROUP);
    await press('Choose measures');
    await press(`Add ${MEASURE}`);
    await press('Save measures');
    // Saved: the choice is listed, no longer being edited.
    await app.waitForXPath(
      `//ol[@aria-label='Measures this group uses']//span[normalize-space(.)=${xpathLiteral(MEASURE)}]`,
    );
    await control('Choose measures');
  });

  await step(t, 'three people are present at the session', async () => {
    await press('Open register', { startsWith: true });
    await heading(GROUP);
    // 01 left Doreen with apologies; today she came after all.
    const doreen = await app.waitForXPath(`//button[@aria-label='Present Doreen Walsh']`);
    await doreen.click();
    await app.waitFor(async () => (await doreen.getAttribute('aria-pressed')) === 'true', {
      message: 'Doreen marked present',
    });
    await app.waitForXPath("//h2[normalize-space(.)='Wellbeing before and after']");
    for (const person of Object.keys(SCORES)) await cell(person, ITEMS[0], 'before');
  });

  await step(t, 'type the before scores, digit and Tab', async () => {
    for (const [person, { before }] of Object.entries(SCORES)) await typeRow(person, 'before', before);
    for (const person of Object.keys(SCORES)) {
      await app.waitFor(async () => !(await rowText(person)).includes('Saving'), { message: `${person}'s row saved` });
    }
    assert.match(await rowText('Margaret'), /Score 2\.00/);
    assert.match(await rowText('Doreen'), /Score 2\.50/);
    await shot('outcomes-before.png');
  });

  await step(t, 'a half-typed row is kept as incomplete, not scored', async () => {
    await chooseTiming('After');
    const first = await cell('Margaret', ITEMS[0], 'after');
    await scrollTo(first);
    await first.click();
    await first.sendKeys('3');
    await first.sendKeys('\uE004');
    await app.waitFor(async () => /Incomplete: 1 of 6/.test(await rowText('Margaret')), {
      message: "Margaret's after row shown as incomplete",
    });
  });

  await step(t, 'type the after scores', async () => {
    for (const [person, { after }] of Object.entries(SCORES)) {
      const values = person === 'Margaret' ? after.slice(1) : after;
      if (person === 'Margaret') {
        const second = await cell(person, ITEMS[1], 'after');
        await scrollTo(second);
        await second.click();
        for (let i = 1; i < ITEMS.length; i++) {
          const box = await cell(person, ITEMS[i], 'after');
          await box.sendKeys(String(values[i - 1]));
          await box.sendKeys('\uE004');
        }
      } else {
        await typeRow(person, 'after', values);
      }
    }
    for (const person of Object.keys(SCORES)) {
      await app.waitFor(async () => /Score \d\.\d\d/.test(await rowText(person)), { message: `${person}'s after score` });
    }
    assert.match(await rowText('Margaret'), /Score 3\.50/);
    assert.match(await rowText('Arthur'), /Score 3\.00/);
    await shot('outcomes-after.png');
  });

  await step(t, "the group page shows the group's change, in a chart and in numbers", async () => {
    await app.executeScript("document.querySelector('.main-scroll')?.scrollTo(0, 0);");
    const link = await app.waitForXPath(`//a[normalize-space(.)=${xpathLiteral(GROUP)}]`);
    await link.click();
    await heading(GROUP);
    const block = await app.waitForXPath(
      "//*[@data-testid='outcome-summary' and contains(@aria-label, 'rated by the person')]",
      { message: 'the self-rated summary', timeout: 15_000 },
    );
    await scrollTo(block);
    const overall = await block.findElements('xpath', ".//tr[th[normalize-space(.)='Overall']]/td");
    const cells = [];
    for (const c of overall) cells.push((await c.getText()).trim());
    assert.deepEqual(cells.slice(0, 2), ['2.50', '3.33'], `overall before and after, got ${cells}`);
    assert.match(cells[2], /\+0\.83/);
    assert.match(cells[3], /\+33\.3\s*%/);
    const counts = (await block.getText()).replace(/\s+/g, ' ');
    assert.match(counts, /Counted: 3 before-and-after pairs with complete answers, from 3 people/);
    assert.match(counts, /2 improved, 1 stayed the same and 0 fell/);

    // The chart was really drawn: its canvas holds painted pixels.
    const canvas = (await block.findElements('xpath', './/canvas'))[0];
    assert.ok(canvas, 'a chart canvas');
    await app.waitFor(
      async () =>
        (await app.executeScript(
          `const c = arguments[0]; const ctx = c.getContext('2d');
           if (!c.width || !c.height) return 0;
           const d = ctx.getImageData(0, 0, c.width, c.height).data;
           let painted = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted++;
           return painted;`,
          [canvas],
        )) > 500,
      { message: 'the bar chart to be drawn' },
    );
    await shot('outcomes-group-chart.png');
  });

  await step(t, 'write the group note and sign it', async () => {
    await press('Open register', { startsWith: true });
    await heading(GROUP);
    const note = await app.waitForXPath("//textarea[@id=//label[normalize-space(.)='Group note']/@for]");
    await scrollTo(note);
    await note.clear();
    await note.sendKeys(NOTE);
    await app.waitForXPath("//*[@role='status' and normalize-space(.)='Saved']", { message: 'the note saved' });
    await press('Sign note');
    await press('Yes, sign it');
    await noDialog();
    const signature = await app.waitForXPath(
      `//p[contains(@class,'note-signature') and starts-with(normalize-space(.), ${xpathLiteral(`Signed by ${THERAPIST}`)})]`,
    );
    assert.match(await signature.getText(), /AS12345/);
    // Signed: no box to type in any more.
    assert.equal((await app.findElements('xpath', "//label[normalize-space(.)='Group note']")).length, 0);
  });

  await step(t, 'amend the signed note and see the original and the amendment', async () => {
    await press('Add amendment');
    await fill('Amendment', AMENDMENT);
    await fill('Reason for the amendment', REASON);
    await press('Save amendment');
    const amendment = await app.waitForXPath(`//li[contains(@class,'note-amendment')][.//p[normalize-space(.)=${xpathLiteral(AMENDMENT)}]]`);
    assert.match(await amendment.getText(), new RegExp(`Reason: ${REASON.replace('.', '\\.')}`));
    assert.match(await amendment.getText(), new RegExp(`Added by ${THERAPIST}`));
    await app.waitForXPath(`//*[contains(@class,'note-original')]//p[normalize-space(.)=${xpathLiteral(NOTE)}]`);
    await scrollTo(amendment);
    await shot('notes-amended.png');
  });

  await step(t, "SWEMWBS at intake from Margaret's page, with its metric score", async () => {
    await nav('Attendees');
    await press('Margaret Ellis');
    await heading('Margaret Ellis');
    await press('Record ONS4 or SWEMWBS');
    const dialog = '//dialog[@open]';
    const pick = async (xp) => (await app.waitForXPath(dialog + xp)).click();
    await pick(`//label[normalize-space(.)=${xpathLiteral(SWEMWBS)}]`);
    await pick("//label[normalize-space(.)='Intake']");
    // Seven statements, each answered 3 ("Some of the time"): raw 21, metric 19.25.
    const questions = await app.findElements('xpath', `${dialog}//fieldset[contains(@class,'scale-question')]`);
    assert.equal(questions.length, 7, 'the seven SWEMWBS statements');
    for (const q of questions) {
      const [three] = await q.findElements('xpath', ".//label[.//span[@class='scale-value' and normalize-space(.)='3']]");
      await three.click();
    }
    await app.waitForXPath(`${dialog}//*[@role='status' and normalize-space(.)='7 of 7 answered.']`);
    await shot('outcomes-intake-form.png');
    await press('Save answers');
    await noDialog();
    const block = await app.waitForXPath(
      `//*[contains(@class,'outcome-block')][.//h3[normalize-space(.)=${xpathLiteral(SWEMWBS)}]]`,
    );
    await scrollTo(block);
    const text = (await block.getText()).replace(/\s+/g, ' ');
    assert.match(text, /Intake/);
    assert.match(text, /21/);
    assert.match(text, /19\.25/);
    await shot('outcomes-person.png');
  });

  await step(t, 'the note is found by a word in its amendment', async () => {
    await nav('Notes');
    await fill('Find in notes', 'chorus');
    const hit = await app.waitForXPath(`//mark[normalize-space(.)='chorus']`, { message: 'the word highlighted in a result' });
    assert.ok(hit);
    await shot('notes-search.png');
  });

  await step(t, 'the measures page lists the published measures', async () => {
    await nav('Measures');
    for (const name of [MEASURE, SWEMWBS, 'ONS4 personal wellbeing', 'MiDAS (Music in Dementia Assessment Scales)']) {
      await app.waitForXPath(`//*[self::h2 or self::h3][normalize-space(.)=${xpathLiteral(name)}]`, { message: name });
    }
    await press('Make your own measure');
    await shot('measures-own.png');
  });
});
