// Referrals answered in time: Today's "Awaiting a reply" list, accepting and
// declining with a reason, and the practice's deadline, with the whole app
// over the app's real commands (the core decides what is overdue).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import * as api from '../lib/api';
import { startRealBackend, type RealBackend } from './real-backend';
import App from '../App.svelte';
import { router } from '../lib/router.svelte';
import { player } from '../lib/player.svelte';
import { practitioner } from '../lib/practitioner.svelte';
import { addDays, todayIso } from '../lib/dates';

let backend: RealBackend;

beforeEach(() => {
  localStorage.clear();
  backend = startRealBackend();
  api.setInvoker(backend.invoke);
  api.setEventSource(backend.listen);
});
afterEach(() => backend.dispose());

function openApp(hash = '#/today') {
  practitioner.reset();
  player.reset();
  router.go(hash);
  return render(App);
}

async function referred(name: string, daysAgo: number) {
  const p = await api.createAttendee({
    fullName: name,
    preferredName: '',
    dateOfBirth: '',
    phone: '',
    email: '',
    carerName: '',
    accessNeeds: '',
    communicationNeeds: '',
    notes: '',
    consentParticipation: { given: false, date: null },
    consentMedia: { given: false, date: null },
    consentShareOutcomes: { given: false, date: null },
  });
  await api.addReferral({
    attendeeId: p.id,
    source: 'gpLinkWorker',
    referrerName: 'Chris Doyle',
    referrerOrganisation: 'Mill Lane Surgery',
    receivedOn: addDays(todayIso(), -daysAgo),
    reasons: ['loneliness'],
    reasonNotes: '',
  });
  return p;
}

const awaiting = () => screen.getByRole('region', { name: /Awaiting a reply/ });
const itemOf = (name: string) => within(awaiting()).getByRole('link', { name }).closest('li')!;

describe('referrals awaiting a reply', () => {
  it('shows how long each has waited and which are overdue, and accepting takes one off the list', async () => {
    await referred('Ann Fifteen', 15);
    await referred('Bea Three', 3);
    openApp();
    const user = userEvent.setup();
    await screen.findByRole('heading', { name: 'Awaiting a reply' });
    await waitFor(() => expect(within(awaiting()).getAllByRole('listitem')).toHaveLength(2));
    expect(within(awaiting()).getByText('1 overdue')).toBeTruthy();
    const ann = itemOf('Ann Fifteen');
    expect(ann.textContent).toContain('waiting 15 days');
    expect(ann.textContent).toContain('Overdue since');
    expect(ann.textContent).toContain('GP link worker: Chris Doyle, Mill Lane Surgery');
    const bea = itemOf('Bea Three');
    expect(bea.textContent).toContain('waiting 3 days');
    expect(bea.textContent).toContain('Answer by');
    // The longest waiting first.
    const names = within(awaiting())
      .getAllByRole('listitem')
      .map((li) => li.querySelector('a')!.textContent);
    expect(names).toEqual(['Ann Fifteen', 'Bea Three']);

    await user.click(screen.getByRole('button', { name: 'Accept the referral for Ann Fifteen' }));
    const dialog = await screen.findByRole('dialog', { name: 'Accept the referral for Ann Fifteen' });
    await user.type(within(dialog).getByLabelText('Note for the referrer'), 'Starts next Wednesday');
    await user.click(within(dialog).getByRole('button', { name: 'Accept the referral' }));
    await screen.findByText('The referral for Ann Fifteen is accepted.');
    await waitFor(() => expect(within(awaiting()).getAllByRole('listitem')).toHaveLength(1));
    expect(within(awaiting()).queryByText('1 overdue')).toBeNull();
  });

  it('declines only with a reason, shown beside the choice, and the person’s page keeps it', async () => {
    const p = await referred('Cal Declined', 2);
    openApp();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Decline the referral for Cal Declined' }));
    const dialog = await screen.findByRole('dialog', { name: 'Decline the referral for Cal Declined' });
    await user.click(within(dialog).getByRole('button', { name: 'Decline the referral' }));
    // The core's message, beside the reasons it names.
    const reasons = await within(dialog).findByRole('group', { name: 'Why is it declined?' });
    await waitFor(() => expect(within(reasons).getByText(/Please choose why the referral is declined/)).toBeTruthy());
    expect(reasons.getAttribute('aria-describedby')).toBeTruthy();

    await user.click(within(reasons).getByLabelText('No place in the group'));
    await user.type(within(dialog).getByLabelText('Note for the referrer'), 'Full until spring');
    await user.click(within(dialog).getByRole('button', { name: 'Decline the referral' }));
    await screen.findByText('The referral for Cal Declined is declined.');
    await waitFor(() => expect(within(awaiting()).getByText('No referrals are waiting for a reply.')).toBeTruthy());

    router.go(`#/attendees/${p.id}`);
    const history = await screen.findByRole('heading', { name: 'History' });
    const list = history.nextElementSibling!;
    await waitFor(() => expect(list.textContent).toMatch(/Declined on .*: no place in the group · Full until spring/s));
  });

  it('changes the practice’s deadline, refusing one the core does not allow', async () => {
    await referred('Dee Twenty', 20);
    openApp();
    const user = userEvent.setup();
    await screen.findByText(/New referrals are answered within 14 days/);
    await waitFor(() => expect(within(awaiting()).getByText('1 overdue')).toBeTruthy());
    await user.click(screen.getByRole('button', { name: 'Change the deadline' }));
    const dialog = await screen.findByRole('dialog', { name: 'Deadline for answering referrals' });
    const days = within(dialog).getByLabelText('Days to answer a new referral');
    await user.clear(days);
    await user.type(days, '120');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(days.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(`${days.id}-error`)!.textContent).toBe('Choose a number of days from 1 to 90.');

    await user.clear(days);
    await user.type(days, '21');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await screen.findByText(/New referrals are answered within 21 days/);
    await waitFor(() => expect(within(awaiting()).queryByText('1 overdue')).toBeNull());
    expect(itemOf('Dee Twenty').textContent).toContain('Answer by');
  });
});
