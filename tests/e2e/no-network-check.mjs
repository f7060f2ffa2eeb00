// Reads the strace logs of the app's end-to-end runs and fails when the app,
// or any process it started (WebKit's web and network processes), tried to
// reach a network or to look a name up.
//
//   node tests/e2e/no-network-check.mjs [--seccomp-bpf] TRACE_DIR_OR_FILE...
//   node tests/e2e/no-network-check.mjs --self-test
//
// The logs come from `strace -f --seccomp-bpf -q -e signal=none
// -e trace=execve,socket,connect,bind,clone,... -o FILE.strace` (see
// tests/e2e/run.sh; calls it does not judge, such as set_robust_list, pass);
// logs that also hold sendto, sendmsg or sendmmsg are judged the same way.
// Beside each, FILE.automation may hold the address WebKitWebDriver gave the
// app in WEBKIT_INSPECTOR_SERVER; see `judge` for what is allowed.
//
// Every IPv4 or IPv6 socket the app makes must be accounted for: a UDP or raw
// one fails at once (DNS, mDNS, QUIC and the like need nothing else), and a
// TCP one must be connected or bound, by the thread that made it, where
// `judge` allows, before its number is used again or the log ends. Nothing
// can go through a TCP socket that was neither (bar TCP Fast Open's sendto),
// so the app's frequent sends on its local sockets need not be traced.
//
// A log that stops before the app exits fails, unless --seccomp-bpf says the
// logs were made with strace's --seccomp-bpf: WebKitWebDriver ends a session
// by killing the process it started (strace), and then every call strace was
// watching fails with ENOSYS in every process it traced (the kernel's answer
// to a seccomp filter's SECCOMP_RET_TRACE with no tracer), so nothing could
// happen that the log does not show.
//
// With a team, the app runs Refrain's own Syncthing (carrier/), which may do
// exactly this and nothing else, learnt from the trace and from the config
// Refrain wrote for it (its home is in Syncthing's command line):
// - listen for the team's laptops on its configured listen addresses' ports,
//   and bind ephemeral ports (port 0) as Go's dialer and probes do;
// - serve its REST API on the loopback port in its --gui-address, which the
//   app (and only for that) may connect to;
// - connect to the devices its config names by address (the hub, a laptop
//   given one), and nowhere else;
// - local discovery, only when the sends were traced (a `.sends` file beside
//   the log): UDP bound to port 21027, and sends to port 21027 of the local
//   network's broadcast address or an IPv6 multicast group.
// Everything else, from Syncthing as from the app, is judged as above: DNS,
// any other address, any other UDP.
//
// Exit status: 0 when nothing was tried, 1 when something was (each offending
// line is printed) or a log is cut short, 2 on bad usage.

import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';

/** What Syncthing was configured to do: read from its home's config.xml. */
export function carrierConfig(xml) {
  const listenPorts = new Set();
  const peers = new Set();
  for (const m of xml.matchAll(/<listenAddress>\w+:\/\/(.*):(\d+)<\/listenAddress>/g)) listenPorts.add(Number(m[2]));
  for (const m of xml.matchAll(/<address>(?:tcp|quic)\d?:\/\/\[?([^\]<]*?)\]?:(\d+)<\/address>/g)) peers.add(`${m[1]}:${m[2]}`);
  return { listenPorts, peers };
}

/** Syncthing's settings from its command line in the trace: GUI port, home. */
function carrierFromExecve(args, readConfig) {
  const gui = args.match(/--gui-address=https?:\/\/(?:127\.0\.0\.1|\[::1\]|localhost):(\d+)/);
  const home = args.match(/"--home=([^"]+)"/);
  const config = home && readConfig ? readConfig(home[1]) : null;
  return {
    guiPort: gui ? Number(gui[1]) : undefined,
    listenPorts: config?.listenPorts ?? new Set(),
    peers: config?.peers ?? new Set(),
  };
}

