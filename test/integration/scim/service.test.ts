import { noopMetrics, silentLogger } from '@idp-sync/common';
import { createBearerVerifier, createScimService, type ScimUserStore, type UsersLookup } from '@idp-sync/scim/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRA_USER_ACTIVE_STRING_TRUE, ENTRA_USER_ACTIVE_STRING_TRUE_EXPECTED } from '../../fixtures/entra-scim';
import {
  SCIM_PREVIOUS_TEST_TOKEN,
  SCIM_TEST_TOKEN,
  type ScimBackend,
  type ScimTestService,
  scimRequest,
  startScimBackend,
} from '../../helpers/scim/harness';
import { PATCH_OP } from '../../helpers/scim/microsoft-docs';
import { fixtureCases, VENDOR_SAMPLES } from '../../helpers/vendor-fixtures';

const USERS = '/scim/v2/Users';

/** Entra users with `"active": "True"` and a userName that is not an email. */
const entraUsers = fixtureCases(
  { value: ENTRA_USER_ACTIVE_STRING_TRUE as object, expected: ENTRA_USER_ACTIVE_STRING_TRUE_EXPECTED },
  {
    sample: VENDOR_SAMPLES.entraActiveStringTrue,
    expected: {
      ...ENTRA_USER_ACTIVE_STRING_TRUE_EXPECTED,
      userName: 'emp1',
      email: 'anna33@gmail.com',
      commandName: 'Kimberly Baker',
      clientMetaCreated: '2019-09-18T18:15:26.5788954+00:00',
    },
  },
);
const filterQuery = (filter: string) => `${USERS}?filter=${encodeURIComponent(filter)}`;
const alice = (overrides: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'alice@contoso.com',
  displayName: 'Alice Example',
  emails: [{ value: 'alice@contoso.com', type: 'work', primary: true }],
  active: true,
  ...overrides,
});
const patchOps = (...operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });

let backend: ScimBackend;
beforeAll(async () => {
  backend = await startScimBackend();
});
afterAll(async () => {
  await backend.stop();
});

describe('authentication', () => {
  let scim: ScimTestService;
  beforeAll(async () => {
    scim = await backend.createService();
  });

  it('refuses a missing or wrong token with 401 in the SCIM error schema', async () => {
    for (const token of [null, 'not-the-token-at-all-0000']) {
      const response = await scim.request('GET', USERS, { token });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.json).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
    }
    expect(scim.metrics.get('ScimAuthFailed')).toBe(2);
  });

  it('checks the token before reading the body', async () => {
    const response = await scim.request('POST', USERS, { token: 'wrong-token-000000000000', body: '{not json' });
    expect(response.statusCode).toBe(401);
  });

  it('answers 503 (Entra retries) when the token cannot be read', async () => {
    const base = await backend.createService();
    const service = createScimService({
      store: base.store,
      queue: base.memoryQueue!,
      verifyBearer: async () => {
        throw new Error('Secrets Manager unavailable (test)');
      },
      logger: silentLogger,
      metrics: noopMetrics,
    });
    const response = await service.handle(scimRequest('GET', USERS));
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });

  it('accepts the previous token during a rotation', async () => {
    expect((await scim.request('GET', USERS, { token: SCIM_PREVIOUS_TEST_TOKEN })).statusCode).toBe(200);
  });
});

