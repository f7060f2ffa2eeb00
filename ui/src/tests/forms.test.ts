// A CommandError with a field shows beside that field's control; without one,
// in the form's banner (role="alert").
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import * as api from '../lib/api';
import AttendeeForm from '../lib/components/AttendeeForm.svelte';
import GroupForm from '../lib/components/GroupForm.svelte';

function describedText(el: HTMLElement): string {
  return (el.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

describe('AttendeeForm errors', () => {
  it('shows an invalid fullName beside Full name, and moves focus there', async () => {
    const calls: unknown[] = [];
    api.setInvoker(async (cmd, args) => {
      calls.push([cmd, args]);
      throw { code: 'invalid', message: "Please enter the person's full name.", field: 'fullName' };
    });
    const onsaved = vi.fn();
    render(AttendeeForm, { onsaved });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Preferred name'), 'Peggy');
    await user.click(screen.getByRole('button', { name: 'Save attendee' }));

    const fullName = screen.getByLabelText('Full name');
    await waitFor(() => expect(fullName.getAttribute('aria-invalid')).toBe('true'));
    expect(describedText(fullName)).toContain("Please enter the person's full name.");
    expect(document.activeElement).toBe(fullName);
    // Not beside another field, and not in the banner.
    expect(describedText(screen.getByLabelText('Preferred name'))).not.toContain('full name');
    expect(screen.getAllByRole('alert').map((a) => a.textContent?.trim()).join('')).toBe('');
    expect(onsaved).not.toHaveBeenCalled();
    expect(calls).toHaveLength(1);
    expect((calls[0] as [string, { input: { preferredName: string } }])[1].input.preferredName).toBe('Peggy');
  });

  it('shows a consent date error beside that consent date', async () => {
    api.setInvoker(async () => {
      throw { code: 'invalid', message: "A consent date can't be in the future.", field: 'consentMedia' };
    });
    render(AttendeeForm, { onsaved: vi.fn() });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Full name'), 'Margaret Ellis');
    await user.click(screen.getByRole('button', { name: 'Save attendee' }));
    const date = screen.getByLabelText('Date of audio and photo consent');
    await waitFor(() => expect(describedText(date)).toContain("can't be in the future"));
  });

  it('shows an error with no field in a banner, never as JSON', async () => {
    api.setInvoker(async () => {
      throw { code: 'database', message: 'Something went wrong while saving.', field: null };
    });
    render(AttendeeForm, { onsaved: vi.fn() });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Full name'), 'Margaret Ellis');
    await user.click(screen.getByRole('button', { name: 'Save attendee' }));
    await waitFor(() =>
      expect(screen.getAllByRole('alert').some((a) => a.textContent?.includes('Something went wrong while saving.'))).toBe(
        true,
      ),
    );
    expect(document.body.textContent).not.toContain('"code"');
  });

  it('sends the consent ticks with a date, and empty dates as null', async () => {
    let sent: any = null;
    api.setInvoker(async (cmd, args) => {
      sent = args;
      return { id: 'A9', fullName: 'Margaret Ellis' };
    });
    const onsaved = vi.fn();
    render(AttendeeForm, { onsaved });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Full name'), 'Margaret Ellis');
    await user.click(screen.getByLabelText('Consent to take part'));
    await user.click(screen.getByRole('button', { name: 'Save attendee' }));
    await waitFor(() => expect(onsaved).toHaveBeenCalled());
    expect(sent.input.fullName).toBe('Margaret Ellis');
    expect(sent.input.consentParticipation.given).toBe(true);
    expect(sent.input.consentParticipation.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent.input.consentMedia).toEqual({ given: false, date: null });
    expect(sent.input.dateOfBirth).toBe('');
  });
});

describe('GroupForm errors', () => {
  it('shows an invalid endTime beside End time', async () => {
    api.setInvoker(async (cmd) => {
      if (cmd === 'list_venues') return [];
      throw { code: 'invalid', message: 'The end time must be after the start time.', field: 'endTime' };
    });
    render(GroupForm, { onsaved: vi.fn() });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Group name'), 'Singing for the Brain');
    await user.click(screen.getByRole('button', { name: 'Save group' }));
    const end = screen.getByLabelText('End time');
    await waitFor(() => expect(describedText(end)).toContain('The end time must be after the start time.'));
    expect(describedText(screen.getByLabelText('Start time'))).toBe('');
  });

  it('refuses a capacity that is not a whole number without calling the core', async () => {
    const calls: string[] = [];
    api.setInvoker(async (cmd) => {
      calls.push(cmd);
      return [];
    });
    render(GroupForm, { onsaved: vi.fn() });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Group name'), 'Choir');
    await user.type(screen.getByLabelText('Capacity'), 'twelve');
    await user.click(screen.getByRole('button', { name: 'Save group' }));
    await waitFor(() => expect(describedText(screen.getByLabelText('Capacity'))).toContain('whole number'));
    expect(calls).toEqual(['list_venues']);
  });

  it('sends an empty capacity and venue as null, and a number as a number', async () => {
    const sent: any[] = [];
    api.setInvoker(async (cmd, args) => {
      if (cmd === 'list_venues') return [];
      sent.push(args);
      return { id: 'G1', name: 'Choir' };
    });
    const onsaved = vi.fn();
    render(GroupForm, { onsaved });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Group name'), 'Choir');
    await user.selectOptions(screen.getByLabelText('Usual day'), 'Thursday');
    await user.click(screen.getByRole('button', { name: 'Save group' }));
    await waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1));
    expect(sent[0].input).toMatchObject({ name: 'Choir', venueId: null, capacity: null, weekday: 'thursday' });
    await user.type(screen.getByLabelText('Capacity'), '12');
    await user.click(screen.getByRole('button', { name: 'Save group' }));
    await waitFor(() => expect(onsaved).toHaveBeenCalledTimes(2));
    expect(sent[1].input.capacity).toBe(12);
  });
});
