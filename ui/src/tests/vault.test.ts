// The door to the records, against the app's real commands: the first passphrase and
// the recovery key, locking (button, Ctrl+L, idle), a wrong passphrase, and
// that nothing personal is on screen while locked.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import * as api from '../lib/api';
import type { VaultCreated } from '../lib/bindings';
import { startRealBackend } from './real-backend';
import App from '../App.svelte';
import { router } from '../lib/router.svelte';
import { player } from '../lib/player.svelte';
import { vault } from '../lib/vault.svelte';

let dispose: () => void = () => {};

const PASSPHRASE = 'correct horse battery';

/**
 * A first run ('new'), or records protected by PASSPHRASE and open
 * ('unlocked') or locked ('locked'). Resolves with the recovery key, if set.
 */
async function start(state: 'new' | 'locked' | 'unlocked') {
  const backend = startRealBackend({ vault: true });
  api.setInvoker(backend.invoke);
  api.setEventSource(backend.listen);
  dispose = backend.dispose;
  let recoveryKey = '';
  if (state !== 'new') {
    const created = (await backend.invoke('vault_create', { passphrase: PASSPHRASE, remember: false })) as VaultCreated;
    recoveryKey = created.recoveryKey;
    if (state === 'locked') await backend.invoke('vault_lock');
  }
  player.reset();
  vault.status = null;
  vault.recoveryKey = null;
  router.go('#/today');
  render(App);
  return { user: userEvent.setup(), backend, recoveryKey };
}

afterEach(() => {
  dispose();
  vi.useRealTimers();
});

describe('the first passphrase', () => {
  it('checks the passphrase, shows the recovery key once, and only then opens the records', async () => {
    const { user } = await start('new');
    await screen.findByRole('heading', { level: 1, name: 'Welcome to Refrain' });
    expect(screen.queryByRole('navigation', { name: 'Main' })).toBeNull();

    await user.type(screen.getByLabelText('Passphrase'), 'short');
    await user.type(screen.getByLabelText('Type the passphrase again'), 'short');
    await user.click(screen.getByRole('button', { name: 'Protect my records' }));
    expect(await screen.findByText(/needs at least 8 characters/)).toBeTruthy();

    await user.clear(screen.getByLabelText('Passphrase'));
    await user.type(screen.getByLabelText('Passphrase'), 'blue kettle orchard');
    await user.clear(screen.getByLabelText('Type the passphrase again'));
    await user.type(screen.getByLabelText('Type the passphrase again'), 'blue kettle orchid');
    await user.click(screen.getByRole('button', { name: 'Protect my records' }));
    expect(await screen.findByText(/two passphrases are not the same/)).toBeTruthy();

    await user.clear(screen.getByLabelText('Type the passphrase again'));
    await user.type(screen.getByLabelText('Type the passphrase again'), 'blue kettle orchard');
    await user.click(screen.getByRole('button', { name: 'Protect my records' }));

    await screen.findByRole('heading', { level: 1, name: 'Your recovery key' });
    const key = screen.getByLabelText('Recovery key');
    expect(within(key).getAllByText(/^[A-Z2-7]{4}$/).length).toBe(13);
    const go = screen.getByRole('button', { name: 'Continue to Refrain' }) as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    await user.click(screen.getByLabelText('I have written down or printed my recovery key'));
    expect(go.disabled).toBe(false);
    await user.click(go);
    await screen.findByRole('navigation', { name: 'Main' });
    expect(screen.queryByText(/ABCD/)).toBeNull();
  });
});

describe('the lock', () => {
  it('locks from the nav, hides every record, refuses a wrong passphrase and opens with the right one', async () => {
    const { user } = await start('unlocked');
    await user.click(await screen.findByRole('button', { name: 'Load sample data' }));
    await screen.findAllByText(/Thursday Singing for the Brain/);

    await user.click(screen.getByRole('button', { name: 'Lock' }));
    await screen.findByRole('heading', { level: 1, name: 'Refrain is locked' });
    expect(screen.queryByText(/Singing for the Brain/)).toBeNull();
    expect(screen.queryByRole('navigation', { name: 'Main' })).toBeNull();

    await user.type(screen.getByLabelText('Passphrase'), 'wrong horse battery');
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByText(/That passphrase is not right/)).toBeTruthy();
    expect((screen.getByLabelText('Passphrase') as HTMLInputElement).value).toBe('');

    await user.type(screen.getByLabelText('Passphrase'), `${PASSPHRASE}{Enter}`);
    await screen.findByRole('navigation', { name: 'Main' });
    expect((await screen.findAllByText(/Singing for the Brain/)).length).toBeGreaterThan(0);
  });

  it('locks with Ctrl+L', async () => {
    const { user } = await start('unlocked');
    await screen.findByRole('navigation', { name: 'Main' });
    await user.keyboard('{Control>}l{/Control}');
    await screen.findByRole('heading', { level: 1, name: 'Refrain is locked' });
  });

  it('opens with the recovery key when the passphrase is forgotten, and sets a new one', async () => {
    const { user, recoveryKey } = await start('locked');
    await user.click(await screen.findByRole('button', { name: 'Forgotten your passphrase?' }));
    // As copied from the paper: lower case, spaces between the groups.
    await user.type(screen.getByLabelText('Recovery key'), recoveryKey.toLowerCase().replace(/-/g, ' '));
    await user.type(screen.getByLabelText('New passphrase'), 'a brand new one');
    await user.type(screen.getByLabelText('Type the new passphrase again'), 'a brand new one');
    await user.click(screen.getByRole('button', { name: 'Open and set the new passphrase' }));
    await screen.findByRole('navigation', { name: 'Main' });
    await user.click(screen.getByRole('button', { name: 'Lock' }));
    await user.type(await screen.findByLabelText('Passphrase'), 'a brand new one{Enter}');
    await screen.findByRole('navigation', { name: 'Main' });
  });
});

describe('the idle lock', () => {
  it('locks after the chosen minutes without use, and use puts it off', async () => {
    let now = 0;
    const backend = startRealBackend({ vault: true });
    api.setInvoker(backend.invoke);
    dispose = backend.dispose;
    await backend.invoke('vault_create', { passphrase: PASSPHRASE, remember: false });
    await vault.refresh();
    vi.useFakeTimers();
    const stop = vault.watchIdle(() => now, 1000);
    now = 9 * 60_000;
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    now = 15 * 60_000; // 6 minutes after the key press
    await vi.advanceTimersByTimeAsync(1000);
    expect(vault.status?.state).toBe('unlocked');
    now = 19 * 60_000 + 1; // 10 minutes after it
    await vi.advanceTimersByTimeAsync(1000);
    vi.useRealTimers();
    await waitFor(() => expect(vault.status?.state).toBe('locked'));
    stop();
  });
});
