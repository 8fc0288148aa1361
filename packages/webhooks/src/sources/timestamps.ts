/**
 * Vendors disagree on how to write a time: RFC 3339 (`2023-03-26T21:05:32.159Z`), ISO 8601 with a colon-less offset
 * (BambooHR's `2026-01-31T18:42:00+0000`), a space instead of `T` and no zone (WorkOS's `2023-04-28 20:05:31.093`,
 * which is UTC). This reads all of them; anything else is rejected rather than guessed.
 */
const SOURCE_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * A replay-window tolerance as a rejection message states it: whole seconds (`180 s`), or milliseconds below a second.
 *
 * @example
 * describeTolerance(180_000) // '180 s'
 */
export function describeTolerance(toleranceMs: number): string {
  return toleranceMs >= 1000 ? `${Math.round(toleranceMs / 1000)} s` : `${toleranceMs} ms`;
}

/**
 * Parses a vendor timestamp into epoch milliseconds, or `undefined` when it is not a date-time we understand.
 *
 * @example
 * parseSourceTimestamp('2026-01-31T18:42:00+0000') // 1769884920000
 */
export function parseSourceTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const match = SOURCE_TIMESTAMP.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const millis = fraction ? fraction.slice(1, 4).padEnd(3, '0') : '000';
  let offset = 'Z';
  if (zone && zone.toUpperCase() !== 'Z') offset = zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${millis}${offset}`);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2023-02-30 over to March: refuse dates that do not exist.
  const check = new Date(Date.parse(`${y}-${mo}-${d}T00:00:00Z`));
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() + 1 !== Number(mo)) return undefined;
  return ms;
}

/**
 * Parses a vendor timestamp into the RFC 3339 UTC form the command contract uses, or `undefined`.
 *
 * @example
 * toIsoTimestamp('2023-04-28 20:05:31.093') // '2023-04-28T20:05:31.093Z'
 */
export function toIsoTimestamp(value: unknown): string | undefined {
  const ms = parseSourceTimestamp(value);
  if (ms === undefined) return undefined;
  const date = new Date(ms);
  // Years outside 0000-9999 serialise as ±YYYYYY, which RFC 3339 does not allow.
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) return undefined;
  return date.toISOString();
}
