import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { ProvisioningCommand } from '@idp-sync/contracts';
import { createIdempotencyPersistence, IDEMPOTENCY_KEY_PREFIX, PersonStateRepository } from '@idp-sync/worker/state';
import { describe, expect, it } from 'vitest';
import { callsOf, pipeline, recordingLogger, TABLE_NAME, useWorkerStack } from '../../helpers/worker/harness';
import { command, sqsEvent, sqsRecord } from '../../helpers/worker/records';

// Issue #14: what a sender claims (its event time, its event id) is a claim. Against dynalite, fauxqs and the
// Users API emulator, as the other worker tests.

const stack = useWorkerStack();
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;
/** The bound chosen for issue #14 (`MAX_OCCURRED_AT_SKEW_MS`): one minute past receipt. */
const MAX_OCCURRED_AT_SKEW_MS = 60_000;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('an event from the future does not block deprovisioning', () => {
  it('a join dated 2099, queued before ingest capped times, is capped by the worker: the later leave applies', async () => {
    const logger = recordingLogger();
    const p = await pipeline(stack(), { logger });
    const who = email('future');
    const join = command({
      action: 'create',
      email: who,
      occurredAt: '2099-01-01T00:00:00Z',
      receivedAt: minutesAgo(10),
    });
    const joined = await p.worker.processBatchWithReport(sqsEvent([sqsRecord(join)]));
    expect(joined.outcomes[0]).toMatchObject({ kind: 'applied', action: 'create' });
    expect(joined.counts.OccurredAtCapped).toBe(1);
    expect((await stack().state.get(who))?.watermarkMs).toBe(Date.parse(join.receivedAt) + MAX_OCCURRED_AT_SKEW_MS);
    expect(logger.entries.find((e) => e.level === 'warn')?.message).toMatch(/capped/);

    const leave = command({ action: 'delete', email: who, occurredAt: minutesAgo(5) });
    const left = await p.worker.processBatchWithReport(sqsEvent([sqsRecord(leave)]));
    expect(left.outcomes[0]).toMatchObject({ kind: 'applied', action: 'delete', detail: 'deleted' });
    expect(stack().emulator.state.findByEmail(who)?.deletedAt).toBeDefined();
    await p.close();
  });

  it('a watermark already stored in the future (written before the cap) is suspect: newer commands go through', async () => {
    const logger = recordingLogger();
    const p = await pipeline(stack(), { logger });
    const who = email('poisoned');
    stack().emulator.state.seed([{ name: 'Kate', email: who, status: 'ACTIVE' }]);
    const userId = stack().emulator.state.findByEmail(who)?.id as string;
    // What today's code left behind: an HR join dated 2099 applied ten minutes ago.
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    const before = new PersonStateRepository({
      client: stack().dynamoClient,
      tableName: TABLE_NAME,
      now: () => tenMinutesAgo,
    });
    await before.recordApplied({
      email: who,
      commandId: 'hr:msg_2099',
      occurredAt: '2099-01-01T00:00:00Z',
      userId,
      status: 'ACTIVE',
    });

    // Older than the poisoned write itself: still stale (a replay from before it), said with the suspect watermark.
    const older = command({ action: 'update', email: who, name: 'Kate Old', occurredAt: minutesAgo(20) });
    const stale = await p.worker.processBatchWithReport(sqsEvent([sqsRecord(older)]));
    expect(stale.outcomes[0]).toMatchObject({ kind: 'stale' });

    const leave = command({ action: 'delete', email: who, occurredAt: minutesAgo(5) });
    const report = await p.worker.processBatchWithReport(sqsEvent([sqsRecord(leave)]));
    expect(report.outcomes[0]).toMatchObject({ kind: 'applied', action: 'delete', detail: 'deleted' });
    expect(stack().emulator.state.findByEmail(who)?.deletedAt).toBeDefined();
    // The suspect watermark was replaced by the leave's, and said so at WARN (no email).
    const state = await stack().state.get(who);
    expect(state).toMatchObject({
      watermarkMs: Date.parse(leave.occurredAt),
      lastCommandId: leave.id,
      status: 'DELETED',
    });
    const note = logger.entries.find((e) => e.level === 'warn' && /watermark 2099-01-01/.test(e.message));
    expect(note?.message).toContain('hr:msg_2099');
    expect(JSON.stringify(logger.entries)).not.toContain(who);
    await p.close();
  });
});

