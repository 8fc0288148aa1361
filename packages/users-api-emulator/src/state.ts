import { ApiKeyRegistry } from './auth';
import { Counters } from './counters';
import { CursorCodec } from './cursor';
import { BadRequestProblem, NotFoundProblem } from './errors';
import { FaultInjector, RateLimitFault } from './faults';
import { decodeUserId } from './ids';
import {
  CustomRoleDefinitionSchema,
  describeIssues,
  FaultConfigSchema,
  RateLimitConfigSchema,
  SeedUserSchema,
} from './schemas';
import { UserStore } from './store';
import type {
  CountersSnapshot,
  CustomRoleDefinition,
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
  readonly #initial: Pick<UsersApiEmulatorOptions, 'seed' | 'faults' | 'rateLimit' | 'customRoles'>;

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
    this.#initial = {
      seed: options.seed,
      faults: options.faults,
      rateLimit: options.rateLimit,
      customRoles: options.customRoles,
    };
    this.store.setCustomRoles(this.#parseRoles(options.customRoles ?? []));
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
    this.store.setCustomRoles(this.#initial.customRoles ?? []);
    if (this.#initial.seed?.length) this.store.seed(this.#initial.seed);
  }

  /** The account's custom RBAC roles. */
  customRoles(): CustomRoleDefinition[] {
    return this.store.customRoles();
  }

  /**
   * Replaces the account's custom RBAC roles (validated; all or nothing).
   *
   * @throws BadRequestProblem for an invalid role or a duplicate id.
   */
  setCustomRoles(roles: readonly CustomRoleDefinition[]): CustomRoleDefinition[] {
    this.store.setCustomRoles(this.#parseRoles(roles));
    return this.store.customRoles();
  }

  #parseRoles(roles: readonly CustomRoleDefinition[]): CustomRoleDefinition[] {
    const parsed = CustomRoleDefinitionSchema.array().max(1000).safeParse(roles);
    if (!parsed.success) throw new BadRequestProblem(describeIssues(parsed.error));
    const ids = new Set<string>();
    for (const role of parsed.data) {
      if (ids.has(role.id)) throw new BadRequestProblem(`custom role id '${role.id}' appears twice`);
      ids.add(role.id);
    }
    return parsed.data;
  }

  #seq(id: string): number {
    const seq = decodeUserId(id);
    if (seq === undefined) throw new NotFoundProblem(`user '${id}' not found`);
    return seq;
  }
}
