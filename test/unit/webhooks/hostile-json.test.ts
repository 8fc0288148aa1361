import { afterEach, describe, expect, it } from 'vitest';
import { guardPrototypes } from '../../helpers/prototype-guard';
import {
  bambooRequest,
  hrRequest,
  ingestRequest,
  oktaRequest,
  oktaUserEvent,
  testApp,
  workosRequest,
  workosUserEvent,
} from '../../helpers/webhooks';

/**
 * Hostile JSON on the webhook routes (issue #14): a body nested deeper than 64 levels is a 400 problem+json that
 * names the limit (BambooHR nested 100,000 deep answered 500, and BambooHR retries 5xx), checked after the sender and
 * before anything walks the body; prototype keys in a signed body reach nothing.
 */

const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

const guard = guardPrototypes();
afterEach(() => guard.restore());

describe('webhook bodies nested too deep', () => {
  const deepBodies: [string, (body: string) => ReturnType<typeof hrRequest>, string][] = [
    [
      'bamboohr',
      bambooRequest,
      `{"employees":[{"id":"1","action":"Updated","fields":{"Work Email":"a@example.com","First Name":"Bea","x":${nested(100_000)}}}]}`,
    ],
    ['hr', hrRequest, `{"type":"user.joined","timestamp":"2026-11-26T09:59:00Z","data":{"x":${nested(5000)}}}`],
    ['workos', workosRequest, `{"id":"e","event":"dsync.user.created","created_at":"x","data":${nested(5000)}}`],
    [
      'okta',
      (body) =>
        ingestRequest({
          path: '/webhooks/okta',
          headers: { 'content-type': 'application/json', authorization: oktaRequest([]).headers.authorization ?? '' },
          body,
        }),
      `{"data":{"events":${nested(100_000)}}}`,
    ],
  ];

  it.each(deepBodies)(
    '%s: a signed body nested deeper than 64 levels is a 400 that names the limit',
    async (_source, request, body) => {
      const { app, sender } = testApp();
      const response = await app.handle(request(body));
      expect(response.statusCode, response.body).toBe(400);
      expect(response.headers['content-type']).toBe('application/problem+json');
      const problem = JSON.parse(response.body);
      expect(problem.detail).toContain('JSON nested deeper than 64 levels');
      expect(problem.errors).toEqual([{ path: '(body)', message: 'must be nested at most 64 levels deep' }]);
      expect(sender.sent).toEqual([]);
    },
  );

  it('an unsigned deep body is still a 401: the depth is checked after the sender', async () => {
    const { app } = testApp();
    const response = await app.handle(bambooRequest(`{"x":${nested(100_000)}}`, { key: 'not-the-key' }));
    expect(response.statusCode).toBe(401);
  });

  it('64 levels are accepted (the deepest real sample is 9)', async () => {
    const { app, sender } = testApp();
    // body 1, data 2, fields 3, "x" 4 → 60 more arrays make 64.
    const fields = `{"workEmail":"deep@example.com","firstName":"Dee","x":${nested(61)}}`;
    const body = `{"type":"employee.updated","timestamp":"2026-11-26T09:59:00Z","data":{"employeeId":"7","fields":${fields}}}`;
    const response = await app.handle(bambooRequest(body));
    expect(response.statusCode, response.body).toBe(202);
    expect(sender.sent).toHaveLength(1);
    const tooDeep = body.replace(nested(61), nested(62));
    expect((await app.handle(bambooRequest(tooDeep))).statusCode).toBe(400);
  });
});

describe('webhook bodies with prototype keys', () => {
  it('are read as inert data: commands come out as usual and no prototype changes', async () => {
    const { app, sender } = testApp();
    const hostile =
      '{"__proto__":{"previous":"x","role":"ADMIN","email":"evil@example.com"},"constructor":{"prototype":{"polluted":1}}}';
    const withKeys = (json: string) => `${json.slice(0, -1)},"prototype":${hostile},"x":${hostile}}`;
    const okta = JSON.stringify({ data: { events: [oktaUserEvent({ eventType: 'user.lifecycle.create' })] } });
    const workos = JSON.stringify(workosUserEvent({ event: 'dsync.user.updated', previous: {} }));
    const responses = await Promise.all([
      app.handle(
        ingestRequest({
          path: '/webhooks/okta',
          headers: { 'content-type': 'application/json', authorization: oktaRequest([]).headers.authorization ?? '' },
          body: withKeys(okta).replace('"target":[{', `"target":[{"__proto__":{"type":"User"},`),
        }),
      ),
      app.handle(hrRequest(`{"type":"user.left","timestamp":"2026-11-26T09:59:00Z","data":{"email":"a@example.com"}}`)),
      app.handle(
        workosRequest(withKeys(workos).replace('"previous_attributes":{}', `"previous_attributes":${hostile}`)),
      ),
      app.handle(
        bambooRequest(
          `{"type":"employee.updated","timestamp":"2026-11-26T09:59:00Z","data":{"employeeId":"7","fields":{"workEmail":"b@example.com","firstName":"Bea","__proto__":{"status":"Inactive"}}}}`,
        ),
      ),
    ]);
    for (const response of responses) expect(response.statusCode, response.body).toBeLessThan(300);
    expect(guard.changes()).toEqual([]);
    // The inherited-looking fields were not read: the WorkOS update is no email change, the BambooHR one no leave.
    const workosCommand = sender.sent.find((command) => command.source === 'workos');
    expect(workosCommand?.unsupported).toBeUndefined();
    const bambooCommand = sender.sent.find((command) => command.source === 'bamboohr');
    expect(bambooCommand?.action).toBe('update');
  });
});
