import { ApiKeyRegistry } from './auth';
import { Counters } from './counters';
import { CursorCodec } from './cursor';
import { BadRequestProblem, NotFoundProblem } from './errors';
import { FaultInjector, RateLimitFault } from './faults';
import { decodeUserId } from './ids';
import { describeIssues, FaultConfigSchema, RateLimitConfigSchema, SeedUserSchema } from './schemas';
import { UserStore } from './store';
import type {
  CountersSnapshot,
  FaultConfig,
  RateLimitConfig,
  SeedUser,
  UserRecord,
  UsersApiEmulatorOptions,
} from './types';

/**
 * Everything the emulator knows, shared by the `/v2` router and the `/_emulator` control endpoints, and exposed to
 * in-process tests as `emulator.state`. Both ways of controlling the emulator go through these methods.
 *
 * @example
 * const emulator = await startUsersApiEmulator();
 * const [ada] = emulator.state.seed([{ name: 'Ada', email: 'ada@example.com', status: 'INVITED' }]);
 * emulator.state.acceptInvitation(ada!.id);
 */
export class EmulatorState {
  readonly keys: ApiKeyRegistry;
  readonly store: UserStore;
  readonly faults: FaultInjector;
  readonly limiter: RateLimitFault;
  readonly counters = new Counters();
  readonly cursors = new CursorCodec();
  readonly #initial: Pick<UsersApiEmulatorOptions, 'seed' | 'faults' | 'rateLimit'>;

  constructor(options: UsersApiEmulatorOptions) {
    this.keys = new ApiKeyRegistry(options.apiKeys);
    this.store = new UserStore({
      now: options.now ?? Date.now,
      ssoEnforced: options.ssoEnforced ?? false,
      revokeKeysOwnedBy: (email) => this.keys.revokeOwnedBy(email),
      ...(options.invitationTtlMs !== undefined ? { invitationTtlMs: options.invitationTtlMs } : {}),
    });
    this.faults = new FaultInjector(options.faults);
    this.limiter = new RateLimitFault(options.rateLimit);
    this.#initial = { seed: options.seed, faults: options.faults, rateLimit: options.rateLimit };
    if (options.seed?.length) this.store.seed(options.seed);
  }

  /** Every user record, deleted ones included, oldest first: more than the wire shows. */
  users(): UserRecord[] {
    return this.store.snapshot();
  }

  /** One record by id (deleted included), or undefined. */
  user(id: string): UserRecord | undefined {
    const seq = decodeUserId(id);
    return seq === undefined ? undefined : this.store.record(seq);
  }

  /** One record by email, case-insensitive (deleted included), or undefined. */
  findByEmail(email: string): UserRecord | undefined {
    return this.store.findByEmail(email);
  }

  /**
   * Places users in any state (validated; all or nothing).
   *
   * @throws BadRequestProblem for an invalid user, ConflictProblem for an email already present.
   */
  seed(users: readonly SeedUser[]): UserRecord[] {
    const parsed = SeedUserSchema.array().safeParse(users);
    if (!parsed.success) throw new BadRequestProblem(describeIssues(parsed.error));
    return this.store.seed(parsed.data);
  }

  /** INVITED → ACTIVE, verified, password login (what clicking the emailed link does). */
  acceptInvitation(id: string): UserRecord {
    return this.store.acceptInvitation(this.#seq(id));
  }

  /** INVITED → EXPIRED now. */
  expireInvitation(id: string): UserRecord {
    return this.store.expireInvitation(this.#seq(id));
  }

  /** Replaces the fault configuration (undefined: no faults) and restarts its PRNG from the seed. */
  setFaults(faults: FaultConfig | undefined): void {
    if (faults !== undefined) {
      const parsed = FaultConfigSchema.safeParse(faults);
      if (!parsed.success) throw new BadRequestProblem(describeIssues(parsed.error));
    }
    this.faults.configure(faults);
  }

  /** Replaces the per-key rate limit (undefined: none); every bucket starts full. */
  setRateLimit(rateLimit: RateLimitConfig | undefined): void {
    if (rateLimit !== undefined) {
      const parsed = RateLimitConfigSchema.safeParse(rateLimit);
      if (!parsed.success) throw new BadRequestProblem(describeIssues(parsed.error));
    }
    this.limiter.configure(rateLimit);
  }

  counterSnapshot(): CountersSnapshot {
    return this.counters.snapshot();
  }

  /**
   * Back to the start-up state: users cleared and the start-up `seed` placed again (with new ids: ids are never
   * reused), revoked keys restored, counters zeroed, faults and rate limit as configured at start (PRNG re-seeded).
   */
  reset(): void {
    this.store.clear();
    this.keys.restoreAll();
    this.counters.reset();
    this.faults.configure(this.#initial.faults);
    this.limiter.configure(this.#initial.rateLimit);
    if (this.#initial.seed?.length) this.store.seed(this.#initial.seed);
  }

  #seq(id: string): number {
    const seq = decodeUserId(id);
    if (seq === undefined) throw new NotFoundProblem(`user '${id}' not found`);
    return seq;
  }
}
