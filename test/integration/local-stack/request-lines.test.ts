import { type LocalStack, type LocalStackEvent, send, sourceRequests, startLocalStack } from '@idp-sync/local-stack';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// What `npm start` shows per request: the request event carries a 4xx's reason, and the HTTP handlers' own JSON lines
// (a WARN per refused webhook, on stdout) stay off the console unless a level is set.
let stack: LocalStack;
const events: LocalStackEvent[] = [];
const stdout: string[] = [];

beforeAll(async () => {
  for (const name of ['POWERTOOLS_LOG_LEVEL', 'LOG_LEVEL', 'AWS_LAMBDA_LOG_LEVEL']) delete process.env[name];
  stack = await startLocalStack({
    receiveWaitSeconds: 1,
    workerTimeoutSeconds: 5,
    onEvent: (event) => events.push(event),
  });
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
    stdout.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stdout.write);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await stack?.stop();
});

const lastRequest = () => events.filter((e) => e.type === 'request').at(-1);

describe('request events of the local stack', () => {
  it('carry the reason of a refused webhook, and nothing for an accepted one', async () => {
    const sources = sourceRequests({ ingestUrl: stack.urls.ingest, secrets: stack.secrets });
    const good = sources.workos('dsync.user.created', { id: 'directory_user_1', email: 'ada@example.com' });
    expect((await send(good)).status).toBe(202);
    expect(lastRequest()).toMatchObject({ type: 'request', function: 'ingest', path: '/webhooks/workos', status: 202 });
    expect(lastRequest()).not.toHaveProperty('detail');

    const forged = {
      ...good,
      headers: { ...good.headers, 'workos-signature': `t=${Date.now()}, v1=${'0'.repeat(64)}` },
    };
    expect((await send(forged)).status).toBe(401);
    expect(lastRequest()).toMatchObject({
      method: 'POST',
      path: '/webhooks/workos',
      status: 401,
      detail: 'the WorkOS-Signature does not match the body',
    });

    const inSeconds = {
      ...good,
      headers: { ...good.headers, 'workos-signature': `t=1700000000, v1=${'0'.repeat(64)}` },
    };
    await send(inSeconds);
    expect(lastRequest()?.type === 'request' && lastRequest()).toMatchObject({ status: 401 });
    expect((lastRequest() as { detail?: string }).detail).toMatch(/must be unix milliseconds/);
  });

  it('never carry a body, a secret or a full email', async () => {
    const body = JSON.stringify({ type: 'user.joined', data: { email: 'grace@example.com' } });
    const response = await send({
      method: 'POST',
      url: stack.urls.webhooks.hr,
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_1',
        'webhook-timestamp': '1',
        'webhook-signature': 'v1,AAAA',
      },
      body,
    });
    expect(response.status).toBe(401);
    const event = lastRequest() as { detail?: string };
    expect(event.detail).toBeTruthy();
    const everything = JSON.stringify(events);
    expect(everything).not.toContain('grace@example.com');
    for (const secret of Object.values(stack.secrets)) expect(everything).not.toContain(secret);

    // SCIM answers are not read: their details may quote a userName or a filter.
    const scim = await send({
      method: 'GET',
      url: `${stack.urls.scim}/Users`,
      headers: { authorization: 'Bearer nope' },
    });
    expect(scim.status).toBe(401);
    // Labelled with the function that answered (issue #19: it said ingest).
    expect(lastRequest()).toMatchObject({ function: 'scim', path: '/scim/v2/Users', status: 401 });
    expect(lastRequest()).not.toHaveProperty('detail');
  });

  it('leave the HTTP handlers at ERROR: a refused webhook writes no JSON line to stdout', () => {
    expect(stdout.filter((line) => line.includes('"level"'))).toEqual([]);
    // The level is set only while each handler loads, so the process environment is as it was.
    expect(process.env.POWERTOOLS_LOG_LEVEL).toBeUndefined();
  });
});
