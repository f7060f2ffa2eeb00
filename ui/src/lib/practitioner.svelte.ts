// Who is using Refrain on this computer: the practitioner whose name goes on
// the notes they sign. Several therapists may share a laptop, so the choice is
// remembered on this computer (localStorage) and checked against the core's
// list on start: someone archived (or gone) is no longer chosen.
import type { Practitioner } from './bindings';
import * as api from './api';
import { toCommandError } from './errors';

export const PRACTITIONER_KEY = 'refrain.practitioner';

function remembered(): string | null {
  try {
    return globalThis.localStorage?.getItem(PRACTITIONER_KEY) || null;
  } catch {
    return null;
  }
}

function remember(id: string | null): void {
  try {
    if (id) globalThis.localStorage?.setItem(PRACTITIONER_KEY, id);
    else globalThis.localStorage?.removeItem(PRACTITIONER_KEY);
  } catch {
    // Storage refused (private mode, say): the choice lasts until Refrain closes.
  }
}

/** Tells the core who is using Refrain, so its audit log names them. A
 *  failure (the data file could not be opened, say) is reported by the next
 *  command that needs the store, so it is not shown twice. */
function tellCore(id: string | null): void {
  Promise.resolve()
    .then(() => api.setActor(id))
    .catch(() => {});
}

class CurrentPractitioner {
  /** Everyone who may use Refrain (not archived), by name. */
  list = $state<Practitioner[]>([]);
  /** The chosen practitioner's id, or null. */
  id = $state<string | null>(remembered());
  loaded = $state(false);
  loadError = $state<string | null>(null);

  /** The chosen practitioner, once the list is known. */
  get current(): Practitioner | null {
    return this.list.find((p) => p.id === this.id) ?? null;
  }

  /** Why the chosen practitioner can't sign or amend notes, or null when they can. */
  get cannotSign(): string | null {
    const p = this.current;
    if (!p) return 'Choose who is using Refrain (at the bottom of the menu) before signing or amending a note.';
    if (!p.hcpcNumber.trim()) {
      return `${p.name}'s profile has no HCPC registration number, so notes can't be signed or amended as ${p.name} yet.`;
    }
    return null;
  }

  /** Read the remembered choice and check it against the core's list. */
  async start(): Promise<void> {
    this.id = remembered();
    tellCore(this.id);
    await this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      this.apply(await api.listPractitioners());
      this.loadError = null;
    } catch (e) {
      this.loadError = toCommandError(e).message;
    } finally {
      this.loaded = true;
    }
  }

  /** A fresh list from the core: forget a choice that is no longer in it. */
  apply(list: Practitioner[]): void {
    this.list = list.filter((p) => !p.archived);
    if (this.id && !this.list.some((p) => p.id === this.id)) this.choose(null);
  }

  choose(id: string | null): void {
    this.id = id;
    remember(id);
    tellCore(id);
  }

  /** For tests: forget everything held in memory (not what is stored). */
  reset(): void {
    this.list = [];
    this.id = remembered();
    this.loaded = false;
    this.loadError = null;
  }
}

export const practitioner = new CurrentPractitioner();
