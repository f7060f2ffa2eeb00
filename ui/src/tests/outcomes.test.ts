// What the numbers say, for a group and for a person, with the api mocked.
// Charts are canvas (not drawn in jsdom): the tables beside them carry the
// same numbers, and those are what is checked here, as a reader sees them.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { GroupSummary, Instrument, ItemSummary, PersonOutcomes, ScoreSet } from '../lib/bindings';
import { todayIso } from '../lib/dates';

vi.mock('../lib/api', () => ({
  groupOutcomes: vi.fn(),
  groupInstruments: vi.fn(),
  setGroupInstruments: vi.fn(),
  listInstruments: vi.fn(),
  personOutcomes: vi.fn(),
  recordScores: vi.fn(),
}));
vi.mock('../lib/charts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../lib/charts')>()),
  chart: vi.fn(() => ({ update: vi.fn(), destroy: vi.fn() })),
}));

import * as api from '../lib/api';
import * as charts from '../lib/charts';
import GroupOutcomesCard from '../lib/components/GroupOutcomesCard.svelte';
import GroupInstruments from '../lib/components/GroupInstruments.svelte';
import PersonOutcomesCard from '../lib/components/PersonOutcomesCard.svelte';

const m = vi.mocked(api);

const item = (key: string, text: string, extra: Partial<Instrument['items'][number]> = {}) => ({
  key,
  text,
  lowerIsBetter: false,
  bands: [],
  ...extra,
});

const UCL: Instrument = {
  key: 'ucl-umbrella-generic',
  version: '1',
  name: 'UCL positive wellbeing umbrella (generic)',
  origin: 'builtIn',
  attribution: 'UCL Museum Wellbeing Measures',
  notice: null,
  scale: { min: 1, max: 5, minLabel: 'lowest', maxLabel: 'highest', points: [] },
  items: [item('active', 'Active'), item('happy', 'Happy')],
  scoring: { rule: 'meanOfItems' },
  raters: ['self', 'therapist', 'carer', 'staff'],
};

const wellbeingBands = [
  { min: 0, max: 4, level: 'low' as const },
  { min: 5, max: 6, level: 'medium' as const },
  { min: 7, max: 8, level: 'high' as const },
  { min: 9, max: 10, level: 'veryHigh' as const },
];
const ONS4: Instrument = {
  key: 'ons4',
  version: '1',
  name: 'ONS4 personal wellbeing',
  origin: 'builtIn',
  attribution: 'Office for National Statistics',
  notice: 'Each question is reported on its own; the answers are never added up.',
  scale: { min: 0, max: 10, minLabel: 'not at all', maxLabel: 'completely', points: [] },
  items: [
    item('satisfied', 'Overall, how satisfied are you with your life nowadays?', { bands: wellbeingBands }),
    item('anxious', 'Overall, how anxious did you feel yesterday?', {
      lowerIsBetter: true,
      bands: [
        { min: 0, max: 1, level: 'veryLow' },
        { min: 2, max: 3, level: 'low' },
        { min: 4, max: 5, level: 'medium' },
        { min: 6, max: 10, level: 'high' },
      ],
    }),
  ],
  scoring: { rule: 'itemByItem' },
  raters: ['self', 'therapist', 'carer', 'staff'],
};

const SWEMWBS: Instrument = {
  key: 'swemwbs',
  version: '1',
  name: 'SWEMWBS (Short Warwick-Edinburgh Mental Wellbeing Scale)',
  origin: 'builtIn',
  attribution: 'University of Warwick',
  notice: 'Using SWEMWBS requires registration with the University of Warwick (free).',
  scale: {
    min: 1,
    max: 5,
    minLabel: 'None of the time',
    maxLabel: 'All of the time',
    points: ['None of the time', 'Rarely', 'Some of the time', 'Often', 'All of the time'].map((label, i) => ({
      value: i + 1,
      label,
    })),
  },
  items: [
    item('optimistic', "I've been feeling optimistic about the future"),
    item('useful', "I've been feeling useful"),
    item('relaxed', "I've been feeling relaxed"),
  ],
  scoring: { rule: 'sumWithMetric', table: [] },
  raters: ['self', 'therapist', 'carer', 'staff'],
};

function itemSummary(itemKey: string, pre: number, post: number, percent: number | null): ItemSummary {
  return { itemKey, preMean: pre, postMean: post, change: { points: post - pre, percent } };
}

function summary(over: Partial<GroupSummary>): GroupSummary {
  return {
    instrumentKey: UCL.key,
    instrumentVersion: '1',
    rater: 'self',
    counted: 4,
    preMean: 3,
    postMean: 3.75,
    change: { points: 0.75, percent: 25 },
    items: [itemSummary('active', 2.5, 3.5, 40), itemSummary('happy', 3.5, 4, 14.285714)],
    improved: 3,
    same: 1,
    worse: 0,
    // Four before-and-after pairs from three people (A1 came twice).
    people: ['A1', 'A1', 'A2', 'A3'].map((personId) => ({
      personId,
      preMean: 3,
      postMean: 3.75,
      change: { points: 0.75, percent: 25 },
      direction: 'improved' as const,
    })),
    leftOut: [],
    ...over,
  };
}

