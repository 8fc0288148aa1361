import { setTimeout as sleep } from 'node:timers/promises';
import type { ProvisioningCommand } from '@idp-sync/contracts';
import type { HttpRequest } from '@idp-sync/http';
import { IdentityLinkRepository } from '@idp-sync/worker/state';
import { describe, expect, it } from 'vitest';
import {
  bambooRequest,
  hrRequest,
  oktaRequest,
  oktaUserEvent,
  testApp,
  workosRequest,
  workosUserEvent,
} from '../../helpers/webhooks';
import { type Pipeline, pipeline, recordingLogger, TABLE_NAME, useWorkerStack } from '../../helpers/worker/harness';
import { command, sqsEvent, sqsRecord } from '../../helpers/worker/records';

// Issue #14, "a directory email change leaves the old account alive": the Users API keys people by email and cannot
// change it, so the worker follows each source's stable id to the email the person was provisioned with. Each case
// goes through the real ingest adapters (the commands they build) and the real worker against dynalite and the
// Users API emulator.

const stack = useWorkerStack();
let n = 0;
const tag = () => `${++n}${Date.now().toString(36)}`;
const time = (minute: number) => new Date(Date.UTC(2026, 10, 26, 8, minute, 0)).toISOString();

/** The commands one signed request turns into, through the real ingest app. */
async function ingest(request: HttpRequest): Promise<ProvisioningCommand[]> {
  const { app, sender } = testApp();
  const response = await app.handle(request);
  expect(response.statusCode, response.body).toBeLessThan(300);
  return sender.sent;
}

/** Queues the commands and lets the worker apply them one at a time, in this order (as a person's events arrive). */
async function applyInOrder(p: Pipeline, commands: ProvisioningCommand[]) {
  const outcomes = [];
  for (const c of commands) {
    await p.enqueue([c]);
    const report = await p.processNext();
    outcomes.push(...(report?.outcomes ?? []));
    Object.assign(counts, report?.counts);
  }
  return outcomes;
}
const counts: Record<string, number> = {};

interface Life {
  /** The person's first address, the one provisioned. */
  old: string;
  /** The address the source changes it to. */
  next: string;
  join(): Promise<ProvisioningCommand[]>;
  changeEmail(): Promise<ProvisioningCommand[]>;
  leave(): Promise<ProvisioningCommand[]>;
  /** A join under the new address after the leave (a return), or undefined when the source has none. */
  rejoin?(): Promise<ProvisioningCommand[]>;
}

const lives: Record<string, () => Life> = {
  workos: () => {
    const t = tag();
    const old = `lela.${t}@example.com`;
    const next = `lela.block.${t}@example.com`;
    const userId = `directory_user_${t.toUpperCase()}`;
    const event = (minute: number, init: Parameters<typeof workosUserEvent>[0]) => {
      const e = workosUserEvent(init);
      return workosRequest({ ...e, created_at: time(minute), data: { ...(e.data as object), id: userId } });
    };
    return {
      old,
      next,
      join: () => ingest(event(1, { event: 'dsync.user.created', email: old })),
      changeEmail: () =>
        ingest(
          event(2, { event: 'dsync.user.updated', email: next, lastName: 'Block-Smith', previous: { email: old } }),
        ),
      leave: () => ingest(event(3, { event: 'dsync.user.updated', email: next, state: 'inactive' })),
      rejoin: () => ingest(event(5, { event: 'dsync.user.created', email: next })),
    };
  },
  okta: () => {
    const t = tag();
    const old = `ada.${t}@example.com`;
    const next = `ada.lovelace.${t}@example.com`;
    const userId = `00u${t}`;
    const event = (minute: number, eventType: string, email: string, name = 'Ada Lovelace') =>
      oktaRequest([oktaUserEvent({ eventType, email, name, userId, published: time(minute) })]);
    return {
      old,
      next,
      join: () => ingest(event(1, 'user.lifecycle.create', old, 'Ada')),
      changeEmail: () => ingest(event(2, 'user.account.update_profile', next)),
      leave: () => ingest(event(3, 'user.lifecycle.deactivate', next)),
      rejoin: () => ingest(event(5, 'user.lifecycle.reactivate', next)),
    };
  },
  hr: () => {
    const t = tag();
    const old = `grace.${t}@example.com`;
    const next = `grace.hopper.${t}@example.com`;
    const employeeId = `E-${t}`;
    const event = (minute: number, type: string, data: object) =>
      hrRequest({ type, timestamp: time(minute), data: { ...data, employeeId } });
    return {
      old,
      next,
      join: () => ingest(event(1, 'user.joined', { email: old, name: 'Grace' })),
      changeEmail: () => ingest(event(2, 'user.updated', { email: next, name: 'Grace Hopper' })),
      leave: () => ingest(event(3, 'user.left', { email: next })),
      rejoin: () => ingest(event(5, 'user.joined', { email: next, name: 'Grace Hopper' })),
    };
  },
  bamboohr: () => {
    const t = tag();
    const old = `bryony.${t}@example.com`;
    const next = `bryony.hart.${t}@example.com`;
    const id = `9${t.replace(/\D/g, '')}`;
    const event = (minute: number, action: string, email: string, status = 'Active') =>
      bambooRequest({
        employees: [
          {
            id,
            action,
            timestamp: time(minute),
            changedFields: ['Work Email'],
            fields: { 'First Name': 'Bryony', 'Last Name': 'Hart', 'Work Email': email, Status: status },
          },
        ],
      });
    return {
      old,
      next,
      join: () => ingest(event(1, 'Created', old)),
      changeEmail: () => ingest(event(2, 'Updated', next)),
      leave: () => ingest(event(3, 'Updated', next, 'Inactive')),
      rejoin: () => ingest(event(5, 'Created', next)),
    };
  },
};

