// Generated from Refrain's Rust types by ts-rs. Do not edit by hand:
// run `REFRAIN_UPDATE_BINDINGS=1 cargo test --test main bindings` after changing them.

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
endTime: string | null, capacity: number | null, facilitators: string, 
/**
 * Who the group is for, in words (for a directory listing); may be
 * empty.
 */
eligibility: string, 
/**
 * The youngest age the group takes, if it has one.
 */
minimumAge: number | null, 
/**
 * The oldest age the group takes, if it has one.
 */
maximumAge: number | null, archived: boolean, 
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
endTime: string, capacity: number | null, facilitators: string, 
/**
 * Who the group is for, in words, or empty.
 */
eligibility: string, minimumAge: number | null, maximumAge: number | null, };

export type Membership = { id: string, groupId: string, groupName: string, attendeeId: string, attendeeName: string, joinedOn: string, leftOn: string | null, 
/**
 * The person's information needs, shown beside their name.
 */
informationNeeds: InformationNeeds, };

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
carerName: string, accessNeeds: string, communicationNeeds: string, 
/**
 * The Accessible Information Standard's flags: how to give them
 * information and how to reach them.
 */
informationNeeds: InformationNeeds, notes: string, consentParticipation: Consent, consentMedia: Consent, consentShareOutcomes: Consent, archived: boolean, createdAt: string, updatedAt: string, };

export type AttendeeInput = { fullName: string, preferredName: string, 
/**
 * `YYYY-MM-DD`, or empty.
 */
dateOfBirth: string, phone: string, email: string, carerName: string, accessNeeds: string, communicationNeeds: string, informationNeeds: InformationNeeds, notes: string, consentParticipation: Consent, consentMedia: Consent, consentShareOutcomes: Consent, };

export type InformationNeeds = { largePrint: boolean, easyRead: boolean, 
/**
 * Information goes to, and contact is made through, their carer.
 */
contactViaCarer: boolean, interpreter: boolean, 
/**
 * The language to interpret into (British Sign Language included);
 * needed when `interpreter` is set, empty otherwise.
 */
interpreterLanguage: string, hearingLoop: boolean, };

export type InformationNeed = "largePrint" | "easyRead" | "contactViaCarer" | "interpreter" | "hearingLoop";

export type AttendeeSummary = { id: string, fullName: string, preferredName: string, 
/**
 * Names of the groups the person is in today.
 */
groups: Array<string>, archived: boolean, 
/**
 * Shown beside the name in the people list.
 */
informationNeeds: InformationNeeds, };

export type ReferralSource = "gpLinkWorker" | "socialPrescriber" | "localOrganisation" | "careHome" | "memoryClinic" | "selfOrFamily" | "other";

export type ReferralReason = "loneliness" | "anxiety" | "depression" | "dementiaOrMemoryLoss" | "other";

export type ReferralStatus = "received" | "contacted" | "accepted" | "declined" | "started" | "completed" | "withdrawn";

export type DeclineReason = "notSuitable" | "noPlace" | "couldNotContact" | "personDeclined" | "other";

export type ReferralStatusChange = { status: ReferralStatus, 
/**
 * The date the change happened (`YYYY-MM-DD`).
 */
changedOn: string, note: string, 
/**
 * Set when the change is a decline (required for new declines).
 */
declineReason: DeclineReason | null, recordedAt: string, };

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
history: Array<ReferralStatusChange>, 
/**
 * A request for a personal playlist that came with the referral.
 */
prescription: PlaylistPrescription | null, createdAt: string, updatedAt: string, };

export type ReferralInput = { attendeeId: string, source: ReferralSource, referrerName: string, referrerOrganisation: string, 
/**
 * `YYYY-MM-DD`
 */
receivedOn: string, reasons: Array<ReferralReason>, reasonNotes: string, };

export type PracticeSettings = { 
/**
 * Days a new referral may wait for its first answer (accepted or
 * declined) before it is overdue. Two weeks unless changed.
 */
referralResponseDays: number, 
/**
 * The measure taken at the start and the end of every referral's
 * episode (ONS4 unless changed).
 */
episodeInstrumentKey: string, };

export type PracticeDetails = { name: string, 
/**
 * A sentence or two about the practice, for a directory.
 */
description: string, email: string, phone: string, 
/**
 * `https://...`, or empty.
 */
website: string, };

export type AwaitingReferral = { referralId: string, attendeeId: string, fullName: string, source: ReferralSource, 
/**
 * "Name, organisation", either may be missing; empty when neither was recorded.
 */
referrer: string, receivedOn: string, 
/**
 * The last day to answer in time (`YYYY-MM-DD`).
 */
dueOn: string, 
/**
 * Whole days since it was received (0 on the day).
 */
daysWaiting: number, 
/**
 * Past the deadline with no answer.
 */
overdue: boolean, 
/**
 * The person's information needs, shown beside their name.
 */
informationNeeds: InformationNeeds, };

export type AwaitingReplies = { responseDays: number, referrals: Array<AwaitingReferral>, overdue: number, };

