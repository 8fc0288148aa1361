import type { PredefinedRole } from '@idp-sync/contracts';
import type { Delivery, ExpectedCommand, ExpectedDlqClass } from './types';

/**
 * The reference model: what the Users API must hold after the scenario, computed from the event log alone — the
 * deliveries in order, each person's commands in the order they reach that person's FIFO group — with the semantics
 * of the worker (packages/worker/README.md) and the Users API contract, and nothing of the implementation:
 * - a command id the worker already completed is a no-op (SQS deduplication or the idempotency record);
 * - a command older than the person's watermark (the `occurredAt` of their last applied command) is stale: no effect;
 * - create: none → a new user (INVITED, or ACTIVE with invite mode NONE); an existing user → no change; a deleted
 *   email → DLQ `EmailDeleted` (delete is terminal);
 * - update / resend / reset on nobody (never created, or deleted) → DLQ `UserNotFound`;
 * - update changes name and developer flag; resend mails an INVITED user again and is a no-op for an ACTIVE one;
 *   reset-password needs a verified password user, which no scenario person is → DLQ `ResetPasswordRejected`;
 * - delete makes a user DELETED; deleting nobody is success ("already gone").
 * A dead-lettered command moves no watermark and is not completed: a later redelivery of it is applied afresh.
 */

export type ApiStatus = 'none' | 'INVITED' | 'ACTIVE' | 'DELETED';

export interface ModelPerson {
  readonly email: string;
  api: ApiStatus;
  name?: string;
  role?: PredefinedRole;
  isDeveloper?: boolean;
  /** Epoch ms of the last applied command's `occurredAt`. */
  watermarkMs?: number;
  /** Invitations the scenario must have caused at least (creates and resends of INVITED users). */
  invitations: number;
  /** A user record exists (or existed) in the Users API. */
  created: boolean;
  /** Some command came from SCIM (its `occurredAt` is the server's clock, so the watermark is not compared). */
  scim: boolean;
}

export type CommandOutcome = 'applied' | 'noop' | 'stale' | 'duplicate' | 'deduplicated' | 'dead-lettered';

export interface ModelDeadLetter {
  readonly command: ExpectedCommand;
  readonly errorClass: ExpectedDlqClass;
  readonly seq: number;
}

export interface ModelResult {
  readonly people: Map<string, ModelPerson>;
  readonly deadLetters: ModelDeadLetter[];
  /** Per outcome, how many command deliveries ended so. */
  readonly counts: Record<CommandOutcome, number>;
  /** Per event id, whether its first delivery dead-lettered any command (retries of those are avoided). */
  readonly firstDeliveryDeadLettered: Map<number, boolean>;
  /** Commands delivered (every mode), and distinct logical commands. */
  readonly commandDeliveries: number;
  readonly logicalCommands: number;
}

/** The key a DLQ message is matched on: what the command says, not its id (ids are the ingest's business). */
export function commandKey(command: { source: string; email: string; action: string; occurredAtMs: number }): string {
  return command.source === 'scim'
    ? `scim|${command.email}|${command.action}`
    : `${command.source}|${command.email}|${command.action}|${command.occurredAtMs}`;
}

function defaultDeveloper(role: PredefinedRole): boolean {
  return role !== 'ANNOTATOR';
}

function localPart(email: string): string {
  return email.slice(0, email.indexOf('@'));
}

/**
 * Runs the deliveries through the model.
 *
 * @example
 * const model = runModel(scenario.deliveries);
 * model.people.get('ada.lovelace.1@example.com')?.api // 'INVITED'
 */
export function runModel(deliveries: readonly Delivery[]): ModelResult {
  const people = new Map<string, ModelPerson>();
  const completed = new Set<string>();
  const deadLetters: ModelDeadLetter[] = [];
  const counts: Record<CommandOutcome, number> = {
    applied: 0,
    noop: 0,
    stale: 0,
    duplicate: 0,
    deduplicated: 0,
    'dead-lettered': 0,
  };
  const firstDeliveryDeadLettered = new Map<number, boolean>();
  const logical = new Set<string>();
  let commandDeliveries = 0;

  const person = (email: string): ModelPerson => {
    let p = people.get(email);
    if (!p) {
      p = { email, api: 'none', invitations: 0, created: false, scim: false };
      people.set(email, p);
    }
    return p;
  };

  for (const delivery of deliveries) {
    let deadLettered = false;
    for (const command of delivery.event.commands) {
      commandDeliveries++;
      logical.add(command.ref);
      const p = person(command.email);
      if (command.source === 'scim') p.scim = true;
      if (delivery.mode === 'retry') {
        // Same command id within the run: SQS drops it (5-minute window) or the idempotency record does. The scenario
        // only retries events whose commands were completed, so either way nothing happens.
        counts.deduplicated++;
        continue;
      }
      if (completed.has(command.ref)) {
        counts.duplicate++;
        continue;
      }
      const outcome = apply(p, command);
      if (typeof outcome === 'object') {
        deadLetters.push({ command, errorClass: outcome.deadLetter, seq: delivery.seq });
        counts['dead-lettered']++;
        deadLettered = true;
        continue;
      }
      counts[outcome]++;
      completed.add(command.ref);
    }
    if (delivery.mode === 'original') firstDeliveryDeadLettered.set(delivery.event.id, deadLettered);
  }
  return {
    people,
    deadLetters,
    counts,
    firstDeliveryDeadLettered,
    commandDeliveries,
    logicalCommands: logical.size,
  };
}

function apply(p: ModelPerson, c: ExpectedCommand): 'applied' | 'noop' | 'stale' | { deadLetter: ExpectedDlqClass } {
  if (p.watermarkMs !== undefined && c.occurredAtMs < p.watermarkMs) return 'stale';
  const exists = p.api === 'INVITED' || p.api === 'ACTIVE';
  let outcome: 'applied' | 'noop' = 'applied';
  switch (c.action) {
    case 'create': {
      if (p.api === 'DELETED') return { deadLetter: 'EmailDeleted' };
      if (exists) {
        outcome = 'noop';
        break;
      }
      const role = c.role ?? 'MEMBER';
      p.api = c.inviteMode === 'NONE' ? 'ACTIVE' : 'INVITED';
      p.name = c.name ?? localPart(c.email);
      p.role = role;
      p.isDeveloper = c.isDeveloper ?? defaultDeveloper(role);
      p.created = true;
      if (p.api === 'INVITED') p.invitations++;
      break;
    }
    case 'update':
      if (!exists) return { deadLetter: 'UserNotFound' };
      if (c.name !== undefined) p.name = c.name;
      if (c.isDeveloper !== undefined) p.isDeveloper = c.isDeveloper;
      break;
    case 'delete':
      if (exists) p.api = 'DELETED';
      else outcome = 'noop';
      break;
    case 'resend-invitation':
      if (!exists) return { deadLetter: 'UserNotFound' };
      if (p.api === 'ACTIVE') outcome = 'noop';
      else p.invitations++;
      break;
    case 'reset-password':
      return { deadLetter: exists ? 'ResetPasswordRejected' : 'UserNotFound' };
  }
  p.watermarkMs = c.occurredAtMs;
  return outcome;
}
