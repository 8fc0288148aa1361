import { describe, expect, it } from 'vitest';
import {
  bambooRequest,
  bodyOf,
  hrRequest,
  NOW_MS,
  oktaRequest,
  oktaUserEvent,
  testApp,
  workosRequest,
  workosUserEvent,
} from '../../helpers/webhooks';

/** What each source says a person's event occurred at, set to `at`, for a person with `email`. */
const requests = {
  hr: (at: string, email: string) => hrRequest({ type: 'user.left', timestamp: at, data: { email } }),
  okta: (at: string, email: string) =>
    oktaRequest([oktaUserEvent({ eventType: 'user.lifecycle.deactivate', published: at, email })]),
  workos: (at: string, email: string) =>
    workosRequest({ ...workosUserEvent({ event: 'dsync.user.deleted', email }), created_at: at }),
  bamboohr: (at: string, email: string) =>
    bambooRequest({
      employees: [{ id: '7', action: 'Deleted', timestamp: at, changedFields: [], fields: { workEmail: email } }],
    }),
} as const;

/** The bound chosen for issue #14 (`MAX_OCCURRED_AT_SKEW_MS`): one minute past receipt. */
const MAX_OCCURRED_AT_SKEW_MS = 60_000;
const RECEIVED_AT = new Date(NOW_MS).toISOString();
const CAP = new Date(NOW_MS + MAX_OCCURRED_AT_SKEW_MS).toISOString();

describe('a sender’s event time is a claim: capped at receipt + 1 min (issue #14)', () => {
  it.each(Object.keys(requests) as (keyof typeof requests)[])(
    '%s: an event dated 2099 is queued with occurredAt capped, the claim kept, counted and logged without the email',
    async (source) => {
      const { app, sender, metrics, logger } = testApp();
      const response = await app.handle(requests[source]('2099-01-01T00:00:00Z', 'kate@example.com'));
      expect(response.statusCode).toBeLessThan(300);
      expect(sender.sent).toHaveLength(1);
      expect(sender.sent[0]).toMatchObject({ receivedAt: RECEIVED_AT, occurredAt: CAP, action: 'delete' });
      expect(Date.parse(sender.sent[0]?.claimedOccurredAt ?? '')).toBe(Date.parse('2099-01-01T00:00:00Z'));
      expect(metrics.total('OccurredAtCapped', { source })).toBe(1);
      const warned = logger.lines.filter((line) => line.level === 'warn');
      expect(warned.map((line) => line.message)).toEqual([expect.stringMatching(/capped/)]);
      expect(logger.text()).not.toContain('kate@example.com');
    },
  );

  it.each(Object.keys(requests) as (keyof typeof requests)[])(
    '%s: an event within a minute of receipt, or in the past, is left as the sender said',
    async (source) => {
      const { app, sender, metrics } = testApp();
      const soon = new Date(NOW_MS + MAX_OCCURRED_AT_SKEW_MS - 1000).toISOString();
      await app.handle(requests[source](soon, 'kate@example.com'));
      await app.handle(requests[source]('2026-11-26T09:00:00Z', 'kate@example.com'));
      expect(sender.sent.map((command) => Date.parse(command.occurredAt))).toEqual([
        Date.parse(soon),
        Date.parse('2026-11-26T09:00:00Z'),
      ]);
      expect(sender.sent.every((command) => command.claimedOccurredAt === undefined)).toBe(true);
      expect(metrics.total('OccurredAtCapped')).toBe(0);
    },
  );
});

describe('case folding never changes the person (issue #14)', () => {
  const KELVIN = '\u212Aate@example.com'; // U+212A KELVIN SIGN; toLowerCase() makes it "kate@example.com"

  it.each(Object.keys(requests) as (keyof typeof requests)[])(
    '%s: a leave for the Kelvin-sign address is a 400 that says why, and queues nothing (not a delete of kate)',
    async (source) => {
      const { app, sender } = testApp();
      const response = await app.handle(requests[source]('2026-11-26T09:59:00Z', KELVIN));
      expect(response.statusCode).toBe(400);
      const problem = bodyOf<{ errors: { path: string; message: string }[] }>(response);
      expect(problem.errors[0]?.message).toMatch(/ASCII/);
      expect(sender.sent).toEqual([]);
    },
  );

  it('HR bulk leave: a Kelvin-sign address in the list is a 400 naming its index', async () => {
    const { app, sender } = testApp();
    const response = await app.handle(
      hrRequest({
        type: 'users.left',
        timestamp: '2026-11-26T09:59:00Z',
        data: { emails: ['ann@example.com', KELVIN] },
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(bodyOf(response))).toContain('data.emails[1]');
    expect(sender.sent).toEqual([]);
  });

  it('ASCII letters are still folded: KATE@Example.COM is kate@example.com', async () => {
    const { app, sender } = testApp();
    await app.handle(requests.hr('2026-11-26T09:59:00Z', ' KATE@Example.COM '));
    expect(sender.sent.map((command) => command.email)).toEqual(['kate@example.com']);
  });
});

describe('an event id reused within one delivery is not dropped (issue #14)', () => {
  it('Okta: two events with one uuid naming two people give two commands; an exact repeat gives one', async () => {
    const { app, sender } = testApp();
    const uuid = 'b6d5b7a8-0000-4000-8000-000000000001';
    const ann = oktaUserEvent({ eventType: 'user.lifecycle.create', uuid, email: 'ann@example.com', name: 'Ann' });
    const bob = oktaUserEvent({ eventType: 'user.lifecycle.create', uuid, email: 'bob@example.com', name: 'Bob' });
    await app.handle(oktaRequest([ann, bob, ann]));
    // Both reach the queue (and the worker dead-letters the second as CommandIdReused rather than one being lost).
    expect(sender.sent.map((command) => [command.id, command.email])).toEqual([
      [`okta:${uuid}`, 'ann@example.com'],
      [`okta:${uuid}`, 'bob@example.com'],
    ]);
  });

  it('WorkOS: dsync.deleted naming one user id twice with two emails keeps both; the same entry twice is one', async () => {
    const { app, sender } = testApp();
    const user = (email: string) => ({ id: 'directory_user_1', email, state: 'inactive' });
    await app.handle(
      workosRequest({
        id: 'event_dir_deleted',
        event: 'dsync.deleted',
        data: { users: [user('ann@example.com'), user('bob@example.com'), user('ann@example.com')] },
        created_at: '2026-11-26T09:59:00Z',
      }),
    );
    expect(sender.sent.map((command) => command.email)).toEqual(['ann@example.com', 'bob@example.com']);
  });
});
