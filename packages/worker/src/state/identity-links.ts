import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CommandSource } from '@idp-sync/contracts';
import { DEFAULT_STATE_TABLE_NAME, isConditionalCheckFailure, STATE_TABLE_KEY } from '@idp-sync/contracts';
import { StateStoreError } from '../errors';

const LINK_PREFIX = 'link#';
const ADDRESS_PREFIX = 'link-email#';
const LINK_SORT_KEY = 'link';

/** A source's stable id of a person: which source, and its id there. */
export interface SourceUserRef {
  source: CommandSource;
  sourceUserId: string;
}

/**
 * The item that ties a source's stable id of a person to the email they are provisioned under in the Users API
 * (`pk = link#<source>#<sourceUserId>`, `sk = link`). Written by the first command of that id the worker runs, moved
 * only when that account was deleted and the person joins again under another address, never removed.
 */
export interface IdentityLink extends SourceUserRef {
  /** The Users API key the id's commands are applied to. */
  email: string;
  /** The command that wrote the link (first claim, or the last move). */
  commandId: string;
  /** The address the link pointed to before its last move. */
  movedFrom?: string;
  updatedAt: string;
}

/**
 * The key of the link of a source's id.
 *
 * @example
 * identityLinkKey({ source: 'okta', sourceUserId: '00u1abcd' }) // { pk: 'link#okta#00u1abcd', sk: 'link' }
 */
export function identityLinkKey(ref: SourceUserRef): Record<string, string> {
  return {
    [STATE_TABLE_KEY.pk]: `${LINK_PREFIX}${ref.source}#${ref.sourceUserId}`,
    [STATE_TABLE_KEY.sk]: LINK_SORT_KEY,
  };
}

/**
 * The key of the item that reserves an address of a source for one of its ids: within one source, an address is
 * linked to at most one id, so one id cannot take over an account another id of the same source holds
 * (`{ pk: 'link-email#okta#ada@example.com', sk: 'link' }`).
 */
function linkedAddressKey(source: CommandSource, email: string): Record<string, string> {
  return { [STATE_TABLE_KEY.pk]: `${ADDRESS_PREFIX}${source}#${email}`, [STATE_TABLE_KEY.sk]: LINK_SORT_KEY };
}

/** The map key of a ref in {@link IdentityLinkRepository.getMany} results. */
export function sourceUserKey(ref: SourceUserRef): string {
  return `${ref.source}#${ref.sourceUserId}`;
}

export interface IdentityLinkRepositoryOptions {
  client: DynamoDBClient;
  tableName?: string;
  /** Clock for `updatedAt`; injectable for tests. */
  now?: () => Date;
}

/**
 * The identity links of the state table. Every write is conditional, so retries and concurrent workers converge:
 * a claim is a put that only the first writer wins (the others read the winner), an address reservation succeeds
 * again for the id that holds it and never for another, and a move succeeds only from the address the mover read.
 * Reads are strongly consistent. Failures of DynamoDB itself are {@link StateStoreError}s (transient).
 *
 * @example
 * const links = new IdentityLinkRepository({ client: dynamo, tableName: 'idp-sync-state' });
 * if (await links.reserveAddress('okta', 'ada@example.com', '00u1abcd', 'okta:evt-1')) {
 *   const link = await links.claim({ source: 'okta', sourceUserId: '00u1abcd' }, 'ada@example.com', 'okta:evt-1');
 * }
 */
export class IdentityLinkRepository {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => Date;

  constructor(options: IdentityLinkRepositoryOptions) {
    this.#doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.#tableName = options.tableName ?? DEFAULT_STATE_TABLE_NAME;
    this.#now = options.now ?? (() => new Date());
  }

