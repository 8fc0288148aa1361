import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '@idp-sync/common';
import { ScimStoreConflictError } from '../errors';
import type { GroupMember } from '../protocol/group';
import type { JsonObject } from '../protocol/json';
import { groupIndexSk, groupNamePk, groupPk, memberOfPk, memberOfSk, memberSk, SCIM_KEYS, settleSk } from './keys';
import type { ScimGroupRecord, ScimGroupStore } from './ports';

export interface DynamoDbScimGroupStoreOptions {
  /** A DynamoDB client (a document client is built on it). */
  client: DynamoDBClient;
  tableName: string;
}

interface GroupItem {
  pk: string;
  sk: string;
  id: string;
  displayName: string;
  externalId?: string;
  attributesJson: string;
  created: string;
  lastModified: string;
  version: number;
}

const WRITE_BATCH = 25;
const READ_CONCURRENCY = 8;
const RETRIES = 5;

/**
 * SCIM groups on the shared state table. A membership is two items — the member in the group's partition and the
 * group in the user's `scim-member-of#` partition — written together in batches; both are idempotent (a put of the
 * same member, a delete of an absent one), so a request retried after a failure part-way converges.
 *
 * @example
 * const groups = createDynamoDbScimGroupStore({ client: new DynamoDBClient({}), tableName: 'idp-sync-state' });
 * const members = await groups.members('9d1e…');
 */
