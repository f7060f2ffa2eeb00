// The one door to the Rust side. Screens call these functions, never `invoke`.
// Every function rejects with a CommandError ({code, message, field}).
import { invoke } from '@tauri-apps/api/core';
import { emitTo, listen } from '@tauri-apps/api/event';
import { getCurrentWindow } from '@tauri-apps/api/window';
import { WebviewWindow } from '@tauri-apps/api/webviewWindow';
import { open as openDialog, save as saveDialog, type OpenDialogOptions, type SaveDialogOptions } from '@tauri-apps/plugin-dialog';
import type {
  AttendeeInput,
  AvoidInput,
  ColumnMapping,
  CommandError,
  CustomInstrumentInput,
  DeclineReason,
  ExportFormat,
  ExportProgress,
  GroupInput,
  GroupInstrumentChoice,
  HandoverInput,
  ImportProgress,
  ImportTable,
  ListeningInput,
  LyricsInput,
  Mark,
  MusicStoryInput,
  PeopleImportProgress,
  PlayerState,
  PlaylistInput,
  PlaylistKind,
  PracticeSettings,
  PracticeDetails,
  PractitionerInput,
  PrescriptionInput,
  PrescriptionStatus,
  ReferralInput,
  ReferralStatus,
  ReportRequest,
  ScoreSetInput,
  SessionInput,
  SeenRecord,
  TeamArrival,
  TeamOverview,
  VenueInput,
  WalkIn,
} from './bindings';
import type { CommandName, Commands } from './commands';
import { toCommandError } from './errors';

export type Invoker = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;
export type Unlisten = () => void;
/** Subscribes to a backend event; resolves with the way to stop listening. */
export type EventSource = (event: string, handler: (payload: unknown) => void) => Promise<Unlisten>;
/** The native "choose files or a folder" window (Tauri's dialog plugin). */
export type FilePicker = (options: OpenDialogOptions) => Promise<string | string[] | null>;

let invoker: Invoker | null = null;
let events: EventSource | null = null;
let picker: FilePicker | null = null;
/** The native "save as" window; resolves with the chosen path, or null. */
export type SavePicker = (options: SaveDialogOptions) => Promise<string | null>;
let saver: SavePicker | null = null;

/** Swap the "save as" window (tests). Null: the default. */
export function setSavePicker(fn: SavePicker | null): void {
  saver = fn;
}

/** Swap the backend (tests). Pass null to go back to the default. */
export function setInvoker(fn: Invoker | null): void {
  invoker = fn;
}

/** Swap where backend events come from (tests). Null: the default. */
export function setEventSource(fn: EventSource | null): void {
  events = fn;
}

/** Swap the file picker (tests). Null: the default. */
export function setFilePicker(fn: FilePicker | null): void {
  picker = fn;
}

function hasTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

async function backend(): Promise<Invoker> {
  if (invoker) return invoker;
  if (hasTauri()) {
    invoker = (cmd, args) => invoke(cmd, args);
  } else {
    // Outside the app's window (a page opened in an ordinary browser) there
    // are no records to reach: every call says so. The UI's tests give their
    // own backend (the app's real commands, or a test's answers).
    invoker = async () => {
      const err: CommandError = {
        code: 'no_backend',
        message: 'Refrain could not reach its data. Please close and reopen the app.',
        field: null,
      };
      throw err;
    };
  }
  return invoker;
}

const noEvents: EventSource = async () => () => {};

async function eventSource(): Promise<EventSource> {
  if (events) return events;
  if (hasTauri()) {
    events = (name, handler) => listen(name, (e) => handler(e.payload));
    return events;
  }
  return noEvents;
}

async function filePicker(): Promise<FilePicker> {
  if (picker) return picker;
  if (hasTauri()) {
    picker = (options) => openDialog(options);
    return picker;
  }
  return async () => {
    const err: CommandError = {
      code: 'no_backend',
      message: 'Refrain could not open the window for choosing files. Please close and reopen the app.',
      field: null,
    };
    throw err;
  };
}

async function subscribe<T>(event: string, handler: (payload: T) => void): Promise<Unlisten> {
  const source = await eventSource();
  return source(event, (payload) => handler(payload as T));
}

