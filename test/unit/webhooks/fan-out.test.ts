import type { HttpRequest } from '@idp-sync/http';
import { createMemoryMetrics } from '@idp-sync/http/observability';
import { buildCommand, DELIVERY_LIMITS, type SourceAdapter, webhookRoute } from '@idp-sync/webhooks/sources';
import { describe, expect, it } from 'vitest';
import {
  bambooRequest,
  bodyOf,
  capturingLogger,
  ingestRequest,
  NOW_MS,
  oktaRequest,
  oktaUserEvent,
  recordingSender,
  testApp,
  workosRequest,
} from '../../helpers/webhooks';

// Issue #14: one Okta delivery naming 8,000 users took 4.5 s to answer, over Okta's 3 s timeout. Every source bounds
// what one delivery may fan out to, before walking it, with a 400 that names the limit; nothing of it is queued.

type Problem = { status: number; detail: string; errors: { path: string; message: string }[] };

function expectRefused(response: { statusCode: number; body: string }, limit: number, path: string): void {
  expect(response.statusCode).toBe(400);
  const problem = bodyOf<Problem>(response);
  expect(problem.detail).toContain(`at most ${limit}`);
  expect(problem.detail).toMatch(/smaller deliveries/);
  expect(problem.errors).toEqual([{ path, message: expect.stringContaining(`at most ${limit}`) }]);
}

const userTarget = (i: number) => ({ id: `00u${i}`, type: 'User', alternateId: `p${i}@example.com` });

describe('Okta: LogEvents and User targets per delivery', () => {
  it('refuses the delivery of issue #14 (one LogEvent naming 8,000 users) with 400, queueing nothing', async () => {
    const { app, sender } = testApp();
    const event = oktaUserEvent({ eventType: 'user.lifecycle.deactivate' });
    event.target = Array.from({ length: 8000 }, (_, i) => userTarget(i));
    const response = await app.handle(oktaRequest([event]));
    expectRefused(response, DELIVERY_LIMITS.oktaUsers, 'data.events');
    expect(bodyOf<Problem>(response).detail).toContain('8000 Okta User targets in one delivery');
    expect(sender.sent).toEqual([]);
  });

  it('counts User targets across the LogEvents of a batch, whatever the case of the type', async () => {
    const { app, sender } = testApp();
    const events = Array.from({ length: DELIVERY_LIMITS.oktaUsers + 1 }, (_, i) =>
      oktaUserEvent({ eventType: 'user.lifecycle.deactivate', email: `p${i}@example.com`, userId: `00u${i}` }),
    );
    (events[0]!.target as { type: string }[])[0]!.type = 'user';
    expectRefused(await app.handle(oktaRequest(events)), DELIVERY_LIMITS.oktaUsers, 'data.events');
    expect(sender.sent).toEqual([]);
  });

  it('refuses more LogEvents than the limit even when they name nobody', async () => {
    const { app, sender } = testApp();
    const events = Array.from({ length: DELIVERY_LIMITS.oktaEvents + 1 }, (_, i) => ({
      uuid: `u${i}`,
      eventType: 'user.session.start',
      published: '2026-11-26T09:59:58.123Z',
    }));
    expectRefused(await app.handle(oktaRequest(events)), DELIVERY_LIMITS.oktaEvents, 'data.events');
    expect(sender.sent).toEqual([]);
  });

  it('queues a delivery at the limit in full, and does not count app or group targets as people', async () => {
    const { app, sender } = testApp();
    // Leaner than real LogEvents: 2,000 of Okta's documented size would pass 1 MiB and be refused 413 first.
    const events = Array.from({ length: DELIVERY_LIMITS.oktaUsers }, (_, i) => ({
      uuid: `u${i}`,
      eventType: 'user.lifecycle.deactivate',
      published: '2026-11-26T09:59:58.123Z',
      target: [userTarget(i), { id: '0oa1', type: 'AppInstance' }],
    }));
    const response = await app.handle(oktaRequest(events));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ queued: DELIVERY_LIMITS.oktaUsers, ignored: 0 });
    expect(sender.sent).toHaveLength(DELIVERY_LIMITS.oktaUsers);
  });
});

