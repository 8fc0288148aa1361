import { randomUUID } from 'node:crypto';
import type { Metrics } from '@idp-sync/common';
import { createSqsCommandSender, createStateTable, type DirectoryPerson } from '@idp-sync/contracts';
import { RECONCILE_METRICS, runScheduledCheck } from '@idp-sync/reconcile';
import { loadReconcileFunctionConfig, ReconcileConfigError } from '@idp-sync/reconcile/lambda';
import { createUsersClient } from '@idp-sync/users-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline, recordingLogger, startWorkerStack, type WorkerStack } from '../../helpers/worker/harness';
import { command } from '../../helpers/worker/records';

// Issue #17: the scheduled check's metrics and apply modes, against dynalite, fauxqs, the emulator and the worker.

let stack: WorkerStack;
beforeAll(async () => {
  stack = await startWorkerStack();
});
afterAll(async () => {
  await stack.stop();
});

function recordingMetrics() {
  const counts: { name: string; dimensions: Record<string, string>; value: number }[] = [];
  const metrics: Metrics = {
    count: (name, dimensions, value = 1) => counts.push({ name, dimensions: { ...dimensions }, value }),
  };
  return { metrics, counts };
}

const source = (people: DirectoryPerson[]) => ({
  name: 'test directory',
  async *people() {
    yield* people;
  },
});

async function setup() {
  const tableName = `scheduled-${randomUUID().slice(0, 8)}`;
  await createStateTable(stack.dynamoClient, tableName);
  const p = await pipeline(stack, { config: { stateTableName: tableName } });
  const domain = `s${randomUUID().slice(0, 6)}.example`;
  const at = (local: string) => `${local}@${domain}`;
  await p.enqueue([command({ action: 'create', email: at('leaver'), name: 'Leaver' })]);
  while ((await p.processNext()) !== undefined);
  const people: DirectoryPerson[] = [{ email: at('joiner'), name: 'Joiner', active: true }];
  const users = createUsersClient({ apiKey: stack.emulator.apiKey, baseUrl: stack.emulator.url });
  return { p, tableName, domain, at, people, users };
}

describe('the scheduled reconcile check', () => {
  it('report: drift metrics per category and to repair, a log line of counts without emails, nothing sent', async () => {
    const { p, tableName, domain, at, people, users } = await setup();
    const { metrics, counts } = recordingMetrics();
    const logger = recordingLogger();
    const [result] = await runScheduledCheck({
      sources: [source(people)],
      users: users.users,
      dynamoClient: stack.dynamoClient,
      tableName,
      scope: [domain],
      apply: 'report',
      metrics,
      logger,
    });
    expect(result).toMatchObject({ source: 'test directory', sent: 0, counts: { create: 1, delete: 1 } });
    const value = (name: string, category?: string) =>
      counts.find((c) => c.name === name && (category === undefined || c.dimensions.category === category))?.value;
    expect(value(RECONCILE_METRICS.drift, 'create')).toBe(1);
    expect(value(RECONCILE_METRICS.drift, 'delete')).toBe(1);
    expect(value(RECONCILE_METRICS.drift, 'terminal')).toBe(0);
    expect(value(RECONCILE_METRICS.driftToRepair)).toBe(2);
    const line = logger.entries.find((e) => /does not match/.test(e.message));
    expect(line?.extra).toMatchObject({ source: 'test directory', create: 1, delete: 1, commandsSent: 0 });
    expect(JSON.stringify(logger.entries)).not.toContain(at('joiner'));
    expect(await p.receive(0)).toEqual([]);
    await users.close();
    await p.close();
  });

  it('creates-and-updates sends the join but not the delete; all sends both (through the worker and its guard)', async () => {
    const { p, tableName, domain, at, people, users } = await setup();
    const sender = createSqsCommandSender({ client: stack.sqsClient, queueUrl: p.queues.queueUrl });
    const run = (apply: 'creates-and-updates' | 'all') =>
      runScheduledCheck({
        sources: [source(people)],
        users: users.users,
        dynamoClient: stack.dynamoClient,
        tableName,
        scope: [domain],
        apply,
        sender,
        metrics: recordingMetrics().metrics,
        logger: recordingLogger(),
      });
    expect((await run('creates-and-updates'))[0]?.sent).toBe(1);
    while ((await p.processNext()) !== undefined);
    expect(stack.emulator.state.findByEmail(at('joiner'))?.deletedAt).toBeUndefined();
    expect(stack.emulator.state.findByEmail(at('leaver'))?.deletedAt).toBeUndefined();
    expect((await run('all'))[0]?.sent).toBe(1);
    while ((await p.processNext()) !== undefined);
    expect(stack.emulator.state.findByEmail(at('leaver'))?.deletedAt).toBeDefined();
    await users.close();
    await p.close();
  });

  it('a source that fails is counted and logged; the others still run', async () => {
    const { tableName, domain, people, users } = await setup();
    const { metrics, counts } = recordingMetrics();
    const broken = {
      name: 'broken',
      // biome-ignore lint/correctness/useYield: a source that fails before yielding anyone
      async *people(): AsyncGenerator<DirectoryPerson> {
        throw new Error('the directory is down for a@example.com');
      },
    };
    const results = await runScheduledCheck({
      sources: [broken, source(people)],
      users: users.users,
      dynamoClient: stack.dynamoClient,
      tableName,
      scope: [domain],
      apply: 'report',
      metrics,
      logger: recordingLogger(),
    });
    expect(results.map((r) => [r.source, r.error === undefined])).toEqual([
      ['broken', false],
      ['test directory', true],
    ]);
    expect(results[0]?.error).not.toContain('a@example.com');
    expect(counts.find((c) => c.name === RECONCILE_METRICS.failed)?.dimensions).toEqual({ source: 'broken' });
    await users.close();
  });
});

describe('the reconcile function’s configuration', () => {
  it('lists every problem at once', () => {
    let problems: readonly string[] = [];
    try {
      loadReconcileFunctionConfig({
        RECONCILE_SOURCES: 'okta,workos',
        RECONCILE_APPLY: 'all',
        OKTA_ORG_URL: 'http://acme.okta.com',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ReconcileConfigError);
      problems = (error as ReconcileConfigError).problems;
    }
    expect(problems).toEqual([
      'ARIZE_API_KEY: set ARIZE_API_KEY_SECRET_ARN (AWS) or ARIZE_API_KEY (local)',
      'OKTA_ORG_URL: must be https (the token goes with every request)',
      'OKTA_APP_ID: set OKTA_APP_ID or OKTA_GROUP_ID (one of them): whose users the check reads',
      'OKTA_API_TOKEN_SECRET_ARN: set it (AWS) or OKTA_API_TOKEN (local)',
      'WORKOS_DIRECTORY_ID: set it to the directory (directory_…)',
      'WORKOS_API_KEY_SECRET_ARN: set it (AWS) or WORKOS_API_KEY (local)',
      'QUEUE_URL: RECONCILE_APPLY=all sends commands: set the work queue',
    ]);
  });

  it('needs at least one source', () => {
    expect(() => loadReconcileFunctionConfig({ ARIZE_API_KEY: 'k' })).toThrow(/RECONCILE_SOURCES/);
  });
});
