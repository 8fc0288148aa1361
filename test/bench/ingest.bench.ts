/**
 * Ingest throughput and latency per source, through the whole app (verify → parse → map → SendMessageBatch) against
 * a local SQS (fauxqs) on 127.0.0.1. Each request is freshly signed and carries distinct people, so nothing is
 * deduplicated. Prints events/s and p50/p99 request latency per source, after a floor row: the same number of bare
 * one-entry SendMessageBatch calls from the same SQS client (what any design that queues before answering pays).
 * It never fails.
 *
 *   npx tsx test/bench/ingest.bench.ts
 *   REQUESTS=1000 CONCURRENCY=16 npx tsx test/bench/ingest.bench.ts
 */
import { createHmac, randomUUID } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { HttpRequest, HttpResponse } from '@idp-sync/http';
import { createPipelineQueues, localSqsClient, startLocalSqs } from '@idp-sync/local-stack';
import { createIngestApp, loadIngestConfig } from '@idp-sync/webhooks';
import { Webhook } from 'standardwebhooks';

const REQUESTS = Number(process.env.REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const WARMUP = 40;
const SECRETS = {
  okta: 'Basic b2t0YS1ob29rOnMzY3IzdA==',
  hr: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  workos: 'workos_webhook_secret_for_bench',
  bamboohr: 'bamboo-private-key-for-bench',
};

let seq = 0;
const person = () => `bench.${++seq}.${randomUUID().slice(0, 8)}@example.com`;

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

function oktaEvent(): object {
  return {
    uuid: randomUUID(),
    published: new Date().toISOString(),
    eventType: 'user.lifecycle.create',
    outcome: { result: 'SUCCESS' },
    target: [{ id: `00u${seq}`, type: 'User', alternateId: person(), displayName: 'Bench Person' }],
  };
}

/** Request factories: each returns a signed request and how many events it carries. */
const SOURCES: Record<string, () => [HttpRequest | 'floor', number]> = {
  'floor: bare SendMessageBatch': () => ['floor', 1],
  okta: () => {
    const body = JSON.stringify({ eventType: 'com.okta.event_hook', data: { events: [oktaEvent()] } });
    return [request('/webhooks/okta', { authorization: SECRETS.okta }, body), 1];
  },
  'okta (10 events/POST)': () => {
    const body = JSON.stringify({
      eventType: 'com.okta.event_hook',
      data: { events: Array.from({ length: 10 }, oktaEvent) },
    });
    return [request('/webhooks/okta', { authorization: SECRETS.okta }, body), 10];
  },
  hr: () => {
    const body = JSON.stringify({
      type: 'user.joined',
      timestamp: new Date().toISOString(),
      data: { email: person(), name: 'Bench Person' },
    });
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(SECRETS.hr).sign(id, now, body),
    };
    return [request('/webhooks/hr', headers, body), 1];
  },
  workos: () => {
    const email = person();
    const body = JSON.stringify({
      id: `event_${randomUUID()}`,
      event: 'dsync.user.created',
      data: {
        id: `directory_user_${seq}`,
        email,
        emails: [{ primary: true, value: email }],
        first_name: 'Bench',
        last_name: 'Person',
        state: 'active',
      },
      created_at: new Date().toISOString(),
    });
    const t = Date.now();
    const v1 = createHmac('sha256', SECRETS.workos).update(`${t}.${body}`).digest('hex');
    return [request('/webhooks/workos', { 'workos-signature': `t=${t}, v1=${v1}` }, body), 1];
  },
  bamboohr: () => {
    const body = JSON.stringify({
      employees: [
        {
          id: String(seq),
          action: 'Created',
          timestamp: new Date().toISOString(),
          changedFields: [],
          fields: { workEmail: person(), firstName: 'Bench', lastName: 'Person' },
        },
      ],
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', SECRETS.bamboohr).update(body).update(timestamp).digest('hex');
    return [
      request('/webhooks/bamboohr', { 'x-bamboohr-timestamp': timestamp, 'x-bamboohr-signature': signature }, body),
      1,
    ];
  },
};

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

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
    const floor = async (): Promise<HttpResponse> => {
      const id = randomUUID();
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [{ Id: '0', MessageBody: '{}', MessageGroupId: id, MessageDeduplicationId: id }],
        }),
      );
      return { statusCode: 202, headers: {}, body: '' };
    };

    const load = (await import('node:os')).loadavg()[0]?.toFixed(1);
    console.log(
      `\ningest through the app against fauxqs — ${REQUESTS} requests per source, ${CONCURRENCY} in flight, load average ${load}`,
    );
    console.log(
      `${'source'.padEnd(30)}${'events/s'.padStart(10)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`,
    );
    for (const [name, make] of Object.entries(SOURCES)) {
      const run = async (count: number) => {
        const latencies: number[] = [];
        let events = 0;
        let errors = 0;
        let next = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < count) {
              next++;
              const [req, n] = make();
              const t0 = performance.now();
              const response = req === 'floor' ? await floor() : await app.handle(req);
              latencies.push(performance.now() - t0);
              if (response.statusCode >= 300) errors++;
              else events += n;
            }
          }),
        );
        return {
          seconds: (performance.now() - started) / 1000,
          latencies: latencies.sort((a, b) => a - b),
          events,
          errors,
        };
      };
      await run(WARMUP);
      const r = await run(REQUESTS);
      console.log(
        `${name.padEnd(30)}${(r.events / r.seconds).toFixed(0).padStart(10)}${(REQUESTS / r.seconds).toFixed(0).padStart(9)}${quantile(r.latencies, 0.5).toFixed(2).padStart(9)}${quantile(r.latencies, 0.99).toFixed(2).padStart(9)}${String(r.errors).padStart(8)}`,
      );
    }
  } finally {
    client.destroy();
    await sqs.stop();
  }
}

main().catch((error: unknown) => {
  console.error('benchmark could not run:', error);
});
