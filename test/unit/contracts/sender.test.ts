import type { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import {
  checkCommand,
  createSqsCommandSender,
  deduplicationIdFor,
  type ProvisioningCommand,
  ProvisioningCommandSchema,
  QueueSendError,
} from '@idp-sync/contracts';
import { isCheckedCommand } from '@idp-sync/contracts/command';
import { InvalidCommandError } from '@idp-sync/contracts/queue';
import { buildCommand } from '@idp-sync/webhooks/sources';
import { afterEach, describe, expect, it, vi } from 'vitest';

function command(i: number, email = `person${i}@example.com`): ProvisioningCommand {
  return {
    v: 1,
    id: `hr:msg_${i}`,
    source: 'hr',
    sourceEventType: 'user.left',
    occurredAt: '2026-11-26T10:00:00.000Z',
    receivedAt: '2026-11-26T10:00:01.000Z',
    action: 'delete',
    email,
  };
}

type Entry = { Id: string; MessageBody: string; MessageGroupId: string; MessageDeduplicationId: string };
type Reply = (entries: Entry[], call: number) => object | Promise<object>;

function fakeSqs(reply: Reply) {
  const calls: Entry[][] = [];
  return {
    calls,
    client: {
      send: async (cmd: SendMessageBatchCommand) => {
        const entries = cmd.input.Entries as Entry[];
        calls.push(entries);
        return reply(entries, calls.length);
      },
    } as never,
  };
}

const allOk: Reply = (entries) => ({ Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] });
const noSleep = async () => {};

describe('createSqsCommandSender', () => {
  it('sends ten per SendMessageBatch, grouped by person and deduplicated by command id and content', async () => {
    const sqs = fakeSqs(allOk);
    const sender = createSqsCommandSender({ client: sqs.client, queueUrl: 'q', sleep: noSleep });
    await sender.send(Array.from({ length: 25 }, (_, i) => command(i)));
    expect(sqs.calls.map((c) => c.length).sort()).toEqual([10, 10, 5]);
    const first = sqs.calls.flat().find((e) => JSON.parse(e.MessageBody).id === 'hr:msg_0')!;
    expect(first.MessageGroupId).toBe('person0@example.com');
    expect(first.MessageDeduplicationId).toBe(deduplicationIdFor(command(0)));
  });

  it('retries only the entries SQS reports as Failed', async () => {
    const sqs = fakeSqs((entries, call) =>
      call === 1
        ? {
            Successful: entries.slice(1).map((e) => ({ Id: e.Id })),
            Failed: [{ Id: entries[0]!.Id, Code: 'InternalError', SenderFault: false }],
          }
        : allOk(entries, call),
    );
    const sender = createSqsCommandSender({ client: sqs.client, queueUrl: 'q', sleep: noSleep });
    await sender.send([command(1), command(2), command(3)]);
    expect(sqs.calls.map((c) => c.length)).toEqual([3, 1]);
  });

  it('rejects when entries still fail after the last attempt, or when SQS throws', async () => {
    const failing = fakeSqs((entries) => ({
      Successful: [],
      Failed: entries.map((e) => ({ Id: e.Id, Code: 'ServiceUnavailable', SenderFault: false })),
    }));
    const sender = createSqsCommandSender({ client: failing.client, queueUrl: 'q', maxAttempts: 3, sleep: noSleep });
    const error = await sender.send([command(1), command(2)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueSendError);
    expect(error).toMatchObject({ failed: 2, total: 2, codes: ['ServiceUnavailable'] });
    expect(failing.calls).toHaveLength(3);

    const throwing = fakeSqs(() => {
      throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $fault: 'server' });
    });
    const s2 = createSqsCommandSender({ client: throwing.client, queueUrl: 'q', maxAttempts: 2, sleep: noSleep });
    await expect(s2.send([command(1)])).rejects.toMatchObject({ failed: 1, codes: ['TimeoutError'] });
  });

  it('does not retry errors another attempt cannot fix', async () => {
    const missing = fakeSqs(() => {
      throw Object.assign(new Error('no queue'), { name: 'QueueDoesNotExist', $fault: 'client' });
    });
    const sender = createSqsCommandSender({ client: missing.client, queueUrl: 'q', sleep: noSleep });
    await expect(sender.send([command(1)])).rejects.toBeInstanceOf(QueueSendError);
    expect(missing.calls).toHaveLength(1);
    const senderFault = fakeSqs((entries) => ({
      Successful: [],
      Failed: entries.map((e) => ({ Id: e.Id, Code: 'InvalidParameterValue', SenderFault: true })),
    }));
    await expect(
      createSqsCommandSender({ client: senderFault.client, queueUrl: 'q', sleep: noSleep }).send([command(1)]),
    ).rejects.toBeInstanceOf(QueueSendError);
    expect(senderFault.calls).toHaveLength(1);
  });

  it('treats an entry SQS reports neither way as not sent', async () => {
    const silent = fakeSqs(() => ({ Successful: [], Failed: [] }));
    const sender = createSqsCommandSender({ client: silent.client, queueUrl: 'q', maxAttempts: 2, sleep: noSleep });
    await expect(sender.send([command(1)])).rejects.toBeInstanceOf(QueueSendError);
  });

  it('validates every command before sending anything', async () => {
    const sqs = fakeSqs(allOk);
    const sender = createSqsCommandSender({ client: sqs.client, queueUrl: 'q', sleep: noSleep });
    await expect(sender.send([command(1), command(2, 'not-an-email')])).rejects.toBeInstanceOf(InvalidCommandError);
    expect(sqs.calls).toEqual([]);
    await sender.send([]);
    expect(sqs.calls).toEqual([]);
  });
});

