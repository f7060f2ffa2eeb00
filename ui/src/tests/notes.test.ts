// Clinical notes with the api module mocked: drafts that save themselves as
// they are typed, signing, amendments, a person's notes and finding words.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Amendment, Note, NoteHit, Practitioner, Signature } from '../lib/bindings';

vi.mock('../lib/api', () => ({
  listPractitioners: vi.fn(),
  sessionNotes: vi.fn(),
  saveNoteDraft: vi.fn(),
  signNote: vi.fn(),
  amendNote: vi.fn(),
  personNotes: vi.fn(),
  searchNotes: vi.fn(),
}));

import * as api from '../lib/api';
import { practitioner } from '../lib/practitioner.svelte';
import NoteEditor from '../lib/components/NoteEditor.svelte';
import SessionNotes from '../lib/components/SessionNotes.svelte';
import PersonNotes from '../lib/components/PersonNotes.svelte';
import NotesSearch from '../screens/NotesSearch.svelte';

const m = vi.mocked(api);

const SAM: Practitioner = {
  id: 'P1',
  name: 'Sam Jones',
  hcpcNumber: 'AS12345',
  archived: false,
  createdAt: '2020-01-01T00:00:00Z',
  updatedAt: '2020-01-01T00:00:00Z',
};
const STUDENT: Practitioner = { ...SAM, id: 'P2', name: 'Alex Student', hcpcNumber: '' };

function signature(p: Practitioner = SAM, at = '2020-03-05T16:10:00Z'): Signature {
  return { practitionerId: p.id, name: p.name, hcpcNumber: p.hcpcNumber, at };
}

