import type { RoleAssignment, SeedUser, UserStatus } from './types';

/**
 * `count` made-up users for demos and benchmarks: `user<n>@example.com`, created a minute apart (oldest first), mostly
 * ACTIVE with some INVITED and EXPIRED, one ADMIN, some ANNOTATORs. Same input, same users.
 *
 * @example
 * await startUsersApiEmulator({ seed: exampleUsers(25) });
 */
export function exampleUsers(count: number, now: number = Date.now()): SeedUser[] {
  const users: SeedUser[] = [];
  for (let i = 1; i <= count; i += 1) {
    const status: UserStatus = i % 7 === 0 ? 'EXPIRED' : i % 5 === 0 ? 'INVITED' : 'ACTIVE';
    const role: RoleAssignment =
      i === 1
        ? { type: 'PREDEFINED', name: 'ADMIN' }
        : { type: 'PREDEFINED', name: i % 4 === 0 ? 'ANNOTATOR' : 'MEMBER' };
    users.push({
      name: `Example User ${i}`,
      email: `user${i}@example.com`,
      status,
      role,
      login: i % 3 === 0 ? 'sso' : 'password',
      createdAt: new Date(now - (count - i + 1) * 60_000).toISOString(),
    });
  }
  return users;
}
