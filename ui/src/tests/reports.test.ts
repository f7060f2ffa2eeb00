// Reports with the api mocked: the register's figures on screen, saving
// (to the reports folder, or where the therapist chooses), the core's
// messages beside the dates, and a person's reports card (feedback needs
// consent; erasing needs a reason and their name typed).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Attendee, Group, RegisterReport } from '../lib/bindings';

vi.mock('../lib/api', () => ({
  listGroups: vi.fn(),
  registerReport: vi.fn(),
  programmeSummary: vi.fn(),
  exportReport: vi.fn(),
  reportFileName: vi.fn(),
  pickSavePath: vi.fn(),
  onExportProgress: vi.fn(),
  eraseAttendee: vi.fn(),
}));

import * as api from '../lib/api';
import Reports from '../screens/Reports.svelte';
import PersonReportsCard from '../lib/components/PersonReportsCard.svelte';

const m = vi.mocked(api);

const group = (id: string, name: string, archived = false): Group => ({
  id,
  name,
  description: '',
  venueId: null,
  venueName: null,
  weekday: 'tuesday',
  startTime: '10:30',
  endTime: '12:00',
  capacity: null,
  facilitators: '',
  eligibility: '',
  minimumAge: null,
  maximumAge: null,
  archived,
  memberCount: 3,
  nextSession: null,
  createdAt: '',
  updatedAt: '',
});

const REGISTER: RegisterReport = {
  groupId: 'g1',
  groupName: 'Tuesday Choir',
  venue: 'Northfield Community Centre',
  from: '2025-01-01',
  to: '2025-01-31',
  sessions: [
    { sessionId: 's1', date: '2025-01-07', startTime: '10:30', status: 'held', attended: 2, expected: 3 },
    { sessionId: 's2', date: '2025-01-14', startTime: '10:30', status: 'cancelled', attended: 0, expected: 0 },
  ],
  people: [
    {
      attendeeId: 'a1',
      fullName: 'Ada Lovelace',
      cells: [{ kind: 'marked', mark: 'present', walkIn: false }, { kind: 'cancelled' }],
      attended: 1,
      expected: 1,
      rate: 100,
    },
    {
      attendeeId: 'a2',
      fullName: 'Walter Walk-in',
      cells: [{ kind: 'marked', mark: 'late', walkIn: true }, { kind: 'notMember' }],
      attended: 1,
      expected: 1,
      rate: 100,
    },
    {
      attendeeId: 'a3',
      fullName: 'Zoë Adams',
      cells: [{ kind: 'marked', mark: 'absent', walkIn: false }, { kind: 'cancelled' }],
      attended: 0,
      expected: 1,
      rate: 0,
    },
  ],
  attended: 2,
  expected: 3,
  rate: (2 * 100) / 3,
  stamp: { producedAt: '1 Feb 2025 10:00', producedBy: '', appVersion: '0.1.0', recordsAsOf: '' },
};

beforeEach(() => {
  vi.resetAllMocks();
  m.listGroups.mockResolvedValue([group('g1', 'Tuesday Choir'), group('g2', 'Old Group', true)]);
  m.registerReport.mockResolvedValue(REGISTER);
  m.onExportProgress.mockResolvedValue(() => {});
  m.exportReport.mockResolvedValue({ path: '/home/sam/Documents/Refrain reports/Register Tuesday Choir.pdf', bytes: 2048 });
});

