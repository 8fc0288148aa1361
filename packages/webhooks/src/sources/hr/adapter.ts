import { createHash } from 'node:crypto';
import type { InviteMode, PredefinedRole, ProvisioningCommand } from '@idp-sync/contracts';
import type { HttpRequest, SecretValues } from '@idp-sync/http';
import { PayloadError } from '@idp-sync/http';
import { buildCommand, type CommandDraft, sourceUserIdOf } from '../build-command';
import { issuesToFieldErrors } from '../issues';
import { toIsoTimestamp } from '../timestamps';
import type { NormalizeContext, NormalizeResult, SourceAdapter } from '../types';
import { HR_EVENT_TYPES, type HrEventData, type HrEventType, hrSchemas } from './schema';
import { verifyStandardWebhook } from './verify';

export interface HrAdapterOptions {
  readonly defaultRole: PredefinedRole;
  readonly defaultInviteMode: InviteMode;
}

const HR_EVENT_TYPE_SET: ReadonlySet<string> = new Set(HR_EVENT_TYPES);

function isHrEventType(type: string): type is HrEventType {
  return HR_EVENT_TYPE_SET.has(type);
}

/**
 * Our HR format: a Standard Webhooks envelope `{ type, timestamp, data }` signed over the raw body. `webhook-id` is the
 * idempotency key: command ids are `hr:<webhook-id>`, and `hr:<webhook-id>:<sha256 of the email>` for each person of a
 * bulk leave (a command id is the logs' correlation id, so it must not carry the address).
 *
 * @example
 * const hr = createHrAdapter({ defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' });
 */
export function createHrAdapter(options: HrAdapterOptions): SourceAdapter {
  return {
    source: 'hr',

    verify(request: HttpRequest, secrets: SecretValues, nowMs: number) {
      return verifyStandardWebhook(request, secrets, nowMs);
    },

    normalize(payload: unknown, context: NormalizeContext): NormalizeResult {
      const envelope = hrSchemas().Envelope.safeParse(payload);
      if (!envelope.success) {
        throw new PayloadError(
          'the body is not an HR webhook ({ type, timestamp, data })',
          issuesToFieldErrors(envelope.error.issues),
        );
      }
      const { type, timestamp, data } = envelope.data;
      if (!isHrEventType(type)) return { commands: [], ignored: [{ eventType: type, reason: 'unknown-event-type' }] };

      const parsed = hrSchemas().data[type].safeParse(data);
      if (!parsed.success) {
        throw new PayloadError(
          `the data of a ${type} event is not valid`,
          issuesToFieldErrors(parsed.error.issues, ['data']),
        );
      }
      const webhookId = context.delivery.deliveryId;
      if (!webhookId) throw new PayloadError('the delivery has no webhook-id');
      const base = {
        source: 'hr' as const,
        sourceEventType: type,
        occurredAt: toIsoTimestamp(timestamp) ?? timestamp,
        receivedAt: context.receivedAt,
      };
      const origins = { occurredAt: 'timestamp', email: 'data.email', name: 'data.name' };
      // Every single-person event may carry the HR system's employeeId: the worker follows it to the provisioned email.
      const employee = sourceUserIdOf((parsed.data as { employeeId?: string }).employeeId);
      const one = (draft: Omit<CommandDraft, keyof typeof base | 'id'>): NormalizeResult => ({
        commands: [buildCommand({ ...base, id: `hr:${webhookId}`, ...draft, ...employee }, origins)],
        ignored: [],
      });

      switch (type) {
        case 'user.joined': {
          const d = parsed.data as HrEventData['user.joined'];
          return one({
            action: 'create',
            email: d.email,
            name: d.name,
            // A custom role replaces the predefined one (the worker assigns it at create).
            ...(d.customRoleId === undefined
              ? { role: d.role ?? options.defaultRole }
              : { customRoleId: d.customRoleId }),
            inviteMode: d.inviteMode ?? options.defaultInviteMode,
            ...(d.isDeveloper !== undefined ? { isDeveloper: d.isDeveloper } : {}),
            ...hrFacts(d.role, d.attributes),
          });
        }
        case 'user.updated': {
          const d = parsed.data as HrEventData['user.updated'];
          return one({
            action: 'update',
            email: d.email,
            ...(d.name !== undefined ? { name: d.name } : {}),
            ...(d.isDeveloper !== undefined ? { isDeveloper: d.isDeveloper } : {}),
          });
        }
        case 'user.left':
          return one({ action: 'delete', email: (parsed.data as { email: string }).email });
        case 'user.invitation.resend':
          return one({ action: 'resend-invitation', email: (parsed.data as { email: string }).email });
        case 'user.password.reset':
          return one({ action: 'reset-password', email: (parsed.data as { email: string }).email });
        case 'users.left': {
          const d = parsed.data as HrEventData['users.left'];
          const commands: ProvisioningCommand[] = [];
          const seen = new Set<string>();
          d.emails.forEach((email, index) => {
            // The same person twice in one bulk leave is one departure.
            if (seen.has(email)) return;
            seen.add(email);
            commands.push(
              buildCommand(
                {
                  ...base,
                  id: `hr:${webhookId}:${createHash('sha256').update(email).digest('hex')}`,
                  action: 'delete',
                  email,
                },
                { ...origins, email: `data.emails[${index}]` },
              ),
            );
          });
          return { commands, ignored: [] };
        }
      }
    },
  };
}

/**
 * What an HR join says for the role policy: its `role`, and its `attributes` as named fields (the parsed body has no
 * prototype; its own entries are copied into an array, never used as keys of an object of ours).
 */
function hrFacts(role: string | undefined, attributes: Readonly<Record<string, string>> | undefined) {
  const fields = attributes === undefined ? [] : Object.entries(attributes).map(([name, value]) => ({ name, value }));
  if (role === undefined && fields.length === 0) return {};
  return { facts: { ...(role === undefined ? {} : { roles: [role] }), ...(fields.length === 0 ? {} : { fields }) } };
}
