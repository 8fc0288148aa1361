import { request as httpRequest } from 'node:http';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deduplicationIdFor } from '@idp-sync/contracts';
import {
  createPipelineQueues,
  type HttpIngestServer,
  type LocalSqs,
  localSqsClient,
  startHttpIngestServer,
  startLocalSqs,
} from '@idp-sync/local-stack';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hrHeaders, TEST_SECRETS } from '../../helpers/webhooks';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request (fetch would normalise headers we want to send as they are). */
function send(
  url: string,
  init: { method?: string; path: string; headers?: [string, string][]; body?: Buffer | string },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(init.path, url);
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: init.method ?? 'GET',
        path: `${target.pathname}${target.search}`,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    for (const [name, value] of init.headers ?? []) req.appendHeader(name, value);
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('startHttpIngestServer (API Gateway v2 stand-in)', () => {
  let server: HttpIngestServer;
  const events: APIGatewayProxyEventV2[] = [];
  let result: APIGatewayProxyResultV2 = { statusCode: 200 };

  beforeAll(async () => {
    server = await startHttpIngestServer({
      handler: async (event, context) => {
        events.push(event);
        expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
        if (event.rawPath === '/throw') throw new Error('handler crashed');
        return result;
      },
      maxBodyBytes: 1024,
    });
  });
  afterAll(() => server?.stop());

  it('binds loopback only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('builds the v2 event: raw bytes as base64, lower-cased and joined headers, query, cookies, context', async () => {
    const bytes = Buffer.from([0x7b, 0xff, 0x00, 0xfe, 0x7d]);
    await send(server.url, {
      method: 'POST',
      path: '/webhooks/hr?a=1&a=2&b=x%20y',
      headers: [
        ['X-Custom', 'one'],
        ['x-custom', 'two'],
        ['Content-Type', 'application/json'],
        ['Cookie', 'sid=abc; theme=dark'],
        ['User-Agent', 'Okta-Integrations'],
      ],
      body: bytes,
    });
    const event = events.at(-1)!;
    expect(event.version).toBe('2.0');
    expect(event.rawPath).toBe('/webhooks/hr');
    expect(event.rawQueryString).toBe('a=1&a=2&b=x%20y');
    expect(event.queryStringParameters).toEqual({ a: '1,2', b: 'x y' });
    expect(event.headers['x-custom']).toBe('one,two');
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['sid=abc', 'theme=dark']);
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
    expect(event.requestContext.http).toMatchObject({
      method: 'POST',
      path: '/webhooks/hr',
      sourceIp: '127.0.0.1',
      userAgent: 'Okta-Integrations',
    });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(10_000);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it('writes the result back: status, headers, cookies and base64 bodies', async () => {
    result = {
      statusCode: 201,
      headers: { 'Content-Type': 'application/octet-stream', 'X-Trace': 'abc' },
      cookies: ['a=1; Path=/', 'b=2'],
      body: Buffer.from([1, 2, 3, 250]).toString('base64'),
      isBase64Encoded: true,
    };
    const reply = await send(server.url, { path: '/anything' });
    expect(reply.status).toBe(201);
    expect(reply.headers['content-type']).toBe('application/octet-stream');
    expect(reply.headers['x-trace']).toBe('abc');
    expect(reply.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
    expect([...reply.body]).toEqual([1, 2, 3, 250]);

    result = { hello: 'world' } as unknown as APIGatewayProxyResultV2;
    const inferred = await send(server.url, { path: '/inferred' });
    expect(inferred.status).toBe(200);
    expect(JSON.parse(inferred.body.toString())).toEqual({ hello: 'world' });
  });

  it('answers 413 above the body limit and 500 when the handler throws, like API Gateway', async () => {
    const before = events.length;
    expect((await send(server.url, { method: 'POST', path: '/big', body: Buffer.alloc(2048) })).status).toBe(413);
    expect(events.length).toBe(before);
    const crashed = await send(server.url, { path: '/throw' });
    expect(crashed.status).toBe(500);
    expect(JSON.parse(crashed.body.toString())).toEqual({ message: 'Internal Server Error' });
  });
});

describe('the ingest Lambda behind the HTTP server, against fauxqs', () => {
  let sqs: LocalSqs;
  let client: SQSClient;
  let server: HttpIngestServer;
  let queueUrl: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    sqs = await startLocalSqs();
    client = localSqsClient(sqs);
    ({ queueUrl } = await createPipelineQueues(client));
    Object.assign(process.env, {
      QUEUE_URL: queueUrl,
      SQS_ENDPOINT: sqs.endpoint,
      AWS_REGION: sqs.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      HR_WEBHOOK_SECRET: TEST_SECRETS.hr,
      OKTA_AUTH_SECRET: TEST_SECRETS.okta,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    const { handler } = (await import('@idp-sync/ingest-function/handler')) as unknown as {
      handler: Parameters<typeof startHttpIngestServer>[0]['handler'];
    };
    server = await startHttpIngestServer({ handler });
  });

  afterAll(async () => {
    await server?.stop();
    client?.destroy();
    await sqs?.stop();
    process.env = saved;
  });

  it('verifies the signature over the exact bytes and queues the command', async () => {
    // Odd spacing and a non-ASCII name: a re-serialised body would not verify.
    const body = Buffer.from(
      '{ "type":"user.joined",  "timestamp":"2026-11-26T09:59:00Z", "data":{"email":"Zoë@Example.com","name":"Zoë Ångström"} }',
    );
    const headers = hrHeaders(body, { timestampSec: Math.floor(Date.now() / 1000), id: 'msg_http_1' });
    const reply = await send(server.url, {
      method: 'POST',
      path: '/webhooks/hr',
      headers: Object.entries(headers),
      body,
    });
    expect(reply.status, reply.body.toString()).toBe(400);
    expect(JSON.parse(reply.body.toString()).errors).toEqual([
      { path: 'data.email', message: 'must be an ASCII email address' },
    ]);

    const good = Buffer.from(
      '{ "type":"user.joined",  "timestamp":"2026-11-26T09:59:00Z", "data":{"email":"Zoe@Example.com","name":"Zoë Ångström"} }',
    );
    const goodHeaders = hrHeaders(good, { timestampSec: Math.floor(Date.now() / 1000), id: 'msg_http_2' });
    const accepted = await send(server.url, {
      method: 'POST',
      path: '/webhooks/hr',
      headers: Object.entries(goodHeaders),
      body: good,
    });
    expect(accepted.status).toBe(202);
    expect(JSON.parse(accepted.body.toString())).toEqual({ queued: 1, ignored: 0 });

    const out = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
    );
    expect(out.Messages).toHaveLength(1);
    const message = out.Messages![0]!;
    const queued = JSON.parse(message.Body ?? '');
    expect(queued).toMatchObject({
      id: 'hr:msg_http_2',
      email: 'zoe@example.com',
      name: 'Zoë Ångström',
    });
    expect(message.Attributes?.MessageGroupId).toBe('zoe@example.com');
    expect(message.Attributes?.MessageDeduplicationId).toBe(deduplicationIdFor(queued));
  });

  it('answers Okta, health, 404 and 405 through the whole chain', async () => {
    const challenge = await send(server.url, {
      path: '/webhooks/okta',
      headers: [
        ['Authorization', TEST_SECRETS.okta],
        ['X-Okta-Verification-Challenge', 'abc123'],
      ],
    });
    expect(challenge.status).toBe(200);
    expect(JSON.parse(challenge.body.toString())).toEqual({ verification: 'abc123' });
    expect((await send(server.url, { path: '/health' })).status).toBe(200);
    expect((await send(server.url, { path: '/webhooks/workos', method: 'POST' })).status).toBe(404);
    const wrong = await send(server.url, { path: '/webhooks/hr', method: 'PUT' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers['content-type']).toBe('application/problem+json');
  });
});
