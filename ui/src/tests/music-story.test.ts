// A person's music life story on their page, over the app's real commands:
// the core's messages beside their fields, the reminiscence years it works
// out, and the avoid list, which shows on that person's page and no other.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import * as api from '../lib/api';
import { personInput } from './fixtures';
import { startRealBackend, type RealBackend } from './real-backend';
import App from '../App.svelte';
import { router } from '../lib/router.svelte';
import { player } from '../lib/player.svelte';

let backend: RealBackend;

beforeEach(() => {
  backend = startRealBackend();
  api.setInvoker(backend.invoke);
  api.setEventSource(backend.listen);
  player.reset();
});
afterEach(() => backend.dispose());

async function openPerson(id: string) {
  router.go(`#/attendees/${id}`);
  const view = render(App);
  const card = await screen.findByRole('region', { name: 'Music life story' });
  return { view, card: within(card), cardEl: card };
}

describe('music life story', () => {
  it('is written on the person’s page, with the core’s message beside a wrong year', async () => {
    const sid = await api.createAttendee(personInput('Sidney Okoro', { preferredName: 'Sid' }));
    const user = userEvent.setup();
    const { card } = await openPerson(sid.id);
    await card.findByText('Record a date of birth or a year of birth to see them.');

    await user.click(card.getByRole('button', { name: 'Edit music life story' }));
    const form = within(screen.getByRole('form', { name: "Sid's music life story" }));
    const year = form.getByLabelText('Year of birth');
    await user.type(year, '1849');
    await user.type(form.getByLabelText('Favourite songs'), 'All for You{Enter}What a Wonderful World');
    await user.type(form.getByLabelText('How they like to listen'), 'Speaker; his daughter presses play');
    await user.click(form.getByRole('button', { name: 'Save music life story' }));
    await waitFor(() => expect(year.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(`${year.id}-error`)!.textContent).toMatch(/four figures, 1850 to/);
    expect(document.activeElement).toBe(year);

    await user.clear(year);
    await user.type(year, '1936');
    await user.click(form.getByRole('button', { name: 'Save music life story' }));
    await card.findByText('1946 to 1966', { exact: false });
    expect(card.getByText('1936')).toBeTruthy();
    expect(card.getByText(/All for You\s+What a Wonderful World/)).toBeTruthy();
    expect(card.getByText('Speaker; his daughter presses play')).toBeTruthy();
  });

  it('keeps songs and artists to avoid, each with why, on that person’s page only', async () => {
    const dolly = await api.createAttendee(personInput('Dolores Byrne', { dateOfBirth: '1941-05-02' }));
    const arthur = await api.createAttendee(personInput('Arthur Bennett'));
    const user = userEvent.setup();
    const { card, view } = await openPerson(dolly.id);
    // The years come from the date of birth.
    await card.findByText('1951 to 1971', { exact: false });
    expect(card.getByText('Nothing recorded. Songs or artists that upset Dolores Byrne go here, each with why.')).toBeTruthy();

    await user.click(card.getByRole('button', { name: 'Add music to avoid' }));
    let dialog = within(await screen.findByRole('dialog', { name: 'Add music to avoid for Dolores Byrne' }));
    await user.type(dialog.getByLabelText('Song title'), 'Danny Boy');
    await user.click(dialog.getByRole('button', { name: 'Add to the avoid list' }));
    // No reason: the core says so beside "Why".
    const why = dialog.getByLabelText(/^Why/);
    await waitFor(() => expect(why.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(`${why.id}-error`)!.textContent).toMatch(/say why it should be avoided/);
    await user.type(why, "Sung at her husband's funeral");
    await user.click(dialog.getByRole('button', { name: 'Add to the avoid list' }));
    await card.findByText('“Danny Boy”');
    expect(card.getByText("Sung at her husband's funeral")).toBeTruthy();

    await user.click(card.getByRole('button', { name: 'Add music to avoid' }));
    dialog = within(await screen.findByRole('dialog', { name: 'Add music to avoid for Dolores Byrne' }));
    await user.click(dialog.getByLabelText('Everything by an artist'));
    await user.type(dialog.getByLabelText(/^Artist/), 'Al Bowlly');
    await user.type(dialog.getByLabelText(/^Why/), 'Crooners upset her');
    await user.click(dialog.getByRole('button', { name: 'Add to the avoid list' }));
    await card.findByText('Everything by Al Bowlly');

    await user.click(card.getByRole('button', { name: 'Take off the list: “Danny Boy”' }));
    await waitFor(() => expect(card.queryByText('“Danny Boy”')).toBeNull());
    expect(card.getByText('Everything by Al Bowlly')).toBeTruthy();
    view.unmount();

    // Arthur's page says nothing of Dolores's list.
    await openPerson(arthur.id);
    await screen.findByText(/Nothing recorded\. Songs or artists that upset Arthur Bennett/);
    expect(screen.getByRole('main').textContent).not.toMatch(/Bowlly|Crooners|Danny Boy|funeral/);
  });
});
