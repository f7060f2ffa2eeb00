// Importing people from a spreadsheet, over the app's real commands: the file
// read, the columns chosen, every problem shown, and the two ways to import.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import * as api from '../lib/api';
import type { AttendeeSummary } from '../lib/bindings';
import { personInput } from './fixtures';
import { startRealBackend, type RealBackend } from './real-backend';
import { parseRoute, paths, section } from '../lib/router.svelte';
import { outcomeSentence, problemText } from '../lib/people-import';
import ImportPeople from '../screens/ImportPeople.svelte';
import Attendees from '../screens/Attendees.svelte';

const REFERRALS = [
  'Name,Known as,DOB,Referred by,Date referred,Shoe size',
  'Winifred Hughes,Win,12/05/1938,Memory clinic,03/02/2025,5',
  'Albert Crossley,Bert,31/02/1941,GP link worker,10/02/2025,9',
  'Mary Sutcliffe,,07/11/1945,,,',
  ',,01/01/1950,,,',
  'Stanley Firth,Stan,22/08/1936,Care home,14/02/2025,8',
].join('\n');
const CLEAN = ['Full name,Date of birth', 'Ann Hill,01/02/1940', 'Bob Stone,', 'Carl Jones,03/04/1938'].join('\n');

let backend: RealBackend;
let calls: string[];
let chosen: string | null;
/** The spreadsheets the file window offers, written to a folder of their own. */
let folder: string;
/** While set, the answer to import_people waits for it (to watch the progress). */
let holdImport: Promise<void> | null;

beforeEach(() => {
  backend = startRealBackend();
  folder = mkdtempSync(join(tmpdir(), 'refrain-import-test-'));
  writeFileSync(join(folder, 'Referrals.csv'), REFERRALS);
  writeFileSync(join(folder, 'Clean.csv'), CLEAN);
  writeFileSync(join(folder, 'Referrals.pdf'), '%PDF-1.7\n');
  calls = [];
  chosen = 'Referrals.csv';
  holdImport = null;
  api.setInvoker(async (cmd, args) => {
    calls.push(cmd);
    const answer = await backend.invoke(cmd, args);
    if (cmd === 'import_people' && holdImport) await holdImport;
    return answer;
  });
  api.setEventSource(backend.listen);
  api.setFilePicker(async () => (chosen ? join(folder, chosen) : null));
});
afterEach(() => {
  backend.dispose();
  rmSync(folder, { recursive: true, force: true });
});

const previews = () => calls.filter((c) => c === 'preview_import').length;
const counts = () => screen.getByTestId('import-counts').textContent!.replace(/\s+/g, ' ').trim();
const everyone = async () =>
  ((await backend.invoke('list_attendees', { query: '', includeArchived: true })) as AttendeeSummary[])
    .map((p) => p.fullName)
    .sort();

async function chooseFile(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: 'Choose a spreadsheet…' }));
  await screen.findByTestId('import-counts');
}

describe('the route', () => {
  it('is #/attendees/import, under Attendees, reached from the Attendees screen', async () => {
    expect(paths.importPeople()).toBe('#/attendees/import');
    const route = parseRoute(paths.importPeople());
    expect(route).toEqual({ name: 'attendees-import' });
    expect(section(route)).toBe('attendees');
    expect(parseRoute('#/attendees/A1')).toEqual({ name: 'attendee', id: 'A1' });

    render(Attendees);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Import from a spreadsheet…' }));
    expect(location.hash).toBe('#/attendees/import');
  });
});

