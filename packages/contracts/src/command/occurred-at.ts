/**
 * How far beyond ingest's own receipt (`receivedAt`) a sender's `occurredAt` may lie: one minute.
 *
 * `occurredAt` is a claim of the sender (a body field, a vendor's clock); the worker orders a person's commands by it
 * and skips anything older than the last applied one. Unbounded, one event dated 2099 made every later event of that
 * person stale, leaves included. An NTP-synchronised sender is off by milliseconds, so a minute never caps an honest
 * clock, and it is also the most a wrong clock can shadow: an event capped at `receivedAt + 1 min` can make stale only
 * other events of the same person that happened within that minute.
 */
export const MAX_OCCURRED_AT_SKEW_MS = 60_000;

/** The fields of a command that {@link boundOccurredAt} reads and writes. */
export interface OccurredAtFields {
  occurredAt: string;
  receivedAt: string;
  claimedOccurredAt?: string | undefined;
}

/**
 * Caps `occurredAt` at `receivedAt` + {@link MAX_OCCURRED_AT_SKEW_MS}. The event is kept (a sender with a fast clock
 * still gets its leaves applied) and what the sender claimed is kept in `claimedOccurredAt`, so the command's identity
 * stays what the sender sent (see `commandFingerprint`). Idempotent; a command within the bound is returned as it is.
 * The command schema applies it to every command it parses: at ingest, and in the worker for messages queued before
 * the bound existed (a DLQ replay).
 *
 * @example
 * boundOccurredAt({ occurredAt: '2099-01-01T00:00:00Z', receivedAt: '2026-11-26T10:00:00.000Z' })
 * // { occurredAt: '2026-11-26T10:01:00.000Z', receivedAt: '2026-11-26T10:00:00.000Z', claimedOccurredAt: '2099-01-01T00:00:00Z' }
 */
export function boundOccurredAt<T extends OccurredAtFields>(command: T): T {
  const limit = Date.parse(command.receivedAt) + MAX_OCCURRED_AT_SKEW_MS;
  // NaN (an invalid timestamp the schema reports anyway) compares false: left as it is.
  if (!(Date.parse(command.occurredAt) > limit)) return command;
  return {
    ...command,
    occurredAt: new Date(limit).toISOString(),
    claimedOccurredAt: command.claimedOccurredAt ?? command.occurredAt,
  };
}
