// The battery benchmark: what the whole app costs in the real window, idle
// and playing, beside a reference player playing the same file into the same
// sound output. Run through tests/e2e/bench/battery.sh (which starts the
// virtual screen, the null sink and tauri-driver through tests/e2e/run.sh);
// never part of the tests' pass or fail. docs/performance.md has the figures.
//
//   node tests/e2e/bench/battery.mjs [--window S] [--settle S] [--soak [MIN]] [--long [MIN]] [--rounds N]
//   node tests/e2e/bench/battery.mjs --elimination [register]   # where the drawing goes, region by region
//   node tests/e2e/bench/battery.mjs --first-screen   # the first screen (passphrase) left open, its field focused or not
//
// REFRAIN_BENCH_COMPARE="LABEL=BIN LABEL=BIN ..." measures several builds side
// by side in one run (the default states only): each round starts each build
// in turn on the same data, the order reversed every other round, and the
// summary gives each state's figures for each build (the median over the
// rounds). Each BIN must be a file named `refrain`.
//
// Default: each state below measured over one window (20 s) after settling
// (10 s: after each change of screen the web process works flat out for about
// five seconds under Xvfb's software rendering). --soak: navigation and playback for MIN minutes (10), memory at the
// start and the end. --long: a setlist of MIN minutes (90) played through
// with navigation, CPU and memory at the start, middle and end.
//
// CPU is utime+stime from /proc/PID/stat of every process of the app (the
// app itself and everything it started: WebKit's web and network
// processes), as a percentage of one core over the window. Memory is Rss and
// Pss from /proc/PID/smaps_rollup (Pss shares each shared page out among the
// processes using it, so the Pss of all processes adds up honestly), and,
// run as root, the distinct pages all the app's processes hold together
// (each page once, from /proc/PID/pagemap).

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { join } from 'node:path';
import { newSession } from '../webdriver.mjs';
import { use, nav, press, heading, openRecords } from '../person.mjs';

const APP = process.env.REFRAIN_APP_BIN;
const ARTIFACTS = process.env.REFRAIN_E2E_ARTIFACTS ?? 'tests/artifacts';
const OUT = join(ARTIFACTS, 'bench');
const SONG_TITLE = 'Daisy Bell (A Bicycle Built for Two)';
const SONG_FILE = process.env.REFRAIN_BENCH_SONG ?? 'assets/music/Daisy Bell.ogg';
const TICKS = 100; // USER_HZ on Linux
// The app's process name (the kernel keeps 15 characters of it).
const APP_NAME = (process.env.REFRAIN_E2E_APP_UNTRACED ?? APP ?? 'refrain').split('/').pop().slice(0, 15);

function args() {
  const a = process.argv.slice(2);
  const opts = { window: 20, settle: 10, soak: 0, long: 0, rounds: 1, label: process.env.REFRAIN_BENCH_LABEL ?? 'app' };
  for (let i = 0; i < a.length; i++) {
    const next = () => (a[i + 1] && !a[i + 1].startsWith('--') ? Number(a[++i]) : null);
    if (a[i] === '--window') opts.window = next() ?? opts.window;
    else if (a[i] === '--settle') opts.settle = next() ?? opts.settle;
    else if (a[i] === '--soak') opts.soak = next() ?? 10;
    else if (a[i] === '--long') opts.long = next() ?? 90;
    else if (a[i] === '--label') opts.label = a[++i];
    else if (a[i] === '--rounds') opts.rounds = next() ?? 1;
    else if (a[i] === '--first-screen') opts.firstScreen = true;
    else if (a[i] === '--elimination') opts.elimination = a[i + 1] && !a[i + 1].startsWith('--') ? a[++i] : 'register';
    else throw new Error(`unknown option ${a[i]}`);
  }
  return opts;
}

const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));

// ---- processes ------------------------------------------------------------

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, close);
    const f = s.slice(close + 2).split(' ');
    // f[0] is field 3 (state); utime is field 14, stime 15; ppid is 4.
    return { pid, comm, state: f[0], ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

function allProcs() {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => stat(Number(d)))
    .filter((p) => p && p.state !== 'Z');
}

/**
 * The processes run.sh's wrapper started the app from (it writes
 * app.PID.automation into REFRAIN_E2E_TRACES for each launch): the app must
 * be below one of them, so that another copy of Refrain on the same machine
 * is never measured.
 */
