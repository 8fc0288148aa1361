import { randomUUID } from 'node:crypto';
import { redactEmail } from '@idp-sync/common';
import {
  describeError,
  ScimBadRequestError,
  ScimConflictError,
  ScimNotFoundError,
  ScimPayloadTooLargeError,
  ScimStoreConflictError,
  ScimUnavailableError,
} from '../errors';
import type { JsonObject, JsonValue } from '../protocol/json';
import { cloneJson, getProp, isJsonObject, jsonEqual, setProp, stableStringify } from '../protocol/json';
import { applyPatch, readPatchOperations } from '../protocol/patch';
import { deriveEmail, normalizeResource, toBoolean } from '../protocol/resource';
import { SCIM_MAX_RESOURCE_BYTES, SCIM_METRICS } from './constants';
import { externalIdOf, pointerKeysOf } from './keys';
import { type Plan, planCommands, type ScimOperationKind } from './mapping';
import { createScimOutbox } from './outbox';
import type { CommandQueue, ProvisioningScope, ScimUserRecord } from './ports';
import { createScimQueries, type ScimReadDependencies } from './queries';

export interface ScimUsersDependencies extends ScimReadDependencies {
  readonly queue: CommandQueue;
  /** With `SCIM_PROVISIONING_GROUPS`: only members of those groups are provisioned (scoping off without it). */
  readonly scope?: ProvisioningScope | undefined;
}

/** What one SCIM request is about, for command timestamps and logs. */
export interface ScimRequestContext {
  readonly requestId: string;
  /** When the request arrived: the `occurredAt` of its commands. */
  readonly receivedAt: string;
}

/** Optimistic-concurrency conflicts are retried this many times before answering 503. */
const CONFLICT_ATTEMPTS = 3;

/** A user's attributes as a write leaves them: the resource, its userName and its status. */
interface UserWrite {
  readonly resource: JsonObject;
  readonly userName: string;
  readonly active: boolean;
  /** With provisioning groups: in one of them (see `ScimUserRecord.inScope`). */
  readonly inScope?: boolean | undefined;
}

/**
 * The SCIM User operations over the store and the queue. Every write follows the same order: pointers, then the user
 * item together with the commands it produces (its outbox), then the queue, then the outbox is cleared. If the queue
 * refuses, the previous state is restored and the caller answers 503, so the stored state never claims a change that
 * was not queued; Entra retries, and the retry produces the same command id. Should the restore itself fail (or the
 * process die in between), the outbox stays with the user and any later request that touches the user sends it.
 *
 * @example
 * const users = createScimUsers({ store, queue, config, logger, metrics, now: () => new Date(), baseLocation: '/scim/v2' });
 * const created = await users.create(body, { requestId, receivedAt });
 */