export type ReferralTiming = { 
/**
 * The practice's deadline for a first answer, in days.
 */
responseDays: number, 
/**
 * Referrals counted (the summary's referrals).
 */
referrals: number, 
/**
 * Of those, answered (accepted, declined, started or completed) by now.
 */
answered: number, 
/**
 * Of those answered, answered within the deadline.
 */
answeredInTime: number, 
/**
 * Median days to the first answer; `None` when none was answered.
 */
medianDaysToAnswer: number | null, 
/**
 * Not answered, and past the deadline today.
 */
overdue: number, 
/**
 * Referrals whose person came to a session of these groups on or
 * after the day it was received.
 */
came: number, 
/**
 * Of those who came, how many first came within the practice's
 * deadline (the same count of days as for an answer).
 */
cameInTime: number, 
/**
 * Median days from receiving the referral to the first session attended.
 */
medianDaysToFirstSession: number | null, };

export type EpisodeLine = { 
/**
 * "Overall" or the item's words.
 */
label: string, start: number | null, end: number | null, 
/**
 * End minus start, when both were taken.
 */
change: number | null, 
/**
 * A fall is the better way (ONS4's anxiety question).
 */
lowerIsBetter: boolean, 
/**
 * Whether the change is for the better; `None` with no change or no pair.
 */
better: boolean | null, };

export type EpisodeOutcome = { referralId: string, instrumentKey: string, instrumentName: string, rater: Rater | null, startOn: string | null, endOn: string | null, 
/**
 * One line per item for a measure reported item by item, else the
 * overall score.
 */
lines: Array<EpisodeLine>, 
/**
 * What is due now: `intake` once the person has come to a session since
 * the referral and no start was taken; `discharge` once the referral is
 * completed or withdrawn with a start but no end.
 */
due: Timing | null, };

export type EpisodeChange = { instrumentName: string, rater: Rater, 
/**
 * Referrals with a start measure.
 */
started: number, 
/**
 * Of those, with an end measure too: the pairs the lines are the means of.
 */
both: number, 
/**
 * Mean start, end and change over the pairs, per item or overall.
 */
lines: Array<EpisodeLine>, };

export type EpisodeDue = { attendeeId: string, fullName: string, referralId: string, instrumentKey: string, instrumentName: string, 
/**
 * `intake` (the start) or `discharge` (the end).
 */
due: Timing, 
/**
 * The person's information needs, shown beside their name.
 */
informationNeeds: InformationNeeds, };

export type AttendanceHistoryEntry = { sessionId: string, groupName: string, date: string, mark: Mark, carerPresent: boolean, walkIn: boolean, };

export type AttendeeDetail = { attendee: Attendee, referrals: Array<Referral>, 
/**
 * Every membership, current ones first.
 */
memberships: Array<Membership>, 
/**
 * Most recent first.
 */
attendance: Array<AttendanceHistoryEntry>, 
/**
 * Set when the record was erased on request: only the anonymous
 * placeholder is left.
 */
erasure: Erasure | null, 
/**
 * Each referral's start and end measures, in the order of `referrals`.
 */
episodes: Array<EpisodeOutcome>, };

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
setlistId: string | null, setlistName: string | null, 
/**
 * The music to play for this session: its own setlist when that has
 * music in it, else the group's usual one (the setlist of its latest
 * session up to this one that had one with music, else its setlist with
 * music changed most recently). None when the group has no music yet.
 */
musicId: string | null, musicName: string | null, createdAt: string, updatedAt: string, };

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

export type RegisterEntry = { attendeeId: string, fullName: string, preferredName: string, carerName: string, accessNeeds: string, communicationNeeds: string, informationNeeds: InformationNeeds, 
/**
 * None until the person is marked.
 */
mark: Mark | null, carerPresent: boolean, 
/**
 * Not a member of the group on the session's date.
 */
walkIn: boolean, 
/**
 * The start measure of the person's referral, when it is due at this
 * session (it was referred before it and no start measure has been
 * taken since): offered beside them, for the therapist.
 */
measureDue: EpisodeDue | null, };

export type Register = { session: Session, groupArchived: boolean, 
/**
 * Whether who came can be recorded: not before the session's day (only
 * apologies and absences can be recorded ahead of time).
 */
canRecordWhoCame: boolean, 
/**
 * How many people on the register have no mark yet: the people
 * "everyone else is here" would mark present.
 */
unmarkedCount: number, 
/**
 * Members on the session's date, then walk-ins, each by name.
 */
entries: Array<RegisterEntry>, };

export type EveryoneHere = { register: Register, 
/**
 * The people it marked present (attendee ids, in register order).
 */
attendeeIds: Array<string>, 
/**
 * The marks it made, to hand back to undo.
 */
markIds: Array<string>, };

export type EveryoneHereUndone = { register: Register, 
/**
 * The people whose marks were cleared (attendee ids).
 */
cleared: Array<string>, 
/**
 * The people whose marks were changed after being set, so were left as
 * they are (attendee ids).
 */
kept: Array<string>, };

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

export type DamagedFile = { 
/**
 * The file's name (not its full path).
 */
fileName: string, trackId: string, 
/**
 * The length the file gives, as listed.
 */
listedMs: number, 
/**
 * How much music could be read.
 */
readableMs: number, 
/**
 * In plain words: "… may be damaged: only 0:00.2 could be read (it says 0:12)."
 */
message: string, };

