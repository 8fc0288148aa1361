import { ScimBadRequestError } from '../errors';
import { SCIM_URN } from './constants';
import { matchesFilter } from './evaluate';
import { type AttrPath, type FilterExpr, isQualifiedByKnownSchema, parseAttrPath, splitAttrReference } from './filter';
import type { JsonObject, JsonValue } from './json';
import { cloneJson, deleteProp, findKey, getProp, isJsonObject, ownValue, setProp, stableStringify } from './json';
import { attributeDefinition, canonicalAttributeName, canonicalSubAttributeName, knownExtensionUrn } from './schema';

export type PatchOperationName = 'add' | 'replace' | 'remove';

/** One PATCH operation after its `op` and `path` were read (RFC 7644 §3.5.2). */
export interface PatchOperation {
  readonly op: PatchOperationName;
  readonly path?: string | undefined;
  readonly value?: JsonValue | undefined;
}

/** Attributes a PATCH may not name: they belong to the service. */
const READ_ONLY = new Set(['id', 'meta', 'schemas']);

/**
 * Reads a PatchOp body tolerantly: `Operations` in any case, `op` values in any case (Entra sends `Add`, `Replace`,
 * `Remove`), a missing `schemas` accepted. What cannot be understood is a 400 `invalidSyntax` that says why.
 *
 * @example
 * readPatchOperations({ Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
 */
export function readPatchOperations(body: unknown): PatchOperation[] {
  if (!isJsonObject(body)) throw new ScimBadRequestError('invalidSyntax', 'a PATCH body must be a PatchOp object');
  const operations = getProp(body, 'Operations');
  if (!Array.isArray(operations)) {
    throw new ScimBadRequestError('invalidSyntax', 'a PatchOp needs an "Operations" array');
  }
  return operations.map((operation, index) => {
    if (!isJsonObject(operation)) {
      throw new ScimBadRequestError('invalidSyntax', `Operations[${index}] must be an object`);
    }
    const op = getProp(operation, 'op');
    const name = typeof op === 'string' ? op.trim().toLowerCase() : '';
    if (name !== 'add' && name !== 'replace' && name !== 'remove') {
      throw new ScimBadRequestError('invalidSyntax', `Operations[${index}].op must be add, replace or remove`);
    }
    const path = getProp(operation, 'path');
    if (path !== undefined && path !== null && typeof path !== 'string') {
      throw new ScimBadRequestError('invalidPath', `Operations[${index}].path must be a string`);
    }
    const value = getProp(operation, 'value');
    return {
      op: name,
      ...(typeof path === 'string' && path.trim() !== '' ? { path: path.trim() } : {}),
      ...(value === undefined ? {} : { value }),
    };
  });
}

/**
 * Applies PATCH operations to a stored resource and returns the new resource (the input is not modified).
 *
 * Tolerates what Entra sends: a path-less `replace`/`add` whose value object has attribute paths as keys
 * (`"name.givenName"`, `"urn:…:enterprise:2.0:User:employeeNumber"`) or whole extension objects; filtered paths
 * (`emails[type eq "work"].value`) that create the element when none matches; `remove` with a value list. Attributes
 * this service does not know are stored as sent.
 *
 * @example
 * applyPatch(user, [{ op: 'replace', value: { 'name.givenName': 'Kkom', active: false } }]);
 */
export function applyPatch(resource: JsonObject, operations: readonly PatchOperation[]): JsonObject {
  const target = cloneJson(resource);
  operations.forEach((operation, index) => {
    if (operation.path === undefined) {
      applyPathless(target, operation, index);
      return;
    }
    applyAtPath(target, operation.op, parseAttrPath(operation.path), operation.value, index);
  });
  return target;
}

