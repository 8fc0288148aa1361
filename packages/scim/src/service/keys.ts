import { createHash } from 'node:crypto';
import type { JsonObject } from '../protocol/json';
import { getProp } from '../protocol/json';
import { emailValues } from '../protocol/resource';

/**
 * Key conventions of SCIM items in the shared state table (every kind of item: packages/contracts/README.md):
 * - the user: `pk = scim#<scimId>`, `sk = user`;
 * - the unique userName pointer: `pk = scim-username#<lower(userName)>`, `sk = ref`, attribute `scimId`;
 * - externalId and email pointers: `pk = scim-externalid#<externalId>` / `scim-email#<lower(email)>`,
 *   `sk = ref#<scimId>`. These two are not unique (SCIM does not make externalId unique, Microsoft's own test collection
 *   gives four users the same one, and two SCIM users may carry the same email), so each owner has its own sort key.
 * - a group: `pk = scim-group#<groupId>`, `sk = group`; its members in the same partition, `sk = member#<userId>`
 *   (one item each: a group of 50,000 does not fit one item), and the other way round
 *   `pk = scim-member-of#<userId>`, `sk = group#<groupId>` (a user's groups, for `members[value eq …]` and cleanup);
 *   and, in the group's partition, `sk = settle#<userId>` per member a change still has to settle;
 * - the unique displayName pointer of a group: `pk = scim-groupname#<lower(displayName)>`, `sk = ref`, `groupId`;
 * - the groups' index: `pk = scim-groups`, `sk = group#<groupId>`, `groupId` (a listing is one Query).
 */
export const SCIM_KEYS = {
  userPrefix: 'scim#',
  userSk: 'user',
  userNamePrefix: 'scim-username#',
  externalIdPrefix: 'scim-externalid#',
  emailPrefix: 'scim-email#',
  uniqueRefSk: 'ref',
  refSkPrefix: 'ref#',
  groupPrefix: 'scim-group#',
  groupSk: 'group',
  memberSkPrefix: 'member#',
  settleSkPrefix: 'settle#',
  memberOfPrefix: 'scim-member-of#',
  memberOfSkPrefix: 'group#',
  groupNamePrefix: 'scim-groupname#',
  groupIndexPk: 'scim-groups',
  groupIndexSkPrefix: 'group#',
} as const;

/** DynamoDB allows 2048 bytes in a partition key; long values are keyed by their hash instead. */
const MAX_KEY_VALUE_BYTES = 512;

function keyValue(value: string): string {
  if (Buffer.byteLength(value, 'utf8') <= MAX_KEY_VALUE_BYTES) return value;
  return `sha256:${createHash('sha256').update(value).digest('hex')}`;
}

/** @example userPk('7f0c…') // 'scim#7f0c…' */
export function userPk(id: string): string {
  return `${SCIM_KEYS.userPrefix}${keyValue(id)}`;
}

/** userName is case-insensitive in SCIM (caseExact false), so its pointer is lower-cased. */
export function userNamePk(userName: string): string {
  return `${SCIM_KEYS.userNamePrefix}${keyValue(userName.toLowerCase())}`;
}

/** externalId is case-exact in SCIM. */
export function externalIdPk(externalId: string): string {
  return `${SCIM_KEYS.externalIdPrefix}${keyValue(externalId)}`;
}

export function emailPk(email: string): string {
  return `${SCIM_KEYS.emailPrefix}${keyValue(email.trim().toLowerCase())}`;
}

export function refSk(id: string): string {
  return `${SCIM_KEYS.refSkPrefix}${id}`;
}

/** @example groupPk('9d1e…') // 'scim-group#9d1e…' */
export function groupPk(id: string): string {
  return `${SCIM_KEYS.groupPrefix}${keyValue(id)}`;
}

export function memberSk(userId: string): string {
  return `${SCIM_KEYS.memberSkPrefix}${keyValue(userId)}`;
}

/** A user whose groups and scope a group change must still settle (see `createScimGroups`). */
export function settleSk(userId: string): string {
  return `${SCIM_KEYS.settleSkPrefix}${keyValue(userId)}`;
}

export function memberOfPk(userId: string): string {
  return `${SCIM_KEYS.memberOfPrefix}${keyValue(userId)}`;
}

export function memberOfSk(groupId: string): string {
  return `${SCIM_KEYS.memberOfSkPrefix}${keyValue(groupId)}`;
}

/** A group's item in the index partition (`pk = scim-groups`), which lists every group without a table scan. */
export function groupIndexSk(groupId: string): string {
  return `${SCIM_KEYS.groupIndexSkPrefix}${keyValue(groupId)}`;
}

/** A group's displayName is unique here, case-insensitively (Okta and Entra match groups by it). */
export function groupNamePk(displayName: string): string {
  return `${SCIM_KEYS.groupNamePrefix}${keyValue(displayName.toLowerCase())}`;
}

/** A user's `externalId` when it has a non-empty one. */
export function externalIdOf(resource: JsonObject): string | undefined {
  const value = getProp(resource, 'externalId');
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The partition keys of a user's secondary pointers: its externalId, every email value and its person email. */
export function pointerKeysOf(resource: JsonObject, personEmail: string | undefined): string[] {
  const keys = new Set<string>();
  const externalId = externalIdOf(resource);
  if (externalId !== undefined) keys.add(externalIdPk(externalId));
  for (const value of emailValues(resource)) keys.add(emailPk(value));
  if (personEmail !== undefined) keys.add(emailPk(personEmail));
  return [...keys];
}
