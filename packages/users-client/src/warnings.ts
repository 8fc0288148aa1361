import type { UsersClientLogger } from './logger';
import { VERSION } from './version';

/**
 * The environment variable that silences pre-release warnings, as in the vendor SDKs.
 *
 * @example
 * process.env[DISABLE_PRERELEASE_WARNING] = 'true';
 */
export const DISABLE_PRERELEASE_WARNING = 'DISABLE_PRERELEASE_WARNING';

// Once per method per process, whatever the number of clients: the vendor SDKs behave the same way.
const warned = new Set<string>();

/**
 * Logs, once per process for each method, that the Users API is a pre-release (alpha) API, unless
 * `DISABLE_PRERELEASE_WARNING=true` is set in the environment read when the method is called.
 *
 * @example
 * warnPrerelease('users.list', console); // "[ALPHA] users.list is an alpha API ..."
 */
export function warnPrerelease(
  operation: string,
  logger: UsersClientLogger,
  env: Record<string, string | undefined> = process.env,
): void {
  if (warned.has(operation)) return;
  if ((env[DISABLE_PRERELEASE_WARNING] ?? '').trim().toLowerCase() === 'true') return;
  warned.add(operation);
  logger.warn(
    `[ALPHA] ${operation} is an alpha API of the Users API v2 (used through @idp-sync/users-client ${VERSION}) and may ` +
      `change without notice. Set ${DISABLE_PRERELEASE_WARNING}=true to disable this warning.`,
  );
}

/**
 * Forgets which warnings were given, so a test can observe the first one again.
 *
 * @example
 * resetPrereleaseWarnings();
 */
export function resetPrereleaseWarnings(): void {
  warned.clear();
}