export function createScimUsers(deps: ScimUsersDependencies) {
  const { store, queue, config, logger, metrics } = deps;

  const count = (name: string, value = 1) => metrics.count(name, {}, value);
  const nowIso = () => deps.now().toISOString();

  const outbox = createScimOutbox({ store, queue, config, logger, metrics });
  const { deliver, settle, finishRemoval, logStoreFailure } = outbox;
  const { query } = createScimQueries({ ...deps, outbox });

  // ---- create (POST) ------------------------------------------------------------------------------------------------

  async function create(body: JsonValue, context: ScimRequestContext): Promise<ScimUserRecord> {
    const { resource, userName, active } = readUser(body, true);
    const requestContent = `POST ${stableStringify(body)}`;
    return withConflictRetry(async () => {
      const { id, previous } = await claimUserNameForNewUser(userName);
      const inScope = await scopeOf(id);
      const plan = planFor(
        'create',
        id,
        null,
        { resource, active: active && inScope !== false },
        requestContent,
        context,
      );
      const record = newUserRecord(id, { resource, userName, active, inScope }, plan, previous, nowIso());
      await storeNewUser(record, previous);
      reportPlanNotes(plan, record);
      if (record.outbox.length === 0) return record;
      return queueNewUser(record);
    });
  }

  /**
   * Claims `userName` for a POST. The common case first: the name is free and one conditional put claims it for a new
   * id. Otherwise its owner decides: a live user is a conflict; a DELETE that could not finish is finished first (or
   * Entra is asked to come back); an earlier POST of this userName that was answered 503 and could not be rolled back
   * is retried by this one, which keeps its id and version (`previous`). A pointer whose user is gone or was renamed is
   * an orphan, taken over.
   */
  async function claimUserNameForNewUser(userName: string): Promise<{ id: string; previous: ScimUserRecord | null }> {
    const freshId = randomUUID();
    if (await store.claimUserName(userName, freshId)) return { id: freshId, previous: null };
    const ownerId = await store.userNameOwner(userName);
    const owner = ownerId === null ? null : await store.get(ownerId);
    let previous: ScimUserRecord | null = null;
    if (owner && sameName(owner.userName, userName)) {
      if (owner.state === 'live') throw new ScimConflictError(`a user with userName "${userName}" already exists`);
      if (owner.state === 'pending-delete') await finishPendingDelete(owner);
      else previous = owner;
    }
    const id = previous?.id ?? freshId;
    if (!(await store.claimUserName(userName, id, ownerId ?? undefined))) throw new ScimStoreConflictError(userName);
    return { id, previous };
  }

  /** Writes a POSTed user: with its pointers in one batch, or over the pending create it retries (conditionally). */
  async function storeNewUser(record: ScimUserRecord, previous: ScimUserRecord | null): Promise<void> {
    if (previous) {
      await store.putPointers(record.id, record.pointerKeys);
      await store.put(record, previous.version);
    } else {
      await store.insert(record);
    }
  }

  /** Queues a new user's commands and makes the user live; if the queue refuses, removes the user and answers 503. */
  async function queueNewUser(record: ScimUserRecord): Promise<ScimUserRecord> {
    if (await deliver(record)) {
      const live: ScimUserRecord = { ...record, state: 'live', outbox: [], version: record.version + 1 };
      await store.put(live, record.version);
      return live;
    }
    await rollBack(record.id, 'SCIM create could not be rolled back; it stays pending until Entra retries', () =>
      finishRemoval(record),
    );
    throw unavailable();
  }

  // ---- update (PATCH / PUT) -----------------------------------------------------------------------------------------

  async function patch(id: string, body: JsonValue, context: ScimRequestContext): Promise<ScimUserRecord> {
    const operations = readPatchOperations(body);
    const requestContent = `PATCH ${id} ${stableStringify(body)}`;
    return withConflictRetry(async () => {
      const record = await loadLiveUser(id);
      const resource = normalizeResource(applyPatch(record.resource, operations));
      const change = { resource, userName: requireUserName(resource), active: activeOf(resource, record.active) };
      return writeUpdate(record, change, 'patch', requestContent, context);
    });
  }

  async function replace(id: string, body: JsonValue, context: ScimRequestContext): Promise<ScimUserRecord> {
    const requestContent = `PUT ${id} ${stableStringify(body)}`;
    return withConflictRetry(async () => {
      const record = await loadLiveUser(id);
      // A PUT without `active` keeps the current status: a replace must not deprovision by omission.
      return writeUpdate(record, readUser(body, record.active), 'put', requestContent, context);
    });
  }

  async function writeUpdate(
    record: ScimUserRecord,
    userChange: UserWrite,
    kind: ScimOperationKind,
    requestContent: string,
    context: ScimRequestContext,
  ): Promise<ScimUserRecord> {
    const { resource, userName, active } = userChange;
    setProp(resource, 'active', active);
    checkSize(resource);
    // With provisioning groups, a user is provisioned while active *and* in one of them: a user who leaves the last
    // one is deprovisioned like a deactivation (a delete, through the deletion guard and the SCIM grace period).
    const inScope = await scopeOf(record.id);
    const change: UserWrite = { ...userChange, inScope };
    const renamed = !sameName(userName, record.userName);
    if (renamed) await claimNewUserName(userName, record.id);
    const plan = await skipDeleteOfSharedPerson(
      planFor(
        kind,
        record.id,
        effective(record, deps.scope),
        { resource, active: active && inScope !== false },
        requestContent,
        context,
      ),
      record,
    );
    const changed =
      active !== record.active ||
      userName !== record.userName ||
      inScope !== record.inScope ||
      !jsonEqual(resource, record.resource);
    if (!changed && plan.commands.length === 0) return resendLeftoverOutbox(record);
    const { next, addedPointers, removedPointers } = await storeUpdate(record, change, plan, changed);
    reportPlanNotes(plan, next);
    const result =
      next.outbox.length > 0 ? await queueUpdate(record, next, renamed ? userName : undefined, addedPointers) : next;
    await removeStalePointers(record, removedPointers, renamed);
    return result;
  }

  /** Makes `id` the owner of the new `userName`, taking over an orphaned pointer; a conflict if another user has it. */
  async function claimNewUserName(userName: string, id: string): Promise<void> {
    const ownerId = await store.userNameOwner(userName);
    let takeOver: string | undefined;
    if (ownerId !== null && ownerId !== id) {
      const owner = await store.get(ownerId);
      if (owner && sameName(owner.userName, userName)) {
        throw new ScimConflictError(`a user with userName "${userName}" already exists`);
      }
      takeOver = ownerId; // an orphaned pointer (its user is gone or renamed)
    }
    if (!(await store.claimUserName(userName, id, takeOver))) {
      throw new ScimConflictError(`a user with userName "${userName}" already exists`);
    }
  }

  /** Nothing new (a retry, or Entra re-sending current values): still sends a leftover outbox if there is one. */
  async function resendLeftoverOutbox(record: ScimUserRecord): Promise<ScimUserRecord> {
    if (record.outbox.length === 0) return record;
    const settled = await settle(record);
    if (!settled || settled.outbox.length > 0) throw unavailable();
    return settled;
  }

  /**
   * Writes the changed user, conditional on the version read: its new pointers first, then the item with the planned
   * commands added to its outbox. Says which pointers were added (to undo) and which are no longer the user's.
   */
  async function storeUpdate(record: ScimUserRecord, change: UserWrite, plan: Plan, changed: boolean) {
    const written = writtenFields(change, plan);
    const { pointerKeys } = written;
    const addedPointers = pointerKeys.filter((key) => !record.pointerKeys.includes(key));
    const removedPointers = record.pointerKeys.filter((key) => !pointerKeys.includes(key));
    await store.putPointers(record.id, addedPointers);
    const next: ScimUserRecord = {
      ...record,
      ...written,
      lastModified: changed ? nowIso() : record.lastModified,
      version: record.version + 1,
      outbox: [...record.outbox, ...plan.commands],
    };
    await store.put(next, record.version);
    return { next, addedPointers, removedPointers };
  }

  /**
   * Queues an updated user's outbox, then clears it (best effort: a leftover is sent again by the next request). If the
   * queue refuses, restores the previous state and answers 503.
   */
  async function queueUpdate(
    previous: ScimUserRecord,
    next: ScimUserRecord,
    claimedUserName: string | undefined,
    addedPointers: readonly string[],
  ): Promise<ScimUserRecord> {
    if (!(await deliver(next))) {
      await rollBackUpdate(previous, next, claimedUserName, addedPointers);
      throw unavailable();
    }
    const delivered: ScimUserRecord = { ...next, outbox: [], version: next.version + 1 };
    await store.put(delivered, next.version).catch((error) => {
      if (!(error instanceof ScimStoreConflictError))
        logStoreFailure('clearing a delivered outbox', previous.id, error);
    });
    return delivered;
  }

  async function rollBackUpdate(
    previous: ScimUserRecord,
    failed: ScimUserRecord,
    claimedUserName: string | undefined,
    addedPointers: readonly string[],
  ): Promise<void> {
    await rollBack(
      previous.id,
      'SCIM change could not be rolled back; its commands stay pending until the user is touched again',
      async () => {
        await store.put({ ...previous, version: failed.version + 1 }, failed.version);
        if (claimedUserName !== undefined) await store.releaseUserName(claimedUserName, previous.id);
        await store.deletePointers(previous.id, addedPointers);
      },
    );
  }

  /** Removes the pointers (and, after a rename, the userName) the user no longer has. */
  async function removeStalePointers(previous: ScimUserRecord, removed: readonly string[], renamed: boolean) {
    try {
      await store.deletePointers(previous.id, removed);
      if (renamed) await store.releaseUserName(previous.userName, previous.id);
    } catch (error) {
      // A stale pointer is harmless: reads check the user they lead to.
      logStoreFailure('removing stale pointers', previous.id, error);
    }
  }

  // ---- delete -------------------------------------------------------------------------------------------------------

  async function remove(id: string, context: ScimRequestContext): Promise<void> {
    const requestContent = `DELETE ${id}`;
    await withConflictRetry(async () => {
      const record = await store.get(id);
      if (!record || record.state === 'pending-create') throw new ScimNotFoundError(`User ${id} not found`);
      if (record.state === 'pending-delete') {
        await finishPendingDelete(record);
        return;
      }
      const plan = await skipDeleteOfSharedPerson(
        planFor('delete', id, effective(record, deps.scope), null, requestContent, context),
        record,
      );
      const commands = [...record.outbox, ...plan.commands];
      if (commands.length === 0) {
        await finishRemoval(record);
        return;
      }
      await queueDelete(record, commands);
    });
  }

  /**
   * Marks the user pending-delete with its commands, queues them and removes the user. If the queue refuses, restores
   * the user and answers 503.
   */
  async function queueDelete(record: ScimUserRecord, commands: ScimUserRecord['outbox']): Promise<void> {
    const pending: ScimUserRecord = {
      ...record,
      state: 'pending-delete',
      outbox: commands,
      version: record.version + 1,
    };
    await store.put(pending, record.version);
    if (await deliver(pending)) {
      await finishRemoval(pending);
      return;
    }
    await rollBack(record.id, 'SCIM delete could not be rolled back; it stays pending until Entra retries', () =>
      store.put({ ...record, version: pending.version + 1 }, pending.version),
    );
    throw unavailable();
  }

  /** A DELETE whose commands may not have been queued: sends them (or answers 503), then removes the user. */
  async function finishPendingDelete(record: ScimUserRecord): Promise<void> {
    if (!(await deliver(record))) throw unavailable();
    await finishRemoval(record);
  }

  // ---- provisioning scope -------------------------------------------------------------------------------------------

  /**
   * Re-evaluates a user's provisioning scope from the memberships as stored (after a group change wrote them): moving
   * in provisions them (a create), moving out deprovisions them (a delete), as a PATCH of `active` would. A user who
   * is not (or no longer) live is left alone. Does nothing without provisioning groups.
   */
  async function rescope(id: string, context: ScimRequestContext): Promise<void> {
    if (!deps.scope) return;
    await withConflictRetry(async () => {
      const stored = await store.get(id);
      if (stored?.state !== 'live') return;
      const record = await settle(stored);
      if (record?.state !== 'live') return;
      const change = { resource: cloneJson(record.resource), userName: record.userName, active: record.active };
      await writeUpdate(record, change, 'scope', `SCOPE ${id}`, context);
    });
  }

  /** In scope or not (undefined: scoping is off, and what an earlier configuration stored no longer counts). */
  async function scopeOf(id: string): Promise<boolean | undefined> {
    return deps.scope ? deps.scope.isInScope(id) : undefined;
  }

  // ---- reads --------------------------------------------------------------------------------------------------------

  async function get(id: string): Promise<ScimUserRecord> {
    return loadLiveUser(id);
  }

  /** A live user, its leftover outbox sent first; not found otherwise (pending users are invisible). */
  async function loadLiveUser(id: string): Promise<ScimUserRecord> {
    const record = await store.get(id);
    const settled = record && record.state === 'live' ? await settle(record) : null;
    if (settled?.state !== 'live') throw new ScimNotFoundError(`User ${id} not found`);
    return settled;
  }

  // ---- shared steps -------------------------------------------------------------------------------------------------

  /** The commands one operation produces (`planCommands`), timed by the request's arrival. */
  function planFor(
    kind: ScimOperationKind,
    scimId: string,
    before: ScimUserRecord | null,
    after: { resource: JsonObject; active: boolean } | null,
    requestContent: string,
    context: ScimRequestContext,
  ): Plan {
    return planCommands({
      kind,
      scimId,
      before,
      after,
      requestContent,
      occurredAt: context.receivedAt,
      receivedAt: context.receivedAt,
    });
  }

  /** Drops a planned delete while another live SCIM user still holds the same person (same Users API email). */
  async function skipDeleteOfSharedPerson(plan: Plan, record: ScimUserRecord): Promise<Plan> {
    const deleting = plan.commands.some((command) => command.action === 'delete');
    if (!deleting || plan.personEmail === undefined) return plan;
    const holders = await store.queryByEmail(plan.personEmail);
    const other = holders.find(
      (holder) =>
        holder.id !== record.id &&
        holder.state === 'live' &&
        holder.active &&
        holder.provisioned &&
        holder.personEmail === plan.personEmail,
    );
    if (!other) return plan;
    count(SCIM_METRICS.deleteSkippedSharedEmail);
    logger.warn('SCIM user deprovisioned, but another SCIM user holds the same person: the person is kept', {
      scimId: record.id,
      otherScimId: other.id,
      email: redactEmail(plan.personEmail),
    });
    return { ...plan, commands: plan.commands.filter((command) => command.action !== 'delete') };
  }

  /** Logs and counts what a plan noted (no email, an email change the Users API cannot apply, inactive). */
  function reportPlanNotes(plan: Plan, record: ScimUserRecord): void {
    for (const note of plan.notes) {
      if (note === 'no-email') {
        count(SCIM_METRICS.userWithoutEmail);
        logger.warn('SCIM user has no usable email: kept in SCIM, not provisioned to the Users API', {
          scimId: record.id,
          userName: redactEmail(record.userName),
        });
      } else if (note === 'email-change-unsupported') {
        count(SCIM_METRICS.emailChangeUnsupported);
        logger.warn('SCIM email change cannot be applied through the Users API: recorded as unsupported', {
          scimId: record.id,
          keptEmail: redactEmail(record.personEmail),
          requestedEmail: redactEmail(deriveEmail(record.resource)),
        });
      } else if (record.active && record.inScope === false) {
        logger.info(
          'SCIM user is in no provisioning group (SCIM_PROVISIONING_GROUPS): not provisioned until they join one',
          {
            scimId: record.id,
          },
        );
      } else {
        logger.info('SCIM user is inactive and was never provisioned: nothing to apply', { scimId: record.id });
      }
    }
  }

  /** Runs `operation` again on an optimistic-concurrency conflict, at most {@link CONFLICT_ATTEMPTS} times, then 503. */
  async function withConflictRetry<T>(operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (!(error instanceof ScimStoreConflictError)) throw error;
        if (attempt >= CONFLICT_ATTEMPTS) {
          throw new ScimUnavailableError('the user is being changed by concurrent requests; retry', { cause: error });
        }
      }
    }
  }

  /**
   * Undoes a write whose commands the queue refused. An undo that fails is counted and logged, never thrown: the
   * outbox kept with the user is sent by the next request that touches it, and the caller answers 503 either way.
   */
  async function rollBack(scimId: string, failureMessage: string, undo: () => Promise<unknown>): Promise<void> {
    try {
      await undo();
    } catch (error) {
      count(SCIM_METRICS.rollbackFailed);
      logger.error(failureMessage, { scimId, error: describeError(error) });
    }
  }

  return { create, get, query, patch, replace, remove, rescope };
}

