// Small builders for test data, typed against the bindings.
import type { Register, RegisterEntry, Session } from '../lib/bindings';

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
    mark: null,
    carerPresent: false,
    walkIn: false,
    ...over,
  };
}

export function register(over: Partial<Register> = {}): Register {
  return {
    session: session(),
    groupArchived: false,
    entries: [
      entry(),
      entry({ attendeeId: 'A2', fullName: 'Arthur Bennett', preferredName: '', carerName: '', accessNeeds: '' }),
      entry({ attendeeId: 'A3', fullName: 'Doreen Walsh', preferredName: 'Dot', carerName: '', accessNeeds: '' }),
    ],
    note: null,
    ...over,
  };
}
