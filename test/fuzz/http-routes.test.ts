import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { createStateTable } from '@idp-sync/contracts';
import { type HttpRequest, type HttpResponse, toApiGatewayResult, toHttpRequest } from '@idp-sync/http';
import {
  createPipelineQueues,
  type HttpIngestServer,
  type LocalDynamoDb,
  type LocalSqs,
  localDynamoDbClient,
  localSqsClient,
  type PipelineQueues,
  startHttpIngestServer,
  startLocalDynamoDb,
  startLocalSqs,
} from '@idp-sync/local-stack';
import { createScimApp, SCIM_BASE_PATH } from '@idp-sync/scim';
import { SCIM_URN } from '@idp-sync/scim/protocol';
import {
  createDynamoDbPersonGroups,
  createDynamoDbScimGroupStore,
  createDynamoDbScimUserStore,
} from '@idp-sync/scim/service';
import { createIngestApp, type IngestApp } from '@idp-sync/webhooks';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRequest, NOW_MS, testConfig } from '../helpers/webhooks';
import {
  anyRequestArb,
  bodyArb,
  deliveryRequest,
  emailArb,
  FUZZ_SCIM_TOKEN,
  headersArb,
  type Mutation,
  methodArb,
  mutate,
  mutationArb,
  nameArb,
  pathArb,
  validDeliveryArb,
} from './http-routes.arbitraries';

/**
 * Every HTTP route of the ingest app (the four webhooks, health, SCIM) under random and mutated input, against a real
 * FIFO queue (fauxqs) and state table (dynalite): never a 5xx, a well-formed problem for every 4xx, nothing queued (or
 * stored) for a refused request, valid signed deliveries still accepted, memory that does not keep growing.
 */

const TABLE = 'idp-sync-state-fuzz';
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);

let sqs: LocalSqs;
let dynamo: LocalDynamoDb;
let sqsClient: SQSClient;
let ddb: DynamoDBClient;
let queues: PipelineQueues;
let app: IngestApp;
/** Entries handed to SendMessage/SendMessageBatch so far (counts attempts, even ones FIFO would deduplicate). */
let entriesSent = 0;

beforeAll(async () => {
  [sqs, dynamo] = await Promise.all([startLocalSqs(), startLocalDynamoDb()]);
  sqsClient = localSqsClient(sqs);
  ddb = localDynamoDbClient(dynamo);
  [queues] = await Promise.all([createPipelineQueues(sqsClient), createStateTable(ddb, TABLE)]);

  // The app's SQS client, with every send counted on its way to the real queue.
  const counting: Pick<SQSClient, 'send'> = {
    send: ((command: unknown) => {
      if (command instanceof SendMessageBatchCommand) entriesSent += command.input.Entries?.length ?? 0;
      if (command instanceof SendMessageCommand) entriesSent += 1;
      return sqsClient.send(command as never);
    }) as SQSClient['send'],
  };
  // SCIM is routed the way production routes it: `/scim/v2/*` goes to the SCIM app (its own Lambda, `createScimApp`),
  // the rest to the webhook app; here one route table holds both. The SCIM stores are given (so they use this
  // dynalite client and its dummy credentials), with the group store and person items on it too; both apps send with
  // the same counting SQS client.
  const base = testConfig({ queueUrl: queues.queueUrl, sqsEndpoint: sqs.endpoint });
  const config = { ...base, secrets: { ...base.secrets, scim: { kind: 'value' as const, value: FUZZ_SCIM_TOKEN } } };
  const silent = { info() {}, warn() {}, error() {}, debug() {} };
  const runtime = { config, sqsClient: counting, now: () => NOW_MS, logger: silent };
  const scimApp = createScimApp({
    ...runtime,
    scim: {
      store: createDynamoDbScimUserStore({ client: ddb, tableName: TABLE }),
      groupStore: createDynamoDbScimGroupStore({ client: ddb, tableName: TABLE }),
      personGroups: createDynamoDbPersonGroups({ client: ddb, tableName: TABLE, now: () => new Date(NOW_MS) }),
      env: { STATE_TABLE_NAME: TABLE },
    },
  });
  app = createIngestApp({ ...runtime, extraRoutes: scimApp.routes });
  expect(app.routes.map((route) => route.name)).toContain('scim');
});

afterAll(async () => {
  sqsClient?.destroy();
  ddb?.destroy();
  await Promise.all([sqs?.stop(), dynamo?.stop()]);
});

