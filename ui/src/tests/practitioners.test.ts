// Who is using Refrain: the therapists' page and the choice in the menu, with
// the whole app over the app's real commands.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import * as api from '../lib/api';
import { startRealBackend, type RealBackend } from './real-backend';
import App from '../App.svelte';
import { router } from '../lib/router.svelte';
import { player } from '../lib/player.svelte';
import { PRACTITIONER_KEY, practitioner } from '../lib/practitioner.svelte';

let backend: RealBackend;

function connect() {
  backend = startRealBackend();
  api.setInvoker(backend.invoke);
  api.setEventSource(backend.listen);
}

/** Open Refrain as if for the first time this run: nothing held in memory. */
function openApp(hash = '#/practitioners') {
  practitioner.reset();
  player.reset();
  router.go(hash);
  return render(App);
}

const nav = () => screen.getByRole('navigation', { name: 'Main' });
const usingNow = () => nav().querySelector('.nav-user-name')!.textContent!.replace(/\s+/g, ' ').trim();

async function addTherapist(user: ReturnType<typeof userEvent.setup>, name: string, hcpc: string) {
  await user.click(await screen.findByRole('button', { name: 'Add a therapist' }));
  const form = screen.getByRole('form', { name: 'Add a therapist' });
  await user.type(within(form).getByLabelText('Name'), name);
  if (hcpc) await user.type(within(form).getByLabelText('HCPC registration number'), hcpc);
  await user.click(within(form).getByRole('button', { name: 'Save' }));
}

beforeEach(() => {
  localStorage.clear();
  connect();
});
afterEach(() => backend.dispose());

