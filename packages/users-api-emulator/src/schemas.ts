import * as z from 'zod';
import { INVITE_MODES, OPERATIONS, PERMISSIONS, PREDEFINED_ROLES } from './types';

/*
 * Request bodies of the Users API (snake_case, strict: an unknown field is a 400 like any other schema violation),
 * and the emulator's own configuration and control bodies (camelCase).
 */

/** The message for a wrong or missing value: a missing required field says so rather than naming a type. */
function expect(what: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : what);
}

const Name = z
  .string({ error: expect('must be a string') })
  .trim()
  .min(1, { error: 'must not be blank' })
  .max(255, { error: 'must be at most 255 characters' });
const Email = z
  .string({ error: expect('must be a string') })
  .max(255, { error: 'must be at most 255 characters' })
  .pipe(z.email({ error: 'must be a valid email address' }));

const PredefinedRoleRequest = z.strictObject({
  type: z.literal('PREDEFINED'),
  name: z.enum(PREDEFINED_ROLES, { error: expect(`must be one of ${PREDEFINED_ROLES.join(', ')}`) }),
});
// `name` is read-only on a CUSTOM role: tolerated in a request, ignored (the account's name of the role is used).
const CustomRoleRequest = z.strictObject({
  type: z.literal('CUSTOM'),
  id: z.string({ error: expect('must be a string') }).min(1, { error: 'must not be empty' }),
  name: z.string().optional(),
});
const RoleRequest = z.discriminatedUnion('type', [PredefinedRoleRequest, CustomRoleRequest], {
  error: expect('must be { "type": "PREDEFINED", "name": ... } or { "type": "CUSTOM", "id": ... }'),
});

/** `CreateUserRequest`. */
export const CreateUserRequestSchema = z.strictObject({
  name: Name,
  email: Email,
  role: RoleRequest,
  invite_mode: z.enum(INVITE_MODES, { error: expect(`must be one of ${INVITE_MODES.join(', ')}`) }),
  is_developer: z.boolean({ error: expect('must be a boolean') }).optional(),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequestSchema>;

/** `UpdateUserRequest`: at least one field. */
export const UpdateUserRequestSchema = z
  .strictObject({
    name: Name.optional(),
    is_developer: z.boolean({ error: expect('must be a boolean') }).optional(),
  })
  .refine((body) => body.name !== undefined || body.is_developer !== undefined, {
    error: 'at least one of "name" or "is_developer" must be provided',
  });
export type UpdateUserRequest = z.infer<typeof UpdateUserRequestSchema>;

const Probability = z.number().min(0).max(1);
const OperationName = z.enum(OPERATIONS);

export const FaultConfigSchema = z
  .strictObject({
    seed: z.union([z.number().finite(), z.string().max(200)]).optional(),
    rates: z
      .strictObject({ '500': Probability.optional(), '503': Probability.optional(), '429': Probability.optional() })
      .optional(),
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    latencyMs: z
      .union([
        z.number().int().min(0).max(600_000),
        z
          .strictObject({ min: z.number().int().min(0).max(600_000), max: z.number().int().min(0).max(600_000) })
          .refine((l) => l.min <= l.max, { error: 'latencyMs.min must be ≤ latencyMs.max' }),
      ])
      .optional(),
    hangRate: Probability.optional(),
    hangMs: z.number().int().min(1).max(3_600_000).optional(),
    failAfterApply: Probability.optional(),
    operations: z.array(OperationName).optional(),
  })
  .refine((f) => (f.rates?.['500'] ?? 0) + (f.rates?.['503'] ?? 0) + (f.rates?.['429'] ?? 0) <= 1 + 1e-9, {
    error: 'the error rates must add up to at most 1',
  });

export const RateLimitConfigSchema = z.strictObject({
  requestsPerSecond: z.number().positive().max(1_000_000),
  burst: z.number().int().min(1).max(1_000_000).optional(),
});

const RoleAssignmentSchema = z.discriminatedUnion('type', [
  PredefinedRoleRequest,
  z.strictObject({ type: z.literal('CUSTOM'), id: z.string().min(1), name: z.string().optional() }),
]);

/** A custom RBAC role of the account (`customRoles`, `PUT /_emulator/roles`). */
export const CustomRoleDefinitionSchema = z.strictObject({
  id: z.string().regex(/^[\x21-\x7e]{1,256}$/, { error: 'must be 1-256 printable characters without spaces' }),
  name: z.string().min(1, { error: 'must not be empty' }).max(255, { error: 'must be at most 255 characters' }),
});

export const SeedUserSchema = z.strictObject({
  name: Name,
  email: Email,
  status: z.enum(['ACTIVE', 'INVITED', 'EXPIRED', 'DELETED']).optional(),
  role: RoleAssignmentSchema.optional(),
  isDeveloper: z.boolean().optional(),
  login: z.enum(['sso', 'password']).optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
});

export const SeedBodySchema = z.strictObject({ users: z.array(SeedUserSchema).min(1).max(10_000) });

export const ApiKeyConfigSchema = z.union([
  z.string().min(8, { error: 'an API key must be at least 8 characters' }).max(512),
  z.strictObject({
    key: z.string().min(8, { error: 'an API key must be at least 8 characters' }).max(512),
    role: z.enum(['admin', 'member', 'read-only']).optional(),
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._-]+$/, { error: 'a key name may only use letters, digits, ".", "_" and "-"' })
      .optional(),
    permissions: z.array(z.enum(PERMISSIONS)).optional(),
    ownerEmail: Email.optional(),
  }),
]);

export const OptionsSchema = z.strictObject({
  // Loopback only: the control endpoints (/_emulator/*) have no authentication.
  host: z
    .string()
    .refine((h) => h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h), {
      error: 'must be a loopback address (127.0.0.1, localhost or ::1): the control endpoints have no authentication',
    })
    .optional(),
  port: z.number().int().min(0).max(65_535).optional(),
  apiKeys: z.array(ApiKeyConfigSchema).min(1, { error: 'give at least one API key, or omit apiKeys' }).optional(),
  seed: z.array(SeedUserSchema).optional(),
  customRoles: z.array(CustomRoleDefinitionSchema).max(1000).optional(),
  faults: FaultConfigSchema.optional(),
  rateLimit: RateLimitConfigSchema.optional(),
  maxBodyBytes: z
    .number()
    .int()
    .min(64)
    .max(16 * 1024 * 1024)
    .optional(),
  invitationTtlMs: z.number().int().min(1).optional(),
  ssoEnforced: z.boolean().optional(),
  now: z.function().optional(),
  onRequest: z.function().optional(),
});

/**
 * One line saying what is wrong with a value, naming each field: `email: must be a valid email address; role: ...`.
 *
 * @example
 * const r = CreateUserRequestSchema.safeParse({}); if (!r.success) describeIssues(r.error);
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => `"${k}"`).join(', ');
        return `${path ? `${path}: ` : ''}unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
      }
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
