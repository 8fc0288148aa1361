import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  DEFAULT_STATE_TABLE_NAME,
  isConditionalCheckFailure,
  PENDING_DELETE_PK,
  PENDING_DELETE_STATUSES,
  type PendingDeleteStatus,
  pendingDeleteSortKey,
  STATE_TABLE_KEY,
  STATE_TABLE_TTL_ATTRIBUTE,
} from '@idp-sync/contracts';
import { StateStoreError } from '../errors';

/** How long a settled item (applied, cancelled) stays for `idp-sync deletes scheduled --all` before TTL removes it. */
const SETTLED_RETENTION_SECONDS = 30 * 24 * 3600;

/** A delete waiting out its grace period: what the sweeper re-sends and what a person sees. */
export interface PendingDelete {
  email: string;
  commandId: string;
  /** `commandFingerprint` of the command: a release is of this command, byte for byte. */
  fingerprint: string;
  /** The SQS message body exactly as it arrived (the sweeper re-sends it). */
  body: string;
  /** The FIFO group (the person). */
  groupId: string;
  source: string;
  sourceEventType: string;
  occurredAt: string;
  scheduledAtMs: number;
  dueAtMs: number;
  status: PendingDeleteStatus;
  /** How many times the sweeper released it (the dedup id of each send). */
  release: number;
  releasedAtMs?: number;
  /** Set once the release reached the queue; a release without it is sent again by the next sweep. */
  sentAtMs?: number;
  /** `is_developer` was switched off at deactivation (and is switched back on when the person returns). */
  revokedDeveloper?: boolean;
}

/** What a new schedule needs; the rest is set by the repository. */
export type ScheduleRequest = Omit<PendingDelete, 'status' | 'release' | 'releasedAtMs' | 'sentAtMs'>;

/**
 * The scheduled deletes in the state table (`pk = pending-delete`, one item per person). The worker schedules and
 * cancels them and settles the ones it applied; the sweeper releases the due ones. Every transition is a conditional
 * write on the item's status, so a sweep and a worker racing over one person cannot both win.
 *
 * @example
 * const pending = new PendingDeleteRepository({ client, tableName });
 * await pending.schedule({ email, commandId, ..., dueAtMs: Date.now() + 86_400_000 });
 */
export class PendingDeleteRepository {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => Date;

  constructor(options: { client: DynamoDBClient; tableName?: string; now?: () => Date }) {
    this.#doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.#tableName = options.tableName ?? DEFAULT_STATE_TABLE_NAME;
    this.#now = options.now ?? (() => new Date());
  }

