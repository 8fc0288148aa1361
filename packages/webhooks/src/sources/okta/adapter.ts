import { lazy, useEnglishZodMessages } from '@idp-sync/common';
import type { CommandAction, InviteMode, PredefinedRole, ProvisioningCommand } from '@idp-sync/contracts';
import type { HttpRequest, SecretValues } from '@idp-sync/http';
import { PayloadError } from '@idp-sync/http';
import * as z from 'zod/mini';
import { buildCommand, cleanName, emailAt, sourceUserIdOf, withoutRepeats } from '../build-command';
import { assertWithinLimit, DELIVERY_LIMITS } from '../fan-out';
import { issuesToFieldErrors } from '../issues';
import { toIsoTimestamp } from '../timestamps';
import type { IgnoredEvent, NormalizeContext, NormalizeResult, SourceAdapter } from '../types';
import { verifyOktaAuthHeader } from './verify';

/** Whether Okta app / group membership events provision people (off unless the hook is scoped for it). */
export type OktaMembershipEvents = 'off' | 'app' | 'group' | 'both';

/** How `user.lifecycle.suspend` is treated: suspension is temporary in Okta, and delete is terminal here. */
export type OktaSuspendAction = 'ignore' | 'delete';

export interface OktaAdapterOptions {
  /** Lower-case name of the header that carries the shared secret. */
  readonly authHeader: string;
  readonly suspendAction: OktaSuspendAction;
  readonly membershipEvents: OktaMembershipEvents;
  /** When set, app membership events count only for these Okta app ids (the `AppInstance` target). */
  readonly appIds?: readonly string[];
  /** When set, group membership events count only for these Okta group ids (the `UserGroup` target). */
  readonly groupIds?: readonly string[];
  readonly defaultRole: PredefinedRole;
  readonly defaultInviteMode: InviteMode;
}

type Mapping =
  | { readonly action: CommandAction; readonly membership?: 'app' | 'group'; readonly op?: 'add' | 'remove' }
  | { readonly ignore: string };

/**
 * The Okta event types this adapter maps, and to what. Everything else is acknowledged, counted and not queued.
 * Exported so the README and tests use the same table.
 */
export const OKTA_EVENT_ACTIONS: Readonly<Record<string, { action: CommandAction; note: string }>> = {
  'user.lifecycle.create': { action: 'create', note: 'always' },
  'user.lifecycle.activate': { action: 'create', note: 'always' },
  'user.lifecycle.reactivate': { action: 'create', note: 'always' },
  'user.lifecycle.deactivate': { action: 'delete', note: 'always' },
  'user.lifecycle.delete.initiated': { action: 'delete', note: 'always' },
  'user.lifecycle.suspend': { action: 'delete', note: 'only with OKTA_SUSPEND_ACTION=delete (ignored by default)' },
  'user.lifecycle.unsuspend': { action: 'create', note: 'only with OKTA_SUSPEND_ACTION=delete (ignored by default)' },
  'user.account.update_profile': { action: 'update', note: 'name from the target displayName' },
  'application.user_membership.add': { action: 'create', note: 'only with OKTA_MEMBERSHIP_EVENTS=app|both' },
  'application.user_membership.remove': { action: 'delete', note: 'only with OKTA_MEMBERSHIP_EVENTS=app|both' },
  'group.user_membership.add': {
    action: 'create',
    note: 'with OKTA_MEMBERSHIP_EVENTS=group|both; otherwise a membership recorded for the role policy',
  },
  'group.user_membership.remove': {
    action: 'delete',
    note: 'with OKTA_MEMBERSHIP_EVENTS=group|both; otherwise a membership removal recorded for the role policy',
  },
};

function mappingFor(eventType: string, options: OktaAdapterOptions): Mapping {
  switch (eventType) {
    case 'user.lifecycle.create':
    case 'user.lifecycle.activate':
    case 'user.lifecycle.reactivate':
      return { action: 'create' };
    case 'user.lifecycle.deactivate':
    case 'user.lifecycle.delete.initiated':
      return { action: 'delete' };
    case 'user.lifecycle.suspend':
      return options.suspendAction === 'delete' ? { action: 'delete' } : { ignore: 'suspend-ignored-by-config' };
    case 'user.lifecycle.unsuspend':
      // The way back from a suspension that was a leave: a join (it cancels the delete if a grace period holds it).
      return options.suspendAction === 'delete' ? { action: 'create' } : { ignore: 'suspend-ignored-by-config' };
    case 'user.account.update_profile':
      return { action: 'update' };
    case 'application.user_membership.add':
    case 'application.user_membership.remove':
      if (options.membershipEvents !== 'app' && options.membershipEvents !== 'both') {
        return { ignore: 'membership-events-off' };
      }
      return { action: eventType.endsWith('.add') ? 'create' : 'delete', membership: 'app' };
    case 'group.user_membership.add':
    case 'group.user_membership.remove':
      if (options.membershipEvents !== 'group' && options.membershipEvents !== 'both') {
        // Not provisioning by group: the membership is recorded for the role policy (issue #18), nothing else.
        return { action: 'membership', op: eventType.endsWith('.add') ? 'add' : 'remove' };
      }
      return { action: eventType.endsWith('.add') ? 'create' : 'delete', membership: 'group' };
    default:
      return { ignore: 'unknown-event-type' };
  }
}

