import { randomUUID } from 'node:crypto';
import type { Logger, Metrics } from '@idp-sync/common';
import { redactEmail } from '@idp-sync/common';
import { EmailSchema } from '@idp-sync/contracts';
import { describeError } from '../errors';
import { matchesFilter } from '../protocol/evaluate';
import type { FilterExpr } from '../protocol/filter';
import type { JsonObject } from '../protocol/json';
import { renderUser } from '../protocol/resource';
import type { ScimServiceConfig } from './config';
import { SCIM_METRICS } from './constants';
import { pointerKeysOf } from './keys';
import type { ScimOutbox } from './outbox';
import type { ScimUserRecord, ScimUserStore, UsersLookup, UsersLookupResult } from './ports';
import { withTimeout } from './timeout';

/** What reading users needs, and what the user operations (`ScimUsersDependencies`) build on. */
export interface ScimReadDependencies {
  readonly store: ScimUserStore;
  readonly usersLookup?: UsersLookup | undefined;
  readonly config: ScimServiceConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now: () => Date;
  /** Where resources live, for `meta.location` (`https://…/scim/v2` or `/scim/v2`). */
  readonly baseLocation: string;
}

export interface ScimQueryDependencies extends ScimReadDependencies {
  readonly outbox: ScimOutbox;
}

/**
 * Filtered and unfiltered user queries: the state table first (through the pointer items where the filter allows),
 * then, for an email nobody in the store has, the Users API.
 *
 * @example
 * const { query } = createScimQueries(deps);
 * const users = await query(parseFilter('userName eq "alice@contoso.com"'));
 */