function set(over: Partial<ScoreSet>): ScoreSet {
  return {
    id: 'X',
    attendeeId: 'A1',
    sessionId: null,
    instrumentKey: 'ons4',
    instrumentVersion: '1',
    timing: 'intake',
    rater: 'self',
    raterName: '',
    takenOn: '2026-01-10',
    answers: [],
    scored: { status: 'incomplete', missing: [] },
    createdAt: '',
    updatedAt: '',
    ...over,
  };
}

beforeEach(() => {
  vi.clearAllMocks();
});

describe('group outcomes card', () => {
  it('asks for the last 3 months, and shows self and carer ratings apart with the core’s numbers', async () => {
    m.groupOutcomes.mockResolvedValue({
      groupId: 'G1',
      from: '2026-08-23',
      to: '2026-11-23',
      instruments: [
        {
          instrument: UCL,
          summaries: [
            summary({}),
            summary({
              rater: 'carer',
              counted: 2,
              preMean: 2,
              postMean: 1.5,
              change: { points: -0.5, percent: -25 },
              items: [itemSummary('active', 2, 1.5, -25), itemSummary('happy', 2, 1.5, -25)],
              improved: 0,
              same: 1,
              worse: 1,
              leftOut: [{ personId: 'A9', missingPre: [], missingPost: [{ key: 'happy', text: 'Happy' }] }],
            }),
          ],
          sessions: [],
        },
      ],
    });
    render(GroupOutcomesCard, { groupId: 'G1' });
    const self = await screen.findByRole('group', { name: /rated by the person themself/ });
    const carer = screen.getByRole('group', { name: /rated by a carer/ });

    const today = todayIso();
    const [, from, to] = m.groupOutcomes.mock.calls[0];
    expect(to).toBe(today);
    const d = new Date(`${today}T12:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() - 3);
    expect(from.slice(0, 7)).toBe(d.toISOString().slice(0, 7));

    const overall = (g: HTMLElement) =>
      within(g).getByRole('row', { name: /^Overall/ }).querySelectorAll('td');
    expect([...overall(self)].map((c) => c.textContent)).toEqual(['3.00', '3.75', '+0.75', '+25.0%']);
    const active = within(self).getByRole('row', { name: /^Active/ }).querySelectorAll('td');
    expect([...active].map((c) => c.textContent)).toEqual(['2.50', '3.50', '+1.00', '+40.0%']);
    expect(within(self).getByText(/Counted: 4 before-and-after pairs with complete answers, from 3 people/)).toBeTruthy();
    const counts = (g: HTMLElement, label: string) => within(g).getByText(label).nextElementSibling?.textContent;
    expect(counts(self, 'Improved')).toBe('3');
    expect(counts(self, 'Stayed the same')).toBe('1');
    expect(counts(self, 'Fell')).toBe('0');

    expect([...overall(carer)].map((c) => c.textContent)).toEqual(['2.00', '1.50', '−0.50', '−25.0%']);
    expect(counts(carer, 'Fell')).toBe('1');
    expect(within(carer).getByText(/Not counted: 1 set of answers/)).toBeTruthy();

    // A bar chart for each rater, drawn from the same numbers.
    const configs = vi.mocked(charts.chart).mock.calls.map((c) => c[1]);
    expect(configs).toHaveLength(2);
    expect(configs[0].data.labels).toEqual(['Active', 'Happy', 'Overall']);
    expect(configs[0].data.datasets.map((ds) => ds.data)).toEqual([
      [2.5, 3.5, 3],
      [3.5, 4, 3.75],
    ]);
  });

  it('says when nothing was recorded, and shows the core’s message about the period beside the field', async () => {
    m.groupOutcomes.mockResolvedValueOnce({ groupId: 'G1', from: '2026-08-23', to: '2026-11-23', instruments: [] });
    render(GroupOutcomesCard, { groupId: 'G1' });
    expect(await screen.findByText('No before-and-after answers were recorded in this period.')).toBeTruthy();
    m.groupOutcomes.mockRejectedValueOnce({ code: 'invalid', message: 'The end of the period is before its start.', field: 'to' });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Show' }));
    const to = screen.getByLabelText('To');
    await waitFor(() => expect(to.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByText('The end of the period is before its start.')).toBeTruthy();
  });
});

describe('group instruments', () => {
  it('chooses measures, who usually rates, and their order', async () => {
    m.groupInstruments.mockResolvedValue([]);
    m.listInstruments.mockResolvedValue([UCL, ONS4]);
    m.setGroupInstruments.mockImplementation(async (_g, choices) =>
      choices.map((c) => ({ ...c, name: c.instrumentKey === 'ons4' ? ONS4.name : UCL.name })),
    );
    render(GroupInstruments, { groupId: 'G1', groupName: 'Singing for the Brain' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Choose measures' }));
    await user.click(screen.getByRole('button', { name: `Add ${UCL.name}` }));
    await user.click(screen.getByRole('button', { name: `Add ${ONS4.name}` }));
    await user.selectOptions(screen.getAllByLabelText('Usually rated by')[0], 'Carer');
    await user.click(screen.getByRole('button', { name: `Move ${ONS4.name} up` }));
    await user.click(screen.getByRole('button', { name: 'Save measures' }));
    await waitFor(() =>
      expect(m.setGroupInstruments).toHaveBeenCalledWith('G1', [
        { instrumentKey: 'ons4', rater: 'self' },
        { instrumentKey: UCL.key, rater: 'carer' },
      ]),
    );
    expect(await screen.findByText('Usually rated by a carer')).toBeTruthy();
  });
});

describe('person outcomes card', () => {
  const outcomes: PersonOutcomes = {
    attendeeId: 'A1',
    instruments: [
      {
        instrument: ONS4,
        sets: [
          set({
            id: 'o1',
            answers: [
              { itemKey: 'satisfied', value: 9 },
              { itemKey: 'anxious', value: 1 },
            ],
            scored: {
              status: 'complete',
              score: {
                instrumentKey: 'ons4',
                instrumentVersion: '1',
                rater: 'self',
                responses: [],
                result: {
                  rule: 'itemByItem',
                  items: [
                    { itemKey: 'satisfied', value: 9, band: 'veryHigh' },
                    { itemKey: 'anxious', value: 1, band: 'veryLow' },
                  ],
                },
              },
            },
          }),
        ],
        sessions: [],
      },
      {
        instrument: SWEMWBS,
        sets: [
          set({
            id: 's1',
            instrumentKey: 'swemwbs',
            answers: [
              { itemKey: 'optimistic', value: 3 },
              { itemKey: 'useful', value: 3 },
              { itemKey: 'relaxed', value: 3 },
            ],
            scored: {
              status: 'complete',
              score: {
                instrumentKey: 'swemwbs',
                instrumentVersion: '1',
                rater: 'self',
                responses: [],
                result: { rule: 'sumWithMetric', raw: 21, metric: 19.98 },
              },
            },
          }),
          set({
            id: 's2',
            instrumentKey: 'swemwbs',
            timing: 'review',
            takenOn: '2026-04-10',
            answers: [{ itemKey: 'optimistic', value: 4 }],
            scored: { status: 'incomplete', missing: [] },
          }),
        ],
        sessions: [],
      },
    ],
  };

  it('shows ONS4 question by question in the ONS bands, and the SWEMWBS metric score', async () => {
    m.personOutcomes.mockResolvedValue(outcomes);
    m.listInstruments.mockResolvedValue([UCL, ONS4, SWEMWBS]);
    render(PersonOutcomesCard, { attendeeId: 'A1', personName: 'Peggy' });
    const ons = await screen.findByRole('table', { name: 'ONS4 personal wellbeing: question by question' });
    const onsRow = within(ons).getByRole('row', { name: /10 January 2026/ });
    expect([...onsRow.querySelectorAll('td')].map((c) => c.textContent)).toEqual([
      'Intake',
      'Themself',
      '9 (very high)',
      '1 (very low)',
    ]);
    const sw = screen.getByRole('table', { name: /SWEMWBS.*the metric score over time/ });
    const first = within(sw).getByRole('row', { name: /10 January 2026/ });
    expect([...first.querySelectorAll('td')].map((c) => c.textContent)).toEqual(['Intake', 'Themself', '21', '19.98']);
    const review = within(sw).getByRole('row', { name: /10 April 2026/ });
    expect(within(review).getByText('Incomplete: 1 of 3 answered')).toBeTruthy();
  });

  it('records an intake SWEMWBS with each statement’s wording and the scale’s words', async () => {
    m.personOutcomes.mockResolvedValue({ attendeeId: 'A1', instruments: [] });
    m.listInstruments.mockResolvedValue([UCL, ONS4, SWEMWBS]);
    m.recordScores.mockImplementation(async (input) =>
      set({ instrumentKey: input.instrumentKey, timing: input.timing, answers: input.answers }),
    );
    render(PersonOutcomesCard, { attendeeId: 'A1', personName: 'Peggy' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Record ONS4 or SWEMWBS' }));
    const dialog = screen.getByRole('dialog', { name: 'Record wellbeing for Peggy' });
    await user.click(within(dialog).getByRole('radio', { name: SWEMWBS.name }));
    const q = within(dialog).getByRole('group', { name: /I've been feeling useful/ });
    await user.click(within(q).getByRole('radio', { name: '4 Often' }));
    const q1 = within(dialog).getByRole('group', { name: /optimistic about the future/ });
    await user.click(within(q1).getByRole('radio', { name: '1 None of the time' }));
    expect((within(dialog).getByLabelText('Date') as HTMLInputElement).value).toBe(todayIso());
    await user.click(within(dialog).getByRole('button', { name: 'Save answers' }));
    await waitFor(() =>
      expect(m.recordScores).toHaveBeenCalledWith({
        attendeeId: 'A1',
        sessionId: null,
        instrumentKey: 'swemwbs',
        timing: 'intake',
        rater: 'self',
        raterName: '',
        takenOn: todayIso(),
        answers: [
          { itemKey: 'optimistic', value: 1 },
          { itemKey: 'useful', value: 4 },
        ],
      }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});
