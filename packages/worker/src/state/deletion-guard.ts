import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  DEFAULT_STATE_TABLE_NAME,
  DELETION_GUARD_KEY,
  HELD_DELETE_PK,
  HELD_DELETE_STATUSES,
  type HeldDeleteStatus,
  heldDeleteSortKey,
  isConditionalCheckFailure,
  STATE_TABLE_KEY,
} from '@idp-sync/contracts';
import { StateStoreError } from '../errors';

/** How the guard limits deletes (`DELETION_GUARD_*`, see the worker README). */
export interface DeletionGuardConfig {
  /** Off only by choice (`DELETION_GUARD=off`): then no delete is counted or held. */
  enabled: boolean;
  /** The rolling window deletes are counted over. */
  windowMinutes: number;
  /** Deletes per window always allowed, whatever the number of people. */
  floor: number;
  /** Deletes per window allowed as a share (percent) of the people this pipeline manages, when above the floor. */
  percent: number;
}

/**
 * The defaults: at most max(5, 0.5 % of the people managed) deletes per rolling hour — 5 for a company of 50,
 * 250 for 50,000. The reasoning, with real offboarding rates, is in the worker README.
 */
export const DEFAULT_DELETION_GUARD: DeletionGuardConfig = { enabled: true, windowMinutes: 60, floor: 5, percent: 0.5 };

/** Windows are counted in this many buckets: the window rolls by 1/60 of its length (one minute for an hour). */
const BUCKETS_PER_WINDOW = 60;

/**
 * The limit for `managed` people: max(floor, ⌊percent · managed / 100⌋).
 *
 * @example
 * deletionLimit(DEFAULT_DELETION_GUARD, 50_000) // 250
 */
export function deletionLimit(config: DeletionGuardConfig, managed: number): number {
  return Math.max(config.floor, Math.floor((config.percent * Math.max(0, managed)) / 100));
}

/** A delete the guard may hold: what a person needs to see and what approval re-sends. */
export interface HoldSubject {
  commandId: string;
  /** The SQS message body exactly as it arrived (approval re-sends it). */
  body: string;
  /** The FIFO group (the person). */
  groupId: string;
  /** The SQS sequence number within the group: orders a person's held deletes. */
  sequenceNumber?: string;
  email: string;
  source: string;
  sourceEventType?: string;
  occurredAt: string;
  receivedAt?: string;
}

/**
 * What the guard decided for one delete: `pass` (counted, apply it), `approved` (a person approved it: apply it,
 * uncounted), `held` (not applied; stored for a person), `discarded` (a person decided it must not run) or `reused`
 * (a held delete has this command id with other content: a decision about one command never covers another).
 */
export type DeleteVerdict = 'pass' | 'approved' | 'held' | 'discarded' | 'reused';

/** The outcome of one admission: a verdict per command id and the figures the log line and metrics name. */
export interface Admission {
  verdicts: Map<string, DeleteVerdict>;
  /** Deletes counted in the window after this admission. */
  deletesInWindow: number;
  limit: number;
  managed: number;
  /** The guard was tripped by this admission. */
  trippedNow: boolean;
  /** The guard is tripped (now or before). */
  tripped: boolean;
  /** DynamoDB writes this admission made (the guard item and held items). */
  writes: number;
}

interface GuardItem {
  version: number;
  buckets: Record<string, number>;
  tripped: boolean;
  managed: number;
}

const CONFLICT_ATTEMPTS = 8;

/**
 * The deletion guard's items in the state table. Deletes are counted on one guard item across every worker instance
 * (read, then one conditional write on its `version`; a lost race reads again), in buckets of 1/60 of the window.
 * A delete over the limit is held (an item under `pk = held-delete`) and trips the guard; once tripped every further
 * delete is held until a person re-arms it (the CLI). Approved deletes pass, uncounted. One admission covers a whole
 * bulk delete: one BatchGetItem and at most one write to the guard item for all its people.
 *
 * @example
 * const guard = new DeletionGuardRepository({ client, tableName, config: DEFAULT_DELETION_GUARD });
 * const { verdicts } = await guard.admit([subject]);
 */
export class DeletionGuardRepository {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #config: DeletionGuardConfig;
  readonly #now: () => Date;
  readonly #random: () => number;

  constructor(options: {
    client: DynamoDBClient;
    tableName?: string;
    config: DeletionGuardConfig;
    now?: () => Date;
    random?: () => number;
  }) {
    this.#doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.#tableName = options.tableName ?? DEFAULT_STATE_TABLE_NAME;
    this.#config = options.config;
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random ?? Math.random;
  }

  get config(): DeletionGuardConfig {
    return this.#config;
  }

