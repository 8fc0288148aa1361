import { Webhook } from 'standardwebhooks';
import type { IngestRequest } from '../http';
import { constantTimeEqual } from './crypto';
import { VerificationError } from './errors';
import { type SecretValues, secretCandidates, type VerifiedDelivery } from './types';

/** Standard Webhooks: reject timestamps more than five minutes from now, either way. */
export const STANDARD_WEBHOOKS_TOLERANCE_MS = 5 * 60 * 1000;

/** webhook-id is the idempotency key and part of command ids: printable ASCII, at most 200 characters (so `hr:<id>:<email>` stays within the 512 a command id may have). */
const WEBHOOK_ID = /^[\x21-\x7e]{1,200}$/;

// One Webhook (decoded key) per secret string; rotation keeps at most two alive.
const webhooks = new Map<string, Webhook>();

function webhookFor(secret: string): Webhook {
  let webhook = webhooks.get(secret);
  if (!webhook) {
    webhook = new Webhook(secret);
    if (webhooks.size >= 8) webhooks.clear();
    webhooks.set(secret, webhook);
  }
  return webhook;
}

/**
 * Checks that a `whsec_…` secret is one the Standard Webhooks library accepts (base64 key, not empty).
 *
 * @example
 * standardWebhooksSecretProblem('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') // undefined
 */
export function standardWebhooksSecretProblem(secret: string): string | undefined {
  if (!secret.startsWith('whsec_')) return 'must start with whsec_';
  try {
    new Webhook(secret);
    return undefined;
  } catch (error) {
    return `is not a valid Standard Webhooks secret (${(error as Error).message})`;
  }
}

/**
 * Verifies a Standard Webhooks delivery over the raw body: `webhook-id`, `webhook-timestamp` (unix seconds, within
 * five minutes of `nowMs`) and `webhook-signature` (one or more space-separated `v1,<base64>`; one match is enough).
 *
 * The signature is computed by the reference library (`standardwebhooks`' `Webhook.sign`); the clock check is done
 * here because the library reads `Date.now()` itself and the app's clock is injectable (tests replay the 2021 vector).
 *
 * @example
 * const { deliveryId } = verifyStandardWebhook(request, { current: 'whsec_…' }, Date.now());
 */
export function verifyStandardWebhook(request: IngestRequest, secrets: SecretValues, nowMs: number): VerifiedDelivery {
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
    const expected = webhookFor(secret)
      .sign(id, new Date(seconds * 1000), request.rawBody)
      .slice(3);
    for (const candidate of presented) {
      if (constantTimeEqual(candidate, expected)) matched = true;
    }
  }
  if (!matched) throw new VerificationError('no webhook-signature matches the body');
  return { deliveryId: id };
}
