import { ScimBadRequestError } from '../errors';
import { SCIM_URN } from './constants';
import { matchesFilter } from './evaluate';
import { type FilterExpr, parseAttrPath } from './filter';
import type { JsonObject, JsonValue } from './json';
import { deleteProp, findKey, getProp, isJsonObject, setProp } from './json';
import type { PatchOperation } from './patch';

/*
 * The SCIM Group resource (RFC 7643 §4.2) and the PATCH forms that change a group's members, with no I/O. Members are
 * not part of the stored group resource: a group of 50,000 people does not fit one state-table item, so the service
 * keeps them as items of their own, and this module says what a request asks of them.
 */

/** The most members one request may name (a POST's or PUT's list, or the values of one PATCH). */
export const SCIM_MAX_MEMBERS_PER_REQUEST = 10_000;

/** The most characters of a member `value` (our user ids are UUIDs; Microsoft's collection sends short strings). */
const MAX_MEMBER_VALUE = 256;
/** The most characters of a group's `displayName` and `externalId`. */
const MAX_GROUP_NAME = 256;

/** One member of a group: the SCIM `id` of a user (`value`) and what the client called them. */
export interface GroupMember {
  readonly value: string;
  readonly display?: string | undefined;
  /** `User` or `Group` as the client sent it; only users are provisioned. */
  readonly type?: string | undefined;
}

/** A group as a client sent it, split into its members and everything else. */
export interface GroupInput {
  readonly displayName: string;
  readonly externalId?: string | undefined;
  /** The other attributes, as sent (no `id`, `meta`, `schemas`, `members`). */
  readonly attributes: JsonObject;
  readonly members: readonly GroupMember[];
}

/** What a rendered Group shows of a group the service keeps. */
export interface GroupSnapshot {
  readonly id: string;
  readonly displayName: string;
  readonly externalId?: string | undefined;
  readonly attributes: JsonObject;
  readonly created: string;
  readonly lastModified: string;
}

const SERVICE_OWNED = new Set(['id', 'meta', 'schemas', 'members']);

/**
 * Reads a POSTed or PUT group: `displayName` is required (a string of 1–256 characters, trimmed), `externalId`
 * optional; `members` as RFC 7643 sends them (`[{ value, display?, type?, $ref? }]`), or bare ids. Unknown attributes
 * are kept as sent; `id`, `meta` and `schemas` are the service's and ignored.
 *
 * @example
 * readGroupInput({ displayName: 'Arize Admins', members: [{ value: '2819c223-…', display: 'Ada' }] });
 */
export function readGroupInput(body: JsonValue): GroupInput {
  if (!isJsonObject(body)) throw new ScimBadRequestError('invalidSyntax', 'a Group must be a JSON object');
  const displayName = readName(getProp(body, 'displayName'), 'displayName');
  if (displayName === undefined) throw new ScimBadRequestError('invalidValue', 'a Group needs a displayName');
  const externalId = readName(getProp(body, 'externalId'), 'externalId');
  const attributes: JsonObject = {};
  for (const key of Object.keys(body)) {
    const lower = key.toLowerCase();
    if (SERVICE_OWNED.has(lower) || lower === 'displayname' || lower === 'externalid') continue;
    setProp(attributes, key, body[key] as JsonValue);
  }
  const members = getProp(body, 'members');
  return {
    displayName,
    ...(externalId === undefined ? {} : { externalId }),
    attributes,
    members: members === undefined || members === null ? [] : readMembers(members, 'members'),
  };
}

/** A name-like attribute: absent/null → undefined; otherwise a trimmed string of 1–256 characters. */
function readName(value: JsonValue | undefined, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ScimBadRequestError('invalidValue', `${name} must be a non-empty string`);
  }
  if (value.length > MAX_GROUP_NAME) {
    throw new ScimBadRequestError('invalidValue', `${name} is longer than ${MAX_GROUP_NAME} characters`);
  }
  return value.trim();
}

/**
 * Members as a client sends them: an array of `{ value, display?, type? }` (Entra adds `"$ref": null`), one such object,
 * or bare ids (Microsoft's reference collection PATCHes `"value": "string id 1"`). Bounded before it is walked.
 */
export function readMembers(value: JsonValue, where: string): GroupMember[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length > SCIM_MAX_MEMBERS_PER_REQUEST) {
    throw new ScimBadRequestError(
      'invalidValue',
      `${where} names ${list.length} members; at most ${SCIM_MAX_MEMBERS_PER_REQUEST} are accepted in one request: send the rest in another`,
    );
  }
  const members = new Map<string, GroupMember>();
  list.forEach((entry, index) => {
    const at = Array.isArray(value) ? `${where}[${index}]` : where;
    const raw = isJsonObject(entry) ? getProp(entry, 'value') : entry;
    if (typeof raw !== 'string' || raw.trim() === '') {
      throw new ScimBadRequestError('invalidValue', `${at}.value must be the id of a user (a non-empty string)`);
    }
    if (raw.length > MAX_MEMBER_VALUE) {
      throw new ScimBadRequestError('invalidValue', `${at}.value is longer than ${MAX_MEMBER_VALUE} characters`);
    }
    const display = isJsonObject(entry) ? (getProp(entry, 'display') ?? getProp(entry, 'displayName')) : undefined;
    const type = isJsonObject(entry) ? getProp(entry, 'type') : undefined;
    members.set(raw.trim(), {
      value: raw.trim(),
      ...(typeof display === 'string' && display !== '' ? { display: display.slice(0, MAX_GROUP_NAME) } : {}),
      ...(typeof type === 'string' && type !== '' ? { type: type.slice(0, 32) } : {}),
    });
  });
  return [...members.values()];
}

