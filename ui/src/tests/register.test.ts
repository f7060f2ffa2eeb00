// The register screen with the api module mocked: keys and clicks must call
// the right command with the right arguments.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Note, Register } from '../lib/bindings';
import { entry, playerState, playlistSummary, register, session } from './fixtures';

vi.mock('../lib/api', () => ({
  getRegister: vi.fn(),
  setMark: vi.fn(),
  setCarerPresent: vi.fn(),
  addWalkIn: vi.fn(),
  sessionNotes: vi.fn(),
  saveNoteDraft: vi.fn(),
  signNote: vi.fn(),
  amendNote: vi.fn(),
  cancelSession: vi.fn(),
  listAttendees: vi.fn(),
  listPlaylists: vi.fn(),
  attachSetlist: vi.fn(),
  playPlaylist: vi.fn(),
}));

import * as api from '../lib/api';
import SessionRegister from '../screens/SessionRegister.svelte';
import { notices } from '../lib/notices.svelte';

const m = vi.mocked(api);

/** The core answers with the whole register; echo the change back. */
function echoMarks(start: Register) {
  let current = structuredClone(start);
  m.setMark.mockImplementation(async (_s, attendeeId, mark) => {
    current = structuredClone(current);
    const e = current.entries.find((x) => x.attendeeId === attendeeId)!;
    e.mark = mark;
    return current;
  });
  m.setCarerPresent.mockImplementation(async (_s, attendeeId, present) => {
    current = structuredClone(current);
    current.entries.find((x) => x.attendeeId === attendeeId)!.carerPresent = present;
    return current;
  });
}

async function open(reg: Register = register()) {
  m.getRegister.mockResolvedValue(structuredClone(reg));
  echoMarks(reg);
  m.listAttendees.mockResolvedValue([]);
  render(SessionRegister, { id: reg.session.id });
  await screen.findAllByTestId('register-row');
  return userEvent.setup();
}

const rows = () => screen.getAllByTestId('register-row');
const row = (name: string) => rows().find((r) => r.getAttribute('aria-label') === name)!;

const SETLIST = playlistSummary({ id: 'SL1', name: 'Spring term' });
const PEGGY_FAVOURITES = playlistSummary({
  id: 'PL-A1',
  kind: 'personal',
  name: 'Peggy’s favourites',
  groupId: null,
  groupName: null,
  attendeeId: 'A1',
  attendeeName: 'Margaret Ellis',
});

beforeEach(() => {
  vi.clearAllMocks();
  m.listPlaylists.mockImplementation(async (kind) => (kind === 'setlist' ? [SETLIST] : [PEGGY_FAVOURITES]));
  m.playPlaylist.mockResolvedValue(playerState());
  m.sessionNotes.mockResolvedValue({ sessionId: 'S1', groupNote: null, personNotes: [] });
  m.saveNoteDraft.mockImplementation(async (sessionId, attendeeId, body) => draftNote({ sessionId, attendeeId, body }));
});

function draftNote(over: Partial<Note> = {}): Note {
  return {
    id: 'N1',
    sessionId: 'S1',
    sessionDate: '2020-03-05',
    groupName: 'Tuesday Sing-along',
    attendeeId: null,
    attendeeName: null,
    body: '',
    signed: null,
    amendments: [],
    createdAt: '2020-03-05T15:40:00Z',
    updatedAt: '2020-03-05T15:40:00Z',
    ...over,
  };
}

describe('register layout', () => {
  it('shows the group as h1, the date, and a row per person named by full name', async () => {
    await open();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Thursday Singing for the Brain');
    expect(screen.getByRole('heading', { level: 2, name: 'Thursday 5 March 2020' })).toBeTruthy();
    // The time, the venue and who runs it, with a space before "at".
    expect(screen.getByText('14:00 to 15:30 at St Anne’s Church Hall, with Sam')).toBeTruthy();
    expect(rows().map((r) => r.getAttribute('aria-label'))).toEqual(['Margaret Ellis', 'Arthur Bennett', 'Doreen Walsh']);
    const peggy = within(row('Margaret Ellis'));
    expect(peggy.getByText('Peggy')).toBeTruthy();
    expect(peggy.getByText('Carer: Joan Ellis')).toBeTruthy();
    for (const label of ['Present', 'Late', 'Left early', 'Absent', 'Apologies']) {
      const b = peggy.getByRole('button', { name: `${label} Margaret Ellis` });
      expect(b.getAttribute('aria-pressed')).toBe('false');
    }
  });
});