describe('therapists', () => {
  it('adds a therapist, showing the core’s message beside the HCPC number, and chooses the first one added', async () => {
    openApp();
    const user = userEvent.setup();
    await screen.findByRole('heading', { level: 1, name: 'Therapists' });
    expect(usingNow()).toBe('Using Refrain: no one chosen');

    await addTherapist(user, 'Sam Jones', 'AS12');
    const hcpc = await screen.findByLabelText('HCPC registration number');
    await waitFor(() => expect(hcpc.getAttribute('aria-invalid')).toBe('true'));
    const err = document.getElementById(`${hcpc.id}-error`)!;
    expect(err.textContent).toMatch(/doesn't look like an HCPC registration number/);
    expect(hcpc.getAttribute('aria-describedby')).toContain(err.id);
    expect(document.activeElement).toBe(hcpc);

    await user.clear(hcpc);
    await user.type(hcpc, 'as 12345');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByRole('heading', { level: 2, name: /Sam Jones/ });
    expect(screen.getByText('AS12345')).toBeTruthy();
    expect(screen.getByText('Using Refrain now')).toBeTruthy();
    expect(usingNow()).toBe('Using Refrain: Sam Jones');
  });

  it('edits a name and number', async () => {
    openApp();
    const user = userEvent.setup();
    await addTherapist(user, 'Sam Jones', 'AS12345');
    await user.click(await screen.findByRole('button', { name: 'Edit Sam Jones' }));
    const form = screen.getByRole('form', { name: 'Edit Sam Jones' });
    const name = within(form).getByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'Samantha Jones');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await screen.findByRole('heading', { level: 2, name: /Samantha Jones/ });
    expect(usingNow()).toBe('Using Refrain: Samantha Jones');
  });

  it('the choice of who is using Refrain is remembered when Refrain is opened again', async () => {
    const first = openApp();
    const user = userEvent.setup();
    await addTherapist(user, 'Sam Jones', 'AS12345');
    await screen.findByRole('heading', { level: 2, name: /Sam Jones/ });
    await addTherapist(user, 'Priya Shah', 'AS67890');
    await screen.findByRole('heading', { level: 2, name: /Priya Shah/ });
    expect(usingNow()).toBe('Using Refrain: Sam Jones');

    // Switch in the menu.
    await user.click(within(nav()).getByRole('button', { name: 'Change who is using Refrain' }));
    const dialog = screen.getByRole('dialog', { name: 'Who is using Refrain?' });
    expect(within(dialog).getByRole('button', { name: /Sam Jones/ }).getAttribute('aria-pressed')).toBe('true');
    await user.click(within(dialog).getByRole('button', { name: /Priya Shah/ }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(usingNow()).toBe('Using Refrain: Priya Shah');

    first.unmount();
    openApp('#/today');
    await waitFor(() => expect(usingNow()).toBe('Using Refrain: Priya Shah'));
  });

  it('someone archived is no longer the one using Refrain', async () => {
    openApp();
    const user = userEvent.setup();
    await addTherapist(user, 'Sam Jones', 'AS12345');
    await screen.findByRole('heading', { level: 2, name: /Sam Jones/ });
    expect(localStorage.getItem(PRACTITIONER_KEY)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Archive Sam Jones' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Yes, archive' }));
    await waitFor(() => expect(usingNow()).toBe('Using Refrain: no one chosen'));
    expect(localStorage.getItem(PRACTITIONER_KEY)).toBeNull();
    expect(screen.queryByRole('heading', { level: 2, name: /Sam Jones/ })).toBeNull();
  });

  it('a remembered choice the core no longer knows is forgotten on start', async () => {
    localStorage.setItem(PRACTITIONER_KEY, 'someone-gone');
    openApp('#/today');
    await waitFor(() => expect(practitioner.loaded).toBe(true));
    expect(usingNow()).toBe('Using Refrain: no one chosen');
    expect(localStorage.getItem(PRACTITIONER_KEY)).toBeNull();
  });

  it('the one using Refrain writes and signs a group note on a register', async () => {
    openApp();
    const user = userEvent.setup();
    await addTherapist(user, 'Sam Jones', 'AS12345');
    await screen.findByRole('heading', { level: 2, name: /Sam Jones/ });
    await user.click(within(nav()).getByRole('link', { name: 'Today' }));
    await user.click(await screen.findByRole('button', { name: 'Load sample data' }));
    const open = await screen.findAllByRole('link', { name: /^Open register for Thursday Singing for the Brain on / });
    await user.click(open.find((l) => l.classList.contains('is-today')) ?? open[0]);
    const box = await screen.findByLabelText('Group note');
    await user.type(box, 'We sang Daisy Bell with a ukulele.');
    await user.click(screen.getByRole('button', { name: 'Save note' }));
    await waitFor(() => expect(screen.getAllByRole('status').some((s) => s.textContent === 'Saved')).toBe(true));
    await user.click(screen.getByRole('button', { name: 'Sign note' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Yes, sign it' }));
    await screen.findByText(/^Signed by Sam Jones \(HCPC AS12345\) on /);
    expect(screen.queryByLabelText('Group note')).toBeNull();

    // And it can be found (by a word no sample note holds).
    await user.click(within(nav()).getByRole('link', { name: 'Notes' }));
    await user.type(await screen.findByRole('searchbox', { name: 'Find in notes' }), 'ukulele');
    const found = await screen.findByRole('list', { name: 'Notes found' });
    expect(within(found).getByText('ukulele').tagName).toBe('MARK');
    expect(within(found).getByText(/Group note/)).toBeTruthy();
  });

  it('lists the latest changes in words, with who made them', async () => {
    openApp();
    const user = userEvent.setup();
    const changes = () => screen.getByRole('region', { name: 'Changes' });
    await waitFor(() => expect(within(changes()).getByText('Nothing has been changed yet.')).toBeTruthy());

    // Added before anyone was chosen; then Sam is chosen and edits.
    await addTherapist(user, 'Sam Jones', 'AS12345');
    await screen.findByRole('heading', { level: 2, name: /Sam Jones/ });
    await user.click(screen.getByRole('button', { name: 'Edit Sam Jones' }));
    const form = screen.getByRole('form', { name: 'Edit Sam Jones' });
    await user.clear(within(form).getByLabelText('HCPC registration number'));
    await user.type(within(form).getByLabelText('HCPC registration number'), 'AS54321');
    await user.click(within(form).getByRole('button', { name: 'Save' }));

    const list = await within(changes()).findByRole('list', { name: 'Latest changes' });
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2));
    const lines = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent!.trim());
    const when = String.raw`\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} — `;
    expect(lines[0]).toMatch(new RegExp(`^${when}Sam Jones changed a therapist's profile$`));
    expect(lines[1]).toMatch(new RegExp(`^${when}Someone \\(no one chosen\\) added a therapist's profile$`));
  });
});
