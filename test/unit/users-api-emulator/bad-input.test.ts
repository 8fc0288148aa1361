import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { startUsersApiEmulator, type UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createBody } from './http';

const KEY = 'bad-input-admin-key';
let emulator: UsersApiEmulator;

beforeAll(async () => {
  emulator = await startUsersApiEmulator({ apiKeys: [KEY], maxBodyBytes: 1024 });
});
afterAll(async () => {
  await emulator.stop();
});

/** Sends raw bytes, answers whatever comes back before the server closes (or 2 s pass). */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(emulator.url);
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => socket.write(bytes));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      data += chunk;
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(data);
    });
  });
}

const expectProblem = (
  r: { status: number; contentType: string; body: { status: number; title: string } },
  status: number,
) => {
  expect(r.status).toBe(status);
  expect(r.contentType).toBe('application/problem+json');
  expect(r.body.status).toBe(status);
  expect(r.body.title).toEqual(expect.any(String));
};

describe('bad input gets a 4xx problem, never a 500 or a crash', () => {
  it('malformed JSON → 400', async () => {
    for (const body of ['{', '{"name": }', 'nul', '{"a":1}}', '\u0000']) {
      const r = await call(emulator.url, KEY, 'POST', '/v2/users', {
        body,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(r, 400);
      expect(r.body.detail).toContain('not valid JSON');
    }
  });

  it('JSON that is not an object → 400', async () => {
    for (const body of ['[]', '"text"', '42', 'null', 'true']) {
      const r = await call(emulator.url, KEY, 'POST', '/v2/users', {
        body,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(r, 400);
      expect(r.body.detail).toContain('JSON object');
    }
  });

  it('empty body where one is required → 400', async () => {
    const r = await call(emulator.url, KEY, 'POST', '/v2/users', {
      body: '',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(r, 400);
    const patch = await call(emulator.url, KEY, 'PATCH', '/v2/users/VXNlcjox');
    expectProblem(patch, 400);
  });

  it('wrong types and unknown fields → 400 naming each field', async () => {
    const r = await call(emulator.url, KEY, 'POST', '/v2/users', {
      body: { name: 42, email: ['a@example.com'], role: { type: 'PREDEFINED' }, invite_mode: true, admin: true },
    });
    expectProblem(r, 400);
    for (const field of ['name:', 'email:', 'role.name:', 'invite_mode:', 'unknown field "admin"']) {
      expect(r.body.detail).toContain(field);
    }
  });

  it('prototype-looking keys are just unknown fields', async () => {
    const r = await call(emulator.url, KEY, 'POST', '/v2/users', {
      body: '{"__proto__":{"polluted":true},"name":"A","email":"p@example.com","role":{"type":"PREDEFINED","name":"MEMBER"},"invite_mode":"NONE"}',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(r, 400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a body that is not JSON media type → 415', async () => {
    const r = await call(emulator.url, KEY, 'POST', '/v2/users', {
      body: JSON.stringify(createBody('t@example.com')),
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(r, 415);
    const ok = await call(emulator.url, KEY, 'POST', '/v2/users', {
      body: JSON.stringify(createBody('t@example.com')),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(ok.status).toBe(201);
  });

  it('an oversized body (by Content-Length) → 413, and the server keeps serving', async () => {
    const big = JSON.stringify(createBody('big@example.com', { name: 'x'.repeat(5000) }));
    const r = await call(emulator.url, KEY, 'POST', '/v2/users', { body: big });
    expectProblem(r, 413);
    expect((await call(emulator.url, KEY, 'GET', '/v2/users')).status).toBe(200);
  });

  it('an oversized chunked body (no Content-Length) → 413', async () => {
    const chunks = Array.from({ length: 20 }, () => Buffer.alloc(200, 0x61));
    const res = await request(`${emulator.url}/v2/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: Readable.from(chunks),
    }).catch((error: unknown) => error as Error);
    // The server answers 413 and closes; depending on timing the client sees the 413 or a reset while still writing.
    if ('statusCode' in res) {
      expect(res.statusCode).toBe(413);
      expect(await res.body.json()).toMatchObject({ status: 413 });
    } else {
      expect(res).toBeInstanceOf(Error);
    }
    expect((await call(emulator.url, KEY, 'GET', '/v2/users')).status).toBe(200);
  });

  it('unknown routes → 404, wrong methods → 405 with Allow', async () => {
    expectProblem(await call(emulator.url, KEY, 'GET', '/v2/nope'), 404);
    expectProblem(await call(emulator.url, KEY, 'GET', '/'), 404);
    expectProblem(await call(emulator.url, KEY, 'GET', '/v2/users/VXNlcjox/extra'), 404);
    const r = await call(emulator.url, KEY, 'PUT', '/v2/users');
    expectProblem(r, 405);
    expect(r.headers.allow).toBe('GET, POST');
    expectProblem(await call(emulator.url, KEY, 'GET', '/v2/users/VXNlcjox/reset-password'), 405);
  });

  it('a body on a no-body endpoint is read (bounded) and ignored', async () => {
    const created = await call(emulator.url, KEY, 'POST', '/v2/users', { body: createBody('nb@example.com') });
    const r = await call(emulator.url, KEY, 'POST', `/v2/users/${created.body.id}/resend-invitation`, {
      body: { anything: true },
    });
    expect(r.status).toBe(204);
    const big = await call(emulator.url, KEY, 'DELETE', `/v2/users/${created.body.id}`, { body: 'x'.repeat(4000) });
    expectProblem(big, 413);
  });

  it('invalid HTTP → 400 problem and the connection is closed; headers too large → 431', async () => {
    const reply = await raw('THIS IS NOT HTTP\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('application/problem+json');
    const huge = await raw(`GET /v2/users HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect((await call(emulator.url, KEY, 'GET', '/v2/users')).status).toBe(200);
  });

  it('a client that disconnects mid-body does not disturb the server', async () => {
    await new Promise<void>((resolve) => {
      const url = new URL(emulator.url);
      const socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
        socket.write(
          `POST /v2/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"name":`,
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    expect((await call(emulator.url, KEY, 'GET', '/v2/users')).status).toBe(200);
  });

  it('control endpoints validate their bodies the same way', async () => {
    expectProblem(
      await call(emulator.url, null, 'POST', '/_emulator/users', { body: { users: [{ email: 'x' }] } }),
      400,
    );
    expectProblem(await call(emulator.url, null, 'PUT', '/_emulator/faults', { body: { rates: { '500': 2 } } }), 400);
    expectProblem(
      await call(emulator.url, null, 'PUT', '/_emulator/faults', { body: { rates: { '500': 0.6, '503': 0.6 } } }),
      400,
    );
    expectProblem(
      await call(emulator.url, null, 'PUT', '/_emulator/rate-limit', { body: { requestsPerSecond: 0 } }),
      400,
    );
    expectProblem(await call(emulator.url, null, 'POST', '/_emulator/users/bad/accept'), 404);
    expectProblem(await call(emulator.url, null, 'GET', '/_emulator/nope'), 404);
    expectProblem(await call(emulator.url, null, 'DELETE', '/_emulator/users'), 405);
  });
});

describe('configuration errors say what to fix', () => {
  it('rejects bad options at start', async () => {
    await expect(startUsersApiEmulator({ port: 70_000 })).rejects.toThrow(/port/);
    await expect(startUsersApiEmulator({ host: '0.0.0.0' })).rejects.toThrow(/host: must be a loopback address/);
    await expect(startUsersApiEmulator({ apiKeys: ['short'] })).rejects.toThrow(/at least 8 characters/);
    await expect(startUsersApiEmulator({ apiKeys: ['same-key-123', 'same-key-123'] })).rejects.toThrow(/repeats/);
    await expect(startUsersApiEmulator({ faults: { hangRate: 3 } })).rejects.toThrow(/hangRate/);
    await expect(startUsersApiEmulator({ port: emulator.port })).rejects.toThrow(/cannot listen/);
  });
});
