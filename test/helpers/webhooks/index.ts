import { randomUUID } from 'node:crypto';
import type { Logger } from '@idp-sync/common';
import { type CommandSender, type ProvisioningCommand, QueueSendError } from '@idp-sync/contracts';
import type { HttpRequest } from '@idp-sync/http';
import { createMemoryMetrics } from '@idp-sync/http/observability';
import type { IngestConfig } from '@idp-sync/webhooks';
import { createIngestApp, type IngestAppOptions } from '@idp-sync/webhooks';
import { signBambooDelivery, signHrDelivery, signOktaDelivery, signWorkosDelivery } from '@idp-sync/webhooks/sign';

/** Secrets the test configuration uses (none of them real). */
export const TEST_SECRETS = {
  okta: 'Basic b2t0YS1ob29rOnMzY3IzdA==',
  // The Standard Webhooks published test-vector secret.
  hr: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  workos: 'workos_webhook_secret_for_tests',
  bamboohr: 'bamboo-private-key-for-tests',
} as const;

/** A fixed "now" for tests: 2026-11-26T10:00:00Z. */
export const NOW_MS = Date.parse('2026-11-26T10:00:00.000Z');

/** An ingest configuration with every webhook source configured from plain values. */
export function testConfig(overrides: Partial<IngestConfig> = {}): IngestConfig {
  return {
    queueUrl: 'http://127.0.0.1:1/000000000000/idp-sync-commands.fifo',
    region: 'us-east-1',
    secrets: {
      okta: { kind: 'value', value: TEST_SECRETS.okta },
      hr: { kind: 'value', value: TEST_SECRETS.hr },
      workos: { kind: 'value', value: TEST_SECRETS.workos },
      bamboohr: { kind: 'value', value: TEST_SECRETS.bamboohr },
    },
    defaultRole: 'MEMBER',
    defaultInviteMode: 'EMAIL_LINK',
    okta: { authHeader: 'authorization', suspendAction: 'ignore', membershipEvents: 'off' },
    workos: { toleranceMs: 180_000 },
    bamboohr: { emailField: 'workEmail', statusField: 'status', toleranceMs: 300_000 },
    secretsCacheTtlMs: 300_000,
    sqsSendAttempts: 3,
    ...overrides,
  };
}

/** A request as the Lambda handler would build it. `body` objects are JSON-serialised. */
export function ingestRequest(init: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
  rawQueryString?: string;
}): HttpRequest {
  const body = init.body;
  const rawBody = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body), 'utf8');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
  return {
    method: init.method ?? 'POST',
    path: init.path,
    rawQueryString: init.rawQueryString ?? '',
    headers,
    rawBody,
    requestId: randomUUID(),
    receivedAtMs: NOW_MS,
  };
}

/** Standard Webhooks headers for `body` (the package's signer; hr-signature.test.ts holds it to the reference library). */
export function hrHeaders(
  body: string | Buffer,
  opts: { secret?: string; id?: string; timestampSec?: number } = {},
): Record<string, string> {
  const signed = signHrDelivery(opts.secret ?? TEST_SECRETS.hr, body, {
    timestampSec: opts.timestampSec ?? Math.floor(NOW_MS / 1000),
    ...(opts.id === undefined ? {} : { id: opts.id }),
  });
  return { 'content-type': 'application/json', ...signed };
}

/** A signed HR request. */
export function hrRequest(
  payload: object | string,
  opts: { secret?: string; id?: string; timestampSec?: number } = {},
): HttpRequest {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return ingestRequest({ path: '/webhooks/hr', headers: hrHeaders(body, opts), body });
}

/** `WorkOS-Signature` for `body` at `tMs`. */
export function workosSignature(body: string | Buffer, opts: { secret?: string; tMs?: number } = {}): string {
  const signed = signWorkosDelivery(opts.secret ?? TEST_SECRETS.workos, body, { timestampMs: opts.tMs ?? NOW_MS });
  return signed['workos-signature']!;
}

