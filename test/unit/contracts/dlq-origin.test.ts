import { dlqMessageGroupId, formatDlqOrigin, parseDlqOrigin, regroupDeduplicationId } from '@idp-sync/contracts';
import { describe, expect, it } from 'vitest';

describe('the origin attribute of a DLQ message', () => {
  it('round-trips what the worker and a re-grouping write', () => {
    const work = { queue: 'work', group: 'ada@example.com', seq: '18849496460467696128', messageId: 'm-1' } as const;
    expect(parseDlqOrigin(formatDlqOrigin(work))).toEqual(work);
    const dlq = {
      queue: 'dlq',
      group: `sha256:${'a'.repeat(64)}`,
      seq: '00000000000000000042',
      messageId: 'd-1',
      sentAt: '2026-12-06T00:00:00.000Z',
      originalMessageId: 'm-0',
    } as const;
    expect(parseDlqOrigin(formatDlqOrigin(dlq))).toEqual(dlq);
  });

  it.each([
    ['absent', undefined],
    ['not JSON', 'ada@example.com 12 m-1'],
    ['an array', '["work","ada@example.com"]'],
    ['an unknown queue', '{"queue":"other","group":"g","messageId":"m"}'],
    ['no group', '{"queue":"work","messageId":"m"}'],
    ['a group with a space', '{"queue":"work","group":"a b","messageId":"m"}'],
    ['a group over 128 characters', JSON.stringify({ queue: 'work', group: 'g'.repeat(129), messageId: 'm' })],
    ['a sequence that is no number', '{"queue":"work","group":"g","seq":"12e3","messageId":"m"}'],
    ['a sequence over 128 bits', JSON.stringify({ queue: 'work', group: 'g', seq: '9'.repeat(40), messageId: 'm' })],
    ['a numeric sequence', '{"queue":"work","group":"g","seq":12,"messageId":"m"}'],
    ['a bad time', '{"queue":"dlq","group":"g","messageId":"m","sentAt":"yesterday"}'],
    ['a time on a worker origin', '{"queue":"work","group":"g","messageId":"m","sentAt":"2026-12-06T00:00:00Z"}'],
    ['fields only on the prototype', '{"__proto__":{"queue":"work","group":"g","messageId":"m"}}'],
    ['a value too long to read', JSON.stringify({ queue: 'work', group: 'g', messageId: 'm', x: 'y'.repeat(2000) })],
    ['nested deeply', `{"queue":"work","group":"g","messageId":"m","x":${'['.repeat(100)}${']'.repeat(100)}}`],
  ])('%s is no origin', (_, value) => {
    expect(parseDlqOrigin(value)).toBeUndefined();
    expect(({} as Record<string, unknown>).group).toBeUndefined();
  });

  it('gives each DLQ message a group of its own, and a re-grouping a deduplication id of the message only', () => {
    expect(dlqMessageGroupId('ab'.repeat(32))).toBe(`dlq:${'ab'.repeat(32)}`);
    expect(dlqMessageGroupId('ab'.repeat(32)).length).toBeLessThanOrEqual(128);
    expect(regroupDeduplicationId('m-1')).toBe(regroupDeduplicationId('m-1'));
    expect(regroupDeduplicationId('m-1')).not.toBe(regroupDeduplicationId('m-2'));
    expect(regroupDeduplicationId('m-1')).toMatch(/^[0-9a-f]{64}$/);
  });
});