function note(over: Partial<Note> = {}): Note {
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

function amendment(body: string, reason: string, id = 'AM1'): Amendment {
  return { id, noteId: 'N1', body, reason, author: signature(SAM, '2020-03-06T09:00:00Z') };
}

function useAs(p: Practitioner | null) {
  practitioner.apply([SAM, STUDENT]);
  practitioner.choose(p?.id ?? null);
}

/** The core answers a draft save with the note as saved. */
function echoDrafts() {
  m.saveNoteDraft.mockImplementation(async (sessionId, attendeeId, body) =>
    note({ sessionId, attendeeId, body }),
  );
}

function editor(props: Partial<{ note: Note | null; readonly: boolean }> = {}) {
  return render(NoteEditor, { sessionId: 'S1', attendeeId: null, note: null, label: 'Group note', ...props });
}

const box = () => screen.getByLabelText('Group note') as HTMLTextAreaElement;

async function typeText(el: HTMLTextAreaElement, text: string) {
  await fireEvent.input(el, { target: { value: text } });
}

beforeEach(() => {
  vi.clearAllMocks();
  localStorage.clear();
  practitioner.reset();
  echoDrafts();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a draft saves itself', () => {
  it('typing without a pause for 3 seconds saves at least every second, and the last keystroke within 400 ms', async () => {
    vi.useFakeTimers();
    useAs(SAM);
    const saves: { at: number; body: string }[] = [];
    m.saveNoteDraft.mockImplementation(async (_s, _a, body) => {
      saves.push({ at: Date.now(), body });
      return note({ body });
    });
    editor();
    const start = Date.now();
    let text = '';
    for (let i = 0; i < 30; i++) {
      text += 'abcdefghij'[i % 10];
      await typeText(box(), text);
      await vi.advanceTimersByTimeAsync(100);
    }
    // The typing: 0 ms to 2,900 ms. Each save no more than a second after the one before.
    const during = saves.filter((s) => s.at - start <= 3000);
    expect(during.length).toBeGreaterThanOrEqual(3);
    expect(during[0].at - start).toBeLessThanOrEqual(1000);
    for (let i = 1; i < during.length; i++) expect(during[i].at - during[i - 1].at).toBeLessThanOrEqual(1000);
    expect(m.saveNoteDraft).toHaveBeenLastCalledWith('S1', null, expect.any(String), 'P1');

    // The last keystroke was at 2,900 ms: saved by 3,300 ms.
    const lastKey = start + 2900;
    await vi.advanceTimersByTimeAsync(lastKey + 400 - Date.now());
    expect(saves.at(-1)!.body).toBe(text);
    expect(saves.at(-1)!.at).toBeLessThanOrEqual(lastKey + 400);
    expect(screen.getByRole('status').textContent).toBe('Saved');
  });

  it('a save that fails (a busy disk) is tried again by itself; a refusal is not', async () => {
    vi.useFakeTimers();
    m.saveNoteDraft
      .mockRejectedValueOnce({ code: 'database', message: 'The disk is busy.', field: null })
      .mockImplementation(async (_s, _a, body) => note({ body }));
    editor();
    await typeText(box(), 'Lovely');
    await vi.advanceTimersByTimeAsync(400);
    expect(screen.getByRole('status').textContent).toMatch(/Not saved: The disk is busy\./);
    // Nobody types or leaves the box: it is sent again all the same.
    await vi.advanceTimersByTimeAsync(2000);
    expect(m.saveNoteDraft).toHaveBeenCalledTimes(2);
    expect(m.saveNoteDraft).toHaveBeenLastCalledWith('S1', null, 'Lovely', null);
    expect(screen.getByRole('status').textContent).toBe('Saved');

    m.saveNoteDraft.mockRejectedValue({ code: 'invalid', message: 'The note is too long.', field: 'body' });
    await typeText(box(), 'Lovely day');
    await vi.advanceTimersByTimeAsync(400);
    expect(m.saveNoteDraft).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(m.saveNoteDraft).toHaveBeenCalledTimes(3);
  });

  it('a short burst is saved 400 ms after the last keystroke, once', async () => {
    vi.useFakeTimers();
    editor();
    await typeText(box(), 'Lovely');
    expect(screen.getByRole('status').textContent).toBe('Saving…');
    await vi.advanceTimersByTimeAsync(399);
    expect(m.saveNoteDraft).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(m.saveNoteDraft).toHaveBeenCalledTimes(1);
    // No one chosen: the draft is still saved, with no author.
    expect(m.saveNoteDraft).toHaveBeenCalledWith('S1', null, 'Lovely', null);
    await vi.advanceTimersByTimeAsync(2000);
    expect(m.saveNoteDraft).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('status').textContent).toBe('Saved');
  });

  it('leaving the box saves at once: nothing is lost on blur', async () => {
    vi.useFakeTimers();
    editor();
    await typeText(box(), 'We sang Daisy Bell');
    await fireEvent.blur(box());
    expect(m.saveNoteDraft).toHaveBeenCalledWith('S1', null, 'We sang Daisy Bell', null);
    await vi.advanceTimersByTimeAsync(2000);
    expect(m.saveNoteDraft).toHaveBeenCalledTimes(1);
  });

  it('closing the window saves what is typed at once', async () => {
    vi.useFakeTimers();
    editor();
    await typeText(box(), 'Last words');
    window.dispatchEvent(new Event('pagehide'));
    expect(m.saveNoteDraft).toHaveBeenCalledWith('S1', null, 'Last words', null);
  });

  it('closing the screen saves what is typed at once', async () => {
    vi.useFakeTimers();
    const view = editor();
    await typeText(box(), 'Going now');
    view.unmount();
    expect(m.saveNoteDraft).toHaveBeenCalledWith('S1', null, 'Going now', null);
  });

  it('an older answer never overwrites newer typing, and saves go one at a time, in order', async () => {
    const replies: { body: string; answer: () => void }[] = [];
    m.saveNoteDraft.mockImplementation(
      (_s, _a, body) => new Promise<Note>((resolve) => replies.push({ body, answer: () => resolve(note({ body })) })),
    );
    editor();
    await typeText(box(), 'Hello');
    await fireEvent.blur(box());
    await typeText(box(), 'Hello there');
    await fireEvent.blur(box());
    await typeText(box(), 'Hello there, everyone');
    await fireEvent.blur(box());
    // The first is on its way; only the newest text waits behind it.
    expect(replies.map((r) => r.body)).toEqual(['Hello']);
    replies[0].answer();
    await waitFor(() => expect(replies.length).toBe(2));
    expect(replies[1].body).toBe('Hello there, everyone');
    expect(box().value).toBe('Hello there, everyone');
    expect(screen.getByRole('status').textContent).toBe('Saving…');
    replies[1].answer();
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(box().value).toBe('Hello there, everyone');
    expect(m.saveNoteDraft).toHaveBeenCalledTimes(2);
  });

  it('says plainly when a save fails, and tries again', async () => {
    m.saveNoteDraft.mockRejectedValueOnce({ code: 'database', message: 'The disk is full.', field: null });
    editor();
    await typeText(box(), 'Calm today');
    await fireEvent.blur(box());
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Not saved: The disk is full.'));
    await userEvent.setup().click(screen.getByRole('button', { name: 'Save note' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(m.saveNoteDraft).toHaveBeenCalledTimes(2);
  });
});

describe('signing', () => {
  it('asks first, then shows the note read-only with the signature', async () => {
    useAs(SAM);
    const draft = note({ body: 'Everyone joined in.' });
    m.signNote.mockResolvedValue({ ...draft, signed: signature() });
    editor({ note: draft });
    const user = userEvent.setup();
    expect(box().value).toBe('Everyone joined in.');
    await user.click(screen.getByRole('button', { name: 'Sign note' }));
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByText("Once signed, this note can't be changed. You can add amendments.")).toBeTruthy();
    expect(within(dialog).getByText(/Sam Jones \(HCPC AS12345\)/)).toBeTruthy();
    expect(m.signNote).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Yes, sign it' }));
    await waitFor(() => expect(m.signNote).toHaveBeenCalledWith('N1', 'P1'));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByText(/^Signed by Sam Jones \(HCPC AS12345\) on 5 March 2020 at \d\d:\d\d$/)).toBeTruthy();
    expect(screen.getByText('Everyone joined in.')).toBeTruthy();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Sign note' })).toBeNull();
    expect(screen.getByText('Signed')).toBeTruthy();
  });

  it('saves the last words before signing', async () => {
    useAs(SAM);
    m.signNote.mockImplementation(async () => note({ body: 'Typed just now', signed: signature() }));
    editor();
    const user = userEvent.setup();
    await typeText(box(), 'Typed just now');
    await user.click(screen.getByRole('button', { name: 'Sign note' }));
    await user.click(screen.getByRole('button', { name: 'Yes, sign it' }));
    await waitFor(() => expect(m.signNote).toHaveBeenCalled());
    expect(m.saveNoteDraft).toHaveBeenCalledWith('S1', null, 'Typed just now', 'P1');
    expect(m.saveNoteDraft.mock.invocationCallOrder[0]).toBeLessThan(m.signNote.mock.invocationCallOrder[0]);
  });

  it('"Not yet" leaves the draft as it was', async () => {
    useAs(SAM);
    editor({ note: note({ body: 'Draft' }) });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Sign note' }));
    await user.click(screen.getByRole('button', { name: 'Not yet' }));
    expect(m.signNote).not.toHaveBeenCalled();
    expect(box().value).toBe('Draft');
  });

  it('shows the core’s refusal inside the dialog', async () => {
    useAs(SAM);
    m.signNote.mockRejectedValue({ code: 'invalid', message: 'There is nothing written in this note to sign.', field: 'body' });
    editor({ note: note({ body: ' ' }) });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Sign note' }));
    await user.click(screen.getByRole('button', { name: 'Yes, sign it' }));
    const dialog = screen.getByRole('dialog');
    await waitFor(() => expect(within(dialog).getByText('There is nothing written in this note to sign.')).toBeTruthy());
  });

  it('can’t sign until someone is chosen, and says why', () => {
    editor({ note: note({ body: 'Draft' }) });
    const sign = screen.getByRole('button', { name: 'Sign note' }) as HTMLButtonElement;
    expect(sign.disabled).toBe(true);
    expect(sign.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(sign.getAttribute('aria-describedby')!)!.textContent).toMatch(
      /Choose who is using Refrain/,
    );
  });

  it('can’t sign as someone with no HCPC number, and says why', () => {
    useAs(STUDENT);
    editor({ note: note({ body: 'Draft' }) });
    expect((screen.getByRole('button', { name: 'Sign note' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/Alex Student's profile has no HCPC registration number/)).toBeTruthy();
  });
});

describe('a signed note', () => {
  const signed = () => note({ body: 'Original words.', signed: signature() });

  it('has no box to type in, only the text, the signature and "Add amendment"', () => {
    useAs(SAM);
    editor({ note: signed() });
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Save note' })).toBeNull();
    expect(screen.getByText('Original words.')).toBeTruthy();
    expect(screen.getByText(/^Signed by Sam Jones \(HCPC AS12345\)/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add amendment' })).toBeTruthy();
  });

  it('an amendment needs both its text and its reason', async () => {
    useAs(SAM);
    editor({ note: signed() });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Add amendment' }));
    await user.click(screen.getByRole('button', { name: 'Save amendment' }));
    expect(m.amendNote).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Amendment').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Reason for the amendment').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Please write the amendment.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Amendment'));

    await user.type(screen.getByLabelText('Amendment'), 'Arthur left at 3.');
    await user.click(screen.getByRole('button', { name: 'Save amendment' }));
    expect(m.amendNote).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Amendment').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByText('Please say why the note is being amended.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Reason for the amendment'));
  });

  it('amendments are added in order, under the original, with reason, author and time', async () => {
    useAs(SAM);
    const first = { ...signed(), amendments: [amendment('Arthur left at 3.', 'Care staff told me after.')] };
    const second = {
      ...first,
      amendments: [...first.amendments, amendment('Doreen sang a solo.', 'Left out by mistake.', 'AM2')],
    };
    m.amendNote.mockResolvedValueOnce(first).mockResolvedValueOnce(second);
    editor({ note: signed() });
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Add amendment' }));
    await user.type(screen.getByLabelText('Amendment'), 'Arthur left at 3.');
    await user.type(screen.getByLabelText('Reason for the amendment'), 'Care staff told me after.');
    await user.click(screen.getByRole('button', { name: 'Save amendment' }));
    await waitFor(() =>
      expect(m.amendNote).toHaveBeenCalledWith('N1', 'P1', 'Arthur left at 3.', 'Care staff told me after.'),
    );
    await screen.findByText('Arthur left at 3.');
    expect(screen.queryByLabelText('Amendment')).toBeNull();
    expect(screen.getByText('Amended')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Add amendment' }));
    await user.type(screen.getByLabelText('Amendment'), 'Doreen sang a solo.');
    await user.type(screen.getByLabelText('Reason for the amendment'), 'Left out by mistake.');
    await user.click(screen.getByRole('button', { name: 'Save amendment' }));
    await screen.findByText('Doreen sang a solo.');

    const list = screen.getByRole('list', { name: 'Amendments to the group note' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.note-body')!.textContent)).toEqual([
      'Arthur left at 3.',
      'Doreen sang a solo.',
    ]);
    expect(within(items[0]).getByText('Amendment 1')).toBeTruthy();
    expect(within(items[0]).getByText('Care staff told me after.')).toBeTruthy();
    expect(within(items[1]).getByText(/^Added by Sam Jones \(HCPC AS12345\) on 6 March 2020 at/)).toBeTruthy();
    // The original is still there, before the amendments.
    const original = screen.getByText('Original words.');
    expect(original.compareDocumentPosition(list) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByText('Original note')).toBeTruthy();
  });

  it('can’t be amended as someone with no HCPC number, and says why', () => {
    useAs(STUDENT);
    editor({ note: signed() });
    const add = screen.getByRole('button', { name: 'Add amendment' }) as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    expect(document.getElementById(add.getAttribute('aria-describedby')!)!.textContent).toMatch(
      /no HCPC registration number/,
    );
  });

  it('shows the core’s message beside the field it names', async () => {
    useAs(SAM);
    m.amendNote.mockRejectedValue({ code: 'invalid', message: 'The reason is too long.', field: 'reason' });
    editor({ note: signed() });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Add amendment' }));
    await user.type(screen.getByLabelText('Amendment'), 'x');
    await user.type(screen.getByLabelText('Reason for the amendment'), 'y');
    await user.click(screen.getByRole('button', { name: 'Save amendment' }));
    await screen.findByText('The reason is too long.');
    expect(screen.getByLabelText('Reason for the amendment').getAttribute('aria-invalid')).toBe('true');
  });
});

describe('a session’s notes', () => {
  const people = [
    { attendeeId: 'A1', name: 'Margaret Ellis' },
    { attendeeId: 'A2', name: 'Arthur Bennett' },
  ];

  it('has the group note, then a closed note for each person present with its state', async () => {
    m.sessionNotes.mockResolvedValue({
      sessionId: 'S1',
      groupNote: note({ body: 'Good session.' }),
      personNotes: [
        note({ id: 'N2', attendeeId: 'A1', attendeeName: 'Peggy', body: 'Sang along.', signed: signature() }),
        note({ id: 'N3', attendeeId: 'A3', attendeeName: 'Dot', body: 'Was tired.' }),
      ],
    });
    render(SessionNotes, { sessionId: 'S1', people });
    const group = (await screen.findByLabelText('Group note')) as HTMLTextAreaElement;
    expect(group.value).toBe('Good session.');

    const peggy = screen.getByRole('button', { name: /^Note about Margaret Ellis/ });
    expect(peggy.getAttribute('aria-expanded')).toBe('false');
    expect(within(peggy).getByText('Signed')).toBeTruthy();
    expect(within(screen.getByRole('button', { name: /^Note about Arthur Bennett/ })).getByText('No note yet')).toBeTruthy();
    // Someone with a note who is no longer marked present still shows.
    const dot = screen.getByRole('button', { name: /^Note about Dot/ });
    expect(within(dot).getByText('Draft')).toBeTruthy();
    expect(screen.queryByText('Sang along.')).toBeNull();

    const user = userEvent.setup();
    peggy.focus();
    await user.keyboard('{Enter}');
    expect(peggy.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText('Sang along.')).toBeTruthy();
    await user.click(peggy);
    expect(peggy.getAttribute('aria-expanded')).toBe('false');
  });

  it('a person’s note is saved against them, and its badge follows', async () => {
    m.sessionNotes.mockResolvedValue({ sessionId: 'S1', groupNote: null, personNotes: [] });
    render(SessionNotes, { sessionId: 'S1', people });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /^Note about Arthur Bennett/ }));
    const arthur = screen.getByLabelText('Note about Arthur Bennett');
    await user.type(arthur, 'Smiled');
    await user.tab();
    await waitFor(() => expect(m.saveNoteDraft).toHaveBeenLastCalledWith('S1', 'A2', 'Smiled', null));
    await waitFor(() =>
      expect(within(screen.getByRole('button', { name: /^Note about Arthur Bennett/ })).getByText('Draft')).toBeTruthy(),
    );
  });

  it('an archived group’s notes are read only', async () => {
    m.sessionNotes.mockResolvedValue({ sessionId: 'S1', groupNote: note({ body: 'Old note.' }), personNotes: [] });
    render(SessionNotes, { sessionId: 'S1', people, readonly: true });
    await screen.findByText('Old note.');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Sign note' })).toBeNull();
  });
});

describe('a person’s notes', () => {
  it('lists them read only, newest first, with signature, amendments and the way to the session', async () => {
    m.personNotes.mockResolvedValue([
      note({
        id: 'N9',
        sessionId: 'S9',
        attendeeId: 'A1',
        attendeeName: 'Peggy',
        body: 'Newest.',
        signed: signature(),
        amendments: [amendment('Added later.', 'Forgot.')],
        createdAt: '2020-03-12T15:00:00Z',
      }),
      note({ id: 'N1', sessionId: 'S1', attendeeId: 'A1', attendeeName: 'Peggy', body: 'Older draft.' }),
    ]);
    render(PersonNotes, { attendeeId: 'A1' });
    await screen.findByText('Newest.');
    expect(m.personNotes).toHaveBeenCalledWith('A1');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getByText('Added later.')).toBeTruthy();
    expect(screen.getByText(/^Signed by Sam Jones/)).toBeTruthy();
    const links = screen.getAllByRole('link', { name: /^Open the session/ });
    expect(links.map((l) => l.getAttribute('href'))).toEqual(['#/sessions/S9', '#/sessions/S1']);
    const newest = screen.getByText('Newest.');
    expect(newest.compareDocumentPosition(screen.getByText('Older draft.')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByText('Not signed yet.')).toBeTruthy();
  });
});

describe('finding words in notes', () => {
  const hit = (over: Partial<NoteHit> = {}): NoteHit => ({
    noteId: 'N1',
    sessionId: 'S1',
    sessionDate: '2020-03-05',
    groupId: 'G1',
    groupName: 'Thursday Singing for the Brain',
    attendeeId: 'A1',
    attendeeName: 'Peggy',
    inAmendment: false,
    signed: true,
    snippet: 'She sang \u0002Daisy\u0003 <img src=x onerror=alert(1)> with \u0002Bell\u0003 [sic]',
    ...over,
  });

  it('shows group, date, person and the words found, highlighted, as plain text', async () => {
    m.searchNotes.mockResolvedValue([hit(), hit({ noteId: 'N2', attendeeId: null, attendeeName: null, signed: false, snippet: 'All \u0002daisy\u0003' })]);
    useAs(SAM);
    render(NotesSearch);
    const user = userEvent.setup();
    await user.type(screen.getByRole('searchbox', { name: 'Find in notes' }), 'daisy');
    await screen.findByText('Found in 2 places: “daisy”.');
    expect(m.searchNotes).toHaveBeenCalledTimes(1);
    expect(m.searchNotes).toHaveBeenCalledWith('daisy', 'P1');

    const results = within(screen.getByRole('list', { name: 'Notes found' })).getAllByRole('listitem');
    const first = within(results[0]);
    const link = first.getByRole('link', { name: 'Thursday Singing for the Brain, Thursday 5 March 2020' });
    expect(link.getAttribute('href')).toBe('#/sessions/S1');
    expect(first.getByText(/Note about Peggy/)).toBeTruthy();
    const marks = results[0].querySelectorAll('mark');
    expect([...marks].map((x) => x.textContent)).toEqual(['Daisy', 'Bell']);
    // The note's own text is shown as text, never made into HTML.
    expect(document.querySelector('img')).toBeNull();
    expect(results[0].querySelector('.note-hit-snippet')!.textContent).toBe(
      'She sang Daisy <img src=x onerror=alert(1)> with Bell [sic]',
    );
    expect(within(results[1]).getByText(/Group note/)).toBeTruthy();
    expect(within(results[1]).getByText('Draft')).toBeTruthy();
  });

  it('a word found in two amendments of one note shows both places', async () => {
    const inAmendment = { inAmendment: true, snippet: 'the \u0002chorus\u0003 again' };
    m.searchNotes.mockResolvedValue([hit(inAmendment), hit(inAmendment)]);
    render(NotesSearch);
    const user = userEvent.setup();
    await user.type(screen.getByRole('searchbox', { name: 'Find in notes' }), 'chorus');
    await screen.findByText('Found in 2 places: “chorus”.');
    expect(within(screen.getByRole('list', { name: 'Notes found' })).getAllByRole('listitem')).toHaveLength(2);
  });

  it('a note that contains HTML is shown as text', async () => {
    m.searchNotes.mockResolvedValue([hit({ snippet: '\u0002<img src=x onerror=alert(1)>\u0003 said hello' })]);
    render(NotesSearch);
    const user = userEvent.setup();
    await user.type(screen.getByRole('searchbox', { name: 'Find in notes' }), 'img');
    await screen.findByText('<img src=x onerror=alert(1)>');
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('mark')!.textContent).toBe('<img src=x onerror=alert(1)>');
  });

  it('says when nothing is found, and an empty box clears the results', async () => {
    m.searchNotes.mockResolvedValue([]);
    render(NotesSearch);
    const user = userEvent.setup();
    const input = screen.getByRole('searchbox', { name: 'Find in notes' });
    await user.type(input, 'zebra');
    await screen.findByText('No notes found with “zebra”.');
    await user.clear(input);
    await waitFor(() => expect(screen.queryByText(/No notes found/)).toBeNull());
    expect(m.searchNotes).toHaveBeenCalledTimes(1);
  });
});
