import { NotFoundError, ServerError } from '@idp-sync/users-client';
import { describe, expect, it } from 'vitest';
import {
  expectRejectedBeforeSending,
  page,
  problem,
  type Reply,
  type SeenRequest,
  useServerAndClient,
  wireUser,
} from './server';

const { server, client } = useServerAndClient({ retry: { maxAttempts: 2 } });

const deletes = () =>
  server()
    .requests.filter((r) => r.method === 'DELETE')
    .map((r) => decodeURIComponent(r.path.split('/')[3]!));

/** A small account: list filters by email substring, DELETE answers per id. */
function account(users: ReturnType<typeof wireUser>[], onDelete: (id: string) => Reply = () => ({ status: 204 })) {
  return (req: SeenRequest): Reply | Promise<Reply> => {
    if (req.method === 'GET') {
      const q = (req.query.get('email') ?? '').toLowerCase();
      return page(users.filter((u) => u.email.toLowerCase().includes(q)));
    }
    if (req.method === 'DELETE') return onDelete(decodeURIComponent(req.path.split('/')[3]!));
    return problem(405, 'Method Not Allowed');
  };
}

describe('users.bulkDelete', () => {
  it('deletes by id and by exact email, one result per target in input order', async () => {
    const ada = wireUser({ email: 'ada@example.com' });
    const bo = wireUser({ email: 'bo@example.com' });
    const decoy = wireUser({ email: 'ada@example.com.au' });
    server().handle(account([ada, bo, decoy]));
    const results = await client().users.bulkDelete({
      userIds: ['VXNlcjo5'],
      emails: ['ADA@example.com', 'bo@example.com'],
    });
    expect(results).toEqual([
      { userId: 'VXNlcjo5', status: 'DELETED' },
      { userId: ada.id, email: 'ADA@example.com', status: 'DELETED' },
      { userId: bo.id, email: 'bo@example.com', status: 'DELETED' },
    ]);
    expect(deletes().sort()).toEqual(['VXNlcjo5', ada.id, bo.id].sort());
  });

  it('de-duplicates ids, emails (any case), and an email that resolves to an id already listed', async () => {
    const ada = wireUser({ email: 'ada@example.com' });
    server().handle(account([ada]));
    const results = await client().users.bulkDelete({
      userIds: [ada.id, 'VXNlcjo3', ada.id, 'VXNlcjo3'],
      emails: ['ada@example.com', 'Ada@Example.com'],
    });
    expect(results).toEqual([
      { userId: ada.id, email: 'ada@example.com', status: 'DELETED' },
      { userId: 'VXNlcjo3', status: 'DELETED' },
    ]);
    expect(deletes()).toHaveLength(2);
    expect(server().requests.filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  it('reports a 404 on delete and an unknown email as NOT_FOUND; an already deleted user (204) as DELETED', async () => {
    server().handle(account([], (id) => (id === 'gone' ? problem(404, 'Not Found') : { status: 204 })));
    const results = await client().users.bulkDelete({
      userIds: ['gone', 'already-deleted'],
      emails: ['nobody@example.com'],
    });
    expect(results[0]).toMatchObject({ userId: 'gone', status: 'NOT_FOUND' });
    expect(results[0]!.cause).toBeInstanceOf(NotFoundError);
    expect(results[1]).toEqual({ userId: 'already-deleted', status: 'DELETED' });
    expect(results[2]).toMatchObject({ email: 'nobody@example.com', status: 'NOT_FOUND' });
    expect(results[2]!.error).toBeTruthy();
  });

  it('never throws for per-item failures: FAILED with the message and the typed cause', async () => {
    server().handle((req) => {
      if (req.method === 'GET') return problem(500, 'Lookup down');
      return req.path.endsWith('/bad') ? problem(403, 'Forbidden', 'cannot delete yourself') : { status: 204 };
    });
    const results = await client().users.bulkDelete({ userIds: ['ok', 'bad'], emails: ['ada@example.com'] });
    expect(results.map((r) => r.status)).toEqual(['DELETED', 'FAILED', 'FAILED']);
    expect(results[1]).toMatchObject({ userId: 'bad', error: expect.stringContaining('cannot delete yourself') });
    expect(results[2]).toMatchObject({ email: 'ada@example.com' });
    expect(results[2]!.cause).toBeInstanceOf(ServerError);
    // The transient lookup failure was retried (maxAttempts 2) before being reported.
    expect(server().requests.filter((r) => r.method === 'GET')).toHaveLength(2);
  });

  it('resolves an email found only on a later page', async () => {
    const target = wireUser({ email: 'cy@example.com' });
    server().handle((req) => {
      if (req.method === 'DELETE') return { status: 204 };
      const cursor = req.query.get('cursor');
      if (cursor === null) return page([wireUser({ email: 'lucy@example.com' })], 'p2');
      if (cursor === 'p2') return page([wireUser({ email: 'cy@example.com.uk' })], 'p3');
      return page([target]);
    });
    const [result] = await client().users.bulkDelete({ emails: ['cy@example.com'] });
    expect(result).toEqual({ userId: target.id, email: 'cy@example.com', status: 'DELETED' });
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    server().handle(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      return { status: 204 };
    });
    const ids = Array.from({ length: 20 }, (_, i) => `id-${i}`);
    const results = await client().users.bulkDelete({ userIds: ids, concurrency: 3 });
    expect(results.every((r) => r.status === 'DELETED')).toBe(true);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });

  it.each([
    [{}, '(params)'],
    [{ userIds: [], emails: [] }, '(params)'],
    [{ userIds: [''] }, 'userIds[0]'],
    [{ emails: ['not-an-email'] }, 'emails[0]'],
    [{ userIds: ['x'], concurrency: 0 }, 'concurrency'],
  ])('rejects %j before sending', async (params, field) => {
    await expectRejectedBeforeSending(client().users.bulkDelete(params as never), field, server());
  });
});
