import { randomUUID } from 'node:crypto';
import type { Logger, Metrics } from '@idp-sync/common';
import { mapWithConcurrency } from '@idp-sync/common';
import { chooseRole, type RolePolicyRule } from '@idp-sync/contracts';
import {
  describeError,
  ScimConflictError,
  ScimNotFoundError,
  ScimPayloadTooLargeError,
  ScimStoreConflictError,
} from '../errors';
import { matchesFilter } from '../protocol/evaluate';
import type { FilterExpr } from '../protocol/filter';
import {
  type GroupInput,
  type GroupMember,
  groupFromResource,
  groupResource,
  memberMatches,
  readGroupInput,
  readGroupPatch,
  renderGroup,
} from '../protocol/group';
import type { JsonObject, JsonValue } from '../protocol/json';
import { applyPatch, readPatchOperations } from '../protocol/patch';
import { deriveEmail } from '../protocol/resource';
import { SCIM_MAX_RESOURCE_BYTES, SCIM_METRICS } from './constants';
import { groupValuesOf } from './group-values';
import type { GroupSettlement, PersonGroups, ScimGroupRecord, ScimGroupStore, ScimUserStore } from './ports';
import type { GroupProvisioningScope } from './scope';
import type { ScimRequestContext } from './users';

export interface ScimGroupsDependencies {
  readonly groups: ScimGroupStore;
  /** The users, to find the person (email) behind a member's id. */
  readonly users: ScimUserStore;
  /** Where memberships are recorded for the role policy (the person's state item). */
  readonly personGroups: PersonGroups;
  /** The worker's role policy, when configured: a membership that changes an account's role is reported. */
  readonly rolePolicy?: readonly RolePolicyRule[] | undefined;
  /**
   * With `SCIM_PROVISIONING_GROUPS`: the scope, and how to re-evaluate a user against it (the users' `rescope`, from
   * the memberships as stored).
   */
  readonly scope?:
    | {
        readonly groups: GroupProvisioningScope;
        readonly rescope: (userId: string, context: ScimRequestContext) => Promise<void>;
      }
    | undefined;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now: () => Date;
  readonly baseLocation: string;
}

/** A group and, when asked for, its members. */
export interface GroupView {
  readonly group: ScimGroupRecord;
  readonly members?: readonly GroupMember[] | undefined;
}

/** Retries of a write that lost its version race to another request on the same group. */
const CONFLICT_RETRIES = 3;
/** Person items written at once when a membership change touches many people. */
const PERSON_WRITE_CONCURRENCY = 8;
/** A displayName pointer whose group does not exist is taken over only after this long (a POST in flight owns it). */
const ORPHANED_NAME_MS = 60_000;

/**
 * SCIM Groups (Okta push groups, Entra group provisioning): stored in the state table, answered read-your-writes,
 * and every membership recorded on the member's person item, where the worker's role policy reads it at the person's
 * create. A group changes no account by itself: the Users API sets a role only at create.
 *
 * @example
 * const groups = createScimGroups({ groups: groupStore, users: userStore, personGroups, logger, metrics, now, baseLocation });
 * const view = await groups.create({ displayName: 'Arize Admins', members: [] });
 */
