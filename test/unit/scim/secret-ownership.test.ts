import type { SecretValues } from '@idp-sync/http';
import { parseSecretValue } from '@idp-sync/http';
import { createBearerVerifier, parseBearerTokenSecret } from '@idp-sync/scim/service';
import { afterEach, describe, expect, it } from 'vitest';
import { guardPrototypes, pollutePrototype } from '../../helpers/prototype-guard';

// The SCIM bearer token reader owns its `previous`: a polluted `Object.prototype` (issue #14) must not add a token
// that verifies. Why this matters, and the other readers: test/unit/webhooks/secret-ownership.test.ts.

const ATTACKER = 'attacker-chosen-secret-value-0123456789';

const guard = guardPrototypes();
afterEach(() => guard.restore());

describe('SCIM bearer token with a polluted Object.prototype.previous', () => {
  it('the verifier refuses the inherited value, from a parsed or a bare token object', async () => {
    pollutePrototype('previous', ATTACKER);
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
