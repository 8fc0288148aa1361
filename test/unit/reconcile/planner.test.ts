import type { DirectoryPerson } from '@idp-sync/contracts';
import { type ApiUserView, type ManagedView, planReconcile } from '@idp-sync/reconcile';
import { describe, expect, it } from 'vitest';

const person = (email: string, extra: Partial<DirectoryPerson> = {}): DirectoryPerson => ({
  email,
  active: true,
  ...extra,
});
const user = (email: string, name = 'Someone', status: ApiUserView['status'] = 'ACTIVE'): ApiUserView => ({
  id: `u-${email}`,
  email,
  name,
  status,
});
const managed = (entries: Record<string, ManagedView['status']>) =>
  new Map(Object.entries(entries).map(([email, status]) => [email, status === undefined ? {} : { status }]));

describe('planReconcile: one row per person that needs something, by category', () => {
  const plan = planReconcile({
    directory: [
      person('new@example.com', { name: 'New Person', role: 'ANNOTATOR' }),
      person('renamed@example.com', { name: 'Renamed Now' }),
      person('same@example.com', { name: 'Same' }),
      person('adopt@example.com', { name: 'Adopt Me' }),
      person('gone-inactive@example.com', { active: false }),
      person('terminal@example.com', { name: 'Came Back' }),
      person('unmanaged-inactive@example.com', { active: false }),
    ],
    usersApi: [
      user('renamed@example.com', 'Renamed Before'),
      user('same@example.com', 'Same'),
      user('adopt@example.com', 'Adopt Me', 'INVITED'),
      user('gone-inactive@example.com'),
      user('gone-absent@example.com'),
      user('unmanaged-absent@example.com'),
      user('unmanaged-inactive@example.com'),
    ],
    managed: managed({
      'renamed@example.com': 'ACTIVE',
      'same@example.com': 'ACTIVE',
      'gone-inactive@example.com': 'ACTIVE',
      'gone-absent@example.com': 'INVITED',
      'terminal@example.com': 'DELETED',
    }),
  });

  it('counts first', () => {
    expect(plan.counts).toEqual({
      create: 1,
      update: 1,
      adopt: 1,
      delete: 2,
      unmanaged: 2,
      terminal: 1,
      inSync: 1,
      outOfScope: 0,
      directory: 7,
      usersApi: 7,
    });
  });

  it('then rows, sorted by action and email, each with why', () => {
    expect(plan.rows.map((r) => [r.action, r.email])).toEqual([
      ['create', 'new@example.com'],
      ['update', 'renamed@example.com'],
      ['adopt', 'adopt@example.com'],
      ['delete', 'gone-absent@example.com'],
      ['delete', 'gone-inactive@example.com'],
      ['unmanaged', 'unmanaged-absent@example.com'],
      ['unmanaged', 'unmanaged-inactive@example.com'],
      ['terminal', 'terminal@example.com'],
    ]);
    expect(plan.rows[0]).toMatchObject({ name: 'New Person', role: 'ANNOTATOR' });
    expect(plan.rows[1]).toMatchObject({
      name: 'Renamed Now',
      currentName: 'Renamed Before',
      userId: 'u-renamed@example.com',
    });
    expect(plan.rows.find((r) => r.action === 'terminal')?.reason).toMatch(/another address/);
    expect(plan.rows.find((r) => r.email === 'unmanaged-absent@example.com')?.reason).toMatch(/--delete-unmanaged/);
  });

  it('deletes unmanaged users only when asked', () => {
    const asked = planReconcile({
      directory: [person('x@example.com')],
      usersApi: [user('x@example.com'), user('stray@example.com')],
      managed: managed({ 'x@example.com': 'ACTIVE' }),
      deleteUnmanaged: true,
    });
    expect(asked.rows).toEqual([
      expect.objectContaining({
        action: 'delete',
        email: 'stray@example.com',
        reason: expect.stringMatching(/--delete-unmanaged/),
      }),
    ]);
  });
});

describe('planReconcile: scope, case, and what is never planned', () => {
  it('keeps to the email domains in scope, on both sides', () => {
    const plan = planReconcile({
      directory: [person('a@example.com'), person('b@other.example')],
      usersApi: [user('c@other.example'), user('d@example.com')],
      managed: managed({ 'c@other.example': 'ACTIVE', 'd@example.com': 'ACTIVE' }),
      scope: ['@Example.com'],
    });
    expect(plan.rows.map((r) => [r.action, r.email])).toEqual([
      ['create', 'a@example.com'],
      ['delete', 'd@example.com'],
    ]);
    expect(plan.counts.outOfScope).toBe(2);
  });

  it('matches the Users API’s emails case-insensitively', () => {
    const plan = planReconcile({
      directory: [person('ada@example.com', { name: 'Ada' })],
      usersApi: [user('Ada@Example.COM', 'Ada')],
      managed: managed({ 'ada@example.com': 'ACTIVE' }),
    });
    expect(plan.rows).toEqual([]);
    expect(plan.counts.inSync).toBe(1);
  });

  it('a person without a name in the source is not an update; someone gone from both sides is nothing', () => {
    const plan = planReconcile({
      directory: [person('noname@example.com'), person('left@example.com', { active: false })],
      usersApi: [user('noname@example.com', 'Has A Name')],
      managed: managed({ 'noname@example.com': 'ACTIVE', 'left@example.com': 'DELETED' }),
    });
    expect(plan.rows).toEqual([]);
  });

  it('an email key named like an object property is just an email', () => {
    const plan = planReconcile({
      directory: [person('__proto__@example.com'), person('constructor@example.com')],
      usersApi: [],
      managed: new Map(),
    });
    expect(plan.rows.map((r) => r.action)).toEqual(['create', 'create']);
  });
});
