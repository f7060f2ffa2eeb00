// App-wide messages: errors that belong to no form field (role="alert") and
// short confirmations (role="status").

export type Notice = { id: number; kind: 'error' | 'success'; text: string };

let next = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

class Notices {
  items = $state<Notice[]>([]);

  error(text: string): void {
    // Don't stack the same message twice.
    if (this.items.some((n) => n.kind === 'error' && n.text === text)) return;
    this.items = [...this.items, { id: next++, kind: 'error', text }];
  }

  success(text: string, ms = 5000): void {
    const id = next++;
    this.items = [...this.items.filter((n) => n.kind !== 'success'), { id, kind: 'success', text }];
    timers.set(
      id,
      setTimeout(() => this.dismiss(id), ms),
    );
  }

  dismiss(id: number): void {
    const t = timers.get(id);
    if (t) clearTimeout(t);
    timers.delete(id);
    this.items = this.items.filter((n) => n.id !== id);
  }

  /** Errors belong to the screen they happened on. */
  clearErrors(): void {
    this.items = this.items.filter((n) => n.kind !== 'error');
  }

  clear(): void {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    this.items = [];
  }
}

export const notices = new Notices();
