import { ConfigError } from '@idp-sync/common';
import { loadIngestConfig } from '@idp-sync/webhooks';
import { describe, expect, it } from 'vitest';

const base = { QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/idp-sync-commands.fifo' };
const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadIngestConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadIngestConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadIngestConfig(base);
    expect(config).toEqual({
      queueUrl: base.QUEUE_URL,
      region: 'us-east-1',
      secrets: {},
      defaultRole: 'MEMBER',
      defaultInviteMode: 'EMAIL_LINK',
      okta: { authHeader: 'authorization', suspendAction: 'ignore', membershipEvents: 'off' },
      workos: { toleranceMs: 180_000 },
      bamboohr: { emailField: 'workEmail', statusField: 'status', toleranceMs: 300_000 },
      secretsCacheTtlMs: 300_000,
      sqsSendAttempts: 3,
    });
  });

  it('reads every variable', () => {
    const config = loadIngestConfig({
      ...base,
      SQS_ENDPOINT: 'http://127.0.0.1:4566',
      AWS_REGION: 'eu-west-1',
      OKTA_AUTH_SECRET: 'Basic abc',
      OKTA_AUTH_HEADER: 'X-Okta-Secret',
      SCIM_BEARER_TOKEN_SECRET_ARN: arn('scim'),
      HR_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      WORKOS_WEBHOOK_SECRET_ARN: arn('workos'),
      BAMBOOHR_WEBHOOK_KEY: '{"current":"new","previous":"old"}',
      DEFAULT_ROLE: 'ANNOTATOR',
      DEFAULT_INVITE_MODE: 'NONE',
      OKTA_SUSPEND_ACTION: 'delete',
      OKTA_MEMBERSHIP_EVENTS: 'group',
      OKTA_GROUP_IDS: '00g1, 00g2,',
      WORKOS_TOLERANCE_SECONDS: '60',
      BAMBOOHR_EMAIL_FIELD: 'Work Email',
      BAMBOOHR_STATUS_FIELD: 'Status',
      BAMBOOHR_TOLERANCE_SECONDS: '900',
      SECRETS_CACHE_TTL_SECONDS: '30',
      SQS_SEND_ATTEMPTS: '5',
    });
    expect(config.sqsEndpoint).toBe('http://127.0.0.1:4566');
    expect(config.region).toBe('eu-west-1');
    expect(config.secrets).toEqual({
      okta: { kind: 'value', value: 'Basic abc' },
      scim: { kind: 'arn', arn: arn('scim') },
      hr: { kind: 'value', value: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
      workos: { kind: 'arn', arn: arn('workos') },
      bamboohr: { kind: 'value', value: '{"current":"new","previous":"old"}' },
    });
    expect(config.okta).toEqual({
      authHeader: 'x-okta-secret',
      suspendAction: 'delete',
      membershipEvents: 'group',
      groupIds: ['00g1', '00g2'],
    });
    expect(config.workos.toleranceMs).toBe(60_000);
    expect(config.bamboohr).toEqual({ emailField: 'Work Email', statusField: 'Status', toleranceMs: 900_000 });
    expect(config.secretsCacheTtlMs).toBe(30_000);
    expect(config.sqsSendAttempts).toBe(5);
  });

  it('fails with one message naming every variable to fix', () => {
    const problems = problemsOf({
      QUEUE_URL: '',
      DEFAULT_ROLE: 'OWNER',
      OKTA_SUSPEND_ACTION: 'pause',
      WORKOS_TOLERANCE_SECONDS: 'three',
      HR_WEBHOOK_SECRET: 'not-whsec',
      OKTA_AUTH_SECRET: 'x',
      OKTA_AUTH_SECRET_ARN: arn('okta'),
      WORKOS_WEBHOOK_SECRET_ARN: 'workos-secret',
      BAMBOOHR_WEBHOOK_KEY: '{"previous":"only"}',
    });
    const text = problems.join('\n');
    for (const name of [
      'QUEUE_URL',
      'DEFAULT_ROLE',
      'OKTA_SUSPEND_ACTION',
      'WORKOS_TOLERANCE_SECONDS',
      'HR_WEBHOOK_SECRET: must start with whsec_',
      'OKTA_AUTH_SECRET and OKTA_AUTH_SECRET_ARN: set one of them',
      'WORKOS_WEBHOOK_SECRET_ARN: must be a Secrets Manager secret ARN',
      'BAMBOOHR_WEBHOOK_KEY: JSON must have a non-empty string "current"',
    ]) {
      expect(text).toContain(name);
    }
    expect(() => loadIngestConfig({})).toThrow(/Invalid ingest configuration:\n {2}- QUEUE_URL/);
  });

  it('treats empty variables as unset', () => {
    const config = loadIngestConfig({ ...base, OKTA_AUTH_SECRET: '  ', DEFAULT_ROLE: '', SQS_ENDPOINT: '' });
    expect(config.secrets).toEqual({});
    expect(config.defaultRole).toBe('MEMBER');
    expect(config.sqsEndpoint).toBeUndefined();
  });
});
