import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createPipelineQueues } from '@idp-sync/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCommand, putDlqMessages } from './dlq-messages';
import { type CliHarness, cli, freshQueues, startHarness } from './harness';

let h: CliHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

/** A DLQ with one message of each kind the contract describes, plus a second message behind alice's first. */
async function seededDlq() {
  const q = await freshQueues(h);
  const alice = makeCommand({ email: 'alice@example.com', source: 'okta', action: 'create' });
  const aliceUpdate = makeCommand({ email: 'alice@example.com', action: 'update', name: 'Alice B' });
  const bob = makeCommand({ email: 'bob@example.com', source: 'scim', action: 'delete' });
  const dana = makeCommand({ email: 'dana@example.com', source: 'hr', action: 'update' });
  await putDlqMessages(h.client, q.dlqUrl, [
    { command: alice, errorClass: 'ConflictError', httpStatus: 409, failedAt: '2020-01-01T10:00:00.000Z' },
    { command: aliceUpdate, errorClass: 'ServerError', httpStatus: 503, failedAt: '2020-01-01T10:05:00.000Z' },
    {
      command: bob,
      errorClass: 'ServerError',
      httpStatus: 503,
      errorMessage: 'upstream unavailable after 5 receives',
      permanent: false,
      receiveCount: 5,
      failedAt: '2020-01-01T11:00:00.000Z',
    },
    { command: dana, redrive: true },
    {
      rawBody: '{"v":1,"id":"hr:broken","email":"carol@example.com"}',
      groupId: 'carol@example.com',
      errorClass: 'InvalidCommand',
      errorMessage: 'source: invalid option',
      failedAt: '2020-01-01T12:00:00.000Z',
    },
  ]);
  return { q, alice, aliceUpdate, bob, dana };
}

