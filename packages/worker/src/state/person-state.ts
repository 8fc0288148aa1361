import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  DEFAULT_STATE_TABLE_NAME,
  isConditionalCheckFailure,
  MAX_RECORDED_GROUPS,
  PERSON_STATE_PREFIX as PERSON_PREFIX,
  personGroupsUpdate,
  personStateKey,
  STATE_TABLE_KEY,
} from '@idp-sync/contracts';
import { StateStoreError } from '../errors';
import {
  type AppliedChange,
  PERSON_STATUSES,
  type PersonState,
  type PersonStatus,
  type RecordAppliedResult,
} from './types';

/**
 * The key of a person's state item (contracts' `personStateKey`).
 *
 * @example
 * personKey('ada@example.com') // { pk: 'person#ada@example.com', sk: 'state' }
 */
export function personKey(email: string): Record<string, string> {
  return personStateKey(email);
}

export { MAX_RECORDED_GROUPS };

/**
 * Parses an RFC 3339 timestamp into epoch milliseconds; the watermark is compared as a number so that offsets
 * (`+02:00`) and precision differences cannot break the ordering a string compare would rely on.
 *
 * @example
 * watermarkMs('2026-11-26T12:00:00+02:00') === Date.parse('2026-11-26T10:00:00Z') // true
 */
