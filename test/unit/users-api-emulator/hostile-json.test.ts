import { startUsersApiEmulator, type UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { guardPrototypes } from '../../helpers/prototype-guard';
import { call } from './http';

/**
 * Hostile JSON against the emulator (issue #14): a body nested deeper than 64 levels is a 400 that says so, on the
 * Users API and on the control endpoints; prototype keys anywhere are refused or inert, never a pollution; the
 * emulator keeps serving.
 */

const KEY = 'hostile-json-admin-key';
const JSON_HEADERS = { 'content-type': 'application/json' };
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

let emulator: UsersApiEmulator;
const guard = guardPrototypes();

beforeAll(async () => {
  emulator = await startUsersApiEmulator({ apiKeys: [KEY] });
});
afterEach(() => guard.restore());
afterAll(async () => {
  await emulator.stop();
});

const send = (method: 'POST' | 'PATCH' | 'PUT', path: string, body: string) =>
  call(emulator.url, KEY, method, path, { body, headers: JSON_HEADERS });

describe('emulator bodies nested too deep', () => {
  it.each([
    ['POST', '/v2/users', `{"name":"A","email":"a@example.com","x":${nested(5000)}}`],
    ['PATCH', '/v2/users/VXNlcjox', `{"name":${nested(5000)}}`],
    ['POST', '/_emulator/users', `{"users":${nested(5000)}}`],
    ['PUT', '/_emulator/faults', `{"operations":${nested(5000)}}`],
  ] as const)('%s %s is a 400 that names the limit', async (method, path, body) => {
    const response = await send(method, path, body);
    expect(response.status).toBe(400);
    expect(response.body.detail).toContain('JSON nested deeper than 64 levels');
  });
});

describe('emulator bodies with prototype keys', () => {
  it.each([
    [
      'POST',
      '/v2/users',
      '{"__proto__":{"is_developer":true},"name":"A","email":"p@example.com","role":{"type":"PREDEFINED","name":"MEMBER"},"invite_mode":"NONE"}',
    ],
    [
      'POST',
      '/v2/users',
      '{"name":"A","email":"q@example.com","role":{"__proto__":{"x":1},"type":"PREDEFINED","name":"MEMBER"},"invite_mode":"NONE"}',
    ],
    [
      'POST',
      '/_emulator/users',
      '{"users":[{"name":"A","email":"r@example.com","constructor":{"prototype":{"x":1}}}]}',
    ],
    ['PUT', '/_emulator/faults', '{"__proto__":{"hangRate":1},"rates":{"constructor":1}}'],
  ] as const)('%s %s is refused as an unknown field and pollutes nothing', async (method, path, body) => {
    const response = await send(method, path, body);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.detail).toMatch(/unknown field.*"(__proto__|constructor)"/);
    expect(guard.changes()).toEqual([]);
  });

  it('the emulator keeps serving after them', async () => {
    const health = await call(emulator.url, null, 'GET', '/_emulator/health');
    expect(health.status).toBe(200);
    const created = await call(emulator.url, KEY, 'POST', '/v2/users', {
      body: {
        name: 'Ada',
        email: 'ada@example.com',
        role: { type: 'PREDEFINED', name: 'MEMBER' },
        invite_mode: 'NONE',
      },
    });
    expect(created.status).toBe(201);
    expect(guard.changes()).toEqual([]);
  });
});
