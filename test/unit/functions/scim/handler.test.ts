import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { httpApiEvent, lambdaContext, useHttpApiHandler } from '../../../helpers/lambda';

/** functions/scim's Lambda handler: API Gateway v2 in and out, only /scim/v2/*, configuration checked at INIT. */

const TOKEN = 'scim-handler-test-token-0123456789';
const env = {
  QUEUE_URL: 'http://127.0.0.1:9/000000000000/idp-sync-commands.fifo',
  SQS_ENDPOINT: 'http://127.0.0.1:9',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  SCIM_BEARER_TOKEN: TOKEN,
  STATE_TABLE_NAME: 'idp-sync-state',
  POWERTOOLS_LOGGER_LOG_EVENT: 'true',
  POWERTOOLS_LOG_LEVEL: 'DEBUG',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

function apiEvent(method: string, path: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return httpApiEvent({ method, path, headers, userAgent: 'Azure AD SCIM' });
}

const context = lambdaContext('idp-sync-scim');

const HANDLER = '@idp-sync/scim-function/handler';
const { handler, output } = useHttpApiHandler(HANDLER, env);

describe('the SCIM Lambda handler', () => {
  it('serves the SCIM discovery endpoints to the bearer token', async () => {
    const result = await handler(
      apiEvent('GET', '/scim/v2/ServiceProviderConfig', { authorization: `Bearer ${TOKEN}` }),
      context,
    );
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('application/scim+json');
    expect(JSON.parse(result.body ?? '').schemas).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
    ]);
  });

  it('answers a SCIM 401 to a wrong token', async () => {
    const result = await handler(
      apiEvent('GET', '/scim/v2/Users', { authorization: 'Bearer not-the-token-0123456789' }),
      context,
    );
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body ?? '').schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });

  it('answers a 404 problem outside /scim/v2 (webhooks and health belong to the ingest function)', async () => {
    for (const path of ['/health', '/webhooks/okta']) {
      const result = await handler(apiEvent('GET', path), context);
      expect(result.statusCode).toBe(404);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
    }
  });

  it('never logs the event or the token, even with POWERTOOLS_LOGGER_LOG_EVENT=true', () => {
    const logs = output.join('');
    expect(logs).not.toContain(TOKEN);
    expect(logs).not.toContain('not-the-token');
  });

  it('fails at INIT without a bearer token, saying what to set', async () => {
    vi.resetModules();
    delete process.env.SCIM_BEARER_TOKEN;
    try {
      await expect(import(HANDLER)).rejects.toThrow(/SCIM_BEARER_TOKEN or SCIM_BEARER_TOKEN_SECRET_ARN/);
    } finally {
      process.env.SCIM_BEARER_TOKEN = TOKEN;
    }
  });
});
