import { decodeUserId, startUsersApiEmulator, type UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { admin, annotator, call, createBody, member } from './http';

const KEY = 'unit-admin-key-0001';
let emulator: UsersApiEmulator;
const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) =>
  call(emulator.url, KEY, method, path, body === undefined ? {} : { body });

beforeAll(async () => {
  emulator = await startUsersApiEmulator({ apiKeys: [KEY] });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.reset();
});

describe('wire basics', () => {
  it('binds the given host only, on an OS-assigned port', () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.port).toBeGreaterThan(0);
  });

  it('answers errors as RFC 9457 problem documents', async () => {
    const r = await api('GET', '/v2/users/VXNlcjo5OTk5');
    expect(r.status).toBe(404);
    expect(r.contentType).toBe('application/problem+json');
    expect(r.body).toEqual({
      type: 'https://arize.com/docs/ax/rest-reference/errors#resource-not-found',
      title: 'Resource not found',
      status: 404,
      detail: expect.any(String),
      instance: '/v2/users/VXNlcjo5OTk5',
    });
  });
});

describe('create', () => {
  it('201 with a new INVITED user for EMAIL_LINK, an opaque base64 User:<n> id and an RFC 3339 created_at', async () => {
    const r = await api('POST', '/v2/users', createBody('ada@example.com', { name: 'Ada Lovelace' }));
    expect(r.status).toBe(201);
    expect(r.contentType).toBe('application/json');
    expect(r.body).toEqual({
      id: expect.any(String),
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      status: 'INVITED',
      role: member,
      is_developer: true,
      invite_mode: 'EMAIL_LINK',
    });
    expect(Buffer.from(r.body.id, 'base64').toString()).toMatch(/^User:\d+$/);
    expect(decodeUserId(r.body.id)).toBeGreaterThan(0);
    expect(emulator.state.findByEmail('ada@example.com')).toMatchObject({ verified: false, login: 'password' });
  });

  it('NONE makes an ACTIVE, verified SSO user at once', async () => {
    const r = await api('POST', '/v2/users', createBody('sso@example.com', { invite_mode: 'NONE' }));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'ACTIVE', invite_mode: 'NONE' });
    expect(r.body).not.toHaveProperty('temporary_password');
    expect(emulator.state.findByEmail('sso@example.com')).toMatchObject({ verified: true, login: 'sso' });
  });

  it('TEMPORARY_PASSWORD returns the password once, in the 201 only', async () => {
    const first = await api('POST', '/v2/users', createBody('tmp@example.com', { invite_mode: 'TEMPORARY_PASSWORD' }));
    expect(first.status).toBe(201);
    expect(first.body.invite_mode).toBe('TEMPORARY_PASSWORD');
    expect(first.body.temporary_password).toEqual(expect.any(String));
    expect(first.body.temporary_password.length).toBeGreaterThanOrEqual(12);
    const again = await api('POST', '/v2/users', createBody('tmp@example.com', { invite_mode: 'TEMPORARY_PASSWORD' }));
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('temporary_password');
    const got = await api('GET', `/v2/users/${first.body.id}`);
    expect(got.body).not.toHaveProperty('temporary_password');
    expect(JSON.stringify(emulator.state.users())).not.toContain(first.body.temporary_password);
  });

  it('defaults is_developer by role and honours an explicit value', async () => {
    const a = await api('POST', '/v2/users', createBody('a@example.com', { role: admin }));
    const m = await api('POST', '/v2/users', createBody('m@example.com', { role: member }));
    const n = await api('POST', '/v2/users', createBody('n@example.com', { role: annotator }));
    const x = await api('POST', '/v2/users', createBody('x@example.com', { role: annotator, is_developer: true }));
    const y = await api('POST', '/v2/users', createBody('y@example.com', { role: admin, is_developer: false }));
    expect([a, m, n, x, y].map((r) => r.body.is_developer)).toEqual([true, true, false, true, false]);
  });

  describe('idempotency on email (EMAIL_LINK and TEMPORARY_PASSWORD)', () => {
    it('INVITED → 200 with the existing user, no invite_mode, invitation not resent', async () => {
      const first = await api('POST', '/v2/users', createBody('inv@example.com'));
      const again = await api('POST', '/v2/users', createBody('INV@Example.com', { name: 'Other Name', role: admin }));
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ ...first.body, invite_mode: undefined });
      expect(again.body).not.toHaveProperty('invite_mode');
      expect(emulator.state.findByEmail('inv@example.com')?.invitationsSent).toBe(1);
    });

    it('ACTIVE → 409', async () => {
      const first = await api('POST', '/v2/users', createBody('act@example.com'));
      emulator.state.acceptInvitation(first.body.id);
      const again = await api('POST', '/v2/users', createBody('act@example.com'));
      expect(again.status).toBe(409);
      expect(again.contentType).toBe('application/problem+json');
    });

    it('EXPIRED → 201, a new INVITED invitation (same id, new request values)', async () => {
      const first = await api('POST', '/v2/users', createBody('exp@example.com'));
      emulator.state.expireInvitation(first.body.id);
      expect((await api('GET', `/v2/users/${first.body.id}`)).body.status).toBe('EXPIRED');
      const again = await api(
        'POST',
        '/v2/users',
        createBody('exp@example.com', { name: 'New Name', role: annotator }),
      );
      expect(again.status).toBe(201);
      expect(again.body).toMatchObject({ id: first.body.id, status: 'INVITED', name: 'New Name', role: annotator });
      expect(emulator.state.findByEmail('exp@example.com')?.invitationsSent).toBe(2);
    });

    it('deleted → 409, for every invite mode: a deleted user cannot be re-created', async () => {
      const first = await api('POST', '/v2/users', createBody('gone@example.com'));
      expect((await api('DELETE', `/v2/users/${first.body.id}`)).status).toBe(204);
      for (const mode of ['EMAIL_LINK', 'TEMPORARY_PASSWORD', 'NONE']) {
        const again = await api('POST', '/v2/users', createBody('gone@example.com', { invite_mode: mode }));
        expect(again.status).toBe(409);
      }
    });
  });

  describe('invite mode NONE against existing emails (emulator choices)', () => {
    it('ACTIVE → 409', async () => {
      await api('POST', '/v2/users', createBody('n1@example.com', { invite_mode: 'NONE' }));
      expect((await api('POST', '/v2/users', createBody('n1@example.com', { invite_mode: 'NONE' }))).status).toBe(409);
    });
    it('INVITED → 409 (a pending invitation)', async () => {
      await api('POST', '/v2/users', createBody('n2@example.com'));
      expect((await api('POST', '/v2/users', createBody('n2@example.com', { invite_mode: 'NONE' }))).status).toBe(409);
    });
    it('EXPIRED → 201, the same user made ACTIVE as an SSO user', async () => {
      const first = await api('POST', '/v2/users', createBody('n3@example.com'));
      emulator.state.expireInvitation(first.body.id);
      const again = await api('POST', '/v2/users', createBody('n3@example.com', { invite_mode: 'NONE' }));
      expect(again.status).toBe(201);
      expect(again.body).toMatchObject({ id: first.body.id, status: 'ACTIVE', invite_mode: 'NONE' });
    });
  });

  it('a CUSTOM role the account has: 201, the user reads back with the role’s read-only name; an unknown id: 422', async () => {
    emulator.state.setCustomRoles([{ id: 'Um9sZTox', name: 'Auditor' }]);
    try {
      const created = await api(
        'POST',
        '/v2/users',
        createBody('c@example.com', { role: { type: 'CUSTOM', id: 'Um9sZTox', name: 'ignored: read-only' } }),
      );
      expect(created.status).toBe(201);
      expect(created.body.role).toEqual({ type: 'CUSTOM', id: 'Um9sZTox', name: 'Auditor' });
      expect(created.body.is_developer).toBe(false);
      const read = await api('GET', `/v2/users/${created.body.id}`);
      expect(read.body.role).toEqual({ type: 'CUSTOM', id: 'Um9sZTox', name: 'Auditor' });
      const unknown = await api(
        'POST',
        '/v2/users',
        createBody('d@example.com', { role: { type: 'CUSTOM', id: 'Um9sZTo5' } }),
      );
      expect(unknown.status).toBe(422);
      expect(unknown.body.title).toBe('Unprocessable Entity');
      expect(unknown.body.detail).toMatch(/no custom role with id 'Um9sZTo5'/);
    } finally {
      emulator.state.setCustomRoles([]);
    }
  });

  it.each([
    ['missing name', { name: undefined }, 'name: is required'],
    ['blank name', { name: '   ' }, 'name: must not be blank'],
    ['long name', { name: 'x'.repeat(256) }, 'name: must be at most 255 characters'],
    ['bad email', { email: 'not-an-email' }, 'email: must be a valid email address'],
    ['long email', { email: `${'a'.repeat(250)}@example.com` }, 'email: must be at most 255 characters'],
    ['lower-case enum', { invite_mode: 'email_link' }, 'invite_mode: must be one of'],
    ['bad role', { role: { type: 'PREDEFINED', name: 'OWNER' } }, 'role.name: must be one of'],
    ['role as a string', { role: 'MEMBER' }, 'role: must be { "type": "PREDEFINED"'],
    ['is_developer as a string', { is_developer: 'true' }, 'is_developer: must be a boolean'],
    ['unknown field', { nickname: 'x' }, 'unknown field "nickname"'],
  ])('400 for %s', async (_label, overrides, detail) => {
    const r = await api('POST', '/v2/users', createBody('v@example.com', overrides));
    expect(r.status).toBe(400);
    expect(r.body.detail).toContain(detail);
    expect(emulator.state.users()).toHaveLength(0);
  });
});

