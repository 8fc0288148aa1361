import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MAX_JSON_DEPTH, ownField, parseUntrustedJson } from '@idp-sync/common';
import {
  type DirectoryPerson,
  type DirectorySource,
  EmailSchema,
  PREDEFINED_ROLES,
  type PredefinedRole,
} from '@idp-sync/contracts';
import { parse as parseCsv } from 'csv-parse/sync';
import { DirectoryFileError } from '../../errors';

/** The largest directory file read (a 200,000-person export with long names is ~20 MB). */
export const MAX_DIRECTORY_FILE_BYTES = 64 * 1024 * 1024;
/** The most people one file may name. */
export const MAX_DIRECTORY_PEOPLE = 1_000_000;
/** The columns (CSV) and fields (JSON) a directory file may have; `email` is required. */
export const DIRECTORY_FIELDS = ['email', 'name', 'role', 'active'] as const;

const TRUE = new Set(['true', 'yes', 'y', '1', 'active']);
const FALSE = new Set(['false', 'no', 'n', '0', 'inactive']);

/** One row as read: where it came from and its raw field values (strings from CSV; JSON values as they are). */
interface RawRow {
  readonly where: string;
  readonly email: unknown;
  readonly name: unknown;
  readonly role: unknown;
  readonly active: unknown;
}

/**
 * Checks one row, adding `<where>, field "<name>": <problem>` lines; returns the person when it is valid.
 */
function checkRow(row: RawRow, problems: string[]): DirectoryPerson | undefined {
  const before = problems.length;
  const at = (field: string, message: string) => problems.push(`${row.where}, field "${field}": ${message}`);
  const email = EmailSchema.safeParse(row.email);
  if (row.email === undefined || row.email === null || row.email === '') at('email', 'required');
  else if (typeof row.email !== 'string') at('email', 'must be text: an email address');
  else if (!email.success) at('email', email.error.issues[0]?.message ?? 'must be an email address');
  let name: string | undefined;
  if (row.name !== undefined && row.name !== null && row.name !== '') {
    if (typeof row.name !== 'string') at('name', 'must be text');
    else if (row.name.trim().length > 255) at('name', 'must be at most 255 characters');
    else name = row.name.trim() || undefined;
  }
  let role: PredefinedRole | undefined;
  if (row.role !== undefined && row.role !== null && row.role !== '') {
    const value = typeof row.role === 'string' ? row.role.trim().toUpperCase() : undefined;
    if (value === undefined || !(PREDEFINED_ROLES as readonly string[]).includes(value)) {
      at('role', `must be one of ${PREDEFINED_ROLES.join(', ')}`);
    } else role = value as PredefinedRole;
  }
  let active = true;
  if (row.active !== undefined && row.active !== null && row.active !== '') {
    const value =
      typeof row.active === 'boolean'
        ? String(row.active)
        : typeof row.active === 'string'
          ? row.active.trim().toLowerCase()
          : '';
    if (TRUE.has(value)) active = true;
    else if (FALSE.has(value)) active = false;
    else at('active', 'must be true or false (also yes/no, 1/0, active/inactive)');
  }
  if (problems.length > before || !email.success) return undefined;
  return {
    email: email.data,
    active,
    ...(name === undefined ? {} : { name }),
    ...(role === undefined ? {} : { role }),
  };
}

/** The rows of a CSV file: a header naming the columns (any order, any case), then one person per line. */
function csvRows(text: string, problems: string[]): RawRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: 64 * 1024,
      to: MAX_DIRECTORY_PEOPLE + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    problems.push(`${e.lines === undefined ? '' : `line ${e.lines}: `}not valid CSV: ${e.message ?? String(error)}`);
    return [];
  }
  const [header, ...body] = records;
  if (header === undefined) return [];
  const columns = header.record.map((c) => c.trim().toLowerCase());
  const index = new Map<string, number>();
  columns.forEach((column, i) => {
    if (!(DIRECTORY_FIELDS as readonly string[]).includes(column)) {
      problems.push(
        `line ${header.info.lines}: unknown column "${column.slice(0, 40)}" (the columns are ${DIRECTORY_FIELDS.join(', ')})`,
      );
    } else if (index.has(column)) problems.push(`line ${header.info.lines}: column "${column}" appears twice`);
    else index.set(column, i);
  });
  if (!index.has('email')) problems.push(`line ${header.info.lines}: no "email" column (the header names the columns)`);
  if (problems.length > 0) return [];
  if (body.length > MAX_DIRECTORY_PEOPLE) {
    problems.push(`more than ${MAX_DIRECTORY_PEOPLE} people: split the file by domain and use --domain`);
    return [];
  }
  const cell = (record: string[], column: string) => {
    const i = index.get(column);
    return i === undefined ? undefined : record[i];
  };
  return body.map(({ record, info }) => ({
    where: `line ${info.lines}`,
    email: cell(record, 'email'),
    name: cell(record, 'name'),
    role: cell(record, 'role'),
    active: cell(record, 'active'),
  }));
}

