// The Measures screen with the api mocked: built-in measures with who publishes
// them, the therapist's own measures, and the form that makes or changes one.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { CustomInstrumentInput, Instrument } from '../lib/bindings';

vi.mock('../lib/api', () => ({
  listInstruments: vi.fn(),
  createCustomInstrument: vi.fn(),
  updateCustomInstrument: vi.fn(),
  archiveCustomInstrument: vi.fn(),
}));

import * as api from '../lib/api';
import Measures from '../screens/Measures.svelte';

const m = vi.mocked(api);

const SWEMWBS: Instrument = {
  key: 'swemwbs',
  version: '1',
  name: 'SWEMWBS (Short Warwick-Edinburgh Mental Wellbeing Scale)',
  origin: 'builtIn',
  attribution: 'University of Warwick',
  notice: 'Using SWEMWBS requires registration with the University of Warwick (free).',
  scale: { min: 1, max: 5, minLabel: 'None of the time', maxLabel: 'All of the time', points: [] },
  items: [{ key: 'useful', text: "I've been feeling useful", lowerIsBetter: false, bands: [] }],
  scoring: { rule: 'sumWithMetric', table: [] },
  raters: ['self', 'therapist', 'carer', 'staff'],
};

function custom(input: CustomInstrumentInput, key = 'custom-1', version = '1'): Instrument {
  return {
    key,
    version,
    name: input.name,
    origin: 'custom',
    attribution: null,
    notice: null,
    scale: { min: input.scaleMin, max: input.scaleMax, minLabel: input.minLabel, maxLabel: input.maxLabel, points: [] },
    items: input.items.map((text, i) => ({ key: `item-${i + 1}`, text, lowerIsBetter: input.lowerIsBetter, bands: [] })),
    scoring: { rule: 'meanOfItems' },
    raters: ['self', 'therapist', 'carer', 'staff'],
  };
}

const MOOD = custom({
  name: 'Mood check',
  items: ['Calm', 'Worried'],
  scaleMin: 1,
  scaleMax: 5,
  minLabel: 'not at all',
  maxLabel: 'very much',
  lowerIsBetter: false,
});

beforeEach(() => {
  vi.clearAllMocks();
  m.listInstruments.mockResolvedValue([SWEMWBS, MOOD]);
});

async function open() {
  render(Measures);
  await screen.findByRole('heading', { level: 1, name: 'Measures' });
  await screen.findByRole('listitem', { name: SWEMWBS.name });
  return userEvent.setup();
}

