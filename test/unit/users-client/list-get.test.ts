import { InvalidResponseError, NotFoundError, type User, ValidationError } from '@idp-sync/users-client';
import { describe, expect, it } from 'vitest';
import { expectRejectedBeforeSending, page, problem, type SeenRequest, useServerAndClient, wireUser } from './server';

const { server, client } = useServerAndClient();

/** Serves `pages` by cursor: page i answers cursor `c<i>` (page 0: no cursor). */
function paged(pages: ReturnType<typeof wireUser>[][]) {
  return (req: SeenRequest) => {
    const cursor = req.query.get('cursor');
    const i = cursor === null ? 0 : Number(cursor.slice(1));
    return page(pages[i] ?? [], i + 1 < pages.length ? `c${i + 1}` : undefined);
  };
}

describe('users.list', () => {
  it('sends the filters (status repeated) and maps the page to camelCase', async () => {
    const a = wireUser();
    server().handle(() => page([a], 'next-1'));
    const result = await client().users.list({ email: 'ex', status: ['ACTIVE', 'INVITED'], limit: 50, cursor: 'abc' });
    const req = server().requests[0]!;
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/v2/users');
    expect(req.query.getAll('status')).toEqual(['ACTIVE', 'INVITED']);
    expect(req.query.get('email')).toBe('ex');
    expect(req.query.get('limit')).toBe('50');
    expect(req.query.get('cursor')).toBe('abc');
    expect(result.hasMore).toBe(true);
    expect(result.nextCursor).toBe('next-1');
    expect(result.users[0]).toMatchObject({ id: a.id, email: a.email, createdAt: a.created_at, isDeveloper: true });
  });

  it('sends no query at all when no filter is given, and upper-cases a lower-case status', async () => {
    server().handle(() => page([]));
    await client().users.list();
    expect([...server().requests[0]!.query.keys()]).toEqual([]);
    await client().users.list({ status: 'invited' as never });
    expect(server().requests[1]!.query.getAll('status')).toEqual(['INVITED']);
  });

  it('accepts lower-case enums on read (status, role type and name)', async () => {
    server().handle(() =>
      page([
        wireUser({ status: 'invited' as never, role: { type: 'predefined', name: 'annotator' } as never }),
        wireUser({ status: 'Expired' as never, role: { type: 'custom', id: 'Um9sZTox', name: 'Auditors' } as never }),
      ]),
    );
    const { users } = await client().users.list();
    expect(users[0]).toMatchObject({ status: 'INVITED', role: { type: 'PREDEFINED', name: 'ANNOTATOR' } });
    expect(users[1]).toMatchObject({ status: 'EXPIRED', role: { type: 'CUSTOM', id: 'Um9sZTox', name: 'Auditors' } });
    // Back on the wire, CUSTOM keeps its read-only name (unlike a create request).
    expect(users[1]!.toJSON().role).toEqual({ type: 'CUSTOM', id: 'Um9sZTox', name: 'Auditors' });
  });

  it('accepts unknown response fields and converts back to the wire shape with toJSON/toDict', async () => {
    const a = wireUser({ extra_field: 'from a newer server' });
    server().handle(() => ({
      status: 200,
      body: { users: [a], pagination: { has_more: false, next_cursor: null }, total: 1 },
    }));
    const list = await client().users.list();
    const { extra_field: _dropped, ...wire } = a as typeof a & { extra_field: string };
    expect(JSON.parse(JSON.stringify(list))).toEqual({ users: [wire], pagination: { has_more: false } });
    expect(list.users[0]!.toDict()).toEqual(wire);
    expect(list.nextCursor).toBeUndefined();
  });

  it('names the broken field when a response violates the schema', async () => {
    server().handle(() => page([wireUser(), { ...wireUser(), created_at: 42 } as never]));
    const error = await client()
      .users.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).field).toBe('users[1].created_at');
    expect((error as Error).message).toContain('users[1].created_at');
  });

  it('reports a missing required field and an unknown enum value by path', async () => {
    const { is_developer: _x, ...noFlag } = wireUser();
    server().handle(() => page([noFlag as never, wireUser({ status: 'SUSPENDED' as never })]));
    const error = (await client()
      .users.list()
      .catch((e: unknown) => e)) as InvalidResponseError;
    expect(error.issues.map((i) => i.path)).toEqual(['users[0].is_developer', 'users[1].status']);
  });

  it('rejects a body that is not JSON', async () => {
    server().handle(() => ({ status: 200, raw: '<html>proxy</html>' }));
    await expect(client().users.list()).rejects.toMatchObject({ name: 'InvalidResponseError', field: '(body)' });
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ limit: 2.5 }, 'limit'],
    [{ status: 'DELETED' }, 'status'],
    [{ status: [] }, 'status'],
    [{ email: 'x'.repeat(256) }, 'email'],
    [{ cursor: '' }, 'cursor'],
  ])('rejects %j before sending anything', async (params, field) => {
    await expectRejectedBeforeSending(client().users.list(params as never), field, server());
  });
});