async function queueDepth(): Promise<number> {
  const out = await sqsClient.send(
    new GetQueueAttributesCommand({
      QueueUrl: queues.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function tableItems(): Promise<number> {
  const out = await ddb.send(new ScanCommand({ TableName: TABLE, Select: 'COUNT' }));
  return out.Count ?? 0;
}

const isScim = (request: HttpRequest) =>
  request.path === SCIM_BASE_PATH || request.path.startsWith(`${SCIM_BASE_PATH}/`);

/** A 4xx carries RFC 9457 problem details, or on SCIM paths a SCIM Error; a 2xx is JSON. */
function expectWellFormed(request: HttpRequest, response: HttpResponse): void {
  const status = response.statusCode;
  expect(
    status,
    `${request.method} ${request.path.slice(0, 80)} answered ${status}: ${response.body.slice(0, 300)}`,
  ).toBeLessThan(500);
  expect(status).toBeGreaterThanOrEqual(200);
  const contentType = response.headers['content-type'] ?? '';
  if (status < 400) {
    if (response.body !== '') expect(() => JSON.parse(response.body)).not.toThrow();
    return;
  }
  const body = JSON.parse(response.body) as Record<string, unknown>;
  if (contentType.startsWith('application/scim+json')) {
    expect(isScim(request)).toBe(true);
    expect(body.schemas).toEqual([SCIM_URN.error]);
    expect(body.status).toBe(String(status));
    expect(typeof body.detail).toBe('string');
  } else {
    expect(contentType).toBe('application/problem+json');
    expect(body.type).toMatch(/^urn:idp-sync:problem:[a-z-]+$/);
    expect(typeof body.title).toBe('string');
    expect(body.status).toBe(status);
    expect(typeof body.detail).toBe('string');
  }
}

/**
 * Sends one request and checks the invariants: < 500, well-formed, and a refused request left the queue (and, on SCIM
 * paths, the state table) exactly as it was.
 */
async function check(request: HttpRequest): Promise<HttpResponse> {
  const depthBefore = await queueDepth();
  const itemsBefore = isScim(request) ? await tableItems() : 0;
  const sentBefore = entriesSent;
  const response = await app.handle(request);
  expectWellFormed(request, response);
  if (response.statusCode >= 400) {
    expect(entriesSent - sentBefore, 'a refused request sent something to SQS').toBe(0);
    expect(await queueDepth(), 'a refused request changed the queue').toBe(depthBefore);
    if (isScim(request)) expect(await tableItems(), 'a refused SCIM request stored something').toBe(itemsBefore);
  }
  return response;
}

const runs = (numRuns: number, offset: number) => ({ numRuns, seed: SEED + offset, endOnFailure: true });

describe('every route under arbitrary requests', () => {
  it('never answers 5xx, refuses with a problem body, and queues nothing when it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(anyRequestArb, async (request) => {
        await check(request);
      }),
      runs(200, 1),
    );
  });

  it('routes by method and path: unknown paths 404, known paths with another method 405 with Allow', async () => {
    await fc.assert(
      fc.asyncProperty(methodArb, pathArb, async (method, path) => {
        const response = await check(ingestRequest({ method, path, body: '' }));
        if (response.statusCode === 405) expect(response.headers.allow).toMatch(/^[A-Z, ]+$/);
      }),
      runs(150, 2),
    );
  });
});

describe('webhook routes under mutated signed deliveries', () => {
  it('accepts every valid signed delivery and queues exactly what it reports', async () => {
    await fc.assert(
      fc.asyncProperty(validDeliveryArb, async (delivery) => {
        const depthBefore = await queueDepth();
        const response = await check(deliveryRequest(delivery));
        expect(response.statusCode, response.body).toBe(delivery.source === 'okta' ? 200 : 202);
        const { queued } = JSON.parse(response.body) as { queued: number };
        expect(queued).toBeGreaterThanOrEqual(1);
        expect(await queueDepth()).toBe(depthBefore + queued);
      }),
      runs(120, 3),
    );
  });

  it('refuses a delivery whose bytes, signature, secret, timestamp or auth headers were tampered with', async () => {
    await fc.assert(
      fc.asyncProperty(validDeliveryArb, mutationArb, async (delivery, mutation: Mutation) => {
        const { request, expect: expected } = mutate(delivery, mutation);
        const depthBefore = await queueDepth();
        const response = await check(request);
        if (expected !== 'any') {
          expect(response.statusCode, `${delivery.source} ${mutation.kind}: ${response.body}`).toBe(expected);
        } else if (response.statusCode < 300) {
          // Okta has no body signature: a changed body may still be a valid event, and then it is queued as reported.
          const { queued } = JSON.parse(response.body) as { queued: number };
          expect(await queueDepth()).toBe(depthBefore + queued);
        }
      }),
      runs(250, 4),
    );
  });

  it('refuses bodies over 1 MiB with 413 before verifying them, and answers those just under it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('okta', 'hr', 'workos', 'bamboohr'),
        fc.constantFrom(1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024),
        headersArb,
        async (source, size, headers) => {
          const response = await check(
            ingestRequest({ path: `/webhooks/${source}`, headers, body: Buffer.alloc(size, '{') }),
          );
          if (size > 1024 * 1024) expect(response.statusCode).toBe(413);
          else expect(response.statusCode).not.toBe(413);
        },
      ),
      runs(24, 5),
    );
  });
});

