// A running music import, kept outside the Music screen so that going to
// another screen and back still shows its progress and its report.
import type { ImportProgress, ImportReport } from './bindings';
import * as api from './api';
import { toCommandError } from './errors';

export type ImportSource = 'files' | 'folder' | 'sample';

class Importer {
  running = $state(false);
  cancelling = $state(false);
  progress = $state<ImportProgress | null>(null);
  report = $state<ImportReport | null>(null);
  error = $state<string | null>(null);
  /** Goes up by one each time an import ends, so lists know to reload. */
  finished = $state(0);

  /** Asks for files or a folder (unless it's the sample music), then imports. */
  async start(source: ImportSource): Promise<void> {
    if (this.running) return;
    this.error = null;
    let paths: string[] = [];
    if (source !== 'sample') {
      try {
        if (source === 'files') {
          paths = await api.pickMusicFiles();
        } else {
          const folder = await api.pickMusicFolder();
          paths = folder ? [folder] : [];
        }
      } catch (e) {
        this.error = toCommandError(e).message;
        return;
      }
      if (paths.length === 0) return; // they closed the window without choosing
    }
    await this.run(() => (source === 'sample' ? api.importSampleMusic() : api.importTracks(paths)));
  }

  private async run(op: () => Promise<ImportReport>): Promise<void> {
    this.running = true;
    this.cancelling = false;
    this.progress = null;
    this.report = null;
    let unlisten: api.Unlisten | null = null;
    try {
      unlisten = await api.onImportProgress((p) => {
        if (this.running) this.progress = p;
      });
    } catch {
      // Without progress events the import still runs; the bar just waits.
    }
    try {
      this.report = await op();
    } catch (e) {
      this.error = toCommandError(e).message;
    } finally {
      unlisten?.();
      this.running = false;
      this.cancelling = false;
      this.progress = null;
      this.finished += 1;
    }
  }

  async cancel(): Promise<void> {
    if (!this.running || this.cancelling) return;
    this.cancelling = true;
    try {
      await api.cancelImport();
    } catch (e) {
      this.cancelling = false;
      this.error = toCommandError(e).message;
    }
  }

  dismiss(): void {
    this.report = null;
    this.error = null;
  }

  /** Back to nothing running (tests). */
  reset(): void {
    this.running = false;
    this.cancelling = false;
    this.progress = null;
    this.report = null;
    this.error = null;
  }
}

export const importer = new Importer();
