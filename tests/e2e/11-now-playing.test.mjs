// Now playing and the words for singing along, end to end in the real window.
// A therapist gives two songs their words (one with its rights not known
// yet), finds the group's song book and its words held back until they say
// who holds the rights, saves the large-print song book, steps through the
// words a verse at a time with one key, and opens Now playing for the room:
// the song alone, very large, locked against taps and stray keys, left with
// the key combination they were shown. Each new screen is photographed and
// audited with axe-core (Now playing and the words also at 7:1, AAA's
// 'color-contrast-enhanced').
//
// Run through tests/e2e/run.sh (REFRAIN_E2E_ONLY=11-now-playing runs it alone
// on a fresh data folder; after 01 it uses the sample data already there).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { newSession, xpathLiteral } from './webdriver.mjs';
import { audit, assertAccessible, describe } from './axe.mjs';
import { closeApp, control, field, fill, heading, nav, noDialog, openRecords, press, scenario, use } from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';

const GROUP = 'Thursday Singing for the Brain';
const SETLIST = 'Thursday warm-ups and favourites';
const DAISY = 'Daisy Bell (A Bicycle Built for Two)';
const TIPPERARY = "It's a Long Way to Tipperary";
const DAISY_WORDS = [
  "There is a flower within my heart,\nDaisy, Daisy!\nPlanted one day by a glancing dart,\nPlanted by Daisy Bell!",
  "Daisy, Daisy, give me your answer, do!\nI'm half crazy, all for the love of you!",
].join('\n\n');
const TIPPERARY_WORDS = [
  'Up to mighty London came an Irishman one day,\nAs the streets are paved with gold, sure, everyone was gay.',
  "It's a long way to Tipperary,\nIt's a long way to go.",
].join('\n\n');

// W3C WebDriver key code points.
const K = {
  Control: '\uE009',
  Shift: '\uE008',
  Alt: '\uE00A',
  Escape: '\uE00C',
  Enter: '\uE007',
  ArrowLeft: '\uE012',
  ArrowRight: '\uE014',
  F5: '\uE035',
};

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;

const shot = (name) => app.screenshot(join(ARTIFACTS, name));

/** Presses keys together (held down in order, let go in reverse), as a chord. */
async function chord(...keys) {
  const actions = [
    ...keys.map((value) => ({ type: 'keyDown', value })),
    ...[...keys].reverse().map((value) => ({ type: 'keyUp', value })),
  ];
  await app.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
  await app.cmd('DELETE', '/actions');
}

/** Also at 7:1, for a screen made for people who may see less. */
async function assertHighContrast(screen) {
  const violations = await audit(app, { rules: ['color-contrast-enhanced'] });
  assert.equal(violations.length, 0, `${screen} below 7:1:\n${describe(violations)}`);
}

const onNowPlaying = async () =>
  app.executeScript(`return !!document.querySelector('[data-testid="now-playing"]') && !document.querySelector('nav');`);
const shownTitle = async () =>
  app.executeScript(`return document.querySelector('[data-testid="now-playing-title"]')?.textContent.trim() ?? '';`);
const words = async () =>
  app.executeScript(
    `return [document.querySelector('[data-testid="words-title"]')?.textContent.trim() ?? '',
             document.querySelector('[data-testid="words-verse"]')?.textContent.trim() ?? '',
             document.querySelector('[data-testid="words-where"]')?.textContent.replace(/\\s+/g, ' ').trim() ?? ''];`,
  );

/** Keeps words in a song's "Words" form (the rights as chosen). */
async function giveWords(title, text, rights, credit) {
  await press(`Words of ${title}`);
  const box = await field('Words');
  await app.executeScript(
    `const el = arguments[0];
     el.focus();
     const set = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set;
     set.call(el, arguments[1]);
     el.dispatchEvent(new Event('input', { bubbles: true }));`,
    [box, text],
  );
  await (await field(rights)).click();
  await fill('Credit (optional)', credit);
}

before(() => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must name the built app (run tests/e2e/run.sh)');
});