export type ImportReport = { imported: Array<Track>, 
/**
 * Files whose music was already in the library.
 */
alreadyThere: Array<Track>, refused: Array<RefusedFile>, 
/**
 * Files added whose container says more than could be read: they may
 * be damaged (a copy cut short).
 */
mayBeDamaged: Array<DamagedFile>, 
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
attendeeId: string | null, entries: Array<PlaylistEntry>, 
/**
 * For a personal playlist: when to look again at how it is working
 * (`YYYY-MM-DD`); shown on Today from that day.
 */
reviewOn: string | null, createdAt: string, updatedAt: string, };

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

export type Timing = "before" | "after" | "intake" | "review" | "discharge";

export type GroupInstrument = { instrumentKey: string, 
/**
 * The instrument's name (latest version), for lists.
 */
name: string, 
/**
 * Who rates by default in the quick entry grid (can be changed per person).
 */
rater: Rater, };

export type GroupInstrumentChoice = { instrumentKey: string, rater: Rater, };

export type ScoreSetInput = { attendeeId: string, 
/**
 * Required for before/after, absent otherwise.
 */
sessionId: string | null, instrumentKey: string, timing: Timing, rater: Rater, 
/**
 * Who gave a proxy rating ("Jean, daughter"); empty for self-report.
 */
raterName: string, 
/**
 * `YYYY-MM-DD`: for intake/review/discharge (today when absent); a
 * session's sets take the session's date.
 */
takenOn: string | null, 
/**
 * Possibly partial: a set missing items is kept, shown as incomplete and
 * never scored. An empty list for a session set removes that set.
 */
answers: Array<Response>, };

export type ScoreSet = { id: string, attendeeId: string, sessionId: string | null, instrumentKey: string, instrumentVersion: string, timing: Timing, rater: Rater, raterName: string, takenOn: string, 
/**
 * In the instrument's item order.
 */
answers: Array<Response>, 
/**
 * The score, or the items still missing.
 */
scored: Scored, createdAt: string, updatedAt: string, };

export type ScoreSheetRow = { attendeeId: string, 
/**
 * Preferred name if any, else full name.
 */
name: string, 
/**
 * Every before/after set recorded for this person in this session.
 */
sets: Array<ScoreSet>, };

export type ScoreSheet = { sessionId: string, 
/**
 * The group's choice, in its order.
 */
choices: Array<GroupInstrument>, 
/**
 * The definitions (current versions) of the chosen instruments.
 */
instruments: Array<Instrument>, 
/**
 * People marked present, late or left early, in the register's order.
 */
rows: Array<ScoreSheetRow>, 
/**
 * For each mean-scored instrument and rater with any answers: the
 * session's before/after summary.
 */
summaries: Array<GroupSummary>, };

export type SessionPrePost = { sessionId: string, date: string, groupName: string, rater: Rater, 
/**
 * The person's score before (mean, or metric for SWEMWBS); `None` when
 * not taken or incomplete.
 */
before: number | null, after: number | null, change: Change | null, };

export type PersonInstrumentHistory = { 
/**
 * The current version (older sets keep and show their own version).
 */
instrument: Instrument, 
/**
 * Every set, oldest first.
 */
sets: Array<ScoreSet>, 
/**
 * Per session, oldest first (mean-scored instruments).
 */
sessions: Array<SessionPrePost>, };

export type PersonOutcomes = { attendeeId: string, instruments: Array<PersonInstrumentHistory>, };

export type SessionSummary = { sessionId: string, date: string, summaries: Array<GroupSummary>, };

export type GroupInstrumentOutcome = { instrument: Instrument, 
/**
 * Over the whole period, one per rater (self and proxy ratings apart).
 * Every person-session pair with complete answers before and after counts
 * once.
 */
summaries: Array<GroupSummary>, 
/**
 * Session by session, oldest first; sessions with no answers are left out.
 */
sessions: Array<SessionSummary>, };

export type GroupOutcomes = { groupId: string, 
/**
 * `YYYY-MM-DD`, both included.
 */
from: string, to: string, instruments: Array<GroupInstrumentOutcome>, };

export type Practitioner = { id: string, name: string, 
/**
 * HCPC registration number, e.g. `AS12345` (arts therapists). Empty when
 * not registered (a student, say): such a practitioner cannot sign.
 */
hcpcNumber: string, archived: boolean, createdAt: string, updatedAt: string, };

export type PractitionerInput = { name: string, hcpcNumber: string, };

export type Signature = { practitionerId: string, name: string, hcpcNumber: string, 
/**
 * RFC 3339 UTC.
 */
at: string, };

export type Amendment = { id: string, noteId: string, 
/**
 * The amendment's text.
 */
body: string, 
/**
 * Why the note was amended.
 */
reason: string, author: Signature, };

export type Note = { id: string, sessionId: string, 
/**
 * The session's date, `YYYY-MM-DD`.
 */
sessionDate: string, 
/**
 * The group the session belongs to.
 */
groupName: string, 
/**
 * `None` for the group note.
 */
attendeeId: string | null, 
/**
 * The person's name (preferred name if any) for a person's note.
 */
attendeeName: string | null, 
/**
 * The text as drafted, or as signed (never changed after signing).
 */
body: string, 
/**
 * `None` while a draft.
 */
signed: Signature | null, 
/**
 * Oldest first.
 */
amendments: Array<Amendment>, createdAt: string, 
/**
 * When the draft was last saved.
 */
updatedAt: string, };

