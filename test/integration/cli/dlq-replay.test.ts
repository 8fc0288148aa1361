import { GetQueueAttributesCommand, type Message } from '@aws-sdk/client-sqs';
import { replayMessages, runCli } from '@idp-sync/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalScreen } from '../../helpers/terminal-screen';
import { captureIo, drainQueue, makeCommand, putDlqMessages } from './dlq-messages';
import { type CliHarness, cli, freshQueues, startHarness } from './harness';

let h: CliHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

async function depth(queueUrl: string): Promise<number> {
  const out = await h.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

const commandIdOf = (m: Message) => (JSON.parse(m.Body!) as { id: string }).id;

/** Three people: alice has two failed commands (create then update), bob one 409, carol one 503. */
async function seeded() {
  const q = await freshQueues(h);
  const aliceCreate = makeCommand({ email: 'alice@example.com', action: 'create' });
  const aliceUpdate = makeCommand({ email: 'alice@example.com', action: 'update', name: 'Alice B' });
  const bob = makeCommand({ email: 'bob@example.com', action: 'create' });
  const carol = makeCommand({ email: 'carol@example.com', action: 'delete', source: 'scim' });
  await putDlqMessages(h.client, q.dlqUrl, [
    { command: aliceCreate, errorClass: 'ServerError', httpStatus: 503, permanent: false },
    { command: aliceUpdate, errorClass: 'ServerError', httpStatus: 502, permanent: false },
    { command: bob, errorClass: 'ConflictError', httpStatus: 409, permanent: true },
    { command: carol, errorClass: 'ServerError', httpStatus: 500, permanent: false },
  ]);
  return { q, aliceCreate, aliceUpdate, bob, carol };
}

describe('idp-sync dlq replay', () => {
  it('--dry-run prints what would move and changes nothing', async () => {
    const { q, aliceCreate, aliceUpdate, carol, bob } = await seeded();
    const run = await cli(h, ['dlq', 'replay', '--dry-run', '--status', '5xx', '--json', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    const ids = (JSON.parse(run.stdout()) as Array<{ commandId: string }>).map((r) => r.commandId);
    // alice's update (502) is counted too: it is what the replay moves (it once waited unseen behind her create).
    expect(ids.sort()).toEqual([aliceCreate.id, aliceUpdate.id, carol.id].sort());
    expect(ids).not.toContain(bob.id);
    expect(run.stderr()).toMatch(
      /Dry run, nothing was changed: 3 message\(s\) would move to the work queue, 1 would stay\./,
    );
    expect(await depth(q.dlqUrl)).toBe(4);
    expect(await depth(q.queueUrl)).toBe(0);
    // Released at once: everything readable again right away.
    expect((await drainQueue(h.client, q.dlqUrl)).length).toBe(4);
  });

  it('moves exactly the selected messages, keeping group id and body, with a fresh dedup id and replay attributes', async () => {
    const { q, aliceCreate, aliceUpdate, bob, carol } = await seeded();
    const run = await cli(h, ['dlq', 'replay', '--status', '5xx', '--yes', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/Replay finished: 3 moved, 0 failed, 1 not selected/);
    expect(run.stderr()).not.toMatch(/held back/);

    const moved = await drainQueue(h.client, q.queueUrl);
    expect(moved.map(commandIdOf).sort()).toEqual([aliceCreate.id, aliceUpdate.id, carol.id].sort());
    // alice's commands keep their order.
    const aliceOrder = moved.filter((m) => m.Attributes?.MessageGroupId === 'alice@example.com').map(commandIdOf);
    expect(aliceOrder).toEqual([aliceCreate.id, aliceUpdate.id]);
    for (const m of moved) {
      const command = JSON.parse(m.Body!) as { email: string };
      expect(m.Attributes?.MessageGroupId).toBe(command.email);
      expect(m.Attributes?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
      expect(m.MessageAttributes?.replayCount).toEqual({ DataType: 'Number', StringValue: '1' });
      expect(m.MessageAttributes?.replayedFrom?.StringValue).toMatch(/.+/);
      expect(m.MessageAttributes?.errorClass).toBeUndefined();
    }
    const aliceBody = moved.find((m) => commandIdOf(m) === aliceCreate.id)!.Body;
    expect(aliceBody).toBe(JSON.stringify(aliceCreate));

    // bob stays, and is readable at once (released, not hidden).
    const left = await drainQueue(h.client, q.dlqUrl);
    expect(left.map(commandIdOf)).toEqual([bob.id]);
  });

  it('a fresh dedup id each time: replaying the same command twice within 5 minutes is not dropped by SQS', async () => {
    const q = await freshQueues(h);
    const command = makeCommand({ email: 'dave@example.com' });
    await putDlqMessages(h.client, q.dlqUrl, [{ command }]);
    expect((await cli(h, ['dlq', 'replay', '--yes', '--no-move-task', ...q.flags])).code).toBe(0);
    await putDlqMessages(h.client, q.dlqUrl, [{ command }]);
    expect((await cli(h, ['dlq', 'replay', '--yes', '--no-move-task', ...q.flags])).code).toBe(0);
    const moved = await drainQueue(h.client, q.queueUrl);
    expect(moved.map(commandIdOf)).toEqual([command.id, command.id]);
    expect(moved[0]!.Attributes?.MessageDeduplicationId).not.toBe(moved[1]!.Attributes?.MessageDeduplicationId);
  });

  it('never lets a person overtake: when their first message stays, the later ones stay too', async () => {
    const { q, aliceCreate, aliceUpdate } = await seeded();
    // Only alice's update is selected, but it sits behind her create, which stays.
    const run = await cli(h, ['dlq', 'replay', '--id', aliceUpdate.id, '--yes', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/0 moved/);
    expect(await depth(q.queueUrl)).toBe(0);
    const left = await drainQueue(h.client, q.dlqUrl);
    expect(left.map(commandIdOf)).toContain(aliceCreate.id);
    expect(left.map(commandIdOf)).toContain(aliceUpdate.id);
  });

  it('--max moves at most n messages and leaves the rest readable', async () => {
    const q = await freshQueues(h);
    const commands = Array.from({ length: 12 }, (_, i) => makeCommand({ email: `p${i}@example.com` }));
    await putDlqMessages(
      h.client,
      q.dlqUrl,
      commands.map((command) => ({ command })),
    );
    const run = await cli(h, ['dlq', 'replay', '--max', '5', '--yes', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/Stopped at --max 5/);
    expect((await drainQueue(h.client, q.queueUrl)).length).toBe(5);
    expect((await drainQueue(h.client, q.dlqUrl)).length).toBe(7);
  });

  it('replaying everything never uses StartMessageMoveTask (it would keep the DLQ groups) and leaves permanent failures', async () => {
    const { q, bob } = await seeded();
    const run = await cli(h, ['dlq', 'replay', '--yes', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    expect(run.stderr()).not.toMatch(/StartMessageMoveTask/);
    expect(run.stderr()).toMatch(/Replay finished: 3 moved, 0 failed, 0 not selected, 1 permanent failure\(s\) left/);
    expect(run.stderr()).toMatch(/1 of the messages matching the filters are permanent failures \(ConflictError 1\)/);
    const moved = await drainQueue(h.client, q.queueUrl);
    expect(moved.length).toBe(3);
    // Every message back in its person's group, none in a DLQ group.
    for (const m of moved) expect(m.Attributes?.MessageGroupId).toBe(JSON.parse(m.Body!).email);
    expect((await drainQueue(h.client, q.dlqUrl)).map(commandIdOf)).toEqual([bob.id]);
  });

  it('--rate limits the pace and still moves everything', async () => {
    const q = await freshQueues(h);
    await putDlqMessages(
      h.client,
      q.dlqUrl,
      Array.from({ length: 6 }, (_, i) => ({ command: makeCommand({ email: `r${i}@example.com` }) })),
    );
    const run = await cli(h, ['dlq', 'replay', '--rate', '50/s', '--yes', '--no-move-task', ...q.flags]);
    expect(run.code, run.stderr()).toBe(0);
    expect((await drainQueue(h.client, q.queueUrl)).length).toBe(6);
  });

  it('an interrupted replay loses nothing: what was not moved is still in the DLQ, readable', async () => {
    const q = await freshQueues(h);
    const commands = Array.from({ length: 40 }, (_, i) => makeCommand({ email: `i${i % 8}@example.com` }));
    await putDlqMessages(
      h.client,
      q.dlqUrl,
      commands.map((command) => ({ command })),
    );
    const controller = new AbortController();
    // Stop after the first second's worth at 10/s.
    setTimeout(() => controller.abort(), 1000);
    const run = await cli(h, ['dlq', 'replay', '--rate', '10', '--yes', '--no-move-task', ...q.flags], {
      signal: controller.signal,
    });
    expect(run.code).toBe(130);
    expect(run.stderr()).toMatch(/interrupted after \d+ message\(s\) moved/);
    expect(run.stderr()).toMatch(/what to do: run the same command again/);
    const moved = await drainQueue(h.client, q.queueUrl);
    const left = await drainQueue(h.client, q.dlqUrl);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.length).toBeLessThan(40);
    expect(moved.length + left.length).toBe(40);
    expect(new Set([...moved, ...left].map(commandIdOf)).size).toBe(40);
  });

  it('an interrupted replay of an empty DLQ does not ask to run it again', async () => {
    const q = await freshQueues(h);
    const controller = new AbortController();
    controller.abort();
    const run = await cli(h, ['dlq', 'replay', '--yes', '--no-move-task', ...q.flags], { signal: controller.signal });
    // Interrupted is 130 (as through npx), even with nothing left; the output says there is nothing to do.
    expect(run.code, run.stderr()).toBe(130);
    expect(run.stderr()).toMatch(/Nothing is left in the DLQ/);
    expect(run.stderr()).not.toMatch(/run the same command again/);
  });

  it('Ctrl-C on a terminal: the bar stops first, the notice and the error each get a line of their own (exit 130)', async () => {
    const q = await freshQueues(h);
    await putDlqMessages(
      h.client,
      q.dlqUrl,
      Array.from({ length: 30 }, (_, i) => ({ command: makeCommand({ email: `t${i % 6}@example.com` }) })),
    );
    const controller = new AbortController();
    const captured = captureIo(h.env, { signal: controller.signal, stderrColumns: 200 });
    const running = runCli(['dlq', 'replay', '--rate', '5', '--yes', ...q.flags], captured.io);
    // Interrupt once the bar draws (what the person sees), as the terminal does: it echoes ^C where the cursor is.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (!captured.stderr().includes('replay [')) return;
        clearInterval(poll);
        captured.io.stderr.write('^C');
        controller.abort();
        resolve();
      }, 20);
    });
    const code = await running;
    expect(code).toBe(130);
    const screen = terminalScreen(captured.stderr()).filter((l) => l !== '');
    const notice = screen.indexOf('Stopping after the messages in flight (Ctrl-C again to quit at once)…');
    expect(notice, screen.join('\n')).toBeGreaterThan(0);
    // The bar's last state stays, above the notice, and nothing draws after it.
    expect(screen[notice - 1]).toMatch(/^replay \[.*\] \d+\/30 selected \| moved \d+/);
    expect(screen.slice(notice + 1).some((l) => l.startsWith('replay ['))).toBe(false);
    expect(screen.join('\n')).not.toContain('^C');
    // The error is a line of its own, with nothing of the bar glued to it.
    expect(screen).toContainEqual(
      expect.stringMatching(/^error: interrupted after \d+ message\(s\) moved; nothing in flight was lost$/),
    );
    expect(screen.at(-1)).toBe('what to do: run the same command again to continue with what is left');
  });

  describe('confirmation', () => {
    it('without --yes and without a terminal it is bad usage (exit 2) and says to pass --yes', async () => {
      const { q } = await seeded();
      const run = await cli(h, ['dlq', 'replay', ...q.flags]);
      expect(run.code).toBe(2);
      expect(run.stderr()).toMatch(/pass --yes to confirm/);
      expect(await depth(q.dlqUrl)).toBe(4);
    });

    it('on a terminal it shows the count and replays on "y"', async () => {
      const { q } = await seeded();
      const run = await cli(h, ['dlq', 'replay', '--status', '409', '--include-permanent', ...q.flags], {
        stdinIsTTY: true,
        answer: 'y',
      });
      expect(run.code, run.stderr()).toBe(0);
      expect(run.stderr()).toMatch(
        /Replay 1 of the 4 message\(s\) \(including 1 permanent failure\(s\): --include-permanent\) .*\[y\/N\]/,
      );
      expect(await depth(q.queueUrl)).toBe(1);
    });

    it('a "no" replays nothing, and is not an error (exit 0)', async () => {
      const { q } = await seeded();
      const run = await cli(h, ['dlq', 'replay', ...q.flags], { stdinIsTTY: true, answer: 'n' });
      expect(run.code, run.stderr()).toBe(0);
      expect(run.stderr()).toMatch(
        /Replay 3 of the 4 message\(s\) \(1 permanent failure\(s\) among the matches stay\)/,
      );
      expect(run.stderr()).toMatch(/Nothing replayed\./);
      expect(run.stderr()).not.toMatch(/error:/);
      expect(await depth(q.dlqUrl)).toBe(4);
      expect(await depth(q.queueUrl)).toBe(0);
    });
  });

  describe('bad usage exits 2', () => {
    it.each([[['--max', '0']], [['--max', 'ten']], [['--rate', 'fast']], [['--bogus']]])('%j', async (flags) => {
      const { q } = await seeded();
      const run = await cli(h, ['dlq', 'replay', ...flags, '--yes', ...q.flags]);
      expect(run.code).toBe(2);
      expect(run.stderr()).toMatch(/--help/);
      expect(await depth(q.dlqUrl)).toBe(4);
    });

    it('--dlq-url without --queue-url', async () => {
      const { q } = await seeded();
      const run = await cli(h, ['dlq', 'replay', '--yes', '--dlq-url', q.dlqUrl]);
      expect(run.code).toBe(2);
      expect(run.stderr()).toMatch(/pass --queue-url too/);
    });
  });
});

describe('replayMessages with a long poll (the default IDP_SYNC_RECEIVE_WAIT_SECONDS=1)', () => {
  it('finishes on an empty DLQ and once a seeded DLQ has nothing left to move', async () => {
    const empty = await freshQueues(h);
    const none = await replayMessages(h.client, {
      dlqUrl: empty.dlqUrl,
      queueUrl: empty.queueUrl,
      select: () => true,
      waitTimeSeconds: 1,
    });
    expect(none).toMatchObject({ moved: 0, skipped: 0, failed: 0, interrupted: false });

    const { q } = await seeded();
    const result = await replayMessages(h.client, {
      dlqUrl: q.dlqUrl,
      queueUrl: q.queueUrl,
      select: (entry) => (entry.httpStatus ?? 0) >= 500,
      waitTimeSeconds: 1,
    });
    expect(result).toMatchObject({ moved: 3, skipped: 1, failed: 0, interrupted: false });
    expect(await depth(q.queueUrl)).toBe(3);
  }, 30_000);

  it('does not move a command a second time when it fails again and comes back during the run', async () => {
    const { q, aliceCreate, aliceUpdate, bob, carol } = await seeded();
    // A worker that fails everything again: each replayed command goes back to the DLQ, as the worker writes it.
    const failAgain = async () => {
      for (const m of await drainQueue(h.client, q.queueUrl)) {
        await putDlqMessages(h.client, q.dlqUrl, [
          { command: JSON.parse(m.Body!), errorClass: 'ConflictError', httpStatus: 409, permanent: true },
        ]);
      }
    };
    let running = true;
    const worker = (async () => {
      while (running) {
        await failAgain();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    let result: Awaited<ReturnType<typeof replayMessages>>;
    try {
      result = await replayMessages(h.client, {
        dlqUrl: q.dlqUrl,
        queueUrl: q.queueUrl,
        select: () => true,
        includePermanent: true,
        waitTimeSeconds: 1,
        concurrency: 2,
      });
    } finally {
      running = false;
      await worker;
    }
    // What the replay moved after the worker's last pass fails too (the replay may finish before the worker runs).
    await failAgain();
    // Each of the four commands moved once; those that came back stayed in the DLQ.
    expect(result.moved).toBe(4);
    expect(result.failed).toBe(0);
    const left = await drainQueue(h.client, q.dlqUrl);
    expect(left.map(commandIdOf).sort()).toEqual([aliceCreate.id, aliceUpdate.id, bob.id, carol.id].sort());
  }, 30_000);
});
