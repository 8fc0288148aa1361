import { toAsciiLowerCase, useEnglishZodMessages } from '@idp-sync/common';
import * as z from 'zod/mini';
import { PersonFactsSchema } from './facts';
import { boundOccurredAt } from './occurred-at';

// Issues these schemas raise reach senders (400 answers) and the DLQ: worded as classic zod words them.
useEnglishZodMessages();

/** The version of the command contract between ingest and worker. Bump it on an incompatible change. */
export const COMMAND_VERSION = 1 as const;

/**
 * What a command asks the worker to do to one person. `membership` (issue #18, within `v: 1`) changes nothing in the
 * Users API: it records a group membership on the person's state, which the role policy reads at their create.
 */
export const COMMAND_ACTIONS = [
  'create',
  'update',
  'delete',
  'resend-invitation',
  'reset-password',
  'membership',
] as const;
export type CommandAction = (typeof COMMAND_ACTIONS)[number];

/**
 * Where a command came from. `scim` is Entra ID's (or Okta's) SCIM provisioning; `reconcile` is `idp-sync reconcile`
 * repairing drift from a snapshot of a source of truth (added within `v: 1`: deploy the worker first).
 */
export const COMMAND_SOURCES = ['okta', 'scim', 'hr', 'workos', 'bamboohr', 'reconcile'] as const;
export type CommandSource = (typeof COMMAND_SOURCES)[number];

/** The Users API's predefined roles (CUSTOM roles are reserved: create rejects them). */
export const PREDEFINED_ROLES = ['ADMIN', 'MEMBER', 'ANNOTATOR'] as const;
export type PredefinedRole = (typeof PREDEFINED_ROLES)[number];

export const INVITE_MODES = ['NONE', 'EMAIL_LINK', 'TEMPORARY_PASSWORD'] as const;
export type InviteMode = (typeof INVITE_MODES)[number];

/**
 * A person's key: trimmed, at most 254 characters (RFC 5321's path limit), a valid address in printable ASCII, then
 * lower-cased — ASCII letters only, and only once it is valid. Lower-casing first with `toLowerCase` let
 * `\u212Aate@example.com` (KELVIN SIGN) become kate@example.com and delete her. Internationalised addresses are
 * refused (400) rather than folded: the Users API matches emails case-insensitively by rules it does not publish, so a
 * non-ASCII address could name another person there.
 *
 * @example
 * EmailSchema.parse('  Alice@Example.COM ') // 'alice@example.com'
 * EmailSchema.safeParse('\u212Aate@example.com').success // false
 */
export const EmailSchema = z.pipe(
  z
    .string()
    .check(
      z.trim(),
      z.maxLength(254, { message: 'email must be at most 254 characters' }),
      z.regex(/^[\x20-\x7e]*$/, { message: 'must be an ASCII email address' }),
    ),
  z.email({ message: 'must be an email address' }).check(z.overwrite(toAsciiLowerCase)),
);

/**
 * An RFC 3339 timestamp with a zone (`Z` or an offset), as in the command and the HR webhook format.
 *
 * @example
 * TimestampSchema.parse('2026-11-26T10:00:00+01:00') // '2026-11-26T10:00:00+01:00'
 */
export const TimestampSchema = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp' });

/**
 * What a source's stable id of a person may look like: 1–256 printable ASCII characters without spaces (Okta user
 * ids, WorkOS directory user ids, HR and BambooHR employee ids all are). It becomes part of a state-table key.
 */
export const SOURCE_USER_ID_PATTERN = /^[\x21-\x7e]{1,256}$/;

/**
 * A source's stable id of a person (see {@link SOURCE_USER_ID_PATTERN}).
 *
 * @example
 * SourceUserIdSchema.parse('00u1abcd') // '00u1abcd'
 */
export const SourceUserIdSchema = z
  .string()
  .check(z.regex(SOURCE_USER_ID_PATTERN, { message: 'must be 1-256 printable ASCII characters without spaces' }));

