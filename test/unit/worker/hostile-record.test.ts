import { parseRecord } from '@idp-sync/worker/batch';
import { afterEach, describe, expect, it } from 'vitest';
import { guardPrototypes } from '../../helpers/prototype-guard';
import { command, sqsRecord } from '../../helpers/worker/records';

/**
 * The worker reads queue messages anyone allowed to send to the queue may have written: depth is bounded before
 * anything walks a body, and a command is built only from fields the body owns (issue #14).
 */

const guard = guardPrototypes();
afterEach(() => guard.restore());

describe('worker records the worker did not write', () => {
  it('a body nested 100,000 deep is invalid with a reason that says so', () => {
    const body = `{"v":1,"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(parseRecord(sqsRecord(body), new Date()).invalid).toBe('body is JSON nested deeper than 64 levels');
  });

  it('a field missing from the body is never taken from a polluted prototype', () => {
    const { name: _name, ...withoutName } = command({ action: 'update', email: 'ada@example.com', name: 'x' });
    Object.defineProperty(Object.prototype, 'name', { value: 'Inherited Name', configurable: true, writable: true });
    Object.defineProperty(Object.prototype, 'role', { value: 'ADMIN', configurable: true, writable: true });
    const parsed = parseRecord(sqsRecord(JSON.stringify(withoutName)), new Date());
    expect(parsed.command).toBeDefined();
    expect(Object.hasOwn(parsed.command ?? {}, 'name')).toBe(false);
    expect(Object.hasOwn(parsed.command ?? {}, 'role')).toBe(false);
  });
});
