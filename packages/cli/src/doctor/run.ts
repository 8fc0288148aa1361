import { checkQueues, checkRoutes, checkSecret, checkTable, checkUsersApi, type UsableSecret } from './checks';
import type { DoctorTarget } from './target';
import { sendTestEvents } from './test-events';
import { type CheckResult, type DoctorSource, skip } from './types';

export interface DoctorOptions {
  /** Send one signed, harmless request per source (`--send-test-events`). */
  readonly sendTestEvents: boolean;
}

/**
 * Runs every check against a target, independent ones at the same time, and returns the results in a fixed order:
 * the stack, the secrets, the Users API key, the queues, the table, the routes, the test events.
 *
 * @example
 * const results = await runDoctor(target, { sendTestEvents: false });
 */
export async function runDoctor(target: DoctorTarget, options: DoctorOptions): Promise<CheckResult[]> {
  const secretsDone = Promise.all(target.sources.map((s) => checkSecret(target, s).then((r) => [s, r] as const)));
  const keyDone = checkSecret(target, 'users-api-key');
  const usersApiDone = keyDone.then((k) => checkUsersApi(target, k.usable));
  const [sources, key, usersApi, queues, table, routes] = await Promise.all([
    secretsDone,
    keyDone,
    usersApiDone,
    checkQueues(target),
    checkTable(target),
    checkRoutes(target),
  ]);
  const usable = new Map<DoctorSource, UsableSecret>();
  for (const [source, checked] of sources) if (checked.usable) usable.set(source, checked.usable);
  const events = options.sendTestEvents
    ? await sendTestEvents(target, usable)
    : [
        skip(
          'test-events',
          'not sent (read-only by default)',
          'pass --send-test-events to send one signed, harmless request per source: it proves each secret is the one the route uses',
        ),
      ];
  return [
    ...target.preamble,
    ...sources.map(([, checked]) => checked.result),
    key.result,
    ...usersApi,
    ...queues,
    table,
    ...routes,
    ...events,
  ];
}

const LABEL: Readonly<Record<CheckResult['status'], string>> = { ok: 'ok', fail: 'FAIL', skip: 'skip' };

/**
 * One line per check: status, id, what was found and, unless ok, what to do.
 *
 * @example
 * renderResults([{ id: 'table', status: 'ok', detail: 'idp-sync-state answers and is ACTIVE' }])
 * // ['ok    table  idp-sync-state answers and is ACTIVE']
 */
export function renderResults(results: readonly CheckResult[]): string[] {
  const width = Math.max(...results.map((r) => r.id.length));
  return results.map((r) => {
    const line = `${LABEL[r.status].padEnd(4)}  ${r.id.padEnd(width)}  ${r.detail}`;
    return r.hint && r.status !== 'ok' ? `${line} — what to do: ${r.hint}` : line;
  });
}

/** How many checks passed, failed and were not made. */
export function countResults(results: readonly CheckResult[]) {
  return {
    ok: results.filter((r) => r.status === 'ok').length,
    fail: results.filter((r) => r.status === 'fail').length,
    skip: results.filter((r) => r.status === 'skip').length,
  };
}
