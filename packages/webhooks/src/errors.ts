import { ProblemError } from '@idp-sync/http';

/*
 * The errors of the webhooks package. It declares one, `VerificationError`, and gives it no package root of its own:
 * everything the package raises on purpose is an answer of its routes, so the root is `ProblemError` of
 * `@idp-sync/http`, the class the router turns into a problem+json response (a VerificationError must stay one, or a
 * forged delivery would answer 500 instead of 401). The other answer it gives is http's own, shared with SCIM:
 * `PayloadError` (400); at INIT it throws common's `ConfigError`. A `WebhooksError` between ProblemError and
 * VerificationError would be caught by nobody: the router catches ProblemError, the route's metrics tell
 * VerificationError apart.
 */

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
