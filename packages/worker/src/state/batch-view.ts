import type { PersonStateRepository } from './person-state';
import type { AppliedChange, PersonState, RecordAppliedResult } from './types';

/** What the applier needs from the state store: the repository, or a per-batch {@link BatchStateView} over it. */
export type PersonStateStore = Pick<PersonStateRepository, 'get' | 'recordApplied' | 'recordMembership'>;

/**
 * The person states of one batch, read in one round trip at the start and kept current as the batch writes them.
 * Valid for the batch only: while a batch holds a FIFO group's messages, nobody else applies that group's commands,
 * so what this batch wrote is the latest. (A command whose stable id leads to another person's email — an email
 * change in the source — runs in its own group; there the conditional watermark write is the arbiter.) A write that
 * lost (`superseded`) drops the entry, so the next read goes to DynamoDB again.
 *
 * @example
 * const view = new BatchStateView(repo);
 * await view.prefetch(records.map((r) => r.command.email));
 * const applier = new Applier({ users, state: view, defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' });
 */
export class BatchStateView implements PersonStateStore {
  readonly #repo: PersonStateRepository;
  readonly #cache = new Map<string, PersonState | undefined>();

  constructor(repo: PersonStateRepository) {
    this.#repo = repo;
  }

  /** Reads the states of these people (one BatchGetItem per 100). */
  async prefetch(emails: readonly string[]): Promise<void> {
    if (emails.length === 0) return;
    for (const [email, state] of await this.#repo.getMany(emails)) this.#cache.set(email, state);
  }

  async get(email: string): Promise<PersonState | undefined> {
    if (this.#cache.has(email)) return this.#cache.get(email);
    const state = await this.#repo.get(email);
    this.#cache.set(email, state);
    return state;
  }

  async recordMembership(
    email: string,
    op: 'add' | 'remove',
    values: readonly string[],
  ): Promise<PersonState | 'full' | undefined> {
    const state = await this.#repo.recordMembership(email, op, values);
    if (state === 'full') return state;
    if (state !== undefined) this.#cache.set(email, state);
    else this.#cache.delete(email);
    return state;
  }

  async recordApplied(change: AppliedChange): Promise<RecordAppliedResult> {
    const { result, state } = await this.#repo.recordAppliedReturning(change);
    if (result === 'written' && state !== undefined) this.#cache.set(change.email, state);
    else this.#cache.delete(change.email);
    return result;
  }
}
