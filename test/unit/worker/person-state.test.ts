import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { createStateTable } from '@idp-sync/contracts';
import { type LocalDynamoDb, localDynamoDbClient, startLocalDynamoDb } from '@idp-sync/local-stack';
import {
  BatchStateView,
  effectiveWatermark,
  PersonStateRepository,
  personKey,
  watermarkMs,
} from '@idp-sync/worker/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let ddb: LocalDynamoDb;
let repo: PersonStateRepository;
let client: ReturnType<typeof localDynamoDbClient>;
beforeAll(async () => {
  ddb = await startLocalDynamoDb();
  client = localDynamoDbClient(ddb);
  await createStateTable(client, 'state-test');
  await createStateTable(client, 'state-test'); // idempotent
  repo = new PersonStateRepository({ client, tableName: 'state-test' });
});
afterAll(async () => {
  await ddb.stop();
});

describe('person state (watermark)', () => {
  it('is undefined for a person never seen (cold)', async () => {
    expect(await repo.get('cold@example.com')).toBeUndefined();
  });

  it('moves the watermark forward and stores the id, status and unsupported attributes', async () => {
    const email = 'fwd@example.com';
    expect(
      await repo.recordApplied({
        email,
        commandId: 'c1',
        occurredAt: '2026-01-01T10:00:00Z',
        userId: 'u1',
        status: 'INVITED',
      }),
    ).toBe('written');
    expect(
      await repo.recordApplied({
        email,
        commandId: 'c2',
        occurredAt: '2026-01-01T11:00:00+00:00',
        unsupported: ['role'],
      }),
    ).toBe('written');
    expect(await repo.get(email)).toMatchObject({
      userId: 'u1',
      status: 'INVITED',
      watermark: '2026-01-01T11:00:00.000Z',
      lastCommandId: 'c2',
      unsupported: ['role'],
      unsupportedCommandId: 'c2',
    });
  });

  it('never moves the watermark backwards, whatever the offset notation', async () => {
    const email = 'back@example.com';
    await repo.recordApplied({ email, commandId: 'new', occurredAt: '2026-01-01T12:00:00+02:00', status: 'ACTIVE' });
    // 11:00Z is later than 12:00+02:00 (10:00Z) as an instant but earlier as a string: compared as instants.
    expect(
      await repo.recordApplied({ email, commandId: 'older', occurredAt: '2026-01-01T09:59:59Z', status: 'DELETED' }),
    ).toBe('superseded');
    expect(await repo.get(email)).toMatchObject({ lastCommandId: 'new', status: 'ACTIVE' });
    expect(await repo.recordApplied({ email, commandId: 'same', occurredAt: '2026-01-01T10:00:00Z' })).toBe('written');
  });

  it('lets only forward writes win when writers race', async () => {
    const email = 'race@example.com';
    const times = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2026, 0, 2, 0, 0, i)).toISOString());
    const shuffled = [...times].sort(() => Math.random() - 0.5);
    await Promise.all(shuffled.map((t) => repo.recordApplied({ email, commandId: t, occurredAt: t })));
    expect((await repo.get(email))?.watermarkMs).toBe(watermarkMs(times.at(-1) as string));
  });
});

