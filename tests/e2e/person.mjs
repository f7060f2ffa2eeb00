// Acting like a person in the real window: finding controls by their
// accessible names and labels, typing, choosing, waiting for headings. Shared
// by every end-to-end test; `use(session)` says which app window to act in.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { byName, xpathLiteral } from './webdriver.mjs';

/** @type {import('./webdriver.mjs').Session | null} */
let session = null;

/** Fields that would not take typed text and were set by script instead. */
export const scripted = new Set();

/** Act in this app window from now on. */
export function use(s) {
  session = s;
}

function current() {
  assert.ok(session, 'no app window is open');
  return session;
}

/** A button or link by its accessible name, inside the open dialog if there is one. */
export async function control(name, opts = {}) {
  const inDialog = await current().findElements('xpath', '//dialog[@open]');
  const scope = inDialog.length > 0 ? '//dialog[@open]' : '';
  return current().waitForXPath(scope + byName(name, opts), { message: `"${name}"`, ...opts });
}

export async function press(name, opts) {
  const el = await control(name, opts);
  // A person waits for a button that is greyed out while the screen is busy.
  await current().waitFor(async () => !(await el.getProperty('disabled')), { message: `"${name}" to be enabled` });
  await el.click();
}

/** A link in the main navigation. */
export async function nav(name) {
  await (await current().waitForXPath(`//nav[@aria-label='Main']//a[normalize-space(.)=${xpathLiteral(name)}]`)).click();
  if (name === 'Today') {
    // Today's heading is the week's (or the welcome, on empty records): any
    // h1 would also match the screen being left, whose links may then be
    // pressed just as it goes.
    await current().waitForXPath("//h1[normalize-space(.)='This week' or normalize-space(.)='Welcome to Refrain' or normalize-space(.)='Today']", {
      message: "Today's heading",
    });
  } else {
    await heading(name);
  }
}

/** The field labelled `label` (in the open dialog, if there is one). */
export async function field(label) {
  const inDialog = await current().findElements('xpath', '//dialog[@open]');
  const scope = inDialog.length > 0 ? '//dialog[@open]' : '';
  const l = xpathLiteral(label);
  return current().waitForXPath(`${scope}//*[(self::input or self::textarea or self::select) and @id=${scope}//label[normalize-space(.)=${l}]/@for]`, {
    message: `field "${label}"`,
  });
}

/**
 * Type into a field like a person. WebKitGTK may draw date and time inputs as
 * its own widget that ignores typed text; then set the value as the browser
 * would and fire the same events, so the UI sees an ordinary edit.
 */
export async function fill(label, value) {
  const el = await field(label);
  // WebKitGTK draws <input type="date"> as month/day/year boxes in the C locale
  // (day/month/year in others): type the date the way the box shows it.
  const typed = [value];
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (iso && (await el.getAttribute('type')) === 'date') {
    const [, y, m, d] = iso;
    typed.push(`${m}/${d}/${y}`, `${d}/${m}/${y}`);
  }
  for (const text of typed) {
    await el.clear();
    await el.sendKeys(text);
    if ((await el.getProperty('value')) === value) return el;
  }
  scripted.add(label);
  await current().executeScript(
    `const el = arguments[0];
     const set = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set;
     set.call(el, arguments[1]);
     el.dispatchEvent(new Event('input', { bubbles: true }));
     el.dispatchEvent(new Event('change', { bubbles: true }));`,
    [el, value],
  );
  assert.equal(await el.getProperty('value'), value, `"${label}" should hold ${value}`);
  return el;
}

/** Choose an option in the <select> labelled `label` by its visible text. */
export async function choose(label, optionText) {
  const select = await field(label);
  const [option] = await select.findElements('xpath', `./option[normalize-space(.)=${xpathLiteral(optionText)}]`);
  assert.ok(option, `"${label}" should offer ${optionText}`);
  await option.click();
  if (await option.getProperty('selected')) return;
  scripted.add(label);
  await current().executeScript(
    `arguments[0].selected = true;
     arguments[1].dispatchEvent(new Event('change', { bubbles: true }));`,
    [option, select],
  );
}

/** Wait for the page's h1; null means any h1 will do. */
export async function heading(text) {
  const xp = text ? `//h1[normalize-space(.)=${xpathLiteral(text)}]` : '//h1';
  return current().waitForXPath(xp, { message: `heading "${text ?? 'any'}"` });
}

export async function noDialog() {
  await current().waitFor(async () => (await current().findElements('xpath', '//dialog[@open]')).length === 0, {
    message: 'the dialog to close',
  });
}


/**
 * The steps of one scenario, each needing the ones before it: after a
 * failure the rest are skipped, naming the step that failed.
 */
export function scenario() {
  let broken = null;
  return function step(t, name, fn) {
    return t.test(name, { skip: broken ? `after "${broken}" failed` : false }, async () => {
      try {
        await fn();
      } catch (e) {
        broken = name;
        throw e;
      }
    });
  };
}

