// A tiny W3C WebDriver client for tauri-driver, built on Node's own fetch.
// Just what the end-to-end tests need: sessions, finding elements, clicking,
// typing, reading, scripts, screenshots and a polling wait.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

// W3C's key for an element reference in JSON.
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export const DRIVER_URL = process.env.REFRAIN_WEBDRIVER_URL ?? 'http://127.0.0.1:4444';

// No single command should take this long; a hung driver fails fast and clearly.
const COMMAND_TIMEOUT_MS = 60_000;

/** Special keys for sendKeys/keys (W3C code points). */
export const Key = {
  Enter: '\uE007',
  Tab: '\uE004',
  Escape: '\uE00C',
  Backspace: '\uE003',
  ArrowUp: '\uE013',
  ArrowDown: '\uE015',
  Control: '\uE009',
};

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    super(`${method} ${path} -> ${status} ${value?.error ?? ''}: ${value?.message ?? JSON.stringify(value)}`);
    this.error = value?.error;
  }
}

async function call(method, path, body) {
  const res = await fetch(DRIVER_URL + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(COMMAND_TIMEOUT_MS),
  }).catch((e) => {
    throw new WebDriverError(method, path, 'no answer', { message: e.message });
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new WebDriverError(method, path, res.status, { message: text.slice(0, 500) });
  }
  if (!res.ok || json.value?.error) throw new WebDriverError(method, path, res.status, json.value);
  return json.value;
}

/** Ask the driver whether it is ready (GET /status). */
export async function status() {
  return call('GET', '/status');
}

/** Start the app (tauri-driver launches it) and return a session. */
export async function newSession(application, extraOptions = {}) {
  await noAppRunning();
  const value = await call('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'wry',
        'tauri:options': { application, ...extraOptions },
      },
    },
  });
  return new Session(value.sessionId);
}

/**
 * Waits until no Refrain process of this run is left (the last session's app
 * may still be closing: it makes its exit backup first). Refrain runs one
 * copy at a time, so a launch while the last one is still closing would hand
 * over to it and end, and the new session would get no window. Zombies don't
 * count, nor copies with another data folder (other runs side by side).
 */