describe('register keyboard', () => {
  it('P, L, E, A and S mark the focused row', async () => {
    const user = await open();
    row('Margaret Ellis').focus();
    const expected: [string, string][] = [
      ['p', 'present'],
      ['l', 'late'],
      ['e', 'leftEarly'],
      ['a', 'absent'],
      ['s', 'apologies'],
    ];
    for (const [k, mark] of expected) {
      await user.keyboard(k);
      await waitFor(() => expect(m.setMark).toHaveBeenLastCalledWith('S1', 'A1', mark));
    }
    expect(m.setMark).toHaveBeenCalledTimes(5);
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Apologies Margaret Ellis' }).getAttribute('aria-pressed')).toBe('true'),
    );
    expect(screen.getByRole('button', { name: 'Present Margaret Ellis' }).getAttribute('aria-pressed')).toBe('false');
  });

  it('Down/Up and j/k move between rows, and marks go to the row that has focus', async () => {
    const user = await open();
    row('Margaret Ellis').focus();
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(row('Arthur Bennett'));
    await user.keyboard('p');
    await waitFor(() => expect(m.setMark).toHaveBeenLastCalledWith('S1', 'A2', 'present'));
    await user.keyboard('j');
    expect(document.activeElement).toBe(row('Doreen Walsh'));
    await user.keyboard('{ArrowDown}'); // stays on the last row
    expect(document.activeElement).toBe(row('Doreen Walsh'));
    await user.keyboard('k');
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(row('Margaret Ellis'));
    await user.keyboard('S');
    await waitFor(() => expect(m.setMark).toHaveBeenLastCalledWith('S1', 'A1', 'apologies'));
  });

  it('only the focused row is in the tab order', async () => {
    const user = await open();
    row('Margaret Ellis').focus();
    expect(rows().map((r) => r.tabIndex)).toEqual([0, -1, -1]);
    await user.keyboard('{ArrowDown}');
    expect(rows().map((r) => r.tabIndex)).toEqual([-1, 0, -1]);
  });

  it('C toggles the carer once the person is marked', async () => {
    const reg = register({ entries: [entry({ mark: 'present' })] });
    const user = await open(reg);
    row('Margaret Ellis').focus();
    await user.keyboard('c');
    await waitFor(() => expect(m.setCarerPresent).toHaveBeenLastCalledWith('S1', 'A1', true));
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Carer came for Margaret Ellis' }).getAttribute('aria-pressed')).toBe('true'),
    );
    await user.keyboard('C');
    await waitFor(() => expect(m.setCarerPresent).toHaveBeenLastCalledWith('S1', 'A1', false));
  });

  it('C on an unmarked person shows the core’s refusal and leaves the carer unmarked', async () => {
    const user = await open();
    const refusal = 'Mark whether Peggy came before noting their carer.';
    m.setCarerPresent.mockRejectedValue({ code: 'conflict', message: refusal, field: null });
    row('Margaret Ellis').focus();
    await user.keyboard('c');
    await waitFor(() => expect(notices.items.map((n) => n.text)).toContain(refusal));
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Carer came for Margaret Ellis' }).getAttribute('aria-pressed')).toBe('false'),
    );
  });

  it('pressing the key for the mark a person already has does nothing', async () => {
    const user = await open(register({ entries: [entry({ mark: 'present' })] }));
    row('Margaret Ellis').focus();
    await user.keyboard('p');
    expect(m.setMark).not.toHaveBeenCalled();
  });

  it('clicking the pressed mark clears it (sends null)', async () => {
    const user = await open(register({ entries: [entry({ mark: 'late' })] }));
    await user.click(screen.getByRole('button', { name: 'Late Margaret Ellis' }));
    await waitFor(() => expect(m.setMark).toHaveBeenLastCalledWith('S1', 'A1', null));
  });

  it('does not mark a cancelled session', async () => {
    const reg = register();
    reg.session.status = 'cancelled';
    reg.session.cancelReason = 'Snow';
    const user = await open(reg);
    expect(screen.getByText(/This session was cancelled/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Present Margaret Ellis' }) as HTMLButtonElement).disabled).toBe(true);
    row('Margaret Ellis').focus();
    await user.keyboard('p');
    expect(m.setMark).not.toHaveBeenCalled();
  });

  it('shows counts of present, marked and total', async () => {
    await open(
      register({
        entries: [
          entry({ mark: 'present' }),
          entry({ attendeeId: 'A2', fullName: 'Arthur Bennett', mark: 'apologies' }),
          entry({ attendeeId: 'A3', fullName: 'Doreen Walsh', mark: null }),
        ],
      }),
    );
    const summary = document.querySelector('.register-summary')!.textContent!.replace(/\s+/g, ' ');
    expect(summary).toContain('1 present');
    expect(summary).toContain('2 marked');
    expect(summary).toContain('3 on the register');
  });
});

