import { constantTimeEqual } from '@idp-sync/common';
import type { HttpRequest, SecretValues } from '@idp-sync/http';
import { VerificationError } from '../../errors';
import { secretCandidates, type VerifiedDelivery } from '../types';
import { standardWebhookSignature } from './sign';

/** Standard Webhooks: reject timestamps more than five minutes from now, either way. */
export const STANDARD_WEBHOOKS_TOLERANCE_MS = 5 * 60 * 1000;

/** webhook-id is the idempotency key and part of command ids: printable ASCII, at most 200 characters (so `hr:<id>:<email>` stays within the 512 a command id may have). */
const WEBHOOK_ID = /^[\x21-\x7e]{1,200}$/;

/** Canonical, padded base64 (what the reference libraries decode; anything else is refused rather than guessed). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const SECRET_PREFIX = 'whsec_';

/**
 * Checks that a `whsec_…` secret is a Standard Webhooks secret: the prefix, then a non-empty base64 key.
 *
 * @example
 * standardWebhooksSecretProblem('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') // undefined
 */
export function standardWebhooksSecretProblem(secret: string): string | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return 'must start with whsec_';
  const key = secret.slice(SECRET_PREFIX.length);
  if (key === '') return 'is not a valid Standard Webhooks secret (no key after whsec_)';
  if (!BASE64.test(key)) return 'is not a valid Standard Webhooks secret (the part after whsec_ is not base64)';
  return undefined;
}

/**
 * Verifies a Standard Webhooks delivery over the raw body: `webhook-id`, `webhook-timestamp` (unix seconds, within
 * five minutes of `nowMs`) and `webhook-signature` (one or more space-separated `v1,<base64>`; one match is enough).
 *
 * The clock is the app's (injectable: tests replay the 2021 test vector).
 *
 * @example
 * const { deliveryId } = verifyStandardWebhook(request, { current: 'whsec_…' }, Date.now());
 */
export function verifyStandardWebhook(request: HttpRequest, secrets: SecretValues, nowMs: number): VerifiedDelivery {
  const id = request.headers['webhook-id'];
  const timestamp = request.headers['webhook-timestamp'];
  const signature = request.headers['webhook-signature'];
  if (!id) throw new VerificationError('the webhook-id header is missing');
  if (!timestamp) throw new VerificationError('the webhook-timestamp header is missing');
  if (!signature) throw new VerificationError('the webhook-signature header is missing');
  if (!WEBHOOK_ID.test(id)) throw new VerificationError('the webhook-id header is not 1-200 printable characters');
  if (!/^\d{1,12}$/.test(timestamp)) throw new VerificationError('the webhook-timestamp header is not unix seconds');
  const seconds = Number(timestamp);
  const skew = nowMs - seconds * 1000;
  if (skew > STANDARD_WEBHOOKS_TOLERANCE_MS)
    throw new VerificationError('the webhook-timestamp is too old (over 5 minutes)');
  if (-skew > STANDARD_WEBHOOKS_TOLERANCE_MS)
    throw new VerificationError('the webhook-timestamp is too far in the future');

  const presented = signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3))
    .slice(0, 16);
  if (presented.length === 0) throw new VerificationError('the webhook-signature header holds no v1 signature');

  let matched = false;
  for (const secret of secretCandidates(secrets)) {
    const expected = standardWebhookSignature(secret, id, seconds, request.rawBody);
    for (const candidate of presented) {
      if (constantTimeEqual(candidate, expected)) matched = true;
    }
  }
  if (!matched) throw new VerificationError('no webhook-signature matches the body');
  return { deliveryId: id };
}
