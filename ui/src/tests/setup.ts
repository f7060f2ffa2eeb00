// jsdom lacks a few things the app uses; give it just enough.
import { afterEach } from 'vitest';
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

afterEach(() => {
  setInvoker(null);
  setEventSource(null);
  setFilePicker(null);
  notices.clear();
  location.hash = '';
});
