import { ConfigError } from '@idp-sync/common';
import { createScimApp } from '@idp-sync/scim';
import { createDynamoDbScimUserStore } from '@idp-sync/scim/service';
import { createIngestApp, loadIngestConfig } from '@idp-sync/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCIM_TEST_TOKEN, type ScimBackend, scimRequest, startScimBackend } from '../../helpers/scim/harness';
import { createMemoryCommandQueue } from '../../helpers/scim/queue';
import { createScimTestTable } from '../../helpers/scim/table';

/** The SCIM app on the ingest router: what the SCIM Lambda (functions/scim) and the local stack serve. */

const QUEUE_URL = 'http://127.0.0.1:9/000000000000/idp-sync-commands.fifo';

let backend: ScimBackend;
beforeAll(async () => {
  backend = await startScimBackend();
});
afterAll(async () => {
  await backend.stop();
});

async function scimApp(env: Record<string, string>) {
  const tableName = `ingest-scim-${Math.random().toString(36).slice(2, 10)}`;
  await createScimTestTable(backend.dynamoDbClient, tableName);
  const sender = createMemoryCommandQueue();
  const app = createScimApp({
    config: loadIngestConfig({ QUEUE_URL, ...env }),
    sender,
    scim: {
      dynamoDbClient: backend.dynamoDbClient,
      store: createDynamoDbScimUserStore({ client: backend.dynamoDbClient, tableName }),
      env: { STATE_TABLE_NAME: tableName, ...env },
    },
  });
  return { app, sender };
}

describe('the SCIM app with SCIM_BEARER_TOKEN set', () => {
  it('serves /scim/v2 as its one route: create, read back, and the command is queued with the ingest sender', async () => {
    const { app, sender } = await scimApp({ SCIM_BEARER_TOKEN: SCIM_TEST_TOKEN });
    expect(app.routes.map((route) => route.name)).toEqual(['scim']);
    const created = await app.handle(
      scimRequest('POST', '/scim/v2/Users', { body: { userName: 'alice@contoso.com', displayName: 'Alice' } }),
    );
    expect(created.statusCode).toBe(201);
    expect(created.headers['content-type']).toBe('application/scim+json');
    const found = await app.handle(scimRequest('GET', '/scim/v2/Users?filter=userName+eq+"alice@contoso.com"'));
    expect(JSON.parse(found.body).totalResults).toBe(1);
    expect(sender.sent).toMatchObject([{ source: 'scim', action: 'create', email: 'alice@contoso.com' }]);
  });

  it('answers SCIM errors (not problem+json) under /scim/v2, including 401 and unknown endpoints', async () => {
    const { app } = await scimApp({ SCIM_BEARER_TOKEN: SCIM_TEST_TOKEN });
    const unauthorized = await app.handle(scimRequest('GET', '/scim/v2/Users', { token: 'wrong-token-123456789' }));
    expect(unauthorized.statusCode).toBe(401);
    expect(JSON.parse(unauthorized.body).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    const unknown = await app.handle(scimRequest('GET', '/scim/v2/Bulk'));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toBe('application/scim+json');
  });

  it('answers a 404 problem outside /scim/v2: no webhook and no health route', async () => {
    const { app } = await scimApp({ SCIM_BEARER_TOKEN: SCIM_TEST_TOKEN });
    for (const path of ['/health', '/webhooks/hr', '/']) {
      const response = await app.handle(scimRequest('GET', path));
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('accepts the previous token of a {"current","previous"} rotation document', async () => {
    const previous = 'the-previous-scim-token-0001';
    const { app } = await scimApp({
      SCIM_BEARER_TOKEN: JSON.stringify({ current: SCIM_TEST_TOKEN, previous }),
    });
    expect((await app.handle(scimRequest('GET', '/scim/v2/Users', { token: previous }))).statusCode).toBe(200);
  });
});

describe('the SCIM app misconfigured', () => {
  it('fails at construction (INIT) without a bearer token, naming both variables', () => {
    const build = () => createScimApp({ config: loadIngestConfig({ QUEUE_URL }), sender: createMemoryCommandQueue() });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/SCIM_BEARER_TOKEN or SCIM_BEARER_TOKEN_SECRET_ARN/);
  });

  it('fails at construction on a bad SCIM setting', () => {
    expect(() =>
      createScimApp({
        config: loadIngestConfig({ QUEUE_URL, SCIM_BEARER_TOKEN: SCIM_TEST_TOKEN }),
        sender: createMemoryCommandQueue(),
        scim: { env: { SCIM_MAX_RESULTS: 'many' } },
      }),
    ).toThrow(/SCIM_MAX_RESULTS/);
  });
});

describe('the webhook ingest app', () => {
  it('has no SCIM route, even with SCIM_BEARER_TOKEN set', async () => {
    const app = createIngestApp({
      config: loadIngestConfig({ QUEUE_URL, SCIM_BEARER_TOKEN: SCIM_TEST_TOKEN }),
      sender: createMemoryCommandQueue(),
    });
    expect(app.routes.map((route) => route.name)).not.toContain('scim');
    expect((await app.handle(scimRequest('GET', '/scim/v2/Users'))).statusCode).toBe(404);
  });
});