export type SessionNotes = { sessionId: string, groupNote: Note | null, 
/**
 * Every note about a person in this session, in the register's order.
 */
personNotes: Array<Note>, };

export type NoteHit = { noteId: string, sessionId: string, sessionDate: string, groupId: string, groupName: string, attendeeId: string | null, attendeeName: string | null, 
/**
 * True when the words were found in an amendment rather than the note.
 */
inAmendment: boolean, signed: boolean, 
/**
 * Plain text around the match; each matched word starts with U+0002 and
 * ends with U+0003.
 */
snippet: string, };

export type MusicStory = { attendeeId: string, 
/**
 * The year they were born: from the date of birth when it is recorded,
 * else the year alone recorded here.
 */
birthYear: number | null, 
/**
 * True when `birth_year` comes from the record's date of birth.
 */
birthYearFromDateOfBirth: boolean, 
/**
 * The calendar years they were 10 and 30: their reminiscence years, the
 * music they are most likely to remember.
 */
reminiscenceFrom: number | null, reminiscenceTo: number | null, 
/**
 * Where they grew up and lived.
 */
places: string, 
/**
 * Languages and heritage.
 */
languages: string, 
/**
 * What music meant to them: an instrument, a choir, dancing.
 */
musicMeant: string, favouriteGenres: string, favouriteArtists: string, 
/**
 * Songs named, one a line; they need not be in the library.
 */
favouriteSongs: string, 
/**
 * Headphones, speaker, hearing aids, who presses play.
 */
howTheyListen: string, 
/**
 * Songs and artists to avoid, each with why, oldest first.
 */
avoid: Array<AvoidEntry>, 
/**
 * When the story was last saved; `None` when nothing is recorded yet.
 */
updatedAt: string | null, };

export type MusicStoryInput = { 
/**
 * The year they were born, when only the year is known (`1941`), or
 * empty. Ignored in favour of the date of birth when that is recorded,
 * and refused when it disagrees with it.
 */
birthYear: string, places: string, languages: string, musicMeant: string, favouriteGenres: string, favouriteArtists: string, favouriteSongs: string, howTheyListen: string, };

export type AvoidKind = "song" | "artist";

export type AvoidEntry = { id: string, attendeeId: string, kind: AvoidKind, 
/**
 * The library's track, when the song was chosen from it.
 */
trackId: string | null, 
/**
 * The song's title (empty for an artist).
 */
title: string, 
/**
 * The artist (may be empty for a song typed without one).
 */
artist: string, why: string, createdAt: string, };

export type AvoidInput = { kind: AvoidKind, trackId: string | null, title: string, artist: string, why: string, };

export type AvoidFlag = { trackId: string, trackTitle: string, attendeeId: string, attendeeName: string, entry: AvoidEntry, };

export type Suggestion = { track: Track, 
/**
 * Why it is suggested, strongest first ("Named as a favourite song",
 * "By Vera Lynn, a favourite artist", "From 1952, when they were 11").
 */
reasons: Array<string>, 
/**
 * Already in one of their personal playlists.
 */
inTheirPlaylists: boolean, };

export type NamedSong = { title: string, artist: string, };

export type MusicSuggestions = { attendeeId: string, 
/**
 * Best first: named favourites, then favourite artists, their
 * reminiscence years and favourite genres. Never anything on their
 * avoid list.
 */
suggestions: Array<Suggestion>, 
/**
 * Favourite songs named in the life story that are not in the library
 * yet: the "to find" list.
 */
toFind: Array<NamedSong>, 
/**
 * Tracks that would have been suggested but are on their avoid list.
 */
leftOutAsAvoided: number, };

export type PrescriptionPurpose = "calm" | "sleep" | "mood" | "reminiscence" | "connection" | "other";

export type PrescriptionStatus = "requested" | "beingBuilt" | "tried" | "handedOver" | "reviewed";

export type PrescriptionStatusChange = { status: PrescriptionStatus, 
/**
 * The date it happened (`YYYY-MM-DD`).
 */
changedOn: string, note: string, recordedAt: string, };

export type PlaylistPrescription = { id: string, referralId: string, purposes: Array<PrescriptionPurpose>, 
/**
 * More on what it is for ("before her bath at 7 pm").
 */
purposeNotes: string, 
/**
 * What the referrer knows of the person's music life story.
 */
knownStory: string, 
/**
 * What the referrer says to avoid, and why.
 */
avoidNotes: string, 
/**
 * The latest status.
 */
status: PrescriptionStatus, 
/**
 * Every status with its date, oldest first (the first is "requested").
 */
history: Array<PrescriptionStatusChange>, 
/**
 * The personal playlist made for it, once chosen.
 */
playlistId: string | null, playlistName: string | null, createdAt: string, updatedAt: string, };

export type PrescriptionInput = { purposes: Array<PrescriptionPurpose>, purposeNotes: string, knownStory: string, avoidNotes: string, 
/**
 * `YYYY-MM-DD`: when it was requested (not before the referral came in).
 */
requestedOn: string, };

export type WaitingPrescription = { prescription: PlaylistPrescription, attendeeId: string, attendeeName: string, 
/**
 * "Name, organisation" of the referrer, or the source's label.
 */
referredBy: string, 
/**
 * When it was requested (`YYYY-MM-DD`).
 */
requestedOn: string, 
/**
 * Days since it was requested.
 */
daysWaiting: number, };

