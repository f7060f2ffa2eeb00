// Music, end to end, in the real app with real sound: a therapist adds the
// sample music, builds a setlist for their group, plays it, watches the
// position move, pauses, and skips to the next song. The music keeps playing
// while they move to another screen.
//
// Run through tests/e2e/run.sh after 01-register.test.mjs (it uses that test's
// group). run.sh gives the app a sound output: a PulseAudio null sink, which
// plays in real time, and whose monitor this test records to check that what
// comes out is really music while playing and silence while paused.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { newSession, xpathLiteral } from './webdriver.mjs';
import { recordLoudness } from './sound.mjs';
import { assertAccessible } from './axe.mjs';
import {
  chooseInFileWindow,
  closeApp,
  control,
  fill,
  heading,
  nav,
  noDialog,
  press,
  scenario,
  use,
  openRecords,
} from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';
const MONITOR = process.env.REFRAIN_E2E_MONITOR;

const GROUP = 'Tuesday Sing-along';
const SETLIST = 'Warm-ups';
const DAISY = 'Daisy Bell (A Bicycle Built for Two)';
const SUSANNA = 'Oh! Susanna';
const BONNIE = 'My Bonnie Lies Over the Ocean';

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;

const shot = (name) => app.screenshot(join(ARTIFACTS, name));

/** What the mini player shows: the title and "m:ss / m:ss". */
async function nowPlaying() {
  const [title, time] = await app.executeScript(
    `const player = document.querySelector('[data-testid="mini-player"]');
     return [player.querySelector('.player-title')?.textContent.trim() ?? '',
             player.querySelector('[data-testid="player-time"]')?.textContent.trim() ?? ''];`,
  );
  const [pos] = time.split('/').map((t) => t.trim());
  const [m, s] = pos.split(':').map(Number);
  return { title, seconds: m * 60 + s, time };
}


before(() => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must name the built app (run tests/e2e/run.sh)');
  assert.ok(MONITOR, 'REFRAIN_E2E_MONITOR must name the sound monitor (run tests/e2e/run.sh)');
});

after(async () => {
  await closeApp(app, join(ARTIFACTS, 'music-failure.png'));
  app = null;
});

const step = scenario();

