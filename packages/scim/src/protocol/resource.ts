import { EmailSchema } from '@idp-sync/contracts';
import { ScimBadRequestError } from '../errors';
import { SCIM_URN } from './constants';
import { splitAttrReference } from './filter';
import type { JsonObject, JsonValue } from './json';
import { findKey, getProp, isJsonObject, setProp } from './json';
import { type AttributeDefinition, attributeDefinition, canonicalAttributeName, knownExtensionUrn } from './schema';

/**
 * Attributes never stored from a request: `id` and `meta` belong to the service, `schemas` is computed on output,
 * `password` is write-only and this service has no use for it, `groups` is read-only.
 */
const NOT_STORED = new Set(['id', 'meta', 'schemas', 'password', 'groups']);

/** The Users API limits names to 255 characters. */
const MAX_NAME_LENGTH = 255;

/**
 * Brings a User resource from a request into the stored form: known attribute names in their canonical spelling
 * (`Primary` → `primary`, `Department` → `department`), `active` and `primary` as booleans (Entra sends the strings
 * "True"/"False"), nulls dropped (null means "no value" in SCIM), a lone object or string under a multi-valued attribute
 * wrapped into a list. Unknown attributes and extensions are kept exactly as sent. A known attribute of an impossible
 * type is a 400 `invalidValue` that names it.
 *
 * @example
 * normalizeResource({ userName: 'emp1', active: 'True', emails: [{ Primary: true, value: 'a@b.c' }] });
 * // { userName: 'emp1', active: true, emails: [{ primary: true, value: 'a@b.c' }] }
 */
export function normalizeResource(input: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(input)) {
    const value = input[key] as JsonValue;
    if (value === null || NOT_STORED.has(key.toLowerCase())) continue;
    if (key.toLowerCase() === SCIM_URN.user.toLowerCase()) {
      // Attributes wrapped in the core schema URN are core attributes.
      if (!isJsonObject(value)) throw invalid(key, 'must be an object');
      for (const [innerKey, innerValue] of Object.entries(normalizeResource(value))) setProp(out, innerKey, innerValue);
      continue;
    }
    const extension = knownExtensionUrn(key);
    if (extension) {
      if (!isJsonObject(value)) throw invalid(key, 'must be an object');
      const normalized = normalizeObject(value, (name) => attributeDefinition(extension, name), key);
      const existing = getProp(out, extension);
      setProp(out, extension, isJsonObject(existing) ? { ...existing, ...normalized } : normalized);
      continue;
    }
    if (/^urn:/i.test(key)) {
      setProp(out, key, value);
      continue;
    }
    const name = canonicalAttributeName(undefined, key);
    if (name === 'externalId') {
      setProp(out, name, toStringValue(value, name));
      continue;
    }
    const definition = attributeDefinition(undefined, key);
    setProp(out, name, definition ? normalizeValue(definition, value, name) : value);
  }
  return out;
}

function normalizeObject(
  object: JsonObject,
  definitionOf: (name: string) => AttributeDefinition | undefined,
  label: string,
): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(object)) {
    const value = object[key] as JsonValue;
    if (value === null) continue;
    const definition = definitionOf(key);
    if (!definition) {
      setProp(out, key, value);
      continue;
    }
    setProp(out, definition.name, normalizeValue(definition, value, `${label}.${definition.name}`));
  }
  return out;
}

function normalizeValue(definition: AttributeDefinition, value: JsonValue, label: string): JsonValue {
  if (definition.type === 'complex') {
    const subDefinition = (name: string) =>
      definition.subAttributes?.find((sub) => sub.name.toLowerCase() === name.toLowerCase());
    const complex = (element: JsonValue): JsonObject => {
      if (isJsonObject(element)) return normalizeObject(element, subDefinition, label);
      // A bare value of a complex attribute with a `value` sub-attribute is that value (Entra sends `manager` as a
      // plain id string; some clients send emails as plain strings).
      const scalar = typeof element === 'string' || typeof element === 'number' || typeof element === 'boolean';
      if (scalar && subDefinition('value')) {
        return { value: String(element) };
      }
      throw invalid(label, 'must be an object');
    };
    if (!definition.multiValued) return complex(value);
    const list = Array.isArray(value) ? value : [value];
    return list.filter((element) => element !== null).map(complex);
  }
  if (Array.isArray(value) && definition.multiValued) return value.map((item) => toScalar(definition, item, label));
  return toScalar(definition, value, label);
}

function toScalar(definition: AttributeDefinition, value: JsonValue, label: string): JsonValue {
  if (definition.type === 'boolean') {
    const bool = toBoolean(value);
    if (bool === undefined) throw invalid(label, 'must be true or false');
    return bool;
  }
  return toStringValue(value, label);
}

