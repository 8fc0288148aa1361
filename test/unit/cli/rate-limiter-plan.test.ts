import { planReplay, ReplayPacer, toDlqEntry } from '@idp-sync/cli';
import { describe, expect, it } from 'vitest';

describe('ReplayPacer', () => {
  it('spaces messages to the rate on average, across concurrent callers', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const pacer = new ReplayPacer(
      10,
      () => now,
      async (ms) => {
        sleeps.push(ms);
      },
    );
    await pacer.take(10); // 0 ms: first batch goes at once
    await pacer.take(10); // waits 1 s (10 messages at 10/s)
    await pacer.take(5); // reserved after the second: 2 s from now
    expect(sleeps).toEqual([1000, 2000]);
    now = 5000; // idle time is not banked as a burst beyond the reservation
    await pacer.take(1);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new ReplayPacer(0)).toThrow(RangeError);
  });
});

describe('planReplay', () => {
  const e = (id: string, group: string) =>
    toDlqEntry({ MessageId: id, ReceiptHandle: id, Body: '{}', Attributes: { MessageGroupId: group } });

  it('goes person by person, skips a person after a skipped message, and honours max', () => {
    const entries = [e('a1', 'a'), e('b1', 'b'), e('a2', 'a'), e('c1', 'c'), e('d1', 'd')];
    const plan = planReplay(entries, (x) => x.messageId !== 'a1', { max: 2 });
    expect(plan.selected.map((x) => x.messageId)).toEqual(['b1', 'c1']);
    expect(plan.skipped.map((x) => x.messageId)).toEqual(['a1', 'a2', 'd1']);
    expect(plan.heldBack.map((x) => x.messageId)).toEqual(['a2']);
    expect(plan.beyondMax.map((x) => x.messageId)).toEqual(['d1']);
  });
});
