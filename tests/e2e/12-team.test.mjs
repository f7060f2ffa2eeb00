// A team, end to end, with Refrain's own Syncthing carrying the files on
// loopback. The office is the real window; therapists A and B are two more
// copies of Refrain over their own data folders, each with its own
// Syncthing, driven through refrain-cli (`team carry` runs the app's own
// sync loop; their windows would add nothing here); the charity's hub is a
// fourth Syncthing (`refrain-cli hub`) that holds only encrypted files.
//
// The office starts the team and gives the hub; A and B join in person (the
// invitation and each request to join carried as files, the office typing
// each laptop's code); A receives the Thursday and Wednesday groups, B the
// Thursday one. Then: a mark made on A reaches the office's window; B holds
// none of the Wednesday group's people, and the hub no name at all; an
// erasure at the office removes the person from A and B; A and
// the office mark the same person while A is cut off (its Syncthing killed),
// and once A is back both show the same mark and the office lists what was
// overwritten; B, removed, gets no new changes. The app's launch is traced
// with its sends (trace-sends), so the offline proof checks that its
// Syncthing reached only the hub and local discovery. Every new screen is
// audited with axe-core.
//
// Run through tests/e2e/run.sh after the earlier scenarios (it uses their
// sample groups; alone, REFRAIN_E2E_ONLY=12 loads them).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { newSession, xpathLiteral } from './webdriver.mjs';
import { assertAccessible } from './axe.mjs';
import { chooseInFileWindow, closeApp, fill, heading, nav, openRecords, press, scenario, use } from './person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
/** The app itself (REFRAIN_APP_BIN is the tracing wrapper): refrain-cli is beside it. */
const CLI = join(dirname(process.env.REFRAIN_E2E_APP_UNTRACED || APP || '.'), 'refrain-cli');
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';
/**
 * The group both therapists receive, with people and a session that has
 * happened: the sample data's when this runs alone, else the register
 * scenario's (01), which the later scenarios leave as it is.
 */
let THURSDAY = 'Thursday Singing for the Brain';
const FIRST_GROUPS = ['Tuesday Sing-along', 'Thursday Singing for the Brain'];
/**
 * A second group, with people of its own: the sample data's when this runs
 * alone, else one an earlier scenario made.
 */
let WEDNESDAY = 'Wednesday Drop-in';
const SECOND_GROUPS = ['Wednesday Drop-in', 'Wednesday Welcome Choir', 'Wednesday Welcome Songs'];

/** @type {import('./webdriver.mjs').Session | null} */
let app = null;
let work = '';
const running = [];
const shot = (name) => app.screenshot(join(ARTIFACTS, name));
const marker = process.env.REFRAIN_E2E_TRACES ? join(process.env.REFRAIN_E2E_TRACES, 'trace-sends') : null;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** One of the therapists' laptops: refrain-cli over its own data folder. */
class Laptop {
  constructor(name, dir, port) {
    Object.assign(this, { name, dir, port });
    mkdirSync(dir, { recursive: true });
  }
  cli(...args) {
    return execFileSync(CLI, ['--data-dir', this.dir, ...args], {
      encoding: 'utf8',
      env: { ...process.env, REFRAIN_DATA_DIR: '', REFRAIN_PASSPHRASE: `${this.name} a quiet harbour lantern` },
    });
  }
  json(...args) {
    return JSON.parse(this.cli(...args, '--json'));
  }
  register(session) {
    return JSON.parse(this.cli('register', '--session', session));
  }
  markOf(session, person) {
    return this.register(session).entries.find((e) => e.attendeeId === person)?.mark ?? null;
  }
  /** `team carry` in the background: its own Syncthing, syncing every second. */
  carry() {
    const child = spawn(
      CLI,
      ['--data-dir', this.dir, 'team', 'carry', '--folder', join(this.dir, 'team-files'), '--carrier-home', join(this.dir, 'syncthing'),
        '--listen', `tcp://127.0.0.1:${this.port}`, '--no-local-discovery', '--until-file', join(work, 'stop')],
      { stdio: 'ignore', env: { ...process.env, REFRAIN_DATA_DIR: '', REFRAIN_PASSPHRASE: `${this.name} a quiet harbour lantern` } },
    );
    running.push(child);
    this.carrying = child;
  }
  /** Cut off at once, as a laptop shut with no warning: its Syncthing ends with it. */
  async cutOff() {
    const child = this.carrying;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    // Syncthing ends with the process that started it (PR_SET_PDEATHSIG).
    await until(`${this.name}'s Syncthing has ended`, () => !syncthingRunning(join(this.dir, 'syncthing')), 15_000);
  }
}

