import type { HttpRequest } from '@idp-sync/http';
import { signHrDelivery } from '@idp-sync/webhooks/sign';
import fc from 'fast-check';
import {
  bambooSignature,
  hrHeaders,
  ingestRequest,
  NOW_MS,
  oktaEnvelope,
  oktaUserEvent,
  TEST_SECRETS,
  workosSignature,
  workosUserEvent,
} from '../helpers/webhooks';

/** The bearer token the fuzzed SCIM route accepts. */
export const FUZZ_SCIM_TOKEN = 'scim-fuzz-token-0123456789abcdef';

export const WEBHOOK_SOURCES = ['okta', 'hr', 'workos', 'bamboohr'] as const;
export type WebhookSource = (typeof WEBHOOK_SOURCES)[number];

/** Every path the ingest app answers, plus neighbours a scanner would try. */
export const KNOWN_PATHS = [
  '/health',
  '/webhooks/okta',
  '/webhooks/hr',
  '/webhooks/workos',
  '/webhooks/bamboohr',
  '/webhooks',
  '/webhooks/entra',
  '/scim/v2',
  '/scim/v2/Users',
  '/scim/v2/users',
  '/scim/v2/Users/.search',
  '/scim/v2/Users/2819c223-7f76-453a-919d-413861904646',
  '/scim/v2/Groups',
  '/scim/v2/ServiceProviderConfig',
  '/scim/v2/ResourceTypes',
  '/scim/v2/ResourceTypes/User',
  '/scim/v2/Schemas',
  '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User',
  '/',
  '',
] as const;

const SUFFIXES = [
  '',
  '/',
  '//',
  '/..',
  '/../webhooks/hr',
  '%2F',
  '%',
  '%zz',
  '%00',
  '/%2e%2e',
  '/\u00e9\u{1f600}',
  '?x=1',
  '#frag',
  '/Users',
  '/Users/%',
  ';jsessionid=1',
  `/${'a'.repeat(3000)}`,
];

/** Methods, including ones no route answers and tokens that are not methods at all. */
export const methodArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
  { weight: 2, arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'post', 'Get', 'PROPFIND') },
  { weight: 1, arbitrary: fc.string({ minLength: 0, maxLength: 12 }) },
);

export const pathArb = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...KNOWN_PATHS) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...KNOWN_PATHS), fc.constantFrom(...SUFFIXES))
      .map(([path, suffix]) => `${path}${suffix}`),
  },
  { weight: 1, arbitrary: fc.webPath() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map((s) => `/${s}`) },
);

const HEADER_NAMES = [
  'content-type',
  'authorization',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'workos-signature',
  'x-bamboohr-signature',
  'x-bamboohr-timestamp',
  'x-okta-verification-challenge',
  'accept',
  'content-length',
  'transfer-encoding',
  'host',
  'cookie',
  'x-forwarded-for',
] as const;

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/scim+json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/json;;;',
  'APPLICATION/JSON',
  '',
];

const headerValueArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      TEST_SECRETS.okta,
      `Bearer ${FUZZ_SCIM_TOKEN}x`,
      'Bearer ',
      'Basic ',
      'v1,AAAA',
      't=1, v1=00',
      `t=${NOW_MS}, v1=${'0'.repeat(64)}`,
      String(Math.floor(NOW_MS / 1000)),
      '99999999999999999999',
      '-1',
      'msg_x',
    ),
  },
  { weight: 1, arbitrary: fc.constant('x'.repeat(16_384)) },
);

/** A header map: mostly the names routes read, sometimes others. Names are lower-cased as API Gateway does. */
export const headersArb = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...HEADER_NAMES) },
        { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.toLowerCase()) },
      ),
      headerValueArb,
    ),
    { maxLength: 8 },
  )
  .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);

/** Sizes around the 1 MiB body limit (built lazily: fast-check never has to shrink a megabyte). */
export const HUGE_SIZES = [1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1, 2 * 1024 * 1024];

export const bodyArb: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 1024 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...HUGE_SIZES), fc.constantFrom('{', ' ', 'a', '\u0000'))
      .map(([size, fill]) => Buffer.alloc(size, fill)),
  },
);