/**
 * One step of a group PATCH, in the order of its operations:
 * - `add` / `remove` / `replace` members (`remove` by id, or `removeWhere` a value filter such as
 *   `members[display eq "Ada"]`, or `removeAll`);
 * - `attributes`: an operation on anything but members (`displayName`, `externalId`, extensions), for `applyPatch`.
 */
export type GroupPatchStep =
  | { readonly kind: 'add' | 'replace'; readonly members: readonly GroupMember[] }
  | { readonly kind: 'remove'; readonly ids: readonly string[] }
  | { readonly kind: 'removeWhere'; readonly filter: FilterExpr }
  | { readonly kind: 'removeAll' }
  | { readonly kind: 'attributes'; readonly operation: PatchOperation };

/**
 * Splits PATCH operations on a group into member steps and attribute operations, in the forms Entra and Okta send:
 * Entra's `{ op: "Add" | "Remove", path: "members", value: [{ "$ref": null, value }] }` and
 * `{ op: "Replace", path: "displayName", value }`; Okta's `{ op: "remove", path: "members[value eq \"…\"]" }`,
 * `{ op: "add", path: "members", value: [{ value, display }] }` and path-less
 * `{ op: "replace", value: { id, displayName } }`; RFC 7644's `replace` of `members` and `remove` of all of them.
 *
 * @example
 * readGroupPatch([{ op: 'remove', path: 'members[value eq "2819c223"]' }]); // [{ kind: 'remove', ids: ['2819c223'] }]
 */
export function readGroupPatch(operations: readonly PatchOperation[]): GroupPatchStep[] {
  const steps: GroupPatchStep[] = [];
  let named = 0;
  const count = (members: readonly GroupMember[] | readonly string[]) => {
    named += members.length;
    if (named > SCIM_MAX_MEMBERS_PER_REQUEST) {
      throw new ScimBadRequestError(
        'invalidValue',
        `the request names more than ${SCIM_MAX_MEMBERS_PER_REQUEST} members; send the rest in another request`,
      );
    }
  };
  operations.forEach((operation, index) => {
    const at = `Operations[${index}]`;
    if (operation.path === undefined) {
      if (operation.op === 'remove') throw new ScimBadRequestError('noTarget', `${at}: remove needs a path`);
      if (!isJsonObject(operation.value)) {
        throw new ScimBadRequestError('invalidValue', `${at}: without a path, value must be an object`);
      }
      // Okta's rename sends the group's own `id` beside the new name: it names the group, it changes nothing.
      const rest: JsonObject = {};
      let members: JsonValue | undefined;
      for (const key of Object.keys(operation.value)) {
        const lower = key.toLowerCase();
        if (lower === 'members') members = operation.value[key] as JsonValue;
        else if (lower !== 'id' && lower !== 'schemas' && lower !== 'meta') {
          setProp(rest, key, operation.value[key] as JsonValue);
        }
      }
      if (members !== undefined) {
        const list = members === null ? [] : readMembers(members, `${at}.value.members`);
        count(list);
        steps.push({ kind: operation.op === 'replace' ? 'replace' : 'add', members: list });
      }
      if (Object.keys(rest).length > 0) steps.push({ kind: 'attributes', operation: { ...operation, value: rest } });
      return;
    }
    // A path qualified with the Group schema's own URN is a core path (RFC 7644 §3.10): without this, a qualified
    // `members[value eq "…"]` would be an unknown attribute and remove nobody.
    const unqualified = withoutGroupUrn(operation.path);
    const path = parseAttrPath(unqualified);
    if (path.schema !== undefined || path.attr.toLowerCase() !== 'members') {
      steps.push({ kind: 'attributes', operation: { ...operation, path: unqualified } });
      return;
    }
    if (path.sub !== undefined) {
      throw new ScimBadRequestError('invalidPath', `${at}: a member can only be added, replaced or removed whole`);
    }
    if (path.filter !== undefined) {
      if (operation.op !== 'remove') {
        throw new ScimBadRequestError('invalidPath', `${at}: a filtered members path can only be removed`);
      }
      const ids = equalityIds(path.filter);
      if (ids !== undefined) {
        count(ids);
        steps.push({ kind: 'remove', ids });
      } else {
        steps.push({ kind: 'removeWhere', filter: path.filter });
      }
      return;
    }
    if (operation.op === 'remove') {
      // Entra removes members with a value list on the plain path; without one, every member goes (RFC 7644 §3.5.2.2).
      if (operation.value === undefined || operation.value === null) {
        steps.push({ kind: 'removeAll' });
        return;
      }
      const ids = readMembers(operation.value, `${at}.value`).map((member) => member.value);
      count(ids);
      steps.push({ kind: 'remove', ids });
      return;
    }
    if (operation.value === undefined)
      throw new ScimBadRequestError('invalidValue', `${at}: ${operation.op} needs a value`);
    const members = operation.value === null ? [] : readMembers(operation.value, `${at}.value`);
    count(members);
    steps.push({ kind: operation.op, members });
  });
  return steps;
}

