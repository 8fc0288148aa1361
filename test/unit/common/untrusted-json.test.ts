import {
  jsonDepthExceeds,
  MAX_JSON_DEPTH,
  ownField,
  parseUntrustedJson,
  tooDeepDetail,
} from '@idp-sync/common/untrusted-json';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** The depth of a parsed value, computed the obvious (recursive) way, for comparison. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Object.values(value as object);
  return 1 + (children.length === 0 ? 0 : Math.max(...children.map(depthOf)));
}

describe('jsonDepthExceeds', () => {
  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(jsonDepthExceeds('{}', 0)).toBe(true);
    expect(jsonDepthExceeds('{}', 1)).toBe(false);
    expect(jsonDepthExceeds('[[[]]]', 2)).toBe(true);
    expect(jsonDepthExceeds('[[[]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":"[[[[{{{{"}', 1)).toBe(false);
    expect(jsonDepthExceeds('{"a\\"[[":"\\\\","b":["\\"{"]}', 2)).toBe(false);
    expect(jsonDepthExceeds('"[[["', 0)).toBe(false);
    expect(jsonDepthExceeds(`${'['.repeat(100_000)}`, MAX_JSON_DEPTH)).toBe(true);
  });

  it('agrees with the depth of the parsed value for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.nat({ max: 9 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(jsonDepthExceeds(text, limit)).toBe(depthOf(JSON.parse(text)) > limit);
      }),
      { numRuns: 300, seed: 64 },
    );
  });
});

describe('parseUntrustedJson', () => {
  it('refuses too deep before parsing, says the limit, and reports bad JSON without throwing', () => {
    expect(parseUntrustedJson(`${'['.repeat(65)}${']'.repeat(65)}`)).toEqual({
      ok: false,
      reason: 'too-deep',
      detail: 'JSON nested deeper than 64 levels',
    });
    expect(tooDeepDetail(3)).toBe('JSON nested deeper than 3 levels');
    const bad = parseUntrustedJson('{"a":');
    expect(bad.ok === false && bad.reason === 'not-json' && bad.error instanceof SyntaxError).toBe(true);
  });

  it('gives objects without a prototype, keeping __proto__ as an own key', () => {
    const parsed = parseUntrustedJson('{"__proto__":{"polluted":1},"list":[{"a":1}]}');
    if (!parsed.ok) throw new Error('expected JSON');
    const value = parsed.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf((value.list as object[])[0])).toBeNull();
    expect(Array.isArray(value.list)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('ownField', () => {
  it('reads only what the object owns', () => {
    expect(ownField({ a: 1 }, 'a')).toBe(1);
    expect(ownField({}, 'constructor')).toBeUndefined();
    expect(ownField({}, 'toString')).toBeUndefined();
    expect(ownField(null, 'a')).toBeUndefined();
    expect(ownField('text', 'length')).toBeUndefined();
  });
});
