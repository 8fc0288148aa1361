import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createStateTable, DELETION_APPROVED_ATTRIBUTE, type ProvisioningCommand } from '@idp-sync/contracts';
import { toCommandMessage } from '@idp-sync/contracts/command';
import { localDynamoDbClient } from '@idp-sync/local-stack';
import { createWorker } from '@idp-sync/worker/batch';
import { createWorkerUsersClient, type WorkerConfig } from '@idp-sync/worker/lambda';
import type { DeletionGuardConfig } from '@idp-sync/worker/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardTable } from '../../helpers/deletion-guard';
import { countDynamoCalls } from '../../helpers/worker/dynamo-calls';
import {
  type Pipeline,
  pipeline,
  recordingLogger,
  startWorkerStack,
  type WorkerStack,
} from '../../helpers/worker/harness';
import { command, sqsEvent, sqsRecord } from '../../helpers/worker/records';

// Issue #16: the deletion guard, against dynalite, fauxqs and the Users API emulator. Each test has its own state
// table, so its own guard.

let stack: WorkerStack;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

beforeAll(async () => {
  stack = await startWorkerStack();
});
afterAll(async () => {
  await stack.stop();
});

async function freshPipeline(guard: Partial<DeletionGuardConfig>, extra: Partial<WorkerConfig> = {}) {
  const tableName = `guard-${randomUUID().slice(0, 8)}`;
  await createStateTable(stack.dynamoClient, tableName);
  const logger = recordingLogger();
  const p = await pipeline(stack, {
    logger,
    config: {
      stateTableName: tableName,
      deletionGuard: { enabled: true, windowMinutes: 60, floor: 3, percent: 0, ...guard },
      ...extra,
    },
  });
  return { p, logger, tableName, table: guardTable(stack.dynamoClient, tableName) };
}

/** Creates the people through the worker (so they are warm and counted), one batch per ten. */
async function join(p: Pipeline, people: string[]): Promise<void> {
  await p.enqueue(people.map((e) => command({ action: 'create', email: e })));
  while ((await p.processNext()) !== undefined);
}

async function drain(p: Pipeline) {
  const reports = [];
  for (let r = await p.processNext(); r !== undefined; r = await p.processNext()) reports.push(r);
  return reports;
}

/** What the CLI's approve does, by hand: the approval recorded, the original body re-sent with its group. */
async function approveByHand(p: Pipeline, table: ReturnType<typeof guardTable>, c: ProvisioningCommand) {
  await table.setStatus(c.id, 'approved');
  await resend(p, c, true);
}

async function resend(p: Pipeline, c: ProvisioningCommand, hint: boolean) {
  await stack.sqsClient.send(
    new SendMessageCommand({
      QueueUrl: p.queues.queueUrl,
      ...toCommandMessage(c),
      MessageDeduplicationId: randomUUID(),
      ...(hint
        ? { MessageAttributes: { [DELETION_APPROVED_ATTRIBUTE]: { DataType: 'String', StringValue: '1' } } }
        : {}),
    }),
  );
}

