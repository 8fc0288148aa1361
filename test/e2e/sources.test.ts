import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { messageGroupIdFor, parseDlqOrigin } from '@idp-sync/contracts';
import {
  bambooHeaders,
  type LocalStack,
  type SourceRequests,
  sourceRequests,
  workosHeaders,
} from '@idp-sync/local-stack';
import type { UserRecord, UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, startTestStack } from '../helpers/local-stack';

/**
 * Every source and every action through HTTP against the running local stack (the real ingest and worker handlers,
 * fauxqs, dynalite, the emulator): signed as the vendors sign, then checked in the emulator once the queue drained.
 */

let stack: LocalStack;
let emulator: UsersApiEmulator;
let sources: SourceRequests;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@e2e.example`;
const user = (address: string): UserRecord | undefined => emulator.state.findByEmail(address);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

beforeAll(async () => {
  stack = await startTestStack();
  emulator = stack.emulator as UsersApiEmulator;
  sources = sourceRequests({ ingestUrl: stack.urls.ingest, secrets: stack.secrets });
});
afterAll(async () => {
  await stack?.stop();
});

async function drained(): Promise<void> {
  await stack.waitForDrain({ timeoutMs: 20_000 });
}

describe('health', () => {
  it('answers the queue depths a script waits on', async () => {
    const response = await fetch(stack.urls.health);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['dlq', 'queue', 'status']);
    expect(body).toEqual({
      status: 'ok',
      queue: { visible: expect.any(Number), inFlight: expect.any(Number) },
      dlq: { visible: expect.any(Number) },
    });
  });
});

describe('Okta event hooks', () => {
  it('answers the one-time verification challenge, and only with the shared secret', async () => {
    const ok = await deliver(sources.oktaVerification('challenge-123'));
    expect(ok).toEqual({ status: 200, body: { verification: 'challenge-123' } });
    const request = sources.oktaVerification('challenge-123');
    const refused = await deliver({ ...request, headers: { ...request.headers, authorization: 'wrong' } });
    expect(refused.status).toBe(401);
  });

  it('creates, activates, renames, deactivates and deletes; ignores a suspend', async () => {
    const [ada, alan, tim, leaver, deleted, suspended] = [
      email('ada'),
      email('alan'),
      email('tim'),
      email('leaver'),
      email('deleted'),
      email('suspended'),
    ];
    emulator.state.seed([
      { name: 'Tim', email: tim },
      { name: 'Leaver', email: leaver },
      { name: 'Deleted', email: deleted },
      { name: 'Suspended', email: suspended },
    ]);
    const answer = await deliver(
      sources.okta([
        { eventType: 'user.lifecycle.create', email: ada, name: 'Ada Lovelace' },
        { eventType: 'user.lifecycle.activate', email: alan, name: 'Alan Turing' },
        { eventType: 'user.account.update_profile', email: tim, name: 'Sir Tim' },
        { eventType: 'user.lifecycle.deactivate', email: leaver },
        { eventType: 'user.lifecycle.delete.initiated', email: deleted },
        { eventType: 'user.lifecycle.suspend', email: suspended },
      ]),
    );
    expect(answer.status).toBe(200);
    await drained();
    expect(user(ada)).toMatchObject({ name: 'Ada Lovelace', status: 'INVITED' });
    expect(user(alan)).toMatchObject({ name: 'Alan Turing', status: 'INVITED' });
    expect(user(tim)).toMatchObject({ name: 'Sir Tim', status: 'ACTIVE' });
    expect(user(leaver)?.status).toBe('DELETED');
    expect(user(deleted)?.status).toBe('DELETED');
    expect(user(suspended)?.status).toBe('ACTIVE');
  });

  it('refuses a delivery without the shared secret and queues nothing', async () => {
    const who = email('intruder');
    const request = sources.okta([{ eventType: 'user.lifecycle.create', email: who, name: 'Intruder' }]);
    const refused = await deliver({ ...request, headers: { ...request.headers, authorization: 'Basic bm9wZQ==' } });
    expect(refused.status).toBe(401);
    expect((await stack.health()).queue).toEqual({ visible: 0, inFlight: 0 });
    await drained();
    expect(user(who)).toBeUndefined();
  });
});

describe('HR (Standard Webhooks)', () => {
  it('applies join, update, leave, bulk leave, invitation resend and password reset', async () => {
    const [joiner, sso, updated, leaver, invited, verified] = [
      email('joiner'),
      email('sso'),
      email('updated'),
      email('leaver'),
      email('invited'),
      email('verified'),
    ];
    const bulk = [email('bulk'), email('bulk'), email('bulk')];
    emulator.state.seed([
      { name: 'Updated', email: updated, isDeveloper: true },
      { name: 'Leaver', email: leaver },
      { name: 'Invited', email: invited, status: 'INVITED' },
      { name: 'Verified', email: verified, status: 'ACTIVE', login: 'password' },
      ...bulk.map((address) => ({ name: 'Bulk', email: address })),
    ]);
    const deletesBefore = emulator.counters().byOperation['users.delete']?.total ?? 0;
    for (const request of [
      sources.hr('user.joined', { email: joiner, name: 'Joiner One', role: 'ANNOTATOR' }),
      sources.hr('user.joined', { email: sso, name: 'SSO Person', inviteMode: 'NONE' }),
      sources.hr('user.updated', { email: updated, name: 'Updated Name', isDeveloper: false }),
      sources.hr('user.left', { email: leaver }),
      sources.hr('users.left', { emails: bulk }),
      sources.hr('user.invitation.resend', { email: invited }),
      sources.hr('user.password.reset', { email: verified }),
    ]) {
      expect((await deliver(request)).status).toBe(202);
    }
    await drained();
    expect(user(joiner)).toMatchObject({ name: 'Joiner One', status: 'INVITED', role: { name: 'ANNOTATOR' } });
    expect(user(sso)).toMatchObject({ status: 'ACTIVE', login: 'sso' });
    expect(user(updated)).toMatchObject({ name: 'Updated Name', isDeveloper: false });
    expect(user(leaver)?.status).toBe('DELETED');
    expect(bulk.map((address) => user(address)?.status)).toEqual(['DELETED', 'DELETED', 'DELETED']);
    expect((emulator.counters().byOperation['users.delete']?.total ?? 0) - deletesBefore).toBe(4);
    expect(user(invited)?.invitationsSent).toBe(2);
    expect(user(verified)?.passwordResetsSent).toBe(1);
  });

  it('applies a redelivered message once', async () => {
    const who = email('duplicate');
    const original = sources.hr('user.joined', { email: who, name: 'Once Only' });
    expect((await deliver(original)).status).toBe(202);
    expect((await deliver(sources.hrRedelivery(original))).status).toBe(202);
    await drained();
    // A later redelivery, after the first was applied, is a duplicate for the worker too.
    expect((await deliver(sources.hrRedelivery(original))).status).toBe(202);
    await drained();
    const creates = emulator.counters().byOperation['users.create']?.byStatus ?? {};
    expect(user(who)).toMatchObject({ status: 'INVITED', invitationsSent: 1 });
    expect(creates['200'] ?? 0).toBe(0);
  });

  it('refuses a wrong signature and a stale timestamp', async () => {
    const body = JSON.stringify({
      type: 'user.joined',
      timestamp: new Date().toISOString(),
      data: { email: email('x') },
    });
    const request = sources.hr('user.joined', { email: email('forged'), name: 'Forged' });
    const forged = await deliver({ ...request, body });
    expect(forged.status).toBe(401);
    const stale = await deliver({
      ...request,
      headers: { ...request.headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 3600) },
    });
    expect(stale.status).toBe(401);
    expect((await stack.health()).queue).toEqual({ visible: 0, inFlight: 0 });
  });
});

describe('WorkOS Directory Sync', () => {
  it('creates, renames, deprovisions (inactive and deleted) and removes a whole directory', async () => {
    const [kim, renamed, inactive, deleted, d1, d2] = [
      email('kim'),
      email('renamed'),
      email('inactive'),
      email('deleted'),
      email('dir'),
      email('dir'),
    ];
    emulator.state.seed(
      [renamed, inactive, deleted, d1, d2].map((address) => ({ name: 'Directory Person', email: address })),
    );
    const directoryDeleted = JSON.stringify({
      id: `event_${randomUUID()}`,
      event: 'dsync.deleted',
      data: {
        id: 'directory_01E2E',
        object: 'directory',
        state: 'deleting',
        users: [
          { id: 'directory_user_d1', email: d1, first_name: 'D', last_name: 'One' },
          { id: 'directory_user_d2', email: d2, first_name: 'D', last_name: 'Two' },
        ],
      },
      created_at: new Date().toISOString(),
    });
    for (const request of [
      sources.workos('dsync.user.created', { id: 'directory_user_kim', email: kim, firstName: 'Kim', lastName: 'Lee' }),
      sources.workos('dsync.user.updated', {
        id: 'directory_user_renamed',
        email: renamed,
        firstName: 'New',
        lastName: 'Name',
        previous: { first_name: 'Old' },
      }),
      sources.workos('dsync.user.updated', { id: 'directory_user_inactive', email: inactive, state: 'inactive' }),
      sources.workos('dsync.user.deleted', { id: 'directory_user_deleted', email: deleted }),
    ]) {
      expect((await deliver(request)).status).toBe(202);
    }
    // dsync.deleted names several users: its own body, signed as WorkOS signs.
    expect(
      (
        await deliver({
          method: 'POST',
          url: stack.urls.webhooks.workos,
          body: directoryDeleted,
          headers: workosHeaders(stack.secrets.workos, directoryDeleted),
        })
      ).status,
    ).toBe(202);
    await drained();
    expect(user(kim)).toMatchObject({ name: 'Kim Lee', status: 'INVITED' });
    expect(user(renamed)).toMatchObject({ name: 'New Name', status: 'ACTIVE' });
    expect([inactive, deleted, d1, d2].map((address) => user(address)?.status)).toEqual([
      'DELETED',
      'DELETED',
      'DELETED',
      'DELETED',
    ]);
  });

  it('never lets a late, older event overwrite newer state', async () => {
    const who = email('hedy');
    const person = { id: 'directory_user_hedy', email: who, firstName: 'Hedy' };
    for (const request of [
      sources.workos('dsync.user.created', { ...person, lastName: 'Kiesler' }, { createdAt: minutesAgo(3) }),
      sources.workos('dsync.user.updated', { ...person, lastName: 'Lamarr' }, { createdAt: minutesAgo(1) }),
      sources.workos('dsync.user.updated', { ...person, lastName: 'Older' }, { createdAt: minutesAgo(2) }),
    ]) {
      expect((await deliver(request)).status).toBe(202);
    }
    await drained();
    expect(user(who)?.name).toBe('Hedy Lamarr');
  });
});

describe('BambooHR', () => {
  it('creates, renames, terminates (status Inactive), deletes; reads legacy field-based payloads', async () => {
    const [lee, renamed, terminated, deleted, legacy] = [
      email('lee'),
      email('renamed'),
      email('terminated'),
      email('deleted'),
      email('legacy'),
    ];
    emulator.state.seed([renamed, terminated, deleted].map((address) => ({ name: 'Employee', email: address })));
    const fields = (address: string, first: string, last: string, status = 'Active') => ({
      firstName: first,
      lastName: last,
      workEmail: address,
      status,
    });
    const legacyBody = JSON.stringify({
      employees: [
        {
          id: '5001',
          action: 'Created',
          timestamp: new Date().toISOString(),
          changedFields: ['firstName', 'lastName', 'workEmail'],
          fields: fields(legacy, 'Legacy', 'Format'),
        },
      ],
    });
    for (const request of [
      sources.bamboohr('employee.created', { id: 4001, fields: fields(lee, 'Lee', 'Bamboo') }),
      sources.bamboohr('employee.updated', {
        id: 4002,
        fields: fields(renamed, 'Re', 'Named'),
        changedFields: ['lastName'],
      }),
      sources.bamboohr('employee.updated', {
        id: 4003,
        fields: fields(terminated, 'Ter', 'Minated', 'Inactive'),
        changedFields: ['status'],
      }),
      sources.bamboohr('employee.deleted', { id: 4004, fields: { workEmail: deleted } }),
      {
        method: 'POST' as const,
        url: stack.urls.webhooks.bamboohr,
        headers: bambooHeaders(stack.secrets.bamboohr, legacyBody),
        body: legacyBody,
      },
    ]) {
      expect((await deliver(request)).status).toBe(202);
    }
    await drained();
    expect(user(lee)).toMatchObject({ name: 'Lee Bamboo', status: 'INVITED' });
    expect(user(renamed)?.name).toBe('Re Named');
    expect(user(terminated)?.status).toBe('DELETED');
    expect(user(deleted)?.status).toBe('DELETED');
    expect(user(legacy)).toMatchObject({ name: 'Legacy Format', status: 'INVITED' });
  });
});

describe('Entra ID (SCIM)', () => {
  it('creates (and finds it at once), renames, disables, and hard-deletes', async () => {
    const [radia, deleted] = [email('radia'), email('gone')];
    const created = await deliver(sources.scimCreate({ userName: radia, givenName: 'Radia', familyName: 'Perlman' }));
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const found = await deliver(sources.scimFind(radia));
    expect(found).toMatchObject({ status: 200, body: { totalResults: 1, Resources: [{ id, userName: radia }] } });
    const other = await deliver(sources.scimCreate({ userName: deleted, givenName: 'Gone', familyName: 'Soon' }));
    const otherId = (other.body as { id: string }).id;
    await drained();
    expect(user(radia)).toMatchObject({ name: 'Radia Perlman', status: 'INVITED' });

    const renamed = await deliver(
      sources.scimPatch(id, [
        { op: 'Replace', path: 'displayName', value: 'Radia Perlman-Smith' },
        { op: 'Replace', path: 'name.familyName', value: 'Perlman-Smith' },
      ]),
    );
    expect([200, 204]).toContain(renamed.status);
    await drained();
    expect(user(radia)?.name).toBe('Radia Perlman-Smith');

    expect([200, 204]).toContain((await deliver(sources.scimDisable(id))).status);
    expect((await deliver(sources.scimDelete(otherId))).status).toBe(204);
    await drained();
    expect(user(radia)?.status).toBe('DELETED');
    expect(user(deleted)?.status).toBe('DELETED');
    // A disabled user is still returned (Entra reads it back).
    const disabled = await deliver(sources.scimFind(radia));
    expect(disabled.body).toMatchObject({ totalResults: 1, Resources: [{ id, active: false }] });
  });

  it('refuses a wrong bearer token', async () => {
    const request = sources.scimCreate({ userName: email('nope'), givenName: 'No', familyName: 'Pe' });
    const refused = await deliver({ ...request, headers: { ...request.headers, authorization: 'Bearer wrong-token' } });
    expect(refused.status).toBe(401);
  });
});

describe('failures', () => {
  it('sends a permanent failure to the DLQ with its reason, and /health counts it', async () => {
    const who = email('rehire');
    emulator.state.seed([{ name: 'Former', email: who, status: 'DELETED' }]);
    const before = (await stack.health()).dlq.visible;
    expect((await deliver(sources.hr('user.joined', { email: who, name: 'Rehire' }))).status).toBe(202);
    await drained();
    expect((await stack.health()).dlq.visible).toBe(before + 1);
    const out = await stack.sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queues.dlqUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        VisibilityTimeout: 0,
      }),
    );
    // Each DLQ message has a group of its own; its `origin` attribute names the person's.
    const message = out.Messages?.find(
      (m) => parseDlqOrigin(m.MessageAttributes?.origin?.StringValue)?.group === messageGroupIdFor(who),
    );
    expect(message?.MessageAttributes).toMatchObject({
      errorClass: { StringValue: 'EmailDeleted' },
      httpStatus: { StringValue: '409' },
      errorMessage: { StringValue: expect.stringMatching(/deleted/) },
    });
    expect(JSON.parse(message?.Body ?? '{}')).toMatchObject({ action: 'create', email: who, source: 'hr' });
  });

  it('retries a transient Users API failure until it succeeds', async () => {
    const who = email('transient');
    emulator.setFaults({ rates: { '503': 1 }, operations: ['users.create'] });
    try {
      expect((await deliver(sources.hr('user.joined', { email: who, name: 'Eventually' }))).status).toBe(202);
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 10_000;
        const timer = setInterval(() => {
          if ((emulator.counters().byOperation['users.create']?.byStatus['503'] ?? 0) > 0) {
            clearInterval(timer);
            resolve();
          } else if (Date.now() > deadline) {
            clearInterval(timer);
            reject(new Error('no create attempt'));
          }
        }, 50);
      });
    } finally {
      emulator.setFaults(undefined);
    }
    await drained();
    expect(user(who)).toMatchObject({ name: 'Eventually', status: 'INVITED' });
  });
});
