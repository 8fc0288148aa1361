import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Where a page ended: the sort key of its last user, and the filters the cursor is valid for. */
export interface CursorPosition {
  createdAtMs: number;
  seq: number;
  filter: string;
}

/**
 * Opaque, tamper-evident pagination cursors. A cursor is keyset-based (the sort key of the last user served), so
 * users created or deleted between pages neither repeat nor shift the listing. It is signed with a per-process key:
 * a hand-made or edited cursor is a 400, and so is a cursor reused with different filters.
 *
 * @example
 * const codec = new CursorCodec();
 * const c = codec.encode({ createdAtMs: 0, seq: 3, filter: codec.filterKey('', ['ACTIVE']) });
 * codec.decode(c); // { createdAtMs: 0, seq: 3, filter: '...' }
 */
export class CursorCodec {
  readonly #key = randomBytes(32);

  /** A short digest of the filters a cursor belongs to. */
  filterKey(email: string, statuses: readonly string[]): string {
    const canonical = JSON.stringify([email.toLowerCase(), [...statuses].sort()]);
    return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
  }

  encode(position: CursorPosition): string {
    const payload = Buffer.from(JSON.stringify([1, position.createdAtMs, position.seq, position.filter])).toString(
      'base64url',
    );
    return `${payload}.${this.#sign(payload)}`;
  }

  /** `undefined` when the cursor was not made by this emulator or was altered. */
  decode(cursor: string): CursorPosition | undefined {
    if (cursor.length > 512) return undefined;
    const dot = cursor.indexOf('.');
    if (dot <= 0) return undefined;
    const payload = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.#sign(payload), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== 1) return undefined;
      const [, createdAtMs, seq, filter] = parsed as [number, unknown, unknown, unknown];
      if (typeof createdAtMs !== 'number' || typeof seq !== 'number' || typeof filter !== 'string') return undefined;
      return { createdAtMs, seq, filter };
    } catch {
      return undefined;
    }
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.#key).update(payload).digest('base64url').slice(0, 22);
  }
}
