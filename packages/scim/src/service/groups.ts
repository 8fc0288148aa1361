import { randomUUID } from 'node:crypto';
import type { Logger, Metrics } from '@idp-sync/common';
import { mapWithConcurrency } from '@idp-sync/common';
import { chooseRole, type RolePolicyRule } from '@idp-sync/contracts';
import { ScimConflictError, ScimNotFoundError, ScimStoreConflictError } from '../errors';
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
import { SCIM_METRICS } from './constants';
import { groupValuesOf } from './group-values';
import type { PendingMembership, PersonGroups, ScimGroupRecord, ScimGroupStore, ScimUserStore } from './ports';
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
   * With `SCIM_PROVISIONING_GROUPS`: the scope, and how to move a user into or out of it (the users' `rescope`).
   * Membership changes of a provisioning group re-evaluate its members before the memberships are written.
   */
  readonly scope?:
    | {
        readonly groups: GroupProvisioningScope;
        readonly rescope: (userId: string, context: ScimRequestContext, pending: PendingMembership) => Promise<void>;
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
    // An orphaned pointer (its group is gone: a crash between the two writes) is taken over.
    const owner = await store.displayNameOwner(displayName);
    if (owner !== null && owner !== id && (await store.get(owner)) === null) {
      await store.releaseDisplayName(displayName, owner);
      if (await store.claimDisplayName(displayName, id)) return;
    }
    throw new ScimConflictError(`a group with displayName "${displayName.slice(0, 80)}" already exists`);
  }

  /** POST /Groups: 201 with the group and its members. */
  async function create(body: JsonValue, context: ScimRequestContext): Promise<GroupView> {
    const input = readGroupInput(body);
    const id = randomUUID();
    await claimName(input.displayName, id);
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
    await settleScope(
      id,
      input.members.map((member) => [member.value, true] as const),
      valuesOf(group),
      context,
      false,
    );
    await store.writeMembers(id, input.members, []);
    await recordPeople(
      valuesOf(group),
      input.members.map((m) => m.value),
      'add',
    );
    return { group, members: input.members };
  }

  async function get(id: string, withMembers: boolean): Promise<GroupView> {
    const group = await load(id);
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
    return withRetries(async () => {
      const before = await load(id);
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
      // A removal of someone who is not a member changes nothing (Microsoft's collection removes twice).
      const removals = current
        ? [...removed].filter((value) => present.has(value))
        : (await store.membersAmong(id, [...removed])).map((member) => member.value);
      return write(before, attributes, [...put.values()], removals, current, context);
    });
  }

  /**
   * Writes a group's new state: the item (conditional on its version: a concurrent request retries), the name
   * pointer when it changed, the memberships, then the people's recorded groups.
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
    try {
      await store.put(after, before.version);
    } catch (error) {
      if (renamed) await store.releaseDisplayName(input.displayName, before.id).catch(() => undefined);
      throw error;
    }
    if (renamed) await store.releaseDisplayName(before.displayName, before.id);
    const added = current ? put.filter((member) => !current.some((c) => c.value === member.value)) : put;
    // The provisioning scope first: a retry after a failure below evaluates the same change again.
    const wasScopeGroup = deps.scope?.groups.isScopeGroup(valuesOf(before)) === true;
    const scopeChanged = deps.scope !== undefined && wasScopeGroup !== deps.scope.groups.isScopeGroup(valuesOf(after));
    const everyone = scopeChanged ? (current ?? (await store.members(before.id))) : [];
    await settleScope(
      before.id,
      [
        ...everyone.filter((member) => !removed.includes(member.value)).map((member) => [member.value, true] as const),
        ...put.map((member) => [member.value, true] as const),
        ...removed.map((value) => [value, false] as const),
      ],
      valuesOf(after),
      context,
      wasScopeGroup,
    );
    await store.writeMembers(before.id, put, removed);
    const oldValues = valuesOf(before);
    const newValues = valuesOf(after);
    await recordPeople(oldValues, removed, 'remove');
    if (!sameValues(oldValues, newValues)) {
      // Renamed (or its externalId changed): everyone who stays is told the new name and forgets the old one.
      const stayed = (current ?? (await store.members(before.id))).map((member) => member.value);
      const gone = oldValues.filter((value) => !newValues.includes(value));
      await recordPeople(gone, stayed, 'remove');
      await recordPeople(newValues, stayed, 'add');
    }
    await recordPeople(
      newValues,
      added.map((member) => member.value),
      'add',
    );
    const members = await store.members(before.id);
    return { group: after, members };
  }

  /** DELETE /Groups/{id}: 204; its members forget it. */
  async function remove(id: string, context: ScimRequestContext): Promise<void> {
    await withRetries(async () => {
      const group = await load(id);
      const members = await store.members(id);
      await settleScope(
        id,
        members.map((member) => [member.value, false] as const),
        [],
        context,
        deps.scope?.groups.isScopeGroup(valuesOf(group)) === true,
      );
      await store.writeMembers(
        id,
        [],
        members.map((member) => member.value),
      );
      await recordPeople(
        valuesOf(group),
        members.map((member) => member.value),
        'remove',
      );
      await store.delete(id, group.version);
      await store.releaseDisplayName(group.displayName, id);
    });
  }

  /**
   * Moves the users a change touches into or out of the provisioning scope, before the change is written. Only when
   * the group is (or was: `wasScopeGroup`) a provisioning group; `changes` pairs each user with whether they are a
   * member after the change.
   */
  async function settleScope(
    groupId: string,
    changes: ReadonlyArray<readonly [string, boolean]>,
    groupValues: readonly string[],
    context: ScimRequestContext,
    wasScopeGroup: boolean,
  ): Promise<void> {
    const scope = deps.scope;
    if (!scope || (!wasScopeGroup && !scope.groups.isScopeGroup(groupValues))) return;
    const byUser = new Map(changes);
    await mapWithConcurrency([...byUser], PERSON_WRITE_CONCURRENCY, ([userId, member]) =>
      scope.rescope(userId, context, { groupId, member, groupValues }),
    );
  }

  /** A deleted user leaves every group (their person item is left as it is: the person is leaving). */
  async function forgetUser(userId: string): Promise<void> {
    for (const groupId of await store.groupsOf(userId)) await store.writeMembers(groupId, [], [userId]);
  }

  /**
   * Records (or forgets) a group's values on the person items of the given users. A member that is not a user of
   * this service (Microsoft's collection adds "string id 1"), or a user without an email, is skipped.
   */
  async function recordPeople(values: readonly string[], userIds: readonly string[], op: 'add' | 'remove') {
    if (values.length === 0 || userIds.length === 0) return;
    count(SCIM_METRICS.groupMembershipChanged, userIds.length);
    await mapWithConcurrency([...new Set(userIds)], PERSON_WRITE_CONCURRENCY, async (userId) => {
      const user = await deps.users.get(userId);
      if (user?.state !== 'live') return;
      const email = user.personEmail ?? deriveEmail(user.resource);
      if (email === undefined) return;
      const result = await deps.personGroups.record(email, op, values);
      if (result === 'full') {
        count(SCIM_METRICS.personGroupsFull);
        logger.warn('SCIM group membership not recorded: the person has too many groups recorded', { userId });
        return;
      }
      reportRoleChange(result.before, result.after, result.hasAccount, userId);
    });
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
