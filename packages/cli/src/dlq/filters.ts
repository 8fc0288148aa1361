import { COMMAND_ACTIONS, COMMAND_SOURCES, EmailSchema, messageGroupIdFor } from '@idp-sync/contracts';
import { UsageError } from '../errors';
import { type PersonTagger, parsePersonTag, personGroupOf, publicPersonTagger } from '../person-tag';
import type { DlqEntry } from './types';

/** The filters shared by `list` and `replay`, as typed on the command line. */
export interface RawFilterOptions {
  action?: string[];
  source?: string[];
  reason?: string;
  status?: string[];
  email?: string[];
  person?: string[];
  since?: string;
  until?: string;
  id?: string[];
}

/**
 * A validated selection. Different flags combine with AND; the values of one repeatable flag combine with OR.
 */
export interface DlqFilter {
  readonly actions: readonly string[];
  readonly sources: readonly string[];
  /** Lower-cased; matched as a substring of the reason. */
  readonly reason: string | undefined;
  /** Exact statuses ("409") or classes ("5xx", kept as "5"). */
  readonly statuses: ReadonlyArray<{ exact?: number; klass?: number }>;
  /** Normalised emails. */
  readonly emails: readonly string[];
  /** Person tags (`--person`), lower-cased; matched through {@link DlqFilter.personTag}. */
  readonly personTags: readonly string[];
  /** How this run computes a person's tag (keyed by `IDP_SYNC_PERSON_TAG_KEY` when set). */
  readonly personTag: PersonTagger;
  readonly since: Date | undefined;
  readonly until: Date | undefined;
  /** Command ids or DLQ message ids. */
  readonly ids: readonly string[];
}

const DURATION = /^(\d+)\s*(s|m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/**
 * Validates the filter flags. Every bad value is a {@link UsageError} that says what is accepted.
 *
 * @example
 * const filter = parseFilter({ action: ['create'], status: ['4xx'], since: '2h' });
 */
export function parseFilter(
  raw: RawFilterOptions,
  now: Date = new Date(),
  personTag: PersonTagger = publicPersonTagger,
): DlqFilter {
  const actions = raw.action ?? [];
  for (const a of actions) {
    if (!(COMMAND_ACTIONS as readonly string[]).includes(a)) {
      throw new UsageError(`--action "${a}" is not an action`, `use one of: ${COMMAND_ACTIONS.join(', ')}`);
    }
  }
  const sources = raw.source ?? [];
  for (const s of sources) {
    if (!(COMMAND_SOURCES as readonly string[]).includes(s)) {
      throw new UsageError(`--source "${s}" is not a source`, `use one of: ${COMMAND_SOURCES.join(', ')}`);
    }
  }
  const statuses = (raw.status ?? []).map((s) => {
    if (/^[1-5]\d\d$/.test(s)) return { exact: Number(s) };
    if (/^[1-5]xx$/i.test(s)) return { klass: Number(s[0]) };
    throw new UsageError(`--status "${s}" is not an HTTP status`, 'pass a status such as 409, or a class such as 5xx');
  });
  const emails = (raw.email ?? []).map((e) => {
    // The same normalisation as the commands' (ASCII letters lower-cased only): `--email` for the Kelvin-sign
    // `\u212Aate@example.com` must not select kate@example.com's messages.
    const parsed = EmailSchema.safeParse(e);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]?.message ?? 'must be an email address';
      throw new UsageError(`--email is not an email address (${problem})`, "pass the person's full email");
    }
    return parsed.data;
  });
  const personTags = (raw.person ?? []).map(parsePersonTag);
  const since = raw.since === undefined ? undefined : parseInstant('--since', raw.since, now);
  const until = raw.until === undefined ? undefined : parseInstant('--until', raw.until, now);
  if (since && until && since > until) {
    throw new UsageError('--since is after --until', 'swap them, or drop one');
  }
  const reason = raw.reason?.trim().toLowerCase();
  if (raw.reason !== undefined && !reason) throw new UsageError('--reason is empty', 'pass some text of the reason');
  return { actions, sources, reason, statuses, emails, personTags, personTag, since, until, ids: raw.id ?? [] };
}

