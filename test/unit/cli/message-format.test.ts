import type { Message } from '@aws-sdk/client-sqs';
import {
  nextStep,
  REDRIVE_REASON,
  renderColumns,
  renderDetail,
  renderTable,
  toDetail,
  toDlqEntry,
  toRow,
} from '@idp-sync/cli';
import { redactEmailOrDigest, redactEmailsIn } from '@idp-sync/common';
import { describe, expect, it } from 'vitest';

const command = {
  v: 1,
  id: 'okta:9a1c',
  source: 'okta',
  sourceEventType: 'user.lifecycle.create',
  occurredAt: '2026-11-26T10:00:00.000Z',
  receivedAt: '2026-11-26T10:00:01.000Z',
  action: 'create',
  email: 'alice@example.com',
};

const s = (v: string) => ({ DataType: 'String', StringValue: v });
const n = (v: number) => ({ DataType: 'Number', StringValue: String(v) });

function workerMessage(overrides: Partial<Message> = {}): Message {
  return {
    MessageId: 'dlq-1',
    ReceiptHandle: 'rh-1',
    Body: JSON.stringify(command),
    Attributes: { MessageGroupId: 'alice@example.com', SentTimestamp: String(Date.parse('2026-11-26T10:00:06Z')) },
    MessageAttributes: {
      errorClass: s('ConflictError'),
      httpStatus: n(409),
      errorMessage: s('a user with this email already exists'),
      receiveCount: n(2),
      firstSeenAt: s('2026-11-26T10:00:02.000Z'),
      failedAt: s('2026-11-26T10:00:05.000Z'),
      commandId: s('okta:9a1c'),
      originalMessageId: s('orig-1'),
      retryable: s('false'),
    },
    ...overrides,
  };
}

describe('toDlqEntry', () => {
  it('decodes a message the worker dead-lettered', () => {
    const e = toDlqEntry(workerMessage());
    expect(e).toMatchObject({
      messageId: 'dlq-1',
      groupId: 'alice@example.com',
      commandId: 'okta:9a1c',
      source: 'okta',
      action: 'create',
      email: 'alice@example.com',
      reason: 'ConflictError: a user with this email already exists',
      httpStatus: 409,
      receiveCount: 2,
      failedAt: '2026-11-26T10:00:05.000Z',
      failedAtRecorded: true,
      permanent: true,
      originalMessageId: 'orig-1',
      replayCount: 0,
      fromWorker: true,
    });
    expect(e.command?.id).toBe('okta:9a1c');
  });

  it('reads the worker’s retryable attribute: a transient failure that ran out of receives is not permanent', () => {
    const base = workerMessage();
    const e = toDlqEntry({ ...base, MessageAttributes: { ...base.MessageAttributes, retryable: s('true') } });
    expect(e.permanent).toBe(false);
  });

  it('a message moved by SQS redrive has no reason recorded; failedAt falls back to SentTimestamp', () => {
    const e = toDlqEntry(workerMessage({ MessageAttributes: undefined }));
    expect(e.reason).toBe(REDRIVE_REASON);
    expect(e.fromWorker).toBe(false);
    expect(e.failedAt).toBe('2026-11-26T10:00:06.000Z');
    expect(e.failedAtRecorded).toBe(false);
    expect(e.commandId).toBe('okta:9a1c');
  });

  it('never throws on a body that is not a command, and keeps what it can read', () => {
    const notJson = toDlqEntry(workerMessage({ Body: '<xml/>' }));
    expect(notJson.command).toBeUndefined();
    expect(notJson.invalidBody).toBe('the body is not JSON');
    expect(notJson.email).toBe('alice@example.com');
    const partial = toDlqEntry(
      workerMessage({ Body: '{"id":"hr:x","action":"delete","email":" Bob@Example.com"}', MessageAttributes: {} }),
    );
    expect(partial).toMatchObject({ commandId: 'hr:x', action: 'delete', email: 'bob@example.com' });
    expect(partial.invalidBody).toMatch(/not a valid command/);
  });
});

