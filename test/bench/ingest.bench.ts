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
import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { HttpRequest, HttpResponse } from '@idp-sync/http';
import { signedDelivery, startBenchIngestApp } from './ingest-app';

const REQUESTS = Number(process.env.REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const WARMUP = 40;

let seq = 0;
const person = () => `bench.${++seq}.${randomUUID().slice(0, 8)}@example.com`;

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
    return [signedDelivery.okta(body), 1];
  },
  'okta (10 events/POST)': () => {
    const body = JSON.stringify({
      eventType: 'com.okta.event_hook',
      data: { events: Array.from({ length: 10 }, oktaEvent) },
    });
    return [signedDelivery.okta(body), 10];
  },
  hr: () => {
    const body = JSON.stringify({
      type: 'user.joined',
      timestamp: new Date().toISOString(),
      data: { email: person(), name: 'Bench Person' },
    });
    return [signedDelivery.hr(body), 1];
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
    return [signedDelivery.workos(body), 1];
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
    return [signedDelivery.bamboohr(body), 1];
  },
};

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const { app, client, queueUrl, stop } = await startBenchIngestApp();
  try {
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
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error('benchmark could not run:', error);
});
