import {
  AbortedError,
  BadRequestError,
  ConfigurationError,
  ConflictError,
  ForbiddenError,
  InvalidResponseError,
  isRetryable,
  NetworkError,
  NotFoundError,
  parseRetryAfter,
  RateLimitedError,
  type RetryEvent,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  UnexpectedStatusError,
  UnprocessableEntityError,
  UsersApiError,
  type UsersClient,
  type UsersClientOptions,
  ValidationError,
} from '@idp-sync/users-client';
import { backoffDelay } from '@idp-sync/users-client/transport';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientFor, page, problem, sequence, startTestServer, type TestServer, wireUser } from './server';

let server: TestServer;
const clients: UsersClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function make(options: UsersClientOptions = {}, target: TestServer = server) {
  const client = clientFor(target, options);
  clients.push(client);
  return client;
}

/** A client that records its retries. */
function withRetries(options: UsersClientOptions = {}) {
  const events: RetryEvent[] = [];
  const retry = options.retry === false ? {} : (options.retry ?? {});
  const client = make({ ...options, retry: { ...retry, onRetry: (e) => events.push(e) } });
  return { client, events };
}

const ID = 'VXNlcjox';

describe('error mapping (problem+json)', () => {
  it.each([
    [400, 'BadRequestError', BadRequestError],
    [401, 'UnauthorizedError', UnauthorizedError],
    [403, 'ForbiddenError', ForbiddenError],
    [404, 'NotFoundError', NotFoundError],
    [409, 'ConflictError', ConflictError],
    [422, 'UnprocessableEntityError', UnprocessableEntityError],
    [429, 'RateLimitedError', RateLimitedError],
    [500, 'ServerError', ServerError],
    [502, 'ServerError', ServerError],
    [503, 'ServerError', ServerError],
    [418, 'UnexpectedStatusError', UnexpectedStatusError],
  ])('%i → %s, with the problem fields', async (status, _name, cls) => {
    server.handle(() => ({
      status,
      body: { title: 'T', status, detail: 'D', type: 'https://errors/x', instance: '/req/1', extra: true },
    }));
    const error = await make({ retry: false })
      .users.get({ user: ID })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(cls);
    expect(error).toBeInstanceOf(UsersApiError);
    expect(error).toMatchObject({
      status,
      title: 'T',
      detail: 'D',
      type: 'https://errors/x',
      instance: '/req/1',
      method: 'GET',
      path: `/v2/users/${ID}`,
      operation: 'users.get',
      attempts: 1,
    });
    expect((error as Error).message).toContain(`${status} T — D`);
  });

  it('still maps a status whose body is not a problem document', async () => {
    server.handle(() => ({ status: 502, raw: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } }));
    const error = await make({ retry: false })
      .users.get({ user: ID })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).detail).toBeUndefined();
  });

  it('parses a 429 Retry-After (delta seconds or HTTP date) into retryAfterMs', async () => {
    server.handle(() => problem(429, 'Too Many Requests', undefined, { 'retry-after': '7' }));
    const seconds = await make({ retry: false })
      .users.list()
      .catch((e: unknown) => e);
    expect(seconds).toBeInstanceOf(RateLimitedError);
    expect((seconds as RateLimitedError).retryAfterMs).toBe(7000);

    const at = new Date(Date.now() + 30_000).toUTCString();
    server.handle(() => problem(429, 'Too Many Requests', undefined, { 'retry-after': at }));
    const dated = (await make({ retry: false })
      .users.list()
      .catch((e: unknown) => e)) as RateLimitedError;
    expect(dated.retryAfterMs).toBeGreaterThan(25_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(30_000);

    server.handle(() => problem(429, 'Too Many Requests'));
    const none = (await make({ retry: false })
      .users.list()
      .catch((e: unknown) => e)) as RateLimitedError;
    expect(none.retryAfterMs).toBeUndefined();
  });

  it('parseRetryAfter reads delta seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['3', '4'], now)).toBe(3000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('isRetryable is true exactly for 429, 5xx, network and timeout errors', () => {
    expect(isRetryable(new RateLimitedError({ status: 429 }))).toBe(true);
    expect(isRetryable(new ServerError({ status: 503 }))).toBe(true);
    expect(isRetryable(new NetworkError())).toBe(true);
    expect(isRetryable(new TimeoutError())).toBe(true);
    for (const e of [
      new BadRequestError(),
      new UnauthorizedError(),
      new ForbiddenError(),
      new NotFoundError(),
      new ConflictError(),
      new UnprocessableEntityError(),
      new InvalidResponseError(),
      new ValidationError(),
      new ConfigurationError(),
      new AbortedError(),
      new UnexpectedStatusError({ status: 418 }),
      new Error('plain'),
      'string',
      undefined,
    ]) {
      expect(isRetryable(e)).toBe(false);
    }
  });
});

