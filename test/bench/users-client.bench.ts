/**
 * Users client throughput vs raw undici.
 *
 * A node:http server in a worker thread answers GET /v2/users/{id} with one user. The same number of calls, at the
 * same concurrency and pool size, go (a) through `client.users.get({ user: id })` — validation, headers, timeout,
 * retry bookkeeping, zod parse, camelCase mapping — and (b) through raw `undici.request` + `body.json()`. Rounds
 * alternate; the medians and the median of per-round ratios are reported. Prints numbers; never fails.
 *
 *   npx tsx test/bench/users-client.bench.ts            # BENCH_N=5000 BENCH_CONCURRENCY=16 BENCH_ROUNDS=5
 */
import { Worker } from 'node:worker_threads';
import { createUsersClient } from '@idp-sync/users-client';
import { Agent, request } from 'undici';

const N = Number(process.env.BENCH_N ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const USER_ID = 'VXNlcjoxMjM0NQ==';

// The server runs in its own thread so its work does not sit on the client's event loop.
const SERVER_SOURCE = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const body = JSON.stringify({
  id: ${JSON.stringify(USER_ID)}, name: 'Ada Lovelace', email: 'ada@example.com', created_at: '2025-01-02T03:04:05Z',
  status: 'ACTIVE', role: { type: 'PREDEFINED', name: 'MEMBER' }, is_developer: true,
});
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/v2/users/')) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } else {
    res.writeHead(404, { 'content-type': 'application/problem+json' });
    res.end('{"title":"Not Found","status":404}');
  }
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', (m) => { if (m === 'stop') { server.closeAllConnections(); server.close(() => process.exit(0)); } });
`;

async function run(calls: number, concurrency: number, call: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        next++;
        await call();
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return calls / seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const server = new Worker(SERVER_SOURCE, { eval: true });
  const port = await new Promise<number>((resolve) => server.once('message', resolve));
  const origin = `http://127.0.0.1:${port}`;

  const rawAgent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 10_000 });
  const rawCall = async () => {
    const res = await request(`${origin}/v2/users/${encodeURIComponent(USER_ID)}`, {
      dispatcher: rawAgent,
      headers: { authorization: 'Bearer bench-key', accept: 'application/json' },
    });
    return res.body.json();
  };
  const client = createUsersClient({
    apiKey: 'bench-key',
    baseUrl: origin,
    connections: CONCURRENCY,
    env: { DISABLE_PRERELEASE_WARNING: 'true' },
  });
  const clientCall = () => client.users.get({ user: USER_ID });

  // Warm-up: JIT, connection pools.
  await run(Math.min(2_000, N), CONCURRENCY, rawCall);
  await run(Math.min(2_000, N), CONCURRENCY, clientCall);

  const raw: number[] = [];
  const viaClient: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which side goes first so a drift in machine load does not favour one.
    if (round % 2 === 0) {
      raw.push(await run(N, CONCURRENCY, rawCall));
      viaClient.push(await run(N, CONCURRENCY, clientCall));
    } else {
      viaClient.push(await run(N, CONCURRENCY, clientCall));
      raw.push(await run(N, CONCURRENCY, rawCall));
    }
  }

  const rawRate = median(raw);
  const clientRate = median(viaClient);
  // The median of per-round ratios: each pair ran back to back under the same load.
  const ratio = median(viaClient.map((c, i) => c / (raw[i] as number)));
  console.log(`users-client bench: ${N} calls x ${ROUNDS} rounds, concurrency ${CONCURRENCY}, node ${process.version}`);
  console.log(
    `  raw undici.request  : ${rawRate.toFixed(0)} calls/s  (rounds: ${raw.map((r) => r.toFixed(0)).join(', ')})`,
  );
  console.log(
    `  users.get (client)  : ${clientRate.toFixed(0)} calls/s  (rounds: ${viaClient.map((r) => r.toFixed(0)).join(', ')})`,
  );
  console.log(
    `  ratio client/raw    : ${ratio.toFixed(3)} (median of per-round ratios)  (goal >= 0.8: ${ratio >= 0.8 ? 'met' : 'NOT met'})`,
  );

  await client.close();
  await rawAgent.close();
  server.postMessage('stop');
  await new Promise((resolve) => server.once('exit', resolve));
}

main().catch((error: unknown) => {
  // A benchmark reports; it never fails the build.
  console.error('users-client bench could not run:', error);
});
