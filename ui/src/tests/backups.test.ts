// Backups: making one (in the usual folder or a chosen one), the list in words,
// restoring only after asking, and the page shown when the data file is damaged.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import * as api from '../lib/api';
import type { BackupInfo, CommandError, ErrorCode, RestoreReport } from '../lib/bindings';
import { appReload } from '../lib/backups';
import Backups from '../screens/Backups.svelte';
import App from '../App.svelte';
import { router } from '../lib/router.svelte';
import { player } from '../lib/player.svelte';
import { practitioner } from '../lib/practitioner.svelte';

/** An RFC 3339 time that is `y-m-d h:min` on this computer's clock. */
const localTime = (y: number, m: number, d: number, h: number, min: number) =>
  new Date(y, m - 1, d, h, min).toISOString();

const NEWEST: BackupInfo = {
  path: '/data/backups/refrain-auto-2026-03-05-140000.db',
  fileName: 'refrain-auto-2026-03-05-140000.db',
  time: localTime(2026, 3, 5, 14, 0),
  sizeBytes: 4_404_019,
  kind: 'auto',
  beforeVersion: null,
};
const BEFORE_UPDATE: BackupInfo = {
  path: '/data/backups/refrain-before-v4-2026-02-01-091500.db',
  fileName: 'refrain-before-v4-2026-02-01-091500.db',
  time: localTime(2026, 2, 1, 9, 15),
  sizeBytes: 655_360,
  kind: 'beforeMigration',
  beforeVersion: 4,
};
const MANUAL: BackupInfo = {
  path: '/data/backups/refrain-2025-12-24-170500.db',
  fileName: 'refrain-2025-12-24-170500.db',
  time: localTime(2025, 12, 24, 17, 5),
  sizeBytes: 512_000,
  kind: 'manual',
  beforeVersion: null,
};

const err = (code: ErrorCode, message: string): CommandError => ({ code, message, field: null });

type Handler = (args: Record<string, unknown> | undefined) => unknown;
let calls: { cmd: string; args?: Record<string, unknown> }[];
let handlers: Record<string, Handler>;
let reload: ReturnType<typeof vi.fn>;

/** A backend that answers only the commands a test gives it; everything else fails. */
function connect(h: Record<string, Handler>) {
  // The records are open (unlocked) unless a test says otherwise.
  handlers = {
    vault_status: () => ({
      state: 'unlocked',
      keychainAvailable: false,
      remembered: false,
      idleLockMinutes: 10,
      idleLockChoices: [2, 5, 10, 15, 30, 60],
      minPassphraseChars: 8,
    }),
    ...h,
  };
  api.setInvoker(async (cmd, args) => {
    calls.push({ cmd, args });
    const handler = handlers[cmd];
    if (!handler) throw err('unknown', `No answer for ${cmd} in this test.`);
    return handler(args);
  });
}

const called = (cmd: string) => calls.filter((c) => c.cmd === cmd);

const report: RestoreReport = {
  restoredFrom: NEWEST.path,
  schemaVersion: 4,
  replacedMovedTo: '/data/backups/replaced-2026-03-06-100000',
};

beforeEach(() => {
  calls = [];
  sessionStorage.clear();
  reload = vi.fn();
  appReload.reload = reload as unknown as () => void;
});
afterEach(() => vi.restoreAllMocks());

