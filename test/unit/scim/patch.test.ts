import { ScimBadRequestError } from '@idp-sync/scim/errors';
import { applyPatch, type JsonObject, normalizeResource, readPatchOperations } from '@idp-sync/scim/protocol';
import { describe, expect, it } from 'vitest';
import { ENTERPRISE, replaceMultipleCompliant } from '../../helpers/scim/microsoft-docs';

const user = (): JsonObject => ({
  userName: 'Test_User_00aa00aa@testuser.com',
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  active: true,
  displayName: 'Given Family',
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  emails: [{ value: 'test_user@testuser.com', type: 'work', primary: true }],
});

/** What the service does: read the operations, apply them, normalise the result. */
const patch = (resource: JsonObject, body: unknown) =>
  normalizeResource(applyPatch(resource, readPatchOperations(body)));

function patchError(body: unknown): ScimBadRequestError {
  try {
    patch(user(), body);
  } catch (error) {
    if (error instanceof ScimBadRequestError) return error;
    throw error;
  }
  throw new Error('expected the PATCH to be rejected');
}

describe('PATCH, Entra default form (capitalised ops, string booleans)', () => {
  it('disables with "op": "Replace", "value": "False"', () => {
    const out = patch(user(), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(out.active).toBe(false);
  });

  it('accepts "true"/"TRUE" strings too', () => {
    expect(
      patch({ ...user(), active: false }, { Operations: [{ op: 'replace', path: 'active', value: 'TRUE' }] }).active,
    ).toBe(true);
  });

  it('replaces the work email and a sub-attribute (Microsoft "Update User [Multi-valued properties]")', () => {
    const out = patch(user(), {
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    });
    expect(out.emails).toEqual([{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }]);
    expect(out.name).toMatchObject({ familyName: 'updatedFamilyName', givenName: 'givenName' });
  });

  it('creates the work email when there is none yet', () => {
    const out = patch(
      { userName: 'u1', emails: [{ value: 'home@example.com', type: 'home' }] },
      { Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'work@example.com' }] },
    );
    expect(out.emails).toEqual([
      { value: 'home@example.com', type: 'home' },
      { type: 'work', value: 'work@example.com' },
    ]);
  });

  it('adds a single-valued attribute (Add nickName) and a manager reference', () => {
    const out = patch(user(), {
      Operations: [
        { op: 'Add', path: 'nickName', value: 'Babs' },
        {
          op: 'Add',
          path: 'manager',
          value: [{ $ref: 'http://example/scim/Users/00aa', value: '00aa' }],
        },
      ],
    });
    expect(out.nickName).toBe('Babs');
    expect(out.manager).toEqual([{ $ref: 'http://example/scim/Users/00aa', value: '00aa' }]);
  });

  it('replaces an enterprise attribute by its URN path', () => {
    const out = patch(user(), {
      Operations: [{ op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'Eqpj' }],
    });
    expect(out[ENTERPRISE]).toEqual({ employeeNumber: 'Eqpj' });
  });
});

describe('PATCH, Entra compliant form (aadOptscim062020)', () => {
  it('applies a path-less replace whose keys are dotted and URN attribute paths', () => {
    // Microsoft's documented request (what microsoft-sequence.test.ts sends end to end).
    const out = patch(user(), replaceMultipleCompliant);
    expect(out.displayName).toBe('Bjfe');
    expect(out.name).toEqual({ formatted: 'givenName familyName', familyName: 'Unua', givenName: 'Kkom' });
    expect(out[ENTERPRISE]).toEqual({ employeeNumber: 'Aklq' });
    expect(out.emails).toEqual([{ value: 'TestMhvaes@test.microsoft.com', type: 'work', primary: true }]);
  });

  it('disables with a path-less replace of active: false', () => {
    expect(patch(user(), { Operations: [{ op: 'replace', value: { active: false } }] }).active).toBe(false);
  });

  it('merges a whole extension object', () => {
    const out = patch(
      { ...user(), [ENTERPRISE]: { department: 'A' } },
      { Operations: [{ op: 'add', value: { [ENTERPRISE]: { Division: 'B' } } }] },
    );
    expect(out[ENTERPRISE]).toEqual({ department: 'A', division: 'B' });
  });
});

