import { ownField, parseUntrustedJson } from '@idp-sync/common';
import { type DirectoryPerson, type DirectorySource, EmailSchema } from '@idp-sync/contracts';
import { request } from 'undici';
import { WorkosSourceError } from '../../errors';

/** WorkOS's API. */
export const WORKOS_API_URL = 'https://api.workos.com';
/** The most directory users one page holds (WorkOS's maximum). */
const PAGE_SIZE = 100;
/** The largest page body read (100 users with raw attributes stay far below). */
const MAX_PAGE_BYTES = 16 * 1024 * 1024;

export interface WorkosSourceOptions {
  /** The directory (`directory_01…`). */
  readonly directoryId: string;
  /** A WorkOS API key (`WORKOS_API_KEY`, `sk_…`). */
  readonly apiKey: string;
  /** Default https://api.workos.com (`WORKOS_BASE_URL`; a stand-in in tests). */
  readonly baseUrl?: string;
  /** Attempts per page when WorkOS answers 429 or 5xx or the network fails (default 5). */
  readonly maxAttempts?: number;
  /** Per request (default 30 s). */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A WorkOS directory as a source of truth (`idp-sync reconcile --from workos`), through WorkOS's REST API with undici
 * (the official `@workos-inc/node` 12 needs Node ≥ 22.11; this project supports Node 20): `GET /directory_users
 * ?directory=…&limit=100&after=…`, following `list_metadata.after` until it is null. A 429 waits for its `Retry-After`
 * (else backs off), as do 5xx answers and network errors, up to `maxAttempts` per page. A person's key is their
 * `email`, else the primary (else first) of `emails`, else `username` when it is an address — as the webhooks read
 * them; `state: inactive` is a leaver. Every field is read with own-property checks, the body size bounded.
 *
 * @example
 * const source = workosDirectorySource({ directoryId: 'directory_01ECAZ4NV9QMV47GW873HDCX74', apiKey });
 */
export function workosDirectorySource(
  options: WorkosSourceOptions,
): DirectorySource & { readonly skipped: () => number } {
  const base = (options.baseUrl ?? WORKOS_API_URL).replace(/\/$/, '');
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxAttempts = options.maxAttempts ?? 5;
  let skipped = 0;

  async function page(after: string | undefined): Promise<{ data: unknown[]; after: string | undefined }> {
    const url = new URL(`${base}/directory_users`);
    url.searchParams.set('directory', options.directoryId);
    url.searchParams.set('limit', String(PAGE_SIZE));
    url.searchParams.set('order', 'asc');
    if (after !== undefined) url.searchParams.set('after', after);
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let text = '';
      let retryAfter: string | undefined;
      try {
        const response = await request(url, {
          method: 'GET',
          headers: {
            authorization: `Bearer ${options.apiKey}`,
            accept: 'application/json',
            'user-agent': 'idp-sync-reconcile',
          },
          headersTimeout: options.timeoutMs ?? 30_000,
          bodyTimeout: options.timeoutMs ?? 30_000,
        });
        status = response.statusCode;
        const header = response.headers['retry-after'];
        retryAfter = Array.isArray(header) ? header[0] : header;
        const length = Number(response.headers['content-length'] ?? 0);
        if (length > MAX_PAGE_BYTES) {
          await response.body.dump();
          throw new WorkosSourceError(options.directoryId, {
            message: `a page of ${length} bytes is larger than ${MAX_PAGE_BYTES}`,
          });
        }
        text = await response.body.text();
      } catch (error) {
        if (error instanceof WorkosSourceError) throw error;
        if (attempt >= maxAttempts) throw new WorkosSourceError(options.directoryId, error);
        await sleep(backoff(attempt));
        continue;
      }
      if (status === 200) {
        const json = parseUntrustedJson(text);
        const data = json.ok ? ownField(json.value, 'data') : undefined;
        if (!json.ok || !Array.isArray(data)) {
          throw new WorkosSourceError(options.directoryId, { message: 'the answer is not a list of directory users' });
        }
        const next = ownField(ownField(json.value, 'list_metadata'), 'after');
        return { data, after: typeof next === 'string' && next !== '' ? next : undefined };
      }
      if ((status === 429 || status >= 500) && attempt < maxAttempts) {
        await sleep(retryAfterMs(retryAfter) ?? backoff(attempt));
        continue;
      }
      const body = parseUntrustedJson(text);
      const message = body.ok ? ownField(body.value, 'message') : undefined;
      const code = body.ok ? ownField(body.value, 'code') : undefined;
      throw new WorkosSourceError(options.directoryId, {
        status,
        code: typeof code === 'string' ? code : undefined,
        message: typeof message === 'string' ? message.slice(0, 200) : undefined,
      });
    }
  }

  return {
    name: `workos ${options.directoryId}`,
    skipped: () => skipped,
    async *people() {
      skipped = 0;
      const people = new Map<string, DirectoryPerson>();
      const seenCursors = new Set<string>();
      let after: string | undefined;
      do {
        const result = await page(after);
        for (const user of result.data) {
          const person = toPerson(user);
          if (person === undefined) skipped++;
          else people.set(person.email, person);
        }
        if (result.after !== undefined && seenCursors.has(result.after)) {
          throw new WorkosSourceError(options.directoryId, {
            message: `the list came back to cursor ${result.after}: not following it in a loop`,
          });
        }
        if (result.after !== undefined) seenCursors.add(result.after);
        after = result.after;
      } while (after !== undefined);
      yield* people.values();
    },
  };
}

function toPerson(user: unknown): DirectoryPerson | undefined {
  const id = ownField(user, 'id');
  if (typeof id !== 'string') return undefined;
  const emails = ownField(user, 'emails');
  const list = Array.isArray(emails) ? emails : [];
  const primary = list.find((e) => ownField(e, 'primary') === true) ?? list[0];
  const candidates = [ownField(user, 'email'), ownField(primary, 'value'), ownField(user, 'username')];
  let email: string | undefined;
  for (const candidate of candidates) {
    const parsed = EmailSchema.safeParse(candidate);
    if (parsed.success) {
      email = parsed.data;
      break;
    }
  }
  if (email === undefined) return undefined;
  const first = ownField(user, 'first_name');
  const last = ownField(user, 'last_name');
  const name = [first, last]
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
    .join(' ')
    .trim();
  return {
    email,
    active: ownField(user, 'state') !== 'inactive',
    sourceUserId: id.slice(0, 256),
    ...(name === '' ? {} : { name: name.slice(0, 255) }),
  };
}

function backoff(attempt: number): number {
  return Math.min(8_000, 250 * 2 ** (attempt - 1));
}

/** `Retry-After` as milliseconds (seconds or an HTTP date), capped at a minute. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) ? Math.min(60_000, Math.max(0, ms)) : undefined;
}
