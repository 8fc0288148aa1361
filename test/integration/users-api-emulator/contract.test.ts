import { startUsersApiEmulator, type UsersApiEmulator } from '@idp-sync/users-api-emulator';
import {
  BadRequestError,
  ConflictError,
  createUsersClient,
  ForbiddenError,
  isRetryable,
  NotFoundError,
  RateLimitedError,
  roles,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  UnprocessableEntityError,
  type UsersClient,
  type UsersClientOptions,
  ValidationError,
} from '@idp-sync/users-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/*
 * Contract tests: the project's own client (@idp-sync/users-client) against the emulator, for every operation and
 * edge of the Users API contract. Calls are counted through the emulator's counters, so each test also says how many
 * requests the client made.
 */

const ADMIN = 'contract-admin-key-01';
const MEMBER = 'contract-member-key-01';
const READER = 'contract-reader-key-01';
const SELF = 'contract-self-key-0001';

let emulator: UsersApiEmulator;
const clients: UsersClient[] = [];

function client(apiKey = ADMIN, options: UsersClientOptions = {}): UsersClient {
  const c = createUsersClient({
    apiKey,
    baseUrl: emulator.url,
    retry: false,
    logger: { warn: () => {} },
    env: {},
    ...options,
  });
  clients.push(c);
  return c;
}

const calls = (operation: string) => emulator.counters().byOperation[operation]?.byStatus ?? {};

