import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryFileError } from '@idp-sync/reconcile';
import { fileDirectorySource, parseDirectoryFile } from '@idp-sync/reconcile/file';
import { describe, expect, it } from 'vitest';

function problemsOf(name: string, text: string): readonly string[] {
  try {
    parseDirectoryFile(name, text);
  } catch (error) {
    expect(error).toBeInstanceOf(DirectoryFileError);
    return (error as DirectoryFileError).problems;
  }
  throw new Error('expected the file to be refused');
}

describe('directory files: CSV', () => {
  it('reads a header in any order and case, quoted fields, a BOM, blank lines; emails lower-cased', () => {
    const text =
      '\uFEFFName,EMAIL,active,Role\n"Lovelace, Ada",Ada@Example.com,yes,admin\n\nAlan Turing,alan@example.com,false,\n';
    expect(parseDirectoryFile('people.csv', text)).toEqual([
      { email: 'ada@example.com', name: 'Lovelace, Ada', role: 'ADMIN', active: true },
      { email: 'alan@example.com', name: 'Alan Turing', active: false },
    ]);
  });

  it('defaults active to true and takes only an email column', () => {
    expect(parseDirectoryFile('p.csv', 'email\nx@example.com\n')).toEqual([{ email: 'x@example.com', active: true }]);
  });

  it('names every problem by line and field, all at once', () => {
    const text = [
      'email,name,role,active',
      'ok@example.com,Ok,,',
      'not-an-email,Bad,,',
      ',No Email,,',
      'c@example.com,Cee,OWNER,maybe',
      'OK@example.com,Twice,,',
    ].join('\n');
    expect(problemsOf('people.csv', text)).toEqual([
      'line 3, field "email": must be an email address',
      'line 4, field "email": required',
      'line 5, field "role": must be one of ADMIN, MEMBER, ANNOTATOR',
      'line 5, field "active": must be true or false (also yes/no, 1/0, active/inactive)',
      'line 6, field "email": names the same person as line 2 (emails are compared in lower case)',
    ]);
  });

  it('refuses an unknown or doubled column, a missing email column, and broken CSV', () => {
    expect(problemsOf('p.csv', 'email,department\na@example.com,x\n')).toEqual([
      'line 1: unknown column "department" (the columns are email, name, role, active)',
    ]);
    expect(problemsOf('p.csv', 'name,name\nA,B\n')).toEqual([
      'line 1: column "name" appears twice',
      'line 1: no "email" column (the header names the columns)',
    ]);
    expect(problemsOf('p.csv', 'email,name\na@example.com,"unclosed\n')[0]).toMatch(/not valid CSV/);
    expect(problemsOf('p.csv', 'email,name\na@example.com,A,extra\n')[0]).toMatch(/line 2: not valid CSV/);
  });
});

describe('directory files: JSON', () => {
  it('reads { people: [...] } and a bare array', () => {
    const people = [
      { email: 'A@example.com', name: 'A', active: false },
      { email: 'b@example.com', role: 'member' },
    ];
    expect(parseDirectoryFile('p.json', JSON.stringify({ people }))).toEqual([
      { email: 'a@example.com', name: 'A', active: false },
      { email: 'b@example.com', role: 'MEMBER', active: true },
    ]);
    expect(parseDirectoryFile('p.json', JSON.stringify(people))).toHaveLength(2);
  });

  it('names problems by index and field; refuses prototype keys and unknown fields', () => {
    const text =
      '{"people":[{"email":"a@example.com","__proto__":{"active":false}},{"email":3},"x",{"email":"a@example.com"}]}';
    expect(problemsOf('p.json', text)).toEqual([
      'people[0], field "__proto__": unknown (the fields are email, name, role, active)',
      'people[2]: must be an object with an "email"',
      'people[1], field "email": must be text: an email address',
      'people[3], field "email": names the same person as people[0] (emails are compared in lower case)',
    ]);
    expect(problemsOf('p.json', '{"members":[]}')).toEqual([
      'the JSON must be an array of people or { "people": [ … ] }',
    ]);
    expect(problemsOf('p.json', '[{')[0]).toMatch(/not valid JSON/);
  });

  it('the example files in the package are valid', () => {
    const dir = join(import.meta.dirname, '../../../packages/reconcile/examples');
    expect(
      parseDirectoryFile('people.example.csv', readFileSync(join(dir, 'people.example.csv'), 'utf8')),
    ).toHaveLength(4);
    expect(
      parseDirectoryFile('people.example.json', readFileSync(join(dir, 'people.example.json'), 'utf8')),
    ).toHaveLength(4);
  });
});

describe('the file source', () => {
  it('reads a file by path and names itself by the file name only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idp-sync-dir-'));
    try {
      const path = join(dir, 'people.csv');
      writeFileSync(path, 'email\na@example.com\n');
      const source = fileDirectorySource(path);
      expect(source.name).toBe('file people.csv');
      const people = [];
      for await (const p of source.people()) people.push(p);
      expect(people).toEqual([{ email: 'a@example.com', active: true }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