describe('PATCH semantics', () => {
  it('add appends to multi-valued attributes without duplicating', () => {
    const out = patch(user(), {
      Operations: [
        {
          op: 'add',
          path: 'emails',
          value: [
            { value: 'test_user@testuser.com', type: 'work', primary: true },
            { value: 'second@testuser.com', type: 'other' },
          ],
        },
      ],
    });
    expect(out.emails).toHaveLength(2);
  });

  it('remove deletes an attribute, filtered elements, or listed values', () => {
    const base = {
      ...user(),
      phoneNumbers: [
        { value: '1', type: 'work' },
        { value: '2', type: 'mobile' },
      ],
    };
    expect(patch(base, { Operations: [{ op: 'Remove', path: 'displayName' }] }).displayName).toBeUndefined();
    expect(
      patch(base, { Operations: [{ op: 'remove', path: 'phoneNumbers[type eq "mobile"]' }] }).phoneNumbers,
    ).toEqual([{ value: '1', type: 'work' }]);
    expect(
      patch(base, { Operations: [{ op: 'Remove', path: 'phoneNumbers', value: [{ value: '1' }] }] }).phoneNumbers,
    ).toEqual([{ value: '2', type: 'mobile' }]);
    expect(patch(base, { Operations: [{ op: 'remove', path: 'name.givenName' }] }).name).toEqual({
      formatted: 'givenName familyName',
      familyName: 'familyName',
    });
  });

  it('stores unknown attributes and extensions as sent', () => {
    const out = patch(user(), {
      Operations: [
        { op: 'add', path: 'favouriteColour', value: 'teal' },
        { op: 'replace', value: { 'urn:example:params:scim:schemas:extension:Custom:2.0:User': { tag: '701984' } } },
      ],
    });
    expect(out.favouriteColour).toBe('teal');
    expect(out['urn:example:params:scim:schemas:extension:Custom:2.0:User']).toEqual({ tag: '701984' });
  });

  it('never touches a prototype', () => {
    const out = patch(user(), JSON.parse('{"Operations":[{"op":"add","value":{"__proto__":{"polluted":true}}}]}'));
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
  });
});

describe('PATCH errors are 400 with a SCIM type and a detail', () => {
  it('an unknown op', () => {
    const error = patchError({ Operations: [{ op: 'merge', path: 'displayName', value: 'x' }] });
    expect(error.scimType).toBe('invalidSyntax');
    expect(error.detail).toContain('Operations[0].op');
  });

  it('a body without Operations, or not an object', () => {
    expect(patchError({ schemas: [] }).scimType).toBe('invalidSyntax');
    expect(patchError([1, 2]).scimType).toBe('invalidSyntax');
  });

  it('remove without a path', () => {
    expect(patchError({ Operations: [{ op: 'remove' }] }).scimType).toBe('noTarget');
  });

  it('a read-only attribute', () => {
    expect(patchError({ Operations: [{ op: 'replace', path: 'id', value: 'x' }] }).scimType).toBe('mutability');
  });

  it('a value of an impossible type for a known attribute', () => {
    const error = patchError({ Operations: [{ op: 'replace', path: 'active', value: 'maybe' }] });
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain('active');
  });

  it('a malformed path', () => {
    expect(patchError({ Operations: [{ op: 'replace', path: 'emails[type eq', value: 'x' }] }).scimType).toBe(
      'invalidPath',
    );
  });
});

describe('PATCH over long multi-valued lists (review of issue #14: add and remove were quadratic)', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `e${i}@example.com`, type: 'other' }));

  it('adds a 20,000-element list once each, keeping what was there and dropping repeats', () => {
    const additions = [...many(20_000), ...many(10)];
    const result = patch(user(), { Operations: [{ op: 'add', path: 'emails', value: additions }] });
    const emails = result.emails as JsonObject[];
    expect(emails).toHaveLength(20_001);
    expect(emails[0]).toMatchObject({ value: 'test_user@testuser.com' });
  });

  it('removes the listed elements of a 20,000-element list, matched whole or by value', () => {
    const start = patch(user(), { Operations: [{ op: 'add', path: 'emails', value: many(20_000) }] });
    const listed = [...many(19_999).map((e) => ({ value: e.value })), { value: 'test_user@testuser.com' }];
    const result = patch(start, { Operations: [{ op: 'remove', path: 'emails', value: listed }] });
    expect(result.emails).toEqual([{ value: 'e19999@example.com', type: 'other' }]);
  });
});