beforeAll(async () => {
  emulator = await startUsersApiEmulator({
    apiKeys: [
      ADMIN,
      { key: MEMBER, role: 'member' },
      { key: READER, role: 'read-only' },
      { key: SELF, role: 'admin', ownerEmail: 'self@example.com' },
    ],
  });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.reset();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('users.list and users.iterate', () => {
  beforeEach(() => {
    emulator.state.seed([
      { name: 'Ann', email: 'ann@corp.test', createdAt: '2024-01-01T00:00:00Z' },
      { name: 'Ben', email: 'Ben@Corp.Test', status: 'INVITED', createdAt: '2024-01-02T00:00:00Z' },
      { name: 'Cat', email: 'cat@other.test', status: 'EXPIRED', createdAt: '2024-01-03T00:00:00Z' },
      { name: 'Dan', email: 'dan@corp.test', status: 'DELETED', createdAt: '2024-01-04T00:00:00Z' },
    ]);
  });

  it('lists every non-deleted status by default, oldest first, as typed users', async () => {
    const page = await client().users.list();
    expect(page.users.map((u) => u.name)).toEqual(['Ann', 'Ben', 'Cat']);
    expect(page.hasMore).toBe(false);
    expect(page.nextCursor).toBeUndefined();
    expect(page.users[0]).toMatchObject({
      email: 'ann@corp.test',
      status: 'ACTIVE',
      role: { type: 'PREDEFINED', name: 'MEMBER' },
      isDeveloper: true,
      createdAt: '2024-01-01T00:00:00.000Z',
    });
  });

  it('filters by one or several statuses and by a case-insensitive email substring', async () => {
    const c = client();
    expect((await c.users.list({ status: 'INVITED' })).users.map((u) => u.name)).toEqual(['Ben']);
    expect((await c.users.list({ status: ['ACTIVE', 'EXPIRED'] })).users.map((u) => u.name)).toEqual(['Ann', 'Cat']);
    expect((await c.users.list({ email: 'CORP.test' })).users.map((u) => u.name)).toEqual(['Ann', 'Ben']);
    expect((await c.users.list({ email: 'corp', status: 'ACTIVE' })).users.map((u) => u.name)).toEqual(['Ann']);
  });

  it('pages with the opaque cursor; iterate walks every page', async () => {
    emulator.state.seed(
      Array.from({ length: 250 }, (_, i) => ({
        name: `Bulk ${i}`,
        email: `bulk${i}@bulk.test`,
        createdAt: new Date(Date.UTC(2024, 1, 1) + i * 1000).toISOString(),
      })),
    );
    const c = client();
    const first = await c.users.list({ limit: 2 });
    expect(first.users.map((u) => u.name)).toEqual(['Ann', 'Ben']);
    expect(first.hasMore).toBe(true);
    const second = await c.users.list({ limit: 2, cursor: first.nextCursor! });
    expect(second.users.map((u) => u.name)).toEqual(['Cat', 'Bulk 0']);

    emulator.resetCounters();
    const all: string[] = [];
    for await (const user of c.users.iterate({ email: 'bulk.test' })) all.push(user.name);
    expect(all).toHaveLength(250);
    expect(all[249]).toBe('Bulk 249');
    expect(calls('users.list')).toEqual({ '200': 3 });
  });

  it('a limit outside 1..100 is refused by the client before anything is sent; the server would say 400', async () => {
    await expect(client().users.list({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(client().users.list({ limit: 101 })).rejects.toBeInstanceOf(ValidationError);
    expect(calls('users.list')).toEqual({});
  });

  it('a cursor the server did not issue is a BadRequestError', async () => {
    await expect(client().users.list({ cursor: 'forged' })).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe('users.get', () => {
  it('by id; by exact email across pages (null when absent); NotFound for unknown and deleted ids', async () => {
    emulator.state.seed(
      Array.from({ length: 150 }, (_, i) => ({ name: `Near ${i}`, email: `x${i}.target@corp.test` })),
    );
    const [target, gone] = emulator.state.seed([
      { name: 'Target', email: 'target@corp.test' },
      { name: 'Gone', email: 'gone@corp.test', status: 'DELETED' },
    ]);
    const c = client();
    expect(await c.users.get({ user: target!.id })).toMatchObject({ id: target!.id, name: 'Target' });

    emulator.resetCounters();
    expect(await c.users.get({ user: 'TARGET@Corp.Test' })).toMatchObject({ id: target!.id });
    expect(calls('users.list')).toEqual({ '200': 2 });
    expect(await c.users.get({ user: 'nobody@corp.test' })).toBeNull();
    expect(await c.users.get({ user: 'gone@corp.test' })).toBeNull();

    await expect(c.users.get({ user: Buffer.from('User:999999').toString('base64') })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(c.users.get({ user: gone!.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.users.get({ user: 'not-an-id' })).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe('users.create', () => {
  it('EMAIL_LINK: 201 created; again while INVITED: 200, created false, not resent', async () => {
    const c = client();
    const first = await c.users.create({
      name: 'Ada',
      email: 'ada@example.com',
      role: roles.member(),
      inviteMode: 'EMAIL_LINK',
    });
    expect(first).toMatchObject({ created: true, inviteMode: 'EMAIL_LINK', attempts: 1 });
    expect(first.user).toMatchObject({ status: 'INVITED', isDeveloper: true, role: roles.member() });
    expect(first.temporaryPassword).toBeUndefined();
    const again = await c.users.create({
      name: 'Ada',
      email: 'ADA@example.com',
      role: roles.member(),
      inviteMode: 'EMAIL_LINK',
    });
    expect(again.created).toBe(false);
    expect(again.inviteMode).toBeUndefined();
    expect(again.user.id).toBe(first.user.id);
    expect(emulator.state.user(first.user.id)?.invitationsSent).toBe(1);
    expect(calls('users.create')).toEqual({ '200': 1, '201': 1 });
  });

  it('TEMPORARY_PASSWORD returns the password once; NONE is ACTIVE at once; is_developer defaults by role', async () => {
    const c = client();
    const temp = await c.users.create({
      name: 'Tim',
      email: 'tim@example.com',
      role: roles.annotator(),
      inviteMode: 'TEMPORARY_PASSWORD',
    });
    expect(temp.temporaryPassword).toEqual(expect.any(String));
    expect(temp.user.isDeveloper).toBe(false);
    const sso = await c.users.create({
      name: 'Sue',
      email: 'sue@example.com',
      role: roles.admin(),
      inviteMode: 'NONE',
      isDeveloper: false,
    });
    expect(sso).toMatchObject({ created: true, inviteMode: 'NONE' });
    expect(sso.user).toMatchObject({ status: 'ACTIVE', isDeveloper: false });
  });

  it('ACTIVE → ConflictError; EXPIRED → created again; deleted → ConflictError forever', async () => {
    const c = client();
    const body = { name: 'Eve', email: 'eve@example.com', role: roles.member(), inviteMode: 'EMAIL_LINK' } as const;
    const eve = await c.users.create(body);
    emulator.state.expireInvitation(eve.user.id);
    const reinvited = await c.users.create(body);
    expect(reinvited).toMatchObject({ created: true });
    expect(reinvited.user.status).toBe('INVITED');
    emulator.state.acceptInvitation(eve.user.id);
    await expect(c.users.create(body)).rejects.toBeInstanceOf(ConflictError);
    await c.users.delete({ userId: eve.user.id });
    for (const inviteMode of ['EMAIL_LINK', 'TEMPORARY_PASSWORD', 'NONE'] as const) {
      const error = await c.users.create({ ...body, inviteMode }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(isRetryable(error)).toBe(false);
    }
  });

  it('a CUSTOM role the account has is assigned and read back with its name; an unknown one is UnprocessableEntityError', async () => {
    const c = client();
    emulator.state.setCustomRoles([{ id: 'Um9sZToz', name: 'Data Scientist' }]);
    const created = await c.users.create({
      name: 'Cee',
      email: 'cee@example.com',
      role: roles.custom('Um9sZToz'),
      inviteMode: 'NONE',
      isDeveloper: true,
    });
    expect(created.user.role).toEqual({ type: 'CUSTOM', id: 'Um9sZToz', name: 'Data Scientist' });
    expect(created.user.isDeveloper).toBe(true);
    expect((await c.users.get({ user: 'cee@example.com' }))?.role).toEqual({
      type: 'CUSTOM',
      id: 'Um9sZToz',
      name: 'Data Scientist',
    });
    const unknown = await c.users
      .create({ name: 'C', email: 'c@example.com', role: roles.custom('Um9sZTox'), inviteMode: 'NONE' })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(UnprocessableEntityError);
    expect(isRetryable(unknown)).toBe(false);
    expect(String((unknown as Error).message)).toMatch(/no custom role with id 'Um9sZTox'/);
  });

  it('a bad email is BadRequestError', async () => {
    const c = client();
    // Loose on the client (one '@'), strict on the server.
    await expect(
      c.users.create({ name: 'C', email: 'c@localhost', role: roles.member(), inviteMode: 'NONE' }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe('users.update', () => {
  it('renames (trimmed) and sets isDeveloper with an admin key; a member key gets 403 for isDeveloper', async () => {
    const [user] = emulator.state.seed([{ name: 'Old', email: 'old@example.com' }]);
    const updated = await client().users.update({ userId: user!.id, name: '  New  ', isDeveloper: false });
    expect(updated).toMatchObject({ id: user!.id, name: 'New', isDeveloper: false });
    const member = client(MEMBER);
    expect(await member.users.update({ userId: user!.id, name: 'Newer' })).toMatchObject({ name: 'Newer' });
    await expect(member.users.update({ userId: user!.id, isDeveloper: false })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('an empty update never leaves the client; unknown and deleted users are NotFound', async () => {
    const [user] = emulator.state.seed([{ name: 'Del', email: 'del@example.com', status: 'DELETED' }]);
    await expect(client().users.update({ userId: user!.id })).rejects.toBeInstanceOf(ValidationError);
    await expect(client().users.update({ userId: user!.id, name: '   ' })).rejects.toBeInstanceOf(ValidationError);
    expect(calls('users.update')).toEqual({});
    await expect(client().users.update({ userId: user!.id, name: 'X' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('users.delete and users.bulkDelete', () => {
  it('deletes softly and idempotently; unknown id → NotFound; a key cannot delete its owner; read-only → 403', async () => {
    const [victim, self] = emulator.state.seed([
      { name: 'Vic', email: 'vic@example.com' },
      { name: 'Self', email: 'self@example.com' },
    ]);
    const c = client();
    await c.users.delete({ userId: victim!.id });
    await c.users.delete({ userId: victim!.id });
    expect(calls('users.delete')).toEqual({ '204': 2 });
    expect(emulator.state.user(victim!.id)).toMatchObject({ status: 'DELETED', cascade: { apiKeys: [] } });
    await expect(c.users.delete({ userId: Buffer.from('User:777777').toString('base64') })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(client(SELF).users.delete({ userId: self!.id })).rejects.toBeInstanceOf(BadRequestError);
    await expect(client(READER).users.delete({ userId: self!.id })).rejects.toBeInstanceOf(ForbiddenError);
    // Deleting the owner revokes its key (the cascade); the key then gets 401.
    await c.users.delete({ userId: self!.id });
    await expect(client(SELF).users.list()).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('bulk delete reports per target and never throws for one', async () => {
    const [a, b, gone] = emulator.state.seed([
      { name: 'A', email: 'a@bulk.test' },
      { name: 'B', email: 'b@bulk.test' },
      { name: 'Gone', email: 'gone@bulk.test', status: 'DELETED' },
    ]);
    const results = await client().users.bulkDelete({
      userIds: [a!.id, gone!.id, Buffer.from('User:888888').toString('base64')],
      emails: ['B@bulk.test', 'a@bulk.test', 'missing@bulk.test'],
    });
    expect(results).toEqual([
      { userId: a!.id, email: 'a@bulk.test', status: 'DELETED' },
      { userId: gone!.id, status: 'DELETED' },
      expect.objectContaining({ status: 'NOT_FOUND', cause: expect.any(NotFoundError) }),
      { userId: b!.id, email: 'B@bulk.test', status: 'DELETED' },
      expect.objectContaining({ email: 'missing@bulk.test', status: 'NOT_FOUND' }),
    ]);
    expect(emulator.state.store.size).toBe(0);
  });
});

describe('users.resendInvitation and users.resetPassword', () => {
  it('resend: INVITED and EXPIRED ok; ACTIVE → BadRequestError', async () => {
    const [inv, exp, act] = emulator.state.seed([
      { name: 'I', email: 'i@example.com', status: 'INVITED' },
      { name: 'E', email: 'e@example.com', status: 'EXPIRED' },
      { name: 'A', email: 'a@example.com' },
    ]);
    const c = client();
    await c.users.resendInvitation({ userId: inv!.id });
    await c.users.resendInvitation({ userId: exp!.id });
    expect(emulator.state.user(exp!.id)?.status).toBe('INVITED');
    await expect(c.users.resendInvitation({ userId: act!.id })).rejects.toBeInstanceOf(BadRequestError);
    await expect(client(READER).users.resendInvitation({ userId: inv!.id })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('reset: verified password user ok; SSO and unverified → BadRequestError; deleted → NotFound', async () => {
    const [pw, sso, inv, del] = emulator.state.seed([
      { name: 'P', email: 'p@example.com', login: 'password' },
      { name: 'S', email: 's@example.com', login: 'sso' },
      { name: 'I', email: 'i@example.com', status: 'INVITED' },
      { name: 'D', email: 'd@example.com', status: 'DELETED' },
    ]);
    const c = client();
    await c.users.resetPassword({ userId: pw!.id });
    expect(emulator.state.user(pw!.id)?.passwordResetsSent).toBe(1);
    await expect(c.users.resetPassword({ userId: sso!.id })).rejects.toBeInstanceOf(BadRequestError);
    await expect(c.users.resetPassword({ userId: inv!.id })).rejects.toBeInstanceOf(BadRequestError);
    await expect(c.users.resetPassword({ userId: del!.id })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('authentication', () => {
  it('an unknown key → UnauthorizedError; read-only writes → ForbiddenError (not retryable)', async () => {
    const error = await client('no-such-key-1234')
      .users.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(isRetryable(error)).toBe(false);
    await expect(
      client(READER).users.create({ name: 'R', email: 'r@example.com', role: roles.member(), inviteMode: 'NONE' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect((await client(READER).users.list()).users).toEqual([]);
  });
});

describe('faults seen through the client', () => {
  const retrying = { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 20, budgetMs: 10_000 };

  it('retries seeded 503s to success; the counters show every attempt', async () => {
    emulator.setFaults({ seed: 'contract', rates: { '503': 0.4 } });
    const c = client(ADMIN, { retry: retrying });
    for (let i = 0; i < 10; i += 1) {
      await c.users.create({
        name: `R${i}`,
        email: `r${i}@example.com`,
        role: roles.member(),
        inviteMode: 'EMAIL_LINK',
      });
    }
    expect(emulator.state.store.size).toBe(10);
    const byStatus = calls('users.create');
    expect(byStatus['201']).toBe(10);
    expect(byStatus['503']).toBeGreaterThan(0);
  });

  it('a lost 201 (500 after apply) becomes a 200 on retry: created false, priorAttemptUncertain', async () => {
    emulator.setFaults({ rates: { '500': 1 }, failAfterApply: 1, operations: ['users.create'] });
    const c = client(ADMIN, { retry: { ...retrying, onRetry: () => emulator.setFaults(undefined) } });
    const r = await c.users.create({
      name: 'L',
      email: 'l@example.com',
      role: roles.member(),
      inviteMode: 'EMAIL_LINK',
    });
    expect(r).toMatchObject({ created: false, priorAttemptUncertain: true, attempts: 2 });
    expect(calls('users.create')).toEqual({ '500': 1, '200': 1 });
  });

  it('NONE after a lost 201: the 409 is reconciled by looking the user up', async () => {
    emulator.setFaults({ rates: { '500': 1 }, failAfterApply: 1, operations: ['users.create'] });
    const c = client(ADMIN, { retry: { ...retrying, onRetry: () => emulator.setFaults(undefined) } });
    const r = await c.users.create({ name: 'N', email: 'n@example.com', role: roles.member(), inviteMode: 'NONE' });
    expect(r).toMatchObject({ created: false, resolvedConflict: true, priorAttemptUncertain: true });
    expect(r.user.status).toBe('ACTIVE');
    expect(calls('users.create')).toEqual({ '500': 1, '409': 1 });
  });

  it('mail actions are not repeated after a 5xx that may have sent the mail', async () => {
    const [inv] = emulator.state.seed([{ name: 'I', email: 'i@example.com', status: 'INVITED' }]);
    emulator.setFaults({ rates: { '503': 1 } });
    const error = await client(ADMIN, { retry: retrying })
      .users.resendInvitation({ userId: inv!.id })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(calls('users.resendInvitation')).toEqual({ '503': 1 });
  });

  it('429 carries Retry-After as retryAfterMs (token bucket per key)', async () => {
    emulator.setRateLimit({ requestsPerSecond: 0.5, burst: 1 });
    const c = client(ADMIN, { retry: retrying });
    await c.users.list();
    const error = await c.users.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(2000);
    expect(isRetryable(error)).toBe(true);
    expect((await client(MEMBER).users.list()).users).toEqual([]);
    emulator.setRateLimit(undefined);
  });

  it('a hanging request ends in TimeoutError', async () => {
    emulator.setFaults({ hangRate: 1 });
    const error = await client(ADMIN, { timeoutMs: 200 })
      .users.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(isRetryable(error)).toBe(true);
    expect(calls('users.list')).toEqual({ hang: 1 });
  });
});