describe('a skipped event is visible to on-call', () => {
  it('a stale delete is a WARN with the command, source, times and the command that set the watermark, and counted', async () => {
    const logger = recordingLogger();
    const p = await pipeline(stack(), { logger });
    const who = email('stale');
    const create = command({ action: 'create', email: who, occurredAt: minutesAgo(3) });
    await p.worker.processBatch(sqsEvent([sqsRecord(create)]));
    const leave = command({ action: 'delete', email: who, source: 'okta', occurredAt: minutesAgo(4) });
    const report = await p.worker.processBatchWithReport(sqsEvent([sqsRecord(leave)]));
    expect(report.outcomes[0]).toMatchObject({ kind: 'stale', action: 'delete' });
    expect(report.counts).toMatchObject({ StaleSkipped: 1, StaleDeleteSkipped: 1 });
    expect(stack().emulator.state.findByEmail(who)?.status).toBe('INVITED');

    const line = logger.entries.find((e) => e.level === 'warn' && /stale delete/.test(e.message));
    expect(line?.extra).toMatchObject({
      commandId: leave.id,
      source: 'okta',
      action: 'delete',
      occurredAt: leave.occurredAt,
      watermark: new Date(create.occurredAt).toISOString(),
      watermarkCommandId: create.id,
      person: expect.stringMatching(/\*\*\*/),
    });
    expect(JSON.stringify(logger.entries)).not.toContain(who);

    const update = command({ action: 'update', email: who, name: 'Old', occurredAt: minutesAgo(5) });
    const later = await p.worker.processBatchWithReport(sqsEvent([sqsRecord(update)]));
    expect(later.counts.StaleSkipped).toBe(1);
    expect(later.counts.StaleDeleteSkipped).toBeUndefined();
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
      'stale delete skipped: the person may keep access',
      'stale command skipped',
    ]);
    await p.close();
  });
});

describe('a reused event id with another body is never dropped silently', () => {
  it('SQS keeps both (dedup on id + content); the worker applies the first and dead-letters the second', async () => {
    const p = await pipeline(stack());
    const ann = command({ id: 'hr:msg_reused', action: 'create', email: email('ann'), name: 'Ann' });
    const bob = { ...ann, email: email('bob'), name: 'Bob' };
    await p.enqueue([ann]);
    await p.enqueue([bob]);
    // A true redelivery (received again later) stays a duplicate for SQS.
    await p.enqueue([{ ...ann, receivedAt: new Date(Date.parse(ann.receivedAt) + 60_000).toISOString() }]);
    const records = await p.receive(0);
    expect(records.map((r) => JSON.parse(r.body).email).sort()).toEqual([ann.email, bob.email].sort());

    await p.worker.processBatchWithReport(sqsEvent(records.filter((r) => JSON.parse(r.body).email === ann.email)));
    const second = await p.worker.processBatchWithReport(
      sqsEvent(records.filter((r) => JSON.parse(r.body).email === bob.email)),
    );
    expect(second.outcomes[0]).toMatchObject({ kind: 'dead-lettered', errorClass: 'CommandIdReused' });
    const [dead] = await p.deadLetters();
    expect(dead?.attributes).toMatchObject({ errorClass: 'CommandIdReused', commandId: 'hr:msg_reused' });
    await p.close();
  });

  it('the worker tells a reused id from a redelivery by the whole content, not only person, action and time', async () => {
    const p = await pipeline(stack());
    const who = email('name');
    const first = command({ action: 'create', email: who, name: 'Ann' });
    await p.worker.processBatch(sqsEvent([sqsRecord(first)]));

    const renamed = await p.worker.processBatchWithReport(sqsEvent([sqsRecord({ ...first, name: 'Ann Other' })]));
    expect(renamed.outcomes[0]).toMatchObject({ kind: 'dead-lettered', errorClass: 'CommandIdReused' });

    const redelivered = { ...first, receivedAt: new Date(Date.parse(first.receivedAt) + 30_000).toISOString() };
    const again = await p.worker.processBatchWithReport(sqsEvent([sqsRecord(redelivered)]));
    expect(again.outcomes[0]).toMatchObject({ kind: 'duplicate' });
    expect(callsOf(stack().emulator)('users.create')).toBe(1);
    await p.close();
  });

  it('an idempotency record written by the worker before this change still makes a redelivery a duplicate', async () => {
    const p = await pipeline(stack());
    const applied = command({ action: 'create', email: email('legacy'), name: 'Lee' });
    // What the previous worker stored: validation over [action, email, occurredAt], no fingerprint in the result.
    const previousWorker = makeIdempotent(
      async (_command: ProvisioningCommand) => ({ outcome: 'applied', action: 'create', detail: 'created' }),
      {
        persistenceStore: createIdempotencyPersistence(stack().dynamoClient, TABLE_NAME),
        config: new IdempotencyConfig({
          eventKeyJmesPath: 'id',
          payloadValidationJmesPath: '[action, email, occurredAt]',
          expiresAfterSeconds: 3600,
          throwOnNoIdempotencyKey: true,
        }),
        keyPrefix: IDEMPOTENCY_KEY_PREFIX,
      },
    );
    await previousWorker(applied);
    const again = await p.worker.processBatchWithReport(sqsEvent([sqsRecord(applied)]));
    expect(again.outcomes[0]).toMatchObject({ kind: 'duplicate' });
    expect(callsOf(stack().emulator)('users.create')).toBe(0);
    await p.close();
  });

  it('a capped event redelivered later (another receivedAt, so another cap) is still a duplicate', async () => {
    const p = await pipeline(stack());
    const future = command({
      action: 'create',
      email: email('capped'),
      occurredAt: '2099-01-01T00:00:00Z',
      receivedAt: minutesAgo(10),
    });
    await p.worker.processBatch(sqsEvent([sqsRecord(future)]));
    const again = await p.worker.processBatchWithReport(
      sqsEvent([sqsRecord({ ...future, receivedAt: minutesAgo(8) })]),
    );
    expect(again.outcomes[0]).toMatchObject({ kind: 'duplicate' });
    await p.close();
  });
});
