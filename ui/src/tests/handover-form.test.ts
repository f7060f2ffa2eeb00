// The hand-over form shows the person's information needs (the Accessible
// Information Standard's flags), which the core prints on the pack's sheet.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';

vi.mock('../lib/api', () => ({
  handoverPlan: vi.fn(),
  pickHandoverFolder: vi.fn(),
  writeHandoverPack: vi.fn(),
}));
import * as api from '../lib/api';
import HandoverForm from '../lib/components/HandoverForm.svelte';

const m = vi.mocked(api);
const NONE = { largePrint: false, easyRead: false, contactViaCarer: false, interpreter: false, interpreterLanguage: '', hearingLoop: false };

beforeEach(() => vi.clearAllMocks());

describe('the hand-over form', () => {
  it('shows how to share information with the person, as the sheet prints it', async () => {
    m.handoverPlan.mockResolvedValue({
      helpsWith: 'Sleep',
      howLong: 'About 12 minutes (4 songs)',
      folder: '/exports',
      informationNeeds: { ...NONE, contactViaCarer: true, interpreter: true, interpreterLanguage: 'Polish' },
    });
    render(HandoverForm, { playlistId: 'P1', name: 'Peggy', ondone: () => {}, oncancel: () => {} });
    const sign = within(await screen.findByRole('list', { name: 'Information needs of Peggy' }));
    expect(sign.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Contact through their carer',
      'Interpreter: Polish',
    ]);
    expect(screen.getByText(/Printed on the sheet under "Who to contact"/)).toBeTruthy();
  });

  it('says nothing of needs when none are recorded', async () => {
    m.handoverPlan.mockResolvedValue({ helpsWith: '', howLong: '', folder: '/exports', informationNeeds: NONE });
    render(HandoverForm, { playlistId: 'P1', name: 'Peggy', ondone: () => {}, oncancel: () => {} });
    // The plan has come (its folder is shown), and no sign with it.
    await screen.findByText('/exports');
    expect(screen.queryByTestId('handover-needs')).toBeNull();
  });
});