export type ScimUsers = ReturnType<typeof createScimUsers>;

function unavailable(): ScimUnavailableError {
  return new ScimUnavailableError('the change could not be queued for provisioning and was not kept; retry later');
}

/** A User resource from a POST or PUT body, normalized, with its userName and status (`defaultActive` if absent). */
function readUser(body: JsonValue, defaultActive: boolean): UserWrite {
  if (!isJsonObject(body)) throw new ScimBadRequestError('invalidSyntax', 'a User resource must be a JSON object');
  const resource = normalizeResource(body);
  const userName = requireUserName(resource);
  const active = activeOf(resource, defaultActive);
  setProp(resource, 'active', active);
  checkSize(resource);
  return { resource, userName, active };
}

/**
 * The stored form of a POSTed user: pending-create while its commands are not queued (invisible to reads), live when
 * it has none. Over a pending create it retries (`previous`) it keeps that user's creation time and next version.
 */
function newUserRecord(
  id: string,
  user: UserWrite,
  plan: Plan,
  previous: ScimUserRecord | null,
  timestamp: string,
): ScimUserRecord {
  return {
    id,
    ...writtenFields(user, plan),
    state: plan.commands.length > 0 ? 'pending-create' : 'live',
    created: previous?.created ?? timestamp,
    lastModified: timestamp,
    version: (previous?.version ?? 0) + 1,
    outbox: plan.commands,
    origin: 'scim',
  };
}

