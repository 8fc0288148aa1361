import { redactEmailsIn } from '@idp-sync/common';
import { isRetryable, RateLimitedError, ServerError, UnauthorizedError, UsersApiError } from '@idp-sync/users-client';
import { CommandRejectedError } from '../applier/errors';

/** What the worker needs to know about a failure to decide between retry and DLQ and to explain itself. */
export interface FailureInfo {
  /** Transient: a later attempt may succeed. */
  retryable: boolean;
  /** A short class for the DLQ attribute and metrics: the error's name or a domain class like `EmailDeleted`. */
  errorClass: string;
  httpStatus?: number;
  /** Safe to log and to put on the DLQ message: emails redacted, bounded length. */
  message: string;
  /** The server's Retry-After, when it sent one. */
  retryAfterMs?: number;
}

const MAX_MESSAGE_LENGTH = 1000;

/** The DLQ reason of a command id that came back with other content (`CommandIdReused`). */
export const COMMAND_ID_REUSED_REASON =
  'a command with this id but different content was already processed: the source reused an event id for another ' +
  'event (the first was applied, this one was not)';

/**
 * Classifies a failure. Users API errors follow the client's `isRetryable` (429, 5xx, network, timeout), except
 * 401, treated as transient: an API key being rotated must not send every command to the DLQ. Domain rejections and
 * invalid commands are permanent; a reused command id with a different payload is permanent; everything else
 * (DynamoDB, SQS, an idempotency record still in progress, a bug) is transient, so it is retried and, on the last
 * allowed receive, dead-lettered with its reason.
 *
 * @example
 * classifyFailure(new CommandRejectedError('EmailDeleted', 'email was deleted', { httpStatus: 409 }))
 * // { retryable: false, errorClass: 'EmailDeleted', httpStatus: 409, message: 'email was deleted' }
 */
export function classifyFailure(error: unknown): FailureInfo {
  if (error instanceof CommandRejectedError) {
    return info(false, error.errorClass, error.message, error.httpStatus);
  }
  if (error instanceof UsersApiError) {
    const retryAfterMs =
      error instanceof RateLimitedError || error instanceof ServerError
        ? (error as { retryAfterMs?: number }).retryAfterMs
        : undefined;
    const retryable = isRetryable(error) || error instanceof UnauthorizedError;
    return {
      ...info(retryable, error.name, error.message, error.status),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (error instanceof Error) {
    if (error.name === 'IdempotencyValidationError') {
      return info(false, 'CommandIdReused', COMMAND_ID_REUSED_REASON);
    }
    if (error.name === 'IdempotencyAlreadyInProgressError') {
      return info(true, 'CommandInProgress', 'another invocation is applying this command right now');
    }
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return info(true, error.name || 'Error', `${error.message}${cause}`);
  }
  return info(true, 'UnknownError', String(error));
}

function info(retryable: boolean, errorClass: string, message: string, httpStatus?: number): FailureInfo {
  return {
    retryable,
    errorClass,
    message: redactEmailsIn(message).slice(0, MAX_MESSAGE_LENGTH),
    ...(httpStatus === undefined ? {} : { httpStatus }),
  };
}
