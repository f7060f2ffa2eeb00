// Turning whatever a command rejects with into one plain-words CommandError,
// and deciding where a message belongs: beside a form field, or in a banner.
import type { CommandError, ErrorCode } from './bindings';

const GENERIC = 'Something went wrong. Please try again. If it keeps happening, close and reopen Refrain.';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Accepts a CommandError, an Error, a string (Tauri's own failures) or anything else. */
export function toCommandError(e: unknown): CommandError {
  if (isRecord(e) && typeof e.message === 'string' && typeof e.code === 'string') {
    return {
      code: e.code as ErrorCode,
      message: e.message.trim() || GENERIC,
      field: typeof e.field === 'string' && e.field !== '' ? e.field : null,
    };
  }
  if (typeof e === 'string') {
    const s = e.trim();
    // Some failures arrive as a JSON string; never show that raw.
    if (s.startsWith('{')) {
      try {
        return toCommandError(JSON.parse(s));
      } catch {
        return { code: 'unknown', message: GENERIC, field: null };
      }
    }
    return { code: 'unknown', message: s || GENERIC, field: null };
  }
  if (e instanceof Error) {
    return { code: 'unknown', message: e.message || GENERIC, field: null };
  }
  return { code: 'unknown', message: GENERIC, field: null };
}

export function isCommandError(e: unknown): e is CommandError {
  return isRecord(e) && typeof e.code === 'string' && typeof e.message === 'string' && 'field' in e;
}

export type Routed = {
  /** Messages keyed by the camelCase input field they belong beside. */
  fields: Record<string, string>;
  /** A message with no field on this form, for a banner. */
  banner: string | null;
};

/**
 * Where should this error be shown? Beside `field` when the form has a control
 * for it, otherwise in the form's banner (never lost, never raw JSON).
 */
export function routeError(e: unknown, knownFields: readonly string[]): Routed {
  const err = toCommandError(e);
  if (err.field && knownFields.includes(err.field)) {
    return { fields: { [err.field]: err.message }, banner: null };
  }
  return { fields: {}, banner: err.message };
}
