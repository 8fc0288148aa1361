import { lazy, PROTOTYPE_KEYS, useEnglishZodMessages } from '@idp-sync/common';
import {
  CustomRoleIdSchema,
  EmailSchema,
  INVITE_MODES,
  PREDEFINED_ROLES,
  SourceUserIdSchema,
  TimestampSchema,
} from '@idp-sync/contracts';
import * as z from 'zod/mini';

/** Most people one `users.left` event may name. */
export const HR_BULK_LEAVE_MAX = 1000;

/** Every HR event type, in documentation order. */
export const HR_EVENT_TYPES = [
  'user.joined',
  'user.updated',
  'user.left',
  'users.left',
  'user.invitation.resend',
  'user.password.reset',
] as const;

export type HrEventType = (typeof HR_EVENT_TYPES)[number];

function buildSchemas() {
  useEnglishZodMessages();
  const Name = z.string().check(z.trim(), z.minLength(1, { message: 'must not be empty' }), z.maxLength(255));
  /**
   * The HR system's stable id of the person (optional): the worker follows it to the email the person was
   * provisioned with, so that a later event under a changed email still reaches their account.
   */
  const employeeId = z.optional(SourceUserIdSchema);

  /** `user.joined`: a new person; becomes a `create` (role and invite mode default from the configuration). */
  const UserJoined = z
    .strictObject({
      email: EmailSchema,
      name: Name,
      role: z.optional(z.enum(PREDEFINED_ROLES)),
      /** A custom RBAC role of the account, by id, instead of `role` (issue #18). */
      customRoleId: z.optional(CustomRoleIdSchema),
      /**
       * Named HR fields for the role policy (`department`, `jobFamily`, …): at most 50, names up to 128 characters,
       * text values up to 256 (issue #18).
       */
      attributes: z.optional(
        z.pipe(
          // Checked on the body as sent: a record copies its entries into an object, where `__proto__` would vanish.
          z.custom<Record<string, unknown>>(
            (v) => v === null || typeof v !== 'object' || !Object.keys(v).some((k) => PROTOTYPE_KEYS.has(k)),
            { message: 'attribute names __proto__, constructor and prototype are not allowed' },
          ),
          z
            .record(z.string().check(z.minLength(1), z.maxLength(128)), z.string().check(z.maxLength(256)))
            .check(z.refine((a) => Object.keys(a).length <= 50, { message: 'at most 50 attributes' })),
        ),
      ),
      isDeveloper: z.optional(z.boolean()),
      inviteMode: z.optional(z.enum(INVITE_MODES)),
      employeeId,
    })
    .check(
      z.refine((data) => data.role === undefined || data.customRoleId === undefined, {
        message: 'give role (a predefined role) or customRoleId (a custom role), not both',
        path: ['customRoleId'],
      }),
    );

  /**
   * `user.updated`: a changed name or developer flag (the only attributes the Users API lets us change), or — with
   * `employeeId` — a changed email, which is recorded as unsupported on the person's account.
   */
  const UserUpdated = z
    .strictObject({
      email: EmailSchema,
      name: z.optional(Name),
      isDeveloper: z.optional(z.boolean()),
      employeeId,
    })
    .check(
      z.refine((data) => data.name !== undefined || data.isDeveloper !== undefined || data.employeeId !== undefined, {
        message: 'name, isDeveloper or employeeId is required',
      }),
    );

  /** `user.left`, `user.invitation.resend`, `user.password.reset`: one person, nothing else. */
  const UserRef = z.strictObject({ email: EmailSchema, employeeId });

  /** `users.left`: a bulk leave of up to 1,000 people (one `delete` each). */
  const UsersLeft = z.strictObject({
    emails: z.array(EmailSchema).check(z.minLength(1), z.maxLength(HR_BULK_LEAVE_MAX)),
  });

  /** The `data` schema of each HR event type. */
  const data = {
    'user.joined': UserJoined,
    'user.updated': UserUpdated,
    'user.left': UserRef,
    'users.left': UsersLeft,
    'user.invitation.resend': UserRef,
    'user.password.reset': UserRef,
  } as const satisfies Record<HrEventType, z.ZodMiniType>;

  /**
   * The Standard Webhooks envelope shared by every HR event: checked first, so an unknown `type` can be acknowledged
   * without knowing its `data`.
   */
  const Envelope = z.object({
    type: z.string().check(z.minLength(1), z.maxLength(128)),
    timestamp: TimestampSchema,
    data: z.record(z.string(), z.unknown()),
  });
  return { data, Envelope };
}

/**
 * The HR schemas: the envelope and the `data` schema of each event type. Built on the first HR delivery, not at
 * import (cold start of a function that serves the other sources too).
 *
 * @example
 * hrSchemas().Envelope.safeParse(payload);
 * hrSchemas().data['user.left'].safeParse(envelope.data);
 */
export const hrSchemas = lazy(buildSchemas);

type HrSchemas = ReturnType<typeof buildSchemas>;

/** The `data` of each HR event type, as validated. */
export type HrEventData = { [T in HrEventType]: z.infer<HrSchemas['data'][T]> };

/* @__NO_SIDE_EFFECTS__ */
function event<T extends HrEventType>(type: T) {
  return z.strictObject({
    type: z.literal(type),
    timestamp: TimestampSchema,
    data: hrSchemas().data[type],
  });
}

/**
 * The HR webhook format, whole (documentation and JSON Schema generation; the adapter validates the envelope first,
 * then `data` by type, so that unknown types are acknowledged rather than rejected).
 *
 * @example
 * HrWebhookSchema.parse({ type: 'user.left', timestamp: '2026-11-26T10:00:00Z', data: { email: 'a@example.com' } });
 */
// Pure: the ingest bundle never uses the whole-format schema, so esbuild drops it instead of building it at start-up.
export const HrWebhookSchema = /* @__PURE__ */ z.discriminatedUnion('type', [
  event('user.joined'),
  event('user.updated'),
  event('user.left'),
  event('users.left'),
  event('user.invitation.resend'),
  event('user.password.reset'),
]);

export type HrWebhook = z.infer<typeof HrWebhookSchema>;