async function noAppRunning(timeout = 30_000) {
  const ours = `REFRAIN_DATA_DIR=${process.env.REFRAIN_DATA_DIR}\0`;
  const running = () =>
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .some((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
          if (name !== 'refrain' || state === 'Z') return false;
          return !process.env.REFRAIN_DATA_DIR || readFileSync(`/proc/${pid}/environ`, 'latin1').includes(ours);
        } catch {
          return false; // gone while we looked
        }
      });
  // The bus may still list the last copy as the running one a moment after
  // it has gone: wait for its single-instance name to be free too.
  const nameHeld = () => {
    if (!process.env.DBUS_SESSION_BUS_ADDRESS) return false;
    const out = execFileSync(
      'dbus-send',
      ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner', 'string:org.refrain.desktop.SingleInstance'],
      { encoding: 'utf8' },
    );
    return out.includes('boolean true');
  };
  const deadline = Date.now() + timeout;
  while (running() || nameHeld()) {
    if (Date.now() > deadline) throw new Error('the last Refrain did not close within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Quote any string as an XPath literal, even one holding both ' and ". */
export function xpathLiteral(s) {
  if (!s.includes("'")) return `'${s}'`;
  if (!s.includes('"')) return `"${s}"`;
  return `concat('${s.split("'").join(`', "'", '`)}')`;
}

/**
 * XPath for a control a person would find by its name: a button or link whose
 * aria-label or visible text is `name` (whitespace-normalised).
 */
export function byName(name, { tags = ['button', 'a'], startsWith = false } = {}) {
  const n = xpathLiteral(name);
  const self = tags.map((t) => `self::${t}`).join(' or ');
  const match = (expr) => (startsWith ? `starts-with(${expr}, ${n})` : `${expr}=${n}`);
  return `//*[(${self}) and (${match('normalize-space(@aria-label)')} or (not(@aria-label) and ${match('normalize-space(.)')}))]`;
}

/** XPath for the form control labelled `label` by a <label for=...>. */
export function byLabel(label, scope = '') {
  const n = xpathLiteral(label);
  return `${scope}//*[@id=${scope}//label[normalize-space(.)=${n}]/@for]`;
}

export class Session {
  constructor(id) {
    this.id = id;
  }

  cmd(method, path, body) {
    return call(method, `/session/${this.id}${path}`, body);
  }

  async findElements(using, value) {
    const found = await this.cmd('POST', '/elements', { using, value });
    return found.map((e) => new Element(this, e[ELEMENT]));
  }

  async findElement(using, value) {
    const e = await this.cmd('POST', '/element', { using, value });
    return new Element(this, e[ELEMENT]);
  }

  xpath(value) {
    return this.findElement('xpath', value);
  }

  css(value) {
    return this.findElement('css selector', value);
  }

  /** Poll `fn` until it returns something truthy (errors count as "not yet"). */
  async waitFor(fn, { timeout = 10_000, interval = 100, message = 'condition' } = {}) {
    const deadline = Date.now() + timeout;
    let lastError;
    for (;;) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) {
        lastError = e;
      }
      if (Date.now() > deadline) {
        throw new Error(`Timed out after ${timeout} ms waiting for ${message}${lastError ? `: ${lastError.message}` : ''}`);
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  /** Wait until exactly one displayed element matches the XPath and return it. */
  async waitForXPath(value, opts = {}) {
    return this.waitFor(
      async () => {
        const all = await this.findElements('xpath', value);
        const shown = [];
        for (const el of all) if (await el.isDisplayed()) shown.push(el);
        return shown.length > 0 ? shown[0] : null;
      },
      { message: `element ${value}`, ...opts },
    );
  }

  /** Wait for a button or link by its accessible name (aria-label or text). */
  waitForName(name, opts = {}) {
    return this.waitForXPath(byName(name, opts), opts);
  }

  /** Wait for the control labelled `label` (inside an open dialog when there is one). */
  waitForLabel(label, opts = {}) {
    return this.waitForXPath(byLabel(label, opts.scope ?? ''), opts);
  }

  executeScript(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args: args.map(toWire) });
  }

  /** Press keys on whatever has focus (W3C actions). */
  async keys(text) {
    const actions = [];
    for (const ch of text) actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await this.cmd('DELETE', '/actions');
  }

  /** Save a PNG of the window, once the page has drawn its latest changes. */
  async screenshot(file) {
    await this.executeScript('return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))');
    // WebKitWebDriver takes the picture after the window's next paint. The
    // app draws without WebKit's compositing mode (docs/performance.md), so
    // a screen where nothing changes (the words, Now playing when paused)
    // never paints again and the picture would never come: while it is
    // taken, a 1-pixel mark that cannot be seen (its colour fully
    // transparent, changing only in its alpha of 0 or 1/255) is repainted
    // every 50 ms.
    await this.executeScript(`
      const mark = document.createElement('div');
      mark.id = 'refrain-e2e-paint';
      mark.setAttribute('aria-hidden', 'true');
      mark.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
      document.documentElement.appendChild(mark);
      let on = false;
      window.__refrainPaint = setInterval(() => {
        on = !on;
        mark.style.background = on ? 'rgba(0,0,0,0.004)' : 'rgba(0,0,0,0)';
      }, 50);`);
    let b64;
    try {
      b64 = await this.cmd('GET', '/screenshot');
    } finally {
      await this.executeScript(`clearInterval(window.__refrainPaint); document.getElementById('refrain-e2e-paint')?.remove();`);
    }
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, Buffer.from(b64, 'base64'));
    return file;
  }

  title() {
    return this.cmd('GET', '/title');
  }

  /** The window's place and size (W3C Get Window Rect). */
  windowRect() {
    return this.cmd('GET', '/window/rect');
  }

  /** Resize the window (W3C Set Window Rect); resolves with the rect the driver reports. */
  setWindowRect({ width, height }) {
    return this.cmd('POST', '/window/rect', { width, height });
  }

  /** End the session: tauri-driver closes the app. */
  async deleteSession() {
    await this.cmd('DELETE', '');
  }
}

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }

  cmd(method, path, body) {
    return this.session.cmd(method, `/element/${this.id}${path}`, body);
  }

  /**
   * Click like a person: bring the element (for an <option>, its list) to the
   * middle of its scrolling screen first. WebKit's driver does not scroll a
   * half-visible element inside a scrolling box before clicking it.
   */
  async click() {
    await this.session.executeScript(
      `const el = arguments[0];
       (el.closest('select') ?? el).scrollIntoView({ block: 'center', inline: 'nearest' });`,
      [this],
    );
    return this.cmd('POST', '/click', {});
  }

  clear() {
    return this.cmd('POST', '/clear', {});
  }

  sendKeys(text) {
    return this.cmd('POST', '/value', { text });
  }

  getText() {
    return this.cmd('GET', '/text');
  }

  getAttribute(name) {
    return this.cmd('GET', `/attribute/${encodeURIComponent(name)}`);
  }

  getProperty(name) {
    return this.cmd('GET', `/property/${encodeURIComponent(name)}`);
  }

  isDisplayed() {
    return this.cmd('GET', '/displayed');
  }

  async findElements(using, value) {
    const found = await this.cmd('POST', '/elements', { using, value });
    return found.map((e) => new Element(this.session, e[ELEMENT]));
  }
}

function toWire(arg) {
  return arg instanceof Element ? { [ELEMENT]: arg.id } : arg;
}