export function watermarkMs(occurredAt: string): number {
  const ms = Date.parse(occurredAt);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${occurredAt}`);
  return ms;
}

export interface PersonStateRepositoryOptions {
  /** A DynamoDB client (the document client is derived from it). */
  client: DynamoDBClient;
  tableName?: string;
  /** Clock for `updatedAt`; injectable for tests. */
  now?: () => Date;
}

/**
 * The person-state items of the state table: the Users API id cache, last known status, and the watermark that
 * stops an older event from overwriting newer state.
 *
 * Writes that move the watermark are conditional (`watermarkMs <= :new`), so two writers can never move it
 * backwards; a write that loses reports `superseded` instead of failing.
 *
 * @example
 * const repo = new PersonStateRepository({ client: dynamo, tableName: 'idp-sync-state' });
 * const state = await repo.get('alice@example.com');
 * if (state?.watermarkMs !== undefined && watermarkMs(command.occurredAt) < state.watermarkMs) {
 *   // stale: skip
 * }
 */
export class PersonStateRepository {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => Date;

  constructor(options: PersonStateRepositoryOptions) {
    this.#doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.#tableName = options.tableName ?? DEFAULT_STATE_TABLE_NAME;
    this.#now = options.now ?? (() => new Date());
  }

  /** The person's state, or `undefined` when the worker has never seen them (cold). Strongly consistent. */
  async get(email: string): Promise<PersonState | undefined> {
    try {
      const out = await this.#doc.send(
        new GetCommand({ TableName: this.#tableName, Key: personKey(email), ConsistentRead: true }),
      );
      return out.Item ? toPersonState(email, out.Item) : undefined;
    } catch (error) {
      throw new StateStoreError('get', error);
    }
  }

  /**
   * The states of several people in one round trip (BatchGetItem, strongly consistent); a person never seen maps to
   * `undefined`.
   */
  async getMany(emails: readonly string[]): Promise<Map<string, PersonState | undefined>> {
    const found = new Map<string, PersonState | undefined>();
    const unique = [...new Set(emails)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] = unique.slice(i, i + 100).map((email) => personKey(email));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt >= 5) throw new StateStoreError('getMany', new Error('DynamoDB left keys unprocessed'));
        try {
          const out = await this.#doc.send(
            new BatchGetCommand({ RequestItems: { [this.#tableName]: { Keys: keys, ConsistentRead: true } } }),
          );
          for (const item of out.Responses?.[this.#tableName] ?? []) {
            const email = String(item[STATE_TABLE_KEY.pk]).slice(PERSON_PREFIX.length);
            found.set(email, toPersonState(email, item));
          }
          keys = (out.UnprocessedKeys?.[this.#tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
        } catch (error) {
          throw new StateStoreError('getMany', error);
        }
        if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
    for (const email of unique) if (!found.has(email)) found.set(email, undefined);
    return found;
  }

  /**
   * Records an applied command: moves the watermark to its `occurredAt` and stores what the API told us. A newer
   * watermark already stored wins (`superseded`): an equal one is overwritten, so a re-run of the same command works,
   * and a suspect one named by `replacesWatermarkMs` is overwritten while it is still stored.
   */
  async recordApplied(change: AppliedChange): Promise<RecordAppliedResult> {
    return (await this.recordAppliedReturning(change)).result;
  }

  /**
   * Records a group membership on the person's item (creating it if needed) without moving the watermark: a
   * membership is a fact for the role policy, not a change of the account, and must not make an older lifecycle event
   * of the person stale. Returns the item as written, or `full` when the person already has
   * {@link MAX_RECORDED_GROUPS} group values (the item stays far below DynamoDB's 400 KB whatever a sender sends).
   */
  async recordMembership(
    email: string,
    op: 'add' | 'remove',
    values: readonly string[],
  ): Promise<PersonState | 'full' | undefined> {
    if (values.length === 0) return undefined;
    try {
      const out = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          ...personGroupsUpdate(email, op, values, this.#now().toISOString()),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? toPersonState(email, out.Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return op === 'add' ? 'full' : await this.get(email);
      throw new StateStoreError('recordMembership', error);
    }
  }

  /** {@link recordApplied}, also returning the item as written (for a per-batch cache). */
  async recordAppliedReturning(change: AppliedChange): Promise<{ result: RecordAppliedResult; state?: PersonState }> {
    // Built outside the try: a bad timestamp is a RangeError of the caller's, not a state store failure.
    const update = appliedChangeUpdate(change, this.#now());
    try {
      const out = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: personKey(change.email),
          ...update,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { result: 'written', ...(out.Attributes ? { state: toPersonState(change.email, out.Attributes) } : {}) };
    } catch (error) {
      if (isConditionalCheckFailure(error)) return { result: 'superseded' };
      throw new StateStoreError('recordApplied', error);
    }
  }
}

/**
 * The conditional update that records an applied change: the watermark moves to the command's time unless a newer
 * one is stored (or the suspect one it replaces is no longer the one stored); the user id, status and unsupported
 * attributes are written only when the change carries them (a `null` user id removes it).
 */
function appliedChangeUpdate(
  change: AppliedChange,
  now: Date,
): Pick<
  UpdateCommandInput,
  'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
> {
  const set: string[] = ['#wm = :wm', '#wmMs = :wmMs', '#last = :last', '#upd = :upd', '#email = :email'];
  const remove: string[] = [];
  const names: Record<string, string> = {
    '#wm': 'watermark',
    '#wmMs': 'watermarkMs',
    '#last': 'lastCommandId',
    '#upd': 'updatedAt',
    '#email': 'email',
  };
  const values: Record<string, unknown> = {
    ':wm': new Date(watermarkMs(change.occurredAt)).toISOString(),
    ':wmMs': watermarkMs(change.occurredAt),
    ':last': change.commandId,
    ':upd': now.toISOString(),
    ':email': change.email,
  };
  if (change.userId === null) {
    remove.push('#uid');
    names['#uid'] = 'userId';
  } else if (change.userId !== undefined) {
    set.push('#uid = :uid');
    names['#uid'] = 'userId';
    values[':uid'] = change.userId;
  }
  if (change.status !== undefined) {
    set.push('#st = :st');
    names['#st'] = 'status';
    values[':st'] = change.status;
  }
  if (change.pendingDelete === true) {
    set.push('#pd = :pd');
    names['#pd'] = 'pendingDelete';
    values[':pd'] = true;
  } else if (change.pendingDelete === false) {
    remove.push('#pd');
    names['#pd'] = 'pendingDelete';
  }
  if (change.unsupported !== undefined && change.unsupported.length > 0) {
    set.push('#uns = :uns', '#unsCmd = :last');
    names['#uns'] = 'unsupported';
    names['#unsCmd'] = 'unsupportedCommandId';
    values[':uns'] = change.unsupported;
  }
  let condition = 'attribute_not_exists(#wmMs) OR #wmMs <= :wmMs';
  if (change.replacesWatermarkMs !== undefined) {
    // A watermark from the future (see effectiveWatermark): replaced only if it is still the one that was read.
    condition += ' OR #wmMs = :suspectWmMs';
    values[':suspectWmMs'] = change.replacesWatermarkMs;
  }
  return {
    UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function toPersonState(email: string, item: Record<string, unknown>): PersonState {
  const status = item.status;
  return {
    email,
    userId: typeof item.userId === 'string' ? item.userId : undefined,
    status: PERSON_STATUSES.includes(status as PersonStatus) ? (status as PersonStatus) : undefined,
    watermark: typeof item.watermark === 'string' ? item.watermark : undefined,
    watermarkMs: typeof item.watermarkMs === 'number' ? item.watermarkMs : undefined,
    lastCommandId: typeof item.lastCommandId === 'string' ? item.lastCommandId : undefined,
    unsupported: Array.isArray(item.unsupported) ? item.unsupported.filter((v) => typeof v === 'string') : undefined,
    unsupportedCommandId: typeof item.unsupportedCommandId === 'string' ? item.unsupportedCommandId : undefined,
    ...(item.pendingDelete === true ? { pendingDelete: true } : {}),
    ...(item.groups instanceof Set
      ? { groups: [...item.groups].filter((g): g is string => typeof g === 'string') }
      : {}),
    updatedAt: typeof item.updatedAt === 'string' ? item.updatedAt : '',
  };
}
