import { describe, expect, it } from 'vitest';
import {
  OKTA_DEACTIVATE_LOG_EVENT,
  OKTA_DEACTIVATE_LOG_EVENT_EXPECTED,
  OKTA_ENVELOPE_SESSION_START,
  OKTA_ENVELOPE_SESSION_START_EXPECTED,
} from '../../fixtures/okta';
import { fixtureCases, VENDOR_SAMPLES } from '../../helpers/vendor-fixtures';
import {
  bodyOf,
  ingestRequest,
  oktaEnvelope,
  oktaRequest,
  oktaUserEvent,
  TEST_SECRETS,
  testApp,
} from '../../helpers/webhooks';

const OKTA = '/webhooks/okta';

const sessionStartEnvelopes = fixtureCases(
  { value: OKTA_ENVELOPE_SESSION_START as object, expected: OKTA_ENVELOPE_SESSION_START_EXPECTED },
  { sample: VENDOR_SAMPLES.oktaEnvelopeSessionStart, expected: OKTA_ENVELOPE_SESSION_START_EXPECTED },
);
const deactivateLogEvents = fixtureCases(
  { value: OKTA_DEACTIVATE_LOG_EVENT as object, expected: OKTA_DEACTIVATE_LOG_EVENT_EXPECTED },
  {
    sample: VENDOR_SAMPLES.oktaDeactivateLogEvent,
    expected: {
      id: 'okta:ab62c0bc-2837-11eb-9823-9fb8f750c5a9',
      sourceEventType: 'user.lifecycle.deactivate',
      occurredAt: '2020-11-16T18:15:12.862Z',
      action: 'delete',
      email: 'john.doe@example.com',
      sourceUserId: '00u3m90rxKjGQ0G6L1d6',
    },
  },
);

