// The app's real commands for whole-screen tests: the same handler, state and
// core as the desktop app, run by `tests/ui_bridge.rs` (built by `cargo test`,
// or `cargo build --example ui-bridge`) and spoken to as JSON lines. Screens
// tested over it show the core's own rules and messages.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { EventSource, Invoker } from '../lib/api';

/** The repository's root: the nearest folder above the tests' own with a Cargo.toml. */
function findRepo(): string {
  let dir = process.cwd();
  while (!existsSync(join(dir, 'Cargo.toml')) || !existsSync(join(dir, 'ui'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('The UI tests must run inside the Refrain repository.');
    dir = up;
  }
  return dir;
}
const repo = findRepo();

function bridgePath(): string {
  if (process.env.REFRAIN_UI_BRIDGE) return process.env.REFRAIN_UI_BRIDGE;
  const target = process.env.CARGO_TARGET_DIR ?? join(repo, 'target');
  return join(target, 'debug', 'examples', 'ui-bridge');
}

export type RealBackend = {
  invoke: Invoker;
  listen: EventSource;
  /** Ends the app and removes its data folder. */
  dispose: () => void;
};

/**
 * Starts the app's commands over a new, empty data folder: the records open
 * (a plain store), or with `vault`, as on a first run (a passphrase to set).
 */
export function startRealBackend(opts: { vault?: boolean } = {}): RealBackend {
  const bin = bridgePath();
  if (!existsSync(bin)) {
    throw new Error(
      `These tests run against the app's real commands. Build them first: cargo build --example ui-bridge (no ${bin}).`,
    );
  }
  const child: ChildProcessWithoutNullStreams = spawn(bin, opts.vault ? ['--vault'] : [], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      REFRAIN_SAMPLE_MUSIC_DIR: join(repo, 'assets', 'music'),
      // No Syncthing for these copies: a team here goes through a shared
      // folder (Syncthing itself is tested in the carrier's and the CLI's
      // tests, and in the real window).
      REFRAIN_SYNCTHING: join(repo, 'no-syncthing-here'),
    },
  });
  child.stderr.resume(); // ALSA's and the player's chatter: not the test's business
  let next = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  let exited: string | null = null;

  let disposed = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    // A reply cut short by the end of a test (the app killed mid-line) is
    // no one's business any more.
    if (disposed) return;
    const msg = JSON.parse(line) as { id?: number; ok?: unknown; err?: unknown; event?: string; payload?: unknown };
    if (msg.event !== undefined) {
      for (const h of handlers.get(msg.event) ?? []) h(msg.payload);
      return;
    }
    const waiting = pending.get(msg.id!);
    if (!waiting) return;
    pending.delete(msg.id!);
    if ('err' in msg) waiting.reject(msg.err);
    else waiting.resolve(msg.ok ?? null);
  });
  child.on('exit', (code, signal) => {
    exited = `the app's commands ended (${signal ?? code})`;
    for (const { reject } of pending.values()) reject({ code: 'no_backend', message: exited, field: null });
    pending.clear();
  });

  const invoke: Invoker = (cmd, args) =>
    new Promise((resolve, reject) => {
      if (exited) return reject({ code: 'no_backend', message: exited, field: null });
      const id = ++next;
      pending.set(id, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ id, cmd, args: args ?? {} })}\n`);
    });

  const listen: EventSource = async (event, handler) => {
    let set = handlers.get(event);
    if (!set) handlers.set(event, (set = new Set()));
    set.add(handler);
    return () => set!.delete(handler);
  };

  return {
    invoke,
    listen,
    dispose: () => {
      disposed = true;
      child.stdin.end();
      child.kill();
    },
  };
}
