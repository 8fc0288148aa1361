import type { DlqEntry } from './types';

/**
 * Failure classes that fail again as they are, whatever is fixed on our side: the runbook says "do not replay"
 * (`EmailDeleted`, `LeftDuringJoin`, `ResetPasswordRejected`, `ResendRejected`, `CommandIdReused`) or "usually do
 * not replay" (`BadRequestError`, `UnprocessableEntityError`, `ConflictError`). The worker's non-retryable classes
 * (packages/worker/src/batch/classify.ts and the `CommandRejectedError`s of its applier), as `dlq show`'s next step
 * explains them (next-step.ts).
 */
export const PERMANENT_FAILURE_CLASSES: ReadonlySet<string> = new Set([
  'EmailDeleted',
  'LeftDuringJoin',
  'ResetPasswordRejected',
  'ResendRejected',
  'CommandIdReused',
  'BadRequestError',
  'UnprocessableEntityError',
  'ConflictError',
]);

/**
 * Non-retryable classes that a fix on our side does clear, so a replay takes them by default: `UserNotFound` (the
 * person's create failed first: replay their messages together), `InvalidCommand` and `UnknownAction` (a worker
 * that knows the field or action), `ForbiddenError` (the API key), and the transient ones the worker may write.
 */
const REPLAYABLE_CLASSES: ReadonlySet<string> = new Set([
  'UserNotFound',
  'InvalidCommand',
  'UnknownAction',
  'ForbiddenError',
  'UnauthorizedError',
  'BlockedByEarlierFailure',
]);

/**
 * Whether a DLQ message is a permanent failure: one a replay leaves in the DLQ unless `--include-permanent`. A class
 * in {@link PERMANENT_FAILURE_CLASSES}, or a class this CLI does not know that the worker marked not retryable
 * (`retryable` = `false`). A message without a recorded reason (SQS redrive) is not.
 *
 * @example
 * isPermanentFailure(entry) // true for EmailDeleted
 */
export function isPermanentFailure(entry: DlqEntry): boolean {
  if (!entry.fromWorker || entry.errorClass === undefined) return false;
  if (PERMANENT_FAILURE_CLASSES.has(entry.errorClass)) return true;
  return entry.permanent === true && !REPLAYABLE_CLASSES.has(entry.errorClass);
}
