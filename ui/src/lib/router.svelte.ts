// A tiny hash router: #/today, #/groups, #/groups/new, #/groups/<id>,
// #/attendees, #/attendees/new, #/attendees/import, #/attendees/<id>, #/sessions/<id>, #/music,
// #/playlists/<id>, #/now-playing, #/words/<playlist id>, #/venues, #/notes, #/measures, #/practitioners,
// #/backups, #/security, #/reports, #/team.

export type Route =
  | { name: 'today' }
  | { name: 'groups' }
  | { name: 'group-new' }
  | { name: 'group'; id: string }
  | { name: 'attendees' }
  | { name: 'attendee-new' }
  | { name: 'attendees-import' }
  | { name: 'attendee'; id: string }
  | { name: 'session'; id: string }
  | { name: 'music' }
  | { name: 'playlist'; id: string }
  | { name: 'now-playing' }
  | { name: 'words'; id: string }
  | { name: 'venues' }
  | { name: 'notes' }
  | { name: 'measures' }
  | { name: 'practitioners' }
  | { name: 'backups' }
  | { name: 'security' }
  | { name: 'reports' }
  | { name: 'team' }
  | { name: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  const [head, id, ...rest] = path.split('/').map((s) => decodeURIComponent(s));
  if (rest.length > 0) return { name: 'not-found', path };
  switch (head) {
    case '':
    case 'today':
      return id ? { name: 'not-found', path } : { name: 'today' };
    case 'groups':
      if (!id) return { name: 'groups' };
      return id === 'new' ? { name: 'group-new' } : { name: 'group', id };
    case 'attendees':
      if (!id) return { name: 'attendees' };
      if (id === 'new') return { name: 'attendee-new' };
      return id === 'import' ? { name: 'attendees-import' } : { name: 'attendee', id };
    case 'sessions':
      return id ? { name: 'session', id } : { name: 'not-found', path };
    case 'music':
      return id ? { name: 'not-found', path } : { name: 'music' };
    case 'playlists':
      return id ? { name: 'playlist', id } : { name: 'not-found', path };
    case 'now-playing':
      return id ? { name: 'not-found', path } : { name: 'now-playing' };
    case 'words':
      return id ? { name: 'words', id } : { name: 'not-found', path };
    case 'venues':
      return id ? { name: 'not-found', path } : { name: 'venues' };
    case 'notes':
      return id ? { name: 'not-found', path } : { name: 'notes' };
    case 'measures':
      return id ? { name: 'not-found', path } : { name: 'measures' };
    case 'practitioners':
      return id ? { name: 'not-found', path } : { name: 'practitioners' };
    case 'backups':
      return id ? { name: 'not-found', path } : { name: 'backups' };
    case 'security':
      return id ? { name: 'not-found', path } : { name: 'security' };
    case 'reports':
      return id ? { name: 'not-found', path } : { name: 'reports' };
    case 'team':
      return id ? { name: 'not-found', path } : { name: 'team' };
    default:
      return { name: 'not-found', path };
  }
}

export const paths = {
  today: () => '#/today',
  groups: () => '#/groups',
  newGroup: () => '#/groups/new',
  group: (id: string) => `#/groups/${encodeURIComponent(id)}`,
  attendees: () => '#/attendees',
  newAttendee: () => '#/attendees/new',
  importPeople: () => '#/attendees/import',
  attendee: (id: string) => `#/attendees/${encodeURIComponent(id)}`,
  session: (id: string) => `#/sessions/${encodeURIComponent(id)}`,
  music: () => '#/music',
  playlist: (id: string) => `#/playlists/${encodeURIComponent(id)}`,
  nowPlaying: () => '#/now-playing',
  words: (playlistId: string) => `#/words/${encodeURIComponent(playlistId)}`,
  venues: () => '#/venues',
  notes: () => '#/notes',
  measures: () => '#/measures',
  practitioners: () => '#/practitioners',
  backups: () => '#/backups',
  security: () => '#/security',
  reports: () => '#/reports',
  team: () => '#/team',
};

/** Which nav item a route belongs under. */
export function section(
  r: Route,
):
  | 'today'
  | 'groups'
  | 'attendees'
  | 'notes'
  | 'measures'
  | 'music'
  | 'venues'
  | 'practitioners'
  | 'backups'
  | 'security'
  | 'reports'
  | 'team'
  | null {
  switch (r.name) {
    case 'today':
    case 'session':
      return 'today';
    case 'groups':
    case 'group':
    case 'group-new':
      return 'groups';
    case 'attendees':
    case 'attendee':
    case 'attendee-new':
    case 'attendees-import':
      return 'attendees';
    case 'music':
    case 'playlist':
    case 'words':
      return 'music';
    case 'venues':
      return 'venues';
    case 'notes':
      return 'notes';
    case 'measures':
      return 'measures';
    case 'practitioners':
      return 'practitioners';
    case 'backups':
      return 'backups';
    case 'security':
      return 'security';
    case 'reports':
      return 'reports';
    case 'team':
      return 'team';
    default:
      return null;
  }
}

class Router {
  route = $state<Route>(parseRoute(typeof location === 'undefined' ? '' : location.hash));
  /**
   * While set, the screen stays at this address: going back, or any other
   * change of address, is put straight back (the person's Now playing).
   */
  private held: string | null = null;

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => {
        if (this.held !== null && location.hash !== this.held) {
          location.replace(this.held);
          return;
        }
        this.route = parseRoute(location.hash);
      });
    }
  }

  /** Keeps the screen at `hash` until `release` (going there first). */
  hold(hash: string): void {
    this.held = null;
    this.go(hash);
    this.held = hash;
  }

  release(): void {
    this.held = null;
  }

  go(hash: string): void {
    if (this.held !== null) return;
    if (location.hash === hash) {
      this.route = parseRoute(hash);
    } else {
      location.hash = hash;
      // hashchange also fires, but set now so the screen changes at once.
      this.route = parseRoute(hash);
    }
  }
}

export const router = new Router();

export function navigate(hash: string): void {
  router.go(hash);
}