describe('importing people', () => {
  it('reads the file, guesses the columns and shows samples, with a label on every choice', async () => {
    render(ImportPeople);
    const user = userEvent.setup();
    await chooseFile(user);
    expect(screen.getByTestId('import-file-name').textContent).toBe('Referrals.csv');
    expect(screen.getByText('UTF-8 text')).toBeTruthy();
    expect(screen.getByText(/5 rows below the headings/)).toBeTruthy();
    // Focus moves on to the next step.
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: '2. Say what each column holds' }));

    const columns = screen.getAllByTestId('import-column');
    expect(columns).toHaveLength(6);
    expect(within(columns[0]).getByText('Winifred Hughes')).toBeTruthy();
    expect(within(columns[0]).getByText('Albert Crossley')).toBeTruthy();
    expect(within(columns[0]).queryByText('Stanley Firth')).toBeNull(); // three samples at most
    const select = (name: string) => screen.getByLabelText(`Import column ${name} as`) as HTMLSelectElement;
    expect(select('A (Name)').value).toBe('fullName');
    expect(select('C (DOB)').value).toBe('dateOfBirth');
    expect(select('F (Shoe size)').value).toBe('');
    const options = [...select('F (Shoe size)').options].map((o) => o.text);
    expect(options[0]).toBe('Not imported');
    expect(options).toContain('Date referral received');
    expect(options).toHaveLength(17);
  });

  it('lists every problem with its row and column, and will not import everyone while there are any', async () => {
    render(ImportPeople);
    await chooseFile(userEvent.setup());
    expect(counts()).toBe('5 rows: 3 ready to import, 2 with problems.');
    const problems = screen.getAllByTestId('import-problem').map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent));
    expect(problems).toEqual([
      ['3', 'C (DOB)', '“31/02/1941” is not a date that exists. Dates are read day first, as 31/01/1950.'],
      ['5', 'A (Name)', 'There is no full name in this row.'],
    ]);
    expect(screen.getByRole('region', { name: '2 problems to correct or skip' })).toBeTruthy();
    const all = screen.getByRole('button', { name: 'Import 3 people' }) as HTMLButtonElement;
    expect(all.disabled).toBe(true);

    // The rows as they will be imported, dates in words.
    const rows = screen.getAllByTestId('import-preview-row');
    expect(rows).toHaveLength(5);
    expect(within(rows[0]).getByText('12 May 1938')).toBeTruthy();
    expect(within(rows[0]).getByText('Memory clinic')).toBeTruthy();
    expect(within(rows[0]).getByText('Ready')).toBeTruthy();
    expect(within(rows[1]).getByText('Has a problem')).toBeTruthy();
  });

  it('checks again whenever a column is changed', async () => {
    render(ImportPeople);
    const user = userEvent.setup();
    await chooseFile(user);
    const before = previews();
    await user.selectOptions(screen.getByLabelText('Import column C (DOB) as'), '');
    await waitFor(() => expect(counts()).toBe('5 rows: 4 ready to import, 1 with problems.'));
    expect(previews()).toBe(before + 1);
    expect(screen.getAllByTestId('import-problem')).toHaveLength(1);

    // Without a name column nothing can be checked: the core says so beside the columns.
    await user.selectOptions(screen.getByLabelText('Import column A (Name) as'), '');
    const error = await screen.findByText("Choose which column holds each person's full name.");
    expect(error.getAttribute('role')).toBe('alert');
    expect(screen.getByLabelText('Import column A (Name) as').getAttribute('aria-describedby')).toBe(error.id);
    expect(screen.queryByRole('button', { name: /^Import \d/ })).toBeNull();
    expect(previews()).toBe(before + 2);

    await user.selectOptions(screen.getByLabelText('Import column A (Name) as'), 'fullName');
    await waitFor(() => expect(counts()).toBe('5 rows: 4 ready to import, 1 with problems.'));
    expect(screen.queryByText("Choose which column holds each person's full name.")).toBeNull();
  });

  it('imports the ready rows and skips the rest only once that is agreed, then says what it did', async () => {
    render(ImportPeople);
    const user = userEvent.setup();
    await chooseFile(user);
    const skip = screen.getByRole('button', { name: 'Import the 3 ready rows and skip the rest' }) as HTMLButtonElement;
    expect(skip.disabled).toBe(true);
    await user.click(screen.getByLabelText('Leave out the 2 rows with problems (nothing from them is saved)'));
    expect(skip.disabled).toBe(false);
    await user.click(skip);

    const heading = await screen.findByRole('heading', { name: 'Import finished' });
    expect(document.activeElement).toBe(heading);
    expect(screen.getByText('3 people added, 2 referrals. 2 rows with problems skipped.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Back to Attendees' }).getAttribute('href')).toBe('#/attendees');
    expect(await everyone()).toEqual(['Mary Sutcliffe', 'Stanley Firth', 'Winifred Hughes']);
  });

  it('imports everyone from a file without problems', async () => {
    chosen = 'Clean.csv';
    render(ImportPeople);
    const user = userEvent.setup();
    await chooseFile(user);
    expect(counts()).toBe('3 rows: 3 ready to import.');
    expect(screen.queryByRole('button', { name: /skip the rest/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Import 3 people' }));
    expect(await screen.findByText('3 people added.')).toBeTruthy();
    expect(await everyone()).toEqual(['Ann Hill', 'Bob Stone', 'Carl Jones']);
  });

  it('shows the progress while it saves', async () => {
    let release = () => {};
    holdImport = new Promise((r) => (release = r));
    chosen = 'Clean.csv';
    render(ImportPeople);
    const user = userEvent.setup();
    await chooseFile(user);
    await user.click(screen.getByRole('button', { name: 'Import 3 people' }));
    const bar = await screen.findByRole('progressbar', { name: 'Importing people' });
    await waitFor(() => expect(bar.getAttribute('aria-valuemax')).toBe('3'));
    expect(bar.getAttribute('aria-valuetext')).toMatch(/of 3 people saved/);
    release();
    expect(await screen.findByText('3 people added.')).toBeTruthy();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('shows a refused import in plain words, saves nothing and checks the file again', async () => {
    chosen = 'Clean.csv';
    render(ImportPeople);
    const user = userEvent.setup();
    await chooseFile(user);
    // Someone in the file is recorded meanwhile.
    await backend.invoke('create_attendee', {
      input: personInput('Bob Stone', { consentParticipation: { given: false, date: null } }),
    });
    await user.click(screen.getByRole('button', { name: 'Import 3 people' }));
    const alert = await screen.findByText(/so nobody was imported/);
    // Focus moves to it once the file has been checked again.
    await waitFor(() => expect(alert.closest('[role="alert"]')).toBe(document.activeElement));
    await waitFor(() => expect(counts()).toBe('3 rows: 2 ready to import, 1 with problems.'));
    expect(await everyone()).toEqual(['Bob Stone']);
  });

  it('says in plain words when a file cannot be read, and does nothing when the window is closed', async () => {
    chosen = null;
    render(ImportPeople);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Choose a spreadsheet…' }));
    expect(calls).not.toContain('read_import_file');

    chosen = 'Referrals.pdf';
    await user.click(screen.getByRole('button', { name: 'Choose a spreadsheet…' }));
    const error = await screen.findByRole('alert');
    expect(error.textContent).toMatch(/can import people from CSV files \(\.csv or \.txt\) and Excel workbooks/);
    expect(screen.queryByText('2. Say what each column holds')).toBeNull();
  });
});

describe('the words', () => {
  it('says what an import did', () => {
    expect(outcomeSentence({ peopleAdded: 23, referralsAdded: 4, rowsSkipped: 2 })).toBe(
      '23 people added, 4 referrals. 2 rows with problems skipped.',
    );
    expect(outcomeSentence({ peopleAdded: 1, referralsAdded: 1, rowsSkipped: 1 })).toBe(
      '1 person added, 1 referral. 1 row with problems skipped.',
    );
  });

  it('drops the row and column from a problem only when the table shows them', () => {
    const p = { row: 7, column: 'C (Date of birth)', field: null, message: 'Row 7, column C (Date of birth): “x” is not a date.' };
    expect(problemText(p)).toBe('“x” is not a date.');
    expect(problemText({ ...p, column: null, message: 'Row 7: already in the file as row 3.' })).toBe(
      'Already in the file as row 3.',
    );
    expect(problemText({ ...p, message: 'Something else.' })).toBe('Something else.');
  });
});
