import { startUsersApiEmulator, type UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { NO_GRACE_PERIODS } from '@idp-sync/worker/grace';
import { createWorkerUsersClient, type WorkerConfig } from '@idp-sync/worker/lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

let emulator: UsersApiEmulator;
beforeAll(async () => {
  emulator = await startUsersApiEmulator();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => emulator.reset());

function config(overrides: Partial<WorkerConfig>): WorkerConfig {
  return {
    dlqUrl: 'http://127.0.0.1:1/dlq.fifo',
    stateTableName: 'idp-sync-state',
    maxReceiveCount: 5,
    usersApiRps: 10,
    usersApiBurst: 1,
    concurrency: 5,
    idempotencyTtlSeconds: 3600,
    arizeBaseUrl: emulator.url,
    region: 'us-east-1',
    defaultRole: 'MEMBER',
    defaultInviteMode: 'EMAIL_LINK',
    usersApiTimeoutMs: 5000,
    usersApiRetryAttempts: 3,
    usersApiRetryBudgetMs: 5000,
    visibilityBaseSeconds: 30,
    visibilityMaxSeconds: 900,
    processingTimeoutMs: 25_000,
    deletionGuard: { enabled: false, windowMinutes: 60, floor: 5, percent: 0.5 },
    gracePeriods: NO_GRACE_PERIODS,
    rolePolicy: [],
    roleSettleSeconds: 0,
    ...overrides,
  };
}

describe('the worker’s rate-limited Users API client', () => {
  it('spaces requests at USERS_API_RPS, and waiting for a slot never eats a request’s timeout', async () => {
    // 8 calls at 8/s: the last waits about 875 ms for its slot, while each request may only take 300 ms once sent.
    const { client, limiter, close } = createWorkerUsersClient(config({ usersApiRps: 8, usersApiTimeoutMs: 300 }), {
      apiKey: emulator.apiKey,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => client.users.get({ user: `nobody-${i}@example.com` })),
    );
    await close();
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(emulator.counters().total).toBe(8);
    expect(limiter.stats.requests).toBe(8);
  });

  it('pauses on a 429 for its Retry-After, retries in-process, and slows down', async () => {
    emulator.setRateLimit({ requestsPerSecond: 4, burst: 2 });
    const { client, limiter, close } = createWorkerUsersClient(
      config({ usersApiRps: 50, usersApiRetryAttempts: 6, usersApiRetryBudgetMs: 15_000 }),
      { apiKey: emulator.apiKey },
    );
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) => client.users.get({ user: `someone-${i}@example.com` })),
    );
    await close();
    emulator.setRateLimit(undefined);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(limiter.stats.rateLimited).toBeGreaterThan(0);
    expect(limiter.rate).toBeLessThan(50);
    const list = emulator.counters().byOperation['users.list'];
    expect(list?.byStatus['200']).toBe(4);
  });
});
