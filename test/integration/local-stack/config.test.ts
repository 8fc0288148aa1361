import type { HttpRequest } from '@idp-sync/http';
import {
  bambooHeaders,
  DEFAULT_PORTS,
  generateEmulatorKey,
  generateSecret,
  hrHeaders,
  LocalStackConfigError,
  loadLocalStackConfig,
  STACK_SECRET_NAMES,
  secretProblem,
  shellQuote,
  workosHeaders,
} from '@idp-sync/local-stack';
import { standardWebhooksSecretProblem } from '@idp-sync/webhooks';
import { verifyBambooSignature, verifyStandardWebhook, verifyWorkosSignature } from '@idp-sync/webhooks/sources';
import { describe, expect, it } from 'vitest';
import { STANDARD_WEBHOOKS_TEST_VECTOR, type StandardWebhooksVector } from '../../fixtures/standard-webhooks';
import { fixtureCases, VENDOR_SAMPLES } from '../../helpers/vendor-fixtures';

const vectors = fixtureCases(
  { value: STANDARD_WEBHOOKS_TEST_VECTOR, expected: undefined },
  { sample: VENDOR_SAMPLES.standardWebhooksVector, expected: undefined },
);

function request(headers: Record<string, string>, body: string): HttpRequest {
  return {
    method: 'POST',
    path: '/webhooks/x',
    rawQueryString: '',
    headers,
    rawBody: Buffer.from(body, 'utf8'),
    requestId: 'test',
    receivedAtMs: Date.now(),
  };
}

