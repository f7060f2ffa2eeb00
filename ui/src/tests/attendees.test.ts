import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

vi.mock('../lib/api', () => ({ listAttendees: vi.fn() }));

import * as api from '../lib/api';
import Attendees from '../screens/Attendees.svelte';

const m = vi.mocked(api);

const NO_NEEDS = {
  largePrint: false,
  easyRead: false,
  contactViaCarer: false,
  interpreter: false,
  interpreterLanguage: '',
  hearingLoop: false,
};

beforeEach(() => {
  vi.clearAllMocks();
  vi.useFakeTimers({ shouldAdvanceTime: true });
  m.listAttendees.mockImplementation(async (query: string) =>
    [
      {
        id: 'A1',
        fullName: 'Margaret Ellis',
        preferredName: 'Peggy',
        groups: ['Singing for the Brain'],
        archived: false,
        informationNeeds: { ...NO_NEEDS, largePrint: true, contactViaCarer: true },
      },
      { id: 'A2', fullName: 'Arthur Bennett', preferredName: '', groups: [], archived: false, informationNeeds: NO_NEEDS },
    ].filter((p) => p.fullName.toLowerCase().includes(query.toLowerCase())),
  );
});
afterEach(() => vi.useRealTimers());

describe('Attendees search', () => {
  it('lists everyone at first, then waits ~150ms after typing before asking the core once', async () => {
    render(Attendees);
    expect(m.listAttendees).toHaveBeenCalledWith('', false);
    expect(await screen.findByRole('link', { name: 'Arthur Bennett' })).toBeTruthy();
    m.listAttendees.mockClear();

    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime, delay: 20 });
    await user.type(screen.getByLabelText('Search by name'), 'Marg');
    // Typing quickly: nothing asked yet.
    expect(m.listAttendees).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(m.listAttendees).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(60);
    expect(m.listAttendees).toHaveBeenCalledTimes(1);
    expect(m.listAttendees).toHaveBeenCalledWith('Marg', false);
    expect(await screen.findByRole('link', { name: 'Margaret Ellis' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Arthur Bennett' })).toBeNull();
  });

  it('asks again with archived people when the box is ticked', async () => {
    render(Attendees);
    await screen.findByRole('link', { name: 'Arthur Bennett' });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    await user.click(screen.getByLabelText('Show archived people'));
    expect(m.listAttendees).toHaveBeenLastCalledWith('', true);
  });

  it('says so when no one matches', async () => {
    render(Attendees);
    await screen.findByRole('link', { name: 'Arthur Bennett' });
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    await user.type(screen.getByLabelText('Search by name'), 'Zed');
    await vi.advanceTimersByTimeAsync(200);
    expect(await screen.findByText('No one found called "Zed".')).toBeTruthy();
  });

  it('shows each person\'s information needs beside their name, and nothing for someone with none', async () => {
    render(Attendees);
    const signs = await screen.findAllByRole('list', { name: /^Information needs of / });
    expect(signs.map((s) => s.getAttribute('aria-label'))).toEqual(['Information needs of Margaret Ellis']);
    const words = Array.from(signs[0].querySelectorAll('li')).map((li) => li.textContent?.trim());
    expect(words).toEqual(expect.arrayContaining(['Large print']));
    expect(words.length).toBe(2);
  });
});
