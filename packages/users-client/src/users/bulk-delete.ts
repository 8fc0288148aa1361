import { mapWithConcurrency } from '@idp-sync/common';
import { NotFoundError, UsersApiError } from '../errors';
import { emailKey } from './email-key';
import type { BulkDeleteItemResult, User } from './types';

/** What a bulk delete needs from the resource: exact email lookup and delete by id. */
export interface BulkDeleteOperations {
  findByEmail(email: string): Promise<User | null>;
  deleteById(userId: string): Promise<void>;
}

/** Validated input of a bulk delete. */
export interface BulkDeleteInput {
  userIds: string[];
  emails: string[];
  concurrency: number;
}

interface Target {
  userId: string;
  email?: string;
}

function asApiError(error: unknown): UsersApiError {
  return error instanceof UsersApiError
    ? error
    : new UsersApiError({ operation: 'users.bulkDelete', message: 'users.bulkDelete: unexpected error', cause: error });
}

function failure(target: { userId?: string; email?: string }, error: unknown): BulkDeleteItemResult {
  const cause = asApiError(error);
  return {
    ...target,
    status: cause instanceof NotFoundError ? 'NOT_FOUND' : 'FAILED',
    error: cause.message,
    cause,
  };
}

/**
 * Resolves emails (exact, across all pages), merges them with ids into distinct targets, deletes each with bounded
 * concurrency, and reports one result per target in input order: ids first, then emails that named someone else.
 * A 404 on delete is NOT_FOUND; an already deleted user answers 204 and is DELETED. Never rejects per item.
 *
 * @example
 * await bulkDelete({ userIds: ['a'], emails: [], concurrency: 8 }, ops) // [{ userId: 'a', status: 'DELETED' }]
 */
export async function bulkDelete(input: BulkDeleteInput, ops: BulkDeleteOperations): Promise<BulkDeleteItemResult[]> {
  const ids = [...new Set(input.userIds)];
  const emails: string[] = [];
  const seenEmails = new Set<string>();
  for (const email of input.emails) {
    const key = emailKey(email);
    if (!seenEmails.has(key)) {
      seenEmails.add(key);
      emails.push(email);
    }
  }

  const lookups = await mapWithConcurrency(emails, input.concurrency, async (email) => {
    try {
      return { email, user: await ops.findByEmail(email) };
    } catch (error) {
      return { email, error };
    }
  });

  // Slots keep the output in input order; a target is deleted once even when named by id and by email.
  const slots: Array<Target | BulkDeleteItemResult> = [];
  const byId = new Map<string, Target>();
  for (const userId of ids) {
    const target: Target = { userId };
    byId.set(userId, target);
    slots.push(target);
  }
  for (const lookup of lookups) {
    if ('error' in lookup) {
      slots.push({ ...failure({ email: lookup.email }, lookup.error), status: 'FAILED' });
    } else if (lookup.user === null || lookup.user === undefined) {
      slots.push({ email: lookup.email, status: 'NOT_FOUND', error: 'no user has this email address' });
    } else {
      const known = byId.get(lookup.user.id);
      if (known) {
        known.email ??= lookup.email;
      } else {
        const target: Target = { userId: lookup.user.id, email: lookup.email };
        byId.set(target.userId, target);
        slots.push(target);
      }
    }
  }

  const targets = [...byId.values()];
  const outcomes = await mapWithConcurrency(targets, input.concurrency, async (target) => {
    try {
      await ops.deleteById(target.userId);
      return { ...target, status: 'DELETED' } satisfies BulkDeleteItemResult;
    } catch (error) {
      return failure(target, error);
    }
  });
  const outcomeOf = new Map(targets.map((t, i) => [t, outcomes[i] as BulkDeleteItemResult]));
  return slots.map((slot) => ('status' in slot ? slot : (outcomeOf.get(slot) as BulkDeleteItemResult)));
}
