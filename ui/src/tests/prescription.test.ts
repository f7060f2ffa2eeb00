// A playlist prescription on a referral, over the app's real commands: made
// on the person's page (the core's message when it says nothing of what the
// playlist is for), waiting on Today, given its playlist, and moved on until
// it no longer waits; changed after it was saved.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import * as api from '../lib/api';
import { personInput } from './fixtures';
import { todayIso } from '../lib/dates';
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

describe('playlist prescription', () => {
  it('is recorded on a referral, waits on Today, gets its playlist and is handed over', async () => {
    const dolly = await api.createAttendee(personInput('Dolores Byrne', { preferredName: 'Dolly' }));
    await api.addReferral({
      attendeeId: dolly.id,
      source: 'gpLinkWorker',
      referrerName: 'Priya Shah',
      referrerOrganisation: 'Northside PCN',
      receivedOn: todayIso(),
      reasons: ['dementiaOrMemoryLoss'],
      reasonNotes: '',
    });
    await api.createPlaylist('personal', { name: 'Dolly at bedtime', groupId: null, attendeeId: dolly.id });
    router.go(`#/attendees/${dolly.id}`);
    render(App);
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: /^Add a playlist prescription to the referral received/ }));
    const form = within(await screen.findByRole('form', { name: 'Playlist prescription' }));
    await user.type(form.getByLabelText('What the referrer says to avoid, and why'), 'No hymns: her mother’s funeral');
    await user.click(form.getByRole('button', { name: 'Save prescription' }));
    // Nothing said of what it is for: the core says so, beside the choices.
    const purposes = form.getByRole('group', { name: 'What is the playlist for?' });
    expect(await within(purposes).findByText('Choose what the playlist is for.')).toBeTruthy();
    expect(document.activeElement).toBe(purposes);
    await user.click(form.getByLabelText('Calm before a hard time of day'));
    await user.click(form.getByLabelText('Sleep'));
    await user.type(form.getByLabelText('More on what it is for'), 'Half an hour before her bath');
    await user.click(form.getByRole('button', { name: 'Save prescription' }));

    const block = within(await screen.findByRole('group', { name: 'Playlist prescription' }));
    expect(block.getByText('Calm before a hard time of day, Sleep')).toBeTruthy();
    expect(block.getByText('No hymns: her mother’s funeral')).toBeTruthy();
    expect(block.getAllByText('Requested')).toHaveLength(2); // the badge and the history

    // Changed after it was saved: what the link worker said later.
    await user.click(block.getByRole('button', { name: /^Edit prescription/ }));
    const edit = within(await screen.findByRole('dialog', { name: 'Change the playlist prescription' }));
    expect((edit.getByLabelText('Sleep') as HTMLInputElement).checked).toBe(true);
    expect((edit.getByLabelText('More on what it is for') as HTMLTextAreaElement).value).toBe('Half an hour before her bath');
    expect(edit.queryByLabelText('Date requested')).toBeNull();
    await user.click(edit.getByLabelText('Sleep'));
    await user.type(edit.getByLabelText('What the referrer knows of their music'), 'Sang in a church choir');
    await user.click(edit.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(block.getByText('Calm before a hard time of day')).toBeTruthy());
    expect(block.getByText('Sang in a church choir')).toBeTruthy();
    expect(block.getAllByText('Requested')).toHaveLength(2); // its status and history as they were

    // Waiting on Today, with who asked.
    router.go('#/today');
    const waiting = within(await screen.findByRole('region', { name: 'Playlists waiting to be made' }));
    expect(waiting.getByRole('link', { name: 'Dolores Byrne' })).toBeTruthy();
    expect(waiting.getByText(/Asked for by\s+Priya Shah, Northside PCN, today/)).toBeTruthy();

    // Its playlist, then handed over.
    router.go(`#/attendees/${dolly.id}`);
    const select = await screen.findByLabelText('Playlist made for it');
    await within(select).findByRole('option', { name: 'Dolly at bedtime' });
    await user.selectOptions(select, 'Dolly at bedtime');
    await screen.findByRole('link', { name: 'Open Dolly at bedtime' });
    await user.click(screen.getByRole('button', { name: /^Change prescription status/ }));
    const dialog = within(await screen.findByRole('dialog', { name: "Change the prescription's status" }));
    expect((dialog.getByLabelText('New status') as HTMLSelectElement).value).toBe('beingBuilt');
    await user.selectOptions(dialog.getByLabelText('New status'), 'Handed over');
    await user.type(dialog.getByLabelText('Note about the change'), 'USB stick to her daughter');
    await user.click(dialog.getByRole('button', { name: 'Save status' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => {
      const history = within(screen.getByRole('list', { name: "The prescription's history" }));
      expect(history.getAllByRole('listitem').map((li) => li.textContent!.replace(/\s+/g, ' ').trim())).toEqual([
        expect.stringMatching(/^Requested on /),
        expect.stringMatching(/^Handed over on .*: USB stick to her daughter$/),
      ]);
    });

    router.go('#/today');
    await screen.findByRole('heading', { level: 1, name: 'This week' });
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Playlists waiting to be made' })).toBeNull());
  });
  it("offers what the referrer says to avoid for the avoid list, each entry confirmed with why", async () => {
    const margaret = await api.createAttendee(personInput('Margaret Hughes', { preferredName: 'Peggy' }));
    const referral = await api.addReferral({
      attendeeId: margaret.id,
      source: 'memoryClinic',
      referrerName: 'Priya Shah',
      referrerOrganisation: '',
      receivedOn: todayIso(),
      reasons: ['dementiaOrMemoryLoss'],
      reasonNotes: '',
    });
    await api.prescribePlaylist(referral.id, {
      purposes: ['sleep'],
      purposeNotes: '',
      knownStory: '',
      avoidNotes: "Danny Boy by Bing Crosby: sung at her husband's funeral\nAnything by Vera Lynn\nHymns",
      requestedOn: todayIso(),
    });
    router.go(`#/attendees/${margaret.id}`);
    render(App);
    const user = userEvent.setup();

    // Said plainly: the note alone is not checked when music plays.
    const block = within(await screen.findByRole('group', { name: 'Playlist prescription' }));
    expect(block.getByText(/not on Peggy's avoid list until you add it/)).toBeTruthy();
    await screen.findByText(/Nothing recorded\. Songs or artists that upset Peggy/);

    await user.click(block.getByRole('button', { name: /^Add to the avoid list what the referrer says to avoid/ }));
    const dialog = within(await screen.findByRole('dialog', { name: "Add to Peggy's avoid list from the prescription" }));
    // The first entry: the song and its artist, and the referrer's reason.
    expect(dialog.getByText(/Entry 1 of 3/)).toBeTruthy();
    expect((dialog.getByLabelText('Song title') as HTMLInputElement).value).toBe('Danny Boy');
    expect((dialog.getByLabelText(/^Artist/) as HTMLInputElement).value).toBe('Bing Crosby');
    expect((dialog.getByLabelText(/^Why/) as HTMLTextAreaElement).value).toBe("Sung at her husband's funeral.");
    await user.click(dialog.getByRole('button', { name: 'Add to the avoid list' }));

    // The second: everything by an artist, with no reason given, so it says
    // where it came from; the therapist says more.
    await waitFor(() => expect(dialog.getByText(/Entry 2 of 3/)).toBeTruthy());
    expect((dialog.getByLabelText('Everything by an artist') as HTMLInputElement).checked).toBe(true);
    expect((dialog.getByLabelText(/^Artist/) as HTMLInputElement).value).toBe('Vera Lynn');
    const why = dialog.getByLabelText(/^Why/) as HTMLTextAreaElement;
    expect(why.value).toMatch(/^The referrer asked for it to be avoided \(referral received /);
    await user.clear(why);
    await user.click(dialog.getByRole('button', { name: 'Add to the avoid list' }));
    // No reason: the core refuses it, beside "Why", and nothing moves on.
    await waitFor(() => expect(why.getAttribute('aria-invalid')).toBe('true'));
    expect(dialog.getByText(/Entry 2 of 3/)).toBeTruthy();
    await user.type(why, 'Brings back the war');
    await user.click(dialog.getByRole('button', { name: 'Add to the avoid list' }));

    // The third is not a song or an artist: skipped.
    await waitFor(() => expect(dialog.getByText(/Entry 3 of 3/)).toBeTruthy());
    expect((dialog.getByLabelText('Song title') as HTMLInputElement).value).toBe('Hymns');
    await user.click(dialog.getByRole('button', { name: 'Skip this one' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    // On her avoid list, as confirmed, and so checked wherever music plays.
    await screen.findByText('Everything by Vera Lynn');
    expect(screen.getByText('Brings back the war')).toBeTruthy();
    const story = await api.getMusicStory(margaret.id);
    expect(story.avoid.map((a) => [a.kind, a.title, a.artist, a.why])).toEqual([
      ['song', 'Danny Boy', 'Bing Crosby', "Sung at her husband's funeral."],
      ['artist', '', 'Vera Lynn', 'Brings back the war'],
    ]);
  });
});
