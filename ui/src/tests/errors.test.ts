import { describe, expect, it } from 'vitest';
import { routeError, toCommandError } from '../lib/errors';

describe('toCommandError', () => {
  it('keeps a CommandError from the shell as it is', () => {
    expect(toCommandError({ code: 'invalid', message: 'Please enter a date.', field: 'date' })).toEqual({
      code: 'invalid',
      message: 'Please enter a date.',
      field: 'date',
    });
  });

  it('treats a missing or empty field as no field', () => {
    expect(toCommandError({ code: 'conflict', message: 'Already there.' }).field).toBeNull();
    expect(toCommandError({ code: 'conflict', message: 'Already there.', field: '' }).field).toBeNull();
  });

  it('never passes raw JSON through as a message', () => {
    const e = toCommandError('{"code":"not_found","message":"That group could not be found.","field":null}');
    expect(e).toEqual({ code: 'not_found', message: 'That group could not be found.', field: null });
    const broken = toCommandError('{"code":');
    expect(broken.message).not.toContain('{');
  });

  it('turns plain strings, Errors and oddities into a message', () => {
    expect(toCommandError('command foo not found').message).toBe('command foo not found');
    expect(toCommandError(new Error('boom')).message).toBe('boom');
    expect(toCommandError(undefined).message).toMatch(/Something went wrong/);
    expect(toCommandError(42).code).toBe('unknown');
  });
});

describe('routeError', () => {
  it('puts a field error beside a field the form has', () => {
    const r = routeError({ code: 'invalid', message: 'The end time must be after the start time.', field: 'endTime' }, [
      'startTime',
      'endTime',
    ]);
    expect(r).toEqual({ fields: { endTime: 'The end time must be after the start time.' }, banner: null });
  });

  it('falls back to the banner for a field the form has no control for', () => {
    const r = routeError({ code: 'invalid', message: 'Set the usual day first.', field: 'weekday' }, ['count']);
    expect(r).toEqual({ fields: {}, banner: 'Set the usual day first.' });
  });

  it('uses the banner when there is no field', () => {
    const r = routeError({ code: 'conflict', message: 'Already on this register.', field: null }, ['fullName']);
    expect(r.banner).toBe('Already on this register.');
    expect(r.fields).toEqual({});
  });
});
