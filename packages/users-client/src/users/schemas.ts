import * as z from 'zod';
import { PREDEFINED_ROLE_NAMES } from '../roles';

/**
 * Statuses a listed or fetched user can have (a deleted user is never returned).
 *
 * @example
 * USER_STATUSES.includes('ACTIVE') // true
 */
export const USER_STATUSES = ['ACTIVE', 'INVITED', 'EXPIRED'] as const;
/**
 * How create invites the person.
 *
 * @example
 * INVITE_MODES // ['NONE', 'EMAIL_LINK', 'TEMPORARY_PASSWORD']
 */
export const INVITE_MODES = ['NONE', 'EMAIL_LINK', 'TEMPORARY_PASSWORD'] as const;

// Alpha-era servers and SDKs used lower case; read either, always send upper case.
const caseInsensitiveEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.string().toUpperCase().pipe(z.enum(values));

const withUpperType = (value: unknown): unknown => {
  if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
    const v = value as { type: string };
    return { ...v, type: v.type.toUpperCase() };
  }
  return value;
};

// ---------------------------------------------------------------------------------------------------------------
// Wire (snake_case) response schemas. Unknown keys are accepted and dropped so a newer server does not break us;
// required fields that are missing or mistyped fail with their path.

/**
 * `UserRoleAssignment` as read from the server (either case).
 *
 * @example
 * RoleWireSchema.parse({ type: 'predefined', name: 'member' }) // { type: 'PREDEFINED', name: 'MEMBER' }
 */
export const RoleWireSchema = z.preprocess(
  withUpperType,
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('PREDEFINED'), name: caseInsensitiveEnum(PREDEFINED_ROLE_NAMES) }),
    z.object({ type: z.literal('CUSTOM'), id: z.string().min(1), name: z.string().optional() }),
  ]),
);

/**
 * `User` as read from the server. An emulator or a test can use it to check what it serves.
 *
 * @example
 * UserWireSchema.parse(await res.json()).created_at
 */
export const UserWireSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  email: z.string(),
  created_at: z.iso.datetime({ offset: true }),
  status: caseInsensitiveEnum(USER_STATUSES),
  role: RoleWireSchema,
  is_developer: z.boolean(),
});

/**
 * `CreateUserResponse` (the 201 body): a user plus how it was invited and, for TEMPORARY_PASSWORD, the password.
 *
 * @example
 * CreateUserResponseWireSchema.parse(body).invite_mode
 */
export const CreateUserResponseWireSchema = UserWireSchema.extend({
  invite_mode: caseInsensitiveEnum(INVITE_MODES),
  temporary_password: z.string().nullish(),
});

/**
 * `ListUsersResponse`.
 *
 * @example
 * ListUsersResponseWireSchema.parse(body).pagination.has_more
 */
export const ListUsersResponseWireSchema = z.object({
  users: z.array(UserWireSchema),
  pagination: z.object({
    next_cursor: z.string().nullish(),
    has_more: z.boolean(),
  }),
});

/** The wire shapes after validation (enums upper case). @example const wire: UserWire = user.toJSON(); */
export type RoleWire = z.output<typeof RoleWireSchema>;
export type UserWire = z.output<typeof UserWireSchema>;
export type CreateUserResponseWire = z.output<typeof CreateUserResponseWireSchema>;
export type ListUsersResponseWire = z.output<typeof ListUsersResponseWireSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Input (camelCase) schemas: checked before anything is sent.

const userId = z
  .string({ message: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters');
// Deliberately loose: one '@', no spaces. The server is the authority on what an address is.
const email = z
  .string({ message: 'must be a string' })
  .trim()
  .max(255, 'must be at most 255 characters')
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');
const name = z
  .string({ message: 'must be a string' })
  .trim()
  .min(1, 'must not be blank')
  .max(255, 'must be at most 255 characters');
const status = caseInsensitiveEnum(USER_STATUSES);

const RoleInputSchema = z.preprocess(
  withUpperType,
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('PREDEFINED'), name: caseInsensitiveEnum(PREDEFINED_ROLE_NAMES) }),
    z.object({ type: z.literal('CUSTOM'), id: z.string().trim().min(1, 'must not be empty') }),
  ]),
);

export const ListParamsSchema = z.object({
  email: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters').optional(),
  status: z.union([status, z.array(status).min(1, 'must not be an empty list')]).optional(),
  limit: z.number().int().min(1).max(100).optional(),
  cursor: z.string().min(1, 'must not be empty').optional(),
});

export const GetParamsSchema = z.object({
  user: z
    .string({ message: 'must be a user id or an email' })
    .trim()
    .min(1, 'must not be empty')
    .max(1024)
    // The list filter an email lookup uses takes at most 255 characters; no address is longer (RFC 5321: 254).
    .refine((u) => !u.includes('@') || u.length <= 255, 'an email must be at most 255 characters'),
});

export const CreateParamsSchema = z.object({
  name,
  email,
  role: RoleInputSchema,
  inviteMode: caseInsensitiveEnum(INVITE_MODES),
  isDeveloper: z.boolean().optional(),
});

export const UpdateParamsSchema = z
  .object({ userId, name: name.optional(), isDeveloper: z.boolean().optional() })
  .refine((p) => p.name !== undefined || p.isDeveloper !== undefined, {
    message: 'give at least one of name, isDeveloper',
    path: [],
  });

export const UserIdParamsSchema = z.object({ userId });

export const BulkDeleteParamsSchema = z
  .object({
    userIds: z.array(userId).max(10_000).optional(),
    emails: z.array(email).max(10_000).optional(),
    concurrency: z.number().int().min(1).max(64).optional(),
  })
  .refine((p) => (p.userIds?.length ?? 0) + (p.emails?.length ?? 0) > 0, {
    message: 'give at least one user id or email (userIds or emails)',
    path: [],
  });
