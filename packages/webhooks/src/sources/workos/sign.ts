import { hmacSha256 } from '@idp-sync/common';

/**
 * The header WorkOS authenticates a webhook with: `WorkOS-Signature: t=<unix ms>, v1=<hex>`, the hex being
 * HMAC-SHA256 keyed with the webhook secret over `${t}.${body}`, the body byte for byte (a string is signed as its
 * UTF-8 bytes).
 *
 * The MAC is written here apart from the verifier's on purpose: each states WorkOS's format on its own, so every test
 * that signs with this and verifies with the other checks one against the other, and the Lambda carries no signer.
 *
 * @example
 * signWorkosDelivery(secret, body, { timestampMs: 1764151200000 }) // { 'workos-signature': 't=1764151200000, v1=…' }
 */
export function signWorkosDelivery(
  secret: string,
  body: string | Uint8Array,
  options: { readonly timestampMs?: number } = {},
): Record<string, string> {
  const t = String(options.timestampMs ?? Date.now());
  return { 'workos-signature': `t=${t}, v1=${hmacSha256(secret, [`${t}.`, body]).toString('hex')}` };
}
