// Reports, end to end, in the real app: a therapist shows the register of the
// group the first scenario marked, saves it as CSV, Excel and PDF, and the
// numbers in each file are the numbers on the screen; the session's own
// register screen shows the same marks. Then everything held about one person
// is saved, and another person's record is erased while the register's
// totals stay as they were.
//
// Run through tests/e2e/run.sh after the earlier scenarios (it uses their
// data); REFRAIN_EXPORTS_DIR is the reports folder.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { inflateRawSync } from 'node:zlib';
import { newSession } from './webdriver.mjs';
import { choose, closeApp, fill, heading, nav, openRecords, press, scenario, use } from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const EXPORTS = process.env.REFRAIN_EXPORTS_DIR;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';
const GROUP = 'Tuesday Sing-along';
/** Whose records are saved (01 and 03 gave her marks, scores and a note). */
const ACCESS = 'Margaret Ellis';
/** Whose referrer gets feedback (the test records his consent first). */
const REFERRED = 'Arthur Bennett';
/** Who is erased (01 marked her "apologies", so she counts as expected). */
const ERASE = 'Doreen Walsh';

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;
const shot = (name) => app.screenshot(join(ARTIFACTS, name));

before(() => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must point at the app (run tests/e2e/run.sh)');
  assert.ok(EXPORTS, 'REFRAIN_EXPORTS_DIR must be set (run tests/e2e/run.sh)');
});

after(async () => {
  await closeApp(app, join(ARTIFACTS, 'reports-failure.png'));
  app = null;
});

// ---------------------------------------------------------------------------
// Reading the files as another program would.

/** RFC 4180 CSV (quotes, doubled quotes, CRLF) into rows of cells. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell.replace(/\r$/, '')), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

/** One member of a zip file (an .xlsx is one), by its name. */
function unzip(buf, name) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'a zip file');
  let at = buf.readUInt32LE(eocd + 16);
  const count = buf.readUInt16LE(eocd + 10);
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const entry = buf.toString('utf8', at + 46, at + 46 + nameLen);
    if (entry === name) {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    }
    at += 46 + nameLen + extra + comment;
  }
  throw new Error(`${name} not in the zip`);
}