// Lenient on purpose: Okta's preview samples carry `actor: null`, `target: null`, mixed-case outcomes, and System Log
// objects grow fields over time. Only what the mapping reads is checked.
function buildSchemas() {
  useEnglishZodMessages();
  const TargetSchema = z.looseObject({
    id: z.nullish(z.string().check(z.maxLength(256))),
    type: z.nullish(z.string().check(z.maxLength(256))),
    alternateId: z.optional(z.unknown()),
    displayName: z.optional(z.unknown()),
  });

  const LogEventSchema = z.looseObject({
    uuid: z.string().check(z.minLength(1), z.maxLength(256)),
    eventType: z.string().check(z.minLength(1), z.maxLength(256)),
    published: z.string(),
    outcome: z.nullish(z.looseObject({ result: z.nullish(z.string()) })),
    target: z.nullish(z.array(z.union([TargetSchema, z.null()]))),
  });

  const EnvelopeSchema = z.looseObject({ data: z.looseObject({ events: z.array(z.unknown()) }) });
  return { TargetSchema, LogEventSchema, EnvelopeSchema };
}

// Built on the first delivery of this source, not at import (cold start of a function serving other sources).
const schemas = lazy(buildSchemas);

type Target = z.infer<ReturnType<typeof buildSchemas>['TargetSchema']>;

function targetsOfType(targets: readonly (Target | null)[] | null | undefined, type: string): [Target, number][] {
  const found: [Target, number][] = [];
  (targets ?? []).forEach((target, index) => {
    if (target && typeof target.type === 'string' && target.type.toLowerCase() === type) found.push([target, index]);
  });
  return found;
}

/** `User` targets of the raw LogEvents, counted without a schema walk (the same rule as {@link targetsOfType}). */
function countUserTargets(events: readonly unknown[]): number {
  let users = 0;
  for (const event of events) {
    const targets = (event as { target?: unknown } | null)?.target;
    for (const target of Array.isArray(targets) ? targets : []) {
      if (String((target as { type?: unknown } | null)?.type).toLowerCase() === 'user') users++;
    }
  }
  return users;
}

/**
 * Okta Event Hooks: the verification GET and the event POSTs. One POST carries `data.events[]`; each event becomes one
 * command per person it names (the `User` targets). Only events whose `outcome.result` is SUCCESS (any case) or
 * absent produce commands.
 *
 * @example
 * const okta = createOktaAdapter({ authHeader: 'authorization', suspendAction: 'ignore', membershipEvents: 'off',
 *   defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' });
 */