/** What a command takes: nothing, or its camelCase arguments (from commands.ts). */
type CallArgs<K extends CommandName> = Record<string, never> extends Commands[K]['args']
  ? [args?: Commands[K]['args']]
  : [args: Commands[K]['args']];

/**
 * Calls a command by its name in the generated contract (commands.ts), so the
 * name, the arguments and the result's type are all checked against the Rust
 * side. Rejects with a CommandError.
 */
async function call<K extends CommandName>(cmd: K, ...[args]: CallArgs<K>): Promise<Commands[K]['result']> {
  const run = await backend();
  try {
    return (await run(cmd, args)) as Commands[K]['result'];
  } catch (e) {
    throw toCommandError(e);
  }
}

// Store
export const appInfo = () => call('app_info');
export const loadDemoData = () => call('load_demo_data');

// Venues
export const listVenues = (includeArchived: boolean) => call('list_venues', { includeArchived });
export const createVenue = (input: VenueInput) => call('create_venue', { input });
export const updateVenue = (id: string, input: VenueInput) => call('update_venue', { id, input });
export const archiveVenue = (id: string) => call('archive_venue', { id });

// Groups
export const listGroups = (includeArchived: boolean) => call('list_groups', { includeArchived });
export const getGroup = (id: string) => call('get_group', { id });
export const createGroup = (input: GroupInput) => call('create_group', { input });
export const updateGroup = (id: string, input: GroupInput) => call('update_group', { id, input });
export const archiveGroup = (id: string) => call('archive_group', { id });
export const restoreGroup = (id: string) => call('restore_group', { id });
export const addMember = (groupId: string, attendeeId: string, joinedOn: string) =>
  call('add_member', { groupId, attendeeId, joinedOn });
export const endMembership = (membershipId: string, leftOn: string) =>
  call('end_membership', { membershipId, leftOn });

// Attendees
export const listAttendees = (query: string, includeArchived: boolean) =>
  call('list_attendees', { query, includeArchived });
export const getAttendee = (id: string) => call('get_attendee', { id });
export const createAttendee = (input: AttendeeInput) => call('create_attendee', { input });
export const updateAttendee = (id: string, input: AttendeeInput) =>
  call('update_attendee', { id, input });
export const archiveAttendee = (id: string) => call('archive_attendee', { id });

// A person's music life story and the music they must not hear.
export const getMusicStory = (attendeeId: string) => call('get_music_story', { attendeeId });
export const saveMusicStory = (attendeeId: string, input: MusicStoryInput) =>
  call('save_music_story', { attendeeId, input });
export const addAvoid = (attendeeId: string, input: AvoidInput) => call('add_avoid', { attendeeId, input });
export const removeAvoid = (id: string) => call('remove_avoid', { id });
/** Library tracks the life story points to, and the named songs still to find. */
export const musicSuggestions = (attendeeId: string) => call('music_suggestions', { attendeeId });
/** A request for a personal playlist on a referral; resolves with the referral. */
export const prescribePlaylist = (referralId: string, input: PrescriptionInput) =>
  call('prescribe_playlist', { referralId, input });
/** Changes what a saved prescription says (not its status or dates); resolves with the referral. */
export const updatePrescription = (prescriptionId: string, input: PrescriptionInput) =>
  call('update_prescription', { prescriptionId, input });
export const setPrescriptionStatus = (prescriptionId: string, status: PrescriptionStatus, changedOn: string, note: string) =>
  call('set_prescription_status', { prescriptionId, status, changedOn, note });
export const setPrescriptionPlaylist = (prescriptionId: string, playlistId: string | null) =>
  call('set_prescription_playlist', { prescriptionId, playlistId });
