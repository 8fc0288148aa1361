import {
  ChangeMessageVisibilityCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { runCli } from '@idp-sync/cli';
import { toCommandMessage } from '@idp-sync/contracts/command';
import { createPipelineQueues } from '@idp-sync/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline, startWorkerStack, type WorkerStack } from '../../helpers/worker/harness';
import { command } from '../../helpers/worker/records';
import { captureIo, drainQueue } from './dlq-messages';

/**
 * The DLQ as the real writers leave it — the worker (DeadLetterSender, through fauxqs, dynalite and the emulator)
 * and SQS's own redrive (fauxqs, maxReceiveCount exhausted) — read and replayed by the CLI.
 */

let stack: WorkerStack;
beforeAll(async () => {
  stack = await startWorkerStack();
});
afterAll(async () => {
  await stack.stop();
});

async function idpSync(argv: string[], options: { answer?: string } = {}) {
  const captured = captureIo(
    { SQS_ENDPOINT: stack.sqs.endpoint, IDP_SYNC_RECEIVE_WAIT_SECONDS: '0' },
    { stdinIsTTY: options.answer !== undefined },
  );
  if (options.answer !== undefined) captured.type(options.answer);
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

const commandIdOf = (m: Message) => (JSON.parse(m.Body!) as { id: string }).id;

describe('messages the worker dead-lettered', () => {
  it("are all listed, a person's several in their order, and replay in order in the person's group", async () => {
    const p = await pipeline(stack);
    const flags = ['--queue-url', p.queues.queueUrl, '--dlq-url', p.queues.dlqUrl];
    const alice = 'alice-w@example.com';
    stack.emulator.state.seed([{ name: 'Former', email: alice, status: 'DELETED' }]);
    // A rehire of a deleted email (EmailDeleted, permanent), then two commands for the account that never was.
    const rehire = command({ action: 'create', email: alice, name: 'Alice' });
    const update = command({ action: 'update', email: alice, name: 'Alice B' });
    const reset = command({ action: 'reset-password', email: alice });
    const bob = command({ action: 'update', email: 'bob-w@example.com', name: 'Bob' });
    await p.enqueue([rehire, update, reset, bob]);
    while (await p.processNext()) {}

    const list = await idpSync(['dlq', 'list', '--json', ...flags]);
    expect(list.code, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout) as Array<{ commandId: string; person: string; reason: string }>;
    expect(rows).toHaveLength(4);
    const alices = rows.filter((r) => r.person === 'a***@example.com');
    expect(alices.map((r) => r.commandId)).toEqual([rehire.id, update.id, reset.id]);
    expect(alices[0]!.reason).toMatch(/^EmailDeleted/);
    expect(rows.map((r) => r.commandId)).toContain(bob.id);
    expect(list.stderr).not.toMatch(/re-grouped|could not be read/);

    // The rehire is permanent: it stays, and alice's later messages with it; bob's goes.
    const dry = await idpSync(['dlq', 'replay', '--dry-run', ...flags]);
    expect(dry.stderr).toMatch(/1 message\(s\) would move to the work queue, 3 would stay/);
    expect(dry.stderr).toMatch(/permanent failures \(EmailDeleted 1\)/);

    const run = await idpSync(['dlq', 'replay', '--email', alice, '--include-permanent', ...flags], { answer: 'y' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Replay 3 of the 4 message\(s\) \(including 1 permanent failure\(s\)/);
    const moved = await drainQueue(stack.sqsClient, p.queues.queueUrl);
    expect(moved.map(commandIdOf)).toEqual([rehire.id, update.id, reset.id]);
    expect(new Set(moved.map((m) => m.Attributes?.MessageGroupId))).toEqual(new Set([alice]));
    await p.close();
  });
});

describe('messages SQS redrive moved (maxReceiveCount exhausted after a crashed worker)', () => {
  it('are listed, every one, re-grouped, and replay in order in the person group', async () => {
    const name = `redrive-${Date.now()}`;
    const q = await createPipelineQueues(stack.sqsClient, {
      queueName: `${name}.fifo`,
      dlqName: `${name}-dlq.fifo`,
      maxReceiveCount: 1,
    });
    const who = 'carol-w@example.com';
    const commands = [1, 2, 3].map((k) => command({ action: 'update', email: who, name: `C${k}` }));
    await stack.sqsClient.send(
      new SendMessageBatchCommand({
        QueueUrl: q.queueUrl,
        Entries: commands.map((c, i) => ({ Id: String(i), ...toCommandMessage(c) })),
      }),
    );
    // A worker that crashes on every receive: the message comes back, and SQS moves it on the receive after the last.
    for (let i = 0; i < 20; i++) {
      const out = await stack.sqsClient.send(new ReceiveMessageCommand({ QueueUrl: q.queueUrl, WaitTimeSeconds: 0 }));
      for (const m of out.Messages ?? []) {
        await stack.sqsClient.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: q.queueUrl,
            ReceiptHandle: m.ReceiptHandle!,
            VisibilityTimeout: 0,
          }),
        );
      }
    }
    const flags = ['--queue-url', q.queueUrl, '--dlq-url', q.dlqUrl];
    const list = await idpSync(['dlq', 'list', '--json', ...flags]);
    expect(list.code, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout) as Array<{ commandId: string; reason: string }>;
    expect(rows.map((r) => r.commandId)).toEqual(commands.map((c) => c.id));
    expect(rows.every((r) => r.reason === 'moved by SQS redrive (no reason recorded)')).toBe(true);
    expect(list.stderr).toMatch(/3 message\(s\) moved by SQS redrive \(or by an older worker\) were re-grouped/);

    const run = await idpSync(['dlq', 'replay', '--yes', ...flags]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/3 moved/);
    const moved = await drainQueue(stack.sqsClient, q.queueUrl);
    expect(moved.map(commandIdOf)).toEqual(commands.map((c) => c.id));
    expect(new Set(moved.map((m) => m.Attributes?.MessageGroupId))).toEqual(new Set([who]));
  });
});
