import { createHash } from 'node:crypto';
import type { ProvisioningCommand } from './schema';

/**
 * A hash of what a command says — everything but its id and when ingest received it, with `occurredAt` as the
 * sender claimed it (before `boundOccurredAt` capped it, since the cap moves with `receivedAt`). A redelivery of the
 * same source event has the same fingerprint; an id reused for another event (a second person's join under the same
 * `webhook-id`) has another. SQS deduplicates on id + fingerprint, and the worker refuses a reused id whose fingerprint
 * differs (`CommandIdReused`) instead of skipping it as a duplicate.
 *
 * @example
 * commandFingerprint(command) === commandFingerprint({ ...command, receivedAt: later }) // true
 */
export function commandFingerprint(command: ProvisioningCommand): string {
  const { id: _id, receivedAt: _receivedAt, claimedOccurredAt, ...content } = command;
  content.occurredAt = claimedOccurredAt ?? content.occurredAt;
  // SCIM's occurredAt is ingest's own receipt time, not a sender's claim, and its id already hashes the request and
  // the state it met: Entra's retry of a request the service rolled back must stay the same command.
  if (content.source === 'scim') content.occurredAt = '';
  // Sorted keys: the same content is the same text whatever order its fields were built in (undefined ones drop out).
  const entries = Object.keys(content)
    .sort()
    .map((key) => [key, content[key as keyof typeof content]]);
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}