describe('the deletion guard holds deletes over the limit', () => {
  it('a bulk leave of 5 with a limit of 3: 3 deleted in one bulkDelete, 2 held and the guard tripped; nothing names an email', async () => {
    const { p, logger, table } = await freshPipeline({ floor: 3 });
    const people = Array.from({ length: 5 }, () => email('bulk'));
    await join(p, people);
    const leaves = people.map((e) => command({ action: 'delete', email: e }));
    await p.enqueue(leaves);
    const report = await p.processNext();
    expect(report?.outcomes).toHaveLength(5);
    expect(report?.bulkDeleteCalls).toBe(1);
    expect(report?.outcomes.filter((o) => o.kind === 'applied')).toHaveLength(3);
    expect(report?.outcomes.filter((o) => o.kind === 'held')).toHaveLength(2);
    expect(report?.counts.DeletesHeld).toBe(2);
    expect(report?.counts.DeletionGuardTripped).toBe(1);
    // Held means acknowledged: nothing is left on the queue or sent to the DLQ.
    expect(report?.response.batchItemFailures).toEqual([]);
    expect(await p.deadLetters()).toEqual([]);
    const deleted = people.filter((e) => stack.emulator.state.findByEmail(e)?.deletedAt !== undefined);
    expect(deleted).toHaveLength(3);

    const guard = await table.guard();
    expect(guard).toMatchObject({ tripped: true, trippedLimit: 3 });
    const held = await table.held();
    expect(held.map((h) => h.status)).toEqual(['held', 'held']);
    const heldIds = new Set(held.map((h) => h.commandId));
    for (const leave of leaves.filter((l) => heldIds.has(l.id))) {
      expect(stack.emulator.state.findByEmail(leave.email)?.deletedAt).toBeUndefined();
      const item = await table.heldOf(leave.id);
      expect(item).toMatchObject({ source: 'hr', email: leave.email, occurredAt: leave.occurredAt });
      expect(JSON.parse(String(item?.body))).toMatchObject({ id: leave.id, action: 'delete' });
    }
    const tripped = logger.entries.find((e) => /deletion guard tripped/.test(e.message));
    expect(tripped?.level).toBe('error');
    expect(tripped?.extra).toMatchObject({ limit: 3, windowMinutes: 60 });
    expect(tripped?.message).toMatch(/limit of 3/);
    for (const entry of logger.entries) expect(JSON.stringify(entry)).not.toMatch(/bulk-\d+@example\.com/);
    await p.close();
  });

  it('once tripped, every later delete is held — also hours later, when the window has long rolled on', async () => {
    const later3h = Date.now() + 3 * 3600_000;
    const { p, table } = await freshPipeline({ floor: 1 });
    const [a, b, c] = [email('trip'), email('trip'), email('trip')];
    await join(p, [a, b, c]);
    await p.enqueue([command({ action: 'delete', email: a }), command({ action: 'delete', email: b })]);
    await drain(p);
    expect((await table.guard())?.tripped).toBe(true);

    const later = createWorker({
      config: p.config,
      usersClient: p.users.client,
      sqsClient: stack.sqsClient,
      dynamoClient: stack.dynamoClient,
      now: () => new Date(later3h),
    });
    const report = await later.processBatchWithReport(sqsEvent([sqsRecord(command({ action: 'delete', email: c }))]));
    expect(report.outcomes[0]).toMatchObject({ kind: 'held', verdict: 'held' });
    expect(stack.emulator.state.findByEmail(c)?.deletedAt).toBeUndefined();
    await p.close();
  });

  it('a re-sent held delete is not applied and is stored once; a forged approval attribute changes nothing', async () => {
    const { p, table } = await freshPipeline({ floor: 1 });
    const [a, b] = [email('forge'), email('forge')];
    await join(p, [a, b]);
    const leaves = [command({ action: 'delete', email: a }), command({ action: 'delete', email: b })];
    await p.enqueue(leaves);
    await drain(p);
    const stored = await table.held();
    expect(stored).toHaveLength(1);
    const target = leaves.find((l) => l.id === stored[0]?.commandId) as ProvisioningCommand;
    await resend(p, target, true);
    const [report] = await drain(p);
    expect(report?.outcomes[0]).toMatchObject({ kind: 'held', verdict: 'held' });
    expect(stack.emulator.state.findByEmail(target.email)?.deletedAt).toBeUndefined();
    expect(await table.held()).toMatchObject([{ status: 'held' }]);
    await p.close();
  });
});

