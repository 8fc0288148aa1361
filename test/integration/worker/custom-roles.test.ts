import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline, startWorkerStack, type WorkerStack } from '../../helpers/worker/harness';
import { command } from '../../helpers/worker/records';

// Issue #18: the worker assigns a custom RBAC role at create, against the emulator's role registry.

let stack: WorkerStack;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@roles.example`;

beforeAll(async () => {
  stack = await startWorkerStack({ customRoles: [{ id: 'Um9sZToz', name: 'Data Scientist' }] });
});
afterAll(async () => {
  await stack.stop();
});

describe('custom roles at create', () => {
  it('a create with a custom role the account has: the user has it, with an explicit developer flag', async () => {
    const p = await pipeline(stack);
    const [a, b] = [email('custom'), email('custom-dev')];
    await p.enqueue([
      command({ action: 'create', email: a, customRoleId: 'Um9sZToz' }),
      command({ action: 'create', email: b, customRoleId: 'Um9sZToz', isDeveloper: true }),
    ]);
    while ((await p.processNext()) !== undefined);
    expect(stack.emulator.state.findByEmail(a)).toMatchObject({
      role: { type: 'CUSTOM', id: 'Um9sZToz', name: 'Data Scientist' },
      isDeveloper: false,
    });
    expect(stack.emulator.state.findByEmail(b)?.isDeveloper).toBe(true);
    await p.close();
  });

  it('a role the account does not have: dead-lettered CustomRoleUnknown with what to do, not retried', async () => {
    const p = await pipeline(stack);
    const who = email('unknown');
    await p.enqueue([command({ action: 'create', email: who, customRoleId: 'Um9sZTo5' })]);
    const [report] = [await p.processNext()];
    expect(report?.outcomes[0]).toMatchObject({
      kind: 'dead-lettered',
      errorClass: 'CustomRoleUnknown',
      httpStatus: 422,
    });
    const [letter] = await p.deadLetters();
    expect(letter?.attributes.errorMessage).toMatch(/no such role — create it in the account/);
    expect(stack.emulator.state.findByEmail(who)).toBeUndefined();
    await p.close();
  });

  it('a role change after the create is recorded as unsupported, never applied (no delete and re-create)', async () => {
    const p = await pipeline(stack);
    const who = email('changed');
    await p.enqueue([command({ action: 'create', email: who, role: 'MEMBER' })]);
    while ((await p.processNext()) !== undefined);
    await p.enqueue([command({ action: 'update', email: who, customRoleId: 'Um9sZToz' })]);
    const [report] = [await p.processNext()];
    // (The update's name is applied; the role is recorded, not applied.)
    expect(report?.outcomes[0]).toMatchObject({ kind: 'applied', action: 'update', unsupported: ['role'] });
    expect(report?.counts.UnsupportedAttributes).toBe(1);
    expect(stack.emulator.state.findByEmail(who)).toMatchObject({ role: { type: 'PREDEFINED', name: 'MEMBER' } });
    expect(stack.emulator.state.findByEmail(who)?.deletedAt).toBeUndefined();
    await p.close();
  });
});
