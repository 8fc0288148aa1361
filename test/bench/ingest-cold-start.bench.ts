/**
 * Cold start of the webhook ingest Lambda against its floor.
 *
 * Bundles functions/ingest/src/handler.ts the way the CDK stack does (esbuild: ESM, minified, platform node, target
 * node22, the AWS SDK bundled, the createRequire banner) and, as the floor for this design, a bundle of
 * `@aws-sdk/client-sqs` alone that creates a client and sends one message. Then spawns fresh Node processes, each
 * importing one bundle and serving its first request (a signed HR `user.joined` for ingest, one SendMessage for the
 * floor) against fauxqs. Prints both, the ratio, and both bundle sizes. It never fails.
 *
 * The SCIM Lambda (functions/scim, its own function since SCIM left the webhook bundle) is measured the same way
 * against the same floor (goal <= 1.3x), built as the stack builds it (its Users API lookup in a file of its own beside
 * the bundle), its first request being an authenticated `GET /scim/v2/ServiceProviderConfig` (no table read).
 *
 *   npx tsx test/bench/ingest-cold-start.bench.ts
 *   RUNS=20 BENCH_NODE=$(npx -y node@22 -p process.execPath) npx tsx test/bench/ingest-cold-start.bench.ts
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signHrDelivery } from '@idp-sync/webhooks/sign';
import { build, type Metafile } from 'esbuild';
import {
  buildScimLambda,
  CLIENT_SQS_FLOOR_SOURCE,
  INGEST_ENTRY,
  LAMBDA_BUNDLE_OPTIONS,
  REPO_ROOT,
} from '../helpers/bundle';
import { BENCH_SECRETS, startBenchQueues } from './ingest-app';

const ROOT = REPO_ROOT;
const RUNS = Number(process.env.RUNS ?? 10);
const NODE = process.env.BENCH_NODE ?? process.execPath;
const HR_SECRET = BENCH_SECRETS.hr;

const esbuildOptions = { ...LAMBDA_BUNDLE_OPTIONS, metafile: true };

const SCIM_TOKEN = 'bench-scim-token-0123456789abcdef';

const FLOOR_SOURCE = CLIENT_SQS_FLOOR_SOURCE;

// Runs in the fresh process: import the bundle, serve one request, report timings (ms since process start).
const RUNNER_SOURCE = `
const t0 = performance.now();
const { handler } = await import(process.argv[2]);
const t1 = performance.now();
const context = { functionName: 'bench', awsRequestId: 'cold', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
  memoryLimitInMB: '512', functionVersion: '$LATEST', logGroupName: 'g', logStreamName: 's', getRemainingTimeInMillis: () => 3000 };
const result = await handler(JSON.parse(process.env.BENCH_EVENT ?? '{}'), context);
const t2 = performance.now();
process.stdout.write('\\nBENCH_RESULT ' + JSON.stringify({ boot: t0, importMs: t1 - t0, firstMs: t2 - t1, total: t2, status: result.statusCode }) + '\\n');
`;

interface Sample {
  boot: number;
  importMs: number;
  firstMs: number;
  total: number;
  wall: number;
  status: number;
}

function hrEvent(): object {
  const body = JSON.stringify({
    type: 'user.joined',
    timestamp: new Date().toISOString(),
    data: { email: `cold.${randomUUID().slice(0, 8)}@example.com`, name: 'Cold Start' },
  });
  const headers = { 'content-type': 'application/json', ...signHrDelivery(HR_SECRET, body) };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/webhooks/hr',
    rawQueryString: '',
    headers,
    requestContext: {
      http: { method: 'POST', path: '/webhooks/hr', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: randomUUID(),
      timeEpoch: Date.now(),
    },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
}

function scimEvent(): object {
  const path = '/scim/v2/ServiceProviderConfig';
  return {
    version: '2.0',
    routeKey: 'ANY /scim/v2/{proxy+}',
    rawPath: path,
    rawQueryString: '',
    headers: { authorization: `Bearer ${SCIM_TOKEN}` },
    requestContext: {
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: randomUUID(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  };
}

function runOnce(bundle: string, runner: string, env: Record<string, string>, event: object): Promise<Sample> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(NODE, [runner, bundle], {
      env: { PATH: process.env.PATH ?? '', ...env, BENCH_EVENT: JSON.stringify(event) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - started;
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`run failed (exit ${code}): ${err.slice(0, 2000)}${out.slice(0, 2000)}`));
        return;
      }
      resolvePromise({ ...(JSON.parse(line.slice('BENCH_RESULT '.length)) as Omit<Sample, 'wall'>), wall });
    });
  });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function topInputs(metafile: Metafile, n: number): [string, number][] {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = m
        ? m[1]!
        : path.startsWith('packages/') || path.startsWith('functions/')
          ? path.split('/').slice(0, 2).join('/')
          : path;
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ingest-cold-start-'));
  const { sqs, queueUrl, stop } = await startBenchQueues();
  try {
    const ingestOut = join(dir, 'ingest', 'index.mjs');
    const floorOut = join(dir, 'floor', 'index.mjs');
    const ingestBuild = await build({
      ...esbuildOptions,
      entryPoints: [INGEST_ENTRY],
      outfile: ingestOut,
    });
    const scimOut = join(dir, 'scim', 'index.mjs');
    // As the stack builds it: the Users API lookup (users-client, undici) in a file of its own beside index.mjs.
    const { main: scimBuild, lookup: scimLookupBuild } = await buildScimLambda(join(dir, 'scim'), { metafile: true });
    const floorBuild = await build({
      ...esbuildOptions,
      stdin: { contents: FLOOR_SOURCE, resolveDir: ROOT, sourcefile: 'floor.ts', loader: 'ts' },
      outfile: floorOut,
    });
    const runner = join(dir, 'run.mjs');
    await writeFile(runner, RUNNER_SOURCE);
    const ingestBytes = (await stat(ingestOut)).size;
    const floorBytes = (await stat(floorOut)).size;
    const scimBytes = (await stat(scimOut)).size;
    const scimLookupBytes = Object.values(scimLookupBuild.metafile?.outputs ?? {}).reduce((sum, o) => sum + o.bytes, 0);

    const env = {
      QUEUE_URL: queueUrl,
      SQS_ENDPOINT: sqs.endpoint,
      AWS_REGION: sqs.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      HR_WEBHOOK_SECRET: HR_SECRET,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_SERVICE_NAME: 'idp-sync-ingest',
      POWERTOOLS_METRICS_NAMESPACE: 'idp-sync',
    };
    const scimEnv = {
      ...env,
      HR_WEBHOOK_SECRET: '',
      SCIM_BEARER_TOKEN: SCIM_TOKEN,
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
      POWERTOOLS_SERVICE_NAME: 'idp-sync-scim',
    };

    // One untimed run each (file cache), then interleaved runs so drift on a shared machine hits both alike.
    await runOnce(ingestOut, runner, env, hrEvent());
    await runOnce(floorOut, runner, env, {});
    await runOnce(scimOut, runner, scimEnv, scimEvent());
    const ingest: Sample[] = [];
    const floor: Sample[] = [];
    const scim: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      ingest.push(await runOnce(ingestOut, runner, env, hrEvent()));
      floor.push(await runOnce(floorOut, runner, env, {}));
      scim.push(await runOnce(scimOut, runner, scimEnv, scimEvent()));
    }
    const bad = ingest.filter((s) => s.status !== 202);
    if (bad.length > 0) console.log(`warning: ${bad.length} ingest runs did not answer 202 (${bad[0]?.status})`);
    const badScim = scim.filter((s) => s.status !== 200);
    if (badScim.length > 0)
      console.log(`warning: ${badScim.length} SCIM runs did not answer 200 (${badScim[0]?.status})`);

    const row = (name: string, samples: Sample[]) => {
      const pick = (f: (s: Sample) => number) => samples.map(f);
      const fmt = (v: number) => v.toFixed(1).padStart(7);
      return `${name.padEnd(22)}${fmt(
        quantile(
          pick((s) => s.boot),
          0.5,
        ),
      )}${fmt(
        quantile(
          pick((s) => s.importMs),
          0.5,
        ),
      )}${fmt(
        quantile(
          pick((s) => s.firstMs),
          0.5,
        ),
      )}${fmt(
        quantile(
          pick((s) => s.importMs + s.firstMs),
          0.5,
        ),
      )}${fmt(
        quantile(
          pick((s) => s.importMs + s.firstMs),
          0.9,
        ),
      )}${fmt(
        quantile(
          pick((s) => s.wall),
          0.5,
        ),
      )}`;
    };
    const median = (samples: Sample[]) =>
      quantile(
        samples.map((s) => s.importMs + s.firstMs),
        0.5,
      );
    const nodeVersion = await new Promise<string>((ok) => {
      const c = spawn(NODE, ['--version']);
      let v = '';
      c.stdout.on('data', (d: Buffer) => {
        v += d.toString();
      });
      c.on('close', () => ok(v.trim()));
    });

    console.log(
      `\nwebhook ingest cold start — ${RUNS} fresh processes each, node ${nodeVersion}, fauxqs on 127.0.0.1 (ms; medians unless noted)`,
    );
    console.log(
      `${''.padEnd(22)}${'boot'.padStart(7)}${'import'.padStart(7)}${'first'.padStart(7)}${'imp+1st'.padStart(7)}${'p90'.padStart(7)}${'wall'.padStart(7)}`,
    );
    console.log(row('webhook ingest bundle', ingest));
    console.log(row('client-sqs floor', floor));
    console.log(row('SCIM bundle', scim));
    console.log(
      `\ncold start ratio (import + first request, medians): ${(median(ingest) / median(floor)).toFixed(2)}x  (goal <= 1.3x)`,
    );
    console.log(
      `bundle size: ingest ${(ingestBytes / 1024).toFixed(1)} KiB, floor ${(floorBytes / 1024).toFixed(1)} KiB, ratio ${(ingestBytes / floorBytes).toFixed(2)}x  (goal <= 1.3x)`,
    );
    console.log(
      `SCIM Lambda: cold start ${(median(scim) / median(floor)).toFixed(2)}x  (goal <= 1.3x), bundle ${(scimBytes / 1024).toFixed(1)} KiB = ${(scimBytes / floorBytes).toFixed(2)}x` +
        ` (+ ${(scimLookupBytes / 1024).toFixed(1)} KiB Users API lookup beside it, loaded by the first lookup only)`,
    );
    const contributors = (title: string, metafile: Metafile | undefined, n: number) => {
      console.log(`\nlargest contributors to the ${title} (KiB):`);
      for (const [name, bytes] of metafile ? topInputs(metafile, n) : []) {
        console.log(`  ${(bytes / 1024).toFixed(1).padStart(7)}  ${name}`);
      }
    };
    contributors('webhook ingest bundle', ingestBuild.metafile, 14);
    contributors('SCIM bundle', scimBuild.metafile, 8);
    contributors('floor bundle', floorBuild.metafile, 5);
  } finally {
    await stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('benchmark could not run:', error);
});
