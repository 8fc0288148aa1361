import {
  deduplicationIdFor,
  messageGroupIdFor,
  ProvisioningCommandSchema,
  toCommandMessage,
} from '@idp-sync/provisioning';
import { describe, expect, it } from 'vitest';

const base = {
  v: 1,
  id: 'okta:2f0c1d5e',
  source: 'okta',
  sourceEventType: 'user.lifecycle.create',
  occurredAt: '2026-11-26T10:00:00.000Z',
  receivedAt: '2026-11-26T10:00:01.000Z',
  action: 'create',
  email: '  Alice@Example.COM ',
};

describe('ProvisioningCommandSchema', () => {
  it('normalises the email to the person key', () => {
    expect(ProvisioningCommandSchema.parse(base).email).toBe('alice@example.com');
  });

  it('rejects an address that is not an email, naming the field', () => {
    const result = ProvisioningCommandSchema.safeParse({ ...base, email: 'not-an-email' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['email']);
  });

  it('rejects unknown fields and unknown versions', () => {
    expect(ProvisioningCommandSchema.safeParse({ ...base, extra: 1 }).success).toBe(false);
    expect(ProvisioningCommandSchema.safeParse({ ...base, v: 2 }).success).toBe(false);
  });
});

describe('toCommandMessage', () => {
  it('groups by person and deduplicates by command id', () => {
    const command = ProvisioningCommandSchema.parse(base);
    const message = toCommandMessage(command);
    expect(message.MessageGroupId).toBe('alice@example.com');
    expect(message.MessageDeduplicationId).toBe(deduplicationIdFor('okta:2f0c1d5e'));
    expect(message.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(message.MessageBody)).toEqual(command);
  });

  it('keeps a group id within the 128 characters SQS allows', () => {
    const long = `${'a'.repeat(200)}@example.com`;
    expect(messageGroupIdFor(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
