// Generated from Refrain's Rust types by ts-rs. Do not edit by hand:
// run `REFRAIN_UPDATE_BINDINGS=1 cargo test --test bindings` after changing them.

export type Venue = { id: string, name: string, address: string, 
/**
 * Parking, hearing loop, step-free access and the like.
 */
accessNotes: string, archived: boolean, createdAt: string, updatedAt: string, };

export type VenueInput = { name: string, address: string, accessNotes: string, };

export type Weekday = "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";

export type Group = { id: string, name: string, description: string, venueId: string | null, venueName: string | null, weekday: Weekday | null, 
/**
 * `HH:MM`
 */
startTime: string | null, 
/**
 * `HH:MM`
 */
endTime: string | null, capacity: number | null, facilitators: string, archived: boolean, 
/**
 * People who are members today.
 */
memberCount: number, 
/**
 * Date of the next planned session, if any.
 */
nextSession: string | null, createdAt: string, updatedAt: string, };

export type GroupInput = { name: string, description: string, venueId: string | null, weekday: Weekday | null, 
/**
 * `HH:MM`, or empty.
 */
startTime: string, 
/**
 * `HH:MM`, or empty.
 */
endTime: string, capacity: number | null, facilitators: string, };

export type Membership = { id: string, groupId: string, groupName: string, attendeeId: string, attendeeName: string, joinedOn: string, leftOn: string | null, };

export type GroupDetail = { group: Group, 
/**
 * Current members, by name.
 */
members: Array<Membership>, 
/**
 * People who have left, most recent first.
 */
formerMembers: Array<Membership>, 
/**
 * Sessions from today on, soonest first.
 */
upcoming: Array<Session>, 
/**
 * Sessions before today, most recent first.
 */
past: Array<Session>, };

export type Consent = { given: boolean, 
/**
 * The date consent was given or withdrawn (`YYYY-MM-DD`), if recorded.
 */
date: string | null, };

export type Attendee = { id: string, fullName: string, preferredName: string, dateOfBirth: string | null, phone: string, email: string, 
/**
 * A carer or companion who comes along.
 */
carerName: string, accessNeeds: string, communicationNeeds: string, notes: string, consentParticipation: Consent, consentMedia: Consent, consentShareOutcomes: Consent, archived: boolean, createdAt: string, updatedAt: string, };

export type AttendeeInput = { fullName: string, preferredName: string, 
/**
 * `YYYY-MM-DD`, or empty.
 */
dateOfBirth: string, phone: string, email: string, carerName: string, accessNeeds: string, communicationNeeds: string, notes: string, consentParticipation: Consent, consentMedia: Consent, consentShareOutcomes: Consent, };

export type AttendeeSummary = { id: string, fullName: string, preferredName: string, 
/**
 * Names of the groups the person is in today.
 */
groups: Array<string>, archived: boolean, };

export type ReferralSource = "gpLinkWorker" | "socialPrescriber" | "localOrganisation" | "careHome" | "memoryClinic" | "selfOrFamily" | "other";

export type ReferralReason = "loneliness" | "anxiety" | "depression" | "dementiaOrMemoryLoss" | "other";

export type ReferralStatus = "received" | "contacted" | "accepted" | "declined" | "started" | "completed" | "withdrawn";

export type ReferralStatusChange = { status: ReferralStatus, 
/**
 * The date the change happened (`YYYY-MM-DD`).
 */
changedOn: string, note: string, recordedAt: string, };

export type Referral = { id: string, attendeeId: string, source: ReferralSource, referrerName: string, referrerOrganisation: string, receivedOn: string, reasons: Array<ReferralReason>, 
/**
 * Free text when a reason is "other".
 */
reasonNotes: string, 
/**
 * The latest status.
 */
status: ReferralStatus, 
/**
 * Every status with its date, oldest first.
 */
history: Array<ReferralStatusChange>, createdAt: string, updatedAt: string, };

export type ReferralInput = { attendeeId: string, source: ReferralSource, referrerName: string, referrerOrganisation: string, 
/**
 * `YYYY-MM-DD`
 */
receivedOn: string, reasons: Array<ReferralReason>, reasonNotes: string, };

export type AttendanceHistoryEntry = { sessionId: string, groupName: string, date: string, mark: Mark, carerPresent: boolean, walkIn: boolean, };

export type AttendeeDetail = { attendee: Attendee, referrals: Array<Referral>, 
/**
 * Every membership, current ones first.
 */
memberships: Array<Membership>, 
/**
 * Most recent first.
 */
attendance: Array<AttendanceHistoryEntry>, };

export type SessionStatus = "planned" | "held" | "cancelled";

export type Session = { id: string, groupId: string, groupName: string, date: string, startTime: string, endTime: string, venueId: string | null, venueName: string | null, status: SessionStatus, cancelReason: string | null, facilitators: string, 
/**
 * How many people have a mark on the register.
 */
markedCount: number, 
/**
 * How many of those were there (present, late or left early).
 */
attendedCount: number, 
/**
 * How many people are on the register: members on the day, and walk-ins.
 */
expectedCount: number, 
/**
 * The setlist attached to this session, if any.
 */
setlistId: string | null, setlistName: string | null, createdAt: string, updatedAt: string, };

