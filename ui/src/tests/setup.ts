// jsdom lacks a few things the app uses; give it just enough.
import { afterEach } from 'vitest';
import { configure } from '@testing-library/svelte';
import { setEventSource, setFilePicker, setInvoker } from '../lib/api';
import { notices } from '../lib/notices.svelte';

if (typeof HTMLDialogElement !== 'undefined') {
  if (!HTMLDialogElement.prototype.showModal) {
    HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
      this.setAttribute('open', '');
    };
  }
  if (!HTMLDialogElement.prototype.close) {
    HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
      this.removeAttribute('open');
    };
  }
}

// findBy… and waitFor wait up to 5 s (not 1 s): on a busy 2-core machine a
// whole-app step (an import, a re-render) can take longer than a second.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  setInvoker(null);
  setEventSource(null);
  setFilePicker(null);
  notices.clear();
  location.hash = '';
});
