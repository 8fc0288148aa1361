import { createHash } from 'node:crypto';
import { lazy, ownField, PROTOTYPE_KEYS, useEnglishZodMessages } from '@idp-sync/common';
import type { CommandAction, InviteMode, PersonFacts, PredefinedRole, ProvisioningCommand } from '@idp-sync/contracts';
import type { HttpRequest, SecretValues } from '@idp-sync/http';
import { PayloadError } from '@idp-sync/http';
import * as z from 'zod/mini';
import { buildCommand, cleanName, emailAt, joinName, sourceUserIdOf } from '../build-command';
import { assertWithinLimit, DELIVERY_LIMITS } from '../fan-out';
import { formatPath, issuesToFieldErrors } from '../issues';
import { toIsoTimestamp } from '../timestamps';
import type { IgnoredEvent, NormalizeContext, NormalizeResult, SourceAdapter } from '../types';
import { verifyBambooSignature } from './verify';

export interface BambooAdapterOptions {
  /** The field (name or alias) that holds the work email, e.g. `workEmail` or `Work Email`. */
  readonly emailField: string;
  /** The field whose value `Inactive` means the employee left (BambooHR terminates rather than deletes). */
  readonly statusField: string;
  readonly toleranceMs: number;
  readonly defaultRole: PredefinedRole;
  readonly defaultInviteMode: InviteMode;
}

/** How BambooHR events map to commands (event-based `type` and legacy field-based `action`). */
export const BAMBOOHR_EVENT_ACTIONS: Readonly<Record<string, string>> = {
  'employee.created / Created': 'create',
  'employee.updated / Updated': 'update (name); delete when the status field is `Inactive`',
  'employee.deleted / Deleted': 'delete',
};

function buildSchemas() {
  useEnglishZodMessages();
  const Id = z.union([z.string().check(z.minLength(1), z.maxLength(128)), z.number().check(z.int(), z.nonnegative())]);
  const Fields = z.record(z.string(), z.unknown());
  const ChangedFields = z.optional(z.array(z.string()).check(z.maxLength(1000)));
  const Timestamp = z.optional(z.string().check(z.maxLength(64)));

  const EventBasedSchema = z.looseObject({
    type: z.string().check(z.minLength(1), z.maxLength(128)),
    timestamp: Timestamp,
    data: z.looseObject({
      companyId: z.optional(Id),
      employeeId: Id,
      changedFields: ChangedFields,
      fields: z.optional(Fields),
    }),
  });

  const FieldBasedEmployeeSchema = z.looseObject({
    id: Id,
    action: z.string().check(z.minLength(1), z.maxLength(64)),
    timestamp: Timestamp,
    changedFields: ChangedFields,
    fields: z.optional(z.union([Fields, z.array(z.unknown()).check(z.maxLength(0))])),
  });

  const FieldBasedSchema = z.looseObject({ employees: z.array(z.unknown()) });
  return { EventBasedSchema, FieldBasedEmployeeSchema, FieldBasedSchema };
}

// Built on the first delivery of this source, not at import (cold start of a function serving other sources).
const schemas = lazy(buildSchemas);

/** Field names compare loosely: `workEmail`, `Work Email` and `work_email` are the same field. */
function fieldKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function findField(fields: Record<string, unknown> | undefined, name: string): [unknown, string] | undefined {
  if (!fields) return undefined;
  if (Object.hasOwn(fields, name)) return [fields[name], name];
  const wanted = fieldKey(name);
  const key = Object.keys(fields).find((candidate) => fieldKey(candidate) === wanted);
  return key === undefined ? undefined : [fields[key], key];
}

/**
 * An id for an event that has none: the hash of what it says and of when it was sent. BambooHR events carry no id, and
 * their content repeats — "First Name Alice → Bea → Alice" posts the same fields twice, and the body's `timestamp`
 * (documented as `2026-01-31T18:42:00+0000`) may be the same for both — so content alone made the return to Alice a
 * duplicate that was dropped. `X-BambooHR-Timestamp` ("the timestamp when the request was sent", signed with the body)
 * tells two sends apart. BambooHR documents its retries (5xx only, up to 5 times, 5 min to 80 min apart) but not whether
 * a retry is signed anew; one that is gets a new id and is applied again, which is harmless (BambooHR maps only to
 * create, update and delete, each idempotent in effect, and the watermark keeps an old event from overwriting a newer
 * one), where dropping a real change is not. A redelivery of the same signed request stays a duplicate.
 */