export type SessionInput = { groupId: string, 
/**
 * `YYYY-MM-DD`
 */
date: string, 
/**
 * `HH:MM`
 */
startTime: string, 
/**
 * `HH:MM`
 */
endTime: string, 
/**
 * Defaults to the group's usual venue when empty.
 */
venueId: string | null, 
/**
 * Defaults to the group's facilitators when empty.
 */
facilitators: string, };

export type Mark = "present" | "late" | "leftEarly" | "absent" | "apologies";

export type RegisterEntry = { attendeeId: string, fullName: string, preferredName: string, carerName: string, accessNeeds: string, communicationNeeds: string, 
/**
 * None until the person is marked.
 */
mark: Mark | null, carerPresent: boolean, 
/**
 * Not a member of the group on the session's date.
 */
walkIn: boolean, };

export type Register = { session: Session, groupArchived: boolean, 
/**
 * Members on the session's date, then walk-ins, each by name.
 */
entries: Array<RegisterEntry>, note: SessionNote | null, };

export type SessionNote = { sessionId: string, body: string, createdAt: string, updatedAt: string, };

export type WalkIn = { "kind": "existing", attendeeId: string, } | { "kind": "new", attendee: AttendeeInput, };

export type StoreInfo = { appVersion: string, schemaVersion: number, dataDir: string, isEmpty: boolean, };

export type CheckReport = { schemaVersion: number, integrityOk: boolean, 
/**
 * What SQLite's integrity and foreign-key checks reported, if anything.
 */
problems: Array<string>, counts: Array<[string, number]>, };

export type Track = { id: string, title: string, artist: string, album: string, year: number | null, durationMs: number | null, sampleRate: number | null, channels: number | null, 
/**
 * `wav`, `flac`, `mp3`, `ogg` or `m4a`.
 */
format: string, 
/**
 * The file's name when it was imported.
 */
originalName: string, tags: Array<string>, 
/**
 * The library's copy of the file is gone (deleted or damaged on disk).
 */
missing: boolean, createdAt: string, updatedAt: string, };

export type RefusalReason = "notAudio" | "unsupportedCodec" | "corrupt" | "unreadable";

export type RefusedFile = { 
/**
 * The file's name (not its full path).
 */
fileName: string, reason: RefusalReason, 
/**
 * What went wrong, in plain words.
 */
message: string, };

export type ImportReport = { imported: Array<Track>, 
/**
 * Files whose music was already in the library.
 */
alreadyThere: Array<Track>, refused: Array<RefusedFile>, 
/**
 * The import was cancelled before every file was looked at.
 */
cancelled: boolean, };

export type ImportProgress = { done: number, total: number, 
/**
 * The file being looked at now.
 */
current: string, };

export type PlaylistKind = "setlist" | "personal";

export type PlaylistEntry = { id: string, 
/**
 * 0-based place in the playlist.
 */
position: number, track: Track, 
/**
 * E.g. "sings along, key of G".
 */
note: string, };

export type Playlist = { id: string, kind: PlaylistKind, name: string, 
/**
 * For a setlist: its group.
 */
groupId: string | null, 
/**
 * For a personal playlist: whose it is.
 */
attendeeId: string | null, entries: Array<PlaylistEntry>, createdAt: string, updatedAt: string, };

export type PlaylistSummary = { id: string, kind: PlaylistKind, name: string, groupId: string | null, groupName: string | null, attendeeId: string | null, attendeeName: string | null, trackCount: number, durationMs: number, };

export type PlaylistInput = { name: string, 
/**
 * Required for a setlist.
 */
groupId: string | null, 
/**
 * Required for a personal playlist.
 */
attendeeId: string | null, };

export type PlayerStatus = "idle" | "playing" | "paused" | "stopped" | "noOutput";

export type PlayerState = { status: PlayerStatus, track: Track | null, positionMs: number, durationMs: number | null, 
/**
 * 0.0 to 1.0.
 */
volume: number, looping: boolean, 
/**
 * The playing track's place in the queue, and the queue's length.
 */
queueIndex: number | null, queueLength: number, 
/**
 * Where the queue came from, e.g. a setlist's name.
 */
queueName: string, 
/**
 * A plain message when something went wrong ("That file is missing…").
 */
message: string | null, };

export type Rater = "self" | "therapist" | "carer" | "staff";

export type Origin = "builtIn" | "custom";

export type Scale = { min: number, max: number, 
/**
 * What the lowest value means, where the instrument words it.
 */
minLabel: string | null, 
/**
 * What the highest value means, where the instrument words it.
 */
maxLabel: string | null, 
/**
 * Wording for every point of the scale, where the instrument gives it
 * (SWEMWBS); empty otherwise.
 */
points: Array<ScalePoint>, };

