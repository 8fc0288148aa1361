import { ProblemError } from '@idp-sync/http';

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
