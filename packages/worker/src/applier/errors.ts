/**
 * A command the Users API will never accept as it stands (the email was deleted, no such user, the user cannot
 * reset a password…). Permanent: the worker sends it to the DLQ with `errorClass` and this message as the reason.
 * Messages never contain a full email address.
 *
 * @example
 * throw new CommandRejectedError('EmailDeleted', 'email was deleted; the Users API cannot re-create a deleted user', { httpStatus: 409 });
 */
export class CommandRejectedError extends Error {
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
export class BulkDeleteItemError extends Error {
  override readonly name = 'BulkDeleteItemError';
}