function toStringValue(value: JsonValue, label: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalid(label, 'must be a string');
}

/**
 * SCIM's boolean, accepting Entra's default wire form: `true`/`false` or the strings "True"/"False" in any case.
 *
 * @example
 * toBoolean('False') // false
 */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

function invalid(label: string, problem: string): ScimBadRequestError {
  return new ScimBadRequestError('invalidValue', `${label} ${problem}`);
}

/**
 * The person's email for the Users API: the `primary` entry of `emails`, else the `work` one, else the first; when that
 * is not an email address, `userName` if it is one. Undefined when neither is (the user is kept in SCIM but cannot be
 * provisioned).
 *
 * @example
 * deriveEmail({ userName: 'emp1', emails: [{ type: 'work', primary: true, value: 'Anna33@Gmail.com' }] }) // 'anna33@gmail.com'
 */
export function deriveEmail(resource: JsonObject): string | undefined {
  const emails = getProp(resource, 'emails');
  const entries = Array.isArray(emails) ? emails.filter(isJsonObject) : [];
  const chosen =
    entries.find((entry) => toBoolean(getProp(entry, 'primary')) === true) ??
    entries.find((entry) => String(getProp(entry, 'type') ?? '').toLowerCase() === 'work') ??
    entries[0];
  const fromEmails = chosen ? asEmail(getProp(chosen, 'value')) : undefined;
  return fromEmails ?? asEmail(getProp(resource, 'userName'));
}

function asEmail(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = EmailSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The person's display name: `displayName`, else `name.formatted`, else given and family name; at most 255 characters.
 *
 * @example
 * deriveName({ name: { givenName: 'Barbara', familyName: 'Jensen' } }) // 'Barbara Jensen'
 */
export function deriveName(resource: JsonObject): string | undefined {
  const name = getProp(resource, 'name');
  const candidates = [getProp(resource, 'displayName')];
  if (isJsonObject(name)) {
    candidates.push(getProp(name, 'formatted'));
    const parts = [getProp(name, 'givenName'), getProp(name, 'familyName')]
      .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
      .map((part) => part.trim());
    candidates.push(parts.join(' '));
  }
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim().slice(0, MAX_NAME_LENGTH);
  }
  return undefined;
}

/** The email values of a resource, for the email pointers. */
export function emailValues(resource: JsonObject): string[] {
  const emails = getProp(resource, 'emails');
  if (!Array.isArray(emails)) return [];
  return emails
    .filter(isJsonObject)
    .map((entry) => getProp(entry, 'value'))
    .filter((value): value is string => typeof value === 'string' && value.trim() !== '');
}

/** What a rendered User shows of a user the service keeps (a stored user record is one). */
export interface UserSnapshot {
  /** The SCIM `id`. */
  readonly id: string;
  readonly userName: string;
  readonly active: boolean;
  /** The other attributes, in their canonical names (no `id`, `meta` or `schemas`). */
  readonly resource: JsonObject;
  /** RFC 3339, for `meta.created` and `meta.lastModified`. */
  readonly created: string;
  readonly lastModified: string;
}

/**
 * A user as a SCIM User resource: `schemas` (core, plus every extension present), `id`, the attributes, and `meta`
 * with `resourceType`, `created`, `lastModified` and `location`.
 *
 * @example
 * renderUser(record, 'https://idp-sync.example.com/scim/v2');
 */
export function renderUser(record: UserSnapshot, baseLocation: string): JsonObject {
  const schemas: JsonValue[] = [SCIM_URN.user];
  for (const key of Object.keys(record.resource)) {
    if (/^urn:/i.test(key) && !schemas.includes(key)) schemas.push(key);
  }
  const out: JsonObject = { schemas, id: record.id };
  for (const key of Object.keys(record.resource)) setProp(out, key, record.resource[key] as JsonValue);
  setProp(out, 'userName', record.userName);
  setProp(out, 'active', record.active);
  setProp(out, 'meta', {
    resourceType: 'User',
    created: record.created,
    lastModified: record.lastModified,
    location: `${baseLocation}/Users/${record.id}`,
  });
  return out;
}

/**
 * Splits an `attributes=` / `excludedAttributes=` value into attribute references; a bracketed filter
 * (`emails[type eq "work"]`, as Microsoft's collection sends) names its attribute.
 *
 * @example
 * parseAttributeList('userName,emails[type eq "work"]') // ['userName', 'emails']
 */
export function parseAttributeList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .replace(/\[[^\]]*\]?/g, '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return names.length > 0 ? names : undefined;
}

