import { COMMAND_SOURCES, type CommandSource, parseGracePeriod } from '@idp-sync/contracts';

/**
 * How deactivations wait before their delete (`GRACE_PERIOD_<SOURCE>`, see the worker README). Off by default: a
 * source without a period has its deletes applied at once.
 */
export interface GracePeriodConfig {
  /** Milliseconds per source; a source that is absent (or 0) has none. */
  periods: Readonly<Partial<Record<CommandSource, number>>>;
  /** Switch `is_developer` off at once while a delete waits (`GRACE_REVOKE_DEVELOPER=on`), back on if they return. */
  revokeDeveloper: boolean;
}

/** No grace period anywhere: every delete is applied when it is read. */
export const NO_GRACE_PERIODS: GracePeriodConfig = Object.freeze({
  periods: Object.freeze({}),
  revokeDeveloper: false,
});

/** The environment variable of a source's grace period: `GRACE_PERIOD_OKTA`, `GRACE_PERIOD_SCIM`, … */
export function gracePeriodVariable(source: CommandSource): string {
  return `GRACE_PERIOD_${source.toUpperCase()}`;
}

/**
 * Reads `GRACE_PERIOD_<SOURCE>` (ISO 8601 durations, e.g. `PT24H`) and `GRACE_REVOKE_DEVELOPER` (`on`/`off`), adding
 * one line per wrong variable to `problems`.
 *
 * @example
 * readGracePeriods({ GRACE_PERIOD_OKTA: 'PT24H' }, problems).periods.okta // 86_400_000
 */
export function readGracePeriods(env: Record<string, string | undefined>, problems: string[]): GracePeriodConfig {
  const periods: Partial<Record<CommandSource, number>> = {};
  for (const source of COMMAND_SOURCES) {
    const variable = gracePeriodVariable(source);
    const value = env[variable]?.trim();
    if (value === undefined || value === '') continue;
    const parsed = parseGracePeriod(value);
    if ('problem' in parsed) problems.push(`${variable}: ${parsed.problem}`);
    else if (parsed.ms > 0) periods[source] = parsed.ms;
  }
  const revoke = env.GRACE_REVOKE_DEVELOPER?.trim().toLowerCase() || 'off';
  if (revoke !== 'on' && revoke !== 'off') problems.push('GRACE_REVOKE_DEVELOPER: must be on or off');
  return { periods, revokeDeveloper: revoke === 'on' };
}
