/**
 * The root of reconcile's own errors: `instanceof ReconcileError` tells a refusal reconcile made on purpose (a bad
 * file, an empty source) from a failure of the Users API client, the AWS SDK or a bug. Each says what to do.
 *
 * @example
 * catch (error) { if (error instanceof ReconcileError) console.error(error.message, error.hint); }
 */
export abstract class ReconcileError extends Error {
  /** What to do about it, one sentence. */
  abstract readonly hint: string;
}

/**
 * A directory file that cannot be read as one: every problem found, one line each, named by line (CSV) or index (JSON)
 * and field — all of them at once, so one edit fixes the file.
 *
 * @example
 * throw new DirectoryFileError('people.csv', ['line 4, field "email": must be an email address']);
 */
export class DirectoryFileError extends ReconcileError {
  override readonly name = 'DirectoryFileError';
  readonly hint = 'fix these lines of the file and run it again (the format: packages/reconcile/README.md)';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${file} is not a directory file reconcile can use (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems
        .slice(0, 50)
        .join('\n  - ')}${problems.length > 50 ? `\n  … ${problems.length - 50} more` : ''}`,
    );
  }
}

/**
 * The source of truth named nobody in scope: planning against it would delete everyone this pipeline manages (an
 * export that failed, a wrong domain, a wrong group). Refused.
 *
 * @example
 * throw new EmptyDirectoryError('file people.csv', ['example.com']);
 */
export class EmptyDirectoryError extends ReconcileError {
  override readonly name = 'EmptyDirectoryError';
  readonly hint =
    'check the export (or the group, app or domain you named): an empty source is never taken as "everyone left"';
  constructor(source: string, scope: readonly string[]) {
    super(`${source} names nobody${scope.length > 0 ? ` in ${scope.join(', ')}` : ''}: refusing to plan against it`);
  }
}

/**
 * A saved plan that is not one (`--plan`): edited into something else, or written by another version.
 *
 * @example
 * throw new PlanFileError('plan.json', ['rows.3.email: must be an email address']);
 */
export class PlanFileError extends ReconcileError {
  override readonly name = 'PlanFileError';
  readonly hint = 'plan again (idp-sync reconcile … --save-plan) rather than edit a saved plan';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file} is not a reconcile plan:\n  - ${problems.slice(0, 20).join('\n  - ')}`);
  }
}

/**
 * Okta could not be read: a wrong token (401), an app or group that does not exist (404), rate limits that outlasted
 * the retries, the org unreachable. The message names the Okta error code when Okta gave one; never the token.
 *
 * @example
 * throw new OktaSourceError('app 0oa1', error);
 */
export class OktaSourceError extends ReconcileError {
  override readonly name = 'OktaSourceError';
  readonly hint: string;
  constructor(what: string, cause: unknown) {
    // The SDK throws OktaApiError (status, errorCode, errorSummary) or a generated ApiException (code, body).
    const e = (cause ?? {}) as {
      status?: unknown;
      code?: unknown;
      errorCode?: unknown;
      errorSummary?: unknown;
      body?: { errorCode?: unknown; errorSummary?: unknown };
      message?: unknown;
    };
    const status = typeof e.status === 'number' ? e.status : typeof e.code === 'number' ? e.code : undefined;
    const code = e.errorCode ?? e.body?.errorCode;
    const summary = e.errorSummary ?? e.body?.errorSummary ?? (status === undefined ? e.message : undefined);
    super(
      `Okta could not list ${what}: ${[status === undefined ? undefined : `HTTP ${status}`, code, summary]
        .filter((part) => part !== undefined && part !== '')
        .map(String)
        .join(' ')
        .slice(0, 300)}`,
      { cause },
    );
    this.hint =
      status === 401 || status === 403
        ? 'check OKTA_API_TOKEN: an API token of an admin who may read the app’s users or the group’s members'
        : status === 404
          ? 'check the app or group id (Okta admin console: the id in the app’s or group’s URL)'
          : status === 429
            ? 'Okta kept rate limiting: run it again later, or with a larger --okta-page-size'
            : 'check OKTA_ORG_URL and the network, then run it again';
  }
}

/**
 * A WorkOS directory could not be read: a wrong API key (401), a directory that does not exist (404), rate limits or
 * server errors that outlasted the retries, the API unreachable. Never names the key.
 *
 * @example
 * throw new WorkosSourceError('directory_01…', { status: 401, message: 'Unauthorized' });
 */
export class WorkosSourceError extends ReconcileError {
  override readonly name = 'WorkosSourceError';
  readonly hint: string;
  readonly status: number | undefined;
  constructor(directoryId: string, cause: unknown) {
    const e = (cause ?? {}) as { status?: unknown; code?: unknown; message?: unknown };
    const status = typeof e.status === 'number' ? e.status : undefined;
    super(
      `WorkOS could not list directory ${directoryId}: ${[
        status === undefined ? undefined : `HTTP ${status}`,
        e.code,
        e.message,
      ]
        .filter((part) => part !== undefined && part !== '')
        .map(String)
        .join(' ')
        .slice(0, 300)}`,
      { cause },
    );
    this.status = status;
    this.hint =
      status === 401 || status === 403
        ? 'check WORKOS_API_KEY (an sk_ key of the environment the directory is in)'
        : status === 404
          ? 'check the directory id (WorkOS dashboard: Directory Sync, the directory_… id)'
          : 'check WORKOS_BASE_URL and the network, then run it again';
  }
}
