import { randomUUID } from 'node:crypto';
import { runCli } from '@idp-sync/cli';
import { createStateTable, type ProvisioningCommand } from '@idp-sync/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardTable } from '../../helpers/deletion-guard';
import { type Pipeline, pipeline, startWorkerStack, type WorkerStack } from '../../helpers/worker/harness';
import { command } from '../../helpers/worker/records';
import { captureIo } from './dlq-messages';

// Issue #16: `idp-sync deletes list|approve|discard|rearm` against the local stack's parts (fauxqs, dynalite, the
// emulator) and the real worker, as on-call would use them after the deletion guard tripped.

let stack: WorkerStack;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@example.com`;

beforeAll(async () => {
  stack = await startWorkerStack();
});
afterAll(async () => {
  await stack.stop();
});

interface Setup {
  p: Pipeline;
  table: ReturnType<typeof guardTable>;
  env: NodeJS.ProcessEnv;
}

/** A pipeline on its own state table with a guard that lets 1 delete per hour through. */
async function setup(): Promise<Setup> {
  const tableName = `cli-guard-${randomUUID().slice(0, 8)}`;
  await createStateTable(stack.dynamoClient, tableName);
  const p = await pipeline(stack, {
    config: { stateTableName: tableName, deletionGuard: { enabled: true, windowMinutes: 60, floor: 1, percent: 0 } },
  });
  const name = (url: string) => url.slice(url.lastIndexOf('/') + 1);
  const env: NodeJS.ProcessEnv = {
    SQS_ENDPOINT: stack.sqs.endpoint,
    DYNAMODB_ENDPOINT: stack.ddb.endpoint,
    IDP_SYNC_STATE_TABLE: tableName,
    IDP_SYNC_QUEUE_NAME: name(p.queues.queueUrl),
    IDP_SYNC_DLQ_NAME: name(p.queues.dlqUrl),
    IDP_SYNC_RECEIVE_WAIT_SECONDS: '0',
    AWS_REGION: stack.sqs.region,
    USER: 'oncall-ann',
  };
  return { p, table: guardTable(stack.dynamoClient, tableName), env };
}

async function drain(p: Pipeline) {
  const reports = [];
  for (let r = await p.processNext(); r !== undefined; r = await p.processNext()) reports.push(r);
  return reports;
}

/** Joins the people, then sends their leaves one batch after another: the first passes, the rest are held. */
async function holdLeaves(p: Pipeline, people: string[]): Promise<ProvisioningCommand[]> {
  await p.enqueue(people.map((e) => command({ action: 'create', email: e })));
  await drain(p);
  const leaves: ProvisioningCommand[] = [];
  for (const e of people) {
    const leave = command({ action: 'delete', email: e, sourceEventType: 'employee.terminated' });
    leaves.push(leave);
    await p.enqueue([leave]);
    await drain(p);
  }
  return leaves;
}

async function cli(env: NodeJS.ProcessEnv, argv: string[]) {
  const captured = captureIo(env);
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

const deleted = (who: string) => stack.emulator.state.findByEmail(who)?.deletedAt !== undefined;

describe('idp-sync deletes', () => {
  it('list: the guard’s state and each held delete — command id, source, event, person redacted, times', async () => {
    const { p, env } = await setup();
    const people = [email('list'), email('list'), email('list')];
    const leaves = await holdLeaves(p, people);
    expect(people.map(deleted)).toEqual([true, false, false]);

    const out = await cli(env, ['deletes', 'list']);
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/TRIPPED .*limit 1/);
    expect(out.stderr).toMatch(/2 delete\(s\) held/);
    for (const leave of leaves.slice(1)) expect(out.stdout).toContain(leave.id);
    expect(out.stdout).not.toContain(leaves[0]?.id);
    expect(out.stdout).toContain('employee.terminated');
    for (const who of people) expect(out.stdout + out.stderr).not.toContain(who);

    const json = await cli(env, ['deletes', 'list', '--json']);
    const rows = JSON.parse(json.stdout) as Array<Record<string, string>>;
    expect(rows.map((r) => r.commandId)).toEqual(leaves.slice(1).map((l) => l.id)); // in hold order
    expect(rows[0]).toMatchObject({ source: 'hr', status: 'held', occurredAt: leaves[1]?.occurredAt });
    expect(rows[0]?.person).toMatch(/^l\*+@example\.com$/);
    await p.close();
  });

  it('approve: a dry run changes nothing; then only the filtered person, recorded, re-queued and applied once', async () => {
    const { p, env, table } = await setup();
    const people = [email('ok'), email('ok'), email('ok')];
    const leaves = await holdLeaves(p, people);
    const [, b, c] = leaves as [ProvisioningCommand, ProvisioningCommand, ProvisioningCommand];

    const dry = await cli(env, ['deletes', 'approve', '--email', b.email, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(b.id);
    expect(dry.stdout).not.toContain(c.id);
    expect(dry.stderr).toMatch(/Dry run: would approve 1/);
    expect(await table.heldOf(b.id)).toMatchObject({ status: 'held' });
    expect(await drain(p)).toEqual([]); // nothing was queued

    const refused = await cli(env, ['deletes', 'approve', '--email', b.email]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/what to do: pass --yes/);

    const ok = await cli(env, ['deletes', 'approve', '--email', b.email, '--yes', '--by', 'oncall-bo']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`approved ${b.id} \\(.+\\) by oncall-bo at \\d{4}-`));
    expect(ok.stdout).not.toContain(b.email);
    expect(await table.heldOf(b.id)).toMatchObject({ status: 'approved', approvedBy: 'oncall-bo' });

    const [report] = await drain(p);
    expect(report?.outcomes).toMatchObject([{ kind: 'applied', commandId: b.id, detail: 'deleted' }]);
    expect(deleted(b.email)).toBe(true);
    expect(deleted(c.email)).toBe(false);
    expect(await table.heldOf(b.id)).toMatchObject({ status: 'applied' });

    // Run again: nothing left to approve for that person, nothing sent.
    const again = await cli(env, ['deletes', 'approve', '--email', b.email, '--yes']);
    expect(again.stderr).toMatch(/nothing to approve/);
    expect(await drain(p)).toEqual([]);
    await p.close();
  });

  it('approve all: each person’s deletes go back in their order, and a person with a newer event is not deleted', async () => {
    const { p, env, table } = await setup();
    const people = [email('order'), email('order'), email('order')];
    const leaves = await holdLeaves(p, people);
    const [, b, c] = leaves as [ProvisioningCommand, ProvisioningCommand, ProvisioningCommand];
    // c re-joined in the source after the held leave: their update is applied (the account was never deleted).
    await p.enqueue([command({ action: 'update', email: c.email, name: 'Came Back' })]);
    await drain(p);

    const ok = await cli(env, ['deletes', 'approve', '--yes']);
    expect(ok.code).toBe(0);
    const order = [...ok.stdout.matchAll(/approved (\S+)/g)].map((m) => m[1]);
    expect(order).toEqual([b.id, c.id]);
    const outcomes = (await drain(p)).flatMap((r) => r.outcomes);
    expect(outcomes.find((o) => o.commandId === b.id)).toMatchObject({ kind: 'applied' });
    expect(outcomes.find((o) => o.commandId === c.id)).toMatchObject({ kind: 'stale' });
    expect(deleted(b.email)).toBe(true);
    expect(deleted(c.email)).toBe(false);
    expect(await table.heldOf(c.id)).toMatchObject({ status: 'superseded' });
    await p.close();
  });

  it('discard: recorded with who and when, never applied; list --all shows it', async () => {
    const { p, env, table } = await setup();
    const people = [email('drop'), email('drop')];
    const [, b] = (await holdLeaves(p, people)) as [ProvisioningCommand, ProvisioningCommand];
    const out = await cli(env, ['deletes', 'discard', '--id', b.id, '--yes']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`discarded ${b.id} \\(.+\\) by oncall-ann at \\d{4}-`));
    expect(await table.heldOf(b.id)).toMatchObject({ status: 'discarded', discardedBy: 'oncall-ann' });
    const listed = await cli(env, ['deletes', 'list', '--all', '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { commandId: b.id, status: 'discarded', discardedBy: 'oncall-ann' },
    ]);
    // Approving it afterwards finds nothing: a discarded delete stays discarded.
    const approve = await cli(env, ['deletes', 'approve', '--id', b.id, '--yes']);
    expect(approve.stderr).toMatch(/nothing to approve/);
    expect(await drain(p)).toEqual([]);
    expect(deleted(b.email)).toBe(false);
    await p.close();
  });

  it('rearm: the guard counts afresh (the next delete applies); held ones stay held', async () => {
    const { p, env, table } = await setup();
    const people = [email('rearm'), email('rearm'), email('rearm')];
    await p.enqueue([command({ action: 'create', email: people[2] as string })]);
    await drain(p);
    const [, b] = (await holdLeaves(p, people.slice(0, 2))) as [ProvisioningCommand, ProvisioningCommand];
    const out = await cli(env, ['deletes', 'rearm', '--by', 'oncall-cy']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/re-armed by oncall-cy at/);
    expect(out.stderr).toMatch(/1 delete\(s\) are still held/);
    expect(await table.guard()).toMatchObject({ tripped: false, rearmedBy: 'oncall-cy' });

    await p.enqueue([command({ action: 'delete', email: people[2] as string })]);
    const [report] = await drain(p);
    expect(report?.outcomes[0]).toMatchObject({ kind: 'applied' });
    expect(await table.heldOf(b.id)).toMatchObject({ status: 'held' });
    await p.close();
  });

  it('scheduled: lists the deletes waiting out a grace period (person redacted), and with --all the settled ones', async () => {
    const tableName = `cli-grace-${randomUUID().slice(0, 8)}`;
    await createStateTable(stack.dynamoClient, tableName);
    const p = await pipeline(stack, {
      config: {
        stateTableName: tableName,
        gracePeriods: { periods: { okta: 24 * 3_600_000 }, revokeDeveloper: false },
      },
    });
    const env = { ...(await setup()).env, IDP_SYNC_STATE_TABLE: tableName };
    const [waits, returns] = [email('sched'), email('sched')];
    const okta = (action: ProvisioningCommand['action'], who: string, type: string) =>
      command({ source: 'okta', sourceEventType: type, action, email: who });
    await p.enqueue([
      okta('create', waits, 'user.lifecycle.activate'),
      okta('create', returns, 'user.lifecycle.activate'),
    ]);
    await drain(p);
    const leave = okta('delete', waits, 'user.lifecycle.deactivate');
    await p.enqueue([leave, okta('delete', returns, 'user.lifecycle.deactivate')]);
    await drain(p);
    await p.enqueue([okta('create', returns, 'user.lifecycle.reactivate')]);
    await drain(p);

    const out = await cli(env, ['deletes', 'scheduled', '--json']);
    expect(out.code).toBe(0);
    const rows = JSON.parse(out.stdout) as Array<Record<string, unknown>>;
    expect(rows).toEqual([
      expect.objectContaining({
        commandId: leave.id,
        source: 'okta',
        event: 'user.lifecycle.deactivate',
        status: 'pending',
      }),
    ]);
    expect(out.stdout).not.toContain(waits);
    expect(Date.parse(String(rows[0]?.dueAt)) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect(out.stderr).toMatch(/1 delete\(s\) wait out a grace period/);

    const all = await cli(env, ['deletes', 'scheduled', '--all', '--show-emails']);
    expect(all.stdout).toContain(waits);
    expect(all.stdout).toMatch(/cancelled/);
    await p.close();
  });

  it('recount: sets the people managed to the person items not deleted (the limit grows with it)', async () => {
    const { p, env, table } = await setup();
    const people = [email('count'), email('count'), email('count')];
    await p.enqueue(people.map((e) => command({ action: 'create', email: e })));
    await drain(p);
    await p.enqueue([command({ action: 'delete', email: people[0] as string })]);
    await drain(p);
    expect((await table.guard())?.managed).toBe(2);
    // A count that drifted (here: set by hand), repaired from the state table.
    const { UpdateCommand, DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    await DynamoDBDocumentClient.from(stack.dynamoClient).send(
      new UpdateCommand({
        TableName: env.IDP_SYNC_STATE_TABLE,
        Key: { pk: 'deletion-guard', sk: 'guard' },
        UpdateExpression: 'SET managed = :n',
        ExpressionAttributeValues: { ':n': 40 },
      }),
    );
    const out = await cli(env, ['deletes', 'recount', '--by', 'oncall-dee']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/People managed in .*: 2 \(was 40\), recounted by oncall-dee/);
    expect(await table.guard()).toMatchObject({ managed: 2, recountedBy: 'oncall-dee' });
    await p.close();
  });

  it('says what to do when the table is not there', async () => {
    const { env } = await setup();
    const out = await cli({ ...env, IDP_SYNC_STATE_TABLE: 'no-such-table' }, ['deletes', 'list']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/does not exist/);
    expect(out.stderr).toMatch(/what to do: start the local stack/);
  });
});