function launchers() {
  const dir = process.env.REFRAIN_E2E_TRACES;
  if (!dir) return null;
  return new Set(
    readdirSync(dir)
      .map((f) => /^app\.(\d+)\.automation$/.exec(f)?.[1])
      .filter(Boolean)
      .map(Number),
  );
}

/** The app's process and every process below it (strace, if any, is above it). */
export function appProcesses() {
  const procs = allProcs();
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const roots = launchers();
  const launchedHere = (p) => {
    if (!roots) return true;
    for (let q = p; q; q = byPid.get(q.ppid)) if (roots.has(q.pid)) return true;
    return false;
  };
  const app = procs.filter((p) => p.comm === APP_NAME && launchedHere(p)).at(-1);
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

/** Short names for the app's processes. */
function role(comm) {
  if (comm === APP_NAME) return 'app';
  if (comm.startsWith('WebKitWebProces')) return 'web';
  if (comm.startsWith('WebKitNetworkP')) return 'network';
  return comm;
}

function memory(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { rssMb: kb('Rss') / 1024, pssMb: kb('Pss') / 1024, anonMb: kb('Anonymous') / 1024 };
  } catch {
    return null;
  }
}

/**
 * Where one process's memory is: Rss and Pss by mapping (a file's name, the
 * heap, or other anonymous memory), the largest first.
 */
function breakdown(pid, top = 10) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return null;
  }
  const by = new Map();
  let name = null;
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const path = head[1].trim();
      name = path === '' ? '[anonymous]' : path.startsWith('/') ? path.split('/').pop() : path;
      if (/^(memfd:|\/dev\/shm|\/dev\/dri)/.test(path)) name = `${path.split(' ')[0]} (shared)`;
      continue;
    }
    const m = /^(Rss|Pss):\s+(\d+) kB/.exec(line);
    if (m && name) {
      const cur = by.get(name) ?? { rssMb: 0, pssMb: 0 };
      cur[m[1] === 'Rss' ? 'rssMb' : 'pssMb'] += Number(m[2]) / 1024;
      by.set(name, cur);
    }
  }
  const rows = [...by.entries()].sort((a, b) => b[1].rssMb - a[1].rssMb);
  const rest = rows.slice(top).reduce((a, [, v]) => ({ rssMb: a.rssMb + v.rssMb, pssMb: a.pssMb + v.pssMb }), { rssMb: 0, pssMb: 0 });
  return [...rows.slice(0, top).map(([k, v]) => ({ mapping: k, ...roundAll(v) })), { mapping: `${rows.length - top} others`, ...roundAll(rest) }];
}

/**
 * The memory all of `procs` hold together, each physical page counted once
 * however many of them map it (a shared library in two processes counts
 * once, where adding up their Rss counts it twice). Read from
 * /proc/PID/pagemap, which gives page frame numbers only to root (in
 * MB, or null without them).
 */
function distinctMb(procs) {
  const frames = new Set();
  for (const p of procs) {
    let smaps;
    let fd;
    try {
      smaps = readFileSync(`/proc/${p.pid}/smaps`, 'utf8');
      fd = openSync(`/proc/${p.pid}/pagemap`, 'r');
    } catch {
      continue;
    }
    try {
      let range = null;
      for (const line of smaps.split('\n')) {
        const head = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
        if (head) {
          range = [BigInt(`0x${head[1]}`), BigInt(`0x${head[2]}`)];
          continue;
        }
        const rss = /^Rss:\s+(\d+) kB/.exec(line);
        if (!rss || !range || rss[1] === '0') continue;
        const pages = Number((range[1] - range[0]) / 4096n);
        const buf = Buffer.alloc(pages * 8);
        readSync(fd, buf, 0, buf.length, Number((range[0] / 4096n) * 8n));
        for (let i = 0; i < pages; i++) {
          const e = buf.readBigUInt64LE(i * 8);
          if (e >> 63n) frames.add(e & ((1n << 55n) - 1n));
        }
      }
    } finally {
      closeSync(fd);
    }
  }
  // Without root every frame number reads as 0.
  if (frames.size <= 1) return null;
  return (frames.size * 4) / 1024;
}

