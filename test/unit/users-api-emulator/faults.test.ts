import { type FaultConfig, startUsersApiEmulator, type UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { Agent, errors } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { call, createBody } from './http';

const KEY = 'faults-admin-key-0001';
const OTHER = 'faults-other-key-0001';
const started: UsersApiEmulator[] = [];

async function start(options: Parameters<typeof startUsersApiEmulator>[0] = {}): Promise<UsersApiEmulator> {
  const emulator = await startUsersApiEmulator({ apiKeys: [KEY, OTHER], ...options });
  started.push(emulator);
  return emulator;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.stop()));
});

/** A fixed sequence of mixed requests; answers the statuses. */
async function sequence(emulator: UsersApiEmulator, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const r =
      i % 3 === 0
        ? await call(emulator.url, KEY, 'POST', '/v2/users', { body: createBody(`seq${i}@example.com`) })
        : await call(emulator.url, KEY, 'GET', '/v2/users?limit=5');
    statuses.push(r.status);
  }
  return statuses;
}

describe('error rates', () => {
  it('are deterministic: same seed and same requests ⇒ same faults; another seed ⇒ other faults', async () => {
    const faults: FaultConfig = { seed: 'chaos-1', rates: { '500': 0.2, '503': 0.2, '429': 0.2 } };
    const a = await sequence(await start({ faults }), 40);
    const b = await sequence(await start({ faults }), 40);
    const c = await sequence(await start({ faults: { ...faults, seed: 'chaos-2' } }), 40);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    for (const status of [500, 503, 429]) expect(a).toContain(status);
    expect(a.some((s) => s === 200 || s === 201)).toBe(true);
  });

  it.each([
    ['500', 500, 'Internal Server Error'],
    ['503', 503, 'Service Unavailable'],
    ['429', 429, 'Rate limit exceeded'],
  ] as const)('rate 1 for %s answers every request with that problem', async (key, status, title) => {
    const emulator = await start({ faults: { rates: { [key]: 1 }, retryAfterSeconds: 7 } });
    const r = await call(emulator.url, KEY, 'GET', '/v2/users');
    expect(r.status).toBe(status);
    expect(r.contentType).toBe('application/problem+json');
    expect(r.body).toMatchObject({ status, title, instance: '/v2/users' });
    expect(r.headers['retry-after']).toBe(status === 429 ? '7' : undefined);
    expect(emulator.counters().byOperation['users.list']?.byStatus).toEqual({ [String(status)]: 1 });
  });

  it('are injected before authentication, like infrastructure in front of the API', async () => {
    const emulator = await start({ faults: { rates: { '503': 1 } } });
    expect((await call(emulator.url, null, 'GET', '/v2/users')).status).toBe(503);
  });

  it('apply only to the listed operations', async () => {
    const emulator = await start({ faults: { rates: { '503': 1 }, operations: ['users.create'] } });
    expect((await call(emulator.url, KEY, 'GET', '/v2/users')).status).toBe(200);
    expect((await call(emulator.url, KEY, 'POST', '/v2/users', { body: createBody('o@example.com') })).status).toBe(
      503,
    );
    expect(emulator.state.findByEmail('o@example.com')).toBeUndefined();
  });

  it('failAfterApply: the request takes effect and the client is told 500 (the ambiguous failure)', async () => {
    const emulator = await start({ faults: { rates: { '500': 1 }, failAfterApply: 1 } });
    const r = await call(emulator.url, KEY, 'POST', '/v2/users', { body: createBody('amb@example.com') });
    expect(r.status).toBe(500);
    expect(emulator.state.findByEmail('amb@example.com')?.status).toBe('INVITED');
    emulator.setFaults(undefined);
    const retry = await call(emulator.url, KEY, 'POST', '/v2/users', { body: createBody('amb@example.com') });
    expect(retry.status).toBe(200);
  });

  it('never touch /_emulator/* and can be changed at run time through it', async () => {
    const emulator = await start({ faults: { rates: { '500': 1 } } });
    expect((await call(emulator.url, null, 'GET', '/_emulator/users')).status).toBe(200);
    expect((await call(emulator.url, null, 'GET', '/_emulator/counters')).status).toBe(200);
    const got = await call(emulator.url, null, 'GET', '/_emulator/faults');
    expect(got.body).toEqual({ faults: { rates: { '500': 1 } }, rateLimit: null });

    const put = await call(emulator.url, null, 'PUT', '/_emulator/faults', { body: { seed: 3, rates: { '429': 1 } } });
    expect(put.status).toBe(200);
    expect((await call(emulator.url, KEY, 'GET', '/v2/users')).status).toBe(429);
    expect((await call(emulator.url, null, 'DELETE', '/_emulator/faults')).status).toBe(204);
    expect((await call(emulator.url, KEY, 'GET', '/v2/users')).status).toBe(200);

    // reset restores the start-up faults
    expect((await call(emulator.url, null, 'POST', '/_emulator/reset')).status).toBe(204);
    expect((await call(emulator.url, KEY, 'GET', '/v2/users')).status).toBe(500);
  });
});

