// Small builders for test data, typed against the bindings.
import type {
  AttendeeInput,
  PlayerState,
  Playlist,
  PlaylistEntry,
  PlaylistSummary,
  Register,
  RegisterEntry,
  Session,
  Track,
} from '../lib/bindings';

export function session(over: Partial<Session> = {}): Session {
  return {
    id: 'S1',
    groupId: 'G1',
    groupName: 'Thursday Singing for the Brain',
    date: '2020-03-05',
    startTime: '14:00',
    endTime: '15:30',
    venueId: 'V1',
    venueName: 'St Anne’s Church Hall',
    status: 'planned',
    cancelReason: null,
    facilitators: 'Sam',
    markedCount: 0,
    attendedCount: 0,
    expectedCount: 0,
    setlistId: null,
    setlistName: null,
    musicId: null,
    musicName: null,
    createdAt: '2020-01-01T00:00:00Z',
    updatedAt: '2020-01-01T00:00:00Z',
    ...over,
  };
}

export function entry(over: Partial<RegisterEntry> = {}): RegisterEntry {
  return {
    attendeeId: 'A1',
    fullName: 'Margaret Ellis',
    preferredName: 'Peggy',
    carerName: 'Joan Ellis',
    accessNeeds: 'Walking frame',
    communicationNeeds: '',
    informationNeeds: { largePrint: false, easyRead: false, contactViaCarer: false, interpreter: false, interpreterLanguage: '', hearingLoop: false },
    mark: null,
    carerPresent: false,
    walkIn: false,
    measureDue: null,
    ...over,
  };
}

/** A register; unless given, its unmarked count is counted from its entries, as the core counts it. */
export function register(over: Partial<Register> = {}): Register {
  const entries = over.entries ?? [
    entry(),
    entry({ attendeeId: 'A2', fullName: 'Arthur Bennett', preferredName: '', carerName: '', accessNeeds: '' }),
    entry({ attendeeId: 'A3', fullName: 'Doreen Walsh', preferredName: 'Dot', carerName: '', accessNeeds: '' }),
  ];
  return {
    session: session(),
    groupArchived: false,
    canRecordWhoCame: true,
    unmarkedCount: entries.filter((e) => e.mark === null).length,
    ...over,
    entries,
  };
}

export function track(over: Partial<Track> = {}): Track {
  return {
    id: 'T1',
    title: 'Daisy Bell',
    artist: 'Harry Dacre',
    album: '',
    year: 1892,
    durationMs: 154_000,
    sampleRate: 44100,
    channels: 2,
    format: 'flac',
    originalName: 'Daisy Bell.flac',
    tags: ['warm-up'],
    missing: false,
    createdAt: '2020-01-01T00:00:00Z',
    updatedAt: '2020-01-01T00:00:00Z',
    ...over,
  };
}

export function playerState(over: Partial<PlayerState> = {}): PlayerState {
  return {
    status: 'playing',
    track: track(),
    positionMs: 0,
    durationMs: 154_000,
    volume: 0.8,
    looping: false,
    queueIndex: 1,
    queueLength: 8,
    queueName: 'Thursday setlist',
    message: null,
    ...over,
  };
}

export function playlistEntry(id: string, t: Track, note = ''): PlaylistEntry {
  return { id, position: 0, track: t, note };
}

/** A playlist whose entries are numbered in order. */
export function playlist(over: Partial<Playlist> = {}): Playlist {
  const p: Playlist = {
    id: 'PL1',
    kind: 'setlist',
    name: 'Spring term',
    groupId: 'G1',
    attendeeId: null,
    entries: [
      playlistEntry('E1', track()),
      playlistEntry('E2', track({ id: 'T2', title: 'Pack Up Your Troubles', artist: 'Felix Powell', durationMs: 142_000 })),
      playlistEntry('E3', track({ id: 'T3', title: 'Greensleeves', artist: 'Traditional', durationMs: 203_000 })),
    ],
    reviewOn: null,
    createdAt: '2020-01-01T00:00:00Z',
    updatedAt: '2020-01-01T00:00:00Z',
    ...over,
  };
  p.entries = p.entries.map((e, i) => ({ ...e, position: i }));
  return p;
}

export function playlistSummary(over: Partial<PlaylistSummary> = {}): PlaylistSummary {
  return {
    id: 'PL1',
    kind: 'setlist',
    name: 'Spring term',
    groupId: 'G1',
    groupName: 'Thursday Singing for the Brain',
    attendeeId: null,
    attendeeName: null,
    trackCount: 3,
    durationMs: 499_000,
    ...over,
  };
}

/** A person as the person form sends them: consent to take part, nothing else filled in. */
export function personInput(fullName: string, over: Partial<AttendeeInput> = {}): AttendeeInput {
  return {
    fullName,
    preferredName: '',
    dateOfBirth: '',
    phone: '',
    email: '',
    carerName: '',
    accessNeeds: '',
    communicationNeeds: '',
    informationNeeds: { largePrint: false, easyRead: false, contactViaCarer: false, interpreter: false, interpreterLanguage: '', hearingLoop: false },
    notes: '',
    consentParticipation: { given: true, date: null },
    consentMedia: { given: false, date: null },
    consentShareOutcomes: { given: false, date: null },
    ...over,
  };
}
