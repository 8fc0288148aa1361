import type { CommandAction, ProvisioningCommand } from '@idp-sync/contracts';
import type { BulkDeleteItemResult } from '@idp-sync/users-client';
import type { DeleteVerdict } from '../state/deletion-guard';
import type { PersonState, PersonStatus } from '../state/types';

/**
 * What applying one command came to. Stored as the idempotency record's result, so it holds no email address.
 * - `applied`: the Users API changed (or already was as asked: an active member's join, an already gone leave);
 * - `noop`: nothing to send (a resend for an ACTIVE user, an update with only unsupported attributes);
 * - `stale`: older than the person's watermark, skipped.
 */
export interface ApplyResult {
  outcome: 'applied' | 'noop' | 'stale';
  action: CommandAction;
  /** Why, in a word or two: `created`, `already-invited`, `already-active`, `already-gone`, `reinvited`, … */
  detail: string;
  /** Attributes asked for that the Users API cannot change; recorded on the state item. */
  unsupported?: string[];
  status?: PersonStatus;
  /** Things worth a log line that are not failures (e.g. a temporary password the API generated was discarded). */
  notes?: string[];
  /**
   * How the command's stable id was resolved, when it was more than routine: `followed` (applied to the account of
   * the email the person was provisioned with, not the one the command named), `moved`, `refused` (see
   * `IdentityOutcome`).
   */
  identity?: 'followed' | 'moved' | 'refused';
  /** For `stale`: the watermark (RFC 3339) the command was older than. */
  watermark?: string;
  /** For `stale`: the command that set that watermark (a command id: the logs' correlation id, never an email). */
  watermarkCommandId?: string;
}

/** A place in a coalesced bulk delete, handed to the applier for the first delete of a person in a batch. */
export interface BulkDeleteTicket {
  /**
   * Queues the id for the batch's one `users.bulkDelete` and resolves with its own item result. With a command id,
   * the delete first passes the deletion guard, together with the rest of the bulk delete (a held one rejects with
   * `DeleteHeldError`).
   */
  submit(userId: string, commandId?: string): Promise<BulkDeleteItemResult>;
  /** Gives up the place without deleting (duplicate, stale, nothing to delete). Idempotent; no-op after submit. */
  release(): void;
}

/** Per-call context of {@link Applier.apply}. Not part of the idempotency key (only the command is). */
export interface ApplyContext {
  /** Present when this delete takes part in the batch's bulk delete. */
  bulkDelete?: BulkDeleteTicket;
  /** Set by the applier when it actually runs (a duplicate returns the stored result without running it). */
  executed?: boolean;
}

/**
 * The deletion guard as the applier and the bulk delete see it (per batch): whether each delete may run, and the
 * count of people managed.
 */
export interface DeleteGuardPort {
  /** A verdict per command id; one call covers every delete of a bulk delete. */
  admit(commandIds: readonly string[]): Promise<ReadonlyMap<string, DeleteVerdict>>;
  /** A person was created who was unknown or deleted before (best effort: never throws). */
  personAdded(): Promise<void>;
}

/**
 * What the grace periods decide for one delete:
 * - `immediate`: apply it now (no grace period for its source, an explicit termination, or nothing waits);
 * - `schedule`: a deactivation that starts a grace period, due at `dueAtMs`;
 * - `waiting`: the person already has a delete waiting (this one changes nothing);
 * - `release`: the delete whose grace period ended, re-queued by the sweeper (or its held copy, approved): apply it
 *   whatever updates came in between — only a join or reactivation cancels it, and none did;
 * - `cancelled`: a released delete whose person came back before it arrived;
 * - `reused`: a waiting delete has this command id with other content.
 */
export type GraceDecision =
  | { kind: 'immediate' }
  | { kind: 'schedule'; dueAtMs: number }
  | { kind: 'waiting'; dueAtMs: number }
  | { kind: 'release' }
  | { kind: 'cancelled' }
  | { kind: 'reused' };

/** The grace periods as the applier sees them (per batch). */
export interface DeleteGracePort {
  /** Whether `is_developer` is switched off while a delete waits. */
  readonly revokeDeveloper: boolean;
  /** Decides for a delete; reads the person's scheduled delete only when the state says one waits or one may start. */
  decide(command: ProvisioningCommand, state: PersonState | undefined): Promise<GraceDecision>;
  /** Schedules the delete (`exists` when one already waits). */
  schedule(command: ProvisioningCommand, dueAtMs: number): Promise<'scheduled' | 'exists'>;
  markDeveloperRevoked(command: ProvisioningCommand): Promise<void>;
  /** The person came back: cancels what waits; says whether `is_developer` was switched off meanwhile. */
  cancel(command: ProvisioningCommand): Promise<{ revokedDeveloper: boolean } | undefined>;
  /** A delete of the person ran: what waited is settled as applied. */
  settleApplied(email: string): Promise<void>;
  /** The deletion guard held the released delete. */
  settleHeld(command: ProvisioningCommand): Promise<void>;
}
