import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbScimUserStore, createIngestApp, loadIngestConfig } from '../../../packages/provisioning/src';
import { SCIM_TEST_TOKEN, type ScimBackend, scimRequest, startScimBackend } from '../../helpers/scim/harness';
import { createMemoryCommandQueue } from '../../helpers/scim/queue';
import { createScimTestTable } from '../../helpers/scim/table';

/** SCIM plugged into the ingest app's route table: what the ingest Lambda and the local stack serve. */

const QUEUE_URL = 'http://127.0.0.1:9/000000000000/idp-sync-commands.fifo';

let backend: ScimBackend;
beforeAll(async () => {
  backend = await startScimBackend();
});
afterAll(async () => {
  await backend.stop();
});

async function ingestApp(env: Record<string, string>) {
  const tableName = `ingest-scim-${Math.random().toString(36).slice(2, 10)}`;
  await createScimTestTable(backend.dynamoDbClient, tableName);
  const sender = createMemoryCommandQueue();
  const app = createIngestApp({
    config: loadIngestConfig({ QUEUE_URL, ...env }),
    sender,
    scim: {
      store: createDynamoDbScimUserStore({ client: backend.dynamoDbClient, tableName }),
      env: { STATE_TABLE_NAME: tableName, ...env },
    },
  });
  return { app, sender };
}

describe('the ingest app with SCIM_BEARER_TOKEN set', () => {
  it('serves /scim/v2 as one route: create, read back, and the command is queued with the ingest sender', async () => {
    const { app, sender } = await ingestApp({ SCIM_BEARER_TOKEN: SCIM_TEST_TOKEN });
    expect(app.routes.map((route) => route.name)).toContain('scim');
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
    const { app } = await ingestApp({ SCIM_BEARER_TOKEN: SCIM_TEST_TOKEN });
    const unauthorized = await app.handle(scimRequest('GET', '/scim/v2/Users', { token: 'wrong-token-123456789' }));
    expect(unauthorized.statusCode).toBe(401);
    expect(JSON.parse(unauthorized.body).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    const groups = await app.handle(scimRequest('GET', '/scim/v2/Groups'));
    expect(groups.statusCode).toBe(404);
    expect(groups.headers['content-type']).toBe('application/scim+json');
  });

  it('accepts the previous token of a {"current","previous"} rotation document', async () => {
    const previous = 'the-previous-scim-token-0001';
    const { app } = await ingestApp({
      SCIM_BEARER_TOKEN: JSON.stringify({ current: SCIM_TEST_TOKEN, previous }),
    });
    expect((await app.handle(scimRequest('GET', '/scim/v2/Users', { token: previous }))).statusCode).toBe(200);
  });
});

describe('the ingest app without SCIM_BEARER_TOKEN', () => {
  it('has no SCIM route', async () => {
    const app = createIngestApp({ config: loadIngestConfig({ QUEUE_URL }), sender: createMemoryCommandQueue() });
    expect(app.routes.map((route) => route.name)).not.toContain('scim');
    expect((await app.handle(scimRequest('GET', '/scim/v2/Users'))).statusCode).toBe(404);
  });
});