  /** Decides for each subject (in order: the first ones fit under the limit, the rest are held). */
  async admit(subjects: readonly HoldSubject[]): Promise<Admission> {
    const unique = [...new Map(subjects.map((s) => [s.commandId, s])).values()];
    for (let attempt = 1; ; attempt++) {
      const admission = await this.#tryAdmit(unique);
      if (admission !== undefined) return admission;
      if (attempt >= CONFLICT_ATTEMPTS) {
        throw new StateStoreError('admitDeletes', new Error('the deletion guard item kept changing under this write'));
      }
      // Another worker counted deletes meanwhile: read again, after a short jittered pause.
      await new Promise((resolve) => setTimeout(resolve, 5 + this.#random() * 20 * attempt));
    }
  }

  /** One read and at most one conditional write; undefined when another writer won the race. */
  async #tryAdmit(subjects: readonly HoldSubject[]): Promise<Admission | undefined> {
    const { guard, held } = await this.#read(subjects.map((s) => s.commandId));
    const versioned = guard.version > 0;
    const verdicts = new Map<string, DeleteVerdict>();
    const fresh: HoldSubject[] = [];
    for (const subject of subjects) {
      const stored = held.get(subject.commandId);
      const status = stored?.status;
      if (stored === undefined) fresh.push(subject);
      // An approval (or a hold, or a discard) is of the command as it was held, byte for byte: the same id with other
      // content (a careless or hostile sender reusing event ids) must neither pass uncounted nor vanish as "held".
      else if (stored.body !== subject.body) verdicts.set(subject.commandId, 'reused');
      else if (status === 'discarded') verdicts.set(subject.commandId, 'discarded');
      else if (status === 'held') verdicts.set(subject.commandId, 'held');
      else verdicts.set(subject.commandId, 'approved');
    }
    const nowMs = this.#now().getTime();
    const windowMs = this.#config.windowMinutes * 60_000;
    const bucketMs = windowMs / BUCKETS_PER_WINDOW;
    const buckets: Record<string, number> = Object.create(null);
    let deletesInWindow = 0;
    for (const [key, count] of Object.entries(guard.buckets)) {
      const start = Number(key) * bucketMs;
      if (!Number.isFinite(start) || typeof count !== 'number' || start + bucketMs <= nowMs - windowMs) continue;
      buckets[key] = count;
      deletesInWindow += count;
    }
    const managed = Math.max(0, guard.managed);
    const limit = deletionLimit(this.#config, managed);
    const room = guard.tripped ? 0 : Math.max(0, limit - deletesInWindow);
    const admitted = fresh.slice(0, room);
    const holding = fresh.slice(room);
    const trippedNow = !guard.tripped && holding.length > 0;
    for (const s of admitted) verdicts.set(s.commandId, 'pass');
    for (const s of holding) verdicts.set(s.commandId, 'held');
    let writes = 0;
    if (admitted.length > 0 || trippedNow) {
      const bucket = String(Math.floor(nowMs / bucketMs));
      buckets[bucket] = (buckets[bucket] ?? 0) + admitted.length;
      deletesInWindow += admitted.length;
      try {
        await this.#doc.send(
          new UpdateCommand({
            TableName: this.#tableName,
            Key: { [STATE_TABLE_KEY.pk]: DELETION_GUARD_KEY.pk, [STATE_TABLE_KEY.sk]: DELETION_GUARD_KEY.sk },
            UpdateExpression: `SET #buckets = :buckets, #version = :next, #updatedAt = :now${
              trippedNow ? ', #tripped = :true, #trippedAt = :now, #trippedCount = :count, #trippedLimit = :limit' : ''
            } ADD #managed :gone`,
            // The item may exist without a version (only `managed`, counted by creates): then none may appear meanwhile.
            ConditionExpression: versioned ? '#version = :version' : 'attribute_not_exists(#version)',
            ExpressionAttributeNames: {
              '#buckets': 'buckets',
              '#version': 'version',
              '#updatedAt': 'updatedAt',
              '#managed': 'managed',
              ...(trippedNow
                ? {
                    '#tripped': 'tripped',
                    '#trippedAt': 'trippedAt',
                    '#trippedCount': 'trippedCount',
                    '#trippedLimit': 'trippedLimit',
                  }
                : {}),
            },
            ExpressionAttributeValues: {
              ':buckets': { ...buckets },
              ':next': guard.version + 1,
              ':now': new Date(nowMs).toISOString(),
              // A deleted person is no longer managed (the count is kept as deletes are admitted, see personAdded).
              ':gone': -admitted.length,
              ...(versioned ? { ':version': guard.version } : {}),
              ...(trippedNow ? { ':true': true, ':count': deletesInWindow + holding.length, ':limit': limit } : {}),
            },
          }),
        );
        writes++;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return undefined;
        throw new StateStoreError('admitDeletes', error);
      }
    }
    for (const subject of holding) {
      await this.#hold(subject, nowMs, trippedNow || guard.tripped, deletesInWindow, limit);
      writes++;
    }
    return {
      verdicts,
      deletesInWindow,
      limit,
      managed,
      trippedNow,
      tripped: guard.tripped || trippedNow,
      writes,
    };
  }

  /** Stores a held delete (once: holding the same command again changes nothing). */
  async #hold(subject: HoldSubject, nowMs: number, tripped: boolean, count: number, limit: number): Promise<void> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            [STATE_TABLE_KEY.pk]: HELD_DELETE_PK,
            [STATE_TABLE_KEY.sk]: heldDeleteSortKey(subject.commandId),
            commandId: subject.commandId,
            status: 'held' satisfies HeldDeleteStatus,
            body: subject.body,
            groupId: subject.groupId,
            sequenceNumber: subject.sequenceNumber,
            email: subject.email,
            source: subject.source,
            sourceEventType: subject.sourceEventType,
            occurredAt: subject.occurredAt,
            receivedAt: subject.receivedAt,
            heldAt: new Date(nowMs).toISOString(),
            heldAtMs: nowMs,
            reason: tripped
              ? `held by the deletion guard: ${count} deletes in the last ${this.#config.windowMinutes} min, limit ${limit}`
              : `held by the deletion guard (limit ${limit} per ${this.#config.windowMinutes} min)`,
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': STATE_TABLE_KEY.pk },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailure(error)) return; // already held (a redelivery): one item per command
      throw new StateStoreError('holdDelete', error);
    }
  }

  /** The guard item and the held-delete items of these commands, in one BatchGetItem (strongly consistent). */
  async #read(
    commandIds: readonly string[],
  ): Promise<{ guard: GuardItem; held: Map<string, { status: HeldDeleteStatus; body: unknown }> }> {
    const guardKey = { [STATE_TABLE_KEY.pk]: DELETION_GUARD_KEY.pk, [STATE_TABLE_KEY.sk]: DELETION_GUARD_KEY.sk };
    let keys: Record<string, unknown>[] = [
      guardKey,
      ...commandIds.map((id) => ({
        [STATE_TABLE_KEY.pk]: HELD_DELETE_PK,
        [STATE_TABLE_KEY.sk]: heldDeleteSortKey(id),
      })),
    ];
    const items: Record<string, unknown>[] = [];
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt >= 5) throw new StateStoreError('readDeletionGuard', new Error('DynamoDB left keys unprocessed'));
      try {
        const out = await this.#doc.send(
          new BatchGetCommand({ RequestItems: { [this.#tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        items.push(...((out.Responses?.[this.#tableName] as Record<string, unknown>[] | undefined) ?? []));
        keys = (out.UnprocessedKeys?.[this.#tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      } catch (error) {
        throw new StateStoreError('readDeletionGuard', error);
      }
      if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
    let guard: GuardItem = { version: 0, buckets: {}, tripped: false, managed: 0 };
    const held = new Map<string, { status: HeldDeleteStatus; body: unknown }>();
    for (const item of items) {
      if (item[STATE_TABLE_KEY.pk] === DELETION_GUARD_KEY.pk) {
        guard = {
          version: typeof item.version === 'number' ? item.version : 0,
          buckets:
            item.buckets !== null && typeof item.buckets === 'object' ? (item.buckets as Record<string, number>) : {},
          tripped: item.tripped === true,
          managed: typeof item.managed === 'number' ? item.managed : 0,
        };
      } else if (typeof item.commandId === 'string') {
        const status = HELD_DELETE_STATUSES.includes(item.status as HeldDeleteStatus)
          ? (item.status as HeldDeleteStatus)
          : 'held';
        held.set(item.commandId, { status, body: item.body });
      }
    }
    return { guard, held };
  }

  /**
   * One more person managed (a create of someone unknown or deleted before). Does not touch `version`: the guard's
   * own writes add to `managed` too, so neither overwrites the other.
   */
  async personAdded(): Promise<void> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { [STATE_TABLE_KEY.pk]: DELETION_GUARD_KEY.pk, [STATE_TABLE_KEY.sk]: DELETION_GUARD_KEY.sk },
          UpdateExpression: 'ADD #managed :one',
          ExpressionAttributeNames: { '#managed': 'managed' },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    } catch (error) {
      throw new StateStoreError('countPerson', error);
    }
  }

  /**
   * Marks an approved delete used once it ran (`applied`) or was skipped as older than the person's newest event
   * (`superseded`). Conditional on the item still saying `approved`; false when it did not.
   */
  async markApprovalUsed(commandId: string, status: 'applied' | 'superseded'): Promise<boolean> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { [STATE_TABLE_KEY.pk]: HELD_DELETE_PK, [STATE_TABLE_KEY.sk]: heldDeleteSortKey(commandId) },
          UpdateExpression: 'SET #status = :status, #doneAt = :now',
          ConditionExpression: '#status = :approved',
          ExpressionAttributeNames: { '#status': 'status', '#doneAt': 'doneAt' },
          ExpressionAttributeValues: {
            ':status': status,
            ':approved': 'approved',
            ':now': this.#now().toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw new StateStoreError('markApprovalUsed', error);
    }
  }
}
