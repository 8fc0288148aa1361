import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { checkCommand, isCheckedCommand } from '../command/checked';
import { toCommandMessage } from '../command/message';
import type { ProvisioningCommand } from '../command/schema';
import { InvalidCommandError, QueueSendError } from './errors';

/** SQS takes at most 10 entries per SendMessageBatch. */
export const SQS_BATCH_SIZE = 10;

/**
 * Puts commands on the queue. Resolves only when SQS has accepted every one; otherwise rejects with `QueueSendError`.
 *
 * @example
 * await sender.send(commands);
 */
export interface CommandSender {
  send(commands: readonly ProvisioningCommand[]): Promise<void>;
}

export interface SqsCommandSenderOptions {
  readonly client: Pick<SQSClient, 'send'>;
  readonly queueUrl: string;
  /** Attempts per entry, the first included (default 3). */
  readonly maxAttempts?: number;
  /** Delay before the first retry, doubled each time (default 25 ms: the sources' own timeouts are a few seconds). */
  readonly retryDelayMs?: number;
  /** Batches in flight at once (default 10). */
  readonly concurrency?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const THROTTLING = new Set(['ThrottlingException', 'RequestThrottled', 'TooManyRequestsException', 'KmsThrottled']);

/** An error that another attempt cannot fix (missing queue, no permission, malformed request). */
function isPermanent(error: unknown): boolean {
  const e = error as { $fault?: string; name?: string };
  return e?.$fault === 'client' && !THROTTLING.has(e.name ?? '');
}

function errorCode(error: unknown): string {
  const e = error as { name?: string; code?: string };
  return e?.name ?? e?.code ?? 'Error';
}

/**
 * The SQS sender: SendMessageBatch, ten entries a call, calls in parallel, to the FIFO queue (`MessageGroupId` = the
 * person, `MessageDeduplicationId` = hash of the command id). Entries SQS reports as `Failed` — a batch can partly
 * fail — are retried a few times; anything still unsent makes `send` reject. Nothing is sent unless every command
 * satisfies the contract: commands the source adapters built are checked already (`checkCommand`) and go as they are;
 * any other command (a SCIM outbox read back from the table, one built by hand) is validated here.
 *
 * @example
 * const sender = createSqsCommandSender({ client: new SQSClient({}), queueUrl: process.env.QUEUE_URL! });
 */
export function createSqsCommandSender(options: SqsCommandSenderOptions): CommandSender {
  const maxAttempts = options.maxAttempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 25;
  const concurrency = options.concurrency ?? 10;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function sendBatch(entries: SendMessageBatchRequestEntry[]): Promise<{ failed: number; codes: string[] }> {
    let pending = entries;
    const codes: string[] = [];
    for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) await sleep(retryDelayMs * 2 ** (attempt - 2));
      try {
        const out = await options.client.send(
          new SendMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: pending }),
        );
        const ok = new Set((out.Successful ?? []).map((entry) => entry.Id));
        const failed = out.Failed ?? [];
        for (const entry of failed) codes.push(entry.Code ?? 'Failed');
        // An entry neither reported successful nor failed is treated as not sent.
        pending = pending.filter((entry) => !ok.has(entry.Id));
        if (pending.length > 0 && failed.length > 0 && failed.every((entry) => entry.SenderFault)) break;
      } catch (error) {
        codes.push(errorCode(error));
        if (isPermanent(error)) break;
      }
    }
    return { failed: pending.length, codes };
  }

  return {
    async send(commands) {
      if (commands.length === 0) return;
      const messages = commands.map((command, index) => {
        if (isCheckedCommand(command)) return toCommandMessage(command);
        const checked = checkCommand(command);
        if (!checked.success) {
          throw new InvalidCommandError(`command ${index} breaks the contract: ${checked.error.issues[0]?.message}`);
        }
        return toCommandMessage(checked.data);
      });
      const batches: SendMessageBatchRequestEntry[][] = [];
      for (let i = 0; i < messages.length; i += SQS_BATCH_SIZE) {
        batches.push(messages.slice(i, i + SQS_BATCH_SIZE).map((message, j) => ({ Id: String(j), ...message })));
      }
      let failed = 0;
      const codes = new Set<string>();
      let next = 0;
      const worker = async () => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          const result = await sendBatch(batch);
          failed += result.failed;
          for (const code of result.codes) codes.add(code);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
      if (failed > 0) throw new QueueSendError(failed, commands.length, [...codes]);
    },
  };
}

/** Where a function's commands go: the queue settings of its configuration. */
export interface CommandQueueSettings {
  readonly queueUrl: string;
  /** Set locally (fauxqs); unset in AWS. */
  readonly sqsEndpoint?: string;
  readonly region: string;
  /** Attempts per entry, the first included. */
  readonly sqsSendAttempts: number;
}

/** How a caller may replace the queue: a client (fauxqs, a stub) or the whole sender (tests). */
export interface CommandQueueOptions {
  /** Defaults to a client for the settings' region and endpoint. */
  readonly sqsClient?: Pick<SQSClient, 'send'>;
  /** Replaces the SQS sender entirely (tests). */
  readonly sender?: CommandSender;
}

/**
 * The command sender of an HTTP function (webhooks, SCIM), built one way for both so they send with the same retries.
 *
 * @example
 * const sender = commandSenderFor(loadHttpFunctionConfig(process.env));
 */
export function commandSenderFor(settings: CommandQueueSettings, options: CommandQueueOptions = {}): CommandSender {
  return (
    options.sender ??
    createSqsCommandSender({
      client:
        options.sqsClient ??
        new SQSClient({
          region: settings.region,
          ...(settings.sqsEndpoint ? { endpoint: settings.sqsEndpoint } : {}),
        }),
      queueUrl: settings.queueUrl,
      maxAttempts: settings.sqsSendAttempts,
    })
  );
}