describe('walk-ins', () => {
  it('creating a new person sends {kind:"new", attendee} with the full name', async () => {
    const user = await open();
    m.addWalkIn.mockImplementation(async () => register());
    await user.click(screen.getByRole('button', { name: 'Add walk-in' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByLabelText('Also add them to the group'));
    await user.type(within(dialog).getByLabelText('Full name'), 'Ada Lovelace');
    await user.type(within(dialog).getByLabelText('Carer or companion'), 'Charles');
    await user.click(within(dialog).getByRole('button', { name: 'Add as walk-in' }));
    await waitFor(() => expect(m.addWalkIn).toHaveBeenCalledTimes(1));
    const [sessionId, walkIn, joinGroup] = m.addWalkIn.mock.calls[0];
    expect(sessionId).toBe('S1');
    expect(joinGroup).toBe(true);
    expect(walkIn.kind).toBe('new');
    if (walkIn.kind !== 'new') throw new Error('unreachable');
    expect(walkIn.attendee.fullName).toBe('Ada Lovelace');
    expect(walkIn.attendee.carerName).toBe('Charles');
    expect(walkIn.attendee.consentParticipation).toEqual({ given: false, date: null });
    expect(Object.keys(walkIn)).toEqual(['kind', 'attendee']);
  });

  it('refuses a new walk-in with no full name, beside the Full name box', async () => {
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'Add walk-in' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Add as walk-in' }));
    expect(m.addWalkIn).not.toHaveBeenCalled();
    const name = within(dialog).getByLabelText('Full name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
  });

  it('picking someone found by search sends {kind:"existing", attendeeId}', async () => {
    const user = await open();
    m.listAttendees.mockResolvedValue([
      { id: 'A9', fullName: 'Kwame Mensah', preferredName: '', groups: [], archived: false },
    ]);
    m.addWalkIn.mockImplementation(async () =>
      register({ entries: [...register().entries, entry({ attendeeId: 'A9', fullName: 'Kwame Mensah', walkIn: true, mark: 'present' })] }),
    );
    await user.click(screen.getByRole('button', { name: 'Add walk-in' }));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText('Find a person'), 'Kwa');
    await user.click(await within(dialog).findByRole('button', { name: /^Add Kwame Mensah\b/ }));
    await waitFor(() =>
      expect(m.addWalkIn).toHaveBeenCalledWith('S1', { kind: 'existing', attendeeId: 'A9' }, false),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(within(row('Kwame Mensah')).getByText('Walk-in')).toBeTruthy();
  });

  it('shows a conflict from the core inside the dialog', async () => {
    const user = await open();
    m.listAttendees.mockResolvedValue([{ id: 'A9', fullName: 'Kwame Mensah', preferredName: '', groups: [], archived: false }]);
    m.addWalkIn.mockRejectedValue({ code: 'conflict', message: "Kwame Mensah's record is archived.", field: null });
    await user.click(screen.getByRole('button', { name: 'Add walk-in' }));
    const dialog = screen.getByRole('dialog');
    await user.click(await within(dialog).findByRole('button', { name: /^Add Kwame Mensah\b/ }));
    await waitFor(() =>
      expect(within(dialog).getAllByRole('alert').some((a) => a.textContent?.includes('record is archived'))).toBe(true),
    );
  });
});

describe('notes on the register', () => {
  it('the group note saves itself shortly after typing stops, and says so', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      await open();
      const u = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      await u.type(await screen.findByLabelText('Group note'), 'Lovely');
      await vi.advanceTimersByTimeAsync(500);
      await waitFor(() => expect(m.saveNoteDraft).toHaveBeenLastCalledWith('S1', null, 'Lovely', null));
      await waitFor(() => expect(screen.getByText('Saved')).toBeTruthy());
    } finally {
      vi.useRealTimers();
    }
  });

  it('saves at once with "Save note"', async () => {
    const user = await open();
    await user.type(await screen.findByLabelText('Group note'), 'Good');
    await user.click(screen.getByRole('button', { name: 'Save note' }));
    await waitFor(() => expect(m.saveNoteDraft).toHaveBeenCalledWith('S1', null, 'Good', null));
  });

  it('shows the group note the core has, and offers a note for each person marked present', async () => {
    m.sessionNotes.mockResolvedValue({ sessionId: 'S1', groupNote: draftNote({ body: 'We sang.' }), personNotes: [] });
    const user = await open(register({ entries: [entry({ mark: 'present' }), entry({ attendeeId: 'A2', fullName: 'Arthur Bennett' })] }));
    expect(((await screen.findByLabelText('Group note')) as HTMLTextAreaElement).value).toBe('We sang.');
    expect(m.sessionNotes).toHaveBeenCalledWith('S1');
    expect(screen.getByRole('button', { name: /^Note about Margaret Ellis/ })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Note about Arthur Bennett/ })).toBeNull();
    // Marking Arthur present adds his.
    await user.click(screen.getByRole('button', { name: 'Present Arthur Bennett' }));
    await screen.findByRole('button', { name: /^Note about Arthur Bennett/ });
  });

  it('typing in a note does not mark anyone', async () => {
    const user = await open();
    const box = await screen.findByLabelText('Group note');
    await user.click(box);
    await user.keyboard('pals');
    expect(m.setMark).not.toHaveBeenCalled();
    expect((box as HTMLTextAreaElement).value).toBe('pals');
  });
});

