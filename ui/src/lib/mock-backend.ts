// DEV ONLY: an in-memory stand-in for the Rust side, used when the Vite dev
// server is opened in an ordinary browser (no window.__TAURI_INTERNALS__).
// It follows the IPC contract closely enough to click through every screen;
// the real rules live in the core. Nothing here is stored or sent anywhere.
import type {
  ErrorCode,
  Erasure,
  ExportDone,
  ExportFormat,
  ProgrammeSummary,
  RegisterCell,
  RegisterReport,
  ReportRequest,
  AuditAction,
  AuditEntry,
  Attendee,
  AttendeeDetail,
  AttendeeInput,
  AttendeeSummary,
  CommandError,
  ColumnMapping,
  Group,
  GroupInput,
  ImportField,
  ImportFile,
  ImportOutcome,
  ImportPreview,
  ImportPreviewRow,
  ImportProblem,
  ImportReport,
  ImportTable,
  Mark,
  Membership,
  Note,
  NoteHit,
  PlayerState,
  Practitioner,
  PractitionerInput,
  Playlist,
  PlaylistInput,
  PlaylistKind,
  PlaylistSummary,
  Referral,
  ReferralInput,
  ReferralSource,
  ReferralStatus,
  Register,
  Session,
  SessionInput,
  SessionNotes,
  StoreInfo,
  Track,
  Venue,
  VenueInput,
  WalkIn,
  Weekday,
} from './bindings';
import { addDays, mondayOf, todayIso, weekdayOf } from './dates';
import type { EventSource, FilePicker, Invoker } from './api';
import { idlePlayerState } from './music';

type Row = { mark: Mark; carerPresent: boolean; walkIn: boolean };
type GroupRow = Omit<Group, 'venueName' | 'memberCount' | 'nextSession'>;
type SessionRow = Omit<
  Session,
  'groupName' | 'venueName' | 'markedCount' | 'attendedCount' | 'expectedCount' | 'setlistName'
>;
type EntryRow = { id: string; trackId: string; note: string };
type PlaylistRow = Omit<Playlist, 'entries'> & { entries: EntryRow[]; archived: boolean };
type QueueItem = { track: Track };

/** The sample music that "ships" with the dev stand-in: [title, artist, year, seconds, tags]. */
const SAMPLE_MUSIC: [string, string, number, number, string[]][] = [
  ['Daisy Bell', 'Harry Dacre', 1892, 154, ['warm-up', 'sing-along', '1890s']],
  ['Pack Up Your Troubles', 'Felix Powell', 1915, 142, ['sing-along', '1910s']],
  ["It's a Long Way to Tipperary", 'Jack Judge', 1912, 171, ['sing-along', '1910s']],
  ['Keep the Home Fires Burning', 'Ivor Novello', 1914, 188, ['calming', '1910s']],
  ['Let Me Call You Sweetheart', 'Leo Friedman', 1910, 165, ['calming', '1910s']],
  ['Shine On, Harvest Moon', 'Nora Bayes', 1908, 149, ['warm-up', '1900s']],
  ['Greensleeves', 'Traditional', 1580, 203, ['calming']],
  ['Skye Boat Song', 'Traditional', 1884, 196, ['calming', 'goodbye']],
];

/** What the dev file picker "finds" (there is no real disk in the browser). */
const PICKED_FILES = [
  '/home/sam/Music/Moon River.mp3',
  '/home/sam/Music/Que Sera, Sera.flac',
  '/home/sam/Music/Shopping list.txt',
  '/home/sam/Music/Old radio show.wma',
];
const PICKED_FOLDER = '/home/sam/Music/Old favourites';
const FOLDER_FILES = ['Blue Moon.flac', "We'll Meet Again.mp3", 'Cover.jpg', 'Damaged tape.mp3', 'White Cliffs of Dover.ogg'];
const AUDIO_EXTENSIONS = ['wav', 'flac', 'mp3', 'ogg', 'oga', 'm4a', 'aac'];

/** The spreadsheet the dev file picker "finds", and what it holds (CSV text). */
const PICKED_SPREADSHEET = '/home/sam/Documents/New referrals.csv';
const SAMPLE_SPREADSHEET = [
  'Name,Known as,DOB,Phone,Referred by,Date referred,Shoe size',
  'Winifred Hughes,Win,12/05/1938,01422 555 0101,Memory clinic,03/02/2025,5',
  'Albert Crossley,Bert,31/02/1941,,GP link worker,10/02/2025,9',
  'Mary Sutcliffe,,07/11/1945,01422 555 0177,,,',
  ',,01/01/1950,,,,',
  'Stanley Firth,Stan,22/08/1936,,Care home,14/02/2025,8',
  'Edna Pickles,,03/03/1939,,Social prescriber,,6',
].join('\n');

/** Every field a column can be imported as, with the core's words for it. */
const IMPORT_FIELDS: [ImportField, string][] = [
  ['fullName', 'Full name'],
  ['preferredName', 'Preferred name'],
  ['dateOfBirth', 'Date of birth'],
  ['phone', 'Phone'],
  ['email', 'Email'],
  ['carerName', 'Carer or companion'],
  ['accessNeeds', 'Access needs'],
  ['communicationNeeds', 'Communication needs'],
  ['notes', 'Notes'],
  ['consentParticipation', 'Consent to take part (yes/no)'],
  ['consentShareOutcomes', 'Consent to share outcomes (yes/no)'],
  ['referralSource', 'Referral source'],
  ['referrerName', "Referrer's name"],
  ['referrerOrganisation', "Referrer's organisation"],
  ['referralReceivedOn', 'Date referral received'],
  ['referralReasons', 'Reasons for referral'],
];
/** Headings the stand-in recognises (lower case, letters and digits only). */
const HEADING_FIELDS: Record<string, ImportField> = {
  name: 'fullName',
  fullname: 'fullName',
  knownas: 'preferredName',
  preferredname: 'preferredName',
  dob: 'dateOfBirth',
  dateofbirth: 'dateOfBirth',
  phone: 'phone',
  telephone: 'phone',
  email: 'email',
  carer: 'carerName',
  carername: 'carerName',
  accessneeds: 'accessNeeds',
  communicationneeds: 'communicationNeeds',
  notes: 'notes',
  consent: 'consentParticipation',
  referredby: 'referralSource',
  referralsource: 'referralSource',
  referrer: 'referrerName',
  organisation: 'referrerOrganisation',
  datereferred: 'referralReceivedOn',
  referraldate: 'referralReceivedOn',
  reasons: 'referralReasons',
};
const IMPORT_SOURCES: Record<string, ReferralSource> = {
  'gp link worker': 'gpLinkWorker',
  gp: 'gpLinkWorker',
  'social prescriber': 'socialPrescriber',
  'local organisation': 'localOrganisation',
  'care home': 'careHome',
  'memory clinic': 'memoryClinic',
  'self or family': 'selfOrFamily',
  self: 'selfOrFamily',
  other: 'other',
};

function fail(code: ErrorCode, message: string, field: string | null = null): never {
  const e: CommandError = { code, message, field };
  throw e;
}
const invalid = (field: string, message: string): never => fail('invalid', message, field);

