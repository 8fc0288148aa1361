import type { DlqEntry } from './types';

/**
 * The one-line "what to do" for a dead-lettered message, from the `errorClass` the worker wrote (the classes of its
 * `CommandRejectedError`s, its own error names, and the Users API client's error names). It matches the runbook's
 * reason table in packages/cli/README.md. `person` is what to put after `--email` (the address, or a placeholder
 * when emails are redacted). The classes it says not to replay are the replay's permanent failures (permanent.ts):
 * a replay leaves them in the DLQ unless `--include-permanent`.
 *
 * @example
 * nextStep(entry, '<their email>') // 'the Users API has no such user: …'
 */
export function nextStep(entry: DlqEntry, person: string): string {
  const together = `idp-sync dlq replay --email ${person}`;
  if (!entry.fromWorker) {
    return "the worker wrote no reason (it crashed or timed out on every receive): check the worker's logs and timeout, then replay";
  }
  switch (entry.errorClass) {
    case 'EmailDeleted':
      return 'this email was deleted in the Users API and can never be created again: do not replay; the person needs another address';
    case 'UserNotFound':
      return `the Users API has no such user: if the person's create is also in the DLQ (a 5xx), replay their messages together once the API is healthy (${together}); otherwise check the person in the Users API`;
    case 'BlockedByEarlierFailure':
      return `not attempted because an earlier message of this person failed: fix that one's cause, then replay the person's messages together (${together})`;
    case 'LeftDuringJoin':
      return 'the person left while this join ran, and the account it made could not be deleted: do not replay (it would be skipped as stale); delete the user id named in the reason in the Users API';
    case 'ResetPasswordRejected':
      return 'the user signs in with SSO/SAML or has not verified their email: do not replay; tell them to use SSO or verify first';
    case 'ResendRejected':
      return 'the Users API refused to resend the invitation (SSO enforced?): do not replay; check the person in the Users API';
    case 'InvalidCommand':
      return 'the body is not a valid command (a bug upstream, or a field this worker does not know yet): fix ingest, or deploy the worker that reads the field and replay; otherwise replaying the same body fails again';
    case 'CommandIdReused':
      return 'the source sent another event under an id it had already used (the first was applied, this one was not): do not replay (the same id fails again); if this event is real, have the source send it again with a new id, or apply it by hand, then fix the source';
    case 'UnknownAction':
      return 'the worker does not know this action (a version mismatch): deploy a worker that does, then replay';
    case 'UnauthorizedError':
    case 'ForbiddenError':
      return 'the Users API key is wrong, expired or lacks a role: fix it in Secrets Manager, then replay --status 401 --status 403';
    case 'BadRequestError':
    case 'UnprocessableEntityError':
    case 'ConflictError':
      return 'the Users API refused the request as is: check the person there; usually do not replay (a permanent failure: replay this one with --id … --include-permanent once fixed)';
    default:
      if (entry.permanent === true) {
        return 'a permanent failure: read the reason; replay only once its cause is fixed (with --include-permanent)';
      }
      return `a transient failure that ran out of retries: once the cause is fixed, replay the person's messages together (${together}, or --status 5xx --status 404)`;
  }
}
