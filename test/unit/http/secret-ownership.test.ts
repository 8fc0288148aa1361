import type { SecretValues } from '@idp-sync/http';
import { parseSecretValue } from '@idp-sync/http';
import { parametersSecretsExtensionFetcher } from '@idp-sync/http/secrets';
import { afterEach, describe, expect, it } from 'vitest';
import { useExtensionStandIn } from '../../helpers/http/extension-stand-in';
import { guardPrototypes, pollutePrototype } from '../../helpers/prototype-guard';

// The secret value parser and the Parameters and Secrets extension fetcher read only the fields a secret owns: a
// polluted `Object.prototype` (issue #14) must not supply a `previous` or a `SecretString`. Why this matters, and the
// other readers: test/unit/webhooks/secret-ownership.test.ts.

const ATTACKER = 'attacker-chosen-secret-value-0123456789';

const guard = guardPrototypes();
afterEach(() => guard.restore());

describe('parseSecretValue', () => {
  it('returns an object that owns previous, undefined when the secret has none', () => {
    for (const raw of ['plain-secret', '{"current":"json-secret"}', '{"current":"json-secret","previous":null}']) {
      const values = parseSecretValue(raw) as SecretValues;
      expect(Object.hasOwn(values, 'previous'), raw).toBe(true);
      expect(values.previous, raw).toBeUndefined();
    }
  });

  it('ignores an inherited current/previous in the stored JSON', () => {
    pollutePrototype('current', ATTACKER);
    expect(parseSecretValue('{}')).toBe('JSON must have a non-empty string "current"');
    pollutePrototype('previous', ATTACKER);
    const values = parseSecretValue('{"current":"real"}') as SecretValues;
    expect(values.previous).toBeUndefined();
  });
});

describe('the Parameters and Secrets extension answer with a polluted Object.prototype.SecretString', () => {
  const extension = useExtensionStandIn();

  it('is not a secret unless the answer owns SecretString', async () => {
    extension().mode = { kind: 'raw', body: '{"Name":"idp-sync/okta"}' };
    const fetchSecret = parametersSecretsExtensionFetcher({
      env: { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(extension().port), AWS_SESSION_TOKEN: extension().token },
      host: '127.0.0.1',
    });
    pollutePrototype('SecretString', ATTACKER);
    await expect(fetchSecret('arn:aws:secretsmanager:eu-west-1:123456789012:secret:okta')).rejects.toThrow(
      /has no SecretString/,
    );
  });
});