describe('WorkOS: users of a dsync.deleted', () => {
  const deleted = (count: number) => ({
    id: 'event_01',
    event: 'dsync.deleted',
    data: {
      id: 'directory_01',
      users: Array.from({ length: count }, (_, i) => ({ id: `directory_user_${i}`, email: `p${i}@example.com` })),
    },
    created_at: '2026-11-26T09:59:58.000Z',
  });

  it('refuses more users than the limit with 400, queueing nothing', async () => {
    const { app, sender } = testApp();
    const response = await app.handle(workosRequest(deleted(DELIVERY_LIMITS.workosDeletedUsers + 1)));
    expectRefused(response, DELIVERY_LIMITS.workosDeletedUsers, 'data.users');
    expect(sender.sent).toEqual([]);
  });

  it('queues a dsync.deleted at the limit in full', async () => {
    const { app, sender } = testApp();
    const response = await app.handle(workosRequest(deleted(DELIVERY_LIMITS.workosDeletedUsers)));
    expect(response.statusCode).toBe(202);
    expect(sender.sent).toHaveLength(DELIVERY_LIMITS.workosDeletedUsers);
  });
});

describe('BambooHR: entries of a legacy field-based delivery', () => {
  it('refuses more entries than the limit with 400 before reading any, queueing nothing', async () => {
    const { app, sender } = testApp();
    // Entries that would each be acknowledged (unknown action): the count alone refuses them.
    const employees = Array.from({ length: DELIVERY_LIMITS.bamboohrEmployees + 1 }, (_, i) => ({ id: i, action: 'x' }));
    const response = await app.handle(bambooRequest({ employees }));
    expectRefused(response, DELIVERY_LIMITS.bamboohrEmployees, 'employees');
    expect(sender.sent).toEqual([]);
  });

  it('queues a delivery at the limit in full', async () => {
    const { app, sender } = testApp();
    const employees = Array.from({ length: DELIVERY_LIMITS.bamboohrEmployees }, (_, i) => ({
      id: i,
      action: 'Deleted',
      fields: { workEmail: `b${i}@example.com` },
    }));
    const response = await app.handle(bambooRequest({ employees }));
    expect(response.statusCode).toBe(202);
    expect(sender.sent).toHaveLength(DELIVERY_LIMITS.bamboohrEmployees);
  });
});

describe('every webhook route: commands per delivery', () => {
  it('refuses an adapter that maps one delivery to more commands than the backstop, sending nothing', async () => {
    const commands = Array.from({ length: DELIVERY_LIMITS.commands + 1 }, (_, i) =>
      buildCommand({
        id: `hr:msg_${i}`,
        source: 'hr',
        sourceEventType: 'users.left',
        occurredAt: '2026-11-26T09:59:58.000Z',
        receivedAt: '2026-11-26T10:00:00.000Z',
        action: 'delete',
        email: `p${i}@example.com`,
      }),
    );
    const adapter: SourceAdapter = {
      source: 'hr',
      verify: () => ({}),
      normalize: () => ({ commands, ignored: [] }),
    };
    const sender = recordingSender();
    const route = webhookRoute(
      adapter,
      {
        secrets: { isConfigured: () => true, get: async () => ({ current: 'unused' }) },
        sender,
        logger: capturingLogger(),
        metrics: createMemoryMetrics(),
        now: () => NOW_MS,
      },
      { path: '/webhooks/hr', successStatus: 202 },
    );
    const request: HttpRequest = ingestRequest({
      path: '/webhooks/hr',
      headers: { 'content-type': 'application/json' },
      body: {},
    });
    const response = await route.handler(request, { params: {} } as never);
    expectRefused(response, DELIVERY_LIMITS.commands, '(body)');
    expect(sender.sent).toEqual([]);
  });
});