  /** The person's scheduled delete (in any status), strongly consistent. */
  async get(email: string): Promise<PendingDelete | undefined> {
    try {
      const out = await this.#doc.send(
        new GetCommand({ TableName: this.#tableName, Key: keyOf(email), ConsistentRead: true }),
      );
      return out.Item === undefined ? undefined : toPendingDelete(out.Item);
    } catch (error) {
      throw new StateStoreError('getPendingDelete', error);
    }
  }

  /**
   * Schedules a delete unless one is already waiting for the person (`exists`): a settled one (applied, cancelled)
   * is replaced.
   */
  async schedule(request: ScheduleRequest): Promise<'scheduled' | 'exists'> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...keyOf(request.email),
            ...request,
            scheduledAt: new Date(request.scheduledAtMs).toISOString(),
            dueAt: new Date(request.dueAtMs).toISOString(),
            status: 'pending' satisfies PendingDeleteStatus,
            release: 0,
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #status IN (:applied, :cancelled)',
          ExpressionAttributeNames: { '#pk': STATE_TABLE_KEY.pk, '#status': 'status' },
          ExpressionAttributeValues: { ':applied': 'applied', ':cancelled': 'cancelled' },
        }),
      );
      return 'scheduled';
    } catch (error) {
      if (isConditionalCheckFailure(error)) return 'exists';
      throw new StateStoreError('schedulePendingDelete', error);
    }
  }

  /** Notes that `is_developer` was switched off for the person while the delete waits. */
  async markDeveloperRevoked(email: string, commandId: string): Promise<void> {
    await this.#transition(email, 'markDeveloperRevoked', {
      set: { revokedDeveloper: true },
      when: { commandId, statuses: ['pending'] },
    });
  }

  /**
   * Cancels the person's scheduled delete (they came back). Returns the item as it was when cancelled, or undefined
   * when none was waiting.
   */
  async cancel(email: string, byCommandId: string): Promise<PendingDelete | undefined> {
    const nowMs = this.#now().getTime();
    return await this.#transition(email, 'cancelPendingDelete', {
      set: {
        status: 'cancelled',
        cancelledBy: byCommandId,
        doneAt: new Date(nowMs).toISOString(),
        [STATE_TABLE_TTL_ATTRIBUTE]: Math.floor(nowMs / 1000) + SETTLED_RETENTION_SECONDS,
      },
      when: { statuses: ['pending', 'due', 'held'] },
    });
  }

  /** The delete ran (or the person was already gone, or an explicit termination overtook it). */
  async settleApplied(email: string): Promise<void> {
    const nowMs = this.#now().getTime();
    await this.#transition(email, 'settlePendingDelete', {
      set: {
        status: 'applied',
        doneAt: new Date(nowMs).toISOString(),
        [STATE_TABLE_TTL_ATTRIBUTE]: Math.floor(nowMs / 1000) + SETTLED_RETENTION_SECONDS,
      },
      when: { statuses: ['pending', 'due', 'held'] },
    });
  }

  /** The deletion guard held the released delete: from now on it is the guard's (`idp-sync deletes`). */
  async settleHeld(email: string, commandId: string): Promise<void> {
    await this.#transition(email, 'settlePendingDelete', {
      set: { status: 'held', heldAt: this.#now().toISOString() },
      when: { commandId, statuses: ['due'] },
    });
  }

  /**
   * Marks a waiting delete due (the sweeper, once `dueAtMs` has passed): conditional on it still waiting, so it is
   * released once. Returns the release number to send it under, or undefined when it no longer waits.
   */
  async markDue(item: PendingDelete): Promise<number | undefined> {
    const nowMs = this.#now().getTime();
    const release = item.release + 1;
    const done = await this.#transition(item.email, 'releasePendingDelete', {
      set: { status: 'due', release, releasedAtMs: nowMs, releasedAt: new Date(nowMs).toISOString() },
      when: { commandId: item.commandId, statuses: ['pending'], dueBy: nowMs },
    });
    return done === undefined ? undefined : release;
  }

  /** The release reached the queue. */
  async markSent(item: PendingDelete, release: number): Promise<void> {
    await this.#transition(item.email, 'releasePendingDelete', {
      set: { sentAtMs: this.#now().getTime(), release },
      when: { commandId: item.commandId, statuses: ['due'] },
    });
  }

  /** Every delete still waiting or due (the sweeper's and the CLI's view), with `all` also the settled ones. */
  async list(options: { all?: boolean } = {}): Promise<PendingDelete[]> {
    const found: PendingDelete[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      let out: { Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> };
      try {
        out = await this.#doc.send(
          new QueryCommand({
            TableName: this.#tableName,
            KeyConditionExpression: '#pk = :pk',
            ...(options.all ? {} : { FilterExpression: '#status IN (:pending, :due)' }),
            ExpressionAttributeNames: { '#pk': STATE_TABLE_KEY.pk, ...(options.all ? {} : { '#status': 'status' }) },
            ExpressionAttributeValues: {
              ':pk': PENDING_DELETE_PK,
              ...(options.all ? {} : { ':pending': 'pending', ':due': 'due' }),
            },
            ConsistentRead: true,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        );
      } catch (error) {
        throw new StateStoreError('listPendingDeletes', error);
      }
      for (const item of out.Items ?? []) {
        const parsed = toPendingDelete(item);
        if (parsed !== undefined) found.push(parsed);
      }
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return found;
  }

  /** One conditional update of a person's item; undefined when the condition did not hold. */
  async #transition(
    email: string,
    operation: string,
    change: {
      set: Record<string, unknown>;
      when: { commandId?: string; statuses: readonly PendingDeleteStatus[]; dueBy?: number };
    },
  ): Promise<PendingDelete | undefined> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {};
    const sets = Object.entries(change.set).map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
    const statuses = change.when.statuses.map((status, i) => {
      values[`:s${i}`] = status;
      return `:s${i}`;
    });
    const conditions = [`#status IN (${statuses.join(', ')})`];
    if (change.when.commandId !== undefined) {
      names['#cmd'] = 'commandId';
      values[':cmd'] = change.when.commandId;
      conditions.push('#cmd = :cmd');
    }
    if (change.when.dueBy !== undefined) {
      names['#due'] = 'dueAtMs';
      values[':dueBy'] = change.when.dueBy;
      conditions.push('#due <= :dueBy');
    }
    try {
      const out = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: keyOf(email),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes === undefined ? undefined : toPendingDelete(out.Attributes);
    } catch (error) {
      if (isConditionalCheckFailure(error)) return undefined;
      throw new StateStoreError(operation, error);
    }
  }
}

function keyOf(email: string): Record<string, string> {
  return { [STATE_TABLE_KEY.pk]: PENDING_DELETE_PK, [STATE_TABLE_KEY.sk]: pendingDeleteSortKey(email) };
}

/** An item as stored, checked field by field (the table is shared; an item that does not fit is skipped). */
function toPendingDelete(item: Record<string, unknown>): PendingDelete | undefined {
  const text = (key: string) => (typeof item[key] === 'string' ? (item[key] as string) : undefined);
  const num = (key: string) => (typeof item[key] === 'number' ? (item[key] as number) : undefined);
  const email = text('email');
  const commandId = text('commandId');
  const body = text('body');
  const scheduledAtMs = num('scheduledAtMs');
  const dueAtMs = num('dueAtMs');
  const status = text('status');
  if (
    email === undefined ||
    commandId === undefined ||
    body === undefined ||
    scheduledAtMs === undefined ||
    dueAtMs === undefined ||
    !PENDING_DELETE_STATUSES.includes(status as PendingDeleteStatus)
  ) {
    return undefined;
  }
  const releasedAtMs = num('releasedAtMs');
  const sentAtMs = num('sentAtMs');
  return {
    email,
    commandId,
    fingerprint: text('fingerprint') ?? '',
    body,
    groupId: text('groupId') ?? email,
    source: text('source') ?? '',
    sourceEventType: text('sourceEventType') ?? '',
    occurredAt: text('occurredAt') ?? '',
    scheduledAtMs,
    dueAtMs,
    status: status as PendingDeleteStatus,
    release: num('release') ?? 0,
    ...(releasedAtMs === undefined ? {} : { releasedAtMs }),
    ...(sentAtMs === undefined ? {} : { sentAtMs }),
    ...(item.revokedDeveloper === true ? { revokedDeveloper: true } : {}),
  };
}