describe('redaction', () => {
  it('keeps the first character and the domain', () => {
    expect(redactEmailOrDigest('alice@example.com')).toBe('a***@example.com');
    expect(redactEmailOrDigest('sha256:0123456789abcdef0123456789')).toBe('sha256:0123456789ab…');
    expect(redactEmailOrDigest('not-an-email')).toBe('***');
    expect(redactEmailsIn('user Bob.Smith@corp.example.com and x@y.io failed')).toBe(
      'user B***@corp.example.com and x***@y.io failed',
    );
  });

  it('list rows and show details hide emails unless asked, including inside reasons and bodies', () => {
    const e = toDlqEntry(
      workerMessage({
        MessageAttributes: { ...workerMessage().MessageAttributes, errorMessage: s('alice@example.com is taken') },
      }),
    );
    expect(toRow(e, { showEmails: false })).toMatchObject({
      person: 'a***@example.com',
      reason: 'ConflictError: a***@example.com is taken',
    });
    expect(toRow(e, { showEmails: true }).person).toBe('alice@example.com');
    const hidden = renderDetail(toDetail(e, { showEmails: false }));
    expect(hidden).not.toContain('alice@');
    expect(renderDetail(toDetail(e, { showEmails: true }))).toContain('"email": "alice@example.com"');
  });

  it('the table fits a terminal by cutting the reason first, then the person and the command id; piped, every cell is whole', () => {
    const long = toDlqEntry(
      workerMessage({ MessageAttributes: { errorClass: s('ServerError'), errorMessage: s('x'.repeat(200)) } }),
    );
    const redrive = toDlqEntry(workerMessage({ MessageAttributes: undefined }));
    const id = `okta:00u1abcd-${'e'.repeat(30)}`;
    const rows = [{ ...toRow(long, { showEmails: false }), commandId: id }, toRow(redrive, { showEmails: false })];
    const lines = (text: string) => text.trimEnd().split('\n');

    const piped = renderTable(rows);
    expect(piped).toContain(`ServerError: ${'x'.repeat(200)}`);
    expect(piped).not.toContain('…');
    expect(piped).toContain('~2026-11-26T10:00:06.000Z');
    expect(lines(piped)[0]).toMatch(/^COMMAND ID/);

    const wide = renderTable(rows, 160);
    for (const line of lines(wide)) expect(line.length).toBeLessThanOrEqual(160);
    expect(wide).toMatch(/ServerError: x+…/);
    expect(wide).toContain(id); // the reason gave up enough: the id is whole
    expect(wide).toContain('~2026-11-26T10:00:06.000Z'); // times are never cut

    const narrow = renderTable(rows, 130);
    for (const line of lines(narrow)) expect(line.length).toBeLessThanOrEqual(130);
    expect(narrow).toMatch(/ServerError: x{6}…/); // the reason keeps its minimum…
    expect(narrow).not.toContain(id); // …and then the command id is cut too
    expect(narrow).toContain('okta:00u1abcd-');
    expect(narrow).toContain('~2026-11-26T10:00:06.000Z');
  });

  it('a terminal too narrow for the columns that are never cut gets them whole (it wraps) rather than garbled', () => {
    const table = renderColumns(
      [{ header: 'ID' }, { header: 'REASON', shrink: 1, min: 6 }],
      [['okta:0123456789', 'a long reason']],
      10,
    );
    expect(table.split('\n')[1]).toBe('okta:0123456789  a lon…');
  });

  it('show prints a one-line next step for the class the worker wrote', () => {
    const withClass = (errorClass: string, httpStatus?: number) =>
      toDlqEntry(
        workerMessage({
          MessageAttributes: {
            errorClass: s(errorClass),
            errorMessage: s('x'),
            retryable: s('false'),
            ...(httpStatus ? { httpStatus: n(httpStatus) } : {}),
          },
        }),
      );
    const notFound = withClass('UserNotFound', 404);
    expect(nextStep(notFound, 'alice@example.com')).toContain('idp-sync dlq replay --email alice@example.com');
    expect(renderDetail(toDetail(notFound, { showEmails: false }))).toMatch(
      /Next step\s+the Users API has no such user: .*--email <their email>/,
    );
    expect(renderDetail(toDetail(notFound, { showEmails: false }))).not.toContain('alice@');
    expect(toDetail(notFound, { showEmails: true }).nextStep).toContain('--email alice@example.com');
    expect(nextStep(withClass('EmailDeleted', 409), 'x')).toMatch(/do not replay/);
    expect(nextStep(withClass('BlockedByEarlierFailure'), 'x')).toMatch(/earlier message of this person failed/);
    expect(nextStep(withClass('LeftDuringJoin'), 'x')).toMatch(/do not replay.*delete the user id named in the reason/);
    expect(nextStep(withClass('ResetPasswordRejected', 400), 'x')).toMatch(/SSO/);
    expect(nextStep(toDlqEntry(workerMessage({ MessageAttributes: undefined })), 'x')).toMatch(/wrote no reason/);
    const transient = toDlqEntry(
      workerMessage({ MessageAttributes: { errorClass: s('ServerError'), httpStatus: n(503), retryable: s('true') } }),
    );
    expect(nextStep(transient, 'x')).toMatch(/--status 5xx --status 404/);
  });
});
