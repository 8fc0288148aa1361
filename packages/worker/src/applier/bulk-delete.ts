import type { BulkDeleteItemResult, UsersClient } from '@idp-sync/users-client';
import { COMMAND_ID_HELD_WITH_OTHER_CONTENT, CommandRejectedError, DeleteHeldError } from '../errors';
import type { BulkDeleteTicket, DeleteGuardPort } from './types';

type Deferred = { resolve(item: BulkDeleteItemResult): void; reject(error: unknown): void; commandId?: string };

/**
 * Collects the deletes of one batch into one `users.bulkDelete` call. It is created for the number of places
 * (people whose first pending command in the batch is a delete); each place either submits an id or is released,
 * and once every place has done one or the other the ids go out together and each submitter gets its own item.
 *
 * Places are released by the applier when it returns early (stale, already gone) and by the worker after the
 * idempotent call returns, so a duplicate (whose applier never runs) cannot hold the others up.
 *
 * @example
 * const coalescer = new BulkDeleteCoalescer(client.users, 2);
 * const [a, b] = [coalescer.ticket(), coalescer.ticket()];
 * const results = await Promise.all([a.submit('VXNlcjox'), b.submit('VXNlcjoy')]); // one bulkDelete, two results
 */
export class BulkDeleteCoalescer {
  readonly #users: Pick<UsersClient['users'], 'bulkDelete'>;
  readonly #concurrency: number;
  readonly #places: number;
  #open: number;
  #issued = 0;
  readonly #pending = new Map<string, Deferred[]>();
  readonly #guard: DeleteGuardPort | undefined;
  /** How many `users.bulkDelete` calls were made (0 or 1 per batch). */
  calls = 0;

  constructor(
    users: Pick<UsersClient['users'], 'bulkDelete'>,
    places: number,
    options: { concurrency?: number; guard?: DeleteGuardPort } = {},
  ) {
    this.#users = users;
    this.#places = places;
    this.#open = places;
    this.#concurrency = options.concurrency ?? 10;
    this.#guard = options.guard;
  }

  /** The next place. Asking for more places than announced is a programming error. */
  ticket(): BulkDeleteTicket {
    if (this.#issued >= this.#places) throw new Error('BulkDeleteCoalescer: more tickets than places');
    this.#issued++;
    let settled = false;
    return {
      submit: (userId, commandId) => {
        if (settled) return Promise.reject(new Error('BulkDeleteCoalescer: ticket already used'));
        settled = true;
        const promise = new Promise<BulkDeleteItemResult>((resolve, reject) => {
          const waiting = this.#pending.get(userId) ?? [];
          waiting.push({ resolve, reject, ...(commandId === undefined ? {} : { commandId }) });
          this.#pending.set(userId, waiting);
        });
        this.#settleOne();
        return promise;
      },
      release: () => {
        if (settled) return;
        settled = true;
        this.#settleOne();
      },
    };
  }

  #settleOne(): void {
    this.#open--;
    if (this.#open === 0) void this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const pending = new Map(this.#pending);
    this.#pending.clear();
    if (this.#guard !== undefined && !(await this.#admit(pending))) return;
    if (pending.size === 0) return;
    const userIds = [...pending.keys()];
    this.calls++;
    try {
      const items = await this.#users.bulkDelete({ userIds, concurrency: Math.min(this.#concurrency, userIds.length) });
      const byId = new Map(items.filter((i) => i.userId !== undefined).map((i) => [i.userId as string, i]));
      for (const [userId, waiting] of pending) {
        const item = byId.get(userId) ?? {
          userId,
          status: 'FAILED' as const,
          error: 'users.bulkDelete returned no result for this id',
        };
        for (const w of waiting) w.resolve(item);
      }
    } catch (error) {
      for (const waiting of pending.values()) for (const w of waiting) w.reject(error);
    }
  }

  /**
   * Passes the bulk delete's commands through the deletion guard in one call: held ones are rejected with
   * {@link DeleteHeldError} and taken out of `pending`. False when the guard failed (every waiter rejected).
   */
  async #admit(pending: Map<string, Deferred[]>): Promise<boolean> {
    const guard = this.#guard as DeleteGuardPort;
    const ids = [...pending.values()].flatMap((ws) =>
      ws.flatMap((w) => (w.commandId === undefined ? [] : [w.commandId])),
    );
    if (ids.length === 0) return true;
    let verdicts: ReadonlyMap<string, string>;
    try {
      verdicts = await guard.admit(ids);
    } catch (error) {
      for (const waiting of pending.values()) for (const w of waiting) w.reject(error);
      return false;
    }
    for (const [userId, waiting] of [...pending]) {
      const passing = waiting.filter((w) => {
        const verdict = w.commandId === undefined ? 'pass' : verdicts.get(w.commandId);
        if (verdict === 'pass' || verdict === 'approved') return true;
        if (verdict === 'reused') {
          w.reject(new CommandRejectedError('CommandIdReused', COMMAND_ID_HELD_WITH_OTHER_CONTENT));
          return false;
        }
        w.reject(new DeleteHeldError(verdict === 'discarded' ? 'discarded' : 'held'));
        return false;
      });
      if (passing.length === 0) pending.delete(userId);
      else pending.set(userId, passing);
    }
    return true;
  }
}
