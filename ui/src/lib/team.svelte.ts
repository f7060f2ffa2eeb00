// The team's line at the foot of the menu: its name and how fresh the
// records are ("Shared with Hall Lane Music. Synced 3 minutes ago."), or
// nothing with no team. Kept here so the Team screen and the menu agree.
import type { TeamOverview } from './bindings';
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
