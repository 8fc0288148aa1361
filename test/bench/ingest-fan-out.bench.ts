/**
 * How long one delivery at each source's fan-out limit (`DELIVERY_LIMITS`, `HR_BULK_LEAVE_MAX`) takes to answer,
 * through the whole app (verify → parse → map → SendMessageBatch) against a local SQS (fauxqs) in the same process —
 * its CPU counts against us, so the figures are an upper bound for ingest alone. Okta gives up after 3 s. Also: where
 * the time goes (parse + map alone, without SQS) and how fast a delivery over the limit is refused (the 8,000
 * users in one Okta delivery). Each run carries new people and ids, so nothing is deduplicated. Prints; never fails.
 *
 *   npx tsx test/bench/ingest-fan-out.bench.ts            # RUNS=5
 */
import { createHmac, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import type { HttpRequest } from '@idp-sync/http';
import { createPipelineQueues, localSqsClient, startLocalSqs } from '@idp-sync/local-stack';
import { createIngestApp, loadIngestConfig } from '@idp-sync/webhooks';
import {
  createBambooAdapter,
  createHrAdapter,
  createOktaAdapter,
  createWorkosAdapter,
  DELIVERY_LIMITS,
  HR_BULK_LEAVE_MAX,
  type SourceAdapter,
} from '@idp-sync/webhooks/sources';
import { Webhook } from 'standardwebhooks';
import { emitBenchRows } from './report';

const RUNS = Number(process.env.RUNS ?? 5);
const OKTA_TIMEOUT_MS = 3000;
const SECRETS = {
  okta: 'Basic b2t0YS1ob29rOnMzY3IzdA==',
  hr: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  workos: 'workos_webhook_secret_for_bench',
  bamboohr: 'bamboo-private-key-for-bench',
};
const defaults = { defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' } as const;

let seq = 0;
const person = () => `fan.${++seq}.${randomUUID().slice(0, 8)}@example.com`;

function request(path: string, headers: Record<string, string>, body: string): HttpRequest {
  return {
    method: 'POST',
    path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    rawBody: Buffer.from(body),
    requestId: randomUUID(),
    receivedAtMs: Date.now(),
  };
}

const userTarget = () => ({ id: `00u${seq}`, type: 'User', alternateId: person(), displayName: 'Fan Out' });
const logEvent = (target: object[]) => ({
  uuid: randomUUID(),
  published: new Date().toISOString(),
  eventType: 'user.lifecycle.deactivate',
  outcome: { result: 'SUCCESS' },
  target,
});

const okta = (events: object[]) => {
  const body = JSON.stringify({ eventType: 'com.okta.event_hook', data: { events } });
  return request('/webhooks/okta', { authorization: SECRETS.okta }, body);
};

const oktaAdapter = createOktaAdapter({
  ...defaults,
  authHeader: 'authorization',
  suspendAction: 'ignore',
  membershipEvents: 'off',
});

/** One delivery of each shape: the request, the adapter that maps it, and how many people it names. */
const CASES: Record<string, { make: () => HttpRequest; adapter: SourceAdapter; people: number }> = {
  [`okta: ${DELIVERY_LIMITS.oktaEvents} LogEvents, one user each`]: {
    make: () => okta(Array.from({ length: DELIVERY_LIMITS.oktaEvents }, () => logEvent([userTarget()]))),
    adapter: oktaAdapter,
    people: DELIVERY_LIMITS.oktaUsers,
  },
  [`okta: 1 LogEvent naming ${DELIVERY_LIMITS.oktaUsers} users`]: {
    make: () => okta([logEvent(Array.from({ length: DELIVERY_LIMITS.oktaUsers }, userTarget))]),
    adapter: oktaAdapter,
    people: DELIVERY_LIMITS.oktaUsers,
  },
  [`hr: users.left of ${HR_BULK_LEAVE_MAX}`]: {
    make: () => {
      const body = JSON.stringify({
        type: 'users.left',
        timestamp: new Date().toISOString(),
        data: { emails: Array.from({ length: HR_BULK_LEAVE_MAX }, person) },
      });
      const id = `msg_${randomUUID()}`;
      const now = new Date();
      return request(
        '/webhooks/hr',
        {
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': new Webhook(SECRETS.hr).sign(id, now, body),
        },
        body,
      );
    },
    adapter: createHrAdapter(defaults),
    people: HR_BULK_LEAVE_MAX,
  },
  [`workos: dsync.deleted naming ${DELIVERY_LIMITS.workosDeletedUsers} users`]: {
    make: () => {
      const users = Array.from({ length: DELIVERY_LIMITS.workosDeletedUsers }, (_, i) => ({
        id: `directory_user_${seq}_${i}`,
        email: person(),
        state: 'inactive',
      }));
      const body = JSON.stringify({
        id: `event_${randomUUID()}`,
        event: 'dsync.deleted',
        data: { id: 'directory_01', users },
        created_at: new Date().toISOString(),
      });
      const t = Date.now();
      const v1 = createHmac('sha256', SECRETS.workos).update(`${t}.${body}`).digest('hex');
      return request('/webhooks/workos', { 'workos-signature': `t=${t}, v1=${v1}` }, body);
    },
    adapter: createWorkosAdapter({ ...defaults, toleranceMs: 180_000 }),
    people: DELIVERY_LIMITS.workosDeletedUsers,
  },
  [`bamboohr: ${DELIVERY_LIMITS.bamboohrEmployees} legacy employee entries`]: {
    make: () => {
      // Smaller entries than BambooHR sends (no timestamp or changedFields, short addresses): real ones of this
      // many pass 1 MiB and are refused 413 before the fan-out limit matters.
      const employees = Array.from({ length: DELIVERY_LIMITS.bamboohrEmployees }, () => ({
        id: String(++seq),
        action: 'Deleted',
        fields: { workEmail: `b${seq}@example.com` },
      }));
      const body = JSON.stringify({ employees });
      const ts = String(Math.floor(Date.now() / 1000));
      const signature = createHmac('sha256', SECRETS.bamboohr).update(body).update(ts).digest('hex');
      return request('/webhooks/bamboohr', { 'x-bamboohr-timestamp': ts, 'x-bamboohr-signature': signature }, body);
    },
    adapter: createBambooAdapter({ ...defaults, emailField: 'workEmail', statusField: 'status', toleranceMs: 300_000 }),
    people: DELIVERY_LIMITS.bamboohrEmployees,
  },
  'refused: okta, 1 LogEvent naming 8000 users (issue #14)': {
    make: () => okta([logEvent(Array.from({ length: 8000 }, userTarget))]),
    adapter: oktaAdapter,
    people: 8000,
  },
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const sqs = await startLocalSqs();
  const client = localSqsClient(sqs);
  try {
    const { queueUrl } = await createPipelineQueues(client);
    const config = loadIngestConfig({
      QUEUE_URL: queueUrl,
      SQS_ENDPOINT: sqs.endpoint,
      AWS_REGION: sqs.region,
      OKTA_AUTH_SECRET: SECRETS.okta,
      HR_WEBHOOK_SECRET: SECRETS.hr,
      WORKOS_WEBHOOK_SECRET: SECRETS.workos,
      BAMBOOHR_WEBHOOK_KEY: SECRETS.bamboohr,
    });
    const app = createIngestApp({ config, sqsClient: client });
    console.log(
      `\none delivery at each fan-out limit, app + fauxqs in one process, ${RUNS} runs (+1 warm-up), load average ${loadavg()[0]?.toFixed(1)}`,
    );
    console.log(
      `${'delivery'.padEnd(58)}${'KiB'.padStart(6)}${'status'.padStart(7)}${'map ms'.padStart(8)}${'p50 ms'.padStart(8)}${'max ms'.padStart(8)}`,
    );
    const rows = [];
    for (const [name, c] of Object.entries(CASES)) {
      const totals: number[] = [];
      const maps: number[] = [];
      let status = 0;
      let kib = 0;
      for (let run = 0; run <= RUNS; run++) {
        const mapped = c.make();
        const t0 = performance.now();
        try {
          c.adapter.normalize(JSON.parse(mapped.rawBody.toString('utf8')), {
            receivedAt: new Date().toISOString(),
            delivery: { deliveryId: `msg_${randomUUID()}`, sentAt: new Date().toISOString() },
          });
        } catch {
          // The refused case throws here by design; its figure is the whole request below.
        }
        const mapMs = performance.now() - t0;
        const req = c.make();
        kib = req.rawBody.length / 1024;
        const t1 = performance.now();
        const response = await app.handle(req);
        const totalMs = performance.now() - t1;
        status = response.statusCode;
        if (run === 0) continue;
        maps.push(mapMs);
        totals.push(totalMs);
      }
      const maxMs = Math.max(...totals);
      const cells = [kib.toFixed(0).padStart(6), String(status).padStart(7)];
      cells.push(...[median(maps), median(totals), maxMs].map((ms) => ms.toFixed(0).padStart(8)));
      console.log(`${name.padEnd(58)}${cells.join('')}`);
      rows.push({
        bench: 'ingest-fan-out',
        figure: `${name}: answer`,
        value: Math.round(median(totals)),
        unit: 'ms',
        goal: { on: 'value' as const, op: '<=' as const, target: OKTA_TIMEOUT_MS },
        baseline: { figure: "Okta's timeout", value: OKTA_TIMEOUT_MS },
        ratio: median(totals) / OKTA_TIMEOUT_MS,
        note: `status ${status}, ${c.people} people, ${kib.toFixed(0)} KiB, max ${maxMs.toFixed(0)} ms, parse + map ${median(maps).toFixed(0)} ms`,
      });
    }
    emitBenchRows(rows);
  } finally {
    client.destroy();
    await sqs.stop();
  }
}

main().catch((error: unknown) => {
  console.error('benchmark could not run:', error);
});
