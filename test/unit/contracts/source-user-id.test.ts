import { ProvisioningCommandSchema } from '@idp-sync/contracts';
import { describe, expect, it } from 'vitest';

// The stable id of a person (`sourceUserId`) that the sources put on a command so that the worker can follow it to
// the email the person was provisioned with (issue #14); the sources' side is test/unit/webhooks/stable-ids.test.ts.

const at = '2026-11-26T09:59:00Z';

describe('the command contract', () => {
  it('takes an optional sourceUserId of 1–256 printable ASCII characters without spaces', () => {
    const base = {
      v: 1,
      id: 'okta:1',
      source: 'okta',
      sourceEventType: 'user.account.update_profile',
      occurredAt: at,
      receivedAt: at,
      action: 'update',
      email: 'ada@example.com',
    };
    expect(ProvisioningCommandSchema.safeParse(base).success).toBe(true);
    expect(ProvisioningCommandSchema.safeParse({ ...base, sourceUserId: '00u1abcd' }).success).toBe(true);
    expect(ProvisioningCommandSchema.safeParse({ ...base, sourceUserId: 'x'.repeat(256) }).success).toBe(true);
    for (const bad of ['', 'x'.repeat(257), 'has space', 'tab\there', 'é', '\u0000', 42, null]) {
      const result = ProvisioningCommandSchema.safeParse({ ...base, sourceUserId: bad });
      expect(result.success, JSON.stringify(bad)).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['sourceUserId']);
    }
  });
});
