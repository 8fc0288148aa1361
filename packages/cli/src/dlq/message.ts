import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { MAX_JSON_DEPTH, ownField, parseUntrustedJson } from '@idp-sync/common';
import {
  DLQ_ATTRIBUTES,
  type DlqOrigin,
  EmailSchema,
  messageGroupIdOf,
  type ProvisioningCommand,
  ProvisioningCommandSchema,
  parseDlqOrigin,
} from '@idp-sync/contracts';
import { type DlqEntry, REDRIVE_REASON } from './types';

/**
 * The message attributes the worker writes when it dead-letters a command (the DLQ contract: `DLQ_ATTRIBUTES` of
 * `@idp-sync/contracts`; `origin` also on a message the CLI re-grouped). They describe the failure and where the
 * message stood, so a replay does not send them back to the work queue.
 */
export const WORKER_ATTRIBUTE_NAMES = DLQ_ATTRIBUTES;

/** The attributes a replay adds (and refreshes) on the message it sends back. */
export const REPLAY_ATTRIBUTE_NAMES = ['replayedFrom', 'replayCount', 'replayedAt'] as const;

/**
 * Decodes one received DLQ message: its body (a command, or whatever invalid body arrived) and the worker's
 * attributes. Never throws: a DLQ holds exactly the messages nothing else could read.
 *
 * @example
 * const entry = toDlqEntry(message); // entry.reason === 'ConflictError: user exists'
 */
export function toDlqEntry(message: Message): DlqEntry {
  const attrs = message.MessageAttributes ?? {};
  const system = message.Attributes ?? {};
  const body = message.Body ?? '';
  const { command, invalidBody, loose } = decodeBody(body);

  const errorClass = stringAttr(attrs, 'errorClass');
  const errorMessage = stringAttr(attrs, 'errorMessage');
  const fromWorker = errorClass !== undefined || errorMessage !== undefined;
  const reason = fromWorker ? [errorClass, errorMessage].filter(Boolean).join(': ') : REDRIVE_REASON;

  const origin = parseDlqOrigin(stringAttr(attrs, 'origin'));
  const recordedFailedAt = stringAttr(attrs, 'failedAt');
  const sent = Number(system.SentTimestamp);
  const sentAt = Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : undefined;
  // A re-grouped copy was sent when it was re-grouped: when the message reached the DLQ is in its origin.
  const failedAt = recordedFailedAt ?? origin?.sentAt ?? sentAt;

  const messageGroupId = system.MessageGroupId;
  const groupId = personGroupOf(command, origin, messageGroupId);
  const email = command?.email ?? normaliseEmail(loose.email) ?? (groupId?.includes('@') ? groupId : undefined);
  const sequence = origin ? origin.seq : sequenceAttr(system.SequenceNumber);

  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    groupId,
    messageGroupId,
    origin,
    order: { queue: origin?.queue ?? 'dlq', sequence: sequence === undefined ? undefined : BigInt(sequence) },
    body,
    command,
    invalidBody,
    commandId: stringAttr(attrs, 'commandId') ?? command?.id ?? loose.id,
    source: command?.source ?? loose.source,
    action: command?.action ?? loose.action,
    email,
    reason,
    errorClass,
    errorMessage,
    httpStatus: numberAttr(attrs, 'httpStatus'),
    receiveCount: numberAttr(attrs, 'receiveCount'),
    firstSeenAt: stringAttr(attrs, 'firstSeenAt'),
    failedAt,
    failedAtRecorded: recordedFailedAt !== undefined,
    // The worker writes `retryable` (a transient failure that ran out of receives); `permanent` is its negation.
    permanent: negate(booleanAttr(attrs, 'retryable')),
    originalMessageId:
      stringAttr(attrs, 'originalMessageId') ??
      (origin?.queue === 'work' ? origin.messageId : origin?.originalMessageId),
    replayCount: numberAttr(attrs, 'replayCount') ?? 0,
    fromWorker,
    messageAttributes: attrs,
    systemAttributes: system,
  };
}

/**
 * The person's message group, which a replay sends the message back under. For a valid command it is always the one
 * its email gives (an `origin` that says otherwise is not believed); for a body that is no command, the `origin`'s,
 * else the message's own group unless that is a DLQ group of its own (`dlq:…`).
 */
function personGroupOf(
  command: ProvisioningCommand | undefined,
  origin: DlqOrigin | undefined,
  messageGroupId: string | undefined,
): string | undefined {
  if (command) return messageGroupIdOf(command);
  if (origin) return origin.group;
  return messageGroupId?.startsWith('dlq:') ? undefined : messageGroupId;
}

/** SQS sequence numbers are 128-bit decimal strings; anything else is ignored. */
function sequenceAttr(value: string | undefined): string | undefined {
  return value !== undefined && /^\d{1,39}$/.test(value) ? value : undefined;
}

interface LooseFields {
  id?: string;
  source?: string;
  action?: string;
  email?: string;
}

function decodeBody(body: string): {
  command: ProvisioningCommand | undefined;
  invalidBody: string | undefined;
  loose: LooseFields;
} {
  // Depth bounded over the raw text before anything walks it; objects without a prototype, so a field is only ever
  // read from the body itself.
  const read = parseUntrustedJson(body, MAX_JSON_DEPTH);
  if (!read.ok) {
    const invalidBody = read.reason === 'too-deep' ? `the body is ${read.detail}` : 'the body is not JSON';
    return { command: undefined, invalidBody, loose: {} };
  }
  const json = read.value;
  const parsed = ProvisioningCommandSchema.safeParse(json);
  if (parsed.success) return { command: parsed.data, invalidBody: undefined, loose: {} };
  const first = parsed.error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  // An invalid command still usually names its id, source, action and person: show what is there.
  const pick = (key: string) => {
    const value = ownField(json, key);
    return typeof value === 'string' ? value : undefined;
  };
  return {
    command: undefined,
    invalidBody: `not a valid command (${where}${first?.message ?? 'invalid'})`,
    loose: { id: pick('id'), source: pick('source'), action: pick('action'), email: pick('email') },
  };
}

function normaliseEmail(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = EmailSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function stringAttr(attrs: Record<string, MessageAttributeValue>, name: string): string | undefined {
  // Attribute names are the sender's: only an attribute the message owns counts.
  const value = (ownField(attrs, name) as MessageAttributeValue | undefined)?.StringValue;
  return value === undefined || value === '' ? undefined : value;
}

function numberAttr(attrs: Record<string, MessageAttributeValue>, name: string): number | undefined {
  const value = stringAttr(attrs, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function negate(value: boolean | undefined): boolean | undefined {
  return value === undefined ? undefined : !value;
}

function booleanAttr(attrs: Record<string, MessageAttributeValue>, name: string): boolean | undefined {
  const value = stringAttr(attrs, name);
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}