describe('users.iterate', () => {
  it('walks every page (3+) with the cursor, page size 100 by default', async () => {
    const pages = [[wireUser(), wireUser()], [wireUser()], [wireUser(), wireUser()], [wireUser()]];
    server().handle(paged(pages));
    const seen: string[] = [];
    for await (const user of client().users.iterate({ status: 'ACTIVE' })) seen.push(user.id);
    expect(seen).toEqual(pages.flat().map((u) => u.id));
    expect(server().requests.map((r) => r.query.get('cursor'))).toEqual([null, 'c1', 'c2', 'c3']);
    expect(server().requests.every((r) => r.query.get('limit') === '100' && r.query.get('status') === 'ACTIVE')).toBe(
      true,
    );
  });

  it('stops early when the caller breaks out', async () => {
    server().handle(paged([[wireUser()], [wireUser()], [wireUser()]]));
    for await (const _ of client().users.iterate({ limit: 1 })) break;
    expect(server().requests).toHaveLength(1);
  });

  it('fails with InvalidResponseError when has_more has no cursor or the cursor loops', async () => {
    server().handle(() => ({ status: 200, body: { users: [], pagination: { has_more: true } } }));
    const drain = async () => {
      for await (const _ of client().users.iterate()) {
        /* consume */
      }
    };
    await expect(drain()).rejects.toMatchObject({ name: 'InvalidResponseError', field: 'pagination.next_cursor' });
    server().handle(() => page([wireUser()], 'same'));
    await expect(drain()).rejects.toThrow(/repeats/);
  });

  it('checks its input when called, before any request', () => {
    expect(() => client().users.iterate({ limit: 1000 })).toThrow(ValidationError);
    expect(server().requests).toHaveLength(0);
  });
});

describe('users.get', () => {
  it('gets by id, percent-encoding the base64 id', async () => {
    const u = wireUser({ id: 'VXNl/cjo+MQ==' });
    server().handle(() => ({ status: 200, body: u }));
    const user = await client().users.get({ user: 'VXNl/cjo+MQ==' });
    expect(server().requests[0]!.path).toBe('/v2/users/VXNl%2Fcjo%2BMQ%3D%3D');
    expect(user?.id).toBe('VXNl/cjo+MQ==');
  });

  it('throws NotFoundError for an unknown id', async () => {
    server().handle(() => problem(404, 'Not Found', 'user not found'));
    const error = await client()
      .users.get({ user: 'VXNlcjo5OTk=' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, title: 'Not Found', detail: 'user not found', method: 'GET' });
  });

  it('resolves an email on page 3, exactly and case-insensitively, ignoring substring matches', async () => {
    const target = wireUser({ email: 'ada@example.com' });
    const pages = [
      [wireUser({ email: 'ada@example.com.evil' }), wireUser({ email: 'bada@example.com' })],
      [wireUser({ email: 'ada@example.co' })],
      [wireUser({ email: 'lada@example.com' }), target],
    ];
    server().handle(paged(pages));
    const user = await client().users.get({ user: '  ADA@Example.COM ' });
    expect(user?.id).toBe(target.id);
    expect(server().requests).toHaveLength(3);
    expect(server().requests[0]!.query.get('email')).toBe('ADA@Example.COM');
  });

  it('returns null when no page holds the exact email', async () => {
    server().handle(paged([[wireUser({ email: 'xada@example.com' })], [wireUser({ email: 'ada@example.comx' })]]));
    expect(await client().users.get({ user: 'ada@example.com' })).toBeNull();
    expect(server().requests).toHaveLength(2);
  });

  it('folds only ASCII letters: a user whose address starts with the Kelvin sign is not kate (issue #14)', async () => {
    // Unicode lower-casing maps U+212A KELVIN SIGN to "k": compared that way, the wrong person would be resolved.
    server().handle(paged([[wireUser({ email: '\u212Aate@example.com' })]]));
    expect(await client().users.get({ user: 'kate@example.com' })).toBeNull();
  });

  it('prefers the live record when an email has an expired invite and a newer pending one', async () => {
    const expired = wireUser({ email: 'bo@example.com', status: 'EXPIRED' });
    const invited = wireUser({ email: 'bo@example.com', status: 'INVITED' });
    server().handle(paged([[expired], [invited]]));
    const user: User | null = await client().users.get({ user: 'bo@example.com' });
    expect(user?.id).toBe(invited.id);
  });

  it('rejects an empty user before sending', async () => {
    await expect(client().users.get({ user: '  ' })).rejects.toBeInstanceOf(ValidationError);
    await expect(client().users.get(undefined as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(client().users.get({ user: `${'a'.repeat(250)}@example.com` })).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ path: 'user', message: 'an email must be at most 255 characters' }],
    });
    expect(server().requests).toHaveLength(0);
  });

  it('treats an unexpected success status as an invalid response', async () => {
    server().handle(() => ({ status: 204 }));
    await expect(client().users.get({ user: 'VXNlcjox' })).rejects.toMatchObject({
      name: 'InvalidResponseError',
      field: '(status)',
    });
  });
});
