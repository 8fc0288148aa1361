import { createHash, createHmac } from 'node:crypto';
import type { HttpRequest } from '@idp-sync/http';
import { verifyStandardWebhook } from '@idp-sync/webhooks/sources';
import { beforeAll, describe, expect, it } from 'vitest';
import { STANDARD_WEBHOOKS_TEST_VECTOR, type StandardWebhooksVector } from '../../fixtures/standard-webhooks';
import { fixtureCases, VENDOR_SAMPLES } from '../../helpers/vendor-fixtures';
import { bodyOf, hrHeaders, hrRequest, ingestRequest, NOW_MS, TEST_SECRETS, testApp } from '../../helpers/webhooks';

const vectors = fixtureCases(
  { value: STANDARD_WEBHOOKS_TEST_VECTOR, expected: undefined },
  { sample: VENDOR_SAMPLES.standardWebhooksVector, expected: undefined },
);

/** The vector the current describe block runs on (set by its beforeAll), and its own moment. */
let vector: StandardWebhooksVector;
let VECTOR_NOW: number;

function vectorRequest(headers: Record<string, string> = vector.headers): HttpRequest {
  return ingestRequest({
    path: '/webhooks/hr',
    headers: { 'content-type': 'application/json', ...headers },
    body: vector.rawBody,
  });
}

const at = '2026-11-26T09:59:00Z';

