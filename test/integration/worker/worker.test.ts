import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type ProvisioningCommand, parseDlqOrigin } from '@idp-sync/contracts';
import { EMAIL_DELETED_REASON } from '@idp-sync/worker/applier';
import { describe, expect, it } from 'vitest';
import { callsOf, pipeline, recordingLogger, useWorkerStack } from '../../helpers/worker/harness';
import { command, sqsEvent, sqsRecord } from '../../helpers/worker/records';

const stack = useWorkerStack();
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;
const at = (second: number) => new Date(Date.UTC(2026, 5, 1, 9, 0, second)).toISOString();

describe('applying commands', () => {
  it('creates a new person with one call and caches the id; a warm update then costs one call', async () => {
    const p = await pipeline(stack());
    const who = email('ada');
    await p.enqueue([command({ action: 'create', email: who, name: 'Ada', occurredAt: at(1) })]);
    const first = await p.processNext();
    expect(first?.response.batchItemFailures).toEqual([]);
    expect(first?.outcomes[0]).toMatchObject({ kind: 'applied', action: 'create', detail: 'created' });
    const user = stack().emulator.state.findByEmail(who);
    expect(user?.status).toBe('INVITED');
    expect((await stack().state.get(who))?.userId).toBe(user?.id);

    stack().emulator.resetCounters();
    await p.enqueue([command({ action: 'update', email: who, name: 'Ada Lovelace', occurredAt: at(2) })]);
    const second = await p.processNext();
    expect(second?.outcomes[0]).toMatchObject({ kind: 'applied', action: 'update' });
    const calls = callsOf(stack().emulator);
    expect([calls('users.update'), calls('users.list'), calls('users.get')]).toEqual([1, 0, 0]);
    expect(stack().emulator.state.findByEmail(who)?.name).toBe('Ada Lovelace');
    await p.close();
  });

  it('treats a join of an existing active member as success (409 → lookup → id cached)', async () => {
    const who = email('member');
    stack().emulator.state.seed([{ name: 'Member', email: who, status: 'ACTIVE' }]);
    const p = await pipeline(stack());
    await p.enqueue([command({ action: 'create', email: who, occurredAt: at(1) })]);
    const report = await p.processNext();
    expect(report?.outcomes[0]).toMatchObject({ kind: 'applied', detail: 'already-active' });
    expect((await stack().state.get(who))?.userId).toBe(stack().emulator.state.findByEmail(who)?.id);
    expect(await p.deadLetters()).toEqual([]);
    await p.close();
  });

  it('applies a duplicate command id once, even from another message (idempotency record)', async () => {
    const p = await pipeline(stack());
    const c = command({ action: 'create', email: email('dup') });
    await p.worker.processBatch(sqsEvent([sqsRecord(c)]));
    const again = await p.worker.processBatchWithReport(sqsEvent([sqsRecord(c)]));
    expect(again.outcomes[0]).toMatchObject({ kind: 'duplicate', commandId: c.id });
    expect(again.counts.DuplicatesSkipped).toBe(1);
    expect(callsOf(stack().emulator)('users.create')).toBe(1);
    await p.close();
  });

  it('skips a command older than the last applied one for that person (watermark)', async () => {
    const p = await pipeline(stack());
    const who = email('late');
    await p.worker.processBatch(
      sqsEvent([sqsRecord(command({ action: 'create', email: who, name: 'V1', occurredAt: at(1) }))]),
    );
    await p.worker.processBatch(
      sqsEvent([sqsRecord(command({ action: 'update', email: who, name: 'V3', occurredAt: at(3) }))]),
    );
    // A retry of an older event arrives late.
    const late = await p.worker.processBatchWithReport(
      sqsEvent([sqsRecord(command({ action: 'update', email: who, name: 'V2', occurredAt: at(2) }))]),
    );
    expect(late.outcomes[0]).toMatchObject({ kind: 'stale' });
    expect(late.counts.StaleSkipped).toBe(1);
    expect(stack().emulator.state.findByEmail(who)?.name).toBe('V3');
    expect((await stack().state.get(who))?.watermark).toBe(at(3));
    await p.close();
  });

  it('sends a create for a deleted email to the DLQ with the reason (409 is permanent)', async () => {
    const p = await pipeline(stack());
    const who = email('rehire');
    const first = await p.worker.processBatchWithReport(
      sqsEvent([
        sqsRecord(command({ action: 'create', email: who, occurredAt: at(1) })),
        sqsRecord(command({ action: 'delete', email: who, occurredAt: at(2) })),
      ]),
    );
    expect(first.outcomes.map((o) => o.kind)).toEqual(['applied', 'applied']);
    const rehire = command({ action: 'create', email: who, occurredAt: at(3) });
    await p.enqueue([rehire]);
    const report = await p.processNext();
    expect(report?.response.batchItemFailures).toEqual([]); // acknowledged: it lives in the DLQ now
    expect(report?.outcomes[0]).toMatchObject({ kind: 'dead-lettered', errorClass: 'EmailDeleted', httpStatus: 409 });
    const dead = await p.deadLetters();
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]?.body ?? '{}')).toEqual(rehire);
    // In a DLQ group of its own; `origin` names the person's group.
    expect(dead[0]?.groupId).toMatch(/^dlq:[0-9a-f]{64}$/);
    expect(parseDlqOrigin(dead[0]?.attributes.origin)).toMatchObject({ queue: 'work', group: who });
    expect(dead[0]?.attributes).toMatchObject({
      errorClass: 'EmailDeleted',
      httpStatus: '409',
      errorMessage: EMAIL_DELETED_REASON,
      retryable: 'false',
      receiveCount: '1',
      commandId: rehire.id,
    });
    expect(Date.parse(dead[0]?.attributes.failedAt ?? '')).not.toBeNaN();
    expect(Date.parse(dead[0]?.attributes.firstSeenAt ?? '')).not.toBeNaN();
    await p.close();
  });

  it('sends an invalid record to the DLQ with what is wrong, and keeps going', async () => {
    const p = await pipeline(stack());
    const good = command({ action: 'create', email: email('ok') });
    const report = await p.worker.processBatchWithReport(
      sqsEvent([sqsRecord('{"v":1,"action":"explode"}', { groupId: 'bad' }), sqsRecord(good)]),
    );
    expect(report.response.batchItemFailures).toEqual([]);
    expect(report.outcomes.map((o) => o.kind)).toEqual(['dead-lettered', 'applied']);
    const dead = await p.deadLetters();
    expect(dead[0]?.attributes.errorClass).toBe('InvalidCommand');
    expect(dead[0]?.attributes.errorMessage).toMatch(/action/);
    expect(dead[0]?.attributes.commandId).toBeUndefined();
    await p.close();
  });

  it('records what the API cannot change instead of dropping it', async () => {
    const p = await pipeline(stack());
    const who = email('uns');
    await p.worker.processBatch(sqsEvent([sqsRecord(command({ action: 'create', email: who, occurredAt: at(1) }))]));
    stack().emulator.resetCounters();
    const report = await p.worker.processBatchWithReport(
      sqsEvent([
        sqsRecord(
          command({
            action: 'update',
            email: who,
            name: undefined,
            role: 'ADMIN',
            unsupported: ['email'],
            occurredAt: at(2),
          }),
        ),
      ]),
    );
    expect(report.outcomes[0]).toMatchObject({ kind: 'noop', unsupported: ['email', 'role'] });
    expect(report.counts.UnsupportedAttributes).toBe(2);
    expect(callsOf(stack().emulator)('users.update')).toBe(0);
    expect((await stack().state.get(who))?.unsupported).toEqual(['email', 'role']);
    await p.close();
  });

  it('resends only to INVITED users: ACTIVE is a counted no-op, EXPIRED is re-invited', async () => {
    const [invited, active, expired] = [email('inv'), email('act'), email('exp')];
    stack().emulator.state.seed([
      { name: 'I', email: invited, status: 'INVITED' },
      { name: 'A', email: active, status: 'ACTIVE' },
      { name: 'E', email: expired, status: 'EXPIRED' },
    ]);
    const p = await pipeline(stack());
    const report = await p.worker.processBatchWithReport(
      sqsEvent([invited, active, expired].map((e) => sqsRecord(command({ action: 'resend-invitation', email: e })))),
    );
    expect(
      report.outcomes.map((o) => (o.kind === 'applied' || o.kind === 'noop' ? [o.kind, o.detail] : o.kind)),
    ).toEqual([
      ['applied', 'resent'],
      ['noop', 'already-active'],
      ['applied', 'reinvited'],
    ]);
    expect(stack().emulator.state.findByEmail(invited)?.invitationsSent).toBeGreaterThan(0);
    expect(stack().emulator.state.findByEmail(expired)?.status).toBe('INVITED');
    await p.close();
  });

  it('dead-letters a password reset the API refuses (unverified user) with the reason', async () => {
    const who = email('reset');
    stack().emulator.state.seed([{ name: 'R', email: who, status: 'INVITED' }]);
    const p = await pipeline(stack());
    const report = await p.worker.processBatchWithReport(
      sqsEvent([sqsRecord(command({ action: 'reset-password', email: who }))]),
    );
    expect(report.outcomes[0]).toMatchObject({
      kind: 'dead-lettered',
      errorClass: 'ResetPasswordRejected',
      httpStatus: 400,
    });
    expect((await p.deadLetters())[0]?.attributes.errorMessage).toMatch(/SSO|verified/);
    await p.close();
  });

  it('dead-letters an update for someone the API does not know', async () => {
    const p = await pipeline(stack());
    const report = await p.worker.processBatchWithReport(
      sqsEvent([sqsRecord(command({ action: 'update', email: email('ghost'), name: 'G' }))]),
    );
    expect(report.outcomes[0]).toMatchObject({ kind: 'dead-lettered', errorClass: 'UserNotFound' });
    await p.close();
  });

  it('treats a delete of someone already gone as success', async () => {
    const p = await pipeline(stack());
    const report = await p.worker.processBatchWithReport(
      sqsEvent([sqsRecord(command({ action: 'delete', email: email('never') }))]),
    );
    expect(report.outcomes[0]).toMatchObject({ kind: 'applied', detail: 'already-gone' });
    expect(await p.deadLetters()).toEqual([]);
    await p.close();
  });

  it('never logs a full email address', async () => {
    const logger = recordingLogger();
    const p = await pipeline(stack(), { logger });
    const who = email('private.person');
    await p.worker.processBatch(
      sqsEvent([
        sqsRecord(command({ action: 'create', email: who })),
        sqsRecord(command({ action: 'update', email: email('nobody.here'), name: 'X' })),
      ]),
    );
    const text = JSON.stringify(logger.entries);
    expect(text).not.toMatch(/private\.person-\d+@/);
    expect(text).not.toMatch(/nobody\.here-\d+@/);
    expect(text).toMatch(/p\*\*\*@example\.com/);
    expect(
      logger.entries.some((e) => (e.extra as { correlation_id?: string }).correlation_id?.startsWith('test:')),
    ).toBe(true);
    await p.close();
  });
});

