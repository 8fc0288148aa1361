/**
 * Public types of the Users API emulator: wire shapes (snake_case, exactly as the real API sends them) and the
 * emulator's own configuration and state shapes (camelCase).
 */

/** The operations of the Users API v2, named as counters and fault filters name them. */
export const OPERATIONS = [
  'users.list',
  'users.get',
  'users.create',
  'users.update',
  'users.delete',
  'users.resendInvitation',
  'users.resetPassword',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export const USER_STATUSES = ['ACTIVE', 'INVITED', 'EXPIRED'] as const;
/** The status a listed user can have. A deleted user is "inactive" and is never shown. */
export type UserStatus = (typeof USER_STATUSES)[number];
/** The status the emulator keeps internally: the wire statuses plus the terminal soft-deleted state. */
export type RecordStatus = UserStatus | 'DELETED';

export const PREDEFINED_ROLES = ['ADMIN', 'MEMBER', 'ANNOTATOR'] as const;
export type PredefinedRoleName = (typeof PREDEFINED_ROLES)[number];

export const INVITE_MODES = ['NONE', 'EMAIL_LINK', 'TEMPORARY_PASSWORD'] as const;
export type InviteMode = (typeof INVITE_MODES)[number];

export type RoleAssignment =
  | { type: 'PREDEFINED'; name: PredefinedRoleName }
  | { type: 'CUSTOM'; id: string; name?: string };

/** `User` exactly as it travels on the wire. */
export interface WireUser {
  id: string;
  name: string;
  email: string;
  created_at: string;
  status: UserStatus;
  role: RoleAssignment;
  is_developer: boolean;
}

/** `CreateUserResponse`: a `User` plus the invite mode, and the temporary password once. */
export interface WireCreatedUser extends WireUser {
  invite_mode: InviteMode;
  temporary_password?: string;
}

export interface WireUserList {
  users: WireUser[];
  pagination: { next_cursor?: string; has_more: boolean };
}

/** RFC 9457 problem document as the API sends it (`application/problem+json`). */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
}

/** How a user signs in: SSO users cannot reset a password; password users can once verified. */
export type LoginMethod = 'sso' | 'password';

/** What a soft delete took with it. The real API cascades; the emulator records what it cascaded. */
export interface CascadeRecord {
  organizationMemberships: string[];
  spaceMemberships: string[];
  apiKeys: string[];
  roleBindings: string[];
}

/** The emulator's full record of a user: more than the wire shows. */
export interface UserRecord {
  /** Creation sequence: the number inside the id. */
  seq: number;
  id: string;
  name: string;
  email: string;
  /** RFC 3339, millisecond precision, UTC. */
  createdAt: string;
  status: RecordStatus;
  role: RoleAssignment;
  isDeveloper: boolean;
  /** Email verified (accepted an invitation, or an SSO user provisioned with invite mode NONE). */
  verified: boolean;
  login: LoginMethod;
  /** The invite mode of the last create that produced or re-invited this user. */
  inviteMode: InviteMode;
  /** Invitation emails (or temporary passwords) issued, including resends. */
  invitationsSent: number;
  /** When the current invitation lapses (epoch ms); absent when invitations do not lapse on their own. */
  inviteExpiresAt?: number;
  passwordResetsSent: number;
  organizationMemberships: string[];
  spaceMemberships: string[];
  roleBindings: string[];
  deletedAt?: string;
  /** Name of the API key that deleted the user. */
  deletedBy?: string;
  cascade?: CascadeRecord;
}

/** A custom RBAC role of the account: its id (as the API encodes it) and its read-only name. */
export interface CustomRoleDefinition {
  id: string;
  name: string;
}

/** A user to place in the store directly (start-up `seed`, `POST /_emulator/users`). */
export interface SeedUser {
  name: string;
  email: string;
  /** Default ACTIVE. DELETED places a soft-deleted user (its email can never be created again). */
  status?: RecordStatus;
  /** Default `{ type: 'PREDEFINED', name: 'MEMBER' }`. A CUSTOM role may be seeded whether or not it is registered. */
  role?: RoleAssignment;
  /** Default by role: true for ADMIN and MEMBER, false otherwise. */
  isDeveloper?: boolean;
  /** Default `password`. */
  login?: LoginMethod;
  /** RFC 3339; default now. */
  createdAt?: string;
}