export type ListeningPlace = "session" | "home";

export type Listening = { id: string, attendeeId: string, trackId: string, trackTitle: string, 
/**
 * `YYYY-MM-DD`
 */
heardOn: string, place: ListeningPlace, 
/**
 * On the guide's scale: 0 no recognition, 1 slight interest, 2 weak
 * familiarity, 3 "I may have heard this", 4 "I've known this a long
 * time", 5 a specific memory.
 */
response: number | null, distress: boolean, note: string, createdAt: string, };

export type ListeningInput = { attendeeId: string, trackId: string, 
/**
 * `YYYY-MM-DD`; empty means today (or the session's day).
 */
heardOn: string, place: ListeningPlace, 
/**
 * Recorded from this session's register: the entry takes the
 * session's date and is refused where the register can't be marked
 * (a cancelled session, an archived group, a day not yet come, a
 * person not on it).
 */
sessionId?: string, response: number | null, distress: boolean, note: string, };

export type TrackResponse = { trackId: string, 
/**
 * Times it was recorded.
 */
times: number, 
/**
 * The mean of the responses given (distress alone gives none).
 */
averageResponse: number | null, 
/**
 * Times it caused distress.
 */
distressed: number, 
/**
 * The latest entry, if any.
 */
last: Listening | null, };

export type ReviewDue = { playlistId: string, playlistName: string, attendeeId: string, attendeeName: string, 
/**
 * `YYYY-MM-DD`
 */
reviewOn: string, };

export type HandoverInput = { playlistId: string, 
/**
 * Print the person's name on the sheet (left off unless asked).
 */
printName: boolean, whenToPlay: string, howLong: string, helpsWith: string, 
/**
 * What to do if the music upsets them (needed).
 */
ifUpset: string, 
/**
 * Who to contact with questions (needed).
 */
contact: string, };

export type HandoverPlan = { helpsWith: string, howLong: string, 
/**
 * Where the pack goes unless the therapist chooses another folder or a
 * USB stick: the reports folder.
 */
folder: string, 
/**
 * The person's communication and information needs (the Accessible
 * Information Standard's flags), printed on the sheet under "Who to
 * contact".
 */
informationNeeds: InformationNeeds, };

export type HandoverDone = { 
/**
 * The pack's new folder.
 */
folder: string, songs: number, bytes: number, };

export type LyricsRights = "publicDomain" | "licensed" | "unknown";

export type Lyrics = { trackId: string, 
/**
 * As typed: verses are separated by a blank line.
 */
words: string, rights: LyricsRights, 
/**
 * Who wrote them, or whose licence covers them ("Harry Dacre, 1892").
 */
credit: string, 
/**
 * Whether they may be printed or shown (the rights are known).
 */
mayShow: boolean, updatedAt: string, };

export type LyricsInput = { words: string, rights: LyricsRights, credit: string, };

export type SongbookSong = { trackId: string, title: string, artist: string, 
/**
 * The verses in order (the words split at blank lines), each its lines
 * joined by "\n".
 */
verses: Array<string>, 
/**
 * The credit line printed at the song's foot ("Words: Harry Dacre,
 * 1892. Public domain.").
 */
creditLine: string, };

export type SongRef = { trackId: string, title: string, artist: string, };

export type Songbook = { playlistId: string, 
/**
 * "Song book: Tuesday Singers" for a group's setlist; for a personal
 * playlist only "Song book" (the book may be seen by the room).
 */
title: string, songs: Array<SongbookSong>, 
/**
 * Songs whose words are not in Refrain: left out of the book.
 */
withoutWords: Array<SongRef>, 
/**
 * Songs whose words are kept but whose rights are not known: nothing is
 * printed or shown while there are any.
 */
unknownRights: Array<SongRef>, };

export type BackupKind = "auto" | "beforeMigration" | "manual";

export type BackupInfo = { path: string, fileName: string, 
/**
 * When it was made (UTC, RFC 3339), from its name.
 */
time: string, sizeBytes: number, kind: BackupKind, 
/**
 * For `beforeMigration`: the schema version the data was about to be
 * updated to.
 */
beforeVersion: number | null, };

export type RestoreReport = { restoredFrom: string, 
/**
 * The restored file's schema version (it is updated when next opened).
 */
schemaVersion: number, 
/**
 * Where the data it replaced was moved (`backups/replaced-<time>/`), if
 * there was any.
 */
replacedMovedTo: string | null, };

export type AuditAction = "created" | "changed" | "archived" | "signed" | "amended" | "removed";

export type AuditFilter = { 
/**
 * One record's history (a note's includes its amendments).
 */
recordId: string | null, 
/**
 * One practitioner's changes.
 */
practitionerId: string | null, limit: number, };

export type AuditEntry = { 
/**
 * RFC 3339, UTC.
 */
at: string, practitionerId: string | null, 
/**
 * `None` when no one was chosen or the practitioner is unknown.
 */
practitionerName: string | null, recordTable: string, recordId: string, action: AuditAction, 
/**
 * The kind of record in plain words: "person", "register mark",
 * "clinical note"...
 */
what: string, };

export type ExportFormat = "csv" | "xlsx" | "pdf" | "json";