describe('ordering and failures within a batch', () => {
  it('runs a person’s commands in order and, after a transient failure, does not attempt their later ones', async () => {
    const p = await pipeline(stack(), { config: { usersApiRetryAttempts: 1 }, random: () => 0.5 });
    const [a, b] = [email('a'), email('b')];
    // Warm both people first.
    await p.worker.processBatch(
      sqsEvent([
        sqsRecord(command({ action: 'create', email: a, occurredAt: at(1) })),
        sqsRecord(command({ action: 'create', email: b, occurredAt: at(1) })),
      ]),
    );
    // Only updates fail, and only a has one: b's commands are unaffected.
    stack().emulator.setFaults({ rates: { '503': 1 }, retryAfterSeconds: 0, operations: ['users.update'] });
    const batch: ProvisioningCommand[] = [
      command({ action: 'update', email: a, name: 'A2', occurredAt: at(2) }),
      command({ action: 'resend-invitation', email: b, occurredAt: at(2) }),
      command({ action: 'delete', email: a, occurredAt: at(3) }),
      command({ action: 'delete', email: b, occurredAt: at(3) }),
    ];
    const records = batch.map((c) => sqsRecord(c));
    const report = await p.worker.processBatchWithReport(sqsEvent(records));
    stack().emulator.setFaults(undefined);

    const byCommand = new Map(report.outcomes.map((o) => [o.commandId, o]));
    expect(byCommand.get(batch[0]?.id)).toMatchObject({
      kind: 'retry',
      errorClass: 'ServerError',
      httpStatus: 503,
    });
    expect(byCommand.get(batch[2]?.id)).toMatchObject({ kind: 'blocked' });
    expect(byCommand.get(batch[1]?.id)).toMatchObject({ kind: 'applied', detail: 'resent' });
    expect(byCommand.get(batch[3]?.id)).toMatchObject({ kind: 'applied', detail: 'deleted' });
    const failed = report.response.batchItemFailures.map((f) => f.itemIdentifier).sort();
    const ofA = records.filter((r) => r.attributes.MessageGroupId === a).map((r) => r.messageId);
    expect(failed).toEqual(ofA.sort());
    // a was not deleted: its delete was never attempted.
    expect(stack().emulator.state.findByEmail(a)?.status).toBe('INVITED');
    expect(await p.deadLetters()).toEqual([]);
    await p.close();
  });

  it('hides a transiently failed message for the backoff (ChangeMessageVisibility)', async () => {
    const p = await pipeline(stack(), { config: { usersApiRetryAttempts: 1 }, random: () => 0.5 });
    stack().emulator.setFaults({ rates: { '503': 1 }, retryAfterSeconds: 0, operations: ['users.create'] });
    await p.enqueue([command({ email: email('later') })]);
    const report = await p.processNext();
    stack().emulator.setFaults(undefined);
    expect(report?.outcomes[0]).toMatchObject({ kind: 'retry', visibilityTimeoutSeconds: 30 });
    expect(report?.counts.RetriesScheduled).toBe(1);
    expect(await p.receive()).toEqual([]); // still hidden
    const attrs = await stack().sqsClient.send(
      new GetQueueAttributesCommand({
        QueueUrl: p.queues.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('1');
    await p.close();
  });

  it('returns every record as a failure (never throws) when the whole batch fails transiently', async () => {
    const p = await pipeline(stack(), { config: { usersApiRetryAttempts: 1 } });
    stack().emulator.setFaults({ rates: { '500': 1 }, operations: ['users.create'] });
    const records = [sqsRecord(command({ email: email('x') })), sqsRecord(command({ email: email('y') }))];
    const response = await p.worker.processBatch(sqsEvent(records));
    stack().emulator.setFaults(undefined);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      records.map((r) => r.messageId).sort(),
    );
    await p.close();
  });

  it('dead-letters a transient failure on the last allowed receive, with the receive count', async () => {
    const p = await pipeline(stack(), { config: { usersApiRetryAttempts: 1, maxReceiveCount: 3 } });
    stack().emulator.setFaults({ rates: { '503': 1 }, operations: ['users.create'] });
    const c = command({ email: email('tired') });
    const report = await p.worker.processBatchWithReport(
      sqsEvent([sqsRecord(c, { receiveCount: 3, firstReceivedAt: Date.parse('2026-06-01T00:00:00Z') })]),
    );
    stack().emulator.setFaults(undefined);
    expect(report.outcomes[0]).toMatchObject({ kind: 'dead-lettered', errorClass: 'ServerError', httpStatus: 503 });
    const dead = await p.deadLetters();
    expect(dead[0]?.attributes).toMatchObject({
      errorClass: 'ServerError',
      httpStatus: '503',
      retryable: 'true',
      receiveCount: '3',
      firstSeenAt: '2026-06-01T00:00:00.000Z',
      commandId: c.id,
    });
    expect(dead[0]?.attributes.errorMessage).toMatch(/gave up after 3 receives/);
    await p.close();
  });
});