function configError(env: Record<string, string>): LocalStackConfigError {
  try {
    loadLocalStackConfig(env);
  } catch (error) {
    if (error instanceof LocalStackConfigError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('loadLocalStackConfig', () => {
  it('has the documented defaults', () => {
    const config = loadLocalStackConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      emulatorPort: 4010,
      sqsPort: 4566,
      dynamoDbPort: 8000,
      region: 'us-east-1',
      secrets: {},
      defaultRole: 'MEMBER',
      defaultInviteMode: 'EMAIL_LINK',
      maxReceiveCount: 5,
      workerInstances: 2,
      workerTimeoutSeconds: 30,
    });
    expect(config.usersApi).toBeUndefined();
    expect(DEFAULT_PORTS).toEqual({ ingest: 3000, emulator: 4010, sqs: 4566, dynamoDb: 8000 });
  });

  it('reads every variable', () => {
    const hr = generateSecret('hr');
    const config = loadLocalStackConfig({
      HOST: 'localhost',
      PORT: '3100',
      USERS_API_EMULATOR_PORT: '4100',
      ARIZE_BASE_URL: 'https://api.arize.com/',
      ARIZE_API_KEY: 'real-key-123',
      SQS_ENDPOINT: 'http://127.0.0.1:4566',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8001',
      HR_WEBHOOK_SECRET: hr,
      SCIM_BEARER_TOKEN: 'a-scim-token-of-16+',
      DEFAULT_ROLE: 'ANNOTATOR',
      DEFAULT_INVITE_MODE: 'NONE',
      MAX_RECEIVE_COUNT: '3',
      USERS_API_EMULATOR_KEY: 'emulator-key',
    });
    expect(config).toMatchObject({
      host: 'localhost',
      port: 3100,
      emulatorPort: 4100,
      usersApi: { baseUrl: 'https://api.arize.com', apiKey: 'real-key-123' },
      sqsEndpoint: 'http://127.0.0.1:4566',
      dynamoDbEndpoint: 'http://127.0.0.1:8001',
      secrets: { hr, scim: 'a-scim-token-of-16+' },
      defaultRole: 'ANNOTATOR',
      defaultInviteMode: 'NONE',
      maxReceiveCount: 3,
      emulatorApiKey: 'emulator-key',
    });
  });

  it('treats blank variables as unset', () => {
    expect(loadLocalStackConfig({ PORT: '', HR_WEBHOOK_SECRET: '  ', ARIZE_BASE_URL: '' })).toMatchObject({
      port: 3000,
      secrets: {},
    });
  });

  it('names a bad HR secret in one line with the fix, without echoing it', () => {
    const error = configError({ HR_WEBHOOK_SECRET: 'not-a-standard-webhooks-secret' });
    expect(error.line()).toMatch(/HR_WEBHOOK_SECRET must start with whsec_/);
    expect(error.line()).toMatch(/unset/);
    expect(error.line()).not.toContain('not-a-standard-webhooks-secret');
    expect(error.line()).not.toContain('\n');
    expect(configError({ HR_WEBHOOK_SECRET: 'whsec_%%%not-base64' }).message).toMatch(/HR_WEBHOOK_SECRET/);
  });

  it('collects every problem', () => {
    const error = configError({
      PORT: 'abc',
      HOST: '0.0.0.0',
      SCIM_BEARER_TOKEN: 'short',
      ARIZE_BASE_URL: 'https://api.arize.com',
      MAX_RECEIVE_COUNT: '0',
      USERS_API_EMULATOR_KEY: 'tiny',
      OKTA_AUTH_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x',
      DEFAULT_ROLE: 'OWNER',
    });
    for (const name of [
      'PORT',
      'HOST must be a loopback address',
      'SCIM_BEARER_TOKEN must be at least 16',
      'ARIZE_BASE_URL is set without ARIZE_API_KEY',
      'MAX_RECEIVE_COUNT',
      'USERS_API_EMULATOR_KEY',
      'OKTA_AUTH_SECRET_ARN is set',
      'DEFAULT_ROLE',
    ]) {
      expect(error.message).toContain(name);
    }
    expect(error.line()).not.toContain('\n');
  });

  it('refuses an Okta secret that cannot travel in a header', () => {
    expect(configError({ OKTA_AUTH_SECRET: 'line\nbreak' }).message).toMatch(/OKTA_AUTH_SECRET must be printable/);
  });

  it('accepts the rotation form of a secret', () => {
    const current = generateSecret('hr');
    const previous = generateSecret('hr');
    const value = JSON.stringify({ current, previous });
    expect(loadLocalStackConfig({ HR_WEBHOOK_SECRET: value }).secrets.hr).toBe(value);
  });
});

describe('generated secrets', () => {
  it('have each source format, and are new every time', () => {
    for (const name of STACK_SECRET_NAMES) {
      const a = generateSecret(name);
      expect(secretProblem(name, a)).toBeUndefined();
      expect(generateSecret(name)).not.toBe(a);
    }
    const hr = generateSecret('hr');
    expect(hr).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(standardWebhooksSecretProblem(hr)).toBeUndefined();
    expect(Buffer.from(hr.slice(6), 'base64')).toHaveLength(32);
    expect(generateEmulatorKey()).toMatch(/^emu_[A-Za-z0-9_-]{32}$/);
  });
});

describe('signing', () => {
  for (const fixture of vectors) {
    it.skipIf(!fixture.present)(`reproduces the published Standard Webhooks test vector (${fixture.from})`, () => {
      const vector: StandardWebhooksVector = fixture.load();
      const id = vector.headers['webhook-id'] ?? '';
      const timestampSec = Number(vector.headers['webhook-timestamp']);
      expect(hrHeaders(vector.secret, vector.rawBody, { id, timestampSec })['webhook-signature']).toBe(
        vector.headers['webhook-signature'],
      );
    });
  }

  it('signs HR, WorkOS and BambooHR deliveries the way the ingest verifiers check them', () => {
    const body = '{"type":"user.joined","data":{"email":"a@example.com","name":"Ä"}}';
    const hr = generateSecret('hr');
    expect(
      verifyStandardWebhook(request(hrHeaders(hr, body, { id: 'msg_1' }), body), { current: hr }, Date.now()),
    ).toEqual({ deliveryId: 'msg_1' });
    const workos = generateSecret('workos');
    expect(() =>
      verifyWorkosSignature(request(workosHeaders(workos, body), body), { current: workos }, Date.now(), 180_000),
    ).not.toThrow();
    const bamboo = generateSecret('bamboohr');
    expect(() =>
      verifyBambooSignature(request(bambooHeaders(bamboo, body), body), { current: bamboo }, Date.now(), 300_000),
    ).not.toThrow();
    expect(() =>
      verifyBambooSignature(request(bambooHeaders(bamboo, `${body} `), body), { current: bamboo }, Date.now(), 300_000),
    ).toThrow();
  });

  it('signs with the current secret of a rotation pair', () => {
    const body = '{}';
    const current = generateSecret('hr');
    const pair = JSON.stringify({ current, previous: generateSecret('hr') });
    expect(() => verifyStandardWebhook(request(hrHeaders(pair, body), body), { current }, Date.now())).not.toThrow();
  });
});

describe('shellQuote', () => {
  it('single-quotes, including embedded quotes', () => {
    expect(shellQuote('plain')).toBe("'plain'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});
