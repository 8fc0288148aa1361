import { ScimBadRequestError } from '@idp-sync/scim/errors';
import { type JsonObject, matchesFilter, parseAttrPath, parseFilter } from '@idp-sync/scim/protocol';
import { describe, expect, it } from 'vitest';

const alice: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '2441309d-8532-4e77-93ae-aaaaaaaaaaaa',
  externalId: 'JYoung',
  userName: 'Alice@Contoso.com',
  displayName: 'Alice Example',
  name: { familyName: 'Employee', givenName: 'Alice' },
  active: true,
  emails: [
    { value: 'alice@contoso.com', type: 'work', primary: true },
    { value: 'alice@example.org', type: 'home' },
  ],
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Finance', employeeNumber: '42' },
  meta: { resourceType: 'User', created: '2026-01-02T03:04:05.000Z', lastModified: '2026-01-02T03:04:05.000Z' },
};

const matches = (filter: string) => matchesFilter(alice, parseFilter(filter));

function filterError(filter: string): ScimBadRequestError {
  try {
    parseFilter(filter);
  } catch (error) {
    if (error instanceof ScimBadRequestError) return error;
    throw error;
  }
  throw new Error(`expected "${filter}" to be rejected`);
}

describe('parseFilter: what Entra sends', () => {
  it('reads userName eq with a quoted value', () => {
    expect(parseFilter('userName eq "alice@contoso.com"')).toEqual({
      kind: 'compare',
      path: { attr: 'userName' },
      op: 'eq',
      value: 'alice@contoso.com',
    });
  });

  it('reads the documented unquoted value (externalId eq jyoung)', () => {
    expect(parseFilter('externalId eq jyoung')).toMatchObject({ op: 'eq', value: 'jyoung' });
  });

  it('reads emails[type eq "work"].value eq "…" as a filtered sub-attribute', () => {
    const parsed = parseFilter('emails[type eq "work"].value eq "alice@contoso.com"');
    expect(parsed).toMatchObject({
      kind: 'compare',
      op: 'eq',
      value: 'alice@contoso.com',
      path: { attr: 'emails', sub: 'value', filter: { kind: 'compare', path: { attr: 'type' }, value: 'work' } },
    });
  });

  it('reads and, with operators and keywords in any case', () => {
    const parsed = parseFilter('userName EQ "a@b.c" AND externalId Eq "x"');
    expect(parsed.kind).toBe('and');
  });

  it('reads a Test Connection probe with a random GUID', () => {
    expect(parseFilter('userName eq "7d0d2b8c-3c7b-4f5e-9d1b-2b0a5f6c9e11"')).toMatchObject({ kind: 'compare' });
  });

  it('reads URN-qualified paths', () => {
    expect(parseFilter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "42"')).toEqual({
      kind: 'compare',
      path: { schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attr: 'employeeNumber' },
      op: 'eq',
      value: '42',
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"')).toMatchObject({
      path: { attr: 'userName' },
    });
  });

  it('reads escaped quotes, single quotes, numbers, booleans and null', () => {
    expect(parseFilter('displayName eq "say \\"hi\\""')).toMatchObject({ value: 'say "hi"' });
    expect(parseFilter("emails[type eq 'work'].value eq 'a@b.c'")).toMatchObject({ value: 'a@b.c' });
    expect(parseFilter('active eq TRUE')).toMatchObject({ value: true });
    expect(parseFilter('x eq 12.5')).toMatchObject({ value: 12.5 });
    expect(parseFilter('title eq null')).toMatchObject({ value: null });
  });
});

describe('matchesFilter', () => {
  it('compares userName and attribute names case-insensitively', () => {
    expect(matches('userName eq "alice@contoso.com"')).toBe(true);
    expect(matches('USERNAME eq "ALICE@CONTOSO.COM"')).toBe(true);
    expect(matches('userName eq "bob@contoso.com"')).toBe(false);
  });

  it('compares externalId and id exactly (case-exact attributes)', () => {
    expect(matches('externalId eq "JYoung"')).toBe(true);
    expect(matches('externalId eq jyoung')).toBe(false);
    expect(matches('id eq "2441309d-8532-4e77-93ae-aaaaaaaaaaaa"')).toBe(true);
  });

  it('finds the work email through a value filter', () => {
    expect(matches('emails[type eq "work"].value eq "alice@contoso.com"')).toBe(true);
    expect(matches('emails[type eq "work"].value eq "alice@example.org"')).toBe(false);
    expect(matches('emails[type eq "home" and value co "example"]')).toBe(true);
    expect(matches('emails.value eq "alice@example.org"')).toBe(true);
    expect(matches('emails eq "alice@example.org"')).toBe(true);
  });

  it('supports the other operators and logic (Microsoft collection forms)', () => {
    expect(
      matches('name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)'),
    ).toBe(true);
    expect(matches('userName sw a')).toBe(true);
    expect(matches('userName ew ".com"')).toBe(true);
    expect(matches('displayName co "EXAMPLE"')).toBe(true);
    expect(matches('meta.Created gt 2015-10-10T14:38:21.8617979-07:00')).toBe(true);
    expect(matches('meta.created lt "2020-01-01T00:00:00Z"')).toBe(false);
    expect(matches('title pr')).toBe(false);
    expect(matches('displayName pr')).toBe(true);
    expect(matches('not (active eq false)')).toBe(true);
    expect(matches('active eq "True"')).toBe(true);
    expect(matches('userName ne "alice@contoso.com"')).toBe(false);
    expect(matches('title eq null')).toBe(true);
    expect(matches('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "finance"')).toBe(true);
  });
});

describe('parseFilter: errors are 400 invalidFilter with a detail', () => {
  it('names an unsupported operator', () => {
    const error = filterError('userName xx "a"');
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain('"xx"');
  });

  it('rejects an unterminated string, a missing value, trailing text and nested brackets', () => {
    expect(filterError('userName eq "abc').detail).toContain('unterminated');
    expect(filterError('userName eq').detail).toContain('expected a value');
    expect(filterError('userName eq "a" "b"').detail).toContain('unexpected text');
    expect(filterError('emails[type[x eq 1] eq 2]').scimType).toBe('invalidFilter');
    expect(filterError('(userName eq "a"').detail).toContain('")"');
  });

  it('refuses filters nested too deeply or too long instead of recursing without bound', () => {
    expect(filterError(`${'('.repeat(200)}a eq 1${')'.repeat(200)}`).detail).toContain('nested');
    expect(filterError(`userName eq "${'x'.repeat(5000)}"`).detail).toContain('longer');
  });
});

describe('parseAttrPath', () => {
  it('reads PATCH paths', () => {
    expect(parseAttrPath('name.givenName')).toEqual({ attr: 'name', sub: 'givenName' });
    expect(parseAttrPath('emails[type eq "work"].value')).toMatchObject({ attr: 'emails', sub: 'value' });
    expect(parseAttrPath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager')).toEqual({
      schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      attr: 'manager',
    });
  });

  it('rejects a path that is not one with invalidPath', () => {
    expect(() => parseAttrPath('a.b.c')).toThrow(ScimBadRequestError);
    expect(() => parseAttrPath('emails[')).toThrow(/invalid|expected/i);
  });
});
