import { hmacSha256 } from '@idp-sync/common';

/**
 * The headers BambooHR authenticates a webhook with: `X-BambooHR-Timestamp` (unix seconds unless told otherwise) and
 * `X-BambooHR-Signature`, hex HMAC-SHA256 keyed with the webhook's private key over the body byte for byte (a string
 * is signed as its UTF-8 bytes) followed by that timestamp, with no separator.
 *
 * The MAC is written here apart from the verifier's on purpose: each states BambooHR's format on its own, so every
 * test that signs with this and verifies with the other checks one against the other, and the Lambda carries no
 * signer.
 *
 * @example
 * signBambooDelivery(key, body)['x-bamboohr-signature'] // '5f0c…' (64 hex digits)
 */
export function signBambooDelivery(
  key: string,
  body: string | Uint8Array,
  options: { readonly timestamp?: string } = {},
): Record<string, string> {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  return {
    'x-bamboohr-timestamp': timestamp,
    'x-bamboohr-signature': hmacSha256(key, [body, timestamp]).toString('hex'),
  };
}
