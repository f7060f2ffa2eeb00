// Generated from src-tauri/commands.rs by build.rs. Do not edit by hand:
// run `REFRAIN_UPDATE_BINDINGS=1 cargo test --test main bindings` after changing a command.

import type {
  Attendee,
  AttendeeDetail,
  AttendeeInput,
  AttendeeSummary,
  AuditEntry,
  AvoidFlag,
  AvoidInput,
  AwaitingReplies,
  BackupInfo,
  ChangedElsewhere,
  ColumnMapping,
  CustomInstrumentInput,
  DeclineReason,
  EpisodeDue,
  Erasure,
  EveryoneHere,
  EveryoneHereUndone,
  ExportDone,
  ExportFormat,
  Group,
  GroupDetail,
  GroupInput,
  GroupInstrument,
  GroupInstrumentChoice,
  GroupOutcomes,
  HandoverDone,
  HandoverInput,
  HandoverPlan,
  ImportFile,
  ImportOutcome,
  ImportPreview,
  ImportReport,
  ImportTable,
  Instrument,
  Invitation,
  JoinRequest,
  Listening,
  ListeningInput,
  Lyrics,
  LyricsInput,
  Mark,
  Membership,
  MusicStory,
  MusicStoryInput,
  MusicSuggestions,
  Note,
  NoteHit,
  PendingRequest,
  PersonOutcomes,
  PlayerState,
  Playlist,
  PlaylistInput,
  PlaylistKind,
  PlaylistSummary,
  PracticeDetails,
  PracticeSettings,
  Practitioner,
  PractitionerInput,
  PrescriptionInput,
  PrescriptionStatus,
  ProgrammeSummary,
  Referral,
  ReferralInput,
  ReferralStatus,
  Register,
  RegisterReport,
  ReportRequest,
  RestoreReport,
  ReviewDue,
  ScoreSet,
  ScoreSetInput,
  ScoreSheet,
  SeenRecord,
  Session,
  SessionInput,
  SessionNotes,
  Songbook,
  StoreInfo,
  TeamOverview,
  TeamStatus,
  Track,
  TrackResponse,
  VaultCreated,
  VaultStatus,
  Venue,
  VenueInput,
  WaitingPrescription,
  WalkIn,
} from './bindings';

