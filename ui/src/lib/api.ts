// The one door to the Rust side. Screens call these functions, never `invoke`.
// Every function rejects with a CommandError ({code, message, field}).
import { invoke } from '@tauri-apps/api/core';
import type {
  Attendee,
  AttendeeDetail,
  AttendeeInput,
  AttendeeSummary,
  CommandError,
  Group,
  GroupDetail,
  GroupInput,
  Mark,
  Membership,
  Referral,
  ReferralInput,
  ReferralStatus,
  Register,
  Session,
  SessionInput,
  SessionNote,
  StoreInfo,
  Venue,
  VenueInput,
  WalkIn,
} from './bindings';
import { toCommandError } from './errors';

export type Invoker = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;

let invoker: Invoker | null = null;

/** Swap the backend (tests, or the dev-only mock). Pass null to go back to the default. */
export function setInvoker(fn: Invoker | null): void {
  invoker = fn;
}

function hasTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

async function backend(): Promise<Invoker> {
  if (invoker) return invoker;
  if (hasTauri()) {
    invoker = (cmd, args) => invoke(cmd, args);
  } else if (import.meta.env.DEV) {
    // Opening the Vite dev server in an ordinary browser: use an in-memory
    // stand-in. This branch (and the module) is left out of production builds.
    const { createMockBackend } = await import('./mock-backend');
    invoker = createMockBackend().invoke;
  } else {
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

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  const run = await backend();
  try {
    return (await run(cmd, args)) as T;
  } catch (e) {
    throw toCommandError(e);
  }
}

// Store
export const appInfo = () => call<StoreInfo>('app_info');
export const loadDemoData = () => call<null>('load_demo_data');

// Venues
export const listVenues = (includeArchived: boolean) => call<Venue[]>('list_venues', { includeArchived });
export const createVenue = (input: VenueInput) => call<Venue>('create_venue', { input });
export const updateVenue = (id: string, input: VenueInput) => call<Venue>('update_venue', { id, input });
export const archiveVenue = (id: string) => call<null>('archive_venue', { id });

// Groups
export const listGroups = (includeArchived: boolean) => call<Group[]>('list_groups', { includeArchived });
export const getGroup = (id: string) => call<GroupDetail>('get_group', { id });
export const createGroup = (input: GroupInput) => call<Group>('create_group', { input });
export const updateGroup = (id: string, input: GroupInput) => call<Group>('update_group', { id, input });
export const archiveGroup = (id: string) => call<null>('archive_group', { id });
export const restoreGroup = (id: string) => call<null>('restore_group', { id });
export const addMember = (groupId: string, attendeeId: string, joinedOn: string) =>
  call<Membership>('add_member', { groupId, attendeeId, joinedOn });
export const endMembership = (membershipId: string, leftOn: string) =>
  call<null>('end_membership', { membershipId, leftOn });

// Attendees
export const listAttendees = (query: string, includeArchived: boolean) =>
  call<AttendeeSummary[]>('list_attendees', { query, includeArchived });
export const getAttendee = (id: string) => call<AttendeeDetail>('get_attendee', { id });
export const createAttendee = (input: AttendeeInput) => call<Attendee>('create_attendee', { input });
export const updateAttendee = (id: string, input: AttendeeInput) =>
  call<Attendee>('update_attendee', { id, input });
export const archiveAttendee = (id: string) => call<null>('archive_attendee', { id });

// Referrals
export const addReferral = (input: ReferralInput) => call<Referral>('add_referral', { input });
export const setReferralStatus = (referralId: string, status: ReferralStatus, changedOn: string, note: string) =>
  call<Referral>('set_referral_status', { referralId, status, changedOn, note });

// Sessions
export const createSession = (input: SessionInput) => call<Session>('create_session', { input });
/** `from` is "YYYY-MM-DD" or "" for today; `count` 1..52. */
export const generateSessions = (groupId: string, from: string, count: number) =>
  call<Session[]>('generate_sessions', { groupId, from, count });
export const cancelSession = (id: string, reason: string) => call<Session>('cancel_session', { id, reason });
export const thisWeek = () => call<Session[]>('this_week');

// Register
export const getRegister = (sessionId: string) => call<Register>('get_register', { sessionId });
export const setMark = (sessionId: string, attendeeId: string, mark: Mark | null) =>
  call<Register>('set_mark', { sessionId, attendeeId, mark });
export const setCarerPresent = (sessionId: string, attendeeId: string, present: boolean) =>
  call<Register>('set_carer_present', { sessionId, attendeeId, present });
export const addWalkIn = (sessionId: string, walkIn: WalkIn, joinGroup: boolean) =>
  call<Register>('add_walk_in', { sessionId, walkIn, joinGroup });
export const saveSessionNote = (sessionId: string, body: string) =>
  call<SessionNote>('save_session_note', { sessionId, body });