export function createOktaAdapter(options: OktaAdapterOptions): SourceAdapter & {
  challenge(request: HttpRequest): { verification: string };
} {
  return {
    source: 'okta',

    verify(request: HttpRequest, secrets: SecretValues) {
      verifyOktaAuthHeader(request, secrets, options.authHeader);
      return {};
    },

    challenge(request: HttpRequest) {
      const value = request.headers['x-okta-verification-challenge'];
      if (value === undefined || value === '') {
        throw new PayloadError('the one-time verification GET must carry the X-Okta-Verification-Challenge header', [
          { path: 'headers.x-okta-verification-challenge', message: 'required' },
        ]);
      }
      if (value.length > 1024) {
        throw new PayloadError('the verification challenge is too long', [
          { path: 'headers.x-okta-verification-challenge', message: 'must be at most 1024 characters' },
        ]);
      }
      return { verification: value };
    },

    normalize(payload: unknown, context: NormalizeContext): NormalizeResult {
      const envelope = schemas().EnvelopeSchema.safeParse(payload);
      if (!envelope.success) {
        throw new PayloadError(
          'the body is not an Okta event hook delivery ({ data: { events: [...] } })',
          issuesToFieldErrors(envelope.error.issues),
        );
      }
      // Fan-out bounded before any LogEvent is walked (DELIVERY_LIMITS says why no real delivery reaches it).
      const events = envelope.data.data.events;
      assertWithinLimit(events.length, DELIVERY_LIMITS.oktaEvents, 'Okta LogEvents', 'data.events');
      assertWithinLimit(countUserTargets(events), DELIVERY_LIMITS.oktaUsers, 'Okta User targets', 'data.events');
      const commands: ProvisioningCommand[] = [];
      const ignored: IgnoredEvent[] = [];

      events.forEach((raw, i) => {
        const at = `data.events[${i}]`;
        const parsed = schemas().LogEventSchema.safeParse(raw);
        if (!parsed.success) {
          throw new PayloadError(
            'an Okta LogEvent is malformed',
            issuesToFieldErrors(parsed.error.issues, ['data', 'events', i]),
          );
        }
        const event = parsed.data;
        const occurredAt = toIsoTimestamp(event.published);
        if (!occurredAt) {
          throw new PayloadError('an Okta LogEvent has an unreadable timestamp', [
            { path: `${at}.published`, message: 'must be an RFC 3339 timestamp' },
          ]);
        }
        const result = event.outcome?.result;
        if (result !== undefined && result !== null && result.toUpperCase() !== 'SUCCESS') {
          ignored.push({ eventType: event.eventType, reason: 'outcome-not-success' });
          return;
        }
        const mapping = mappingFor(event.eventType, options);
        if ('ignore' in mapping) {
          ignored.push({ eventType: event.eventType, reason: mapping.ignore });
          return;
        }
        if (mapping.membership === 'app' && options.appIds && options.appIds.length > 0) {
          const apps = targetsOfType(event.target, 'appinstance');
          if (!apps.some(([app]) => app.id && options.appIds?.includes(app.id))) {
            ignored.push({ eventType: event.eventType, reason: 'app-not-provisioned' });
            return;
          }
        }
        if (mapping.membership === 'group' && options.groupIds && options.groupIds.length > 0) {
          const groups = targetsOfType(event.target, 'usergroup');
          if (!groups.some(([group]) => group.id && options.groupIds?.includes(group.id))) {
            ignored.push({ eventType: event.eventType, reason: 'group-not-provisioned' });
            return;
          }
        }
        const users = targetsOfType(event.target, 'user');
        if (users.length === 0) {
          ignored.push({ eventType: event.eventType, reason: 'no-user-target' });
          return;
        }
        if (mapping.action === 'membership') {
          const groups = targetsOfType(event.target, 'usergroup');
          if (groups.length === 0) {
            ignored.push({ eventType: event.eventType, reason: 'no-group-target' });
            return;
          }
          // Users × groups, bounded before anything is built (Okta sends one of each; a hand-built event, thousands).
          assertWithinLimit(
            commands.length + users.length * groups.length,
            DELIVERY_LIMITS.commands,
            'membership commands',
            `${at}.target`,
          );
          for (const [user, j] of users) {
            const emailPath = `${at}.target[${j}].alternateId`;
            const email = emailAt(user.alternateId, emailPath);
            for (const [group, k] of groups) {
              const name =
                typeof group.displayName === 'string' && group.displayName.trim() !== '' ? group.displayName : group.id;
              if (typeof name !== 'string' || name.trim() === '') continue;
              const single = users.length === 1 && groups.length === 1;
              commands.push(
                buildCommand(
                  {
                    id: single ? `okta:${event.uuid}` : `okta:${event.uuid}:${user.id ?? j}:${group.id ?? k}`,
                    source: 'okta',
                    sourceEventType: event.eventType,
                    occurredAt,
                    receivedAt: context.receivedAt,
                    action: 'membership',
                    email,
                    membership: {
                      op: mapping.op ?? 'add',
                      group: name.trim().slice(0, 256),
                      ...(typeof group.id === 'string' && group.id !== '' ? { groupId: group.id.slice(0, 256) } : {}),
                    },
                    ...sourceUserIdOf(user.id),
                  },
                  { email: emailPath, id: `${at}.uuid` },
                ),
              );
            }
          }
          return;
        }
        // A group membership that provisions names the group: the role policy may choose a role by it (issue #18).
        const groupFacts: string[] = [];
        if (mapping.membership === 'group' && mapping.action === 'create') {
          for (const [group] of targetsOfType(event.target, 'usergroup')) {
            for (const value of [group.displayName, group.id]) {
              if (typeof value === 'string' && value.trim() !== '' && groupFacts.length < 100) {
                groupFacts.push(value.trim().slice(0, 256));
              }
            }
          }
        }
        for (const [user, j] of users) {
          const emailPath = `${at}.target[${j}].alternateId`;
          const email = emailAt(user.alternateId, emailPath);
          const name =
            mapping.action === 'create' || mapping.action === 'update' ? cleanName(user.displayName) : undefined;
          if (mapping.action === 'update' && name === undefined) {
            ignored.push({ eventType: event.eventType, reason: 'nothing-to-update' });
            continue;
          }
          const id = users.length > 1 ? `okta:${event.uuid}:${user.id ?? j}` : `okta:${event.uuid}`;
          commands.push(
            buildCommand(
              {
                id,
                source: 'okta',
                sourceEventType: event.eventType,
                occurredAt,
                receivedAt: context.receivedAt,
                action: mapping.action,
                email,
                ...(name !== undefined ? { name } : {}),
                ...(mapping.action === 'create'
                  ? { role: options.defaultRole, inviteMode: options.defaultInviteMode }
                  : {}),
                ...(groupFacts.length === 0 ? {} : { facts: { groups: groupFacts } }),
                // The Okta user id: the worker follows it to the provisioned email when the login changes.
                ...sourceUserIdOf(user.id),
              },
              { email: emailPath, name: `${at}.target[${j}].displayName`, id: `${at}.uuid` },
            ),
          );
        }
      });
      // Okta redelivers whole batches, and one batch may repeat an event: exact repeats are one command.
      return { commands: withoutRepeats(commands), ignored };
    },
  };
}
