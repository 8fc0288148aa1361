import { createHash } from 'node:crypto';
import { commandFingerprint } from './fingerprint';
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
 * The FIFO message group of a command: the person's ({@link messageGroupIdFor}), except for a `membership`, which goes
 * in a group of its own per person (`membership#<email>`). A membership changes no account and moves no watermark;
 * in the person's group it would wait behind a create the worker holds for `ROLE_SETTLE_SECONDS` — the very
 * membership that create waits for. Memberships of one person stay in order among themselves.
 *
 * @example
 * messageGroupIdOf({ action: 'membership', email: 'alice@example.com' }) // 'membership#alice@example.com'
 */
export function messageGroupIdOf(command: Pick<ProvisioningCommand, 'action' | 'email'>): string {
  if (command.action !== 'membership') return messageGroupIdFor(command.email);
  return messageGroupIdFor(`membership#${command.email}`);
}

/**
 * The FIFO deduplication id of a command: a hash of its id and its content (`commandFingerprint`), so a redelivered
 * source event is dropped by SQS within its 5-minute window (the worker's idempotency record catches the rest), while
 * an id the source reused for another event (another body under the same `webhook-id` or Okta `uuid`) gets through to
 * the worker, which dead-letters it as `CommandIdReused` — never silently dropped.
 *
 * @example
 * deduplicationIdFor(command) // 64 hex characters
 */
export function deduplicationIdFor(command: ProvisioningCommand): string {
  return createHash('sha256')
    .update(`${command.id}\u0000${commandFingerprint(command)}`)
    .digest('hex');
}

/**
 * Code units a message body must not carry raw. SQS refuses U+FFFE, U+FFFF and lone surrogates (it takes #x9, #xA,
 * #xD, #x20–#xD7FF, #xE000–#xFFFD, #x10000–#x10FFFF; JSON.stringify already escapes the controls below #x20), and
 * fauxqs 1.9 — the local stand-in — refuses every astral character (its check tests UTF-16 code units). Without the
 * `u` flag this matches each surrogate half on its own.
 */
const UNSAFE_FOR_SQS = /[\ud800-\udfff\ufffe\uffff]/g;

/** `\uXXXX` for one UTF-16 code unit: JSON.parse turns escaped surrogate pairs back into the same character. */
function escapeCodeUnit(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The SQS fields of one command, ready for SendMessage / SendMessageBatch. */
export interface CommandMessage {
  MessageBody: string;
  MessageGroupId: string;
  MessageDeduplicationId: string;
}

/**
 * Serialises a (validated) command into the SQS message that carries it. Characters SQS would refuse (a name with
 * U+FFFF, an emoji on fauxqs) are written as JSON `\u` escapes, so `JSON.parse(MessageBody)` is the command exactly and
 * a person's odd name never turns a webhook into an endless 503.
 *
 * @example
 * const entry = toCommandMessage(command); // { MessageBody, MessageGroupId, MessageDeduplicationId }
 */
export function toCommandMessage(command: ProvisioningCommand): CommandMessage {
  return {
    MessageBody: JSON.stringify(command).replace(UNSAFE_FOR_SQS, escapeCodeUnit),
    MessageGroupId: messageGroupIdOf(command),
    MessageDeduplicationId: deduplicationIdFor(command),
  };
}
