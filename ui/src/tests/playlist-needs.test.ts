// A personal playlist's page shows its person's communication and
// information needs, which the hand-over pack's sheet prints for the family
// or care home; a group's setlist shows none.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
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

describe("a personal playlist's page", () => {
  it("shows the person's information needs", async () => {
    const peggy = await api.createAttendee(personInput('Margaret Hughes', {
        informationNeeds: {
          largePrint: false,
          easyRead: false,
          contactViaCarer: true,
          interpreter: true,
          interpreterLanguage: 'Polish',
          hearingLoop: false,
        },
      }));
    const list = await api.createPlaylist('personal', { name: 'Evening songs', groupId: null, attendeeId: peggy.id });
    router.go(`#/playlists/${list.id}`);
    render(App);
    const sign = within(await screen.findByRole('list', { name: 'Information needs of Margaret Hughes' }));
    expect(sign.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Contact through their carer',
      'Interpreter: Polish',
    ]);
  });
});