const unescapeXml = (s) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The first sheet of an .xlsx as rows of cell texts (by column letter). */
function readXlsx(file) {
  const buf = readFileSync(file);
  const shared = [...unzip(buf, 'xl/sharedStrings.xml').matchAll(/<si>(.*?)<\/si>/gs)].map((m) =>
    unescapeXml([...m[1].matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((t) => t[1]).join('')),
  );
  const sheet = unzip(buf, 'xl/worksheets/sheet1.xml');
  const rows = new Map();
  for (const m of sheet.matchAll(/<c r="([A-Z]+)(\d+)"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
    const [, col, r, attrs, inner = ''] = m;
    const v = /<v>(.*?)<\/v>/s.exec(inner)?.[1];
    if (v === undefined) continue;
    const text = /t="s"/.test(attrs) ? shared[Number(v)] : v;
    if (!rows.has(Number(r))) rows.set(Number(r), new Map());
    rows.get(Number(r)).set(col, text);
  }
  return { rows, frozen: /state="frozen"/.test(sheet) };
}

const col = (n) => {
  let s = '';
  for (n += 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

// ---------------------------------------------------------------------------

/** The register on the Reports screen, as a person reads it. */
async function registerOnScreen() {
  return app.executeScript(
    `const t = document.querySelector('.register-table');
     const text = (el) => el.textContent.trim();
     return {
       summary: text(document.querySelector('[data-testid=register-summary]')),
       head: [...t.querySelectorAll('thead th')].map(text),
       rows: [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map(text)),
       foot: [...t.querySelectorAll('tfoot tr')[0].children].map(text),
     };`,
    [],
  );
}

/**
 * What a "Saved ..." line names (the one for the file starting `prefix` and
 * ending `ext`; each card has its own line): the file in the reports folder.
 */
async function savedFile(prefix, ext) {
  let name = '';
  await app.waitFor(
    async () => {
      for (const el of await app.findElements('xpath', "//*[contains(@class,'export-status')]//strong[contains(@class,'export-file')]")) {
        const text = (await el.getText()).trim();
        if (text.startsWith(prefix) && text.endsWith(ext)) name = text;
      }
      return name !== '';
    },
    { timeout: 30_000, message: `the "Saved" line for ${prefix}…${ext}` },
  );
  const file = join(EXPORTS, name);
  assert.ok(existsSync(file), `${name} in the reports folder: ${readdirSync(EXPORTS).join(', ')}`);
  return file;
}

/** Save from the register card, and wait for its "Saved" line to name a new file. */
async function saveRegister(format) {
  const before = new Set(existsSync(EXPORTS) ? readdirSync(EXPORTS) : []);
  await press(`Save ${format} of the register`);
  await app.waitFor(() => existsSync(EXPORTS) && readdirSync(EXPORTS).some((f) => !before.has(f) && !f.endsWith('.part')), {
    timeout: 30_000,
    message: `the ${format} file`,
  });
  return savedFile('Register ', { CSV: '.csv', Excel: '.xlsx', PDF: '.pdf' }[format]);
}

const step = scenario();

test('save the register as CSV, Excel and PDF: the files say what the screens say', { timeout: 240_000 }, async (t) => {
  let screen = null;
  /** The CSV file's rows, header first. */
  let csv = [];

  await step(t, 'show the register', async () => {
    app = await newSession(APP);
    use(app);
    await openRecords();
    await nav('Reports');
    await choose('Group', GROUP);
    await press('Show the register');
    await app.waitForXPath("//*[@data-testid='register-summary']", { message: 'the register' });
    screen = await registerOnScreen();
    assert.ok(screen.rows.length >= 3, `people on the register: ${JSON.stringify(screen.rows)}`);
    assert.match(screen.summary, /\d+ of \d+/);
    await shot('05-reports-register.png');
  });

  await step(t, 'the CSV holds the same marks and totals', async () => {
    const file = await saveRegister('CSV');
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith('\ufeff'), 'a byte-order mark, for Excel');
    const rows = parseCsv(text.slice(1));
    assert.deepEqual(rows[0], ['Attendance register', GROUP]);
    const h = rows.findIndex((r) => r[0] === 'Person');
    csv = rows.slice(h);
    assert.ok(h > 0, 'the table heading');
    const n = screen.head.length;
    for (const [i, shown] of screen.rows.entries()) {
      const inFile = rows[h + 1 + i];
      assert.equal(inFile[0], shown[0], 'the same people in the same order');
      // Marks: the screen's words, in lower case, and nothing where the screen shows nothing.
      for (let c = 1; c < n - 3; c++) assert.equal(inFile[c], shown[c].toLowerCase(), `${shown[0]}, column ${c}`);
      // Came, expected, rate.
      assert.equal(inFile[n - 3], shown[n - 3]);
      assert.equal(inFile[n - 2], shown[n - 2]);
      assert.equal(`${inFile[n - 1]}%`, shown[n - 1]);
    }
    const totals = rows[h + 1 + screen.rows.length];
    assert.equal(totals[0], 'Attended (per session)');
    assert.equal(totals[n - 3], screen.foot[n - 3], 'places taken');
    assert.equal(totals[n - 2], screen.foot[n - 2], 'places expected');
  });

  await step(t, 'the Excel file holds the same, with its header frozen', async () => {
    const file = await saveRegister('Excel');
    const { rows, frozen } = readXlsx(file);
    assert.ok(frozen, 'the header row and names are frozen');
    const header = [...rows.entries()].find(([, r]) => r.get('A') === 'Person');
    assert.ok(header, 'the table heading');
    const n = screen.head.length;
    for (const [i, shown] of screen.rows.entries()) {
      const r = rows.get(header[0] + 1 + i);
      assert.equal(r.get('A'), shown[0]);
      assert.equal(r.get(col(n - 3)), shown[n - 3], `${shown[0]} came`);
      assert.equal(r.get(col(n - 2)), shown[n - 2], `${shown[0]} expected`);
    }
    const totals = rows.get(header[0] + 1 + screen.rows.length);
    assert.equal(totals.get('A'), 'Attended (per session)');
    assert.equal(totals.get(col(n - 3)), screen.foot[n - 3]);
    assert.equal(totals.get(col(n - 2)), screen.foot[n - 2]);
  });

  await step(t, 'the PDF names the group on every page and has the totals', async () => {
    const file = await saveRegister('PDF');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const pages = text.split('\f').filter((p) => p.trim());
    for (const p of pages) assert.ok(p.includes(`Attendance register: ${GROUP}`), 'the group on every page');
    for (const r of screen.rows) assert.ok(text.includes(r[0]), `${r[0]} in the PDF`);
    const [, came, expected] = /(\d+) of (\d+)/.exec(screen.summary);
    assert.ok(text.includes(`${came} of ${expected} expected places`), 'the totals');
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', file, join(ARTIFACTS, '05-reports-register-pdf')]);
  });

  await step(t, "the session's register screen shows the same marks", async () => {
    await nav('Groups');
    await press(GROUP);
    await heading(GROUP);
    await press('Open register', { startsWith: true });
    await heading(GROUP);
    const pressed = await app.executeScript(
      `return [...document.querySelectorAll('[data-testid=register-row] button[aria-pressed=true]')]
         .map((b) => b.getAttribute('aria-label'))
         .filter((l) => !l.startsWith('Carer came'));`,
      [],
    );
    // Today's session is the one "Open register" opened: its column in the CSV.
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const c = csv[0].indexOf(today);
    assert.ok(c > 0, `today's session (${today}) in the CSV: ${csv[0].join(', ')}`);
    const inFile = csv
      .slice(1)
      .filter((r) => r[c] && !r[0].includes('(per session)'))
      .map((r) => `${r[c][0].toUpperCase()}${r[c].slice(1)} ${r[0]}`)
      .sort();
    assert.deepEqual([...pressed].sort(), inFile, 'the marks on the register screen are the marks in the file');
    await shot('05-reports-session.png');
  });

  await step(t, "every group's register in one workbook", async () => {
    await nav('Reports');
    const before = new Set(readdirSync(EXPORTS));
    await press("Save Excel of every group's register");
    await app.waitFor(() => readdirSync(EXPORTS).some((f) => !before.has(f) && f.startsWith('Registers ')), {
      timeout: 30_000,
      message: 'the workbook',
    });
    const file = join(EXPORTS, readdirSync(EXPORTS).find((f) => !before.has(f) && f.startsWith('Registers ')));
    const sheets = unzip(readFileSync(file), 'xl/workbook.xml');
    assert.ok(sheets.includes(`name="${GROUP}"`), `a sheet for ${GROUP}: ${sheets}`);
  });

  await step(t, 'a programme summary: the figures on screen are the figures in the PDF', async () => {
    await fill('In your own words (optional)', 'People told us the singing lifted their week.');
    await press('Show the figures');
    const figures = await app.waitForXPath("//*[@data-testid='programme-figures']", { message: 'the figures' });
    const text = await figures.getText();
    const attendance = /Attendance\s*(\d+) of (\d+) expected places \(([\d.]+)%\)/.exec(text);
    assert.ok(attendance, `the attendance figure: ${text}`);
    await app.executeScript('arguments[0].scrollIntoView({ block: "center" })', [figures]);
    await shot('05-reports-programme.png');
    const before = new Set(readdirSync(EXPORTS));
    await press('Save PDF of the programme summary');
    await app.waitFor(() => readdirSync(EXPORTS).some((f) => !before.has(f) && f.startsWith('Programme summary')), {
      timeout: 30_000,
      message: 'the summary PDF',
    });
    const file = await savedFile('Programme summary', '.pdf');
    const pdf = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    assert.ok(pdf.includes(`${attendance[3]}% (${attendance[1]} of ${attendance[2]} expected places)`), pdf);
    assert.ok(pdf.includes('People told us the singing lifted their week.'), 'the narrative');
    assert.ok(pdf.includes(GROUP));
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', file, join(ARTIFACTS, '05-reports-programme-pdf')]);
  });

  await step(t, 'feedback for a referrer, once the person has agreed to share', async () => {
    await nav('Attendees');
    await press(REFERRED);
    await heading(REFERRED);
    await app.waitForXPath("//*[contains(., 'have not agreed to their outcomes being shared')]", {
      message: 'no feedback without consent',
    });
    const offered = await app.findElements('xpath', "//button[@aria-label='Save PDF of the feedback']");
    assert.equal(offered.length, 0, 'no feedback without consent');
    await press('Edit record');
    await (await app.waitForXPath("//label[normalize-space(.)='Consent to share outcomes with the referrer']")).click();
    await press('Save attendee');
    await fill('Your summary for the referrer', 'Arthur has come every week and joins in the chorus.');
    const before = new Set(readdirSync(EXPORTS));
    await press('Save PDF of the feedback');
    await app.waitFor(() => readdirSync(EXPORTS).some((f) => !before.has(f) && f.startsWith('Feedback')), {
      timeout: 30_000,
      message: 'the feedback PDF',
    });
    const file = await savedFile('Feedback', '.pdf');
    const pdf = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    assert.ok(pdf.includes(`Feedback for the referrer`) && pdf.includes(REFERRED), pdf);
    assert.ok(pdf.includes('Arthur has come every week and joins in the chorus.'), 'the summary');
    await shot('05-reports-feedback.png');
  });

  await step(t, 'save everything held about one person', async () => {
    await nav('Attendees');
    await press(ACCESS);
    await heading(ACCESS);
    const before = new Set(existsSync(EXPORTS) ? readdirSync(EXPORTS) : []);
    await press('Save PDF of everything held about them');
    await app.waitFor(() => readdirSync(EXPORTS).some((f) => !before.has(f) && f.startsWith('Subject access')), {
      timeout: 30_000,
      message: 'the subject access PDF',
    });
    const file = await savedFile('Subject access', '.pdf');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    assert.ok(text.includes(`What Refrain holds about ${ACCESS}`));
    assert.ok(text.includes(GROUP), 'their group');
    assert.ok(text.includes('Every change to their records'), 'the audit trail');
    await shot('05-reports-person.png');
  });

  await step(t, "erase a person: they are gone, and the register's totals stand", async () => {
    await nav('Reports');
    await choose('Group', GROUP);
    await press('Show the register');
    await app.waitForXPath(`//*[@data-testid='register-summary']`);
    const before = await registerOnScreen();
    assert.ok(before.rows.some((r) => r[0] === ERASE), `${ERASE} on the register`);

    await nav('Attendees');
    await press(ERASE);
    await heading(ERASE);
    await press(`Erase ${ERASE}'s record…`);
    await fill('Why (for example, “asked in writing on 3 March”)', 'Asked by email');
    await fill(`Type their full name to confirm: ${ERASE}`, ERASE);
    await shot('05-reports-erase.png');
    await press('Erase for good');
    await app.waitForXPath("//*[contains(., 'This record was erased on request')]", { message: 'the erased record' });

    await nav('Reports');
    await choose('Group', GROUP);
    await press('Show the register');
    await app.waitForXPath(`//*[@data-testid='register-summary']`);
    const after = await registerOnScreen();
    assert.ok(!after.rows.some((r) => r[0] === ERASE), `${ERASE} is no longer named`);
    assert.ok(after.rows.some((r) => r[0].startsWith('Erased person')), 'an anonymous entry instead');
    assert.equal(after.summary, before.summary, 'the same totals');
    assert.deepEqual(after.foot, before.foot, 'the same per-session totals');
  });
});
