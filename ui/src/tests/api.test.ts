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
    await api.saveNoteDraft('S1', null, 'Lovely session', 'P1');
    await api.thisWeek();
    await api.markEveryoneElsePresent('S1');
    await api.undoEveryoneElsePresent('S1', ['M1', 'M2']);
    expect(fn.mock.calls).toEqual([
      ['list_attendees', { query: 'peg', includeArchived: false }],
      ['add_member', { groupId: 'G1', attendeeId: 'A1', joinedOn: '2026-11-20' }],
      ['end_membership', { membershipId: 'M1', leftOn: '2026-11-21' }],
      ['set_mark', { sessionId: 'S1', attendeeId: 'A1', mark: 'leftEarly' }],
      ['set_mark', { sessionId: 'S1', attendeeId: 'A1', mark: null }],
      ['set_carer_present', { sessionId: 'S1', attendeeId: 'A1', present: true }],
      ['generate_sessions', { groupId: 'G1', from: '', count: 6 }],
      ['set_referral_status', { referralId: 'R1', status: 'accepted', changedOn: '2026-11-20', note: 'Phoned', declineReason: null }],
      ['save_note_draft', { sessionId: 'S1', attendeeId: null, body: 'Lovely session', authorId: 'P1' }],
      ['this_week', undefined],
      ['mark_everyone_else_present', { sessionId: 'S1' }],
      ['undo_everyone_else_present', { sessionId: 'S1', markIds: ['M1', 'M2'] }],
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

  it('sends the music commands with camelCase argument keys', async () => {
    const fn = capture();
    await api.listTracks('daisy', 'warm-up');
    await api.setTrackTags('T1', ['warm-up', '1950s']);
    await api.importTracks(['/music/a.flac', '/music/folder']);
    await api.importSampleMusic();
    await api.cancelImport();
    await api.listPlaylists('personal', null, 'A1');
    await api.createPlaylist('setlist', { name: 'Spring', groupId: 'G1', attendeeId: null });
    await api.addToPlaylist('PL1', 'T1', '');
    await api.movePlaylistEntry('E1', 0);
    await api.setEntryNote('E1', 'key of G');
    await api.attachSetlist('S1', null);
    await api.playPlaylist('PL1', 2);
    await api.playerSeek(61_234.6);
    await api.playerSetVolume(1.4);
    await api.playerFadeOut(4000);
    await api.playerSetLooping(true);
    await api.playerRetryOutput();
    expect(fn.mock.calls).toEqual([
      ['list_tracks', { query: 'daisy', tag: 'warm-up' }],
      ['set_track_tags', { trackId: 'T1', tags: ['warm-up', '1950s'] }],
      ['import_tracks', { paths: ['/music/a.flac', '/music/folder'] }],
      ['import_sample_music', undefined],
      ['cancel_import', undefined],
      ['list_playlists', { kind: 'personal', groupId: null, attendeeId: 'A1' }],
      ['create_playlist', { kind: 'setlist', input: { name: 'Spring', groupId: 'G1', attendeeId: null } }],
      ['add_to_playlist', { playlistId: 'PL1', trackId: 'T1', note: '' }],
      ['move_playlist_entry', { entryId: 'E1', toPosition: 0 }],
      ['set_entry_note', { entryId: 'E1', note: 'key of G' }],
      ['attach_setlist', { sessionId: 'S1', playlistId: null }],
      ['play_playlist', { playlistId: 'PL1', startIndex: 2 }],
      ['player_seek', { positionMs: 61_235 }],
      ['player_set_volume', { volume: 1 }],
      ['player_fade_out', { ms: 4000 }],
      ['player_set_looping', { looping: true }],
      ['player_retry_output', undefined],
    ]);
  });

  it('asks the file picker for music files or one folder', async () => {
    const pick = vi.fn(async (o: { directory?: boolean }) => (o.directory ? '/music/Old favourites' : ['/a.mp3', '/b.flac']));
    api.setFilePicker(pick);
    expect(await api.pickMusicFiles()).toEqual(['/a.mp3', '/b.flac']);
    expect(pick.mock.calls[0][0]).toEqual({
      multiple: true,
      directory: false,
      title: 'Choose music files',
      filters: [{ name: 'Music', extensions: ['wav', 'flac', 'mp3', 'ogg', 'oga', 'm4a', 'aac'] }],
    });
    expect(await api.pickMusicFolder()).toBe('/music/Old favourites');
    expect(pick.mock.calls[1][0]).toMatchObject({ directory: true, title: 'Choose a folder of music' });
    api.setFilePicker(async () => null);
    expect(await api.pickMusicFiles()).toEqual([]);
    expect(await api.pickMusicFolder()).toBeNull();
  });

  it('passes backend events to their handlers until unsubscribed', async () => {
    const handlers = new Map<string, (p: unknown) => void>();
    api.setEventSource(async (event, handler) => {
      handlers.set(event, handler);
      return () => handlers.delete(event);
    });
    const seen: unknown[] = [];
    const stop = await api.onImportProgress((p) => seen.push(p));
    handlers.get('import-progress')!({ done: 1, total: 2, current: 'a.flac' });
    stop();
    expect(handlers.has('import-progress')).toBe(false);
    expect(seen).toEqual([{ done: 1, total: 2, current: 'a.flac' }]);
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