after(async () => {
  await closeApp(app, join(ARTIFACTS, 'now-playing-failure.png'));
  app = null;
});

const step = scenario();

test('the words for a sing-along, and Now playing for the person', { timeout: 300_000 }, async (t) => {
  await step(t, 'open the records, with the sample group, setlist and music', async () => {
    app = await newSession(APP);
    use(app);
    await openRecords();
    const sample = await control('Load sample data', { timeout: 15_000 }).catch(() => null);
    if (sample) {
      await sample.click();
      await app.waitForXPath(`//*[contains(normalize-space(.), ${xpathLiteral(GROUP)})]`, { timeout: 30_000 });
    }
    await nav('Music');
    await control(`Play ${DAISY}`, { timeout: 20_000 });
    // After the earlier scenarios (no sample data: their own groups, and the
    // sample music they added), the sing-along group and its setlist are
    // made here as a therapist would.
    await nav('Groups');
    const groups = await app.findElements('xpath', `//a[normalize-space(.)=${xpathLiteral(GROUP)}]`);
    if (groups.length === 0) {
      await press('New group');
      await heading('New group');
      await fill('Group name', GROUP);
      await press('Save group');
      await heading(GROUP);
      await press('New setlist');
      await fill('Setlist name', SETLIST);
      await press('Create setlist');
      await heading(SETLIST);
      await press('Add tracks');
      for (const [i, title] of [DAISY, TIPPERARY].entries()) {
        await press(`Add ${title}`, { startsWith: true });
        await app.waitForXPath(`//ol//li[@aria-label=${xpathLiteral(`${i + 1}. ${title}`)}]`, {
          message: `${title} in the setlist`,
        });
      }
      await press('Done');
      await noDialog();
    }
    await nav('Music');
  });

  await step(t, "a song's words, kept with who holds their rights", async () => {
    await giveWords(DAISY, DAISY_WORDS, 'Not known yet', 'Harry Dacre, 1892');
    await shot('11-words-form.png');
    await assertAccessible(app, 'The words of a song');
    await press('Save the words');
    await noDialog();
    await app.waitForXPath(`//*[contains(normalize-space(.), ${xpathLiteral(`The words of ${DAISY} are saved.`)})]`);
    await giveWords(TIPPERARY, TIPPERARY_WORDS, 'Licensed by the practice', 'Jack Judge and Harry Williams');
    await press('Save the words');
    await noDialog();
  });

  await step(t, 'not printed or shown while the rights are not known, naming the song', async () => {
    await nav('Groups');
    await press(GROUP);
    await heading(GROUP);
    await press(SETLIST);
    await heading(SETLIST);
    const held = await app.waitForXPath("//*[@data-testid='songbook-unknown-rights']");
    assert.match(await held.getText(), /Daisy Bell/);
    assert.doesNotMatch(await held.getText(), /Tipperary/);
    await press('Save PDF of the song book');
    const refusal = await app.waitForXPath(
      "//section[.//h2[normalize-space(.)='Words for singing along']]//*[@role='alert' and contains(., 'who holds their rights is not known')]",
      { message: "the core's refusal" },
    );
    assert.match(await refusal.getText(), /“Daisy Bell \(A Bicycle Built for Two\)”/);
    await press('Show the words on a second screen');
    await app.waitForXPath(`//*[@role='alert' and contains(., ${xpathLiteral("can't be printed or shown yet")})]`);
    await shot('11-songbook-held-back.png');
    await assertAccessible(app, 'The song book, held back');

    // The way to say the practice may: the song's rights, from here.
    await press(`Rights to ${DAISY}`);
    await (await field('Public domain')).click();
    await press('Save the words');
    await noDialog();
    await app.waitFor(async () => (await app.findElements('xpath', "//*[@data-testid='songbook-unknown-rights']")).length === 0, {
      message: 'nothing held back any more',
    });
  });

  await step(t, 'the large-print song book: a song a page, in the setlist order', async () => {
    await press('Save PDF of the song book');
    const saved = await app.waitForXPath("//*[contains(@class, 'banner-success') and .//*[contains(@class, 'export-file')]]", {
      timeout: 30_000,
      message: 'the song book saved',
    });
    const [file, folder] = await app.executeScript(
      `const b = arguments[0];
       return [b.querySelector('.export-file').textContent.trim(), b.querySelector('.export-folder').textContent.trim()];`,
      [saved],
    );
    assert.match(file, /^Song book .*\.pdf$/);
    const text = execFileSync('pdftotext', ['-layout', join(folder, file), '-'], { encoding: 'utf8' });
    const pages = text.split('\f').filter((p) => p.trim()).map((p) => p.replace(/\s+/g, ' '));
    assert.equal(pages.length, 2, 'a song a page, and only the songs with words');
    assert.match(pages[0], /Daisy Bell/);
    assert.match(pages[0], /Words: Harry Dacre, 1892\. Public domain\./);
    assert.match(pages[1], /Tipperary/);
    assert.match(pages[1], /Licensed by the practice\./);
  });

  await step(t, 'the words a verse at a time, moved on with one key', async () => {
    await press('Show the words here');
    await app.waitFor(async () => (await words())[0] === DAISY, { message: 'the first song' });
    let [, verse, where] = await words();
    assert.match(verse, /^There is a flower within my heart,/);
    assert.equal(where, 'Verse 1 of 2 · song 1 of 2');
    await shot('11-words.png');
    await assertAccessible(app, 'The words');
    await assertHighContrast('The words');

    await chord(K.ArrowRight);
    await app.waitFor(async () => (await words())[1].startsWith('Daisy, Daisy, give me'), { message: 'verse 2' });
    await chord(' ');
    await app.waitFor(async () => (await words())[0] === TIPPERARY, { message: 'on to the next song' });
    [, verse, where] = await words();
    assert.match(verse, /^Up to mighty London/);
    assert.equal(where, 'Verse 1 of 2 · song 2 of 2');
    await chord(K.ArrowLeft);
    await app.waitFor(async () => (await words())[1].startsWith('Daisy, Daisy, give me'), { message: 'back a verse' });
    // Other keys do nothing.
    await chord('a');
    await chord(K.Enter);
    assert.equal((await words())[0], DAISY);
    await press('Back to the playlist');
    await heading(SETLIST);
  });

  await step(t, 'the words in a second window of their own, for a projector or a TV', async () => {
    const main = await app.cmd('GET', '/window');
    await press('Show the words on a second screen');
    const handles = await app.waitFor(
      async () => {
        const all = await app.cmd('GET', '/window/handles');
        return all.length === 2 ? all : null;
      },
      { message: 'the second window', timeout: 15_000 },
    );
    const words2 = handles.find((h) => h !== main);
    await app.cmd('POST', '/window', { handle: words2 });
    try {
      await app.waitFor(async () => (await words())[0] === DAISY, { message: 'the words in the second window' });
      // Only the words: nothing else of Refrain is in that window.
      assert.equal(await app.executeScript("return document.querySelectorAll('nav, a, button').length;"), 0);
      await chord(K.ArrowRight);
      await app.waitFor(async () => (await words())[1].startsWith('Daisy, Daisy, give me'), { message: 'verse 2 there' });
      await shot('11-words-window.png');
      await assertAccessible(app, 'The words window');
      await assertHighContrast('The words window');
    } finally {
      await app.cmd('POST', '/window', { handle: main });
    }
    // The therapist's buttons on the main screen move it too.
    await press('Next verse');
    await app.cmd('POST', '/window', { handle: words2 });
    try {
      await app.waitFor(async () => (await words())[0] === TIPPERARY, { message: "the main screen's Next verse" });
      // It follows the setlist: the song that starts playing comes up.
      await app.cmd('POST', '/window', { handle: main });
      await press(`Play from here: ${DAISY}`);
      const anyway = await control('Play anyway', { timeout: 3000 }).catch(() => null);
      if (anyway) await anyway.click();
      await app.cmd('POST', '/window', { handle: words2 });
      await app.waitFor(async () => (await words())[1].startsWith('There is a flower'), {
        message: 'the words of the song now playing',
      });
      await app.cmd('POST', '/window', { handle: main });
      await press('Stop');
      await app.cmd('POST', '/window', { handle: words2 });
    } finally {
      await app.cmd('DELETE', '/window');
      await app.cmd('POST', '/window', { handle: main });
    }
  });

  await step(t, 'Now playing: told how to leave, then the song alone on the whole screen', async () => {
    await press('Play setlist');
    const anyway = await control('Play anyway', { timeout: 3000 }).catch(() => null);
    if (anyway) await anyway.click();
    await app.waitFor(
      async () =>
        (await app.executeScript(
          `return document.querySelector('[data-testid="mini-player"] .player-title')?.textContent.trim() ?? '';`,
        )) === DAISY,
      { message: `${DAISY} playing` },
    );
    await press('Now playing, full screen for the group');
    const dialog = await app.waitForXPath('//dialog[@open]');
    assert.match(await dialog.getText(), /To leave it, press Ctrl \+ Shift \+ E together/);
    await shot('11-now-playing-ask.png');
    await assertAccessible(app, 'Before Now playing');
    await press('Open Now playing');
    await app.waitFor(onNowPlaying, { message: 'Now playing, and nothing else' });
    assert.equal(await shownTitle(), DAISY);
    // Nothing personal and nothing else to press: the song, Pause and Next.
    const buttons = await app.executeScript(
      `return [...document.querySelectorAll('button, a, input, select, textarea')].map((b) => b.textContent.trim());`,
    );
    assert.deepEqual(buttons, ['Pause', 'Next song']);
    const page = await app.executeScript('return document.body.innerText;');
    assert.doesNotMatch(page, /Thursday|warm-ups|Refrain/, 'no group, playlist or app name on it');
    await shot('11-now-playing.png');
    await assertAccessible(app, 'Now playing');
    await assertHighContrast('Now playing');
  });

  await step(t, 'a tap, going back or stray keys do not leave it; it follows the player', async () => {
    // A tap outside the two buttons.
    await (await app.css('[data-testid="now-playing-title"]')).click();
    await (await app.css('[data-testid="now-playing"]')).click();
    // Keys a person might press, and going back.
    await chord(K.Escape);
    await chord(K.Alt, K.ArrowLeft);
    await chord(K.Control, 'l');
    await chord(K.Control, K.Shift, 'l');
    await chord(K.F5);
    await chord('e');
    await app.executeScript('history.back(); return true;');
    await new Promise((r) => setTimeout(r, 600));
    assert.ok(await onNowPlaying(), 'still on Now playing');
    assert.equal(await app.executeScript('return location.hash;'), '#/now-playing');

    // It follows the player: paused, then the next song.
    await press('Pause');
    await app.waitForXPath("//*[@data-testid='now-playing']//p[normalize-space(.)='Paused']");
    await control('Play');
    await shot('11-now-playing-paused.png');
    await assertHighContrast('Now playing, paused');
    await press('Next song');
    await app.waitFor(async () => (await shownTitle()) === TIPPERARY, { message: 'the next song shown' });
  });

  await step(t, 'the therapist leaves with the key combination', async () => {
    await chord(K.Control, K.Shift, 'e');
    await heading(SETLIST);
    await app.waitForXPath("//nav[@aria-label='Main']");
    assert.equal(await onNowPlaying(), false);
  });

  await step(t, 'with nothing playing it says so calmly', async () => {
    await press('Stop');
    await press('Now playing, full screen for the group');
    await press('Open Now playing');
    await app.waitFor(onNowPlaying, { message: 'Now playing' });
    assert.equal(await shownTitle(), 'No music is playing just now.');
    const buttons = await app.executeScript(`return document.querySelectorAll('button').length;`);
    assert.equal(buttons, 0, 'nothing to press');
    await shot('11-now-playing-nothing.png');
    await assertAccessible(app, 'Now playing, nothing playing');
    await assertHighContrast('Now playing, nothing playing');
    await chord(K.Control, K.Shift, 'e');
    await heading(SETLIST);
  });
});
