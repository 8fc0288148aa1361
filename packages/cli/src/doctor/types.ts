/**
 * What `idp-sync doctor` reports: one result per check, each saying what it found and, when something is wrong, what
 * to do about it.
 */

/** `ok`; `fail` (the deployment is not wired right: exit 1); `skip` (not checked, and why). */
export type CheckStatus = 'ok' | 'fail' | 'skip';

/** The sources a deployment can serve, as the stack names them. */
export const DOCTOR_SOURCES = ['okta', 'scim', 'hr', 'workos', 'bamboohr'] as const;
export type DoctorSource = (typeof DOCTOR_SOURCES)[number];

export interface CheckResult {
  /** Stable id for `--json` and scripts: `secret:hr`, `users-api:create`, `route:okta`, `test-event:workos`, … */
  readonly id: string;
  readonly status: CheckStatus;
  /** What was found, one line, never a secret. */
  readonly detail: string;
  /** What to do, when `status` is not `ok`. */
  readonly hint?: string;
}

/**
 * Builds a result.
 *
 * @example
 * ok('queue', 'idp-sync-commands.fifo answers')
 */
export const ok = (id: string, detail: string): CheckResult => ({ id, status: 'ok', detail });
export const fail = (id: string, detail: string, hint: string): CheckResult => ({ id, status: 'fail', detail, hint });
export const skip = (id: string, detail: string, hint?: string): CheckResult => ({
  id,
  status: 'skip',
  detail,
  ...(hint ? { hint } : {}),
});
