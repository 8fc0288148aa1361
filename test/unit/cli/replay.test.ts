import type { SQSClient } from '@aws-sdk/client-sqs';
import { type ReplayOptions, replayMessages } from '@idp-sync/cli';
import { describe, expect, it } from 'vitest';
import { FakeFifo } from './fake-fifo';

const DLQ = 'https://sqs.eu-west-1.amazonaws.com/1/dlq.fifo';
const WORK = 'https://sqs.eu-west-1.amazonaws.com/1/work.fifo';

/** Replays from DLQ to WORK without long polling: every message, unless `options.select` says otherwise. */
const replay = (client: SQSClient, options: Partial<ReplayOptions> = {}) =>
  replayMessages(client, { dlqUrl: DLQ, queueUrl: WORK, select: () => true, waitTimeSeconds: 0, ...options });

describe('replayMessages (several messages of a person in one receive, as real SQS may return)', () => {
  it("sends a person's messages in their order", async () => {
    const fake = new FakeFifo(DLQ, WORK);
    for (let i = 1; i <= 12; i++) fake.put(DLQ, `a${i}`, 'alice');
    fake.put(DLQ, 'b1', 'bob');
    const result = await replay(fake.client, { concurrency: 3 });
    expect(result).toMatchObject({ moved: 13, skipped: 0, failed: 0, leftInDlqAfterSend: 0 });
    expect(fake.bodies(WORK).filter((b) => b.startsWith('a'))).toEqual(
      Array.from({ length: 12 }, (_, i) => `a${i + 1}`),
    );
    expect(fake.bodies(DLQ)).toEqual([]);
  });

  it("a failed send keeps the message in the DLQ and holds back the person's later messages (no overtaking)", async () => {
    const fake = new FakeFifo(DLQ, WORK);
    fake.put(DLQ, 'a1', 'alice');
    fake.put(DLQ, 'a2-poison', 'alice');
    fake.put(DLQ, 'a3', 'alice');
    fake.put(DLQ, 'b1', 'bob');
    fake.failSendWhenBodyIncludes = 'poison';
    const result = await replay(fake.client, { concurrency: 1 });
    expect(result.moved).toBe(2);
    expect(result.failed).toBe(1);
    expect(result.skipped).toBe(1);
    expect(result.heldBack).toBe(1);
    expect(result.failures[0]?.error).toMatch(/InvalidMessageContents/);
    expect(fake.bodies(WORK).sort()).toEqual(['a1', 'b1']);
    expect(fake.bodies(DLQ)).toEqual(['a2-poison', 'a3']);
  });

  it('counts a selected message held back behind a not-selected one apart from those not selected', async () => {
    const fake = new FakeFifo(DLQ, WORK);
    fake.put(DLQ, 'a1-create', 'alice');
    fake.put(DLQ, 'a2-update', 'alice');
    fake.put(DLQ, 'b1-create', 'bob');
    const result = await replay(fake.client, { select: (entry) => entry.body.includes('update'), concurrency: 1 });
    expect(result).toMatchObject({ moved: 0, failed: 0, skipped: 3, heldBack: 1 });
    expect(fake.bodies(DLQ)).toEqual(['a1-create', 'a2-update', 'b1-create']);
  });

  it('a failed delete after a successful send is reported, never lost, and not sent twice in the same run', async () => {
    const fake = new FakeFifo(DLQ, WORK);
    const stuck = fake.put(DLQ, 'c1', 'carol');
    fake.put(DLQ, 'd1', 'dan');
    fake.failDeleteIds.add(stuck);
    const result = await replay(fake.client, { concurrency: 1 });
    expect(result.moved).toBe(2);
    expect(result.leftInDlqAfterSend).toBe(1);
    expect(fake.bodies(DLQ)).toEqual(['c1']);
    expect(fake.bodies(WORK).filter((b) => b === 'c1')).toHaveLength(1);
  });

  it("sends the replay attributes and a fresh 64-hex dedup id, dropping the worker's failure attributes", async () => {
    const fake = new FakeFifo(DLQ, WORK);
    fake.put(DLQ, 'e1', 'erin');
    const m = fake.queues.get(DLQ)![0]!;
    m.attributes = {
      ...m.attributes,
      errorClass: { DataType: 'String', StringValue: 'ServerError' },
      replayCount: { DataType: 'Number', StringValue: '2' },
      traceparent: { DataType: 'String', StringValue: '00-abc-def-01' },
    };
    await replay(fake.client);
    const sent = fake.queues.get(WORK)![0]!;
    expect(sent.dedup).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(sent.attributes).sort()).toEqual(['replayCount', 'replayedAt', 'replayedFrom', 'traceparent']);
    expect(sent.attributes.replayCount?.StringValue).toBe('3');
    expect(sent.attributes.replayedFrom?.StringValue).toBe(m.id);
  });
});

describe('replayMessages with large bodies', () => {
  it('splits a round so no SendMessageBatch exceeds 256 KiB', async () => {
    const fake = new FakeFifo(DLQ, WORK);
    const big = 'x'.repeat(100 * 1024);
    for (let i = 0; i < 5; i++) fake.put(DLQ, `${i}${big}`, `g${i}`);
    const sizes: number[] = [];
    const client = fake.client;
    const send = client.send.bind(client);
    (client as { send: unknown }).send = async (command: { input?: { Entries?: Array<{ MessageBody?: string }> } }) => {
      if (command.constructor.name === 'SendMessageBatchCommand') {
        sizes.push((command.input?.Entries ?? []).reduce((n, e) => n + (e.MessageBody?.length ?? 0), 0));
      }
      return send(command as never);
    };
    const result = await replay(client);
    expect(result.moved).toBe(5);
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(256 * 1024);
  });
});

describe('replayMessages with messages still in a person group (SQS redrive, an older worker)', () => {
  it('re-groups several of one person handed out in one receive (as real SQS may) and replays them in order', async () => {
    const fake = new FakeFifo(DLQ, WORK);
    for (let i = 1; i <= 4; i++) fake.put(DLQ, `a${i}`, 'alice', { legacy: true });
    fake.put(DLQ, 'b1', 'bob', { legacy: true });
    fake.put(DLQ, 'b2', 'bob', { legacy: true });
    fake.put(DLQ, 'c1', 'carol');
    const result = await replayMessages(fake.client, {
      dlqUrl: DLQ,
      queueUrl: WORK,
      select: () => true,
      waitTimeSeconds: 0,
    });
    expect(result).toMatchObject({ moved: 7, failed: 0, regrouped: 6, leftInDlqAfterSend: 0 });
    expect(fake.bodiesOf(WORK, 'alice')).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(fake.bodiesOf(WORK, 'bob')).toEqual(['b1', 'b2']);
    expect(fake.bodiesOf(WORK, 'carol')).toEqual(['c1']);
    expect(fake.bodies(DLQ)).toEqual([]);
  });
});
