import { createUsersClient, resetPrereleaseWarnings, roles } from '@idp-sync/users-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { page, sequence, startTestServer, type TestServer, wireUser } from './server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => {
  resetPrereleaseWarnings();
});

function recordingClient(env: Record<string, string | undefined> = {}) {
  const warnings: string[] = [];
  const debug: string[] = [];
  const client = createUsersClient({
    apiKey: 'sk-secret-api-key',
    baseUrl: server.url,
    env,
    retry: { baseDelayMs: 1 },
    logger: { warn: (m) => warnings.push(m), debug: (m, d) => debug.push(`${m} ${JSON.stringify(d)}`) },
  });
  return { client, warnings, debug };
}

describe('pre-release warning', () => {
  it('is logged once per method per process, through the injected logger', async () => {
    server.handle(() => page([]));
    const { client, warnings } = recordingClient();
    await client.users.list();
    await client.users.list();
    await client.users.get({ user: 'a@example.com' });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^\[ALPHA\] users\.list is an alpha API/);
    expect(warnings[0]).toContain('DISABLE_PRERELEASE_WARNING=true');
    expect(warnings[1]).toMatch(/^\[ALPHA\] users\.get /);
    // A second client in the same process does not repeat it.
    const other = recordingClient();
    await other.client.users.list();
    expect(other.warnings).toHaveLength(0);
    await client.close();
    await other.client.close();
  });

  it('is silenced by DISABLE_PRERELEASE_WARNING=true (any case)', async () => {
    server.handle(() => page([]));
    const { client, warnings } = recordingClient({ DISABLE_PRERELEASE_WARNING: 'TRUE' });
    await client.users.list();
    expect(warnings).toHaveLength(0);
    await client.close();
  });

  it('is given even when the call then fails validation, and names each method', async () => {
    const { client, warnings } = recordingClient();
    await client.users.update({ userId: 'x' }).catch(() => undefined);
    await client.users.delete({ userId: '' }).catch(() => undefined);
    await client.users.resendInvitation({ userId: '' }).catch(() => undefined);
    await client.users.resetPassword({ userId: '' }).catch(() => undefined);
    await client.users.bulkDelete({}).catch(() => undefined);
    await client.users.create({} as never).catch(() => undefined);
    expect(() => client.users.iterate({ limit: 0 })).toThrow();
    expect(warnings.map((w) => w.split(' ')[1])).toEqual([
      'users.update',
      'users.delete',
      'users.resendInvitation',
      'users.resetPassword',
      'users.bulkDelete',
      'users.create',
      'users.iterate',
    ]);
    await client.close();
  });
});

describe('secrets never logged', () => {
  it('no API key, temporary password or full email in anything the client logs', async () => {
    const u = wireUser({ email: 'ada@example.com', status: 'ACTIVE' });
    let posts = 0;
    server.handle((req) => {
      if (req.method === 'GET') return page([u]);
      posts++;
      if (posts === 1) return { status: 503, body: { title: 'Down', status: 503, detail: 'ada@example.com' } };
      if (posts === 2) return { status: 409, body: { title: 'Conflict', status: 409 } };
      return { status: 201, body: { ...u, invite_mode: 'TEMPORARY_PASSWORD', temporary_password: 'Tmp-Secret-1' } };
    });
    const { client, warnings, debug } = recordingClient();
    const reconciled = await client.users.create({
      name: 'Ada',
      email: 'ada@example.com',
      role: roles.admin(),
      inviteMode: 'NONE',
    });
    expect(reconciled.resolvedConflict).toBe(true);
    server.handle(
      sequence({ status: 201, body: { ...u, invite_mode: 'TEMPORARY_PASSWORD', temporary_password: 'Tmp-Secret-1' } }),
    );
    await client.users.create({
      name: 'Ada',
      email: 'ada@example.com',
      role: roles.admin(),
      inviteMode: 'TEMPORARY_PASSWORD',
    });
    const all = [...warnings, ...debug].join('\n');
    expect(debug.length).toBeGreaterThan(0);
    expect(all).not.toContain('sk-secret-api-key');
    expect(all).not.toContain('Tmp-Secret-1');
    expect(all).not.toContain('ada@example.com');
    await client.close();
  });
});
