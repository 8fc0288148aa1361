import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '@idp-sync/common';
import { ScimConfigError } from '@idp-sync/scim/errors';
import { createBearerVerifier, loadScimSettings, parseBearerTokenSecret } from '@idp-sync/scim/service';
import { describe, expect, it } from 'vitest';

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

// The SCIM Lambda reads its bearer token through the ingest secret provider (createScimApp; tested with the SCIM
// app) and the rest of its settings with loadScimSettings.
describe('loadScimSettings', () => {
  it('defaults suit Entra and Okta (PATCH answers 200 with the resource since issue #18)', () => {
    const settings = loadScimSettings({});
    expect(settings.tableName).toBe('idp-sync-state');
    expect(settings.config).toEqual({
      usersLookupTimeoutMs: 1000,
      queueTimeoutMs: 3000,
      maxResults: 200,
      patchResponse: 'resource',
    });
  });

  it('reads the table, the base URL (without a trailing slash) and the tuning', () => {
    const settings = loadScimSettings({
      STATE_TABLE_NAME: 'idp-sync-state-prod',
      SCIM_BASE_URL: 'https://api.example.com/scim/v2/',
      SCIM_USERS_LOOKUP_TIMEOUT_MS: '800',
      SCIM_QUEUE_TIMEOUT_MS: '2000',
      SCIM_MAX_RESULTS: '100',
      SCIM_PATCH_RESPONSE: 'resource',
    });
    expect(settings).toEqual({
      tableName: 'idp-sync-state-prod',
      config: {
        baseUrl: 'https://api.example.com/scim/v2',
        usersLookupTimeoutMs: 800,
        queueTimeoutMs: 2000,
        maxResults: 100,
        patchResponse: 'resource',
      },
    });
  });

  it('says which variable to fix when it is misconfigured', () => {
    expect(() => loadScimSettings({ SCIM_BEARER_TOKEN: 'short' })).toThrow(/at least 16/);
    expect(() => loadScimSettings({ SCIM_USERS_LOOKUP_TIMEOUT_MS: 'soon' })).toThrow(/SCIM_USERS_LOOKUP_TIMEOUT_MS/);
    expect(() => loadScimSettings({ SCIM_BASE_URL: 'not a url' })).toThrow(/SCIM_BASE_URL/);
    expect(() => loadScimSettings({ SCIM_MAX_RESULTS: '5000' })).toThrow(/SCIM_MAX_RESULTS/);
    expect(() => loadScimSettings({ SCIM_PATCH_RESPONSE: 'maybe' })).toThrow(/SCIM_PATCH_RESPONSE/);
    expect(() => loadScimSettings({ SCIM_BASE_URL: 'not a url' })).toThrow(ScimConfigError);
    expect(() => loadScimSettings({ SCIM_MAX_RESULTS: '5000', SCIM_QUEUE_TIMEOUT_MS: '5' })).toThrow(
      /^Invalid SCIM configuration:\n {2}- SCIM_QUEUE_TIMEOUT_MS: .*\n {2}- SCIM_MAX_RESULTS: /,
    );
  });
});

describe('observability interfaces', () => {
  it('the Logger the service takes is satisfied by a Powertools Logger', () => {
    const logger: Logger = new PowertoolsLogger({ serviceName: 'scim-test', logLevel: 'SILENT' });
    expect(typeof logger.warn).toBe('function');
  });
});
