// The quick entry grid with the api mocked by a small stand-in for the core:
// what is typed is what is sent, row by row, and the core's answers (scores,
// "incomplete", refusals) are what the grid shows.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type {
  CommandError,
  GroupSummary,
  Instrument,
  ScoreSet,
  ScoreSetInput,
  ScoreSheet,
} from '../lib/bindings';

vi.mock('../lib/api', () => ({
  scoreSheet: vi.fn(),
  recordScores: vi.fn(),
}));
vi.mock('../lib/charts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../lib/charts')>()),
  chart: vi.fn(() => ({ update: vi.fn(), destroy: vi.fn() })),
}));

import * as api from '../lib/api';
import ScoreGrid from '../lib/components/ScoreGrid.svelte';

const m = vi.mocked(api);

const UCL: Instrument = {
  key: 'ucl-umbrella-older-adult',
  version: '1',
  name: 'UCL positive wellbeing umbrella (older adult)',
  origin: 'builtIn',
  attribution: 'UCL Museum Wellbeing Measures',
  notice: null,
  scale: { min: 1, max: 5, minLabel: 'lowest', maxLabel: 'highest', points: [] },
  items: ['Absorbed', 'Active', 'Cheerful'].map((w) => ({
    key: w.toLowerCase(),
    text: w,
    lowerIsBetter: false,
    bands: [],
  })),
  scoring: { rule: 'meanOfItems' },
  raters: ['self', 'therapist', 'carer', 'staff'],
};

type Answers = Record<string, number>;

/** A stand-in for the core: keeps sets, refuses values off the scale, scores complete rows. */
function fakeCore(start: { attendeeId: string; timing: 'before' | 'after'; answers: Answers; rater?: ScoreSet['rater'] }[] = []) {
  const sets = new Map<string, ScoreSet>();
  const people = [
    { attendeeId: 'A1', name: 'Alice' },
    { attendeeId: 'A2', name: 'Bob' },
  ];
  let summaries: GroupSummary[] = [];

  function put(input: ScoreSetInput): ScoreSet {
    const key = `${input.attendeeId}|${input.instrumentKey}|${input.timing}|${input.rater}`;
    for (const a of input.answers) {
      const item = UCL.items.find((i) => i.key === a.itemKey);
      if (!item) throw { code: 'invalid', message: `“${a.itemKey}” is not an item.`, field: 'itemKey' } as CommandError;
      if (a.value < 1 || a.value > 5) {
        throw { code: 'invalid', message: `${item.text} must be between 1 and 5.`, field: 'value' } as CommandError;
      }
    }
    const answers = UCL.items
      .map((i) => input.answers.find((a) => a.itemKey === i.key))
      .filter((a): a is { itemKey: string; value: number } => !!a);
    const missing = UCL.items.filter((i) => !answers.some((a) => a.itemKey === i.key));
    const set: ScoreSet = {
      id: key,
      attendeeId: input.attendeeId,
      sessionId: input.sessionId,
      instrumentKey: input.instrumentKey,
      instrumentVersion: '1',
      timing: input.timing,
      rater: input.rater,
      raterName: input.raterName,
      takenOn: '2020-03-05',
      answers,
      scored:
        missing.length > 0
          ? { status: 'incomplete', missing: missing.map((i) => ({ key: i.key, text: i.text })) }
          : {
              status: 'complete',
              score: {
                instrumentKey: input.instrumentKey,
                instrumentVersion: '1',
                rater: input.rater,
                responses: answers,
                result: { rule: 'meanOfItems', mean: answers.reduce((t, a) => t + a.value, 0) / answers.length },
              },
            },
      createdAt: '',
      updatedAt: '',
    };
    if (input.answers.length === 0) sets.delete(key);
    else sets.set(key, set);
    return set;
  }

  for (const s of start) {
    put({
      attendeeId: s.attendeeId,
      sessionId: 'S1',
      instrumentKey: UCL.key,
      timing: s.timing,
      rater: s.rater ?? 'self',
      raterName: '',
      takenOn: null,
      answers: Object.entries(s.answers).map(([itemKey, value]) => ({ itemKey, value })),
    });
  }

  const sheet = (): ScoreSheet => ({
    sessionId: 'S1',
    choices: [{ instrumentKey: UCL.key, name: UCL.name, rater: 'self' }],
    instruments: [UCL],
    rows: people.map((p) => ({ ...p, sets: [...sets.values()].filter((s) => s.attendeeId === p.attendeeId) })),
    summaries,
  });

  m.scoreSheet.mockImplementation(async () => sheet());
  m.recordScores.mockImplementation(async (input) => put(input));
  return {
    sets,
    setSummaries(s: GroupSummary[]) {
      summaries = s;
    },
  };
}

const cell = (label: string) => screen.getByRole('textbox', { name: label }) as HTMLInputElement;
const row = (name: string) => screen.getAllByTestId('score-row').find((r) => r.getAttribute('aria-label') === name)!;
const lastInput = () => m.recordScores.mock.calls.at(-1)![0];

