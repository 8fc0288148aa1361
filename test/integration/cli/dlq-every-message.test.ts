import { type Message, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { dlqMessageGroupId, formatDlqOrigin, regroupDeduplicationId } from '@idp-sync/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainQueue, makeCommand, nextSequence, putDlqMessages } from './dlq-messages';
import { type CliHarness, cli, freshQueues, startHarness } from './harness';

/**
 * Issue #16, part 3: the DLQ shows every message at once. Each DLQ message sits in a group of its own (the worker
 * writes it so; messages SQS redrive or an older worker left in a person's group are re-grouped by the read), so
 * `dlq list` sees a person's every message in one call, and a dry run counts what a replay moves.
 */

let h: CliHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const commandIdOf = (m: Message) => (JSON.parse(m.Body!) as { id: string }).id;
type Row = { commandId: string; person: string; reason: string };
const rowsOf = (stdout: string) => JSON.parse(stdout) as Row[];

/**
 * Seven messages as on-call met them: alice's create (503) and then update (404, her create never happened),
 * bob's and carol's transient failures, dan's rehire of a deleted email and erin's refused password reset (both
 * permanent), and frank's command SQS redrive moved (no reason). Before this change `dlq list` showed 6 of the 7
 * (alice's update waited unseen behind her create) and the dry run counted 5 where the replay moved 6.
 */
async function sevenMessages() {
  const q = await freshQueues(h);
  const c = {
    aliceCreate: makeCommand({ email: 'alice@example.com', action: 'create' }),
    aliceUpdate: makeCommand({ email: 'alice@example.com', action: 'update', name: 'Alice B' }),
    bob: makeCommand({ email: 'bob@example.com', action: 'update', name: 'Bob' }),
    carol: makeCommand({ email: 'carol@example.com', action: 'delete' }),
    dan: makeCommand({ email: 'dan@example.com', action: 'create' }),
    erin: makeCommand({ email: 'erin@example.com', action: 'reset-password' }),
    frank: makeCommand({ email: 'frank@example.com', action: 'create' }),
  };
  await putDlqMessages(h.client, q.dlqUrl, [
    { command: c.aliceCreate, errorClass: 'ServerError', httpStatus: 503 },
    { command: c.aliceUpdate, errorClass: 'UserNotFound', httpStatus: 404, permanent: true },
    { command: c.bob, errorClass: 'ServerError', httpStatus: 502 },
    { command: c.carol, errorClass: 'TimeoutError' },
    { command: c.dan, errorClass: 'EmailDeleted', httpStatus: 409, permanent: true },
    { command: c.erin, errorClass: 'ResetPasswordRejected', httpStatus: 400, permanent: true },
    { command: c.frank, redrive: true },
  ]);
  return { q, c };
}

describe('every DLQ message in one call', () => {
  it('dlq list shows all 7 messages, a person with several messages included, in their order', async () => {
    const { q, c } = await sevenMessages();
    const run = await cli(h, ['dlq', 'list', '--json', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    const rows = rowsOf(run.stdout());
    expect(rows).toHaveLength(7);
    expect(rows.map((r) => r.commandId).sort()).toEqual(
      Object.values(c)
        .map((x) => x.id)
        .sort(),
    );
    const alice = rows.filter((r) => r.person === 'a***@example.com').map((r) => r.commandId);
    expect(alice).toEqual([c.aliceCreate.id, c.aliceUpdate.id]);
    expect(run.stderr()).toMatch(/1 message\(s\) moved by SQS redrive \(or by an older worker\) were re-grouped/);
    expect(run.stderr()).not.toMatch(/could not be read/);
    expect(run.stdout()).not.toMatch(/(alice|bob|carol|dan|erin|frank)@/);
  });

  it('the dry run counts exactly what the replay moves, and permanent failures stay unless asked', async () => {
    const { q, c } = await sevenMessages();
    const dry = await cli(h, ['dlq', 'replay', '--dry-run', '--json', ...q.flags]);
    expect(dry.code, dry.stderr()).toBe(0);
    const wouldMove = rowsOf(dry.stdout()).map((r) => r.commandId);
    expect(wouldMove.sort()).toEqual([c.aliceCreate.id, c.aliceUpdate.id, c.bob.id, c.carol.id, c.frank.id].sort());
    expect(dry.stderr()).toMatch(
      /5 message\(s\) would move to the work queue, 2 would stay \(of which 2 are permanent failures\)/,
    );
    expect(dry.stderr()).toMatch(/2 of the messages .* permanent failures \(EmailDeleted 1, ResetPasswordRejected 1\)/);
    expect(dry.stderr()).toMatch(/--include-permanent/);

    const run = await cli(h, ['dlq', 'replay', '--yes', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/Replay finished: 5 moved, 0 failed, 0 not selected, 2 permanent failure\(s\) left/);
    const moved = await drainQueue(h.client, q.queueUrl);
    expect(moved.map(commandIdOf).sort()).toEqual(wouldMove.sort());
    // Back in the person's group, in the person's order.
    for (const m of moved) expect(m.Attributes?.MessageGroupId).toBe(JSON.parse(m.Body!).email);
    const alice = moved.filter((m) => m.Attributes?.MessageGroupId === 'alice@example.com').map(commandIdOf);
    expect(alice).toEqual([c.aliceCreate.id, c.aliceUpdate.id]);
    expect((await drainQueue(h.client, q.dlqUrl)).map(commandIdOf).sort()).toEqual([c.dan.id, c.erin.id].sort());
  });

  it('--include-permanent replays permanent failures too, and the confirmation says so', async () => {
    const { q, c } = await sevenMessages();
    const run = await cli(h, ['dlq', 'replay', '--email', 'dan@example.com', '--include-permanent', ...q.flags], {
      stdinIsTTY: true,
      answer: 'y',
    });
    expect(run.code, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/Replay 1 of the 7 message\(s\) \(including 1 permanent failure\(s\)/);
    expect((await drainQueue(h.client, q.queueUrl)).map(commandIdOf)).toEqual([c.dan.id]);
  });

  it('the confirmation names the permanent failures among the selected and does not replay them', async () => {
    const { q, c } = await sevenMessages();
    const run = await cli(
      h,
      ['dlq', 'replay', '--email', 'dan@example.com', '--email', 'bob@example.com', ...q.flags],
      {
        stdinIsTTY: true,
        answer: 'y',
      },
    );
    expect(run.code, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/1 of the messages matching the filters are permanent failures \(EmailDeleted 1\)/);
    expect(run.stderr()).toMatch(/Replay 1 of the 7 message\(s\) \(1 permanent failure\(s\) among the matches stay\)/);
    expect((await drainQueue(h.client, q.queueUrl)).map(commandIdOf)).toEqual([c.bob.id]);
  });

  it("a person's later message stays behind their permanent failure (never overtakes it)", async () => {
    const q = await freshQueues(h);
    const create = makeCommand({ email: 'gina@example.com', action: 'create' });
    const update = makeCommand({ email: 'gina@example.com', action: 'update', name: 'G' });
    await putDlqMessages(h.client, q.dlqUrl, [
      { command: create, errorClass: 'EmailDeleted', httpStatus: 409, permanent: true },
      { command: update, errorClass: 'ServerError', httpStatus: 503 },
    ]);
    const run = await cli(h, ['dlq', 'replay', '--yes', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/0 moved/);
    expect(run.stderr()).toMatch(/1 selected message\(s\) were held back/);
    expect((await drainQueue(h.client, q.dlqUrl)).map(commandIdOf)).toEqual([create.id, update.id]);
  });
});

describe('order', () => {
  it('replays a person in their work-queue order even when the DLQ received them the other way round', async () => {
    const q = await freshQueues(h);
    const create = makeCommand({ email: 'hank@example.com', action: 'create' });
    const update = makeCommand({ email: 'hank@example.com', action: 'update', name: 'H' });
    const reset = makeCommand({ email: 'hank@example.com', action: 'reset-password' });
    // 20 and 21 digits: as strings "100…" sorts before "999…"; as numbers they lose precision. Big integers only.
    await putDlqMessages(h.client, q.dlqUrl, [
      { command: reset, sequenceNumber: '100000000000000000001' },
      { command: update, sequenceNumber: '100000000000000000000' },
      { command: create, sequenceNumber: '99999999999999999999' },
    ]);
    const list = await cli(h, ['dlq', 'list', '--json', ...q.flags]);
    expect(rowsOf(list.stdout()).map((r) => r.commandId)).toEqual([create.id, update.id, reset.id]);
    const run = await cli(h, ['dlq', 'replay', '--yes', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    const moved = await drainQueue(h.client, q.queueUrl);
    expect(moved.map(commandIdOf)).toEqual([create.id, update.id, reset.id]);
    expect(new Set(moved.map((m) => m.Attributes?.MessageGroupId))).toEqual(new Set(['hank@example.com']));
  });

  it('keeps each of many people in order across rounds and batches (with --rate)', async () => {
    const q = await freshQueues(h);
    const people = Array.from({ length: 12 }, (_, i) => `p${i}@example.com`);
    const commands = people.flatMap((email) =>
      Array.from({ length: 3 }, (_, k) => makeCommand({ email, action: 'update', name: `N${k}` })),
    );
    // Put in reverse: the DLQ's own order is the opposite of the work queue's.
    const seqs = commands.map(() => nextSequence());
    await putDlqMessages(
      h.client,
      q.dlqUrl,
      commands.map((command, i) => ({ command, sequenceNumber: seqs[i] })).reverse(),
    );
    const run = await cli(h, ['dlq', 'replay', '--yes', '--rate', '200/s', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/36 moved/);
    const moved = await drainQueue(h.client, q.queueUrl);
    for (const email of people) {
      const mine = moved.filter((m) => m.Attributes?.MessageGroupId === email).map(commandIdOf);
      expect(mine).toEqual(commands.filter((x) => x.email === email).map((x) => x.id));
    }
  });
});

describe('messages still in a person group (SQS redrive, an older worker)', () => {
  it('are re-grouped once so all are listed, keep their reason, and replay in order in the person group', async () => {
    const q = await freshQueues(h);
    const ivy = [1, 2, 3].map((k) => makeCommand({ email: 'ivy@example.com', action: 'update', name: `I${k}` }));
    const jack = [1, 2].map((k) => makeCommand({ email: 'jack@example.com', action: 'update', name: `J${k}` }));
    await putDlqMessages(h.client, q.dlqUrl, [
      // Written by the previous worker version: the person's group, originalMessageId, no origin.
      ...ivy.map((command) => ({ command, legacy: true, errorClass: 'ServerError', httpStatus: 503 })),
      // Moved by SQS redrive after a crashed worker: the person's group, no attributes at all.
      ...jack.map((command) => ({ command, redrive: true })),
    ]);

    const first = await cli(h, ['dlq', 'list', '--json', ...q.flags]);
    expect(first.code, first.stderr()).toBe(0);
    const rows = rowsOf(first.stdout());
    expect(rows.map((r) => r.commandId)).toEqual([...ivy, ...jack].map((x) => x.id));
    expect(rows.filter((r) => r.reason.startsWith('ServerError'))).toHaveLength(3);
    expect(rows.filter((r) => r.reason === 'moved by SQS redrive (no reason recorded)')).toHaveLength(2);
    expect(first.stderr()).toMatch(/5 message\(s\) moved by SQS redrive \(or by an older worker\) were re-grouped/);

    // Re-grouped once: the next read changes nothing.
    const second = await cli(h, ['dlq', 'list', '--json', ...q.flags]);
    expect(rowsOf(second.stdout()).map((r) => r.commandId)).toEqual(rows.map((r) => r.commandId));
    expect(second.stderr()).not.toMatch(/re-grouped/);

    const shown = await cli(h, ['dlq', 'show', ivy[1]!.id, '--json', ...q.flags]);
    const detail = JSON.parse(shown.stdout());
    expect(detail).toMatchObject({ errorClass: 'ServerError', httpStatus: 503, groupId: 'i***@example.com' });
    expect(detail.originalMessageId).toMatch(/.+/);

    const replay = await cli(h, ['dlq', 'replay', '--yes', ...q.flags]);
    expect(replay.code, replay.stderr()).toBe(0);
    const moved = await drainQueue(h.client, q.queueUrl);
    expect(moved.filter((m) => m.Attributes?.MessageGroupId === 'ivy@example.com').map(commandIdOf)).toEqual(
      ivy.map((x) => x.id),
    );
    expect(moved.filter((m) => m.Attributes?.MessageGroupId === 'jack@example.com').map(commandIdOf)).toEqual(
      jack.map((x) => x.id),
    );
    // The worker's failure attributes and the origin do not go back to the work queue.
    for (const m of moved) {
      expect(m.MessageAttributes?.origin).toBeUndefined();
      expect(m.MessageAttributes?.errorClass).toBeUndefined();
    }
    expect(await drainQueue(h.client, q.dlqUrl)).toEqual([]);
  });

  it('a re-grouping retried after a crash (the copy already sent) does not duplicate the message', async () => {
    const q = await freshQueues(h);
    const command = makeCommand({ email: 'kim@example.com' });
    await putDlqMessages(h.client, q.dlqUrl, [{ command, redrive: true }]);
    // Learn the message's id, then leave the copy a re-grouping crashed after sending (before deleting the original).
    const peek = await h.client.send(
      new ReceiveMessageCommand({ QueueUrl: q.dlqUrl, VisibilityTimeout: 0, MessageSystemAttributeNames: ['All'] }),
    );
    const original = peek.Messages![0]!;
    const dedup = regroupDeduplicationId(original.MessageId!);
    const origin = { queue: 'dlq' as const, group: 'kim@example.com', messageId: original.MessageId! };
    await h.client.send(
      new SendMessageCommand({
        QueueUrl: q.dlqUrl,
        MessageBody: original.Body!,
        MessageGroupId: dlqMessageGroupId(dedup),
        MessageDeduplicationId: dedup,
        MessageAttributes: { origin: { DataType: 'String', StringValue: formatDlqOrigin(origin) } },
      }),
    );
    const list = await cli(h, ['dlq', 'list', '--json', ...q.flags]);
    expect(list.code, list.stderr()).toBe(0);
    // The retried re-grouping sent the same copy again (dropped by SQS) and deleted the original: one message.
    expect(rowsOf(list.stdout()).map((r) => r.commandId)).toEqual([command.id]);
    const left = await drainQueue(h.client, q.dlqUrl);
    expect(left.map(commandIdOf)).toEqual([command.id]);
    expect(left[0]!.Attributes?.MessageGroupId).toBe(dlqMessageGroupId(dedup));
  });
});

describe('hostile attributes change nothing', () => {
  it('an origin naming another person, or malformed, does not move a command into another group', async () => {
    const q = await freshQueues(h);
    const lena = makeCommand({ email: 'lena@example.com' });
    const mo = makeCommand({ email: 'mo@example.com' });
    await putDlqMessages(h.client, q.dlqUrl, [
      {
        command: lena,
        extraAttributes: {
          origin: {
            DataType: 'String',
            StringValue: JSON.stringify({ queue: 'work', group: 'mallory@example.com', seq: '1', messageId: 'x' }),
          },
        },
      },
      {
        command: mo,
        extraAttributes: {
          origin: { DataType: 'String', StringValue: '{"__proto__":{"group":"mallory@example.com"},"queue":"work"}' },
        },
      },
    ]);
    const list = await cli(h, ['dlq', 'list', '--json', '--show-emails', ...q.flags]);
    expect(
      rowsOf(list.stdout())
        .map((r) => r.person)
        .sort(),
    ).toEqual(['lena@example.com', 'mo@example.com']);
    const run = await cli(h, ['dlq', 'replay', '--yes', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    const moved = await drainQueue(h.client, q.queueUrl);
    expect(moved.map((m) => m.Attributes?.MessageGroupId).sort()).toEqual(['lena@example.com', 'mo@example.com']);
    expect(({} as Record<string, unknown>).group).toBeUndefined();
  });
});