describe('createSqsCommandSender and checked commands', () => {
  afterEach(() => vi.restoreAllMocks());

  const { v: _v, ...draft } = command(7, ' Person7@Example.com ');

  it('sends commands the adapters built (checked once, frozen) without parsing them again', async () => {
    const built = Array.from({ length: 12 }, (_, i) => buildCommand({ ...draft, id: `hr:msg_7:${i}` }));
    expect(built.every(isCheckedCommand)).toBe(true);
    expect(Object.isFrozen(built[0])).toBe(true);
    const parse = vi.spyOn(ProvisioningCommandSchema, 'safeParse');
    const sqs = fakeSqs(allOk);
    await createSqsCommandSender({ client: sqs.client, queueUrl: 'q', sleep: noSleep }).send(built);
    expect(parse).not.toHaveBeenCalled();
    expect(sqs.calls.flat().map((e) => JSON.parse(e.MessageBody))).toEqual(built);
  });

  it('validates (and normalises) any other command: one read back from a store, one built by hand', async () => {
    const stored = JSON.parse(JSON.stringify(buildCommand({ ...draft, name: 'Person Seven' }))) as ProvisioningCommand;
    expect(isCheckedCommand(stored)).toBe(false);
    const byHand = { ...command(8), email: ' Person8@Example.COM ' };
    const parse = vi.spyOn(ProvisioningCommandSchema, 'safeParse');
    const sqs = fakeSqs(allOk);
    await createSqsCommandSender({ client: sqs.client, queueUrl: 'q', sleep: noSleep }).send([stored, byHand]);
    expect(parse).toHaveBeenCalledTimes(2);
    const entries = sqs.calls.flat();
    expect(entries.map((e) => e.MessageGroupId)).toEqual(['person7@example.com', 'person8@example.com']);
    expect(JSON.parse(entries[1]!.MessageBody).email).toBe('person8@example.com');
  });

  it('never sends a command that was changed or forged after it was checked', async () => {
    const checked = checkCommand({ ...command(9) });
    if (!checked.success) throw new Error('fixture must be valid');
    expect(() => {
      (checked.data as { email: string }).email = 'not-an-email';
    }).toThrow(TypeError);
    const copy = { ...checked.data, action: 'promote' } as unknown as ProvisioningCommand;
    const sqs = fakeSqs(allOk);
    const sender = createSqsCommandSender({ client: sqs.client, queueUrl: 'q', sleep: noSleep });
    await expect(sender.send([checked.data, copy])).rejects.toThrow(/command 1 breaks the contract/);
    expect(sqs.calls).toEqual([]);
  });
});