describe('per-batch state view', () => {
  it('reads everyone at once, answers from memory, and follows its own writes', async () => {
    await repo.recordApplied({
      email: 'v1@example.com',
      commandId: 'a',
      occurredAt: '2026-01-01T10:00:00Z',
      userId: 'u1',
    });
    await repo.recordApplied({
      email: 'v2@example.com',
      commandId: 'b',
      occurredAt: '2026-01-01T10:00:00Z',
      userId: 'u2',
    });
    const many = await repo.getMany(['v1@example.com', 'v2@example.com', 'v3@example.com', 'v1@example.com']);
    expect([...many.keys()].sort()).toEqual(['v1@example.com', 'v2@example.com', 'v3@example.com']);
    expect(many.get('v3@example.com')).toBeUndefined();

    const view = new BatchStateView(repo);
    await view.prefetch(['v1@example.com', 'v2@example.com', 'v3@example.com']);
    // Removed behind the view's back: the view still answers from what it read (no second read per command).
    await client.send(
      new DeleteItemCommand({
        TableName: 'state-test',
        Key: { pk: { S: 'person#v2@example.com' }, sk: { S: 'state' } },
      }),
    );
    expect((await view.get('v2@example.com'))?.userId).toBe('u2');
    expect(await view.get('v3@example.com')).toBeUndefined();

    await view.recordApplied({
      email: 'v1@example.com',
      commandId: 'c',
      occurredAt: '2026-01-01T11:00:00Z',
      status: 'ACTIVE',
    });
    expect(await view.get('v1@example.com')).toMatchObject({ userId: 'u1', status: 'ACTIVE', lastCommandId: 'c' });

    // A write that lost is not trusted: the next read goes to DynamoDB.
    expect(
      await view.recordApplied({ email: 'v1@example.com', commandId: 'old', occurredAt: '2026-01-01T09:00:00Z' }),
    ).toBe('superseded');
    expect((await view.get('v1@example.com'))?.lastCommandId).toBe('c');
    expect(personKey('v1@example.com')).toEqual({ pk: 'person#v1@example.com', sk: 'state' });
  });
});

describe('a watermark from the future (issue #14)', () => {
  it('is read as suspect: bounded by when it was written + 1 min, and named with the command that set it', async () => {
    const writtenAt = new Date('2026-11-26T10:00:00.000Z');
    const past = new PersonStateRepository({ client, tableName: 'state-test', now: () => writtenAt });
    const email = 'poisoned@example.com';
    await past.recordApplied({ email, commandId: 'hr:msg_2099', occurredAt: '2099-01-01T00:00:00Z', status: 'ACTIVE' });
    const state = await repo.get(email);
    expect(effectiveWatermark(state, Date.now())).toEqual({
      ms: Date.parse('2026-11-26T10:01:00.000Z'),
      at: '2026-11-26T10:01:00.000Z',
      setBy: 'hr:msg_2099',
      suspectMs: Date.parse('2099-01-01T00:00:00Z'),
    });
    // An honest watermark is left alone.
    await past.recordApplied({ email: 'honest@example.com', commandId: 'c', occurredAt: '2026-11-26T10:00:30Z' });
    expect(effectiveWatermark(await repo.get('honest@example.com'), Date.now())).toEqual({
      ms: Date.parse('2026-11-26T10:00:30Z'),
      at: '2026-11-26T10:00:30.000Z',
      setBy: 'c',
    });
  });

  it('is replaced by an older write that names it, only while it is still the one stored', async () => {
    const email = 'replace@example.com';
    const suspect = Date.parse('2099-01-01T00:00:00Z');
    await repo.recordApplied({ email, commandId: 'hr:msg_2099', occurredAt: '2099-01-01T00:00:00Z' });
    // Without naming it, an older write loses, as always.
    expect(await repo.recordApplied({ email, commandId: 'a', occurredAt: '2026-11-26T10:05:00Z' })).toBe('superseded');
    expect(
      await repo.recordApplied({
        email,
        commandId: 'b',
        occurredAt: '2026-11-26T10:05:00Z',
        replacesWatermarkMs: suspect,
      }),
    ).toBe('written');
    expect(await repo.get(email)).toMatchObject({ lastCommandId: 'b', watermark: '2026-11-26T10:05:00.000Z' });
    // Someone replaced it first: a racing writer that read the suspect one cannot move the watermark back.
    expect(
      await repo.recordApplied({
        email,
        commandId: 'c',
        occurredAt: '2026-11-26T10:04:00Z',
        replacesWatermarkMs: suspect,
      }),
    ).toBe('superseded');
    expect((await repo.get(email))?.lastCommandId).toBe('b');
  });
});