function parseInstant(flag: string, value: string, now: Date): Date {
  const duration = DURATION.exec(value.trim());
  if (duration) {
    const [, n, unit] = duration;
    return new Date(now.getTime() - Number(n) * (UNIT_MS[unit!.toLowerCase()] ?? 0));
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const t = Date.parse(value);
    if (Number.isFinite(t)) return new Date(t);
  }
  throw new UsageError(
    `${flag} "${value}" is neither a date nor a duration`,
    `pass an RFC 3339 time (2026-11-26T10:00:00Z) or a duration ago (30m, 2h, 7d)`,
  );
}

/**
 * True when no flag narrows the selection.
 *
 * @example
 * isEmptyFilter(parseFilter({})) // true
 */
export function isEmptyFilter(filter: DlqFilter): boolean {
  return (
    filter.actions.length === 0 &&
    filter.sources.length === 0 &&
    filter.reason === undefined &&
    filter.statuses.length === 0 &&
    filter.emails.length === 0 &&
    filter.personTags.length === 0 &&
    filter.since === undefined &&
    filter.until === undefined &&
    filter.ids.length === 0
  );
}

/**
 * Whether a DLQ entry is selected by the filter.
 *
 * @example
 * const selected = entries.filter((e) => matchesFilter(filter, e));
 */
export function matchesFilter(filter: DlqFilter, entry: DlqEntry): boolean {
  if (filter.actions.length > 0 && !(entry.action !== undefined && filter.actions.includes(entry.action))) return false;
  if (filter.sources.length > 0 && !(entry.source !== undefined && filter.sources.includes(entry.source))) return false;
  if (filter.reason !== undefined && !entry.reason.toLowerCase().includes(filter.reason)) return false;
  if (filter.statuses.length > 0) {
    const status = entry.httpStatus;
    if (status === undefined) return false;
    const hit = filter.statuses.some((s) =>
      s.exact !== undefined ? s.exact === status : Math.floor(status / 100) === s.klass,
    );
    if (!hit) return false;
  }
  if (filter.emails.length > 0) {
    // A very long email's group id is its hash: match that too, so a person whose body is unreadable is still found.
    const hit = filter.emails.some((e) => entry.email === e || entry.groupId === messageGroupIdFor(e));
    if (!hit) return false;
  }
  if (filter.personTags.length > 0) {
    const group = personGroupOf(entry);
    if (group === undefined || !filter.personTags.includes(filter.personTag(group))) return false;
  }
  if (filter.since !== undefined || filter.until !== undefined) {
    const t = entry.failedAt === undefined ? Number.NaN : Date.parse(entry.failedAt);
    if (!Number.isFinite(t)) return false;
    if (filter.since !== undefined && t < filter.since.getTime()) return false;
    if (filter.until !== undefined && t > filter.until.getTime()) return false;
  }
  if (filter.ids.length > 0 && !filter.ids.some((id) => id === entry.commandId || id === entry.messageId)) return false;
  return true;
}

/**
 * Refuses a `--person` tag that names more than one person among the entries read (two people's tags can collide:
 * 32 bits), so a replay or a decision never takes someone else's messages along.
 *
 * @example
 * assertPersonTagsUnambiguous(filter, scan.entries);
 */
export function assertPersonTagsUnambiguous(filter: DlqFilter, entries: readonly DlqEntry[]): void {
  for (const tag of filter.personTags) {
    const people = new Set<string>();
    for (const entry of entries) {
      const group = personGroupOf(entry);
      if (group !== undefined && filter.personTag(group) === tag) people.add(group);
    }
    if (people.size > 1) {
      throw new UsageError(
        `--person ${tag} names ${people.size} different people here (their tags collide)`,
        'select by --email instead (run the same list with --show-emails to see the addresses)',
      );
    }
  }
}