export function createDynamoDbScimGroupStore(options: DynamoDbScimGroupStoreOptions): ScimGroupStore {
  const doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
  const TableName = options.tableName;

  async function batchWrite(requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string]): Promise<void> {
    for (let start = 0; start < requests.length; start += WRITE_BATCH) {
      let pending = requests.slice(start, start + WRITE_BATCH);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= RETRIES) throw new Error(`DynamoDB left ${pending.length} membership writes unprocessed`);
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: pending } }));
        pending = out.UnprocessedItems?.[TableName] ?? [];
        if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    }
  }

  async function queryPartition(pk: string, skPrefix: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
          ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(out.Items ?? []));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  return {
    async get(id) {
      const out = await doc.send(
        new GetCommand({ TableName, Key: { pk: groupPk(id), sk: SCIM_KEYS.groupSk }, ConsistentRead: true }),
      );
      return out.Item ? fromItem(out.Item as GroupItem) : null;
    },

    async displayNameClaim(displayName) {
      const out = await doc.send(
        new GetCommand({
          TableName,
          Key: { pk: groupNamePk(displayName), sk: SCIM_KEYS.uniqueRefSk },
          ConsistentRead: true,
        }),
      );
      const owner = out.Item?.groupId;
      if (typeof owner !== 'string') return null;
      const claimedAt = Number(out.Item?.claimedAt);
      return { groupId: owner, claimedAtMs: Number.isFinite(claimedAt) ? claimedAt : 0 };
    },

    async displayNameOwner(displayName) {
      const out = await doc.send(
        new GetCommand({
          TableName,
          Key: { pk: groupNamePk(displayName), sk: SCIM_KEYS.uniqueRefSk },
          ConsistentRead: true,
        }),
      );
      const owner = out.Item?.groupId;
      return typeof owner === 'string' ? owner : null;
    },

    async scan() {
      // Every group, through the index partition (one Query, not a scan of the shared table); an index item whose
      // group is gone (a delete that failed after the group item went) is skipped.
      const ids = (await queryPartition(SCIM_KEYS.groupIndexPk, SCIM_KEYS.groupIndexSkPrefix))
        .map((item) => item.groupId)
        .filter((id): id is string => typeof id === 'string');
      const groups = await mapWithConcurrency(ids, READ_CONCURRENCY, async (id) => {
        const out = await doc.send(
          new GetCommand({ TableName, Key: { pk: groupPk(id), sk: SCIM_KEYS.groupSk }, ConsistentRead: true }),
        );
        return out.Item ? fromItem(out.Item as GroupItem) : undefined;
      });
      return groups.filter((group): group is ScimGroupRecord => group !== undefined);
    },

    async claimDisplayName(displayName, id) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { pk: groupNamePk(displayName), sk: SCIM_KEYS.uniqueRefSk, groupId: id, claimedAt: Date.now() },
            ConditionExpression: 'attribute_not_exists(#pk) OR groupId = :id',
            ExpressionAttributeNames: { '#pk': 'pk' },
            ExpressionAttributeValues: { ':id': id },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async releaseDisplayName(displayName, id) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName,
            Key: { pk: groupNamePk(displayName), sk: SCIM_KEYS.uniqueRefSk },
            ConditionExpression: 'groupId = :id',
            ExpressionAttributeValues: { ':id': id },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async put(record, expectedVersion) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: toItem(record),
            ...(expectedVersion === null
              ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } }
              : {
                  ConditionExpression: '#version = :expected',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':expected': expectedVersion },
                }),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw new ScimStoreConflictError(`SCIM group ${record.id} changed concurrently`);
        }
        throw error;
      }
      // Every write (re)writes the group's index item: a write that failed before it is repaired by the next one.
      await doc.send(
        new PutCommand({
          TableName,
          Item: { pk: SCIM_KEYS.groupIndexPk, sk: groupIndexSk(record.id), groupId: record.id },
        }),
      );
    },

    async delete(id, expectedVersion) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName,
            Key: { pk: groupPk(id), sk: SCIM_KEYS.groupSk },
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw new ScimStoreConflictError(`SCIM group ${id} changed concurrently`);
        }
        throw error;
      }
      await doc.send(new DeleteCommand({ TableName, Key: { pk: SCIM_KEYS.groupIndexPk, sk: groupIndexSk(id) } }));
    },

    async members(groupId) {
      return (await queryPartition(groupPk(groupId), SCIM_KEYS.memberSkPrefix)).map(toMember);
    },

    async membersAmong(groupId, userIds) {
      // Point reads, a few at a time: a PATCH removes a handful of members (and GetItem is in the bundle already).
      const found = await mapWithConcurrency([...new Set(userIds)], READ_CONCURRENCY, async (userId) => {
        const out = await doc.send(
          new GetCommand({ TableName, Key: { pk: groupPk(groupId), sk: memberSk(userId) }, ConsistentRead: true }),
        );
        return out.Item ? toMember(out.Item) : undefined;
      });
      return found.filter((member): member is GroupMember => member !== undefined);
    },

    async groupsOf(userId) {
      const items = await queryPartition(memberOfPk(userId), SCIM_KEYS.memberOfSkPrefix);
      return items.map((item) => item.groupId).filter((id): id is string => typeof id === 'string');
    },

    async writeSettlements(groupId, settlements) {
      await batchWrite(
        settlements.map((settlement) => ({
          PutRequest: {
            Item: {
              pk: groupPk(groupId),
              sk: settleSk(settlement.userId),
              userId: settlement.userId,
              forget: [...settlement.forget],
            },
          },
        })),
      );
    },

    async pendingSettlements(groupId) {
      return (await queryPartition(groupPk(groupId), SCIM_KEYS.settleSkPrefix)).map((item) => ({
        userId: String(item.userId),
        forget: Array.isArray(item.forget) ? item.forget.filter((v): v is string => typeof v === 'string') : [],
      }));
    },

    async clearSettlements(groupId, userIds) {
      await batchWrite(
        userIds.map((userId) => ({ DeleteRequest: { Key: { pk: groupPk(groupId), sk: settleSk(userId) } } })),
      );
    },

    async writeMembers(groupId, put, remove) {
      await batchWrite([
        ...put.flatMap((member) => [
          {
            PutRequest: {
              Item: {
                pk: groupPk(groupId),
                sk: memberSk(member.value),
                value: member.value,
                ...(member.display === undefined ? {} : { display: member.display }),
                ...(member.type === undefined ? {} : { type: member.type }),
              },
            },
          },
          { PutRequest: { Item: { pk: memberOfPk(member.value), sk: memberOfSk(groupId), groupId } } },
        ]),
        ...remove.flatMap((userId) => [
          { DeleteRequest: { Key: { pk: groupPk(groupId), sk: memberSk(userId) } } },
          { DeleteRequest: { Key: { pk: memberOfPk(userId), sk: memberOfSk(groupId) } } },
        ]),
      ]);
    },
  };
}

function toMember(item: Record<string, unknown>): GroupMember {
  return {
    value: String(item.value),
    ...(typeof item.display === 'string' ? { display: item.display } : {}),
    ...(typeof item.type === 'string' ? { type: item.type } : {}),
  };
}

function toItem(record: ScimGroupRecord): GroupItem {
  return {
    pk: groupPk(record.id),
    sk: SCIM_KEYS.groupSk,
    id: record.id,
    displayName: record.displayName,
    ...(record.externalId === undefined ? {} : { externalId: record.externalId }),
    // A string, as a user's resource is: any client JSON round-trips exactly.
    attributesJson: JSON.stringify(record.attributes),
    created: record.created,
    lastModified: record.lastModified,
    version: record.version,
  };
}

function fromItem(item: GroupItem): ScimGroupRecord {
  return {
    id: item.id,
    displayName: item.displayName,
    ...(item.externalId === undefined ? {} : { externalId: item.externalId }),
    attributes: JSON.parse(item.attributesJson) as JsonObject,
    created: item.created,
    lastModified: item.lastModified,
    version: Number(item.version),
  };
}
