/**
 * Detects (and undoes) prototype pollution in the test process. A polluted `Object.prototype` breaks everything that
 * runs after it in the same process (dynalite's validators, the AWS SDK, other tests), so a test that may pollute
 * restores the prototypes it checked before it reports the failure.
 *
 * @example
 * const guard = guardPrototypes();
 * try { await doSomethingHostile(); expect(guard.changes()).toEqual([]); } finally { guard.restore(); }
 */

/** The prototypes a pollution could reach through request data (objects, arrays, functions, strings). */
const GUARDED: readonly [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

type Snapshot = Map<PropertyKey, PropertyDescriptor>;

function snapshot(target: object): Snapshot {
  const out: Snapshot = new Map();
  for (const key of Reflect.ownKeys(target)) {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor) out.set(key, descriptor);
  }
  return out;
}

function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor): boolean {
  return (
    a.value === b.value &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}

export interface PrototypeGuard {
  /** Every property added to or changed on a guarded prototype since the guard was made (`Object.prototype.role`). */
  changes(): string[];
  /** Puts every guarded prototype back as it was. */
  restore(): void;
}

export function guardPrototypes(): PrototypeGuard {
  const before = GUARDED.map(([name, target]) => ({ name, target, properties: snapshot(target) }));
  return {
    changes() {
      const found: string[] = [];
      for (const { name, target, properties } of before) {
        const now = snapshot(target);
        for (const [key, descriptor] of now) {
          const was = properties.get(key);
          if (!was || !sameDescriptor(was, descriptor)) found.push(`${name}.${String(key)}`);
        }
        for (const key of properties.keys()) if (!now.has(key)) found.push(`${name}.${String(key)} (deleted)`);
      }
      return found;
    },
    restore() {
      for (const { target, properties } of before) {
        for (const key of Reflect.ownKeys(target)) {
          if (!properties.has(key)) Reflect.deleteProperty(target, key);
        }
        for (const [key, descriptor] of properties) {
          const current = Object.getOwnPropertyDescriptor(target, key);
          if (!current || !sameDescriptor(current, descriptor)) Object.defineProperty(target, key, descriptor);
        }
      }
    },
  };
}

/** The names a hostile body may use to reach a prototype. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/**
 * Pollutes `Object.prototype[name]` the way a PATCH into `__proto__` did (issue #14), enumerable like a real
 * assignment. Undo it with the {@link PrototypeGuard} made before.
 *
 * @example
 * const guard = guardPrototypes();
 * afterEach(() => guard.restore());
 * pollutePrototype('previous', 'attacker-chosen');
 */
export function pollutePrototype(name: string, value: unknown): void {
  Object.defineProperty(Object.prototype, name, { value, enumerable: true, writable: true, configurable: true });
}
