/**
 * What the deletion guard (issue #16) costs in DynamoDB, end to end against dynalite, fauxqs and the Users API
 * emulator (all local, 127.0.0.1, started here and stopped at the end). Goal: at most one extra write per delete.
 *
 * For each shape of traffic, the same deletes run twice, on a fresh state table each time: once with the guard off
 * (`DELETION_GUARD=off`) and once on (with a limit none of them reaches, so every delete passes: the cost of counting,
 * not of holding). DynamoDB calls are counted on the worker's client (`test/helpers/worker/dynamo-calls.ts`: writes
 * per item, so a BatchWriteItem or TransactWriteItems counts its items; reads per call).
 *
 * 1. Single deletes: BENCH_DELETES leaves (default 100), one per batch (a `users.bulkDelete` of one each, one
 *    admission to the guard each).
 * 2. Bulk deletes: the same number of leaves ten per batch, coalesced into one `users.bulkDelete` (and one admission)
 *    per batch.
 *
 * The people are created through the same worker first (warm state, invitations accepted, as for members who leave);
 * what those creates cost with the guard on (it counts the people managed) is printed too. Prints numbers and writes
 * rows for `npm run bench`; never fails.
 *
 *   npx tsx test/bench/deletion-guard.bench.ts        # BENCH_DELETES=100
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@idp-sync/common';
import { createStateTable } from '@idp-sync/contracts';
import { localDynamoDbClient } from '@idp-sync/local-stack';
import { createWorker } from '@idp-sync/worker/batch';
import { countDynamoCalls } from '../helpers/worker/dynamo-calls';
import { pipeline, startWorkerStack, type WorkerStack } from '../helpers/worker/harness';
import { command, sqsEvent, sqsRecord } from '../helpers/worker/records';
import { type BenchRow, emitBenchRows } from './report';

const DELETES = Number(process.env.BENCH_DELETES ?? 100);
const GOAL = 1;

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

interface Run {
  deletes: number;
  batches: number;
  bulkDeleteCalls: number;
  /** Outcomes of the deletes other than `applied` (none expected). */
  notApplied: number;
  writes: number;
  reads: number;
  readKeys: number;
  joins: number;
  joinWrites: number;
}

/** Creates DELETES people, then deletes them `perBatch` to a batch, counting the worker's DynamoDB calls. */
async function run(stack: WorkerStack, tag: string, guard: boolean, perBatch: number): Promise<Run> {
  const tableName = `bench-guard-${randomUUID().slice(0, 8)}`;
  await createStateTable(stack.dynamoClient, tableName);
  const p = await pipeline(stack, {
    logger: quiet,
    config: {
      stateTableName: tableName,
      usersApiRps: 5_000,
      concurrency: 10,
      deletionGuard: { enabled: guard, windowMinutes: 60, floor: 100_000, percent: 0 },
    },
  });
  const client = localDynamoDbClient(stack.ddb);
  const ddb = countDynamoCalls(client);
  const worker = createWorker({
    config: p.config,
    usersClient: p.users.client,
    limiter: p.users.limiter,
    sqsClient: stack.sqsClient,
    dynamoClient: client,
    logger: quiet,
    publishMetrics: false,
  });
  try {
    const people = Array.from({ length: DELETES }, (_, i) => `${tag}-${guard ? 'on' : 'off'}-${i}@example.com`);
    for (let i = 0; i < people.length; i += 10) {
      await worker.processBatch(
        sqsEvent(people.slice(i, i + 10).map((email) => sqsRecord(command({ action: 'create', email })))),
      );
    }
    const joinWrites = ddb.writes();
    // Members who leave have accepted their invitations.
    for (const email of people) {
      const user = stack.emulator.state.findByEmail(email);
      if (user) stack.emulator.state.acceptInvitation(user.id);
    }
    ddb.reset();
    let batches = 0;
    let bulkDeleteCalls = 0;
    let notApplied = 0;
    for (let i = 0; i < people.length; i += perBatch) {
      const leaves = people.slice(i, i + perBatch).map((email) => sqsRecord(command({ action: 'delete', email })));
      const report = await worker.processBatchWithReport(sqsEvent(leaves));
      batches++;
      bulkDeleteCalls += report.bulkDeleteCalls;
      notApplied += report.outcomes.filter((o) => o.kind !== 'applied').length;
    }
    return {
      deletes: people.length,
      batches,
      bulkDeleteCalls,
      notApplied,
      writes: ddb.writes(),
      reads: ddb.reads(),
      readKeys: ddb.readKeys(),
      joins: people.length,
      joinWrites,
    };
  } finally {
    ddb.stop();
    client.destroy();
    await p.close();
  }
}