/** At the end of a test file: a last screenshot (of a failure) and close the app. */
export async function closeApp(app, screenshotFile) {
  if (!app) return;
  try {
    await app.screenshot(screenshotFile);
  } catch {
    // The window may already be gone.
  }
  await app.deleteSession().catch(() => {});
}

/** The people 05-import brings in from a spreadsheet (07 looks for them on disk). */
export const IMPORTED = ['Winifred Okoro', 'Bartholomew Finch'];

/** The passphrase the end-to-end tests protect their records with. */
export const PASSPHRASE = 'e2e blue kettle orchard';

/** Where the first test keeps the recovery key it was shown (beside the data folder, not in it). */
const recoveryFile = () => join(dirname(process.env.REFRAIN_DATA_DIR ?? '.'), 'recovery-key.txt');

/** The recovery key the app showed when the passphrase was first set. */
export function savedRecoveryKey() {
  return readFileSync(recoveryFile(), 'utf8').trim();
}

/**
 * Through the door to the records, as a person would: on the first run set
 * the passphrase, keep the recovery key (it is saved for later tests) and
 * confirm it was written down; when locked, type the passphrase. Ends when
 * the main navigation shows. `shot(name)` photographs the door's screens.
 */
export async function openRecords({ passphrase = PASSPHRASE, shot = null } = {}) {
  const s = current();
  const h1 = await s.waitForXPath('//h1', { timeout: 30_000, message: 'the first screen' });
  const text = (await h1.getText()).trim();
  if (text === 'Welcome to Refrain' || text === 'Protect your records with a passphrase') {
    await fill('Passphrase', passphrase);
    await fill('Type the passphrase again', passphrase);
    if (shot) await shot('00-set-passphrase.png');
    await press('Protect my records');
    await heading('Your recovery key');
    const key = await (await s.waitForXPath('//*[@data-recovery-key]')).getAttribute('data-recovery-key');
    assert.match(key, /^([A-Z2-7]{4}-){12}[A-Z2-7]{4}$/, 'the recovery key: 13 groups of 4');
    writeFileSync(recoveryFile(), key);
    if (shot) await shot('00-recovery-key.png');
    const go = await control('Continue to Refrain');
    assert.equal(await go.getProperty('disabled'), true, 'Continue waits for the written-down box');
    await (await s.waitForXPath("//label[contains(normalize-space(.), 'I have written down')]/input")).click();
    await press('Continue to Refrain');
  } else if (text === 'Refrain is locked') {
    await fill('Passphrase', passphrase);
    if (shot) await shot('00-locked.png');
    await press('Unlock');
  }
  await s.waitForXPath("//nav[@aria-label='Main']", { timeout: 30_000, message: 'the records to open' });
}

// The system's own file windows (GTK's), driven with xdotool.

/** The ids of the visible windows titled `title` (none when it has closed). */
function windowsTitled(title) {
  try {
    return execFileSync('xdotool', ['search', '--onlyvisible', '--name', title], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** Gives the keyboard to the window titled `title`; false while it can't take it yet. */
function focusWindow(title) {
  for (const id of windowsTitled(title)) {
    try {
      execFileSync('xdotool', ['windowfocus', '--sync', id], { stdio: 'ignore', timeout: 5_000 });
      return true;
    } catch {
      // Not ready for the keyboard yet (or not the dialog itself).
    }
  }
  return false;
}

/**
 * Types `path` into the system's file window titled `title`, as a person
 * would, and waits for it to close. `save`: a "save as" window.
 */
export async function chooseInFileWindow(app, title, path, screenshotFile = null, { save = false } = {}) {
  await app.waitFor(() => focusWindow(title), { timeout: 20_000, message: `the file window "${title}"` });
  // Ctrl+L opens the file window's location box (a save window's name box
  // takes a whole path as it is); then the path and Enter.
  if (!save) execFileSync('xdotool', ['key', '--clearmodifiers', 'ctrl+l']);
  else execFileSync('xdotool', ['key', '--clearmodifiers', 'ctrl+a']);
  execFileSync('xdotool', ['type', '--delay', '20', path]);
  // The whole screen, file window included (WebDriver sees only the page).
  if (screenshotFile) execFileSync('import', ['-window', 'root', screenshotFile]);
  // Enter may come while the box is still completing the path: as a person
  // would, press it again if the window is still open a moment later.
  for (let attempt = 0; attempt < 4 && windowsTitled(title).length > 0; attempt++) {
    await new Promise((r) => setTimeout(r, 500));
    if (focusWindow(title)) execFileSync('xdotool', ['key', 'Return']);
    await app
      .waitFor(() => windowsTitled(title).length === 0, { timeout: 3_000, message: 'the file window to close' })
      .catch(() => {});
  }
  assert.equal(windowsTitled(title).length, 0, 'the file window closed with the file chosen');
}
