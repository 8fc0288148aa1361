import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createPipelineQueues, type LocalSqs, localSqsClient, startLocalSqs } from '@idp-sync/local-stack';
import { createIngestApp } from '@idp-sync/webhooks';
import { DELIVERY_LIMITS } from '@idp-sync/webhooks/sources';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, NOW_MS, oktaRequest, testConfig } from '../../helpers/webhooks';

// Issue #14, against a real (local) SQS: a delivery over Okta's fan-out limit leaves the queue untouched; one at the
// limit is queued in full. How long the latter takes is measured by test/bench/ingest-fan-out.bench.ts, not here.

let sqs: LocalSqs;
let client: SQSClient;

beforeAll(async () => {
  sqs = await startLocalSqs();
  client = localSqsClient(sqs);
});

afterAll(async () => {
  client?.destroy();
  await sqs?.stop();
});

async function queueWithApp(name: string) {
  const queues = await createPipelineQueues(client, { queueName: `${name}.fifo`, dlqName: `${name}-dlq.fifo` });
  const app = createIngestApp({
    config: testConfig({ queueUrl: queues.queueUrl, sqsEndpoint: sqs.endpoint }),
    sqsClient: client,
    now: () => NOW_MS,
  });
  const depth = async () => {
    const out = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(out.Attributes?.ApproximateNumberOfMessages);
  };
  return { app, depth };
}

/** Lean LogEvents, one user each (real ones are larger: 2,000 of them would not fit in the 1 MiB body limit). */
function deactivations(count: number, tag: string) {
  return Array.from({ length: count }, (_, i) => ({
    uuid: `${tag}-${i}`,
    eventType: 'user.lifecycle.deactivate',
    published: '2026-11-26T09:59:58.123Z',
    target: [{ id: `00u${i}`, type: 'User', alternateId: `${tag}${i}@example.com` }],
  }));
}

describe('the Okta fan-out limit against fauxqs', () => {
  it('queues nothing of a delivery naming one user more than the limit', async () => {
    const { app, depth } = await queueWithApp('fan-out-over');
    const response = await app.handle(oktaRequest(deactivations(DELIVERY_LIMITS.oktaUsers + 1, 'over')));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).detail).toContain(`at most ${DELIVERY_LIMITS.oktaUsers}`);
    expect(await depth()).toBe(0);
  });

  it('queues every command of a delivery at the limit', async () => {
    const { app, depth } = await queueWithApp('fan-out-at');
    const response = await app.handle(oktaRequest(deactivations(DELIVERY_LIMITS.oktaUsers, 'at')));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ queued: DELIVERY_LIMITS.oktaUsers, ignored: 0 });
    expect(await depth()).toBe(DELIVERY_LIMITS.oktaUsers);
  });
});