/** Every command: the arguments it takes (camelCase) and what it resolves with. */
export interface Commands {
  app_info: { args: Record<string, never>; result: StoreInfo };
  load_demo_data: { args: Record<string, never>; result: null };
  list_venues: { args: { includeArchived: boolean }; result: Venue[] };
  create_venue: { args: { input: VenueInput }; result: Venue };
  update_venue: { args: { id: string; input: VenueInput }; result: Venue };
  archive_venue: { args: { id: string }; result: null };
  restore_venue: { args: { id: string }; result: null };
  list_groups: { args: { includeArchived: boolean }; result: Group[] };
  get_group: { args: { id: string }; result: GroupDetail };
  create_group: { args: { input: GroupInput }; result: Group };
  update_group: { args: { id: string; input: GroupInput }; result: Group };
  archive_group: { args: { id: string }; result: null };
  restore_group: { args: { id: string }; result: null };
  add_member: { args: { groupId: string; attendeeId: string; joinedOn: string }; result: Membership };
  end_membership: { args: { membershipId: string; leftOn: string }; result: null };
  list_attendees: { args: { query: string; includeArchived: boolean }; result: AttendeeSummary[] };
  get_attendee: { args: { id: string }; result: AttendeeDetail };
  create_attendee: { args: { input: AttendeeInput }; result: Attendee };
  update_attendee: { args: { id: string; input: AttendeeInput }; result: Attendee };
  archive_attendee: { args: { id: string }; result: null };
  restore_attendee: { args: { id: string }; result: null };
  add_referral: { args: { input: ReferralInput }; result: Referral };
  set_referral_status: { args: { referralId: string; status: ReferralStatus; changedOn: string; note: string; declineReason: DeclineReason | null }; result: Referral };
  referrals_awaiting_reply: { args: Record<string, never>; result: AwaitingReplies };
  episode_measures_due: { args: Record<string, never>; result: EpisodeDue[] };
  practice_settings: { args: Record<string, never>; result: PracticeSettings };
  set_practice_settings: { args: { input: PracticeSettings }; result: PracticeSettings };
  practice_details: { args: Record<string, never>; result: PracticeDetails };
  set_practice_details: { args: { input: PracticeDetails }; result: PracticeDetails };
  directory_gaps: { args: Record<string, never>; result: string[] };
  create_session: { args: { input: SessionInput }; result: Session };
  generate_sessions: { args: { groupId: string; from: string; count: number }; result: Session[] };
  cancel_session: { args: { id: string; reason: string }; result: Session };
  this_week: { args: Record<string, never>; result: Session[] };
  get_register: { args: { sessionId: string }; result: Register };
  set_mark: { args: { sessionId: string; attendeeId: string; mark: Mark | null }; result: Register };
  set_carer_present: { args: { sessionId: string; attendeeId: string; present: boolean }; result: Register };
  add_walk_in: { args: { sessionId: string; walkIn: WalkIn; joinGroup: boolean }; result: Register };
  mark_everyone_else_present: { args: { sessionId: string }; result: EveryoneHere };
  undo_everyone_else_present: { args: { sessionId: string; markIds: string[] }; result: EveryoneHereUndone };
  list_tracks: { args: { query: string; tag: string }; result: Track[] };
  list_tags: { args: Record<string, never>; result: string[] };
  set_track_tags: { args: { trackId: string; tags: string[] }; result: Track };
  archive_track: { args: { id: string }; result: null };
  track_lyrics: { args: { trackId: string }; result: Lyrics | null };
  set_track_lyrics: { args: { trackId: string; input: LyricsInput }; result: Lyrics | null };
  songbook_contents: { args: { playlistId: string }; result: Songbook };
  songbook: { args: { playlistId: string }; result: Songbook };
  import_tracks: { args: { paths: string[] }; result: ImportReport };
  import_sample_music: { args: Record<string, never>; result: ImportReport };
  cancel_import: { args: Record<string, never>; result: null };
  list_playlists: { args: { kind: PlaylistKind | null; groupId: string | null; attendeeId: string | null }; result: PlaylistSummary[] };
  get_playlist: { args: { id: string }; result: Playlist };
  create_playlist: { args: { kind: PlaylistKind; input: PlaylistInput }; result: Playlist };
  rename_playlist: { args: { id: string; name: string }; result: Playlist };
  archive_playlist: { args: { id: string }; result: null };
  add_to_playlist: { args: { playlistId: string; trackId: string; note: string }; result: Playlist };
  remove_from_playlist: { args: { entryId: string }; result: Playlist };
  move_playlist_entry: { args: { entryId: string; toPosition: number }; result: Playlist };
  set_entry_note: { args: { entryId: string; note: string }; result: Playlist };
  attach_setlist: { args: { sessionId: string; playlistId: string | null }; result: Session };
  player_state: { args: Record<string, never>; result: PlayerState };
  play_playlist: { args: { playlistId: string; startIndex: number }; result: PlayerState };
  play_track: { args: { trackId: string }; result: PlayerState };
  player_pause: { args: Record<string, never>; result: PlayerState };
  player_resume: { args: Record<string, never>; result: PlayerState };
  player_stop: { args: Record<string, never>; result: PlayerState };
  player_next: { args: Record<string, never>; result: PlayerState };
  player_previous: { args: Record<string, never>; result: PlayerState };
  player_back_to: { args: { trackId: string }; result: PlayerState };
  player_seek: { args: { positionMs: number }; result: PlayerState };
  player_set_volume: { args: { volume: number }; result: PlayerState };
  player_fade_out: { args: { ms: number }; result: PlayerState };
  player_set_looping: { args: { looping: boolean }; result: PlayerState };
  player_retry_output: { args: Record<string, never>; result: PlayerState };
  list_practitioners: { args: Record<string, never>; result: Practitioner[] };
  create_practitioner: { args: { input: PractitionerInput }; result: Practitioner };
  update_practitioner: { args: { id: string; input: PractitionerInput }; result: Practitioner };
  archive_practitioner: { args: { id: string }; result: null };
  session_notes: { args: { sessionId: string }; result: SessionNotes };
  save_note_draft: { args: { sessionId: string; attendeeId: string | null; body: string; authorId: string | null }; result: Note };
  sign_note: { args: { noteId: string; practitionerId: string }; result: Note };
  amend_note: { args: { noteId: string; practitionerId: string; body: string; reason: string }; result: Note };
  get_music_story: { args: { attendeeId: string }; result: MusicStory };
  save_music_story: { args: { attendeeId: string; input: MusicStoryInput }; result: MusicStory };
  add_avoid: { args: { attendeeId: string; input: AvoidInput }; result: MusicStory };
  remove_avoid: { args: { id: string }; result: MusicStory };
  music_suggestions: { args: { attendeeId: string }; result: MusicSuggestions };
  prescribe_playlist: { args: { referralId: string; input: PrescriptionInput }; result: Referral };
  update_prescription: { args: { prescriptionId: string; input: PrescriptionInput }; result: Referral };
  set_prescription_status: { args: { prescriptionId: string; status: PrescriptionStatus; changedOn: string; note: string }; result: Referral };
  set_prescription_playlist: { args: { prescriptionId: string; playlistId: string | null }; result: Referral };
  waiting_prescriptions: { args: Record<string, never>; result: WaitingPrescription[] };
  log_listening: { args: { input: ListeningInput }; result: Listening };
  playlist_responses: { args: { playlistId: string }; result: TrackResponse[] };
  order_playlist_by_response: { args: { playlistId: string }; result: Playlist };
  avoid_after_distress: { args: { entryId: string; why: string }; result: Playlist };
  own_playlists_with_track: { args: { attendeeId: string; trackId: string }; result: PlaylistSummary[] };
  after_distress: { args: { attendeeId: string; trackId: string; avoidWhy: string | null; takeOff: boolean }; result: PlaylistSummary[] };
  set_playlist_review: { args: { playlistId: string; reviewOn: string }; result: Playlist };
  reviews_due: { args: Record<string, never>; result: ReviewDue[] };
  handover_plan: { args: { playlistId: string }; result: HandoverPlan };
  write_handover_pack: { args: { input: HandoverInput; folder: string }; result: HandoverDone };
  session_avoid_flags: { args: { sessionId: string }; result: AvoidFlag[] };
  playlist_avoid_flags: { args: { playlistId: string }; result: AvoidFlag[] };
  play_avoid_flags: { args: { trackIds: string[]; sessionId: string | null }; result: AvoidFlag[] };
  playlist_play_avoid_flags: { args: { playlistId: string; startIndex: number; sessionId: string | null }; result: AvoidFlag[] };
  previous_avoid_flags: { args: { playlistId: string | null; sessionId: string | null }; result: AvoidFlag[] };
  person_notes: { args: { attendeeId: string }; result: Note[] };
  search_notes: { args: { query: string; practitionerId: string | null }; result: NoteHit[] };
  set_actor: { args: { practitionerId: string | null }; result: null };
  audit_log: { args: { recordId: string | null; practitionerId: string | null; limit: number }; result: AuditEntry[] };
  list_instruments: { args: Record<string, never>; result: Instrument[] };
  create_custom_instrument: { args: { input: CustomInstrumentInput }; result: Instrument };
  update_custom_instrument: { args: { key: string; input: CustomInstrumentInput }; result: Instrument };
  archive_custom_instrument: { args: { key: string }; result: null };
  group_instruments: { args: { groupId: string }; result: GroupInstrument[] };
  set_group_instruments: { args: { groupId: string; choices: GroupInstrumentChoice[] }; result: GroupInstrument[] };
  record_scores: { args: { input: ScoreSetInput }; result: ScoreSet };
  archive_score_set: { args: { id: string }; result: null };
  score_sheet: { args: { sessionId: string }; result: ScoreSheet };
  person_outcomes: { args: { attendeeId: string }; result: PersonOutcomes };
  group_outcomes: { args: { groupId: string; from: string; to: string }; result: GroupOutcomes };
  backup_now: { args: { dir: string }; result: string };
  list_backups: { args: Record<string, never>; result: BackupInfo[] };
  restore_backup: { args: { path: string }; result: RestoreReport };
  vault_status: { args: Record<string, never>; result: VaultStatus };
  vault_create: { args: { passphrase: string; remember: boolean }; result: VaultCreated };
  vault_unlock: { args: { passphrase: string }; result: VaultStatus };
  vault_recover: { args: { recoveryKey: string; newPassphrase: string }; result: VaultStatus };
  vault_lock: { args: Record<string, never>; result: null };
  vault_change_passphrase: { args: { current: string; newPassphrase: string }; result: null };
  vault_set_remember: { args: { remember: boolean }; result: VaultStatus };
  vault_set_idle_lock: { args: { minutes: number }; result: VaultStatus };
  vault_show_recovery_key: { args: { passphrase: string }; result: string };
  register_report: { args: { groupId: string; from: string; to: string }; result: RegisterReport };
  programme_summary: { args: { groupIds: string[]; from: string; to: string; narrative: string }; result: ProgrammeSummary };
  export_report: { args: { request: ReportRequest; format: ExportFormat; path: string | null }; result: ExportDone };
  report_file_name: { args: { request: ReportRequest; format: ExportFormat }; result: string };
  erase_attendee: { args: { id: string; reason: string }; result: Erasure };
  read_import_file: { args: { path: string }; result: ImportFile };
  preview_import: { args: { table: ImportTable; mapping: ColumnMapping }; result: ImportPreview };
  import_people: { args: { table: ImportTable; mapping: ColumnMapping; skipBadRows: boolean }; result: ImportOutcome };
  team_overview: { args: Record<string, never>; result: TeamOverview | null };
  team_create: { args: { teamName: string; laptopName: string }; result: TeamStatus };
  team_write_invitation: { args: { path: string }; result: Invitation };
  team_join: { args: { invitationPath: string; laptopName: string }; result: TeamStatus };
  team_accept: { args: { laptop: string; code: string; spaces: string[] }; result: null };
  team_share: { args: { laptop: string; space: string }; result: null };
  team_unshare: { args: { laptop: string; space: string }; result: null };
  team_remove: { args: { laptop: string }; result: null };
  team_set_hub: { args: { hubId: string; address: string }; result: null };
  team_write_request: { args: { path: string }; result: JoinRequest };
  team_take_request: { args: { path: string }; result: PendingRequest };
  team_set_folder: { args: { path: string | null }; result: null };
  team_set_paused: { args: { paused: boolean }; result: null };
  changed_elsewhere: { args: { what: SeenRecord; id: string }; result: ChangedElsewhere | null };
  team_sync_now: { args: Record<string, never>; result: TeamOverview | null };
}

