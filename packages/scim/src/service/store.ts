import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ProvisioningCommand } from '@idp-sync/contracts';
import { ScimStoreConflictError } from '../errors';
import type { JsonObject } from '../protocol/json';
import { emailPk, externalIdPk, refSk, SCIM_KEYS, userNamePk, userPk } from './keys';
import type { ScimUserRecord, ScimUserState, ScimUserStore } from './ports';

export interface DynamoDbScimUserStoreOptions {
  /** A DynamoDB client (a document client is built on it). */
  client: DynamoDBClient;
  tableName: string;
}

/** The attributes of a user item besides its keys. */
interface UserItem {
  pk: string;
  sk: string;
  id: string;
  userName: string;
  externalId?: string;
  resourceJson: string;
  active: boolean;
  personEmail?: string;
  provisioned: boolean;
  state: ScimUserState;
  created: string;
  lastModified: string;
  version: number;
  outboxJson: string;
  origin: 'scim' | 'users-api';
  pointerKeys: string[];
  inScope?: boolean;
}

const BATCH_LIMIT = 25;
const BATCH_RETRIES = 5;

/**
 * The SCIM user store on the shared DynamoDB state table. DynamoDB (and dynalite) offer no multi-item atomicity here,
 * so writes are ordered to stay safe: pointers are written before the user item and removed after it, and every read
 * that goes through a pointer checks the user it lands on — a stale pointer is harmless, a missing one would not be.
 *
 * @example
 * const store = createDynamoDbScimUserStore({ client: new DynamoDBClient({}), tableName: 'idp-sync-state' });
 * const user = await store.get('6f1c…');
 */
export function createDynamoDbScimUserStore(options: DynamoDbScimUserStoreOptions): ScimUserStore {
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const TableName = options.tableName;

  async function getUser(id: string): Promise<ScimUserRecord | null> {
    const out = await doc.send(
      new GetCommand({ TableName, Key: { pk: userPk(id), sk: SCIM_KEYS.userSk }, ConsistentRead: true }),
    );
    return out.Item ? fromItem(out.Item as UserItem) : null;
  }

  async function queryRefs(pk: string): Promise<ScimUserRecord[]> {
    const ids: string[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :ref)',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
          ExpressionAttributeValues: { ':pk': pk, ':ref': SCIM_KEYS.refSkPrefix },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const item of out.Items ?? []) {
        if (typeof item.scimId === 'string') ids.push(item.scimId);
      }
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const users = await Promise.all(ids.map((id) => getUser(id)));
    return users.filter((user): user is ScimUserRecord => user !== null);
  }

  async function batchWrite(requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string]): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH_LIMIT) {
      let pending = requests.slice(start, start + BATCH_LIMIT);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= BATCH_RETRIES) throw new Error(`DynamoDB left ${pending.length} pointer writes unprocessed`);
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: pending } }));
        pending = out.UnprocessedItems?.[TableName] ?? [];
        if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    }
  }

  return {
    get: getUser,

    async userNameOwner(userName) {
      const out = await doc.send(
        new GetCommand({
          TableName,
          Key: { pk: userNamePk(userName), sk: SCIM_KEYS.uniqueRefSk },
          ConsistentRead: true,
        }),
      );
      const owner = out.Item?.scimId;
      return typeof owner === 'string' ? owner : null;
    },

    queryByExternalId: (externalId) => queryRefs(externalIdPk(externalId)),
    queryByEmail: (email) => queryRefs(emailPk(email)),

    async scan() {
      const users: ScimUserRecord[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new ScanCommand({
            TableName,
            FilterExpression: '#sk = :sk AND begins_with(#pk, :prefix)',
            ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
            ExpressionAttributeValues: { ':sk': SCIM_KEYS.userSk, ':prefix': SCIM_KEYS.userPrefix },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        for (const item of out.Items ?? []) users.push(fromItem(item as UserItem));
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return users;
    },

    async claimUserName(userName, id, takeOverFrom) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { pk: userNamePk(userName), sk: SCIM_KEYS.uniqueRefSk, scimId: id },
            ConditionExpression:
              takeOverFrom === undefined
                ? 'attribute_not_exists(#pk) OR scimId = :id'
                : 'attribute_not_exists(#pk) OR scimId = :id OR scimId = :previous',
            ExpressionAttributeNames: { '#pk': 'pk' },
            ExpressionAttributeValues:
              takeOverFrom === undefined ? { ':id': id } : { ':id': id, ':previous': takeOverFrom },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async releaseUserName(userName, id) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName,
            Key: { pk: userNamePk(userName), sk: SCIM_KEYS.uniqueRefSk },
            ConditionExpression: 'scimId = :id',
            ExpressionAttributeValues: { ':id': id },
          }),
        );
      } catch (error) {
        // Someone else owns the name now (or it is already gone): nothing of ours to release.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async putPointers(id, pointerKeys) {
      await batchWrite(pointerKeys.map((pk) => ({ PutRequest: { Item: { pk, sk: refSk(id), scimId: id } } })));
    },

    async insert(record) {
      await batchWrite([
        { PutRequest: { Item: toItem(record) } },
        ...record.pointerKeys.map((pk) => ({ PutRequest: { Item: { pk, sk: refSk(record.id), scimId: record.id } } })),
      ]);
    },

    async deletePointers(id, pointerKeys) {
      await batchWrite(pointerKeys.map((pk) => ({ DeleteRequest: { Key: { pk, sk: refSk(id) } } })));
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
          throw new ScimStoreConflictError(`SCIM user ${record.id} changed concurrently`);
        }
        throw error;
      }
    },

    async delete(id, expectedVersion) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName,
            Key: { pk: userPk(id), sk: SCIM_KEYS.userSk },
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw new ScimStoreConflictError(`SCIM user ${id} changed concurrently`);
        }
        throw error;
      }
    },
  };
}

function toItem(record: ScimUserRecord): UserItem {
  return {
    pk: userPk(record.id),
    sk: SCIM_KEYS.userSk,
    id: record.id,
    userName: record.userName,
    ...(record.externalId === undefined ? {} : { externalId: record.externalId }),
    // Stored as a string: arbitrary client JSON (huge numbers, empty sets, odd keys) would not always survive
    // DynamoDB's type system, and a string round-trips exactly.
    resourceJson: JSON.stringify(record.resource),
    active: record.active,
    ...(record.personEmail === undefined ? {} : { personEmail: record.personEmail }),
    provisioned: record.provisioned,
    state: record.state,
    created: record.created,
    lastModified: record.lastModified,
    version: record.version,
    outboxJson: JSON.stringify(record.outbox),
    origin: record.origin,
    pointerKeys: [...record.pointerKeys],
    ...(record.inScope === undefined ? {} : { inScope: record.inScope }),
  };
}

function fromItem(item: UserItem): ScimUserRecord {
  return {
    id: item.id,
    userName: item.userName,
    externalId: item.externalId,
    resource: JSON.parse(item.resourceJson) as JsonObject,
    active: item.active,
    personEmail: item.personEmail,
    provisioned: item.provisioned,
    state: item.state,
    created: item.created,
    lastModified: item.lastModified,
    version: Number(item.version),
    outbox: JSON.parse(item.outboxJson) as ProvisioningCommand[],
    origin: item.origin,
    pointerKeys: Array.isArray(item.pointerKeys) ? item.pointerKeys : [],
    ...(typeof item.inScope === 'boolean' ? { inScope: item.inScope } : {}),
  };
}
