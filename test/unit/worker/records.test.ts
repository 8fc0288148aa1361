import { groupRecords, parseRecord } from '@idp-sync/worker/batch';
import { describe, expect, it } from 'vitest';
import { command, sqsRecord } from '../../helpers/worker/records';

describe('records', () => {
  it('parses a valid command with its receive metadata', () => {
    const c = command({ action: 'update', email: 'Ada@Example.com' });
    const r = parseRecord(sqsRecord(c, { receiveCount: 3, firstReceivedAt: 1_700_000_000_000 }), new Date());
    expect(r.command?.email).toBe('ada@example.com');
    expect(r.receiveCount).toBe(3);
    expect(r.firstSeenAt.toISOString()).toBe(new Date(1_700_000_000_000).toISOString());
    expect(r.invalid).toBeUndefined();
  });

  it('gives a reason for a body that is not JSON or not a command, naming fields but not values', () => {
    expect(parseRecord(sqsRecord('{nope'), new Date()).invalid).toBe('body is not JSON');
    const bad = { ...command(), action: 'promote', email: 'secret.person@example.com' };
    const r = parseRecord(sqsRecord(JSON.stringify(bad)), new Date());
    expect(r.command).toBeUndefined();
    expect(r.invalid).toMatch(/action/);
    expect(r.invalid).not.toMatch(/secret\.person/);
  });

  it('groups by person keeping SQS order', () => {
    const a1 = parseRecord(sqsRecord(command({ email: 'a@example.com' })), new Date());
    const b1 = parseRecord(sqsRecord(command({ email: 'b@example.com' })), new Date());
    const a2 = parseRecord(sqsRecord(command({ email: 'a@example.com' })), new Date());
    expect(groupRecords([a1, b1, a2]).map((g) => g.map((r) => r.messageId))).toEqual([
      [a1.messageId, a2.messageId],
      [b1.messageId],
    ]);
  });
});
