import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import {
  createBearerVerifier,
  loadScimEnvironment,
  parseBearerTokenSecret,
  ScimConfigError,
  type ScimLogger,
  type ScimMetrics,
} from '../../../packages/provisioning/src/scim';

const CURRENT = 'current-token-0123456789abcdef';
const PREVIOUS = 'previous-token-0123456789abcdef';

describe('createBearerVerifier', () => {
  const verify = createBearerVerifier(() => ({ current: CURRENT, previous: PREVIOUS }));

  it('accepts the current and the previous token, with "Bearer" in any case', async () => {
    expect(await verify(`Bearer ${CURRENT}`)).toBe(true);
    expect(await verify(`bearer ${PREVIOUS}`)).toBe(true);
    expect(await verify(`BEARER   ${CURRENT} `)).toBe(true);
  });

  it('refuses a wrong, partial, missing or non-bearer credential', async () => {
    expect(await verify(`Bearer ${CURRENT}x`)).toBe(false);
    expect(await verify(`Bearer ${CURRENT.slice(0, -1)}`)).toBe(false);
    expect(await verify(undefined)).toBe(false);
    expect(await verify('')).toBe(false);
    expect(await verify(`Basic ${CURRENT}`)).toBe(false);
    expect(await verify(CURRENT)).toBe(false);
    expect(await verify('Bearer ')).toBe(false);
  });

  it('refuses a request without a bearer token before reading the secret', async () => {
    let reads = 0;
    const counting = createBearerVerifier(() => {
      reads += 1;
      return { current: CURRENT };
    });
    expect(await counting(undefined)).toBe(false);
    expect(await counting(`Basic ${CURRENT}`)).toBe(false);
    expect(reads).toBe(0);
    expect(await counting(`Bearer ${CURRENT}`)).toBe(true);
    expect(reads).toBe(1);
  });

  it('refuses the previous token once it is gone from the secret', async () => {
    const afterRotation = createBearerVerifier(() => ({ current: CURRENT }));
    expect(await afterRotation(`Bearer ${PREVIOUS}`)).toBe(false);
  });
});

describe('parseBearerTokenSecret', () => {
  it('reads a plain token or a rotation document', () => {
    expect(parseBearerTokenSecret(` ${CURRENT}\n`)).toEqual({ current: CURRENT });
    expect(parseBearerTokenSecret(JSON.stringify({ current: CURRENT, previous: PREVIOUS }))).toEqual({
      current: CURRENT,
      previous: PREVIOUS,
    });
  });

  it('refuses a short token or broken JSON, without echoing the secret', () => {
    expect(() => parseBearerTokenSecret('short')).toThrow(ScimConfigError);
    try {
      parseBearerTokenSecret('{"current": "abc');
    } catch (error) {
      expect((error as Error).message).not.toContain('abc');
    }
  });
});

describe('loadScimEnvironment', () => {
  it('reads a local token and defaults', () => {
    const env = loadScimEnvironment({ SCIM_BEARER_TOKEN: CURRENT });
    expect(env.tableName).toBe('idp-sync-state');
    expect(env.bearerToken).toEqual({ kind: 'value', current: CURRENT, previous: undefined });
    expect(env.config).toMatchObject({ usersLookupTimeoutMs: 1000, maxResults: 200, patchResponse: 'no-content' });
  });

  it('prefers a Secrets Manager secret in AWS', () => {
    const env = loadScimEnvironment({
      SCIM_BEARER_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:scim-AbCdEf',
      SCIM_BASE_URL: 'https://api.example.com/scim/v2/',
      SCIM_PATCH_RESPONSE: 'resource',
    });
    expect(env.bearerToken.kind).toBe('secret');
    expect(env.config.baseUrl).toBe('https://api.example.com/scim/v2');
    expect(env.config.patchResponse).toBe('resource');
  });

  it('says what to set when it is misconfigured', () => {
    expect(() => loadScimEnvironment({})).toThrow(/SCIM_BEARER_TOKEN/);
    expect(() => loadScimEnvironment({ SCIM_BEARER_TOKEN: 'short' })).toThrow(/at least 16/);
    expect(() => loadScimEnvironment({ SCIM_BEARER_TOKEN: CURRENT, SCIM_USERS_LOOKUP_TIMEOUT_MS: 'soon' })).toThrow(
      /SCIM_USERS_LOOKUP_TIMEOUT_MS/,
    );
    expect(() => loadScimEnvironment({ SCIM_BEARER_TOKEN: CURRENT, SCIM_BASE_URL: 'not a url' })).toThrow(
      /SCIM_BASE_URL/,
    );
  });
});

describe('observability interfaces', () => {
  it('are satisfied by Powertools Logger and Metrics', () => {
    const logger: ScimLogger = new Logger({ serviceName: 'scim-test', logLevel: 'SILENT' });
    const metrics: ScimMetrics = new Metrics({ namespace: 'idp-sync-test', serviceName: 'scim-test' });
    expect(typeof logger.warn).toBe('function');
    expect(typeof metrics.addMetric).toBe('function');
  });
});