describe('the Backups screen', () => {
  it('says Refrain backs up by itself, and "Back up now" shows the new file’s name', async () => {
    let list = [NEWEST];
    connect({
      list_backups: () => list,
      backup_now: () => {
        list = [MANUAL, NEWEST];
        return '/data/backups/refrain-2026-03-06-101500.db';
      },
    });
    render(Backups);
    const user = userEvent.setup();
    expect(screen.getByRole('heading', { level: 1, name: 'Backups' })).toBeTruthy();
    expect(screen.getByText(/backs up your records by itself when you close it, and every few hours/)).toBeTruthy();
    expect(screen.getByText(/about a year/)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Back up now' }));
    expect(await screen.findByText('Backup saved as refrain-2026-03-06-101500.db.')).toBeTruthy();
    expect(called('backup_now')).toEqual([{ cmd: 'backup_now', args: { dir: '' } }]);
    // The list is looked at again and shows the new one.
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(2));
  });

  it('backs up to a chosen folder (a USB stick)', async () => {
    connect({ list_backups: () => [], backup_now: () => '/media/usb/refrain-2026-03-06-101500.db' });
    api.setFilePicker(async (opts) => {
      expect(opts.directory).toBe(true);
      return '/media/usb';
    });
    render(Backups);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Back up to a USB stick or folder…' }));
    expect(
      await screen.findByText('Backup saved as refrain-2026-03-06-101500.db in the folder you chose (/media/usb).'),
    ).toBeTruthy();
    expect(called('backup_now')[0].args).toEqual({ dir: '/media/usb' });
  });

  it('closing the folder window makes no backup', async () => {
    connect({ list_backups: () => [], backup_now: () => 'x' });
    api.setFilePicker(async () => null);
    render(Backups);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Back up to a USB stick or folder…' }));
    await waitFor(() =>
      expect(
        (screen.getByRole('button', { name: 'Back up to a USB stick or folder…' }) as HTMLButtonElement).disabled,
      ).toBe(false),
    );
    expect(called('backup_now')).toHaveLength(0);
    expect(screen.queryByText(/Backup saved/)).toBeNull();
  });

  it('a failed backup shows the core’s message', async () => {
    connect({
      list_backups: () => [],
      backup_now: () => {
        throw err('backup_failed', 'The backup could not be written: the USB stick is full. Nothing was changed.');
      },
    });
    api.setFilePicker(async () => '/media/usb');
    render(Backups);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Back up to a USB stick or folder…' }));
    const alert = await screen.findByText(
      'The backup could not be written: the USB stick is full. Nothing was changed.',
    );
    expect(alert.closest('[role="alert"]')).toBeTruthy();
    expect(screen.queryByText(/Backup saved/)).toBeNull();
  });

  it('lists backups newest first with their time, kind and size in words', async () => {
    connect({ list_backups: () => [NEWEST, BEFORE_UPDATE, MANUAL] });
    render(Backups);
    const list = await screen.findByRole('list', { name: 'Backups, newest first' });
    const rows = within(list)
      .getAllByRole('listitem')
      .map((li) => li.querySelector('.row-main')!.textContent!.replace(/\s+/g, ' ').trim());
    expect(rows).toEqual([
      '5 March 2026 at 14:00 Newest Automatic, 4.2 MB',
      '1 February 2026 at 09:15 Before updating to version 4, 640 KB',
      '24 December 2025 at 17:05 Made by you, 500 KB',
    ]);
    expect(within(list).getByRole('button', { name: 'Restore this backup from 1 February 2026 at 09:15' })).toBeTruthy();
  });

  it('says when there are no backups yet', async () => {
    connect({ list_backups: () => [] });
    render(Backups);
    expect(await screen.findByText(/There are no backups yet/)).toBeTruthy();
  });

  it('asks before restoring, and only then restores that backup and starts again', async () => {
    connect({ list_backups: () => [NEWEST, BEFORE_UPDATE], restore_backup: () => report });
    render(Backups);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Restore this backup from 1 February 2026 at 09:15' }));
    const dialog = screen.getByRole('dialog', { name: 'Restore the backup from 1 February 2026 at 09:15?' });
    expect(within(dialog).getByText(/Your current records are kept aside in the backups folder, not deleted\./)).toBeTruthy();
    expect(within(dialog).getByText(/as they were on 1 February 2026 at 09:15\./)).toBeTruthy();
    expect(called('restore_backup')).toHaveLength(0);

    // Going back changes nothing.
    await user.click(within(dialog).getByRole('button', { name: 'Go back' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(called('restore_backup')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Restore this backup from 1 February 2026 at 09:15' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Yes, restore it' }));
    await waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
    expect(called('restore_backup')).toEqual([{ cmd: 'restore_backup', args: { path: BEFORE_UPDATE.path } }]);
  });

  it('a refused restore shows the core’s message in the dialog and starts nothing again', async () => {
    connect({
      list_backups: () => [NEWEST],
      restore_backup: () => {
        throw err('backup_failed', 'That backup is damaged, so it was not used. Your records have not been changed.');
      },
    });
    render(Backups);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /^Restore this backup from / }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Yes, restore it' }));
    expect(
      await within(screen.getByRole('dialog')).findByText(
        'That backup is damaged, so it was not used. Your records have not been changed.',
      ),
    ).toBeTruthy();
    expect(reload).not.toHaveBeenCalled();
  });
});

