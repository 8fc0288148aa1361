import {
  APIError,
  AuthenticationError,
  AuthorizationError,
  BadRequestError,
  bulkDeleteUsers,
  createClient,
  createUser,
  deleteUser,
  getUser,
  listUsers,
  NotFoundError,
  resendInvitation,
  resetPassword,
  updateUser,
} from '@arizeai/ax-client';
import { startUsersApiEmulator, type UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/*
 * The vendor's own published TypeScript client (@arizeai/ax-client 1.28, openapi-fetch underneath), unchanged,
 * against the emulator: if it works here, the emulator speaks the wire contract the vendor's clients speak.
 */

const ADMIN_KEY = 'vendor-admin-key-0001';
const READER_KEY = 'vendor-reader-key-0001';
let emulator: UsersApiEmulator;
let client: ReturnType<typeof createClient>;

beforeAll(async () => {
  emulator = await startUsersApiEmulator({ apiKeys: [ADMIN_KEY, { key: READER_KEY, role: 'read-only' }] });
  client = createClient({ apiKey: ADMIN_KEY, baseUrl: emulator.url, getEnvironmentOptions: () => ({}) });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.reset();
});

describe('@arizeai/ax-client against the emulator', () => {
  it('create, list, get, update, delete', async () => {
    const created = await createUser({
      client,
      name: 'Jane Smith',
      email: 'jane.smith@example.com',
      role: { type: 'PREDEFINED', name: 'MEMBER' },
      inviteMode: 'EMAIL_LINK',
    });
    expect(created).toMatchObject({
      name: 'Jane Smith',
      email: 'jane.smith@example.com',
      status: 'INVITED',
      role: { type: 'PREDEFINED', name: 'MEMBER' },
      isDeveloper: true,
      inviteMode: 'EMAIL_LINK',
    });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(Number.isNaN(created.createdAt.getTime())).toBe(false);

    const listed = await listUsers({ client });
    expect(listed.data.map((u) => u.id)).toEqual([created.id]);
    expect(listed.pagination.hasMore).toBe(false);

    const got = await getUser({ client, userId: created.id });
    expect(got).toMatchObject({ id: created.id, email: 'jane.smith@example.com', status: 'INVITED' });

    const updated = await updateUser({ client, userId: created.id, name: 'Jane Q. Smith', isDeveloper: false });
    expect(updated).toMatchObject({ id: created.id, name: 'Jane Q. Smith', isDeveloper: false });
    expect(await updateUser({ client, userId: created.id, name: 'Jane Smith' })).toMatchObject({ isDeveloper: false });

    await expect(deleteUser({ client, userId: created.id })).resolves.toBeUndefined();
    await expect(deleteUser({ client, userId: created.id })).resolves.toBeUndefined();
    await expect(getUser({ client, userId: created.id })).rejects.toBeInstanceOf(NotFoundError);
    expect((await listUsers({ client })).data).toEqual([]);
    expect(emulator.state.user(created.id)?.status).toBe('DELETED');
  });

  it('tells a 201 from a 200 create, and gets the temporary password once', async () => {
    const first = await createUser({
      client,
      name: 'Temp',
      email: 'temp@example.com',
      role: { type: 'PREDEFINED', name: 'ANNOTATOR' },
      inviteMode: 'TEMPORARY_PASSWORD',
    });
    expect('inviteMode' in first && first.inviteMode).toBe('TEMPORARY_PASSWORD');
    expect('temporaryPassword' in first && typeof first.temporaryPassword).toBe('string');
    expect(first.isDeveloper).toBe(false);
    const again = await createUser({
      client,
      name: 'Temp',
      email: 'temp@example.com',
      role: { type: 'PREDEFINED', name: 'ANNOTATOR' },
      inviteMode: 'TEMPORARY_PASSWORD',
    });
    expect('inviteMode' in again).toBe(false);
    expect(again.id).toBe(first.id);

    const sso = await createUser({
      client,
      name: 'Sso',
      email: 'sso@example.com',
      role: { type: 'PREDEFINED', name: 'ADMIN' },
      inviteMode: 'NONE',
      isDeveloper: false,
    });
    expect(sso).toMatchObject({ status: 'ACTIVE', inviteMode: 'NONE', isDeveloper: false });
    await expect(
      createUser({
        client,
        name: 'Sso',
        email: 'sso@example.com',
        role: { type: 'PREDEFINED', name: 'ADMIN' },
        inviteMode: 'EMAIL_LINK',
      }),
    ).rejects.toMatchObject({ statusCode: 409 });
  });

  it('lists with its status array, email filter and manual pagination', async () => {
    emulator.state.seed(
      Array.from({ length: 7 }, (_, i) => ({
        name: `P${i}`,
        email: `p${i}@Page.Test`,
        status: i % 2 === 0 ? ('ACTIVE' as const) : ('INVITED' as const),
        createdAt: new Date(Date.UTC(2024, 0, i + 1)).toISOString(),
      })),
    );
    const invited = await listUsers({ client, status: ['INVITED'] });
    expect(invited.data.map((u) => u.name)).toEqual(['P1', 'P3', 'P5']);
    const both = await listUsers({ client, status: ['ACTIVE', 'INVITED'], email: 'page.test' });
    expect(both.data).toHaveLength(7);

    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listUsers({ client, limit: 3, ...(cursor ? { cursor } : {}) });
      names.push(...page.data.map((u) => u.name));
      cursor = page.pagination.nextCursor;
    } while (cursor);
    expect(names).toEqual(['P0', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6']);

    await expect(listUsers({ client, limit: 101 })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('resend invitation and reset password', async () => {
    const invited = await createUser({
      client,
      name: 'Inv',
      email: 'inv@example.com',
      role: { type: 'PREDEFINED', name: 'MEMBER' },
      inviteMode: 'EMAIL_LINK',
    });
    await expect(resendInvitation({ client, userId: invited.id })).resolves.toBeUndefined();
    await expect(resetPassword({ client, userId: invited.id })).rejects.toBeInstanceOf(BadRequestError);
    emulator.state.acceptInvitation(invited.id);
    await expect(resetPassword({ client, userId: invited.id })).resolves.toBeUndefined();
    await expect(resendInvitation({ client, userId: invited.id })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('bulk delete resolves emails through the email filter', async () => {
    const [a, b] = emulator.state.seed([
      { name: 'A', email: 'alice@example.com' },
      { name: 'B', email: 'bob@example.com' },
    ]);
    const results = await bulkDeleteUsers({
      client,
      userIds: [a!.id],
      emails: ['BOB@example.com', 'nobody@example.com'],
    });
    expect(results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: 'nobody@example.com', status: 'not_found' }),
        { userId: a!.id, email: undefined, status: 'deleted' },
        { userId: b!.id, email: 'BOB@example.com', status: 'deleted' },
      ]),
    );
    expect(emulator.state.store.size).toBe(0);
  });

  it('maps the emulator problems to its own errors', async () => {
    const bad = createClient({ apiKey: 'not-a-real-key', baseUrl: emulator.url, getEnvironmentOptions: () => ({}) });
    await expect(listUsers({ client: bad })).rejects.toBeInstanceOf(AuthenticationError);
    const reader = createClient({ apiKey: READER_KEY, baseUrl: emulator.url, getEnvironmentOptions: () => ({}) });
    await expect(
      createUser({
        client: reader,
        name: 'X',
        email: 'x@example.com',
        role: { type: 'PREDEFINED', name: 'MEMBER' },
        inviteMode: 'NONE',
      }),
    ).rejects.toBeInstanceOf(AuthorizationError);
    await expect(getUser({ client, userId: 'VXNlcjo5OTk5OQ==' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateUser({ client, userId: 'VXNlcjo5OTk5OQ==' })).rejects.toBeInstanceOf(BadRequestError);
    // A custom role the account does not have: 422, as the vendor client sees it.
    const conflict = await createUser({
      client,
      name: 'C',
      email: 'c@example.com',
      role: { type: 'CUSTOM', id: 'Um9sZTox' },
      inviteMode: 'NONE',
    }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(APIError);
    expect(conflict).toMatchObject({ statusCode: 422 });
    // One it has: the vendor client creates it unchanged (the product documentation's CustomUserRole).
    emulator.state.setCustomRoles([{ id: 'Um9sZTo0', name: 'Reviewer' }]);
    const custom = await createUser({
      client,
      name: 'Custom',
      email: 'custom.role@example.com',
      role: { type: 'CUSTOM', id: 'Um9sZTo0' },
      inviteMode: 'NONE',
    });
    expect(JSON.stringify(custom)).toContain('Reviewer');
    emulator.state.setCustomRoles([]);
  });

  it('reads ARIZE_BASE_URL and ARIZE_API_KEY like it would against the real API', async () => {
    const saved = { url: process.env.ARIZE_BASE_URL, key: process.env.ARIZE_API_KEY };
    process.env.ARIZE_BASE_URL = emulator.url;
    process.env.ARIZE_API_KEY = ADMIN_KEY;
    try {
      const created = await createUser({
        name: 'Env',
        email: 'env@example.com',
        role: { type: 'PREDEFINED', name: 'MEMBER' },
        inviteMode: 'NONE',
      });
      expect((await getUser({ userId: created.id })).email).toBe('env@example.com');
    } finally {
      if (saved.url === undefined) delete process.env.ARIZE_BASE_URL;
      else process.env.ARIZE_BASE_URL = saved.url;
      if (saved.key === undefined) delete process.env.ARIZE_API_KEY;
      else process.env.ARIZE_API_KEY = saved.key;
    }
  });
});
