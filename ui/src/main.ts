import { mount } from 'svelte';
import { getCurrentWindow } from '@tauri-apps/api/window';
import './app.css';
import App from './App.svelte';
import WordsWindow from './WordsWindow.svelte';
import { WORDS_WINDOW } from './lib/api';

const target = document.getElementById('app');
if (!target) throw new Error('Refrain: #app element missing from index.html');

/** The second window, showing a song's words to the room, is only that. */
function isWordsWindow(): boolean {
  if (!('__TAURI_INTERNALS__' in window)) return false;
  try {
    return getCurrentWindow().label === WORDS_WINDOW;
  } catch {
    return false;
  }
}

export default mount(isWordsWindow() ? WordsWindow : App, { target });
