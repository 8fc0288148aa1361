import { createHash } from 'node:crypto';
import type { ProvisioningCommand } from './schema';

/** SQS limits a FIFO MessageGroupId to 128 characters; longer emails are grouped by their hash. */
const MAX_GROUP_ID_LENGTH = 128;

/**
 * The FIFO message group of a person: the email itself, so that one person's commands stay in order while
 * different people are processed in parallel.
 *
 * @example
 * messageGroupIdFor('alice@example.com') // 'alice@example.com'
 */
export function messageGroupIdFor(email: string): string {
  if (email.length <= MAX_GROUP_ID_LENGTH) return email;
  return `sha256:${createHash('sha256').update(email).digest('hex')}`;
}

/**
 * The FIFO deduplication id of a command: a hash of its id, so a redelivered source event is dropped by SQS
 * within its 5-minute window (the worker's idempotency record catches the rest).
 *
 * @example
 * deduplicationIdFor('okta:9a1c…') // 64 hex characters
 */
export function deduplicationIdFor(commandId: string): string {
  return createHash('sha256').update(commandId).digest('hex');
}

/** The SQS fields of one command, ready for SendMessage / SendMessageBatch. */
export interface CommandMessage {
  MessageBody: string;
  MessageGroupId: string;
  MessageDeduplicationId: string;
}

/**
 * Serialises a (validated) command into the SQS message that carries it.
 *
 * @example
 * const entry = toCommandMessage(command); // { MessageBody, MessageGroupId, MessageDeduplicationId }
 */
export function toCommandMessage(command: ProvisioningCommand): CommandMessage {
  return {
    MessageBody: JSON.stringify(command),
    MessageGroupId: messageGroupIdFor(command.email),
    MessageDeduplicationId: deduplicationIdFor(command.id),
  };
}
