import { bambooTimestampMs } from '@idp-sync/webhooks/sources';
import { describe, expect, it } from 'vitest';
import { bambooRequest, bambooSignature, bodyOf, ingestRequest, NOW_MS, testApp } from '../../helpers/webhooks';

/** BambooHR's documented field-based (legacy) sample, with the work email posted. */
function fieldBased(overrides: Record<string, unknown> = {}, fields: Record<string, unknown> = {}) {
  return {
    employees: [
      {
        action: 'Updated',
        changedFields: ['First Name'],
        fields: { 'First Name': 'Bryony', 'Last Name': 'Hart', 'Work Email': 'Bryony.Hart@Example.com', ...fields },
        id: '12345',
        timestamp: '2026-01-31T18:42:00+0000',
        ...overrides,
      },
    ],
  };
}

/** BambooHR's documented event-based sample. */
const eventBased = {
  type: 'employee.updated',
  timestamp: '2026-01-31T18:42:00+0000',
  data: { companyId: '12345', employeeId: '67890', changedFields: ['firstName'] },
};

describe('BambooHR signature', () => {
  it('reads unix seconds, milliseconds and ISO timestamps', () => {
    expect(bambooTimestampMs('1769884920')).toBe(1769884920000);
    expect(bambooTimestampMs('1769884920000')).toBe(1769884920000);
    expect(bambooTimestampMs('2026-01-31T18:42:00+0000')).toBe(1769884920000);
    expect(bambooTimestampMs('yesterday')).toBeUndefined();
  });

  it('accepts hex HMAC-SHA256(key, body + timestamp) and rejects wrong, stale or unreadable ones', async () => {
    const { app, sender } = testApp();
    const payload = fieldBased();
    expect((await app.handle(bambooRequest(payload))).statusCode).toBe(202);
    expect(
      (await app.handle(bambooRequest(payload, { timestamp: new Date(NOW_MS - 60_000).toISOString() }))).statusCode,
    ).toBe(202);
    expect((await app.handle(bambooRequest(payload, { key: 'another-key' }))).statusCode).toBe(401);
    const stale = await app.handle(bambooRequest(payload, { timestamp: String(Math.floor(NOW_MS / 1000) - 301) }));
    expect(stale.statusCode).toBe(401);
    expect(bodyOf(stale).detail).toBe('the X-BambooHR-Timestamp is too old (over 300 s)');
    const future = await app.handle(bambooRequest(payload, { timestamp: String(Math.floor(NOW_MS / 1000) + 301) }));
    expect(future.statusCode).toBe(401);
    expect(bodyOf(future).detail).toBe('the X-BambooHR-Timestamp is too far in the future (over 300 s ahead)');
    expect((await app.handle(bambooRequest(payload, { timestamp: 'soon' }))).statusCode).toBe(401);

    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(NOW_MS / 1000));
    const upper = ingestRequest({
      path: '/webhooks/bamboohr',
      headers: {
        'content-type': 'application/json',
        'x-bamboohr-timestamp': timestamp,
        'x-bamboohr-signature': bambooSignature(body, timestamp).toUpperCase(),
      },
      body,
    });
    expect((await app.handle(upper)).statusCode).toBe(202);
    // The timestamp is inside the signature: changing it breaks the signature.
    const moved = { ...upper, headers: { ...upper.headers, 'x-bamboohr-timestamp': String(Number(timestamp) + 1) } };
    expect((await app.handle(moved)).statusCode).toBe(401);
    const unsigned = ingestRequest({
      path: '/webhooks/bamboohr',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(bodyOf(await app.handle(unsigned)).detail).toBe('the X-BambooHR-Signature header is missing');
    expect(sender.sent).toHaveLength(3);
  });
});

describe('BambooHR events', () => {
  it("maps the documented field-based Updated entry to an update, email from the configured field's label", async () => {
    const { app, sender } = testApp();
    const response = await app.handle(bambooRequest(fieldBased()));
    expect(response.statusCode).toBe(202);
    expect(sender.sent).toEqual([
      {
        v: 1,
        id: expect.stringMatching(/^bamboohr:[0-9a-f]{64}$/),
        source: 'bamboohr',
        sourceEventType: 'Updated',
        occurredAt: '2026-01-31T18:42:00.000Z',
        receivedAt: '2026-11-26T10:00:00.000Z',
        action: 'update',
        email: 'bryony.hart@example.com',
        name: 'Bryony Hart',
        sourceUserId: '12345',
      },
    ]);
  });

  it('maps Created to create and Deleted to delete, and an Inactive status to delete', async () => {
    const { app, sender } = testApp();
    await app.handle(bambooRequest(fieldBased({ action: 'Created', changedFields: [] })));
    await app.handle(bambooRequest(fieldBased({ action: 'Deleted', changedFields: [] })));
    await app.handle(bambooRequest(fieldBased({ changedFields: ['Status'] }, { Status: 'Inactive' })));
    expect(sender.sent.map((c) => [c.action, c.role, c.inviteMode])).toEqual([
      ['create', 'MEMBER', 'EMAIL_LINK'],
      ['delete', undefined, undefined],
      ['delete', undefined, undefined],
    ]);
  });

  it('a status changed back to Active is a reactivation (active: true), also with no name to update', async () => {
    const { app, sender } = testApp();
    await app.handle(
      bambooRequest(
        fieldBased(
          { changedFields: ['Status'] },
          { Status: 'Active', 'First Name': undefined, 'Last Name': undefined },
        ),
      ),
    );
    await app.handle(bambooRequest(fieldBased({ changedFields: ['First Name'] }, { Status: 'Active' })));
    expect(sender.sent.map((c) => [c.action, c.active])).toEqual([
      ['update', true],
      ['update', true],
    ]);
    // Active, unchanged, and nothing else to update: ignored as before.
    const quiet = await app.handle(
      bambooRequest(
        fieldBased(
          { changedFields: ['Department'] },
          { Status: 'Active', 'First Name': undefined, 'Last Name': undefined },
        ),
      ),
    );
    expect(bodyOf(quiet).ignoredEvents).toEqual([{ eventType: 'Updated', reason: 'nothing-to-update' }]);
    expect(sender.sent).toHaveLength(2);
  });

  it('acknowledges entries that carry no email (as BambooHR sends Created/Deleted and event-based webhooks)', async () => {
    const { app, sender, metrics } = testApp();
    const bare = {
      employees: [{ action: 'Deleted', changedFields: [], fields: [], id: '9', timestamp: '2026-01-31T18:42:00+0000' }],
    };
    const response = await app.handle(bambooRequest(bare));
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response).ignoredEvents).toEqual([{ eventType: 'Deleted', reason: 'no-email' }]);
    const documented = await app.handle(bambooRequest(eventBased));
    expect(bodyOf(documented).ignoredEvents).toEqual([{ eventType: 'employee.updated', reason: 'no-email' }]);
    expect(sender.sent).toEqual([]);
    expect(metrics.total('EventsIgnored', { source: 'bamboohr', reason: 'no-email' })).toBe(2);
  });

  it('reads event-based webhooks that post fields', async () => {
    const { app, sender } = testApp();
    const withFields = {
      ...eventBased,
      data: { ...eventBased.data, fields: { firstName: 'Ann', lastName: 'Lee', workEmail: 'ann.lee@example.com' } },
    };
    await app.handle(bambooRequest(withFields));
    expect(sender.sent).toEqual([
      expect.objectContaining({ action: 'update', email: 'ann.lee@example.com', name: 'Ann Lee' }),
    ]);
  });

  it('gives a redelivery of the same signed request the same command id, and other content another', async () => {
    const { app, sender } = testApp();
    await app.handle(bambooRequest(fieldBased()));
    await app.handle(bambooRequest(fieldBased()));
    await app.handle(bambooRequest(fieldBased({ timestamp: '2026-01-31T18:43:00+0000' })));
    const [a, b, c] = sender.sent.map((command) => command.id);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('keeps a return to an earlier value: First Name Alice → Bea → Alice is three events (issue #14)', async () => {
    // BambooHR's body timestamp may be the same for changes close together (its documented sample is to the minute),
    // and the third change posts exactly the first one's fields; only the signed send time tells them apart.
    const { app, sender } = testApp();
    const sentAt = (secondsAgo: number) => ({ timestamp: String(Math.floor(NOW_MS / 1000) - secondsAgo) });
    const named = (first: string) =>
      fieldBased({ changedFields: ['First Name'] }, { 'First Name': first, 'Work Email': 'alice@example.com' });
    await app.handle(bambooRequest(named('Alice'), sentAt(40)));
    await app.handle(bambooRequest(named('Bea'), sentAt(20)));
    await app.handle(bambooRequest(named('Alice'), sentAt(0)));
    expect(sender.sent.map((command) => command.name)).toEqual(['Alice Hart', 'Bea Hart', 'Alice Hart']);
    const ids = sender.sent.map((command) => command.id);
    expect(new Set(ids).size).toBe(3);
  });

  it('uses a configured email field and answers 400 when it holds no email', async () => {
    const { app, sender } = testApp({
      config: { bamboohr: { emailField: 'Home Email', statusField: 'status', toleranceMs: 300_000 } },
    });
    await app.handle(bambooRequest(fieldBased({}, { homeEmail: 'bryony@home.example' })));
    expect(sender.sent.map((c) => c.email)).toEqual(['bryony@home.example']);
    const bad = await app.handle(bambooRequest(fieldBased({}, { 'Home Email': 'n/a' })));
    expect(bad.statusCode).toBe(400);
    expect(bodyOf(bad).errors).toEqual([
      { path: 'employees[0].fields["Home Email"]', message: 'must be an email address' },
    ]);
  });

  it('acknowledges unknown types and refuses bodies of neither format', async () => {
    const { app } = testApp();
    const unknown = await app.handle(
      bambooRequest({ type: 'company.updated', timestamp: '2026-01-31T18:42:00+0000', data: { employeeId: 1 } }),
    );
    expect(bodyOf(unknown)).toMatchObject({ queued: 0, ignored: 1 });
    const neither = await app.handle(bambooRequest({ hello: 'world' }));
    expect(neither.statusCode).toBe(400);
    const badEntry = await app.handle(bambooRequest({ employees: [{ action: 'Updated' }] }));
    expect(bodyOf(badEntry).errors).toEqual([{ path: 'employees[0].id', message: expect.any(String) }]);
  });

  it('refuses the Form Post encoding with 415', async () => {
    const { app } = testApp();
    const body = 'employees[12345][changedFields][0]=First+name';
    const timestamp = String(Math.floor(NOW_MS / 1000));
    const response = await app.handle(
      ingestRequest({
        path: '/webhooks/bamboohr',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-bamboohr-timestamp': timestamp,
          'x-bamboohr-signature': bambooSignature(body, timestamp),
        },
        body,
      }),
    );
    expect(response.statusCode).toBe(415);
  });
});
