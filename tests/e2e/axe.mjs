// An accessibility audit of what the window shows, with axe-core (the npm
// package pinned in ui/package.json): its source is put into the page through
// WebDriver and run there against WCAG 2.0, 2.1 and 2.2 A and AA.
//
//   import { audit, assertAccessible } from './axe.mjs';
//   await assertAccessible(app, 'Today');   // fails with every violation listed

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const uiPackage = fileURLToPath(new URL('../../ui/package.json', import.meta.url));

/** axe.min.js from ui/node_modules, read once. */
let source = null;
function axeSource() {
  if (source === null) {
    let file;
    try {
      file = createRequire(uiPackage).resolve('axe-core/axe.min.js');
    } catch {
      throw new Error('axe-core is missing from ui/node_modules: run npm --prefix ui install');
    }
    source = readFileSync(file, 'utf8');
  }
  return source;
}

/** The axe-core version in ui/node_modules. */
export function axeVersion() {
  return JSON.parse(readFileSync(createRequire(uiPackage).resolve('axe-core/package.json'), 'utf8')).version;
}

/** The WCAG levels audited: A and AA of 2.0, 2.1 and 2.2. */
export const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Runs axe on the whole page as it stands (waiting first for the page to have
 * drawn) and returns its violations, each with its nodes. `rules` runs only
 * those rules instead of the WCAG levels (e.g. AAA's
 * 'color-contrast-enhanced', 7:1, for a screen made for people who see less).
 */
export async function audit(session, { exclude = [], rules = null } = {}) {
  const loaded = await session.executeScript('return typeof window.axe === "object" && !!window.axe.run;');
  if (!loaded) {
    // The source defines window.axe when run as a script's body.
    await session.executeScript(`${axeSource()}\n;return true;`);
  }
  await session.executeScript('return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))');
  const result = await session.executeScript(
    `const [tags, exclude, rules] = arguments;
     return window.axe
       .run({ include: [document], exclude: exclude.map((s) => [s]) }, {
         runOnly: rules ? { type: 'rule', values: rules } : { type: 'tag', values: tags },
         resultTypes: ['violations'],
       })
       .then(
         (r) => ({ violations: r.violations.map((v) => ({
           id: v.id,
           impact: v.impact,
           help: v.help,
           helpUrl: v.helpUrl,
           nodes: v.nodes.map((n) => ({
             target: n.target,
             html: n.html,
             summary: n.failureSummary,
           })),
         })) }),
         (e) => ({ error: String(e && e.stack || e) }),
       );`,
    [TAGS, exclude, rules],
  );
  if (result?.error) throw new Error(`axe failed to run: ${result.error}`);
  return result.violations;
}

/** Violations as a list a person can read and act on. */
export function describe(violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`- ${v.id} (${v.impact}): ${v.help} [${v.nodes.length}]`);
    for (const n of v.nodes) {
      const html = n.html.replace(/\s+/g, ' ');
      lines.push(`    at ${n.target.join(' ')}`);
      lines.push(`       ${html.length > 200 ? `${html.slice(0, 200)}…` : html}`);
      const why = (n.summary ?? '').replace(/\s+/g, ' ').trim();
      if (why) lines.push(`       ${why.length > 300 ? `${why.slice(0, 300)}…` : why}`);
    }
  }
  return lines.join('\n');
}

/** Fails, listing every violation, unless axe finds none on `screen`. */
export async function assertAccessible(session, screen, options) {
  const violations = await audit(session, options);
  const count = violations.reduce((n, v) => n + v.nodes.length, 0);
  assert.equal(
    violations.length,
    0,
    `${screen}: axe found ${count} accessibility problem${count === 1 ? '' : 's'}:\n${describe(violations)}`,
  );
}
