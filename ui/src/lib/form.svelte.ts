// Shared state for a form that calls the core: busy flag, field messages, banner.
import { tick } from 'svelte';
import { routeError } from './errors';

let seq = 0;
/** A unique id prefix for a form's controls, so labels stay linked. */
export function uid(prefix = 'f'): string {
  seq += 1;
  return `${prefix}${seq}`;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false };

export class FormState {
  errors = $state<Record<string, string>>({});
  banner = $state<string | null>(null);
  busy = $state(false);

  /**
   * @param fields the camelCase input fields this form has a control for
   * @param idFor  the id of the control for a field (to move focus to it)
   */
  constructor(
    private readonly fields: readonly string[],
    private readonly idFor: (field: string) => string,
  ) {}

  clear(): void {
    this.errors = {};
    this.banner = null;
  }

  /** Set a message beside a field from the UI's own checks. */
  async invalid(field: string, message: string): Promise<void> {
    this.banner = null;
    this.errors = { [field]: message };
    await this.focus(field);
  }

  private async focus(field: string): Promise<void> {
    await tick();
    const el = document.getElementById(this.idFor(field));
    if (el && 'focus' in el) (el as HTMLElement).focus();
  }

  async run<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
    if (this.busy) return { ok: false };
    this.busy = true;
    this.clear();
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      const r = routeError(e, this.fields);
      this.errors = r.fields;
      this.banner = r.banner;
      const first = Object.keys(r.fields)[0];
      if (first) await this.focus(first);
      return { ok: false };
    } finally {
      this.busy = false;
    }
  }
}