describe('retries', () => {
  it('retries idempotent calls on 5xx, 429 and a dropped connection, with capped jittered backoff', async () => {
    server.handle(
      sequence(problem(503, 'Unavailable'), 'destroy', problem(429, 'Slow'), { status: 200, body: wireUser() }),
    );
    const { client, events } = withRetries({ retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 15 } });
    const user = await client.users.get({ user: ID });
    expect(user).not.toBeNull();
    expect(server.requests).toHaveLength(4);
    expect(events.map((e) => [e.attempt, e.error.name])).toEqual([
      [1, 'ServerError'],
      [2, 'NetworkError'],
      [3, 'RateLimitedError'],
    ]);
    // Step 10, 20→15, 40→15: half fixed, half jitter, never above the cap.
    expect(events[0]!.delayMs).toBeGreaterThanOrEqual(5);
    expect(events[0]!.delayMs).toBeLessThanOrEqual(10);
    for (const e of events.slice(1)) expect(e.delayMs).toBeLessThanOrEqual(15);
  });

  it('backoffDelay doubles per failure up to the cap, with half of it jittered', () => {
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(4, 100, 10_000, () => 0.5)).toBe(600);
    expect(backoffDelay(20, 100, 10_000, () => 1)).toBe(10_000);
  });

  it('gives up after maxAttempts and exposes the final error with its attempt count', async () => {
    server.handle(() => problem(500, 'Boom'));
    const error = await make({ retry: { maxAttempts: 3 } })
      .users.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ attempts: 3, priorAttemptUncertain: true });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry when retry is false, nor on a non-retryable status', async () => {
    server.handle(() => problem(503, 'Unavailable'));
    await expect(make({ retry: false }).users.list()).rejects.toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1);
    server.handle(() => problem(401, 'Unauthorized'));
    await expect(make().users.list()).rejects.toBeInstanceOf(UnauthorizedError);
    expect(server.requests).toHaveLength(2);
  });

  it('honours Retry-After (waits what the server asked, not its own backoff)', async () => {
    server.handle(sequence(problem(429, 'Slow', undefined, { 'retry-after': '1' }), page([])));
    const { client, events } = withRetries({ retry: { maxDelayMs: 2_000 } });
    const started = Date.now();
    await client.users.list();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ delayMs: 1000, fromRetryAfter: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('honours Retry-After on a 503 too', async () => {
    server.handle(sequence(problem(503, 'Down', undefined, { 'retry-after': '0' }), page([])));
    const { client, events } = withRetries();
    await client.users.list();
    expect(events[0]).toMatchObject({ delayMs: 0, fromRetryAfter: true });
  });

  it('does not wait out a Retry-After longer than maxDelayMs: the caller gets retryAfterMs', async () => {
    server.handle(() => problem(429, 'Slow', undefined, { 'retry-after': '120' }));
    const error = await make({ retry: { maxDelayMs: 5_000 } })
      .users.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(120_000);
    expect(server.requests).toHaveLength(1);
  });

  it('never exceeds the budget: no wait that would end past it', async () => {
    server.handle(() => problem(503, 'Down', undefined, { 'retry-after': '1' }));
    const client = make({ retry: { maxDelayMs: 5_000, budgetMs: 300 } });
    await expect(client.users.list()).rejects.toBeInstanceOf(ServerError);
    // One request and no second: the 1 s wait would have ended past the 300 ms budget, so it was not started.
    expect(server.requests).toHaveLength(1);
    // A per-call budget overrides the client's.
    await expect(make({ retry: { maxDelayMs: 5_000 } }).users.list({}, { budgetMs: 300 })).rejects.toBeInstanceOf(
      ServerError,
    );
    expect(server.requests).toHaveLength(2);
  });

  it('logs retries through logger.debug without the API key or an email', async () => {
    const lines: string[] = [];
    const logger = {
      warn: (m: string) => lines.push(m),
      debug: (m: string, d?: object) => lines.push(m + JSON.stringify(d)),
    };
    server.handle(sequence(problem(503, 'Down'), page([])));
    await make({ logger }).users.list({ email: 'ada@example.com' });
    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join('\n');
    expect(all).toContain('retrying');
    expect(all).not.toContain('test-api-key-123');
    expect(all).not.toContain('ada@example.com');
  });
});