/**
 * Applies `attributes` (only these, plus `id` and `schemas`, which are always returned) or `excludedAttributes`
 * (everything but these) to a rendered resource (RFC 7644 §3.9).
 *
 * @example
 * projectResource(user, ['userName', 'emails'], undefined);
 */
export function projectResource(
  rendered: JsonObject,
  attributes: readonly string[] | undefined,
  excluded: readonly string[] | undefined,
): JsonObject {
  if (attributes) return includeOnly(rendered, attributes);
  if (excluded) return excludeAll(rendered, excluded);
  return rendered;
}

function includeOnly(rendered: JsonObject, attributes: readonly string[]): JsonObject {
  const out: JsonObject = {};
  setProp(out, 'schemas', rendered.schemas ?? []);
  setProp(out, 'id', rendered.id ?? null);
  for (const reference of attributes) {
    const target = resolveReference(reference);
    if (!target) continue;
    const source = target.schema ? getProp(rendered, target.schema) : rendered;
    if (!isJsonObject(source)) continue;
    let destination = out;
    if (target.schema) {
      const schemaKey = findKey(rendered, target.schema) ?? target.schema;
      const existing = getProp(out, schemaKey);
      destination = isJsonObject(existing) ? existing : {};
      setProp(out, schemaKey, destination);
    }
    copyAttribute(source, destination, target.attr, target.sub);
  }
  return out;
}

function copyAttribute(source: JsonObject, destination: JsonObject, attr: string, sub: string | undefined): void {
  const key = findKey(source, attr);
  if (key === undefined) return;
  const value = source[key] as JsonValue;
  if (sub === undefined) {
    setProp(destination, key, value);
    return;
  }
  const current = getProp(destination, key);
  if (Array.isArray(value)) {
    const elements = value.map((element, index) => {
      const existing = Array.isArray(current) && isJsonObject(current[index]) ? current[index] : {};
      const subKey = isJsonObject(element) ? findKey(element, sub) : undefined;
      if (isJsonObject(element) && subKey !== undefined) setProp(existing, subKey, element[subKey] as JsonValue);
      return existing;
    });
    setProp(destination, key, elements);
  } else if (isJsonObject(value)) {
    const subKey = findKey(value, sub);
    if (subKey === undefined) return;
    const existing = isJsonObject(current) ? current : {};
    setProp(existing, subKey, value[subKey] as JsonValue);
    setProp(destination, key, existing);
  }
}

function excludeAll(rendered: JsonObject, excluded: readonly string[]): JsonObject {
  const out = JSON.parse(JSON.stringify(rendered)) as JsonObject;
  for (const reference of excluded) {
    const target = resolveReference(reference);
    if (!target) continue;
    const container = target.schema ? getProp(out, target.schema) : out;
    if (!isJsonObject(container)) continue;
    if (!target.schema && (target.attr.toLowerCase() === 'id' || target.attr.toLowerCase() === 'schemas')) continue;
    const key = findKey(container, target.attr);
    if (key === undefined) continue;
    if (target.sub === undefined) {
      delete container[key];
      continue;
    }
    const value = container[key];
    const sub = target.sub;
    const elements = Array.isArray(value) ? value : [value];
    for (const element of elements) {
      if (!isJsonObject(element)) continue;
      const subKey = findKey(element, sub);
      if (subKey !== undefined) delete element[subKey];
    }
  }
  return out;
}

function resolveReference(reference: string): { schema?: string; attr: string; sub?: string } | null {
  const split = splitAttrReference(reference);
  // A bare known extension URN designates the whole extension object.
  if (split && split.schema === undefined && /^urn:/i.test(split.attr))
    return { attr: knownExtensionUrn(split.attr) ?? split.attr };
  return split ? { ...split, attr: split.schema ? split.attr : canonicalAttributeName(undefined, split.attr) } : null;
}

/**
 * The role values a SCIM user carries (`roles[].value`: what Entra sends for an app role assignment), trimmed, at most
 * 50 of at most 256 characters, for the role policy (issue #18).
 *
 * @example
 * deriveRoleValues({ roles: [{ value: 'Annotator', primary: true }] }) // ['Annotator']
 */
export function deriveRoleValues(resource: JsonObject): string[] {
  const roles = getProp(resource, 'roles');
  if (!Array.isArray(roles)) return [];
  const values: string[] = [];
  for (const role of roles) {
    const value = isJsonObject(role) ? getProp(role, 'value') : role;
    if (typeof value === 'string' && value.trim() !== '' && values.length < 50) values.push(value.trim().slice(0, 256));
  }
  return values;
}
