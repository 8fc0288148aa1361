import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  createStateTable,
  PENDING_DELETE_PK,
  type ProvisioningCommand,
  pendingDeleteSortKey,
} from '@idp-sync/contracts';
import { toCommandMessage } from '@idp-sync/contracts/command';
import { createGraceSweeper, type GracePeriodConfig } from '@idp-sync/worker/grace';
import type { WorkerConfig } from '@idp-sync/worker/lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Pipeline,
  pipeline,
  recordingLogger,
  startWorkerStack,
  type WorkerStack,
} from '../../helpers/worker/harness';
import { command } from '../../helpers/worker/records';

// Issue #16 part 2: grace periods for deactivations, against dynalite, fauxqs and the Users API emulator. Each test
// has its own state table; a test clock moves time past the grace period.

const HOUR = 3_600_000;
let stack: WorkerStack;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

beforeAll(async () => {
  stack = await startWorkerStack();
});
afterAll(async () => {
  await stack.stop();
});

interface Harness {
  p: Pipeline;
  logger: ReturnType<typeof recordingLogger>;
  tableName: string;
  clock: { ms: number };
  /** One sweep at the test clock's time. */
  sweep(): ReturnType<ReturnType<typeof createGraceSweeper>['sweep']>;
  /** The person's pending-delete item as stored. */
  item(person: string): Promise<Record<string, unknown> | undefined>;
  drain(): Promise<NonNullable<Awaited<ReturnType<Pipeline['processNext']>>>[]>;
}

async function harness(grace: Partial<GracePeriodConfig> = {}, extra: Partial<WorkerConfig> = {}): Promise<Harness> {
  const tableName = `grace-${randomUUID().slice(0, 8)}`;
  await createStateTable(stack.dynamoClient, tableName);
  const logger = recordingLogger();
  const clock = { ms: Date.now() };
  const now = () => new Date(clock.ms);
  const p = await pipeline(stack, {
    logger,
    now,
    config: {
      stateTableName: tableName,
      gracePeriods: {
        periods: { okta: 24 * HOUR, scim: 24 * HOUR, workos: 24 * HOUR },
        revokeDeveloper: false,
        ...grace,
      },
      ...extra,
    },
  });
  const sweeper = createGraceSweeper({
    dynamoClient: stack.dynamoClient,
    sqsClient: stack.sqsClient,
    queueUrl: p.queues.queueUrl,
    tableName,
    now,
  });
  const doc = DynamoDBDocumentClient.from(stack.dynamoClient);
  return {
    p,
    logger,
    tableName,
    clock,
    sweep: () => sweeper.sweep(),
    async item(person) {
      const out = await doc.send(
        new GetCommand({ TableName: tableName, Key: { pk: PENDING_DELETE_PK, sk: pendingDeleteSortKey(person) } }),
      );
      return out.Item;
    },
    async drain() {
      const reports = [];
      for (let r = await p.processNext(); r !== undefined; r = await p.processNext()) reports.push(r);
      return reports;
    },
  };
}

const okta = (action: ProvisioningCommand['action'], person: string, eventType: string, extra = {}) =>
  command({ source: 'okta', sourceEventType: eventType, action, email: person, ...extra });

function user(person: string) {
  return stack.emulator.state.findByEmail(person);
}