function applyPathless(target: JsonObject, operation: PatchOperation, index: number): void {
  if (operation.op === 'remove') {
    throw new ScimBadRequestError('noTarget', `Operations[${index}]: remove needs a path`);
  }
  if (!isJsonObject(operation.value)) {
    throw new ScimBadRequestError('invalidValue', `Operations[${index}]: without a path, value must be an object`);
  }
  for (const key of Object.keys(operation.value)) {
    const value = operation.value[key] as JsonValue;
    const extension =
      knownExtensionUrn(key) ??
      (/^urn:/i.test(key) && isJsonObject(value) && !isQualifiedByKnownSchema(key) ? key : undefined);
    if (extension && isJsonObject(value)) {
      // A whole extension object: each of its attributes is set in turn.
      for (const subKey of Object.keys(value)) {
        applyAtPath(target, operation.op, { schema: extension, attr: subKey }, value[subKey] as JsonValue, index);
      }
      continue;
    }
    if (key.includes('[')) {
      // A filtered path used as a key (`"emails[type eq \"work\"].value": "…"`).
      applyAtPath(target, operation.op, parseAttrPath(key), value, index);
      continue;
    }
    const split = splitAttrReference(key);
    if (split && READ_ONLY.has(split.attr.toLowerCase()) && split.schema === undefined) continue;
    if (!split) {
      // Not an attribute path at all: keep it verbatim as an unknown attribute.
      setProp(target, key, value);
      continue;
    }
    applyAtPath(target, operation.op, split, value, index);
  }
}

function applyAtPath(
  target: JsonObject,
  op: PatchOperationName,
  path: AttrPath,
  value: JsonValue | undefined,
  index: number,
): void {
  if (path.schema === undefined && READ_ONLY.has(path.attr.toLowerCase())) {
    throw new ScimBadRequestError('mutability', `Operations[${index}]: ${path.attr} is read-only`);
  }
  if (op !== 'remove' && value === undefined) {
    throw new ScimBadRequestError('invalidValue', `Operations[${index}]: ${op} needs a value`);
  }
  const container = containerFor(target, path.schema, op !== 'remove');
  if (!container) return;
  const definition = attributeDefinition(path.schema, path.attr);
  const key = findKey(container, path.attr) ?? canonicalAttributeName(path.schema, path.attr);
  // Own values only: `container["__proto__"]` is Object.prototype, and merging a value into it polluted the process.
  const current = ownValue(container, key);
  if (path.filter) {
    applyFiltered(container, key, current, op, path.filter, path.sub, value, index);
  } else if (path.sub !== undefined) {
    applySub(container, key, current, op, canonicalSubAttributeName(definition, path.sub), value);
  } else {
    applyWhole(container, key, current, op, value, definition?.multiValued === true);
  }
  if (path.schema !== undefined && Object.keys(container).length === 0) deleteProp(target, path.schema);
}

function containerFor(target: JsonObject, schema: string | undefined, create: boolean): JsonObject | undefined {
  if (schema === undefined || schema.toLowerCase() === SCIM_URN.user.toLowerCase()) return target;
  const existing = getProp(target, schema);
  if (isJsonObject(existing)) return existing;
  if (!create) return undefined;
  const created: JsonObject = {};
  setProp(target, knownExtensionUrn(schema) ?? schema, created);
  return created;
}

function applyWhole(
  container: JsonObject,
  key: string,
  current: JsonValue | undefined,
  op: PatchOperationName,
  value: JsonValue | undefined,
  multiValued: boolean,
): void {
  if (op === 'remove') {
    if (Array.isArray(current) && Array.isArray(value)) {
      // `remove` with a value list (Entra's member-removal form): drop the listed elements only.
      // Keyed once (a Set, not value.some per element): a 1 MiB list must not cost quadratic time.
      const listed = new Set(value.map((item) => stableStringify(item)));
      const listedValues = new Set(value.filter(isJsonObject).map((item) => stableStringify(getProp(item, 'value'))));
      const remaining = current.filter((element) => !isListed(element, listed, listedValues));
      setProp(container, key, remaining);
      return;
    }
    deleteProp(container, key);
    return;
  }
  const incoming = value as JsonValue;
  if (op === 'add' && (multiValued || Array.isArray(current))) {
    const existing = Array.isArray(current) ? current : current === undefined || current === null ? [] : [current];
    const additions = Array.isArray(incoming) ? incoming : [incoming];
    const merged = [...existing];
    const present = new Set(existing.map((element) => stableStringify(element)));
    for (const item of additions) {
      const itemKey = stableStringify(item);
      if (!present.has(itemKey)) {
        present.add(itemKey);
        merged.push(item);
      }
    }
    setProp(container, key, merged);
    return;
  }
  if (isJsonObject(current) && isJsonObject(incoming)) {
    // Complex attribute: the given sub-attributes replace theirs, the others stay (RFC 7644 §3.5.2.1 and .3).
    for (const subKey of Object.keys(incoming)) setProp(current, subKey, incoming[subKey] as JsonValue);
    return;
  }
  setProp(container, key, incoming);
}

