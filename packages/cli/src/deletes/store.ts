import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  DELETION_GUARD_KEY,
  HELD_DELETE_PK,
  HELD_DELETE_STATUSES,
  type HeldDeleteStatus,
  heldDeleteSortKey,
  isConditionalCheckFailure,
  PENDING_DELETE_PK,
  PENDING_DELETE_STATUSES,
  PERSON_STATE_PREFIX,
  PERSON_STATE_SORT_KEY,
  type PendingDeleteStatus,
  STATE_TABLE_KEY,
} from '@idp-sync/contracts';

/** One held delete as the CLI reads it (the worker wrote it; see `@idp-sync/contracts`' deletion guard). */
export interface HeldDelete {
  commandId: string;
  status: HeldDeleteStatus;
  /** The SQS message body exactly as it arrived: approval re-sends it. */
  body: string;
  groupId: string;
  sequenceNumber: string | undefined;
  email: string;
  source: string;
  sourceEventType: string | undefined;
  occurredAt: string;
  heldAt: string;
  heldAtMs: number;
  reason: string;
  approvedBy: string | undefined;
  approvedAt: string | undefined;
  discardedBy: string | undefined;
  discardedAt: string | undefined;
  doneAt: string | undefined;
}

/** A delete waiting out (or past) its source's grace period, as on-call sees it. */
export interface ScheduledDelete {
  commandId: string;
  status: PendingDeleteStatus;
  email: string;
  source: string;
  sourceEventType: string;
  occurredAt: string;
  scheduledAt: string;
  dueAt: string;
  dueAtMs: number;
  releasedAt: string | undefined;
  doneAt: string | undefined;
  revokedDeveloper: boolean;
}

function toScheduledDelete(item: Record<string, unknown>): ScheduledDelete | undefined {
  const commandId = str(item.commandId);
  const status = item.status as PendingDeleteStatus;
  if (commandId === undefined || !PENDING_DELETE_STATUSES.includes(status)) return undefined;
  return {
    commandId,
    status,
    email: str(item.email) ?? '',
    source: str(item.source) ?? '',
    sourceEventType: str(item.sourceEventType) ?? '',
    occurredAt: str(item.occurredAt) ?? '',
    scheduledAt: str(item.scheduledAt) ?? '',
    dueAt: str(item.dueAt) ?? '',
    dueAtMs: typeof item.dueAtMs === 'number' ? item.dueAtMs : 0,
    releasedAt: str(item.releasedAt),
    doneAt: str(item.doneAt),
    revokedDeveloper: item.revokedDeveloper === true,
  };
}

/** The guard item, as much of it as on-call needs. */
export interface GuardState {
  tripped: boolean;
  trippedAt: string | undefined;
  trippedCount: number | undefined;
  trippedLimit: number | undefined;
  managed: number;
  rearmedBy: string | undefined;
  rearmedAt: string | undefined;
}

/**
 * The most held deletes one command reads (they sit in one partition; a body is usually under 2 KB, at most 256 KB).
 * Beyond it, decide on the first ones (filters narrow them), then run the command again.
 */
export const MAX_HELD_READ = 20_000;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function toHeldDelete(item: Record<string, unknown>): HeldDelete | undefined {
  const commandId = str(item.commandId);
  const body = str(item.body);
  const groupId = str(item.groupId);
  if (commandId === undefined || body === undefined || groupId === undefined) return undefined;
  const status = HELD_DELETE_STATUSES.includes(item.status as HeldDeleteStatus)
    ? (item.status as HeldDeleteStatus)
    : 'held';
  return {
    commandId,
    status,
    body,
    groupId,
    sequenceNumber: str(item.sequenceNumber),
    email: str(item.email) ?? '',
    source: str(item.source) ?? '',
    sourceEventType: str(item.sourceEventType),
    occurredAt: str(item.occurredAt) ?? '',
    heldAt: str(item.heldAt) ?? '',
    heldAtMs: typeof item.heldAtMs === 'number' ? item.heldAtMs : 0,
    reason: str(item.reason) ?? 'held by the deletion guard',
    approvedBy: str(item.approvedBy),
    approvedAt: str(item.approvedAt),
    discardedBy: str(item.discardedBy),
    discardedAt: str(item.discardedAt),
    doneAt: str(item.doneAt),
  };
}