describe('Okta verification GET', () => {
  it('echoes the challenge when the shared secret is presented', async () => {
    const { app } = testApp();
    const response = await app.handle(
      ingestRequest({
        method: 'GET',
        path: OKTA,
        headers: {
          authorization: TEST_SECRETS.okta,
          'x-okta-verification-challenge': 'Me_rShK8JHsTnbyYrWXCEoMGbM_zsZ6k0hLPZ_Pg',
        },
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(bodyOf(response)).toEqual({ verification: 'Me_rShK8JHsTnbyYrWXCEoMGbM_zsZ6k0hLPZ_Pg' });
  });

  it('answers the challenge whatever the case of the method', async () => {
    const { app } = testApp();
    const response = await app.handle(
      ingestRequest({
        method: 'get',
        path: OKTA,
        headers: { authorization: TEST_SECRETS.okta, 'x-okta-verification-challenge': 'lower' },
      }),
    );
    expect(bodyOf(response)).toEqual({ verification: 'lower' });
  });

  it('refuses the challenge without the secret (Okta sends it on the GET too)', async () => {
    const { app } = testApp();
    const response = await app.handle(
      ingestRequest({ method: 'GET', path: OKTA, headers: { 'x-okta-verification-challenge': 'abc' } }),
    );
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).not.toContain('abc');
  });

  it('answers 400 to a verified GET without a challenge', async () => {
    const { app } = testApp();
    const response = await app.handle(
      ingestRequest({ method: 'GET', path: OKTA, headers: { authorization: TEST_SECRETS.okta } }),
    );
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors).toEqual([{ path: 'headers.x-okta-verification-challenge', message: 'required' }]);
  });
});

describe('Okta event delivery', () => {
  for (const envelope of sessionStartEnvelopes) {
    it.skipIf(!envelope.present)(
      `acknowledges a whole envelope whose one event is user.session.start without queueing (${envelope.from})`,
      async () => {
        const { app, sender, metrics } = testApp();
        const response = await app.handle(oktaRequest(envelope.load()));
        expect(response.statusCode).toBe(200);
        expect(bodyOf(response)).toMatchObject({
          queued: envelope.expected.queued,
          ignored: envelope.expected.ignored,
        });
        expect(sender.sent).toEqual([]);
        expect(
          metrics.total('EventsIgnored', {
            source: 'okta',
            eventType: envelope.expected.eventType,
            reason: 'unknown-event-type',
          }),
        ).toBe(1);
      },
    );
  }

  for (const logEvent of deactivateLogEvents) {
    it.skipIf(!logEvent.present)(
      `maps a user.lifecycle.deactivate LogEvent to a delete of its User target (${logEvent.from})`,
      async () => {
        const { app, sender } = testApp();
        const response = await app.handle(oktaRequest([logEvent.load()]));
        expect(response.statusCode).toBe(200);
        expect(sender.sent).toEqual([
          { v: 1, source: 'okta', receivedAt: '2026-11-26T10:00:00.000Z', ...logEvent.expected },
        ]);
      },
    );
  }

  it('splits a batch into one command per event, with the default mapping', async () => {
    const { app, sender, metrics } = testApp();
    const types = [
      'user.lifecycle.create',
      'user.lifecycle.activate',
      'user.lifecycle.reactivate',
      'user.lifecycle.deactivate',
      'user.lifecycle.delete.initiated',
      'user.account.update_profile',
      'user.lifecycle.suspend',
      'application.user_membership.add',
      'group.user_membership.remove',
    ];
    const events = types.map((eventType, i) =>
      oktaUserEvent({ eventType, email: `User${i}@Example.com`, name: ` Person ${i} ` }),
    );
    const response = await app.handle(oktaRequest(events));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ queued: 6, ignored: 3 });
    expect(sender.sent.map((c) => [c.sourceEventType, c.action, c.email])).toEqual([
      ['user.lifecycle.create', 'create', 'user0@example.com'],
      ['user.lifecycle.activate', 'create', 'user1@example.com'],
      ['user.lifecycle.reactivate', 'create', 'user2@example.com'],
      ['user.lifecycle.deactivate', 'delete', 'user3@example.com'],
      ['user.lifecycle.delete.initiated', 'delete', 'user4@example.com'],
      ['user.account.update_profile', 'update', 'user5@example.com'],
    ]);
    const create = sender.sent[0]!;
    expect(create).toMatchObject({ name: 'Person 0', role: 'MEMBER', inviteMode: 'EMAIL_LINK' });
    expect(sender.sent[5]).toMatchObject({ action: 'update', name: 'Person 5' });
    expect(sender.sent[5]?.role).toBeUndefined();
    expect(sender.sent[3]?.name).toBeUndefined();
    expect(bodyOf(response).ignoredEvents).toEqual([
      { eventType: 'user.lifecycle.suspend', reason: 'suspend-ignored-by-config' },
      { eventType: 'application.user_membership.add', reason: 'membership-events-off' },
      // Group memberships are recorded for the role policy when they do not provision; this one names no group.
      { eventType: 'group.user_membership.remove', reason: 'no-group-target' },
    ]);
    expect(metrics.total('CommandsQueued', { source: 'okta', action: 'create' })).toBe(3);
    expect(metrics.total('IngestRequests', { source: 'okta', outcome: 'accepted' })).toBe(1);
  });

  it('deletes on suspend when OKTA_SUSPEND_ACTION=delete', async () => {
    const { app, sender } = testApp({
      config: { okta: { authHeader: 'authorization', suspendAction: 'delete', membershipEvents: 'off' } },
    });
    await app.handle(oktaRequest([oktaUserEvent({ eventType: 'user.lifecycle.suspend' })]));
    expect(sender.sent.map((c) => c.action)).toEqual(['delete']);
    // …and the way back is a join (it cancels the delete while a grace period holds it).
    await app.handle(oktaRequest([oktaUserEvent({ eventType: 'user.lifecycle.unsuspend' })]));
    expect(sender.sent.map((c) => c.action)).toEqual(['delete', 'create']);
  });

  it('ignores unsuspend as it ignores suspend by default', async () => {
    const { app, sender } = testApp();
    const response = await app.handle(oktaRequest([oktaUserEvent({ eventType: 'user.lifecycle.unsuspend' })]));
    expect(bodyOf(response).ignoredEvents).toEqual([
      { eventType: 'user.lifecycle.unsuspend', reason: 'suspend-ignored-by-config' },
    ]);
    expect(sender.sent).toEqual([]);
  });

  it('records group memberships for the role policy when they do not provision (issue #18): a membership command per group', async () => {
    const { app, sender } = testApp();
    const response = await app.handle(
      oktaRequest([
        oktaUserEvent({
          eventType: 'group.user_membership.add',
          email: 'Ada@Example.com',
          extraTargets: [{ id: '00gADMINS', type: 'UserGroup', alternateId: 'unknown', displayName: 'Arize Admins' }],
        }),
        oktaUserEvent({
          eventType: 'group.user_membership.remove',
          email: 'bo@example.com',
          extraTargets: [
            { id: '00gA', type: 'UserGroup', alternateId: 'unknown', displayName: 'A' },
            { id: '00gB', type: 'UserGroup', alternateId: 'unknown', displayName: 'B' },
          ],
        }),
      ]),
    );
    expect(response.statusCode).toBe(200);
    expect(sender.sent.map((c) => [c.action, c.email, c.membership])).toEqual([
      ['membership', 'ada@example.com', { op: 'add', group: 'Arize Admins', groupId: '00gADMINS' }],
      ['membership', 'bo@example.com', { op: 'remove', group: 'A', groupId: '00gA' }],
      ['membership', 'bo@example.com', { op: 'remove', group: 'B', groupId: '00gB' }],
    ]);
    expect(new Set(sender.sent.map((c) => c.id)).size).toBe(3);
  });

  it('maps app and group membership when enabled, filtered by the configured ids', async () => {
    const { app, sender } = testApp({
      config: {
        okta: { authHeader: 'authorization', suspendAction: 'ignore', membershipEvents: 'both', groupIds: ['00gPROV'] },
      },
    });
    const response = await app.handle(
      oktaRequest([
        oktaUserEvent({ eventType: 'application.user_membership.add', email: 'a@example.com' }),
        oktaUserEvent({ eventType: 'application.user_membership.remove', email: 'b@example.com' }),
        oktaUserEvent({
          eventType: 'group.user_membership.add',
          email: 'c@example.com',
          extraTargets: [{ id: '00gPROV', type: 'UserGroup', alternateId: 'unknown', displayName: 'Provisioned' }],
        }),
        oktaUserEvent({
          eventType: 'group.user_membership.add',
          email: 'd@example.com',
          extraTargets: [{ id: '00gOTHER', type: 'UserGroup', alternateId: 'unknown', displayName: 'Other' }],
        }),
      ]),
    );
    expect(sender.sent.map((c) => [c.action, c.email])).toEqual([
      ['create', 'a@example.com'],
      ['delete', 'b@example.com'],
      ['create', 'c@example.com'],
    ]);
    expect(bodyOf(response).ignoredEvents).toEqual([
      { eventType: 'group.user_membership.add', reason: 'group-not-provisioned' },
    ]);
    // The group that provisions is named on the create, for the role policy (issue #18); the app membership names none.
    expect(sender.sent[2]?.facts).toEqual({ groups: ['Provisioned', '00gPROV'] });
    expect(sender.sent[0]?.facts).toBeUndefined();
  });

  it('never crashes on preview samples (actor null, target null, mixed-case outcome)', async () => {
    const { app, sender } = testApp();
    const preview = {
      ...oktaUserEvent({ eventType: 'user.lifecycle.create' }),
      actor: null,
      target: null,
      outcome: { result: 'Success' },
    };
    const response = await app.handle(oktaRequest([preview]));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).ignoredEvents).toEqual([{ eventType: 'user.lifecycle.create', reason: 'no-user-target' }]);
    expect(sender.sent).toEqual([]);
  });

  it('queues only SUCCESS (any case) or absent outcomes', async () => {
    const { app, sender, metrics } = testApp();
    await app.handle(
      oktaRequest([
        oktaUserEvent({ eventType: 'user.lifecycle.create', email: 'ok@example.com', outcome: 'success' }),
        oktaUserEvent({ eventType: 'user.lifecycle.create', email: 'none@example.com', outcome: null }),
        oktaUserEvent({ eventType: 'user.lifecycle.create', email: 'failed@example.com', outcome: 'FAILURE' }),
      ]),
    );
    expect(sender.sent.map((c) => c.email)).toEqual(['ok@example.com', 'none@example.com']);
    expect(metrics.total('EventsIgnored', { reason: 'outcome-not-success' })).toBe(1);
  });

  it('makes one command per person when an event names several users', async () => {
    const { app, sender } = testApp();
    const event = oktaUserEvent({
      eventType: 'user.lifecycle.deactivate',
      uuid: 'f1d0b993-cc19-11ed-a688-db22c99ef6c4',
      userId: '00uA',
      email: 'a@example.com',
      extraTargets: [{ id: '00uB', type: 'User', alternateId: 'b@example.com', displayName: 'B' }],
    });
    await app.handle(oktaRequest([event]));
    expect(sender.sent.map((c) => c.id)).toEqual([
      'okta:f1d0b993-cc19-11ed-a688-db22c99ef6c4:00uA',
      'okta:f1d0b993-cc19-11ed-a688-db22c99ef6c4:00uB',
    ]);
  });

  it('rejects a wrong or missing secret with 401 and queues nothing', async () => {
    const { app, sender } = testApp();
    const events = [oktaUserEvent({ eventType: 'user.lifecycle.create' })];
    expect((await app.handle(oktaRequest(events, { secret: 'Basic wrong' }))).statusCode).toBe(401);
    const missing = oktaRequest(events);
    const { authorization: _, ...rest } = missing.headers;
    expect((await app.handle({ ...missing, headers: rest })).statusCode).toBe(401);
    expect(sender.sent).toEqual([]);
  });

  it('reads the secret from the configured header and accepts the previous value during rotation', async () => {
    const { app, sender } = testApp({
      config: {
        okta: { authHeader: 'x-okta-secret', suspendAction: 'ignore', membershipEvents: 'off' },
        secrets: { okta: { kind: 'value', value: JSON.stringify({ current: 'new-secret', previous: 'old-secret' }) } },
      },
    });
    const events = [oktaUserEvent({ eventType: 'user.lifecycle.create' })];
    expect((await app.handle(oktaRequest(events, { header: 'x-okta-secret', secret: 'old-secret' }))).statusCode).toBe(
      200,
    );
    expect((await app.handle(oktaRequest(events, { header: 'x-okta-secret', secret: 'new-secret' }))).statusCode).toBe(
      200,
    );
    expect((await app.handle(oktaRequest(events, { header: 'authorization', secret: 'new-secret' }))).statusCode).toBe(
      401,
    );
    expect(sender.sent).toHaveLength(2);
  });

  it('answers 400 naming the field when a login is not an email, and queues nothing of the batch', async () => {
    const { app, sender } = testApp();
    const response = await app.handle(
      oktaRequest([
        oktaUserEvent({ eventType: 'user.lifecycle.create', email: 'fine@example.com' }),
        oktaUserEvent({ eventType: 'user.lifecycle.create', email: 'jdoe' }),
      ]),
    );
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors).toEqual([
      { path: 'data.events[1].target[0].alternateId', message: 'must be an email address' },
    ]);
    expect(sender.sent).toEqual([]);
  });

  it('answers 400 for a body that is not an event hook, or a LogEvent without uuid or a readable time', async () => {
    const { app } = testApp();
    const notEnvelope = await app.handle(oktaRequest({ events: [] }));
    expect(notEnvelope.statusCode).toBe(400);
    expect(bodyOf(notEnvelope).errors).toEqual([{ path: 'data', message: expect.any(String) }]);

    const { uuid: _, ...noUuid } = oktaUserEvent({ eventType: 'user.lifecycle.create' });
    const missing = await app.handle(oktaRequest([noUuid]));
    expect(bodyOf(missing).errors).toEqual([{ path: 'data.events[0].uuid', message: expect.any(String) }]);

    const badTime = await app.handle(
      oktaRequest([oktaUserEvent({ eventType: 'user.lifecycle.create', published: 'yesterday' })]),
    );
    expect(bodyOf(badTime).errors).toEqual([
      { path: 'data.events[0].published', message: 'must be an RFC 3339 timestamp' },
    ]);
  });

  it('accepts an empty batch', async () => {
    const { app } = testApp();
    const response = await app.handle(oktaRequest(oktaEnvelope([])));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ queued: 0, ignored: 0 });
  });
});
