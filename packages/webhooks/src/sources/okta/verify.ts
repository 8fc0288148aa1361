import { constantTimeEqual } from '@idp-sync/common';
import type { HttpRequest, SecretValues } from '@idp-sync/http';
import { VerificationError } from '../../errors';
import { secretCandidates } from '../types';

/** The header Okta sends the shared secret in unless the hook is configured otherwise. */
export const DEFAULT_OKTA_AUTH_HEADER = 'authorization';

/**
 * Okta Event Hooks carry no signature: the admin stores one header name and a secret value, and Okta sends that
 * header verbatim on every request — the one-time verification GET included (Okta's own example of the GET shows the
 * `Authorization` header). So both the GET and the POSTs must present it. Compared in constant time against the
 * current and the previous (rotation) value.
 *
 * @example
 * verifyOktaAuthHeader(request, { current: 'Basic dXNlcjpwYXNz' }, 'authorization');
 */
export function verifyOktaAuthHeader(request: HttpRequest, secrets: SecretValues, headerName: string): void {
  const name = headerName.toLowerCase();
  const presented = request.headers[name];
  if (presented === undefined || presented === '') {
    throw new VerificationError(`the ${name} header is missing`);
  }
  let matched = false;
  // Every candidate is compared (no early exit) so the time taken does not say which one matched.
  for (const candidate of secretCandidates(secrets)) {
    if (constantTimeEqual(presented, candidate)) matched = true;
  }
  if (!matched) throw new VerificationError(`the ${name} header does not hold the configured secret`);
}
