import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

vi.mock('../lib/api', () => ({ listAttendees: vi.fn() }));

import * as api from '../lib/api';
import Attendees from '../screens/Attendees.svelte';

const m = vi.mocked(api);

beforeEach(() => {
  vi.clearAllMocks();
  vi.useFakeTimers({ shouldAdvanceTime: true });
  m.listAttendees.mockImplementation(async (query: string) =>
    [
      { id: 'A1', fullName: 'Margaret Ellis', preferredName: 'Peggy', groups: ['Singing for the Brain'], archived: false },
      { id: 'A2', fullName: 'Arthur Bennett', preferredName: '', groups: [], archived: false },
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
});
