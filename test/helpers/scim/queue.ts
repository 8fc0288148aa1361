import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { ProvisioningCommand } from '@idp-sync/contracts';
import { toCommandMessage } from '@idp-sync/contracts/command';
import type { CommandQueue } from '@idp-sync/scim/service';

/** An in-memory CommandQueue that records what was sent and can be made to fail. */
export interface MemoryCommandQueue extends CommandQueue {
  readonly sent: ProvisioningCommand[];
  /** While true, every send rejects (the queue is "down"). */
  failing: boolean;
  /** Delay each send by this many milliseconds. */
  delayMs: number;
}

export function createMemoryCommandQueue(): MemoryCommandQueue {
  const queue: MemoryCommandQueue = {
    sent: [],
    failing: false,
    delayMs: 0,
    async send(commands) {
      if (queue.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, queue.delayMs));
      if (queue.failing) throw new Error('queue unavailable (test)');
      queue.sent.push(...commands);
    },
  };
  return queue;
}

/**
 * A CommandQueue on a real SQS FIFO queue (fauxqs in tests), sending in batches of 10 with the command contract's
 * group and deduplication ids. Rejects when any entry fails.
 */
export function createSqsCommandQueue(client: SQSClient, queueUrl: string): CommandQueue {
  return {
    async send(commands) {
      for (let start = 0; start < commands.length; start += 10) {
        const batch = commands.slice(start, start + 10);
        const out = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((command, index) => ({ Id: String(index), ...toCommandMessage(command) })),
          }),
        );
        if (out.Failed && out.Failed.length > 0) {
          throw new Error(`SQS refused ${out.Failed.length} command(s): ${out.Failed[0]?.Message ?? 'unknown'}`);
        }
      }
    },
  };
}

/** Receives (and deletes) every command currently in the queue. */
export async function drainCommands(client: SQSClient, queueUrl: string): Promise<ProvisioningCommand[]> {
  const commands: ProvisioningCommand[] = [];
  for (;;) {
    const out = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return commands;
    for (const message of messages) commands.push(JSON.parse(message.Body ?? '{}') as ProvisioningCommand);
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      }),
    );
  }
}
