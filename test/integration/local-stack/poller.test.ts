import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  type BatchResult,
  createPipelineQueues,
  type EventSourceEvent,
  failedMessageIds,
  type LocalSqs,
  localSqsClient,
  type PipelineQueues,
  type SqsEventSource,
  type SqsHandler,
  startLocalSqs,
  startSqsEventSource,
} from '@idp-sync/local-stack';
import { BATCH_COUNTS } from '@idp-sync/worker';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/local-stack';

let sqs: LocalSqs;
let client: SQSClient;
let source: SqsEventSource | undefined;

beforeAll(async () => {
  sqs = await startLocalSqs();
  client = localSqsClient(sqs);
});
afterEach(async () => {
  await source?.stop({ abortReceives: true });
  source = undefined;
});
afterAll(async () => {
  client.destroy();
  await sqs.stop();
});

async function queuePair(visibilityTimeoutSeconds = 1): Promise<PipelineQueues> {
  const name = `poll-${randomUUID().slice(0, 8)}`;
  return createPipelineQueues(client, {
    queueName: `${name}.fifo`,
    dlqName: `${name}-dlq.fifo`,
    maxReceiveCount: 10,
    visibilityTimeoutSeconds,
  });
}

/** Sends one message per group (`g0`, `g1`, …) unless groups are given. */
async function sendMessages(queueUrl: string, bodies: string[], groups?: string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(i, i + 10).map((body, j) => ({
          Id: String(j),
          MessageBody: body,
          MessageGroupId: groups?.[i + j] ?? `g${i + j}`,
          MessageDeduplicationId: randomUUID(),
          MessageAttributes: { origin: { DataType: 'String', StringValue: 'test' } },
        })),
      }),
    );
  }
}

async function depth(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const out = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible),
  };
}

function start(queues: PipelineQueues, handlers: SqsHandler[], timeoutMs = 5_000): { batches: BatchResult[] } {
  const batches: BatchResult[] = [];
  source = startSqsEventSource({
    client,
    queueUrl: queues.queueUrl,
    queueArn: queues.queueArn,
    region: sqs.region,
    handlers,
    waitTimeSeconds: 1,
    timeoutMs,
    onEvent: (event: EventSourceEvent) => {
      if (event.type === 'batch') batches.push(event);
    },
  });
  return { batches };
}