/** Any request at all: method, path, headers, query and body drawn independently. */
export const anyRequestArb: fc.Arbitrary<HttpRequest> = fc
  .record({
    method: methodArb,
    path: pathArb,
    headers: headersArb,
    body: bodyArb,
    query: fc.oneof(
      fc.constant(''),
      fc.constantFrom('filter=userName%20eq%20%22a%40b.c%22', 'startIndex=-1&count=99999', 'attributes=,,,', '%%%'),
      fc.string({ maxLength: 60 }),
    ),
  })
  .map(({ method, path, headers, body, query }) =>
    ingestRequest({ method, path, headers, body, rawQueryString: query }),
  );

/** A local part that the command schema accepts (letters, digits, dots in the middle). */
const localPartArb = fc.stringMatching(/^[a-z][a-z0-9]{0,8}(\.[a-z0-9]{1,8})?$/);
export const emailArb = fc
  .tuple(localPartArb, fc.constantFrom('example.com', 'Corp.Example.io', 'exämple.org'.normalize()), fc.boolean())
  .filter(([, domain]) => /^[\x21-\x7e]+$/.test(domain))
  .map(([local, domain, upper]) => {
    const email = `${local}@${domain}`;
    return upper ? email.toUpperCase() : email;
  });

/** Names with unicode: accents, CJK, emoji, right-to-left scripts. */
export const nameArb = fc.oneof(
  fc.constantFrom(
    'Ada Lovelace',
    'Zoë Ångström',
    '山田 太郎',
    'محمد علي',
    'Ølaf 😀 Ünïcödé',
    'O\u0027Brien',
    'Non\uFFFEchar\uFFFF',
  ),
  fc
    .string({ unit: 'grapheme-composite', minLength: 1, maxLength: 20 })
    .filter((s) => s.trim().length > 0 && [...s].every((c) => c.codePointAt(0)! >= 0x20 && c !== '\u007f')),
);