describe('request validation: clear 4xx, never 5xx', () => {
  let scim: ScimTestService;
  beforeAll(async () => {
    scim = await backend.createService();
  });

  it('accepts application/json and application/scim+json, refuses other media types with 415', async () => {
    const json = await scim.request('POST', USERS, {
      body: alice({ userName: 'json@contoso.com' }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(json.statusCode).toBe(201);
    const text = await scim.request('POST', USERS, { body: alice(), headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(415);
    expect(text.json.detail).toContain('text/plain');
  });

  it('refuses a body over 1 MiB with 413 before parsing it', async () => {
    const response = await scim.request('POST', USERS, { body: Buffer.alloc(1024 * 1024 + 1, 0x20) });
    expect(response.statusCode).toBe(413);
  });

  it('refuses a resource too large for one state-table item with 413', async () => {
    const response = await scim.request('POST', USERS, { body: alice({ notes: 'x'.repeat(400 * 1024) }) });
    expect(response.statusCode).toBe(413);
  });

  it('refuses malformed JSON, an empty body, a non-object and a missing userName with 400 and a detail', async () => {
    const cases: [unknown, string][] = [
      ['{"userName": "x",', 'invalidSyntax'],
      ['', 'invalidSyntax'],
      [['a'], 'invalidSyntax'],
      [{ displayName: 'No Name' }, 'invalidValue'],
      [{ userName: '   ' }, 'invalidValue'],
      [{ userName: 'u', active: 'perhaps' }, 'invalidValue'],
    ];
    for (const [body, scimType] of cases) {
      const response = await scim.request('POST', USERS, { body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json.scimType).toBe(scimType);
      expect(response.json.detail).toEqual(expect.any(String));
    }
  });

  it('refuses an invalid filter or paging parameter with 400 invalidFilter / invalidValue', async () => {
    const bad = await scim.request('GET', filterQuery('userName zz "a"'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json).toMatchObject({ scimType: 'invalidFilter', detail: expect.stringContaining('"zz"') });
    expect((await scim.request('GET', `${USERS}?count=many`)).json.scimType).toBe('invalidValue');
  });

  it('answers 405 with Allow for a wrong method, 404 for unknown endpoints, and for Groups when they are not served', async () => {
    const wrong = await scim.request('DELETE', USERS);
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('GET, POST');
    const withoutGroups = await backend.createService({ groups: false });
    const groups = await withoutGroups.request('GET', '/scim/v2/Groups?filter=displayName+eq+"x"');
    expect(groups.statusCode).toBe(404);
    expect(groups.json.detail).toContain('Groups');
    expect((await scim.request('GET', '/scim/v2/Nope')).statusCode).toBe(404);
  });
});

describe('Users', () => {
  let scim: ScimTestService;
  beforeAll(async () => {
    scim = await backend.createService();
  });

  for (const user of entraUsers) {
    it.skipIf(!user.present)(
      `takes an Entra POST with string "True" and a userName that is not an email (${user.from})`,
      async () => {
        const before = (await scim.commands()).length;
        const response = await scim.request('POST', USERS, { body: user.load() });
        expect(response.statusCode).toBe(201);
        expect(response.json).toMatchObject({ userName: user.expected.userName, active: true });
        // The client's meta is not the service's: created is set here.
        expect(response.json.meta.created).not.toBe(user.expected.clientMetaCreated);
        const commands = (await scim.commands()).slice(before);
        expect(commands).toHaveLength(1);
        expect(commands[0]).toMatchObject({
          action: 'create',
          email: user.expected.email,
          name: user.expected.commandName,
        });
      },
    );
  }

  it('refuses a second POST of the same userName, in any case, with 409 uniqueness and a detail', async () => {
    await scim.request('POST', USERS, { body: alice() });
    const response = await scim.request('POST', USERS, { body: alice({ userName: 'ALICE@contoso.com' }) });
    expect(response.statusCode).toBe(409);
    expect(response.json).toMatchObject({ scimType: 'uniqueness', detail: expect.stringContaining('userName') });
  });

  it('keeps a user without a usable email in SCIM, does not provision it, and says so', async () => {
    const response = await scim.request('POST', USERS, {
      body: { userName: 'UserName111', emails: [{ value: 'emailName357', primary: true, type: 'work' }] },
    });
    expect(response.statusCode).toBe(201);
    expect((await scim.commands()).some((command) => command.email.includes('emailname357'))).toBe(false);
    expect(scim.metrics.get('ScimUserWithoutEmail')).toBe(1);
    expect(scim.logs.some((line) => line.level === 'warn' && line.message.includes('no usable email'))).toBe(true);
  });

  it('creates an inactive user (active "False") without provisioning it; activating it provisions it', async () => {
    const before = (await scim.commands()).length;
    const created = await scim.request('POST', USERS, {
      body: alice({ userName: 'bob@contoso.com', active: 'False', emails: [{ value: 'bob@contoso.com' }] }),
    });
    expect(created.json.active).toBe(false);
    expect((await scim.commands()).length).toBe(before);
    await scim.request('PATCH', `${USERS}/${created.json.id}`, {
      body: patchOps({ op: 'Replace', path: 'active', value: 'True' }),
    });
    expect((await scim.commands()).slice(before)).toMatchObject([{ action: 'create', email: 'bob@contoso.com' }]);
  });

  it('returns a disabled user by id, by filter and in listings', async () => {
    const { id } = (await scim.request('POST', USERS, { body: alice({ userName: 'carol@contoso.com' }) })).json;
    await scim.request('PATCH', `${USERS}/${id}`, { body: patchOps({ op: 'replace', value: { active: false } }) });
    expect((await scim.request('GET', `${USERS}/${id}`)).json.active).toBe(false);
    expect((await scim.request('GET', filterQuery('userName eq "carol@contoso.com"'))).json.Resources[0].active).toBe(
      false,
    );
    expect(
      (await scim.request('GET', filterQuery('active eq false'))).json.Resources.map((u: { id: string }) => u.id),
    ).toContain(id);
  });

  it('PATCH returns the resource with 200 when attributes are requested', async () => {
    const { id } = (await scim.request('POST', USERS, { body: alice({ userName: 'dave@contoso.com' }) })).json;
    const response = await scim.request('PATCH', `${USERS}/${id}?attributes=displayName`, {
      body: patchOps({ op: 'replace', path: 'displayName', value: 'Dave' }),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id, displayName: 'Dave' });
  });

  it('PUT replaces the resource, keeps the id and refuses to take another user’s userName', async () => {
    const { id } = (await scim.request('POST', USERS, { body: alice({ userName: 'erin@contoso.com', title: 'CFO' }) }))
      .json;
    const replaced = await scim.request('PUT', `${USERS}/${id}`, {
      body: {
        id: 'ignored',
        userName: 'erin@contoso.com',
        displayName: 'Erin New',
        emails: [{ value: 'erin@contoso.com' }],
      },
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json).toMatchObject({ id, displayName: 'Erin New', active: true });
    expect(replaced.json.title).toBeUndefined();
    const taken = await scim.request('PUT', `${USERS}/${id}`, { body: { userName: 'alice@contoso.com' } });
    expect(taken.statusCode).toBe(409);
  });

  it('pages with startIndex/count and itemsPerPage, projects with attributes, and supports POST .search', async () => {
    const all = (await scim.request('GET', USERS)).json;
    expect(all.totalResults).toBeGreaterThanOrEqual(5);
    const page = (await scim.request('GET', `${USERS}?startIndex=2&count=2&attributes=userName`)).json;
    expect(page).toMatchObject({ totalResults: all.totalResults, startIndex: 2, itemsPerPage: 2 });
    expect(page.Resources.map((user: { id: string }) => user.id)).toEqual(
      all.Resources.slice(1, 3).map((user: { id: string }) => user.id),
    );
    expect(Object.keys(page.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
    expect((await scim.request('GET', `${USERS}?count=0`)).json).toMatchObject({ itemsPerPage: 0, Resources: [] });
    const search = await scim.request('POST', `${USERS}/.search`, {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'userName sw "alice"',
        attributes: ['userName'],
      },
    });
    expect(search.json.Resources).toEqual([expect.objectContaining({ userName: 'alice@contoso.com' })]);
  });

  it("tolerates Entra's tenant-URL flag, lower-case paths and a trailing slash", async () => {
    const response = await scim.request(
      'GET',
      '/scim/v2/users/?aadOptscim062020&filter=userName+eq+"alice@contoso.com"',
    );
    expect(response.json.totalResults).toBe(1);
  });
});

describe('email changes and shared emails', () => {
  it('records an email change as unsupported, keyed on the original email, and logs it redacted', async () => {
    const scim = await backend.createService();
    const { id } = (await scim.request('POST', USERS, { body: alice() })).json;
    await scim.request('PATCH', `${USERS}/${id}`, {
      body: patchOps({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice.renamed@contoso.com' }),
    });
    const commands = await scim.commands();
    expect(commands.map((command) => command.action)).toEqual(['create', 'update']);
    expect(commands[1]).toMatchObject({ email: 'alice@contoso.com', unsupported: ['email'] });
    expect(scim.metrics.get('ScimEmailChangeUnsupported')).toBe(1);
    const warning = scim.logs.find((line) => line.message.includes('email change'));
    expect(warning?.attributes).toMatchObject({ keptEmail: 'a***@contoso.com', requestedEmail: 'a***@contoso.com' });
  });

  it('two SCIM users with one email: deleting one keeps the person, deleting both deletes it', async () => {
    const scim = await backend.createService();
    const shared = [{ value: 'testing@bob2.com', type: 'work', primary: true }];
    const first = (await scim.request('POST', USERS, { body: { userName: 'UserName333', emails: shared } })).json;
    const second = (await scim.request('POST', USERS, { body: { userName: 'UserName444', emails: shared } })).json;
    expect((await scim.request('DELETE', `${USERS}/${first.id}`)).statusCode).toBe(204);
    expect((await scim.commands()).map((command) => command.action)).toEqual(['create', 'create']);
    expect(scim.metrics.get('ScimDeleteSkippedSharedEmail')).toBe(1);
    expect((await scim.request('DELETE', `${USERS}/${second.id}`)).statusCode).toBe(204);
    expect((await scim.commands()).map((command) => command.action)).toEqual(['create', 'create', 'delete']);
  });
});

describe('when the queue is down: 503, and nothing is kept that claims success', () => {
  it('POST → 503 SCIM error with Retry-After, the user is not visible; the retry succeeds with one create', async () => {
    const scim = await backend.createService();
    scim.memoryQueue!.failing = true;
    const failed = await scim.request('POST', USERS, { body: alice() });
    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toBeDefined();
    expect(failed.json).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
    expect((await scim.request('GET', filterQuery('userName eq "alice@contoso.com"'))).json.totalResults).toBe(0);
    scim.memoryQueue!.failing = false;
    const retried = await scim.request('POST', USERS, { body: alice() });
    expect(retried.statusCode).toBe(201);
    expect((await scim.commands()).map((command) => command.action)).toEqual(['create']);
  });

  it('PATCH → 503 and the stored user is unchanged; the retry queues the same command id as the failed try', async () => {
    const scim = await backend.createService();
    const { id } = (await scim.request('POST', USERS, { body: alice() })).json;
    const disable = patchOps({ op: 'Replace', path: 'active', value: 'False' });
    const attempted: string[] = [];
    const queue = scim.memoryQueue!;
    queue.failing = true;
    const originalSend = queue.send.bind(queue);
    queue.send = async (commands) => {
      attempted.push(...commands.map((command) => command.id));
      return originalSend(commands);
    };
    expect((await scim.request('PATCH', `${USERS}/${id}`, { body: disable })).statusCode).toBe(503);
    expect((await scim.request('GET', `${USERS}/${id}`)).json.active).toBe(true);
    queue.failing = false;
    const patched = await scim.request('PATCH', `${USERS}/${id}`, { body: disable });
    expect(patched.statusCode).toBe(200);
    expect(patched.json).toMatchObject({ id, active: false });
    const sent = (await scim.commands()).filter((command) => command.action === 'delete');
    expect(sent).toHaveLength(1);
    expect(attempted[0]).toBe(sent[0]?.id);
  });

  it('DELETE → 503 and the user is still there; the retry deletes it', async () => {
    const scim = await backend.createService();
    const { id } = (await scim.request('POST', USERS, { body: alice() })).json;
    scim.memoryQueue!.failing = true;
    expect((await scim.request('DELETE', `${USERS}/${id}`)).statusCode).toBe(503);
    expect((await scim.request('GET', `${USERS}/${id}`)).statusCode).toBe(200);
    scim.memoryQueue!.failing = false;
    expect((await scim.request('DELETE', `${USERS}/${id}`)).statusCode).toBe(204);
    expect((await scim.commands()).map((command) => command.action)).toEqual(['create', 'delete']);
  });

  it('a slow queue is cut off at its budget with 503 rather than holding Entra', async () => {
    const scim = await backend.createService({ config: { queueTimeoutMs: 150 } });
    scim.memoryQueue!.delayMs = 2_000;
    expect((await scim.request('POST', USERS, { body: alice() })).statusCode).toBe(503);
  });
});

describe('when a rollback fails too: the pending commands are sent on the next touch', () => {
  /** A store whose named operations fail while `broken` is true. */
  function breakable(store: ScimUserStore, operations: (keyof ScimUserStore)[]) {
    const control = { broken: false };
    const wrapped = { ...store } as Record<string, unknown>;
    for (const name of operations) {
      const original = store[name] as (...args: unknown[]) => Promise<unknown>;
      wrapped[name] = (...args: unknown[]) =>
        control.broken ? Promise.reject(new Error('DynamoDB unavailable (test)')) : original(...args);
    }
    return { store: wrapped as unknown as ScimUserStore, control };
  }

  it('a POST that could not be rolled back stays invisible and is completed, same id, by the retried POST', async () => {
    const base = await backend.createService();
    const { store, control } = breakable(base.store, ['delete']);
    const queue = base.memoryQueue!;
    const service = createScimService({
      store,
      queue,
      verifyBearer: createBearerVerifier(() => ({ current: SCIM_TEST_TOKEN })),
      logger: silentLogger,
      metrics: noopMetrics,
    });
    const send = async (method: string, path: string, body?: unknown) => {
      const response = await service.handle(scimRequest(method, path, { body }));
      return { status: response.statusCode, json: response.body ? JSON.parse(response.body) : undefined };
    };
    queue.failing = true;
    control.broken = true;
    expect((await send('POST', USERS, alice())).status).toBe(503);
    control.broken = false;
    expect((await send('GET', filterQuery('userName eq "alice@contoso.com"'))).json.totalResults).toBe(0);
    queue.failing = false;
    const retried = await send('POST', USERS, alice());
    expect(retried.status).toBe(201);
    expect((await send('GET', `${USERS}/${retried.json.id}`)).status).toBe(200);
    expect(queue.sent.map((command) => command.action)).toEqual(['create']);
  });

  it('a PATCH that could not be rolled back is delivered by the next read of the user', async () => {
    const base = await backend.createService();
    const { store, control } = breakable(base.store, ['put']);
    const queue = base.memoryQueue!;
    const service = createScimService({
      store,
      queue,
      verifyBearer: createBearerVerifier(() => ({ current: SCIM_TEST_TOKEN })),
      logger: silentLogger,
      metrics: noopMetrics,
    });
    const id = JSON.parse((await service.handle(scimRequest('POST', USERS, { body: alice() }))).body).id;
    // The queue refuses, and the state table refuses the rollback: the change stays with its pending command.
    let puts = 0;
    const originalPut = store.put;
    store.put = async (record, expected) => {
      puts++;
      control.broken = puts > 1;
      return originalPut(record, expected);
    };
    queue.failing = true;
    const patched = await service.handle(
      scimRequest('PATCH', `${USERS}/${id}`, { body: patchOps({ op: 'replace', path: 'displayName', value: 'New' }) }),
    );
    expect(patched.statusCode).toBe(503);
    store.put = originalPut;
    control.broken = false;
    queue.failing = false;
    expect(queue.sent.map((command) => command.action)).toEqual(['create']);
    const read = await service.handle(scimRequest('GET', `${USERS}/${id}`));
    expect(JSON.parse(read.body).displayName).toBe('New');
    expect(queue.sent.map((command) => [command.action, command.name])).toEqual([
      ['create', 'Alice Example'],
      ['update', 'New'],
    ]);
  });
});

describe('Users API fallback for people created elsewhere', () => {
  const person = {
    id: 'VXNlcjoxMjM0NQ==',
    email: 'frank@contoso.com',
    name: 'Frank Existing',
    status: 'ACTIVE',
    createdAt: '2025-01-02T03:04:05Z',
  };

  it('finds a person the store does not know, adopts them with a stable SCIM id, and manages them after', async () => {
    const calls: string[] = [];
    const usersLookup: UsersLookup = {
      async findByEmail(email) {
        calls.push(email);
        return email === person.email ? person : null;
      },
    };
    const scim = await backend.createService({ usersLookup });
    const found = await scim.request('GET', filterQuery('userName eq "Frank@Contoso.com"'));
    expect(found.statusCode).toBe(200);
    expect(found.json.totalResults).toBe(1);
    const user = found.json.Resources[0];
    expect(user).toMatchObject({ userName: 'Frank@Contoso.com', displayName: 'Frank Existing', active: true });
    expect((await scim.request('GET', filterQuery('userName eq "frank@contoso.com"'))).json.Resources[0].id).toBe(
      user.id,
    );
    expect(calls).toEqual(['frank@contoso.com']);
    await scim.request('PATCH', `${USERS}/${user.id}`, {
      body: patchOps({ op: 'Replace', path: 'active', value: 'False' }),
    });
    expect(await scim.commands()).toMatchObject([{ action: 'delete', email: 'frank@contoso.com' }]);
    expect(scim.metrics.get('ScimUserAdopted')).toBe(1);
  });

  it('answers zero matches, not an error, when the Users API is slow or failing', async () => {
    const slow = await backend.createService({
      usersLookup: { findByEmail: () => new Promise(() => {}) },
      config: { usersLookupTimeoutMs: 100 },
    });
    const response = await slow.request('GET', filterQuery('userName eq "frank@contoso.com"'));
    expect(response.statusCode).toBe(200);
    expect(response.json.totalResults).toBe(0);
    expect(slow.metrics.get('ScimUsersLookupFailed')).toBe(1);
    const failing = await backend.createService({
      usersLookup: {
        findByEmail: async () => {
          throw new Error('503 from the Users API');
        },
      },
    });
    expect((await failing.request('GET', filterQuery('userName eq "frank@contoso.com"'))).json.totalResults).toBe(0);
  });

  it('does not ask the Users API for a userName that is not an email, nor for GET by id', async () => {
    const calls: string[] = [];
    const scim = await backend.createService({
      usersLookup: {
        async findByEmail(email) {
          calls.push(email);
          return null;
        },
      },
    });
    await scim.request('GET', filterQuery('userName eq "emp1"'));
    expect((await scim.request('GET', `${USERS}/7d0d2b8c-3c7b-4f5e-9d1b-2b0a5f6c9e11`)).statusCode).toBe(404);
    expect(calls).toEqual([]);
  });
});

describe('discovery endpoints', () => {
  let scim: ScimTestService;
  beforeAll(async () => {
    scim = await backend.createService({ config: { baseUrl: 'https://idp-sync.example.com/scim/v2' } });
  });

  it('ServiceProviderConfig: patch and filter supported, bulk, sort, etag unsupported, bearer token auth', async () => {
    const { json } = await scim.request('GET', '/scim/v2/ServiceProviderConfig');
    expect(json).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      sort: { supported: false },
      etag: { supported: false },
      changePassword: { supported: false },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken', primary: true })],
      meta: { location: 'https://idp-sync.example.com/scim/v2/ServiceProviderConfig' },
    });
  });

  it('ResourceTypes lists User with the enterprise extension, then Group', async () => {
    const { json } = await scim.request('GET', '/scim/v2/ResourceTypes');
    expect(json.Resources).toEqual([
      expect.objectContaining({ id: 'User', endpoint: '/Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User' }),
      expect.objectContaining({
        id: 'Group',
        endpoint: '/Groups',
        schema: 'urn:ietf:params:scim:schemas:core:2.0:Group',
      }),
    ]);
    expect((await scim.request('GET', '/scim/v2/ResourceTypes/User')).json.name).toBe('User');
    expect((await scim.request('GET', '/scim/v2/ResourceTypes/Group')).json.name).toBe('Group');
  });

  it('Schemas lists the User schema and the Enterprise User extension', async () => {
    const { json } = await scim.request('GET', '/scim/v2/Schemas');
    expect(json.Resources.map((schema: { id: string }) => schema.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'urn:ietf:params:scim:schemas:core:2.0:Group',
    ]);
    const user = (await scim.request('GET', '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User')).json;
    expect(user.description).toBe('User Account');
    expect(user.attributes.find((attribute: { name: string }) => attribute.name === 'userName')).toMatchObject({
      required: true,
      uniqueness: 'server',
    });
  });

  it('locations use the configured base URL', async () => {
    const created = await scim.request('POST', USERS, { body: alice() });
    expect(created.headers.location).toBe(`https://idp-sync.example.com/scim/v2/Users/${created.json.id}`);
  });
});

describe('logs', () => {
  it('never carry the token, a request body or a full email address', async () => {
    const scim = await backend.createService();
    const { id } = (await scim.request('POST', USERS, { body: alice() })).json;
    await scim.request('PATCH', `${USERS}/${id}`, {
      body: patchOps({ op: 'replace', path: 'emails[type eq "work"].value', value: 'secret.new@contoso.com' }),
    });
    await scim.request('GET', USERS, { token: 'a-wrong-token-that-is-long-enough' });
    scim.memoryQueue!.failing = true;
    await scim.request('DELETE', `${USERS}/${id}`);
    const text = JSON.stringify(scim.logs);
    for (const secret of [
      SCIM_TEST_TOKEN,
      'a-wrong-token',
      'alice@contoso.com',
      'secret.new@contoso.com',
      'Alice Example',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