/** Memory of each of the app's processes, by role, and the totals. */
function memoryOf(procs) {
  const by = {};
  let rss = 0;
  let pss = 0;
  for (const p of procs) {
    const m = memory(p.pid);
    if (!m) continue;
    const r = role(p.comm);
    const cur = by[r] ?? { rssMb: 0, pssMb: 0, anonMb: 0 };
    by[r] = { rssMb: cur.rssMb + m.rssMb, pssMb: cur.pssMb + m.pssMb, anonMb: cur.anonMb + m.anonMb };
    rss += m.rssMb;
    pss += m.pssMb;
  }
  return { ...by, totalRssMb: rss, totalPssMb: pss, distinctMb: distinctMb(procs) };
}

/** CPU of `pids()` over `seconds`, as % of one core, by role. */
async function cpuOver(seconds, procsNow) {
  const before = new Map(procsNow().map((p) => [p.pid, p]));
  const t0 = process.hrtime.bigint();
  await sleep(seconds);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const after = procsNow();
  const by = {};
  let total = 0;
  for (const p of after) {
    const used = (p.cpu - (before.get(p.pid)?.cpu ?? 0)) / TICKS;
    const r = role(p.comm);
    by[r] = (by[r] ?? 0) + (100 * used) / wall;
    total += (100 * used) / wall;
  }
  return { ...Object.fromEntries(Object.entries(by).map(([k, v]) => [k, round(v)])), total: round(total), seconds: round(wall) };
}

const round = (x) => Math.round(x * 100) / 100;

// ---- the app ----------------------------------------------------------------

let app = null;

async function js(script, args = []) {
  return app.executeScript(script, args);
}

/** Puts `css` into the page as the benchmark's one extra stylesheet ('' takes it away). */
function restyle(css) {
  return js(`let s = document.getElementById('bench-style');
    if (!s) { s = document.createElement('style'); s.id = 'bench-style'; document.head.append(s); }
    s.textContent = arguments[0];`, [css]);
}

/** What the mini player shows. */
function nowPlaying() {
  return js(`const p = document.querySelector('[data-testid="mini-player"]');
    if (!p) return { title: document.querySelector('[data-testid="now-playing-title"]')?.textContent.trim() ?? '',
                     time: '', playing: !!document.querySelector('[data-testid="now-playing"] button:first-of-type')?.textContent.includes('Pause'),
                     looping: null };
    return { title: p.querySelector('.player-title')?.textContent.trim() ?? '',
             time: p.querySelector('[data-testid="player-time"]')?.textContent.trim() ?? '',
             playing: !!p.querySelector('button[aria-label="Pause"]'),
             looping: p.querySelector('button[aria-label="Loop this track"]')?.getAttribute('aria-pressed') === 'true' };`);
}

