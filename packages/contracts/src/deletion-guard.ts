import { createHash } from 'node:crypto';

/** The deletion guard's item keys are in `./state-table` (`DELETION_GUARD_KEY`, `HELD_DELETE_PK`, `heldDeleteSortKey`). */

/**
 * What became of a held delete: `held` (waiting for a person), `approved` (re-queued by the CLI; the worker lets it
 * through the guard once), `applied` (the approved delete ran), `superseded` (the approved delete was older than the
 * person's newest event: the stale guard skipped it), `discarded` (a person decided it must not run).
 */
export const HELD_DELETE_STATUSES = ['held', 'approved', 'applied', 'superseded', 'discarded'] as const;
export type HeldDeleteStatus = (typeof HELD_DELETE_STATUSES)[number];

/**
 * The message attribute the CLI puts on an approved delete it re-queues. A hint only, so the worker can mark a stale
 * approved delete `superseded`: the worker lets a delete through the guard only when the state table records its
 * approval (anyone who can send to the queue could set an attribute).
 */
export const DELETION_APPROVED_ATTRIBUTE = 'idpSyncDeletionApproved';

/**
 * The deduplication id of an approved delete re-queued by the CLI: deterministic, so approving twice within SQS's
 * 5-minute window sends it once (beyond that the worker's idempotency record absorbs the second).
 *
 * @example
 * approvedDeleteDeduplicationId('okta:1f2e') // 64 hex characters
 */
export function approvedDeleteDeduplicationId(commandId: string): string {
  return createHash('sha256').update(`approved-delete:${commandId}`, 'utf8').digest('hex');
}

/** The largest message body a held item keeps (SQS's own limit is 256 KiB; a DynamoDB item 400 KB). */
export const MAX_HELD_BODY_BYTES = 256 * 1024;
