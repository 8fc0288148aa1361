/**
 * SCIM service throughput: requests per second for POST /Users (store the user, queue a create command on a real
 * FIFO queue, clear the outbox) and GET /Users?filter=userName eq "…" (pointer + user read), with latency percentiles,
 * at concurrency 1 (what one Entra job does: it waits for each answer) and at a higher concurrency. Two setups:
 * - `service`: `service.handle` against dynalite (state table) and fauxqs (SQS FIFO), in this process on loopback;
 * - `stack`: over HTTP through the local stack (`npm start`: ingest server → ingest handler → SCIM; the worker and the
 *   Users API emulator run too and apply the queued commands meanwhile).
 * Entra's gallery requirement is 25 requests/s per tenant. Prints numbers; never fails.
 *
 *   npx tsx test/bench/scim.bench.ts     # SCIM_BENCH_N=400 SCIM_BENCH_CONCURRENCY=8 SCIM_BENCH_SETUPS=service,stack
 */
import { randomUUID } from 'node:crypto';
import { startLocalStack } from '@idp-sync/local-stack';
import { startScimBackend } from '../helpers/scim/harness';
import { emitBenchRows } from './report';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const N = Number(process.env.SCIM_BENCH_N ?? 400);
const CONCURRENCY = Number(process.env.SCIM_BENCH_CONCURRENCY ?? 8);
const SETUPS = (process.env.SCIM_BENCH_SETUPS ?? 'service,stack').split(',');

/** One SCIM call: method, path under /scim/v2, body → status and parsed body. */
type ScimCall = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; json: { totalResults?: number } | undefined }>;

interface Result {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  statuses: Record<number, number>;
}

async function measure(count: number, concurrency: number, call: (index: number) => Promise<number>): Promise<Result> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const t0 = performance.now();
        const status = await call(index);
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rps: count / elapsed, p50: at(0.5), p95: at(0.95), p99: at(0.99), statuses };
}

function line(label: string, result: Result): string {
  return `${label.padEnd(44)} ${result.rps.toFixed(0).padStart(6)} req/s   p50 ${result.p50.toFixed(1)} ms   p95 ${result.p95.toFixed(1)} ms   p99 ${result.p99.toFixed(1)} ms   ${JSON.stringify(result.statuses)}`;
}

/** Entra's gallery requirement for a SCIM endpoint: 25 requests/s per tenant. */
const ENTRA_RPS = 25;

async function scenario(label: string, setup: string, call: ScimCall): Promise<void> {
  const prefix = randomUUID().slice(0, 8);
  const body = (index: number) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    externalId: `${prefix}-${index}`,
    userName: `bench.${prefix}.${index}@contoso.com`,
    active: true,
    displayName: `Bench User ${index}`,
    emails: [{ value: `bench.${prefix}.${index}@contoso.com`, type: 'work', primary: true }],
    name: { givenName: 'Bench', familyName: `User ${index}` },
  });
  // Warm-up: module loading, connections, JIT.
  for (let index = 0; index < 30; index++) await call('POST', '/Users', body(-1 - index));

  const results: [string, Result][] = [];
  let created = 0;
  const post = async (index: number) => (await call('POST', '/Users', body(created + index))).status;
  results.push(['POST /Users, concurrency 1', await measure(N, 1, post)]);
  created += N;
  results.push([`POST /Users, concurrency ${CONCURRENCY}`, await measure(N, CONCURRENCY, post)]);
  created += N;
  const get = async (index: number) => {
    const userName = `bench.${prefix}.${index % created}@contoso.com`;
    const response = await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    if (response.json?.totalResults !== 1) throw new Error(`user ${userName} not found`);
    return response.status;
  };
  results.push(['GET /Users?filter=userName eq, concurrency 1', await measure(N, 1, get)]);
  results.push([`GET /Users?filter=userName eq, concurrency ${CONCURRENCY}`, await measure(N, CONCURRENCY, get)]);
  const miss = async () =>
    (await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${randomUUID()}"`)}`)).status;
  results.push(['GET filter, no match (Test Connection), conc. 1', await measure(N, 1, miss)]);

  console.log(`\n${label} (Node ${process.version}, ${N} requests per row)`);
  for (const [name, result] of results) console.log(line(name, result));
  // For `npm run bench`: one row per figure, named by setup, against Entra's requirement.
  emitBenchRows(
    results.map(([name, result]) => ({
      bench: 'scim',
      figure: `SCIM ${setup}: ${name}`,
      value: Math.round(result.rps),
      unit: 'req/s',
      goal: { on: 'value', op: '>=', target: ENTRA_RPS },
      note: `p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`,
    })),
  );
}

async function main(): Promise<void> {
  if (SETUPS.includes('service')) {
    const backend = await startScimBackend({ sqs: true });
    try {
      const scim = await backend.createService({ sqs: true });
      await scenario('service.handle on dynalite + fauxqs', 'service', async (method, path, body) => {
        const response = await scim.request(method, `/scim/v2${path}`, body === undefined ? {} : { body });
        return { status: response.statusCode, json: response.json };
      });
      console.log(`commands queued: ${(await scim.commands()).length}`);
    } finally {
      await backend.stop();
    }
  }
  if (SETUPS.includes('stack')) {
    const stack = await startLocalStack({ logLevel: 'SILENT' });
    try {
      await scenario(
        'HTTP through the local stack (ingest server, worker and emulator running)',
        'local stack',
        async (method, path, body) => {
          const response = await fetch(`${stack.urls.scim}${path}`, {
            method,
            headers: { authorization: `Bearer ${stack.secrets.scim}`, 'content-type': 'application/scim+json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await response.text();
          return { status: response.status, json: text ? JSON.parse(text) : undefined };
        },
      );
    } finally {
      await stack.stop();
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 0;
});
