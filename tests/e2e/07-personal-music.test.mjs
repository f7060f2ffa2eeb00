// Personal music, end to end, in the real app: a link worker's referral
// asks for a playlist to calm Margaret before her bath (it then waits on
// Today); the therapist writes her
// music life story (a year of birth alone, so the core works out her
// reminiscence years), puts a song from the library on her avoid list with
// why, builds her a playlist from the suggestions (the song to avoid is not
// among them; the songs named but not in the library are "to find"), then
// finds the song flagged on the group's register (whose, and why) and in the
// setlist editor, and is asked before the session's music plays (and before
// Previous goes back to it from a later song); the
// playlist goes home as a hand-over pack written to the reports folder. Every
// new screen is photographed (tests/artifacts/07-*.png) and audited with
// axe-core.
//
// Run through tests/e2e/run.sh after 01-register and 02-music (their group,
// people, today's session and the Warm-ups setlist, which holds Daisy Bell).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newSession, xpathLiteral } from './webdriver.mjs';
import { audit, describe } from './axe.mjs';
import { choose, closeApp, control, field, fill as fillField, heading, nav, noDialog, openRecords, press, scenario, use } from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';
const EXPORTS = process.env.REFRAIN_EXPORTS_DIR;

const GROUP = 'Tuesday Sing-along';
const PERSON = 'Margaret Ellis';
const CALLED = 'Margaret';
const SETLIST = 'Warm-ups';
const DAISY = 'Daisy Bell (A Bicycle Built for Two)';
const BONNIE = 'My Bonnie Lies Over the Ocean';
const SUSANNA = 'Oh! Susanna';
const WHY = 'Her late husband sang it to her; she wept last time.';

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;

const shot = (name) => app.screenshot(join(ARTIFACTS, name));

/** Type into a field, brought to the middle of the window first (not under the player). */
async function fill(label, value) {
  await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [await field(label)]);
  return fillField(label, value);
}

/** Photograph the screen and fail on any axe-core finding. */
async function audited(name) {
  await shot(`07-${name}.png`);
  const violations = await audit(app);
  const n = violations.reduce((k, v) => k + v.nodes.length, 0);
  assert.equal(n, 0, `${name}: axe found ${n} accessibility problem${n === 1 ? '' : 's'}:\n${describe(violations)}`);
}

async function text(xpath, message) {
  const el = await app.waitForXPath(xpath, { message });
  await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [el]);
  return (await el.getText()).replace(/\s+/g, ' ');
}

before(() => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must point at the app (run tests/e2e/run.sh)');
  assert.ok(EXPORTS, 'REFRAIN_EXPORTS_DIR must be set (run tests/e2e/run.sh)');
});

after(async () => {
  await closeApp(app, join(ARTIFACTS, 'personal-music-failure.png'));
  app = null;
});

const step = scenario();

