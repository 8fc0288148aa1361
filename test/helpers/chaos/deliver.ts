import { createHash, randomUUID } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { ProvisioningCommand } from '@idp-sync/contracts';
import { toCommandMessage } from '@idp-sync/contracts/command';
import {
  bambooHeaders,
  hrHeaders,
  type LocalStack,
  oktaHeaders,
  type SignedRequest,
  scimHeaders,
  send,
  workosHeaders,
} from '@idp-sync/local-stack';
import { createIngestApp, type IngestApp, loadIngestConfig } from '@idp-sync/webhooks';
import type { Delivery, EventSpec, Person } from './types';

/** What became of one delivery. */
export interface DeliveryResult {
  readonly seq: number;
  readonly label: string;
  readonly mode: Delivery['mode'];
  readonly status: number;
  readonly attempts: number;
  /** Commands ingest reported queued (webhooks) or that were sent straight to the queue (late redeliveries). */
  readonly queued?: number;
  /** Set when the answer was not what the scenario expects. */
  readonly problem?: string;
}

export interface DeliveryContext {
  readonly stack: LocalStack;
  readonly people: readonly Person[];
  /** SCIM ids by person index, from the POST answers. */
  readonly scimIds: Map<number, string>;
  /** The real ingest code with a recording sender: builds the commands of a late redelivery. */
  readonly shadow: () => { app: IngestApp; sent: ProvisioningCommand[] };
  /** Transport failures and 5xx answers retried (a vendor retries those). */
  readonly transientAnswers: Map<string, number>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The exact bytes a source sends for an event (the same bytes on every retry, as vendors resend them). */
function webhookBody(spec: Exclude<EventSpec, { source: 'scim' }>): string {
  switch (spec.source) {
    case 'okta':
      return JSON.stringify({
        eventType: 'com.okta.event_hook',
        eventTypeVersion: '1.0',
        cloudEventsVersion: '0.1',
        source: 'https://example.okta.com/api/v1/eventHooks/who7hphp39JoHLni81d7',
        eventId: spec.events[0]?.uuid ?? 'none',
        data: {
          events: spec.events.map((e) => ({
            uuid: e.uuid,
            published: iso(e.publishedMs),
            eventType: e.eventType,
            version: '0',
            displayMessage: e.eventType,
            severity: 'INFO',
            actor: { id: '00uadmin', type: 'User', alternateId: 'admin@example.com', displayName: 'Okta Admin' },
            outcome: { result: 'SUCCESS', reason: null },
            target: [
              { id: e.oktaId, type: 'User', alternateId: e.login, displayName: e.displayName, detailEntry: null },
            ],
          })),
        },
        eventTime: iso(Math.max(...spec.events.map((e) => e.publishedMs))),
        contentType: 'application/json',
      });
    case 'hr':
      return JSON.stringify({ type: spec.type, timestamp: iso(spec.timestampMs), data: spec.data });
    case 'workos':
      return JSON.stringify({
        object: 'event',
        id: spec.eventId,
        event: spec.event,
        data: spec.data,
        created_at: iso(spec.createdAtMs),
      });
    case 'bamboohr':
      return JSON.stringify({
        type: spec.type,
        timestamp: iso(spec.timestampMs),
        data: {
          companyId: 1,
          employeeId: spec.employeeId,
          changedFields: spec.fields ? Object.keys(spec.fields) : [],
          ...(spec.fields ? { fields: spec.fields } : {}),
        },
      });
  }
}

/** The signed request for a webhook event, signed now (a redelivery is signed afresh, as vendors do). */
function webhookRequest(spec: Exclude<EventSpec, { source: 'scim' }>, stack: LocalStack): SignedRequest {
  const body = webhookBody(spec);
  const { secrets, urls } = stack;
  switch (spec.source) {
    case 'okta':
      return {
        method: 'POST',
        url: urls.webhooks.okta,
        headers: oktaHeaders(secrets.okta, stack.settings.oktaAuthHeader),
        body,
      };
    case 'hr':
      return {
        method: 'POST',
        url: urls.webhooks.hr,
        headers: hrHeaders(secrets.hr, body, { id: spec.webhookId }),
        body,
      };
    case 'workos':
      return { method: 'POST', url: urls.webhooks.workos, headers: workosHeaders(secrets.workos, body), body };
    case 'bamboohr':
      return { method: 'POST', url: urls.webhooks.bamboohr, headers: bambooHeaders(secrets.bamboohr, body), body };
  }
}

function scimRequest(
  spec: Extract<EventSpec, { source: 'scim' }>,
  ctx: DeliveryContext,
): SignedRequest | { problem: string } {
  const { stack } = ctx;
  const headers = scimHeaders(stack.secrets.scim);
  const person = ctx.people[spec.person]!;
  if (spec.op === 'get') {
    const filter = encodeURIComponent(`userName eq "${person.email}"`);
    return { method: 'GET', url: `${stack.urls.scim}/Users?filter=${filter}`, headers };
  }
  if (spec.op === 'post') {
    return { method: 'POST', url: `${stack.urls.scim}/Users`, headers, body: JSON.stringify(spec.body) };
  }
  const id = ctx.scimIds.get(spec.person);
  if (id === undefined) return { problem: 'no SCIM id: the POST of this person did not succeed' };
  return {
    method: spec.op === 'patch' ? 'PATCH' : 'DELETE',
    url: `${stack.urls.scim}/Users/${encodeURIComponent(id)}`,
    headers,
    ...(spec.body ? { body: JSON.stringify(spec.body) } : {}),
  };
}

/** The answers a delivery may get. SCIM retries meet the state the first attempt left (a 409, a 404). */
function expectedStatuses(delivery: Delivery): number[] {
  const spec = delivery.event.spec;
  if (spec.source === 'okta') return [200];
  if (spec.source !== 'scim') return [202];
  const retry = delivery.mode === 'retry';
  switch (spec.op) {
    case 'get':
      return [200];
    case 'post':
      return retry ? [409] : [201];
    case 'patch':
      return [200, 204];
    case 'delete':
      return retry ? [404] : [204];
  }
}

function remember(ctx: DeliveryContext, what: string) {
  ctx.transientAnswers.set(what, (ctx.transientAnswers.get(what) ?? 0) + 1);
}

const MAX_ATTEMPTS = 10;

/**
 * Sends one request, retrying network failures and 5xx answers the way a vendor would (a few times, backing off).
 */
async function sendWithRetries(
  build: () => SignedRequest,
  ctx: DeliveryContext,
): Promise<{ status: number; body: string; attempts: number }> {
  let last = { status: 0, body: '' };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      last = await send(build(), 30_000);
      if (last.status < 500) return { ...last, attempts: attempt };
      remember(ctx, `HTTP ${last.status}`);
    } catch (error) {
      remember(ctx, (error as Error).name || 'network error');
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 50 * 2 ** attempt)));
  }
  return { ...last, attempts: MAX_ATTEMPTS };
}