export function createMockBackend(
  opts: {
    today?: string;
    importStepMs?: number;
    /** Spreadsheets the stand-in can "read", by file name: their CSV text. */
    spreadsheets?: Record<string, string>;
    tickMs?: number;
    /** Where the records start: unlocked (the default, for screen tests), new or locked. */
    vault?: 'new' | 'locked' | 'unlocked';
    /** The passphrase a locked start opens with. */
    passphrase?: string;
  } = {},
) {
  const today = () => opts.today ?? todayIso();
  let n = 0;
  const newId = () => `mock-${++n}`;
  const now = () => new Date().toISOString();

  const venues = new Map<string, Venue>();
  const groups = new Map<string, GroupRow>();
  const attendees = new Map<string, Attendee>();
  const memberships = new Map<string, Membership>();
  const sessions = new Map<string, SessionRow>();
  const attendance = new Map<string, Map<string, Row>>(); // session -> attendee -> row
  const practitioners = new Map<string, Practitioner>();
  const clinicalNotes = new Map<string, Note>();
  const referrals = new Map<string, Referral>();
  const tracks = new Map<string, Track>();
  const playlists = new Map<string, PlaylistRow>();
  const erased = new Map<string, Erasure>();

  // ----- Events -----
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const emit = (event: string, payload: unknown) => {
    for (const h of listeners.get(event) ?? []) h(structuredClone(payload));
  };
  const listen: EventSource = async (event, handler) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(handler);
    return () => set.delete(handler);
  };
  const pick: FilePicker = async (options) =>
    options.directory
      ? PICKED_FOLDER
      : options.filters?.some((f) => f.extensions.includes('csv'))
        ? PICKED_SPREADSHEET
        : [...PICKED_FILES];

  const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));
  const isTime = (s: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(s);
  const need = <T>(v: T | undefined, what: string): T => v ?? fail('not_found', `That ${what} could not be found.`);

  function checkDate(field: string, v: string) {
    if (!v.trim()) invalid(field, 'Please enter a date.');
    if (!isDate(v.trim())) invalid(field, `${v} is not a date that exists.`);
  }
  function checkTimes(start: string, end: string) {
    if (!isTime(start)) invalid('startTime', 'Please enter a time like 14:30.');
    if (!isTime(end)) invalid('endTime', 'Please enter a time like 15:30.');
    if (end <= start) invalid('endTime', 'The end time must be after the start time.');
  }

  function groupOut(g: GroupRow): Group {
    const members = [...memberships.values()].filter((m) => m.groupId === g.id && !m.leftOn);
    const next = [...sessions.values()]
      .filter((s) => s.groupId === g.id && s.date >= today() && s.status !== 'cancelled')
      .map((s) => s.date)
      .sort()[0];
    return {
      ...g,
      venueName: g.venueId ? (venues.get(g.venueId)?.name ?? null) : null,
      memberCount: members.length,
      nextSession: next ?? null,
    };
  }

  function sessionOut(s: SessionRow): Session {
    const rows = [...(attendance.get(s.id)?.values() ?? [])];
    return {
      ...s,
      groupName: groups.get(s.groupId)?.name ?? '',
      venueName: s.venueId ? (venues.get(s.venueId)?.name ?? null) : null,
      setlistName: s.setlistId ? (playlists.get(s.setlistId)?.name ?? null) : null,
      markedCount: rows.length,
      attendedCount: rows.filter((r) => ['present', 'late', 'leftEarly'].includes(r.mark)).length,
      expectedCount:
        [...memberships.values()].filter(
          (m) => m.groupId === s.groupId && m.joinedOn <= s.date && (!m.leftOn || m.leftOn > s.date),
        ).length + rows.filter((r) => r.walkIn).length,
    };
  }

  const memberOn = (groupId: string, attendeeId: string, on: string) =>
    [...memberships.values()].some(
      (m) => m.groupId === groupId && m.attendeeId === attendeeId && m.joinedOn <= on && (!m.leftOn || m.leftOn > on),
    );

  function activeGroup(id: string): GroupRow {
    const g = need(groups.get(id), 'group');
    if (g.archived) fail('conflict', `${g.name} is archived. Restore it to make changes.`);
    return g;
  }

  function register(sessionId: string): Register {
    const s = need(sessions.get(sessionId), 'session');
    const g = need(groups.get(s.groupId), 'group');
    const rows = attendance.get(s.id) ?? new Map<string, Row>();
    const ids = new Set<string>([
      ...[...memberships.values()].filter((m) => memberOn(g.id, m.attendeeId, s.date)).map((m) => m.attendeeId),
      ...rows.keys(),
    ]);
    const entries = [...ids]
      .map((id) => attendees.get(id)!)
      .filter((a) => a && (!a.archived || rows.has(a.id)))
      .map((a) => {
        const r = rows.get(a.id);
        return {
          attendeeId: a.id,
          fullName: a.fullName,
          preferredName: a.preferredName,
          carerName: a.carerName,
          accessNeeds: a.accessNeeds,
          communicationNeeds: a.communicationNeeds,
          mark: r?.mark ?? null,
          carerPresent: r?.carerPresent ?? false,
          walkIn: r?.walkIn ?? false,
        };
      })
      .sort((a, b) => Number(a.walkIn) - Number(b.walkIn) || a.fullName.localeCompare(b.fullName));
    return { session: sessionOut(s), groupArchived: g.archived, entries };
  }

  function openSession(id: string): SessionRow {
    const s = need(sessions.get(id), 'session');
    activeGroup(s.groupId);
    if (s.status === 'cancelled') fail('conflict', "This session was cancelled, so its register can't be marked.");
    return s;
  }

  function refreshStatus(s: SessionRow) {
    if (s.status === 'cancelled') return;
    const rows = [...(attendance.get(s.id)?.values() ?? [])];
    s.status = rows.some((r) => ['present', 'late', 'leftEarly'].includes(r.mark)) ? 'held' : 'planned';
  }

  function checkFits(s: SessionRow, mark: Mark) {
    if (['present', 'late', 'leftEarly'].includes(mark) && s.date > today()) {
      fail('conflict', `This session is on ${s.date}, which hasn't come yet.`);
    }
  }

  function cleanAttendee(input: AttendeeInput) {
    if (!input.fullName.trim()) invalid('fullName', "Please enter the person's full name.");
    if (input.dateOfBirth.trim()) {
      checkDate('dateOfBirth', input.dateOfBirth);
      if (input.dateOfBirth > today()) invalid('dateOfBirth', "The date of birth can't be in the future.");
    }
    if (input.email.trim() && !input.email.includes('@')) invalid('email', "That doesn't look like an email address.");
    for (const k of ['consentParticipation', 'consentMedia', 'consentShareOutcomes'] as const) {
      const d = input[k].date;
      if (d) {
        checkDate(k, d);
        if (d > today()) invalid(k, "A consent date can't be in the future.");
      }
    }
  }

  function createAttendee(input: AttendeeInput): Attendee {
    cleanAttendee(input);
    const a: Attendee = {
      id: newId(),
      ...input,
      fullName: input.fullName.trim(),
      preferredName: input.preferredName.trim(),
      dateOfBirth: input.dateOfBirth.trim() || null,
      archived: false,
      createdAt: now(),
      updatedAt: now(),
    };
    attendees.set(a.id, a);
    return a;
  }

  function cleanGroup(input: GroupInput) {
    if (!input.name.trim()) invalid('name', 'Please enter a name for the group.');
    if (input.venueId && !venues.get(input.venueId)) invalid('venueId', 'That venue could not be found.');
    if (input.startTime || input.endTime) checkTimes(input.startTime, input.endTime);
    if (input.capacity !== null && input.capacity < 1) invalid('capacity', 'Capacity must be at least 1, or left empty.');
  }

  function addMember(groupId: string, attendeeId: string, joinedOn: string): Membership {
    const g = activeGroup(groupId);
    const a = need(attendees.get(attendeeId), 'person');
    checkDate('joinedOn', joinedOn);
    if ([...memberships.values()].some((m) => m.groupId === groupId && m.attendeeId === attendeeId && !m.leftOn)) {
      fail('conflict', `${a.fullName} is already in ${g.name}.`);
    }
    const m: Membership = {
      id: newId(),
      groupId,
      groupName: g.name,
      attendeeId,
      attendeeName: a.fullName,
      joinedOn,
      leftOn: null,
    };
    memberships.set(m.id, m);
    return m;
  }

  function createSession(input: SessionInput): Session {
    const g = activeGroup(input.groupId);
    checkDate('date', input.date);
    checkTimes(input.startTime, input.endTime);
    if ([...sessions.values()].some((s) => s.groupId === g.id && s.date === input.date && s.startTime === input.startTime)) {
      invalid('date', `${g.name} already has a session on ${input.date} at ${input.startTime}.`);
    }
    const s: SessionRow = {
      id: newId(),
      groupId: g.id,
      date: input.date,
      startTime: input.startTime,
      endTime: input.endTime,
      venueId: input.venueId || g.venueId,
      status: 'planned',
      cancelReason: null,
      facilitators: input.facilitators || g.facilitators,
      setlistId: null,
      createdAt: now(),
      updatedAt: now(),
    };
    sessions.set(s.id, s);
    return sessionOut(s);
  }

  function generate(groupId: string, from: string, count: number): Session[] {
    const g = activeGroup(groupId);
    if (count < 1 || count > 52) invalid('count', 'Choose between 1 and 52 sessions.');
    if (!g.weekday || !g.startTime || !g.endTime) invalid('weekday', "Set the group's usual day, start and end time first.");
    let date = from || today();
    if (from) checkDate('from', from);
    while (weekdayOf(date) !== g.weekday) date = addDays(date, 1);
    const made: Session[] = [];
    while (made.length < count) {
      const taken = [...sessions.values()].some((s) => s.groupId === g.id && s.date === date && s.startTime === g.startTime);
      if (!taken) {
        made.push(
          createSession({ groupId, date, startTime: g.startTime!, endTime: g.endTime!, venueId: null, facilitators: '' }),
        );
      } else if (made.length === 0 && count === 1) {
        break;
      }
      date = addDays(date, 7);
      if (date > addDays(today(), 7 * 120)) break;
    }
    return made;
  }

  function loadDemo() {
    if (attendees.size || groups.size || venues.size) fail('conflict', 'Sample data can only be loaded into an empty Refrain.');
    const hall: Venue = {
      id: newId(),
      name: 'St Anne’s Church Hall',
      address: '12 Mill Lane\nHebden Bridge',
      accessNotes: 'Step-free entrance at the side. Hearing loop. Parking for four cars.',
      archived: false,
      createdAt: now(),
      updatedAt: now(),
    };
    const library: Venue = { ...hall, id: newId(), name: 'Central Library, Room 2', address: 'Market Street', accessNotes: 'Lift to first floor.' };
    venues.set(hall.id, hall);
    venues.set(library.id, library);
    const mkGroup = (name: string, weekday: Weekday, startTime: string, endTime: string, venueId: string): GroupRow => {
      const g: GroupRow = {
        id: newId(),
        name,
        description: 'A friendly singing group.',
        venueId,
        weekday,
        startTime,
        endTime,
        capacity: 16,
        facilitators: 'Sam and Priya',
        archived: false,
        createdAt: now(),
        updatedAt: now(),
      };
      groups.set(g.id, g);
      return g;
    };
    const todayWd = weekdayOf(today()) ?? 'monday';
    const g1 = mkGroup('Singing for the Brain', todayWd, '14:00', '15:30', hall.id);
    const g2 = mkGroup('Tuesday Drop-in Choir', 'tuesday', '10:30', '12:00', library.id);
    const people: [string, string, string, string, string][] = [
      ['Margaret Ellis', 'Peggy', 'Joan Ellis', 'Uses a walking frame', 'Hard of hearing: sit her near the front'],
      ['Arthur Bennett', '', '', '', ''],
      ['Doreen Walsh', 'Dot', 'Ray Walsh', '', 'Prefers short questions'],
      ['Kwame Mensah', '', '', 'Wheelchair user', ''],
      ['Eileen O’Connor', '', '', '', ''],
      ['Harold Price', 'Harry', 'Susan Price', '', ''],
    ];
    const monday = mondayOf(today());
    people.forEach(([fullName, preferredName, carerName, accessNeeds, communicationNeeds], i) => {
      const a = createAttendee({
        fullName,
        preferredName,
        dateOfBirth: `19${40 + i}-0${(i % 9) + 1}-1${i}`,
        phone: '',
        email: '',
        carerName,
        accessNeeds,
        communicationNeeds,
        notes: '',
        consentParticipation: { given: true, date: addDays(monday, -60) },
        consentMedia: { given: i % 2 === 0, date: addDays(monday, -60) },
        consentShareOutcomes: { given: false, date: null },
      });
      addMember(i < 4 ? g1.id : g2.id, a.id, addDays(monday, -90));
    });
    generate(g1.id, addDays(monday, -21), 8);
    generate(g2.id, addDays(monday, -21), 8);
    const first = [...attendees.values()][0];
    referrals.set('seed-ref', {
      id: 'seed-ref',
      attendeeId: first.id,
      source: 'memoryClinic',
      referrerName: 'Dr Okafor',
      referrerOrganisation: 'Calder Memory Service',
      receivedOn: addDays(monday, -100),
      reasons: ['dementiaOrMemoryLoss', 'loneliness'],
      reasonNotes: '',
      status: 'started',
      history: [
        { status: 'received', changedOn: addDays(monday, -100), note: '', recordedAt: now() },
        { status: 'started', changedOn: addDays(monday, -90), note: 'First session went well.', recordedAt: now() },
      ],
      createdAt: now(),
      updatedAt: now(),
    });
  }

  // ----- Music: the library -----
  const archivedTracks = new Set<string>();
  const liveTracks = () => [...tracks.values()].filter((t) => !archivedTracks.has(t.id));

  function newTrack(title: string, artist: string, format: string, originalName: string, seconds: number, year: number | null, tags: string[] = []): Track {
    const t: Track = {
      id: newId(),
      title,
      artist,
      album: '',
      year,
      durationMs: seconds * 1000,
      sampleRate: 44100,
      channels: 2,
      format,
      originalName,
      tags,
      missing: false,
      createdAt: now(),
      updatedAt: now(),
    };
    tracks.set(t.id, t);
    return t;
  }

  function cleanTags(tags: unknown): string[] {
    if (!Array.isArray(tags)) invalid('tags', 'Tags must be a list.');
    const out: string[] = [];
    for (const raw of tags as unknown[]) {
      const tag = String(raw).trim();
      if (!tag) continue;
      if (tag.length > 40) invalid('tags', `"${tag.slice(0, 20)}…" is too long for a tag. Keep tags short, like "calming".`);
      if (!out.some((x) => x.toLowerCase() === tag.toLowerCase())) out.push(tag);
    }
    return out;
  }

  let importRunning = false;
  let importCancel = false;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

  async function runImport(files: { name: string; make: () => Track | { refused: ImportReport['refused'][number] } }[]) {
    if (importRunning) fail('busy', 'An import is already running. Wait for it to finish, or cancel it.');
    importRunning = true;
    importCancel = false;
    const report: ImportReport = { imported: [], alreadyThere: [], refused: [], cancelled: false };
    try {
      for (let i = 0; i < files.length; i++) {
        if (importCancel) {
          report.cancelled = true;
          break;
        }
        emit('import-progress', { done: i, total: files.length, current: files[i].name });
        await sleep(opts.importStepMs ?? 400);
        const existing = liveTracks().find((t) => t.originalName === files[i].name);
        if (existing) {
          report.alreadyThere.push(existing);
          continue;
        }
        const made = files[i].make();
        if ('refused' in made) report.refused.push(made.refused);
        else report.imported.push(made);
      }
      if (!report.cancelled) emit('import-progress', { done: files.length, total: files.length, current: '' });
    } finally {
      importRunning = false;
    }
    return report;
  }

  function fromPath(path: string) {
    const name = fileName(path);
    const ext = (name.split('.').pop() ?? '').toLowerCase();
    const title = name.replace(/\.[^.]+$/, '');
    return {
      name,
      make: () => {
        if (ext === 'wma') {
          return { refused: { fileName: name, reason: 'unsupportedCodec' as const, message: 'Windows Media Audio files are not supported.' } };
        }
        if (!AUDIO_EXTENSIONS.includes(ext)) {
          return { refused: { fileName: name, reason: 'notAudio' as const, message: 'This file does not contain music.' } };
        }
        if (/damaged/i.test(name)) {
          return { refused: { fileName: name, reason: 'corrupt' as const, message: 'Part of the file is missing or scrambled.' } };
        }
        return newTrack(title, '', ext === 'oga' ? 'ogg' : ext === 'aac' ? 'm4a' : ext, name, 120 + ((title.length * 37) % 120), null);
      },
    };
  }

  // ----- Music: playlists -----
  function playlistOut(p: PlaylistRow): Playlist {
    const { archived: _archived, entries, ...rest } = p;
    void _archived;
    return {
      ...rest,
      entries: entries.map((e, i) => ({ id: e.id, position: i, track: tracks.get(e.trackId)!, note: e.note })),
    };
  }
  function summaryOut(p: PlaylistRow): PlaylistSummary {
    const ts = p.entries.map((e) => tracks.get(e.trackId)!);
    return {
      id: p.id,
      kind: p.kind,
      name: p.name,
      groupId: p.groupId,
      groupName: p.groupId ? (groups.get(p.groupId)?.name ?? null) : null,
      attendeeId: p.attendeeId,
      attendeeName: p.attendeeId ? (attendees.get(p.attendeeId)?.fullName ?? null) : null,
      trackCount: ts.length,
      durationMs: ts.reduce((n, t) => n + (t.durationMs ?? 0), 0),
    };
  }
  const livePlaylist = (id: string) => {
    const p = need(playlists.get(id), 'playlist');
    if (p.archived) fail('not_found', 'That playlist has been archived.');
    return p;
  };
  function entryOwner(entryId: string): [PlaylistRow, number] {
    for (const p of playlists.values()) {
      const i = p.entries.findIndex((e) => e.id === entryId);
      if (i >= 0 && !p.archived) return [p, i];
    }
    return fail('not_found', 'That track is no longer in the playlist.');
  }
  const touch = (p: PlaylistRow) => ((p.updatedAt = now()), playlistOut(p));

  // ----- Music: the player (pretends to play, ticking the position along) -----
  let state: PlayerState = idlePlayerState();
  let queue: QueueItem[] = [];
  let ticker: ReturnType<typeof setInterval> | null = null;
  let fadeTimer: ReturnType<typeof setTimeout> | null = null;
  const tickMs = opts.tickMs ?? 250;

  function publish(): PlayerState {
    emit('player-state', state);
    return state;
  }
  function setTicking(on: boolean) {
    if (on && !ticker) ticker = setInterval(tick, tickMs);
    if (!on && ticker) {
      clearInterval(ticker);
      ticker = null;
    }
  }
  function tick() {
    if (state.status !== 'playing') return setTicking(false);
    const duration = state.durationMs ?? 0;
    const pos = state.positionMs + tickMs;
    if (pos < duration) {
      state = { ...state, positionMs: pos };
    } else if (state.looping) {
      state = { ...state, positionMs: 0 };
    } else if (state.queueIndex !== null && state.queueIndex + 1 < queue.length) {
      load(state.queueIndex + 1, true);
    } else {
      state = { ...state, status: 'stopped', positionMs: 0 };
      setTicking(false);
    }
    publish();
  }
  function load(index: number, play: boolean) {
    const item = queue[index];
    if (!item) fail('invalid', 'There is nothing there to play.');
    const missing = item.track.missing;
    state = {
      ...state,
      status: missing ? 'stopped' : play ? 'playing' : 'paused',
      track: item.track,
      positionMs: 0,
      durationMs: item.track.durationMs,
      queueIndex: index,
      queueLength: queue.length,
      message: missing ? `The file for ${item.track.title} is missing, so it can't be played.` : null,
    };
    setTicking(state.status === 'playing');
  }
  function startQueue(name: string, items: QueueItem[], startIndex: number): PlayerState {
    if (items.length === 0) fail('invalid', 'There is no music in this playlist yet.');
    if (startIndex < 0 || startIndex >= items.length) invalid('startIndex', 'That track is not in the playlist.');
    if (fadeTimer) clearTimeout(fadeTimer);
    queue = items;
    state = { ...state, queueName: name };
    load(startIndex, true);
    return publish();
  }
  const needTrack = () => state.track ?? fail('invalid', 'Nothing is playing.');

  function dispose() {
    setTicking(false);
    if (fadeTimer) clearTimeout(fadeTimer);
    importCancel = true;
    listeners.clear();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler names its own arguments
  // The lock. The real one encrypts; this one only keeps the state and the
  // passphrase, so the screens around it can be tried and tested.
  let vaultState: string = opts.vault ?? 'unlocked';
  let passphrase = opts.passphrase ?? 'correct horse battery';
  let idleLockMinutes = 10;
  const RECOVERY = 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567-ABCD-EFGH-IJKL-MNOP-QRST';
  const vaultStatus = () => ({
    state: vaultState,
    keychainAvailable: false,
    remembered: false,
    idleLockMinutes,
    idleLockChoices: [2, 5, 10, 15, 30, 60],
    minPassphraseChars: 8,
  });
  const needOpen = () => {
    if (vaultState !== 'unlocked') fail('locked', 'Refrain is locked. Unlock it with your passphrase to see your records.');
  };
  const wrongPassphrase = () =>
    fail('wrong_passphrase', 'That passphrase is not right. Nothing has been changed. Check Caps Lock and try again.');
  const vaultHandlers: Record<string, (a: any) => unknown> = {
    vault_status: () => vaultStatus(),
    vault_create: ({ passphrase: p }: { passphrase: string }) => {
      if (vaultState !== 'new') fail('conflict', 'Already protected.');
      if (p.length < 8) invalid('passphrase', 'The passphrase needs at least 8 characters.');
      passphrase = p;
      vaultState = 'unlocked';
      return { recoveryKey: RECOVERY, status: vaultStatus() };
    },
    vault_unlock: ({ passphrase: p }: { passphrase: string }) => {
      if (p !== passphrase) wrongPassphrase();
      vaultState = 'unlocked';
      return vaultStatus();
    },
    vault_recover: ({ recoveryKey, newPassphrase }: { recoveryKey: string; newPassphrase: string }) => {
      if (recoveryKey.replace(/[\s-]/g, '').toUpperCase() !== RECOVERY.replace(/-/g, ''))
        fail('wrong_recovery_key', 'That recovery key does not open these records.');
      passphrase = newPassphrase;
      vaultState = 'unlocked';
      return vaultStatus();
    },
    vault_lock: () => ((vaultState = 'locked'), null),
    vault_change_passphrase: ({ current, newPassphrase }: { current: string; newPassphrase: string }) => {
      if (current !== passphrase) wrongPassphrase();
      passphrase = newPassphrase;
      return null;
    },
    vault_set_remember: () => fail('keychain', 'No keychain here.'),
    vault_set_idle_lock: ({ minutes }: { minutes: number }) => ((idleLockMinutes = minutes), vaultStatus()),
    vault_show_recovery_key: ({ passphrase: p }: { passphrase: string }) => (p !== passphrase ? wrongPassphrase() : RECOVERY),
  };

  // ----- Reports (the core's counting: expected = members on the day and walk-ins, held sessions only) -----
  const pctOf = (a: number, b: number) => (b > 0 ? (a * 100) / b : null);
  const stamp = () => ({ producedAt: today(), producedBy: '', appVersion: 'mock' });
  function registerReport(groupId: string, from: string, to: string): RegisterReport {
    const g = need(groups.get(groupId), 'group');
    if (!isDate(from)) invalid('from', `${from} is not a date that exists.`);
    if (!isDate(to)) invalid('to', `${to} is not a date that exists.`);
    if (from > to) invalid('to', 'The end of the period must be on or after its start.');
    const ss = [...sessions.values()]
      .filter((x) => x.groupId === groupId && x.date >= from && x.date <= to)
      .sort((a, b) => (a.date + a.startTime).localeCompare(b.date + b.startTime));
    const ids = new Set<string>();
    for (const m of memberships.values())
      if (m.groupId === groupId && m.joinedOn <= to && (!m.leftOn || m.leftOn > from)) ids.add(m.attendeeId);
    for (const x of ss) for (const id of attendance.get(x.id)?.keys() ?? []) ids.add(id);
    const cols = ss.map((x) => ({ sessionId: x.id, date: x.date, startTime: x.startTime, status: x.status, attended: 0, expected: 0 }));
    const people = [...ids]
      .map((id) => need(attendees.get(id), 'person'))
      .sort((a, b) => a.fullName.toLowerCase().localeCompare(b.fullName.toLowerCase()))
      .map((a) => {
        let attended = 0;
        let expected = 0;
        const cells: RegisterCell[] = ss.map((x, i) => {
          const member = memberOn(groupId, a.id, x.date);
          const row = attendance.get(x.id)?.get(a.id);
          const cell: RegisterCell = row
            ? { kind: 'marked', mark: row.mark, walkIn: !member }
            : !member
              ? { kind: 'notMember' }
              : x.status === 'cancelled'
                ? { kind: 'cancelled' }
                : x.status === 'planned'
                  ? { kind: 'planned' }
                  : { kind: 'notMarked' };
          if (x.status === 'held' && cell.kind !== 'notMember') {
            expected += 1;
            cols[i].expected += 1;
            if (cell.kind === 'marked' && ['present', 'late', 'leftEarly'].includes(cell.mark)) {
              attended += 1;
              cols[i].attended += 1;
            }
          }
          return cell;
        });
        return { attendeeId: a.id, fullName: a.fullName, cells, attended, expected, rate: pctOf(attended, expected) };
      });
    const attended = people.reduce((t, p) => t + p.attended, 0);
    const expected = people.reduce((t, p) => t + p.expected, 0);
    return {
      groupId,
      groupName: g.name,
      venue: g.venueId ? (venues.get(g.venueId)?.name ?? '') : 'no venue recorded',
      from,
      to,
      sessions: cols,
      people,
      attended,
      expected,
      rate: pctOf(attended, expected),
      stamp: stamp(),
    };
  }
  const exportsMade: { request: ReportRequest; format: ExportFormat; path: string }[] = [];

  const handlers: Record<string, (a: any) => unknown> = {
    register_report: ({ groupId, from, to }) => registerReport(groupId, from, to),
    programme_summary: ({ groupIds, from, to, narrative }): ProgrammeSummary => {
      if (groupIds.length === 0) invalid('groupIds', 'Choose at least one group for the summary.');
      const regs = (groupIds as string[]).map((id) => registerReport(id, from, to));
      const all = regs.flatMap((r) => r.sessions);
      const came = new Set(regs.flatMap((r) => r.people.filter((p) => p.attended > 0).map((p) => p.attendeeId)));
      const attended = regs.reduce((t, r) => t + r.attended, 0);
      const expected = regs.reduce((t, r) => t + r.expected, 0);
      return {
        groupNames: regs.map((r) => r.groupName),
        from,
        to,
        sessionsPlanned: all.length,
        sessionsHeld: all.filter((x) => x.status === 'held').length,
        sessionsCancelled: all.filter((x) => x.status === 'cancelled').length,
        sessionsNotYetHeld: all.filter((x) => x.status === 'planned').length,
        uniqueParticipants: came.size,
        participantsThreeOrMore: 0,
        attended,
        expected,
        attendanceRate: pctOf(attended, expected),
        membersInPeriod: 0,
        membersRetained: 0,
        retentionRate: null,
        referralStatuses: [],
        referrals: [],
        referralsTotal: 0,
        wellbeing: [],
        narrative,
        stamp: stamp(),
      };
    },
    report_file_name: ({ request, format }) => `${request.kind} report.${format}`,
    export_report: ({ request, format, path }): ExportDone => {
      if (request.kind === 'register') registerReport(request.groupId, request.from, request.to);
      if (request.kind === 'referrerFeedback') {
        const a = need(attendees.get(request.attendeeId), 'person');
        if (!a.consentShareOutcomes.given)
          fail('conflict', `${a.fullName} has not agreed to their outcomes being shared with the person who referred them.`);
      }
      for (let i = 0; i <= 3; i++) emit('export-progress', { done: i, total: 3, stage: i < 3 ? 'Reading the records' : 'Saved' });
      const where = path ?? `/home/sam/Documents/Refrain reports/${request.kind} report.${format}`;
      exportsMade.push({ request, format, path: where });
      return { path: where, bytes: 1234 };
    },
    erase_attendee: ({ id, reason }): Erasure => {
      const a = need(attendees.get(id), 'person');
      if (!String(reason).trim()) invalid('reason', 'Please give the reason for erasing this record.');
      attendees.set(id, { ...a, fullName: 'Erased person', preferredName: '', archived: true });
      erased.set(id, { attendeeId: id, erasedAt: now(), reason, practitionerName: null, removed: [] });
      return erased.get(id)!;
    },
    app_info: (): StoreInfo => ({
      appVersion: '0.0.0-dev',
      schemaVersion: 1,
      dataDir: '(in memory, dev only)',
      isEmpty: attendees.size === 0 && groups.size === 0 && venues.size === 0,
    }),
    load_demo_data: () => (loadDemo(), null),

    list_venues: ({ includeArchived }) =>
      [...venues.values()].filter((v) => includeArchived || !v.archived).sort((a, b) => a.name.localeCompare(b.name)),
    create_venue: ({ input }: { input: VenueInput }) => {
      if (!input.name.trim()) invalid('name', "Please enter the venue's name.");
      const v: Venue = { id: newId(), ...input, name: input.name.trim(), archived: false, createdAt: now(), updatedAt: now() };
      venues.set(v.id, v);
      return v;
    },
    update_venue: ({ id, input }: { id: string; input: VenueInput }) => {
      const v = need(venues.get(id), 'venue');
      if (!input.name.trim()) invalid('name', "Please enter the venue's name.");
      Object.assign(v, input, { updatedAt: now() });
      return v;
    },
    archive_venue: ({ id }) => ((need(venues.get(id), 'venue').archived = true), null),

    list_groups: ({ includeArchived }) =>
      [...groups.values()]
        .filter((g) => includeArchived || !g.archived)
        .map(groupOut)
        .sort((a, b) => a.name.localeCompare(b.name)),
    get_group: ({ id }) => {
      const g = need(groups.get(id), 'group');
      const ms = [...memberships.values()].filter((m) => m.groupId === id);
      const ss = [...sessions.values()].filter((s) => s.groupId === id).map(sessionOut);
      return {
        group: groupOut(g),
        members: ms.filter((m) => !m.leftOn).sort((a, b) => a.attendeeName.localeCompare(b.attendeeName)),
        formerMembers: ms.filter((m) => m.leftOn).sort((a, b) => b.leftOn!.localeCompare(a.leftOn!)),
        upcoming: ss.filter((s) => s.date >= today()).sort((a, b) => a.date.localeCompare(b.date)),
        past: ss.filter((s) => s.date < today()).sort((a, b) => b.date.localeCompare(a.date)),
      };
    },
    create_group: ({ input }: { input: GroupInput }) => {
      cleanGroup(input);
      const g: GroupRow = {
        id: newId(),
        ...input,
        name: input.name.trim(),
        startTime: input.startTime || null,
        endTime: input.endTime || null,
        archived: false,
        createdAt: now(),
        updatedAt: now(),
      };
      groups.set(g.id, g);
      return groupOut(g);
    },
    update_group: ({ id, input }: { id: string; input: GroupInput }) => {
      const g = activeGroup(id);
      cleanGroup(input);
      Object.assign(g, input, { startTime: input.startTime || null, endTime: input.endTime || null, updatedAt: now() });
      return groupOut(g);
    },
    archive_group: ({ id }) => ((need(groups.get(id), 'group').archived = true), null),
    restore_group: ({ id }) => ((need(groups.get(id), 'group').archived = false), null),
    add_member: ({ groupId, attendeeId, joinedOn }) => addMember(groupId, attendeeId, joinedOn),
    end_membership: ({ membershipId, leftOn }) => {
      const m = need(memberships.get(membershipId), 'membership');
      activeGroup(m.groupId);
      if (m.leftOn) fail('conflict', 'This person has already left the group.');
      checkDate('leftOn', leftOn);
      if (leftOn < m.joinedOn) invalid('leftOn', `The leaving date can't be before they joined (${m.joinedOn}).`);
      m.leftOn = leftOn;
      return null;
    },

    list_attendees: ({ query, includeArchived }): AttendeeSummary[] => {
      const q = String(query).toLowerCase();
      return [...attendees.values()]
        .filter((a) => includeArchived || !a.archived)
        .filter((a) => !q || a.fullName.toLowerCase().includes(q) || a.preferredName.toLowerCase().includes(q))
        .sort((a, b) => a.fullName.localeCompare(b.fullName))
        .map((a) => ({
          id: a.id,
          fullName: a.fullName,
          preferredName: a.preferredName,
          archived: a.archived,
          groups: [...memberships.values()].filter((m) => m.attendeeId === a.id && !m.leftOn).map((m) => m.groupName),
        }));
    },
    get_attendee: ({ id }): AttendeeDetail => {
      const a = need(attendees.get(id), 'person');
      const ms = [...memberships.values()].filter((m) => m.attendeeId === id);
      const hist = [...attendance.entries()]
        .filter(([, rows]) => rows.has(id))
        .map(([sid, rows]) => {
          const s = sessions.get(sid)!;
          const r = rows.get(id)!;
          return {
            sessionId: sid,
            groupName: groups.get(s.groupId)?.name ?? '',
            date: s.date,
            mark: r.mark,
            carerPresent: r.carerPresent,
            walkIn: r.walkIn,
          };
        })
        .sort((x, y) => y.date.localeCompare(x.date));
      return {
        attendee: a,
        referrals: [...referrals.values()].filter((r) => r.attendeeId === id),
        memberships: [...ms.filter((m) => !m.leftOn), ...ms.filter((m) => m.leftOn)],
        attendance: hist,
        erasure: erased.get(id) ?? null,
      };
    },
    create_attendee: ({ input }) => createAttendee(input),
    update_attendee: ({ id, input }: { id: string; input: AttendeeInput }) => {
      const a = need(attendees.get(id), 'person');
      cleanAttendee(input);
      Object.assign(a, input, { dateOfBirth: input.dateOfBirth || null, updatedAt: now() });
      for (const m of memberships.values()) if (m.attendeeId === id) m.attendeeName = a.fullName;
      return a;
    },
    archive_attendee: ({ id }) => ((need(attendees.get(id), 'person').archived = true), null),

    add_referral: ({ input }: { input: ReferralInput }) => {
      need(attendees.get(input.attendeeId), 'person');
      checkDate('receivedOn', input.receivedOn);
      if (input.receivedOn > today()) invalid('receivedOn', "The date received can't be in the future.");
      if (input.reasons.includes('other') && !input.reasonNotes.trim()) invalid('reasonNotes', 'Please say what the other reason is.');
      const r: Referral = {
        id: newId(),
        ...input,
        status: 'received',
        history: [{ status: 'received', changedOn: input.receivedOn, note: '', recordedAt: now() }],
        createdAt: now(),
        updatedAt: now(),
      };
      referrals.set(r.id, r);
      return r;
    },
    set_referral_status: ({ referralId, status, changedOn, note }: { referralId: string; status: ReferralStatus; changedOn: string; note: string }) => {
      const r = need(referrals.get(referralId), 'referral');
      checkDate('changedOn', changedOn);
      if (changedOn > today()) invalid('changedOn', "The date of the change can't be in the future.");
      if (changedOn < r.receivedOn) invalid('changedOn', `The date can't be before the referral was received (${r.receivedOn}).`);
      if (status === r.status) invalid('status', 'The referral already has that status.');
      r.status = status;
      r.history.push({ status, changedOn, note, recordedAt: now() });
      return r;
    },

    create_session: ({ input }) => createSession(input),
    generate_sessions: ({ groupId, from, count }) => generate(groupId, from, count),
    cancel_session: ({ id, reason }) => {
      const s = need(sessions.get(id), 'session');
      activeGroup(s.groupId);
      if (!String(reason).trim()) invalid('reason', 'Please enter a reason for cancelling.');
      if (s.status === 'cancelled') fail('conflict', 'This session is already cancelled.');
      if (attendance.get(id)?.size) fail('conflict', "This session already has people marked on its register, so it can't be cancelled.");
      s.status = 'cancelled';
      s.cancelReason = String(reason).trim();
      return sessionOut(s);
    },
    this_week: () => {
      const mon = mondayOf(today());
      const sun = addDays(mon, 6);
      return [...sessions.values()]
        .filter((s) => s.date >= mon && s.date <= sun && !groups.get(s.groupId)?.archived)
        .map(sessionOut)
        .sort((a, b) => (a.date + a.startTime).localeCompare(b.date + b.startTime));
    },

    get_register: ({ sessionId }) => register(sessionId),
    set_mark: ({ sessionId, attendeeId, mark }: { sessionId: string; attendeeId: string; mark: Mark | null }) => {
      const s = openSession(sessionId);
      const a = need(attendees.get(attendeeId), 'person');
      const rows = attendance.get(s.id) ?? new Map<string, Row>();
      attendance.set(s.id, rows);
      const member = memberOn(s.groupId, attendeeId, s.date);
      if (!member && !rows.has(attendeeId)) fail('conflict', `${a.fullName} isn't on this register. Add them as a walk-in instead.`);
      if (mark) {
        checkFits(s, mark);
        const prev = rows.get(attendeeId);
        rows.set(attendeeId, { mark, carerPresent: prev?.carerPresent ?? false, walkIn: !member });
      } else {
        rows.delete(attendeeId);
      }
      refreshStatus(s);
      return register(s.id);
    },
    set_carer_present: ({ sessionId, attendeeId, present }) => {
      const s = openSession(sessionId);
      const a = need(attendees.get(attendeeId), 'person');
      const row = attendance.get(s.id)?.get(attendeeId);
      if (!row) fail('conflict', `Mark whether ${a.preferredName || a.fullName} came before noting their carer.`);
      row.carerPresent = !!present;
      return register(s.id);
    },
    add_walk_in: ({ sessionId, walkIn, joinGroup }: { sessionId: string; walkIn: WalkIn; joinGroup: boolean }) => {
      const s = openSession(sessionId);
      checkFits(s, 'present');
      let person: Attendee;
      if (walkIn.kind === 'existing') {
        person = need(attendees.get(walkIn.attendeeId), 'person');
        if (person.archived) fail('conflict', `${person.fullName}'s record is archived. Restore it first.`);
      } else {
        person = createAttendee(walkIn.attendee);
      }
      const rows = attendance.get(s.id) ?? new Map<string, Row>();
      attendance.set(s.id, rows);
      if (memberOn(s.groupId, person.id, s.date) || rows.has(person.id)) {
        fail('conflict', `${person.fullName} is already on this register.`);
      }
      rows.set(person.id, { mark: 'present', carerPresent: false, walkIn: true });
      if (joinGroup) addMember(s.groupId, person.id, s.date);
      refreshStatus(s);
      return register(s.id);
    },
    // ----- Music: the library -----
    list_tracks: ({ query, tag }: { query: string; tag: string }) => {
      const q = String(query ?? '').trim().toLowerCase();
      const tg = String(tag ?? '').trim().toLowerCase();
      return liveTracks()
        .filter((t) => !q || t.title.toLowerCase().includes(q) || t.artist.toLowerCase().includes(q))
        .filter((t) => !tg || t.tags.some((x) => x.toLowerCase() === tg))
        .sort((a, b) => a.title.localeCompare(b.title));
    },
    list_tags: () =>
      [...new Set(liveTracks().flatMap((t) => t.tags))].sort((a, b) =>
        a.localeCompare(b),
      ),
    set_track_tags: ({ trackId, tags }: { trackId: string; tags: string[] }) => {
      const t = need(tracks.get(trackId), 'track');
      t.tags = cleanTags(tags);
      t.updatedAt = now();
      return t;
    },
    archive_track: ({ id }) => (need(tracks.get(id), 'track'), archivedTracks.add(id), null),
    import_tracks: ({ paths }: { paths: string[] }) => {
      if (!Array.isArray(paths) || paths.length === 0) invalid('paths', 'Choose some music files or a folder first.');
      const files = paths.flatMap((p) =>
        p === PICKED_FOLDER ? FOLDER_FILES.map((f) => fromPath(`${PICKED_FOLDER}/${f}`)) : [fromPath(p)],
      );
      return runImport(files);
    },
    import_sample_music: () =>
      runImport(
        SAMPLE_MUSIC.map(([title, artist, year, seconds, tags]) => ({
          name: `${title}.flac`,
          make: () => newTrack(title, artist, 'flac', `${title}.flac`, seconds, year, [...tags]),
        })),
      ),
    cancel_import: () => ((importCancel = importRunning), null),

    // ----- Music: playlists -----
    list_playlists: ({ kind, groupId, attendeeId }: { kind: PlaylistKind | null; groupId: string | null; attendeeId: string | null }) =>
      [...playlists.values()]
        .filter((p) => !p.archived)
        .filter((p) => !kind || p.kind === kind)
        .filter((p) => !groupId || p.groupId === groupId)
        .filter((p) => !attendeeId || p.attendeeId === attendeeId)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(summaryOut),
    get_playlist: ({ id }) => playlistOut(livePlaylist(id)),
    create_playlist: ({ kind, input }: { kind: PlaylistKind; input: PlaylistInput }) => {
      const name = String(input?.name ?? '').trim();
      if (!name) invalid('name', kind === 'setlist' ? 'Please enter a name for the setlist.' : 'Please enter a name for the playlist.');
      if (kind === 'setlist') {
        if (!input.groupId) invalid('groupId', 'A setlist belongs to a group.');
        activeGroup(input.groupId!);
      } else {
        if (!input.attendeeId) invalid('attendeeId', 'A personal playlist belongs to a person.');
        need(attendees.get(input.attendeeId!), 'person');
      }
      const p: PlaylistRow = {
        id: newId(),
        kind,
        name,
        groupId: kind === 'setlist' ? input.groupId : null,
        attendeeId: kind === 'personal' ? input.attendeeId : null,
        entries: [],
        archived: false,
        createdAt: now(),
        updatedAt: now(),
      };
      playlists.set(p.id, p);
      return playlistOut(p);
    },
    rename_playlist: ({ id, name }: { id: string; name: string }) => {
      const p = livePlaylist(id);
      if (!String(name).trim()) invalid('name', 'Please enter a name.');
      p.name = String(name).trim();
      return touch(p);
    },
    archive_playlist: ({ id }) => ((livePlaylist(id).archived = true), null),
    add_to_playlist: ({ playlistId, trackId, note }: { playlistId: string; trackId: string; note: string }) => {
      const p = livePlaylist(playlistId);
      need(tracks.get(trackId), 'track');
      p.entries.push({ id: newId(), trackId, note: String(note ?? '') });
      return touch(p);
    },
    remove_from_playlist: ({ entryId }) => {
      const [p, i] = entryOwner(entryId);
      p.entries.splice(i, 1);
      return touch(p);
    },
    move_playlist_entry: ({ entryId, toPosition }: { entryId: string; toPosition: number }) => {
      const [p, i] = entryOwner(entryId);
      if (!Number.isInteger(toPosition) || toPosition < 0 || toPosition >= p.entries.length) {
        invalid('toPosition', 'That place is not in the playlist.');
      }
      const [e] = p.entries.splice(i, 1);
      p.entries.splice(toPosition, 0, e);
      return touch(p);
    },
    set_entry_note: ({ entryId, note }: { entryId: string; note: string }) => {
      const [p, i] = entryOwner(entryId);
      p.entries[i].note = String(note).trim();
      return touch(p);
    },
    attach_setlist: ({ sessionId, playlistId }: { sessionId: string; playlistId: string | null }) => {
      const s = need(sessions.get(sessionId), 'session');
      activeGroup(s.groupId);
      if (playlistId) {
        const p = livePlaylist(playlistId);
        if (p.kind !== 'setlist' || p.groupId !== s.groupId) invalid('playlistId', "That setlist isn't one of this group's.");
      }
      s.setlistId = playlistId;
      s.updatedAt = now();
      return sessionOut(s);
    },

    // ----- Music: the player -----
    player_state: () => state,
    play_playlist: ({ playlistId, startIndex }: { playlistId: string; startIndex: number }) => {
      const p = livePlaylist(playlistId);
      return startQueue(p.name, playlistOut(p).entries.map((e) => ({ track: e.track })), startIndex);
    },
    play_track: ({ trackId }) => {
      const t = need(tracks.get(trackId), 'track');
      return startQueue('The library', [{ track: t }], 0);
    },
    player_pause: () => {
      needTrack();
      if (state.status === 'playing') state = { ...state, status: 'paused' };
      setTicking(false);
      return publish();
    },
    player_resume: () => {
      const t = needTrack();
      if (t.missing) fail('invalid', `The file for ${t.title} is missing, so it can't be played.`);
      state = { ...state, status: 'playing', message: null };
      setTicking(true);
      return publish();
    },
    player_stop: () => {
      if (fadeTimer) clearTimeout(fadeTimer);
      state = { ...state, status: state.track ? 'stopped' : 'idle', positionMs: 0 };
      setTicking(false);
      return publish();
    },
    player_next: () => {
      needTrack();
      const i = (state.queueIndex ?? 0) + 1;
      if (i >= queue.length) fail('invalid', 'This is the last track.');
      load(i, state.status === 'playing' || state.status === 'paused');
      return publish();
    },
    player_previous: () => {
      needTrack();
      const i = state.queueIndex ?? 0;
      if (state.positionMs > 3000 || i === 0) state = { ...state, positionMs: 0 };
      else load(i - 1, state.status === 'playing');
      return publish();
    },
    player_seek: ({ positionMs }: { positionMs: number }) => {
      needTrack();
      state = { ...state, positionMs: Math.max(0, Math.min(positionMs, state.durationMs ?? positionMs)) };
      return publish();
    },
    player_set_volume: ({ volume }: { volume: number }) => {
      if (!(volume >= 0 && volume <= 1)) invalid('volume', 'The volume must be between 0 and 1.');
      state = { ...state, volume };
      return publish();
    },
    player_fade_out: ({ ms }: { ms: number }) => {
      needTrack();
      if (fadeTimer) clearTimeout(fadeTimer);
      const volume = state.volume;
      fadeTimer = setTimeout(() => {
        state = { ...state, status: 'stopped', positionMs: 0, volume };
        setTicking(false);
        publish();
      }, ms);
      return publish();
    },
    player_set_looping: ({ looping }: { looping: boolean }) => {
      state = { ...state, looping: !!looping };
      return publish();
    },
    player_retry_output: () => {
      if (state.status === 'noOutput') state = { ...state, status: state.track ? 'paused' : 'idle', message: null };
      return publish();
    },
  };

  // ----- Practitioners and clinical notes -----
  function cleanPractitioner(input: PractitionerInput): PractitionerInput {
    const name = String(input.name ?? '').trim();
    if (!name) invalid('name', 'Please enter a name.');
    const hcpc = String(input.hcpcNumber ?? '').replace(/\s+/g, '').toUpperCase();
    if (hcpc && !/^[A-Z]{2}\d{4,8}$/.test(hcpc)) {
      invalid(
        'hcpcNumber',
        `“${String(input.hcpcNumber).trim()}” doesn't look like an HCPC registration number. It is two letters then digits, like AS12345 for an arts therapist. Leave it empty if you are not registered.`,
      );
    }
    return { name, hcpcNumber: hcpc };
  }
  function activePractitioner(id: string): Practitioner {
    const p = need(practitioners.get(id), 'practitioner');
    if (p.archived) fail('conflict', `${p.name}'s profile is archived, so it can't be used to write or sign notes.`);
    return p;
  }
  function signatureOf(p: Practitioner) {
    return { practitionerId: p.id, name: p.name, hcpcNumber: p.hcpcNumber, at: now() };
  }
  const findNote = (sessionId: string, attendeeId: string | null) =>
    [...clinicalNotes.values()].find((n) => n.sessionId === sessionId && n.attendeeId === attendeeId);
  // The audit log, for the practitioners' and notes' changes only (the real
  // one, written by the core's triggers, covers every record).
  let actor: string | null = null;
  const auditLog: AuditEntry[] = [];
  const AUDIT_WHAT: Record<string, string> = { practitioner: "therapist's profile", note: 'clinical note' };
  const audit = (recordTable: string, recordId: string, action: AuditAction) =>
    auditLog.push({
      at: now(),
      practitionerId: actor,
      practitionerName: null,
      recordTable,
      recordId,
      action,
      what: AUDIT_WHAT[recordTable] ?? 'record',
    });
  Object.assign(handlers, {
    list_practitioners: () =>
      [...practitioners.values()].filter((p) => !p.archived).sort((a, b) => a.name.localeCompare(b.name)),
    create_practitioner: ({ input }: { input: PractitionerInput }) => {
      const c = cleanPractitioner(input);
      const p: Practitioner = { id: newId(), ...c, archived: false, createdAt: now(), updatedAt: now() };
      practitioners.set(p.id, p);
      audit('practitioner', p.id, 'created');
      return p;
    },
    update_practitioner: ({ id, input }: { id: string; input: PractitionerInput }) => {
      const p = activePractitioner(id);
      Object.assign(p, cleanPractitioner(input), { updatedAt: now() });
      audit('practitioner', p.id, 'changed');
      return p;
    },
    archive_practitioner: ({ id }: { id: string }) => {
      need(practitioners.get(id), 'practitioner').archived = true;
      audit('practitioner', id, 'archived');
      return null;
    },
    session_notes: ({ sessionId }: { sessionId: string }): SessionNotes => {
      const order = register(sessionId).entries.map((e) => e.attendeeId);
      const all = [...clinicalNotes.values()].filter((n) => n.sessionId === sessionId);
      return {
        sessionId,
        groupNote: all.find((n) => n.attendeeId === null) ?? null,
        personNotes: all
          .filter((n) => n.attendeeId !== null)
          .sort((a, b) => order.indexOf(a.attendeeId!) - order.indexOf(b.attendeeId!)),
      };
    },
    save_note_draft: ({ sessionId, attendeeId, body, authorId }: { sessionId: string; attendeeId: string | null; body: string; authorId: string | null }) => {
      const s = need(sessions.get(sessionId), 'session');
      activeGroup(s.groupId);
      if (authorId) activePractitioner(authorId);
      const prev = findNote(s.id, attendeeId ?? null);
      if (prev?.signed) fail('conflict', 'This note has been signed, so it can no longer be changed. Add an amendment instead.');
      if (prev) {
        prev.body = String(body);
        prev.updatedAt = now();
        audit('note', prev.id, 'changed');
        return prev;
      }
      const a = attendeeId ? need(attendees.get(attendeeId), 'person') : null;
      const mark = a ? attendance.get(s.id)?.get(a.id)?.mark : null;
      if (a && !(mark === 'present' || mark === 'late' || mark === 'leftEarly')) {
        invalid('attendeeId', `${a.preferredName.trim() || a.fullName} is not marked as present in this session, so a note about them can't be added.`);
      }
      const n: Note = {
        id: newId(),
        sessionId: s.id,
        sessionDate: s.date,
        groupName: groups.get(s.groupId)?.name ?? '',
        attendeeId: a?.id ?? null,
        attendeeName: a ? a.preferredName.trim() || a.fullName : null,
        body: String(body),
        signed: null,
        amendments: [],
        createdAt: now(),
        updatedAt: now(),
      };
      clinicalNotes.set(n.id, n);
      audit('note', n.id, 'created');
      return n;
    },
    sign_note: ({ noteId, practitionerId }: { noteId: string; practitionerId: string }) => {
      const n = need(clinicalNotes.get(noteId), 'note');
      const p = activePractitioner(practitionerId);
      if (n.signed) fail('conflict', 'This note is already signed.');
      if (!p.hcpcNumber) invalid('practitionerId', `${p.name}'s profile has no HCPC registration number, so they can't sign notes.`);
      if (!n.body.trim()) invalid('body', 'There is nothing written in this note to sign.');
      n.signed = signatureOf(p);
      audit('note', n.id, 'signed');
      return n;
    },
    amend_note: ({ noteId, practitionerId, body, reason }: { noteId: string; practitionerId: string; body: string; reason: string }) => {
      const n = need(clinicalNotes.get(noteId), 'note');
      const p = activePractitioner(practitionerId);
      if (!n.signed) fail('conflict', 'Only a signed note is amended. A draft can still be changed.');
      if (!String(body).trim()) invalid('body', 'Please write the amendment.');
      if (!String(reason).trim()) invalid('reason', 'Please say why the note is being amended.');
      n.amendments.push({ id: newId(), noteId: n.id, body: String(body).trim(), reason: String(reason).trim(), author: signatureOf(p) });
      audit('note', n.id, 'amended');
      return n;
    },
    set_actor: ({ practitionerId }: { practitionerId: string | null }) => {
      actor = practitionerId || null;
      return null;
    },
    audit_log: ({ recordId, practitionerId, limit }: { recordId: string | null; practitionerId: string | null; limit: number }) => {
      if (!(limit >= 1 && limit <= 1000)) invalid('limit', 'Between 1 and 1000 changes can be shown at once.');
      return auditLog
        .filter((e) => (!recordId || e.recordId === recordId) && (!practitionerId || e.practitionerId === practitionerId))
        .map((e) => ({ ...e, practitionerName: (e.practitionerId && practitioners.get(e.practitionerId)?.name) || null }))
        .reverse()
        .slice(0, limit);
    },
    person_notes: ({ attendeeId }: { attendeeId: string }) =>
      [...clinicalNotes.values()]
        .filter((n) => n.attendeeId === attendeeId)
        .sort((a, b) => (sessions.get(b.sessionId)?.date ?? '').localeCompare(sessions.get(a.sessionId)?.date ?? '')),
    search_notes: ({ query }: { query: string }): NoteHit[] => {
      const q = String(query ?? '').trim().toLowerCase();
      if (!q) return [];
      const hits: NoteHit[] = [];
      const snippet = (text: string, at: number) => {
        const from = Math.max(0, at - 40);
        const to = Math.min(text.length, at + q.length + 40);
        return `${from > 0 ? '…' : ''}${text.slice(from, at)}\u0002${text.slice(at, at + q.length)}\u0003${text.slice(at + q.length, to)}${to < text.length ? '…' : ''}`;
      };
      for (const n of clinicalNotes.values()) {
        const s = sessions.get(n.sessionId);
        if (!s) continue;
        const texts: [string, boolean][] = [[n.body, false], ...n.amendments.map((a): [string, boolean] => [a.body, true])];
        for (const [text, inAmendment] of texts) {
          const at = text.toLowerCase().indexOf(q);
          if (at < 0) continue;
          hits.push({
            noteId: n.id,
            sessionId: s.id,
            sessionDate: s.date,
            groupId: s.groupId,
            groupName: groups.get(s.groupId)?.name ?? '',
            attendeeId: n.attendeeId,
            attendeeName: n.attendeeName,
            inAmendment,
            signed: !!n.signed,
            snippet: snippet(text, at),
          });
          break;
        }
      }
      return hits.sort((a, b) => b.sessionDate.localeCompare(a.sessionDate));
    },
  });

  // ----- Importing people from a spreadsheet (CSV text only, no quoting) -----
  const letter = (i: number): string => (i < 26 ? '' : letter(Math.floor(i / 26) - 1)) + String.fromCharCode(65 + (i % 26));
  const ukDate = (v: string): string | null => {
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (!m) return null;
    const [d, mo, y] = v.includes('/') ? [m[1], m[2], m[3]] : [m[3], m[2], m[1]];
    const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
    const t = new Date(`${iso}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(iso) ? iso : null;
  };
  const noConsent = () => ({ given: false, date: null });

  function readSpreadsheet(path: string): ImportFile {
    const name = fileName(path);
    const ext = (name.split('.').pop() ?? '').toLowerCase();
    if (!['csv', 'txt', 'xlsx'].includes(ext)) {
      invalid(
        'file',
        `Refrain can import people from CSV files (.csv or .txt) and Excel workbooks (.xlsx). Open “${name}” in your spreadsheet program and save it as one of those.`,
      );
    }
    const text = opts.spreadsheets?.[name] ?? (opts.spreadsheets ? null : SAMPLE_SPREADSHEET);
    if (text == null) invalid('file', `This file could not be read as a spreadsheet: “${name}” could not be found.`);
    const lines = text!.split(/\r?\n/);
    const headerAt = lines.findIndex((l) => l.replace(/,/g, '').trim() !== '');
    if (headerAt < 0) invalid('file', 'This file is empty: there are no column headings or people in it.');
    const headers = lines[headerAt].split(',').map((h) => h.trim());
    const rows = lines
      .map((l, i) => ({ row: i + 1, cells: headers.map((_, c) => (l.split(',')[c] ?? '').trim()) }))
      .filter((r) => r.row > headerAt + 1 && r.cells.some((c) => c !== ''));
    const table: ImportTable = {
      fileName: name,
      sheetName: ext === 'xlsx' ? 'Sheet1' : null,
      encoding: ext === 'xlsx' ? null : 'UTF-8',
      headerRow: headerAt + 1,
      headers,
      rows,
    };
    const used = new Set<ImportField>();
    const columns = headers.map((h) => {
      const f = HEADING_FIELDS[h.toLowerCase().replace(/[^a-z0-9]/g, '')];
      if (!f || used.has(f)) return null;
      used.add(f);
      return f;
    });
    return { table, mapping: { columns }, fields: IMPORT_FIELDS.map(([field, label]) => ({ field, label })) };
  }

  type CheckedImportRow = ImportPreviewRow & { problems: ImportProblem[] };

  function checkImport(table: ImportTable, mapping: ColumnMapping): CheckedImportRow[] {
    const cols = mapping.columns;
    if (cols.length !== table.headers.length) {
      invalid('mapping', 'The choice of columns does not match this file. Read the file again and choose the columns once more.');
    }
    cols.forEach((f, i) => {
      const j = f ? cols.indexOf(f, i + 1) : -1;
      if (f && j > i) {
        const label = IMPORT_FIELDS.find(([k]) => k === f)![1];
        invalid('mapping', `“${label}” is chosen for two columns (${letter(i)} and ${letter(j)}). Choose it for one column only.`);
      }
    });
    if (!cols.includes('fullName')) invalid('mapping', "Choose which column holds each person's full name.");
    const known = new Set([...attendees.values()].map((a) => a.fullName.toLowerCase()));
    const seen = new Map<string, number>();
    return table.rows.map((r) => {
      const problems: ImportProblem[] = [];
      const at = (f: ImportField) => cols.indexOf(f);
      const cell = (f: ImportField) => (at(f) >= 0 ? (r.cells[at(f)] ?? '') : '');
      const problem = (f: ImportField, message: string) => {
        const column = at(f) >= 0 ? `${letter(at(f))} (${table.headers[at(f)]})` : null;
        problems.push({ row: r.row, column, field: f, message: `Row ${r.row}${column ? `, column ${column}` : ''}: ${message}` });
      };
      const fullName = cell('fullName');
      if (!fullName) problem('fullName', "Please enter the person's full name.");
      else if (known.has(fullName.toLowerCase())) problem('fullName', `Already in Refrain: “${fullName}”. Remove the row, or skip rows with problems.`);
      else if (seen.has(fullName.toLowerCase())) problem('fullName', `“${fullName}” is also in row ${seen.get(fullName.toLowerCase())}.`);
      if (fullName) seen.set(fullName.toLowerCase(), r.row);
      let dateOfBirth = cell('dateOfBirth');
      if (dateOfBirth) {
        const iso = ukDate(dateOfBirth);
        if (!iso) problem('dateOfBirth', `“${dateOfBirth}” is not a date that exists. Dates are read day first, as 31/01/1950.`);
        dateOfBirth = iso ?? dateOfBirth;
      }
      const yes = (f: ImportField) => ({ given: /^(y|yes|true|1)$/i.test(cell(f)), date: null });
      const person: AttendeeInput = {
        fullName,
        preferredName: cell('preferredName'),
        dateOfBirth,
        phone: cell('phone'),
        email: cell('email'),
        carerName: cell('carerName'),
        accessNeeds: cell('accessNeeds'),
        communicationNeeds: cell('communicationNeeds'),
        notes: cell('notes'),
        consentParticipation: yes('consentParticipation'),
        consentMedia: noConsent(),
        consentShareOutcomes: yes('consentShareOutcomes'),
      };
      let referral: ReferralInput | null = null;
      const sourceText = cell('referralSource');
      const receivedText = cell('referralReceivedOn');
      if (sourceText || receivedText || cell('referrerName') || cell('referrerOrganisation')) {
        const source = IMPORT_SOURCES[sourceText.toLowerCase()];
        if (!sourceText) problem('referralSource', 'A referral needs its source: who referred the person, such as a GP link worker.');
        else if (!source) problem('referralSource', `“${sourceText}” is not a referral source Refrain knows.`);
        const receivedOn = receivedText ? ukDate(receivedText) : null;
        if (!receivedText) problem('referralReceivedOn', 'A referral needs the date it was received.');
        else if (!receivedOn) problem('referralReceivedOn', `“${receivedText}” is not a date that exists.`);
        referral = {
          attendeeId: '',
          source: source ?? 'other',
          referrerName: cell('referrerName'),
          referrerOrganisation: cell('referrerOrganisation'),
          receivedOn: receivedOn ?? receivedText,
          reasons: [],
          reasonNotes: '',
        };
      }
      return { row: r.row, person, referral, ready: problems.length === 0, problems };
    });
  }

  function previewImport(table: ImportTable, mapping: ColumnMapping): ImportPreview {
    const checked = checkImport(table, mapping);
    const bad = checked.filter((r) => !r.ready).length;
    return {
      rows: checked.slice(0, 50).map(({ problems: _p, ...row }) => (void _p, row)),
      totalRows: checked.length,
      readyRows: checked.length - bad,
      problemRows: bad,
      problems: checked.flatMap((r) => r.problems),
    };
  }

  let peopleImportRunning = false;
  async function importPeople(table: ImportTable, mapping: ColumnMapping, skipBadRows: boolean): Promise<ImportOutcome> {
    if (peopleImportRunning) fail('busy', 'An import is already running. Wait for it to finish.');
    const checked = checkImport(table, mapping);
    const bad = checked.filter((r) => !r.ready);
    if (bad.length > 0 && !skipBadRows) {
      const n = bad.reduce((k, r) => k + r.problems.length, 0);
      invalid(
        'file',
        `${n === 1 ? '1 problem was' : `${n} problems were`} found in ${bad.length === 1 ? '1 row' : `${bad.length} rows`}, so nobody was imported. Correct them in the file and import it again, or choose to skip the rows with problems.`,
      );
    }
    const good = checked.filter((r) => r.ready);
    const outcome: ImportOutcome = { peopleAdded: 0, referralsAdded: 0, rowsSkipped: bad.length };
    peopleImportRunning = true;
    try {
      emit('people-import-progress', { done: 0, total: good.length });
      for (const [i, r] of good.entries()) {
        await sleep(opts.importStepMs ?? 150);
        const a = createAttendee(r.person);
        outcome.peopleAdded += 1;
        if (r.referral) {
          const id = newId();
          referrals.set(id, {
            id,
            ...r.referral,
            attendeeId: a.id,
            status: 'received',
            history: [{ status: 'received', changedOn: r.referral.receivedOn, note: '', recordedAt: now() }],
            createdAt: now(),
            updatedAt: now(),
          });
          outcome.referralsAdded += 1;
        }
        emit('people-import-progress', { done: i + 1, total: good.length });
      }
    } finally {
      peopleImportRunning = false;
    }
    return outcome;
  }

  Object.assign(handlers, {
    read_import_file: ({ path }: { path: string }) => readSpreadsheet(path),
    preview_import: ({ table, mapping }: { table: ImportTable; mapping: ColumnMapping }) => previewImport(table, mapping),
    import_people: ({ table, mapping, skipBadRows }: { table: ImportTable; mapping: ColumnMapping; skipBadRows: boolean }) =>
      importPeople(table, mapping, skipBadRows),
  });

  const invoke: Invoker = async (cmd, args = {}) => {
    const v = vaultHandlers[cmd];
    if (v) return structuredClone(v(args));
    const h = handlers[cmd];
    if (!h) fail('unknown', `The dev stand-in has no command called ${cmd}.`);
    // The player is not the records': it answers while locked.
    if (!cmd.startsWith('player_')) needOpen();
    // Hand back copies, as the real IPC does, so the UI can't change our state.
    return structuredClone(await h(args));
  };

  return { invoke, listen, pick, dispose, exportsMade };
}
