// Referrals answered in time: Today's "Awaiting a reply" list, accepting and
// declining with a reason, and the practice's deadline, with the whole app
// over the app's real commands (the core decides what is overdue).
// A person's information needs, recorded on their form and shown as a sign.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import * as api from '../lib/api';
import { personInput } from './fixtures';
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
  const p = await api.createAttendee(personInput(name, { consentParticipation: { given: false, date: null } }));
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
    expect(ann.textContent).toContain('Overdue: was due');
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
    await user.click(screen.getByRole('button', { name: 'Referral settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Referral settings' });
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

describe('start and end measures of a referral', () => {
  it('offers the start on Today once the person has come, then the end on their page once it ends, and pairs them', async () => {
    const p = await referred('Eve Measured', 10);
    const referral = (await api.getAttendee(p.id)).referrals[0];
    await api.setReferralStatus(referral.id, 'accepted', addDays(todayIso(), -8), '');
    const group = await api.createGroup({
      name: 'Wednesday Drop-in',
      description: '',
      venueId: null,
      weekday: null,
      startTime: '',
      endTime: '',
      capacity: null,
      facilitators: '',
      eligibility: '',
      minimumAge: null,
      maximumAge: null,
    });
    await api.addMember(group.id, p.id, addDays(todayIso(), -8));
    const session = await api.createSession({
      groupId: group.id,
      date: todayIso(),
      startTime: '13:30',
      endTime: '15:00',
      venueId: null,
      facilitators: '',
    });
    await api.setMark(session.id, p.id, 'present');

    openApp();
    const user = userEvent.setup();
    // Her first session's register offers the start beside her, as the core says.
    router.go(`#/sessions/${session.id}`);
    const row = await screen.findByRole('listitem', { name: 'Eve Measured' });
    expect(
      within(row).getByRole('button', { name: 'Start measure due: ONS4 personal wellbeing, for Eve Measured. Take it now' }),
    ).toBeTruthy();
    router.go('#/today');
    const take = await screen.findByRole('button', { name: 'Take ONS4 personal wellbeing at the start for Eve Measured' });
    const due = screen.getByRole('region', { name: 'Measures due' });
    expect(due.textContent).toContain('They have come to a session since the referral.');
    await user.click(take);
    const dialog = await screen.findByRole('dialog', { name: 'ONS4 personal wellbeing at the start for Eve Measured' });
    // The start is taken at intake, chosen for the therapist.
    expect((within(dialog).getByLabelText('Intake') as HTMLInputElement).checked).toBe(true);
    const answer = async (question: RegExp, value: string) => {
      const q = within(dialog).getByRole('group', { name: question });
      await user.click(within(q).getByRole('radio', { name: new RegExp(`^${value}\\b`) }));
    };
    await answer(/satisfied/, '4');
    await answer(/worthwhile/, '5');
    await answer(/happy/, '3');
    await answer(/anxious/, '7');
    await user.click(within(dialog).getByRole('button', { name: 'Save answers' }));
    await screen.findByText('ONS4 personal wellbeing at the start is saved for Eve Measured.');
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Measures due' })).toBeNull());

    // The referral is ended on the person's page: its end measure opens
    // there and then, "at the end" already chosen.
    router.go(`#/attendees/${p.id}`);
    await user.click(await screen.findByRole('button', { name: /^Change status of the referral received/ }));
    const statusDialog = await screen.findByRole('dialog', { name: "Change the referral's status" });
    await user.selectOptions(within(statusDialog).getByLabelText('New status'), 'completed');
    await user.click(within(statusDialog).getByRole('button', { name: 'Save status' }));
    const endDialog = await screen.findByRole('dialog', { name: 'ONS4 personal wellbeing at the end for Eve Measured' });
    expect(endDialog.textContent).toContain('The referral has ended');
    expect((within(endDialog).getByLabelText('Discharge') as HTMLInputElement).checked).toBe(true);
    const answerEnd = async (question: RegExp, value: string) => {
      const q = within(endDialog).getByRole('group', { name: question });
      await user.click(within(q).getByRole('radio', { name: new RegExp(`^${value}\\b`) }));
    };
    await answerEnd(/satisfied/, '7');
    await answerEnd(/worthwhile/, '7');
    await answerEnd(/happy/, '6');
    await answerEnd(/anxious/, '3');
    await user.click(within(endDialog).getByRole('button', { name: 'Save answers' }));
    await screen.findByText('ONS4 personal wellbeing at the end is saved for Eve Measured.');
    const table = await screen.findByRole('table', { name: /ONS4 personal wellbeing at the start and the end/ });
    const rows = () =>
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map((r) => within(r).getAllByRole('cell').map((c) => c.textContent!.trim()));
    await waitFor(() => expect(rows()[0][1]).toBe('7'));
    expect(rows()).toEqual([
      ['4', '7', '+3 (better)'],
      ['5', '7', '+2 (better)'],
      ['3', '6', '+3 (better)'],
      ['7', '3', '−4 (better)'],
    ]);
    expect(screen.queryByRole('button', { name: /Take ONS4/ })).toBeNull();
  });
});

describe("a person's information needs", () => {
  it('records them on the form, with the core refusing an interpreter without a language, and shows them as a sign', async () => {
    const p = await referred('Eva Nowak', 2);
    const user = userEvent.setup();
    openApp(`#/attendees/${p.id}`);
    await screen.findByRole('heading', { level: 1, name: 'Eva Nowak' });
    expect(screen.queryByRole('list', { name: 'Information needs of Eva Nowak' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Edit record' }));
    await user.click(screen.getByLabelText('Large print'));
    await user.click(screen.getByLabelText('Interpreter'));
    await user.click(screen.getByRole('button', { name: 'Save attendee' }));
    // The core's words, beside the language it asks for; nothing saved.
    const language = await screen.findByLabelText("Interpreter's language");
    await waitFor(() => expect(language.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByText(/Say which language the interpreter is for/)).toBeTruthy();
    expect((await api.getAttendee(p.id)).attendee.informationNeeds.largePrint).toBe(false);

    await user.type(language, 'Polish');
    await user.click(screen.getByRole('button', { name: 'Save attendee' }));
    const sign = await screen.findByRole('list', { name: 'Information needs of Eva Nowak' });
    expect(within(sign).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Large print',
      'Interpreter: Polish',
    ]);
    const saved = (await api.getAttendee(p.id)).attendee;
    expect(saved.informationNeeds).toMatchObject({ largePrint: true, interpreter: true, interpreterLanguage: 'Polish' });
  });
});