/** A signed WorkOS request. */
export function workosRequest(payload: object | string, opts: { secret?: string; tMs?: number } = {}): HttpRequest {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return ingestRequest({
    path: '/webhooks/workos',
    headers: { 'content-type': 'application/json', 'workos-signature': workosSignature(body, opts) },
    body,
  });
}

/** `X-BambooHR-Signature` for `body` and `timestamp` (hex HMAC-SHA256 of body + timestamp). */
export function bambooSignature(body: string | Buffer, timestamp: string, key: string = TEST_SECRETS.bamboohr): string {
  return signBambooDelivery(key, body, { timestamp })['x-bamboohr-signature']!;
}

/** A signed BambooHR request; the timestamp defaults to NOW in unix seconds. */
export function bambooRequest(payload: object | string, opts: { key?: string; timestamp?: string } = {}): HttpRequest {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const timestamp = opts.timestamp ?? String(Math.floor(NOW_MS / 1000));
  return ingestRequest({
    path: '/webhooks/bamboohr',
    headers: {
      'content-type': 'application/json',
      ...signBambooDelivery(opts.key ?? TEST_SECRETS.bamboohr, body, { timestamp }),
    },
    body,
  });
}

/** The webhook sources, as their route and signer name them. */
export type SignedSource = 'okta' | 'hr' | 'workos' | 'bamboohr';

/** Each source's authentication of `body` with {@link TEST_SECRETS} at {@link NOW_MS}. */
const SIGN_AS: Record<SignedSource, (body: string | Buffer) => Record<string, string>> = {
  okta: () => signOktaDelivery(TEST_SECRETS.okta),
  hr: (body) => signHrDelivery(TEST_SECRETS.hr, body, { timestampSec: Math.floor(NOW_MS / 1000) }),
  workos: (body) => signWorkosDelivery(TEST_SECRETS.workos, body, { timestampMs: NOW_MS }),
  bamboohr: (body) => signBambooDelivery(TEST_SECRETS.bamboohr, body, { timestamp: String(Math.floor(NOW_MS / 1000)) }),
};

/** A request to `source` whose body is `body`, signed the way that source signs (so it passes verification). */
export function signedRequest(
  source: SignedSource,
  body: string | Buffer,
  contentType = 'application/json',
): HttpRequest {
  return ingestRequest({
    path: `/webhooks/${source}`,
    headers: { ...SIGN_AS[source](body), 'content-type': contentType },
    body,
  });
}

/** An Okta event-hook POST carrying `events`, with the shared-secret header. */
export function oktaRequest(events: unknown[] | object, opts: { secret?: string; header?: string } = {}): HttpRequest {
  const body = Array.isArray(events) ? oktaEnvelope(events) : events;
  return ingestRequest({
    path: '/webhooks/okta',
    headers: {
      'content-type': 'application/json',
      ...signOktaDelivery(
        opts.secret ?? TEST_SECRETS.okta,
        opts.header === undefined ? {} : { headerName: opts.header },
      ),
    },
    body,
  });
}

/** The Okta envelope around LogEvents (shape of Okta's published sample). */
export function oktaEnvelope(events: unknown[]): object {
  return {
    eventType: 'com.okta.event_hook',
    eventTypeVersion: '1.0',
    cloudEventsVersion: '0.1',
    source: 'https://example.okta.com/api/v1/eventHooks/who7hphp39JoHLni81d7',
    eventId: randomUUID(),
    data: { events },
    eventTime: '2026-11-26T09:59:59.000Z',
    contentType: 'application/json',
  };
}

