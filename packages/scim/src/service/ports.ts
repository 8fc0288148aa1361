import type { ProvisioningCommand } from '@idp-sync/contracts';
import type { GroupMember } from '../protocol/group';
import type { JsonObject } from '../protocol/json';

/*
 * The service's ports: what it needs from the world (the queue, the user store, the Users API lookup, a bearer check,
 * a logger, metrics) and the stored form of a user. The protocol needs none of them.
 */

/**
 * Where SCIM writes go: the provisioning queue. Narrow on purpose, so the ingest sender, an SQS client wrapper or an
 * in-memory test double can all satisfy it. `send` resolves only once every command is durably queued, and rejects
 * otherwise (the caller then answers 503 and keeps nothing).
 *
 * @example
 * const queue: CommandQueue = { send: async (commands) => sqsSender.sendAll(commands) };
 */
export interface CommandQueue {
  send(commands: ProvisioningCommand[]): Promise<void>;
}

/** A person as the Users API knows them, reduced to what a SCIM answer needs. */
export interface UsersLookupResult {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  /** `ACTIVE`, `INVITED` or `EXPIRED` (the Users API never returns deleted users). */
  readonly status: string;
  /** RFC 3339. */
  readonly createdAt: string;
}

/**
 * Read-only lookup of people that exist in the Users API but not (yet) in the SCIM store, e.g. people invited by
 * another source before Entra provisioning was switched on. The Users API client can satisfy it.
 *
 * @example
 * const lookup: UsersLookup = { findByEmail: (email, { signal } = {}) => users.findByEmail(email, { signal }) };
 */
export interface UsersLookup {
  findByEmail(email: string, options?: { signal?: AbortSignal }): Promise<UsersLookupResult | null>;
}

/**
 * Checks the `Authorization` header of a request. Resolves true only for a current (or previous, during rotation)
 * bearer token.
 *
 * @example
 * const verify: BearerVerifier = createBearerVerifier(async () => ({ current: process.env.SCIM_BEARER_TOKEN! }));
 */
export type BearerVerifier = (authorizationHeader: string | undefined) => Promise<boolean>;

/**
 * Lifecycle of a stored SCIM user:
 * - `live`: visible to reads;
 * - `pending-create`: written by a POST whose command could not (yet) be queued — invisible, so Entra's retry POSTs again
 *   and completes it with the same id;
 * - `pending-delete`: a DELETE whose command is being queued — invisible; removed once queued.
 */
export type ScimUserState = 'pending-create' | 'live' | 'pending-delete';

/**
 * One SCIM user as the state table holds it.
 *
 * @example
 * const user: ScimUserRecord | null = await store.get(id);
 */
export interface ScimUserRecord {
  /** The SCIM `id`: a UUID generated at the first POST, stable for the person. */
  readonly id: string;
  readonly userName: string;
  readonly externalId?: string | undefined;
  /** The SCIM attributes as last written (canonical attribute names; no `id`, `meta` or `schemas`). */
  readonly resource: JsonObject;
  readonly active: boolean;
  /**
   * The Users API key of this person (lower-cased email), fixed when the person is first provisioned. Later email
   * changes cannot be applied through the Users API and are recorded as unsupported instead.
   */
  readonly personEmail?: string | undefined;
  /** True once a create command was queued for this user (or the user was found in the Users API). */
  readonly provisioned: boolean;
  readonly state: ScimUserState;
  /** RFC 3339 timestamps for `meta.created` / `meta.lastModified`. */
  readonly created: string;
  readonly lastModified: string;
  /** Optimistic-concurrency counter; every write is conditional on it. */
  readonly version: number;
  /**
   * Commands written with this state but not yet confirmed queued. Normally empty: it is only non-empty between a write
   * and its queueing, or if a crash or failed rollback left it so — any later request for this user sends it again.
   */
  readonly outbox: readonly ProvisioningCommand[];
  /** `users-api` when the user was adopted from a Users API lookup rather than POSTed. */
  readonly origin: 'scim' | 'users-api';
  /** Partition keys of the secondary pointer items (externalId, emails) of this user, for cleanup. */
  readonly pointerKeys: readonly string[];
  /**
   * With provisioning groups configured (`SCIM_PROVISIONING_GROUPS`): whether the user was a member of one at its last
   * write. Absent when never evaluated (scoping off, or a user stored before it was turned on): taken as in scope, so
   * that turning scoping on never hides a provisioned person's later deactivation.
   */
  readonly inScope?: boolean | undefined;
}

/**
 * Whether a user is in the provisioning scope: a member of a group named in `SCIM_PROVISIONING_GROUPS` (by
 * displayName or externalId, case-insensitively).
 *
 * @example
 * const inScope = await scope.isInScope(userId);
 */
export interface ProvisioningScope {
  isInScope(userId: string): Promise<boolean>;
}

/**
 * Persistence of SCIM users in the state table (key conventions: `SCIM_KEYS`, and the package README's state table).
 * Reads are strongly consistent: a user POSTed a moment ago must be found.
 *
 * @example
 * const store: ScimUserStore = createDynamoDbScimUserStore({ client, tableName: 'idp-sync-state' });
 */