export type ReportRequest = { "kind": "register", groupId: string, from: string, to: string, } | { "kind": "allRegisters", from: string, to: string, } | { "kind": "programme", groupIds: Array<string>, from: string, to: string, narrative: string, } | { "kind": "referrerFeedback", attendeeId: string, summary: string, } | { "kind": "subjectAccess", attendeeId: string, } | { "kind": "directory", } | { "kind": "songBook", playlistId: string, };

export type ReportStamp = { 
/**
 * Local date and time, e.g. `23 Nov 2026 17:40`.
 */
producedAt: string, 
/**
 * The practitioner using Refrain; empty when no one was chosen.
 */
producedBy: string, appVersion: string, 
/**
 * On a laptop in a team: how recent the records from the team's other
 * laptops are ("Records from the team's other laptops as of: ...").
 * Empty without a team.
 */
recordsAsOf: string, };

export type RegisterSession = { sessionId: string, date: string, startTime: string, status: SessionStatus, 
/**
 * People who came (present, late or left early).
 */
attended: number, 
/**
 * People expected: members on the day and walk-ins. Counted only for
 * held sessions (0 for planned and cancelled ones).
 */
expected: number, };

export type RegisterCell = { "kind": "notMember" } | { "kind": "cancelled" } | { "kind": "planned" } | { "kind": "notMarked" } | { "kind": "marked", mark: Mark, walkIn: boolean, };

export type RegisterPerson = { attendeeId: string, fullName: string, 
/**
 * One per session, in the sessions' order.
 */
cells: Array<RegisterCell>, 
/**
 * Held sessions this person came to.
 */
attended: number, 
/**
 * Held sessions this person was expected at (a member on the day, or
 * came as a walk-in).
 */
expected: number, 
/**
 * `attended / expected` as a percentage; `None` when expected is 0.
 */
rate: number | null, };

export type RegisterReport = { groupId: string, groupName: string, 
/**
 * The group's usual venue, else the venues its sessions used.
 */
venue: string, 
/**
 * `YYYY-MM-DD`, both included.
 */
from: string, to: string, sessions: Array<RegisterSession>, 
/**
 * By name.
 */
people: Array<RegisterPerson>, attended: number, expected: number, rate: number | null, stamp: ReportStamp, };

export type ReferralCount = { 
/**
 * The plain label ("GP link worker").
 */
source: string, 
/**
 * In the order of `ProgrammeSummary::referral_statuses`.
 */
byStatus: Array<number>, total: number, };

export type WellbeingLine = { 
/**
 * "Overall" or the item's words.
 */
label: string, before: number | null, after: number | null, change: Change | null, };

export type WellbeingChange = { instrumentName: string, instrumentVersion: string, rater: Rater, 
/**
 * The scale's range, for charts.
 */
scaleMin: number, scaleMax: number, 
/**
 * Person-sessions with complete answers before and after.
 */
counted: number, improved: number, same: number, worse: number, 
/**
 * The overall line first, then each item in the measure's order.
 */
lines: Array<WellbeingLine>, };

export type ProgrammeSummary = { groupNames: Array<string>, from: string, to: string, 
/**
 * Every session in the period, whatever became of it.
 */
sessionsPlanned: number, sessionsHeld: number, sessionsCancelled: number, 
/**
 * Planned sessions not (yet) held or cancelled.
 */
sessionsNotYetHeld: number, 
/**
 * People who came to at least one session.
 */
uniqueParticipants: number, 
/**
 * Of those, people who came to three or more.
 */
participantsThreeOrMore: number, attended: number, expected: number, attendanceRate: number | null, 
/**
 * People who were members at any time in the period.
 */
membersInPeriod: number, 
/**
 * Of those, still members on the last day of the period.
 */
membersRetained: number, retentionRate: number | null, 
/**
 * The statuses counted, as plain labels, in order.
 */
referralStatuses: Array<string>, referrals: Array<ReferralCount>, referralsTotal: number, referralTiming: ReferralTiming, 
/**
 * Start and end measures of the referrals counted above.
 */
episodes: Array<EpisodeChange>, wellbeing: Array<WellbeingChange>, narrative: string, stamp: ReportStamp, };

export type FeedbackMeasure = { instrumentName: string, rater: Rater, firstOn: string, first: string, latestOn: string | null, latest: string | null, change: Change | null, };

export type MessageHeading = "person" | "needsAndConcerns" | "supportOffered" | "outcomes";

export type CodedEntry = { heading: MessageHeading, system: string, code: string, term: string, checkedAgainst: Array<string>, };

export type ReferrerFeedback = { attendeeId: string, fullName: string, dateOfBirth: string | null, 
/**
 * How the person needs information given (large print makes the PDF
 * large print).
 */
informationNeeds: InformationNeeds, 
/**
 * "Name, organisation" of the latest referral, if any.
 */
referredBy: string, 
/**
 * Where the latest referral came from, and why.
 */
referralSource: ReferralSource | null, reasons: Array<ReferralReason>, reasonNotes: string, referredOn: string | null, 
/**
 * The first answer given to that referral (accepted or declined, with
 * its date and, for a decline, the reason); `None` while unanswered.
 */
answer: ReferralStatusChange | null, 
/**
 * The practice's measure at the start and the end of that referral.
 */
episode: EpisodeOutcome | null, groups: Array<string>, 
/**
 * Dates attended, oldest first, with the group.
 */
attended: Array<AttendanceHistoryEntry>, sessionsOffered: number, measures: Array<FeedbackMeasure>, summary: string, 
/**
 * The SNOMED CT codes that apply, verified ones only.
 */
codes: Array<CodedEntry>, 
/**
 * The playlist prescription on the latest referral, answered: where it
 * stands, with every date.
 */
prescription: PlaylistPrescription | null, 
/**
 * How many songs the prescribed playlist holds, once one is chosen.
 */
prescribedSongs: number | null, stamp: ReportStamp, };

