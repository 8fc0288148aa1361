import { createContext, runInContext } from 'node:vm';
import type { HttpResponse } from '@idp-sync/http';
import { chai } from 'vitest';
import { type ScimRequestOptions, scimRequest } from './harness';

/**
 * A small runner for Postman v2.1 collections, enough to drive Microsoft's SCIM reference collection as published:
 * `{{variable}}` substitution, bearer auth, raw bodies, and the `pm`/`postman` sandbox its test scripts use
 * (`pm.test`, `pm.expect`, `pm.response`, `pm.environment`, `postman.setEnvironmentVariable`, `responseBody`).
 * Scripts run in a `node:vm` context with only that sandbox in scope.
 */

interface PostmanHeader {
  key: string;
  value: string;
  disabled?: boolean;
}

interface PostmanScript {
  listen: 'prerequest' | 'test';
  script: { exec: string[] | string };
}

export interface PostmanRequestItem {
  name: string;
  event?: PostmanScript[];
  request: {
    method: string;
    header?: PostmanHeader[];
    auth?: { type: string; bearer?: { key: string; value: string }[] };
    body?: { mode?: string; raw?: string };
    url: string | { raw: string };
  };
}

interface PostmanFolder {
  name: string;
  item: (PostmanFolder | PostmanRequestItem)[];
}

export interface PostmanStep {
  /** `Folder / Request` */
  readonly title: string;
  readonly item: PostmanRequestItem;
}

/** Every request of the collection in run order (folders depth-first), with its folder path in the title. */
export function collectionSteps(collection: { item: (PostmanFolder | PostmanRequestItem)[] }): PostmanStep[] {
  const steps: PostmanStep[] = [];
  const walk = (items: (PostmanFolder | PostmanRequestItem)[], prefix: string) => {
    for (const item of items) {
      if ('item' in item) walk(item.item, `${prefix}${item.name} / `);
      else steps.push({ title: `${prefix}${item.name}`, item });
    }
  };
  walk(collection.item, '');
  return steps;
}

export function rawUrlOf(item: PostmanRequestItem): string {
  return typeof item.request.url === 'string' ? item.request.url : item.request.url.raw;
}

export interface PmTestResult {
  readonly name: string;
  readonly error?: string;
}

export interface StepOutcome {
  readonly statusCode: number;
  readonly tests: PmTestResult[];
}

/** Runs collection steps against a handler, keeping one Postman environment across steps. */
export class PostmanRunner {
  readonly environment = new Map<string, string>();

  constructor(
    private readonly variables: Record<string, string>,
    private readonly handle: (request: ReturnType<typeof scimRequest>) => Promise<HttpResponse>,
  ) {}

  substitute(text: string): string {
    return text.replace(/\{\{([^{}]+)\}\}/g, (whole, name: string) => {
      const key = name.trim();
      return this.environment.get(key) ?? this.variables[key] ?? whole;
    });
  }

  async run(step: PostmanStep): Promise<StepOutcome> {
    const { request } = step.item;
    this.runScripts(step.item, 'prerequest', undefined);
    const url = new URL(this.substitute(rawUrlOf(step.item)));
    const headers: Record<string, string> = {};
    for (const header of request.header ?? []) {
      if (!header.disabled) headers[header.key] = this.substitute(header.value);
    }
    const options: ScimRequestOptions = { headers, token: null };
    if (request.auth?.type === 'bearer') {
      const token = request.auth.bearer?.find((entry) => entry.key === 'token')?.value ?? '';
      headers.Authorization = `Bearer ${this.substitute(token)}`;
    }
    if (request.body?.mode === 'raw' && request.body.raw !== undefined && request.method !== 'GET') {
      options.body = this.substitute(request.body.raw);
    }
    const ingestRequest = scimRequest(request.method, `${url.pathname}${url.search}`, options);
    if (options.body !== undefined && headers['Content-Type'] === undefined) {
      // A Postman raw body is sent with the Content-Type the request names (or none at all).
      delete (ingestRequest.headers as Record<string, string>)['content-type'];
    }
    const response = await this.handle(ingestRequest);
    const tests = this.runScripts(step.item, 'test', response);
    return { statusCode: response.statusCode, tests };
  }

  private runScripts(item: PostmanRequestItem, listen: PostmanScript['listen'], response: HttpResponse | undefined) {
    const results: PmTestResult[] = [];
    for (const event of item.event ?? []) {
      if (event.listen !== listen) continue;
      const source = Array.isArray(event.script.exec) ? event.script.exec.join('\n') : event.script.exec;
      if (source.trim() === '') continue;
      runInContext(source, createContext(this.sandbox(response, results)), { timeout: 1000 });
    }
    return results;
  }

  private sandbox(response: HttpResponse | undefined, results: PmTestResult[]) {
    const environment = this.environment;
    const body = response?.body ?? '';
    const pmResponse = response && {
      code: response.statusCode,
      text: () => body,
      json: () => JSON.parse(body),
      to: {
        have: {
          status: (code: number) =>
            chai.expect(response.statusCode, `HTTP status (body: ${body.slice(0, 300)})`).to.equal(code),
        },
      },
    };
    return {
      JSON,
      responseBody: body,
      pm: {
        test: (name: string, fn: () => void) => {
          try {
            fn();
            results.push({ name });
          } catch (error) {
            results.push({ name, error: error instanceof Error ? error.message : String(error) });
          }
        },
        expect: chai.expect,
        response: pmResponse,
        environment: {
          get: (key: string) => environment.get(key),
          set: (key: string, value: unknown) => environment.set(key, String(value)),
        },
      },
      postman: {
        setEnvironmentVariable: (key: string, value: unknown) => environment.set(key, String(value)),
        getEnvironmentVariable: (key: string) => environment.get(key),
      },
    };
  }
}