export type CommandName = keyof Commands;

/** Every command's name, in the order commands.rs defines them. */
export const COMMAND_NAMES: readonly CommandName[] = [
  'app_info',
  'load_demo_data',
  'list_venues',
  'create_venue',
  'update_venue',
  'archive_venue',
  'restore_venue',
  'list_groups',
  'get_group',
  'create_group',
  'update_group',
  'archive_group',
  'restore_group',
  'add_member',
  'end_membership',
  'list_attendees',
  'get_attendee',
  'create_attendee',
  'update_attendee',
  'archive_attendee',
  'restore_attendee',
  'add_referral',
  'set_referral_status',
  'referrals_awaiting_reply',
  'episode_measures_due',
  'practice_settings',
  'set_practice_settings',
  'practice_details',
  'set_practice_details',
  'directory_gaps',
  'create_session',
  'generate_sessions',
  'cancel_session',
  'this_week',
  'get_register',
  'set_mark',
  'set_carer_present',
  'add_walk_in',
  'mark_everyone_else_present',
  'undo_everyone_else_present',
  'list_tracks',
  'list_tags',
  'set_track_tags',
  'archive_track',
  'track_lyrics',
  'set_track_lyrics',
  'songbook_contents',
  'songbook',
  'import_tracks',
  'import_sample_music',
  'cancel_import',
  'list_playlists',
  'get_playlist',
  'create_playlist',
  'rename_playlist',
  'archive_playlist',
  'add_to_playlist',
  'remove_from_playlist',
  'move_playlist_entry',
  'set_entry_note',
  'attach_setlist',
  'player_state',
  'play_playlist',
  'play_track',
  'player_pause',
  'player_resume',
  'player_stop',
  'player_next',
  'player_previous',
  'player_back_to',
  'player_seek',
  'player_set_volume',
  'player_fade_out',
  'player_set_looping',
  'player_retry_output',
  'list_practitioners',
  'create_practitioner',
  'update_practitioner',
  'archive_practitioner',
  'session_notes',
  'save_note_draft',
  'sign_note',
  'amend_note',
  'get_music_story',
  'save_music_story',
  'add_avoid',
  'remove_avoid',
  'music_suggestions',
  'prescribe_playlist',
  'update_prescription',
  'set_prescription_status',
  'set_prescription_playlist',
  'waiting_prescriptions',
  'log_listening',
  'playlist_responses',
  'order_playlist_by_response',
  'avoid_after_distress',
  'own_playlists_with_track',
  'after_distress',
  'set_playlist_review',
  'reviews_due',
  'handover_plan',
  'write_handover_pack',
  'session_avoid_flags',
  'playlist_avoid_flags',
  'play_avoid_flags',
  'playlist_play_avoid_flags',
  'previous_avoid_flags',
  'person_notes',
  'search_notes',
  'set_actor',
  'audit_log',
  'list_instruments',
  'create_custom_instrument',
  'update_custom_instrument',
  'archive_custom_instrument',
  'group_instruments',
  'set_group_instruments',
  'record_scores',
  'archive_score_set',
  'score_sheet',
  'person_outcomes',
  'group_outcomes',
  'backup_now',
  'list_backups',
  'restore_backup',
  'vault_status',
  'vault_create',
  'vault_unlock',
  'vault_recover',
  'vault_lock',
  'vault_change_passphrase',
  'vault_set_remember',
  'vault_set_idle_lock',
  'vault_show_recovery_key',
  'register_report',
  'programme_summary',
  'export_report',
  'report_file_name',
  'erase_attendee',
  'read_import_file',
  'preview_import',
  'import_people',
  'team_overview',
  'team_create',
  'team_write_invitation',
  'team_join',
  'team_accept',
  'team_share',
  'team_unshare',
  'team_remove',
  'team_set_hub',
  'team_write_request',
  'team_take_request',
  'team_set_folder',
  'team_set_paused',
  'changed_elsewhere',
  'team_sync_now',
];
