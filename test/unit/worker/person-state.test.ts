import { type LocalDynamoDb, localDynamoDbClient, startLocalDynamoDb } from '@idp-sync/local-stack';
import { createStateTable, PersonStateRepository, watermarkMs } from '@idp-sync/provisioning';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let ddb: LocalDynamoDb;
let repo: PersonStateRepository;
beforeAll(async () => {
  ddb = await startLocalDynamoDb();
  const client = localDynamoDbClient(ddb);
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

  it('caches a looked-up id without moving the watermark, and forgets it', async () => {
    const email = 'cache@example.com';
    await repo.recordApplied({ email, commandId: 'c', occurredAt: '2026-01-01T10:00:00Z' });
    await repo.rememberUser(email, { userId: 'u9', status: 'ACTIVE' });
    expect(await repo.get(email)).toMatchObject({
      userId: 'u9',
      status: 'ACTIVE',
      watermark: '2026-01-01T10:00:00.000Z',
    });
    await repo.rememberUser(email, { userId: null });
    expect((await repo.get(email))?.userId).toBeUndefined();
  });
});