export interface ValidDelivery {
  readonly source: WebhookSource;
  /** Builds the signed request; `mutate` sees the parts before (re)assembly. */
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/** A valid, signed webhook delivery that maps to at least one command, for each source. */
export const validDeliveryArb: fc.Arbitrary<ValidDelivery> = fc
  .record({
    source: fc.constantFrom(...WEBHOOK_SOURCES),
    email: emailArb,
    name: nameArb,
    kind: fc.constantFrom('join', 'update', 'leave'),
    nonce: fc.uuid(),
  })
  .map(({ source, email, name, kind, nonce }) => signedDelivery(source, email, name, kind, nonce));

function signedDelivery(
  source: WebhookSource,
  email: string,
  name: string,
  kind: 'join' | 'update' | 'leave',
  nonce: string,
): ValidDelivery {
  const occurredAt = new Date(NOW_MS - 1000).toISOString();
  switch (source) {
    case 'okta': {
      const eventType =
        kind === 'join'
          ? 'user.lifecycle.create'
          : kind === 'update'
            ? 'user.account.update_profile'
            : 'user.lifecycle.deactivate';
      const body = Buffer.from(
        JSON.stringify(oktaEnvelope([oktaUserEvent({ eventType, email, name, uuid: nonce, published: occurredAt })])),
      );
      return { source, body, headers: { 'content-type': 'application/json', authorization: TEST_SECRETS.okta } };
    }
    case 'hr': {
      const type = kind === 'join' ? 'user.joined' : kind === 'update' ? 'user.updated' : 'user.left';
      const data = kind === 'leave' ? { email } : { email, name };
      const body = Buffer.from(JSON.stringify({ type, timestamp: occurredAt, data }));
      return { source, body, headers: hrHeaders(body, { id: `msg_${nonce.replace(/-/g, '')}` }) };
    }
    case 'workos': {
      const event =
        kind === 'join' ? 'dsync.user.created' : kind === 'update' ? 'dsync.user.updated' : 'dsync.user.deleted';
      const [first, ...rest] = name.split(' ');
      const payload = workosUserEvent({
        event,
        id: `event_${nonce.replace(/-/g, '').toUpperCase().slice(0, 26)}`,
        email,
        firstName: first ?? name,
        lastName: rest.join(' ') || 'X',
      });
      const body = Buffer.from(JSON.stringify(payload));
      return {
        source,
        body,
        headers: { 'content-type': 'application/json', 'workos-signature': workosSignature(body) },
      };
    }
    case 'bamboohr': {
      const type = kind === 'join' ? 'employee.created' : kind === 'update' ? 'employee.updated' : 'employee.deleted';
      // The employee id carries the nonce: BambooHR has no event id, so command ids hash the content.
      const body = Buffer.from(
        JSON.stringify({
          type,
          timestamp: occurredAt,
          data: { companyId: 1, employeeId: nonce, fields: { workEmail: email, firstName: name, lastName: 'X' } },
        }),
      );
      const timestamp = String(Math.floor(NOW_MS / 1000));
      return {
        source,
        body,
        headers: {
          'content-type': 'application/json',
          'x-bamboohr-timestamp': timestamp,
          'x-bamboohr-signature': bambooSignature(body, timestamp),
        },
      };
    }
  }
}

export function deliveryRequest(delivery: ValidDelivery): HttpRequest {
  return ingestRequest({ path: `/webhooks/${delivery.source}`, headers: delivery.headers, body: delivery.body });
}

/** What a mutation does to a valid delivery, and whether the result must be refused. */
export type Mutation =
  | { kind: 'flip-body-byte'; at: number; mask: number }
  | { kind: 'truncate-body'; keep: number }
  | { kind: 'append-body'; extra: string }
  | { kind: 'flip-signature'; at: number; to: number }
  | { kind: 'wrong-secret' }
  | { kind: 'stale-timestamp'; bySeconds: number }
  | { kind: 'future-timestamp'; bySeconds: number }
  | { kind: 'timestamp-header-only'; delta: number }
  | { kind: 'drop-auth-header'; which: number }
  | { kind: 'content-type'; value: string }
  | { kind: 'unicode-header'; value: string };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip-body-byte'), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate-body'), keep: fc.nat() }),
  fc.record({ kind: fc.constant('append-body'), extra: fc.constantFrom(' ', '\n', '}', '\u00e9', '\u0000') }),
  fc.record({ kind: fc.constant('flip-signature'), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('wrong-secret') }),
  fc.record({ kind: fc.constant('stale-timestamp'), bySeconds: fc.integer({ min: 301, max: 90 * 86_400 }) }),
  fc.record({ kind: fc.constant('future-timestamp'), bySeconds: fc.integer({ min: 301, max: 90 * 86_400 }) }),
  fc.record({ kind: fc.constant('timestamp-header-only'), delta: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ kind: fc.constant('drop-auth-header'), which: fc.nat() }),
  fc.record({
    kind: fc.constant('content-type'),
    value: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', ''),
  }),
  fc.record({
    kind: fc.constant('unicode-header'),
    value: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  }),
);

/** The headers each source authenticates with. */
const AUTH_HEADERS: Record<WebhookSource, readonly string[]> = {
  okta: ['authorization'],
  hr: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
  workos: ['workos-signature'],
  bamboohr: ['x-bamboohr-signature', 'x-bamboohr-timestamp'],
};

/** Which answer a mutation must get: `401`/`415`, or `any` when it may legitimately still be accepted. */
export type Expectation = 401 | 415 | 'any';

const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function replaceAt(text: string, index: number, char: string): string {
  return `${text.slice(0, index)}${char}${text.slice(index + 1)}`;
}

/** A different character of `alphabet` at `at` (compared case-insensitively, so hex stays a different value). */
function flipChar(text: string, at: number, to: number, alphabet: string): string {
  const current = text[at]!.toLowerCase();
  const choices = [...alphabet].filter((c) => c.toLowerCase() !== current);
  return replaceAt(text, at, choices[to % choices.length]!);
}

function resign(delivery: ValidDelivery, body: Buffer, timeShiftSeconds: number, secretOverride?: string) {
  const headers = { ...delivery.headers };
  switch (delivery.source) {
    case 'hr': {
      const ts = Math.floor(NOW_MS / 1000) + timeShiftSeconds;
      const id = headers['webhook-id']!;
      Object.assign(headers, signHrDelivery(secretOverride ?? TEST_SECRETS.hr, body, { id, timestampSec: ts }));
      break;
    }
    case 'workos':
      headers['workos-signature'] = workosSignature(body, {
        tMs: NOW_MS + timeShiftSeconds * 1000,
        ...(secretOverride ? { secret: secretOverride } : {}),
      });
      break;
    case 'bamboohr': {
      const ts = String(Math.floor(NOW_MS / 1000) + timeShiftSeconds);
      headers['x-bamboohr-timestamp'] = ts;
      headers['x-bamboohr-signature'] = bambooSignature(body, ts, secretOverride);
      break;
    }
    case 'okta':
      if (secretOverride) headers.authorization = secretOverride;
      break;
  }
  return headers;
}