describe('latency', () => {
  it('adds the configured delay before answering', async () => {
    const emulator = await start({ faults: { latencyMs: { min: 120, max: 140 } } });
    const t0 = performance.now();
    const r = await call(emulator.url, KEY, 'GET', '/v2/users');
    expect(r.status).toBe(200);
    // A lower bound only: a timer never fires meaningfully early.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
  });
});

describe('hangs', () => {
  it('leave the request unanswered until the client times out; counted as "hang"', async () => {
    const emulator = await start({ faults: { hangRate: 1 } });
    const agent = new Agent({ headersTimeout: 300 });
    try {
      const outcome = await call(emulator.url, KEY, 'GET', '/v2/users', { dispatcher: agent }).catch((e: unknown) => e);
      expect(outcome).toBeInstanceOf(errors.HeadersTimeoutError);
    } finally {
      await agent.destroy();
    }
    expect(emulator.counters().byOperation['users.list']?.byStatus).toEqual({ hang: 1 });
  });

  it('answer 504 after hangMs when bounded', async () => {
    const emulator = await start({ faults: { hangRate: 1, hangMs: 100 } });
    const r = await call(emulator.url, KEY, 'GET', '/v2/users');
    expect(r.status).toBe(504);
    expect(r.body.title).toBe('Gateway Timeout');
  });

  it('are released when the emulator stops', async () => {
    const emulator = await start({ faults: { hangRate: 1 } });
    const pending = call(emulator.url, KEY, 'GET', '/v2/users').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await emulator.stop();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('rate limit per API key (token bucket)', () => {
  it('serves the burst, then 429 with Retry-After; other keys have their own bucket', async () => {
    const emulator = await start({ rateLimit: { requestsPerSecond: 0.5, burst: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push(await call(emulator.url, KEY, 'GET', '/v2/users'));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(statuses[2]?.headers['retry-after']).toBe('2');
    expect(statuses[2]?.body.detail).toContain('key-1');
    expect((await call(emulator.url, OTHER, 'GET', '/v2/users')).status).toBe(200);
  });

  it('does not spend tokens on unauthenticated requests, and can be set and cleared at run time', async () => {
    const emulator = await start();
    const put = await call(emulator.url, null, 'PUT', '/_emulator/rate-limit', {
      body: { requestsPerSecond: 0.1, burst: 1 },
    });
    expect(put.body.rateLimit).toEqual({ requestsPerSecond: 0.1, burst: 1 });
    expect((await call(emulator.url, null, 'GET', '/v2/users')).status).toBe(401);
    expect((await call(emulator.url, KEY, 'GET', '/v2/users')).status).toBe(200);
    const limited = await call(emulator.url, KEY, 'GET', '/v2/users');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(9);
    expect((await call(emulator.url, null, 'DELETE', '/_emulator/rate-limit')).status).toBe(204);
    expect((await call(emulator.url, KEY, 'GET', '/v2/users')).status).toBe(200);
  });
});
