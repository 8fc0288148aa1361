import { describe, expect, it } from 'vitest';
import {
  bambooRequest,
  bodyOf,
  hrRequest,
  oktaRequest,
  oktaUserEvent,
  testApp,
  workosRequest,
  workosUserEvent,
} from '../../helpers/webhooks';

// Every source that has a stable id of a person puts it on the command (`sourceUserId`), so that the worker can
// follow it to the email the person was provisioned with when the source changes the email (issue #14).

const at = '2026-11-26T09:59:00Z';

describe('Okta: the target user id', () => {
  it('rides on every command of the user, so a login change can be followed', async () => {
    const { app, sender } = testApp();
    const events = [
      oktaUserEvent({ eventType: 'user.lifecycle.create', email: 'ada@example.com', userId: '00uADA' }),
      oktaUserEvent({ eventType: 'user.account.update_profile', email: 'ada.l@example.com', userId: '00uADA' }),
      oktaUserEvent({ eventType: 'user.lifecycle.deactivate', email: 'ada.l@example.com', userId: '00uADA' }),
    ];
    expect((await app.handle(oktaRequest(events))).statusCode).toBe(200);
    expect(sender.sent.map((c) => [c.action, c.email, c.sourceUserId])).toEqual([
      ['create', 'ada@example.com', '00uADA'],
      ['update', 'ada.l@example.com', '00uADA'],
      ['delete', 'ada.l@example.com', '00uADA'],
    ]);
  });

  it('a target id of an unexpected shape costs the link, never the delivery', async () => {
    const { app, sender } = testApp();
    const response = await app.handle(
      oktaRequest([oktaUserEvent({ eventType: 'user.lifecycle.deactivate', userId: 'id with spaces' })]),
    );
    expect(response.statusCode).toBe(200);
    expect(sender.sent).toHaveLength(1);
    expect(sender.sent[0]).not.toHaveProperty('sourceUserId');
  });
});

describe('WorkOS: the directory user id, and the previous email', () => {
  it('keys an update that changes the email on the previous address, flags it, and carries the id', async () => {
    const { app, sender } = testApp();
    const change = workosUserEvent({
      event: 'dsync.user.updated',
      email: 'lela.new@example.com',
      previous: { email: 'Lela.Block@Example.com' },
    });
    expect((await app.handle(workosRequest(change))).statusCode).toBe(202);
    expect(sender.sent).toEqual([
      expect.objectContaining({
        action: 'update',
        email: 'lela.block@example.com',
        name: 'Lela Block',
        unsupported: ['email'],
        sourceUserId: 'directory_user_01E1X1B89NH8Z3SDFJR4H7RGX7',
      }),
    ]);
  });

  it('keys a deactivation that also changes the email on the previous address', async () => {
    const { app, sender } = testApp();
    const leave = workosUserEvent({
      event: 'dsync.user.updated',
      state: 'inactive',
      email: 'lela.new@example.com',
      previous: { emails: [{ primary: true, value: 'lela.block@example.com' }], state: 'active' },
    });
    await app.handle(workosRequest(leave));
    expect(sender.sent.map((c) => [c.action, c.email, c.sourceUserId])).toEqual([
      ['delete', 'lela.block@example.com', 'directory_user_01E1X1B89NH8Z3SDFJR4H7RGX7'],
    ]);
  });

  it('uses the current address when the previous one is not an address (it is only a hint)', async () => {
    const { app, sender } = testApp();
    const odd = workosUserEvent({
      event: 'dsync.user.updated',
      email: 'lela.new@example.com',
      previous: { email: 'not an address' },
    });
    expect((await app.handle(workosRequest(odd))).statusCode).toBe(202);
    expect(sender.sent[0]).toMatchObject({ email: 'lela.new@example.com', unsupported: ['email'] });
  });

  it('a create is keyed on its own address even with previous attributes', async () => {
    const { app, sender } = testApp();
    const created = workosUserEvent({
      event: 'dsync.user.created',
      email: 'lela.new@example.com',
      previous: { email: 'lela.block@example.com' },
    });
    await app.handle(workosRequest(created));
    expect(sender.sent[0]).toMatchObject({ action: 'create', email: 'lela.new@example.com' });
  });
});

describe('HR: the optional employeeId', () => {
  it('carries employeeId on each single-person event; an update may name only the employee and the new email', async () => {
    const { app, sender } = testApp();
    const events = [
      { type: 'user.joined', data: { email: 'ada@example.com', name: 'Ada', employeeId: 'E-1001' } },
      { type: 'user.updated', data: { email: 'ada.l@example.com', employeeId: 'E-1001' } },
      { type: 'user.invitation.resend', data: { email: 'ada.l@example.com', employeeId: 'E-1001' } },
      { type: 'user.password.reset', data: { email: 'ada.l@example.com', employeeId: 'E-1001' } },
      { type: 'user.left', data: { email: 'ada.l@example.com', employeeId: 'E-1001' } },
      { type: 'user.left', data: { email: 'bob@example.com' } },
    ];
    for (const event of events) {
      expect((await app.handle(hrRequest({ ...event, timestamp: at }))).statusCode).toBe(202);
    }
    expect(sender.sent.map((c) => [c.action, c.email, c.sourceUserId])).toEqual([
      ['create', 'ada@example.com', 'E-1001'],
      ['update', 'ada.l@example.com', 'E-1001'],
      ['resend-invitation', 'ada.l@example.com', 'E-1001'],
      ['reset-password', 'ada.l@example.com', 'E-1001'],
      ['delete', 'ada.l@example.com', 'E-1001'],
      ['delete', 'bob@example.com', undefined],
    ]);
  });

  it('answers 400 naming data.employeeId when it is not a usable id, and queues nothing', async () => {
    const { app, sender } = testApp();
    for (const employeeId of ['', 'E 1001', 'x'.repeat(257), 1001]) {
      const response = await app.handle(
        hrRequest({ type: 'user.left', timestamp: at, data: { email: 'ada@example.com', employeeId } }),
      );
      expect(response.statusCode).toBe(400);
      expect(bodyOf<{ errors: { path: string }[] }>(response).errors.map((e) => e.path)).toEqual(['data.employeeId']);
    }
    expect(sender.sent).toEqual([]);
  });
});

describe('BambooHR: the employee id', () => {
  it('carries the employee id (a string or a number) of field-based and event-based payloads', async () => {
    const { app, sender } = testApp();
    const fields = { 'First Name': 'Bryony', 'Last Name': 'Hart', 'Work Email': 'bryony.h@example.com' };
    await app.handle(
      bambooRequest({
        employees: [{ id: 12345, action: 'Updated', timestamp: '2026-01-31T18:42:00+0000', fields }],
      }),
    );
    await app.handle(
      bambooRequest({
        type: 'employee.updated',
        timestamp: '2026-01-31T18:43:00Z',
        data: { companyId: 7, employeeId: '12345', fields: { ...fields, status: 'Inactive' } },
      }),
    );
    expect(sender.sent.map((c) => [c.action, c.email, c.sourceUserId])).toEqual([
      ['update', 'bryony.h@example.com', '12345'],
      ['delete', 'bryony.h@example.com', '12345'],
    ]);
  });
});
