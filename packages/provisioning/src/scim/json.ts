import type { JsonObject, JsonValue } from './types';

/**
 * Helpers for client-supplied JSON. Attribute names are case-insensitive in SCIM, and a body may carry keys such as
 * `__proto__`: properties are therefore found by a case-insensitive scan of own keys and written with
 * `Object.defineProperty`, which never touches a prototype.
 */

/** The own key of `object` equal to `name` ignoring case (an exact match wins). */
export function findKey(object: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === lower) return key;
  }
  return undefined;
}

export function getProp(object: JsonObject, name: string): JsonValue | undefined {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}

/** Sets `name` (replacing any key that differs only in case) without ever touching a prototype. */
export function setProp(object: JsonObject, name: string, value: JsonValue): void {
  const existing = findKey(object, name);
  if (existing !== undefined && existing !== name) delete object[existing];
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}

export function deleteProp(object: JsonObject, name: string): void {
  const existing = findKey(object, name);
  if (existing !== undefined) delete object[existing];
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy (JSON round trip keeps own `__proto__` keys as plain data). */
export function cloneJson<T extends JsonValue>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** JSON with object keys sorted: the same content always serialises to the same text. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => stableStringify(item)).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}