/** A System Log event about one user (the fields Okta's docs show; the rest omitted). */
export function oktaUserEvent(init: {
  eventType: string;
  email?: string;
  name?: string;
  uuid?: string;
  userId?: string;
  outcome?: string | null;
  published?: string;
  extraTargets?: object[];
}): Record<string, unknown> {
  return {
    uuid: init.uuid ?? randomUUID(),
    published: init.published ?? '2026-11-26T09:59:58.123Z',
    eventType: init.eventType,
    version: '0',
    displayMessage: init.eventType,
    severity: 'INFO',
    actor: { id: '00uadmin', type: 'User', alternateId: 'admin@example.com', displayName: 'Admin' },
    outcome: init.outcome === null ? null : { result: init.outcome ?? 'SUCCESS', reason: null },
    target: [
      {
        id: init.userId ?? '00u1abcd',
        type: 'User',
        alternateId: init.email ?? 'alice@example.com',
        displayName: init.name ?? 'Alice Example',
        detailEntry: null,
      },
      ...(init.extraTargets ?? []),
    ],
  };
}

/** A WorkOS directory user event (current shape, with `email` and `emails`). */
export function workosUserEvent(init: {
  event: string;
  id?: string;
  email?: string;
  state?: string;
  firstName?: string;
  lastName?: string;
  previous?: object;
}): Record<string, unknown> {
  const email = init.email ?? 'lela.block@example.com';
  return {
    object: 'event',
    id: init.id ?? `event_${randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase()}`,
    event: init.event,
    data: {
      object: 'directory_user',
      id: 'directory_user_01E1X1B89NH8Z3SDFJR4H7RGX7',
      directory_id: 'directory_01ECAZ4NV9QMV47GW873HDCX74',
      organization_id: 'org_01EZTR6WYX1A0DSE2CYMGXQ24Y',
      idp_id: '8931',
      email,
      emails: [{ primary: true, type: 'work', value: email }],
      first_name: init.firstName ?? 'Lela',
      last_name: init.lastName ?? 'Block',
      state: init.state ?? 'active',
      created_at: '2021-06-25T19:07:33.155Z',
      updated_at: '2021-06-25T19:07:33.155Z',
      custom_attributes: {},
      raw_attributes: {},
      ...(init.previous ? { previous_attributes: init.previous } : {}),
    },
    created_at: '2026-11-26T09:59:58.000Z',
  };
}

/** A sender that records what it is given; `failWith` makes it reject like SQS would. */
export function recordingSender(opts: { fail?: boolean } = {}): CommandSender & { sent: ProvisioningCommand[] } {
  const sent: ProvisioningCommand[] = [];
  return {
    sent,
    async send(commands) {
      if (opts.fail && commands.length > 0)
        throw new QueueSendError(commands.length, commands.length, ['ServiceUnavailable']);
      sent.push(...commands);
    },
  };
}

/** Parses a JSON response body. */
export function bodyOf<T = Record<string, unknown>>(response: { body: string }): T {
  return JSON.parse(response.body) as T;
}

/** A logger that keeps every line (to assert on what is, and is not, logged). */
export function capturingLogger(): Logger & {
  lines: { level: string; message: string; fields: unknown[] }[];
  text(): string;
} {
  const lines: { level: string; message: string; fields: unknown[] }[] = [];
  const at =
    (level: string) =>
    (message: string, ...fields: Record<string, unknown>[]) => {
      lines.push({ level, message, fields });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => JSON.stringify(lines),
  };
}

/** The app with a recording sender, in-memory metrics, a capturing logger and the fixed clock. */
export function testApp(
  opts: {
    config?: Partial<IngestConfig>;
    fail?: boolean;
    now?: () => number;
    options?: Partial<IngestAppOptions>;
  } = {},
) {
  const sender = recordingSender({ fail: opts.fail ?? false });
  const metrics = createMemoryMetrics();
  const logger = capturingLogger();
  const app = createIngestApp({
    config: testConfig(opts.config),
    sender,
    metrics,
    logger,
    now: opts.now ?? (() => NOW_MS),
    ...opts.options,
  });
  return { app, sender, metrics, logger };
}