/** The rows of a JSON file: `{ "people": [ … ] }` or a bare array of `{ email, name?, role?, active? }`. */
function jsonRows(text: string, problems: string[]): RawRow[] {
  const result = parseUntrustedJson(text, MAX_JSON_DEPTH);
  if (!result.ok) {
    problems.push(
      result.reason === 'too-deep'
        ? `not a directory file: ${result.detail}`
        : `not valid JSON: ${result.error.message}`,
    );
    return [];
  }
  const parsed = result.value;
  const list = Array.isArray(parsed) ? parsed : ownField(parsed, 'people');
  if (!Array.isArray(list)) {
    problems.push('the JSON must be an array of people or { "people": [ … ] }');
    return [];
  }
  if (list.length > MAX_DIRECTORY_PEOPLE) {
    problems.push(`more than ${MAX_DIRECTORY_PEOPLE} people: split the file by domain and use --domain`);
    return [];
  }
  const rows: RawRow[] = [];
  list.forEach((entry, i) => {
    const where = `people[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push(`${where}: must be an object with an "email"`);
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!(DIRECTORY_FIELDS as readonly string[]).includes(key)) {
        problems.push(`${where}, field "${key.slice(0, 40)}": unknown (the fields are ${DIRECTORY_FIELDS.join(', ')})`);
      }
    }
    rows.push({
      where,
      email: ownField(entry, 'email'),
      name: ownField(entry, 'name'),
      role: ownField(entry, 'role'),
      active: ownField(entry, 'active'),
    });
  });
  return rows;
}

/**
 * Reads a directory export (`.csv`, or `.json`: by the name, else by the first character), checks every row, and
 * refuses the file with every problem at once (line or index, field, what is wrong): an unknown column or field, a bad
 * email, role or `active`, and a person named twice (the line of both). Emails are lower-cased as the pipeline keys
 * people, so `Ada@Example.com` and `ada@example.com` are the same person.
 *
 * @example
 * const people = parseDirectoryFile('people.csv', 'email,name\nada@example.com,Ada Lovelace\n'); // [{ email, name, active: true }]
 */
export function parseDirectoryFile(fileName: string, text: string): DirectoryPerson[] {
  const problems: string[] = [];
  const json = /\.json$/i.test(fileName) || (!/\.csv$/i.test(fileName) && /^\s*[[{]/.test(text));
  const rows = json ? jsonRows(text, problems) : csvRows(text, problems);
  const people: DirectoryPerson[] = [];
  const firstSeen = new Map<string, string>();
  for (const row of rows) {
    const person = checkRow(row, problems);
    if (person === undefined) continue;
    const seen = firstSeen.get(person.email);
    if (seen !== undefined) {
      problems.push(
        `${row.where}, field "email": names the same person as ${seen} (emails are compared in lower case)`,
      );
      continue;
    }
    firstSeen.set(person.email, row.where);
    people.push(person);
  }
  if (problems.length > 0) throw new DirectoryFileError(basename(fileName), problems);
  return people;
}

/**
 * A directory file as a source of truth (`idp-sync reconcile --from file --file people.csv`): read once, whole,
 * bounded in size.
 *
 * @example
 * const source = fileDirectorySource('exports/people.csv');
 * for await (const person of source.people()) console.log(person.email);
 */
export function fileDirectorySource(path: string): DirectorySource {
  return {
    name: `file ${basename(path)}`,
    async *people() {
      const size = (await stat(path)).size;
      if (size > MAX_DIRECTORY_FILE_BYTES) {
        throw new DirectoryFileError(basename(path), [
          `${size} bytes: more than ${MAX_DIRECTORY_FILE_BYTES} (split the file by domain and use --domain)`,
        ]);
      }
      yield* parseDirectoryFile(path, await readFile(path, 'utf8'));
    },
  };
}