/**
 * The commands of a late redelivery, built by the real ingest code (the shadow app, same configuration and secrets)
 * from a freshly signed request, then put on the queue with a new deduplication id — what ingest would send if the
 * vendor retried after SQS's 5-minute window.
 */
async function lateRedelivery(delivery: Delivery, ctx: DeliveryContext): Promise<DeliveryResult> {
  const spec = delivery.event.spec as Exclude<EventSpec, { source: 'scim' }>;
  const request = webhookRequest(spec, ctx.stack);
  const url = new URL(request.url);
  // One shadow app per redelivery: what its sender records is this request's commands, whatever runs beside it.
  const shadow = ctx.shadow();
  const response = await shadow.app.handle({
    method: request.method,
    path: url.pathname,
    rawQueryString: '',
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
    rawBody: Buffer.from(request.body ?? '', 'utf8'),
    requestId: randomUUID(),
    receivedAtMs: Date.now(),
  });
  const commands = shadow.sent;
  const base = {
    seq: delivery.seq,
    label: delivery.event.label,
    mode: delivery.mode,
    status: response.statusCode,
    attempts: 1,
  };
  if (response.statusCode >= 300)
    return { ...base, problem: `the shadow ingest answered ${response.statusCode}: ${response.body.slice(0, 200)}` };
  for (let i = 0; i < commands.length; i += 10) {
    const entries = commands.slice(i, i + 10).map((command, j) => ({
      Id: String(j),
      ...toCommandMessage(command),
      MessageDeduplicationId: createHash('sha256').update(`late:${delivery.seq}:${command.id}`).digest('hex'),
    }));
    const out = await ctx.stack.sqsClient.send(
      new SendMessageBatchCommand({ QueueUrl: ctx.stack.queues.queueUrl, Entries: entries }),
    );
    if (out.Failed?.length)
      return { ...base, queued: i, problem: `SQS refused ${out.Failed.length} late redeliveries` };
  }
  const expected = delivery.event.commands.length;
  return {
    ...base,
    queued: commands.length,
    ...(commands.length === expected
      ? {}
      : { problem: `ingest built ${commands.length} commands, expected ${expected}` }),
  };
}

