/**
 * Reconcile's plan at size (issue #17; goal: 50,000 people on each side plan in a few seconds locally, with at most
 * ⌈50,000 / 100⌉ Users API list calls). Against the Users API emulator (seeded with BENCH_RECONCILE_PEOPLE users,
 * default 50,000) and dynalite (a state table with a person item for each), both local, 127.0.0.1, started here and
 * stopped at the end. The directory is a CSV export of the same people with 1 % drift each way: 500 joiners the Users
 * API lacks, 500 renamed, 500 leavers the export no longer names. Timed: `planFrom` as `idp-sync reconcile` runs it
 * (parse the file, read the Users API page by page, scan the state table, plan), and the planner alone. Never fails.
 *
 *   npx tsx test/bench/reconcile.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createStateTable } from '@idp-sync/contracts';
import { localDynamoDbClient, startLocalDynamoDb } from '@idp-sync/local-stack';
import { planFrom, planReconcile, readManagedPeople, readUsersApi } from '@idp-sync/reconcile';
import { fileDirectorySource, parseDirectoryFile } from '@idp-sync/reconcile/file';
import { startUsersApiEmulator } from '@idp-sync/users-api-emulator';
import { createUsersClient } from '@idp-sync/users-client';
import { type BenchRow, emitBenchRows } from './report';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.DISABLE_PRERELEASE_WARNING ??= 'true';

const PEOPLE = Number(process.env.BENCH_RECONCILE_PEOPLE ?? 50_000);
const DRIFT = Math.floor(PEOPLE / 100);
const TABLE = 'idp-sync-state';

const email = (i: number) => `person${i}@bench.example`;
const seconds = (ms: number) => Number((ms / 1000).toFixed(2));

const emulator = await startUsersApiEmulator({
  seed: Array.from({ length: PEOPLE }, (_, i) => ({ name: `Person ${i}`, email: email(i), status: 'ACTIVE' as const })),
});
const ddb = await startLocalDynamoDb();
const dir = mkdtempSync(join(tmpdir(), 'idp-sync-bench-reconcile-'));
try {
  const client = localDynamoDbClient(ddb);
  await createStateTable(client, TABLE);
  const doc = DynamoDBDocumentClient.from(client);
  const seedStart = performance.now();
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < PEOPLE; i += 25) {
    const items = Array.from({ length: Math.min(25, PEOPLE - i) }, (_, j) => ({
      PutRequest: {
        Item: { pk: `person#${email(i + j)}`, sk: 'state', status: 'ACTIVE', userId: `u${i + j}`, watermarkMs: 1 },
      },
    }));
    writes.push(doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: items } })));
    if (writes.length >= 16) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  console.log(`state table seeded with ${PEOPLE} person items in ${seconds(performance.now() - seedStart)} s`);

  // The export: everyone but the last DRIFT (leavers), the first DRIFT renamed, and DRIFT joiners.
  const lines = ['email,name'];
  for (let i = 0; i < PEOPLE - DRIFT; i++) lines.push(`${email(i)},${i < DRIFT ? `Renamed ${i}` : `Person ${i}`}`);
  for (let i = 0; i < DRIFT; i++) lines.push(`${email(PEOPLE + i)},Joiner ${i}`);
  const file = join(dir, 'export.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);

  const users = createUsersClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
  const listBefore = emulator.counters().byOperation['users.list']?.total ?? 0;
  const started = performance.now();
  const plan = await planFrom({
    source: fileDirectorySource(file),
    users: users.users,
    dynamoClient: client,
    tableName: TABLE,
  });
  const planMs = performance.now() - started;
  const listCalls = (emulator.counters().byOperation['users.list']?.total ?? 0) - listBefore;

  // The parts, each on its own.
  let t = performance.now();
  const directory = parseDirectoryFile('export.csv', lines.join('\n'));
  const parseMs = performance.now() - t;
  t = performance.now();
  const api = await readUsersApi(users.users);
  const apiMs = performance.now() - t;
  t = performance.now();
  const managed = await readManagedPeople(client, TABLE);
  const scanMs = performance.now() - t;
  t = performance.now();
  planReconcile({ directory, usersApi: api, managed });
  const plannerMs = performance.now() - t;
  await users.close();
  client.destroy();

  const maxCalls = Math.ceil(PEOPLE / 100);
  console.log(
    `planFrom: ${PEOPLE} in the export + ${PEOPLE} in the Users API and the state table planned in ${seconds(planMs)} s ` +
      `with ${listCalls} list calls (goal ≤ ${maxCalls}); counts ${JSON.stringify(plan.counts)}`,
  );
  console.log(
    `parts: parse the CSV ${seconds(parseMs)} s, read the Users API ${seconds(apiMs)} s, scan the state table ${seconds(scanMs)} s, plan ${seconds(plannerMs)} s`,
  );
  const rows: BenchRow[] = [
    {
      bench: 'reconcile',
      figure: `plan ${PEOPLE} people on each side (file export, Users API, state table)`,
      value: seconds(planMs),
      unit: 's',
      note: `parse ${seconds(parseMs)} s, Users API ${seconds(apiMs)} s, state scan ${seconds(scanMs)} s, planner ${seconds(plannerMs)} s; drift found: create ${plan.counts.create}, update ${plan.counts.update}, delete ${plan.counts.delete}`,
    },
    {
      bench: 'reconcile',
      figure: `Users API list calls to read ${PEOPLE} users`,
      value: listCalls,
      unit: 'calls',
      goal: { on: 'value', op: '<=', target: maxCalls },
      note: '100 per page (the maximum), through the users client’s iterator',
    },
  ];
  emitBenchRows(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all([emulator.stop(), ddb.stop()]);
}
