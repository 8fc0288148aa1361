/**
 * Replay throughput of `idp-sync dlq replay` (receive → send → delete), beside StartMessageMoveTask's documented
 * ceiling of 500 messages/s (MaxNumberOfMessagesPerSecond, SQS API reference).
 *
 * Fills a local FIFO DLQ (fauxqs) with 10,000 messages across 500 people (20 each, in order), as the worker writes
 * them (each in a group of its own, the person's group and order in `origin`), replays them all (read everything,
 * then send → delete in rounds), checks that nothing was lost or reordered, and prints messages/s.
 * Run: npx tsx test/bench/dlq-replay.bench.ts
 * Optional: BENCH_MESSAGES, BENCH_GROUPS, BENCH_CONCURRENCY (comma-separated list of send concurrencies to compare),
 * BENCH_LEGACY=1 to write them in the person's group as workers before issue #16 did (the replay re-groups them first),
 * BENCH_SQS=inprocess to run fauxqs in this process (by default it runs in a child process, as SQS is not in the
 * CLI's process: sharing one event loop would charge fauxqs's CPU to the replay).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DEFAULT_REPLAY_CONCURRENCY, replayMessages } from '@idp-sync/cli';
import { formatDlqOrigin } from '@idp-sync/contracts';
import { createPipelineQueues, localSqsClient, startLocalSqs } from '@idp-sync/local-stack';

/** SQS's documented maximum rate for StartMessageMoveTask (the DLQ redrive it offers), the baseline of the figure. */
const MOVE_TASK_MAX_RATE = 500;

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 500);
const LEGACY = process.env.BENCH_LEGACY === '1';
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? String(DEFAULT_REPLAY_CONCURRENCY)).split(',').map(Number);

if (process.argv.includes('--serve-sqs')) {
  // Child mode: serve fauxqs until the parent closes stdin.
  const served = await startLocalSqs();
  console.log(JSON.stringify({ endpoint: served.endpoint, region: served.region }));
  process.stdin.resume();
  process.stdin.on('end', () => {
    void served.stop().then(() => process.exit(0));
  });
} else {
  await bench();
}

async function startSqs(): Promise<{ endpoint: string; region: string; stop(): Promise<void> }> {
  if (process.env.BENCH_SQS === 'inprocess') return startLocalSqs();
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve-sqs'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fauxqs child exited with ${code}`)));
  });
  const { endpoint, region } = JSON.parse(first) as { endpoint: string; region: string };
  return {
    endpoint,
    region,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

async function bench(): Promise<void> {
  const sqs = await startSqs();
  const client = localSqsClient(sqs);
  try {
    console.log(
      `dlq replay bench: ${MESSAGES} messages across ${GROUPS} people${LEGACY ? ' (in person groups: re-grouped first)' : ''}, fauxqs ${process.env.BENCH_SQS === 'inprocess' ? 'in this process' : 'in a child process'} on ${sqs.endpoint}`,
    );
    console.log(`node ${process.version}; StartMessageMoveTask documented ceiling: ${MOVE_TASK_MAX_RATE} msg/s`);
    for (const concurrency of CONCURRENCY) {
      const q = await createPipelineQueues(client, {
        queueName: `bench-work-${concurrency}.fifo`,
        dlqName: `bench-dlq-${concurrency}.fifo`,
      });
      const fillStart = performance.now();
      for (let i = 0; i < MESSAGES; i += 10) {
        const entries = [];
        for (let k = i; k < Math.min(i + 10, MESSAGES); k++) {
          const group = `person${k % GROUPS}@example.com`;
          entries.push({
            Id: `m${k - i}`,
            MessageBody: JSON.stringify({ v: 1, id: `bench:${k}`, email: group, seq: Math.floor(k / GROUPS) }),
            MessageGroupId: LEGACY ? group : `dlq:d${k}`,
            MessageDeduplicationId: `d${k}`,
            MessageAttributes: {
              errorClass: { DataType: 'String', StringValue: 'ServerError' },
              httpStatus: { DataType: 'Number', StringValue: '503' },
              failedAt: { DataType: 'String', StringValue: new Date().toISOString() },
              ...(LEGACY
                ? {}
                : {
                    origin: {
                      DataType: 'String',
                      // Work-queue sequence numbers: 20 digits, increasing in send order.
                      StringValue: formatDlqOrigin({
                        queue: 'work',
                        group,
                        seq: String(18_849_496_460_467_696_128n + BigInt(k)),
                        messageId: `bench-${k}`,
                      }),
                    },
                  }),
            },
          });
        }
        await client.send(new SendMessageBatchCommand({ QueueUrl: q.dlqUrl, Entries: entries }));
      }
      const fillSeconds = (performance.now() - fillStart) / 1000;

      const result = await replayMessages(client, {
        dlqUrl: q.dlqUrl,
        queueUrl: q.queueUrl,
        select: () => true,
        waitTimeSeconds: 0,
        concurrency,
      });
      const seconds = result.elapsedMs / 1000;
      const rate = result.moved / seconds;

      // Check: everything arrived once, and each person's commands kept their order.
      const lastSeq = new Map<string, number>();
      let received = 0;
      let outOfOrder = 0;
      for (;;) {
        const out = await client.send(
          new ReceiveMessageCommand({ QueueUrl: q.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        const messages = out.Messages ?? [];
        if (messages.length === 0) break;
        for (const m of messages) {
          const body = JSON.parse(m.Body!) as { email: string; seq: number };
          if ((lastSeq.get(body.email) ?? -1) >= body.seq) outOfOrder++;
          lastSeq.set(body.email, body.seq);
          received++;
        }
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: q.queueUrl,
            Entries: messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
      console.log(
        [
          `concurrency ${String(concurrency).padStart(2)}:`,
          `${result.moved} moved, ${result.skipped} skipped, ${result.failed} failed`,
          `in ${seconds.toFixed(1)} s = ${rate.toFixed(0)} msg/s`,
          `(${(rate / MOVE_TASK_MAX_RATE).toFixed(2)}× the move task's ${MOVE_TASK_MAX_RATE} msg/s ceiling)`,
          `| fill ${fillSeconds.toFixed(1)} s | work queue: ${received} received, ${outOfOrder} out of order`,
        ].join(' '),
      );
    }
  } finally {
    await sqs.stop();
  }
}