export function createScimQueries(deps: ScimQueryDependencies) {
  const { store, config, logger, metrics } = deps;
  const { settle } = deps.outbox;
  const count = (name: string, value = 1) => metrics.count(name, {}, value);
  const nowIso = () => deps.now().toISOString();

  /**
   * Users matching a filter (all users without one), sorted by creation. Answered from the store; when the store has
   * no match and the filter names an email, the Users API is asked within a short budget, and a person found there is
   * adopted (given a SCIM id) so that Entra can manage them from then on.
   */
  async function query(filter: FilterExpr | undefined): Promise<JsonObject[]> {
    const candidates = filter ? await candidatesFor(filter) : null;
    const records = candidates ?? (await store.scan());
    const settled: ScimUserRecord[] = [];
    for (const record of records) {
      if (record.state !== 'live') continue;
      // Leftover outboxes are delivered on targeted reads only; a full scan must stay cheap.
      const current = candidates && record.outbox.length > 0 ? await settle(record) : record;
      if (current && current.state === 'live') settled.push(current);
    }
    const unique = new Map<string, ScimUserRecord>();
    for (const record of settled) unique.set(record.id, record);
    let matched = [...unique.values()]
      .sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id))
      .map((record) => renderUser(record, deps.baseLocation))
      .filter((resource) => (filter ? matchesFilter(resource, filter) : true));
    if (matched.length === 0 && filter) {
      const adopted = await adoptFromUsersApi(filter);
      if (adopted) matched = [renderUser(adopted, deps.baseLocation)].filter((user) => matchesFilter(user, filter));
    }
    return matched;
  }

  /** Users that may match, found through the pointers; null when the filter needs a scan. */
  async function candidatesFor(filter: FilterExpr): Promise<ScimUserRecord[] | null> {
    switch (filter.kind) {
      case 'and': {
        return (await candidatesFor(filter.left)) ?? (await candidatesFor(filter.right));
      }
      case 'or': {
        const left = await candidatesFor(filter.left);
        if (left === null) return null;
        const right = await candidatesFor(filter.right);
        return right === null ? null : [...left, ...right];
      }
      case 'has': {
        if (filter.path.schema !== undefined || filter.path.attr.toLowerCase() !== 'emails' || !filter.path.filter) {
          return null;
        }
        const value = equalityValue(filter.path.filter, (path) => path.attr.toLowerCase() === 'value');
        return value === undefined ? null : store.queryByEmail(value);
      }
      case 'compare': {
        if (filter.op !== 'eq' || filter.path.schema !== undefined || filter.value === null) return null;
        if (typeof filter.value === 'boolean') return null;
        const value = String(filter.value);
        const attr = filter.path.attr.toLowerCase();
        const sub = filter.path.sub?.toLowerCase();
        if (attr === 'id' && sub === undefined && !filter.path.filter) {
          const record = await store.get(value);
          return record ? [record] : [];
        }
        if (attr === 'username' && sub === undefined && !filter.path.filter) {
          const owner = await store.userNameOwner(value);
          const record = owner ? await store.get(owner) : null;
          return record ? [record] : [];
        }
        if (attr === 'externalid' && sub === undefined && !filter.path.filter) return store.queryByExternalId(value);
        if (attr === 'emails' && (sub === undefined || sub === 'value')) return store.queryByEmail(value);
        return null;
      }
      default:
        return null;
    }
  }

  async function adoptFromUsersApi(filter: FilterExpr): Promise<ScimUserRecord | null> {
    const lookup = deps.usersLookup;
    if (!lookup) return null;
    const wanted = emailSought(filter);
    if (!wanted) return null;
    let found: UsersLookupResult | null;
    try {
      found = await withTimeout(
        (signal) => lookup.findByEmail(wanted.email, { signal }),
        config.usersLookupTimeoutMs,
        'the Users API lookup',
      );
    } catch (error) {
      // Entra must get a quick answer: a slow or failing Users API means "not found", never an error.
      count(SCIM_METRICS.usersLookupFailed);
      logger.warn('Users API lookup failed or was too slow; answering from the SCIM store alone', {
        email: redactEmail(wanted.email),
        error: describeError(error),
      });
      return null;
    }
    if (!found) return null;
    const email = EmailSchema.safeParse(found.email);
    if (!email.success) return null;
    return adopt(found, email.data, wanted.userName ?? email.data).catch((error) => {
      logger.warn('a Users API person could not be adopted into SCIM', { error: describeError(error) });
      return null;
    });
  }

  async function adopt(found: UsersLookupResult, email: string, userName: string): Promise<ScimUserRecord | null> {
    const id = randomUUID();
    if (!(await store.claimUserName(userName, id))) {
      // Someone (a concurrent request) adopted or created it first: answer with theirs.
      const owner = await store.userNameOwner(userName);
      const record = owner ? await store.get(owner) : null;
      return record?.state === 'live' ? record : null;
    }
    const resource: JsonObject = {
      userName,
      ...(found.name.trim() ? { displayName: found.name } : {}),
      emails: [{ value: email, type: 'work', primary: true }],
      active: true,
    };
    const created = Number.isNaN(Date.parse(found.createdAt)) ? nowIso() : new Date(found.createdAt).toISOString();
    const record: ScimUserRecord = {
      id,
      userName,
      resource,
      active: true,
      personEmail: email,
      provisioned: true,
      state: 'live',
      created,
      lastModified: nowIso(),
      version: 1,
      outbox: [],
      origin: 'users-api',
      pointerKeys: pointerKeysOf(resource, email),
    };
    await store.putPointers(id, record.pointerKeys);
    await store.put(record, null);
    count(SCIM_METRICS.userAdopted);
    logger.info('person found in the Users API adopted as a SCIM user', { scimId: id, email: redactEmail(email) });
    return record;
  }

  return { query };
}

/** The value of an `attr eq value` term (directly or inside an `and`) whose path satisfies `accept`. */
function equalityValue(
  filter: FilterExpr,
  accept: (path: { attr: string; sub?: string | undefined }) => boolean,
): string | undefined {
  if (filter.kind === 'and') return equalityValue(filter.left, accept) ?? equalityValue(filter.right, accept);
  if (filter.kind === 'compare' && filter.op === 'eq' && typeof filter.value === 'string' && accept(filter.path)) {
    return filter.value;
  }
  return undefined;
}

/** The email a filter looks for (`userName eq <email>` or an `emails` equality), for the Users API fallback. */
function emailSought(filter: FilterExpr): { email: string; userName?: string } | undefined {
  const userName = equalityValue(filter, (path) => path.attr.toLowerCase() === 'username' && path.sub === undefined);
  const fromUserName = userName === undefined ? undefined : EmailSchema.safeParse(userName);
  if (userName !== undefined && fromUserName?.success) return { email: fromUserName.data, userName };
  const value =
    equalityValue(filter, (path) => path.attr.toLowerCase() === 'emails') ??
    (filter.kind === 'has' && filter.path.attr.toLowerCase() === 'emails' && filter.path.filter
      ? equalityValue(filter.path.filter, (path) => path.attr.toLowerCase() === 'value')
      : undefined);
  const email = value === undefined ? undefined : EmailSchema.safeParse(value);
  if (email?.success) return { email: email.data, ...(userName !== undefined ? { userName } : {}) };
  return undefined;
}