describe('list', () => {
  beforeEach(() => {
    emulator.state.seed([
      { name: 'Old', email: 'old@example.com', createdAt: '2020-01-01T00:00:00Z' },
      { name: 'Inv', email: 'Inv.Person@Example.com', status: 'INVITED', createdAt: '2021-01-01T00:00:00Z' },
      { name: 'Exp', email: 'exp@other.org', status: 'EXPIRED', createdAt: '2022-01-01T00:00:00Z' },
      { name: 'Gone', email: 'gone@example.com', status: 'DELETED', createdAt: '2019-01-01T00:00:00Z' },
    ]);
  });

  it('returns ACTIVE, INVITED and EXPIRED by default, oldest first, never the deleted', async () => {
    const r = await api('GET', '/v2/users');
    expect(r.status).toBe(200);
    expect(r.body.users.map((u: { email: string }) => u.email)).toEqual([
      'old@example.com',
      'Inv.Person@Example.com',
      'exp@other.org',
    ]);
    expect(r.body.pagination).toEqual({ has_more: false });
    expect(r.body.pagination).not.toHaveProperty('next_cursor');
  });

  it('orders by created_at even when users were seeded out of order', async () => {
    emulator.state.seed([{ name: 'Older', email: 'older@example.com', createdAt: '2020-06-01T00:00:00Z' }]);
    const names = (await api('GET', '/v2/users')).body.users.map((u: { name: string }) => u.name);
    expect(names).toEqual(['Old', 'Older', 'Inv', 'Exp']);
  });

  it('filters on repeated status keys', async () => {
    const r = await api('GET', '/v2/users?status=INVITED&status=EXPIRED');
    expect(r.body.users.map((u: { status: string }) => u.status)).toEqual(['INVITED', 'EXPIRED']);
    const one = await api('GET', '/v2/users?status=ACTIVE');
    expect(one.body.users.map((u: { name: string }) => u.name)).toEqual(['Old']);
  });

  it('filters on a case-insensitive email substring', async () => {
    const r = await api('GET', `/v2/users?email=${encodeURIComponent('PERSON@example')}`);
    expect(r.body.users.map((u: { name: string }) => u.name)).toEqual(['Inv']);
    const many = await api('GET', '/v2/users?email=EXAMPLE.COM');
    expect(many.body.users.map((u: { name: string }) => u.name)).toEqual(['Old', 'Inv']);
    expect((await api('GET', '/v2/users?email=gone')).body.users).toEqual([]);
  });

  it('pages with an opaque cursor until has_more is false, without repeats or gaps', async () => {
    emulator.state.seed(
      Array.from({ length: 7 }, (_, i) => ({
        name: `P${i}`,
        email: `p${i}@page.test`,
        createdAt: `2023-01-0${i + 1}T00:00:00Z`,
      })),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await api('GET', `/v2/users?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.users.length).toBeLessThanOrEqual(3);
      seen.push(...r.body.users.map((u: { email: string }) => u.email));
      cursor = r.body.pagination.next_cursor;
      expect(Boolean(cursor)).toBe(r.body.pagination.has_more);
      pages += 1;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    expect(cursor).toBeUndefined();
  });

  it('keeps paging stable when users are created and deleted between pages', async () => {
    const first = await api('GET', '/v2/users?limit=1');
    await api('DELETE', `/v2/users/${first.body.users[0].id}`);
    await api('POST', '/v2/users', createBody('late@example.com'));
    const second = await api(
      'GET',
      `/v2/users?limit=10&cursor=${encodeURIComponent(first.body.pagination.next_cursor)}`,
    );
    expect(second.body.users.map((u: { name: string }) => u.name)).toEqual(['Inv', 'Exp', 'Test Person']);
  });

  it.each(['0', '101', '-1', '1.5', 'ten', ''])('400 for limit=%s', async (limit) => {
    const r = await api('GET', `/v2/users?limit=${limit}`);
    expect(r.status).toBe(400);
    expect(r.body.detail).toContain('limit');
  });

  it('accepts limit 1 and 100, and defaults to 50', async () => {
    expect((await api('GET', '/v2/users?limit=1')).body.users).toHaveLength(1);
    expect((await api('GET', '/v2/users?limit=100')).status).toBe(200);
    emulator.state.seed(Array.from({ length: 60 }, (_, i) => ({ name: `Bulk ${i}`, email: `bulk${i}@bulk.test` })));
    const page = await api('GET', '/v2/users');
    expect(page.body.users).toHaveLength(50);
    expect(page.body.pagination.has_more).toBe(true);
  });

  it('400 for an unknown status, a forged or edited cursor, a cursor reused with other filters, a long email', async () => {
    expect((await api('GET', '/v2/users?status=DELETED')).status).toBe(400);
    expect((await api('GET', '/v2/users?status=active')).status).toBe(400);
    expect((await api('GET', '/v2/users?cursor=abc')).status).toBe(400);
    const page = await api('GET', '/v2/users?limit=1');
    const cursor: string = page.body.pagination.next_cursor;
    const edited = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    expect((await api('GET', `/v2/users?cursor=${encodeURIComponent(edited)}`)).status).toBe(400);
    expect((await api('GET', `/v2/users?status=ACTIVE&cursor=${encodeURIComponent(cursor)}`)).status).toBe(400);
    expect((await api('GET', `/v2/users?limit=5&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200);
    expect((await api('GET', `/v2/users?email=${'a'.repeat(256)}`)).status).toBe(400);
    expect((await api('GET', '/v2/users?limit=1&limit=2')).status).toBe(400);
  });

  it('lapses INVITED to EXPIRED after invitationTtlMs', async () => {
    let now = Date.parse('2024-01-01T00:00:00Z');
    const timed = await startUsersApiEmulator({ apiKeys: [KEY], invitationTtlMs: 1000, now: () => now });
    try {
      const created = await call(timed.url, KEY, 'POST', '/v2/users', { body: createBody('ttl@example.com') });
      expect(created.body.status).toBe('INVITED');
      now += 1000;
      const got = await call(timed.url, KEY, 'GET', `/v2/users/${created.body.id}`);
      expect(got.body.status).toBe('EXPIRED');
      const resent = await call(timed.url, KEY, 'POST', `/v2/users/${created.body.id}/resend-invitation`);
      expect(resent.status).toBe(204);
      expect((await call(timed.url, KEY, 'GET', `/v2/users/${created.body.id}`)).body.status).toBe('INVITED');
    } finally {
      await timed.stop();
    }
  });
});

describe('get', () => {
  it('200 with the user; 404 for unknown and deleted ids; 400 for ids that are not user ids', async () => {
    const created = await api('POST', '/v2/users', createBody('get@example.com'));
    const { invite_mode: _mode, ...user } = created.body;
    expect((await api('GET', `/v2/users/${created.body.id}`)).body).toEqual(user);
    // A percent-encoded id is the same id.
    expect((await api('GET', `/v2/users/${encodeURIComponent(created.body.id)}`)).status).toBe(200);
    expect((await api('GET', `/v2/users/${Buffer.from('User:99999').toString('base64')}`)).status).toBe(404);
    await api('DELETE', `/v2/users/${created.body.id}`);
    expect((await api('GET', `/v2/users/${created.body.id}`)).status).toBe(404);
    for (const bad of ['not-an-id', Buffer.from('Space:1').toString('base64'), 'VXNlcjox=', '%E0%A4%A']) {
      const r = await api('GET', `/v2/users/${bad}`);
      expect(r.status, bad).toBe(400);
    }
  });
});

describe('update', () => {
  it('changes name (trimmed) and is_developer, and keeps the rest', async () => {
    const created = await api('POST', '/v2/users', createBody('up@example.com', { role: annotator }));
    const r = await api('PATCH', `/v2/users/${created.body.id}`, { name: '  New Name  ', is_developer: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: created.body.id, name: 'New Name', is_developer: true, role: annotator });
    const noop = await api('PATCH', `/v2/users/${created.body.id}`, { is_developer: true });
    expect(noop.status).toBe(200);
    expect(noop.body.is_developer).toBe(true);
  });

  it('400 for {}, a blank name, null, wrong types and unknown fields; 404 for a deleted user', async () => {
    const created = await api('POST', '/v2/users', createBody('up2@example.com'));
    const path = `/v2/users/${created.body.id}`;
    for (const body of [{}, { name: '   ' }, { name: null }, { is_developer: 'yes' }, { email: 'x@example.com' }]) {
      const r = await api('PATCH', path, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api('PATCH', path, { name: 'x'.repeat(256) })).status).toBe(400);
    await api('DELETE', path);
    expect((await api('PATCH', path, { name: 'Ghost' })).status).toBe(404);
  });
});

describe('delete', () => {
  it('soft-deletes: 204, never listed, GET 404, delete again 204, cascade recorded', async () => {
    const created = await api('POST', '/v2/users', createBody('del@example.com', { invite_mode: 'NONE' }));
    const path = `/v2/users/${created.body.id}`;
    const r = await api('DELETE', path);
    expect(r.status).toBe(204);
    expect(r.body).toBeUndefined();
    expect((await api('GET', '/v2/users')).body.users).toEqual([]);
    expect((await api('GET', path)).status).toBe(404);
    expect((await api('DELETE', path)).status).toBe(204);
    const record = emulator.state.user(created.body.id);
    expect(record).toMatchObject({
      status: 'DELETED',
      deletedBy: 'key-1',
      organizationMemberships: [],
      roleBindings: [],
    });
    expect(record?.cascade?.organizationMemberships).toHaveLength(1);
    expect(record?.cascade?.spaceMemberships).toHaveLength(1);
    expect(record?.cascade?.roleBindings).toHaveLength(1);
    expect(record?.cascade?.apiKeys).toEqual([]);
  });

  it('404 for an unknown id', async () => {
    expect((await api('DELETE', `/v2/users/${Buffer.from('User:424242').toString('base64')}`)).status).toBe(404);
  });
});

describe('resend invitation', () => {
  it('204 for INVITED and EXPIRED (which becomes INVITED); 400 for ACTIVE; 404 for deleted', async () => {
    const invited = await api('POST', '/v2/users', createBody('r1@example.com'));
    expect((await api('POST', `/v2/users/${invited.body.id}/resend-invitation`)).status).toBe(204);
    expect(emulator.state.user(invited.body.id)?.invitationsSent).toBe(2);

    emulator.state.expireInvitation(invited.body.id);
    expect((await api('POST', `/v2/users/${invited.body.id}/resend-invitation`)).status).toBe(204);
    expect(emulator.state.user(invited.body.id)?.status).toBe('INVITED');

    emulator.state.acceptInvitation(invited.body.id);
    const active = await api('POST', `/v2/users/${invited.body.id}/resend-invitation`);
    expect(active.status).toBe(400);
    expect(active.body.detail).toContain('already verified');

    const sso = await api('POST', '/v2/users', createBody('r2@example.com', { invite_mode: 'NONE' }));
    expect((await api('POST', `/v2/users/${sso.body.id}/resend-invitation`)).status).toBe(400);

    await api('DELETE', `/v2/users/${invited.body.id}`);
    expect((await api('POST', `/v2/users/${invited.body.id}/resend-invitation`)).status).toBe(404);
  });

  it('400 when SAML/IdP login is enforced for the account', async () => {
    const enforced = await startUsersApiEmulator({ apiKeys: [KEY], ssoEnforced: true });
    try {
      const created = await call(enforced.url, KEY, 'POST', '/v2/users', { body: createBody('e@example.com') });
      const r = await call(enforced.url, KEY, 'POST', `/v2/users/${created.body.id}/resend-invitation`);
      expect(r.status).toBe(400);
      expect(r.body.detail).toContain('SAML');
    } finally {
      await enforced.stop();
    }
  });
});

describe('reset password', () => {
  it('204 only for a verified password user; 400 for SSO and for unverified users', async () => {
    const invited = await api('POST', '/v2/users', createBody('pw@example.com', { invite_mode: 'TEMPORARY_PASSWORD' }));
    const path = `/v2/users/${invited.body.id}/reset-password`;
    const unverified = await api('POST', path);
    expect(unverified.status).toBe(400);
    expect(unverified.body.detail).toContain('not verified');
    emulator.state.acceptInvitation(invited.body.id);
    expect((await api('POST', path)).status).toBe(204);
    expect(emulator.state.user(invited.body.id)?.passwordResetsSent).toBe(1);

    const sso = await api('POST', '/v2/users', createBody('sso2@example.com', { invite_mode: 'NONE' }));
    const ssoReset = await api('POST', `/v2/users/${sso.body.id}/reset-password`);
    expect(ssoReset.status).toBe(400);
    expect(ssoReset.body.detail).toContain('SSO');

    await api('DELETE', `/v2/users/${invited.body.id}`);
    expect((await api('POST', path)).status).toBe(404);
  });
});
