import { parseSecretValue, SecretUnavailableError } from '@idp-sync/http';
import { createSecretProvider, STALE_RETRY_MS } from '@idp-sync/http/secrets';
import { loadIngestConfig } from '@idp-sync/webhooks';
import { describe, expect, it } from 'vitest';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:okta-AbCdEf';
const config = loadIngestConfig({
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo',
  OKTA_AUTH_SECRET_ARN: ARN,
  WORKOS_WEBHOOK_SECRET: 'plain-value',
  SECRETS_CACHE_TTL_SECONDS: '300',
});

describe('parseSecretValue', () => {
  it('reads a plain string or the rotation JSON', () => {
    expect(parseSecretValue('abc')).toEqual({ current: 'abc' });
    expect(parseSecretValue('{"current":"new","previous":"old"}')).toEqual({ current: 'new', previous: 'old' });
    expect(parseSecretValue('{"current":"new","previous":null}')).toEqual({ current: 'new' });
    expect(parseSecretValue('{"current":')).toMatch(/does not parse/);
    expect(parseSecretValue('{"current":""}')).toMatch(/current/);
    expect(parseSecretValue('[]')).toEqual({ current: '[]' });
    expect(parseSecretValue('')).toBe('is empty');
  });
});

describe('createSecretProvider', () => {
  it('serves environment values as they are, and knows what is configured', async () => {
    const secrets = createSecretProvider(config, { fetchSecret: async () => 'unused' });
    const workos = await secrets.get('workos');
    expect(workos).toEqual({ current: 'plain-value' });
    // Parsed once and reused: the next request gets the very same object.
    expect(await secrets.get('workos')).toBe(workos);
    expect(secrets.isConfigured('okta')).toBe(true);
    expect(secrets.isConfigured('hr')).toBe(false);
    await expect(secrets.get('hr')).rejects.toBeInstanceOf(SecretUnavailableError);
  });

  it('fetches an ARN once per TTL, sharing one fetch between concurrent callers', async () => {
    let now = 0;
    const fetched: string[] = [];
    let value = '{"current":"v2","previous":"v1"}';
    const secrets = createSecretProvider(config, {
      now: () => now,
      fetchSecret: async (arn) => {
        fetched.push(arn);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return value;
      },
    });
    const [a, b] = await Promise.all([secrets.get('okta'), secrets.get('okta')]);
    expect(a).toEqual({ current: 'v2', previous: 'v1' });
    expect(b).toBe(a);
    now = 299_000;
    await secrets.get('okta');
    expect(fetched).toEqual([ARN]);
    now = 301_000;
    value = 'v3';
    expect(await secrets.get('okta')).toEqual({ current: 'v3' });
    expect(fetched).toHaveLength(2);
  });

  it('keeps serving the cached value when a refresh fails, and fails when nothing is cached', async () => {
    let now = 0;
    let fail = false;
    const stale: unknown[] = [];
    const secrets = createSecretProvider(config, {
      now: () => now,
      onStale: (name) => stale.push(name),
      fetchSecret: async () => {
        if (fail) throw new Error('throttled');
        return 'cached';
      },
    });
    await secrets.get('okta');
    fail = true;
    now = 1_000_000;
    expect(await secrets.get('okta')).toEqual({ current: 'cached' });
    expect(stale).toEqual(['okta']);
    // With the store down, the next requests are served from the cache without waiting for another failing fetch…
    now += STALE_RETRY_MS - 1;
    expect(await secrets.get('okta')).toEqual({ current: 'cached' });
    expect(stale).toEqual(['okta']);
    // …until the retry delay has passed; a recovered store is then read again.
    now += 1;
    fail = false;
    expect(await secrets.get('okta')).toEqual({ current: 'cached' });
    expect(stale).toEqual(['okta']);
    fail = true;
    now += 300_000;
    await secrets.get('okta');
    expect(stale).toEqual(['okta', 'okta']);

    const cold = createSecretProvider(config, {
      fetchSecret: async () => {
        throw new Error('unreachable');
      },
    });
    await expect(cold.get('okta')).rejects.toThrow(/okta.*unavailable/);
    const broken = createSecretProvider(config, { fetchSecret: async () => '{"nope":1}' });
    await expect(broken.get('okta')).rejects.toBeInstanceOf(SecretUnavailableError);
  });
});