const round = (value: number) => Number(value.toFixed(3));

function rowsFor(shape: string, off: Run, on: Run): BenchRow[] {
  const per = (r: Run, n: number) => n / r.deletes;
  const writesOff = per(off, off.writes);
  const writesOn = per(on, on.writes);
  const readsOff = per(off, off.reads);
  const readsOn = per(on, on.reads);
  const extraWrites = writesOn - writesOff;
  const extraReads = readsOn - readsOff;
  const trust = `${on.deletes} deletes in ${on.batches} batches, ${on.bulkDeleteCalls} bulkDelete calls; ${
    on.notApplied + off.notApplied
  } not applied`;
  console.log(
    `${shape}: writes ${off.writes} → ${on.writes} (${writesOff.toFixed(2)} → ${writesOn.toFixed(2)} per delete, ` +
      `+${extraWrites.toFixed(3)}; goal ≤ ${GOAL}); read calls ${off.reads} → ${on.reads} (+${extraReads.toFixed(3)} per delete), ` +
      `keys read ${off.readKeys} → ${on.readKeys}; ${trust}`,
  );
  return [
    {
      bench: 'deletion-guard',
      figure: `extra DynamoDB writes per delete, guard on − off: ${shape}`,
      value: round(extraWrites),
      unit: 'writes',
      goal: { on: 'value', op: '<=', target: GOAL },
      baseline: { figure: 'writes per delete, guard off', value: round(writesOff) },
      ...(writesOff > 0 ? { ratio: extraWrites / writesOff } : {}),
      note: `${writesOff.toFixed(2)} → ${writesOn.toFixed(2)} writes per delete; ${trust}`,
    },
    {
      bench: 'deletion-guard',
      figure: `extra DynamoDB read calls per delete, guard on − off: ${shape}`,
      value: round(extraReads),
      unit: 'reads',
      baseline: { figure: 'read calls per delete, guard off', value: round(readsOff) },
      ...(readsOff > 0 ? { ratio: extraReads / readsOff } : {}),
      note: `${readsOff.toFixed(2)} → ${readsOn.toFixed(2)} read calls per delete (BatchGetItem keys ${off.readKeys} → ${on.readKeys})`,
    },
  ];
}

const stack = await startWorkerStack();
try {
  const rows: BenchRow[] = [];
  const shapes = [
    { shape: `${DELETES} leaves as single deletes, one per batch`, tag: 'single', perBatch: 1 },
    { shape: `${DELETES} leaves as bulk deletes of 10`, tag: 'bulk', perBatch: 10 },
  ];
  let joinsOff = 0;
  let joinsOn = 0;
  let joinWritesOff = 0;
  let joinWritesOn = 0;
  for (const { shape, tag, perBatch } of shapes) {
    const off = await run(stack, tag, false, perBatch);
    const on = await run(stack, tag, true, perBatch);
    rows.push(...rowsFor(shape, off, on));
    joinsOff += off.joins;
    joinsOn += on.joins;
    joinWritesOff += off.joinWrites;
    joinWritesOn += on.joinWrites;
  }
  const extraPerJoin = joinWritesOn / joinsOn - joinWritesOff / joinsOff;
  console.log(
    `creates of new people (not deletes; the guard counts the people managed): writes ${joinWritesOff} → ${joinWritesOn} ` +
      `for ${joinsOn} creates (+${extraPerJoin.toFixed(3)} per create)`,
  );
  rows.push({
    bench: 'deletion-guard',
    figure: 'extra DynamoDB writes per create of a new person (managed count)',
    value: round(extraPerJoin),
    unit: 'writes',
    baseline: { figure: 'writes per create, guard off', value: round(joinWritesOff / joinsOff) },
    ratio: extraPerJoin / (joinWritesOff / joinsOff),
    note: `${joinsOn} creates, 10 per batch`,
  });
  emitBenchRows(rows);
} finally {
  await stack.stop();
}