export function createScimGroups(deps: ScimGroupsDependencies) {
  const { groups: store, logger, metrics } = deps;
  const nowIso = () => deps.now().toISOString();
  const count = (name: string, value = 1) => metrics.count(name, {}, value);

  async function load(id: string): Promise<ScimGroupRecord> {
    const group = await store.get(id);
    if (!group) throw new ScimNotFoundError(`Group ${id} not found`);
    return group;
  }

  async function withRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof ScimStoreConflictError) || attempt >= CONFLICT_RETRIES) throw error;
      }
    }
  }

  async function claimName(displayName: string, id: string): Promise<void> {
    if (await store.claimDisplayName(displayName, id)) return;
    // An orphaned pointer (its group is gone: a crash between the two writes) is taken over — once it is old enough
    // that no POST claiming it can still be on its way to writing the group.
    const claim = await store.displayNameClaim(displayName);
    if (
      claim !== null &&
      claim.groupId !== id &&
      Date.now() - claim.claimedAtMs > ORPHANED_NAME_MS &&
      (await store.get(claim.groupId)) === null
    ) {
      await store.releaseDisplayName(displayName, claim.groupId);
      if (await store.claimDisplayName(displayName, id)) return;
    }
    throw new ScimConflictError(`a group with displayName "${displayName.slice(0, 80)}" already exists`);
  }

  /**
   * POST /Groups: 201 with the group and its members. A POST that repeats one answered 503 part-way (the same
   * displayName and externalId, as Entra retries it) finishes that group instead of answering 409.
   */
  async function create(body: JsonValue, context: ScimRequestContext): Promise<GroupView> {
    const input = readGroupInput(body);
    checkGroupSize(input);
    const id = randomUUID();
    try {
      await claimName(input.displayName, id);
    } catch (error) {
      const retried = error instanceof ScimConflictError ? await retriedCreate(input) : null;
      if (!retried) throw error;
      return replace(retried.id, body, context);
    }
    const at = nowIso();
    const group: ScimGroupRecord = {
      id,
      displayName: input.displayName,
      ...(input.externalId === undefined ? {} : { externalId: input.externalId }),
      attributes: input.attributes,
      created: at,
      lastModified: at,
      version: 1,
    };
    try {
      await store.put(group, null);
    } catch (error) {
      await store.releaseDisplayName(input.displayName, id).catch(() => undefined);
      throw error;
    }
    await applyChange(
      group,
      {
        settle: input.members.map((member) => ({ userId: member.value, forget: [] })),
        put: input.members,
        removed: [],
      },
      context,
    );
    return { group, members: input.members };
  }

  /** The group a repeated POST names: same name and the same externalId (Entra's object id), with work left. */
  async function retriedCreate(input: Omit<GroupInput, 'members'>): Promise<ScimGroupRecord | null> {
    if (input.externalId === undefined) return null;
    const owner = await store.displayNameOwner(input.displayName);
    const group = owner === null ? null : await store.get(owner);
    if (!group || group.externalId !== input.externalId) return null;
    return (await store.pendingSettlements(group.id)).length > 0 ? group : null;
  }

  /**
   * GET /Groups/{id}. Settles first what an earlier change of the group left unfinished (as a user's GET sends its
   * leftover outbox): Entra reads a group back in every cycle, so a settlement whose request was never retried ends.
   */
  async function get(id: string, withMembers: boolean, context: ScimRequestContext): Promise<GroupView> {
    const group = await load(id);
    try {
      await finishSettlements(group, context);
    } catch (error) {
      // A read answers what is stored whatever: the notes stay for the next read or write.
      logger.warn('a SCIM group change could not be settled yet; the next read or write of the group retries', {
        groupId: id,
        error: describeError(error),
      });
    }
    return { group, ...(withMembers ? { members: await store.members(id) } : {}) };
  }

  /**
   * Groups matching a filter (all without one), sorted by creation, members loaded only where the filter or the
   * answer needs them. `displayName eq` and `id eq` are answered through keys; `members[value eq "…"]` through the
   * user's reverse items; anything else scans the groups.
   */
  async function query(
    filter: FilterExpr | undefined,
    page: (matched: number) => { start: number; count: number },
    withMembers: boolean,
  ): Promise<{ total: number; views: GroupView[] }> {
    const candidates = (filter ? await candidatesFor(filter) : null) ?? (await store.scan());
    const unique = new Map(candidates.map((group) => [group.id, group]));
    const sorted = [...unique.values()].sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
    const needsMembers = filter !== undefined && mentionsMembers(filter);
    const matched: GroupView[] = [];
    for (const group of sorted) {
      const members = needsMembers ? await store.members(group.id) : undefined;
      if (filter && !matchesFilter(renderGroup(group, members ?? [], deps.baseLocation), filter)) continue;
      matched.push({ group, ...(members === undefined ? {} : { members }) });
    }
    const { start, count: size } = page(matched.length);
    const views = await Promise.all(
      matched.slice(start, start + size).map(async (view) => {
        if (!withMembers) return { group: view.group };
        return { group: view.group, members: view.members ?? (await store.members(view.group.id)) };
      }),
    );
    return { total: matched.length, views };
  }

  async function candidatesFor(filter: FilterExpr): Promise<ScimGroupRecord[] | null> {
    switch (filter.kind) {
      case 'and':
        return (await candidatesFor(filter.left)) ?? (await candidatesFor(filter.right));
      case 'or': {
        const left = await candidatesFor(filter.left);
        const right = left === null ? null : await candidatesFor(filter.right);
        return left === null || right === null ? null : [...left, ...right];
      }
      case 'has': {
        if (filter.path.schema !== undefined || filter.path.attr.toLowerCase() !== 'members' || !filter.path.filter) {
          return null;
        }
        const inner = filter.path.filter;
        if (inner.kind !== 'compare' || inner.op !== 'eq' || inner.path.attr.toLowerCase() !== 'value') return null;
        return groupsOfUser(String(inner.value));
      }
      case 'compare': {
        if (filter.op !== 'eq' || filter.path.schema !== undefined || filter.path.filter) return null;
        if (filter.value === null || typeof filter.value === 'boolean') return null;
        const value = String(filter.value);
        const attr = filter.path.attr.toLowerCase();
        const sub = filter.path.sub?.toLowerCase();
        if (attr === 'id' && sub === undefined) {
          const group = await store.get(value);
          return group ? [group] : [];
        }
        if (attr === 'displayname' && sub === undefined) {
          const owner = await store.displayNameOwner(value);
          const group = owner ? await store.get(owner) : null;
          return group ? [group] : [];
        }
        if (attr === 'members' && sub === 'value') return groupsOfUser(value);
        return null;
      }
      default:
        return null;
    }
  }

  async function groupsOfUser(userId: string): Promise<ScimGroupRecord[]> {
    const ids = await store.groupsOf(userId);
    const found = await Promise.all(ids.map((id) => store.get(id)));
    return found.filter((group): group is ScimGroupRecord => group !== null);
  }

  /** PUT /Groups/{id}: the name, attributes and members replaced by the body's. */
  async function replace(id: string, body: JsonValue, context: ScimRequestContext): Promise<GroupView> {
    const input = readGroupInput(body);
    checkGroupSize(input);
    return withRetries(async () => {
      const before = await load(id);
      await finishSettlements(before, context);
      const current = await store.members(id);
      const next = new Map(input.members.map((member) => [member.value, member]));
      const removed = current.filter((member) => !next.has(member.value)).map((member) => member.value);
      // Only new members and changed ones are written: a PUT of a large group that changes one member writes one.
      const known = new Map(current.map((member) => [member.value, member]));
      const changed = [...next.values()].filter((member) => {
        const was = known.get(member.value);
        return was === undefined || was.display !== member.display || was.type !== member.type;
      });
      return write(before, input, changed, removed, current, context);
    });
  }

  /** PATCH /Groups/{id}: members added, removed or replaced, and attributes changed, in the operations' order. */
  async function patch(id: string, body: JsonValue, context: ScimRequestContext): Promise<GroupView> {
    const steps = readGroupPatch(readPatchOperations(body));
    return withRetries(async () => {
      const before = await load(id);
      await finishSettlements(before, context);
      // Everyone is read only when a step needs them (replace, remove all, remove by a filter other than ids).
      const needsAll = steps.some((s) => s.kind === 'replace' || s.kind === 'removeAll' || s.kind === 'removeWhere');
      const current = needsAll ? await store.members(id) : undefined;
      const present = new Set(current?.map((member) => member.value));
      const put = new Map<string, GroupMember>();
      const removed = new Set<string>();
      let resource = groupResource(before);
      for (const step of steps) {
        switch (step.kind) {
          case 'add':
            for (const member of step.members) {
              removed.delete(member.value);
              put.set(member.value, member);
            }
            break;
          case 'replace':
          case 'removeAll': {
            for (const value of [...present, ...put.keys()]) removed.add(value);
            put.clear();
            if (step.kind === 'replace') {
              for (const member of step.members) {
                removed.delete(member.value);
                put.set(member.value, member);
              }
            }
            break;
          }
          case 'remove':
            for (const value of step.ids) {
              put.delete(value);
              removed.add(value);
            }
            break;
          case 'removeWhere':
            for (const member of [...(current ?? []), ...put.values()]) {
              if (memberMatches(member, step.filter)) {
                put.delete(member.value);
                removed.add(member.value);
              }
            }
            break;
          case 'attributes':
            resource = applyPatch(resource, [step.operation]);
            break;
        }
      }
      const attributes = groupFromResource(resource);
      checkGroupSize(attributes);
      // A removal of someone who is not a member changes nothing (Microsoft's collection removes twice).
      const removals = current
        ? [...removed].filter((value) => present.has(value))
        : (await store.membersAmong(id, [...removed])).map((member) => member.value);
      return write(before, attributes, [...put.values()], removals, current, context);
    });
  }

  /**
   * Writes a group's new state: the item (conditional on its version: a concurrent request retries) and the name
   * pointer when it changed, then the change itself ({@link applyChange}).
   */
  async function write(
    before: ScimGroupRecord,
    input: Omit<GroupInput, 'members'>,
    put: readonly GroupMember[],
    removed: readonly string[],
    current: readonly GroupMember[] | undefined,
    context: ScimRequestContext,
  ): Promise<GroupView> {
    const renamed = input.displayName.toLowerCase() !== before.displayName.toLowerCase();
    if (renamed) await claimName(input.displayName, before.id);
    const after: ScimGroupRecord = {
      id: before.id,
      displayName: input.displayName,
      ...(input.externalId === undefined ? {} : { externalId: input.externalId }),
      attributes: input.attributes,
      created: before.created,
      lastModified: nowIso(),
      version: before.version + 1,
    };
    const oldValues = valuesOf(before);
    const newValues = valuesOf(after);
    const gone = oldValues.filter((value) => !newValues.includes(value));
    // Who must be settled: the members added and removed; everyone, when the group's values changed (a rename, a new
    // externalId: their recorded groups, and maybe their scope, change).
    const settle = new Map<string, GroupSettlement>();
    for (const member of put) settle.set(member.value, { userId: member.value, forget: [] });
    if (!sameValues(oldValues, newValues)) {
      for (const member of current ?? (await store.members(before.id))) {
        settle.set(member.value, { userId: member.value, forget: gone });
      }
    }
    for (const userId of removed) settle.set(userId, { userId, forget: oldValues });
    try {
      await store.put(after, before.version);
    } catch (error) {
      if (renamed) await store.releaseDisplayName(input.displayName, before.id).catch(() => undefined);
      throw error;
    }
    if (renamed) await store.releaseDisplayName(before.displayName, before.id);
    await applyChange(after, { settle: [...settle.values()], put, removed }, context);
    return { group: after, members: await store.members(before.id) };
  }

  /**
   * A change of a group's memberships, in an order that survives a failure part-way: the users to settle are noted
   * on the group first, then the memberships are written, then each user is settled — their recorded groups and
   * provisioning scope re-derived from what is now stored — and the note cleared. A request that fails after the
   * note (a 503) leaves it; the next write of the group (the client's retry) settles those users before anything else.
   */
  async function applyChange(
    group: ScimGroupRecord,
    change: { settle: readonly GroupSettlement[]; put: readonly GroupMember[]; removed: readonly string[] },
    context: ScimRequestContext,
  ): Promise<void> {
    await store.writeSettlements(group.id, change.settle);
    await store.writeMembers(group.id, change.put, change.removed);
    await settleAll(group.id, change.settle, context);
  }

  /** Settles what an earlier change of this group left unfinished. */
  async function finishSettlements(group: ScimGroupRecord, context: ScimRequestContext): Promise<void> {
    const pending = await store.pendingSettlements(group.id);
    if (pending.length > 0) await settleAll(group.id, pending, context);
  }

  async function settleAll(groupId: string, settlements: readonly GroupSettlement[], context: ScimRequestContext) {
    if (settlements.length === 0) return;
    count(SCIM_METRICS.groupMembershipChanged, settlements.length);
    // Each note is cleared as soon as its user is settled: a large change cut short (a timeout, a 503) keeps its
    // progress, and the next read or write of the group goes on from there instead of starting over.
    await mapWithConcurrency([...settlements], PERSON_WRITE_CONCURRENCY, async (settlement) => {
      await settleUser(settlement, context);
      await store.clearSettlements(groupId, [settlement.userId]);
    });
  }

  /**
   * Re-derives one user's SCIM groups on their person item (forgetting `forget` unless a group they are still in is
   * known by it) and their provisioning scope, from the memberships as stored. Idempotent: settling twice changes
   * nothing. A member who is not a user here (Microsoft's collection adds bare strings) has nothing to settle.
   */
  async function settleUser(settlement: GroupSettlement, context: ScimRequestContext): Promise<void> {
    const user = await deps.users.get(settlement.userId);
    if (user?.state !== 'live') return;
    const groups = await Promise.all((await store.groupsOf(settlement.userId)).map((id) => store.get(id)));
    const current = [...new Set(groups.flatMap((group) => (group ? valuesOf(group) : [])))];
    const email = user.personEmail ?? deriveEmail(user.resource);
    if (email !== undefined) {
      const forget = settlement.forget.filter((value) => !current.includes(value));
      const removed = forget.length > 0 ? await deps.personGroups.record(email, 'remove', forget) : undefined;
      const added = current.length > 0 ? await deps.personGroups.record(email, 'add', current) : undefined;
      if (added === 'full') {
        count(SCIM_METRICS.personGroupsFull);
        logger.warn('SCIM group membership not recorded: the person has too many groups recorded', {
          userId: settlement.userId,
        });
      }
      const first = removed ?? (added === 'full' ? undefined : added);
      const last = added === undefined || added === 'full' ? removed : added;
      if (first && first !== 'full' && last && last !== 'full') {
        reportRoleChange(first.before, last.after, first.hasAccount, settlement.userId);
      }
    }
    await deps.scope?.rescope(settlement.userId, context);
  }

  /** DELETE /Groups/{id}: 204; its members forget it (and leave the scope, if it was a provisioning group). */
  async function remove(id: string, context: ScimRequestContext): Promise<void> {
    await withRetries(async () => {
      const group = await load(id);
      await finishSettlements(group, context);
      const members = (await store.members(id)).map((member) => member.value);
      const forget = valuesOf(group);
      // Settled while the group item still exists: a failure part-way leaves it, and the retried DELETE finishes.
      await applyChange(
        group,
        { settle: members.map((userId) => ({ userId, forget })), put: [], removed: members },
        context,
      );
      await store.delete(id, group.version);
      await store.releaseDisplayName(group.displayName, id);
    });
  }

  /**
   * A user about to be deleted leaves every group, and their person item forgets those groups (the person is leaving:
   * their scope needs no settling, the DELETE deprovisions them).
   */
  async function forgetUser(userId: string): Promise<void> {
    const user = await deps.users.get(userId);
    const email = user ? (user.personEmail ?? deriveEmail(user.resource)) : undefined;
    for (const groupId of await store.groupsOf(userId)) {
      const group = await store.get(groupId);
      await store.writeMembers(groupId, [], [userId]);
      if (group && email !== undefined) await deps.personGroups.record(email, 'remove', valuesOf(group));
    }
  }

  /** An account's role is set at create: a membership that would now choose another role is reported, not applied. */
  function reportRoleChange(before: readonly string[], after: readonly string[], hasAccount: boolean, userId: string) {
    const policy = deps.rolePolicy;
    if (!hasAccount || policy === undefined || policy.length === 0) return;
    const was = chooseRole(policy, 'scim', { groups: [...before] });
    const now = chooseRole(policy, 'scim', { groups: [...after] });
    if (JSON.stringify(was?.assign) === JSON.stringify(now?.assign)) return;
    count(SCIM_METRICS.roleChangeUnsupported);
    logger.warn(
      'a SCIM group membership would change an existing account’s role; not applied (roles are set at create)',
      {
        userId,
        ...(was ? { fromRule: was.rule } : {}),
        ...(now ? { toRule: now.rule } : {}),
      },
    );
  }

  return { create, get, query, replace, patch, remove, forgetUser };
}

export type ScimGroups = ReturnType<typeof createScimGroups>;

const valuesOf = groupValuesOf;

/** A group fits one state-table item with room to spare, as a user does; bigger is 413 (not a 503 to retry forever). */
function checkGroupSize(group: Omit<GroupInput, 'members'>): void {
  const bytes = Buffer.byteLength(
    JSON.stringify([group.displayName, group.externalId ?? null, group.attributes]),
    'utf8',
  );
  if (bytes > SCIM_MAX_RESOURCE_BYTES) {
    throw new ScimPayloadTooLargeError(`a Group's attributes may be at most ${SCIM_MAX_RESOURCE_BYTES} bytes`);
  }
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value) => b.includes(value));
}

function mentionsMembers(filter: FilterExpr): boolean {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return mentionsMembers(filter.left) || mentionsMembers(filter.right);
    case 'not':
      return mentionsMembers(filter.expr);
    default:
      return filter.path.attr.toLowerCase() === 'members';
  }
}

/** A group rendered for an answer. */
export function renderGroupView(view: GroupView, baseLocation: string): JsonObject {
  return renderGroup(view.group, view.members, baseLocation);
}