/**
 * Applies `mutation` to a valid delivery. Body changes break every HMAC source (the signature covers the raw bytes);
 * Okta has no body signature, so a changed Okta body may still be a valid event.
 */
export function mutate(delivery: ValidDelivery, mutation: Mutation): { request: HttpRequest; expect: Expectation } {
  const { source } = delivery;
  const signed = source !== 'okta';
  let body = delivery.body;
  let headers = { ...delivery.headers };
  let expect: Expectation;
  switch (mutation.kind) {
    case 'flip-body-byte': {
      body = Buffer.from(body);
      const at = mutation.at % body.length;
      body[at] = body[at]! ^ mutation.mask;
      expect = signed ? 401 : 'any';
      break;
    }
    case 'truncate-body':
      body = body.subarray(0, mutation.keep % body.length);
      expect = signed ? 401 : 'any';
      break;
    case 'append-body':
      body = Buffer.concat([body, Buffer.from(mutation.extra)]);
      expect = signed ? 401 : 'any';
      break;
    case 'flip-signature': {
      const name = source === 'okta' ? 'authorization' : AUTH_HEADERS[source].find((h) => h.includes('signature'))!;
      const value = headers[name]!;
      if (source === 'hr') {
        // `v1,<base64>`: change a character of the base64 part, not its last (its low bits may be padding).
        const at = 3 + (mutation.at % (value.length - 5));
        headers[name] = flipChar(value, at, mutation.to, B64);
      } else if (source === 'workos') {
        const v1 = value.indexOf('v1=') + 3;
        headers[name] = flipChar(value, v1 + (mutation.at % (value.length - v1)), mutation.to, HEX);
      } else if (source === 'bamboohr') {
        headers[name] = flipChar(value, mutation.at % value.length, mutation.to, HEX);
      } else {
        headers[name] = flipChar(value, mutation.at % value.length, mutation.to, B64);
      }
      expect = 401;
      break;
    }
    case 'wrong-secret':
      headers = resign(
        delivery,
        body,
        0,
        source === 'hr'
          ? 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
          : source === 'okta'
            ? 'Basic d3Jvbmc6c2VjcmV0'
            : 'not-the-key',
      );
      expect = 401;
      break;
    case 'stale-timestamp':
    case 'future-timestamp': {
      const shift = mutation.kind === 'stale-timestamp' ? -mutation.bySeconds : mutation.bySeconds;
      // WorkOS tolerates 180 s, the others 300 s: every shift drawn is beyond both.
      headers = resign(delivery, body, shift);
      expect = signed ? 401 : 'any';
      break;
    }
    case 'timestamp-header-only': {
      // The timestamp is part of what is signed: changing it without re-signing must break the signature.
      if (source === 'hr') headers['webhook-timestamp'] = String(Number(headers['webhook-timestamp']) - mutation.delta);
      else if (source === 'bamboohr')
        headers['x-bamboohr-timestamp'] = String(Number(headers['x-bamboohr-timestamp']) - mutation.delta);
      else if (source === 'workos')
        headers['workos-signature'] = headers['workos-signature']!.replace(
          /t=(\d+)/,
          (_, t) => `t=${Number(t) - mutation.delta}`,
        );
      expect = signed ? 401 : 'any';
      break;
    }
    case 'drop-auth-header': {
      const names = AUTH_HEADERS[source];
      delete headers[names[mutation.which % names.length]!];
      expect = 401;
      break;
    }
    case 'content-type':
      if (mutation.value === '') delete headers['content-type'];
      else headers['content-type'] = mutation.value;
      // Verification runs first (over the raw bytes), then the media type is checked.
      expect = 415;
      break;
    case 'unicode-header': {
      const names = AUTH_HEADERS[source];
      headers[names[mutation.value.length % names.length]!] = mutation.value;
      expect = 401;
      break;
    }
  }
  return {
    request: ingestRequest({ path: `/webhooks/${source}`, headers, body }),
    expect,
  };
}