function syncthingRunning(home) {
  // `--` ends pgrep's own options: the pattern itself starts with "--".
  // pgrep exits 1 when nothing matches; anything else is an error to see.
  try {
    return execFileSync('pgrep', ['-f', '--', `--home=${home}`], { encoding: 'utf8' }).trim() !== '';
  } catch (e) {
    if (e.status === 1) return false;
    throw e;
  }
}

async function until(what, f, timeout = 60_000) {
  const t0 = Date.now();
  for (;;) {
    if (await f()) return Date.now() - t0;
    if (Date.now() - t0 > timeout) throw new Error(`timed out after ${timeout} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function filesUnder(dir) {
  const out = [];
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

let a;
let b;
let hubHome = '';
let hubId = '';
let hubPort = 0;

before(async () => {
  assert.ok(APP && existsSync(APP), 'REFRAIN_APP_BIN must point at the app (run tests/e2e/run.sh)');
  assert.ok(existsSync(CLI), `refrain-cli beside the app (${CLI}); cargo test builds it`);
  work = mkdtempSync(join(tmpdir(), 'refrain-e2e-team-'));
  // The office's launch is traced with its sends: its Syncthing's local
  // discovery is UDP.
  if (marker) writeFileSync(marker, '');
  a = new Laptop('Therapist A', join(work, 'a'), await freePort());
  b = new Laptop('Therapist B', join(work, 'b'), await freePort());
  hubHome = join(work, 'hub', 'syncthing');
  hubPort = await freePort();
  const out = execFileSync(CLI, ['--data-dir', join(work, 'hub', 'data'), 'hub', '--home', hubHome, '--id'], { encoding: 'utf8' });
  hubId = /The hub's ID: (\S+)/.exec(out)?.[1] ?? '';
  assert.match(hubId, /^[A-Z2-7]{7}(-[A-Z2-7]{7}){7}$/, out);
});

after(async () => {
  await closeApp(app, join(ARTIFACTS, 'team-failure.png'));
  app = null;
  if (marker) rmSync(marker, { force: true });
  if (work) {
    writeFileSync(join(work, 'stop'), '');
    await Promise.all(
      running.filter((c) => c.exitCode === null && c.signalCode === null).map(
        (c) => new Promise((r) => {
          const t = setTimeout(() => { c.kill('SIGKILL'); r(); }, 20_000);
          c.once('exit', () => { clearTimeout(t); r(); });
        }),
      ),
    );
    if (!process.env.REFRAIN_E2E_KEEP) rmSync(work, { recursive: true, force: true });
  }
});

const step = scenario();

/** The office takes a laptop's request to join from its file and accepts it with these groups. */
async function accept(laptop, requestFile, code, groups) {
  await press('Open a request to join…');
  await chooseInFileWindow(app, "Choose the new laptop's request to join", requestFile, join(ARTIFACTS, `12-team-open-request-${laptop.name.at(-1)}.png`));
  const form = `//form[.//button[normalize-space(.)=${xpathLiteral(`Accept ${laptop.name}`)}]]`;
  await app.waitForXPath(form, { timeout: 20_000, message: `${laptop.name} waiting to join` });
  await fill(`The code on ${laptop.name}'s screen`, code.toLowerCase());
  if (laptop === b) groups = [THURSDAY];
  if (laptop === a) {
    const labels = [];
    for (const l of await app.findElements('xpath', `${form}//fieldset//label`)) labels.push((await l.getText()).trim());
    THURSDAY = FIRST_GROUPS.find((g) => labels.includes(g)) ?? assert.fail(`no first group among ${labels.join(', ')}`);
    WEDNESDAY = SECOND_GROUPS.find((g) => labels.includes(g)) ?? assert.fail(`no second group among ${labels.join(', ')}`);
    groups = [THURSDAY, WEDNESDAY];
  }
  for (const g of groups) {
    await (await app.waitForXPath(`${form}//fieldset//label[normalize-space(.)=${xpathLiteral(g)}]/input`)).click();
  }
  if (laptop === a) {
    await shot('12-team-waiting.png');
    await assertAccessible(app, 'Team (a laptop waiting to join)');
  }
  await press(`Accept ${laptop.name}`);
  await app.waitForXPath("//*[starts-with(normalize-space(.), 'Accepted.')]", { timeout: 20_000 });
}

test('a team of three laptops and a hub, carried by Syncthing', { timeout: 600_000 }, async (t) => {
  const invitation = join(work, 'stick', 'invitation.json');
  mkdirSync(dirname(invitation), { recursive: true });
  let officeId = '';
  let session = '';
  let person = '';
  let sessionGroup = THURSDAY;

  await step(t, 'no team yet: the Team screen says nothing is shared', async () => {
    app = await newSession(APP);
    use(app);
    await openRecords();
    // Run on its own (REFRAIN_E2E_ONLY=12), the records start empty: the
    // sample data gives the office its groups.
    const sample = await app.findElements('xpath', "//button[normalize-space(.)='Load sample data']");
    if (sample.length > 0) {
      await press('Load sample data');
      await heading('This week');
    }
    await nav('Team');
    await app.waitForXPath("//*[contains(., 'This laptop is not in a team')]");
    await shot('12-team-none.png');
    await assertAccessible(app, 'Team (no team yet)');
  });

  await step(t, 'start the team at the office and give it the hub', async () => {
    await fill("The team's name", 'Hall Lane Music');
    await fill("The office laptop's name", 'Office laptop');
    await press('Start the team');
    await app.waitForXPath("//h2[normalize-space(.)='Hall Lane Music: this laptop']", { timeout: 20_000, message: 'the team to be set up' });
    officeId = (await (await app.waitForXPath("//dd[contains(@class, 'team-carrier-id')]")).getText()).trim();
    assert.match(officeId, /^[A-Z2-7]{7}(-[A-Z2-7]{7}){7}$/);
    // A mistyped ID is refused in words, beside nothing saved.
    await fill("The hub's ID", 'not-an-id');
    await fill("The hub's address", `tcp://127.0.0.1:${hubPort}`);
    await press('Save the hub');
    await app.waitForXPath("//*[@role='alert'][contains(., 'not a Syncthing device ID')]", { timeout: 20_000 });
    await fill("The hub's ID", hubId);
    await press('Save the hub');
    await app.waitForXPath("//*[starts-with(normalize-space(.), 'Saved.')]", { timeout: 20_000 });
    await app.waitForXPath(`//dd[normalize-space(.)=${xpathLiteral(`tcp://127.0.0.1:${hubPort}`)}]`);
  });

  await step(t, "save an invitation in the system's save window", async () => {
    await press('Save an invitation…');
    await chooseInFileWindow(app, 'Save the invitation on a USB stick', invitation, join(ARTIFACTS, '12-team-save-window.png'), { save: true });
    await app.waitForXPath("//*[starts-with(normalize-space(.), 'Invitation saved.')]", { timeout: 20_000 });
    const saved = JSON.parse(readFileSync(invitation, 'utf8'));
    assert.equal(saved.teamName, 'Hall Lane Music');
    assert.equal(saved.hubId, hubId);
    assert.equal(saved.officeCarrierId, officeId);
    assert.ok(!JSON.stringify(saved).match(/Margaret|Ellis/), "the invitation holds no one's name");
  });

  await step(t, 'A and B join in person: each shows a code and saves its request', async () => {
    for (const l of [a, b]) {
      const out = l.cli('team', 'join', '--invitation', invitation, '--laptop', l.name, '--carrier-home', join(l.dir, 'syncthing'));
      l.code = /Read this code to the office: (\S+)/.exec(out)?.[1] ?? '';
      assert.match(l.code, /^[2-9A-Z]{4}-[2-9A-Z]{4}$/, out);
      l.request = join(work, 'stick', `${l.name.replace(' ', '-')}.json`);
      l.cli('team', 'request', '--out', l.request);
      l.carrierId = JSON.parse(l.cli('team', 'status', '--json')).carrierId;
    }
  });

  await step(t, 'the office opens each request, types its code and gives it its groups', async () => {
    await accept(a, a.request, a.code, [THURSDAY, WEDNESDAY]);
    await accept(b, b.request, b.code, ['(the first group)']);
    for (const [l, g] of [[a, WEDNESDAY], [b, THURSDAY]]) {
      await app.waitForXPath(`//table//tr[th[contains(., ${xpathLiteral(l.name)})]][td[contains(., ${xpathLiteral(g)})]]`, {
        message: `${l.name} listed with ${g}`,
      });
    }
  });

  await step(t, 'the hub and the laptops start: each receives its groups, and only those', async () => {
    const hub = spawn(
      CLI,
      ['--data-dir', join(work, 'hub', 'data'), 'hub', '--home', hubHome, '--root', join(work, 'hub', 'files'), '--listen', `tcp://127.0.0.1:${hubPort}`,
        '--laptop', `${officeId}@tcp://127.0.0.1:22000`, '--laptop', `${a.carrierId}@tcp://127.0.0.1:${a.port}`,
        '--laptop', `${b.carrierId}@tcp://127.0.0.1:${b.port}`, '--until-file', join(work, 'stop')],
      { stdio: 'ignore' },
    );
    running.push(hub);
    a.carry();
    b.carry();
    const took = await until('A and B have their groups', () => {
      const ga = a.json('list', 'groups').map((g) => g.name).sort();
      const gb = b.json('list', 'groups').map((g) => g.name);
      return ga.length === 2 && gb.length === 1;
    }, 120_000);
    console.log(`# A and B received their groups ${took} ms after their Syncthing started`);
    assert.deepEqual(a.json('list', 'groups').map((g) => g.name).sort(), [THURSDAY, WEDNESDAY]);
    assert.deepEqual(b.json('list', 'groups').map((g) => g.name), [THURSDAY]);
  });

  await step(t, "B holds none of the Wednesday group's people, and the hub no name at all", async () => {
    const onA = a.json('list', 'attendees');
    const wednesdayOnly = onA.filter((p) => p.groups.includes(WEDNESDAY) && !p.groups.includes(THURSDAY)).map((p) => p.fullName);
    assert.ok(wednesdayOnly.length > 0, 'the Wednesday group has people of its own');
    const onB = b.json('list', 'attendees').map((p) => p.fullName);
    for (const n of wednesdayOnly) assert.ok(!onB.includes(n), `${n} is on B`);
    const secrets = [...onA.map((p) => p.fullName), THURSDAY, WEDNESDAY];
    const search = (dir) => {
      for (const f of filesUnder(dir)) {
        const text = readFileSync(f).toString('latin1');
        for (const s of secrets) assert.ok(!text.includes(s), `${s} in ${f}`);
      }
    };
    search(b.dir);
    const hubFiles = filesUnder(join(work, 'hub', 'files'));
    assert.ok(hubFiles.some((f) => f.endsWith('.rfc')), 'the hub holds the change files');
    search(join(work, 'hub', 'files'));
  });

  await step(t, "a mark made on A reaches the office's window", async () => {
    // A session that has happened (who came can be marked): the Thursday
    // group's, else the second group's (run after the other scenarios,
    // the Thursday group may have only sessions to come).
    const today = new Date().toISOString().slice(0, 10);
    const groupsOnA = a.json('list', 'groups');
    for (const name of [THURSDAY, WEDNESDAY]) {
      const g = groupsOnA.find((x) => x.name === name);
      const s = a.json('list', 'sessions', '--group', g.id).find((x) => x.status !== 'cancelled' && x.date <= today);
      if (s) {
        [session, sessionGroup] = [s.id, name];
        break;
      }
    }
    assert.ok(session, 'a session that has happened');
    const entries = a.register(session).entries;
    person = entries[0].attendeeId;
    await app.executeScript('location.hash = arguments[0]', [`#/sessions/${encodeURIComponent(session)}`]);
    await heading(sessionGroup);
    const name = entries[0].fullName;
    const [mark, label] = entries[0].mark === 'apologies' ? ['absent', 'Absent'] : ['apologies', 'Apologies'];
    const t0 = Date.now();
    a.cli('mark', '--session', session, '--person', person, '--as', mark);
    await app.waitForXPath(`//button[@aria-label=${xpathLiteral(`${label} ${name}`)} and @aria-pressed='true']`, {
      timeout: 60_000,
      message: "A's mark on the office's register",
    });
    console.log(`# a mark on A was on the office's screen ${Date.now() - t0} ms later (through the hub)`);
    if (sessionGroup === THURSDAY) {
      const onB = await until("A's mark on B", () => b.markOf(session, person) === mark, 60_000);
      console.log(`# and in B's records ${onB} ms after that`);
    }
  });

  await step(t, 'an erasure made at the office removes the person from A and B', async () => {
    // Someone B holds if there is one (B receives the Thursday group only),
    // else someone of the group A's register was taken for.
    const others = (l) => l.json('list', 'attendees').filter((p) => p.id !== person);
    const gone = others(b).at(-1) ?? others(a).filter((p) => p.groups.includes(sessionGroup)).at(-1);
    assert.ok(gone, 'someone to erase');
    gone.attendeeId = gone.id;
    assert.ok(a.json('list', 'attendees').some((p) => p.fullName === gone.fullName), `${gone.fullName} is on A to begin with`);
    await app.executeScript('location.hash = arguments[0]', [`#/attendees/${encodeURIComponent(gone.attendeeId)}`]);
    await heading(gone.fullName);
    await press(`Erase ${gone.fullName}'s record…`);
    await fill('Why (for example, “asked in writing on 3 March”)', 'Asked in writing');
    await fill(`Type their full name to confirm: ${gone.fullName}`, gone.fullName);
    await press('Erase for good');
    await app.waitForXPath("//*[contains(., 'This record was erased on request')]", { message: 'the erased record' });
    const took = await until(`${gone.fullName} is gone from A and B`, () => {
      const names = [...a.json('list', 'attendees'), ...b.json('list', 'attendees')].map((p) => p.fullName);
      return !names.includes(gone.fullName);
    }, 60_000);
    console.log(`# an erasure at the office reached A and B within ${took} ms`);
  });

  await step(t, 'A and the office mark the same person while A is cut off; both then show the same, and what lost is listed', async () => {
    await app.executeScript('location.hash = arguments[0]', [`#/sessions/${encodeURIComponent(session)}`]);
    await heading(sessionGroup);
    await a.cutOff();
    const name = a.register(session).entries.find((e) => e.attendeeId === person).fullName;
    a.cli('mark', '--session', session, '--person', person, '--as', 'late');
    // The office marks later, so its mark is the one that stands.
    await new Promise((r) => setTimeout(r, 1500));
    await press(`Present ${name}`);
    await app.waitForXPath(`//button[@aria-label=${xpathLiteral(`Present ${name}`)} and @aria-pressed='true']`);
    a.carry();
    await until('A has the office\'s mark', () => a.markOf(session, person) === 'present', 90_000);
    if (sessionGroup === THURSDAY) await until('B has it too', () => b.markOf(session, person) === 'present', 60_000);
    await app.waitForXPath(`//button[@aria-label=${xpathLiteral(`Present ${name}`)} and @aria-pressed='true']`);
    await nav('Team');
    await press('Sync now');
    await app.waitForXPath("//ul[contains(@class, 'team-decisions')]/li", { timeout: 60_000, message: 'the decisions listed' });
    const listed = await (await app.waitForXPath("//ul[contains(@class, 'team-decisions')]")).getText();
    assert.ok(listed.includes(name), listed);
    await app.waitForXPath("//dd[contains(@class, 'team-freshness')][starts-with(normalize-space(.), 'Synced')]", { timeout: 30_000 });
    await app.executeScript("document.querySelector('.team-decisions')?.scrollIntoView({ block: 'center' })");
    await shot('12-team-decisions.png');
    await app.executeScript("document.querySelector('.team-table')?.scrollIntoView({ block: 'center' })");
    await shot('12-team.png');
    await assertAccessible(app, 'Team (the office with its laptops, and what was decided)');
  });

  await step(t, 'B, removed, gets no new changes', async () => {
    await press(`Remove ${b.name}`);
    await press(`Remove ${b.name}`); // the confirmation
    await app.waitForXPath(`//*[contains(normalize-space(.), ${xpathLiteral(`${b.name} was removed.`)})]`, { timeout: 20_000 });
    await press('Sync now');
    await until('B has learnt it was removed', () => /removed this laptop/.test(b.cli('team', 'status')), 90_000);
    assert.deepEqual(b.json('list', 'groups'), [], "B removed its copy of the team's groups");
    // A's next change is made under the group's new key, which B never
    // receives: B's records stay as they were (it holds none of the group).
    a.cli('mark', '--session', session, '--person', person, '--as', 'absent');
    await new Promise((r) => setTimeout(r, 5000));
    assert.deepEqual(b.json('list', 'groups'), []);
    await app.waitForXPath(`//table//tr[th[contains(., ${xpathLiteral(b.name)})]]//*[contains(., 'Removed')]`, { timeout: 20_000 });
    await shot('12-team-removed.png');
  });

  await step(t, 'the register, opened again, says A changed it since', async () => {
    await until("A's last mark is on the office's records", async () => {
      await app.executeScript('location.hash = arguments[0]', [`#/sessions/${encodeURIComponent(session)}`]);
      await heading(sessionGroup);
      const sign = await app.findElements('xpath', "//*[contains(@class, 'changed-elsewhere')]");
      if (sign.length === 0) {
        await nav('Team');
        return false;
      }
      return true;
    }, 60_000);
    const sign = await (await app.waitForXPath("//*[contains(@class, 'changed-elsewhere')]")).getText();
    assert.match(sign, /^Changed on Therapist A since you last opened this register/, sign);
    await shot('12-team-changed-elsewhere.png');
    await assertAccessible(app, 'a register changed on another laptop');
  });
});
