import * as z from 'zod';

/** The version of the command contract between ingest and worker. Bump it on an incompatible change. */
export const COMMAND_VERSION = 1 as const;

/** What a command asks the worker to do to one person. */
export const COMMAND_ACTIONS = ['create', 'update', 'delete', 'resend-invitation', 'reset-password'] as const;
export type CommandAction = (typeof COMMAND_ACTIONS)[number];

/** Where a command came from. `scim` is Entra ID's SCIM provisioning. */
export const COMMAND_SOURCES = ['okta', 'scim', 'hr', 'workos', 'bamboohr'] as const;
export type CommandSource = (typeof COMMAND_SOURCES)[number];

/** The Users API's predefined roles (CUSTOM roles are reserved: create rejects them). */
export const PREDEFINED_ROLES = ['ADMIN', 'MEMBER', 'ANNOTATOR'] as const;
export type PredefinedRole = (typeof PREDEFINED_ROLES)[number];

export const INVITE_MODES = ['NONE', 'EMAIL_LINK', 'TEMPORARY_PASSWORD'] as const;
export type InviteMode = (typeof INVITE_MODES)[number];

/**
 * A person's key: trimmed, lower-cased, a valid address, at most 254 characters (RFC 5321's path limit).
 *
 * @example
 * EmailSchema.parse('  Alice@Example.COM ') // 'alice@example.com'
 */
export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, { message: 'email must be at most 254 characters' })
  .pipe(z.email({ message: 'must be an email address' }));

const Timestamp = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp' });

/**
 * One provisioning command: one person, one action, from one source event.
 *
 * `id` is stable across every redelivery of the same source event and is the idempotency key; `email` is the person
 * and the FIFO message group. `unsupported` names attributes the source changed that the Users API cannot apply
 * (for example `email`): the worker records them instead of dropping them silently.
 *
 * @example
 * ProvisioningCommandSchema.parse({
 *   v: 1, id: 'okta:1f2e…', source: 'okta', sourceEventType: 'user.lifecycle.create',
 *   occurredAt: '2026-11-26T10:00:00.000Z', receivedAt: '2026-11-26T10:00:01.000Z',
 *   action: 'create', email: 'alice@example.com', name: 'Alice Example',
 * });
 */
export const ProvisioningCommandSchema = z
  .object({
    v: z.literal(COMMAND_VERSION),
    id: z.string().min(1).max(512),
    source: z.enum(COMMAND_SOURCES),
    sourceEventType: z.string().min(1).max(256),
    occurredAt: Timestamp,
    receivedAt: Timestamp,
    action: z.enum(COMMAND_ACTIONS),
    email: EmailSchema,
    name: z.string().trim().min(1).max(255).optional(),
    role: z.enum(PREDEFINED_ROLES).optional(),
    isDeveloper: z.boolean().optional(),
    inviteMode: z.enum(INVITE_MODES).optional(),
    unsupported: z.array(z.string().min(1).max(256)).max(50).optional(),
  })
  .strict();

export type ProvisioningCommand = z.infer<typeof ProvisioningCommandSchema>;
