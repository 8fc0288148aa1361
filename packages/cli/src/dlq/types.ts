import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { DlqOrigin, ProvisioningCommand } from '@idp-sync/contracts';

/** The reason shown for a message SQS moved by itself (redrive policy), without the worker writing why. */
export const REDRIVE_REASON = 'moved by SQS redrive (no reason recorded)';

/**
 * One dead-lettered message, read from the DLQ and decoded per the DLQ contract (see packages/cli/README.md).
 * Fields the worker did not record are `undefined`.
 */
export interface DlqEntry {
  /** The DLQ's message id (a replay sends a new message: the id changes, the command id does not). */
  readonly messageId: string;
  /** Valid only while this read holds the message; a later read gets another. */
  readonly receiptHandle: string;
  /**
   * The person's FIFO group (the email, or `sha256:<hex>` for very long emails): the group a replay sends the message
   * back under. For a valid command, always the one its email gives.
   */
  readonly groupId: string | undefined;
  /**
   * The DLQ message's own group: `dlq:<hex>` (a group of its own, as the worker and a re-grouping write it), or the
   * person's (a message SQS redrive moved, or written by a worker before per-message groups; not yet re-grouped).
   */
  readonly messageGroupId: string | undefined;
  /** The validated `origin` attribute: the person's group and where the message stood in its order. */
  readonly origin: DlqOrigin | undefined;
  /**
   * Where the message stands in its person's order: the SequenceNumber in the work queue (`work`, written by the
   * worker) or in the DLQ (`dlq`: re-grouped, or not yet), as a big integer.
   */
  readonly order: { readonly queue: 'work' | 'dlq'; readonly sequence: bigint | undefined };
  /** The body exactly as it sits in the DLQ. */
  readonly body: string;
  /** The body as a valid provisioning command, when it is one. */
  readonly command: ProvisioningCommand | undefined;
  /** Why the body is not a valid command, when it is not. */
  readonly invalidBody: string | undefined;
  readonly commandId: string | undefined;
  readonly source: string | undefined;
  readonly action: string | undefined;
  /** Normalised (trimmed, lower-cased) email of the person, when known. */
  readonly email: string | undefined;
  /** `errorClass: errorMessage`, or {@link REDRIVE_REASON}. */
  readonly reason: string;
  readonly errorClass: string | undefined;
  readonly errorMessage: string | undefined;
  readonly httpStatus: number | undefined;
  /** The worker's receive count of the original message. */
  readonly receiveCount: number | undefined;
  readonly firstSeenAt: string | undefined;
  /**
   * The worker's `failedAt`; for a message SQS moved itself, when it reached the DLQ (see `failedAtRecorded`; for a
   * re-grouped one, the `sentAt` of its origin).
   */
  readonly failedAt: string | undefined;
  /** False when `failedAt` is only the DLQ message's SentTimestamp (no reason recorded). */
  readonly failedAtRecorded: boolean;
  readonly permanent: boolean | undefined;
  readonly originalMessageId: string | undefined;
  /** How many times this command was replayed before (the `replayCount` attribute, 0 when absent). */
  readonly replayCount: number;
  /** True when the worker wrote the message (it carries `errorClass`); false when SQS redrive moved it. */
  readonly fromWorker: boolean;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly systemAttributes: Readonly<Record<string, string>>;
}
