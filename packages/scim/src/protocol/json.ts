import { PROTOTYPE_KEYS } from '@idp-sync/common';

/** Any JSON value as `JSON.parse` returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * Helpers for client-supplied JSON. Attribute names are case-insensitive in SCIM, and a body may carry keys such as
 * `__proto__`: properties are therefore found by a case-insensitive scan of OWN keys only, read only when owned, and
 * written with `Object.defineProperty`, which never touches a prototype. Nothing here indexes an object with a name
 * the object does not own (issue #14: `container["__proto__"]` was `Object.prototype`, and a PATCH merged into it).
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

/** `object[key]` only when `object` owns `key` (never a value found on a prototype). */
export function ownValue(object: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
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

/**
 * True for `__proto__`, `constructor` and `prototype` in any case: no SCIM attribute is named so (RFC 7643 attribute
 * names start with a letter; no schema uses the other two), and SCIM names are case-insensitive.
 */
export function isReservedName(name: string): boolean {
  return PROTOTYPE_KEYS.has(name.toLowerCase());
}

/**
 * Where the first reserved key ({@link isReservedName}) of a JSON value is, as a path (`Operations[0].value["urn:…"].__proto__`),
 * or undefined when there is none. Iterative: the value's depth is already bounded, but the walk needs no stack anyway.
 *
 * @example
 * findReservedKey(JSON.parse('{"name":{"__proto__":{}}}')) // 'name.__proto__'
 */
export function findReservedKey(value: JsonValue): string | undefined {
  interface Visit {
    readonly value: JsonValue;
    readonly parent: Visit | undefined;
    readonly step: string | number | undefined;
  }
  const pending: Visit[] = [{ value, parent: undefined, step: undefined }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const current = visit.value;
    if (Array.isArray(current)) {
      current.forEach((item, index) => {
        pending.push({ value: item, parent: visit, step: index });
      });
    } else if (isJsonObject(current)) {
      for (const key of Object.keys(current)) {
        const child: Visit = { value: current[key] as JsonValue, parent: visit, step: key };
        if (isReservedName(key)) return jsonPath(child);
        pending.push(child);
      }
    }
  }
  return undefined;

  function jsonPath(visit: Visit): string {
    const steps: (string | number)[] = [];
    for (let at: Visit | undefined = visit; at?.step !== undefined; at = at.parent) steps.unshift(at.step);
    return steps
      .map((step, index) => {
        if (typeof step === 'number') return `[${step}]`;
        if (/^[A-Za-z_$][\w$]*$/.test(step)) return index === 0 ? step : `.${step}`;
        return `[${JSON.stringify(step.length > 80 ? `${step.slice(0, 77)}...` : step)}]`;
      })
      .join('');
  }
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
