import * as z from 'zod';
import { EmailSchema, INVITE_MODES, PREDEFINED_ROLES } from '../command';

/** Most people one `users.left` event may name. */
export const HR_BULK_LEAVE_MAX = 1000;

const Name = z.string().trim().min(1, { message: 'must not be empty' }).max(255);

/** `user.joined`: a new person; becomes a `create` (role and invite mode default from the configuration). */
export const HrUserJoinedSchema = z.strictObject({
  email: EmailSchema,
  name: Name,
  role: z.enum(PREDEFINED_ROLES).optional(),
  isDeveloper: z.boolean().optional(),
  inviteMode: z.enum(INVITE_MODES).optional(),
});

/** `user.updated`: a changed name or developer flag (the only attributes the Users API lets us change). */
export const HrUserUpdatedSchema = z
  .strictObject({
    email: EmailSchema,
    name: Name.optional(),
    isDeveloper: z.boolean().optional(),
  })
  .refine((data) => data.name !== undefined || data.isDeveloper !== undefined, {
    message: 'name or isDeveloper is required',
  });

/** `user.left`, `user.invitation.resend`, `user.password.reset`: one person, nothing else. */
export const HrUserRefSchema = z.strictObject({ email: EmailSchema });

/** `users.left`: a bulk leave of up to 1,000 people (one `delete` each). */
export const HrUsersLeftSchema = z.strictObject({
  emails: z.array(EmailSchema).min(1).max(HR_BULK_LEAVE_MAX),
});

/** The `data` schema of each HR event type. */
export const HR_EVENT_DATA_SCHEMAS = {
  'user.joined': HrUserJoinedSchema,
  'user.updated': HrUserUpdatedSchema,
  'user.left': HrUserRefSchema,
  'users.left': HrUsersLeftSchema,
  'user.invitation.resend': HrUserRefSchema,
  'user.password.reset': HrUserRefSchema,
} as const;

export type HrEventType = keyof typeof HR_EVENT_DATA_SCHEMAS;

/** Every HR event type, in documentation order. */
export const HR_EVENT_TYPES = Object.keys(HR_EVENT_DATA_SCHEMAS) as HrEventType[];

const Timestamp = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp' });

/**
 * The Standard Webhooks envelope shared by every HR event: checked first, so an unknown `type` can be acknowledged
 * without knowing its `data`.
 */
export const HrEnvelopeSchema = z.object({
  type: z.string().min(1).max(128),
  timestamp: Timestamp,
  data: z.record(z.string(), z.unknown()),
});

/* @__NO_SIDE_EFFECTS__ */
function event<T extends HrEventType>(type: T) {
  return z.strictObject({
    type: z.literal(type),
    timestamp: Timestamp,
    data: HR_EVENT_DATA_SCHEMAS[type],
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