describe('measures', () => {
  it('lists built-in measures with who publishes them and what to know, and own measures to change', async () => {
    await open();
    const sw = screen.getByRole('listitem', { name: SWEMWBS.name });
    expect(within(sw).getByText('From University of Warwick.')).toBeTruthy();
    expect(within(sw).getByText(SWEMWBS.notice!)).toBeTruthy();
    expect(within(sw).queryByRole('button', { name: /Change/ })).toBeNull();
    const mood = screen.getByRole('listitem', { name: 'Mood check' });
    expect(within(mood).getByText('Version 1')).toBeTruthy();
    expect(within(mood).getByText('Answers from 1 to 5 (not at all to very much).')).toBeTruthy();
    expect(within(mood).getByRole('button', { name: 'Change Mood check' })).toBeTruthy();
    expect(within(mood).getByRole('button', { name: 'Archive Mood check' })).toBeTruthy();
  });

  it('sends the own measure as typed', async () => {
    m.createCustomInstrument.mockImplementation(async (input) => custom(input, 'custom-2'));
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'Make your own measure' }));
    await user.type(screen.getByLabelText('Name'), 'Worry scale');
    await user.type(screen.getByLabelText('Item 1'), 'Worried');
    await user.click(screen.getByRole('button', { name: 'Add another item' }));
    expect(document.activeElement).toBe(screen.getByLabelText('Item 2'));
    await user.keyboard('Tense');
    await user.clear(screen.getByLabelText('Lowest answer'));
    await user.type(screen.getByLabelText('Lowest answer'), '0');
    await user.clear(screen.getByLabelText('Highest answer'));
    await user.type(screen.getByLabelText('Highest answer'), '10');
    await user.type(screen.getByLabelText('What the lowest answer means'), 'not at all');
    await user.type(screen.getByLabelText('What the highest answer means'), 'extremely');
    await user.click(screen.getByLabelText(/A lower answer is better/));
    await user.click(screen.getByRole('button', { name: 'Save measure' }));
    await waitFor(() =>
      expect(m.createCustomInstrument).toHaveBeenCalledWith({
        name: 'Worry scale',
        items: ['Worried', 'Tense'],
        scaleMin: 0,
        scaleMax: 10,
        minLabel: 'not at all',
        maxLabel: 'extremely',
        lowerIsBetter: true,
      }),
    );
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Save measure' })).toBeNull());
  });

  it('shows the core’s messages beside the fields they are about', async () => {
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'Make your own measure' }));
    await user.type(screen.getByLabelText('Name'), 'Mood');
    await user.type(screen.getByLabelText('Item 1'), 'Calm');

    const cases: [string, string, string][] = [
      ['maxLabel', 'What the highest answer means', 'Please type what the highest answer (5) means, such as “very much”.'],
      ['scaleMax', 'Highest answer', 'The highest answer must be more than the lowest (1).'],
      ['name', 'Name', 'Please type a name for the measure.'],
      ['minLabel', 'What the lowest answer means', 'Please type what the lowest answer (1) means, such as “not at all”.'],
      ['scaleMin', 'Lowest answer', "The lowest answer can't be below 0."],
    ];
    for (const [field, label, message] of cases) {
      m.createCustomInstrument.mockRejectedValueOnce({ code: 'invalid', message, field });
      await user.click(screen.getByRole('button', { name: 'Save measure' }));
      const box = screen.getByLabelText(label);
      await waitFor(() => expect(box.getAttribute('aria-invalid')).toBe('true'));
      const describedBy = box.getAttribute('aria-describedby')!.split(' ');
      expect(document.getElementById(describedBy.at(-1)!)!.textContent).toBe(message);
      expect(document.activeElement).toBe(box);
    }

    m.createCustomInstrument.mockRejectedValueOnce({
      code: 'invalid',
      message: 'Items 1 and 2 both say “Calm”. Please make each item different.',
      field: 'items',
    });
    await user.click(screen.getByRole('button', { name: 'Save measure' }));
    const item = screen.getByLabelText('Item 1');
    await waitFor(() => expect(item.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(item.getAttribute('aria-describedby')!)!.textContent).toBe(
      'Items 1 and 2 both say “Calm”. Please make each item different.',
    );
  });

  it('changing an own measure saves a new version of it', async () => {
    m.updateCustomInstrument.mockImplementation(async (key, input) => custom(input, key, '2'));
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'Change Mood check' }));
    expect(screen.getByText(/Saving makes a new version/)).toBeTruthy();
    expect((screen.getByLabelText('Item 2') as HTMLInputElement).value).toBe('Worried');
    await user.click(screen.getByRole('button', { name: 'Remove item 2' }));
    await user.click(screen.getByRole('button', { name: 'Save new version' }));
    await waitFor(() =>
      expect(m.updateCustomInstrument).toHaveBeenCalledWith('custom-1', {
        name: 'Mood check',
        items: ['Calm'],
        scaleMin: 1,
        scaleMax: 5,
        minLabel: 'not at all',
        maxLabel: 'very much',
        lowerIsBetter: false,
      }),
    );
  });

  it('archives an own measure after asking', async () => {
    m.archiveCustomInstrument.mockResolvedValue(null);
    const user = await open();
    await user.click(screen.getByRole('button', { name: 'Archive Mood check' }));
    const dialog = screen.getByRole('dialog', { name: 'Archive Mood check?' });
    m.listInstruments.mockResolvedValue([SWEMWBS]);
    await user.click(within(dialog).getByRole('button', { name: 'Yes, archive' }));
    await waitFor(() => expect(m.archiveCustomInstrument).toHaveBeenCalledWith('custom-1'));
    await waitFor(() => expect(screen.queryByRole('listitem', { name: 'Mood check' })).toBeNull());
  });
});
