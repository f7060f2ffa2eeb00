import { describe, expect, it, vi } from 'vitest';
import * as api from '../lib/api';
import { emptyAttendeeInput } from '../lib/input';

function capture(result: unknown = null) {
  const fn = vi.fn(async (_cmd: string, _args?: Record<string, unknown>) => result);
  api.setInvoker(fn);
  return fn;
}

describe('api', () => {
  it('sends each command by its snake_case name with camelCase argument keys', async () => {
    const fn = capture();
    await api.listAttendees('peg', false);
    await api.addMember('G1', 'A1', '2026-11-20');
    await api.endMembership('M1', '2026-11-21');
    await api.setMark('S1', 'A1', 'leftEarly');
    await api.setMark('S1', 'A1', null);
    await api.setCarerPresent('S1', 'A1', true);
    await api.generateSessions('G1', '', 6);
    await api.setReferralStatus('R1', 'accepted', '2026-11-20', 'Phoned');
    await api.saveSessionNote('S1', 'Lovely session');
    await api.thisWeek();
    expect(fn.mock.calls).toEqual([
      ['list_attendees', { query: 'peg', includeArchived: false }],
      ['add_member', { groupId: 'G1', attendeeId: 'A1', joinedOn: '2026-11-20' }],
      ['end_membership', { membershipId: 'M1', leftOn: '2026-11-21' }],
      ['set_mark', { sessionId: 'S1', attendeeId: 'A1', mark: 'leftEarly' }],
      ['set_mark', { sessionId: 'S1', attendeeId: 'A1', mark: null }],
      ['set_carer_present', { sessionId: 'S1', attendeeId: 'A1', present: true }],
      ['generate_sessions', { groupId: 'G1', from: '', count: 6 }],
      ['set_referral_status', { referralId: 'R1', status: 'accepted', changedOn: '2026-11-20', note: 'Phoned' }],
      ['save_session_note', { sessionId: 'S1', body: 'Lovely session' }],
      ['this_week', undefined],
    ]);
  });

  it('wraps inputs as {input} and walk-ins as {walkIn}', async () => {
    const fn = capture();
    const input = { ...emptyAttendeeInput(), fullName: 'Ada Lovelace' };
    await api.createAttendee(input);
    await api.addWalkIn('S1', { kind: 'new', attendee: input }, true);
    expect(fn).toHaveBeenNthCalledWith(1, 'create_attendee', { input });
    expect(fn).toHaveBeenNthCalledWith(2, 'add_walk_in', {
      sessionId: 'S1',
      walkIn: { kind: 'new', attendee: input },
      joinGroup: true,
    });
  });

  it('rejects with a CommandError whatever the backend threw', async () => {
    api.setInvoker(async () => {
      throw { code: 'invalid', message: 'Please enter a name for the group.', field: 'name' };
    });
    await expect(api.createGroup({} as never)).rejects.toEqual({
      code: 'invalid',
      message: 'Please enter a name for the group.',
      field: 'name',
    });
    api.setInvoker(async () => {
      throw 'command create_group not found';
    });
    await expect(api.createGroup({} as never)).rejects.toEqual({
      code: 'unknown',
      message: 'command create_group not found',
      field: null,
    });
  });
});
