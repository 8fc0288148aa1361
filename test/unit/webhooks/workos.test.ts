import { parseWorkosSignatureHeader } from '@idp-sync/webhooks/sources';
import { describe, expect, it } from 'vitest';
import {
  WORKOS_USER_CREATED,
  WORKOS_USER_CREATED_OLDER_SHAPE,
  WORKOS_USER_UPDATED_INACTIVE,
} from '../../fixtures/workos';
import { fixtureCases, VENDOR_SAMPLES } from '../../helpers/vendor-fixtures';
import {
  bodyOf,
  ingestRequest,
  NOW_MS,
  testApp,
  workosRequest,
  workosSignature,
  workosUserEvent,
} from '../../helpers/webhooks';

/** The older event shape (no email anywhere), and what the adapter makes of it once an email is added. */
const olderShapes = fixtureCases(
  {
    value: WORKOS_USER_CREATED_OLDER_SHAPE as { data: Record<string, unknown> },
    expected: {
      id: 'workos:wh_01H2C4E6G8J0L2N4Q6S8U0W2Y4',
      name: 'Ingrid Solberg',
      occurredAt: '2023-05-09T08:12:45.310Z',
    },
  },
  {
    sample: VENDOR_SAMPLES.workosOlderUserCreated,
    expected: { id: 'workos:wh_123', name: 'Blair Lunchford', occurredAt: '2021-06-25T19:07:33.155Z' },
  },
);

describe('WorkOS signature', () => {
  it('parses t and v1, with or without spaces', () => {
    expect(parseWorkosSignatureHeader('t=1626125972272, v1=abcd')).toEqual({
      timestamp: '1626125972272',
      signatures: ['abcd'],
    });
    expect(parseWorkosSignatureHeader('t=1,v1=a,v1=b')).toEqual({ timestamp: '1', signatures: ['a', 'b'] });
    expect(parseWorkosSignatureHeader('garbage')).toEqual({ signatures: [] });
  });

  it('accepts a fresh signature and rejects wrong, stale (over 180 s), future and malformed ones', async () => {
    const { app, sender } = testApp();
    const event = workosUserEvent({ event: 'dsync.user.created' });
    expect((await app.handle(workosRequest(event))).statusCode).toBe(202);
    expect((await app.handle(workosRequest(event, { tMs: NOW_MS - 179_000 }))).statusCode).toBe(202);
    const stale = await app.handle(workosRequest(event, { tMs: NOW_MS - 181_000 }));
    expect(stale.statusCode).toBe(401);
    expect(bodyOf(stale).detail).toBe('the WorkOS-Signature timestamp is too old (over 180 s)');
    const future = await app.handle(workosRequest(event, { tMs: NOW_MS + 181_000 }));
    expect(future.statusCode).toBe(401);
    expect(bodyOf(future).detail).toBe('the WorkOS-Signature timestamp is too far in the future (over 180 s ahead)');
    // A timestamp in seconds (the usual mistake) is named as such, not reported as "too old".
    const seconds = await app.handle(workosRequest(event, { tMs: Math.floor(NOW_MS / 1000) }));
    expect(seconds.statusCode).toBe(401);
    expect(bodyOf(seconds).detail).toBe(
      'the WorkOS-Signature t= looks like unix seconds: it must be unix milliseconds',
    );
    expect((await app.handle(workosRequest(event, { secret: 'another-secret' }))).statusCode).toBe(401);
    const body = JSON.stringify(event);
    for (const header of ['', 'v1=abc', `t=${NOW_MS}`, `t=soon, v1=${'0'.repeat(64)}`]) {
      const request = ingestRequest({
        path: '/webhooks/workos',
        headers: { 'content-type': 'application/json', ...(header ? { 'workos-signature': header } : {}) },
        body,
      });
      expect((await app.handle(request)).statusCode).toBe(401);
    }
    const tampered = ingestRequest({
      path: '/webhooks/workos',
      headers: { 'content-type': 'application/json', 'workos-signature': workosSignature(body) },
      body: body.replace('Lela', 'Lola'),
    });
    expect((await app.handle(tampered)).statusCode).toBe(401);
    expect(sender.sent).toHaveLength(2);
  });
});

