import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScimBackend, type ScimTestService, startScimBackend } from '../../helpers/scim/harness';
import * as docs from '../../helpers/scim/microsoft-docs';

/**
 * Microsoft's documented Entra provisioning sequence, replayed against the service with its real dependencies
 * (dynalite for the state table, fauxqs for the FIFO queue): what Entra sends, and what it must get back.
 */

const filterQuery = (filter: string) => `/scim/v2/Users?filter=${encodeURIComponent(filter)}`;

let backend: ScimBackend;
beforeAll(async () => {
  backend = await startScimBackend({ sqs: true });
});
afterAll(async () => {
  await backend.stop();
});

describe('Microsoft documented sequence (test connection, create, get, query, update, disable, delete)', () => {
  let scim: ScimTestService;
  let id: string;
  beforeAll(async () => {
    scim = await backend.createService({ sqs: true, config: { patchResponse: 'no-content' } });
  });

  it('Test Connection: a random GUID as userName → 200 with an empty ListResponse', async () => {
    const response = await scim.request('GET', filterQuery(`userName eq "${randomUUID()}"`));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/scim+json');
    expect(response.json).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('Get User by query before creation → zero results', async () => {
    const response = await scim.request('GET', filterQuery(`userName eq "${docs.createUser.userName}"`));
    expect(response.json.totalResults).toBe(0);
  });

  it('Create User → 201 with the resource, a stable id, meta and Location', async () => {
    const response = await scim.request('POST', '/scim/v2/Users', { body: docs.createUser });
    expect(response.statusCode).toBe(201);
    const user = response.json;
    id = user.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      externalId: docs.createUser.externalId,
      userName: docs.createUser.userName,
      active: true,
      name: docs.createUser.name,
      emails: docs.createUser.emails,
      meta: { resourceType: 'User', location: `/scim/v2/Users/${id}` },
    });
    expect(Date.parse(user.meta.created)).not.toBeNaN();
    expect(user.meta.lastModified).toBe(user.meta.created);
    expect(response.headers.location).toBe(`/scim/v2/Users/${id}`);
  });

  it('Get User by id → 200, found although no worker has run', async () => {
    const response = await scim.request('GET', `/scim/v2/Users/${id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ id, userName: docs.createUser.userName, active: true });
  });

  it('Get User by query: userName, externalId and the work email all find it', async () => {
    for (const filter of [
      `userName eq "${docs.createUser.userName}"`,
      `userName eq ${docs.createUser.userName}`,
      `externalId eq "${docs.createUser.externalId}"`,
      `emails[type eq "work"].value eq "${docs.createUser.emails[0]?.value}"`,
      `userName eq "${docs.createUser.userName}" and externalId eq "${docs.createUser.externalId}"`,
    ]) {
      const response = await scim.request('GET', filterQuery(filter));
      expect(response.statusCode, filter).toBe(200);
      expect(response.json.totalResults, filter).toBe(1);
      expect(response.json.Resources[0].id, filter).toBe(id);
    }
  });

  it('Get User by id of a missing user → 404 in the SCIM error schema', async () => {
    const response = await scim.request('GET', `/scim/v2/Users/${randomUUID()}`);
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('application/scim+json');
    expect(response.json).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: expect.stringContaining('not found'),
    });
  });

  it('Update User [Multi-valued properties] (default form) → the email change is recorded as unsupported', async () => {
    const response = await scim.request('PATCH', `/scim/v2/Users/${id}`, { body: docs.updateMultiValued });
    expect(response.statusCode).toBe(204);
    const user = (await scim.request('GET', `/scim/v2/Users/${id}`)).json;
    expect(user.emails).toEqual([{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
    expect(user.name.familyName).toBe('updatedFamilyName');
    expect(scim.metrics.get('ScimEmailChangeUnsupported')).toBe(1);
  });

  it('Replace multiple attributes, compliant form (path-less replace with dotted and URN keys)', async () => {
    const response = await scim.request('PATCH', `/scim/v2/Users/${id}`, { body: docs.replaceMultipleCompliant });
    expect(response.statusCode).toBe(204);
    const user = (await scim.request('GET', `/scim/v2/Users/${id}`)).json;
    expect(user.displayName).toBe('Bjfe');
    expect(user.name).toMatchObject({ givenName: 'Kkom', familyName: 'Unua' });
    expect(user[docs.ENTERPRISE]).toEqual({ employeeNumber: 'Aklq' });
    expect(user.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', docs.ENTERPRISE]);
    expect(user.emails[0].value).toBe('TestMhvaes@test.microsoft.com');
  });

  it('Replace multiple attributes, default form, and add a single-valued attribute in both forms', async () => {
    for (const body of [docs.replaceMultipleDefault, docs.addSingleValueDefault, docs.addSingleValueCompliant]) {
      expect((await scim.request('PATCH', `/scim/v2/Users/${id}`, { body })).statusCode).toBe(204);
    }
    const user = (await scim.request('GET', `/scim/v2/Users/${id}`)).json;
    expect(user).toMatchObject({ displayName: 'Pvlo', externalId: 'Eqpj', nickName: 'Babs' });
    expect(user.name).toMatchObject({ givenName: 'Gtfd', familyName: 'Pkqf' });
    expect((await scim.request('GET', filterQuery('externalId eq "Eqpj"'))).json.totalResults).toBe(1);
    expect(
      (await scim.request('GET', filterQuery(`externalId eq "${docs.createUser.externalId}"`))).json.totalResults,
    ).toBe(0);
  });

  it('Update User [Single-valued properties] → the new userName finds it, the old one does not', async () => {
    const response = await scim.request('PATCH', `/scim/v2/Users/${id}`, { body: docs.updateSingleValued });
    expect(response.statusCode).toBe(204);
    const newName = docs.updateSingleValued.Operations[0]!.value;
    expect((await scim.request('GET', filterQuery(`userName eq "${newName}"`))).json.Resources[0].id).toBe(id);
    expect(
      (await scim.request('GET', filterQuery(`userName eq "${docs.createUser.userName}"`))).json.totalResults,
    ).toBe(0);
  });

  it('Disable User (default "False") → still returned by id and by filter, with active false', async () => {
    const response = await scim.request('PATCH', `/scim/v2/Users/${id}`, { body: docs.disableDefault });
    expect(response.statusCode).toBe(204);
    expect((await scim.request('GET', `/scim/v2/Users/${id}`)).json.active).toBe(false);
    const listed = await scim.request('GET', filterQuery(`externalId eq "Eqpj"`));
    expect(listed.json.Resources).toHaveLength(1);
    expect(listed.json.Resources[0].active).toBe(false);
  });

  it('Delete User → 204, then 404 by id and zero results by filter', async () => {
    expect((await scim.request('DELETE', `/scim/v2/Users/${id}`)).statusCode).toBe(204);
    expect((await scim.request('GET', `/scim/v2/Users/${id}`)).statusCode).toBe(404);
    expect((await scim.request('GET', filterQuery('externalId eq "Eqpj"'))).json).toMatchObject({
      totalResults: 0,
      Resources: [],
    });
    expect((await scim.request('DELETE', `/scim/v2/Users/${id}`)).statusCode).toBe(404);
  });

  it('queued exactly the commands the sequence means, in order, on the original email', async () => {
    const commands = await scim.commands();
    const email = 'test_user_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com';
    expect(commands.map((command) => [command.action, command.email, command.name, command.unsupported])).toEqual([
      ['create', email, 'givenName familyName', undefined],
      ['update', email, 'givenName familyName', ['email']],
      ['update', email, 'Bjfe', ['email']],
      ['update', email, 'Pvlo', ['email']],
      ['delete', email, undefined, undefined],
    ]);
    expect(new Set(commands.map((command) => command.id)).size).toBe(commands.length);
    for (const command of commands) {
      expect(command).toMatchObject({ v: 1, source: 'scim', sourceEventType: expect.stringMatching(/^scim\.user\./) });
      expect(command.id).toMatch(new RegExp(`^scim:${id}:[0-9a-f]{64}$`));
    }
  });
});

describe('Microsoft documented examples beyond the sequence', () => {
  it('Example 1/2: an unquoted externalId filter, a POST with nulls, and the compliant disable', async () => {
    const scim = await backend.createService({ sqs: true, config: { patchResponse: 'no-content' } });
    const created = await scim.request('POST', '/scim/v2/Users', { body: docs.provisionJyoung });
    expect(created.statusCode).toBe(201);
    expect(created.json).not.toHaveProperty('addresses');
    const found = await scim.request('GET', '/scim/v2/Users?filter=externalId+eq+jyoung');
    expect(found.json.Resources.map((user: { id: string }) => user.id)).toEqual([created.json.id]);
    const manager = await scim.request('PATCH', `/scim/v2/Users/${created.json.id}`, { body: docs.addManager });
    expect(manager.statusCode).toBe(204);
    const disabled = await scim.request('PATCH', `/scim/v2/Users/${created.json.id}`, {
      body: docs.disableCompliant,
    });
    expect(disabled.statusCode).toBe(204);
    const user = (await scim.request('GET', `/scim/v2/Users/${created.json.id}`)).json;
    expect(user.active).toBe(false);
    expect(user.manager).toEqual(docs.addManager.Operations[0]?.value);
    expect((await scim.commands()).map((command) => [command.action, command.email])).toEqual([
      ['create', 'jyoung@contoso.com'],
      ['delete', 'jyoung@contoso.com'],
    ]);
  });

  it('the tutorial Disable User body and a re-enable → delete, then create again', async () => {
    const scim = await backend.createService({ sqs: true, config: { patchResponse: 'no-content' } });
    const { id } = (await scim.request('POST', '/scim/v2/Users', { body: { userName: 'deanruiz@testuser.com' } })).json;
    await scim.request('PATCH', `/scim/v2/Users/${id}`, { body: docs.disableTutorial });
    await scim.request('PATCH', `/scim/v2/Users/${id}`, {
      body: { schemas: [docs.PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] },
    });
    expect((await scim.commands()).map((command) => command.action)).toEqual(['create', 'delete', 'create']);
  });
});

describe("Microsoft's SCIM validator flow: POST, then at once GET and PATCH", () => {
  it('finds the user it just created, patches it and sees the change, and sees active on a disabled user', async () => {
    const scim = await backend.createService({ sqs: true, config: { patchResponse: 'no-content' } });
    const body = {
      active: true,
      displayName: 'XKWLCONOGMVT',
      emails: [{ type: 'work', value: 'dale.mohr@prohaska.biz' }],
      externalId: '9950b140-90a0-4201-9d65-b5f209fb4cd0',
      name: { formatted: 'Aric', familyName: 'Nia', givenName: 'Sandy' },
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'dale.mohr@romaguera.uk',
    };
    const created = await scim.request('POST', '/scim/v2/Users', { body });
    expect(created.statusCode).toBe(201);
    const { id } = created.json;
    const [byId, byFilter] = await Promise.all([
      scim.request('GET', `/scim/v2/Users/${id}`),
      scim.request('GET', '/scim/v2/Users?filter=userName+eq+"dale.mohr%40romaguera.uk"'),
    ]);
    expect(byId.json.id).toBe(id);
    expect(byFilter.json.Resources[0].id).toBe(id);
    const patched = await scim.request('PATCH', `/scim/v2/Users/${id}`, {
      body: {
        schemas: [docs.PATCH_OP],
        Operations: [
          { op: 'replace', path: 'displayName', value: 'VDLVONUUUYMW' },
          { op: 'replace', path: 'name.givenName', value: 'Tressa' },
        ],
      },
    });
    expect(patched.statusCode).toBe(204);
    expect((await scim.request('GET', `/scim/v2/Users/${id}`)).json).toMatchObject({
      displayName: 'VDLVONUUUYMW',
      name: { givenName: 'Tressa' },
    });
    await scim.request('PATCH', `/scim/v2/Users/${id}`, {
      body: { schemas: [docs.PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] },
    });
    const disabled = await scim.request('GET', '/scim/v2/Users?filter=userName+eq+"dale.mohr%40romaguera.uk"');
    expect(disabled.json.Resources[0]).toHaveProperty('active', false);
  });
});
