// The register screen with the api module mocked: keys and clicks must call
// the right command with the right arguments.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Note, Register } from '../lib/bindings';
import { entry, playerState, playlistSummary, register, session, track } from './fixtures';

vi.mock('../lib/api', () => ({
  // No one has music to avoid here (music-story.test.ts and avoid.test.ts test the flags).
  sessionAvoidFlags: vi.fn(async () => []),
  playlistAvoidFlags: vi.fn(async () => []),
  playAvoidFlags: vi.fn(async () => []),
  playlistPlayAvoidFlags: vi.fn(async () => []),
  getRegister: vi.fn(),
  setMark: vi.fn(),
  setCarerPresent: vi.fn(),
  addWalkIn: vi.fn(),
  markEveryoneElsePresent: vi.fn(),
  undoEveryoneElsePresent: vi.fn(),
  sessionNotes: vi.fn(),
  saveNoteDraft: vi.fn(),
  signNote: vi.fn(),
  amendNote: vi.fn(),
  cancelSession: vi.fn(),
  listAttendees: vi.fn(),
  listPlaylists: vi.fn(),
  attachSetlist: vi.fn(),
  playPlaylist: vi.fn(),
  logListening: vi.fn(),
  addAvoid: vi.fn(),
  ownPlaylistsWithTrack: vi.fn(async () => []),
  afterDistress: vi.fn(),
}));

import * as api from '../lib/api';
import SessionRegister from '../screens/SessionRegister.svelte';
import { notices } from '../lib/notices.svelte';
import { player } from '../lib/player.svelte';

const m = vi.mocked(api);

