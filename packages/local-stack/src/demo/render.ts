import type { UserRecord } from '@idp-sync/users-api-emulator';
import type { DemoCheck, DemoOutcome } from './scenario';

/**
 * A plain-text table: a header row, a rule, padded columns.
 *
 * @example
 * renderTable(['A', 'B'], [['1', '2']]) // 'A  B\n-  -\n1  2\n'
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

function role(user: UserRecord): string {
  return user.role.type === 'PREDEFINED' ? user.role.name : `CUSTOM:${user.role.name ?? '?'}`;
}

/** What changed for one person between two snapshots, in a few words. */
export function describeChange(before: UserRecord | undefined, after: UserRecord | undefined): string {
  if (!after) return before ? 'gone' : '';
  if (!before) return after.status === 'DELETED' ? 'created, then deleted' : 'new';
  const changes: string[] = [];
  if (before.status !== after.status) {
    changes.push(
      after.status === 'DELETED' ? 'deleted' : `${before.status.toLowerCase()} → ${after.status.toLowerCase()}`,
    );
  }
  if (before.name !== after.name) changes.push(`renamed (was ${before.name})`);
  if (after.invitationsSent > before.invitationsSent) changes.push('invitation resent');
  if (role(before) !== role(after)) changes.push(`role ${role(before)} → ${role(after)}`);
  return changes.length > 0 ? changes.join(', ') : 'unchanged';
}

/**
 * The users of a snapshot as a table; with `before`, a CHANGE column says what happened to each.
 *
 * @example
 * process.stdout.write(renderUsers(after, before));
 */
export function renderUsers(users: readonly UserRecord[], before?: readonly UserRecord[]): string {
  const sorted = [...users].sort((a, b) => a.email.localeCompare(b.email));
  if (sorted.length === 0) return '(none)\n';
  const headers = ['NAME', 'EMAIL', 'STATUS', 'ROLE', 'INVITES', ...(before ? ['CHANGE'] : [])];
  return renderTable(
    headers,
    sorted.map((u) => [
      u.name,
      u.email,
      u.status,
      role(u),
      String(u.invitationsSent),
      ...(before
        ? [
            describeChange(
              before.find((b) => b.email === u.email),
              u,
            ),
          ]
        : []),
    ]),
  );
}

/**
 * The Users API calls of the scenario: total, and per operation with statuses.
 *
 * @example
 * process.stdout.write(renderCalls(outcome.calls));
 */
export function renderCalls(calls: DemoOutcome['calls']): string {
  const operations = Object.entries(calls).sort(([a], [b]) => a.localeCompare(b));
  const total = operations.reduce((sum, [, c]) => sum + c.total, 0);
  if (operations.length === 0) return 'Users API calls: 0\n';
  return `Users API calls: ${total}\n${renderTable(
    ['OPERATION', 'CALLS', 'BY STATUS'],
    operations.map(([operation, c]) => [
      operation,
      String(c.total),
      Object.entries(c.byStatus)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, n]) => `${status} ×${n}`)
        .join(', '),
    ]),
  )}`;
}

/**
 * The checks as ✓/✗ lines.
 *
 * @example
 * process.stdout.write(renderChecks(scenario.check(outcome)));
 */
export function renderChecks(checks: readonly DemoCheck[]): string {
  return `${checks.map((c) => `  ${c.ok ? '✓' : '✗'} ${c.text}`).join('\n')}\n`;
}