async function open(props: Record<string, unknown> = {}) {
  render(ScoreGrid, { sessionId: 'S1', groupId: 'G1', ...props });
  await screen.findAllByTestId('score-row');
  return userEvent.setup();
}

beforeEach(() => {
  vi.clearAllMocks();
});

describe('score grid', () => {
  it('has its heading, a row per person present and a box per item', async () => {
    fakeCore();
    await open();
    expect(screen.getByRole('heading', { level: 2, name: 'Wellbeing before and after' })).toBeTruthy();
    expect(screen.getAllByTestId('score-row').map((r) => r.getAttribute('aria-label'))).toEqual(['Alice', 'Bob']);
    for (const label of ['Alice, Absorbed, before', 'Alice, Active, before', 'Alice, Cheerful, before', 'Bob, Absorbed, before']) {
      expect(cell(label)).toBeTruthy();
    }
    expect((screen.getByRole('radio', { name: 'Before' }) as HTMLInputElement).checked).toBe(true);
  });

  it('typing a number and Tab moves to the next box and saves the row with exactly what was typed', async () => {
    fakeCore();
    const user = await open();
    await user.click(cell('Alice, Absorbed, before'));
    await user.keyboard('4');
    await user.tab();
    expect(document.activeElement).toBe(cell('Alice, Active, before'));
    await waitFor(() => expect(m.recordScores).toHaveBeenCalledTimes(1));
    expect(lastInput()).toEqual({
      attendeeId: 'A1',
      sessionId: 'S1',
      instrumentKey: UCL.key,
      timing: 'before',
      rater: 'self',
      raterName: '',
      takenOn: null,
      answers: [{ itemKey: 'absorbed', value: 4 }],
    });
    await user.keyboard('3');
    await user.tab();
    expect(document.activeElement).toBe(cell('Alice, Cheerful, before'));
    await waitFor(() => expect(m.recordScores).toHaveBeenCalledTimes(2));
    expect(lastInput().answers).toEqual([
      { itemKey: 'absorbed', value: 4 },
      { itemKey: 'active', value: 3 },
    ]);
    // Tabbing through without a change saves nothing more.
    await user.tab({ shift: true });
    await user.tab();
    expect(m.recordScores).toHaveBeenCalledTimes(2);
  });

  it('a partly filled row is kept and shown as incomplete; a complete row shows its score', async () => {
    fakeCore();
    const user = await open();
    await user.click(cell('Alice, Absorbed, before'));
    await user.keyboard('4');
    await user.tab();
    await user.keyboard('3');
    await user.tab();
    await waitFor(() => expect(within(row('Alice')).getByText('Incomplete: 2 of 3 items')).toBeTruthy());
    await user.keyboard('5');
    await user.tab();
    await waitFor(() => expect(within(row('Alice')).getByText('Score 4.00')).toBeTruthy());
    expect(within(row('Bob')).getByText('Not started')).toBeTruthy();
  });

  it('Enter moves to the next box, and at the end of a row to the next person’s first box', async () => {
    fakeCore();
    const user = await open();
    await user.click(cell('Alice, Absorbed, before'));
    await user.keyboard('4{Enter}');
    expect(document.activeElement).toBe(cell('Alice, Active, before'));
    await user.keyboard('4{Enter}5{Enter}');
    expect(document.activeElement).toBe(cell('Bob, Absorbed, before'));
    await waitFor(() => expect(lastInput().answers).toHaveLength(3));
    expect(lastInput().attendeeId).toBe('A1');
  });

  it('a value the core refuses shows its message beside the box and keeps what was typed', async () => {
    fakeCore();
    const user = await open();
    await user.click(cell('Alice, Cheerful, before'));
    await user.keyboard('9');
    await user.tab();
    const message = await within(row('Alice')).findByText('Cheerful must be between 1 and 5.');
    const box = cell('Alice, Cheerful, before');
    expect(box.value).toBe('9');
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(box.getAttribute('aria-describedby')).toBe(message.id);
    // Fixing it saves and clears the message.
    await user.clear(box);
    await user.type(box, '2');
    await user.tab();
    await waitFor(() => expect(within(row('Alice')).queryByText('Cheerful must be between 1 and 5.')).toBeNull());
    expect(lastInput().answers).toEqual([{ itemKey: 'cheerful', value: 2 }]);
  });

  it('switching between Before and After shows the other set of answers', async () => {
    fakeCore([
      { attendeeId: 'A1', timing: 'before', answers: { absorbed: 2, active: 2, cheerful: 2 } },
      { attendeeId: 'A1', timing: 'after', answers: { absorbed: 5, active: 4, cheerful: 3 } },
    ]);
    const user = await open();
    expect(cell('Alice, Absorbed, before').value).toBe('2');
    expect(within(row('Alice')).getByText('Score 2.00')).toBeTruthy();
    await user.click(screen.getByRole('radio', { name: 'After' }));
    expect(cell('Alice, Absorbed, after').value).toBe('5');
    expect(cell('Alice, Cheerful, after').value).toBe('3');
    expect(within(row('Alice')).getByText('Score 4.00')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Alice, Absorbed, before' })).toBeNull();
    // Typing in After saves an "after" set.
    await user.click(cell('Bob, Absorbed, after'));
    await user.keyboard('3');
    await user.tab();
    await waitFor(() => expect(lastInput()).toMatchObject({ attendeeId: 'A2', timing: 'after' }));
  });

  it('clearing every box of a row sends an empty list, which removes the set', async () => {
    const core = fakeCore([{ attendeeId: 'A1', timing: 'before', answers: { absorbed: 2, active: 3, cheerful: 4 } }]);
    const user = await open();
    for (const item of ['Absorbed', 'Active', 'Cheerful']) {
      await user.clear(cell(`Alice, ${item}, before`));
    }
    await user.tab();
    await waitFor(() => expect(lastInput().answers).toEqual([]));
    expect(lastInput()).toMatchObject({ attendeeId: 'A1', timing: 'before', rater: 'self' });
    await waitFor(() => expect(within(row('Alice')).getByText('Not started')).toBeTruthy());
    expect(core.sets.size).toBe(0);
  });

  it('a second rater gets a row of their own; the first rater\'s answers are kept', async () => {
    fakeCore([{ attendeeId: 'A1', timing: 'before', answers: { absorbed: 2, active: 3, cheerful: 4 } }]);
    const user = await open();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Who rated Alice' }), 'Carer');
    // Nothing is sent or removed: the carer starts with empty boxes, and the
    // person's own answers are still there, shown beside the row.
    expect(m.recordScores).not.toHaveBeenCalled();
    expect((cell('Alice, Absorbed, before') as HTMLInputElement).value).toBe('');
    expect(within(row('Alice')).getByText("Themself: Score 3.00")).toBeTruthy();
    await user.type(screen.getByRole('textbox', { name: 'Name of who rated for Alice (optional)' }), 'Jean, daughter');
    await user.click(cell('Alice, Absorbed, before'));
    await user.keyboard('5');
    await user.tab();
    await waitFor(() =>
      expect(lastInput()).toMatchObject({ rater: 'carer', raterName: 'Jean, daughter', answers: [{ itemKey: 'absorbed', value: 5 }] }),
    );
    expect(m.recordScores.mock.calls.every((c) => c[0].rater === 'carer')).toBe(true);
    // Back to the person themself: their answers, as they were.
    await user.selectOptions(screen.getByRole('combobox', { name: 'Who rated Alice' }), 'Themself');
    expect((cell('Alice, Absorbed, before') as HTMLInputElement).value).toBe('2');
    expect(within(row('Alice')).getByText("Carer: Incomplete: 1 of 3 items")).toBeTruthy();
  });

  it('a slow reply never overwrites newer typing', async () => {
    fakeCore();
    let release: () => void = () => {};
    const real = m.recordScores.getMockImplementation()!;
    m.recordScores.mockImplementationOnce(
      (input) => new Promise((resolve) => (release = () => resolve(real(input)))),
    );
    const user = await open();
    await user.click(cell('Alice, Absorbed, before'));
    await user.keyboard('4');
    await user.tab();
    await user.keyboard('5');
    await user.tab();
    expect(within(row('Alice')).getByText('Saving…')).toBeTruthy();
    release();
    await waitFor(() => expect(m.recordScores).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(within(row('Alice')).getByText('Incomplete: 2 of 3 items')).toBeTruthy());
    expect(cell('Alice, Absorbed, before').value).toBe('4');
    expect(cell('Alice, Active, before').value).toBe('5');
  });

  it('shows the group’s before and after so far from the core’s summary', async () => {
    const core = fakeCore();
    core.setSummaries([
      {
        instrumentKey: UCL.key,
        instrumentVersion: '1',
        rater: 'self',
        counted: 2,
        preMean: 2.5,
        postMean: 3.25,
        change: { points: 0.75, percent: 30 },
        items: [],
        improved: 2,
        same: 0,
        worse: 0,
        people: [],
        leftOut: [],
      },
    ]);
    await open();
    const table = screen.getByRole('table', { name: /the group's before and after so far/ });
    const r = within(table).getByRole('row', { name: /Rated by the person themself/ });
    expect(within(r).getAllByRole('cell').map((c) => c.textContent)).toEqual(['2', '2.50', '3.25', '+0.75 (+30.0%)', '2', '0', '0']);
  });

  it('says when the group has chosen no measures, with a link to the group', async () => {
    m.scoreSheet.mockResolvedValue({ sessionId: 'S1', choices: [], instruments: [], rows: [], summaries: [] });
    render(ScoreGrid, { sessionId: 'S1', groupId: 'G1' });
    const text = await screen.findByText(/hasn't chosen any wellbeing measures/);
    expect(within(text).getByRole('link', { name: "group's page" }).getAttribute('href')).toBe('#/groups/G1');
  });
});
