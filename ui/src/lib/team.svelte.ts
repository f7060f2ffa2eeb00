// The team's line at the foot of the menu: its name and how fresh the
// records are ("Shared with Hall Lane Music. Synced 3 minutes ago."), or
// nothing with no team. Kept here so the Team screen and the menu agree.
import type { TeamArrival, TeamOverview } from './bindings';
import * as api from './api';

class TeamLine {
  text = $state<string | null>(null);

  /** From an overview the caller already has (null: no team). */
  show(o: TeamOverview | null): void {
    this.text = o ? `Shared with ${o.status.teamName}. ${o.status.freshness}` : null;
  }

  async refresh(): Promise<void> {
    try {
      this.show(await api.teamOverview());
    } catch {
      this.text = null;
    }
  }
}

export const teamLine = new TeamLine();

/**
 * The latest records to arrive from the team's other laptops: screens that
 * show records read them again when it changes, and say where from.
 */
class TeamArrivals {
  latest = $state<TeamArrival | null>(null);

  /** "Updated with changes from Therapist A's laptop at 14:05." */
  words(a: TeamArrival): string {
    const from = a.from.length === 0 ? "the team's other laptops" : a.from.join(' and ');
    const at = new Date(a.at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
    return `Updated with changes from ${from} at ${at}.`;
  }
}

export const teamArrivals = new TeamArrivals();
