import { SecretUnavailableError } from '@idp-sync/http';
import {
  createSecretProvider,
  PARAMETERS_SECRETS_EXTENSION_PORT_ENV,
  parametersSecretsExtensionFetcher,
  SecretsExtensionError,
} from '@idp-sync/http/secrets';
import { loadIngestConfig } from '@idp-sync/webhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { unusedPort, useExtensionStandIn } from '../../helpers/http/extension-stand-in';
import { TEST_SECRETS } from '../../helpers/webhooks';

// Secret ids are ARNs: ':' and '/' must survive the query string.
const HR_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:idp-sync/hr-webhook-AbCdEf';
const OKTA_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:idp-sync/okta-auth-AbCdEf';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/idp-sync-commands.fifo';

const ext = useExtensionStandIn();
afterEach(() => {
  vi.unstubAllEnvs();
});

/** The environment Lambda gives a function with the extension layer. */
function lambdaEnv(port = ext().port, token = ext().token) {
  return { [PARAMETERS_SECRETS_EXTENSION_PORT_ENV]: String(port), AWS_SESSION_TOKEN: token };
}

async function failure(promise: Promise<unknown>): Promise<SecretsExtensionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SecretsExtensionError);
  return error as SecretsExtensionError;
}

describe('parametersSecretsExtensionFetcher', () => {
  it('asks the extension for the ARN with the session token and returns SecretString', async () => {
    ext().secrets.set(HR_ARN, TEST_SECRETS.hr);
    const fetchSecret = parametersSecretsExtensionFetcher({ env: lambdaEnv() });
    expect(await fetchSecret(HR_ARN)).toBe(TEST_SECRETS.hr);
    expect(ext().seen).toEqual([{ path: '/secretsmanager/get', secretId: HR_ARN, token: ext().token }]);
  });

  it('fails with the status and the extension’s reason, never the token', async () => {
    const wrongToken = parametersSecretsExtensionFetcher({ env: lambdaEnv(ext().port, 'not-the-session-token') });
    const refused = await failure(wrongToken(HR_ARN));
    expect(refused.status).toBe(401);
    expect(refused.message).toMatch(/answered 401/);
    expect(refused.message).not.toContain('not-the-session-token');

    const fetchSecret = parametersSecretsExtensionFetcher({ env: lambdaEnv() });
    const missing = await failure(fetchSecret(HR_ARN));
    expect(missing.status).toBe(400);
    expect(missing.message).toMatch(/ResourceNotFoundException/);

    ext().mode = { kind: 'error', status: 500, body: 'internal error' };
    expect((await failure(fetchSecret(HR_ARN))).status).toBe(500);

    // Even an answer that echoed the token would not put it in the message.
    ext().mode = { kind: 'error', status: 400, body: `AccessDeniedException for token ${ext().token}` };
    const echoed = await failure(fetchSecret(HR_ARN));
    expect(echoed.message).toMatch(/AccessDeniedException/);
    expect(echoed.message).not.toContain(ext().token);
  });

  it('never quotes an answer that is not the expected JSON (it may be the secret)', async () => {
    const fetchSecret = parametersSecretsExtensionFetcher({ env: lambdaEnv() });
    ext().mode = { kind: 'raw', body: 'whsec_notjson-the-secret-itself' };
    const notJson = await failure(fetchSecret(HR_ARN));
    expect(notJson.message).toMatch(/not JSON/);
    expect(notJson.message).not.toContain('the-secret-itself');
    expect(notJson.cause).toBeUndefined();

    ext().mode = { kind: 'serve' };
    ext().secrets.set(HR_ARN, { binary: 'AAECAw==' });
    expect((await failure(fetchSecret(HR_ARN))).message).toMatch(/binary .*only string secrets/);
    ext().mode = { kind: 'raw', body: '{"Name":"hr"}' };
    expect((await failure(fetchSecret(HR_ARN))).message).toMatch(/no SecretString/);
  });

  it('gives up on a hung extension after its timeout', async () => {
    ext().mode = { kind: 'hang' };
    const fetchSecret = parametersSecretsExtensionFetcher({ env: lambdaEnv(), timeoutMs: 150 });
    expect((await failure(fetchSecret(HR_ARN))).message).toMatch(/did not answer within 150 ms/);
  });

  it('says the layer is missing when nothing listens on the port', async () => {
    const port = await unusedPort();
    const fetchSecret = parametersSecretsExtensionFetcher({ env: lambdaEnv(port) });
    const error = await failure(fetchSecret(HR_ARN));
    expect(error.message).toContain(`:${port}`);
    expect(error.message).toMatch(/nothing listens .* Lambda Extension layer attached/);
  });
});

describe('createSecretProvider through the extension', () => {
  const config = loadIngestConfig({ QUEUE_URL, OKTA_AUTH_SECRET_ARN: OKTA_ARN, SECRETS_CACHE_TTL_SECONDS: '300' });

  it('uses the extension by default and follows a rotation (current + previous, then current only)', async () => {
    vi.stubEnv(PARAMETERS_SECRETS_EXTENSION_PORT_ENV, String(ext().port));
    vi.stubEnv('AWS_SESSION_TOKEN', ext().token);
    let now = 0;
    const secrets = createSecretProvider(config, { now: () => now });
    ext().secrets.set(OKTA_ARN, 'old-okta-secret');
    expect(await secrets.get('okta')).toEqual({ current: 'old-okta-secret' });

    ext().secrets.set(OKTA_ARN, '{"current":"new-okta-secret","previous":"old-okta-secret"}');
    now = 299_000;
    expect(await secrets.get('okta')).toEqual({ current: 'old-okta-secret' });
    now = 300_000;
    expect(await secrets.get('okta')).toEqual({ current: 'new-okta-secret', previous: 'old-okta-secret' });

    ext().secrets.set(OKTA_ARN, 'new-okta-secret');
    now = 600_000;
    expect(await secrets.get('okta')).toEqual({ current: 'new-okta-secret' });
    expect(ext().seen).toHaveLength(3);
  });

  it('keeps serving the last value when the extension fails after a success', async () => {
    let now = 0;
    const stale: unknown[] = [];
    const secrets = createSecretProvider(config, {
      now: () => now,
      fetchSecret: parametersSecretsExtensionFetcher({ env: lambdaEnv(), timeoutMs: 150 }),
      onStale: (_name, error) => stale.push(error),
    });
    ext().secrets.set(OKTA_ARN, 'okta-secret');
    expect(await secrets.get('okta')).toEqual({ current: 'okta-secret' });

    for (const mode of [{ kind: 'error', status: 500, body: 'boom' }, { kind: 'hang' }] as const) {
      ext().mode = mode;
      now += 301_000;
      expect(await secrets.get('okta')).toEqual({ current: 'okta-secret' });
    }
    expect(stale).toHaveLength(2);
    expect(stale.every((error) => error instanceof SecretsExtensionError)).toBe(true);
  });

  it('is unavailable (503) with the extension’s reason when nothing is cached', async () => {
    const port = await unusedPort();
    const secrets = createSecretProvider(config, {
      fetchSecret: parametersSecretsExtensionFetcher({ env: lambdaEnv(port) }),
    });
    const error = await secrets.get('okta').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect((error as Error).message).toMatch(/secret "okta" is unavailable: nothing listens/);
  });
});