/** The app's own commands, from inside the page (for set-up only). */
function invoke(cmd, a = {}) {
  return app.cmd('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
      window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(
        (v) => done({ ok: v }), (e) => done({ err: JSON.stringify(e) }));`,
    args: [cmd, a],
  }).then((r) => {
    if (r.err) throw new Error(`${cmd}: ${r.err}`);
    return r.ok;
  });
}

/** Set by openApp when asked: the first screen measured before it is used. */
let firstScreenRow = null;

async function openApp(bin = APP, measureFirst = null) {
  app = await newSession(bin);
  use(app);
  firstScreenRow = null;
  if (measureFirst) {
    // The passphrase screen as it opens, its field focused: what a laptop
    // shows at the start and after the idle lock, until someone types.
    await app.waitForXPath('//h1', { timeout: 30_000, message: 'the first screen' });
    firstScreenRow = await measure('idle, first screen', measureFirst);
  }
  // The unlock screen is drawn again as the store is found; a button read
  // just before may be gone (a stale element): look again, once.
  await openRecords().catch(async (e) => {
    console.log(`bench: opening the records again (${String(e.message).split('\n')[0].slice(0, 80)})`);
    await openRecords();
  });
  const h1 = await heading(null);
  if ((await h1.getText()).trim() === 'Welcome to Refrain') {
    await press('Load sample data');
    await heading('This week');
  }
  // The sample music, if the sample data came without it.
  const tracks = await invoke('list_tracks', { query: '', tag: '' });
  if (!tracks.some((t) => t.title === SONG_TITLE)) {
    await nav('Music');
    await press('Add the sample music', { timeout: 20_000 });
    await app.waitFor(async () => (await invoke('list_tracks', { query: '', tag: '' })).length >= 4, {
      timeout: 30_000,
      message: 'the sample music',
    });
  }
}

const screens = {
  async today() {
    await nav('Today');
    await heading('This week');
  },
  async register() {
    await nav('Today');
    await heading('This week');
    const link = await app.waitForXPath("//a[starts-with(normalize-space(.), 'Open register for')]");
    await link.click();
    await app.waitForXPath("//h1[contains(., 'Register') or contains(., 'register') or ancestor::main]");
  },
  async music() {
    await nav('Music');
  },
  async groups() {
    await nav('Groups');
  },
  async attendees() {
    await nav('Attendees');
  },
  async notes() {
    await nav('Notes');
  },
};

async function playSongLooping() {
  await nav('Music');
  await press(`Play ${SONG_TITLE}`);
  await app.waitFor(async () => (await nowPlaying()).playing, { message: 'the song to play' });
  if (!(await nowPlaying()).looping) await press('Loop this track');
  await app.waitFor(async () => (await nowPlaying()).looping, { message: 'looping on' });
}

/** Now playing, for the person listening: opened from the player, left with its keys. */
async function openNowPlaying() {
  await press('Now playing, full screen for the person');
  await press('Open Now playing');
  await app.waitForXPath("//*[@data-testid='now-playing']");
}

async function leaveNowPlaying() {
  // Ctrl + Shift + E, held together (WebDriver's key values).
  const keys = ['\uE009', '\uE008', 'e'];
  const actions = [...keys.map((value) => ({ type: 'keyDown', value })), ...[...keys].reverse().map((value) => ({ type: 'keyUp', value }))];
  await app.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
  await app.cmd('DELETE', '/actions');
  await app.waitForXPath("//nav[@aria-label='Main']");
}

async function stopPlaying() {
  const np = await nowPlaying();
  if (np.looping) await press('Loop this track');
  await press('Stop');
  await app.waitFor(async () => !(await nowPlaying()).playing, { message: 'stopped' });
}

function xdotool(...a) {
  const r = spawnSync('xdotool', a, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function visibility() {
  return js('return document.visibilityState');
}

// ---- the reference player -------------------------------------------------

/** Plays SONG_FILE in a loop with ffplay or mpv (no display); returns the child. */
function referencePlayer() {
  const ffplay = spawnSync('sh', ['-c', 'command -v ffplay']).status === 0;
  const mpv = spawnSync('sh', ['-c', 'command -v mpv']).status === 0;
  // Both go through ALSA's pulse plugin to the null sink, as the app does.
  const env = { ...process.env, SDL_AUDIODRIVER: 'alsa' };
  if (ffplay) {
    return { name: 'ffplay -nodisp', child: spawn('ffplay', ['-nodisp', '-loglevel', 'quiet', '-loop', '0', SONG_FILE], { env, stdio: 'ignore' }) };
  }
  if (mpv) {
    return { name: 'mpv --no-video', child: spawn('mpv', ['--no-video', '--really-quiet', '--loop-file=inf', '--ao=alsa', SONG_FILE], { env, stdio: 'ignore' }) };
  }
  return null;
}

async function measureReference(opts) {
  const ref = referencePlayer();
  if (!ref) return { skipped: 'neither ffplay nor mpv is installed' };
  await sleep(opts.settle);
  const procs = () => {
    const p = stat(ref.child.pid);
    return p ? [{ ...p, comm: 'reference' }] : [];
  };
  const cpu = await cpuOver(opts.window, procs);
  const mem = memory(ref.child.pid);
  ref.child.kill('SIGTERM');
  await new Promise((r) => ref.child.once('exit', r));
  return { player: ref.name, cpu: cpu.reference ?? 0, seconds: cpu.seconds, rssMb: round(mem?.rssMb ?? 0), pssMb: round(mem?.pssMb ?? 0) };
}

// ---- runs -----------------------------------------------------------------

const results = { when: new Date().toISOString(), app: APP, song: SONG_FILE };

async function measure(name, opts) {
  await sleep(opts.settle);
  const cpu = await cpuOver(opts.window, () => appProcesses());
  const mem = memoryOf(appProcesses());
  const np = await nowPlaying();
  const row = { state: name, cpu, memory: roundAll(mem), shown: np.time, playing: np.playing };
  console.log(`${name.padEnd(28)} cpu ${JSON.stringify(cpu)}  rss ${round(mem.totalRssMb)} MB  pss ${round(mem.totalPssMb)} MB  distinct ${mem.distinctMb == null ? '-' : round(mem.distinctMb)} MB  [${np.time}]`);
  return row;
}

function roundAll(o) {
  return JSON.parse(JSON.stringify(o, (k, v) => (typeof v === 'number' ? round(v) : v)));
}

async function defaultRun(opts) {
  const { states, breakdown } = await defaultStates(opts);
  if (firstScreenRow) states.unshift(firstScreenRow);
  results.states = states;
  results.breakdown = breakdown;
  results.reference = await measureReference(opts);
  console.log('reference', JSON.stringify(results.reference));
}

/** Every default state, measured in the open app; and where its memory is at the end. */
async function defaultStates(opts) {
  const rows = [];
  await screens.today();
  rows.push(await measure('idle, Today', opts));
  await screens.register();
  rows.push(await measure('idle, register', opts));
  await screens.music();
  rows.push(await measure('idle, Music', opts));
  await playSongLooping();
  rows.push(await measure('playing, Music', opts));
  await screens.today();
  rows.push(await measure('playing, Today', opts));
  await screens.register();
  rows.push(await measure('playing, register', opts));
  await openNowPlaying();
  rows.push(await measure('playing, Now playing', opts));
  await leaveNowPlaying();
  // Minimised: without a window manager, unmapping the window is what a
  // minimise does to it.
  const win = xdotool('search', '--name', '^Refrain$')?.split('\n')[0];
  if (win) {
    xdotool('windowunmap', '--sync', win);
    await sleep(1);
    const row = await measure('playing, window hidden', opts);
    // Without a window manager WebKit may not notice: say what the page saw.
    row.visibility = await visibility().catch(() => 'unknown');
    if (row.visibility !== 'hidden') row.state += ` (page still "${row.visibility}")`;
    xdotool('windowmap', '--sync', win);
    await sleep(1);
    row.after = await nowPlaying();
    rows.push(row);
  }
  await screens.music();
  await stopPlaying();
  rows.push(await measure('stopped again, Music', opts));
  const where = Object.fromEntries(appProcesses().map((p) => [role(p.comm), breakdown(p.pid)]));
  for (const [r, b] of Object.entries(where)) {
    console.log(`memory of ${r}: ${b.map((x) => `${x.mapping} ${x.rssMb}/${x.pssMb}`).join(', ')}`);
  }
  return { states: rows, breakdown: where };
}

/** The builds REFRAIN_BENCH_COMPARE names, as [{ label, bin }]. */
function buildsToCompare() {
  const spec = process.env.REFRAIN_BENCH_COMPARE?.trim();
  if (!spec) return null;
  return spec.split(/\s+/).map((pair) => {
    const at = pair.indexOf('=');
    const label = pair.slice(0, at);
    const bin = resolve(pair.slice(at + 1));
    if (at < 1 || !existsSync(bin)) throw new Error(`REFRAIN_BENCH_COMPARE: no build at ${pair}`);
    if (bin.split('/').pop() !== 'refrain') throw new Error(`REFRAIN_BENCH_COMPARE: ${bin} must be named refrain`);
    return { label, bin };
  });
}

/**
 * What tauri-driver is to launch for one build: run.sh's launcher (the app
 * under strace, in the run's sandbox) with that build in place of the one it
 * was started with.
 */
function launcherFor(build) {
  const file = join(process.env.REFRAIN_E2E_TRACES ?? OUT, `..`, `launch-${build.label}`);
  // REFRAIN_BENCH_COMPARE_ENV='{"LABEL": {"VAR": "value"}}': what one build's
  // launch has set beside it (e.g. REFRAIN_E2E_TRACE_CALLS, to measure the
  // tracing under test itself).
  const env = JSON.parse(process.env.REFRAIN_BENCH_COMPARE_ENV || '{}')[build.label] ?? {};
  const set = Object.entries(env)
    .map(([k, v]) => `${k}='${String(v).replace(/'/g, `'\\''`)}' `)
    .join('');
  writeFileSync(file, `#!/bin/sh\n${set}REFRAIN_E2E_APP_UNTRACED='${build.bin}' exec '${APP}' "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (!v.length) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : round((v[v.length / 2 - 1] + v[v.length / 2]) / 2);
};

/** Several builds, each through every default state, in alternating order. */
async function compareRun(opts, builds) {
  const runs = [];
  results.compare = runs;
  for (let r = 0; r < opts.rounds; r++) {
    const order = r % 2 ? [...builds].reverse() : builds;
    for (const build of order) {
      console.log(`\n== round ${r + 1}: ${build.label} (${build.bin})`);
      try {
        await openApp(launcherFor(build), opts);
      } catch (e) {
        // One launch that does not open is reported, photographed and
        // skipped; the builds' other rounds still count.
        const shot = join(OUT, `battery-${opts.label}-round${r + 1}-${build.label}-failed.png`);
        await app?.screenshot(shot).catch(() => {});
        console.log(`bench: ${build.label} did not open in round ${r + 1} (${String(e.message).split('\n')[0]}); see ${shot}`);
        await app?.deleteSession().catch(() => {});
        continue;
      }
      try {
        const { states, breakdown } = await defaultStates(opts);
        if (firstScreenRow) states.unshift(firstScreenRow);
        runs.push({ round: r + 1, label: build.label, bin: build.bin, states, breakdown });
      } finally {
        await app.deleteSession().catch(() => {});
      }
    }
    const reference = await measureReference(opts);
    console.log('reference', JSON.stringify(reference));
    runs.push({ round: r + 1, label: 'reference', reference });
  }
  results.compare = runs;
  // The summary: each state, each build, the median over the rounds.
  const names = runs.find((x) => x.states)?.states.map((s) => s.state.replace(/ \(page still.*$/, '')) ?? [];
  const summary = [];
  for (const name of names) {
    for (const b of builds) {
      const rows = runs.filter((x) => x.label === b.label).map((x) => x.states.find((s) => s.state.startsWith(name)));
      summary.push({
        state: name,
        build: b.label,
        app: median(rows.map((s) => s?.cpu.app)),
        web: median(rows.map((s) => s?.cpu.web)),
        network: median(rows.map((s) => s?.cpu.network)),
        all: median(rows.map((s) => s?.cpu.total)),
        each: rows.map((s) => s?.cpu.total),
        rssMb: median(rows.map((s) => s?.memory.totalRssMb)),
        pssMb: median(rows.map((s) => s?.memory.totalPssMb)),
        distinctMb: median(rows.map((s) => s?.memory.distinctMb).filter((x) => x != null)),
        webRssMb: median(rows.map((s) => s?.memory.web?.rssMb)),
      });
    }
  }
  const refs = runs.filter((x) => x.reference).map((x) => x.reference.cpu);
  results.summary = { states: summary, reference: { cpu: median(refs), each: refs } };
  console.log('\nsummary (% of one core, median over rounds; MB Rss of all processes):');
  for (const row of summary) {
    console.log(`${row.state.padEnd(28)} ${row.build.padEnd(10)} app ${row.app}  web ${row.web}  all ${row.all} ${JSON.stringify(row.each)}  rss ${row.rssMb} (web ${row.webRssMb})  distinct ${row.distinctMb ?? '-'}`);
  }
  console.log(`reference ${JSON.stringify(results.summary.reference)}`);
}

async function soak(opts) {
  await playSongLooping();
  await sleep(opts.settle);
  const order = ['today', 'register', 'music', 'groups', 'attendees', 'notes'];
  const samples = [{ minute: 0, memory: roundAll(memoryOf(appProcesses())) }];
  console.log('soak start', JSON.stringify(samples[0]));
  const t0 = Date.now();
  let i = 0;
  let nextSample = 1;
  while (Date.now() - t0 < opts.soak * 60_000) {
    await screens[order[i++ % order.length]]();
    await sleep(3);
    const minute = (Date.now() - t0) / 60_000;
    if (minute >= nextSample) {
      samples.push({ minute: round(minute), memory: roundAll(memoryOf(appProcesses())), screensVisited: i });
      console.log('soak', JSON.stringify(samples.at(-1)));
      nextSample++;
    }
  }
  await screens.today();
  await sleep(opts.settle);
  samples.push({ minute: round((Date.now() - t0) / 60_000), memory: roundAll(memoryOf(appProcesses())), screensVisited: i, end: true });
  console.log('soak end', JSON.stringify(samples.at(-1)));
  const grow = (k) => round((100 * (samples.at(-1).memory[k] - samples[0].memory[k])) / samples[0].memory[k]);
  results.soak = { minutes: opts.soak, samples, growthPercent: { totalRss: grow('totalRssMb'), totalPss: grow('totalPssMb') } };
  await stopPlaying();
}

async function longSession(opts) {
  // A setlist of about opts.long minutes: the sample songs over and over.
  const tracks = await invoke('list_tracks', { query: '', tag: '' });
  const playable = tracks.filter((t) => !t.missing && t.durationMs);
  const groups = await invoke('list_groups', { includeArchived: false }).catch(() => null);
  const list = await invoke('create_playlist', {
    kind: 'setlist',
    input: { name: `Long session ${Date.now()}`, groupId: groups?.[0]?.id ?? null, attendeeId: null },
  });
  let ms = 0;
  let n = 0;
  while (ms < opts.long * 60_000) {
    const t = playable[n++ % playable.length];
    await invoke('add_to_playlist', { playlistId: list.id, trackId: t.id, note: '' });
    ms += t.durationMs;
  }
  console.log(`long session: ${n} songs, ${round(ms / 60_000)} minutes`);
  await invoke('play_playlist', { playlistId: list.id, startIndex: 0 });
  const t0 = Date.now();
  const order = ['today', 'register', 'music', 'groups', 'attendees', 'notes'];
  const points = [];
  // Each measurement (settling, then the window) ends before the setlist does.
  const span = (opts.settle + opts.window + 5) * 1000;
  const marks = [0, ms / 2 - span / 2, ms - span];
  let i = 0;
  for (const [k, at] of marks.entries()) {
    while (Date.now() - t0 < at) {
      await screens[order[i++ % order.length]]();
      await sleep(Math.min(20, Math.max(0, (at - (Date.now() - t0)) / 1000)));
    }
    await screens.today();
    const row = await measure(`long session, ${['start', 'middle', 'end'][k]}`, opts);
    row.minute = round((Date.now() - t0) / 60_000);
    row.screensVisited = i;
    points.push(row);
  }
  results.long = { minutes: round(ms / 60_000), songs: n, points };
  await press('Stop');
}

/**
 * Where the drawing goes, by elimination: on one screen, while music plays,
 * each region in turn is hidden (`visibility: hidden`: still laid out, no
 * longer painted) and the web process measured, with the screen untouched
 * before and after. A region whose hiding lowers the web process's CPU is
 * being painted again while the music plays.
 */
const REGIONS = {
  register: [
    ['the whole register', '.register-screen'],
    ['its heading and counts', '.register-head, .register-bar, .register-crumbs'],
    ['its rows', '.plain-list.register'],
    ['the banners', '.register-screen .banner'],
    ['the side navigation', '.sidenav'],
    ['the mini player', '.mini-player'],
  ],
};
const hidden = (selector) => `${selector} { visibility: hidden !important; }`;

async function elimination(opts) {
  // REFRAIN_BENCH_STYLES='[["name", "css"], ...]': other changes of style to
  // try the same way, on any of the benchmark's screens.
  const regions = REGIONS[opts.elimination];
  if (!screens[opts.elimination] || (!regions && !process.env.REFRAIN_BENCH_STYLES)) {
    throw new Error(`--elimination: one of ${Object.keys(REGIONS).join(', ')} (or, with REFRAIN_BENCH_STYLES, ${Object.keys(screens).join(', ')})`);
  }
  const styles = process.env.REFRAIN_BENCH_STYLES
    ? JSON.parse(process.env.REFRAIN_BENCH_STYLES)
    : regions.map(([name, selector]) => [`${name} hidden`, hidden(selector)]);
  await playSongLooping();
  await screens[opts.elimination]();
  const rows = [];
  for (let r = 0; r < opts.rounds; r++) {
    for (const [name, css, pointer] of [['as it is', ''], ...styles, ['as it is, again', '']]) {
      await restyle(css);
      // A third item moves the pointer first: "x y" on the screen.
      if (pointer) xdotool('mousemove', ...pointer.split(' '));
      const row = await measure(`${opts.elimination}, ${name}`, opts);
      rows.push({ round: r + 1, change: name, css, web: row.cpu.web, all: row.cpu.total });
    }
  }
  await restyle('');
  results.elimination = { screen: opts.elimination, rows };
  await stopPlaying();
}

/**
 * The first screen, left open: a laptop opened at the hall shows it until the
 * therapist types the passphrase. Measured as it opens (its field focused, so
 * the passphrase can be typed at once), with the focus taken off the field,
 * with the field focused but its caret transparent, and focused but
 * read-only; then any REFRAIN_BENCH_STYLES, and as it opens again. Nothing is
 * unlocked.
 */
async function firstScreen(opts) {
  app = await newSession(APP);
  use(app);
  const h1 = await app.waitForXPath('//h1', { timeout: 30_000, message: 'the first screen' });
  const title = (await h1.getText()).trim();
  const focusField = () => js(`document.querySelector('input[type="password"]')?.focus(); return document.activeElement?.tagName;`);
  const blur = () => js(`document.activeElement?.blur(); return document.activeElement?.tagName;`);
  const extra = process.env.REFRAIN_BENCH_STYLES ? JSON.parse(process.env.REFRAIN_BENCH_STYLES) : [];
  const variants = [
    ['as it opens', async () => {}],
    ['the field not focused', blur],
    ['focused, caret not drawn', async () => { await focusField(); await restyle('* { caret-color: transparent !important; }'); }],
    ['focused, read-only (no caret at all)', async () => {
      await restyle('');
      await js(`const f = document.querySelector('input[type="password"]'); f.readOnly = true; f.focus();`);
    }],
    ...extra.map(([name, css]) => [name, async () => { await focusField(); await restyle(css); }]),
    ['as it opens, again', async () => {
      await restyle('');
      await js(`const f = document.querySelector('input[type="password"]'); f.readOnly = false; f.focus();`);
    }],
  ];
  const rows = [];
  for (let r = 0; r < opts.rounds; r++) {
    for (const [name, change] of variants) {
      await change();
      const focused = await js(`return document.activeElement?.tagName + (document.activeElement?.type ? ':' + document.activeElement.type : '');`);
      const row = await measure(`first screen, ${name}`, opts);
      rows.push({ round: r + 1, change: name, focused, app: row.cpu.app, web: row.cpu.web, all: row.cpu.total, rssMb: row.memory.totalRssMb });
    }
  }
  results.firstScreen = { title, rows };
}

async function main() {
  const opts = args();
  if (!APP || !existsSync(APP)) throw new Error('REFRAIN_APP_BIN must name the built app (run tests/e2e/bench/battery.sh)');
  mkdirSync(OUT, { recursive: true });
  results.label = opts.label;
  results.options = opts;
  const builds = buildsToCompare();
  if (builds) {
    results.builds = builds;
    const file = join(OUT, `battery-${opts.label}-compare.json`);
    try {
      await compareRun(opts, builds);
    } finally {
      writeFileSync(file, JSON.stringify(results, null, 2));
      console.log(`bench: figures in ${file}`);
    }
    return;
  }
  if (opts.firstScreen) {
    const file = join(OUT, `battery-${opts.label}-first-screen.json`);
    try {
      await firstScreen(opts);
    } finally {
      writeFileSync(file, JSON.stringify(results, null, 2));
      console.log(`bench: figures in ${file}`);
      await app?.deleteSession().catch(() => {});
    }
    return;
  }
  await openApp(APP, !opts.soak && !opts.elimination && !opts.long ? opts : null);
  results.memoryAfterSampleData = roundAll(memoryOf(appProcesses()));
  try {
    if (opts.soak) await soak(opts);
    else if (opts.elimination) await elimination(opts);
    else if (opts.long) await longSession(opts);
    else await defaultRun(opts);
  } finally {
    const file = join(OUT, `battery-${opts.label}-${opts.soak ? 'soak' : opts.elimination ? 'elimination' : opts.long ? 'long' : 'short'}.json`);
    writeFileSync(file, JSON.stringify(results, null, 2));
    console.log(`bench: figures in ${file}`);
    await app.deleteSession().catch(() => {});
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
