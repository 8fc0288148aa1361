import { standardWebhooksSecretProblem } from '@idp-sync/webhooks';
import { signHrDelivery } from '@idp-sync/webhooks/sign';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { STANDARD_WEBHOOKS_TEST_VECTOR as VECTOR } from '../../fixtures/standard-webhooks';

// The ingest Lambda and our signer sign with node:crypto; the spec's reference library (a test dependency only) is
// the yardstick, and stays independent of what it checks.
describe('Standard Webhooks signature (node:crypto) against the reference library', () => {
  it('gives the published test vector its signature', () => {
    const id = VECTOR.headers['webhook-id'] as string;
    const seconds = Number(VECTOR.headers['webhook-timestamp']);
    expect(signHrDelivery(VECTOR.secret, Buffer.from(VECTOR.rawBody), { id, timestampSec: seconds })).toEqual({
      'webhook-id': id,
      'webhook-timestamp': String(seconds),
      'webhook-signature': VECTOR.headers['webhook-signature'],
    });
  });

  it('signs exactly as Webhook.sign for any key, id, timestamp and UTF-8 body', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
        fc.integer({ min: 0, max: 99_999_999_999 }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        (key, id, seconds, body) => {
          const secret = `whsec_${Buffer.from(key).toString('base64')}`;
          const reference = new Webhook(secret).sign(id, new Date(seconds * 1000), body);
          const signed = signHrDelivery(secret, Buffer.from(body), { id, timestampSec: seconds });
          expect(signed['webhook-signature']).toBe(reference);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts the secrets the reference library accepts and refuses the ones it refuses', () => {
    const cases = ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_not base64!', 'whsec_abc', 'whsec_YQ=='];
    for (const secret of cases) {
      let referenceAccepts = true;
      try {
        new Webhook(secret);
      } catch {
        referenceAccepts = false;
      }
      expect({ secret, ok: standardWebhooksSecretProblem(secret) === undefined }).toEqual({
        secret,
        ok: referenceAccepts,
      });
    }
    expect(standardWebhooksSecretProblem('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe('must start with whsec_');
  });
});