function withoutGroupUrn(path: string): string {
  const prefix = `${SCIM_URN.group}:`;
  return path.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase() ? path.slice(prefix.length) : path;
}

/** The ids of `value eq "a" or value eq "b"`; undefined when the filter says anything else. */
function equalityIds(filter: FilterExpr): string[] | undefined {
  if (filter.kind === 'or') {
    const left = equalityIds(filter.left);
    const right = left && equalityIds(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.path.schema === undefined &&
    filter.path.attr.toLowerCase() === 'value' &&
    filter.path.sub === undefined &&
    filter.path.filter === undefined &&
    typeof filter.value === 'string'
  ) {
    return [filter.value];
  }
  return undefined;
}

/** True when a member matches a value filter (`members[display eq "Ada"]`). */
export function memberMatches(member: GroupMember, filter: FilterExpr): boolean {
  return matchesFilter(memberResource(member), filter);
}

function memberResource(member: GroupMember): JsonObject {
  return {
    value: member.value,
    ...(member.display === undefined ? {} : { display: member.display }),
    ...(member.type === undefined ? {} : { type: member.type }),
  };
}

/**
 * A group as a SCIM Group resource: `schemas` (core plus extensions present), `id`, `externalId`, `displayName`,
 * `members` (when given: a listing that excludes them does not load them), the other attributes and `meta`.
 *
 * @example
 * renderGroup(group, members, 'https://idp-sync.example.com/scim/v2');
 */
export function renderGroup(
  group: GroupSnapshot,
  members: readonly GroupMember[] | undefined,
  baseLocation: string,
): JsonObject {
  const schemas: JsonValue[] = [SCIM_URN.group];
  for (const key of Object.keys(group.attributes)) {
    if (/^urn:/i.test(key) && !schemas.includes(key)) schemas.push(key);
  }
  const out: JsonObject = { schemas, id: group.id };
  if (group.externalId !== undefined) setProp(out, 'externalId', group.externalId);
  setProp(out, 'displayName', group.displayName);
  for (const key of Object.keys(group.attributes)) setProp(out, key, group.attributes[key] as JsonValue);
  if (members !== undefined) {
    setProp(
      out,
      'members',
      members.map((member) => ({
        value: member.value,
        ...(member.display === undefined ? {} : { display: member.display }),
        ...(member.type === undefined ? {} : { type: member.type }),
        $ref: `${baseLocation}/${member.type?.toLowerCase() === 'group' ? 'Groups' : 'Users'}/${member.value}`,
      })),
    );
  }
  setProp(out, 'meta', {
    resourceType: 'Group',
    created: group.created,
    lastModified: group.lastModified,
    location: `${baseLocation}/Groups/${group.id}`,
  });
  return out;
}

/**
 * The group's attributes as `applyPatch` sees them (displayName and externalId among the rest), and back: a PATCH
 * of attributes runs through the same code as a user's, then is read like a PUT.
 *
 * @example
 * const after = groupFromResource(applyPatch(groupResource(group), operations));
 */
export function groupResource(group: Pick<GroupSnapshot, 'displayName' | 'externalId' | 'attributes'>): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(group.attributes)) setProp(out, key, group.attributes[key] as JsonValue);
  setProp(out, 'displayName', group.displayName);
  if (group.externalId !== undefined) setProp(out, 'externalId', group.externalId);
  return out;
}

/** Reads back what {@link groupResource} gave `applyPatch` (a removed displayName is a 400: a group needs one). */
export function groupFromResource(resource: JsonObject): Omit<GroupInput, 'members'> {
  const copy: JsonObject = {};
  for (const key of Object.keys(resource)) setProp(copy, key, resource[key] as JsonValue);
  const membersKey = findKey(copy, 'members');
  if (membersKey !== undefined) deleteProp(copy, membersKey);
  const { members: _members, ...rest } = readGroupInput(copy);
  return rest;
}

/** True when an `attributes` / `excludedAttributes` pair leaves `members` out of the answer. */
export function membersExcluded(
  attributes: readonly string[] | undefined,
  excluded: readonly string[] | undefined,
): boolean {
  const names = (list: readonly string[]) => list.map((name) => name.toLowerCase().replace(/^.*:/, ''));
  if (attributes !== undefined)
    return !names(attributes).some((name) => name === 'members' || name.startsWith('members.'));
  return excluded !== undefined && names(excluded).includes('members');
}
