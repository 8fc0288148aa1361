import { hexDigestMatches, hmacSha256 } from '@idp-sync/common';
import type { HttpRequest, SecretValues } from '@idp-sync/http';
import { VerificationError } from '../../errors';
import { describeTolerance } from '../timestamps';
import { secretCandidates } from '../types';

/** The WorkOS SDKs' default tolerance: three minutes. */
export const WORKOS_DEFAULT_TOLERANCE_MS = 180_000;

/**
 * Below this, `t` cannot be milliseconds of a real delivery (it would be before September 2001): it is unix seconds,
 * the usual mistake of a hand-written sender. Saying so beats "too old".
 */
const SECONDS_LOOKALIKE_BELOW = 1e12;

/**
 * Reads `WorkOS-Signature: t=<unix ms>, v1=<hex>` (whitespace around the comma optional; several v1 values allowed).
 *
 * @example
 * parseWorkosSignatureHeader('t=1626125972272, v1=abc…') // { timestamp: '1626125972272', signatures: ['abc…'] }
 */
export function parseWorkosSignatureHeader(header: string): { timestamp?: string; signatures: string[] } {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',').slice(0, 16)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && timestamp === undefined) timestamp = value;
    else if (key === 'v1') signatures.push(value);
  }
  return timestamp === undefined ? { signatures } : { timestamp, signatures };
}

/**
 * Verifies a WorkOS webhook: HMAC-SHA256 (hex) with the webhook secret over `${t}.${rawBody}`, `t` in milliseconds and
 * within `toleranceMs` of `nowMs`.
 *
 * @example
 * verifyWorkosSignature(request, { current: process.env.WORKOS_WEBHOOK_SECRET! }, Date.now(), 180_000);
 */
export function verifyWorkosSignature(
  request: HttpRequest,
  secrets: SecretValues,
  nowMs: number,
  toleranceMs: number,
): void {
  const header = request.headers['workos-signature'];
  if (!header) throw new VerificationError('the WorkOS-Signature header is missing');
  const { timestamp, signatures } = parseWorkosSignatureHeader(header);
  if (timestamp === undefined || !/^\d{1,16}$/.test(timestamp)) {
    throw new VerificationError('the WorkOS-Signature header has no t=<unix milliseconds>');
  }
  if (signatures.length === 0) throw new VerificationError('the WorkOS-Signature header has no v1 signature');
  if (Number(timestamp) < SECONDS_LOOKALIKE_BELOW) {
    throw new VerificationError('the WorkOS-Signature t= looks like unix seconds: it must be unix milliseconds');
  }
  const skew = nowMs - Number(timestamp);
  const tolerance = describeTolerance(toleranceMs);
  if (skew > toleranceMs) throw new VerificationError(`the WorkOS-Signature timestamp is too old (over ${tolerance})`);
  if (-skew > toleranceMs) {
    throw new VerificationError(`the WorkOS-Signature timestamp is too far in the future (over ${tolerance} ahead)`);
  }

  let matched = false;
  for (const secret of secretCandidates(secrets)) {
    const expected = hmacSha256(secret, [timestamp, '.', request.rawBody]);
    for (const candidate of signatures) {
      if (hexDigestMatches(candidate, expected)) matched = true;
    }
  }
  if (!matched) throw new VerificationError('the WorkOS-Signature does not match the body');
}
