import { constantTimeEqual, ownField, useEnglishZodMessages } from '@idp-sync/common';
import * as z from 'zod/mini';
import { ScimConfigError } from '../errors';
import type { BearerVerifier } from './ports';

/** The bearer tokens Entra may present: the current one and, during a rotation, the previous one. */
export interface ScimBearerTokens {
  readonly current: string;
  readonly previous?: string | undefined;
}

const MIN_TOKEN_LENGTH = 16;

useEnglishZodMessages();

const TokensSchema = z.object({
  current: z
    .string()
    .check(z.minLength(MIN_TOKEN_LENGTH, { message: `current must be at least ${MIN_TOKEN_LENGTH} characters` })),
  previous: z.optional(z.string().check(z.minLength(MIN_TOKEN_LENGTH))),
});

/**
 * Reads the SCIM token secret. The secret is either the token itself, or JSON `{"current": "...", "previous": "..."}`
 * while a rotation is in progress (Entra is switched to the new token, then `previous` is removed).
 *
 * @example
 * parseBearerTokenSecret('{"current":"new-token-value-…","previous":"old-token-value-…"}');
 */
export function parseBearerTokenSecret(secret: string): ScimBearerTokens {
  const trimmed = secret.trim();
  let candidate: unknown = { current: trimmed, previous: undefined };
  if (trimmed.startsWith('{')) {
    try {
      candidate = JSON.parse(trimmed);
    } catch {
      throw new ScimConfigError(['the SCIM bearer token secret starts with "{" but is not valid JSON']);
    }
  }
  // Only the fields the JSON owns: an inherited `previous` (a polluted prototype) must not become a second token.
  const parsed = TokensSchema.safeParse({
    current: ownField(candidate, 'current'),
    previous: ownField(candidate, 'previous'),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScimConfigError([`the SCIM bearer token secret is invalid: ${issue?.path.join('.')} ${issue?.message}`]);
  }
  return { current: parsed.data.current, previous: parsed.data.previous };
}

/**
 * A verifier for `Authorization: Bearer <token>`. Both sides are hashed to equal-length digests and compared with
 * `timingSafeEqual` (`constantTimeEqual`, shared with the webhook verifiers), so neither the token's content nor its length leaks through timing. The provider is called per
 * request: back it with a cached secret fetch (the SCIM route uses the ingest secret provider) so rotations are picked up.
 *
 * @example
 * const verify = createBearerVerifier(async () => secrets.get('scim'));
 * await verify(request.headers.authorization); // true or false
 */
export function createBearerVerifier(tokens: () => Promise<ScimBearerTokens> | ScimBearerTokens): BearerVerifier {
  return async (authorizationHeader) => {
    const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorizationHeader ?? '');
    // No bearer token at all: refuse before fetching the secret (that a header is missing is no secret), so anonymous
    // traffic never costs a Secrets Manager call or turns into a 503 when the secret cannot be read.
    if (match === null) return false;
    const presented = match[1] ?? '';
    const secret = await tokens();
    // Own fields only, whoever built the object: an inherited `previous` must never be accepted.
    const current = ownField(secret, 'current');
    const previous = ownField(secret, 'previous');
    if (typeof current !== 'string') return false;
    // Compare against both so that the answer time does not say which one matched.
    const matchesCurrent = constantTimeEqual(presented, current);
    const matchesPrevious = typeof previous === 'string' && constantTimeEqual(presented, previous);
    return matchesCurrent || matchesPrevious;
  };
}