/**
 * The order approval sends held deletes in: by hold time, then by the SQS sequence number (a person's order within
 * their FIFO group), then by command id, so every person's deletes go back in the order they arrived.
 *
 * @example
 * held.sort(heldOrder);
 */
export function heldOrder(a: HeldDelete, b: HeldDelete): number {
  if (a.heldAtMs !== b.heldAtMs) return a.heldAtMs - b.heldAtMs;
  const sa = a.sequenceNumber ?? '';
  const sb = b.sequenceNumber ?? '';
  if (sa !== sb) {
    if (/^\d+$/.test(sa) && /^\d+$/.test(sb)) return BigInt(sa) < BigInt(sb) ? -1 : 1;
    return sa < sb ? -1 : 1;
  }
  return a.commandId < b.commandId ? -1 : a.commandId > b.commandId ? 1 : 0;
}

/**
 * The deletion guard's items in the state table, for the CLI: read the guard and the held deletes, record an
 * approval or a discard (conditional on the item's status, so two on-call engineers never both act on one), re-arm.
 *
 * @example
 * const store = new GuardStore(new DynamoDBClient({}), 'idp-sync-state');
 * const held = await store.listHeld();
 */
export class GuardStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.#doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.#table = table;
  }

  async guard(): Promise<GuardState> {
    const out = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: { [STATE_TABLE_KEY.pk]: DELETION_GUARD_KEY.pk, [STATE_TABLE_KEY.sk]: DELETION_GUARD_KEY.sk },
        ConsistentRead: true,
      }),
    );
    const item = out.Item ?? {};
    return {
      tripped: item.tripped === true,
      trippedAt: str(item.trippedAt),
      trippedCount: typeof item.trippedCount === 'number' ? item.trippedCount : undefined,
      trippedLimit: typeof item.trippedLimit === 'number' ? item.trippedLimit : undefined,
      managed: typeof item.managed === 'number' ? Math.max(0, item.managed) : 0,
      rearmedBy: str(item.rearmedBy),
      rearmedAt: str(item.rearmedAt),
    };
  }

  /** Every held delete (whatever its status), in approval order. */
  async listHeld(): Promise<HeldDelete[]> {
    const held: HeldDelete[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': STATE_TABLE_KEY.pk },
          ExpressionAttributeValues: { ':pk': HELD_DELETE_PK },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of out.Items ?? []) {
        const h = toHeldDelete(item);
        if (h !== undefined) held.push(h);
      }
      start = out.LastEvaluatedKey;
    } while (start !== undefined && held.length < MAX_HELD_READ);
    return held.sort(heldOrder);
  }

  /** Every scheduled delete (whatever its status; settled ones stay 30 days), by due time. */
  async listScheduled(): Promise<ScheduledDelete[]> {
    const found: ScheduledDelete[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': STATE_TABLE_KEY.pk },
          ExpressionAttributeValues: { ':pk': PENDING_DELETE_PK },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of out.Items ?? []) {
        const scheduled = toScheduledDelete(item);
        if (scheduled !== undefined) found.push(scheduled);
      }
      start = out.LastEvaluatedKey;
    } while (start !== undefined && found.length < MAX_HELD_READ);
    return found.sort((a, b) => a.dueAtMs - b.dueAtMs || (a.commandId < b.commandId ? -1 : 1));
  }

  /** Records the approval (held → approved; an approved one again, to resume a run). False when it was neither. */
  async approve(commandId: string, by: string, at: Date): Promise<boolean> {
    return await this.#transition(commandId, ['held', 'approved'], 'approved', { approvedBy: by, approvedAt: at });
  }

  /** Records the discard (held → discarded). False when it was no longer held. */
  async discard(commandId: string, by: string, at: Date): Promise<boolean> {
    return await this.#transition(commandId, ['held'], 'discarded', { discardedBy: by, discardedAt: at });
  }

  async #transition(
    commandId: string,
    from: HeldDeleteStatus[],
    to: HeldDeleteStatus,
    who: Record<string, string | Date>,
  ): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':to': to };
    const set = ['#status = :to'];
    for (const [i, [key, value]] of Object.entries(who).entries()) {
      names[`#w${i}`] = key;
      values[`:w${i}`] = value instanceof Date ? value.toISOString() : value;
      set.push(`#w${i} = :w${i}`);
    }
    const allowed = from.map((s, i) => {
      values[`:from${i}`] = s;
      return `#status = :from${i}`;
    });
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { [STATE_TABLE_KEY.pk]: HELD_DELETE_PK, [STATE_TABLE_KEY.sk]: heldDeleteSortKey(commandId) },
          UpdateExpression: `SET ${set.join(', ')}`,
          ConditionExpression: allowed.join(' OR '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Counts the people this pipeline manages from the state table — person items whose last known status is not
   * `DELETED` — and sets the guard's `managed` to it, with who and when. The worker keeps the count as it creates and
   * deletes people; this repairs a count that drifted (a lost increment) and starts it on a table that predates it.
   * Returns the count before and after.
   */
  async recount(by: string, at: Date): Promise<{ before: number; after: number }> {
    const before = (await this.guard()).managed;
    let after = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#doc.send(
        new ScanCommand({
          TableName: this.#table,
          // Applied at least one command (a watermark), not deleted: an item with only recorded memberships is nobody yet.
          FilterExpression:
            'begins_with(#pk, :person) AND #sk = :state AND attribute_exists(#wm) AND (attribute_not_exists(#status) OR #status <> :deleted)',
          ExpressionAttributeNames: {
            '#pk': STATE_TABLE_KEY.pk,
            '#sk': STATE_TABLE_KEY.sk,
            '#status': 'status',
            '#wm': 'watermarkMs',
          },
          ExpressionAttributeValues: {
            ':person': PERSON_STATE_PREFIX,
            ':state': PERSON_STATE_SORT_KEY,
            ':deleted': 'DELETED',
          },
          Select: 'COUNT',
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      after += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { [STATE_TABLE_KEY.pk]: DELETION_GUARD_KEY.pk, [STATE_TABLE_KEY.sk]: DELETION_GUARD_KEY.sk },
        UpdateExpression: 'SET #managed = :n, #by = :by, #at = :at',
        ExpressionAttributeNames: { '#managed': 'managed', '#by': 'recountedBy', '#at': 'recountedAt' },
        ExpressionAttributeValues: { ':n': after, ':by': by, ':at': at.toISOString() },
      }),
    );
    return { before, after };
  }

  /**
   * Re-arms the guard: clears `tripped` and the window's counts, records who and when. The version moves, so a
   * worker counting at the same moment reads again. Deletes still held stay held until approved or discarded.
   */
  async rearm(by: string, at: Date): Promise<void> {
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { [STATE_TABLE_KEY.pk]: DELETION_GUARD_KEY.pk, [STATE_TABLE_KEY.sk]: DELETION_GUARD_KEY.sk },
        UpdateExpression:
          'SET #tripped = :false, #buckets = :empty, #rearmedBy = :by, #rearmedAt = :at ADD #version :one REMOVE #trippedAt, #trippedCount, #trippedLimit',
        ExpressionAttributeNames: {
          '#tripped': 'tripped',
          '#buckets': 'buckets',
          '#rearmedBy': 'rearmedBy',
          '#rearmedAt': 'rearmedAt',
          '#version': 'version',
          '#trippedAt': 'trippedAt',
          '#trippedCount': 'trippedCount',
          '#trippedLimit': 'trippedLimit',
        },
        ExpressionAttributeValues: { ':false': false, ':empty': {}, ':by': by, ':at': at.toISOString(), ':one': 1 },
      }),
    );
  }
}

/**
 * A DynamoDB client for an endpoint; a loopback one (the local stack) gets dummy credentials, so no real credential
 * is ever sent to it.
 *
 * @example
 * const client = createDynamoDbClient({ endpoint: 'http://127.0.0.1:8000' });
 */
export function createDynamoDbClient(options: { endpoint?: string; region?: string }): DynamoDBClient {
  let local = false;
  try {
    const host = options.endpoint === undefined ? '' : new URL(options.endpoint).hostname;
    local = host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  } catch {
    local = false;
  }
  return new DynamoDBClient({
    endpoint: options.endpoint,
    region: options.region ?? (local ? 'us-east-1' : undefined),
    credentials: local ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    maxAttempts: local ? 2 : 5,
  });
}
