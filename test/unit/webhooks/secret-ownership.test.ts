import type { SecretValues } from '@idp-sync/http';
import { parseSecretValue } from '@idp-sync/http';
import {
  createBambooAdapter,
  createHrAdapter,
  createOktaAdapter,
  createWorkosAdapter,
  VerificationError,
} from '@idp-sync/webhooks/sources';
import { afterEach, describe, expect, it } from 'vitest';
import { guardPrototypes, pollutePrototype } from '../../helpers/prototype-guard';
import { bambooRequest, hrRequest, NOW_MS, oktaRequest, TEST_SECRETS, workosRequest } from '../../helpers/webhooks';

/**
 * Every reader of a secret reads fields the secret object OWNS: were `Object.prototype` ever polluted (the SCIM PATCH
 * defect of issue #14 did it), an inherited `previous`, `apiKey` or `SecretString` must not become a value that
 * verifies a sender. Each test pollutes the prototype on purpose (restored after it) and checks that the reader is not
 * fooled. Here: the webhook sender checks; the other readers beside their packages:
 * test/unit/{http,scim,worker}/secret-ownership.test.ts.
 */

const ATTACKER = 'attacker-chosen-secret-value-0123456789';

const guard = guardPrototypes();
afterEach(() => guard.restore());

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
    pollutePrototype('previous', attacker);
    // As the secret provider hands it over (parsed), and as a caller might build it (no own `previous` at all).
    expect(() => verify(parseSecretValue(configured) as SecretValues)).toThrow(VerificationError);
    expect(() => verify({ current: configured })).toThrow(VerificationError);
  });
});