describe('a deactivation within its grace period', () => {
  it('Okta deactivate → reactivate: the person is untouched in the Users API, the scheduled delete cancelled, nothing released later', async () => {
    const h = await harness();
    const ada = email('okta');
    await h.p.enqueue([okta('create', ada, 'user.lifecycle.activate')]);
    await h.drain();
    const before = user(ada);
    expect(before?.deletedAt).toBeUndefined();

    await h.p.enqueue([okta('delete', ada, 'user.lifecycle.deactivate')]);
    const [deactivated] = await h.drain();
    expect(deactivated?.outcomes[0]).toMatchObject({ kind: 'deferred', state: 'scheduled' });
    expect(deactivated?.counts.DeletesScheduled).toBe(1);
    expect(deactivated?.response.batchItemFailures).toEqual([]);
    expect(await h.item(ada)).toMatchObject({ status: 'pending', source: 'okta' });
    expect(user(ada)?.deletedAt).toBeUndefined();

    h.clock.ms += 2 * HOUR;
    await h.p.enqueue([okta('create', ada, 'user.lifecycle.reactivate')]);
    const [reactivated] = await h.drain();
    expect(reactivated?.outcomes[0]).toMatchObject({ kind: 'applied', action: 'create' });
    expect(reactivated?.counts.ScheduledDeletesCancelled).toBe(1);
    expect(await h.item(ada)).toMatchObject({ status: 'cancelled' });

    h.clock.ms += 48 * HOUR;
    expect(await h.sweep()).toMatchObject({ released: 0, waiting: 0 });
    expect(await h.drain()).toEqual([]);
    const after = user(ada);
    expect(after?.id).toBe(before?.id);
    expect(after?.deletedAt).toBeUndefined();
    expect(await h.p.deadLetters()).toEqual([]);
    for (const entry of h.logger.entries) expect(JSON.stringify(entry)).not.toMatch(/okta-\d+@example\.com/);
    await h.p.close();
  });

  it('when the window ends the sweeper re-queues the delete and the worker applies it — an update in between does not stop it', async () => {
    const h = await harness();
    const bob = email('due');
    await h.p.enqueue([okta('create', bob, 'user.lifecycle.activate')]);
    await h.drain();
    const deactivate = okta('delete', bob, 'user.lifecycle.deactivate');
    await h.p.enqueue([deactivate]);
    await h.drain();
    // A profile change of the deactivated person: applied to the account that still exists, and no reactivation.
    await h.p.enqueue([okta('update', bob, 'user.account.update_profile', { name: 'Bob Renamed' })]);
    await h.drain();
    expect(user(bob)?.name).toBe('Bob Renamed');

    h.clock.ms += 23 * HOUR;
    expect(await h.sweep()).toMatchObject({ released: 0, waiting: 1 });
    expect(user(bob)?.deletedAt).toBeUndefined();

    h.clock.ms += 1 * HOUR + 1000;
    expect(await h.sweep()).toMatchObject({ released: 1, waiting: 0 });
    expect(await h.item(bob)).toMatchObject({ status: 'due', release: 1 });
    const [released] = await h.drain();
    expect(released?.outcomes[0]).toMatchObject({ kind: 'applied', action: 'delete', commandId: deactivate.id });
    expect(user(bob)?.deletedAt).toBeDefined();
    expect(await h.item(bob)).toMatchObject({ status: 'applied' });

    // A second sweep finds nothing; a redelivery of the deactivation is a duplicate.
    expect(await h.sweep()).toMatchObject({ released: 0, resent: 0 });
    await h.p.enqueue([{ ...deactivate }]);
    const again = await h.drain();
    expect(again.flatMap((r) => r.outcomes).map((o) => o.kind)).toEqual([]);
    expect(await h.p.deadLetters()).toEqual([]);
    await h.p.close();
  });

  it('an explicit termination is applied at once, also with a grace period, and settles a deactivation that waited', async () => {
    const h = await harness();
    const cy = email('term');
    await h.p.enqueue([okta('create', cy, 'user.lifecycle.activate')]);
    await h.drain();
    await h.p.enqueue([okta('delete', cy, 'user.lifecycle.deactivate')]);
    await h.drain();
    expect(await h.item(cy)).toMatchObject({ status: 'pending' });
    await h.p.enqueue([okta('delete', cy, 'user.lifecycle.delete.initiated')]);
    const [terminated] = await h.drain();
    expect(terminated?.outcomes[0]).toMatchObject({ kind: 'applied', action: 'delete' });
    expect(user(cy)?.deletedAt).toBeDefined();
    expect(await h.item(cy)).toMatchObject({ status: 'applied' });
    h.clock.ms += 25 * HOUR;
    expect(await h.sweep()).toMatchObject({ released: 0 });
    await h.p.close();
  });

  it('a source without a grace period is applied at once (off by default)', async () => {
    const h = await harness({ periods: { scim: 24 * HOUR } });
    const di = email('nograce');
    await h.p.enqueue([okta('create', di, 'user.lifecycle.activate')]);
    await h.drain();
    await h.p.enqueue([okta('delete', di, 'user.lifecycle.deactivate')]);
    const [report] = await h.drain();
    expect(report?.outcomes[0]).toMatchObject({ kind: 'applied', action: 'delete' });
    expect(await h.item(di)).toBeUndefined();
    await h.p.close();
  });

  it('a second deactivation while one waits changes nothing; a redelivery or a forged early re-send applies nothing', async () => {
    const h = await harness();
    const ed = email('twice');
    await h.p.enqueue([okta('create', ed, 'user.lifecycle.activate')]);
    await h.drain();
    const first = okta('delete', ed, 'user.lifecycle.deactivate');
    await h.p.enqueue([first]);
    await h.drain();
    const dueAt = (await h.item(ed))?.dueAtMs;
    h.clock.ms += HOUR;
    await h.p.enqueue([okta('delete', ed, 'application.user_membership.remove')]);
    const [second] = await h.drain();
    expect(second?.outcomes[0]).toMatchObject({ kind: 'deferred', state: 'waiting' });
    expect((await h.item(ed))?.dueAtMs).toBe(dueAt);
    // The same message again before it is due (anyone who can send to the queue could): still waiting.
    await stack.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: h.p.queues.queueUrl,
        ...toCommandMessage(first),
        MessageDeduplicationId: randomUUID(),
      }),
    );
    const [early] = await h.drain();
    expect(early?.outcomes[0]).toMatchObject({ kind: 'deferred', state: 'waiting' });
    expect(user(ed)?.deletedAt).toBeUndefined();
    expect(await h.item(ed)).toMatchObject({ status: 'pending', commandId: first.id });
    await h.p.close();
  });

  it('a released delete whose person came back before it arrived is dropped (the join was queued first)', async () => {
    const h = await harness();
    const fay = email('race');
    await h.p.enqueue([okta('create', fay, 'user.lifecycle.activate')]);
    await h.drain();
    await h.p.enqueue([okta('delete', fay, 'user.lifecycle.deactivate')]);
    await h.drain();
    h.clock.ms += 25 * HOUR;
    // The reactivation reaches the queue first; the sweep's release lands behind it in the person's group.
    await h.p.enqueue([okta('create', fay, 'user.lifecycle.reactivate')]);
    expect(await h.sweep()).toMatchObject({ released: 1 });
    const reports = await h.drain();
    const outcomes = reports.flatMap((r) => r.outcomes);
    expect(outcomes.map((o) => o.kind)).toEqual(['applied', 'deferred']);
    expect(outcomes[1]).toMatchObject({ state: 'cancelled' });
    expect(user(fay)?.deletedAt).toBeUndefined();
    expect(await h.item(fay)).toMatchObject({ status: 'cancelled' });
    await h.p.close();
  });

  it('an older join arriving late does not cancel a newer deactivation', async () => {
    const h = await harness();
    const gus = email('late');
    const lateJoin = okta('create', gus, 'user.lifecycle.activate');
    await h.p.enqueue([okta('create', gus, 'user.lifecycle.activate')]);
    await h.drain();
    await h.p.enqueue([okta('delete', gus, 'user.lifecycle.deactivate')]);
    await h.drain();
    await h.p.enqueue([lateJoin]); // occurredAt before the deactivation
    const [late] = await h.drain();
    expect(late?.outcomes[0]).toMatchObject({ kind: 'stale' });
    expect(await h.item(gus)).toMatchObject({ status: 'pending' });
    await h.p.close();
  });

  it('WorkOS: an update that says state active cancels; the deletion guard still counts the release and may hold it', async () => {
    const h = await harness({}, { deletionGuard: { enabled: true, windowMinutes: 60, floor: 1, percent: 0 } });
    const [hal, ida] = [email('workos'), email('workos')];
    const wk = (action: ProvisioningCommand['action'], person: string, extra = {}) =>
      command({ source: 'workos', sourceEventType: 'dsync.user.updated', action, email: person, ...extra });
    await h.p.enqueue([wk('create', hal), wk('create', ida)]);
    await h.drain();
    await h.p.enqueue([wk('delete', hal), wk('delete', ida)]);
    await h.drain();
    await h.p.enqueue([wk('update', hal, { active: true, name: 'Hal Back' })]);
    const [back] = await h.drain();
    expect(back?.outcomes[0]).toMatchObject({ kind: 'applied', action: 'update' });
    expect(await h.item(hal)).toMatchObject({ status: 'cancelled' });
    expect(user(hal)?.name).toBe('Hal Back');

    // Two more people deactivated, so that three releases meet a guard of 1 per hour.
    const [jo, kim] = [email('workos'), email('workos')];
    await h.p.enqueue([wk('create', jo), wk('create', kim)]);
    await h.drain();
    await h.p.enqueue([wk('delete', jo), wk('delete', kim)]);
    await h.drain();
    h.clock.ms += 25 * HOUR;
    expect(await h.sweep()).toMatchObject({ released: 3 });
    const outcomes = (await h.drain()).flatMap((r) => r.outcomes);
    expect(outcomes.filter((o) => o.kind === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'held')).toHaveLength(2);
    const statuses = await Promise.all([ida, jo, kim].map(async (p) => (await h.item(p))?.status));
    expect(statuses.sort()).toEqual(['applied', 'held', 'held']);
    // Held releases are the guard's now: later sweeps do not send them again.
    h.clock.ms += 10 * 60_000;
    expect(await h.sweep()).toMatchObject({ released: 0, resent: 0 });
    await h.p.close();
  });

  it('GRACE_REVOKE_DEVELOPER: is_developer goes off at the deactivation and back on at the reactivation', async () => {
    const h = await harness({ revokeDeveloper: true });
    const liv = email('dev');
    await h.p.enqueue([okta('create', liv, 'user.lifecycle.activate', { isDeveloper: true })]);
    await h.drain();
    expect(user(liv)?.isDeveloper).toBe(true);
    await h.p.enqueue([okta('delete', liv, 'user.lifecycle.deactivate')]);
    await h.drain();
    expect(user(liv)?.isDeveloper).toBe(false);
    expect(await h.item(liv)).toMatchObject({ status: 'pending', revokedDeveloper: true });
    await h.p.enqueue([okta('create', liv, 'user.lifecycle.reactivate')]);
    await h.drain();
    expect(user(liv)?.isDeveloper).toBe(true);
    expect(user(liv)?.deletedAt).toBeUndefined();
    await h.p.close();
  });

  it('a release whose send was not recorded (a crash between) is sent again by a later sweep, and applied once', async () => {
    const h = await harness();
    const max = email('resend');
    await h.p.enqueue([okta('create', max, 'user.lifecycle.activate')]);
    await h.drain();
    await h.p.enqueue([okta('delete', max, 'user.lifecycle.deactivate')]);
    await h.drain();
    h.clock.ms += 25 * HOUR;
    // A sweep that dies after marking the item due: its send never happened.
    const doc = DynamoDBDocumentClient.from(stack.dynamoClient);
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await doc.send(
      new UpdateCommand({
        TableName: h.tableName,
        Key: { pk: PENDING_DELETE_PK, sk: pendingDeleteSortKey(max) },
        UpdateExpression: 'SET #s = :due, #r = :one, #ra = :at',
        ExpressionAttributeNames: { '#s': 'status', '#r': 'release', '#ra': 'releasedAtMs' },
        ExpressionAttributeValues: { ':due': 'due', ':one': 1, ':at': h.clock.ms },
      }),
    );
    expect(await h.sweep()).toMatchObject({ released: 0, resent: 0 });
    h.clock.ms += 5 * 60_000;
    expect(await h.sweep()).toMatchObject({ resent: 1 });
    const outcomes = (await h.drain()).flatMap((r) => r.outcomes);
    expect(outcomes.map((o) => o.kind)).toEqual(['applied']);
    expect(user(max)?.deletedAt).toBeDefined();
    await h.p.close();
  });
});
