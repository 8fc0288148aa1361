import { lazy, ownField, PROTOTYPE_KEYS, useEnglishZodMessages } from '@idp-sync/common';
import type { CommandAction, InviteMode, PersonFacts, PredefinedRole, ProvisioningCommand } from '@idp-sync/contracts';
import type { HttpRequest, SecretValues } from '@idp-sync/http';
import { PayloadError } from '@idp-sync/http';
import * as z from 'zod/mini';
import { buildCommand, cleanName, emailAt, isEmail, joinName, sourceUserIdOf, withoutRepeats } from '../build-command';
import { assertWithinLimit, DELIVERY_LIMITS } from '../fan-out';
import { formatPath, issuesToFieldErrors } from '../issues';
import { toIsoTimestamp } from '../timestamps';
import type { IgnoredEvent, NormalizeContext, NormalizeResult, SourceAdapter } from '../types';
import { verifyWorkosSignature } from './verify';

export interface WorkosAdapterOptions {
  readonly toleranceMs: number;
  readonly defaultRole: PredefinedRole;
  readonly defaultInviteMode: InviteMode;
}

/** The WorkOS Directory Sync events this adapter maps. Everything else is acknowledged, counted and not queued. */
export const WORKOS_EVENT_ACTIONS: Readonly<Record<string, string>> = {
  'dsync.user.created': 'create (ignored if the user is already `inactive`)',
  'dsync.user.updated': 'update; delete when `state` is `inactive`',
  'dsync.user.deleted': 'delete',
  'dsync.deleted': 'delete for every user the event names (`data.users[]`); acknowledged when it names none',
};

function buildSchemas() {
  useEnglishZodMessages();
  const EnvelopeSchema = z.looseObject({
    id: z.string().check(z.minLength(1), z.maxLength(256)),
    event: z.string().check(z.minLength(1), z.maxLength(256)),
    data: z.record(z.string(), z.unknown()),
    created_at: z.string(),
  });

  const EmailEntrySchema = z.looseObject({ value: z.optional(z.unknown()), primary: z.optional(z.unknown()) });

  const DirectoryUserSchema = z.looseObject({
    id: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    state: z.nullish(z.string()),
    email: z.optional(z.unknown()),
    emails: z.nullish(z.array(z.unknown())),
    username: z.optional(z.unknown()),
    first_name: z.optional(z.unknown()),
    last_name: z.optional(z.unknown()),
    raw_attributes: z.optional(z.unknown()),
    previous_attributes: z.optional(z.unknown()),
  });
  return { EnvelopeSchema, EmailEntrySchema, DirectoryUserSchema };
}

// Built on the first delivery of this source, not at import (cold start of a function serving other sources).
const schemas = lazy(buildSchemas);

type DirectoryUser = z.infer<ReturnType<typeof buildSchemas>['DirectoryUserSchema']>;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The primary entry of a SCIM-like `emails` array, else its first entry with a value; with its index. */
function pickEmailEntry(emails: readonly unknown[]): [unknown, number] | undefined {
  const entries = emails.map((entry) => schemas().EmailEntrySchema.safeParse(entry));
  const primary = entries.findIndex(
    (entry) => entry.success && entry.data.primary === true && entry.data.value != null,
  );
  const index = primary >= 0 ? primary : entries.findIndex((entry) => entry.success && entry.data.value != null);
  const entry = entries[index];
  return index >= 0 && entry?.success ? [entry.data.value, index] : undefined;
}

/**
 * The person's email. In order: `email` (current WorkOS payloads), the primary (else first) of `emails[]`, then —
 * leniently, valid addresses only — `raw_attributes` (`emails[]`, `userName`, `primaryEmail`, `mail`) and `username`.
 * A value found in `email`/`emails[]` that is not an email is a 400; finding none at all (WorkOS's older payloads,
 * e.g. its own SDK fixture) gives `undefined`, and the event is acknowledged and counted as `no-email`.
 */
