import type { SecretValues } from '@idp-sync/http';
import { parseSecretValue } from '@idp-sync/http';
import { parametersSecretsExtensionFetcher } from '@idp-sync/http/secrets';
import { createBearerVerifier, parseBearerTokenSecret } from '@idp-sync/scim/service';
import {
  createBambooAdapter,
  createHrAdapter,
  createOktaAdapter,
  createWorkosAdapter,
  VerificationError,
} from '@idp-sync/webhooks/sources';
import { resolveApiKey } from '@idp-sync/worker/lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ExtensionStandIn, startExtensionStandIn } from '../../helpers/http/extension-stand-in';
import { guardPrototypes } from '../../helpers/prototype-guard';
import { bambooRequest, hrRequest, NOW_MS, oktaRequest, TEST_SECRETS, workosRequest } from '../../helpers/webhooks';

/**
 * Every reader of a secret reads fields the secret object OWNS: were `Object.prototype` ever polluted (the SCIM PATCH
 * defect of issue #14 did it), an inherited `previous`, `apiKey` or `SecretString` must not become a value that
 * verifies a sender. Each test pollutes the prototype on purpose (restored after it) and checks that the reader is not
 * fooled.
 */

const ATTACKER = 'attacker-chosen-secret-value-0123456789';

const getSecret = vi.hoisted(() => vi.fn());
vi.mock('@aws-lambda-powertools/parameters/secrets', () => ({ getSecret }));

const guard = guardPrototypes();
afterEach(() => guard.restore());

/** Pollutes `Object.prototype[name]` the way a PATCH into `__proto__` did. */
function pollute(name: string, value: unknown): void {
  Object.defineProperty(Object.prototype, name, { value, enumerable: true, writable: true, configurable: true });
}

describe('parseSecretValue', () => {
  it('returns an object that owns previous, undefined when the secret has none', () => {
    for (const raw of ['plain-secret', '{"current":"json-secret"}', '{"current":"json-secret","previous":null}']) {
      const values = parseSecretValue(raw) as SecretValues;
      expect(Object.hasOwn(values, 'previous'), raw).toBe(true);
      expect(values.previous, raw).toBeUndefined();
    }
  });

  it('ignores an inherited current/previous in the stored JSON', () => {
    pollute('current', ATTACKER);
    expect(parseSecretValue('{}')).toBe('JSON must have a non-empty string "current"');
    pollute('previous', ATTACKER);
    const values = parseSecretValue('{"current":"real"}') as SecretValues;
    expect(values.previous).toBeUndefined();
  });
});

describe('webhook sender checks with a polluted Object.prototype.previous', () => {
  const defaults = { defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' } as const;
  const okta = createOktaAdapter({
    ...defaults,
    authHeader: 'authorization',
    suspendAction: 'ignore',
    membershipEvents: 'off',
  });
  const hr = createHrAdapter(defaults);
  const workos = createWorkosAdapter({ ...defaults, toleranceMs: 180_000 });
  const bamboo = createBambooAdapter({
    ...defaults,
    emailField: 'workEmail',
    statusField: 'status',
    toleranceMs: 300_000,
  });
  const HR_ATTACKER = 'whsec_YXR0YWNrZXItY2hvc2VuLXNlY3JldA==';

  /** Per source: the attacker's value, and a check of a delivery signed with it against the configured secret. */
  const sources: [string, string, (secret: SecretValues) => unknown][] = [
    ['okta', ATTACKER, (secret) => okta.verify(oktaRequest([], { secret: ATTACKER }), secret, NOW_MS)],
    ['hr', HR_ATTACKER, (secret) => hr.verify(hrRequest({}, { secret: HR_ATTACKER }), secret, NOW_MS)],
    ['workos', ATTACKER, (secret) => workos.verify(workosRequest({}, { secret: ATTACKER }), secret, NOW_MS)],
    ['bamboohr', ATTACKER, (secret) => bamboo.verify(bambooRequest({}, { key: ATTACKER }), secret, NOW_MS)],
  ];

  it.each(sources)('%s refuses a delivery signed with the inherited value', (source, attacker, verify) => {
    const configured = TEST_SECRETS[source as keyof typeof TEST_SECRETS];
    pollute('previous', attacker);
    // As the secret provider hands it over (parsed), and as a caller might build it (no own `previous` at all).
    expect(() => verify(parseSecretValue(configured) as SecretValues)).toThrow(VerificationError);
    expect(() => verify({ current: configured })).toThrow(VerificationError);
  });
});

describe('SCIM bearer token with a polluted Object.prototype.previous', () => {
  it('the verifier refuses the inherited value, from a parsed or a bare token object', async () => {
    pollute('previous', ATTACKER);
    const parsed = createBearerVerifier(() => parseBearerTokenSecret('scim-token-0123456789abcdef'));
    const bare = createBearerVerifier(() => ({ current: 'scim-token-0123456789abcdef' }));
    const viaProvider = createBearerVerifier(() => parseSecretValue('scim-token-0123456789abcdef') as SecretValues);
    for (const verify of [parsed, bare, viaProvider]) {
      expect(await verify(`Bearer ${ATTACKER}`)).toBe(false);
      expect(await verify('Bearer scim-token-0123456789abcdef')).toBe(true);
    }
  });

  it('parseBearerTokenSecret owns previous', () => {
    const tokens = parseBearerTokenSecret('{"current":"scim-token-0123456789abcdef"}');
    expect(Object.hasOwn(tokens, 'previous')).toBe(true);
    expect(tokens.previous).toBeUndefined();
  });
});

describe("the worker's Users API key secret with a polluted Object.prototype.apiKey", () => {
  it('reads only the fields the secret JSON owns', async () => {
    const config = { arizeApiKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:k' } as Parameters<
      typeof resolveApiKey
    >[0];
    getSecret.mockResolvedValue('{"ARIZE_API_KEY":"the-real-key"}');
    pollute('apiKey', ATTACKER);
    expect(await resolveApiKey(config)).toBe('the-real-key');
    getSecret.mockResolvedValue('{"unrelated":"x"}');
    pollute('ARIZE_API_KEY', ATTACKER);
    await expect(resolveApiKey(config)).rejects.toThrow(/no string value or apiKey field/);
  });
});

describe('the Parameters and Secrets extension answer with a polluted Object.prototype.SecretString', () => {
  let extension: ExtensionStandIn;
  beforeAll(async () => {
    extension = await startExtensionStandIn();
  });
  afterAll(async () => {
    await extension.close();
  });

  it('is not a secret unless the answer owns SecretString', async () => {
    extension.mode = { kind: 'raw', body: '{"Name":"idp-sync/okta"}' };
    const fetchSecret = parametersSecretsExtensionFetcher({
      env: { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(extension.port), AWS_SESSION_TOKEN: extension.token },
      host: '127.0.0.1',
    });
    pollute('SecretString', ATTACKER);
    await expect(fetchSecret('arn:aws:secretsmanager:eu-west-1:123456789012:secret:okta')).rejects.toThrow(
      /has no SecretString/,
    );
  });
});