describe('music on the register', () => {
  it('asks for the group’s setlists and everyone’s personal playlists in two calls', async () => {
    await open();
    await screen.findByRole('button', { name: "Play Peggy's music" });
    expect(m.listPlaylists).toHaveBeenCalledTimes(2);
    expect(m.listPlaylists).toHaveBeenCalledWith('setlist', 'G1', null);
    expect(m.listPlaylists).toHaveBeenCalledWith('personal', null, null);
  });

  it('"Play <name>\'s music" plays that person’s playlist, and only people with one get the button', async () => {
    const user = await open();
    const peggy = within(row('Margaret Ellis'));
    await user.click(await peggy.findByRole('button', { name: "Play Peggy's music" }));
    expect(m.playPlaylist).toHaveBeenCalledWith('PL-A1', 0);
    expect(within(row('Arthur Bennett')).queryByRole('button', { name: /music/ })).toBeNull();
    // Clicking it doesn't mark anyone.
    expect(m.setMark).not.toHaveBeenCalled();
  });

  it('offers a small menu when someone has more than one playlist', async () => {
    m.listPlaylists.mockImplementation(async (kind) =>
      kind === 'setlist'
        ? []
        : [
            PEGGY_FAVOURITES,
            { ...PEGGY_FAVOURITES, id: 'PL-A1b', name: 'Wedding songs' },
            { ...PEGGY_FAVOURITES, id: 'PL-A3', attendeeId: 'A3', name: 'Dot’s songs' },
          ],
    );
    const user = await open();
    const peggy = within(row('Margaret Ellis'));
    const more = await peggy.findByRole('button', { name: "More of Peggy's music" });
    expect(more.getAttribute('aria-expanded')).toBe('false');
    await user.click(more);
    await user.click(peggy.getByRole('button', { name: 'Play Wedding songs' }));
    expect(m.playPlaylist).toHaveBeenCalledWith('PL-A1b', 0);
    expect(peggy.queryByRole('button', { name: 'Play Wedding songs' })).toBeNull();
    await user.click(within(row('Doreen Walsh')).getByRole('button', { name: "Play Dot's music" }));
    expect(m.playPlaylist).toHaveBeenLastCalledWith('PL-A3', 0);
  });

  it('attaches a setlist to the session and plays it', async () => {
    m.attachSetlist.mockResolvedValue(session({ setlistId: 'SL1', setlistName: 'Spring term' }));
    const user = await open();
    const select = await screen.findByLabelText('Setlist for this session');
    await waitFor(() => expect((select as HTMLSelectElement).disabled).toBe(false));
    const play = screen.getByRole('button', { name: 'Play setlist' }) as HTMLButtonElement;
    expect(play.disabled).toBe(true);
    await user.selectOptions(select, 'Spring term (3 tracks)');
    expect(m.attachSetlist).toHaveBeenCalledWith('S1', 'SL1');
    await waitFor(() => expect(play.disabled).toBe(false));
    await user.click(play);
    expect(m.playPlaylist).toHaveBeenCalledWith('SL1', 0);

    m.attachSetlist.mockResolvedValue(session());
    await user.selectOptions(select, 'None');
    expect(m.attachSetlist).toHaveBeenLastCalledWith('S1', null);
    await waitFor(() => expect(play.disabled).toBe(true));
  });
});
