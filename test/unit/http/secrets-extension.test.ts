import { ConfigError } from '@idp-sync/common';
import {
  createSecretProvider,
  PARAMETERS_SECRETS_EXTENSION_PORT_ENV,
  type ParametersSecretsExtensionOptions,
  parametersSecretsExtensionFetcher,
  SecretsExtensionError,
} from '@idp-sync/http/secrets';
import { loadIngestConfig } from '@idp-sync/webhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:idp-sync/okta-auth-AbCdEf';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/idp-sync-commands.fifo';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('parametersSecretsExtensionFetcher settings', () => {
  it('refuses a port that is not a port, naming the variable', () => {
    for (const port of ['abc', '0', '65536', '27.5', '-1']) {
      expect(() =>
        parametersSecretsExtensionFetcher({ env: { [PARAMETERS_SECRETS_EXTENSION_PORT_ENV]: port } }),
      ).toThrow(ConfigError);
    }
    expect(() => parametersSecretsExtensionFetcher({ env: { [PARAMETERS_SECRETS_EXTENSION_PORT_ENV]: 'x' } })).toThrow(
      /PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: must be a port number/,
    );
    expect(() =>
      parametersSecretsExtensionFetcher({ env: { [PARAMETERS_SECRETS_EXTENSION_PORT_ENV]: '' } }),
    ).not.toThrow();
  });

  it('talks to loopback only', () => {
    const host = 'secrets.example.com' as ParametersSecretsExtensionOptions['host'];
    expect(() => parametersSecretsExtensionFetcher({ env: {}, host })).toThrow(/must be loopback/);
  });

  it('fails without AWS_SESSION_TOKEN before sending anything, and says why', async () => {
    // Port 1 would refuse; the token check comes first, so the message is about the token.
    const fetchSecret = parametersSecretsExtensionFetcher({ env: { [PARAMETERS_SECRETS_EXTENSION_PORT_ENV]: '1' } });
    const error = await fetchSecret(ARN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsExtensionError);
    expect((error as Error).message).toMatch(/AWS_SESSION_TOKEN is not set/);
  });
});

describe('createSecretProvider default fetcher', () => {
  it('checks the extension port at creation (INIT) when a secret is an ARN, and only then', () => {
    vi.stubEnv(PARAMETERS_SECRETS_EXTENSION_PORT_ENV, 'not-a-port');
    const byArn = loadIngestConfig({ QUEUE_URL, OKTA_AUTH_SECRET_ARN: ARN });
    expect(() => createSecretProvider(byArn)).toThrow(/PARAMETERS_SECRETS_EXTENSION_HTTP_PORT/);
    const byValue = loadIngestConfig({ QUEUE_URL, OKTA_AUTH_SECRET: 'okta-shared-secret' });
    expect(() => createSecretProvider(byValue)).not.toThrow();
    // A fetcher given by the caller replaces the extension entirely.
    expect(() => createSecretProvider(byArn, { fetchSecret: async () => 'x' })).not.toThrow();
  });
});