/**
 * A custom RBAC role's id as the Users API encodes it (e.g. `Um9sZToz`): 1–256 printable ASCII characters without
 * spaces.
 *
 * @example
 * CustomRoleIdSchema.parse('Um9sZToz') // 'Um9sZToz'
 */
export const CustomRoleIdSchema = z.string().check(
  z.regex(/^[\x21-\x7e]{1,256}$/, {
    message: 'must be a custom role id: 1-256 printable ASCII characters without spaces',
  }),
);

/**
 * One provisioning command: one person, one action, from one source event.
 *
 * `id` is stable across every redelivery of the same source event and is the idempotency key; `email` is the person
 * and the FIFO message group. `unsupported` names attributes the source changed that the Users API cannot apply
 * (for example `email`): the worker records them instead of dropping them silently. `sourceUserId` is the person's
 * stable id in the source (Okta user id, WorkOS directory user id, HR or BambooHR employee id), when it has one: the
 * worker follows it to the email the person was provisioned with, so an email change in the source does not lose
 * the account (optional, added within `v: 1`; a worker must understand it before ingest sends it). `active: true` on an
 * update says the source reactivated the person (WorkOS `state: active`, BambooHR `Active`): like a join, it cancels a
 * delete waiting out a grace period (optional, added within `v: 1` with the grace periods). `occurredAt` is the sender's
 * claim, capped at `receivedAt` + one minute (`boundOccurredAt`, on every parse; the claim is kept in
 * `claimedOccurredAt`).
 *
 * @example
 * ProvisioningCommandSchema.parse({
 *   v: 1, id: 'okta:1f2e…', source: 'okta', sourceEventType: 'user.lifecycle.create',
 *   occurredAt: '2026-11-26T10:00:00.000Z', receivedAt: '2026-11-26T10:00:01.000Z',
 *   action: 'create', email: 'alice@example.com', name: 'Alice Example',
 * });
 */
export const ProvisioningCommandSchema = z
  .strictObject({
    v: z.literal(COMMAND_VERSION),
    id: z.string().check(z.minLength(1), z.maxLength(512)),
    source: z.enum(COMMAND_SOURCES),
    sourceEventType: z.string().check(z.minLength(1), z.maxLength(256)),
    occurredAt: TimestampSchema,
    receivedAt: TimestampSchema,
    action: z.enum(COMMAND_ACTIONS),
    email: EmailSchema,
    name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(255))),
    role: z.optional(z.enum(PREDEFINED_ROLES)),
    isDeveloper: z.optional(z.boolean()),
    inviteMode: z.optional(z.enum(INVITE_MODES)),
    unsupported: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(50))),
    /** What the sender claimed as `occurredAt` when it lay too far beyond `receivedAt` and was capped. */
    claimedOccurredAt: z.optional(TimestampSchema),
    sourceUserId: z.optional(SourceUserIdSchema),
    /**
     * A custom RBAC role a create assigns instead of `role` (the Users API takes `{ type: 'CUSTOM', id }` at create;
     * an id the account does not have is refused). On an update it is recorded as unsupported, like `role`.
     */
    customRoleId: z.optional(CustomRoleIdSchema),
    /**
     * What the source said about the person (groups, role values, named fields), for the worker's role policy at
     * create (issue #18; within `v: 1`).
     */
    facts: z.optional(PersonFactsSchema),
    /** For `membership`: the group the person joined (`add`) or left (`remove`), by name and, when the source has one, id. */
    membership: z.optional(
      z.strictObject({
        op: z.enum(['add', 'remove']),
        group: z.string().check(z.trim(), z.minLength(1), z.maxLength(256)),
        groupId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
      }),
    ),
    /** The source says the person is active (an update that reactivates): it cancels a scheduled delete. */
    active: z.optional(z.literal(true)),
  })
  .check(
    z.refine((c) => (c.action === 'membership') === (c.membership !== undefined), {
      message: 'a membership command names its membership, and only a membership command does',
      path: ['membership'],
    }),
    z.overwrite(boundOccurredAt),
  );

export type ProvisioningCommand = z.infer<typeof ProvisioningCommandSchema>;