/** Prescriptions requested or being built, longest waiting first (Today). */
export const waitingPrescriptions = () => call('waiting_prescriptions');
/** How a song went for someone (0 to 5, or distress), in a session or at home. */
export const logListening = (input: ListeningInput) => call('log_listening', { input });
/** How each song of a personal playlist has gone, in its order. */
export const playlistResponses = (playlistId: string) => call('playlist_responses', { playlistId });
export const orderPlaylistByResponse = (playlistId: string) => call('order_playlist_by_response', { playlistId });
/** Off the playlist and onto the person's avoid list, with why, in one change. */
export const avoidAfterDistress = (entryId: string, why: string) => call('avoid_after_distress', { entryId, why });
/** The person's own playlists holding a track (offered after it upset them). */
export const ownPlaylistsWithTrack = (attendeeId: string, trackId: string) =>
  call('own_playlists_with_track', { attendeeId, trackId });
/** A song that upset someone: off their own playlists and/or onto their avoid list, in one change. */
export const afterDistress = (attendeeId: string, trackId: string, avoidWhy: string | null, takeOff: boolean) =>
  call('after_distress', { attendeeId, trackId, avoidWhy, takeOff });
/** When to look again at how a personal playlist works (`YYYY-MM-DD`, or empty to clear). */
export const setPlaylistReview = (playlistId: string, reviewOn: string) =>
  call('set_playlist_review', { playlistId, reviewOn });
/** The usage plan offered for a hand-over pack, and the folder it goes to unless another is chosen. */
export const handoverPlan = (playlistId: string) => call('handover_plan', { playlistId });
/** Writes the hand-over pack into a new folder inside `folder`; resolves with where. */
export const writeHandoverPack = (input: HandoverInput, folder: string) =>
  call('write_handover_pack', { input, folder });
/** The folder or USB stick chosen for a hand-over pack, or null. */
export const pickHandoverFolder = async (): Promise<string | null> =>
  (await pick({ directory: true, multiple: false, title: 'Choose a folder or a USB stick for the music' }))[0] ?? null;
/** Personal playlists whose review date has come (Today). */
export const reviewsDue = () => call('reviews_due');
/** The session's music against the avoid lists of who may be in the room. */
export const sessionAvoidFlags = (sessionId: string) => call('session_avoid_flags', { sessionId });
/** A playlist against the avoid lists of whoever it may be played to. */
export const playlistAvoidFlags = (playlistId: string) => call('playlist_avoid_flags', { playlistId });
/** Tracks about to be played, against a session's people (else today's sessions'). */
export const playAvoidFlags = (trackIds: string[], sessionId: string | null) =>
  call('play_avoid_flags', { trackIds, sessionId });
/** A playlist about to be played from `startIndex` on, checked as `playAvoidFlags`. */
export const playlistPlayAvoidFlags = (playlistId: string, startIndex: number, sessionId: string | null) =>
  call('playlist_play_avoid_flags', { playlistId, startIndex, sessionId });
/** The song Previous would go back to (none if it would start the playing song again), checked as the playlist it is in was. */
export const previousAvoidFlags = (playlistId: string | null, sessionId: string | null) =>
  call('previous_avoid_flags', { playlistId, sessionId });

// Importing people from a spreadsheet (CSV or Excel).
/** Reads the file (nothing is saved), with its columns as Refrain guessed them. */
export const readImportFile = (path: string) => call('read_import_file', { path });
/** What importing would do under this choice of columns: every problem, and the first rows. */
export const previewImport = (table: ImportTable, mapping: ColumnMapping) =>
  call('preview_import', { table, mapping });
/**
 * Imports everyone, or refuses (saving nothing) when any row has a problem,
 * unless `skipBadRows`. Progress comes by `onPeopleImportProgress`.
 */
export const importPeople = (table: ImportTable, mapping: ColumnMapping, skipBadRows: boolean) =>
  call('import_people', { table, mapping, skipBadRows });
export const onPeopleImportProgress = (handler: (p: PeopleImportProgress) => void) =>
  subscribe<PeopleImportProgress>('people-import-progress', handler);
export const SPREADSHEET_EXTENSIONS = ['csv', 'txt', 'xlsx'];
/** The spreadsheet chosen, or null if the person closed the window. */
export const pickSpreadsheet = async (): Promise<string | null> =>
  (
    await pick({
      multiple: false,
      directory: false,
      title: 'Choose the spreadsheet of people',
      filters: [{ name: 'Spreadsheet (CSV or Excel)', extensions: SPREADSHEET_EXTENSIONS }],
    })
  )[0] ?? null;