describe('Reports', () => {
  it('shows the register with the core’s figures, then saves it to the reports folder', async () => {
    const user = userEvent.setup();
    render(Reports);
    const card = (await screen.findByRole('heading', { name: 'Attendance register' })).closest('section')!;
    const c = within(card as HTMLElement);
    await user.clear(c.getByLabelText('From'));
    await user.type(c.getByLabelText('From'), '2025-01-01');
    await user.clear(c.getByLabelText('To'));
    await user.type(c.getByLabelText('To'), '2025-01-31');
    await user.click(c.getByRole('button', { name: 'Show the register' }));
    expect(m.registerReport).toHaveBeenCalledWith('g1', '2025-01-01', '2025-01-31');

    const summary = await c.findByTestId('register-summary');
    expect(summary.textContent).toMatch(/2 sessions in the period: 1 held, 1 cancelled/);
    expect(summary.textContent).toMatch(/2 of 3/);
    expect(summary.textContent).toMatch(/66\.7%/);
    const table = c.getByRole('table');
    const walter = within(table).getByRole('rowheader', { name: 'Walter Walk-in' }).closest('tr')!;
    expect(walter.textContent).toContain('Walk-in, late');
    expect(within(table).getByRole('rowheader', { name: 'Zoë Adams' }).closest('tr')!.textContent).toContain('0.0%');

    await user.click(c.getByRole('button', { name: 'Save PDF of the register' }));
    expect(m.exportReport).toHaveBeenCalledWith(
      { kind: 'register', groupId: 'g1', from: '2025-01-01', to: '2025-01-31' },
      'pdf',
      null,
    );
    const status = await c.findByText(/Saved/);
    expect(status.textContent).toContain('Register Tuesday Choir.pdf');
    expect(status.textContent).toContain('/home/sam/Documents/Refrain reports');
    expect(m.pickSavePath).not.toHaveBeenCalled();
  });

  it('asks where to save when the therapist wants to choose, and stops if they close the window', async () => {
    const user = userEvent.setup();
    render(Reports);
    const card = (await screen.findByRole('heading', { name: 'Attendance register' })).closest('section')!;
    const c = within(card as HTMLElement);
    m.reportFileName.mockResolvedValue('Register Tuesday Choir 2025-01-01 to 2025-01-31.xlsx');
    await user.click(c.getByLabelText('Let me choose where to save it'));

    m.pickSavePath.mockResolvedValueOnce(null);
    await user.click(c.getByRole('button', { name: 'Save Excel of the register' }));
    expect(m.pickSavePath).toHaveBeenCalledWith('Register Tuesday Choir 2025-01-01 to 2025-01-31.xlsx', 'xlsx');
    expect(m.exportReport).not.toHaveBeenCalled();

    m.pickSavePath.mockResolvedValueOnce('/media/usb/register.xlsx');
    await user.click(c.getByRole('button', { name: 'Save Excel of the register' }));
    await waitFor(() => expect(m.exportReport).toHaveBeenCalledTimes(1));
    expect(m.exportReport.mock.calls[0][1]).toBe('xlsx');
    expect(m.exportReport.mock.calls[0][2]).toBe('/media/usb/register.xlsx');
  });

  it('puts the core’s message about a date beside that date', async () => {
    const user = userEvent.setup();
    m.exportReport.mockRejectedValue({
      code: 'invalid',
      message: 'The end of the period must be on or after its start.',
      field: 'to',
    });
    render(Reports);
    const card = (await screen.findByRole('heading', { name: 'Attendance register' })).closest('section')!;
    const c = within(card as HTMLElement);
    await user.click(c.getByRole('button', { name: 'Save CSV of the register' }));
    const to = c.getByLabelText('To');
    await waitFor(() => expect(to.getAttribute('aria-invalid')).toBe('true'));
    expect(c.getByText('The end of the period must be on or after its start.')).toBeTruthy();
    expect(c.queryByText(/Saved/)).toBeNull();
  });

  it('offers the programme summary for the chosen groups only', async () => {
    const user = userEvent.setup();
    render(Reports);
    const card = (await screen.findByRole('heading', { name: 'Programme summary for a funder' })).closest('section')!;
    const c = within(card as HTMLElement);
    // Archived groups are offered but not ticked.
    expect((c.getByLabelText('Tuesday Choir') as HTMLInputElement).checked).toBe(true);
    expect((c.getByLabelText('Old Group (archived)') as HTMLInputElement).checked).toBe(false);
    await user.type(c.getByLabelText(/In your own words/), 'People sang.');
    await user.click(c.getByRole('button', { name: 'Save Excel of the programme summary' }));
    const [request, format] = m.exportReport.mock.calls[0];
    expect(format).toBe('xlsx');
    expect(request).toMatchObject({ kind: 'programme', groupIds: ['g1'], narrative: 'People sang.' });
  });

  it('shows how quickly referrals were answered and the people came, as the files say it', async () => {
    m.programmeSummary.mockResolvedValue({
      groupNames: ['Tuesday Choir'],
      from: '2025-01-01',
      to: '2025-01-31',
      sessionsPlanned: 4,
      sessionsHeld: 3,
      sessionsCancelled: 1,
      sessionsNotYetHeld: 0,
      uniqueParticipants: 5,
      participantsThreeOrMore: 0,
      attended: 8,
      expected: 11,
      attendanceRate: 72.7,
      membersInPeriod: 4,
      membersRetained: 3,
      retentionRate: 75,
      referralStatuses: [],
      referrals: [],
      referralsTotal: 4,
      referralTiming: {
        responseDays: 14,
        referrals: 4,
        answered: 3,
        answeredInTime: 2,
        medianDaysToAnswer: 13.5,
        overdue: 1,
        came: 2,
        cameInTime: 1,
        medianDaysToFirstSession: 8,
      },
      episodes: [
        {
          instrumentName: 'ONS4',
          rater: 'self',
          started: 3,
          both: 2,
          lines: [
            { label: 'Overall', start: 4.5, end: 6.25, change: 1.75, lowerIsBetter: false, better: true },
            { label: 'Anxious yesterday', start: 6, end: 3, change: -3, lowerIsBetter: true, better: true },
          ],
        },
      ],
      wellbeing: [],
      narrative: '',
      stamp: { producedAt: '', producedBy: '', appVersion: '', recordsAsOf: '' },
    });
    const user = userEvent.setup();
    render(Reports);
    const card = (await screen.findByRole('heading', { name: 'Programme summary for a funder' })).closest('section')!;
    await user.click(within(card as HTMLElement).getByRole('button', { name: 'Show the figures' }));
    const figures = await screen.findByTestId('programme-figures');
    const text = figures.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain(
      'Answered within 14 days 2 of 4 referrals; 3 answered in all, median 13.5 days to an answer; 1 waiting past the deadline now',
    );
    expect(text).toContain('First session within 14 days 1 of 4 referrals; 2 came to a session in all, median 8 days from the referral');
    // The mean start, end and change the files hold, not only the counts.
    const means = screen.getByRole('table', { name: /ONS4 \(.*\): means of the 2 referrals/ });
    const rows = within(means)
      .getAllByRole('row')
      .map((r) => Array.from(r.querySelectorAll('th, td'), (c) => c.textContent!.trim()).join(' '));
    expect(rows).toContain('Overall 4.5 6.25 +1.75 (better)');
    expect(rows).toContain('Anxious yesterday 6 3 −3 (better)');
  });
});

