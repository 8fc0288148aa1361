import { type FieldError, ProblemError } from '../ingest/errors';

/**
 * The sender could not be verified: a missing or wrong secret or signature, or a stale timestamp. Answers 401 and
 * says which check failed, never what the expected value was.
 *
 * @example
 * throw new VerificationError('the webhook-signature header is missing');
 */
export class VerificationError extends ProblemError {
  override readonly name: string = 'VerificationError';

  constructor(detail: string) {
    super({ status: 401, slug: 'unauthorized', title: 'Unauthorized', detail });
  }
}

/**
 * The body was verified but is not what the source is supposed to send: malformed JSON, a schema violation, an email
 * that is not an email. Answers 400 naming the offending fields; nothing is queued.
 *
 * @example
 * throw new PayloadError('the payload does not match the HR webhook format', [{ path: 'data.email', message: 'must be an email address' }]);
 */
export class PayloadError extends ProblemError {
  override readonly name: string = 'PayloadError';

  constructor(detail: string, errors?: readonly FieldError[]) {
    super({ status: 400, slug: 'invalid-payload', title: 'Bad Request', detail, ...(errors ? { errors } : {}) });
  }
}
