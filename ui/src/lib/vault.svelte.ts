// Whether the records are open, for the whole app: the first screen (set a
// passphrase, unlock), the lock button, and locking after a spell of no use.
// The core holds the key; this only knows the state and the idle clock.
import * as api from './api';
import type { VaultStatus } from './bindings';

/** What counts as someone using Refrain (music playing does not). */
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

class Vault {
  status = $state<VaultStatus | null>(null);
  /** Shown once, right after the passphrase is set, until it is dismissed. */
  recoveryKey = $state<string | null>(null);
  /** Why the status could not be read (no data folder, say). */
  error = $state<string | null>(null);

  private lastActive = Date.now();
  private timer: ReturnType<typeof setInterval> | null = null;

  get unlocked(): boolean {
    return this.status?.state === 'unlocked' && this.recoveryKey === null;
  }

  async refresh(): Promise<void> {
    try {
      this.status = await api.vaultStatus();
      this.error = null;
    } catch (e) {
      this.error = (e as { message?: string }).message ?? String(e);
    }
  }

  /** After set-up, unlock or recovery. */
  opened(status: VaultStatus, recoveryKey: string | null = null): void {
    this.recoveryKey = recoveryKey;
    this.status = status;
    this.lastActive = Date.now();
  }

  /** The recovery key has been written down: on to the records. */
  keptRecoveryKey(): void {
    this.recoveryKey = null;
  }

  async lock(): Promise<void> {
    if (this.status?.state !== 'unlocked') return;
    await api.vaultLock();
    await this.refresh();
  }

  /** Watches for use and locks after the chosen idle time. Returns the way to stop. */
  watchIdle(now: () => number = Date.now, tickMs = 15_000): () => void {
    const active = () => (this.lastActive = now());
    for (const ev of ACTIVITY) window.addEventListener(ev, active, { passive: true, capture: true });
    this.lastActive = now();
    this.timer = setInterval(() => {
      const minutes = this.status?.idleLockMinutes ?? 10;
      if (this.unlocked && now() - this.lastActive >= minutes * 60_000) void this.lock();
    }, tickMs);
    return () => {
      for (const ev of ACTIVITY) window.removeEventListener(ev, active, { capture: true });
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    };
  }
}

export const vault = new Vault();
