import { createHash } from 'node:crypto';
import type { ProvisioningCommand } from './schema';

/** Fields that differ between two deliveries of the same source event, and so are not its content. */
const DELIVERY_FIELDS = new Set(['id', 'receivedAt', 'claimedOccurredAt']);

/**
 * A hash of what a command says — everything but its id and when ingest received it, with `occurredAt` as the
 * sender claimed it (before `boundOccurredAt` capped it, since the cap moves with `receivedAt`). A redelivery of
 * the same source event has the same fingerprint; an id reused for another event (a second person's join under the
 * same `webhook-id`) has another. SQS deduplicates on id + fingerprint, and the worker refuses a reused id whose
 * fingerprint differs (`CommandIdReused`) instead of skipping it as a duplicate.
 *
 * @example
 * commandFingerprint(command) === commandFingerprint({ ...command, receivedAt: later }) // true
 */
export function commandFingerprint(command: ProvisioningCommand): string {
  const content: [string, unknown][] = [];
  for (const key of Object.keys(command).sort()) {
    const value = command[key as keyof ProvisioningCommand];
    if (DELIVERY_FIELDS.has(key) || value === undefined) continue;
    content.push([key, key === 'occurredAt' ? (command.claimedOccurredAt ?? value) : value]);
  }
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}