const person = (consent: boolean): Attendee => ({
  id: 'a1',
  fullName: 'Ada Lovelace',
  preferredName: '',
  dateOfBirth: null,
  phone: '',
  email: '',
  carerName: '',
  accessNeeds: '',
  communicationNeeds: '',
  informationNeeds: { largePrint: false, easyRead: false, contactViaCarer: false, interpreter: false, interpreterLanguage: '', hearingLoop: false },
  notes: '',
  consentParticipation: { given: true, date: null },
  consentMedia: { given: false, date: null },
  consentShareOutcomes: { given: consent, date: null },
  archived: false,
  createdAt: '',
  updatedAt: '',
});

describe('A person’s reports', () => {
  it('offers feedback for the referrer only with consent', async () => {
    const { unmount } = render(PersonReportsCard, { person: person(false), onerased: vi.fn() });
    expect(screen.getByText(/have not agreed to their outcomes being shared/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save PDF of the feedback' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Save JSON of the feedback' })).toBeNull();
    unmount();

    const user = userEvent.setup();
    render(PersonReportsCard, { person: person(true), onerased: vi.fn() });
    await user.type(screen.getByLabelText('Your summary for the referrer'), 'Comes every week.');
    await user.click(screen.getByRole('button', { name: 'Save PDF of the feedback' }));
    expect(m.exportReport).toHaveBeenCalledWith(
      { kind: 'referrerFeedback', attendeeId: 'a1', summary: 'Comes every week.' },
      'pdf',
      null,
    );
    // The structured message back, with its codes, for the link worker to file.
    await user.click(screen.getByRole('button', { name: 'Save JSON of the feedback' }));
    expect(m.exportReport).toHaveBeenLastCalledWith(
      { kind: 'referrerFeedback', attendeeId: 'a1', summary: 'Comes every week.' },
      'json',
      null,
    );
    await user.click(screen.getByRole('button', { name: 'Save JSON of everything held about them' }));
    expect(m.exportReport).toHaveBeenLastCalledWith({ kind: 'subjectAccess', attendeeId: 'a1' }, 'json', null);
  });

  it('erases only with the name typed, and passes the reason on', async () => {
    const user = userEvent.setup();
    const onerased = vi.fn();
    m.eraseAttendee.mockResolvedValue({
      attendeeId: 'a1',
      erasedAt: '2025-02-03T10:00:00Z',
      reason: 'Asked in writing',
      practitionerName: null,
      removed: ['1 referral'],
    });
    render(PersonReportsCard, { person: person(true), onerased });
    await user.click(screen.getByRole('button', { name: /Erase Ada Lovelace's record/ }));
    const dialog = await screen.findByRole('dialog');
    const d = within(dialog);
    await user.type(d.getByLabelText(/Why/), 'Asked in writing');
    await user.type(d.getByLabelText(/Type their full name/), 'Ada');
    await user.click(d.getByRole('button', { name: 'Erase for good' }));
    expect(m.eraseAttendee).not.toHaveBeenCalled();
    expect(d.getByText('Type Ada Lovelace to confirm.')).toBeTruthy();

    await user.type(d.getByLabelText(/Type their full name/), ' lovelace');
    await user.click(d.getByRole('button', { name: 'Erase for good' }));
    expect(m.eraseAttendee).toHaveBeenCalledWith('a1', 'Asked in writing');
    await waitFor(() => expect(onerased).toHaveBeenCalledTimes(1));
  });
});
