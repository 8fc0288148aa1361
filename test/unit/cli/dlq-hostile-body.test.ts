import { renderDetail, toDetail, toDlqEntry, toRow } from '@idp-sync/cli';
import { afterEach, describe, expect, it } from 'vitest';
import { guardPrototypes } from '../../helpers/prototype-guard';

/**
 * The CLI reads DLQ message bodies it did not write (a DLQ holds exactly what nothing else could read): a body nested
 * deeper than 64 levels is described, not walked, and fields are read only when the body owns them (issue #14).
 */

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const guard = guardPrototypes();
afterEach(() => guard.restore());

describe('DLQ bodies the CLI did not write', () => {
  it('a body nested 100,000 deep is an invalid body that says why, and still lists and shows', () => {
    const entry = toDlqEntry({ MessageId: 'm1', ReceiptHandle: 'r1', Body: `{"id":"x","x":${nested(100_000)}}` });
    expect(entry.command).toBeUndefined();
    expect(entry.invalidBody).toBe('the body is JSON nested deeper than 64 levels');
    expect(() => toRow(entry, { showEmails: false })).not.toThrow();
    expect(() => renderDetail(toDetail(entry, { showEmails: false }))).not.toThrow();
  });

  it('id, source, action and email of an invalid body come from the body itself, never from a prototype', () => {
    Object.defineProperty(Object.prototype, 'email', { value: 'evil@example.com', configurable: true });
    Object.defineProperty(Object.prototype, 'id', { value: 'inherited-id', configurable: true });
    const entry = toDlqEntry({ MessageId: 'm2', ReceiptHandle: 'r2', Body: '{"__proto__":{"source":"okta"},"v":9}' });
    expect(entry.email).toBeUndefined();
    expect(entry.commandId).toBeUndefined();
    expect(entry.source).toBeUndefined();
  });
});