// Referrals
export const addReferral = (input: ReferralInput) => call('add_referral', { input });
/** `declineReason` is needed for a decline, and only then. */
export const setReferralStatus = (
  referralId: string,
  status: ReferralStatus,
  changedOn: string,
  note: string,
  declineReason: DeclineReason | null = null,
) => call('set_referral_status', { referralId, status, changedOn, note, declineReason });
export const referralsAwaitingReply = () => call('referrals_awaiting_reply');
export const practiceSettings = () => call('practice_settings');
export const episodeMeasuresDue = () => call('episode_measures_due');
export const setPracticeSettings = (input: PracticeSettings) => call('set_practice_settings', { input });
export const practiceDetails = () => call('practice_details');
export const setPracticeDetails = (input: PracticeDetails) => call('set_practice_details', { input });
/** What a directory listing will leave out, in words. */
export const directoryGaps = () => call('directory_gaps');

// Sessions
export const createSession = (input: SessionInput) => call('create_session', { input });
/** `from` is "YYYY-MM-DD" or "" for today; `count` 1..52. */
export const generateSessions = (groupId: string, from: string, count: number) =>
  call('generate_sessions', { groupId, from, count });
export const cancelSession = (id: string, reason: string) => call('cancel_session', { id, reason });
export const thisWeek = () => call('this_week');

// Register
export const getRegister = (sessionId: string) => call('get_register', { sessionId });
export const setMark = (sessionId: string, attendeeId: string, mark: Mark | null) =>
  call('set_mark', { sessionId, attendeeId, mark });
export const setCarerPresent = (sessionId: string, attendeeId: string, present: boolean) =>
  call('set_carer_present', { sessionId, attendeeId, present });
export const addWalkIn = (sessionId: string, walkIn: WalkIn, joinGroup: boolean) =>
  call('add_walk_in', { sessionId, walkIn, joinGroup });
/** Marks everyone with no mark yet present; resolves with the marks made, for undo. */
export const markEveryoneElsePresent = (sessionId: string) => call('mark_everyone_else_present', { sessionId });
/** Clears the marks "everyone else is here" made, unless changed since. */
export const undoEveryoneElsePresent = (sessionId: string, markIds: string[]) =>
  call('undo_everyone_else_present', { sessionId, markIds });

// Music: the library
export const listTracks = (query: string, tag: string) => call('list_tracks', { query, tag });
export const listTags = () => call('list_tags');
export const setTrackTags = (trackId: string, tags: string[]) => call('set_track_tags', { trackId, tags });
export const archiveTrack = (id: string) => call('archive_track', { id });
/** A track's words for sing-alongs, or null. */
export const trackLyrics = (trackId: string) => call('track_lyrics', { trackId });
/** Keeps a track's words and who holds their rights; empty words take them out. */
export const setTrackLyrics = (trackId: string, input: LyricsInput) => call('set_track_lyrics', { trackId, input });
/** A playlist's songs whose words may be shown, and the songs held back. */
export const songbookContents = (playlistId: string) => call('songbook_contents', { playlistId });
/** The words to show a room (refused while any song's rights are not known). */
export const songbook = (playlistId: string) => call('songbook', { playlistId });

/** The label of the second window that shows a song's words to the room. */
export const WORDS_WINDOW = 'words';

/**
 * Fills the screen with this window (or gives the screen back). Never throws:
 * a window that cannot fill the screen stays as it is. Resolves with whether
 * it worked.
 */