describe('a person decides', () => {
  it('an approved delete passes the tripped guard once, uncounted, and its approval is marked applied', async () => {
    const { p, table } = await freshPipeline({ floor: 1 });
    const [a, b] = [email('approve'), email('approve')];
    await join(p, [a, b]);
    const [leaveA, leaveB] = [command({ action: 'delete', email: a }), command({ action: 'delete', email: b })];
    await p.enqueue([leaveA]);
    await drain(p);
    await p.enqueue([leaveB]);
    await drain(p);
    expect(await table.heldOf(leaveB.id)).toMatchObject({ status: 'held' });
    const before = await table.guard();

    await approveByHand(p, table, leaveB);
    const [report] = await drain(p);
    expect(report?.outcomes[0]).toMatchObject({ kind: 'applied', action: 'delete', detail: 'deleted' });
    expect(report?.counts.ApprovedDeletesPassed).toBe(1);
    expect(stack.emulator.state.findByEmail(b)?.deletedAt).toBeDefined();
    expect(await table.heldOf(leaveB.id)).toMatchObject({ status: 'applied' });
    const after = await table.guard();
    expect(after?.buckets).toEqual(before?.buckets); // not counted
    expect(after?.tripped).toBe(true); // approving is not re-arming

    // Sent again (a second approve run after SQS's dedup window): the idempotency record makes it a duplicate.
    await resend(p, leaveB, true);
    const [again] = await drain(p);
    expect(again?.outcomes[0]).toMatchObject({ kind: 'duplicate' });
    await p.close();
  });

  it('a held delete whose person re-joined meanwhile is superseded by the stale guard when approved', async () => {
    const { p, table } = await freshPipeline({ floor: 1 });
    const [a, b] = [email('rejoin'), email('rejoin')];
    await join(p, [a, b]);
    const leaveA = command({ action: 'delete', email: a });
    const leaveB = command({ action: 'delete', email: b });
    await p.enqueue([leaveA]);
    await drain(p);
    await p.enqueue([leaveB]);
    await drain(p);
    expect(await table.heldOf(leaveB.id)).toMatchObject({ status: 'held' });
    // The person is still there (the delete was held): a newer update of them is applied.
    await p.enqueue([command({ action: 'update', email: b, name: 'Back Again' })]);
    await drain(p);

    await approveByHand(p, table, leaveB);
    const [report] = await drain(p);
    expect(report?.outcomes[0]).toMatchObject({ kind: 'stale', action: 'delete' });
    expect(stack.emulator.state.findByEmail(b)?.deletedAt).toBeUndefined();
    expect(await table.heldOf(leaveB.id)).toMatchObject({ status: 'superseded' });
    await p.close();
  });

  it('a delete reusing a held command id for another person is dead-lettered CommandIdReused: never passed, never dropped', async () => {
    const { p, table } = await freshPipeline({ floor: 1 });
    const [a, b, c] = [email('reuse'), email('reuse'), email('reuse')];
    await join(p, [a, b, c]);
    const leaveB = command({ action: 'delete', email: b });
    await p.enqueue([command({ action: 'delete', email: a })]);
    await drain(p);
    await p.enqueue([leaveB]);
    await drain(p);
    await table.setStatus(leaveB.id, 'approved');

    // The approved id, sent again naming someone else (a sender reusing event ids, or one guessing approved ids).
    const impostor = command({ action: 'delete', email: c, id: leaveB.id, occurredAt: leaveB.occurredAt });
    await resend(p, impostor, true);
    const [report] = await drain(p);
    expect(report?.outcomes[0]).toMatchObject({ kind: 'dead-lettered', errorClass: 'CommandIdReused' });
    expect(report?.counts.ApprovedDeletesPassed).toBeUndefined();
    expect(stack.emulator.state.findByEmail(c)?.deletedAt).toBeUndefined();
    expect(await table.heldOf(leaveB.id)).toMatchObject({ status: 'approved' }); // the real approval is untouched

    // The approved command itself still passes, once.
    await resend(p, leaveB, true);
    const [approved] = await drain(p);
    expect(approved?.outcomes[0]).toMatchObject({ kind: 'applied', action: 'delete' });
    expect(stack.emulator.state.findByEmail(b)?.deletedAt).toBeDefined();
    await p.close();
  });

  it('a discarded delete sent again is acknowledged and not applied', async () => {
    const { p, table } = await freshPipeline({ floor: 1 });
    const [a, b] = [email('discard'), email('discard')];
    await join(p, [a, b]);
    const leaveB = command({ action: 'delete', email: b });
    await p.enqueue([command({ action: 'delete', email: a })]);
    await drain(p);
    await p.enqueue([leaveB]);
    await drain(p);
    await table.setStatus(leaveB.id, 'discarded');
    await resend(p, leaveB, false);
    const [report] = await drain(p);
    expect(report?.outcomes[0]).toMatchObject({ kind: 'held', verdict: 'discarded' });
    expect(report?.counts.DiscardedDeletesDropped).toBe(1);
    expect(stack.emulator.state.findByEmail(b)?.deletedAt).toBeUndefined();
    await p.close();
  });
});

