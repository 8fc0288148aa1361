import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScimBackend, type ScimTestService, startScimBackend } from '../../helpers/scim/harness';

// Issue #18: what Okta's SCIM 2.0 spec test (the Runscope suite Okta asks integrators to run before submitting an
// app; developer.okta.com "Test your SCIM API") checks, written from its published list of checks as the project's
// own requests: list and paging shape, the Groups endpoint, get by id, an unknown userName and an unknown id, a
// realistic Okta create, a duplicate, userName case-insensitivity, a wrong token; then Okta's own user requests
// (developer.okta.com "Okta and SCIM Version 2.0": deactivate by a path-less replace, answered 200 with the user).

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

let backend: ScimBackend;
let scim: ScimTestService;
beforeAll(async () => {
  backend = await startScimBackend();
  scim = await backend.createService();
});
afterAll(async () => {
  await backend.stop();
});

/** A user as Okta sends it on create: a password Okta generated, locale, an empty groups list, externalId. */
const oktaUser = (login: string) => ({
  schemas: [USER],
  userName: login,
  name: { givenName: 'Kiri', familyName: 'Tane' },
  emails: [{ primary: true, value: login, type: 'work' }],
  displayName: 'Kiri Tane',
  locale: 'en-US',
  externalId: '00ujl29u0le5T6Aj10h7',
  groups: [],
  password: 'Xb4!kqT9-not-stored',
  active: true,
});

describe("Okta's SCIM spec test, in order", () => {
  const login = `kiri.tane.${randomUUID().slice(0, 8)}@okta.example`;
  let id: string;

  it('a realistic Okta create is 201 with the user, and no password in the answer', async () => {
    const created = await scim.request('POST', '/scim/v2/Users', { body: oktaUser(login) });
    expect(created.statusCode).toBe(201);
    expect(created.json).toMatchObject({ userName: login, active: true, name: { givenName: 'Kiri' } });
    expect(created.body).not.toContain('Xb4!kqT9');
    id = created.json.id;
  });

  it('the Users endpoint lists with the ListResponse shape and honours count and startIndex', async () => {
    const page = await scim.request('GET', '/scim/v2/Users?count=1&startIndex=1');
    expect(page.statusCode).toBe(200);
    expect(page.json.schemas).toContain(LIST);
    expect(page.json.Resources).toHaveLength(1);
    expect(page.json).toMatchObject({ itemsPerPage: 1, startIndex: 1, totalResults: expect.any(Number) });
  });

  it('the Groups endpoint answers a ListResponse', async () => {
    const groups = await scim.request('GET', '/scim/v2/Groups?count=100&startIndex=1');
    expect(groups.statusCode).toBe(200);
    expect(groups.json).toMatchObject({ schemas: [LIST], startIndex: 1, totalResults: 0, Resources: [] });
  });

  it('GET /Users/{id} answers the user created', async () => {
    const got = await scim.request('GET', `/scim/v2/Users/${id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json).toMatchObject({ id, userName: login });
  });

  it('an unknown userName is an empty ListResponse; an unknown id is 404 in the SCIM error schema', async () => {
    const filter = encodeURIComponent(`userName eq "${randomUUID()}@okta.example"`);
    const none = await scim.request('GET', `/scim/v2/Users?filter=${filter}&startIndex=1&count=100`);
    expect(none.json).toMatchObject({ schemas: [LIST], totalResults: 0, Resources: [] });
    const missing = await scim.request('GET', `/scim/v2/Users/${randomUUID()}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json).toMatchObject({ schemas: [ERROR], status: '404', detail: expect.any(String) });
  });

  it('the same user again is 409 in the SCIM error schema', async () => {
    const again = await scim.request('POST', '/scim/v2/Users', { body: oktaUser(login) });
    expect(again.statusCode).toBe(409);
    expect(again.json).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
  });

  it('userName eq is case-insensitive', async () => {
    const filter = encodeURIComponent(`userName eq "${login.toUpperCase()}"`);
    const found = await scim.request('GET', `/scim/v2/Users?filter=${filter}&startIndex=1&count=100`);
    expect(found.json).toMatchObject({ totalResults: 1, Resources: [{ id }] });
  });

  it('a wrong token is 401 in the SCIM error schema', async () => {
    const denied = await scim.request('GET', '/scim/v2/Users?count=1&startIndex=1', { token: 'not-the-token-0000000' });
    expect(denied.statusCode).toBe(401);
    expect(denied.json).toMatchObject({ schemas: [ERROR], status: '401' });
  });

  it("Okta's deactivate (a path-less replace of active) answers 200 with the user and queues the leave", async () => {
    const deactivated = await scim.request('PATCH', `/scim/v2/Users/${id}`, {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', value: { active: false } }],
      },
    });
    expect(deactivated.statusCode).toBe(200);
    expect(deactivated.json).toMatchObject({ id, active: false });
    expect((await scim.commands()).map((c) => c.action)).toEqual(['create', 'delete']);
  });
});