/** The core answers with the whole register; echo the change back. */
function echoMarks(start: Register) {
  let current = structuredClone(start);
  const counted = () => {
    current.unmarkedCount = current.entries.filter((e) => e.mark === null).length;
    return current;
  };
  m.setMark.mockImplementation(async (_s, attendeeId, mark) => {
    current = structuredClone(current);
    const e = current.entries.find((x) => x.attendeeId === attendeeId)!;
    e.mark = mark;
    return counted();
  });
  m.markEveryoneElsePresent.mockImplementation(async () => {
    current = structuredClone(current);
    const marked = current.entries.filter((e) => e.mark === null);
    for (const e of marked) e.mark = 'present';
    return {
      register: counted(),
      attendeeIds: marked.map((e) => e.attendeeId),
      markIds: marked.map((e) => `M-${e.attendeeId}`),
    };
  });
  m.undoEveryoneElsePresent.mockImplementation(async (_s, markIds) => {
    current = structuredClone(current);
    const cleared = markIds.map((id) => id.slice(2));
    for (const e of current.entries) if (cleared.includes(e.attendeeId)) e.mark = null;
    return { register: counted(), cleared, kept: [] };
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
  localStorage.clear();
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
    // The time, the venue and who runs it (with a space before "at") open on demand.
    const details = screen.getByRole('button', { name: 'Session and music' });
    expect(details.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByText('14:00 to 15:30 at St Anne’s Church Hall, with Sam')?.closest('[hidden]')).toBeTruthy();
    await userEvent.setup().click(details);
    expect(details.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText('14:00 to 15:30 at St Anne’s Church Hall, with Sam').closest('[hidden]')).toBeNull();
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

describe('measures on the register', () => {
  it('offers the start measure beside the person the core says is due, and no one else', async () => {
    const due = {
      attendeeId: 'A2',
      fullName: 'Arthur Bennett',
      referralId: 'R2',
      instrumentKey: 'ons4',
      instrumentName: 'ONS4',
      due: 'intake' as const,
      informationNeeds: entry().informationNeeds,
    };
    await open(
      register({
        entries: [
          entry(),
          entry({ attendeeId: 'A2', fullName: 'Arthur Bennett', preferredName: '', carerName: '', accessNeeds: '', measureDue: due }),
        ],
      }),
    );
    const button = within(row('Arthur Bennett')).getByRole('button', {
      name: 'Start measure due: ONS4, for Arthur Bennett. Take it now',
    });
    expect(button.textContent!.trim()).toBe('Start measure due: ONS4');
    expect(within(row('Margaret Ellis')).queryByRole('button', { name: /measure due/ })).toBeNull();
    // Part of the row's roving tab order: out of it until the row has focus.
    expect(button.getAttribute('tabindex')).toBe('-1');
  });
});

describe('register keyboard', () => {
  it('P, L, E, A and S mark the focused row', async () => {
    const user = await open();
    const expected: [string, string][] = [
      ['p', 'present'],
      ['l', 'late'],
      ['e', 'leftEarly'],
      ['a', 'absent'],
      ['s', 'apologies'],
    ];
    for (const [k, mark] of expected) {
      row('Margaret Ellis').focus();
      await user.keyboard(k);
      await waitFor(() => expect(m.setMark).toHaveBeenLastCalledWith('S1', 'A1', mark));
    }
    expect(m.setMark).toHaveBeenCalledTimes(5);
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Apologies Margaret Ellis' }).getAttribute('aria-pressed')).toBe('true'),
    );
    expect(screen.getByRole('button', { name: 'Present Margaret Ellis' }).getAttribute('aria-pressed')).toBe('false');
  });

  it('0 to 5 record how the song playing went for the focused person, D that it upset them', async () => {
    player.reset();
    const user = await open();
    // Nothing playing: said, nothing recorded.
    row('Margaret Ellis').focus();
    await user.keyboard('4');
    await waitFor(() => expect(document.body.textContent).toContain('No song is playing.'));
    expect(m.logListening).not.toHaveBeenCalled();

    player.apply(playerState({ track: track({ id: 'T7', title: 'Moon River' }) }));
    m.logListening.mockImplementation(async (input) => ({
      id: 'L1',
      attendeeId: input.attendeeId,
      trackId: input.trackId,
      trackTitle: 'Moon River',
      heardOn: '2020-03-05',
      place: 'session',
      response: input.response ?? null,
      distress: input.distress ?? false,
      note: '',
      createdAt: '',
    }));
    row('Arthur Bennett').focus();
    await user.keyboard('4');
    await waitFor(() =>
      expect(m.logListening).toHaveBeenLastCalledWith({
        attendeeId: 'A2',
        trackId: 'T7',
        heardOn: '',
        place: 'session',
        response: 4,
        distress: false,
        note: '',
        sessionId: 'S1',
      }),
    );
    await waitFor(() => expect(document.body.textContent).toContain('Recorded for Arthur Bennett: Moon River, 4:'));
    // No mark was set by it, and the focus stays with Arthur.
    expect(m.setMark).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(row('Arthur Bennett'));

    // D: it upset Margaret (recorded on the session's day, by the core);
    // offered off her own playlist and onto her avoid list, with why.
    m.ownPlaylistsWithTrack.mockResolvedValue([
      playlistSummary({ id: 'P9', kind: 'personal', name: "Peggy's songs", groupId: null, attendeeId: 'A1' }),
    ]);
    m.afterDistress.mockResolvedValue([
      playlistSummary({ id: 'P9', kind: 'personal', name: "Peggy's songs", groupId: null, attendeeId: 'A1' }),
    ]);
    row('Margaret Ellis').focus();
    await user.keyboard('d');
    await waitFor(() =>
      expect(m.logListening).toHaveBeenLastCalledWith(
        expect.objectContaining({ attendeeId: 'A1', distress: true, response: null, sessionId: 'S1' }),
      ),
    );
    expect(m.ownPlaylistsWithTrack).toHaveBeenCalledWith('A1', 'T7');
    let dialog = within(await screen.findByRole('dialog', { name: 'Moon River upset Peggy' }));
    const off = dialog.getByLabelText("Take it off Peggy's own playlist: Peggy's songs") as HTMLInputElement;
    const avoid = dialog.getByLabelText(/^Put it on Peggy's avoid list/) as HTMLInputElement;
    expect(off.checked).toBe(true);
    expect(avoid.checked).toBe(true);
    // The reason names the session's day (the core's, from the entry logged).
    expect((dialog.getByLabelText(/^Why/) as HTMLTextAreaElement).value).toBe(
      'It upset Peggy in the session on Thursday 5 March 2020.',
    );
    await user.click(dialog.getByRole('button', { name: 'Take it off and put it on the avoid list' }));
    await waitFor(() =>
      expect(m.afterDistress).toHaveBeenCalledWith('A1', 'T7', 'It upset Peggy in the session on Thursday 5 March 2020.', true),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    // Only off the playlist: no reason asked for.
    m.afterDistress.mockClear();
    row('Margaret Ellis').focus();
    await user.keyboard('d');
    dialog = within(await screen.findByRole('dialog', { name: 'Moon River upset Peggy' }));
    await user.click(dialog.getByLabelText(/^Put it on Peggy's avoid list/));
    expect(dialog.queryByLabelText(/^Why/)).toBeNull();
    await user.click(dialog.getByRole('button', { name: 'Take it off the playlist' }));
    await waitFor(() => expect(m.afterDistress).toHaveBeenCalledWith('A1', 'T7', null, true));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    // Refused by the core (the register can't take it): said plainly, nothing offered.
    m.ownPlaylistsWithTrack.mockClear();
    m.logListening.mockRejectedValueOnce({
      code: 'conflict',
      message: "This session was cancelled, so its register can't be marked.",
      field: null,
    });
    row('Margaret Ellis').focus();
    await user.keyboard('d');
    await waitFor(() =>
      expect(notices.items.map((n) => n.text)).toContain("This session was cancelled, so its register can't be marked."),
    );
    expect(m.ownPlaylistsWithTrack).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();
    player.reset();
  });

  it('Down/Up and j/k move between rows, and marks go to the row that has focus', async () => {
    const user = await open();
    row('Margaret Ellis').focus();
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(row('Arthur Bennett'));
    await user.keyboard('j');
    expect(document.activeElement).toBe(row('Doreen Walsh'));
    await user.keyboard('{ArrowDown}'); // stays on the last row
    expect(document.activeElement).toBe(row('Doreen Walsh'));
    await user.keyboard('k');
    expect(document.activeElement).toBe(row('Arthur Bennett'));
    await user.keyboard('p');
    await waitFor(() => expect(m.setMark).toHaveBeenLastCalledWith('S1', 'A2', 'present'));
    // The mark moved focus on to the next person not yet marked.
    expect(document.activeElement).toBe(row('Doreen Walsh'));
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(row('Arthur Bennett'));
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(row('Margaret Ellis'));
    await user.keyboard('S');
    await waitFor(() => expect(m.setMark).toHaveBeenLastCalledWith('S1', 'A1', 'apologies'));
  });

  it('a mark by key moves on to the next person not yet marked, round to the top', async () => {
    const user = await open(
      register({
        entries: [
          entry(),
          entry({ attendeeId: 'A2', fullName: 'Arthur Bennett', preferredName: '', mark: 'present' }),
          entry({ attendeeId: 'A3', fullName: 'Doreen Walsh', preferredName: 'Dot' }),
          entry({ attendeeId: 'A4', fullName: 'Harold Price', preferredName: '' }),
        ],
      }),
    );
    // The register opens on the first person not yet marked.
    await waitFor(() => expect(document.activeElement).toBe(row('Margaret Ellis')));
    await user.keyboard('p');
    // Arthur is marked already: on to Doreen.
    expect(document.activeElement).toBe(row('Doreen Walsh'));
    await user.keyboard('l');
    expect(document.activeElement).toBe(row('Harold Price'));
    row('Arthur Bennett').focus();
    await user.keyboard('a'); // a change to someone marked moves on too
    expect(document.activeElement).toBe(row('Harold Price'));
    await user.keyboard('s');
    // Nobody is left: focus stays where it is.
    expect(document.activeElement).toBe(row('Harold Price'));
    await waitFor(() => expect(m.setMark).toHaveBeenCalledTimes(4));
    expect(m.setMark.mock.calls.map((c) => [c[1], c[2]])).toEqual([
      ['A1', 'present'],
      ['A3', 'late'],
      ['A2', 'absent'],
      ['A4', 'apologies'],
    ]);
  });

  it('twelve keys take a register of twelve: ten present, one late, one apologies', async () => {
    const names = [
      'Ada Brook', 'Bert Cole', 'Cath Dunn', 'Dora Eyre', 'Ed Fox', 'Flo Gray',
      'Gus Hart', 'Hal Ince', 'Ida Jay', 'Jo Kemp', 'Kit Lowe', 'Lil Mays',
    ];
    const user = await open(
      register({
        entries: names.map((fullName, i) => entry({ attendeeId: `P${i}`, fullName, preferredName: '', carerName: '', accessNeeds: '' })),
      }),
    );
    await waitFor(() => expect(document.activeElement).toBe(row('Ada Brook')));
    await user.keyboard('pppLpppppSpp');
    await waitFor(() => expect(m.setMark).toHaveBeenCalledTimes(12));
    const marks = Object.fromEntries(m.setMark.mock.calls.map((c) => [c[1], c[2]]));
    expect(marks.P3).toBe('late');
    expect(marks.P9).toBe('apologies');
    expect(Object.values(marks).filter((k) => k === 'present')).toHaveLength(10);
    await waitFor(() => expect(document.querySelector('.register-summary')!.textContent!.replace(/\s+/g, ' ')).toContain('11 present, 12 of 12 marked'));
  });

  it('only the focused row is in the tab order', async () => {
    const user = await open();
    row('Margaret Ellis').focus();
    expect(rows().map((r) => r.tabIndex)).toEqual([0, -1, -1]);
    await user.keyboard('{ArrowDown}');
    expect(rows().map((r) => r.tabIndex)).toEqual([-1, 0, -1]);
  });

  it('a row chosen by a press shows all it holds only once the press is over, so the first click lands', async () => {
    const user = await open();
    const [first, second] = rows();
    first.focus();
    expect(first.classList.contains('is-expanded')).toBe(true);
    const present = within(second).getByRole('button', { name: /^Present/ });
    // The press alone makes the row the chosen one, still the same size.
    await user.pointer({ keys: '[MouseLeft>]', target: present });
    expect(second.classList.contains('is-active')).toBe(true);
    expect(second.classList.contains('is-expanded')).toBe(false);
    // Released: the click has landed, then the row opens up.
    await user.pointer({ keys: '[/MouseLeft]', target: present });
    await waitFor(() => expect(second.classList.contains('is-expanded')).toBe(true));
    expect(first.classList.contains('is-expanded')).toBe(false);
    // The keyboard opens a row at once.
    await user.keyboard('{ArrowUp}');
    expect(first.classList.contains('is-expanded')).toBe(true);
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
    const summary = document.querySelector('.register-summary')!.textContent!.replace(/\s+/g, ' ').trim();
    expect(summary).toBe('1 present, 2 of 3 marked');
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
      { id: 'A9', fullName: 'Kwame Mensah', preferredName: '', groups: [], archived: false, informationNeeds: entry().informationNeeds },
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
    m.listAttendees.mockResolvedValue([{ id: 'A9', fullName: 'Kwame Mensah', preferredName: '', groups: [], archived: false, informationNeeds: entry().informationNeeds }]);
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

  it('attaches a setlist to the session and plays the music the core says is the session’s', async () => {
    m.attachSetlist.mockResolvedValue(
      session({ setlistId: 'SL1', setlistName: 'Spring term', musicId: 'SL1', musicName: 'Spring term' }),
    );
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'Session and music' }));
    const select = await screen.findByLabelText('Setlist for this session');
    await waitFor(() => expect((select as HTMLSelectElement).disabled).toBe(false));
    // No music for the group yet: nothing to play.
    expect(screen.queryByRole('button', { name: /^Play Spring term/ })).toBeNull();
    await user.selectOptions(select, 'Spring term (3 tracks)');
    expect(m.attachSetlist).toHaveBeenCalledWith('S1', 'SL1');
    await user.click(await screen.findByRole('button', { name: 'Play Spring term' }));
    expect(m.playPlaylist).toHaveBeenCalledWith('SL1', 0);

    m.attachSetlist.mockResolvedValue(session());
    await user.selectOptions(select, 'None');
    expect(m.attachSetlist).toHaveBeenLastCalledWith('S1', null);
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Play Spring term' })).toBeNull());
  });

  it('with no setlist of its own, plays the group’s usual music and says so', async () => {
    const user = await open(register({ session: session({ musicId: 'SL9', musicName: 'Sea songs' }) }));
    await user.click(screen.getByRole('button', { name: 'Session and music' }));
    expect(screen.getByText(/Sea songs is the group's usual music: it plays because this session has no setlist/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Play Sea songs' }));
    expect(m.playPlaylist).toHaveBeenCalledWith('SL9', 0);
  });
});

describe('everyone else is here', () => {
  it('marks everyone not yet marked in one call to the core, and Undo hands back exactly its marks', async () => {
    const user = await open(
      register({
        entries: [
          entry(),
          entry({ attendeeId: 'A2', fullName: 'Arthur Bennett', preferredName: '', mark: 'late' }),
          entry({ attendeeId: 'A3', fullName: 'Doreen Walsh', preferredName: 'Dot' }),
        ],
      }),
    );
    const everyone = screen.getByRole('button', { name: 'Everyone else is here' });
    expect(everyone.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(everyone.getAttribute('aria-describedby')!)!.textContent).toContain('2 people');
    await user.click(everyone);
    expect(m.markEveryoneElsePresent).toHaveBeenCalledExactlyOnceWith('S1');
    expect(m.setMark).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Present Doreen Walsh' }).getAttribute('aria-pressed')).toBe('true'));
    expect(screen.getByRole('button', { name: 'Present Margaret Ellis' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: 'Late Arthur Bennett' }).getAttribute('aria-pressed')).toBe('true');
    // Nobody is left to mark; Undo takes its place and has focus.
    expect(screen.queryByRole('button', { name: 'Everyone else is here' })).toBeNull();
    const undo = screen.getByRole('button', { name: 'Undo everyone else is here' });
    await waitFor(() => expect(document.activeElement).toBe(undo));
    expect(screen.getByText('2 people marked present.')).toBeTruthy();

    await user.click(undo);
    expect(m.undoEveryoneElsePresent).toHaveBeenCalledExactlyOnceWith('S1', ['M-A1', 'M-A3']);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Present Doreen Walsh' }).getAttribute('aria-pressed')).toBe('false'));
    expect(screen.getByRole('button', { name: 'Late Arthur Bennett' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryByRole('button', { name: 'Undo everyone else is here' })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Everyone else is here' })));
    expect(screen.getByText('Undone: 2 people not marked again.')).toBeTruthy();
  });

  it('says who undo left alone because they were changed since', async () => {
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'Everyone else is here' }));
    m.undoEveryoneElsePresent.mockResolvedValueOnce({
      register: register({ entries: [entry({ mark: 'late' }), entry({ attendeeId: 'A2', fullName: 'Arthur Bennett' })] }),
      cleared: ['A2'],
      kept: ['A1'],
    });
    await user.click(await screen.findByRole('button', { name: 'Undo everyone else is here' }));
    expect(await screen.findByText('Undone: 1 person not marked again. 1 person changed since keeps their mark.')).toBeTruthy();
  });

  it('is offered only when the core says someone is unmarked and who came can be recorded', async () => {
    await open(register({ entries: [entry({ mark: 'present' })] }));
    expect(screen.queryByRole('button', { name: 'Everyone else is here' })).toBeNull();
  });

  it('is not offered before the day', async () => {
    await open(register({ canRecordWhoCame: false }));
    expect(screen.queryByRole('button', { name: 'Everyone else is here' })).toBeNull();
  });

  it('shows the core’s refusal in its own words', async () => {
    const user = await open();
    const refusal = 'This session was cancelled, so its register can’t be marked.';
    m.markEveryoneElsePresent.mockRejectedValueOnce({ code: 'conflict', message: refusal, field: null });
    await user.click(screen.getByRole('button', { name: 'Everyone else is here' }));
    await waitFor(() => expect(notices.items.map((n) => n.text)).toContain(refusal));
    expect(screen.queryByRole('button', { name: 'Undo everyone else is here' })).toBeNull();
  });
});

describe('arrivals', () => {
  const tile = (name: RegExp) => screen.getByRole('button', { name });
  const part = (title: RegExp) => screen.getByRole('heading', { level: 2, name: title }).closest('section')!;

  it('lists everyone as a name to tap; a tap marks present and moves them to Arrived', async () => {
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'Arrivals' }));
    expect(screen.getByRole('button', { name: 'Arrivals' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryAllByTestId('register-row')).toHaveLength(0);
    const still = within(part(/^Still to come \(3\)$/));
    expect(still.getAllByRole('button').map((b) => b.textContent!.replace(/\s+/g, ' ').trim())).toEqual([
      'Peggy Margaret Ellis',
      'Arthur Bennett',
      'Dot Doreen Walsh',
    ]);
    await user.click(tile(/^Arthur Bennett/));
    await waitFor(() => expect(m.setMark).toHaveBeenCalledWith('S1', 'A2', 'present'));
    const arrived = within(part(/^Arrived \(1\)$/));
    expect(arrived.getByRole('button', { name: /^Arthur Bennett/ }).getAttribute('aria-pressed')).toBe('true');
    expect(within(part(/^Still to come \(2\)$/)).queryByRole('button', { name: /^Arthur Bennett/ })).toBeNull();
    // Focus stays among the names still to come, on the one now in Arthur's place.
    expect(document.activeElement).toBe(tile(/^Dot Doreen Walsh/));

    // A second tap takes the mark back.
    await user.click(arrived.getByRole('button', { name: /^Arthur Bennett/ }));
    await waitFor(() => expect(m.setMark).toHaveBeenLastCalledWith('S1', 'A2', null));
    expect(within(part(/^Still to come \(3\)$/)).getByRole('button', { name: /^Arthur Bennett/ })).toBeTruthy();
  });

  it('keeps apologies apart, where a tap says they came after all', async () => {
    const user = await open(
      register({ entries: [entry({ mark: 'apologies' }), entry({ attendeeId: 'A2', fullName: 'Arthur Bennett', preferredName: '' })] }),
    );
    await user.click(screen.getByRole('button', { name: 'Arrivals' }));
    const notComing = within(part(/^Not coming \(1\)$/));
    const peggy = notComing.getByRole('button', { name: /^Peggy Margaret Ellis Apologies/ });
    await user.click(peggy);
    await waitFor(() => expect(m.setMark).toHaveBeenCalledWith('S1', 'A1', 'present'));
    expect(within(part(/^Arrived \(1\)$/)).getByRole('button', { name: /^Peggy/ })).toBeTruthy();
  });

  it('is remembered on this computer, and the list comes back with List', async () => {
    let user = await open();
    await user.click(screen.getByRole('button', { name: 'Arrivals' }));
    expect(localStorage.getItem('refrain.register.mode')).toBe('arrivals');
    cleanup();
    m.getRegister.mockResolvedValue(register());
    render(SessionRegister, { id: 'S1' });
    user = userEvent.setup();
    await screen.findByRole('heading', { level: 2, name: /^Still to come/ });
    await user.click(screen.getByRole('button', { name: 'List' }));
    expect(await screen.findAllByTestId('register-row')).toHaveLength(3);
    expect(localStorage.getItem('refrain.register.mode')).toBe('list');
  });

  it('offers nothing to tap before the day but apologies', async () => {
    const user = await open(register({ canRecordWhoCame: false }));
    await user.click(screen.getByRole('button', { name: 'Arrivals' }));
    for (const b of within(part(/^Still to come/)).getAllByRole('button')) expect((b as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('keys', () => {
  it('the keys are one line behind "Keys", and every row is described by them', async () => {
    const user = await open();
    const keys = screen.getByRole('button', { name: 'Keys' });
    const tip = document.getElementById(keys.getAttribute('aria-controls')!)!;
    expect(tip.hidden).toBe(true);
    expect(row('Margaret Ellis').getAttribute('aria-describedby')).toContain(tip.id);
    await user.click(keys);
    expect(tip.hidden).toBe(false);
    expect(tip.textContent!.replace(/\s+/g, ' ')).toContain('each moves on to the next person not yet marked');
  });
});
