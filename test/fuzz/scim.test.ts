import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScimBackend, type ScimTestService, startScimBackend } from '../helpers/scim/harness';

/**
 * Property: whatever PATCH body or filter a client sends, the SCIM service answers with a 2xx or a 4xx in the SCIM error
 * schema — never a 5xx (Entra counts those towards quarantine) and never a crash.
 */

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('', ' ', 'True', 'False', 'true', 'null', 'alice@contoso.com', '__proto__', 'constructor'),
);

const attributePath = fc.oneof(
  fc.constantFrom(
    'active',
    'userName',
    'displayName',
    'externalId',
    'name',
    'name.givenName',
    'Name.FamilyName',
    'emails',
    'emails.value',
    'emails[type eq "work"].value',
    'emails[type eq "work"]',
    'emails[value co "@"].primary',
    'phoneNumbers[type eq "mobile"].value',
    'addresses[type eq "work"].streetAddress',
    'id',
    'meta',
    'meta.created',
    'schemas',
    `${ENTERPRISE}:employeeNumber`,
    `${ENTERPRISE}:manager`,
    `${ENTERPRISE}:manager.value`,
    ENTERPRISE,
    'urn:example:2.0:User:tag',
    'roles[primary eq true].value',
    'a.b.c',
    'emails[',
    '[x]',
    '__proto__',
  ),
  text,
);

const operationName = fc.oneof(
  fc.constantFrom('add', 'Add', 'replace', 'Replace', 'REMOVE', 'remove', 'Remove', 'merge', ''),
  text,
);

const patchValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(attributePath, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
  fc.constantFrom('False', 'True', false, true, null, [], {}),
);

const operation = fc.oneof(
  fc.record({ op: operationName, path: attributePath, value: patchValue }, { requiredKeys: ['op'] }),
  fc.record({ op: operationName, value: fc.dictionary(attributePath, patchValue, { maxKeys: 5 }) }),
  fc.jsonValue({ maxDepth: 2 }),
);

const patchBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']),
      Operations: fc.array(operation, { maxLength: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ operations: fc.array(operation, { maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const filterValue = fc.oneof(
  text.map((value) => JSON.stringify(value)),
  fc.constantFrom('true', 'false', 'null', '42', '-1.5e3', 'jyoung', '2015-10-10T14:38:21.8617979-07:00', "'single'"),
);
const operator = fc.oneof(
  fc.constantFrom('eq', 'EQ', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'xx', 'and', 'or', 'not'),
  text,
);
const filterTerm = fc
  .tuple(attributePath, operator, filterValue)
  .map(([path, op, value]) => (op.toLowerCase() === 'pr' ? `${path} pr` : `${path} ${op} ${value}`));
const filter: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    filterTerm,
    fc
      .tuple(tie('expr'), fc.constantFrom(' and ', ' or ', ' AND ', ' Or '), tie('expr'))
      .map((parts) => parts.join('')),
    tie('expr').map((inner) => `(${inner})`),
    tie('expr').map((inner) => `not (${inner})`),
    fc.tuple(fc.constantFrom('emails', 'phoneNumbers', 'x'), tie('expr')).map(([attr, inner]) => `${attr}[${inner}]`),
  ),
})).expr;
const anyFilter = fc.oneof({ weight: 4, arbitrary: filter }, { weight: 1, arbitrary: text });