describe('WorkOS Directory Sync events', () => {
  it('maps created / updated / updated-to-inactive / deleted', async () => {
    const { app, sender } = testApp();
    for (const [event, state, id] of [
      ['dsync.user.created', 'active', 'event_1'],
      ['dsync.user.updated', 'active', 'event_2'],
      ['dsync.user.updated', 'inactive', 'event_3'],
      ['dsync.user.deleted', 'inactive', 'event_4'],
    ] as const) {
      const response = await app.handle(workosRequest(workosUserEvent({ event, state, id })));
      expect(response.statusCode).toBe(202);
    }
    expect(sender.sent.map((c) => [c.id, c.action, c.email])).toEqual([
      ['workos:event_1', 'create', 'lela.block@example.com'],
      ['workos:event_2', 'update', 'lela.block@example.com'],
      ['workos:event_3', 'delete', 'lela.block@example.com'],
      ['workos:event_4', 'delete', 'lela.block@example.com'],
    ]);
    // An update that says the person is active carries it (a reactivation cancels a delete waiting out a grace period).
    expect(sender.sent.map((c) => c.active)).toEqual([undefined, true, undefined, undefined]);
    expect(sender.sent[0]).toEqual({
      v: 1,
      id: 'workos:event_1',
      source: 'workos',
      sourceEventType: 'dsync.user.created',
      occurredAt: '2026-11-26T09:59:58.000Z',
      receivedAt: '2026-11-26T10:00:00.000Z',
      action: 'create',
      email: 'lela.block@example.com',
      name: 'Lela Block',
      role: 'MEMBER',
      inviteMode: 'EMAIL_LINK',
      sourceUserId: 'directory_user_01E1X1B89NH8Z3SDFJR4H7RGX7',
    });
    expect(sender.sent[2]?.name).toBeUndefined();
  });

  it('a create carries groups (names and ids), the role slug and text custom attributes as facts; hostile keys are left out', async () => {
    const { app, sender } = testApp();
    const event = workosUserEvent({ event: 'dsync.user.created', state: 'active', id: 'event_facts' });
    const data = (event as { data: Record<string, unknown> }).data;
    data.groups = [{ id: 'directory_group_1', name: 'Engineering' }, { name: 42 }];
    data.role = { slug: 'admin' };
    data.custom_attributes = JSON.parse('{"department":"ML","__proto__":"x","cost_center":7,"title":"Lead"}');
    expect((await app.handle(workosRequest(event))).statusCode).toBe(202);
    expect(sender.sent[0]?.facts).toEqual({
      groups: ['Engineering', 'directory_group_1'],
      roles: ['admin'],
      fields: [
        { name: 'department', value: 'ML' },
        { name: 'title', value: 'Lead' },
      ],
    });
  });

  it('maps the documented current shape: created → create, updated to inactive → delete', async () => {
    const { app, sender } = testApp();
    expect((await app.handle(workosRequest(WORKOS_USER_CREATED))).statusCode).toBe(202);
    expect((await app.handle(workosRequest(WORKOS_USER_UPDATED_INACTIVE))).statusCode).toBe(202);
    expect(sender.sent).toEqual([
      {
        v: 1,
        id: 'workos:event_01J4K8Q2ZP7M3V9X5T1R6N0BHW',
        source: 'workos',
        sourceEventType: 'dsync.user.created',
        occurredAt: '2024-07-02T11:20:16.037Z',
        receivedAt: '2026-11-26T10:00:00.000Z',
        action: 'create',
        email: 'kwame.asante@example.com',
        sourceUserId: 'directory_user_01J4K8PZ3C5E7G9J1L3N5Q7S9U',
        name: 'Kwame Asante',
        role: 'MEMBER',
        inviteMode: 'EMAIL_LINK',
        // Its custom attributes, for the role policy (issue #18).
        facts: { fields: [{ name: 'department', value: 'Logistics' }] },
      },
      {
        v: 1,
        id: 'workos:event_01J7T3W5Y7A9C1E3G5J7L9N1Q3',
        source: 'workos',
        sourceEventType: 'dsync.user.updated',
        occurredAt: '2024-09-30T17:45:02.650Z',
        receivedAt: '2026-11-26T10:00:00.000Z',
        action: 'delete',
        email: 'kwame.asante@example.com',
        sourceUserId: 'directory_user_01J4K8PZ3C5E7G9J1L3N5Q7S9U',
      },
    ]);
  });

  for (const older of olderShapes) {
    it.skipIf(!older.present)(
      `acknowledges the older event shape (no email anywhere) as no-email, without crashing (${older.from})`,
      async () => {
        const { app, sender, metrics } = testApp();
        const response = await app.handle(workosRequest(older.load()));
        expect(response.statusCode).toBe(202);
        expect(bodyOf(response)).toEqual({
          queued: 0,
          ignored: 1,
          ignoredEvents: [{ eventType: 'dsync.user.created', reason: 'no-email' }],
        });
        expect(sender.sent).toEqual([]);
        expect(metrics.total('EventsIgnored', { source: 'workos', reason: 'no-email' })).toBe(1);
      },
    );

    it.skipIf(!older.present)(
      `takes the primary of emails[], then raw_attributes, when there is no email field (${older.from})`,
      async () => {
        const { app, sender } = testApp();
        const withEmails = older.load();
        withEmails.data.emails = [
          { type: 'home', value: 'person@home.example', primary: false },
          { type: 'work', value: 'Person@Foo-Corp.com', primary: true },
        ];
        await app.handle(workosRequest(withEmails));
        const withRaw = older.load();
        (withRaw.data.raw_attributes as Record<string, unknown>).emails = [
          { value: 'person.raw@foo-corp.com', primary: true },
        ];
        await app.handle(workosRequest(withRaw));
        const { id, name, occurredAt } = older.expected;
        expect(sender.sent.map((c) => [c.id, c.email, c.name, c.occurredAt])).toEqual([
          [id, 'person@foo-corp.com', name, occurredAt],
          [id, 'person.raw@foo-corp.com', name, occurredAt],
        ]);
      },
    );
  }

  it('answers 400 when the email field holds something that is not an email', async () => {
    const { app, sender } = testApp();
    const response = await app.handle(workosRequest(workosUserEvent({ event: 'dsync.user.created', email: 'lela' })));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors).toEqual([{ path: 'data.email', message: 'must be an email address' }]);
    expect(sender.sent).toEqual([]);
  });

  it('fans dsync.deleted out over the users it names, and acknowledges one that names none', async () => {
    const { app, sender, metrics } = testApp();
    const users = ['a', 'b'].map((x) => ({
      object: 'directory_user',
      id: `directory_user_${x}`,
      email: `${x}@example.com`,
      state: 'active',
    }));
    const named = {
      id: 'event_dir',
      event: 'dsync.deleted',
      data: { object: 'directory', id: 'directory_1', state: 'deleting', users },
      created_at: '2023-04-28 20:05:31.093',
    };
    await app.handle(workosRequest(named));
    expect(sender.sent.map((c) => [c.id, c.action, c.email, c.occurredAt])).toEqual([
      ['workos:event_dir:directory_user_a', 'delete', 'a@example.com', '2023-04-28T20:05:31.093Z'],
      ['workos:event_dir:directory_user_b', 'delete', 'b@example.com', '2023-04-28T20:05:31.093Z'],
    ]);
    const documented = {
      id: 'event_dir2',
      event: 'dsync.deleted',
      data: { object: 'directory', id: 'directory_1' },
      created_at: '2023-04-28T20:05:31Z',
    };
    const response = await app.handle(workosRequest(documented));
    expect(response.statusCode).toBe(202);
    expect(metrics.total('EventsIgnored', { eventType: 'dsync.deleted', reason: 'names-no-users' })).toBe(1);
  });

  it('ignores group and other events, and flags an email change as unsupported', async () => {
    const { app, sender } = testApp();
    const group = {
      id: 'event_g',
      event: 'dsync.group.user_added',
      data: { user: {}, group: {} },
      created_at: '2026-11-26T09:00:00Z',
    };
    expect(bodyOf(await app.handle(workosRequest(group)))).toMatchObject({ queued: 0, ignored: 1 });
    await app.handle(
      workosRequest(
        workosUserEvent({ event: 'dsync.user.updated', previous: { emails: [{ value: 'old@example.com' }] } }),
      ),
    );
    expect(sender.sent).toEqual([expect.objectContaining({ action: 'update', unsupported: ['email'] })]);
  });

  it('answers 400 for an envelope without id, event, data or a readable created_at', async () => {
    const { app } = testApp();
    const response = await app.handle(workosRequest({ event: 'dsync.user.created', data: [] }));
    expect(response.statusCode).toBe(400);
    expect(bodyOf<{ errors: { path: string }[] }>(response).errors.map((e) => e.path)).toEqual([
      'id',
      'data',
      'created_at',
    ]);
    const badTime = await app.handle(
      workosRequest({ ...workosUserEvent({ event: 'dsync.user.created' }), created_at: 'Tuesday' }),
    );
    expect(bodyOf(badTime).errors).toEqual([{ path: 'created_at', message: 'must be an ISO 8601 timestamp' }]);
  });
});
