// Backups in words: what kind each one is, how big, when; and what happens
// after a restore (the whole app starts again on the restored records).
import type { BackupInfo } from './bindings';
import { formatTimestamp } from './dates';

/** "Automatic", "Before updating to version 4", "Made by you". */
export function backupKind(b: Pick<BackupInfo, 'kind' | 'beforeVersion'>): string {
  switch (b.kind) {
    case 'auto':
      return 'Automatic';
    case 'beforeMigration':
      return b.beforeVersion != null ? `Before updating to version ${b.beforeVersion}` : 'Before updating';
    case 'manual':
      return 'Made by you';
  }
}

/** "640 KB", "4.2 MB", "475 MB". */
export function formatSize(bytes: number): string {
  const kb = bytes / 1024;
  if (kb < 1024) return `${Math.max(1, Math.round(kb))} KB`;
  const mb = kb / 1024;
  if (mb < 10) return `${mb.toFixed(1)} MB`;
  if (mb < 1024) return `${Math.round(mb)} MB`;
  return `${(mb / 1024).toFixed(1)} GB`;
}

/** When a backup was made, in local time: "5 March 2026 at 14:00". */
export const backupTime = (b: Pick<BackupInfo, 'time'>) => formatTimestamp(b.time);

/** The last part of a path, whichever way its slashes lean. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

const RESTORED_KEY = 'refrain.restoredNotice';

/** Starts the app again from the top. Tests swap it (jsdom can't reload). */
export const appReload = {
  reload: (): void => window.location.reload(),
};

/**
 * After a successful restore: remember what to tell the person, then load the
 * whole app again so every screen shows the restored records.
 */
export function restartAfterRestore(b: BackupInfo): void {
  const text =
    `Your records are back as they were on ${backupTime(b)}. ` +
    'The records you had before are kept aside in the backups folder.';
  try {
    sessionStorage.setItem(RESTORED_KEY, text);
  } catch {
    // No storage: the reload still shows the restored records.
  }
  appReload.reload();
}

/** The message left by `restartAfterRestore`, once. */
export function takeRestoredNotice(): string | null {
  try {
    const text = sessionStorage.getItem(RESTORED_KEY);
    if (text) sessionStorage.removeItem(RESTORED_KEY);
    return text;
  } catch {
    return null;
  }
}
