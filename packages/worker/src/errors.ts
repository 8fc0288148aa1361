import { ConfigError } from '@idp-sync/common';

/**
 * The root of the worker's own errors: `instanceof WorkerError` tells a failure the worker raised on purpose from one
 * of the Users API client, the AWS SDK or a bug. Each subclass keeps its own `name`: it becomes the DLQ message's
 * `errorClass` (unless the error carries its own class), appears in log lines, and the CLI's next-step hints match it.
 * The one exception is {@link WorkerConfigError}: it is thrown at INIT, before any record, and extends common's
 * `ConfigError` so that every package's configuration error has one shape (`problems`, one line each).
 *
 * @example
 * catch (error) { if (error instanceof WorkerError) logger.warn('worker error', { errorClass: error.name }); }
 */
export abstract class WorkerError extends Error {}

/**
 * The worker's environment is missing or malformed. Thrown at module load so a misconfigured Lambda fails at INIT
 * with a message that names every variable to fix (`problems`, one line each).
 *
 * @example
 * try { loadWorkerConfig({}); } catch (e) { if (e instanceof WorkerConfigError) console.error(e.problems); }
 */
export class WorkerConfigError extends ConfigError {
  override readonly name: string = 'WorkerConfigError';

  constructor(problems: readonly string[]) {
    super(problems, { subject: 'Invalid worker configuration' });
  }
}

/**
 * Thrown inside the per-group batch processor for a record left for SQS to redeliver, so Powertools reports it as a
 * batch item failure and skips that person's later records. Never escapes the worker.
 *
 * @example
 * throw new RecordRetryLater('m-1');
 */
export class RecordRetryLater extends WorkerError {
  override readonly name = 'RecordRetryLater';
  constructor(messageId: string) {
    super(`record ${messageId} left for redelivery`);
  }
}

/**
 * A command the Users API will never accept as it stands (the email was deleted, no such user, the user cannot
 * reset a password…). Permanent: the worker sends it to the DLQ with `errorClass` and this message as the reason.
 * Messages never contain a full email address.
 *
 * @example
 * throw new CommandRejectedError('EmailDeleted', 'email was deleted; the Users API cannot re-create a deleted user', { httpStatus: 409 });
 */
export class CommandRejectedError extends WorkerError {
  override readonly name = 'CommandRejectedError';
  /** A short machine-readable class for the DLQ attribute and metrics, e.g. `EmailDeleted`. */
  readonly errorClass: string;
  /** The HTTP status that led here, when the Users API answered. */
  readonly httpStatus?: number;

  constructor(errorClass: string, message: string, options: { httpStatus?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errorClass = errorClass;
    this.httpStatus = options.httpStatus;
  }
}

/**
 * One item of a coalesced bulk delete failed with something other than a Users API error (the client reports every
 * item, so this carries the client's text). Treated as transient.
 *
 * @example
 * throw new BulkDeleteItemError('connection reset');
 */
export class BulkDeleteItemError extends WorkerError {
  override readonly name = 'BulkDeleteItemError';
}

/**
 * Another command changed the link of this id between the read and the move: transient, the command runs again
 * and resolves afresh. Its name (the DLQ's `errorClass` should it run out of receives) has no `Error` suffix.
 *
 * @example
 * throw new IdentityLinkChangedError('the identity link changed while this command ran; it will run again');
 */
export class IdentityLinkChangedError extends WorkerError {
  override readonly name = 'IdentityLinkChanged';
}

/**
 * The state store could not be read or written (DynamoDB unreachable, throttled, table missing…). Always worth a
 * retry: the worker treats it as transient.
 *
 * @example
 * try { await repo.get(email); } catch (e) { if (e instanceof StateStoreError) console.log(e.operation); }
 */
export class StateStoreError extends WorkerError {
  override readonly name = 'StateStoreError';
  /** Which repository operation failed (`get`, `recordApplied`, …). */
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    super(`state store ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.operation = operation;
  }
}

/**
 * Why a delete whose command id the deletion guard already holds with other content is dead-lettered
 * (`CommandIdReused`): the guard's decisions are about one command, so the new one is neither applied nor dropped.
 */
export const COMMAND_ID_HELD_WITH_OTHER_CONTENT =
  'a delete with this command id is already held by the deletion guard with other content (the sender reused an ' +
  'event id): it is not applied; fix the sender, and send a leave of this person with a new event id';

/**
 * A delete the deletion guard did not let through: `held` (stored for a person to approve or discard) or `discarded`
 * (a person decided it must not run). Not a failure: the worker acknowledges the record without applying it. Thrown
 * through the idempotent call so that no idempotency record is kept (an approved re-send must run).
 *
 * @example
 * throw new DeleteHeldError('held');
 */
export class DeleteHeldError extends WorkerError {
  override readonly name = 'DeleteHeld';
  constructor(readonly verdict: 'held' | 'discarded') {
    super(verdict === 'held' ? 'delete held by the deletion guard' : 'delete discarded by a person');
  }
}

/**
 * A deactivation that waits out its source's grace period instead of being applied now: `scheduled` (this command
 * scheduled it, due at `dueAt`), `waiting` (the person already has one scheduled: this one changes nothing) or
 * `cancelled` (a released delete whose person came back before it arrived). Not a failure: the record is
 * acknowledged and nothing reaches the Users API.
 *
 * @example
 * throw new DeleteDeferredError('scheduled', '2026-12-07T10:00:00.000Z');
 */
export class DeleteDeferredError extends WorkerError {
  override readonly name = 'DeleteDeferred';
  constructor(
    readonly state: 'scheduled' | 'waiting' | 'cancelled',
    readonly dueAt?: string,
    /** Something worth a warning that did not stop the deferral (e.g. `is_developer` could not be switched off). */
    readonly note?: string,
  ) {
    super(
      state === 'cancelled'
        ? 'delete cancelled: the person came back within the grace period'
        : `delete scheduled after the grace period${dueAt === undefined ? '' : ` (due ${dueAt})`}`,
    );
  }
}
