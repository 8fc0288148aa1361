import { type HttpRoute, jsonResponse, type SecretProvider, SecretUnavailableError } from '@idp-sync/http';
import { createIngestApp } from '@idp-sync/webhooks';
import { describe, expect, it } from 'vitest';
import {
  bodyOf,
  hrRequest,
  ingestRequest,
  NOW_MS,
  oktaRequest,
  oktaUserEvent,
  recordingSender,
  TEST_SECRETS,
  testApp,
  testConfig,
  workosRequest,
  workosUserEvent,
} from '../../helpers/webhooks';

const leave = { type: 'user.left', timestamp: '2026-11-26T09:00:00Z', data: { email: 'Alice.Example@Example.com' } };

describe('routing', () => {
  it('answers 404 problem+json for an unknown path', async () => {
    const { app } = testApp();
    const response = await app.handle(ingestRequest({ method: 'GET', path: '/webhooks/github' }));
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(bodyOf(response)).toMatchObject({ type: 'urn:idp-sync:problem:not-found', title: 'Not Found', status: 404 });
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const { app } = testApp();
    const hr = await app.handle(ingestRequest({ method: 'GET', path: '/webhooks/hr' }));
    expect(hr.statusCode).toBe(405);
    expect(hr.headers.allow).toBe('POST');
    const okta = await app.handle(ingestRequest({ method: 'DELETE', path: '/webhooks/okta' }));
    expect(okta.headers.allow).toBe('GET, POST');
    const health = await app.handle(ingestRequest({ method: 'POST', path: '/health' }));
    expect(health.statusCode).toBe(405);
  });

  it('answers 404 on every method of a source whose secret is not configured', async () => {
    const { app } = testApp({ config: { secrets: { hr: { kind: 'value', value: TEST_SECRETS.hr } } } });
    for (const method of ['GET', 'POST', 'PUT']) {
      expect((await app.handle(ingestRequest({ method, path: '/webhooks/okta' }))).statusCode).toBe(404);
      expect((await app.handle(ingestRequest({ method, path: '/webhooks/workos' }))).statusCode).toBe(404);
      expect((await app.handle(ingestRequest({ method, path: '/webhooks/bamboohr' }))).statusCode).toBe(404);
    }
    expect((await app.handle(hrRequest(leave))).statusCode).toBe(202);
    expect(app.routes.map((r) => r.name)).toEqual(['health', 'hr']);
  });

  it('tolerates a trailing slash and a lower-case method', async () => {
    const { app } = testApp();
    const request = hrRequest(leave);
    expect((await app.handle({ ...request, path: '/webhooks/hr/', method: 'post' })).statusCode).toBe(202);
  });

  it('serves GET /health, extended by the host', async () => {
    const { app } = testApp();
    const response = await app.handle(ingestRequest({ method: 'GET', path: '/health' }));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ status: 'ok' });
    const extended = testApp({ options: { health: async () => ({ queues: { commands: 3 } }) } }).app;
    expect(bodyOf(await extended.handle(ingestRequest({ method: 'GET', path: '/health' })))).toEqual({
      status: 'ok',
      queues: { commands: 3 },
    });
    const failing = testApp({
      options: {
        health: async () => {
          throw new Error('queue unreachable');
        },
      },
    }).app;
    expect((await failing.handle(ingestRequest({ method: 'GET', path: '/health' }))).statusCode).toBe(503);
  });

  it('plugs extra routes in as table entries (the way SCIM does), with params and a wildcard', async () => {
    const seen: unknown[] = [];
    const scim: HttpRoute = {
      name: 'scim',
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      pathPattern: '/scim/v2/*',
      handler: async (request, match) => {
        seen.push([request.method, match.rest]);
        return jsonResponse(200, { ok: true });
      },
    };
    const user: HttpRoute = {
      name: 'user',
      methods: ['PUT'],
      pathPattern: '/scim/v2/Users/:id',
      handler: async (_request, match) => jsonResponse(200, match.params),
    };
    const { app } = testApp({ options: { extraRoutes: [scim, user] } });
    await app.handle(
      ingestRequest({ method: 'GET', path: '/scim/v2/Users', rawQueryString: 'filter=userName%20eq%20%22a%22' }),
    );
    await app.handle(ingestRequest({ method: 'PATCH', path: '/scim/v2/Users/2819c223-7f76-453a-919d-413861904646' }));
    expect(seen).toEqual([
      ['GET', 'Users'],
      ['PATCH', 'Users/2819c223-7f76-453a-919d-413861904646'],
    ]);
    expect(bodyOf(await app.handle(ingestRequest({ method: 'PUT', path: '/scim/v2/Users/a%20b' })))).toEqual({
      id: 'a b',
    });
    const put = await app.handle(ingestRequest({ method: 'PUT', path: '/scim/v2/Groups' }));
    expect(put.statusCode).toBe(405);
  });

  it('answers 500 (not a crash) when a route throws something unexpected', async () => {
    const boom: HttpRoute = {
      name: 'boom',
      methods: ['GET'],
      pathPattern: '/boom',
      handler: async () => {
        throw new TypeError('bug');
      },
    };
    const { app, logger } = testApp({ options: { extraRoutes: [boom] } });
    const response = await app.handle(ingestRequest({ method: 'GET', path: '/boom' }));
    expect(response.statusCode).toBe(500);
    expect(logger.lines.some((l) => l.level === 'error')).toBe(true);
  });
});

describe('queueing failures', () => {
  it('answers 503 with Retry-After when SQS does not accept the commands — never a 2xx', async () => {
    const { app, metrics } = testApp({ fail: true });
    const response = await app.handle(hrRequest(leave));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(metrics.total('IngestRequests', { source: 'hr', outcome: 'queue-failed' })).toBe(1);
    expect(metrics.total('CommandsQueued')).toBe(0);
  });

  it('still answers 2xx when nothing needed queueing', async () => {
    const { app } = testApp({ fail: true });
    const response = await app.handle(oktaRequest([oktaUserEvent({ eventType: 'user.session.start' })]));
    expect(response.statusCode).toBe(200);
  });

  it('answers 503 when the secret cannot be fetched', async () => {
    const secrets: SecretProvider = {
      isConfigured: () => true,
      get: async (name) => {
        throw new SecretUnavailableError(name, 'Secrets Manager did not return it');
      },
    };
    const app = createIngestApp({ config: testConfig(), secrets, sender: recordingSender(), now: () => NOW_MS });
    const response = await app.handle(workosRequest(workosUserEvent({ event: 'dsync.user.created' })));
    expect(response.statusCode).toBe(503);
  });
});

describe('logging', () => {
  it('never logs a secret, a signature or a full email address', async () => {
    const { app, logger } = testApp();
    const hr = hrRequest(leave);
    await app.handle(hr);
    await app.handle(hrRequest({ ...leave, data: { email: 'not an email' } }));
    await app.handle(
      oktaRequest([oktaUserEvent({ eventType: 'user.lifecycle.create', email: 'Bob.Builder@Example.com' })]),
    );
    await app.handle(oktaRequest([oktaUserEvent({ eventType: 'user.lifecycle.create' })], { secret: 'Basic guessed' }));
    const logs = logger.text();
    expect(logs).toContain('webhook accepted');
    for (const secret of [...Object.values(TEST_SECRETS), 'Basic guessed', hr.headers['webhook-signature']!.slice(3)]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs.toLowerCase()).not.toContain('alice.example@example.com');
    expect(logs.toLowerCase()).not.toContain('bob.builder@example.com');
    expect(logs).toContain('a***@example.com');
  });
});