export interface ScimUserStore {
  get(id: string): Promise<ScimUserRecord | null>;
  /** The id the userName pointer names (or null), without loading the user. */
  userNameOwner(userName: string): Promise<string | null>;
  queryByExternalId(externalId: string): Promise<ScimUserRecord[]>;
  queryByEmail(email: string): Promise<ScimUserRecord[]>;
  /** Every stored SCIM user (used only for filters no pointer can answer, and unfiltered listings). */
  scan(): Promise<ScimUserRecord[]>;
  /**
   * Makes `id` the owner of `userName`. Succeeds when the name is free, already ours, or owned by `takeOverFrom`
   * (an orphaned pointer). Resolves false when another user owns it.
   */
  claimUserName(userName: string, id: string, takeOverFrom?: string): Promise<boolean>;
  /** Releases `userName` if `id` still owns it. */
  releaseUserName(userName: string, id: string): Promise<void>;
  putPointers(id: string, pointerKeys: readonly string[]): Promise<void>;
  /**
   * Writes a user with a freshly generated id and its pointers in one batch (no condition is needed: nobody else can
   * know the id yet). Saves round trips on POST, the hottest write.
   */
  insert(record: ScimUserRecord): Promise<void>;
  deletePointers(id: string, pointerKeys: readonly string[]): Promise<void>;
  /** Writes the record if the stored version is `expectedVersion` (null: only if absent); else ScimStoreConflictError. */
  put(record: ScimUserRecord, expectedVersion: number | null): Promise<void>;
  /** Deletes the user item if its version is `expectedVersion`; else ScimStoreConflictError. */
  delete(id: string, expectedVersion: number): Promise<void>;
}

/**
 * One SCIM group as the state table holds it. Its members are items of their own ({@link ScimGroupStore.members}).
 *
 * @example
 * const group: ScimGroupRecord | null = await groups.get(id);
 */
export interface ScimGroupRecord {
  /** The SCIM `id`: a UUID generated at the POST. */
  readonly id: string;
  readonly displayName: string;
  readonly externalId?: string | undefined;
  /** The other attributes as last written (no `id`, `meta`, `schemas`, `members`). */
  readonly attributes: JsonObject;
  readonly created: string;
  readonly lastModified: string;
  /** Optimistic-concurrency counter; every write of the group item is conditional on it. */
  readonly version: number;
}

/**
 * Persistence of SCIM groups and their memberships in the state table (keys: `SCIM_KEYS`). Reads are strongly
 * consistent: a group POSTed or PATCHed a moment ago reads back as written.
 *
 * @example
 * const groups: ScimGroupStore = createDynamoDbScimGroupStore({ client, tableName: 'idp-sync-state' });
 */
export interface ScimGroupStore {
  get(id: string): Promise<ScimGroupRecord | null>;
  /** The id the displayName pointer names (or null). */
  displayNameOwner(displayName: string): Promise<string | null>;
  /** The displayName pointer: its group and when it was claimed (epoch ms; 0 when unknown), or null. */
  displayNameClaim(displayName: string): Promise<{ groupId: string; claimedAtMs: number } | null>;
  /** Every stored group (filters no pointer answers, and unfiltered listings). */
  scan(): Promise<ScimGroupRecord[]>;
  /** Makes `id` the owner of `displayName`; false when another group owns it. */
  claimDisplayName(displayName: string, id: string): Promise<boolean>;
  /** Releases `displayName` if `id` still owns it. */
  releaseDisplayName(displayName: string, id: string): Promise<void>;
  /** Writes the group item if its stored version is `expectedVersion` (null: only if absent); else ScimStoreConflictError. */
  put(record: ScimGroupRecord, expectedVersion: number | null): Promise<void>;
  /** Deletes the group item if its version is `expectedVersion`; else ScimStoreConflictError. */
  delete(id: string, expectedVersion: number): Promise<void>;
  /** Every member of a group, in no particular order. */
  members(groupId: string): Promise<GroupMember[]>;
  /** Those of `userIds` that are members of the group. */
  membersAmong(groupId: string, userIds: readonly string[]): Promise<GroupMember[]>;
  /** The ids of the groups a user is a member of. */
  groupsOf(userId: string): Promise<string[]>;
  /** Adds (or rewrites) and removes memberships: the group's member items and the users' reverse items. */
  writeMembers(groupId: string, put: readonly GroupMember[], remove: readonly string[]): Promise<void>;
  /**
   * Notes users whose recorded groups and provisioning scope a change of this group must settle (with the group
   * values they may have to forget), before the change is written; {@link clearSettlements} once settled.
   */
  writeSettlements(groupId: string, settlements: readonly GroupSettlement[]): Promise<void>;
  /** Settlements a change of this group left unfinished (a request that failed part-way). */
  pendingSettlements(groupId: string): Promise<GroupSettlement[]>;
  clearSettlements(groupId: string, userIds: readonly string[]): Promise<void>;
}

/** A user a group change must settle, and the group values (old names) they may have to forget. */
export interface GroupSettlement {
  readonly userId: string;
  readonly forget: readonly string[];
}

/**
 * Where group memberships are recorded for the worker's role policy: the `groups` string set of the person's state
 * item (contracts' `personGroupsUpdate`, the same update the worker's `membership` commands make).
 *
 * @example
 * const result = await personGroups.record('ada@example.com', 'add', ['Arize Admins', '6c6b54c2-…']);
 */
export interface PersonGroups {
  /**
   * Adds or removes group values; resolves with the person's groups before and after and whether they have an
   * account, or `full` when they already have the most values recorded (nothing written).
   */
  record(
    email: string,
    op: 'add' | 'remove',
    values: readonly string[],
  ): Promise<{ before: string[]; after: string[]; hasAccount: boolean } | 'full'>;
}