const unmapped = (addr) => (addr ?? '').replace(/^::ffff:/i, '');
const isBroadcast = (addr) => /^\d+\.\d+\.\d+\.255$/.test(addr);
const isMulticast6 = (addr) => /^ff[0-9a-f]{2}:/i.test(addr ?? '');

// Sockets of daemons that look names up for whoever asks: a host lookup
// through one of them would reach the network from outside the app's
// namespace and leave no trace here. Asking them anything is only harmless when
// nobody answered (glibc asks nscd first even for user and group lookups).
const NAME_SERVICE_SOCKETS = [
  /^(\/var)?\/run\/nscd\//,
  /^(\/var)?\/run\/systemd\/resolve\//,
  /^(\/var)?\/run\/avahi-daemon\//,
];

// Families that never leave the machine: local sockets, and netlink, which
// only talks to the kernel (GLib watches the routing table through it).
const LOCAL_FAMILIES = new Set(['UNIX', 'LOCAL', 'NETLINK']);

const isLoopback = (addr) =>
  /^127\./.test(addr) || addr === '::1' || /^::ffff:127\./i.test(addr);

/** Every `{sa_family=AF_…}` address in one strace line, decoded. */
function addresses(text) {
  const found = [];
  const re = /\{sa_family=AF_(\w+)((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/g;
  for (const m of text.matchAll(re)) {
    const [, family, rest] = m;
    const a = { family, raw: m[0] };
    if (family === 'INET' || family === 'INET6') {
      a.port = Number((rest.match(/sin6?_port=htons\((\d+)\)/) ?? [])[1]);
      a.addr = (rest.match(/inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"/) ?? []).slice(1).find(Boolean);
    } else if (family === 'UNIX' || family === 'LOCAL') {
      const p = rest.match(/sun_path=(@?)"((?:[^"\\]|\\.)*)"/);
      a.path = p ? p[1] + p[2] : '(unnamed)';
    }
    found.push(a);
  }
  return found;
}

/**
 * Judges one complete syscall: returns the verdict for each address it names
 * (`bad` set when it fails the run), plus notes for the summary.
 *
 * Loopback: the app itself needs none (run outside WebDriver, its trace has no
 * AF_INET socket at all). Under test, WebKitWebDriver sets
 * WEBKIT_INSPECTOR_SERVER=127.0.0.1:PORT in the app's environment; WebKit then
 * listens there (the UI process) and connects to it (the UI and web processes)
 * to carry the automation. That one address, read from the environment the
 * app was given, is allowed; any other loopback address fails the run.
 */
export function judge(call, automation, ctx = {}) {
  const verdicts = [];
  const syncthing = ctx.program === 'syncthing' && ctx.carrier;
  if (call.name === 'socket') {
    const [, family, type] = call.args.match(/^AF_(\w+), (SOCK_\w+)/) ?? [];
    if (family === 'INET' || family === 'INET6') {
      if (type === 'SOCK_DGRAM' && syncthing && ctx.sendsTraced) verdicts.push({ note: 'Syncthing: a UDP socket (its sends are judged)' });
      else if (type !== 'SOCK_STREAM') verdicts.push({ bad: `made an AF_${family} ${type} socket` });
    } else if (family && !LOCAL_FAMILIES.has(family)) verdicts.push({ bad: `made an AF_${family} socket` });
    return verdicts;
  }
  if (!['connect', 'bind', 'sendto', 'sendmsg', 'sendmmsg'].includes(call.name)) return verdicts;
  const succeeded = call.ok || call.errno === 'EINPROGRESS';
  for (const a of addresses(call.args)) {
    if (a.family === 'UNSPEC') continue; // connect(AF_UNSPEC) undoes a connect
    if (a.family === 'UNIX' || a.family === 'LOCAL') {
      if (NAME_SERVICE_SOCKETS.some((re) => re.test(a.path))) {
        if (succeeded) verdicts.push({ bad: `asked a name-service daemon (${a.path}), which answered` });
        else verdicts.push({ note: `name service ${a.path}: nobody there (${call.errno})` });
      } else {
        verdicts.push({ note: `local socket ${a.path}${succeeded ? '' : ` (${call.errno})`}` });
      }
      continue;
    }
    if (a.family === 'NETLINK') {
      verdicts.push({ note: 'netlink (the kernel)' });
      continue;
    }
    if (a.family !== 'INET' && a.family !== 'INET6') {
      verdicts.push({ bad: `${call.name} on an AF_${a.family} socket` });
      continue;
    }
    const where = a.family === 'INET6' ? `[${a.addr}]:${a.port}` : `${a.addr}:${a.port}`;
    const addr = unmapped(a.addr);
    const send = call.name.startsWith('send');
    const guiPort = ctx.carrier?.guiPort;
    if (a.port === 53) verdicts.push({ bad: `DNS: ${call.name} to ${where}` });
    else if (syncthing) {
      const c = ctx.carrier;
      if (call.name === 'bind' && a.port === 0) verdicts.push({ note: 'Syncthing: bind on an ephemeral port' });
      else if (call.name === 'bind' && c.listenPorts.has(a.port)) verdicts.push({ note: `Syncthing: listens on its port, ${where}` });
      else if (call.name === 'bind' && a.port === 21027 && (addr === '0.0.0.0' || addr === '::')) {
        verdicts.push({ note: 'Syncthing: local discovery listens on 21027' });
      } else if (!send && isLoopback(addr) && a.port === guiPort) verdicts.push({ note: `Syncthing: its REST API on ${where}` });
      else if (call.name === 'connect' && c.peers.has(`${addr}:${a.port}`)) {
        verdicts.push({ note: `Syncthing: connect to a device it was given, ${where}` });
      } else if (send && ctx.sendsTraced && a.port === 21027 && (isBroadcast(addr) || isMulticast6(addr))) {
        verdicts.push({ note: 'Syncthing: local discovery announcement' });
      } else verdicts.push({ bad: `Syncthing: ${call.name} to ${where}, which it was not given` });
    } else if (ctx.isApp && ctx.carrier && isLoopback(addr) && !send && (a.port === guiPort || (call.name === 'bind' && a.port === 0))) {
      verdicts.push({ note: `the app asks its Syncthing's REST API (${call.name} on ${where})` });
    } else if (a.addr === '0.0.0.0' || a.addr === '::') verdicts.push({ bad: `${call.name} on ${where}, every interface` });
    else if (!isLoopback(a.addr)) verdicts.push({ bad: `${call.name} to ${where}, off this machine` });
    else if (automation && `${a.addr}:${a.port}` === automation) {
      verdicts.push({ note: `WebDriver automation ${call.name} on ${where} (WEBKIT_INSPECTOR_SERVER)` });
    } else verdicts.push({ bad: `${call.name} to ${where} on loopback, which the app should not need` });
  }
  return verdicts;
}

/**
 * Reads one strace -f log: joins `<unfinished ...>` halves to their
 * `<... resumed>` ends, and tells whether the first process (the app) was seen
 * to exit. A log without that exit was cut short (its strace was killed), so
 * the app may have gone on untraced.
 */
export function parseTrace(text) {
  const calls = [];
  const pending = new Map();
  const exited = new Set();
  let appPid;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    const m = raw.match(/^(\d+)\s+(.*)$/);
    const pid = m ? m[1] : '0';
    let line = m ? m[2] : raw;
    appPid ??= pid;
    if (/^\+\+\+ (exited with|killed by)/.test(line)) {
      exited.add(pid);
      continue;
    }
    if (line.startsWith('---')) continue; // signals
    const unfinished = line.match(/^(.*) <unfinished \.\.\.>$/);
    if (unfinished) {
      pending.set(pid, { start: unfinished[1], raw });
      continue;
    }
    let shown = raw;
    const resumed = line.match(/^<\.\.\. \w+ resumed>(.*)$/);
    if (resumed) {
      const start = pending.get(pid);
      pending.delete(pid);
      if (!start) continue;
      line = start.start + resumed[1];
      shown = `${start.raw}\n    ${raw}`;
    }
    const call = line.match(/^(\w+)\((.*)\)\s+=\s+(-?\d+|\?|0x[0-9a-f]+)(?:\s+(E\w+))?/);
    if (!call) continue;
    calls.push({ pid, name: call[1], args: call[2], ret: call[3], ok: call[3] !== '-1' && call[3] !== '?', errno: call[4], line: shown });
  }
  // A call still unfinished when the log ends is judged on its arguments alone.
  for (const [pid, { start, raw }] of pending) {
    const call = start.match(/^(\w+)\((.*)$/);
    if (call) calls.push({ pid, name: call[1], args: call[2], ret: '?', ok: false, errno: 'unfinished', line: raw });
  }
  return { calls, appPid, complete: appPid !== undefined && exited.has(appPid) };
}

/** Checks the logs; returns { lines (the report), failed }. */
export function check(traces, { seccompBpf = false, readConfig } = {}) {
  const out = [];
  const problems = [];
  const notes = new Map();
  const programs = new Map();
  const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  let cut = 0;
  let carriers = 0;
  for (const { name, text, automation, sendsTraced } of traces) {
    const { calls, complete, appPid } = parseTrace(text);
    // Which program each thread belongs to (threads and children inherit
    // their parent's until they exec), and the Syncthing the app started.
    const program = new Map();
    let carrier;
    for (const call of calls) {
      if (call.name === 'execve' && call.ok) {
        const prog = basename((call.args.match(/^"([^"]*)"/) ?? [])[1] ?? '?');
        program.set(call.pid, prog);
        if (prog === 'syncthing' && / "serve"/.test(call.args)) {
          carrier ??= (carriers++, carrierFromExecve(call.args, readConfig));
        }
      } else if (['clone', 'clone3', 'fork', 'vfork'].includes(call.name) && /^\d+$/.test(call.ret) && call.ret !== '0') {
        if (!program.has(call.ret)) program.set(call.ret, program.get(call.pid));
      }
    }
    if (!complete && seccompBpf) cut++;
    else if (!complete) problems.push(`${name}: the log ends before the app does (its strace was stopped), so the rest is unseen`);
    const tried = new Set();
    // IPv4/IPv6 sockets made and not yet connected or bound, by "thread fd".
    const unaccounted = new Map();
    const leftOver = (key) => {
      const made = unaccounted.get(key);
      if (made) problems.push(`${name}: an IPv4/IPv6 socket its thread never connected or bound\n    ${made.line}`);
      unaccounted.delete(key);
    };
    for (const call of calls) {
      if (call.name === 'execve') {
        // A program looked for along PATH is one failed execve per folder.
        const prog = basename((call.args.match(/^"([^"]*)"/) ?? [])[1] ?? '?');
        if (call.ok) count(programs, prog);
        else if (!tried.has(`${call.pid} ${prog}`)) {
          tried.add(`${call.pid} ${prog}`);
          count(programs, `${prog} (not found)`);
        }
        continue;
      }
      const prog = program.get(call.pid);
      const isApp = prog !== undefined && prog === program.get(appPid);
      const verdicts = judge(call, automation, { program: prog, isApp, carrier, sendsTraced });
      for (const v of verdicts) {
        if (v.bad) problems.push(`${name}: ${v.bad}\n    ${call.line}`);
        else if (v.note) count(notes, v.note.replace(/refrain-e2e\.\w+/g, 'refrain-e2e.*').replace(/:\d+(\b|\))/g, ':PORT$1'));
      }
      // Go moves work between threads, and probes with sockets it closes
      // unused: Syncthing's TCP sockets need not be accounted for by thread
      // (every bind, connect and send of theirs is judged above, sends
      // included, and a TCP socket reaches nothing without one).
      const exempt = prog === 'syncthing' && carrier && sendsTraced;
      if (!exempt && call.name === 'socket' && /^AF_INET6?, SOCK_STREAM/.test(call.args) && (call.ok || call.errno === 'unfinished')) {
        const key = `${call.pid} ${call.ret}`;
        leftOver(key);
        unaccounted.set(key, call);
      } else if (verdicts.length && /^\d+,/.test(call.args)) {
        // Judged above (allowed, or already a problem): accounted for.
        unaccounted.delete(`${call.pid} ${call.args.match(/^\d+/)[0]}`);
      }
    }
    for (const key of [...unaccounted.keys()]) leftOver(key);
  }
  out.push(`no-network-check: ${traces.length} app launch${traces.length === 1 ? '' : 'es'} traced`);
  if (cut) out.push(`  ${cut} of them ended by killing strace (seccomp-bpf: the watched calls fail from then on)`);
  out.push('  programs started (execve):');
  for (const [k, n] of programs) out.push(`    ${k} x${n}`);
  out.push('  sockets used:');
  for (const [k, n] of [...notes].sort()) out.push(`    ${k} x${n}`);
  if (traces.length === 0) problems.push('no strace logs: the app was not traced');
  if (problems.length) {
    out.push(`no-network-check: FAILED, ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
    for (const p of problems) out.push(`  ${p}`);
  } else {
    out.push(
      carriers
        ? `no-network-check: OK, no name lookup, and no network but what ${carriers === 1 ? "one launch's" : `${carriers} launches'`} Syncthing was given (the team's hub and laptops, local discovery)`
        : 'no-network-check: OK, no network or name lookup was tried',
    );
  }
  return { lines: out, failed: problems.length > 0 };
}

function readTraces(args) {
  const files = [];
  for (const arg of args) {
    if (statSync(arg).isDirectory()) {
      for (const f of readdirSync(arg).sort()) if (f.endsWith('.strace')) files.push(join(arg, f));
    } else files.push(arg);
  }
  return files.map((file) => {
    const side = file.replace(/\.strace$/, '') + '.automation';
    const automation = existsSync(side) ? readFileSync(side, 'utf8').trim() || undefined : undefined;
    const sendsTraced = existsSync(file.replace(/\.strace$/, '') + '.sends');
    return { name: basename(file), text: readFileSync(file, 'utf8'), automation, sendsTraced };
  });
}

/** Syncthing's config.xml in its home, as the run left it. */
function readConfigFile(home) {
  const file = join(home, 'config.xml');
  return existsSync(file) ? carrierConfig(readFileSync(file, 'utf8')) : null;
}

// Real lines from strace 6.1 (shortened), the good ones from the app's run.
const GOOD = `100 execve("/opt/refrain", [...], 0x7ffd5 /* 40 vars */) = 0
100 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3
100 connect(3, {sa_family=AF_UNIX, sun_path=@"/tmp/.X11-unix/X99"}, 22) = 0
100 connect(14, {sa_family=AF_UNIX, sun_path="/tmp/refrain-e2e.abc/runtime/pulse/native"}, 110) = 0
100 connect(23, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)
100 socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 5
100 bind(5, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=0x000440}, 12) = 0
100 sendto(5, ""..., 80, MSG_NOSIGNAL, NULL, 0) = 80
100 sendmsg(7, {msg_name=NULL, msg_namelen=0, msg_iov=[...], msg_iovlen=1, msg_controllen=0, msg_flags=0}, MSG_NOSIGNAL) = 12
100 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 20
100 bind(20, {sa_family=AF_INET, sin_port=htons(4567), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
101 execve("/usr/lib/webkit2gtk-4.1/WebKitWebProcess", [...], 0x55 /* 48 vars */) = 0
101 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP <unfinished ...>
100 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 29
101 <... socket resumed>) = 19
101 connect(19, {sa_family=AF_INET, sin_port=htons(4567), sin_addr=inet_addr("127.0.0.1")}, 16 <unfinished ...>
100 connect(29, {sa_family=AF_INET, sin_port=htons(4567), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EINPROGRESS (Operation now in progress)
101 <... connect resumed>) = -1 EINPROGRESS (Operation now in progress)
101 +++ exited with 0 +++
100 +++ exited with 0 +++
`;
const BAD = [
  '100 connect(21, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("1.1.1.1")}, 16) = -1 ENETUNREACH (Network is unreachable)',
  '100 connect(21, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2606:4700:4700::1111", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH (Network is unreachable)',
  '100 connect(19, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = -1 ECONNREFUSED (Connection refused)',
  '100 sendto(3, ""..., 29, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("8.8.8.8")}, 16) = -1 ENETUNREACH (Network is unreachable)',
  '100 sendmsg(19, {msg_name={sa_family=AF_INET, sin_port=htons(5353), sin_addr=inet_addr("224.0.0.251")}, msg_namelen=16, msg_iov=[...], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = -1 ENETUNREACH (Network is unreachable)',
  '100 bind(19, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("0.0.0.0")}, 16) = 0',
  '100 connect(30, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
  '100 connect(30, {sa_family=AF_INET6, sin6_port=htons(8080), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
  '100 connect(23, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = 0',
  '100 connect(9, {sa_family=AF_UNIX, sun_path="/run/systemd/resolve/io.systemd.Resolve"}, 42) = 0',
  '100 socket(AF_PACKET, SOCK_RAW, 768) = 4',
  '100 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 19',
  '100 socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6) = 19',
  '100 socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 21',
  '100 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 21\n100 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 21\n100 connect(21, {sa_family=AF_INET, sin_port=htons(4567), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
  '100 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 21\n101 connect(21, {sa_family=AF_INET, sin_port=htons(4567), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
  '100 connect(21, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("93.184.215.14")} <unfinished ...>\n100 <... connect resumed>, 16) = -1 ENETUNREACH (Network is unreachable)',
];

// The app with its Syncthing (a team), sends traced: the REST API on
// 38173, listening on 22000, local discovery, the hub at 127.0.0.1:22999.
const CARRIER_CONFIG = carrierConfig(`<configuration>
    <device id="HUB" name="The hub"><address>tcp://127.0.0.1:22999</address></device>
    <device id="LAPTOP" name="A"><address>dynamic</address></device>
    <options><listenAddress>tcp://0.0.0.0:22000</listenAddress></options>
</configuration>`);
const CARRIER = `100 execve("/opt/refrain", [...], 0x7ffd5 /* 40 vars */) = 0
100 clone3({flags=CLONE_VM|CLONE_THREAD, ...}, 88) = 102
102 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 6
102 bind(6, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
102 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD) = 103
103 execve("/usr/bin/syncthing", ["/usr/bin/syncthing", "serve", "--home=/data/syncthing", "--gui-address=http://127.0.0.1:38173"], 0x55 /* 38 vars */) = 0
103 clone(child_stack=0xc000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD) = 104
104 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_TCP) = 9
104 bind(9, {sa_family=AF_INET, sin_port=htons(38173), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
104 socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_TCP) = 10
104 bind(10, {sa_family=AF_INET6, sin6_port=htons(22000), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::", &sin6_addr), sin6_scope_id=0}, 28) = 0
104 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 11
104 bind(11, {sa_family=AF_INET, sin_port=htons(21027), sin_addr=inet_addr("0.0.0.0")}, 16) = 0
104 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 12
104 bind(12, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("0.0.0.0")}, 16) = 0
104 sendto(12, ""..., 86, 0, {sa_family=AF_INET, sin_port=htons(21027), sin_addr=inet_addr("255.255.255.255")}, 16) = -1 ENETUNREACH (Network is unreachable)
104 socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_TCP) = 13
104 connect(13, {sa_family=AF_INET6, sin6_port=htons(22999), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6_addr), sin6_scope_id=0}, 28) = -1 EINPROGRESS (Operation now in progress)
102 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 7
102 connect(7, {sa_family=AF_INET, sin_port=htons(38173), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EINPROGRESS (Operation now in progress)
103 +++ exited with 0 +++
100 +++ exited with 0 +++
`;
const CARRIER_BAD = [
  // Syncthing reaching a device it was not given, a relay, DNS, or sending
  // anything but discovery.
  '104 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 30\n104 connect(30, {sa_family=AF_INET, sin_port=htons(22067), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)',
  '104 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 30\n104 connect(30, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("194.126.249.5")}, 16) = -1 ENETUNREACH (Network is unreachable)',
  '104 sendto(12, ""..., 29, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 29',
  '104 sendto(12, ""..., 29, 0, {sa_family=AF_INET, sin_port=htons(3478), sin_addr=inet_addr("74.125.1.1")}, 16) = -1 ENETUNREACH (Network is unreachable)',
  // The app itself listening where Syncthing does.
  '102 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 31\n102 bind(31, {sa_family=AF_INET, sin_port=htons(22000), sin_addr=inet_addr("0.0.0.0")}, 16) = 0',
  // WebKit reaching the REST API.
  '100 clone3({flags=CLONE_VM}, 88) = 105\n105 execve("/usr/lib/webkit2gtk-4.1/WebKitWebProcess", [], 0x55) = 0\n105 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 32\n105 connect(32, {sa_family=AF_INET, sin_port=htons(38173), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
];

function selfTest() {
  const fails = [];
  const readConfig = () => CARRIER_CONFIG;
  const carrierRun = (extra = '', sendsTraced = true) => {
    const text = CARRIER.replace('100 +++ exited with 0 +++\n', `${extra}${extra ? '\n' : ''}100 +++ exited with 0 +++\n`);
    return check([{ name: 'carrier', text, sendsTraced }], { readConfig });
  };
  const withCarrier = carrierRun();
  if (withCarrier.failed) fails.push(`the app with its Syncthing failed:\n${withCarrier.lines.join('\n')}`);
  if (!carrierRun('', false).failed) fails.push("Syncthing's UDP passed with its sends untraced");
  for (const bad of CARRIER_BAD) {
    if (!carrierRun(bad).failed) fails.push(`not caught with Syncthing: ${bad}`);
  }
  const good = check([{ name: 'good', text: GOOD, automation: '127.0.0.1:4567' }]);
  if (good.failed) fails.push(`the good log failed:\n${good.lines.join('\n')}`);
  const noAutomation = check([{ name: 'good', text: GOOD }]);
  if (!noAutomation.failed) fails.push('loopback was allowed without an automation address');
  const cut = [{ name: 'cut', text: GOOD.replace(/^100 \+\+\+.*\n/m, ''), automation: '127.0.0.1:4567' }];
  if (!check(cut).failed) fails.push('a log without the app\'s exit passed');
  if (check(cut, { seccompBpf: true }).failed) fails.push('a log cut short failed with --seccomp-bpf');
  if (!check([]).failed) fails.push('no logs at all passed');
  for (const bad of BAD) {
    const r = check([{ name: 'bad', text: `${bad}\n100 +++ exited with 0 +++\n`, automation: '127.0.0.1:4567' }]);
    if (!r.failed) fails.push(`not caught: ${bad}`);
  }
  if (fails.length) {
    console.error(`no-network-check self-test FAILED:\n${fails.join('\n')}`);
    process.exit(1);
  }
  console.log(`no-network-check self-test: ok (${BAD.length + CARRIER_BAD.length} bad lines caught)`);
}

const args = process.argv.slice(2);
const seccompBpf = args[0] === '--seccomp-bpf';
if (seccompBpf) args.shift();
if (args[0] === '--self-test') selfTest();
else if (args.length === 0 || args[0].startsWith('-')) {
  console.error('usage: node tests/e2e/no-network-check.mjs [--seccomp-bpf] TRACE_DIR_OR_FILE... | --self-test');
  process.exit(2);
} else {
  const { lines, failed } = check(readTraces(args), { seccompBpf, readConfig: readConfigFile });
  console.log(lines.join('\n'));
  process.exit(failed ? 1 : 0);
}