/**
 * Delivers one scenario delivery to the running stack and checks the answer: a webhook gets its 200/202 and reports
 * exactly the commands the event carries; a SCIM request gets the status Entra expects.
 *
 * @example
 * const result = await deliver(delivery, ctx);
 */
export async function deliver(delivery: Delivery, ctx: DeliveryContext): Promise<DeliveryResult> {
  if (delivery.mode === 'late-redelivery') return lateRedelivery(delivery, ctx);
  const spec = delivery.event.spec;
  const base = { seq: delivery.seq, label: delivery.event.label, mode: delivery.mode };
  const expected = expectedStatuses(delivery);
  if (spec.source === 'scim') {
    const built = scimRequest(spec, ctx);
    if ('problem' in built) return { ...base, status: 0, attempts: 0, problem: built.problem };
    const answer = await sendWithRetries(() => built, ctx);
    const result = { ...base, status: answer.status, attempts: answer.attempts };
    if (!expected.includes(answer.status))
      return {
        ...result,
        problem: `SCIM ${spec.op} answered ${answer.status}, expected ${expected.join('/')}: ${answer.body.slice(0, 200)}`,
      };
    if (spec.op === 'post' && answer.status === 201) {
      const id = (JSON.parse(answer.body) as { id?: string }).id;
      if (!id) return { ...result, problem: 'SCIM POST answered 201 without an id' };
      ctx.scimIds.set(spec.person, id);
    }
    return result;
  }
  const answer = await sendWithRetries(() => webhookRequest(spec, ctx.stack), ctx);
  const result = { ...base, status: answer.status, attempts: answer.attempts };
  if (!expected.includes(answer.status))
    return {
      ...result,
      problem: `answered ${answer.status}, expected ${expected.join('/')}: ${answer.body.slice(0, 200)}`,
    };
  const queued = (JSON.parse(answer.body) as { queued?: number }).queued;
  const want = delivery.event.commands.length;
  return {
    ...result,
    ...(queued === undefined ? {} : { queued }),
    ...(queued === want ? {} : { problem: `ingest queued ${queued} commands, the event carries ${want}` }),
  };
}

/**
 * The shadow ingest app factory: the same configuration the stack's ingest handler read from the environment (queue,
 * secrets, defaults), SCIM left out, and a sender that records instead of sending.
 */
export function createShadowIngest(): DeliveryContext['shadow'] {
  const config = loadIngestConfig(process.env);
  const { scim: _scim, ...secrets } = config.secrets;
  return () => {
    const sent: ProvisioningCommand[] = [];
    const app = createIngestApp({
      config: { ...config, secrets },
      sender: {
        async send(commands) {
          sent.push(...commands);
        },
      },
    });
    return { app, sent };
  };
}
