import { createHmac } from 'node:crypto';
import type { HttpRequest } from '@idp-sync/http';
import { signBambooDelivery, signHrDelivery, signOktaDelivery, signWorkosDelivery } from '@idp-sync/webhooks/sign';
import {
  createOktaAdapter,
  VerificationError,
  verifyBambooSignature,
  verifyStandardWebhook,
  verifyWorkosSignature,
} from '@idp-sync/webhooks/sources';
import { describe, expect, it } from 'vitest';

// The signers of `@idp-sync/webhooks/sign` are what the local stack's demo, the test helpers and the benches send
// with. Each vendor's format is stated here a third time, with node:crypto alone, so that a signer and its verifier
// agreeing on a wrong format would still fail. (The Standard Webhooks signer is checked against the reference library
// in hr-signature.test.ts.)

const NOW_MS = Date.parse('2026-11-26T10:00:00.000Z');
const defaults = { defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' } as const;

/** Bytes that are not UTF-8: a signer that decoded the body to a string first would sign something else. */
const NOT_UTF8 = Buffer.from([0x7b, 0xff, 0xfe, 0x22, 0xc3, 0x7d]);

function request(headers: Record<string, string>, body: string | Buffer): HttpRequest {
  return {
    method: 'POST',
    path: '/webhooks/any',
    rawQueryString: '',
    headers,
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    requestId: 'sign-test',
    receivedAtMs: NOW_MS,
  };
}

/** The body with one byte changed. */
function tampered(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  copy[1] = (copy[1] ?? 0) ^ 0x01;
  return copy;
}

describe('signOktaDelivery', () => {
  it('puts the shared secret verbatim in the configured header (lower-cased), which the Okta verifier accepts', () => {
    const secret = 'Basic b2t0YS1ob29rOnMzY3IzdA==';
    expect(signOktaDelivery(secret)).toEqual({ authorization: secret });
    const headers = signOktaDelivery(secret, { headerName: 'X-Okta-Hook-Secret' });
    expect(headers).toEqual({ 'x-okta-hook-secret': secret });
    const okta = createOktaAdapter({
      ...defaults,
      authHeader: 'x-okta-hook-secret',
      suspendAction: 'ignore',
      membershipEvents: 'off',
    });
    expect(() => okta.verify(request(headers, '{}'), { current: secret }, NOW_MS)).not.toThrow();
    expect(() => okta.verify(request(headers, '{}'), { current: 'another' }, NOW_MS)).toThrow(VerificationError);
  });
});

describe('signHrDelivery', () => {
  it('signs the exact bytes, even ones that are not UTF-8, and a fresh id and the current time by default', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const headers = signHrDelivery(secret, NOT_UTF8, { timestampSec: NOW_MS / 1000 });
    const id = headers['webhook-id'] ?? '';
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key)
      .update(`${id}.${NOW_MS / 1000}.`)
      .update(NOT_UTF8)
      .digest('base64');
    expect(headers).toEqual({
      'webhook-id': id,
      'webhook-timestamp': String(NOW_MS / 1000),
      'webhook-signature': `v1,${mac}`,
    });
    expect(verifyStandardWebhook(request(headers, NOT_UTF8), { current: secret }, NOW_MS)).toEqual({ deliveryId: id });
    expect(() => verifyStandardWebhook(request(headers, tampered(NOT_UTF8)), { current: secret }, NOW_MS)).toThrow(
      VerificationError,
    );
    expect(signHrDelivery(secret, '{}')['webhook-id']).not.toBe(signHrDelivery(secret, '{}')['webhook-id']);
    const now = Math.floor(Date.now() / 1000);
    expect(Number(signHrDelivery(secret, '{}')['webhook-timestamp'])).toBeGreaterThanOrEqual(now);
  });
});

describe('signWorkosDelivery', () => {
  it('writes t=<unix ms>, v1=<hex HMAC-SHA256 of "t." and the exact bytes>, which the WorkOS verifier accepts', () => {
    const secret = 'workos_webhook_secret_for_tests';
    const headers = signWorkosDelivery(secret, NOT_UTF8, { timestampMs: NOW_MS });
    const mac = createHmac('sha256', secret).update(`${NOW_MS}.`).update(NOT_UTF8).digest('hex');
    expect(headers).toEqual({ 'workos-signature': `t=${NOW_MS}, v1=${mac}` });
    const verify = (body: Buffer) =>
      verifyWorkosSignature(request(headers, body), { current: secret }, NOW_MS, 180_000);
    expect(() => verify(NOT_UTF8)).not.toThrow();
    expect(() => verify(tampered(NOT_UTF8))).toThrow(VerificationError);
    const before = Date.now();
    const t = Number(/^t=(\d+), /.exec(signWorkosDelivery(secret, '{}')['workos-signature'] ?? '')?.[1]);
    expect(t).toBeGreaterThanOrEqual(before);
  });
});

describe('signBambooDelivery', () => {
  it('signs the exact bytes followed by the timestamp as sent, in hex, which the BambooHR verifier accepts', () => {
    const key = 'bamboo-private-key-for-tests';
    const timestamp = String(NOW_MS / 1000);
    const headers = signBambooDelivery(key, NOT_UTF8, { timestamp });
    const mac = createHmac('sha256', key).update(NOT_UTF8).update(timestamp).digest('hex');
    expect(headers).toEqual({ 'x-bamboohr-timestamp': timestamp, 'x-bamboohr-signature': mac });
    const verify = (body: Buffer) => verifyBambooSignature(request(headers, body), { current: key }, NOW_MS, 300_000);
    expect(verify(NOT_UTF8)).toEqual({ sentAt: new Date(NOW_MS).toISOString() });
    expect(() => verify(tampered(NOT_UTF8))).toThrow(VerificationError);
    const now = Math.floor(Date.now() / 1000);
    expect(Number(signBambooDelivery(key, '{}')['x-bamboohr-timestamp'])).toBeGreaterThanOrEqual(now);
  });
});