// Groups (issue #18): member paths and values as Entra and Okta send them, and what they never should.
const groupPath = fc.oneof(
  fc.constantFrom(
    'members',
    'Members',
    'members[value eq "u1"]',
    'members[value eq "u1" or value eq "u2"]',
    'members[display eq "x"]',
    'members[value co "u"]',
    'members.value',
    'members[value eq "u1"].display',
    'displayName',
    'externalId',
    'urn:example:Group:tag',
    'members[',
    '__proto__',
  ),
  attributePath,
);
const memberValue = fc.oneof(
  fc.array(fc.record({ value: fc.oneof(text, fc.constantFrom('u1', 'u2')), display: text }, { requiredKeys: [] })),
  fc.record({ value: text, $ref: fc.constant(null) }),
  text,
  fc.jsonValue({ maxDepth: 2 }),
);
const groupOperation = fc.oneof(
  fc.record({ op: operationName, path: groupPath, value: memberValue }, { requiredKeys: ['op'] }),
  fc.record({ op: operationName, value: fc.dictionary(groupPath, memberValue, { maxKeys: 4 }) }),
  fc.jsonValue({ maxDepth: 2 }),
);
const groupPatchBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']),
      Operations: fc.array(groupOperation, { maxLength: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const groupBody = fc.oneof(
  fc.record(
    { displayName: fc.oneof(text, fc.constant('Fuzzers')), externalId: text, members: memberValue },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

let backend: ScimBackend;
let scim: ScimTestService;
let userId: string;
let groupId: string;

beforeAll(async () => {
  backend = await startScimBackend();
  scim = await backend.createService();
  const created = await scim.request('POST', '/scim/v2/Users', {
    body: {
      userName: 'fuzz@contoso.com',
      displayName: 'Fuzz Target',
      emails: [{ value: 'fuzz@contoso.com', type: 'work', primary: true }],
      phoneNumbers: [{ value: '1', type: 'mobile' }],
      [ENTERPRISE]: { employeeNumber: '1' },
    },
  });
  userId = created.json.id;
  const group = await scim.request('POST', '/scim/v2/Groups', {
    body: { displayName: 'Fuzz Group', members: [{ value: userId }] },
  });
  groupId = group.json.id;
});
afterAll(async () => {
  await backend.stop();
});

function expectScimAnswer(response: { statusCode: number; body: string; headers: Readonly<Record<string, string>> }) {
  expect(response.statusCode, response.body).toBeLessThan(500);
  if (response.statusCode >= 400) {
    const error = JSON.parse(response.body);
    expect(error.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(error.detail).toEqual(expect.any(String));
  }
}

describe('SCIM fuzzing', () => {
  it('arbitrary PATCH bodies never cause a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(patchBody, async (body) => {
        const response = await scim.request('PATCH', `/scim/v2/Users/${userId}`, { body });
        expectScimAnswer(response);
        // The user stays readable whatever happened to it.
        expectScimAnswer(await scim.request('GET', `/scim/v2/Users/${userId}`));
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary raw PATCH bytes never cause a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 64 }), async (raw) => {
        expectScimAnswer(await scim.request('PATCH', `/scim/v2/Users/${userId}`, { body: raw }));
      }),
      { numRuns: 50 },
    );
  });

  it('arbitrary filters never cause a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyFilter, async (value) => {
        const response = await scim.request('GET', `/scim/v2/Users?filter=${encodeURIComponent(value)}`);
        expectScimAnswer(response);
        if (response.statusCode === 200) {
          expect(JSON.parse(response.body).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
        } else {
          expect(response.statusCode).toBe(400);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('arbitrary group PATCH bodies never cause a 5xx, and the group stays readable', async () => {
    await fc.assert(
      fc.asyncProperty(groupPatchBody, async (body) => {
        expectScimAnswer(await scim.request('PATCH', `/scim/v2/Groups/${groupId}`, { body }));
        const after = await scim.request('GET', `/scim/v2/Groups/${groupId}`);
        expect(after.statusCode).toBe(200);
        expect(typeof JSON.parse(after.body).displayName).toBe('string');
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary group bodies (POST, PUT) and group filters never cause a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(groupBody, anyFilter, async (body, value) => {
        expectScimAnswer(await scim.request('POST', '/scim/v2/Groups', { body }));
        expectScimAnswer(await scim.request('PUT', `/scim/v2/Groups/${groupId}`, { body }));
        expectScimAnswer(await scim.request('GET', `/scim/v2/Groups?filter=${encodeURIComponent(value)}`));
      }),
      { numRuns: 100 },
    );
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
