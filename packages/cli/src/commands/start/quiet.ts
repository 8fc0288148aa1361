import { UsageError } from '../../errors';

/**
 * Whether `start` drops its request and batch lines: `--quiet`, or `IDP_SYNC_QUIET` — because `npm start --quiet` is
 * npm's own flag (its log level), which npm keeps and never passes on; the variable reaches the stack however it is
 * started. Anything but a yes or a no is refused rather than guessed.
 *
 * @example
 * isQuiet({}, { IDP_SYNC_QUIET: '1' }) // true
 */
export function isQuiet(options: { quiet?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (options.quiet) return true;
  const value = env.IDP_SYNC_QUIET?.trim().toLowerCase() ?? '';
  if (['', '0', 'false', 'no', 'off'].includes(value)) return false;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  throw new UsageError(
    `environment variable IDP_SYNC_QUIET must be 1 or 0, not "${env.IDP_SYNC_QUIET}"`,
    'set IDP_SYNC_QUIET=1 for no request and batch lines, or unset it',
  );
}
