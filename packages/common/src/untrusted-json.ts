/**
 * Reading JSON that someone else wrote (a request body, a queue message, a stored secret) without letting it reach
 * into the reader: its nesting is bounded before anything walks it, its objects have no prototype, and fields are read
 * only when the object owns them. The project's one implementation, shared by the HTTP functions, SCIM, the worker, the
 * CLI and the Users API emulator. The package root exports what they use; `@idp-sync/common/untrusted-json` is this
 * whole module (the depth check and its wording on their own too).
 */

/**
 * The deepest nesting of objects and arrays a reader of untrusted JSON accepts. Real payloads are shallow: the
 * deepest sample of any source is 9 levels (Okta's event hook envelope), SCIM users are 5 (Microsoft's reference
 * collection), WorkOS 5, HR 3. 64 leaves room for directory attributes nobody has seen yet, and stays far below the
 * depth at which a recursive walk (`JSON.stringify`, a key-sorting serialiser) overflows the stack (thousands).
 */
export const MAX_JSON_DEPTH = 64;

/** The object keys through which JSON could reach a prototype when copied into an ordinary object. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when `text` opens more than `limit` objects/arrays inside one another. One pass over the raw text, no
 * recursion, brackets inside strings ignored, so it runs before `JSON.parse` and before any recursive walk. Text that
 * is not JSON is counted the same way (the parser then says what else is wrong).
 *
 * @example
 * jsonDepthExceeds('[[[]]]', 2) // true
 * jsonDepthExceeds('{"a":"[[[["}', 1) // false
 */
export function jsonDepthExceeds(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * The sentence every reader answers with when {@link jsonDepthExceeds}: it names the limit.
 *
 * @example
 * tooDeepDetail() // 'JSON nested deeper than 64 levels'
 */
export function tooDeepDetail(limit: number = MAX_JSON_DEPTH): string {
  return `JSON nested deeper than ${limit} levels`;
}

/** What {@link parseUntrustedJson} found. */
export type UntrustedJson =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: 'too-deep'; readonly detail: string }
  | { readonly ok: false; readonly reason: 'not-json'; readonly error: SyntaxError };

// JSON.parse calls the reviver innermost first, with every value; objects lose their prototype in place (cheaper than
// a copy), so an own `__proto__` key stays plain data and a missing field is never found on Object.prototype.
function withoutPrototype(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.setPrototypeOf(value, null);
  return value;
}

/**
 * Parses untrusted JSON: refused when nested deeper than `maxDepth` (checked first, over the raw text), else parsed
 * with every object null-prototype, so no key (`__proto__`, `constructor`, `prototype`) and no missing field can lead
 * to `Object.prototype`. The `SyntaxError` of text that is not JSON is returned, not thrown (its message quotes the
 * text: say where, never what).
 *
 * @example
 * const parsed = parseUntrustedJson(body);
 * if (!parsed.ok) throw new BadRequest(parsed.reason === 'too-deep' ? parsed.detail : 'not JSON');
 */
export function parseUntrustedJson(text: string, maxDepth: number = MAX_JSON_DEPTH): UntrustedJson {
  if (jsonDepthExceeds(text, maxDepth)) return { ok: false, reason: 'too-deep', detail: tooDeepDetail(maxDepth) };
  try {
    return { ok: true, value: JSON.parse(text, withoutPrototype) };
  } catch (error) {
    return { ok: false, reason: 'not-json', error: error instanceof SyntaxError ? error : new SyntaxError('invalid') };
  }
}

/**
 * `object[name]` only when the object owns it: an inherited value (from a polluted prototype, or `constructor` and
 * `toString` of every ordinary object) is `undefined`.
 *
 * @example
 * ownField({ current: 'a' }, 'previous') // undefined, whatever Object.prototype holds
 */
export function ownField(object: unknown, name: string): unknown {
  if (object === null || typeof object !== 'object' || !Object.hasOwn(object, name)) return undefined;
  return (object as Record<string, unknown>)[name];
}
