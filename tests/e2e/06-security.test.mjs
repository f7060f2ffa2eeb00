// The lock, end to end, in the real app: locked while a song plays (nothing
// personal on screen, the music heard on), a wrong passphrase refused,
// changing the passphrase, the recovery key when it is forgotten, the key
// remembered in the OS keychain (a real Secret Service, gnome-keyring) and
// forgotten again, and a second launch handing over to the running Refrain.
//
// Run through tests/e2e/run.sh after the earlier scenarios (it uses their data).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { newSession } from './webdriver.mjs';
import { recordLoudness } from './sound.mjs';
import {
  PASSPHRASE,
  closeApp,
  control,
  fill,
  heading,
  nav,
  openRecords,
  press,
  savedRecoveryKey,
  scenario,
  use,
} from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';
const DAISY = 'Daisy Bell (A Bicycle Built for Two)';
/** What must never be on the lock screen: people, a group, a note. */
const PERSONAL = ['Margaret Ellis', 'Arthur Bennett', 'Doreen Walsh', 'Tuesday Sing-along', 'Daisy Bell.'];
const NEW_PASSPHRASE = 'green door lantern';

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;

const shot = (name) => app.screenshot(join(ARTIFACTS, name));
const pageText = () => app.executeScript('return document.body.innerText;');

before(() => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must be the app (run tests/e2e/run.sh)');
});

after(async () => {
  await closeApp(app, join(ARTIFACTS, 'security-failure.png'));
  app = null;
});

const step = scenario();

test('lock while the music plays, then the passphrase and the recovery key', { timeout: 240_000 }, async (t) => {
  await step(t, 'open Refrain and play a song', async () => {
    app = await newSession(APP);
    use(app);
    await openRecords();
    await nav('Music');
    await press(`Play ${DAISY}`);
    await control('Pause');
  });

  await step(t, 'lock: nothing personal on the screen, and the music plays on', async () => {
    await nav('Groups');
    await app.waitForXPath("//a[normalize-space(.)='Tuesday Sing-along']");
    await press('Lock');
    await heading('Refrain is locked');
    const text = await pageText();
    for (const p of PERSONAL) assert.ok(!text.includes(p), `"${p}" is on the lock screen`);
    assert.equal((await app.findElements('xpath', "//nav[@aria-label='Main']")).length, 0);
    await app.waitForXPath("//p[normalize-space(.)='Music is playing.']");
    const loud = await recordLoudness(1200);
    assert.ok(loud > 0.01, `the song should still be heard while locked (loudness ${loud.toFixed(4)})`);
    await shot('security-locked.png');
    // The music can be paused from the lock screen, without unlocking.
    await press('Pause');
    await app.waitForXPath("//p[normalize-space(.)='Music is paused.']");
    await new Promise((r) => setTimeout(r, 300));
    const quiet = await recordLoudness(1000);
    assert.ok(quiet < 0.001, `paused from the lock screen (loudness ${quiet.toFixed(4)})`);
    await press('Stop');
  });

  await step(t, 'a wrong passphrase is refused, and the right one opens the records', async () => {
    await fill('Passphrase', 'not the passphrase');
    await press('Unlock');
    await app.waitForXPath("//*[contains(normalize-space(.), 'That passphrase is not right')]");
    await shot('security-wrong-passphrase.png');
    await fill('Passphrase', PASSPHRASE);
    await press('Unlock');
    await app.waitForXPath("//nav[@aria-label='Main']");
    // Back on the screen that was showing.
    await heading('Groups');
  });

  await step(t, 'change the passphrase on the Security screen', async () => {
    await nav('Security');
    await fill('Current passphrase', PASSPHRASE);
    await fill('New passphrase', NEW_PASSPHRASE);
    await fill('Type the new passphrase again', NEW_PASSPHRASE);
    await press('Change passphrase');
    await app.waitForXPath("//*[contains(normalize-space(.), 'Your passphrase has been changed')]", { timeout: 15_000 });
    await shot('security-screen.png');
    await press('Lock');
    await heading('Refrain is locked');
    await fill('Passphrase', PASSPHRASE);
    await press('Unlock');
    await app.waitForXPath("//*[contains(normalize-space(.), 'That passphrase is not right')]");
    await fill('Passphrase', NEW_PASSPHRASE);
    await press('Unlock');
    await app.waitForXPath("//nav[@aria-label='Main']");
  });

  await step(t, 'forgotten: the recovery key opens the records and sets a new passphrase', async () => {
    await press('Lock');
    await heading('Refrain is locked');
    await press('Forgotten your passphrase?');
    await heading('Open with your recovery key');
    // Typed as a person copies it from paper: lower case, spaces for dashes.
    await fill('Recovery key', savedRecoveryKey().toLowerCase().replaceAll('-', ' '));
    await fill('New passphrase', PASSPHRASE);
    await fill('Type the new passphrase again', PASSPHRASE);
    await shot('security-recovery.png');
    await press('Open and set the new passphrase');
    await app.waitForXPath("//nav[@aria-label='Main']", { timeout: 20_000 });
  });

  await step(t, 'remembered on this computer: Refrain opens without the passphrase', async () => {
    // run.sh starts a Secret Service (gnome-keyring) on the session bus, as a
    // desktop has; Refrain keeps the key there only when asked.
    await nav('Security');
    const box = await app.waitForXPath(
      "//label[contains(normalize-space(.), 'Remember the passphrase on this computer')]/input",
      { message: 'the offer to remember the passphrase (a keychain answers)' },
    );
    await box.click();
    await app.waitForXPath("//*[contains(normalize-space(.), 'will open without the passphrase')]");
    await shot('security-remembered.png');
    await app.deleteSession();
    app = await newSession(APP);
    use(app);
    // Straight to the records: no lock screen.
    await app.waitForXPath("//nav[@aria-label='Main']", { timeout: 30_000, message: 'the records, unlocked by the keychain' });
    assert.equal((await app.findElements('xpath', "//h1[normalize-space(.)='Refrain is locked']")).length, 0);
    // Locking still needs the passphrase.
    await press('Lock');
    await heading('Refrain is locked');
    await fill('Passphrase', PASSPHRASE);
    await press('Unlock');
    await app.waitForXPath("//nav[@aria-label='Main']");
    // Forget it again: the next start asks.
    await nav('Security');
    await (
      await app.waitForXPath("//label[contains(normalize-space(.), 'Remember the passphrase on this computer')]/input")
    ).click();
    await app.waitForXPath("//*[contains(normalize-space(.), 'will ask for the passphrase each time')]");
    await app.deleteSession();
    app = await newSession(APP);
    use(app);
    await heading('Refrain is locked');
    await openRecords();
  });

  await step(t, 'a second launch hands over to the running Refrain and ends', async () => {
    assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS, 'run.sh gives the app a session bus, as a desktop has');
    const second = spawn(APP, [], { stdio: 'ignore', env: process.env });
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => {
        second.kill('SIGKILL');
        resolve('still running after 20 s');
      }, 20_000);
      second.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0, 'the second copy should hand over and end');
    // The first is still there and still open.
    await nav('Today');
    await app.deleteSession();
    app = null;
  });
});
