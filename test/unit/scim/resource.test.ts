import { redactEmail } from '@idp-sync/common';
import { describeError, ScimBadRequestError } from '@idp-sync/scim/errors';
import {
  deriveEmail,
  deriveName,
  type JsonObject,
  normalizeResource,
  parseAttributeList,
  projectResource,
} from '@idp-sync/scim/protocol';
import { describe, expect, it } from 'vitest';
import { ENTRA_USER_ACTIVE_STRING_TRUE, ENTRA_USER_ACTIVE_STRING_TRUE_EXPECTED } from '../../fixtures/entra-scim';
import { fixtureCases, VENDOR_SAMPLES } from '../../helpers/vendor-fixtures';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Entra users with `"active": "True"` and a userName that is not an email. */
const entraUsers = fixtureCases(
  { value: ENTRA_USER_ACTIVE_STRING_TRUE as JsonObject, expected: ENTRA_USER_ACTIVE_STRING_TRUE_EXPECTED },
  {
    sample: VENDOR_SAMPLES.entraActiveStringTrue,
    expected: {
      userName: 'emp1',
      name: { formatted: 'Daniel Mcgee', familyName: 'Employee', givenName: 'Darl' },
      otherAddress: { formatted: '18522 Lisa Unions\nEast Gregory, CT 52311', type: 'other', primary: false },
      phoneNumbers: 3,
      preferredLanguage: 'xh',
      email: 'anna33@gmail.com',
      commandName: 'Kimberly Baker',
      clientMetaCreated: '2019-09-18T18:15:26.5788954+00:00',
    },
  },
);

describe('normalizeResource', () => {
  for (const user of entraUsers) {
    it.skipIf(!user.present)(`reads an Entra user: string active, userName that is not an email (${user.from})`, () => {
      const out = normalizeResource(user.load());
      expect(out.active).toBe(true);
      expect(out.userName).toBe(user.expected.userName);
      expect(out.meta).toBeUndefined();
      expect(out.schemas).toBeUndefined();
      // nulls mean "no value" in SCIM and are dropped; the rest is kept as sent.
      expect(out.name).toEqual(user.expected.name);
      expect((out.addresses as JsonObject[])[1]).toEqual(user.expected.otherAddress);
      expect(out.phoneNumbers).toHaveLength(user.expected.phoneNumbers);
      expect(out.preferredLanguage).toBe(user.expected.preferredLanguage);
    });
  }

  it('canonicalises known attribute names, keeps unknown ones as sent', () => {
    const out = normalizeResource({
      UserName: 'u',
      Emails: [{ Primary: 'True', Value: 'a@b.co', Type: 'work' }],
      [ENTERPRISE.toUpperCase()]: { Department: 'bob', Manager: { Value: 'SuzzyQ' } },
      customThing: { Mixed: 1 },
    });
    expect(out).toEqual({
      userName: 'u',
      emails: [{ primary: true, value: 'a@b.co', type: 'work' }],
      [ENTERPRISE]: { department: 'bob', manager: { value: 'SuzzyQ' } },
      customThing: { Mixed: 1 },
    });
  });

  it('wraps lone values of multi-valued attributes, reads a manager id string, drops password', () => {
    const out = normalizeResource({
      userName: 'u',
      emails: 'a@b.co',
      phoneNumbers: { value: '1' },
      password: 'hunter2',
      [ENTERPRISE]: { manager: '123456' },
    });
    expect(out).toEqual({
      userName: 'u',
      emails: [{ value: 'a@b.co' }],
      phoneNumbers: [{ value: '1' }],
      [ENTERPRISE]: { manager: { value: '123456' } },
    });
  });

  it('refuses impossible types for known attributes with a 400 that names them', () => {
    const cases: JsonObject[] = [
      { userName: { a: 1 } },
      { userName: 'u', active: 'sometimes' },
      { userName: 'u', name: 'Alice' },
      { userName: 'u', emails: [[1]] },
      { userName: 'u', externalId: ['x'] },
    ];
    for (const input of cases) {
      expect(() => normalizeResource(input)).toThrow(ScimBadRequestError);
    }
    expect(() => normalizeResource({ userName: 'u', active: 'sometimes' })).toThrow(/active/);
  });
});

