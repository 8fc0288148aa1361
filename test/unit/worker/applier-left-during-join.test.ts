import { ServerError } from '@idp-sync/users-client';
import { Applier, type ApplierUsersApi } from '@idp-sync/worker/applier';
import { CommandRejectedError } from '@idp-sync/worker/errors';
import { type AppliedChange, type PersonState, watermarkMs } from '@idp-sync/worker/state';
import { describe, expect, it } from 'vitest';
import { command } from '../../helpers/worker/records';

// A join whose create call is in flight while a newer leave of the same person completes (possible once a source's
// stable id puts a person's commands under two addresses, hence two FIFO groups): the person left, so the account
// the join made must not stay. Deterministic here; test/integration/worker/stable-id.test.ts shows it on the wire.

const at = (second: number) => new Date(Date.UTC(2026, 5, 1, 9, 0, second)).toISOString();

/** Person states with the repository's rule: a write older than the stored watermark is `superseded`. */
function memoryState() {
  const items = new Map<string, PersonState>();
  return {
    items,
    async get(email: string) {
      return items.get(email);
    },
    async recordMembership(email: string, op: 'add' | 'remove', values: readonly string[]) {
      const current = items.get(email) ?? { email, updatedAt: '' };
      const groups = new Set(current.groups ?? []);
      for (const value of values) op === 'add' ? groups.add(value) : groups.delete(value);
      const next = { ...current, groups: [...groups] };
      items.set(email, next);
      return next;
    },
    async recordApplied(change: AppliedChange) {
      const current = items.get(change.email);
      const ms = watermarkMs(change.occurredAt);
      if (current?.watermarkMs !== undefined && current.watermarkMs > ms) return 'superseded' as const;
      items.set(change.email, {
        ...current,
        email: change.email,
        watermarkMs: ms,
        ...(change.userId ? { userId: change.userId } : {}),
        ...(change.status ? { status: change.status } : {}),
        updatedAt: '',
      });
      return 'written' as const;
    },
  };
}

function usersApi(state: ReturnType<typeof memoryState>, onCreate: () => void, failDelete = false) {
  const deleted: string[] = [];
  const api = {
    async create(params: { email: string; name: string }) {
      onCreate();
      const user = { id: 'VXNlcjox', name: params.name, email: params.email, status: 'INVITED' };
      return { user, created: true, attempts: 1 };
    },
    async delete({ userId }: { userId: string }) {
      if (failDelete) throw new ServerError({ status: 503, title: 'Service Unavailable' });
      deleted.push(userId);
    },
  } as unknown as ApplierUsersApi;
  return { api, deleted, state };
}

describe('a join that a newer leave overtook while its create was in flight', () => {
  const join = command({ action: 'create', email: 'ada@example.com', occurredAt: at(1) });

  it('deletes the account it made and reports itself stale', async () => {
    const state = memoryState();
    const users = usersApi(state, () =>
      state.items.set('ada@example.com', {
        email: 'ada@example.com',
        status: 'DELETED',
        watermarkMs: watermarkMs(at(3)),
        updatedAt: '',
      }),
    );
    const applier = new Applier({ users: users.api, state, defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' });
    expect(await applier.apply(join)).toEqual({ outcome: 'stale', action: 'create', detail: 'undone-by-newer-leave' });
    expect(users.deleted).toEqual(['VXNlcjox']);
  });

  it('goes to the DLQ naming the user id when that delete fails (a retry would only find the join stale)', async () => {
    const state = memoryState();
    const users = usersApi(
      state,
      () =>
        state.items.set('ada@example.com', {
          email: 'ada@example.com',
          status: 'DELETED',
          watermarkMs: watermarkMs(at(3)),
          updatedAt: '',
        }),
      true,
    );
    const applier = new Applier({ users: users.api, state, defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' });
    const error = await applier.apply(join).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandRejectedError);
    expect(error).toMatchObject({ errorClass: 'LeftDuringJoin', message: expect.stringContaining('VXNlcjox') });
  });

  it('keeps the account when what overtook it was not a leave', async () => {
    const state = memoryState();
    const users = usersApi(state, () =>
      state.items.set('ada@example.com', {
        email: 'ada@example.com',
        status: 'INVITED',
        watermarkMs: watermarkMs(at(3)),
        updatedAt: '',
      }),
    );
    const applier = new Applier({ users: users.api, state, defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' });
    expect(await applier.apply(join)).toMatchObject({ outcome: 'applied', detail: 'created' });
    expect(users.deleted).toEqual([]);
  });
});
