import { startUsersApiEmulator, type UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, createBody } from './http';

const ADMIN = 'auth-admin-key-0001';
const MEMBER = 'auth-member-key-0001';
const READER = 'auth-reader-key-0001';
const OWNED = 'auth-owned-admin-key-01';
const CREATOR = 'auth-creator-key-0001';
let emulator: UsersApiEmulator;
let userPath: string;

beforeAll(async () => {
  emulator = await startUsersApiEmulator({
    apiKeys: [
      ADMIN,
      { key: MEMBER, role: 'member', name: 'member-key' },
      { key: READER, role: 'read-only', name: 'reader-key' },
      { key: OWNED, role: 'admin', name: 'owned-key', ownerEmail: 'Owner@Example.com' },
      { key: CREATOR, role: 'member', name: 'creator-key', permissions: ['USER_CREATE'] },
    ],
    seed: [{ name: 'Owner', email: 'owner@example.com' }],
  });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(async () => {
  emulator.reset();
  const created = await call(emulator.url, ADMIN, 'POST', '/v2/users', { body: createBody('target@example.com') });
  userPath = `/v2/users/${created.body.id}`;
});

describe('authentication', () => {
  it('401 problem without a key, with an unknown key, or with another scheme', async () => {
    const variants: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-key-123456' },
      { authorization: `Basic ${ADMIN}` },
    ];
    for (const headers of variants) {
      const r = await call(emulator.url, null, 'GET', '/v2/users', { headers });
      expect(r.status).toBe(401);
      expect(r.contentType).toBe('application/problem+json');
      expect(r.headers['www-authenticate']).toBe('Bearer');
      expect(JSON.stringify(r.body)).not.toContain(ADMIN);
    }
  });

  it('accepts the scheme case-insensitively', async () => {
    const r = await call(emulator.url, null, 'GET', '/v2/users', { headers: { authorization: `bearer ${ADMIN}` } });
    expect(r.status).toBe(200);
  });

  it('generates a random admin key when none is given', async () => {
    const other = await startUsersApiEmulator();
    try {
      expect(other.apiKey).toMatch(/^emu_[A-Za-z0-9_-]{24}$/);
      expect((await call(other.url, other.apiKey, 'GET', '/v2/users')).status).toBe(200);
    } finally {
      await other.stop();
    }
  });
});

describe('roles', () => {
  it('read-only: list and get; every write → 403', async () => {
    expect((await call(emulator.url, READER, 'GET', '/v2/users')).status).toBe(200);
    expect((await call(emulator.url, READER, 'GET', userPath)).status).toBe(200);
    const writes = [
      call(emulator.url, READER, 'POST', '/v2/users', { body: createBody('ro@example.com') }),
      call(emulator.url, READER, 'PATCH', userPath, { body: { name: 'X' } }),
      call(emulator.url, READER, 'DELETE', userPath),
      call(emulator.url, READER, 'POST', `${userPath}/resend-invitation`),
      call(emulator.url, READER, 'POST', `${userPath}/reset-password`),
    ];
    for (const r of await Promise.all(writes)) {
      expect(r.status).toBe(403);
      expect(r.body.title).toBe('Access forbidden');
      expect(r.body.detail).toContain('reader-key');
    }
    expect(emulator.state.findByEmail('ro@example.com')).toBeUndefined();
  });

  it('member: manages users but may not set is_developer (403 even to its current value)', async () => {
    expect((await call(emulator.url, MEMBER, 'PATCH', userPath, { body: { name: 'Renamed' } })).status).toBe(200);
    const dev = await call(emulator.url, MEMBER, 'PATCH', userPath, { body: { is_developer: false } });
    expect(dev.status).toBe(403);
    expect(dev.body.detail).toContain('account admin');
    expect((await call(emulator.url, MEMBER, 'PATCH', userPath, { body: { is_developer: true } })).status).toBe(403);
    expect((await call(emulator.url, ADMIN, 'GET', userPath)).body).toMatchObject({
      name: 'Renamed',
      is_developer: true,
    });
    expect((await call(emulator.url, ADMIN, 'PATCH', userPath, { body: { is_developer: false } })).status).toBe(200);
    expect((await call(emulator.url, MEMBER, 'POST', '/v2/users', { body: createBody('m@example.com') })).status).toBe(
      201,
    );
    expect((await call(emulator.url, MEMBER, 'DELETE', userPath)).status).toBe(204);
  });

  it('explicit permissions replace the role: USER_CREATE only may create and resend, not list, read or delete', async () => {
    expect((await call(emulator.url, CREATOR, 'POST', '/v2/users', { body: createBody('c@example.com') })).status).toBe(
      201,
    );
    expect((await call(emulator.url, CREATOR, 'POST', `${userPath}/resend-invitation`)).status).toBe(204);
    expect((await call(emulator.url, CREATOR, 'GET', '/v2/users')).status).toBe(403);
    // Get says 404, not 403, to a caller that may not read: it does not reveal that the user exists.
    expect((await call(emulator.url, CREATOR, 'GET', userPath)).status).toBe(404);
    expect((await call(emulator.url, CREATOR, 'DELETE', userPath)).status).toBe(403);
  });
});

describe('self-delete and the API-key cascade', () => {
  it('a key cannot delete its owner (400); when another key deletes the owner, the owned key is revoked (401)', async () => {
    const owner = emulator.state.findByEmail('owner@example.com')!;
    const self = await call(emulator.url, OWNED, 'DELETE', `/v2/users/${owner.id}`);
    expect(self.status).toBe(400);
    expect(self.body.detail).toContain('cannot delete itself');

    expect((await call(emulator.url, ADMIN, 'DELETE', `/v2/users/${owner.id}`)).status).toBe(204);
    expect(emulator.state.user(owner.id)?.cascade?.apiKeys).toEqual(['owned-key']);
    const revoked = await call(emulator.url, OWNED, 'GET', '/v2/users');
    expect(revoked.status).toBe(401);
    const keys = (await call(emulator.url, null, 'GET', '/_emulator/api-keys')).body.apiKeys;
    expect(keys.find((k: { name: string }) => k.name === 'owned-key')).toMatchObject({ revoked: true });
    expect(JSON.stringify(keys)).not.toContain(OWNED);

    emulator.reset();
    expect((await call(emulator.url, OWNED, 'GET', '/v2/users')).status).toBe(200);
  });
});