export type ScalePoint = { value: number, label: string, };

export type BandLevel = "veryLow" | "low" | "medium" | "high" | "veryHigh";

export type Band = { min: number, max: number, level: BandLevel, };

export type Item = { 
/**
 * Stable within the instrument; answers name their item by this key.
 */
key: string, 
/**
 * The wording shown to the person, exactly as the instrument gives it.
 */
text: string, 
/**
 * True when a lower answer is the better one (ONS4 anxiety).
 */
lowerIsBetter: boolean, 
/**
 * The bands answers to this item are reported in; empty when it has none.
 */
bands: Array<Band>, };

export type Scoring = { "rule": "meanOfItems" } | { "rule": "itemByItem" } | { "rule": "sumWithMetric", table: Array<MetricPoint>, };

export type MetricPoint = { raw: number, metric: number, };

export type Instrument = { 
/**
 * Stable id, e.g. `ucl-umbrella-generic`. Scores record it.
 */
key: string, 
/**
 * The version of this definition, e.g. `1`. Scores record it.
 */
version: string, name: string, origin: Origin, 
/**
 * Who published the instrument, for built-ins.
 */
attribution: string | null, 
/**
 * What the therapist should know before using it (e.g. registration). Guidance
 * for the therapist, not part of the instrument's wording.
 */
notice: string | null, scale: Scale, 
/**
 * In the order they are asked.
 */
items: Array<Item>, scoring: Scoring, 
/**
 * Who may give a rating with this instrument.
 */
raters: Array<Rater>, };

export type CustomInstrumentInput = { name: string, 
/**
 * The wording of each item, in the order they are asked (1 to 20).
 */
items: Array<string>, 
/**
 * The lowest answer (0 or more).
 */
scaleMin: number, 
/**
 * The highest answer (100 at most, more than the lowest).
 */
scaleMax: number, 
/**
 * What the lowest answer means, e.g. "not at all".
 */
minLabel: string, 
/**
 * What the highest answer means, e.g. "very much".
 */
maxLabel: string, 
/**
 * True when a lower answer is the better one (e.g. "Worried"): then a person
 * has improved when their mean fell.
 */
lowerIsBetter: boolean, };

export type Response = { itemKey: string, value: number, };

export type MissingItem = { key: string, text: string, };

export type Checked = { "status": "complete", responses: Array<Response>, } | { "status": "incomplete", missing: Array<MissingItem>, };

export type Scored = { "status": "complete", score: PersonScore, } | { "status": "incomplete", missing: Array<MissingItem>, };

export type PersonScore = { instrumentKey: string, instrumentVersion: string, rater: Rater, 
/**
 * The answers, in the instrument's item order.
 */
responses: Array<Response>, result: ScoreResult, };

export type ScoreResult = { "rule": "meanOfItems", mean: number, } | { "rule": "itemByItem", items: Array<ItemResult>, } | { "rule": "sumWithMetric", raw: number, metric: number, };

export type ItemResult = { itemKey: string, value: number, band: BandLevel | null, };

export type Change = { 
/**
 * After minus before, in the scale's points.
 */
points: number, 
/**
 * The change as a percent of before; `None` when before is zero.
 */
percent: number | null, };

export type Direction = "improved" | "same" | "worse";

export type PrePost = { personId: string, rater: Rater, 
/**
 * Empty when not taken.
 */
pre: Array<Response>, 
/**
 * Empty when not taken.
 */
post: Array<Response>, };

export type PersonChange = { personId: string, preMean: number, postMean: number, change: Change, direction: Direction, };

export type ItemSummary = { itemKey: string, 
/**
 * `None` when nobody was counted.
 */
preMean: number | null, postMean: number | null, change: Change | null, };

export type LeftOut = { personId: string, missingPre: Array<MissingItem>, missingPost: Array<MissingItem>, };

export type GroupSummary = { instrumentKey: string, instrumentVersion: string, rater: Rater, 
/**
 * People counted (complete before and after).
 */
counted: number, 
/**
 * `None` when nobody was counted.
 */
preMean: number | null, postMean: number | null, change: Change | null, 
/**
 * In the instrument's item order.
 */
items: Array<ItemSummary>, improved: number, same: number, worse: number, 
/**
 * Every counted person, in the order given.
 */
people: Array<PersonChange>, 
/**
 * Everyone not counted, in the order given.
 */
leftOut: Array<LeftOut>, };

export type CommandError = { 
/**
 * Stable and machine-readable: `invalid`, `conflict`, `not_found`,
 * `newer_schema`, `open_failed`, `migration_failed`, `database`, `io`,
 * `no_data_dir`, `busy`, and the audio engine's: `not_audio`,
 * `unsupported_codec`, `corrupt`, `missing_file`, `unreadable`, `no_output`.
 */
code: string, 
/**
 * A sentence for the person using the app.
 */
message: string, 
/**
 * For `invalid`: the input field (camelCase) the message belongs beside.
 */
field: string | null, };
