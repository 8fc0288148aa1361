// Regression tests from the adversarial review of issue #14: both failed before the fixes (a leave that follows a link also deletes the address it names; SCIM fingerprints leave out the receipt time).
import { deduplicationIdFor, type ProvisioningCommand } from '@idp-sync/contracts';
import type { HttpRequest } from '@idp-sync/http';
import { planCommands } from '@idp-sync/scim/service';
import { describe, expect, it } from 'vitest';

import { hrRequest, testApp } from '../../helpers/webhooks';
import { pipeline, useWorkerStack } from '../../helpers/worker/harness';
import { command } from '../../helpers/worker/records';

const stack = useWorkerStack();
async function ingest(request: HttpRequest): Promise<ProvisioningCommand[]> {
  const { app, sender } = testApp();
  const response = await app.handle(request);
  expect(response.statusCode, response.body).toBeLessThan(300);
  return sender.sent;
}
const time = (minute: number) => new Date(Date.UTC(2026, 10, 26, 8, minute, 0)).toISOString();

describe('review #14: a first command that names a wrong address links the id there for good', () => {
  it('HR: an update with a mistyped (or hostile) address, then the real leave: the person keeps access', async () => {
    const t = Date.now().toString(36);
    const victim = `victim.${t}@example.com`;
    const employeeId = `E-${t}`;
    const p = await pipeline(stack());
    // Provisioned before stable ids existed (no link yet).
    await p.enqueue([command({ source: 'hr', action: 'create', email: victim, occurredAt: time(0) })]);
    await p.processNext();
    expect(stack().emulator.state.findByEmail(victim)?.status).toBe('INVITED');

    // One HR delivery naming the victim's employeeId with another address (a typo, or anyone holding the HR secret).
    const typo = await ingest(
      hrRequest({
        type: 'user.updated',
        timestamp: time(1),
        data: { employeeId, email: `decoy.${t}@example.com`, name: 'X' },
      }),
    );
    await p.enqueue(typo);
    await p.processNext();

    // The real leave, under the victim's own address and id.
    const leave = await ingest(
      hrRequest({ type: 'user.left', timestamp: time(2), data: { employeeId, email: victim } }),
    );
    await p.enqueue(leave);
    const left = await p.processNext();
    // Today: `applied`, `already-gone`, identity `followed` — the leave went to the decoy address.
    expect(left?.outcomes[0]).toMatchObject({ action: 'delete' });
    // The source said: the person at `victim` left. Their account must not stay.
    expect(stack().emulator.state.findByEmail(victim)?.status).toBe('DELETED');
    await p.close();
  });
});

describe('review #14: an Entra retry of a rolled-back SCIM request', () => {
  it('keeps its command id but not its content: SQS no longer deduplicates it and the worker dead-letters it', async () => {
    const t = Date.now().toString(36);
    const email = `scim.${t}@example.com`;
    const before = {
      id: `sc-${t}`,
      userName: email,
      externalId: undefined,
      resource: { userName: email, active: true },
      active: true,
      personEmail: email,
      provisioned: true,
      lastModified: time(0),
      version: 3,
      outbox: [],
      pointerKeys: [],
      state: 'live',
    } as never;
    const input = (receivedAt: string) =>
      planCommands({
        kind: 'patch',
        scimId: `sc-${t}`,
        before,
        after: { resource: { userName: email, active: false }, active: false },
        requestContent: 'PATCH active=false',
        occurredAt: receivedAt,
        receivedAt,
      } as never).commands;
    const [first] = input(time(1)); // queued, but SendMessage reported a failure: rolled back, 503
    const [retry] = input(time(2)); // Entra's retry a minute later, same stored state
    expect(first?.id).toBe(retry?.id);
    // Before the merge SQS dropped the retry within 5 min (dedup id = hash(id)); now the ids differ by occurredAt.
    expect(deduplicationIdFor(first!)).toBe(deduplicationIdFor(retry!));

    const p = await pipeline(stack());
    await p.enqueue([command({ source: 'scim', action: 'create', email, occurredAt: time(0) })]);
    await p.processNext();
    await p.enqueue([first!]);
    await p.processNext();
    await p.enqueue([retry!]);
    const second = await p.processNext();
    expect(second?.outcomes[0]?.kind).not.toBe('dead-lettered');
    await p.close();
  });
});
