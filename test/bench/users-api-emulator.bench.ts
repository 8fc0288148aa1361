/**
 * Users API emulator throughput: requests per second it serves for list and for create.
 *
 * The emulator runs in its own process, started the way a developer starts it (`src/cli.ts --quiet`), seeded with
 * 1 000 example users; this process drives it with undici at a bounded concurrency, for a bounded number of requests
 * and at most a bounded time per scenario, for a few rounds (the median round is reported: the machine is shared).
 * Every status is checked, and the emulator's own counters (`GET /_emulator/counters`) are compared with the number of
 * requests sent. Prints numbers; never fails.
 *
 *   npx tsx test/bench/users-api-emulator.bench.ts   # BENCH_N=3000 BENCH_CONCURRENCY=16 BENCH_MAX_SECONDS=10 BENCH_ROUNDS=3
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { Agent, request } from 'undici';
import { emitBenchRows } from './report';

const N = Number(process.env.BENCH_N ?? 3_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const MAX_SECONDS = Number(process.env.BENCH_MAX_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KEY = 'bench-admin-key-0001';
/** The emulator's command line, as `npm run emulator` runs it. */
const CLI = createRequire(import.meta.url).resolve('@idp-sync/users-api-emulator/cli');

interface Result {
  name: string;
  requests: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  unexpected: number;
}

async function startEmulator(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--port', '0', '--quiet', '--api-key', KEY, '--seed', '1000'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening:\n${out}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function scenario(
  name: string,
  agent: Agent,
  expected: number,
  send: (i: number) => Promise<number>,
): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  let unexpected = 0;
  const deadline = performance.now() + MAX_SECONDS * 1000;
  const started = performance.now();
  const worker = async () => {
    while (next < N && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      const status = await send(i);
      latencies.push(performance.now() - t0);
      if (status !== expected) unexpected += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  void agent;
  return {
    name,
    requests: latencies.length,
    seconds,
    rate: latencies.length / seconds,
    p50: pct(0.5),
    p99: pct(0.99),
    unexpected,
  };
}

async function main(): Promise<void> {
  const emulator = await startEmulator();
  const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
  const headers = { authorization: `Bearer ${KEY}`, accept: 'application/json' };
  const get = async (path: string) => {
    const res = await request(`${emulator.url}${path}`, { headers, dispatcher: agent });
    await res.body.dump();
    return res.statusCode;
  };
  const create = async (i: number, prefix: string) => {
    const res = await request(`${emulator.url}/v2/users`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `Bench User ${i}`,
        email: `${prefix}${i}@bench.test`,
        role: { type: 'PREDEFINED', name: 'MEMBER' },
        invite_mode: 'EMAIL_LINK',
      }),
      dispatcher: agent,
    });
    await res.body.dump();
    return res.statusCode;
  };
  try {
    // Warm-up: JIT, connections.
    for (let i = 0; i < 300; i += 1) await get('/v2/users?limit=50');
    for (let i = 0; i < 100; i += 1) await create(i, 'warm');
    await request(`${emulator.url}/_emulator/counters/reset`, { method: 'POST', dispatcher: agent }).then((r) =>
      r.body.dump(),
    );

    const rounds: Result[][] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      rounds.push([
        await scenario('list (limit=50, first page)', agent, 200, () => get('/v2/users?limit=50')),
        await scenario('list (email filter, scans all)', agent, 200, () => get('/v2/users?email=user99&limit=100')),
        await scenario('create (EMAIL_LINK, new email)', agent, 201, (i) => create(i, `new${round}-`)),
        await scenario('create (existing INVITED → 200)', agent, 200, (i) => create(i % 50, 'warm')),
      ]);
    }
    // Per scenario, the round with the median rate.
    const results = rounds[0]!.map((_, s) => {
      const byRate = rounds.map((r) => r[s]!).sort((a, b) => a.rate - b.rate);
      return byRate[Math.floor(byRate.length / 2)]!;
    });
    const all = rounds.flat();

    const counters = (await (
      await request(`${emulator.url}/_emulator/counters`, { dispatcher: agent })
    ).body.json()) as { total: number };
    const sent = all.reduce((n, r) => n + r.requests, 0);

    console.log(
      `users-api-emulator bench — node ${process.version}, concurrency ${CONCURRENCY}, up to ${N} requests or ${MAX_SECONDS}s per scenario, median of ${ROUNDS} rounds, 1000 seeded users`,
    );
    for (const r of results) {
      console.log(
        `  ${r.name.padEnd(34)} ${r.rate.toFixed(0).padStart(6)} req/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   (${r.requests} in ${r.seconds.toFixed(2)} s${r.unexpected ? `, ${r.unexpected} unexpected statuses` : ''})`,
      );
    }
    const rates = (s: number) => rounds.map((r) => r[s]!.rate.toFixed(0)).join(' / ');
    console.log(`  all rounds (req/s): ${results.map((r, s) => `${r.name.split(' (')[0]} ${rates(s)}`).join('; ')}`);
    console.log(`  emulator counters: ${counters.total} calls counted, ${sent} sent`);
    emitBenchRows(
      results.map((r) => ({
        bench: 'users-api-emulator',
        figure: r.name,
        value: r.rate,
        unit: 'req/s',
        note: `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms; median of ${ROUNDS} rounds, concurrency ${CONCURRENCY}${r.unexpected ? `; ${r.unexpected} unexpected statuses` : ''}`,
      })),
    );
  } finally {
    await agent.close();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error('bench failed to run:', error);
});
