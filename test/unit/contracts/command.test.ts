import {
  commandFingerprint,
  deduplicationIdFor,
  EmailSchema,
  MAX_OCCURRED_AT_SKEW_MS,
  messageGroupIdFor,
  ProvisioningCommandSchema,
} from '@idp-sync/contracts';
import { boundOccurredAt, toCommandMessage } from '@idp-sync/contracts/command';
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
  it('groups by person and deduplicates by command id and content', () => {
    const command = ProvisioningCommandSchema.parse(base);
    const message = toCommandMessage(command);
    expect(message.MessageGroupId).toBe('alice@example.com');
    expect(message.MessageDeduplicationId).toBe(deduplicationIdFor(command));
    expect(message.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(message.MessageBody)).toEqual(command);
  });

  it('keeps a group id within the 128 characters SQS allows', () => {
    const long = `${'a'.repeat(200)}@example.com`;
    expect(messageGroupIdFor(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('occurredAt is bounded by receivedAt (issue #14)', () => {
  const future = { ...base, occurredAt: '2099-01-01T00:00:00Z' };

  it('caps it at receivedAt + 1 minute on every parse and keeps what the sender claimed', () => {
    expect(MAX_OCCURRED_AT_SKEW_MS).toBe(60_000);
    const parsed = ProvisioningCommandSchema.parse(future);
    expect(parsed).toMatchObject({
      occurredAt: '2026-11-26T10:01:01.000Z',
      receivedAt: '2026-11-26T10:00:01.000Z',
      claimedOccurredAt: '2099-01-01T00:00:00Z',
    });
    // Idempotent: parsing the capped command again (the worker reading what ingest queued) changes nothing.
    expect(ProvisioningCommandSchema.parse(parsed)).toEqual(parsed);
  });

  it('leaves a time within the bound as it is', () => {
    const within = { ...base, occurredAt: '2026-11-26T10:01:01.000Z' };
    expect(boundOccurredAt(within)).toBe(within);
    expect(ProvisioningCommandSchema.parse(within).claimedOccurredAt).toBeUndefined();
  });
});

describe('commandFingerprint and deduplicationIdFor (issue #14: a reused id is not a duplicate)', () => {
  const command = ProvisioningCommandSchema.parse(base);

  it('are the same for a redelivery: only receivedAt differs, even when occurredAt was capped', () => {
    const redelivered = ProvisioningCommandSchema.parse({ ...base, receivedAt: '2026-11-26T10:04:00.000Z' });
    expect(deduplicationIdFor(redelivered)).toBe(deduplicationIdFor(command));
    const capped = ProvisioningCommandSchema.parse({ ...base, occurredAt: '2099-01-01T00:00:00Z' });
    const cappedLater = ProvisioningCommandSchema.parse({
      ...base,
      occurredAt: '2099-01-01T00:00:00Z',
      receivedAt: '2026-11-26T10:04:00.000Z',
    });
    expect(capped.occurredAt).not.toBe(cappedLater.occurredAt);
    expect(commandFingerprint(cappedLater)).toBe(commandFingerprint(capped));
  });

  it('differ for the same id with another person, action, time or name', () => {
    const others = [
      { ...base, email: 'bob@example.com' },
      { ...base, action: 'delete' },
      { ...base, occurredAt: '2026-11-26T09:00:00.000Z' },
      { ...base, name: 'Alice Example' },
    ].map((other) => ProvisioningCommandSchema.parse(other));
    const ids = new Set([command, ...others].map(deduplicationIdFor));
    expect(ids.size).toBe(5);
  });
});

describe('EmailSchema folds only ASCII (issue #14)', () => {
  it('validates before folding: the Kelvin sign (U+212A) is refused, not turned into kate', () => {
    expect('\u212Aate@example.com'.toLowerCase()).toBe('kate@example.com'); // why this matters
    const result = EmailSchema.safeParse('\u212Aate@example.com');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/ASCII/);
    // Other characters whose Unicode case mapping lands on ASCII: U+017F LONG S, U+0130 DOTTED CAPITAL I.
    expect(EmailSchema.safeParse('\u017Fam@example.com').success).toBe(false);
    expect(EmailSchema.safeParse('\u0130an@example.com').success).toBe(false);
    expect(EmailSchema.parse('  Kate@EXAMPLE.com ')).toBe('kate@example.com');
  });
});
