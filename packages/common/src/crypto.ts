import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

function sha256(value: string | Uint8Array): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Compares two secrets in constant time. Both sides are hashed first so the comparison always runs over 32 bytes,
 * whatever their lengths: the time taken says nothing about the expected value or its length.
 *
 * @example
 * constantTimeEqual(request.headers.authorization ?? '', configuredSecret) // true | false
 */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * HMAC-SHA256 over the concatenation of `parts` (strings are UTF-8; buffers are taken as they are, so a raw body is
 * signed byte for byte).
 *
 * @example
 * hmacSha256('key', [timestamp, '.', rawBody]).toString('hex')
 */
export function hmacSha256(key: string | Uint8Array, parts: readonly (string | Uint8Array)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** True when `candidate` is the lower- or upper-case hex encoding of `expected` (compared in constant time). */
export function hexDigestMatches(candidate: string, expected: Buffer): boolean {
  if (!/^[0-9a-fA-F]+$/.test(candidate) || candidate.length !== expected.length * 2) return false;
  return timingSafeEqual(Buffer.from(candidate.toLowerCase(), 'hex'), expected);
}