describe('SCIM routes', () => {
  const auth = { authorization: `Bearer ${FUZZ_SCIM_TOKEN}`, 'content-type': 'application/scim+json' };
  const userArb = fc.record(
    {
      schemas: fc.oneof(fc.constant([SCIM_URN.user]), fc.anything()),
      userName: fc.oneof(emailArb, fc.string({ maxLength: 40 }), fc.anything()),
      active: fc.oneof(fc.boolean(), fc.constantFrom('True', 'False', 'yes', ''), fc.anything()),
      displayName: fc.oneof(nameArb, fc.anything()),
      externalId: fc.oneof(fc.uuid(), fc.anything()),
      emails: fc.oneof(
        fc.array(fc.record({ value: emailArb, type: fc.constantFrom('work', 'home'), primary: fc.boolean() }), {
          maxLength: 2,
        }),
        fc.anything(),
      ),
      name: fc.oneof(fc.record({ givenName: nameArb, familyName: nameArb }), fc.anything()),
    },
    { requiredKeys: [] },
  );
  const patchArb = fc.record({
    schemas: fc.oneof(fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']), fc.anything()),
    Operations: fc.oneof(
      fc.array(
        fc.record(
          {
            op: fc.constantFrom('Add', 'Replace', 'Remove', 'add', 'replace', 'remove', 'copy'),
            path: fc.oneof(
              fc.constantFrom('active', 'displayName', 'name.givenName', 'emails[type eq "work"].value', 'userName'),
              fc.string({ maxLength: 30 }),
            ),
            value: fc.oneof(fc.constantFrom('False', 'True', false, true), fc.jsonValue({ maxDepth: 2 })),
          },
          { requiredKeys: ['op'] },
        ),
        { maxLength: 4 },
      ),
      fc.anything(),
    ),
  });

  it('answers authenticated arbitrary and mostly-valid SCIM writes without 5xx; refused ones store and queue nothing', async () => {
    const target = fc.oneof(
      fc.constant('/scim/v2/Users'),
      fc.uuid().map((id) => `/scim/v2/Users/${id}`),
      fc.constant('/scim/v2/Users/.search'),
    );
    const body = fc.oneof(
      { weight: 3, arbitrary: userArb.map((u) => Buffer.from(JSON.stringify(u))) },
      { weight: 2, arbitrary: patchArb.map((p) => Buffer.from(JSON.stringify(p))) },
      { weight: 1, arbitrary: bodyArb },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        target,
        body,
        fc.oneof(
          fc.constant(''),
          emailArb.map((e) => `filter=${encodeURIComponent(`userName eq "${e}"`)}`),
          fc.string({ maxLength: 60 }).map((s) => `filter=${encodeURIComponent(s)}`),
        ),
        async (method, path, payload, query) => {
          await check(ingestRequest({ method, path, headers: auth, body: payload, rawQueryString: query }));
        },
      ),
      runs(150, 6),
    );
  });

  it('refuses every SCIM request without the right bearer token with 401 and touches nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        fc.constantFrom('/scim/v2/Users', '/scim/v2/Users/x', '/scim/v2/Users/.search'),
        fc.oneof(
          fc.constant(undefined),
          fc.string({ maxLength: 60 }),
          fc.string({ maxLength: 40 }).map((t) => `Bearer ${t}`),
          fc.constantFrom(
            `Bearer ${FUZZ_SCIM_TOKEN} `.repeat(2),
            `Basic ${FUZZ_SCIM_TOKEN}`,
            `Bearer ${FUZZ_SCIM_TOKEN}x`,
          ),
        ),
        userArb,
        async (method, path, authorization, user) => {
          const headers: Record<string, string> = { 'content-type': 'application/scim+json' };
          if (authorization !== undefined) headers.authorization = authorization;
          const response = await check(ingestRequest({ method, path, headers, body: user }));
          expect(response.statusCode).toBe(401);
        },
      ),
      runs(100, 7),
    );
  });
});