describe('deriveEmail', () => {
  for (const user of entraUsers) {
    it.skipIf(!user.present)(`takes the primary entry, wherever it is in the list (${user.from})`, () => {
      expect(deriveEmail(normalizeResource(user.load()))).toBe(user.expected.email);
    });
  }

  it('else the work entry, else the first', () => {
    expect(
      deriveEmail({
        userName: 'u',
        emails: [
          { value: 'home@example.com', type: 'home' },
          { value: 'Work@Example.com', type: 'work' },
        ],
      }),
    ).toBe('work@example.com');
    expect(
      deriveEmail({ userName: 'u', emails: [{ value: 'first@example.com' }, { value: 'second@example.com' }] }),
    ).toBe('first@example.com');
  });

  it('falls back to userName when it is an email, else gives up', () => {
    expect(deriveEmail({ userName: 'Alice@Contoso.com' })).toBe('alice@contoso.com');
    expect(deriveEmail({ userName: 'alice@contoso.com', emails: [{ value: 'emailName357', primary: true }] })).toBe(
      'alice@contoso.com',
    );
    expect(
      deriveEmail({ userName: 'UserName111', emails: [{ value: 'emailName357', primary: true }] }),
    ).toBeUndefined();
  });
});

describe('deriveName', () => {
  it('prefers displayName, then name.formatted, then given + family', () => {
    expect(deriveName({ displayName: ' Kimberly Baker ', name: { formatted: 'Daniel Mcgee' } })).toBe('Kimberly Baker');
    expect(deriveName({ name: { formatted: 'Daniel Mcgee', givenName: 'Darl' } })).toBe('Daniel Mcgee');
    expect(deriveName({ name: { givenName: 'Barbara', familyName: 'Jensen' } })).toBe('Barbara Jensen');
    expect(deriveName({ name: {} })).toBeUndefined();
  });

  it('fits the Users API limit of 255 characters', () => {
    expect(deriveName({ displayName: 'x'.repeat(400) })).toHaveLength(255);
  });
});

describe('projection (attributes / excludedAttributes)', () => {
  const rendered: JsonObject = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: '1',
    userName: 'u',
    name: { givenName: 'A', familyName: 'B' },
    emails: [{ value: 'a@b.co', type: 'work' }],
    [ENTERPRISE]: { department: 'D', division: 'V' },
    meta: { resourceType: 'User' },
  };

  it('keeps id and schemas and the requested attributes, any case, with brackets tolerated', () => {
    expect(projectResource(rendered, parseAttributeList('USERNAME,emails[type eq "work"]'), undefined)).toEqual({
      schemas: rendered.schemas,
      id: '1',
      userName: 'u',
      emails: rendered.emails,
    });
    expect(projectResource(rendered, ['name.givenName', `${ENTERPRISE}:department`], undefined)).toEqual({
      schemas: rendered.schemas,
      id: '1',
      name: { givenName: 'A' },
      [ENTERPRISE]: { department: 'D' },
    });
  });

  it('drops excluded attributes but never id', () => {
    const out = projectResource(rendered, undefined, ['emails', 'id', 'name.familyName']);
    expect(out.emails).toBeUndefined();
    expect(out.id).toBe('1');
    expect(out.name).toEqual({ givenName: 'A' });
  });
});

describe('redactEmail', () => {
  it('keeps the first character and the domain only', () => {
    expect(redactEmail('alice@example.com')).toBe('a***@example.com');
    expect(redactEmail('emp1')).toBe('***');
    expect(redactEmail(undefined)).toBeUndefined();
  });

  it('is applied to error descriptions, which may quote an address', () => {
    expect(describeError(new Error('no person alice@example.com'))).toBe('Error: no person a***@example.com');
  });
});
