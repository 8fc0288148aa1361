import { redactEmailOrDigest, redactEmailsIn } from '@idp-sync/common';
import { type PersonTagger, personGroupOf, publicPersonTagger } from '../person-tag';
import { renderColumns, type TableColumn } from '../table';
import { nextStep } from './next-step';
import type { DlqEntry } from './types';

export interface FormatOptions {
  /** Show full emails (they are redacted by default: a terminal is often shared or recorded). */
  showEmails: boolean;
  /** How to tag people (default: without a key; commands pass the one of `IDP_SYNC_PERSON_TAG_KEY`). */
  personTag?: PersonTagger;
}

/** One `list` row, as `--json` prints it. */
export interface DlqRow {
  messageId: string;
  commandId: string | null;
  source: string | null;
  action: string | null;
  person: string | null;
  /** A short stable tag of the person (the same with or without `--show-emails`), for `--person`. */
  personTag: string | null;
  reason: string;
  httpStatus: number | null;
  receiveCount: number | null;
  failedAt: string | null;
  /** False when `failedAt` is only when the DLQ message was sent (SQS moved it without a reason). */
  failedAtRecorded: boolean;
  permanent: boolean | null;
  replayCount: number;
}

/**
 * The row of one entry, emails redacted unless asked otherwise (also inside the reason).
 *
 * @example
 * toRow(entry, { showEmails: false }).person // 'a***@example.com'
 */
export function toRow(entry: DlqEntry, options: FormatOptions): DlqRow {
  const person = entry.email ?? entry.groupId;
  const group = personGroupOf(entry);
  return {
    messageId: entry.messageId,
    commandId: entry.commandId ?? null,
    source: entry.source ?? null,
    action: entry.action ?? null,
    person: person === undefined ? null : options.showEmails ? person : redactEmailOrDigest(person),
    personTag: group === undefined ? null : (options.personTag ?? publicPersonTagger)(group),
    reason: options.showEmails ? entry.reason : redactEmailsIn(entry.reason),
    httpStatus: entry.httpStatus ?? null,
    receiveCount: entry.receiveCount ?? null,
    failedAt: entry.failedAt ?? null,
    failedAtRecorded: entry.failedAtRecorded,
    permanent: entry.permanent ?? null,
    replayCount: entry.replayCount,
  };
}

/**
 * Cut when the table is wider than the terminal: the reason first (whole in `show ID` and `--json`), then the person,
 * and the command id (what `show` takes) last.
 */
const DLQ_COLUMNS: readonly TableColumn[] = [
  { header: 'COMMAND ID', shrink: 3, min: 16 },
  { header: 'SOURCE' },
  { header: 'ACTION' },
  { header: 'PERSON', shrink: 2, min: 12 },
  { header: 'TAG' },
  { header: 'REASON', shrink: 1, min: 20 },
  { header: 'HTTP' },
  { header: 'RECV' },
  { header: 'FAILED AT' },
];

/**
 * The `list` table: one line per message, columns padded. Given a width (the terminal's), it fits it: the reason is
 * cut first, then the person, then the command id; without one (piped), every cell is whole.
 *
 * @example
 * io.stdout.write(renderTable(entries.map((e) => toRow(e, { showEmails: false })), tableWidth(io.stdout)));
 */
export function renderTable(rows: readonly DlqRow[], width?: number): string {
  const lines = rows.map((r) => [
    r.commandId ?? `(message ${r.messageId})`,
    r.source ?? '-',
    r.action ?? '-',
    r.person ?? '-',
    r.personTag ?? '-',
    r.reason,
    r.httpStatus === null ? '-' : String(r.httpStatus),
    r.receiveCount === null ? '-' : String(r.receiveCount),
    r.failedAt === null ? '-' : r.failedAtRecorded ? r.failedAt : `~${r.failedAt}`,
  ]);
  return renderColumns(DLQ_COLUMNS, lines, width);
}