export async function setFullscreen(on: boolean): Promise<boolean> {
  if (!hasTauri()) return false;
  try {
    await getCurrentWindow().setFullscreen(on);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens the second window showing a playlist's words (for a projector or a
 * TV), or shows this playlist in it when it is open already.
 */
export async function openWordsWindow(playlistId: string): Promise<void> {
  if (!hasTauri()) {
    const err: CommandError = {
      code: 'no_backend',
      message: 'Refrain could not open a second window. Please close and reopen the app.',
      field: null,
    };
    throw err;
  }
  const existing = await WebviewWindow.getByLabel(WORDS_WINDOW);
  if (existing) {
    await emitTo(WORDS_WINDOW, 'words-playlist', playlistId);
    return;
  }
  const win = new WebviewWindow(WORDS_WINDOW, {
    url: `index.html#/words/${encodeURIComponent(playlistId)}`,
    title: 'Refrain: words',
    width: 1024,
    height: 640,
  });
  await new Promise<void>((resolve, reject) => {
    void win.once('tauri://created', () => resolve());
    void win.once('tauri://error', (e) => {
      const err: CommandError = {
        code: 'unknown',
        message: `Refrain could not open a second window (${String(e.payload)}). Show the words on this screen instead.`,
        field: null,
      };
      reject(err);
    });
  });
}

/** Moves the words window on (1) or back (-1) a verse. */
export async function stepWordsWindow(step: 1 | -1): Promise<void> {
  if (!hasTauri()) return;
  await emitTo(WORDS_WINDOW, 'words-step', step);
}

/**
 * Calls `handler` once when the words window closes (at once if it is not
 * open); returns what stops listening.
 */
export async function onWordsWindowClosed(handler: () => void): Promise<() => void> {
  if (!hasTauri()) return () => {};
  const win = await WebviewWindow.getByLabel(WORDS_WINDOW);
  if (!win) {
    handler();
    return () => {};
  }
  return win.once('tauri://destroyed', () => handler());
}

/** Steps asked of the words window from the main window. */
export const onWordsStep = (handler: (step: number) => void) => subscribe<number>('words-step', handler);
/** Another playlist to show in the words window. */
export const onWordsPlaylist = (handler: (playlistId: string) => void) =>
  subscribe<string>('words-playlist', handler);
/** Files and/or folders. Resolves when the import ends; progress comes by `onImportProgress`. */
export const importTracks = (paths: string[]) => call('import_tracks', { paths });
export const importSampleMusic = () => call('import_sample_music');
export const cancelImport = () => call('cancel_import');
export const onImportProgress = (handler: (p: ImportProgress) => void) =>
  subscribe<ImportProgress>('import-progress', handler);

export const MUSIC_EXTENSIONS = ['wav', 'flac', 'mp3', 'ogg', 'oga', 'm4a', 'aac'];

async function pick(options: OpenDialogOptions): Promise<string[]> {
  try {
    const chosen = await (await filePicker())(options);
    if (chosen == null) return [];
    return Array.isArray(chosen) ? chosen : [chosen];
  } catch (e) {
    throw toCommandError(e);
  }
}
/** The paths of the music files chosen, or [] if the person closed the window. */
export const pickMusicFiles = () =>
  pick({
    multiple: true,
    directory: false,
    title: 'Choose music files',
    filters: [{ name: 'Music', extensions: MUSIC_EXTENSIONS }],
  });
/** The folder chosen, or null. */
export const pickMusicFolder = async (): Promise<string | null> =>
  (await pick({ directory: true, multiple: false, title: 'Choose a folder of music' }))[0] ?? null;

// Music: playlists (setlists for groups, personal playlists for people)
export const listPlaylists = (kind: PlaylistKind | null, groupId: string | null, attendeeId: string | null) =>
  call('list_playlists', { kind, groupId, attendeeId });
export const getPlaylist = (id: string) => call('get_playlist', { id });
export const createPlaylist = (kind: PlaylistKind, input: PlaylistInput) =>
  call('create_playlist', { kind, input });
export const renamePlaylist = (id: string, name: string) => call('rename_playlist', { id, name });
export const archivePlaylist = (id: string) => call('archive_playlist', { id });
export const addToPlaylist = (playlistId: string, trackId: string, note: string) =>
  call('add_to_playlist', { playlistId, trackId, note });
export const removeFromPlaylist = (entryId: string) => call('remove_from_playlist', { entryId });
/** `toPosition` is 0-based. */
export const movePlaylistEntry = (entryId: string, toPosition: number) =>
  call('move_playlist_entry', { entryId, toPosition });
export const setEntryNote = (entryId: string, note: string) => call('set_entry_note', { entryId, note });
export const attachSetlist = (sessionId: string, playlistId: string | null) =>
  call('attach_setlist', { sessionId, playlistId });

// Music: the player. Every call resolves with the player's new state; the
// state also arrives by `onPlayerState` while playing and on every change.
export const playerState = () => call('player_state');
export const playPlaylist = (playlistId: string, startIndex: number) =>
  call('play_playlist', { playlistId, startIndex });
export const playTrack = (trackId: string) => call('play_track', { trackId });
export const playerPause = () => call('player_pause');
export const playerResume = () => call('player_resume');
export const playerStop = () => call('player_stop');
export const playerNext = () => call('player_next');
export const playerPrevious = () => call('player_previous');
/** Previous, once going back to `trackId` has been agreed to (after `previousAvoidFlags`). */
export const playerBackTo = (trackId: string) => call('player_back_to', { trackId });
export const playerSeek = (positionMs: number) =>
  call('player_seek', { positionMs: Math.max(0, Math.round(positionMs)) });
/** 0 to 1. */
export const playerSetVolume = (volume: number) =>
  call('player_set_volume', { volume: Math.min(1, Math.max(0, volume)) });
export const playerFadeOut = (ms: number) => call('player_fade_out', { ms: Math.max(0, Math.round(ms)) });
export const playerSetLooping = (looping: boolean) => call('player_set_looping', { looping });
export const playerRetryOutput = () => call('player_retry_output');
export const onPlayerState = (handler: (s: PlayerState) => void) => subscribe<PlayerState>('player-state', handler);

// Practitioners: who is using Refrain and signs notes.
export const listPractitioners = () => call('list_practitioners');
export const createPractitioner = (input: PractitionerInput) => call('create_practitioner', { input });
export const updatePractitioner = (id: string, input: PractitionerInput) =>
  call('update_practitioner', { id, input });
export const archivePractitioner = (id: string) => call('archive_practitioner', { id });
/** Who is using Refrain from now on (null: no one chosen); every change is logged under them. */
export const setActor = (practitionerId: string | null) => call('set_actor', { practitionerId });
/** The log of who changed what and when, newest first (one record's, one practitioner's, or all). */
export const auditLog = (recordId: string | null, practitionerId: string | null, limit: number) =>
  call('audit_log', { recordId, practitionerId, limit });

// Clinical notes: drafts saved as typed, signed once, amended after.
export const sessionNotes = (sessionId: string) => call('session_notes', { sessionId });
/** `attendeeId` null: the session's group note. `authorId`: who is typing (may be null). */
export const saveNoteDraft = (sessionId: string, attendeeId: string | null, body: string, authorId: string | null) =>
  call('save_note_draft', { sessionId, attendeeId, body, authorId });
export const signNote = (noteId: string, practitionerId: string) => call('sign_note', { noteId, practitionerId });
export const amendNote = (noteId: string, practitionerId: string, body: string, reason: string) =>
  call('amend_note', { noteId, practitionerId, body, reason });
/** Every note about one person, newest session first. */
export const personNotes = (attendeeId: string) => call('person_notes', { attendeeId });
/** Words to find; `practitionerId` is who is looking (their own drafts are included). */
export const searchNotes = (query: string, practitionerId: string | null) =>
  call('search_notes', { query, practitionerId });

// Outcome measures: instruments, a group's choice, recorded answers and what they say.
export const listInstruments = () => call('list_instruments');
export const createCustomInstrument = (input: CustomInstrumentInput) =>
  call('create_custom_instrument', { input });
/** Saves a new version; scores already taken keep theirs. */
export const updateCustomInstrument = (key: string, input: CustomInstrumentInput) =>
  call('update_custom_instrument', { key, input });
export const archiveCustomInstrument = (key: string) => call('archive_custom_instrument', { key });
export const groupInstruments = (groupId: string) => call('group_instruments', { groupId });
export const setGroupInstruments = (groupId: string, choices: GroupInstrumentChoice[]) =>
  call('set_group_instruments', { groupId, choices });
/** Records (or, for a session's before/after, replaces) one set of answers. */
export const recordScores = (input: ScoreSetInput) => call('record_scores', { input });
export const archiveScoreSet = (id: string) => call('archive_score_set', { id });
export const scoreSheet = (sessionId: string) => call('score_sheet', { sessionId });
export const personOutcomes = (attendeeId: string) => call('person_outcomes', { attendeeId });
/** `from`/`to` are "YYYY-MM-DD", both included. */
export const groupOutcomes = (groupId: string, from: string, to: string) =>
  call('group_outcomes', { groupId, from, to });

// Backups: made by hand (automatic ones are the shell's), listed, restored.
// These work even when the data file could not be opened (e.g. it is damaged).
/** A checked backup in `dir` ("" = the usual backups folder); resolves with the new file's path. */
export const backupNow = (dir: string) => call('backup_now', { dir });
/** The backups in the usual backups folder, newest first. */
export const listBackups = () => call('list_backups');
/** Puts a backup in place of the current records (which are moved aside, never deleted). */
export const restoreBackup = (path: string) => call('restore_backup', { path });
/** The folder chosen for a backup (a USB stick, say), or null. */
export const pickBackupFolder = async (): Promise<string | null> =>
  (await pick({ directory: true, multiple: false, title: 'Choose where to save the backup' }))[0] ?? null;

// --- Team sharing ---
/** The Team screen: this laptop, the team's laptops, who waits to join, what the merge rules decided; null with no team. */
export const teamOverview = () => call('team_overview');
/** After each background sync, the Team screen's overview. */
export const onTeamSynced = (handler: (o: TeamOverview) => void) => subscribe<TeamOverview>('team-synced', handler);
/** Whether another laptop changed this record since this laptop last showed it (and notes it is shown now). */
export const changedElsewhere = (what: SeenRecord, id: string) => call('changed_elsewhere', { what, id });
/** Records from the team's other laptops have just arrived. */
export const onTeamRecordsArrived = (handler: (a: TeamArrival) => void) =>
  subscribe<TeamArrival>('team-records-arrived', handler);
export const teamCreate = (teamName: string, laptopName: string) => call('team_create', { teamName, laptopName });
export const teamWriteInvitation = (path: string) => call('team_write_invitation', { path });
/** Joins the team of an invitation file; the status holds the code to read to the office. */
export const teamJoin = (invitationPath: string, laptopName: string) =>
  call('team_join', { invitationPath, laptopName });
export const teamAccept = (laptop: string, code: string, spaces: string[]) =>
  call('team_accept', { laptop, code, spaces });
export const teamShare = (laptop: string, space: string) => call('team_share', { laptop, space });
export const teamUnshare = (laptop: string, space: string) => call('team_unshare', { laptop, space });
export const teamRemove = (laptop: string) => call('team_remove', { laptop });
/** The charity's hub: its Syncthing device ID and address; both empty for none. */
export const teamSetHub = (hubId: string, address: string) => call('team_set_hub', { hubId, address });
/** Saves this laptop's request to join to a file, for the office. */
export const teamWriteRequest = (path: string) => call('team_write_request', { path });
/** The office takes a laptop's request to join from a file; it then waits for its code. */
export const teamTakeRequest = (path: string) => call('team_take_request', { path });
/** A folder the charity already syncs, or null for Refrain's own. */
export const teamSetFolder = (path: string | null) => call('team_set_folder', { path });
export const teamSetPaused = (paused: boolean) => call('team_set_paused', { paused });
export const teamSyncNow = () => call('team_sync_now');
export const pickInvitation = async (): Promise<string | null> =>
  (
    await pick({
      multiple: false,
      directory: false,
      title: 'Choose the invitation from the office',
      filters: [{ name: 'Refrain invitation', extensions: ['json'] }],
    })
  )[0] ?? null;
export const pickJoinRequest = async (): Promise<string | null> =>
  (
    await pick({
      multiple: false,
      directory: false,
      title: "Choose the new laptop's request to join",
      filters: [{ name: 'Refrain request to join', extensions: ['json'] }],
    })
  )[0] ?? null;
export async function pickJoinRequestSavePath(): Promise<string | null> {
  const options: SaveDialogOptions = {
    title: 'Save the request to join on a USB stick',
    defaultPath: 'refrain-request-to-join.json',
    filters: [{ name: 'Refrain request to join', extensions: ['json'] }],
  };
  if (saver) return saver(options);
  if (hasTauri()) return saveDialog(options);
  return null;
}
export const pickTeamFolder = async (): Promise<string | null> =>
  (await pick({ directory: true, multiple: false, title: 'Choose the folder the team shares' }))[0] ?? null;
export async function pickInvitationSavePath(): Promise<string | null> {
  const options: SaveDialogOptions = {
    title: 'Save the invitation on a USB stick',
    defaultPath: 'refrain-invitation.json',
    filters: [{ name: 'Refrain invitation', extensions: ['json'] }],
  };
  if (saver) return saver(options);
  if (hasTauri()) return saveDialog(options);
  return null;
}

// --- Encryption and the lock ---
/** Where the records stand: new, unencrypted, locked, keysMissing or unlocked. */
export const vaultStatus = () => call('vault_status');
/** Sets the first passphrase (encrypting an earlier version's records); the recovery key comes back once. */
export const vaultCreate = (passphrase: string, remember: boolean) =>
  call('vault_create', { passphrase, remember });
export const vaultUnlock = (passphrase: string) => call('vault_unlock', { passphrase });
/** Opens with the recovery key and sets a new passphrase. */
export const vaultRecover = (recoveryKey: string, newPassphrase: string) =>
  call('vault_recover', { recoveryKey, newPassphrase });
export const vaultLock = () => call('vault_lock');
export const vaultChangePassphrase = (current: string, newPassphrase: string) =>
  call('vault_change_passphrase', { current, newPassphrase });
/** Remember the key in this computer's keychain (so Refrain opens without the passphrase), or forget it. */
export const vaultSetRemember = (remember: boolean) => call('vault_set_remember', { remember });
export const vaultSetIdleLock = (minutes: number) => call('vault_set_idle_lock', { minutes });
/** The recovery key again (a lost copy), for whoever knows the passphrase. */
export const vaultShowRecoveryKey = (passphrase: string) => call('vault_show_recovery_key', { passphrase });

// --- Reports and exports ---
/** One group's register over a period (both days included), as the files will hold it. */
export const registerReport = (groupId: string, from: string, to: string) =>
  call('register_report', { groupId, from, to });
/** A funder's summary of these groups over a period. */
export const programmeSummary = (groupIds: string[], from: string, to: string, narrative: string) =>
  call('programme_summary', { groupIds, from, to, narrative });
/**
 * Makes and saves a report: to `path` when one was chosen, else into the
 * reports folder under its own name. Progress comes by `onExportProgress`.
 */
export const exportReport = (request: ReportRequest, format: ExportFormat, path: string | null) =>
  call('export_report', { request, format, path });
/** The file name Refrain gives a report ("Register Tuesday Choir 2025-01-01 to 2025-03-31.pdf"). */
export const reportFileName = (request: ReportRequest, format: ExportFormat) =>
  call('report_file_name', { request, format });
export const onExportProgress = (handler: (p: ExportProgress) => void) =>
  subscribe<ExportProgress>('export-progress', handler);

const FORMAT_FILTERS: Record<ExportFormat, { name: string; extensions: string[] }> = {
  pdf: { name: 'PDF document', extensions: ['pdf'] },
  xlsx: { name: 'Excel workbook', extensions: ['xlsx'] },
  csv: { name: 'CSV (spreadsheet text)', extensions: ['csv'] },
  json: { name: 'JSON', extensions: ['json'] },
};

/** The native "save as" window for a report; the chosen path, or null. */
export async function pickSavePath(defaultName: string, format: ExportFormat): Promise<string | null> {
  const options: SaveDialogOptions = {
    title: 'Save the report',
    defaultPath: defaultName,
    filters: [FORMAT_FILTERS[format]],
  };
  if (saver) return saver(options);
  if (hasTauri()) return saveDialog(options);
  return null;
}

/** Erases a person's personal data on request, with the reason; past counts stay. */
export const eraseAttendee = (id: string, reason: string) => call('erase_attendee', { id, reason });
