import { resolveApiKey } from '@idp-sync/worker/lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { guardPrototypes, pollutePrototype } from '../../helpers/prototype-guard';

// The worker reads the Users API key from the fields its secret JSON owns: a polluted `Object.prototype.apiKey`
// (issue #14) must not become the key. Why this matters, and the other readers: test/unit/webhooks/secret-ownership.test.ts.

const ATTACKER = 'attacker-chosen-secret-value-0123456789';

const getSecret = vi.hoisted(() => vi.fn());
vi.mock('@aws-lambda-powertools/parameters/secrets', () => ({ getSecret }));

const guard = guardPrototypes();
afterEach(() => guard.restore());

describe("the worker's Users API key secret with a polluted Object.prototype.apiKey", () => {
  it('reads only the fields the secret JSON owns', async () => {
    const config = { arizeApiKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:k' } as Parameters<
      typeof resolveApiKey
    >[0];
    getSecret.mockResolvedValue('{"ARIZE_API_KEY":"the-real-key"}');
    pollutePrototype('apiKey', ATTACKER);
    expect(await resolveApiKey(config)).toBe('the-real-key');
    getSecret.mockResolvedValue('{"unrelated":"x"}');
    pollutePrototype('ARIZE_API_KEY', ATTACKER);
    await expect(resolveApiKey(config)).rejects.toThrow(/no string value or apiKey field/);
  });
});