/** Everything about one message, as `show --json` prints it. */
export interface DlqDetail extends DlqRow {
  groupId: string | null;
  errorClass: string | null;
  errorMessage: string | null;
  firstSeenAt: string | null;
  originalMessageId: string | null;
  /** The command, when the body is a valid one (email redacted unless asked otherwise). */
  command: Record<string, unknown> | null;
  /** Why the body is not a valid command, when it is not. */
  invalidBody: string | null;
  /** The raw body (emails redacted unless asked otherwise). */
  body: string;
  messageAttributes: Record<string, string>;
  systemAttributes: Record<string, string>;
  /** One line: what on-call should do about this message (from its error class). */
  nextStep: string;
}

/**
 * The whole message: command, reason, every attribute.
 *
 * @example
 * JSON.stringify(toDetail(entry, { showEmails: false }), null, 2)
 */
export function toDetail(entry: DlqEntry, options: FormatOptions): DlqDetail {
  const hide = (text: string) => (options.showEmails ? text : redactEmailsIn(text));
  const hideEmail = (value: string | undefined) =>
    value === undefined ? null : options.showEmails ? value : redactEmailOrDigest(value);
  const command = entry.command
    ? { ...entry.command, email: options.showEmails ? entry.command.email : redactEmailOrDigest(entry.command.email) }
    : null;
  const messageAttributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.messageAttributes)) {
    messageAttributes[name] = hide(value.StringValue ?? (value.BinaryValue ? '(binary)' : ''));
  }
  const systemAttributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.systemAttributes)) {
    systemAttributes[name] = name === 'MessageGroupId' ? (hideEmail(value) ?? '') : value;
  }
  return {
    ...toRow(entry, options),
    groupId: hideEmail(entry.groupId),
    errorClass: entry.errorClass ?? null,
    errorMessage: entry.errorMessage === undefined ? null : hide(entry.errorMessage),
    firstSeenAt: entry.firstSeenAt ?? null,
    originalMessageId: entry.originalMessageId ?? null,
    command,
    invalidBody: entry.invalidBody ?? null,
    body: hide(entry.body),
    messageAttributes,
    systemAttributes,
    nextStep: nextStep(entry, options.showEmails && entry.email ? entry.email : '<their email>'),
  };
}

/**
 * `show ID` for a person: the reason first (that is what on-call needs), then the command, then the attributes.
 *
 * @example
 * io.stdout.write(renderDetail(toDetail(entry, { showEmails: false })));
 */
export function renderDetail(d: DlqDetail): string {
  const line = (label: string, value: string | number | boolean | null) =>
    `${label.padEnd(14)}${value === null ? '-' : String(value)}`;
  const out = [
    line('DLQ message', d.messageId),
    line('Command id', d.commandId),
    line('Person', d.person),
    line('Person tag', d.personTag),
    line('Group id', d.groupId),
    line('Source', d.source),
    line('Action', d.action),
    line('Reason', d.reason),
    line('HTTP status', d.httpStatus),
    line('Next step', d.nextStep),
    line(
      'Permanent',
      d.permanent === null ? null : d.permanent ? 'yes (no retry can fix it as is)' : 'no (ran out of receives)',
    ),
    line('Receives', d.receiveCount),
    line('First seen', d.firstSeenAt),
    line(
      'Failed at',
      d.failedAt === null ? null : d.failedAtRecorded ? d.failedAt : `~${d.failedAt} (sent to the DLQ)`,
    ),
    line('Original id', d.originalMessageId),
    line('Replayed', `${d.replayCount} time(s) before`),
    '',
  ];
  if (d.command) {
    out.push('Command:', JSON.stringify(d.command, null, 2), '');
  } else {
    out.push(`Body (${d.invalidBody ?? 'not a command'}):`, d.body, '');
  }
  out.push('Message attributes:');
  for (const [name, value] of Object.entries(d.messageAttributes)) out.push(`  ${name} = ${value}`);
  if (Object.keys(d.messageAttributes).length === 0) out.push('  (none: SQS moved this message by redrive)');
  out.push('System attributes:');
  for (const [name, value] of Object.entries(d.systemAttributes)) out.push(`  ${name} = ${value}`);
  return `${out.join('\n')}\n`;
}