/** The fields of a user's record that a write (a create or an update) sets from the attributes and their plan. */
function writtenFields(user: UserWrite, plan: Plan) {
  const { resource, userName, active } = user;
  return {
    userName,
    externalId: externalIdOf(resource),
    resource,
    active,
    personEmail: plan.personEmail,
    provisioned: plan.provisioned,
    pointerKeys: pointerKeysOf(resource, plan.personEmail),
    inScope: user.inScope,
  };
}

/**
 * A stored user as the plan sees it: active only while also in scope — with scoping on; an unevaluated scope counts
 * as in, and with scoping off (turned off after users were stored out of scope) the stored scope counts for nothing.
 */
function effective(record: ScimUserRecord, scope: ProvisioningScope | undefined): ScimUserRecord {
  return scope !== undefined && record.inScope === false ? { ...record, active: false } : record;
}

/** userNames compare without case (RFC 7643 §4.1.1: `caseExact` false). */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function requireUserName(resource: JsonObject): string {
  const userName = getProp(resource, 'userName');
  if (typeof userName !== 'string' || userName.trim() === '') {
    throw new ScimBadRequestError('invalidValue', 'userName is required and must be a non-empty string');
  }
  return userName;
}

function activeOf(resource: JsonObject, fallback: boolean): boolean {
  const value = getProp(resource, 'active');
  return value === undefined ? fallback : (toBoolean(value) ?? fallback);
}

function checkSize(resource: JsonObject): void {
  if (Buffer.byteLength(JSON.stringify(resource), 'utf8') > SCIM_MAX_RESOURCE_BYTES) {
    throw new ScimPayloadTooLargeError(`a User resource may be at most ${SCIM_MAX_RESOURCE_BYTES} bytes`);
  }
}
