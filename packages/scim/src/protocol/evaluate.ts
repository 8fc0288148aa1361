import { toAsciiLowerCase } from '@idp-sync/common';
import type { AttrPath, CompareOperator, FilterExpr, FilterValue } from './filter';
import type { JsonObject, JsonValue } from './json';
import { findKey } from './json';
import { toBoolean } from './resource';

/**
 * Attributes whose string comparisons are case-exact (RFC 7643: `id`, `externalId`); all others ignore the case of
 * ASCII letters (only: Unicode case mapping would make `userName eq "\u212Aate@…"` — KELVIN SIGN — find kate@…, and
 * Entra would then manage kate's resource as that other user).
 */
const CASE_EXACT = new Set(['id', 'externalid']);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([Tt ][\d:.]+([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Evaluates a parsed filter against one resource (as rendered, with `id` and `meta`), or against one element of a
 * multi-valued attribute when used inside brackets. A multi-valued attribute matches when any of its values does.
 *
 * @example
 * matchesFilter(user, parseFilter('emails[type eq "work"].value eq "alice@contoso.com"'));
 */
export function matchesFilter(resource: JsonObject, expr: FilterExpr): boolean {
  switch (expr.kind) {
    case 'and':
      return matchesFilter(resource, expr.left) && matchesFilter(resource, expr.right);
    case 'or':
      return matchesFilter(resource, expr.left) || matchesFilter(resource, expr.right);
    case 'not':
      return !matchesFilter(resource, expr.expr);
    case 'has':
      return resolvePath(resource, expr.path).length > 0;
    case 'present':
      return resolvePath(resource, expr.path).some(isPresent);
    case 'compare': {
      const values = resolvePath(resource, expr.path);
      const caseExact = expr.path.schema === undefined && CASE_EXACT.has(expr.path.attr.toLowerCase());
      if (expr.op === 'ne') return !values.some((value) => compare(value, 'eq', expr.value, caseExact));
      if (expr.op === 'eq' && expr.value === null) return !values.some(isPresent);
      return values.some((value) => compare(value, expr.op, expr.value, caseExact));
    }
  }
}

/**
 * The values an attribute path designates in a resource, flattened: `emails.value` gives every email address,
 * `emails[type eq "work"]` the matching email objects. For a multi-valued complex attribute without a sub-attribute
 * the comparison uses each element's `value` (RFC 7644 §3.4.2.2).
 *
 * @example
 * resolvePath(user, parseAttrPath('emails[type eq "work"].value')) // ['alice@contoso.com']
 */
export function resolvePath(resource: JsonObject, path: AttrPath): JsonValue[] {
  let base: JsonValue | undefined = resource;
  if (path.schema !== undefined) base = getProperty(resource, path.schema);
  if (!isObject(base)) return [];
  let values = toList(getProperty(base, path.attr));
  if (path.filter) {
    const filter = path.filter;
    values = values.filter((element) => isObject(element) && matchesFilter(element, filter));
  }
  if (path.sub !== undefined) {
    const sub = path.sub;
    return values.flatMap((value) => (isObject(value) ? toList(getProperty(value, sub)) : []));
  }
  return values;
}

function compare(actual: JsonValue, op: CompareOperator, expected: FilterValue, caseExact: boolean): boolean {
  // A complex value (an element of emails, say) is compared through its `value` sub-attribute.
  if (isObject(actual)) {
    const inner = getProperty(actual, 'value');
    return inner === undefined ? false : compare(inner, op, expected, caseExact);
  }
  if (Array.isArray(actual) || actual === null || expected === null) return false;
  if (typeof expected === 'boolean') {
    const bool = toBoolean(actual);
    return op === 'eq' && bool !== undefined && bool === expected;
  }
  if (typeof expected === 'number' && typeof actual === 'number') return compareOrdered(actual, expected, op);
  const left = String(actual);
  const right = String(expected);
  if (ISO_DATE.test(left) && ISO_DATE.test(right) && !['co', 'sw', 'ew'].includes(op)) {
    const l = Date.parse(left);
    const r = Date.parse(right);
    if (!Number.isNaN(l) && !Number.isNaN(r)) return compareOrdered(l, r, op);
  }
  const a = caseExact ? left : toAsciiLowerCase(left);
  const b = caseExact ? right : toAsciiLowerCase(right);
  switch (op) {
    case 'eq':
      return a === b;
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    default:
      return compareOrdered(a, b, op);
  }
}

function compareOrdered<T extends number | string>(a: T, b: T, op: CompareOperator): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

function isPresent(value: JsonValue): boolean {
  if (value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

function toList(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function getProperty(object: JsonObject, name: string): JsonValue | undefined {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
