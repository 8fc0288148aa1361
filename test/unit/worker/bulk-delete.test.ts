import { BulkDeleteCoalescer } from '@idp-sync/worker/applier';
import { describe, expect, it } from 'vitest';

describe('bulk delete coalescer', () => {
  it('sends one bulkDelete once every place submitted or was released, and maps items back', async () => {
    const calls: string[][] = [];
    const users = {
      bulkDelete: async ({ userIds }: { userIds?: string[] }) => {
        calls.push(userIds ?? []);
        return (userIds ?? []).map((userId) =>
          userId === 'gone' ? { userId, status: 'NOT_FOUND' as const } : { userId, status: 'DELETED' as const },
        );
      },
    };
    const coalescer = new BulkDeleteCoalescer(users as never, 3);
    const [a, b, c] = [coalescer.ticket(), coalescer.ticket(), coalescer.ticket()];
    const pa = a.submit('u1');
    const pb = b.submit('gone');
    let settled = false;
    void pa.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false); // the third place is still open
    c.release();
    expect(await pa).toMatchObject({ userId: 'u1', status: 'DELETED' });
    expect(await pb).toMatchObject({ userId: 'gone', status: 'NOT_FOUND' });
    expect(calls).toEqual([['u1', 'gone']]);
    expect(coalescer.calls).toBe(1);
  });

  it('makes no call when every place is released, and refuses extra tickets', () => {
    const coalescer = new BulkDeleteCoalescer({ bulkDelete: async () => [] } as never, 1);
    coalescer.ticket().release();
    expect(coalescer.calls).toBe(0);
    expect(() => coalescer.ticket()).toThrow(/more tickets/);
  });
});