export type SubjectAccess = { attendee: Attendee, referrals: Array<Referral>, memberships: Array<Membership>, 
/**
 * Oldest first.
 */
attendance: Array<AttendanceHistoryEntry>, outcomes: PersonOutcomes, 
/**
 * With amendments; drafts included (they are held too).
 */
notes: Array<Note>, 
/**
 * Names of the personal playlists held for this person.
 */
playlists: Array<string>, 
/**
 * Their music life story and the music they must not hear.
 */
musicStory: MusicStory, 
/**
 * How songs went for them, newest first.
 */
listening: Array<Listening>, audit: Array<AuditEntry>, stamp: ReportStamp, };

export type ExportDone = { path: string, bytes: number, };

export type ExportProgress = { done: number, total: number, 
/**
 * What is being done, in plain words ("Reading the register").
 */
stage: string, };

export type Erasure = { attendeeId: string, erasedAt: string, reason: string, practitionerName: string | null, 
/**
 * What was removed, for the confirmation ("3 referrals, 12 score sets, ...").
 */
removed: Array<string>, };

export type ImportField = "fullName" | "preferredName" | "dateOfBirth" | "phone" | "email" | "carerName" | "accessNeeds" | "communicationNeeds" | "notes" | "consentParticipation" | "consentShareOutcomes" | "referralSource" | "referrerName" | "referrerOrganisation" | "referralReceivedOn" | "referralReasons";

export type ImportTableRow = { 
/**
 * The row's number as the spreadsheet program shows it (the header is
 * usually row 1). Blank rows are left out but still counted.
 */
row: number, 
/**
 * One text per column, trimmed; as many as there are headers.
 */
cells: Array<string>, };

export type ImportTable = { 
/**
 * The file's name (not its full path).
 */
fileName: string, 
/**
 * For an Excel workbook: the sheet that was read (the first with
 * anything in it).
 */
sheetName: string | null, 
/**
 * For a CSV file: how its text was encoded ("UTF-8", "UTF-8 with BOM",
 * "UTF-16", "Windows-1252").
 */
encoding: string | null, 
/**
 * The row holding the column headings (the first row with anything in it).
 */
headerRow: number, 
/**
 * The column headings, trimmed (empty for a column without one).
 */
headers: Array<string>, rows: Array<ImportTableRow>, };

export type ColumnMapping = { columns: Array<ImportField | null>, };

export type ImportProblem = { 
/**
 * The row's number as the spreadsheet program shows it.
 */
row: number, 
/**
 * The column's letter and heading, e.g. "C (Date of birth)", when the
 * problem is in one cell.
 */
column: string | null, field: ImportField | null, 
/**
 * The whole sentence, e.g. "Row 7, column C (Date of birth): “31/02/1950”
 * is not a date that exists. Dates are read day first, as 31/01/1950."
 */
message: string, };

export type ImportPreviewRow = { row: number, 
/**
 * The person as they would be recorded (dates as `YYYY-MM-DD`).
 */
person: AttendeeInput, 
/**
 * The referral that would be recorded with them (its `attendeeId` is
 * empty until the person exists).
 */
referral: ReferralInput | null, 
/**
 * No problems: the row would be imported.
 */
ready: boolean, };

export type ImportPreview = { 
/**
 * The first rows (at most 50) as they would be imported.
 */
rows: Array<ImportPreviewRow>, 
/**
 * Rows with anything in them (the header not counted).
 */
totalRows: number, 
/**
 * Rows that would be imported.
 */
readyRows: number, 
/**
 * Rows with at least one problem.
 */
problemRows: number, 
/**
 * Every problem in the file, by row.
 */
problems: Array<ImportProblem>, };

export type ImportOutcome = { peopleAdded: number, referralsAdded: number, 
/**
 * Rows with problems that were left out.
 */
rowsSkipped: number, };

export type SyncReport = { joined: Array<string>, filesWritten: number, changesWritten: number, filesApplied: number, fromDevices: Array<string>, 
/**
 * (file, why), never applied.
 */
refused: Array<[string, string]>, 
/**
 * (file, why), kept to apply after an update.
 */
held: Array<[string, string]>, decisions: number, waiting: number, clockWarning: string | null, };

export type SyncDecision = { at: string, device: string, actor: string | null, table: string, key: string, kind: string, detail: string, };

export type Invitation = { format: string, teamId: string, teamName: string, officeDevice: string, officeName: string, officePublicKey: string, hub: string | null, 
/**
 * The office's Syncthing device ID, when Refrain carries the team's
 * files: the laptop connects to it before the roster arrives.
 */
officeCarrierId: string | null, 
/**
 * The hub's Syncthing device ID.
 */
hubId: string | null, };

export type JoinRequest = { format: string, teamId: string, device: string, name: string, publicKey: string, 
/**
 * The laptop's Syncthing device ID, when Refrain carries its files.
 * The code covers it, so a request with another ID is refused.
 */
carrierId: string | null, };