test("a music life story, a song to avoid, and the avoid rule on the group's register", { timeout: 240_000 }, async (t) => {
  await step(t, 'a referral asks for a playlist: it waits on Today', async () => {
    app = await newSession(APP);
    use(app);
    await openRecords();
    await nav('Attendees');
    await press(PERSON);
    await heading(PERSON);
    await press('Add referral');
    await choose('Referred by', 'GP link worker');
    await fill("Referrer's name", 'Priya Shah');
    await fill('Organisation', 'Northside PCN');
    await press('Save referral');
    await noDialog();
    await press('Add a playlist prescription', { startsWith: true });
    await press('Save prescription');
    // Nothing said of what it is for: the core's words, beside the choices.
    await app.waitForXPath("//dialog[@open]//*[normalize-space(.)='Choose what the playlist is for.']", {
      message: "the core's message",
    });
    await press('Calm before a hard time of day', { tags: ['label'] });
    await fill('More on what it is for', 'Half an hour before her bath');
    await fill('What the referrer says to avoid, and why', 'Her late husband’s songs upset her');
    await audited('prescription-form');
    await press('Save prescription');
    await noDialog();
    const block = await text("//*[@role='group' and .//h4[normalize-space(.)='Playlist prescription']]", 'the prescription');
    assert.match(block, /For Calm before a hard time of day/);
    assert.match(block, /Requested on/);
    await nav('Today');
    const waiting = await text(
      "//section[.//h2[normalize-space(.)='Playlists waiting to be made']]",
      'the prescriptions waiting',
    );
    assert.match(waiting, new RegExp(`${PERSON} Calm before a hard time of day\\. Asked for by Priya Shah, Northside PCN, today`));
    await audited('today-with-a-prescription-waiting');
  });

  await step(t, "write Margaret's music life story", async () => {
    await nav('Attendees');
    await press(PERSON);
    await heading(PERSON);
    await press('Edit music life story');
    await fill('Year of birth', '1942');
    await fill('Where they grew up and lived', 'Grew up in Bootle; lived in Wallasey from 1965');
    await fill('What music meant to them', 'Sang in the chapel choir; danced at the Grafton on Saturdays');
    await fill('Favourite artists', 'Cilla Black, The Searchers, Stephen Foster');
    await fill('Favourite songs', 'Anyone Who Had a Heart\nSweets for My Sweet\nMy Bonnie Lies Over the Ocean\nDaisy Bell');
    await fill('How they like to listen', 'Speaker, not headphones (hearing aid); her son presses play');
    await audited('music-life-story-form');
    await press('Save music life story');
    await control('Edit music life story'); // saved: the story is shown again
    // The core worked out her reminiscence years from the year alone.
    const card = await text(
      "//section[.//h2[normalize-space(.)='Music life story']]",
      'the music life story card',
    );
    assert.match(card, /Born in 1942/);
    assert.match(card, /Reminiscence years 1952 to 1972/);
    assert.match(card, /Anyone Who Had a Heart Sweets for My Sweet My Bonnie Lies Over the Ocean Daisy Bell/);
  });

  await step(t, 'put a song from the library on her avoid list, with why', async () => {
    await press('Add music to avoid');
    await app.waitForXPath(
      `//dialog[@open]//h2[normalize-space(.)=${xpathLiteral(`Add music to avoid for ${CALLED}`)}]`,
    );
    await fill('Find it in the library', 'Daisy');
    await press(`Choose ${DAISY}`, { startsWith: true });
    await fill('Why', WHY);
    await audited('avoid-form');
    await press('Add to the avoid list');
    await noDialog();
    const card = await text(
      "//section[.//h2[normalize-space(.)='Music life story']]//ul[@aria-labelledby]",
      'the avoid list',
    );
    assert.match(card, new RegExp(`“${DAISY.replace(/[()]/g, '\\$&')}” \\(Harry Dacre\\)`));
    assert.ok(card.includes(WHY), card);
    await audited('person-page-music-life-story');
  });

  await step(t, 'build her a playlist from the suggestions', async () => {
    await press('New playlist');
    await fill('Playlist name', "Margaret's favourites");
    await press('Create playlist');
    await heading("Margaret's favourites");
    await app.waitForXPath("//ul[@aria-label='Suggested music']", { message: 'the suggestions' });
    const card = await text(
      `//section[.//h2[normalize-space(.)=${xpathLiteral(`Suggestions for ${PERSON}`)}]]`,
      'the suggestions',
    );
    // Named and in the library first, then a favourite artist; Daisy Bell,
    // named too, is on her avoid list: left out, and not "to find" either.
    assert.match(card, /My Bonnie Lies Over the Ocean Traditional, 1881 Named as a favourite song\./);
    assert.match(card, /Oh! Susanna Stephen Foster, 1848 By Stephen Foster, a favourite artist\./);
    assert.ok(!card.includes('Daisy Bell'), card);
    assert.match(card, /To find .*Anyone Who Had a Heart\s*Sweets for My Sweet/);
    await audited('suggestions');
    await press(`Add ${BONNIE}`);
    await app.waitForXPath(`//*[@data-testid='entry-row' and @aria-label=${xpathLiteral(`1. ${BONNIE}`)}]`);
    await press('Add Oh! Susanna');
    await app.waitForXPath("//*[@data-testid='entry-row' and @aria-label='2. Oh! Susanna']");
    await control(`Added: ${BONNIE} is in this playlist`);
  });

  await step(t, 'try the songs: one rated, one that upsets her moved to her avoid list', async () => {
    await press(`Record how it went: ${BONNIE}`);
    await press('4: "I\'ve known this a long time"', { tags: ['label'] });
    await fill('Note', 'Hummed along and smiled');
    await audited('listening-form');
    await press('Save');
    await noDialog();
    await app.waitForXPath(
      `//*[@data-testid='entry-row' and @aria-label=${xpathLiteral(`1. ${BONNIE}`)}]//*[contains(normalize-space(.), 'Tried once, 4.0 of 5 on average.')]`,
      { message: 'the response recorded' },
    );
    const play = await control(`Play from here: ${SUSANNA}`);
    await play.click();
    await app.waitForXPath(`//*[@role='group']//strong[normalize-space(.)=${xpathLiteral(`Playing ${SUSANNA}.`)}]`, {
      message: 'the one-key bar while it plays',
    });
    await audited('listening-while-it-plays');
    // One key in the session: D, it upset her.
    await play.sendKeys('d');
    await app.waitForXPath(
      `//dialog[@open]//h2[normalize-space(.)=${xpathLiteral(`Take ${SUSANNA} off and avoid it?`)}]`,
      { message: 'the offer to take it off' },
    );
    await audited('distress-offer');
    await press('Take it off and avoid it');
    await noDialog();
    await press('Stop');
    await app.waitFor(
      async () => (await app.findElements('xpath', `//*[@data-testid='entry-row' and contains(@aria-label, ${xpathLiteral(SUSANNA)})]`)).length === 0,
      { message: `${SUSANNA} off the playlist` },
    );
  });

  await step(t, 'the music goes home: the hand-over pack written to a folder', async () => {
    await press('Music to take home');
    await app.waitForXPath(
      `//dialog[@open]//h2[normalize-space(.)=${xpathLiteral(`Music for ${PERSON} to take home`)}]`,
    );
    // Offered: how long it plays (one song now).
    assert.match(await (await field('How long')).getProperty('value'), /^About \d+ minutes? \(1 song\)$/);
    await fill('When to play it', 'Half an hour before her bath');
    await fill('What it helps with', 'Feeling calm before bathing');
    await press('Write the music');
    // What to do if it upsets her is needed: the core's words, beside the field.
    await app.waitForXPath("//dialog[@open]//*[normalize-space(.)='Please say what to do if the music upsets them.']", {
      message: "the core's message",
    });
    await fill('What to do if it upsets them', 'Stop the music, sit with her, and ring us');
    await fill('Who to contact', 'Sam Okafor, music therapist, 01632 960 555');
    // The reports folder, unless another is chosen.
    const where = await text("//dialog[@open]//fieldset[legend[normalize-space(.)='Where to write it']]", 'where');
    assert.ok(where.includes(EXPORTS), where);
    await audited('handover-form');
    await press('Write the music');
    await noDialog();
    const done = await text("//*[@role='status' and contains(@class, 'handover-done')]", 'the pack written');
    const folder = join(EXPORTS, 'Music to play');
    assert.ok(done.includes(folder), done);
    await audited('handover-written');
    // On disk: the song numbered, the playlist, the sheet; nothing else.
    const names = readdirSync(folder).sort();
    assert.equal(names.length, 3, names.join(', '));
    assert.match(names[0], /^01 My Bonnie Lies Over the Ocean - Traditional\.\w+$/);
    assert.deepEqual(names.slice(1), ['About this music.pdf', 'Playlist.m3u']);
    assert.ok(readFileSync(join(folder, 'Playlist.m3u'), 'utf8').includes(`\n${names[0]}\n`));
    const sheet = execFileSync('pdftotext', ['-enc', 'UTF-8', join(folder, 'About this music.pdf'), '-'], { encoding: 'utf8' });
    assert.match(sheet, /1\. My Bonnie Lies Over the Ocean/);
    assert.match(sheet, /Reminds them of: Hummed along and smiled/);
    assert.match(sheet, /Stop the music, sit with her/);
    assert.ok(!sheet.includes(CALLED), 'her name is left off unless asked');
    execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', join(folder, 'About this music.pdf'), join(ARTIFACTS, '07-handover-sheet')]);
  });

  await step(t, 'a review date puts the playlist on Today', async () => {
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    await fill('Review how it is working on', today);
    await press('Save review date');
    await nav('Today');
    const due = await text("//section[.//h2[normalize-space(.)='Playlists due for review']]", 'the reviews due');
    assert.match(due, new RegExp(`Margaret's favourites\\s*For ${PERSON}, due today\\.`));
    await audited('today-with-a-review-due');
  });

  await step(t, 'the prescription: its playlist chosen, edited, and handed over', async () => {
    await nav('Attendees');
    await press(PERSON);
    await heading(PERSON);
    await choose('Playlist made for it', "Margaret's favourites");
    await control("Open Margaret's favourites");
    await press('Edit prescription', { startsWith: true });
    await fill('More on what it is for', 'Half an hour before her bath, and at bedtime');
    await audited('prescription-edit-form');
    await press('Save changes');
    await noDialog();
    await press('Change prescription status', { startsWith: true });
    await choose('New status', 'Handed over');
    await fill('Note about the change', 'Pack given to her son');
    await audited('prescription-status-form');
    await press('Save status');
    await noDialog();
    const block = await text("//*[@role='group' and .//h4[normalize-space(.)='Playlist prescription']]", 'the prescription');
    assert.match(block, /Half an hour before her bath, and at bedtime/);
    assert.match(block, /Handed over on [^:]+: Pack given to her son/);
    assert.match(block, /Requested on/);
    await audited('person-page-prescription-handed-over');
  });

  await step(t, "the register flags it: whose, and why", async () => {
    await nav('Today');
    await press(`Open register for ${GROUP}`, { startsWith: true });
    await heading(GROUP);
    const banner = await text("//*[@role='note' and .//strong[normalize-space(.)='Music to avoid']]", 'the avoid warning');
    assert.ok(banner.includes(DAISY), banner);
    assert.ok(banner.includes(SUSANNA), banner);
    assert.ok(banner.includes(PERSON), banner);
    assert.ok(banner.includes(WHY), banner);
    const tag = await app.waitForXPath(
      `//*[@data-testid='register-row' and @aria-label=${xpathLiteral(PERSON)}]//li[normalize-space(.)=${xpathLiteral(`Avoid: ${DAISY}`)}]`,
      { message: "the Avoid tag on Margaret's row" },
    );
    assert.equal(await tag.getAttribute('title'), WHY);
    const others = await app.findElements(
      'xpath',
      `//*[@data-testid='register-row' and @aria-label!=${xpathLiteral(PERSON)}]//li[starts-with(normalize-space(.), 'Avoid:')]`,
    );
    assert.equal(others.length, 0, 'no one else is flagged');
    await audited('register-with-music-to-avoid');
  });

  await step(t, 'on the register, D while her music plays offers the song off her playlist and onto her avoid list', async () => {
    const row = `//*[@data-testid='register-row' and @aria-label=${xpathLiteral(PERSON)}]`;
    const play = await app.waitForXPath(`${row}//button[starts-with(@aria-label, 'Play ') and contains(@aria-label, "'s music")]`, {
      message: "the button for her own music",
    });
    await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [play]);
    await play.click();
    await app.waitFor(
      async () =>
        (await app.executeScript(
          "return document.querySelector('[data-testid=\"mini-player\"] .player-title')?.textContent.trim() ?? ''",
        )) === BONNIE,
      { message: `${BONNIE}, from her playlist, to be playing` },
    );
    await play.sendKeys('d');
    const dialog = await text(
      `//dialog[@open][.//h2[starts-with(normalize-space(.), ${xpathLiteral(`${BONNIE} upset`)})]]`,
      'the offer after D',
    );
    assert.ok(dialog.includes("Take it off") && dialog.includes("Margaret's favourites"), dialog);
    assert.ok(dialog.includes('Put it on'), dialog);
    await audited('register-distress-offer');
    await press('Not now');
    await noDialog();
    await press('Stop');
  });

  await step(t, "playing the session's music asks first", async () => {
    await press('Session and music');
    await press(`Play ${SETLIST}`);
    // Two of its songs are on her list now.
    await app.waitForXPath("//dialog[@open]//h2[normalize-space(.)='Some of this music is on avoid lists']", {
      message: 'the question before playing',
    });
    const asked = await text('//dialog[@open]', 'the question');
    assert.ok(asked.includes(`${DAISY}: on ${PERSON}'s avoid list`), asked);
    assert.ok(asked.includes(`Why: ${WHY}`), asked);
    assert.ok(asked.includes(`${SUSANNA}: on ${PERSON}'s avoid list`), asked);
    await audited('ask-before-playing');
    await press("Don't play");
    await noDialog();
    const status = await app.executeScript(
      "return document.querySelector('[data-testid=\"mini-player\"] .player-title')?.textContent.trim() ?? ''",
    );
    assert.notEqual(status, DAISY, 'nothing started playing');
  });

  await step(t, 'the setlist editor flags it too', async () => {
    await press(`Open ${SETLIST}`);
    await heading(SETLIST);
    await app.waitForXPath("//*[@data-testid='entry-row']//p[contains(@class, 'entry-avoid')]", {
      message: 'the avoid flags',
    });
    const row = await text(
      `//*[@data-testid='entry-row' and contains(@aria-label, ${xpathLiteral(DAISY)})]`,
      'the Daisy Bell row',
    );
    assert.ok(row.includes(`On ${PERSON}'s avoid list: ${WHY}`), row);
    await audited('setlist-with-music-to-avoid');
  });

  await step(t, 'played from its second song, Previous asks before going back to Daisy Bell', async () => {
    const playing = () =>
      app.executeScript(
        "return document.querySelector('[data-testid=\"mini-player\"] .player-title')?.textContent.trim() ?? ''",
      );
    // From My Bonnie on: only Oh! Susanna, still to come, is asked about.
    await press(`Play from here: ${BONNIE}`);
    const asked = await text('//dialog[@open]', 'the question before playing');
    assert.ok(asked.includes(`${SUSANNA}: on ${PERSON}'s avoid list`), asked);
    assert.ok(!asked.includes(DAISY), asked);
    await press('Play anyway');
    await noDialog();
    await app.waitFor(async () => (await playing()) === BONNIE, { message: `${BONNIE} playing` });
    // Back to Daisy Bell, never asked about: asked now. (More than three
    // seconds in, Previous starts the song again, as on every player; on a
    // slow machine it may take a second press.)
    let asking = null;
    for (let tries = 0; asking === null && tries < 3; tries++) {
      await press('Previous');
      asking = await app.waitForXPath('//dialog[@open]', { timeout: 2000 }).catch(() => null);
    }
    assert.ok(asking, 'Previous asked before going back');
    const again = await text('//dialog[@open]', 'the question before going back');
    assert.ok(again.includes(`${DAISY}: on ${PERSON}'s avoid list`), again);
    assert.ok(again.includes(`Why: ${WHY}`), again);
    await audited('ask-before-going-back');
    await press("Don't play");
    await noDialog();
    assert.equal(await playing(), BONNIE, 'still the song that was playing');
    await press('Stop');
  });
});