describe('timeouts', () => {
  it('a server that never answers gives a TimeoutError after timeoutMs', async () => {
    server.handle(() => 'hang');
    const error = await make({ timeoutMs: 100, retry: false })
      .users.get({ user: ID })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 100, attempts: 1 });
    expect(isRetryable(error)).toBe(true);
  });

  it('the timeout also covers a body that stops arriving after the headers', async () => {
    server.handle(() => 'stall-body');
    const error = await make({ timeoutMs: 100, retry: false })
      .users.get({ user: ID })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('a timeout is retried for idempotent calls', async () => {
    server.handle(sequence('hang', { status: 200, body: wireUser() }));
    const { client, events } = withRetries({ timeoutMs: 100 });
    await expect(client.users.get({ user: ID })).resolves.not.toBeNull();
    expect(events.map((e) => e.error.name)).toEqual(['TimeoutError']);
  });

  it('a per-call timeoutMs overrides the client default; the budget clips the attempt', async () => {
    server.handle(() => 'hang');
    await expect(make({ retry: false }).users.list({}, { timeoutMs: 80 })).rejects.toMatchObject({ timeoutMs: 80 });
    const clipped = (await make({ timeoutMs: 5_000, retry: { budgetMs: 120 } })
      .users.list()
      .catch((e: unknown) => e)) as TimeoutError;
    expect(clipped).toBeInstanceOf(TimeoutError);
    expect(clipped.timeoutMs).toBeLessThanOrEqual(120);
  });
});

describe('mail-sending calls (resend-invitation, reset-password)', () => {
  it('are not retried after a 5xx, a timeout or a dropped connection: the mail may have gone out', async () => {
    server.handle(() => problem(503, 'Down'));
    await expect(make().users.resendInvitation({ userId: ID })).rejects.toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1);

    server.handle(() => 'hang');
    await expect(make({ timeoutMs: 100 }).users.resetPassword({ userId: ID })).rejects.toBeInstanceOf(TimeoutError);
    expect(server.requests).toHaveLength(2);

    server.handle(() => 'destroy');
    const dropped = await make()
      .users.resendInvitation({ userId: ID })
      .catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(NetworkError);
    expect((dropped as NetworkError).notSent).toBe(false);
    expect(server.requests).toHaveLength(3);
  });

  it('are retried after a 429 (refused before processing)', async () => {
    server.handle(sequence(problem(429, 'Slow'), { status: 204 }));
    await make().users.resetPassword({ userId: ID });
    expect(server.requests).toHaveLength(2);
  });

  it('are retried when the connection was refused (the request never left)', async () => {
    const gone = await startTestServer();
    await gone.close();
    const events: RetryEvent[] = [];
    const client = make({ retry: { maxAttempts: 3, onRetry: (e) => events.push(e) } }, gone);
    const error = await client.users.resendInvitation({ userId: ID }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ notSent: true, code: 'ECONNREFUSED', attempts: 3 });
    expect(events).toHaveLength(2);
  });
});

describe('connection and headers', () => {
  it('sends auth, accept and user-agent, and reuses kept-alive connections', async () => {
    server.handle(() => page([]));
    const client = make();
    for (let i = 0; i < 6; i++) await client.users.list();
    const a = server.requests[0]!;
    expect(a.headers.authorization).toBe('Bearer test-api-key-123');
    expect(a.headers.accept).toBe('application/json, application/problem+json');
    expect(a.headers['user-agent']).toMatch(/^idp-sync-users-client\/\d+\.\d+\.\d+ node\/v\d+/);
    // Sequential calls: undici may open a second socket while the first is being released, never one per call.
    expect(new Set(server.requests.map((r) => r.remotePort)).size).toBeLessThanOrEqual(2);
  });

  it('an AbortSignal stops the call before, during and between attempts', async () => {
    server.handle(() => 'hang');
    const client = make({ timeoutMs: 5_000 });
    await expect(client.users.list({}, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    expect(server.requests).toHaveLength(0);

    const during = new AbortController();
    setTimeout(() => during.abort(), 50);
    await expect(client.users.list({}, { signal: during.signal })).rejects.toBeInstanceOf(AbortedError);

    server.handle(() => problem(503, 'Down', undefined, { 'retry-after': '5' }));
    const between = new AbortController();
    const slow = make({ retry: { maxDelayMs: 10_000 } });
    const pending = slow.users.list({}, { signal: between.signal });
    setTimeout(() => between.abort(), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(isRetryable(error)).toBe(false);
  });

  it('refuses calls after close()', async () => {
    const client = make();
    await client.close();
    await expect(client.users.list()).rejects.toThrow(/closed/);
  });
});