describe('idp-sync dlq list', () => {
  it('prints one row per readable message with the reason, and redacts emails', async () => {
    const { q, alice, bob, dana } = await seededDlq();
    const run = await cli(h, ['dlq', 'list', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    const out = run.stdout();
    expect(out).toMatch(/COMMAND ID\s+SOURCE\s+ACTION\s+PERSON\s+TAG\s+REASON\s+HTTP\s+RECV\s+FAILED AT/);
    const aliceRow = out.split('\n').find((l) => l.startsWith(alice.id));
    expect(aliceRow).toMatch(
      /okta\s+create\s+a\*\*\*@example\.com\s+[0-9a-f]{8}\s+ConflictError: .*\s+409\s+1\s+2020-01-01T10:00:00\.000Z/,
    );
    expect(out.split('\n').find((l) => l.startsWith(bob.id))).toMatch(
      /scim\s+delete\s+b\*\*\*@example\.com\s+[0-9a-f]{8}\s+ServerError/,
    );
    expect(out.split('\n').find((l) => l.startsWith(dana.id))).toContain('moved by SQS redrive (no reason recorded)');
    expect(out).toContain('hr:broken');
    expect(out).not.toMatch(/alice@|bob@|carol@|dana@/);
    // alice's second message is listed too, right after her first (each DLQ message has a group of its own).
    const lines = out.split('\n');
    const aliceFirst = lines.findIndex((l) => l.startsWith(alice.id));
    expect(lines[aliceFirst + 1]).toMatch(/update\s+a\*\*\*@example\.com\s+[0-9a-f]{8}\s+ServerError/);
    expect(run.stderr()).not.toMatch(/could not be read/);
    // dana's message was moved by SQS redrive (in her group): re-grouped so it can be listed, and said so.
    expect(run.stderr()).toMatch(
      /1 message\(s\) moved by SQS redrive \(or by an older worker\) were re-grouped so they can be listed/,
    );
    const notice = run
      .stderr()
      .split('\n')
      .find((l) => l.startsWith('Reading the DLQ'));
    expect(notice).toMatch(/nothing is consumed; all is released at the end, or within 5 s if killed/);
    // One line: the endpoint and queue URL plus some 80 characters (it used to be 230 plus them).
    expect(notice?.length).toBeLessThan(170);
  });

  it('--json prints machine-readable rows; --show-emails shows full addresses', async () => {
    const { q, bob } = await seededDlq();
    const run = await cli(h, ['dlq', 'list', '--json', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    const rows = JSON.parse(run.stdout()) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(5);
    expect(rows.find((r) => r.commandId === bob.id)).toMatchObject({
      source: 'scim',
      action: 'delete',
      person: 'b***@example.com',
      httpStatus: 503,
      receiveCount: 5,
      permanent: false,
      failedAt: '2020-01-01T11:00:00.000Z',
      failedAtRecorded: true,
    });
    const shown = await cli(h, ['dlq', 'list', '--json', '--show-emails', ...q.flags]);
    const people = (JSON.parse(shown.stdout()) as Array<{ person: string }>).map((r) => r.person).sort();
    expect(people).toEqual([
      'alice@example.com',
      'alice@example.com',
      'bob@example.com',
      'carol@example.com',
      'dana@example.com',
    ]);
  });

  it('tells apart people whose redacted emails look alike: a stable tag, the same in --json, selected by --person', async () => {
    const q = await freshQueues(h);
    const gina = makeCommand({ email: 'gina@example.com' });
    const gus = makeCommand({ email: 'gus@example.com' });
    const ginaAgain = makeCommand({ email: 'gina@example.com', action: 'update' });
    await putDlqMessages(h.client, q.dlqUrl, [
      { command: gina, errorClass: 'ServerError', httpStatus: 503 },
      { command: gus, errorClass: 'ServerError', httpStatus: 503 },
      { command: ginaAgain, errorClass: 'UserNotFound', httpStatus: 404 },
    ]);
    const listed = await cli(h, ['dlq', 'list', '--json', ...q.flags]);
    expect(listed.code, listed.stderr()).toBe(0);
    const rows = JSON.parse(listed.stdout()) as Array<{ commandId: string; person: string; personTag: string }>;
    const tagOf = (id: string) => rows.find((r) => r.commandId === id)?.personTag;
    expect(rows.map((r) => r.person)).toEqual(['g***@example.com', 'g***@example.com', 'g***@example.com']);
    expect(tagOf(gina.id)).toMatch(/^[0-9a-f]{8}$/);
    expect(tagOf(ginaAgain.id)).toBe(tagOf(gina.id));
    expect(tagOf(gus.id)).not.toBe(tagOf(gina.id));

    // The same tags on the next run, in the table, and with --show-emails.
    const table = await cli(h, ['dlq', 'list', '--show-emails', ...q.flags]);
    expect(
      table
        .stdout()
        .split('\n')
        .find((l) => l.startsWith(gus.id)),
    ).toMatch(new RegExp(`gus@example\\.com\\s+${tagOf(gus.id)}\\s`));

    // --person selects one person's messages, in list and in a replay's dry run.
    const mine = await cli(h, ['dlq', 'list', '--json', '--person', tagOf(gina.id)!.toUpperCase(), ...q.flags]);
    expect((JSON.parse(mine.stdout()) as Array<{ commandId: string }>).map((r) => r.commandId).sort()).toEqual(
      [gina.id, ginaAgain.id].sort(),
    );
    const dry = await cli(h, ['dlq', 'replay', '--dry-run', '--json', '--person', tagOf(gus.id)!, ...q.flags]);
    expect(dry.code, dry.stderr()).toBe(0);
    expect((JSON.parse(dry.stdout()) as Array<{ commandId: string }>).map((r) => r.commandId)).toEqual([gus.id]);

    // A per-deployment key gives other tags (nobody without it can compute them from a guessed address).
    const keyed = await cli(h, ['dlq', 'list', '--json', ...q.flags], {
      env: { ...h.env, IDP_SYNC_PERSON_TAG_KEY: 'team-secret-0123456789' },
    });
    const keyedRows = JSON.parse(keyed.stdout()) as Array<{ commandId: string; personTag: string }>;
    expect(keyedRows.find((r) => r.commandId === gina.id)?.personTag).not.toBe(tagOf(gina.id));

    const bad = await cli(h, ['dlq', 'list', '--person', 'gina@example.com', ...q.flags]);
    expect(bad.code).toBe(2);
    expect(bad.stderr()).toMatch(/--person "gina@example.com" is not a person tag/);
    expect(bad.stderr()).toMatch(/what to do: pass the 8-character tag of the TAG column/);
  });

  it("fits the terminal's width (the reason cut first), and prints every cell whole when piped", async () => {
    const q = await freshQueues(h);
    const reason = `upstream unavailable ${'and still unavailable '.repeat(8)}`.trim();
    const command = makeCommand({ email: 'wide@example.com' });
    await putDlqMessages(h.client, q.dlqUrl, [
      { command, errorClass: 'ServerError', httpStatus: 503, errorMessage: reason },
    ]);
    const terminal = await cli(h, ['dlq', 'list', ...q.flags], { stdoutColumns: 150 });
    expect(terminal.code, terminal.stderr()).toBe(0);
    const lines = terminal.stdout().trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(150);
    expect(lines[1]).toContain(command.id);
    expect(lines[1]).toMatch(/ServerError: upstr.*…\s+503/);
    const piped = await cli(h, ['dlq', 'list', ...q.flags]);
    expect(piped.stdout()).toContain(`ServerError: ${reason}`);
  });

  it('--max lists the first n messages and says how many more match', async () => {
    const { q } = await seededDlq();
    const run = await cli(h, ['dlq', 'list', '--json', '--max', '2', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    expect(JSON.parse(run.stdout())).toHaveLength(2);
    expect(run.stderr()).toMatch(/5 of 5 message\(s\) read match the filters; the first 2 are listed \(--max 2\)\./);
  });

  it('releases every message as soon as it is done: all are visible again right after', async () => {
    const { q } = await seededDlq();
    const run = await cli(h, ['dlq', 'list', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    const attrs = await h.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: q.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('0');
    expect(attrs.Attributes?.ApproximateNumberOfMessages).toBe('5');
    const again = await h.client.send(
      new ReceiveMessageCommand({ QueueUrl: q.dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    expect(again.Messages).toHaveLength(5);
  });

  describe('filters', () => {
    it.each([
      [['--action', 'delete'], ['bob']],
      [
        ['--action', 'delete', '--action', 'create'],
        ['alice', 'bob'],
      ],
      [['--source', 'hr'], ['dana']],
      [['--reason', 'UPSTREAM unavailable'], ['bob']],
      [['--reason', 'redrive'], ['dana']],
      [['--status', '409'], ['alice']],
      [
        ['--status', '5xx'],
        ['alice', 'bob'],
      ],
      [['--email', ' Bob@Example.com '], ['bob']],
      [
        ['--since', '2020-01-01T10:30:00Z'],
        ['bob', 'carol', 'dana'],
      ],
      [['--since', '2020-01-01T10:30:00Z', '--until', '2020-01-01T11:30:00Z'], ['bob']],
      [['--until', '2020-01-01T10:00:00Z'], ['alice']],
    ])('%j selects %j', async (flags, expected) => {
      const { q } = await seededDlq();
      const run = await cli(h, ['dlq', 'list', '--json', '--show-emails', ...flags, ...q.flags]);
      expect(run.code, run.stderr()).toBe(0);
      const people = (JSON.parse(run.stdout()) as Array<{ person: string }>).map((r) => r.person.split('@')[0]).sort();
      // dana was moved by SQS redrive: no failedAt was recorded, so the time filters use when her DLQ message was
      // sent (now), which is after every fixed time above.
      expect(people).toEqual(expected);
    });

    it('--id matches a command id or a DLQ message id', async () => {
      const { q, alice, bob } = await seededDlq();
      const all = JSON.parse((await cli(h, ['dlq', 'list', '--json', ...q.flags])).stdout()) as Array<{
        messageId: string;
        commandId: string;
      }>;
      const bobMessageId = all.find((r) => r.commandId === bob.id)!.messageId;
      const run = await cli(h, ['dlq', 'list', '--json', '--id', alice.id, '--id', bobMessageId, ...q.flags]);
      const ids = (JSON.parse(run.stdout()) as Array<{ commandId: string }>).map((r) => r.commandId).sort();
      expect(ids).toEqual([alice.id, bob.id].sort());
    });

    it.each([
      [['--action', 'fire'], /--action "fire" is not an action/],
      [['--source', 'ldap'], /--source "ldap" is not a source/],
      [['--status', '42'], /--status "42" is not an HTTP status/],
      [['--email', 'not-an-email'], /--email is not an email address/],
      [['--since', 'yesterday'], /--since "yesterday" is neither a date nor a duration/],
      [['--since', '2026-11-27', '--until', '2026-11-26'], /--since is after --until/],
    ])('bad filter %j is bad usage (exit 2) and says what to pass', async (flags, message) => {
      const { q } = await seededDlq();
      const run = await cli(h, ['dlq', 'list', ...flags, ...q.flags]);
      expect(run.code).toBe(2);
      expect(run.stderr()).toMatch(message);
      expect(run.stderr()).toMatch(/what to do: /);
    });
  });

  it('finds the local stack by queue name when no queue is given (SQS_ENDPOINT)', async () => {
    const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
    const { dlqUrl } = await createPipelineQueues(h.client);
    await h.client.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: JSON.stringify(makeCommand({ email: 'erin@example.com' })),
        MessageGroupId: 'erin@example.com',
        MessageDeduplicationId: 'local-default',
      }),
    );
    const run = await cli(h, ['dlq', 'list', '--json']);
    expect(run.code, run.stderr()).toBe(0);
    expect(run.stderr()).toContain(`the local stack at ${h.sqs.endpoint}`);
    expect(JSON.parse(run.stdout())).toHaveLength(1);
  });

  it('a missing queue on the local stack is an error that says to start it', async () => {
    const run = await cli(h, ['dlq', 'list'], { env: { ...h.env, IDP_SYNC_DLQ_NAME: 'nope.fifo' } });
    expect(run.code).toBe(1);
    expect(run.stderr()).toMatch(/there is no queue named nope\.fifo/);
    expect(run.stderr()).toMatch(/what to do: start the local stack/);
  });

  it('an unreachable endpoint is an error that says what to do', async () => {
    const run = await cli(h, ['dlq', 'list'], {
      env: { SQS_ENDPOINT: 'http://127.0.0.1:9', IDP_SYNC_RECEIVE_WAIT_SECONDS: '0' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr()).toMatch(/cannot reach the local stack at http:\/\/127\.0\.0\.1:9/);
    expect(run.stderr()).toMatch(/what to do: start the local stack/);
  });
});

describe('idp-sync dlq show', () => {
  it('shows the whole message by command id: reason, command, attributes (emails redacted)', async () => {
    const { q, bob } = await seededDlq();
    const run = await cli(h, ['dlq', 'show', bob.id, ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    const out = run.stdout();
    expect(out).toMatch(/Reason\s+ServerError: upstream unavailable after 5 receives/);
    expect(out).toMatch(/HTTP status\s+503/);
    expect(out).toMatch(/Permanent\s+no/);
    expect(out).toContain(`"id": "${bob.id}"`);
    expect(out).toContain('"email": "b***@example.com"');
    expect(out).toMatch(/errorClass = ServerError/);
    expect(out).not.toContain('bob@example.com');
  });

  it('shows by DLQ message id, as JSON, and an invalid body raw', async () => {
    const { q } = await seededDlq();
    const rows = JSON.parse((await cli(h, ['dlq', 'list', '--json', ...q.flags])).stdout()) as Array<{
      messageId: string;
      commandId: string;
    }>;
    const broken = rows.find((r) => r.commandId === 'hr:broken')!;
    const run = await cli(h, ['dlq', 'show', broken.messageId, '--json', '--show-emails', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    const detail = JSON.parse(run.stdout());
    expect(detail).toMatchObject({
      messageId: broken.messageId,
      command: null,
      errorClass: 'InvalidCommand',
      body: '{"v":1,"id":"hr:broken","email":"carol@example.com"}',
    });
    expect(detail.invalidBody).toMatch(/not a valid command/);
  });

  it('an unknown id is an error (exit 1) that points at list', async () => {
    const { q } = await seededDlq();
    const run = await cli(h, ['dlq', 'show', 'okta:nope', ...q.flags]);
    expect(run.code).toBe(1);
    expect(run.stderr()).toMatch(/no message with id "okta:nope"/);
    expect(run.stderr()).toMatch(/idp-sync dlq list/);
  });
});