export type ApiKeyRole = 'admin' | 'member' | 'read-only';
export const PERMISSIONS = ['USER_READ', 'USER_CREATE', 'USER_UPDATE', 'USER_DELETE'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** An API key the emulator accepts. A bare string is an admin key. */
export interface ApiKeyConfig {
  key: string;
  /** Default `admin`. */
  role?: ApiKeyRole;
  /** Label used in counters, cascade records and logs (never the secret). Default `key-<n>`. */
  name?: string;
  /** Replaces the permissions the role grants (account admin stays with `admin` only). */
  permissions?: Permission[];
  /** The user the key belongs to: deleting that user revokes the key, and the key cannot delete its owner. */
  ownerEmail?: string;
}

/**
 * Fault injection, deterministic: the same `seed` and the same sequence of requests give the same faults.
 * Applies to `/v2/*` only, never to `/_emulator/*`.
 */
export interface FaultConfig {
  /** PRNG seed. Default 1. */
  seed?: number | string;
  /** Probability per request of answering with that status instead of serving it. The sum must be ≤ 1. */
  rates?: { '500'?: number; '503'?: number; '429'?: number };
  /** `Retry-After` (seconds) on injected 429s. Default 1. */
  retryAfterSeconds?: number;
  /** Added latency, uniform in [min, max] ms (a number means exactly that). */
  latencyMs?: number | { min: number; max: number };
  /** Probability per request of never answering (until the client gives up, `hangMs` passes, or the emulator stops). */
  hangRate?: number;
  /** Bound a hang: after this many ms the request is answered 504, as a gateway would. Default: hang until closed. */
  hangMs?: number;
  /** Share (0..1) of injected 500/503s returned AFTER the request was applied: the ambiguous failure. Default 0. */
  failAfterApply?: number;
  /** Only these operations get faults. Default: all. */
  operations?: Operation[];
}

/** Token bucket per API key: `burst` requests at once, refilled at `requestsPerSecond`. */
export interface RateLimitConfig {
  requestsPerSecond: number;
  /** Default: `requestsPerSecond` rounded up (at least 1). */
  burst?: number;
}

export interface UsersApiEmulatorOptions {
  /** Loopback interface to bind (127.x, `localhost` or `::1`; anything else is refused). Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (an OS-assigned free port). */
  port?: number;
  /** Default: one admin key, random, exposed as `emulator.apiKey`. */
  apiKeys?: Array<string | ApiKeyConfig>;
  /** Users in the store at start-up and after every reset. */
  seed?: SeedUser[];
  /**
   * The account's custom RBAC roles (id and read-only name), at start-up and after every reset; `PUT /_emulator/roles`
   * replaces them. A create with a CUSTOM role id among them succeeds; any other id is a 422.
   */
  customRoles?: CustomRoleDefinition[];
  faults?: FaultConfig;
  rateLimit?: RateLimitConfig;
  /** Largest accepted request body in bytes (413 beyond). Default 65536. */
  maxBodyBytes?: number;
  /** When set, an invitation lapses (INVITED → EXPIRED) this many ms after it is issued. Default: never by time. */
  invitationTtlMs?: number;
  /** SAML/IdP login enforced for the account: resend-invitation answers 400. Default false. */
  ssoEnforced?: boolean;
  /** Clock for created_at and invitation expiry. Default `Date.now`. */
  now?: () => number;
  /** Called once per `/v2` response (path without query string: no email ever reaches it). */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  operation: Operation | 'unknown';
  status: number | 'hang';
  durationMs: number;
  /** The fault that was injected, if any. */
  fault?: 'error' | 'hang' | 'rate-limit';
}

export interface OperationCounters {
  total: number;
  /** Keyed by HTTP status (`'200'`, `'429'`, ...) or `'hang'` for a request that was left hanging. */
  byStatus: Record<string, number>;
}

export interface CountersSnapshot {
  total: number;
  byOperation: Record<string, OperationCounters>;
}
