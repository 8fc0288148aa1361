import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { MAX_JSON_DEPTH, ownField, parseUntrustedJson } from '@idp-sync/common';
import { DLQ_ATTRIBUTES, EmailSchema, type ProvisioningCommand, ProvisioningCommandSchema } from '@idp-sync/contracts';
import { type DlqEntry, REDRIVE_REASON } from './types';

/**
 * The message attributes the worker writes when it dead-letters a command (the DLQ contract: `DLQ_ATTRIBUTES` of
 * `@idp-sync/contracts`). They describe the failure, so a replay does not send them back to the work queue.
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

  const recordedFailedAt = stringAttr(attrs, 'failedAt');
  const sent = Number(system.SentTimestamp);
  const failedAt = recordedFailedAt ?? (Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : undefined);

  const groupId = system.MessageGroupId;
  const email = command?.email ?? normaliseEmail(loose.email) ?? (groupId?.includes('@') ? groupId : undefined);

  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    groupId,
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
    originalMessageId: stringAttr(attrs, 'originalMessageId'),
    replayCount: numberAttr(attrs, 'replayCount') ?? 0,
    fromWorker,
    messageAttributes: attrs,
    systemAttributes: system,
  };
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
