// The Team screen over two copies of the app's real commands (the office and
// a therapist's laptop), sharing one folder as a charity's synced folder
// would: the office starts the team and saves an invitation, the laptop joins
// and shows its code, the office accepts it with that code and one group, and
// the laptop then receives the group.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from '../lib/api';
import { startRealBackend, type RealBackend } from './real-backend';
import App from '../App.svelte';
import { router } from '../lib/router.svelte';
import { player } from '../lib/player.svelte';
import { practitioner } from '../lib/practitioner.svelte';

let office: RealBackend;
let laptop: RealBackend;
let shared: string;

/** Shows one laptop's window: its commands, its events, the Team screen. */
function openAs(backend: RealBackend) {
  cleanup();
  api.setInvoker(backend.invoke);
  api.setEventSource(backend.listen);
  practitioner.reset();
  player.reset();
  router.go('#/team');
  return render(App);
}

beforeEach(() => {
  localStorage.clear();
  office = startRealBackend();
  laptop = startRealBackend();
  shared = mkdtempSync(join(tmpdir(), 'refrain-team-'));
  api.setFilePicker(async () => shared);
  api.setSavePicker(async () => join(shared, 'invitation.json'));
});
afterEach(() => {
  office.dispose();
  laptop.dispose();
  api.setFilePicker(null);
  api.setSavePicker(null);
  rmSync(shared, { recursive: true, force: true });
});

describe('a team of two laptops', () => {
  it('starts at the office, joins by the code on the laptop, and the laptop receives the group it is given', async () => {
    const user = userEvent.setup();

    // The office: a group, then the team.
    api.setInvoker(office.invoke);
    await api.createGroup({
      name: 'Thursday Singing for the Brain',
      venueId: null,
      weekday: null,
      startTime: '',
      endTime: '',
      capacity: null,
      facilitators: '',
    } as never);
    openAs(office);
    await screen.findByText(/This laptop is not in a team/);
    expect(screen.getByText('Your records stay on this computer.')).toBeTruthy();
    await user.type(screen.getByLabelText("The team's name"), 'Hall Lane Music');
    await user.type(screen.getByLabelText("The office laptop's name"), 'Office laptop');
    await user.click(screen.getByRole('button', { name: 'Start the team' }));
    await screen.findByRole('heading', { level: 2, name: 'Hall Lane Music: this laptop' });
    await waitFor(() => expect(screen.getByRole('link', { name: /Shared with Hall Lane Music/ })).toBeTruthy());

    // Without Syncthing on this laptop, it says so and asks for a folder.
    expect(screen.getByText(/Syncthing is not installed here/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Use a folder the charity already syncs…' }));
    await screen.findByText(`The folder ${shared}`, {}, { timeout: 15_000 });
    await user.click(screen.getByRole('button', { name: 'Save an invitation…' }));
    await screen.findByText(/Invitation saved/, {}, { timeout: 15_000 });

    // The laptop joins with the invitation and shows its code.
    openAs(laptop);
    await screen.findByText(/This laptop is not in a team/);
    await user.type(screen.getByLabelText("This laptop's name"), "Priya's laptop");
    api.setFilePicker(async () => join(shared, 'invitation.json'));
    await user.click(screen.getByRole('button', { name: 'Open the invitation…' }));
    const code = (await screen.findByText(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/)).textContent!;
    expect(screen.getByText(/Read this code to the office/)).toBeTruthy();
    api.setFilePicker(async () => shared);
    await user.click(screen.getByRole('button', { name: 'Use a folder the charity already syncs…' }));
    await screen.findByText(`The folder ${shared}`);
    await user.click(screen.getByRole('button', { name: 'Check now' }));
    await screen.findByText('Waiting for the office to accept this laptop.');
    // The check has written the laptop's request into the shared folder.
    await waitFor(() => expect(readdirSync(join(shared, 'team', 'requests'))).toHaveLength(1), { timeout: 15_000 });

    // The office types the code and gives it the group.
    openAs(office);
    const request = (
      await screen.findByRole('button', { name: "Accept Priya's laptop" }, { timeout: 15_000 })
    ).closest('form')!;
    await user.type(within(request).getByLabelText("The code on Priya's laptop's screen"), 'WRONG-CODE');
    await user.click(within(request).getByLabelText('Thursday Singing for the Brain'));
    await user.click(within(request).getByRole('button', { name: "Accept Priya's laptop" }));
    await screen.findByText(/That code does not match this request/, {}, { timeout: 15_000 });
    const codeField = within(request).getByLabelText("The code on Priya's laptop's screen");
    await user.clear(codeField);
    await user.type(codeField, code.toLowerCase());
    await user.click(within(request).getByRole('button', { name: "Accept Priya's laptop" }));
    await screen.findByText(/Accepted/, {}, { timeout: 15_000 });
    await user.click(screen.getByRole('button', { name: 'Sync now' }));
    const table = await screen.findByRole('table', {}, { timeout: 15_000 });
    await waitFor(
      () =>
      expect(within(table).getByRole('rowheader', { name: /Priya's laptop/ }).closest('tr')!.textContent).toContain(
        'Thursday Singing for the Brain',
      ),
      { timeout: 15_000 },
    );

    // The laptop checks again: accepted, and the group arrives.
    openAs(laptop);
    await user.click(await screen.findByRole('button', { name: 'Check now' }));
    await screen.findByRole('button', { name: 'Sync now' }, { timeout: 15_000 });
    await user.click(screen.getByRole('button', { name: 'Sync now' }));
    await waitFor(
      async () =>
        expect((await api.listGroups(false)).map((g) => g.name)).toEqual(['Thursday Singing for the Brain']),
      { timeout: 15_000 },
    );
    await waitFor(() => expect(screen.getByRole('button', { name: 'Sync now' }).hasAttribute('disabled')).toBe(false), {
      timeout: 15_000,
    });
    await waitFor(
      () => {
        expect(screen.getByRole('rowheader', { name: /Office laptop/ })).toBeTruthy();
        expect(document.querySelector('.team-freshness')!.textContent).toBe('Synced just now.');
        expect(screen.getByRole('link', { name: /Shared with Hall Lane Music. Synced just now/ })).toBeTruthy();
      },
      { timeout: 15_000 },
    );
  }, 60_000);
});