describe('the local Lambda SQS event source', () => {
  it('hands the handler Lambda-shaped records with every attribute, in batches of at most 10, and deletes them', async () => {
    const queues = await queuePair();
    await sendMessages(
      queues.queueUrl,
      Array.from({ length: 12 }, (_, i) => `{"n":${i}}`),
    );
    const seen: SQSRecord[] = [];
    const { batches } = start(queues, [
      async (event) => {
        seen.push(...event.Records);
        return { batchItemFailures: [] };
      },
    ]);
    await waitFor(() => seen.length >= 12);
    await waitFor(async () => {
      const d = await depth(queues.queueUrl);
      return d.visible === 0 && d.inFlight === 0;
    });
    expect(batches.every((b) => b.size <= 10 && b.succeeded === b.size)).toBe(true);
    expect(seen.map((r) => JSON.parse(r.body).n).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    const record = seen[0] as SQSRecord;
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: queues.queueArn,
      awsRegion: sqs.region,
      messageAttributes: { origin: { dataType: 'String', stringValue: 'test' } },
    });
    expect(record.attributes.MessageGroupId).toMatch(/^g\d+$/);
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(Number(record.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThan(0);
    expect(record.receiptHandle).not.toBe('');
  });

  it('deletes what succeeded and leaves a reported failure for redelivery after its visibility timeout', async () => {
    const queues = await queuePair(1);
    await sendMessages(queues.queueUrl, ['"ok-1"', '"fail"', '"ok-2"']);
    const deliveries: { body: string; receiveCount: string }[] = [];
    const { batches } = start(queues, [
      async (event) => {
        for (const r of event.Records) {
          deliveries.push({ body: r.body, receiveCount: r.attributes.ApproximateReceiveCount });
        }
        const failing = event.Records.filter(
          (r) => r.body === '"fail"' && r.attributes.ApproximateReceiveCount === '1',
        );
        return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    ]);
    await waitFor(() => deliveries.some((d) => d.body === '"fail"' && d.receiveCount === '2'));
    await waitFor(async () => (await depth(queues.queueUrl)).inFlight === 0);
    expect(deliveries.filter((d) => d.body === '"ok-1"')).toHaveLength(1);
    expect(deliveries.filter((d) => d.body === '"ok-2"')).toHaveLength(1);
    expect(deliveries.filter((d) => d.body === '"fail"').map((d) => d.receiveCount)).toEqual(['1', '2']);
    expect(batches.some((b) => b.failed === 1 && !b.wholeBatchFailure)).toBe(true);
  });

  it("reports the worker's dead-lettered records apart from the rest it acknowledged (issue #19)", async () => {
    const queues = await queuePair(1);
    await sendMessages(queues.queueUrl, ['"ok"', '"dlq-1"', '"dlq-2"'], ['g', 'g', 'g']);
    const { batches } = start(queues, [
      async (event) => ({
        batchItemFailures: [],
        [BATCH_COUNTS]: { deadLettered: event.Records.filter((r) => r.body.startsWith('"dlq')).length },
      }),
    ]);
    await waitFor(() => batches.reduce((sum, b) => sum + b.size, 0) === 3);
    expect(batches.reduce((sum, b) => sum + b.succeeded, 0)).toBe(3);
    expect(batches.reduce((sum, b) => sum + b.deadLettered, 0)).toBe(2);
    expect(batches.every((b) => b.failed === 0)).toBe(true);
  });

  it('fails the whole batch when the handler throws (as when every record fails under processPartialResponse)', async () => {
    const queues = await queuePair(1);
    await sendMessages(queues.queueUrl, ['"a"', '"b"']);
    const counts: string[] = [];
    let calls = 0;
    const { batches } = start(queues, [
      async (event) => {
        calls++;
        for (const r of event.Records) counts.push(`${r.body}:${r.attributes.ApproximateReceiveCount}`);
        if (event.Records.some((r) => r.attributes.ApproximateReceiveCount === '1')) {
          throw new Error('All records failed processing');
        }
        return undefined;
      },
    ]);
    await waitFor(() => counts.includes('"a":2') && counts.includes('"b":2'));
    await waitFor(async () => (await depth(queues.queueUrl)).inFlight === 0);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(batches.find((b) => b.wholeBatchFailure)).toMatchObject({
      succeeded: 0,
      wholeBatchFailure: 'Error: All records failed processing',
    });
  });

  it('fails the whole batch for an itemIdentifier that is not in the batch, and for a handler past its timeout', async () => {
    const queues = await queuePair(1);
    await sendMessages(queues.queueUrl, ['"x"']);
    let call = 0;
    const { batches } = start(
      queues,
      [
        async () => {
          call++;
          if (call === 1) return { batchItemFailures: [{ itemIdentifier: 'not-a-message-of-this-batch' }] };
          if (call === 2) return new Promise<never>(() => undefined);
          return undefined;
        },
      ],
      300,
    );
    await waitFor(() => batches.length >= 3, 20_000);
    expect(batches[0]?.wholeBatchFailure).toMatch(/itemIdentifier not-a-message-of-this-batch is not a message/);
    expect(batches[1]?.wholeBatchFailure).toMatch(/did not finish within the function timeout/);
    expect(batches[2]).toMatchObject({ succeeded: 1, failed: 0 });
  });

  it('keeps FIFO order within a group across several pollers', async () => {
    const queues = await queuePair(5);
    const groups = Array.from({ length: 20 }, (_, i) => `person-${i % 2}`);
    await sendMessages(
      queues.queueUrl,
      groups.map((_, i) => String(i)),
      groups,
    );
    const order: Record<string, number[]> = {};
    const handler: SqsHandler = async (event) => {
      for (const r of event.Records) {
        const group = r.attributes.MessageGroupId ?? '';
        order[group] = [...(order[group] ?? []), Number(r.body)];
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return { batchItemFailures: [] };
    };
    start(queues, [handler, handler, handler]);
    await waitFor(() => (order['person-0']?.length ?? 0) + (order['person-1']?.length ?? 0) >= 20);
    const sorted = (xs: number[] | undefined) => [...(xs ?? [])].sort((a, b) => a - b);
    expect(order['person-0']).toEqual(sorted(order['person-0']));
    expect(order['person-1']).toEqual(sorted(order['person-1']));
  });

  it('pauses after the batch in flight, resumes, and stops gracefully', async () => {
    const queues = await queuePair(5);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handled: string[] = [];
    start(queues, [
      async (event) => {
        if (handled.length === 0) await gate;
        handled.push(...event.Records.map((r) => r.body));
        return undefined;
      },
    ]);
    const eventSource = source as SqsEventSource;
    await sendMessages(queues.queueUrl, ['"first"']);
    await waitFor(() => eventSource.inFlight === 1);
    const paused = eventSource.pause();
    let pauseDone = false;
    void paused.then(() => {
      pauseDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pauseDone).toBe(false);
    release();
    await paused;
    expect(handled).toEqual(['"first"']);
    await sendMessages(queues.queueUrl, ['"second"']);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(handled).toEqual(['"first"']);
    expect((await depth(queues.queueUrl)).visible).toBe(1);
    eventSource.resume();
    await waitFor(() => handled.includes('"second"'));
    await eventSource.stop();
    source = undefined;
    await waitFor(async () => (await depth(queues.queueUrl)).inFlight === 0);
  });
});

describe('failedMessageIds', () => {
  const ids = new Set(['m1', 'm2']);
  it('reads a partial batch response as Lambda does', () => {
    expect(failedMessageIds(undefined, ids)).toEqual({ failed: new Set() });
    expect(failedMessageIds(null, ids)).toEqual({ failed: new Set() });
    expect(failedMessageIds({}, ids)).toEqual({ failed: new Set() });
    expect(failedMessageIds({ batchItemFailures: [] }, ids)).toEqual({ failed: new Set() });
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: 'm2' }] }, ids)).toEqual({
      failed: new Set(['m2']),
    });
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: '' }] }, ids)).toHaveProperty('invalid');
    expect(failedMessageIds({ batchItemFailures: [{}] }, ids)).toHaveProperty('invalid');
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: 'm9' }] }, ids)).toHaveProperty('invalid');
    expect(failedMessageIds({ batchItemFailures: 'm1' }, ids)).toHaveProperty('invalid');
    expect(failedMessageIds('ok', ids)).toHaveProperty('invalid');
  });
});