export type PendingRequest = { request: JoinRequest, code: string, };

export type SpaceName = { space: string, name: string, };

export type TeamLaptop = { id: string, name: string, role: string, thisLaptop: boolean, addedAt: string, removedAt: string | null, 
/**
 * The spaces it receives (`office`, `group-<id>`), with the groups'
 * names where this laptop has them.
 */
spaces: Array<SpaceName>, 
/**
 * When it made the latest change this laptop has received (by its
 * own clock).
 */
lastChangeAt: string | null, };

export type TeamStatus = { teamId: string, teamName: string, device: string, deviceName: string, role: string, 
/**
 * The code this laptop's join request was made with.
 */
code: string, 
/**
 * False while a laptop waits for the office to accept it.
 */
accepted: boolean, removedAt: string | null, hub: string | null, 
/**
 * The hub's Syncthing device ID.
 */
hubId: string | null, 
/**
 * This laptop's Syncthing device ID, if Refrain carries its files.
 */
carrierId: string | null, 
/**
 * A folder the charity already syncs, if the team's files go through
 * one; `None`: Refrain's own Syncthing folder.
 */
folder: string | null, paused: boolean, syncedAt: string | null, syncProblem: string | null, 
/**
 * How fresh this laptop's records are, in words ("Synced 3 minutes
 * ago"; "Not synced since Tuesday: ...").
 */
freshness: string, laptops: Array<TeamLaptop>, };

export type TeamSyncReport = { 
/**
 * The engine's report (none while a laptop waits to be accepted, or
 * once it was removed).
 */
sync: SyncReport | null, 
/**
 * "group-… (key 2)", for each key received.
 */
keysReceived: Array<string>, keysHandedOver: number, 
/**
 * Spaces this laptop stopped receiving, whose copy it removed.
 */
left: Array<string>, removedFromTeam: boolean, waitingForOffice: boolean, };

export type TeamDecision = { at: string, 
/**
 * `overwritten`, `refused`, `kept`, `dropped`, `erased`...
 */
kind: string, 
/**
 * Which laptop's change it was, and who made it there.
 */
by: string, 
/**
 * What it was about: "Ada Lovelace's mark for Thursday Singing for
 * the Brain on 5 Nov 2026", say.
 */
about: string, 
/**
 * What was decided, and what the other version was.
 */
what: string, };

export type TeamOverview = { status: TeamStatus, 
/**
 * Laptops waiting to join (the office's screen).
 */
requests: Array<PendingRequest>, 
/**
 * What the merge rules decided, newest first.
 */
decisions: Array<TeamDecision>, 
/**
 * The groups on this laptop, for choosing what a laptop receives.
 */
groups: Array<SpaceName>, };

export type TeamArrival = { 
/**
 * The laptops' names, as the team knows them.
 */
from: Array<string>, 
/**
 * When they arrived here.
 */
at: string, };

export type SeenRecord = "person" | "register";

export type ChangedElsewhere = { 
/**
 * The laptops' names.
 */
by: Array<string>, 
/**
 * When the latest of those changes was made (by that laptop's clock).
 */
at: string, 
/**
 * When this laptop last showed it.
 */
since: string, };

export type ErrorCode = "invalid" | "conflict" | "not_found" | "note_signed" | "newer_schema" | "open_failed" | "migration_failed" | "store_damaged" | "backup_failed" | "database" | "disk_full" | "wrong_passphrase" | "wrong_recovery_key" | "keys_unusable" | "report_failed" | "io" | "needs_passphrase" | "locked" | "restoring" | "keychain" | "sync_failed" | "no_data_dir" | "busy" | "not_audio" | "unsupported_codec" | "corrupt" | "missing_file" | "unreadable" | "no_output" | "no_backend" | "unknown";

export type CommandError = { 
/**
 * Stable and machine-readable: one of [`ErrorCode`] (the one list of
 * codes, in refrain-core).
 */
code: ErrorCode, 
/**
 * A sentence for the person using the app.
 */
message: string, 
/**
 * For `invalid`: the input field (camelCase) the message belongs beside.
 */
field: string | null, };

export type VaultStatus = { 
/**
 * `new` (set a passphrase), `unencrypted` (an earlier version's store:
 * set a passphrase to encrypt it), `locked`, `keysMissing` (only the
 * recovery key opens it) or `unlocked`.
 */
state: string, 
/**
 * The OS keychain answers, so "remember on this computer" can be offered.
 */
keychainAvailable: boolean, 
/**
 * The store key is remembered in the OS keychain.
 */
remembered: boolean, idleLockMinutes: number, idleLockChoices: Array<number>, minPassphraseChars: number, };

export type VaultCreated = { recoveryKey: string, status: VaultStatus, };

export type ImportFieldChoice = { field: ImportField, label: string, };

export type ImportFile = { table: ImportTable, 
/**
 * Which column holds what, as guessed from the headings.
 */
mapping: ColumnMapping, 
/**
 * Every field a column can be imported as, in the order to offer them.
 */
fields: Array<ImportFieldChoice>, 
/**
 * Each column's name as the problems give it ("C (DOB)").
 */
columnNames: Array<string>, };

export type PeopleImportProgress = { done: number, total: number, };
