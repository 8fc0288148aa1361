import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EmulatorConfigurationError, ForbiddenProblem, UnauthorizedProblem } from './errors';
import type { ApiKeyConfig, ApiKeyRole, Permission } from './types';

/** Who is calling: resolved from the bearer API key. */
export interface Caller {
  readonly keyName: string;
  readonly role: ApiKeyRole;
  /** Account admin: the only role that may change `is_developer`. */
  readonly accountAdmin: boolean;
  readonly permissions: ReadonlySet<Permission>;
  /** Lower-cased email of the user the key belongs to, if any. */
  readonly ownerEmail?: string;
}

/** A key as the emulator describes it (never with the secret). */
export interface ApiKeyInfo {
  name: string;
  role: ApiKeyRole;
  permissions: Permission[];
  ownerEmail?: string;
  revoked: boolean;
}

/**
 * What each key role may do. `member` is a user manager without account admin: every user operation except changing
 * `is_developer`. `read-only` may list and get.
 */
const ROLE_PERMISSIONS: Record<ApiKeyRole, readonly Permission[]> = {
  admin: ['USER_READ', 'USER_CREATE', 'USER_UPDATE', 'USER_DELETE'],
  member: ['USER_READ', 'USER_CREATE', 'USER_UPDATE', 'USER_DELETE'],
  'read-only': ['USER_READ'],
};

interface KeyEntry {
  readonly secret: string;
  readonly digest: Buffer;
  readonly caller: Caller;
  revoked: boolean;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * The API keys the emulator accepts. Keys are compared as SHA-256 digests with `timingSafeEqual`, over every key, so
 * the time taken says nothing about which key (or how much of one) matched.
 *
 * @example
 * const keys = new ApiKeyRegistry(['an-admin-key-123', { key: 'reader-key-123', role: 'read-only' }]);
 * const caller = keys.authenticate('Bearer an-admin-key-123'); // caller.accountAdmin === true
 */
export class ApiKeyRegistry {
  readonly #entries: KeyEntry[];

  constructor(configs?: ReadonlyArray<string | ApiKeyConfig>) {
    const given = configs && configs.length > 0 ? configs : [`emu_${randomBytes(18).toString('base64url')}`];
    const names = new Set<string>();
    const secrets = new Set<string>();
    this.#entries = given.map((config, index) => {
      const c: ApiKeyConfig = typeof config === 'string' ? { key: config } : config;
      const role = c.role ?? 'admin';
      const name = c.name ?? `key-${index + 1}`;
      if (names.has(name)) throw new EmulatorConfigurationError(`apiKeys: the key name "${name}" is used twice`);
      if (secrets.has(c.key)) throw new EmulatorConfigurationError(`apiKeys: key "${name}" repeats another key`);
      names.add(name);
      secrets.add(c.key);
      const caller: Caller = {
        keyName: name,
        role,
        accountAdmin: role === 'admin',
        permissions: new Set(c.permissions ?? ROLE_PERMISSIONS[role]),
        ...(c.ownerEmail ? { ownerEmail: c.ownerEmail.toLowerCase() } : {}),
      };
      return { secret: c.key, digest: digest(c.key), caller, revoked: false };
    });
  }

  /** The first key: the one to hand to a client when only one is wanted. */
  get primaryKey(): string {
    return this.#entries[0]!.secret;
  }

  /** Every key secret, in configuration order. */
  get secrets(): string[] {
    return this.#entries.map((e) => e.secret);
  }

  /**
   * Resolves an `Authorization` header to a caller.
   *
   * @throws UnauthorizedProblem when the header is missing, not `Bearer <key>`, unknown, or revoked.
   */
  authenticate(authorization: string | undefined): Caller {
    if (!authorization)
      throw new UnauthorizedProblem('missing Authorization header; send "Authorization: Bearer <API key>"');
    const match = /^Bearer[ ]+(\S{1,1024})\s*$/i.exec(authorization);
    if (!match?.[1]) throw new UnauthorizedProblem('the Authorization header must be "Bearer <API key>"');
    const presented = digest(match[1]);
    let found: KeyEntry | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(presented, entry.digest) && !found) found = entry;
    }
    if (!found) throw new UnauthorizedProblem('invalid API key');
    if (found.revoked) throw new UnauthorizedProblem('invalid API key: it was revoked');
    return found.caller;
  }

  /** Revokes the keys owned by a user (the delete cascade); returns their names. */
  revokeOwnedBy(email: string): string[] {
    const owner = email.toLowerCase();
    const revoked: string[] = [];
    for (const entry of this.#entries) {
      if (entry.caller.ownerEmail === owner && !entry.revoked) {
        entry.revoked = true;
        revoked.push(entry.caller.keyName);
      }
    }
    return revoked;
  }

  /** Un-revokes every key (emulator reset). */
  restoreAll(): void {
    for (const entry of this.#entries) entry.revoked = false;
  }

  describe(): ApiKeyInfo[] {
    return this.#entries.map(({ caller, revoked }) => ({
      name: caller.keyName,
      role: caller.role,
      permissions: [...caller.permissions],
      ...(caller.ownerEmail ? { ownerEmail: caller.ownerEmail } : {}),
      revoked,
    }));
  }
}

/**
 * Throws 403 unless the caller is account admin or holds the permission.
 *
 * @example
 * requirePermission(caller, 'USER_CREATE', 'create users');
 */
export function requirePermission(caller: Caller, permission: Permission, action: string): void {
  if (caller.accountAdmin || caller.permissions.has(permission)) return;
  throw new ForbiddenProblem(
    `the API key "${caller.keyName}" may not ${action} (needs account admin or ${permission})`,
  );
}

/**
 * Throws 403 unless the caller is account admin.
 *
 * @example
 * requireAccountAdmin(caller, 'change is_developer');
 */
export function requireAccountAdmin(caller: Caller, action: string): void {
  if (caller.accountAdmin) return;
  throw new ForbiddenProblem(`the API key "${caller.keyName}" may not ${action} (needs account admin)`);
}