describe('the limit and its cost', () => {
  it('the limit grows with the people managed: 50 % of 6 people counted at their creates allows 3', async () => {
    const { p, table } = await freshPipeline({ floor: 1, percent: 50 });
    const people = Array.from({ length: 6 }, () => email('share'));
    await join(p, people);
    expect((await table.guard())?.managed).toBe(6);
    await p.enqueue(people.slice(0, 4).map((e) => command({ action: 'delete', email: e })));
    const [report] = await drain(p);
    expect(report?.outcomes.filter((o) => o.kind === 'applied')).toHaveLength(3);
    expect(report?.outcomes.filter((o) => o.kind === 'held')).toHaveLength(1);
    expect((await table.guard())?.managed).toBe(3);
    await p.close();
  });

  it('two workers at once never let more than the limit through (one conditional write each, retried on conflict)', async () => {
    const { p, table } = await freshPipeline({ floor: 4 });
    const people = Array.from({ length: 8 }, () => email('race'));
    await join(p, people);
    const leaves = people.map((e) => command({ action: 'delete', email: e }));
    const second = createWorker({
      config: p.config,
      usersClient: p.users.client,
      sqsClient: stack.sqsClient,
      dynamoClient: stack.dynamoClient,
    });
    const [r1, r2] = await Promise.all([
      p.worker.processBatchWithReport(sqsEvent(leaves.slice(0, 4).map((c) => sqsRecord(c)))),
      second.processBatchWithReport(sqsEvent(leaves.slice(4).map((c) => sqsRecord(c)))),
    ]);
    const outcomes = [...(r1?.outcomes ?? []), ...(r2?.outcomes ?? [])];
    expect(outcomes.filter((o) => o.kind === 'applied')).toHaveLength(4);
    expect(outcomes.filter((o) => o.kind === 'held')).toHaveLength(4);
    expect(people.filter((e) => stack.emulator.state.findByEmail(e)?.deletedAt !== undefined)).toHaveLength(4);
    expect(await table.held()).toHaveLength(4);
    await p.close();
  });

  it('costs one extra DynamoDB write per bulk delete (10 people) and per single delete; off, none', async () => {
    const extraWrites = async (enabled: boolean, size: number) => {
      const { p, tableName } = await freshPipeline({ enabled, floor: 1000 });
      const people = Array.from({ length: size }, () => email('cost'));
      await join(p, people);
      const client = localDynamoDbClient(stack.ddb);
      const ddb = countDynamoCalls(client);
      const users = createWorkerUsersClient(p.config, { apiKey: stack.emulator.apiKey });
      const worker = createWorker({
        config: { ...p.config, stateTableName: tableName },
        usersClient: users.client,
        sqsClient: stack.sqsClient,
        dynamoClient: client,
      });
      const report = await worker.processBatchWithReport(
        sqsEvent(people.map((e) => sqsRecord(command({ action: 'delete', email: e })))),
      );
      expect(report.outcomes.every((o) => o.kind === 'applied')).toBe(true);
      await users.close();
      client.destroy();
      await p.close();
      return { writes: ddb.writes(), reads: ddb.reads() };
    };
    const bulkOff = await extraWrites(false, 10);
    const bulkOn = await extraWrites(true, 10);
    const oneOff = await extraWrites(false, 1);
    const oneOn = await extraWrites(true, 1);
    console.log(
      `deletion guard cost: bulk of 10 — writes ${bulkOff.writes} → ${bulkOn.writes}, reads ${bulkOff.reads} → ${bulkOn.reads}; one delete — writes ${oneOff.writes} → ${oneOn.writes}, reads ${oneOff.reads} → ${oneOn.reads}`,
    );
    expect(bulkOn.writes - bulkOff.writes).toBe(1);
    expect(oneOn.writes - oneOff.writes).toBe(1);
  });

  it('DELETION_GUARD off: nothing is counted or held', async () => {
    const { p, table } = await freshPipeline({ enabled: false, floor: 1 });
    const people = Array.from({ length: 3 }, () => email('off'));
    await join(p, people);
    await p.enqueue(people.map((e) => command({ action: 'delete', email: e })));
    const [report] = await drain(p);
    expect(report?.outcomes.every((o) => o.kind === 'applied')).toBe(true);
    expect(await table.guard()).toBeUndefined();
    await p.close();
  });
});
