// The listening log in a personal playlist, over the app's real commands: a
// family's diary entry by form, a response in the session by one key while
// the song plays, the playlist put in order of how well songs worked, and a
// song that upset them taken off and put on their avoid list, and a review
// date that shows on Today when it comes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { todayIso } from '../lib/dates';
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
afterEach(async () => {
  await api.playerStop().catch(() => {});
  backend.dispose();
});

const DAISY = 'Daisy Bell (A Bicycle Built for Two)';
const TIPPERARY = "It's a Long Way to Tipperary";
const BONNIE = 'My Bonnie Lies Over the Ocean';

describe('listening log', () => {
  it('records how songs went by form and by one key, orders the playlist, and avoids a song that upset them', async () => {
    await api.importSampleMusic();
    const tracks = await api.listTracks('', '');
    const byTitle = (t: string) => tracks.find((x) => x.title === t)!;
    const winnie = await api.createAttendee(personInput('Winifred Okoro', { preferredName: 'Winnie' }));
    const list = await api.createPlaylist('personal', { name: "Winnie's songs", groupId: null, attendeeId: winnie.id });
    for (const t of [DAISY, TIPPERARY, BONNIE]) await api.addToPlaylist(list.id, byTitle(t).id, '');
    router.go(`#/playlists/${list.id}`);
    render(App);
    const user = userEvent.setup();

    const row = (title: string) =>
      screen.getAllByTestId('entry-row').find((r) => r.getAttribute('aria-label')?.endsWith(`. ${title}`))!;
    await waitFor(() => expect(within(row(TIPPERARY)).getByText(/Not tried yet\./)).toBeTruthy());
    expect((screen.getByRole('button', { name: 'Order by how well they worked' }) as HTMLButtonElement).disabled).toBe(true);

    // From the family's diary: a form.
    await user.click(screen.getByRole('button', { name: `Record how it went: ${TIPPERARY}` }));
    const form = within(await screen.findByRole('form', { name: `How ${TIPPERARY} went for Winifred Okoro` }));
    await user.click(form.getByRole('button', { name: 'Save' }));
    const scale = form.getByRole('group', { name: 'How did Winifred Okoro respond?' });
    expect(await within(scale).findByText(/Choose how they responded/)).toBeTruthy();
    await user.click(form.getByLabelText(/^5: A specific memory/));
    await user.type(form.getByLabelText('Note'), 'Sang every word; her father’s song');
    await user.click(form.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(within(row(TIPPERARY)).getByText(/Tried once, 5\.0 of 5 on average\./)).toBeTruthy());

    // In the session: while it plays, one key.
    await user.click(within(row(DAISY)).getByRole('button', { name: `Play from here: ${DAISY}` }));
    await screen.findByText(`Playing ${DAISY}.`, { exact: false });
    await user.keyboard('2');
    await waitFor(() => expect(within(row(DAISY)).getByText(/Tried once, 2\.0 of 5 on average\./)).toBeTruthy());
    await user.keyboard('d');
    // It upset her: offered off the playlist and onto her avoid list.
    const dialog = within(await screen.findByRole('dialog', { name: `Take ${DAISY} off and avoid it?` }));
    await user.click(dialog.getByRole('button', { name: 'Take it off and avoid it' }));
    await waitFor(() => expect(screen.getAllByTestId('entry-row')).toHaveLength(2));
    const story = await api.getMusicStory(winnie.id);
    expect(story.avoid.map((a) => [a.title, a.why])).toEqual([[DAISY, expect.stringMatching(/^It upset Winifred Okoro on /)]]);

    // Best first: Tipperary (5), then Bonnie (not tried yet).
    await user.click(screen.getByRole('button', { name: 'Order by how well they worked' }));
    await waitFor(() =>
      expect(screen.getAllByTestId('entry-row').map((r) => r.getAttribute('aria-label'))).toEqual([
        `1. ${TIPPERARY}`,
        `2. ${BONNIE}`,
      ]),
    );
    expect(screen.queryByRole('dialog')).toBeNull();

    // A review date of today: Today says it is due.
    await fireEvent.input(screen.getByLabelText('Review how it is working on'), { target: { value: todayIso() } });
    await user.click(screen.getByRole('button', { name: 'Save review date' }));
    await screen.findByText(/The review is on/);
    router.go('#/today');
    const due = within(await screen.findByRole('region', { name: 'Playlists due for review' }));
    expect(due.getByRole('link', { name: "Winnie's songs" })).toBeTruthy();
    expect(due.getByText('For Winifred Okoro, due today.')).toBeTruthy();
  });
});
