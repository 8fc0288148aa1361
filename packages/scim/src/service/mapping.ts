import { createHash } from 'node:crypto';
import {
  COMMAND_VERSION,
  type CommandAction,
  type ProvisioningCommand,
  ProvisioningCommandSchema,
} from '@idp-sync/contracts';
import type { JsonObject } from '../protocol/json';
import { stableStringify } from '../protocol/json';
import { deriveEmail, deriveName, deriveRoleValues } from '../protocol/resource';
import type { ScimUserRecord } from './ports';

/** The SCIM operation a command comes from; it names the command's `sourceEventType` (`scim.user.<kind>`). */
/** `scope`: a group membership moved the user into or out of the provisioning groups (`SCIM_PROVISIONING_GROUPS`). */
export type ScimOperationKind = 'create' | 'patch' | 'put' | 'delete' | 'scope';

/** Something worth logging and counting about a planned write. */
export type ScimPlanNote = 'no-email' | 'email-change-unsupported' | 'inactive-not-provisioned';

export interface PlanInput {
  readonly kind: ScimOperationKind;
  readonly scimId: string;
  /** The stored user before the operation (null for a POST). */
  readonly before: ScimUserRecord | null;
  /** The user's attributes and status after the operation (null for a DELETE). */
  readonly after: { readonly resource: JsonObject; readonly active: boolean } | null;
  /** The canonical content of the request (method, path id and body with sorted keys). */
  readonly requestContent: string;
  /** When the operation happened (the request's arrival), RFC 3339. */
  readonly occurredAt: string;
  readonly receivedAt: string;
}

export interface Plan {
  readonly commands: ProvisioningCommand[];
  /** The person's Users API key after the operation. */
  readonly personEmail: string | undefined;
  readonly provisioned: boolean;
  readonly notes: ScimPlanNote[];
}

/**
 * Turns one SCIM operation into provisioning commands (at most one), as the package README's "Mapping" describes:
 * - POST of an active user → `create`; of an inactive one → nothing until it is activated;
 * - PATCH/PUT: `active` true → false → `delete`; false → true → `create`; a changed name → `update`;
 *   a changed email → `update` with `unsupported: ['email']` (the Users API cannot change an email; the person stays
 *   keyed on the email they were provisioned with — never a silent delete and create);
 * - DELETE of a provisioned, active user → `delete`.
 *
 * The command id is `scim:<scimId>:<sha256(prior state, request content, action)>`: a retry of the same request on the
 * same stored state yields the same id (the worker drops it as a duplicate), and any other operation — including the
 * same body sent again after the state moved on — yields a new one. The prior state includes when the record last
 * changed: its content alone repeats (rename B → A, later B → A again) and would give the second rename the first
 * one's id, so the worker would drop it as a duplicate. (Not the version: a rollback bumps it, and the retry of a
 * rolled-back request must keep its id; a rollback restores `lastModified`.)
 *
 * @example
 * planCommands({ kind: 'create', scimId, before: null, after: { resource, active: true }, requestContent, occurredAt, receivedAt });
 */
export function planCommands(input: PlanInput): Plan {
  const { before, after } = input;
  const notes: ScimPlanNote[] = [];
  let personEmail = before?.personEmail;
  let provisioned = before?.provisioned ?? false;
  const wasLive = provisioned && before?.active === true;
  const priorState = before
    ? stableStringify({ resource: before.resource, active: before.active, lastModified: before.lastModified })
    : '';
  const command = (action: CommandAction, fields: Partial<ProvisioningCommand>): ProvisioningCommand =>
    ProvisioningCommandSchema.parse({
      v: COMMAND_VERSION,
      id: commandIdFor(input.scimId, priorState, input.requestContent, action),
      source: 'scim',
      sourceEventType: `scim.user.${input.kind}`,
      occurredAt: input.occurredAt,
      receivedAt: input.receivedAt,
      action,
      email: personEmail,
      ...fields,
    });

  if (input.kind === 'delete' || after === null) {
    const commands = wasLive && personEmail ? [command('delete', {})] : [];
    return { commands, personEmail, provisioned, notes };
  }

  const derivedEmail = deriveEmail(after.resource);
  if (personEmail === undefined) personEmail = derivedEmail;
  if (personEmail === undefined) {
    // Said once, when the user is created; later writes of the same user stay quiet about it.
    if (before === null) notes.push('no-email');
    return { commands: [], personEmail, provisioned, notes };
  }
  const name = deriveName(after.resource);
  const previousEmail = before ? deriveEmail(before.resource) : undefined;
  const emailChanged = derivedEmail !== undefined && derivedEmail !== personEmail && derivedEmail !== previousEmail;
  if (emailChanged) notes.push('email-change-unsupported');
  const unsupported = emailChanged ? { unsupported: ['email'] } : {};

  if (!after.active) {
    if (!provisioned) notes.push('inactive-not-provisioned');
    return { commands: wasLive ? [command('delete', {})] : [], personEmail, provisioned, notes };
  }
  if (!wasLive) {
    provisioned = true;
    // Entra's app role assignments (SCIM `roles`) for the role policy.
    const roleValues = deriveRoleValues(after.resource);
    return {
      commands: [
        command('create', {
          ...(name ? { name } : {}),
          ...unsupported,
          ...(roleValues.length === 0 ? {} : { facts: { roles: roleValues } }),
        }),
      ],
      personEmail,
      provisioned,
      notes,
    };
  }
  const nameChanged = name !== undefined && name !== (before ? deriveName(before.resource) : undefined);
  if (!nameChanged && !emailChanged) return { commands: [], personEmail, provisioned, notes };
  return {
    commands: [command('update', { ...(name ? { name } : {}), ...unsupported })],
    personEmail,
    provisioned,
    notes,
  };
}

/**
 * The command id of a SCIM operation.
 *
 * @example
 * commandIdFor('6f1c…', priorState, 'PATCH /Users/6f1c… {"Operations":[…]}', 'update') // 'scim:6f1c…:9b2e…'
 */
export function commandIdFor(
  scimId: string,
  priorState: string,
  requestContent: string,
  action: CommandAction,
): string {
  const digest = createHash('sha256')
    .update(priorState)
    .update('\u0000')
    .update(requestContent)
    .update('\u0000')
    .update(action)
    .digest('hex');
  return `scim:${scimId}:${digest}`;
}
