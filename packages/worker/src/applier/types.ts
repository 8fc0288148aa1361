import type { CommandAction } from '@idp-sync/contracts';
import type { BulkDeleteItemResult } from '@idp-sync/users-client';
import type { DeleteVerdict } from '../state/deletion-guard';
import type { PersonStatus } from '../state/types';

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