describe('when the data file is damaged', () => {
  const DAMAGED =
    "Refrain's data file is damaged, so it can't be used safely (database disk image is malformed). Nothing has been changed. Your records can be brought back by restoring a backup.";

  function openApp() {
    practitioner.reset();
    player.reset();
    router.go('#/today');
    return render(App);
  }

  it('shows a calm page with the backups instead of the app, and restores the newest', async () => {
    connect({
      app_info: () => {
        throw err('store_damaged', DAMAGED);
      },
      list_backups: () => [NEWEST, MANUAL],
      restore_backup: () => report,
    });
    openApp();
    const user = userEvent.setup();
    const heading = await screen.findByRole('heading', { level: 1, name: "Your records can't be opened just now" });
    expect(screen.getByText("Refrain's data file is damaged. Nothing has been changed.")).toBeTruthy();
    expect(screen.getByText(DAMAGED)).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(heading));
    // No nav, no music player.
    expect(screen.queryByRole('navigation', { name: 'Main' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Music player' })).toBeNull();

    const list = await screen.findByRole('list', { name: 'Backups, newest first' });
    const first = within(list).getAllByRole('listitem')[0];
    expect(within(first).getByText('Newest')).toBeTruthy();
    expect(within(first).getByText('5 March 2026 at 14:00')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Restore the newest backup' }));
    const dialog = screen.getByRole('dialog', { name: 'Restore the backup from 5 March 2026 at 14:00?' });
    expect(called('restore_backup')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Yes, restore it' }));
    await waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
    expect(called('restore_backup')).toEqual([{ cmd: 'restore_backup', args: { path: NEWEST.path } }]);
  });

  it('after the restore, the app starts again and says what happened', async () => {
    connect({
      app_info: () => {
        throw err('store_damaged', DAMAGED);
      },
      list_backups: () => [NEWEST],
      restore_backup: () => report,
    });
    const first = openApp();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Restore the newest backup' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Yes, restore it' }));
    await waitFor(() => expect(reload).toHaveBeenCalledTimes(1));

    // What the reload does: the app opens again, now on good records.
    first.unmount();
    handlers.app_info = () => ({ appVersion: '1.0.0', schemaVersion: 4, dataDir: '/data', isEmpty: false });
    openApp();
    expect(
      await screen.findByText(
        'Your records are back as they were on 5 March 2026 at 14:00. The records you had before are kept aside in the backups folder.',
      ),
    ).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
  });

  it('with no backups, says so and that the file has been left as it is', async () => {
    connect({
      app_info: () => {
        throw err('store_damaged', DAMAGED);
      },
      list_backups: () => [],
    });
    openApp();
    expect(await screen.findByText(/There are no backups in Refrain's backups folder/)).toBeTruthy();
    expect(screen.getByText(/The data file has\s+been left as it is/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Restore the newest backup' })).toBeNull();
  });

  it('a file that could not be opened gets the same page', async () => {
    connect({
      app_info: () => {
        throw err('open_failed', 'The data file could not be opened: permission denied');
      },
      list_backups: () => [NEWEST],
    });
    openApp();
    expect(await screen.findByText("Refrain's data file could not be opened. Nothing has been changed.")).toBeTruthy();
    expect(screen.getByText('The data file could not be opened: permission denied')).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Restore the newest backup' })).toBeTruthy();
  });
});
