import { hexDigestMatches, hmacSha256 } from '@idp-sync/common';
import type { HttpRequest, SecretValues } from '@idp-sync/http';
import { VerificationError } from '../../errors';
import { describeTolerance, parseSourceTimestamp } from '../timestamps';
import { secretCandidates, type VerifiedDelivery } from '../types';

/** Default staleness limit for `X-BambooHR-Timestamp` (five minutes, the common webhook replay window). */
export const BAMBOOHR_DEFAULT_TOLERANCE_MS = 5 * 60 * 1000;

/**
 * Reads `X-BambooHR-Timestamp` as a time. BambooHR signs it as an opaque string, and its format is not pinned down
 * publicly, so unix seconds, unix milliseconds and ISO 8601 are all understood; anything else cannot be checked for
 * staleness and is refused.
 *
 * @example
 * bambooTimestampMs('1769884920') // 1769884920000
 */
export function bambooTimestampMs(value: string): number | undefined {
  if (/^\d{1,11}$/.test(value)) return Number(value) * 1000;
  if (/^\d{12,16}$/.test(value)) return Number(value);
  return parseSourceTimestamp(value);
}

/**
 * Verifies a BambooHR webhook: `X-BambooHR-Signature` = hex HMAC-SHA256(private key, rawBody + timestamp), where the
 * timestamp is `X-BambooHR-Timestamp` exactly as sent; then rejects a timestamp further than `toleranceMs` from now.
 *
 * @example
 * verifyBambooSignature(request, { current: process.env.BAMBOOHR_WEBHOOK_KEY! }, Date.now(), 300_000);
 */
export function verifyBambooSignature(
  request: HttpRequest,
  secrets: SecretValues,
  nowMs: number,
  toleranceMs: number,
): VerifiedDelivery {
  const signature = request.headers['x-bamboohr-signature'];
  const timestamp = request.headers['x-bamboohr-timestamp'];
  if (!signature) throw new VerificationError('the X-BambooHR-Signature header is missing');
  if (!timestamp) throw new VerificationError('the X-BambooHR-Timestamp header is missing');
  if (timestamp.length > 64) throw new VerificationError('the X-BambooHR-Timestamp header is too long');

  let matched = false;
  for (const secret of secretCandidates(secrets)) {
    if (hexDigestMatches(signature.trim(), hmacSha256(secret, [request.rawBody, timestamp]))) matched = true;
  }
  if (!matched) throw new VerificationError('the X-BambooHR-Signature does not match the body');

  // Checked after the signature so that an unsigned request learns nothing about the clock.
  const sentMs = bambooTimestampMs(timestamp.trim());
  if (sentMs === undefined) throw new VerificationError('the X-BambooHR-Timestamp is not a time');
  const tolerance = describeTolerance(toleranceMs);
  if (nowMs - sentMs > toleranceMs)
    throw new VerificationError(`the X-BambooHR-Timestamp is too old (over ${tolerance})`);
  if (sentMs - nowMs > toleranceMs) {
    throw new VerificationError(`the X-BambooHR-Timestamp is too far in the future (over ${tolerance} ahead)`);
  }
  return { sentAt: new Date(sentMs).toISOString() };
}