/** One raw HTTP/1.1 exchange over a socket (bytes exactly as given); resolves to the status code. */
function rawExchange(port: number, head: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (match) resolve(Number(match[1]));
      else reject(new Error(`no HTTP status line in ${JSON.stringify(text.slice(0, 120))}`));
    });
    socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
}

describe('over HTTP (the local API Gateway stand-in in front of the Lambda event conversion)', () => {
  let server: HttpIngestServer;
  beforeAll(async () => {
    server = await startHttpIngestServer({
      handler: async (event) => toApiGatewayResult(await app.handle(toHttpRequest(event))),
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('never answers 5xx to raw requests with odd request lines, headers and bodies, and queues nothing for them', async () => {
    const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/);
    await fc.assert(
      fc.asyncProperty(
        // CONNECT is left out: node:http hands it to a 'connect' listener and, with none, closes the socket unanswered.
        fc
          .oneof(
            methodArb.filter((m) => /^[A-Za-z]+$/.test(m)),
            token,
          )
          .filter((m) => m.toUpperCase() !== 'CONNECT'),
        pathArb.map((p) => (p.startsWith('/') ? p : `/${p}`).replace(/[\s#]/g, '')),
        fc.array(
          fc.tuple(
            fc.oneof(fc.constantFrom('Content-Type', 'Authorization', 'webhook-signature', 'Cookie'), token),
            fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((v) => v.replace(/[\r\n]/g, ' ')),
          ),
          { maxLength: 5 },
        ),
        fc.uint8Array({ maxLength: 512 }),
        fc.constantFrom('length', 'chunked', 'none'),
        async (method, path, headers, bytes, framing) => {
          const body = Buffer.from(bytes);
          const framingHeader =
            framing === 'length'
              ? `Content-Length: ${body.length}\r\n`
              : framing === 'chunked'
                ? 'Transfer-Encoding: chunked\r\n'
                : '';
          const payload =
            framing === 'chunked'
              ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')])
              : framing === 'length'
                ? body
                : Buffer.alloc(0);
          const head =
            `${method} ${path || '/'} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${framingHeader}` +
            `${headers
              .filter(([name]) => !/^(content-length|transfer-encoding|host|connection)$/i.test(name))
              .map(([name, value]) => `${name}: ${value}\r\n`)
              .join('')}\r\n`;
          const depthBefore = await queueDepth();
          const sentBefore = entriesSent;
          const status = await rawExchange(server.port, head, payload);
          expect(status, `${method} ${path}`).toBeLessThan(500);
          if (status >= 400) {
            expect(entriesSent).toBe(sentBefore);
            expect(await queueDepth()).toBe(depthBefore);
          }
        },
      ),
      runs(80, 8),
    );
  });
});

describe('memory', () => {
  /** `global.gc` without `--expose-gc` on the command line (vitest's workers are not started with it). */
  function collect(): () => void {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  }

  it('stays bounded over thousands of refused and tampered requests', async () => {
    const gc = collect();
    const requests = fc.oneof(
      anyRequestArb,
      fc.tuple(validDeliveryArb, mutationArb).map(([delivery, mutation]) => mutate(delivery, mutation).request),
    );
    let n = 0;
    const round = async (count: number) => {
      for (const request of fc.sample(requests, { numRuns: count, seed: SEED + 100 + n++ })) {
        const response = await app.handle(request);
        expect(response.statusCode).toBeLessThan(500);
      }
    };
    const heap = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    // Warm up (lazy modules, caches, JIT) before the baseline.
    await round(200);
    const baseline = heap();
    const samples: number[] = [];
    for (let i = 0; i < 4; i++) {
      await round(300);
      samples.push(heap());
    }
    const growthMiB = (Math.max(...samples) - baseline) / (1024 * 1024);
    // Generous (fauxqs and dynalite share the heap): a leak of 20 KiB per request would fail it over 1,200 requests.
    expect(
      growthMiB,
      `heap after each round (MiB): ${samples.map((s) => (s / 2 ** 20).toFixed(1)).join(', ')}`,
    ).toBeLessThan(24);
  });
});
