import { ownField } from '@idp-sync/common';

/**
 * A secret with the value before its last rotation, which is accepted too until the rotation is complete.
 * `parseSecretValue` always gives an object that owns `previous` (`undefined` when there is none).
 */
export interface SecretValues {
  readonly current: string;
  readonly previous?: string | undefined;
}

/**
 * Reads a stored secret: either a plain string, or JSON `{"current": "...", "previous": "..."}` during a rotation
 * (both values are accepted until `previous` is removed). Returns a reason string when the value is unusable.
 *
 * The result always OWNS `previous` (`undefined` when there is none) and only own fields of the JSON are read: a value
 * inherited from a polluted `Object.prototype` must never become a second accepted secret (issue #14).
 *
 * @example
 * parseSecretValue('{"current":"new","previous":"old"}') // { current: 'new', previous: 'old' }
 * parseSecretValue('s3cr3t')                             // { current: 's3cr3t', previous: undefined }
 */
export function parseSecretValue(raw: string): SecretValues | string {
  const text = raw.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return 'looks like JSON but does not parse';
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'JSON must be an object';
    const current = ownField(parsed, 'current');
    const previous = ownField(parsed, 'previous');
    if (typeof current !== 'string' || current === '') return 'JSON must have a non-empty string "current"';
    if (previous !== undefined && previous !== null && (typeof previous !== 'string' || previous === '')) {
      return '"previous" must be a non-empty string when present';
    }
    return { current, previous: typeof previous === 'string' ? previous : undefined };
  }
  if (text === '') return 'is empty';
  return { current: text, previous: undefined };
}