describe.each(Object.keys(lives))('%s: an email change, then a leave under the new address', (source) => {
  it('deletes the account that exists (the old address), records the change as unsupported, re-creates nothing', async () => {
    const life = lives[source]?.() as Life;
    const logger = recordingLogger();
    const p = await pipeline(stack(), { logger });
    for (const key of Object.keys(counts)) delete counts[key];

    await applyInOrder(p, await life.join());
    const account = stack().emulator.state.findByEmail(life.old);
    expect(account?.status).toBe('INVITED');

    const change = await applyInOrder(p, await life.changeEmail());
    expect(change).toEqual([expect.objectContaining({ kind: 'applied', action: 'update', unsupported: ['email'] })]);
    expect((await stack().state.get(life.old))?.unsupported).toEqual(['email']);

    const leave = await applyInOrder(p, await life.leave());
    expect(leave).toEqual([expect.objectContaining({ kind: 'applied', action: 'delete', detail: 'deleted' })]);
    expect(stack().emulator.state.findByEmail(life.old)).toMatchObject({ id: account?.id, status: 'DELETED' });
    // Never a delete and re-create: nobody was ever made under the new address.
    expect(stack().emulator.state.findByEmail(life.next)).toBeUndefined();
    expect(stack().emulator.state.users()).toHaveLength(1);
    expect(await p.deadLetters()).toEqual([]);

    // Visible to on-call without an address in the line: the metric and a warning naming the source and command.
    expect(counts.EmailChangesFollowed).toBeGreaterThanOrEqual(1);
    const followed = logger.entries.filter((e) => e.message.startsWith('the source names this person by another'));
    expect(followed.length).toBeGreaterThanOrEqual(1);
    for (const entry of followed) {
      expect(entry.extra).toMatchObject({ source });
      expect(JSON.stringify(entry.extra)).not.toContain('@');
    }
    await p.close();
  });

  it('a later join under the new address: follows a live account, and is a return once the account was deleted', async () => {
    const life = lives[source]?.() as Life;
    if (!life.rejoin) return;
    const p = await pipeline(stack());
    await applyInOrder(p, await life.join());
    await applyInOrder(p, await life.changeEmail());
    const first = stack().emulator.state.findByEmail(life.old);
    await applyInOrder(p, await life.leave());

    const back = await applyInOrder(p, await life.rejoin());
    expect(back).toEqual([expect.objectContaining({ kind: 'applied', action: 'create', identity: 'moved' })]);
    expect(stack().emulator.state.findByEmail(life.next)?.status).toBe('INVITED');
    expect(stack().emulator.state.findByEmail(life.old)).toMatchObject({ id: first?.id, status: 'DELETED' });

    // The id now leads to the new account: the next leave, under either address, deletes it.
    const again = (await life.leave()).map((c) => ({
      ...c,
      id: `${c.id}:again`,
      occurredAt: time(6),
      email: life.old,
    }));
    await applyInOrder(p, again);
    expect(stack().emulator.state.findByEmail(life.next)?.status).toBe('DELETED');
    expect(await p.deadLetters()).toEqual([]);
    await p.close();
  });
});

