import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  roles,
  ServerError,
  UnauthorizedError,
  UnprocessableEntityError,
  type UsersApiError,
  type UsersClient,
} from '@idp-sync/users-client';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { clientFor, problem, useServerAndClient, wireUser } from './server';

const { server, client } = useServerAndClient({ retry: false });

const CLASSES: Record<number, new (...args: never[]) => UsersApiError> = {
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitedError,
  500: ServerError,
};

// Every documented error status of every endpoint (the vendor's published clients), plus a 500 for each.
const CALLS: Array<[string, number[], (c: UsersClient) => Promise<unknown>]> = [
  ['list', [400, 401, 403, 429, 500], (c) => c.users.list()],
  ['get', [400, 401, 404, 429, 500], (c) => c.users.get({ user: 'VXNlcjox' })],
  [
    'create',
    [400, 401, 403, 404, 409, 422, 429, 500],
    (c) => c.users.create({ name: 'A', email: 'a@example.com', role: roles.member(), inviteMode: 'EMAIL_LINK' }),
  ],
  ['update', [400, 401, 403, 404, 422, 429, 500], (c) => c.users.update({ userId: 'VXNlcjox', name: 'B' })],
  ['delete', [400, 401, 403, 404, 429, 500], (c) => c.users.delete({ userId: 'VXNlcjox' })],
  ['resendInvitation', [400, 401, 403, 404, 429, 500], (c) => c.users.resendInvitation({ userId: 'VXNlcjox' })],
  ['resetPassword', [400, 401, 403, 404, 429, 500], (c) => c.users.resetPassword({ userId: 'VXNlcjox' })],
];

describe.each(CALLS)('users.%s documented statuses', (_name, statuses, call) => {
  it.each(statuses)('%i → typed error with status and problem detail', async (status) => {
    server().handle(() => problem(status, 'Problem', `detail for ${status}`, { 'retry-after': '3' }));
    const error = await call(client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CLASSES[status]);
    expect(error).toMatchObject({ status, title: 'Problem', detail: `detail for ${status}` });
    if (status === 429) expect((error as RateLimitedError).retryAfterMs).toBe(3000);
    expect(server().requests).toHaveLength(1);
  });
});

describe('injected dispatcher (undici MockAgent)', () => {
  it('sends through it, and close() leaves it open', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const u = wireUser();
    agent
      .get('https://users.test')
      .intercept({ path: `/v2/users/${u.id}`, method: 'GET', headers: { authorization: 'Bearer k' } })
      .reply(200, u, { headers: { 'content-type': 'application/json' } });
    const mocked = clientFor(server(), { apiKey: 'k', baseUrl: 'https://users.test', dispatcher: agent });
    const user = await mocked.users.get({ user: u.id });
    expect(user?.id).toBe(u.id);
    await mocked.close();
    agent.assertNoPendingInterceptors();
    agent
      .get('https://users.test')
      .intercept({ path: `/v2/users/${u.id}`, method: 'DELETE' })
      .reply(204, '');
    const again = clientFor(server(), { apiKey: 'k', baseUrl: 'https://users.test', dispatcher: agent });
    await again.users.delete({ userId: u.id });
    await again.close();
    await agent.close();
  });
});
