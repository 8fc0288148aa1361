/**
 * Users client throughput vs raw undici.
 *
 * A node:http server in a child process answers GET /v2/users/{id} with one user. The same number of calls, at the
 * same concurrency and pool size, go (a) through `client.users.get({ user: id })` — validation, headers, timeout,
 * retry bookkeeping, zod parse, camelCase mapping — and (b) through raw `undici.request` + `body.json()`; (c), for
 * reference, through `agent.request` with no URL parsing and no timeout (a floor no real caller runs at). Rounds
 * alternate; the medians and the median of per-round ratios are reported. Prints numbers; never fails.
 *
 *   npx tsx test/bench/users-client.bench.ts            # BENCH_N=5000 BENCH_CONCURRENCY=16 BENCH_ROUNDS=5
 */
import { spawn } from 'node:child_process';
import { createUsersClient } from '@idp-sync/users-client';
import { Agent, request } from 'undici';
import { emitBenchRows } from './report';

const N = Number(process.env.BENCH_N ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const USER_ID = 'VXNlcjoxMjM0NQ==';

// The server runs in its own process so its work neither sits on the client's event loop nor counts in its CPU time.
const SERVER_SOURCE = `
const { createServer } = require('node:http');
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
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
process.stdin.resume();
`;

interface Sample {
  /** Calls per second (wall clock). */
  rate: number;
  /** This process's CPU time per call in microseconds: less sensitive than wall time to a busy machine. */
  cpuUs: number;
}

async function run(calls: number, concurrency: number, call: () => Promise<unknown>): Promise<Sample> {
  let next = 0;
  const cpu = process.cpuUsage();
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
  const used = process.cpuUsage(cpu);
  return { rate: calls / seconds, cpuUs: (used.user + used.system) / calls };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const server = spawn(process.execPath, ['-e', SERVER_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      server.once('error', reject);
    });
    await measure(`http://127.0.0.1:${port}`);
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.stdin.end();
    await exited;
  }
}

async function measure(origin: string): Promise<void> {
  const rawAgent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 10_000 });
  const rawCall = async () => {
    const res = await request(`${origin}/v2/users/${encodeURIComponent(USER_ID)}`, {
      dispatcher: rawAgent,
      headers: { authorization: 'Bearer bench-key', accept: 'application/json' },
    });
    return res.body.json();
  };
  // A floor for reference: the lowest-level call, with no URL parsing and no timeout at all.
  const floorCall = async () => {
    const res = await rawAgent.request({
      origin,
      path: `/v2/users/${encodeURIComponent(USER_ID)}`,
      method: 'GET',
      headers: { authorization: 'Bearer bench-key', accept: 'application/json' },
    });
    return JSON.parse(await res.body.text());
  };
  const client = createUsersClient({
    apiKey: 'bench-key',
    baseUrl: origin,
    connections: CONCURRENCY,
    env: { DISABLE_PRERELEASE_WARNING: 'true' },
  });
  const clientCall = () => client.users.get({ user: USER_ID });

  try {
    // Warm-up: JIT, connection pools.
    await run(Math.min(2_000, N), CONCURRENCY, rawCall);
    await run(Math.min(2_000, N), CONCURRENCY, clientCall);
    await run(Math.min(2_000, N), CONCURRENCY, floorCall);

    const raw: Sample[] = [];
    const viaClient: Sample[] = [];
    const floor: Sample[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which side goes first so a drift in machine load does not favour one.
      if (round % 2 === 0) {
        raw.push(await run(N, CONCURRENCY, rawCall));
        viaClient.push(await run(N, CONCURRENCY, clientCall));
        floor.push(await run(N, CONCURRENCY, floorCall));
      } else {
        floor.push(await run(N, CONCURRENCY, floorCall));
        viaClient.push(await run(N, CONCURRENCY, clientCall));
        raw.push(await run(N, CONCURRENCY, rawCall));
      }
    }
    report(raw, viaClient, floor);
  } finally {
    await client.close();
    await rawAgent.close();
  }
}

function report(raw: Sample[], viaClient: Sample[], floor: Sample[]): void {
  const rawRate = median(raw.map((s) => s.rate));
  const clientRate = median(viaClient.map((s) => s.rate));
  // The median of per-round ratios: each pair ran back to back under the same load.
  const ratio = median(viaClient.map((c, i) => c.rate / (raw[i] as Sample).rate));
  const rawCpu = median(raw.map((s) => s.cpuUs));
  const clientCpu = median(viaClient.map((s) => s.cpuUs));
  const floorRate = median(floor.map((s) => s.rate));
  const floorCpu = median(floor.map((s) => s.cpuUs));
  const floorRatio = median(viaClient.map((c, i) => c.rate / (floor[i] as Sample).rate));
  const rounds = (xs: Sample[]) => xs.map((x) => x.rate.toFixed(0)).join(', ');
  console.log(`users-client bench: ${N} calls x ${ROUNDS} rounds, concurrency ${CONCURRENCY}, node ${process.version}`);
  console.log(
    `  raw undici.request : ${rawRate.toFixed(0)} calls/s, ${rawCpu.toFixed(1)} µs CPU/call (${rounds(raw)})`,
  );
  console.log(
    `  users.get (client) : ${clientRate.toFixed(0)} calls/s, ${clientCpu.toFixed(1)} µs CPU/call (${rounds(viaClient)})`,
  );
  console.log(
    `  ratio client/raw   : ${ratio.toFixed(3)} calls/s (median of per-round ratios; goal >= 0.8: ${ratio >= 0.8 ? 'met' : 'NOT met'}), ` +
      `CPU/call ${(clientCpu / rawCpu).toFixed(2)}x`,
  );
  console.log(
    `  floor agent.request: ${floorRate.toFixed(0)} calls/s, ${floorCpu.toFixed(1)} µs CPU/call (${rounds(floor)}); ` +
      `client/floor ${floorRatio.toFixed(3)} calls/s, CPU/call ${(clientCpu / floorCpu).toFixed(2)}x`,
  );
  const note = `${N} calls × ${ROUNDS} rounds, concurrency ${CONCURRENCY}; median of per-round ratios`;
  emitBenchRows([
    {
      bench: 'users-client',
      figure: 'users.get throughput via the client',
      value: clientRate,
      unit: 'calls/s',
      baseline: { figure: 'raw undici.request', value: rawRate },
      ratio,
      goal: { on: 'ratio', op: '>=', target: 0.8 },
      note,
    },
    {
      bench: 'users-client',
      figure: 'users.get CPU per call via the client',
      value: clientCpu,
      unit: 'µs',
      baseline: { figure: 'raw undici.request', value: rawCpu },
      ratio: clientCpu / rawCpu,
    },
  ]);
}

main().catch((error: unknown) => {
  // A benchmark reports; it never fails the build.
  console.error('users-client bench could not run:', error);
});
