import { randomUUID } from 'node:crypto';
import { hmacSha256 } from '@idp-sync/common';

/**
 * The `v1` signature of a delivery as the Standard Webhooks specification defines it: base64 of HMAC-SHA256, keyed
 * with the base64-decoded secret (after `whsec_`), over `${id}.${timestamp}.${body}`, the body byte for byte.
 *
 * Written on `node:crypto` instead of calling the reference library's `Webhook.sign`: the library's JavaScript port
 * bundles a pure-JS SHA-256 and base64 codec (≈ 12 KiB of the webhook Lambda's cold-start budget) and decodes the
 * body to a string before signing. The tests check it against the published test vector and, over generated ids,
 * timestamps, bodies and keys, against the reference library itself.
 */
export function standardWebhookSignature(
  secret: string,
  id: string,
  seconds: number,
  body: string | Uint8Array,
): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return hmacSha256(key, [`${id}.${seconds}.`, body]).toString('base64');
}

/** What a Standard Webhooks delivery is signed with besides the secret and the body; left out, chosen as a sender does. */
export interface HrDeliveryOptions {
  /** `webhook-id`, the idempotency key: a redelivery keeps it. A fresh `msg_…` when left out. */
  readonly id?: string;
  /** `webhook-timestamp` in unix seconds. Now when left out. */
  readonly timestampSec?: number;
}

/**
 * The headers a Standard Webhooks sender (the HR system) authenticates a delivery with: `webhook-id`,
 * `webhook-timestamp` and `webhook-signature: v1,<base64>`, signed over `body` byte for byte (a string is signed as
 * its UTF-8 bytes, which is what goes on the wire).
 *
 * @example
 * const headers = signHrDelivery('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', body, { id: 'msg_1' });
 * // { 'webhook-id': 'msg_1', 'webhook-timestamp': '1764151200', 'webhook-signature': 'v1,…' }
 */
export function signHrDelivery(
  secret: string,
  body: string | Uint8Array,
  options: HrDeliveryOptions = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID().replace(/-/g, '')}`;
  const seconds = options.timestampSec ?? Math.floor(Date.now() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': `v1,${standardWebhookSignature(secret, id, seconds, body)}`,
  };
}
