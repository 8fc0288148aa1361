import { startUsersApiEmulator, type UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, createBody } from './http';

const KEY = 'control-admin-key-0001';
let emulator: UsersApiEmulator;
const control = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
  call(emulator.url, null, method, `/_emulator${path}`, body === undefined ? {} : { body });

beforeAll(async () => {
  emulator = await startUsersApiEmulator({
    apiKeys: [KEY],
    seed: [{ name: 'Founder', email: 'founder@example.com', role: { type: 'PREDEFINED', name: 'ADMIN' } }],
  });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.reset();
});

describe('/_emulator control endpoints', () => {
  it('health', async () => {
    expect((await control('GET', '/health')).body).toEqual({ ok: true, users: 1 });
  });

  it('the account’s custom roles: replaced by PUT, validated all or nothing, assignable at create, restored by reset', async () => {
    const put = await control('PUT', '/roles', { roles: [{ id: 'Um9sZTo3', name: 'Labeler' }] });
    expect(put).toMatchObject({ status: 200, body: { roles: [{ id: 'Um9sZTo3', name: 'Labeler' }] } });
    expect((await control('GET', '/roles')).body).toEqual({ roles: [{ id: 'Um9sZTo3', name: 'Labeler' }] });
    const created = await call(emulator.url, KEY, 'POST', '/v2/users', {
      body: { name: 'Lab', email: 'lab@example.com', role: { type: 'CUSTOM', id: 'Um9sZTo3' }, invite_mode: 'NONE' },
    });
    expect(created.body.role).toEqual({ type: 'CUSTOM', id: 'Um9sZTo3', name: 'Labeler' });
    for (const bad of [
      { roles: [{ id: 'has space', name: 'x' }] },
      {
        roles: [
          { id: 'a', name: 'x' },
          { id: 'a', name: 'y' },
        ],
      },
      { roles: 'x' },
    ]) {
      expect((await control('PUT', '/roles', bad)).status).toBe(400);
    }
    expect((await control('GET', '/roles')).body.roles).toHaveLength(1);
    await control('POST', '/reset');
    expect((await control('GET', '/roles')).body).toEqual({ roles: [] });
  });

  it('seed users in any state, with more than the wire shows', async () => {
    const r = await control('POST', '/users', {
      users: [
        { name: 'Ivy', email: 'ivy@example.com', status: 'INVITED' },
        {
          name: 'Sam',
          email: 'sam@example.com',
          login: 'sso',
          role: { type: 'CUSTOM', id: 'Um9sZToy', name: 'Auditor' },
        },
        { name: 'Del', email: 'del@example.com', status: 'DELETED' },
      ],
    });
    expect(r.status).toBe(201);
    expect(r.body.users.map((u: { status: string; verified: boolean }) => [u.status, u.verified])).toEqual([
      ['INVITED', false],
      ['ACTIVE', true],
      ['DELETED', true],
    ]);
    const listed = await call(emulator.url, KEY, 'GET', '/v2/users');
    expect(listed.body.users.map((u: { name: string }) => u.name)).toEqual(['Founder', 'Ivy', 'Sam']);
    expect(listed.body.users[2].role).toEqual({ type: 'CUSTOM', id: 'Um9sZToy', name: 'Auditor' });
    expect(listed.body.users[2].is_developer).toBe(false);
    // all or nothing: one duplicate rejects the batch
    const dup = await control('POST', '/users', {
      users: [
        { name: 'New', email: 'new@example.com' },
        { name: 'Del again', email: 'DEL@example.com' },
      ],
    });
    expect(dup.status).toBe(409);
    expect(emulator.state.findByEmail('new@example.com')).toBeUndefined();
  });

  it('list every record (deleted included) and find one by email or id', async () => {
    const created = await call(emulator.url, KEY, 'POST', '/v2/users', { body: createBody('x@example.com') });
    await call(emulator.url, KEY, 'DELETE', `/v2/users/${created.body.id}`);
    const all = await control('GET', '/users');
    expect(all.body.users.map((u: { status: string }) => u.status)).toEqual(['ACTIVE', 'DELETED']);
    expect(all.body.users[1]).toMatchObject({ deletedBy: 'key-1', cascade: { apiKeys: [] } });
    const byEmail = await control('GET', '/users?email=X@EXAMPLE.COM');
    expect(byEmail.body.users).toHaveLength(1);
    expect((await control('GET', `/users/${created.body.id}`)).body.status).toBe('DELETED');
    expect((await control('GET', '/users/VXNlcjo5OTk=')).status).toBe(404);
  });

  it('accept (INVITED → ACTIVE, verified) and expire (INVITED → EXPIRED); 409 from other states', async () => {
    const a = await call(emulator.url, KEY, 'POST', '/v2/users', { body: createBody('a@example.com') });
    const b = await call(emulator.url, KEY, 'POST', '/v2/users', { body: createBody('b@example.com') });
    const accepted = await control('POST', `/users/${a.body.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'ACTIVE', verified: true, login: 'password' });
    expect((await control('POST', `/users/${a.body.id}/accept`)).status).toBe(409);
    expect((await control('POST', `/users/${a.body.id}/expire`)).status).toBe(409);
    const expired = await control('POST', `/users/${b.body.id}/expire`);
    expect(expired.body.status).toBe('EXPIRED');
    expect((await control('POST', `/users/${b.body.id}/accept`)).status).toBe(409);
    expect((await call(emulator.url, KEY, 'GET', `/v2/users/${b.body.id}`)).body.status).toBe('EXPIRED');
  });

  it('counts /v2 calls per operation and status, not control calls; resets them', async () => {
    await control('POST', '/counters/reset');
    await call(emulator.url, KEY, 'GET', '/v2/users');
    await call(emulator.url, KEY, 'GET', '/v2/users?limit=0');
    await call(emulator.url, KEY, 'POST', '/v2/users', { body: createBody('c@example.com') });
    await call(emulator.url, KEY, 'POST', '/v2/users', { body: createBody('c@example.com') });
    await call(emulator.url, null, 'GET', '/v2/users/VXNlcjox');
    await call(emulator.url, KEY, 'GET', '/v2/unknown');
    await control('GET', '/users');
    const counters = (await control('GET', '/counters')).body;
    expect(counters).toEqual({
      total: 6,
      byOperation: {
        unknown: { total: 1, byStatus: { '404': 1 } },
        'users.create': { total: 2, byStatus: { '200': 1, '201': 1 } },
        'users.get': { total: 1, byStatus: { '401': 1 } },
        'users.list': { total: 2, byStatus: { '200': 1, '400': 1 } },
      },
    });
    expect(emulator.counters()).toEqual(counters);
    expect((await control('POST', '/counters/reset')).status).toBe(204);
    expect(emulator.counters()).toEqual({ total: 0, byOperation: {} });
  });

  it('reset: start-up users back (new ids, never reused), counters zeroed', async () => {
    const before = emulator.state.findByEmail('founder@example.com')!;
    await call(emulator.url, KEY, 'POST', '/v2/users', { body: createBody('temp@example.com') });
    expect((await control('POST', '/reset')).status).toBe(204);
    const users = (await control('GET', '/users')).body.users;
    expect(users.map((u: { email: string }) => u.email)).toEqual(['founder@example.com']);
    expect(users[0].id).not.toBe(before.id);
    expect((await call(emulator.url, KEY, 'GET', `/v2/users/${before.id}`)).status).toBe(404);
    expect(emulator.counters().total).toBe(1);
  });

  it('reports the request log through onRequest without query strings', async () => {
    const lines: string[] = [];
    const logged = await startUsersApiEmulator({
      apiKeys: [KEY],
      onRequest: (e) => lines.push(`${e.method} ${e.path} ${e.operation} ${e.status}`),
    });
    try {
      await call(logged.url, KEY, 'GET', '/v2/users?email=secret.person%40example.com');
      await call(logged.url, null, 'GET', '/_emulator/users');
    } finally {
      await logged.stop();
    }
    expect(lines).toEqual(['GET /v2/users users.list 200']);
  });
});