function resolveEmail(user: DirectoryUser, at: readonly PropertyKey[]): { email: string; path: string } | undefined {
  if (user.email !== undefined && user.email !== null) {
    const path = formatPath([...at, 'email']);
    return { email: emailAt(user.email, path), path };
  }
  if (user.emails && user.emails.length > 0) {
    const picked = pickEmailEntry(user.emails);
    if (picked) {
      const path = formatPath([...at, 'emails', picked[1], 'value']);
      return { email: emailAt(picked[0], path), path };
    }
  }
  const raw = asRecord(user.raw_attributes);
  const lenient: [unknown, PropertyKey[]][] = [];
  if (raw) {
    if (Array.isArray(raw.emails)) {
      const picked = pickEmailEntry(raw.emails);
      if (picked) lenient.push([picked[0], ['raw_attributes', 'emails', picked[1], 'value']]);
    }
    lenient.push([raw.userName, ['raw_attributes', 'userName']]);
    lenient.push([raw.primaryEmail, ['raw_attributes', 'primaryEmail']]);
    lenient.push([raw.mail, ['raw_attributes', 'mail']]);
  }
  lenient.push([user.username, ['username']]);
  for (const [value, path] of lenient) {
    if (isEmail(value)) {
      const full = formatPath([...at, ...path]);
      return { email: emailAt(value, full), path: full };
    }
  }
  return undefined;
}

/**
 * The address the person had before this event, from `previous_attributes` (`email`, else the primary or first of
 * `emails`): valid addresses only, since it is a hint — the account the Users API holds is still under it.
 */
function previousEmail(previous: Record<string, unknown>): string | undefined {
  const emails = Object.hasOwn(previous, 'emails') ? previous.emails : undefined;
  const picked = Array.isArray(emails) ? pickEmailEntry(emails)?.[0] : undefined;
  const value = (Object.hasOwn(previous, 'email') ? previous.email : undefined) ?? picked;
  return isEmail(value) ? emailAt(value, '') : undefined;
}

function nameOf(user: DirectoryUser): string | undefined {
  const raw = asRecord(user.raw_attributes);
  return (
    joinName(user.first_name, user.last_name) ??
    cleanName(raw?.displayName) ??
    cleanName(asRecord(raw?.name)?.formatted)
  );
}

/**
 * WorkOS Directory Sync webhooks (`WorkOS-Signature`). Command ids are `workos:<event id>`, and
 * `workos:<event id>:<directory user id>` for each person of a `dsync.deleted`.
 *
 * @example
 * const workos = createWorkosAdapter({ toleranceMs: 180_000, defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' });
 */