function contentId(parts: readonly unknown[]): string {
  return `bamboohr:${createHash('sha256').update(JSON.stringify(parts)).digest('hex')}`;
}

function canonicalFields(fields: Record<string, unknown> | undefined): [string, unknown][] {
  return Object.entries(fields ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

interface Employee {
  readonly kind: 'event' | 'field';
  readonly eventType: string;
  readonly verb: 'created' | 'updated' | 'deleted' | undefined;
  readonly companyId: string | undefined;
  readonly employeeId: string;
  readonly timestamp: string | undefined;
  readonly changedFields: readonly string[];
  readonly fields: Record<string, unknown> | undefined;
  /** Path of the object that holds the fields, for error messages. */
  readonly fieldsAt: readonly PropertyKey[];
  readonly timestampAt: string;
}

function verbOf(value: string): Employee['verb'] {
  const v = value.toLowerCase();
  if (v === 'created' || v === 'employee.created') return 'created';
  if (v === 'updated' || v === 'employee.updated') return 'updated';
  if (v === 'deleted' || v === 'employee.deleted') return 'deleted';
  return undefined;
}

function readEmployees(payload: unknown): Employee[] {
  const record = payload !== null && typeof payload === 'object' && !Array.isArray(payload);
  if (record && 'employees' in payload) {
    // Fan-out bounded before any entry is walked (DELIVERY_LIMITS says why no real delivery reaches it).
    const { employees } = payload as { employees?: unknown };
    if (Array.isArray(employees)) {
      assertWithinLimit(employees.length, DELIVERY_LIMITS.bamboohrEmployees, 'BambooHR employees', 'employees');
    }
    const outer = schemas().FieldBasedSchema.safeParse(payload);
    if (!outer.success)
      throw new PayloadError('the field-based BambooHR payload is malformed', issuesToFieldErrors(outer.error.issues));
    return outer.data.employees.map((raw, i) => {
      const parsed = schemas().FieldBasedEmployeeSchema.safeParse(raw);
      if (!parsed.success) {
        throw new PayloadError(
          'a BambooHR employee entry is malformed',
          issuesToFieldErrors(parsed.error.issues, ['employees', i]),
        );
      }
      const e = parsed.data;
      return {
        kind: 'field',
        eventType: e.action,
        verb: verbOf(e.action),
        companyId: undefined,
        employeeId: String(e.id),
        timestamp: e.timestamp,
        changedFields: e.changedFields ?? [],
        // BambooHR sends `[]` rather than `{}` for the empty fields of Created and Deleted in some encodings.
        fields: Array.isArray(e.fields) ? undefined : e.fields,
        fieldsAt: ['employees', i, 'fields'],
        timestampAt: `employees[${i}].timestamp`,
      };
    });
  }
  if (record && 'type' in payload) {
    const parsed = schemas().EventBasedSchema.safeParse(payload);
    if (!parsed.success)
      throw new PayloadError('the event-based BambooHR payload is malformed', issuesToFieldErrors(parsed.error.issues));
    const e = parsed.data;
    // The documented event-based payload has no field values; `data.fields` (or a field directly on `data`) is
    // read when a webhook posts them.
    const fields = e.data.fields ?? (e.data as Record<string, unknown>);
    return [
      {
        kind: 'event',
        eventType: e.type,
        verb: e.type.startsWith('employee.') ? verbOf(e.type) : undefined,
        companyId: e.data.companyId === undefined ? undefined : String(e.data.companyId),
        employeeId: String(e.data.employeeId),
        timestamp: e.timestamp,
        changedFields: e.data.changedFields ?? [],
        fields,
        fieldsAt: e.data.fields ? ['data', 'fields'] : ['data'],
        timestampAt: 'timestamp',
      },
    ];
  }
  throw new PayloadError(
    'the body is neither an event-based ({ type, timestamp, data }) nor a field-based ({ employees: [...] }) BambooHR webhook',
    [{ path: '(body)', message: 'expected an object with "type" or "employees"' }],
  );
}

/**
 * BambooHR webhooks, event-based (`employee.created|updated|deleted`) and legacy field-based (`employees[]` with
 * `action`). The email comes from the configured field (`BAMBOOHR_EMAIL_FIELD`), which the webhook must be set to
 * post; an event that carries no email is acknowledged and counted as `no-email` (BambooHR's event-based payloads and
 * its Created/Deleted entries carry no field values). There is no event id: command ids hash the event's content and
 * the signed `X-BambooHR-Timestamp` (see `contentId`).
 *
 * @example
 * const bamboo = createBambooAdapter({ emailField: 'workEmail', statusField: 'status', toleranceMs: 300_000,
 *   defaultRole: 'MEMBER', defaultInviteMode: 'EMAIL_LINK' });
 */
export function createBambooAdapter(options: BambooAdapterOptions): SourceAdapter {
  return {
    source: 'bamboohr',

    verify(request: HttpRequest, secrets: SecretValues, nowMs: number) {
      return verifyBambooSignature(request, secrets, nowMs, options.toleranceMs);
    },

    normalize(payload: unknown, context: NormalizeContext): NormalizeResult {
      const commands: ProvisioningCommand[] = [];
      const ignored: IgnoredEvent[] = [];
      const seen = new Set<string>();

      for (const employee of readEmployees(payload)) {
        if (!employee.verb) {
          ignored.push({ eventType: employee.eventType, reason: 'unknown-event-type' });
          continue;
        }
        const found = findField(employee.fields, options.emailField);
        if (!found || found[0] === null || found[0] === '' || found[0] === undefined) {
          ignored.push({ eventType: employee.eventType, reason: 'no-email' });
          continue;
        }
        const emailPath = formatPath([...employee.fieldsAt, found[1]]);
        const email = emailAt(found[0], emailPath);
        const occurredAt = toIsoTimestamp(employee.timestamp) ?? context.delivery.sentAt;
        if (!occurredAt) {
          throw new PayloadError('a BambooHR event has no readable timestamp', [
            { path: employee.timestampAt, message: 'must be an ISO 8601 timestamp' },
          ]);
        }
        const status = findField(employee.fields, options.statusField)?.[0];
        let action: CommandAction;
        if (employee.verb === 'created') action = 'create';
        else if (employee.verb === 'deleted') action = 'delete';
        else action = typeof status === 'string' && status.trim().toLowerCase() === 'inactive' ? 'delete' : 'update';

        const name =
          action === 'delete'
            ? undefined
            : (joinName(findField(employee.fields, 'firstName')?.[0], findField(employee.fields, 'lastName')?.[0]) ??
              cleanName(findField(employee.fields, 'preferredName')?.[0]));
        // Back to Active: a reactivation (it cancels a delete waiting out a grace period). Said only when the status
        // is among the changed fields, so that routine updates with no name stay ignored as before.
        const active = action === 'update' && typeof status === 'string' && status.trim().toLowerCase() === 'active';
        const reactivated =
          active && employee.changedFields.some((f) => f.trim().toLowerCase() === options.statusField.toLowerCase());
        if (action === 'update' && name === undefined && !reactivated) {
          ignored.push({ eventType: employee.eventType, reason: 'nothing-to-update' });
          continue;
        }
        const id = contentId([
          employee.kind,
          employee.companyId ?? null,
          employee.employeeId,
          employee.eventType,
          employee.timestamp ?? null,
          [...employee.changedFields].sort(),
          canonicalFields(employee.fields),
          context.delivery.sentAt ?? null,
        ]);
        if (seen.has(id)) continue;
        seen.add(id);
        commands.push(
          buildCommand(
            {
              id,
              source: 'bamboohr',
              sourceEventType: employee.eventType,
              occurredAt,
              receivedAt: context.receivedAt,
              action,
              email,
              ...(name !== undefined ? { name } : {}),
              ...(action === 'create' ? { role: options.defaultRole, inviteMode: options.defaultInviteMode } : {}),
              ...(action === 'create' ? bambooFacts(employee.fields) : {}),
              ...(active ? { active: true as const } : {}),
              // The employee id: the worker follows it to the provisioned email when Work Email changes.
              ...sourceUserIdOf(employee.employeeId),
            },
            {
              email: emailPath,
              name: formatPath([...employee.fieldsAt, 'firstName']),
              occurredAt: employee.timestampAt,
            },
          ),
        );
      }
      return { commands, ignored };
    },
  };
}

/**
 * The fields a BambooHR create posted (text values), as named fields for the role policy (issue #18): own properties
 * only, at most 50, prototype-named keys left out.
 */
function bambooFacts(fields: Record<string, unknown> | undefined): { facts?: PersonFacts } {
  if (fields === undefined) return {};
  const named: { name: string; value: string }[] = [];
  for (const name of Object.keys(fields)) {
    const value = ownField(fields, name);
    if (PROTOTYPE_KEYS.has(name) || typeof value !== 'string' || name.length > 128 || named.length >= 50) continue;
    named.push({ name, value: value.slice(0, 256) });
  }
  return named.length === 0 ? {} : { facts: { fields: named } };
}