  /** The link of `ref`, or `undefined` when the worker never ran a command of that id. */
  async get(ref: SourceUserRef): Promise<IdentityLink | undefined> {
    try {
      const out = await this.#doc.send(
        new GetCommand({ TableName: this.#tableName, Key: identityLinkKey(ref), ConsistentRead: true }),
      );
      return out.Item ? toLink(ref, out.Item) : undefined;
    } catch (error) {
      throw new StateStoreError('getLink', error);
    }
  }

  /** The links of several ids in one round trip per 100 (BatchGetItem), keyed by {@link sourceUserKey}. */
  async getMany(refs: readonly SourceUserRef[]): Promise<Map<string, IdentityLink | undefined>> {
    const unique = new Map(refs.map((ref) => [sourceUserKey(ref), ref]));
    const found = new Map<string, IdentityLink | undefined>();
    const all = [...unique.values()];
    for (let i = 0; i < all.length; i += 100) {
      const byPk = new Map(all.slice(i, i + 100).map((ref) => [identityLinkKey(ref)[STATE_TABLE_KEY.pk], ref]));
      let keys: Record<string, unknown>[] = [...byPk.values()].map(identityLinkKey);
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt >= 5) throw new StateStoreError('getLinks', new Error('DynamoDB left keys unprocessed'));
        try {
          const out = await this.#doc.send(
            new BatchGetCommand({ RequestItems: { [this.#tableName]: { Keys: keys, ConsistentRead: true } } }),
          );
          for (const item of out.Responses?.[this.#tableName] ?? []) {
            const ref = byPk.get(String(item[STATE_TABLE_KEY.pk]));
            if (ref) found.set(sourceUserKey(ref), toLink(ref, item));
          }
          keys = (out.UnprocessedKeys?.[this.#tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
        } catch (error) {
          throw new StateStoreError('getLinks', error);
        }
        if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
    for (const key of unique.keys()) if (!found.has(key)) found.set(key, undefined);
    return found;
  }

  /**
   * Reserves `email` of `source` for `sourceUserId`: true when it was free or already this id's (a retry), false
   * when another id of the same source holds it.
   */
  async reserveAddress(source: CommandSource, email: string, sourceUserId: string, commandId: string) {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: linkedAddressKey(source, email),
          UpdateExpression:
            'SET #id = :id, #source = :source, #email = :email, #cmd = if_not_exists(#cmd, :cmd), #upd = if_not_exists(#upd, :upd)',
          ConditionExpression: 'attribute_not_exists(#id) OR #id = :id',
          ExpressionAttributeNames: {
            '#id': 'sourceUserId',
            '#source': 'source',
            '#email': 'email',
            '#cmd': 'commandId',
            '#upd': 'updatedAt',
          },
          ExpressionAttributeValues: {
            ':id': sourceUserId,
            ':source': source,
            ':email': email,
            ':cmd': commandId,
            ':upd': this.#now().toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw new StateStoreError('reserveAddress', error);
    }
  }

  /**
   * Links `ref` to `email` unless it is linked already; returns the link as stored — this one, or the one another
   * command wrote first (a concurrent worker, or an earlier attempt of the same command).
   */
  async claim(ref: SourceUserRef, email: string, commandId: string): Promise<IdentityLink> {
    const link: IdentityLink = { ...ref, email, commandId, updatedAt: this.#now().toISOString() };
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...identityLinkKey(ref), ...link },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': STATE_TABLE_KEY.pk },
        }),
      );
      return link;
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw new StateStoreError('claimLink', error);
    }
    const existing = await this.get(ref);
    if (existing === undefined)
      throw new StateStoreError('claimLink', new Error('the link vanished after a lost claim'));
    return existing;
  }

  /**
   * Moves the link of `ref` from `from` to `to`: true when it still pointed to `from` (or already points to `to`,
   * a retry of the same move), false when another command changed it meanwhile.
   */
  async move(ref: SourceUserRef, from: string, to: string, commandId: string): Promise<boolean> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: identityLinkKey(ref),
          UpdateExpression: 'SET #email = :to, #from = :from, #cmd = :cmd, #upd = :upd',
          ConditionExpression: '#email = :from OR (#email = :to AND #from = :from)',
          ExpressionAttributeNames: {
            '#email': 'email',
            '#from': 'movedFrom',
            '#cmd': 'commandId',
            '#upd': 'updatedAt',
          },
          ExpressionAttributeValues: { ':to': to, ':from': from, ':cmd': commandId, ':upd': this.#now().toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw new StateStoreError('moveLink', error);
    }
  }
}

function toLink(ref: SourceUserRef, item: Record<string, unknown>): IdentityLink {
  return {
    ...ref,
    email: String(item.email),
    commandId: typeof item.commandId === 'string' ? item.commandId : '',
    ...(typeof item.movedFrom === 'string' ? { movedFrom: item.movedFrom } : {}),
    updatedAt: typeof item.updatedAt === 'string' ? item.updatedAt : '',
  };
}
