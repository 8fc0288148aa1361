import { describe, expect, it } from 'vitest';
import { OKTA_ENVELOPE_SESSION_START } from '../../../fixtures/okta';
import { httpApiEvent, lambdaContext, useHttpApiHandler } from '../../../helpers/lambda';
import { fixtureCases, VENDOR_SAMPLES } from '../../../helpers/vendor-fixtures';
import { TEST_SECRETS } from '../../../helpers/webhooks';

const env = {
  QUEUE_URL: 'http://127.0.0.1:9/000000000000/idp-sync-commands.fifo',
  SQS_ENDPOINT: 'http://127.0.0.1:9',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  OKTA_AUTH_SECRET: TEST_SECRETS.okta,
  POWERTOOLS_LOGGER_LOG_EVENT: 'true',
  POWERTOOLS_LOG_LEVEL: 'DEBUG',
};

const apiEvent = (init: Parameters<typeof httpApiEvent>[0]) =>
  httpApiEvent({ userAgent: 'Okta-Integrations', ...init });
const context = lambdaContext('idp-sync-ingest');

const oktaEnvelopes = fixtureCases(
  { value: OKTA_ENVELOPE_SESSION_START as object, expected: undefined },
  { sample: VENDOR_SAMPLES.oktaEnvelopeSessionStart, expected: undefined },
);

const { handler, output } = useHttpApiHandler('@idp-sync/ingest-function/handler', env);

describe('the ingest Lambda handler', () => {
  it('answers the Okta verification GET through API Gateway v2', async () => {
    const result = await handler(
      apiEvent({
        method: 'GET',
        path: '/webhooks/okta',
        headers: { authorization: TEST_SECRETS.okta, 'x-okta-verification-challenge': 'challenge-1' },
      }),
      context,
    );
    expect(result).toMatchObject({ statusCode: 200, body: '{"verification":"challenge-1"}', isBase64Encoded: false });
  });

  for (const envelope of oktaEnvelopes) {
    it.skipIf(!envelope.present)(`decodes a base64 body and verifies it as raw bytes (${envelope.from})`, async () => {
      const body = JSON.stringify(envelope.load());
      const headers = { authorization: TEST_SECRETS.okta, 'content-type': 'application/json' };
      const b64 = await handler(
        apiEvent({ method: 'POST', path: '/webhooks/okta', headers, body, base64: true }),
        context,
      );
      expect(b64.statusCode).toBe(200);
      expect(JSON.parse(b64.body ?? '')).toMatchObject({ queued: 0, ignored: 1 });
      const plain = await handler(apiEvent({ method: 'POST', path: '/webhooks/okta', headers, body }), context);
      expect(plain.statusCode).toBe(200);
    });
  }

  it('answers 401, 404 and health like the app', async () => {
    const unauthorized = await handler(
      apiEvent({ method: 'POST', path: '/webhooks/okta', headers: { authorization: 'Basic nope' }, body: '{}' }),
      context,
    );
    expect(unauthorized.statusCode).toBe(401);
    expect(unauthorized.headers?.['content-type']).toBe('application/problem+json');
    expect((await handler(apiEvent({ method: 'POST', path: '/webhooks/hr', body: '{}' }), context)).statusCode).toBe(
      404,
    );
    expect((await handler(apiEvent({ method: 'GET', path: '/health' }), context)).statusCode).toBe(200);
  });

  it('never logs the event, the secret or a full email, even at DEBUG with POWERTOOLS_LOGGER_LOG_EVENT=true', () => {
    const logs = output.join('');
    expect(logs).toContain('webhook accepted');
    expect(logs).not.toContain(TEST_SECRETS.okta);
    expect(logs).not.toContain('Basic nope');
    expect(logs).not.toContain('admin@okta.com');
    expect(logs).not.toContain('challenge-1');
  });

  it('writes JSON log lines with the invocation keys and EMF metrics with the service dimension', () => {
    const lines = output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const accepted = lines.find((line) => line.message === 'webhook accepted');
    expect(accepted).toMatchObject({
      level: 'INFO',
      service: 'idp-sync-ingest',
      function_request_id: 'aws-req-1',
      function_name: 'idp-sync-ingest',
      source: 'okta',
    });
    const emf = lines.filter((line) => line._aws !== undefined);
    const requests = emf.filter((line) => line.IngestRequests !== undefined);
    expect(requests.length).toBeGreaterThanOrEqual(4);
    expect(requests[0]).toMatchObject({ service: 'idp-sync-ingest', source: 'okta', outcome: 'challenge' });
    expect((requests[0]?._aws as { CloudWatchMetrics: unknown[] } | undefined)?.CloudWatchMetrics[0]).toEqual({
      Namespace: 'idp-sync',
      Dimensions: [['service', 'outcome', 'source']],
      Metrics: [{ Name: 'IngestRequests', Unit: 'Count' }],
    });
    // Counted once per instance, on its first invocation.
    expect(emf.filter((line) => line.ColdStart === 1)).toHaveLength(1);
    expect(emf.find((line) => line.ColdStart === 1)).toMatchObject({ function_name: 'idp-sync-ingest' });
  });
});
