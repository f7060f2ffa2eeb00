// What a team costs a laptop while nothing happens (docs/team-sharing.md,
// "Measured"): the real app in the real window on Today, first with no team,
// then as the office of a team whose Syncthing is connected to a hub and a
// therapist's laptop, each state measured over the same window, side by side
// in one run. CPU is utime+stime from /proc of the app, its WebKit processes
// and its Syncthing; memory is their resident sets. Run on demand, not in
// the tests:
//
//   bash tests/e2e/bench/team-idle.sh [SECONDS]     # each window (300)
//
// The hub and the therapist's laptop are refrain-cli (`hub`, `team carry`);
// they are not measured (they stand for other computers).

import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { newSession } from '../webdriver.mjs';
import { heading, nav, openRecords, press, use } from '../person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const CLI = join(dirname(process.env.REFRAIN_E2E_APP_UNTRACED || APP), 'refrain-cli');
const OUT = join(process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts', 'bench');
const WINDOW = Number(process.argv[2] ?? 300);
const SETTLE = 20;
const TICKS = 100; // USER_HZ
const APP_NAME = (process.env.REFRAIN_E2E_APP_UNTRACED ?? APP).split('/').pop().slice(0, 15);
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
const round = (x) => Math.round(x * 100) / 100;

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const f = s.slice(close + 2).split(' ');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { pid, comm: s.slice(s.indexOf('(') + 1, close), ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]), rss };
  } catch {
    return null;
  }
}

/** The app (the newest copy started here) and every process below it. */
function appProcesses() {
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => stat(Number(d))).filter(Boolean);
  const app = procs.filter((p) => p.comm === APP_NAME).at(-1);
  if (!app) return [];
  const out = [app];
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (!out.includes(p) && out.some((o) => o.pid === p.ppid)) {
        out.push(p);
        grew = true;
      }
    }
  }
  return out;
}

const role = (c) => (c === APP_NAME ? 'app' : c.startsWith('WebKitWeb') ? 'web' : c.startsWith('WebKitNet') ? 'network' : c);

async function measure(name) {
  await sleep(SETTLE);
  const before = new Map(appProcesses().map((p) => [p.pid, p]));
  const t0 = Date.now();
  await sleep(WINDOW);
  const wall = (Date.now() - t0) / 1000;
  const cpu = {};
  const rssMb = {};
  for (const p of appProcesses()) {
    const r = role(p.comm);
    cpu[r] = (cpu[r] ?? 0) + (100 * (p.cpu - (before.get(p.pid)?.cpu ?? 0))) / TICKS / wall;
    rssMb[r] = (rssMb[r] ?? 0) + p.rss / 1024;
  }
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  const row = { state: name, seconds: round(wall), cpuPercentOfACore: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(v)])), total: round(total), rssMb: Object.fromEntries(Object.entries(rssMb).map(([k, v]) => [k, Math.round(v)])) };
  console.log(`bench: ${JSON.stringify(row)}`);
  return row;
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

let app;
function invoke(cmd, a = {}) {
  return app.cmd('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
      window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((v) => done({ ok: v }), (e) => done({ err: JSON.stringify(e) }));`,
    args: [cmd, a],
  }).then((r) => {
    if (r.err) throw new Error(`${cmd}: ${r.err}`);
    return r.ok;
  });
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'refrain-team-idle-'));
  // The app's Syncthing's local discovery is UDP: its sends are traced.
  if (process.env.REFRAIN_E2E_TRACES) writeFileSync(join(process.env.REFRAIN_E2E_TRACES, 'trace-sends'), '');
  const children = [];
  const laptopEnv = { ...process.env, REFRAIN_DATA_DIR: '', REFRAIN_PASSPHRASE: 'laptop a quiet harbour lantern' };
  const laptop = (...a) => execFileSync(CLI, ['--data-dir', join(work, 'a'), ...a], { encoding: 'utf8', env: laptopEnv });
  const rows = [];
  try {
    app = await newSession(APP);
    use(app);
    await openRecords();
    const h1 = await heading(null);
    if ((await h1.getText()).trim() === 'Welcome to Refrain') {
      await press('Load sample data');
      await heading('This week');
    }
    await nav('Today');
    rows.push(await measure('idle on Today, no team'));

    // The office's team, a hub and a therapist's laptop (set up through the
    // app's own commands: this measures, it does not test the screens).
    const hubPort = await freePort();
    const aPort = await freePort();
    const hubHome = join(work, 'hub');
    const hubId = /The hub's ID: (\S+)/.exec(execFileSync(CLI, ['--data-dir', join(work, 'hub-data'), 'hub', '--home', hubHome, '--id'], { encoding: 'utf8' }))[1];
    const status = await invoke('team_create', { teamName: 'Hall Lane Music', laptopName: 'Office laptop' });
    await invoke('team_set_hub', { hubId, address: `tcp://127.0.0.1:${hubPort}` });
    const invitation = join(work, 'invitation.json');
    await invoke('team_write_invitation', { path: invitation });
    laptop('team', 'join', '--invitation', invitation, '--laptop', 'Therapist A', '--carrier-home', join(work, 'a', 'syncthing'));
    const request = join(work, 'request.json');
    laptop('team', 'request', '--out', request);
    const pending = await invoke('team_take_request', { path: request });
    const groups = (await invoke('team_overview')).groups.slice(0, 1).map((g) => g.space);
    await invoke('team_accept', { laptop: pending.request.device, code: pending.code, spaces: groups });
    const aId = JSON.parse(laptop('team', 'status', '--json')).carrierId;
    children.push(spawn(CLI, ['--data-dir', join(work, 'hub-data'), 'hub', '--home', hubHome, '--root', join(work, 'hub-files'), '--listen', `tcp://127.0.0.1:${hubPort}`,
      '--laptop', `${status.carrierId}@tcp://127.0.0.1:22000`, '--laptop', `${aId}@tcp://127.0.0.1:${aPort}`, '--until-file', join(work, 'stop')], { stdio: 'ignore' }));
    children.push(spawn(CLI, ['--data-dir', join(work, 'a'), 'team', 'carry', '--folder', join(work, 'a', 'team-files'), '--carrier-home', join(work, 'a', 'syncthing'),
      '--listen', `tcp://127.0.0.1:${aPort}`, '--no-local-discovery', '--until-file', join(work, 'stop')], { stdio: 'ignore', env: laptopEnv }));
    // Connected, and the laptop has its group.
    const t0 = Date.now();
    while (JSON.parse(laptop('list', 'groups', '--json')).length === 0) {
      if (Date.now() - t0 > 120_000) throw new Error('the laptop never received its group');
      await sleep(1);
    }
    await invoke('team_sync_now');
    await nav('Today');
    rows.push(await measure('idle on Today, the office of a team, connected to the hub and a laptop'));
  } finally {
    writeFileSync(join(work, 'stop'), '');
    await sleep(5);
    for (const c of children) c.kill();
    if (app) await app.deleteSession().catch(() => {});
    if (process.env.REFRAIN_E2E_TRACES) rmSync(join(process.env.REFRAIN_E2E_TRACES, 'trace-sends'), { force: true });
    rmSync(work, { recursive: true, force: true });
  }
  const file = join(OUT, 'team-idle.json');
  writeFileSync(file, JSON.stringify({ when: new Date().toISOString(), app: APP, window: WINDOW, rows }, null, 2));
  console.log(`bench: figures in ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