describe('Okta: what can interleave once a person’s commands are under two addresses (two FIFO groups)', () => {
  const okta = (userId: string, minute: number, eventType: string, email: string) =>
    ingest(oktaRequest([oktaUserEvent({ eventType, email, userId, published: time(minute) })]));

  it('a join still in flight under the old address when the leave under the new one lands: nobody keeps access', async () => {
    const t = tag();
    const [old, next, id] = [`late.${t}@example.com`, `late.new.${t}@example.com`, `00u${t}`];
    const p = await pipeline(stack());
    const join = await okta(id, 1, 'user.lifecycle.create', old);
    const change = await okta(id, 2, 'user.account.update_profile', next);
    const leave = await okta(id, 3, 'user.lifecycle.deactivate', next);

    // The new address's group runs first: the update finds nobody (DLQ), the leave finds nobody (nothing to delete).
    const early = await applyInOrder(p, [...change, ...leave]);
    expect(early.map((o) => o.kind)).toEqual(['dead-lettered', 'applied']);
    // Then the join of the old group arrives: older than the leave recorded for this id, it is stale.
    expect(await applyInOrder(p, join)).toEqual([expect.objectContaining({ kind: 'stale' })]);
    expect(stack().emulator.state.users()).toEqual([]);

    // A replay of the dead-lettered update (as `idp-sync dlq replay` sends it back) changes nothing either.
    const replay = await p.worker.processBatchWithReport(sqsEvent(change.map((c) => sqsRecord(c))));
    expect(replay.outcomes).toEqual([expect.objectContaining({ kind: 'stale' })]);
    expect(stack().emulator.state.users()).toEqual([]);
    await p.close();
  });

  it('a join whose Users API call is in flight while a newer leave completes: the account it made is deleted', async () => {
    const t = tag();
    const [old, next, id] = [`race.${t}@example.com`, `race.new.${t}@example.com`, `00u${t}`];
    // The create is held 4 s by the emulator (a slow API): time enough for the leave, even on a loaded machine.
    const p = await pipeline(stack(), { config: { usersApiTimeoutMs: 15_000, usersApiRetryBudgetMs: 15_000 } });
    const [join] = await okta(id, 1, 'user.lifecycle.create', old);
    const [leave] = await okta(id, 3, 'user.lifecycle.deactivate', next);
    stack().emulator.state.setFaults({ latencyMs: 4000, operations: ['users.create'] });

    const joining = p.worker.processBatchWithReport(sqsEvent([sqsRecord(join as ProvisioningCommand)]));
    // The join claims the id before its create call; once it has (and the call is on the wire, held by the
    // emulator's latency), the leave runs in the other group.
    const links = new IdentityLinkRepository({ client: stack().dynamoClient, tableName: TABLE_NAME });
    for (let i = 0; i < 100 && !(await links.get({ source: 'okta', sourceUserId: id })); i++) await sleep(20);
    await sleep(300);
    const left = await p.worker.processBatchWithReport(sqsEvent([sqsRecord(leave as ProvisioningCommand)]));
    expect(left.outcomes[0]).toMatchObject({ kind: 'applied', detail: 'already-gone', identity: 'followed' });
    const joined = await joining;
    expect(joined.outcomes[0]).toMatchObject({ kind: 'stale', detail: 'undone-by-newer-leave' });
    expect(stack().emulator.state.findByEmail(old)?.status).toBe('DELETED');
    stack().emulator.state.setFaults(undefined);
    await p.close();
  }, 30_000);

  it('nobody else loses access: an id whose first command names another id’s address never takes that account', async () => {
    const t = tag();
    const [ada, careless] = [`owner.${t}@example.com`, `other.${t}@example.com`];
    const p = await pipeline(stack());
    await applyInOrder(p, await okta(`00uA${t}`, 1, 'user.lifecycle.create', ada));
    // Another Okta user's first event names Ada's address (a directory mistake, or a hostile sender).
    const mistaken = await applyInOrder(p, await okta(`00uB${t}`, 2, 'user.account.update_profile', ada));
    expect(mistaken[0]).toMatchObject({ identity: 'refused' });
    // That user's later leave under their own address deletes nothing of Ada's.
    await applyInOrder(p, await okta(`00uB${t}`, 3, 'user.lifecycle.deactivate', careless));
    expect(stack().emulator.state.findByEmail(ada)?.status).toBe('INVITED');
    await p.close();
  });
});

describe('people provisioned before stable ids existed', () => {
  it('WorkOS: an email change keyed on the previous address links the id there, so the leave finds the account', async () => {
    const t = tag();
    const [old, next] = [`before.${t}@example.com`, `before.new.${t}@example.com`];
    const p = await pipeline(stack());
    // Provisioned by a command without an id (as every command before this release was).
    await applyInOrder(p, [command({ source: 'workos', action: 'create', email: old, occurredAt: time(0) })]);
    const event = (minute: number, init: Parameters<typeof workosUserEvent>[0]) => {
      const e = workosUserEvent(init);
      return workosRequest({ ...e, created_at: time(minute), data: { ...(e.data as object), id: `dir_${t}` } });
    };
    await applyInOrder(
      p,
      await ingest(event(2, { event: 'dsync.user.updated', email: next, previous: { email: old } })),
    );
    await applyInOrder(p, await ingest(event(3, { event: 'dsync.user.updated', email: next, state: 'inactive' })));
    expect(stack().emulator.state.findByEmail(old)?.status).toBe('DELETED');
    expect(stack().emulator.state.findByEmail(next)).toBeUndefined();
    await p.close();
  });
});