export function createWorkosAdapter(options: WorkosAdapterOptions): SourceAdapter {
  return {
    source: 'workos',

    verify(request: HttpRequest, secrets: SecretValues, nowMs: number) {
      verifyWorkosSignature(request, secrets, nowMs, options.toleranceMs);
      return {};
    },

    normalize(payload: unknown, context: NormalizeContext): NormalizeResult {
      const envelope = schemas().EnvelopeSchema.safeParse(payload);
      if (!envelope.success) {
        throw new PayloadError(
          'the body is not a WorkOS event ({ id, event, data, created_at })',
          issuesToFieldErrors(envelope.error.issues),
        );
      }
      const { id: eventId, event, data, created_at } = envelope.data;
      const occurredAt = toIsoTimestamp(created_at);
      if (!occurredAt) {
        throw new PayloadError('the WorkOS event has an unreadable created_at', [
          { path: 'created_at', message: 'must be an ISO 8601 timestamp' },
        ]);
      }
      const commands: ProvisioningCommand[] = [];
      const ignored: IgnoredEvent[] = [];

      const emit = (user: DirectoryUser, at: PropertyKey[], action: CommandAction, id: string) => {
        const resolved = resolveEmail(user, at);
        if (!resolved) {
          ignored.push({ eventType: event, reason: 'no-email' });
          return;
        }
        const name = action === 'delete' ? undefined : nameOf(user);
        const previous = asRecord(user.previous_attributes);
        const emailChanged =
          action === 'update' &&
          previous !== undefined &&
          (Object.hasOwn(previous, 'email') || Object.hasOwn(previous, 'emails'));
        // An update or leave that changes the email is about the account under the previous address: keyed on it,
        // it stays in that person's FIFO group and finds the account even before the worker knows the directory
        // user id (the worker follows the id to the provisioned address when it does).
        const before = action !== 'create' && previous ? previousEmail(previous) : undefined;
        commands.push(
          buildCommand(
            {
              id,
              source: 'workos',
              sourceEventType: event,
              occurredAt,
              receivedAt: context.receivedAt,
              action,
              email: before ?? resolved.email,
              ...(name !== undefined ? { name } : {}),
              ...(action === 'create' ? { role: options.defaultRole, inviteMode: options.defaultInviteMode } : {}),
              ...(action === 'create' ? workosFacts(user) : {}),
              // The Users API keys people by email and cannot change it: say so rather than drop it.
              ...(emailChanged ? { unsupported: ['email'] } : {}),
              // The directory says the person is active: a reactivation cancels a delete waiting out a grace period.
              ...(action === 'update' && user.state === 'active' ? { active: true as const } : {}),
              ...sourceUserIdOf(user.id),
            },
            { email: resolved.path, name: formatPath([...at, 'first_name']), occurredAt: 'created_at', id: 'id' },
          ),
        );
      };

      const parseUser = (value: unknown, at: PropertyKey[]): DirectoryUser => {
        const user = schemas().DirectoryUserSchema.safeParse(value);
        if (!user.success) {
          throw new PayloadError('a WorkOS directory user is malformed', issuesToFieldErrors(user.error.issues, at));
        }
        return user.data;
      };

      switch (event) {
        case 'dsync.user.created': {
          const user = parseUser(data, ['data']);
          if (user.state === 'inactive') ignored.push({ eventType: event, reason: 'inactive-user' });
          else emit(user, ['data'], 'create', `workos:${eventId}`);
          break;
        }
        case 'dsync.user.updated': {
          const user = parseUser(data, ['data']);
          // Deprovisioning mostly arrives as an update to `inactive`, not as dsync.user.deleted.
          emit(user, ['data'], user.state === 'inactive' ? 'delete' : 'update', `workos:${eventId}`);
          break;
        }
        case 'dsync.user.deleted':
          emit(parseUser(data, ['data']), ['data'], 'delete', `workos:${eventId}`);
          break;
        case 'dsync.deleted': {
          const users = data.users;
          if (!Array.isArray(users) || users.length === 0) {
            ignored.push({ eventType: event, reason: 'names-no-users' });
            break;
          }
          assertWithinLimit(users.length, DELIVERY_LIMITS.workosDeletedUsers, 'dsync.deleted users', 'data.users');
          users.forEach((value, index) => {
            const at = ['data', 'users', index];
            const user = parseUser(value, at);
            if (!user.id) {
              throw new PayloadError('a user of a dsync.deleted event has no id', [
                { path: formatPath([...at, 'id']), message: 'required' },
              ]);
            }
            emit(user, at, 'delete', `workos:${eventId}:${user.id}`);
          });
          break;
        }
        default:
          ignored.push({ eventType: event, reason: 'unknown-event-type' });
      }
      // A user named twice by one dsync.deleted is one leave; the same id with another email is kept (CommandIdReused).
      return { commands: withoutRepeats(commands), ignored };
    },
  };
}

/**
 * What a WorkOS directory user says for the role policy (issue #18): its groups (names and ids), its role slug, and
 * its custom attributes with text values as named fields — own properties only, bounded, prototype-named keys left out.
 */
function workosFacts(user: DirectoryUser): { facts?: PersonFacts } {
  const groups: string[] = [];
  const listed = ownField(user, 'groups');
  if (Array.isArray(listed)) {
    for (const group of listed) {
      for (const key of ['name', 'id']) {
        const value = ownField(group, key);
        if (typeof value === 'string' && value.trim() !== '' && groups.length < 100)
          groups.push(value.trim().slice(0, 256));
      }
    }
  }
  const slug = ownField(ownField(user, 'role'), 'slug');
  const roles = typeof slug === 'string' && slug.trim() !== '' ? [slug.trim().slice(0, 256)] : [];
  const fields: { name: string; value: string }[] = [];
  const custom = ownField(user, 'custom_attributes');
  if (custom !== null && typeof custom === 'object' && !Array.isArray(custom)) {
    for (const name of Object.keys(custom)) {
      const value = ownField(custom, name);
      if (PROTOTYPE_KEYS.has(name) || typeof value !== 'string' || name.length > 128 || fields.length >= 50) continue;
      fields.push({ name, value: value.slice(0, 256) });
    }
  }
  if (groups.length + roles.length + fields.length === 0) return {};
  return {
    facts: {
      ...(groups.length === 0 ? {} : { groups }),
      ...(roles.length === 0 ? {} : { roles }),
      ...(fields.length === 0 ? {} : { fields }),
    },
  };
}