test('add music, build a setlist, play it, pause and skip', { timeout: 180_000 }, async (t) => {
  await step(t, 'add the sample music to the library', async () => {
    app = await newSession(APP);
    use(app);
    await openRecords();
    await heading('This week');
    await nav('Music');
    await press('Add the sample music', { timeout: 20_000 });
    await app.waitForXPath("//*[@role='status' and contains(normalize-space(.), '4 added, 0 already in the library')]", {
      message: 'the import report',
      timeout: 30_000,
    });
    for (const title of [DAISY, SUSANNA, BONNIE]) {
      await control(`Play ${title}`);
    }
    await shot('music-library.png');
  });

  await step(t, 'build a setlist for the group', async () => {
    await nav('Groups');
    await press(GROUP);
    await heading(GROUP);
    await press('New setlist');
    await fill('Setlist name', SETLIST);
    await press('Create setlist');
    await heading(SETLIST);
    await press('Add tracks');
    for (const title of [DAISY, SUSANNA, BONNIE]) {
      await press(`Add ${title}`, { startsWith: true });
      await app.waitForXPath(`//ol//li[@aria-label=${xpathLiteral(`${[DAISY, SUSANNA, BONNIE].indexOf(title) + 1}. ${title}`)}]`, {
        message: `${title} in the setlist`,
      });
    }
    await press('Done');
    await noDialog();
    // By keyboard-reachable buttons: My Bonnie goes up one place.
    await press(`Move ${BONNIE} up`);
    await app.waitForXPath(`//ol//li[@aria-label=${xpathLiteral(`2. ${BONNIE}`)}]`, { message: 'My Bonnie second' });
    await app.waitForXPath(`//ol//li[@aria-label=${xpathLiteral(`3. ${SUSANNA}`)}]`, { message: 'Oh! Susanna third' });
    await shot('music-setlist.png');
  });

  await step(t, 'play the setlist and hear it', async () => {
    await press('Play setlist');
    await app.waitFor(async () => (await nowPlaying()).title === DAISY, { message: `${DAISY} to be playing` });
    await control('Pause');
    await app.waitFor(async () => (await nowPlaying()).seconds >= 2, {
      message: 'the position to move past 0:02',
      timeout: 15_000,
    });
    const loud = await recordLoudness(1500);
    assert.ok(loud > 0.01, `the music should be heard while playing (loudness ${loud.toFixed(4)})`);
    await shot('music-playing.png');
  });

  await step(t, 'the music keeps playing on another screen', async () => {
    const before = (await nowPlaying()).seconds;
    await nav('Attendees');
    await app.waitFor(async () => (await nowPlaying()).seconds >= before + 1, {
      message: 'the position to keep moving on the Attendees screen',
    });
    assert.equal((await nowPlaying()).title, DAISY);
  });

  await step(t, 'pause: the position stops and the sound goes quiet', async () => {
    await press('Pause');
    await control('Play');
    const held = await nowPlaying();
    await new Promise((r) => setTimeout(r, 400));
    const quiet = await recordLoudness(1500);
    const after = await nowPlaying();
    assert.equal(after.time, held.time, 'the position should not move while paused');
    assert.ok(quiet < 0.001, `nothing should be heard while paused (loudness ${quiet.toFixed(4)})`);
    await shot('music-paused.png');
  });

  await step(t, 'next: the second song of the setlist', async () => {
    await press('Next');
    await app.waitFor(async () => (await nowPlaying()).title === BONNIE, { message: `${BONNIE} after Next` });
    await app.waitForXPath("//*[@data-testid='mini-player']//*[contains(normalize-space(.), '2 of 3')]", {
      message: 'the queue place "2 of 3"',
    });
    if ((await app.findElements('xpath', "//*[@data-testid='mini-player']//button[@aria-label='Play']")).length > 0) {
      await press('Play');
    }
    await app.waitFor(async () => (await nowPlaying()).seconds >= 1, { message: 'the second song to play' });
    const loud = await recordLoudness(1000);
    assert.ok(loud > 0.01, `the second song should be heard (loudness ${loud.toFixed(4)})`);
    await shot('music-next.png');
    await press('Stop');
  });

  await step(t, 'a file cut short is added, flagged as maybe damaged, and removed', async () => {
    // The first 20 KB of a 12-second FLAC: the audio tests' own fixture.
    const cut = resolve('audio/tests/fixtures/audio/damaged/que-sera-cut.flac');
    assert.ok(existsSync(cut), cut);
    await nav('Music');
    await heading('Music');
    await press('Import files');
    await chooseInFileWindow(app, 'Choose music files', cut);
    const report = await app.waitForXPath("//section[.//h3[normalize-space(.)='One file may be damaged']]", {
      message: 'the import report with the damaged file',
      timeout: 30_000,
    });
    const said = (await report.getText()).replace(/\s+/g, ' ');
    assert.ok(said.includes('que-sera-cut.flac may be damaged: only 0:00.2 could be read (it says 0:12).'), said);
    assert.ok(said.includes('Try playing it before a session'), said);
    await app.executeScript("arguments[0].scrollIntoView({ block: 'center' })", [report]);
    await shot('music-may-be-damaged.png');
    await assertAccessible(app, 'The music library after an import with a damaged file');
    // Not the group's music: out of the library again for the tests after.
    await press('Remove Que Sera, Sera from the library');
    await press('Yes, remove');
    await noDialog();
    await app.waitFor(
      async () => (await app.findElements('xpath', "//button[@aria-label='Play Que Sera, Sera']")).length === 0,
      { message: 'Que Sera, Sera out of the library' },
    );
    await app.deleteSession();
    app = null;
  });
});