for (const fixture of vectors) {
  describe.skipIf(!fixture.present)(`Standard Webhooks verification (${fixture.from})`, () => {
    beforeAll(() => {
      vector = fixture.load();
      VECTOR_NOW = Number(vector.headers['webhook-timestamp']) * 1000;
    });

    it('is the signature the specification defines: base64 HMAC-SHA256 of id.timestamp.body under the whsec_ key', () => {
      // Computed here with node:crypto alone, so the vector checks the verifier rather than the other way round.
      const key = Buffer.from(vector.secret.replace(/^whsec_/, ''), 'base64');
      const id = vector.headers['webhook-id'];
      const timestamp = vector.headers['webhook-timestamp'];
      const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${vector.rawBody}`).digest('base64');
      expect(vector.headers['webhook-signature']).toBe(`v1,${mac}`);
    });

    it('verifies the published test vector at its own (2021) time', () => {
      expect(verifyStandardWebhook(vectorRequest(), { current: vector.secret }, VECTOR_NOW)).toEqual({
        deliveryId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      });
      // 4m59s later it is still fresh; 5m01s later it is stale.
      expect(() =>
        verifyStandardWebhook(vectorRequest(), { current: vector.secret }, VECTOR_NOW + 299_000),
      ).not.toThrow();
      expect(() => verifyStandardWebhook(vectorRequest(), { current: vector.secret }, VECTOR_NOW + 301_000)).toThrow(
        /too old/,
      );
      expect(() => verifyStandardWebhook(vectorRequest(), { current: vector.secret }, VECTOR_NOW - 301_000)).toThrow(
        /future/,
      );
    });

    it('rejects the vector as stale against a real clock', async () => {
      const { app } = testApp({ config: {} });
      const response = await app.handle(vectorRequest());
      expect(response.statusCode).toBe(401);
      expect(bodyOf(response).detail).toMatch(/too old/);
    });

    it('passes the vector through the app with an injected clock, then rejects its body as not an HR event', async () => {
      const { app, sender } = testApp({ now: () => VECTOR_NOW });
      const response = await app.handle(vectorRequest());
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).errors).toEqual([
        { path: 'type', message: expect.any(String) },
        { path: 'timestamp', message: expect.any(String) },
        { path: 'data', message: expect.any(String) },
      ]);
      expect(sender.sent).toEqual([]);
    });

    it('accepts any one matching v1 signature among several, ignores other versions, rejects a tampered body', () => {
      const good = vector.headers['webhook-signature']!;
      const several = { ...vector.headers, 'webhook-signature': `v1,Zm9vYmFy v2,abc ${good} v1,` };
      expect(() => verifyStandardWebhook(vectorRequest(several), { current: vector.secret }, VECTOR_NOW)).not.toThrow();
      const onlyOthers = { ...vector.headers, 'webhook-signature': `v2,${good.slice(3)} v1a,${good.slice(3)}` };
      expect(() => verifyStandardWebhook(vectorRequest(onlyOthers), { current: vector.secret }, VECTOR_NOW)).toThrow(
        /no v1/,
      );
      const tampered = ingestRequest({ path: '/webhooks/hr', headers: vector.headers, body: '{"test": 2432232315}' });
      expect(() => verifyStandardWebhook(tampered, { current: vector.secret }, VECTOR_NOW)).toThrow(
        /no webhook-signature matches/,
      );
    });

    it('accepts the previous secret during a rotation', () => {
      const other = 'whsec_c2VjcmV0LWFmdGVyLXJvdGF0aW9uLTAxMjM0NTY3';
      expect(() =>
        verifyStandardWebhook(vectorRequest(), { current: other, previous: vector.secret }, VECTOR_NOW),
      ).not.toThrow();
      expect(() => verifyStandardWebhook(vectorRequest(), { current: other }, VECTOR_NOW)).toThrow();
    });

    it('names the missing or malformed header', () => {
      const { 'webhook-id': _, ...noId } = vector.headers;
      expect(() => verifyStandardWebhook(vectorRequest(noId), { current: vector.secret }, VECTOR_NOW)).toThrow(
        /webhook-id/,
      );
      const badTs = { ...vector.headers, 'webhook-timestamp': '1614265330abc' };
      expect(() => verifyStandardWebhook(vectorRequest(badTs), { current: vector.secret }, VECTOR_NOW)).toThrow(
        /unix seconds/,
      );
    });
  });
}

describe('HR events', () => {
  it('maps every event type to its command', async () => {
    const { app, sender } = testApp();
    const cases: [object, string][] = [
      [{ type: 'user.joined', timestamp: at, data: { email: 'Ada@Example.com', name: 'Ada Lovelace' } }, 'create'],
      [{ type: 'user.updated', timestamp: at, data: { email: 'ada@example.com', isDeveloper: true } }, 'update'],
      [{ type: 'user.left', timestamp: at, data: { email: 'ada@example.com' } }, 'delete'],
      [{ type: 'user.invitation.resend', timestamp: at, data: { email: 'ada@example.com' } }, 'resend-invitation'],
      [{ type: 'user.password.reset', timestamp: at, data: { email: 'ada@example.com' } }, 'reset-password'],
    ];
    for (const [payload, action] of cases) {
      const response = await app.handle(hrRequest(payload, { id: `msg_${action}` }));
      expect(response.statusCode).toBe(202);
      expect(bodyOf(response)).toEqual({ queued: 1, ignored: 0 });
      expect(sender.sent.at(-1)).toMatchObject({ id: `hr:msg_${action}`, action, email: 'ada@example.com' });
    }
    expect(sender.sent[0]).toEqual({
      v: 1,
      id: 'hr:msg_create',
      source: 'hr',
      sourceEventType: 'user.joined',
      occurredAt: '2026-11-26T09:59:00.000Z',
      receivedAt: '2026-11-26T10:00:00.000Z',
      action: 'create',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      role: 'MEMBER',
      inviteMode: 'EMAIL_LINK',
    });
    expect(sender.sent[1]).toMatchObject({ isDeveloper: true });
    expect(sender.sent[1]?.name).toBeUndefined();
  });

  it('lets user.joined choose role, invite mode and developer flag', async () => {
    const { app, sender } = testApp({ config: { defaultRole: 'ANNOTATOR', defaultInviteMode: 'NONE' } });
    await app.handle(
      hrRequest({
        type: 'user.joined',
        timestamp: at,
        data: {
          email: 'a@example.com',
          name: 'A',
          role: 'ADMIN',
          inviteMode: 'TEMPORARY_PASSWORD',
          isDeveloper: false,
        },
      }),
    );
    await app.handle(hrRequest({ type: 'user.joined', timestamp: at, data: { email: 'b@example.com', name: 'B' } }));
    expect(sender.sent.map((c) => [c.role, c.inviteMode, c.isDeveloper])).toEqual([
      ['ADMIN', 'TEMPORARY_PASSWORD', false],
      ['ANNOTATOR', 'NONE', undefined],
    ]);
  });

  it('user.joined may name a custom RBAC role instead of a predefined one, never both (issue #18)', async () => {
    const { app, sender } = testApp();
    const ok = await app.handle(
      hrRequest({
        type: 'user.joined',
        timestamp: at,
        data: { email: 'c@example.com', name: 'C', customRoleId: 'Um9sZToz' },
      }),
    );
    expect(ok.statusCode).toBe(202);
    expect(sender.sent[0]).toMatchObject({ action: 'create', customRoleId: 'Um9sZToz' });
    expect(sender.sent[0]?.role).toBeUndefined();
    const both = await app.handle(
      hrRequest({
        type: 'user.joined',
        timestamp: at,
        data: { email: 'd@example.com', name: 'D', role: 'ADMIN', customRoleId: 'Um9sZToz' },
      }),
    );
    expect(both.statusCode).toBe(400);
    expect(JSON.stringify(bodyOf(both))).toMatch(/give role \(a predefined role\) or customRoleId/);
    const spaced = await app.handle(
      hrRequest({
        type: 'user.joined',
        timestamp: at,
        data: { email: 'e@example.com', name: 'E', customRoleId: 'has space' },
      }),
    );
    expect(spaced.statusCode).toBe(400);
    expect(sender.sent).toHaveLength(1);
  });

  it('user.joined carries its role and attributes as facts for the role policy; prototype-named attributes are refused', async () => {
    const { app, sender } = testApp();
    await app.handle(
      hrRequest({
        type: 'user.joined',
        timestamp: at,
        data: {
          email: 'f@example.com',
          name: 'F',
          role: 'ANNOTATOR',
          attributes: { department: 'Data Science', level: 'L5' },
        },
      }),
    );
    expect(sender.sent[0]?.facts).toEqual({
      roles: ['ANNOTATOR'],
      fields: [
        { name: 'department', value: 'Data Science' },
        { name: 'level', value: 'L5' },
      ],
    });
    const hostile = await app.handle(
      hrRequest(
        {
          type: 'user.joined',
          timestamp: at,
          data: { email: 'g@example.com', name: 'G', attributes: JSON.parse('{"__proto__":"ADMIN","a":"b"}') },
        },
        { id: 'msg_hostile_attributes' },
      ),
    );
    expect(hostile.statusCode).toBe(400);
    expect(JSON.stringify(bodyOf(hostile))).toMatch(/__proto__, constructor and prototype are not allowed/);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, 'x']));
    const tooMany = await app.handle(
      hrRequest(
        { type: 'user.joined', timestamp: at, data: { email: 'h@example.com', name: 'H', attributes: many } },
        { id: 'msg_many' },
      ),
    );
    expect(tooMany.statusCode).toBe(400);
    expect(sender.sent).toHaveLength(1);
  });

  it('fans a bulk leave out into one delete per person (deduplicated), ids hr:<webhook-id>:<sha256 of the email>', async () => {
    const { app, sender } = testApp();
    const emails = Array.from({ length: 1000 }, (_, i) => `person${i}@example.com`);
    const response = await app.handle(
      hrRequest(
        { type: 'users.left', timestamp: at, data: { emails: [...emails.slice(0, 999), 'PERSON0@example.com'] } },
        { id: 'msg_bulk' },
      ),
    );
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ queued: 999, ignored: 0 });
    expect(sender.sent[0]).toMatchObject({
      id: `hr:msg_bulk:${createHash('sha256').update('person0@example.com').digest('hex')}`,
      email: 'person0@example.com',
      action: 'delete',
      sourceEventType: 'users.left',
    });
    expect(new Set(sender.sent.map((c) => c.id)).size).toBe(999);
    // The id is the logs' correlation id: no address in it.
    expect(sender.sent.some((c) => c.id.includes('@'))).toBe(false);
  });

  it('rejects a bulk leave of more than 1,000 people or of none', async () => {
    const { app, sender } = testApp();
    const emails = Array.from({ length: 1001 }, (_, i) => `p${i}@example.com`);
    const tooMany = await app.handle(hrRequest({ type: 'users.left', timestamp: at, data: { emails } }));
    expect(tooMany.statusCode).toBe(400);
    expect(bodyOf(tooMany).errors).toEqual([{ path: 'data.emails', message: expect.stringMatching(/1000/) }]);
    const none = await app.handle(hrRequest({ type: 'users.left', timestamp: at, data: { emails: [] } }));
    expect(none.statusCode).toBe(400);
    expect(sender.sent).toEqual([]);
  });

  it('answers 400 naming each offending field, and queues nothing', async () => {
    const { app, sender } = testApp();
    const response = await app.handle(
      hrRequest({ type: 'users.left', timestamp: at, data: { emails: ['ok@example.com', 'not-an-email', 42] } }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(bodyOf(response)).toMatchObject({
      type: 'urn:idp-sync:problem:invalid-payload',
      title: 'Bad Request',
      status: 400,
      errors: [
        { path: 'data.emails[1]', message: 'must be an email address' },
        { path: 'data.emails[2]', message: expect.any(String) },
      ],
    });
    const extra = await app.handle(
      hrRequest({ type: 'user.left', timestamp: at, data: { email: 'a@example.com', team: 'x' } }),
    );
    expect(bodyOf(extra).errors).toEqual([{ path: 'data', message: expect.stringContaining('team') }]);
    const noChange = await app.handle(
      hrRequest({ type: 'user.updated', timestamp: at, data: { email: 'a@example.com' } }),
    );
    expect(bodyOf(noChange).errors).toEqual([{ path: 'data', message: 'name, isDeveloper or employeeId is required' }]);
    const badRole = await app.handle(
      hrRequest({ type: 'user.joined', timestamp: at, data: { email: 'a@example.com', name: 'A', role: 'CUSTOM' } }),
    );
    expect(bodyOf(badRole).errors).toEqual([{ path: 'data.role', message: expect.any(String) }]);
    const badTime = await app.handle(
      hrRequest({ type: 'user.left', timestamp: 'now', data: { email: 'a@example.com' } }),
    );
    expect(bodyOf(badTime).errors).toEqual([{ path: 'timestamp', message: 'must be an RFC 3339 timestamp' }]);
    expect(sender.sent).toEqual([]);
  });

  it('acknowledges and counts an unknown event type', async () => {
    const { app, sender, metrics } = testApp();
    const response = await app.handle(
      hrRequest({ type: 'user.promoted', timestamp: at, data: { email: 'a@example.com' } }),
    );
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({
      queued: 0,
      ignored: 1,
      ignoredEvents: [{ eventType: 'user.promoted', reason: 'unknown-event-type' }],
    });
    expect(sender.sent).toEqual([]);
    expect(metrics.total('EventsIgnored', { source: 'hr', eventType: 'user.promoted' })).toBe(1);
  });

  it('rejects stale, future and unsigned deliveries with 401', async () => {
    const { app, sender } = testApp();
    const payload = { type: 'user.left', timestamp: at, data: { email: 'a@example.com' } };
    const nowSec = Math.floor(NOW_MS / 1000);
    expect((await app.handle(hrRequest(payload, { timestampSec: nowSec - 301 }))).statusCode).toBe(401);
    expect((await app.handle(hrRequest(payload, { timestampSec: nowSec + 301 }))).statusCode).toBe(401);
    expect((await app.handle(hrRequest(payload, { timestampSec: nowSec - 299 }))).statusCode).toBe(202);
    const wrongSecret = hrRequest(payload, { secret: 'whsec_d3Jvbmctc2VjcmV0LWZvci10ZXN0cy0wMTIzNDU2Nzg5' });
    expect((await app.handle(wrongSecret)).statusCode).toBe(401);
    const unsigned = ingestRequest({
      path: '/webhooks/hr',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
    const response = await app.handle(unsigned);
    expect(response.statusCode).toBe(401);
    expect(bodyOf(response).detail).toBe('the webhook-id header is missing');
    expect(sender.sent).toHaveLength(1);
  });

  it('verifies before parsing: an unsigned malformed body is 401, a signed one 400', async () => {
    const { app } = testApp();
    const body = '{"type": "user.left", ';
    const unsigned = ingestRequest({ path: '/webhooks/hr', headers: { 'content-type': 'application/json' }, body });
    expect((await app.handle(unsigned)).statusCode).toBe(401);
    const signed = ingestRequest({ path: '/webhooks/hr', headers: hrHeaders(body), body });
    const response = await app.handle(signed);
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).detail).toBe('the body is not valid JSON');
  });

  it('answers 415 for a signed body that is not JSON, 413 above 1 MiB', async () => {
    const { app } = testApp();
    const body = 'email=a%40example.com';
    const form = ingestRequest({
      path: '/webhooks/hr',
      headers: { ...hrHeaders(body), 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const response = await app.handle(form);
    expect(response.statusCode).toBe(415);
    expect(bodyOf(response).detail).toMatch(/application\/json/);

    const big = JSON.stringify({
      type: 'user.left',
      timestamp: at,
      data: { email: 'a@example.com' },
      pad: 'x'.repeat(1024 * 1024),
    });
    expect(
      (await app.handle(ingestRequest({ path: '/webhooks/hr', headers: hrHeaders(big), body: big }))).statusCode,
    ).toBe(413);
    const charset = ingestRequest({
      path: '/webhooks/hr',
      headers: { ...hrHeaders('{}'), 'content-type': 'application/json; charset=utf-8' },
      body: '{}',
    });
    expect((await app.handle(charset)).statusCode).toBe(400);
  });

  it('uses the test secret from the published vector', () => {
    expect(TEST_SECRETS.hr).toBe(STANDARD_WEBHOOKS_TEST_VECTOR.secret);
  });
});