function applySub(
  container: JsonObject,
  key: string,
  current: JsonValue | undefined,
  op: PatchOperationName,
  sub: string,
  value: JsonValue | undefined,
): void {
  if (Array.isArray(current)) {
    // `emails.value` without a filter designates that sub-attribute of every element.
    if (op === 'remove') {
      for (const element of current) if (isJsonObject(element)) deleteProp(element, sub);
      return;
    }
    if (current.length === 0) current.push({});
    for (const element of current) if (isJsonObject(element)) setProp(element, sub, value as JsonValue);
    return;
  }
  if (op === 'remove') {
    if (isJsonObject(current)) deleteProp(current, sub);
    return;
  }
  const object = isJsonObject(current) ? current : {};
  setProp(object, sub, value as JsonValue);
  setProp(container, key, object);
}

function applyFiltered(
  container: JsonObject,
  key: string,
  current: JsonValue | undefined,
  op: PatchOperationName,
  filter: FilterExpr,
  sub: string | undefined,
  value: JsonValue | undefined,
  index: number,
): void {
  const list = Array.isArray(current) ? current : current === undefined || current === null ? [] : [current];
  const matching = list.filter(
    (element): element is JsonObject => isJsonObject(element) && matchesFilter(element, filter),
  );
  if (op === 'remove') {
    if (sub === undefined) {
      setProp(
        container,
        key,
        list.filter((element) => !matching.includes(element as JsonObject)),
      );
    } else {
      for (const element of matching) deleteProp(element, sub);
    }
    return;
  }
  if (matching.length === 0) {
    // Entra replaces `emails[type eq "work"].value` on users that have no work email yet: create the element, seeded
    // with the filter's equality terms so that it matches from now on.
    const element = seedFromFilter(filter);
    assignToElement(element, sub, value, index);
    setProp(container, key, [...list, element]);
    return;
  }
  for (const element of matching) assignToElement(element, sub, value, index);
  setProp(container, key, list);
}

/** `add`/`replace` on one element selected by a value filter: its sub-attribute, or each member of an object value. */
function assignToElement(element: JsonObject, sub: string | undefined, value: JsonValue | undefined, index: number) {
  if (sub !== undefined) setProp(element, sub, value as JsonValue);
  else if (isJsonObject(value))
    for (const subKey of Object.keys(value)) setProp(element, subKey, value[subKey] as JsonValue);
  else
    throw new ScimBadRequestError(
      'invalidValue',
      `Operations[${index}]: the value for a filtered path must be an object`,
    );
}

function seedFromFilter(filter: FilterExpr): JsonObject {
  const seed: JsonObject = {};
  const visit = (expr: FilterExpr): void => {
    if (expr.kind === 'and') {
      visit(expr.left);
      visit(expr.right);
    } else if (expr.kind === 'compare' && expr.op === 'eq' && expr.path.sub === undefined && !expr.path.filter) {
      setProp(seed, expr.path.attr, expr.value);
    }
  };
  visit(filter);
  return seed;
}

/** An element a `remove` value list names: equal to a listed item, or (objects) with the `value` of a listed object. */
function isListed(element: JsonValue, listed: Set<string>, listedValues: Set<string>): boolean {
  if (listed.has(stableStringify(element))) return true;
  if (!isJsonObject(element)) return false;
  const value = getProp(element, 'value');
  return value !== undefined && listedValues.has(stableStringify(value));
}
