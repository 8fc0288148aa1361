/**
 * Global ids as the real API shapes them: base64 of `<Type>:<n>` (`VXNlcjoxMjM0NQ==` is `User:12345`).
 */

/**
 * Encodes a global id.
 *
 * @example
 * encodeGlobalId('User', 12345); // 'VXNlcjoxMjM0NQ=='
 */
export function encodeGlobalId(type: string, n: number): string {
  return Buffer.from(`${type}:${n}`, 'utf8').toString('base64');
}

/**
 * Decodes a user id to its sequence number, or `undefined` when the value is not a canonical `User:<n>` id
 * (bad base64, another entity type, padding variants): the API treats those as a bad request.
 *
 * @example
 * decodeUserId('VXNlcjoxMjM0NQ=='); // 12345
 * decodeUserId('not-an-id');        // undefined
 */
export function decodeUserId(id: string): number | undefined {
  if (id.length === 0 || id.length > 64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(id)) return undefined;
  const decoded = Buffer.from(id, 'base64').toString('utf8');
  const match = /^User:([1-9][0-9]{0,14})$/.exec(decoded);
  if (!match?.[1]) return undefined;
  const n = Number(match[1]);
  // Only the canonical spelling is an id: re-encoding must give back the same string.
  return encodeGlobalId('User', n) === id ? n : undefined;
}
