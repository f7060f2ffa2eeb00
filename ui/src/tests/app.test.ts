// The whole app against the dev mock backend: first run, sample data, a
// register, and adding a member. Checks the screens and contract fit together.
import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import * as api from '../lib/api';
import { createMockBackend } from '../lib/mock-backend';
import App from '../App.svelte';
import { router } from '../lib/router.svelte';

function start() {
  const backend = createMockBackend();
  api.setInvoker(backend.invoke);
  router.go('#/today');
  render(App);
  return { user: userEvent.setup(), backend };
}

describe('Refrain app (mock backend)', () => {
  it('has the four nav links', async () => {
    start();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    for (const name of ['Today', 'Groups', 'Attendees', 'Venues']) {
      expect(within(nav).getByRole('link', { name })).toBeTruthy();
    }
    await screen.findByRole('button', { name: 'Load sample data' });
  });

  it('loads sample data, opens a register and marks someone present', async () => {
    const { user } = start();
    await user.click(await screen.findByRole('button', { name: 'Load sample data' }));
    const open = await screen.findAllByRole('link', { name: /^Open register for Singing for the Brain on / });
    const todays = open.find((l) => l.classList.contains('is-today')) ?? open[0];
    await user.click(todays);
    await screen.findByRole('heading', { level: 1, name: 'Singing for the Brain' });
    const present = await screen.findByRole('button', { name: 'Present Margaret Ellis' });
    await user.click(present);
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Present Margaret Ellis' }).getAttribute('aria-pressed')).toBe('true'),
    );
    // The keyboard works on the same screen.
    const arthur = screen.getAllByTestId('register-row').find((r) => r.getAttribute('aria-label') === 'Arthur Bennett')!;
    arthur.focus();
    await user.keyboard('l');
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Late Arthur Bennett' }).getAttribute('aria-pressed')).toBe('true'),
    );
  });

  it('creates a group, adds a new person and an existing one, and plans sessions', async () => {
    const { user } = start();
    await user.click(await screen.findByRole('button', { name: 'Create a group' }));
    await user.type(await screen.findByLabelText('Group name'), 'Friday Friends');
    await user.selectOptions(screen.getByLabelText('Usual day'), 'Friday');
    await user.type(screen.getByLabelText('Start time'), '10:00');
    await user.type(screen.getByLabelText('End time'), '11:00');
    await user.click(screen.getByRole('button', { name: 'Save group' }));
    await screen.findByRole('heading', { level: 1, name: 'Friday Friends' });

    // Someone new, created inline.
    await user.click(screen.getByRole('button', { name: 'Add member' }));
    let dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText('Full name'), 'Margaret Ellis');
    await user.click(within(dialog).getByRole('button', { name: 'Add to group' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByRole('link', { name: 'Margaret Ellis' })).toBeTruthy();

    // Someone already in Refrain, found by search.
    await api.createAttendee({ ...(await import('../lib/input')).emptyAttendeeInput(), fullName: 'Arthur Bennett' });
    await user.click(screen.getByRole('button', { name: 'Add member' }));
    dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText('Find a person'), 'Arth');
    await user.click(await within(dialog).findByRole('button', { name: 'Add Arthur Bennett' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByRole('link', { name: 'Arthur Bennett' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Plan sessions' }));
    await waitFor(() => expect(screen.getAllByRole('link', { name: /^Open register for Friday Friends on Friday / })).toHaveLength(6));
  });

  it('shows a core validation message beside the session Date field', async () => {
    const { user } = start();
    await user.click(await screen.findByRole('button', { name: 'Create a group' }));
    await user.type(await screen.findByLabelText('Group name'), 'Choir');
    await user.click(screen.getByRole('button', { name: 'Save group' }));
    await screen.findByRole('heading', { level: 1, name: 'Choir' });
    // The same date and time twice: the core names the "date" field.
    for (let i = 0; i < 2; i++) {
      await user.click(screen.getByRole('button', { name: 'New session' }));
      const dialog = screen.getByRole('dialog');
      await user.type(within(dialog).getByLabelText('Date'), '2026-11-20');
      await user.type(within(dialog).getByLabelText('Start time'), '10:00');
      await user.type(within(dialog).getByLabelText('End time'), '11:00');
      await user.click(within(dialog).getByRole('button', { name: 'Create session' }));
      if (i === 0) await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    }
    const date = within(screen.getByRole('dialog')).getByLabelText('Date');
    await waitFor(() => expect(date.getAttribute('aria-invalid')).toBe('true'));
    const msg = document.getElementById(date.getAttribute('aria-describedby')!.split(' ').pop()!)!;
    expect(msg.textContent).toBe('Choir already has a session on 2026-11-20 at 10:00.');
    expect(document.activeElement).toBe(date);
  });
});
